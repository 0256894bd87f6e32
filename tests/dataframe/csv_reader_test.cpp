// SPDX-License-Identifier: MIT
// The CPU CSV reader and the writer, without a GPU: what is read, the exact round
// trip at 17 digits, slice boundaries anywhere, and every malformed input's line.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>
#include <unistd.h>

#include "common/temporary_file.hpp"
#include "csv_test_inputs.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_detail.hpp"

namespace {

using namespace gpulab::dataframe;

// The message of the io_error that reading `text` throws ("" when it does not throw).
std::string read_error(const std::string& text, const csv_options& options = {}) {
  try {
    (void)read_csv_cpu_text(text, options);
  } catch (const gpulab::io_error& e) {
    return e.what();
  }
  return "";
}

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

using gpulab::testing::temporary_file;  // a file for one test, removed at its end

TEST(dataframe_csv_reader, ReadsTypesValuesAndMissingFields) {
  const csv_columns t = read_csv_cpu_text("A,B,C\n0.5,1,-2\n0.25,,3\n\"1e3\",2,\"\"\n");
  ASSERT_EQ(t.rows, 3u);
  ASSERT_EQ(t.columns.size(), 3u);
  const csv_host_column& a = t.column("A");
  const csv_host_column& b = t.column("B");
  const csv_host_column& c = t.column("C");
  EXPECT_EQ(a.dtype, csv_dtype::float64);
  EXPECT_EQ(b.dtype, csv_dtype::int64);
  EXPECT_EQ(c.dtype, csv_dtype::int64);
  EXPECT_EQ(a.float64, (std::vector<double>{0.5, 0.25, 1000.0}));
  EXPECT_EQ(b.int64, (std::vector<std::int64_t>{1, 0, 2}));
  EXPECT_EQ(c.int64, (std::vector<std::int64_t>{-2, 3, 0}));
  EXPECT_EQ(a.validity, (std::vector<std::uint32_t>{0b111}));
  EXPECT_EQ(b.validity, (std::vector<std::uint32_t>{0b101}));
  EXPECT_EQ(c.validity, (std::vector<std::uint32_t>{0b011}));
  EXPECT_TRUE(a.int64.empty());
  EXPECT_TRUE(b.float64.empty());
}

TEST(dataframe_csv_reader, LineEndsDelimitersQuotesAndTheByteOrderMarkDoNotChangeTheValues) {
  const csv_columns plain = read_csv_cpu_text("x,y\n1.5,2\n-3,4\n");
  const std::vector<std::pair<std::string, char>> variants = {
      {"x,y\r\n1.5,2\r\n-3,4\r\n", ','},       {"x,y\n1.5,2\n-3,4", ','},
      {"\xEF\xBB\xBFx,y\n1.5,2\n-3,4\n", ','}, {"x;y\n1.5;2\n-3;4\n", ';'},
      {"x\ty\n1.5\t2\n-3\t4\n", '\t'},         {"\"x\",\"y\"\n\"1.5\",\"2\"\r\n-3,\"4\"", ','},
  };
  for (const auto& [text, delimiter] : variants) {
    csv_options options;
    options.delimiter = delimiter;
    EXPECT_EQ(first_difference(plain, read_csv_cpu_text(text, options)), "") << text;
  }
}

TEST(dataframe_csv_reader, QuotedNamesKeepTheirDelimitersAndQuotes) {
  const csv_columns t = read_csv_cpu_text("\"a,b\",\"say \"\"hi\"\"\",\"multi\nline\"\n1,2,3\n");
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.columns[0].name, "a,b");
  EXPECT_EQ(t.columns[1].name, "say \"hi\"");
  EXPECT_EQ(t.columns[2].name, "multi\nline");
}

TEST(dataframe_csv_reader, DeclaredTypesOverrideInference) {
  csv_options options;
  options.dtypes = {{"n", csv_dtype::float64}, {"m", csv_dtype::int64}};
  const csv_columns t = read_csv_cpu_text("n,m,k\n1,2,3\n4,,6\n", options);
  EXPECT_EQ(t.column("n").dtype, csv_dtype::float64);
  EXPECT_EQ(t.column("n").float64, (std::vector<double>{1.0, 4.0}));
  EXPECT_EQ(t.column("m").dtype, csv_dtype::int64);
  EXPECT_EQ(t.column("k").dtype, csv_dtype::int64);
  options.dtypes = {{"nope", csv_dtype::int64}};
  EXPECT_THROW((void)read_csv_cpu_text("n,m\n1,2\n", options), gpulab::usage_error);
}

TEST(dataframe_csv_reader, InferenceRules) {
  // All missing: float64 of NaN. An integer past int64: float64. Specials: float64.
  const csv_columns t = read_csv_cpu_text("empty,big,special,ints\n,99999999999999999999,nan,-0\n,1,-inf,007\n");
  EXPECT_EQ(t.column("empty").dtype, csv_dtype::float64);
  EXPECT_TRUE(std::isnan(t.column("empty").float64[1]));
  EXPECT_EQ(t.column("empty").validity[0], 0u);
  EXPECT_EQ(t.column("big").dtype, csv_dtype::float64);
  EXPECT_EQ(t.column("big").float64[0], 1e20);
  EXPECT_EQ(bits(t.column("special").float64[0]), 0x7FF8000000000000u);
  EXPECT_EQ(t.column("special").float64[1], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(t.column("ints").dtype, csv_dtype::int64);
  EXPECT_EQ(t.column("ints").int64, (std::vector<std::int64_t>{0, 7}));
}

TEST(dataframe_csv_reader, HeaderOnlyFilesHaveNoRows) {
  for (const char* text : {"a,b\n", "a,b", "a,b\r\n"}) {
    const csv_columns t = read_csv_cpu_text(text);
    EXPECT_EQ(t.rows, 0u) << text;
    ASSERT_EQ(t.columns.size(), 2u) << text;
    EXPECT_EQ(t.columns[1].name, "b") << text;
  }
}

TEST(dataframe_csv_reader, OneColumnEmptyLinesAreMissingValues) {
  const csv_columns t = read_csv_cpu_text("a\n1\n\n3\n\n");
  ASSERT_EQ(t.rows, 4u);
  EXPECT_EQ(t.columns[0].validity[0], 0b0101u);
}

// Random values of every kind: the writer's 17 digits bring back the same bits.
csv_columns random_table(std::uint64_t seed, std::size_t rows) {
  std::mt19937_64 rng(seed);
  const double edges[] = {0.0, -0.0, std::numeric_limits<double>::max(), -std::numeric_limits<double>::max(),
                          std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(),
                          -std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
                          -std::numeric_limits<double>::quiet_NaN(), 1.0, 0.1, 1e23, 5e-324, 2.2250738585072009e-308};
  const std::int64_t integer_edges[] = {0, -1, std::numeric_limits<std::int64_t>::max(),
                                        std::numeric_limits<std::int64_t>::min()};
  csv_columns t;
  t.rows = rows;
  for (const char* name : {"uniform", "any_bits", "subnormal", "edges", "integers"}) {
    csv_host_column c;
    c.name = name;
    c.dtype = std::string(name) == "integers" ? csv_dtype::int64 : csv_dtype::float64;
    c.validity.assign(validity_words(rows), 0);
    for (std::size_t r = 0; r < rows; ++r) {
      const bool missing = rng() % 10 == 0;
      if (!missing) c.validity[r / 32] |= 1U << (r % 32);
      const std::string n = name;
      if (c.dtype == csv_dtype::int64) {
        const std::int64_t v = rng() % 4 == 0 ? integer_edges[rng() % 4] : static_cast<std::int64_t>(rng());
        c.int64.push_back(missing ? 0 : v);
        continue;
      }
      double v = 0;
      if (n == "uniform") v = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      if (n == "any_bits") v = csv_test::random_bits_double(rng);
      if (n == "subnormal") v = std::ldexp(static_cast<double>(rng() % (std::uint64_t{1} << 52)), -1074) * (rng() % 2 ? 1 : -1);
      if (n == "edges") v = edges[rng() % std::size(edges)];
      c.float64.push_back(missing ? std::numeric_limits<double>::quiet_NaN() : v);
    }
    t.columns.push_back(std::move(c));
  }
  return t;
}

TEST(dataframe_csv_reader, WriteThenReadIsExactAtSeventeenDigits) {
  csv_options options;
  options.dtypes = {{"integers", csv_dtype::int64}};  // an int64 column stays int64 even if all were missing
  for (const std::size_t rows : {std::size_t{1}, std::size_t{31}, std::size_t{1000}, std::size_t{100003}}) {
    const csv_columns written = random_table(rows, rows);
    const csv_columns read = read_csv_cpu_text(write_csv_text(written), options);
    ASSERT_EQ(first_difference(written, read), "") << rows << " rows";
  }
}

TEST(dataframe_csv_reader, WriteThenReadThroughAFile) {
  const temporary_file file;
  const csv_columns written = random_table(99, 5001);
  write_csv(file.path, written, {';'});
  csv_options options;
  options.delimiter = ';';
  options.dtypes = {{"integers", csv_dtype::int64}};
  const csv_columns read = read_csv_cpu(file.path, options);
  EXPECT_EQ(first_difference(written, read), "");
  EXPECT_EQ(first_difference(read, read_csv_cpu_text(write_csv_text(written, {';'}), options)), "");
}

TEST(dataframe_csv_reader, TheWriterQuotesNamesAndRefusesBadLayouts) {
  csv_columns t;
  t.rows = 1;
  t.columns.push_back({"a,\"b\"", csv_dtype::float64, {2.5}, {}, {1}});
  EXPECT_EQ(write_csv_text(t), "\"a,\"\"b\"\"\"\n2.5\n");
  EXPECT_EQ(read_csv_cpu_text(write_csv_text(t)).columns[0].name, "a,\"b\"");
  t.rows = 2;  // one value for two rows
  EXPECT_THROW((void)write_csv_text(t), gpulab::usage_error);
  EXPECT_THROW((void)write_csv_text(csv_columns{}), gpulab::usage_error);
  t.rows = 1;
  EXPECT_THROW(write_csv("/nonexistent-folder/x.csv", t), gpulab::io_error);
}

TEST(dataframe_csv_reader, GeneratedFilesReadTheSameWhateverTheSlices) {
  // The parallel steps split the text into slices; a slice boundary may fall inside
  // a quoted field, a number or a CRLF. Any slicing must give the same result.
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    csv_test::shape s;
    s.columns = 1 + static_cast<int>(seed % 6);
    s.final_newline = seed % 3 != 0;
    const std::string text = csv_test::random_csv(seed, 1 + seed * 13 % 300, s);
    const csv_columns whole = read_csv_cpu_text(text);
    for (const std::uint64_t slice : {1, 2, 3, 7, 16, 61, 4096}) {
      csv_columns sliced;
      detail::parse_csv_cpu(detail::memory_source(text, "<text>"), {}, slice, sliced);
      ASSERT_EQ(first_difference(whole, sliced), "") << "seed " << seed << " slice " << slice;
    }
  }
}

TEST(dataframe_csv_reader, BrokenFilesGiveTheSameLineWhateverTheSlices) {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    const std::string text = csv_test::break_csv(csv_test::random_csv(seed, 40), seed);
    const std::string expected = read_error(text);
    for (const std::uint64_t slice : {1, 5, 64}) {
      std::string got;
      try {
        csv_columns out;
        detail::parse_csv_cpu(detail::memory_source(text, "<text>"), {}, slice, out);
      } catch (const gpulab::io_error& e) {
        got = e.what();
      }
      ASSERT_EQ(got, expected) << "seed " << seed << " slice " << slice;
    }
  }
}

TEST(dataframe_csv_reader, EveryMalformedInputGetsItsLine) {
  for (const csv_test::malformed_case& m : csv_test::malformed_cases()) {
    csv_options options;
    options.dtypes = m.dtypes;
    EXPECT_EQ(read_error(m.text, options), m.message) << m.name;
  }
}

TEST(dataframe_csv_reader, MessagesNameTheFile) {
  const temporary_file file;
  { std::ofstream(file.path) << "a,b\n1,2\n3,x\n"; }
  try {
    (void)read_csv_cpu(file.path);
    FAIL() << "no error";
  } catch (const gpulab::io_error& e) {
    EXPECT_EQ(std::string(e.what()), file.path.string() + ":3:3: expected a number in column 'b', found 'x'");
  }
  EXPECT_THROW((void)read_csv_cpu("/nonexistent-folder/x.csv"), gpulab::io_error);
  EXPECT_THROW((void)read_csv_cpu(std::filesystem::temp_directory_path()), gpulab::io_error);
}

TEST(dataframe_csv_reader, ReadingIntoReusesTheBuffersAndLeavesNothingOnError) {
  const temporary_file file;
  write_csv(file.path, random_table(5, 777));
  csv_options options;
  options.dtypes = {{"integers", csv_dtype::int64}};
  csv_columns out;
  read_csv_cpu_into(file.path, options, out);
  const double* first = out.columns[0].float64.data();
  read_csv_cpu_into(file.path, options, out);
  EXPECT_EQ(out.columns[0].float64.data(), first);
  EXPECT_EQ(out.rows, 777u);
  { std::ofstream(file.path, std::ios::app) << "1,2\n"; }  // a ragged last row
  EXPECT_THROW(read_csv_cpu_into(file.path, options, out), gpulab::io_error);
  EXPECT_EQ(out.rows, 0u);
  EXPECT_TRUE(out.columns.empty());
}

}  // namespace

// The GPU reader's byte ranges: a range that holds no whole row is examined by its
// first bytes alone; only what those bytes decide counts as the row's problem.
TEST(dataframe_csv_reader, APrefixOfARowReportsOnlyWhatItDecides) {
  const std::vector<column_kind> kinds(3, column_kind::inferred);
  const auto key_of = [&](const std::string& text, std::uint64_t length) {
    const detail::memory_source source(text, "<text>");
    const detail::csv_header header = detail::read_header(source, ',');
    const detail::csv_layout layout{&header, &kinds, ','};
    return detail::problem_in_row_prefix(source, layout, header.data_begin, length);
  };
  const std::string head = "a,b,c\n";  // the row starts at offset 6
  // Decided: a quote inside an unquoted field, text after a closing quote, a fourth field,
  // a value whose field has ended.
  EXPECT_EQ(key_of(head + "1,2\"3,4,5,6", 9), problem_key(9, csv_problem::quote_in_field));
  EXPECT_EQ(key_of(head + "\"1\"x,2,3", 8), problem_key(9, csv_problem::text_after_quote));
  EXPECT_EQ(key_of(head + "1,2,3,4", 7), problem_key(11, csv_problem::too_many_fields));
  EXPECT_EQ(key_of(head + "1,x,3", 5), problem_key(8, csv_problem::not_a_number));
  EXPECT_EQ(key_of(head + "9e999,2,3", 7), problem_key(6, csv_problem::out_of_range));
  EXPECT_EQ(key_of(head + "1,2" + std::string(1, '\0') + "3456", 7), problem_key(9, csv_problem::nul_byte));
  // Not decided: the quote may close later, the fields may come, the value may go on.
  EXPECT_EQ(key_of(head + "1,\"2,3", 4), no_problem_key);
  EXPECT_EQ(key_of(head + "1,2", 3), no_problem_key);
  EXPECT_EQ(key_of(head + "1,2,1e", 6), no_problem_key);
  EXPECT_EQ(key_of(head + "1,2,3\xC3", 6), no_problem_key);  // a UTF-8 sequence cut at the end
}

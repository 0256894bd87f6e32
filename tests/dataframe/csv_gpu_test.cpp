// SPDX-License-Identifier: MIT
// The GPU CSV reader against the CPU reader, bit for bit and message for message,
// on generated files: quotes, CRLF, missing fields, every spelling of a number,
// odd sizes, chunk boundaries inside quotes and numbers (4 KiB chunks), misaligned
// device text, byte ranges (a small memory limit), the exact path's hard values.
#include <gtest/gtest.h>

#include <unistd.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "csv_test_inputs.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_cases.hpp"
#include "gpulab/dataframe/csv_gpu.hpp"
#include "gpulab/dataframe/csv_table.hpp"

namespace {

using namespace gpulab::dataframe;

class dataframe_csv_gpu : public GpuStreamTest {
 protected:
  // The CPU reader's result, or its message.
  static std::string cpu_message(const std::string& text, const csv_options& options = {}) {
    try {
      (void)read_csv_cpu_text(text, options);
    } catch (const gpulab::io_error& e) {
      return e.what();
    }
    return "";
  }
  // The same text as device memory `shift` bytes past an aligned address.
  cuda::std::span<const char> on_device(const std::string& text, std::size_t shift) {
    device_text_ = gpulab::device_buffer<char>(text.size() + shift, s);
    if (!text.empty()) {
      GPULAB_CUDA_TRY(cudaMemcpyAsync(device_text_.data() + shift, text.data(), text.size(), cudaMemcpyHostToDevice, s.get()));
    }
    gpulab::synchronize(s);
    return {device_text_.data() + shift, text.size()};
  }
  // Every way the GPU reader reads `text`, each compared with the CPU reader.
  void expect_same_as_cpu(const std::string& text, const csv_options& options, const std::string& what) {
    const std::string message = cpu_message(text, options);
    const csv_columns expected = message.empty() ? read_csv_cpu_text(text, options) : csv_columns{};
    const auto check = [&](const std::string& how, const auto& read) {
      try {
        const csv_columns got = to_host(read(), s);
        EXPECT_EQ(message, "") << what << " " << how << ": the GPU read what the CPU refuses";
        EXPECT_EQ(first_difference(expected, got), "") << what << " " << how;
      } catch (const gpulab::io_error& e) {
        EXPECT_EQ(std::string(e.what()), message) << what << " " << how;
      }
    };
    csv_gpu_reader whole(s, {.chunk_bytes = 4096});
    check("read_text (4 KiB chunks)", [&] { return whole.read_text(text, options); });
    for (const std::size_t shift : {std::size_t{0}, std::size_t{3}, std::size_t{15}}) {
      const auto device = on_device(text, shift);
      check("parse_device_text (shift " + std::to_string(shift) + ")",
            [&] { return whole.parse_device_text(device, options, "<text>"); });
    }
    // Byte ranges: room for the columns and a few ranges of text.
    const std::size_t columns = expected.columns.size() * (expected.rows * 8 + validity_words(expected.rows) * 4);
    csv_gpu_reader ranges(s, {.chunk_bytes = 4096, .device_memory_limit = columns + (std::size_t{160} << 10)});
    check("byte ranges", [&] { return ranges.read_text(text, options); });
  }

  gpulab::device_buffer<char> device_text_;
};

TEST_F(dataframe_csv_gpu, TheCoursesDataIsReadBitForBit) {
  const csv_columns table = course_csv_columns(100003, 2026);
  const std::string text = write_csv_text(table);
  ASSERT_EQ(text.size(), course_csv_text_bytes(100003));
  csv_gpu_reader reader(s);
  const csv_columns got = to_host(reader.parse_device_text(on_device(text, 0)), s);
  EXPECT_EQ(first_difference(table, got), "");
  EXPECT_EQ(reader.last_stats().rows, 100003u);
  EXPECT_EQ(reader.last_stats().byte_ranges, 1);
  // The memory target: peak <= 1.5 x (text + columns).
  EXPECT_LE(static_cast<double>(reader.last_stats().peak_device_bytes),
            1.5 * static_cast<double>(text.size() + reader.last_stats().column_bytes));
}

TEST_F(dataframe_csv_gpu, GeneratedFilesMatchTheCpuReader) {
  for (std::uint64_t seed = 1; seed <= csv_test::seeds(24); ++seed) {
    csv_test::shape shape;
    shape.columns = 1 + static_cast<int>(seed % 7);
    shape.final_newline = seed % 4 != 0;
    shape.quoted = seed % 3 == 0 ? 0.5 : 0.1;
    shape.crlf = seed % 2 == 0 ? 0.0 : 0.5;
    const char delimiter = seed % 5 == 0 ? ';' : ',';
    csv_options options;
    options.delimiter = delimiter;
    const std::size_t rows = seed % 6 == 0 ? 1 : 17 + seed * 997 % 5003;
    expect_same_as_cpu(csv_test::random_csv(seed, rows, shape, delimiter), options, "seed " + std::to_string(seed));
  }
}

TEST_F(dataframe_csv_gpu, ByteRangesAreUsedAndMatch) {
  const std::string text = csv_test::random_csv(77, 20000);
  const csv_columns expected = read_csv_cpu_text(text);
  const std::size_t columns = expected.columns.size() * (expected.rows * 8 + validity_words(expected.rows) * 4);
  csv_gpu_reader reader(s, {.chunk_bytes = 4096, .device_memory_limit = columns + (std::size_t{512} << 10)});
  EXPECT_EQ(first_difference(expected, to_host(reader.read_text(text), s)), "");
  EXPECT_GT(reader.last_stats().byte_ranges, 2);
}

TEST_F(dataframe_csv_gpu, HardValuesTakeTheExactPathAndMatch) {
  std::string text = "x\n";
  for (const char* v : {"4.9406564584124654e-324", "2.4703282292062328e-324", "1e-310", "2.2250738585072011e-308",
                        "1.00000000000000011102230246251565404236316680908203125",
                        "9007199254740992.5000000000000000000001", "1.7976931348623157e308"}) {
    text += std::string(v) + "\n";
  }
  expect_same_as_cpu(text, {}, "hard values");
  csv_gpu_reader reader(s);
  (void)reader.read_text(text);
  EXPECT_GT(reader.last_stats().exact_path_rows, 0u);
}

TEST_F(dataframe_csv_gpu, EveryMalformedInputGetsTheCpuReadersLine) {
  for (const csv_test::malformed_case& m : csv_test::malformed_cases()) {
    csv_options options;
    options.dtypes = m.dtypes;
    ASSERT_EQ(cpu_message(m.text, options), m.message) << m.name;
    expect_same_as_cpu(m.text, options, m.name);
  }
}

TEST_F(dataframe_csv_gpu, BrokenFilesGetTheCpuReadersLine) {
  for (std::uint64_t seed = 1; seed <= csv_test::seeds(60); ++seed) {
    const std::string text = csv_test::break_csv(csv_test::random_csv(seed, 300 + seed * 37), seed);
    expect_same_as_cpu(text, {}, "broken seed " + std::to_string(seed));
  }
}

TEST_F(dataframe_csv_gpu, TheFuzzCorpusReadsTheSameOnBothReaders) {
  // The seeds and every regression input the fuzzer found (tests/dataframe/fuzz/corpus),
  // with the delimiter the fuzz target would take from the first byte.
  int files = 0;
  for (const auto& file : std::filesystem::directory_iterator(GPULAB_CSV_FUZZ_CORPUS)) {
    std::ifstream in(file.path(), std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    csv_options options;
    const char delimiters[] = {',', ';', '\t', '|'};
    options.delimiter = text.empty() ? ',' : delimiters[static_cast<unsigned char>(text[0]) % 4];
    expect_same_as_cpu(text, options, file.path().filename().string());
    expect_same_as_cpu(text, {}, file.path().filename().string() + " with ','");
    ++files;
  }
  EXPECT_GT(files, 30);
}

TEST_F(dataframe_csv_gpu, HeaderOnlyAndTinyFiles) {
  for (const char* text : {"a,b\n", "a,b", "a\n1", "a\n\n", "a,b\n1,2", "a\r\n1\r\n"}) {
    expect_same_as_cpu(text, {}, std::string("'") + text + "'");
  }
}

TEST_F(dataframe_csv_gpu, FilesReadIntoReusedColumns) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("gpulab_csv_gpu_test_" + std::to_string(::getpid()) + ".csv");
  write_csv(path, course_csv_columns(5001, 3));
  const csv_columns expected = read_csv_cpu(path);
  csv_gpu_reader reader(s, {.chunk_bytes = 8192});
  csv_device_columns out;
  reader.read_into(path, {}, out);
  const double* first = out.columns[0].float64.data();
  reader.read_into(path, {}, out);
  EXPECT_EQ(out.columns[0].float64.data(), first);
  EXPECT_EQ(first_difference(expected, to_host(out, s)), "");
  std::filesystem::remove(path);
  EXPECT_THROW(reader.read_into(path, {}, out), gpulab::io_error);
  EXPECT_TRUE(out.columns.empty());
}

// read_csv into a GPU table (the GPU reader, then device-to-device copies) against the CPU
// table of the same file, column by column: names, types, values bit for bit, masks. The
// file mixes float64 and int64 columns with missing fields; a header-only file too.
TEST_F(dataframe_csv_gpu, AGpuTableReadsAsTheCpuTable) {
  const std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("gpulab_csv_gpu_table_test_" + std::to_string(::getpid()) + ".csv");
  for (const char* text : {"x,n,y\n0.5,1,\n,2,-3.25\n1e300,,7\n0.1,-9,0\n", "x,n\n"}) {
    std::ofstream(path) << text;
    const table cpu = read_csv(path, {}, backend::cpu, cuda::stream_ref{cudaStream_t{}});
    const table gpu = read_csv(path, {}, backend::gpu, s);
    ASSERT_EQ(gpu.names(), cpu.names()) << text;
    ASSERT_EQ(gpu.rows(), cpu.rows()) << text;
    for (const std::string& name : cpu.names()) {
      const column &want = cpu[name], &got = gpu[name];
      ASSERT_EQ(got.type(), want.type()) << name;
      EXPECT_EQ(got.where(), backend::gpu) << name;
      // float64 and int64 are both 8 bytes: compared as 64-bit patterns, missing rows included.
      const auto as_bits = [](const column& c) {
        std::vector<std::uint64_t> out;
        if (c.type() == dtype::float64) {
          for (const double v : c.to_host<double>()) out.push_back(std::bit_cast<std::uint64_t>(v));
        } else {
          for (const std::int64_t v : c.to_host<std::int64_t>()) out.push_back(static_cast<std::uint64_t>(v));
        }
        return out;
      };
      EXPECT_EQ(as_bits(got), as_bits(want)) << name;
      EXPECT_EQ(got.validity_to_host(), want.validity_to_host()) << name;
    }
  }
  std::filesystem::remove(path);
}

TEST_F(dataframe_csv_gpu, TheCasesVerifyAtTheirCheckSize) {
  gpulab::resources res(0);
  for (const gpulab::case_entry& entry : csv_case_entries()) {
    for (auto& c : entry.make(quick_run_options(entry.check_size))) {
      const gpulab::case_result r = gpulab::run_case(*c, res, quick_run_options(entry.check_size));
      EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
    }
  }
}

}  // namespace

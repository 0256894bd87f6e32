// SPDX-License-Identifier: MIT
// The CSV cases (csv_cases.hpp): the course's table as CSV text, parsed on the GPU
// from device memory, read end to end from a file, and read by the CPU reader.
// Each case's outputs are its columns' values and validity words, shaped in setup
// so that the runner can poison them; the readers write into them.
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_cases.hpp"
#include "gpulab/dataframe/csv_gpu.hpp"

namespace gpulab::dataframe {

namespace {

constexpr std::uint64_t default_rows = 20'000'000;  // the course's table
constexpr std::uint64_t max_rows = std::uint64_t{1} << 31;
constexpr std::uint64_t check_rows = 1001;
constexpr std::uint64_t columns = 3;
constexpr int value_characters = 19;  // "0." and 17 digits
const char* const column_names[columns] = {"A", "B", "C"};

bool course_missing(std::uint64_t row, std::uint64_t column) { return (7 * row + column) % 31 == 0; }

// A value of column c, row i: uniform in [0.1, 1), moved by an ulp or two until its
// 17 significant digits end in a non-zero digit (then it prints as 19 characters).
double course_value(std::uint64_t seed, std::uint64_t row, std::uint64_t column) {
  const std::uint64_t bits = splitmix64(seed ^ splitmix64(row * columns + column));
  double x = 0.1 + 0.9 * std::ldexp(static_cast<double>(bits >> 11), -53);
  char text[32];
  while (std::to_chars(text, text + sizeof text, x, std::chars_format::general, 17).ptr - text != value_characters) {
    x = std::nextafter(x, 0.5);
  }
  return x;
}

// Missing fields per column in `rows` rows: (7 i + c) % 31 == 0 holds for i = 9 (31 - c) % 31 (mod 31), as 7 x 9 = 63 = 1 (mod 31).
std::uint64_t course_missing_count(std::uint64_t rows) {
  std::uint64_t missing = 0;
  for (std::uint64_t c = 0; c < columns; ++c) {
    const std::uint64_t first = 9 * (31 - c) % 31;
    if (first < rows) missing += (rows - 1 - first) / 31 + 1;
  }
  return missing;
}

std::string rows_label(std::uint64_t rows) {
  return std::to_string(rows) + " rows (" + format_bytes(static_cast<std::size_t>(course_csv_text_bytes(rows))) + ")";
}

// The device columns the GPU readers write into: A, B, C float64.
csv_device_columns course_device_columns(std::uint64_t rows, cuda::stream_ref s) {
  csv_device_columns out;
  out.rows = rows;
  for (const char* name : column_names) {
    csv_device_column c;
    c.name = name;
    c.float64 = device_buffer<double>(rows, s);
    c.validity = device_buffer<std::uint32_t>(validity_words(rows), s);
    out.columns.push_back(std::move(c));
  }
  return out;
}

template <class Columns>
std::vector<output_region> outputs_of(Columns& out, bool on_host) {
  std::vector<output_region> regions;
  for (auto& c : out.columns) {
    regions.push_back(output_of(c.float64.data(), out.rows, on_host));
    regions.push_back(output_of(c.validity.data(), validity_words(out.rows), on_host));
  }
  return regions;
}

verification bit_exact(const csv_columns& expected, const csv_columns& actual, const std::string& check) {
  const std::string difference = first_difference(expected, actual);
  if (!difference.empty()) return {false, difference, check};
  return {true, "every value and validity bit equal", check};
}

// A CSV file of the course's table in the temporary folder, removed with the case.
class temporary_csv {
 public:
  temporary_csv() = default;
  temporary_csv(const temporary_csv&) = delete;
  temporary_csv& operator=(const temporary_csv&) = delete;
  ~temporary_csv() {
    if (!path_.empty()) {
      std::error_code ignored;
      std::filesystem::remove(path_, ignored);
    }
  }
  void write(const csv_columns& table, const void* owner) {
    path_ = std::filesystem::temp_directory_path() /
            ("gpulab_csv_" + std::to_string(::getpid()) + "_" + std::to_string(reinterpret_cast<std::uintptr_t>(owner)) + ".csv");
    write_csv(path_, table);
  }
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// What the three cases share: the size, the declared work, the table.
class csv_case : public bench_case {
 public:
  explicit csv_case(std::uint64_t rows) : rows_(rows) {
    if (rows == 0 || rows > max_rows) {
      throw usage_error("the CSV cases read 1..2^31 rows (got " + std::to_string(rows) + ")");
    }
  }
  std::string size_label() const override { return rows_label(rows_); }
  double size_value() const override { return static_cast<double>(rows_); }
  // Reads the text, writes the columns (values and validity bits); items are the
  // values parsed. The module's comparison line also gives GB/s of text alone.
  work_amount work() const override {
    return {.bytes_read = static_cast<double>(text_bytes()),
            .bytes_written = static_cast<double>(column_bytes()),
            .items = static_cast<double>(rows_ * columns)};
  }

 protected:
  [[nodiscard]] std::uint64_t text_bytes() const { return course_csv_text_bytes(rows_); }
  [[nodiscard]] std::size_t column_bytes() const {
    return static_cast<std::size_t>(checked_multiply(columns, checked_add(checked_multiply(rows_, 8, name()),
                                                                             validity_words(rows_) * 4, name()),
                                                     name()));
  }
  // The GPU reader's peak (text + columns + 8 bytes per row + tiles), with room for the exact path's scratch.
  [[nodiscard]] std::size_t reader_device_bytes() const {
    return static_cast<std::size_t>(text_bytes() + column_bytes() + 8 * rows_ + text_bytes() / 64 + (std::size_t{64} << 20));
  }
  [[nodiscard]] std::string peak_detail(const csv_read_stats& stats) const {
    return "; peak device memory " +
           format_fixed(static_cast<double>(stats.peak_device_bytes) / static_cast<double>(text_bytes() + column_bytes()), 2) +
           " x (text + columns)";
  }

  std::uint64_t rows_;
};

// ------------------------------------------------------------------ csv_parse_device_text
class parse_device_text_case final : public csv_case {
 public:
  using csv_case::csv_case;
  std::string name() const override { return "csv_parse_device_text"; }
  case_parameters parameters() const override { return {"csv_read", "device_text", "double"}; }
  // The parse is compute work on bytes already on the device: no bandwidth ceiling applies.
  peak_kind peak() const override { return peak_kind::none; }
  std::size_t device_bytes_needed() const override { return reader_device_bytes(); }
  // The text, the table it was written from (during setup), the CPU's columns, the GPU's copied back.
  std::size_t host_bytes_needed() const override { return static_cast<std::size_t>(text_bytes()) + 3 * column_bytes(); }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    text_ = write_csv_text(course_csv_columns(rows_, seed));
    if (text_.size() != text_bytes()) throw error("csv_parse_device_text: the text is not the size declared");
    text_device_ = device_buffer<char>(text_.size(), s);
    copy_to_device_async(std::span<const char>(text_), text_device_, s);
    out_ = course_device_columns(rows_, s);
    reader_.emplace(s);
  }
  // The baseline: the CPU reader on the same text in host memory.
  void run_cpu() override { read_csv_cpu_text_into(text_, {}, "<course data>", expected_); }
  std::vector<output_region> outputs() override { return outputs_of(out_, false); }
  void run_gpu(cuda::stream_ref) override {
    reader_->parse_device_text_into(text_device_.span(), {}, "<course data>", out_);
  }
  verification verify(cuda::stream_ref s) override {
    verification v = bit_exact(expected_, to_host(out_, s), "vs the CPU reader, bit for bit");
    v.detail += peak_detail(reader_->last_stats());
    return v;
  }

 private:
  std::string text_;
  device_buffer<char> text_device_;
  csv_columns expected_;
  csv_device_columns out_;
  std::optional<csv_gpu_reader> reader_;
};

// ------------------------------------------------------------------ csv_read_file
class read_file_case final : public csv_case {
 public:
  using csv_case::csv_case;
  std::string name() const override { return "csv_read_file"; }
  case_parameters parameters() const override { return {"csv_read", "file", "double"}; }
  // Every byte of text crosses the host link once: its bandwidth is the ceiling.
  peak_kind peak() const override { return peak_kind::host_link; }
  std::size_t device_bytes_needed() const override { return reader_device_bytes(); }
  // The table and its text (during setup), the CPU's columns and text, the GPU's columns
  // copied back, the pinned staging (3 x 64 MiB).
  std::size_t host_bytes_needed() const override {
    return 2 * static_cast<std::size_t>(text_bytes()) + 3 * column_bytes() + (std::size_t{192} << 20);
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    file_.write(course_csv_columns(rows_, seed), this);
    out_ = course_device_columns(rows_, s);
    reader_.emplace(s);
  }
  // The baseline: the CPU reader on the same file (which also puts it in the page cache).
  void run_cpu() override { read_csv_cpu_into(file_.path(), {}, expected_); }
  std::vector<output_region> outputs() override { return outputs_of(out_, false); }
  void run_gpu(cuda::stream_ref) override { reader_->read_into(file_.path(), {}, out_); }
  verification verify(cuda::stream_ref s) override {
    verification v = bit_exact(expected_, to_host(out_, s), "vs the CPU reader, bit for bit");
    v.detail += peak_detail(reader_->last_stats());
    return v;
  }

 private:
  temporary_csv file_;
  csv_columns expected_;
  csv_device_columns out_;
  std::optional<csv_gpu_reader> reader_;
};

// ------------------------------------------------------------------ csv_read_cpu
// The CPU reader timed as a row of its own (the runner times it as it times the
// GPU versions), checked against the values the file was written from.
class read_cpu_case final : public csv_case {
 public:
  using csv_case::csv_case;
  std::string name() const override { return "csv_read_cpu"; }
  case_parameters parameters() const override { return {"csv_read", "cpu_openmp", "double"}; }
  peak_kind peak() const override { return peak_kind::none; }
  bool has_cpu_baseline() const override { return false; }
  std::size_t device_bytes_needed() const override { return 0; }
  // The table, its text while it is written and while it is read, the columns read.
  std::size_t host_bytes_needed() const override {
    return 2 * static_cast<std::size_t>(text_bytes()) + 2 * column_bytes();
  }

  void setup(std::uint64_t seed, cuda::stream_ref) override {
    written_ = course_csv_columns(rows_, seed);
    file_.write(written_, this);
    out_ = written_;  // the right shape; the runner poisons it before every run
  }
  void run_cpu() override {}  // the reference is the table the file was written from
  std::vector<output_region> outputs() override { return outputs_of(out_, true); }
  void run_gpu(cuda::stream_ref) override { read_csv_cpu_into(file_.path(), {}, out_); }
  verification verify(cuda::stream_ref) override {
    return bit_exact(written_, out_, "vs the values written, bit for bit");
  }

 private:
  temporary_csv file_;
  csv_columns written_, out_;
};

template <class Case>
case_entry entry(const std::string& name, const std::string& description) {
  return {name, description + " (--size: rows; default 20M, about 1.16 GB of text)",
          [](const run_options& options) {
            std::vector<std::unique_ptr<bench_case>> cases;
            cases.push_back(std::make_unique<Case>(options.size.value_or(default_rows)));
            return cases;
          },
          check_rows};
}

}  // namespace

csv_columns course_csv_columns(std::uint64_t rows, std::uint64_t seed) {
  csv_columns table;
  table.rows = rows;
  for (std::uint64_t c = 0; c < columns; ++c) {
    csv_host_column column;
    column.name = column_names[c];
    column.float64.resize(rows);
    column.validity.assign(validity_words(rows), 0);
    double* values = column.float64.data();
    std::uint32_t* valid = column.validity.data();
#pragma omp parallel for schedule(static)
    for (std::int64_t w = 0; w < static_cast<std::int64_t>(validity_words(rows)); ++w) {
      const std::uint64_t first = static_cast<std::uint64_t>(w) * 32, last = std::min(rows, first + 32);
      for (std::uint64_t i = first; i < last; ++i) {
        if (course_missing(i, c)) {
          values[i] = std::numeric_limits<double>::quiet_NaN();
        } else {
          values[i] = course_value(seed, i, c);
          valid[w] |= 1U << (i % 32);
        }
      }
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

std::uint64_t course_csv_text_bytes(std::uint64_t rows) {
  // "A,B,C\n", then per row three fields of 19 characters (none when missing), two commas and '\n'.
  return 6 + rows * (columns * value_characters + columns) - value_characters * course_missing_count(rows);
}

std::vector<case_entry> csv_case_entries() {
  return {
      entry<parse_device_text_case>("csv_parse_device_text",
                                    "CSV text already on the GPU -> columns: row boundaries by a quote-parity scan, "
                                    "numbers by Eisel-Lemire, checked bit for bit against the CPU reader"),
      entry<read_file_case>("csv_read_file",
                            "a page-cached CSV file -> GPU columns: pinned chunks copied while the GPU parses, "
                            "checked bit for bit against the CPU reader"),
      entry<read_cpu_case>("csv_read_cpu",
                           "the same file read by the CPU reader (OpenMP, std::from_chars), checked against "
                           "the values written"),
  };
}

}  // namespace gpulab::dataframe

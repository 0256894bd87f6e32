// SPDX-License-Identifier: MIT
// The host pieces both CSV readers share (not part of the API): where the text is
// (a file, host memory, device memory), the header, and the one-line messages.
// Sharing them is what makes the two readers say the same thing for the same input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_syntax.hpp"

namespace gpulab::dataframe::detail {

// ------------------------------------------------------------------ where the text is
class csv_source {
 public:
  virtual ~csv_source() = default;
  [[nodiscard]] virtual const std::string& name() const = 0;  // the file's name in messages
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  // Copies bytes [offset, offset + out.size()) into `out` (the range is inside the text).
  virtual void read(std::uint64_t offset, std::span<char> out) const = 0;
  // The text when it is in host memory, else nullptr.
  [[nodiscard]] virtual const char* host_text() const { return nullptr; }
};

class memory_source final : public csv_source {
 public:
  memory_source(std::string_view text, std::string name) : text_(text), name_(std::move(name)) {}
  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] std::uint64_t size() const override { return text_.size(); }
  void read(std::uint64_t offset, std::span<char> out) const override;  // memcpy on every core
  [[nodiscard]] const char* host_text() const override { return text_.data(); }

 private:
  std::string_view text_;
  std::string name_;
};

// A regular file, read with pread (several threads for large reads). Throws
// io_error naming the file when it cannot be opened or is not a regular file.
class file_source final : public csv_source {
 public:
  explicit file_source(const std::filesystem::path& path);
  ~file_source() override;
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;
  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] std::uint64_t size() const override { return size_; }
  void read(std::uint64_t offset, std::span<char> out) const override;

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string name_;
};

// ------------------------------------------------------------------ the header
struct csv_header {
  std::vector<std::string> names;
  std::uint64_t data_begin = 0;  // offset of the first data row (after the header's '\n')
};

// Reads and checks the first line: throws io_error (file:line:column) for an empty
// file, NUL bytes, invalid UTF-8 or bad quoting in it, an empty or repeated name,
// or a line of numbers only (no header).
csv_header read_header(const csv_source& source, char delimiter);

// Each column's kind as `options` declares it; usage_error for a declared name
// that is not a column.
std::vector<column_kind> declared_kinds(const csv_header& header, const csv_options& options,
                                        const std::string& source_name);

// The type each column gets: declared, or inferred from its flags (column_has_value, ...).
std::vector<csv_dtype> column_types(const std::vector<column_kind>& kinds, const std::vector<std::uint32_t>& flags);

// ------------------------------------------------------------------ messages
// "name:line:column: message" for a byte offset (lines and columns from 1, in bytes).
std::string located(const csv_source& source, std::uint64_t offset, const std::string& message);

// What the rows need for a message: the names and kinds of the columns.
struct csv_layout {
  const csv_header* header;
  const std::vector<column_kind>* kinds;
  char delimiter;
};

// The line for a problem found by a reader: `key` as problem_key makes it;
// [row_begin, row_end) the row it is in (file offsets, unused for byte problems).
// The row is walked again here with std::from_chars (the reference) to say which
// column and what was found, so both readers produce the same line.
std::string problem_message(const csv_source& source, const csv_layout& layout, std::uint64_t key,
                            std::uint64_t row_begin, std::uint64_t row_end);
// The first problem in the first `length` bytes of a row that goes on past them (a GPU
// byte range that holds no whole row), when those bytes decide it; no_problem_key when
// they do not. What the rest of the row could still change does not count: a quote not
// closed yet, too few fields, a value whose field has not ended.
std::uint64_t problem_in_row_prefix(const csv_source& source, const csv_layout& layout, std::uint64_t begin,
                                    std::uint64_t length);
// Throws io_error(problem_message(...)).
[[noreturn]] void throw_problem(const csv_source& source, const csv_layout& layout, std::uint64_t key,
                                std::uint64_t row_begin, std::uint64_t row_end);

// The CPU reader's parse of source.host_text() (used by read_csv_cpu*); `slice_bytes`
// is how much text each parallel task takes (the fuzz target makes it tiny so that
// slice boundaries fall everywhere).
void parse_csv_cpu(const csv_source& source, const csv_options& options, std::uint64_t slice_bytes,
                   csv_columns& out);

// The field semantics of the CPU reader (std::from_chars), for one field and column.
classified_field classify_field_reference(const char* b, const char* e, column_kind kind);

}  // namespace gpulab::dataframe::detail

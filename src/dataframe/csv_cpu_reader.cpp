// SPDX-License-Identifier: MIT
// The CPU CSV reader: the baseline the GPU reader is measured against, and the
// reference it must match bit for bit. It runs the same steps as the GPU reader,
// on OpenMP threads instead of thread blocks, with std::from_chars for numbers:
//
//   1. slices of the text: each one's quote summary and first bad byte   (parallel)
//   2. the summaries scanned: quote state and row index at each slice    (sequential, few)
//   3. row ends written by each slice                                    (parallel)
//   4. types: every field of the inferred columns classified             (parallel over rows)
//   5. values and validity, 32 rows (one validity word) per task         (parallel over rows)
//   6. the first problem, if any, becomes one io_error line (csv_errors.cpp)
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <system_error>

#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/host_memory.hpp"
#include "gpulab/dataframe/csv_detail.hpp"

namespace gpulab::dataframe {

namespace detail {

namespace {

constexpr std::uint64_t default_slice_bytes = std::uint64_t{4} << 20;

// True for the bytes byte_problem must look at: NUL and everything past ASCII.
inline bool maybe_bad_byte(char c) { return static_cast<unsigned char>(static_cast<unsigned char>(c) - 1) >= 0x7F; }

// Reuses `out` when it already has this shape (names, dtypes, rows), else rebuilds it.
void shape_columns(csv_columns& out, const csv_header& header, const std::vector<csv_dtype>& types,
                   std::uint64_t rows) {
  bool same = out.rows == rows && out.columns.size() == header.names.size();
  for (std::size_t c = 0; same && c < out.columns.size(); ++c) {
    same = out.columns[c].name == header.names[c] && out.columns[c].dtype == types[c];
  }
  if (same) return;
  out = {};
  out.rows = rows;
  for (std::size_t c = 0; c < header.names.size(); ++c) {
    csv_host_column column;
    column.name = header.names[c];
    column.dtype = types[c];
    if (types[c] == csv_dtype::int64) {
      column.int64.resize(rows);
    } else {
      column.float64.resize(rows);
    }
    column.validity.resize(validity_words(rows));
    out.columns.push_back(std::move(column));
  }
}

// The value of one field of an int64 or float64 column, or its problem.
csv_problem parse_field(const char* b, const char* e, column_kind kind, csv_host_column& column, std::uint64_t row) {
  if (column.dtype == csv_dtype::int64) {
    const auto result = std::from_chars(b, e, column.int64[row]);
    if (result.ptr != e) return kind == column_kind::int64 ? csv_problem::not_an_integer : csv_problem::not_a_number;
    if (result.ec == std::errc::result_out_of_range) return csv_problem::out_of_range;
    return csv_problem::none;
  }
  const auto result = std::from_chars(b, e, column.float64[row]);
  if (result.ptr != e) return csv_problem::not_a_number;
  if (result.ec == std::errc::result_out_of_range) return csv_problem::out_of_range;
  return csv_problem::none;
}

}  // namespace

void parse_csv_cpu(const csv_source& source, const csv_options& options, std::uint64_t slice_bytes, csv_columns& out) {
  const csv_header header = read_header(source, options.delimiter);
  const std::vector<column_kind> kinds = declared_kinds(header, options, source.name());
  const csv_layout layout{&header, &kinds, options.delimiter};
  const auto columns = static_cast<std::uint32_t>(header.names.size());
  const char* data = source.host_text() + header.data_begin;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  const std::uint64_t n = source.size() - header.data_begin;
  const char delimiter = options.delimiter;
  std::uint64_t key = no_problem_key;  // the first problem: the smallest problem_key

  // 1. Each slice's quote summary and its first bad byte.
  const std::uint64_t slices = (n + slice_bytes - 1) / slice_bytes;
  std::vector<quote_summary> summaries(slices);
#pragma omp parallel for schedule(dynamic, 1) reduction(min : key)
  for (std::int64_t s = 0; s < static_cast<std::int64_t>(slices); ++s) {
    const std::uint64_t begin = static_cast<std::uint64_t>(s) * slice_bytes, end = std::min(n, begin + slice_bytes);
    quote_summary summary;
    for (std::uint64_t i = begin; i < end; ++i) summarize_byte(summary, data[i]);
    summaries[static_cast<std::size_t>(s)] = summary;
    for (std::uint64_t i = begin; i < end; ++i) {
      if (!maybe_bad_byte(data[i])) continue;
      const csv_problem p = byte_problem(bytes, n, i);
      if (p != csv_problem::none) {
        key = std::min(key, problem_key(header.data_begin + i, p));
        break;
      }
    }
  }

  // 2. The quote state and row index where each slice starts; the rows. A last row
  //    without its '\n' counts, an empty text after the last '\n' does not.
  std::vector<quote_summary> starts(slices);
  quote_summary whole;
  for (std::uint64_t s = 0; s < slices; ++s) {
    starts[s] = whole;
    whole = combine_quote_summaries{}(whole, summaries[s]);
  }
  const bool last_row_open = n > 0 && (data[n - 1] != '\n' || whole.odd_quotes != 0);
  const std::uint64_t rows = whole.rows_from_outside + (last_row_open ? 1 : 0);
  std::uint64_t value_bytes = checked_multiply(rows, 8 * std::uint64_t{columns} + 8, "CSV columns");
  require_host_memory(static_cast<std::size_t>(value_bytes), "the columns of " + source.name());

  // 3. Row ends (offsets in `data` of each row's '\n', or n for an open last row).
  std::vector<std::uint64_t> row_ends(rows);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t s = 0; s < static_cast<std::int64_t>(slices); ++s) {
    const std::uint64_t begin = static_cast<std::uint64_t>(s) * slice_bytes, end = std::min(n, begin + slice_bytes);
    bool quoted = starts[static_cast<std::size_t>(s)].odd_quotes != 0;
    std::uint64_t row = starts[static_cast<std::size_t>(s)].rows_from_outside;
    for (std::uint64_t i = begin; i < end; ++i) {
      if (data[i] == '"') quoted = !quoted;
      if (data[i] == '\n' && !quoted) row_ends[row++] = i;
    }
  }
  if (last_row_open) row_ends[rows - 1] = n;
  const auto row_begin = [&](std::uint64_t r) { return r == 0 ? 0 : row_ends[r - 1] + 1; };

  // 4. Types: the flags of every inferred column over all rows.
  std::vector<std::uint32_t> flags(columns, 0);
  if (std::find(kinds.begin(), kinds.end(), column_kind::inferred) != kinds.end()) {
#pragma omp parallel reduction(min : key)
    {
      std::vector<std::uint32_t> mine(columns, 0);
#pragma omp for schedule(static)
      for (std::int64_t r = 0; r < static_cast<std::int64_t>(rows); ++r) {
        const auto row = static_cast<std::uint64_t>(r);
        const csv_issue issue = walk_row(data, row_begin(row), row_ends[row], delimiter, columns,
                                         [&](std::uint32_t c, const char* b, const char* e) {
                                           const classified_field f = classify_field_reference(b, e, kinds[c]);
                                           mine[c] |= f.flags;
                                           return f.problem;
                                         });
        if (issue.problem != csv_problem::none) key = std::min(key, problem_key(header.data_begin + issue.offset, issue.problem));
      }
#pragma omp critical
      for (std::uint32_t c = 0; c < columns; ++c) flags[c] |= mine[c];
    }
  }
  const std::vector<csv_dtype> types = column_types(kinds, flags);

  // 5. Values and validity, one validity word (32 rows) per task.
  shape_columns(out, header, types, rows);
  const std::uint64_t words = validity_words(rows);
#pragma omp parallel reduction(min : key)
  {
    std::vector<std::uint32_t> valid(columns);
#pragma omp for schedule(static)
    for (std::int64_t w = 0; w < static_cast<std::int64_t>(words); ++w) {
      std::fill(valid.begin(), valid.end(), 0U);
      const std::uint64_t first = static_cast<std::uint64_t>(w) * 32, last = std::min(rows, first + 32);
      for (std::uint64_t row = first; row < last; ++row) {
        const csv_issue issue = walk_row(data, row_begin(row), row_ends[row], delimiter, columns,
                                         [&](std::uint32_t c, const char* b, const char* e) {
                                           csv_host_column& column = out.columns[c];
                                           if (b == e) {  // missing
                                             if (column.dtype == csv_dtype::int64) column.int64[row] = 0;
                                             else column.float64[row] = std::numeric_limits<double>::quiet_NaN();
                                             return csv_problem::none;
                                           }
                                           valid[c] |= 1U << (row % 32);
                                           return parse_field(b, e, kinds[c], column, row);
                                         });
        if (issue.problem != csv_problem::none) key = std::min(key, problem_key(header.data_begin + issue.offset, issue.problem));
      }
      for (std::uint32_t c = 0; c < columns; ++c) out.columns[c].validity[static_cast<std::size_t>(w)] = valid[c];
    }
  }

  // 6. The first problem, in the row it belongs to.
  if (key == no_problem_key) return;
  out = {};  // nothing half-loaded
  const std::uint64_t at = key_offset(key) - header.data_begin;
  const auto row = static_cast<std::uint64_t>(std::lower_bound(row_ends.begin(), row_ends.end(), at) - row_ends.begin());
  const std::uint64_t begin = row < rows ? row_begin(row) : 0, end = row < rows ? row_ends[row] : 0;
  throw_problem(source, layout, key, header.data_begin + begin, header.data_begin + end);
}

}  // namespace detail

void read_csv_cpu_text_into(std::string_view text, const csv_options& options, const std::string& source_name,
                            csv_columns& out) {
  try {
    detail::parse_csv_cpu(detail::memory_source(text, source_name), options, detail::default_slice_bytes, out);
  } catch (...) {
    out = {};
    throw;
  }
}

csv_columns read_csv_cpu_text(std::string_view text, const csv_options& options, const std::string& source_name) {
  csv_columns out;
  read_csv_cpu_text_into(text, options, source_name, out);
  return out;
}

void read_csv_cpu_into(const std::filesystem::path& path, const csv_options& options, csv_columns& out) {
  try {
    const detail::file_source file(path);
    require_host_memory(static_cast<std::size_t>(file.size()), "the text of " + file.name());
    const std::unique_ptr<char[]> text(new char[file.size()]);  // uninitialized: the read fills it
    file.read(0, std::span<char>(text.get(), file.size()));
    detail::parse_csv_cpu(detail::memory_source(std::string_view(text.get(), file.size()), file.name()), options,
                          detail::default_slice_bytes, out);
  } catch (...) {
    out = {};
    throw;
  }
}

std::vector<std::string> read_csv_header(const std::filesystem::path& path, const csv_options& options) {
  const detail::file_source file(path);
  return detail::read_header(file, options.delimiter).names;
}

std::vector<std::string> check_input_header(const std::string& path, const std::vector<std::string>& chosen) {
  if (!std::ifstream(path).good()) throw io_error("--input " + path + ": cannot be opened for reading");
  std::vector<std::string> header = read_csv_header(path);
  check_columns_present(chosen, header, path);
  return header;
}

csv_columns read_csv_cpu(const std::filesystem::path& path, const csv_options& options) {
  csv_columns out;
  read_csv_cpu_into(path, options, out);
  return out;
}

}  // namespace gpulab::dataframe

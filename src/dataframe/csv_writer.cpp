// SPDX-License-Identifier: MIT
// The CSV writer: 17 significant digits per float64, so that reading the text
// back (either reader) gives the same bits. Rows are formatted in blocks on every
// core, then joined in order.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv.hpp"

namespace gpulab::dataframe {

namespace {

constexpr std::uint64_t rows_per_block = 65536;

void check_layout(const csv_columns& columns, char delimiter) {
  if (columns.columns.empty()) throw usage_error("write_csv: there are no columns to write");
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    throw usage_error("write_csv: the delimiter cannot be a quote or a line break");
  }
  for (const csv_host_column& c : columns.columns) {
    const std::size_t values = c.dtype == csv_dtype::int64 ? c.int64.size() : c.float64.size();
    if (values != columns.rows || c.validity.size() != validity_words(columns.rows)) {
      throw usage_error("write_csv: column '" + c.name + "' has " + std::to_string(values) + " values and " +
                        std::to_string(c.validity.size()) + " validity words for " + std::to_string(columns.rows) +
                        " rows");
    }
  }
}

// A name as a field: quoted when it holds the delimiter, a quote or a line break, or
// starts with a byte order mark (which a reader drops at the start of a file).
std::string name_field(const std::string& name, char delimiter) {
  if (name.find_first_of(std::string{delimiter, '"', '\r', '\n'}) == std::string::npos &&
      name.rfind("\xEF\xBB\xBF", 0) != 0) {
    return name;
  }
  std::string quoted = "\"";
  for (const char c : name) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

void append_value(std::string& out, const csv_host_column& column, std::uint64_t row) {
  if (!is_valid(column.validity, row)) return;  // missing: an empty field
  char text[32];
  if (column.dtype == csv_dtype::int64) {
    out.append(text, std::to_chars(text, text + sizeof text, column.int64[row]).ptr);
    return;
  }
  const char* end = std::to_chars(text, text + sizeof text, column.float64[row], std::chars_format::general, 17).ptr;
  out.append(text, static_cast<std::size_t>(end - text));
  // "1" would read back as an int64: write "1.0", as pandas does, so the column stays float64.
  if (std::string_view(text, static_cast<std::size_t>(end - text)).find_first_of(".ein") == std::string_view::npos) {
    out += ".0";
  }
}

}  // namespace

std::string write_csv_text(const csv_columns& columns, const csv_write_options& options) {
  check_layout(columns, options.delimiter);
  std::string header;
  for (std::size_t c = 0; c < columns.columns.size(); ++c) {
    if (c > 0) header += options.delimiter;
    header += name_field(columns.columns[c].name, options.delimiter);
  }
  header += '\n';

  const std::uint64_t blocks = (columns.rows + rows_per_block - 1) / rows_per_block;
  std::vector<std::string> text(blocks);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t b = 0; b < static_cast<std::int64_t>(blocks); ++b) {
    std::string& out = text[static_cast<std::size_t>(b)];
    const std::uint64_t first = static_cast<std::uint64_t>(b) * rows_per_block;
    const std::uint64_t last = std::min<std::uint64_t>(columns.rows, first + rows_per_block);
    out.reserve((last - first) * columns.columns.size() * 20);
    for (std::uint64_t row = first; row < last; ++row) {
      for (std::size_t c = 0; c < columns.columns.size(); ++c) {
        if (c > 0) out += options.delimiter;
        append_value(out, columns.columns[c], row);
      }
      out += '\n';
    }
  }
  std::size_t total = header.size();
  for (const std::string& t : text) total += t.size();
  std::string all;
  all.reserve(total);
  all += header;
  for (const std::string& t : text) all += t;
  return all;
}

void write_csv(const std::filesystem::path& path, const csv_columns& columns, const csv_write_options& options) {
  const std::string text = write_csv_text(columns, options);
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) throw io_error(path.string() + ": cannot open for writing");
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool closed = std::fclose(file) == 0;
  if (!written || !closed) throw io_error(path.string() + ": cannot write the CSV text");
}

}  // namespace gpulab::dataframe

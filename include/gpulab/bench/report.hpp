// SPDX-License-Identifier: MIT
// What every gpulab command prints: a title, a few header lines (device, peaks),
// and tables. One data structure, three renderings: an aligned text table for
// people, JSON and CSV for scripts and plots.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gpulab {

// A table cell: the text people see, and the number behind it for JSON/CSV.
struct cell {
  std::string text;
  std::optional<double> number;

  cell(std::string t) : text(std::move(t)) {}       // NOLINT: text cells read naturally in row lists
  cell(const char* t) : text(t) {}                  // NOLINT
  cell(std::string t, double value) : text(std::move(t)), number(value) {}
};

// Cells that print a rounded number and keep its value (for JSON and CSV).
cell number_cell(double value, int decimals);  // fixed decimals
cell integer_cell(long long value);
cell significant_cell(double value);  // 3 significant digits

struct table {
  std::string title;
  std::vector<std::string> columns;
  std::vector<std::vector<cell>> rows;
  std::vector<std::string> notes;  // printed under the table
  std::size_t data_only_columns = 0;  // the last this many columns are for JSON and CSV, not the text table
};

struct report {
  std::string title;
  std::vector<std::pair<std::string, std::string>> header;  // "device" -> "NVIDIA H100 ..."
  std::vector<table> tables;
};

enum class output_format { table, json, csv };

// "table", "json" or "csv"; anything else is a usage_error.
output_format parse_output_format(std::string_view name);

void write_report(std::ostream& out, const report& r, output_format format);

// Writes to `path` ("-" = stdout); throws io_error when the file cannot be written.
void write_report_file(const std::string& path, const report& r, output_format format);

}  // namespace gpulab

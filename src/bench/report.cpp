// SPDX-License-Identifier: MIT
#include "gpulab/bench/report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "gpulab/bench/atomic_file.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"

namespace gpulab {

cell number_cell(double value, int decimals) { return {format_fixed(value, decimals), value}; }
cell integer_cell(long long value) { return {std::to_string(value), static_cast<double>(value)}; }
cell significant_cell(double value) { return {format_significant(value), value}; }

output_format parse_output_format(std::string_view name) {
  if (name == "table") return output_format::table;
  if (name == "json") return output_format::json;
  if (name == "csv") return output_format::csv;
  throw usage_error("unknown output format '" + std::string(name) + "' (choose table, json or csv)");
}

namespace {

// ------------------------------------------------------------------ text table
void write_text(std::ostream& out, const report& r) {
  if (!r.title.empty()) out << r.title << "\n";
  std::size_t key_width = 0;
  for (const auto& [key, value] : r.header) key_width = std::max(key_width, key.size());
  for (const auto& [key, value] : r.header) {
    out << "  " << key << std::string(key_width - key.size(), ' ') << " : " << value << "\n";
  }
  for (const table& t : r.tables) {
    out << "\n" << t.title << "\n";
    std::vector<std::size_t> width(t.columns.size() - std::min(t.data_only_columns, t.columns.size()), 0);
    for (std::size_t c = 0; c < width.size(); ++c) width[c] = t.columns[c].size();
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].text.size());
    }
    // Text columns align left; columns whose cells are all numbers align right.
    std::vector<bool> numeric(t.columns.size(), !t.rows.empty());
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.size() && c < numeric.size(); ++c) {
        if (!row[c].number && row[c].text != "-") numeric[c] = false;
      }
    }
    auto write_row = [&](const std::vector<std::string>& cells) {
      std::string line = " ";
      for (std::size_t c = 0; c < width.size(); ++c) {
        const std::string& text = c < cells.size() ? cells[c] : std::string();
        const std::string pad(width[c] - std::min(width[c], text.size()), ' ');
        line += " " + (numeric[c] ? pad + text : text + pad);
      }
      line.erase(line.find_last_not_of(' ') + 1);  // no trailing blanks
      out << line << "\n";
    };
    write_row(t.columns);
    std::size_t total = 1;
    for (std::size_t w : width) total += w + 1;
    out << "  " << std::string(total - 2, '-') << "\n";
    for (const auto& row : t.rows) {
      std::vector<std::string> texts;
      for (const cell& c : row) texts.push_back(c.text);
      write_row(texts);
    }
    for (const std::string& note : t.notes) out << "  * " << note << "\n";
  }
}

// ------------------------------------------------------------------ JSON
// nlohmann-json builds the document and does the escaping; ordered_json keeps
// the keys in the order written (title, header, tables), as people read them.
void write_json(std::ostream& out, const report& r) {
  using json = nlohmann::ordered_json;
  json header = json::object();
  for (const auto& [key, value] : r.header) header[key] = value;
  json tables = json::array();
  for (const table& t : r.tables) {
    json rows = json::array();
    for (const auto& row : t.rows) {
      json cells = json::array();
      for (const cell& c : row) {
        if (!c.number) {
          cells.push_back(c.text);
        } else if (std::isfinite(*c.number)) {
          cells.push_back(*c.number);
        } else {
          cells.push_back(nullptr);  // JSON has no NaN or Infinity
        }
      }
      rows.push_back(std::move(cells));
    }
    tables.push_back({{"title", t.title}, {"columns", t.columns}, {"rows", std::move(rows)}, {"notes", t.notes}});
  }
  const json document = {{"title", r.title}, {"header", std::move(header)}, {"tables", std::move(tables)}};
  // Invalid UTF-8 (a stray byte in a device or file name) becomes U+FFFD instead of an exception.
  out << document.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

// ------------------------------------------------------------------ CSV
// Ten significant digits; NaN and infinities as "null", which pandas and R read as missing.
std::string csv_number(double value) {
  if (!std::isfinite(value)) return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", value);
  return text;
}

std::string csv_field(std::string_view s) {
  if (s.find_first_of(",\"\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (const char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// Each table is a block: "# title", the header row, the rows, a blank line.
// Numbers are written in full precision so that a plot can be redrawn from the file.
void write_csv(std::ostream& out, const report& r) {
  for (const auto& [key, value] : r.header) out << "# " << key << ": " << value << "\n";
  for (const table& t : r.tables) {
    out << "# " << t.title << "\n";
    for (std::size_t c = 0; c < t.columns.size(); ++c) out << (c ? "," : "") << csv_field(t.columns[c]);
    out << "\n";
    for (const auto& row : t.rows) {
      for (std::size_t c = 0; c < row.size(); ++c) {
        out << (c ? "," : "") << (row[c].number ? csv_number(*row[c].number) : csv_field(row[c].text));
      }
      out << "\n";
    }
    out << "\n";
  }
}

}  // namespace

void write_report(std::ostream& out, const report& r, output_format format) {
  switch (format) {
    case output_format::table: write_text(out, r); break;
    case output_format::json: write_json(out, r); break;
    case output_format::csv: write_csv(out, r); break;
  }
}

void write_report_file(const std::string& path, const report& r, output_format format) {
  if (path.empty() || path == "-") {
    write_report(std::cout, r, format);
    return;
  }
  std::ostringstream text;  // whole or not at all: a failed run leaves no half file
  write_report(text, r, format);
  write_file_atomically(path, text.str());
}

}  // namespace gpulab

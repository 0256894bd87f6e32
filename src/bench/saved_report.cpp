// SPDX-License-Identifier: MIT
#include "gpulab/bench/saved_report.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "gpulab/core/error.hpp"

namespace gpulab {

namespace {

using json = nlohmann::json;

// The index of `name` in the table's columns, or nullopt.
std::optional<std::size_t> column_index(const std::vector<std::string>& columns, const std::string& name) {
  const auto at = std::find(columns.begin(), columns.end(), name);
  if (at == columns.end()) return std::nullopt;
  return static_cast<std::size_t>(at - columns.begin());
}

// A cell as a number: the JSON number, or nullopt for text ("-") and null.
std::optional<double> number_at(const json& row, std::optional<std::size_t> column) {
  if (!column || *column >= row.size() || !row[*column].is_number()) return std::nullopt;
  return row[*column].get<double>();
}

std::string text_at(const json& row, std::optional<std::size_t> column) {
  if (!column || *column >= row.size() || !row[*column].is_string()) return "";
  return row[*column].get<std::string>();
}

std::string header_field(const json& document, const char* key) {
  if (!document.contains("header") || !document["header"].is_object()) return "";
  const json& header = document["header"];
  return header.contains(key) && header[key].is_string() ? header[key].get<std::string>() : "";
}

}  // namespace

saved_report parse_saved_report(const std::string& text, const std::string& source) {
  const json document = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded() || !document.is_object()) {
    throw usage_error(source + ": not a JSON report (write one with --format json)");
  }
  saved_report out;
  out.title = document.contains("title") && document["title"].is_string() ? document["title"].get<std::string>() : "";
  out.device = header_field(document, "device");
  out.date = header_field(document, "date");
  if (!document.contains("tables") || !document["tables"].is_array()) {
    throw usage_error(source + ": a JSON file, but no \"tables\": not a gpulab report");
  }
  for (const json& t : document["tables"]) {
    if (!t.is_object() || !t.contains("columns") || !t.contains("rows") || !t["columns"].is_array()) continue;
    std::vector<std::string> columns;
    for (const json& c : t["columns"]) columns.push_back(c.is_string() ? c.get<std::string>() : "");
    // The module's "Verified and timed cases" (case first) or the tour's summary (module, case, ...).
    const auto name = column_index(columns, "case"), size = column_index(columns, "size"),
               median = column_index(columns, "median ms");
    if (!name || !size || !median) continue;
    const auto module = column_index(columns, "module"), operation = column_index(columns, "operation"),
               version = column_index(columns, "version"), element = column_index(columns, "element type"),
               gbs = column_index(columns, "GB/s"), gflops = column_index(columns, "GFLOP/s"),
               items = column_index(columns, "G items/s"), verified = column_index(columns, "verified");
    for (const json& row : t["rows"]) {
      if (!row.is_array() || text_at(row, name).empty()) continue;
      const std::optional<double> ms = number_at(row, median);
      if (!ms || !(*ms > 0)) continue;  // a case that did not run: nothing to draw
      case_result r;
      r.name = text_at(row, name);
      r.module = text_at(row, module);
      r.parameters = {.operation = text_at(row, operation), .version = text_at(row, version),
                      .element_type = text_at(row, element)};
      r.size_value = number_at(row, size).value_or(0);
      r.size_label = std::to_string(static_cast<long long>(r.size_value));
      r.gpu.median_ms = *ms;
      // The work back from the rates: rate x time (the report keeps the rates, not the work).
      const double seconds = *ms * 1e-3;
      r.work.bytes_read = number_at(row, gbs).value_or(0) * 1e9 * seconds;
      r.work.flops = number_at(row, gflops).value_or(0) * 1e9 * seconds;
      r.work.items = number_at(row, items).value_or(0) * 1e9 * seconds;
      r.verified = text_at(row, verified) == "yes";
      out.results.push_back(std::move(r));
    }
  }
  if (out.results.empty()) {
    throw usage_error(source + ": no table of timed cases (columns case, size, median ms) with a row that ran");
  }
  return out;
}

saved_report read_saved_report(const std::string& path) {
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) throw io_error("cannot read " + path + ": it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io_error("cannot read " + path + " (" + std::strerror(errno) + ")");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw io_error("cannot read " + path);
  return parse_saved_report(text.str(), path);
}

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// The CSV readers' result types: names, a host copy, a bitwise comparison; column lists as typed.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <span>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/csv_columns.hpp"

namespace gpulab::dataframe {

std::vector<std::string> parse_column_list(std::string_view list) {
  if (list.empty()) throw usage_error("--columns: no column names (give them as a,b,c)");
  std::vector<std::string> names;
  std::set<std::string> seen;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = list.find(',', start);
    const std::string name(list.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (name.empty()) throw usage_error("--columns '" + std::string(list) + "': an empty column name");
    if (!seen.insert(name).second) throw usage_error("--columns '" + std::string(list) + "': '" + name + "' twice");
    names.push_back(name);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return names;
}

std::vector<std::string> input_columns(const std::string& input, const std::string& columns, bool size_given,
                                       const std::string& columns_hint) {
  if (input.empty() && columns.empty()) return {};
  if (input.empty()) throw usage_error("--columns needs --input FILE.csv");
  if (columns.empty()) throw usage_error("--input needs --columns " + columns_hint);
  if (size_given) throw usage_error("--size and --input: the file decides the rows; give one of them");
  return parse_column_list(columns);
}

void check_columns_present(const std::vector<std::string>& chosen, const std::vector<std::string>& names,
                           const std::string& file) {
  for (const std::string& name : chosen) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string known;
    for (const std::string& n : names) known += (known.empty() ? "" : ", ") + n;
    throw usage_error("--columns: " + file + " has no column '" + name + "' (its columns: " + known + ")");
  }
}

const char* csv_dtype_name(csv_dtype t) { return t == csv_dtype::int64 ? "int64" : "float64"; }

const csv_host_column& csv_columns::column(std::string_view name) const {
  for (const csv_host_column& c : columns) {
    if (c.name == name) return c;
  }
  std::string known;
  for (const csv_host_column& c : columns) known += (known.empty() ? "" : ", ") + c.name;
  throw usage_error("no column '" + std::string(name) + "' (the columns: " + known + ")");
}

std::size_t csv_device_columns::bytes() const {
  std::size_t total = 0;
  for (const csv_device_column& c : columns) total += c.float64.bytes() + c.int64.bytes() + c.validity.bytes();
  return total;
}

csv_columns to_host(const csv_device_columns& device, cuda::stream_ref s) {
  csv_columns host;
  host.rows = device.rows;
  for (const csv_device_column& d : device.columns) {
    csv_host_column h;
    h.name = d.name;
    h.dtype = d.dtype;
    h.float64.resize(d.float64.size());
    h.int64.resize(d.int64.size());
    h.validity.resize(d.validity.size());
    if (!h.float64.empty()) copy_to_host_async(d.float64, std::span<double>(h.float64), s);
    if (!h.int64.empty()) copy_to_host_async(d.int64, std::span<std::int64_t>(h.int64), s);
    if (!h.validity.empty()) copy_to_host_async(d.validity, std::span<std::uint32_t>(h.validity), s);
    host.columns.push_back(std::move(h));
  }
  synchronize(s);
  return host;
}

namespace {

template <class T>
std::string bits_of(T value) {
  std::uint64_t bits = 0;
  std::memcpy(&bits, &value, sizeof value);
  char text[24];
  std::snprintf(text, sizeof text, "0x%016llx", static_cast<unsigned long long>(bits));
  return text;
}

template <class T>
std::string first_different_element(const std::vector<T>& expected, const std::vector<T>& actual,
                                    const std::string& what) {
  if (expected.size() != actual.size()) {
    return what + ": " + std::to_string(actual.size()) + " elements, expected " + std::to_string(expected.size());
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::memcmp(&expected[i], &actual[i], sizeof(T)) != 0) {
      return what + " element " + std::to_string(i) + ": " + bits_of(actual[i]) + ", expected " + bits_of(expected[i]);
    }
  }
  return "";
}

}  // namespace

std::string first_difference(const csv_columns& expected, const csv_columns& actual) {
  if (expected.rows != actual.rows) {
    return std::to_string(actual.rows) + " rows, expected " + std::to_string(expected.rows);
  }
  if (expected.columns.size() != actual.columns.size()) {
    return std::to_string(actual.columns.size()) + " columns, expected " + std::to_string(expected.columns.size());
  }
  for (std::size_t c = 0; c < expected.columns.size(); ++c) {
    const csv_host_column& e = expected.columns[c];
    const csv_host_column& a = actual.columns[c];
    const std::string what = "column " + std::to_string(c + 1) + " '" + e.name + "'";
    if (e.name != a.name) return what + " is called '" + a.name + "'";
    if (e.dtype != a.dtype) return what + " is " + csv_dtype_name(a.dtype) + ", expected " + csv_dtype_name(e.dtype);
    for (const std::string& difference :
         {first_different_element(e.float64, a.float64, what + " float64"),
          first_different_element(e.int64, a.int64, what + " int64"),
          first_different_element(e.validity, a.validity, what + " validity word")}) {
      if (!difference.empty()) return difference;
    }
  }
  return "";
}

}  // namespace gpulab::dataframe

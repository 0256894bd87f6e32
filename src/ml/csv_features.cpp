// SPDX-License-Identifier: MIT
// Features from a CSV file (csv_features.hpp), through module 6's CPU reader.
#include "gpulab/ml/csv_features.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <system_error>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/ml/options.hpp"

namespace gpulab::ml {

namespace {

// Column `name` of the file as doubles, every value present and finite as a float32.
std::vector<double> finite_values(const dataframe::csv_columns& csv, const std::filesystem::path& path,
                                  const std::string& name) {
  const dataframe::csv_host_column& column = csv.column(name);  // usage_error naming the columns
  const std::span<const std::uint32_t> validity(column.validity);
  std::vector<double> out(csv.rows);
  for (std::size_t i = 0; i < csv.rows; ++i) {
    if (!dataframe::is_valid(validity, i)) {
      throw numerical_error(csv_place(path.string(), i, name) + " has a missing value; every chosen value must be present");
    }
    out[i] = column.dtype == dataframe::csv_dtype::float64 ? column.float64[i] : static_cast<double>(column.int64[i]);
    if (!std::isfinite(static_cast<float>(out[i]))) {
      throw numerical_error(csv_place(path.string(), i, name) + " is " + shortest_text(out[i]) +
                            "; the values must be finite float32 numbers");
    }
  }
  return out;
}

host_features features_of(const dataframe::csv_columns& csv, const std::filesystem::path& path,
                          const std::vector<std::string>& columns) {
  if (columns.empty()) throw usage_error("features from " + path.string() + ": no columns chosen");
  host_features f;
  f.rows = static_cast<std::int64_t>(csv.rows);
  f.cols = static_cast<std::int64_t>(columns.size());
  if (f.rows == 0) throw usage_error(path.string() + ": no rows of data after the header");
  f.values.resize(csv.rows * columns.size());
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const std::vector<double> column = finite_values(csv, path, columns[j]);
    for (std::size_t i = 0; i < csv.rows; ++i) f.values[i * columns.size() + j] = static_cast<float>(column[i]);
  }
  return f;
}

}  // namespace

std::shared_ptr<const dataframe::csv_columns> parsed_csv_file(const std::filesystem::path& path) {
  struct parsed_file {
    std::filesystem::path path;
    std::uintmax_t size = 0;
    std::filesystem::file_time_type written;
    std::shared_ptr<const dataframe::csv_columns> csv;
  };
  static std::mutex guard;
  static parsed_file last;
  std::error_code error;  // each step runs only if the one before it worked
  const std::filesystem::path where = std::filesystem::absolute(path, error);
  const std::uintmax_t size = error ? 0 : std::filesystem::file_size(path, error);
  const std::filesystem::file_time_type written = error ? std::filesystem::file_time_type{}
                                                        : std::filesystem::last_write_time(path, error);
  if (error) {  // not a readable file: the reader says so in one line
    return std::make_shared<const dataframe::csv_columns>(dataframe::read_csv_cpu(path));
  }
  const std::lock_guard<std::mutex> lock(guard);
  if (last.csv && last.path == where && last.size == size && last.written == written) return last.csv;
  auto csv = std::make_shared<const dataframe::csv_columns>(dataframe::read_csv_cpu(path));
  // A file written in the last two seconds may be written again within the file system's
  // timestamp tick (milliseconds), keeping its size and time: it is not remembered (git's
  // "racy" index entries, the same rule).
  if (std::filesystem::file_time_type::clock::now() - written >= std::chrono::seconds(2)) {
    last = {where, size, written, csv};
  }
  return csv;
}

std::optional<csv_input> csv_input_of(const run_options& options) {
  csv_input in{input_option.text(options), {}, target_option.text(options)};
  const std::string columns = columns_option.text(options);
  if (in.path.empty() && columns.empty() && !in.target.empty()) throw usage_error("--target needs --input FILE.csv");
  in.columns = dataframe::input_columns(in.path, columns, options.size.has_value(), "a,b,c (the feature columns)");
  if (in.columns.empty()) return std::nullopt;
  if (std::find(in.columns.begin(), in.columns.end(), in.target) != in.columns.end()) {
    throw usage_error("--target '" + in.target + "' is also one of --columns; the target is not a feature");
  }
  return in;
}

host_features load_features_host(const std::filesystem::path& path, const std::vector<std::string>& columns) {
  return features_of(*parsed_csv_file(path), path, columns);
}

features_and_target load_features_and_target_host(const csv_input& input) {
  if (input.target.empty()) throw usage_error("--input " + input.path + ": no --target column to predict");
  const std::shared_ptr<const dataframe::csv_columns> csv = parsed_csv_file(input.path);
  return {features_of(*csv, input.path, input.columns), finite_values(*csv, input.path, input.target)};
}

std::string csv_place(const std::string& path, std::size_t row, const std::string& column) {
  return path + ":" + std::to_string(row + 2) + ": column '" + column + "'";
}

std::string shortest_text(double value) {
  char text[32];
  const auto [end, error] = std::to_chars(text, text + sizeof text, value);  // shortest round trip
  return error == std::errc() ? std::string(text, end) : std::to_string(value);
}

feature_matrix load_features(const std::filesystem::path& path, const std::vector<std::string>& columns,
                             cuda::stream_ref s) {
  return upload_features(load_features_host(path, columns), s);
}

}  // namespace gpulab::ml

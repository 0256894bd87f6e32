// SPDX-License-Identifier: MIT
// Features from a CSV file (csv_features.hpp), through module 6's CPU reader.
#include "gpulab/ml/csv_features.hpp"

#include <cmath>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv.hpp"

namespace gpulab::ml {

host_features load_features_host(const std::filesystem::path& path, const std::vector<std::string>& columns) {
  if (columns.empty()) throw usage_error("features from " + path.string() + ": no columns chosen");
  const dataframe::csv_columns csv = dataframe::read_csv_cpu(path);
  host_features f;
  f.rows = static_cast<std::int64_t>(csv.rows);
  f.cols = static_cast<std::int64_t>(columns.size());
  if (f.rows == 0) throw usage_error(path.string() + ": no rows of data after the header");
  f.values.resize(csv.rows * columns.size());
  for (std::size_t j = 0; j < columns.size(); ++j) {
    const dataframe::csv_host_column& column = csv.column(columns[j]);  // usage_error naming the columns
    const std::span<const std::uint32_t> validity(column.validity);
    for (std::size_t i = 0; i < csv.rows; ++i) {
      // The file line of data row i: the header is line 1 (rows spanning lines in quotes aside).
      const auto where = [&] { return path.string() + ":" + std::to_string(i + 2) + ": column '" + columns[j] + "'"; };
      if (!dataframe::is_valid(validity, i)) {
        throw numerical_error(where() + " has a missing value; every chosen value must be present");
      }
      const double v = column.dtype == dataframe::csv_dtype::float64 ? column.float64[i]
                                                                      : static_cast<double>(column.int64[i]);
      const auto as_float = static_cast<float>(v);
      if (!std::isfinite(as_float)) {
        throw numerical_error(where() + " is " + std::to_string(v) + "; the features must be finite float32 values");
      }
      f.values[i * columns.size() + j] = as_float;
    }
  }
  return f;
}

feature_matrix load_features(const std::filesystem::path& path, const std::vector<std::string>& columns,
                             cuda::stream_ref s) {
  return upload_features(load_features_host(path, columns), s);
}

}  // namespace gpulab::ml

// SPDX-License-Identifier: MIT
#include "gpulab/dataframe/course_data.hpp"

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_table.hpp"

namespace gpulab::dataframe {

std::vector<double> course_column(std::int64_t rows, std::uint64_t seed, int index) {
  std::vector<double> values(static_cast<std::size_t>(rows));
  const std::uint64_t stream = splitmix64(seed * 3 + static_cast<std::uint64_t>(index));
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < rows; ++i) {
    // The top 53 bits of a counter's hash: uniform on the doubles k / 2^53 in [0, 1).
    values[static_cast<std::size_t>(i)] =
        static_cast<double>(splitmix64(stream + static_cast<std::uint64_t>(i)) >> 11) * 0x1p-53;
  }
  return values;
}

table course_table(std::int64_t rows, std::uint64_t seed, backend where, cuda::stream_ref s) {
  table t(where, s);
  const char* names[] = {"A", "B", "C"};
  for (int k = 0; k < 3; ++k) t.add(names[k], column::from_host<double>(course_column(rows, seed, k), where, s));
  return t;
}

void check_three_course_columns(const std::vector<std::string>& columns) {
  if (columns.size() != 3) {
    throw usage_error("--columns: three columns, taken as the course's A, B and C (got " +
                      std::to_string(columns.size()) + ")");
  }
}

table csv_course_table(const std::filesystem::path& path, const std::vector<std::string>& columns, backend where,
                       cuda::stream_ref s) {
  check_three_course_columns(columns);
  check_columns_present(columns, read_csv_header(path), path.string());
  // Declared float64: an integer column is read as pandas reads a mixed frame (exact up to 2^53).
  csv_options options;
  for (const std::string& name : columns) options.dtypes[name] = csv_dtype::float64;
  const csv_columns csv = read_csv_cpu(path, options);
  if (csv.rows == 0) throw usage_error(path.string() + ": no rows of data after the header");
  table t(where, s);
  const char* course_names[] = {"A", "B", "C"};
  for (int k = 0; k < 3; ++k) {
    t.add(course_names[k], to_column(csv.column(columns[static_cast<std::size_t>(k)]), where, s));
  }
  return t;
}

}  // namespace gpulab::dataframe

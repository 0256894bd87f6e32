// SPDX-License-Identifier: MIT
#include "gpulab/dataframe/course_data.hpp"

#include <span>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv.hpp"

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

table csv_course_table(const std::filesystem::path& path, const std::vector<std::string>& columns, backend where,
                       cuda::stream_ref s) {
  if (columns.size() != 3) {
    throw usage_error("--columns: three columns, taken as the course's A, B and C (got " +
                      std::to_string(columns.size()) + ")");
  }
  const csv_columns csv = read_csv_cpu(path);
  std::vector<std::string> names;
  for (const csv_host_column& c : csv.columns) names.push_back(c.name);
  check_columns_present(columns, names, path.string());
  if (csv.rows == 0) throw usage_error(path.string() + ": no rows of data after the header");
  table t(where, s);
  const char* course_names[] = {"A", "B", "C"};
  for (int k = 0; k < 3; ++k) {
    const csv_host_column& found = csv.column(columns[static_cast<std::size_t>(k)]);
    // An int64 column is read as pandas reads a mixed frame: as float64 (exact up to 2^53).
    std::vector<double> values = found.float64;
    if (found.dtype == csv_dtype::int64) values.assign(found.int64.begin(), found.int64.end());
    t.add(course_names[k], column::from_host<double>(std::span<const double>(values), where, s,
                                                     std::span<const std::uint32_t>(found.validity)));
  }
  return t;
}

}  // namespace gpulab::dataframe

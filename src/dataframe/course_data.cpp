// SPDX-License-Identifier: MIT
#include "gpulab/dataframe/course_data.hpp"

#include "gpulab/bench/inputs.hpp"

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

}  // namespace gpulab::dataframe

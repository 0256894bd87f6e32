// SPDX-License-Identifier: MIT
// Launches of kernels/dataframe/row_mean.cuh, and the same loop on the CPU.
#include <cmath>
#include <limits>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/row_mean.hpp"
#include "kernels/dataframe/row_mean.cuh"

namespace gpulab::dataframe {

namespace {

constexpr int block_size = 256;

template <class T>
void check_columns(std::span<const column_view<T>> columns) {
  if (columns.empty() || columns.size() > static_cast<std::size_t>(max_row_mean_columns)) {
    throw usage_error("row_mean: 1.." + std::to_string(max_row_mean_columns) + " columns (got " +
                      std::to_string(columns.size()) + ")");
  }
  for (const column_view<T>& c : columns) {
    if (c.size != columns[0].size) {
      throw usage_error("row_mean: columns of " + std::to_string(columns[0].size) + " and " + std::to_string(c.size) +
                        " rows");
    }
  }
}

}  // namespace

template <class T>
void row_mean_async(std::span<const column_view<T>> columns, double* out, cuda::stream_ref s) {
  check_columns(columns);
  kernels::row_mean_columns<T> in;
  for (const column_view<T>& c : columns) in.column[in.count++] = c;
  const std::int64_t rows = columns[0].size;
  if (rows == 0) return;
  const unsigned grid = occupancy_grid_size(kernels::row_mean_kernel<T>, block_size);
  kernels::row_mean_kernel<T><<<grid, block_size, 0, s.get()>>>(in, out, rows);
  GPULAB_CHECK_LAUNCH();
}

template <class T>
void row_mean_cpu(std::span<const column_view<T>> columns, double* out) {
  check_columns(columns);
  const std::int64_t rows = columns[0].size;
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < rows; ++i) {
    double sum = 0;
    int count = 0;
    for (const column_view<T>& c : columns) {  // the GPU's order: column by column
      if (c.present(i, c.data[i])) {
        sum += static_cast<double>(c.data[i]);
        ++count;
      }
    }
    out[i] = count > 0 ? sum / count : std::numeric_limits<double>::quiet_NaN();
  }
}

#define GPULAB_DATAFRAME_ROW_MEAN(T)                                                               \
  template void row_mean_async<T>(std::span<const column_view<T>>, double*, cuda::stream_ref); \
  template void row_mean_cpu<T>(std::span<const column_view<T>>, double*);
GPULAB_DATAFRAME_ROW_MEAN(double)
GPULAB_DATAFRAME_ROW_MEAN(float)
GPULAB_DATAFRAME_ROW_MEAN(std::int64_t)
GPULAB_DATAFRAME_ROW_MEAN(std::int32_t)
#undef GPULAB_DATAFRAME_ROW_MEAN

}  // namespace gpulab::dataframe

// SPDX-License-Identifier: MIT
// Row-wise mean: a thread takes four rows at a time, reads each column's four
// values with 16-byte loads (all the columns' loads in flight together) and
// writes four means with 16-byte stores.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/row_mean.hpp"
#include "kernels/dataframe/four_rows.cuh"

namespace gpulab::dataframe::kernels {

// The columns, by value: a kernel argument (trivially copyable, 200 bytes at most).
template <class T>
struct row_mean_columns {
  column_view<T> column[max_row_mean_columns];
  int count = 0;
};

__device__ __forceinline__ double mean_or_nan(double sum, int count) {
  return count > 0 ? sum / count : __longlong_as_double(0x7ff8000000000000LL);  // NaN: no value in the row
}

// [snippet:row_mean]
template <class T>
__global__ void row_mean_kernel(row_mean_columns<T> in, double* __restrict__ out, std::int64_t rows) {
  const std::int64_t quads = rows / 4;
  for (std::int64_t q = global_thread_id(); q < quads; q += grid_thread_count()) {
    double sum[4] = {0, 0, 0, 0};
    int count[4] = {0, 0, 0, 0};
#pragma unroll
    for (int c = 0; c < max_row_mean_columns; ++c) {
      if (c >= in.count) break;
      const four<T> v = load_four(in.column[c].data, q);
#pragma unroll
      for (int k = 0; k < 4; ++k) {
        if (in.column[c].present(4 * q + k, v.v[k])) {
          sum[k] += static_cast<double>(v.v[k]);
          ++count[k];
        }
      }
    }
    four<double> mean;
#pragma unroll
    for (int k = 0; k < 4; ++k) mean.v[k] = mean_or_nan(sum[k], count[k]);
    store_four(out, q, mean);
  }
  const std::int64_t i = 4 * quads + threadIdx.x;  // the last rows % 4 rows, by block 0
  if (blockIdx.x == 0 && i < rows) {
    double sum = 0;
    int count = 0;
    for (int c = 0; c < in.count; ++c) {
      const T x = in.column[c].data[i];
      if (in.column[c].present(i, x)) {
        sum += static_cast<double>(x);
        ++count;
      }
    }
    out[i] = mean_or_nan(sum, count);
  }
}
// [/snippet:row_mean]

}  // namespace gpulab::dataframe::kernels

// SPDX-License-Identifier: MIT
// Column statistics of a column-major matrix, and centring: the first step of
// PCA and of the QR/SVD least squares (the intercept is what the centring removes).
//
// The grid is 2D: blockIdx.y picks the column, the x blocks stride over its rows,
// so neighbouring threads read neighbouring floats of one column (coalesced).
#pragma once

#include <cstdint>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/launch.cuh"
#include "gpulab/ml/float_order.hpp"

namespace gpulab::ml::kernels {

// sums[j] += sum of column j (sums zeroed first). Column `columns - 1` is `extra`
// when extra != nullptr: y sits beside X without being copied next to it.
// Double sums: a float sum of 1M values of one sign loses the mean's last digits.
static __global__ void column_sums(const float* __restrict__ x, std::int64_t rows, int x_columns,
                                   const float* __restrict__ extra, double* __restrict__ sums) {
  const int j = static_cast<int>(blockIdx.y);
  const float* column = j < x_columns ? x + static_cast<std::int64_t>(j) * rows : extra;
  double sum = 0;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    sum += column[i];
  }
  add_block_sum(sum, &sums[j]);
}

// means[j] = sums[j] / rows, in float (what the centring subtracts).
static __global__ void sums_to_means(const double* __restrict__ sums, int columns, std::int64_t rows,
                                     float* __restrict__ means) {
  const int j = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (j < columns) means[j] = static_cast<float>(sums[j] / static_cast<double>(rows));
}

// out (rows x (x_columns [+ 1]), column-major, leading dimension rows) = [X | extra] - means.
static __global__ void center_columns(const float* __restrict__ x, std::int64_t rows, int x_columns,
                                      const float* __restrict__ extra, const float* __restrict__ means,
                                      float* __restrict__ out) {
  const int j = static_cast<int>(blockIdx.y);
  const float* column = j < x_columns ? x + static_cast<std::int64_t>(j) * rows : extra;
  float* target = out + static_cast<std::int64_t>(j) * rows;
  const float mean = means[j];
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    target[i] = column[i] - mean;
  }
}

// The input check's pass: per column the smallest and largest finite value, and
// the count and first row of NaN/Inf. Order-preserving integer keys let atomicMin/
// atomicMax compare floats (gpulab/ml/float_order.hpp).
struct column_scan {
  unsigned min_key;
  unsigned max_key;
  unsigned long long non_finite;
  unsigned long long first_non_finite;
};
static __global__ void scan_columns(const float* __restrict__ x, std::int64_t rows, column_scan* __restrict__ scans) {
  const int j = static_cast<int>(blockIdx.y);
  const float* column = x + static_cast<std::int64_t>(j) * rows;
  unsigned low = 0xFFFFFFFFu, high = 0;
  unsigned long long bad = 0, first = ~0ull;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const float v = column[i];
    if (!isfinite(v)) {
      ++bad;
      first = min(first, static_cast<unsigned long long>(i));
    } else {
      const unsigned key = ordered_key(v);
      low = min(low, key), high = max(high, key);
    }
  }
  // Few atomics: one per thread is fine for a check that runs once, outside the timed region.
  atomicMin(&scans[j].min_key, low);
  atomicMax(&scans[j].max_key, high);
  if (bad > 0) {
    atomicAdd(&scans[j].non_finite, bad);
    atomicMin(&scans[j].first_non_finite, first);
  }
}

// Labels that are not 0 or 1: how many and the first.
static __global__ void scan_labels(const float* __restrict__ y, std::int64_t rows, unsigned long long* __restrict__ bad,
                                   unsigned long long* __restrict__ first) {
  for (std::int64_t i = global_thread_id(); i < rows; i += grid_thread_count()) {
    const float v = y[i];
    if (v != 0.0f && v != 1.0f) {
      atomicAdd(bad, 1ull);
      atomicMin(first, static_cast<unsigned long long>(i));
    }
  }
}

}  // namespace gpulab::ml::kernels

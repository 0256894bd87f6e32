// SPDX-License-Identifier: MIT
// Two small kernels the linear-algebra layer needs around cuSOLVER.
#pragma once

#include <cuda/std/cmath>
#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::linalg::kernels {

// Column-major n x n: zero every element below the diagonal. One thread per
// element, x along the rows so that a warp writes one column's contiguous run.
template <class T>
__global__ void zero_below_diagonal(T* m, int rows, int cols, int ld) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  const int j = static_cast<int>(blockIdx.y);
  if (i < rows && j < cols && i > j) m[i + static_cast<std::int64_t>(j) * ld] = T{0};
}

// The smallest index of a NaN or infinity in `values`, or n when there is none
// (the caller sets *first = n first). Grid-stride; only threads that find one
// touch global memory, and atomicMin keeps the first.
template <class T>
__global__ void first_non_finite(const T* values, std::int64_t n, unsigned long long* first) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    if (!cuda::std::isfinite(values[i])) {
      atomicMin(first, static_cast<unsigned long long>(i));
      return;  // later elements of this thread cannot be smaller
    }
  }
}

}  // namespace gpulab::linalg::kernels

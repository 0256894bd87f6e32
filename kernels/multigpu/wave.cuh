// SPDX-License-Identifier: MIT
// Module 8's wave step on the GPU: one thread per cell of a range of rows of a
// slab's padded array (slab.hpp), each cell computed by leapfrog_cell, the very
// expression the host solver uses (wave_cell.hpp).
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/multigpu/wave_cell.hpp"

namespace gpulab::multigpu::kernels {

// [snippet:wave_rows_kernel]
// next = leapfrog(current, previous) on local rows first_row .. first_row + row_count,
// columns 1 .. cols - 2 (columns 0 and cols - 1 are the fixed boundary). Rows
// first_row - 1 and first_row + row_count of `current` are read: the halos,
// when the range touches them. A 2D grid: x runs along a row's columns
// (neighbouring threads, neighbouring addresses: coalesced), y over groups of
// wave_rows_per_thread rows, each a grid-stride loop. A thread computes its column
// in all rows of its group before it stores any: with __restrict__ (the three
// arrays never overlap) the loads of 4 cells are in flight at once, not of one.
// The cell's row and column come from the block and thread indices, not from
// dividing a flat index by the row length (a 64-bit division per cell is long).
inline constexpr int wave_rows_per_thread = 4;
static __global__ void wave_rows_kernel(const float* __restrict__ previous, const float* __restrict__ current,
                                        float* __restrict__ next, std::int64_t cols, std::int64_t first_row,
                                        std::int64_t row_count, float coefficient) {
  constexpr int rows_per_thread = wave_rows_per_thread;
  const std::int64_t column_step = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t r = blockIdx.y * std::int64_t{rows_per_thread}; r < row_count;
       r += static_cast<std::int64_t>(gridDim.y) * rows_per_thread) {
    const int rows = static_cast<int>(min(std::int64_t{rows_per_thread}, row_count - r));
    for (std::int64_t c = 1 + static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; c < cols - 1;
         c += column_step) {
      float out[rows_per_thread];
#pragma unroll
      for (int k = 0; k < rows_per_thread; ++k) {  // every load first
        const std::int64_t at = (first_row + r + k) * cols + c;
        if (k < rows) {
          out[k] = leapfrog_cell(current[at - cols], current[at + cols], current[at - 1], current[at + 1],
                                 current[at], previous[at], coefficient);
        }
      }
#pragma unroll
      for (int k = 0; k < rows_per_thread; ++k) {  // then the stores
        if (k < rows) next[(first_row + r + k) * cols + c] = out[k];
      }
    }
  }
}
// [/snippet:wave_rows_kernel]

}  // namespace gpulab::multigpu::kernels

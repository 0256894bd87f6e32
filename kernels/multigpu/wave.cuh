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
// (neighbouring threads, neighbouring addresses: coalesced), y over the rows,
// each a grid-stride loop. The cell's row and column come from the block and
// thread indices, not from dividing a flat index by the row length: a 64-bit
// division is a long instruction sequence on the GPU, paid per cell.
static __global__ void wave_rows_kernel(const float* previous, const float* current, float* next, std::int64_t cols,
                                        std::int64_t first_row, std::int64_t row_count, float coefficient) {
  const std::int64_t column_step = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t r = blockIdx.y; r < row_count; r += gridDim.y) {
    const std::int64_t row_start = (first_row + r) * cols;
    for (std::int64_t c = 1 + static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; c < cols - 1;
         c += column_step) {
      const std::int64_t at = row_start + c;
      next[at] = leapfrog_cell(current[at - cols], current[at + cols], current[at - 1], current[at + 1], current[at],
                               previous[at], coefficient);
    }
  }
}
// [/snippet:wave_rows_kernel]

}  // namespace gpulab::multigpu::kernels

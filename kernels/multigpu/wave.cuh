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
// when the range touches them. A 2D grid: x runs along a row's columns (consecutive
// threads, consecutive cells), y over the rows, looping when there are more rows than
// blocks in y. The first version walked one flat index and split it into row and
// column with a 64-bit division per cell: 0.070 ms a 4096^2 step on the H200, 67% of
// the copy ceiling, spent dividing.
static __global__ void wave_rows_kernel(const float* previous, const float* current, float* next, std::int64_t cols,
                                        std::int64_t first_row, std::int64_t row_count, float coefficient) {
  const std::int64_t col = 1 + std::int64_t{blockIdx.x} * blockDim.x + threadIdx.x;
  if (col >= cols - 1) return;
  for (std::int64_t row = blockIdx.y; row < row_count; row += gridDim.y) {
    const std::int64_t at = (first_row + row) * cols + col;
    next[at] = leapfrog_cell(current[at - cols], current[at + cols], current[at - 1], current[at + 1], current[at],
                             previous[at], coefficient);
  }
}
// [/snippet:wave_rows_kernel]

}  // namespace gpulab::multigpu::kernels

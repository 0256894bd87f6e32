// SPDX-License-Identifier: MIT
// Module 8's wave step on the GPU: one thread per column of a strip of rows of a
// slab's padded array (slab.hpp), each cell computed by leapfrog_cell, the very
// expression the host solver uses (wave_cell.hpp).
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/multigpu/wave_cell.hpp"

namespace gpulab::multigpu::kernels {

// next = leapfrog(current, previous) on local rows first_row .. first_row + row_count,
// columns 1 .. cols - 2 (columns 0 and cols - 1 are the fixed boundary). Rows
// first_row - 1 and first_row + row_count of `current` are read: the halos, when the
// range touches them. One thread per column of a strip of RowsPerStrip rows
// (neighbouring threads, neighbouring columns: coalesced). Down the strip, a cell's
// `up` and `here` are the cell above's `here` and `down`, kept in registers: 4 loads
// a cell instead of 6. __restrict__: the three arrays never overlap (the solver turns
// three buffers), so the compiler may load the next rows before this row's store.
// [snippet:wave_strips_kernel]
template <int RowsPerStrip>
__global__ void wave_strips_kernel(const float* __restrict__ previous,
                                   const float* __restrict__ current, float* __restrict__ next,
                                   std::int64_t cols, std::int64_t first_row,
                                   std::int64_t row_count, float coefficient) {
  const std::int64_t c = 1 + static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (c >= cols - 1) return;
  const std::int64_t strip_step = static_cast<std::int64_t>(gridDim.y) * RowsPerStrip;
  for (std::int64_t strip = static_cast<std::int64_t>(blockIdx.y) * RowsPerStrip; strip < row_count;
       strip += strip_step) {
    std::int64_t at = (first_row + strip) * cols + c;
    float up = current[at - cols], here = current[at];
#pragma unroll
    for (int r = 0; r < RowsPerStrip; ++r) {
      if (strip + r < row_count) {
        const float down = current[at + cols];
        next[at] = leapfrog_cell(up, down, current[at - 1], current[at + 1], here, previous[at],
                                 coefficient);
        up = here;
        here = down;
        at += cols;
      }
    }
  }
}
// [/snippet:wave_strips_kernel]

}  // namespace gpulab::multigpu::kernels

// SPDX-License-Identifier: MIT
// Module 8's wave step on the GPU: a thread per column (or per four columns) of a
// strip of rows of a slab's padded array (slab.hpp), each cell computed by
// leapfrog_cell, the very expression the host solver uses (wave_cell.hpp).
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

// The four cells of a row in `here` (columns c .. c + 3), with `left` the cell of
// column c - 1 and `right` that of c + 4: leapfrog_cell on each, the same expression
// in the same order as the host's, so the same bits.
// [snippet:leapfrog_float4]
__device__ __forceinline__ float4 leapfrog_float4(float4 up, float4 down, float left, float right, float4 here,
                                                  float4 before, float coefficient) {
  return make_float4(leapfrog_cell(up.x, down.x, left, here.y, here.x, before.x, coefficient),
                     leapfrog_cell(up.y, down.y, here.x, here.z, here.y, before.y, coefficient),
                     leapfrog_cell(up.z, down.z, here.y, here.w, here.z, before.z, coefficient),
                     leapfrog_cell(up.w, down.w, here.z, right, here.w, before.w, coefficient));
}
// [/snippet:leapfrog_float4]

// The strip kernel with four neighbouring columns a thread, each row's four loaded and
// stored as one float4 (16 bytes): a quarter of the memory instructions, and each warp
// moves 512 contiguous bytes a row. Needs cols % 4 == 0 and 16-byte aligned arrays (the
// launcher checks, and takes wave_strips_kernel otherwise). Thread t has columns 4t ..
// 4t + 3 of every row: the first thread of a row holds boundary column 0 and the last
// one column cols - 1, which are never written (their inner columns are stored one by
// one). The cells left and right of the four are the neighbouring threads': one 4-byte
// load each, from the line those threads just brought into L1.
template <int RowsPerStrip>
__global__ void wave_strips_float4_kernel(const float* __restrict__ previous,
                                          const float* __restrict__ current, float* __restrict__ next,
                                          std::int64_t cols, std::int64_t first_row,
                                          std::int64_t row_count, float coefficient) {
  const std::int64_t c = 4 * (static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x);
  if (c >= cols) return;
  const bool inside = c > 0 && c + 4 < cols;  // no boundary column among the four
  const auto row4 = [](const float* p) { return *reinterpret_cast<const float4*>(p); };
  const std::int64_t strip_step = static_cast<std::int64_t>(gridDim.y) * RowsPerStrip;
  for (std::int64_t strip = static_cast<std::int64_t>(blockIdx.y) * RowsPerStrip; strip < row_count;
       strip += strip_step) {
    std::int64_t at = (first_row + strip) * cols + c;
    float4 up = row4(current + at - cols), here = row4(current + at);
#pragma unroll
    for (int r = 0; r < RowsPerStrip; ++r) {
      if (strip + r < row_count) {
        // [snippet:wave_float4_row]
        const float4 down = row4(current + at + cols);
        const float left = c > 0 ? current[at - 1] : 0.0f;  // 0.0f: a boundary cell, not written
        const float right = c + 4 < cols ? current[at + 4] : 0.0f;
        const float4 out = leapfrog_float4(up, down, left, right, here, row4(previous + at), coefficient);
        if (inside) {
          *reinterpret_cast<float4*>(next + at) = out;
        } else {
          const float cells[4] = {out.x, out.y, out.z, out.w};
          for (int k = 0; k < 4; ++k) {
            if (c + k >= 1 && c + k <= cols - 2) next[at + k] = cells[k];
          }
        }
        up = here;
        here = down;
        at += cols;
        // [/snippet:wave_float4_row]
      }
    }
  }
}

}  // namespace gpulab::multigpu::kernels

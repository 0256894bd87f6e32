// SPDX-License-Identifier: MIT
// The launch of kernels/multigpu/wave.cuh.
//
// Bit for bit with the host: nvcc contracts a * b + c into one fused
// multiply-add by default (one rounding instead of two), and the host build of
// the same expression does not (-ffp-contract=off, src/multigpu/CMakeLists.txt).
// leapfrog_cell's `2 u - u_prev + k * laplacian` would then round differently
// on the GPU in the last bit, and the difference grows step after step. This
// file is compiled with -fmad=false (CMakeLists.txt), so every * and + is
// rounded on its own, as IEEE float32 and the host do; nothing else in the
// kernel is approximate (no fast math, no division, denormals kept).
#include <algorithm>
#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/multigpu/wave_gpu.hpp"
#include "kernels/multigpu/wave.cuh"

namespace gpulab::multigpu {

void update_rows_async(const slab& part, float coefficient, const float* previous, const float* current, float* next,
                       row_range rows, cuda::stream_ref s) {
  const std::int64_t inner_columns = part.grid.cols - 2;
  if (rows.empty() || inner_columns <= 0) return;  // no row, or no column inside the boundary
  constexpr unsigned block_size = 256;
  // Strips of 4 rows, four columns a thread where the rows allow float4. Measured on the
  // H200 (2026-12-03, fifth session, 4096^2, one run, ms a step; the ceiling is the 2:1 read/write mix):
  //   four columns a thread (float4), strips of 4 rows: 0.0524 ms, 88.4% of the ceiling
  //     (strips of 2 rows 87.4%, of 8 rows 85.8%; two columns (float2) 87.6%; blocks of
  //     128 or 512 threads within 1.1% of 256; evict-first hints on previous/next: no change)
  //   one column a thread, strips of 4 rows (wave_strips_kernel): 0.0613 ms, 75.5%
  // And in the session before, one column a thread: strips of 2 rows 0.0645, 8 rows 0.0612,
  // 16 rows 0.0627, 32 rows 0.0642; one cell a thread down a grid-stride loop over rows
  // (6 loads a cell, no __restrict__) 0.0847-0.0850 (54.5%); one block per grid row 0.136.
  constexpr int rows_per_strip = 4;
  const std::int64_t strips = (rows.size() + rows_per_strip - 1) / rows_per_strip;
  const auto strips_in_y = static_cast<unsigned>(std::min<std::int64_t>(strips, 65535));  // the kernels loop past it
  // [snippet:wave_launch]
  if (part.grid.cols % 4 == 0 && is_16_byte_aligned(previous) && is_16_byte_aligned(current) &&
      is_16_byte_aligned(next)) {
    const dim3 grid(blocks_for(part.grid.cols / 4, block_size), strips_in_y);  // a thread per 4 columns
    kernels::wave_strips_float4_kernel<rows_per_strip><<<grid, block_size, 0, s.get()>>>(
        previous, current, next, part.grid.cols, rows.begin, rows.size(), coefficient);
  } else {  // rows that are not whole float4s: a thread per column
    const dim3 grid(blocks_for(inner_columns, block_size), strips_in_y);
    kernels::wave_strips_kernel<rows_per_strip><<<grid, block_size, 0, s.get()>>>(
        previous, current, next, part.grid.cols, rows.begin, rows.size(), coefficient);
  }
  // [/snippet:wave_launch]
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::multigpu

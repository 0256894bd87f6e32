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

#include "gpulab/core/launch.cuh"
#include "gpulab/multigpu/wave_gpu.hpp"
#include "kernels/multigpu/wave.cuh"

namespace gpulab::multigpu {

void update_rows_async(const slab& part, float coefficient, const float* previous, const float* current, float* next,
                       row_range rows, cuda::stream_ref s) {
  const std::int64_t inner_columns = part.grid.cols - 2;
  if (rows.empty() || inner_columns <= 0) return;  // no row, or no column inside the boundary
  constexpr unsigned block_size = 256;
  // Strips of 4 rows. Measured on the H200 (2026-12-03, 4096^2, one run, ms a step):
  // strips of 2 rows 0.0645, 4 rows 0.0608 (76.0% of the ceiling), 8 rows 0.0612,
  // 16 rows 0.0627, 32 rows 0.0642; the kernel before, one cell a thread down a
  // grid-stride loop over rows (6 loads a cell, no __restrict__), 0.0847-0.0850 (54.5%).
  // Earlier, on the one-cell kernel: four rows per step of a thread with every load
  // before any store, 0.092 against 0.085 ms; one block per grid row, 0.136 ms.
  constexpr int rows_per_strip = 4;
  const std::int64_t strips = (rows.size() + rows_per_strip - 1) / rows_per_strip;
  const dim3 grid(blocks_for(inner_columns, block_size),
                  static_cast<unsigned>(std::min<std::int64_t>(strips, 65535)));  // the kernel loops past 65535
  kernels::wave_strips_kernel<rows_per_strip><<<grid, block_size, 0, s.get()>>>(
      previous, current, next, part.grid.cols, rows.begin, rows.size(), coefficient);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::multigpu

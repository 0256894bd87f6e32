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
  // x: enough blocks for one row's inner columns; y: only as many block rows as fill
  // the GPU once (the kernel loops over the rest). One block per grid row (16 x 4096
  // blocks of a cell per thread at 4096^2) ran at half the speed of the first, flat
  // version on the H200, 0.136 against 0.070 ms a step. Our reading (to be confirmed
  // by the next measurement): an SM starts blocks at a limited rate, and blocks that
  // load six floats and store one end about as fast as they start; blocks that stay
  // and loop do not pay that.
  // Tried (2026-12-03, H200, one run): four rows per step of a thread, every load
  // before any store, __restrict__ arrays: 0.092 ms a step against 0.085 ms for this
  // one row; the simpler kernel stays.
  const unsigned blocks_in_x = blocks_for(inner_columns, block_size);
  const unsigned resident = occupancy_grid_size(kernels::wave_rows_kernel, static_cast<int>(block_size));
  const dim3 grid(blocks_in_x, static_cast<unsigned>(std::clamp<std::int64_t>(
                                   resident / blocks_in_x, 1, std::min<std::int64_t>(rows.size(), 65535))));
  kernels::wave_rows_kernel<<<grid, block_size, 0, s.get()>>>(previous, current, next, part.grid.cols, rows.begin,
                                                              rows.size(), coefficient);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::multigpu

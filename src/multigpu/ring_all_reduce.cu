// SPDX-License-Identifier: MIT
// The launch of kernels/multigpu/ring_reduce.cuh.
#include <algorithm>

#include "gpulab/core/launch.cuh"
#include "gpulab/multigpu/ring_all_reduce.hpp"
#include "kernels/multigpu/ring_reduce.cuh"

namespace gpulab::multigpu {

void add_received_chunk_async(float* mine, const float* received, std::size_t count, cuda::stream_ref s) {
  if (count == 0) return;
  constexpr int block_size = 256;
  const auto n = static_cast<std::int64_t>(count);
  const unsigned grid = std::min(blocks_for(n, block_size), occupancy_grid_size(kernels::add_received_chunk, block_size));
  kernels::add_received_chunk<<<grid, block_size, 0, s.get()>>>(mine, received, n);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::multigpu

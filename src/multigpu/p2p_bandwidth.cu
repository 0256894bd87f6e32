// SPDX-License-Identifier: MIT
// The launches of kernels/multigpu/copy_pattern.cuh.
#include <algorithm>

#include "gpulab/core/launch.cuh"
#include "gpulab/multigpu/p2p_bandwidth.hpp"
#include "kernels/multigpu/copy_pattern.cuh"

namespace gpulab::multigpu {

void fill_pattern_async(std::uint32_t* data, std::size_t count, std::uint32_t salt, cuda::stream_ref s) {
  if (count == 0) return;
  constexpr int block_size = 256;
  const auto n = static_cast<std::int64_t>(count);
  const unsigned grid = std::min(blocks_for(n, block_size), occupancy_grid_size(kernels::fill_pattern, block_size));
  kernels::fill_pattern<<<grid, block_size, 0, s.get()>>>(data, n, salt);
  GPULAB_CHECK_LAUNCH();
}

void count_pattern_mismatches_async(const std::uint32_t* data, std::size_t count, std::uint32_t salt,
                                    unsigned long long* mismatches, cuda::stream_ref s) {
  if (count == 0) return;
  constexpr int block_size = 256;
  const auto n = static_cast<std::int64_t>(count);
  const unsigned grid =
      std::min(blocks_for(n, block_size), occupancy_grid_size(kernels::count_pattern_mismatches, block_size));
  kernels::count_pattern_mismatches<<<grid, block_size, 0, s.get()>>>(data, n, salt, mismatches);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::multigpu

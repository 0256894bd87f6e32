// SPDX-License-Identifier: MIT
// How much shared memory k-means' warp sums take (kernels/ml/kmeans_warp_sums.cuh): plain
// functions the kernel and the host share (the host decides from them which sums a fit uses).
#pragma once

#include <cstddef>

#include "gpulab/core/host_device.hpp"

namespace gpulab::ml {

// A warp adds its 32 rows 32 consecutive floats a step, each lane one (row, feature). Lanes
// d apart hold the same feature of consecutive rows, so one step touches a feature in up to
// 31 / d + 1 rows: that many copies of the warp's sums (row r adds to copy r % copies) keep
// two lanes of one step off the same sum. Rounded up to a power of two: r % copies is a mask.
GPULAB_HOST_DEVICE constexpr int kmeans_warp_sum_copies(int d) {
  const int rows_a_step = 31 / d + 1;
  int copies = 1;
  while (copies < rows_a_step) copies *= 2;
  return copies;
}

// Bytes of a block's warp sums (warps x copies x k x d floats) and counts (warps x k).
GPULAB_HOST_DEVICE constexpr std::size_t kmeans_warp_sums_bytes(int k, int d, int threads) {
  const auto warps = static_cast<std::size_t>(threads / 32);
  const auto kd = static_cast<std::size_t>(k) * static_cast<std::size_t>(d);
  return (warps * static_cast<std::size_t>(kmeans_warp_sum_copies(d)) * kd + warps * static_cast<std::size_t>(k)) * 4;
}

}  // namespace gpulab::ml

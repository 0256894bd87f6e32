// SPDX-License-Identifier: MIT
// The reduction of the hand-written ring all-reduce (ring_schedule.hpp): a
// received chunk added into this rank's copy of the same chunk. One float per
// thread in a grid-stride loop; memory-bound (two reads, one write per element).
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::multigpu::kernels {

// [snippet:add_received_chunk]
static __global__ void add_received_chunk(float* mine, const float* received, std::int64_t count) {
  for (std::int64_t i = global_thread_id(); i < count; i += grid_thread_count()) mine[i] += received[i];
}
// [/snippet:add_received_chunk]

}  // namespace gpulab::multigpu::kernels

// SPDX-License-Identifier: MIT
// The launches of kernels/multigpu/nbody.cuh. float4 arrays come from the host
// code as floats (4 per body): device_buffer<float> allocations are aligned
// far beyond 16 bytes, and the offsets used are whole bodies.
#include <algorithm>

#include "gpulab/core/launch.cuh"
#include "gpulab/multigpu/nbody.hpp"
#include "kernels/multigpu/nbody.cuh"

namespace gpulab::multigpu {

namespace {
const float4* as_bodies(const float* p) { return reinterpret_cast<const float4*>(p); }
float4* as_bodies(float* p) { return reinterpret_cast<float4*>(p); }
}  // namespace

void body_accelerations_async(const float* all, std::int64_t slots, const float* mine, std::int64_t count,
                              float softening, float* acceleration, cuda::stream_ref s) {
  if (count <= 0) return;
  // One thread per own body; every block reads all `slots` bodies tile by tile.
  const unsigned grid = blocks_for(count, kernels::nbody_block_size);
  kernels::body_accelerations<<<grid, kernels::nbody_block_size, 0, s.get()>>>(
      as_bodies(all), slots, as_bodies(mine), count, softening * softening, as_bodies(acceleration));
  GPULAB_CHECK_LAUNCH();
}

void kick_async(float* velocity, const float* acceleration, std::int64_t count, float half_dt, cuda::stream_ref s) {
  if (count <= 0) return;
  const unsigned grid = std::min(blocks_for(count, 256), occupancy_grid_size(kernels::kick, 256));
  kernels::kick<<<grid, 256, 0, s.get()>>>(as_bodies(velocity), as_bodies(acceleration), count, half_dt);
  GPULAB_CHECK_LAUNCH();
}

void drift_async(float* position, const float* velocity, std::int64_t count, float dt, cuda::stream_ref s) {
  if (count <= 0) return;
  const unsigned grid = std::min(blocks_for(count, 256), occupancy_grid_size(kernels::drift, 256));
  kernels::drift<<<grid, 256, 0, s.get()>>>(as_bodies(position), as_bodies(velocity), count, dt);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::multigpu

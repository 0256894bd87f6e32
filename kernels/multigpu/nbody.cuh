// SPDX-License-Identifier: MIT
// Module 8's N-body step on the GPU (nbody.hpp): each rank computes the pull
// of all bodies (gathered from every rank) on its own bodies, then moves its
// own by leapfrog. Bodies are float4: x, y, z and the mass in w.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::multigpu::kernels {

constexpr int nbody_block_size = 256;

// [snippet:body_accelerations]
// acceleration[i] = sum over j of m_j (x_j - x_i) / (|x_j - x_i|^2 + eps^2)^(3/2)
// for the `count` bodies of `mine`, j over all `slots` gathered bodies (mass-0
// padding adds exact zeros). Each block copies a tile of bodies into shared
// memory once and all its threads read it from there. One thread adds a body's
// terms in the order j = 0, 1, ...: the same order on any number of ranks, so
// the sum is the same bit for bit.
static __global__ void body_accelerations(const float4* all, std::int64_t slots, const float4* mine, std::int64_t count,
                                   float softening_squared, float4* acceleration) {
  __shared__ float4 tile[nbody_block_size];
  const std::int64_t i = global_thread_id();
  const float4 me = i < count ? mine[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
  float ax = 0.0f, ay = 0.0f, az = 0.0f;
  for (std::int64_t start = 0; start < slots; start += nbody_block_size) {
    const std::int64_t j = start + threadIdx.x;
    tile[threadIdx.x] = j < slots ? all[j] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);  // mass 0: no pull
    __syncthreads();  // the tile is written
    const std::int64_t in_tile = slots - start < nbody_block_size ? slots - start : nbody_block_size;
    for (int k = 0; k < in_tile; ++k) {
      const float4 other = tile[k];
      const float dx = other.x - me.x, dy = other.y - me.y, dz = other.z - me.z;
      const float inverse = rsqrtf(dx * dx + dy * dy + dz * dz + softening_squared);
      const float s = other.w * inverse * inverse * inverse;
      ax += s * dx;
      ay += s * dy;
      az += s * dz;
    }
    __syncthreads();  // every thread is done with the tile before the next overwrites it
  }
  if (i < count) acceleration[i] = make_float4(ax, ay, az, 0.0f);
}
// [/snippet:body_accelerations]

// Leapfrog, kick-drift-kick: v += a dt/2 (kick), x += v dt (drift).
static __global__ void kick(float4* velocity, const float4* acceleration, std::int64_t count, float half_dt) {
  for (std::int64_t i = global_thread_id(); i < count; i += grid_thread_count()) {
    velocity[i].x += acceleration[i].x * half_dt;
    velocity[i].y += acceleration[i].y * half_dt;
    velocity[i].z += acceleration[i].z * half_dt;
  }
}

static __global__ void drift(float4* position, const float4* velocity, std::int64_t count, float dt) {
  for (std::int64_t i = global_thread_id(); i < count; i += grid_thread_count()) {
    position[i].x += velocity[i].x * dt;  // w, the mass, stays
    position[i].y += velocity[i].y * dt;
    position[i].z += velocity[i].z * dt;
  }
}

}  // namespace gpulab::multigpu::kernels

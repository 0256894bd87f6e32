// SPDX-License-Identifier: MIT
// A hand-written normal generator: Box-Muller on the Philox4x32-10 counter-based
// stream (gpulab/random/philox.hpp). Number i comes from counter i / 4, so no thread
// keeps a state, nothing is initialised, and the output does not depend on the launch:
// any GPU, any grid, and the CPU make the same numbers.
//
// One Philox call gives four 32-bit words, two pairs (u1, u2) in (0, 1], and Box-Muller
// turns each pair into two normal numbers: r = sqrt(-2 ln u1), angle = 2 pi (u2 - 1/2),
// z = (r cos angle, r sin angle). So each thread writes one float4 per call: 16 bytes,
// one store instruction.
#pragma once

#include <cstdint>

#include "gpulab/random/philox.hpp"

namespace gpulab::random::kernels {

// [snippet:log_fast]
// ln u for u in (0, 1], cheaply: the hardware's __logf (MUFU.LG2 and a multiply: an
// absolute error up to 3.6e-7 in [0.5, 2]) where the result is not near 0, and where u is within
// 2^-6 of 1 the series ln(1 - v) = -(v + v^2/2 + v^3/3 + v^4/4), v = 1 - u (exact in
// float there), whose next term is 1e-8 of the result at most. Both are computed and
// one is selected: no divergent branch. About 8 instructions instead of logf's ~20.
__device__ __forceinline__ float log_fast(float u) {
  const float v = 1.0f - u;
  const float series = -v * fmaf(v, fmaf(v, fmaf(v, 0.25f, 1.0f / 3.0f), 0.5f), 1.0f);
  return v < 0x1p-6f ? series : __logf(u);
}
// [/snippet:log_fast]

// Four normal numbers mean + sigma z from counter `group`. sqrtf is the accurate one;
// the log is logf (accurate: r is small when u1 is near 1, where a rough log would be
// far off relatively, even positive) or, with FastLog, log_fast above; __sincosf is the
// hardware's (an absolute error near 4e-7 for angles in [-pi, pi], the choice cuRAND's
// own Box-Muller makes).
template <bool FastLog>
__device__ __forceinline__ float4 normal4_at(philox_key key, std::uint64_t group, float mean, float sigma) {
  const philox_counter bits = philox4x32_10(philox_counter_of(group), key);
  float z[4];
#pragma unroll
  for (int pair = 0; pair < 2; ++pair) {
    const float u1 = uniform_open_closed(bits.word[2 * pair]);
    const float u2 = uniform_open_closed(bits.word[2 * pair + 1]);
    const float r = sqrtf(-2.0f * (FastLog ? log_fast(u1) : logf(u1)));
    float s, c;
    __sincosf(6.2831853f * (u2 - 0.5f), &s, &c);
    z[2 * pair] = fmaf(sigma, r * c, mean);
    z[2 * pair + 1] = fmaf(sigma, r * s, mean);
  }
  return make_float4(z[0], z[1], z[2], z[3]);
}

// [snippet:normal_counter_based]
// Block b makes groups [b * GroupsPerThread * blockDim.x, ...), neighbouring threads
// neighbouring groups (the copy kernel's tile), every store 16 bytes wide when `out`
// is 16-byte aligned. The last group may stop short of 4 numbers: scalar stores there.
template <int GroupsPerThread, bool FastLog>
__global__ void normal_counter_based(float* __restrict__ out, std::int64_t n, philox_key key, float mean,
                                     float sigma, bool aligned_16) {
  const std::int64_t groups = (n + 3) / 4;
  const std::int64_t tile_start = static_cast<std::int64_t>(blockIdx.x) * blockDim.x * GroupsPerThread;
#pragma unroll
  for (int k = 0; k < GroupsPerThread; ++k) {
    const std::int64_t g = tile_start + k * blockDim.x + threadIdx.x;
    if (g >= groups) break;
    const float4 z = normal4_at<FastLog>(key, static_cast<std::uint64_t>(g), mean, sigma);
    if (aligned_16 && 4 * g + 3 < n) {
      reinterpret_cast<float4*>(out)[g] = z;
    } else {
      const float v[4] = {z.x, z.y, z.z, z.w};
      for (int j = 0; j < 4 && 4 * g + j < n; ++j) out[4 * g + j] = v[j];
    }
  }
}
// [/snippet:normal_counter_based]

}  // namespace gpulab::random::kernels

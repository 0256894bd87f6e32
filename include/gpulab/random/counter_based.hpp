// SPDX-License-Identifier: MIT
// A hand-written normal generator beside cuRAND's: Box-Muller on the Philox4x32-10
// counter-based stream (kernels/random/counter_based_normal.cuh). Number i depends only
// on the seed and i, so the CPU reference below makes the same stream.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <span>

namespace gpulab::random {

// out[i] = mean + sigma z_i, z_i the i-th normal number of the stream of `seed`.
// sigma must be finite and > 0, mean finite (usage_error otherwise). fast_log: ln u1 by
// the hardware's log2 and a short series near u1 = 1 (log_fast) instead of logf; the
// same numbers within the same tolerance, fewer instructions.
void normal_counter_based_async(cuda::std::span<float> out, std::uint64_t seed, float mean, float sigma,
                                cuda::stream_ref s, bool fast_log = false);

// The same stream on the CPU (all cores), in double from the same uniform floats:
// the GPU's numbers differ only by its float logf, sqrtf and __sincosf.
void normal_counter_based_cpu(std::span<float> out, std::uint64_t seed, float mean, float sigma);

// How far the GPU's number i may be from the CPU's: 1e-5 x max(1, |y|, sigma max(1, r)),
// r the pair's radius sqrt(-2 ln u1) (at most 6.8). The GPU's error is about 1e-6 sigma r
// (the hardware sine's 3.6e-7 of the angle, a few float roundings of r). With fast_log,
// __logf's absolute error (up to 3.6e-7 for u1 in [0.5, 1 - 2^-6], where r >= 0.177)
// moves r by up to 2e-6: inside 1e-5 sigma. A margin of 5x or more, while a number moved
// by half its size plus one is off by 10^4 times the tolerance.
double counter_based_tolerance(std::uint64_t seed, std::uint64_t i, float sigma, double expected);

}  // namespace gpulab::random

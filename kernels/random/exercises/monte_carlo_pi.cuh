// SPDX-License-Identifier: MIT
// EXERCISE (module 4, random): Monte Carlo pi with the device API.
//
// Write the kernel below. Each thread:
//   1. makes its own Philox generator: curand_init(seed, t, 0, &state), where t
//      is the thread's global index (subsequence t: independent streams);
//   2. throws its darts: darts [t * darts_per_thread, (t + 1) * darts_per_thread),
//      but never past `darts` (the last busy thread has fewer; threads beyond
//      have none, yet they still take part in step 3). For each dart, in this order:
//        const float x = curand_uniform(&state);
//        const float y = curand_uniform(&state);
//      and count a hit when x * x + y * y < 1.0f;
//   3. then the block sums its threads' hits in shared memory (a tree: half the
//      threads add the other half's values, then a quarter, ..., with
//      __syncthreads() between steps), and thread 0 adds the block's sum to
//      *hits with one atomicAdd.
// The count must be exact: the checker compares it with the reference's.
//
// Check your solution with:   gpulab check monte_carlo_pi
#pragma once

#include <curand_kernel.h>

#include <cstdint>

namespace gpulab::exercises::trainee_kernels {

template <int BlockSize>
__global__ void monte_carlo_pi(std::uint64_t seed, std::uint64_t darts, std::uint64_t darts_per_thread,
                               unsigned long long* hits) {
  // TODO(trainee): steps 1 to 3 above. Start with
  //   const std::uint64_t t = blockIdx.x * std::uint64_t{blockDim.x} + threadIdx.x;
  //   __shared__ unsigned long long block_hits[BlockSize];
  (void)seed;
  (void)darts;
  (void)darts_per_thread;
  (void)hits;
}

}  // namespace gpulab::exercises::trainee_kernels

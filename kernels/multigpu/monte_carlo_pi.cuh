// SPDX-License-Identifier: MIT
// Module 8's data-parallel Monte Carlo pi: each rank counts the darts of its own
// range of Philox subsequences (pi_split.hpp). One thread draws one whole
// subsequence at a time (grid-stride over the range), counts its hits in a
// register, and each block adds its sum to *hits with one atomic.
#pragma once

#include <curand_kernel.h>

#include <cstdint>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/launch.cuh"

namespace gpulab::multigpu::kernels {

// [snippet:count_subsequence_hits]
// The darts of subsequences [first, end) of `seed`; subsequence k holds darts
// k * per_subsequence .. min((k + 1) * per_subsequence, darts). Adds the hits to *hits.
static __global__ void count_subsequence_hits(std::uint64_t seed, std::uint64_t first, std::uint64_t end, std::uint64_t darts,
                                       std::uint64_t per_subsequence, unsigned long long* hits) {
  unsigned long long my_hits = 0;
  for (std::uint64_t k = first + static_cast<std::uint64_t>(global_thread_id()); k < end;
       k += static_cast<std::uint64_t>(grid_thread_count())) {
    curandStatePhilox4_32_10_t state;
    curand_init(seed, k, 0, &state);  // subsequence k: O(1) for Philox (a counter jump)
    const std::uint64_t begin = k * per_subsequence;
    const std::uint64_t count = darts - begin < per_subsequence ? darts - begin : per_subsequence;
    // Philox makes four numbers per call: two darts (x, y) each time; an odd
    // last dart uses the first two numbers of one more call.
    for (std::uint64_t i = 0; i < count; i += 2) {
      const float4 r = curand_uniform4(&state);  // each in (0, 1]
      my_hits += r.x * r.x + r.y * r.y < 1.0f ? 1 : 0;
      if (i + 1 < count) my_hits += r.z * r.z + r.w * r.w < 1.0f ? 1 : 0;
    }
  }
  add_block_sum(my_hits, hits);  // every thread of the block takes part (no early return above)
}
// [/snippet:count_subsequence_hits]

}  // namespace gpulab::multigpu::kernels

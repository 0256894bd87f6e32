// SPDX-License-Identifier: MIT
// Launch of kernels/random/counter_based_normal.cuh.
#include <cmath>
#include <cstdint>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/random/counter_based.hpp"
#include "gpulab/random/generator.hpp"
#include "kernels/random/counter_based_normal.cuh"

namespace gpulab::random {

namespace {
constexpr int block_size = 256;
// Two Philox calls per thread: two independent chains of multiplies for the scheduler
// to interleave, and half the blocks; 8 KiB written per block.
constexpr int groups_per_thread = 2;
}  // namespace

void normal_counter_based_async(cuda::std::span<float> out, std::uint64_t seed, float mean, float sigma,
                                cuda::stream_ref s, bool fast_log) {
  distribution_params{mean, sigma}.validate(distribution_kind::normal);
  const auto n = static_cast<std::int64_t>(out.size());
  if (n == 0) return;
  const std::int64_t groups = (n + 3) / 4;
  const bool aligned_16 = is_16_byte_aligned(out.data());
  // [snippet:normal_counter_based_launch]
  const unsigned grid = blocks_for(groups, block_size * groups_per_thread);  // one tile of groups per block
  if (fast_log) {
    kernels::normal_counter_based<groups_per_thread, true>
        <<<grid, block_size, 0, s.get()>>>(out.data(), n, philox_key_of(seed), mean, sigma, aligned_16);
  } else {
    kernels::normal_counter_based<groups_per_thread, false>
        <<<grid, block_size, 0, s.get()>>>(out.data(), n, philox_key_of(seed), mean, sigma, aligned_16);
  }
  GPULAB_CHECK_LAUNCH();
  // [/snippet:normal_counter_based_launch]
}

}  // namespace gpulab::random

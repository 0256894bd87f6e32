// SPDX-License-Identifier: MIT
// Exercise (module 4): Monte Carlo pi with one Philox state per thread and a
// block reduction in shared memory. The contract, which makes the hit count
// exact and checkable:
//   - blocks of monte_carlo_pi_block_size threads; thread t (global index) calls
//     curand_init(seed, t, 0, &state) with a curandStatePhilox4_32_10_t state;
//   - thread t throws darts [t * monte_carlo_pi_darts_per_thread, ...) up to
//     `darts` (the last busy thread fewer, later threads none); for each dart
//     x = curand_uniform(&state), then y = curand_uniform(&state), and it is a
//     hit when x * x + y * y < 1.0f;
//   - each block sums its threads' hits and adds the sum to *hits with one
//     atomicAdd. The caller zeroes *hits first.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

constexpr int monte_carlo_pi_block_size = 256;
constexpr std::uint64_t monte_carlo_pi_darts_per_thread = 1000;

using monte_carlo_pi_fn = void (*)(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits,
                                   cuda::stream_ref s);

// The launch every version uses: enough blocks for ceil(darts / darts_per_thread) threads.
unsigned monte_carlo_pi_blocks(std::uint64_t darts);

namespace reference {
void monte_carlo_pi(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s);
}
namespace trainee {
void monte_carlo_pi(std::uint64_t seed, std::uint64_t darts, unsigned long long* hits, cuda::stream_ref s);
}

check_report check_monte_carlo_pi(monte_carlo_pi_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

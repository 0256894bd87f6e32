// SPDX-License-Identifier: MIT
// The CPU baselines of module 4: what a careful C++ programmer would write
// without a GPU. Every core works (OpenMP), each thread with its own generator.
#pragma once

#include <cstdint>
#include <span>

#include "gpulab/random/generator.hpp"

namespace gpulab::random {

// Fills `out` with `kind` numbers: one std::mt19937 per OpenMP thread (seeded
// from `seed` and the thread's number) feeding the <random> distribution.
// Poisson counts are stored as unsigned ints in the 4-byte slots.
void cpu_generate(distribution_kind kind, const distribution_params& params, std::span<float> out, std::uint64_t seed);

// Monte Carlo pi on the CPU: dart i is splitmix64(splitmix64(seed) + i), split into two
// 24-bit coordinates. Counter-based, so the result does not depend on the
// number of threads. Returns the number of hits.
std::uint64_t cpu_count_hits(std::uint64_t darts, std::uint64_t seed);

}  // namespace gpulab::random

// SPDX-License-Identifier: MIT
// Seeded inputs and output comparison: the verification half of the protocol.
//
// Inputs are generated from (seed, index) by a counter-based hash (splitmix64),
// so every element is reproducible, filling is parallel (OpenMP), and the same
// seed gives the same data on any machine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "gpulab/bench/case.hpp"

namespace gpulab {

// The 64-bit mixing function of splitmix64: a good hash of a counter.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

void fill_random_bytes(std::span<unsigned char> out, std::uint64_t seed);
// Uniform in [low, high), float32.
void fill_uniform(std::span<float> out, std::uint64_t seed, float low, float high);

// Element-by-element equality; reports the first mismatch and how many differ.
verification compare_exact(std::span<const float> expected, std::span<const float> actual);
verification compare_exact(std::span<const unsigned char> expected, std::span<const unsigned char> actual);
verification compare_exact(std::span<const int> expected, std::span<const int> actual);

// max |expected - actual| / max(|expected|, tiny) <= tolerance; NaN never passes.
verification compare_relative(std::span<const float> expected, std::span<const float> actual, double tolerance);

}  // namespace gpulab

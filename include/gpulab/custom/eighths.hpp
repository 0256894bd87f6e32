// SPDX-License-Identifier: MIT
// Module 5 `custom`: inputs whose float sums are exact. A multiple of 1/8 (the
// "grain") added to another stays a multiple of 1/8, and a float holds every
// multiple of 1/8 up to 2^24 grains = 2^21 exactly; so while no partial sum
// grows past that, no addition rounds, in any order, and a GPU sum can be
// checked for equality with the exact one. (Products of two such inputs are
// multiples of 1/64: exact up to 2^18.) The summing cases say why their sums stay small.
#pragma once

#include <cstdint>
#include <span>

namespace gpulab::custom {

inline constexpr int grains_per_unit = 8;

// out[i] = k / 8 with k a uniform integer in [k_low, k_high], from (seed, i).
// (Defined in src/custom/reduction_cases.cpp, beside the reductions it was made for.)
void fill_eighths(std::span<float> out, std::uint64_t seed, int k_low, int k_high);

// x in grains: exact for a multiple of 1/8 (x * 8 is an integer, well inside a float's range).
inline std::int64_t to_grains(float x) { return static_cast<std::int64_t>(x * grains_per_unit); }

}  // namespace gpulab::custom

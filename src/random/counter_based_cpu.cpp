// SPDX-License-Identifier: MIT
// The CPU's copy of the counter-based normal stream (kernels/random/counter_based_normal.cuh):
// the same Philox words and the same uniform floats, Box-Muller in double.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "gpulab/random/counter_based.hpp"
#include "gpulab/random/generator.hpp"
#include "gpulab/random/philox.hpp"

namespace gpulab::random {

namespace {

struct normal_pair_cpu {
  double first, second, radius;
};

// Pair `pair` (0 or 1) of group g: words 2 pair and 2 pair + 1 of Philox(g).
normal_pair_cpu pair_at(const philox_counter& bits, int pair) {
  const double u1 = uniform_open_closed(bits.word[2 * pair]);
  const double u2 = uniform_open_closed(bits.word[2 * pair + 1]);
  const double r = std::sqrt(-2.0 * std::log(u1));
  // The GPU's angle is the float 2 pi (u2 - 1/2); u2 - 1/2 is computed in float on both sides.
  const double angle = 2.0 * std::numbers::pi * static_cast<double>(static_cast<float>(u2) - 0.5f);
  return {r * std::cos(angle), r * std::sin(angle), r};
}

}  // namespace

void normal_counter_based_cpu(std::span<float> out, std::uint64_t seed, float mean, float sigma) {
  distribution_params{mean, sigma}.validate(distribution_kind::normal);
  const philox_key key = philox_key_of(seed);
  const auto n = static_cast<std::int64_t>(out.size());
  const std::int64_t groups = (n + 3) / 4;
#pragma omp parallel for schedule(static)
  for (std::int64_t g = 0; g < groups; ++g) {
    const philox_counter bits = philox4x32_10(philox_counter_of(static_cast<std::uint64_t>(g)), key);
    const normal_pair_cpu a = pair_at(bits, 0), b = pair_at(bits, 1);
    const double z[4] = {a.first, a.second, b.first, b.second};
    for (std::int64_t j = 0; j < 4 && 4 * g + j < n; ++j) {
      out[static_cast<std::size_t>(4 * g + j)] = static_cast<float>(mean + static_cast<double>(sigma) * z[j]);
    }
  }
}

double counter_based_tolerance(std::uint64_t seed, std::uint64_t i, float sigma, double expected) {
  const philox_counter bits = philox4x32_10(philox_counter_of(i / 4), philox_key_of(seed));
  const double radius = pair_at(bits, static_cast<int>(i % 4) / 2).radius;
  return 1e-5 * std::max({1.0, std::abs(expected), static_cast<double>(sigma) * std::max(1.0, radius)});
}

}  // namespace gpulab::random

// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/nbody_partition.hpp"

#include <algorithm>
#include <string>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab::multigpu {

namespace {

// A uniform float in [0, 1) from 24 bits of a hash of (seed, index, what).
float uniform(std::uint64_t seed, std::int64_t index, std::uint64_t what) {
  const std::uint64_t bits = splitmix64(splitmix64(seed ^ (what << 56)) + static_cast<std::uint64_t>(index));
  return static_cast<float>(bits >> 40) / 16777216.0f;
}

}  // namespace

body_range bodies_of_rank(std::int64_t bodies, int rank, int ranks) {
  if (bodies < 1) throw usage_error("the N-body problem needs at least one body, not " + std::to_string(bodies));
  if (ranks < 1 || rank < 0 || rank >= ranks) {
    throw usage_error("rank " + std::to_string(rank) + " is not one of " + std::to_string(ranks) + " ranks");
  }
  const std::int64_t block = (bodies + ranks - 1) / ranks;
  const std::int64_t first = std::min<std::int64_t>(bodies, block * rank);
  return {first, std::min(block, bodies - first), block};
}

body initial_body(std::uint64_t seed, std::int64_t index, std::int64_t bodies) {
  // One of four clump centres, then a spread of 0.25 around it: far from uniform.
  const auto clump = static_cast<int>(uniform(seed, index, 1) * 4.0f);
  const float cx = clump % 2 == 0 ? -0.5f : 0.5f;
  const float cy = clump / 2 == 0 ? -0.5f : 0.5f;
  body b;
  b.x = cx + 0.5f * (uniform(seed, index, 2) - 0.5f);
  b.y = cy + 0.5f * (uniform(seed, index, 3) - 0.5f);
  b.z = 0.5f * (uniform(seed, index, 4) - 0.5f);
  b.mass = (0.5f + uniform(seed, index, 5)) / static_cast<float>(bodies);
  b.vx = 0.1f * (uniform(seed, index, 6) - 0.5f);
  b.vy = 0.1f * (uniform(seed, index, 7) - 0.5f);
  b.vz = 0.1f * (uniform(seed, index, 8) - 0.5f);
  return b;
}

}  // namespace gpulab::multigpu

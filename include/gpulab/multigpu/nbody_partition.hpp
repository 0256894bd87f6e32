// SPDX-License-Identifier: MIT
// The N-body example of module 8, the part that needs no GPU: the starting
// bodies (seeded, non-uniform) and which bodies each rank owns. All-gather
// moves the same count from every rank, so the bodies are cut into equal
// blocks of ceil(n / ranks); the last block is padded with bodies of mass 0,
// which pull on nothing (their term of every sum is an exact 0).
#pragma once

#include <cstdint>

namespace gpulab::multigpu {

// Bodies [first, first + count) of rank `rank`, in a block of `block` slots.
struct body_range {
  std::int64_t first = 0;
  std::int64_t count = 0;  // <= block: the rest of the block is padding
  std::int64_t block = 0;
  friend bool operator==(const body_range&, const body_range&) = default;
};

// ceil(bodies / ranks) slots per rank; rank r owns bodies r * block ... while they last.
// Throws usage_error for no body, or ranks < 1, or rank outside [0, ranks).
body_range bodies_of_rank(std::int64_t bodies, int rank, int ranks);

// The starting state of body `index`: a clumpy cloud (positions in [-1, 1]^3
// drawn towards one of 4 centres), small random velocities, masses in
// [0.5, 1.5] / bodies (total about 1). A function of (seed, index) only, so every
// rank makes its own bodies and the one-rank run makes them all, identically.
struct body {
  float x = 0, y = 0, z = 0, mass = 0;
  float vx = 0, vy = 0, vz = 0;
};
body initial_body(std::uint64_t seed, std::int64_t index, std::int64_t bodies);

}  // namespace gpulab::multigpu

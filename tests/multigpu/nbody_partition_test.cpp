// SPDX-License-Identifier: MIT
// The N-body partition and starting bodies, without a GPU: the blocks put the
// bodies in their global order (body i in slot i, padding only after the last
// body), every body once; the starting state is seeded, non-uniform, the same
// whichever rank makes it.
#include "gpulab/multigpu/nbody_partition.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "gpulab/core/error.hpp"

namespace {

using namespace gpulab::multigpu;

TEST(multigpu_nbody_partition, BlocksHoldTheBodiesInOrderOnce) {
  for (const std::int64_t bodies : {1, 2, 5, 7, 31, 1000, 65537}) {
    for (int ranks = 1; ranks <= 9; ++ranks) {
      std::int64_t next = 0;  // the first body no rank owns yet
      for (int r = 0; r < ranks; ++r) {
        const body_range mine = bodies_of_rank(bodies, r, ranks);
        EXPECT_EQ(mine.block, (bodies + ranks - 1) / ranks);
        EXPECT_LE(mine.count, mine.block);
        EXPECT_GE(mine.count, 0);
        if (mine.count > 0) {
          EXPECT_EQ(mine.first, next) << bodies << " on " << ranks << ", rank " << r;
          EXPECT_EQ(mine.first, mine.block * r) << "body i sits in slot i";
        }
        // Padding only after the last body: a rank with a short block is followed by empty ones.
        if (mine.count < mine.block) {
          EXPECT_EQ(mine.first + mine.count, bodies);
        }
        next += mine.count;
      }
      EXPECT_EQ(next, bodies) << bodies << " on " << ranks;
    }
  }
  EXPECT_EQ(bodies_of_rank(5, 3, 4), (body_range{5, 0, 2}));  // 2, 2, 1, 0
  EXPECT_EQ(bodies_of_rank(5, 2, 4), (body_range{4, 1, 2}));
  EXPECT_THROW(bodies_of_rank(0, 0, 1), gpulab::usage_error);
  EXPECT_THROW(bodies_of_rank(10, 2, 2), gpulab::usage_error);
}

TEST(multigpu_nbody_partition, StartingBodiesAreSeededAndNonUniform) {
  const std::int64_t n = 4096;
  double mass = 0.0, mean_x = 0.0, smallest_mass = 1.0, largest_mass = 0.0;
  int left = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const body b = initial_body(7, i, n);
    EXPECT_TRUE(std::isfinite(b.x) && std::isfinite(b.vz));
    EXPECT_LE(std::fabs(b.x), 1.0f);
    EXPECT_LE(std::fabs(b.z), 0.25f);
    mass += b.mass;
    mean_x += b.x / static_cast<double>(n);
    smallest_mass = std::fmin(smallest_mass, b.mass);
    largest_mass = std::fmax(largest_mass, b.mass);
    left += b.x < 0 ? 1 : 0;
  }
  EXPECT_NEAR(mass, 1.0, 0.02);                      // masses in [0.5, 1.5] / n
  EXPECT_GT(largest_mass / smallest_mass, 2.5);      // not all equal
  EXPECT_NEAR(left, n / 2, 200);                     // two clumps left, two right
  EXPECT_NEAR(mean_x, 0.0, 0.05);
  EXPECT_EQ(initial_body(7, 123, n).x, initial_body(7, 123, n).x);  // a function of (seed, index)
  EXPECT_NE(initial_body(7, 123, n).x, initial_body(8, 123, n).x);
  EXPECT_NE(initial_body(7, 123, n).x, initial_body(7, 124, n).x);
}

}  // namespace

// SPDX-License-Identifier: MIT
// The ceiling of a case's access mix, from the three measured streams.
#include <gtest/gtest.h>

#include "gpulab/bench/ceilings.hpp"

namespace {
gpulab::memory_ceilings h200_like() {
  gpulab::memory_ceilings c;
  c.copy_gbs = 4200;
  c.read_gbs = 4500;
  c.write_gbs = 4300;
  c.bytes = 1u << 30;
  return c;
}
}  // namespace

TEST(Ceilings, PureMixesGiveTheirOwnStream) {
  const auto c = h200_like();
  EXPECT_DOUBLE_EQ(c.ceiling_gbs(1e9, 0), 4500);
  EXPECT_DOUBLE_EQ(c.ceiling_gbs(0, 1e9), 4300);
  EXPECT_DOUBLE_EQ(c.ceiling_gbs(1e9, 1e9), 4200);
}

TEST(Ceilings, MixedAccessesAreWeightedByTime) {
  const auto c = h200_like();
  // saxpy: reads 2 parts, writes 1: one part paired as a copy (2 units at 4200), one read alone.
  const double seconds = 2.0 / 4200 + 1.0 / 4500;
  EXPECT_NEAR(c.ceiling_gbs(2e9, 1e9), 3.0 / seconds, 1e-9);
  EXPECT_GT(c.ceiling_gbs(2e9, 1e9), 4200);
  EXPECT_LT(c.ceiling_gbs(2e9, 1e9), 4500);
}

TEST(Ceilings, NothingMeasuredMeansNoCeiling) {
  gpulab::memory_ceilings none;
  EXPECT_EQ(none.ceiling_gbs(1e9, 1e9), 0);
  EXPECT_EQ(h200_like().ceiling_gbs(0, 0), 0);
}

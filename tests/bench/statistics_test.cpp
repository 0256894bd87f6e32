// SPDX-License-Identifier: MIT
#include "gpulab/bench/statistics.hpp"

#include <gtest/gtest.h>

#include "gpulab/core/error.hpp"

namespace {

TEST(Statistics, OddCountMedianIsTheMiddleValue) {
  const auto s = gpulab::summarize({5.0, 1.0, 9.0, 3.0, 7.0});
  EXPECT_DOUBLE_EQ(s.median_ms, 5.0);
  EXPECT_DOUBLE_EQ(s.min_ms, 1.0);
  EXPECT_DOUBLE_EQ(s.max_ms, 9.0);
  EXPECT_DOUBLE_EQ(s.mean_ms, 5.0);
  EXPECT_EQ(s.count, 5);
}

TEST(Statistics, EvenCountMedianAveragesTheMiddlePair) {
  const auto s = gpulab::summarize({4.0, 1.0, 100.0, 2.0});
  EXPECT_DOUBLE_EQ(s.median_ms, 3.0);  // robust: the outlier 100 does not move it
  EXPECT_DOUBLE_EQ(s.mean_ms, 26.75);
}

TEST(Statistics, SingleSample) {
  const auto s = gpulab::summarize({0.25});
  EXPECT_DOUBLE_EQ(s.median_ms, 0.25);
  EXPECT_DOUBLE_EQ(s.min_ms, 0.25);
}

TEST(Statistics, EmptyIsAnError) { EXPECT_THROW(gpulab::summarize({}), gpulab::usage_error); }

}  // namespace

// SPDX-License-Identifier: MIT
#include "gpulab/bench/inputs.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace {

TEST(Inputs, UniformIsSeededInRangeAndNotConstant) {
  for (std::size_t n : {1u, 31u, 127u, 1000003u}) {
    std::vector<float> a(n), b(n), c(n);
    gpulab::fill_uniform(a, 7, -2.0f, 3.0f);
    gpulab::fill_uniform(b, 7, -2.0f, 3.0f);
    gpulab::fill_uniform(c, 8, -2.0f, 3.0f);
    EXPECT_EQ(a, b) << "same seed, same data";
    if (n > 1) {
      EXPECT_NE(a, c) << "another seed, other data";
    }
    double sum = 0, sum_sq = 0;
    for (float x : a) {
      ASSERT_GE(x, -2.0f);
      ASSERT_LT(x, 3.0f);
      sum += x;
      sum_sq += double(x) * x;
    }
    if (n == 1000003u) {
      const double count = static_cast<double>(n);
      const double mean = sum / count, variance = sum_sq / count - mean * mean;
      EXPECT_NEAR(mean, 0.5, 0.01);               // uniform on [-2, 3): mean 0.5
      EXPECT_NEAR(variance, 25.0 / 12.0, 0.02);   // and variance 25/12
    }
  }
}

TEST(Inputs, RandomBytesCoverAllValues) {
  std::vector<unsigned char> bytes(100003);
  gpulab::fill_random_bytes(bytes, 1);
  std::vector<int> seen(256, 0);
  for (unsigned char b : bytes) seen[b]++;
  for (int v = 0; v < 256; ++v) EXPECT_GT(seen[v], 0) << v;
}

TEST(Inputs, CompareExactFindsTheFirstMismatch) {
  std::vector<float> a(1000, 1.0f), b = a;
  EXPECT_TRUE(gpulab::compare_exact(std::span<const float>(a), std::span<const float>(b)).passed);
  b[617] = std::nextafter(1.0f, 2.0f);  // one ulp off
  b[900] = 0.0f;
  const auto v = gpulab::compare_exact(std::span<const float>(a), std::span<const float>(b));
  EXPECT_FALSE(v.passed);
  EXPECT_NE(v.detail.find("2 of 1000"), std::string::npos) << v.detail;
  EXPECT_NE(v.detail.find("first at 617"), std::string::npos) << v.detail;
  std::vector<float> shorter(999, 1.0f);
  EXPECT_FALSE(gpulab::compare_exact(std::span<const float>(a), std::span<const float>(shorter)).passed);
}

TEST(Inputs, CompareRelativeRespectsToleranceAndRejectsNan) {
  std::vector<float> expected{1.0f, -2.0f, 1e-30f}, actual{1.0f + 1e-7f, -2.0f, 1e-30f};
  EXPECT_TRUE(gpulab::compare_relative(expected, actual, 1e-6).passed);
  EXPECT_FALSE(gpulab::compare_relative(expected, actual, 1e-8).passed);
  actual[2] = std::nanf("");
  EXPECT_FALSE(gpulab::compare_relative(expected, actual, 1.0).passed);
}

}  // namespace

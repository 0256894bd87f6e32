// SPDX-License-Identifier: MIT
// The statistical tests must accept numbers that follow the distribution and
// reject numbers that do not: both sides are checked, with fixed seeds.
#include "gpulab/random/statistical_tests.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"

namespace {

namespace rnd = gpulab::random;

std::vector<float> uniform01(std::size_t n, std::uint64_t seed) {
  std::vector<float> v(n);
  gpulab::fill_uniform(v, seed, 0.0f, 1.0f);
  return v;
}

// Standard normal samples from uniform ones (Box-Muller).
std::vector<float> normal(std::size_t n, std::uint64_t seed) {
  const auto u = uniform01(2 * n, seed);
  std::vector<float> z(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u1 = 1.0 - u[2 * i];  // in (0, 1]: log is finite
    z[i] = static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u[2 * i + 1]));
  }
  return z;
}

TEST(StatisticalTests, GammaQMatchesClosedForms) {
  EXPECT_NEAR(rnd::gamma_q(1.0, 2.0), std::exp(-2.0), 1e-14);             // Q(1, x) = e^-x
  EXPECT_NEAR(rnd::gamma_q(0.5, 3.0), std::erfc(std::sqrt(3.0)), 1e-13);  // Q(1/2, x) = erfc(sqrt x)
  EXPECT_NEAR(rnd::gamma_q(5.0, 0.5), 0.999827884, 1e-8);                 // series branch
  EXPECT_DOUBLE_EQ(rnd::gamma_q(3.0, 0.0), 1.0);
  EXPECT_THROW(rnd::gamma_q(0.0, 1.0), gpulab::usage_error);
}

TEST(StatisticalTests, ChiSquareCriticalValues) {
  EXPECT_NEAR(rnd::chi_square_p_value(3.841459, 1), 0.05, 1e-6);   // the textbook 5% points
  EXPECT_NEAR(rnd::chi_square_p_value(18.307038, 10), 0.05, 1e-6);
  EXPECT_NEAR(rnd::chi_square_p_value(124.342113, 100), 0.05, 1e-6);
  EXPECT_NEAR(rnd::chi_square_p_value(6.634897, 1), 0.01, 1e-6);
}

TEST(StatisticalTests, ChiSquareAcceptsUniformAndRejectsSkewed) {
  const auto u = uniform01(1'000'003, 11);
  EXPECT_GT(rnd::chi_square_uniform_01(u, 100).p_value, 1e-4);
  std::vector<float> squared(u);
  for (float& x : squared) x *= x;  // x^2 piles up near 0
  EXPECT_LT(rnd::chi_square_uniform_01(squared, 100).p_value, 1e-12);
  std::vector<float> outside(u);
  outside[17] = 1.0f;  // [0, 1) excludes 1
  EXPECT_EQ(rnd::chi_square_uniform_01(outside, 100).p_value, 0.0);
  // A generator stuck on a few values is caught too.
  std::vector<std::uint64_t> lumpy{1000, 1000, 1000, 1300};
  EXPECT_LT(rnd::chi_square_uniform(lumpy).p_value, 1e-6);
  EXPECT_THROW(rnd::chi_square_uniform(std::vector<std::uint64_t>{5}), gpulab::usage_error);
}

TEST(StatisticalTests, NormalCdf) {
  EXPECT_DOUBLE_EQ(rnd::normal_cdf(0.0), 0.5);
  EXPECT_NEAR(rnd::normal_cdf(1.959964), 0.975, 1e-7);
  EXPECT_NEAR(rnd::normal_cdf(-1.0), 0.158655254, 1e-9);
}

TEST(StatisticalTests, KolmogorovSmirnovCriticalValue) {
  const std::size_t n = 100'000'000;  // large n: the asymptotic 5% point is 1.3581 / sqrt(n)
  EXPECT_NEAR(rnd::kolmogorov_smirnov_p_value(1.358099 / std::sqrt(double(n)), n), 0.05, 1e-3);
  EXPECT_DOUBLE_EQ(rnd::kolmogorov_smirnov_p_value(1e-9, 10), 1.0);
  EXPECT_LT(rnd::kolmogorov_smirnov_p_value(0.5, 1000), 1e-12);
}

TEST(StatisticalTests, KolmogorovSmirnovAcceptsNormalAndRejectsOthers) {
  const auto z = normal(200'003, 5);
  EXPECT_GT(rnd::kolmogorov_smirnov(z, rnd::normal_cdf).p_value, 1e-4);
  std::vector<float> shifted(z);
  for (float& x : shifted) x += 0.05f;  // a small bias in the mean
  EXPECT_LT(rnd::kolmogorov_smirnov(shifted, rnd::normal_cdf).p_value, 1e-6);
  std::vector<float> wide(z);
  for (float& x : wide) x *= 1.05f;  // a 5% error in sigma
  EXPECT_LT(rnd::kolmogorov_smirnov(wide, rnd::normal_cdf).p_value, 1e-6);
  const auto u = uniform01(10'007, 3);
  EXPECT_LT(rnd::kolmogorov_smirnov(u, rnd::normal_cdf).p_value, 1e-12);
  std::vector<float> with_nan(z.begin(), z.begin() + 100);
  with_nan[50] = std::nanf("");
  EXPECT_EQ(rnd::kolmogorov_smirnov(with_nan, rnd::normal_cdf).p_value, 0.0);
  EXPECT_THROW(rnd::kolmogorov_smirnov(std::vector<float>{}, rnd::normal_cdf), gpulab::usage_error);
}

TEST(StatisticalTests, MeanTolerance) {
  EXPECT_DOUBLE_EQ(rnd::mean_tolerance(1.0, 100), 0.5);
  const auto z = normal(1'000'003, 9);
  double sum = 0;
  for (float x : z) sum += x;
  EXPECT_LT(std::abs(sum / double(z.size())), rnd::mean_tolerance(1.0, z.size()));
  EXPECT_THROW(rnd::mean_tolerance(1.0, 0), gpulab::usage_error);
}

}  // namespace

// SPDX-License-Identifier: MIT
// Statistical tests for random numbers (module 4 `random`): a generator's output
// is checked like any other result, with a test that can fail. Plain C++.
//
// Each test returns its statistic and a p-value: the probability of a statistic
// at least this extreme if the numbers really follow the distribution. With
// fixed seeds the p-value is fixed too, so a test never flakes; a tiny p-value
// (say below 1e-6) means the numbers do not follow the distribution.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace gpulab::random {

struct test_result {
  double statistic = 0;
  double p_value = 0;
};

// Regularised upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a).
double gamma_q(double a, double x);

// P(X >= statistic) for a chi-square variable with `degrees_of_freedom`.
double chi_square_p_value(double statistic, double degrees_of_freedom);

// Pearson's chi-square test that `counts` (one per bin) come from equally likely bins.
test_result chi_square_uniform(std::span<const std::uint64_t> counts);

// Bins values in [0, 1) into `bins` counts and runs chi_square_uniform.
test_result chi_square_uniform_01(std::span<const float> values, int bins);

// The standard normal CDF.
double normal_cdf(double x);

// P(D_n >= d) for the Kolmogorov-Smirnov statistic of n samples (asymptotic
// Kolmogorov distribution with Stephens' small-sample correction).
double kolmogorov_smirnov_p_value(double d, std::size_t n);

// One-sample Kolmogorov-Smirnov test of `samples` against `cdf` (the samples are copied and sorted).
test_result kolmogorov_smirnov(std::span<const float> samples, const std::function<double(double)>& cdf);

// The bound on |sample mean - mean| that a correct generator exceeds with
// probability about 6e-7: 5 standard errors, sigma / sqrt(n) each.
double mean_tolerance(double sigma, std::size_t n);

}  // namespace gpulab::random

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

// The same for values in (0, 1], the interval cuRAND's uniform numbers come in.
test_result chi_square_uniform_0_1_closed(std::span<const float> values, int bins);

// The standard normal CDF.
double normal_cdf(double x);

// P(D_n >= d) for the Kolmogorov-Smirnov statistic of n samples (asymptotic
// Kolmogorov distribution with Stephens' small-sample correction).
double kolmogorov_smirnov_p_value(double d, std::size_t n);

// One-sample Kolmogorov-Smirnov test of `samples` against `cdf` (the samples are copied and sorted).
test_result kolmogorov_smirnov(std::span<const float> samples, const std::function<double(double)>& cdf);

// Count, mean and variance of a sample, in double precision (OpenMP over all
// cores). Values that are NaN or infinite are counted, not summed.
struct sample_moments {
  std::size_t count = 0;
  std::size_t non_finite = 0;
  double min = 0, max = 0, mean = 0, variance = 0;
};
sample_moments moments(std::span<const float> values);
sample_moments moments(std::span<const unsigned> values);
// Moments of log(value); values <= 0 count as non-finite.
sample_moments log_moments(std::span<const float> values);

// The bound on |sample variance - variance| that a correct generator exceeds
// with probability about 6e-7: 5 standard errors, sqrt((mu4 - sigma^4) / n),
// where mu4 is the distribution's fourth central moment.
double variance_tolerance(double fourth_central_moment, double variance, std::size_t n);

// The bound on |sample mean - mean| that a correct generator exceeds with
// probability about 6e-7: 5 standard errors, sigma / sqrt(n) each.
double mean_tolerance(double sigma, std::size_t n);

}  // namespace gpulab::random

// SPDX-License-Identifier: MIT
#include "gpulab/random/statistical_tests.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "gpulab/core/error.hpp"

namespace gpulab::random {

namespace {

// P(a, x) by its power series: converges quickly for x < a + 1.
double gamma_p_series(double a, double x) {
  double term = 1.0 / a, sum = term;
  for (int n = 1; n < 10000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::abs(term) < std::abs(sum) * 1e-15) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Q(a, x) by its continued fraction (modified Lentz): converges quickly for x >= a + 1.
double gamma_q_continued_fraction(double a, double x) {
  const double tiny = std::numeric_limits<double>::min() / std::numeric_limits<double>::epsilon();
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < 1e-15) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

}  // namespace

double gamma_q(double a, double x) {
  if (!(a > 0) || !(x >= 0)) throw usage_error("gamma_q needs a > 0 and x >= 0");
  if (x == 0) return 1.0;
  return x < a + 1.0 ? 1.0 - gamma_p_series(a, x) : gamma_q_continued_fraction(a, x);
}

double chi_square_p_value(double statistic, double degrees_of_freedom) {
  return gamma_q(degrees_of_freedom / 2.0, statistic / 2.0);
}

test_result chi_square_uniform(std::span<const std::uint64_t> counts) {
  if (counts.size() < 2) throw usage_error("a chi-square test needs at least 2 bins");
  double total = 0;
  for (std::uint64_t c : counts) total += static_cast<double>(c);
  if (total == 0) throw usage_error("a chi-square test needs samples");
  const double expected = total / static_cast<double>(counts.size());
  double statistic = 0;
  for (std::uint64_t c : counts) {
    const double diff = static_cast<double>(c) - expected;
    statistic += diff * diff / expected;
  }
  return {statistic, chi_square_p_value(statistic, static_cast<double>(counts.size() - 1))};
}

test_result chi_square_uniform_01(std::span<const float> values, int bins) {
  if (bins < 2) throw usage_error("a chi-square test needs at least 2 bins");
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(bins), 0);
  for (float v : values) {
    if (!(v >= 0.0f && v < 1.0f)) return {std::numeric_limits<double>::infinity(), 0.0};  // outside [0, 1): fail
    counts[std::min(static_cast<std::size_t>(v * static_cast<float>(bins)), counts.size() - 1)]++;
  }
  return chi_square_uniform(counts);
}

test_result chi_square_uniform_0_1_closed(std::span<const float> values, int bins) {
  if (bins < 2) throw usage_error("a chi-square test needs at least 2 bins");
  std::vector<std::uint64_t> counts(static_cast<std::size_t>(bins), 0);
  for (float v : values) {
    if (!(v > 0.0f && v <= 1.0f)) return {std::numeric_limits<double>::infinity(), 0.0};  // outside (0, 1]: fail
    // Bin k holds (k / bins, (k + 1) / bins]: ceil, so that 1.0 lands in the last bin.
    const auto k = static_cast<std::size_t>(std::ceil(static_cast<double>(v) * bins)) - 1;
    counts[std::min(k, counts.size() - 1)]++;
  }
  return chi_square_uniform(counts);
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double kolmogorov_smirnov_p_value(double d, std::size_t n) {
  if (n == 0) throw usage_error("a Kolmogorov-Smirnov test needs samples");
  const double root_n = std::sqrt(static_cast<double>(n));
  const double lambda = (root_n + 0.12 + 0.11 / root_n) * d;  // Stephens (1970)
  if (lambda < 0.2) return 1.0;
  // Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2)
  double sum = 0, sign = 1;
  for (int j = 1; j <= 100; ++j) {
    const double term = sign * std::exp(-2.0 * j * j * lambda * lambda);
    sum += term;
    if (std::abs(term) < 1e-16) break;
    sign = -sign;
  }
  return std::clamp(2.0 * sum, 0.0, 1.0);
}

test_result kolmogorov_smirnov(std::span<const float> samples, const std::function<double(double)>& cdf) {
  if (samples.empty()) throw usage_error("a Kolmogorov-Smirnov test needs samples");
  std::vector<double> sorted(samples.begin(), samples.end());
  if (std::any_of(sorted.begin(), sorted.end(), [](double v) { return std::isnan(v); })) {
    return {std::numeric_limits<double>::infinity(), 0.0};  // NaN never passes
  }
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  double d = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double f = cdf(sorted[i]);
    d = std::max({d, (static_cast<double>(i) + 1.0) / n - f, f - static_cast<double>(i) / n});
  }
  return {d, kolmogorov_smirnov_p_value(d, sorted.size())};
}

namespace {

// One pass per statistic, OpenMP over the sample; `value(i)` gives element i as a double.
template <class Value>
sample_moments moments_of(std::size_t n, Value value) {
  sample_moments m;
  m.count = n;
  double sum = 0, low = std::numeric_limits<double>::infinity(), high = -low;
  std::size_t bad = 0;
  const auto count = static_cast<std::int64_t>(n);
#pragma omp parallel for reduction(+ : sum, bad) reduction(min : low) reduction(max : high)
  for (std::int64_t i = 0; i < count; ++i) {
    const double v = value(static_cast<std::size_t>(i));
    if (!std::isfinite(v)) {
      ++bad;
      continue;
    }
    sum += v;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  m.non_finite = bad;
  const std::size_t good = n - bad;
  if (good == 0) return m;
  m.mean = sum / static_cast<double>(good);
  m.min = low;
  m.max = high;
  double squares = 0;
  const double mean = m.mean;
#pragma omp parallel for reduction(+ : squares)
  for (std::int64_t i = 0; i < count; ++i) {
    const double v = value(static_cast<std::size_t>(i));
    if (std::isfinite(v)) squares += (v - mean) * (v - mean);
  }
  m.variance = good > 1 ? squares / static_cast<double>(good - 1) : 0.0;
  return m;
}

}  // namespace

sample_moments moments(std::span<const float> values) {
  return moments_of(values.size(), [&](std::size_t i) { return static_cast<double>(values[i]); });
}

sample_moments moments(std::span<const unsigned> values) {
  return moments_of(values.size(), [&](std::size_t i) { return static_cast<double>(values[i]); });
}

sample_moments log_moments(std::span<const float> values) {
  return moments_of(values.size(), [&](std::size_t i) {
    const double v = values[i];
    return v > 0 ? std::log(v) : std::numeric_limits<double>::quiet_NaN();
  });
}

double variance_tolerance(double fourth_central_moment, double variance, std::size_t n) {
  if (n == 0) throw usage_error("variance_tolerance needs n > 0");
  return 5.0 * std::sqrt(std::max(0.0, fourth_central_moment - variance * variance) / static_cast<double>(n));
}

double mean_tolerance(double sigma, std::size_t n) {
  if (n == 0) throw usage_error("mean_tolerance needs samples");
  return 5.0 * sigma / std::sqrt(static_cast<double>(n));
}

}  // namespace gpulab::random

// SPDX-License-Identifier: MIT
// Host-API throughput: how fast each cuRAND generator fills device memory with
// each distribution. Writing 4 bytes per number is the least memory traffic
// possible, so the ceiling is the device's write bandwidth.
//
// Verification: random numbers have no "expected output" to compare with, so
// the whole output is checked statistically: every value in range (an
// unwritten, poisoned slot fails), the mean and variance within 5 standard
// errors of the distribution's, and a chi-square (uniform) or
// Kolmogorov-Smirnov (normal) test. The tests also compare the GPU's numbers
// with cuRAND's CPU generator, number by number.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/random/cases.hpp"
#include "gpulab/random/cpu_baseline.hpp"
#include "gpulab/random/statistical_tests.hpp"

namespace gpulab::random {

namespace {

constexpr double smallest_p_value = 1e-6;  // a correct generator falls below this once in a million

std::string describe_moments(const sample_moments& m) {
  return "mean " + format_significant(m.mean) + ", variance " + format_significant(m.variance);
}

// Checks mean and variance against the distribution's; "" when they agree.
std::string check_moments(const sample_moments& m, double mean, double variance, double fourth_moment) {
  const double mean_tol = mean_tolerance(std::sqrt(variance), m.count);
  const double var_tol = variance_tolerance(fourth_moment, variance, m.count);
  if (std::abs(m.mean - mean) > mean_tol) {
    return describe_moments(m) + ": mean off by " + format_significant(m.mean - mean) + " (tolerance " +
           format_significant(mean_tol) + ")";
  }
  if (m.count > 1 && std::abs(m.variance - variance) > var_tol) {
    return describe_moments(m) + ": variance off by " + format_significant(m.variance - variance) + " (tolerance " +
           format_significant(var_tol) + ")";
  }
  return "";
}

verification passed(const std::string& detail) { return {true, detail}; }
verification failed(const std::string& detail) { return {false, detail}; }

verification check_uniform(std::span<const float> values) {
  const sample_moments m = moments(values);
  if (m.non_finite > 0 || m.min <= 0.0 || m.max > 1.0) {
    return failed(std::to_string(m.non_finite) + " non-finite values; range [" + format_significant(m.min) + ", " +
                  format_significant(m.max) + "], expected (0, 1]");
  }
  if (auto problem = check_moments(m, 0.5, 1.0 / 12.0, 1.0 / 80.0); !problem.empty()) return failed(problem);
  if (values.size() >= 1000) {
    const int bins = static_cast<int>(std::min<std::size_t>(1000, values.size() / 100));
    const test_result chi = chi_square_uniform_0_1_closed(values, bins);
    if (chi.p_value < smallest_p_value) {
      return failed("chi-square " + format_significant(chi.statistic) + " over " + std::to_string(bins) +
                    " bins, p = " + format_significant(chi.p_value));
    }
    return passed(describe_moments(m) + ", chi-square p = " + format_significant(chi.p_value));
  }
  return passed(describe_moments(m));
}

// Normal numbers, or (of_logs) log-normal ones through their logarithms.
verification check_normal(std::span<const float> values, double mean, double sigma, bool of_logs) {
  const std::string what = of_logs ? "log of values: " : "";
  const sample_moments m = of_logs ? log_moments(values) : moments(values);
  if (m.non_finite > 0) return failed(what + std::to_string(m.non_finite) + " values are not finite");
  const double variance = sigma * sigma;
  if (auto problem = check_moments(m, mean, variance, 3.0 * variance * variance); !problem.empty()) {
    return failed(what + problem);
  }
  // Kolmogorov-Smirnov on the first million values (it sorts them).
  const std::size_t tested = std::min<std::size_t>(values.size(), std::size_t{1} << 20);
  std::vector<float> head(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(tested));
  if (of_logs) {
    for (float& v : head) v = std::log(v);
  }
  const test_result ks = kolmogorov_smirnov(head, [&](double x) { return normal_cdf((x - mean) / sigma); });
  if (ks.p_value < smallest_p_value) {
    return failed(what + "Kolmogorov-Smirnov D = " + format_significant(ks.statistic) + ", p = " +
                  format_significant(ks.p_value));
  }
  return passed(what + describe_moments(m) + ", KS p = " + format_significant(ks.p_value));
}

verification check_poisson(std::span<const unsigned> values, double lambda) {
  const sample_moments m = moments(values);
  // 0xFFFFFFFF (poison) or any absurd count: Poisson(lambda) practically never exceeds this.
  const double ceiling = lambda + 40.0 * std::sqrt(lambda) + 40.0;
  if (m.max > ceiling) {
    return failed("largest count " + format_significant(m.max) + " is impossible for lambda " +
                  format_significant(lambda));
  }
  // Poisson: variance lambda, fourth central moment lambda (1 + 3 lambda).
  if (auto problem = check_moments(m, lambda, lambda, lambda * (1.0 + 3.0 * lambda)); !problem.empty()) {
    return failed(problem);
  }
  return passed(describe_moments(m));
}

class generation_case final : public bench_case {
 public:
  explicit generation_case(const generation_config& config) : config_(config) {
    config_.params.validate(config_.distribution);
    if (!is_quasi_random(config_.generator)) config_.dimensions = 1;
    n_ = config_.n / config_.dimensions * config_.dimensions;  // whole Sobol points
    if (n_ == 0) throw usage_error("fewer numbers than the Sobol generator's dimensions");
  }

  std::string name() const override {
    return std::string(distribution_name(config_.distribution)) + "_" + generator_name(config_.generator);
  }
  case_parameters parameters() const override {
    const bool counts = config_.distribution == distribution_kind::poisson;  // unsigned counts in the float buffer
    return {distribution_name(config_.distribution), generator_name(config_.generator), counts ? "unsigned" : "float"};
  }
  std::string size_label() const override { return std::to_string(n_) + " numbers"; }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override { return n_ * sizeof(float); }
  work_amount work() const override {
    return {static_cast<double>(n_) * sizeof(float), 0.0, static_cast<double>(n_)};  // write each number once
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    seed_ = seed;
    out_ = device_buffer<float>(n_, s);
    generator_.emplace(config_.generator, seed, where::device, config_.dimensions);
    generator_->set_stream(s);
    cpu_out_.assign(n_, 0.0f);
  }

  // The baseline makes the same distribution on the CPU; its numbers are not
  // compared (they are different random numbers), only its time.
  void run_cpu() override { cpu_generate(config_.distribution, config_.params, cpu_out_, seed_); }

  void poison_outputs(cuda::stream_ref s) override { out_.fill_bytes_async(0xFF, s); }

  // [snippet:host_api_generate]
  void run_gpu(cuda::stream_ref) override {
    generator_->generate(config_.distribution, out_.span(), config_.params);  // on its stream
  }
  // [/snippet:host_api_generate]

  verification verify(cuda::stream_ref s) override {
    std::vector<float> got(n_);
    copy_to_host_async(out_, std::span<float>(got), s);
    synchronize(s);
    const distribution_params& p = config_.params;
    switch (config_.distribution) {
      case distribution_kind::uniform: return check_uniform(got);
      case distribution_kind::normal: return check_normal(got, p.mean, p.sigma, false);
      case distribution_kind::log_normal: return check_normal(got, p.mean, p.sigma, true);
      case distribution_kind::poisson:
        return check_poisson({reinterpret_cast<const unsigned*>(got.data()), got.size()}, p.lambda);
    }
    return failed("unknown distribution");
  }

 private:
  generation_config config_;
  std::size_t n_ = 0;
  std::uint64_t seed_ = 0;
  device_buffer<float> out_;
  std::optional<generator> generator_;  // made in setup()
  std::vector<float> cpu_out_;
};

}  // namespace

std::unique_ptr<bench_case> make_generation_case(const generation_config& config) {
  return std::make_unique<generation_case>(config);
}

}  // namespace gpulab::random

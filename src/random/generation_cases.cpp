// SPDX-License-Identifier: MIT
// Host-API throughput: how fast each cuRAND generator fills device memory with
// each distribution. Writing 4 bytes per number is the least memory traffic
// possible, so the ceiling is the device's write bandwidth.
//
// Verification, two checks:
//   - statistical, on every number (needs no CPU reference, so it scales):
//     every value in range (an unwritten, poisoned slot fails), the mean and
//     variance within 5 standard errors of the distribution's, and a
//     chi-square (uniform) or Kolmogorov-Smirnov (normal) test;
//   - element-wise, when the CPU is not skipped: cuRAND's CPU generator of the
//     same kind and seed makes the same numbers (generator.hpp), so each of the
//     GPU's numbers is compared with its twin. This sees one wrong number that
//     the statistics cannot (a normal number moved by 1.5 is still plausible).
// The CPU baseline (<random>, all cores) makes other numbers: only its time counts.
#include <algorithm>
#include <bit>
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

// Where the GPU's numbers differ from cuRAND's CPU generator's; passed when nowhere.
// Uniform numbers and Poisson counts must be equal bit for bit. Normal and
// log-normal ones may differ in the last bits (log, sqrt and sincos of the two
// math libraries): y = x (or log x) must agree to 1e-5 of max(1, |y|, |y - mean|),
// about 170 float ulps (either term of mean + sigma z may be the large one).
// One number moved by 0.5 max(|x|, 1) + 1 is off by thousands of times that.
verification compare_with_cpu(std::span<const float> got, std::span<const float> cpu, distribution_kind d,
                              const distribution_params& p) {
  const bool exact = d == distribution_kind::uniform || d == distribution_kind::poisson;
  const bool of_logs = d == distribution_kind::log_normal;
  for (std::size_t i = 0; i < got.size(); ++i) {
    bool same = std::bit_cast<std::uint32_t>(got[i]) == std::bit_cast<std::uint32_t>(cpu[i]);
    if (!exact && !same) {
      const double y = of_logs ? std::log(static_cast<double>(got[i])) : got[i];
      const double y_cpu = of_logs ? std::log(static_cast<double>(cpu[i])) : cpu[i];
      const double size = std::max({1.0, std::abs(y_cpu), std::abs(y_cpu - p.mean)});
      same = std::abs(y - y_cpu) <= 1e-5 * size;  // NaN is never the same
    }
    if (!same) {
      const auto show = [d](float v) {
        return d == distribution_kind::poisson ? std::to_string(std::bit_cast<std::uint32_t>(v)) : format_significant(v);
      };
      return failed("number " + std::to_string(i) + " is " + show(got[i]) + ", cuRAND's CPU generator made " +
                    show(cpu[i]));
    }
  }
  return passed("");
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
    return std::string(distribution_name(config_.distribution)) + "_" + version();
  }
  case_parameters parameters() const override {
    const bool counts = config_.distribution == distribution_kind::poisson;  // unsigned counts in the float buffer
    return {distribution_name(config_.distribution), version(), counts ? "unsigned" : "float"};
  }
  std::string size_label() const override { return std::to_string(n_) + " numbers"; }
  double size_value() const override { return static_cast<double>(n_); }
  // Dynamic ordering: a second buffer for the device twin's numbers.
  std::size_t device_bytes_needed() const override { return (dynamic() ? 2 : 1) * n_ * sizeof(float); }
  // n <= 2^40 (the module refuses more): these products cannot wrap.
  // The baseline's numbers, the GPU's copy, the CPU twin's numbers, Kolmogorov-Smirnov's sample and its sorted copy.
  std::size_t host_bytes_needed() const override {
    return 3 * n_ * sizeof(float) + 2 * std::min<std::size_t>(n_, ks_sample) * sizeof(float);
  }
  work_amount work() const override {
    const double n = static_cast<double>(n_);
    return {.bytes_written = n * sizeof(float), .items = n};  // write each number once
  }
  // The baseline (the default estimate from the work) and the CPU twin, which
  // runs on one core: cuRAND's CPU generators make 3e7 to 3e8 numbers a second,
  // after setting up their state: seconds for MT19937 (5 s measured on a small
  // node, whatever the count), about one for MRG32k3a, nothing for the others.
  double estimated_cpu_seconds() const override {
    const double twin_setup = config_.generator == generator_kind::mt19937    ? 5.0
                              : config_.generator == generator_kind::mrg32k3a ? 1.0
                                                                              : 0.0;
    return bench_case::estimated_cpu_seconds() + twin_setup + static_cast<double>(n_) / 3e7;
  }
  // The statistical check needs no CPU; skipping the CPU drops the twin.
  bool has_scalable_check() const override { return true; }
  void use_scalable_check() override { statistical_only_ = true; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    seed_ = seed;
    out_ = device_buffer<float>(n_, s);
    generator_.emplace(config_.generator, seed, where::device, config_.dimensions);
    generator_->set_stream(s);
    if (dynamic()) generator_->set_ordering(generator_ordering::dynamic);
    cpu_out_.assign(n_, 0.0f);
  }

  void run_cpu() override { cpu_generate(config_.distribution, config_.params, cpu_out_, seed_); }

  std::vector<output_region> outputs() override {
    if (config_.distribution == distribution_kind::poisson) {
      return {output_of(reinterpret_cast<std::uint32_t*>(out_.data()), n_)};  // counts in the 4-byte slots
    }
    return {output_of(out_.data(), n_)};
  }

  // [snippet:host_api_generate]
  void run_gpu(cuda::stream_ref) override {
    generator_->generate(config_.distribution, out_.span(), config_.params);  // on its stream
    ++gpu_runs_;  // the generator moves on: the next run makes the next numbers
  }
  // [/snippet:host_api_generate]

  verification verify(cuda::stream_ref s) override {
    std::vector<float> got(n_);
    copy_to_host_async(out_, std::span<float>(got), s);
    synchronize(s);
    verification result = check_statistics(got);
    result.check = "statistical";
    if (dynamic()) return compare_with_device_twin(std::move(result), got, s);
    if (!result.passed || statistical_only_ || !follow_gpu()) return result;
    const verification same = compare_with_cpu(got, cpu_twin_numbers_, config_.distribution, config_.params);
    return {same.passed, same.passed ? result.detail + ", equal to cuRAND's CPU generator" : same.detail,
            "vs CPU + statistical"};
  }

 private:
  // Kolmogorov-Smirnov sorts a copy of the first numbers, at most this many.
  static constexpr std::size_t ks_sample = std::size_t{1} << 20;
  // The twin replays the GPU's runs it missed only up to this many numbers (about a second).
  static constexpr std::size_t follow_limit = std::size_t{1} << 26;

  verification check_statistics(std::span<const float> got) const {
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

  // Brings the CPU twin to the GPU's last run: one call per GPU run, the same
  // calls, so the same numbers. False when the GPU has not run, or is too far
  // ahead to replay (after the timed repeats, usually): then the check is statistical.
  bool follow_gpu() {
    if (gpu_runs_ == 0) return false;
    const std::size_t behind = gpu_runs_ - twin_runs_;  // runs to replay: all but the last are skipped numbers
    if (behind > 1 && (behind - 1) * n_ > follow_limit) return false;
    if (!cpu_twin_) {
      cpu_twin_.emplace(config_.generator, seed_, where::host, config_.dimensions);
      cpu_twin_numbers_.assign(n_, 0.0f);
    }
    for (; twin_runs_ < gpu_runs_; ++twin_runs_) {
      cpu_twin_->generate(config_.distribution, {cpu_twin_numbers_.data(), n_}, config_.params);
    }
    return true;
  }

  bool dynamic() const { return config_.ordering == generator_ordering::dynamic; }
  std::string version() const {
    return std::string(generator_name(config_.generator)) + (dynamic() ? "_dynamic_ordering" : "");
  }

  // Dynamic ordering: no CPU generator makes the GPU's layout, but a second device
  // generator of the same kind, seed and ordering, called as many times with the same
  // count, must make the same numbers bit for bit (on one GPU the layout is fixed). A
  // wrong or missing number that the statistics cannot see (one normal number moved by
  // 1.5) differs from the twin's. Runs on the GPU, so it scales: the CPU is not needed.
  verification compare_with_device_twin(verification statistics, std::span<const float> got, cuda::stream_ref s) {
    if (!statistics.passed || gpu_runs_ == 0) return statistics;
    if (!device_twin_) {
      device_twin_.emplace(config_.generator, seed_, where::device, config_.dimensions);
      device_twin_->set_stream(s);
      device_twin_->set_ordering(generator_ordering::dynamic);
      device_twin_out_ = device_buffer<float>(n_, s);
    }
    for (; twin_runs_ < gpu_runs_; ++twin_runs_) {
      device_twin_->generate(config_.distribution, device_twin_out_.span(), config_.params);
    }
    cpu_twin_numbers_.assign(n_, 0.0f);
    copy_to_host_async(device_twin_out_, std::span<float>(cpu_twin_numbers_), s);
    synchronize(s);
    for (std::size_t i = 0; i < n_; ++i) {
      if (std::bit_cast<std::uint32_t>(got[i]) != std::bit_cast<std::uint32_t>(cpu_twin_numbers_[i])) {
        return {false,
                "number " + std::to_string(i) + " is " + format_significant(got[i]) +
                    ", a second generator of the same seed and ordering made " +
                    format_significant(cpu_twin_numbers_[i]),
                "statistical + repeatable"};
      }
    }
    return {true, statistics.detail + ", equal to a second generator's", "statistical + repeatable"};
  }

  generation_config config_;
  std::size_t n_ = 0;
  std::uint64_t seed_ = 0;
  device_buffer<float> out_;
  std::optional<generator> generator_;  // made in setup()
  std::vector<float> cpu_out_;          // the baseline's numbers
  bool statistical_only_ = false;       // use_scalable_check()
  std::optional<generator> cpu_twin_;   // cuRAND's CPU generator, made on first use
  std::vector<float> cpu_twin_numbers_;
  std::optional<generator> device_twin_;  // dynamic ordering: the second device generator
  device_buffer<float> device_twin_out_;
  std::size_t gpu_runs_ = 0, twin_runs_ = 0;
};

// [snippet:counter_based_case]
// The hand-written normal generator (counter_based.hpp). Its CPU reference is the same
// counter-based stream, made on all cores, and is also the CPU time the report shows.
// Every run makes the same numbers (number i depends on the seed and i only).
class counter_based_normal_case final : public bench_case {
 public:
  counter_based_normal_case(std::size_t n, const distribution_params& params, bool fast_log)
      : n_(n), params_(params), fast_log_(fast_log) {
    params_.validate(distribution_kind::normal);
    if (n_ == 0) throw usage_error(name() + " needs at least 1 number");
  }
  std::string name() const override { return "normal_" + version(); }
  case_parameters parameters() const override { return {"normal", version(), "float"}; }
  std::string size_label() const override { return std::to_string(n_) + " numbers"; }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override { return n_ * sizeof(float); }
  // The reference, the GPU's copy, Kolmogorov-Smirnov's sample and its sorted copy (n <= 2^40: no wrap).
  std::size_t host_bytes_needed() const override {
    return 2 * n_ * sizeof(float) + 2 * std::min<std::size_t>(n_, std::size_t{1} << 20) * sizeof(float);
  }
  work_amount work() const override {
    const double n = static_cast<double>(n_);
    return {.bytes_written = n * sizeof(float), .items = n};
  }
  // The reference: a Philox call per 4 numbers and double log, sqrt, sin, cos per 2, on all cores.
  double estimated_cpu_seconds() const override {
    return bench_case::estimated_cpu_seconds() + static_cast<double>(n_) / 1e8;
  }
  bool has_scalable_check() const override { return true; }
  void use_scalable_check() override { statistical_only_ = true; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    seed_ = seed;
    out_ = device_buffer<float>(n_, s);
    expected_.assign(n_, 0.0f);
  }
  void run_cpu() override { normal_counter_based_cpu(expected_, seed_, params_.mean, params_.sigma); }
  std::vector<output_region> outputs() override { return {output_of(out_.data(), n_)}; }
  void run_gpu(cuda::stream_ref s) override {
    normal_counter_based_async(out_.span(), seed_, params_.mean, params_.sigma, s, fast_log_);
  }

  verification verify(cuda::stream_ref s) override {
    std::vector<float> got(n_);
    copy_to_host_async(out_, std::span<float>(got), s);
    synchronize(s);
    verification result = check_normal(got, params_.mean, params_.sigma, false);
    result.check = "statistical";
    if (!result.passed || statistical_only_) return result;
    for (std::size_t i = 0; i < n_; ++i) {
      const double y = got[i], expected = expected_[i];
      // The quick bound first; the exact one (it recomputes the pair's radius) only where that fails.
      if (std::abs(y - expected) <= 1e-5 * std::max(1.0, std::abs(expected))) continue;
      const double tolerance = counter_based_tolerance(seed_, i, params_.sigma, expected);
      if (!(std::abs(y - expected) <= tolerance)) {  // NaN fails
        return {false,
                "number " + std::to_string(i) + " is " + format_significant(got[i]) + ", the CPU's stream has " +
                    format_significant(expected_[i]) + " (tolerance " + format_significant(tolerance) + ")",
                "vs CPU + statistical"};
      }
    }
    return {true, result.detail + ", equal to the CPU's stream within 1e-5", "vs CPU + statistical"};
  }

 private:
  std::string version() const { return fast_log_ ? "philox_counter_based_fast_log" : "philox_counter_based"; }

  std::size_t n_;
  distribution_params params_;
  bool fast_log_;
  std::uint64_t seed_ = 0;
  device_buffer<float> out_;
  std::vector<float> expected_;
  bool statistical_only_ = false;
};
// [/snippet:counter_based_case]

}  // namespace

std::unique_ptr<bench_case> make_generation_case(const generation_config& config) {
  return std::make_unique<generation_case>(config);
}

std::unique_ptr<bench_case> make_counter_based_normal_case(std::size_t n, const distribution_params& params,
                                                          bool fast_log) {
  return std::make_unique<counter_based_normal_case>(n, params, fast_log);
}

}  // namespace gpulab::random

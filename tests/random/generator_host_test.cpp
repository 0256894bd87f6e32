// SPDX-License-Identifier: MIT
// Module 4 on the host: names, parameter checks, sample moments, the CPU
// baselines and the module's option validation. No GPU needed.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <numbers>
#include <set>
#include <vector>

#include "gpulab/random/module.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/random/cases.hpp"
#include "gpulab/random/counter_based.hpp"
#include "gpulab/random/cpu_baseline.hpp"
#include "gpulab/random/device_api.hpp"
#include "gpulab/random/generator.hpp"
#include "gpulab/random/philox.hpp"
#include "gpulab/random/statistical_tests.hpp"

namespace {

namespace rnd = gpulab::random;
using gpulab::usage_error;

TEST(RandomNames, EveryGeneratorAndDistributionRoundTrips) {
  EXPECT_EQ(rnd::all_generator_kinds().size(), 7u);
  for (rnd::generator_kind g : rnd::all_generator_kinds()) {
    EXPECT_EQ(rnd::parse_generator(rnd::generator_name(g)), g);
  }
  for (rnd::distribution_kind d : rnd::all_distribution_kinds()) {
    EXPECT_EQ(rnd::parse_distribution(rnd::distribution_name(d)), d);
  }
  EXPECT_TRUE(rnd::is_quasi_random(rnd::generator_kind::sobol32));
  EXPECT_FALSE(rnd::is_quasi_random(rnd::generator_kind::philox));
  EXPECT_EQ(rnd::parse_device_generator("mrg32k3a"), rnd::device_generator::mrg32k3a);
}

TEST(RandomNames, UnknownNamesListTheKnownOnes) {
  try {
    rnd::parse_generator("ranlux");
    FAIL() << "no exception";
  } catch (const usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("unknown generator 'ranlux'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("philox"), std::string::npos);
  }
  EXPECT_THROW(rnd::parse_distribution("weibull"), usage_error);
  EXPECT_THROW(rnd::parse_device_generator("sobol32"), usage_error);
}

TEST(RandomParams, InvalidParametersAreUsageErrors) {
  rnd::distribution_params p;
  EXPECT_NO_THROW(p.validate(rnd::distribution_kind::normal));
  p.sigma = 0.0f;
  EXPECT_THROW(p.validate(rnd::distribution_kind::normal), usage_error);
  p.sigma = -1.0f;
  EXPECT_THROW(p.validate(rnd::distribution_kind::log_normal), usage_error);
  EXPECT_NO_THROW(p.validate(rnd::distribution_kind::uniform));  // sigma does not matter there
  p.sigma = 1.0f;
  p.mean = std::nanf("");
  EXPECT_THROW(p.validate(rnd::distribution_kind::normal), usage_error);
  p.mean = 0.0f;
  p.lambda = 0.0;
  EXPECT_THROW(p.validate(rnd::distribution_kind::poisson), usage_error);
  p.lambda = -3.0;
  EXPECT_THROW(p.validate(rnd::distribution_kind::poisson), usage_error);
  p.lambda = std::numeric_limits<double>::infinity();
  EXPECT_THROW(p.validate(rnd::distribution_kind::poisson), usage_error);
}

TEST(RandomParams, SobolDimensionsAreCheckedBeforeCuRandIsCalled) {
  // These throw before any generator exists, so they run without a GPU.
  EXPECT_THROW(rnd::generator(rnd::generator_kind::sobol32, 1, rnd::where::device, 0), usage_error);
  EXPECT_THROW(rnd::generator(rnd::generator_kind::sobol32, 1, rnd::where::device, 20001), usage_error);
  EXPECT_THROW(rnd::generator(rnd::generator_kind::philox, 1, rnd::where::device, 2), usage_error);
}

TEST(RandomDarts, CountsOfZeroOrBeyond2To40AreRefused) {
  EXPECT_THROW(rnd::require_dart_count(0), usage_error);
  EXPECT_NO_THROW(rnd::require_dart_count(1));
  EXPECT_NO_THROW(rnd::require_dart_count(rnd::max_darts_per_run));
  EXPECT_THROW(rnd::require_dart_count(rnd::max_darts_per_run + 1), usage_error);
  EXPECT_THROW(rnd::make_pi_case(rnd::pi_version::philox, 0), usage_error);
}

TEST(RandomStatistics, MomentsOfAKnownSample) {
  const std::vector<float> values = {1, 2, 3, 4, std::nanf(""), INFINITY};
  const auto m = rnd::moments(values);
  EXPECT_EQ(m.count, 6u);
  EXPECT_EQ(m.non_finite, 2u);
  EXPECT_DOUBLE_EQ(m.mean, 2.5);
  EXPECT_DOUBLE_EQ(m.variance, 5.0 / 3.0);  // sample variance (n - 1)
  EXPECT_DOUBLE_EQ(m.min, 1.0);
  EXPECT_DOUBLE_EQ(m.max, 4.0);
  const std::vector<unsigned> counts = {7, 9, 11};
  EXPECT_DOUBLE_EQ(rnd::moments(counts).mean, 9.0);
  const std::vector<float> positives = {1.0f, std::exp(2.0f), -1.0f};
  const auto logs = rnd::log_moments(positives);
  EXPECT_EQ(logs.non_finite, 1u);  // log of -1
  EXPECT_NEAR(logs.mean, 1.0, 1e-6);
}

TEST(RandomStatistics, ChiSquareOnTheClosedIntervalAcceptsOneAndRejectsZero) {
  std::vector<float> values(100000);
  gpulab::fill_uniform(values, 5, 0.0f, 1.0f);
  for (float& v : values) v = 1.0f - v;  // (0, 1]
  values[17] = 1.0f;
  EXPECT_GT(rnd::chi_square_uniform_0_1_closed(values, 100).p_value, 1e-4);
  values[18] = 0.0f;
  EXPECT_EQ(rnd::chi_square_uniform_0_1_closed(values, 100).p_value, 0.0);
  values[18] = 0.5f;
  for (std::size_t i = 0; i < values.size(); i += 10) values[i] = values[i] * values[i];  // skewed
  EXPECT_LT(rnd::chi_square_uniform_0_1_closed(values, 100).p_value, 1e-6);
}

TEST(RandomStatistics, VarianceToleranceShrinksWithTheSample) {
  EXPECT_NEAR(rnd::variance_tolerance(3.0, 1.0, 100), 5.0 * std::sqrt(2.0 / 100), 1e-12);
  EXPECT_LT(rnd::variance_tolerance(3.0, 1.0, 10000), rnd::variance_tolerance(3.0, 1.0, 100));
  EXPECT_THROW(rnd::variance_tolerance(3.0, 1.0, 0), usage_error);
}

TEST(RandomCpuBaseline, DistributionsHaveTheirMoments) {
  const std::size_t n = 1'000'003;
  std::vector<float> out(n);
  rnd::distribution_params p;
  p.mean = 1.5f;
  p.sigma = 0.5f;
  p.lambda = 4.0;
  rnd::cpu_generate(rnd::distribution_kind::uniform, p, out, 11);
  auto m = rnd::moments(out);
  EXPECT_NEAR(m.mean, 0.5, rnd::mean_tolerance(std::sqrt(1.0 / 12), n));
  rnd::cpu_generate(rnd::distribution_kind::normal, p, out, 11);
  m = rnd::moments(out);
  EXPECT_NEAR(m.mean, 1.5, rnd::mean_tolerance(0.5, n));
  EXPECT_NEAR(m.variance, 0.25, rnd::variance_tolerance(3 * 0.0625, 0.25, n));
  rnd::cpu_generate(rnd::distribution_kind::log_normal, p, out, 11);
  EXPECT_NEAR(rnd::log_moments(out).mean, 1.5, rnd::mean_tolerance(0.5, n));
  rnd::cpu_generate(rnd::distribution_kind::poisson, p, out, 11);
  std::vector<unsigned> counts(n);
  for (std::size_t i = 0; i < n; ++i) counts[i] = std::bit_cast<unsigned>(out[i]);
  const auto pm = rnd::moments(counts);
  EXPECT_NEAR(pm.mean, 4.0, rnd::mean_tolerance(2.0, n));
  EXPECT_NEAR(pm.variance, 4.0, rnd::variance_tolerance(4.0 * 13.0, 4.0, n));
  p.sigma = 0.0f;
  EXPECT_THROW(rnd::cpu_generate(rnd::distribution_kind::normal, p, out, 11), usage_error);
}

TEST(RandomCpuBaseline, PiIsWithinFiveStandardErrorsAndReproducible) {
  const std::uint64_t darts = 10'000'019;
  const std::uint64_t hits = rnd::cpu_count_hits(darts, 3);
  EXPECT_EQ(hits, rnd::cpu_count_hits(darts, 3));
  EXPECT_NE(hits, rnd::cpu_count_hits(darts, 4));
  EXPECT_NEAR(rnd::pi_estimate(hits, darts), std::numbers::pi, 5 * rnd::pi_standard_error(darts));
  EXPECT_EQ(rnd::cpu_count_hits(1, 3), rnd::cpu_count_hits(1, 3));
  EXPECT_NEAR(rnd::pi_standard_error(100), 4 * std::sqrt(std::numbers::pi / 4 * (1 - std::numbers::pi / 4) / 100),
              1e-12);
}

TEST(RandomModule, EveryEntryHasAnOddCheckSizeAndEveryCaseAScalableCheck) {
  const gpulab::training_module m = rnd::make_module();
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_EQ(e.check_size % 2, 1u) << e.name;
    gpulab::run_options o;
    o.size = e.check_size;
    for (const auto& c : e.make(o)) {
      EXPECT_TRUE(c->has_scalable_check()) << c->name();  // statistics, 5 sigma: no CPU needed
      const gpulab::work_amount w = c->work();
      EXPECT_EQ(w.items, static_cast<double>(e.check_size)) << c->name();
      if (c->parameters().operation != "pi") {
        EXPECT_EQ(w.bytes_written, 4.0 * static_cast<double>(e.check_size)) << c->name();  // each number once
        EXPECT_EQ(w.bytes_read, 0.0) << c->name();
        // baseline, GPU copy, CPU twin; the counter-based case's reference is its baseline too
        const std::size_t copies = c->name().find("counter_based") != std::string::npos ? 2 : 3;
        EXPECT_GE(c->host_bytes_needed(), copies * 4 * e.check_size) << c->name();
      }
    }
  }
  // 5 standard errors of the hits at the pi cases' check size are far below half of them.
  const double darts = 100'003, p = std::numbers::pi / 4;
  EXPECT_LT(5 * std::sqrt(darts * p * (1 - p)), 0.05 * darts * p / 2);
}

TEST(RandomModule, OptionsAreValidatedBeforeAnyGpuWork) {
  const gpulab::training_module m = rnd::make_module();
  ASSERT_TRUE(m.validate);
  gpulab::run_options ok;
  EXPECT_NO_THROW(m.validate(ok));
  auto with = [](const std::string& name, const std::string& value) {
    gpulab::run_options o;
    o.parameters[name] = value;
    return o;
  };
  EXPECT_NO_THROW(m.validate(with("generator", "philox,sobol32")));
  EXPECT_THROW(m.validate(with("generator", "philox,nope")), usage_error);
  EXPECT_THROW(m.validate(with("sigma", "0")), usage_error);
  EXPECT_THROW(m.validate(with("sigma", "-2")), usage_error);
  EXPECT_THROW(m.validate(with("sigma", "wide")), usage_error);
  EXPECT_THROW(m.validate(with("lambda", "0")), usage_error);
  EXPECT_THROW(m.validate(with("mean", "nan")), usage_error);
  EXPECT_THROW(m.validate(with("dimensions", "0")), usage_error);
  EXPECT_THROW(m.validate(with("dimensions", "20001")), usage_error);
  EXPECT_NO_THROW(m.validate(with("dimensions", "20000")));
  EXPECT_THROW(m.validate(with("dimensions", "1K")), usage_error);  // a whole number, not a size
  EXPECT_THROW(m.validate(with("lambda", "1e10")), usage_error);
  EXPECT_THROW(m.validate(with("generator", "")), usage_error);     // empty is not the default
  EXPECT_THROW(m.validate(with("generator", "philox,")), usage_error);
  // Every option is typed, and its default passes its own check.
  ASSERT_EQ(m.options.size(), 5u);
  for (const gpulab::module_option& o : m.options) {
    EXPECT_NE(o.kind, gpulab::option_kind::text) << o.name;
    EXPECT_EQ(o.problem(o.default_value), "") << o.name;
  }
  // The generator list is the library's: each name is accepted, the CLI shows "all" as the default.
  const gpulab::module_option& generator = m.options.front();
  EXPECT_EQ(generator.name, "generator");
  EXPECT_EQ(generator.choices.size(), rnd::all_generator_kinds().size());
  for (rnd::generator_kind g : rnd::all_generator_kinds()) EXPECT_EQ(generator.problem(rnd::generator_name(g)), "");
  try {
    m.validate(with("sigma", "0"));
    ADD_FAILURE() << "sigma 0 accepted";
  } catch (const usage_error& e) {
    EXPECT_EQ(std::string(e.what()), "--sigma: must be a finite number > 0 (got '0')");
  }
  gpulab::run_options huge;
  huge.size = (std::uint64_t{1} << 40) + 1;
  EXPECT_THROW(m.validate(huge), usage_error);
  gpulab::run_options long_study;
  long_study.size = std::uint64_t{10'000'000'000};
  long_study.selected = {"precision_study"};
  EXPECT_THROW(m.validate(long_study), usage_error);  // past the 32-bit Sobol sequence
  long_study.selected = {"pi_xorwow"};
  EXPECT_NO_THROW(m.validate(long_study));
  EXPECT_THROW(gpulab::validate_selection(m, {"weibull"}), usage_error);
  EXPECT_TRUE(gpulab::can_plot(m, {"precision_study"}));
  EXPECT_FALSE(gpulab::can_plot(m, {"uniform"}));
}

}  // namespace

namespace {

// Philox4x32-10 against the three published known answers (Random123, tests/kat_vectors:
// counter[4] key[2] -> result[4]). Any slip in a constant, a word order or the key
// schedule changes every word.
TEST(RandomPhilox, KnownAnswerVectors) {
  struct known_answer {
    rnd::philox_counter counter;
    rnd::philox_key key;
    rnd::philox_counter expected;
  };
  const known_answer vectors[] = {
      {{{0, 0, 0, 0}}, {{0, 0}}, {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       {{0xffffffffu, 0xffffffffu}},
       {{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       {{0xa4093822u, 0x299f31d0u}},
       {{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}}},
  };
  for (const known_answer& v : vectors) {
    const rnd::philox_counter got = rnd::philox4x32_10(v.counter, v.key);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(got.word[w], v.expected.word[w]) << "word " << w;
  }
}

TEST(RandomPhilox, UniformFloatsStayInsideTheOpenClosedInterval) {
  EXPECT_EQ(rnd::uniform_open_closed(0), 0x1p-33f);  // never 0: log(u) is finite
  EXPECT_EQ(rnd::uniform_open_closed(0xffffffffu), 1.0f);
  EXPECT_EQ(rnd::uniform_open_closed(0x80000000u), 0.5f + 0x1p-33f);
}

// The CPU's counter-based normal stream: normal statistics, reproducible, and number i
// independent of how many numbers were asked for (what lets any thread make any number).
TEST(RandomCounterBased, CpuStreamIsNormalAndIndependentOfTheCount) {
  const std::size_t n = 1'000'003;
  std::vector<float> out(n), prefix(1001), again(n), other(n);
  rnd::normal_counter_based_cpu(out, 42, 1.5f, 0.5f);
  const auto m = rnd::moments(out);
  EXPECT_EQ(m.non_finite, 0u);
  EXPECT_NEAR(m.mean, 1.5, rnd::mean_tolerance(0.5, n));
  EXPECT_NEAR(m.variance, 0.25, rnd::variance_tolerance(3 * 0.0625, 0.25, n));
  const rnd::test_result ks =
      rnd::kolmogorov_smirnov(out, [](double x) { return rnd::normal_cdf((x - 1.5) / 0.5); });
  EXPECT_GT(ks.p_value, 1e-6) << "D = " << ks.statistic;
  rnd::normal_counter_based_cpu(prefix, 42, 1.5f, 0.5f);
  for (std::size_t i = 0; i < prefix.size(); ++i) ASSERT_EQ(prefix[i], out[i]) << i;
  rnd::normal_counter_based_cpu(again, 42, 1.5f, 0.5f);
  EXPECT_EQ(again, out);
  rnd::normal_counter_based_cpu(other, 43, 1.5f, 0.5f);
  std::size_t same = 0;
  for (std::size_t i = 0; i < n; ++i) same += other[i] == out[i] ? 1 : 0;
  EXPECT_LT(same, 100u) << "seeds 42 and 43 give the same stream";
  std::vector<float> empty;
  EXPECT_NO_THROW(rnd::normal_counter_based_cpu(empty, 42, 0.0f, 1.0f));
  EXPECT_THROW(rnd::normal_counter_based_cpu(out, 42, 0.0f, 0.0f), usage_error);
  EXPECT_THROW(rnd::normal_counter_based_cpu(out, 42, std::nanf(""), 1.0f), usage_error);
}

// The tolerance follows the pair's radius: at least 1e-5 max(1, sigma), at most 1e-5 x max(|y|, 6.8 sigma).
TEST(RandomCounterBased, ToleranceIsTightAndScalesWithSigma) {
  for (std::uint64_t i : {0u, 1u, 2u, 3u, 1000u}) {
    const double t1 = rnd::counter_based_tolerance(5, i, 1.0f, 0.1);
    EXPECT_GE(t1, 1e-5);
    EXPECT_LE(t1, 1e-5 * 6.8);
    EXPECT_GE(rnd::counter_based_tolerance(5, i, 100.0f, 0.1), 100 * t1 * (1 - 1e-12));
  }
}

TEST(RandomModule, DynamicOrderingIsForDeviceGeneratorsOfThreeKinds) {
  // Refused before cuRAND is called, so these run without a GPU.
  rnd::generation_config config;
  config.ordering = rnd::generator_ordering::dynamic;
  auto c = rnd::make_generation_case(config);
  EXPECT_EQ(c->name(), "uniform_philox_dynamic_ordering");
  EXPECT_EQ(c->parameters().version, "philox_dynamic_ordering");
  EXPECT_EQ(c->device_bytes_needed(), 2 * 4 * config.n);  // its device twin's buffer too
  const gpulab::training_module m = rnd::make_module();
  std::set<std::string> names;
  for (const gpulab::case_entry& e : m.cases) names.insert(e.name);
  for (const char* expected :
       {"uniform_philox_dynamic_ordering", "normal_philox_dynamic_ordering", "normal_philox_counter_based",
        "normal_philox_counter_based_fast_log"}) {
    EXPECT_EQ(names.count(expected), 1u) << expected;
  }
  EXPECT_THROW(rnd::make_counter_based_normal_case(0, {}), usage_error);
  rnd::distribution_params bad;
  bad.sigma = -1.0f;
  EXPECT_THROW(rnd::make_counter_based_normal_case(10, bad), usage_error);
}

}  // namespace

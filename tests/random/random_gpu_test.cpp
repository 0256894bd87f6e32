// SPDX-License-Identifier: MIT
// Module 4 on the GPU: the host API against cuRAND's CPU generators, number by
// number; statistical checks that can fail; the device-API kernels against a
// per-thread count; every case through the runner. Fixed seeds: nothing flakes.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <numbers>
#include <optional>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/random/cases.hpp"
#include "gpulab/random/device_api.hpp"
#include "gpulab/random/generator.hpp"
#include "gpulab/random/statistical_tests.hpp"

// Test names and failure messages print these by name (gtest finds PrintTo by ADL).
namespace gpulab::random {
void PrintTo(generator_kind g, std::ostream* os) { *os << generator_name(g); }
void PrintTo(distribution_kind d, std::ostream* os) { *os << distribution_name(d); }
void PrintTo(device_generator g, std::ostream* os) { *os << device_generator_name(g); }
void PrintTo(pi_version v, std::ostream* os) { *os << pi_version_name(v); }
}  // namespace gpulab::random

namespace {

namespace rnd = gpulab::random;
using gpulab::device_buffer;
using gpulab::usage_error;

class RandomGpu : public GpuStreamTest {
 protected:

  template <class T>
  std::vector<T> to_host(const device_buffer<T>& d) {
    std::vector<T> h(d.size());
    gpulab::copy_to_host_async(d, std::span<T>(h), s);
    gpulab::synchronize(s);
    return h;
  }

  // n numbers of `d` from a device generator and from the same generator on the CPU.
  std::pair<std::vector<float>, std::vector<float>> both(rnd::generator_kind g, rnd::distribution_kind d,
                                                         std::size_t n, const rnd::distribution_params& p) {
    device_buffer<float> out(n, s);
    out.fill_bytes_async(0xFF, s);
    rnd::generator on_gpu(g, 1234);
    on_gpu.set_stream(s);
    on_gpu.generate(d, out.span(), p);
    std::vector<float> cpu(n, std::nanf(""));
    rnd::generator on_cpu(g, 1234, rnd::where::host);
    on_cpu.generate(d, {cpu.data(), cpu.size()}, p);
    return {to_host(out), cpu};
  }
};

// One generator, one distribution.
using generation_param = std::tuple<rnd::generator_kind, rnd::distribution_kind>;
class RandomGeneratorGpu : public RandomGpu, public ::testing::WithParamInterface<generation_param> {};

// [snippet:test_host_vs_device]
TEST_P(RandomGeneratorGpu, MatchesCuRandsCpuGeneratorNumberByNumber) {
  const auto [g, d] = GetParam();
  const std::size_t n = 1'000'003;  // odd: normal numbers come in pairs; the wrapper makes the last
  rnd::distribution_params p;
  p.mean = 0.5f;
  p.sigma = 2.0f;
  p.lambda = 7.5;
  const auto [gpu, cpu] = both(g, d, n, p);
  std::size_t differ = 0;
  double worst = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (d == rnd::distribution_kind::uniform || d == rnd::distribution_kind::poisson) {
      using bits = std::uint32_t;  // exact: compare the bits
      differ += std::bit_cast<bits>(gpu[i]) != std::bit_cast<bits>(cpu[i]);
    } else {  // log/exp/sincos on the two sides may differ in the last bits
      const double scale = std::max(1.0, static_cast<double>(std::abs(cpu[i])));
      const double diff = std::abs(static_cast<double>(gpu[i]) - cpu[i]) / scale;
      worst = std::isnan(diff) ? INFINITY : std::max(worst, diff);
    }
  }
  EXPECT_EQ(differ, 0u);
  EXPECT_LE(worst, 1e-5);
}
// [/snippet:test_host_vs_device]

TEST_P(RandomGeneratorGpu, GenerationCasePassesTheRunner) {
  const auto [g, d] = GetParam();
  const gpulab::run_options options = quick_run_options();
  gpulab::resources ctx = gpulab::make_resources(options, false);
  rnd::distribution_params p;
  p.lambda = 3.0;
  rnd::generation_config config{g, d, 1 << 20, p, rnd::is_quasi_random(g) ? 2u : 1u};
  auto c = rnd::make_generation_case(config);
  const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
  EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
  EXPECT_EQ(r.work.items, double(1 << 20));
  EXPECT_EQ(r.work.bytes_written, 4.0 * (1 << 20));
  // Number by number against cuRAND's CPU generator, which replayed the GPU's
  // runs (warm-up and repeats) call for call before the re-check.
  EXPECT_EQ(r.check, "vs CPU + statistical") << r.name;
}

INSTANTIATE_TEST_SUITE_P(Random, RandomGeneratorGpu,
                         ::testing::Combine(::testing::ValuesIn(rnd::all_generator_kinds()),
                                            ::testing::ValuesIn(rnd::all_distribution_kinds())),
                         [](const ::testing::TestParamInfo<generation_param>& param_info) {
                           const auto& g = std::get<0>(param_info.param);
                           const auto& d = std::get<1>(param_info.param);
                           return std::string(rnd::generator_name(g)) + "_" + rnd::distribution_name(d);
                         });

// One generator of the host API.
class RandomHostApiGpu : public RandomGpu, public ::testing::WithParamInterface<rnd::generator_kind> {};

TEST_P(RandomHostApiGpu, OffsetSkipsAheadExactly) {
  const rnd::generator_kind g = GetParam();
  const std::size_t n = 100'003;
  device_buffer<float> whole(2 * n, s), tail(n, s);
  rnd::generator a(g, 99), b(g, 99);
  a.set_stream(s);
  b.set_stream(s);
  a.uniform(whole.span());
  b.set_offset(n);
  b.uniform(tail.span());
  const auto w = to_host(whole), t = to_host(tail);
  EXPECT_TRUE(std::equal(t.begin(), t.end(), w.begin() + static_cast<std::ptrdiff_t>(n)));
}

INSTANTIATE_TEST_SUITE_P(Random, RandomHostApiGpu,
                         ::testing::Values(rnd::generator_kind::xorwow, rnd::generator_kind::philox,
                                           rnd::generator_kind::mrg32k3a, rnd::generator_kind::sobol32),
                         [](const ::testing::TestParamInfo<rnd::generator_kind>& param_info) {
                           return std::string(rnd::generator_name(param_info.param));
                         });

TEST_F(RandomGpu, Mtgp32RefusesAnOffset) {
  rnd::generator mt(rnd::generator_kind::mtgp32, 1);
  EXPECT_THROW(mt.set_offset(10), usage_error);
}

TEST_F(RandomGpu, SobolDimensionsShapeTheOutput) {
  rnd::generator three(rnd::generator_kind::sobol32, 0, rnd::where::device, 3);
  three.set_stream(s);
  device_buffer<float> seven(7, s), nine(9, s);
  EXPECT_THROW(three.uniform(seven.span()), usage_error);
  three.uniform(nine.span());
  // Dimension-major: three points of dimension 1, then of 2, then of 3. Every Sobol
  // dimension starts 0 (the smallest float cuRAND makes, 2^-33), then 1/2.
  const auto v = to_host(nine);
  for (std::size_t d = 0; d < 3; ++d) {
    EXPECT_LT(v[3 * d], 1e-9f) << d;
    EXPECT_EQ(v[3 * d + 1], 0.5f) << d;
  }
}

// The case's verification must be able to fail: poisoned (unwritten) output,
// and a distribution other than the one declared.
// One distribution.
class RandomDistributionGpu : public RandomGpu, public ::testing::WithParamInterface<rnd::distribution_kind> {};

TEST_P(RandomDistributionGpu, GenerationCaseVerificationCanFail) {
  rnd::generation_config config;
  config.n = 1'000'003;
  config.distribution = GetParam();
  auto c = rnd::make_generation_case(config);
  c->setup(7, s);
  gpulab::poison_outputs(*c, s);
  EXPECT_FALSE(c->verify(s).passed) << "poisoned output passed";
  c->run_gpu(s);
  EXPECT_TRUE(c->verify(s).passed) << c->verify(s).detail;
}

// One normal number moved by 1.5 is still a plausible normal number: the
// statistics cannot see it, cuRAND's CPU generator (the twin) can.
TEST_F(RandomGpu, OneWrongNormalNumberIsSeenByTheCpuTwinOnly) {
  rnd::generation_config config;
  config.n = 100'003;
  config.distribution = rnd::distribution_kind::normal;
  for (bool scalable : {false, true}) {
    auto c = rnd::make_generation_case(config);
    c->setup(7, s);
    if (scalable) c->use_scalable_check();
    for (int run = 0; run < 3; ++run) c->run_gpu(s);  // the twin follows run by run
    gpulab::synchronize(s);
    const gpulab::verification good = c->verify(s);
    EXPECT_TRUE(good.passed) << good.detail;
    EXPECT_EQ(good.check, scalable ? "statistical" : "vs CPU + statistical");
    const gpulab::output_region out = c->outputs().front();
    float x = 0;
    float* middle = static_cast<float*>(out.data) + out.elements / 2;
    // On the case's stream: a plain cudaMemcpy would not be ordered with it.
    GPULAB_CUDA_TRY(cudaMemcpyAsync(&x, middle, sizeof x, cudaMemcpyDeviceToHost, s.get()));
    gpulab::synchronize(s);
    x += 0.5f * std::max(std::abs(x), 1.0f) + 1.0f;
    GPULAB_CUDA_TRY(cudaMemcpyAsync(middle, &x, sizeof x, cudaMemcpyHostToDevice, s.get()));
    gpulab::synchronize(s);
    EXPECT_EQ(c->verify(s).passed, scalable) << (scalable ? "the statistics saw one number" : "the twin missed it");
  }
}

INSTANTIATE_TEST_SUITE_P(Random, RandomDistributionGpu, ::testing::ValuesIn(rnd::all_distribution_kinds()),
                         [](const ::testing::TestParamInfo<rnd::distribution_kind>& param_info) {
                           return std::string(rnd::distribution_name(param_info.param));
                         });

TEST_F(RandomGpu, VarianceBoundSeesSigmaOnePointOne) {
  // The variance bound the generation case uses is tight enough to see sigma 1.1 instead of 1.
  const std::size_t n = 1'000'003;
  rnd::generator g(rnd::generator_kind::philox, 7);
  g.set_stream(s);
  device_buffer<float> out(n, s);
  g.normal(out.span(), 0.0f, 1.1f);
  const auto m = rnd::moments(to_host(out));
  EXPECT_GT(std::abs(m.variance - 1.0), rnd::variance_tolerance(3.0, 1.0, n));
}

const auto all_device_generators = ::testing::Values(rnd::device_generator::xorwow, rnd::device_generator::philox,
                                                     rnd::device_generator::mrg32k3a);

// One device-API generator, one number of darts.
using darts_param = std::tuple<rnd::device_generator, std::uint64_t>;
class RandomDeviceApiDartsGpu : public RandomGpu, public ::testing::WithParamInterface<darts_param> {};

TEST_P(RandomDeviceApiDartsGpu, BlockReductionMatchesPerThreadCounts) {
  const auto [g, darts] = GetParam();
  const std::size_t threads = 4 * rnd::pi_block_size;
  rnd::device_states a(g, threads, s), b(g, threads, s);
  a.init_async(rnd::init_method::subsequence_per_thread, 42, s);
  b.init_async(rnd::init_method::subsequence_per_thread, 42, s);
  device_buffer<unsigned long long> hits(1, s);
  hits.fill_bytes_async(0, s);
  rnd::count_hits_async(a, darts, hits.data(), s);
  device_buffer<unsigned> per_thread(threads, s);
  per_thread.fill_bytes_async(0xFF, s);
  rnd::count_hits_per_thread_async(b, darts, per_thread.span(), s);
  const auto total = to_host(hits)[0];
  std::uint64_t sum = 0;
  for (unsigned h : to_host(per_thread)) sum += h;
  EXPECT_EQ(total, sum);
  EXPECT_LE(total, darts);
  if (darts > 1000) {
    EXPECT_NEAR(rnd::pi_estimate(total, darts), std::numbers::pi, 5 * rnd::pi_standard_error(darts));
  }
}

INSTANTIATE_TEST_SUITE_P(Random, RandomDeviceApiDartsGpu,
                         ::testing::Combine(all_device_generators,
                                            ::testing::Values(std::uint64_t{1}, std::uint64_t{1'000'003},
                                                              std::uint64_t{1} << 22)),
                         [](const ::testing::TestParamInfo<darts_param>& param_info) {
                           const auto& g = std::get<0>(param_info.param);
                           const auto& darts = std::get<1>(param_info.param);
                           return std::string(rnd::device_generator_name(g)) + "_" + std::to_string(darts) + "_darts";
                         });

TEST_F(RandomGpu, StatesContinueTheirStreamAcrossLaunches) {
  rnd::device_states states(rnd::device_generator::philox, rnd::pi_block_size, s);
  states.init_async(rnd::init_method::subsequence_per_thread, 5, s);
  device_buffer<std::uint64_t> first(rnd::pi_block_size, s), again(rnd::pi_block_size, s);
  rnd::first_numbers_async(states, first.span(), s);
  rnd::first_numbers_async(states, again.span(), s);
  EXPECT_EQ(to_host(first), to_host(again));  // reading does not advance the states
  device_buffer<unsigned long long> hits(1, s);
  hits.fill_bytes_async(0, s);
  rnd::count_hits_async(states, 10 * rnd::pi_block_size, hits.data(), s);
  rnd::first_numbers_async(states, again.span(), s);
  EXPECT_NE(to_host(first), to_host(again));  // throwing darts does
}

TEST_F(RandomGpu, HostApiDartsAreCountedExactly) {
  const std::uint64_t darts = 1'000'003;
  device_buffer<float> xy(2 * darts, s);
  rnd::generator g(rnd::generator_kind::philox, 8);
  g.set_stream(s);
  g.uniform(xy.span());
  device_buffer<unsigned long long> hits(1, s);
  hits.fill_bytes_async(0, s);
  rnd::count_hits_from_uniforms_async(xy.span(), darts, hits.data(), 7, s);
  const auto numbers = to_host(xy);
  // nvcc may fuse x * x + y * y into one FMA, which rounds once; count both ways.
  std::uint64_t expected = 0, with_fma = 0;
  for (std::uint64_t i = 0; i < darts; ++i) {
    const float x = numbers[i], y = numbers[darts + i];
    expected += x * x + y * y < 1.0f;
    with_fma += std::fma(x, x, y * y) < 1.0f;
  }
  const auto got = to_host(hits)[0];
  EXPECT_TRUE(got == expected || got == with_fma) << got << " vs " << expected << " / " << with_fma;
  EXPECT_THROW(rnd::count_hits_from_uniforms_async(xy.span(), darts + 1, hits.data(), 7, s), usage_error);
}

TEST_F(RandomGpu, SobolDartsConvergeFasterThanRandomOnes) {
  device_buffer<unsigned long long> hits(1, s);
  const std::uint64_t darts = std::uint64_t{1} << 20;
  hits.fill_bytes_async(0, s);
  rnd::count_hits_sobol_async(darts, 0x12345678u, 0x9abcdef0u, hits.data(), 16, s);
  const double error = std::abs(rnd::pi_estimate(to_host(hits)[0], darts) - std::numbers::pi);
  EXPECT_LT(error, 0.1 * rnd::pi_standard_error(darts));  // ten times better than a random estimate's error
  EXPECT_THROW(rnd::count_hits_sobol_async(std::uint64_t{1} << 33, 0, 0, hits.data(), 16, s), usage_error);
}

TEST_F(RandomGpu, PrecisionStudyShowsBothRates) {
  const rnd::precision_study study = rnd::run_precision_study(10'000'000, 6, 3, s);
  ASSERT_EQ(study.points.size(), 11u);  // 10^2 .. 10^7 in half decades
  EXPECT_EQ(study.points.front().darts, 100u);
  EXPECT_EQ(study.points.back().darts, 10'000'000u);
  EXPECT_TRUE(rnd::precision_study_holds(study)) << study.pseudo_slope << " " << study.quasi_slope << " "
                                                 << study.smooth_quasi_slope;
  EXPECT_LT(study.points.back().quasi_error, study.points.back().pseudo_error);
  EXPECT_LT(study.points.back().smooth_quasi_error, study.points.back().quasi_error);
  const gpulab::line_plot plot = rnd::precision_plot(study);
  EXPECT_EQ(plot.series.size(), 5u);
  EXPECT_TRUE(plot.log10_x && plot.log10_y);
  const std::string svg = gpulab::line_plot_svg(plot);  // --plot's figure, drawn from the measured study
  EXPECT_NE(svg.find(">relative error</text>"), std::string::npos);
}

// One version of the pi case.
class RandomPiGpu : public RandomGpu, public ::testing::WithParamInterface<rnd::pi_version> {};

TEST_P(RandomPiGpu, PiVersionPassesTheRunner) {
  const gpulab::run_options options = quick_run_options();
  gpulab::resources ctx = gpulab::make_resources(options, false);
  auto c = rnd::make_pi_case(GetParam(), (std::uint64_t{1} << 22) + 7);
  const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
  EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
  EXPECT_TRUE(r.cpu.has_value());
}

INSTANTIATE_TEST_SUITE_P(Random, RandomPiGpu,
                         ::testing::Values(rnd::pi_version::xorwow, rnd::pi_version::philox,
                                           rnd::pi_version::mrg32k3a, rnd::pi_version::host_api_bulk,
                                           rnd::pi_version::course_grid),
                         [](const ::testing::TestParamInfo<rnd::pi_version>& param_info) {
                           return std::string(rnd::pi_version_name(param_info.param));
                         });

// One device-API generator.
class RandomDeviceApiGpu : public RandomGpu, public ::testing::WithParamInterface<rnd::device_generator> {};

TEST_P(RandomDeviceApiGpu, ResidentThreadsFillTheDevice) {
  const auto info = gpulab::query_device(0);
  const std::size_t threads = rnd::resident_pi_threads(GetParam());
  EXPECT_EQ(threads % (static_cast<std::size_t>(info.multiprocessors) * rnd::pi_block_size), 0u);
  EXPECT_LE(threads, static_cast<std::size_t>(info.multiprocessors) * info.max_threads_per_multiprocessor);
}

INSTANTIATE_TEST_SUITE_P(Random, RandomDeviceApiGpu, all_device_generators,
                         [](const ::testing::TestParamInfo<rnd::device_generator>& param_info) {
                           return std::string(rnd::device_generator_name(param_info.param));
                         });

}  // namespace

namespace {

// The hand-written counter-based normal generator against the CPU's copy of its stream:
// odd counts (a last group of 1 to 3 numbers), an output 4 bytes off 16-byte alignment
// (the scalar path), and nothing written past the end.
using counter_param = std::tuple<std::size_t, std::size_t, bool>;  // count, offset in floats, fast log
class RandomCounterBasedGpu : public RandomGpu, public ::testing::WithParamInterface<counter_param> {};

TEST_P(RandomCounterBasedGpu, MatchesTheCpuStreamNumberByNumber) {
  const auto [n, offset, fast_log] = GetParam();
  const float mean = -0.75f, sigma = 2.5f;
  device_buffer<float> out(n + offset + 4, s);
  out.fill_bytes_async(0xFF, s);
  rnd::normal_counter_based_async({out.data() + offset, n}, 99, mean, sigma, s, fast_log);
  const std::vector<float> got = to_host(out);
  std::vector<float> cpu(n);
  rnd::normal_counter_based_cpu(cpu, 99, mean, sigma);
  for (std::size_t i = 0; i < n; ++i) {
    const double tolerance = rnd::counter_based_tolerance(99, i, sigma, cpu[i]);
    ASSERT_NEAR(got[offset + i], cpu[i], tolerance) << "number " << i;
  }
  for (std::size_t i = 0; i < offset; ++i) EXPECT_TRUE(std::isnan(got[i])) << "wrote before the output";
  for (std::size_t i = offset + n; i < got.size(); ++i) EXPECT_TRUE(std::isnan(got[i])) << "wrote past the output";
}

INSTANTIATE_TEST_SUITE_P(Random, RandomCounterBasedGpu,
                         ::testing::Combine(::testing::Values(std::size_t{1}, std::size_t{2}, std::size_t{3},
                                                              std::size_t{5}, std::size_t{2047}, std::size_t{100'003},
                                                              std::size_t{1'000'001}),
                                            ::testing::Values(std::size_t{0}, std::size_t{1}), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<counter_param>& param_info) {
                           return "n" + std::to_string(std::get<0>(param_info.param)) + "_offset" +
                                  std::to_string(std::get<1>(param_info.param)) +
                                  (std::get<2>(param_info.param) ? "_fast_log" : "_logf");
                         });

TEST_F(RandomGpu, CounterBasedCasePassesTheRunnerAndSeesOneWrongNumber) {
  const gpulab::run_options options = quick_run_options();
  gpulab::resources ctx = gpulab::make_resources(options, false);
  rnd::distribution_params p;
  p.mean = 1.5f;
  p.sigma = 0.5f;
  for (bool fast_log : {false, true}) {
    auto c = rnd::make_counter_based_normal_case((1 << 20) + 3, p, fast_log);
    const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
    EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
    EXPECT_EQ(r.check, "vs CPU + statistical");
  }
  // One number moved by 1.5: the statistics cannot see it, the CPU's stream does.
  auto one = rnd::make_counter_based_normal_case(100'003, p);
  one->setup(7, s);
  one->run_cpu();
  one->run_gpu(s);
  gpulab::synchronize(s);
  EXPECT_TRUE(one->verify(s).passed);
  const gpulab::output_region out = one->outputs().front();
  float x = 0;
  float* middle = static_cast<float*>(out.data) + out.elements / 2;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&x, middle, sizeof x, cudaMemcpyDeviceToHost, s.get()));
  gpulab::synchronize(s);
  x += 1.5f;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(middle, &x, sizeof x, cudaMemcpyHostToDevice, s.get()));
  gpulab::synchronize(s);
  EXPECT_FALSE(one->verify(s).passed);
}

// Host API with CURAND_ORDERING_PSEUDO_DYNAMIC: statistics plus a second generator of the
// same seed and ordering, replayed call for call; one wrong number fails.
class RandomDynamicOrderingGpu : public RandomGpu, public ::testing::WithParamInterface<rnd::distribution_kind> {};

TEST_P(RandomDynamicOrderingGpu, CasePassesTheRunnerAndSeesOneWrongNumber) {
  const gpulab::run_options options = quick_run_options();
  gpulab::resources ctx = gpulab::make_resources(options, false);
  rnd::generation_config config;
  config.distribution = GetParam();
  config.n = 1'000'003;
  config.ordering = rnd::generator_ordering::dynamic;
  auto c = rnd::make_generation_case(config);
  const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
  EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
  EXPECT_EQ(r.check, "statistical + repeatable");

  config.n = 100'003;
  auto one = rnd::make_generation_case(config);
  one->setup(7, s);
  for (int run = 0; run < 3; ++run) one->run_gpu(s);  // the twin replays all three
  gpulab::synchronize(s);
  const gpulab::verification good = one->verify(s);
  EXPECT_TRUE(good.passed) << good.detail;
  const gpulab::output_region out = one->outputs().front();
  float x = 0;
  float* middle = static_cast<float*>(out.data) + out.elements / 2;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&x, middle, sizeof x, cudaMemcpyDeviceToHost, s.get()));
  gpulab::synchronize(s);
  x = config.distribution == rnd::distribution_kind::uniform ? x * 0.5f : x + 1.5f;  // both still plausible
  GPULAB_CUDA_TRY(cudaMemcpyAsync(middle, &x, sizeof x, cudaMemcpyHostToDevice, s.get()));
  gpulab::synchronize(s);
  EXPECT_FALSE(one->verify(s).passed);
}

INSTANTIATE_TEST_SUITE_P(Random, RandomDynamicOrderingGpu,
                         ::testing::Values(rnd::distribution_kind::uniform, rnd::distribution_kind::normal),
                         [](const ::testing::TestParamInfo<rnd::distribution_kind>& param_info) {
                           return std::string(rnd::distribution_name(param_info.param));
                         });

TEST_F(RandomGpu, DynamicOrderingIsRefusedWhereCuRandHasNone) {
  rnd::generator host(rnd::generator_kind::philox, 1, rnd::where::host);
  EXPECT_THROW(host.set_ordering(rnd::generator_ordering::dynamic), usage_error);
  rnd::generator sobol(rnd::generator_kind::sobol32, 1);
  EXPECT_THROW(sobol.set_ordering(rnd::generator_ordering::dynamic), usage_error);
}

}  // namespace

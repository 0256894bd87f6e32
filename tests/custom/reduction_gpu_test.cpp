// SPDX-License-Identifier: MIT
// Module 5's reductions on the GPU: every version, sum and dot, at odd sizes
// (1, 31, 127, 1000003), from a misaligned start, with large values in the
// n % 4 tail (a version that drops the tail fails), against a double sum; and
// every case through the runner.
#include <gtest/gtest.h>

#include <cmath>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/custom/module.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/cpu_reference.hpp"

// Test names and failure messages print it by name (gtest finds PrintTo by ADL).
namespace gpulab::custom {
void PrintTo(reduce_version v, std::ostream* os) { *os << reduce_version_name(v); }
}  // namespace gpulab::custom

namespace {

namespace km = gpulab::custom;

class ReductionGpu : public GpuStreamTest {};

// One version at one size, from an aligned or a misaligned start.
using reduce_param = std::tuple<km::reduce_version, std::size_t, bool>;

class ReductionVersionGpu : public GpuStreamTest, public ::testing::WithParamInterface<reduce_param> {};

TEST_P(ReductionVersionGpu, SumsAndDotsOddSizesExactlyEnough) {
  const auto [v, n, misaligned] = GetParam();
  std::vector<float> x(n + 1), y(n + 1);
  gpulab::fill_uniform(x, 7 + n, -1.0f, 1.0f);
  gpulab::fill_uniform(y, 8 + n, -1.0f, 1.0f);
  for (std::size_t t = n - n % 4; t < n; ++t) x[t + 1] = 1000.0f;  // the tail matters (x starts at +1 below)
  gpulab::device_buffer<float> dx(n + 1, s), dy(n + 1, s);
  gpulab::copy_to_device_async(std::span<const float>(x), dx, s);
  gpulab::copy_to_device_async(std::span<const float>(y), dy, s);
  km::reduction_workspace work(n, s);
  const std::size_t offset = misaligned ? 1 : 0;  // 4 bytes off: float4 loads are impossible there
  const std::span<const float> hx(x.data() + offset, n), hy(y.data() + offset, n);
  const cuda::std::span<const float> vx(dx.data() + offset, n), vy(dy.data() + offset, n);
  const double sum = km::sum_cpu(hx), dot = km::dot_cpu(hx, hy);
  // Tolerance: 1e-5 of sum |terms|. On mean-zero data a float running total stays near
  // sqrt(n), so even one sequential sum errs by about sqrt(n) * 2^-24 * sqrt(n) (1e-7 of the
  // magnitudes at n = 10^6): a margin of 100x, while one dropped tail element (1000) fails.
  const double sum_bound = 1e-5 * km::sum_of_magnitudes(hx);
  const double dot_bound = 1e-5 * km::dot_of_magnitudes(hx, hy);
  km::reduce_async(v, vx, {}, work, s);
  EXPECT_NEAR(km::read_result(work, s), sum, sum_bound) << "sum";
  km::reduce_async(v, vx, vy, work, s);
  EXPECT_NEAR(km::read_result(work, s), dot, dot_bound) << "dot";
}

INSTANTIATE_TEST_SUITE_P(Reduction, ReductionVersionGpu,
                         ::testing::Combine(::testing::ValuesIn(km::all_reduce_versions()),
                                            ::testing::Values(std::size_t{1}, std::size_t{31}, std::size_t{127},
                                                              std::size_t{1000003}),
                                            ::testing::Bool()),
                         [](const ::testing::TestParamInfo<reduce_param>& param_info) {
                           const auto& v = std::get<0>(param_info.param);
                           const auto& n = std::get<1>(param_info.param);
                           const auto& misaligned = std::get<2>(param_info.param);
                           return std::string(km::reduce_version_name(v)) + "_n" + std::to_string(n) +
                                  (misaligned ? "_misaligned" : "_aligned");
                         });

TEST_F(ReductionGpu, RefusesMismatchedInputs) {
  km::reduction_workspace work(100, s);
  gpulab::device_buffer<float> a(100, s), b(99, s), big(101, s);
  EXPECT_THROW(km::reduce_async(km::reduce_version::cub, a.span(), b.span(), work, s), gpulab::usage_error);
  EXPECT_THROW(km::reduce_async(km::reduce_version::warp_shuffle, big.span(), {}, work, s), gpulab::usage_error);
}

TEST_F(ReductionGpu, EveryCasePassesTheRunner) {
  const gpulab::training_module m = km::make_module();
  const gpulab::run_options options = quick_run_options(1000003);
  gpulab::resources ctx = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& entry : m.cases) {
    if (entry.name.rfind("sum_", 0) != 0 && entry.name.rfind("dot_", 0) != 0) continue;  // the reductions only
    for (auto& c : entry.make(options)) {
      const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
      EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
    }
  }
}

}  // namespace

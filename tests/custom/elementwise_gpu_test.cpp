// SPDX-License-Identifier: MIT
// Module 5's elementwise kernels on the GPU: every operation in every version,
// at odd sizes and from a misaligned start, on poisoned outputs, through the
// runner (which compares every element with the CPU reference); bad arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/custom/module.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/cases.hpp"

// Test names and failure messages print it by name (gtest finds PrintTo by ADL).
namespace gpulab::custom {
void PrintTo(map_version v, std::ostream* os) { *os << map_version_name(v); }
}  // namespace gpulab::custom

namespace {

namespace km = gpulab::custom;

class ElementwiseGpu : public GpuStreamTest {};

// Every elementwise case at one size.
class ElementwiseSizeGpu : public GpuStreamTest, public ::testing::WithParamInterface<std::uint64_t> {};

TEST_P(ElementwiseSizeGpu, EveryCasePassesTheRunner) {
  const std::uint64_t n = GetParam();
  const gpulab::training_module m = km::make_module();
  const gpulab::run_options options = quick_run_options(n);
  gpulab::resources ctx = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& entry : m.cases) {
    // Reductions, the matrix cases and the fractals have tests of their own.
    if (entry.name.rfind("sum_", 0) == 0 || entry.name.rfind("dot_", 0) == 0 ||
        entry.name.find("sums_") != std::string::npos || entry.name.rfind("transpose_", 0) == 0 ||
        entry.name.rfind("julia_", 0) == 0) {
      continue;
    }
    for (auto& c : entry.make(options)) {
      const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
      EXPECT_TRUE(r.verified) << r.name << " n = " << n << ": " << r.verify_detail;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Elementwise, ElementwiseSizeGpu, ::testing::Values(1u, 31u, 127u, 1000003u),
                         [](const ::testing::TestParamInfo<std::uint64_t>& param_info) {
                           return "n" + std::to_string(param_info.param);
                         });

// One version from a start 0 or 1 float past 16-byte alignment.
using map_param = std::tuple<km::map_version, std::size_t>;

class ElementwiseVersionGpu : public GpuStreamTest, public ::testing::WithParamInterface<map_param> {};

TEST_P(ElementwiseVersionGpu, MisalignedStartAndTailAreMapped) {
  const auto [v, offset] = GetParam();
  const std::size_t n = 1001;  // a start 4 bytes past 16-byte alignment, and a tail of 1
  std::vector<float> x(n + 1), y(n + 1);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.001f * static_cast<float>(i), y[i] = 1.0f;
  gpulab::device_buffer<float> dx(n + 1, s), dy(n + 1, s), out(n + 1, s);
  gpulab::copy_to_device_async(std::span<const float>(x), dx, s);
  gpulab::copy_to_device_async(std::span<const float>(y), dy, s);
  out.fill_bytes_async(0xFF, s);
  km::map_async(km::elementwise_op::saxpy, v, {}, {dx.data() + offset, n}, {dy.data() + offset, n},
                {out.data() + offset, n}, s);
  std::vector<float> got(n + 1);
  gpulab::copy_to_host_async(out, std::span<float>(got), s);
  gpulab::synchronize(s);
  for (std::size_t i = offset; i < offset + n; ++i) {
    ASSERT_NEAR(got[i], 0.31f * x[i] + 1.0f, 1e-6f) << "i " << i;
  }
  if (offset == 1) {
    EXPECT_TRUE(std::isnan(got[0])) << "element before the span written";
  } else {
    EXPECT_TRUE(std::isnan(got[n])) << "element after the span written";
  }
}

INSTANTIATE_TEST_SUITE_P(Elementwise, ElementwiseVersionGpu,
                         ::testing::Combine(::testing::ValuesIn(km::all_map_versions()),
                                            ::testing::Values(std::size_t{0}, std::size_t{1})),
                         [](const ::testing::TestParamInfo<map_param>& param_info) {
                           const auto& v = std::get<0>(param_info.param);
                           const auto& offset = std::get<1>(param_info.param);
                           return std::string(km::map_version_name(v)) + "_offset" + std::to_string(offset);
                         });

TEST_F(ElementwiseGpu, BadArgumentsAreRefused) {
  gpulab::device_buffer<float> a(10, s), b(9, s);
  EXPECT_THROW(km::map_async(km::elementwise_op::saxpy, km::map_version::grid_stride, {}, a.span(), b.span(), a.span(), s),
               gpulab::usage_error);
  EXPECT_THROW(km::map_async(km::elementwise_op::times_two, km::map_version::vectorized, {}, a.span(), {}, b.span(), s),
               gpulab::usage_error);
  km::elementwise_params p;
  p.sigma = 0;
  EXPECT_THROW(km::map_async(km::elementwise_op::gaussian, km::map_version::vectorized, p, a.span(), {}, a.span(), s),
               gpulab::usage_error);
  const std::vector<float> too_many(17, 1.0f);
  EXPECT_THROW(km::upload_polynomial_coefficients(too_many, s), gpulab::usage_error);
}

}  // namespace

// SPDX-License-Identifier: MIT
// Module 5's elementwise kernels on the GPU: every operation in every version,
// at odd sizes and from a misaligned start, on poisoned outputs, through the
// runner (which compares every element with the CPU reference); bad arguments.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/kernels/cases.hpp"

namespace {

namespace km = gpulab::kernels_module;

class ElementwiseGpu : public GpuStreamTest {};

TEST_F(ElementwiseGpu, EveryCasePassesTheRunnerAtOddSizes) {
  const gpulab::training_module m = km::make_module();
  for (std::uint64_t n : {1u, 31u, 127u, 1000003u}) {
    const gpulab::run_options options = quick_run_options(n);
    gpulab::run_context ctx = gpulab::make_run_context(options, false);
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
}

TEST_F(ElementwiseGpu, MisalignedStartAndTailAreMapped) {
  const std::size_t n = 1001;  // a start 4 bytes past 16-byte alignment, and a tail of 1
  std::vector<float> x(n + 1), y(n + 1);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.001f * static_cast<float>(i), y[i] = 1.0f;
  gpulab::device_buffer<float> dx(n + 1, s), dy(n + 1, s), out(n + 1, s);
  gpulab::copy_to_device_async(std::span<const float>(x), dx, s);
  gpulab::copy_to_device_async(std::span<const float>(y), dy, s);
  for (km::map_version v : km::all_map_versions()) {
    for (std::size_t offset : {0u, 1u}) {
      out.fill_bytes_async(0xFF, s);
      km::map_async(km::elementwise_op::saxpy, v, {}, {dx.data() + offset, n}, {dy.data() + offset, n},
                    {out.data() + offset, n}, s);
      std::vector<float> got(n + 1);
      gpulab::copy_to_host_async(out, std::span<float>(got), s);
      gpulab::synchronize(s);
      for (std::size_t i = offset; i < offset + n; ++i) {
        ASSERT_NEAR(got[i], 0.31f * x[i] + 1.0f, 1e-6f) << km::map_version_name(v) << " offset " << offset << " i " << i;
      }
      if (offset == 1) {
        EXPECT_TRUE(std::isnan(got[0])) << "element before the span written";
      } else {
        EXPECT_TRUE(std::isnan(got[n])) << "element after the span written";
      }
    }
  }
}

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

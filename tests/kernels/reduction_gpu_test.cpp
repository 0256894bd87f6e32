// SPDX-License-Identifier: MIT
// Module 5's reductions on the GPU: every version, sum and dot, at odd sizes
// (1, 31, 127, 1000003), from a misaligned start, with large values in the
// n % 4 tail (a version that drops the tail fails), against a double sum; and
// every case through the runner.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/kernels/cases.hpp"
#include "gpulab/kernels/cpu_reference.hpp"

namespace {

namespace km = gpulab::kernels_module;

class ReductionGpu : public GpuStreamTest {};

TEST_F(ReductionGpu, EveryVersionSumsAndDotsOddSizesExactlyEnough) {
  for (std::size_t n : {std::size_t{1}, std::size_t{31}, std::size_t{127}, std::size_t{1000003}}) {
    std::vector<float> x(n + 1), y(n + 1);
    gpulab::fill_uniform(x, 7 + n, -1.0f, 1.0f);
    gpulab::fill_uniform(y, 8 + n, -1.0f, 1.0f);
    for (std::size_t t = n - n % 4; t < n; ++t) x[t + 1] = 1000.0f;  // the tail matters (x starts at +1 below)
    gpulab::device_buffer<float> dx(n + 1, s), dy(n + 1, s);
    gpulab::copy_to_device_async(std::span<const float>(x), dx, s);
    gpulab::copy_to_device_async(std::span<const float>(y), dy, s);
    km::reduction_workspace work(n, s);
    for (const bool misaligned : {false, true}) {
      const std::size_t offset = misaligned ? 1 : 0;  // 4 bytes off: float4 loads are impossible there
      const std::span<const float> hx(x.data() + offset, n), hy(y.data() + offset, n);
      const cuda::std::span<const float> vx(dx.data() + offset, n), vy(dy.data() + offset, n);
      const double sum = km::sum_cpu(hx), dot = km::dot_cpu(hx, hy);
      // Tolerance: 1e-5 of sum |terms|. On mean-zero data a float running total stays near
      // sqrt(n), so even one sequential sum errs by about sqrt(n) * 2^-24 * sqrt(n) (1e-7 of the
      // magnitudes at n = 10^6): a margin of 100x, while one dropped tail element (1000) fails.
      const double sum_bound = 1e-5 * km::sum_of_magnitudes(hx);
      const double dot_bound = 1e-5 * km::dot_of_magnitudes(hx, hy);
      for (km::reduce_version v : km::all_reduce_versions()) {
        SCOPED_TRACE(std::string(km::reduce_version_name(v)) + " n = " + std::to_string(n) +
                     (misaligned ? " misaligned" : ""));
        km::reduce_async(v, vx, {}, work, s);
        EXPECT_NEAR(km::read_result(work, s), sum, sum_bound);
        km::reduce_async(v, vx, vy, work, s);
        EXPECT_NEAR(km::read_result(work, s), dot, dot_bound);
      }
    }
  }
}

TEST_F(ReductionGpu, RefusesMismatchedInputs) {
  km::reduction_workspace work(100, s);
  gpulab::device_buffer<float> a(100, s), b(99, s), big(101, s);
  EXPECT_THROW(km::reduce_async(km::reduce_version::cub, a.span(), b.span(), work, s), gpulab::usage_error);
  EXPECT_THROW(km::reduce_async(km::reduce_version::warp_shuffle, big.span(), {}, work, s), gpulab::usage_error);
}

TEST_F(ReductionGpu, EveryCasePassesTheRunner) {
  const gpulab::training_module m = km::make_module();
  const gpulab::run_options options = quick_run_options(1000003);
  gpulab::run_context ctx = gpulab::make_run_context(options, false);
  for (const gpulab::case_entry& entry : m.cases) {
    if (entry.name.rfind("sum_", 0) != 0 && entry.name.rfind("dot_", 0) != 0) continue;  // the reductions only
    for (auto& c : entry.make(options)) {
      const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
      EXPECT_TRUE(r.verified) << r.name << ": " << r.verify_detail;
    }
  }
}

}  // namespace

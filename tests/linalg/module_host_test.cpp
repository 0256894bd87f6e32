// SPDX-License-Identifier: MIT
// Module 3 without a GPU: BF16 rounding, the GEMM error bounds, the module's
// option checks and the cases' argument checks (all before any GPU work).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "gpulab/linalg/module.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/cases.hpp"

namespace {

namespace la = gpulab::linalg;

TEST(Bf16, RoundsToNearestEvenAndKeepsSpecialValues) {
  EXPECT_EQ(la::to_float(la::to_bf16(1.0f)), 1.0f);
  EXPECT_EQ(la::to_float(la::to_bf16(-2.5f)), -2.5f);
  // 1 + 2^-8 lies halfway between 1 and 1 + 2^-7: ties go to the even one (1).
  EXPECT_EQ(la::to_float(la::to_bf16(1.0f + std::ldexp(1.0f, -8))), 1.0f);
  // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 and 1 + 2^-6: even is 1 + 2^-6.
  EXPECT_EQ(la::to_float(la::to_bf16(1.0f + 3 * std::ldexp(1.0f, -8))), 1.0f + std::ldexp(1.0f, -6));
  // Just above halfway rounds up.
  EXPECT_EQ(la::to_float(la::to_bf16(1.0f + std::ldexp(1.0f, -8) + std::ldexp(1.0f, -20))),
            1.0f + std::ldexp(1.0f, -7));
  EXPECT_TRUE(std::isnan(la::to_float(la::to_bf16(std::numeric_limits<float>::quiet_NaN()))));
  EXPECT_TRUE(std::isinf(la::to_float(la::to_bf16(std::numeric_limits<float>::infinity()))));
  // Relative rounding error of any normal float is at most 2^-8.
  for (float v : {0.1f, 3.14159f, -123.456f, 1e-20f, 6.5e4f}) {
    EXPECT_LE(std::abs(la::to_float(la::to_bf16(v)) - v), std::ldexp(std::abs(v), -8)) << v;
  }
}

TEST(GemmErrorBound, GrowsWithKAndShrinksWithPrecision) {
  for (int k : {1, 2000, 8192}) {
    const double fp64 = la::gemm_error_bound(la::gemm_precision::fp64, k);
    const double fp32 = la::gemm_error_bound(la::gemm_precision::fp32, k);
    const double tf32 = la::gemm_error_bound(la::gemm_precision::tf32, k);
    const double bf16 = la::gemm_error_bound(la::gemm_precision::bf16, k);
    EXPECT_LT(fp64, fp32);
    EXPECT_LT(fp32, tf32);
    EXPECT_LT(tf32, bf16);
  }
  EXPECT_LT(la::gemm_error_bound(la::gemm_precision::fp64, 100), la::gemm_error_bound(la::gemm_precision::fp64, 101));
  // FP64 inputs are exact: only the sums' gamma_k = k u / (1 - k u) remains.
  const double u = std::ldexp(1.0, -53);
  EXPECT_DOUBLE_EQ(la::gemm_error_bound(la::gemm_precision::fp64, 8192), 8192 * u / (1 - 8192 * u));
}

TEST(GemmErrorBound, FreivaldsAllowsTheSumsOnlySoItIsFarTighter) {
  for (auto p : {la::gemm_precision::fp64, la::gemm_precision::fp32, la::gemm_precision::tf32,
                 la::gemm_precision::bf16}) {
    EXPECT_LE(la::gemm_sum_error_bound(p, 131), la::gemm_error_bound(p, 131));
  }
  // BF16 inputs: 2^-7 of input rounding against 131 sums of 2^-23 (tensor cores may truncate).
  EXPECT_LT(la::gemm_sum_error_bound(la::gemm_precision::bf16, 131),
            la::gemm_error_bound(la::gemm_precision::bf16, 131) / 100);
  EXPECT_DOUBLE_EQ(la::gemm_sum_error_bound(la::gemm_precision::tf32, 131),
                   la::gemm_sum_error_bound(la::gemm_precision::bf16, 131));
}

gpulab::run_options with(std::optional<std::uint64_t> size, const std::string& power = "") {
  gpulab::run_options o;
  o.size = size;
  if (!power.empty()) o.parameters["power"] = power;
  return o;
}

TEST(LinalgModule, ValidatesSizesAndPowerBeforeAnyGpuWork) {
  const gpulab::training_module m = la::make_module();
  EXPECT_NO_THROW(m.validate(with(std::nullopt)));
  EXPECT_NO_THROW(m.validate(with(1)));
  EXPECT_NO_THROW(m.validate(with(46340, "0")));
  auto gemm_only = with(131072);
  gemm_only.selected = {"dgemm", "bf16_gemm"};
  EXPECT_NO_THROW(m.validate(gemm_only));
  EXPECT_THROW(m.validate(with(131072)), gpulab::usage_error);  // all cases: the solvers stop at 46340
  EXPECT_THROW(m.validate(with(131073)), gpulab::usage_error);
  EXPECT_THROW(la::make_module().cases.back().make(with(46341)), gpulab::usage_error);  // a solver: 46340 at most
  EXPECT_THROW(m.validate(with(0)), gpulab::usage_error);
  EXPECT_THROW(m.validate(with(std::nullopt, "-1")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with(std::nullopt, "2.5")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with(std::nullopt, "1000001")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with(std::nullopt, "0x10")), gpulab::usage_error);  // decimal only
  EXPECT_NO_THROW(m.validate(with(std::nullopt, "1000000")));
  // --power is typed: an integer in 0..10^6 with the course's default, one message for every bad value.
  ASSERT_EQ(m.options.size(), 1u);
  EXPECT_EQ(m.options[0].kind, gpulab::option_kind::integer);
  EXPECT_EQ(m.options[0].default_value, "10");
  EXPECT_EQ(m.options[0].type_name(), "INT in 0..1000000");
  try {
    m.validate(with(std::nullopt, "ten"));
    ADD_FAILURE() << "ten accepted";
  } catch (const gpulab::usage_error& e) {
    EXPECT_EQ(std::string(e.what()), "--power: must be a whole number in 0..1000000 (got 'ten')");
  }
  // Every case entry builds its cases (no GPU needed to construct them).
  for (const gpulab::case_entry& e : m.cases) {
    const auto cases = e.make(with(31));
    ASSERT_FALSE(cases.empty()) << e.name;
    EXPECT_EQ(cases.front()->size_label().rfind("31 x 31", 0), 0u) << e.name;
  }
  // The default GEMM sweep: the 2000 and 8192.
  EXPECT_EQ(m.cases.front().make(with(std::nullopt)).size(), 2u);
}

TEST(LinalgModule, EveryEntryHasAnOddCheckSizeAndEveryCaseItsFieldsAndAScalableCheck) {
  const gpulab::training_module m = la::make_module();
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_EQ(e.check_size % 2, 1u) << e.name;
    for (const auto& c : e.make(with(e.check_size))) {
      const gpulab::case_parameters p = c->parameters();
      EXPECT_FALSE(p.operation.empty() || p.version.empty() || p.element_type.empty()) << c->name();
      EXPECT_TRUE(c->has_scalable_check()) << c->name();  // at p = 10 <= n for matrix_power
      EXPECT_GT(c->host_bytes_needed(), 0u) << c->name();
      EXPECT_LT(c->estimated_cpu_seconds(), 1.0) << c->name() << " at its check size";
    }
  }
  const auto svd = la::make_solver_case(la::solver_case_kind::svd, 5, la::svd_algorithm::jacobi);
  EXPECT_EQ(svd->parameters().operation, "svd");
  EXPECT_EQ(svd->parameters().version, "gesvdj");
  // Freivalds' test for A^p costs p n^2: offered while p <= n only.
  EXPECT_FALSE(la::make_matrix_power_case(31, 32)->has_scalable_check());
  // DGEMM at 8192 is past the CPU budget (10 s); at 2000 it is not.
  EXPECT_GT(la::make_gemm_case(la::gemm_precision::fp64, 8192)->estimated_cpu_seconds(), 10.0);
  EXPECT_LT(la::make_gemm_case(la::gemm_precision::fp64, 2000)->estimated_cpu_seconds(), 10.0);
}

TEST(LinalgModule, CasesRefuseImpossibleSizes) {
  EXPECT_THROW(la::make_gemm_case(la::gemm_precision::fp64, 0), gpulab::usage_error);
  EXPECT_THROW(la::make_gemm_case(la::gemm_precision::bf16, la::max_gemm_dimension + 1), gpulab::usage_error);
  EXPECT_THROW(la::make_matrix_power_case(la::max_matrix_dimension + 1, 2), gpulab::usage_error);
  EXPECT_THROW(la::make_matrix_power_case(10, -1), gpulab::usage_error);
  EXPECT_THROW(la::make_solver_case(la::solver_case_kind::svd, -3, la::svd_algorithm::jacobi), gpulab::usage_error);
  // A case says how much device memory it needs, so the runner can refuse before allocating.
  const auto big = la::make_solver_case(la::solver_case_kind::svd, la::max_matrix_dimension, la::svd_algorithm::qr_iteration);
  EXPECT_GT(big->device_bytes_needed(), std::size_t{100} << 30);
}

}  // namespace

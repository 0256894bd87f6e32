// SPDX-License-Identifier: MIT
// Freivalds' test on the host: a correct product passes; one wrong element
// anywhere, a zero product or a NaN fails, even under the loosest bound
// (the tensor-core modes').
#include "gpulab/linalg/freivalds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/cases.hpp"

namespace {

namespace la = gpulab::linalg;

// The sabotage test's perturbation: far beyond any tolerance.
double far_off(double x) { return x + 0.5 * std::max(std::abs(x), 1.0) + 1.0; }

// A and B random in [-1, 1), C = A B in double and rounded to float: each
// element within 2^-24 |c_ij| of the exact one, inside FP32's bound.
struct product {
  la::host_matrix<double> a, b, c;
  std::vector<float> c_float;
};
product make_product(int n) {
  product p{la::random_matrix<double>(n, n, 11), la::random_matrix<double>(n, n, 12), {}, {}};
  p.c = la::gemm(p.a, p.b);
  p.c_float.resize(p.c.data.size());
  std::transform(p.c.data.begin(), p.c.data.end(), p.c_float.begin(), [](double v) { return static_cast<float>(v); });
  return p;
}

TEST(Freivalds, VectorEntriesAreAwayFromZeroWithRandomSigns) {
  const std::vector<double> x = la::freivalds_vector(1001, 5);
  ASSERT_EQ(x.size(), 1001u);
  int negative = 0;
  for (double v : x) {
    EXPECT_GE(std::abs(v), 0.5);
    EXPECT_LT(std::abs(v), 1.5);
    negative += v < 0;
  }
  EXPECT_GT(negative, 400);
  EXPECT_LT(negative, 600);
  EXPECT_EQ(la::freivalds_vector(1001, 5), x);  // seeded
  EXPECT_NE(la::freivalds_vector(1001, 6), x);
}

TEST(Freivalds, RefusesShapesThatAreNotSquare) {
  const la::host_matrix<double> a = la::random_matrix<double>(3, 2, 1), b = la::random_matrix<double>(3, 3, 2);
  EXPECT_THROW((void)la::make_freivalds_probes(a, b, 1, 3), gpulab::usage_error);
  const auto probes = la::make_freivalds_probes(b, b, 1, 3);
  const std::vector<float> c(8);
  EXPECT_THROW((void)la::freivalds_check<float>(c, 3, probes, 0.0), gpulab::usage_error);
}

class FreivaldsSize : public ::testing::TestWithParam<int> {};

TEST_P(FreivaldsSize, ACorrectProductPasses) {
  const int n = GetParam();
  const product p = make_product(n);
  const auto probes = la::make_freivalds_probes(p.a, p.b, 3, 7);
  ASSERT_EQ(probes.size(), 3u);
  const gpulab::verification single =
      la::freivalds_check<float>(p.c_float, n, probes, la::gemm_sum_error_bound(la::gemm_precision::fp32, n));
  EXPECT_TRUE(single.passed) << single.detail;
  EXPECT_EQ(single.check, "Freivalds");
  const gpulab::verification twice =
      la::freivalds_check<double>(p.c.data, n, probes, la::gemm_sum_error_bound(la::gemm_precision::fp64, n));
  EXPECT_TRUE(twice.passed) << twice.detail;
}

TEST_P(FreivaldsSize, OneWrongElementFailsWhereverItIs) {
  const int n = GetParam();
  const product p = make_product(n);
  const auto probes = la::make_freivalds_probes(p.a, p.b, 3, 7);
  const double loosest = la::gemm_sum_error_bound(la::gemm_precision::bf16, n);
  const std::size_t last = p.c_float.size() - 1;
  for (std::size_t at : {std::size_t{0}, last / 2, last}) {
    std::vector<float> c = p.c_float;
    c[at] = static_cast<float>(far_off(c[at]));
    const gpulab::verification v = la::freivalds_check<float>(c, n, probes, loosest);
    EXPECT_FALSE(v.passed) << "element " << at << " perturbed: " << v.detail;
  }
}

TEST_P(FreivaldsSize, AZeroProductOrANaNFails) {
  const int n = GetParam();
  const product p = make_product(n);
  const auto probes = la::make_freivalds_probes(p.a, p.b, 3, 7);
  const double loosest = la::gemm_sum_error_bound(la::gemm_precision::bf16, n);
  const std::vector<float> zero(p.c_float.size(), 0.0f);
  EXPECT_FALSE(la::freivalds_check<float>(zero, n, probes, loosest).passed);
  const std::size_t last = p.c_float.size() - 1;
  for (std::size_t at : {last / 2, last}) {
    std::vector<float> c = p.c_float;
    c[at] = std::numeric_limits<float>::quiet_NaN();
    EXPECT_FALSE(la::freivalds_check<float>(c, n, probes, loosest).passed) << "NaN at " << at;
  }
}

// Up to the GEMM cases' check_size, 131. (At n = 1000 the loosest bound,
// n 2^-23 |A| |B| |x|, allows some 30 per row: one element moved by a few units
// hides there. A worst-case bound cannot see everything at every size.)
INSTANTIATE_TEST_SUITE_P(Sizes, FreivaldsSize, ::testing::Values(1, 31, 131));

}  // namespace

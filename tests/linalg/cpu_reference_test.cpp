// SPDX-License-Identifier: MIT
// The CPU baselines of module 3 and the accuracy measures: right answers pass,
// wrong ones (a perturbed factor, a singular matrix) are caught.
#include "gpulab/linalg/cpu_reference.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "gpulab/core/error.hpp"

namespace {

namespace la = gpulab::linalg;

template <class T>
la::host_matrix<T> naive_gemm(const la::host_matrix<T>& a, const la::host_matrix<T>& b) {
  la::host_matrix<T> c(a.rows, b.cols);
  for (int i = 0; i < a.rows; ++i) {
    for (int j = 0; j < b.cols; ++j) {
      double sum = 0;
      for (int k = 0; k < a.cols; ++k) sum += double(a(i, k)) * double(b(k, j));
      c(i, j) = static_cast<T>(sum);
    }
  }
  return c;
}

TEST(LinalgCpu, GemmMatchesTheTripleLoopAtOddShapes) {
  for (auto [m, k, n] : {std::tuple{1, 1, 1}, std::tuple{31, 17, 5}, std::tuple{127, 64, 33}}) {
    const auto a = la::random_matrix<double>(m, k, 1), b = la::random_matrix<double>(k, n, 2);
    EXPECT_LT(la::relative_difference(la::gemm(a, b), naive_gemm(a, b)), 1e-14) << m << "x" << k << "x" << n;
    const auto af = la::random_matrix<float>(m, k, 1), bf = la::random_matrix<float>(k, n, 2);
    EXPECT_LT(la::relative_difference(la::gemm(af, bf), naive_gemm(af, bf)), 1e-5);
  }
  EXPECT_THROW(la::gemm(la::random_matrix<double>(3, 4, 1), la::random_matrix<double>(5, 2, 1)), gpulab::usage_error);
}

TEST(LinalgCpu, MatrixPowerByRepeatedSquaring) {
  auto a = la::random_matrix<double>(37, 37, 3);
  for (double& v : a.data) v *= 0.2;  // keep A^10 of moderate size
  la::host_matrix<double> expected = a;
  for (int p = 2; p <= 10; ++p) expected = naive_gemm(expected, a);
  EXPECT_LT(la::relative_difference(la::matrix_power(a, 10), expected), 1e-12);
  EXPECT_LT(la::relative_difference(la::matrix_power(a, 1), a), 1e-15);
  const auto identity = la::matrix_power(a, 0);
  EXPECT_EQ(identity(3, 3), 1.0);
  EXPECT_EQ(identity(3, 4), 0.0);
  EXPECT_THROW(la::matrix_power(a, -1), gpulab::usage_error);
  EXPECT_THROW(la::matrix_power(la::random_matrix<double>(3, 4, 1), 2), gpulab::usage_error);
}

TEST(LinalgCpu, SvdReconstructsAndIsOrthogonal) {
  for (auto [m, n] : {std::pair{60, 60}, std::pair{71, 33}, std::pair{20, 45}}) {
    const auto a = la::random_matrix<double>(m, n, 4);
    const auto s = la::svd(a);
    EXPECT_LT(la::svd_reconstruction_error(a, s), 1e-13);
    EXPECT_LT(la::orthogonality_error(s.u), 1e-13);
    EXPECT_TRUE(std::is_sorted(s.singular.rbegin(), s.singular.rend()));
    EXPECT_GE(s.singular.back(), 0.0);
    auto broken = s;
    broken.u(0, 0) += 1e-3;  // a wrong factor must show up in the measure
    EXPECT_GT(la::svd_reconstruction_error(a, broken), 1e-6);
  }
}

TEST(LinalgCpu, QrFactorsAndQIsOrthonormal) {
  for (auto [m, n] : {std::pair{50, 50}, std::pair{83, 31}}) {
    const auto a = la::random_matrix<double>(m, n, 5);
    const auto f = la::qr(a);
    EXPECT_LT(la::relative_difference(la::gemm(f.q, f.r), a), 1e-13);
    EXPECT_LT(la::orthogonality_error(f.q), 1e-13);
    for (int j = 0; j < f.r.cols; ++j) {
      for (int i = j + 1; i < f.r.rows; ++i) ASSERT_EQ(f.r(i, j), 0.0);  // upper triangular
    }
  }
}

TEST(LinalgCpu, SolvesHaveSmallResidualsAndRefuseBadInput) {
  const auto a = la::random_matrix<double>(101, 101, 6);
  const auto b = la::random_matrix<double>(101, 3, 7);
  EXPECT_LT(la::solve_residual(a, la::lu_solve(a, b), b), 1e-15);
  const auto spd = la::random_spd_matrix<double>(64, 8);
  const auto c = la::random_matrix<double>(64, 1, 9);
  EXPECT_LT(la::solve_residual(spd, la::cholesky_solve(spd, c), c), 1e-15);

  auto singular = la::random_matrix<double>(10, 10, 1);
  for (int i = 0; i < 10; ++i) singular(i, 9) = singular(i, 3);  // two equal columns
  EXPECT_THROW(la::lu_solve(singular, la::random_matrix<double>(10, 1, 2)), gpulab::numerical_error);
  auto indefinite = la::random_spd_matrix<double>(8, 3);
  indefinite(5, 5) = -100.0;
  EXPECT_THROW(la::cholesky_solve(indefinite, la::random_matrix<double>(8, 1, 2)), gpulab::numerical_error);
  auto with_nan = a;
  with_nan(3, 4) = std::nan("");
  EXPECT_THROW(la::lu_solve(with_nan, b), gpulab::numerical_error);
  EXPECT_THROW(la::lu_solve(a, la::random_matrix<double>(100, 1, 2)), gpulab::usage_error);
}

TEST(LinalgCpu, SymmetricEigen) {
  const auto a = la::random_spd_matrix<double>(73, 10);
  const auto e = la::symmetric_eigen(a);
  EXPECT_LT(la::eigen_residual(a, e), 1e-14);
  EXPECT_LT(la::orthogonality_error(e.vectors), 1e-13);
  EXPECT_TRUE(std::is_sorted(e.values.begin(), e.values.end()));
  EXPECT_GT(e.values.front(), 0.0);  // positive definite
  auto wrong = e;
  wrong.values[10] *= 1.001;
  EXPECT_GT(la::eigen_residual(a, wrong), 1e-6);
}

}  // namespace

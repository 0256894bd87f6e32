// SPDX-License-Identifier: MIT
// cuSOLVER classes on the GPU: each result checked by the property that defines
// it; singular, non-positive-definite and non-finite input refused with a clear
// error; inputs left untouched; matrix power against the CPU for several p.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "gpulab/linalg/matrix_power.hpp"
#include "linalg/linalg_gpu_fixture.hpp"

namespace {

namespace la = gpulab::linalg;

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const gpulab::numerical_error& e) {
    return e.what();
  }
  return "(no numerical_error)";
}

TEST_F(LinalgGpu, LuSolveHasASmallBackwardErrorAndLeavesItsInputAlone) {
  const int n = 127;
  const auto a = la::random_matrix<double>(n, n, 1);
  const auto b = la::random_matrix<double>(n, 3, 2);
  la::device_matrix<double> da = la::copy_to_device(a, s), db = la::copy_to_device(b, s);
  la::solver_handle h(s);
  la::lu_solver<double> lu(h, n, 3);
  la::poison_async(lu.solution(), s);
  lu.solve_async(da.view(), db.view());
  lu.check();
  const auto x = la::copy_to_host(lu.solution(), s);
  EXPECT_LT(la::solve_residual(a, x, b), 1e-14);
  EXPECT_EQ(la::copy_to_host(std::as_const(da).view(), s).data, a.data) << "getrf works in place, but on a copy";
  EXPECT_LT(la::relative_difference(x, la::lu_solve(a, b)), 1e-10);
}

TEST_F(LinalgGpu, SingularMatrixIsReportedNotSolved) {
  const int n = 50;
  auto a = la::random_matrix<double>(n, n, 3);
  for (int i = 0; i < n; ++i) a(i, 7) = 0.0;  // a zero column: exactly singular
  la::device_matrix<double> da = la::copy_to_device(a, s);
  la::device_matrix<double> db = la::copy_to_device(la::random_matrix<double>(n, 1, 4), s);
  la::solver_handle h(s);
  la::lu_solver<double> lu(h, n, 1);
  lu.solve_async(da.view(), db.view());
  const std::string what = message_of([&] { lu.check(); });
  EXPECT_NE(what.find("singular"), std::string::npos) << what;
}

TEST_F(LinalgGpu, CholeskySolvesSpdAndRefusesTheRest) {
  const int n = 99;
  const auto spd = la::random_spd_matrix<double>(n, 5);
  const auto b = la::random_matrix<double>(n, 2, 6);
  la::device_matrix<double> da = la::copy_to_device(spd, s), db = la::copy_to_device(b, s);
  la::solver_handle h(s);
  la::cholesky_solver<double> chol(h, n, 2);
  chol.solve_async(da.view(), db.view());
  chol.check();
  EXPECT_LT(la::solve_residual(spd, la::copy_to_host(chol.solution(), s), b), 1e-14);

  auto indefinite = spd;
  indefinite(40, 40) = -1e6;  // a negative diagonal element: not positive definite
  la::device_matrix<double> di = la::copy_to_device(indefinite, s);
  chol.solve_async(di.view(), db.view());
  const std::string what = message_of([&] { chol.check(); });
  EXPECT_NE(what.find("not positive definite"), std::string::npos) << what;
}

TEST_F(LinalgGpu, NonFiniteInputIsFoundWithItsIndex) {
  std::vector<double> values(10007, 0.5);
  gpulab::device_buffer<double> clean = upload(values);
  EXPECT_NO_THROW(la::require_finite_on_device<double>(clean.span(), "A", s));
  values[1234] = std::numeric_limits<double>::quiet_NaN();
  values[5000] = std::numeric_limits<double>::quiet_NaN();
  gpulab::device_buffer<double> nan = upload(values);
  const std::string what = message_of([&] { la::require_finite_on_device<double>(nan.span(), "A", s); });
  EXPECT_NE(what.find("element 1234"), std::string::npos) << what;
  std::vector<float> last(333, 1.0f);
  last.back() = -std::numeric_limits<float>::infinity();
  gpulab::device_buffer<float> inf = upload(last);
  EXPECT_NE(message_of([&] { la::require_finite_on_device<float>(inf.span(), "B", s); }).find("element 332"),
            std::string::npos);
}

TEST_F(LinalgGpu, SolversRefuseWrongLayoutsAndShapes) {
  la::solver_handle h(s);
  la::blas_handle b(s);  // the SVD's transposes and GEMMs
  la::lu_solver<double> lu(h, 10, 1);
  gpulab::device_buffer<double> d(200, s);
  EXPECT_THROW(lu.solve_async(la::row_major<const double>(d.data(), 10, 10), la::column_major<const double>(d.data(), 10, 1)),
               gpulab::usage_error);
  EXPECT_THROW(lu.solve_async(la::column_major<const double>(d.data(), 11, 11), la::column_major<const double>(d.data(), 11, 1)),
               gpulab::usage_error);
  EXPECT_THROW(la::svd_solver<double>(h, b, la::svd_algorithm::jacobi, 5, 8), gpulab::usage_error);
  EXPECT_THROW(la::qr_factorizer<double>(h, 5, 8), gpulab::usage_error);
}

TEST_F(LinalgGpu, QrOfATallMatrix) {
  const int m = 129, n = 65;
  const auto a = la::random_matrix<double>(m, n, 7);
  la::device_matrix<double> da = la::copy_to_device(a, s);
  la::solver_handle h(s);
  la::qr_factorizer<double> qr(h, m, n);
  la::poison_async(qr.q(), s);
  la::poison_async(qr.r(), s);
  qr.factor_async(da.view());
  qr.check();
  const auto q = la::copy_to_host(qr.q(), s), r = la::copy_to_host(qr.r(), s);
  EXPECT_LT(la::relative_difference(la::gemm(q, r), a), 1e-14);
  EXPECT_LT(la::orthogonality_error(q), 1e-14);
  for (int j = 0; j < n; ++j) {
    for (int i = j + 1; i < n; ++i) ASSERT_EQ(r(i, j), 0.0) << i << ", " << j;
  }
}

TEST_F(LinalgGpu, EverySvdAlgorithmReconstructsItsInput) {
  const auto a = la::random_matrix<double>(97, 61, 8);
  const auto expected = la::svd(a);
  la::device_matrix<double> da = la::copy_to_device(a, s);
  la::solver_handle h(s);
  la::blas_handle b(s);  // the SVD's transposes and GEMMs
  for (auto algorithm : {la::svd_algorithm::qr_iteration, la::svd_algorithm::jacobi, la::svd_algorithm::polar,
                         la::svd_algorithm::gram, la::svd_algorithm::newton_schulz}) {
    SCOPED_TRACE(la::svd_algorithm_routine(algorithm));
    la::svd_solver<double> svd(h, b, algorithm, 97, 61);
    la::poison_async(svd.u(), s);
    la::poison_async(svd.v(), s);
    la::poison_async(svd.singular_values(), s);
    svd.compute_async(da.view());
    svd.check();
    la::svd_result<double> got;
    got.u = la::copy_to_host(svd.u(), s);
    const auto v = la::copy_to_host(svd.v(), s);
    got.vt = la::host_matrix<double>(61, 61);
    for (int i = 0; i < 61; ++i) {
      for (int j = 0; j < 61; ++j) got.vt(j, i) = v(i, j);
    }
    got.singular.resize(61);
    GPULAB_CUDA_TRY(cudaMemcpy(got.singular.data(), svd.singular_values().data(), 61 * sizeof(double),
                               cudaMemcpyDeviceToHost));
    EXPECT_LT(la::svd_reconstruction_error(a, got), 1e-12);
    EXPECT_LT(la::orthogonality_error(got.u), 1e-9);
    EXPECT_LT(la::orthogonality_error(v), 1e-12);
    for (int i = 0; i < 61; ++i) EXPECT_NEAR(got.singular[i], expected.singular[i], 1e-12 * expected.singular[0]) << i;
  }
}

TEST_F(LinalgGpu, NewtonSchulzSvdRefusesARankDeficientMatrix) {
  const int n = 40;
  auto a = la::random_matrix<double>(n, n, 12);
  for (int i = 0; i < n; ++i) a(i, 5) = a(i, 9);  // two equal columns: rank n - 1
  la::device_matrix<double> da = la::copy_to_device(a, s);
  la::solver_handle h(s);
  la::blas_handle b(s);  // the SVD's transposes and GEMMs
  la::svd_solver<double> svd(h, b, la::svd_algorithm::newton_schulz, n, n);
  std::string what;
  try {
    svd.compute_async(da.view());
  } catch (const gpulab::numerical_error& e) {
    what = e.what();
  }
  EXPECT_NE(what.find("rank deficient"), std::string::npos) << what;
  // The cuSOLVER algorithms handle it: gesvdj finds the zero singular value.
  la::svd_solver<double> jacobi(h, b, la::svd_algorithm::jacobi, n, n);
  jacobi.compute_async(da.view());
  jacobi.check();
  double smallest = 0;
  GPULAB_CUDA_TRY(cudaMemcpy(&smallest, jacobi.singular_values().data() + n - 1, sizeof smallest, cudaMemcpyDeviceToHost));
  EXPECT_LT(smallest, 1e-12);
}

TEST_F(LinalgGpu, FloatSvdAndSymmetricEigenvalues) {
  const auto af = la::random_matrix<float>(64, 64, 9);
  la::device_matrix<float> daf = la::copy_to_device(af, s);
  la::solver_handle h(s);
  la::blas_handle b(s);  // the SVD's transposes and GEMMs
  la::svd_solver<float> svd(h, b, la::svd_algorithm::jacobi, 64, 64);
  svd.compute_async(daf.view());
  svd.check();
  const auto u = la::copy_to_host(svd.u(), s);
  EXPECT_LT(la::orthogonality_error(u), 1e-5);
  la::svd_solver<float> polar(h, b, la::svd_algorithm::newton_schulz, 64, 64);
  polar.compute_async(daf.view());
  polar.check();
  EXPECT_LT(la::orthogonality_error(la::copy_to_host(polar.u(), s)), 1e-5);
  EXPECT_LT(la::orthogonality_error(la::copy_to_host(polar.v(), s)), 1e-5);

  const int n = 77;
  auto sym = la::random_matrix<double>(n, n, 10);
  for (int j = 0; j < n; ++j) {
    for (int i = j + 1; i < n; ++i) sym(i, j) = sym(j, i);
  }
  la::device_matrix<double> ds = la::copy_to_device(sym, s);
  la::symmetric_eigen_solver<double> eig(h, n);
  eig.compute_async(ds.view());
  eig.check();
  la::eigen_result<double> got;
  got.vectors = la::copy_to_host(eig.vectors(), s);
  got.values.resize(n);
  GPULAB_CUDA_TRY(cudaMemcpy(got.values.data(), eig.values().data(), n * sizeof(double), cudaMemcpyDeviceToHost));
  EXPECT_LT(la::eigen_residual(sym, got), 1e-13);
  EXPECT_TRUE(std::is_sorted(got.values.begin(), got.values.end()));
  const auto expected = la::symmetric_eigen(sym);
  for (int i = 0; i < n; ++i) EXPECT_NEAR(got.values[i], expected.values[i], 1e-12 * std::abs(expected.values[0]));
}

TEST_F(LinalgGpu, MatrixPowerMatchesTheCpuForEveryBitPattern) {
  const int n = 67;
  auto a = la::random_matrix<double>(n, n, 11);
  for (double& v : a.data) v *= 1.7 / std::sqrt(double(n));
  la::device_matrix<double> da = la::copy_to_device(a, s);
  la::blas_handle blas(s);
  la::matrix_power_plan<double> plan(blas, n);
  for (int p : {0, 1, 2, 3, 10, 13, 32}) {
    plan.compute_async(da.view(), p);
    const auto got = la::copy_to_host(plan.result(), s);
    EXPECT_LT(la::relative_difference(got, la::matrix_power(a, p)), 1e-13) << "p = " << p;
  }
  EXPECT_THROW(plan.compute_async(da.view(), -1), gpulab::usage_error);
}

}  // namespace

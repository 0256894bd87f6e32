// SPDX-License-Identifier: MIT
// Module 3 `linalg`: the CPU side. Honest baselines (Eigen, multi-threaded with
// OpenMP) for GEMM, matrix power, SVD, QR, LU, Cholesky and symmetric
// eigenvalues, and the accuracy measures every GPU result is checked with.
//
// Matrices are column-major, as LAPACK, cuBLAS and cuSOLVER store them:
// element (i, j) of an m x n matrix lives at data[i + j * m].
#pragma once

#include <cstdint>
#include <vector>

namespace gpulab::linalg {

template <class T>
struct host_matrix {
  int rows = 0, cols = 0;
  std::vector<T> data;  // column-major, rows * cols elements

  host_matrix() = default;
  host_matrix(int m, int n);  // zeros; throws usage_error for negative sizes
  T& operator()(int i, int j) { return data[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * rows]; }
  T operator()(int i, int j) const { return data[static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * rows]; }
};

// Uniform in [-1, 1), seeded.
template <class T>
host_matrix<T> random_matrix(int rows, int cols, std::uint64_t seed);
// Symmetric positive definite: B^T B + n I with B random.
template <class T>
host_matrix<T> random_spd_matrix(int n, std::uint64_t seed);

// C = A * B. Throws usage_error when the shapes do not conform.
template <class T>
host_matrix<T> gemm(const host_matrix<T>& a, const host_matrix<T>& b);

// A^p by repeated squaring (p >= 0; A^0 = I). Throws for non-square A or p < 0.
template <class T>
host_matrix<T> matrix_power(const host_matrix<T>& a, int p);

// ---------------------------------------------------------------- factorizations
// The CPU baselines of the solver cases, in double (their only type). They are
// plain functions, not templates: each is a heavy Eigen template (BDCSVD alone
// takes ~20 s to compile), and a float copy nobody calls would double that.
template <class T>
struct svd_result {
  host_matrix<T> u;           // m x k, k = min(m, n)
  std::vector<T> singular;    // k values, descending
  host_matrix<T> vt;          // k x n
};
svd_result<double> svd(const host_matrix<double>& a);

template <class T>
struct qr_result {
  host_matrix<T> q;  // m x k, orthonormal columns (k = min(m, n))
  host_matrix<T> r;  // k x n, upper triangular
};
qr_result<double> qr(const host_matrix<double>& a);

// x with A x = b (A square). Throws numerical_error when A is singular.
host_matrix<double> lu_solve(const host_matrix<double>& a, const host_matrix<double>& b);
// x with A x = b for symmetric positive definite A. Throws numerical_error otherwise.
host_matrix<double> cholesky_solve(const host_matrix<double>& a, const host_matrix<double>& b);

template <class T>
struct eigen_result {
  std::vector<T> values;  // ascending
  host_matrix<T> vectors;  // column k belongs to values[k]
};
// Eigenvalues and eigenvectors of a symmetric matrix (only the lower triangle is read).
eigen_result<double> symmetric_eigen(const host_matrix<double>& a);

// ---------------------------------------------------------------- accuracy measures
// ||a - b||_F / ||b||_F
template <class T>
double relative_difference(const host_matrix<T>& a, const host_matrix<T>& b);
// ||A - U diag(S) V^T||_F / ||A||_F
template <class T>
double svd_reconstruction_error(const host_matrix<T>& a, const svd_result<T>& s);
// ||Q^T Q - I||_F / sqrt(k): 0 for orthonormal columns
template <class T>
double orthogonality_error(const host_matrix<T>& q);
// ||A x - b||_F / (||A||_F ||x||_F + ||b||_F): the backward error of a solve
template <class T>
double solve_residual(const host_matrix<T>& a, const host_matrix<T>& x, const host_matrix<T>& b);
// max_k ||A v_k - lambda_k v_k|| / ||A||_F
template <class T>
double eigen_residual(const host_matrix<T>& a, const eigen_result<T>& e);

}  // namespace gpulab::linalg

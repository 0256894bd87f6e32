// SPDX-License-Identifier: MIT
// cuSOLVER, one class per factorisation: LU solve, Cholesky solve, QR, SVD
// (five algorithms) and symmetric eigenvalues.
//
// The pattern is the same for each, and it is the lesson of using a GPU solver well:
//   1. construct once for a size: the workspace cuSOLVER asks for is allocated here,
//      never inside the timed region (solver_workspace, workspace.hpp);
//   2. `..._async(a)`: copies A into the object's own buffer (cuSOLVER overwrites
//      its input in place; your A stays as it was) and enqueues the factorisation;
//   3. `check()`: waits, reads cuSOLVER's `info` and turns a singular or
//      non-positive-definite matrix into a clear numerical_error;
//   4. read the results through the views (device memory, column-major).
// Matrices passed in must be column-major: that is how cuSOLVER (and LAPACK) read them.
// One .cpp per class in src/linalg (lu_solver.cpp, ..., symmetric_eigen_solver.cpp).
#pragma once

#include <cusolverDn.h>

#include <cstddef>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <memory>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/cpu_reference.hpp"
#include "gpulab/linalg/layout.hpp"
#include "gpulab/linalg/solver_checks.hpp"
#include "gpulab/linalg/workspace.hpp"

namespace gpulab::linalg {

// One cuSOLVER context bound to a stream, with the parameter object of the
// 64-bit (cusolverDnX...) API. Move-only.
class solver_handle {
 public:
  explicit solver_handle(cuda::stream_ref s);
  ~solver_handle();
  solver_handle(const solver_handle&) = delete;
  solver_handle& operator=(const solver_handle&) = delete;

  [[nodiscard]] cusolverDnHandle_t get() const noexcept { return handle_; }
  [[nodiscard]] cusolverDnParams_t params() const noexcept { return params_; }
  [[nodiscard]] cuda::stream_ref stream() const noexcept { return stream_; }

 private:
  cusolverDnHandle_t handle_ = nullptr;
  cusolverDnParams_t params_ = nullptr;
  cuda::stream_ref stream_;
};

// A column-major matrix owned in device memory.
template <class T>
struct device_matrix {
  int rows = 0, cols = 0;
  device_buffer<T> data;
  device_matrix() = default;
  device_matrix(int m, int n, cuda::stream_ref s);
  [[nodiscard]] matrix_view<T> view() { return column_major(data.data(), rows, cols); }
  [[nodiscard]] matrix_view<const T> view() const { return column_major<const T>(data.data(), rows, cols); }
};

// Host <-> device copies of whole matrices (these wait for the stream).
template <class T>
device_matrix<T> copy_to_device(const host_matrix<T>& m, cuda::stream_ref s);
template <class T>
host_matrix<T> copy_to_host(matrix_view<const T> m, cuda::stream_ref s);  // column-major only

// Overwrites a result with NaN (all bytes 0xFF), so that a run that fails to
// write it cannot pass verification: the kit's "poison". Enqueued on s.
template <class T>
void poison_async(matrix_view<const T> m, cuda::stream_ref s);
template <class T>
void poison_async(cuda::std::span<const T> v, cuda::stream_ref s);

// Copies `from` (column-major, any leading dimension) into `to` (same shape).
template <class T>
void copy_matrix_async(matrix_view<const T> from, device_matrix<T>& to, cuda::stream_ref s);

// Sets the elements below the diagonal to zero (what geqrf leaves there are its reflectors).
template <class T>
void zero_below_diagonal_async(matrix_view<T> m, cuda::stream_ref s);

// Throws numerical_error naming the first NaN or infinity of a device array,
// found by a kernel (kernels/linalg/first_non_finite.cuh). Waits for the stream.
template <class T>
void require_finite_on_device(cuda::std::span<const T> values, const std::string& what, cuda::stream_ref s);

// ---------------------------------------------------------------- LU: A X = B
// getrf (LU with partial pivoting, P A = L U) then getrs (two triangular solves).
template <class T>
class lu_solver {
 public:
  lu_solver(solver_handle& h, int n, int nrhs);
  void solve_async(matrix_view<const T> a, matrix_view<const T> b);
  void check() const;  // numerical_error when A is singular
  [[nodiscard]] matrix_view<const T> solution() const { return x_.view(); }

 private:
  solver_handle* h_;
  int n_, nrhs_;
  device_matrix<T> lu_, x_;
  device_buffer<std::int64_t> pivots_;
  solver_workspace workspace_;
  device_buffer<int> info_;  // [0] getrf, [1] getrs: getrs would overwrite getrf's verdict
};

// ---------------------------------------------------------------- Cholesky: A X = B, A symmetric positive definite
// potrf (A = L L^T, lower triangle read) then potrs.
template <class T>
class cholesky_solver {
 public:
  cholesky_solver(solver_handle& h, int n, int nrhs);
  void solve_async(matrix_view<const T> a, matrix_view<const T> b);
  void check() const;  // numerical_error when A is not positive definite
  [[nodiscard]] matrix_view<const T> solution() const { return x_.view(); }

 private:
  solver_handle* h_;
  int n_, nrhs_;
  device_matrix<T> l_, x_;
  solver_workspace workspace_;
  device_buffer<int> info_;
};

// ---------------------------------------------------------------- QR: A = Q R
// geqrf (Householder reflectors, R in the upper triangle), then orgqr forms the
// m x n Q explicitly from the reflectors. m >= n.
template <class T>
class qr_factorizer {
 public:
  qr_factorizer(solver_handle& h, int m, int n);
  void factor_async(matrix_view<const T> a);
  void check() const;
  [[nodiscard]] matrix_view<const T> q() const { return q_.view(); }  // m x n, orthonormal columns
  [[nodiscard]] matrix_view<const T> r() const { return r_.view(); }  // n x n, upper triangular

 private:
  solver_handle* h_;
  int m_, n_;
  device_matrix<T> q_, r_;
  device_buffer<T> tau_;  // the reflectors' scalars
  solver_workspace workspace_;  // geqrf's and orgqr's, one after the other
  device_buffer<int> info_;
};

// ---------------------------------------------------------------- SVD: A = U diag(S) V^T
enum class svd_algorithm {
  qr_iteration,  // gesvd: bidiagonalise, then implicit QR (LAPACK's classic)
  jacobi,        // gesvdj: one-sided Jacobi rotations, sweep after sweep
  polar,         // gesvdp: polar decomposition (QDWH) then a symmetric eigensolver
  gram,          // gesvda: eigenvectors of A^T A; fast, accuracy of U falls as cond(A)^2
  newton_schulz,  // ours: polar factor by Newton-Schulz iterations (GEMMs only), then syevd
};
const char* svd_algorithm_routine(svd_algorithm a);  // "gesvd", ..., "newton_schulz"
// gesvda: cuSOLVER documents it as approximate (its U is orthogonal only to about eps * cond(A)^2).
bool svd_algorithm_is_approximate(svd_algorithm a);
solver_routine svd_algorithm_solver_routine(svd_algorithm a);

// The thin SVD of an m x n matrix, m >= n: U is m x n, S has n values, descending, V is n x n.
//
// newton_schulz is the one algorithm here built by hand, to show what GEMMs buy:
// A = P H with P orthonormal (the polar decomposition) and H = P^T A symmetric;
// then H = V diag(S) V^T (syevd) and U = P V. P comes from X <- X (3I - X^T X) / 2,
// two GEMMs per step, starting from A / ||A||_F; it needs full column rank (a
// rank-deficient A is reported, not answered) and waits once per step to test
// convergence.
template <class T>
class svd_solver {
 public:
  // `blas` (on the same stream) serves gesvd's V^T -> V and Newton-Schulz's GEMMs:
  // the device's one cuBLAS handle (linalg::blas(res)), not one more.
  svd_solver(solver_handle& h, blas_handle& blas, svd_algorithm algorithm, int m, int n);
  ~svd_solver();
  svd_solver(const svd_solver&) = delete;
  svd_solver& operator=(const svd_solver&) = delete;
  void compute_async(matrix_view<const T> a);
  void check() const;
  [[nodiscard]] matrix_view<const T> u() const { return u_.view(); }
  [[nodiscard]] cuda::std::span<const T> singular_values() const { return s_.span(); }
  [[nodiscard]] matrix_view<const T> v() const { return v_.view(); }
  // newton_schulz: the polar iterations the last compute took.
  [[nodiscard]] int iterations() const noexcept { return iterations_; }

 private:
  solver_handle* h_;
  svd_algorithm algorithm_;
  int m_, n_;
  device_matrix<T> work_, u_, v_, vt_;
  device_buffer<T> s_;
  solver_workspace workspace_;
  device_buffer<int> info_;
  gesvdjInfo_t jacobi_ = nullptr;
  blas_handle* blas_;                           // gesvd: V^T -> V (geam); newton_schulz: its GEMMs
  device_matrix<T> scratch_, gram_, identity_;  // newton_schulz: the next X, X^T X - I, and I
  int iterations_ = 0;

  void compute_newton_schulz(matrix_view<const T> a);
};

// ---------------------------------------------------------------- symmetric eigenvalues: A V = V diag(w)
// syevd (tridiagonalise, divide and conquer). Reads the lower triangle.
template <class T>
class symmetric_eigen_solver {
 public:
  symmetric_eigen_solver(solver_handle& h, int n);
  void compute_async(matrix_view<const T> a);
  void check() const;
  [[nodiscard]] cuda::std::span<const T> values() const { return w_.span(); }  // ascending
  [[nodiscard]] matrix_view<const T> vectors() const { return v_.view(); }    // column k belongs to values()[k]

 private:
  solver_handle* h_;
  int n_;
  device_matrix<T> v_;
  device_buffer<T> w_;
  solver_workspace workspace_;
  device_buffer<int> info_;
};

}  // namespace gpulab::linalg

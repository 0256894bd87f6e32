// SPDX-License-Identifier: MIT
// The thin SVD of an m x n matrix, m >= n (solver.hpp), in five algorithms:
// gesvd and gesvdp through cuSOLVER's 64-bit API; gesvdj and gesvda exist only
// typed, so they get one small overload per element type below; newton_schulz
// is built by hand from cuBLAS GEMMs and one syevd.
#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/solver.hpp"
#include "solver_detail.hpp"

namespace gpulab::linalg {

using detail::data_type;

namespace {

cusolverStatus_t gesvdj_buffer(cusolverDnHandle_t h, int m, int n, const float* a, const float* s, const float* u,
                               const float* v, int* lwork, gesvdjInfo_t p) {
  return cusolverDnSgesvdj_bufferSize(h, CUSOLVER_EIG_MODE_VECTOR, 1, m, n, a, m, s, u, m, v, n, lwork, p);
}
cusolverStatus_t gesvdj_buffer(cusolverDnHandle_t h, int m, int n, const double* a, const double* s, const double* u,
                               const double* v, int* lwork, gesvdjInfo_t p) {
  return cusolverDnDgesvdj_bufferSize(h, CUSOLVER_EIG_MODE_VECTOR, 1, m, n, a, m, s, u, m, v, n, lwork, p);
}
cusolverStatus_t gesvdj(cusolverDnHandle_t h, int m, int n, float* a, float* s, float* u, float* v, float* work,
                        int lwork, int* info, gesvdjInfo_t p) {
  return cusolverDnSgesvdj(h, CUSOLVER_EIG_MODE_VECTOR, 1, m, n, a, m, s, u, m, v, n, work, lwork, info, p);
}
cusolverStatus_t gesvdj(cusolverDnHandle_t h, int m, int n, double* a, double* s, double* u, double* v, double* work,
                        int lwork, int* info, gesvdjInfo_t p) {
  return cusolverDnDgesvdj(h, CUSOLVER_EIG_MODE_VECTOR, 1, m, n, a, m, s, u, m, v, n, work, lwork, info, p);
}
// gesvda is a batched routine; a batch of one here.
cusolverStatus_t gesvda_buffer(cusolverDnHandle_t h, int m, int n, const float* a, const float* s, const float* u,
                               const float* v, int* lwork) {
  return cusolverDnSgesvdaStridedBatched_bufferSize(h, CUSOLVER_EIG_MODE_VECTOR, n, m, n, a, m, 1LL * m * n, s, n, u,
                                                    m, 1LL * m * n, v, n, 1LL * n * n, lwork, 1);
}
cusolverStatus_t gesvda_buffer(cusolverDnHandle_t h, int m, int n, const double* a, const double* s, const double* u,
                               const double* v, int* lwork) {
  return cusolverDnDgesvdaStridedBatched_bufferSize(h, CUSOLVER_EIG_MODE_VECTOR, n, m, n, a, m, 1LL * m * n, s, n, u,
                                                    m, 1LL * m * n, v, n, 1LL * n * n, lwork, 1);
}
cusolverStatus_t gesvda(cusolverDnHandle_t h, int m, int n, const float* a, float* s, float* u, float* v, float* work,
                        int lwork, int* info, double* residual) {
  return cusolverDnSgesvdaStridedBatched(h, CUSOLVER_EIG_MODE_VECTOR, n, m, n, a, m, 1LL * m * n, s, n, u, m,
                                         1LL * m * n, v, n, 1LL * n * n, work, lwork, info, residual, 1);
}
cusolverStatus_t gesvda(cusolverDnHandle_t h, int m, int n, const double* a, double* s, double* u, double* v,
                        double* work, int lwork, int* info, double* residual) {
  return cusolverDnDgesvdaStridedBatched(h, CUSOLVER_EIG_MODE_VECTOR, n, m, n, a, m, 1LL * m * n, s, n, u, m,
                                         1LL * m * n, v, n, 1LL * n * n, work, lwork, info, residual, 1);
}
// V = (V^T)^T with cuBLAS's geam (C = alpha op(A) + beta op(B)), beta = 0.
cublasStatus_t transpose_into(cublasHandle_t h, int n, const float* vt, float* v) {
  const float one = 1, zero = 0;
  return cublasSgeam(h, CUBLAS_OP_T, CUBLAS_OP_N, n, n, &one, vt, n, &zero, v, n, v, n);
}
cublasStatus_t transpose_into(cublasHandle_t h, int n, const double* vt, double* v) {
  const double one = 1, zero = 0;
  return cublasDgeam(h, CUBLAS_OP_T, CUBLAS_OP_N, n, n, &one, vt, n, &zero, v, n, v, n);
}

}  // namespace

const char* svd_algorithm_routine(svd_algorithm a) {
  switch (a) {
    case svd_algorithm::qr_iteration: return "gesvd";
    case svd_algorithm::jacobi: return "gesvdj";
    case svd_algorithm::polar: return "gesvdp";
    case svd_algorithm::gram: return "gesvda";
    case svd_algorithm::newton_schulz: return "newton_schulz";
  }
  return "?";
}

bool svd_algorithm_is_approximate(svd_algorithm a) { return a == svd_algorithm::gram; }

solver_routine svd_algorithm_solver_routine(svd_algorithm a) {
  switch (a) {
    case svd_algorithm::qr_iteration: return solver_routine::gesvd;
    case svd_algorithm::jacobi: return solver_routine::gesvdj;
    case svd_algorithm::polar: return solver_routine::gesvdp;
    case svd_algorithm::gram: return solver_routine::gesvda;
    case svd_algorithm::newton_schulz: return solver_routine::syevd;  // its one cuSOLVER call
  }
  return solver_routine::gesvd;
}

template <class T>
svd_solver<T>::svd_solver(solver_handle& h, blas_handle& blas, svd_algorithm algorithm, int m, int n)
    : h_(&h), algorithm_(algorithm), m_(m), n_(n), work_(m, n, h.stream()), u_(m, n, h.stream()),
      v_(n, n, h.stream()), s_(static_cast<std::size_t>(n), h.stream()), workspace_(h.stream()),
      info_(detail::zeroed_info(1, h.stream())), blas_(&blas) {
  if (blas.stream() != h.stream()) throw usage_error("svd_solver: the cuBLAS and cuSOLVER handles must share a stream");
  if (m < n) {
    throw usage_error("the SVD here needs m >= n (got " + std::to_string(m) + " x " + std::to_string(n) +
                      "): take the SVD of A^T instead");
  }
  if (n == 0) throw usage_error("the SVD of an empty matrix");
  cusolverDnHandle_t sh = h.get();
  std::size_t device_bytes = 0, host_bytes = 0;
  int lwork = 0;
  switch (algorithm) {
    case svd_algorithm::qr_iteration:
      vt_ = device_matrix<T>(n, n, h.stream());
      GPULAB_CUSOLVER_TRY(cusolverDnXgesvd_bufferSize(sh, h.params(), 'S', 'S', m, n, data_type<T>(),
                                                      work_.data.data(), m, data_type<T>(), s_.data(),
                                                      data_type<T>(), u_.data.data(), m, data_type<T>(),
                                                      vt_.data.data(), n, data_type<T>(), &device_bytes,
                                                      &host_bytes));
      break;
    case svd_algorithm::jacobi:
      GPULAB_CUSOLVER_TRY(cusolverDnCreateGesvdjInfo(&jacobi_));
      GPULAB_CUSOLVER_TRY(
          gesvdj_buffer(sh, m, n, work_.data.data(), s_.data(), u_.data.data(), v_.data.data(), &lwork, jacobi_));
      break;
    case svd_algorithm::polar:
      GPULAB_CUSOLVER_TRY(cusolverDnXgesvdp_bufferSize(sh, h.params(), CUSOLVER_EIG_MODE_VECTOR, 1, m, n,
                                                       data_type<T>(), work_.data.data(), m, data_type<T>(),
                                                       s_.data(), data_type<T>(), u_.data.data(), m, data_type<T>(),
                                                       v_.data.data(), n, data_type<T>(), &device_bytes,
                                                       &host_bytes));
      break;
    case svd_algorithm::gram:
      GPULAB_CUSOLVER_TRY(
          gesvda_buffer(sh, m, n, work_.data.data(), s_.data(), u_.data.data(), v_.data.data(), &lwork));
      break;
    case svd_algorithm::newton_schulz: {
      scratch_ = device_matrix<T>(m, n, h.stream());
      gram_ = device_matrix<T>(n, n, h.stream());
      host_matrix<T> eye(n, n);
      for (int i = 0; i < n; ++i) eye(i, i) = T{1};
      identity_ = copy_to_device(eye, h.stream());
      GPULAB_CUSOLVER_TRY(cusolverDnXsyevd_bufferSize(sh, h.params(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER,
                                                      n, data_type<T>(), v_.data.data(), n, data_type<T>(), s_.data(),
                                                      data_type<T>(), &device_bytes, &host_bytes));
      break;
    }
  }
  workspace_.reserve(device_bytes, host_bytes);  // the 64-bit API's routines ask in bytes,
  workspace_.reserve_elements<T>(lwork);          // gesvdj and gesvda in elements
}

template <class T>
svd_solver<T>::~svd_solver() {
  if (jacobi_ != nullptr) (void)cusolverDnDestroyGesvdjInfo(jacobi_);
}

template <class T>
void svd_solver<T>::compute_async(matrix_view<const T> a) {
  cuda::stream_ref s = h_->stream();
  copy_matrix_async(a, work_, s);  // every algorithm here destroys (or may destroy) A
  cusolverDnHandle_t sh = h_->get();
  T* const w = work_.data.data();
  switch (algorithm_) {
    case svd_algorithm::qr_iteration:
      GPULAB_CUSOLVER_TRY(cusolverDnXgesvd(sh, h_->params(), 'S', 'S', m_, n_, data_type<T>(), w, m_, data_type<T>(),
                                           s_.data(), data_type<T>(), u_.data.data(), m_, data_type<T>(),
                                           vt_.data.data(), n_, data_type<T>(), workspace_.device(),
                                           workspace_.device_bytes(), workspace_.host(), workspace_.host_bytes(),
                                           info_.data()));
      GPULAB_CUBLAS_TRY(transpose_into(blas_->get(), n_, vt_.data.data(), v_.data.data()));
      break;
    case svd_algorithm::jacobi:
      GPULAB_CUSOLVER_TRY(gesvdj(sh, m_, n_, w, s_.data(), u_.data.data(), v_.data.data(), workspace_.device_as<T>(),
                                 workspace_.device_elements<T>(), info_.data(), jacobi_));
      break;
    case svd_algorithm::polar: {
      double sigma_error = 0;  // an estimate of the singular values' error, returned to the host
      GPULAB_CUSOLVER_TRY(cusolverDnXgesvdp(sh, h_->params(), CUSOLVER_EIG_MODE_VECTOR, 1, m_, n_, data_type<T>(), w,
                                            m_, data_type<T>(), s_.data(), data_type<T>(), u_.data.data(), m_,
                                            data_type<T>(), v_.data.data(), n_, data_type<T>(), workspace_.device(),
                                            workspace_.device_bytes(), workspace_.host(), workspace_.host_bytes(),
                                            info_.data(), &sigma_error));
      break;
    }
    case svd_algorithm::gram: {
      double residual = 0;  // ||A - U S V^T||_F, returned to the host
      GPULAB_CUSOLVER_TRY(gesvda(sh, m_, n_, w, s_.data(), u_.data.data(), v_.data.data(), workspace_.device_as<T>(),
                                 workspace_.device_elements<T>(), info_.data(), &residual));
      break;
    }
    case svd_algorithm::newton_schulz:
      compute_newton_schulz(a);
      break;
  }
}

// [snippet:newton_schulz_svd]
template <class T>
void svd_solver<T>::compute_newton_schulz(matrix_view<const T> a) {
  blas_handle& blas = *blas_;
  const int m = m_, n = n_;
  auto as_matrix = [&](device_matrix<T>* x) { return column_major<const T>(x->data.data(), m, n); };
  // X^T without a copy: the same memory read row-major.
  auto transposed = [&](device_matrix<T>* x) { return row_major<const T>(x->data.data(), n, m); };
  // 1. X = A / ||A||_F: every singular value of X is then at most 1, where the iteration converges.
  const T norm = nrm2<T>(blas, work_.data.span());  // work_ holds a copy of A
  if (!(norm > 0) || !std::isfinite(norm))
    throw numerical_error("newton_schulz SVD: ||A|| is 0 or not finite");
  const T inverse = T{1} / norm;
  GPULAB_CUBLAS_TRY(cublasScalEx(blas.get(), m * n, &inverse, data_type<T>(), work_.data.data(),
                                 data_type<T>(), 1, data_type<T>()));
  // [/snippet:newton_schulz_svd]
  // [snippet:newton_schulz_iterate]
  // 2. X <- X - X (X^T X - I) / 2 until X^T X = I: each singular value s moves to s (3 - s^2) / 2,
  //    growing by 1.5x while small, then converging quadratically to 1.
  const T switch_to_last_step = std::sqrt(std::numeric_limits<T>::epsilon()) / 2;
  constexpr int max_iterations = 100;
  device_matrix<T>* x = &work_;
  device_matrix<T>* next = &scratch_;
  for (iterations_ = 0;; ++iterations_) {
    copy_matrix_async(std::as_const(identity_).view(), gram_, blas.stream());
    gemm_async<T>(blas, T{1}, transposed(x), as_matrix(x), T{-1}, gram_.view());  // G = X^T X - I
    const T distance = nrm2<T>(blas, gram_.data.span());  // waits: one round trip per step
    if (!std::isfinite(distance) || iterations_ == max_iterations) {
      throw numerical_error("newton_schulz SVD did not converge in " +
                            std::to_string(max_iterations) +
                            " steps: A is (numerically) rank deficient; use gesvdj");
    }
    copy_matrix_async(as_matrix(x), *next, blas.stream());
    gemm_async<T>(blas, T{-0.5}, as_matrix(x), gram_.view(), T{1},
                  next->view());  // next = X - X G / 2
    std::swap(x, next);
    if (distance < switch_to_last_step) break;  // one step from distance d leaves about d^2
  }
  ++iterations_;
  // [/snippet:newton_schulz_iterate]
  // [snippet:newton_schulz_finish]
  // 3. H = X^T A is symmetric positive definite with eigenvalues S. syevd sorts ascending, so
  //    factor -H instead: its eigenvalues -S come out with S descending, like every other routine.
  gemm_async<T>(blas, T{-1}, transposed(x), a, T{0}, v_.view());
  GPULAB_CUSOLVER_TRY(cusolverDnXsyevd(
      h_->get(), h_->params(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, data_type<T>(),
      v_.data.data(), n, data_type<T>(), s_.data(), data_type<T>(), workspace_.device(),
      workspace_.device_bytes(), workspace_.host(), workspace_.host_bytes(), info_.data()));
  const T minus_one = -1;
  GPULAB_CUBLAS_TRY(cublasScalEx(blas.get(), n, &minus_one, data_type<T>(), s_.data(),
                                 data_type<T>(), 1, data_type<T>()));
  // 4. U = X V.
  gemm_async<T>(blas, T{1}, as_matrix(x), v_.view(), T{0}, u_.view());
  // [/snippet:newton_schulz_finish]
}

template <class T>
void svd_solver<T>::check() const {
  detail::check_infos(info_, {svd_algorithm_solver_routine(algorithm_)});
}

template class svd_solver<float>;
template class svd_solver<double>;

}  // namespace gpulab::linalg

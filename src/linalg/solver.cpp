// SPDX-License-Identifier: MIT
// The cuSOLVER classes (solver.hpp). Where cuSOLVER has a 64-bit generic API
// (cusolverDnX...: the element type is an argument), it is used for float and
// double alike; orgqr, gesvdj and gesvda exist only typed, so they get one
// small overload per type below.
#include "gpulab/linalg/solver.hpp"

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "gpulab/core/error.hpp"

namespace gpulab::linalg {

solver_handle::solver_handle(cuda::stream_ref s) : stream_(s) {
  GPULAB_CUSOLVER_TRY(cusolverDnCreate(&handle_));
  GPULAB_CUSOLVER_TRY(cusolverDnSetStream(handle_, s.get()));
  GPULAB_CUSOLVER_TRY(cusolverDnCreateParams(&params_));
}
solver_handle::~solver_handle() {
  if (params_ != nullptr) (void)cusolverDnDestroyParams(params_);
  if (handle_ != nullptr) (void)cusolverDnDestroy(handle_);
}

template <class T>
device_matrix<T>::device_matrix(int m, int n, cuda::stream_ref s)
    : rows(m), cols(n), data(static_cast<std::size_t>(m) * static_cast<std::size_t>(n), s) {
  if (m < 0 || n < 0) throw usage_error("matrix sizes must not be negative");
}

template <class T>
void copy_matrix_async(matrix_view<const T> from, device_matrix<T>& to, cuda::stream_ref s) {
  require_valid(from, "A");
  if (from.order != layout::column_major) {
    throw usage_error("cuSOLVER reads column-major matrices: pass column_major(...), or transpose first");
  }
  if (from.rows != to.rows || from.cols != to.cols) {
    throw usage_error("shapes do not conform: the solver was made for " + std::to_string(to.rows) + " x " +
                      std::to_string(to.cols) + ", got " + from.shape());
  }
  if (from.rows == 0 || from.cols == 0) return;
  // Column by column: the source may have a larger leading dimension than the copy.
  GPULAB_CUDA_TRY(cudaMemcpy2DAsync(to.data.data(), sizeof(T) * to.rows, from.data,
                                    sizeof(T) * from.leading_dimension(), sizeof(T) * from.rows, from.cols,
                                    cudaMemcpyDeviceToDevice, s.get()));
}

template <class T>
device_matrix<T> copy_to_device(const host_matrix<T>& m, cuda::stream_ref s) {
  device_matrix<T> d(m.rows, m.cols, s);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(d.data.data(), m.data.data(), sizeof(T) * m.data.size(), cudaMemcpyHostToDevice,
                                  s.get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return d;
}

template <class T>
host_matrix<T> copy_to_host(matrix_view<const T> m, cuda::stream_ref s) {
  if (m.order != layout::column_major) throw usage_error("copy_to_host: column-major matrices only");
  host_matrix<T> h(m.rows, m.cols);
  if (!h.data.empty()) {
    GPULAB_CUDA_TRY(cudaMemcpy2DAsync(h.data.data(), sizeof(T) * m.rows, m.data, sizeof(T) * m.leading_dimension(),
                                      sizeof(T) * m.rows, m.cols, cudaMemcpyDeviceToHost, s.get()));
  }
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return h;
}

template <class T>
void poison_async(matrix_view<const T> m, cuda::stream_ref s) {
  if (m.rows == 0 || m.cols == 0) return;
  const int ld = m.leading_dimension();
  const std::size_t elements = m.order == layout::column_major
                                   ? static_cast<std::size_t>(ld) * (m.cols - 1) + m.rows
                                   : static_cast<std::size_t>(ld) * (m.rows - 1) + m.cols;
  // The memory is owned (non-const) by whoever computes into it; the view is const for readers.
  GPULAB_CUDA_TRY(cudaMemsetAsync(const_cast<T*>(m.data), 0xFF, sizeof(T) * elements, s.get()));
}

template <class T>
void poison_async(cuda::std::span<const T> v, cuda::stream_ref s) {
  if (!v.empty()) GPULAB_CUDA_TRY(cudaMemsetAsync(const_cast<T*>(v.data()), 0xFF, v.size_bytes(), s.get()));
}

namespace {

template <class T>
constexpr cudaDataType data_type() {
  return std::is_same_v<T, double> ? CUDA_R_64F : CUDA_R_32F;
}

// Reads `count` info values back (waits) and checks each against its routine.
void check_infos(const device_buffer<int>& info, std::initializer_list<solver_routine> routines) {
  std::array<int, 4> host{};
  GPULAB_CUDA_TRY(cudaMemcpyAsync(host.data(), info.data(), sizeof(int) * routines.size(), cudaMemcpyDeviceToHost,
                                  info.stream().get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(info.stream().get()));
  std::size_t i = 0;
  for (solver_routine r : routines) check_solver_info(r, host[i++]);
}

device_buffer<int> zeroed_info(std::size_t count, cuda::stream_ref s) {
  device_buffer<int> info(count, s);
  info.fill_bytes_async(0, s);
  return info;
}

void require_dimension(int n, const char* what) {
  if (n < 0) throw usage_error(std::string(what) + " must not be negative, got " + std::to_string(n));
}

// ---- typed-only routines: one overload per element type
cusolverStatus_t orgqr_buffer(cusolverDnHandle_t h, int m, int n, const float* a, const float* tau, int* lwork) {
  return cusolverDnSorgqr_bufferSize(h, m, n, n, a, m, tau, lwork);
}
cusolverStatus_t orgqr_buffer(cusolverDnHandle_t h, int m, int n, const double* a, const double* tau, int* lwork) {
  return cusolverDnDorgqr_bufferSize(h, m, n, n, a, m, tau, lwork);
}
cusolverStatus_t orgqr(cusolverDnHandle_t h, int m, int n, float* a, const float* tau, float* work, int lwork,
                       int* info) {
  return cusolverDnSorgqr(h, m, n, n, a, m, tau, work, lwork, info);
}
cusolverStatus_t orgqr(cusolverDnHandle_t h, int m, int n, double* a, const double* tau, double* work, int lwork,
                       int* info) {
  return cusolverDnDorgqr(h, m, n, n, a, m, tau, work, lwork, info);
}
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

// ---------------------------------------------------------------- LU
template <class T>
lu_solver<T>::lu_solver(solver_handle& h, int n, int nrhs)
    : h_(&h), n_(n), nrhs_(nrhs), lu_(n, n, h.stream()), x_(n, nrhs, h.stream()),
      pivots_(static_cast<std::size_t>(n), h.stream()), info_(zeroed_info(2, h.stream())) {
  require_dimension(nrhs, "the number of right-hand sides");
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXgetrf_bufferSize(h.get(), h.params(), n, n, data_type<T>(), lu_.data.data(),
                                                  std::max(1, n), data_type<T>(), &device_bytes, &host_bytes));
  workspace_ = device_buffer<std::byte>(device_bytes, h.stream());
  host_workspace_.resize(host_bytes);
}

// [snippet:lu_solve]
template <class T>
void lu_solver<T>::solve_async(matrix_view<const T> a, matrix_view<const T> b) {
  cuda::stream_ref s = h_->stream();
  copy_matrix_async(a, lu_, s);  // getrf overwrites its input with L and U
  copy_matrix_async(b, x_, s);   // getrs overwrites B with X
  const int ld = std::max(1, n_);
  GPULAB_CUSOLVER_TRY(cusolverDnXgetrf(h_->get(), h_->params(), n_, n_, data_type<T>(),
                                       lu_.data.data(), ld, pivots_.data(), data_type<T>(),
                                       workspace_.data(), workspace_.size(), host_workspace_.data(),
                                       host_workspace_.size(), info_.data()));
  GPULAB_CUSOLVER_TRY(cusolverDnXgetrs(h_->get(), h_->params(), CUBLAS_OP_N, n_, nrhs_,
                                       data_type<T>(), lu_.data.data(), ld, pivots_.data(),
                                       data_type<T>(), x_.data.data(), ld, info_.data() + 1));
}
// [/snippet:lu_solve]

template <class T>
void lu_solver<T>::check() const {
  check_infos(info_, {solver_routine::getrf, solver_routine::getrs});
}

// ---------------------------------------------------------------- Cholesky
template <class T>
cholesky_solver<T>::cholesky_solver(solver_handle& h, int n, int nrhs)
    : h_(&h), n_(n), nrhs_(nrhs), l_(n, n, h.stream()), x_(n, nrhs, h.stream()), info_(zeroed_info(2, h.stream())) {
  require_dimension(nrhs, "the number of right-hand sides");
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXpotrf_bufferSize(h.get(), h.params(), CUBLAS_FILL_MODE_LOWER, n, data_type<T>(),
                                                  l_.data.data(), std::max(1, n), data_type<T>(), &device_bytes,
                                                  &host_bytes));
  workspace_ = device_buffer<std::byte>(device_bytes, h.stream());
  host_workspace_.resize(host_bytes);
}

template <class T>
void cholesky_solver<T>::solve_async(matrix_view<const T> a, matrix_view<const T> b) {
  cuda::stream_ref s = h_->stream();
  copy_matrix_async(a, l_, s);
  copy_matrix_async(b, x_, s);
  const int ld = std::max(1, n_);
  GPULAB_CUSOLVER_TRY(cusolverDnXpotrf(h_->get(), h_->params(), CUBLAS_FILL_MODE_LOWER, n_, data_type<T>(),
                                       l_.data.data(), ld, data_type<T>(), workspace_.data(), workspace_.size(),
                                       host_workspace_.data(), host_workspace_.size(), info_.data()));
  GPULAB_CUSOLVER_TRY(cusolverDnXpotrs(h_->get(), h_->params(), CUBLAS_FILL_MODE_LOWER, n_, nrhs_, data_type<T>(),
                                       l_.data.data(), ld, data_type<T>(), x_.data.data(), ld, info_.data() + 1));
}

template <class T>
void cholesky_solver<T>::check() const {
  check_infos(info_, {solver_routine::potrf, solver_routine::potrs});
}

// ---------------------------------------------------------------- QR
template <class T>
qr_factorizer<T>::qr_factorizer(solver_handle& h, int m, int n)
    : h_(&h), m_(m), n_(n), q_(m, n, h.stream()), r_(n, n, h.stream()), tau_(static_cast<std::size_t>(n), h.stream()),
      info_(zeroed_info(2, h.stream())) {
  if (m < n) throw usage_error("QR here needs m >= n (got " + std::to_string(m) + " x " + std::to_string(n) + ")");
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXgeqrf_bufferSize(h.get(), h.params(), m, n, data_type<T>(), q_.data.data(),
                                                  std::max(1, m), data_type<T>(), tau_.data(), data_type<T>(),
                                                  &device_bytes, &host_bytes));
  workspace_ = device_buffer<std::byte>(device_bytes, h.stream());
  host_workspace_.resize(host_bytes);
  int lwork = 0;
  GPULAB_CUSOLVER_TRY(orgqr_buffer(h.get(), std::max(1, m), n, q_.data.data(), tau_.data(), &lwork));
  orgqr_workspace_ = device_buffer<T>(static_cast<std::size_t>(lwork), h.stream());
}

// [snippet:qr]
template <class T>
void qr_factorizer<T>::factor_async(matrix_view<const T> a) {
  cuda::stream_ref s = h_->stream();
  copy_matrix_async(a, q_, s);
  const int ld = std::max(1, m_);
  // 1. geqrf: R lands in the upper triangle, the Householder reflectors below it.
  GPULAB_CUSOLVER_TRY(cusolverDnXgeqrf(
      h_->get(), h_->params(), m_, n_, data_type<T>(), q_.data.data(), ld, data_type<T>(),
      tau_.data(), data_type<T>(), workspace_.data(), workspace_.size(), host_workspace_.data(),
      host_workspace_.size(), info_.data()));
  // 2. Keep R (the top n x n, zeros below the diagonal) before orgqr overwrites it.
  if (n_ > 0) {
    GPULAB_CUDA_TRY(cudaMemcpy2DAsync(r_.data.data(), sizeof(T) * n_, q_.data.data(),
                                      sizeof(T) * ld, sizeof(T) * n_, n_, cudaMemcpyDeviceToDevice,
                                      s.get()));
  }
  zero_below_diagonal_async(r_.view(), s);
  // 3. orgqr: multiply the reflectors out into the m x n Q.
  GPULAB_CUSOLVER_TRY(orgqr(h_->get(), ld, n_, q_.data.data(), tau_.data(), orgqr_workspace_.data(),
                            static_cast<int>(orgqr_workspace_.size()), info_.data() + 1));
}
// [/snippet:qr]

template <class T>
void qr_factorizer<T>::check() const {
  check_infos(info_, {solver_routine::geqrf, solver_routine::orgqr});
}

// ---------------------------------------------------------------- SVD
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
svd_solver<T>::svd_solver(solver_handle& h, svd_algorithm algorithm, int m, int n)
    : h_(&h), algorithm_(algorithm), m_(m), n_(n), work_(m, n, h.stream()), u_(m, n, h.stream()),
      v_(n, n, h.stream()), s_(static_cast<std::size_t>(n), h.stream()), info_(zeroed_info(1, h.stream())) {
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
      blas_ = std::make_unique<blas_handle>(h.stream());
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
      blas_ = std::make_unique<blas_handle>(h.stream());
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
  workspace_ = device_buffer<std::byte>(device_bytes, h.stream());
  host_workspace_.resize(host_bytes);
  typed_workspace_ = device_buffer<T>(static_cast<std::size_t>(lwork), h.stream());
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
                                           vt_.data.data(), n_, data_type<T>(), workspace_.data(), workspace_.size(),
                                           host_workspace_.data(), host_workspace_.size(), info_.data()));
      GPULAB_CUBLAS_TRY(transpose_into(blas_->get(), n_, vt_.data.data(), v_.data.data()));
      break;
    case svd_algorithm::jacobi:
      GPULAB_CUSOLVER_TRY(gesvdj(sh, m_, n_, w, s_.data(), u_.data.data(), v_.data.data(), typed_workspace_.data(),
                                 static_cast<int>(typed_workspace_.size()), info_.data(), jacobi_));
      break;
    case svd_algorithm::polar: {
      double sigma_error = 0;  // an estimate of the singular values' error, returned to the host
      GPULAB_CUSOLVER_TRY(cusolverDnXgesvdp(sh, h_->params(), CUSOLVER_EIG_MODE_VECTOR, 1, m_, n_, data_type<T>(), w,
                                            m_, data_type<T>(), s_.data(), data_type<T>(), u_.data.data(), m_,
                                            data_type<T>(), v_.data.data(), n_, data_type<T>(), workspace_.data(),
                                            workspace_.size(), host_workspace_.data(), host_workspace_.size(),
                                            info_.data(), &sigma_error));
      break;
    }
    case svd_algorithm::gram: {
      double residual = 0;  // ||A - U S V^T||_F, returned to the host
      GPULAB_CUSOLVER_TRY(gesvda(sh, m_, n_, w, s_.data(), u_.data.data(), v_.data.data(), typed_workspace_.data(),
                                 static_cast<int>(typed_workspace_.size()), info_.data(), &residual));
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
      v_.data.data(), n, data_type<T>(), s_.data(), data_type<T>(), workspace_.data(),
      workspace_.size(), host_workspace_.data(), host_workspace_.size(), info_.data()));
  const T minus_one = -1;
  GPULAB_CUBLAS_TRY(cublasScalEx(blas.get(), n, &minus_one, data_type<T>(), s_.data(),
                                 data_type<T>(), 1, data_type<T>()));
  // 4. U = X V.
  gemm_async<T>(blas, T{1}, as_matrix(x), v_.view(), T{0}, u_.view());
  // [/snippet:newton_schulz_finish]
}

template <class T>
void svd_solver<T>::check() const {
  check_infos(info_, {svd_algorithm_solver_routine(algorithm_)});
}

// ---------------------------------------------------------------- symmetric eigenvalues
template <class T>
symmetric_eigen_solver<T>::symmetric_eigen_solver(solver_handle& h, int n)
    : h_(&h), n_(n), v_(n, n, h.stream()), w_(static_cast<std::size_t>(n), h.stream()),
      info_(zeroed_info(1, h.stream())) {
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXsyevd_bufferSize(h.get(), h.params(), CUSOLVER_EIG_MODE_VECTOR,
                                                  CUBLAS_FILL_MODE_LOWER, n, data_type<T>(), v_.data.data(),
                                                  std::max(1, n), data_type<T>(), w_.data(), data_type<T>(),
                                                  &device_bytes, &host_bytes));
  workspace_ = device_buffer<std::byte>(device_bytes, h.stream());
  host_workspace_.resize(host_bytes);
}

template <class T>
void symmetric_eigen_solver<T>::compute_async(matrix_view<const T> a) {
  copy_matrix_async(a, v_, h_->stream());  // syevd overwrites A with the eigenvectors
  GPULAB_CUSOLVER_TRY(cusolverDnXsyevd(h_->get(), h_->params(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n_,
                                       data_type<T>(), v_.data.data(), std::max(1, n_), data_type<T>(), w_.data(),
                                       data_type<T>(), workspace_.data(), workspace_.size(), host_workspace_.data(),
                                       host_workspace_.size(), info_.data()));
}

template <class T>
void symmetric_eigen_solver<T>::check() const {
  check_infos(info_, {solver_routine::syevd});
}

#define GPULAB_SOLVER_INSTANTIATE(T)                                                        \
  template struct device_matrix<T>;                                                         \
  template void copy_matrix_async<T>(matrix_view<const T>, device_matrix<T>&, cuda::stream_ref); \
  template device_matrix<T> copy_to_device<T>(const host_matrix<T>&, cuda::stream_ref);       \
  template host_matrix<T> copy_to_host<T>(matrix_view<const T>, cuda::stream_ref);            \
  template void poison_async<T>(matrix_view<const T>, cuda::stream_ref);                      \
  template void poison_async<T>(cuda::std::span<const T>, cuda::stream_ref);                  \
  template class lu_solver<T>;                                                              \
  template class cholesky_solver<T>;                                                        \
  template class qr_factorizer<T>;                                                          \
  template class svd_solver<T>;                                                             \
  template class symmetric_eigen_solver<T>;
GPULAB_SOLVER_INSTANTIATE(float)
GPULAB_SOLVER_INSTANTIATE(double)
#undef GPULAB_SOLVER_INSTANTIATE

}  // namespace gpulab::linalg

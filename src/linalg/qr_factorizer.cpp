// SPDX-License-Identifier: MIT
// QR of an m x n matrix, m >= n (solver.hpp): geqrf (Householder reflectors,
// 64-bit API), then orgqr forms Q explicitly. orgqr exists only typed
// (cusolverDnSorgqr / Dorgqr): one small overload per element type below.
#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/solver.hpp"
#include "solver_detail.hpp"

namespace gpulab::linalg {

using detail::data_type;

namespace {

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

}  // namespace

template <class T>
qr_factorizer<T>::qr_factorizer(solver_handle& h, int m, int n)
    : h_(&h), m_(m), n_(n), q_(m, n, h.stream()), r_(n, n, h.stream()), tau_(static_cast<std::size_t>(n), h.stream()),
      workspace_(h.stream()), info_(detail::zeroed_info(2, h.stream())) {
  if (m < n) throw usage_error("QR here needs m >= n (got " + std::to_string(m) + " x " + std::to_string(n) + ")");
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXgeqrf_bufferSize(h.get(), h.params(), m, n, data_type<T>(), q_.data.data(),
                                                  std::max(1, m), data_type<T>(), tau_.data(), data_type<T>(),
                                                  &device_bytes, &host_bytes));
  workspace_.reserve(device_bytes, host_bytes);
  int lwork = 0;  // orgqr runs after geqrf on the same stream: the same buffer serves both
  GPULAB_CUSOLVER_TRY(orgqr_buffer(h.get(), std::max(1, m), n, q_.data.data(), tau_.data(), &lwork));
  workspace_.reserve_elements<T>(lwork);
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
      tau_.data(), data_type<T>(), workspace_.device(), workspace_.device_bytes(),
      workspace_.host(), workspace_.host_bytes(), info_.data()));
  // 2. Keep R (the top n x n, zeros below the diagonal) before orgqr overwrites it.
  if (n_ > 0) {
    GPULAB_CUDA_TRY(cudaMemcpy2DAsync(r_.data.data(), sizeof(T) * n_, q_.data.data(),
                                      sizeof(T) * ld, sizeof(T) * n_, n_, cudaMemcpyDeviceToDevice,
                                      s.get()));
  }
  zero_below_diagonal_async(r_.view(), s);
  // 3. orgqr: multiply the reflectors out into the m x n Q.
  GPULAB_CUSOLVER_TRY(orgqr(h_->get(), ld, n_, q_.data.data(), tau_.data(),
                            workspace_.device_as<T>(), workspace_.device_elements<T>(),
                            info_.data() + 1));
}
// [/snippet:qr]

template <class T>
void qr_factorizer<T>::check() const {
  detail::check_infos(info_, {solver_routine::geqrf, solver_routine::orgqr});
}

template class qr_factorizer<float>;
template class qr_factorizer<double>;

}  // namespace gpulab::linalg

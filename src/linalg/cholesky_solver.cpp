// SPDX-License-Identifier: MIT
// Cholesky solve of A X = B, A symmetric positive definite (solver.hpp): potrf
// (A = L L^T, the lower triangle read), then potrs, through cuSOLVER's 64-bit API.
#include <algorithm>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/solver.hpp"
#include "solver_detail.hpp"

namespace gpulab::linalg {

using detail::data_type;

template <class T>
cholesky_solver<T>::cholesky_solver(solver_handle& h, int n, int nrhs)
    : h_(&h), n_(n), nrhs_(nrhs), l_(n, n, h.stream()), x_(n, nrhs, h.stream()), workspace_(h.stream()),
      info_(detail::zeroed_info(2, h.stream())) {
  detail::require_dimension(nrhs, "the number of right-hand sides");
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXpotrf_bufferSize(h.get(), h.params(), CUBLAS_FILL_MODE_LOWER, n, data_type<T>(),
                                                  l_.data.data(), std::max(1, n), data_type<T>(), &device_bytes,
                                                  &host_bytes));
  workspace_.reserve(device_bytes, host_bytes);  // potrs needs none
}

template <class T>
void cholesky_solver<T>::solve_async(matrix_view<const T> a, matrix_view<const T> b) {
  cuda::stream_ref s = h_->stream();
  copy_matrix_async(a, l_, s);
  copy_matrix_async(b, x_, s);
  const int ld = std::max(1, n_);
  GPULAB_CUSOLVER_TRY(cusolverDnXpotrf(h_->get(), h_->params(), CUBLAS_FILL_MODE_LOWER, n_, data_type<T>(),
                                       l_.data.data(), ld, data_type<T>(), workspace_.device(),
                                       workspace_.device_bytes(), workspace_.host(), workspace_.host_bytes(),
                                       info_.data()));
  GPULAB_CUSOLVER_TRY(cusolverDnXpotrs(h_->get(), h_->params(), CUBLAS_FILL_MODE_LOWER, n_, nrhs_, data_type<T>(),
                                       l_.data.data(), ld, data_type<T>(), x_.data.data(), ld, info_.data() + 1));
}

template <class T>
void cholesky_solver<T>::check() const {
  detail::check_infos(info_, {solver_routine::potrf, solver_routine::potrs});
}

template class cholesky_solver<float>;
template class cholesky_solver<double>;

}  // namespace gpulab::linalg

// SPDX-License-Identifier: MIT
// Eigenvalues and eigenvectors of a symmetric matrix (solver.hpp): syevd
// (tridiagonalise, then divide and conquer), through cuSOLVER's 64-bit API.
#include <algorithm>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/solver.hpp"
#include "solver_detail.hpp"

namespace gpulab::linalg {

using detail::data_type;

template <class T>
symmetric_eigen_solver<T>::symmetric_eigen_solver(solver_handle& h, int n)
    : h_(&h), n_(n), v_(n, n, h.stream()), w_(static_cast<std::size_t>(n), h.stream()), workspace_(h.stream()),
      info_(detail::zeroed_info(1, h.stream())) {
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXsyevd_bufferSize(h.get(), h.params(), CUSOLVER_EIG_MODE_VECTOR,
                                                  CUBLAS_FILL_MODE_LOWER, n, data_type<T>(), v_.data.data(),
                                                  std::max(1, n), data_type<T>(), w_.data(), data_type<T>(),
                                                  &device_bytes, &host_bytes));
  workspace_.reserve(device_bytes, host_bytes);
}

template <class T>
void symmetric_eigen_solver<T>::compute_async(matrix_view<const T> a) {
  copy_matrix_async(a, v_, h_->stream());  // syevd overwrites A with the eigenvectors
  GPULAB_CUSOLVER_TRY(cusolverDnXsyevd(h_->get(), h_->params(), CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n_,
                                       data_type<T>(), v_.data.data(), std::max(1, n_), data_type<T>(), w_.data(),
                                       data_type<T>(), workspace_.device(), workspace_.device_bytes(),
                                       workspace_.host(), workspace_.host_bytes(), info_.data()));
}

template <class T>
void symmetric_eigen_solver<T>::check() const {
  detail::check_infos(info_, {solver_routine::syevd});
}

template class symmetric_eigen_solver<float>;
template class symmetric_eigen_solver<double>;

}  // namespace gpulab::linalg

// SPDX-License-Identifier: MIT
// LU solve of A X = B (solver.hpp): getrf (P A = L U, partial pivoting), then
// getrs (two triangular solves), through cuSOLVER's 64-bit API.
#include <algorithm>

#include "gpulab/core/error.hpp"
#include "gpulab/linalg/solver.hpp"
#include "solver_detail.hpp"

namespace gpulab::linalg {

using detail::data_type;

template <class T>
lu_solver<T>::lu_solver(solver_handle& h, int n, int nrhs)
    : h_(&h), n_(n), nrhs_(nrhs), lu_(n, n, h.stream()), x_(n, nrhs, h.stream()),
      pivots_(static_cast<std::size_t>(n), h.stream()), workspace_(h.stream()),
      info_(detail::zeroed_info(2, h.stream())) {
  detail::require_dimension(nrhs, "the number of right-hand sides");
  std::size_t device_bytes = 0, host_bytes = 0;
  GPULAB_CUSOLVER_TRY(cusolverDnXgetrf_bufferSize(h.get(), h.params(), n, n, data_type<T>(), lu_.data.data(),
                                                  std::max(1, n), data_type<T>(), &device_bytes, &host_bytes));
  workspace_.reserve(device_bytes, host_bytes);  // getrs needs none
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
                                       workspace_.device(), workspace_.device_bytes(),
                                       workspace_.host(), workspace_.host_bytes(), info_.data()));
  GPULAB_CUSOLVER_TRY(cusolverDnXgetrs(h_->get(), h_->params(), CUBLAS_OP_N, n_, nrhs_,
                                       data_type<T>(), lu_.data.data(), ld, pivots_.data(),
                                       data_type<T>(), x_.data.data(), ld, info_.data() + 1));
}
// [/snippet:lu_solve]

template <class T>
void lu_solver<T>::check() const {
  detail::check_infos(info_, {solver_routine::getrf, solver_routine::getrs});
}

template class lu_solver<float>;
template class lu_solver<double>;

}  // namespace gpulab::linalg

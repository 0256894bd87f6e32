// SPDX-License-Identifier: MIT
// A^p on the GPU by repeated squaring: A^10 = A^8 A^2 takes 4 GEMMs, not 9.
// The course's case: 1000 x 1000, p = 10.
#pragma once

#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/solver.hpp"

namespace gpulab::linalg {

template <class T>
class matrix_power_plan {
 public:
  // All buffers are allocated here, none while computing.
  matrix_power_plan(blas_handle& blas, int n);
  // result() = A^p (p >= 0; A^0 = I). A is n x n, column-major.
  void compute_async(matrix_view<const T> a, int p);
  [[nodiscard]] matrix_view<const T> result() const { return result_->view(); }

 private:
  blas_handle* blas_;
  int n_;
  device_matrix<T> square_[2], product_[2];
  device_matrix<T>* result_;
};

}  // namespace gpulab::linalg

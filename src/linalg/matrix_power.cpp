// SPDX-License-Identifier: MIT
#include "gpulab/linalg/matrix_power.hpp"

#include <string>
#include <vector>

#include "gpulab/core/error.hpp"

namespace gpulab::linalg {

template <class T>
matrix_power_plan<T>::matrix_power_plan(blas_handle& blas, int n)
    : blas_(&blas), n_(n),
      square_{device_matrix<T>(n, n, blas.stream()), device_matrix<T>(n, n, blas.stream())},
      product_{device_matrix<T>(n, n, blas.stream()), device_matrix<T>(n, n, blas.stream())},
      result_(&product_[0]) {}

template <class T>
void matrix_power_plan<T>::compute_async(matrix_view<const T> a, int p) {
  if (p < 0) throw usage_error("matrix power: p must be >= 0, got " + std::to_string(p));
  if (a.extent(0) != n_ || a.extent(1) != n_) {
    throw usage_error("matrix power: the plan is for " + std::to_string(n_) + " x " +
                      std::to_string(n_) + ", got " + shape(a));
  }
  cuda::stream_ref s = blas_->stream();
  if (p == 0) {  // the identity, built on the host once in a while is fine
    std::vector<T> identity(static_cast<std::size_t>(n_) * n_, T{0});
    for (int i = 0; i < n_; ++i) identity[static_cast<std::size_t>(i) * n_ + i] = T{1};
    GPULAB_CUDA_TRY(cudaMemcpyAsync(product_[0].data.data(), identity.data(),
                                    sizeof(T) * identity.size(), cudaMemcpyHostToDevice, s.get()));
    GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));  // `identity` dies at the end of this scope
    result_ = &product_[0];
    return;
  }
  // [snippet:matrix_power]
  // Invariant: A^p = (product so far) * square^(bits left). Ping-pong buffers:
  // a GEMM must never write the matrix it reads.
  matrix_view<const T> square = a;
  int next_square = 0, next_product = 0;
  bool have_product = false;
  for (unsigned bits = static_cast<unsigned>(p); bits != 0; bits >>= 1) {
    if (bits & 1u) {
      device_matrix<T>& out = product_[next_product];
      if (!have_product) {
        copy_matrix_async(square, out, s);  // the first factor: a copy, not a product with I
      } else {
        gemm_async<T>(*blas_, T{1}, result_->view(), square, T{0}, out.view());
      }
      result_ = &out;
      next_product ^= 1;
      have_product = true;
    }
    if (bits > 1) {  // square again only while higher bits remain
      device_matrix<T>& out = square_[next_square];
      gemm_async<T>(*blas_, T{1}, square, square, T{0}, out.view());
      square = out.view();
      next_square ^= 1;
    }
  }
  // [/snippet:matrix_power]
}

template class matrix_power_plan<float>;
template class matrix_power_plan<double>;

}  // namespace gpulab::linalg

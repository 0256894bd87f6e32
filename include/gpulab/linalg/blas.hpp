// SPDX-License-Identifier: MIT
// A small typed layer over cuBLAS: a handle bound to a stream, matrix views
// that know their layout (cuda::std::mdspan, layout.hpp), float and double, and
// the tensor-core modes TF32 and BF16 for GEMM.
//
// Every call here only enqueues work on the handle's stream (hence `_async`),
// except dot() and nrm2(): they return a number to the host, so they wait.
// All pointers are device pointers.
#pragma once

#include <cublas_v2.h>

#include <bit>
#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>

#include "gpulab/linalg/layout.hpp"

namespace gpulab::linalg {

// One cuBLAS context (it holds workspace and the library's state: create it
// once, not per call), bound to one stream. Move-only.
class blas_handle {
 public:
  explicit blas_handle(cuda::stream_ref s);
  ~blas_handle();
  blas_handle(const blas_handle&) = delete;
  blas_handle& operator=(const blas_handle&) = delete;
  blas_handle(blas_handle&& other) noexcept;
  blas_handle& operator=(blas_handle&& other) noexcept;

  [[nodiscard]] cublasHandle_t get() const noexcept { return handle_; }
  [[nodiscard]] cuda::stream_ref stream() const noexcept { return stream_; }

 private:
  cublasHandle_t handle_ = nullptr;
  cuda::stream_ref stream_;
};

// bfloat16: the top 16 bits of a float (8 exponent bits, 7 mantissa bits). The
// tensor cores multiply these at twice the TF32 rate; the sums stay in FP32.
struct bf16 {
  std::uint16_t bits = 0;
};
// Round to nearest even; NaN stays NaN.
inline bf16 to_bf16(float value) {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(value);
  if ((u & 0x7FFFFFFFu) > 0x7F800000u) return {0x7FC0};
  const std::uint32_t rounding = 0x7FFFu + ((u >> 16) & 1u);
  return {static_cast<std::uint16_t>((u + rounding) >> 16)};
}
inline float to_float(bf16 value) { return std::bit_cast<float>(static_cast<std::uint32_t>(value.bits) << 16); }

// Which units do a float GEMM's multiply-adds.
enum class float_math {
  fp32,  // CUDA cores, exact FP32 products
  tf32,  // tensor cores: inputs rounded to TF32 (10 mantissa bits), sums in FP32
};

// C = alpha A B + beta C, any mix of layouts (beta = 0: C is not read).
// Throws usage_error when the shapes do not conform.
template <class T>
void gemm_async(blas_handle& blas, T alpha, matrix_view<const T> a, matrix_view<const T> b, T beta,
                matrix_view<T> c, float_math math = float_math::fp32);
// BF16 inputs, FP32 sums and output.
void gemm_bf16_async(blas_handle& blas, float alpha, matrix_view<const bf16> a, matrix_view<const bf16> b, float beta,
                     matrix_view<float> c);

// count independent products C_i = alpha A_i B_i + beta C_i, matrix i starting
// `stride` elements after matrix i - 1 (one launch for all of them).
template <class T>
void gemm_strided_batched_async(blas_handle& blas, T alpha, matrix_view<const T> a, long long stride_a,
                                matrix_view<const T> b, long long stride_b, T beta, matrix_view<T> c,
                                long long stride_c, int count);

// y = alpha A x + beta y
template <class T>
void gemv_async(blas_handle& blas, T alpha, matrix_view<const T> a, cuda::std::span<const T> x, T beta,
                cuda::std::span<T> y);
// y = alpha x + y
template <class T>
void axpy_async(blas_handle& blas, T alpha, cuda::std::span<const T> x, cuda::std::span<T> y);
// x . y, returned to the host (waits for the stream).
template <class T>
T dot(blas_handle& blas, cuda::std::span<const T> x, cuda::std::span<const T> y);
// ||x||_2, returned to the host (waits for the stream).
template <class T>
T nrm2(blas_handle& blas, cuda::std::span<const T> x);

}  // namespace gpulab::linalg

// SPDX-License-Identifier: MIT
// The cuBLAS layer: layouts become cuBLAS arguments (layout.hpp), types become
// cudaDataType values, and every status is checked.
#include "gpulab/linalg/blas.hpp"

#include <climits>
#include <string>
#include <utility>

#include "gpulab/core/error.hpp"

namespace gpulab::linalg {

blas_handle::blas_handle(cuda::stream_ref s) : stream_(s) {
  GPULAB_CUBLAS_TRY(cublasCreate(&handle_));
  GPULAB_CUBLAS_TRY(cublasSetStream(handle_, s.get()));
}
blas_handle::~blas_handle() {
  if (handle_ != nullptr) (void)cublasDestroy(handle_);
}
blas_handle::blas_handle(blas_handle&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), stream_(other.stream_) {}
blas_handle& blas_handle::operator=(blas_handle&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) (void)cublasDestroy(handle_);
    handle_ = std::exchange(other.handle_, nullptr);
    stream_ = other.stream_;
  }
  return *this;
}

namespace {

template <class T>
constexpr cudaDataType data_type() {
  if constexpr (std::is_same_v<T, double>) return CUDA_R_64F;
  else if constexpr (std::is_same_v<T, float>) return CUDA_R_32F;
  else return CUDA_R_16BF;
}

cublasOperation_t to_cublas(transpose t) { return t == transpose::yes ? CUBLAS_OP_T : CUBLAS_OP_N; }

int vector_length(std::size_t size, const char* what) {
  if (size > static_cast<std::size_t>(INT_MAX)) {
    throw usage_error(std::string(what) + ": vectors longer than 2^31 - 1 elements are not supported");
  }
  return static_cast<int>(size);
}

// [snippet:gemm_ex]
// One GEMM through cublasGemmEx: the types of A, B and C and the compute type
// (which units do the multiply-adds) are arguments, not part of the name.
template <class In, class Out, class Scalar>
void gemm_ex(blas_handle& blas, const gemm_call<In, Out>& call, Scalar alpha, Scalar beta,
             cublasComputeType_t compute) {
  GPULAB_CUBLAS_TRY(cublasGemmEx(blas.get(), to_cublas(call.op_a), to_cublas(call.op_b), call.m,
                                 call.n, call.k, &alpha, call.a, data_type<In>(), call.lda, call.b,
                                 data_type<In>(), call.ldb, &beta, call.c, data_type<Out>(),
                                 call.ldc, compute, CUBLAS_GEMM_DEFAULT));
}
// [/snippet:gemm_ex]

// cuBLAS has no type-generic GEMV: one overload per type.
cublasStatus_t gemv(cublasHandle_t h, cublasOperation_t op, int m, int n, const float* alpha, const float* a,
                    int lda, const float* x, const float* beta, float* y) {
  return cublasSgemv(h, op, m, n, alpha, a, lda, x, 1, beta, y, 1);
}
cublasStatus_t gemv(cublasHandle_t h, cublasOperation_t op, int m, int n, const double* alpha, const double* a,
                    int lda, const double* x, const double* beta, double* y) {
  return cublasDgemv(h, op, m, n, alpha, a, lda, x, 1, beta, y, 1);
}

}  // namespace

template <class T>
void gemm_async(blas_handle& blas, T alpha, matrix_view<const T> a, matrix_view<const T> b, T beta,
                matrix_view<T> c, float_math math) {
  const gemm_call<T, T> call = column_major_gemm(a, b, c);
  cublasComputeType_t compute = std::is_same_v<T, double> ? CUBLAS_COMPUTE_64F : CUBLAS_COMPUTE_32F;
  if (math == float_math::tf32) {
    if (!std::is_same_v<T, float>) throw usage_error("TF32 is a mode of float GEMMs only");
    compute = CUBLAS_COMPUTE_32F_FAST_TF32;
  }
  gemm_ex(blas, call, alpha, beta, compute);
}

void gemm_bf16_async(blas_handle& blas, float alpha, matrix_view<const bf16> a, matrix_view<const bf16> b, float beta,
                     matrix_view<float> c) {
  gemm_ex(blas, column_major_gemm(a, b, c), alpha, beta, CUBLAS_COMPUTE_32F);
}

template <class T>
void gemm_strided_batched_async(blas_handle& blas, T alpha, matrix_view<const T> a, long long stride_a,
                                matrix_view<const T> b, long long stride_b, T beta, matrix_view<T> c,
                                long long stride_c, int count) {
  if (count < 0) throw usage_error("gemm_strided_batched: negative batch count " + std::to_string(count));
  const gemm_call<T, T> call = column_major_gemm(a, b, c);
  // When C is row-major the call multiplies B^T A^T: B's memory comes first.
  const bool swapped = storage_order(c) == layout::row_major;
  const cublasComputeType_t compute = std::is_same_v<T, double> ? CUBLAS_COMPUTE_64F : CUBLAS_COMPUTE_32F;
  GPULAB_CUBLAS_TRY(cublasGemmStridedBatchedEx(
      blas.get(), to_cublas(call.op_a), to_cublas(call.op_b), call.m, call.n, call.k, &alpha, call.a, data_type<T>(),
      call.lda, swapped ? stride_b : stride_a, call.b, data_type<T>(), call.ldb, swapped ? stride_a : stride_b, &beta,
      call.c, data_type<T>(), call.ldc, stride_c, count, compute, CUBLAS_GEMM_DEFAULT));
}

template <class T>
void gemv_async(blas_handle& blas, T alpha, matrix_view<const T> a, cuda::std::span<const T> x, T beta,
                cuda::std::span<T> y) {
  const gemv_call<T> call = column_major_gemv(a, x.size(), y.size());
  GPULAB_CUBLAS_TRY(gemv(blas.get(), to_cublas(call.op), call.m, call.n, &alpha, call.a, call.lda, x.data(), &beta,
                         y.data()));
}

template <class T>
void axpy_async(blas_handle& blas, T alpha, cuda::std::span<const T> x, cuda::std::span<T> y) {
  if (x.size() != y.size()) {
    throw usage_error("axpy: x has " + std::to_string(x.size()) + " elements, y has " + std::to_string(y.size()));
  }
  GPULAB_CUBLAS_TRY(cublasAxpyEx(blas.get(), vector_length(x.size(), "axpy"), &alpha, data_type<T>(), x.data(),
                                 data_type<T>(), 1, y.data(), data_type<T>(), 1, data_type<T>()));
}

template <class T>
T dot(blas_handle& blas, cuda::std::span<const T> x, cuda::std::span<const T> y) {
  if (x.size() != y.size()) {
    throw usage_error("dot: x has " + std::to_string(x.size()) + " elements, y has " + std::to_string(y.size()));
  }
  T result{};
  // The result pointer is a host pointer (the default pointer mode), so cuBLAS waits for it.
  GPULAB_CUBLAS_TRY(cublasDotEx(blas.get(), vector_length(x.size(), "dot"), x.data(), data_type<T>(), 1, y.data(),
                                data_type<T>(), 1, &result, data_type<T>(), data_type<T>()));
  return result;
}

template <class T>
T nrm2(blas_handle& blas, cuda::std::span<const T> x) {
  T result{};
  GPULAB_CUBLAS_TRY(cublasNrm2Ex(blas.get(), vector_length(x.size(), "nrm2"), x.data(), data_type<T>(), 1, &result,
                                 data_type<T>(), data_type<T>()));
  return result;
}

#define GPULAB_BLAS_INSTANTIATE(T)                                                                               \
  template void gemm_async<T>(blas_handle&, T, matrix_view<const T>, matrix_view<const T>, T, matrix_view<T>,    \
                              float_math);                                                                       \
  template void gemm_strided_batched_async<T>(blas_handle&, T, matrix_view<const T>, long long,                  \
                                              matrix_view<const T>, long long, T, matrix_view<T>, long long, int); \
  template void gemv_async<T>(blas_handle&, T, matrix_view<const T>, cuda::std::span<const T>, T,                \
                              cuda::std::span<T>);                                                               \
  template void axpy_async<T>(blas_handle&, T, cuda::std::span<const T>, cuda::std::span<T>);                    \
  template T dot<T>(blas_handle&, cuda::std::span<const T>, cuda::std::span<const T>);                           \
  template T nrm2<T>(blas_handle&, cuda::std::span<const T>);
GPULAB_BLAS_INSTANTIATE(float)
GPULAB_BLAS_INSTANTIATE(double)
#undef GPULAB_BLAS_INSTANTIATE

}  // namespace gpulab::linalg

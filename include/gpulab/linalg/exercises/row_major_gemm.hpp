// SPDX-License-Identifier: MIT
// Exercise (module 3): C = A B for row-major float matrices with one cuBLAS call.
//   A is m x k, B is k x n, C is m x n, all row-major and tightly packed
//   (element (i, j) of C at c[i * n + j]). cuBLAS is column-major.
#pragma once

#include <cublas_v2.h>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

using row_major_gemm_fn = void (*)(cublasHandle_t handle, int m, int n, int k, const float* a, const float* b,
                                   float* c);

namespace reference {
void row_major_gemm(cublasHandle_t handle, int m, int n, int k, const float* a, const float* b, float* c);
}
namespace trainee {
void row_major_gemm(cublasHandle_t handle, int m, int n, int k, const float* a, const float* b, float* c);
}

check_report check_row_major_gemm(row_major_gemm_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

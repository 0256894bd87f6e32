// SPDX-License-Identifier: MIT
// EXERCISE (module 3, linalg): call cuBLAS correctly on row-major data.
//
// Compute C = A B with ONE call to cublasSgemm, where A (m x k), B (k x n) and
// C (m x n) are row-major float matrices in device memory, tightly packed:
// element (i, j) of C lives at c[i * n + j].
//
// cuBLAS reads every matrix column-major: element (i, j) at data[i + j * ld].
// Do not copy or transpose anything. Instead, notice that a row-major matrix
// read column-major is its transpose, and that (A B)^T = B^T A^T.
//
//   cublasSgemm(handle, transa, transb, M, N, K, &alpha, A_, lda, B_, ldb, &beta, C_, ldc)
//   computes C_ = alpha op(A_) op(B_) + beta C_ with C_ M x N column-major.
//
// Hints: which matrix goes first? What are M, N and K then? The leading
// dimension of a packed row-major matrix is its number of columns.
//
// Check your solution with:   gpulab check row_major_gemm
// (This file is compiled once, by src/exercises/row_major_gemm.cpp: a definition, not a declaration.)
#pragma once

#include <cublas_v2.h>

#include "gpulab/core/error.hpp"  // GPULAB_CUBLAS_TRY

namespace gpulab::exercises::trainee {

void row_major_gemm(cublasHandle_t handle, int m, int n, int k, const float* a, const float* b, float* c) {
  const float alpha = 1.0f, beta = 0.0f;
  // TODO(trainee): one cublasSgemm call here (wrap it in GPULAB_CUBLAS_TRY to see errors).
  (void)handle, (void)m, (void)n, (void)k, (void)a, (void)b, (void)c, (void)alpha, (void)beta;
}

}  // namespace gpulab::exercises::trainee

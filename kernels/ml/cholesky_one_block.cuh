// SPDX-License-Identifier: MIT
// The normal equations' small system solved by one thread block, in double, in
// shared memory. The system is (d + 1) x (d + 1) (65 x 65 in the course): cuSOLVER's
// potrf + potrs take about 90 us for it on an H200 (eight launches, each a few
// blocks), where the arithmetic is 0.1 MFLOP. One block that keeps the matrix in
// shared memory needs one launch, but a chain of barriers: three a column, two an
// unknown of the substitution. Measured on the H200 (ncu, 2026-12-03): 59 us, the
// barriers' chain and the double square roots and reciprocals on it, not the FLOPs.
//
// The trick that saves a step: G = [X 1 y]^T [X 1 y] (kernels/ml/gram_one_pass.cuh)
// is the system bordered by its right-hand side:
//
//   G = [[A, r], [r^T, y^T y]],   A = [X 1]^T [X 1],   r = [X 1]^T y.
//
// Cholesky's first m = d + 1 columns of G give A = L L^T, and as a by-product the
// last row of the factor holds z = L^-1 r (the forward substitution). What is
// left is the backward one: L^T [w; b] = z.
#pragma once

#include <cstdint>

namespace gpulab::ml::kernels {

// g: (d + 2) x (d + 2), column-major, both triangles. Writes the d weights, then the
// intercept, to coefficients; rank = d. If A + ridge I (ridge on the weights only)
// is not positive definite, *failed_column = the first column whose pivot is not
// positive (1-based) and the coefficients are NaN; else *failed_column = 0.
// Launch: one block (32 x 8 threads here; any shape works, the loops stride by it).
// Dynamic shared memory: (d + 2)^2 + d + 1 doubles.
// The loops walk (row, column) pairs as (lane, warp) strides: no division or
// modulo in the index arithmetic, and one double reciprocal per column (a double
// division is a long sequence of instructions; the pivots' inverses are kept).
static __global__ void solve_normal_equations_one_block(const double* __restrict__ g, int d, float ridge,
                                                        float* __restrict__ coefficients, int* __restrict__ rank,
                                                        int* __restrict__ failed_column) {
  extern __shared__ double factor[];  // c x c, column-major: the lower triangle becomes L; then m inverses
  __shared__ int failed;
  const int c = d + 2, m = d + 1;
  double* inverse = factor + c * c;  // 1 / L[k][k]
  const int x = static_cast<int>(threadIdx.x), y = static_cast<int>(threadIdx.y);
  const int t = x + y * static_cast<int>(blockDim.x);
  const int xs = static_cast<int>(blockDim.x), ys = static_cast<int>(blockDim.y);
  for (int j = y; j < c; j += ys) {
    for (int i = x; i < c; i += xs) factor[i + j * c] = g[i + j * c] + (i == j && i < d ? ridge : 0.0);
  }
  if (t == 0) failed = 0;
  __syncthreads();

  // Right-looking Cholesky over the first m columns; the rows go down to c - 1, so
  // row c - 1 (the bordering r^T) becomes z^T on the way.
  for (int k = 0; k < m; ++k) {
    if (t == 0) {
      const double pivot = factor[k + k * c];
      if (pivot > 0) {  // false for NaN too
        const double root = sqrt(pivot);
        factor[k + k * c] = root;
        inverse[k] = 1.0 / root;
      } else {
        failed = k + 1;
      }
    }
    __syncthreads();
    if (failed != 0) break;  // the same value for every thread, read after the barrier
    const double scale = inverse[k];
    for (int i = k + 1 + t; i < c; i += xs * ys) factor[i + k * c] *= scale;
    __syncthreads();
    // The trailing lower triangle (rows j .. c - 1 of columns k + 1 .. m - 1) loses column k's outer product.
    for (int j = k + 1 + y; j < m; j += ys) {
      const double ljk = factor[j + k * c];
      for (int i = j + x; i < c; i += xs) factor[i + j * c] -= factor[i + k * c] * ljk;
    }
    __syncthreads();
  }
  if (failed != 0) {
    for (int i = t; i < m; i += xs * ys) coefficients[i] = __int_as_float(0x7fc00000);  // NaN: no answer
    if (t == 0) {
      *failed_column = failed;
      *rank = 0;
    }
    return;
  }

  // Backward substitution L^T x = z, z = row c - 1 of the factor (columns 0 .. m - 1):
  // one unknown at a time, the rest of the column updated in parallel.
  double* z = factor + (c - 1);  // z[k * c]: entry k of the last row
  for (int k = m - 1; k >= 0; --k) {
    if (t == 0) z[k * c] *= inverse[k];
    __syncthreads();
    const double xk = z[k * c];
    for (int i = t; i < k; i += xs * ys) z[i * c] -= factor[k + i * c] * xk;  // (L^T)[i][k] = L[k][i]
    __syncthreads();
  }
  for (int i = t; i < m; i += xs * ys) coefficients[i] = static_cast<float>(z[i * c]);
  if (t == 0) {
    *failed_column = 0;
    *rank = d;
  }
}

}  // namespace gpulab::ml::kernels

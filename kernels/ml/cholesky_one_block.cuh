// SPDX-License-Identifier: MIT
// The normal equations' small system solved by one thread block, in double, in
// shared memory. The system is (d + 1) x (d + 1) (65 x 65 in the course): cuSOLVER's
// potrf + potrs take about 90 us for it on an H200 (eight launches, each a few
// blocks), where the arithmetic is 0.1 MFLOP. One block that keeps the matrix in
// shared memory needs one launch, and then its time is the chain of steps, one
// barrier each, not the FLOPs.
//
// The trick that saves a step: G = [X 1 y]^T [X 1 y] (kernels/ml/gram_one_pass.cuh)
// is the system bordered by its right-hand side:
//
//   G = [[A, r], [r^T, y^T y]],   A = [X 1]^T [X 1],   r = [X 1]^T y.
//
// Eliminating G's first m = d + 1 columns factors A = L D L^T, and as a by-product
// the last row holds u = L^-1 r (the forward substitution). What is left is the
// backward one: D L^T [w; b] = u.
#pragma once

#include <cstdint>

namespace gpulab::ml::kernels {

// g: (d + 2) x (d + 2), column-major, both triangles. Writes the d weights, then the
// intercept, to coefficients; rank = d. If A + ridge I (ridge on the weights only)
// is not positive definite, *failed_column = the first column whose pivot is not
// positive (1-based) and the coefficients are NaN; else *failed_column = 0.
// Launch: one block (32 x 8 threads here; any shape of at least 32 threads works,
// the loops stride by it). Dynamic shared memory: (d + 2)^2 + d + 1 doubles.
//
// [snippet:ldlt_one_block]
// The factorization is A = L D L^T (L unit lower triangular, D diagonal): Cholesky
// without its square roots. Step k removes column k from the trailing matrix,
//   a_ij -= a_ik a_jk / a_kk   (i >= j > k),
// and every thread computes 1 / a_kk for itself, so a step is one phase and one
// barrier. (The first version, L L^T, needed three barriers a step: one thread took
// the square root and the reciprocal while the others waited, then the column was
// scaled, then the update; 59 us on the H200, 2026-12-04. This one takes 53 us: the
// barriers were not the cost, the update's chain of shared-memory loads and double
// multiply-adds is.) Column k keeps a_ik = d_k L_ik.
// [/snippet:ldlt_one_block]
static __global__ void solve_normal_equations_one_block(const double* __restrict__ g, int d, float ridge,
                                                        float* __restrict__ coefficients, int* __restrict__ rank,
                                                        int* __restrict__ failed_column) {
  extern __shared__ double factor[];  // c x c, column-major: the lower triangle becomes D L; then m inverses
  const int c = d + 2, m = d + 1;
  double* inverse = factor + c * c;  // 1 / d_k
  const int x = static_cast<int>(threadIdx.x), y = static_cast<int>(threadIdx.y);
  const int t = x + y * static_cast<int>(blockDim.x);
  const int xs = static_cast<int>(blockDim.x), ys = static_cast<int>(blockDim.y);
  for (int j = y; j < c; j += ys) {
    for (int i = x; i < c; i += xs) factor[i + j * c] = g[i + j * c] + (i == j && i < d ? ridge : 0.0);
  }
  __syncthreads();

  // Symmetric elimination of the first m columns; the rows go down to c - 1, so row
  // c - 1 (the bordering r^T) becomes u^T = (L^-1 r)^T on the way.
  int failed = 0;  // every thread reads the same pivots, so every thread agrees on it
  for (int k = 0; k < m; ++k) {
    const double pivot = factor[k + k * c];
    if (!(pivot > 0)) {  // true for NaN too
      failed = k + 1;
      break;
    }
    const double inv = 1.0 / pivot;
    // The trailing lower triangle (rows j .. c - 1 of columns k + 1 .. m - 1): reads
    // column k only, writes columns past k only: no thread waits inside the step.
    for (int j = k + 1 + y; j < m; j += ys) {
      const double ljk = factor[j + k * c] * inv;
      for (int i = j + x; i < c; i += xs) factor[i + j * c] -= factor[i + k * c] * ljk;
    }
    if (t == 0) inverse[k] = inv;
    __syncthreads();  // column k + 1 is final before anyone reads its pivot
  }
  if (failed != 0) {
    for (int i = t; i < m; i += xs * ys) coefficients[i] = __int_as_float(0x7fc00000);  // NaN: no answer
    if (t == 0) {
      *failed_column = failed;
      *rank = 0;
    }
    return;
  }

  // Backward substitution D L^T w = u, u = row c - 1 of the factor (columns 0 .. m - 1):
  // w_k = (u_k - sum_{i > k} a_ik w_i) / d_k, one unknown at a time, by the first
  // warp alone (at most 3 rows a lane; a warp's barrier is far cheaper than a block's).
  double* u = factor + (c - 1);  // u[k * c]: entry k of the last row
  if (t < 32) {
    for (int k = m - 1; k >= 0; --k) {
      const double wk = u[k * c] * inverse[k];
      for (int i = t; i < k; i += 32) u[i * c] -= factor[k + i * c] * wk;  // a_ki, k > i: column i of the factor
      __syncwarp();
    }
    for (int i = t; i < m; i += 32) coefficients[i] = static_cast<float>(u[i * c] * inverse[i]);
    if (t == 0) {
      *failed_column = 0;
      *rank = d;
    }
  }
}

}  // namespace gpulab::ml::kernels

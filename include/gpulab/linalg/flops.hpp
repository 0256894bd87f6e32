// SPDX-License-Identifier: MIT
// How many floating-point operations each linear-algebra case must do: the
// numerator of its GFLOP/s. Counts are the usual ones (LAPACK Working Note 41),
// leading terms, real arithmetic; a multiply-add counts as 2.
#pragma once

#include <bit>
#include <cstdint>

namespace gpulab::linalg {

// C = A B with A m x k and B k x n.
constexpr double gemm_flops(double m, double n, double k) { return 2.0 * m * n * k; }

// GEMMs in A^p by repeated squaring: one squaring per bit below the top one,
// one multiply per extra set bit (p = 10 = 1010b: A^2, A^4, A^8, A^8 A^2: 4).
constexpr int matrix_power_gemms(std::uint32_t p) {
  if (p <= 1) return 0;
  return (std::bit_width(p) - 1) + (std::popcount(p) - 1);
}
constexpr double matrix_power_flops(double n, std::uint32_t p) { return matrix_power_gemms(p) * gemm_flops(n, n, n); }

// LU factorisation of n x n (getrf) and a solve with nrhs right-hand sides (getrs).
constexpr double lu_solve_flops(double n, double nrhs) { return 2.0 / 3.0 * n * n * n + 2.0 * n * n * nrhs; }
// Cholesky factorisation (potrf) and a solve (potrs).
constexpr double cholesky_solve_flops(double n, double nrhs) { return n * n * n / 3.0 + 2.0 * n * n * nrhs; }
// QR of m x n, m >= n (geqrf), plus forming the m x n Q explicitly (orgqr).
constexpr double qr_flops(double m, double n) {
  const double geqrf = 2.0 * m * n * n - 2.0 / 3.0 * n * n * n;
  const double orgqr = 2.0 * m * n * n - 2.0 / 3.0 * n * n * n;
  return geqrf + orgqr;
}

}  // namespace gpulab::linalg

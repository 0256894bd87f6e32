// SPDX-License-Identifier: MIT
#include "gpulab/linalg/solver_checks.hpp"

namespace gpulab::linalg {

const char* solver_routine_name(solver_routine r) {
  switch (r) {
    case solver_routine::getrf: return "getrf (LU)";
    case solver_routine::getrs: return "getrs (LU solve)";
    case solver_routine::potrf: return "potrf (Cholesky)";
    case solver_routine::potrs: return "potrs (Cholesky solve)";
    case solver_routine::geqrf: return "geqrf (QR)";
    case solver_routine::orgqr: return "orgqr (forming Q)";
    case solver_routine::gesvd: return "gesvd (SVD)";
    case solver_routine::gesvdj: return "gesvdj (Jacobi SVD)";
    case solver_routine::gesvdp: return "gesvdp (polar SVD)";
    case solver_routine::gesvda: return "gesvda (Gram-matrix SVD)";
    case solver_routine::syevd: return "syevd (symmetric eigenvalues)";
  }
  return "?";
}

void check_solver_info(solver_routine r, int info) {
  if (info == 0) return;
  const std::string routine = solver_routine_name(r);
  if (info < 0) {
    throw error("cuSOLVER " + routine + ": parameter " + std::to_string(-info) + " is invalid (a bug in gpulab)");
  }
  const std::string k = std::to_string(info);
  switch (r) {
    case solver_routine::getrf:
      throw numerical_error("the matrix is singular: " + routine + " found U(" + k + ", " + k +
                            ") = 0, so A x = b has no unique solution");
    case solver_routine::potrf:
      throw numerical_error("the matrix is not positive definite: " + routine + " found the leading minor of order " +
                            k + " not positive");
    case solver_routine::gesvd:
      throw numerical_error(routine + " did not converge: " + k + " superdiagonals of the bidiagonal form remain");
    case solver_routine::gesvdj:
      throw numerical_error(routine + " did not converge within its sweeps (info " + k + ")");
    case solver_routine::gesvdp:
    case solver_routine::gesvda:
      throw numerical_error(routine + " failed (info " + k + "): the matrix may be (numerically) rank deficient");
    case solver_routine::syevd:
      throw numerical_error(routine + " did not converge (info " + k + ")");
    case solver_routine::getrs:
    case solver_routine::potrs:
    case solver_routine::geqrf:
    case solver_routine::orgqr:
      break;
  }
  throw numerical_error("cuSOLVER " + routine + " failed (info " + k + ")");
}

}  // namespace gpulab::linalg

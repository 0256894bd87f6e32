// SPDX-License-Identifier: MIT
// What cuSOLVER's `info` says, in words, and the input checks every solver
// case runs first: a singular matrix or a NaN must become a clear error, never
// a wrong answer printed as if it were right.
//
// cuSOLVER returns two things: a status (did the call run?) and, in device
// memory, `info` (did the mathematics work?). info < 0: parameter -info was
// wrong (a bug in the caller); info > 0: the routine's own failure, below.
#pragma once

#include <cmath>
#include <span>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::linalg {

enum class solver_routine {
  getrf,   // LU with partial pivoting
  getrs,   // the triangular solves after getrf
  potrf,   // Cholesky
  potrs,   // the triangular solves after potrf
  geqrf,   // QR (never fails for finite input)
  orgqr,   // forming Q from geqrf's reflectors
  gesvd,   // SVD, QR iteration
  gesvdj,  // SVD, Jacobi
  gesvdp,  // SVD, polar decomposition
  gesvda,  // SVD, through the Gram matrix A^T A
  syevd,   // symmetric eigenvalues, divide and conquer
};
const char* solver_routine_name(solver_routine r);

// Throws numerical_error (exit code 2) for info > 0, error (internal) for info < 0.
void check_solver_info(solver_routine r, int info);

// Throws numerical_error naming the first NaN or infinity and where it is.
template <class T>
void require_finite(std::span<const T> values, const std::string& what) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      throw numerical_error(what + " contains " + (std::isnan(values[i]) ? "NaN" : "an infinity") +
                            " (element " + std::to_string(i) + "): no factorisation of it means anything");
    }
  }
}

}  // namespace gpulab::linalg

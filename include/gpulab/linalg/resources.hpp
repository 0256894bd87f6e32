// SPDX-License-Identifier: MIT
// The device's cuBLAS and cuSOLVER handles, kept in its resources: made on
// first use, bound to the device's stream, shared by every case and demo of
// the run (a handle holds workspace and library state: make it once, not per call).
#pragma once

#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/solver.hpp"

namespace gpulab::linalg {

inline blas_handle& blas(resources& res) {
  return res.get_or_create<blas_handle>([&] { return blas_handle(res.stream()); });
}

inline solver_handle& solver(resources& res) {
  return res.get_or_create<solver_handle>([&] { return solver_handle(res.stream()); });
}

}  // namespace gpulab::linalg

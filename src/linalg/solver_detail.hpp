// SPDX-License-Identifier: MIT
// What the cuSOLVER classes (lu_solver.cpp, ..., symmetric_eigen_solver.cpp)
// share: the element type as cuSOLVER's enum, info flags and their check.
// Private to src/linalg.
#pragma once

#include <cuda_runtime.h>
#include <library_types.h>

#include <cstddef>
#include <cuda/stream_ref>
#include <initializer_list>
#include <type_traits>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/solver_checks.hpp"

namespace gpulab::linalg::detail {

// The 64-bit API (cusolverDnX...) takes the element type as an argument.
template <class T>
constexpr cudaDataType data_type() {
  return std::is_same_v<T, double> ? CUDA_R_64F : CUDA_R_32F;
}

// `count` info flags on the device, zeroed: one per routine a solver runs, so
// that a later routine cannot overwrite an earlier one's verdict.
device_buffer<int> zeroed_info(std::size_t count, cuda::stream_ref s);

// Reads the info flags back (waits) and checks each against its routine
// (check_solver_info: numerical_error for a singular matrix, ...). At most 4.
void check_infos(const device_buffer<int>& info, std::initializer_list<solver_routine> routines);

// Throws usage_error for n < 0, naming `what`.
void require_dimension(int n, const char* what);

}  // namespace gpulab::linalg::detail

// SPDX-License-Identifier: MIT
// One cell of module 8's wave solver, for the host loops and (later) the kernels:
// plain arithmetic, no host-only types (the solver itself is in wave.hpp).
#pragma once

#include <cmath>
#include <cstdint>

#include "gpulab/core/host_device.hpp"

namespace gpulab::multigpu {

// The starting field: a Gaussian pulse off centre (at 35% of the rows and 60% of
// the columns), so that no symmetry of the grid hides a row sent to the wrong
// rank; zero on the grid's edge, which stays zero (the fixed boundary).
GPULAB_HOST_DEVICE inline float initial_value(std::int64_t rows, std::int64_t cols, std::int64_t row,
                                              std::int64_t col) {
  if (row <= 0 || col <= 0 || row >= rows - 1 || col >= cols - 1) return 0.0f;
  const double smaller_side = static_cast<double>(rows < cols ? rows : cols);
  const double width = smaller_side / 12.0 > 1.0 ? smaller_side / 12.0 : 1.0;
  const double dy = (static_cast<double>(row) - 0.35 * static_cast<double>(rows - 1)) / width;
  const double dx = (static_cast<double>(col) - 0.60 * static_cast<double>(cols - 1)) / width;
  return static_cast<float>(std::exp(-0.5 * (dx * dx + dy * dy)));
}

// The leapfrog step of u_tt = c^2 (u_xx + u_yy) at one cell, float32:
//   u_next = 2 u - u_prev + (c dt / dx)^2 * (u_up + u_down + u_left + u_right - 4 u)
// Every solver, divided or not, computes each cell with this one expression, in
// this order: that is why the divided field equals the undivided one bit for bit.
GPULAB_HOST_DEVICE inline float leapfrog_cell(float up, float down, float left, float right, float here, float before,
                                              float coefficient) {
  const float laplacian = (up + down) + (left + right) - 4.0f * here;
  return 2.0f * here - before + coefficient * laplacian;
}

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
// The fused kNN kernels' float arithmetic, done on the host in the same order, so that a
// test can work out their distances bit for bit (gpulab/ml/knn_distance.hpp).
#pragma once

#include <cmath>
#include <cstdint>

namespace gpulab::ml::kernel_arithmetic {

// |x|^2 as knn_row_norms sums it: lane l adds features l, l + 32, ... (fmaf), then the
// shuffle tree (warp_sum; lane 0 adds lane offset's partial sum, offsets 16, 8, 4, 2, 1).
inline float row_norm(const float* x, std::int64_t d) {
  float lanes[32] = {};
  for (std::int64_t j = 0; j < d; ++j) lanes[j % 32] = std::fmaf(x[j], x[j], lanes[j % 32]);
  for (int offset = 16; offset > 0; offset /= 2) {
    for (int lane = 0; lane + offset < 32; ++lane) lanes[lane] += lanes[lane + offset];  // lane + offset: not yet updated
  }
  return lanes[0];
}

// q.x as one fmaf chain over features 0..d-1.
inline float dot(const float* q, const float* x, std::int64_t d) {
  float dot = 0.0f;
  for (std::int64_t j = 0; j < d; ++j) dot = std::fmaf(q[j], x[j], dot);
  return dot;
}

}  // namespace gpulab::ml::kernel_arithmetic

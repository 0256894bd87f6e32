// SPDX-License-Identifier: MIT
// The float distance formulas of the kNN kernels, as functions both sides can run.
//
// The rule every kNN kernel keeps (checkable on the host): a row's float distance
// to a query depends only on the row's values and the query's, never on where
// the row sits (its index, its offset modulo 4 or modulo a tile, its split, its
// lane). Every row is evaluated by the same operations in the same order:
//   naive:  knn_direct_distance below, features 0..d-1 one after the other;
//   fused:  |x|^2 from knn_row_norms (lane l sums features l, l+32, ... then a
//           fixed shuffle tree: the order depends on the feature index only),
//           q.x as one fmaf chain over features 0..d-1 (tile padding adds 0*0,
//           which changes nothing), then knn_expanded_distance below;
//   tf32_rerank: the exact re-rank sums a row the same way for every row.
// So two identical rows get bitwise equal distances, equal key distance bits,
// and the tie rule (smaller id first, knn_key.hpp) decides their order exactly.
// The host test emulates knn_direct_distance; the GPU test plants one row at
// every offset modulo the tile sizes and checks the copies' distances bit for bit.
#pragma once

#include <cmath>
#include <cstdint>

#include "gpulab/core/host_device.hpp"

namespace gpulab::ml {

// sum_j (q_j - x_j)^2 in float, one fused multiply-add per feature, in feature order.
GPULAB_HOST_DEVICE inline float knn_direct_distance(const float* q, const float* x, std::int64_t d) {
  float sum = 0.0f;
  for (std::int64_t j = 0; j < d; ++j) {
    const float diff = q[j] - x[j];
    sum = fmaf(diff, diff, sum);
  }
  return sum;
}

// |q|^2 + |x|^2 - 2 q.x from the two norms and the dot product: one addition, one fma.
GPULAB_HOST_DEVICE inline float knn_expanded_distance(float query_norm, float row_norm, float dot) {
  return fmaf(-2.0f, dot, query_norm + row_norm);
}

}  // namespace gpulab::ml

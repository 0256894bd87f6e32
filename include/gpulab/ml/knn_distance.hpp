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

// The small-k kernel's cheap test, one FMA a row and no addition: a row can pass
// `knn_expanded_distance(qn, rn, dot) <= threshold` only if
//   fmaf(-2, dot, rn) <= knn_filter_bound(threshold, qn, largest_row_norm).
// So the kernel tests that for each row (the bound is the query's, worked out when its
// threshold changes) and takes the exact test only where it passes.
//
// Never too tight, for any row with rn <= largest_row_norm, threshold T >= 0 and up to 64
// features. Why (u = 2^-24, the unit roundoff; e = qn + rn - 2 dot, exactly):
//  - the distance rounds twice (the sum, then the FMA), so distance <= T gives
//    e <= T + u T + u (qn + rn), to first order in u;
//  - fmaf(-2, dot, rn) = e - qn rounded once: off by at most u |rn - 2 dot|, and
//    |2 dot| <= qn + rn (Cauchy-Schwarz; the sums' own roundings add < 1e-5 of it at 64
//    features), so it is at most T - qn + 3u (T + qn + rn);
//  - the bound is T - qn + 8u (T + qn + largest_row_norm): its own three roundings take
//    off less than 3u (T + qn + ...), which leaves more than the 3u needed. FLT_MIN more
//    covers results so small (subnormal) that they round in absolute terms.
// A row it lets in that is no candidate costs only the exact test. A NaN threshold (a
// query past m) stays NaN: nothing passes. If anything else makes the bound NaN (infinite
// norms), it is +inf: everything passes to the exact test.
// [snippet:knn_filter_bound]
GPULAB_HOST_DEVICE inline float knn_filter_bound(float threshold, float query_norm,
                                                  float largest_row_norm) {
  if (threshold != threshold) return threshold;  // NaN: a query past m
  // 8u (T + |q|^2 + max |x|^2), and FLT_MIN for the subnormals.
  const float slack = 0x1p-21f * (threshold + query_norm + largest_row_norm) + 0x1p-126f;
  const float bound = threshold - query_norm + slack;
  return bound != bound ? INFINITY : bound;  // inf - inf: let everything in
}
// [/snippet:knn_filter_bound]

}  // namespace gpulab::ml

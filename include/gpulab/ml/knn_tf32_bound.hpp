// SPDX-License-Identifier: MIT
// The error bound behind tf32_rerank's filter (kernels/ml/knn_tf32_filter.cuh), as
// functions both sides run: the kernels use them, the host tests check them.
//
// The search centres the data: q' = q - c and x' = x - c (c: any fixed vector, here a sample's
// mean), computed in float, w = fl(q'), v = fl(x'). Below, q and x stand for q' and x' wherever
// a product or a norm is meant, while D(x) = sum_j (q_j - x_j)^2 is the distance of the raw
// values (the same for every c) and |q|^2 is |q - c|^2 worked out in double from the raw values.
// The two centring roundings add at most 2u |x'|^2 + ~4u |q'||x'| (u = 2^-24): inside the
// 2^-17 X^2 term and the slack between delta and 1.49e-3 below.
// The score of row x for query q is s(x) = fl(n_x - 2 dot): n_x the float |v|^2
// (knn_tf32_centre_rows: at most 64 terms), dot the tensor cores' w.v with w rounded to TF32
// (relative error <= 2^-11 a value) and v's bits masked to TF32 (< 2^-10), products of
// two TF32 values exact in float, the accumulation taken as within 2 ulps an addition
// (at most 72 of them for d <= 64; an assumption about the hardware, with slack below). So
//   |dot - q.x| <= (2^-10 + 2^-11 + 2^-21 + 72 * 2^-22) sum_j |q_j||x_j| <= 1.49e-3 |q||x|,
// and with delta = 2^-9 > 1.49e-3 and X >= max |x|, adding the roundings of n_x and of
// the last fma:
//   |s(x) - (D(x) - |q|^2)| <= E = 2 delta |q| X + 2^-17 (X^2 + 2 |q| X),
// where D(x) = sum_j (q_j - x_j)^2 exactly. The exact float distance d_e (one fmaf chain
// of d <= 64 terms) is within c D of D, c = 66 u < 2^-17 (u = 2^-24).
//
// If k distinct rows have s <= A, those rows have d_e <= T = (1 + 2^-17)(A + |q|^2 + E),
// so each row of the exact top k (the k smallest d_e, ties by id) has d_e <= T, then
// D <= d_e / (1 - c) <= (1 + 2^-17) T, then
//   s <= knn_tf32_threshold(A) = (1 + 2^-17) T - |q|^2 + E.
// Worked out in double (|q|^2 too: the roundings, ~1e-13 of the terms, sit in the slack
// 2 (delta - 1.49e-3) |q| X) and rounded up to float by the caller.
#pragma once

#include <cmath>

#include "gpulab/core/host_device.hpp"

namespace gpulab::ml {

inline constexpr double knn_tf32_delta = 1.0 / 512;          // 2^-9, the dot product's relative bound
inline constexpr double knn_tf32_rounding = 1.0 / 131072;    // 2^-17, the float roundings' bound

// A length no smaller than any row's: sqrt of the largest float |x|^2, widened by its
// own rounding (64 terms: <= 64 u < 2^-17; 2^-16 taken).
GPULAB_HOST_DEVICE inline double knn_tf32_largest_length(float largest_squared_norm) {
  return sqrt(static_cast<double>(largest_squared_norm) * (1.0 + 1.0 / 65536));
}

// E above: how far a TF32 score s(x) may be from D(x) - |q|^2, for a query of length
// q_length and rows no longer than x_max. k-means' tf32 version uses it too, with its
// points as the queries and its centroids as the rows (kmeans_tf32.cuh).
// [snippet:tf32_score_error]
GPULAB_HOST_DEVICE inline double tf32_score_error(double q_length, double x_max) {
  return 2 * knn_tf32_delta * q_length * x_max +
         knn_tf32_rounding * (x_max * x_max + 2 * q_length * x_max);
}
// [/snippet:tf32_score_error]

// theta(A): every row of the exact top k has a TF32 score at most this, given k distinct
// rows with score <= a_score. query_squared_norm: |q|^2 in double; x_max: >= every |x|.
// +infinity when a_score is not finite (no bound known).
// [snippet:knn_tf32_threshold]
GPULAB_HOST_DEVICE inline double knn_tf32_threshold(float a_score, double query_squared_norm,
                                                    double x_max) {
  if (!(static_cast<double>(a_score) < HUGE_VAL)) return HUGE_VAL;
  const double qq = query_squared_norm;
  const double e = tf32_score_error(sqrt(qq), x_max);
  const double t = (1 + knn_tf32_rounding) * (static_cast<double>(a_score) + qq + e);
  return (1 + knn_tf32_rounding) * t - qq + e;
}
// [/snippet:knn_tf32_threshold]

}  // namespace gpulab::ml

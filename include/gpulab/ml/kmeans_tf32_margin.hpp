// SPDX-License-Identifier: MIT
// When k-means' tf32 version may trust a label its tensor cores chose (kernels/ml/kmeans_tf32.cuh),
// as a function both sides run: the kernel uses it, the host tests check it.
//
// The kernel centres points and centroids on one vector mu (the centroids' mean) and scores
// point x against centroid c as s(c) = fl(n_c - 2 w.v): w = x - mu rounded to TF32, v = c - mu
// truncated to TF32, n_c the float |c - mu|^2. That is kNN's filter score with the point as the
// query and the centroids as the rows, so knn_tf32_bound.hpp's derivation gives, for every c,
//   |s(c) - (D(x, c) - |x - mu|^2)| <= E = tf32_score_error(|x - mu|, C),   C >= every |c - mu|,
// with D(x, c) the exact squared distance of the float values. Let a be the best score's
// centroid (b its score) and s2 the smallest score of any other centroid (a tie makes s2 = b).
// If s2 - b > 2 E, then for every other centroid c
//   D(x, c) - D(x, a) >= s(c) - s(a) - 2 E >= s2 - b - 2 E > 0:
// a is the nearest centroid, strictly, in exact arithmetic, and the label is proven. If not
// (a near-tie, or E large because the data sit far from mu), the kernel scores the point again
// in float, the way the fused version's plain kernel does: no label is ever a guess.
#pragma once

#include <cmath>

#include "gpulab/core/host_device.hpp"
#include "gpulab/ml/knn_tf32_bound.hpp"

namespace gpulab::ml {

// [snippet:kmeans_tf32_best_two]
// A point's best two scores so far: the best (and its centroid) and the smallest score of
// any other centroid (equal to the best on a tie). The kernel's lanes each offer theirs,
// then merge across the 4 lanes of a quad.
struct best_two {
  float best, second;
  int label;
  // Centroids offered in increasing index: the strict < keeps the smaller one on a tie.
  GPULAB_HOST_DEVICE void offer(float score, int centroid) {
    second = fminf(second, fmaxf(best, score));
    if (score < best) {
      best = score;
      label = centroid;
    }
  }
  // Another lane's best two, of other centroids: the same result whichever lane merges.
  GPULAB_HOST_DEVICE void merge(const best_two& other) {
    second = fminf(fminf(second, other.second), fmaxf(best, other.best));
    if (other.best < best || (other.best == best && other.label < label)) {
      best = other.best;
      label = other.label;
    }
  }
};
// [/snippet:kmeans_tf32_best_two]

// [snippet:kmeans_tf32_decisive]
// point_length >= |x - mu|; centroid_length >= every |c - mu| (knn_tf32_largest_length turns a
// float squared norm into such a length). False for a NaN or an infinite best score.
GPULAB_HOST_DEVICE inline bool kmeans_tf32_decisive(float best, float second, double point_length,
                                                    double centroid_length) {
  return static_cast<double>(second) - static_cast<double>(best) >
         2 * tf32_score_error(point_length, centroid_length);
}
// [/snippet:kmeans_tf32_decisive]

}  // namespace gpulab::ml

// SPDX-License-Identifier: MIT
// k-means assignment, version 1 (naive): write the whole n x k matrix of squared
// distances to memory, then find each row's minimum. Easy to read and to check,
// but the matrix is k times the size of the labels: for 10M points and k = 64 it
// is 2.5 GB written and read again every iteration, when X itself is 1.3 GB.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "kernels/ml/kmeans_common.cuh"

namespace gpulab::ml::kernels {

// [snippet:kmeans_naive]
// One thread per (point, centroid) pair: dist[i * k + c] = |x_i - c|^2.
static __global__ void distance_matrix(const float* __restrict__ x, std::int64_t n, int d,
                                       const float* __restrict__ centroids, int k,
                                       float* __restrict__ dist) {
  const std::int64_t pairs = n * k;
  for (std::int64_t t = global_thread_id(); t < pairs; t += grid_thread_count()) {
    const std::int64_t i = t / k;
    const int c = static_cast<int>(t % k);
    dist[t] = squared_distance(x + i * d, centroids + static_cast<std::int64_t>(c) * d, d);
  }
}
// [/snippet:kmeans_naive]

// [snippet:kmeans_naive_argmin]
// One thread per row: the index of its smallest distance (strict <: ties go to the smallest index).
static __global__ void argmin_rows(const float* __restrict__ dist, std::int64_t n, int k,
                                   std::int32_t* __restrict__ labels) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    const float* row = dist + i * k;
    float best = row[0];
    int label = 0;
    for (int c = 1; c < k; ++c) {
      if (row[c] < best) {
        best = row[c];
        label = c;
      }
    }
    labels[i] = label;
  }
}
// [/snippet:kmeans_naive_argmin]

}  // namespace gpulab::ml::kernels

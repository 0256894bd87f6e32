// SPDX-License-Identifier: MIT
// k-means assignment, version 2 (GEMM-expanded):
//   |x - c|^2 = |x|^2 - 2 x.c + |c|^2
// The n x k dot products x.c are one matrix product X C^T, which cuBLAS SGEMM
// does at a large fraction of the FLOP peak (src/ml/kmeans_lloyd.cu calls it
// through module 3's blas layer). |x|^2 is the same for every centroid of a row,
// so it cannot change the argmin: it is never computed. What is left is an argmin
// of |c|^2 - 2 x.c per row. The price: the n x k matrix is still written and read,
// and the expanded form cancels (|x|^2 and x.c are large, their difference small),
// so near-ties are resolved less exactly than with (x - c)^2.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "kernels/ml/kmeans_common.cuh"

namespace gpulab::ml::kernels {

// norms[c] = |c|^2 for each of the k rows of centroids.
static __global__ void squared_norms(const float* __restrict__ rows, int count, int d, float* __restrict__ norms) {
  for (std::int64_t r = global_thread_id(); r < count; r += grid_thread_count()) {
    const float* row = rows + r * d;
    float s = 0.0f;
    for (int j = 0; j < d; ++j) s += row[j] * row[j];
    norms[r] = s;
  }
}

// [snippet:kmeans_gemm_argmin]
// dots = X C^T (n x k, row-major, from SGEMM). labels[i] = argmin_c |c|^2 - 2 dots[i, c].
static __global__ void argmin_expanded(const float* __restrict__ dots, std::int64_t n, int k,
                                       const float* __restrict__ centroid_norms,
                                       std::int32_t* __restrict__ labels) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    const float* row = dots + i * k;
    float best = centroid_norms[0] - 2.0f * row[0];
    int label = 0;
    for (int c = 1; c < k; ++c) {
      const float partial = centroid_norms[c] - 2.0f * row[c];  // |x - c|^2 - |x|^2
      if (partial < best) {
        best = partial;
        label = c;
      }
    }
    labels[i] = label;
  }
}
// [/snippet:kmeans_gemm_argmin]

}  // namespace gpulab::ml::kernels

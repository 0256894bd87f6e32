// SPDX-License-Identifier: MIT
// EXERCISE (module 7, ml): the fused k-means assignment step.
//
// Write the kernel below so that, for the n rows of x (n x d, row-major) and the
// k centroids (k x d, row-major):
//   labels[i]          = the index c of the centroid nearest to row i: the smallest
//                        sum_j (x[i*d+j] - centroids[c*d+j])^2, and on a tie the
//                        SMALLEST c (scan c = 0..k-1 and keep a new one only if it
//                        is strictly nearer: `<`, not `<=`);
//   sums[c*d + j]      = the sum of feature j over the rows labelled c;
//   counts[c]          = how many rows are labelled c.
// sums and counts are zero when the kernel starts. The launch (already written, in
// src/ml/exercises/kmeans_assign.cu) uses blocks of kmeans_assign_threads = 256
// threads, at most 4 blocks per SM, so there are usually far more rows than
// threads, and (2 k d + k) * 4 bytes of dynamic shared memory:
//   extern __shared__ float shared[];
//   float* local_centroids = shared;                 // k * d floats
//   float* block_sums = shared + k * d;              // k * d floats
//   unsigned int* block_counts = (unsigned int*)(shared + 2 * k * d);  // k counters
//
// Five steps (kernels/ml/kmeans_fused.cuh is the module's version, with labels optional):
//   1. copy the centroids into local_centroids, zero block_sums and block_counts
//      (loop e = threadIdx.x; e < k * d; e += blockDim.x), then __syncthreads();
//   2. a grid-stride loop over the rows (i = the global index, step gridDim.x *
//      blockDim.x, while i < n; use long long: n * d may pass 2^31): find the
//      nearest centroid (ties: smallest index), write labels[i];
//   3. add the row to its cluster in shared memory: atomicAdd(&block_sums[c*d+j], x)
//      for each j and atomicAdd(&block_counts[c], 1u). Threads of a block share
//      these: a plain += loses additions when two threads add to one cluster at once;
//   4. __syncthreads(): every thread of the block has added its rows;
//   5. merge: every block adds its block_sums and block_counts to sums and counts
//      with one atomicAdd per value (skip zero counts if you like). Blocks run
//      at the same time: a plain += on global memory loses whole blocks' sums.
//
// Check your solution with:   gpulab check kmeans_assign
#pragma once

#include <cstdint>

namespace gpulab::exercises::trainee_kernels {

static __global__ void kmeans_assign(const float* x, long long n, int d, const float* centroids, int k,
                                     std::int32_t* labels, float* sums, unsigned int* counts) {
  // TODO(trainee): the five steps above.
  (void)x;
  (void)n;
  (void)d;
  (void)centroids;
  (void)k;
  (void)labels;
  (void)sums;
  (void)counts;
}

}  // namespace gpulab::exercises::trainee_kernels

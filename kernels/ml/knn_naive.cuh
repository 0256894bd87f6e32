// SPDX-License-Identifier: MIT
// kNN, naive version, step 1: the distance matrix of a batch of queries, one
// thread per (query, database row), each distance straight from its definition
// sum_j (q_j - x_j)^2, written as a key (distance bits, id: gpulab/ml/knn_key.hpp).
// Step 2 is CUB's segmented sort of each query's n keys (src/ml/knn.cu); the
// first k keys of each row are the answer. n keys stored and sorted to keep k:
// the cost the fused version removes.
#pragma once

#include <cstdint>

#include "gpulab/ml/knn_distance.hpp"
#include "gpulab/ml/knn_key.hpp"

namespace gpulab::ml::kernels {

// [snippet:knn_distance_keys]
// Block (x, y): 256 database rows for query y of the batch. The query row is
// read once into shared memory; every thread of the block then uses it.
// Thread i reads database row i: neighbouring threads read rows d floats apart,
// not coalesced, but each row is used whole and the cache lines are shared.
static __global__ void knn_distance_keys(const float* __restrict__ database, std::int64_t n, std::int64_t d,
                                  const float* __restrict__ batch_queries, std::uint64_t* __restrict__ keys) {
  extern __shared__ float query[];  // d floats
  const std::int64_t q = blockIdx.y;
  for (std::int64_t j = threadIdx.x; j < d; j += blockDim.x) query[j] = batch_queries[q * d + j];
  __syncthreads();
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (row >= n) return;
  // The same operations in the same order for every row (gpulab/ml/knn_distance.hpp):
  // identical rows get bitwise equal distances wherever they sit.
  const float distance = knn_direct_distance(query, database + row * d, d);
  keys[q * n + row] = knn_key(distance, static_cast<std::uint32_t>(row));
}
// [/snippet:knn_distance_keys]

}  // namespace gpulab::ml::kernels

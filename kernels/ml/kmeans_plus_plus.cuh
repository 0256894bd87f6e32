// SPDX-License-Identifier: MIT
// k-means++ on the GPU: D^2 sampling as an exponential race (see
// include/gpulab/ml/kmeans_plus_plus.hpp), one round per centre, all on the
// stream (the host never waits):
//   plus_plus_round  one pass over X: each point's squared distance to the newest
//                    centre lowers its weight w_i; its key E_i / w_i for the next
//                    round; each block's smallest (key, index)
//   plus_plus_pick   one block: the smallest over the blocks (ties: smallest index),
//                    and that row copied in as the next centre
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/ml/kmeans_plus_plus.hpp"

namespace gpulab::ml::kernels {

inline constexpr int plus_plus_threads = 256;

struct key_index {
  double key;
  std::int64_t index;
};
// Smaller key first; on equal keys the smaller index (the same rule as the CPU's).
__device__ __forceinline__ key_index smaller(key_index a, key_index b) {
  return (b.key < a.key || (b.key == a.key && b.index < a.index)) ? b : a;
}

// The smallest (key, index) of the block (plus_plus_threads threads), valid in thread 0.
__device__ __forceinline__ key_index block_smallest(key_index mine) {
  __shared__ double keys[plus_plus_threads];
  __shared__ std::int64_t indices[plus_plus_threads];
  keys[threadIdx.x] = mine.key;
  indices[threadIdx.x] = mine.index;
  __syncthreads();
  for (int half = plus_plus_threads / 2; half > 0; half /= 2) {
    if (static_cast<int>(threadIdx.x) < half) {
      const key_index best = smaller({keys[threadIdx.x], indices[threadIdx.x]},
                                     {keys[threadIdx.x + half], indices[threadIdx.x + half]});
      keys[threadIdx.x] = best.key;
      indices[threadIdx.x] = best.index;
    }
    __syncthreads();
  }
  return {keys[0], indices[0]};
}

// [snippet:kmeans_plus_plus_round]
// Round `round` (choosing centre number `round`): newest = centre round - 1.
static __global__ void plus_plus_round(const float* __restrict__ x, std::int64_t n, int d,
                                       const float* __restrict__ newest, float* __restrict__ weight,
                                       std::uint64_t seed, int round,
                                       double* __restrict__ block_keys,
                                       std::int64_t* __restrict__ block_indices) {
  key_index best{HUGE_VAL, n};  // "no point": loses to every real (key, index)
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    float w = squared_distance_exact(x + i * d, newest, d);  // the same bits as the CPU's
    if (round > 1) w = fminf(weight[i], w);                   // the nearest of the centres so far
    weight[i] = w;
    best = smaller(best, {kmeans_plus_plus_key(seed, round, i, w), i});
  }
  const key_index block_best = block_smallest(best);
  if (threadIdx.x == 0) {
    block_keys[blockIdx.x] = block_best.key;
    block_indices[blockIdx.x] = block_best.index;
  }
}
// [/snippet:kmeans_plus_plus_round]

// One block of plus_plus_threads: the winner over `blocks` partials, copied to centre `round`.
// With round = 0 and blocks = 0 it copies row `first` instead (the first centre).
static __global__ void plus_plus_pick(const double* __restrict__ block_keys,
                                      const std::int64_t* __restrict__ block_indices, unsigned blocks,
                                      std::int64_t first, const float* __restrict__ x, std::int64_t n, int d,
                                      int round, float* __restrict__ centres, std::int64_t* __restrict__ chosen) {
  key_index best{HUGE_VAL, blocks == 0 ? first : n};
  for (unsigned b = threadIdx.x; b < blocks; b += plus_plus_threads) {
    best = smaller(best, {block_keys[b], block_indices[b]});
  }
  best = block_smallest(best);
  __shared__ std::int64_t row;
  if (threadIdx.x == 0) {
    row = best.index < n ? best.index : 0;  // every key infinite cannot leave "no point": n >= 1 points
    chosen[round] = row;
  }
  __syncthreads();
  for (int j = threadIdx.x; j < d; j += plus_plus_threads) {
    centres[static_cast<std::int64_t>(round) * d + j] = x[row * d + j];
  }
}

}  // namespace gpulab::ml::kernels

// SPDX-License-Identifier: MIT
// One pass over a column that keeps a count and a sum (column_sum) or also min,
// max and squared deviations (column_stats): each thread reads tiles of 16-byte
// vectors in a grid-stride loop, the block combines its threads' partials with
// warp shuffles, and the last block to finish combines the blocks' partials (the
// "last block" pattern of the CUDA samples' threadFenceReduction): one launch, and
// the same order of additions every run, so the result does not change from run to run.
#pragma once

#include <cstdint>
#include <cstring>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/reduce.hpp"

namespace gpulab::dataframe::kernels {

// Warp shuffles and cross-block loads, one overload per kind of partial.
__device__ __forceinline__ column_sum shuffle_down(const column_sum& s, int offset) {
  column_sum o;
  o.sum = __shfl_down_sync(0xffffffff, s.sum, offset);
  o.count = __shfl_down_sync(0xffffffff, s.count, offset);
  return o;
}
__device__ __forceinline__ column_stats shuffle_down(const column_stats& s, int offset) {
  column_stats o;
  o.sum = __shfl_down_sync(0xffffffff, s.sum, offset);
  o.squared_deviations = __shfl_down_sync(0xffffffff, s.squared_deviations, offset);
  o.min = __shfl_down_sync(0xffffffff, s.min, offset);
  o.max = __shfl_down_sync(0xffffffff, s.max, offset);
  o.count = __shfl_down_sync(0xffffffff, s.count, offset);
  return o;
}

// A partial written by another block, read past L1 (which is not coherent across SMs).
__device__ __forceinline__ column_sum load_partial(const column_sum* p) {
  column_sum s;
  s.sum = __ldcg(&p->sum);
  s.count = __ldcg(&p->count);
  return s;
}
__device__ __forceinline__ column_stats load_partial(const column_stats* p) {
  column_stats s;
  s.sum = __ldcg(&p->sum);
  s.squared_deviations = __ldcg(&p->squared_deviations);
  s.min = __ldcg(&p->min);
  s.max = __ldcg(&p->max);
  s.count = __ldcg(&p->count);
  return s;
}

// The block's combined partial, valid in thread 0. Every thread of the block must call it.
template <class Stats>
__device__ Stats block_combine(Stats mine) {
  // Raw shared storage: __shared__ variables take no initialisers, and the partials have some.
  __shared__ alignas(Stats) unsigned char storage[32 * sizeof(Stats)];
  Stats* warp_partials = reinterpret_cast<Stats*>(storage);
  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int offset = 16; offset > 0; offset /= 2) mine.merge(shuffle_down(mine, offset));
  __syncthreads();  // a previous call's readers are done with warp_partials
  if (lane == 0) warp_partials[warp] = mine;
  __syncthreads();
  if (warp == 0) {
    mine = lane < blockDim.x / 32 ? warp_partials[lane] : Stats{};
    for (int offset = 16; offset > 0; offset /= 2) mine.merge(shuffle_down(mine, offset));
  }
  return mine;
}

// [snippet:column_reduce]
// The column is read in tiles of vectors_per_thread x blockDim 16-byte vectors: the k-th load
// of a warp reads 32 consecutive vectors, 512 contiguous bytes (the read ceiling's pattern).
// Each value goes into `Stats`: column_sum (one FP64 add a value) or column_stats (five).
template <class T, class Stats>
__global__ void column_reduce_kernel(column_view<T> x, double centre, Stats* partials,
                                     unsigned* blocks_done, Stats* result) {
  constexpr int rows_per_vector = 16 / sizeof(T);  // x.data: 16-byte aligned (the launcher checks)
  constexpr int vectors_per_thread = 4;            // four loads in flight before any use
  const uint4* vectors = reinterpret_cast<const uint4*>(x.data);
  const std::int64_t vector_count = x.size / rows_per_vector;
  const std::int64_t tile = std::int64_t{vectors_per_thread} * blockDim.x;
  Stats mine;
  for (std::int64_t first = blockIdx.x * tile; first < vector_count;
       first += std::int64_t{gridDim.x} * tile) {
    uint4 raw[vectors_per_thread];
#pragma unroll
    for (int k = 0; k < vectors_per_thread; ++k) {
      const std::int64_t i = first + k * std::int64_t{blockDim.x} + threadIdx.x;
      raw[k] = i < vector_count ? vectors[i] : uint4{};
    }
    // [/snippet:column_reduce]
    // [snippet:column_reduce_values]
#pragma unroll
    for (int k = 0; k < vectors_per_thread; ++k) {
      const std::int64_t i = first + k * std::int64_t{blockDim.x} + threadIdx.x;
      if (i >= vector_count) break;
      T v[rows_per_vector];
      memcpy(v, &raw[k], sizeof v);  // a register move, no memory traffic
#pragma unroll
      for (int r = 0; r < rows_per_vector; ++r) {
        const std::int64_t row = i * rows_per_vector + r;
        if (x.present(row, v[r])) mine.add(static_cast<double>(v[r]), centre);
      }
    }
  }
  // The rows after the last whole vector (fewer than 16 bytes), by block 0.
  const std::int64_t tail = vector_count * rows_per_vector + threadIdx.x;
  if (blockIdx.x == 0 && tail < x.size && x.present(tail, x.data[tail])) {
    mine.add(static_cast<double>(x.data[tail]), centre);
  }
  const Stats block = block_combine(mine);
  // [/snippet:column_reduce_values]

  // [snippet:column_reduce_last_block]
  // The last block to finish combines every block's partial, in block order.
  __shared__ bool last;
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = block;
    __threadfence();  // the partial is visible to every block before the counter says it is there
    last = atomicAdd(blocks_done, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;
  Stats all;
  for (unsigned b = threadIdx.x; b < gridDim.x; b += blockDim.x) {
    all.merge(load_partial(partials + b));
  }
  all = block_combine(all);
  if (threadIdx.x == 0) {
    *result = all;
    *blocks_done = 0;  // ready for the next launch
  }
}
// [/snippet:column_reduce_last_block]

}  // namespace gpulab::dataframe::kernels

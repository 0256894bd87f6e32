// SPDX-License-Identifier: MIT
// One column's count, sum, min, max and squared deviations in one kernel:
// each thread reads four rows per 16-byte loads in a grid-stride loop, the
// block combines its threads' stats with warp shuffles, and the last block to
// finish combines the blocks' partials (the "last block" pattern of the CUDA
// samples' threadFenceReduction): one launch, and the same order of additions
// every run, so the result does not change from run to run.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/reduce.hpp"
#include "kernels/dataframe/four_rows.cuh"

namespace gpulab::dataframe::kernels {

__device__ __forceinline__ column_stats shuffle_down(const column_stats& s, int offset) {
  column_stats o;
  o.sum = __shfl_down_sync(0xffffffff, s.sum, offset);
  o.squared_deviations = __shfl_down_sync(0xffffffff, s.squared_deviations, offset);
  o.min = __shfl_down_sync(0xffffffff, s.min, offset);
  o.max = __shfl_down_sync(0xffffffff, s.max, offset);
  o.count = __shfl_down_sync(0xffffffff, s.count, offset);
  return o;
}

// The block's stats, valid in thread 0. Every thread of the block must call it.
__device__ inline column_stats block_stats(column_stats mine) {
  // Raw shared storage: __shared__ variables take no initialisers, and column_stats has some.
  __shared__ alignas(column_stats) unsigned char storage[32 * sizeof(column_stats)];
  column_stats* warp_stats = reinterpret_cast<column_stats*>(storage);
  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int offset = 16; offset > 0; offset /= 2) mine.merge(shuffle_down(mine, offset));
  __syncthreads();  // a previous call's readers are done with warp_stats
  if (lane == 0) warp_stats[warp] = mine;
  __syncthreads();
  if (warp == 0) {
    mine = lane < blockDim.x / 32 ? warp_stats[lane] : column_stats{};
    for (int offset = 16; offset > 0; offset /= 2) mine.merge(shuffle_down(mine, offset));
  }
  return mine;
}

// A partial written by another block, read past L1 (which is not coherent across SMs).
__device__ __forceinline__ column_stats load_partial(const column_stats* p) {
  column_stats s;
  s.sum = __ldcg(&p->sum);
  s.squared_deviations = __ldcg(&p->squared_deviations);
  s.min = __ldcg(&p->min);
  s.max = __ldcg(&p->max);
  s.count = __ldcg(&p->count);
  return s;
}

// [snippet:column_stats]
template <class T>
__global__ void column_stats_kernel(column_view<T> x, double centre, column_stats* partials,
                                    unsigned* blocks_done, column_stats* result) {
  column_stats mine;
  const std::int64_t quads = x.size / 4;
  for (std::int64_t q = global_thread_id(); q < quads; q += grid_thread_count()) {
    const four<T> v = load_four(x.data, q);  // 16-byte loads: more bytes in flight per thread
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      if (x.present(4 * q + k, v.v[k])) mine.add(static_cast<double>(v.v[k]), centre);
    }
  }
  const std::int64_t tail = 4 * quads + threadIdx.x;  // the last size % 4 rows, by block 0
  if (blockIdx.x == 0 && tail < x.size && x.present(tail, x.data[tail])) {
    mine.add(static_cast<double>(x.data[tail]), centre);
  }
  const column_stats block = block_stats(mine);
  // [/snippet:column_stats]

  // [snippet:column_stats_last_block]
  // The last block to finish combines every block's partial, in block order.
  __shared__ bool last;
  if (threadIdx.x == 0) {
    partials[blockIdx.x] = block;
    __threadfence();  // the partial is visible to every block before the counter says it is there
    last = atomicAdd(blocks_done, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (!last) return;
  column_stats all;
  for (unsigned b = threadIdx.x; b < gridDim.x; b += blockDim.x) {
    all.merge(load_partial(partials + b));
  }
  all = block_stats(all);
  if (threadIdx.x == 0) {
    *result = all;
    *blocks_done = 0;  // ready for the next launch
  }
}
// [/snippet:column_stats_last_block]

}  // namespace gpulab::dataframe::kernels

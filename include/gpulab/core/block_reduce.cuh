// SPDX-License-Identifier: MIT
// Warp and block reductions: the shared device primitives that several modules build
// on (module 5's reductions teach them; module 4's Monte Carlo pi counts its hits
// with add_block_sum; module 7's kNN merges lists with warp_min). Warp shuffles
// inside each warp, one shared-memory slot per warp, then one atomicAdd per block.
#pragma once

namespace gpulab {

// One value per lane combined over a warp by `op` (associative and commutative), the
// result in every lane: the butterfly, lane i combines its value with lane i ^ offset's.
template <class T, class Op>
__device__ T warp_reduce(T value, Op op) {
  for (int offset = 16; offset > 0; offset /= 2) value = op(value, __shfl_xor_sync(0xffffffffu, value, offset));
  return value;
}

// The sum over a warp, in every lane. Lane 0's sum is add_block_sum's first step's,
// bit for bit: the same pairs, added in the same order.
template <class T>
__device__ T warp_sum(T value) {
  return warp_reduce(value, [](T mine, T other) { return mine + other; });
}

// The smallest and the largest over a warp, in every lane. Any type with `<`: keys,
// floats without NaN, unsigned bit patterns.
template <class T>
__device__ T warp_min(T value) {
  return warp_reduce(value, [](T mine, T other) { return other < mine ? other : mine; });
}
template <class T>
__device__ T warp_max(T value) {
  return warp_reduce(value, [](T mine, T other) { return mine < other ? other : mine; });
}

// The OR of one word over the warp, in every lane: one instruction (REDUX) from sm_80;
// the kit's PTX for older GPUs (compute_75) gets the butterfly.
__device__ inline unsigned warp_or(unsigned bits) {
#if __CUDA_ARCH__ >= 800
  return __reduce_or_sync(0xffffffffu, bits);
#else
  return warp_reduce(bits, [](unsigned mine, unsigned other) { return mine | other; });
#endif
}

// [snippet:block_sum]
// Sums one value per thread over the block (any multiple of 32 threads, up to
// 1024), then thread 0 adds the block's total to *total: one atomic per block.
template <class T>
__device__ void add_block_sum(T value, T* total) {
  __shared__ T warp_sums[32];
  const unsigned lane = threadIdx.x % 32, warp = threadIdx.x / 32;
  for (int offset = 16; offset > 0; offset /= 2) {
    value += __shfl_down_sync(0xffffffff, value, offset);  // lane i adds lane i + offset's value
  }
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();  // every warp's sum is in shared memory
  if (warp == 0) {
    value = lane < blockDim.x / 32 ? warp_sums[lane] : 0;
    for (int offset = 16; offset > 0; offset /= 2) {
      value += __shfl_down_sync(0xffffffff, value, offset);
    }
    if (lane == 0) atomicAdd(total, value);
  }
}
// [/snippet:block_sum]

}  // namespace gpulab

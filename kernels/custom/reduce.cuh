// SPDX-License-Identifier: MIT
// Reductions: the sum of x, or the dot product x . y, of n floats, version by
// version. Each adds its result to *total (the caller zeroes it first).
//
//   reduce_atomic_per_element  every element does atomicAdd(total, x[i]): n atomics on one address
//   reduce_shared_tree         one element per thread, a tree in shared memory, one atomic per block
//   reduce_warp_shuffle        one element per thread, warp shuffles (registers, no shared-memory
//                              round trips), one atomic per block
//   reduce_multi_element       each thread first sums 16 elements read as four float4: few blocks,
//                              few atomics, every load 16 bytes wide and all in flight at once
//   reduce_wide_tile           the sum in the dot product's shape: 8 float4 per thread (128 bytes
//                              in flight), 32 KiB per block, registers for all of them
//   (and CUB's DeviceReduce, the library reference, in src/kernels/reduction.cu)
#pragma once

#include <cstdint>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/launch.cuh"

namespace gpulab::custom::kernels {

// The i-th term: x[i], or x[i] * y[i] for a dot product.
template <bool Dot>
__device__ __forceinline__ float term(const float* __restrict__ x, const float* __restrict__ y, std::int64_t i) {
  if constexpr (Dot) {
    return x[i] * y[i];
  } else {
    return x[i];
  }
}

// [snippet:reduce_atomic_per_element]
template <bool Dot>
__global__ void reduce_atomic_per_element(const float* __restrict__ x, const float* __restrict__ y,
                                          std::int64_t n, float* total) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    atomicAdd(total, term<Dot>(x, y, i));  // every atomic on one address waits for the one before
  }
}
// [/snippet:reduce_atomic_per_element]

// [snippet:reduce_shared_tree]
template <bool Dot, int BlockSize>
__global__ void reduce_shared_tree(const float* __restrict__ x, const float* __restrict__ y, std::int64_t n,
                                   float* total) {
  __shared__ float partial[BlockSize];
  const std::int64_t i = global_thread_id();
  partial[threadIdx.x] = i < n ? term<Dot>(x, y, i) : 0.0f;
  __syncthreads();
  // Halve the active threads each step; neighbours in a warp read neighbouring words.
  for (int half = BlockSize / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  if (threadIdx.x == 0) atomicAdd(total, partial[0]);
}
// [/snippet:reduce_shared_tree]

// [snippet:reduce_warp_shuffle]
template <bool Dot>
__global__ void reduce_warp_shuffle(const float* __restrict__ x, const float* __restrict__ y, std::int64_t n,
                                    float* total) {
  const std::int64_t i = global_thread_id();
  add_block_sum(i < n ? term<Dot>(x, y, i) : 0.0f, total);
}
// [/snippet:reduce_warp_shuffle]

// [snippet:reduce_multi_element]
// Each block sums one tile of VectorsPerThread x blockDim.x float4s (the tile
// shape of the copy kernel, kernels/copy.cuh). Block 0 also adds the n % 4 tail.
template <bool Dot, int VectorsPerThread>
__global__ void reduce_multi_element(const float4* __restrict__ x, const float4* __restrict__ y,
                                     std::int64_t n_vectors, const float* __restrict__ tail_x,
                                     const float* __restrict__ tail_y, int tail, float* total) {
  const std::int64_t tile_start =
      static_cast<std::int64_t>(blockIdx.x) * blockDim.x * VectorsPerThread;
  float4 a[VectorsPerThread], b[VectorsPerThread];
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {  // issue every load before using any
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    a[k] = i < n_vectors ? x[i] : make_float4(0, 0, 0, 0);
    if constexpr (Dot) b[k] = i < n_vectors ? y[i] : make_float4(0, 0, 0, 0);
  }
  float sum = 0.0f;
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    if constexpr (Dot) {
      sum += a[k].x * b[k].x + a[k].y * b[k].y + a[k].z * b[k].z + a[k].w * b[k].w;
    } else {
      sum += (a[k].x + a[k].y) + (a[k].z + a[k].w);
    }
  }
  if (blockIdx.x == 0 && threadIdx.x < tail) sum += term<Dot>(tail_x, tail_y, threadIdx.x);
  add_block_sum(sum, total);
}
// [/snippet:reduce_multi_element]

// [snippet:reduce_wide_tile]
// The sum in the dot product's shape. dot_multi_element reads 4 float4 of x and 4 of y
// per thread: 128 bytes of loads in flight, 32 KiB per block end (shuffles, a barrier,
// one atomic). The sum with 4 float4 has half of both. Here the sum takes 8 float4 per
// thread (a dot product keeps 4 + 4: the same 128 bytes). __launch_bounds__(256, 6)
// lets ptxas give each thread 40 registers, enough to hold all 8 float4 at once (6 blocks
// x 256 threads x 40 fit the 64K-register file of every SM since Volta): 192 KiB in
// flight per SM. Without it ptxas held this loop to 32 registers, too few for 8 float4,
// so the loads went out in two batches.
template <bool Dot>
__global__ void __launch_bounds__(256, 6)
    reduce_wide_tile(const float4* __restrict__ x, const float4* __restrict__ y, std::int64_t n_vectors,
                     const float* __restrict__ tail_x, const float* __restrict__ tail_y, int tail, float* total) {
  constexpr int vectors_per_thread = Dot ? 4 : 8;
  const std::int64_t tile_start = static_cast<std::int64_t>(blockIdx.x) * blockDim.x * vectors_per_thread;
  float4 a[vectors_per_thread], b[vectors_per_thread];
#pragma unroll
  for (int k = 0; k < vectors_per_thread; ++k) {  // issue every load before using any
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    a[k] = i < n_vectors ? x[i] : make_float4(0, 0, 0, 0);
    if constexpr (Dot) b[k] = i < n_vectors ? y[i] : make_float4(0, 0, 0, 0);
  }
  float sum = 0.0f;
#pragma unroll
  for (int k = 0; k < vectors_per_thread; ++k) {
    if constexpr (Dot) {
      sum += a[k].x * b[k].x + a[k].y * b[k].y + a[k].z * b[k].z + a[k].w * b[k].w;
    } else {
      sum += (a[k].x + a[k].y) + (a[k].z + a[k].w);
    }
  }
  if (blockIdx.x == 0 && threadIdx.x < tail) sum += term<Dot>(tail_x, tail_y, threadIdx.x);
  add_block_sum(sum, total);
}
// [/snippet:reduce_wide_tile]

}  // namespace gpulab::custom::kernels

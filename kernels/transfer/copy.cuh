// SPDX-License-Identifier: MIT
// Device-to-device copy kernels: the simplest memory-bound kernel there is, and
// the yardstick for every other one. Three versions side by side (templates, so
// that several .cu files may include them):
//   copy_one_element_per_thread    one 4-byte load and store per thread
//   copy_grid_stride_vectorized    16-byte accesses, a grid-stride loop over a GPU-filling grid
//   copy_tiled_vectorized          16-byte accesses, one contiguous 16 KiB tile per block (the kit's copy)
//   copy_wide_tile                 the same with 8 vectors per thread, 32 KiB tiles, 160 KiB in flight per SM
// Measured on an H100 at 1 GiB (see the transfer module): the grid-stride
// version reaches about 94% of cudaMemcpy, the tiled one about 99%.
#pragma once

#include <cstdint>

#include "gpulab/core/bandwidth_kernels.cuh"
#include "gpulab/core/launch.cuh"

namespace gpulab::transfer::kernels {

// [snippet:copy_naive]
// The first kernel everyone writes: thread i copies element i.
template <class T>
__global__ void copy_one_element_per_thread(const T* __restrict__ in, T* __restrict__ out, std::int64_t n) {
  const std::int64_t i = global_thread_id();
  if (i < n) out[i] = in[i];  // the bounds check: the last block may stick out
}
// [/snippet:copy_naive]

// [snippet:copy_grid_stride]
// 16-byte accesses (int4): a warp moves 512 bytes per instruction, 4x fewer
// instructions than with floats. A grid-stride loop over just enough blocks to
// fill the GPU; `Unroll` independent loads are issued before the first store.
template <int Unroll>
__global__ void copy_grid_stride_vectorized(const int4* __restrict__ in, int4* __restrict__ out,
                                            std::int64_t n_vectors) {
  const std::int64_t stride = grid_thread_count();
  std::int64_t i = global_thread_id();
  for (; i + (Unroll - 1) * stride < n_vectors; i += Unroll * stride) {
    int4 v[Unroll];
#pragma unroll
    for (int u = 0; u < Unroll; ++u) v[u] = in[i + u * stride];
#pragma unroll
    for (int u = 0; u < Unroll; ++u) out[i + u * stride] = v[u];
  }
  for (; i < n_vectors; i += stride) out[i] = in[i];  // what is left after the unrolled part
}
// [/snippet:copy_grid_stride]

// [snippet:copy_wide_tile]
// The tile kernel with more bytes in flight per SM. A thread of copy_tiled_vectorized
// holds 4 vectors (64 bytes), so a full SM (2048 threads) has 128 KiB of loads in flight:
// enough for an H100, possibly not for the H200's higher bandwidth x latency. Here each
// thread holds 8 vectors (128 bytes) of a 32 KiB tile. Those need about 48 registers a
// thread; __launch_bounds__(256, 5) lets the compiler use them (5 blocks x 256 threads x
// 48 registers fit the 64K-register file of every SM since Volta) instead of squeezing
// the loads into fewer registers: 5 x 32 KiB = 160 KiB in flight per SM, and half as many
// blocks to launch. Full tiles (all but the last block) skip the bounds checks.
template <int VectorsPerThread>
__global__ void __launch_bounds__(256, 5)
    copy_wide_tile(const int4* __restrict__ in, int4* __restrict__ out, std::int64_t n_vectors) {
  const std::int64_t tile_start = std::int64_t{blockIdx.x} * blockDim.x * VectorsPerThread;
  int4 v[VectorsPerThread];
  if (tile_start + std::int64_t{VectorsPerThread} * blockDim.x <= n_vectors) {  // a full tile
    const int4* from = in + tile_start + threadIdx.x;
    int4* to = out + tile_start + threadIdx.x;
#pragma unroll
    for (int k = 0; k < VectorsPerThread; ++k) v[k] = from[k * blockDim.x];
#pragma unroll
    for (int k = 0; k < VectorsPerThread; ++k) to[k * blockDim.x] = v[k];
    return;
  }
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {  // the last, partial tile
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) v[k] = in[i];
  }
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) out[i] = v[k];
  }
}
// [/snippet:copy_wide_tile]

// The third version, copy_tiled_vectorized (one contiguous 16 KiB tile per block), is the
// kit's copy kernel: it lives in gpulab/core/bandwidth_kernels.cuh, because module 1's
// occupancy demo and the report's ceilings use it too.

}  // namespace gpulab::transfer::kernels

// SPDX-License-Identifier: MIT
// Device-to-device copy kernels: the simplest memory-bound kernel there is, and
// the yardstick for every other one. Three versions side by side (templates, so
// that several .cu files may include them):
//   copy_one_element_per_thread    one 4-byte load and store per thread
//   copy_grid_stride_vectorized    16-byte accesses, a grid-stride loop over a GPU-filling grid
//   copy_tiled_vectorized          16-byte accesses, one contiguous 16 KiB tile per block (the kit's copy)
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

// The third version, copy_tiled_vectorized (one contiguous 16 KiB tile per block), is the
// kit's copy kernel: it lives in gpulab/core/bandwidth_kernels.cuh, because module 1's
// occupancy demo and the report's ceilings use it too.

}  // namespace gpulab::transfer::kernels

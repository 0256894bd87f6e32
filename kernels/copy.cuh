// SPDX-License-Identifier: MIT
// Device-to-device copy kernels (templates, so that several .cu files may include them): the simplest memory-bound kernel there is,
// and the yardstick for every other one. Two versions side by side:
//   copy_one_element_per_thread  one 4-byte load and store per thread, one thread per element
//   copy_vectorized              16-byte loads/stores, a grid-stride loop, several loads in flight
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::kernels {

// [snippet:copy_naive]
// The first kernel everyone writes: thread i copies element i.
template <class T>
__global__ void copy_one_element_per_thread(const T* __restrict__ in, T* __restrict__ out, std::int64_t n) {
  const std::int64_t i = global_thread_id();
  if (i < n) out[i] = in[i];  // the bounds check: the last block may stick out
}
// [/snippet:copy_naive]

// [snippet:copy_vectorized]
// The kit's copy kernel. Three habits of memory-bound code on a modern GPU:
//  1. 16-byte accesses (int4): a warp moves 512 bytes per instruction, 4x fewer
//     instructions than with 4-byte floats;
//  2. a grid-stride loop with just enough blocks to fill the GPU, so that the
//     launch does not depend on the problem size;
//  3. `Unroll` independent loads issued before the first store, so that each
//     thread keeps several requests in flight while it waits on memory.
template <int Unroll>
__global__ void copy_vectorized(const int4* __restrict__ in, int4* __restrict__ out, std::int64_t n_vectors) {
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
// [/snippet:copy_vectorized]

}  // namespace gpulab::kernels

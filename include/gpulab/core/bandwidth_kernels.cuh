// SPDX-License-Identifier: MIT
// The kit's streaming kernels: memory-bound yardsticks shared by several layers
// (the report's ceilings, module 1's occupancy demo, module 2's copy lesson).
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab {

// [snippet:copy_tiled]
// The kit's copy kernel. Each block copies one contiguous tile of
// blockDim.x * VectorsPerThread 16-byte vectors (16 KiB for 256 threads and 4
// vectors), and the grid has one block per tile. All loads are issued before
// the stores, and neighbouring blocks stream through neighbouring memory, which
// the DRAM likes better than the grid-stride loop's widely spaced accesses.
template <int VectorsPerThread>
__global__ void copy_tiled_vectorized(const int4* __restrict__ in, int4* __restrict__ out,
                                      std::int64_t n_vectors) {
  const std::int64_t tile_start = std::int64_t{blockIdx.x} * blockDim.x * VectorsPerThread;
  int4 v[VectorsPerThread];
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;  // neighbours read neighbours
    if (i < n_vectors) v[k] = in[i];
  }
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) out[i] = v[k];
  }
}
// [/snippet:copy_tiled]

// [snippet:read_write_streams]
// The read-only and write-only streams that measure the other two ceilings: the
// same tiles as the copy, each access 16 bytes wide, all loads of a thread in
// flight together. A kernel that only reads must still use what it read, or the
// compiler drops the loads: the XOR of the words is stored only when it equals
// `never`, a value the caller knows the data does not produce.
template <int VectorsPerThread>
__global__ void read_tiled_vectorized(const int4* __restrict__ in, std::int64_t n_vectors,
                                      int never, int* __restrict__ sink) {
  const std::int64_t tile_start = std::int64_t{blockIdx.x} * blockDim.x * VectorsPerThread;
  int4 v[VectorsPerThread];
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    v[k] = i < n_vectors ? in[i] : int4{0, 0, 0, 0};
  }
  int folded = 0;
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) folded ^= v[k].x ^ v[k].y ^ v[k].z ^ v[k].w;
  if (folded == never) *sink = folded;
}

template <int VectorsPerThread>
__global__ void write_tiled_vectorized(int4* __restrict__ out, std::int64_t n_vectors, int4 value) {
  const std::int64_t tile_start = std::int64_t{blockIdx.x} * blockDim.x * VectorsPerThread;
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) out[i] = value;
  }
}
// [/snippet:read_write_streams]

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// out[i] = factor * in[i]: the course's "multiply 50 million floats by 2".
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::transfer::kernels {

// [snippet:scale_tiled]
// The copy kernel's shape (kernels/copy.cuh) with arithmetic in the middle: each
// block scales one contiguous tile of float4s, all loads issued before the
// stores. The caller handles the n % 4 tail.
template <int VectorsPerThread>
__global__ void scale_tiled_vectorized(const float4* __restrict__ in, float4* __restrict__ out, float factor,
                                       std::int64_t n_vectors) {
  const std::int64_t tile_start = static_cast<std::int64_t>(blockIdx.x) * blockDim.x * VectorsPerThread;
  float4 v[VectorsPerThread];
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) v[k] = in[i];
  }
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) out[i] = make_float4(factor * v[k].x, factor * v[k].y, factor * v[k].z, factor * v[k].w);
  }
}
// [/snippet:scale_tiled]

// Scalar version: for the tail, and for pointers that are not 16-byte aligned.
static __global__ void scale_scalar(const float* __restrict__ in, float* __restrict__ out, float factor, std::int64_t n) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) out[i] = factor * in[i];
}

// [snippet:pipeline_work]
// The "compute" stage of the stream-overlap demo: `steps` dependent FMAs per
// element, x <- 0.999 x + 0.001 (contracting, so rounding never blows up).
// Its cost is set by `steps` so that it is comparable to the copies around it.
static __global__ void repeated_fma(float* __restrict__ data, std::int64_t n, int steps) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    float x = data[i];
    for (int s = 0; s < steps; ++s) x = fmaf(x, 0.999f, 0.001f);
    data[i] = x;
  }
}
// [/snippet:pipeline_work]

}  // namespace gpulab::transfer::kernels

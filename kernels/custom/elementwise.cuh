// SPDX-License-Identifier: MIT
// Elementwise kernels: out[i] = f(x[i]) or f(x[i], y[i]), in three versions of
// the same loop, and the operations of the course as small function objects.
//
//   map_one_per_element  one thread per element: n / 256 blocks, each thread does one element
//   map_grid_stride      just enough threads to fill the GPU; each walks the array in steps of
//                        the whole grid (any n, any grid)
//   map_vectorized       16-byte loads and stores: each block maps one tile of float4s, every
//                        load issued before the first store (the shape of kernels/copy.cuh)
//
// The __constant__ array is `static`: each .cu file that includes this header has
// its own, set by that file's host code (cudaMemcpyToSymbol) and read by its kernels.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::custom::kernels {

// ------------------------------------------------------------------ the operations
struct times_two {
  __device__ float operator()(float x, float) const { return 2.0f * x; }
};

struct saxpy {  // r = a x + y
  float a;
  __device__ float operator()(float x, float y) const { return a * x + y; }
};

struct gaussian_density {  // the normal density with mean mu and standard deviation sigma
  float mu, inverse_sigma, scale;  // scale = 1 / (sigma sqrt(2 pi))
  __device__ float operator()(float x, float) const {
    const float z = (x - mu) * inverse_sigma;
    return scale * expf(-0.5f * z * z);
  }
};

// [snippet:device_function]
// A __device__ function: called from kernels, compiled into them (inlined), never launched.
__device__ __forceinline__ float distance(float a, float b) { return sqrtf(a * a + b * b); }

struct distance_of {
  __device__ float operator()(float a, float b) const { return distance(a, b); }
};
// [/snippet:device_function]

// [snippet:constant_memory]
// Polynomial coefficients in constant memory: a small read-only cache that
// serves one address to a whole warp in one transaction (a broadcast). Every
// thread reads c[0], c[1], ... in the same order: the ideal access.
constexpr int max_polynomial_degree = 15;
static __constant__ float polynomial_coefficients[max_polynomial_degree + 1];

struct polynomial_from_constant {
  int count;  // number of coefficients
  __device__ float operator()(float x, float) const {
    float r = polynomial_coefficients[count - 1];
    for (int k = count - 2; k >= 0; --k) r = r * x + polynomial_coefficients[k];  // Horner
    return r;
  }
};
// [/snippet:constant_memory]

// The same coefficients read from global memory (through L1/L2): the comparison.
struct polynomial_from_global {
  const float* coefficients;
  int count;
  __device__ float operator()(float x, float) const {
    float r = coefficients[count - 1];
    for (int k = count - 2; k >= 0; --k) r = r * x + coefficients[k];
    return r;
  }
};

// ------------------------------------------------------------------ the versions
// [snippet:map_versions]
template <class Op>
__global__ void map_one_per_element(Op op, const float* __restrict__ x, const float* __restrict__ y,
                                    float* __restrict__ out, std::int64_t n) {
  const std::int64_t i = global_thread_id();
  if (i < n) out[i] = op(x[i], y ? y[i] : 0.0f);
}

template <class Op>
__global__ void map_grid_stride(Op op, const float* __restrict__ x, const float* __restrict__ y,
                                float* __restrict__ out, std::int64_t n) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    out[i] = op(x[i], y ? y[i] : 0.0f);
  }
}
// [/snippet:map_versions]

// [snippet:map_vectorized]
// Block b maps float4s [b * VectorsPerThread * blockDim.x, ...): all loads first, then
// the arithmetic and the stores. Block 0 also maps the n % 4 tail, one float per thread.
template <class Op, int VectorsPerThread>
__global__ void map_vectorized(Op op, const float4* __restrict__ x, const float4* __restrict__ y,
                               float4* __restrict__ out, std::int64_t n_vectors,
                               const float* tail_x, const float* tail_y, float* tail_out,
                               int tail) {
  const std::int64_t tile_start =
      static_cast<std::int64_t>(blockIdx.x) * blockDim.x * VectorsPerThread;
  float4 a[VectorsPerThread], b[VectorsPerThread];
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) {
      a[k] = x[i];
      if (y) b[k] = y[i];
    }
  }
  // [/snippet:map_vectorized]
  // [snippet:map_vectorized_stores]
#pragma unroll
  for (int k = 0; k < VectorsPerThread; ++k) {
    const std::int64_t i = tile_start + k * blockDim.x + threadIdx.x;
    if (i < n_vectors) {
      const float4 v = a[k], w = y ? b[k] : make_float4(0, 0, 0, 0);
      out[i] = make_float4(op(v.x, w.x), op(v.y, w.y), op(v.z, w.z), op(v.w, w.w));
    }
  }
  if (blockIdx.x == 0 && threadIdx.x < tail) {
    tail_out[threadIdx.x] = op(tail_x[threadIdx.x], tail_y ? tail_y[threadIdx.x] : 0.0f);
  }
}
// [/snippet:map_vectorized_stores]

}  // namespace gpulab::custom::kernels

// SPDX-License-Identifier: MIT
// The Julia set (and the Mandelbrot set) on the GPU: four versions of the same
// loop over pixels, each changing one thing (see gpulab/custom/julia.hpp).
// The arithmetic is escape_count(), the very function the CPU reference calls.
//
// Kernels that are not templates are `static`: each .cu file that includes this
// header gets its own copy, so no one-definition-rule trap.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/custom/fractal_params.hpp"

namespace gpulab::custom::kernels {

using custom::fractal_count;
using custom::fractal_params;

// [snippet:julia_complex_input]
// One thread per pixel, in a 1D grid: read the pixel's point, write its count.
// 12 bytes move per pixel (8 in, 4 out), as in the course's PyCUDA kernel.
static __global__ void fractal_complex_input(fractal_params p, const float2* __restrict__ points,
                                      std::int32_t* __restrict__ counts, std::int64_t pixels) {
  const std::int64_t k = global_thread_id();
  if (k >= pixels) return;
  const float2 z = points[k];
  counts[k] = fractal_count(p, z.x, z.y);
}
// [/snippet:julia_complex_input]

// [snippet:julia_grid_stride]
// A 2D grid-stride loop: a fixed grid of blocks sweeps the whole image. Here
// threadIdx.x runs down a column (i = row), so the 32 threads of a warp touch
// 32 different rows: every read and write of the warp is a separate transaction.
static __global__ void fractal_grid_stride(fractal_params p, const float2* __restrict__ points,
                                    std::int32_t* __restrict__ counts) {
  for (int j = blockIdx.y * blockDim.y + threadIdx.y; j < p.width; j += gridDim.y * blockDim.y) {
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < p.height; i += gridDim.x * blockDim.x) {
      const std::int64_t k = static_cast<std::int64_t>(i) * p.width + j;
      const float2 z = points[k];
      counts[k] = fractal_count(p, z.x, z.y);
    }
  }
}

// The same loop with the roles swapped: threadIdx.x runs along a row (j), so a
// warp reads 32 neighbouring points (256 bytes) and writes 32 neighbouring counts.
static __global__ void fractal_coalesced_2d(fractal_params p, const float2* __restrict__ points,
                                     std::int32_t* __restrict__ counts) {
  for (int i = blockIdx.y * blockDim.y + threadIdx.y; i < p.height; i += gridDim.y * blockDim.y) {
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < p.width; j += gridDim.x * blockDim.x) {
      const std::int64_t k = static_cast<std::int64_t>(i) * p.width + j;
      const float2 z = points[k];
      counts[k] = fractal_count(p, z.x, z.y);
    }
  }
}
// [/snippet:julia_grid_stride]

// [snippet:julia_computed_coordinates]
// The coalesced loop without the input array: the point of pixel (i, j) is one
// multiply-add away, far cheaper than reading 8 bytes; the count fits a byte.
// (The step is divided out once per thread: a division costs more than an iteration.
// Launched with 16 x 16 blocks: a warp is 16 pixels of 2 rows, see julia.cu.)
static __global__ void fractal_computed_coordinates(fractal_params p,
                                                    std::uint8_t* __restrict__ counts) {
  const float x_step = p.x_step(), y_step = p.y_step();
  for (int i = blockIdx.y * blockDim.y + threadIdx.y; i < p.height; i += gridDim.y * blockDim.y) {
    const float y = fractal_params::linspace_at(p.y_min, y_step, i);
    for (int j = blockIdx.x * blockDim.x + threadIdx.x; j < p.width; j += gridDim.x * blockDim.x) {
      const float x = fractal_params::linspace_at(p.x_min, x_step, j);
      counts[static_cast<std::int64_t>(i) * p.width + j] = fractal_count(p, x, y);
    }
  }
}
// [/snippet:julia_computed_coordinates]

}  // namespace gpulab::custom::kernels

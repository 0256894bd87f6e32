// SPDX-License-Identifier: MIT
// How threads map onto a 2D array: the course's Numba map_2d_kernel.
// x runs along columns (the fast, contiguous index of a row-major array) so that
// neighbouring threads of a warp touch neighbouring addresses.
#pragma once

#include <cstdint>

namespace gpulab::device::kernels {

// [snippet:map_2d_index]
// Writes each element's row-major linear index: out[row][col] = row * cols + col.
static __global__ void map_2d_index(int* __restrict__ out, int rows, int cols) {
  const int col = blockIdx.x * blockDim.x + threadIdx.x;  // x -> columns
  const int row = blockIdx.y * blockDim.y + threadIdx.y;  // y -> rows
  if (row < rows && col < cols) {                         // blocks at the edges stick out
    out[row * cols + col] = row * cols + col;
  }
}
// [/snippet:map_2d_index]

// For the demo: which block wrote each element (block linear id) and which thread in it.
static __global__ void map_2d_who_wrote(int* __restrict__ block_id, int* __restrict__ thread_id, int rows, int cols) {
  const int col = blockIdx.x * blockDim.x + threadIdx.x;
  const int row = blockIdx.y * blockDim.y + threadIdx.y;
  if (row < rows && col < cols) {
    block_id[row * cols + col] = blockIdx.y * gridDim.x + blockIdx.x;
    thread_id[row * cols + col] = threadIdx.y * blockDim.x + threadIdx.x;
  }
}

}  // namespace gpulab::device::kernels

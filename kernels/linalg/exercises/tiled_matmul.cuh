// SPDX-License-Identifier: MIT
// EXERCISE (module 3, linalg): a tiled matrix multiply in shared memory.
//
// C = A B, float, row-major: A is m x k, B is k x n, C is m x n. The launch
// (already written) uses blocks of Tile x Tile threads; thread (x, y) of block
// (bx, by) computes C[row][col] with row = by * Tile + y, col = bx * Tile + x.
//
// The naive kernel reads 2k numbers from global memory per element of C. Here a
// block instead walks along k one Tile-wide step at a time:
//   1. each thread loads ONE element of A's tile and ONE of B's tile into
//      shared memory (a zero where the element lies outside A or B: m, n and k
//      need not be multiples of Tile);
//   2. __syncthreads(): the tiles are complete;
//   3. each thread adds its row of A's tile times its column of B's tile;
//   4. __syncthreads(): nobody overwrites a tile another thread still reads.
// Finally each thread writes its element, if it lies inside C.
// Every number loaded from global memory is now used Tile times.
//
// Check your solution with:   gpulab check tiled_matmul
// (and run compute-sanitizer --tool racecheck on it: a missing __syncthreads shows there)
#pragma once

namespace gpulab::exercises::trainee_kernels {

template <int Tile>
__global__ void tiled_matmul(const float* a, const float* b, float* c, int m, int n, int k) {
  // TODO(trainee): steps 1 to 4 above. Start with
  //   __shared__ float a_tile[Tile][Tile];
  //   __shared__ float b_tile[Tile][Tile];
  //   const int row = blockIdx.y * Tile + threadIdx.y, col = blockIdx.x * Tile + threadIdx.x;
  (void)a, (void)b, (void)c, (void)m, (void)n, (void)k;
}

}  // namespace gpulab::exercises::trainee_kernels

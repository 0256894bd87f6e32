// SPDX-License-Identifier: MIT
// Matrix multiply by hand, C = A B (float, row-major; A m x k, B k x n): the
// version that reads each input Tile times less often than a naive kernel by
// staging Tile x Tile blocks of A and B in shared memory. It is the reference
// of the `tiled_matmul` exercise, and the yardstick that shows how far cuBLAS
// goes beyond it (register tiling, tensor cores, asynchronous copies).
#pragma once

namespace gpulab::linalg::kernels {

// [snippet:tiled_matmul]
template <int Tile>
__global__ void tiled_matmul(const float* a, const float* b, float* c, int m, int n, int k) {
  __shared__ float a_tile[Tile][Tile];
  __shared__ float b_tile[Tile][Tile];
  const int row = blockIdx.y * Tile + threadIdx.y;
  const int col = blockIdx.x * Tile + threadIdx.x;
  float sum = 0.0f;
  for (int t0 = 0; t0 < k; t0 += Tile) {
    // Each thread loads one element of each tile; outside the matrices, zeros.
    const int a_col = t0 + threadIdx.x, b_row = t0 + threadIdx.y;
    a_tile[threadIdx.y][threadIdx.x] =
        row < m && a_col < k ? a[static_cast<long long>(row) * k + a_col] : 0.0f;
    b_tile[threadIdx.y][threadIdx.x] =
        b_row < k && col < n ? b[static_cast<long long>(b_row) * n + col] : 0.0f;
    __syncthreads();  // the tiles are complete
    for (int i = 0; i < Tile; ++i) sum += a_tile[threadIdx.y][i] * b_tile[i][threadIdx.x];
    __syncthreads();  // nobody may overwrite a tile that another thread still reads
  }
  if (row < m && col < n) c[static_cast<long long>(row) * n + col] = sum;
}
// [/snippet:tiled_matmul]

}  // namespace gpulab::linalg::kernels

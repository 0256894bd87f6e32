// SPDX-License-Identifier: MIT
// Memory access patterns: the same work with coalesced and uncoalesced reads.
// A row-major rows x cols float matrix: element (r, c) at m[r * cols + c].
//
//   row_sums_thread_per_row        thread r walks row r: neighbouring threads read addresses a whole
//                                  row apart, so a warp touches 32 cache lines per step (uncoalesced)
//   column_sums_thread_per_column  thread c walks column c: a warp reads 32 neighbouring floats per
//                                  step (coalesced), but only `cols` threads share all the work
//   row_sums_block_per_row         a block per row: the threads read the row side by side as float4
//   column_sums_tiled              each thread sums a run of rows for 4 neighbouring columns (float4),
//                                  so many more threads work; partial sums are added atomically
//   transpose_naive / transpose_tiled / transpose_tiled_padded / transpose_wide_tile: see below
//
// Kernels that are not templates are `static`: each .cu file that includes this
// header gets its own copy, so no one-definition-rule trap.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "kernels/custom/reduce.cuh"

namespace gpulab::custom::kernels {

// [snippet:row_column_naive]
static __global__ void row_sums_thread_per_row(const float* __restrict__ m, int rows, int cols,
                                        float* __restrict__ sums) {
  const std::int64_t r = global_thread_id();
  if (r >= rows) return;
  float sum = 0.0f;
  for (int c = 0; c < cols; ++c) sum += m[r * cols + c];  // a warp's 32 reads: 32 different rows
  sums[r] = sum;
}

static __global__ void column_sums_thread_per_column(const float* __restrict__ m, int rows,
                                                     int cols, float* __restrict__ sums) {
  const std::int64_t c = global_thread_id();
  if (c >= cols) return;
  float sum = 0.0f;
  // A warp's 32 reads: one row, side by side.
  for (std::int64_t r = 0; r < rows; ++r) sum += m[r * cols + c];
  sums[c] = sum;
}
// [/snippet:row_column_naive]

// [snippet:row_sums_block_per_row]
// One block per row; requires cols % 4 == 0 and a 16-byte aligned matrix (the launcher checks).
static __global__ void row_sums_block_per_row(const float4* __restrict__ m, int cols_vectors, float* __restrict__ sums) {
  const float4* row = m + static_cast<std::int64_t>(blockIdx.x) * cols_vectors;
  float sum = 0.0f;
  for (int c = threadIdx.x; c < cols_vectors; c += blockDim.x) {
    const float4 v = row[c];
    sum += (v.x + v.y) + (v.z + v.w);
  }
  // The block's total; sums[] starts at zero, so the one atomic per block is a plain store of it.
  add_block_sum(sum, &sums[blockIdx.x]);
}
// [/snippet:row_sums_block_per_row]

// [snippet:column_sums_tiled]
// Thread x of block (bx, by) sums rows [by * RowsPerBlock, ...) of the 4 columns
// starting at 4 * (bx * blockDim.x + x), then adds them to sums[] (zeroed first).
// Requires cols % 4 == 0 and a 16-byte aligned matrix (the launcher checks).
template <int RowsPerBlock>
__global__ void column_sums_tiled(const float4* __restrict__ m, int rows, int cols_vectors, float* __restrict__ sums) {
  const int c = blockIdx.x * blockDim.x + threadIdx.x;
  if (c >= cols_vectors) return;
  const int first = blockIdx.y * RowsPerBlock;
  const int last = min(rows, first + RowsPerBlock);
  float4 sum = make_float4(0, 0, 0, 0);
#pragma unroll 8
  for (int r = first; r < last; ++r) {
    const float4 v = m[static_cast<std::int64_t>(r) * cols_vectors + c];
    sum.x += v.x, sum.y += v.y, sum.z += v.z, sum.w += v.w;
  }
  atomicAdd(&sums[4 * c + 0], sum.x);
  atomicAdd(&sums[4 * c + 1], sum.y);
  atomicAdd(&sums[4 * c + 2], sum.z);
  atomicAdd(&sums[4 * c + 3], sum.w);
}
// [/snippet:column_sums_tiled]

// [snippet:transpose_naive]
// out (cols x rows) = in (rows x cols) transposed. Blocks of Tile x BlockRows
// threads, each block moving one Tile x Tile tile (each thread Tile / BlockRows
// elements). BlockRows is a template parameter, not blockDim.y, on purpose: with
// a loop count known at compile time the compiler unrolls the loops and issues
// all the thread's loads before it waits for the first. With blockDim.y it loads,
// waits, stores, loads again... one load in flight per thread: 25% slower on an H100.
template <int Tile, int BlockRows>
__global__ void transpose_naive(const float* __restrict__ in, float* __restrict__ out, int rows,
                                int cols) {
  const int c = blockIdx.x * Tile + threadIdx.x;
  for (int k = threadIdx.y; k < Tile; k += BlockRows) {
    const int r = blockIdx.y * Tile + k;
    // Reads are coalesced (a warp reads one row); writes jump `rows` floats from thread to thread.
    if (r < rows && c < cols)
      out[static_cast<std::int64_t>(c) * rows + r] = in[static_cast<std::int64_t>(r) * cols + c];
  }
}
// [/snippet:transpose_naive]

// [snippet:transpose_tiled]
// Through shared memory: read a tile row by row, write it out row by row of the
// transpose. Both global accesses are coalesced; the column reads of the tile hit
// shared memory, where Padding = 1 puts column k of consecutive rows in different
// banks (without it, all 32 threads of a warp ask the same bank: a 32-way conflict).
template <int Tile, int BlockRows, int Padding>
__global__ void transpose_tiled(const float* __restrict__ in, float* __restrict__ out, int rows,
                                int cols) {
  __shared__ float tile[Tile][Tile + Padding];
  const int c = blockIdx.x * Tile + threadIdx.x;
  for (int k = threadIdx.y; k < Tile; k += BlockRows) {
    const int r = blockIdx.y * Tile + k;
    if (r < rows && c < cols) tile[k][threadIdx.x] = in[static_cast<std::int64_t>(r) * cols + c];
  }
  __syncthreads();  // the whole tile is loaded
  const int out_c = blockIdx.y * Tile + threadIdx.x;  // a column of `out` is a row of `in`
  for (int k = threadIdx.y; k < Tile; k += BlockRows) {
    const int out_r = blockIdx.x * Tile + k;
    if (out_r < cols && out_c < rows)
      out[static_cast<std::int64_t>(out_r) * rows + out_c] = tile[threadIdx.x][k];
  }
}
// [/snippet:transpose_tiled]

// [snippet:transpose_wide_tile]
// The padded transpose with more work per thread: a Tile x Tile tile (64 x 64) for
// 32 x BlockRows threads, so each thread moves Tile / 32 columns x Tile / BlockRows
// rows = 16 floats (64 bytes in flight, as many as the copy kernel; the 32 x 33 tile
// gives each thread 4, 16 bytes). All loads go to registers first, then to shared
// memory: every load is issued before any is waited for. Padding keeps both phases
// free of bank conflicts: a warp's 32 threads always touch 32 consecutive columns
// (load) or 32 consecutive rows (store) of a row of Tile + 1 floats.
template <int Tile, int BlockRows>
__global__ void transpose_wide_tile(const float* __restrict__ in, float* __restrict__ out, int rows,
                                    int cols) {
  static_assert(Tile % 32 == 0 && Tile % BlockRows == 0, "a tile is whole warps wide and whole blocks high");
  constexpr int columns_per_thread = Tile / 32;
  constexpr int rows_per_thread = Tile / BlockRows;
  __shared__ float tile[Tile][Tile + 1];
  float v[rows_per_thread][columns_per_thread];
#pragma unroll
  for (int k = 0; k < rows_per_thread; ++k) {
    const int r = blockIdx.y * Tile + k * BlockRows + threadIdx.y;
#pragma unroll
    for (int j = 0; j < columns_per_thread; ++j) {
      const int c = blockIdx.x * Tile + j * 32 + threadIdx.x;  // a warp reads 32 neighbours of one row
      v[k][j] = (r < rows && c < cols) ? in[static_cast<std::int64_t>(r) * cols + c] : 0.0f;
    }
  }
#pragma unroll
  for (int k = 0; k < rows_per_thread; ++k) {
#pragma unroll
    for (int j = 0; j < columns_per_thread; ++j) tile[k * BlockRows + threadIdx.y][j * 32 + threadIdx.x] = v[k][j];
  }
  __syncthreads();  // the whole tile is loaded
#pragma unroll
  for (int k = 0; k < rows_per_thread; ++k) {
    const int out_r = blockIdx.x * Tile + k * BlockRows + threadIdx.y;  // a row of `out` is a column of `in`
#pragma unroll
    for (int j = 0; j < columns_per_thread; ++j) {
      const int out_c = blockIdx.y * Tile + j * 32 + threadIdx.x;
      if (out_r < cols && out_c < rows) {
        out[static_cast<std::int64_t>(out_r) * rows + out_c] = tile[j * 32 + threadIdx.x][k * BlockRows + threadIdx.y];
      }
    }
  }
}
// [/snippet:transpose_wide_tile]

}  // namespace gpulab::custom::kernels

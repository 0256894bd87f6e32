// SPDX-License-Identifier: MIT
// The Gram matrix of a tall, narrow matrix in one pass over its rows:
//
//   G = Z^T Z,   Z = [X - shift | 1 | e]
//
// X is rows x d (1M x 64 in the course), column-major; shift is subtracted from
// every row (PCA's column means: the covariance without a centred copy of X); the
// column of ones and the extra column e are optional. With both, Z = [X 1 y] and
// G holds every number the normal equations of [X 1] need: X^T X, X^T 1, X^T y,
// n and 1^T y. One read of X gives them all (the chunked version reads X three
// times: once for its batched GEMM, twice more for the two small GEMMs beside it).
//
// How a block works (src/ml/gram_one_pass.cu launches it):
//  - Each thread owns one 8 x 8 tile of G in registers: 64 sums. Only the tiles on
//    or below the diagonal exist (G is symmetric), T(T + 1) / 2 of them for T tiles
//    a side: a "group" of threads covers the lower triangle once.
//  - A block of 256 threads holds as many groups as fit (5 for the course's 66
//    columns); each group takes every groups-th row, and the groups' sums are added
//    at the end.
//  - Rows come through shared memory 32 at a time, stored row by row (a row of Z is
//    spread over d columns of X). Each thread reads its 8 + 8 values of a row as
//    four float4 and does 64 fused multiply-adds: 16 FMAs per shared-memory load.
//  - While a stage is multiplied, the next one is already loading into registers.
//  - Each block writes its partial G; sum_gram_partials adds them in double.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::ml::kernels {

inline constexpr int gram_tile = 8;  // each thread: an 8 x 8 tile of G
inline constexpr int gram_tile_entries = gram_tile * gram_tile;
inline constexpr int gram_max_tiles = 16;          // Z up to 128 columns
inline constexpr int gram_block_threads = 256;     // 8 warps
inline constexpr int gram_stage_rows = 32;         // a stage: one row of Z per lane

// The columns of Z, read straight from X and the optional parts.
struct augmented_columns {
  const float* x = nullptr;      // rows x d, column-major, leading dimension rows
  const float* shift = nullptr;  // d values subtracted from X's columns, or nullptr
  const float* extra = nullptr;  // rows values, Z's last column, or nullptr
  std::int64_t rows = 0;
  int d = 0;
  bool ones = false;             // a column of ones after X's

  __host__ __device__ int columns() const { return d + (ones ? 1 : 0) + (extra != nullptr ? 1 : 0); }

  __device__ float value(int column, std::int64_t row) const {
    if (column < d) {
      const float v = x[row + static_cast<std::int64_t>(column) * rows];
      return shift != nullptr ? v - shift[column] : v;
    }
    if (ones && column == d) return 1.0f;
    return extra[row];
  }
};

// Tile p of the lower triangle, counted row by row: (0,0), (1,0), (1,1), (2,0), ...
__host__ __device__ inline void lower_tile(int p, int& ti, int& tj) {
  ti = 0;
  while ((ti + 1) * (ti + 2) / 2 <= p) ++ti;
  tj = p - ti * (ti + 1) / 2;
}

// One block's partial G: its rows [blockIdx.x * rows_per_block, + rows_per_block).
// 256 threads; tiles: T = ceil(columns / 8). Dynamic shared memory:
// max(32 * (8 T + 4), T (T + 1) / 2 * 64) floats. partials: gridDim.x blocks of
// T (T + 1) / 2 * 64 floats, entry k of tile p at k * (T (T + 1) / 2) + p.
static __global__ void __launch_bounds__(gram_block_threads, 2)
    gram_partials_one_pass(augmented_columns z, int tiles, std::int64_t rows_per_block, float* __restrict__ partials) {
  extern __shared__ float4 shared_float4[];  // float4: the rows are read 16 bytes at a time
  float* stage = reinterpret_cast<float*>(shared_float4);
  const int stride = gram_tile * tiles + 4;  // a row of the stage, 16-byte aligned
  const int tiles_total = tiles * (tiles + 1) / 2;
  const int groups = gram_block_threads / tiles_total;  // threads past groups * tiles_total only load
  const int group = static_cast<int>(threadIdx.x) / tiles_total, p = static_cast<int>(threadIdx.x) % tiles_total;
  int ti = 0, tj = 0;
  lower_tile(p, ti, tj);
  const int columns = z.columns();
  const int lane = static_cast<int>(threadIdx.x) % warpSize, warp = static_cast<int>(threadIdx.x) / warpSize;
  constexpr int warps = gram_block_threads / 32;
  const std::int64_t begin = static_cast<std::int64_t>(blockIdx.x) * rows_per_block;
  const std::int64_t end = begin + rows_per_block < z.rows ? begin + rows_per_block : z.rows;

  // Columns past Z's last stay zero in every stage: they add nothing to any sum.
  for (int e = static_cast<int>(threadIdx.x); e < gram_stage_rows * stride; e += gram_block_threads) stage[e] = 0.0f;

  // A stage is 32 rows: warp w loads columns w, w + 8, w + 16, ... (at most T of them),
  // each lane one row, so a warp reads 32 neighbouring floats of one column of X.
  float next[gram_max_tiles];
  const auto load_stage = [&](std::int64_t first_row) {
    const std::int64_t row = first_row + lane;
#pragma unroll
    for (int k = 0; k < gram_max_tiles; ++k) {
      const int column = warp + k * warps;
      next[k] = k < tiles && column < columns && row < end ? z.value(column, row) : 0.0f;
    }
  };

  float sum[gram_tile][gram_tile] = {};
  if (begin < end) load_stage(begin);
  for (std::int64_t first_row = begin; first_row < end; first_row += gram_stage_rows) {
    __syncthreads();  // every thread is done with the last stage
#pragma unroll
    for (int k = 0; k < gram_max_tiles; ++k) {
      const int column = warp + k * warps;
      if (k < tiles && column < columns) stage[lane * stride + column] = next[k];
    }
    __syncthreads();
    if (first_row + gram_stage_rows < end) load_stage(first_row + gram_stage_rows);  // in flight during the FMAs
    const int rows_here = end - first_row < gram_stage_rows ? static_cast<int>(end - first_row) : gram_stage_rows;
    if (group < groups) {
      for (int r = group; r < rows_here; r += groups) {
        const float4* row = reinterpret_cast<const float4*>(stage + r * stride);
        const float4 a0 = row[2 * ti], a1 = row[2 * ti + 1], b0 = row[2 * tj], b1 = row[2 * tj + 1];
        const float a[gram_tile] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
        const float b[gram_tile] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
        for (int i = 0; i < gram_tile; ++i) {
#pragma unroll
          for (int j = 0; j < gram_tile; ++j) sum[i][j] = fmaf(a[i], b[j], sum[i][j]);
        }
      }
    }
  }

  // The groups' sums into group 0, one group at a time through shared memory (a fixed order).
  float* scratch = stage;
  for (int g = 1; g < groups; ++g) {
    __syncthreads();
    if (group == g) {
#pragma unroll
      for (int k = 0; k < gram_tile_entries; ++k) scratch[k * tiles_total + p] = sum[k / gram_tile][k % gram_tile];
    }
    __syncthreads();
    if (group == 0) {
#pragma unroll
      for (int k = 0; k < gram_tile_entries; ++k) sum[k / gram_tile][k % gram_tile] += scratch[k * tiles_total + p];
    }
  }
  if (group == 0) {
    float* out = partials + static_cast<std::int64_t>(blockIdx.x) * tiles_total * gram_tile_entries;
#pragma unroll
    for (int k = 0; k < gram_tile_entries; ++k) out[k * tiles_total + p] = sum[k / gram_tile][k % gram_tile];
  }
}

// out (columns x columns, column-major, leading dimension ld) = alpha * the sum of
// the blocks' partials, added in double: both triangles. One thread per tile entry;
// entries past Z's columns, and the upper half of the diagonal tiles (their lower
// twins are the same sums), are skipped.
template <class Out>
static __global__ void sum_gram_partials(const float* __restrict__ partials, int blocks, int tiles, int columns,
                                         double alpha, Out* __restrict__ out, int ld) {
  const int tiles_total = tiles * (tiles + 1) / 2;
  const std::int64_t e = global_thread_id();
  if (e >= static_cast<std::int64_t>(tiles_total) * gram_tile_entries) return;
  const int p = static_cast<int>(e % tiles_total), k = static_cast<int>(e / tiles_total);
  int ti = 0, tj = 0;
  lower_tile(p, ti, tj);
  const int i = gram_tile * ti + k / gram_tile, j = gram_tile * tj + k % gram_tile;
  if (i >= columns || j >= columns || i < j) return;
  double sum = 0;
#pragma unroll 8
  for (int b = 0; b < blocks; ++b) sum += partials[static_cast<std::int64_t>(b) * tiles_total * gram_tile_entries + e];
  const Out v = static_cast<Out>(alpha * sum);
  out[i + static_cast<std::int64_t>(j) * ld] = v;
  out[j + static_cast<std::int64_t>(i) * ld] = v;
}

}  // namespace gpulab::ml::kernels

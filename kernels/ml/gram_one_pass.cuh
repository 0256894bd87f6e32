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
//  - Rows come through shared memory 64 at a time (a stage), stored row by row (a
//    row of Z is spread over d columns of X). Each thread reads its 8 + 8 values of
//    a row as four float4 and does 64 fused multiply-adds: 16 FMAs per shared-memory load.
//  - The stages are a ring of three, filled by asynchronous copies (cp.async): while
//    one stage is multiplied, the next two are on their way, with no register held
//    for them. (The first version loaded the next stage into registers, one stage
//    ahead: 128 registers with spills, and 355 us for 1M x 66 on the H200 where
//    this one takes 238 us; docs/perf-notes.md, 2026-12-04.)
//  - Each block writes its partial G; sum_gram_partials adds them in double.
//  - PCA's Z = [X - shift | 1] with X 64 wide: the column of ones alone would add a
//    ninth row of tiles (45 tiles a group instead of 36: 271 us against 221 us on the
//    H200). Folded (augmented_columns::ones_folded), its entries are summed by the
//    threads of the diagonal tiles instead: the sums of X - shift's columns, 8 adds a
//    row, on threads placed in the first warps so that the other warps never wait on them.
#pragma once

#include <cstdint>

#include <cuda_pipeline.h>

#include "gpulab/core/launch.cuh"

namespace gpulab::ml::kernels {

inline constexpr int gram_tile = 8;  // each thread: an 8 x 8 tile of G
inline constexpr int gram_tile_entries = gram_tile * gram_tile;
inline constexpr int gram_max_tiles = 16;          // Z up to 128 columns
inline constexpr int gram_block_threads = 256;     // 8 warps
inline constexpr int gram_stage_rows = 64;         // a stage: 64 rows of Z

// The columns of Z, read straight from X and the optional parts: Z = [X - shift | 1 | e]
// (the kernel copies X and e into shared memory and subtracts the shift as it multiplies).
struct augmented_columns {
  const float* x = nullptr;      // rows x d, column-major, leading dimension rows
  const float* shift = nullptr;  // d values subtracted from X's columns, or nullptr
  const float* extra = nullptr;  // rows values, Z's last column, or nullptr
  std::int64_t rows = 0;
  int d = 0;
  bool ones = false;             // a column of ones after X's
  bool ones_folded = false;      // with ones and no extra: the ones column's entries of G (the sums of
                                 // X - shift, the row count) from the diagonal tiles, not a column of Z

  // G's columns, and those the kernel multiplies (a folded column of ones is not among them).
  __host__ __device__ int columns() const { return d + (ones ? 1 : 0) + (extra != nullptr ? 1 : 0); }
  __host__ __device__ int multiplied_columns() const { return columns() - (ones_folded ? 1 : 0); }
};

// Tile p of the lower triangle, counted row by row: (0,0), (1,0), (1,1), (2,0), ...
__host__ __device__ inline void lower_tile(int p, int& ti, int& tj) {
  ti = 0;
  while ((ti + 1) * (ti + 2) / 2 <= p) ++ti;
  tj = p - ti * (ti + 1) / 2;
}

// With a folded ones column, which group and which tile p a thread takes. (Plainly,
// thread t is tile t % (tiles in a group) of group t / (tiles in a group).) Here the
// groups' diagonal tiles come first, all groups' together (threads 0 .. groups * tiles - 1),
// then their other tiles: the 8 extra adds a row then fall on the first warps only,
// instead of on every warp. Threads past the last group get group = groups.
__host__ __device__ inline void diagonal_first_tile(int t, int tiles, int groups, int& group, int& p) {
  const int tiles_total = tiles * (tiles + 1) / 2;
  if (t < groups * tiles) {  // diagonal tile (m, m) is p = m (m + 3) / 2
    group = t / tiles;
    const int m = t % tiles;
    p = m * (m + 3) / 2;
    return;
  }
  const int off_diagonal = tiles_total - tiles, u = t - groups * tiles;
  if (off_diagonal == 0) {  // one tile a side: no other tile
    group = groups;
    p = 0;
    return;
  }
  group = u / off_diagonal;
  const int o = u % off_diagonal;  // the o-th tile below the diagonal, row by row: (1,0), (2,0), (2,1), ...
  int ti = 1;
  while (ti * (ti + 1) / 2 <= o) ++ti;
  p = ti * (ti + 1) / 2 + (o - ti * (ti - 1) / 2);
}

// One block's partial G: its rows [blockIdx.x * rows_per_block, + rows_per_block).
// 256 threads; tiles: T = ceil(multiplied columns / 8). Dynamic shared memory:
// gram_shared_floats(T) floats. partials (gridDim.x * gram_partial_floats(T) floats):
// each block's T (T + 1) / 2 * 64 tile entries, entry k of tile p at k * (T (T + 1) / 2) + p;
// after all of them (FoldedOnes) each block's 8 T sums of Z's columns. Shifted: subtract
// z.shift from X's columns (PCA's centring).
//
// [snippet:gram_stage_ring]
// The stages form a ring in shared memory, filled by asynchronous copies
// (cp.async, through <cuda_pipeline.h>): global memory to shared memory with no
// register in between. While the block multiplies stage k, stages k + 1 and k + 2
// are on their way, so a load's latency is hidden behind two stages of FMAs, and
// one barrier a stage is enough: after it, every thread has finished stage k - 1,
// whose slot is the one refilled next.
// [/snippet:gram_stage_ring]
inline constexpr int gram_stages = 3;

__host__ __device__ constexpr int gram_stage_stride(int tiles) { return gram_tile * tiles + 4; }  // 16-byte rows
// A block's share of the partials: its tiles' entries and the 8 T column sums of a folded ones column.
__host__ __device__ constexpr int gram_partial_floats(int tiles) {
  return tiles * (tiles + 1) / 2 * gram_tile_entries + gram_tile * tiles;
}
__host__ __device__ constexpr int gram_shared_floats(int tiles) {
  const int ring = gram_stages * gram_stage_rows * gram_stage_stride(tiles);
  const int scratch = gram_partial_floats(tiles);  // the groups' sums at the end
  return ring > scratch ? ring : scratch;
}

template <bool Shifted, bool FoldedOnes>
__global__ void __launch_bounds__(gram_block_threads, 2)
    gram_partials_one_pass(augmented_columns z, int tiles, std::int64_t rows_per_block, float* __restrict__ partials) {
  extern __shared__ float4 shared_float4[];  // float4: the rows are read 16 bytes at a time
  float* ring = reinterpret_cast<float*>(shared_float4);
  const int stride = gram_stage_stride(tiles);
  const int stage_floats = gram_stage_rows * stride;
  const int tiles_total = tiles * (tiles + 1) / 2;
  const int groups = gram_block_threads / tiles_total;  // threads past groups * tiles_total only copy
  int group = static_cast<int>(threadIdx.x) / tiles_total, p = static_cast<int>(threadIdx.x) % tiles_total;
  if constexpr (FoldedOnes) diagonal_first_tile(static_cast<int>(threadIdx.x), tiles, groups, group, p);
  int ti = 0, tj = 0;
  lower_tile(p, ti, tj);
  const bool sums_columns = FoldedOnes && ti == tj;  // this thread also sums its 8 columns
  const int columns = FoldedOnes ? z.d : z.columns();  // the multiplied columns (folded: X's)
  const std::int64_t begin = static_cast<std::int64_t>(blockIdx.x) * rows_per_block;
  const std::int64_t end = begin + rows_per_block < z.rows ? begin + rows_per_block : z.rows;
  const std::int64_t stage_count = begin < end ? (end - begin + gram_stage_rows - 1) / gram_stage_rows : 0;

  // Every slot once: the column of ones (if any) and zeros past Z's last column. The
  // copies never touch those places, so they stay for the whole pass.
  for (int e = static_cast<int>(threadIdx.x); e < gram_stages * stage_floats; e += gram_block_threads) {
    const int column = e % stride;
    ring[e] = z.ones && !FoldedOnes && column == z.d ? 1.0f : 0.0f;
  }
  __syncthreads();  // the plain stores above land before any copy into the same slots

  // Stage s into its slot. Thread t always copies the same row of the stage, t % 64,
  // from columns t / 64, t / 64 + 4, ...: 32 neighbouring threads read 32 neighbouring
  // floats of one column of X, and the index arithmetic is a multiply-add a value.
  // (The first ring gave each warp whole columns, 2 rows a lane: about 19
  // instructions a value for the addresses, and 48% of the kernel's instructions
  // were not FMAs; 250 us against 238 us for this one.)
  constexpr int column_step = gram_block_threads / gram_stage_rows;
  const int copy_row = static_cast<int>(threadIdx.x) % gram_stage_rows;
  const int first_column = static_cast<int>(threadIdx.x) / gram_stage_rows;
  const bool copies_extra = z.extra != nullptr && first_column == z.d % column_step;
  const auto copy_stage = [&](std::int64_t s) {
    const std::int64_t row = begin + s * gram_stage_rows + copy_row;
    if (s < stage_count && row < end) {
      float* to = ring + static_cast<int>(s % gram_stages) * stage_floats + copy_row * stride;
      const float* from = z.x + row;
      for (int c = first_column; c < z.d; c += column_step) {
        __pipeline_memcpy_async(to + c, from + static_cast<std::int64_t>(c) * z.rows, sizeof(float));
      }
      if (copies_extra) __pipeline_memcpy_async(to + columns - 1, z.extra + row, sizeof(float));
    }
    __pipeline_commit();  // every thread commits every stage (maybe empty): the counts stay in step
  };

  // This thread's shift for the 8 + 8 columns of its tile (zero past X's columns).
  // (Subtracting it in shared memory instead, each thread from the values it copied,
  // 16 a stage instead of 16 a row, was slower on the H200: 269 us against 224 us for
  // 1M x 64; the pass sits between a stage's landing and the barrier.)
  float shift_a[gram_tile] = {}, shift_b[gram_tile] = {};
  if constexpr (Shifted) {
#pragma unroll
    for (int i = 0; i < gram_tile; ++i) {
      if (gram_tile * ti + i < z.d) shift_a[i] = z.shift[gram_tile * ti + i];
      if (gram_tile * tj + i < z.d) shift_b[i] = z.shift[gram_tile * tj + i];
    }
  }

  // [snippet:gram_stage_loop]
  float sum[gram_tile][gram_tile] = {};
  float column_sum[gram_tile] = {};  // FoldedOnes, diagonal tiles: the sums of Z's columns 8 ti ..
  for (int s = 0; s < gram_stages - 1; ++s) copy_stage(s);  // the first stages in flight
  for (std::int64_t s = 0; s < stage_count; ++s) {
    __pipeline_wait_prior(gram_stages - 2);  // this thread's copies of stage s have landed
    __syncthreads();                         // everyone's have; everyone is done with stage s - 1
    copy_stage(s + gram_stages - 1);         // into stage s - 1's slot
    const float* stage = ring + static_cast<int>(s % gram_stages) * stage_floats;
    const std::int64_t left = end - (begin + s * gram_stage_rows);
    const int rows_here = left < gram_stage_rows ? static_cast<int>(left) : gram_stage_rows;
    if (group < groups) {
      for (int r = group; r < rows_here; r += groups) {
        const float4* row = reinterpret_cast<const float4*>(stage + r * stride);
        const float4 a0 = row[2 * ti], a1 = row[2 * ti + 1], b0 = row[2 * tj], b1 = row[2 * tj + 1];
        float a[gram_tile] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
        float b[gram_tile] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
        if constexpr (Shifted) {
#pragma unroll
          for (int i = 0; i < gram_tile; ++i) {
            a[i] -= shift_a[i];
            b[i] -= shift_b[i];
          }
        }
#pragma unroll
        for (int i = 0; i < gram_tile; ++i) {
#pragma unroll
          for (int j = 0; j < gram_tile; ++j) sum[i][j] = fmaf(a[i], b[j], sum[i][j]);
        }
        if constexpr (FoldedOnes) {
          if (sums_columns) {
#pragma unroll
            for (int i = 0; i < gram_tile; ++i) column_sum[i] += a[i];
          }
        }
      }
    }
  }
  // [/snippet:gram_stage_loop]

  // The groups' sums into group 0, one group at a time through shared memory (a fixed order).
  float* scratch = ring;
  float* column_scratch = ring + tiles_total * gram_tile_entries;
  for (int g = 1; g < groups; ++g) {
    __syncthreads();  // the first time: every thread is done with the last stage
    if (group == g) {
#pragma unroll
      for (int k = 0; k < gram_tile_entries; ++k) scratch[k * tiles_total + p] = sum[k / gram_tile][k % gram_tile];
      if (sums_columns) {
#pragma unroll
        for (int i = 0; i < gram_tile; ++i) column_scratch[gram_tile * ti + i] = column_sum[i];
      }
    }
    __syncthreads();
    if (group == 0) {
#pragma unroll
      for (int k = 0; k < gram_tile_entries; ++k) sum[k / gram_tile][k % gram_tile] += scratch[k * tiles_total + p];
      if (sums_columns) {
#pragma unroll
        for (int i = 0; i < gram_tile; ++i) column_sum[i] += column_scratch[gram_tile * ti + i];
      }
    }
  }
  if (group == 0) {
    float* out = partials + static_cast<std::int64_t>(blockIdx.x) * tiles_total * gram_tile_entries;
#pragma unroll
    for (int k = 0; k < gram_tile_entries; ++k) out[k * tiles_total + p] = sum[k / gram_tile][k % gram_tile];
    if (sums_columns) {  // after every block's tiles
      float* sums = partials + static_cast<std::int64_t>(gridDim.x) * tiles_total * gram_tile_entries +
                    static_cast<std::int64_t>(blockIdx.x) * gram_tile * tiles;
#pragma unroll
      for (int i = 0; i < gram_tile; ++i) sums[gram_tile * ti + i] = column_sum[i];
    }
  }
}

// out (columns x columns, column-major, leading dimension ld) = alpha * the sum of
// the blocks' partials, added in double: both triangles. A block of 32 x 8 threads
// takes 32 neighbouring entries; its 8 rows of threads each add every 8th partial
// (8 short chains of loads in flight, not one long one), then row 0 adds the 8
// sums in order: the same order, the same bits, every run. Entries past Z's
// columns, and the upper half of the diagonal tiles (their lower twins are the
// same sums), are skipped. With folded_ones, G's row and column `columns` (the
// ones column's place) get the column sums, and its corner alpha * rows.
inline constexpr int gram_sum_entries = 32, gram_sum_slices = 8;
template <class Out>
static __global__ void __launch_bounds__(gram_sum_entries * gram_sum_slices)
    sum_gram_partials(const float* __restrict__ partials, int blocks, int tiles, int columns, bool folded_ones,
                      std::int64_t rows, double alpha, Out* __restrict__ out, int ld) {
  __shared__ double slice_sums[gram_sum_slices][gram_sum_entries];
  const int tiles_total = tiles * (tiles + 1) / 2;
  const std::int64_t tile_entries = static_cast<std::int64_t>(tiles_total) * gram_tile_entries;
  const std::int64_t entries = tile_entries + (folded_ones ? gram_tile * tiles : 0);
  const std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * gram_sum_entries + threadIdx.x;
  // A tile entry, or a column sum (stored after every block's tiles).
  const bool column_sum = e >= tile_entries;
  const float* first = column_sum ? partials + blocks * tile_entries + (e - tile_entries) : partials + e;
  const std::int64_t stride = column_sum ? gram_tile * tiles : tile_entries;  // from one block's to the next's
  double sum = 0;
  if (e < entries) {
#pragma unroll 4
    for (int b = static_cast<int>(threadIdx.y); b < blocks; b += gram_sum_slices) sum += first[b * stride];
  }
  slice_sums[threadIdx.y][threadIdx.x] = sum;
  __syncthreads();
  if (threadIdx.y != 0 || e >= entries) return;
  for (int k = 1; k < gram_sum_slices; ++k) sum += slice_sums[k][threadIdx.x];
  if (column_sum) {  // the folded ones column
    const int j = static_cast<int>(e - tile_entries);
    if (j >= columns) return;
    const Out v = static_cast<Out>(alpha * sum);
    out[columns + static_cast<std::int64_t>(j) * ld] = v;
    out[j + static_cast<std::int64_t>(columns) * ld] = v;
    if (j == 0) out[columns + static_cast<std::int64_t>(columns) * ld] = static_cast<Out>(alpha * static_cast<double>(rows));
    return;
  }
  const int p = static_cast<int>(e % tiles_total), k = static_cast<int>(e / tiles_total);
  int ti = 0, tj = 0;
  lower_tile(p, ti, tj);
  const int i = gram_tile * ti + k / gram_tile, j = gram_tile * tj + k % gram_tile;
  if (i >= columns || j >= columns || i < j) return;
  const Out v = static_cast<Out>(alpha * sum);
  out[i + static_cast<std::int64_t>(j) * ld] = v;
  out[j + static_cast<std::int64_t>(i) * ld] = v;
}

}  // namespace gpulab::ml::kernels

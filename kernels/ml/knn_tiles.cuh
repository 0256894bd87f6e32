// SPDX-License-Identifier: MIT
// The tile shape of the fused kNN kernels (knn_fused.cuh, knn_tf32.cuh) and
// what they are given. A block of 256 threads (8 warps) takes 32 queries and
// walks its range of the database 128 rows at a time, the features 16 at a
// time. Warp w owns queries 4w..4w+3 of the block, lane l database rows
// 4l..4l+3 of the tile: each thread ends a tile with a 4 x 4 patch of dot
// products, the warp with its 4 queries against all 128 rows, ready to select.
#pragma once

#include <cstdint>

namespace gpulab::ml::kernels {

constexpr int knn_block_threads = 256;
constexpr int knn_tile_queries = 32;    // queries per block
constexpr int knn_tile_rows = 128;      // database rows per tile
constexpr int knn_tile_features = 16;   // features per step
constexpr int knn_queries_per_warp = 4;
constexpr int knn_rows_per_lane = 4;
constexpr int knn_buffer_keys = 256;    // candidate buffer per query: merged once it holds more than 256 - 128
static_assert(knn_tile_queries == knn_block_threads / 32 * knn_queries_per_warp);
static_assert(knn_tile_rows == 32 * knn_rows_per_lane);
static_assert(knn_buffer_keys >= 2 * knn_tile_rows && (knn_buffer_keys & (knn_buffer_keys - 1)) == 0);

struct knn_fused_args {
  const float* database = nullptr;        // n x d, row-major
  const float* queries = nullptr;         // m x d
  const float* database_norms = nullptr;  // |x|^2
  const float* query_norms = nullptr;     // |q|^2
  std::int64_t n = 0, m = 0, d = 0;
  std::int64_t split_rows = 0;            // database rows per split (blockIdx.y), a multiple of 128
  int splits = 1;
  int candidates = 0;                     // c: kept per (query, split)
  std::uint64_t* lists = nullptr;         // [m][splits][2][c]: the running lists
  std::uint64_t* out = nullptr;           // [m][splits][c]: each split's sorted top c, empty keys after the end
                                          // (the small-k kernel: a split that a shared bound pruned may hold
                                          // fewer, yet every row of the answer that lies in the split)
  std::uint64_t* bounds = nullptr;        // [m], the small-k kernel only: the smallest c-th key any split
                                          // has found for the query (knn_empty_key: none yet)
  const unsigned* largest_norm = nullptr;  // the small-k kernel only: the bits of the largest |x|^2
                                          // (knn_largest_norm; the norms are >= 0, so their bits order as they do)
};

// Shared memory: the candidate buffers first, then the tiles of the dot products.
constexpr std::size_t knn_buffer_bytes = std::size_t{knn_tile_queries} * knn_buffer_keys * sizeof(std::uint64_t);

}  // namespace gpulab::ml::kernels

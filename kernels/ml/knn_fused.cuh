// SPDX-License-Identifier: MIT
// kNN, fused version: the distance tile of 32 queries x 128 database rows as a
// small GEMM (|q|^2 + |x|^2 - 2 q.x, the dot products from register tiles), and
// the top-k selection in the same kernel (knn_select.cuh), so the distances live
// only in registers: no queries x database matrix is ever written.
//
// Grid: (query tiles, database splits). Block (i, s) reads split s of the
// database once for its 32 queries and leaves each query's sorted top c of that
// split in args.out; the splits' lists are merged afterwards (knn_merge_lists,
// up to 32 of them; more by a segmented sort: src/ml/knn.cu). More splits fill
// more SMs when there are few queries.
#pragma once

#include <cstdint>

#include "gpulab/ml/knn_distance.hpp"
#include "gpulab/ml/knn_key.hpp"
#include "kernels/ml/knn_select.cuh"
#include "kernels/ml/knn_tf32.cuh"
#include "kernels/ml/knn_tiles.cuh"

namespace gpulab::ml::kernels {

enum class knn_dot { fp32, tf32 };

// [snippet:fp32_dots]
// dot[r][p] = q.x for query 4w+r and row tile+4l+p, in FP32 on the CUDA cores.
// The tiles are stored feature-major, so that a lane's 4 rows (and a warp's 4
// queries) at one feature are one 16-byte load; the queries' load is the same
// address for the whole warp (a broadcast). 16 FMAs per two shared loads.
__device__ inline void fp32_dots(const knn_fused_args& a, float* tiles, std::int64_t first_query, std::int64_t tile,
                                 float (&dot)[knn_queries_per_warp][knn_rows_per_lane]) {
  constexpr int ld_q = knn_tile_queries + 4;  // +4: rows of the tile start in other banks
  constexpr int ld_x = knn_tile_rows + 4;
  float* qs = tiles;                           // [16][ld_q]: features x queries
  float* xs = qs + knn_tile_features * ld_q;   // [16][ld_x]: features x rows
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
#pragma unroll
  for (int r = 0; r < knn_queries_per_warp; ++r) {
#pragma unroll
    for (int p = 0; p < knn_rows_per_lane; ++p) dot[r][p] = 0.0f;
  }
  for (std::int64_t f0 = 0; f0 < a.d; f0 += knn_tile_features) {
    // Neighbouring threads read neighbouring features of one row: coalesced.
    for (int i = static_cast<int>(threadIdx.x); i < knn_tile_queries * knn_tile_features; i += knn_block_threads) {
      const int row = i / knn_tile_features, f = i % knn_tile_features;
      const std::int64_t q = first_query + row, feature = f0 + f;
      qs[f * ld_q + row] = q < a.m && feature < a.d ? a.queries[q * a.d + feature] : 0.0f;  // zeros add nothing
    }
    for (int i = static_cast<int>(threadIdx.x); i < knn_tile_rows * knn_tile_features; i += knn_block_threads) {
      const int row = i / knn_tile_features, f = i % knn_tile_features;
      const std::int64_t x = tile + row, feature = f0 + f;
      xs[f * ld_x + row] = x < a.n && feature < a.d ? a.database[x * a.d + feature] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int f = 0; f < knn_tile_features; ++f) {
      const float4 q = *reinterpret_cast<const float4*>(qs + f * ld_q + knn_queries_per_warp * warp);
      const float4 x = *reinterpret_cast<const float4*>(xs + f * ld_x + knn_rows_per_lane * lane);
      const float qv[4] = {q.x, q.y, q.z, q.w}, xv[4] = {x.x, x.y, x.z, x.w};
#pragma unroll
      for (int r = 0; r < knn_queries_per_warp; ++r) {
#pragma unroll
        for (int p = 0; p < knn_rows_per_lane; ++p) dot[r][p] = fmaf(qv[r], xv[p], dot[r][p]);
      }
    }
    __syncthreads();  // the tiles are refilled next step
  }
}
// [/snippet:fp32_dots]
constexpr std::size_t fp32_tile_bytes =
    sizeof(float) * knn_tile_features * ((knn_tile_queries + 4) + (knn_tile_rows + 4));

template <knn_dot Dot>
constexpr std::size_t knn_fused_shared_bytes() {
  return knn_buffer_bytes + (Dot == knn_dot::fp32 ? fp32_tile_bytes : tf32_tile_bytes);
}

// [snippet:knn_fused_top]
template <knn_dot Dot>
__global__ void __launch_bounds__(knn_block_threads) knn_fused_top(knn_fused_args a) {
  extern __shared__ __align__(128) unsigned char shared[];
  auto* buffers = reinterpret_cast<std::uint64_t*>(shared);  // [32 queries][256 keys]
  auto* tiles = reinterpret_cast<float*>(shared + knn_buffer_bytes);
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
  const std::int64_t first_query = static_cast<std::int64_t>(blockIdx.x) * knn_tile_queries;
  const int split = static_cast<int>(blockIdx.y);
  const std::int64_t begin = split * a.split_rows;
  const std::int64_t end = begin + a.split_rows < a.n ? begin + a.split_rows : a.n;

  // The warp's 4 queries: their running lists, buffer fill and |q|^2 (registers,
  // the same in every lane). A query past m (the last tile) selects nothing.
  running_top top[knn_queries_per_warp];
  int count[knn_queries_per_warp];
  float query_norm[knn_queries_per_warp];
#pragma unroll
  for (int r = 0; r < knn_queries_per_warp; ++r) {
    const std::int64_t q = first_query + knn_queries_per_warp * warp + r;
    top[r].lists = q < a.m ? a.lists + ((q * a.splits + split) * 2) * a.candidates : nullptr;
    top[r].capacity = a.candidates;
    count[r] = 0;
    query_norm[r] = q < a.m ? a.query_norms[q] : 0.0f;
  }

  for (std::int64_t tile = begin; tile < end; tile += knn_tile_rows) {
    float dot[knn_queries_per_warp][knn_rows_per_lane];
    if constexpr (Dot == knn_dot::fp32) fp32_dots(a, tiles, first_query, tile, dot);
    else tf32_dots(a, tiles, first_query, tile, dot);

    float row_norm[knn_rows_per_lane];
#pragma unroll
    for (int p = 0; p < knn_rows_per_lane; ++p) {
      const std::int64_t x = tile + knn_rows_per_lane * lane + p;
      row_norm[p] = x < end ? a.database_norms[x] : 0.0f;
    }
#pragma unroll
    for (int r = 0; r < knn_queries_per_warp; ++r) {
      if (first_query + knn_queries_per_warp * warp + r >= a.m) continue;  // warp-uniform
      std::uint64_t keys[knn_rows_per_lane];
#pragma unroll
      for (int p = 0; p < knn_rows_per_lane; ++p) {
        const std::int64_t x = tile + knn_rows_per_lane * lane + p;
        // Norms and dots summed in feature order, then one formula: the same for
        // every row of every tile (gpulab/ml/knn_distance.hpp).
        keys[p] = x < end ? knn_key(knn_expanded_distance(query_norm[r], row_norm[p], dot[r][p]),
                                    static_cast<std::uint32_t>(x))
                          : knn_empty_key;  // past the split: never below a threshold
      }
      std::uint64_t* buffer = buffers + (knn_queries_per_warp * warp + r) * knn_buffer_keys;
      collect_candidates(keys, top[r], buffer, count[r]);
      if (count[r] > knn_buffer_keys - knn_tile_rows) {  // the next tile might not fit: merge now
        merge_candidates(buffer, count[r], top[r]);
        count[r] = 0;
      }
    }
  }

  // The rest of the buffers, then each query's list of this split to `out`.
#pragma unroll
  for (int r = 0; r < knn_queries_per_warp; ++r) {
    const std::int64_t q = first_query + knn_queries_per_warp * warp + r;
    if (q >= a.m) continue;
    if (count[r] > 0) merge_candidates(buffers + (knn_queries_per_warp * warp + r) * knn_buffer_keys, count[r], top[r]);
    std::uint64_t* out = a.out + (q * a.splits + split) * a.candidates;
    const std::uint64_t* list = top[r].list();
    for (int j = lane; j < a.candidates; j += 32) out[j] = j < top[r].size ? list[j] : knn_empty_key;
  }
}
// [/snippet:knn_fused_top]

}  // namespace gpulab::ml::kernels

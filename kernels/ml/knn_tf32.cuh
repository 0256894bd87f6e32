// SPDX-License-Identifier: MIT
// kNN, tf32_rerank version: the dot products of a tile on the tensor cores
// (wmma, m16n16k8, TF32 inputs with a 10-bit mantissa, float accumulation), fed
// to the same fused selection as the exact version but keeping more candidates;
// then each candidate's exact FP32 distance (knn_rerank_exact) and a sort.
#pragma once

#include <mma.h>

#include <cstdint>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/launch.cuh"
#include "gpulab/ml/knn_key.hpp"
#include "kernels/ml/knn_tiles.cuh"

namespace gpulab::ml::kernels {

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
// Before sm_80 there are no TF32 tensor cores (the wmma types below do not exist for
// such targets): knn_workspace refuses those devices, and this stub keeps the build
// whole when it also emits code for them (the default build's PTX for compute_75).
__device__ inline void tf32_dots(const knn_fused_args&, float*, std::int64_t, std::int64_t,
                                 float (&)[knn_queries_per_warp][knn_rows_per_lane]) {
  __trap();
}
#else
// [snippet:tf32_dots]
// dot[r][p] = q.x for query 4w+r and row tile+4l+p, from TF32 tensor-core products.
// The 32 x 128 tile is 2 x 8 fragments of 16 x 16; warp w computes fragments
// (w / 4, 2 (w % 4)) and (w / 4, 2 (w % 4) + 1), stores them to shared memory,
// and after a barrier reads back the patch its selection needs.
__device__ inline void tf32_dots(const knn_fused_args& a, float* tiles, std::int64_t first_query, std::int64_t tile,
                                 float (&dot)[knn_queries_per_warp][knn_rows_per_lane]) {
  namespace wmma = nvcuda::wmma;
  constexpr int ld = knn_tile_features + 4;   // row pitch of the input tiles (a multiple of 4 floats, as wmma wants)
  constexpr int ld_dots = knn_tile_rows + 4;  // row pitch of the output tile
  float* qs = tiles;                          // [32][ld]: queries x features (row-major A)
  float* xs = qs + knn_tile_queries * ld;     // [128][ld]: rows x features (column-major B = X^T)
  float* dots = xs + knn_tile_rows * ld;      // [32][ld_dots]
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
  const int frag_row = warp / 4, frag_col = 2 * (warp % 4);

  wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2];
  wmma::fill_fragment(acc[0], 0.0f);
  wmma::fill_fragment(acc[1], 0.0f);
  for (std::int64_t f0 = 0; f0 < a.d; f0 += knn_tile_features) {
    for (int i = static_cast<int>(threadIdx.x); i < knn_tile_queries * knn_tile_features; i += knn_block_threads) {
      const int row = i / knn_tile_features, f = i % knn_tile_features;
      const std::int64_t q = first_query + row, feature = f0 + f;
      qs[row * ld + f] = q < a.m && feature < a.d ? a.queries[q * a.d + feature] : 0.0f;  // zeros add nothing
    }
    for (int i = static_cast<int>(threadIdx.x); i < knn_tile_rows * knn_tile_features; i += knn_block_threads) {
      const int row = i / knn_tile_features, f = i % knn_tile_features;
      const std::int64_t x = tile + row, feature = f0 + f;
      xs[row * ld + f] = x < a.n && feature < a.d ? a.database[x * a.d + feature] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < knn_tile_features; kk += 8) {
      wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> qa;
      wmma::load_matrix_sync(qa, qs + 16 * frag_row * ld + kk, ld);
      for (int t = 0; t < qa.num_elements; ++t) qa.x[t] = wmma::__float_to_tf32(qa.x[t]);
#pragma unroll
      for (int f = 0; f < 2; ++f) {
        wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::col_major> xb;
        wmma::load_matrix_sync(xb, xs + 16 * (frag_col + f) * ld + kk, ld);
        for (int t = 0; t < xb.num_elements; ++t) xb.x[t] = wmma::__float_to_tf32(xb.x[t]);
        wmma::mma_sync(acc[f], qa, xb, acc[f]);
      }
    }
    __syncthreads();  // the tiles are refilled next step
  }
  for (int f = 0; f < 2; ++f) {
    wmma::store_matrix_sync(dots + 16 * frag_row * ld_dots + 16 * (frag_col + f), acc[f], ld_dots,
                            wmma::mem_row_major);
  }
  __syncthreads();
#pragma unroll
  for (int r = 0; r < knn_queries_per_warp; ++r) {
    const float4 v = *reinterpret_cast<const float4*>(dots + (knn_queries_per_warp * warp + r) * ld_dots +
                                                      knn_rows_per_lane * lane);
    dot[r][0] = v.x;
    dot[r][1] = v.y;
    dot[r][2] = v.z;
    dot[r][3] = v.w;
  }
  // No barrier here: `dots` is written again only after the next tile's first
  // barrier, which every warp reaches after these reads.
}
// [/snippet:tf32_dots]
#endif
constexpr std::size_t tf32_tile_bytes =
    sizeof(float) * ((knn_tile_queries + knn_tile_rows) * (knn_tile_features + 4) + knn_tile_queries * (knn_tile_rows + 4));

// [snippet:rerank_exact]
// The exact FP32 distance of every candidate, straight from the definition, one
// warp per candidate (lanes read neighbouring features, a shuffle tree adds them
// in the same order for every row, so equal rows get equal distances). Query q
// owns candidates[q * per_query ...]; empty keys stay empty.
static __global__ void knn_rerank_exact(const float* __restrict__ database, const float* __restrict__ queries, std::int64_t d,
                                 const std::uint64_t* __restrict__ candidates, std::int64_t per_query,
                                 std::int64_t total, std::uint64_t* __restrict__ exact) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  for (std::int64_t i = global_thread_id() / 32; i < total; i += grid_thread_count() / 32) {
    const std::uint64_t key = candidates[i];
    if (key == knn_empty_key) {  // the same for the whole warp
      if (lane == 0) exact[i] = knn_empty_key;
      continue;
    }
    const std::uint32_t id = knn_key_id(key);
    const float* q = queries + (i / per_query) * d;
    const float* x = database + static_cast<std::int64_t>(id) * d;
    float sum = 0.0f;
    for (std::int64_t j = lane; j < d; j += 32) {
      const float diff = q[j] - x[j];
      sum = fmaf(diff, diff, sum);
    }
    sum = warp_sum(sum);
    if (lane == 0) exact[i] = knn_key(sum, id);
  }
}
// [/snippet:rerank_exact]

}  // namespace gpulab::ml::kernels

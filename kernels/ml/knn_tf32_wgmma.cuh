// SPDX-License-Identifier: MIT
// The kNN filter's score pass on Hopper's warpgroup MMA (wgmma, sm_90a): the same work and
// the same output as the mma.sync pass (knn_tf32_filter.cuh), with the product done by
// wgmma.m64n128k8, whose B operand (the tile of database rows) the tensor cores read
// straight from shared memory.
//
// Why it is faster (H200, docs/perf-notes.md): with mma.sync each warp loads every B
// fragment itself (144 LDS for 128 MMAs a tile) and the SM's issue slots, not the tensor
// cores, set the pace (~160 TFLOP/s). A wgmma covers a warpgroup's 64 queries x 128 rows x
// 8 features in one instruction: per warp and tile 8 wgmma instead of 128 mma.sync and 144
// loads. Measured in a harness on the kNN course problem (10,000 queries x 1M rows x 64, the
// products and tile minima without the stores): 7.85 ms with mma.sync, 4.17 ms with wgmma
// and the 128-byte swizzle, 7.55 ms with wgmma and no swizzle (the rows' 16-byte chunks then
// fall in the same banks).
//
// Block (x, y): 128 queries, two warpgroups of 64 (warp w: queries 16 w .. 16 w + 15, as in
// the mma.sync pass), against the rows of range y, 128 rows a tile, three tiles in flight
// (cp.async two tiles ahead). A tile in shared memory: features 0-31 of its 128 rows as one
// swizzled block of 16 atoms (16 KB), features 32-63 as a second; the k-step ks of 8
// features starts at block ks / 4, + 32 bytes (ks % 4) inside each 128-byte atom row.
#pragma once

#include <cuda_pipeline.h>

#include <cstdint>

#include "kernels/ml/knn_tf32_pass.cuh"
#include "kernels/ml/tf32_fragments.cuh"
#include "kernels/ml/wgmma_tf32.cuh"

namespace gpulab::ml::kernels {

inline constexpr int tf32_wgmma_stages = 3;
inline constexpr int tf32_wgmma_tile_bytes = tf32_filter_tile_rows * tf32_filter_max_features * 4;  // 32 KB
// The tiles, their norms, and 1 KB of slack to put the first tile on a 1024-byte boundary:
// 100,864 bytes, two blocks an SM.
inline constexpr std::size_t tf32_wgmma_shared_bytes =
    std::size_t{tf32_wgmma_stages} * (tf32_wgmma_tile_bytes + tf32_filter_tile_rows * 4) + 1024;
// What the layout below takes for granted, checked by the compiler.
static_assert(tf32_filter_threads == 256 && tf32_filter_tile_rows == 128 && tf32_filter_max_features == 64,
              "the copy: 16 rows x 16 pieces of 16 bytes a step, features in two blocks of 32");
static_assert(tf32_wgmma_tile_bytes % 1024 == 0 && (tf32_filter_tile_rows * 128) % 1024 == 0,
              "every stage and feature block starts on a 1024-byte boundary (the swizzle's atoms)");
static_assert(2 * (tf32_wgmma_shared_bytes + 1024) <= 228 * 1024,
              "two blocks an SM: a Hopper SM has 228 KB of shared memory, 1 KB of it reserved a block");

// [snippet:knn_tf32_wgmma_product]
// The warpgroup's 64 queries x the tile at shared address x: KSteps wgmma of 8 features (0 past d).
// No branch inside the chain: ptxas would put a warpgroup.arrive there (its note C7519).
template <int KSteps>
__device__ __forceinline__ void wgmma_tile_product(float (&acc)[tf32_filter_n_tiles][4],
                                                   const unsigned (&af)[8][4], std::uint32_t x) {
  wgmma_fence();  // the last tile's scores were read and written by ordinary instructions
  wgmma_m64n128k8_tf32<false>(acc, af[0], wgmma_descriptor_swizzle128(x));
#pragma unroll
  for (int ks = 1; ks < KSteps; ++ks) {  // features 8 ks on: block ks / 4, + 32 bytes a step in it
    const std::uint32_t start = x + (ks / 4) * (tf32_filter_tile_rows * 128) + (ks % 4) * 32;
    wgmma_m64n128k8_tf32<true>(acc, af[ks], wgmma_descriptor_swizzle128(start));
  }
  wgmma_commit_group();
  wgmma_wait_all();
  wgmma_fence_operands(acc);
}
// [/snippet:knn_tf32_wgmma_product]

template <tf32_pass_mode Mode>
__global__ void __launch_bounds__(tf32_filter_threads, 2) knn_tf32_wgmma_pass(tf32_pass_args a) {
  constexpr int tile_rows = tf32_filter_tile_rows, stages = tf32_wgmma_stages, tile_bytes = tf32_wgmma_tile_bytes;
  extern __shared__ __align__(1024) unsigned char wgmma_shared[];
  // __align__ asks for 1024 bytes; CUDA promises dynamic shared memory only 16: round the
  // start up to be sure (at most 1008 bytes, inside the 1024 of slack).
  const std::uint32_t raw = static_cast<std::uint32_t>(__cvta_generic_to_shared(wgmma_shared));
  const std::uint32_t slack = ((raw + 1023u) & ~1023u) - raw;
  unsigned char* tiles = wgmma_shared + slack;                                    // [stages][2 blocks][128 rows][128 B]
  float* tile_norms = reinterpret_cast<float*>(tiles + stages * tile_bytes);      // [stages][128]
  const std::uint32_t tiles_address = raw + slack;
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
  const int g = lane / 4, t = lane % 4;
  const std::int64_t q0 = std::int64_t{blockIdx.x} * tf32_filter_block_queries + tf32_filter_warp_queries * warp;
  const std::int64_t begin = std::int64_t{blockIdx.y} * a.split_rows;
  const std::int64_t end = begin + a.split_rows < a.n ? begin + a.split_rows : a.n;
  const int count = begin < end ? static_cast<int>((end - begin + tile_rows - 1) / tile_rows) : 0;
  const int k_steps = (a.d + 7) / 8;

  // The copy: this thread's 16-byte piece `piece` (features 4 piece .. 4 piece + 3) of rows
  // row0 + 16 i (i < 8), to chunk (piece % 8) ^ (row % 8) of the row's 128 bytes in block
  // piece / 8. 16 threads a row: a warp reads two whole rows (coalesced) and writes 8
  // distinct chunks of each atom row. Pieces past d / 4 are never copied: zeros, below.
  const int row0 = static_cast<int>(threadIdx.x) / 16, piece = static_cast<int>(threadIdx.x) % 16;
  const int place0 = (piece / 8) * (tile_rows * 128) + row0 * 128 + (((piece % 8) ^ (row0 % 8)) << 4);
  const bool copies = piece < a.d / 4;
  for (int stage = 0; stage < stages; ++stage) {  // the zeros past d: written once, never overwritten
    if (!copies) {
      for (int i = 0; i < tile_rows / 16; ++i) {
        *reinterpret_cast<float4*>(tiles + stage * tile_bytes + place0 + i * 16 * 128) = float4{0, 0, 0, 0};
      }
    }
  }
  // Rows at or past `end` are zero-filled with NaN norms (scores in no minimum, under no threshold).
  auto copy_tile = [&](int stage, std::int64_t tile) {
    const int rows_here = end - tile < tile_rows ? static_cast<int>(end - tile) : tile_rows;
    if (copies) {
      const float* from = a.rows + (tile + row0) * a.d + 4 * piece;
      unsigned char* to = tiles + stage * tile_bytes + place0;
#pragma unroll
      for (int i = 0; i < tile_rows / 16; ++i) {  // 16 rows further: the same row % 8, the same swizzle
        const bool here = row0 + 16 * i < rows_here;
        __pipeline_memcpy_async(to + i * 16 * 128, here ? from + std::int64_t{i} * 16 * a.d : a.rows, 16,
                                here ? 0 : 16);
      }
    }
    if (threadIdx.x < tile_rows) {
      float* norm = tile_norms + stage * tile_rows + threadIdx.x;
      if (static_cast<int>(threadIdx.x) < rows_here) {
        __pipeline_memcpy_async(norm, a.norms + tile + threadIdx.x, 4);
      } else {
        *norm = __int_as_float(0x7fffffff);
      }
    }
  };
  for (int s = 0; s < stages - 1; ++s) {
    if (s < count) copy_tile(s, begin + std::int64_t{s} * tile_rows);
    __pipeline_commit();  // a group a tile, empty ones too: the wait below counts tiles
  }

  // The warpgroup's centred queries as A fragments: query q0 + g (a0, a2), q0 + g + 8
  // (a1, a3); k-step ks, columns t and t + 4 = features 8 ks + t and 8 ks + t + 4 (no
  // permutation: B's order is the order in memory). q - c rounded to TF32; zeros past d.
  unsigned af[8][4];
#pragma unroll
  for (int ks = 0; ks < 8; ++ks) {
#pragma unroll
    for (int half = 0; half < 2; ++half) {
      const int f = 8 * ks + t + 4 * half;
      const float c = f < a.d ? a.centre[f] : 0.0f;
#pragma unroll
      for (int h = 0; h < 2; ++h) {
        const std::int64_t q = q0 + g + 8 * h;
        const float v = q < a.m && f < a.d ? a.queries[q * a.d + f] : c;
        af[ks][2 * half + h] = round_to_tf32(v - c);
      }
    }
  }
  tf32_pass_state state = tf32_pass_start(Mode, a, q0, g);

  float acc[tf32_filter_n_tiles][4] = {};
  int stage = 0;
  for (int j = 0; j < count; ++j) {
    __pipeline_wait_prior(stages - 2);  // this thread's pieces of tile j are in
    fence_proxy_async_shared();         // ... and visible to the tensor cores' reads
    __syncthreads();                    // everyone's pieces; everyone is done with tile j - 1
    const int ahead = j + stages - 1;   // into the stage tile j - 1 used
    if (ahead < count) copy_tile(stage == 0 ? stages - 1 : stage - 1, begin + std::int64_t{ahead} * tile_rows);
    __pipeline_commit();
    const std::uint32_t x = tiles_address + stage * tile_bytes;
    if (k_steps <= 4) {  // d <= 32: the first block of features only
      wgmma_tile_product<4>(acc, af, x);
    } else {
      wgmma_tile_product<8>(acc, af, x);
    }
    tf32_keep_tile<Mode>(acc, tile_norms + stage * tile_rows, begin + std::int64_t{j} * tile_rows, q0, g, t, a, state);
    stage = stage + 1 == stages ? 0 : stage + 1;
  }
  tf32_pass_finish<Mode>(a, state, q0, g, t);
}

}  // namespace gpulab::ml::kernels

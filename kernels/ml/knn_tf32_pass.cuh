// SPDX-License-Identifier: MIT
// What the two TF32 score passes of the kNN filter share (knn_tf32_filter.cuh: mma.sync,
// any GPU from sm_80; knn_tf32_wgmma.cuh: Hopper's warpgroup MMA): their arguments, the
// shape of a block's work, and what a warp does with the products of one tile of rows.
//
// A block takes 128 queries (8 warps of 16) and one range of database rows, 128 rows a
// tile. Both passes leave a warp's products of a tile in the same registers: acc[nt][e]
// is the product of query q0 + g + 8 (e / 2) with tile row 8 nt + 2 t + e % 2 (lane = 4 g + t),
// the C fragment of m16n8k8 and the accumulator fragment of wgmma m64nNk8 alike.
#pragma once

#include <cstdint>

#include "gpulab/ml/float_order.hpp"

namespace gpulab::ml::kernels {

inline constexpr int tf32_filter_threads = 256;       // 8 warps
inline constexpr int tf32_filter_max_features = 64;   // the queries stay in registers as A fragments
inline constexpr int tf32_filter_warp_queries = 16;   // one m16n8k8 A fragment set a warp
inline constexpr int tf32_filter_block_queries = 8 * tf32_filter_warp_queries;
inline constexpr int tf32_filter_tile_rows = 128;     // 16 n-tiles of 8 rows a step
inline constexpr int tf32_filter_n_tiles = tf32_filter_tile_rows / 8;

enum class tf32_pass_mode { minima, filter };

struct tf32_pass_args {
  const float* rows;          // the centred rows searched (the sample or the database), n x d, TF32 bits, 16-byte aligned
  const float* norms;         // their |x - c|^2 (from the centred float values, before the TF32 truncation)
  std::int64_t n;
  const float* queries;       // m x d, 8-byte aligned (not centred: the pass subtracts c)
  const float* centre;        // c, d floats
  std::int64_t m;
  int d;                      // a multiple of 4, at most 64
  std::int64_t split_rows;    // a multiple of the tile
  float* minima;              // minima: [m][tiles], the smallest score of each tile of rows
  std::int64_t tiles;
  const float* thresholds;    // filter: [m] theta1 (NaN: none)
  unsigned* counts;           // filter: [m][splits], candidates found (more than cap: overflowed)
  std::uint64_t* candidates;  // filter: [m][splits][cap], ordered_key(score) << 32 | row
  int cap;
};

// What a thread carries from tile to tile: its two queries' thresholds (filter; NaN past m)
// and how many candidates each has found in this range so far.
struct tf32_pass_state {
  float threshold[2];
  unsigned found[2];
};

__device__ __forceinline__ tf32_pass_state tf32_pass_start(tf32_pass_mode mode, const tf32_pass_args& a,
                                                           std::int64_t q0, int g) {
  tf32_pass_state state{};
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const std::int64_t q = q0 + g + 8 * h;
    state.threshold[h] = mode == tf32_pass_mode::filter && q < a.m ? a.thresholds[q] : __int_as_float(0x7fffffff);
  }
  return state;
}

// [snippet:knn_tf32_tile_scores]
// One warp's work on the products of one tile (rows tile .. tile + 127; `norms` their
// |x|^2, NaN for rows past the range): the scores |x|^2 - 2 q.x in place, then the tile's
// minimum of each query (minima) or each score under its query's threshold as a candidate
// (filter). Called by every lane of the warp (shuffles and votes inside).
template <tf32_pass_mode Mode>
__device__ __forceinline__ void tf32_keep_tile(float (&acc)[tf32_filter_n_tiles][4], const float* norms,
                                               std::int64_t tile, std::int64_t q0, int g, int t,
                                               const tf32_pass_args& a, tf32_pass_state& state) {
  constexpr int n_tiles = tf32_filter_n_tiles;
  float low[2] = {__int_as_float(0x7f800000), __int_as_float(0x7f800000)};
#pragma unroll
  for (int nt = 0; nt < n_tiles; ++nt) {
    const float2 xn = *reinterpret_cast<const float2*>(norms + nt * 8 + 2 * t);
    acc[nt][0] = fmaf(-2.0f, acc[nt][0], xn.x);
    acc[nt][1] = fmaf(-2.0f, acc[nt][1], xn.y);
    acc[nt][2] = fmaf(-2.0f, acc[nt][2], xn.x);
    acc[nt][3] = fmaf(-2.0f, acc[nt][3], xn.y);
    low[0] = fminf(low[0], fminf(acc[nt][0], acc[nt][1]));
    low[1] = fminf(low[1], fminf(acc[nt][2], acc[nt][3]));
  }
  if constexpr (Mode == tf32_pass_mode::minima) {
    // The tile's minimum for each query: its four lanes t hold a quarter of the rows each.
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      float v = low[h];
      v = fminf(v, __shfl_xor_sync(0xffffffffu, v, 1));
      v = fminf(v, __shfl_xor_sync(0xffffffffu, v, 2));
      const std::int64_t q = q0 + g + 8 * h;
      if (t == 0 && q < a.m) a.minima[q * a.tiles + tile / tf32_filter_tile_rows] = v;  // ranges: whole tiles
    }
  } else {
    const bool mine = low[0] <= state.threshold[0] || low[1] <= state.threshold[1];
    if (!__any_sync(0xffffffffu, mine)) return;  // no row of this tile for any of the warp's queries
    // About 80% of warp-tiles get here on the course's data (~1.7 candidates a warp-tile), so
    // no atomics: for each of the thread's queries, this lane's rows under the threshold as
    // bits (bit 2 nt + e: row nt*8 + 2t + e), numbered after those of the query's lanes t' < t
    // (a prefix over the group of 4 by shuffles, on the whole warp: this branch is uniform).
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      unsigned below = 0;
      if (low[h] <= state.threshold[h]) {
#pragma unroll
        for (int nt = 0; nt < n_tiles; ++nt) {
          below |= (acc[nt][2 * h] <= state.threshold[h] ? 1u : 0u) << (2 * nt);
          below |= (acc[nt][2 * h + 1] <= state.threshold[h] ? 1u : 0u) << (2 * nt + 1);
        }
      }
      const unsigned own = __popc(below);
      unsigned before = own;  // inclusive prefix over the query's lanes
      unsigned up = __shfl_up_sync(0xffffffffu, before, 1, 4);
      if (t >= 1) before += up;
      up = __shfl_up_sync(0xffffffffu, before, 2, 4);
      if (t >= 2) before += up;
      const unsigned group_total = __shfl_sync(0xffffffffu, before, 3, 4);
      unsigned at = state.found[h] + before - own;
      state.found[h] += group_total;
      if (below == 0) continue;
      const std::int64_t q = q0 + g + 8 * h;  // < m: past m the threshold is NaN
      std::uint64_t* segment = a.candidates + (q * gridDim.y + blockIdx.y) * a.cap;
      while (below != 0) {
        const int bit = __ffs(below) - 1;
        below &= below - 1;
        float score = 0.0f;  // a select chain, not an indexed register array (no local memory)
#pragma unroll
        for (int nt = 0; nt < n_tiles; ++nt) {
          score = bit == 2 * nt ? acc[nt][2 * h] : score;
          score = bit == 2 * nt + 1 ? acc[nt][2 * h + 1] : score;
        }
        const std::uint64_t row = static_cast<std::uint64_t>(tile + (bit / 2) * 8 + 2 * t + bit % 2);
        if (at < static_cast<unsigned>(a.cap)) segment[at] = (std::uint64_t{ordered_key(score)} << 32) | row;
        ++at;
      }
    }
  }
}
// [/snippet:knn_tf32_tile_scores]

// Filter: each (query, range)'s candidate count, written once at the end of the range.
template <tf32_pass_mode Mode>
__device__ __forceinline__ void tf32_pass_finish(const tf32_pass_args& a, const tf32_pass_state& state,
                                                 std::int64_t q0, int g, int t) {
  if constexpr (Mode == tf32_pass_mode::filter) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const std::int64_t q = q0 + g + 8 * h;
      if (t == 0 && q < a.m) a.counts[q * gridDim.y + blockIdx.y] = state.found[h];
    }
  }
}

}  // namespace gpulab::ml::kernels

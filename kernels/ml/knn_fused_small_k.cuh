// SPDX-License-Identifier: MIT
// kNN, fused, for small k: at most 32 candidates a query and at most 64
// features (the course's search: 1M x 64 database, 10,000 queries, k = 10).
//
// Why a second fused kernel. The first (knn_fused.cuh) gives each thread a 4 x 4
// patch of dot products: two 16-byte shared loads feed 16 FMAs, so shared memory,
// not the FMA units, sets the pace, and its candidate buffers (2 KiB a query)
// leave no room for more queries a block. Here:
//  - each thread owns 8 queries x 8 rows: four 16-byte loads (two of them the
//    same address for a half-warp: broadcasts) feed 64 FMAs;
//  - the block keeps its 256 queries in shared memory for the whole run and
//    walks the database 128 rows a tile; the next tile is copied in
//    (cp.async, no registers in between) while the block multiplies this one;
//  - k is small, so a query's running top list (sorted keys) fits in the 32
//    lanes of a warp, one key a lane: a new candidate goes in by a ballot (its
//    rank) and a shuffle (the keys behind it move up one lane). A distance is a
//    candidate only if it is at most the query's threshold (the list's last
//    distance); after the first tiles almost none is, so the common case is one
//    test of the nearest of a lane's 8 rows, and nothing needs a buffer. That test
//    is a cheap one, an FMA a row against a slightly looser bound, never too tight
//    (knn_filter_bound, gpulab/ml/knn_distance.hpp): 2% off the search (H100);
//  - the splits of a query share what they found (the bound, below), so that a
//    split that starts late, or lags, takes almost no candidates.
//
// The shared bound. Each split keeps its own list, and every list starts empty: a
// split's first tiles offer most of its candidates, and each is inserted one at a
// time (a chain of dependent shuffles that the block's barrier then waits for).
// So every few tiles, and when it ends, a split whose list is full writes the list's
// last key to bounds[query] by atomicMin; and every split reads bounds[query] when
// it starts and every few tiles, and takes no distance above it. Why no neighbour is
// lost: a full list's last key has c keys at or below it, so the answer's k-th key
// (k <= c) is at or below every bound ever written; each of the answer's rows has
// a key at or below that, so its distance passes every threshold (`<=`, and the
// key's distance is the distance clamped at 0), and in its own split fewer than k
// keys are smaller than its key, so it stays in that split's list. The merge that
// follows sees every answer row; what a list holds beyond them may depend on the
// order in which the blocks ran, the answer does not.
//
// Layout: 512 threads (16 warps), one block an SM. Warp w, lane l = 16 h + t:
// queries 16 w + 8 h + i (i < 8) of the block; rows 4 t + j and 64 + 4 t + j
// (j < 4) of the tile. A query's 128 distances of a tile lie in one half-warp.
// The dot products are summed feature by feature (one fmaf chain over 0..d-1,
// padding adds 0 * 0): the distance of a row is bitwise that of the other
// kernels and of the CPU (gpulab/ml/knn_distance.hpp). The output is the first
// kernel's: each (query, split) list sorted, empty keys after its end.
//
// Measured on the H200 (docs/perf-notes.md, fourteenth session): multiplying the
// tile straight from its row-major copy (two buffers, one barrier a tile, no
// transposition) was slower, 41.2 ms against 33.7: its loop (a row's 4 features
// against 8 queries' 4) stalled at dispatch three times as often as this one.
#pragma once

#include <cuda_pipeline.h>

#include <cstdint>
#include <cuda/atomic>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/ml/knn_distance.hpp"
#include "gpulab/ml/knn_key.hpp"
#include "kernels/ml/knn_select.cuh"
#include "kernels/ml/knn_tiles.cuh"

namespace gpulab::ml::kernels {

constexpr int small_k_threads = 512;
constexpr int small_k_queries = 256;  // queries a block
constexpr int small_k_rows = 128;     // database rows a tile (= knn_tile_rows: splits are whole tiles)
constexpr int small_k_max_features = 64;
constexpr int small_k_max_candidates = 32;  // one key a lane
constexpr int small_k_ld_queries = small_k_queries + 4;  // +4: the next feature's row starts in other banks
constexpr int small_k_ld_rows = small_k_rows + 4;
static_assert(small_k_rows == knn_tile_rows);

// Shared memory, in floats then keys. The tiles are feature-major (feature f's
// values of all queries, or of all rows, side by side), so a thread's 8 queries
// or 4 rows at one feature are 16-byte loads. The staged tile is row-major, as
// the rows lie in global memory, its 16-byte chunks swizzled (chunk c of row r
// at c ^ (r % 16)) so that both the copies and the transposing reads are free of
// bank conflicts.
struct small_k_shared {
  // One feature row more than the features: the dot loop prefetches row f + 1.
  static constexpr int query_floats = (small_k_max_features + 1) * small_k_ld_queries;
  static constexpr int row_floats = (small_k_max_features + 1) * small_k_ld_rows;
  static constexpr int staged_floats = small_k_rows * small_k_max_features;
  static constexpr int floats =
      query_floats + row_floats + staged_floats + 2 * small_k_rows + 3 * small_k_queries + 2;
  static constexpr std::size_t bytes =
      sizeof(float) * floats + sizeof(std::uint64_t) * small_k_queries * small_k_max_candidates;

  float* queries;        // [65][ld_queries]
  float* rows;           // [65][ld_rows]: the tile being multiplied
  float* staged;         // [128][64]: the next tile, as copied
  float* staged_norms;   // [128]
  float* row_norms;      // [128]: NaN past the split's end (NaN <= x is false: never a candidate)
  float* query_norms;    // [256]
  float* thresholds;     // [256]: the distance a candidate must not exceed (+inf while neither the
                         // list nor the shared bound has c keys, NaN for a query past m)
  float* filter_bounds;  // [256]: knn_filter_bound of each threshold (the cheap test's)
  float* largest_row_norm;  // [2]: [0] the database's largest |x|^2 ([1] keeps the keys 8-byte aligned)
                            // Every thread holds it in a register at the start too, but passing that
                            // register down to set_threshold held it through the loop: 128 registers
                            // (127 with this copy) and knn_fused 30.6 ms on an H100, where this copy
                            // ran 29.6 (docs/perf-notes.md, thirty-fifth session). Shared it stays.
  std::uint64_t* lists;  // [256][32]: each query's sorted running top list

  __device__ explicit small_k_shared(unsigned char* base) {
    queries = reinterpret_cast<float*>(base);
    rows = queries + query_floats;
    staged = rows + row_floats;
    staged_norms = staged + staged_floats;
    row_norms = staged_norms + small_k_rows;
    query_norms = row_norms + small_k_rows;
    thresholds = query_norms + small_k_queries;
    filter_bounds = thresholds + small_k_queries;
    largest_row_norm = filter_bounds + small_k_queries;
    lists = reinterpret_cast<std::uint64_t*>(largest_row_norm + 2);  // 8-byte aligned: floats is even
  }
};
static_assert(small_k_shared::floats % 2 == 0);

__device__ inline int swizzled_chunk(int row, int chunk) { return chunk ^ (row % 16); }

// The database rows of the tile starting at `tile`: 128, fewer in a split's last tile.
__device__ inline int rows_in_tile(std::int64_t tile, std::int64_t end) {
  return end - tile < small_k_rows ? static_cast<int>(end - tile) : small_k_rows;
}
// +inf: a threshold that lets every distance in. NaN: a norm or threshold that lets
// none in (NaN <= x is false).
__device__ inline float every_distance() { return __int_as_float(0x7f800000); }
__device__ inline float no_distance() { return __int_as_float(0x7fffffff); }

// The splits read the shared bound every this many tiles (and when they start): often
// enough to follow it, seldom enough that its load from L2 costs nothing measurable.
constexpr int small_k_bound_refresh_tiles = 8;

// The query's shared bound, as read now. Other blocks may be lowering it meanwhile: a
// relaxed atomic load, not a plain one, so that reading it while they write is no race.
__device__ inline std::uint64_t load_bound(std::uint64_t* bound) {
  return cuda::atomic_ref<std::uint64_t, cuda::thread_scope_device>(*bound).load(cuda::memory_order_relaxed);
}
// A threshold lowered to a bound's distance (a bound of knn_empty_key leaves it).
__device__ inline float lowered_by(float threshold, std::uint64_t bound) {
  return bound == knn_empty_key ? threshold : fminf(threshold, knn_key_distance(bound));
}
// Query i's threshold (and with it its cheap test's bound) lowered to `threshold`.
__device__ inline void set_threshold(const small_k_shared& sh, int query, float threshold) {
  sh.thresholds[query] = threshold;
  sh.filter_bounds[query] = knn_filter_bound(threshold, sh.query_norms[query], sh.largest_row_norm[0]);
}
// A full list's last key into the query's shared bound (here, not where a candidate is
// inserted: there the dot products fill the registers, and the atomic's address spilled).
__device__ inline void share_last_key(std::uint64_t* bound, std::uint64_t last) {
  if (last != knn_empty_key) atomicMin(reinterpret_cast<unsigned long long*>(bound), static_cast<unsigned long long>(last));
}

// Rows [tile, tile + 128) of the database (and their norms) into the staging
// area, by asynchronous copies; rows at or past `end` and features at or past d
// are filled with zeros. Vector: 16-byte copies (d % 4 == 0 and 16-byte aligned
// rows); otherwise one float at a time. Thread i copies chunk i % 16 of rows
// i / 16 + 32 r (r < 4): 16 threads a row, neighbours copy neighbouring bytes,
// and the chunk's swizzled place is the same in all four rows.
template <bool Vector>
__device__ inline void copy_tile_async(const knn_fused_args& a, const small_k_shared& sh, std::int64_t tile,
                                       std::int64_t end) {
  const int chunk = static_cast<int>(threadIdx.x % 16), first_row = static_cast<int>(threadIdx.x / 16);
  const int rows_left = rows_in_tile(tile, end);
  if (4 * chunk < a.d) {
    float* to = sh.staged + first_row * small_k_max_features + 4 * swizzled_chunk(first_row, chunk);
#pragma unroll
    for (int r = 0; r < small_k_rows / 32; ++r) {
      const int row = first_row + 32 * r;
      const bool present = row < rows_left;
      float* to_r = to + 32 * r * small_k_max_features;
      // An absent row copies nothing, from an address that exists.
      const float* from_r = present ? a.database + (tile + row) * a.d + 4 * chunk : a.database;
      if constexpr (Vector) {
        __pipeline_memcpy_async(to_r, from_r, 16, present ? 0 : 16);
      } else {
        for (int e = 0; e < 4; ++e) {
          const bool feature = present && 4 * chunk + e < a.d;
          __pipeline_memcpy_async(to_r + e, feature ? from_r + e : a.database, 4, feature ? 0 : 4);
        }
      }
    }
  }
  if (threadIdx.x < small_k_rows / 4) {  // the norms: 4 rows a thread, those past `end` zero
    // One float at a time: a 16-byte copy of the last rows would reach past the norms'
    // end (zero-filling does not shrink what cp.async addresses; compute-sanitizer says so).
    for (int e = 0; e < 4; ++e) {
      const int row = 4 * static_cast<int>(threadIdx.x) + e;
      const bool present = row < rows_left;
      __pipeline_memcpy_async(sh.staged_norms + row, present ? a.database_norms + tile + row : a.database_norms, 4,
                              present ? 0 : 4);
    }
  }
  __pipeline_commit();
}

// The staged tile, transposed into the feature-major tile that is multiplied.
// Thread i moves row i % 128, chunks i / 128 + 4 r: neighbouring threads take
// neighbouring rows. Rows past the split's end get a NaN norm.
__device__ inline void transpose_staged(const small_k_shared& sh, int features_padded, int rows_left) {
  const int row = static_cast<int>(threadIdx.x % small_k_rows), first_chunk = static_cast<int>(threadIdx.x / small_k_rows);
  const float* from = sh.staged + row * small_k_max_features;
  float* to = sh.rows + row;
#pragma unroll
  for (int r = 0; r < 16 / (small_k_threads / small_k_rows); ++r) {
    const int chunk = first_chunk + (small_k_threads / small_k_rows) * r;
    if (4 * chunk >= features_padded) break;
    const float4 v = *reinterpret_cast<const float4*>(from + 4 * swizzled_chunk(row, chunk));
    to[(4 * chunk) * small_k_ld_rows] = v.x;
    to[(4 * chunk + 1) * small_k_ld_rows] = v.y;
    to[(4 * chunk + 2) * small_k_ld_rows] = v.z;
    to[(4 * chunk + 3) * small_k_ld_rows] = v.w;
  }
  if (threadIdx.x < small_k_rows) {
    sh.row_norms[threadIdx.x] = static_cast<int>(threadIdx.x) < rows_left ? sh.staged_norms[threadIdx.x] : no_distance();
  }
}

// Row j (< 8) of a thread's 8 in the tile: 4 t + j, then 64 + 4 t + j - 4.
__device__ inline int small_k_row(int t, int j) { return j < 4 ? 4 * t + j : 64 + 4 * t + (j - 4); }

// dot[i][j] = q.x for the thread's query i and row j, in FP32 on the CUDA cores,
// feature by feature. Per feature: 8 queries and 8 rows in four 16-byte loads,
// 64 FMAs; the next feature's loads are issued before this feature's FMAs, so
// that their latency hides behind them (the tiles have a spare feature row).
__device__ inline void small_k_dots(const small_k_shared& sh, int query_offset, int t, int features_padded,
                                    float (&dot)[8][8]) {
#pragma unroll
  for (int i = 0; i < 8; ++i) {
#pragma unroll
    for (int j = 0; j < 8; ++j) dot[i][j] = 0.0f;
  }
  const float* q = sh.queries + query_offset;
  const float* x = sh.rows + 4 * t;
  float4 q0 = *reinterpret_cast<const float4*>(q), q1 = *reinterpret_cast<const float4*>(q + 4);
  float4 x0 = *reinterpret_cast<const float4*>(x), x1 = *reinterpret_cast<const float4*>(x + 64);
  for (int f0 = 0; f0 < features_padded; f0 += 4) {
#pragma unroll
    for (int f = f0 + 1; f <= f0 + 4; ++f) {
      // [snippet:knn_small_k_feature]
      const float4 next_q0 = *reinterpret_cast<const float4*>(q + f * small_k_ld_queries);
      const float4 next_q1 = *reinterpret_cast<const float4*>(q + f * small_k_ld_queries + 4);
      const float4 next_x0 = *reinterpret_cast<const float4*>(x + f * small_k_ld_rows);
      const float4 next_x1 = *reinterpret_cast<const float4*>(x + f * small_k_ld_rows + 64);
      const float qv[8] = {q0.x, q0.y, q0.z, q0.w, q1.x, q1.y, q1.z, q1.w};
      const float xv[8] = {x0.x, x0.y, x0.z, x0.w, x1.x, x1.y, x1.z, x1.w};
#pragma unroll
      for (int i = 0; i < 8; ++i) {
#pragma unroll
        for (int j = 0; j < 8; ++j) dot[i][j] = fmaf(qv[i], xv[j], dot[i][j]);
      }
      q0 = next_q0;
      q1 = next_q1;
      x0 = next_x0;
      x1 = next_x1;
      // [/snippet:knn_small_k_feature]
    }
  }
}

// The candidates of one query (bits of `mine` in the lanes of half-warp `half`;
// bit j: the lane's row j at `distance[j]`) into its list, one at a time; all 32
// lanes call it. Lane j holds the list's key j (c keys, sorted); a key below the
// last goes in at its rank (how many keys are smaller: a ballot), the keys
// behind it move up one lane, and candidates now past the threshold are dropped.
// A full list's last key lowers the threshold (which a shared bound may have set lower).
__device__ inline void insert_candidates(const small_k_shared& sh, int query, int c, int half, unsigned& mine,
                                         const float (&distance)[8], std::int64_t tile, int t) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  std::uint64_t* list = sh.lists + query * small_k_max_candidates;
  const unsigned half_lanes = 0xffffu << (16 * half);
  unsigned offering = __ballot_sync(full_warp, mine != 0) & half_lanes;
  if (offering == 0) return;
  std::uint64_t key_here = lane < c ? list[lane] : knn_empty_key;
  std::uint64_t last = __shfl_sync(full_warp, key_here, c - 1);
  while (offering != 0) {
    const int leader = __ffs(static_cast<int>(offering)) - 1;
    std::uint64_t offered = 0;
    if (lane == leader) {  // the leader's first candidate
      const int j = __ffs(static_cast<int>(mine)) - 1;
      mine &= mine - 1;
      float d = distance[0];
#pragma unroll
      for (int jj = 1; jj < 8; ++jj) d = jj == j ? distance[jj] : d;  // a select chain: no local memory
      offered = knn_key(d, static_cast<std::uint32_t>(tile + small_k_row(t, j)));
    }
    // [snippet:knn_small_k_rank]
    offered = __shfl_sync(full_warp, offered, leader);
    if (offered < last) {  // warp-uniform
      const int rank = __popc(__ballot_sync(full_warp, lane < c && key_here < offered));
      const std::uint64_t behind = __shfl_up_sync(full_warp, key_here, 1);
      if (lane == rank) key_here = offered;
      else if (lane > rank) key_here = behind;
      last = __shfl_sync(full_warp, key_here, c - 1);
      if (last != knn_empty_key && (lane & 16) == 16 * half) {  // drop what can no longer get in
        const float bound = knn_key_distance(last);
#pragma unroll
        for (int j = 0; j < 8; ++j) mine &= distance[j] <= bound ? ~0u : ~(1u << j);
      }
    }
    // [/snippet:knn_small_k_rank]
    offering = __ballot_sync(full_warp, mine != 0) & half_lanes;
  }
  __syncwarp();  // every lane's reads of this tile's threshold come before lane 0 rewrites it
  if (lane < c) list[lane] = key_here;
  if (lane == 0 && last != knn_empty_key) set_threshold(sh, query, fminf(sh.thresholds[query], knn_key_distance(last)));
  __syncwarp();
}

template <bool Vector>
__global__ void __launch_bounds__(small_k_threads, 1) knn_fused_small_k(knn_fused_args a) {
  extern __shared__ __align__(128) unsigned char shared[];
  const small_k_shared sh(shared);
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
  const int half = lane / 16, t = lane % 16;
  const int query_offset = 16 * warp + 8 * half;  // the thread's first query in the block
  const std::int64_t first_query = static_cast<std::int64_t>(blockIdx.x) * small_k_queries;
  const int split = static_cast<int>(blockIdx.y), c = a.candidates;
  const std::int64_t begin = split * a.split_rows;
  const std::int64_t end = begin + a.split_rows < a.n ? begin + a.split_rows : a.n;
  const int features_padded = static_cast<int>((a.d + 3) / 4 * 4);  // the padding is zeros

  copy_tile_async<Vector>(a, sh, begin, end);  // the first tile on its way while the queries are set up
  for (int i = static_cast<int>(threadIdx.x); i < small_k_queries * small_k_max_features; i += small_k_threads) {
    const int query = i / small_k_max_features, f = i % small_k_max_features;
    const std::int64_t q = first_query + query;
    sh.queries[f * small_k_ld_queries + query] = q < a.m && f < a.d ? a.queries[q * a.d + f] : 0.0f;
  }
  const float largest_row_norm = __uint_as_float(*a.largest_norm);
  if (threadIdx.x == 0) sh.largest_row_norm[0] = largest_row_norm;
  for (int query = static_cast<int>(threadIdx.x); query < small_k_queries; query += small_k_threads) {
    const std::int64_t q = first_query + query;
    const float query_norm = q < a.m ? a.query_norms[q] : 0.0f;
    // +inf: every distance is a candidate until the list is full, unless other splits have
    // already found c keys (a block of a later wave); NaN: a query past m takes none.
    const float threshold = q < a.m ? lowered_by(every_distance(), load_bound(a.bounds + q)) : no_distance();
    sh.query_norms[query] = query_norm;
    sh.thresholds[query] = threshold;
    sh.filter_bounds[query] = knn_filter_bound(threshold, query_norm, largest_row_norm);
  }
  for (int i = static_cast<int>(threadIdx.x); i < small_k_queries * small_k_max_candidates; i += small_k_threads) {
    sh.lists[i] = knn_empty_key;
  }

  for (std::int64_t tile = begin; tile < end; tile += small_k_rows) {
    // Every few tiles, the shared bounds: loaded before the barrier, so that the barrier's
    // wait hides the load; set after it, when no warp reads the thresholds.
    const bool refresh = (tile - begin) / small_k_rows % small_k_bound_refresh_tiles == small_k_bound_refresh_tiles - 1;
    const int my_query = static_cast<int>(threadIdx.x);  // threads 0..255: one query each
    const bool refresher = refresh && my_query < small_k_queries && first_query + my_query < a.m;
    const std::uint64_t bound = refresher ? load_bound(a.bounds + first_query + my_query) : knn_empty_key;
    __pipeline_wait_prior(0);
    __syncthreads();  // the staged tile has landed (every thread's copies); no warp still reads `rows`
    transpose_staged(sh, features_padded, rows_in_tile(tile, end));
    if (refresher) {  // the lists and thresholds: last written before the first barrier
      share_last_key(a.bounds + first_query + my_query, sh.lists[my_query * small_k_max_candidates + c - 1]);
      set_threshold(sh, my_query, lowered_by(sh.thresholds[my_query], bound));
    }
    __syncthreads();  // `rows` and the thresholds are set; the staging area may be refilled
    if (tile + small_k_rows < end) copy_tile_async<Vector>(a, sh, tile + small_k_rows, end);

    float dot[8][8];
    small_k_dots(sh, query_offset, t, features_padded, dot);

    float row_norm[8];  // NaN for a row past the split: its distance is NaN, never a candidate
#pragma unroll
    for (int j = 0; j < 8; ++j) row_norm[j] = sh.row_norms[small_k_row(t, j)];
    // The common case for all 8 queries first: 8 independent chains with no branch between
    // them, so the scheduler can interleave them; then one vote for the warp. The cheap
    // test (knn_filter_bound): one FMA a row, no addition, against a slightly looser bound.
    unsigned near = 0;  // bit i: query i may have a candidate in this lane
#pragma unroll
    for (int i = 0; i < 8; ++i) {  // unrolled: dot[i] must stay in registers
      float lowest = fmaf(-2.0f, dot[i][0], row_norm[0]);  // NaN rows drop out: fminf ignores NaN
#pragma unroll
      for (int j = 1; j < 8; ++j) lowest = fminf(lowest, fmaf(-2.0f, dot[i][j], row_norm[j]));
      near |= lowest <= sh.filter_bounds[query_offset + i] ? 1u << i : 0u;
    }
    near = warp_or(near);  // bit i: some lane of the warp has one
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      if ((near & (1u << i)) != 0) {  // rare after the first tiles: the exact test
        // Read again, not kept: unchanged since (only this warp's insertions for query i change it).
        const float query_norm = sh.query_norms[query_offset + i], threshold = sh.thresholds[query_offset + i];
        float distance[8];
        unsigned mine = 0;  // bit j: row j is a candidate for this query
#pragma unroll
        for (int j = 0; j < 8; ++j) {
          distance[j] = knn_expanded_distance(query_norm, row_norm[j], dot[i][j]);
          mine |= distance[j] <= threshold ? 1u << j : 0u;
        }
        for (int h = 0; h < 2; ++h) {
          const int owner = 16 * warp + 8 * h + i;  // the query of half-warp h
          insert_candidates(sh, owner, c, h, mine, distance, tile, t);
        }
      }
    }
  }

  // Each warp writes its 16 queries' lists (only this warp ever touched them).
  for (int i = 0; i < 16; ++i) {
    const std::int64_t q = first_query + 16 * warp + i;
    if (q >= a.m) break;
    std::uint64_t* out = a.out + (q * a.splits + split) * c;
    const std::uint64_t key = lane < c ? sh.lists[(16 * warp + i) * small_k_max_candidates + lane] : knn_empty_key;
    if (lane < c) out[lane] = key;
    if (lane == c - 1) share_last_key(a.bounds + q, key);  // for the blocks still to come
  }
}

}  // namespace gpulab::ml::kernels

// SPDX-License-Identifier: MIT
// kNN, tf32_rerank version for k <= 32 and d <= 64 (d % 4 == 0): filter and refine
// with a proven bound. The tensor cores score every (query, row) pair in TF32; a
// bound on TF32's error says which rows could still be among the exact k nearest;
// only those get an exact FP32 distance. The answer is the exact search's by
// construction (recall 1.0 for any data), not by a tuned number of candidates.
//
//   A  a bound   the TF32 product of the queries with a sample of rows keeps each
//                query's minimum score per tile of the sample; the k-th smallest of
//                those minima, A, is the score of k DISTINCT rows, and the error bound
//                turns it into a score threshold theta1 that every row of the exact
//                top k passes (knn_tf32_threshold below).
//   B  filter    the TF32 product with the whole database; a row whose score is at
//                most theta1 goes to its query's candidates: one compare a score and no
//                atomics (each (query, split) has its own segment, written by one block).
//   C  refine    per query, the k-th smallest candidate score gives a tighter theta2;
//                the candidates under it get their exact distance (one fmaf chain in
//                feature order: knn_direct_distance) and the k smallest (distance, id)
//                are the answer. A query without a bound (fewer than k sample tiles)
//                or with a full segment is searched exactly over the whole database.
//
// The score is s(x) = |x|^2 - 2 q.x (|q|^2 is the same for all of a query's rows), on
// CENTRED data: rows and queries less the sample's mean c. Distances do not change when
// the origin moves, but TF32's error grows with |q| |x|: rows far from the origin (every
// feature near 1000, say) would let nearly every row through the bound. So the search
// first writes a centred copy of the database, its bits already rounded to TF32
// (truncated), with the float norms of the centred rows (knn_tf32_centre_rows).
// Why it is fast: no list is kept while the database streams by (a sorted list per
// query, offered each candidate by the whole warp, took ~250 instructions an offer;
// a top-32 list over 77k rows takes ~280 offers). The course's numbers: docs/perf-notes.md.
#pragma once

#include <cuda_pipeline.h>

#include <cstdint>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/launch.cuh"
#include "gpulab/ml/float_order.hpp"
#include "gpulab/ml/knn_key.hpp"
#include "gpulab/ml/knn_tf32_bound.hpp"
#include "kernels/ml/copy_rows_async.cuh"
#include "kernels/ml/knn_tf32_pass.cuh"
#include "kernels/ml/tf32_fragments.cuh"

namespace gpulab::ml::kernels {

// The mma.sync pass's tiles: rows 72 floats apart (a half-warp's LDS.64 covers the 32 banks),
// two tiles and their norms in shared memory.
inline constexpr int tf32_filter_ld = tf32_filter_max_features + 8;
inline constexpr std::size_t tf32_filter_shared_bytes =
    sizeof(float) * 2 * tf32_filter_tile_rows * (tf32_filter_ld + 1);
inline constexpr int tf32_refine_threads = 128;       // 4 warps: 4 queries a block
inline constexpr std::int64_t tf32_mean_rows = 8192;   // the centre: the mean of the sample's first rows

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
// No TF32 tensor cores before sm_80 (knn_workspace refuses such devices); this keeps the
// default build's compute_75 PTX whole.
template <tf32_pass_mode Mode>
__global__ void knn_tf32_pass(tf32_pass_args) {
  __trap();
}
#else
// [snippet:knn_tf32_pass]
// Block (x, y): 128 queries (16 a warp, held as A fragments in registers for the whole
// run) against the rows of split y, 128 rows a tile, copied by cp.async one tile ahead.
// Each warp multiplies its 16 queries by the tile: 16 n-tiles x ceil(d / 8) k-steps of
// mma.m16n8k8, each B fragment one LDS.64. Inside each group of 8 features the order of
// k is permuted in both operands (logical t -> feature 2t, t + 4 -> 2t + 1), so that a
// lane's two B values are neighbours in memory. The rows come already truncated to TF32,
// so that the error bound does not depend on what the tensor cores do with the low 13 bits.
template <tf32_pass_mode Mode>
__global__ void __launch_bounds__(tf32_filter_threads, 2) knn_tf32_pass(tf32_pass_args a) {
  constexpr int tile_rows = tf32_filter_tile_rows, ld = tf32_filter_ld, n_tiles = tf32_filter_n_tiles;
  extern __shared__ __align__(128) float pass_shared[];
  float* tiles = pass_shared;                       // [2][tile_rows][ld]
  float* tile_norms = tiles + 2 * tile_rows * ld;   // [2][tile_rows]
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
  const int g = lane / 4, t = lane % 4;
  const std::int64_t q0 = std::int64_t{blockIdx.x} * tf32_filter_block_queries + tf32_filter_warp_queries * warp;
  const std::int64_t begin = std::int64_t{blockIdx.y} * a.split_rows;
  const std::int64_t end = begin + a.split_rows < a.n ? begin + a.split_rows : a.n;
  const int k_steps = (a.d + 7) / 8;

  // Columns d..71 of both tile buffers are zeros for the whole run (the copies never
  // write there), so the last k-step of a d that is not a multiple of 8 adds nothing.
  for (int e = static_cast<int>(threadIdx.x); e < 2 * tile_rows * (ld - a.d); e += tf32_filter_threads) {
    const int row = e / (ld - a.d), column = a.d + e % (ld - a.d);
    tiles[row * ld + column] = 0.0f;
  }
  // A tile's rows (copy_rows_async: absent rows zero-filled) and their norms; an absent
  // row's norm is NaN (a plain store by the thread that owns it: its scores are then below
  // no threshold and no minimum; the buffer is read only after the next barrier).
  auto copy_tile = [&](int buffer, std::int64_t tile) {
    copy_rows_async<tf32_filter_threads, tile_rows>(tiles + buffer * tile_rows * ld, ld, a.rows, tile, end, a.d);
    if (threadIdx.x < tile_rows) {
      float* norm = tile_norms + buffer * tile_rows + threadIdx.x;
      if (tile + threadIdx.x < end) {
        __pipeline_memcpy_async(norm, a.norms + tile + threadIdx.x, 4);
      } else {
        *norm = __int_as_float(0x7fffffff);
      }
    }
    __pipeline_commit();
  };
  if (begin < end) copy_tile(0, begin);

  // The warp's centred queries as A fragments: query q0 + g (a0, a2) and q0 + g + 8 (a1, a3),
  // q - c rounded to TF32; features past d are zeros.
  unsigned af[8][4];
#pragma unroll
  for (int ks = 0; ks < 8; ++ks) {
    const int f = ks * 8 + 2 * t;
    const std::int64_t qa = q0 + g, qb = qa + 8;
    const float2 c = f < a.d ? *reinterpret_cast<const float2*>(a.centre + f) : float2{0, 0};
    const float2 va = qa < a.m && f < a.d ? *reinterpret_cast<const float2*>(a.queries + qa * a.d + f) : c;
    const float2 vb = qb < a.m && f < a.d ? *reinterpret_cast<const float2*>(a.queries + qb * a.d + f) : c;
    af[ks][0] = round_to_tf32(va.x - c.x);
    af[ks][1] = round_to_tf32(vb.x - c.x);
    af[ks][2] = round_to_tf32(va.y - c.y);
    af[ks][3] = round_to_tf32(vb.y - c.y);
  }
  tf32_pass_state state = tf32_pass_start(Mode, a, q0, g);

  int buffer = 0;
  for (std::int64_t tile = begin; tile < end; tile += tile_rows, buffer ^= 1) {
    __pipeline_wait_prior(0);
    __syncthreads();  // the tile is in; every warp is done with the other buffer
    if (tile + tile_rows < end) copy_tile(buffer ^ 1, tile + tile_rows);
    const float* x = tiles + buffer * tile_rows * ld;
    float acc[n_tiles][4];
#pragma unroll
    for (int nt = 0; nt < n_tiles; ++nt) acc[nt][0] = acc[nt][1] = acc[nt][2] = acc[nt][3] = 0.0f;
#pragma unroll
    for (int ks = 0; ks < 8; ++ks) {
      if (ks < k_steps) {
#pragma unroll
        for (int nt = 0; nt < n_tiles; ++nt) {
          const float2 b = *reinterpret_cast<const float2*>(x + (nt * 8 + g) * ld + ks * 8 + 2 * t);
          mma_m16n8k8_tf32(acc[nt], af[ks], __float_as_uint(b.x), __float_as_uint(b.y));
        }
      }
    }
    // [/snippet:knn_tf32_pass]
    tf32_keep_tile<Mode>(acc, tile_norms + buffer * tile_rows, tile, q0, g, t, a, state);
  }
  tf32_pass_finish<Mode>(a, state, q0, g, t);
}
#endif

// The sample: rows (i * stride) mod n, i < samples (stride coprime with n: distinct rows,
// spread over the database whatever its order), with their norms (norms may be nullptr).
static __global__ void knn_tf32_gather_sample(const float* __restrict__ database, const float* __restrict__ norms,
                                              std::int64_t n, int d, std::int64_t samples, std::int64_t stride,
                                              float* __restrict__ sample, float* __restrict__ sample_norms) {
  const int pieces = d / 4;
  for (std::int64_t i = global_thread_id(); i < samples * pieces; i += grid_thread_count()) {
    const std::int64_t s = i / pieces, piece = i % pieces;
    const std::int64_t row = s * stride % n;
    reinterpret_cast<float4*>(sample)[i] = reinterpret_cast<const float4*>(database + row * d)[piece];
    if (piece == 0 && norms != nullptr) sample_norms[s] = norms[row];
  }
}

// centre[j] = the mean of feature j over the sample's first rows (at most tf32_mean_rows: any
// centre keeps the answer exact, and the mean of 8192 spread rows makes |q - c| |x - c| as
// small as the mean of all would), in double, rounded to float. One block a feature.
static __global__ void knn_tf32_sample_mean(const float* __restrict__ sample, std::int64_t samples, int d,
                                            float* __restrict__ centre) {
  __shared__ double warp_sums[32];
  const int j = static_cast<int>(blockIdx.x);
  const std::int64_t rows = samples < tf32_mean_rows ? samples : tf32_mean_rows;
  double sum = 0.0;
  for (std::int64_t s = threadIdx.x; s < rows; s += blockDim.x) sum += sample[s * d + j];
  sum = warp_sum(sum);
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = sum;
  __syncthreads();
  if (threadIdx.x == 0) {
    double total = 0.0;
    for (unsigned w = 0; w < blockDim.x / 32; ++w) total += warp_sums[w];
    centre[j] = static_cast<float>(total / static_cast<double>(rows));
  }
}

// The centred copy, one warp a row: v = fl(x - c) in float; norms[row] = |v|^2 from those
// floats (a multiply and an fma a lane, then a shuffle tree); centred[row] = v truncated to TF32. The
// truncation is part of the dot product's error; the norm is not truncated.
static __global__ void knn_tf32_centre_rows(const float* __restrict__ rows, std::int64_t n, int d,
                                            const float* __restrict__ centre, float* __restrict__ centred,
                                            float* __restrict__ norms) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  for (std::int64_t row = global_thread_id() / 32; row < n; row += grid_thread_count() / 32) {
    float sum = 0.0f;
    if (2 * lane < d) {  // d is a multiple of 4 and at most 64: one float2 a lane
      const float2 x = *reinterpret_cast<const float2*>(rows + row * d + 2 * lane);
      const float2 c = *reinterpret_cast<const float2*>(centre + 2 * lane);
      const float vx = x.x - c.x, vy = x.y - c.y;
      sum = fmaf(vy, vy, vx * vx);
      *reinterpret_cast<float2*>(centred + row * d + 2 * lane) =
          float2{truncate_to_tf32(vx), truncate_to_tf32(vy)};
    }
    sum = warp_sum(sum);
    if (lane == 0) norms[row] = sum;
  }
}

// Each lane's K smallest values, sorted, in registers (constant indices after unrolling).
template <int K, class T>
__device__ __forceinline__ void keep_smallest(T (&best)[K], T v) {
#pragma unroll
  for (int j = K - 1; j > 0; --j) best[j] = v < best[j - 1] ? best[j - 1] : (v < best[j] ? v : best[j]);
  best[0] = v < best[0] ? v : best[0];
}
// The warp's `count` smallest values out of the lanes' lists, in order: a round takes the
// warp's minimum, and the lowest lane holding it drops it. Round r's value ends in lane r
// (`mine`); the last round's is returned to every lane.
template <int K, class T>
__device__ __forceinline__ T merge_smallest(T (&best)[K], int count, T none, T& mine) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  T v = none;
  for (int r = 0; r < count; ++r) {
    v = warp_min(best[0]);
    if (lane == r) mine = v;
    const int owner = __ffs(__ballot_sync(0xffffffffu, best[0] == v)) - 1;
    if (lane == owner) {
#pragma unroll
      for (int j = 0; j < K - 1; ++j) best[j] = best[j + 1];
      best[K - 1] = none;
    }
  }
  return v;
}

// One warp a query: |q - c|^2 in double, the k-th smallest tile minimum, theta1 (NaN when
// fewer than k minima are finite: the query is then searched exactly).
template <int K>
__global__ void knn_tf32_bound(const float* __restrict__ minima, std::int64_t tiles, const float* __restrict__ queries,
                               const float* __restrict__ centre, std::int64_t m, int d, int k,
                               const unsigned* __restrict__ largest_norm, double* __restrict__ query_norms,
                               float* __restrict__ theta1) {
  const std::int64_t q = global_thread_id() / 32;
  const int lane = static_cast<int>(threadIdx.x % 32);
  if (q >= m) return;  // the whole warp
  double qq = 0;
  for (int j = lane; j < d; j += 32) {  // |q - c|^2 in double (each difference exact but for far exponents)
    const double v = static_cast<double>(queries[q * d + j]) - centre[j];
    qq += v * v;
  }
  qq = warp_sum(qq);
  const float inf = __int_as_float(0x7f800000);
  float best[K], unused = inf;
#pragma unroll
  for (int j = 0; j < K; ++j) best[j] = inf;
  for (std::int64_t i = lane; i < tiles; i += 32) keep_smallest<K>(best, minima[q * tiles + i]);
  const float kth = merge_smallest<K>(best, k, inf, unused);
  if (lane == 0) {
    query_norms[q] = qq;
    const double x_max = knn_tf32_largest_length(__uint_as_float(*largest_norm));
    const float theta = __double2float_ru(knn_tf32_threshold(kth, qq, x_max));
    theta1[q] = theta < inf ? theta : __int_as_float(0x7fffffff);
  }
}

// [snippet:knn_tf32_refine]
// One warp a query (blocks of 128 threads): theta2 from the k-th smallest candidate score;
// the candidates under it staged in shared memory 32 at a time so that every lane computes
// one exact distance; the k smallest (distance, id). A query without a bound or with an
// overflowed segment: every row of the database, exactly (slow, and rare).
template <int K>
__global__ void __launch_bounds__(tf32_refine_threads) knn_tf32_refine(
    const float* __restrict__ database, std::int64_t n, const float* __restrict__ queries, std::int64_t m, int d,
    int k, int splits, const unsigned* __restrict__ counts, const std::uint64_t* __restrict__ candidates, int cap,
    const float* __restrict__ theta1, const double* __restrict__ query_norms, const unsigned* __restrict__ largest_norm,
    std::int32_t* __restrict__ ids, float* __restrict__ distances, unsigned* __restrict__ searched_exactly) {
  __shared__ __align__(16) float query_rows[tf32_refine_threads / 32][tf32_filter_max_features];
  __shared__ std::uint64_t staged[tf32_refine_threads / 32][64];
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
  const std::int64_t q = std::int64_t{blockIdx.x} * (tf32_refine_threads / 32) + warp;
  if (q >= m) return;  // the whole warp; no block barrier below
  for (int j = lane; j < d; j += 32) query_rows[warp][j] = queries[q * d + j];
  __syncwarp();
  std::uint64_t best[K];
#pragma unroll
  for (int j = 0; j < K; ++j) best[j] = knn_empty_key;
  auto consider = [&](std::uint32_t id) {  // the exact distance of one row, kept if among the K best
    const float4* x = reinterpret_cast<const float4*>(database + std::int64_t{id} * d);
    const float4* qv = reinterpret_cast<const float4*>(query_rows[warp]);
    float sum = 0.0f;  // knn_direct_distance: (q_j - x_j)^2 by one fmaf chain, feature order
    for (int c = 0; c < d / 4; ++c) {
      const float4 xv = x[c], qc = qv[c];
      float diff = qc.x - xv.x;
      sum = fmaf(diff, diff, sum);
      diff = qc.y - xv.y;
      sum = fmaf(diff, diff, sum);
      diff = qc.z - xv.z;
      sum = fmaf(diff, diff, sum);
      diff = qc.w - xv.w;
      sum = fmaf(diff, diff, sum);
    }
    keep_smallest<K>(best, knn_key(sum, id));
  };

  bool bounded = !isnan(theta1[q]);
  for (int s = 0; s < splits; ++s) bounded = bounded && counts[q * splits + s] <= static_cast<unsigned>(cap);
  if (bounded) {
    const float inf = __int_as_float(0x7f800000);
    float best_scores[K], unused = inf;
#pragma unroll
    for (int j = 0; j < K; ++j) best_scores[j] = inf;
    for (int s = 0; s < splits; ++s) {
      const std::uint64_t* segment = candidates + (q * splits + s) * cap;
      const unsigned count = counts[q * splits + s];
      for (unsigned i = lane; i < count; i += 32) {
        keep_smallest<K>(best_scores, key_to_float(static_cast<std::uint32_t>(segment[i] >> 32)));
      }
    }
    // k candidates have a score <= kth: the same bound again, tighter (never looser than theta1).
    const float kth = merge_smallest<K>(best_scores, k, inf, unused);
    const double x_max = knn_tf32_largest_length(__uint_as_float(*largest_norm));
    const float theta2 = fminf(theta1[q], __double2float_ru(knn_tf32_threshold(kth, query_norms[q], x_max)));
    unsigned staged_count = 0;  // the same in every lane
    for (int s = 0; s < splits; ++s) {
      const std::uint64_t* segment = candidates + (q * splits + s) * cap;
      const unsigned count = counts[q * splits + s];
      for (unsigned base = 0; base < count; base += 32) {
        const unsigned i = base + lane;
        const std::uint64_t key = i < count ? segment[i] : knn_empty_key;
        const bool pass = i < count && key_to_float(static_cast<std::uint32_t>(key >> 32)) <= theta2;
        const unsigned passing = __ballot_sync(0xffffffffu, pass);
        if (pass) staged[warp][staged_count + __popc(passing & ((1u << lane) - 1u))] = key;
        staged_count += __popc(passing);
        __syncwarp();
        if (staged_count >= 32) {  // 32 staged: one a lane
          const std::uint64_t next = staged[warp][lane];
          __syncwarp();
          if (lane < static_cast<int>(staged_count) - 32) staged[warp][lane] = staged[warp][32 + lane];
          __syncwarp();
          staged_count -= 32;
          consider(static_cast<std::uint32_t>(next));
        }
      }
    }
    if (lane < static_cast<int>(staged_count)) consider(static_cast<std::uint32_t>(staged[warp][lane]));
  } else {
    if (lane == 0) atomicAdd(searched_exactly, 1u);
    for (std::int64_t i = lane; i < n; i += 32) consider(static_cast<std::uint32_t>(i));
  }
  std::uint64_t mine = knn_empty_key;
  merge_smallest<K>(best, k, knn_empty_key, mine);
  if (lane < k) {
    ids[q * k + lane] = mine == knn_empty_key ? -1 : static_cast<std::int32_t>(knn_key_id(mine));
    distances[q * k + lane] = knn_key_distance(mine);
  }
}
// [/snippet:knn_tf32_refine]

}  // namespace gpulab::ml::kernels

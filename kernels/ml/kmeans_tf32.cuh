// SPDX-License-Identifier: MIT
// k-means assignment, version 4 (tf32): the fused pass with the scores on the tensor
// cores, and every label proven or scored again in float. What `kmeans_tf32` runs when
// d is a multiple of 4 up to 64, X is 16-byte aligned, the GPU has TF32 tensor cores
// (sm_80 and later) and the shared memory fits (kmeans_lloyd.cu, tf32_fit); elsewhere
// it runs the fused version's kernels.
//
// Why another kernel. The register-tiled kernel (kmeans_fused_tiles.cuh) spends most of
// its instructions on the n k d multiply-adds of the scores, 2e10 an iteration at 10M x
// 32, k = 64: one FFMA each. One tensor-core instruction (mma.sync.m16n8k8, TF32) does
// 1024 of them, but TF32 keeps 10 bits of mantissa where float keeps 23: a label chosen
// from TF32 scores alone could be wrong near a boundary. So:
//   - points and centroids are centred on the centroids' mean mu (the distances do not
//     move; the scores' error bound shrinks with |x - mu| |c - mu|);
//   - a warp scores 16 points at a time against 64 centroids (8 n-tiles x ceil(d / 8)
//     k-steps of mma), score = |c - mu|^2 - 2 (x - mu).(c - mu), and keeps each point's
//     best and second-best score: a lane holds 16 of a point's 64 scores, and the 4
//     lanes of a quad merge theirs;
//   - a label is taken when the second best exceeds the best by more than twice the
//     scores' proven error bound (gpulab/ml/kmeans_tf32_margin.hpp): it is then the
//     nearest centroid in exact arithmetic;
//   - the other points (near-ties, or data far from mu) are scored again by their whole
//     warp in float, (x - c)^2 in feature order with ties to the smallest index: the
//     label the plain fused kernel and predict() give. Each block counts them (`rescored`).
// A proven label is the nearest centroid in exact arithmetic; predict()'s float distances
// agree with it unless their own rounding flips a near-tie (a gap under ~2^-20 of the
// squared distances), as any two float versions may disagree there.
// The tile copy (cp.async, one tile ahead), the inertia and the block's sums are the
// register-tiled kernel's.
#pragma once

#include <cuda_pipeline.h>

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/ml/kmeans_tf32_margin.hpp"
#include "kernels/ml/kmeans_common.cuh"
#include "kernels/ml/kmeans_fused_tiles.cuh"
#include "kernels/ml/tf32_fragments.cuh"

namespace gpulab::ml::kernels {

inline constexpr int tf32_threads = tiles_threads;  // 8 warps; a tile of 256 points, 32 a warp
inline constexpr int tf32_max_d = 64;               // a warp's 16 points as A fragments: d / 2 registers
inline constexpr int tf32_centroid_chunk = 64;      // 8 n-tiles of 8 centroids a pass

// The row stride, in floats, of the tiles and of the centred centroids: d rounded up to
// 8, then to an odd multiple of 8. A half-warp's 8-byte loads (lanes 4 g + t: row g,
// columns 2t and 2t + 1, g = 0..3) then start in banks 0, 8, 16, 24 (or 0, 24, 16, 8)
// and cover the 32 banks once.
__host__ __device__ constexpr int tf32_row_stride(int d) {
  const int rounded = (d + 7) / 8 * 8;
  return rounded % 16 == 8 ? rounded : rounded + 8;
}

// Shared memory, in floats: two tiles of points, the centred centroids (B operands), their
// norms, mu, the exact centroids (for the rescoring and the inertia), block_partials, and
// one word for the largest norm.
struct tf32_layout {
  int k, d;
  __host__ __device__ int k_padded() const { return tiles_padded_k(k); }
  __host__ __device__ int stride() const { return tf32_row_stride(d); }
  __host__ __device__ int tile(int which) const { return which * tf32_threads * stride(); }
  __host__ __device__ int centred() const { return tile(2); }
  __host__ __device__ int norms() const { return centred() + k_padded() * stride(); }
  __host__ __device__ int centre() const { return norms() + k_padded(); }
  __host__ __device__ int exact() const { return centre() + stride(); }
  __host__ __device__ int partials() const { return exact() + k * tiles_row_stride(d); }
  // block_partials: k d sums, 3 k + 1 counters, one slot a thread.
  __host__ __device__ int largest() const { return partials() + k * d + 3 * k + 1 + tf32_threads; }
  __host__ __device__ int floats() const { return largest() + 1; }
};

// What score_sixteen leaves in every lane of quad g: points g (0) and g + 8 (1) of the 16.
struct sixteen_points {
  best_two point[2];
  float length2[2];  // |x - mu|^2 in float, of the centred values before the rounding
};

#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
// [snippet:kmeans_tf32_scores]
// 16 points (rows of `points`, `stride` floats apart) against every centroid: the
// points' centred values as A fragments, rounded to TF32 (point g: a0, a2; g + 8: a1,
// a3; logical k = t is feature 2t, t + 4 is 2t + 1, as in the B rows); per chunk of 64
// centroids, up to 8 n-tiles (the last chunk: only those that hold a centroid < k, so
// k = 8 costs one n-tile, not 8) x k_steps mma, each B fragment one 8-byte load.
__device__ __forceinline__ sixteen_points score_sixteen(const float* points, int stride, const float* centred,
                                                        const float* norms, const float* centre, int k,
                                                        int k_steps) {
  const int lane = static_cast<int>(threadIdx.x % 32), g = lane / 4, t = lane % 4;
  sixteen_points r{};
  unsigned a[8][4];
#pragma unroll
  for (int ks = 0; ks < 8; ++ks) {
    if (ks < k_steps) {
      const int f = ks * 8 + 2 * t;  // columns past d are zeros in the tile and in mu
      const float2 mu = *reinterpret_cast<const float2*>(centre + f);
      const float2 p = *reinterpret_cast<const float2*>(points + g * stride + f);
      const float2 q = *reinterpret_cast<const float2*>(points + (g + 8) * stride + f);
      const float px = p.x - mu.x, py = p.y - mu.y, qx = q.x - mu.x, qy = q.y - mu.y;
      a[ks][0] = round_to_tf32(px);
      a[ks][1] = round_to_tf32(qx);
      a[ks][2] = round_to_tf32(py);
      a[ks][3] = round_to_tf32(qy);
      r.length2[0] = fmaf(py, py, fmaf(px, px, r.length2[0]));
      r.length2[1] = fmaf(qy, qy, fmaf(qx, qx, r.length2[1]));
    }
  }
  const float infinity = __int_as_float(0x7f800000);
  r.point[0] = r.point[1] = best_two{infinity, infinity, 0};
  for (int chunk = 0; chunk < k; chunk += tf32_centroid_chunk) {
    const int n_tiles = (k - chunk + 7) / 8;  // more than 8: a full chunk
    float acc[8][4];
#pragma unroll
    for (int nt = 0; nt < 8; ++nt) acc[nt][0] = acc[nt][1] = acc[nt][2] = acc[nt][3] = 0.0f;
#pragma unroll
    for (int ks = 0; ks < 8; ++ks) {
      if (ks < k_steps) {
#pragma unroll
        for (int nt = 0; nt < 8; ++nt) {
          if (nt < n_tiles) {
            const float2 b =
                *reinterpret_cast<const float2*>(centred + (chunk + 8 * nt + g) * stride + ks * 8 + 2 * t);
            mma_m16n8k8_tf32(acc[nt], a[ks], __float_as_uint(b.x), __float_as_uint(b.y));
          }
        }
      }
    }
    // acc[nt]: point g (0, 1) and g + 8 (2, 3) against centroids c = chunk + 8 nt + 2t (0, 2)
    // and c + 1 (1, 3), offered in increasing index. Score = fl(|c - mu|^2 - 2 dot).
#pragma unroll
    for (int nt = 0; nt < 8; ++nt) {
      if (nt < n_tiles) {
        const int c = chunk + 8 * nt + 2 * t;
        const float2 n = *reinterpret_cast<const float2*>(norms + c);
        r.point[0].offer(fmaf(-2.0f, acc[nt][0], n.x), c);
        r.point[0].offer(fmaf(-2.0f, acc[nt][1], n.y), c + 1);
        r.point[1].offer(fmaf(-2.0f, acc[nt][2], n.x), c);
        r.point[1].offer(fmaf(-2.0f, acc[nt][3], n.y), c + 1);
      }
    }
  }
  // The quad's 4 lanes held different centroids (and features) of the same two points.
#pragma unroll
  for (int mask = 1; mask <= 2; mask *= 2) {
#pragma unroll
    for (int h = 0; h < 2; ++h) {
      best_two other;
      other.best = __shfl_xor_sync(0xffffffffu, r.point[h].best, mask);
      other.second = __shfl_xor_sync(0xffffffffu, r.point[h].second, mask);
      other.label = __shfl_xor_sync(0xffffffffu, r.point[h].label, mask);
      r.point[h].merge(other);
      r.length2[h] += __shfl_xor_sync(0xffffffffu, r.length2[h], mask);
    }
  }
  return r;
}
// [/snippet:kmeans_tf32_scores]

// [snippet:kmeans_tf32_rescore]
// The nearest centroid of one point (a tile row) by the whole warp in float: lane l takes
// centroids l, l + 32, ...; (x - c)^2 in feature order (squared_distance's sum, read 16
// bytes at a time: rows 4 more than a multiple of 8 floats apart put a quarter-warp's
// loads in 8 different groups of banks), ties to the smaller index.
__device__ __forceinline__ int nearest_by_warp(const float* point, const float* exact, int exact_stride, int k,
                                               int d) {
  float best = __int_as_float(0x7f800000);
  int label = 0;
  for (int c = static_cast<int>(threadIdx.x % 32); c < k; c += 32) {
    const float* centroid = exact + c * exact_stride;
    float dist = 0.0f;
    for (int j = 0; j < d; j += 4) {
      const float4 x = *reinterpret_cast<const float4*>(point + j), y = *reinterpret_cast<const float4*>(centroid + j);
      float t = x.x - y.x;
      dist += t * t;
      t = x.y - y.y;
      dist += t * t;
      t = x.z - y.z;
      dist += t * t;
      t = x.w - y.w;
      dist += t * t;
    }
    if (dist < best) {
      best = dist;
      label = c;
    }
  }
  for (int offset = 16; offset > 0; offset /= 2) {
    keep_better(best, label, __shfl_xor_sync(0xffffffffu, best, offset), __shfl_xor_sync(0xffffffffu, label, offset));
  }
  return label;
}
// [/snippet:kmeans_tf32_rescore]
#endif

// [snippet:kmeans_tf32_kernel]
// One block: the centroids once (exact, centred, norms, mu), then its tiles (grid-stride),
// two in flight. Warp w scores the tile's rows 32 w .. 32 w + 31 as two sets of 16; lane
// 4 g + t ends with row 32 w + 16 (t / 2) + g + 8 (t % 2). labels may be nullptr;
// rescored may not. d % 4 == 0, d <= 64, x 16-byte aligned.
__global__ void __launch_bounds__(tf32_threads, 2)
    tf32_assign_accumulate(const float* __restrict__ x, std::int64_t n, int d, const float* __restrict__ centroids,
                           int k, std::int32_t* __restrict__ labels, float* partial_sums,
                           unsigned int* partial_counts, double* partial_inertia, unsigned long long* rescored) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 800
  __trap();  // no TF32 tensor cores (tf32_fit never takes this kernel there; this keeps compute_75's PTX whole)
#else
  extern __shared__ __align__(16) float shared[];
  const tf32_layout at{k, d};
  const int stride = at.stride(), exact_stride = tiles_row_stride(d);
  float* centred = shared + at.centred();  // [c * stride + j] = c_j - mu_j truncated to TF32; zeros past k and d
  float* norms = shared + at.norms();      // float |c - mu|^2 before the truncation; +infinity past k
  float* centre = shared + at.centre();    // mu; zeros past d
  float* exact = shared + at.exact();      // [c * exact_stride + j] = c_j, rows 16-byte aligned
  unsigned* largest = reinterpret_cast<unsigned*>(shared + at.largest());  // the largest norm's bits
  block_partials mine = block_partials::in_shared(shared + at.partials(), k, d);
  __shared__ unsigned block_rescored;  // this block's labels scored again in float: one global atomic at the end

  const std::int64_t tile_step = static_cast<std::int64_t>(gridDim.x) * tf32_threads;
  std::int64_t tile = static_cast<std::int64_t>(blockIdx.x) * tf32_threads;
  // Columns d..stride-1 of both tiles stay zeros (the copies never write there), so the
  // last k-step of a d that is not a multiple of 8 adds nothing.
  const int pad = stride - d;
  for (int e = static_cast<int>(threadIdx.x); e < 2 * tf32_threads * pad; e += tf32_threads) {
    shared[at.tile(0) + (e / pad) * stride + d + e % pad] = 0.0f;
  }
  if (tile < n) copy_tile_async(shared + at.tile(0), stride, x, tile, n, d);  // X does not depend on the update

  let_next_grid_launch();  // launched with launch_dependent (see kmeans_fused.cuh)
  wait_for_prior_grid();
  for (int e = static_cast<int>(threadIdx.x); e < k * d; e += tf32_threads) {
    const int c = e / d, j = e - c * d;
    exact[c * exact_stride + j] = centroids[e];
  }
  if (threadIdx.x == 0) *largest = block_rescored = 0u;
  mine.zero(k, d);
  __syncthreads();
  // mu: any fixed vector keeps the bound; the centroids' mean keeps |c - mu| small.
  for (int j = static_cast<int>(threadIdx.x); j < stride; j += tf32_threads) {
    float sum = 0.0f;
    if (j < d) {
      for (int c = 0; c < k; ++c) sum += exact[c * exact_stride + j];
    }
    centre[j] = sum / static_cast<float>(k);
  }
  __syncthreads();
  for (int e = static_cast<int>(threadIdx.x); e < at.k_padded() * stride; e += tf32_threads) {
    const int c = e / stride, j = e - c * stride;
    centred[e] = c < k && j < d ? truncate_to_tf32(exact[c * exact_stride + j] - centre[j]) : 0.0f;
  }
  for (int c = static_cast<int>(threadIdx.x); c < at.k_padded(); c += tf32_threads) {
    float s = 0.0f;
    for (int j = 0; c < k && j < d; ++j) {
      const float v = exact[c * exact_stride + j] - centre[j];
      s = fmaf(v, v, s);
    }
    norms[c] = c < k ? s : __int_as_float(0x7f800000);
    if (c < k) atomicMax(largest, __float_as_uint(s));  // norms are >= 0: their bits order as they do
  }
  __syncthreads();
  const double centroid_length = knn_tf32_largest_length(__uint_as_float(*largest));

  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32), t = lane % 4;
  const int k_steps = (d + 7) / 8;
  const int my_row = 32 * warp + 16 * (t / 2) + lane / 4 + 8 * (t % 2);
  double inertia = 0.0;
  for (int which = 0; tile < n; tile += tile_step, which ^= 1) {
    // The next tile on its way before this one is waited for.
    if (tile + tile_step < n) {
      copy_tile_async(shared + at.tile(which ^ 1), stride, x, tile + tile_step, n, d);
      __pipeline_wait_prior(1);  // all but the newest copy: this tile's
    } else {
      __pipeline_wait_prior(0);
    }
    __syncthreads();  // every thread's part of the tile is in
    const float* rows = shared + at.tile(which);

    best_two best{};
    float my_length2 = 0.0f;
#pragma unroll 1
    for (int half = 0; half < 2; ++half) {
      const sixteen_points p =
          score_sixteen(rows + (32 * warp + 16 * half) * stride, stride, centred, norms, centre, k, k_steps);
      if (t / 2 == half) {
        best = t % 2 == 0 ? p.point[0] : p.point[1];
        my_length2 = t % 2 == 0 ? p.length2[0] : p.length2[1];
      }
    }
    const std::int64_t i = tile + my_row;
    const bool present = i < n;
    int label = best.label;
    // [snippet:kmeans_tf32_proof]
    const double my_length = knn_tf32_largest_length(my_length2);  // >= |x - mu|
    const bool proven = kmeans_tf32_decisive(best.best, best.second, my_length, centroid_length);
    unsigned unsure = __ballot_sync(0xffffffffu, present && !proven);
    if (lane == 0 && unsure != 0u) atomicAdd(&block_rescored, static_cast<unsigned>(__popc(unsure)));
    while (unsure != 0u) {  // the same in every lane: the whole warp rescores each unsure point
      const int from = __ffs(static_cast<int>(unsure)) - 1;
      unsure &= unsure - 1u;
      const int row = __shfl_sync(0xffffffffu, my_row, from);
      const int nearest = nearest_by_warp(rows + row * stride, exact, exact_stride, k, d);
      if (lane == from) label = nearest;
    }
    // [/snippet:kmeans_tf32_proof]
    if (present) {
      if (labels != nullptr) labels[i] = label;
      inertia += squared_distance_by_float4(rows + my_row * stride, exact + label * exact_stride, d);
    }
    mine.add_rows(rows, stride, my_row, present ? label : -1, k, d);  // ends with a barrier
  }
  const double block_inertia = block_total(inertia);
  if (threadIdx.x == 0) partial_inertia[blockIdx.x] = block_inertia;
  __syncthreads();
  if (threadIdx.x == 0 && block_rescored != 0u) atomicAdd(rescored, block_rescored + 0ull);
  mine.write_out(k, d, partial_sums, partial_counts);
#endif
}
// [/snippet:kmeans_tf32_kernel]

}  // namespace gpulab::ml::kernels

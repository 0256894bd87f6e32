// SPDX-License-Identifier: MIT
// k-means assignment on Hopper's warpgroup MMA (wgmma, sm_90a) at float accuracy: the
// scores' products on the tensor cores in split TF32 ("3xTF32"), the labels, the inertia
// and the sums in the same pass. It writes what the fused kernels write (labels, each
// block's partial sums, counts and inertia), so the update after it is the same.
//
// Why. At 10M x 32, k = 64 the register-tiled kernel (kmeans_fused_tiles.cuh) spends most of
// its instructions on the n k d multiply-adds, one FFMA each, and the rest on choosing and
// summing between block-wide barriers. One wgmma.m64n64k8 does 32,768 multiply-adds for a
// warpgroup, and the tensor cores read its B operand, the centroids, from shared memory
// themselves. TF32 keeps 10 of float's 23 mantissa bits, so each value is split in two TF32
// numbers, v = hi + lo (hi = v rounded to TF32, lo = the rest rounded to TF32, within
// 2^-22 |v|), and x.c = x_hi.c_hi + x_hi.c_lo + x_lo.c_hi (the dropped x_lo.c_lo is under
// 2^-22 |x| |c|): three wgmma chains instead of one, a score as accurate as float's. The
// labels then agree with the CPU's but for near-ties, as the gemm and register-tiled
// versions' do (their expanded score cancels the same way).
//
// Layout. A warpgroup (4 warps, 128 threads) takes 64 points a tile: warp w of it rows
// 16 w .. 16 w + 15, thread 4 g + t rows 16 w + g and 16 w + g + 8, as wgmma's A operand in
// registers. Its rows come straight from global memory, 16 bytes a load, one tile ahead:
// no shared-memory copy and no block barrier in the loop (the centroids do not change).
// The k-steps take the features in the order that makes a thread's values whole float4s,
// and the centroids are written once a block as B (-2 c, hi and lo) in that order:
// gpulab/ml/kmeans_wgmma_layout.hpp says how, and its host test checks it against wgmma's
// reads. The chains leave x.(-2 c); |c|^2 is added after, in float: score = |c|^2 - 2 x.c.
//
// The sums: each warp adds its points into its own copy of the k x d sums in shared memory
// (no other warp writes it: no atomics, no barrier). In one instruction two lanes may hold
// points of the same cluster; __match_any_sync finds them, and the lowest adds the others'
// features before it writes. At the end the block adds its warps' copies in warp order.
#pragma once

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/ml/kmeans_wgmma_layout.hpp"
#include "kernels/ml/kmeans_common.cuh"
#include "kernels/ml/tf32_fragments.cuh"
#include "kernels/ml/wgmma_tf32.cuh"

namespace gpulab::ml::kernels {

// This thread's two rows (row, row + 8) as KSteps / 2 float4s each: features 16 p + 4 t ..
// + 3. Zeros past d and for rows at or past n.
template <int KSteps>
__device__ __forceinline__ void load_wgmma_rows(float4 (&rows)[2][KSteps / 2], const float* x, std::int64_t n,
                                                int d, std::int64_t row, int t) {
#pragma unroll
  for (int h = 0; h < 2; ++h) {
    const std::int64_t i = row + 8 * h;
#pragma unroll
    for (int p = 0; p < KSteps / 2; ++p) {
      const int f = 16 * p + 4 * t;
      rows[h][p] = i < n && f < d ? *reinterpret_cast<const float4*>(x + i * d + f) : float4{0, 0, 0, 0};
    }
  }
}

__device__ __forceinline__ float component(const float4& v, int e) {
  return e == 0 ? v.x : e == 1 ? v.y : e == 2 ? v.z : v.w;
}

// The A fragments of the warpgroup's 64 rows, hi and lo: k-step s, columns t and t + 4 are
// components 2 (s % 2) and 2 (s % 2) + 1 of float4 s / 2 (kmeans_wgmma_feature).
template <int KSteps>
__device__ __forceinline__ void split_wgmma_rows(const float4 (&rows)[2][KSteps / 2], unsigned (&hi)[KSteps][4],
                                                 unsigned (&lo)[KSteps][4]) {
#pragma unroll
  for (int s = 0; s < KSteps; ++s) {
#pragma unroll
    for (int r = 0; r < 4; ++r) {  // a0: row g, column t; a1: row g + 8; a2, a3: column t + 4
      const float v = component(rows[r % 2][s / 2], 2 * (s % 2) + r / 2);
      hi[s][r] = round_to_tf32(v);
      lo[s][r] = round_to_tf32(v - __uint_as_float(hi[s][r]));
    }
  }
}

// [snippet:kmeans_wgmma_scores]
// acc = x (-2 c) for the warpgroup's 64 rows and the 64 centroids whose B operands start at
// b_hi, b_lo: three chains, the small terms first. No branch inside. (|c|^2 is added after:
// started at |c|^2, every step would round at |c|^2's scale, not the product's.)
template <int KSteps>
__device__ __forceinline__ void wgmma_split_scores(float (&acc)[8][4],
                                                   const unsigned (&hi)[KSteps][4],
                                                   const unsigned (&lo)[KSteps][4],
                                                   std::uint32_t b_hi, std::uint32_t b_lo) {
  auto at = [](std::uint32_t b, int s) {
    return wgmma_descriptor_swizzle128(b + kmeans_wgmma_k_step_offset(s));
  };
  wgmma_fence();
  wgmma_m64n64k8_tf32<false>(acc, lo[0], at(b_hi, 0));  // x_lo c_hi; D = A B: acc written only
#pragma unroll
  for (int s = 1; s < KSteps; ++s) wgmma_m64n64k8_tf32<true>(acc, lo[s], at(b_hi, s));
#pragma unroll
  for (int s = 0; s < KSteps; ++s) wgmma_m64n64k8_tf32<true>(acc, hi[s], at(b_lo, s));  // x_hi c_lo
#pragma unroll
  for (int s = 0; s < KSteps; ++s) wgmma_m64n64k8_tf32<true>(acc, hi[s], at(b_hi, s));  // x_hi c_hi
  wgmma_commit_group();
  wgmma_wait_all();
  wgmma_fence_operands(acc);
}
// [/snippet:kmeans_wgmma_scores]

__device__ __forceinline__ float4 plus(const float4& a, const float4& b) {
  return {a.x + b.x, a.y + b.y, a.z + b.z, a.w + b.w};
}
__device__ __forceinline__ float4 shuffle(const float4& v, int from) {
  return {__shfl_sync(0xffffffffu, v.x, from), __shfl_sync(0xffffffffu, v.y, from),
          __shfl_sync(0xffffffffu, v.z, from), __shfl_sync(0xffffffffu, v.w, from)};
}

// One row of each lane (label < 0: none) into the warp's own sums. Lanes with the same
// cluster and the same t hold the same sums' features: the lowest of them adds the others'
// rows first, then writes alone.
template <int P>
__device__ __forceinline__ void add_to_warp_sums(float* sums, unsigned* counts,
                                                 const float4 (&row)[P], int label, int d, int t) {
  const int lane = static_cast<int>(threadIdx.x % 32);
  // [snippet:kmeans_wgmma_sums]
  const unsigned peers = __match_any_sync(0xffffffffu, label * 4 + t);
  const bool leader = __ffs(static_cast<int>(peers)) - 1 == lane;
  float4 total[P];
#pragma unroll
  for (int p = 0; p < P; ++p) total[p] = row[p];
  unsigned others = leader ? peers & ~(1u << lane) : 0u;
  while (__any_sync(0xffffffffu, others != 0)) {  // a round a row of the largest group of peers
    const int from = others != 0 ? __ffs(static_cast<int>(others)) - 1 : lane;
#pragma unroll
    for (int p = 0; p < P; ++p) {
      const float4 v = shuffle(row[p], from);  // every lane takes part; only a leader keeps it
      if (others != 0) total[p] = plus(total[p], v);
    }
    others &= others - 1;
  }
  if (leader && label >= 0) {
#pragma unroll
    for (int p = 0; p < P; ++p) {
      const int f = 16 * p + 4 * t;
      if (f < d) {
        float4* sum = reinterpret_cast<float4*>(sums + label * d + f);
        *sum = plus(*sum, total[p]);
      }
    }
    if (t == 0) counts[label] += static_cast<unsigned>(__popc(peers));
  }
  // [/snippet:kmeans_wgmma_sums]
  __syncwarp();  // the warp's writes, before any lane reads the sums again
}

// blockDim.x = 128 or 256 (one or two warpgroups), dynamic shared memory
// kmeans_wgmma_layout{k, d, blockDim.x / 32}.bytes(). d % 4 == 0, d <= 8 KSteps, x 16-byte
// aligned. labels may be nullptr (the iterations need none).
template <int KSteps>
__global__ void __launch_bounds__(wgmma_kmeans_max_threads, KSteps == 8 ? 1 : 2)
    kmeans_wgmma_assign_accumulate(const float* __restrict__ x, std::int64_t n, int d,
                                   const float* __restrict__ centroids, int k, std::int32_t* __restrict__ labels,
                                   float* partial_sums, unsigned int* partial_counts, double* partial_inertia) {
  static_assert(KSteps == 2 || KSteps == 4 || KSteps == 8);
  constexpr int P = KSteps / 2;  // float4s of a row a thread holds
  extern __shared__ __align__(1024) unsigned char wgmma_kmeans_shared[];
  const std::uint32_t raw = static_cast<std::uint32_t>(__cvta_generic_to_shared(wgmma_kmeans_shared));
  const std::uint32_t slack = ((raw + 1023u) & ~1023u) - raw;  // the swizzle's atoms sit on 1024-byte boundaries
  unsigned char* base = wgmma_kmeans_shared + slack;
  const std::uint32_t base_address = raw + slack;
  const int threads = static_cast<int>(blockDim.x), warps = threads / 32;
  const kmeans_wgmma_layout at{k, d, warps};
  float* norms = reinterpret_cast<float*>(base + at.norms());
  float* exact = reinterpret_cast<float*>(base + at.exact());
  const int warp = static_cast<int>(threadIdx.x / 32), lane = static_cast<int>(threadIdx.x % 32);
  const int g = lane / 4, t = lane % 4, warpgroup = warp / 4;
  float* my_sums = reinterpret_cast<float*>(base + at.warp_sums(warp));
  unsigned* my_counts = reinterpret_cast<unsigned*>(my_sums + k * d);

  // The first tile's rows on their way before the wait: X is not what the update writes.
  const std::int64_t tile_step = std::int64_t{gridDim.x} * (warps / 4) * wgmma_kmeans_tile_rows;
  std::int64_t tile = (std::int64_t{blockIdx.x} * (warps / 4) + warpgroup) * wgmma_kmeans_tile_rows;
  const int my_row = 16 * (warp % 4) + g;  // and my_row + 8, in each tile
  float4 rows[2][P];
  load_wgmma_rows<KSteps>(rows, x, n, d, tile + my_row, t);

  let_next_grid_launch();  // launched with launch_dependent (see kmeans_fused.cuh)
  wait_for_prior_grid();
  // The centroids: B = -2 c as hi and lo at every position of every block (zeros past k and
  // d), |c|^2, the exact copy; every warp's sums and counts zero.
  const int positions = 32 * at.feature_blocks(), padded_k = wgmma_kmeans_chunk * at.chunks();
  for (int e = static_cast<int>(threadIdx.x); e < padded_k * positions; e += threads) {
    const int c = e / positions, position = e % positions;
    const int f = kmeans_wgmma_feature(position / 8, position % 8);
    const float v = c < k && f < d ? -2.0f * centroids[c * d + f] : 0.0f;
    const unsigned hi = round_to_tf32(v), lo = round_to_tf32(v - __uint_as_float(hi));
    const int offset = kmeans_wgmma_b_offset(c, position, at.feature_blocks());
    *reinterpret_cast<unsigned*>(base + at.b_hi() + offset) = hi;
    *reinterpret_cast<unsigned*>(base + at.b_lo() + offset) = lo;
  }
  for (int c = static_cast<int>(threadIdx.x); c < padded_k; c += threads) {
    float s = 0.0f;
    for (int j = 0; c < k && j < d; ++j) s = fmaf(centroids[c * d + j], centroids[c * d + j], s);
    norms[c] = c < k ? s : __int_as_float(0x7f800000);  // +infinity: never the best
  }
  for (int e = static_cast<int>(threadIdx.x); e < k * d; e += threads) exact[e] = centroids[e];
  float* all_sums = reinterpret_cast<float*>(base + at.warp_sums(0));
  for (int e = static_cast<int>(threadIdx.x); e < warps * at.warp_floats(); e += threads) {
    all_sums[e] = 0.0f;  // the counts too: 0.0f and 0u are the same bits
  }
  fence_proxy_async_shared();  // B, written by ordinary stores, is read by the tensor cores
  __syncthreads();

  double inertia = 0.0;
  for (; tile < n; tile += tile_step) {  // the warpgroup's tiles: no block barrier in the loop
    float4 next[2][P];
    load_wgmma_rows<KSteps>(next, x, n, d, tile + tile_step + my_row, t);
    unsigned hi[KSteps][4], lo[KSteps][4];
    split_wgmma_rows<KSteps>(rows, hi, lo);

    float best[2] = {__int_as_float(0x7f800000), __int_as_float(0x7f800000)};
    int label[2] = {0, 0};
    for (int chunk = 0; chunk < at.chunks(); ++chunk) {
      const std::uint32_t block = chunk * at.feature_blocks() * wgmma_kmeans_block_bytes;
      float acc[8][4];  // acc[nt][e]: row g + 8 (e / 2), centroid 64 chunk + 8 nt + 2 t + e % 2
      wgmma_split_scores<KSteps>(acc, hi, lo, base_address + at.b_hi() + block, base_address + at.b_lo() + block);
#pragma unroll
      for (int nt = 0; nt < 8; ++nt) {  // score = |c|^2 - 2 x.c
        const float2 norm = *reinterpret_cast<const float2*>(norms + wgmma_kmeans_chunk * chunk + 8 * nt + 2 * t);
        acc[nt][0] += norm.x;
        acc[nt][1] += norm.y;
        acc[nt][2] += norm.x;
        acc[nt][3] += norm.y;
      }
      // This lane's centroids in increasing index: the strict < keeps the smaller on a tie.
      // Only centroids < k: the padding's norm is +infinity, but the guard says it plainly.
#pragma unroll
      for (int nt = 0; nt < 8; ++nt) {
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int centroid = wgmma_kmeans_chunk * chunk + 8 * nt + 2 * t + e % 2;
          if (centroid < k && acc[nt][e] < best[e / 2]) {
            best[e / 2] = acc[nt][e];
            label[e / 2] = centroid;
          }
        }
      }
    }
#pragma unroll
    for (int h = 0; h < 2; ++h) {  // the 4 lanes of a quad hold one row's centroids between them
      for (int mask = 1; mask <= 2; mask *= 2) {
        keep_better(best[h], label[h], __shfl_xor_sync(0xffffffffu, best[h], mask),
                    __shfl_xor_sync(0xffffffffu, label[h], mask));
      }
    }

#pragma unroll
    for (int h = 0; h < 2; ++h) {
      const std::int64_t i = tile + my_row + 8 * h;
      const int chosen = i < n ? label[h] : -1;
      if (chosen >= 0) {
        if (labels != nullptr && t == 0) labels[i] = chosen;
        float distance = 0.0f;  // this lane's features of (x - c)^2: the four lanes' sum is the point's
#pragma unroll
        for (int p = 0; p < P; ++p) {
          const int f = 16 * p + 4 * t;
          if (f < d) {
            const float4 c = *reinterpret_cast<const float4*>(exact + chosen * d + f);
            const float4 v = rows[h][p];
            distance = fmaf(v.x - c.x, v.x - c.x, distance);
            distance = fmaf(v.y - c.y, v.y - c.y, distance);
            distance = fmaf(v.z - c.z, v.z - c.z, distance);
            distance = fmaf(v.w - c.w, v.w - c.w, distance);
          }
        }
        inertia += distance;
      }
      add_to_warp_sums<P>(my_sums, my_counts, rows[h], chosen, d, t);
    }
#pragma unroll
    for (int h = 0; h < 2; ++h) {
#pragma unroll
      for (int p = 0; p < P; ++p) rows[h][p] = next[h][p];
    }
  }

  const double block_inertia = block_total(inertia);  // its __syncthreads: every warp's sums are done
  if (threadIdx.x == 0) partial_inertia[blockIdx.x] = block_inertia;
  const std::int64_t first = std::int64_t{blockIdx.x} * k * d;
  for (int e = static_cast<int>(threadIdx.x); e < k * d; e += threads) {
    float s = 0.0f;
    for (int w = 0; w < warps; ++w) s += reinterpret_cast<const float*>(base + at.warp_sums(w))[e];
    partial_sums[first + e] = s;
  }
  for (int c = static_cast<int>(threadIdx.x); c < k; c += threads) {
    unsigned count = 0;
    for (int w = 0; w < warps; ++w) count += reinterpret_cast<const unsigned*>(base + at.warp_sums(w))[k * d + c];
    partial_counts[std::int64_t{blockIdx.x} * k + c] = count;
  }
}

}  // namespace gpulab::ml::kernels

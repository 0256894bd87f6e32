// SPDX-License-Identifier: MIT
// k-means assignment, version 3 (fused) for many centroids: the distances as a
// register-tiled matrix product. What `kmeans_fused` runs when k >= 32 and d is a
// multiple of 4 up to 64 (kmeans_lloyd.cu, fused_tiles_fit); the plain fused kernel
// (kmeans_fused.cuh) takes the rest.
//
// Why another kernel. The plain one gives each thread one point and scans the k
// centroids: per point and centroid feature a subtraction, an FMA and a quarter of a
// 16-byte shared load, so at 10M x 32, k = 64 it issues about three instructions for
// each multiply-add (2.7 ms an iteration on the H200, 8.5 T multiply-adds/s).
// Here the block takes a tile of 256 points and works like a small GEMM:
//   - the distance is expanded, |x - c|^2 = |x|^2 - 2 x.c + |c|^2: |x|^2 is the same
//     for every centroid, so the nearest c is the smallest score |c|^2 - 2 x.c, one FMA
//     a feature: the score starts at |c|^2 and adds x_j (-2 c_j) (-2 c kept in shared
//     memory, |c|^2 made once a block);
//   - each thread holds 8 points x 8 centroids of scores in registers: per 4 features
//     it loads 8 + 8 float4 from shared memory and does 256 FMAs;
//   - the 8 threads that share 8 points (neighbouring lanes) each found the best of
//     their 8 centroids; three shuffle rounds leave each lane with one point's best;
//   - the tile is copied to shared memory by cp.async while the previous one is
//     worked on, and the block's sums (block_partials) read it from there.
// Shared-memory banks decide the layout (measured: the first version, with each
// group's points 8 neighbouring rows of 32 floats, was bound by its loads, 3.9 ms an
// iteration): the 4 groups of a warp read 4 different rows at once, which must lie in
// different banks. So a group's points are rows g, g + 32, ..., g + 224 (the groups of
// a warp: 4 neighbouring rows), and a row is tiles_row_stride(d) floats apart, 4 more
// than a multiple of 8: the 4 rows' 16 bytes fall in 4 different groups of banks.
// The expanded score cancels: two centroids at almost the same distance may be
// ordered differently from the difference form (the cases judge labels with the
// near-tie rule, as for kmeans_gemm). The inertia is still the difference form
// (x - c)^2 for the chosen centroid: the expanded one loses digits for a point near it.
#pragma once

#include <cuda_pipeline.h>

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "kernels/ml/copy_rows_async.cuh"
#include "kernels/ml/kmeans_common.cuh"

namespace gpulab::ml::kernels {

// The shape. A thread's register tile is 8 points x 8 centroids (the kernel's loops are
// written for 8 and 8); 8 lanes share 8 points, so a chunk of 64 centroids is one pass.
inline constexpr int tiles_threads = 256;        // and the points of a tile: each thread ends with one
inline constexpr int tiles_centroid_chunk = 64;  // 8 lanes x 8 centroids
inline constexpr int tiles_max_d = 64;

// A tile's row stride in floats: d rounded to 4 more than a multiple of 8 (d % 4 == 0).
__host__ __device__ constexpr int tiles_row_stride(int d) { return d % 8 == 4 ? d : d + 4; }
// Shared memory, in floats: -2 c feature-major (d rows of k rounded up to 64, for the
// products), c row-major (for the inertia), |c|^2, two tiles of points, block_partials.
struct tiles_layout {
  int k_padded, d;
  __host__ __device__ int minus_two_c() const { return 0; }
  __host__ __device__ int by_centroid() const { return minus_two_c() + d * k_padded; }
  __host__ __device__ int norms() const { return by_centroid() + k_padded * d; }
  __host__ __device__ int tile(int which) const {
    return norms() + k_padded + which * tiles_threads * tiles_row_stride(d);
  }
  __host__ __device__ int partials() const { return tile(2); }
  // block_partials: k d sums, 3 k + 1 counters, one slot a thread.
  __host__ __device__ int floats(int k) const { return partials() + k * d + 3 * k + 1 + tiles_threads; }
};
__host__ __device__ constexpr int tiles_padded_k(int k) {
  return (k + tiles_centroid_chunk - 1) / tiles_centroid_chunk * tiles_centroid_chunk;
}

// The tile that starts at row `first` into `to` (256 rows of d floats, each `stride`
// floats apart, a multiple of 4); rows past n are zeros (their label is -1).
__device__ __forceinline__ void copy_tile_async(float* to, int stride, const float* x, std::int64_t first,
                                                std::int64_t n, int d) {
  copy_rows_async<tiles_threads, tiles_threads>(to, stride, x, first, n, d);
  __pipeline_commit();
}

// sum_j (x_j - c_j)^2, 16 bytes a load, in four chains (feature j in chain j % 4): one
// chain of d dependent adds waited on itself (12% of the kernel's stall samples).
__device__ __forceinline__ float squared_distance_by_float4(const float* x, const float* c, int d) {
  float4 s = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int j = 0; j < d; j += 4) {
    const float4 a = *reinterpret_cast<const float4*>(x + j), b = *reinterpret_cast<const float4*>(c + j);
    s.x = fmaf(a.x - b.x, a.x - b.x, s.x);
    s.y = fmaf(a.y - b.y, a.y - b.y, s.y);
    s.z = fmaf(a.z - b.z, a.z - b.z, s.z);
    s.w = fmaf(a.w - b.w, a.w - b.w, s.w);
  }
  return (s.x + s.y) + (s.z + s.w);
}

// [snippet:kmeans_tiles_exchange]
// The 8 lanes of a group (lane bits 0-2) each hold the best of their own centroids
// for the group's 8 points. Three rounds, each halving what a lane holds: in the round
// with mask m a lane keeps the points whose bit m matches its own lane bit and sends
// the others to its partner. Lane g ends with point g's best of all 64 centroids.
__device__ __forceinline__ void exchange_best(float (&score)[8], int (&label)[8]) {
  const int lane = static_cast<int>(threadIdx.x % 32);
#pragma unroll
  for (int half = 4; half >= 1; half /= 2) {  // 8 -> 4 -> 2 -> 1 points a lane
    const bool upper = (lane & half) != 0;    // keeps the points with this bit set
#pragma unroll
    for (int p = 0; p < half; ++p) {
      const float send_score = upper ? score[p] : score[p + half];
      const int send_label = upper ? label[p] : label[p + half];
      float keep_score = upper ? score[p + half] : score[p];
      int keep_label = upper ? label[p + half] : label[p];
      keep_better(keep_score, keep_label, __shfl_xor_sync(0xffffffffu, send_score, half),
                  __shfl_xor_sync(0xffffffffu, send_label, half));
      score[p] = keep_score;  // now point p + (upper ? half : 0) of those still held
      label[p] = keep_label;
    }
  }
}
// [/snippet:kmeans_tiles_exchange]

// [snippet:kmeans_tiles_kernel]
// One block: the centroids once, then its tiles (grid-stride), two in flight. Thread
// t is lane g = t % 8 of group t / 8: the group's points are the tile's rows
// t / 8 + 32 p (p = 0..7), the lane's centroids 4 g .. 4 g + 3 and 32 + 4 g .. + 3 of
// each chunk of 64 (so that 8 lanes read 32 neighbouring floats of a feature row).
// labels may be nullptr (the iterations need none). d % 4 == 0, d <= 64, x 16-byte aligned.
__global__ void __launch_bounds__(tiles_threads, 2)
    fused_tiles_assign_accumulate(const float* __restrict__ x, std::int64_t n, int d,
                                  const float* __restrict__ centroids, int k, std::int32_t* __restrict__ labels,
                                  float* partial_sums, unsigned int* partial_counts, double* partial_inertia) {
  extern __shared__ __align__(16) float shared[];
  const int k_padded = tiles_padded_k(k), stride = tiles_row_stride(d);
  const tiles_layout at{k_padded, d};
  float* minus_two_c = shared + at.minus_two_c();  // minus_two_c[j * k_padded + c] = -2 c_j (exact)
  float* by_centroid = shared + at.by_centroid();  // by_centroid[c * d + j] = c_j
  float* norms = shared + at.norms();             // |c|^2; +infinity past k: never the best
  block_partials mine = block_partials::in_shared(shared + at.partials(), k, d);

  const std::int64_t tile_step = static_cast<std::int64_t>(gridDim.x) * tiles_threads;
  std::int64_t tile = static_cast<std::int64_t>(blockIdx.x) * tiles_threads;
  if (tile < n) copy_tile_async(shared + at.tile(0), tiles_row_stride(d), x, tile, n, d);  // X: not the update's

  let_next_grid_launch();  // launched with launch_dependent (see kmeans_fused.cuh)
  wait_for_prior_grid();
  for (int e = static_cast<int>(threadIdx.x); e < k_padded * d; e += tiles_threads) {
    const int c = e / d, j = e - c * d;
    const float value = c < k ? centroids[e] : 0.0f;
    minus_two_c[j * k_padded + c] = -2.0f * value;
    by_centroid[e] = value;
  }
  mine.zero(k, d);
  __syncthreads();
  for (int c = static_cast<int>(threadIdx.x); c < k_padded; c += tiles_threads) {
    float s = 0.0f;
    for (int j = 0; j < d; ++j) s = fmaf(by_centroid[c * d + j], by_centroid[c * d + j], s);
    norms[c] = c < k ? s : __int_as_float(0x7f800000);
  }
  __syncthreads();

  const int lane_in_group = static_cast<int>(threadIdx.x % 8);
  const int group = static_cast<int>(threadIdx.x / 8);
  const int my_row = group + 32 * lane_in_group;  // the point this thread ends with
  double inertia = 0.0;
  for (int which = 0; tile < n; tile += tile_step, which ^= 1) {
    // The next tile on its way before this one is waited for.
    const bool has_next = tile + tile_step < n;
    if (has_next) {
      copy_tile_async(shared + at.tile(which ^ 1), tiles_row_stride(d), x, tile + tile_step, n, d);
      __pipeline_wait_prior(1);  // all but the newest copy: this tile's
    } else {
      __pipeline_wait_prior(0);
    }
    __syncthreads();  // every thread's part of the tile is in
    const float* rows = shared + at.tile(which);
    const float* group_rows = rows + group * stride;  // point p: group_rows + 32 p stride

    float best_score = __int_as_float(0x7f800000);
    int best_label = 0;
    for (int chunk = 0; chunk < k_padded; chunk += tiles_centroid_chunk) {
      // [snippet:kmeans_tiles_products]
      const int first = chunk + 4 * lane_in_group;  // the lane's centroids: first + 0..3, first + 32..35
      const float4 low_norm = *reinterpret_cast<const float4*>(norms + first);
      const float4 high_norm = *reinterpret_cast<const float4*>(norms + first + 32);
      float score[8][8];  // [point][centroid], each starting at |c|^2
#pragma unroll
      for (int p = 0; p < 8; ++p) {
        score[p][0] = low_norm.x, score[p][1] = low_norm.y, score[p][2] = low_norm.z, score[p][3] = low_norm.w;
        score[p][4] = high_norm.x, score[p][5] = high_norm.y, score[p][6] = high_norm.z, score[p][7] = high_norm.w;
      }
      const float* my_columns = minus_two_c + first;
      for (int j = 0; j < d; j += 4) {
        float4 point[8];
#pragma unroll
        for (int p = 0; p < 8; ++p) point[p] = *reinterpret_cast<const float4*>(group_rows + 32 * p * stride + j);
#pragma unroll
        for (int f = 0; f < 4; ++f) {
          const float* row = my_columns + (j + f) * k_padded;
          const float4 low = *reinterpret_cast<const float4*>(row);
          const float4 high = *reinterpret_cast<const float4*>(row + 32);
          const float c[8] = {low.x, low.y, low.z, low.w, high.x, high.y, high.z, high.w};
#pragma unroll
          for (int p = 0; p < 8; ++p) {
            const float v = f == 0 ? point[p].x : f == 1 ? point[p].y : f == 2 ? point[p].z : point[p].w;
#pragma unroll
            for (int q = 0; q < 8; ++q) score[p][q] = fmaf(v, c[q], score[p][q]);
          }
        }
      }
      // [/snippet:kmeans_tiles_products]
      // Each point's best of the lane's 8 centroids, in increasing index: the strict <
      // keeps the smaller index on a tie.
      float best[8];
      int label[8];
#pragma unroll
      for (int p = 0; p < 8; ++p) {
        best[p] = score[p][0];
        label[p] = first;
#pragma unroll
        for (int q = 1; q < 8; ++q) {
          if (score[p][q] < best[p]) {
            best[p] = score[p][q];
            label[p] = first + (q < 4 ? q : 28 + q);  // q >= 4: centroid first + 32 + (q - 4)
          }
        }
      }
      exchange_best(best, label);  // lane g: point g of the group, the tile's row my_row
      keep_better(best_score, best_label, best[0], label[0]);  // chunks in increasing index
    }

    const std::int64_t i = tile + my_row;
    const int label = i < n ? best_label : -1;
    if (i < n) {
      if (labels != nullptr) labels[i] = label;
      inertia += squared_distance_by_float4(rows + my_row * stride, by_centroid + label * d, d);
    }
    mine.add_rows(rows, stride, my_row, label, k, d);  // ends with a barrier: the tile may then be refilled
  }
  const double block_inertia = block_total(inertia);
  if (threadIdx.x == 0) partial_inertia[blockIdx.x] = block_inertia;
  __syncthreads();
  mine.write_out(k, d, partial_sums, partial_counts);
}
// [/snippet:kmeans_tiles_kernel]

}  // namespace gpulab::ml::kernels

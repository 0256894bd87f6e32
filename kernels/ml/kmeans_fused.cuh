// SPDX-License-Identifier: MIT
// k-means assignment, version 3 (fused): one pass over X does the whole
// iteration's heavy work. Each block copies the k centroids into shared memory
// once; each thread takes its points (grid-stride), finds the nearest centroid
// there, and the block adds its tile of points to its own sums in shared memory. No n x k
// matrix, no second pass over X for the update (the tile's rows are read again
// from the L1 cache), no atomics on global memory:
// X is read once per iteration, which is the least any version can read.
// The small update (kmeans_update.cuh, update_centroids) then sums the blocks' partials.
#pragma once

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/launch.cuh"
#include "kernels/ml/kmeans_common.cuh"
#include "kernels/ml/kmeans_warp_sums.cuh"

namespace gpulab::ml::kernels {

// [snippet:kmeans_fused]
// Dynamic shared memory: the centroids (k * d floats), then the block's partials: Sums is
// block_partials (k * d floats, 3 k + 1 counters, blockDim.x slots) or, where k x d is small,
// warp_partials (kmeans_warp_sums.cuh: kmeans_warp_sums_bytes). labels may be
// nullptr (the iterations need none; the final pass and predict do). MaxD >= d: each
// thread's point stays in registers (point_features in kmeans_common.cuh).
// Blocks of up to fused_max_threads: __launch_bounds__ keeps the registers within what
// such a block may use (65536 / 512 = 128), so a block that large always launches.
inline constexpr int fused_max_threads = 512;
template <int MaxD, class Sums>
__global__ void __launch_bounds__(fused_max_threads)
    fused_assign_accumulate(const float* __restrict__ x, std::int64_t n, int d,
                            const float* __restrict__ centroids, int k,
                            std::int32_t* __restrict__ labels, float* partial_sums,
                            unsigned int* partial_counts, double* partial_inertia) {
  extern __shared__ __align__(16) float shared[];  // 16: the centroids are read as float4
  float* local_centroids = shared;
  Sums mine = Sums::in_shared(shared + k * d, k, d);
  // Launched with launch_dependent (core/dependent_launch.cuh): the update after this
  // kernel may be placed on the SMs now; and before the centroids are read (and the
  // partials written), the update before this kernel must have finished.
  let_next_grid_launch();
  wait_for_prior_grid();
  for (int e = threadIdx.x; e < k * d; e += blockDim.x) local_centroids[e] = centroids[e];
  mine.zero(k, d);
  __syncthreads();  // the centroids are in, the sums are zero
  // [/snippet:kmeans_fused]

  // [snippet:kmeans_fused_loop]
  // Tiles of blockDim.x points, one a thread (Sums::add_tiles).
  double inertia = 0.0;
  mine.add_tiles(x, n, k, d, [&](std::int64_t i) {
    point_features<MaxD> xi;
    xi.load(x + i * d, d);  // once: the k distances below read it from registers
    float best = 0.0f;
    const int label = nearest_centroid(xi, local_centroids, k, d, &best);
    if (labels != nullptr) labels[i] = label;
    inertia += best;
    return label;
  });
  const double block_inertia = block_total(inertia);  // includes a __syncthreads: every add is done
  if (threadIdx.x == 0) partial_inertia[blockIdx.x] = block_inertia;
  __syncthreads();
  mine.write_out(k, d, partial_sums, partial_counts);
}
// [/snippet:kmeans_fused_loop]

// predict(): labels only. InShared: the centroids are copied to shared memory
// (k * d floats, when they fit); otherwise every thread reads them from global
// memory (through the L1 cache).
template <bool InShared, int MaxD>
__global__ void nearest_labels(const float* __restrict__ x, std::int64_t n, int d,
                               const float* __restrict__ centroids, int k, std::int32_t* __restrict__ labels) {
  extern __shared__ __align__(16) float local_centroids[];
  const float* c = centroids;
  if constexpr (InShared) {
    for (int e = threadIdx.x; e < k * d; e += blockDim.x) local_centroids[e] = centroids[e];
    __syncthreads();
    c = local_centroids;
  }
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) {
    point_features<MaxD> xi;
    xi.load(x + i * d, d);
    float best = 0.0f;
    labels[i] = nearest_centroid(xi, c, k, d, &best);
  }
}

}  // namespace gpulab::ml::kernels

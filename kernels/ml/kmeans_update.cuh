// SPDX-License-Identifier: MIT
// k-means update step: the centroids move to the means of their points.
//   accumulate_by_label  (naive, gemm) each block's sums and counts of the points
//                        it labelled, from X and the labels: one more pass over X
//   update_centroids     the partials of all blocks summed in a fixed order, in
//                        double, divided by the counts (an empty cluster keeps its centroid)
//                        (the partials were just written: they are read from L2)
//   finish_iteration     the total inertia and the largest squared centroid shift,
//                        by one block in a fixed order (deterministic)
// The fused version (kmeans_fused.cuh) makes the partials during the assignment.
#pragma once

#include <cstdint>

#include "gpulab/core/dependent_launch.cuh"
#include "gpulab/core/launch.cuh"
#include "kernels/ml/kmeans_common.cuh"

namespace gpulab::ml::kernels {

// Dynamic shared memory: block_partials (k * d floats, 3 k + 1 counters, blockDim.x slots). MaxD: see point_features.
template <int MaxD>
__global__ void accumulate_by_label(const float* __restrict__ x, std::int64_t n, int d,
                                    const float* __restrict__ centroids, int k,
                                    const std::int32_t* __restrict__ labels, float* partial_sums,
                                    unsigned int* partial_counts, double* partial_inertia) {
  extern __shared__ __align__(16) float shared[];
  block_partials mine = block_partials::in_shared(shared, k, d);
  mine.zero(k, d);
  __syncthreads();  // every counter is zero before any thread adds
  double inertia = 0.0;
  mine.add_tiles(x, n, k, d, [&](std::int64_t i) {
    point_features<MaxD> xi;
    xi.load(x + i * d, d);
    const int label = labels[i];
    inertia += xi.distance_to(centroids + static_cast<std::int64_t>(label) * d, d);
    return label;
  });
  const double block_inertia = block_total(inertia);  // (its __syncthreads also orders the adds before write_out)
  if (threadIdx.x == 0) partial_inertia[blockIdx.x] = block_inertia;
  __syncthreads();
  mine.write_out(k, d, partial_sums, partial_counts);
}

// [snippet:kmeans_update]
// Blocks of 32 x 32 threads, one block per 32 centroid values (cluster c, feature j):
// lane l takes value e = 32 * blockIdx.x + l, and warp w sums the partials of
// blocks w, w + 32, w + 64, ... (coalesced: a warp reads 32 neighbouring values of
// one partial). Then warp 0 adds the 32 warps' sums in order, in double: the same
// bits on every run. The mean, or for an empty cluster the old centroid.
inline constexpr int update_lanes = 32, update_warps = 32;
static __global__ void update_centroids(const float* __restrict__ partial_sums,
                                        const unsigned int* __restrict__ partial_counts,
                                        unsigned blocks, int k, int d,
                                        const float* __restrict__ old_centroids,
                                        float* __restrict__ new_centroids) {
  __shared__ double sums[update_warps][update_lanes + 1];  // + 1: no bank conflicts down a column
  __shared__ unsigned long long counts[update_warps][update_lanes + 1];
  const unsigned lane = threadIdx.x, warp = threadIdx.y;
  const std::int64_t values = static_cast<std::int64_t>(k) * d;
  const std::int64_t e = static_cast<std::int64_t>(blockIdx.x) * update_lanes + lane;
  let_next_grid_launch();  // launched with launch_dependent, as is the assignment after it
  wait_for_prior_grid();   // the partials are complete
  double sum = 0.0;
  unsigned long long count = 0;
  // [/snippet:kmeans_update]
  // [snippet:kmeans_update_loads]
  if (e < values) {
    const std::int64_t c = e / d;
    // Eight partials loaded before any is added: the loads are in flight together
    // (one after the other, each waited on, they were most of this kernel); the adds
    // keep the order b = warp, warp + 32, ...: the same bits as a plain loop.
    constexpr int batch = 8;
    for (unsigned first = warp; first < blocks; first += batch * update_warps) {
      float s[batch];
      unsigned n[batch];
#pragma unroll
      for (int u = 0; u < batch; ++u) {
        const unsigned b = first + u * update_warps;
        s[u] = b < blocks ? partial_sums[b * values + e] : 0.0f;
        n[u] = b < blocks ? partial_counts[b * static_cast<std::int64_t>(k) + c] : 0u;
      }
#pragma unroll
      for (int u = 0; u < batch; ++u) {
        if (first + u * update_warps < blocks) {
          sum += s[u];
          count += n[u];
        }
      }
    }
  }
  // [/snippet:kmeans_update_loads]
  // [snippet:kmeans_update_combine]
  sums[warp][lane] = sum;
  counts[warp][lane] = count;
  __syncthreads();
  if (warp == 0 && e < values) {
    double total = 0.0;
    unsigned long long n = 0;
    for (int w = 0; w < update_warps; ++w) {
      total += sums[w][lane];
      n += counts[w][lane];
    }
    new_centroids[e] = n > 0 ? static_cast<float>(total / static_cast<double>(n))
                             : old_centroids[e];  // an empty cluster keeps its centroid
  }
}
// [/snippet:kmeans_update_combine]

// One block of finish_threads threads: stats[0] = the sum of the blocks' inertia,
// stats[1] = the largest |new_c - old_c|^2 over the clusters.
inline constexpr int finish_threads = 256;
static __global__ void finish_iteration(const double* __restrict__ partial_inertia, unsigned blocks,
                                        const float* __restrict__ old_centroids,
                                        const float* __restrict__ new_centroids, int k, int d,
                                        double* __restrict__ stats) {
  __shared__ double inertia[finish_threads];
  __shared__ double shift[finish_threads];
  double my_inertia = 0.0, my_shift = 0.0;
  for (unsigned b = threadIdx.x; b < blocks; b += finish_threads) my_inertia += partial_inertia[b];
  for (int c = threadIdx.x; c < k; c += finish_threads) {
    double s = 0.0;
    for (int j = 0; j < d; ++j) {
      const double t = static_cast<double>(new_centroids[c * d + j]) - old_centroids[c * d + j];
      s += t * t;
    }
    my_shift = s > my_shift ? s : my_shift;
  }
  inertia[threadIdx.x] = my_inertia;
  shift[threadIdx.x] = my_shift;
  __syncthreads();
  for (int half = finish_threads / 2; half > 0; half /= 2) {  // a tree in a fixed order
    if (static_cast<int>(threadIdx.x) < half) {
      inertia[threadIdx.x] += inertia[threadIdx.x + half];
      shift[threadIdx.x] = shift[threadIdx.x + half] > shift[threadIdx.x] ? shift[threadIdx.x + half]
                                                                          : shift[threadIdx.x];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    stats[0] = inertia[0];
    stats[1] = shift[0];
  }
}

// *first = the smallest index t < count with x[t] NaN or Inf (*first starts at all ones).
static __global__ void first_non_finite(const float* __restrict__ x, std::int64_t count,
                                        unsigned long long* first) {
  for (std::int64_t t = global_thread_id(); t < count; t += grid_thread_count()) {
    if (!isfinite(x[t])) atomicMin(first, static_cast<unsigned long long>(t));
  }
}

}  // namespace gpulab::ml::kernels

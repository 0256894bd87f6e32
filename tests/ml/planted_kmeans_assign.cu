// SPDX-License-Identifier: MIT
// Planted wrong solutions of the exercise kmeans_assign, each launched as the
// trainee's kernel is (launch_kmeans_assign), so the checker sees only its output.
#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/ml/exercises/kmeans_assign.hpp"
#include "planted_kmeans_assign.hpp"

namespace planted {

namespace ex = gpulab::exercises;

namespace {

enum class kmeans_bug {
  ties_to_largest_in_odd_blocks,  // blocks 1, 3, 5, ... keep a centroid on <=: ties go to the largest index there
  last_block_not_merged,          // the last block never adds its partial sums to the global ones
  race_on_global_sums,            // every thread adds its rows straight to the global sums with +=
};

template <kmeans_bug Bug>
__global__ void kmeans_assign_kernel(const float* x, long long n, int d, const float* centroids, int k,
                                     std::int32_t* labels, float* sums, unsigned int* counts) {
  extern __shared__ float shared[];
  float* local_centroids = shared;
  float* block_sums = shared + k * d;
  auto* block_counts = reinterpret_cast<unsigned int*>(shared + 2 * k * d);
  for (int e = threadIdx.x; e < k * d; e += blockDim.x) {
    local_centroids[e] = centroids[e];
    block_sums[e] = 0.0f;
  }
  for (int c = threadIdx.x; c < k; c += blockDim.x) block_counts[c] = 0u;
  __syncthreads();
  const bool ties_to_largest = Bug == kmeans_bug::ties_to_largest_in_odd_blocks && blockIdx.x % 2 == 1;
  for (long long i = gpulab::global_thread_id(); i < n; i += gpulab::grid_thread_count()) {
    const float* row = x + i * d;
    float best = __int_as_float(0x7f800000);
    int label = 0;
    for (int c = 0; c < k; ++c) {
      float dist = 0.0f;
      for (int j = 0; j < d; ++j) {
        const float t = row[j] - local_centroids[c * d + j];
        dist += t * t;
      }
      if (dist < best || (ties_to_largest && dist == best)) {
        best = dist;
        label = c;
      }
    }
    labels[i] = label;
    if constexpr (Bug == kmeans_bug::race_on_global_sums) {
      for (int j = 0; j < d; ++j) sums[label * d + j] += row[j];  // lanes with one label collide
      counts[label] += 1u;
    } else {
      for (int j = 0; j < d; ++j) atomicAdd(&block_sums[label * d + j], row[j]);
      atomicAdd(&block_counts[label], 1u);
    }
  }
  if constexpr (Bug == kmeans_bug::race_on_global_sums) return;
  __syncthreads();
  if (Bug == kmeans_bug::last_block_not_merged && blockIdx.x == gridDim.x - 1) return;
  for (int e = threadIdx.x; e < k * d; e += blockDim.x) atomicAdd(&sums[e], block_sums[e]);
  for (int c = threadIdx.x; c < k; c += blockDim.x) atomicAdd(&counts[c], block_counts[c]);
}

template <kmeans_bug Bug>
void launch(cuda::std::span<const float> x, int d, cuda::std::span<const float> centroids, int k,
            cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums, cuda::std::span<unsigned int> counts,
            cuda::stream_ref s) {
  ex::launch_kmeans_assign(kmeans_assign_kernel<Bug>, x, d, centroids, k, labels, sums, counts, s);
}

}  // namespace

void kmeans_ties_to_largest_in_odd_blocks(cuda::std::span<const float> x, int d, cuda::std::span<const float> c,
                                          int k, cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                                          cuda::std::span<unsigned int> counts, cuda::stream_ref s) {
  launch<kmeans_bug::ties_to_largest_in_odd_blocks>(x, d, c, k, labels, sums, counts, s);
}
void kmeans_last_block_not_merged(cuda::std::span<const float> x, int d, cuda::std::span<const float> c, int k,
                                  cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                                  cuda::std::span<unsigned int> counts, cuda::stream_ref s) {
  launch<kmeans_bug::last_block_not_merged>(x, d, c, k, labels, sums, counts, s);
}
void kmeans_race_on_global_sums(cuda::std::span<const float> x, int d, cuda::std::span<const float> c, int k,
                                cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                                cuda::std::span<unsigned int> counts, cuda::stream_ref s) {
  launch<kmeans_bug::race_on_global_sums>(x, d, c, k, labels, sums, counts, s);
}

}  // namespace planted

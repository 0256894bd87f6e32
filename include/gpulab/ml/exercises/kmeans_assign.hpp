// SPDX-License-Identifier: MIT
// Exercise (module 7): the fused k-means assignment step. Each point goes to its
// nearest centroid (squared Euclidean distance; ties: the smallest index), and
// each cluster's sum and count are accumulated in one pass: per-block sums in
// shared memory, merged into the global sums with one atomicAdd per value per block.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

// labels[i] = the nearest of the k centroids (k x d, row-major) to row i of x (n x d);
// sums[c * d + j] = sum of feature j over the rows labelled c; counts[c] = how many.
// sums and counts are zeroed by the launch. k, d >= 1, and the centroids and the block's sums,
// (2 k d + k) floats, fit in shared memory as for kmeans_fused (ml::kmeans_shared_memory_problem).
using kmeans_assign_fn = void (*)(cuda::std::span<const float> x, int d, cuda::std::span<const float> centroids,
                                  int k, cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                                  cuda::std::span<unsigned int> counts, cuda::stream_ref s);
namespace reference {
void kmeans_assign(cuda::std::span<const float> x, int d, cuda::std::span<const float> centroids, int k,
                   cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                   cuda::std::span<unsigned int> counts, cuda::stream_ref s);
}
namespace trainee {
void kmeans_assign(cuda::std::span<const float> x, int d, cuda::std::span<const float> centroids, int k,
                   cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                   cuda::std::span<unsigned int> counts, cuda::stream_ref s);
}

constexpr int kmeans_assign_threads = 256;
// The launch's grid for n rows: a block per 256 rows, at most 4 per SM.
unsigned kmeans_assign_blocks(std::int64_t n);

// The launch every version gets (the tests' planted kernels too): checks the sizes, zeroes
// sums and counts, then kernel<<<kmeans_assign_blocks(n), 256, (2 k d + k) * 4 bytes>>>(...).
using kmeans_assign_kernel = void (*)(const float* x, long long n, int d, const float* centroids, int k,
                                      std::int32_t* labels, float* sums, unsigned int* counts);
void launch_kmeans_assign(kmeans_assign_kernel kernel, cuda::std::span<const float> x, int d,
                          cuda::std::span<const float> centroids, int k, cuda::std::span<std::int32_t> labels,
                          cuda::std::span<float> sums, cuda::std::span<unsigned int> counts, cuda::stream_ref s);

check_report check_kmeans_assign(kmeans_assign_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

// SPDX-License-Identifier: MIT
// k-means on the CPU: the baseline and the reference of the GPU versions. The
// same rules as kmeans.hpp (ties to the smallest index, an empty cluster keeps
// its centroid, the same stopping rule, a final labelling), the same k-means++
// picks for the same seed; distances by Eigen's GEMM in double (|x|^2 - 2 x.c + |c|^2,
// exact enough that only true near-ties can differ from the GPU), sums in double,
// OpenMP over blocks of rows on every core.
#pragma once

#include <cstdint>
#include <vector>

#include "gpulab/ml/feature_matrix.hpp"

namespace gpulab::ml {

struct kmeans_cpu_result {
  std::vector<float> centroids;      // k x d row-major
  std::vector<std::int32_t> labels;  // n
  std::vector<std::int64_t> counts;  // k: points per cluster in the final labelling
  double inertia = 0;
  int iterations = 0;
};

// Lloyd's iterations from `initial` (k x d). Throws usage_error as validate_kmeans()
// and for an `initial` of another size; numerical_error for NaN or Inf in x.
kmeans_cpu_result kmeans_fit_cpu(const host_features& x, int k, const std::vector<float>& initial,
                                 int max_iterations, double tolerance);

// k-means++ (kmeans_plus_plus.hpp): k centres, k x d; the rows picked go to *chosen_rows when given.
std::vector<float> kmeans_plus_plus_cpu(const host_features& x, int k, std::uint64_t seed,
                                        std::vector<std::int64_t>* chosen_rows = nullptr);

// The nearest of the k centroids for each row (ties: smallest index), and its squared distance (double).
void kmeans_assign_cpu(const host_features& x, const std::vector<float>& centroids, int k,
                       std::vector<std::int32_t>& labels, std::vector<double>& distances);

}  // namespace gpulab::ml

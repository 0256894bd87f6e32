// SPDX-License-Identifier: MIT
// The checks of k-means' parameters and sizes: plain C++, run before any GPU work.
#include <cmath>
#include <cstdint>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/ml/kmeans.hpp"

namespace gpulab::ml {

const char* kmeans_version_name(kmeans_version v) {
  switch (v) {
    case kmeans_version::naive: return "naive";
    case kmeans_version::gemm: return "gemm";
    case kmeans_version::fused: return "fused";
    case kmeans_version::tf32: return "tf32";
    case kmeans_version::split_tf32: return "split_tf32";
  }
  return "?";
}

void validate_kmeans(const kmeans_params& p, std::int64_t n, std::int64_t d) {
  if (n < 1) throw usage_error("k-means: no rows to cluster");
  if (d < 1) throw usage_error("k-means: the rows have no features (d = " + std::to_string(d) + ")");
  if (p.k < 1) throw usage_error("k-means: k = " + std::to_string(p.k) + "; at least 1 cluster");
  if (p.k > n) {
    throw usage_error("k-means: k = " + std::to_string(p.k) + " clusters for " + std::to_string(n) +
                      " rows; k can be at most the number of rows");
  }
  if (p.max_iterations < 1) {
    throw usage_error("k-means: max_iterations = " + std::to_string(p.max_iterations) + "; at least 1");
  }
  if (!std::isfinite(p.tolerance) || p.tolerance < 0) {
    throw usage_error("k-means: tolerance " + std::to_string(p.tolerance) + "; a finite number >= 0");
  }
  // cuBLAS (the gemm version) and the int labels count rows in 32 bits; the kernels index in 64.
  if (n > INT32_MAX || d > INT32_MAX / 2 || static_cast<std::int64_t>(p.k) * d > INT32_MAX / 2) {
    throw usage_error("k-means: " + std::to_string(n) + " x " + std::to_string(d) + " with k = " +
                      std::to_string(p.k) + " is past what the kernels index (rows < 2^31, k * d < 2^30)");
  }
}

}  // namespace gpulab::ml

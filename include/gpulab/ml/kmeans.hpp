// SPDX-License-Identifier: MIT
// k-means on the GPU (module 7), the counterpart of sklearn.cluster.KMeans and
// cuml.KMeans: Lloyd's algorithm from k-means++ (or the first k points), five
// versions of its assignment step side by side (kmeans_version), a tolerance and
// an iteration limit, inertia; predict() labels new points.
//
// The rules, the same on the GPU and on the CPU baseline (kmeans_cpu.hpp):
// - One iteration: every point goes to its nearest centroid (squared Euclidean
//   distance), then every centroid moves to the mean of its points.
// - Ties go to the smallest centroid index (a strict < while scanning 0..k-1).
//   "Nearest" by a float distance: the gemm version, and the fused one for k >= 32
//   (its register-tiled kernel), score by the expanded form |c|^2 - 2 x.c, which can
//   order two almost equally near centroids differently from (x - c)^2 (a near-tie);
//   predict() always uses (x - c)^2, so at such a point it may differ from fit's label.
//   The tf32 version takes a label from its TF32 scores only where their error bound
//   proves it the nearest in exact arithmetic, and uses (x - c)^2 for the rest. The
//   split_tf32 version scores by the expanded form too, its products as accurate as
//   float's (each float split into two TF32 numbers).
// - Empty cluster: a centroid that no point chose keeps its previous position.
//   Why: it is deterministic, costs nothing, and the GPU and CPU agree on it
//   exactly. (scikit-learn moves it to a far point instead, which needs another
//   pass and a choice among equals; a kept centroid may win points later.)
// - Stop after max_iterations, or earlier when no centroid moved farther than
//   `tolerance` (Euclidean) in an iteration. tolerance = 0 runs every iteration
//   and never waits for the host; tolerance > 0 reads one number back per iteration.
// - Afterwards every point is labelled with the final centroids, and inertia is
//   the sum of its squared distances to them (as scikit-learn's labels_ and inertia_).
#pragma once

#include <cstdint>
#include <string>

#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/layout.hpp"

namespace gpulab::ml {

enum class kmeans_init {
  kmeans_plus_plus,  // D^2 sampling on the GPU (kmeans_plus_plus.hpp), seeded
  first_k,           // the first k rows (for hand examples and tests)
};

// How the assignment step finds each point's nearest centroid.
enum class kmeans_version {
  naive,  // the n x k distance matrix written to memory, then an argmin per row
  gemm,   // |x|^2 - 2 x.c + |c|^2: the n x k dot products by cuBLAS SGEMM, then an argmin
  fused,  // one pass over X: centroids in shared memory, nearest centroid and per-block sums at once
  tf32,   // the fused pass with the scores on TF32 tensor cores; a label their error bound
          // cannot prove is scored again in float (kernels/ml/kmeans_tf32.cuh)
  split_tf32,  // the fused pass with the products on Hopper's warpgroup MMA, each float split
               // into two TF32 numbers: float's accuracy, no proof needed; each warp sums its
               // own points (kernels/ml/kmeans_wgmma.cuh). Elsewhere the fused version's kernels.
};
// "naive", "gemm", "fused", "tf32", "split_tf32"
const char* kmeans_version_name(kmeans_version v);

struct kmeans_params {
  int k = 8;
  int max_iterations = 300;
  double tolerance = 1e-4;  // largest centroid shift (Euclidean) that still counts as moving; 0: never stop early
  std::uint64_t seed = 2026;
  kmeans_init init = kmeans_init::kmeans_plus_plus;
  kmeans_version version = kmeans_version::fused;
};

// Throws usage_error for k < 1, k > n, d < 1, max_iterations < 1, a negative or
// non-finite tolerance, or sizes past what the kernels index (n * d < 2^62, n < 2^31).
void validate_kmeans(const kmeans_params& p, std::int64_t n, std::int64_t d);

// The centroids of a fitted model, k x d row-major on the device.
struct kmeans_model {
  device_buffer<float> centroids;
  int k = 0;
  int features = 0;
};

struct kmeans_result {
  kmeans_model model;
  device_buffer<std::int32_t> labels;  // n: the nearest final centroid of each row
  double inertia = 0;                  // sum of squared distances to it
  int iterations = 0;                  // Lloyd iterations run (<= max_iterations)
};

// Throws numerical_error naming the first row and column that hold NaN or Inf
// (one pass over x on the GPU; waits for the stream).
void require_finite(linalg::matrix_view<const float> x, cuda::stream_ref s, const std::string& what);

// k-means on the rows of x (device, row-major and packed): validates, checks
// that x is finite, initialises, iterates. Waits for the stream before returning.
kmeans_result kmeans_fit(resources& res, linalg::matrix_view<const float> x, const kmeans_params& p);

// The same from given initial centroids (k x d row-major, device), p.init ignored.
kmeans_result kmeans_fit_from(resources& res, linalg::matrix_view<const float> x, const kmeans_params& p,
                              const float* initial_centroids);

// labels[i] = the nearest centroid of row i of x (ties: smallest index). Throws
// usage_error when x has another number of features than the model, or labels
// is shorter than x. Queued on s.
void kmeans_predict_async(const kmeans_model& model, linalg::matrix_view<const float> x,
                          cuda::std::span<std::int32_t> labels, cuda::stream_ref s);

// k-means++ on the GPU: k centres (k x d row-major) into `centres`, and the rows
// they are (the CPU's kmeans_plus_plus_cpu picks the same rows for the same seed).
// Queued on s; `chosen_rows` (k) is written on the device.
void kmeans_plus_plus_async(linalg::matrix_view<const float> x, int k, std::uint64_t seed,
                            cuda::std::span<float> centres, cuda::std::span<std::int64_t> chosen_rows,
                            cuda::stream_ref s);

}  // namespace gpulab::ml

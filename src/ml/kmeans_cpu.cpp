// SPDX-License-Identifier: MIT
// k-means on the CPU (kmeans_cpu.hpp): the baseline the GPU versions are timed
// against and checked with. Compiled with -march=native (Eigen's widest vectors)
// and -ffp-contract=off (k-means++'s distances must round as the GPU's do).
#include <Eigen/Dense>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/ml/kmeans.hpp"
#include "gpulab/ml/kmeans_cpu.hpp"
#include "gpulab/ml/kmeans_plus_plus.hpp"

namespace gpulab::ml {

namespace {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr std::int64_t rows_per_block = 1024;  // a block of X in double: 1024 x d, in the cache

void require_finite_host(const host_features& x) {
  const std::int64_t count = x.rows * x.cols;
  std::int64_t first = count;
#pragma omp parallel for reduction(min : first)
  for (std::int64_t t = 0; t < count; ++t) {
    if (!std::isfinite(x.values[static_cast<std::size_t>(t)])) first = std::min(first, t);
  }
  if (first == count) return;
  const float v = x.values[static_cast<std::size_t>(first)];
  throw numerical_error("k-means: row " + std::to_string(first / x.cols) + ", column " +
                        std::to_string(first % x.cols) + " is " + (std::isnan(v) ? "NaN" : "Inf") +
                        "; the data must be finite");
}

// What one pass over X gives: labels, each cluster's sum and count, the inertia.
struct pass_result {
  std::vector<double> sums;  // k x d
  std::vector<std::int64_t> counts;
  double inertia = 0;
};

// Labels every row with its nearest centroid (ties: smallest index) and sums the clusters.
pass_result assign_and_sum(const host_features& x, const std::vector<float>& centroids, int k,
                           std::vector<std::int32_t>& labels, std::vector<double>* distances) {
  const std::int64_t n = x.rows, d = x.cols;
  // C^T in double and |c|^2, once per pass.
  row_matrix c(k, d);
  for (int a = 0; a < k; ++a) {
    for (std::int64_t j = 0; j < d; ++j) c(a, j) = centroids[static_cast<std::size_t>(a * d + j)];
  }
  const Eigen::VectorXd c_norms = c.rowwise().squaredNorm();
  const Eigen::MatrixXd c_transposed = c.transpose();
  const std::int64_t blocks = (n + rows_per_block - 1) / rows_per_block;
  const int threads = omp_get_max_threads();
  std::vector<pass_result> per_thread(static_cast<std::size_t>(threads));
#pragma omp parallel
  {
    pass_result& mine = per_thread[static_cast<std::size_t>(omp_get_thread_num())];
    mine.sums.assign(static_cast<std::size_t>(k * d), 0.0);
    mine.counts.assign(static_cast<std::size_t>(k), 0);
    row_matrix xb, dots;
#pragma omp for schedule(static)
    for (std::int64_t b = 0; b < blocks; ++b) {
      const std::int64_t first = b * rows_per_block, rows = std::min(rows_per_block, n - first);
      xb.resize(rows, d);
      for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t j = 0; j < d; ++j) xb(r, j) = x.values[static_cast<std::size_t>((first + r) * d + j)];
      }
      dots.noalias() = xb * c_transposed;  // rows x k, Eigen's GEMM
      for (std::int64_t r = 0; r < rows; ++r) {
        const double x_norm = xb.row(r).squaredNorm();
        double best = std::numeric_limits<double>::infinity();
        int label = 0;
        for (int a = 0; a < k; ++a) {
          const double dist = x_norm - 2.0 * dots(r, a) + c_norms(a);
          if (dist < best) {  // strict: ties go to the smallest index
            best = dist;
            label = a;
          }
        }
        const std::int64_t i = first + r;
        labels[static_cast<std::size_t>(i)] = label;
        // The inertia from (x - c)^2 itself: the expanded form cancels (a point on its
        // centroid would give 1e-14, not 0).
        const double direct = (xb.row(r) - c.row(label)).squaredNorm();
        if (distances != nullptr) (*distances)[static_cast<std::size_t>(i)] = direct;
        mine.inertia += direct;
        ++mine.counts[static_cast<std::size_t>(label)];
        for (std::int64_t j = 0; j < d; ++j) mine.sums[static_cast<std::size_t>(label * d + j)] += xb(r, j);
      }
    }
  }
  pass_result total;
  total.sums.assign(static_cast<std::size_t>(k * d), 0.0);
  total.counts.assign(static_cast<std::size_t>(k), 0);
  for (const pass_result& p : per_thread) {  // in thread order: the same result for the same thread count
    if (p.sums.empty()) continue;
    for (std::size_t e = 0; e < total.sums.size(); ++e) total.sums[e] += p.sums[e];
    for (std::size_t a = 0; a < total.counts.size(); ++a) total.counts[a] += p.counts[a];
    total.inertia += p.inertia;
  }
  return total;
}

}  // namespace

void kmeans_assign_cpu(const host_features& x, const std::vector<float>& centroids, int k,
                       std::vector<std::int32_t>& labels, std::vector<double>& distances) {
  labels.resize(static_cast<std::size_t>(x.rows));
  distances.resize(static_cast<std::size_t>(x.rows));
  (void)assign_and_sum(x, centroids, k, labels, &distances);
}

kmeans_cpu_result kmeans_fit_cpu(const host_features& x, int k, const std::vector<float>& initial,
                                 int max_iterations, double tolerance) {
  kmeans_params p;
  p.k = k;
  p.max_iterations = max_iterations;
  p.tolerance = tolerance;
  validate_kmeans(p, x.rows, x.cols);
  const std::int64_t d = x.cols;
  if (initial.size() != static_cast<std::size_t>(k * d)) {
    throw usage_error("k-means (CPU): " + std::to_string(initial.size()) + " initial values for k x d = " +
                      std::to_string(k * d));
  }
  require_finite_host(x);
  kmeans_cpu_result r;
  r.centroids = initial;
  r.labels.resize(static_cast<std::size_t>(x.rows));
  // [snippet:kmeans_cpu_iteration]
  while (r.iterations < max_iterations) {
    const pass_result pass = assign_and_sum(x, r.centroids, k, r.labels, nullptr);
    double largest_squared_shift = 0;
    for (int a = 0; a < k; ++a) {
      const auto count = pass.counts[static_cast<std::size_t>(a)];
      if (count == 0) continue;  // an empty cluster keeps its centroid
      double shift = 0;
      for (std::int64_t j = 0; j < d; ++j) {
        const std::size_t e = static_cast<std::size_t>(a * d + j);
        const auto moved = static_cast<float>(pass.sums[e] / static_cast<double>(count));
        const double t = static_cast<double>(moved) - r.centroids[e];
        shift += t * t;
        r.centroids[e] = moved;
      }
      largest_squared_shift = std::max(largest_squared_shift, shift);
    }
    ++r.iterations;
    if (tolerance > 0 && std::sqrt(largest_squared_shift) <= tolerance) break;
  }
  // [/snippet:kmeans_cpu_iteration]
  const pass_result last = assign_and_sum(x, r.centroids, k, r.labels, nullptr);
  r.inertia = last.inertia;
  r.counts = last.counts;
  return r;
}

std::vector<float> kmeans_plus_plus_cpu(const host_features& x, int k, std::uint64_t seed,
                                        std::vector<std::int64_t>* chosen_rows) {
  kmeans_params p;
  p.k = k;
  validate_kmeans(p, x.rows, x.cols);
  const std::int64_t n = x.rows;
  const int d = static_cast<int>(x.cols);
  std::vector<float> centres(static_cast<std::size_t>(k) * static_cast<std::size_t>(d));
  std::vector<std::int64_t> rows(static_cast<std::size_t>(k));
  auto take = [&](int round, std::int64_t row) {
    rows[static_cast<std::size_t>(round)] = row;
    std::copy_n(x.values.begin() + row * d, d, centres.begin() + static_cast<std::int64_t>(round) * d);
  };
  take(0, kmeans_plus_plus_first(seed, n));
  std::vector<float> weight(static_cast<std::size_t>(n));
  for (int round = 1; round < k; ++round) {
    const float* newest = centres.data() + static_cast<std::int64_t>(round - 1) * d;
    double best_key = HUGE_VAL;
    std::int64_t best_row = n;
#pragma omp parallel
    {
      double key_here = HUGE_VAL;
      std::int64_t row_here = n;
#pragma omp for schedule(static)
      for (std::int64_t i = 0; i < n; ++i) {
        float w = squared_distance_exact(x.values.data() + i * d, newest, d);
        if (round > 1) w = std::min(weight[static_cast<std::size_t>(i)], w);
        weight[static_cast<std::size_t>(i)] = w;
        const double key = kmeans_plus_plus_key(seed, round, i, w);
        if (key < key_here || (key == key_here && i < row_here)) {
          key_here = key;
          row_here = i;
        }
      }
#pragma omp critical
      if (key_here < best_key || (key_here == best_key && row_here < best_row)) {
        best_key = key_here;
        best_row = row_here;
      }
    }
    take(round, best_row < n ? best_row : 0);
  }
  if (chosen_rows != nullptr) *chosen_rows = rows;
  return centres;
}

}  // namespace gpulab::ml

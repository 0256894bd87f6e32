// SPDX-License-Identifier: MIT
// The seeded data of linear_data.hpp: X = G diag(s) V^T, then y from a known model.
#include "gpulab/ml/linear_data.hpp"

#include <Eigen/Core>
#include <Eigen/QR>
#include <cmath>
#include <numbers>
#include <string>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab::ml {

namespace {

// Which seeded stream each quantity draws from, so they do not overlap.
enum stream_id : std::uint64_t { gaussian_g = 1, rotation = 2, weights = 3, noise = 4, labels = 5 };

void require_shape(std::int64_t rows, int features, const char* what) {
  if (rows < 1 || features < 1) {
    throw usage_error(std::string(what) + ": rows and features must be at least 1 (got " + std::to_string(rows) +
                      " x " + std::to_string(features) + ")");
  }
}

// X = G diag(s) V^T (float, column-major), s geometric from 1 to 1 / condition.
void make_conditioned_features(std::int64_t rows, int features, double condition, std::uint64_t seed,
                               std::vector<float>& x, std::vector<double>& singular_values) {
  if (!(condition >= 1)) throw usage_error("the condition number must be >= 1 (got " + std::to_string(condition) + ")");
  const int d = features;
  singular_values.resize(static_cast<std::size_t>(d));
  for (int k = 0; k < d; ++k) {
    singular_values[static_cast<std::size_t>(k)] = d == 1 ? 1.0 : std::pow(condition, -double(k) / double(d - 1));
  }
  // V: the Q of a Gaussian d x d matrix is a random orthogonal matrix.
  Eigen::MatrixXd gauss(d, d);
  for (int i = 0; i < d; ++i) {
    for (int j = 0; j < d; ++j) gauss(i, j) = seeded_normal(seed, rotation, std::uint64_t(i) * d + j);
  }
  const Eigen::MatrixXd v = Eigen::HouseholderQR<Eigen::MatrixXd>(gauss).householderQ();
  Eigen::MatrixXd mix = Eigen::Map<const Eigen::VectorXd>(singular_values.data(), d).asDiagonal() * v.transpose();
  const std::size_t count = static_cast<std::size_t>(rows) * static_cast<std::size_t>(d);
  std::vector<float> g(count);
  const auto total = static_cast<std::int64_t>(count);
#pragma omp parallel for schedule(static)
  for (std::int64_t e = 0; e < total; ++e) g[static_cast<std::size_t>(e)] = float(seeded_normal(seed, gaussian_g, std::uint64_t(e)));
  x.resize(count);
  Eigen::Map<const Eigen::MatrixXf> gm(g.data(), rows, d);
  Eigen::Map<Eigen::MatrixXf>(x.data(), rows, d).noalias() = gm * mix.cast<float>();  // Eigen's GEMM, OpenMP
}

}  // namespace

double seeded_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  const std::uint64_t h = splitmix64(seed ^ splitmix64(stream * 0x9E3779B97F4A7C15ull ^ splitmix64(index)));
  return double(h >> 11) * 0x1.0p-53;
}

double seeded_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index) {
  // Box-Muller on two uniforms of the same index (streams 2k and 2k + 1 of `stream`).
  const double u1 = 1.0 - seeded_uniform(seed, 2 * stream, index);  // (0, 1]: log is finite
  const double u2 = seeded_uniform(seed, 2 * stream + 1, index);
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

linear_dataset make_linear_data(const linear_data_params& p) {
  require_shape(p.rows, p.features, "linear data");
  linear_dataset out;
  out.rows = p.rows;
  out.features = p.features;
  make_conditioned_features(p.rows, p.features, p.condition, p.seed, out.x, out.singular_values);
  out.true_weights.resize(static_cast<std::size_t>(p.features));
  for (int j = 0; j < p.features; ++j) {
    out.true_weights[static_cast<std::size_t>(j)] = 2.0 * seeded_uniform(p.seed, weights, std::uint64_t(j)) - 1.0;
  }
  out.true_intercept = p.intercept;
  out.y.resize(static_cast<std::size_t>(p.rows));
  const std::int64_t n = p.rows;
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    double yi = p.intercept + p.noise * seeded_normal(p.seed, noise, std::uint64_t(i));
    for (int j = 0; j < p.features; ++j) {
      yi += double(out.x[std::size_t(i) + std::size_t(j) * std::size_t(n)]) * out.true_weights[std::size_t(j)];
    }
    out.y[std::size_t(i)] = float(yi);
  }
  return out;
}

linear_dataset make_pca_data(std::int64_t rows, int features, double condition, std::uint64_t seed) {
  require_shape(rows, features, "PCA data");
  linear_dataset out;
  out.rows = rows;
  out.features = features;
  make_conditioned_features(rows, features, condition, seed, out.x, out.singular_values);
  return out;
}

classification_dataset make_classification_data(const classification_params& p) {
  require_shape(p.rows, p.features, "classification data");
  classification_dataset out;
  out.rows = p.rows;
  out.features = p.features;
  std::vector<double> unused;
  make_conditioned_features(p.rows, p.features, 1.0, p.seed, out.x, unused);  // condition 1: standard Gaussian features
  // w: a random direction of length `separation`.
  out.true_weights.resize(static_cast<std::size_t>(p.features));
  double norm = 0;
  for (int j = 0; j < p.features; ++j) {
    const double w = seeded_normal(p.seed, weights, std::uint64_t(j));
    out.true_weights[std::size_t(j)] = w;
    norm += w * w;
  }
  for (double& w : out.true_weights) w *= p.separation / std::sqrt(norm);
  out.true_intercept = p.intercept;
  out.y.resize(static_cast<std::size_t>(p.rows));
  const std::int64_t n = p.rows;
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    double z = p.intercept;
    for (int j = 0; j < p.features; ++j) {
      z += double(out.x[std::size_t(i) + std::size_t(j) * std::size_t(n)]) * out.true_weights[std::size_t(j)];
    }
    const double probability = 1.0 / (1.0 + std::exp(-z));
    out.y[std::size_t(i)] = seeded_uniform(p.seed, labels, std::uint64_t(i)) < probability ? 1.0f : 0.0f;
  }
  return out;
}

}  // namespace gpulab::ml

// SPDX-License-Identifier: MIT
// Seeded synthetic data with a known truth, for linear regression, logistic
// regression and PCA: the test of a model is that it finds what was planted.
//
// Layout: X is rows x features, float32, COLUMN-major (feature j of row i at
// x[i + j * rows]). Why column-major: cuSOLVER's QR (geqrf) and SVD read only
// column-major matrices, and the kernels that give one thread per row (the fused
// logistic-regression pass, the centring) then read each feature's column with
// neighbouring threads on neighbouring floats: coalesced.
//
// The conditioning of X is chosen: X = G diag(s) V^T, G Gaussian (rows x
// features; its columns are nearly orthonormal once scaled, cond(G) ~ 1 +
// 2 sqrt(features / rows)), V a random orthogonal matrix and s geometric from
// 1 down to 1 / condition. So cond(X) ~ condition: the same recipe makes
// well-conditioned data (10) and ill-conditioned data (1e3, 1e4).
#pragma once

#include <cstdint>
#include <vector>

namespace gpulab::ml {

struct linear_data_params {
  std::int64_t rows = 0;
  int features = 0;
  double condition = 10;   // cond(X), approximately (see above)
  double noise = 0.01;     // standard deviation of the Gaussian noise added to y
  double intercept = 0.5;  // b in y = X w + b + noise
  std::uint64_t seed = 2026;
};

struct linear_dataset {
  std::int64_t rows = 0;
  int features = 0;
  std::vector<float> x;                  // rows x features, column-major
  std::vector<float> y;                  // rows
  std::vector<double> true_weights;      // w: features values, uniform in [-1, 1)
  double true_intercept = 0;             // b
  std::vector<double> singular_values;   // s: the planted spectrum of X's construction (descending)
};

// y = X w + b + noise * N(0, 1), computed in double from the float X, then rounded.
// Throws usage_error for rows < 1, features < 1 or condition < 1.
linear_dataset make_linear_data(const linear_data_params& p);

// PCA's data: the same construction without y. Its principal axes are V's
// columns and the variances s_k^2 (descending, distinct: the top components are
// well defined).
linear_dataset make_pca_data(std::int64_t rows, int features, double condition, std::uint64_t seed);

struct classification_params {
  std::int64_t rows = 0;
  int features = 0;
  double separation = 4;   // |w|: larger means a sharper boundary (fewer labels on the wrong side)
  double intercept = 0.25;
  std::uint64_t seed = 2026;
};

struct classification_dataset {
  std::int64_t rows = 0;
  int features = 0;
  std::vector<float> x;              // rows x features, column-major, standard Gaussian features
  std::vector<float> y;              // 0 or 1
  std::vector<double> true_weights;  // the boundary: x . w + b = 0
  double true_intercept = 0;
};

// Two classes with a known linear boundary: y_i = 1 with probability
// sigmoid(x_i . w + b) (the logistic model itself), so the classes overlap
// near the boundary and the maximum-likelihood fit exists (no separable data,
// whose best weights are infinite).
classification_dataset make_classification_data(const classification_params& p);

// Seeded standard normal and uniform numbers from (seed, stream, index): the
// same value on any machine and any number of threads.
double seeded_normal(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);
double seeded_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t index);  // [0, 1)

}  // namespace gpulab::ml

// SPDX-License-Identifier: MIT
// The CPU baselines of linear regression, logistic regression and PCA: the
// same algorithms and iterations as the GPU versions, in double, with Eigen
// and OpenMP on every core. They are the references the GPU is verified
// against, and the baselines the report's speed-up is measured from.
//
// X is rows x features, float, column-major (linear_data.hpp says why); the
// arithmetic is in double, so these are also the accurate answers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gpulab/ml/regression_params.hpp"

namespace gpulab::ml {

// ------------------------------------------------------------ input checks (shared with the GPU)
// The first problem of X, as a one-line message, or nothing: a column with a NaN
// or an infinity ("column 3 holds 2 NaN or Inf values, the first at row 17") or
// a constant column ("column 5 is constant (every value is 2.5): it carries no
// information and makes X^T X singular").
std::optional<std::string> feature_problem(std::span<const float> x, std::int64_t rows, int features);
// The first label that is not 0 or 1, as a message, or nothing.
std::optional<std::string> label_problem(std::span<const float> y);
// Throws usage_error when the shapes do not fit: x holds rows * features values,
// y holds rows, and rows >= features + 1 (the intercept is a parameter too)
// unless `underdetermined_ok` (ridge > 0 with the normal equations: X^T X + ridge I
// is positive definite whatever the rows).
void require_regression_shape(std::size_t x_size, std::size_t y_size, std::int64_t rows, int features,
                              bool underdetermined_ok, const char* what);

// ------------------------------------------------------------ linear regression
struct cpu_linear_fit {
  std::vector<double> weights;  // features values
  double intercept = 0;
  int rank = 0;                 // the SVD's numerical rank; features for the other methods
};
// Throws usage_error for bad shapes or input (as the GPU fit does), numerical_error
// when the normal equations are not positive definite.
cpu_linear_fit fit_linear_cpu(std::span<const float> x, std::int64_t rows, int features, std::span<const float> y,
                              const linear_regression_params& p);
// cond(X - mean(X)), the centred data's condition number, from the eigenvalues of
// its Gram matrix in double (what the tolerances of the GPU fits are scaled by).
double centered_condition_number(std::span<const float> x, std::int64_t rows, int features);
// The coefficient of determination 1 - |y - X w - b|^2 / |y - mean(y)|^2.
double r_squared(std::span<const float> x, std::int64_t rows, int features, std::span<const float> y,
                 std::span<const double> weights, double intercept);

// ------------------------------------------------------------ PCA
struct cpu_pca_fit {
  std::vector<double> components;                // features x k, column-major, orthonormal columns
  std::vector<double> explained_variance;        // k, descending
  std::vector<double> explained_variance_ratio;  // k: each variance over the total
  std::vector<double> mean;                      // features
};
cpu_pca_fit fit_pca_cpu(std::span<const float> x, std::int64_t rows, int features, int components);
// The largest principal angle (radians) between the spans of the columns of a and b
// (both features x k, column-major, orthonormalised here first): 0 for the same
// subspace whatever the signs and order inside it, pi/2 when a direction of one is
// orthogonal to the other.
double largest_principal_angle(std::span<const double> a, std::span<const double> b, int features, int k);

// ------------------------------------------------------------ logistic regression
struct cpu_logistic_fit {
  std::vector<double> coefficients;  // features weights, then the intercept
  std::vector<double> loss;          // iterations + 1: at the start of each iteration, then at the end
  std::vector<double> accuracy;      // likewise: the fraction of rows with (x . w + b > 0) == y
};
cpu_logistic_fit fit_logistic_cpu(std::span<const float> x, std::int64_t rows, int features, std::span<const float> y,
                                  const logistic_regression_params& p);

// The longest gradient-descent step that lowers the log-loss at every iteration on this X:
// 1 / L, where L = lambda_max([X 1]^T [X 1] / rows) / 4 + l2 bounds the loss's curvature
// (the sigmoid's slope is at most 1/4). Standard-scaled columns give L near 1/4 and allow
// steps near 4; a column in the thousands gives L near 10^6 / 4, and a step of 1 there
// overshoots further at every iteration. From the Gram matrix of X (one pass, in double).
// The GPU's version (logistic_regression.hpp) takes X where it lies, on the device.
double logistic_stable_step(std::span<const float> x, std::int64_t rows, int features, double l2);

// The same step from G = [X 1]^T [X 1] / rows, given as size x size doubles, column-major
// (size = features + 1; the lower triangle is read): what both versions end with.
double logistic_step_from_gram(std::span<const double> gram, int size, double l2);

}  // namespace gpulab::ml

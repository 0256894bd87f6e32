// SPDX-License-Identifier: MIT
// Binary logistic regression on the GPU, two ways (regression_params.hpp):
//
//   gradient_descent  per iteration ONE fused pass over X: each thread takes rows,
//                     computes sigmoid(x . w + b) - y and adds x * (that) to its own
//                     partial gradient in registers, with the log-loss and the
//                     correct count; one partial per block, then one small kernel
//                     sums them and takes the step. Memory-bound: X is read once
//                     per iteration and nothing else is written.
//   newton            per iteration the same pass (gradient, loss), one pass that
//                     writes Z = sqrt(p (1 - p)) [X 1], the Hessian Z^T Z by SYRK,
//                     and a (features + 1)^2 Cholesky solve: a few iterations reach
//                     what a hundred gradient steps do not (the algorithm beats tuning).
//
// The loss and accuracy are recorded at the start of every iteration and once
// more at the end (iterations + 1 values), on the device.
// The fused pass keeps a row and the partial gradient in registers: at most 64 features.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <memory>

#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/layout.hpp"
#include "gpulab/ml/regression_params.hpp"

namespace gpulab::ml {

inline constexpr int logistic_max_features = 64;

// Gradient descent's longest stable step on this X, 1 / (lambda_max([X 1]^T [X 1] / rows) / 4 + l2)
// (regression_cpu.hpp says why), with X where it lies: the Gram matrix X^T X by row chunks and
// X's column sums on the GPU, the (features + 1)^2 eigenproblem on the host. Waits for the
// stream. X: column-major, leading dimension rows. Throws usage_error for another layout.
double logistic_stable_step(resources& res, linalg::matrix_view<const float> x, double l2);

class logistic_regression {
 public:
  // Throws usage_error for features outside 1..64, rows < 1, iterations < 1,
  // a negative l2 or learning rate.
  logistic_regression(resources& res, std::int64_t rows, int features, logistic_regression_params params);
  ~logistic_regression();
  logistic_regression(const logistic_regression&) = delete;
  logistic_regression& operator=(const logistic_regression&) = delete;

  // X: rows x features, column-major (leading dimension rows); y: rows labels, 0 or 1.
  // With params.check_input it first scans X and y (and waits): usage_error naming the column
  // of X that holds NaN/Inf or is constant, or the first label that is not 0 or 1 (NaN
  // included); then it only enqueues.
  void fit_async(linalg::matrix_view<const float> x, cuda::std::span<const float> y);
  void check() const;  // waits; numerical_error when Newton's Hessian was not positive definite

  [[nodiscard]] float* coefficients();  // features weights, then the intercept
  [[nodiscard]] float* loss();          // iterations + 1
  [[nodiscard]] float* accuracy();      // iterations + 1
  [[nodiscard]] int features() const noexcept;
  [[nodiscard]] int iterations() const noexcept;
  // Bytes of X and y one fused pass reads (the gradient-descent report's bytes per iteration).
  [[nodiscard]] double bytes_per_pass() const noexcept;

  // probabilities[i] = sigmoid(x_i . w + b), X column-major (any leading dimension).
  // Throws usage_error when X has not the fitted features or probabilities has not X's rows.
  void predict_proba_async(linalg::matrix_view<const float> x, cuda::std::span<float> probabilities);

 struct state;  // the buffers and solvers (src/ml/logistic_regression.cu); public so its helpers can name it

 private:
  std::unique_ptr<state> state_;
};

}  // namespace gpulab::ml

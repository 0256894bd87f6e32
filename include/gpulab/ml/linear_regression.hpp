// SPDX-License-Identifier: MIT
// Linear regression (least squares, optional ridge) on the GPU, three ways side
// by side (regression_params.hpp): the normal equations, QR and SVD.
//
// Like the solvers of module 3 (linalg/solver.hpp) it is built once for a
// size, with all its scratch memory, and fit_async only enqueues work, so a
// fit can be timed. It takes the device's cuBLAS and cuSOLVER handles from
// `resources` (linalg::blas, linalg::solver): nothing global, nothing per call.
//
//   normal_equations  [X 1]^T [X 1] by one SYRK (+ X^T [y 1] by one GEMM), then a
//                     (features + 1)^2 Cholesky solve. Reads X twice; the error of
//                     the weights grows as cond(X)^2 * float epsilon.
//   qr                [X - mean | y - mean] = Q R (params.qr: our tall-skinny tree, or
//                     geqrf + ormqr on a centred copy), R w = Q^T y_c (trsv). The error
//                     grows as cond(X) * epsilon.
//   svd               as qr, then R = U S V^T (a features^2 SVD): w = V S^+ U^T Q^T y_c,
//                     singular values below svd_cutoff * the largest dropped, so a
//                     rank-deficient X gets the minimum-norm answer and its rank.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <memory>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/layout.hpp"
#include "gpulab/ml/regression_params.hpp"

namespace gpulab::ml {

struct linear_model {
  std::vector<float> weights;  // features values
  float intercept = 0;
  int rank = 0;                // svd: the numerical rank; the others: features
};

class linear_regression {
 public:
  // Throws usage_error for rows < features + 1 (unless ridge > 0 with the normal
  // equations), a ridge with QR, features < 1 or sizes beyond cuSOLVER's int.
  linear_regression(resources& res, std::int64_t rows, int features, linear_regression_params params);
  ~linear_regression();
  linear_regression(const linear_regression&) = delete;
  linear_regression& operator=(const linear_regression&) = delete;

  // X: rows x features, column-major, on the device; y: rows. With
  // params.check_input it first scans X for NaN/Inf and constant columns (and
  // waits); then it only enqueues. Throws usage_error when the shapes differ from
  // the constructor's.
  void fit_async(linalg::matrix_view<const float> x, cuda::std::span<const float> y);
  // Waits; throws numerical_error when the factorisation failed (the normal
  // equations of an ill-conditioned or rank-deficient X are not positive definite).
  void check() const;

  // The fitted model on the device: features weights, then the intercept.
  [[nodiscard]] cuda::std::span<const float> coefficients() const;
  [[nodiscard]] cuda::std::span<const int> rank() const;  // one int
  [[nodiscard]] float* coefficients_data();               // for the runner's poison
  [[nodiscard]] int* rank_data();
  [[nodiscard]] linear_model model() const;  // downloads (waits)

  // predictions = X w + b for any number of rows. Throws usage_error when X does
  // not have the fitted number of features or predictions has not X's rows.
  void predict_async(linalg::matrix_view<const float> x, cuda::std::span<float> predictions);

  [[nodiscard]] std::int64_t rows() const noexcept;
  [[nodiscard]] int features() const noexcept;

 private:
  struct state;  // the method's buffers and solvers (src/ml/linear_regression.cu)
  std::unique_ptr<state> state_;
};

}  // namespace gpulab::ml

// SPDX-License-Identifier: MIT
// Principal component analysis on the GPU, two ways (regression_params.hpp):
//
//   covariance_eigen  centre X, C = X_c^T X_c / (rows - 1) by one SYRK, then the
//                     eigenvectors of the small C (syevd). One pass to centre, one
//                     for the SYRK: the fast way, but C squares X's condition, so
//                     the smallest components lose digits.
//   qr_svd            the thin SVD of X_c without forming C: X_c = Q R (params.qr),
//                     R = U S V^T (a features^2 SVD); the axes are V and the
//                     variances S^2 / (rows - 1). Slower (a Householder QR of
//                     X), accurate to cond(X) * epsilon.
//
// Built once for a size (all scratch allocated here); fit_async only enqueues.
// The components are signed so that each one's largest entry is positive
// (scikit-learn's convention, so two runs give the same signs).
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <memory>

#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/layout.hpp"
#include "gpulab/ml/regression_params.hpp"

namespace gpulab::ml {

class pca {
 public:
  // Throws usage_error for components outside 1..features, rows < 2, or (qr_svd) rows < features.
  pca(resources& res, std::int64_t rows, int features, pca_params params);
  ~pca();
  pca(const pca&) = delete;
  pca& operator=(const pca&) = delete;

  // X: rows x features, column-major, leading dimension rows. With params.check_input
  // it first scans X for NaN/Inf and constant columns (and waits): usage_error naming the
  // column (and its first bad row).
  void fit_async(linalg::matrix_view<const float> x);
  // Waits; numerical_error when syevd or the SVD failed. The one-pass fit has nothing to
  // report: its one-block solver has no iteration that can fail to converge, and a NaN in
  // X (with check_input off) comes out as NaN components.
  void check() const;

  // On the device: the axes (features x components, column-major, orthonormal
  // columns, largest variance first), their variances and their share of the total.
  [[nodiscard]] float* components();
  [[nodiscard]] float* explained_variance();
  [[nodiscard]] float* explained_variance_ratio();
  [[nodiscard]] const float* mean() const;  // features
  [[nodiscard]] int component_count() const noexcept;
  [[nodiscard]] int features() const noexcept;

  // out (rows x components, column-major) = (X - mean) V_k, for X of any rows.
  // Throws usage_error when X has not the fitted features or out has the wrong shape.
  void transform_async(linalg::matrix_view<const float> x, linalg::matrix_view<float> out);

 private:
  struct state;
  std::unique_ptr<state> state_;
};

}  // namespace gpulab::ml

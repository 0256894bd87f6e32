// SPDX-License-Identifier: MIT
// Private to src/ml: the steps that linear regression (QR, SVD) and PCA share.
// Every function enqueues on the stream it is given unless it says it waits.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <string>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/solver.hpp"
#include "gpulab/linalg/workspace.hpp"

namespace gpulab::ml::detail {

// The grid of the column kernels (kernels/ml/centering.cuh): blockIdx.y is the
// column, and enough x blocks that all columns together fill the GPU a few times.
dim3 column_grid(std::int64_t rows, int columns);

// means[j] of the columns of [X | extra] (extra = nullptr: X alone), through
// double sums in `sums` (columns doubles, zeroed here).
void column_means_async(const float* x, std::int64_t rows, int x_columns, const float* extra, double* sums,
                        float* means, cuda::stream_ref s);
// out = [X | extra] - means (rows x columns, column-major, leading dimension rows).
void center_columns_async(const float* x, std::int64_t rows, int x_columns, const float* extra, const float* means,
                          float* out, cuda::stream_ref s);

// One pass over X (column-major) on the GPU; waits. Throws usage_error
// "<what>: column 3 holds 2 NaN or Inf values, the first at row 17" or
// "<what>: column 5 is constant (...)": the same words as feature_problem().
void require_usable_features(const float* x, std::int64_t rows, int features, const std::string& what,
                             cuda::stream_ref s);
// Throws usage_error "<what>: label 42 is 2.000000: binary labels must be 0 or 1"; waits.
void require_binary_labels(const float* y, std::int64_t rows, const std::string& what, cuda::stream_ref s);

// X - mean(X) = Q R by Householder reflectors (geqrf), in a buffer of its own,
// optionally with y - mean(y) beside it turned into Q^T (y - mean(y)) (ormqr).
// Q is never formed: its reflectors stay below R's diagonal (the lesson of
// geqrf + ormqr over orgqr: forming the rows x features Q would write X again).
class centered_qr {
 public:
  centered_qr(linalg::solver_handle& solver, linalg::blas_handle& blas, std::int64_t rows, int features, bool with_y);
  // x: rows x features, column-major (leading dimension rows); y: rows (with_y) or nullptr.
  void factor_async(const float* x, const float* y);
  // Q^T (y - mean(y)), first `features` entries <- R^-1 of themselves (trsv): the least-squares weights.
  void solve_with_r_async();
  // The features x features R, column-major, zeros below the diagonal.
  void copy_r_async(float* r);
  void check() const;  // waits; numerical_error if geqrf or ormqr reported an argument error

  [[nodiscard]] const float* means() const { return means_.data(); }    // X's, then y's (with_y)
  [[nodiscard]] const float* q_transpose_y() const { return centered_.data() + static_cast<std::int64_t>(d_) * n_; }
  [[nodiscard]] std::int64_t rows() const { return n_; }
  [[nodiscard]] int features() const { return d_; }

 private:
  linalg::solver_handle* solver_;
  linalg::blas_handle* blas_;
  std::int64_t n_;
  int d_;
  bool with_y_;
  device_buffer<double> sums_;
  device_buffer<float> means_, centered_, tau_;  // centered_: [Xc | yc], rows x (features + with_y)
  linalg::solver_workspace workspace_;
  device_buffer<int> info_;  // [0] geqrf, [1] ormqr
};

}  // namespace gpulab::ml::detail

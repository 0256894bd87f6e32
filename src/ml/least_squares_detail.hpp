// SPDX-License-Identifier: MIT
// Private to src/ml: the steps that linear regression (QR, SVD) and PCA share.
// Every function enqueues on the stream it is given unless it says it waits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <memory>
#include <string>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/solver.hpp"
#include "gpulab/linalg/workspace.hpp"
#include "gpulab/ml/regression_params.hpp"

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

class tall_skinny_qr;  // tall_skinny_qr.hpp (CUDA sources only)

// The floats centered_qr allocates for rows x features (and y), at most: the centred
// copy (geqrf; its workspace aside) or the tree's stacked Rs (tall_skinny).
std::size_t centered_qr_floats_at_most(std::int64_t rows, int features, bool with_y, qr_factorization algorithm);

// X - mean(X) = Q R by Householder reflectors, optionally with y - mean(y) turned
// into Q^T (y - mean(y)). Q is never formed (forming the rows x features Q would
// write X again). Two ways (regression_params.hpp, qr_factorization):
//  - tall_skinny: the tree of tall_skinny_qr.hpp on [X - mean | y - mean], the
//    centring done as X is loaded: R of the c = features (+ 1) columns, whose last
//    column is Q^T y_c when y is given. No copy of X.
//  - geqrf: a centred copy [X_c | y_c], geqrf on X_c (R above the diagonal, the
//    reflectors below it), ormqr on y_c.
class centered_qr {
 public:
  // tall_skinny with more than tall_skinny_qr's columns falls back to geqrf.
  centered_qr(linalg::solver_handle& solver, linalg::blas_handle& blas, std::int64_t rows, int features, bool with_y,
              qr_factorization algorithm);
  ~centered_qr();
  centered_qr(const centered_qr&) = delete;
  centered_qr& operator=(const centered_qr&) = delete;
  // x: rows x features, column-major (leading dimension rows); y: rows (with_y) or nullptr.
  void factor_async(const float* x, const float* y);
  // Q^T (y - mean(y)), first `features` entries <- R^-1 of themselves (trsv): the least-squares weights.
  void solve_with_r_async();
  // The features x features R, column-major, zeros below the diagonal.
  void copy_r_async(float* r);
  void check() const;  // waits; numerical_error if geqrf or ormqr reported an argument error

  [[nodiscard]] const float* means() const { return means_.data(); }    // X's, then y's (with_y)
  [[nodiscard]] const float* q_transpose_y() const;                      // features values (with_y)
  [[nodiscard]] std::int64_t rows() const { return n_; }
  [[nodiscard]] int features() const { return d_; }

 private:
  linalg::solver_handle* solver_;
  linalg::blas_handle* blas_;
  std::int64_t n_;
  int d_;
  bool with_y_;
  device_buffer<double> sums_;
  device_buffer<float> means_;
  std::unique_ptr<tall_skinny_qr> tree_;  // tall_skinny; nullptr: geqrf
  // geqrf only
  device_buffer<float> centered_, tau_;  // centered_: [Xc | yc], rows x (features + with_y)
  linalg::solver_workspace workspace_;
  device_buffer<int> info_;  // [0] geqrf, [1] ormqr

  // Where R lies: the tree's (leading dimension features + with_y), or the top of geqrf's
  // factored matrix (leading dimension rows).
  [[nodiscard]] float* r_data();
  [[nodiscard]] const float* r_data() const;
  [[nodiscard]] std::int64_t r_ld() const;
};

}  // namespace gpulab::ml::detail

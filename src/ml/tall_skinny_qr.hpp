// SPDX-License-Identifier: MIT
// Private to src/ml (CUDA sources only: it brings the kernel's types): R of a tall,
// skinny matrix by the tree of kernels/ml/tall_skinny_qr.cuh (TSQR). Least squares
// (with y as the last column) and PCA's thin SVD need R alone.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "kernels/ml/tall_skinny_qr.cuh"

namespace gpulab::ml::detail {

// The tree is planned once, for rows x columns: level 0 reads the matrix with as
// many blocks as are resident on all SMs at once (one wave, an equal share of the
// rows each); every later level gives each block about fan_in stacked Rs (rounded
// down to whole panels: a block may take part of an R, rows are rows), until one
// block writes the final R.
class tall_skinny_qr {
 public:
  static constexpr int max_columns = kernels::tsqr_max_columns;
  // 64 rows a panel (168 registers, 4 blocks an SM for 65 columns): 2.65 ms for 1M x 65 on the
  // H200 against 4.09 ms with 32 (more blocks, but twice the barriers per row); fan_in 8: 2.94 ms.
  static constexpr int panel_rows = 64;
  static constexpr int fan_in = 4;
  // Level 0 never has more blocks than this (a wave on today's largest GPUs), so that the
  // scratch has a bound without asking the device (scratch_floats_at_most).
  static constexpr int max_level0_blocks = 1024;

  // The floats the tree allocates for rows x columns, at most (the stacked Rs and R).
  static std::size_t scratch_floats_at_most(std::int64_t rows, int columns);

  tall_skinny_qr(std::int64_t rows, int columns, cuda::stream_ref s);
  // R of a (a.rows == rows, a.columns() == columns): columns x columns, column-major,
  // zeros below the diagonal, R[j][j] of either sign (Householder's; R^T R = A^T A).
  void factor_async(const kernels::tall_matrix& a, cuda::stream_ref s);
  [[nodiscard]] float* r() { return r_.data(); }
  [[nodiscard]] const float* r() const { return r_.data(); }
  [[nodiscard]] int columns() const { return columns_; }
  [[nodiscard]] const std::vector<int>& blocks_per_level() const { return blocks_; }  // the tree's shape

 private:
  std::int64_t rows_;
  int columns_;
  std::vector<std::int64_t> rows_per_block_;  // per level
  std::vector<int> blocks_;                   // per level; the last is 1
  std::size_t shared_bytes_;
  device_buffer<float> levels_[2];  // the stacked Rs, level after level, alternating
  device_buffer<float> r_;
};

}  // namespace gpulab::ml::detail

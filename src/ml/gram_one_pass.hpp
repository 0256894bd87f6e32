// SPDX-License-Identifier: MIT
// Private to src/ml (CUDA sources only: it brings the kernel's types): the one-pass
// Gram of kernels/ml/gram_one_pass.cuh, G = Z^T Z with Z = [X - shift | 1 | e], X read
// once. The normal equations take [X 1 y]; PCA's covariance takes X - means.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>

#include "gpulab/core/memory.hpp"
#include "kernels/ml/gram_one_pass.cuh"

namespace gpulab::ml::detail {

// The launch shape is asked from the device: as many blocks as fit on all SMs at
// once (one wave), each taking an equal share of the rows.
class one_pass_gram {
 public:
  // Z's multiplied columns are at most max_columns (16 tiles of 8 a side; see the kernel).
  static constexpr int max_columns = kernels::gram_max_tiles * kernels::gram_tile;

  // columns: those the kernel multiplies, z.multiplied_columns() (a folded ones column is not one).
  one_pass_gram(std::int64_t rows, int columns, cuda::stream_ref s);
  // out (z.columns() x z.columns(), column-major, leading dimension ld, both triangles) = alpha G.
  void compute_async(const kernels::augmented_columns& z, double alpha, float* out, int ld, cuda::stream_ref s);
  void compute_async(const kernels::augmented_columns& z, double alpha, double* out, int ld, cuda::stream_ref s);

 private:
  void partials_async(const kernels::augmented_columns& z, cuda::stream_ref s);

  std::int64_t rows_;
  int columns_, tiles_, blocks_;
  std::size_t shared_bytes_;
  std::int64_t rows_per_block_;
  device_buffer<float> partials_;  // one partial G a block
};

}  // namespace gpulab::ml::detail

// SPDX-License-Identifier: MIT
// The one-pass Gram's launch shape, asked from the device (gram.hpp, kernels/ml/gram_one_pass.cuh).
#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gram_one_pass.hpp"

namespace gpulab::ml::detail {

one_pass_gram::one_pass_gram(std::int64_t rows, int columns, cuda::stream_ref s) : rows_(rows), columns_(columns) {
  if (columns < 1 || columns > max_columns) {
    throw usage_error("the one-pass Gram takes 1 to " + std::to_string(max_columns) + " columns (got " +
                      std::to_string(columns) + ")");
  }
  if (rows < 1) throw usage_error("the one-pass Gram needs at least one row");
  tiles_ = (columns + kernels::gram_tile - 1) / kernels::gram_tile;
  shared_bytes_ = sizeof(float) * static_cast<std::size_t>(kernels::gram_shared_floats(tiles_));
  // More than the default 48 KiB of dynamic shared memory for wide Z (the ring of stages).
  for (const auto kernel : {kernels::gram_partials_one_pass<false, false>, kernels::gram_partials_one_pass<true, false>,
                            kernels::gram_partials_one_pass<false, true>, kernels::gram_partials_one_pass<true, true>}) {
    allow_dynamic_shared_memory(kernel, shared_bytes_);
  }
  // All blocks resident at once (one wave), and never more blocks than stages of rows.
  const std::int64_t resident =
      occupancy_grid_size(kernels::gram_partials_one_pass<false, false>, kernels::gram_block_threads, shared_bytes_);
  const std::int64_t stages = (rows + kernels::gram_stage_rows - 1) / kernels::gram_stage_rows;
  const std::int64_t blocks = std::clamp<std::int64_t>(stages, 1, resident);
  rows_per_block_ = (rows + blocks - 1) / blocks;
  blocks_ = static_cast<int>((rows + rows_per_block_ - 1) / rows_per_block_);
  partials_ = device_buffer<float>(static_cast<std::size_t>(blocks_) * kernels::gram_partial_floats(tiles_), s);
}

void one_pass_gram::partials_async(const kernels::augmented_columns& z, cuda::stream_ref s) {
  if (z.rows != rows_ || z.multiplied_columns() != columns_) {
    throw usage_error("the one-pass Gram was built for " + std::to_string(rows_) + " x " + std::to_string(columns_) +
                      ", given " + std::to_string(z.rows) + " x " + std::to_string(z.multiplied_columns()));
  }
  if (z.ones_folded && (!z.ones || z.extra != nullptr)) {
    throw usage_error("the one-pass Gram folds a column of ones only when it is Z's last (ones, no extra column)");
  }
  // [snippet:gram_one_pass]
  const auto launch = [&](auto kernel) {
    kernel<<<blocks_, kernels::gram_block_threads, shared_bytes_, s.get()>>>(z, tiles_, rows_per_block_,
                                                                             partials_.data());
  };
  const bool shifted = z.shift != nullptr;
  if (z.ones_folded) {
    launch(shifted ? kernels::gram_partials_one_pass<true, true> : kernels::gram_partials_one_pass<false, true>);
  } else {
    launch(shifted ? kernels::gram_partials_one_pass<true, false> : kernels::gram_partials_one_pass<false, false>);
  }
  // [/snippet:gram_one_pass]
  GPULAB_CHECK_LAUNCH();
}

namespace {
// The partials' double sum into float (PCA's covariance) or double (the normal equations' system).
template <class Out>
void sum_partials_async(const float* partials, int blocks, int tiles, int columns, bool folded_ones,
                        std::int64_t rows, double alpha, Out* out, int ld, cuda::stream_ref s) {
  const std::int64_t entries = kernels::gram_partial_floats(tiles);
  const dim3 block(kernels::gram_sum_entries, kernels::gram_sum_slices);
  kernels::sum_gram_partials<Out><<<blocks_for(entries, kernels::gram_sum_entries), block, 0, s.get()>>>(
      partials, blocks, tiles, columns, folded_ones, rows, alpha, out, ld);
  GPULAB_CHECK_LAUNCH();
}
}  // namespace

void one_pass_gram::compute_async(const kernels::augmented_columns& z, double alpha, float* out, int ld,
                                  cuda::stream_ref s) {
  partials_async(z, s);
  sum_partials_async(partials_.data(), blocks_, tiles_, columns_, z.ones_folded, rows_, alpha, out, ld, s);
}

void one_pass_gram::compute_async(const kernels::augmented_columns& z, double alpha, double* out, int ld,
                                  cuda::stream_ref s) {
  partials_async(z, s);
  sum_partials_async(partials_.data(), blocks_, tiles_, columns_, z.ones_folded, rows_, alpha, out, ld, s);
}

}  // namespace gpulab::ml::detail

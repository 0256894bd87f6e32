// SPDX-License-Identifier: MIT
// The tree of tall_skinny_qr.hpp: its shape, asked from the device, and its launches.
#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "tall_skinny_qr.hpp"

namespace gpulab::ml::detail {

namespace {
constexpr auto reduce_kernel = kernels::reduce_rows_to_r<tall_skinny_qr::panel_rows>;
unsigned threads_for(int columns) { return static_cast<unsigned>((columns + 31) / 32 * 32); }
}  // namespace

tall_skinny_qr::tall_skinny_qr(std::int64_t rows, int columns, cuda::stream_ref s) : rows_(rows), columns_(columns) {
  if (columns < 1 || columns > max_columns) {
    throw usage_error("the tall-skinny QR takes 1 to " + std::to_string(max_columns) + " columns (got " +
                      std::to_string(columns) + ")");
  }
  // Fewer rows than columns is fine: R's bottom rows stay zero.
  if (rows < 1) throw usage_error("the tall-skinny QR needs at least one row");
  shared_bytes_ = kernels::tsqr_shared_bytes(columns, panel_rows);
  // The kernel's limit, not this tree's: the attribute belongs to the kernel, and a narrower
  // tree built later must not lower it under a wider one that is still in use.
  allow_dynamic_shared_memory(reduce_kernel, kernels::tsqr_shared_bytes(max_columns, panel_rows));
  // Level 0: one wave of blocks, each with at least fan_in x columns rows (fewer rows
  // than that a block would only make the tree deeper), in whole panels.
  const std::int64_t resident =
      std::min<std::int64_t>(max_level0_blocks, occupancy_grid_size(reduce_kernel, static_cast<int>(threads_for(columns)),
                                                                    shared_bytes_));
  const std::int64_t stacked_rows = std::int64_t{fan_in} * columns;
  std::int64_t share = std::max((rows + resident - 1) / resident, stacked_rows);
  share = (share + panel_rows - 1) / panel_rows * panel_rows;
  rows_per_block_.push_back(share);
  blocks_.push_back(static_cast<int>((rows + share - 1) / share));
  // Later levels: about fan_in Rs a block, in whole panels (at least one): each level at least halves the rows.
  const std::int64_t upper_share = std::max<std::int64_t>(panel_rows, stacked_rows / panel_rows * panel_rows);
  while (blocks_.back() > 1) {
    const std::int64_t level_rows = std::int64_t{blocks_.back()} * columns;
    rows_per_block_.push_back(upper_share);
    blocks_.push_back(static_cast<int>((level_rows + upper_share - 1) / upper_share));
  }
  // Even levels go to levels_[0], odd ones to levels_[1]; each level is smaller than the one before.
  const std::size_t r_floats = static_cast<std::size_t>(columns) * columns;
  if (blocks_.size() > 1) levels_[0] = device_buffer<float>(static_cast<std::size_t>(blocks_[0]) * r_floats, s);
  if (blocks_.size() > 2) levels_[1] = device_buffer<float>(static_cast<std::size_t>(blocks_[1]) * r_floats, s);
  r_ = device_buffer<float>(r_floats, s);
}

std::size_t tall_skinny_qr::scratch_floats_at_most(std::int64_t rows, int columns) {
  // Level 0 has at most max_level0_blocks blocks, and at most one per fan_in x columns rows;
  // level 1 at most half as many (each level at least halves the rows); then R.
  const std::int64_t level0 = std::min<std::int64_t>(max_level0_blocks, rows / (std::int64_t{fan_in} * columns) + 1);
  const std::size_t r_floats = static_cast<std::size_t>(columns) * columns;
  return static_cast<std::size_t>(level0 + level0 / 2 + 2) * r_floats;
}

void tall_skinny_qr::factor_async(const kernels::tall_matrix& a, cuda::stream_ref s) {
  if (a.rows != rows_ || a.columns() != columns_) {
    throw usage_error("the tall-skinny QR was built for " + std::to_string(rows_) + " x " + std::to_string(columns_) +
                      ", given " + std::to_string(a.rows) + " x " + std::to_string(a.columns()));
  }
  // [snippet:tall_skinny_qr]
  kernels::tall_matrix level = a;
  for (std::size_t l = 0; l < blocks_.size(); ++l) {
    const bool last = l + 1 == blocks_.size();
    float* out = last ? r_.data() : levels_[l % 2].data();
    const std::int64_t out_ld = std::int64_t{blocks_[l]} * columns_;  // the blocks' Rs, stacked
    const unsigned threads = threads_for(columns_);
    const std::int64_t rows = rows_per_block_[l];
    reduce_kernel<<<blocks_[l], threads, shared_bytes_, s.get()>>>(level, rows, out, out_ld);
    GPULAB_CHECK_LAUNCH();
    // The next level's rows: the stacked Rs.
    level = kernels::tall_matrix{.x = out, .ld = out_ld, .rows = out_ld, .x_columns = columns_};
  }
  // [/snippet:tall_skinny_qr]
}

}  // namespace gpulab::ml::detail

// SPDX-License-Identifier: MIT
// The slab decomposition of module 8: a grid of rows x cols is cut by rows into
// one slab per rank. Only index arithmetic (no MPI, no CUDA), so the host solver,
// the tests and a GPU solver all cut the grid the same way.
//
// A slab's array is padded by one halo row on each side (local row numbers):
//
//   local row 0          halo above: a copy of the last row of the rank above
//   local rows 1..rows   the rows this rank owns (global rows first_row ...)
//   local row rows + 1   halo below: a copy of the first row of the rank below
//
// Each row holds all `cols` columns, so a halo row is one contiguous block: what
// MPI (and later NCCL) sends without packing.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gpulab::multigpu {

struct grid_shape {
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  [[nodiscard]] std::int64_t cells() const { return rows * cols; }
  friend bool operator==(const grid_shape&, const grid_shape&) = default;
};

// Local rows [begin, end) of a slab's padded array; empty when end <= begin.
struct row_range {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  [[nodiscard]] std::int64_t size() const { return end > begin ? end - begin : 0; }
  [[nodiscard]] bool empty() const { return end <= begin; }
  friend bool operator==(const row_range&, const row_range&) = default;
};

// neighbour_above()/neighbour_below() of a slab at the top or bottom of the grid.
inline constexpr int no_neighbour = -1;

struct slab {
  grid_shape grid;
  int rank = 0;
  int ranks = 1;
  std::int64_t first_row = 0;  // the global row of local row 1
  std::int64_t rows = 0;       // the rows this rank owns

  [[nodiscard]] std::int64_t padded_rows() const { return rows + 2; }
  [[nodiscard]] std::size_t padded_elements() const { return static_cast<std::size_t>(padded_rows() * grid.cols); }
  // Where local row `local_row` starts in the padded array.
  [[nodiscard]] std::size_t offset_of(std::int64_t local_row) const {
    return static_cast<std::size_t>(local_row * grid.cols);
  }
  [[nodiscard]] std::int64_t global_row(std::int64_t local_row) const { return first_row + local_row - 1; }
  [[nodiscard]] int neighbour_above() const { return rank > 0 ? rank - 1 : no_neighbour; }
  [[nodiscard]] int neighbour_below() const { return rank + 1 < ranks ? rank + 1 : no_neighbour; }

  // The rows this rank computes each step: the ones it owns, less the grid's
  // fixed boundary (global rows 0 and rows - 1 stay zero).
  [[nodiscard]] row_range updated_rows() const;
  // The three parts of updated_rows(), in the order the overlapped step runs them:
  // rows_without_halo() reads no halo row, so it is computed while the halos are
  // still travelling; top_edge_rows() (local row 1) and bottom_edge_rows() (local
  // row `rows`) read a halo and wait for it. A slab of one row has only a top edge.
  [[nodiscard]] row_range rows_without_halo() const;
  [[nodiscard]] row_range top_edge_rows() const;
  [[nodiscard]] row_range bottom_edge_rows() const;
};

// The slab of `rank` among `ranks`: rows / ranks rows each, and the first
// rows % ranks ranks take one row more (97 rows on 4 ranks: 25, 24, 24, 24).
// Throws usage_error when a rank would get no row (more ranks than rows) or the
// grid is empty.
slab make_slab(grid_shape grid, int rank, int ranks);

// The whole grid as one slab: the undivided solve is the divided one on one rank.
inline slab whole_grid(grid_shape grid) { return make_slab(grid, 0, 1); }

}  // namespace gpulab::multigpu

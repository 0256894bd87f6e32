// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/slab.hpp"

#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::multigpu {

namespace {

// The intersection of two ranges (empty ones stay empty).
row_range intersect(row_range a, row_range b) { return {std::max(a.begin, b.begin), std::min(a.end, b.end)}; }

}  // namespace

slab make_slab(grid_shape grid, int rank, int ranks) {
  if (grid.rows < 1 || grid.cols < 1) {
    throw usage_error("the grid " + std::to_string(grid.rows) + " x " + std::to_string(grid.cols) +
                      " is empty: it needs at least one row and one column");
  }
  if (ranks < 1 || rank < 0 || rank >= ranks) {
    throw usage_error("rank " + std::to_string(rank) + " is not one of " + std::to_string(ranks) + " ranks");
  }
  if (grid.rows < ranks) {
    throw usage_error("a grid of " + std::to_string(grid.rows) + " rows cannot be cut into " + std::to_string(ranks) +
                      " slabs: each rank needs at least one row");
  }
  const std::int64_t base = grid.rows / ranks;
  const std::int64_t extra = grid.rows % ranks;  // the first `extra` ranks take one row more
  slab s;
  s.grid = grid;
  s.rank = rank;
  s.ranks = ranks;
  s.rows = base + (rank < extra ? 1 : 0);
  s.first_row = rank * base + std::min<std::int64_t>(rank, extra);
  return s;
}

row_range slab::updated_rows() const {
  // Global rows 1 .. grid.rows - 2 are computed (the first and last stay zero).
  const auto local = [this](std::int64_t global) { return global - first_row + 1; };
  const row_range owned{1, rows + 1};
  const row_range inside_the_boundary{local(1), local(grid.rows - 1)};
  return intersect(owned, inside_the_boundary);
}

row_range slab::rows_without_halo() const { return intersect(updated_rows(), {2, rows}); }

row_range slab::top_edge_rows() const { return intersect(updated_rows(), {1, 2}); }

row_range slab::bottom_edge_rows() const {
  // max(rows, 2): a slab of one row has its only row in top_edge_rows() already.
  return intersect(updated_rows(), {std::max<std::int64_t>(rows, 2), rows + 1});
}

}  // namespace gpulab::multigpu

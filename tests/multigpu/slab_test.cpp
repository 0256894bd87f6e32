// SPDX-License-Identifier: MIT
// Module 8 `multigpu`: the slab decomposition, without MPI. Every rank's slab is
// made for grids and rank counts that divide and that do not; together they must
// cover the grid once, and each slab's update must split into the three parts
// the overlapped step runs. (Suites named after the module: `ctest -R multigpu`.)
#include "gpulab/multigpu/slab.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"

namespace {

using gpulab::multigpu::grid_shape;
using gpulab::multigpu::make_slab;
using gpulab::multigpu::no_neighbour;
using gpulab::multigpu::row_range;
using gpulab::multigpu::slab;

TEST(multigpu_slab, FirstRanksTakeTheRemainderRows) {
  // 97 rows on 4 ranks: 97 = 4 * 24 + 1, so rank 0 takes 25.
  const grid_shape grid{97, 61};
  const std::int64_t rows[] = {25, 24, 24, 24};
  const std::int64_t first[] = {0, 25, 49, 73};
  for (int r = 0; r < 4; ++r) {
    const slab s = make_slab(grid, r, 4);
    EXPECT_EQ(s.rows, rows[r]) << "rank " << r;
    EXPECT_EQ(s.first_row, first[r]) << "rank " << r;
    EXPECT_EQ(s.padded_rows(), rows[r] + 2);
    EXPECT_EQ(s.padded_elements(), static_cast<std::size_t>((rows[r] + 2) * 61));
  }
}

TEST(multigpu_slab, SlabsCoverTheGridOnceInOrder) {
  for (std::int64_t rows : {1, 2, 3, 7, 61, 97, 100, 4096}) {
    for (int ranks = 1; ranks <= 9 && ranks <= rows; ++ranks) {
      std::int64_t next_row = 0;
      std::int64_t smallest = rows;
      std::int64_t largest = 0;
      for (int r = 0; r < ranks; ++r) {
        const slab s = make_slab({rows, 5}, r, ranks);
        EXPECT_EQ(s.first_row, next_row) << rows << " rows, rank " << r << " of " << ranks;
        EXPECT_GE(s.rows, 1);
        next_row += s.rows;
        smallest = std::min(smallest, s.rows);
        largest = std::max(largest, s.rows);
      }
      EXPECT_EQ(next_row, rows) << rows << " rows on " << ranks << " ranks";
      EXPECT_LE(largest - smallest, 1) << "uneven slabs differ by one row at most";
    }
  }
}

TEST(multigpu_slab, NeighboursStopAtTheGridsEdges) {
  const grid_shape grid{10, 3};
  EXPECT_EQ(make_slab(grid, 0, 3).neighbour_above(), no_neighbour);
  EXPECT_EQ(make_slab(grid, 0, 3).neighbour_below(), 1);
  EXPECT_EQ(make_slab(grid, 1, 3).neighbour_above(), 0);
  EXPECT_EQ(make_slab(grid, 1, 3).neighbour_below(), 2);
  EXPECT_EQ(make_slab(grid, 2, 3).neighbour_below(), no_neighbour);
  const slab alone = gpulab::multigpu::whole_grid(grid);
  EXPECT_EQ(alone.neighbour_above(), no_neighbour);
  EXPECT_EQ(alone.neighbour_below(), no_neighbour);
}

TEST(multigpu_slab, LocalRowsMapToGlobalRowsPastTheHalo) {
  const slab s = make_slab({97, 61}, 2, 4);  // global rows 49..72
  EXPECT_EQ(s.global_row(0), 48);            // the halo above: rank 1's last row
  EXPECT_EQ(s.global_row(1), 49);
  EXPECT_EQ(s.global_row(s.rows), 72);
  EXPECT_EQ(s.global_row(s.rows + 1), 73);  // the halo below: rank 3's first row
  EXPECT_EQ(s.offset_of(2), static_cast<std::size_t>(2 * 61));
}

TEST(multigpu_slab, UpdatedRowsLeaveOutTheFixedBoundary) {
  const grid_shape grid{97, 61};
  // The whole grid: global rows 1..95 are local rows 2..96.
  EXPECT_EQ(gpulab::multigpu::whole_grid(grid).updated_rows(), (row_range{2, 97}));
  // The first slab leaves out global row 0, the last one global row 96.
  EXPECT_EQ(make_slab(grid, 0, 4).updated_rows(), (row_range{2, 26}));
  EXPECT_EQ(make_slab(grid, 1, 4).updated_rows(), (row_range{1, 25}));
  EXPECT_EQ(make_slab(grid, 3, 4).updated_rows(), (row_range{1, 24}));
  // A slab that is all boundary computes nothing.
  EXPECT_TRUE(make_slab({4, 8}, 0, 4).updated_rows().empty());
  EXPECT_TRUE(make_slab({4, 8}, 3, 4).updated_rows().empty());
  EXPECT_EQ(make_slab({4, 8}, 1, 4).updated_rows(), (row_range{1, 2}));
}

// The overlapped step computes rows_without_halo, then the top edge, then the
// bottom edge: together exactly updated_rows(), each row once, and only the
// edges read a halo row.
TEST(multigpu_slab, OverlappedPartsSplitTheUpdateExactly) {
  for (std::int64_t rows : {1, 2, 3, 4, 5, 8, 61, 97}) {
    for (int ranks = 1; ranks <= 6 && ranks <= rows; ++ranks) {
      for (int r = 0; r < ranks; ++r) {
        const slab s = make_slab({rows, 9}, r, ranks);
        const std::string where =
            std::to_string(rows) + " rows, rank " + std::to_string(r) + " of " + std::to_string(ranks);
        const row_range all = s.updated_rows();
        const row_range inside = s.rows_without_halo();
        const row_range top = s.top_edge_rows();
        const row_range bottom = s.bottom_edge_rows();
        std::vector<int> times_computed(static_cast<std::size_t>(s.padded_rows()), 0);
        for (const row_range part : {inside, top, bottom}) {
          for (std::int64_t row = part.begin; row < part.end; ++row) ++times_computed[static_cast<std::size_t>(row)];
        }
        for (std::int64_t row = 0; row < s.padded_rows(); ++row) {
          const int expected = row >= all.begin && row < all.end ? 1 : 0;
          EXPECT_EQ(times_computed[static_cast<std::size_t>(row)], expected) << where << ", local row " << row;
        }
        // Rows without halo read rows - 1 .. rows + 1: never local row 0 or rows + 1.
        if (!inside.empty()) {
          EXPECT_GE(inside.begin - 1, 1) << where;
          EXPECT_LE(inside.end, s.rows) << where;
        }
        EXPECT_LE(top.size(), 1) << where;
        EXPECT_LE(bottom.size(), 1) << where;
      }
    }
  }
}

TEST(multigpu_slab, RefusesMoreRanksThanRowsAndEmptyGrids) {
  try {
    (void)make_slab({3, 100}, 0, 4);
    FAIL() << "4 ranks for 3 rows were accepted";
  } catch (const gpulab::usage_error& e) {
    EXPECT_STREQ(e.what(), "a grid of 3 rows cannot be cut into 4 slabs: each rank needs at least one row");
  }
  EXPECT_THROW((void)make_slab({0, 10}, 0, 1), gpulab::usage_error);
  EXPECT_THROW((void)make_slab({10, 0}, 0, 1), gpulab::usage_error);
  EXPECT_THROW((void)make_slab({10, 10}, 2, 2), gpulab::usage_error);
  EXPECT_THROW((void)make_slab({10, 10}, -1, 2), gpulab::usage_error);
}

}  // namespace

// SPDX-License-Identifier: MIT
// Module 8 `multigpu` under mpirun (ctest runs it on 1, 2, 3 and 4 ranks). Every
// test is collective: all ranks run it, and each assertion is on a value that all
// ranks share (summed or broadcast), so a failure on one rank fails all of them
// together and no rank waits alone in a collective.
#include "gpulab/multigpu/wave_mpi.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "gpulab/multigpu/halo_exchange.hpp"
#include "gpulab/multigpu/mpi_session.hpp"

// The session of this process, made by main() (mpi_test_main.cpp).
extern const gpulab::multigpu::mpi_session* test_session;

namespace {

using namespace gpulab::multigpu;

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int world_size() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

std::int64_t sum_over_ranks(std::int64_t mine) {
  std::int64_t total = 0;
  MPI_Allreduce(&mine, &total, 1, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD);
  return total;
}

class multigpu_mpi_wave : public ::testing::TestWithParam<halo_version> {};

// The divided field equals the undivided one bit for bit on every rank's rows,
// gathered on rank 0 too; the energy is within the bound of its summation order.
// Grids: odd sizes, and as many rows as ranks (every slab one row) or one more.
TEST_P(multigpu_mpi_wave, DividedSolveEqualsTheUndividedOneBitForBit) {
  const int ranks = world_size();
  for (const wave_problem& problem :
       {wave_problem{.grid = {97, 61}, .steps = 25}, wave_problem{.grid = {ranks, 9}, .steps = 5},
        wave_problem{.grid = {ranks + 1, 13}, .steps = 7}, wave_problem{.grid = {31, 1}, .steps = 3}}) {
    const std::string what = std::to_string(problem.grid.rows) + " x " + std::to_string(problem.grid.cols) + " on " +
                             std::to_string(ranks) + " ranks, halo " + to_string(GetParam());
    const divided_solution divided = solve_divided(problem, GetParam(), MPI_COMM_WORLD);
    const undivided_solution undivided = solve_undivided(problem);  // every rank, for its own rows
    const slab& part = divided.wave.part;
    const auto cols = static_cast<std::size_t>(problem.grid.cols);
    const std::span<const float> expected =
        std::span<const float>(undivided.field)
            .subspan(static_cast<std::size_t>(part.first_row) * cols, static_cast<std::size_t>(part.rows) * cols);
    const field_comparison mine =
        compare_bitwise(expected, owned_rows(divided.wave), problem.grid.cols, part.first_row);
    EXPECT_EQ(sum_over_ranks(mine.differing_cells), 0) << what;
    EXPECT_EQ(divided.energy.terms, undivided.energy.terms) << what;
    EXPECT_LE(std::fabs(divided.energy.energy - undivided.energy.energy), energy_order_bound(undivided.energy)) << what;
    EXPECT_EQ(divided.initial_energy.terms, undivided.initial_energy.terms) << what;

    const std::vector<float> gathered = gather_field(divided.wave, MPI_COMM_WORLD);
    int gathered_differ = 0;
    if (world_rank() == 0) {
      gathered_differ = static_cast<int>(compare_bitwise(undivided.field, gathered, problem.grid.cols).differing_cells);
    } else {
      EXPECT_TRUE(gathered.empty());
    }
    MPI_Bcast(&gathered_differ, 1, MPI_INT, 0, MPI_COMM_WORLD);
    EXPECT_EQ(gathered_differ, 0) << what;
  }
}

// After an exchange, the halo above holds the last row of the rank above and the
// halo below the first row of the rank below; at the grid's edges (MPI_PROC_NULL)
// the halo is left as it was.
TEST_P(multigpu_mpi_wave, HalosHoldTheNeighboursEdgeRows) {
  const slab part = make_slab({23, 5}, world_rank(), world_size());
  const auto value_at = [](std::int64_t global_row, std::int64_t col) {
    return static_cast<float>(global_row * 100 + col);
  };
  const float untouched = -1.0f;
  std::vector<float> field(part.padded_elements(), untouched);
  for (std::int64_t r = 1; r <= part.rows; ++r) {
    for (std::int64_t c = 0; c < 5; ++c)
      field[part.offset_of(r) + static_cast<std::size_t>(c)] = value_at(part.global_row(r), c);
  }
  if (GetParam() == halo_version::sendrecv) {
    exchange_halos_sendrecv(part, field.data(), MPI_COMM_WORLD);
  } else {
    halo_exchange_in_flight exchange(part, field.data(), MPI_COMM_WORLD);
    exchange.finish();
  }
  std::int64_t wrong = 0;
  for (std::int64_t c = 0; c < 5; ++c) {
    const float above = field[part.offset_of(0) + static_cast<std::size_t>(c)];
    const float below = field[part.offset_of(part.rows + 1) + static_cast<std::size_t>(c)];
    const bool top = part.neighbour_above() == no_neighbour;
    const bool bottom = part.neighbour_below() == no_neighbour;
    if (above != (top ? untouched : value_at(part.global_row(0), c))) ++wrong;
    if (below != (bottom ? untouched : value_at(part.global_row(part.rows + 1), c))) ++wrong;
  }
  EXPECT_EQ(sum_over_ranks(wrong), 0);
}

INSTANTIATE_TEST_SUITE_P(halo, multigpu_mpi_wave, ::testing::Values(halo_version::sendrecv, halo_version::overlap),
                         [](const auto& param_info) { return to_string(param_info.param); });

TEST(multigpu_mpi, MoreRanksThanRowsIsRefusedOnEveryRank) {
  const int ranks = world_size();
  if (ranks == 1) GTEST_SKIP() << "one rank always has a row";
  try {
    (void)solve_divided(wave_problem{.grid = {ranks - 1, 8}, .steps = 2}, halo_version::sendrecv, MPI_COMM_WORLD);
    ADD_FAILURE() << "the solve accepted more ranks than rows";
  } catch (const all_ranks_error& e) {
    EXPECT_EQ(std::string(e.what()), "a grid of " + std::to_string(ranks - 1) + " rows cannot be cut into " +
                                         std::to_string(ranks) +
                                         " slabs: each rank needs at least one row (on rank 0)");
    EXPECT_EQ(e.code(), gpulab::exit_code::usage);
  }
}

TEST(multigpu_mpi, DifferentValuesAreRefusedWithTheSameMessageOnEveryRank) {
  const int last = world_size() - 1;
  EXPECT_NO_THROW(check_same_on_every_rank(MPI_COMM_WORLD, "--size", "4096"));
  if (last == 0) GTEST_SKIP() << "one rank cannot disagree with itself";
  try {
    check_same_on_every_rank(MPI_COMM_WORLD, "--size", world_rank() == last ? "1000" : "4096");
    ADD_FAILURE() << "different sizes were accepted";
  } catch (const all_ranks_error& e) {
    EXPECT_EQ(std::string(e.what()), "rank " + std::to_string(last) +
                                         " has --size 1000, rank 0 has 4096: every rank must be given the same --size");
    EXPECT_EQ(e.code(), gpulab::exit_code::usage);
  }
}

TEST(multigpu_mpi, OneRanksSetUpErrorReachesEveryRank) {
  const int last = world_size() - 1;
  EXPECT_NO_THROW(agree_or_throw(MPI_COMM_WORLD, [] {}));
  try {
    agree_or_throw(MPI_COMM_WORLD, [&] {
      if (world_rank() == last) throw gpulab::io_error("cannot write 'x.json'");
    });
    ADD_FAILURE() << "the error of rank " << last << " was lost";
  } catch (const all_ranks_error& e) {
    const std::string where = last > 0 ? " (on rank " + std::to_string(last) + ")" : "";
    EXPECT_EQ(std::string(e.what()), "cannot write 'x.json'" + where);
    EXPECT_EQ(e.code(), gpulab::exit_code::io);
  }
  EXPECT_TRUE(any_rank(MPI_COMM_WORLD, world_rank() == last));
  EXPECT_FALSE(any_rank(MPI_COMM_WORLD, false));
}

TEST(multigpu_mpi, FailedCallsThrowWithMpisMessage) {
  float value = 0.0f;
  try {
    GPULAB_MPI_TRY(MPI_Send(&value, 1, MPI_FLOAT, world_size() + 5, 0, MPI_COMM_WORLD));  // no such rank
    ADD_FAILURE() << "MPI_Send to a rank that does not exist succeeded";
  } catch (const mpi_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("wave_mpi_test.cpp:"), std::string::npos) << what;
    EXPECT_NE(what.find("MPI call `MPI_Send(&value, 1, MPI_FLOAT, world_size() + 5, 0, MPI_COMM_WORLD)` failed: "),
              std::string::npos)
        << what;
    EXPECT_EQ(e.code(), gpulab::exit_code::mpi);
  }
}

TEST(multigpu_mpi, SessionKnowsTheNode) {
  const mpi_session& mpi = *test_session;
  EXPECT_EQ(mpi.rank(), world_rank());
  EXPECT_EQ(mpi.size(), world_size());
  // All ranks of the tests run on this one machine: one node, node ranks 0..size-1.
  EXPECT_EQ(mpi.node_size(), world_size());
  EXPECT_EQ(sum_over_ranks(mpi.node_rank()), static_cast<std::int64_t>(world_size()) * (world_size() - 1) / 2);
  // A second session is refused.
  int argc = 0;
  char** argv = nullptr;
  EXPECT_THROW(mpi_session again(argc, argv), gpulab::error);
}

}  // namespace

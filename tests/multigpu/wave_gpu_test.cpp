// SPDX-License-Identifier: MIT
// The wave solve on GPUs, one per rank, under mpirun (1 and 2 ranks): the field
// equals the undivided host solve bit for bit on odd grids, for both halo
// versions and both communicator backends; the energy is within the bound of
// its summation order. SKIPPED without one GPU per rank of the node.
#include "gpulab/multigpu/wave_gpu.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <tuple>

#include "gpulab/core/error.hpp"
#include "multigpu/multigpu_gpu_fixture.hpp"

namespace {

using namespace gpulab::multigpu;

class multigpu_wave_gpu : public multigpu_gpu_test,
                          public ::testing::WithParamInterface<std::tuple<std::string, gpu_halo>> {};

TEST_P(multigpu_wave_gpu, FieldEqualsTheUndividedHostSolveBitForBit) {
  const auto& [backend, halo] = GetParam();
  const std::unique_ptr<communicator> comm =
      backend == "nccl" ? make_nccl_communicator(MPI_COMM_WORLD, node_rank(), node_size())
                        : make_mpi_communicator(MPI_COMM_WORLD, /*allow_cuda_aware=*/false);
  const int ranks = comm->size();
  if (halo == gpu_halo::graph && backend != "nccl") {
    // MPI's calls run on the host: there is nothing to capture, and it is refused.
    EXPECT_THROW(solve_on_gpus(wave_problem{.grid = {97, 61}, .steps = 5}, halo, *comm, s), gpulab::usage_error);
    return;
  }
  for (const wave_problem& problem :
       {wave_problem{.grid = {97, 61}, .steps = 25}, wave_problem{.grid = {ranks + 2, 9}, .steps = 5},
        wave_problem{.grid = {131, 257}, .steps = 40}, wave_problem{.grid = {31, 2}, .steps = 3},
        // 1 and 2 steps: the graph version's uncaptured first step, and its first capture.
        wave_problem{.grid = {45, 33}, .steps = 1}, wave_problem{.grid = {45, 33}, .steps = 2},
        // Widths divisible by 4 take wave_strips_float4_kernel (the others wave_strips_kernel):
        // 260 columns, 65 float4s a row, the first and last holding a boundary column; 4
        // columns, one float4 holding both.
        wave_problem{.grid = {131, 260}, .steps = 20}, wave_problem{.grid = {7, 4}, .steps = 3},
        // 262145 inner rows: 65537 strips of 4 rows, past the 65535 blocks of a grid's y
        // (both kernels loop over the rest), and the last strip has one row.
        wave_problem{.grid = {262147, 3}, .steps = 2}, wave_problem{.grid = {262147, 8}, .steps = 2}}) {
    const std::string what = std::to_string(problem.grid.rows) + " x " + std::to_string(problem.grid.cols) + " on " +
                             std::to_string(ranks) + " GPUs, " + backend + ", halo " + to_string(halo);
    const gpu_solution divided = solve_on_gpus(problem, halo, *comm, s);
    const undivided_solution undivided = solve_undivided(problem);
    const wave_slab mine = copy_to_host(divided.wave, s);
    const slab& part = mine.part;
    const auto cols = static_cast<std::size_t>(problem.grid.cols);
    const auto expected = std::span<const float>(undivided.field)
                              .subspan(static_cast<std::size_t>(part.first_row) * cols,
                                       static_cast<std::size_t>(part.rows) * cols);
    const field_comparison c = compare_bitwise(expected, owned_rows(mine), problem.grid.cols, part.first_row);
    EXPECT_EQ(sum_over_ranks(static_cast<std::size_t>(c.differing_cells)), 0u)
        << what << ": first difference on rank " << world_rank() << " at row " << c.first_row << ", column "
        << c.first_col << " (" << c.expected << " on the host, " << c.actual << " on the GPU)";
    EXPECT_EQ(divided.energy.terms, undivided.energy.terms) << what;
    EXPECT_LE(std::fabs(divided.energy.energy - undivided.energy.energy), energy_order_bound(undivided.energy))
        << what;
    EXPECT_GT(divided.seconds, 0.0) << what;
  }
}

INSTANTIATE_TEST_SUITE_P(versions, multigpu_wave_gpu,
                         ::testing::Combine(::testing::Values("nccl", "mpi"),
                                            ::testing::Values(gpu_halo::blocking, gpu_halo::overlap,
                                                              gpu_halo::graph)),
                         [](const auto& version) {
                           return std::get<0>(version.param) + "_" + to_string(std::get<1>(version.param));
                         });

}  // namespace

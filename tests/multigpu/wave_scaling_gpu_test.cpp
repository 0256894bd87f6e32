// SPDX-License-Identifier: MIT
// The scaling tables on the GPUs, under mpirun (1 and 2 ranks): every count's
// field equals its reference bit for bit (the one-GPU row the undivided host
// solve, the others the one-GPU solve), for each halo version and both
// communicators, on a small odd grid; the weak grids grow with the count; the
// one-GPU step's bandwidth and ceiling are measured. SKIPPED without one GPU per rank.
#include "gpulab/multigpu/wave_scaling.hpp"

#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "multigpu/multigpu_gpu_fixture.hpp"

namespace {

using namespace gpulab::multigpu;

class multigpu_scaling_gpu : public multigpu_gpu_test,
                             public ::testing::WithParamInterface<std::tuple<std::string, std::string>> {};

TEST_P(multigpu_scaling_gpu, EveryRowEqualsItsReference) {
  const auto& [comm, halo] = GetParam();
  scaling_options options;
  options.problem = wave_problem{.grid = {61, 37}, .steps = 7};
  options.comm = comm;
  options.halo = halo;
  const scaling_report r = run_wave_scaling(options, *test_session, s);
  if (world_rank() != 0) return;  // rank 0 holds the tables
  const std::vector<int> counts = scaling_counts(world_size());
  ASSERT_EQ(r.strong.size(), counts.size());
  ASSERT_EQ(r.weak.size(), counts.size());
  EXPECT_TRUE(r.verified()) << format_scaling_report(r);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(r.strong[i].gpus, counts[i]);
    EXPECT_EQ(r.strong[i].grid, options.problem.grid);
    EXPECT_EQ(r.weak[i].grid.rows, options.problem.grid.rows * counts[i]);
    EXPECT_GT(r.strong[i].ms_per_step, 0.0);
    EXPECT_GT(r.weak[i].efficiency, 0.0);
  }
  EXPECT_EQ(r.strong[0].reference, "the undivided host solve");
  EXPECT_DOUBLE_EQ(r.strong[0].efficiency, 1.0);
  EXPECT_GT(r.one_gpu.ceiling_gbs, 0.0);
  EXPECT_GT(r.one_gpu.gbs(), 0.0);
}

INSTANTIATE_TEST_SUITE_P(versions, multigpu_scaling_gpu,
                         ::testing::Values(std::tuple<std::string, std::string>{"nccl", "overlap"},
                                           std::tuple<std::string, std::string>{"nccl", "graph"},
                                           std::tuple<std::string, std::string>{"mpi", "blocking"}),
                         [](const auto& version) {
                           return std::get<0>(version.param) + "_" + std::get<1>(version.param);
                         });

}  // namespace

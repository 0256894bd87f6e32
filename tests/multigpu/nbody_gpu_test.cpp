// SPDX-License-Identifier: MIT
// N-body on the GPU, under mpirun (1 and 2 ranks):
//   - the acceleration kernel against a double-precision host sum on odd
//     counts (bodies not a multiple of the tile), within 1e-4 of the sum of the
//     terms' magnitudes: float32 adds n terms with error up to about n u
//     (Higham; n = 301: 2e-5) and rsqrtf adds 2 ulp per term; dropping one
//     body's term (about 1/n = 3e-3 of the magnitude) fails it;
//   - run_nbody on both communicators: equal to the one-rank run (exact), for
//     an odd body count and for fewer bodies than ranks x block.
// SKIPPED without one GPU per rank of the node.
#include "gpulab/multigpu/nbody.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "multigpu/multigpu_gpu_fixture.hpp"

namespace {

using namespace gpulab;
using namespace gpulab::multigpu;

class multigpu_nbody_gpu : public multigpu_gpu_test {};

TEST_F(multigpu_nbody_gpu, AccelerationsMatchADoubleSum) {
  for (const std::int64_t n : {std::int64_t{1}, std::int64_t{301}, std::int64_t{1000}}) {
    std::vector<float> bodies(static_cast<std::size_t>(4 * n));
    for (std::int64_t i = 0; i < n; ++i) {
      const body b = initial_body(11, i, n);
      const auto at = static_cast<std::size_t>(4 * i);
      bodies[at] = b.x;
      bodies[at + 1] = b.y;
      bodies[at + 2] = b.z;
      bodies[at + 3] = b.mass;
    }
    const float softening = 0.05f;
    device_buffer<float> all = upload(bodies, s);
    device_buffer<float> acceleration(bodies.size(), s);
    acceleration.fill_bytes_async(0xFF, s);  // NaN: an unwritten body fails
    body_accelerations_async(all.data(), n, all.data(), n, softening, acceleration.data(), s);
    const std::vector<float> gpu = download(acceleration, s);
    std::int64_t off = 0;
    for (std::int64_t i = 0; i < n; ++i) {
      for (int c = 0; c < 3; ++c) {
        double sum = 0.0, magnitude = 0.0;
        const auto xi = static_cast<std::size_t>(4 * i);
        for (std::int64_t j = 0; j < n; ++j) {
          const auto xj = static_cast<std::size_t>(4 * j);
          const double dx = double{bodies[xj]} - bodies[xi], dy = double{bodies[xj + 1]} - bodies[xi + 1],
                       dz = double{bodies[xj + 2]} - bodies[xi + 2];
          const double r2 = dx * dx + dy * dy + dz * dz + double{softening} * softening;
          const double d = c == 0 ? dx : c == 1 ? dy : dz;
          const double term = bodies[xj + 3] * d / (r2 * std::sqrt(r2));
          sum += term;
          magnitude += std::fabs(term);
        }
        const double got = gpu[xi + static_cast<std::size_t>(c)];
        if (!(std::fabs(got - sum) <= 1e-4 * magnitude + 1e-30)) ++off;
      }
    }
    EXPECT_EQ(off, 0) << n << " bodies";
  }
}

TEST_F(multigpu_nbody_gpu, DividedRunEqualsTheOneRankRun) {
  for (const std::string backend : {"nccl", "mpi"}) {
    const std::unique_ptr<communicator> comm =
        backend == "nccl" ? make_nccl_communicator(MPI_COMM_WORLD, node_rank(), node_size())
                          : make_mpi_communicator(MPI_COMM_WORLD, /*allow_cuda_aware=*/false);
    for (const nbody_problem problem :
         {nbody_problem{.bodies = 1001, .steps = 5}, nbody_problem{.bodies = 3, .steps = 2, .seed = 9}}) {
      const nbody_result r = run_nbody(problem, *comm, s);
      EXPECT_TRUE(r.verified()) << backend << ", " << problem.bodies << " bodies:\n" << format_nbody_report(r);
      EXPECT_EQ(r.ranks, world_size());
      EXPECT_GT(r.ms_per_step, 0.0);
      // The bodies moved: the run did something (velocities are nonzero, dt > 0).
      const nbody_solution after = solve_nbody(problem, *comm, s);
      const body first = initial_body(problem.seed, 0, problem.bodies);
      EXPECT_NE(after.state[0], first.x) << backend;
      EXPECT_TRUE(std::isfinite(after.state[0]) && std::isfinite(after.state[5])) << backend;
    }
  }
}

}  // namespace

namespace {

using namespace gpulab::multigpu;

// The verdict can fail (no GPU needed).
TEST(multigpu_nbody_result, ADifferenceIsReported) {
  nbody_result r;
  r.problem.bodies = 1001;
  ASSERT_TRUE(r.verified());
  r.differing_values = 3;
  r.largest_difference = 1e-6f;
  EXPECT_FALSE(r.verified());
  EXPECT_NE(format_nbody_report(r).find("validation: FAILED: 3 values differ"), std::string::npos)
      << format_nbody_report(r);
}

}  // namespace

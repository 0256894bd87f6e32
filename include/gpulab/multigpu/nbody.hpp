// SPDX-License-Identifier: MIT
// `gpulab-multigpu nbody`: gravitational N-body, data-parallel as the course's
// JAX example: each rank owns a block of the bodies (nbody_partition.hpp); each
// step it all-gathers every rank's positions, computes the pull of all n bodies
// on its own (O(n^2 / p) per rank), and moves its own by leapfrog
// (kick-drift-kick). The all-gather moves n positions to every rank each step,
// O(n) against O(n^2 / p) of arithmetic: why N-body scales well.
//
// Verified against the one-rank run (rank 0's GPU alone, the same kernels):
// the bound is exact equality. No sum is reordered by the division: each
// body's acceleration is added by one thread over all bodies in their global
// order whatever the rank count (the gathered array is the bodies in order,
// then mass-0 padding whose terms are exact zeros), and the rest is per body.
// (A bound would be needed if the ranks summed partial forces and reduced them
// across ranks: then the order of the additions would change with p.)
// Compared by value, so that -0 and +0 agree.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <string>
#include <vector>

#include "gpulab/multigpu/communicator.hpp"
#include "gpulab/multigpu/nbody_partition.hpp"

namespace gpulab::multigpu {

struct nbody_problem {
  std::int64_t bodies = 65536;
  int steps = 20;
  float dt = 1e-3f;
  float softening = 0.05f;  // eps: no pair pulls harder than at distance eps
  std::uint64_t seed = 1;
};

// Every rank's bodies after the steps, gathered on every rank (bodies in
// order: x, y, z, vx, vy, vz of each), and the time of the steps.
struct nbody_solution {
  std::vector<float> state;  // 6 floats per body
  double seconds = 0.0;      // the slowest rank
};

// Runs `problem` on the ranks of `comm`, this rank's bodies on comm.device().
// Collective over `comm`.
nbody_solution solve_nbody(const nbody_problem& problem, communicator& comm, cuda::stream_ref s);

struct nbody_result {
  nbody_problem problem;
  int ranks = 1;
  std::string backend;
  double ms_per_step = 0.0;
  std::int64_t differing_values = 0;  // against the one-rank run, all ranks agree on it
  float largest_difference = 0.0f;
  [[nodiscard]] bool verified() const { return differing_values == 0; }
  // n^2 pairs per step (20 flops each, the usual count: 3 subtractions, 6 for
  // the squared distance and softening, rsqrt 1 + 2 multiplications, 6 for the three updates).
  [[nodiscard]] double interactions_per_second() const;
};

// solve_nbody, then rank 0 runs the same problem alone (one rank, MPI_COMM_SELF)
// and compares; every rank gets the verdict. Collective over `comm`.
nbody_result run_nbody(const nbody_problem& problem, communicator& comm, cuda::stream_ref s);

std::string format_nbody_report(const nbody_result& result);
std::string nbody_report_json(const nbody_result& result);

// The launches of kernels/multigpu/nbody.cuh (current GPU; float4 as 4 floats).
void body_accelerations_async(const float* all, std::int64_t slots, const float* mine, std::int64_t count,
                              float softening, float* acceleration, cuda::stream_ref s);
void kick_async(float* velocity, const float* acceleration, std::int64_t count, float half_dt, cuda::stream_ref s);
void drift_async(float* position, const float* velocity, std::int64_t count, float dt, cuda::stream_ref s);

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/nbody.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "gpulab/core/device.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab::multigpu {

nbody_solution solve_nbody(const nbody_problem& problem, communicator& comm, cuda::stream_ref s) {
  if (problem.steps < 1) throw usage_error("nbody: at least one step");
  select_device(comm.device());
  const body_range mine = bodies_of_rank(problem.bodies, comm.rank(), comm.size());
  const auto block = static_cast<std::size_t>(mine.block);
  const std::size_t slots = block * static_cast<std::size_t>(comm.size());
  // Positions (own and gathered), velocities, accelerations, and the gathered velocities at the end.
  require_device_memory((2 * 4 * slots + 3 * 4 * block) * sizeof(float), "the N-body arrays");

  // This rank's bodies; the rest of its block stays zero: mass 0, no pull.
  std::vector<float> positions(4 * block, 0.0f);
  std::vector<float> velocities(4 * block, 0.0f);
  for (std::int64_t k = 0; k < mine.count; ++k) {
    const body b = initial_body(problem.seed, mine.first + k, problem.bodies);
    const auto at = static_cast<std::size_t>(4 * k);
    positions[at] = b.x;
    positions[at + 1] = b.y;
    positions[at + 2] = b.z;
    positions[at + 3] = b.mass;
    velocities[at] = b.vx;
    velocities[at + 1] = b.vy;
    velocities[at + 2] = b.vz;
  }
  device_buffer<float> position = upload(positions, s);
  device_buffer<float> velocity = upload(velocities, s);
  device_buffer<float> acceleration(4 * block, s);
  device_buffer<float> all(4 * slots, s);
  const auto slot_count = static_cast<std::int64_t>(slots);

  // [snippet:nbody_step]
  // Every rank's positions onto every rank (rank r's block at slot r * block:
  // the bodies in their global order), then the pull of all on this rank's own.
  const auto gather_and_pull = [&] {
    comm.all_gather_async(position.data(), all.data(), 4 * block, s);
    body_accelerations_async(all.data(), slot_count, position.data(), mine.count, problem.softening,
                             acceleration.data(), s);
  };
  const auto step = [&] {
    kick_async(velocity.data(), acceleration.data(), mine.count, 0.5f * problem.dt, s);
    drift_async(position.data(), velocity.data(), mine.count, problem.dt, s);
    gather_and_pull();
    kick_async(velocity.data(), acceleration.data(), mine.count, 0.5f * problem.dt, s);
  };
  // [/snippet:nbody_step]

  gather_and_pull();  // the first kick needs the starting accelerations
  comm.barrier_async(s);
  synchronize(s);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < problem.steps; ++i) step();
  synchronize(s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nbody_solution solution;
  solution.seconds = all_reduce_value(comm, seconds, reduce_op::max, s);
  device_buffer<float> all_velocities(4 * slots, s);
  comm.all_gather_async(position.data(), all.data(), 4 * block, s);
  comm.all_gather_async(velocity.data(), all_velocities.data(), 4 * block, s);
  const std::vector<float> p = download(all, s);
  const std::vector<float> v = download(all_velocities, s);
  solution.state.resize(6 * static_cast<std::size_t>(problem.bodies));
  for (std::size_t i = 0; i < static_cast<std::size_t>(problem.bodies); ++i) {  // body i is in slot i
    for (std::size_t c = 0; c < 3; ++c) {
      solution.state[6 * i + c] = p[4 * i + c];
      solution.state[6 * i + 3 + c] = v[4 * i + c];
    }
  }
  return solution;
}

double nbody_result::interactions_per_second() const {
  const auto n = static_cast<double>(problem.bodies);
  return ms_per_step > 0 ? n * n / (ms_per_step * 1e-3) : 0.0;
}

nbody_result run_nbody(const nbody_problem& problem, communicator& comm, cuda::stream_ref s) {
  nbody_result result;
  result.problem = problem;
  result.ranks = comm.size();
  result.backend = comm.backend();
  const nbody_solution divided = solve_nbody(problem, comm, s);
  result.ms_per_step = 1e3 * divided.seconds / problem.steps;
  std::int64_t differing = 0;
  double largest = 0.0;
  if (comm.rank() == 0) {
    // The one-rank run: rank 0's GPU alone, through a communicator of one
    // (MPI_COMM_SELF: its all-gather is a copy).
    const std::unique_ptr<communicator> alone = make_mpi_communicator(MPI_COMM_SELF, /*allow_cuda_aware=*/false);
    const nbody_solution one = solve_nbody(problem, *alone, s);
    for (std::size_t i = 0; i < one.state.size(); ++i) {
      if (!(one.state[i] == divided.state[i])) {  // a NaN differs from everything
        ++differing;
        largest = std::fmax(largest, std::fabs(static_cast<double>(one.state[i]) - divided.state[i]));
      }
    }
  }
  result.differing_values = all_reduce_value(comm, differing, reduce_op::sum, s);
  result.largest_difference = static_cast<float>(all_reduce_value(comm, largest, reduce_op::max, s));
  return result;
}

std::string format_nbody_report(const nbody_result& r) {
  const nbody_problem& p = r.problem;
  const body_range block = bodies_of_rank(p.bodies, 0, r.ranks);
  std::string text = format_printf(
      "N-body, %lld bodies (blocks of %lld per rank), %d leapfrog steps, dt %g, softening %g; positions "
      "all-gathered every step (%s)\n",
      static_cast<long long>(p.bodies), static_cast<long long>(block.block), p.steps, static_cast<double>(p.dt),
      static_cast<double>(p.softening), r.backend.c_str());
  text += format_printf("%5s  %10s  %6s  %10s  %16s  %22s\n", "ranks", "bodies", "steps", "ms/step", "Ginteractions/s",
                        "GFLOP/s (20/interaction)");
  text +=
      format_printf("%5d  %10lld  %6d  %10.3f  %16.2f  %22.0f\n", r.ranks, static_cast<long long>(p.bodies), p.steps,
                    r.ms_per_step, r.interactions_per_second() / 1e9, 20.0 * r.interactions_per_second() / 1e9);
  text += r.verified()
              ? "validation: every position and velocity equals the one-rank run's (bound: exact, no sum is "
                "reordered by the division)\n"
              : format_printf("validation: FAILED: %lld values differ from the one-rank run's (the largest by %.3g)\n",
                              static_cast<long long>(r.differing_values), static_cast<double>(r.largest_difference));
  return text;
}

std::string nbody_report_json(const nbody_result& r) {
  const nlohmann::ordered_json json = {
      {"program", "gpulab-multigpu"},
      {"command", "nbody"},
      {"backend", r.backend},
      {"ranks", r.ranks},
      {"bodies", r.problem.bodies},
      {"steps", r.problem.steps},
      {"dt", r.problem.dt},
      {"softening", r.problem.softening},
      {"seed", r.problem.seed},
      {"ms_per_step", r.ms_per_step},
      {"interactions_per_second", r.interactions_per_second()},
      {"differing_values", r.differing_values},
      {"largest_difference", r.largest_difference},
      {"verified", r.verified()},
  };
  return json.dump(2) + "\n";
}

}  // namespace gpulab::multigpu

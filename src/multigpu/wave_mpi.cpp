// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/wave_mpi.hpp"

#include <climits>
#include <cstdint>
#include <optional>
#include <utility>

#include "gpulab/multigpu/halo_exchange.hpp"
#include "gpulab/multigpu/mpi_session.hpp"

namespace gpulab::multigpu {

std::string to_string(halo_version version) { return version == halo_version::sendrecv ? "sendrecv" : "overlap"; }

void step_divided(wave_slab& wave, halo_version version, MPI_Comm comm) {
  const slab& part = wave.part;
  if (version == halo_version::sendrecv) {
    exchange_halos_sendrecv(part, wave.current.data(), comm);
    update_rows(wave, part.updated_rows());
  } else {
    halo_exchange_in_flight exchange(part, wave.current.data(), comm);
    update_rows(wave, part.rows_without_halo());  // reads no halo row: runs while they travel
    exchange.finish();
    update_rows(wave, part.top_edge_rows());
    update_rows(wave, part.bottom_edge_rows());
  }
  finish_step(wave);
}

energy_sum global_energy(const wave_slab& wave, MPI_Comm comm) {
  const energy_sum mine = slab_energy(wave);
  const double sums[2] = {mine.energy, mine.magnitude};
  double total[2] = {0.0, 0.0};
  GPULAB_MPI_TRY(MPI_Allreduce(sums, total, 2, MPI_DOUBLE, MPI_SUM, comm));
  energy_sum all{total[0], total[1], 0};
  GPULAB_MPI_TRY(MPI_Allreduce(&mine.terms, &all.terms, 1, MPI_INT64_T, MPI_SUM, comm));
  return all;
}

divided_solution solve_divided(const wave_problem& problem, halo_version version, MPI_Comm comm,
                               const std::function<void(int step)>& each_step) {
  int rank = 0;
  int ranks = 0;
  GPULAB_MPI_TRY(MPI_Comm_rank(comm, &rank));
  GPULAB_MPI_TRY(MPI_Comm_size(comm, &ranks));
  std::optional<wave_slab> wave;
  agree_or_throw(comm, [&] { wave.emplace(make_wave_slab(problem, make_slab(problem.grid, rank, ranks))); });

  divided_solution solution;
  solution.initial_energy = global_energy(*wave, comm);  // the halos come from the initial pulse
  GPULAB_MPI_TRY(MPI_Barrier(comm));                     // every rank starts the clock together
  const double start = MPI_Wtime();
  for (int step = 0; step < problem.steps; ++step) {
    if (each_step) each_step(step);
    step_divided(*wave, version, comm);
  }
  const double seconds = MPI_Wtime() - start;
  GPULAB_MPI_TRY(MPI_Allreduce(&seconds, &solution.seconds, 1, MPI_DOUBLE, MPI_MAX, comm));
  // `previous` kept the halos of the last exchange; `current` needs one more for the energy.
  exchange_halos_sendrecv(wave->part, wave->current.data(), comm);
  solution.energy = global_energy(*wave, comm);
  solution.wave = std::move(*wave);
  return solution;
}

std::vector<float> gather_field(const wave_slab& wave, MPI_Comm comm, int root) {
  const slab& part = wave.part;
  if (part.grid.cells() > INT_MAX) {  // every rank sees the same grid, so every rank throws
    throw all_ranks_error("a grid of " + std::to_string(part.grid.cells()) +
                              " cells is too large to gather on one rank (MPI counts in int: at most 2^31 - 1)",
                          exit_code::usage);
  }
  // The root knows every slab from the decomposition itself: no sizes to send.
  std::vector<int> counts;
  std::vector<int> displacements;
  std::vector<float> field;
  if (part.rank == root) {
    for (int r = 0; r < part.ranks; ++r) {
      const slab other = make_slab(part.grid, r, part.ranks);
      counts.push_back(static_cast<int>(other.rows * part.grid.cols));
      displacements.push_back(static_cast<int>(other.first_row * part.grid.cols));
    }
    field.resize(static_cast<std::size_t>(part.grid.cells()));
  }
  const std::span<const float> mine = owned_rows(wave);
  GPULAB_MPI_TRY(MPI_Gatherv(mine.data(), static_cast<int>(mine.size()), MPI_FLOAT, field.data(), counts.data(),
                             displacements.data(), MPI_FLOAT, root, comm));
  return field;
}

}  // namespace gpulab::multigpu

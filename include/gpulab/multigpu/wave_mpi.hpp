// SPDX-License-Identifier: MIT
// The divided wave solve: one slab per rank of an MPI communicator, the halos
// exchanged before every step (halo_exchange.hpp), the energy summed over all
// ranks with MPI_Allreduce. Each cell is computed as in the undivided solve
// (wave.hpp), so the field is the same bit for bit however many ranks there are.
#pragma once

#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "gpulab/multigpu/wave.hpp"

namespace gpulab::multigpu {

enum class halo_version {
  sendrecv,  // MPI_Sendrecv, then the whole slab
  overlap,   // MPI_Isend/MPI_Irecv, the rows that need no halo while they travel, then the edges
};
std::string to_string(halo_version version);

// One step on this rank's slab: exchange the halos of `current`, compute `next`, rotate.
void step_divided(wave_slab& wave, halo_version version, MPI_Comm comm);

// The energy (wave.hpp) of all slabs: each rank's share, summed with MPI_Allreduce.
// Needs the halos of `current` and `previous` up to date. Collective.
energy_sum global_energy(const wave_slab& wave, MPI_Comm comm);

struct divided_solution {
  wave_slab wave;  // this rank's slab after the steps, its halos up to date
  energy_sum initial_energy;
  energy_sum energy;
  double seconds = 0.0;  // the steps, on the slowest rank
};

// Cuts problem.grid into one slab per rank of `comm` and runs problem.steps steps.
// A set-up error on any rank (more ranks than rows, not enough host memory) is
// thrown on every rank as all_ranks_error. `each_step(step)`, when given, runs on
// every rank before every step (the app's --fail-rank uses it). Collective.
divided_solution solve_divided(const wave_problem& problem, halo_version version, MPI_Comm comm,
                               const std::function<void(int step)>& each_step = {});

// Every rank's owned rows, gathered on `root` (MPI_Gatherv: the slabs may differ
// by one row) into the rows x cols field; empty on the other ranks. Collective.
std::vector<float> gather_field(const wave_slab& wave, MPI_Comm comm, int root = 0);

}  // namespace gpulab::multigpu

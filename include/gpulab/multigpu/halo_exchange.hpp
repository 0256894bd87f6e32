// SPDX-License-Identifier: MIT
// The halo exchange of module 8: before each step, every slab sends its first
// row to the rank above and its last row to the rank below, and receives theirs
// into its halo rows (slab.hpp). Two versions, side by side:
//   - exchange_halos_sendrecv: MPI_Sendrecv, blocking; the step waits for it;
//   - halo_exchange_in_flight: MPI_Irecv/MPI_Isend started, the rows that need no
//     halo computed meanwhile, then finish() and the two edge rows.
// Both take the padded array as a raw pointer: with a CUDA-aware MPI it may be
// device memory, and a GPU version keeps the same slab arithmetic.
// A slab at the top or bottom of the grid talks to MPI_PROC_NULL on that side:
// MPI then sends and receives nothing, so no rank needs an `if`.
#pragma once

#include <mpi.h>

#include <array>

#include "gpulab/multigpu/slab.hpp"

namespace gpulab::multigpu {

// The rank to send to or receive from: MPI_PROC_NULL where slab.hpp says no_neighbour.
inline int mpi_neighbour(int neighbour) { return neighbour == no_neighbour ? MPI_PROC_NULL : neighbour; }

// Fills both halo rows of `field` (slab::padded_elements() floats) from the
// neighbours, and sends them this slab's edge rows. Collective over the
// neighbours: every rank of `comm` calls it in the same step.
void exchange_halos_sendrecv(const slab& part, float* field, MPI_Comm comm);

// The nonblocking exchange, started by its constructor. Call finish() before
// reading the halo rows or writing the edge rows; the destructor finishes an
// exchange that is still in flight (ignoring errors: destructors never throw).
class halo_exchange_in_flight {
 public:
  halo_exchange_in_flight(const slab& part, float* field, MPI_Comm comm);
  ~halo_exchange_in_flight();
  halo_exchange_in_flight(const halo_exchange_in_flight&) = delete;
  halo_exchange_in_flight& operator=(const halo_exchange_in_flight&) = delete;

  void finish();  // MPI_Waitall: the halos have arrived and the edge rows were sent

 private:
  std::array<MPI_Request, 4> requests_{MPI_REQUEST_NULL, MPI_REQUEST_NULL, MPI_REQUEST_NULL, MPI_REQUEST_NULL};
};

}  // namespace gpulab::multigpu

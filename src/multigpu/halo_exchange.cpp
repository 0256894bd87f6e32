// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/halo_exchange.hpp"

#include <climits>
#include <string>

#include "gpulab/multigpu/mpi_session.hpp"

namespace gpulab::multigpu {

namespace {

// Rows travelling up (to rank - 1) and down (to rank + 1) carry different tags,
// so a slab of one row, whose first row is also its last, cannot mix them up.
constexpr int tag_upward = 1;
constexpr int tag_downward = 2;

// One row is one message of `cols` floats; MPI counts in int.
int row_count(const slab& part) {
  if (part.grid.cols > INT_MAX) {
    throw usage_error("rows of " + std::to_string(part.grid.cols) + " columns are too long for one MPI message");
  }
  return static_cast<int>(part.grid.cols);
}

}  // namespace

void exchange_halos_sendrecv(const slab& part, float* field, MPI_Comm comm) {
  const int count = row_count(part);
  const int above = mpi_neighbour(part.neighbour_above());
  const int below = mpi_neighbour(part.neighbour_below());
  float* first_row = field + part.offset_of(1);
  float* last_row = field + part.offset_of(part.rows);
  float* halo_above = field + part.offset_of(0);
  float* halo_below = field + part.offset_of(part.rows + 1);
  // Up: my first row to the rank above, while the rank below sends me its first row.
  GPULAB_MPI_TRY(MPI_Sendrecv(first_row, count, MPI_FLOAT, above, tag_upward, halo_below, count, MPI_FLOAT, below,
                              tag_upward, comm, MPI_STATUS_IGNORE));
  // Down: my last row to the rank below, while the rank above sends me its last row.
  GPULAB_MPI_TRY(MPI_Sendrecv(last_row, count, MPI_FLOAT, below, tag_downward, halo_above, count, MPI_FLOAT, above,
                              tag_downward, comm, MPI_STATUS_IGNORE));
}

halo_exchange_in_flight::halo_exchange_in_flight(const slab& part, float* field, MPI_Comm comm) {
  const int count = row_count(part);
  const int above = mpi_neighbour(part.neighbour_above());
  const int below = mpi_neighbour(part.neighbour_below());
  // The receives first, so that MPI has somewhere to put a row that arrives early.
  GPULAB_MPI_TRY(MPI_Irecv(field + part.offset_of(0), count, MPI_FLOAT, above, tag_downward, comm, &requests_[0]));
  GPULAB_MPI_TRY(
      MPI_Irecv(field + part.offset_of(part.rows + 1), count, MPI_FLOAT, below, tag_upward, comm, &requests_[1]));
  GPULAB_MPI_TRY(MPI_Isend(field + part.offset_of(1), count, MPI_FLOAT, above, tag_upward, comm, &requests_[2]));
  GPULAB_MPI_TRY(
      MPI_Isend(field + part.offset_of(part.rows), count, MPI_FLOAT, below, tag_downward, comm, &requests_[3]));
}

halo_exchange_in_flight::~halo_exchange_in_flight() {
  MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);  // no-op once finished
}

void halo_exchange_in_flight::finish() {
  GPULAB_MPI_TRY(MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE));
}

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
// Exercise (module 8): the halo exchange of the slab decomposition with grouped
// ncclSend/ncclRecv, on its own stream, ordered against the compute stream by events.
//
// The checker runs the exchange in a wave solve whose rows wrap around (the grid
// is a ring of rows: the rank above rank 0 is the last rank), one rank per GPU,
// each driven by a host thread of one process (ncclCommInitAll): with 4 GPUs 4
// ranks, with one GPU one rank that is its own neighbour above and below. NCCL
// refuses two ranks on one GPU; the ring gives the single rank a real exchange
// (with itself), so the exercise means the same on one GPU as on eight.
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <cstdint>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

// One rank's slab and where its exchange runs.
struct halo_exchange_args {
  // The padded slab (device memory, (rows + 2) x cols floats, row-major):
  //   row 0          halo above: must receive the LAST row of the rank above
  //   rows 1..rows   the rows this rank owns
  //   row rows + 1   halo below: must receive the FIRST row of the rank below
  float* field = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  int above = 0;  // the rank above (rank - 1, wrapping round: the grid is a ring of rows)
  int below = 0;  // the rank below (rank + 1, wrapping round)
  ncclComm_t comm = nullptr;
  cudaStream_t compute = nullptr;  // where the step's kernels run (the last one wrote `field`)
  cudaStream_t halo = nullptr;     // where the exchange runs
  cudaEvent_t field_ready = nullptr;    // for the exchange to wait for the compute stream
  cudaEvent_t halos_arrived = nullptr;  // for the compute stream to wait for the exchange
};

using halo_exchange_fn = void (*)(const halo_exchange_args& a);

namespace reference {
void halo_exchange(const halo_exchange_args& a);
}
namespace trainee {
void halo_exchange(const halo_exchange_args& a);
}

// How long the checker waits for an exchange before it calls it a deadlock.
inline constexpr int halo_exchange_deadline_seconds = 20;

check_report check_halo_exchange(halo_exchange_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

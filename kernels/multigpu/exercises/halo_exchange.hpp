// SPDX-License-Identifier: MIT
// EXERCISE (module 8, multigpu): the halo exchange, with grouped ncclSend/ncclRecv.
//
// Each rank owns `rows` rows of the grid, padded by one halo row on each side
// (include/gpulab/multigpu/exercises/halo_exchange.hpp draws it). Before every
// step of the wave solve, each rank must
//   - send its FIRST row (row 1) to the rank `above`, and its LAST row (row `rows`)
//     to the rank `below`;
//   - receive into its halo below (row rows + 1) the first row of the rank `below`,
//     and into its halo above (row 0) the last row of the rank `above`.
// A row is `cols` floats, contiguous: row r starts at a.field + r * a.cols.
//
// Write it in three parts:
//   1. The exchange must not send rows that the last step's kernel is still
//      writing: record a.field_ready on a.compute and make a.halo wait for it
//      (cudaEventRecord, cudaStreamWaitEvent).
//   2. On a.halo, ONE group (ncclGroupStart ... ncclGroupEnd) of two shifts, in
//      this order:
//        the upward shift:   ncclSend(first row, to above), ncclRecv(halo below, from below)
//        the downward shift: ncclSend(last row, to below),  ncclRecv(halo above, from above)
//      (count a.cols, type ncclFloat, a.comm, a.halo). Why a group: a send waits
//      until its receiver is ready; if every rank sends first and receives after,
//      every rank waits for the others forever (a deadlock). Inside one group
//      NCCL starts them together. Why this order: NCCL matches the messages
//      between two ranks in the order they are posted. On a ring of one or two
//      ranks, `above` and `below` are the same rank, and only the order tells
//      which row goes to which halo.
//   3. The next step's kernel (on a.compute) must not read the halos before they
//      arrive: record a.halos_arrived on a.halo and make a.compute wait for it.
// Wrap every call in GPULAB_CUDA_TRY / GPULAB_NCCL_TRY to see its errors.
//
// Check your solution with:   gpulab check halo_exchange
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include "gpulab/core/error.hpp"  // GPULAB_CUDA_TRY, GPULAB_NCCL_TRY
#include "gpulab/multigpu/exercises/halo_exchange.hpp"

namespace gpulab::exercises::trainee {

void halo_exchange(const halo_exchange_args& a) {
  [[maybe_unused]] float* first_row = a.field + 1 * a.cols;
  [[maybe_unused]] float* last_row = a.field + a.rows * a.cols;
  [[maybe_unused]] float* halo_above = a.field;
  [[maybe_unused]] float* halo_below = a.field + (a.rows + 1) * a.cols;
  // TODO(trainee): parts 1, 2 and 3 above.
}

}  // namespace gpulab::exercises::trainee

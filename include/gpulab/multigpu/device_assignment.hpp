// SPDX-License-Identifier: MIT
// Which GPU each process of module 8 takes: one process per GPU, the process's
// rank within its node (mpi_session::node_rank) is its device index. Pure
// arithmetic, no MPI and no CUDA, so a host test checks the refusal below.
#pragma once

#include <optional>
#include <string>

namespace gpulab::multigpu {

// Why `ranks_on_node` processes cannot each take a GPU of their own when
// `visible_gpus` are visible, or nothing when they can. Checked before
// ncclCommInitRank: two ranks on one GPU would wait for each other forever in
// NCCL's set-up (NCCL refuses a communicator with one GPU twice, but only after
// every rank has joined: with one GPU and two ranks, never).
//   "4 ranks on this node but 1 GPU visible: start at most 1 rank per node (one process per GPU)"
std::optional<std::string> device_assignment_problem(int ranks_on_node, int visible_gpus);

// device_assignment_problem() as a usage_error (exit code 2), or the device of
// the process with node rank `node_rank`: the node rank itself.
int device_for_node_rank(int node_rank, int ranks_on_node, int visible_gpus);

}  // namespace gpulab::multigpu

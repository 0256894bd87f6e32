// SPDX-License-Identifier: MIT
// Built instead of communicator_nccl.cpp where NCCL was not found: the NCCL
// backend's functions say so (the MPI backend and the host solver still work).
#include "gpulab/core/error.hpp"
#include "gpulab/multigpu/communicator.hpp"

namespace gpulab::multigpu {

namespace {
[[noreturn]] void no_nccl() {
  throw usage_error("gpulab was built without NCCL (configure found no nccl.h and libnccl): use --comm mpi");
}
}  // namespace

std::unique_ptr<communicator> make_nccl_communicator(MPI_Comm, int, int) { no_nccl(); }
std::vector<std::unique_ptr<communicator>> make_nccl_communicators(const std::vector<int>&) { no_nccl(); }
void in_nccl_group(const std::function<void()>&) { no_nccl(); }
bool built_with_nccl() { return false; }
std::string nccl_version() { return "none (built without NCCL)"; }

}  // namespace gpulab::multigpu

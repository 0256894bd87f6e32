// SPDX-License-Identifier: MIT
// Built instead of one_gpu_cases.cpp where MPI or NCCL was not found: the
// module still lists its cases, and running them says in one line what this
// build lacks (usage_error, exit code 2) before any GPU work.
#include "gpulab/core/error.hpp"
#include "gpulab/multigpu/cases.hpp"

#ifndef GPULAB_MULTIGPU_MISSING
#error "src/multigpu/CMakeLists.txt names what is missing: GPULAB_MULTIGPU_MISSING=\"MPI\" or \"NCCL\""
#endif

namespace gpulab::multigpu {

std::string one_gpu_cases_unavailable() {
  return std::string("module 8's cases need MPI and NCCL, and gpulab was built without ") + GPULAB_MULTIGPU_MISSING +
         " (configure found none: install libopenmpi-dev and libnccl-dev, or load their modules, then "
         "configure again)";
}

std::unique_ptr<bench_case> make_wave_step_case(std::int64_t) { throw usage_error(one_gpu_cases_unavailable()); }
std::unique_ptr<bench_case> make_all_reduce_case(std::size_t) { throw usage_error(one_gpu_cases_unavailable()); }

}  // namespace gpulab::multigpu

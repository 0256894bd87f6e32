// SPDX-License-Identifier: MIT
// Module 8 as `gpulab` sees it: the cases one process runs on one GPU, with an
// NCCL communicator of size 1 (no mpirun). Several GPUs, one process each, are
// gpulab-multigpu's (apps/gpulab_multigpu.cpp): mpirun -np N gpulab-multigpu wave ...
#include "gpulab/multigpu/module.hpp"

#include <string>
#include <vector>

#include "gpulab/core/format.hpp"
#include "gpulab/multigpu/cases.hpp"

namespace gpulab::multigpu {

namespace {

constexpr std::int64_t default_grid = 4096;            // the course's 4096 x 4096 float32 wave
constexpr std::size_t default_floats = std::size_t{1} << 26;  // 256 MiB, a large nccl-tests size
// The sabotage test's sizes: odd, so no block or row divides them evenly.
constexpr std::uint64_t check_grid = 131;
constexpr std::uint64_t check_floats = 100003;

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  if (const case_result* r = find_verified(results, {.operation = "wave_step"})) {
    std::string line = "wave_step on " + r->size_label + ": " + format_fixed(r->gpu.median_ms, 4) + " ms a step, " +
                       format_fixed(r->gigabytes_per_second(), 0) + " GB/s";
    if (r->percent_of_peak) line += " = " + format_fixed(*r->percent_of_peak, 1) + "% of its ceiling (target >= 80%)";
    lines.push_back(line + "; on N GPUs: mpirun -np N gpulab-multigpu wave --backend gpu");
  }
  if (const case_result* r = find_verified(results, {.operation = "all_reduce"})) {
    // nccl-tests' algbw: the buffer's size / time; busbw is 0 on one rank (no link carries anything).
    lines.push_back("all_reduce_nccl on 1 rank: algbw " +
                    format_fixed(r->work.bytes_read / (r->gpu.median_ms * 1e-3) / 1e9, 0) +
                    " GB/s (size / time), busbw 0 (one rank: nothing crosses a link); on N GPUs: "
                    "mpirun -np N gpulab-multigpu collectives");
  }
  return lines;
}

// A case's description, and what is missing when this build cannot run it.
std::string described(const std::string& what) {
  const std::string missing = one_gpu_cases_unavailable();
  return missing.empty() ? what : what + " [not in this build: needs MPI and NCCL]";
}

}  // namespace

training_module make_module() {
  const bool available = one_gpu_cases_unavailable().empty();
  return {
      .name = "multigpu",
      .title = "gpulab module 8: multigpu, scaling out (here one process on one GPU; "
               "mpirun -np N gpulab-multigpu for N GPUs)",
      .cases = {{"wave_step",
                 described("one step of the 2D wave equation, the grid one slab, overlapped halos through an NCCL "
                           "communicator of size 1, bit-exact vs the host (--size N: an N x N grid; default 4096)"),
                 one_case([](const run_options& o) {
                   return make_wave_step_case(static_cast<std::int64_t>(o.size.value_or(default_grid)));
                 }),
                 check_grid},
                {"all_reduce_nccl",
                 described("ncclAllReduce (sum) on a communicator of size 1, verified exactly (--size: floats; "
                           "default 64M = 256 MiB)"),
                 one_case([](const run_options& o) {
                   return make_all_reduce_case(static_cast<std::size_t>(o.size.value_or(default_floats)));
                 }),
                 check_floats}},
      .tour = available ? std::vector<run_item>{{"wave_step", std::nullopt}} : std::vector<run_item>{},
      .compare = compare,
      // Refused before any GPU work when the build has no NCCL or MPI: one line, exit code 2.
      .validate =
          [](const run_options&) {
            if (const std::string missing = one_gpu_cases_unavailable(); !missing.empty()) throw usage_error(missing);
          },
  };
}

}  // namespace gpulab::multigpu

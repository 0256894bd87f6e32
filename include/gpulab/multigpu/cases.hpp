// SPDX-License-Identifier: MIT
// The cases of module 8 that `gpulab multigpu` and `gpulab tour` run: one
// process, one GPU, a communicator of size 1 made by NCCL in single-process mode
// (ncclCommInitAll over this one GPU: no MPI, no mpirun). They measure what one
// GPU contributes before any scaling: the wave step (the halo exchange's code
// path with nothing to exchange) and NCCL's all_reduce (a copy on one rank).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "gpulab/bench/case.hpp"

namespace gpulab::multigpu {

// "" when this build runs the cases below, else why not, in one line
// ("gpulab was built without NCCL (...)"): they need MPI's headers and NCCL.
std::string one_gpu_cases_unavailable();

// One leapfrog step of the wave equation on an n x n grid, the whole grid one
// slab on this GPU, through gpu_wave_stepper with overlapped halos and an NCCL
// communicator of size 1; the inputs are the initial pulse plus seeded noise
// (so every cell matters), and `next` is compared bit for bit with the host's
// update_rows. Throws usage_error when one_gpu_cases_unavailable() says why.
std::unique_ptr<bench_case> make_wave_step_case(std::int64_t n);

// ncclAllReduce (sum, float32, out of place) of `count` seeded floats on a
// communicator of size 1, compared exactly with the sum over the ranks (the
// values are multiples of 1/8: every sum is exact). On one rank NCCL copies
// the buffer: the row shows that copy against the device's copy ceiling.
std::unique_ptr<bench_case> make_all_reduce_case(std::size_t count);

}  // namespace gpulab::multigpu

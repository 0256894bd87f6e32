// SPDX-License-Identifier: MIT
// The entry point of module `multigpu` (8): its cases and tour, as the runner
// and the apps see them. `gpulab multigpu` runs them in one process on one GPU,
// with an NCCL communicator of size 1; several GPUs are gpulab-multigpu's, one
// process per GPU under mpirun or srun (apps/gpulab_multigpu.cpp).
#pragma once

#include "gpulab/bench/runner.hpp"

namespace gpulab::multigpu {

training_module make_module();

}  // namespace gpulab::multigpu

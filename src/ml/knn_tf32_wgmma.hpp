// SPDX-License-Identifier: MIT
// Private to src/ml: the kNN filter's wgmma pass (kernels/ml/knn_tf32_wgmma.cuh), which
// lives in its own translation unit, knn_tf32_wgmma.cu, built only for sm_90a (CMake
// target gpulab_ml_wgmma): wgmma exists in no other architecture's code, and "90a" code
// runs on compute capability 9.0 alone. On any other GPU the runtime finds no code for
// the kernel, and the search takes the mma.sync pass.
#pragma once

#include <cuda_runtime.h>

#include <cuda/stream_ref>

#include "kernels/ml/knn_tf32_pass.cuh"

namespace gpulab::ml::detail {

// True when this build holds the pass's sm_90a code and the current GPU can run it; then
// also sets the kernels' shared-memory limit (once per workspace, not per search).
bool prepare_tf32_wgmma_pass();

// The pass over grid (query blocks, ranges), as the mma.sync pass (kernels::knn_tf32_pass).
void launch_tf32_wgmma_pass(kernels::tf32_pass_mode mode, dim3 grid, const kernels::tf32_pass_args& a,
                            cuda::stream_ref s);

}  // namespace gpulab::ml::detail

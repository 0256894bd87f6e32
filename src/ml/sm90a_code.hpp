// SPDX-License-Identifier: MIT
// Private to src/ml: whether a kernel built for sm_90a alone (CMake target gpulab_ml_wgmma:
// the wgmma kernels) can run here. "90a" code runs on compute capability 9.0 and nowhere
// else; on 9.0 it is there unless the build left it out.
#pragma once

#include <cuda_runtime.h>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab::ml::detail {

template <class Kernel>
bool runs_sm90a_code(Kernel kernel) {
  // Elsewhere, say no without asking the runtime (whose "no kernel image" would also clear
  // an error pending from earlier work).
  const compute_capability_number cc = current_compute_capability();
  if (cc.major != 9 || cc.minor != 0) return false;
  cudaFuncAttributes attributes{};
  const cudaError_t found = cudaFuncGetAttributes(&attributes, kernel);
  if (found == cudaErrorNoKernelImageForDevice || found == cudaErrorInvalidDeviceFunction) {
    (void)cudaGetLastError();  // not sticky: clear it
    return false;
  }
  GPULAB_CUDA_TRY(found);  // any other answer is an error of its own
  return true;
}

}  // namespace gpulab::ml::detail

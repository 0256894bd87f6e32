// SPDX-License-Identifier: MIT
// The kNN filter's wgmma pass: launches and the check that this build can run it
// (knn_tf32_wgmma.hpp). Built for sm_90a only (src/ml/CMakeLists.txt).
#include "knn_tf32_wgmma.hpp"

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "sm90a_code.hpp"
#include "kernels/ml/knn_tf32_wgmma.cuh"

namespace gpulab::ml::detail {

bool prepare_tf32_wgmma_pass() {
  using kernels::tf32_pass_mode;
  if (!runs_sm90a_code(kernels::knn_tf32_wgmma_pass<tf32_pass_mode::filter>)) return false;
  for (const auto kernel : {kernels::knn_tf32_wgmma_pass<tf32_pass_mode::minima>,
                            kernels::knn_tf32_wgmma_pass<tf32_pass_mode::filter>}) {
    allow_dynamic_shared_memory(kernel, kernels::tf32_wgmma_shared_bytes);
  }
  return true;
}

void launch_tf32_wgmma_pass(kernels::tf32_pass_mode mode, dim3 grid, const kernels::tf32_pass_args& a,
                            cuda::stream_ref s) {
  using kernels::tf32_pass_mode;
  const auto kernel = mode == tf32_pass_mode::minima ? kernels::knn_tf32_wgmma_pass<tf32_pass_mode::minima>
                                                     : kernels::knn_tf32_wgmma_pass<tf32_pass_mode::filter>;
  kernel<<<grid, kernels::tf32_filter_threads, kernels::tf32_wgmma_shared_bytes, s.get()>>>(a);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::ml::detail

// SPDX-License-Identifier: MIT
// Module 7 `ml`: the example kernel scripts/new-module starts a module
// with. Replace it with the kernels the module teaches, one file per topic,
// versions side by side, each named by what it teaches.
//
// Kernels that are not templates are `static`: each .cu file that includes this
// header gets its own copy, so no one-definition-rule trap.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::ml::kernels {

// [snippet:scale_by_two]
// One thread per element; the extra threads of the last block do nothing.
static __global__ void scale_by_two(const float* __restrict__ in, float* __restrict__ out,
                                    std::int64_t n) {
  const std::int64_t i = global_thread_id();  // 64-bit: no overflow past 2^31 elements
  if (i < n) out[i] = 2.0f * in[i];
}
// [/snippet:scale_by_two]

}  // namespace gpulab::ml::kernels

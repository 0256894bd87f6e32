// SPDX-License-Identifier: MIT
// The launchers of module 7's kernels: the only file of the module that nvcc
// must compile for them (module.cpp stays plain C++).
#include <cstdint>

#include "gpulab/ml/kernels.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "kernels/ml/scale_by_two.cuh"

namespace gpulab::ml {

namespace {
constexpr unsigned block_size = 256;
}  // namespace

void scale_by_two_async(cuda::std::span<const float> in, cuda::std::span<float> out, cuda::stream_ref s) {
  if (out.size() < in.size()) throw usage_error("scale_by_two_async: output is smaller than input");
  const auto n = static_cast<std::int64_t>(in.size());
  if (n == 0) return;  // a launch with zero blocks is an error
  kernels::scale_by_two<<<blocks_for(n, block_size), block_size, 0, s.get()>>>(in.data(), out.data(), n);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::ml

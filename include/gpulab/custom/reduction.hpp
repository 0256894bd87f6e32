// SPDX-License-Identifier: MIT
// Module 5 `custom`: sum and dot product on the GPU, in the versions of
// kernels/custom/reduce.cuh plus CUB's DeviceReduce, behind one host function.
#pragma once

#include <cstddef>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <string>
#include <vector>

#include "gpulab/core/memory.hpp"

namespace gpulab::custom {

enum class reduce_version {
  atomic_per_element,  // one atomicAdd per element, all on one address
  shared_tree,         // a tree in shared memory, one atomic per block
  warp_shuffle,        // warp shuffles, one atomic per block
  multi_element,       // 16 elements per thread as four float4 loads, then warp shuffles
  wide_tile,           // the sum in the dot's shape: 8 float4 per thread (a dot: 4 + 4), 32 KiB per block
  cub,                 // cub::DeviceReduce: the library
};
const char* reduce_version_name(reduce_version v);  // "atomic_per_element", ...
std::vector<reduce_version> all_reduce_versions();

// The float result in device memory, and the scratch CUB needs: made once, used every run.
class reduction_workspace {
 public:
  reduction_workspace(std::size_t max_n, cuda::stream_ref s);
  [[nodiscard]] float* result() noexcept { return result_.data(); }
  [[nodiscard]] const device_buffer<float>& result_buffer() const noexcept { return result_; }
  device_buffer<std::byte>& cub_scratch() noexcept { return cub_scratch_; }
  [[nodiscard]] std::size_t max_n() const noexcept { return max_n_; }

 private:
  std::size_t max_n_;
  device_buffer<float> result_;
  device_buffer<std::byte> cub_scratch_;
};

// *work.result() = sum of x (y empty) or x . y, in float, enqueued on s.
void reduce_async(reduce_version v, cuda::std::span<const float> x, cuda::std::span<const float> y,
                  reduction_workspace& work, cuda::stream_ref s);

// Reads the result back (waits for s).
float read_result(const reduction_workspace& work, cuda::stream_ref s);

}  // namespace gpulab::custom

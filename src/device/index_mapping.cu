// SPDX-License-Identifier: MIT
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/device/demos.hpp"
#include "kernels/device/index_mapping.cuh"

namespace gpulab::device {

void map_2d_index_async(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s) {
  if (rows <= 0 || cols <= 0) throw usage_error("map_2d_index: rows and cols must be positive");
  if (out.size() < static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols)) {
    throw usage_error("map_2d_index: output is smaller than rows x cols");
  }
  // [snippet:map_2d_launch]
  const dim3 block(16, 16);  // 256 threads: x along columns, y along rows
  const dim3 grid((cols + block.x - 1) / block.x, (rows + block.y - 1) / block.y);  // round up
  kernels::map_2d_index<<<grid, block, 0, s.get()>>>(out.data(), rows, cols);
  GPULAB_CHECK_LAUNCH();
  // [/snippet:map_2d_launch]
}

index_map run_index_mapping(int rows, int cols, int block_x, int block_y, cuda::stream_ref s) {
  if (rows <= 0 || cols <= 0 || block_x <= 0 || block_y <= 0 || block_x * block_y > 1024) {
    throw usage_error("index mapping: rows, cols and block sizes must be positive, at most 1024 threads per block");
  }
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  device_buffer<int> linear(n, s), block_id(n, s), thread_id(n, s);
  linear.fill_bytes_async(0xFF, s);  // -1 everywhere: an element nobody wrote shows up as -1
  block_id.fill_bytes_async(0xFF, s);
  thread_id.fill_bytes_async(0xFF, s);
  const dim3 block(static_cast<unsigned>(block_x), static_cast<unsigned>(block_y));
  const dim3 grid((cols + block_x - 1) / block_x, (rows + block_y - 1) / block_y);
  kernels::map_2d_index<<<grid, block, 0, s.get()>>>(linear.data(), rows, cols);
  GPULAB_CHECK_LAUNCH();
  kernels::map_2d_who_wrote<<<grid, block, 0, s.get()>>>(block_id.data(), thread_id.data(), rows, cols);
  GPULAB_CHECK_LAUNCH();

  index_map result{rows, cols, block_x, block_y, std::vector<int>(n), std::vector<int>(n), std::vector<int>(n)};
  copy_to_host_async(linear, std::span<int>(result.linear_index), s);
  copy_to_host_async(block_id, std::span<int>(result.block_id), s);
  copy_to_host_async(thread_id, std::span<int>(result.thread_id), s);
  synchronize(s);
  return result;
}

}  // namespace gpulab::device

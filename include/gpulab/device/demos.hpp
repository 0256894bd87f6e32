// SPDX-License-Identifier: MIT
// Module 1 "device": GPU architecture and features, asked from the device itself.
#pragma once

#include <cstddef>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"

namespace gpulab::device {

// ------------------------------------------------------------------ attributes
// Every cudaDeviceAttr the runtime knows, named as PyCUDA prints them
// (MAX_THREADS_PER_BLOCK, ...), with its value on `device`.
struct attribute_value {
  int id;
  std::string name;
  std::string description;
  int value;
};
std::vector<attribute_value> all_attributes(int device);

// ------------------------------------------------------------------ index mapping
// Which element each thread of a 2D grid writes (the course's map_2d_kernel).
struct index_map {
  int rows = 0, cols = 0, block_x = 0, block_y = 0;
  std::vector<int> linear_index;  // what the kernel wrote: row * cols + col
  std::vector<int> block_id;      // the linear id of the block that wrote it
  std::vector<int> thread_id;     // the linear id of the thread inside its block
};
index_map run_index_mapping(int rows, int cols, int block_x, int block_y, cuda::stream_ref s);

// The reference launcher used by the exercise checker: 16 x 16 blocks.
void map_2d_index_async(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s);

// ------------------------------------------------------------------ occupancy
struct occupancy_row {
  int block_size = 0;
  int registers_per_thread = 0;
  std::size_t shared_bytes_per_block = 0;
  int blocks_per_sm = 0;
  int warps_per_sm = 0;
  double occupancy = 0;  // active warps / maximum warps per SM
  std::string limited_by;
};
// The occupancy calculator for the kit's copy kernel, over block sizes 32..1024,
// with no shared memory and with `shared_bytes` per block.
std::vector<occupancy_row> occupancy_by_block_size(std::size_t shared_bytes);

struct bandwidth_at_occupancy {
  int blocks_per_sm = 0;
  double occupancy = 0;
  double gigabytes_per_second = 0;
  bool verified = false;
};
// The copy kernel with occupancy forced down by reserving shared memory:
// fewer warps in flight, fewer bytes in flight, less bandwidth (latency hiding).
std::vector<bandwidth_at_occupancy> bandwidth_versus_occupancy(std::size_t bytes, std::uint64_t seed,
                                                               cuda::stream_ref s);

}  // namespace gpulab::device

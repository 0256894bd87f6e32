// SPDX-License-Identifier: MIT
// Module 2 "transfer": moving data between host and device.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "gpulab/bench/runner.hpp"

namespace gpulab::transfer {

// What a bandwidth case copies, and through which kind of memory.
enum class copy_kind {
  h2d_pageable,       // std::vector -> device (the driver stages through a pinned buffer)
  h2d_pinned,         // cudaMallocHost -> device (DMA straight from host memory)
  d2h_pageable,
  d2h_pinned,
  d2d_memcpy,         // cudaMemcpy device -> device
  d2d_copy_kernel,       // the kit's own copy kernel (one tile per block)
  d2d_copy_grid_stride,  // the same accesses from a grid-stride loop
  d2d_copy_wide_tile,    // the copy kernel with 32 KiB tiles: 8 vectors per thread instead of 4
  managed_on_demand,  // managed memory last touched by the host, read by a kernel: page faults migrate it
  managed_prefetch,   // the same, with cudaMemPrefetchAsync to the device first
};
const char* copy_kind_name(copy_kind kind);

std::unique_ptr<bench_case> make_copy_case(copy_kind kind, std::size_t bytes);

// The sweep sizes: 4 KiB, 16 KiB, ..., 1 GiB (powers of 4).
std::vector<std::size_t> sweep_sizes();

// "Multiply 50 million floats by 2", with and without the copies counted.
enum class scale_kind {
  device_resident,  // data already on the GPU: the kernel alone
  pageable_copies,  // copy in from pageable memory, kernel, copy back
  pinned_copies,    // the same from pinned memory
};
const char* scale_kind_name(scale_kind kind);
std::unique_ptr<bench_case> make_scale_case(scale_kind kind, std::size_t n);

// The copy-compute-copy pipeline, split into `chunks` and spread over `streams`.
struct overlap_config {
  std::size_t n = std::size_t{1} << 26;  // floats: 256 MiB each way
  int chunks = 16;
  int streams = 4;
  int fma_steps = 2048;  // compute per element: on an H100 the kernel then takes about as long as each copy
};
std::unique_ptr<bench_case> make_overlap_case(const overlap_config& config);

}  // namespace gpulab::transfer

// SPDX-License-Identifier: MIT
// Launch helpers shared by every kernel in the kit (needs nvcc).
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab {

// 64-bit global index of this thread in a 1D grid. blockIdx.x * blockDim.x is
// computed in 32 bits by default and overflows past 2^32 elements: widen first.
__device__ __forceinline__ std::int64_t global_thread_id() {
  return static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

// Total number of threads in a 1D grid: the step of a grid-stride loop.
__device__ __forceinline__ std::int64_t grid_thread_count() {
  return static_cast<std::int64_t>(gridDim.x) * blockDim.x;
}

// Blocks needed to give each of n elements its own thread.
constexpr unsigned blocks_for(std::int64_t n, unsigned block_size) {
  return static_cast<unsigned>((n + block_size - 1) / block_size);
}

// A grid-stride loop needs just enough blocks to fill every SM: the number
// the occupancy calculator says fit on one SM, times the number of SMs.
template <class Kernel>
unsigned occupancy_grid_size(Kernel kernel, int block_size, std::size_t dynamic_shared_bytes = 0) {
  int blocks_per_sm = 0;
  GPULAB_CUDA_TRY(
      cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, kernel, block_size, dynamic_shared_bytes));
  return static_cast<unsigned>(sm_count() * (blocks_per_sm > 0 ? blocks_per_sm : 1));
}

// Lets blocks of `kernel` use `bytes` of dynamic shared memory (past 48 KiB a kernel must
// opt in). The limit is the kernel's, not the caller's, so it is only ever raised here: two
// objects that launch the same kernel with different sizes (two k-means runs, two Gram
// products) must not lower it under each other, or the larger one's next launch fails.
// The limit is the current device's; the read and the set are two calls, so two host threads
// raising it for one kernel at once could still leave the smaller size (the kit does not).
template <class Kernel>
void allow_dynamic_shared_memory(Kernel kernel, std::size_t bytes) {
  cudaFuncAttributes a{};
  GPULAB_CUDA_TRY(cudaFuncGetAttributes(&a, kernel));
  if (bytes <= static_cast<std::size_t>(a.maxDynamicSharedSizeBytes)) return;
  GPULAB_CUDA_TRY(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
}

// The most shared memory a block may opt in to on the current device (static + dynamic).
inline std::size_t shared_memory_opt_in_bytes() {
  int device = 0, optin = 0;
  GPULAB_CUDA_TRY(cudaGetDevice(&device));
  GPULAB_CUDA_TRY(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, device));
  return static_cast<std::size_t>(optin);
}

// Whether a block of this kernel with `dynamic_bytes` of dynamic shared memory (plus the
// kernel's own static part) is within what a block may opt in to on the current device.
inline bool opt_in_fits(const cudaFuncAttributes& kernel, std::size_t dynamic_bytes) {
  return dynamic_bytes + kernel.sharedSizeBytes <= shared_memory_opt_in_bytes();
}

// What the runtime knows of a kernel in this build: its registers, its static shared
// memory, and ptxVersion (e.g. 80 when its code for this GPU came from compute_80 PTX).
template <class Kernel>
cudaFuncAttributes kernel_attributes(Kernel kernel) {
  cudaFuncAttributes a{};
  GPULAB_CUDA_TRY(cudaFuncGetAttributes(&a, kernel));
  return a;
}

}  // namespace gpulab

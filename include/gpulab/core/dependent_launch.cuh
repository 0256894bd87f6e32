// SPDX-License-Identifier: MIT
// Programmatic dependent launch (compute capability 9.0 and later): the next kernel in a
// stream starts before the one in front of it has finished.
//
// Normally a kernel starts only once the previous kernel in its stream has completed:
// its last block has exited, its writes are flushed, and only then does the GPU begin
// to launch the next grid, a gap of a few microseconds. For a loop of short kernels
// (k-means: an assignment of ~40 us, an update of a few us, 20 times) those gaps add up.
// Launched with launch_dependent, a kernel may be scheduled as soon as every block of the
// previous one has called let_next_grid_launch(); it then waits in wait_for_prior_grid()
// until the previous grid has completed and its writes are visible. The rule that keeps
// this correct: a kernel launched this way calls wait_for_prior_grid() before it reads
// or writes any memory the previous kernels use.
//
// Before sm_90 both device calls compile to nothing and launch_dependent launches
// normally: plain stream order.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <utility>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab {

// Blocks until the grids this one depends on have completed, their writes visible.
// A no-op in a kernel launched the ordinary way (the stream already waited).
__device__ __forceinline__ void wait_for_prior_grid() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

// This block no longer holds back the next grid's launch (its blocks may be placed on
// SMs as room frees up; they wait in wait_for_prior_grid()). No memory is made visible.
__device__ __forceinline__ void let_next_grid_launch() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
  asm volatile("griddepcontrol.launch_dependents;" :::);
#endif
}

// kernel<<<grid, block, shared_bytes, stream>>>(args...), allowed to start early (see above).
template <class... Params, class... Args>
void launch_dependent(void (*kernel)(Params...), dim3 grid, dim3 block, std::size_t shared_bytes,
                      cudaStream_t stream, Args&&... args) {
  cudaLaunchAttribute early_start{};
  early_start.id = cudaLaunchAttributeProgrammaticStreamSerialization;
  early_start.val.programmaticStreamSerializationAllowed = 1;
  cudaLaunchConfig_t config{};
  config.gridDim = grid;
  config.blockDim = block;
  config.dynamicSmemBytes = shared_bytes;
  config.stream = stream;
  config.attrs = &early_start;
  config.numAttrs = current_compute_capability().major >= 9 ? 1 : 0;  // older GPUs: an ordinary launch
  GPULAB_CUDA_TRY(cudaLaunchKernelEx(&config, kernel, std::forward<Args>(args)...));
}

}  // namespace gpulab

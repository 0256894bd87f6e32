// SPDX-License-Identifier: MIT
// Host launchers for module 2's kernels (kernels/transfer/copy.cuh, kernels/transfer/scale.cuh).
// Plain C++: apps and host tests include this without nvcc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>

namespace gpulab::transfer {

// The kit's device copy kernel: 16-byte vectors, one 16 KiB tile per block.
void copy_tiled_async(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out, cuda::stream_ref s);
// The tile copy with 8 vectors per thread, one 32 KiB tile per block (kernels/transfer/copy.cuh,
// copy_wide_tile): 160 KiB of loads in flight per SM instead of 128, half the blocks.
void copy_wide_tile_async(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out,
                          cuda::stream_ref s);
// The same accesses from a grid-stride loop over a GPU-filling grid (for comparison).
void copy_grid_stride_async(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out,
                            cuda::stream_ref s);
// The naive version: one float per thread.
void copy_one_element_per_thread_async(cuda::std::span<const float> in, cuda::std::span<float> out,
                                       cuda::stream_ref s);

// out[i] = factor * in[i]; vectorised when both pointers are 16-byte aligned.
void scale_async(cuda::std::span<const float> in, cuda::std::span<float> out, float factor, cuda::stream_ref s);

// data[i] <- `steps` times x <- fma(x, 0.999, 0.001): the compute stage of the overlap demo.
void repeated_fma_async(cuda::std::span<float> data, int steps, cuda::stream_ref s);
// The same on the CPU, bit for bit (fmaf rounds once, on both sides).
float repeated_fma_reference(float x, int steps);

}  // namespace gpulab::transfer

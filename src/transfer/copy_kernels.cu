// SPDX-License-Identifier: MIT
#include <cmath>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/transfer/kernels.hpp"
#include "kernels/transfer/copy.cuh"
#include "kernels/transfer/scale.cuh"

namespace gpulab::transfer {

namespace {
constexpr int block_size = 256;
constexpr int copy_vectors_per_thread = 4;
constexpr int wide_vectors_per_thread = 8;  // copy_wide_tile_async: 32 KiB per 256-thread block

void check_sizes(std::size_t in, std::size_t out, const char* what) {
  if (out < in) throw usage_error(std::string(what) + ": output is smaller than input");
}
}  // namespace

namespace {
// Splits a byte range into 16-byte vectors (when both ends are 16-byte aligned)
// and a tail of single bytes, and runs `vector_copy` on the vector part.
template <class VectorCopy>
void copy_bytes(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out, cuda::stream_ref s,
                VectorCopy vector_copy) {
  check_sizes(in.size(), out.size(), "copy");
  const auto n = static_cast<std::int64_t>(in.size());
  if (n == 0) return;
  std::int64_t vectors = 0;
  if (is_16_byte_aligned(in.data()) && is_16_byte_aligned(out.data())) {
    vectors = n / 16;
    if (vectors > 0) vector_copy(reinterpret_cast<const int4*>(in.data()), reinterpret_cast<int4*>(out.data()), vectors);
  }
  const std::int64_t tail = n - vectors * 16;  // everything, when the pointers are not aligned
  if (tail > 0) {
    kernels::copy_one_element_per_thread<<<blocks_for(tail, block_size), block_size, 0, s.get()>>>(
        in.data() + vectors * 16, out.data() + vectors * 16, tail);
    GPULAB_CHECK_LAUNCH();
  }
}
}  // namespace

void copy_tiled_async(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out, cuda::stream_ref s) {
  copy_bytes(in, out, s, [&](const int4* from, int4* to, std::int64_t vectors) {
    // [snippet:copy_tiled_launch]
    const std::int64_t tile = std::int64_t{block_size} * copy_vectors_per_thread;  // vectors per block
    copy_tiled_vectorized<copy_vectors_per_thread>
        <<<blocks_for(vectors, static_cast<unsigned>(tile)), block_size, 0, s.get()>>>(from, to, vectors);
    GPULAB_CHECK_LAUNCH();
    // [/snippet:copy_tiled_launch]
  });
}

void copy_wide_tile_async(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out,
                          cuda::stream_ref s) {
  copy_bytes(in, out, s, [&](const int4* from, int4* to, std::int64_t vectors) {
    const std::int64_t tile = std::int64_t{block_size} * wide_vectors_per_thread;  // vectors per block
    static_assert(block_size == 256, "copy_wide_tile's __launch_bounds__ is for 256-thread blocks");
    kernels::copy_wide_tile<wide_vectors_per_thread>
        <<<blocks_for(vectors, static_cast<unsigned>(tile)), block_size, 0, s.get()>>>(from, to, vectors);
    GPULAB_CHECK_LAUNCH();
  });
}

void copy_grid_stride_async(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out,
                            cuda::stream_ref s) {
  copy_bytes(in, out, s, [&](const int4* from, int4* to, std::int64_t vectors) {
    const unsigned grid = occupancy_grid_size(kernels::copy_grid_stride_vectorized<copy_vectors_per_thread>, block_size);
    kernels::copy_grid_stride_vectorized<copy_vectors_per_thread><<<grid, block_size, 0, s.get()>>>(from, to, vectors);
    GPULAB_CHECK_LAUNCH();
  });
}

void copy_one_element_per_thread_async(cuda::std::span<const float> in, cuda::std::span<float> out,
                                       cuda::stream_ref s) {
  check_sizes(in.size(), out.size(), "copy_one_element_per_thread_async");
  const auto n = static_cast<std::int64_t>(in.size());
  if (n == 0) return;
  kernels::copy_one_element_per_thread<<<blocks_for(n, block_size), block_size, 0, s.get()>>>(in.data(), out.data(), n);
  GPULAB_CHECK_LAUNCH();
}

void scale_async(cuda::std::span<const float> in, cuda::std::span<float> out, float factor, cuda::stream_ref s) {
  check_sizes(in.size(), out.size(), "scale_async");
  const auto n = static_cast<std::int64_t>(in.size());
  if (n == 0) return;
  std::int64_t vectors = 0;
  if (is_16_byte_aligned(in.data()) && is_16_byte_aligned(out.data())) {
    vectors = n / 4;
    if (vectors > 0) {
      const unsigned grid = blocks_for(vectors, block_size * copy_vectors_per_thread);
      kernels::scale_tiled_vectorized<copy_vectors_per_thread><<<grid, block_size, 0, s.get()>>>(
          reinterpret_cast<const float4*>(in.data()), reinterpret_cast<float4*>(out.data()), factor, vectors);
      GPULAB_CHECK_LAUNCH();
    }
  }
  const std::int64_t tail = n - vectors * 4;
  if (tail > 0) {
    kernels::scale_scalar<<<blocks_for(tail, block_size), block_size, 0, s.get()>>>(
        in.data() + vectors * 4, out.data() + vectors * 4, factor, tail);
    GPULAB_CHECK_LAUNCH();
  }
}

void repeated_fma_async(cuda::std::span<float> data, int steps, cuda::stream_ref s) {
  const auto n = static_cast<std::int64_t>(data.size());
  if (n == 0) return;
  const unsigned grid = std::min<unsigned>(blocks_for(n, block_size), occupancy_grid_size(kernels::repeated_fma, block_size));
  kernels::repeated_fma<<<grid, block_size, 0, s.get()>>>(data.data(), n, steps);
  GPULAB_CHECK_LAUNCH();
}

float repeated_fma_reference(float x, int steps) {
  for (int i = 0; i < steps; ++i) x = std::fmaf(x, 0.999f, 0.001f);
  return x;
}

}  // namespace gpulab::transfer

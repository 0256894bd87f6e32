// SPDX-License-Identifier: MIT
#include <cmath>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/transfer/kernels.hpp"
#include "kernels/copy.cuh"
#include "kernels/scale.cuh"

namespace gpulab {

namespace {
constexpr int block_size = 256;
constexpr int copy_unroll = 4;

bool aligned_16(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

void check_sizes(std::size_t in, std::size_t out, const char* what) {
  if (out < in) throw usage_error(std::string(what) + ": output is smaller than input");
}
}  // namespace

void copy_vectorized_async(cuda::std::span<const unsigned char> in, cuda::std::span<unsigned char> out,
                           cuda::stream_ref s) {
  check_sizes(in.size(), out.size(), "copy_vectorized_async");
  const auto n = static_cast<std::int64_t>(in.size());
  if (n == 0) return;
  std::int64_t vectors = 0;
  if (aligned_16(in.data()) && aligned_16(out.data())) {
    vectors = n / 16;
    if (vectors > 0) {
      const unsigned grid = occupancy_grid_size(kernels::copy_vectorized<copy_unroll>, block_size);
      kernels::copy_vectorized<copy_unroll><<<grid, block_size, 0, s.get()>>>(
          reinterpret_cast<const int4*>(in.data()), reinterpret_cast<int4*>(out.data()), vectors);
      GPULAB_CHECK_LAUNCH();
    }
  }
  const std::int64_t tail = n - vectors * 16;  // everything, when the pointers are not aligned
  if (tail > 0) {
    kernels::copy_one_element_per_thread<<<blocks_for(tail, block_size), block_size, 0, s.get()>>>(
        in.data() + vectors * 16, out.data() + vectors * 16, tail);
    GPULAB_CHECK_LAUNCH();
  }
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
  if (aligned_16(in.data()) && aligned_16(out.data())) {
    vectors = n / 4;
    if (vectors > 0) {
      const unsigned grid = occupancy_grid_size(kernels::scale_vectorized, block_size);
      kernels::scale_vectorized<<<grid, block_size, 0, s.get()>>>(reinterpret_cast<const float4*>(in.data()),
                                                                   reinterpret_cast<float4*>(out.data()), factor,
                                                                   vectors);
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

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// Launches of kernels/custom/reduce.cuh, and CUB's DeviceReduce as the reference.
#include <cub/device/device_reduce.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cstdint>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/reduction.hpp"
#include "kernels/custom/reduce.cuh"

namespace gpulab::custom {

const char* reduce_version_name(reduce_version v) {
  switch (v) {
    case reduce_version::atomic_per_element: return "atomic_per_element";
    case reduce_version::shared_tree: return "shared_tree";
    case reduce_version::warp_shuffle: return "warp_shuffle";
    case reduce_version::multi_element: return "multi_element";
    case reduce_version::wide_tile: return "wide_tile";
    case reduce_version::cub: return "cub";
  }
  return "?";
}

std::vector<reduce_version> all_reduce_versions() {
  return {reduce_version::atomic_per_element, reduce_version::shared_tree, reduce_version::warp_shuffle,
          reduce_version::multi_element, reduce_version::wide_tile, reduce_version::cub};
}

namespace {

constexpr int block_size = 256;
constexpr int vectors_per_thread = 4;  // 4 float4 = 16 floats per thread
// reduce_wide_tile: 8 float4 per thread for a sum, 4 + 4 for a dot product (its
// __launch_bounds__ is for 256-thread blocks).
constexpr int wide_vectors_per_input(bool dot) { return dot ? 4 : 8; }

// x[i] * y[i] by index: CUB reads the dot product's terms through this, never storing them.
struct product_at {
  const float* x;
  const float* y;
  __host__ __device__ float operator()(std::int64_t i) const { return x[i] * y[i]; }
};

template <class Input>
std::size_t cub_scratch_bytes(Input in, std::int64_t n) {
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceReduce::Sum(nullptr, bytes, in, static_cast<float*>(nullptr), n));
  return bytes;
}

template <bool Dot>
void launch(reduce_version v, const float* x, const float* y, std::int64_t n, reduction_workspace& work,
            cuda::stream_ref s) {
  float* total = work.result();
  if (v != reduce_version::cub) GPULAB_CUDA_TRY(cudaMemsetAsync(total, 0, sizeof(float), s.get()));
  if (n == 0) {
    GPULAB_CUDA_TRY(cudaMemsetAsync(total, 0, sizeof(float), s.get()));
    return;
  }
  // float4 loads need 16-byte aligned pointers; anything else takes the one-element-per-thread path.
  const bool float4_version = v == reduce_version::multi_element || v == reduce_version::wide_tile;
  if (float4_version && !(is_16_byte_aligned(x) && (!Dot || is_16_byte_aligned(y)))) {
    v = reduce_version::warp_shuffle;
  }
  switch (v) {
    case reduce_version::atomic_per_element: {
      const unsigned grid = occupancy_grid_size(kernels::reduce_atomic_per_element<Dot>, block_size);
      kernels::reduce_atomic_per_element<Dot><<<grid, block_size, 0, s.get()>>>(x, y, n, total);
      break;
    }
    case reduce_version::shared_tree:
      kernels::reduce_shared_tree<Dot, block_size><<<blocks_for(n, block_size), block_size, 0, s.get()>>>(x, y, n,
                                                                                                          total);
      break;
    case reduce_version::warp_shuffle:
      kernels::reduce_warp_shuffle<Dot><<<blocks_for(n, block_size), block_size, 0, s.get()>>>(x, y, n, total);
      break;
    case reduce_version::multi_element: {
      const std::int64_t n_vectors = n / 4;
      const int tail = static_cast<int>(n % 4);
      const unsigned grid = std::max(1u, blocks_for(n_vectors, block_size * vectors_per_thread));
      kernels::reduce_multi_element<Dot, vectors_per_thread><<<grid, block_size, 0, s.get()>>>(
          reinterpret_cast<const float4*>(x), reinterpret_cast<const float4*>(y), n_vectors, x + 4 * n_vectors,
          Dot ? y + 4 * n_vectors : nullptr, tail, total);
      break;
    }
    case reduce_version::wide_tile: {  // 128 bytes of loads per thread, 32 KiB per block
      static_assert(block_size == 256, "reduce_wide_tile's __launch_bounds__ is for 256-thread blocks");
      const std::int64_t n_vectors = n / 4;
      const int tail = static_cast<int>(n % 4);
      const unsigned grid = std::max(1u, blocks_for(n_vectors, block_size * wide_vectors_per_input(Dot)));
      kernels::reduce_wide_tile<Dot><<<grid, block_size, 0, s.get()>>>(
          reinterpret_cast<const float4*>(x), reinterpret_cast<const float4*>(y), n_vectors, x + 4 * n_vectors,
          Dot ? y + 4 * n_vectors : nullptr, tail, total);
      break;
    }
    case reduce_version::cub: {
      std::size_t bytes = work.cub_scratch().size();
      if constexpr (Dot) {
        auto terms = thrust::make_transform_iterator(thrust::counting_iterator<std::int64_t>(0), product_at{x, y});
        GPULAB_CUDA_TRY(cub::DeviceReduce::Sum(work.cub_scratch().data(), bytes, terms, total, n, s.get()));
      } else {
        GPULAB_CUDA_TRY(cub::DeviceReduce::Sum(work.cub_scratch().data(), bytes, x, total, n, s.get()));
      }
      return;
    }
  }
  GPULAB_CHECK_LAUNCH();
}

}  // namespace

reduction_workspace::reduction_workspace(std::size_t max_n, cuda::stream_ref s) : max_n_(max_n), result_(1, s) {
  const auto n = static_cast<std::int64_t>(max_n);
  const auto terms = thrust::make_transform_iterator(thrust::counting_iterator<std::int64_t>(0),
                                                     product_at{nullptr, nullptr});
  const std::size_t bytes = std::max(cub_scratch_bytes(static_cast<const float*>(nullptr), n), cub_scratch_bytes(terms, n));
  cub_scratch_ = device_buffer<std::byte>(bytes, s);
}

void reduce_async(reduce_version v, cuda::std::span<const float> x, cuda::std::span<const float> y,
                  reduction_workspace& work, cuda::stream_ref s) {
  if (x.size() > work.max_n()) {
    throw usage_error("reduce: " + std::to_string(x.size()) + " elements, the workspace is for " +
                      std::to_string(work.max_n()));
  }
  const bool dot = !y.empty();
  if (dot && y.size() != x.size()) {
    throw usage_error("dot: x has " + std::to_string(x.size()) + " elements, y has " + std::to_string(y.size()));
  }
  const auto n = static_cast<std::int64_t>(x.size());
  if (dot) {
    launch<true>(v, x.data(), y.data(), n, work, s);
  } else {
    launch<false>(v, x.data(), nullptr, n, work, s);
  }
}

float read_result(const reduction_workspace& work, cuda::stream_ref s) {
  float value = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&value, work.result_buffer().data(), sizeof value, cudaMemcpyDeviceToHost, s.get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return value;
}

}  // namespace gpulab::custom

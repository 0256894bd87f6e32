// SPDX-License-Identifier: MIT
// Launches of kernels/custom/elementwise.cuh, and the upload of its (static) __constant__
// coefficients, which only this file's kernels read.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/elementwise.hpp"
#include "kernels/custom/elementwise.cuh"

namespace gpulab::custom {

const char* map_version_name(map_version v) {
  switch (v) {
    case map_version::one_per_element: return "one_per_element";
    case map_version::grid_stride: return "grid_stride";
    case map_version::vectorized: return "vectorized";
  }
  return "?";
}

std::vector<map_version> all_map_versions() {
  return {map_version::one_per_element, map_version::grid_stride, map_version::vectorized};
}

const char* elementwise_op_name(elementwise_op op) {
  switch (op) {
    case elementwise_op::times_two: return "times_two";
    case elementwise_op::saxpy: return "saxpy";
    case elementwise_op::gaussian: return "gaussian";
    case elementwise_op::distance: return "distance";
    case elementwise_op::polynomial_constant: return "polynomial_constant";
    case elementwise_op::polynomial_global: return "polynomial_global";
  }
  return "?";
}

bool needs_second_input(elementwise_op op) { return op == elementwise_op::saxpy || op == elementwise_op::distance; }

void upload_polynomial_coefficients(std::span<const float> coefficients, cuda::stream_ref s) {
  if (coefficients.empty() || coefficients.size() > kernels::max_polynomial_degree + 1) {
    throw usage_error("a polynomial here has 1.." + std::to_string(kernels::max_polynomial_degree + 1) +
                      " coefficients, got " + std::to_string(coefficients.size()));
  }
  GPULAB_CUDA_TRY(cudaMemcpyToSymbolAsync(kernels::polynomial_coefficients, coefficients.data(),
                                          coefficients.size_bytes(), 0, cudaMemcpyHostToDevice, s.get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));  // the host array may go away after this call
}

namespace {

constexpr int block_size = 256;
constexpr int vectors_per_thread = 4;

template <class Op>
void launch(Op op, map_version v, const float* x, const float* y, float* out, std::int64_t n, cuda::stream_ref s) {
  if (n == 0) return;
  if (v == map_version::vectorized &&
      !(is_16_byte_aligned(x) && is_16_byte_aligned(out) && (y == nullptr || is_16_byte_aligned(y)))) {
    v = map_version::grid_stride;  // float4 needs 16-byte alignment
  }
  switch (v) {
    case map_version::one_per_element:
      kernels::map_one_per_element<<<blocks_for(n, block_size), block_size, 0, s.get()>>>(op, x, y, out, n);
      break;
    case map_version::grid_stride: {
      const unsigned grid = occupancy_grid_size(kernels::map_grid_stride<Op>, block_size);
      kernels::map_grid_stride<<<grid, block_size, 0, s.get()>>>(op, x, y, out, n);
      break;
    }
    case map_version::vectorized: {
      const std::int64_t n_vectors = n / 4, done = 4 * n_vectors;
      const unsigned grid = std::max(1u, blocks_for(n_vectors, block_size * vectors_per_thread));
      kernels::map_vectorized<Op, vectors_per_thread><<<grid, block_size, 0, s.get()>>>(
          op, reinterpret_cast<const float4*>(x), reinterpret_cast<const float4*>(y), reinterpret_cast<float4*>(out),
          n_vectors, x + done, y ? y + done : nullptr, out + done, static_cast<int>(n - done));
      break;
    }
  }
  GPULAB_CHECK_LAUNCH();
}

}  // namespace

void map_async(elementwise_op op, map_version v, const elementwise_params& p, cuda::std::span<const float> x,
               cuda::std::span<const float> y, cuda::std::span<float> out, cuda::stream_ref s) {
  if (out.size() != x.size() || (needs_second_input(op) && y.size() != x.size())) {
    throw usage_error(std::string(elementwise_op_name(op)) + ": x has " + std::to_string(x.size()) + ", y " +
                      std::to_string(y.size()) + " and out " + std::to_string(out.size()) + " elements");
  }
  const float* const second = needs_second_input(op) ? y.data() : nullptr;
  const auto n = static_cast<std::int64_t>(x.size());
  switch (op) {
    case elementwise_op::times_two: launch(kernels::times_two{}, v, x.data(), nullptr, out.data(), n, s); break;
    case elementwise_op::saxpy: launch(kernels::saxpy{p.a}, v, x.data(), second, out.data(), n, s); break;
    case elementwise_op::gaussian: {
      if (!(p.sigma > 0)) throw usage_error("gaussian: sigma must be > 0");
      const float scale = static_cast<float>(1.0 / (p.sigma * std::sqrt(2.0 * std::numbers::pi)));
      launch(kernels::gaussian_density{p.mu, 1.0f / p.sigma, scale}, v, x.data(), nullptr, out.data(), n, s);
      break;
    }
    case elementwise_op::distance: launch(kernels::distance_of{}, v, x.data(), second, out.data(), n, s); break;
    case elementwise_op::polynomial_constant:
      launch(kernels::polynomial_from_constant{p.coefficient_count}, v, x.data(), nullptr, out.data(), n, s);
      break;
    case elementwise_op::polynomial_global:
      launch(kernels::polynomial_from_global{p.global_coefficients, p.coefficient_count}, v, x.data(), nullptr,
             out.data(), n, s);
      break;
  }
}

}  // namespace gpulab::custom

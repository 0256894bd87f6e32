// SPDX-License-Identifier: MIT
// Launches of kernels/linalg/matrix_helpers.cuh.
#include <string>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/solver.hpp"
#include "kernels/linalg/matrix_helpers.cuh"

namespace gpulab::linalg {

template <class T>
void zero_below_diagonal_async(matrix_view<T> m, cuda::stream_ref s) {
  require_valid(m, "R");
  if (storage_order(m) != layout::column_major) throw usage_error("zero_below_diagonal: column-major matrices only");
  if (m.extent(0) == 0 || m.extent(1) == 0) return;
  constexpr unsigned block = 256;
  const dim3 grid(blocks_for(rows(m), block), static_cast<unsigned>(cols(m)));
  kernels::zero_below_diagonal<<<grid, block, 0, s.get()>>>(m.data_handle(), rows(m), cols(m), leading_dimension(m));
  GPULAB_CHECK_LAUNCH();
}

template <class T>
void require_finite_on_device(cuda::std::span<const T> values, const std::string& what, cuda::stream_ref s) {
  if (values.empty()) return;
  const auto n = static_cast<std::int64_t>(values.size());
  device_buffer<unsigned long long> first(1, s);
  const unsigned long long none = static_cast<unsigned long long>(n);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(first.data(), &none, sizeof none, cudaMemcpyHostToDevice, s.get()));
  constexpr int block = 256;
  const unsigned grid = occupancy_grid_size(kernels::first_non_finite<T>, block);
  kernels::first_non_finite<T><<<grid, block, 0, s.get()>>>(values.data(), n, first.data());
  GPULAB_CHECK_LAUNCH();
  unsigned long long found = none;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&found, first.data(), sizeof found, cudaMemcpyDeviceToHost, s.get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  if (found != none) {
    throw numerical_error(what + " contains NaN or an infinity (element " + std::to_string(found) +
                          "): no factorisation of it means anything");
  }
}

#define GPULAB_HELPERS_INSTANTIATE(T)                                            \
  template void zero_below_diagonal_async<T>(matrix_view<T>, cuda::stream_ref); \
  template void require_finite_on_device<T>(cuda::std::span<const T>, const std::string&, cuda::stream_ref);
GPULAB_HELPERS_INSTANTIATE(float)
GPULAB_HELPERS_INSTANTIATE(double)
#undef GPULAB_HELPERS_INSTANTIATE

}  // namespace gpulab::linalg

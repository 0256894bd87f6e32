// SPDX-License-Identifier: MIT
// PCA's small steps: pick the top components out of an eigen- or singular
// decomposition of the features x features problem, and centre a projection.
#pragma once

#include <cstdint>

namespace gpulab::ml::kernels {

// axes: d x d column-major; values: d (eigenvalues ascending, or singular values
// descending). Component c takes the c-th largest; its variance is
// scale * value (eigenvalues) or scale * value^2 (singular values), and its
// ratio that over the sum of all d. Each component is signed so that its
// largest-magnitude entry is positive. One block.
static __global__ void extract_components(const float* __restrict__ axes, const float* __restrict__ values, int d,
                                          int k, bool ascending, bool square_values, float scale,
                                          float* __restrict__ components, float* __restrict__ variance,
                                          float* __restrict__ ratio) {
  __shared__ double total;
  if (threadIdx.x == 0) {
    double sum = 0;
    for (int i = 0; i < d; ++i) sum += square_values ? double(values[i]) * values[i] : values[i];
    total = sum * scale;
  }
  __syncthreads();
  for (int c = static_cast<int>(threadIdx.x); c < k; c += static_cast<int>(blockDim.x)) {
    const int source = ascending ? d - 1 - c : c;
    const float* axis = axes + static_cast<std::int64_t>(source) * d;
    int largest = 0;
    for (int i = 1; i < d; ++i) largest = fabsf(axis[i]) > fabsf(axis[largest]) ? i : largest;
    const float sign = axis[largest] < 0 ? -1.0f : 1.0f;
    for (int i = 0; i < d; ++i) components[i + static_cast<std::int64_t>(c) * d] = sign * axis[i];
    const double value = square_values ? double(values[source]) * values[source] : values[source];
    variance[c] = static_cast<float>(value * scale);
    ratio[c] = total > 0 ? static_cast<float>(value * scale / total) : 0.0f;  // constant data: no variance to share
  }
}

// out (rows x k) -= mean . V_c in column c: X V_k was computed by GEMM on the
// uncentred X; this removes the mean's projection. blockIdx.y is the column.
static __global__ void subtract_projected_mean(float* __restrict__ out, std::int64_t rows,
                                               const float* __restrict__ components, const float* __restrict__ mean,
                                               int d) {
  const int c = static_cast<int>(blockIdx.y);
  float offset = 0;
  for (int i = 0; i < d; ++i) offset += mean[i] * components[i + static_cast<std::int64_t>(c) * d];
  float* column = out + static_cast<std::int64_t>(c) * rows;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    column[i] -= offset;
  }
}

}  // namespace gpulab::ml::kernels

// SPDX-License-Identifier: MIT
// PCA's small steps: pick the top components out of an eigen- or singular
// decomposition of the features x features problem, and centre a projection.
#pragma once

#include <cstdint>

#include "kernels/ml/symmetric_eigen_one_block.cuh"

namespace gpulab::ml::kernels {

// The sign rule of both PCA kernels: each component's first entry of largest magnitude
// is made positive (scikit-learn's, so two runs give the same signs). The search starts
// at entry 0 and a NaN never wins a comparison, so an all-NaN vector stays in bounds.
template <class T>
__device__ T component_sign(const T* axis, int d) {
  int largest = 0;
  for (int i = 1; i < d; ++i) largest = fabs(axis[i]) > fabs(axis[largest]) ? i : largest;
  return axis[largest] < 0 ? T(-1) : T(1);
}

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
    const float sign = component_sign(axis, d);
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

// The one-pass fit's shift: the mean of each column's first `sample` rows. The Gram
// of X - shift is summed in float; with a shift near the mean its sums stay small and
// the correction below cancels little (any value near the mean would do: the exact
// means come from the sums). A warp a column.
static __global__ void sample_column_means(const float* __restrict__ x, std::int64_t rows, int sample,
                                           float* __restrict__ shift) {
  const int j = static_cast<int>(blockIdx.x), lane = static_cast<int>(threadIdx.x);
  const float* column = x + static_cast<std::int64_t>(j) * rows;
  double sum = 0;
  for (int i = lane; i < sample; i += 32) sum += column[i];
  sum = warp_sum(sum);
  if (lane == 0) shift[j] = static_cast<float>(sum / sample);
}

// PCA's fit after the one-pass Gram, in one block: G = Z^T Z for Z = [X - shift | 1]
// ((d + 1) x (d + 1), double, both triangles, leading dimension ld). Its last row
// holds the sums of X - shift, so with n = rows
//   C = (S - s s^T / n) / (n - 1),   means = shift + s / n,
// then the k largest eigenpairs of C (symmetric_eigen_one_block.cuh), each component
// signed by component_sign. (G's last entry counts the rows too, but in float partial
// sums: exact only below 2^24 rows a block, so n comes from the caller.) Dynamic shared
// memory: eigen_shared_bytes(k).
static __global__ void __launch_bounds__(eigen_threads)
    principal_components_one_block(const double* __restrict__ gram, int ld, int d, int k, std::int64_t rows,
                                   const float* __restrict__ shift, float* __restrict__ means,
                                   float* __restrict__ components, float* __restrict__ variance,
                                   float* __restrict__ ratio) {
  extern __shared__ double shared[];
  __shared__ double total;
  const eigen_workspace w = carve_eigen_workspace(shared);
  const int t = static_cast<int>(threadIdx.x), lane = t & 31, warp = t >> 5;
  const double n = static_cast<double>(rows);
  const auto sum = [&](int j) { return gram[d + static_cast<std::int64_t>(j) * ld]; };
  for (int e = t; e < d * d; e += eigen_threads) {
    const int i = e % d, j = e / d;
    w.a[j * eigen_lda + i] = (gram[i + static_cast<std::int64_t>(j) * ld] - sum(i) * sum(j) / n) / (n - 1);
  }
  for (int j = t; j < d; j += eigen_threads) means[j] = static_cast<float>(shift[j] + sum(j) / n);
  __syncthreads();
  if (warp == 0) {  // the total variance, before the solver overwrites the matrix
    double trace = 0;
    for (int i = lane; i < d; i += 32) trace += w.a[i * eigen_lda + i];
    trace = warp_sum(trace);
    if (lane == 0) total = trace;
  }
  symmetric_top_eigenpairs(w, d, k);
  for (int c = warp; c < k; c += eigen_threads / 32) {
    const double* x = w.y + c * eigen_max_n;
    const double sign = component_sign(x, d);  // every lane reads the same entries: broadcasts
    for (int i = lane; i < d; i += 32) components[i + static_cast<std::int64_t>(c) * d] = static_cast<float>(sign * x[i]);
    if (lane == 0) {
      const double value = w.values[c];
      variance[c] = static_cast<float>(value);
      ratio[c] = total != 0 ? static_cast<float>(value / total) : 0.0f;  // constant data: no variance to share; NaN stays
    }
  }
}

}  // namespace gpulab::ml::kernels

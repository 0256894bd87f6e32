// SPDX-License-Identifier: MIT
// The small steps around the big ones (SYRK, geqrf, the SVD) in linear
// regression: tiny matrices (features x features), one block each. They exist
// so that the fit never leaves the GPU (no copy back to the host mid-fit).
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::ml::kernels {

// In place on a ((d + 1) x (d + 1), column-major): SYRK left X^T X in the lower
// triangle of the top-left d x d. Completes the augmented system of [X 1]:
//   [[X^T X + ridge I, X^T 1], [1^T X, n]] [w; b] = [X^T y; 1^T y]
// from xt_y1 (d x 2: X^T y, X^T 1), yt_y1 (2 x 2: [y 1]^T [y 1]) and the row count.
// Each thread writes only entries it alone reads (a diagonal entry, or an upper
// entry from its lower twin, which nobody writes): no race in place.
static __global__ void assemble_normal_equations(float* __restrict__ a, float* __restrict__ b,
                                                 const float* __restrict__ xt_y1, const float* __restrict__ yt_y1,
                                                 std::int64_t rows, int d, float ridge, int* __restrict__ rank) {
  const int size = d + 1;
  for (int e = static_cast<int>(threadIdx.x); e < size * size; e += static_cast<int>(blockDim.x)) {
    const int i = e % size, j = e / size;
    if (i < d && j < d) {
      if (i == j) a[e] += ridge;
      else if (i < j) a[e] = a[j + i * size];  // upper from lower
    } else if (i == d && j == d) {
      a[e] = static_cast<float>(rows);  // 1^T 1, exactly: a float sum of ones stops growing at 2^24
    } else {
      a[e] = xt_y1[d + (i == d ? j : i)];  // X^T 1 in the last row and column
    }
  }
  for (int i = static_cast<int>(threadIdx.x); i < size; i += static_cast<int>(blockDim.x)) {
    b[i] = i < d ? xt_y1[i] : yt_y1[2];  // X^T y, then 1^T y
  }
  if (threadIdx.x == 0) *rank = d;
}

// QR: w came out of trsv in place of Q^T y_c; the intercept puts the means back:
// b = mean(y) - mean(X) . w. means: d values of X, then y's.
static __global__ void finish_centered_solution(const float* __restrict__ w, const float* __restrict__ means, int d,
                                                float* __restrict__ coefficients, int* __restrict__ rank) {
  for (int j = static_cast<int>(threadIdx.x); j < d; j += static_cast<int>(blockDim.x)) coefficients[j] = w[j];
  if (threadIdx.x == 0) {
    double offset = 0;  // d products, summed by one thread: tiny, and in a fixed order
    for (int j = 0; j < d; ++j) offset += static_cast<double>(means[j]) * w[j];
    coefficients[d] = static_cast<float>(means[d] - offset);
    *rank = d;
  }
}

// SVD of R = U S V^T: w = V f(S) U^T (Q^T y_c), f(s) = s / (s^2 + ridge) for s above
// cutoff * s_max, else 0 (the dropped directions: the minimum-norm answer).
// Dynamic shared memory: svd_filtered_floats(d) floats.
//
// Why the padding: the compiler unrolls the k loop by 4 and may load the last group's up to
// three floats before it tests k < d (shared memory reads inside the block's window cannot
// fault). compute-sanitizer checks against the size we asked for: memcheck saw a 12-byte read
// at filtered[4] for d = 5, and when the weights were kept after filtered, racecheck saw that read meet
// the write of weights[0]. So filtered has a multiple of 4 floats, the pad zero.
__host__ __device__ constexpr int svd_filtered_floats(int d) { return (d + 3) / 4 * 4; }

static __global__ void svd_solution(const float* __restrict__ u, const float* __restrict__ s,
                                    const float* __restrict__ v, const float* __restrict__ qty,
                                    const float* __restrict__ means, int d, float ridge, float cutoff,
                                    float* __restrict__ coefficients, int* __restrict__ rank) {
  extern __shared__ float filtered[];  // f(s_k) (U^T qty)_k for k < d, then zeros
  const float threshold = cutoff * s[0];  // s is descending
  for (int k = static_cast<int>(threadIdx.x); k < svd_filtered_floats(d); k += static_cast<int>(blockDim.x)) {
    if (k >= d) {
      filtered[k] = 0.0f;
      continue;
    }
    float c = 0;
    for (int i = 0; i < d; ++i) c += u[i + static_cast<std::int64_t>(k) * d] * qty[i];
    const float sk = s[k];
    filtered[k] = sk > threshold ? c * sk / (sk * sk + ridge) : 0.0f;
  }
  __syncthreads();
  for (int j = static_cast<int>(threadIdx.x); j < d; j += static_cast<int>(blockDim.x)) {
    float w = 0;
    for (int k = 0; k < d; ++k) w += v[j + static_cast<std::int64_t>(k) * d] * filtered[k];
    coefficients[j] = w;
  }
  // The barrier makes the block's writes to global memory visible to the whole
  // block, too: thread 0 reads the weights back from coefficients.
  __syncthreads();
  if (threadIdx.x == 0) {
    double offset = 0;
    int kept = 0;
    for (int j = 0; j < d; ++j) {
      offset += static_cast<double>(means[j]) * coefficients[j];
      kept += s[j] > threshold ? 1 : 0;
    }
    coefficients[d] = static_cast<float>(means[d] - offset);
    *rank = kept;
  }
}

// out[i] = *value for i < n (a device scalar: the intercept, before GEMV adds X w).
static __global__ void fill_from_device_scalar(float* __restrict__ out, std::int64_t n, const float* __restrict__ value) {
  const float v = *value;
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) out[i] = v;
}

// out[i] = value for i < n.
static __global__ void fill_value(float* __restrict__ out, std::int64_t n, float value) {
  for (std::int64_t i = global_thread_id(); i < n; i += grid_thread_count()) out[i] = value;
}

}  // namespace gpulab::ml::kernels

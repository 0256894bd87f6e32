// SPDX-License-Identifier: MIT
// The last step of the chunked Gram matrix Z^T Z (src/ml/gram.cu): the partial
// Grams of the row chunks, one c x c matrix each, summed in double.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"

namespace gpulab::ml::kernels {

// out[i + j * ld] = alpha * sum over p of partials[p * c * c + i + j * c] for the lower
// triangle (i >= j), 0 above it (what SYRK's callers read: the lower triangle, and an
// upper one that holds no stale numbers). One thread per entry; neighbouring threads
// read neighbouring floats of each partial. Double sums: each partial already holds a
// chunk's float sum, and the chunks are added without growing that error.
static __global__ void sum_partial_grams(const float* __restrict__ partials, int count, int c, float alpha,
                                         float* __restrict__ out, int ld) {
  const std::int64_t e = global_thread_id();
  if (e >= static_cast<std::int64_t>(c) * c) return;
  const int i = static_cast<int>(e % c), j = static_cast<int>(e / c);
  double sum = 0;
  if (i >= j) {
    for (int p = 0; p < count; ++p) sum += partials[static_cast<std::int64_t>(p) * c * c + e];
  }
  out[i + static_cast<std::int64_t>(j) * ld] = static_cast<float>(alpha * sum);
}

}  // namespace gpulab::ml::kernels

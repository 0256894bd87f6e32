// SPDX-License-Identifier: MIT
// Exercise (module 3): a shared-memory tiled matrix multiply, C = A B, float,
// row-major (A m x k, B k x n, C m x n), launched on 16 x 16 blocks, one thread
// per element of C. Compared with cuBLAS SGEMM on the same data.
#pragma once

#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

constexpr int tiled_matmul_tile = 16;

using tiled_matmul_fn = void (*)(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s);

namespace reference {
void tiled_matmul(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s);
}
namespace trainee {
void tiled_matmul(const float* a, const float* b, float* c, int m, int n, int k, cuda::stream_ref s);
}

check_report check_tiled_matmul(tiled_matmul_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

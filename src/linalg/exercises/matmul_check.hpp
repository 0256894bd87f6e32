// SPDX-License-Identifier: MIT
// Private to src/exercises: the checker both module 3 exercises share. Any
// C = A B (row-major float, device pointers) runs on awkward shapes with a
// poisoned C followed by guard cells, against an FP64 CPU product.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <functional>
#include <string>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises::detail {

using matmul_fn = std::function<void(const float* a, const float* b, float* c, int m, int n, int k)>;

// Records one PASS/FAIL line per shape; false when a CUDA error ended the checks.
bool check_matmul_shapes(check_report& report, const matmul_fn& candidate, cuda::stream_ref s, std::uint64_t seed);

// Median ms of `f` at n x n x n; afterwards checks what the last timed run left
// and records that as one more line.
double time_and_recheck_matmul(check_report& report, const matmul_fn& f, int n, cuda::stream_ref s,
                               std::uint64_t seed);

}  // namespace gpulab::exercises::detail

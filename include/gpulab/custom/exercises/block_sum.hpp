// SPDX-License-Identifier: MIT
// Exercise (module 5): the sum of n floats with a shared-memory tree per block
// and one atomicAdd per block.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

// total[0] = sum of x (total has one element; the function zeroes it first).
using block_sum_fn = void (*)(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s);

namespace reference {
void block_sum(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s);
}
namespace trainee {
void block_sum(cuda::std::span<const float> x, cuda::std::span<float> total, cuda::stream_ref s);
}

constexpr int block_sum_threads = 256;
// The launch's grid for n elements: a block per 256 elements, at most 4 per SM.
unsigned block_sum_blocks(std::int64_t n);

check_report check_block_sum(block_sum_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

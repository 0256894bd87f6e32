// SPDX-License-Identifier: MIT
// Exercise (module 5): saxpy, r = a x + y, with a grid-stride loop on a grid
// of fixed size (two 256-thread blocks per SM): most threads handle many elements.
#pragma once

#include <cuda/std/span>
#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

using saxpy_fn = void (*)(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                          cuda::std::span<float> r, cuda::stream_ref s);

namespace reference {
void saxpy_grid_stride(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                       cuda::std::span<float> r, cuda::stream_ref s);
}
namespace trainee {
void saxpy_grid_stride(float a, cuda::std::span<const float> x, cuda::std::span<const float> y,
                       cuda::std::span<float> r, cuda::stream_ref s);
}

// The fixed grid the exercise's launch uses: 2 blocks of 256 threads per SM.
unsigned saxpy_exercise_blocks();

check_report check_saxpy_grid_stride(saxpy_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

// SPDX-License-Identifier: MIT
// Measuring the memory ceilings a run compares its cases with (the struct and
// its ceiling_gbs(read, written) live with the resources: core/resources.hpp).
#pragma once

#include <cstddef>
#include <cuda/stream_ref>

#include "gpulab/core/resources.hpp"

namespace gpulab {

// Measures the three streams (copy, read-only, write-only) on `bytes`-sized
// buffers: median of 10 after 3 warm-ups each; read and write in fresh cudaMalloc
// memory, the best of two rounds (a ceiling is the most the memory gives).
memory_ceilings measure_memory_ceilings(cuda::stream_ref s, std::size_t bytes);

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// A float's bits rearranged so that unsigned order is the float order: every bit flipped
// for a negative value, else only the sign bit. atomicMin/atomicMax can then compare
// floats (the column scan of centering.cuh), and a 64-bit key (key << 32 | id) sorts by a
// signed float, then by id (the TF32 filter's scores, knn_tf32_filter.cuh). Both sides
// run it: the host turns a key back into its float.
#pragma once

#include <cstdint>
#include <cuda/std/bit>

#include "gpulab/core/host_device.hpp"

namespace gpulab::ml {

GPULAB_HOST_DEVICE inline std::uint32_t ordered_key(float v) {
  const auto bits = cuda::std::bit_cast<std::uint32_t>(v);
  return (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
}
// The float behind ordered_key.
GPULAB_HOST_DEVICE inline float key_to_float(std::uint32_t key) {
  return cuda::std::bit_cast<float>((key & 0x80000000u) ? (key & 0x7FFFFFFFu) : ~key);
}

}  // namespace gpulab::ml

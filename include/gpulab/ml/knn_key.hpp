// SPDX-License-Identifier: MIT
// One neighbour as one 64-bit key: the bits of its float distance above, its
// database id below. Distances are never negative, and non-negative floats
// order exactly as their bit patterns do as unsigned integers, so keys order by
// (distance, id): the tie rule "equal distances go to the smaller id" is a plain
// integer comparison, the same in every kernel, in CUB's sort and on the CPU.
#pragma once

#include <cstdint>
#include <cuda/std/bit>

#include "gpulab/core/host_device.hpp"

namespace gpulab::ml {

// Larger than every real key (its distance bits are a NaN's): an empty slot.
inline constexpr std::uint64_t knn_empty_key = ~std::uint64_t{0};

GPULAB_HOST_DEVICE inline std::uint64_t knn_key(float distance, std::uint32_t id) {
  // The expanded form |q|^2 + |x|^2 - 2 q.x can round to a tiny negative number
  // (or -0): such a distance is 0. (Inputs are checked finite first, so no NaN here.)
  const float d = distance > 0.0f ? distance : 0.0f;
  return (std::uint64_t{cuda::std::bit_cast<std::uint32_t>(d)} << 32) | id;
}
GPULAB_HOST_DEVICE inline std::uint32_t knn_key_id(std::uint64_t key) { return static_cast<std::uint32_t>(key); }
GPULAB_HOST_DEVICE inline float knn_key_distance(std::uint64_t key) {
  return cuda::std::bit_cast<float>(static_cast<std::uint32_t>(key >> 32));
}

}  // namespace gpulab::ml

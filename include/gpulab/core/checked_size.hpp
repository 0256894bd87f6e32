// SPDX-License-Identifier: MIT
// Size arithmetic that cannot wrap. `n * sizeof(T)` for a huge n wraps around
// 2^64 to a small number that passes every memory check; these functions throw
// usage_error instead, naming what was being sized.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab {

// a * b, or usage_error when the product does not fit in 64 bits.
inline std::uint64_t checked_multiply(std::uint64_t a, std::uint64_t b, const std::string& what) {
  if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) {
    throw usage_error(what + ": " + std::to_string(a) + " x " + std::to_string(b) + " does not fit in 64 bits");
  }
  return a * b;
}

// a + b, or usage_error when the sum does not fit in 64 bits.
inline std::uint64_t checked_add(std::uint64_t a, std::uint64_t b, const std::string& what) {
  if (b > std::numeric_limits<std::uint64_t>::max() - a) {
    throw usage_error(what + ": " + std::to_string(a) + " + " + std::to_string(b) + " does not fit in 64 bits");
  }
  return a + b;
}

// The bytes of `count` elements of T.
template <class T>
std::size_t bytes_of(std::uint64_t count, const std::string& what) {
  return static_cast<std::size_t>(checked_multiply(count, sizeof(T), what));
}

}  // namespace gpulab

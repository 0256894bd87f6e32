// SPDX-License-Identifier: MIT
#include "gpulab/bench/inputs.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "gpulab/core/format.hpp"

namespace gpulab {

void fill_random_bytes(std::span<unsigned char> out, std::uint64_t seed) {
  const auto n = static_cast<std::int64_t>(out.size());
  const std::int64_t words = n / 8;
  unsigned char* data = out.data();
#pragma omp parallel for schedule(static)
  for (std::int64_t w = 0; w < words; ++w) {
    const std::uint64_t value = splitmix64(seed ^ static_cast<std::uint64_t>(w) * 0xD1B54A32D192ED03ull);
    std::memcpy(data + w * 8, &value, 8);
  }
  for (std::int64_t i = words * 8; i < n; ++i) {
    data[i] = static_cast<unsigned char>(splitmix64(seed + static_cast<std::uint64_t>(i)) >> 56);
  }
}

void fill_uniform(std::span<float> out, std::uint64_t seed, float low, float high) {
  const auto n = static_cast<std::int64_t>(out.size());
  float* data = out.data();
  const double width = static_cast<double>(high) - low;
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    // Top 24 bits -> a float in [0, 1) with every value exactly representable.
    const double unit = static_cast<double>(splitmix64(seed ^ static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull) >> 40) *
                        (1.0 / 16777216.0);
    data[i] = static_cast<float>(low + width * unit);
  }
}

namespace {

template <class T>
verification compare_exact_impl(std::span<const T> expected, std::span<const T> actual) {
  if (expected.size() != actual.size()) {
    return {false, "size mismatch: expected " + std::to_string(expected.size()) + " elements, got " +
                       std::to_string(actual.size())};
  }
  if (std::memcmp(expected.data(), actual.data(), expected.size_bytes()) == 0) {
    return {true, "all " + std::to_string(expected.size()) + " elements equal"};
  }
  std::size_t first = expected.size(), count = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    if (std::memcmp(&expected[i], &actual[i], sizeof(T)) != 0) {
      if (first == expected.size()) first = i;
      ++count;
    }
  }
  return {false, std::to_string(count) + " of " + std::to_string(expected.size()) + " elements differ, first at " +
                     std::to_string(first)};
}

}  // namespace

verification compare_exact(std::span<const float> expected, std::span<const float> actual) {
  return compare_exact_impl(expected, actual);
}
verification compare_exact(std::span<const unsigned char> expected, std::span<const unsigned char> actual) {
  return compare_exact_impl(expected, actual);
}
verification compare_exact(std::span<const int> expected, std::span<const int> actual) {
  return compare_exact_impl(expected, actual);
}

verification compare_relative(std::span<const float> expected, std::span<const float> actual, double tolerance) {
  if (expected.size() != actual.size()) return {false, "size mismatch"};
  double worst = 0;
  std::size_t worst_at = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double e = expected[i], a = actual[i];
    const double scale = std::max(std::abs(e), static_cast<double>(std::numeric_limits<float>::min()));
    const double rel = std::abs(e - a) / scale;
    if (!(rel <= worst)) {  // also true for NaN, which must fail
      worst = std::isnan(rel) ? std::numeric_limits<double>::infinity() : rel;
      worst_at = i;
      if (std::isnan(rel)) break;
    }
  }
  const bool ok = worst <= tolerance;
  return {ok, "max rel err " + format_significant(worst) + " at " + std::to_string(worst_at) + " (tol " +
                  format_significant(tolerance) + ")"};
}

}  // namespace gpulab

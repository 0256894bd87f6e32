// SPDX-License-Identifier: MIT
// Seeded, non-uniform data for checking collectives, and what each collective
// must return, computed on the host from every rank's data (each rank can make
// any rank's data: it is a function of the seed, the rank and the index).
// The values are multiples of 1/8 in [-128, 128) (integers in [-1024, 1024) for
// integer types): a sum over up to 2^13 ranks is exact in float32, whatever the
// order NCCL or MPI add in, so results are compared exactly.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/multigpu/communicator.hpp"

namespace gpulab::multigpu {

template <class T>
T contribution(std::uint64_t seed, int rank, std::size_t index) {
  const std::uint64_t bits = splitmix64(splitmix64(seed ^ (static_cast<std::uint64_t>(rank) << 40)) + index);
  const auto k = static_cast<std::int64_t>(bits % 2048) - 1024;
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(k) / T{8};
  } else {
    return static_cast<T>(k);
  }
}

// Rank `rank`'s `count` values starting at `first`.
template <class T>
std::vector<T> contributions(std::uint64_t seed, int rank, std::size_t count, std::size_t first = 0) {
  std::vector<T> values(count);
  for (std::size_t i = 0; i < count; ++i) values[i] = contribution<T>(seed, rank, first + i);
  return values;
}

template <class T>
T reduce(reduce_op op, T a, T b) {
  return op == reduce_op::sum ? a + b : op == reduce_op::min ? std::min(a, b) : std::max(a, b);
}

// op over all `ranks` of their values first .. first + count.
template <class T>
std::vector<T> expected_reduction(std::uint64_t seed, int ranks, std::size_t count, reduce_op op,
                                  std::size_t first = 0) {
  std::vector<T> result = contributions<T>(seed, 0, count, first);
  for (int r = 1; r < ranks; ++r) {
    for (std::size_t i = 0; i < count; ++i) result[i] = reduce(op, result[i], contribution<T>(seed, r, first + i));
  }
  return result;
}

// all_gather: every rank's `count` values, rank after rank.
template <class T>
std::vector<T> expected_all_gather(std::uint64_t seed, int ranks, std::size_t count) {
  std::vector<T> result;
  for (int r = 0; r < ranks; ++r) {
    const std::vector<T> part = contributions<T>(seed, r, count);
    result.insert(result.end(), part.begin(), part.end());
  }
  return result;
}

// Positions where `actual` differs from `expected` (or all of them when the sizes differ).
template <class T>
std::size_t count_differences(const std::vector<T>& expected, const std::vector<T>& actual) {
  if (expected.size() != actual.size()) return std::max(expected.size(), actual.size());
  std::size_t differ = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) differ += expected[i] == actual[i] ? 0 : 1;  // NaN differs
  return differ;
}

}  // namespace gpulab::multigpu

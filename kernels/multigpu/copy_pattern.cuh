// SPDX-License-Identifier: MIT
// A pattern to check copies with: word i of a buffer from GPU `source` is a
// hash of (i, source), so a destination is checked on its own GPU without the
// source: a word not written, written from the wrong GPU or from the wrong
// offset fails. Used by the P2P bandwidth matrix (p2p_bandwidth.hpp).
#pragma once

#include <cstdint>

#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/launch.cuh"

namespace gpulab::multigpu::kernels {

__device__ __forceinline__ std::uint32_t pattern_word(std::uint64_t index, std::uint32_t salt) {
  std::uint64_t x = index * 0x9E3779B97F4A7C15ull + salt;  // splitmix64's mixing
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return static_cast<std::uint32_t>(x ^ (x >> 31));
}

static __global__ void fill_pattern(std::uint32_t* data, std::int64_t count, std::uint32_t salt) {
  for (std::int64_t i = global_thread_id(); i < count; i += grid_thread_count()) {
    data[i] = pattern_word(static_cast<std::uint64_t>(i), salt);
  }
}

// Adds the number of words of data[0, count) that are not the pattern to *mismatches.
static __global__ void count_pattern_mismatches(const std::uint32_t* data, std::int64_t count, std::uint32_t salt,
                                         unsigned long long* mismatches) {
  unsigned long long mine = 0;
  for (std::int64_t i = global_thread_id(); i < count; i += grid_thread_count()) {
    mine += data[i] != pattern_word(static_cast<std::uint64_t>(i), salt) ? 1 : 0;
  }
  add_block_sum(mine, mismatches);
}

}  // namespace gpulab::multigpu::kernels

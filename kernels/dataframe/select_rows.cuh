// SPDX-License-Identifier: MIT
// The kernels behind filter, sort and gather (the rest is CUB's: DeviceSelect and
// DeviceRadixSort, src/dataframe/select_rows.cu).
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/select_rows.hpp"

namespace gpulab::dataframe::kernels {

// flags[i] = 1 where row i has a value and it passes the comparison.
template <class T>
__global__ void compare_flags(column_view<T> x, compare_op op, double value, std::uint8_t* flags) {
  for (std::int64_t i = global_thread_id(); i < x.size; i += grid_thread_count()) {
    const T v = x.data[i];
    flags[i] = x.present(i, v) && passes(static_cast<double>(v), op, value) ? 1 : 0;
  }
}

// The sort's keys (missing rows get 0: a second, 1-bit pass moves them last) and 0, 1, 2, ...
template <class T>
__global__ void sort_keys(column_view<T> x, bool ascending, std::uint64_t* keys, std::int32_t* rows) {
  for (std::int64_t i = global_thread_id(); i < x.size; i += grid_thread_count()) {
    const T v = x.data[i];
    keys[i] = x.present(i, v) ? ordered_key(v, ascending) : 0;
    rows[i] = static_cast<std::int32_t>(i);
  }
}

// missing[p] = 1 where the row at sorted position p has no value.
template <class T>
__global__ void missing_flags(column_view<T> x, const std::int32_t* rows, std::uint8_t* missing) {
  for (std::int64_t p = global_thread_id(); p < x.size; p += grid_thread_count()) {
    const std::int32_t row = rows[p];
    missing[p] = x.present(row, x.data[row]) ? 0 : 1;
  }
}

template <class T>
__global__ void gather_values(const T* in, const std::int32_t* rows, std::int64_t count, T* out) {
  for (std::int64_t i = global_thread_id(); i < count; i += grid_thread_count()) out[i] = in[rows[i]];
}

// One thread per output word: the validity bits of its 32 rows, gathered.
static __global__ void gather_validity(const std::uint32_t* in, const std::int32_t* rows, std::int64_t count,
                                       std::uint32_t* out) {
  const std::int64_t words = validity_words(count);
  for (std::int64_t w = global_thread_id(); w < words; w += grid_thread_count()) {
    std::uint32_t word = 0;
    for (int b = 0; b < 32 && 32 * w + b < count; ++b) {
      if (validity_bit(in, rows[32 * w + b])) word |= 1u << b;
    }
    out[w] = word;
  }
}

}  // namespace gpulab::dataframe::kernels

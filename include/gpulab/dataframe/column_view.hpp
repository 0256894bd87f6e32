// SPDX-License-Identifier: MIT
// What a kernel sees of a column: a pointer, the row count and, where some rows
// are missing, the validity mask (1 bit per row). Trivially copyable, so it is
// passed to kernels by value; the owner (column.hpp) stays on the host.
//
// Missing values, as in pandas: a row whose validity bit is 0, or NaN in a float
// column. A categorical column stores int32 codes, -1 for a missing one (pandas'
// codes), and needs no mask.
#pragma once

#include <cstdint>
#include <type_traits>

#include "gpulab/core/host_device.hpp"

namespace gpulab::dataframe {

enum class dtype { float64, float32, int64, int32, category };
// Where a column's values live and which code computes on them: the same API on both.
enum class backend { gpu, cpu };

const char* dtype_name(dtype t);      // "float64", ..., "category"
const char* backend_name(backend b);  // "gpu", "cpu"

// Row indices are int32 (half the bytes of int64 in every sort and gather), so a
// table holds fewer than 2^31 rows.
inline constexpr std::int64_t max_rows = (std::int64_t{1} << 31) - 1;

// The dtype of a C++ value type (int32 is the storage of int32 and category).
template <class T>
constexpr dtype dtype_of() {
  if constexpr (std::is_same_v<T, double>) return dtype::float64;
  else if constexpr (std::is_same_v<T, float>) return dtype::float32;
  else if constexpr (std::is_same_v<T, std::int64_t>) return dtype::int64;
  else if constexpr (std::is_same_v<T, std::int32_t>) return dtype::int32;
  else static_assert(sizeof(T) == 0, "a column holds double, float, int64 or int32");
}

// The validity mask: bit (i % 32) of word i / 32 is 1 where row i has a value.
GPULAB_HOST_DEVICE constexpr std::int64_t validity_words(std::int64_t rows) { return (rows + 31) / 32; }
GPULAB_HOST_DEVICE inline bool validity_bit(const std::uint32_t* words, std::int64_t i) {
  return words == nullptr || ((words[i >> 5] >> (i & 31)) & 1u) != 0;
}

template <class T>
struct column_view {
  const T* data = nullptr;
  const std::uint32_t* validity = nullptr;  // nullptr: no row is masked
  std::int64_t size = 0;

  // Whether value `x` of row i counts: its bit is set and it is not NaN.
  GPULAB_HOST_DEVICE bool present(std::int64_t i, T x) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (x != x) return false;  // NaN (x != x is true only for NaN, on host and device alike)
    }
    return validity_bit(validity, i);
  }
};
static_assert(std::is_trivially_copyable_v<column_view<double>>);

}  // namespace gpulab::dataframe

// SPDX-License-Identifier: MIT
// Picking rows: which rows pass a comparison (filter), the rows in the order of
// one column (sort), and copying a column's chosen rows (gather). Rows are int32
// indices; filter and sort_values (dataframe.hpp) gather every column by them.
#pragma once

#include <cstdint>
#include <cstring>
#include <cuda/stream_ref>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "gpulab/core/host_device.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

enum class compare_op { less, less_equal, greater, greater_equal, equal, not_equal };
const char* compare_op_text(compare_op op);        // "<", "<=", ">", ">=", "==", "!="
compare_op parse_compare_op(std::string_view text);  // the same texts; usage_error otherwise

// Whether x op value. The callers never ask for a missing value: a filter keeps no
// missing row, whatever the comparison (pandas' NaN != 1 is True; here it is left out).
GPULAB_HOST_DEVICE inline bool passes(double x, compare_op op, double value) {
  switch (op) {
    case compare_op::less: return x < value;
    case compare_op::less_equal: return x <= value;
    case compare_op::greater: return x > value;
    case compare_op::greater_equal: return x >= value;
    case compare_op::equal: return x == value;
    case compare_op::not_equal: return x != value;
  }
  return false;
}

// [snippet:ordered_key]
// A value's bits rearranged so that unsigned order is the value's order (radix sorts
// compare bits): flip the sign bit of an integer; of a float, flip every bit when it is
// negative, else the sign bit. Descending: the bits inverted. -0.0 sorts as 0.0.
template <class T>
GPULAB_HOST_DEVICE std::uint64_t ordered_key(T x, bool ascending) {
  std::uint64_t key = 0;
  if constexpr (sizeof(T) == 8) {
    if constexpr (std::is_floating_point_v<T>) {
      const double y = x == 0 ? 0.0 : x;
      std::uint64_t bits;
      memcpy(&bits, &y, sizeof bits);
      key = (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
    } else {
      key = static_cast<std::uint64_t>(x) ^ (std::uint64_t{1} << 63);
    }
    return ascending ? key : ~key;
  } else {
    std::uint32_t bits;
    if constexpr (std::is_floating_point_v<T>) {
      const float y = x == 0 ? 0.0f : x;
      memcpy(&bits, &y, sizeof bits);
      bits = (bits >> 31) != 0 ? ~bits : bits | 0x80000000u;
    } else {
      bits = static_cast<std::uint32_t>(x) ^ 0x80000000u;
    }
    return ascending ? bits : ~bits;  // a 32-bit result: the sort looks at 32 bits only
  }
}
// [/snippet:ordered_key]

// GPU (each waits for s where it returns a count or allocates what it returns):
// the rows where x op value, in order.
template <class T>
device_buffer<std::int32_t> filter_rows(column_view<T> x, compare_op op, double value, cuda::stream_ref s);
// Every row in the order of x (stable; missing values last, in table order).
template <class T>
device_buffer<std::int32_t> sort_rows(column_view<T> x, bool ascending, cuda::stream_ref s);
// out[i] = in[rows[i]] (and its validity bit, when out_validity is given), queued on s.
template <class T>
void gather_async(column_view<T> in, const std::int32_t* rows, std::int64_t count, T* out,
                  std::uint32_t* out_validity, cuda::stream_ref s);

// CPU, the same.
template <class T>
std::vector<std::int32_t> filter_rows_cpu(column_view<T> x, compare_op op, double value);
template <class T>
std::vector<std::int32_t> sort_rows_cpu(column_view<T> x, bool ascending);
template <class T>
void gather_cpu(column_view<T> in, std::span<const std::int32_t> rows, T* out, std::uint32_t* out_validity);

// A stable least-significant-digit radix sort of (key, row) pairs on the CPU, by the
// low `key_bits` bits of the keys, 8 bits a pass, every pass parallel (OpenMP).
void radix_sort_pairs_cpu(std::vector<std::uint64_t>& keys, std::vector<std::int32_t>& rows, int key_bits);

}  // namespace gpulab::dataframe

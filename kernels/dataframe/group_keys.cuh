// SPDX-License-Identifier: MIT
// One 64-bit key per row from several key columns (groupby's general path,
// src/dataframe/group_rows.cu): each key column adds its digit, (key - min) x
// stride, so that the composite keys sort as the key columns do, first column first.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/group_rows.hpp"

namespace gpulab::dataframe::kernels {

// [snippet:add_key_digits]
template <class K>
__global__ void add_key_digits(column_view<K> key, bool categorical, std::int64_t min, std::uint64_t stride,
                               std::uint64_t* composite) {
  for (std::int64_t i = global_thread_id(); i < key.size; i += grid_thread_count()) {
    const K k = key.data[i];
    const bool missing = !validity_bit(key.validity, i) || (categorical && k < 0) || composite[i] == missing_group_key;
    composite[i] = missing ? missing_group_key
                           : composite[i] + (static_cast<std::uint64_t>(k) - static_cast<std::uint64_t>(min)) * stride;
  }
}
// [/snippet:add_key_digits]

}  // namespace gpulab::dataframe::kernels

// SPDX-License-Identifier: MIT
// Calls f with a value of the C++ type that stores a column of `type` (int32 for
// a categorical column's codes): one switch instead of one per operation.
#pragma once

#include <cstdint>

#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

template <class F>
decltype(auto) with_value_type(dtype type, F&& f) {
  switch (type) {
    case dtype::float64: return f(double{});
    case dtype::float32: return f(float{});
    case dtype::int64: return f(std::int64_t{});
    case dtype::int32:
    case dtype::category: break;
  }
  return f(std::int32_t{});
}

}  // namespace gpulab::dataframe

// SPDX-License-Identifier: MIT
// The row-wise mean over chosen columns (pandas' df[["A", "B", "C"]].mean(axis=1)):
// each row's present values added in column order, divided by their count; a
// row with no value gets NaN. GPU and CPU add in the same order, so they agree
// bit for bit.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <span>

#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

inline constexpr int max_row_mean_columns = 8;

// out[i] = the mean of row i over `columns` (1..8 columns of one type and length), queued on s.
template <class T>
void row_mean_async(std::span<const column_view<T>> columns, double* out, cuda::stream_ref s);
template <class T>
void row_mean_cpu(std::span<const column_view<T>> columns, double* out);

}  // namespace gpulab::dataframe

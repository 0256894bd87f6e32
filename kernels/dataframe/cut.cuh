// SPDX-License-Identifier: MIT
// pandas.cut on the GPU: four rows per thread, read with 16-byte loads, their
// four codes written with one 16-byte store. The edges come by value in the
// kernel's parameters (constant memory): every lane reads the same edge at the
// same time, which the constant cache serves in one go.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/column_view.hpp"
#include "gpulab/dataframe/cut.hpp"
#include "kernels/dataframe/four_rows.cuh"

namespace gpulab::dataframe::kernels {

// [snippet:cut_kernel]
template <class T>
__global__ void cut_kernel(column_view<T> x, cut_edges edges, std::int32_t* __restrict__ codes) {
  const std::int64_t quads = x.size / 4;
  for (std::int64_t q = global_thread_id(); q < quads; q += grid_thread_count()) {
    const four<T> v = load_four(x.data, q);
    four<std::int32_t> code;
#pragma unroll
    for (int k = 0; k < 4; ++k) {
      code.v[k] = x.present(4 * q + k, v.v[k]) ? cut_code(static_cast<double>(v.v[k]), edges) : -1;
    }
    store_four(codes, q, code);
  }
  const std::int64_t i = 4 * quads + threadIdx.x;  // the last size % 4 rows, by block 0
  if (blockIdx.x == 0 && i < x.size) {
    codes[i] = x.present(i, x.data[i]) ? cut_code(static_cast<double>(x.data[i]), edges) : -1;
  }
}
// [/snippet:cut_kernel]

}  // namespace gpulab::dataframe::kernels

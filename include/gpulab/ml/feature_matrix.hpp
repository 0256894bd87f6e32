// SPDX-License-Identifier: MIT
// A matrix of features as module 7 uses it: n rows (samples) of d float32
// features, row-major and packed, in device memory or on the host. Algorithms
// take the device one as a linalg::matrix_view (the kit's mdspan view); this
// owner keeps the buffer alive.
#pragma once

#include <cstdint>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/layout.hpp"

namespace gpulab::ml {

// Host features: values[i * cols + j] is feature j of row i.
struct host_features {
  std::vector<float> values;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

// Device features, same layout.
struct feature_matrix {
  device_buffer<float> values;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  [[nodiscard]] linalg::matrix_view<const float> view() const {
    return linalg::row_major<const float>(values.data(), static_cast<int>(rows), static_cast<int>(cols));
  }
};

// A device copy of host features (complete when this returns).
inline feature_matrix upload_features(const host_features& host, cuda::stream_ref s) {
  return {upload(host.values, s), host.rows, host.cols};
}

}  // namespace gpulab::ml

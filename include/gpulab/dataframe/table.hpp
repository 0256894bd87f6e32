// SPDX-License-Identifier: MIT
// A table: named columns of one length, all on one backend (pandas' DataFrame,
// cuDF's). New columns made by the operations (dataframe.hpp) go on the table's
// backend and, on the GPU, on its stream.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <string>
#include <utility>
#include <vector>

#include "gpulab/dataframe/column.hpp"

namespace gpulab::dataframe {

class table {
 public:
  // An empty table on `where`; a GPU table's work goes on stream s.
  explicit table(backend where = backend::cpu, cuda::stream_ref s = cuda::stream_ref{cudaStream_t{}})
      : where_(where), stream_(s) {}

  // Adds the column `name`, or replaces it (df["D"] = ...). usage_error when its
  // length differs from the table's or it lives on the other backend.
  void add(const std::string& name, column c);
  // The column `name`; usage_error naming the columns there are.
  [[nodiscard]] const column& operator[](const std::string& name) const;
  [[nodiscard]] bool contains(const std::string& name) const;
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] std::int64_t rows() const noexcept { return rows_; }
  [[nodiscard]] backend where() const noexcept { return where_; }
  [[nodiscard]] cuda::stream_ref stream() const noexcept { return stream_; }

  // A copy of every column on `where` (the GPU's on stream s).
  [[nodiscard]] table to(backend where, cuda::stream_ref s) const;

 private:
  backend where_;
  cuda::stream_ref stream_;
  std::int64_t rows_ = 0;
  std::vector<std::string> names_;
  std::vector<column> columns_;  // in the order added, as pandas keeps them
};

}  // namespace gpulab::dataframe

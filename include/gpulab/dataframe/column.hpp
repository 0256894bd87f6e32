// SPDX-License-Identifier: MIT
// A typed column that owns its values on one backend: device memory for the
// GPU (allocated on the column's stream), a std::vector for the CPU. Move-only,
// like every owner of the kit; kernels and CPU loops get a column_view.
//
//   column a = column::from_host<double>(values, backend::gpu, s);
//   column_view<double> v = a.view<double>();   // pointer, validity mask, size
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

class column {
 public:
  column() = default;
  // `rows` values of `type`, not yet written, on `where` (the GPU's on stream s).
  column(dtype type, std::int64_t rows, backend where, cuda::stream_ref s);

  // A copy of host values (with validity words, or none: every row present).
  template <class T>
  static column from_host(std::span<const T> values, backend where, cuda::stream_ref s,
                          std::span<const std::uint32_t> validity = {}) {
    column c(dtype_of<T>(), static_cast<std::int64_t>(values.size()), where, s);
    c.copy_in(values.data(), values.size_bytes());
    if (!validity.empty()) c.set_validity(validity);
    return c;
  }
  // A categorical column: codes index `labels`; -1 is a missing value.
  static column categorical(std::span<const std::int32_t> codes, std::vector<std::string> labels, backend where,
                            cuda::stream_ref s);

  [[nodiscard]] dtype type() const noexcept { return type_; }
  [[nodiscard]] backend where() const noexcept { return where_; }
  [[nodiscard]] cuda::stream_ref stream() const noexcept { return stream_; }
  [[nodiscard]] std::int64_t size() const noexcept { return rows_; }
  [[nodiscard]] bool is_numeric() const noexcept { return type_ != dtype::category; }
  [[nodiscard]] const std::vector<std::string>& labels() const noexcept { return labels_; }
  [[nodiscard]] bool has_validity() const noexcept { return validity_bytes_ > 0; }

  // The view of a column of T (int32 for a categorical column); usage_error for another T.
  template <class T>
  [[nodiscard]] column_view<T> view() const {
    require_type(dtype_of<T>());
    return {static_cast<const T*>(values_.data()), validity(), rows_};
  }
  // Where the values are written (same checks).
  template <class T>
  [[nodiscard]] T* data() {
    require_type(dtype_of<T>());
    return static_cast<T*>(values_.data());
  }
  // The values as bytes, whatever their type (for code that dispatches on type() itself).
  [[nodiscard]] const void* untyped_data() const noexcept { return values_.data(); }
  [[nodiscard]] const std::uint32_t* validity() const noexcept {
    return has_validity() ? static_cast<const std::uint32_t*>(validity_.data()) : nullptr;
  }
  // Gives the column a validity mask, copied from host words (validity_words(size()) of them).
  void set_validity(std::span<const std::uint32_t> words);
  // Gives the column a mask of `words` to be written by a kernel or loop (GPU: on its stream).
  std::uint32_t* make_validity();
  void set_labels(std::vector<std::string> labels) { labels_ = std::move(labels); }

  // The values on the host (waits for the stream); usage_error for another T.
  template <class T>
  [[nodiscard]] std::vector<T> to_host() const {
    require_type(dtype_of<T>());
    std::vector<T> out(static_cast<std::size_t>(rows_));
    copy_out(out.data(), out.size() * sizeof(T), 0);
    return out;
  }
  // Rows [first, first + count) to the host, for head() and describe().
  template <class T>
  [[nodiscard]] std::vector<T> rows_to_host(std::int64_t first, std::int64_t count) const {
    require_type(dtype_of<T>());
    std::vector<T> out(static_cast<std::size_t>(count));
    copy_out(out.data(), out.size() * sizeof(T), static_cast<std::size_t>(first) * sizeof(T));
    return out;
  }
  // The validity words on the host; empty when the column has no mask.
  [[nodiscard]] std::vector<std::uint32_t> validity_to_host() const;
  // A copy of this column on `where` (the GPU's on stream s).
  [[nodiscard]] column to(backend where, cuda::stream_ref s) const;

 private:
  // Bytes on one backend: device memory or a host vector (both 16-byte aligned at least,
  // which the kernels' 16-byte loads need).
  class storage {
   public:
    storage() = default;
    storage(std::size_t bytes, backend where, cuda::stream_ref s);
    [[nodiscard]] void* data() noexcept { return device_.size() > 0 ? static_cast<void*>(device_.data()) : host_.data(); }
    [[nodiscard]] const void* data() const noexcept {
      return device_.size() > 0 ? static_cast<const void*>(device_.data()) : host_.data();
    }

   private:
    device_buffer<std::byte> device_;
    std::vector<std::byte> host_;
  };

  void require_type(dtype wanted) const;
  void copy_in(const void* host, std::size_t bytes);
  void copy_out(void* host, std::size_t bytes, std::size_t offset) const;

  dtype type_ = dtype::float64;
  backend where_ = backend::cpu;
  cuda::stream_ref stream_{cudaStream_t{}};
  std::int64_t rows_ = 0;
  storage values_;
  storage validity_;
  std::size_t validity_bytes_ = 0;
  std::vector<std::string> labels_;  // a categorical column's categories, in code order
};

// The bytes of one value of `type` (4 for a categorical code).
std::size_t value_bytes(dtype type);

}  // namespace gpulab::dataframe

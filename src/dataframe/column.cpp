// SPDX-License-Identifier: MIT
#include "gpulab/dataframe/column.hpp"

#include <cstring>

#include "gpulab/core/stream.hpp"

namespace gpulab::dataframe {

const char* dtype_name(dtype t) {
  switch (t) {
    case dtype::float64: return "float64";
    case dtype::float32: return "float32";
    case dtype::int64: return "int64";
    case dtype::int32: return "int32";
    case dtype::category: return "category";
  }
  return "?";
}

const char* backend_name(backend b) { return b == backend::gpu ? "gpu" : "cpu"; }

std::size_t value_bytes(dtype type) { return type == dtype::float64 || type == dtype::int64 ? 8 : 4; }

column::storage::storage(std::size_t bytes, backend where, cuda::stream_ref s) {
  if (where == backend::gpu) {
    device_ = device_buffer<std::byte>(bytes, s);
  } else {
    host_.resize(bytes);
  }
}

column::column(dtype type, std::int64_t rows, backend where, cuda::stream_ref s)
    : type_(type), where_(where), stream_(s), rows_(rows) {
  if (rows < 0 || rows > max_rows) {
    throw usage_error("a column holds 0.." + std::to_string(max_rows) + " rows (got " + std::to_string(rows) + ")");
  }
  values_ = storage(static_cast<std::size_t>(rows) * value_bytes(type), where, s);
}

column column::categorical(std::span<const std::int32_t> codes, std::vector<std::string> labels, backend where,
                           cuda::stream_ref s) {
  column c(dtype::category, static_cast<std::int64_t>(codes.size()), where, s);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    if (codes[i] < -1 || codes[i] >= static_cast<std::int32_t>(labels.size())) {
      throw usage_error("categorical column: code " + std::to_string(codes[i]) + " at row " + std::to_string(i) +
                        " is not -1 (missing) or one of the " + std::to_string(labels.size()) + " labels");
    }
  }
  c.copy_in(codes.data(), codes.size_bytes());
  c.labels_ = std::move(labels);
  return c;
}

void column::require_type(dtype wanted) const {
  const bool same = wanted == type_ || (wanted == dtype::int32 && type_ == dtype::category);
  if (!same) {
    throw usage_error(std::string("column of ") + dtype_name(type_) + " used as " + dtype_name(wanted));
  }
}

void column::copy_in(const void* host, std::size_t bytes) {
  if (bytes == 0) return;
  if (where_ == backend::gpu) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(values_.data(), host, bytes, cudaMemcpyHostToDevice, stream_.get()));
    synchronize(stream_);  // the host data may go away when the caller returns
  } else {
    std::memcpy(values_.data(), host, bytes);
  }
}

void column::copy_out(void* host, std::size_t bytes, std::size_t offset) const {
  if (bytes == 0) return;
  if (offset + bytes > static_cast<std::size_t>(rows_) * value_bytes(type_)) {
    throw usage_error("column: rows past the end asked for");
  }
  const auto* from = static_cast<const std::byte*>(values_.data()) + offset;
  if (where_ == backend::gpu) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(host, from, bytes, cudaMemcpyDeviceToHost, stream_.get()));
    synchronize(stream_);
  } else {
    std::memcpy(host, from, bytes);
  }
}

std::uint32_t* column::make_validity() {
  validity_bytes_ = static_cast<std::size_t>(validity_words(rows_)) * sizeof(std::uint32_t);
  validity_ = storage(validity_bytes_, where_, stream_);
  return static_cast<std::uint32_t*>(validity_.data());
}

void column::set_validity(std::span<const std::uint32_t> words) {
  if (static_cast<std::int64_t>(words.size()) != validity_words(rows_)) {
    throw usage_error("validity mask: " + std::to_string(validity_words(rows_)) + " words for " +
                      std::to_string(rows_) + " rows (got " + std::to_string(words.size()) + ")");
  }
  std::uint32_t* to = make_validity();
  if (validity_bytes_ == 0) return;
  if (where_ == backend::gpu) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(to, words.data(), validity_bytes_, cudaMemcpyHostToDevice, stream_.get()));
    synchronize(stream_);
  } else {
    std::memcpy(to, words.data(), validity_bytes_);
  }
}

std::vector<std::uint32_t> column::validity_to_host() const {
  std::vector<std::uint32_t> words(validity_bytes_ / sizeof(std::uint32_t));
  if (validity_bytes_ == 0) return words;
  if (where_ == backend::gpu) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(words.data(), validity_.data(), validity_bytes_, cudaMemcpyDeviceToHost,
                                    stream_.get()));
    synchronize(stream_);
  } else {
    std::memcpy(words.data(), validity_.data(), validity_bytes_);
  }
  return words;
}

column column::to(backend where, cuda::stream_ref s) const {
  column c(type_, rows_, where, s);
  std::vector<std::byte> bytes(static_cast<std::size_t>(rows_) * value_bytes(type_));
  copy_out(bytes.data(), bytes.size(), 0);
  c.copy_in(bytes.data(), bytes.size());
  if (has_validity()) c.set_validity(validity_to_host());
  c.labels_ = labels_;
  return c;
}

}  // namespace gpulab::dataframe

// SPDX-License-Identifier: MIT
// Owners of GPU-related memory: device, pinned host, and managed (unified) memory.
//
// Owners are move-only RAII types; kernels never see them. A kernel takes a
// cuda::std::span (pointer + size, trivially copyable) obtained with .span().
// Device buffers are stream-ordered: allocated with cudaMallocAsync on a stream
// and freed on the same stream, so freeing never stalls the whole device.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/host_memory.hpp"

namespace gpulab {

// Whether p may be read or written as float4 / int4 (16-byte loads and stores need
// addresses that are multiples of 16). cudaMalloc gives 256-byte alignment; a view
// into the middle of a buffer may not have it, so the vectorized versions ask.
inline bool is_16_byte_aligned(const void* p) { return reinterpret_cast<std::uintptr_t>(p) % 16 == 0; }

namespace detail {
// A failed allocation becomes an out_of_memory_error that names both numbers.
inline void throw_if_allocation_failed(cudaError_t status, std::size_t bytes, const char* what, const char* call,
                                       const char* file, int line) {
  if (status == cudaErrorMemoryAllocation) {
    (void)cudaGetLastError();
    std::size_t free_bytes = 0, total_bytes = 0;
    (void)cudaMemGetInfo(&free_bytes, &total_bytes);
    throw out_of_memory_error(bytes, free_bytes, what);
  }
  if (status != cudaSuccess) throw_cuda_error(status, call, file, line);
}
}  // namespace detail

// ------------------------------------------------------------------ device memory
template <class T>
class device_buffer {
 public:
  device_buffer() = default;
  device_buffer(std::size_t count, cuda::stream_ref s) : size_(count), stream_(s) {
    if (count == 0) return;
    void* p = nullptr;
    detail::throw_if_allocation_failed(cudaMallocAsync(&p, bytes(), s.get()), bytes(), "a device buffer",
                                       "cudaMallocAsync", __FILE__, __LINE__);
    data_ = static_cast<T*>(p);
  }
  ~device_buffer() { release(); }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  device_buffer(device_buffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)), stream_(other.stream_) {}
  device_buffer& operator=(device_buffer&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      stream_ = other.stream_;
    }
    return *this;
  }

  [[nodiscard]] T* data() noexcept { return data_; }
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return size_ * sizeof(T); }
  [[nodiscard]] cuda::stream_ref stream() const noexcept { return stream_; }
  [[nodiscard]] cuda::std::span<T> span() noexcept { return {data_, size_}; }
  [[nodiscard]] cuda::std::span<const T> span() const noexcept { return {data_, size_}; }

  // Sets every byte to `byte` (0xFF makes floats NaN: the kit's "poison").
  void fill_bytes_async(unsigned char byte, cuda::stream_ref s) {
    GPULAB_CUDA_TRY(cudaMemsetAsync(data_, byte, bytes(), s.get()));
  }

 private:
  void release() noexcept {
    if (data_ != nullptr) (void)cudaFreeAsync(data_, stream_.get());
    data_ = nullptr;
  }
  T* data_ = nullptr;
  std::size_t size_ = 0;
  cuda::stream_ref stream_{cudaStream_t{}};
};

// ------------------------------------------------------------------ host-visible owners
namespace detail {
// What pinned_buffer and managed_buffer share: a move-only owner of `count`
// elements that frees them with `Free` (cudaFreeHost, cudaFree). Each derived
// class makes its allocation in its own constructor: that is the lesson.
template <class T, cudaError_t (*Free)(void*)>
class host_visible_owner {
 public:
  host_visible_owner() = default;
  ~host_visible_owner() { release(); }
  host_visible_owner(const host_visible_owner&) = delete;
  host_visible_owner& operator=(const host_visible_owner&) = delete;
  host_visible_owner(host_visible_owner&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  host_visible_owner& operator=(host_visible_owner&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  [[nodiscard]] T* data() noexcept { return data_; }
  [[nodiscard]] const T* data() const noexcept { return data_; }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return size_ * sizeof(T); }

 protected:
  explicit host_visible_owner(std::size_t count) : size_(count) {}
  T* data_ = nullptr;
  std::size_t size_ = 0;

 private:
  void release() noexcept {
    if (data_ != nullptr) (void)Free(data_);
    data_ = nullptr;
  }
};
}  // namespace detail

// ------------------------------------------------------------------ pinned host memory
// Page-locked host memory: the copy engines can read it directly (DMA), so
// transfers run at the link's speed and can be asynchronous. Pageable memory
// (new, std::vector) is first copied by the driver into a pinned staging buffer.
template <class T>
class pinned_buffer : public detail::host_visible_owner<T, cudaFreeHost> {
 public:
  pinned_buffer() = default;
  explicit pinned_buffer(std::size_t count) : detail::host_visible_owner<T, cudaFreeHost>(count) {
    if (count == 0) return;
    void* p = nullptr;
    const cudaError_t status = cudaMallocHost(&p, this->bytes());
    if (status == cudaErrorMemoryAllocation) {  // host memory, both numbers: as the runner's check says it
      (void)cudaGetLastError();
      throw out_of_memory_error(this->bytes(), host_memory_available(), "pinned host memory", memory_kind::host);
    }
    if (status != cudaSuccess) detail::throw_cuda_error(status, "cudaMallocHost", __FILE__, __LINE__);
    this->data_ = static_cast<T*>(p);
  }
  [[nodiscard]] std::span<T> span() noexcept { return {this->data_, this->size_}; }
  [[nodiscard]] std::span<const T> span() const noexcept { return {this->data_, this->size_}; }
};

// ------------------------------------------------------------------ managed memory
// One pointer valid on host and device; the driver migrates pages on demand
// (page faults) or ahead of time when asked to prefetch.
template <class T>
class managed_buffer : public detail::host_visible_owner<T, cudaFree> {
 public:
  managed_buffer() = default;
  explicit managed_buffer(std::size_t count) : detail::host_visible_owner<T, cudaFree>(count) {
    if (count == 0) return;
    // Never ask for more managed memory than the GPU has free: oversubscription
    // works on paper but can make the whole GPU crawl.
    require_device_memory(this->bytes(), "a managed buffer");
    void* p = nullptr;
    detail::throw_if_allocation_failed(cudaMallocManaged(&p, this->bytes()), this->bytes(), "a managed buffer",
                                       "cudaMallocManaged", __FILE__, __LINE__);
    this->data_ = static_cast<T*>(p);
  }
  [[nodiscard]] cuda::std::span<T> span() noexcept { return {this->data_, this->size_}; }

  // Migrate the pages to device `device` (or to the host with cudaCpuDeviceId) ahead of use.
  void prefetch_async(int device, cuda::stream_ref s) {
#if CUDART_VERSION >= 13000
    cudaMemLocation location{};
    location.type = device == cudaCpuDeviceId ? cudaMemLocationTypeHost : cudaMemLocationTypeDevice;
    location.id = device == cudaCpuDeviceId ? 0 : device;
    GPULAB_CUDA_TRY(cudaMemPrefetchAsync(this->data_, this->bytes(), location, 0, s.get()));
#else
    GPULAB_CUDA_TRY(cudaMemPrefetchAsync(this->data_, this->bytes(), device, s.get()));
#endif
  }
};

// ------------------------------------------------------------------ copies
// Stream-ordered copies between host memory (pinned or pageable) and device buffers.
// (type_identity_t: T is taken from the buffer, so a std::span<float> converts to std::span<const float>.)
template <class T>
void copy_to_device_async(std::span<const std::type_identity_t<T>> host, device_buffer<T>& device, cuda::stream_ref s) {
  if (host.size() > device.size()) throw usage_error("copy_to_device_async: host range is larger than the buffer");
  GPULAB_CUDA_TRY(cudaMemcpyAsync(device.data(), host.data(), host.size_bytes(), cudaMemcpyHostToDevice, s.get()));
}

template <class T>
void copy_to_host_async(const device_buffer<T>& device, std::span<std::type_identity_t<T>> host, cuda::stream_ref s) {
  if (host.size() < device.size()) throw usage_error("copy_to_host_async: host range is smaller than the buffer");
  GPULAB_CUDA_TRY(cudaMemcpyAsync(host.data(), device.data(), device.bytes(), cudaMemcpyDeviceToHost, s.get()));
}

// A device copy of host data, complete when this returns (for setting up inputs).
template <class T>
device_buffer<T> upload(std::span<const T> host, cuda::stream_ref s) {
  device_buffer<T> device(host.size(), s);
  copy_to_device_async(host, device, s);
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return device;
}
template <class T>
device_buffer<T> upload(const std::vector<T>& host, cuda::stream_ref s) {
  return upload(std::span<const T>(host), s);
}

// A host copy of a device buffer, complete when this returns (for checking outputs).
template <class T>
std::vector<T> download(const device_buffer<T>& device, cuda::stream_ref s) {
  std::vector<T> host(device.size());
  copy_to_host_async(device, std::span<T>(host), s);
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return host;
}

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// Bandwidth cases: one class for every way of moving bytes, because the lesson
// is the comparison. Setup fills the source with seeded random bytes; the
// reference is the source itself; verification copies the destination back.
#include <cstring>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/transfer/cases.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace gpulab::transfer {

const char* copy_kind_name(copy_kind kind) {
  switch (kind) {
    case copy_kind::h2d_pageable: return "h2d_pageable";
    case copy_kind::h2d_pinned: return "h2d_pinned";
    case copy_kind::d2h_pageable: return "d2h_pageable";
    case copy_kind::d2h_pinned: return "d2h_pinned";
    case copy_kind::d2d_memcpy: return "d2d_memcpy";
    case copy_kind::d2d_copy_kernel: return "d2d_copy_kernel";
    case copy_kind::d2d_copy_grid_stride: return "d2d_copy_grid_stride";
    case copy_kind::managed_on_demand: return "managed_on_demand";
    case copy_kind::managed_prefetch: return "managed_prefetch";
  }
  return "?";
}

std::vector<std::size_t> sweep_sizes() {
  std::vector<std::size_t> sizes;
  for (std::size_t bytes = 4096; bytes <= (std::size_t{1} << 30); bytes *= 4) sizes.push_back(bytes);
  return sizes;
}

namespace {

class copy_case final : public bench_case {
 public:
  copy_case(copy_kind kind, std::size_t bytes) : kind_(kind), bytes_(bytes) {}

  std::string name() const override { return copy_kind_name(kind_); }
  case_parameters parameters() const override {
    switch (kind_) {
      case copy_kind::h2d_pageable: return {"h2d", "pageable", "byte"};
      case copy_kind::h2d_pinned: return {"h2d", "pinned", "byte"};
      case copy_kind::d2h_pageable: return {"d2h", "pageable", "byte"};
      case copy_kind::d2h_pinned: return {"d2h", "pinned", "byte"};
      case copy_kind::d2d_memcpy: return {"d2d", "memcpy", "byte"};
      case copy_kind::d2d_copy_kernel: return {"d2d", "copy_kernel", "byte"};
      case copy_kind::d2d_copy_grid_stride: return {"d2d", "copy_grid_stride", "byte"};
      case copy_kind::managed_on_demand: return {"managed", "on_demand", "byte"};
      case copy_kind::managed_prefetch: return {"managed", "prefetch", "byte"};
    }
    return {"?", "?", "byte"};
  }
  bool is_device_to_device() const {
    return kind_ == copy_kind::d2d_memcpy || kind_ == copy_kind::d2d_copy_kernel || kind_ == copy_kind::d2d_copy_grid_stride;
  }
  std::string size_label() const override { return format_bytes(bytes_); }
  double size_value() const override { return static_cast<double>(bytes_); }
  std::size_t device_bytes_needed() const override {
    const bool two_device_buffers = is_device_to_device() ||
                                    kind_ == copy_kind::managed_on_demand || kind_ == copy_kind::managed_prefetch;
    return (two_device_buffers ? 2 : 1) * bytes_;
  }
  work_amount work() const override {
    // A device-to-device copy reads and writes device memory: both count.
    const bool on_device = is_device_to_device();
    return {static_cast<double>(on_device ? 2 * bytes_ : bytes_), 0};
  }
  peak_kind peak() const override {
    return is_device_to_device() ? peak_kind::device_memory
                                                                                  : peak_kind::host_link;
  }
  bool has_cpu_baseline() const override { return false; }
  // Host<->device copies do not touch L2 the way kernels do; flushing matters for d2d only.
  bool flush_l2() const override { return peak() == peak_kind::device_memory; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    reference_.resize(bytes_);
    fill_random_bytes(reference_, seed);
    switch (kind_) {
      case copy_kind::h2d_pageable: pageable_ = reference_; break;
      case copy_kind::h2d_pinned:
        pinned_ = pinned_buffer<unsigned char>(bytes_);
        std::memcpy(pinned_.data(), reference_.data(), bytes_);
        break;
      case copy_kind::d2h_pageable: pageable_.assign(bytes_, 0); break;
      case copy_kind::d2h_pinned: pinned_ = pinned_buffer<unsigned char>(bytes_); break;
      case copy_kind::managed_on_demand:
      case copy_kind::managed_prefetch:
        managed_ = managed_buffer<unsigned char>(bytes_);
        std::memcpy(managed_.data(), reference_.data(), bytes_);  // first touch on the host
        break;
      default: break;
    }
    device_ = device_buffer<unsigned char>(bytes_, s);
    if (kind_ == copy_kind::d2h_pageable || kind_ == copy_kind::d2h_pinned || kind_ == copy_kind::d2d_memcpy ||
        is_device_to_device()) {
      copy_to_device_async(std::span<const unsigned char>(reference_), device_, s);  // the source lives on the GPU
    }
    if (is_device_to_device() || kind_ == copy_kind::managed_on_demand ||
        kind_ == copy_kind::managed_prefetch) {
      target_ = device_buffer<unsigned char>(bytes_, s);
    }
  }

  void run_cpu() override {}  // the reference is the source data itself

  void poison_outputs(cuda::stream_ref s) override {
    switch (kind_) {
      case copy_kind::d2h_pageable: std::memset(pageable_.data(), 0xFF, bytes_); break;
      case copy_kind::d2h_pinned: std::memset(pinned_.data(), 0xFF, bytes_); break;
      case copy_kind::h2d_pageable:
      case copy_kind::h2d_pinned: device_.fill_bytes_async(0xFF, s); break;
      default: target_.fill_bytes_async(0xFF, s); break;
    }
  }

  void run_gpu(cuda::stream_ref s) override {
    cudaStream_t stream = s.get();
    switch (kind_) {
      case copy_kind::h2d_pageable:
        GPULAB_CUDA_TRY(cudaMemcpyAsync(device_.data(), pageable_.data(), bytes_, cudaMemcpyHostToDevice, stream));
        break;
      case copy_kind::h2d_pinned:
        GPULAB_CUDA_TRY(cudaMemcpyAsync(device_.data(), pinned_.data(), bytes_, cudaMemcpyHostToDevice, stream));
        break;
      case copy_kind::d2h_pageable:
        GPULAB_CUDA_TRY(cudaMemcpyAsync(pageable_.data(), device_.data(), bytes_, cudaMemcpyDeviceToHost, stream));
        break;
      case copy_kind::d2h_pinned:
        GPULAB_CUDA_TRY(cudaMemcpyAsync(pinned_.data(), device_.data(), bytes_, cudaMemcpyDeviceToHost, stream));
        break;
      case copy_kind::d2d_memcpy:
        GPULAB_CUDA_TRY(cudaMemcpyAsync(target_.data(), device_.data(), bytes_, cudaMemcpyDeviceToDevice, stream));
        break;
      case copy_kind::d2d_copy_kernel: copy_tiled_async(device_.span(), target_.span(), s); break;
      case copy_kind::d2d_copy_grid_stride: copy_grid_stride_async(device_.span(), target_.span(), s); break;
      case copy_kind::managed_prefetch: {
        int device = 0;
        GPULAB_CUDA_TRY(cudaGetDevice(&device));
        managed_.prefetch_async(device, s);
        copy_tiled_async(managed_.span(), target_.span(), s);
        break;
      }
      case copy_kind::managed_on_demand: copy_tiled_async(managed_.span(), target_.span(), s); break;
    }
  }

  void before_repeat(cuda::stream_ref s) override {
    // Managed pages must start each repeat on the host, as after the host wrote them.
    if (kind_ == copy_kind::managed_on_demand || kind_ == copy_kind::managed_prefetch) {
      managed_.prefetch_async(cudaCpuDeviceId, s);
    }
  }

  verification verify(cuda::stream_ref s) override {
    std::span<const unsigned char> result;
    std::vector<unsigned char> copied;
    switch (kind_) {
      case copy_kind::d2h_pageable: result = pageable_; break;
      case copy_kind::d2h_pinned: result = pinned_.span(); break;
      default: {
        const device_buffer<unsigned char>& out =
            (kind_ == copy_kind::h2d_pageable || kind_ == copy_kind::h2d_pinned) ? device_ : target_;
        copied.resize(bytes_);
        copy_to_host_async(out, std::span<unsigned char>(copied), s);
        synchronize(s);
        result = copied;
      }
    }
    return compare_exact(std::span<const unsigned char>(reference_), result);
  }

 private:
  copy_kind kind_;
  std::size_t bytes_;
  std::vector<unsigned char> reference_;
  std::vector<unsigned char> pageable_;
  pinned_buffer<unsigned char> pinned_;
  managed_buffer<unsigned char> managed_;
  device_buffer<unsigned char> device_;
  device_buffer<unsigned char> target_;
};

}  // namespace

std::unique_ptr<bench_case> make_copy_case(copy_kind kind, std::size_t bytes) {
  return std::make_unique<copy_case>(kind, bytes);
}

}  // namespace gpulab::transfer

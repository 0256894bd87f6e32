// SPDX-License-Identifier: MIT
// Bandwidth cases: one class for every way of moving bytes, because the lesson
// is the comparison. Setup fills the source with seeded random bytes; the
// reference is the source itself; verification copies the destination back.
#include <algorithm>
#include <cstring>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
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
    case copy_kind::d2d_copy_wide_tile: return "d2d_copy_wide_tile";
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
      case copy_kind::d2d_copy_wide_tile: return {"d2d", "copy_wide_tile", "byte"};
      case copy_kind::managed_on_demand: return {"managed", "on_demand", "byte"};
      case copy_kind::managed_prefetch: return {"managed", "prefetch", "byte"};
    }
    return {"?", "?", "byte"};
  }
  bool is_device_to_device() const {
    return kind_ == copy_kind::d2d_memcpy || kind_ == copy_kind::d2d_copy_kernel ||
           kind_ == copy_kind::d2d_copy_grid_stride || kind_ == copy_kind::d2d_copy_wide_tile;
  }
  bool is_managed() const { return kind_ == copy_kind::managed_on_demand || kind_ == copy_kind::managed_prefetch; }
  bool is_host_to_device() const { return kind_ == copy_kind::h2d_pageable || kind_ == copy_kind::h2d_pinned; }
  bool is_device_to_host() const { return kind_ == copy_kind::d2h_pageable || kind_ == copy_kind::d2h_pinned; }
  std::string size_label() const override { return format_bytes(bytes_); }
  double size_value() const override { return static_cast<double>(bytes_); }
  std::size_t device_bytes_needed() const override {
    // A source and a target on the device; a managed source counts too (it migrates there).
    return checked_multiply(is_device_to_device() || is_managed() ? 2u : 1u, bytes_, name());
  }
  // The reference; the host end of the copy (pageable or pinned) or the managed
  // source; and, where the destination is on the device, its copy back in verify().
  std::size_t host_bytes_needed() const override {
    const std::uint64_t buffers = 1 + (is_device_to_device() ? 0 : 1) + (is_device_to_host() ? 0 : 1);
    return checked_multiply(buffers, bytes_, name());
  }
  work_amount work() const override {
    const double bytes = static_cast<double>(bytes_);
    // A device-to-device copy reads and writes device memory; a transfer counts the bytes crossing the link, once.
    if (is_device_to_device()) return {.bytes_read = bytes, .bytes_written = bytes};
    return {.bytes_read = bytes};
  }
  peak_kind peak() const override {
    return is_device_to_device() ? peak_kind::device_memory : peak_kind::host_link;
  }
  bool has_cpu_baseline() const override { return false; }
  // Host<->device copies do not touch L2 the way kernels do; flushing matters for d2d only.
  bool flush_l2() const override { return peak() == peak_kind::device_memory; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    reference_.resize(bytes_);
    fill_random_bytes(reference_, seed);
    // No source byte is 0xFF, the runner's poison: a byte the copy leaves unwritten never matches.
    std::replace(reference_.begin(), reference_.end(), static_cast<unsigned char>(0xFF), static_cast<unsigned char>(0xFE));
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
    if (!is_managed()) device_ = device_buffer<unsigned char>(bytes_, s);
    if (is_device_to_host() || is_device_to_device()) {
      copy_to_device_async(std::span<const unsigned char>(reference_), device_, s);  // the source lives on the GPU
    }
    if (is_device_to_device() || is_managed()) target_ = device_buffer<unsigned char>(bytes_, s);
  }

  void run_cpu() override {}  // the reference is the source data itself

  // The copy's destination: every byte of it is compared with the source.
  std::vector<output_region> outputs() override {
    switch (kind_) {
      case copy_kind::d2h_pageable: return {output_of(pageable_.data(), bytes_, true)};
      case copy_kind::d2h_pinned: return {output_of(pinned_.data(), bytes_, true)};
      case copy_kind::h2d_pageable:
      case copy_kind::h2d_pinned: return {output_of(device_.data(), bytes_)};
      default: return {output_of(target_.data(), bytes_)};
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
      case copy_kind::d2d_copy_wide_tile: copy_wide_tile_async(device_.span(), target_.span(), s); break;
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
        const device_buffer<unsigned char>& out = is_host_to_device() ? device_ : target_;
        copied.resize(bytes_);
        copy_to_host_async(out, std::span<unsigned char>(copied), s);
        synchronize(s);
        result = copied;
      }
    }
    verification v = compare_exact(std::span<const unsigned char>(reference_), result);  // a copy is exact or wrong
    v.check = "exact";
    return v;
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

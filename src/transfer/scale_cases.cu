// SPDX-License-Identifier: MIT
// The course's first demo: multiply 50 million floats by 2, on the host and on
// the device. The lesson is in the three GPU rows side by side: the kernel alone
// is far faster than the CPU, but not once the data has to cross PCIe first.
#include <algorithm>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/transfer/cases.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace gpulab::transfer {

const char* scale_kind_name(scale_kind kind) {
  switch (kind) {
    case scale_kind::device_resident: return "scale_by_2_device_resident";
    case scale_kind::pageable_copies: return "scale_by_2_with_pageable_copies";
    case scale_kind::pinned_copies: return "scale_by_2_with_pinned_copies";
  }
  return "?";
}

namespace {

constexpr float factor = 2.0f;

class scale_case final : public bench_case {
 public:
  scale_case(scale_kind kind, std::size_t n) : kind_(kind), n_(n) {}

  std::string name() const override { return scale_kind_name(kind_); }
  case_parameters parameters() const override {
    switch (kind_) {
      case scale_kind::device_resident: return {"scale_by_2", "device_resident", "float"};
      case scale_kind::pageable_copies: return {"scale_by_2", "pageable_copies", "float"};
      case scale_kind::pinned_copies: return {"scale_by_2", "pinned_copies", "float"};
    }
    return {"scale_by_2", "?", "float"};
  }
  std::string size_label() const override { return std::to_string(n_) + " floats"; }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override { return checked_multiply(2, bytes_of<float>(n_, name()), name()); }
  // The input, the CPU's result, and the GPU's result on the host (pinned: the input's staging too).
  std::size_t host_bytes_needed() const override {
    return checked_multiply(kind_ == scale_kind::pinned_copies ? 4u : 3u, bytes_of<float>(n_, name()), name());
  }
  work_amount work() const override {
    // Read n floats, write n floats (on the device, or across the link and back).
    const double bytes = static_cast<double>(n_) * sizeof(float);
    return {.bytes_read = bytes, .bytes_written = bytes, .flops = static_cast<double>(n_)};
  }
  peak_kind peak() const override {
    return kind_ == scale_kind::device_resident ? peak_kind::device_memory : peak_kind::none;
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    host_in_.resize(n_);
    fill_uniform(host_in_, seed, 0.0f, 1.0f);  // the course: uniform float32
    expected_.assign(n_, 0.0f);
    in_ = device_buffer<float>(n_, s);
    out_ = device_buffer<float>(n_, s);
    if (kind_ == scale_kind::pinned_copies) {
      pinned_in_ = pinned_buffer<float>(n_);
      pinned_out_ = pinned_buffer<float>(n_);
      std::copy(host_in_.begin(), host_in_.end(), pinned_in_.data());
    } else if (kind_ == scale_kind::pageable_copies) {
      host_out_.assign(n_, 0.0f);
    }
    if (kind_ == scale_kind::device_resident) copy_to_device_async(std::span<const float>(host_in_), in_, s);
  }

  // [snippet:scale_cpu]
  // The CPU baseline: the same loop on every core (OpenMP), vectorised by -O3.
  void run_cpu() override {
    const float* in = host_in_.data();
    float* out = expected_.data();
    const auto n = static_cast<std::int64_t>(n_);
#pragma omp parallel for simd schedule(static)
    for (std::int64_t i = 0; i < n; ++i) out[i] = factor * in[i];
  }
  // [/snippet:scale_cpu]

  // Where the result ends: on the device, or back on the host (then out_ is only a stop on the way).
  std::vector<output_region> outputs() override {
    switch (kind_) {
      case scale_kind::device_resident: return {output_of(out_.data(), n_)};
      case scale_kind::pageable_copies: return {output_of(host_out_.data(), n_, true)};
      case scale_kind::pinned_copies: return {output_of(pinned_out_.data(), n_, true)};
    }
    return {};
  }

  // [snippet:scale_with_copies]
  void run_gpu(cuda::stream_ref s) override {
    switch (kind_) {
      case scale_kind::device_resident:  // the data is already on the GPU
        scale_async(in_.span(), out_.span(), factor, s);
        break;
      case scale_kind::pageable_copies:  // copy in, compute, copy back
        copy_to_device_async(std::span<const float>(host_in_), in_, s);
        scale_async(in_.span(), out_.span(), factor, s);
        copy_to_host_async(out_, std::span<float>(host_out_), s);
        break;
      case scale_kind::pinned_copies:
        copy_to_device_async(pinned_in_.span(), in_, s);
        scale_async(in_.span(), out_.span(), factor, s);
        copy_to_host_async(out_, pinned_out_.span(), s);
        break;
    }
  }
  // [/snippet:scale_with_copies]

  verification verify(cuda::stream_ref s) override {
    std::span<const float> result;
    std::vector<float> copied;
    if (kind_ == scale_kind::device_resident) {
      copied.resize(n_);
      copy_to_host_async(out_, std::span<float>(copied), s);
      synchronize(s);
      result = copied;
    } else if (kind_ == scale_kind::pinned_copies) {
      result = pinned_out_.span();
    } else {
      result = host_out_;
    }
    // Multiplying by 2 is exact in floating point: host and device must agree bit for bit.
    verification v = compare_exact(std::span<const float>(expected_), result);
    v.check = "exact";
    return v;
  }

 private:
  scale_kind kind_;
  std::size_t n_;
  std::vector<float> host_in_, host_out_, expected_;
  pinned_buffer<float> pinned_in_, pinned_out_;
  device_buffer<float> in_, out_;
};

}  // namespace

std::unique_ptr<bench_case> make_scale_case(scale_kind kind, std::size_t n) {
  return std::make_unique<scale_case>(kind, n);
}

}  // namespace gpulab::transfer

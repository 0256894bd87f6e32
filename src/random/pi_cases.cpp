// SPDX-License-Identifier: MIT
// Monte Carlo pi, version by version (kernels/random/monte_carlo_pi.cuh).
//
// The device-API versions keep one generator state per resident thread; the
// states are initialised once in setup() (the init_cost demo times that) and
// each run continues their streams, like a long simulation would.
// Verification: |estimate - pi| within 5 standard errors of the estimate (a
// correct count fails once in 1.7 million runs). The check needs no CPU, so it
// scales; the CPU's count is the baseline, and its own estimate is checked too
// when it ran. The output is one number, the hits: a zero, all ones (more hits
// than darts) or 1.5 times the count fails once 5 standard errors of the hits,
// 2 sqrt(darts), are well below half of them, 0.39 darts: from about 1000 darts.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>

#include "gpulab/core/device.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/random/cases.hpp"
#include "gpulab/random/cpu_baseline.hpp"

namespace gpulab::random {

const char* pi_version_name(pi_version v) {
  switch (v) {
    case pi_version::xorwow: return "pi_xorwow";
    case pi_version::philox: return "pi_philox";
    case pi_version::mrg32k3a: return "pi_mrg32k3a";
    case pi_version::host_api_bulk: return "pi_host_api_bulk";
    case pi_version::course_grid: return "pi_course_grid";
  }
  return "?";
}

namespace {

// The course's launch: 512 blocks of 32 threads (16,384 threads; an H100 holds 270,336).
constexpr int course_blocks = 512, course_block_size = 32;
// The host-API version makes its numbers in chunks of this many darts (512 MiB of floats).
constexpr std::uint64_t bulk_chunk_darts = std::uint64_t{1} << 26;

verification check_pi(unsigned long long hits, std::uint64_t darts) {
  if (hits > darts) return {false, "more hits (" + std::to_string(hits) + ") than darts: not counted right", "5 sigma"};
  const double pi = pi_estimate(hits, darts), sigma = pi_standard_error(darts);
  const double error = pi - std::numbers::pi;
  const bool ok = std::abs(error) <= 5.0 * sigma;
  return {ok,
          "pi = " + format_fixed(pi, 7) + ", error " + format_significant(error) + " = " + format_fixed(error / sigma, 1) +
              " standard errors" + (ok ? "" : " (more than 5)"),
          "5 sigma"};
}

class pi_case final : public bench_case {
 public:
  pi_case(pi_version version, std::uint64_t darts) : version_(version), darts_(darts) { require_dart_count(darts); }

  std::string name() const override { return pi_version_name(version_); }
  case_parameters parameters() const override {
    switch (version_) {
      case pi_version::xorwow: return {"pi", "xorwow", "float"};
      case pi_version::philox: return {"pi", "philox", "float"};
      case pi_version::mrg32k3a: return {"pi", "mrg32k3a", "float"};
      case pi_version::host_api_bulk: return {"pi", "host_api_bulk", "float"};
      case pi_version::course_grid: return {"pi", "course_grid", "float"};
    }
    return {"pi", "?", "float"};
  }
  std::string size_label() const override { return std::to_string(darts_) + " darts"; }
  double size_value() const override { return static_cast<double>(darts_); }
  std::size_t device_bytes_needed() const override {
    return version_ == pi_version::host_api_bulk ? 2 * chunk() * sizeof(float) : std::size_t{64} << 20;
  }
  std::size_t host_bytes_needed() const override { return 0; }  // the CPU counts darts without storing them
  work_amount work() const override {
    const double darts = static_cast<double>(darts_);
    // Bulk: two floats per dart written by the generator, then read by the kernel.
    const double bytes = version_ == pi_version::host_api_bulk ? 8.0 * darts : 0.0;
    return {.bytes_read = bytes, .bytes_written = bytes, .flops = 3.0 * darts, .items = darts};  // x*x + y*y, compare
  }
  // The 5-sigma check needs no CPU count (use_scalable_check has nothing to switch off).
  bool has_scalable_check() const override { return true; }
  peak_kind peak() const override {
    return version_ == pi_version::host_api_bulk ? peak_kind::device_memory : peak_kind::none;
  }
  bool flush_l2() const override { return version_ == pi_version::host_api_bulk; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    seed_ = seed;
    hits_ = device_buffer<unsigned long long>(1, s);
    switch (version_) {
      case pi_version::xorwow: make_states(device_generator::xorwow, resident_pi_threads(device_generator::xorwow), s); break;
      case pi_version::philox: make_states(device_generator::philox, resident_pi_threads(device_generator::philox), s); break;
      case pi_version::mrg32k3a:
        make_states(device_generator::mrg32k3a, resident_pi_threads(device_generator::mrg32k3a), s);
        break;
      case pi_version::course_grid:
        make_states(device_generator::xorwow, std::size_t{course_blocks} * course_block_size, s);
        break;
      case pi_version::host_api_bulk: {
        bulk_blocks_ = sm_count() * 8;  // 8 blocks of 256 threads fill an SM
        numbers_ = device_buffer<float>(2 * chunk(), s);
        bulk_.emplace(generator_kind::philox, seed);
        bulk_->set_stream(s);
        break;
      }
    }
  }

  void run_cpu() override { cpu_hits_ = cpu_count_hits(darts_, seed_); }

  std::vector<output_region> outputs() override { return {output_of(hits_.data(), 1)}; }

  // [snippet:pi_versions]
  void run_gpu(cuda::stream_ref s) override {
    hits_.fill_bytes_async(0, s);  // the kernels add their counts to it
    switch (version_) {
      case pi_version::xorwow:
      case pi_version::philox:
      case pi_version::mrg32k3a:  // one state per resident thread, blocks of 256
        count_hits_async(states_, darts_, hits_.data(), s);
        break;
      case pi_version::course_grid:  // the course's 512 blocks x 32 threads
        count_hits_async(states_, darts_, hits_.data(), s, course_block_size);
        break;
      case pi_version::host_api_bulk:  // numbers to memory first, then count them
        for (std::uint64_t done = 0; done < darts_; done += chunk()) {
          const std::uint64_t darts = std::min<std::uint64_t>(chunk(), darts_ - done);
          const cuda::std::span<float> xy(numbers_.data(), 2 * darts);
          bulk_->uniform(xy);
          count_hits_from_uniforms_async(xy, darts, hits_.data(), bulk_blocks_, s);
        }
        break;
    }
  }
  // [/snippet:pi_versions]

  verification verify(cuda::stream_ref s) override {
    unsigned long long hits = 0;
    GPULAB_CUDA_TRY(cudaMemcpyAsync(&hits, hits_.data(), sizeof hits, cudaMemcpyDeviceToHost, s.get()));
    synchronize(s);
    if (cpu_hits_) {
      const verification cpu = check_pi(*cpu_hits_, darts_);
      if (!cpu.passed) return {false, "CPU baseline: " + cpu.detail, "5 sigma"};
    }
    return check_pi(hits, darts_);
  }

 private:
  std::size_t chunk() const { return static_cast<std::size_t>(std::min(darts_, bulk_chunk_darts)); }
  void make_states(device_generator g, std::size_t threads, cuda::stream_ref s) {
    states_ = device_states(g, threads, s);
    states_.init_async(init_method::subsequence_per_thread, seed_, s);
  }

  pi_version version_;
  std::uint64_t darts_;
  std::uint64_t seed_ = 0;
  std::optional<std::uint64_t> cpu_hits_;  // run_cpu()'s, when the CPU ran
  device_buffer<unsigned long long> hits_;
  device_states states_;
  device_buffer<float> numbers_;
  std::optional<generator> bulk_;
  int bulk_blocks_ = 0;  // the counting kernel's grid: enough blocks to fill the GPU; its loop covers any count
};

}  // namespace

std::unique_ptr<bench_case> make_pi_case(pi_version version, std::uint64_t darts) {
  return std::make_unique<pi_case>(version, darts);
}

}  // namespace gpulab::random

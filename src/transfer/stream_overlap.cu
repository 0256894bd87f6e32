// SPDX-License-Identifier: MIT
// Overlapping copies and compute with streams. The same work (copy in, compute,
// copy back) is cut into chunks; with one stream every step waits for the one
// before, with several streams the copy engines (one per direction) and the SMs
// work on different chunks at the same time.
//
// Verification checks every element, exactly: the inputs take only 2048 values
// (k / 1024, k in -1024..1023), so the CPU computes each value's result once
// (2048 x fma_steps) instead of the whole array's (n x fma_steps: 10^11 for the
// default), and each output must equal its input's result bit for bit.
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/transfer/cases.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace gpulab::transfer {

namespace {

constexpr int input_grain = 1024;  // inputs are multiples of 1/1024 in [-1, 1)

class overlap_case final : public bench_case {
 public:
  explicit overlap_case(const overlap_config& config) : config_(config) {}

  std::string name() const override {
    return "pipeline_" + parameters().version;
  }
  case_parameters parameters() const override {
    return {"pipeline", std::to_string(config_.streams) + (config_.streams == 1 ? "_stream" : "_streams"), "float"};
  }
  std::string size_label() const override {
    return std::to_string(config_.n) + " floats, " + std::to_string(config_.chunks) + " chunks";
  }
  double size_value() const override { return static_cast<double>(config_.n); }
  std::size_t device_bytes_needed() const override { return bytes_of<float>(config_.n, name()); }
  // The pinned input and output, and the table of 2048 results.
  std::size_t host_bytes_needed() const override {
    return checked_add(checked_multiply(2, bytes_of<float>(config_.n, name()), name()),
                       2 * input_grain * sizeof(float), name());
  }
  work_amount work() const override {
    // n floats in, n floats out (across the link), 2 FLOPs per FMA step.
    const double n = static_cast<double>(config_.n);
    return {.bytes_read = n * sizeof(float), .bytes_written = n * sizeof(float), .flops = 2.0 * n * config_.fma_steps};
  }
  peak_kind peak() const override { return peak_kind::none; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    input_ = pinned_buffer<float>(config_.n);
    output_ = pinned_buffer<float>(config_.n);
    fill_uniform(input_.span(), seed, -1.0f, 1.0f);
    for (float& x : input_.span()) x = std::floor(x * input_grain) / input_grain;  // exact: k / 1024
    device_ = device_buffer<float>(config_.n, s);
    synchronize(s);  // the buffer is used from the other streams below
    streams_.clear();
    for (int i = 0; i < config_.streams; ++i) streams_.emplace_back();
    done_ = event(cudaEventDisableTiming);
  }

  // The result for each of the 2048 input values (the full CPU version would cost
  // seconds and teach nothing: the lesson is the overlap).
  void run_cpu() override {
    results_.resize(2 * input_grain);
    for (int k = -input_grain; k < input_grain; ++k) {
      results_[static_cast<std::size_t>(k + input_grain)] =
          repeated_fma_reference(static_cast<float>(k) / input_grain, config_.fma_steps);
    }
  }
  bool has_cpu_baseline() const override { return false; }
  // 2048 x fma_steps FMAs at about a nanosecond each, whatever n is.
  double estimated_cpu_seconds() const override { return 2.0 * input_grain * config_.fma_steps * 1e-9; }

  // The pinned output; the device buffer is only the chunks' stop on the way.
  std::vector<output_region> outputs() override { return {output_of(output_.data(), config_.n, true)}; }

  // [snippet:pipeline]
  void run_gpu(cuda::stream_ref s) override {
    // The chunks' streams start only after what was queued on `s` before us.
    done_.record(s);
    for (stream& worker : streams_) GPULAB_CUDA_TRY(cudaStreamWaitEvent(worker.get(), done_.get()));

    const std::size_t chunk = (config_.n + config_.chunks - 1) / config_.chunks;
    for (int c = 0; c < config_.chunks; ++c) {
      const std::size_t begin = c * chunk;
      if (begin >= config_.n) break;
      const std::size_t count = std::min(chunk, config_.n - begin);
      const std::size_t bytes = count * sizeof(float);
      cudaStream_t worker = streams_[c % streams_.size()].get();  // round-robin over the streams
      GPULAB_CUDA_TRY(cudaMemcpyAsync(device_.data() + begin, input_.data() + begin, bytes,
                                      cudaMemcpyHostToDevice, worker));
      const cuda::std::span<float> piece(device_.data() + begin, count);
      repeated_fma_async(piece, config_.fma_steps, cuda::stream_ref{worker});
      GPULAB_CUDA_TRY(cudaMemcpyAsync(output_.data() + begin, device_.data() + begin, bytes,
                                      cudaMemcpyDeviceToHost, worker));
    }
    // [/snippet:pipeline]

    // [snippet:pipeline_join]
    // And `s` continues only when every chunk is back: the runner's stop event waits for all.
    for (stream& worker : streams_) {
      done_.record(worker.ref());
      GPULAB_CUDA_TRY(cudaStreamWaitEvent(s.get(), done_.get()));
    }
  }
  // [/snippet:pipeline_join]

  verification verify(cuda::stream_ref s) override {
    synchronize(s);
    std::size_t wrong = 0, first = config_.n;
    for (std::size_t i = 0; i < config_.n; ++i) {
      const auto k = static_cast<std::size_t>(static_cast<int>(input_.data()[i] * input_grain) + input_grain);
      // Bit for bit: fmaf rounds once on both sides, and an unwritten (NaN) element never matches.
      if (std::bit_cast<std::uint32_t>(output_.data()[i]) != std::bit_cast<std::uint32_t>(results_[k])) {
        if (wrong++ == 0) first = i;
      }
    }
    if (wrong > 0) {
      return {false, std::to_string(wrong) + " of " + std::to_string(config_.n) + " elements differ, first at " +
                         std::to_string(first), "exact"};
    }
    return {true, "all " + std::to_string(config_.n) + " elements equal the CPU's", "exact"};
  }

 private:
  overlap_config config_;
  pinned_buffer<float> input_, output_;
  device_buffer<float> device_;
  std::vector<stream> streams_;
  event done_{cudaEventDisableTiming};
  std::vector<float> results_;  // results_[k + 1024]: the result for the input k / 1024
};

}  // namespace

std::unique_ptr<bench_case> make_overlap_case(const overlap_config& config) {
  if (config.n == 0 || config.chunks < 1 || config.streams < 1 || config.fma_steps < 0) {
    throw usage_error("pipeline: n, chunks and streams must be at least 1");
  }
  return std::make_unique<overlap_case>(config);
}

}  // namespace gpulab::transfer

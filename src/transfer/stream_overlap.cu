// SPDX-License-Identifier: MIT
// Overlapping copies and compute with streams. The same work (copy in, compute,
// copy back) is cut into chunks; with one stream every step waits for the one
// before, with several streams the copy engines (one per direction) and the SMs
// work on different chunks at the same time.
#include <cmath>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/transfer/cases.hpp"
#include "gpulab/transfer/kernels.hpp"

namespace gpulab::transfer {

namespace {

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
  std::size_t device_bytes_needed() const override { return config_.n * sizeof(float); }
  work_amount work() const override {
    const double n = static_cast<double>(config_.n);
    return {2.0 * n * sizeof(float), 2.0 * n * config_.fma_steps};
  }
  peak_kind peak() const override { return peak_kind::none; }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    input_ = pinned_buffer<float>(config_.n);
    output_ = pinned_buffer<float>(config_.n);
    fill_uniform(input_.span(), seed, -1.0f, 1.0f);
    device_ = device_buffer<float>(config_.n, s);
    synchronize(s);  // the buffer is used from the other streams below
    streams_.clear();
    for (int i = 0; i < config_.streams; ++i) streams_.emplace_back();
    done_ = event(cudaEventDisableTiming);
  }

  // The reference for a deterministic sample of the elements (every 61st and
  // the last): the full CPU version would cost seconds and teach nothing.
  void run_cpu() override {
    sample_.clear();
    for (std::size_t i = 0; i < config_.n; i += 61) sample_.push_back(i);
    if (sample_.back() != config_.n - 1) sample_.push_back(config_.n - 1);
    expected_.resize(sample_.size());
    for (std::size_t k = 0; k < sample_.size(); ++k) {
      expected_[k] = repeated_fma_reference(input_.data()[sample_[k]], config_.fma_steps);
    }
  }
  bool has_cpu_baseline() const override { return false; }

  void poison_outputs(cuda::stream_ref s) override {
    std::fill_n(output_.data(), config_.n, std::nanf(""));
    device_.fill_bytes_async(0xFF, s);
    synchronize(s);
  }

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

    // And `s` continues only when every chunk is back: the runner's stop event waits for all.
    for (stream& worker : streams_) {
      done_.record(worker.ref());
      GPULAB_CUDA_TRY(cudaStreamWaitEvent(s.get(), done_.get()));
    }
  }
  // [/snippet:pipeline]

  verification verify(cuda::stream_ref s) override {
    synchronize(s);
    std::vector<float> actual(sample_.size());
    for (std::size_t k = 0; k < sample_.size(); ++k) actual[k] = output_.data()[sample_[k]];
    verification v = compare_exact(std::span<const float>(expected_), std::span<const float>(actual));
    v.detail = "sample of " + std::to_string(sample_.size()) + ": " + v.detail;
    return v;
  }

 private:
  overlap_config config_;
  pinned_buffer<float> input_, output_;
  device_buffer<float> device_;
  std::vector<stream> streams_;
  event done_{cudaEventDisableTiming};
  std::vector<std::size_t> sample_;
  std::vector<float> expected_;
};

}  // namespace

std::unique_ptr<bench_case> make_overlap_case(const overlap_config& config) {
  if (config.n == 0 || config.chunks < 1 || config.streams < 1 || config.fma_steps < 0) {
    throw usage_error("pipeline: n, chunks and streams must be at least 1");
  }
  return std::make_unique<overlap_case>(config);
}

}  // namespace gpulab::transfer

// SPDX-License-Identifier: MIT
// Module 7 `ml` as the apps see it: its cases, its tour item and the
// check of its options. scripts/new-module made it with one example case that
// goes through the whole protocol (seeded inputs, CPU reference, poison, GPU,
// verify, time with the outputs poisoned before each repeat, verify again);
// replace it with the module's own cases. When
// there are several, move them to src/ml/<topic>_cases.cpp (.cu if they
// launch kernels themselves) with their factories in include/gpulab/ml/cases.hpp,
// as src/transfer does, and keep only the list here.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gpulab/ml/kernels.hpp"
#include "gpulab/ml/knn_cases.hpp"
#include "gpulab/ml/module.hpp"
#include "gpulab/ml/regression_cases.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"

namespace gpulab::ml {

namespace {

constexpr std::uint64_t default_elements = std::uint64_t{1} << 24;  // 16 Mi floats: 64 MiB each way
constexpr std::uint64_t max_elements = std::uint64_t{1} << 33;      // keeps every byte count far from overflow

// out[i] = 2 * in[i] on n floats, against the same loop on the CPU.
class scale_by_two_case final : public bench_case {
 public:
  explicit scale_by_two_case(std::uint64_t n) : n_(static_cast<std::size_t>(n)) {
    if (n == 0 || n > max_elements) {
      throw usage_error("scale_by_two: 1..2^33 floats (got " + std::to_string(n) + ")");
    }
  }

  std::string name() const override { return "scale_by_two"; }
  // What it computes and how: the fields comparisons and scripts find it by.
  case_parameters parameters() const override { return {"scale_by_two", "one_per_element", "float"}; }
  std::string size_label() const override { return std::to_string(n_) + " floats"; }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override { return 2 * bytes_of<float>(n_, "scale_by_two"); }
  std::size_t host_bytes_needed() const override { return 2 * bytes_of<float>(n_, "scale_by_two"); }
  // The least it must move: read n floats, write n floats; one multiplication each.
  // "% peak" compares it with the ceiling of that mix (equal reads and writes: a copy).
  work_amount work() const override {
    const double bytes = static_cast<double>(n_) * sizeof(float);
    return {.bytes_read = bytes, .bytes_written = bytes, .flops = static_cast<double>(n_)};
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    host_in_.resize(n_);
    fill_uniform(host_in_, seed, -1.0f, 1.0f);  // seeded: every run and every machine sees the same inputs
    expected_.assign(n_, 0.0f);
    in_ = device_buffer<float>(n_, s);
    out_ = device_buffer<float>(n_, s);
    copy_to_device_async(std::span<const float>(host_in_), in_, s);
  }

  // The CPU baseline: the same loop on every core (OpenMP), vectorised by -O3.
  void run_cpu() override {
    const float* in = host_in_.data();
    float* out = expected_.data();
    const auto n = static_cast<std::int64_t>(n_);
#pragma omp parallel for simd schedule(static)
    for (std::int64_t i = 0; i < n; ++i) out[i] = 2.0f * in[i];
  }

  // What the GPU writes: the runner fills it with 0xFF bytes (NaN) before every
  // run, so an element left unwritten never matches.
  std::vector<output_region> outputs() override { return {output_of(out_.data(), n_)}; }

  void run_gpu(cuda::stream_ref s) override { scale_by_two_async(in_.span(), out_.span(), s); }

  verification verify(cuda::stream_ref s) override {
    const std::vector<float> result = download(out_, s);
    // Multiplying by 2 is exact in floating point: the GPU must agree bit for bit.
    verification v = compare_exact(std::span<const float>(expected_), std::span<const float>(result));
    v.check = "exact";
    return v;
  }

 private:
  std::size_t n_;
  std::vector<float> host_in_, expected_;
  device_buffer<float> in_, out_;
};

// Everything the user typed, checked before any GPU work.
void validate(const run_options& options) {
  if (options.size && *options.size > max_elements) {
    throw usage_error("--size: at most 2^33 floats (got " + std::to_string(*options.size) + ")");
  }
}

}  // namespace

training_module make_module() {
  std::vector<case_entry> cases = {
      {"scale_by_two", "out[i] = 2 * in[i], one thread per element (--size: floats; default 16M)",
       one_case([](const run_options& options) {
         return std::make_unique<scale_by_two_case>(options.size.value_or(default_elements));
       }),
       100003},  // check_size: the sabotage test (tests/course) runs it here
  };
  for (case_entry& e : knn_cases()) cases.push_back(std::move(e));  // k nearest neighbours (src/ml/knn_cases.cpp)
  // The module names only what it has; every other field keeps its default (runner.hpp).
  return {
      .name = "ml",
      .title = "gpulab module 7: ml",
      .demos = regression_demos(),
      .cases = with_regression_cases(std::move(cases)),
      .tour = {{"scale_by_two", std::nullopt}},
      .compare = knn_compare,
      .validate = validate,
  };
}

}  // namespace gpulab::ml

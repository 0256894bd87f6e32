// SPDX-License-Identifier: MIT
// Sum and dot product of 2^26 floats, version by version (kernels/custom/reduce.cuh).
//
// Verification: the float result against a sum in double, within the worst
// case for the version's order of additions: every addition rounds by at most
// 2^-24 of a partial sum no larger than sum |terms|, and a term goes through
// about log2(block) additions in a block tree plus one per block before it
// (the blocks' atomics form a chain), or through n - 1 in one running total.
#include <cmath>
#include <optional>
#include <vector>

#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/cpu_reference.hpp"

namespace gpulab::custom {

namespace {

class reduction_case final : public bench_case {
 public:
  reduction_case(reduce_version v, bool dot, std::size_t n) : version_(v), dot_(dot), n_(n) {
    if (n == 0) throw usage_error("a reduction needs at least 1 element");
  }
  std::string name() const override { return std::string(dot_ ? "dot_" : "sum_") + reduce_version_name(version_); }
  case_parameters parameters() const override { return {dot_ ? "dot" : "sum", reduce_version_name(version_), "float"}; }
  std::string size_label() const override { return std::to_string(n_) + " floats"; }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override { return (dot_ ? 2 : 1) * n_ * sizeof(float) + (64 << 20); }
  work_amount work() const override {
    const double n = static_cast<double>(n_);
    return {(dot_ ? 2.0 : 1.0) * n * sizeof(float), dot_ ? 2.0 * n : n};  // read each input once
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    x_.resize(n_);
    fill_uniform(x_, seed, -1.0f, 1.0f);  // mean 0: the running totals stay small, as in real data
    x_device_ = device_buffer<float>(n_, s);
    copy_to_device_async(std::span<const float>(x_), x_device_, s);
    if (dot_) {
      y_.resize(n_);
      fill_uniform(y_, seed + 1, -1.0f, 1.0f);
      y_device_ = device_buffer<float>(n_, s);
      copy_to_device_async(std::span<const float>(y_), y_device_, s);
    }
    work_.emplace(n_, s);
    synchronize(s);
  }
  void run_cpu() override {
    expected_ = dot_ ? dot_cpu(x_, y_) : sum_cpu(x_);
    magnitudes_ = dot_ ? dot_of_magnitudes(x_, y_) : sum_of_magnitudes(x_);
  }
  void poison_outputs(cuda::stream_ref s) override { GPULAB_CUDA_TRY(cudaMemsetAsync(work_->result(), 0xFF, 4, s.get())); }
  void run_gpu(cuda::stream_ref s) override {
    reduce_async(version_, x_device_.span(), dot_ ? y_device_.span() : cuda::std::span<const float>{}, *work_, s);
  }
  verification verify(cuda::stream_ref s) override {
    const double got = read_result(*work_, s);
    const double error = std::abs(got - expected_);
    const double bound = error_bound();
    return {error <= bound, "|GPU - FP64| = " + format_significant(error) + " = " +
                                format_significant(error / magnitudes_) + " of sum|terms| (bound " +
                                format_significant(bound / magnitudes_) + ")"};
  }

 private:
  double error_bound() const {
    const double n = static_cast<double>(n_);
    double additions = n - 1;  // one running total, or an order we do not know (CUB)
    switch (version_) {
      case reduce_version::shared_tree:
      case reduce_version::warp_shuffle: additions = 8 + std::ceil(n / 256); break;
      case reduce_version::multi_element: additions = 16 + 8 + std::ceil(n / 4096); break;
      case reduce_version::atomic_per_element:
      case reduce_version::cub: break;
    }
    return float_sum_error_bound(additions, magnitudes_) + 1e-30;
  }

  reduce_version version_;
  bool dot_;
  std::size_t n_;
  std::vector<float> x_, y_;
  device_buffer<float> x_device_, y_device_;
  std::optional<reduction_workspace> work_;
  double expected_ = 0, magnitudes_ = 0;
};

}  // namespace

std::unique_ptr<bench_case> make_reduction_case(reduce_version v, bool dot, std::size_t n) {
  return std::make_unique<reduction_case>(v, dot, n);
}

}  // namespace gpulab::custom

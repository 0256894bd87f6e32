// SPDX-License-Identifier: MIT
// Sum and dot product of 2^26 floats, version by version (kernels/custom/reduce.cuh).
//
// Verification is exact equality, whatever the order of the additions. Every
// input is k / 8 with k a seeded uniform integer in -8..8 (eighths.hpp), so
// every partial sum, in any order, is a multiple of 1/8 (of 1/64 for a dot
// product, whose products k1 k2 / 64 are exact too, fused into an FMA or not), and
// a float holds those exactly up to 2^21 (2^18 for 1/64). While the partial sums
// stay below that, no addition rounds: every version must return the exact sum,
// which the CPU computes in int64 grains. One wrong, lost or unwritten term shows,
// and so does a zeroed result (an exact sum of 0 is nudged off 0 in setup()).
//
// How far below: k has mean 0 and standard deviation sqrt(24) = 4.9 (hence -8..8:
// -8..7 has mean -1/2 grain, and its sum drifts past 2^21 by n = 2^25). The versions
// add subsets chosen by position, never by value, in whatever order the atomics
// land, so their partial sums wander like a random walk, about sqrt(n) x sigma:
//   n = 2^26: sum ~5,000 (2^21 is 420 times that), dot ~3,100 (2^18 is 85 times)
//   n = 2^33, the largest --size: sum ~57,000 (37 times), dot ~35,000 (7.5 times:
//   at 7.5 standard deviations the walk reaches 2^18 with a chance of about 1e-13).
// Past the margin an addition would round and the check would fail: a false alarm,
// never a wrong result passed.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/eighths.hpp"

namespace gpulab::custom {

void fill_eighths(std::span<float> out, std::uint64_t seed, int k_low, int k_high) {
  const auto n = static_cast<std::int64_t>(out.size());
  const auto values = static_cast<std::uint64_t>(k_high - k_low + 1);
  float* data = out.data();
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint64_t r = splitmix64(seed ^ static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull) % values;
    data[i] = static_cast<float>(k_low + static_cast<int>(r)) / grains_per_unit;
  }
}

namespace {

// The sum of x (y empty) or x . y, in grains of 1/8 (1/64): integers, no rounding anywhere.
std::int64_t exact_total(std::span<const float> x, std::span<const float> y) {
  const auto n = static_cast<std::int64_t>(x.size());
  std::int64_t total = 0;
  if (y.empty()) {
#pragma omp parallel for reduction(+ : total) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) total += to_grains(x[i]);
  } else {
#pragma omp parallel for reduction(+ : total) schedule(static)
    for (std::int64_t i = 0; i < n; ++i) total += to_grains(x[i]) * to_grains(y[i]);
  }
  return total;
}

class reduction_case final : public bench_case {
 public:
  reduction_case(reduce_version v, bool dot, std::size_t n) : version_(v), dot_(dot), n_(n) {
    if (n == 0) throw usage_error("a reduction needs at least 1 element");
  }
  std::string name() const override { return std::string(dot_ ? "dot_" : "sum_") + reduce_version_name(version_); }
  case_parameters parameters() const override { return {dot_ ? "dot" : "sum", reduce_version_name(version_), "float"}; }
  std::string size_label() const override { return std::to_string(n_) + " floats"; }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override {  // the inputs, and 64 MiB for the result and CUB's scratch
    return checked_add(input_bytes(), std::size_t{64} << 20, name());
  }
  std::size_t host_bytes_needed() const override { return input_bytes(); }
  work_amount work() const override {  // read each input once, write one float; an add (and a multiply) per element
    const double n = static_cast<double>(n_);
    return {.bytes_read = (dot_ ? 2.0 : 1.0) * n * sizeof(float), .bytes_written = sizeof(float),
            .flops = dot_ ? 2.0 * n : n};
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    x_.resize(n_);
    fill_eighths(x_, seed, -8, 8);
    if (dot_) {
      y_.resize(n_);
      fill_eighths(y_, seed + 1, -8, 8);
    }
    if (exact_total(x_, y_) == 0) {  // a zeroed result must fail: the first term becomes 1 grain (2 if it was 1)
      const bool was_one = to_grains(x_[0]) * (dot_ ? to_grains(y_[0]) : 1) == 1;
      x_[0] = was_one ? 2.0f / grains_per_unit : 1.0f / grains_per_unit;
      if (dot_) y_[0] = 1.0f / grains_per_unit;
    }
    x_device_ = upload(x_, s);
    if (dot_) y_device_ = upload(y_, s);
    work_.emplace(n_, s);
    synchronize(s);
  }
  void run_cpu() override { expected_ = exact_total(x_, y_); }
  // One float; the versions with atomics zero it first themselves (inside run_gpu).
  std::vector<output_region> outputs() override { return {output_of(work_->result(), 1)}; }
  void run_gpu(cuda::stream_ref s) override {
    reduce_async(version_, x_device_.span(), dot_ ? y_device_.span() : cuda::std::span<const float>{}, *work_, s);
  }
  verification verify(cuda::stream_ref s) override {
    const double got = read_result(*work_, s);
    const double grain = dot_ ? 1.0 / (grains_per_unit * grains_per_unit) : 1.0 / grains_per_unit;
    const double exact = static_cast<double>(expected_) * grain;  // exact in double: |expected_| < 2^40
    const int decimals = dot_ ? 6 : 3;  // 1/64 = 0.015625, 1/8 = 0.125
    if (got == exact) return {true, "GPU = exact sum " + format_fixed(exact, decimals), "exact"};
    return {false, "GPU " + format_fixed(got, decimals) + ", exact sum " + format_fixed(exact, decimals), "exact"};
  }

 private:
  std::size_t input_bytes() const { return checked_multiply(dot_ ? 2u : 1u, bytes_of<float>(n_, name()), name()); }

  reduce_version version_;
  bool dot_;
  std::size_t n_;
  std::vector<float> x_, y_;
  device_buffer<float> x_device_, y_device_;
  std::optional<reduction_workspace> work_;
  std::int64_t expected_ = 0;  // in grains
};

}  // namespace

std::unique_ptr<bench_case> make_reduction_case(reduce_version v, bool dot, std::size_t n) {
  return std::make_unique<reduction_case>(v, dot, n);
}

}  // namespace gpulab::custom

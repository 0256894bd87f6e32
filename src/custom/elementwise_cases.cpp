// SPDX-License-Identifier: MIT
// Elementwise cases: each operation in each version, 50M floats by default,
// every element compared with the CPU reference (include/gpulab/custom/cpu_reference.hpp).
//
// Tolerance, per element: |gpu - cpu| <= tol * scale, where scale is what the
// rounding errors are proportional to (|a x| + |y| for saxpy, sum |c_k x^k| for
// a polynomial, |result| otherwise) and tol a few float roundings (the GPU may
// fuse a multiply and an add into one FMA, which the CPU's -O3 code need not).
#include <cmath>
#include <optional>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/cpu_reference.hpp"
#include "gpulab/rtc/elementwise.hpp"

namespace gpulab::custom {

namespace {

// The course's polynomial, 1 - 2x - 0.5x^2, padded to degree 7 so that the
// arithmetic is not negligible next to the memory traffic.
const std::vector<float> course_polynomial = {1.0f, -2.0f, -0.5f, 0.25f, -0.125f, 0.0625f, -0.03125f, 0.015625f};

class elementwise_case final : public bench_case {
 public:
  elementwise_case(elementwise_op op, map_version v, std::size_t n) : op_(op), version_(v), n_(n) {
    if (n == 0) throw usage_error("an elementwise case needs at least 1 element");
  }
  // saxpy by a kernel compiled at run time from `operation` (see runtime_saxpy_parameters).
  // restrict_pointers: the parameters say __restrict__ (runtime_saxpy_restrict_parameters).
  elementwise_case(std::string operation, std::size_t n, bool restrict_pointers)
      : elementwise_case(elementwise_op::saxpy, map_version::grid_stride, n) {
    runtime_operation_ = std::move(operation);
    runtime_restrict_ = restrict_pointers;
  }
  std::string name() const override {
    if (runtime_operation_) return runtime_restrict_ ? "saxpy_runtime_compiled_restrict" : "saxpy_runtime_compiled";
    if (op_ == elementwise_op::polynomial_constant || op_ == elementwise_op::polynomial_global) {
      return elementwise_op_name(op_);  // both vectorized: the difference is where the coefficients live
    }
    return std::string(elementwise_op_name(op_)) + "_" + map_version_name(version_);
  }
  case_parameters parameters() const override {
    if (runtime_operation_) {
      return {"saxpy", runtime_restrict_ ? "runtime_compiled_restrict" : "runtime_compiled", "float"};
    }
    if (op_ == elementwise_op::polynomial_constant) return {"polynomial", "constant_memory", "float"};
    if (op_ == elementwise_op::polynomial_global) return {"polynomial", "global_memory", "float"};
    return {elementwise_op_name(op_), map_version_name(version_), "float"};
  }
  std::string size_label() const override { return std::to_string(n_) + " floats"; }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override {
    return checked_multiply(inputs() + 1, bytes_of<float>(n_, name()), name());  // inputs and output
  }
  // The inputs, the CPU's result and the GPU's result copied back.
  std::size_t host_bytes_needed() const override {
    return checked_multiply(inputs() + 2, bytes_of<float>(n_, name()), name());
  }
  work_amount work() const override {
    const double n = static_cast<double>(n_);
    double flops_per_element = 1;
    switch (op_) {
      case elementwise_op::times_two: flops_per_element = 1; break;
      case elementwise_op::saxpy: flops_per_element = 2; break;
      case elementwise_op::gaussian: flops_per_element = 6; break;  // subtract, 3 multiplies, exp counted as 1, scale
      case elementwise_op::distance: flops_per_element = 4; break;  // 2 multiplies, add, sqrt
      case elementwise_op::polynomial_constant:
      case elementwise_op::polynomial_global:
        flops_per_element = 2.0 * static_cast<double>(course_polynomial.size() - 1);
        break;
    }
    return {.bytes_read = static_cast<double>(inputs()) * n * sizeof(float),
            .bytes_written = n * sizeof(float),
            .flops = flops_per_element * n};
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    const float range = op_ == elementwise_op::gaussian ? 10.0f : 1.0f;  // the course: x in [-10, 10]
    x_.resize(n_);
    fill_uniform(x_, seed, -range, range);
    x_device_ = upload(x_, s);
    if (needs_second_input(op_)) {
      y_.resize(n_);
      fill_uniform(y_, seed + 1, -1.0f, 1.0f);
      y_device_ = upload(y_, s);
    }
    out_device_ = device_buffer<float>(n_, s);
    coefficients_device_ = upload(course_polynomial, s);
    upload_polynomial_coefficients(course_polynomial, s);
    params_.global_coefficients = coefficients_device_.data();
    params_.coefficient_count = static_cast<int>(course_polynomial.size());
    if (runtime_operation_) {  // compiled once per process (cached), not timed
      runtime_kernel_.emplace(runtime_restrict_ ? runtime_saxpy_restrict_parameters : runtime_saxpy_parameters,
                              *runtime_operation_, "saxpy");
    }
  }

  void run_cpu() override {
    expected_.resize(n_);
    switch (op_) {
      case elementwise_op::times_two:
        for (std::size_t i = 0; i < n_; ++i) expected_[i] = 2.0f * x_[i];
        break;
      case elementwise_op::saxpy: saxpy_cpu(params_.a, x_, y_, expected_); break;
      case elementwise_op::gaussian: gaussian_pdf_cpu(x_, params_.mu, params_.sigma, expected_); break;
      case elementwise_op::distance: distance_cpu(x_, y_, expected_); break;
      case elementwise_op::polynomial_constant:
      case elementwise_op::polynomial_global: polynomial_cpu(course_polynomial, x_, expected_); break;
    }
  }

  std::vector<output_region> outputs() override { return {output_of(out_device_.data(), n_)}; }

  void run_gpu(cuda::stream_ref s) override {
    if (runtime_kernel_) {
      (*runtime_kernel_)(s, static_cast<std::int64_t>(n_), x_device_, y_device_, out_device_, params_.a);
      return;
    }
    map_async(op_, version_, params_, x_device_.span(),
              needs_second_input(op_) ? y_device_.span() : cuda::std::span<const float>{}, out_device_.span(), s);
  }

  verification verify(cuda::stream_ref s) override {
    std::vector<float> got(n_);
    copy_to_host_async(out_device_, std::span<float>(got), s);
    synchronize(s);
    const double u = std::ldexp(1.0, -24);
    double worst = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      const double error = std::abs(static_cast<double>(got[i]) - expected_[i]);
      const double ratio = error / (scale(i) * u + 1e-37);
      if (!(ratio <= tolerance_in_roundings())) {
        return {false,
                "element " + std::to_string(i) + " is " + format_significant(got[i]) + ", expected " +
                    format_significant(expected_[i]) + (std::isnan(got[i]) ? " (never written?)" : ""),
                "vs CPU"};
      }
      worst = std::max(worst, ratio);
    }
    return {true,
            "max error " + format_significant(worst) + " roundings (tol " +
                format_significant(tolerance_in_roundings()) + ")",
            "vs CPU"};
  }

 private:
  std::uint64_t inputs() const { return needs_second_input(op_) ? 2 : 1; }

  // What rounding errors are proportional to, element i.
  double scale(std::size_t i) const {
    switch (op_) {
      case elementwise_op::saxpy: return std::abs(params_.a * x_[i]) + std::abs(y_[i]);
      case elementwise_op::polynomial_constant:
      case elementwise_op::polynomial_global: {
        double sum = 0, power = 1;
        for (float c : course_polynomial) sum += std::abs(c) * power, power *= std::abs(x_[i]);
        return sum;
      }
      default: return std::abs(static_cast<double>(expected_[i]));
    }
  }
  // expf and the argument's roundings (gaussian: |z|^2 / 2 up to 50 amplifies them), one
  // rounding per Horner step, and a few for the rest.
  double tolerance_in_roundings() const {
    switch (op_) {
      case elementwise_op::times_two: return 0;
      case elementwise_op::gaussian: return 256;
      case elementwise_op::polynomial_constant:
      case elementwise_op::polynomial_global: return 4.0 * static_cast<double>(course_polynomial.size());
      default: return 4;
    }
  }

  elementwise_op op_;
  map_version version_;
  std::size_t n_;
  elementwise_params params_;
  std::optional<std::string> runtime_operation_;
  bool runtime_restrict_ = false;
  std::optional<rtc::elementwise_kernel> runtime_kernel_;
  std::vector<float> x_, y_, expected_;
  device_buffer<float> x_device_, y_device_, out_device_, coefficients_device_;
};

}  // namespace

std::unique_ptr<bench_case> make_elementwise_case(elementwise_op op, map_version v, std::size_t n) {
  return std::make_unique<elementwise_case>(op, v, n);
}

std::unique_ptr<bench_case> make_runtime_saxpy_case(const std::string& operation, std::size_t n,
                                                    bool restrict_pointers) {
  return std::make_unique<elementwise_case>(operation, n, restrict_pointers);
}

void check_runtime_saxpy_compiles(const std::string& operation) {
  (void)rtc::compile_cached(rtc::elementwise_source("saxpy", runtime_saxpy_parameters, operation), "saxpy",
                            rtc::architecture{});
}

}  // namespace gpulab::custom

// SPDX-License-Identifier: MIT
// Row sums, column sums and transposes of an n x n float matrix (the course:
// 16384 x 16384 for the sums), every output compared with the CPU: sums with a
// double sum within the float bound of the line's length, transposes exactly.
#include <cmath>
#include <vector>

#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/custom/cases.hpp"

namespace gpulab::custom {

namespace {

std::vector<float> random_square(int n, std::uint64_t seed) {
  std::vector<float> m(static_cast<std::size_t>(n) * static_cast<std::size_t>(n));
  fill_uniform(m, seed, -1.0f, 1.0f);
  return m;
}

class line_sums_case final : public bench_case {
 public:
  line_sums_case(bool rows, line_sums_version v, int n) : rows_(rows), version_(v), n_(n) {}
  std::string name() const override {
    const case_parameters p = parameters();
    return p.operation + "_" + p.version;  // row_sums_thread_per_row, ..., column_sums_tiled
  }
  case_parameters parameters() const override {
    const bool per_line = version_ == line_sums_version::thread_per_line;
    if (rows_) return {"row_sums", per_line ? "thread_per_row" : "block_per_row", "float"};
    return {"column_sums", per_line ? "thread_per_column" : "tiled", "float"};
  }
  std::string size_label() const override { return std::to_string(n_) + " x " + std::to_string(n_); }
  double size_value() const override { return n_; }
  std::size_t device_bytes_needed() const override { return (elements() + static_cast<std::size_t>(n_)) * sizeof(float); }
  work_amount work() const override {
    return {static_cast<double>(elements() + static_cast<std::size_t>(n_)) * sizeof(float), static_cast<double>(elements())};
  }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    m_ = random_square(n_, seed);
    m_device_ = upload(m_, s);
    sums_device_ = device_buffer<float>(static_cast<std::size_t>(n_), s);
  }
  void run_cpu() override {  // in double, with each line's sum of magnitudes for the error bound
    const std::size_t n = static_cast<std::size_t>(n_);
    expected_.assign(n, 0.0);
    magnitudes_.assign(n, 0.0);
    if (rows_) {
#pragma omp parallel for
      for (std::int64_t r = 0; r < n_; ++r) {
        double sum = 0, magnitude = 0;
        for (std::size_t c = 0; c < n; ++c) sum += m_[r * n + c], magnitude += std::abs(m_[r * n + c]);
        expected_[r] = sum, magnitudes_[r] = magnitude;
      }
    } else {
      for (std::size_t r = 0; r < n; ++r) {
        for (std::size_t c = 0; c < n; ++c) expected_[c] += m_[r * n + c], magnitudes_[c] += std::abs(m_[r * n + c]);
      }
    }
  }
  void poison_outputs(cuda::stream_ref s) override { sums_device_.fill_bytes_async(0xFF, s); }
  void run_gpu(cuda::stream_ref s) override {
    if (rows_) {
      row_sums_async(version_, m_device_.span(), n_, n_, sums_device_.span(), s);
    } else {
      column_sums_async(version_, m_device_.span(), n_, n_, sums_device_.span(), s);
    }
  }
  verification verify(cuda::stream_ref s) override {
    std::vector<float> got(static_cast<std::size_t>(n_));
    copy_to_host_async(sums_device_, std::span<float>(got), s);
    synchronize(s);
    double worst = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
      // Any order of n additions: at most n roundings of the line's sum of magnitudes.
      const double bound = float_sum_error_bound(n_, magnitudes_[i]) + 1e-30;
      const double error = std::abs(got[i] - expected_[i]);
      if (!(error <= bound)) {
        return {false, std::string(rows_ ? "row " : "column ") + std::to_string(i) + " sums to " +
                           format_significant(got[i]) + ", expected " + format_significant(expected_[i])};
      }
      worst = std::max(worst, error / (float_unit_roundoff * magnitudes_[i] + 1e-30));
    }
    return {true, "max error " + format_significant(worst) + " roundings of sum |line| (bound " +
                      std::to_string(n_) + ")"};
  }

 private:
  std::size_t elements() const { return static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_); }
  bool rows_;
  line_sums_version version_;
  int n_;
  std::vector<float> m_;
  std::vector<double> expected_, magnitudes_;
  device_buffer<float> m_device_, sums_device_;
};

class transpose_case final : public bench_case {
 public:
  transpose_case(transpose_version v, int n) : version_(v), n_(n) {}
  std::string name() const override { return transpose_version_name(version_); }
  case_parameters parameters() const override {
    switch (version_) {
      case transpose_version::naive: return {"transpose", "naive", "float"};
      case transpose_version::tiled: return {"transpose", "tiled", "float"};
      case transpose_version::tiled_padded: return {"transpose", "tiled_padded", "float"};
    }
    return {"transpose", "?", "float"};
  }
  std::string size_label() const override { return std::to_string(n_) + " x " + std::to_string(n_); }
  double size_value() const override { return n_; }
  std::size_t device_bytes_needed() const override { return 2 * elements() * sizeof(float); }
  work_amount work() const override { return {2.0 * static_cast<double>(elements()) * sizeof(float), 0.0}; }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    in_ = random_square(n_, seed);
    in_device_ = upload(in_, s);
    out_device_ = device_buffer<float>(elements(), s);
  }
  void run_cpu() override {
    expected_.resize(elements());
    transpose_cpu(in_, static_cast<std::size_t>(n_), static_cast<std::size_t>(n_), expected_);
  }
  void poison_outputs(cuda::stream_ref s) override { out_device_.fill_bytes_async(0xFF, s); }
  void run_gpu(cuda::stream_ref s) override { transpose_async(version_, in_device_.span(), n_, n_, out_device_.span(), s); }
  verification verify(cuda::stream_ref s) override {
    std::vector<float> got(elements());
    copy_to_host_async(out_device_, std::span<float>(got), s);
    synchronize(s);
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i] != expected_[i]) {  // a transpose moves values: exact or wrong
        return {false, "element (" + std::to_string(i / n_) + ", " + std::to_string(i % n_) + ") is " +
                           format_significant(got[i]) + ", expected " + format_significant(expected_[i])};
      }
    }
    return {true, "exact"};
  }

 private:
  std::size_t elements() const { return static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_); }
  transpose_version version_;
  int n_;
  std::vector<float> in_, expected_;
  device_buffer<float> in_device_, out_device_;
};

}  // namespace

std::unique_ptr<bench_case> make_line_sums_case(bool rows, line_sums_version v, int n) {
  if (n < 1 || n > max_matrix_dimension) {
    throw usage_error("matrix size must be 1.." + std::to_string(max_matrix_dimension) + ", got " + std::to_string(n));
  }
  return std::make_unique<line_sums_case>(rows, v, n);
}

std::unique_ptr<bench_case> make_transpose_case(transpose_version v, int n) {
  if (n < 1 || n > max_matrix_dimension) {
    throw usage_error("matrix size must be 1.." + std::to_string(max_matrix_dimension) + ", got " + std::to_string(n));
  }
  return std::make_unique<transpose_case>(v, n);
}

}  // namespace gpulab::custom

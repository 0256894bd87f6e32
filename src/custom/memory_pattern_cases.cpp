// SPDX-License-Identifier: MIT
// Row sums, column sums and transposes of an n x n float matrix (the course:
// 16384 x 16384 for the sums), every output compared with the CPU's, exactly.
//
// Sums are exact in any order: the sums' inputs are k / 8 with k in 1..8
// (eighths.hpp), so a line's partial sums are multiples of 1/8 no larger than
// n <= 32768 = 2^15, far inside the 2^21 up to which a float holds every
// multiple of 1/8. And every line sums to at least n / 8 > 0, so a zeroed sum fails.
// A transpose moves values: exact or wrong.
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/eighths.hpp"

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
  std::size_t device_bytes_needed() const override { return (elements() + lines()) * sizeof(float); }
  // The matrix, the CPU's sums (and the column sums' double accumulators), the GPU's sums.
  std::size_t host_bytes_needed() const override {
    return elements() * sizeof(float) + lines() * (2 * sizeof(float) + sizeof(double));
  }
  work_amount work() const override {
    return {.bytes_read = static_cast<double>(elements()) * sizeof(float),
            .bytes_written = static_cast<double>(lines()) * sizeof(float),
            .flops = static_cast<double>(elements())};
  }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    m_.resize(elements());
    fill_eighths(m_, seed, 1, 8);
    m_device_ = upload(m_, s);
    sums_device_ = device_buffer<float>(lines(), s);
  }
  void run_cpu() override {
    expected_ = rows_ ? row_sums_cpu(m_, lines(), lines()) : column_sums_cpu(m_, lines(), lines());
  }
  std::vector<output_region> outputs() override { return {output_of(sums_device_.data(), lines())}; }
  void run_gpu(cuda::stream_ref s) override {
    if (rows_) {
      row_sums_async(version_, m_device_.span(), n_, n_, sums_device_.span(), s);
    } else {
      column_sums_async(version_, m_device_.span(), n_, n_, sums_device_.span(), s);
    }
  }
  verification verify(cuda::stream_ref s) override {
    // Exact: no addition of any order rounds (see the top of the file).
    verification v = compare_exact(std::span<const float>(expected_), std::span<const float>(download(sums_device_, s)));
    v.check = "exact";
    return v;
  }

 private:
  std::size_t lines() const { return static_cast<std::size_t>(n_); }
  std::size_t elements() const { return lines() * lines(); }
  bool rows_;
  line_sums_version version_;
  int n_;
  std::vector<float> m_, expected_;
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
      case transpose_version::wide_tile: return {"transpose", "wide_tile", "float"};
    }
    return {"transpose", "?", "float"};
  }
  std::string size_label() const override { return std::to_string(n_) + " x " + std::to_string(n_); }
  double size_value() const override { return n_; }
  std::size_t device_bytes_needed() const override { return 2 * elements() * sizeof(float); }
  std::size_t host_bytes_needed() const override { return 3 * elements() * sizeof(float); }  // in, CPU's, GPU's
  work_amount work() const override {
    const double bytes = static_cast<double>(elements()) * sizeof(float);
    return {.bytes_read = bytes, .bytes_written = bytes};
  }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    in_ = random_square(n_, seed);
    in_device_ = upload(in_, s);
    out_device_ = device_buffer<float>(elements(), s);
  }
  void run_cpu() override {
    expected_.resize(elements());
    transpose_cpu(in_, static_cast<std::size_t>(n_), static_cast<std::size_t>(n_), expected_);
  }
  std::vector<output_region> outputs() override { return {output_of(out_device_.data(), elements())}; }
  void run_gpu(cuda::stream_ref s) override { transpose_async(version_, in_device_.span(), n_, n_, out_device_.span(), s); }
  verification verify(cuda::stream_ref s) override {
    std::vector<float> got(elements());
    copy_to_host_async(out_device_, std::span<float>(got), s);
    synchronize(s);
    for (std::size_t i = 0; i < got.size(); ++i) {
      if (got[i] != expected_[i]) {  // a transpose moves values: exact or wrong (NaN never equals)
        return {false,
                "element (" + std::to_string(i / n_) + ", " + std::to_string(i % n_) + ") is " +
                    format_significant(got[i]) + ", expected " + format_significant(expected_[i]),
                "exact"};
      }
    }
    return {true, "all " + std::to_string(got.size()) + " elements equal", "exact"};
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

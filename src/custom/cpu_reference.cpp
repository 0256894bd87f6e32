// SPDX-License-Identifier: MIT
#include "gpulab/custom/cpu_reference.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>

#include "gpulab/core/error.hpp"

namespace gpulab::custom {

namespace {

void require_same_size(std::size_t a, std::size_t b, const char* what) {
  if (a != b) throw usage_error(std::string(what) + ": the inputs and outputs differ in size");
}

std::int64_t signed_size(std::size_t n) { return static_cast<std::int64_t>(n); }

}  // namespace

void saxpy_cpu(float a, std::span<const float> x, std::span<const float> y, std::span<float> r) {
  require_same_size(x.size(), y.size(), "saxpy");
  require_same_size(x.size(), r.size(), "saxpy");
#pragma omp parallel for simd schedule(static)
  for (std::int64_t i = 0; i < signed_size(x.size()); ++i) r[i] = a * x[i] + y[i];
}

void gaussian_pdf_cpu(std::span<const float> x, float mu, float sigma, std::span<float> out) {
  require_same_size(x.size(), out.size(), "gaussian_pdf");
  if (!(sigma > 0.0f)) throw usage_error("gaussian_pdf: sigma must be > 0");
  const float scale = 1.0f / (sigma * std::sqrt(2.0f * std::numbers::pi_v<float>));
#pragma omp parallel for simd schedule(static)
  for (std::int64_t i = 0; i < signed_size(x.size()); ++i) {
    const float z = (x[i] - mu) / sigma;
    out[i] = scale * std::exp(-0.5f * z * z);
  }
}

void distance_cpu(std::span<const float> a, std::span<const float> b, std::span<float> out) {
  require_same_size(a.size(), b.size(), "distance");
  require_same_size(a.size(), out.size(), "distance");
#pragma omp parallel for simd schedule(static)
  for (std::int64_t i = 0; i < signed_size(a.size()); ++i) out[i] = std::sqrt(a[i] * a[i] + b[i] * b[i]);
}

void polynomial_cpu(std::span<const float> coefficients, std::span<const float> x, std::span<float> out) {
  require_same_size(x.size(), out.size(), "polynomial");
  if (coefficients.empty()) throw usage_error("polynomial: no coefficients");
  const auto degree = static_cast<std::int64_t>(coefficients.size()) - 1;
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < signed_size(x.size()); ++i) {
    float value = coefficients[static_cast<std::size_t>(degree)];
    for (std::int64_t k = degree - 1; k >= 0; --k) value = value * x[i] + coefficients[static_cast<std::size_t>(k)];
    out[i] = value;
  }
}

double sum_cpu(std::span<const float> x) {
  double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (std::int64_t i = 0; i < signed_size(x.size()); ++i) sum += x[i];
  return sum;
}

double dot_cpu(std::span<const float> x, std::span<const float> y) {
  require_same_size(x.size(), y.size(), "dot");
  double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (std::int64_t i = 0; i < signed_size(x.size()); ++i) sum += static_cast<double>(x[i]) * y[i];
  return sum;
}

double sum_of_magnitudes(std::span<const float> x) {
  double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (std::int64_t i = 0; i < signed_size(x.size()); ++i) sum += std::abs(static_cast<double>(x[i]));
  return sum;
}

double dot_of_magnitudes(std::span<const float> x, std::span<const float> y) {
  require_same_size(x.size(), y.size(), "dot");
  double sum = 0;
#pragma omp parallel for reduction(+ : sum) schedule(static)
  for (std::int64_t i = 0; i < signed_size(x.size()); ++i) sum += std::abs(static_cast<double>(x[i]) * y[i]);
  return sum;
}

std::vector<float> row_sums_cpu(std::span<const float> matrix, std::size_t rows, std::size_t cols) {
  require_same_size(matrix.size(), rows * cols, "row_sums");
  std::vector<float> sums(rows);
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < signed_size(rows); ++r) {
    double sum = 0;  // double: the reference must be better than what it checks
    for (std::size_t c = 0; c < cols; ++c) sum += matrix[static_cast<std::size_t>(r) * cols + c];
    sums[static_cast<std::size_t>(r)] = static_cast<float>(sum);
  }
  return sums;
}

std::vector<float> column_sums_cpu(std::span<const float> matrix, std::size_t rows, std::size_t cols) {
  require_same_size(matrix.size(), rows * cols, "column_sums");
  std::vector<double> sums(cols, 0.0);
  // Row by row, so that the CPU also reads memory in order (each thread owns a band of columns).
#pragma omp parallel for schedule(static)
  for (std::int64_t c0 = 0; c0 < signed_size(cols); c0 += 1024) {
    const std::size_t begin = static_cast<std::size_t>(c0), end = std::min(cols, begin + 1024);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t c = begin; c < end; ++c) sums[c] += matrix[r * cols + c];
    }
  }
  std::vector<float> out(cols);
  for (std::size_t c = 0; c < cols; ++c) out[c] = static_cast<float>(sums[c]);
  return out;
}

void transpose_cpu(std::span<const float> in, std::size_t rows, std::size_t cols, std::span<float> out) {
  require_same_size(in.size(), rows * cols, "transpose");
  require_same_size(out.size(), rows * cols, "transpose");
  constexpr std::size_t tile = 32;  // tiles keep both the reads and the writes in cache
#pragma omp parallel for collapse(2) schedule(static)
  for (std::int64_t r0 = 0; r0 < signed_size(rows); r0 += tile) {
    for (std::int64_t c0 = 0; c0 < signed_size(cols); c0 += tile) {
      const auto rb = static_cast<std::size_t>(r0), cb = static_cast<std::size_t>(c0);
      for (std::size_t r = rb; r < std::min(rows, rb + tile); ++r) {
        for (std::size_t c = cb; c < std::min(cols, cb + tile); ++c) out[c * rows + r] = in[r * cols + c];
      }
    }
  }
}

}  // namespace gpulab::custom

// SPDX-License-Identifier: MIT
// Module 5's CPU references: known values, odd sizes, and the float-summation
// error bound that the reductions will be checked with.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/custom/cpu_reference.hpp"
#include "gpulab/custom/eighths.hpp"

namespace {

namespace km = gpulab::custom;

std::vector<float> uniform(std::size_t n, std::uint64_t seed, float low = -1.0f, float high = 1.0f) {
  std::vector<float> v(n);
  gpulab::fill_uniform(v, seed, low, high);
  return v;
}

TEST(KernelsCpu, ElementwiseOperationsAtAnOddSize) {
  const std::size_t n = 1'000'003;
  const auto x = uniform(n, 1), y = uniform(n, 2);
  std::vector<float> r(n, std::nanf(""));
  km::saxpy_cpu(0.31f, x, y, r);
  for (std::size_t i : {std::size_t{0}, n / 2, n - 1}) EXPECT_EQ(r[i], 0.31f * x[i] + y[i]) << i;
  km::distance_cpu(x, y, r);
  EXPECT_FLOAT_EQ(r[n - 1], std::hypot(x[n - 1], y[n - 1]));
  const std::vector<float> points = {0.0f, 1.0f, -10.0f};
  std::vector<float> pdf(3);
  km::gaussian_pdf_cpu(points, 0.0f, 1.0f, pdf);
  EXPECT_NEAR(pdf[0], 1.0 / std::sqrt(2.0 * std::numbers::pi), 1e-7);
  EXPECT_NEAR(pdf[1], std::exp(-0.5) / std::sqrt(2.0 * std::numbers::pi), 1e-7);
  EXPECT_LT(pdf[2], 1e-20);
  EXPECT_THROW(km::gaussian_pdf_cpu(points, 0.0f, 0.0f, pdf), gpulab::usage_error);
  EXPECT_THROW(km::saxpy_cpu(1.0f, x, std::span<const float>(y.data(), 5), r), gpulab::usage_error);
}

TEST(KernelsCpu, PolynomialOfTheCourse) {
  const std::vector<float> c = {1.0f, -2.0f, -0.5f};  // 1 - 2x - 0.5x^2
  const std::vector<float> x = {0.0f, 1.0f, 2.0f, -3.0f};
  std::vector<float> out(4);
  km::polynomial_cpu(c, x, out);
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], -1.5f);
  EXPECT_EQ(out[2], -5.0f);
  EXPECT_EQ(out[3], 2.5f);
  EXPECT_THROW(km::polynomial_cpu({}, x, out), gpulab::usage_error);
}

TEST(KernelsCpu, ReductionsAndTheirFloatErrorBound) {
  const std::size_t n = 1'000'000;  // the course's dot product size
  const auto x = uniform(n, 3, 0.0f, 1.0f), y = uniform(n, 4, -1.0f, 1.0f);
  double exact_dot = 0;
  for (std::size_t i = 0; i < n; ++i) exact_dot += static_cast<double>(x[i]) * y[i];
  EXPECT_NEAR(km::dot_cpu(x, y), exact_dot, 1e-9 * km::dot_of_magnitudes(x, y));
  EXPECT_NEAR(km::sum_cpu(x), static_cast<double>(n) / 2, 5 * std::sqrt(n / 12.0));
  // One running float total: its error is inside the sequential bound, and far
  // bigger than the tree bound allows for (the lesson of the reduction case).
  float running = 0.0f;
  for (float v : x) running += v;
  const double error = std::abs(running - km::sum_cpu(x));
  const double magnitudes = km::sum_of_magnitudes(x);
  // (n - 1 additions in one running total, log2(n) in a tree.)
  EXPECT_LE(error, gpulab::float_sum_error_bound(static_cast<double>(n - 1), magnitudes));
  EXPECT_GT(error, gpulab::float_sum_error_bound(std::ceil(std::log2(static_cast<double>(n))), magnitudes));
  EXPECT_EQ(gpulab::float_sum_error_bound(0, 5.0), 0.0);
  EXPECT_DOUBLE_EQ(gpulab::float_sum_error_bound(10, 1.0), 10 * std::ldexp(1.0, -24));
}

// The reductions' inputs (eighths.hpp): every value k / 8 with k in the range, both ends
// drawn, and a float running total (the worst order for rounding) equal to the exact sum.
TEST(KernelsCpu, EighthsSumExactlyInFloat) {
  std::vector<float> x(1'000'003);
  km::fill_eighths(x, 2026, -8, 8);
  std::int64_t exact = 0, low = 0, high = 0;
  float running = 0;
  for (float v : x) {
    const std::int64_t k = km::to_grains(v);
    ASSERT_EQ(static_cast<float>(k) / 8, v);
    ASSERT_TRUE(k >= -8 && k <= 8) << k;
    low = std::min(low, k), high = std::max(high, k);
    exact += k;
    running += v;
  }
  EXPECT_EQ(low, -8);
  EXPECT_EQ(high, 8);
  EXPECT_EQ(static_cast<double>(running), static_cast<double>(exact) / 8);
}

TEST(KernelsCpu, RowAndColumnSumsAndTranspose) {
  const std::size_t rows = 37, cols = 1029;  // odd, and more than one 1024-column band
  const auto m = uniform(rows * cols, 5);
  const auto row = km::row_sums_cpu(m, rows, cols);
  const auto col = km::column_sums_cpu(m, rows, cols);
  ASSERT_EQ(row.size(), rows);
  ASSERT_EQ(col.size(), cols);
  double r5 = 0, c1028 = 0;
  for (std::size_t c = 0; c < cols; ++c) r5 += m[5 * cols + c];
  for (std::size_t r = 0; r < rows; ++r) c1028 += m[r * cols + 1028];
  EXPECT_FLOAT_EQ(row[5], static_cast<float>(r5));
  EXPECT_FLOAT_EQ(col[1028], static_cast<float>(c1028));
  std::vector<float> t(rows * cols, std::nanf(""));
  km::transpose_cpu(m, rows, cols, t);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) ASSERT_EQ(t[c * rows + r], m[r * cols + c]) << r << "," << c;
  }
  EXPECT_THROW(km::row_sums_cpu(m, rows + 1, cols), gpulab::usage_error);
}

}  // namespace

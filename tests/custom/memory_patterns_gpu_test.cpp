// SPDX-License-Identifier: MIT
// Row and column sums, transposes: odd and non-square shapes, float4 and
// fallback paths, exact transposes, nothing written past the output; every
// case through the runner.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/custom/module.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/cases.hpp"

// Test names and failure messages print these by name (gtest finds PrintTo by ADL).
namespace gpulab::custom {
void PrintTo(line_sums_version v, std::ostream* os) {
  *os << (v == line_sums_version::thread_per_line ? "thread_per_line" : "cooperative");
}
void PrintTo(transpose_version v, std::ostream* os) { *os << transpose_version_name(v); }
}  // namespace gpulab::custom

namespace {

namespace km = gpulab::custom;

class MemoryPatternsGpu : public GpuStreamTest {
 protected:
  template <class T>
  std::vector<T> download(const gpulab::device_buffer<T>& d) {
    return gpulab::download(d, s);  // on this fixture's stream
  }
};

struct shape {
  int rows, cols;
};
std::string shape_name(shape sh) { return std::to_string(sh.rows) + "x" + std::to_string(sh.cols); }
void PrintTo(shape sh, std::ostream* os) { *os << sh.rows << " x " << sh.cols; }
const char* line_sums_name(km::line_sums_version v) {
  return v == km::line_sums_version::thread_per_line ? "thread_per_line" : "cooperative";
}

// One shape, one version.
using line_sums_param = std::tuple<shape, km::line_sums_version>;
class LineSumsGpu : public MemoryPatternsGpu, public ::testing::WithParamInterface<line_sums_param> {};

TEST_P(LineSumsGpu, RowAndColumnSumsOfOddShapes) {
  const auto [sh, v] = GetParam();
  const std::size_t n = static_cast<std::size_t>(sh.rows) * sh.cols;
  std::vector<float> m(n);
  gpulab::fill_uniform(m, 5, -1.0f, 1.0f);
  gpulab::device_buffer<float> dm(n, s), rows(sh.rows + 1, s), cols(sh.cols + 1, s);
  gpulab::copy_to_device_async(std::span<const float>(m), dm, s);
  rows.fill_bytes_async(0xFF, s);
  cols.fill_bytes_async(0xFF, s);
  km::row_sums_async(v, dm.span(), sh.rows, sh.cols, {rows.data(), static_cast<std::size_t>(sh.rows)}, s);
  km::column_sums_async(v, dm.span(), sh.rows, sh.cols, {cols.data(), static_cast<std::size_t>(sh.cols)}, s);
  const auto got_rows = download(rows), got_cols = download(cols);
  for (int r = 0; r < sh.rows; ++r) {
    double sum = 0;
    for (int c = 0; c < sh.cols; ++c) sum += m[static_cast<std::size_t>(r) * sh.cols + c];
    ASSERT_NEAR(got_rows[r], sum, 1e-4 * sh.cols) << "row " << r;
  }
  for (int c = 0; c < sh.cols; ++c) {
    double sum = 0;
    for (int r = 0; r < sh.rows; ++r) sum += m[static_cast<std::size_t>(r) * sh.cols + c];
    ASSERT_NEAR(got_cols[c], sum, 1e-4 * sh.rows) << "column " << c;
  }
  EXPECT_TRUE(std::isnan(got_rows[sh.rows])) << "written past the row sums";
  EXPECT_TRUE(std::isnan(got_cols[sh.cols])) << "written past the column sums";
}

INSTANTIATE_TEST_SUITE_P(MemoryPatterns, LineSumsGpu,
                         ::testing::Combine(::testing::Values(shape{1, 1}, shape{37, 1000}, shape{1000, 36},
                                                              shape{129, 1001}, shape{300, 4}),
                                            ::testing::Values(km::line_sums_version::thread_per_line,
                                                              km::line_sums_version::cooperative)),
                         [](const ::testing::TestParamInfo<line_sums_param>& param_info) {
                           const auto& sh = std::get<0>(param_info.param);
                           const auto& v = std::get<1>(param_info.param);
                           return shape_name(sh) + "_" + line_sums_name(v);
                         });

// One shape, one version.
using transpose_param = std::tuple<shape, km::transpose_version>;
class TransposeGpu : public MemoryPatternsGpu, public ::testing::WithParamInterface<transpose_param> {};

TEST_P(TransposeGpu, IsExactForOddShapes) {
  const auto [sh, v] = GetParam();
  const std::size_t n = static_cast<std::size_t>(sh.rows) * sh.cols;
  std::vector<float> in(n);
  for (std::size_t i = 0; i < n; ++i) in[i] = static_cast<float>(i);  // every value distinct
  gpulab::device_buffer<float> din(n, s), dout(n + 1, s);
  gpulab::copy_to_device_async(std::span<const float>(in), din, s);
  dout.fill_bytes_async(0xFF, s);
  km::transpose_async(v, din.span(), sh.rows, sh.cols, {dout.data(), n}, s);
  const auto out = download(dout);
  for (int r = 0; r < sh.rows; ++r) {
    for (int c = 0; c < sh.cols; ++c) {
      ASSERT_EQ(out[static_cast<std::size_t>(c) * sh.rows + r], in[static_cast<std::size_t>(r) * sh.cols + c])
          << "(" << r << ", " << c << ")";
    }
  }
  EXPECT_TRUE(std::isnan(out[n])) << "written past the output";
}

INSTANTIATE_TEST_SUITE_P(MemoryPatterns, TransposeGpu,
                         ::testing::Combine(::testing::Values(shape{1, 1}, shape{37, 53}, shape{32, 64}, shape{128, 64},
                                                              shape{65, 130}, shape{200, 67}, shape{1000, 1003}),
                                            ::testing::Values(km::transpose_version::naive,
                                                              km::transpose_version::tiled,
                                                              km::transpose_version::tiled_padded,
                                                              km::transpose_version::wide_tile)),
                         [](const ::testing::TestParamInfo<transpose_param>& param_info) {
                           const auto& sh = std::get<0>(param_info.param);
                           const auto& v = std::get<1>(param_info.param);
                           return shape_name(sh) + "_" + km::transpose_version_name(v);
                         });

TEST_F(MemoryPatternsGpu, ShapesThatDoNotMatchAreRefused) {
  gpulab::device_buffer<float> a(12, s), b(3, s);
  EXPECT_THROW(km::row_sums_async(km::line_sums_version::cooperative, a.span(), 3, 5, b.span(), s), gpulab::usage_error);
  EXPECT_THROW(km::column_sums_async(km::line_sums_version::cooperative, a.span(), 3, 4, b.span(), s), gpulab::usage_error);
  EXPECT_THROW(km::transpose_async(km::transpose_version::tiled, a.span(), 3, 4, b.span(), s), gpulab::usage_error);
}

// Every matrix case at one size.
class MatrixCaseSizeGpu : public MemoryPatternsGpu, public ::testing::WithParamInterface<std::uint64_t> {};

TEST_P(MatrixCaseSizeGpu, EveryMatrixCasePassesTheRunner) {
  const std::uint64_t n = GetParam();
  const gpulab::training_module m = km::make_module();
  const gpulab::run_options options = quick_run_options(n);
  gpulab::resources ctx = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& entry : m.cases) {
    if (entry.name.find("sums_") == std::string::npos && entry.name.rfind("transpose_", 0) != 0) continue;
    for (auto& c : entry.make(options)) {
      const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
      EXPECT_TRUE(r.verified) << r.name << " n = " << n << ": " << r.verify_detail;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(MemoryPatterns, MatrixCaseSizeGpu, ::testing::Values(129u, 1000u),
                         [](const ::testing::TestParamInfo<std::uint64_t>& param_info) {
                           return "n" + std::to_string(param_info.param);
                         });

}  // namespace

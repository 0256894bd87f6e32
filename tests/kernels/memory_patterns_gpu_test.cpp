// SPDX-License-Identifier: MIT
// Row and column sums, transposes: odd and non-square shapes, float4 and
// fallback paths, exact transposes, nothing written past the output; every
// case through the runner.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/kernels/cases.hpp"

namespace {

namespace km = gpulab::kernels_module;

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

TEST_F(MemoryPatternsGpu, RowAndColumnSumsOfOddShapes) {
  for (const shape sh : {shape{1, 1}, shape{37, 1000}, shape{1000, 36}, shape{129, 1001}, shape{300, 4}}) {
    const std::size_t n = static_cast<std::size_t>(sh.rows) * sh.cols;
    std::vector<float> m(n);
    gpulab::fill_uniform(m, 5, -1.0f, 1.0f);
    gpulab::device_buffer<float> dm(n, s), rows(sh.rows + 1, s), cols(sh.cols + 1, s);
    gpulab::copy_to_device_async(std::span<const float>(m), dm, s);
    for (km::line_sums_version v : {km::line_sums_version::thread_per_line, km::line_sums_version::cooperative}) {
      SCOPED_TRACE(std::to_string(sh.rows) + " x " + std::to_string(sh.cols) + " version " + std::to_string(int(v)));
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
  }
}

TEST_F(MemoryPatternsGpu, EveryTransposeIsExactForOddShapes) {
  for (const shape sh : {shape{1, 1}, shape{37, 53}, shape{32, 64}, shape{1000, 1003}}) {
    const std::size_t n = static_cast<std::size_t>(sh.rows) * sh.cols;
    std::vector<float> in(n);
    for (std::size_t i = 0; i < n; ++i) in[i] = static_cast<float>(i);  // every value distinct
    gpulab::device_buffer<float> din(n, s), dout(n + 1, s);
    gpulab::copy_to_device_async(std::span<const float>(in), din, s);
    for (km::transpose_version v :
         {km::transpose_version::naive, km::transpose_version::tiled, km::transpose_version::tiled_padded}) {
      dout.fill_bytes_async(0xFF, s);
      km::transpose_async(v, din.span(), sh.rows, sh.cols, {dout.data(), n}, s);
      const auto out = download(dout);
      for (int r = 0; r < sh.rows; ++r) {
        for (int c = 0; c < sh.cols; ++c) {
          ASSERT_EQ(out[static_cast<std::size_t>(c) * sh.rows + r], in[static_cast<std::size_t>(r) * sh.cols + c])
              << km::transpose_version_name(v) << " (" << r << ", " << c << ") of " << sh.rows << " x " << sh.cols;
        }
      }
      EXPECT_TRUE(std::isnan(out[n])) << "written past the output";
    }
  }
}

TEST_F(MemoryPatternsGpu, ShapesThatDoNotMatchAreRefused) {
  gpulab::device_buffer<float> a(12, s), b(3, s);
  EXPECT_THROW(km::row_sums_async(km::line_sums_version::cooperative, a.span(), 3, 5, b.span(), s), gpulab::usage_error);
  EXPECT_THROW(km::column_sums_async(km::line_sums_version::cooperative, a.span(), 3, 4, b.span(), s), gpulab::usage_error);
  EXPECT_THROW(km::transpose_async(km::transpose_version::tiled, a.span(), 3, 4, b.span(), s), gpulab::usage_error);
}

TEST_F(MemoryPatternsGpu, EveryMatrixCasePassesTheRunner) {
  const gpulab::training_module m = km::make_module();
  for (std::uint64_t n : {129u, 1000u}) {
    const gpulab::run_options options = quick_run_options(n);
    gpulab::run_context ctx = gpulab::make_run_context(options, false);
    for (const gpulab::case_entry& entry : m.cases) {
      if (entry.name.find("sums_") == std::string::npos && entry.name.rfind("transpose_", 0) != 0) continue;
      for (auto& c : entry.make(options)) {
        const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
        EXPECT_TRUE(r.verified) << r.name << " n = " << n << ": " << r.verify_detail;
      }
    }
  }
}

}  // namespace

// SPDX-License-Identifier: MIT
// Module 5 without a GPU: its cases, their names and declared work, and the
// option checks that run before any GPU work.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>

#include "gpulab/custom/module.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/custom/cases.hpp"

namespace {

namespace km = gpulab::custom;

gpulab::run_options with(std::optional<std::uint64_t> size, std::vector<std::string> selected = {}) {
  gpulab::run_options o;
  o.size = size;
  o.selected = std::move(selected);
  return o;
}

TEST(KernelsModule, EveryCaseIsBuiltAndNamedAfterItsEntry) {
  const gpulab::training_module m = km::make_module();
  std::set<std::string> names;
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_TRUE(names.insert(e.name).second) << "two entries named " << e.name;
    const auto cases = e.make(with(31));
    ASSERT_EQ(cases.size(), 1u) << e.name;
    EXPECT_EQ(cases.front()->name(), e.name);
    EXPECT_GT(cases.front()->work().bytes(), 0.0) << e.name;
    EXPECT_GT(cases.front()->host_bytes_needed(), 0u) << e.name;
    // The sabotage test (tests/course) builds every case at its check_size.
    EXPECT_GT(e.check_size, 0u) << e.name;
    EXPECT_NO_THROW(m.validate(with(e.check_size, {e.name}))) << e.name;
    EXPECT_EQ(e.make(with(e.check_size)).size(), 1u) << e.name;
  }
  for (const char* expected : {"times_two_one_per_element", "saxpy_grid_stride", "gaussian_vectorized",
                               "distance_vectorized", "polynomial_constant", "polynomial_global", "sum_cub",
                               "dot_multi_element", "row_sums_block_per_row", "column_sums_tiled",
                               "transpose_tiled_padded", "transpose_wide_tile", "sum_wide_tile",
                               "saxpy_runtime_compiled", "saxpy_runtime_compiled_restrict"}) {
    EXPECT_EQ(names.count(expected), 1u) << expected;
  }
}

TEST(KernelsModule, DeclaredBytesAreTheLeastTheWorkMustMove) {
  // saxpy reads x and y and writes r: 8 + 4 bytes per element; a sum reads 4 and writes one float;
  // a transpose reads 4 and writes 4; row sums read the matrix and write one float per row.
  const gpulab::work_amount saxpy =
      km::make_elementwise_case(km::elementwise_op::saxpy, km::map_version::vectorized, 1000)->work();
  EXPECT_DOUBLE_EQ(saxpy.bytes_read, 8000.0);
  EXPECT_DOUBLE_EQ(saxpy.bytes_written, 4000.0);
  const gpulab::work_amount sum = km::make_reduction_case(km::reduce_version::cub, false, 1000)->work();
  EXPECT_DOUBLE_EQ(sum.bytes_read, 4000.0);
  EXPECT_DOUBLE_EQ(sum.bytes_written, 4.0);
  EXPECT_DOUBLE_EQ(km::make_reduction_case(km::reduce_version::cub, true, 1000)->work().bytes_read, 8000.0);
  const gpulab::work_amount transpose = km::make_transpose_case(km::transpose_version::naive, 100)->work();
  EXPECT_DOUBLE_EQ(transpose.bytes_read, 40000.0);
  EXPECT_DOUBLE_EQ(transpose.bytes_written, 40000.0);
  const gpulab::work_amount rows = km::make_line_sums_case(true, km::line_sums_version::cooperative, 100)->work();
  EXPECT_DOUBLE_EQ(rows.bytes_read, 40000.0);
  EXPECT_DOUBLE_EQ(rows.bytes_written, 400.0);
}

TEST(KernelsModule, OptionsAreTypedAndCheckedBeforeAnyGpuWork) {
  const gpulab::training_module m = km::make_module();
  std::set<std::string> names;
  for (const gpulab::module_option& o : m.options) names.insert(o.name);
  EXPECT_EQ(names, (std::set<std::string>{"set", "iterations", "c", "image", "operation"}));
  const auto with_option = [](const std::string& name, const std::string& value) {
    gpulab::run_options o;
    o.selected = {"fractal_image"};
    o.parameters[name] = value;
    return o;
  };
  EXPECT_NO_THROW(m.validate(with_option("set", "mandelbrot")));
  EXPECT_NO_THROW(m.validate(with_option("c", "-0.8,0.156")));
  EXPECT_THROW(m.validate(with_option("set", "")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_option("iterations", "256")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_option("c", "0.4,")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_option("image", "")), gpulab::usage_error);
  // A picture in a folder that does not exist: an io error now, and no file is made for a good path.
  EXPECT_THROW(m.validate(with_option("image", "/nonexistent-dir/j.png")), gpulab::io_error);
  const std::string image = ::testing::TempDir() + "gpulab_custom_option_check.png";
  std::remove(image.c_str());
  EXPECT_NO_THROW(m.validate(with_option("image", image)));
  EXPECT_FALSE(std::ifstream(image).good()) << "the check created " << image;
}

TEST(KernelsModule, BadSizesAreRefusedBeforeAnyGpuWork) {
  const gpulab::training_module m = km::make_module();
  EXPECT_NO_THROW(m.validate(with(std::nullopt)));
  EXPECT_NO_THROW(m.validate(with(50000000, {"saxpy_vectorized", "sum_cub"})));
  EXPECT_THROW(m.validate(with(std::uint64_t{1} << 34, {"sum_cub"})), gpulab::usage_error);
  EXPECT_THROW(m.validate(with(40000, {"transpose_naive"})), gpulab::usage_error);
  EXPECT_THROW(m.validate(with(50000000)), gpulab::usage_error);  // all cases: the matrix ones take n <= 32768
  EXPECT_THROW(km::make_reduction_case(km::reduce_version::shared_tree, false, 0), gpulab::usage_error);
  EXPECT_THROW(km::make_elementwise_case(km::elementwise_op::distance, km::map_version::grid_stride, 0),
               gpulab::usage_error);
  EXPECT_THROW(km::make_transpose_case(km::transpose_version::tiled, 0), gpulab::usage_error);
  EXPECT_THROW(km::make_line_sums_case(true, km::line_sums_version::cooperative, 32769), gpulab::usage_error);
}

}  // namespace

// SPDX-License-Identifier: MIT
// The Julia and Mandelbrot kernels: every version equals the CPU reference
// pixel for pixel on odd image sizes, unwritten pixels are caught by two
// different poisons, bad parameters and paths fail before any GPU work, and
// each case and the picture demo pass through the runner.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <limits>
#include <ostream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/custom/cases.hpp"

// Test names and failure messages print these by name (gtest finds PrintTo by ADL).
namespace gpulab::custom {
void PrintTo(fractal_version v, std::ostream* os) { *os << fractal_version_name(v); }
void PrintTo(const fractal_params& p, std::ostream* os) {
  *os << (p.set == fractal::julia ? "julia " : "mandelbrot ") << p.width << " x " << p.height << ", "
      << p.max_iterations << " iterations";
}
}  // namespace gpulab::custom

namespace {

namespace km = gpulab::custom;

km::fractal_params image(km::fractal set, int width, int height, int iterations) {
  km::fractal_params p = set == km::fractal::julia ? km::fractal_params{} : km::default_mandelbrot();
  p.width = width, p.height = height, p.max_iterations = iterations;
  return p;
}

using FractalGpu = GpuStreamTest;

std::string image_name(const km::fractal_params& p) {
  return std::string(p.set == km::fractal::julia ? "julia_" : "mandelbrot_") + std::to_string(p.width) + "x" +
         std::to_string(p.height) + "_" + std::to_string(p.max_iterations) + "_iterations";
}

// One image, one version.
using fractal_param = std::tuple<km::fractal_params, km::fractal_version>;
class FractalVersionGpu : public GpuStreamTest, public ::testing::WithParamInterface<fractal_param> {};

TEST_P(FractalVersionGpu, EqualsTheCpuOnOddSizes) {
  const auto [p, v] = GetParam();
  const std::vector<std::uint8_t> expected = km::fractal_cpu(p);
  const auto points = gpulab::upload(km::fractal_points(p), s);
  gpulab::device_buffer<std::int32_t> counts32(p.pixels() + 1, s);  // one guard element past the end
  gpulab::device_buffer<std::uint8_t> counts8(p.pixels() + 1, s);
  // Two poisons: a pixel left unwritten keeps one of them, which cannot both be right.
  for (const unsigned char poison : {std::uint8_t{0x00}, std::uint8_t{0xFF}}) {
    SCOPED_TRACE("poison " + std::to_string(poison));
    counts32.fill_bytes_async(poison, s);
    counts8.fill_bytes_async(poison, s);
    if (km::reads_points(v)) {
      km::fractal_from_points_async(v, p, std::as_const(points).span(), {counts32.data(), p.pixels()}, s);
    } else {
      km::fractal_async(p, {counts8.data(), p.pixels()}, s);
    }
    const auto got32 = gpulab::download(counts32, s);
    const auto got8 = gpulab::download(counts8, s);
    for (std::size_t k = 0; k < p.pixels(); ++k) {
      const long long got = km::reads_points(v) ? got32[k] : got8[k];
      ASSERT_EQ(got, expected[k]) << "pixel " << k / p.width << ", " << k % p.width;
    }
    const std::uint8_t guard = poison;
    EXPECT_EQ(got8[p.pixels()], guard) << "written past the image";
    EXPECT_EQ(got32[p.pixels()], poison == 0 ? 0 : -1) << "written past the image";
  }
}

INSTANTIATE_TEST_SUITE_P(Fractal, FractalVersionGpu,
                         ::testing::Combine(::testing::Values(image(km::fractal::julia, 257, 131, 255),
                                                              image(km::fractal::julia, 1, 1, 255),
                                                              image(km::fractal::julia, 33, 1, 17),
                                                              image(km::fractal::mandelbrot, 301, 97, 200),
                                                              image(km::fractal::julia, 1000, 600, 255)),
                                            ::testing::ValuesIn(km::all_fractal_versions())),
                         [](const ::testing::TestParamInfo<fractal_param>& param_info) {
                           const auto& p = std::get<0>(param_info.param);
                           const auto& v = std::get<1>(param_info.param);
                           return image_name(p) + "_" + km::fractal_version_name(v);
                         });

TEST_F(FractalGpu, MismatchedBuffersAreUsageErrors) {
  const km::fractal_params p = image(km::fractal::julia, 64, 32, 255);
  gpulab::device_buffer<float2> points(p.pixels(), s);
  gpulab::device_buffer<std::int32_t> counts(p.pixels(), s);
  gpulab::device_buffer<std::uint8_t> bytes(p.pixels() - 1, s);
  EXPECT_THROW(km::fractal_from_points_async(km::fractal_version::coalesced_2d, p,
                                             {points.data(), p.pixels() - 1}, counts.span(), s),
               gpulab::usage_error);
  EXPECT_THROW(km::fractal_from_points_async(km::fractal_version::computed_coordinates, p,
                                             std::as_const(points).span(), counts.span(), s),
               gpulab::usage_error);
  EXPECT_THROW(km::fractal_async(p, bytes.span(), s), gpulab::usage_error);
  km::fractal_params bad = p;
  bad.max_iterations = 0;
  EXPECT_THROW(km::fractal_async(bad, bytes.span(), s), gpulab::usage_error);
}

// One set ("julia" or "mandelbrot"), one version.
using fractal_case_param = std::tuple<std::string, km::fractal_version>;
class FractalCaseGpu : public GpuStreamTest, public ::testing::WithParamInterface<fractal_case_param> {};

TEST_P(FractalCaseGpu, VerifiesThroughTheRunner) {
  const auto& [set, v] = GetParam();
  gpulab::resources ctx = gpulab::make_resources(quick_run_options(), false);
  gpulab::run_options options = quick_run_options(301);
  options.parameters["set"] = set;
  auto c = km::make_fractal_case(v, km::fractal_from_options(options));
  const gpulab::case_result r = gpulab::run_case(*c, ctx, options);
  EXPECT_TRUE(r.verified) << set << " " << r.name << ": " << r.verify_detail;
  EXPECT_EQ(r.work.items, 301.0 * 301.0);
}

INSTANTIATE_TEST_SUITE_P(Fractal, FractalCaseGpu,
                         ::testing::Combine(::testing::Values("julia", "mandelbrot"),
                                            ::testing::ValuesIn(km::all_fractal_versions())),
                         [](const ::testing::TestParamInfo<fractal_case_param>& param_info) {
                           const auto& set = std::get<0>(param_info.param);
                           const auto& v = std::get<1>(param_info.param);
                           return set + "_" + km::fractal_version_name(v);
                         });

TEST_F(FractalGpu, AnImageTooLargeForTheDeviceIsOutOfResources) {
  gpulab::resources ctx = gpulab::make_resources(quick_run_options(), false);
  gpulab::run_options options = quick_run_options(km::fractal_params::max_side);
  // 2^34 pixels x 12 bytes: more than any GPU has; refused before anything is allocated.
  auto c = km::make_fractal_case(km::fractal_version::complex_input, km::fractal_from_options(options));
  EXPECT_THROW(gpulab::run_case(*c, ctx, options), gpulab::out_of_memory_error);
}

TEST_F(FractalGpu, ImageDemoChecksItselfAndWritesThePng) {
  gpulab::resources ctx = gpulab::make_resources(quick_run_options(), false);
  gpulab::run_options options = quick_run_options(513);
  const std::string path = ::testing::TempDir() + "gpulab_fractal_demo.png";
  options.parameters["image"] = path;
  const gpulab::demo_output out = km::fractal_image_demo(ctx, options);
  EXPECT_TRUE(out.verified);
  ASSERT_EQ(out.tables.size(), 1u);
  for (int column : {5, 6}) {  // warps of 32 x 1 and 16 x 2 pixels
    const double efficiency = *out.tables[0].rows.at(0).at(static_cast<std::size_t>(column)).number;
    EXPECT_GT(efficiency, 5.0);
    EXPECT_LE(efficiency, 100.0);
  }
  std::ifstream png(path, std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  std::remove(path.c_str());
}

}  // namespace

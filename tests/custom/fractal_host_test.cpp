// SPDX-License-Identifier: MIT
// Module 5 groundwork on the host: the Julia/Mandelbrot CPU reference, its
// parameter checks and the PNG colouring.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <fstream>
#include <limits>
#include <map>
#include <optional>

#include "gpulab/custom/module.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/julia.hpp"

namespace {

namespace km = gpulab::custom;

km::fractal_params small_julia(int width, int height) {
  km::fractal_params p;
  p.width = width;
  p.height = height;
  return p;
}

TEST(Fractal, LinspaceIncludesBothEnds) {
  const km::fractal_params p = small_julia(37, 23);
  EXPECT_EQ(p.x_of(0), -1.8f);
  EXPECT_FLOAT_EQ(p.x_of(36), 1.8f);
  EXPECT_NEAR(p.y_of(11), 0.0f, 1e-7f);  // the middle row of an odd height (within a rounding of the step)
  EXPECT_EQ(small_julia(1, 1).x_of(0), -1.8f);
}

TEST(Fractal, EscapeCountsOfKnownPoints) {
  EXPECT_EQ(km::escape_count(2.0f, 2.0f, 0.4f, 0.6f, 255), 0);  // |z|^2 = 8: out at once
  EXPECT_EQ(km::escape_count(0.0f, 0.0f, 0.0f, 0.0f, 255), 255);  // Mandelbrot's c = 0 never escapes
  EXPECT_EQ(km::escape_count(0.0f, 0.0f, -1.0f, 0.0f, 7), 7);  // c = -1: the 2-cycle 0, -1, 0, ...
  EXPECT_EQ(km::escape_count(0.0f, 0.0f, 1.0f, 0.0f, 255), 2);  // c = 1: 0, 1, 2: |z|^2 reaches 4 after 2 steps
}

TEST(Fractal, JuliaIsSymmetricUnderZToMinusZ) {
  // z -> -z maps the Julia set onto itself, and float negation is exact, so
  // the count at -z0 equals the count at z0 bit for bit.
  const km::fractal_params p = small_julia(101, 77);
  const auto counts = km::fractal_cpu(p);
  int longest = 0;
  for (int i = 0; i < p.height; ++i) {
    for (int j = 0; j < p.width; ++j) {
      const auto here = counts[static_cast<std::size_t>(i * p.width + j)];
      EXPECT_EQ(here, km::escape_count(-p.x_of(j), -p.y_of(i), p.c_re, p.c_im, p.max_iterations)) << i << "," << j;
      longest = std::max<int>(longest, here);
    }
  }
  // c = 0.4 + 0.6i lies outside the Mandelbrot set: every point escapes, some slowly.
  EXPECT_GT(longest, 20);
  EXPECT_LT(longest, 255);
}

TEST(Fractal, CpuReferenceAgreesWithDoublePrecision) {
  // Float and double part ways only near the set's boundary, where the
  // iteration is chaotic: a few percent of the pixels at most.
  const km::fractal_params p = small_julia(64, 48);
  const auto counts = km::fractal_cpu(p);
  int differ = 0;
  for (int i = 0; i < p.height; ++i) {
    for (int j = 0; j < p.width; ++j) {
      std::complex<double> z(p.x_of(j), p.y_of(i));
      const std::complex<double> c(0.4, 0.6);
      int n = 0;
      while (n < 255 && std::norm(z) < 4.0) z = z * z + c, ++n;
      differ += counts[static_cast<std::size_t>(i * p.width + j)] != n;
    }
  }
  EXPECT_LE(differ, p.width * p.height / 20) << differ << " pixels differ";
}

TEST(Fractal, MandelbrotFrameContainsTheMainCardioid) {
  km::fractal_params p = km::default_mandelbrot();
  p.width = 71;  // x = -2.5 + 3.5 k / 70: column 50 is x = 0
  p.height = 41;  // row 20 is y = 0
  const auto counts = km::fractal_cpu(p);
  EXPECT_EQ(counts[20 * 71 + 50], 255);  // c = 0 is inside
  EXPECT_EQ(counts[0], 1);  // c = -2.5 - 1.75i: z1 = c already has |z|^2 > 4
}

TEST(Fractal, ParametersOutOfRangeAreUsageErrors) {
  const auto bad = [](auto change) {
    km::fractal_params p = small_julia(8, 8);
    change(p);
    EXPECT_THROW(p.validate(), gpulab::usage_error);
    EXPECT_THROW(km::fractal_cpu(p), gpulab::usage_error);
  };
  bad([](km::fractal_params& p) { p.max_iterations = 0; });
  bad([](km::fractal_params& p) { p.max_iterations = 256; });
  bad([](km::fractal_params& p) { p.c_re = std::numeric_limits<float>::infinity(); });
  bad([](km::fractal_params& p) { p.c_im = std::nanf(""); });
  bad([](km::fractal_params& p) { p.width = 0; });
  bad([](km::fractal_params& p) { p.height = km::fractal_params::max_side + 1; });
  bad([](km::fractal_params& p) { p.x_max = p.x_min; });
  km::fractal_params mandelbrot = km::default_mandelbrot();
  mandelbrot.c_re = std::nanf("");  // c is not used by the Mandelbrot set
  EXPECT_NO_THROW(mandelbrot.validate());
}

TEST(Fractal, PngIsWrittenAndAnUnwritablePathIsAnIoError) {
  const km::fractal_params p = small_julia(40, 30);
  const auto counts = km::fractal_cpu(p);
  const gpulab::rgb_image image = km::colour_fractal(counts, p);
  ASSERT_EQ(image.width, 40);
  // Row 0 of the counts is drawn at the bottom; never-escaped pixels are black.
  for (int i = 0; i < p.height; ++i) {
    for (int j = 0; j < p.width; ++j) {
      const std::size_t px = 3 * (static_cast<std::size_t>(p.height - 1 - i) * 40 + static_cast<std::size_t>(j));
      const bool black = image.pixels[px] == 0 && image.pixels[px + 1] == 0 && image.pixels[px + 2] == 0;
      EXPECT_EQ(black, counts[static_cast<std::size_t>(i * 40 + j)] == 255) << i << "," << j;
    }
  }
  const std::string path = ::testing::TempDir() + "gpulab_julia.png";
  km::write_fractal_png(path, counts, p);
  std::ifstream png(path, std::ios::binary);
  char magic[4] = {};
  png.read(magic, 4);
  EXPECT_EQ(std::string(magic + 1, 3), "PNG");
  std::remove(path.c_str());
  EXPECT_THROW(km::write_fractal_png("/nonexistent-dir/julia.png", counts, p), gpulab::io_error);
  EXPECT_THROW(km::colour_fractal(std::span<const std::uint8_t>(counts.data(), 10), p), gpulab::usage_error);
}

TEST(Fractal, OptionsGiveTheCourseDefaultsAndRefuseBadValues) {
  gpulab::run_options options;
  const km::fractal_params p = km::fractal_from_options(options);
  EXPECT_EQ(p.width, 4096);
  EXPECT_EQ(p.height, 4096);
  EXPECT_EQ(p.max_iterations, 255);
  EXPECT_EQ(p.c_re, 0.4f);
  EXPECT_EQ(p.c_im, 0.6f);
  options.parameters = {{"set", "mandelbrot"}, {"iterations", "100"}, {"c", "-0.8,0.156"}};
  options.size = 1000;
  const km::fractal_params m = km::fractal_from_options(options);
  EXPECT_EQ(m.set, km::fractal::mandelbrot);
  EXPECT_EQ(m.max_iterations, 100);
  EXPECT_EQ(m.c_im, 0.156f);
  EXPECT_EQ(m.x_min, -2.5f);

  const auto bad = [](std::map<std::string, std::string> parameters, std::optional<std::uint64_t> size) {
    gpulab::run_options o;
    o.parameters = std::move(parameters);
    o.size = size;
    EXPECT_THROW(km::fractal_from_options(o), gpulab::usage_error);
  };
  bad({{"iterations", "0"}}, std::nullopt);
  bad({{"iterations", "256"}}, std::nullopt);
  bad({{"iterations", "ten"}}, std::nullopt);
  bad({{"iterations", "12x"}}, std::nullopt);
  bad({{"c", "nan,0.6"}}, std::nullopt);
  bad({{"c", "0.4,inf"}}, std::nullopt);
  bad({{"c", "0.4"}}, std::nullopt);
  bad({{"c", "0.4,0.6i"}}, std::nullopt);
  bad({{"set", "cantor"}}, std::nullopt);
  bad({}, 0);
  bad({}, std::uint64_t{km::fractal_params::max_side} + 1);
}

TEST(Fractal, ModuleRefusesAnUnwritableImagePathBeforeAnyGpuWork) {
  const gpulab::training_module m = km::make_module();
  gpulab::run_options options;
  options.selected = {"fractal_image"};
  options.parameters["image"] = "/nonexistent-dir/julia.png";
  EXPECT_THROW(m.validate(options), gpulab::io_error);
  options.parameters = {{"iterations", "0"}};
  EXPECT_THROW(m.validate(options), gpulab::usage_error);
  options.selected = {"sum_cub"};  // the fractal options do not concern the other cases
  EXPECT_NO_THROW(m.validate(options));
}

TEST(Fractal, WarpEfficiencyIsUsefulOverOccupiedSlots) {
  km::fractal_params p = small_julia(40, 2);  // each row: a warp of 32 pixels and one of 8
  std::vector<std::uint8_t> counts(80, 1);
  EXPECT_DOUBLE_EQ(km::warp_efficiency(counts, p, 32), 1.0);
  EXPECT_DOUBLE_EQ(km::warp_efficiency(counts, p, 16), 1.0);
  counts[0] = 33;  // row 0's first warp: 31 + 33 useful of 32 x 33 slots
  const double useful = 31 + 33 + 8 + 32 + 8;
  EXPECT_DOUBLE_EQ(km::warp_efficiency(counts, p, 32), useful / (32 * 33 + 8 + 32 + 8));
  // 16 x 2 warps: pixels 0-15 of both rows, 16-31 of both, then 8 x 2 at the edge.
  EXPECT_DOUBLE_EQ(km::warp_efficiency(counts, p, 16), useful / (32 * 33 + 32 + 16));
}

}  // namespace

// SPDX-License-Identifier: MIT
#include "gpulab/bench/plot.hpp"

#include <gtest/gtest.h>
#include <png.h>

#include <cstdio>
#include <string>

#include "gpulab/core/error.hpp"

namespace {

gpulab::line_plot two_series() {
  gpulab::line_plot p;
  p.title = "Bandwidth";
  p.x_label = "bytes";
  p.y_label = "GB/s";
  p.log2_x = true;
  p.series.push_back({"pinned", {4096, 65536, 1048576}, {5, 30, 52}});
  p.series.push_back({"pageable", {4096, 65536, 1048576}, {2, 10, 20}});
  return p;
}

int count_pixels(const gpulab::rgb_image& img, std::uint32_t rgb) {
  int count = 0;
  for (std::size_t i = 0; i < img.pixels.size(); i += 3) {
    const std::uint32_t p = (std::uint32_t{img.pixels[i]} << 16) | (std::uint32_t{img.pixels[i + 1]} << 8) | img.pixels[i + 2];
    count += p == rgb;
  }
  return count;
}

TEST(Plot, EachSeriesIsDrawnInItsColour) {
  const gpulab::rgb_image img = gpulab::render_line_plot(two_series(), 640, 400);
  EXPECT_EQ(img.width, 640);
  EXPECT_GT(count_pixels(img, 0x0072B2), 200);  // first palette colour
  EXPECT_GT(count_pixels(img, 0xD55E00), 200);  // second
  EXPECT_EQ(count_pixels(img, 0x009E73), 0);    // no third series
}

TEST(Plot, TextLeavesInk) {
  gpulab::rgb_image img(100, 30);
  gpulab::draw_text(img, 2, 2, "GB/s 42%", 0x000000, 2);
  EXPECT_GT(count_pixels(img, 0x000000), 50);
  EXPECT_EQ(gpulab::text_width("abc", 2), 36);
}

TEST(Plot, WritesAPngThatReadsBack) {
  const std::string path = ::testing::TempDir() + "gpulab_plot_test.png";
  gpulab::write_line_plot_png(path, two_series());
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&image, path.c_str())) << image.message;
  EXPECT_EQ(image.width, 1200u);
  EXPECT_EQ(image.height, 600u);
  png_image_free(&image);
  std::remove(path.c_str());
}

TEST(Plot, BadInputsAreClearErrors) {
  EXPECT_THROW(gpulab::write_line_plot_png("/nonexistent-dir/plot.png", two_series()), gpulab::io_error);
  gpulab::line_plot empty;
  empty.title = "nothing";
  EXPECT_THROW(gpulab::render_line_plot(empty), gpulab::usage_error);
  EXPECT_THROW(gpulab::rgb_image(0, 10), gpulab::usage_error);
}

}  // namespace

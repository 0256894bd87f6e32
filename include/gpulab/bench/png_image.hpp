// SPDX-License-Identifier: MIT
// RGB images written to PNG (libpng), for pictures such as module 5's Julia set.
// (Line plots are SVG: gpulab/bench/plot.hpp.)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpulab {

// An RGB image in memory.
struct rgb_image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, 3 bytes per pixel
  rgb_image(int w, int h, std::uint32_t background = 0xFFFFFF);
  void set(int x, int y, std::uint32_t rgb);
};

// Throws io_error when the file cannot be written.
void write_png(const std::string& path, const rgb_image& image);

}  // namespace gpulab

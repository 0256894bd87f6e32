// SPDX-License-Identifier: MIT
// Line plots written straight to PNG (libpng), so that every figure in the
// slides comes from the kit's own output without Python or gnuplot.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpulab {

struct plot_series {
  std::string name;
  std::vector<double> x, y;
};

struct line_plot {
  std::string title;
  std::string x_label;
  std::string y_label;
  bool log2_x = false;   // x ticks at powers of two, labelled 4K, 16K, ...
  bool log10_x = false;  // x ticks at powers of ten
  bool log10_y = false;
  std::vector<plot_series> series;
};

// An RGB image in memory.
struct rgb_image {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, 3 bytes per pixel
  rgb_image(int w, int h, std::uint32_t background = 0xFFFFFF);
  void set(int x, int y, std::uint32_t rgb);
};

// Throws io_error when the file cannot be written.
void write_png(const std::string& path, const rgb_image& image);

// Renders `plot` at width x height pixels.
rgb_image render_line_plot(const line_plot& plot, int width = 1200, int height = 600);

// Renders and writes in one go.
void write_line_plot_png(const std::string& path, const line_plot& plot);

// Draws `text` with the kit's 5x7 pixel font at (x, y) = top-left, magnified `scale` times.
void draw_text(rgb_image& image, int x, int y, const std::string& text, std::uint32_t rgb, int scale = 2);
int text_width(const std::string& text, int scale = 2);

}  // namespace gpulab

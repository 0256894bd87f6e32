// SPDX-License-Identifier: MIT
// Line plots written as SVG: real text, sharp at any size, shown as they are by
// browsers and Marp decks, so every figure in the slides comes from the kit's
// own output without Python or gnuplot.
#pragma once

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

// The SVG document of `plot`: title, axes with tick labels, one line per series
// (points that are not finite, or not positive on a log axis, leave a gap), and
// a legend right of the plot. Throws usage_error when there is nothing to draw
// or more than 10 series.
std::string line_plot_svg(const line_plot& plot);

// Writes line_plot_svg(plot) to `path`; throws io_error when the file cannot be written.
void write_line_plot_svg(const std::string& path, const line_plot& plot);

}  // namespace gpulab

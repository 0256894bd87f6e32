// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <limits>

#include "gpulab/bench/plot.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"

namespace gpulab {

namespace {

constexpr std::uint32_t black = 0x202020, grid_grey = 0xDDDDDD, axis_grey = 0x606060;
// A colour-blind-friendly palette (Okabe-Ito), then two more for long legends.
constexpr std::uint32_t palette[] = {0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00,
                                     0x56B4E9, 0xF0E442, 0x000000, 0x999999, 0x882255};

void draw_line(rgb_image& img, double x0, double y0, double x1, double y1, std::uint32_t rgb, int thickness) {
  const double length = std::max(std::abs(x1 - x0), std::abs(y1 - y0));
  const int steps = std::max(1, static_cast<int>(std::ceil(length)));
  for (int i = 0; i <= steps; ++i) {
    const double t = static_cast<double>(i) / steps;
    const int x = static_cast<int>(std::lround(x0 + t * (x1 - x0)));
    const int y = static_cast<int>(std::lround(y0 + t * (y1 - y0)));
    for (int dy = -(thickness / 2); dy <= thickness / 2; ++dy) {
      for (int dx = -(thickness / 2); dx <= thickness / 2; ++dx) img.set(x + dx, y + dy, rgb);
    }
  }
}

void fill_rect(rgb_image& img, int x, int y, int w, int h, std::uint32_t rgb) {
  for (int j = y; j < y + h; ++j) {
    for (int i = x; i < x + w; ++i) img.set(i, j, rgb);
  }
}

std::string power_of_two_label(double value) {
  return format_count_short(static_cast<std::uint64_t>(std::llround(value)));
}

// 0.01, 0.1, 1, 10, ..., 100000, then 1E6: readable where it matters.
std::string power_of_ten_label(int exponent) {
  if (exponent >= 0 && exponent <= 5) return format_fixed(std::pow(10.0, exponent), 0);
  if (exponent >= -2 && exponent < 0) return format_fixed(std::pow(10.0, exponent), -exponent);
  return "1E" + std::to_string(exponent);
}

// "Nice" linear ticks: 1, 2 or 5 times a power of ten.
std::vector<double> linear_ticks(double low, double high) {
  const double span = high - low;
  const double raw = span / 6;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  std::vector<double> ticks;
  for (double t = std::ceil(low / step) * step; t <= high + 1e-9 * span; t += step) ticks.push_back(t);
  return ticks;
}

}  // namespace

rgb_image render_line_plot(const line_plot& plot, int width, int height) {
  rgb_image img(width, height);
  if (plot.series.size() > std::size(palette)) throw usage_error("a plot shows at most 10 series");
  // The legend sits right of the plot, where it never hides a line.
  std::size_t longest_name = 0;
  for (const plot_series& s : plot.series) longest_name = std::max(longest_name, s.name.size());
  const int left = 110, top = 60, bottom = 80;
  const int right = 50 + text_width(std::string(longest_name, 'x'));
  const int plot_w = width - left - right, plot_h = height - top - bottom;

  // Data range, in transformed coordinates.
  auto tx = [&](double x) { return plot.log2_x ? std::log2(x) : plot.log10_x ? std::log10(x) : x; };
  auto ty = [&](double y) { return plot.log10_y ? std::log10(y) : y; };
  double x_min = std::numeric_limits<double>::max(), x_max = std::numeric_limits<double>::lowest();
  double y_min = x_min, y_max = x_max;
  for (const plot_series& s : plot.series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
      if ((plot.log2_x || plot.log10_x) && s.x[i] <= 0) continue;
      if (plot.log10_y && s.y[i] <= 0) continue;
      x_min = std::min(x_min, tx(s.x[i]));
      x_max = std::max(x_max, tx(s.x[i]));
      y_min = std::min(y_min, ty(s.y[i]));
      y_max = std::max(y_max, ty(s.y[i]));
    }
  }
  if (x_min > x_max) throw usage_error("plot '" + plot.title + "' has no finite points to draw");
  if (x_max == x_min) x_max = x_min + 1;
  if (!plot.log10_y) y_min = std::min(0.0, y_min);  // linear y axes start at zero: honest bars of scale
  if (plot.log10_y) {
    y_min = std::floor(y_min);
    y_max = std::ceil(y_max);
  }
  if (y_max == y_min) y_max = y_min + 1;
  y_max += plot.log10_y ? 0 : 0.05 * (y_max - y_min);

  auto px = [&](double x) { return left + (tx(x) - x_min) / (x_max - x_min) * plot_w; };
  auto py = [&](double y) { return top + plot_h - (ty(y) - y_min) / (y_max - y_min) * plot_h; };

  // Grid and tick labels.
  if (plot.log2_x || plot.log10_x) {
    const int step = plot.log2_x && (x_max - x_min) > 12 ? 2 : 1;
    for (int e = static_cast<int>(std::ceil(x_min)); e <= static_cast<int>(std::floor(x_max)); e += step) {
      const double value = plot.log2_x ? std::pow(2.0, e) : std::pow(10.0, e);
      const double x = px(value);
      draw_line(img, x, top, x, top + plot_h, grid_grey, 1);
      const std::string label = plot.log2_x ? power_of_two_label(value) : power_of_ten_label(e);
      draw_text(img, static_cast<int>(x) - text_width(label) / 2, top + plot_h + 10, label, black);
    }
  } else {
    for (double t : linear_ticks(x_min, x_max)) {
      const double x = px(t);
      draw_line(img, x, top, x, top + plot_h, grid_grey, 1);
      const std::string label = format_significant(t);
      draw_text(img, static_cast<int>(x) - text_width(label) / 2, top + plot_h + 10, label, black);
    }
  }
  if (plot.log10_y) {
    for (int e = static_cast<int>(y_min); e <= static_cast<int>(y_max); ++e) {
      const double y = top + plot_h - (e - y_min) / (y_max - y_min) * plot_h;
      draw_line(img, left, y, left + plot_w, y, grid_grey, 1);
      const std::string label = power_of_ten_label(e);
      draw_text(img, left - 10 - text_width(label), static_cast<int>(y) - 7, label, black);
    }
  } else {
    for (double t : linear_ticks(y_min, y_max)) {
      const double y = py(t);
      draw_line(img, left, y, left + plot_w, y, grid_grey, 1);
      const std::string label = format_significant(t);
      draw_text(img, left - 10 - text_width(label), static_cast<int>(y) - 7, label, black);
    }
  }
  // Axes, title, labels.
  draw_line(img, left, top, left, top + plot_h, axis_grey, 2);
  draw_line(img, left, top + plot_h, left + plot_w, top + plot_h, axis_grey, 2);
  draw_text(img, (width - text_width(plot.title, 3)) / 2, 15, plot.title, black, 3);
  draw_text(img, left + (plot_w - text_width(plot.x_label)) / 2, height - 35, plot.x_label, black);
  draw_text(img, 10, top - 28, plot.y_label, black);

  // Series: lines with square markers, legend in the top-left corner of the plot.
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const plot_series& s = plot.series[k];
    const std::uint32_t colour = palette[k % std::size(palette)];
    bool have_previous = false;
    double prev_x = 0, prev_y = 0;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      const bool drawable = std::isfinite(s.x[i]) && std::isfinite(s.y[i]) &&
                            !((plot.log2_x || plot.log10_x) && s.x[i] <= 0) && !(plot.log10_y && s.y[i] <= 0);
      if (!drawable) {
        have_previous = false;
        continue;
      }
      const double x = px(s.x[i]), y = py(s.y[i]);
      if (have_previous) draw_line(img, prev_x, prev_y, x, y, colour, 3);
      fill_rect(img, static_cast<int>(x) - 3, static_cast<int>(y) - 3, 7, 7, colour);
      prev_x = x;
      prev_y = y;
      have_previous = true;
    }
    const int ly = top + 10 + 22 * static_cast<int>(k);
    const int lx = left + plot_w + 12;
    fill_rect(img, lx, ly + 4, 24, 6, colour);
    draw_text(img, lx + 30, ly, s.name, black);
  }
  return img;
}

void write_line_plot_png(const std::string& path, const line_plot& plot) { write_png(path, render_line_plot(plot)); }

}  // namespace gpulab

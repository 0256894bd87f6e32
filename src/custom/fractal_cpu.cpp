// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/custom/julia.hpp"

namespace gpulab::custom {

void fractal_params::validate() const {
  if (max_iterations < 1 || max_iterations > 255) {
    throw usage_error("iterations must be in 1..255 (counts are stored in a byte; got " +
                      std::to_string(max_iterations) + ")");
  }
  if (width < 1 || height < 1 || width > max_side || height > max_side) {
    throw usage_error("the image must be 1.." + std::to_string(max_side) + " pixels wide and high (got " +
                      std::to_string(width) + " x " +
                      std::to_string(height) + ")");
  }
  if (set == fractal::julia && (!std::isfinite(c_re) || !std::isfinite(c_im))) {
    throw usage_error("the Julia constant c must be finite");
  }
  if (!std::isfinite(x_min) || !std::isfinite(x_max) || !std::isfinite(y_min) || !std::isfinite(y_max) ||
      !(x_min < x_max) || !(y_min < y_max)) {
    throw usage_error("the region must be finite with x_min < x_max and y_min < y_max");
  }
}

fractal_params default_mandelbrot() {
  fractal_params p;
  p.set = fractal::mandelbrot;
  p.x_min = -2.5f, p.x_max = 1.0f;
  p.y_min = -1.75f, p.y_max = 1.75f;
  return p;
}

std::vector<std::uint8_t> fractal_cpu(const fractal_params& p) {
  p.validate();
  std::vector<std::uint8_t> counts(p.pixels());
#pragma omp parallel for schedule(dynamic, 16)
  for (int i = 0; i < p.height; ++i) {
    const float y = p.y_of(i);
    for (int j = 0; j < p.width; ++j) {
      const float x = p.x_of(j);
      const std::size_t at = static_cast<std::size_t>(i) * static_cast<std::size_t>(p.width) + j;
      counts[at] = fractal_count(p, x, y);
    }
  }
  return counts;
}

std::vector<float2> fractal_points(const fractal_params& p) {
  p.validate();
  std::vector<float2> points(p.pixels());
#pragma omp parallel for
  for (int i = 0; i < p.height; ++i) {
    for (int j = 0; j < p.width; ++j) {
      points[static_cast<std::size_t>(i) * static_cast<std::size_t>(p.width) + j] = {p.x_of(j), p.y_of(i)};
    }
  }
  return points;
}

const char* fractal_version_name(fractal_version v) {
  switch (v) {
    case fractal_version::complex_input: return "complex_input";
    case fractal_version::grid_stride: return "grid_stride";
    case fractal_version::coalesced_2d: return "coalesced_2d";
    case fractal_version::computed_coordinates: return "computed_coordinates";
  }
  return "?";
}

std::vector<fractal_version> all_fractal_versions() {
  return {fractal_version::complex_input, fractal_version::grid_stride, fractal_version::coalesced_2d,
          fractal_version::computed_coordinates};
}

rgb_image colour_fractal(std::span<const std::uint8_t> counts, const fractal_params& p) {
  p.validate();
  if (counts.size() != p.pixels()) throw usage_error("colour_fractal: the counts do not match the image size");
  rgb_image image(p.width, p.height, 0x000000);
  // The ramp spans the counts present: a Julia set with no interior (like the
  // course's) escapes within a few dozen steps, and would use a fifth of it.
  int longest = 1;
  for (std::uint8_t n : counts) {
    if (n < p.max_iterations) longest = std::max<int>(longest, n);
  }
  for (int i = 0; i < p.height; ++i) {
    for (int j = 0; j < p.width; ++j) {
      const int n = counts[static_cast<std::size_t>(i) * static_cast<std::size_t>(p.width) + j];
      if (n >= p.max_iterations) continue;  // never escaped: black
      // sqrt stretches the many quick escapes; the polynomials are a smooth blue-orange-white ramp.
      const double t = std::sqrt(static_cast<double>(n) / longest);
      const auto channel = [](double v) {
        return static_cast<std::uint32_t>(std::lround(255.0 * std::clamp(v, 0.0, 1.0)));
      };
      const std::uint32_t r = channel(9.0 * (1 - t) * t * t * t + t * t);
      const std::uint32_t g = channel(15.0 * (1 - t) * (1 - t) * t * t + 0.8 * t * t * t);
      const std::uint32_t b = channel(8.5 * (1 - t) * (1 - t) * (1 - t) * t + 0.3);
      image.set(j, p.height - 1 - i, (r << 16) | (g << 8) | b);  // y grows upwards in the picture
    }
  }
  return image;
}

void write_fractal_png(const std::string& path, std::span<const std::uint8_t> counts, const fractal_params& p) {
  write_png(path, colour_fractal(counts, p));
}

}  // namespace gpulab::custom

// SPDX-License-Identifier: MIT
// Module 5 `custom`: the parameters of a Julia or Mandelbrot picture and the
// escape count, shared by the CPU reference and the kernels. Device code
// includes this header; it holds no host-only types (the picture and PNG
// functions are in julia.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "gpulab/core/host_device.hpp"

namespace gpulab::custom {

enum class fractal { julia, mandelbrot };

struct fractal_params {
  fractal set = fractal::julia;
  int width = 4096, height = 4096;
  int max_iterations = 255;           // 1..255: the count is stored in a byte
  float c_re = 0.4f, c_im = 0.6f;     // Julia only: the constant c
  float x_min = -1.8f, x_max = 1.8f;  // the region: x along the columns,
  float y_min = -1.8f, y_max = 1.8f;  // y along the rows (row 0 is y_min)

  // Throws usage_error: 0 or more than 255 iterations, a non-finite c or region,
  // an empty region, width or height outside 1..max_side.
  static constexpr int max_side = 131072;
  void validate() const;
  [[nodiscard]] std::size_t pixels() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  }
  // The coordinates of column j and row i, as numpy.linspace spaces them.
  // Host and device compute them with the same operations (one explicit fmaf), so
  // the kernels' pixels sit exactly where the CPU reference's do. The steps are
  // separate so that a kernel divides once, not once per pixel.
  [[nodiscard]] GPULAB_HOST_DEVICE float x_step() const { return linspace_step(x_min, x_max, width); }
  [[nodiscard]] GPULAB_HOST_DEVICE float y_step() const { return linspace_step(y_min, y_max, height); }
  [[nodiscard]] GPULAB_HOST_DEVICE float x_of(int j) const { return linspace_at(x_min, x_step(), j); }
  [[nodiscard]] GPULAB_HOST_DEVICE float y_of(int i) const { return linspace_at(y_min, y_step(), i); }

  GPULAB_HOST_DEVICE static float linspace_step(float low, float high, int count) {
    return count == 1 ? 0.0f : (high - low) / static_cast<float>(count - 1);
  }
  GPULAB_HOST_DEVICE static float linspace_at(float low, float step, int k) {
    return fmaf(static_cast<float>(k), step, low);
  }
};

// [snippet:escape_count]
// Iterations of z <- z^2 + c before |z|^2 >= 4, at most max_iterations: one
// function for the host and the kernels. The fused multiply-adds are written
// out: nvcc fuses a * b + c into one rounding by itself, the host compiler may
// not, and near the set's boundary one rounding changes the count. Spelled
// out, both sides round alike and the GPU's counts must equal the CPU's exactly.
GPULAB_HOST_DEVICE inline std::uint8_t escape_count(float z_re, float z_im, float c_re, float c_im,
                                                    int max_iterations) {
  int n = 0;
  while (n < max_iterations && fmaf(z_re, z_re, z_im * z_im) < 4.0f) {
    const float next_re = fmaf(z_re, z_re, fmaf(-z_im, z_im, c_re));
    z_im = fmaf(2.0f * z_re, z_im, c_im);
    z_re = next_re;
    ++n;
  }
  return static_cast<std::uint8_t>(n);
}
// [/snippet:escape_count]

// The count at the point (x, y): the Julia set starts z there, the Mandelbrot set uses it as c.
GPULAB_HOST_DEVICE inline std::uint8_t fractal_count(const fractal_params& p, float x, float y) {
  return p.set == fractal::julia ? escape_count(x, y, p.c_re, p.c_im, p.max_iterations)
                                 : escape_count(0.0f, 0.0f, x, y, p.max_iterations);
}

}  // namespace gpulab::custom

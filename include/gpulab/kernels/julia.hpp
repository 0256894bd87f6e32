// SPDX-License-Identifier: MIT
// Module 5 `kernels`: the Julia set (and the Mandelbrot set), the CPU side.
// The course's workload: z <- z^2 + c with c = 0.4 + 0.6i, on a 4096 x 4096
// grid over [-1.8, 1.8]^2 (numpy.linspace: both ends included), counting the
// iterations before |z|^2 >= 4, at most 255, stored as one byte per pixel.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gpulab/bench/plot.hpp"

namespace gpulab::kernels_module {

enum class fractal { julia, mandelbrot };

struct fractal_params {
  fractal set = fractal::julia;
  int width = 4096, height = 4096;
  int max_iterations = 255;           // 1..255: the count is stored in a byte
  float c_re = 0.4f, c_im = 0.6f;     // Julia only: the constant c
  float x_min = -1.8f, x_max = 1.8f;  // the region: x along the columns,
  float y_min = -1.8f, y_max = 1.8f;  // y along the rows (row 0 is y_min)

  // Throws usage_error: 0 or more than 255 iterations, a non-finite c or region,
  // an empty region, width or height outside 1..65536.
  void validate() const;
  [[nodiscard]] std::size_t pixels() const {
    return static_cast<std::size_t>(width) * static_cast<std::size_t>(height);
  }
  // The coordinates of column j and row i, as numpy.linspace spaces them.
  [[nodiscard]] float x_of(int j) const { return linspace(x_min, x_max, width, j); }
  [[nodiscard]] float y_of(int i) const { return linspace(y_min, y_max, height, i); }

#ifdef __CUDACC__
  __host__ __device__
#endif
  static float linspace(float low, float high, int count, int k) {
    return count == 1 ? low : low + static_cast<float>(k) * ((high - low) / static_cast<float>(count - 1));
  }
};

// The Mandelbrot set's usual frame, at the Julia defaults' size and iterations.
fractal_params default_mandelbrot();

// [snippet:escape_count]
// Iterations of z <- z^2 + c before |z|^2 >= 4, at most max_iterations: the
// same float arithmetic on the host as in the kernels (one function for both).
#ifdef __CUDACC__
__host__ __device__
#endif
inline std::uint8_t escape_count(float z_re, float z_im, float c_re, float c_im, int max_iterations) {
  int n = 0;
  while (n < max_iterations && z_re * z_re + z_im * z_im < 4.0f) {
    const float next_re = z_re * z_re - z_im * z_im + c_re;
    z_im = 2.0f * z_re * z_im + c_im;
    z_re = next_re;
    ++n;
  }
  return static_cast<std::uint8_t>(n);
}
// [/snippet:escape_count]

// The CPU reference: row-major counts, height x width, OpenMP over the rows.
std::vector<std::uint8_t> fractal_cpu(const fractal_params& p);

// Colours the counts: points that never escaped are black, the others run
// from dark blue through orange to white as they take longer to escape.
rgb_image colour_fractal(std::span<const std::uint8_t> counts, const fractal_params& p);

// colour_fractal + write_png; throws io_error when the file cannot be written.
void write_fractal_png(const std::string& path, std::span<const std::uint8_t> counts, const fractal_params& p);

}  // namespace gpulab::kernels_module

// SPDX-License-Identifier: MIT
// Module 5 `custom`: the Julia set (and the Mandelbrot set).
// The course's workload: z <- z^2 + c with c = 0.4 + 0.6i, on a 4096 x 4096
// grid over [-1.8, 1.8]^2 (numpy.linspace: both ends included), counting the
// iterations before |z|^2 >= 4, at most 255, stored as one byte per pixel.
//
// The GPU versions (kernels/custom/julia.cuh), each changing one thing:
//   complex_input         one thread per pixel reads the pixel's point from an array
//                         and writes an int32 count (the course's PyCUDA kernel)
//   grid_stride           a 2D grid-stride loop, threadIdx.x walking down a column:
//                         a warp's 32 reads and writes are a row apart (uncoalesced)
//   coalesced_2d          the same loop with threadIdx.x along a row (coalesced)
//   computed_coordinates  no input array: each thread computes its point from (i, j),
//                         and writes one byte: 1 byte per pixel moved instead of 12
#pragma once

#include <vector_types.h>  // float2

#include <cmath>
#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <span>
#include <string>
#include <vector>

#include "gpulab/bench/png_image.hpp"
#include "gpulab/custom/fractal_params.hpp"

namespace gpulab::custom {

// The Mandelbrot set's usual frame, at the Julia defaults' size and iterations.
fractal_params default_mandelbrot();

// The CPU reference: row-major counts, height x width, OpenMP over the rows.
std::vector<std::uint8_t> fractal_cpu(const fractal_params& p);

// Colours the counts: points that never escaped are black, the others run
// from dark blue through orange to white as they take longer to escape.
rgb_image colour_fractal(std::span<const std::uint8_t> counts, const fractal_params& p);

// colour_fractal + write_png; throws io_error when the file cannot be written.
void write_fractal_png(const std::string& path, std::span<const std::uint8_t> counts, const fractal_params& p);

// ------------------------------------------------------------------ the GPU
enum class fractal_version { complex_input, grid_stride, coalesced_2d, computed_coordinates };
const char* fractal_version_name(fractal_version v);  // "complex_input", ...
std::vector<fractal_version> all_fractal_versions();
[[nodiscard]] constexpr bool reads_points(fractal_version v) { return v != fractal_version::computed_coordinates; }

// The point of every pixel, row-major: the input array of the first three versions.
std::vector<float2> fractal_points(const fractal_params& p);

// complex_input, grid_stride, coalesced_2d: counts[i * width + j] from points[i * width + j].
void fractal_from_points_async(fractal_version v, const fractal_params& p, cuda::std::span<const float2> points,
                               cuda::std::span<std::int32_t> counts, cuda::stream_ref s);

// computed_coordinates: the points computed in the kernel, one byte per pixel.
void fractal_async(const fractal_params& p, cuda::std::span<std::uint8_t> counts, cuda::stream_ref s);

}  // namespace gpulab::custom

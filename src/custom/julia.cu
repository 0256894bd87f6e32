// SPDX-License-Identifier: MIT
// Launches of kernels/custom/julia.cuh (static kernels: this file has its own copy).
#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/custom/julia.hpp"
#include "kernels/custom/julia.cuh"

namespace gpulab::custom {

namespace {

constexpr int block_size = 256;
// The versions that read points: a warp is 32 threads along x (a row of pixels).
const dim3 block_2d(32, 8);
// computed_coordinates: blocks of 16 x 16, so a warp is 16 pixels of two rows.
// Neighbouring pixels escape after similar counts, and a compact warp waits less
// for its slowest one: 42.5 us instead of 46 us on an H100 (see fractal_image's
// warp efficiency for both shapes).
const dim3 block_square_warps(16, 16);

// The fixed grid of a 2D grid-stride loop: as many blocks as fit on the GPU at
// once, at most max_x across x, no more than the image needs.
template <class Kernel>
dim3 grid_stride_grid(Kernel kernel, dim3 block, unsigned max_x, unsigned x_extent, unsigned y_extent) {
  const unsigned resident = occupancy_grid_size(kernel, static_cast<int>(block.x * block.y));
  const unsigned x = std::min({max_x, blocks_for(x_extent, block.x), resident});
  const unsigned y = std::max(1u, std::min(resident / x, blocks_for(y_extent, block.y)));
  return {x, y};
}

void require_pixels(const fractal_params& p, std::size_t size, const char* what) {
  p.validate();
  if (size != p.pixels()) {
    throw usage_error(std::string("fractal: ") + what + " holds " + std::to_string(size) + " elements, the " +
                      std::to_string(p.width) + " x " + std::to_string(p.height) + " image needs " +
                      std::to_string(p.pixels()));
  }
}

}  // namespace

void fractal_from_points_async(fractal_version v, const fractal_params& p, cuda::std::span<const float2> points,
                               cuda::std::span<std::int32_t> counts, cuda::stream_ref s) {
  require_pixels(p, points.size(), "the point array");
  require_pixels(p, counts.size(), "the count array");
  switch (v) {
    case fractal_version::complex_input: {
      const auto pixels = static_cast<std::int64_t>(p.pixels());
      kernels::fractal_complex_input<<<blocks_for(pixels, block_size), block_size, 0, s.get()>>>(
          p, points.data(), counts.data(), pixels);
      break;
    }
    case fractal_version::grid_stride: {  // x walks the rows (height), y the columns
      const dim3 grid = grid_stride_grid(kernels::fractal_grid_stride, block_2d, 16, p.height, p.width);
      kernels::fractal_grid_stride<<<grid, block_2d, 0, s.get()>>>(p, points.data(), counts.data());
      break;
    }
    case fractal_version::coalesced_2d: {
      const dim3 grid = grid_stride_grid(kernels::fractal_coalesced_2d, block_2d, 16, p.width, p.height);
      kernels::fractal_coalesced_2d<<<grid, block_2d, 0, s.get()>>>(p, points.data(), counts.data());
      break;
    }
    case fractal_version::computed_coordinates:
      throw usage_error("fractal: computed_coordinates reads no points (call fractal_async)");
  }
  GPULAB_CHECK_LAUNCH();
}

void fractal_async(const fractal_params& p, cuda::std::span<std::uint8_t> counts, cuda::stream_ref s) {
  require_pixels(p, counts.size(), "the count array");
  const dim3 grid =
      grid_stride_grid(kernels::fractal_computed_coordinates, block_square_warps, 8, p.width, p.height);
  kernels::fractal_computed_coordinates<<<grid, block_square_warps, 0, s.get()>>>(p, counts.data());
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::custom

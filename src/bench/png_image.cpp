// SPDX-License-Identifier: MIT
#include <png.h>

#include <cstdio>
#include <memory>

#include "gpulab/bench/png_image.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab {

rgb_image::rgb_image(int w, int h, std::uint32_t background) : width(w), height(h) {
  if (w <= 0 || h <= 0) throw usage_error("image size must be positive");
  pixels.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) set(x, y, background);
  }
}

void rgb_image::set(int x, int y, std::uint32_t rgb) {
  if (x < 0 || y < 0 || x >= width || y >= height) return;  // clip
  const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
  pixels[at + 0] = static_cast<std::uint8_t>(rgb >> 16);
  pixels[at + 1] = static_cast<std::uint8_t>(rgb >> 8);
  pixels[at + 2] = static_cast<std::uint8_t>(rgb);
}

void write_png(const std::string& path, const rgb_image& image) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!file) throw io_error("cannot write PNG '" + path + "'");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png ? png_create_info_struct(png) : nullptr;
  if (png == nullptr || info == nullptr) {
    png_destroy_write_struct(&png, &info);
    throw io_error("libpng could not start writing '" + path + "'");
  }
  // libpng reports errors by longjmp; nothing with a destructor lives between here and the end.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw io_error("libpng failed while writing '" + path + "'");
  }
  png_init_io(png, file.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width), static_cast<png_uint_32>(image.height), 8,
               PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y) {
    png_write_row(png, image.pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(image.width) * 3);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fflush(file.get()) != 0) throw io_error("writing '" + path + "' failed");
}

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// The options of module `custom`, typed (see module_option in bench/runner.hpp):
// the command line refuses a bad value while parsing, and the cases and demos
// read the value through the same declaration.
#pragma once

#include <string>

#include "gpulab/bench/runner.hpp"
#include "gpulab/custom/cases.hpp"

namespace gpulab::custom {

inline const module_option set_option{.name = "set",
                                      .description = "julia_* and fractal_image: which fractal",
                                      .kind = option_kind::choice,
                                      .default_value = "julia",
                                      .choices = {"julia", "mandelbrot"}};
// Counts are stored in one byte per pixel: 255 at most.
inline const module_option iterations_option{.name = "iterations",
                                             .description = "julia_* and fractal_image: the most iterations per pixel",
                                             .kind = option_kind::integer,
                                             .default_value = "255",
                                             .min = 1,
                                             .max = 255};
inline const module_option c_option{.name = "c",
                                    .description = "julia_* and fractal_image: the Julia constant c = RE + IM i",
                                    .kind = option_kind::real_pair,
                                    .default_value = "0.4,0.6"};
inline const module_option image_option{.name = "image",
                                        .description = "fractal_image: write the coloured picture to this PNG",
                                        .kind = option_kind::text,
                                        .placeholder = "FILE.png"};
inline const module_option operation_option{
    .name = "operation",
    .description = "saxpy_runtime_compiled: the operation over const float* x, const float* y, float* r, float a",
    .kind = option_kind::text,
    .default_value = runtime_saxpy_operation,
    .placeholder = "CODE"};

}  // namespace gpulab::custom

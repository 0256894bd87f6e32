// SPDX-License-Identifier: MIT
// Module 5 "custom": writing your own kernels, from naive to near the hardware's limit.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "gpulab/bench/runner.hpp"
#include "gpulab/custom/cpu_reference.hpp"
#include "gpulab/custom/elementwise.hpp"
#include "gpulab/custom/julia.hpp"
#include "gpulab/custom/memory_patterns.hpp"
#include "gpulab/custom/reduction.hpp"

namespace gpulab::custom {

// The sum of n floats (dot = false) or the dot product of two (dot = true), by one version.
std::unique_ptr<bench_case> make_reduction_case(reduce_version v, bool dot, std::size_t n);

// out = op(x[, y]) for n floats, by one version (the polynomials always vectorized).
std::unique_ptr<bench_case> make_elementwise_case(elementwise_op op, map_version v, std::size_t n);

// saxpy by a kernel compiled at run time (NVRTC) from `operation`, e.g. the default
// "r[i] = a * x[i] + y[i]": the same grid-stride loop as saxpy_grid_stride, for the
// comparison of runtime and ahead-of-time compilation.
inline constexpr const char* runtime_saxpy_parameters = "const float* x, const float* y, float* r, float a";
inline constexpr const char* runtime_saxpy_operation = "r[i] = a * x[i] + y[i]";
// The same parameters marked __restrict__, as saxpy_grid_stride's are: NVRTC may then
// read x and y ahead of the stores to r (the unrolled loop's loads all in flight, through
// the read-only path), which it may not when r might alias x or y.
inline constexpr const char* runtime_saxpy_restrict_parameters =
    "const float* __restrict__ x, const float* __restrict__ y, float* __restrict__ r, float a";
// restrict_pointers: the case saxpy_runtime_compiled_restrict, with the parameters above.
std::unique_ptr<bench_case> make_runtime_saxpy_case(const std::string& operation, std::size_t n,
                                                    bool restrict_pointers = false);
// Compiles the operation for the default architecture: a typo is found before any GPU work
// (rtc::compile_error: one line and NVRTC's log).
void check_runtime_saxpy_compiles(const std::string& operation);

// The source the demo compiles: the course's polynomial with __constant__ coefficients.
extern const char* const course_source_module;
// The course's SourceModule (a polynomial with __constant__ coefficients, contiguous
// runs against interleaved elements) and ReductionKernel (a dot product), by gpulab::rtc.
demo_output runtime_compilation_demo(resources& res, const run_options& options);

// Row sums (rows = true) or column sums of an n x n matrix; transposes of one.
constexpr int max_matrix_dimension = 32768;
std::unique_ptr<bench_case> make_line_sums_case(bool rows, line_sums_version v, int n);
std::unique_ptr<bench_case> make_transpose_case(transpose_version v, int n);

// The fractal the options ask for: --set julia|mandelbrot, --iterations, --c RE,IM,
// --size n (an n x n image, default 4096). Throws usage_error for bad values.
fractal_params fractal_from_options(const run_options& options);
std::unique_ptr<bench_case> make_fractal_case(fractal_version v, const fractal_params& p);
// The share of a warp's iteration slots doing useful work, for warps on patches of
// width x (32 / width) pixels (32: a row; 16: the computed_coordinates kernel's).
double warp_efficiency(std::span<const std::uint8_t> counts, const fractal_params& p, int width);
// Computes the picture, checks it, reports what a pixel costs, writes --image FILE.png.
demo_output fractal_image_demo(resources& res, const run_options& options);

}  // namespace gpulab::custom

// SPDX-License-Identifier: MIT
// Module 5 as the apps see it: its cases, demos, options, tour items and comparison lines.
#include <algorithm>
#include <cstdint>
#include <tuple>

#include "gpulab/bench/atomic_file.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/custom/cases.hpp"
#include "gpulab/custom/module.hpp"
#include "gpulab/custom/options.hpp"

namespace gpulab::custom {

namespace {

constexpr std::uint64_t default_elements = std::uint64_t{1} << 26;  // the 2^26 floats
constexpr std::uint64_t default_elementwise = 50000000;              // the course's 50M floats
constexpr std::uint64_t max_elements = std::uint64_t{1} << 33;
// The sabotage test's sizes (check_size): odd, so that tails and partial blocks run.
constexpr std::uint64_t check_elements = 100003;
constexpr std::uint64_t check_side = 131;  // an n x n matrix or image
// ...except for the cooperative line sums, which need n % 4 == 0 for their float4
// reads (at an odd n they fall back to one thread per line): 132 = 4 x 33.
constexpr std::uint64_t check_side_float4 = 132;

case_entry reduction_entry(reduce_version v, bool dot, const std::string& description) {
  return {std::string(dot ? "dot_" : "sum_") + reduce_version_name(v),
          description + " (--size: floats; default 2^26)", one_case([v, dot](const run_options& options) {
            return make_reduction_case(v, dot, options.size.value_or(default_elements));
          }),
          check_elements};
}

case_entry elementwise_entry(elementwise_op op, map_version v, const std::string& description) {
  auto c = make_elementwise_case(op, v, 1);  // for its name only
  return {c->name(), description + " (--size: floats; default 50M)", one_case([op, v](const run_options& options) {
            return make_elementwise_case(op, v, options.size.value_or(default_elementwise));
          }),
          check_elements};
}

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  // Elementwise and access patterns: the best version of each.
  for (const char* op : {"times_two", "saxpy", "gaussian", "distance", "polynomial", "row_sums", "column_sums",
                         "transpose"}) {
    const case_result* best = fastest_verified(results, {.operation = op});
    if (best != nullptr && best->percent_of_peak) {
      lines.push_back("fastest " + std::string(op) + ": " + best->name + ", " +
                      format_fixed(best->gigabytes_per_second(), 0) + " GB/s = " +
                      format_fixed(*best->percent_of_peak, 1) + "% of its ceiling");
    }
  }
  // The Julia set: the best version's time per image, against the course's starting point.
  const case_result* julia = fastest_verified(results, {.operation = "julia"});
  if (julia != nullptr) {
    std::string line = "fastest julia: " + julia->name + ", " + format_fixed(julia->gpu.median_ms * 1e3, 1) +
                       " us per " + julia->size_label + " image";
    if (const case_result* start = find_verified(results, {.operation = "julia", .version = "complex_input"})) {
      line += " (" + format_fixed(start->gpu.median_ms / julia->gpu.median_ms, 1) + "x faster than julia_complex_input)";
    }
    lines.push_back(line);
  }
  // Runtime against ahead-of-time compilation: the same grid-stride loop.
  const case_result* ahead = find_verified(results, {.operation = "saxpy", .version = "grid_stride"});
  for (const char* version : {"runtime_compiled", "runtime_compiled_restrict"}) {
    const case_result* runtime = find_verified(results, {.operation = "saxpy", .version = version});
    if (runtime == nullptr || ahead == nullptr) continue;
    lines.push_back("saxpy_" + std::string(version) + " runs at " +
                    format_fixed(100.0 * ahead->gpu.median_ms / runtime->gpu.median_ms, 1) +
                    "% of saxpy_grid_stride's speed (the same loop, compiled ahead of time)");
  }
  for (const char* op : {"sum", "dot"}) {
    const case_result* cub = find_verified(results, {.operation = op, .version = "cub"});
    const case_result* best = fastest_verified(results, {.operation = op, .exclude_version = "cub"});
    if (best == nullptr) continue;
    std::string line = "fastest hand-written " + std::string(op) + ": " + best->name + ", " +
                       format_fixed(best->gigabytes_per_second(), 0) + " GB/s";
    if (best->percent_of_peak) line += " (" + format_fixed(*best->percent_of_peak, 1) + "% of its ceiling)";
    if (cub != nullptr) {
      line += ", " + format_fixed(100.0 * cub->gpu.median_ms / best->gpu.median_ms, 1) + "% of CUB's speed";
    }
    lines.push_back(line);
  }
  return lines;
}

// Every case, in the order the course meets them: elementwise maps, reductions,
// access patterns (line sums, transposes), the Julia set.
std::vector<case_entry> all_cases() {
  std::vector<case_entry> cases;
  const std::vector<std::pair<elementwise_op, std::string>> ops = {
      {elementwise_op::times_two, "out = 2 x (the course's first kernel)"},
      {elementwise_op::saxpy, "r = a x + y, a = 0.31"},
      {elementwise_op::gaussian, "the normal density over x in [-10, 10]"},
      {elementwise_op::distance, "sqrt(a^2 + b^2) through a __device__ function"},
  };
  for (const auto& [op, what] : ops) {
    cases.push_back(elementwise_entry(op, map_version::one_per_element, what + ": one thread per element"));
    cases.push_back(elementwise_entry(op, map_version::grid_stride, what + ": grid-stride loop"));
    cases.push_back(elementwise_entry(op, map_version::vectorized, what + ": 16-byte loads and stores"));
  }
  cases.push_back({"saxpy_runtime_compiled",
                   "saxpy compiled at run time by NVRTC from --operation (default \"" +
                       std::string(runtime_saxpy_operation) + "\"), checked as saxpy (--size: floats; default 50M)",
                   one_case([](const run_options& options) {
                     return make_runtime_saxpy_case(operation_option.text(options),
                                                    options.size.value_or(default_elementwise));
                   }),
                   check_elements});
  cases.push_back({"saxpy_runtime_compiled_restrict",
                   "the same, its pointer parameters marked __restrict__ as the compiled-ahead kernels' are"
                   " (--size: floats; default 50M)",
                   one_case([](const run_options& options) {
                     return make_runtime_saxpy_case(operation_option.text(options),
                                                    options.size.value_or(default_elementwise), true);
                   }),
                   check_elements});
  cases.push_back(elementwise_entry(elementwise_op::polynomial_constant, map_version::vectorized,
                                    "degree-7 polynomial by Horner, coefficients in __constant__ memory"));
  cases.push_back(elementwise_entry(elementwise_op::polynomial_global, map_version::vectorized,
                                    "the same polynomial, coefficients read from global memory"));
  for (const bool dot : {false, true}) {
    const std::string what = dot ? "dot product x . y" : "sum of x";
    cases.push_back(reduction_entry(reduce_version::atomic_per_element, dot,
                                    what + ": one atomicAdd per element, all on one address"));
    cases.push_back(reduction_entry(reduce_version::shared_tree, dot,
                                    what + ": a tree in shared memory, one atomic per block"));
    cases.push_back(reduction_entry(reduce_version::warp_shuffle, dot, what + ": warp shuffles, one atomic per block"));
    cases.push_back(reduction_entry(reduce_version::multi_element, dot,
                                    what + ": 16 elements per thread as float4 loads, then warp shuffles"));
    // The wide tile gives the sum the dot product's shape; for a dot it is dot_multi_element again.
    if (!dot) {
      cases.push_back(reduction_entry(reduce_version::wide_tile, dot,
                                      what + ": 32 elements per thread (8 float4 loads in flight), then warp shuffles"));
    }
    cases.push_back(reduction_entry(reduce_version::cub, dot, what + ": cub::DeviceReduce (the library)"));
  }
  const std::vector<std::tuple<std::string, bool, line_sums_version, std::string>> sums = {
      {"row_sums_thread_per_row", true, line_sums_version::thread_per_line,
       "row sums, one thread per row (the course's: uncoalesced)"},
      {"row_sums_block_per_row", true, line_sums_version::cooperative, "row sums, one block per row, float4 reads"},
      {"column_sums_thread_per_column", false, line_sums_version::thread_per_line,
       "column sums, one thread per column (the course's: coalesced, but few threads)"},
      {"column_sums_tiled", false, line_sums_version::cooperative,
       "column sums, float4 column strips over runs of 64 rows, partial sums added atomically"},
  };
  for (const auto& [name, rows, version, what] : sums) {
    cases.push_back({name, what + " (--size: n of an n x n matrix; default 16384)",
                     one_case([rows, version](const run_options& options) {
                       return make_line_sums_case(rows, version, static_cast<int>(options.size.value_or(16384)));
                     }),
                     version == line_sums_version::cooperative ? check_side_float4 : check_side});
  }
  for (const auto& [version, what] : std::vector<std::pair<transpose_version, std::string>>{
           {transpose_version::naive, "transpose: coalesced reads, scattered writes"},
           {transpose_version::tiled, "transpose through a 32 x 32 shared-memory tile (32-way bank conflicts)"},
           {transpose_version::tiled_padded, "transpose through a 32 x 33 tile: no bank conflicts"},
           {transpose_version::wide_tile,
            "transpose through a 64 x 65 tile: 16 floats per thread, all loads in flight together"}}) {
    cases.push_back({transpose_version_name(version), what + " (--size: n of an n x n matrix; default 8192)",
                     one_case([version](const run_options& options) {
                       return make_transpose_case(version, static_cast<int>(options.size.value_or(8192)));
                     }),
                     check_side});
  }
  const std::vector<std::pair<fractal_version, std::string>> fractals = {
      {fractal_version::complex_input, "one thread per pixel reads a complex input array, int32 counts (the course's PyCUDA)"},
      {fractal_version::grid_stride, "2D grid-stride loop, threadIdx.x down a column: uncoalesced"},
      {fractal_version::coalesced_2d, "2D grid-stride loop, threadIdx.x along a row: coalesced"},
      {fractal_version::computed_coordinates, "coalesced, each point computed in the kernel, one byte per pixel"},
  };
  for (const auto& [version, what] : fractals) {
    cases.push_back({std::string("julia_") + fractal_version_name(version),
                     "Julia set: " + what + " (--size: n of an n x n image; default 4096)",
                     one_case([version](const run_options& options) {
                       return make_fractal_case(version, fractal_from_options(options));
                     }),
                     check_side});
  }
  return cases;
}

// Everything the user typed, checked before any GPU work.
void validate(const run_options& options) {
  if (options.size && *options.size > max_elements) {
    throw usage_error("--size: at most 2^33 floats (got " + std::to_string(*options.size) + ")");
  }
  // The matrix cases take --size as n of an n x n matrix.
  const bool matrix_case = std::any_of(options.selected.begin(), options.selected.end(), [](const std::string& s) {
    return s.find("sums_") != std::string::npos || s.rfind("transpose_", 0) == 0;
  });
  if (options.size && (options.selected.empty() || matrix_case) &&
      *options.size > static_cast<std::uint64_t>(max_matrix_dimension)) {
    throw usage_error("--size: the row/column-sum and transpose cases take n of an n x n matrix, 1.." +
                      std::to_string(max_matrix_dimension) + " (got " + std::to_string(*options.size) + ")");
  }
  // The fractal options, and the picture's path, before any GPU work.
  const bool fractal = options.selected.empty() ||
                       std::any_of(options.selected.begin(), options.selected.end(), [](const std::string& s) {
                         return s.rfind("julia_", 0) == 0 || s == "fractal_image";
                       });
  if (fractal) (void)fractal_from_options(options);
  // A typo in --operation: NVRTC's log now, not after minutes of other cases.
  const bool runtime_saxpy =
      options.selected.empty() ||
      std::any_of(options.selected.begin(), options.selected.end(),
                  [](const std::string& s) { return s.rfind("saxpy_runtime_compiled", 0) == 0; });
  if (runtime_saxpy) check_runtime_saxpy_compiles(operation_option.text(options));
  // The picture's folder takes a file (nothing is created before the demo has drawn it).
  require_atomically_writable(image_option.text(options));
}

}  // namespace

training_module make_module() {
  return {
      .name = "custom",
      .aliases = {"kernels"},  // its command's name before the module-slice layout
      .title = "gpulab module 5: writing your own kernels, from naive to near the hardware's limit",
      .demos = {
          {"runtime_compilation",
           "the course's SourceModule (__constant__, __device__, access patterns) and ReductionKernel with gpulab::rtc",
           runtime_compilation_demo},
          {"fractal_image",
           "the Julia (or --set mandelbrot) image: what a pixel costs, warp efficiency; --image FILE.png saves it",
           fractal_image_demo},
      },
      .cases = all_cases(),
      .tour = {{"saxpy_vectorized", std::nullopt},    {"sum_multi_element", std::nullopt},
               {"sum_cub", std::nullopt},             {"transpose_tiled_padded", std::nullopt},
               {"julia_complex_input", std::nullopt}, {"julia_computed_coordinates", std::nullopt}},
      .compare = compare,
      .options = {set_option, iterations_option, c_option, image_option, operation_option},
      .validate = validate,
  };
}

}  // namespace gpulab::custom

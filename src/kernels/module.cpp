// SPDX-License-Identifier: MIT
// Module 5 as the apps see it (so far: elementwise operations, constant memory, reductions).
#include <cstdint>

#include "gpulab/core/format.hpp"
#include "gpulab/kernels/cases.hpp"

namespace gpulab::kernels_module {

namespace {

constexpr std::uint64_t default_elements = std::uint64_t{1} << 26;  // the 2^26 floats
constexpr std::uint64_t default_elementwise = 50000000;              // the course's 50M floats
constexpr std::uint64_t max_elements = std::uint64_t{1} << 33;

case_entry reduction_entry(reduce_version v, bool dot, const std::string& description) {
  return {std::string(dot ? "dot_" : "sum_") + reduce_version_name(v),
          description + " (--size: floats; default 2^26)", [v, dot](const run_options& options) {
            std::vector<std::unique_ptr<bench_case>> cases;
            cases.push_back(make_reduction_case(v, dot, options.size.value_or(default_elements)));
            return cases;
          }};
}

case_entry elementwise_entry(elementwise_op op, map_version v, const std::string& description) {
  auto c = make_elementwise_case(op, v, 1);  // for its name only
  return {c->name(), description + " (--size: floats; default 50M)", [op, v](const run_options& options) {
            std::vector<std::unique_ptr<bench_case>> cases;
            cases.push_back(make_elementwise_case(op, v, options.size.value_or(default_elementwise)));
            return cases;
          }};
}

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  // Elementwise: the best version of each operation.
  for (const char* op : {"times_two_", "saxpy_", "gaussian_", "distance_", "polynomial_"}) {
    const case_result* best = nullptr;
    for (const case_result& r : results) {
      if (r.name.rfind(op, 0) != 0 || !r.verified) continue;
      if (best == nullptr || r.gpu.median_ms < best->gpu.median_ms) best = &r;
    }
    if (best != nullptr && best->percent_of_peak) {
      lines.push_back("fastest " + std::string(op).substr(0, std::string(op).size() - 1) + ": " + best->name + ", " +
                      format_fixed(best->gigabytes_per_second(), 0) + " GB/s = " +
                      format_fixed(*best->percent_of_peak, 1) + "% of the copy bandwidth");
    }
  }
  for (const char* op : {"sum_", "dot_"}) {
    const case_result* cub = nullptr;
    const case_result* best = nullptr;
    for (const case_result& r : results) {
      if (r.name.rfind(op, 0) != 0 || !r.verified) continue;
      if (r.name.find("cub") != std::string::npos) {
        cub = &r;
      } else if (best == nullptr || r.gpu.median_ms < best->gpu.median_ms) {
        best = &r;
      }
    }
    if (best == nullptr) continue;
    std::string line = "fastest hand-written " + std::string(op).substr(0, 3) + ": " + best->name + ", " +
                       format_fixed(best->gigabytes_per_second(), 0) + " GB/s";
    if (best->percent_of_peak) line += " (" + format_fixed(*best->percent_of_peak, 1) + "% of the copy bandwidth)";
    if (cub != nullptr) {
      line += ", " + format_fixed(100.0 * cub->gpu.median_ms / best->gpu.median_ms, 1) + "% of CUB's speed";
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

training_module make_module() {
  training_module m;
  m.name = "kernels";
  m.title = "gpulab module 5: writing your own kernels (so far: elementwise, constant memory, reductions)";
  const std::vector<std::pair<elementwise_op, std::string>> ops = {
      {elementwise_op::times_two, "out = 2 x (the course's first kernel)"},
      {elementwise_op::saxpy, "r = a x + y, a = 0.31"},
      {elementwise_op::gaussian, "the normal density over x in [-10, 10]"},
      {elementwise_op::distance, "sqrt(a^2 + b^2) through a __device__ function"},
  };
  for (const auto& [op, what] : ops) {
    m.cases.push_back(elementwise_entry(op, map_version::one_per_element, what + ": one thread per element"));
    m.cases.push_back(elementwise_entry(op, map_version::grid_stride, what + ": grid-stride loop"));
    m.cases.push_back(elementwise_entry(op, map_version::vectorized, what + ": 16-byte loads and stores"));
  }
  m.cases.push_back(elementwise_entry(elementwise_op::polynomial_constant, map_version::vectorized,
                                      "degree-7 polynomial by Horner, coefficients in __constant__ memory"));
  m.cases.push_back(elementwise_entry(elementwise_op::polynomial_global, map_version::vectorized,
                                      "the same polynomial, coefficients read from global memory"));
  for (const bool dot : {false, true}) {
    const std::string what = dot ? "dot product x . y" : "sum of x";
    m.cases.push_back(reduction_entry(reduce_version::atomic_per_element, dot,
                                      what + ": one atomicAdd per element, all on one address"));
    m.cases.push_back(reduction_entry(reduce_version::shared_tree, dot,
                                      what + ": a tree in shared memory, one atomic per block"));
    m.cases.push_back(reduction_entry(reduce_version::warp_shuffle, dot,
                                      what + ": warp shuffles, one atomic per block"));
    m.cases.push_back(reduction_entry(reduce_version::multi_element, dot,
                                      what + ": 16 elements per thread as float4 loads, then warp shuffles"));
    m.cases.push_back(reduction_entry(reduce_version::cub, dot, what + ": cub::DeviceReduce (the library)"));
  }
  m.validate = [](const run_options& options) {
    if (options.size && *options.size > max_elements) {
      throw usage_error("--size: at most 2^33 floats (got " + std::to_string(*options.size) + ")");
    }
  };
  m.tour = {{"saxpy_vectorized", std::nullopt}, {"sum_multi_element", std::nullopt}, {"sum_cub", std::nullopt}};
  m.compare = compare;
  return m;
}

}  // namespace gpulab::kernels_module

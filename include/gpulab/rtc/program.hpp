// SPDX-License-Identifier: MIT
// Runtime compilation (module 5), the compiling half: CUDA C++ source text ->
// NVRTC -> a cubin for one GPU architecture. The C++ answer to PyCUDA's
// SourceModule and ElementwiseKernel starts here; loading and launching the
// result is the other half (rtc/module.hpp, rtc/elementwise.hpp).
//
//   const std::string source = rtc::elementwise_source("scale", "const float* x, float* y, float a",
//                                                      "y[i] = a * x[i]");
//   auto program = rtc::compile_cached(source, "scale", {9, 0});
//
// A source that does not compile throws rtc::compile_error: a one-line message
// (exit code 2 on the command line) and the whole NVRTC log.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gpulab/core/error.hpp"

namespace gpulab::rtc {

// One parameter of a kernel signature: "const float* x" -> {"const float*", "x"}.
struct kernel_parameter {
  std::string type;
  std::string name;
  [[nodiscard]] bool is_pointer() const { return type.find('*') != std::string::npos; }
};

// Splits "const float* x, float* y, float a" into parameters. Throws
// usage_error for an empty list, a parameter without a type or a name, a name
// that is not an identifier, or a name used twice.
std::vector<kernel_parameter> parse_parameters(std::string_view list);

// The source of an elementwise kernel: `operation` runs for every i < n in a
// grid-stride loop, as in PyCUDA's ElementwiseKernel. The kernel's parameters
// are `parameters` followed by `long long n`; `i` and `n` are reserved names.
// `preamble` (e.g. __device__ helper functions) goes before the kernel.
std::string elementwise_source(std::string_view kernel_name, std::string_view parameters,
                               std::string_view operation, std::string_view preamble = {});

struct architecture {
  int major = 9, minor = 0;
  [[nodiscard]] std::string option() const {  // "--gpu-architecture=sm_90"
    return "--gpu-architecture=sm_" + std::to_string(major) + std::to_string(minor);
  }
};

// The result of one compilation.
struct compiled_program {
  std::string name;
  architecture arch;
  std::vector<char> cubin;  // machine code for `arch`, ready to load
  std::string log;          // NVRTC's log (warnings), often empty
};

// A source that NVRTC rejected: what() is one line, log() is NVRTC's whole log.
class compile_error : public usage_error {
 public:
  compile_error(const std::string& message, std::string log) : usage_error(message), log_(std::move(log)) {}
  [[nodiscard]] const std::string& log() const noexcept { return log_; }

 private:
  std::string log_;
};

// Compiles `source` (`name` labels it in messages) with C++20 and -default-device.
compiled_program compile(const std::string& source, const std::string& name, architecture arch,
                         const std::vector<std::string>& extra_options = {});

// The same, remembered for the life of the process: the same source, name,
// architecture and options compile once. Safe to call from several threads.
std::shared_ptr<const compiled_program> compile_cached(const std::string& source, const std::string& name,
                                                       architecture arch,
                                                       const std::vector<std::string>& extra_options = {});

struct cache_statistics {
  std::size_t hits = 0, misses = 0;
};
cache_statistics program_cache_statistics();

}  // namespace gpulab::rtc

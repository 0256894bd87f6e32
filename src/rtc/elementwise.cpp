// SPDX-License-Identifier: MIT
#include "gpulab/rtc/elementwise.hpp"

#include <bit>

namespace gpulab::rtc {

namespace {

std::string elementwise_signature(const std::string& parameters) { return parameters + ", long long n"; }

}  // namespace

elementwise_kernel::elementwise_kernel(const std::string& parameters, const std::string& operation,
                                       const std::string& name, const std::string& preamble)
    // elementwise_source writes extern "C" itself.
    : module_(elementwise_source(name, parameters, operation, preamble), name, {}, false),
      kernel_(module_.function(name, elementwise_signature(parameters))),
      grid_(kernel_.resident_blocks(block_size)) {}

std::string reduction_source(std::string_view kernel_name, std::string_view type, std::string_view neutral,
                             std::string_view reduce, std::string_view map, std::string_view parameters,
                             std::string_view preamble) {
  const std::string name(kernel_name), t(type);
  for (const kernel_parameter& p : parse_parameters(parameters)) {
    if (p.name == "i" || p.name == "n" || p.name == "partials" || p.name == "a" || p.name == "b") {
      throw usage_error("'" + p.name + "' is reserved in a reduction kernel (i, n, a, b and partials)");
    }
  }
  for (std::string_view part : {neutral, reduce, map}) {
    if (part.find_first_not_of(" \t\n") == std::string_view::npos) {
      throw usage_error("a reduction kernel needs a neutral value, a reduce and a map expression");
    }
  }
  // Both passes share the block tree: each thread's value, then halves of the block.
  const std::string block_tree =
      "  __shared__ " + t + " shared[" + std::to_string(reduction_program::block_size) + "];\n"
      "  shared[threadIdx.x] = acc;\n"
      "  __syncthreads();\n"
      "  for (int half = blockDim.x / 2; half > 0; half /= 2) {\n"
      "    if (threadIdx.x < half) shared[threadIdx.x] = " + name + "_reduce(shared[threadIdx.x], shared[threadIdx.x + half]);\n"
      "    __syncthreads();\n"
      "  }\n";
  return std::string(preamble) + "\n" +
         "__device__ " + t + " " + name + "_reduce(" + t + " a, " + t + " b) { return (" + std::string(reduce) + "); }\n"
         "extern \"C\" __global__ void " + name + "_blocks(" + std::string(parameters) + ", long long n, " + t +
         "* partials) {\n"
         "  " + t + " acc = (" + std::string(neutral) + ");\n"
         "  const long long stride = (long long)gridDim.x * blockDim.x;\n"
         "  for (long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x; i < n; i += stride) {\n"
         "    acc = " + name + "_reduce(acc, (" + std::string(map) + "));\n"
         "  }\n" + block_tree +
         "  if (threadIdx.x == 0) partials[blockIdx.x] = shared[0];\n"
         "}\n"
         "extern \"C\" __global__ void " + name + "_finish(const " + t + "* partials, int count, " + t + "* result) {\n"
         "  " + t + " acc = (" + std::string(neutral) + ");\n"
         "  for (int k = threadIdx.x; k < count; k += blockDim.x) acc = " + name + "_reduce(acc, partials[k]);\n" +
         block_tree +
         "  if (threadIdx.x == 0) result[0] = shared[0];\n"
         "}\n";
}

reduction_program::reduction_program(const char* type, const std::string& neutral, const std::string& reduce,
                                     const std::string& map, const std::string& parameters, const std::string& name,
                                     const std::string& preamble)
    : module_(reduction_source(name, type, neutral, reduce, map, parameters, preamble), name, {}, false),
      blocks_(module_.function(name + "_blocks", parameters + ", long long n, " + type + "* partials")),
      finish_(module_.function(name + "_finish", std::string("const ") + type + "* partials, int count, " + type +
                                                     "* result")),
      grid_(std::min(blocks_.resident_blocks(block_size), 1024u)) {}

std::int64_t reduction_program::longest_addition_chain(std::int64_t n) const {
  const std::int64_t blocks = pass_one_blocks(n), threads = blocks * block_size;
  const std::int64_t per_thread = (n + threads - 1) / threads, per_finisher = (blocks + block_size - 1) / block_size;
  const std::int64_t tree = std::countr_zero(static_cast<unsigned>(block_size));  // log2(256) = 8 levels
  return per_thread + tree + per_finisher + tree;
}

}  // namespace gpulab::rtc

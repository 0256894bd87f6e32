// SPDX-License-Identifier: MIT
#include "gpulab/rtc/module.hpp"

#include <algorithm>
#include <map>

#include "gpulab/core/device.hpp"

namespace gpulab::rtc {

architecture current_architecture() {
  const compute_capability_number cc = current_compute_capability();
  return {cc.major, cc.minor};
}

// ------------------------------------------------------------------ kernel
namespace {

// Bytes of the scalar types a signature is likely to name; 0 = not known (not checked).
std::size_t bytes_of_type(std::string type) {
  for (const char* qualifier : {"const ", "volatile ", "__restrict__", "*"}) {
    for (std::size_t at = type.find(qualifier); at != std::string::npos; at = type.find(qualifier)) {
      type.erase(at, std::string(qualifier).size());
    }
  }
  while (!type.empty() && type.back() == ' ') type.pop_back();
  static const std::map<std::string, std::size_t> sizes = {
      {"char", 1},      {"unsigned char", 1}, {"signed char", 1},        {"bool", 1},
      {"short", 2},     {"unsigned short", 2}, {"__half", 2},            {"int", 4},
      {"unsigned", 4},  {"unsigned int", 4},  {"float", 4},             {"long long", 8},
      {"unsigned long long", 8}, {"double", 8}, {"size_t", 8},         {"float2", 8},
      {"float4", 16},   {"double2", 16},      {"int64_t", 8},           {"uint64_t", 8},
      {"int32_t", 4},   {"uint32_t", 4},      {"uint8_t", 1},
  };
  const auto it = sizes.find(type);
  return it == sizes.end() ? 0 : it->second;
}

// "const float*": the data pointed to is const.
bool points_to_const(const std::string& type) {
  const std::size_t star = type.rfind('*');
  return type.substr(0, star).find("const") != std::string::npos;
}

}  // namespace

void kernel::check_arguments(const std::vector<detail::argument_shape>& shapes) const {
  if (parameters_.empty()) return;  // signature unknown
  std::string signature;
  for (const kernel_parameter& p : parameters_) signature += (signature.empty() ? "" : ", ") + p.type + " " + p.name;
  if (shapes.size() != parameters_.size()) {
    throw usage_error("kernel '" + name_ + "' takes " + std::to_string(parameters_.size()) + " arguments (" +
                      signature + "), got " + std::to_string(shapes.size()));
  }
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    const kernel_parameter& p = parameters_[k];
    const detail::argument_shape& a = shapes[k];
    const std::string which = "kernel '" + name_ + "', argument " + std::to_string(k + 1) + " (" + p.type + " " +
                              p.name + "): ";
    if (a.is_pointer != p.is_pointer()) {
      throw usage_error(which + (p.is_pointer() ? "needs a device pointer or buffer, got a value"
                                                : "needs a value, got a pointer"));
    }
    const std::size_t expected = bytes_of_type(p.type);
    if (expected != 0 && a.bytes != expected) {
      throw usage_error(which + "needs " + std::to_string(expected) + "-byte " + (a.is_pointer ? "elements" : "values") +
                        ", got " + std::to_string(a.bytes));
    }
    if (a.is_pointer && a.points_to_const && !points_to_const(p.type)) {
      throw usage_error(which + "the kernel may write here, but the data passed is const");
    }
  }
}

void kernel::launch_with_pointers(dim3 grid, dim3 block, cuda::stream_ref s, void** arguments) const {
  // A cudaKernel_t is accepted wherever the runtime takes a kernel's address.
  GPULAB_CUDA_TRY(cudaLaunchKernel(static_cast<const void*>(handle_), grid, block, arguments, 0, s.get()));
}

unsigned kernel::resident_blocks(int block_size) const {
  int per_sm = 0;
  GPULAB_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, static_cast<const void*>(handle_), block_size, 0));
  return static_cast<unsigned>(sm_count() * std::max(per_sm, 1));
}

// ------------------------------------------------------------------ source_module
source_module::source_module(const std::string& source, const std::string& name,
                             const std::vector<std::string>& options, bool wrap_extern_c) {
  const std::string text = wrap_extern_c ? "extern \"C\" {\n" + source + "\n}\n" : source;
  program_ = compile_cached(text, name, current_architecture(), options);
  GPULAB_CUDA_TRY(cudaLibraryLoadData(&library_, program_->cubin.data(), nullptr, nullptr, 0, nullptr, nullptr, 0));
}

source_module::~source_module() {
  if (library_ != nullptr) (void)cudaLibraryUnload(library_);  // never throw from a destructor
}

source_module::source_module(source_module&& other) noexcept
    : program_(std::move(other.program_)), library_(std::exchange(other.library_, nullptr)) {}

source_module& source_module::operator=(source_module&& other) noexcept {
  if (this != &other) {
    if (library_ != nullptr) (void)cudaLibraryUnload(library_);
    program_ = std::move(other.program_);
    library_ = std::exchange(other.library_, nullptr);
  }
  return *this;
}

std::vector<std::string> source_module::kernel_names() const {
  unsigned count = 0;
  GPULAB_CUDA_TRY(cudaLibraryGetKernelCount(&count, library_));
  std::vector<cudaKernel_t> kernels(count);
  if (count > 0) GPULAB_CUDA_TRY(cudaLibraryEnumerateKernels(kernels.data(), count, library_));
  std::vector<std::string> names;
  for (cudaKernel_t k : kernels) {
    const char* name = nullptr;
    GPULAB_CUDA_TRY(cudaFuncGetName(&name, static_cast<const void*>(k)));
    names.emplace_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

kernel source_module::function(const std::string& name, const std::string& signature) const {
  cudaKernel_t handle = nullptr;
  if (cudaLibraryGetKernel(&handle, library_, name.c_str()) != cudaSuccess) {
    (void)cudaGetLastError();  // the failed lookup must not be reported by the next call
    std::string known;
    for (const std::string& k : kernel_names()) known += (known.empty() ? "" : ", ") + k;
    throw usage_error("module '" + program_->name + "' has no kernel '" + name + "' (it has: " +
                      (known.empty() ? "none" : known) + ")");
  }
  return {handle, name, signature.empty() ? std::vector<kernel_parameter>{} : parse_parameters(signature)};
}

global_variable source_module::global(const std::string& name) const {
  global_variable g;
  if (cudaLibraryGetGlobal(&g.address, &g.bytes, library_, name.c_str()) != cudaSuccess) {
    (void)cudaGetLastError();
    throw usage_error("module '" + program_->name + "' has no __device__ or __constant__ variable '" + name + "'");
  }
  return g;
}

void source_module::copy_to_global(const std::string& name, const void* data, std::size_t bytes,
                                   cuda::stream_ref s) const {
  const global_variable g = global(name);
  if (bytes != g.bytes) {
    throw usage_error("'" + name + "' holds " + std::to_string(g.bytes) + " bytes, got " + std::to_string(bytes));
  }
  GPULAB_CUDA_TRY(cudaMemcpyAsync(g.address, data, bytes, cudaMemcpyHostToDevice, s.get()));
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));  // the host data may go away after this call
}

}  // namespace gpulab::rtc

// SPDX-License-Identifier: MIT
#include "gpulab/rtc/program.hpp"

#include <nvrtc.h>

#include <cctype>
#include <map>
#include <mutex>
#include <set>

namespace gpulab::rtc {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

// An nvrtcProgram that is destroyed whatever happens.
class program_handle {
 public:
  program_handle(const std::string& source, const std::string& name) {
    GPULAB_NVRTC_TRY(nvrtcCreateProgram(&handle_, source.c_str(), (name + ".cu").c_str(), 0, nullptr, nullptr));
  }
  ~program_handle() { (void)nvrtcDestroyProgram(&handle_); }
  program_handle(const program_handle&) = delete;
  program_handle& operator=(const program_handle&) = delete;
  [[nodiscard]] nvrtcProgram get() const { return handle_; }

 private:
  nvrtcProgram handle_ = nullptr;
};

std::string log_of(nvrtcProgram program) {
  std::size_t size = 0;
  GPULAB_NVRTC_TRY(nvrtcGetProgramLogSize(program, &size));
  std::string log(size, '\0');
  if (size > 0) GPULAB_NVRTC_TRY(nvrtcGetProgramLog(program, log.data()));
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

// The first line of the log that says "error", for the one-line message.
std::string first_error(const std::string& log) {
  std::size_t start = 0;
  while (start < log.size()) {
    const std::size_t end = log.find('\n', start);
    const std::string line = log.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line.find("error") != std::string::npos) return line;
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return "see the NVRTC log";
}

struct program_cache {
  std::mutex mutex;
  std::map<std::string, std::shared_ptr<const compiled_program>> programs;
  cache_statistics statistics;
};

program_cache& cache() {
  static program_cache instance;
  return instance;
}

}  // namespace

std::vector<kernel_parameter> parse_parameters(std::string_view list) {
  std::vector<kernel_parameter> parameters;
  std::set<std::string> names;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = list.find(',', start);
    const std::size_t length = comma == std::string_view::npos ? list.npos : comma - start;
    const std::string_view piece = trim(list.substr(start, length));
    // The name is the identifier at the end; everything before it is the type.
    std::size_t name_start = piece.size();
    while (name_start > 0 && (std::isalnum(static_cast<unsigned char>(piece[name_start - 1])) ||
                              piece[name_start - 1] == '_')) {
      --name_start;
    }
    const std::string_view name = piece.substr(name_start);
    const std::string_view type = trim(piece.substr(0, name_start));
    if (piece.empty() || type.empty() || !is_identifier(name)) {
      throw usage_error("kernel parameter '" + std::string(piece) + "' is not 'type name' (in \"" + std::string(list) +
                        "\")");
    }
    if (!names.insert(std::string(name)).second) {
      throw usage_error("kernel parameter '" + std::string(name) + "' is named twice");
    }
    parameters.push_back({std::string(type), std::string(name)});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return parameters;
}

// [snippet:elementwise_source]
std::string elementwise_source(std::string_view kernel_name, std::string_view parameters,
                               std::string_view operation, std::string_view preamble) {
  const std::string name(kernel_name);
  if (!is_identifier(name)) throw usage_error("'" + name + "' is not a kernel name");
  for (const kernel_parameter& p : parse_parameters(parameters)) {
    if (p.name == "i" || p.name == "n") {
      throw usage_error("'" + p.name + "' is reserved in an elementwise kernel"
                        " (the index and the element count)");
    }
  }
  if (trim(operation).empty()) throw usage_error("an elementwise kernel needs an operation");
  // The operation inside a grid-stride loop over i < n, with 64-bit indices.
  std::string source(preamble);
  source += "\nextern \"C\" __global__ void " + name + "(" + std::string(parameters) +
            ", long long n) {\n"
            "  const long long stride = (long long)gridDim.x * blockDim.x;\n"
            "  long long i = blockIdx.x * (long long)blockDim.x + threadIdx.x;\n"
            "  for (; i < n; i += stride) {\n"
            "    " + std::string(operation) + ";\n"
            "  }\n"
            "}\n";
  return source;
}
// [/snippet:elementwise_source]

compiled_program compile(const std::string& source, const std::string& name, architecture arch,
                         const std::vector<std::string>& extra_options) {
  program_handle program(source, name);
  std::vector<std::string> options = {arch.option(), "--std=c++20", "-default-device"};
  options.insert(options.end(), extra_options.begin(), extra_options.end());
  std::vector<const char*> pointers;
  for (const std::string& o : options) pointers.push_back(o.c_str());
  const nvrtcResult result = nvrtcCompileProgram(program.get(), static_cast<int>(pointers.size()), pointers.data());
  std::string log = log_of(program.get());
  // (The message is built first: the order in which arguments are evaluated is unspecified.)
  if (result == NVRTC_ERROR_COMPILATION) {
    const std::string message = "kernel '" + name + "' does not compile: " + first_error(log);
    throw compile_error(message, std::move(log));
  }
  if (result == NVRTC_ERROR_INVALID_OPTION) {
    const std::string message = "kernel '" + name + "': NVRTC rejects the options: " + first_error(log);
    throw compile_error(message, std::move(log));
  }
  GPULAB_NVRTC_TRY(result);
  compiled_program out{name, arch, {}, std::move(log)};
  std::size_t size = 0;
  GPULAB_NVRTC_TRY(nvrtcGetCUBINSize(program.get(), &size));
  out.cubin.resize(size);
  GPULAB_NVRTC_TRY(nvrtcGetCUBIN(program.get(), out.cubin.data()));
  return out;
}

std::shared_ptr<const compiled_program> compile_cached(const std::string& source, const std::string& name,
                                                       architecture arch,
                                                       const std::vector<std::string>& extra_options) {
  std::string key = name + '\n' + arch.option() + '\n';
  for (const std::string& o : extra_options) key += o + '\n';
  key += source;
  program_cache& c = cache();
  {
    const std::lock_guard lock(c.mutex);
    if (const auto it = c.programs.find(key); it != c.programs.end()) {
      ++c.statistics.hits;
      return it->second;
    }
  }
  // Compile outside the lock (it takes a while); if two threads race, the first to finish wins.
  auto program = std::make_shared<const compiled_program>(compile(source, name, arch, extra_options));
  const std::lock_guard lock(c.mutex);
  ++c.statistics.misses;
  return c.programs.emplace(key, std::move(program)).first->second;
}

cache_statistics program_cache_statistics() {
  const std::lock_guard lock(cache().mutex);
  return cache().statistics;
}

}  // namespace gpulab::rtc

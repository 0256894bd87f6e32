// SPDX-License-Identifier: MIT
#include "gpulab/core/host_memory.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"

namespace gpulab {

namespace detail {

std::optional<std::size_t> parse_mem_available(const std::string& meminfo) {
  std::istringstream in(meminfo);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MemAvailable:", 0) != 0) continue;
    std::istringstream fields(line.substr(13));
    std::uint64_t kib = 0;
    std::string unit;
    if (fields >> kib >> unit && unit == "kB") return static_cast<std::size_t>(checked_multiply(kib, 1024, "MemAvailable"));
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::size_t> parse_cgroup_value(const std::string& text) {
  std::istringstream in(text);
  std::string word;
  if (!(in >> word) || word == "max") return std::nullopt;
  if (!std::all_of(word.begin(), word.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) return std::nullopt;
  if (word.size() > 19) return std::nullopt;
  const std::uint64_t value = std::stoull(word);
  if (value >= (1ULL << 62)) return std::nullopt;  // cgroup v1 writes 2^63 - 4096 for "no limit"
  return static_cast<std::size_t>(value);
}

std::size_t parse_memory_limit(const std::string& text) {
  const auto bad = [&] {
    return usage_error("GPULAB_HOST_MEMORY_LIMIT='" + text + "' is not a size (bytes, or with K, M, G or T: 512M)");
  };
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])) != 0) ++digits;
  if (digits == 0 || digits > 19) throw bad();
  std::uint64_t value = std::stoull(text.substr(0, digits));
  const std::string suffix = text.substr(digits);
  std::uint64_t scale = 1;
  if (suffix == "K") scale = 1ULL << 10;
  else if (suffix == "M") scale = 1ULL << 20;
  else if (suffix == "G") scale = 1ULL << 30;
  else if (suffix == "T") scale = 1ULL << 40;
  else if (!suffix.empty()) throw bad();
  return static_cast<std::size_t>(checked_multiply(value, scale, "GPULAB_HOST_MEMORY_LIMIT"));
}

}  // namespace detail

namespace {

std::string slurp(const char* path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The cgroup's room: limit minus usage, v2 first, then v1.
std::optional<std::size_t> cgroup_room() {
  for (const auto& [limit_file, usage_file] :
       {std::pair{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
        std::pair{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"}}) {
    const auto limit = detail::parse_cgroup_value(slurp(limit_file));
    if (!limit) continue;
    const std::size_t usage = detail::parse_cgroup_value(slurp(usage_file)).value_or(0);
    return *limit > usage ? *limit - usage : 0;
  }
  return std::nullopt;
}

}  // namespace

std::size_t host_memory_available() {
  std::size_t available = std::numeric_limits<std::size_t>::max();
  if (const auto mem = detail::parse_mem_available(slurp("/proc/meminfo"))) available = std::min(available, *mem);
  if (const auto room = cgroup_room()) available = std::min(available, *room);
  if (const char* cap = std::getenv("GPULAB_HOST_MEMORY_LIMIT"); cap != nullptr && *cap != '\0') {
    available = std::min(available, detail::parse_memory_limit(cap));
  }
  return available;
}

void require_host_memory(std::size_t bytes, const std::string& what_for) {
  const std::size_t available = host_memory_available();
  if (bytes > available) throw out_of_memory_error(bytes, available, what_for, memory_kind::host);
}

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// Host memory: how much this process may still take, checked before a case
// allocates, so that a size too large for the host is a clear error (exit 4,
// both numbers) instead of the operating system killing the process.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace gpulab {

// What the process may allocate, in bytes: the smallest of
//   - MemAvailable from /proc/meminfo (free memory plus what the kernel can reclaim),
//   - the cgroup's limit minus its usage (v2: memory.max / memory.current;
//     v1: memory.limit_in_bytes / memory.usage_in_bytes), where one is set,
//   - GPULAB_HOST_MEMORY_LIMIT, a cap the kit honours (bytes, or with a K/M/G/T
//     suffix in powers of 1024: "512M"); tests use it to make any case too large.
// Unknown parts are left out; when nothing is known, the largest size_t.
std::size_t host_memory_available();

// Throws out_of_memory_error (memory_kind::host, both numbers) when `bytes` is
// more than host_memory_available().
void require_host_memory(std::size_t bytes, const std::string& what_for);

namespace detail {
// The pieces, for tests: parse one /proc/meminfo text, one cgroup value ("max" = no limit),
// one GPULAB_HOST_MEMORY_LIMIT value (throws usage_error when malformed).
std::optional<std::size_t> parse_mem_available(const std::string& meminfo);
std::optional<std::size_t> parse_cgroup_value(const std::string& text);
std::size_t parse_memory_limit(const std::string& text);
}  // namespace detail

}  // namespace gpulab

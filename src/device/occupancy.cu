// SPDX-License-Identifier: MIT
// Occupancy: how many warps an SM keeps resident, what limits it, and why it
// matters for a memory-bound kernel (warps in flight = bytes in flight).
#include <algorithm>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/device/demos.hpp"
#include "gpulab/core/bandwidth_kernels.cuh"
#include "gpulab/core/launch.cuh"

namespace gpulab::device {

namespace {
// The kit's copy kernel (one 16 KiB tile per block for 256 threads).
constexpr int vectors_per_thread = 4;
constexpr auto probe_kernel = copy_tiled_vectorized<vectors_per_thread>;

struct sm_limits {
  int max_threads, max_blocks, registers, max_warps;
  std::size_t shared;
};

sm_limits current_sm_limits() {
  int device = 0;
  GPULAB_CUDA_TRY(cudaGetDevice(&device));
  cudaDeviceProp p{};
  GPULAB_CUDA_TRY(cudaGetDeviceProperties(&p, device));
  return {p.maxThreadsPerMultiProcessor, p.maxBlocksPerMultiProcessor, p.regsPerMultiprocessor,
          p.maxThreadsPerMultiProcessor / p.warpSize, p.sharedMemPerMultiprocessor};
}

// Allows a block to reserve more than the default 48 KiB of shared memory.
void allow_large_shared_memory() {
  const auto optin = static_cast<int>(shared_memory_opt_in_bytes());
  GPULAB_CUDA_TRY(cudaFuncSetAttribute(probe_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, optin));
}
}  // namespace

std::vector<occupancy_row> occupancy_by_block_size(std::size_t shared_bytes) {
  allow_large_shared_memory();
  const sm_limits sm = current_sm_limits();
  cudaFuncAttributes attributes{};
  GPULAB_CUDA_TRY(cudaFuncGetAttributes(&attributes, probe_kernel));
  std::vector<occupancy_row> rows;
  for (int block = 32; block <= 1024; block *= 2) {
    occupancy_row row;
    row.block_size = block;
    row.registers_per_thread = attributes.numRegs;
    row.shared_bytes_per_block = shared_bytes;
    GPULAB_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&row.blocks_per_sm, probe_kernel, block, shared_bytes));
    row.warps_per_sm = row.blocks_per_sm * block / 32;
    row.occupancy = static_cast<double>(row.warps_per_sm) / sm.max_warps;
    // Which resource runs out first (registers ignoring allocation granularity).
    const int by_threads = sm.max_threads / block;
    const int by_blocks = sm.max_blocks;
    const int by_registers = attributes.numRegs > 0 ? sm.registers / (attributes.numRegs * block) : by_blocks;
    const int by_shared = shared_bytes > 0 ? static_cast<int>(sm.shared / (shared_bytes + attributes.sharedSizeBytes + 1024)) : by_blocks;
    const int smallest = std::min({by_threads, by_blocks, by_registers, by_shared});
    // Ties go to the first resource in this order: the thread limit is the one people know.
    row.limited_by = smallest == by_threads     ? "threads per SM"
                     : smallest == by_blocks    ? "blocks per SM"
                     : smallest == by_registers ? "registers"
                                                : "shared memory";
    rows.push_back(row);
  }
  return rows;
}

std::vector<bandwidth_at_occupancy> bandwidth_versus_occupancy(std::size_t bytes, std::uint64_t seed,
                                                               cuda::stream_ref s) {
  allow_large_shared_memory();
  const sm_limits sm = current_sm_limits();
  const std::size_t optin = shared_memory_opt_in_bytes();

  bytes -= bytes % 16;
  std::vector<unsigned char> host(bytes), back(bytes);
  fill_random_bytes(host, seed);
  device_buffer<unsigned char> in(bytes, s), out(bytes, s);
  copy_to_device_async(std::span<const unsigned char>(host), in, s);
  const auto vectors = static_cast<std::int64_t>(bytes / 16);
  constexpr int block = 256;

  std::vector<bandwidth_at_occupancy> results;
  for (int target : {1, 2, 3, 4, 6, 8}) {
    // [snippet:occupancy_limit]
    // Reserve enough shared memory per block that only `target` blocks fit on an SM
    // (the driver also reserves 1 KiB per block).
    const bool full = target >= sm.max_threads / block;
    std::size_t shared = full ? 0 : sm.shared / static_cast<std::size_t>(target) - 1024;
    shared = std::min<std::size_t>(shared, optin);
    int blocks_per_sm = 0;
    GPULAB_CUDA_TRY(
        cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, probe_kernel, block, shared));
    // [/snippet:occupancy_limit]
    const unsigned grid = blocks_for(vectors, block * vectors_per_thread);
    if (blocks_per_sm == 0) continue;
    out.fill_bytes_async(0xFF, s);
    const auto times = time_on_stream(s, 2, 10, [&] {
      probe_kernel<<<grid, block, shared, s.get()>>>(reinterpret_cast<const int4*>(in.data()),
                                                     reinterpret_cast<int4*>(out.data()), vectors);
      GPULAB_CHECK_LAUNCH();
    });
    copy_to_host_async(out, std::span<unsigned char>(back), s);
    synchronize(s);
    bandwidth_at_occupancy row;
    row.blocks_per_sm = blocks_per_sm;
    row.occupancy = static_cast<double>(blocks_per_sm * block / 32) / sm.max_warps;
    row.gigabytes_per_second = 2.0 * static_cast<double>(bytes) / (summarize(times).median_ms * 1e-3) / 1e9;
    row.verified = compare_exact(std::span<const unsigned char>(host), std::span<const unsigned char>(back)).passed;
    results.push_back(row);
  }
  return results;
}

}  // namespace gpulab::device

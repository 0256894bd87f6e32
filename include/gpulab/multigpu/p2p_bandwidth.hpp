// SPDX-License-Identifier: MIT
// `gpulab-multigpu p2p`: what the links between the GPUs of one process carry,
// as CUDA's p2pBandwidthLatencyTest measures it, for every ordered pair:
//   - one way: cudaMemcpyPeerAsync of `bytes` from GPU i to GPU j, bytes / time;
//   - both ways: i -> j and j -> i at the same time, 2 bytes / time (i != j);
//   - latency: one copy of 4 bytes, the mean of `latency_copies` in a row.
// Peer access is enabled for every pair that has it (cudaDeviceEnablePeerAccess),
// so those copies go GPU to GPU; the others go through host memory. The diagonal
// is a device-local copy (read and write the same memory: compare it with the
// kit's copy ceiling, not with a link). Every copy is checked: the destination
// is poisoned first and compared with the source's pattern (copy_pattern.cuh)
// after the first copy and after the timed ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <string>
#include <vector>

namespace gpulab::multigpu {

struct p2p_options {
  std::size_t bytes = std::size_t{256} << 20;  // per copy (a multiple of 4)
  int repeats = 20;
  int latency_copies = 100;
};

struct p2p_pair {
  int from = 0;
  int to = 0;
  bool peer_access = false;  // enabled, so the copy goes GPU to GPU
  double one_way_gbs = 0.0;  // median
  double both_ways_gbs = 0.0;  // i != j only
  double latency_us = 0.0;
  std::size_t differing = 0;  // words that were not the source's, every check of this pair
  [[nodiscard]] bool verified() const { return differing == 0; }
};

struct p2p_report {
  int gpus = 0;
  p2p_options options;
  std::vector<p2p_pair> pairs;  // gpus x gpus, row-major (from, to)
  [[nodiscard]] const p2p_pair& at(int from, int to) const {
    return pairs[static_cast<std::size_t>(from * gpus + to)];
  }
  [[nodiscard]] bool verified() const;
};

// Measures every pair of the visible GPUs (the diagonal too). Throws
// no_device_error without a GPU, usage_error for bytes not a positive multiple
// of 4, out_of_memory_error when a GPU has no room for two buffers of `bytes`.
p2p_report measure_p2p(const p2p_options& options);

// The three matrices; with one GPU, its diagonal and a line saying that the
// pairs need 2 GPUs.
std::string format_p2p_report(const p2p_report& report);
std::string p2p_report_json(const p2p_report& report);

// The launches of copy_pattern.cuh, on the current GPU.
void fill_pattern_async(std::uint32_t* data, std::size_t count, std::uint32_t salt, cuda::stream_ref s);
void count_pattern_mismatches_async(const std::uint32_t* data, std::size_t count, std::uint32_t salt,
                                    unsigned long long* mismatches, cuda::stream_ref s);

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
// `gpulab-multigpu topology`: the GPUs one process sees and how they reach each
// other, as the CUDA runtime tells it:
//   - each GPU: name, SMs, memory, PCI bus id;
//   - each ordered pair i != j: can GPU i access GPU j's memory directly
//     (cudaDeviceCanAccessPeer: peer-to-peer, P2P), the driver's performance
//     rank of that link (cudaDevP2PAttrPerformanceRank: 0 is the best link of
//     the machine; a relative rank, not a speed), and whether atomics work
//     across it (cudaDevP2PAttrNativeAtomicSupported).
// The link itself (NVLink or PCIe, how many lanes) the runtime does not say:
// NVML does, which the kit does not depend on, so a P2P pair's link is
// "P2P (NVLink or PCIe: unknown without NVML)"; without P2P, copies between
// the two GPUs go through host memory. `p2p` measures what the links carry.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gpulab::multigpu {

struct gpu_description {
  int index = 0;
  std::string name;
  int multiprocessors = 0;
  std::size_t memory_bytes = 0;
  std::string pci_bus_id;  // "0000:1B:00.0"
};

struct peer_link {
  bool can_access = false;     // cudaDeviceCanAccessPeer
  int performance_rank = -1;   // cudaDevP2PAttrPerformanceRank, -1 without P2P
  bool native_atomics = false; // cudaDevP2PAttrNativeAtomicSupported
};

struct gpu_topology {
  std::vector<gpu_description> gpus;
  // links[i][j]: GPU i to GPU j (i != j; the diagonal is left default).
  std::vector<std::vector<peer_link>> links;
};

// Every visible GPU and every ordered pair. no_device_error without a GPU.
gpu_topology query_topology();

// In words: "self" on the diagonal, "P2P (NVLink or PCIe: unknown without NVML)"
// or "no P2P (through host memory)".
std::string link_type(const gpu_topology& topology, int from, int to);

// The GPU table and the P2P matrix (access, performance rank, atomics, link);
// with one GPU the matrix is its diagonal and a line saying pairs need 2 GPUs.
std::string format_topology(const gpu_topology& topology);
std::string topology_json(const gpu_topology& topology);

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/topology.hpp"

#include <cuda_runtime.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"

namespace gpulab::multigpu {

namespace {

std::string matrix_cell(const gpu_topology& t, int i, int j) {
  if (i == j) return "self";
  const peer_link& l = t.links[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
  if (!l.can_access) return "no P2P";
  return "P2P r" + std::to_string(l.performance_rank) + (l.native_atomics ? " atom" : "");
}

}  // namespace

gpu_topology query_topology() {
  const int count = device_count();
  if (count == 0) throw no_device_error("topology: no GPU visible (" + no_device_reason() + ")");
  gpu_topology t;
  for (int i = 0; i < count; ++i) {
    const device_info info = query_device(i);
    t.gpus.push_back({i, info.name, info.multiprocessors, info.global_memory_bytes, info.pci_bus_id});
  }
  t.links.assign(static_cast<std::size_t>(count), std::vector<peer_link>(static_cast<std::size_t>(count)));
  for (int i = 0; i < count; ++i) {
    for (int j = 0; j < count; ++j) {
      if (i == j) continue;
      peer_link& l = t.links[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      int access = 0;
      GPULAB_CUDA_TRY(cudaDeviceCanAccessPeer(&access, i, j));
      l.can_access = access != 0;
      if (!l.can_access) continue;
      int rank = 0;
      int atomics = 0;
      GPULAB_CUDA_TRY(cudaDeviceGetP2PAttribute(&rank, cudaDevP2PAttrPerformanceRank, i, j));
      GPULAB_CUDA_TRY(cudaDeviceGetP2PAttribute(&atomics, cudaDevP2PAttrNativeAtomicSupported, i, j));
      l.performance_rank = rank;
      l.native_atomics = atomics != 0;
    }
  }
  return t;
}

std::string link_type(const gpu_topology& t, int from, int to) {
  if (from == to) return "self";
  return t.links[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)].can_access
             ? "P2P (NVLink or PCIe: unknown without NVML)"
             : "no P2P (through host memory)";
}

std::string format_topology(const gpu_topology& t) {
  const int n = static_cast<int>(t.gpus.size());
  std::string text = format_printf("%d GPU%s visible to this process\n", n, n == 1 ? "" : "s");
  text += format_printf("%3s  %-28s  %5s  %10s  %-14s\n", "gpu", "name", "SMs", "memory GiB", "PCI bus id");
  for (const gpu_description& g : t.gpus) {
    text += format_printf("%3d  %-28s  %5d  %10.1f  %-14s\n", g.index, g.name.c_str(), g.multiprocessors,
                          static_cast<double>(g.memory_bytes) / (1024.0 * 1024.0 * 1024.0), g.pci_bus_id.c_str());
  }
  text += "P2P access matrix (row: from, column: to; rN: the driver's performance rank, 0 best; atom: native "
          "atomics)\n";
  text += "     ";
  for (int j = 0; j < n; ++j) text += format_printf("  %12s", ("gpu " + std::to_string(j)).c_str());
  text += "\n";
  for (int i = 0; i < n; ++i) {
    text += format_printf("gpu %d", i);
    for (int j = 0; j < n; ++j) text += format_printf("  %12s", matrix_cell(t, i, j).c_str());
    text += "\n";
  }
  if (n == 1) {
    text += "pairs of GPUs (P2P access, performance rank, link): need 2 GPUs, 1 is visible\n";
    return text;
  }
  text += "links: ";
  bool first = true;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      text += format_printf("%s%d->%d %s", first ? "" : "; ", i, j, link_type(t, i, j).c_str());
      first = false;
    }
  }
  text += "\n";
  return text;
}

std::string topology_json(const gpu_topology& t) {
  nlohmann::ordered_json json = {{"program", "gpulab-multigpu"}, {"command", "topology"}};
  json["gpus"] = nlohmann::ordered_json::array();
  for (const gpu_description& g : t.gpus) {
    json["gpus"].push_back({{"index", g.index},
                            {"name", g.name},
                            {"multiprocessors", g.multiprocessors},
                            {"memory_bytes", g.memory_bytes},
                            {"pci_bus_id", g.pci_bus_id}});
  }
  json["links"] = nlohmann::ordered_json::array();
  const int n = static_cast<int>(t.gpus.size());
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (i == j) continue;
      const peer_link& l = t.links[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      json["links"].push_back({{"from", i},
                               {"to", j},
                               {"p2p", l.can_access},
                               {"performance_rank", l.performance_rank},
                               {"native_atomics", l.native_atomics},
                               {"link", link_type(t, i, j)}});
    }
  }
  return json.dump(2) + "\n";
}

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
// topology and p2p on the GPUs of this node, in one process (world rank 0;
// under 2 ranks the other has nothing to do here): every visible GPU is
// described, every pair measured, every copy verified; and the copy check
// fails for an unwritten, a wrong-source and a one-word-changed buffer.
// SKIPPED without one GPU per rank of the node.
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "gpulab/core/device.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/multigpu/p2p_bandwidth.hpp"
#include "gpulab/multigpu/topology.hpp"
#include "multigpu/multigpu_gpu_fixture.hpp"

namespace {

using namespace gpulab;
using namespace gpulab::multigpu;

class multigpu_topology_gpu : public multigpu_gpu_test {};

TEST_F(multigpu_topology_gpu, DescribesEveryVisibleGpu) {
  if (world_rank() != 0) return;  // one process sees them all
  const gpu_topology t = query_topology();
  const int n = device_count();
  ASSERT_EQ(static_cast<int>(t.gpus.size()), n);
  ASSERT_EQ(static_cast<int>(t.links.size()), n);
  for (const gpu_description& g : t.gpus) {
    EXPECT_FALSE(g.name.empty());
    EXPECT_GT(g.multiprocessors, 0);
    EXPECT_GT(g.memory_bytes, std::size_t{1} << 30);
    EXPECT_GE(g.pci_bus_id.size(), 12u) << g.pci_bus_id;  // "0000:1B:00.0"
    EXPECT_EQ(g.pci_bus_id.find(':'), g.pci_bus_id.size() - 8) << g.pci_bus_id;  // domain:bus:device.function
  }
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const peer_link& l = t.links[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)];
      if (i == j || !l.can_access) {
        EXPECT_EQ(l.performance_rank, -1) << i << " -> " << j;
      }
      if (i != j && l.can_access) {
        EXPECT_GE(l.performance_rank, 0) << i << " -> " << j;
      }
    }
  }
  const std::string text = format_topology(t);
  EXPECT_NE(text.find(t.gpus[0].name), std::string::npos) << text;
  if (n == 1) {
    EXPECT_NE(text.find("need 2 GPUs, 1 is visible"), std::string::npos) << text;
  }
}

TEST_F(multigpu_topology_gpu, EveryPairIsMeasuredAndEveryCopyVerified) {
  if (world_rank() != 0) return;
  const int n = device_count();
  const p2p_options options{.bytes = (std::size_t{1} << 20) + 4, .repeats = 3, .latency_copies = 10};
  const p2p_report r = measure_p2p(options);
  ASSERT_EQ(r.gpus, n);
  ASSERT_EQ(r.pairs.size(), static_cast<std::size_t>(n * n));
  EXPECT_TRUE(r.verified()) << format_p2p_report(r);
  for (const p2p_pair& p : r.pairs) {
    EXPECT_GT(p.one_way_gbs, 0.0) << p.from << " -> " << p.to;
    EXPECT_GT(p.latency_us, 0.0) << p.from << " -> " << p.to;
    if (p.from != p.to) {
      EXPECT_GT(p.both_ways_gbs, 0.0) << p.from << " -> " << p.to;
    }
    if (p.from == p.to) {
      EXPECT_FALSE(p.peer_access);
    }
  }
  EXPECT_THROW(measure_p2p({.bytes = 6}), usage_error);
  EXPECT_THROW(measure_p2p({.bytes = 0}), usage_error);
}

TEST_F(multigpu_topology_gpu, TheCopyCheckCanFail) {
  const std::size_t words = 100003;
  device_buffer<std::uint32_t> data(words, s);
  device_buffer<unsigned long long> mismatches(1, s);
  const auto check = [&](std::uint32_t salt) {
    mismatches.fill_bytes_async(0, s);
    count_pattern_mismatches_async(data.data(), words, salt, mismatches.data(), s);
    return download(mismatches, s)[0];
  };
  fill_pattern_async(data.data(), words, 7, s);
  EXPECT_EQ(check(7), 0u);
  EXPECT_GE(check(8), words - 10) << "another source's pattern";  // a word may agree by chance (2^-32 each)
  const std::uint32_t changed = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(data.data() + words / 2, &changed, sizeof changed, cudaMemcpyHostToDevice, s.get()));
  EXPECT_EQ(check(7), 1u) << "one word changed";
  data.fill_bytes_async(0xFF, s);
  EXPECT_GE(check(7), words - 10) << "unwritten (poisoned)";
}

}  // namespace

// SPDX-License-Identifier: MIT
// What `topology` and `p2p` print, from made-up machines (no GPU needed): one
// GPU shows its diagonal and says that pairs need 2 GPUs; several show every
// pair, P2P or not, and a failed copy check is reported.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "gpulab/multigpu/p2p_bandwidth.hpp"
#include "gpulab/multigpu/topology.hpp"

namespace {

using namespace gpulab::multigpu;

gpu_topology machine(int gpus, bool p2p) {
  gpu_topology t;
  for (int i = 0; i < gpus; ++i) {
    t.gpus.push_back({i, "NVIDIA H200", 132, std::size_t{143771} << 20, "0000:1" + std::to_string(i) + ":00.0"});
  }
  t.links.assign(static_cast<std::size_t>(gpus), std::vector<peer_link>(static_cast<std::size_t>(gpus)));
  for (int i = 0; i < gpus; ++i) {
    for (int j = 0; j < gpus; ++j) {
      if (i != j && p2p) t.links[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = {true, 0, true};
    }
  }
  return t;
}

int count(const std::string& text, const std::string& fragment) {
  int n = 0;
  for (auto at = text.find(fragment); at != std::string::npos; at = text.find(fragment, at + 1)) ++n;
  return n;
}

TEST(multigpu_topology_format, OneGpuShowsItsDiagonalAndWhatPairsNeed) {
  const std::string text = format_topology(machine(1, false));
  EXPECT_EQ(count(text, "NVIDIA H200"), 1) << text;
  EXPECT_EQ(count(text, "0000:10:00.0"), 1) << text;
  EXPECT_EQ(count(text, "self"), 1) << text;
  EXPECT_EQ(count(text, "need 2 GPUs, 1 is visible"), 1) << text;
  const nlohmann::json json = nlohmann::json::parse(topology_json(machine(1, false)));
  EXPECT_EQ(json["gpus"].size(), 1u);
  EXPECT_EQ(json["links"].size(), 0u);
}

TEST(multigpu_topology_format, EveryPairOfSeveralGpusIsShown) {
  const std::string with_p2p = format_topology(machine(3, true));
  EXPECT_EQ(count(with_p2p, "self"), 3) << with_p2p;
  EXPECT_EQ(count(with_p2p, "P2P r0 atom"), 6) << with_p2p;
  EXPECT_EQ(count(with_p2p, "NVLink or PCIe: unknown without NVML"), 6) << with_p2p;
  EXPECT_EQ(count(with_p2p, "need 2 GPUs"), 0) << with_p2p;
  const std::string without = format_topology(machine(2, false));
  EXPECT_EQ(count(without, "no P2P"), 4) << without;  // twice in the matrix, twice in the links line
  const nlohmann::json json = nlohmann::json::parse(topology_json(machine(3, true)));
  EXPECT_EQ(json["links"].size(), 6u);
  EXPECT_EQ(json["links"][0]["p2p"], true);
  EXPECT_EQ(link_type(machine(2, false), 0, 1), "no P2P (through host memory)");
  EXPECT_EQ(link_type(machine(2, true), 1, 1), "self");
}

p2p_report measured(int gpus) {
  p2p_report r;
  r.gpus = gpus;
  for (int i = 0; i < gpus; ++i) {
    for (int j = 0; j < gpus; ++j) {
      r.pairs.push_back({i, j, i != j, i == j ? 2000.0 : 400.0 + i + j, i == j ? 0.0 : 700.0, 2.5, 0});
    }
  }
  return r;
}

TEST(multigpu_p2p_format, OneGpuShowsItsDiagonalAndWhatPairsNeed) {
  const p2p_report r = measured(1);
  ASSERT_TRUE(r.verified());
  const std::string text = format_p2p_report(r);
  EXPECT_EQ(count(text, "2000.0"), 1) << text;
  EXPECT_EQ(count(text, "both ways"), 1) << "only the line saying it needs 2 GPUs:\n" << text;
  EXPECT_EQ(count(text, "needs 2 GPUs, 1 is visible"), 1) << text;
  EXPECT_EQ(count(text, "validation: every copy"), 1) << text;
}

TEST(multigpu_p2p_format, PairsAndAFailedCheckAreShown) {
  p2p_report r = measured(2);
  const std::string text = format_p2p_report(r);
  EXPECT_EQ(count(text, "401.0"), 2) << text;  // 0 -> 1 and 1 -> 0
  EXPECT_EQ(count(text, "700.0"), 2) << text;
  EXPECT_EQ(count(text, "needs 2 GPUs"), 0) << text;
  r.pairs[1].differing = 3;
  EXPECT_FALSE(r.verified());
  EXPECT_EQ(count(format_p2p_report(r), "validation: FAILED: 3 words differ"), 1);
  const nlohmann::json json = nlohmann::json::parse(p2p_report_json(r));
  EXPECT_EQ(json["pairs"].size(), 4u);
  EXPECT_EQ(json["verified"], false);
  EXPECT_FALSE(json["pairs"][0].contains("both_ways_gbs"));
  EXPECT_TRUE(json["pairs"][1].contains("both_ways_gbs"));
}

}  // namespace

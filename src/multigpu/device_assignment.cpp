// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/device_assignment.hpp"

#include "gpulab/core/error.hpp"

namespace gpulab::multigpu {

std::optional<std::string> device_assignment_problem(int ranks_on_node, int visible_gpus) {
  const auto plural = [](int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); };
  if (visible_gpus < 1) {
    return "no GPU visible on this node (" + plural(ranks_on_node, "rank") + (ranks_on_node == 1 ? " needs one)" : " need one each)");
  }
  if (ranks_on_node <= visible_gpus) return std::nullopt;
  return plural(ranks_on_node, "rank") + " on this node but " + plural(visible_gpus, "GPU") +
         " visible: start at most " + plural(visible_gpus, "rank") + " per node (one process per GPU)";
}

int device_for_node_rank(int node_rank, int ranks_on_node, int visible_gpus) {
  const auto problem = device_assignment_problem(ranks_on_node, visible_gpus);
  if (problem && visible_gpus < 1) throw no_device_error(*problem);
  if (problem) throw usage_error(*problem);
  return node_rank;
}

}  // namespace gpulab::multigpu

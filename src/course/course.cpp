// SPDX-License-Identifier: MIT
#include "gpulab/course.hpp"

#include <algorithm>

#include "gpulab/custom/module.hpp"
#include "gpulab/dataframe/module.hpp"
#include "gpulab/device/module.hpp"
#include "gpulab/linalg/module.hpp"
#include "gpulab/ml/module.hpp"
#include "gpulab/multigpu/module.hpp"
#include "gpulab/random/module.hpp"
#include "gpulab/transfer/module.hpp"

namespace gpulab {

std::vector<training_module> all_modules() {
  return {device::make_module(), transfer::make_module(), linalg::make_module(), random::make_module(),
          custom::make_module(), dataframe::make_module(), ml::make_module(), multigpu::make_module()};
}

const training_module* find_module(const std::string& name) {
  static const std::vector<training_module> modules = all_modules();
  for (const training_module& m : modules) {
    if (m.name == name || std::find(m.aliases.begin(), m.aliases.end(), name) != m.aliases.end()) return &m;
  }
  return nullptr;
}

}  // namespace gpulab

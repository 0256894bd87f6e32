// SPDX-License-Identifier: MIT
// The entry point of module `ml`: its cases, demos, options and tour, as the
// runner and the apps see them. Every module has this one header.
#pragma once

#include "gpulab/bench/runner.hpp"

namespace gpulab::ml {

training_module make_module();

}  // namespace gpulab::ml

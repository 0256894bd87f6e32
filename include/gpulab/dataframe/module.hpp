// SPDX-License-Identifier: MIT
// The entry point of module `dataframe`: its cases, demos, options and tour, as the
// runner and the apps see them. Every module has this one header.
#pragma once

#include "gpulab/bench/runner.hpp"

namespace gpulab::dataframe {

training_module make_module();

}  // namespace gpulab::dataframe

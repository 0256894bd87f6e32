// SPDX-License-Identifier: MIT
// The options of module `dataframe`, typed (see module_option in bench/runner.hpp).
#pragma once

#include "gpulab/bench/runner.hpp"

namespace gpulab::dataframe {

// gpu: the cases (each GPU version, its CPU baseline beside it) and the steps demo on
// the GPU; cpu: the steps demo on the CPU backend only; both: the demo runs every step
// on both backends side by side (the cudf.pandas demo), and the cases run as for gpu.
inline const module_option backend_option{.name = "backend",
                                          .description = "pandas_steps: the backend the six steps run on; cpu also "
                                                         "skips the GPU cases",
                                          .kind = option_kind::choice,
                                          .default_value = "gpu",
                                          .choices = {"gpu", "cpu", "both"}};

}  // namespace gpulab::dataframe

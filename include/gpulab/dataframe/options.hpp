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

// Your data instead of the course's: the six steps (the pandas_steps demo) on three numeric
// columns of a CSV file, taken as A, B and C; cut then makes 5 equal-width bins over A's
// range, as pd.cut(df.A, 5) does. The cases (20M generated rows) are left out.
inline const module_option input_option{.name = "input",
                                        .description = "pandas_steps: run the six steps on this CSV file (with "
                                                       "--columns); the cases are left out",
                                        .kind = option_kind::text,
                                        .placeholder = "FILE.csv"};
inline const module_option columns_option{.name = "columns",
                                          .description = "with --input: three numeric columns, taken as A, B and C",
                                          .kind = option_kind::text,
                                          .placeholder = "x,y,z"};

}  // namespace gpulab::dataframe

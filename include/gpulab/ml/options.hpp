// SPDX-License-Identifier: MIT
// The options of module `ml`, typed (see module_option in bench/runner.hpp).
#pragma once

#include "gpulab/bench/runner.hpp"

namespace gpulab::ml {

// 0 in the three numbers means "the preset's": without --size the k-means cases
// run 1M x 16 with k = 8 for 20 iterations and 10M x 32 with k = 64 for 10;
// with --size N (rows), N x 16 with k = 8 for 20 iterations.
inline const module_option features_option{.name = "features",
                                           .description = "k-means cases: features per row of the blobs (0: the preset's)",
                                           .kind = option_kind::integer,
                                           .default_value = "0",
                                           .min = 0,
                                           .max = 4096};
inline const module_option clusters_option{.name = "clusters",
                                           .description = "k-means cases: k, the number of clusters (0: the preset's)",
                                           .kind = option_kind::integer,
                                           .default_value = "0",
                                           .min = 0,
                                           .max = 65536};
inline const module_option iterations_option{.name = "iterations",
                                             .description = "k-means cases: Lloyd iterations, all run (0: the preset's)",
                                             .kind = option_kind::integer,
                                             .default_value = "0",
                                             .min = 0,
                                             .max = 100000};
inline const module_option input_option{.name = "input",
                                        .description = "run the cases on the rows of this CSV file (with --columns; "
                                                       "--target for regression and kNN votes; the demos keep "
                                                       "their own data)",
                                        .kind = option_kind::text,
                                        .placeholder = "FILE.csv"};
inline const module_option columns_option{.name = "columns",
                                          .description = "with --input: the numeric columns that are the features",
                                          .kind = option_kind::text,
                                          .placeholder = "a,b,c"};

inline const module_option target_option{
    .name = "target",
    .description = "with --input: the column to predict (linear: a number; logistic: 0 or 1; kNN: a class 0..1023)",
    .kind = option_kind::text,
    .placeholder = "y"};

}  // namespace gpulab::ml

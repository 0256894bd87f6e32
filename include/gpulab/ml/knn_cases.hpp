// SPDX-License-Identifier: MIT
// Module 7's kNN cases (src/ml/knn_cases.cpp): each version on Gaussian blobs,
// --size counts database rows (default 1M), with min(n, 10,000) queries and 64
// features, k = 10 (and k = 1024 for fused and tf32_rerank), verified against the
// CPU's exact brute force, and the classifier's vote checked too.
//
// With --input FILE.csv --columns a,b,c (csv_features.hpp) the database is every
// row of the file (those columns, any number of features), the queries an evenly
// spaced sample of min(n, 10,000) of its rows, k the case's own (at most n, as for
// blobs). With --target y holding class labels (integers 0..knn_max_classes-1) the
// case votes; without --target, or with a target that is not class labels (a price,
// 2.5), it searches only and its row says why (every case votes, so leaving the
// voting ones out would leave no kNN case at all on such a file).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/ml/csv_features.hpp"
#include "gpulab/ml/knn.hpp"

namespace gpulab::ml {

// One case: `version` on n database rows, k neighbours (at most n: a smaller
// database takes k = n and says so in its size label); `instruction` picks the TF32
// filter's score pass (mma_sync: the case named "..._mma_sync").
std::unique_ptr<bench_case> make_knn_case(knn_version version, std::int64_t database_rows, int k,
                                          tf32_pass_instruction instruction = tf32_pass_instruction::best);

// One case on a CSV file, read now: the file's errors as load_features_host's, and
// numerical_error for a value too large for a float norm.
std::unique_ptr<bench_case> make_knn_case(knn_version version, const csv_input& input, int k,
                                          tf32_pass_instruction instruction = tf32_pass_instruction::best);

// The module's kNN entries, in the order `gpulab list` shows them.
std::vector<case_entry> knn_cases();

// The report's comparison lines for the kNN rows: the versions side by side per
// size, the speed-up of fusing the selection, tf32_rerank's recall, the targets.
std::vector<std::string> knn_compare(const std::vector<case_result>& results);

}  // namespace gpulab::ml

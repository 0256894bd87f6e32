// SPDX-License-Identifier: MIT
// Module 7's cases: what `gpulab ml` runs and the tests drive through the runner.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gpulab/bench/case.hpp"
#include "gpulab/bench/runner.hpp"
#include "gpulab/ml/kmeans.hpp"

namespace gpulab::ml {

// One k-means problem: seeded blobs of rows x features around `clusters` centres,
// or the chosen columns of a CSV file (input non-empty), clustered into `clusters`
// by `iterations` Lloyd iterations from k-means++ centres (the same for GPU and CPU).
struct kmeans_problem {
  std::int64_t rows = 0;
  int features = 0;
  int clusters = 0;
  int iterations = 0;
  std::string input = {};               // a CSV file, or "" for blobs
  std::vector<std::string> columns = {};  // its feature columns
};

// The problems the options ask for: the two presets (no --size), --size N rows,
// or --input with --columns. Throws usage_error for a bad combination.
std::vector<kmeans_problem> kmeans_problems(const run_options& options);

// Throws usage_error for sizes k-means cannot take (k > rows, ...) or past 2^62 bytes.
std::unique_ptr<bench_case> make_kmeans_case(kmeans_version version, const kmeans_problem& problem);

// The factory of an entry: one case per problem.
std::vector<std::unique_ptr<bench_case>> kmeans_cases(kmeans_version version, const run_options& options);

// The module's k-means entries: kmeans_naive, kmeans_gemm, kmeans_fused, kmeans_tf32,
// kmeans_split_tf32 (as knn_cases() and regression_cases() give theirs).
std::vector<case_entry> kmeans_case_entries();

// How a kmeans_tf32 or kmeans_split_tf32 row's check ends, so that the line under the results
// (module.cpp) can quote it: the labels tf32's scores could not prove, that split_tf32's
// products ran on wgmma, or (either version) that the fused version's kernels ran instead.
inline constexpr std::string_view kmeans_tf32_rescored_words = "TF32 labels scored again in float";
inline constexpr std::string_view kmeans_split_tf32_wgmma_words = "products in split TF32 on wgmma";
inline constexpr std::string_view kmeans_tf32_fallback_words = "the fused version's kernels ran";
// Any one-pass row whose plain fused kernel kept each warp's own sums (kernels/ml/kmeans_warp_sums.cuh).
inline constexpr std::string_view kmeans_warp_sums_words = "sums per warp";

}  // namespace gpulab::ml

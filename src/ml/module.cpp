// SPDX-License-Identifier: MIT
// Module 7 `ml` as the apps see it: its cases, options, tour item and the check
// of its options. The cases are in src/ml/<topic>_cases.cpp.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/ml/cases.hpp"
#include "gpulab/ml/csv_features.hpp"
#include "gpulab/ml/knn_cases.hpp"
#include "gpulab/ml/module.hpp"
#include "gpulab/ml/options.hpp"
#include "gpulab/ml/regression_cases.hpp"

namespace gpulab::ml {

namespace {

// Under the results: for each problem, the fused version against the naive and gemm ones
// (the lesson: the same algorithm, a third of the memory traffic), then the tf32 and
// split_tf32 versions against the fused one (the same pass, the products on the tensor cores).
// The end of a tf32 or split_tf32 row's check (cases.hpp): how many labels the TF32 scores
// could not prove, that the products ran on wgmma, or that the fused kernels ran; empty
// when it is not there.
std::string tensor_core_part(const std::string& detail) {
  for (const std::string_view words :
       {kmeans_tf32_rescored_words, kmeans_split_tf32_wgmma_words, kmeans_tf32_fallback_words}) {
    if (const auto at = detail.find(words); at != std::string::npos) return "; " + detail.substr(at);
  }
  return "";
}

std::vector<std::string> kmeans_compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  std::set<double> sizes;
  for (const case_result& r : results) {
    if (r.parameters.operation == "kmeans") sizes.insert(r.size_value);
  }
  for (const double size : sizes) {
    const case_result* fused = find_verified(results, {.operation = "kmeans", .version = "fused", .size_value = size});
    if (fused == nullptr) continue;
    std::string line = "kmeans_fused, " + fused->size_label + ": " + format_fixed(fused->gpu.median_ms, 3) + " ms";
    for (const char* other : {"naive", "gemm"}) {
      if (const case_result* r = find_verified(results, {.operation = "kmeans", .version = other, .size_value = size})) {
        line += ", " + format_fixed(r->gpu.median_ms / fused->gpu.median_ms, 1) + "x faster than kmeans_" + other;
      }
    }
    lines.push_back(line);
    for (const char* tensor : {"tf32", "split_tf32"}) {
      const case_result* r = find_verified(results, {.operation = "kmeans", .version = tensor, .size_value = size});
      if (r == nullptr) continue;
      const double speedup = fused->gpu.median_ms / r->gpu.median_ms;
      lines.push_back(std::string("kmeans_") + tensor + ", " + r->size_label + ": " + format_fixed(r->gpu.median_ms, 3) +
                      " ms, " +
                      (speedup >= 1 ? format_significant(speedup) + "x faster" : format_significant(1 / speedup) + "x slower") +
                      " than kmeans_fused" + tensor_core_part(r->verify_detail));
    }
  }
  return lines;
}

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines = kmeans_compare(results);
  for (std::string& line : knn_compare(results)) lines.push_back(std::move(line));
  return lines;
}

// Everything the user typed, checked before any GPU work (the files are read when the cases are made).
void validate(const run_options& options) {
  (void)kmeans_problems(options);  // the combinations of --size, --input, --columns, --features
  if (options.size && (*options.size < 1 || *options.size > (std::uint64_t{1} << 30))) {
    throw usage_error("--size: 1..2^30 rows (got " + std::to_string(*options.size) + ")");
  }
  // An unreadable file and a column it lacks are said before a missing GPU (the header alone is
  // read here; the rows, when the cases are made).
  if (const std::optional<csv_input> input = csv_input_of(options)) {
    const std::vector<std::string> header = dataframe::check_input_header(input->path, input->columns);
    if (!input->target.empty() && std::find(header.begin(), header.end(), input->target) == header.end()) {
      throw usage_error("--target: " + input->path + " has no column '" + input->target + "'");
    }
    // Regression learns the target: without one its cases are left out of a run of all cases,
    // and refused when named.
    for (const std::string& name : options.selected) {
      if (input->target.empty() && learns_a_target(name)) {
        throw usage_error(name + " on --input needs --target COLUMN (the column it learns to predict)");
      }
      // A logistic case named on a target that is not labels 0/1 (a price) is refused here, not
      // after the cases named before it have run: making it reads the rows and names the line.
      if (!input->target.empty() && name.starts_with("logistic_")) {
        for (const case_entry& e : regression_cases()) {
          if (e.name == name) (void)e.make(options);
        }
      }
    }
  }
}

}  // namespace

training_module make_module() {
  std::vector<case_entry> cases = kmeans_case_entries();                  // kmeans_cases.cpp
  for (case_entry& e : knn_cases()) cases.push_back(std::move(e));        // knn_cases.cpp
  for (case_entry& e : regression_cases()) cases.push_back(std::move(e));  // regression and PCA: regression_cases.cpp
  // The module names only what it has; every other field keeps its default (runner.hpp).
  return {
      .name = "ml",
      .title = "gpulab module 7: machine learning (k-means, kNN, linear and logistic regression, PCA)",
      .demos = regression_demos(),
      .cases = std::move(cases),
      // One headline row per algorithm, each the course's size and the fastest version.
      .tour = {{"kmeans_fused", 1'000'000},
               {"knn_tf32_rerank", std::nullopt},
               {"linear_normal_equations_one_pass", std::nullopt},
               {"logistic_gradient_descent", std::nullopt},
               {"pca_covariance_one_pass", std::nullopt}},
      .compare = compare,
      .options = {features_option, clusters_option, iterations_option, input_option, columns_option, target_option},
      .validate = validate,
  };
}

}  // namespace gpulab::ml

// SPDX-License-Identifier: MIT
// kNN with a params struct and fit/predict, the counterpart of scikit-learn's
// KNeighborsClassifier (and, without labels, NearestNeighbors) and of cuML's:
//
//   knn_classifier model(res, {.k = 5, .classes = 3});
//   model.fit(database, labels);             // keeps a view: nothing is copied
//   model.kneighbors_async(queries, ids, distances);
//   model.predict_async(queries, predictions);
//
// A thin layer on the free functions of knn.hpp (make_knn_plan, knn_workspace,
// knn_search_async, knn_vote_async, check_in_range), which the cases and tests
// use directly: it remembers the data between calls and keeps one workspace,
// made again at each fit and when the number of queries changes.
//
// "fit" stores the database, as scikit-learn's does: a brute-force search has
// nothing to learn. The model keeps a VIEW of the database and of the labels,
// so the caller keeps both alive (and unchanged) until the last search.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <optional>

#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/linalg/layout.hpp"
#include "gpulab/ml/knn.hpp"

namespace gpulab::ml {

struct knn_params {
  int k = 10;                                 // neighbours per query, 1..knn_max_k (and at most the database rows)
  knn_version version = knn_version::fused;   // knn.hpp: naive, fused, tf32_rerank
  int classes = 0;                            // 0: a search only, no labels; else labels are 0..classes-1
  bool check_input = true;  // scan database and queries for NaN, Inf and values past knn_largest_value,
                            // and the labels for values outside 0..classes-1 (each scan waits for the stream)
};

// Throws usage_error for k outside 1..knn_max_k or classes outside 0..knn_max_classes;
// with a database shape, also what make_knn_plan refuses (k > rows, an empty matrix,
// too many rows, too many features for naive), with its messages. Needs no GPU.
void validate_knn(const knn_params& p);
void validate_knn(const knn_params& p, std::int64_t database_rows, std::int64_t features);

class knn_classifier {
 public:
  // Checks the params (validate_knn). Every call below runs on res's stream;
  // res outlives the model.
  knn_classifier(resources& res, knn_params params);

  // The database (rows x features, row-major and packed, device memory) and, when
  // params.classes > 0, its labels (device memory, one per row; empty: a search only,
  // predict is refused). Throws usage_error for a bad shape, k > rows, labels of
  // another length, or labels without classes; with check_input, numerical_error
  // for a value out of range and usage_error for a label outside 0..classes-1.
  // With check_input it waits for the stream (the checks); it keeps views and copies nothing.
  void fit(linalg::matrix_view<const float> database, cuda::std::span<const std::int32_t> labels = {});

  // The k nearest database rows of each query, ordered by (distance, id):
  // ids and distances hold queries x k elements (device). Throws usage_error
  // before fit, for queries with another number of features than the database
  // (naming both) and for outputs too short; with check_input it first scans the
  // queries (and waits); then it only enqueues.
  void kneighbors_async(linalg::matrix_view<const float> queries, cuda::std::span<std::int32_t> ids,
                        cuda::std::span<float> distances);

  // predictions[q] = the most frequent label among the k neighbours of query q,
  // ties to the smallest label (knn_vote_async). Throws usage_error without
  // labels, and as kneighbors_async. The neighbours go to buffers of the model.
  void predict_async(linalg::matrix_view<const float> queries, cuda::std::span<std::int32_t> predictions);

  [[nodiscard]] const knn_params& params() const noexcept { return params_; }
  [[nodiscard]] bool fitted() const noexcept { return database_.has_value(); }
  [[nodiscard]] bool has_labels() const noexcept { return !labels_.empty(); }

 private:
  // The workspace for this many queries: the one kept, or a new one (the plan checks the shapes).
  knn_workspace& workspace_for(linalg::matrix_view<const float> queries);

  cuda::stream_ref stream_;
  knn_params params_;
  std::optional<linalg::matrix_view<const float>> database_;  // a view: the caller's memory
  cuda::std::span<const std::int32_t> labels_;                // likewise
  std::optional<knn_workspace> work_;
  device_buffer<std::int32_t> ids_;  // predict's neighbours, kept with the workspace
  device_buffer<float> distances_;
};

}  // namespace gpulab::ml

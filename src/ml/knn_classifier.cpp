// SPDX-License-Identifier: MIT
// The kNN model object (include/gpulab/ml/knn_classifier.hpp): checks, then the
// free functions of knn.hpp. Plain C++: every launch is behind those functions.
#include "gpulab/ml/knn_classifier.hpp"

#include <cuda_runtime_api.h>

#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab::ml {

namespace {

// The outputs' length is checked here, as kmeans_predict_async checks its labels':
// a short span would be written past its end.
void require_length(std::size_t have, std::int64_t need, const char* what, const std::string& why) {
  if (have < static_cast<std::size_t>(need)) {
    throw usage_error("knn_classifier: " + std::string(what) + " holds " + std::to_string(have) + " elements, " + why +
                      " needs " + std::to_string(need));
  }
}

// Every label in 0..classes-1 (downloads them: fit is not timed, and a wrong label would
// silently turn predictions into -1).
void check_labels(cuda::std::span<const std::int32_t> labels, int classes, cuda::stream_ref s) {
  std::vector<std::int32_t> host(labels.size());
  GPULAB_CUDA_TRY(
      cudaMemcpyAsync(host.data(), labels.data(), labels.size_bytes(), cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  std::int64_t bad = 0, first = -1;
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (host[i] >= 0 && host[i] < classes) continue;
    if (bad++ == 0) first = static_cast<std::int64_t>(i);
  }
  if (bad > 0) {
    throw usage_error("knn_classifier: " + std::to_string(bad) + " labels outside 0.." + std::to_string(classes - 1) +
                      " (params.classes = " + std::to_string(classes) + "), the first " +
                      std::to_string(host[static_cast<std::size_t>(first)]) + " at row " + std::to_string(first));
  }
}

}  // namespace

void validate_knn(const knn_params& p) {
  if (p.k < 1 || p.k > knn_max_k) {
    throw usage_error("knn: k must be 1.." + std::to_string(knn_max_k) + ", got " + std::to_string(p.k));
  }
  if (p.classes < 0 || p.classes > knn_max_classes) {
    throw usage_error("knn: classes must be 0 (a search only) or 1.." + std::to_string(knn_max_classes) + ", got " +
                      std::to_string(p.classes));
  }
}

void validate_knn(const knn_params& p, std::int64_t database_rows, std::int64_t features) {
  validate_knn(p);
  // The search's own checks and messages (k > rows, empty, too many rows or features): one query stands in.
  (void)make_knn_plan(p.version, database_rows, 1, features, features, p.k);
}

knn_classifier::knn_classifier(resources& res, knn_params params) : stream_(res.stream()), params_(params) {
  validate_knn(params_);
}

void knn_classifier::fit(linalg::matrix_view<const float> database, cuda::std::span<const std::int32_t> labels) {
  // A failed fit leaves the model unfitted, not half of the old data and half of the new.
  database_.reset();
  labels_ = {};
  work_.reset();
  validate_knn(params_, database.extent(0), database.extent(1));
  check_packed(database, "database");  // with check_input off too: the layout is the shape's
  if (!labels.empty() && params_.classes == 0) {
    throw usage_error("knn_classifier: labels given, but params.classes is 0 (a search only); set it to the number of classes");
  }
  if (!labels.empty() && static_cast<std::int64_t>(labels.size()) != database.extent(0)) {
    throw usage_error("knn_classifier: " + std::to_string(labels.size()) + " labels for " +
                      std::to_string(database.extent(0)) + " database rows (one a row)");
  }
  if (params_.check_input) {
    check_in_range(database, "database", stream_);
    if (!labels.empty()) check_labels(labels, params_.classes, stream_);
  }
  database_ = database;
  labels_ = labels;
}

knn_workspace& knn_classifier::workspace_for(linalg::matrix_view<const float> queries) {
  if (!database_) throw usage_error("knn_classifier: fit(database) first");
  // make_knn_plan refuses other feature counts, naming both ("knn: the database has 5 features, the queries 3").
  const knn_plan plan = make_knn_plan(params_.version, database_->extent(0), queries.extent(0),
                                      database_->extent(1), queries.extent(1), params_.k);
  if (!work_ || work_->plan().query_rows != plan.query_rows) work_.emplace(plan, stream_);
  return *work_;
}

void knn_classifier::kneighbors_async(linalg::matrix_view<const float> queries, cuda::std::span<std::int32_t> ids,
                                      cuda::std::span<float> distances) {
  knn_workspace& work = workspace_for(queries);
  const std::int64_t answer = queries.extent(0) * params_.k;
  require_length(ids.size(), answer, "ids", "queries x k");
  require_length(distances.size(), answer, "distances", "queries x k");
  if (params_.check_input) check_in_range(queries, "queries", stream_);
  knn_search_async(*database_, queries, ids.data(), distances.data(), work, stream_);
}

void knn_classifier::predict_async(linalg::matrix_view<const float> queries, cuda::std::span<std::int32_t> predictions) {
  if (database_ && labels_.empty()) {
    throw usage_error("knn_classifier: predict needs labels: fit(database, labels) with params.classes > 0 "
                      "(kneighbors_async searches without them)");
  }
  knn_workspace& work = workspace_for(queries);
  const std::int64_t m = queries.extent(0), answer = m * params_.k;
  require_length(predictions.size(), m, "predictions", "one a query");
  if (params_.check_input) check_in_range(queries, "queries", stream_);
  if (ids_.size() < static_cast<std::size_t>(answer)) {  // grown, never shrunk: a smaller batch reuses them
    ids_ = device_buffer<std::int32_t>(static_cast<std::size_t>(answer), stream_);
    distances_ = device_buffer<float>(static_cast<std::size_t>(answer), stream_);
  }
  knn_search_async(*database_, queries, ids_.data(), distances_.data(), work, stream_);
  knn_vote_async(ids_.data(), m, params_.k, labels_.data(), static_cast<std::int64_t>(labels_.size()), params_.classes,
                 predictions.data(), stream_);
}

}  // namespace gpulab::ml

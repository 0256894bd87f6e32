// SPDX-License-Identifier: MIT
// kNN on the CPU: the exact brute-force reference (every distance summed in
// double, OpenMP over the queries), the vote, and the comparison of a GPU answer
// with the reference under the rule stated below.
//
// Why a bound: the GPU sums float products in its own order (and the fused
// versions use |q|^2 + |x|^2 - 2 q.x), the CPU sums in double, so two database
// rows whose distances differ by less than the rounding error may come out in
// either order. Each float distance of a row x to a query q is within
//     bound(q, x) = gamma_{d+3} (|q|^2 + |x|^2 + 2 sum_j |q_j x_j|),
//     gamma_n = n u / (1 - n u), u = 2^-24,
// of the exact one, for either formula and any summation order (Higham's bound
// on a sum of d terms, plus the rounding of the differences or of the three
// terms). So the comparison allows, at one rank, the GPU's id to differ from the
// CPU's only when their exact distances differ by less than the sum of their
// two bounds (a "near tie", counted and reported); rows at exactly the same
// distance must follow the tie rule (smaller id first), exactly. The tie rule
// is checked within the GPU's row (two of its rows at the same exact distance:
// the smaller id first; a larger id never kept over a smaller one at the same
// distance that the CPU keeps), not rank by rank: a near tie of a third row may
// shift a tied pair by one rank (CPU x, a, b; GPU a, b, x), so that rank by
// rank the GPU's b faces the CPU's a at the same distance with nothing wrong.
// Identical rows get bitwise equal float distances (gpulab/ml/knn_distance.hpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace gpulab::ml {

// A row-major float matrix on the host (no ownership).
struct host_matrix {
  const float* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
  [[nodiscard]] const float* row(std::int64_t i) const { return data + i * cols; }
};

// Squared L2 distance summed in double: exact to about 1e-16 relative.
double knn_distance_exact(const float* q, const float* x, std::int64_t d);
// The bound above on the error of any float evaluation of the same distance.
double knn_distance_bound(const float* q, const float* x, std::int64_t d);

// The largest magnitude a value may have in a search over `features` columns: every squared
// distance then stays finite in float, in the difference form and in the expanded one
// |q|^2 + |x|^2 - 2 q.x, on centred rows too (a centred value is at most 2M, so each of the
// three terms is at most 8 d M^2 and their sum 16 d M^2; M = sqrt(FLT_MAX / (32 d)) leaves a
// factor of two for rounding). A finite value past it would make an infinite norm, and the
// versions would then disagree on its distance; knn_search and knn_cpu refuse it instead.
double knn_largest_value(std::int64_t features);
// How many elements are NaN, Inf or larger in magnitude than `limit`.
std::int64_t count_out_of_range(std::span<const float> values, double limit);
// The one-line error for `bad` such values in `which` ("database" or "queries"):
// "knn: the database holds 3 values that are NaN, Inf or beyond +-4.07e+17 (the largest with 64 features, ...)".
std::string knn_out_of_range_message(const std::string& which, std::int64_t bad, std::int64_t features);

// The k nearest database rows of each query listed in `which` (row indices of
// `queries`), ordered by (distance, id). Row r of the result belongs to query which[r].
struct knn_cpu_result {
  int k = 0;
  std::vector<std::int32_t> ids;     // which.size() x k
  std::vector<double> distances;     // exact, same layout
};
// Throws usage_error for k outside 1..n or mismatched feature counts, numerical_error for NaN/Inf.
knn_cpu_result knn_cpu(host_matrix database, host_matrix queries, int k, std::span<const std::int64_t> which);
// Every query.
knn_cpu_result knn_cpu(host_matrix database, host_matrix queries, int k);

// The majority label of each row of k ids, ties to the smallest label.
std::vector<std::int32_t> knn_vote_cpu(std::span<const std::int32_t> ids, int k, std::span<const std::int32_t> labels,
                                       int classes);

// A GPU answer (every query: ids and float distances, queries x k) against the
// CPU's for the queries in `which`.
struct knn_comparison {
  std::int64_t queries_checked = 0;
  std::int64_t neighbours_checked = 0;  // queries_checked x k
  std::int64_t wrong = 0;       // ranks that break the rule (invalid, repeated, out of order, too far, wrong tie)
  std::int64_t near_ties = 0;   // ranks where the ids differ within the bound
  std::int64_t found = 0;       // CPU neighbours that appear in the GPU's row (recall = found / neighbours_checked)
  std::string first_problem;    // "query 5 rank 3: ..." for the first wrong rank
  [[nodiscard]] bool passed() const { return wrong == 0; }
  [[nodiscard]] double recall() const;
  [[nodiscard]] std::string summary() const;
};
knn_comparison compare_knn(host_matrix database, host_matrix queries, std::span<const std::int64_t> which,
                           const knn_cpu_result& expected, std::span<const std::int32_t> gpu_ids,
                           std::span<const float> gpu_distances);

// Every row of a GPU answer (queries x k) on its own, no reference needed: ids
// valid and distinct, each distance within the bound of its id's exact distance,
// rows in (distance, id) order. O(queries k d): the check of every row at any size.
knn_comparison check_knn_rows(host_matrix database, host_matrix queries, int k, std::span<const std::int32_t> gpu_ids,
                              std::span<const float> gpu_distances);

}  // namespace gpulab::ml

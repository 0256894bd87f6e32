// SPDX-License-Identifier: MIT
// The CPU side of kNN (include/gpulab/ml/knn_cpu.hpp): exact brute force in
// double, the vote, and the comparison rule with its float bound.
#include "gpulab/ml/knn_cpu.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"

namespace gpulab::ml {

double knn_distance_exact(const float* q, const float* x, std::int64_t d) {
  // Eight independent sums: the compiler keeps them in SIMD registers (one
  // running sum would chain every addition to the one before; without
  // -ffast-math it may not reorder them itself). Double makes the order harmless.
  constexpr int lanes = 8;
  double partial[lanes] = {};
  std::int64_t j = 0;
  for (; j + lanes <= d; j += lanes) {
    for (int l = 0; l < lanes; ++l) {
      const double diff = static_cast<double>(q[j + l]) - static_cast<double>(x[j + l]);
      partial[l] += diff * diff;
    }
  }
  double sum = 0;
  for (; j < d; ++j) {
    const double diff = static_cast<double>(q[j]) - static_cast<double>(x[j]);
    sum += diff * diff;
  }
  for (int l = 0; l < lanes; ++l) sum += partial[l];
  return sum;
}

double knn_distance_bound(const float* q, const float* x, std::int64_t d) {
  double scale = 0;  // |q|^2 + |x|^2 + 2 sum |q_j x_j|: every term any float formula adds, in magnitude
  for (std::int64_t j = 0; j < d; ++j) {
    const double a = q[j], b = x[j];
    scale += a * a + b * b + 2 * std::abs(a * b);
  }
  const double nu = static_cast<double>(d + 3) * 0x1p-24;
  return nu / (1 - nu) * scale;
}

std::int64_t count_out_of_range(std::span<const float> values, double limit) {
  std::int64_t bad = 0;
#pragma omp parallel for reduction(+ : bad) schedule(static)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(values.size()); ++i) {
    // Written so that NaN, which fails every comparison, counts as out of range.
    if (!(std::abs(values[static_cast<std::size_t>(i)]) <= limit)) ++bad;
  }
  return bad;
}

double knn_largest_value(std::int64_t features) {
  return std::sqrt(static_cast<double>(std::numeric_limits<float>::max()) / (32.0 * static_cast<double>(features)));
}

std::string knn_out_of_range_message(const std::string& which, std::int64_t bad, std::int64_t features) {
  char limit[40];
  std::snprintf(limit, sizeof limit, "%.3g", knn_largest_value(features));
  return "knn: the " + which + (which == "queries" ? " hold " : " holds ") + std::to_string(bad) +
         (bad == 1 ? " value that is" : " values that are") + " NaN, Inf or beyond +-" + limit +
         " (the largest with " + std::to_string(features) + " features, where squared distances stay finite in float)";
}

namespace {

std::string sci(double x, int digits) {
  char text[40];
  std::snprintf(text, sizeof text, "%.*g", digits, x);
  return text;
}

void check_arguments(host_matrix database, host_matrix queries, int k) {
  if (database.cols != queries.cols) {
    throw usage_error("knn: the database has " + std::to_string(database.cols) + " features, the queries " +
                      std::to_string(queries.cols));
  }
  if (k < 1 || k > database.rows) {
    throw usage_error("knn: k must be 1.." + std::to_string(database.rows) + " (the database rows), got " +
                      std::to_string(k));
  }
  const auto size = [](host_matrix m) { return static_cast<std::size_t>(m.rows * m.cols); };
  const double limit = knn_largest_value(database.cols);
  if (const std::int64_t bad = count_out_of_range({database.data, size(database)}, limit); bad > 0) {
    throw numerical_error(knn_out_of_range_message("database", bad, database.cols));
  }
  if (const std::int64_t bad = count_out_of_range({queries.data, size(queries)}, limit); bad > 0) {
    throw numerical_error(knn_out_of_range_message("queries", bad, queries.cols));
  }
}

}  // namespace

knn_cpu_result knn_cpu(host_matrix database, host_matrix queries, int k, std::span<const std::int64_t> which) {
  check_arguments(database, queries, k);
  const auto checked = static_cast<std::int64_t>(which.size());
  knn_cpu_result result;
  result.k = k;
  result.ids.resize(which.size() * static_cast<std::size_t>(k));
  result.distances.resize(result.ids.size());
  const std::int64_t n = database.rows, d = database.cols;
#pragma omp parallel
  {
    std::vector<std::pair<double, std::int32_t>> all(static_cast<std::size_t>(n));  // one per thread
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t r = 0; r < checked; ++r) {
      const float* q = queries.row(which[static_cast<std::size_t>(r)]);
      for (std::int64_t i = 0; i < n; ++i) {
        all[static_cast<std::size_t>(i)] = {knn_distance_exact(q, database.row(i), d), static_cast<std::int32_t>(i)};
      }
      // The tie rule: pairs compare by distance, then by id.
      std::partial_sort(all.begin(), all.begin() + k, all.end());
      for (int j = 0; j < k; ++j) {
        const auto at = static_cast<std::size_t>(r * k + j);
        result.distances[at] = all[static_cast<std::size_t>(j)].first;
        result.ids[at] = all[static_cast<std::size_t>(j)].second;
      }
    }
  }
  return result;
}

knn_cpu_result knn_cpu(host_matrix database, host_matrix queries, int k) {
  std::vector<std::int64_t> every(static_cast<std::size_t>(queries.rows));
  std::iota(every.begin(), every.end(), std::int64_t{0});
  return knn_cpu(database, queries, k, every);
}

std::vector<std::int32_t> knn_vote_cpu(std::span<const std::int32_t> ids, int k, std::span<const std::int32_t> labels,
                                       int classes) {
  if (k < 1 || ids.size() % static_cast<std::size_t>(k) != 0) throw usage_error("knn_vote: k must divide the ids");
  if (classes < 1) throw usage_error("knn_vote: at least one class");
  const std::size_t rows = ids.size() / static_cast<std::size_t>(k);
  std::vector<std::int32_t> predictions(rows);
  std::vector<int> votes(static_cast<std::size_t>(classes));
  for (std::size_t q = 0; q < rows; ++q) {
    std::fill(votes.begin(), votes.end(), 0);
    for (int j = 0; j < k; ++j) {
      const std::int32_t label = labels[static_cast<std::size_t>(ids[q * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)])];
      if (label < 0 || label >= classes) {
        throw usage_error("knn_vote: label " + std::to_string(label) + " is not in 0.." + std::to_string(classes - 1));
      }
      ++votes[static_cast<std::size_t>(label)];
    }
    // max_element returns the first largest: the smallest label among the tied.
    predictions[q] = static_cast<std::int32_t>(std::max_element(votes.begin(), votes.end()) - votes.begin());
  }
  return predictions;
}

double knn_comparison::recall() const {
  return neighbours_checked == 0 ? 0.0 : static_cast<double>(found) / static_cast<double>(neighbours_checked);
}

std::string knn_comparison::summary() const {
  std::string s = std::to_string(queries_checked) + " queries: recall " + format_fixed(recall(), 6) + ", " +
                  std::to_string(near_ties) + " near ties";
  if (wrong > 0) s += "; " + std::to_string(wrong) + " wrong ranks, first " + first_problem;
  return s;
}

namespace {

// One rank of a GPU row on its own: a valid id, not seen before in the row, its
// distance within the bound of the exact one, after the previous rank in
// (distance, id) order. Returns the problem, or "" when there is none.
std::string rank_problem(host_matrix database, const float* q, std::span<const std::int32_t> ids,
                         std::span<const float> distances, int j, std::unordered_set<std::int32_t>& seen) {
  const std::int32_t id = ids[static_cast<std::size_t>(j)];
  const float distance = distances[static_cast<std::size_t>(j)];
  if (id < 0 || id >= database.rows) return "id " + std::to_string(id) + " is not a database row";
  if (!seen.insert(id).second) return "id " + std::to_string(id) + " appears twice";
  const double exact = knn_distance_exact(q, database.row(id), database.cols);
  const double bound = knn_distance_bound(q, database.row(id), database.cols);
  if (!(std::abs(static_cast<double>(distance) - exact) <= bound)) {
    return "distance " + sci(distance, 8) + " of id " + std::to_string(id) + ", exact " + sci(exact, 8) + " (bound " +
           sci(bound, 2) + ")";
  }
  if (j > 0) {
    const float before = distances[static_cast<std::size_t>(j - 1)];
    const std::int32_t before_id = ids[static_cast<std::size_t>(j - 1)];
    if (distance < before || (distance == before && id < before_id)) {
      return "out of order after id " + std::to_string(before_id);
    }
  }
  return "";
}

std::span<const std::int32_t> row_of(std::span<const std::int32_t> all, std::int64_t q, int k) {
  return all.subspan(static_cast<std::size_t>(q) * static_cast<std::size_t>(k), static_cast<std::size_t>(k));
}
std::span<const float> row_of(std::span<const float> all, std::int64_t q, int k) {
  return all.subspan(static_cast<std::size_t>(q) * static_cast<std::size_t>(k), static_cast<std::size_t>(k));
}

}  // namespace

knn_comparison check_knn_rows(host_matrix database, host_matrix queries, int k, std::span<const std::int32_t> gpu_ids,
                              std::span<const float> gpu_distances) {
  knn_comparison c;
  c.queries_checked = queries.rows;
  std::int64_t wrong = 0, first_query = -1;
  std::string first;
#pragma omp parallel for reduction(+ : wrong) schedule(dynamic, 16)
  for (std::int64_t q = 0; q < queries.rows; ++q) {
    std::unordered_set<std::int32_t> seen;
    for (int j = 0; j < k; ++j) {
      const std::string problem = rank_problem(database, queries.row(q), row_of(gpu_ids, q, k),
                                               row_of(gpu_distances, q, k), j, seen);
      if (problem.empty()) continue;
      ++wrong;
#pragma omp critical(knn_first_problem)
      if (first_query < 0 || q < first_query) {
        first_query = q;
        first = "query " + std::to_string(q) + " rank " + std::to_string(j) + ": " + problem;
      }
    }
  }
  c.wrong = wrong;
  c.first_problem = first;
  return c;
}

knn_comparison compare_knn(host_matrix database, host_matrix queries, std::span<const std::int64_t> which,
                           const knn_cpu_result& expected, std::span<const std::int32_t> gpu_ids,
                           std::span<const float> gpu_distances) {
  const int k = expected.k;
  const std::int64_t d = database.cols;
  knn_comparison c;
  c.queries_checked = static_cast<std::int64_t>(which.size());
  c.neighbours_checked = c.queries_checked * k;
  const auto fail = [&](std::int64_t query, int rank, const std::string& what) {
    if (c.wrong++ == 0) c.first_problem = "query " + std::to_string(query) + " rank " + std::to_string(rank) + ": " + what;
  };
  for (std::size_t r = 0; r < which.size(); ++r) {
    const std::int64_t query = which[r];
    const float* q = queries.row(query);
    const auto ids = row_of(gpu_ids, query, k);
    const auto distances = row_of(gpu_distances, query, k);
    const std::size_t cpu_row = r * static_cast<std::size_t>(k);
    std::unordered_set<std::int32_t> seen;
    const std::unordered_set<std::int32_t> cpu_ids(expected.ids.begin() + static_cast<std::ptrdiff_t>(cpu_row),
                                                   expected.ids.begin() + static_cast<std::ptrdiff_t>(cpu_row + static_cast<std::size_t>(k)));
    // The tie rule is checked on the GPU's row itself, not rank by rank against
    // the CPU's: a near tie of a third row can shift a tied pair by one rank
    // (CPU: x, a, b; GPU: a, b, x), so that the GPU's b faces the CPU's a, at the
    // same distance, with both in the right order. largest_id[e] is the largest id
    // seen so far in the GPU's row at exact distance e.
    std::unordered_map<double, std::int32_t> largest_id;
    for (int j = 0; j < k; ++j) {
      if (const std::string problem = rank_problem(database, q, ids, distances, j, seen); !problem.empty()) {
        fail(query, j, problem);
        continue;
      }
      const std::int32_t id = ids[static_cast<std::size_t>(j)];
      if (cpu_ids.count(id) != 0) ++c.found;
      const double exact = knn_distance_exact(q, database.row(id), d);
      auto [tied, first_at_this_distance] = largest_id.try_emplace(exact, id);
      if (!first_at_this_distance) {
        if (id < tied->second) {
          fail(query, j, "id " + std::to_string(id) + " after id " + std::to_string(tied->second) +
                             " at the same distance: the smaller id goes first");
          continue;
        }
        tied->second = id;
      }
      const std::int32_t cpu_id = expected.ids[cpu_row + static_cast<std::size_t>(j)];
      if (id == cpu_id) continue;
      const double cpu_distance = expected.distances[cpu_row + static_cast<std::size_t>(j)];
      if (std::abs(exact - cpu_distance) <=
          knn_distance_bound(q, database.row(id), d) + knn_distance_bound(q, database.row(cpu_id), d)) {
        ++c.near_ties;  // within the bound (an exact tie shifted by a near tie is one too)
      } else {
        fail(query, j, "id " + std::to_string(id) + " (distance " + sci(exact, 8) + ") instead of " +
                           std::to_string(cpu_id) + " (" + sci(cpu_distance, 8) + ")");
      }
    }
    // A tie across the k-th rank: the GPU kept a larger id and dropped a smaller
    // one at the same exact distance that the CPU kept.
    for (int j = 0; j < k; ++j) {
      const std::int32_t cpu_id = expected.ids[cpu_row + static_cast<std::size_t>(j)];
      if (seen.count(cpu_id) != 0) continue;
      const auto tied = largest_id.find(expected.distances[cpu_row + static_cast<std::size_t>(j)]);
      if (tied != largest_id.end() && tied->second > cpu_id) {
        fail(query, j, "id " + std::to_string(tied->second) + " kept, id " + std::to_string(cpu_id) +
                           " at the same distance left out: the smaller id goes first");
      }
    }
  }
  return c;
}

}  // namespace gpulab::ml

// SPDX-License-Identifier: MIT
// kNN without a GPU: the key order (the tie rule), the CPU baseline on answers
// worked out by hand and against a full sort, the vote, the comparison rule (it
// accepts the right answer and near ties, rejects every kind of wrong one; the
// naive kernel's formula emulated on the GPU test's data, where a near tie shifts
// a tied pair), the plan, and every bad input; the model's params; the cases on a
// CSV file (read when made: a bad label or k refused before any GPU work).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/temporary_file.hpp"
#include "common/tf32_emulation.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/ml/knn.hpp"
#include "gpulab/ml/knn_cases.hpp"
#include "gpulab/ml/knn_classifier.hpp"
#include "gpulab/ml/knn_cpu.hpp"
#include "gpulab/ml/knn_data.hpp"
#include "gpulab/ml/knn_distance.hpp"
#include "gpulab/ml/knn_key.hpp"
#include "gpulab/ml/knn_tf32_bound.hpp"
#include "common/usage_error_message.hpp"

namespace {

using namespace gpulab::ml;

host_matrix view(const std::vector<float>& v, std::int64_t cols) {
  return {v.data(), static_cast<std::int64_t>(v.size()) / cols, cols};
}

// The CPU's answer as a "GPU answer": ids and the distances rounded to float.
std::vector<float> as_float(const std::vector<double>& d) { return {d.begin(), d.end()}; }

TEST(ml_knn_key, OrdersByDistanceThenById) {
  EXPECT_LT(knn_key(1.0f, 7), knn_key(2.0f, 3));
  EXPECT_LT(knn_key(1.0f, 3), knn_key(1.0f, 7));  // a tie goes to the smaller id
  EXPECT_LT(knn_key(0.0f, 9), knn_key(1e-30f, 0));
  EXPECT_LT(knn_key(3e38f, 0), knn_empty_key);
  EXPECT_LT(knn_key(std::numeric_limits<float>::infinity(), 0x7fffffff), knn_empty_key);
  // Rounding below zero (the expanded form) is distance 0, and -0 is +0.
  EXPECT_EQ(knn_key(-1e-6f, 5), knn_key(0.0f, 5));
  EXPECT_EQ(knn_key(-0.0f, 5), knn_key(0.0f, 5));
  EXPECT_EQ(knn_key_id(knn_key(2.5f, 123456)), 123456u);
  EXPECT_EQ(knn_key_distance(knn_key(2.5f, 123456)), 2.5f);
}

TEST(ml_knn_cpu, FindsTheNearestWorkedOutByHand) {
  // One feature: rows 3, 1, 2, 1, 5 and the query 1.2. Squared distances:
  // 3.24, 0.04, 0.64, 0.04, 14.44: rows 1 and 3 tie, row 1 (smaller id) first.
  const std::vector<float> database = {3, 1, 2, 1, 5}, queries = {1.2f};
  const knn_cpu_result r = knn_cpu(view(database, 1), view(queries, 1), 3);
  EXPECT_EQ(r.ids, (std::vector<std::int32_t>{1, 3, 2}));
  EXPECT_NEAR(r.distances[0], std::pow(static_cast<double>(1.2f) - 1.0, 2), 1e-15);
  EXPECT_NEAR(r.distances[0], 0.04, 1e-7);  // 1.2f is not 1.2
  EXPECT_EQ(r.distances[0], r.distances[1]);
  EXPECT_NEAR(r.distances[2], 0.64, 1e-6);
}

TEST(ml_knn_cpu, AgreesWithAFullSortAtOddSizesWithPlantedTies) {
  labelled_rows db = make_blobs(1001, 7, 5, 11, 12);
  const labelled_rows q = make_blobs(37, 7, 5, 11, 13);
  // Planted exact ties: rows 900..999 copy rows 0..99 (a copy sorts after its original).
  for (std::int64_t i = 0; i < 100; ++i) {
    std::copy_n(db.values.begin() + i * 7, 7, db.values.begin() + (900 + i) * 7);
  }
  for (const int k : {1, 5, 64, 1001}) {
    const knn_cpu_result r = knn_cpu(view(db.values, 7), view(q.values, 7), k);
    ASSERT_EQ(r.ids.size(), static_cast<std::size_t>(37 * k));
    for (std::int64_t query = 0; query < 37; ++query) {
      std::vector<std::pair<double, std::int32_t>> all;
      for (std::int32_t i = 0; i < 1001; ++i) {
        all.emplace_back(knn_distance_exact(q.values.data() + query * 7, db.values.data() + i * 7, 7), i);
      }
      std::sort(all.begin(), all.end());
      for (int j = 0; j < k; ++j) {
        ASSERT_EQ(r.ids[static_cast<std::size_t>(query * k + j)], all[static_cast<std::size_t>(j)].second)
            << "k " << k << " query " << query << " rank " << j;
      }
    }
    // A subset of the queries gives the same rows as all of them.
    const std::vector<std::int64_t> which = {36, 0, 17};
    const knn_cpu_result some = knn_cpu(view(db.values, 7), view(q.values, 7), k, which);
    for (std::size_t row = 0; row < which.size(); ++row) {
      for (int j = 0; j < k; ++j) {
        EXPECT_EQ(some.ids[row * static_cast<std::size_t>(k) + static_cast<std::size_t>(j)],
                  r.ids[static_cast<std::size_t>(which[row] * k + j)]);
      }
    }
  }
}

TEST(ml_knn_cpu, ExactTiesGoToTheSmallerId) {
  // Rows 0..4 at distance 1 from the query (rows 0 and 4 equal), row 5 at distance 0.
  const std::vector<float> database = {1, 0, 0, 1, -1, 0, 0, -1, 1, 0, 0, 0}, queries = {0, 0};
  const knn_cpu_result r = knn_cpu(view(database, 2), view(queries, 2), 6);
  EXPECT_EQ(r.ids, (std::vector<std::int32_t>{5, 0, 1, 2, 3, 4}));
}

TEST(ml_knn_cpu, RefusesBadInput) {
  const std::vector<float> database = {0, 1, 2, 3, 4, 5}, queries = {1, 2};  // 3 x 2 and 1 x 2
  EXPECT_THROW(knn_cpu(view(database, 2), view(queries, 2), 0), gpulab::usage_error);
  EXPECT_THROW(knn_cpu(view(database, 2), view(queries, 2), 4), gpulab::usage_error);
  EXPECT_NO_THROW(knn_cpu(view(database, 2), view(queries, 2), 3));
  // Mismatched features: the same floats read as 2 x 3 against queries of 2.
  EXPECT_THROW(knn_cpu(view(database, 3), view(queries, 2), 1), gpulab::usage_error);
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                          -std::numeric_limits<float>::infinity()}) {
    std::vector<float> d = database, q = queries;
    d[3] = bad;
    EXPECT_THROW(knn_cpu(view(d, 2), view(queries, 2), 1), gpulab::numerical_error);
    q[1] = bad;
    EXPECT_THROW(knn_cpu(view(database, 2), view(q, 2), 1), gpulab::numerical_error);
  }
  // With the largest float as the limit, exactly the NaN and Inf values are out of range.
  EXPECT_EQ(count_out_of_range(std::vector<float>{1, std::numeric_limits<float>::quiet_NaN(), 2,
                                                  std::numeric_limits<float>::infinity()},
                               std::numeric_limits<float>::max()),
            2);
}

// Past knn_largest_value(d) a finite value can make an infinite squared distance in float:
// refused, with the count and the limit in one line. At the limit itself every squared distance
// (each difference at most 2M, centred values at most 2M) keeps a factor of two below FLT_MAX.
TEST(ml_knn_cpu, RefusesValuesWhoseSquaredDistancesWouldOverflow) {
  const double float_max = std::numeric_limits<float>::max();
  for (const std::int64_t d : {1, 2, 3, 64, 1000}) {
    const double m = knn_largest_value(d);
    EXPECT_LE(32.0 * static_cast<double>(d) * m * m, float_max * (1 + 1e-12)) << d;
    EXPECT_GT(32.0 * static_cast<double>(d) * (1.001 * m) * (1.001 * m), float_max) << d;
  }
  const double limit = knn_largest_value(2);  // 2.31e18
  const auto below = static_cast<float>(limit * 0.999), above = static_cast<float>(limit * 1.001);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(count_out_of_range(std::vector<float>{1, -below, below, above, -above, nan, -inf}, limit), 4);
  // 4 x 2 database, 1 x 2 queries: one value past the limit in either is refused.
  const std::vector<float> database = {0, 1, 2, 3, -below, below, 5, 6}, queries = {1, 2};
  EXPECT_NO_THROW(knn_cpu(view(database, 2), view(queries, 2), 4));
  for (const float bad : {above, -above, 1e19f, std::numeric_limits<float>::max()}) {
    std::vector<float> d = database, q = queries;
    d[7] = bad;
    try {
      knn_cpu(view(d, 2), view(queries, 2), 1);
      ADD_FAILURE() << bad << " in the database was accepted";
    } catch (const gpulab::numerical_error& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("the database holds 1 value that is NaN, Inf or beyond +-2.31e+18"), std::string::npos)
          << what;
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
    q[0] = bad;
    EXPECT_THROW(knn_cpu(view(database, 2), view(q, 2), 1), gpulab::numerical_error) << bad;
  }
}

TEST(ml_knn_vote, MajorityWithTiesToTheSmallestLabel) {
  const std::vector<std::int32_t> labels = {2, 1, 1, 2, 0, 0};
  // Row 0: labels 2, 1, 1 -> 1. Row 1: 2, 1, 2 -> 2. Row 2: 0, 2, 1 -> a three-way tie -> 0.
  const std::vector<std::int32_t> ids = {0, 1, 2, 0, 1, 3, 4, 3, 1};
  EXPECT_EQ(knn_vote_cpu(ids, 3, labels, 3), (std::vector<std::int32_t>{1, 2, 0}));
  // k = 2, labels 2 and 1: a tie -> 1.
  EXPECT_EQ(knn_vote_cpu(std::vector<std::int32_t>{0, 1}, 2, labels, 3), (std::vector<std::int32_t>{1}));
  EXPECT_THROW(knn_vote_cpu(ids, 3, labels, 2), gpulab::usage_error);  // label 2 with 2 classes
  EXPECT_THROW(knn_vote_cpu(ids, 4, labels, 3), gpulab::usage_error);  // 9 ids are not rows of 4
}

class ml_knn_compare : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = make_blobs(500, 9, 4, 21, 22);
    q_ = make_blobs(20, 9, 4, 21, 23);
    expected_ = knn_cpu(database(), queries(), k_);
    ids_ = expected_.ids;
    distances_ = as_float(expected_.distances);
    which_.resize(20);
    std::iota(which_.begin(), which_.end(), std::int64_t{0});
  }
  host_matrix database() const { return view(db_.values, 9); }
  host_matrix queries() const { return view(q_.values, 9); }
  knn_comparison compare() const {
    const knn_comparison rows = check_knn_rows(database(), queries(), k_, ids_, distances_);
    knn_comparison c = compare_knn(database(), queries(), which_, expected_, ids_, distances_);
    c.wrong += rows.wrong;
    return c;
  }
  float distance_of(std::int64_t query, std::int32_t id) const {
    return static_cast<float>(knn_distance_exact(q_.values.data() + query * 9, db_.values.data() + id * 9, 9));
  }

  int k_ = 8;
  labelled_rows db_, q_;
  knn_cpu_result expected_;
  std::vector<std::int32_t> ids_;
  std::vector<float> distances_;
  std::vector<std::int64_t> which_;
};

TEST_F(ml_knn_compare, AcceptsTheRightAnswer) {
  const knn_comparison c = compare();
  EXPECT_TRUE(c.passed()) << c.summary();
  EXPECT_EQ(c.near_ties, 0);
  EXPECT_DOUBLE_EQ(c.recall(), 1.0);
}

TEST_F(ml_knn_compare, RejectsEveryKindOfWrongAnswer) {
  const auto original_ids = ids_;
  const auto original_distances = distances_;
  const auto reset = [&] {
    ids_ = original_ids;
    distances_ = original_distances;
  };
  ids_[13] = -1;  // invalid id
  EXPECT_FALSE(compare().passed());
  reset();
  ids_[13] = 500;  // past the database
  EXPECT_FALSE(compare().passed());
  reset();
  ids_[13] = ids_[12];  // repeated
  distances_[13] = distances_[12];
  EXPECT_FALSE(compare().passed());
  reset();
  std::swap(ids_[2], ids_[5]);  // out of order (with their distances)
  std::swap(distances_[2], distances_[5]);
  EXPECT_FALSE(compare().passed());
  reset();
  distances_[6] *= 1.001f;  // a distance far past the float bound
  EXPECT_FALSE(compare().passed());
  reset();
  // A far row instead of query 0's last neighbour, with its own correct distance:
  // in order, valid, but not a nearest neighbour.
  const std::int32_t far = 499;
  for (int j = 0; j < k_; ++j) ASSERT_NE(ids_[static_cast<std::size_t>(j)], far);
  std::vector<std::pair<float, std::int32_t>> row;
  for (int j = 0; j < k_ - 1; ++j) row.emplace_back(distances_[static_cast<std::size_t>(j)], ids_[static_cast<std::size_t>(j)]);
  row.emplace_back(distance_of(0, far), far);
  std::sort(row.begin(), row.end());
  for (int j = 0; j < k_; ++j) {
    ids_[static_cast<std::size_t>(j)] = row[static_cast<std::size_t>(j)].second;
    distances_[static_cast<std::size_t>(j)] = row[static_cast<std::size_t>(j)].first;
  }
  const knn_comparison c = compare();
  EXPECT_FALSE(c.passed());
  EXPECT_LT(c.recall(), 1.0);
}

TEST_F(ml_knn_compare, ExactTiesMustFollowTheIdRule) {
  // Row 499 becomes a copy of query 0's nearest row: the two tie exactly, and the
  // smaller id must come first. The reference is recomputed with the copy.
  const std::int32_t nearest = expected_.ids[0];
  ASSERT_NE(nearest, 499);
  std::copy_n(db_.values.begin() + nearest * 9, 9, db_.values.begin() + 499 * 9);
  expected_ = knn_cpu(database(), queries(), k_);
  ids_ = expected_.ids;
  distances_ = as_float(expected_.distances);
  ASSERT_TRUE(compare().passed());
  ASSERT_EQ(ids_[1], 499);
  std::swap(ids_[0], ids_[1]);  // the copy first: same distance, larger id
  const knn_comparison c = compare();
  EXPECT_FALSE(c.passed());
  EXPECT_FALSE(c.first_problem.empty());
}

TEST_F(ml_knn_compare, AllowsOnlyNearTiesWithinTheBound) {
  // Row 499 moved one float step farther than query 0's nearest row (a different
  // exact distance, well within the bound): a near tie, allowed in either order.
  const std::int32_t nearest = expected_.ids[0];
  std::copy_n(db_.values.begin() + nearest * 9, 9, db_.values.begin() + 499 * 9);
  float& x = db_.values[499 * 9];
  x = std::nextafter(x, x > q_.values[0] ? 1e30f : -1e30f);
  expected_ = knn_cpu(database(), queries(), k_);
  ASSERT_EQ(expected_.ids[1], 499);
  ASSERT_NE(expected_.distances[0], expected_.distances[1]);
  // The GPU's view: the two distances one float step apart (each within the bound
  // of both rows' exact distances), row 499 first by its own rounding.
  ids_ = expected_.ids;
  std::swap(ids_[0], ids_[1]);
  distances_ = as_float(expected_.distances);
  distances_[0] = static_cast<float>(expected_.distances[0]);
  distances_[1] = std::nextafter(distances_[0], 1e30f);
  const knn_comparison c = compare();
  EXPECT_TRUE(c.passed()) << c.summary();
  EXPECT_EQ(c.near_ties, 2);
  // The same swap with equal GPU distances breaks the GPU's own order: refused.
  distances_[1] = distances_[0];
  EXPECT_FALSE(compare().passed());
}

TEST(ml_knn_plan, ChecksItsArgumentsAndCutsTheWork) {
  using gpulab::usage_error;
  EXPECT_THROW(make_knn_plan(knn_version::fused, 100, 10, 8, 8, 0), usage_error);      // k = 0
  EXPECT_THROW(make_knn_plan(knn_version::fused, 100, 10, 8, 8, 101), usage_error);    // k > n
  EXPECT_THROW(make_knn_plan(knn_version::naive, 5000, 10, 8, 8, 1025), usage_error);  // k > 1024
  EXPECT_THROW(make_knn_plan(knn_version::fused, 100, 10, 8, 9, 5), usage_error);      // mismatched features
  EXPECT_THROW(make_knn_plan(knn_version::fused, 0, 10, 8, 8, 1), usage_error);        // empty
  EXPECT_THROW(make_knn_plan(knn_version::fused, 100, 0, 8, 8, 1), usage_error);
  EXPECT_THROW(make_knn_plan(knn_version::tf32_rerank, 100, 10, 8, 8, 5, -1), usage_error);
  EXPECT_NO_THROW(make_knn_plan(knn_version::fused, 100, 10, 8, 8, 100));  // k = n

  // The headline size: 313 tiles of 32 queries, 4 database splits (1252 blocks), 42 TF32 candidates.
  const knn_plan tf32 = make_knn_plan(knn_version::tf32_rerank, 1'000'000, 10'000, 64, 64, 10);
  EXPECT_EQ(tf32.splits, 4);
  EXPECT_EQ(tf32.candidates, 42);
  EXPECT_EQ(make_knn_plan(knn_version::fused, 1'000'000, 10'000, 64, 64, 1024).candidates, 1024);
  // fused at the headline: the small-k kernel, 40 blocks of 256 queries x 23 splits (920 blocks).
  const knn_plan headline = make_knn_plan(knn_version::fused, 1'000'000, 10'000, 64, 64, 10);
  EXPECT_TRUE(headline.small_k);
  EXPECT_EQ(headline.splits, 23);
  EXPECT_FALSE(tf32.small_k);  // one kernel for each version but this
  EXPECT_FALSE(make_knn_plan(knn_version::fused, 1'000'000, 10'000, 64, 64, 33).small_k);  // 33 keys > 32 lanes
  EXPECT_TRUE(make_knn_plan(knn_version::fused, 1'000'000, 10'000, 64, 64, 32).small_k);
  EXPECT_FALSE(make_knn_plan(knn_version::fused, 1'000'000, 10'000, 65, 65, 10).small_k);  // 65 features
  // Its 23 lists a query are merged, not sorted: up to 32 splits (one a lane).
  EXPECT_TRUE(headline.merge_lists);
  EXPECT_TRUE(make_knn_plan(knn_version::fused, 32 * 128, 10, 64, 64, 10, 32).merge_lists);
  EXPECT_FALSE(make_knn_plan(knn_version::fused, 33 * 128, 10, 64, 64, 10, 33).merge_lists);
  EXPECT_FALSE(tf32.merge_lists);
  // Its workspace: the norms, each (query, split) list, each query's shared bound, the largest
  // row norm; no sorted copy nor CUB's scratch (the merge needs neither), no running lists in
  // global memory (they live in shared memory).
  EXPECT_EQ(knn_workspace_bytes(headline), 4u * (1'000'000 + 10'000) + 8u * 10'000 * 23 * 10 + 8u * 10'000 + 4u);
  // With 33 splits, the lists are sorted: their sorted copy and CUB's scratch (1 MiB) too.
  const knn_plan sorted = make_knn_plan(knn_version::fused, 33 * 128, 10, 64, 64, 10, 33);
  EXPECT_EQ(knn_workspace_bytes(sorted), 4u * (33 * 128 + 10) + 2u * 8 * 10 * 33 * 10 + 8u * 10 + 4u + (1u << 20));
  EXPECT_EQ(knn_candidates(knn_version::tf32_rerank, 1'000'000, 1024), 2048);
  EXPECT_EQ(knn_candidates(knn_version::tf32_rerank, 1001, 1001), 1001);  // never more than n
  // naive: a batch's keys within 1 GiB: 134 queries of 1M rows.
  EXPECT_EQ(make_knn_plan(knn_version::naive, 1'000'000, 10'000, 64, 64, 10).query_batch, 134);
  // Small inputs: one split; forced splits stay whole tiles and never empty.
  EXPECT_EQ(make_knn_plan(knn_version::fused, 1001, 37, 7, 7, 5).splits, 1);
  EXPECT_EQ(make_knn_plan(knn_version::fused, 1001, 37, 7, 7, 5, 3).splits, 3);
  EXPECT_EQ(make_knn_plan(knn_version::fused, 1001, 37, 7, 7, 5, 100).splits, 8);  // 8 tiles of 128 rows
  // Whatever is asked, the ranges cover every row and none is empty.
  for (const std::int64_t n : {1, 127, 128, 129, 640, 896, 1001, 1280, 100003}) {
    for (const int asked : {0, 1, 2, 3, 4, 5, 6, 7, 9, 100, 1000}) {
      const knn_plan p = make_knn_plan(knn_version::fused, n, 37, 7, 7, 1, asked);
      EXPECT_EQ(p.split_rows % 128, 0);
      EXPECT_GE(p.splits * p.split_rows, n) << n << " rows, " << asked << " splits asked";
      EXPECT_LT((p.splits - 1) * p.split_rows, n) << n << " rows, " << asked << " splits asked";
    }
  }
  EXPECT_GT(knn_workspace_bytes(tf32), 10'000u * 4 * 42 * 8 * 4);
}

// tf32_rerank's filter and refine: when it is planned, and its shape at the headline.
TEST(ml_knn_plan, Tf32FilterForSmallKAndUpTo64Features) {
  const knn_plan p = make_knn_plan(knn_version::tf32_rerank, 1'000'000, 10'000, 64, 64, 10);
  ASSERT_TRUE(p.tf32_filter);
  EXPECT_EQ(p.sample_rows, 65536);
  EXPECT_EQ(p.sample_stride, 999983);
  // 79 blocks of 128 queries x 13 ranges: 1027 blocks, about 4 waves of two blocks on 132 SMs.
  EXPECT_EQ(p.filter_splits, 13);
  EXPECT_EQ(p.filter_split_rows % 128, 0);
  EXPECT_GE(p.filter_splits * p.filter_split_rows, p.database_rows);
  EXPECT_LT((p.filter_splits - 1) * p.filter_split_rows, p.database_rows);
  EXPECT_EQ(p.segment_capacity, 512);
  // Its workspace adds the centred copy and the centre (1M x 64 + 64 floats), the sample
  // (65536 x 65), the minima and thresholds (10000 x 513), |q - c|^2, the counts and 2
  // counters, and the segments (10000 x 13 x 512 keys).
  knn_plan general = p;
  general.tf32_filter = false;
  const std::size_t extra = 4u * (1'000'000 * 64 + 64) + 4u * (65536 * 65 + 10'000 * 513) + 8u * 10'000 +
                            4u * (10'000 * 13 + 2) + 8u * 10'000 * 13 * 512;
  EXPECT_EQ(knn_workspace_bytes(p), knn_workspace_bytes(general) + extra);

  EXPECT_TRUE(make_knn_plan(knn_version::tf32_rerank, 1'000'000, 10'000, 4, 4, 32).tf32_filter);
  EXPECT_FALSE(make_knn_plan(knn_version::tf32_rerank, 1'000'000, 10'000, 64, 64, 33).tf32_filter);  // k > 32
  EXPECT_FALSE(make_knn_plan(knn_version::tf32_rerank, 1'000'000, 10'000, 68, 68, 10).tf32_filter);  // d > 64
  EXPECT_FALSE(make_knn_plan(knn_version::tf32_rerank, 1'000'000, 10'000, 30, 30, 10).tf32_filter);  // d % 4 != 0
  EXPECT_FALSE(make_knn_plan(knn_version::fused, 1'000'000, 10'000, 64, 64, 10).tf32_filter);
  // A small database: all of it is the sample; forced ranges apply to the filter too.
  const knn_plan small = make_knn_plan(knn_version::tf32_rerank, 1001, 37, 64, 64, 5, 3);
  EXPECT_EQ(small.sample_rows, 1001);
  EXPECT_EQ(small.filter_splits, 3);
  // The stride never divides n (so i * stride mod n never repeats for i < sample_rows <= n).
  EXPECT_EQ(make_knn_plan(knn_version::tf32_rerank, 999983, 10, 8, 8, 1).sample_stride, 1000003);
  EXPECT_EQ(make_knn_plan(knn_version::tf32_rerank, 2 * 999983, 10, 8, 8, 1).sample_stride, 1000003);
  for (const std::int64_t n : {1, 127, 129, 1001, 100003}) {
    for (const int asked : {0, 1, 3, 100}) {
      const knn_plan f = make_knn_plan(knn_version::tf32_rerank, n, 37, 8, 8, 1, asked);
      EXPECT_NE(n % f.sample_stride, 0);
      EXPECT_EQ(f.filter_split_rows % 128, 0);
      EXPECT_GE(f.filter_splits * f.filter_split_rows, n) << n << " rows, " << asked << " ranges asked";
      EXPECT_LT((f.filter_splits - 1) * f.filter_split_rows, n) << n << " rows, " << asked << " ranges asked";
    }
  }
}

// TF32 as the filter's tensor cores see it: queries rounded, rows truncated.
using gpulab::testing::tf32_rounded;
using gpulab::testing::tf32_truncated;

TEST(ml_knn_tf32_bound, NoThresholdWithoutAFiniteScore) {
  EXPECT_EQ(knn_tf32_threshold(std::numeric_limits<float>::infinity(), 4.0, 3.0), HUGE_VAL);
  EXPECT_EQ(knn_tf32_threshold(std::numeric_limits<float>::quiet_NaN(), 4.0, 3.0), HUGE_VAL);
  EXPECT_GE(knn_tf32_largest_length(25.0f), 5.0);
  EXPECT_LT(knn_tf32_largest_length(25.0f), 5.0 * (1 + 1e-5));
}

// The bound's two claims on seeded, deliberately awkward data (features of very different
// sizes, rows far from the origin so that |q||x| dwarfs the distances, exact duplicates),
// with the TF32 product emulated (float accumulation, two orders):
//  1. |s(x) - (D(x) - |q - c|^2)| <= E for every row, D from the raw values;
//  2. given the k-th smallest score A of any k rows, every row of the exact top k (by the
//     float fmaf chain on the raw values, ties by id) has s <= theta(A).
// Uncentred (c = 0), and centred as the search does it: c the float mean of 1000 rows, each
// x - c and q - c rounded to float (here it rounds: columns straddle 0 and the larger
// columns stray past a factor 2 of c), norms from those floats, |q - c|^2 in double.
// A delta four times smaller fails the uncentred case (tried; centred, the errors add less
// coherently and stay under a quarter of E). The lower check keeps the emulation honest:
// with no TF32 rounding at all the errors would sit far below E.
void check_the_bound(bool centred) {
  constexpr int d = 64, n = 4000, k = 10, queries = 40;
  std::mt19937_64 rng(2026);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> scale(d), offset(d);
  for (int j = 0; j < d; ++j) {
    scale[j] = std::ldexp(1.0f, static_cast<int>(rng() % 9) - 4);  // 2^-4 .. 2^4
    offset[j] = 50.0f * normal(rng);                                // far from the origin
  }
  std::vector<float> x(static_cast<std::size_t>(n) * d), q(static_cast<std::size_t>(queries) * d);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j) x[static_cast<std::size_t>(i) * d + j] = offset[j] + scale[j] * normal(rng);
  for (int i = 0; i < 100; ++i)  // duplicates: rows 3900.. copy rows 0..99
    std::copy_n(x.begin() + static_cast<std::ptrdiff_t>(i) * d, d, x.begin() + static_cast<std::ptrdiff_t>(3900 + i) * d);
  for (int i = 0; i < queries; ++i)
    for (int j = 0; j < d; ++j) q[static_cast<std::size_t>(i) * d + j] = offset[j] + scale[j] * 1.5f * normal(rng);
  std::vector<float> c(d, 0.0f);
  if (centred) {
    for (int j = 0; j < d; ++j) {
      double sum = 0.0;
      for (int i = 0; i < 1000; ++i) sum += x[static_cast<std::size_t>(i) * d + j];
      c[static_cast<std::size_t>(j)] = static_cast<float>(sum / 1000);
    }
  }
  std::vector<float> v(x.size()), norms(n);  // v = fl(x - c), the rows the tensor cores see (before TF32)
  float largest = 0.0f;
  for (int i = 0; i < n; ++i) {
    float sum = 0.0f;
    for (int j = 0; j < d; ++j) {
      const std::size_t at = static_cast<std::size_t>(i) * d + j;
      v[at] = x[at] - c[static_cast<std::size_t>(j)];
      sum = std::fma(v[at], v[at], sum);
    }
    norms[static_cast<std::size_t>(i)] = sum;
    largest = std::max(largest, sum);
  }
  const double x_max = knn_tf32_largest_length(largest);
  double worst_error = 0.0;  // |s - (D - |q - c|^2)| / E, the largest seen
  int checked = 0;
  for (int qi = 0; qi < queries; ++qi) {
    const float* qv = q.data() + static_cast<std::size_t>(qi) * d;
    std::vector<float> w(d);  // fl(q - c)
    double qq = 0.0;          // |q - c|^2 from the raw values, in double
    for (int j = 0; j < d; ++j) {
      w[static_cast<std::size_t>(j)] = qv[j] - c[static_cast<std::size_t>(j)];
      const double t = static_cast<double>(qv[j]) - c[static_cast<std::size_t>(j)];
      qq += t * t;
    }
    const double e = gpulab::ml::tf32_score_error(std::sqrt(qq), x_max);
    std::vector<float> score(n);
    std::vector<std::uint64_t> exact(n);
    for (int i = 0; i < n; ++i) {
      const float* xv = x.data() + static_cast<std::size_t>(i) * d;
      const float* vv = v.data() + static_cast<std::size_t>(i) * d;
      float forward = 0.0f, backward = 0.0f, direct = 0.0f;
      double true_distance = 0.0;
      for (int j = 0; j < d; ++j) {
        const int r = d - 1 - j;
        forward = std::fma(tf32_rounded(w[static_cast<std::size_t>(j)]), tf32_truncated(vv[j]), forward);
        backward = std::fma(tf32_rounded(w[static_cast<std::size_t>(r)]), tf32_truncated(vv[r]), backward);
        const float diff = qv[j] - xv[j];
        direct = std::fma(diff, diff, direct);
        const double t = static_cast<double>(qv[j]) - xv[j];
        true_distance += t * t;
      }
      const float dot = i % 2 == 0 ? forward : backward;
      score[static_cast<std::size_t>(i)] = std::fma(-2.0f, dot, norms[static_cast<std::size_t>(i)]);
      exact[static_cast<std::size_t>(i)] = knn_key(direct, static_cast<std::uint32_t>(i));
      worst_error = std::max(worst_error, std::fabs(score[static_cast<std::size_t>(i)] - (true_distance - qq)) / e);
    }
    // Any k rows: here rows 7, 107, 207, ... (A = their largest score), and the k best scores.
    std::vector<float> some;
    for (int r = 0; r < k; ++r) some.push_back(score[static_cast<std::size_t>(7 + 100 * r)]);
    std::vector<float> best = score;
    std::nth_element(best.begin(), best.begin() + (k - 1), best.end());
    std::vector<std::uint64_t> top = exact;
    std::partial_sort(top.begin(), top.begin() + k, top.end());
    for (const float a : {*std::max_element(some.begin(), some.end()), best[k - 1]}) {
      const double theta = knn_tf32_threshold(a, qq, x_max);
      for (int r = 0; r < k; ++r) {
        const auto row = static_cast<std::size_t>(knn_key_id(top[static_cast<std::size_t>(r)]));
        EXPECT_LE(score[row], theta) << "query " << qi << ", neighbour " << r << " (row " << row << ")";
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, queries * 2 * k);
  EXPECT_LT(worst_error, 1.0) << "the score's error exceeded E";
  EXPECT_GT(worst_error, 0.05) << "E is far looser than the data needs: is the emulation still TF32?";
}

TEST(ml_knn_tf32_bound, HoldsForEveryRowOfTheExactTopK) { check_the_bound(false); }
TEST(ml_knn_tf32_bound, HoldsOnCentredDataWhereTheCentringRounds) { check_the_bound(true); }

TEST(ml_knn_data, BlobsAreSeededAndLabelled) {
  const labelled_rows a = make_blobs(301, 5, 7, 1, 2), b = make_blobs(301, 5, 7, 1, 2), c = make_blobs(301, 5, 7, 1, 3);
  EXPECT_EQ(a.values, b.values);
  EXPECT_EQ(a.labels, b.labels);
  EXPECT_NE(a.values, c.values);
  for (const std::int32_t label : a.labels) {
    EXPECT_GE(label, 0);
    EXPECT_LT(label, 7);
  }
  EXPECT_EQ(count_out_of_range(a.values, std::numeric_limits<float>::max()), 0);  // no NaN or Inf
  // Rows of one blob are closer to each other than to another blob's, on average:
  // the labels mean something (the vote's accuracy is reported against them).
  const labelled_rows wide = make_blobs(2000, 64, 4, 5, 6);
  double same = 0, other = 0;
  int same_count = 0, other_count = 0;
  for (std::int64_t i = 1; i < 2000; ++i) {
    const double dist = knn_distance_exact(wide.values.data(), wide.values.data() + i * 64, 64);
    if (wide.labels[static_cast<std::size_t>(i)] == wide.labels[0]) {
      same += dist;
      ++same_count;
    } else {
      other += dist;
      ++other_count;
    }
  }
  EXPECT_LT(same / same_count, 0.8 * other / other_count);
}

TEST(ml_knn_cases, AreNamedAndSizedAsTheirEntries) {
  const auto entries = knn_cases();
  ASSERT_EQ(entries.size(), 6u);
  EXPECT_EQ(entries[0].name, "knn_naive");
  EXPECT_EQ(entries[3].name, "knn_tf32_rerank_mma_sync");
  EXPECT_EQ(entries[4].name, "knn_fused_k1024");
  gpulab::run_options o;
  o.size = 31;
  const auto small = entries[5].make(o);
  ASSERT_EQ(small.size(), 1u);
  EXPECT_NE(small.front()->size_label().find("k = 31 (k = n)"), std::string::npos) << small.front()->size_label();
  o.size = std::nullopt;
  const auto headline = entries[2].make(o);
  EXPECT_EQ(headline.front()->size_label(), "1000000 x 64, 10000 queries, k = 10");
  EXPECT_DOUBLE_EQ(headline.front()->work().flops, 2.0 * 1e6 * 1e4 * 64);
  EXPECT_TRUE(headline.front()->has_scalable_check());
  EXPECT_GT(headline.front()->estimated_cpu_seconds(), 10.0);  // past the budget: the sampled check
  EXPECT_EQ(headline.front()->parameters().version, "tf32_rerank");
  const auto held = entries[3].make(o);  // the same search, its scores held to mma.sync
  EXPECT_EQ(held.front()->name(), "knn_tf32_rerank_mma_sync");
  EXPECT_EQ(held.front()->parameters().version, "tf32_rerank_mma_sync");
  EXPECT_EQ(held.front()->size_label(), headline.front()->size_label());
  o.size = 0;
  EXPECT_THROW(entries[1].make(o), gpulab::usage_error);
}

TEST(ml_knn_cases, CompareTheVersionsSideBySide) {
  const auto result = [](const std::string& version, double ms, bool verified) {
    gpulab::case_result r;
    r.parameters = {"knn", version, "float"};
    r.size_label = "1000000 x 64, 10000 queries, k = 10";
    r.gpu.median_ms = ms;
    r.work.flops = 2.0 * 1e6 * 1e4 * 64;
    r.verified = verified;
    r.verify_detail = "64 queries: recall 1.000000, 0 near ties";
    return r;
  };
  std::vector<gpulab::case_result> results = {result("naive", 800, true), result("fused", 40, true),
                                              result("tf32_rerank", 8, true), result("fused", 1, false),
                                              result("tf32_rerank_mma_sync", 12, true)};
  // Off Hopper both TF32 rows ran mma.sync: no ratio between them.
  EXPECT_EQ(knn_compare(results)[0].find("over its mma.sync pass"), std::string::npos);
  results[2].verify_detail += "; TF32 filter on wgmma, 0 queries searched exactly";
  const std::vector<std::string> lines = knn_compare(results);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_NE(lines[0].find("naive 800.00 ms (1.6 TFLOP/s), fused 40.00 ms (32.0 TFLOP/s)"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("fusing the selection: 20.0x"), std::string::npos) << lines[0];  // the unverified row is left out
  EXPECT_NE(lines[0].find("tf32_rerank over its mma.sync pass: 1.50x"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find("tf32_rerank, 1000000 x 64"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("recall 1.000000"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("tf32_rerank_mma_sync, 1000000 x 64"), std::string::npos) << lines[2];
  EXPECT_TRUE(knn_compare({}).empty());
}


// The naive GPU version's answer computed on the host: knn_direct_distance is the
// kernel's own formula (the same IEEE float operations, fmaf correctly rounded on
// both sides), keys sorted as CUB sorts them. The data of the GPU test
// (knn_gpu_test.cpp: blobs, rows 900..999 copies of rows 0..99, k = n, d = 33).
struct emulated_naive {
  std::int64_t n = 1001, m = 37, d = 33;
  labelled_rows db = make_blobs(n, d, 5, 31, 32), q = make_blobs(m, d, 5, 31, 33);
  std::vector<std::int32_t> ids;
  std::vector<float> distances;
  emulated_naive() {
    for (std::int64_t i = 0; i < 100; ++i) std::copy_n(db.values.begin() + i * d, d, db.values.begin() + (900 + i) * d);
    std::copy_n(db.values.begin() + 123 * d, d, q.values.begin() + 5 * d);
    for (std::int64_t qi = 0; qi < m; ++qi) {
      std::vector<std::uint64_t> keys(static_cast<std::size_t>(n));
      for (std::int64_t r = 0; r < n; ++r) {
        keys[static_cast<std::size_t>(r)] = knn_key(knn_direct_distance(q.values.data() + qi * d, db.values.data() + r * d, d),
                                                    static_cast<std::uint32_t>(r));
      }
      std::sort(keys.begin(), keys.end());
      for (const std::uint64_t key : keys) {
        ids.push_back(static_cast<std::int32_t>(knn_key_id(key)));
        distances.push_back(knn_key_distance(key));
      }
    }
  }
  host_matrix database() const { return {db.values.data(), n, d}; }
  host_matrix queries() const { return {q.values.data(), m, d}; }
  std::vector<std::int64_t> every() const {
    std::vector<std::int64_t> w(static_cast<std::size_t>(m));
    std::iota(w.begin(), w.end(), std::int64_t{0});
    return w;
  }
  std::size_t at(std::int64_t query, std::int32_t id) const {  // where `id` sits in the row of `query`
    const auto row = ids.begin() + query * n;
    return static_cast<std::size_t>(std::find(row, row + n, id) - ids.begin());
  }
};

TEST(ml_knn_compare_ties, AnExactTieShiftedByANearTieIsNotAWrongRank) {
  // The H200's "wrong rank" (query 3 rank 737: id 957 instead of 57) on the host:
  // rows 57 and 957 are copies, with bitwise equal float distances, in id order.
  // Row 545 is nearer in exact arithmetic (by 3.7e-5, far below the float bound)
  // but its float distance rounds above theirs. So the CPU lists 545, 57, 957 and
  // the GPU 57, 957, 545: at rank 737 the GPU's 957 faces the CPU's 57. That is
  // a near tie moving a tied pair, not a broken tie rule.
  const emulated_naive e;
  const std::int64_t n = e.n;
  const std::size_t a = e.at(3, 57), b = e.at(3, 957), x = e.at(3, 545);
  ASSERT_EQ(b, a + 1);
  ASSERT_EQ(x, a + 2);
  EXPECT_EQ(e.distances[a], e.distances[b]);  // the copies: bit for bit
  EXPECT_LT(e.distances[a], e.distances[x]);
  const double exact_a = knn_distance_exact(e.queries().row(3), e.database().row(57), e.d);
  const double exact_x = knn_distance_exact(e.queries().row(3), e.database().row(545), e.d);
  EXPECT_LT(exact_x, exact_a);  // the CPU's order is 545 first

  const knn_cpu_result expected = knn_cpu(e.database(), e.queries(), static_cast<int>(n));
  const knn_comparison c = compare_knn(e.database(), e.queries(), e.every(), expected, e.ids, e.distances);
  EXPECT_TRUE(c.passed()) << c.summary();
  EXPECT_DOUBLE_EQ(c.recall(), 1.0);
  EXPECT_GE(c.near_ties, 3);  // at least 545's three ranks
  EXPECT_TRUE(check_knn_rows(e.database(), e.queries(), static_cast<int>(n), e.ids, e.distances).passed());

  // The rule still bites: the two copies swapped with their equal distances
  // (out of the row's own order) ...
  std::vector<std::int32_t> swapped = e.ids;
  std::swap(swapped[a], swapped[b]);
  EXPECT_FALSE(compare_knn(e.database(), e.queries(), e.every(), expected, swapped, e.distances).passed());
  // ... and swapped with the larger id's distance one float step lower: in float
  // order and within the bound, but the exact distances are equal.
  std::vector<float> apart = e.distances;
  apart[b] = std::nextafter(apart[a], 1e30f);
  const knn_comparison s = compare_knn(e.database(), e.queries(), e.every(), expected, swapped, apart);
  EXPECT_FALSE(s.passed());
  EXPECT_NE(s.first_problem.find("id 57 after id 957"), std::string::npos) << s.first_problem;
}

TEST(ml_knn_compare_ties, TheLargerIdKeptAcrossTheKthRankIsWrong) {
  // k = rank of 57 + 2: the CPU keeps ... 545, 57. A GPU row that keeps 957 and
  // drops its smaller twin 57 ([... 957, 545]) is in float order and every rank
  // is within the bound of the CPU's, yet it breaks the tie rule.
  const emulated_naive e;
  const std::size_t a = e.at(3, 57) - static_cast<std::size_t>(3 * e.n);
  const int k = static_cast<int>(a) + 2;
  const knn_cpu_result expected = knn_cpu(e.database(), e.queries(), k);
  ASSERT_EQ(expected.ids[static_cast<std::size_t>(3 * k + k - 1)], 57);
  std::vector<std::int32_t> ids;
  std::vector<float> distances;
  for (std::int64_t qi = 0; qi < e.m; ++qi) {
    for (int j = 0; j < k; ++j) {
      ids.push_back(e.ids[static_cast<std::size_t>(qi * e.n + j)]);
      distances.push_back(e.distances[static_cast<std::size_t>(qi * e.n + j)]);
    }
  }
  const knn_comparison right = compare_knn(e.database(), e.queries(), e.every(), expected, ids, distances);
  EXPECT_TRUE(right.passed()) << right.summary();  // [... 57, 957]: 545 left out is a near tie
  const std::size_t last = static_cast<std::size_t>(3 * k + k - 1);
  ASSERT_EQ(ids[last - 1], 57);
  ASSERT_EQ(ids[last], 957);
  ids[last - 1] = 957;
  ids[last] = 545;
  distances[last] = e.distances[e.at(3, 545)];
  EXPECT_TRUE(check_knn_rows(e.database(), e.queries(), k, ids, distances).passed());  // in order on its own
  const knn_comparison wrong = compare_knn(e.database(), e.queries(), e.every(), expected, ids, distances);
  EXPECT_FALSE(wrong.passed());
  EXPECT_NE(wrong.first_problem.find("left out"), std::string::npos) << wrong.first_problem;
}

// The model's params and the database's shape, checked without a GPU (knn_classifier.hpp):
// the model's constructor and fit call these, with the search's own messages.
TEST(ml_knn_params, AreCheckedWithoutAGpu) {
  EXPECT_NO_THROW(validate_knn(knn_params{}));
  EXPECT_NO_THROW(validate_knn({.k = knn_max_k, .classes = knn_max_classes}));
  EXPECT_THROW(validate_knn({.k = 0}), gpulab::usage_error);
  EXPECT_THROW(validate_knn({.k = knn_max_k + 1}), gpulab::usage_error);
  EXPECT_THROW(validate_knn({.classes = -1}), gpulab::usage_error);
  EXPECT_THROW(validate_knn({.classes = knn_max_classes + 1}), gpulab::usage_error);
  // With a shape: k = n is fine, k > n is make_knn_plan's refusal, word for word.
  EXPECT_NO_THROW(validate_knn({.k = 5}, 5, 3));
  try {
    validate_knn({.k = 6}, 5, 3);
    ADD_FAILURE() << "k > rows was accepted";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("k must be 1..5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(validate_knn({.k = 1}, 0, 3), gpulab::usage_error);   // an empty database
  EXPECT_THROW(validate_knn({.k = 1}, 10, 0), gpulab::usage_error);  // no features
  EXPECT_THROW(validate_knn({.k = 1, .version = knn_version::naive}, 10, 12289), gpulab::usage_error);
  EXPECT_NO_THROW(validate_knn({.k = 1, .version = knn_version::fused}, 10, 12289));
}

// A CSV file of `rows` rows: columns id, a, b (seeded blob values) and y (`label(i)` as text).
template <class Label>
std::string csv_text(std::int64_t rows, Label label) {
  const labelled_rows blobs = make_blobs(rows, 2, 3, 7, 8);
  std::ostringstream out;
  out << std::setprecision(9) << "id,a,b,y\n";
  for (std::int64_t i = 0; i < rows; ++i) {
    out << i << "," << blobs.values[static_cast<std::size_t>(2 * i)] << ","
        << blobs.values[static_cast<std::size_t>(2 * i + 1)] << "," << label(i) << "\n";
  }
  return out.str();
}

gpulab::run_options csv_options(const gpulab::testing::temporary_file& f, const std::string& target = "") {
  gpulab::run_options o;
  o.parameters["input"] = f.path.string();
  o.parameters["columns"] = "a,b";
  if (!target.empty()) o.parameters["target"] = target;
  return o;
}

TEST(ml_knn_cases, ReadACsvFileWhenMade) {
  const gpulab::testing::temporary_file small("small", csv_text(31, [](std::int64_t i) { return i % 3; }));
  const auto entries = knn_cases();
  const std::string path = small.path.string();
  // Every row is the database and, at n <= 10000, every row a query; the case's own k.
  for (const bool target : {false, true}) {
    const auto cases = entries[1].make(csv_options(small, target ? "y" : ""));  // knn_fused, k = 10
    ASSERT_EQ(cases.size(), 1u);
    EXPECT_EQ(cases.front()->size_label(), path + ": 31 x 2, 31 queries, k = 10");
    EXPECT_DOUBLE_EQ(cases.front()->size_value(), 31.0);
    EXPECT_DOUBLE_EQ(cases.front()->work().flops, 2.0 * 31 * 31 * 2);
    // Only a case that votes reads the labels (4 bytes a database row).
    EXPECT_DOUBLE_EQ(cases.front()->work().bytes_read, 4.0 * (31 + 31) * 2 + (target ? 4.0 * 31 : 0.0));
  }
  // k = 1024 on 31 rows: k = n, as for blobs, and the label says so.
  const auto all_rows = entries[4].make(csv_options(small));
  ASSERT_EQ(all_rows.size(), 1u);
  EXPECT_EQ(all_rows.front()->size_label(), path + ": 31 x 2, 31 queries, k = 31 (k = n)");

  // More than 10,000 rows: an evenly spaced sample of 10,000 queries.
  const gpulab::testing::temporary_file large("large", csv_text(10007, [](std::int64_t i) { return i % 5; }));
  const auto sampled = entries[0].make(csv_options(large, "y"));  // knn_naive
  EXPECT_EQ(sampled.front()->size_label(), large.path.string() + ": 10007 x 2, 10000 queries, k = 10");
  EXPECT_DOUBLE_EQ(sampled.front()->work().flops, 2.0 * 10000 * 10007 * 2);

  // --size with --input is refused (the file decides the rows).
  gpulab::run_options sized = csv_options(small);
  sized.size = 100;
  EXPECT_THROW((void)entries[1].make(sized), gpulab::usage_error);
}

// A target that is not class labels (a price, 2.5, a label a rounding away from 1) is no
// reason to refuse the search: the case searches without a vote, reads no labels (none in
// its work), and its row says where (knn_gpu_test checks the words).
TEST(ml_knn_cases, ATargetThatIsNotClassLabelsGivesASearchWithoutAVote) {
  const auto entries = knn_cases();
  constexpr double n = 13, search_bytes = 4.0 * (n + n) * 2, label_bytes = 4.0 * n;
  for (const char* bad : {"2.5", "-1", "1024", "0.99999999", "1e-50", "1.0000000001"}) {
    const std::string value = bad;
    const gpulab::testing::temporary_file f(
        "bad", csv_text(13, [&](std::int64_t i) { return i == 5 ? value : std::to_string(i % 3); }));
    const auto cases = entries[2].make(csv_options(f, "y"));
    ASSERT_EQ(cases.size(), 1u) << bad;
    EXPECT_DOUBLE_EQ(cases.front()->work().bytes_read, search_bytes) << bad << " was taken as a label";
  }
  // Integers 0..1023, written as integers or not, are labels: the case votes.
  for (const char* good : {"2", "2.0", "1023"}) {
    const std::string value = good;
    const gpulab::testing::temporary_file f(
        "good", csv_text(13, [&](std::int64_t i) { return i == 5 ? value : std::to_string(i % 3); }));
    const auto cases = entries[2].make(csv_options(f, "y"));
    ASSERT_EQ(cases.size(), 1u) << good;
    EXPECT_DOUBLE_EQ(cases.front()->work().bytes_read, search_bytes + label_bytes) << good << " was not a label";
  }
}

TEST(ml_knn_cases, RefuseAFeatureTooLargeForAFloatNorm) {
  const auto entries = knn_cases();
  // A feature past knn_largest_value(2): refused before any GPU work, naming the file.
  const gpulab::testing::temporary_file huge("huge", "a,b,y\n1,2,0\n3,1e30,1\n5,6,0\n7,8,1\n9,10,0\n11,12,1\n"
                                                     "13,14,0\n15,16,1\n17,18,0\n19,20,1\n21,22,0\n");
  try {
    (void)entries[1].make(csv_options(huge, "y"));
    ADD_FAILURE() << "1e30 was accepted";
  } catch (const gpulab::numerical_error& e) {
    EXPECT_NE(std::string(e.what()).find(huge.path.string() + ": knn: the database holds 1 value"), std::string::npos)
        << e.what();
  }
}

}  // namespace

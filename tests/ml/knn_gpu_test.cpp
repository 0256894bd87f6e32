// SPDX-License-Identifier: MIT
// kNN on the GPU: every version at odd sizes (n = 1001, m = 37, d = 7, 33 and 64,
// k = 1, 5, 64 and n, automatic and forced database splits) on seeded blobs with
// planted exact ties, into poisoned outputs, against the CPU's exact brute force
// under the stated rule (knn_cpu.hpp); one row copied at every offset (bitwise
// equal distances, id order); a larger database where the running top-k
// is merged many times; the small-k kernel at its edges; tf32_rerank's filter and
// refine (bit for bit against the host's float formula, its exact-search fallbacks,
// centring); the vote; every bad input; the model object (knn_classifier.hpp) against
// the free functions; the cases on a CSV file through the runner.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "common/temporary_file.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/ml/knn.hpp"
#include "gpulab/ml/knn_cases.hpp"
#include "gpulab/ml/knn_classifier.hpp"
#include "gpulab/ml/knn_cpu.hpp"
#include "gpulab/ml/knn_data.hpp"
#include "gpulab/ml/knn_distance.hpp"
#include "gpulab/ml/knn_key.hpp"
#include "common/usage_error_message.hpp"
#include "knn_kernel_arithmetic.hpp"

namespace {

using namespace gpulab::ml;
using gpulab::device_buffer;

gpulab::linalg::matrix_view<const float> device_view(const device_buffer<float>& m, std::int64_t cols) {
  return gpulab::linalg::row_major<const float>(m.data(), static_cast<int>(static_cast<std::int64_t>(m.size()) / cols),
                                                static_cast<int>(cols));
}

struct gpu_answer {
  std::vector<std::int32_t> ids;
  std::vector<float> distances;
};

// One search through a plan and its workspace, into outputs poisoned with 0xFF
// (ids -1, distances NaN): an unwritten element fails every check.
gpu_answer search(const knn_plan& plan, const device_buffer<float>& database, const device_buffer<float>& queries,
                  knn_workspace& work, cuda::stream_ref s) {
  const auto size = static_cast<std::size_t>(plan.query_rows * plan.k);
  device_buffer<std::int32_t> ids(size, s);
  device_buffer<float> distances(size, s);
  ids.fill_bytes_async(0xFF, s);
  distances.fill_bytes_async(0xFF, s);
  knn_search_async(device_view(database, plan.features), device_view(queries, plan.features), ids.data(),
                   distances.data(), work, s);
  return {gpulab::download(ids, s), gpulab::download(distances, s)};
}

// The same, with the database at `offset` floats into its buffer (offset 1: a view that is
// not 16-byte aligned) and the plan's workspace made here; `work` is left for the caller
// to ask (searched_exactly).
gpu_answer search_offset(const knn_plan& plan, const labelled_rows& db, const labelled_rows& q, std::int64_t offset,
                         std::optional<knn_workspace>& work, cuda::stream_ref s) {
  const std::int64_t n = db.rows, d = db.features;
  std::vector<float> padded(static_cast<std::size_t>(offset), 0.0f);
  padded.insert(padded.end(), db.values.begin(), db.values.end());
  const device_buffer<float> database = gpulab::upload(padded, s), queries = gpulab::upload(q.values, s);
  work.emplace(plan, s);
  const auto size = static_cast<std::size_t>(plan.query_rows * plan.k);
  device_buffer<std::int32_t> ids(size, s);
  device_buffer<float> distances(size, s);
  ids.fill_bytes_async(0xFF, s);
  distances.fill_bytes_async(0xFF, s);
  knn_search_async(gpulab::linalg::row_major<const float>(database.data() + offset, static_cast<int>(n),
                                                          static_cast<int>(d)),
                   device_view(queries, d), ids.data(), distances.data(), *work, s);
  return {gpulab::download(ids, s), gpulab::download(distances, s)};
}

// Every query's answer against the CPU's exact brute force under the stated rule
// (knn_cpu.hpp), and every row's own checks (valid distinct ids, distances, order).
void expect_matches_cpu(const labelled_rows& db, const labelled_rows& q, int k, const std::vector<std::int32_t>& ids,
                        const std::vector<float>& distances) {
  const host_matrix hd{db.values.data(), db.rows, db.features}, hq{q.values.data(), q.rows, q.features};
  std::vector<std::int64_t> every(static_cast<std::size_t>(q.rows));
  for (std::int64_t i = 0; i < q.rows; ++i) every[static_cast<std::size_t>(i)] = i;
  const knn_comparison c = compare_knn(hd, hq, every, knn_cpu(hd, hq, k), ids, distances);
  EXPECT_TRUE(c.passed()) << c.summary();
  EXPECT_TRUE(check_knn_rows(hd, hq, k, ids, distances).passed());
}

// The answer must equal, bit for bit, the k smallest (distance(i, r), r) of each query i,
// worked out here on the host: no near-tie allowance.
template <class Distance>
void expect_exact_top_k(std::int64_t n, std::int64_t m, int k, const std::vector<std::int32_t>& ids,
                        const std::vector<float>& distances, Distance distance) {
  std::int64_t wrong = 0;
  std::string first;
  for (std::int64_t i = 0; i < m; ++i) {
    std::vector<std::uint64_t> keys(static_cast<std::size_t>(n));
    for (std::int64_t r = 0; r < n; ++r) keys[static_cast<std::size_t>(r)] = knn_key(distance(i, r), static_cast<std::uint32_t>(r));
    std::partial_sort(keys.begin(), keys.begin() + k, keys.end());
    for (int r = 0; r < k; ++r) {
      const auto at = static_cast<std::size_t>(i * k + r);
      const std::uint64_t want = keys[static_cast<std::size_t>(r)];
      const bool same_id = ids[at] == static_cast<std::int32_t>(knn_key_id(want));
      const bool same_bits = std::bit_cast<std::uint32_t>(distances[at]) == static_cast<std::uint32_t>(want >> 32);
      if ((!same_id || !same_bits) && wrong++ == 0) {
        first = "query " + std::to_string(i) + " rank " + std::to_string(r) + ": id " + std::to_string(ids[at]) +
                " distance " + std::to_string(distances[at]) + ", expected id " + std::to_string(knn_key_id(want)) +
                " distance " + std::to_string(knn_key_distance(want));
      }
    }
  }
  EXPECT_EQ(wrong, 0) << wrong << " wrong of " << m * k << "; the first: " << first;
}

// Rows 900..999 copy rows 0..99 (exact ties: the original must come first);
// query 5 is a copy of database row 123 (its nearest, at distance 0).
void plant_ties(labelled_rows& db, labelled_rows& q) {
  const std::int64_t d = db.features;
  for (std::int64_t i = 0; i < 100; ++i) std::copy_n(db.values.begin() + i * d, d, db.values.begin() + (900 + i) * d);
  std::copy_n(db.values.begin() + 123 * d, d, q.values.begin() + 5 * d);
}

using knn_param = std::tuple<knn_version, int /* k, 0: n */, int /* splits, 0: automatic */, std::int64_t /* d */>;

class ml_knn_gpu : public GpuStreamTest, public ::testing::WithParamInterface<knn_param> {};

TEST_P(ml_knn_gpu, MatchesTheCpuWithTheTieRule) {
  const auto [version, k_param, splits, d] = GetParam();
  constexpr std::int64_t n = 1001, m = 37;
  const int k = k_param == 0 ? static_cast<int>(n) : k_param;
  labelled_rows db = make_blobs(n, d, 5, 31, 32), q = make_blobs(m, d, 5, 31, 33);
  plant_ties(db, q);
  const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
  const knn_plan plan = make_knn_plan(version, n, m, d, d, k, splits);
  knn_workspace work(plan, s);
  const gpu_answer first = search(plan, database, queries, work, s);

  const host_matrix hd{db.values.data(), n, d}, hq{q.values.data(), m, d};
  const knn_cpu_result expected = knn_cpu(hd, hq, k);
  std::vector<std::int64_t> every(m);
  for (std::int64_t i = 0; i < m; ++i) every[static_cast<std::size_t>(i)] = i;
  const knn_comparison rows = check_knn_rows(hd, hq, k, first.ids, first.distances);
  const knn_comparison c = compare_knn(hd, hq, every, expected, first.ids, first.distances);
  EXPECT_TRUE(rows.passed()) << rows.first_problem;
  EXPECT_TRUE(c.passed()) << c.summary();
  // Near ties need two distances within ~1e-5 relative: rare here, never many.
  EXPECT_LE(c.near_ties, m * k / 100 + 2) << c.summary();
  EXPECT_EQ(first.ids[static_cast<std::size_t>(5 * k)], 123) << "query 5 is row 123";
  if (k == n) {  // every row, in the CPU's order (near ties aside): recall is 1 by construction
    EXPECT_DOUBLE_EQ(c.recall(), 1.0);
  }

  // The same search again into fresh poison: the workspace is reusable and the
  // answer deterministic, bit for bit.
  const gpu_answer again = search(plan, database, queries, work, s);
  EXPECT_EQ(first.ids, again.ids);
  EXPECT_EQ(std::memcmp(first.distances.data(), again.distances.data(), first.distances.size() * sizeof(float)), 0);
}

std::string param_name(const ::testing::TestParamInfo<knn_param>& info) {
  const auto [version, k, splits, d] = info.param;
  return std::string(knn_version_name(version)) + "_k" + (k == 0 ? std::string("n") : std::to_string(k)) +
         "_splits" + std::to_string(splits) + "_d" + std::to_string(d);
}

INSTANTIATE_TEST_SUITE_P(odd_sizes, ml_knn_gpu,
                         ::testing::Combine(::testing::Values(knn_version::naive, knn_version::fused,
                                                              knn_version::tf32_rerank),
                                            ::testing::Values(1, 5, 64, 0), ::testing::Values(0, 3),
                                            ::testing::Values<std::int64_t>(7, 33, 64)),
                         param_name);

// The rule of gpulab/ml/knn_distance.hpp on the GPU: one row copied to every
// third row of the database (rows 0, 3, ..., 999: every offset modulo 4, the
// 128-row tile, the naive kernel's 256-row block and the splits; at d = 7 and
// 33 every row start modulo 16 bytes), k = n. Each query must give all copies
// the same float distance, bit for bit, and list them in increasing id order.
// Query 0 is the copied row itself (distance 0, or the expanded form's rounding).
using copies_param = std::tuple<knn_version, int /* splits */, std::int64_t /* d */>;
class ml_knn_gpu_copies : public GpuStreamTest, public ::testing::WithParamInterface<copies_param> {};

TEST_P(ml_knn_gpu_copies, IdenticalRowsGetBitwiseEqualDistancesInIdOrder) {
  const auto [version, splits, d] = GetParam();
  constexpr std::int64_t n = 1000, m = 9, every = 3;
  constexpr int k = static_cast<int>(n);
  labelled_rows db = make_blobs(n, d, 4, 51, 52), q = make_blobs(m, d, 4, 51, 53);
  for (std::int64_t r = every; r < n; r += every) std::copy_n(db.values.begin(), d, db.values.begin() + r * d);
  std::copy_n(db.values.begin(), d, q.values.begin());
  const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
  const knn_plan plan = make_knn_plan(version, n, m, d, d, k, splits);
  knn_workspace work(plan, s);
  const gpu_answer answer = search(plan, database, queries, work, s);

  for (std::int64_t query = 0; query < m; ++query) {
    std::int32_t last_copy = -1;
    std::uint32_t copy_bits = 0;
    int copies = 0;
    for (int j = 0; j < k; ++j) {
      const auto at = static_cast<std::size_t>(query * k + j);
      const std::int32_t id = answer.ids[at];
      if (id < 0 || id % every != 0) continue;
      std::uint32_t bits = 0;
      std::memcpy(&bits, &answer.distances[at], sizeof bits);
      if (copies == 0) copy_bits = bits;
      EXPECT_EQ(bits, copy_bits) << "query " << query << ": copy " << id << " at rank " << j << " has distance "
                                 << answer.distances[at] << ", the first copy (id " << last_copy << ") another";
      EXPECT_GT(id, last_copy) << "query " << query << " rank " << j << ": copies must come in id order";
      last_copy = id;
      ++copies;
    }
    EXPECT_EQ(copies, (n + every - 1) / every) << "query " << query << ": every copy listed";
  }
  const host_matrix hd{db.values.data(), n, d}, hq{q.values.data(), m, d};
  std::vector<std::int64_t> all(m);
  for (std::int64_t i = 0; i < m; ++i) all[static_cast<std::size_t>(i)] = i;
  const knn_comparison c = compare_knn(hd, hq, all, knn_cpu(hd, hq, k), answer.ids, answer.distances);
  EXPECT_TRUE(c.passed()) << c.summary();
  EXPECT_TRUE(check_knn_rows(hd, hq, k, answer.ids, answer.distances).passed());
}

std::string copies_name(const ::testing::TestParamInfo<copies_param>& info) {
  const auto [version, splits, d] = info.param;
  return std::string(knn_version_name(version)) + "_splits" + std::to_string(splits) + "_d" + std::to_string(d);
}

INSTANTIATE_TEST_SUITE_P(every_offset, ml_knn_gpu_copies,
                         ::testing::Combine(::testing::Values(knn_version::naive, knn_version::fused,
                                                              knn_version::tf32_rerank),
                                            ::testing::Values(0, 3), ::testing::Values<std::int64_t>(7, 33)),
                         copies_name);

// 20011 rows in one split: 157 tiles, so each query's buffer is merged into its
// running list again and again (k = 10: rarely after the start; k = 1024: often).
class ml_knn_gpu_merges : public GpuStreamTest, public ::testing::WithParamInterface<std::tuple<knn_version, int>> {};

TEST_P(ml_knn_gpu_merges, KeepTheExactTopKThroughManyMerges) {
  const auto [version, k] = GetParam();
  constexpr std::int64_t n = 20011, m = 45, d = 16;
  const labelled_rows db = make_blobs(n, d, 6, 41, 42), q = make_blobs(m, d, 6, 41, 43);
  const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
  const knn_plan plan = make_knn_plan(version, n, m, d, d, k, 1);
  knn_workspace work(plan, s);
  const gpu_answer answer = search(plan, database, queries, work, s);
  expect_matches_cpu(db, q, k, answer.ids, answer.distances);
}

INSTANTIATE_TEST_SUITE_P(large, ml_knn_gpu_merges,
                         ::testing::Combine(::testing::Values(knn_version::fused, knn_version::tf32_rerank),
                                            ::testing::Values(10, 32, 33, 300, 1024)));

// The small-k kernel (fused, k <= 32, d <= 64: knn_fused_small_k.cuh) at the
// edges of its tiles: 300 queries (a full block of 256 and a short one), 5003
// rows (a short last tile), k = 1, 10 and 32 (one key a lane, the last lane
// used), d = 64 (16-byte copies) and d = 30 (one float at a time), automatic and
// forced splits. Row 0 is copied to 32 rows 157 apart (every offset modulo the
// 128-row tile and the lane's 4 rows, both halves of a tile) and query 7 is row
// 0: its answer must be exactly those 32 ids at k = 32, in id order, with one
// distance bit pattern.
using small_k_param = std::tuple<int /* k */, int /* splits */, std::int64_t /* d */>;
class ml_knn_gpu_small_k : public GpuStreamTest, public ::testing::WithParamInterface<small_k_param> {};

TEST_P(ml_knn_gpu_small_k, MatchesTheCpuAcrossQueryBlocksAndTiles) {
  const auto [k, splits, d] = GetParam();
  constexpr std::int64_t n = 5003, m = 300, copies = 32, apart = 157;
  labelled_rows db = make_blobs(n, d, 7, 61, 62), q = make_blobs(m, d, 7, 61, 63);
  for (std::int64_t c = 1; c < copies; ++c) std::copy_n(db.values.begin(), d, db.values.begin() + c * apart * d);
  std::copy_n(db.values.begin(), d, q.values.begin() + 7 * d);
  const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
  const knn_plan plan = make_knn_plan(knn_version::fused, n, m, d, d, k, splits);
  ASSERT_TRUE(plan.small_k);
  knn_workspace work(plan, s);
  const gpu_answer answer = search(plan, database, queries, work, s);
  expect_matches_cpu(db, q, k, answer.ids, answer.distances);
  // Query 7 = row 0: the copies first, in id order, bitwise one distance. (At d < 16 a
  // distinct row near query 7 can round to distance 0 as the copies do and come first by id.)
  for (int j = 0; j < (d >= 16 ? k : 0); ++j) {
    const auto at = static_cast<std::size_t>(7 * k + j);
    EXPECT_EQ(answer.ids[at], j * apart) << "query 7, rank " << j;
    EXPECT_EQ(std::memcmp(&answer.distances[at], &answer.distances[7 * static_cast<std::size_t>(k)], sizeof(float)), 0)
        << "query 7, rank " << j;
  }
}

std::string small_k_name(const ::testing::TestParamInfo<small_k_param>& info) {
  const auto [k, splits, d] = info.param;
  return "k" + std::to_string(k) + "_splits" + std::to_string(splits) + "_d" + std::to_string(d);
}

INSTANTIATE_TEST_SUITE_P(edges, ml_knn_gpu_small_k,
                         ::testing::Combine(::testing::Values(1, 10, 32), ::testing::Values(0, 2, 7),
                                            ::testing::Values<std::int64_t>(64, 30, 61, 3, 1)),
                         small_k_name);

// The small-k kernel's other edges: a database view that starts 4 bytes into its
// buffer (d = 64, yet one float at a time: the runtime choice of the copy), a last
// split shorter than k (517 rows in 5 splits: 5 rows), one short tile (40 rows), and
// a database ordered from far to near for query 0 (every tile of its split brings
// rows that beat the full list: the threshold falls and is rewritten tile after tile).
class ml_knn_gpu_small_k_edges : public GpuStreamTest {
 protected:
  // Searches db with q through a plan of `splits`, the database at `offset` floats
  // into its buffer; checks against the CPU; returns the GPU's ids.
  std::vector<std::int32_t> check(const labelled_rows& db, const labelled_rows& q, int k, int splits,
                                  std::int64_t offset = 0) {
    const knn_plan plan = make_knn_plan(knn_version::fused, db.rows, q.rows, db.features, q.features, k, splits);
    EXPECT_TRUE(plan.small_k);
    std::optional<knn_workspace> work;
    const gpu_answer got = search_offset(plan, db, q, offset, work, s);
    expect_matches_cpu(db, q, k, got.ids, got.distances);
    return got.ids;
  }
};

TEST_F(ml_knn_gpu_small_k_edges, AnUnalignedDatabaseIsCopiedAFloatAtATime) {
  check(make_blobs(3001, 64, 5, 71, 72), make_blobs(130, 64, 5, 71, 73), 10, 3, 1);
}

TEST_F(ml_knn_gpu_small_k_edges, ASplitShorterThanKAndASingleShortTile) {
  check(make_blobs(517, 16, 4, 81, 82), make_blobs(300, 16, 4, 81, 83), 32, 5);
  check(make_blobs(517, 16, 4, 81, 82), make_blobs(300, 16, 4, 81, 83), 1, 5);
  check(make_blobs(40, 9, 3, 84, 85), make_blobs(20, 9, 3, 84, 86), 32, 0);
}

TEST_F(ml_knn_gpu_small_k_edges, ADatabaseFromFarToNearKeepsReplacingTheList) {
  constexpr std::int64_t n = 5003, d = 24;
  const labelled_rows blobs = make_blobs(n, d, 6, 91, 92), q = make_blobs(37, d, 6, 91, 93);
  std::vector<std::pair<double, std::int64_t>> order;  // rows by decreasing distance to query 0
  for (std::int64_t r = 0; r < n; ++r) {
    double sum = 0;
    for (std::int64_t j = 0; j < d; ++j) {
      const double diff = static_cast<double>(blobs.values[static_cast<std::size_t>(r * d + j)]) -
                          q.values[static_cast<std::size_t>(j)];
      sum += diff * diff;
    }
    order.emplace_back(-sum, r);
  }
  std::sort(order.begin(), order.end());
  labelled_rows db = blobs;
  for (std::int64_t r = 0; r < n; ++r) {
    std::copy_n(blobs.values.begin() + order[static_cast<std::size_t>(r)].second * d, d, db.values.begin() + r * d);
  }
  const std::vector<std::int32_t> ids = check(db, q, 10, 1);
  EXPECT_EQ(ids[0], n - 1) << "query 0's nearest is the last row";
}

// The splits of a query share a bound (knn_fused_small_k.cuh): 300 splits of one tile
// each and 2 query blocks make 600 blocks, several waves on any GPU, so most blocks start
// from bounds that earlier ones wrote when they ended, and take few candidates. Row 0 is
// copied to 32 rows 1199 apart (at most one a split) and query 7 is row 0: the answer, the
// copies in id order at k = 32 and k = 10, is spread over 32 splits, tied to the bit. (Which
// split writes a bound first depends on the order blocks run in; the answer must not.)
TEST_F(ml_knn_gpu_small_k_edges, ManySplitsShareABoundAndKeepEveryTiedCopy) {
  constexpr std::int64_t splits = 300, n = splits * 128, m = 300, d = 64, copies = 32, apart = 1199;
  labelled_rows db = make_blobs(n, d, 7, 111, 112), q = make_blobs(m, d, 7, 111, 113);
  for (std::int64_t c = 1; c < copies; ++c) std::copy_n(db.values.begin(), d, db.values.begin() + c * apart * d);
  std::copy_n(db.values.begin(), d, q.values.begin() + 7 * d);
  for (const int k : {32, 10}) {
    const knn_plan plan = make_knn_plan(knn_version::fused, n, m, d, d, k, static_cast<int>(splits));
    ASSERT_EQ(plan.splits, splits);
    const std::vector<std::int32_t> ids = check(db, q, k, static_cast<int>(splits));
    for (int j = 0; j < k; ++j) EXPECT_EQ(ids[static_cast<std::size_t>(7 * k + j)], j * apart) << "k " << k << ", rank " << j;
  }
}

// The splits' lists are merged, one lane a list, up to 32 splits; from 33 they are sorted.
// Both sides of that limit, with one tile a split, k = 32 (every key of a list) and k = 10,
// and 32 copies of row 0 (query 7) one in each of the first 32 splits: its answer takes
// the head of every list in turn, tied to the bit, in id order.
TEST_F(ml_knn_gpu_small_k_edges, ThirtyTwoListsAreMergedAndThirtyThreeSorted) {
  for (const std::int64_t splits : {32, 33}) {
    const std::int64_t n = splits * 128, m = 300, d = 64, copies = 32;
    labelled_rows db = make_blobs(n, d, 7, 121, 122), q = make_blobs(m, d, 7, 121, 123);
    for (std::int64_t c = 1; c < copies; ++c) std::copy_n(db.values.begin(), d, db.values.begin() + c * 128 * d);
    std::copy_n(db.values.begin(), d, q.values.begin() + 7 * d);
    for (const int k : {32, 10}) {
      const knn_plan plan = make_knn_plan(knn_version::fused, n, m, d, d, k, static_cast<int>(splits));
      ASSERT_EQ(plan.splits, splits);
      EXPECT_EQ(plan.merge_lists, splits <= 32);
      const std::vector<std::int32_t> ids = check(db, q, k, static_cast<int>(splits));
      for (int j = 0; j < k; ++j) {
        EXPECT_EQ(ids[static_cast<std::size_t>(7 * k + j)], j * 128) << splits << " splits, k " << k << ", rank " << j;
      }
    }
  }
}

// The kernel's cheap test (knn_filter_bound: one FMA a row against a slightly looser bound)
// must turn away no candidate. Two tests, both against the k smallest keys of the kernel's
// own arithmetic (knn_kernel_arithmetic.hpp) worked out on the host, bit for bit.
class ml_knn_gpu_cheap_test : public GpuStreamTest {
 protected:
  void expect_kernel_arithmetic(const labelled_rows& db, const labelled_rows& q, int k, int splits) {
    const std::int64_t n = db.rows, m = q.rows, d = db.features;
    std::vector<float> db_norms, q_norms;
    for (std::int64_t r = 0; r < n; ++r) db_norms.push_back(kernel_arithmetic::row_norm(db.values.data() + r * d, d));
    for (std::int64_t i = 0; i < m; ++i) q_norms.push_back(kernel_arithmetic::row_norm(q.values.data() + i * d, d));
    const knn_plan plan = make_knn_plan(knn_version::fused, n, m, d, d, k, splits);
    ASSERT_TRUE(plan.small_k);
    ASSERT_EQ(plan.splits, splits);
    std::optional<knn_workspace> work;
    const gpu_answer got = search_offset(plan, db, q, 0, work, s);
    expect_exact_top_k(n, m, k, got.ids, got.distances, [&](std::int64_t i, std::int64_t r) {
      const float dot = kernel_arithmetic::dot(q.values.data() + i * d, db.values.data() + r * d, d);
      return knn_expanded_distance(q_norms[static_cast<std::size_t>(i)], db_norms[static_cast<std::size_t>(r)], dot);
    });
  }
};

// Far from the origin (every value 300 or 3000 plus blobs scaled to about +-1) the norms'
// rounding is as large as the gaps between neighbours, and many distances tie: a bound
// tighter than the exact test by more than a rounding loses rows.
TEST_F(ml_knn_gpu_cheap_test, FarFromTheOriginTurnsAwayNoCandidate) {
  for (const float offset : {300.0f, 3000.0f}) {
    labelled_rows db = make_blobs(4001, 64, 5, 141, 142), q = make_blobs(300, 64, 5, 141, 143);
    for (labelled_rows* rows : {&db, &q}) {
      for (float& v : rows->values) v = offset + v / 8.0f;
    }
    for (const int k : {10, 32}) {
      SCOPED_TRACE("offset " + std::to_string(offset) + ", k " + std::to_string(k));
      expect_kernel_arithmetic(db, q, k, 4);
    }
  }
}

// A row whose distance equals the threshold exactly, where the threshold is a later split's
// bound: the row must still pass (a bound with no slack turned 50 of the 300 away: H100,
// docs/perf-notes.md, thirty-third session).
// Two splits of 32 tiles, 300 queries, k = 1; every row is far (+20 a feature) but two copies
// of each query's target (the query + 0.5 a feature, distance about 16): row 4096 + i in
// split 1's first tiles and row 2048 + i in split 0's tile 16 on. Split 1 finds its copy at
// once and shares it as the bound by tile 7; split 0 reads it at tile 15, before its own
// copy, which ties the bound's distance and wins on its smaller id. That needs the 4 blocks
// to run together (they do on any GPU of 4 SMs or more, unless others hold the SMs): if
// they did not, the test would pass without meeting the tie; it cannot fail wrongly.
TEST_F(ml_knn_gpu_cheap_test, ALaterSplitsBoundAtExactlyTheDistanceLetsTheRowIn) {
  constexpr std::int64_t n = 8192, m = 300, d = 64;
  labelled_rows q = make_blobs(m, d, 5, 151, 152), db = make_blobs(n, d, 5, 151, 153);
  for (float& v : q.values) v = 300.0f + v / 8.0f;
  for (float& v : db.values) v = 320.0f + v / 8.0f;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < d; ++j) {
      const float target = q.values[static_cast<std::size_t>(i * d + j)] + 0.5f;
      db.values[static_cast<std::size_t>((2048 + i) * d + j)] = target;
      db.values[static_cast<std::size_t>((4096 + i) * d + j)] = target;
    }
  }
  expect_kernel_arithmetic(db, q, 1, 2);
}

// The general fused kernel (k > 32: knn_fused.cuh) hands over sorted lists too: merged
// up to 32 splits, sorted from 33 (one tile a split, k = 40).
class ml_knn_gpu_general_lists : public GpuStreamTest {};

TEST_F(ml_knn_gpu_general_lists, ThirtyTwoAreMergedAndThirtyThreeSorted) {
  for (const std::int64_t splits : {32, 33}) {
    const std::int64_t n = splits * 128, m = 45, d = 16;
    constexpr int k = 40;
    const labelled_rows db = make_blobs(n, d, 6, 131, 132), q = make_blobs(m, d, 6, 131, 133);
    const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
    const knn_plan plan = make_knn_plan(knn_version::fused, n, m, d, d, k, static_cast<int>(splits));
    ASSERT_EQ(plan.splits, splits);
    ASSERT_FALSE(plan.small_k);
    EXPECT_EQ(plan.merge_lists, splits <= 32);
    knn_workspace work(plan, s);
    const gpu_answer answer = search(plan, database, queries, work, s);
    expect_matches_cpu(db, q, k, answer.ids, answer.distances);
  }
}

// tf32_rerank's filter and refine (k <= 32, d <= 64, d % 4 == 0): exact by construction,
// so the answer must equal, bit for bit, the k smallest (distance, id) of the float formula
// it re-ranks with (knn_direct_distance), worked out here on the host: no near-tie allowance.
// Also: the queries searched exactly (no bound: fewer sample tiles than k; a full segment).
class ml_knn_gpu_tf32_filter : public GpuStreamTest {
 protected:
  struct answer {
    std::vector<std::int32_t> ids;
    std::vector<float> distances;
    unsigned searched_exactly = 0;
  };
  // Each test runs once a score-pass instruction: `best` (wgmma on compute capability 9.0,
  // which the test asserts ran: otherwise the mma.sync pass would be tested twice) and mma_sync.
  answer run(const labelled_rows& db, const labelled_rows& q, int k, int splits, tf32_pass_instruction instruction,
             std::int64_t offset = 0) {
    knn_plan plan = make_knn_plan(knn_version::tf32_rerank, db.rows, q.rows, db.features, q.features, k, splits);
    EXPECT_TRUE(plan.tf32_filter);
    plan.tf32_instruction = instruction;
    std::optional<knn_workspace> work;
    gpu_answer got = search_offset(plan, db, q, offset, work, s);
    const gpulab::compute_capability_number cc = gpulab::current_compute_capability();
    const bool hopper = cc.major == 9 && cc.minor == 0;
    EXPECT_EQ(work->uses_wgmma(), instruction == tf32_pass_instruction::best && hopper)
        << "compute capability " << cc.major << "." << cc.minor;
    return {std::move(got.ids), std::move(got.distances), work->searched_exactly(s)};
  }
  // The float formula's exact top k on the host, compared bit for bit.
  static void expect_exact(const labelled_rows& db, const labelled_rows& q, int k, const answer& got) {
    const std::int64_t d = db.features;
    expect_exact_top_k(db.rows, q.rows, k, got.ids, got.distances, [&](std::int64_t i, std::int64_t r) {
      return knn_direct_distance(q.values.data() + i * d, db.values.data() + r * d, d);
    });
  }
};

using tf32_filter_shape = std::tuple<std::int64_t /* n */, std::int64_t /* m */, std::int64_t /* d */, int /* k */,
                                     int /* splits, 0: automatic */>;
using tf32_filter_param = std::tuple<tf32_filter_shape, tf32_pass_instruction>;
class ml_knn_gpu_tf32_filter_shapes : public ml_knn_gpu_tf32_filter,
                                      public ::testing::WithParamInterface<tf32_filter_param> {};
const char* instruction_name(tf32_pass_instruction instruction) {
  return instruction == tf32_pass_instruction::best ? "best" : "mma_sync";
}
std::string instruction_test_name(const ::testing::TestParamInfo<tf32_pass_instruction>& info) {
  return instruction_name(info.param);
}

// Blobs with planted exact ties (rows 900..999 copy 0..99) and a query on a row; odd n and
// m (a last tile, a last query block and a last range all partial), d from 4 to 64 (the
// last k-step half empty at d % 8 == 4), k from 1 to 32, automatic and forced ranges.
TEST_P(ml_knn_gpu_tf32_filter_shapes, EqualsTheFloatFormulasTopKBitForBit) {
  const auto [shape, instruction] = GetParam();
  const auto [n, m, d, k, splits] = shape;
  labelled_rows db = make_blobs(n, d, 7, 101, 102), q = make_blobs(m, d, 7, 101, 103);
  plant_ties(db, q);
  const answer got = run(db, q, k, splits, instruction);
  expect_exact(db, q, k, got);
  EXPECT_EQ(got.searched_exactly, 0u) << "every query had a bound and room for its candidates";
  EXPECT_EQ(got.ids[static_cast<std::size_t>(5 * k)], 123) << "query 5 is row 123";
}

std::string tf32_filter_name(const ::testing::TestParamInfo<tf32_filter_param>& info) {
  const auto [shape, instruction] = info.param;
  const auto [n, m, d, k, splits] = shape;
  return "n" + std::to_string(n) + "_m" + std::to_string(m) + "_d" + std::to_string(d) + "_k" + std::to_string(k) +
         "_splits" + std::to_string(splits) + "_" + instruction_name(instruction);
}

INSTANTIATE_TEST_SUITE_P(shapes, ml_knn_gpu_tf32_filter_shapes,
                         ::testing::Combine(::testing::Values(tf32_filter_shape{20011, 300, 64, 10, 0},
                                                              tf32_filter_shape{20011, 300, 32, 32, 3},
                                                              tf32_filter_shape{5003, 129, 4, 1, 0},
                                                              tf32_filter_shape{70001, 257, 60, 16, 5},
                                                              tf32_filter_shape{1001, 37, 12, 5, 0},
                                                              tf32_filter_shape{3001, 130, 20, 17, 2},
                                                              tf32_filter_shape{9001, 131, 36, 8, 0},
                                                              // ranges shorter than the wgmma pass's 3 stages: 33 of
                                                              // one tile, 17 of two (each last one a partial tile);
                                                              // the sample's second range is one partial tile
                                                              tf32_filter_shape{4196, 130, 64, 10, 33},
                                                              tf32_filter_shape{4196, 300, 20, 5, 17}),
                                            ::testing::Values(tf32_pass_instruction::best,
                                                              tf32_pass_instruction::mma_sync)),
                         tf32_filter_name);

// The other filter tests, once a score-pass instruction.
class ml_knn_gpu_tf32_filter_edges : public ml_knn_gpu_tf32_filter,
                                     public ::testing::WithParamInterface<tf32_pass_instruction> {};

// 1001 rows are 8 sample tiles: fewer than k = 10 minima, so no bound: every query is
// searched exactly over the whole database, with the same answer.
TEST_P(ml_knn_gpu_tf32_filter_edges, WithoutABoundEveryQueryIsSearchedExactly) {
  labelled_rows db = make_blobs(1001, 16, 4, 111, 112), q = make_blobs(41, 16, 4, 111, 113);
  plant_ties(db, q);
  const answer got = run(db, q, 10, 0, GetParam());
  expect_exact(db, q, 10, got);
  EXPECT_EQ(got.searched_exactly, 41u);
}

// 3000 copies of query 0 among 200 other rows: every copy is under the bound, so the one range's
// segment (512) overflows and the query is searched exactly: the first k copies by id.
TEST_P(ml_knn_gpu_tf32_filter_edges, AFullSegmentMeansAnExactSearch) {
  constexpr std::int64_t n = 3200, d = 8;
  labelled_rows db = make_blobs(n, d, 3, 121, 122), q = make_blobs(5, d, 3, 121, 123);
  for (std::int64_t r = 100; r < 3100; ++r) std::copy_n(q.values.begin(), d, db.values.begin() + r * d);
  const answer got = run(db, q, 10, 1, GetParam());
  expect_exact(db, q, 10, got);
  for (int r = 0; r < 10; ++r) EXPECT_EQ(got.ids[static_cast<std::size_t>(r)], 100 + r);
  EXPECT_GE(got.searched_exactly, 1u);
}

// Every value 1000 more (rows and queries): the distances are the same, but uncentred TF32
// scores would carry an error of ~2 * 2^-9 * |q| |x| = ~1.25e5 here and let every row through.
// The search centres the data first, so the filter stays tight: no query searched exactly.
TEST_P(ml_knn_gpu_tf32_filter_edges, FarFromTheOriginTheCentringKeepsTheFilterTight) {
  labelled_rows db = make_blobs(20011, 32, 7, 141, 142), q = make_blobs(200, 32, 7, 141, 143);
  for (float& v : db.values) v += 1000.0f;
  for (float& v : q.values) v += 1000.0f;
  const answer got = run(db, q, 10, 0, GetParam());
  expect_exact(db, q, 10, got);
  EXPECT_EQ(got.searched_exactly, 0u);
}

// A database view 4 bytes into its buffer cannot be copied 16 bytes at a time: the general
// path runs (the workspace holds both); its answer follows the CPU's rule.
TEST_P(ml_knn_gpu_tf32_filter_edges, AnUnalignedDatabaseTakesTheGeneralPath) {
  const labelled_rows db = make_blobs(3001, 64, 5, 131, 132), q = make_blobs(130, 64, 5, 131, 133);
  const answer got = run(db, q, 10, 3, GetParam(), 1);
  expect_matches_cpu(db, q, 10, got.ids, got.distances);
  EXPECT_EQ(got.searched_exactly, 0u);
}

INSTANTIATE_TEST_SUITE_P(each_instruction, ml_knn_gpu_tf32_filter_edges,
                         ::testing::Values(tf32_pass_instruction::best, tf32_pass_instruction::mma_sync),
                         instruction_test_name);

class ml_knn_gpu_vote : public GpuStreamTest {};

TEST_F(ml_knn_gpu_vote, MajorityWithTiesToTheSmallestLabelAsOnTheCpu) {
  // The hand example of the host test: {1, 2, 0}; then random rows against knn_vote_cpu.
  const std::vector<std::int32_t> labels = {2, 1, 1, 2, 0, 0};
  const std::vector<std::int32_t> ids = {0, 1, 2, 0, 1, 3, 4, 3, 1};
  const device_buffer<std::int32_t> d_labels = gpulab::upload(labels, s), d_ids = gpulab::upload(ids, s);
  device_buffer<std::int32_t> predictions(3, s);
  predictions.fill_bytes_async(0xFF, s);
  knn_vote_async(d_ids.data(), 3, 3, d_labels.data(), 6, 3, predictions.data(), s);
  EXPECT_EQ(gpulab::download(predictions, s), (std::vector<std::int32_t>{1, 2, 0}));

  for (const int k : {1, 4, 37, 1024}) {
    constexpr std::int64_t rows = 301, n = 5000;
    constexpr int classes = 67;  // more than 32: each lane scans several bins
    std::vector<std::int32_t> many_labels(n), many_ids(static_cast<std::size_t>(rows * k));
    for (std::int64_t i = 0; i < n; ++i) many_labels[static_cast<std::size_t>(i)] = static_cast<std::int32_t>((i * 7919) % classes / (1 + i % 3));
    for (std::size_t i = 0; i < many_ids.size(); ++i) many_ids[i] = static_cast<std::int32_t>((i * 2654435761u) % n);
    const device_buffer<std::int32_t> l = gpulab::upload(many_labels, s), v = gpulab::upload(many_ids, s);
    device_buffer<std::int32_t> out(rows, s);
    out.fill_bytes_async(0xFF, s);
    knn_vote_async(v.data(), rows, k, l.data(), n, classes, out.data(), s);
    EXPECT_EQ(gpulab::download(out, s), knn_vote_cpu(many_ids, k, many_labels, classes)) << "k " << k;
  }

  // An id or a label out of range gives -1, never a vote.
  const std::vector<std::int32_t> bad_ids = {0, -1, 2, 0, 1, 2};
  const std::vector<std::int32_t> bad_labels = {2, 7, 1};
  const device_buffer<std::int32_t> bi = gpulab::upload(bad_ids, s), bl = gpulab::upload(bad_labels, s);
  device_buffer<std::int32_t> out(2, s);
  knn_vote_async(bi.data(), 2, 3, bl.data(), 3, 3, out.data(), s);
  EXPECT_EQ(gpulab::download(out, s), (std::vector<std::int32_t>{-1, -1}));
  EXPECT_THROW(knn_vote_async(bi.data(), 2, 3, bl.data(), 3, 0, out.data(), s), gpulab::usage_error);
  EXPECT_THROW(knn_vote_async(bi.data(), 2, 0, bl.data(), 3, 3, out.data(), s), gpulab::usage_error);
}

class ml_knn_gpu_bad_input : public GpuStreamTest {};

TEST_F(ml_knn_gpu_bad_input, IsRefusedWithOneClearError) {
  const labelled_rows db = make_blobs(101, 5, 3, 1, 2), q = make_blobs(9, 5, 3, 1, 3);
  const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
  device_buffer<std::int32_t> ids(9 * 101, s);
  device_buffer<float> distances(9 * 101, s);
  const auto d_view = device_view(database, 5), q_view = device_view(queries, 5);
  for (const knn_version v : {knn_version::naive, knn_version::fused, knn_version::tf32_rerank}) {
    EXPECT_NO_THROW(knn_search(v, d_view, q_view, 101, ids.data(), distances.data(), s));  // k = n is fine
    EXPECT_THROW(knn_search(v, d_view, q_view, 0, ids.data(), distances.data(), s), gpulab::usage_error);
    EXPECT_THROW(knn_search(v, d_view, q_view, 102, ids.data(), distances.data(), s), gpulab::usage_error);
    // Mismatched features: the queries' floats read as 15 x 3.
    const auto three = gpulab::linalg::row_major<const float>(queries.data(), 15, 3);
    EXPECT_THROW(knn_search(v, d_view, three, 3, ids.data(), distances.data(), s), gpulab::usage_error);
    // A padded (not packed) matrix.
    const auto padded = gpulab::linalg::row_major<const float>(database.data(), 50, 5, 10);
    EXPECT_THROW(knn_search(v, padded, q_view, 3, ids.data(), distances.data(), s), gpulab::usage_error);
  }
  // NaN or Inf anywhere in either matrix.
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    std::vector<float> with_bad = db.values;
    with_bad[with_bad.size() - 1] = bad;  // the very last value: the count reaches the tail
    const device_buffer<float> bad_database = gpulab::upload(with_bad, s);
    EXPECT_THROW(knn_search(knn_version::fused, device_view(bad_database, 5), q_view, 3, ids.data(), distances.data(), s),
                 gpulab::numerical_error);
    std::vector<float> bad_q = q.values;
    bad_q[7] = -bad;
    const device_buffer<float> bad_queries = gpulab::upload(bad_q, s);
    EXPECT_THROW(knn_search(knn_version::naive, d_view, device_view(bad_queries, 5), 3, ids.data(), distances.data(), s),
                 gpulab::numerical_error);
  }
  // A finite value past knn_largest_value(5) (1.46e18), where a float norm could overflow: the CPU's
  // one-line error, for every version, in either matrix.
  const auto past = static_cast<float>(gpulab::ml::knn_largest_value(5) * 1.001);
  for (const float bad : {past, -past, 1e19f}) {
    std::vector<float> with_bad = db.values, bad_q = q.values;
    with_bad[7] = bad;
    bad_q[bad_q.size() - 1] = bad;
    const device_buffer<float> bad_database = gpulab::upload(with_bad, s), bad_queries = gpulab::upload(bad_q, s);
    for (const knn_version v : {knn_version::naive, knn_version::fused, knn_version::tf32_rerank}) {
      try {
        knn_search(v, device_view(bad_database, 5), q_view, 3, ids.data(), distances.data(), s);
        ADD_FAILURE() << bad << " in the database was accepted";
      } catch (const gpulab::numerical_error& e) {
        EXPECT_EQ(std::string(e.what()), gpulab::ml::knn_out_of_range_message("database", 1, 5));
      }
      EXPECT_THROW(knn_search(v, d_view, device_view(bad_queries, 5), 3, ids.data(), distances.data(), s),
                   gpulab::numerical_error);
    }
  }
  // A workspace planned for other shapes.
  knn_workspace work(make_knn_plan(knn_version::fused, 100, 9, 5, 5, 3), s);
  EXPECT_THROW(knn_search_async(d_view, q_view, ids.data(), distances.data(), work, s), gpulab::usage_error);
}

// Data scaled so that its largest magnitude is knn_largest_value(d) rounded down to a float, the
// largest the check lets through: every version still matches the CPU under the tie rule (no
// norm, product or distance overflows), at d = 5 and d = 64, the small-k and general fused paths.
TEST_F(ml_knn_gpu_bad_input, AtTheLargestValueAllowedEveryVersionMatchesTheCpu) {
  for (const std::int64_t d : {5, 64}) {
    labelled_rows db = make_blobs(1001, d, 4, 11, 12), q = make_blobs(37, d, 4, 11, 13);
    float largest = 0;
    for (const labelled_rows* m : {&db, &q}) {
      for (const float v : m->values) largest = std::max(largest, std::abs(v));
    }
    const double limit = gpulab::ml::knn_largest_value(d);
    for (labelled_rows* m : {&db, &q}) {
      for (float& v : m->values) {
        v = static_cast<float>(static_cast<double>(v) / largest * limit);
        if (std::abs(static_cast<double>(v)) > limit) v = std::nextafter(v, 0.0f);  // rounded down to the limit
      }
    }
    const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
    for (const knn_version v : {knn_version::naive, knn_version::fused, knn_version::tf32_rerank}) {
      for (const int k : {5, 64}) {
        const auto size = static_cast<std::size_t>(q.rows * k);
        device_buffer<std::int32_t> ids(size, s);
        device_buffer<float> distances(size, s);
        ids.fill_bytes_async(0xFF, s);
        distances.fill_bytes_async(0xFF, s);
        ASSERT_NO_THROW(knn_search(v, device_view(database, d), device_view(queries, d), k, ids.data(),
                                   distances.data(), s))
            << knn_version_name(v) << " d " << d << " k " << k;
        SCOPED_TRACE(std::string(knn_version_name(v)) + " d " + std::to_string(d) + " k " + std::to_string(k));
        expect_matches_cpu(db, q, k, gpulab::download(ids, s), gpulab::download(distances, s));
      }
    }
  }
}

// The model is a thin layer on the free functions: fit + kneighbors_async equals knn_search bit
// for bit, and predict_async equals knn_vote_async on those neighbours (and the CPU's vote), on
// seeded odd-sized data; a second query count makes a new workspace, the first count again too.
using classifier_param = std::tuple<knn_version, std::int64_t /* d */>;

class ml_knn_gpu_classifier : public GpuTest, public ::testing::WithParamInterface<classifier_param> {};

TEST_P(ml_knn_gpu_classifier, EqualsTheFreeFunctionsBitForBit) {
  const auto [version, d] = GetParam();
  constexpr std::int64_t n = 1001, m = 37;
  constexpr int k = 5, classes = 5;
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const labelled_rows db = make_blobs(n, d, classes, 41, 42), q = make_blobs(m, d, classes, 41, 43);
  const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
  const device_buffer<std::int32_t> labels = gpulab::upload(db.labels, s);
  knn_classifier model(res, {.k = k, .version = version, .classes = classes});
  model.fit(device_view(database, d), labels.span());
  ASSERT_TRUE(model.fitted());
  for (const std::int64_t rows : {m, std::int64_t{20}, m}) {
    SCOPED_TRACE(std::string(knn_version_name(version)) + " d " + std::to_string(d) + " queries " + std::to_string(rows));
    const auto query_view = gpulab::linalg::row_major<const float>(queries.data(), static_cast<int>(rows), static_cast<int>(d));
    const auto size = static_cast<std::size_t>(rows * k);
    device_buffer<std::int32_t> ids(size, s), want_ids(size, s);
    device_buffer<float> distances(size, s), want_distances(size, s);
    device_buffer<std::int32_t> predictions(static_cast<std::size_t>(rows), s), want_predictions(static_cast<std::size_t>(rows), s);
    ids.fill_bytes_async(0xFF, s);
    distances.fill_bytes_async(0xFF, s);
    predictions.fill_bytes_async(0xFF, s);
    model.kneighbors_async(query_view, ids.span(), distances.span());
    model.predict_async(query_view, predictions.span());
    knn_search(version, device_view(database, d), query_view, k, want_ids.data(), want_distances.data(), s);
    knn_vote_async(want_ids.data(), rows, k, labels.data(), n, classes, want_predictions.data(), s);
    const std::vector<std::int32_t> got_ids = gpulab::download(ids, s);
    const std::vector<float> got = gpulab::download(distances, s), want = gpulab::download(want_distances, s);
    EXPECT_EQ(got_ids, gpulab::download(want_ids, s));
    EXPECT_EQ(std::memcmp(got.data(), want.data(), got.size() * sizeof(float)), 0);
    const std::vector<std::int32_t> got_predictions = gpulab::download(predictions, s);
    EXPECT_EQ(got_predictions, gpulab::download(want_predictions, s));
    EXPECT_EQ(got_predictions, knn_vote_cpu(got_ids, k, db.labels, classes));
  }
}

std::string classifier_name(const ::testing::TestParamInfo<classifier_param>& info) {
  const auto [version, d] = info.param;
  return std::string(knn_version_name(version)) + "_d" + std::to_string(d);
}

// d = 7: the small-k kernel and tf32_rerank's general path; d = 64: tf32_rerank's filter.
INSTANTIATE_TEST_SUITE_P(each_version, ml_knn_gpu_classifier,
                         ::testing::Combine(::testing::Values(knn_version::naive, knn_version::fused,
                                                              knn_version::tf32_rerank),
                                            ::testing::Values<std::int64_t>(7, 64)),
                         classifier_name);

class ml_knn_gpu_model : public GpuTest {};

TEST_F(ml_knn_gpu_model, RefusesMismatchesAndMissingLabels) {
  gpulab::resources res(0);
  const cuda::stream_ref s = res.stream();
  const labelled_rows db = make_blobs(101, 5, 3, 1, 2), q = make_blobs(9, 5, 3, 1, 3);
  const device_buffer<float> database = gpulab::upload(db.values, s), queries = gpulab::upload(q.values, s);
  const device_buffer<std::int32_t> labels = gpulab::upload(db.labels, s);
  device_buffer<std::int32_t> ids(9 * 3, s), predictions(9, s);
  device_buffer<float> distances(9 * 3, s);
  const auto d_view = device_view(database, 5), q_view = device_view(queries, 5);
  const auto three = gpulab::linalg::row_major<const float>(queries.data(), 15, 3);  // the queries' floats as 15 x 3

  EXPECT_THROW(knn_classifier(res, {.k = 0}), gpulab::usage_error);
  EXPECT_THROW(knn_classifier(res, {.classes = knn_max_classes + 1}), gpulab::usage_error);
  knn_classifier model(res, {.k = 3, .classes = 3});
  EXPECT_NE(usage_error_message([&] { model.kneighbors_async(q_view, ids.span(), distances.span()); }).find("fit"),
            std::string::npos);
  EXPECT_THROW(model.predict_async(q_view, predictions.span()), gpulab::usage_error);

  // Fitted without labels: a search only; predict is refused.
  model.fit(d_view);
  EXPECT_NO_THROW(model.kneighbors_async(q_view, ids.span(), distances.span()));
  EXPECT_NE(usage_error_message([&] { model.predict_async(q_view, predictions.span()); }).find("predict needs labels"),
            std::string::npos);
  // Another feature count than the database's, named both ways.
  const std::string mismatch = usage_error_message([&] { model.kneighbors_async(three, ids.span(), distances.span()); });
  EXPECT_NE(mismatch.find("the database has 5 features, the queries 3"), std::string::npos) << mismatch;

  model.fit(d_view, labels.span());
  EXPECT_NO_THROW(model.predict_async(q_view, predictions.span()));
  EXPECT_THROW(model.predict_async(three, predictions.span()), gpulab::usage_error);
  // Outputs shorter than the answer.
  EXPECT_THROW(model.kneighbors_async(q_view, ids.span().first(26), distances.span()), gpulab::usage_error);
  EXPECT_THROW(model.predict_async(q_view, predictions.span().first(8)), gpulab::usage_error);

  // Bad fits leave the model unfitted: labels of another length, ...
  EXPECT_THROW(model.fit(d_view, labels.span().first(100)), gpulab::usage_error);
  EXPECT_FALSE(model.fitted());
  // ... a label outside 0..classes-1 (a scan that check_input = false skips), ...
  std::vector<std::int32_t> bad = db.labels;
  bad[77] = 3;
  const device_buffer<std::int32_t> bad_labels = gpulab::upload(bad, s);
  const std::string label_message = usage_error_message([&] { model.fit(d_view, bad_labels.span()); });
  EXPECT_NE(label_message.find("the first 3 at row 77"), std::string::npos) << label_message;
  knn_classifier unchecked(res, {.k = 3, .classes = 3, .check_input = false});
  EXPECT_NO_THROW(unchecked.fit(d_view, bad_labels.span()));
  // ... a database that is not row-major and packed (the layout is checked with check_input off too), ...
  const auto columns = gpulab::linalg::column_major<const float>(database.data(), 101, 5);
  EXPECT_NE(usage_error_message([&] { unchecked.fit(columns); }).find("must be row-major and packed"), std::string::npos);
  EXPECT_FALSE(unchecked.fitted());
  // ... labels without classes, k > rows, a NaN in the database.
  knn_classifier search_only(res, {.k = 3});
  EXPECT_THROW(search_only.fit(d_view, labels.span()), gpulab::usage_error);
  knn_classifier too_many(res, {.k = 102});
  EXPECT_THROW(too_many.fit(d_view), gpulab::usage_error);
  EXPECT_FALSE(too_many.fitted());
  std::vector<float> with_nan = db.values;
  with_nan[42] = std::numeric_limits<float>::quiet_NaN();
  const device_buffer<float> nan_database = gpulab::upload(with_nan, s);
  EXPECT_THROW(model.fit(device_view(nan_database, 5)), gpulab::numerical_error);
  EXPECT_FALSE(model.fitted());
}

// --input FILE.csv --columns ... [--target y]: every kNN case on the rows of a small seeded
// file through the runner, verified (ids exact against the CPU); with the target the vote
// agrees with the CPU's, without it the cases search only.
class ml_knn_gpu_cases : public GpuTest {};

TEST_F(ml_knn_gpu_cases, EveryCaseVerifiesOnACsvFile) {
  constexpr std::int64_t rows = 2003, d = 8;  // d % 4 == 0: tf32_rerank's filter too
  const labelled_rows blobs = make_blobs(rows, d, 4, 51, 52);
  std::ostringstream text;
  text << std::setprecision(9) << "id,f0,f1,f2,f3,f4,f5,f6,f7,label,price\n";
  for (std::int64_t i = 0; i < rows; ++i) {
    text << i;
    for (std::int64_t j = 0; j < d; ++j) text << "," << blobs.values[static_cast<std::size_t>(i * d + j)];
    text << "," << blobs.labels[static_cast<std::size_t>(i)] << "," << 0.25 * static_cast<double>(i) + 0.1 << "\n";
  }
  const gpulab::testing::temporary_file file("blobs", text.str());
  gpulab::run_options options = quick_run_options();
  gpulab::resources res = gpulab::make_resources(options, false);
  // No target: a search; class labels: a vote; a price: a search that says why it does not vote.
  for (const std::string target : {"", "label", "price"}) {
    options.parameters["input"] = file.path.string();
    options.parameters["columns"] = "f3,f0,f1,f2,f7,f5,f6,f4";
    if (target.empty()) {
      options.parameters.erase("target");  // no --target at all: an empty value is refused
    } else {
      options.parameters["target"] = target;
    }
    for (const gpulab::case_entry& e : knn_cases()) {
      for (const auto& c : e.make(options)) {
        EXPECT_EQ(c->size_label().rfind(file.path.string() + ": 2003 x 8, 2003 queries, k = ", 0), 0u)
            << c->size_label();
        const gpulab::case_result r = gpulab::run_case(*c, res, options);
        EXPECT_TRUE(r.verified) << e.name << " " << r.size_label << ": " << r.verify_detail;
        EXPECT_FALSE(r.error) << e.name << ": " << r.error.value_or("");
        EXPECT_TRUE(r.cpu.has_value()) << e.name << ": " << r.check;
        const std::string expected = target.empty()     ? "no vote (the file has no --target labels)"
                                     : target == "label" ? "vote: agrees"
                                                         : ":2: column 'price' is 0.1: the target is not class labels";
        EXPECT_NE(r.verify_detail.find(expected), std::string::npos) << r.verify_detail;
      }
    }
  }
}

}  // namespace

// SPDX-License-Identifier: MIT
// The partitioned groupby (many int64 keys) against the CPU's group sums, at odd sizes,
// with poisoned outputs: rows 1001 on 37 keys, 100003 on 5000, one key, all keys
// distinct, planted skew (every row in one partition: few keys, which fit its table;
// many keys, which overflow it to the fallback table, run twice on one workspace),
// several value columns with NaN and masked values, groups with no value at all, a
// max_groups too small, the key the tables cannot hold. Groups come out in no
// particular order: they are matched by key. Counts exact; sums and means within the
// bound of any summation order of n non-negative terms, 2 (n + 1) 2^-53 x the sum.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/groupby.hpp"

namespace {

using namespace gpulab::dataframe;
const double nan = std::numeric_limits<double>::quiet_NaN();
constexpr auto partitioned = groupby_version::partitioned;

struct groupby_input {
  std::vector<std::int64_t> keys;
  std::vector<std::vector<double>> values;           // values in [0, 1) or NaN
  std::vector<std::vector<std::uint32_t>> validity;  // one per value column; empty: no mask
  [[nodiscard]] std::int64_t rows() const { return static_cast<std::int64_t>(keys.size()); }
  [[nodiscard]] std::vector<column_view<double>> host_views() const {
    std::vector<column_view<double>> views;
    for (std::size_t v = 0; v < values.size(); ++v) {
      views.push_back({values[v].data(), validity[v].empty() ? nullptr : validity[v].data(), rows()});
    }
    return views;
  }
};

struct groupby_output {
  std::uint32_t group_count = 0, errors = 0, fallbacks = 0;
  std::int64_t max_groups = 0;
  std::vector<std::int64_t> keys;
  std::vector<double> sums, means;
  std::vector<std::uint32_t> counts;
};

// `count` distinct keys: splitmix64 of seed, seed + 1, ... (a bijection), those `keep` takes.
std::vector<std::int64_t> distinct_keys(std::int64_t count, std::uint64_t seed,
                                        const std::function<bool(std::int64_t)>& keep = {}) {
  std::vector<std::int64_t> keys;
  for (std::uint64_t j = 0; static_cast<std::int64_t>(keys.size()) < count; ++j) {
    const auto key = static_cast<std::int64_t>(gpulab::splitmix64(seed + j));
    if (key == std::numeric_limits<std::int64_t>::min() || (keep && !keep(key))) continue;
    keys.push_back(key);
  }
  return keys;
}

// `rows` rows on the keys of `dictionary`: row i < its size takes key i (every key appears),
// the others a hashed pick. Value column v is the course's column v, every 13th row of
// column 0 NaN, every 7th row of column 1 masked.
groupby_input make_input(const std::vector<std::int64_t>& dictionary, std::int64_t rows, int values,
                         std::uint64_t seed) {
  groupby_input in;
  const auto n = static_cast<std::uint64_t>(dictionary.size());
  for (std::int64_t i = 0; i < rows; ++i) {
    const auto u = static_cast<std::uint64_t>(i);
    in.keys.push_back(dictionary[u < n ? u : gpulab::splitmix64(seed ^ (u * 0x9e3779b97f4a7c15ull)) % n]);
  }
  for (int v = 0; v < values; ++v) {
    in.values.push_back(course_column(rows, seed + 17, v));
    in.validity.emplace_back();
  }
  for (std::int64_t i = 0; i < rows; ++i) {
    if (i % 13 == 5) in.values[0][static_cast<std::size_t>(i)] = nan;
  }
  if (values > 1) {
    in.validity[1].assign(static_cast<std::size_t>(validity_words(rows)), 0);
    for (std::int64_t i = 0; i < rows; ++i) {
      if (i % 7 != 3) in.validity[1][static_cast<std::size_t>(i / 32)] |= 1u << (i % 32);
    }
  }
  return in;
}

class dataframe_partitioned_groupby : public GpuStreamTest {
 protected:
  // One run of the partitioned version into outputs for max_groups groups, poisoned first
  // (0xFF bytes: NaN sums and means, counts and keys all ones).
  groupby_output run(const groupby_input& in, groupby_workspace& work) {
    const std::int64_t rows = in.rows();
    const auto values = static_cast<int>(in.values.size());
    const std::int64_t max_groups = work.max_groups();
    const gpulab::device_buffer<std::int64_t> keys_d = gpulab::upload(in.keys, s);
    std::vector<gpulab::device_buffer<double>> values_d;
    std::vector<gpulab::device_buffer<std::uint32_t>> validity_d;
    std::vector<column_view<double>> views;
    for (int v = 0; v < values; ++v) {
      values_d.push_back(gpulab::upload(in.values[static_cast<std::size_t>(v)], s));
      const std::vector<std::uint32_t>& mask = in.validity[static_cast<std::size_t>(v)];
      validity_d.push_back(mask.empty() ? gpulab::device_buffer<std::uint32_t>() : gpulab::upload(mask, s));
      views.push_back({values_d.back().data(), in.validity[static_cast<std::size_t>(v)].empty() ? nullptr
                                                                                              : validity_d.back().data(),
                       rows});
    }
    const auto slots = static_cast<std::size_t>(max_groups) * values;
    gpulab::device_buffer<std::int64_t> k_d(static_cast<std::size_t>(max_groups), s);
    gpulab::device_buffer<double> s_d(slots, s), m_d(slots, s);
    gpulab::device_buffer<std::uint32_t> c_d(slots, s), count_d(1, s);
    k_d.fill_bytes_async(0xFF, s);
    s_d.fill_bytes_async(0xFF, s);
    m_d.fill_bytes_async(0xFF, s);
    c_d.fill_bytes_async(0xFF, s);
    count_d.fill_bytes_async(0xFF, s);
    group_sums_sparse_async(partitioned, {keys_d.data(), nullptr, rows}, views,
                            {{s_d.data(), c_d.data(), m_d.data()}, k_d.data(), count_d.data()}, work, s);
    groupby_output out;
    out.max_groups = max_groups;
    out.group_count = gpulab::download(count_d, s)[0];
    out.errors = work.read_errors(s);
    out.fallbacks = work.read_partition_fallbacks(s);
    out.keys = gpulab::download(k_d, s);
    out.sums = gpulab::download(s_d, s);
    out.means = gpulab::download(m_d, s);
    out.counts = gpulab::download(c_d, s);
    return out;
  }
  groupby_output run(const groupby_input& in, std::int64_t max_groups) {
    groupby_workspace work(partitioned, true, in.rows(), max_groups, static_cast<int>(in.values.size()), s);
    return run(in, work);
  }
};

// Every group the GPU wrote (up to max_groups) is one of the CPU's, once, with the same
// counts, and sums and means within the bound; the number of groups is the CPU's.
// `reference` is the input the CPU sums (the GPU's without rows it must leave out).
void expect_matches_cpu(const groupby_input& reference, const groupby_output& got, const std::string& what) {
  const sparse_groups cpu = group_sums_sparse_cpu({reference.keys.data(), nullptr, reference.rows()},
                                                  reference.host_views());
  const std::size_t groups = cpu.keys.size();
  const auto values = reference.values.size();
  ASSERT_EQ(got.group_count, groups) << what;
  std::unordered_map<std::int64_t, std::size_t> where;
  for (std::size_t k = 0; k < groups; ++k) where.emplace(cpu.keys[k], k);
  std::vector<char> seen(groups, 0);
  const std::size_t written = std::min<std::size_t>(groups, static_cast<std::size_t>(got.max_groups));
  for (std::size_t i = 0; i < written; ++i) {
    const auto at = where.find(got.keys[i]);
    ASSERT_NE(at, where.end()) << what << ": output " << i << " has key " << got.keys[i] << ", not a CPU group";
    const std::size_t k = at->second;
    ASSERT_EQ(seen[k], 0) << what << ": key " << got.keys[i] << " written twice";
    seen[k] = 1;
    for (std::size_t v = 0; v < values; ++v) {
      const std::size_t g = v * static_cast<std::size_t>(got.max_groups) + i, c = v * groups + k;
      EXPECT_EQ(got.counts[g], cpu.counts[c]) << what << ", key " << cpu.keys[k] << ", value column " << v;
      const double n = cpu.counts[c], bound = 2 * (n + 1) * 0x1p-53 * std::fabs(cpu.sums[c]);
      if (cpu.counts[c] == 0) {  // a group with no value: sum 0, mean NaN
        EXPECT_EQ(got.sums[g], 0.0) << what << ", key " << cpu.keys[k];
        EXPECT_TRUE(std::isnan(got.means[g])) << what << ", key " << cpu.keys[k];
        continue;
      }
      EXPECT_NEAR(got.sums[g], cpu.sums[c], bound) << what << ", key " << cpu.keys[k] << ", value column " << v;
      EXPECT_NEAR(got.means[g], cpu.means[c], bound / n + 2 * 0x1p-53 * std::fabs(cpu.means[c]))
          << what << ", key " << cpu.keys[k] << ", value column " << v;
    }
  }
}

TEST_F(dataframe_partitioned_groupby, OddSizesAgreeWithTheCpu) {
  struct size { std::int64_t rows, keys; };
  for (const size z : {size{1001, 37}, size{100003, 5000}, size{31, 31}, size{1, 1}}) {
    const std::string what = std::to_string(z.rows) + " rows, " + std::to_string(z.keys) + " keys";
    const groupby_input in = make_input(distinct_keys(z.keys, 101), z.rows, 1, 7);
    const groupby_output got = run(in, z.keys);
    expect_matches_cpu(in, got, what);
    EXPECT_EQ(got.errors, 0u) << what;
    EXPECT_EQ(got.fallbacks, 0u) << what << ": hashed keys fit their partitions' tables";
  }
}

TEST_F(dataframe_partitioned_groupby, OneKeyForEveryRow) {
  const groupby_input in = make_input({-7}, 4099, 2, 3);
  const groupby_output got = run(in, 1);
  expect_matches_cpu(in, got, "one key");
  EXPECT_EQ(got.fallbacks, 0u);
}

TEST_F(dataframe_partitioned_groupby, AllKeysDistinct) {
  const std::int64_t rows = 65537;
  const groupby_input in = make_input(distinct_keys(rows, 55), rows, 1, 5);
  const groupby_output got = run(in, rows);
  expect_matches_cpu(in, got, "all distinct");
  EXPECT_EQ(got.fallbacks, 0u);
}

TEST_F(dataframe_partitioned_groupby, SeveralValueColumnsWithMissingValues) {
  for (int values : {2, 3, 4}) {  // 3 and 4 columns: tables of 512 slots
    const groupby_input in = make_input(distinct_keys(5000, 9), 100003, values, 11);
    const groupby_output got = run(in, 5000);
    expect_matches_cpu(in, got, std::to_string(values) + " value columns");
    EXPECT_EQ(got.fallbacks, 0u);
  }
}

TEST_F(dataframe_partitioned_groupby, GroupsWithNoValueHaveCountZeroAndMeanNaN) {
  groupby_input in = make_input(distinct_keys(100, 21), 10007, 1, 13);
  const std::int64_t silent_a = in.keys[3], silent_b = in.keys[40];  // every value of these two keys: NaN
  for (std::size_t i = 0; i < in.keys.size(); ++i) {
    if (in.keys[i] == silent_a || in.keys[i] == silent_b) in.values[0][i] = nan;
  }
  const groupby_output got = run(in, 100);
  expect_matches_cpu(in, got, "NaN values");
  std::size_t empty_groups = 0;
  for (std::size_t i = 0; i < 100; ++i) empty_groups += got.counts[i] == 0 ? 1 : 0;
  EXPECT_EQ(empty_groups, 2u);
}

TEST_F(dataframe_partitioned_groupby, EveryRowInOnePartitionWithFewKeysFitsItsTable) {
  const std::int64_t rows = 100003;
  const partition_plan plan = plan_partitions(rows, 300, 1);
  ASSERT_GT(plan.partitions, 1) << "the test needs several partitions to put every row in one";
  const auto in_partition_2 = [&](std::int64_t key) { return partition_of_key(key, plan) == 2 % plan.partitions; };
  const groupby_input in = make_input(distinct_keys(300, 31, in_partition_2), rows, 1, 17);
  const groupby_output got = run(in, 300);
  expect_matches_cpu(in, got, "one partition, 300 keys");
  EXPECT_EQ(got.fallbacks, 0u);
}

TEST_F(dataframe_partitioned_groupby, APartitionWithMoreKeysThanItsTableFallsBackAndIsStillRight) {
  const std::int64_t rows = 30011, groups = 3000;
  const partition_plan plan = plan_partitions(rows, groups, 2);
  ASSERT_GT(plan.partitions, 1);
  ASSERT_LT(plan.table_slots, 2500) << "the planted partition must overflow its table";
  // 2500 keys in partition 5 (more than its table's slots), 500 spread over the others.
  std::vector<std::int64_t> dictionary =
      distinct_keys(2500, 41, [&](std::int64_t key) { return partition_of_key(key, plan) == 5 % plan.partitions; });
  for (std::int64_t key :
       distinct_keys(500, 43, [&](std::int64_t key) { return partition_of_key(key, plan) != 5 % plan.partitions; })) {
    dictionary.push_back(key);
  }
  const groupby_input skewed = make_input(dictionary, rows, 2, 19);
  groupby_workspace work(partitioned, true, rows, groups, 2, s);
  ASSERT_EQ(work.partitions().partitions, plan.partitions);
  const groupby_output first = run(skewed, work);
  expect_matches_cpu(skewed, first, "skewed");
  EXPECT_EQ(first.fallbacks, 1u) << "exactly the planted partition overflows";
  EXPECT_EQ(first.errors, 0u);
  // Again on the same workspace: pass 5 left the fallback table empty (no doubled sums).
  const groupby_output second = run(skewed, work);
  expect_matches_cpu(skewed, second, "skewed, second run");
  EXPECT_EQ(second.fallbacks, 1u);
  // And an even input on it: no fallback, no group left over from the skewed runs.
  const groupby_input even = make_input(distinct_keys(groups, 47), rows, 2, 23);
  const groupby_output third = run(even, work);
  expect_matches_cpu(even, third, "even after skewed");
  EXPECT_EQ(third.fallbacks, 0u);
}

TEST_F(dataframe_partitioned_groupby, TooSmallMaxGroupsWritesOnlyWhatFitsAndCountsAll) {
  const groupby_input in = make_input(distinct_keys(5000, 61), 100003, 1, 29);
  const groupby_output got = run(in, 4000);  // 5000 groups: group_count says so, 4000 written
  expect_matches_cpu(in, got, "max_groups 4000");
  EXPECT_EQ(got.group_count, 5000u);
  EXPECT_EQ(got.errors, 0u);
}

TEST_F(dataframe_partitioned_groupby, TheEmptyMarkKeyIsCountedAsAnErrorAndLeftOut) {
  groupby_input in = make_input(distinct_keys(37, 71), 1001, 1, 31);
  groupby_input reference = in;  // the CPU sums the rows without the bad key
  const std::vector<std::size_t> bad_rows = {0, 500, 1000};
  for (const std::size_t i : bad_rows) in.keys[i] = std::numeric_limits<std::int64_t>::min();
  reference.keys.clear();
  reference.values[0].clear();
  for (std::size_t i = 0; i < in.keys.size(); ++i) {
    if (in.keys[i] == std::numeric_limits<std::int64_t>::min()) continue;
    reference.keys.push_back(in.keys[i]);
    reference.values[0].push_back(in.values[0][i]);
  }
  const groupby_output got = run(in, 37);
  EXPECT_EQ(got.errors, bad_rows.size());
  expect_matches_cpu(reference, got, "with INT64_MIN keys");
}

}  // namespace

// SPDX-License-Identifier: MIT
// Module 6 `dataframe` without a GPU: its name, title and cases, what they declare,
// and the option checks that run before any GPU work. The suites are named after
// the module, so that `ctest -R dataframe` runs this module's tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/groupby.hpp"
#include "gpulab/dataframe/module.hpp"

namespace {

gpulab::run_options with_size(std::optional<std::uint64_t> size, const std::string& backend = "gpu") {
  gpulab::run_options o;
  o.size = size;
  o.parameters["backend"] = backend;
  return o;
}

TEST(dataframe_module, HasANameATitleAndEveryStepAndVersion) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  EXPECT_EQ(m.name, "dataframe");
  EXPECT_NE(m.title.find("module 6"), std::string::npos) << m.title;
  std::set<std::string> names;
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_TRUE(names.insert(e.name).second) << "two entries named " << e.name;
    EXPECT_NE(e.description.find("--size: rows"), std::string::npos) << e.name;
  }
  for (const char* name : {"column_mean", "column_stats", "row_mean", "derived_column", "cut",
                           "groupby_mean_global_atomics", "groupby_mean_privatized", "groupby_mean_sort_reduce", "groupby_mean_hash",
                           "groupby_mean_thrust", "groupby_mean_registers", "pivot_table_privatized",
                           "pivot_table_registers", "groupby_many_keys_hash",
                           "groupby_many_keys_sort_reduce", "groupby_many_keys_thrust",
                           "groupby_many_keys_partitioned"}) {
    EXPECT_EQ(names.count(name), 1u) << name;
  }
  ASSERT_EQ(m.demos.size(), 1u);
  EXPECT_EQ(m.demos[0].name, "pandas_steps");
  for (const gpulab::run_item& item : m.tour) EXPECT_EQ(names.count(item.name), 1u) << item.name;
}

TEST(dataframe_module, EveryCaseIsNamedAfterItsEntryAndDeclaresItsWork) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  for (const gpulab::case_entry& e : m.cases) {
    const auto cases = e.make(with_size(31));
    ASSERT_EQ(cases.size(), 1u) << e.name;
    const auto& c = *cases.front();
    EXPECT_EQ(c.name(), e.name);
    EXPECT_DOUBLE_EQ(c.size_value(), 31.0) << e.name;
    EXPECT_GT(c.work().bytes_read, 0.0) << e.name;
    EXPECT_GT(c.work().bytes_written, 0.0) << e.name;
    if (e.name != "csv_read_cpu") {  // the CPU reader needs no device memory
      EXPECT_GT(c.device_bytes_needed(), 0u) << e.name;
    }
    EXPECT_GT(c.host_bytes_needed(), 0u) << e.name;
    EXPECT_EQ(e.check_size % 2, 1u) << e.name << ": an odd check_size runs the tails";
    EXPECT_FALSE(c.parameters().operation.empty()) << e.name;
    EXPECT_FALSE(c.parameters().version.empty()) << e.name;
  }
}

TEST(dataframe_module, TheBytesEachStepMustMoveAreItsColumns) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  const auto work_of = [&](const std::string& name) {
    for (const gpulab::case_entry& e : m.cases) {
      if (e.name == name) return e.make(with_size(1000))[0]->work();
    }
    ADD_FAILURE() << name;
    return gpulab::work_amount{};
  };
  EXPECT_DOUBLE_EQ(work_of("column_mean").bytes_read, 8000.0);     // A
  EXPECT_DOUBLE_EQ(work_of("column_mean").bytes_written, 16.0);    // the sum and the count
  EXPECT_DOUBLE_EQ(work_of("column_stats").bytes_read, 8000.0);    // A again
  EXPECT_DOUBLE_EQ(work_of("column_stats").bytes_written, 40.0);   // four doubles and the count
  EXPECT_DOUBLE_EQ(work_of("row_mean").bytes_read, 24000.0);       // A, B, C
  EXPECT_DOUBLE_EQ(work_of("row_mean").bytes_written, 8000.0);     // the means
  EXPECT_DOUBLE_EQ(work_of("derived_column").bytes_read, 16000.0); // A, B
  EXPECT_DOUBLE_EQ(work_of("cut").bytes_written, 4000.0);          // int32 codes
  EXPECT_DOUBLE_EQ(work_of("groupby_mean_privatized").bytes_read, 12000.0);  // codes and A
  EXPECT_DOUBLE_EQ(work_of("pivot_table_privatized").bytes_read, 28000.0);   // codes, A, B, C
  EXPECT_DOUBLE_EQ(work_of("groupby_many_keys_hash").bytes_read, 16000.0);   // int64 keys and A
  EXPECT_DOUBLE_EQ(work_of("groupby_many_keys_partitioned").bytes_read, 16000.0);  // the same columns
}

TEST(dataframe_module, BackendCpuLeavesTheGpuCasesToTheDemo) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_TRUE(e.make(with_size(31, "cpu")).empty()) << e.name;
    EXPECT_EQ(e.make(with_size(31, "both")).size(), 1u) << e.name;
  }
}

TEST(dataframe_module, BadSizesAndBackendsAreRefusedBeforeAnyGpuWork) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  ASSERT_TRUE(m.validate);
  EXPECT_NO_THROW(m.validate(with_size(std::nullopt)));
  EXPECT_NO_THROW(m.validate(with_size(1000003, "both")));
  EXPECT_THROW(m.validate(with_size(std::uint64_t{1} << 31)), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_size(1000, "tpu")), gpulab::usage_error);
  for (const gpulab::case_entry& e : m.cases) EXPECT_THROW(e.make(with_size(0)), gpulab::usage_error) << e.name;
}

// --input FILE.csv --columns x,y,z: the steps on a file; the cases (generated rows) are left out,
// and every wrong combination is refused before any GPU work, one line each.
TEST(dataframe_module, InputAndColumnsAreCheckedTogetherAndLeaveTheCasesOut) {
  const gpulab::training_module m = gpulab::dataframe::make_module();
  const auto with_input = [](const std::string& input, const std::string& columns) {
    gpulab::run_options o = with_size(std::nullopt);
    if (!input.empty()) o.parameters["input"] = input;
    if (!columns.empty()) o.parameters["columns"] = columns;
    return o;
  };
  // A file whose header names x, y, z (only the header is read here; the rows, by the demo).
  const std::string readable = (std::filesystem::temp_directory_path() /
                                ("gpulab_module_host_test_" + std::to_string(::getpid()) + ".csv")).string();
  std::ofstream(readable) << "w,x,y,z\n1,2,3,4\n";
  EXPECT_NO_THROW(m.validate(with_input(readable, "x,y,z")));
  EXPECT_NO_THROW(m.validate(with_input(readable, "z,w,x")));
  try {
    m.validate(with_input(readable, "x,y,q"));
    ADD_FAILURE() << "a column the file lacks was taken";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("has no column 'q' (its columns: w, x, y, z)"), std::string::npos) << e.what();
  }
  for (const gpulab::case_entry& e : m.cases) EXPECT_TRUE(e.make(with_input(readable, "x,y,z")).empty()) << e.name;
  EXPECT_THROW(m.validate(with_input("", "x,y,z")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_input(readable, "")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_input(readable, "x,y")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_input(readable, "x,y,z,w")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_input(readable, "x,x,z")), gpulab::usage_error);
  EXPECT_THROW(m.validate(with_input("/no/such/file.csv", "x,y,z")), gpulab::io_error);
  gpulab::run_options sized = with_input(readable, "x,y,z");
  sized.size = 1000;
  EXPECT_THROW(m.validate(sized), gpulab::usage_error);
  std::ofstream(readable) << "1,2,3\n4,5,6\n";  // no header: the reader's one line, before any GPU work
  EXPECT_THROW(m.validate(with_input(readable, "x,y,z")), gpulab::io_error);
  std::filesystem::remove(readable);
}

// The partitioned groupby's plan, as groupby.hpp states its rule: tables within 96 KiB,
// on average at most table_slots / 2 keys and 65536 rows a partition, a power of two <= 8192.
TEST(dataframe_partitioned_plan, FollowsItsStatedRule) {
  using gpulab::dataframe::plan_partitions;
  const auto course = plan_partitions(20'000'000, 1'000'000, 1);  // the case: 1M keys
  EXPECT_EQ(course.table_slots, 4096);
  EXPECT_EQ(course.partitions, 512);  // 1M / 2048 = 488.3 -> 512, ~1950 keys each
  EXPECT_EQ(course.bits, 9);
  EXPECT_EQ(plan_partitions(20'000'000, 1'000'000, 2).table_slots, 2048);  // 2048 x 32 bytes
  EXPECT_EQ(plan_partitions(20'000'000, 1'000'000, 3).table_slots, 2048);  // 2048 x 44 bytes
  EXPECT_EQ(plan_partitions(20'000'000, 1'000'000, 4).table_slots, 1024);  // 2048 x 56 > 96 KiB
  EXPECT_EQ(plan_partitions(20'000'000, 1'000'000, 4).partitions, 2048);   // 1M / 512 = 1953.1
  const auto one = plan_partitions(1001, 1, 1);  // one partition: no bits of the hash
  EXPECT_EQ(one.partitions, 1);
  EXPECT_EQ(one.bits, 0);
  EXPECT_EQ(plan_partitions(4'000'000, 37, 1).partitions, 64);        // by rows: 4M / 65536 = 61.04
  EXPECT_EQ(plan_partitions(20'000'000, 100'000'000, 1).partitions, gpulab::dataframe::max_partitions);
  EXPECT_THROW((void)plan_partitions(1000, 10, 0), gpulab::usage_error);
  EXPECT_THROW((void)plan_partitions(1000, 10, gpulab::dataframe::max_group_values + 1), gpulab::usage_error);
}

TEST(dataframe_partitioned_plan, KeysSpreadEvenlyOverThePartitions) {
  using namespace gpulab::dataframe;
  const partition_plan plan = plan_partitions(1'000'000, 64 * 2048, 1);
  ASSERT_EQ(plan.partitions, 64);
  std::vector<int> keys_in(static_cast<std::size_t>(plan.partitions), 0);
  for (std::int64_t key = -50'000; key < 50'000; ++key) {  // neighbouring keys: the hash must spread them
    const int p = partition_of_key(key, plan);
    ASSERT_GE(p, 0);
    ASSERT_LT(p, plan.partitions);
    ++keys_in[static_cast<std::size_t>(p)];
  }
  for (int p = 0; p < plan.partitions; ++p) {  // 1562.5 each on average, 39.2 standard deviation: within 6 of them
    EXPECT_NEAR(keys_in[static_cast<std::size_t>(p)], 100'000.0 / 64, 235.0) << "partition " << p;
  }
  const partition_plan single = plan_partitions(10, 1, 1);
  EXPECT_EQ(partition_of_key(INT64_MIN, single), 0);
  EXPECT_EQ(partition_of_key(INT64_MAX, single), 0);
}

TEST(dataframe_groupby_workspace, TheVersionsOfDenseKeysRefuseSparseKeysBeforeAnyGpuWork) {
  using namespace gpulab::dataframe;
  const cuda::stream_ref none{cudaStreamLegacy};  // never used: the check comes first
  for (const groupby_version v : {groupby_version::global_atomics, groupby_version::privatized, groupby_version::registers}) {
    EXPECT_THROW(groupby_workspace(v, true, 1000, 5, 1, none), gpulab::usage_error) << groupby_version_name(v);
  }
  EXPECT_STREQ(groupby_version_name(groupby_version::registers), "registers");
}

TEST(dataframe_partitioned_plan, DenseKeysAndBadSizesAreRefusedBeforeAnyGpuWork) {
  using namespace gpulab::dataframe;
  const cuda::stream_ref none{cudaStreamLegacy};  // never used: each check comes first
  EXPECT_THROW(groupby_workspace(groupby_version::partitioned, false, 1000, 5, 1, none), gpulab::usage_error);
  EXPECT_THROW(groupby_workspace(groupby_version::partitioned, true, 1000, 5, 5, none), gpulab::usage_error);
  EXPECT_THROW(groupby_workspace(groupby_version::partitioned, true, 1000, 0, 1, none), gpulab::usage_error);
  // Its workspace holds the rows in partition order and the fallback table: more than the hash version's.
  const std::size_t partitioned = groupby_workspace::bytes_needed(groupby_version::partitioned, true, 20'000'000,
                                                                  1'000'000, 1);
  EXPECT_GT(partitioned, std::size_t{20'000'000} * 16);
  EXPECT_GT(partitioned, groupby_workspace::bytes_needed(groupby_version::hash, true, 20'000'000, 1'000'000, 1));
}

}  // namespace

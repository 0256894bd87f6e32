// SPDX-License-Identifier: MIT
// Module 6 `dataframe` without a GPU: its name, title and cases, what they declare,
// and the option checks that run before any GPU work. The suites are named after
// the module, so that `ctest -R dataframe` runs this module's tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "gpulab/core/error.hpp"
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
  for (const char* name : {"column_mean", "row_mean", "derived_column", "cut", "groupby_mean_global_atomics",
                           "groupby_mean_privatized", "groupby_mean_sort_reduce", "groupby_mean_hash",
                           "groupby_mean_thrust", "pivot_table_privatized", "groupby_many_keys_hash",
                           "groupby_many_keys_sort_reduce", "groupby_many_keys_thrust"}) {
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
  EXPECT_DOUBLE_EQ(work_of("row_mean").bytes_read, 24000.0);       // A, B, C
  EXPECT_DOUBLE_EQ(work_of("row_mean").bytes_written, 8000.0);     // the means
  EXPECT_DOUBLE_EQ(work_of("derived_column").bytes_read, 16000.0); // A, B
  EXPECT_DOUBLE_EQ(work_of("cut").bytes_written, 4000.0);          // int32 codes
  EXPECT_DOUBLE_EQ(work_of("groupby_mean_privatized").bytes_read, 12000.0);  // codes and A
  EXPECT_DOUBLE_EQ(work_of("pivot_table_privatized").bytes_read, 28000.0);   // codes, A, B, C
  EXPECT_DOUBLE_EQ(work_of("groupby_many_keys_hash").bytes_read, 16000.0);   // int64 keys and A
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

}  // namespace

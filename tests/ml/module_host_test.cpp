// SPDX-License-Identifier: MIT
// Module 7 `ml` without a GPU: its name, title and cases, and the
// option checks that run before any GPU work. The suites are named after the
// module, so that `ctest -R ml` runs this module's tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "gpulab/ml/module.hpp"
#include "gpulab/core/error.hpp"

namespace {

gpulab::run_options with_size(std::optional<std::uint64_t> size) {
  gpulab::run_options o;
  o.size = size;
  return o;
}

TEST(ml_module, HasANameATitleAndItsCases) {
  const gpulab::training_module m = gpulab::ml::make_module();
  EXPECT_EQ(m.name, "ml");
  EXPECT_NE(m.title.find("module 7"), std::string::npos) << m.title;
  std::set<std::string> names;
  for (const gpulab::case_entry& e : m.cases) {
    EXPECT_TRUE(names.insert(e.name).second) << "two entries named " << e.name;
    EXPECT_FALSE(e.description.empty()) << e.name;
  }
  EXPECT_EQ(names.count("scale_by_two"), 1u);
  for (const gpulab::run_item& item : m.tour) EXPECT_EQ(names.count(item.name), 1u) << item.name;
}

TEST(ml_module, EveryCaseIsNamedAfterItsEntryAndDeclaresItsWork) {
  const gpulab::training_module m = gpulab::ml::make_module();
  for (const gpulab::case_entry& e : m.cases) {
    const auto cases = e.make(with_size(31));
    ASSERT_EQ(cases.size(), 1u) << e.name;
    EXPECT_EQ(cases.front()->name(), e.name);
    EXPECT_DOUBLE_EQ(cases.front()->size_value(), 31.0) << e.name;
    EXPECT_GT(cases.front()->work().bytes(), 0.0) << e.name;
    EXPECT_GT(e.check_size, 0u) << e.name << ": the sabotage test (tests/course) needs a check_size";
    EXPECT_FALSE(cases.front()->parameters().operation.empty()) << e.name;
  }
  // scale_by_two reads 31 floats and writes 31: 124 + 124 bytes, 31 FLOPs.
  const auto scale = m.cases.front().make(with_size(31));
  EXPECT_DOUBLE_EQ(scale.front()->work().bytes_read, 124.0);
  EXPECT_DOUBLE_EQ(scale.front()->work().bytes_written, 124.0);
  EXPECT_DOUBLE_EQ(scale.front()->work().flops, 31.0);
}

TEST(ml_module, BadSizesAreRefusedBeforeAnyGpuWork) {
  const gpulab::training_module m = gpulab::ml::make_module();
  ASSERT_TRUE(m.validate);
  EXPECT_NO_THROW(m.validate(with_size(std::nullopt)));
  EXPECT_NO_THROW(m.validate(with_size(1000003)));
  EXPECT_THROW(m.validate(with_size(std::uint64_t{1} << 34)), gpulab::usage_error);
  EXPECT_THROW(m.cases.front().make(with_size(0)), gpulab::usage_error);
}

}  // namespace

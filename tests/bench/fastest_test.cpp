// SPDX-License-Identifier: MIT
// The helpers behind the modules' comparison lines, on made-up results: cases
// are found by their fields (operation, version, ...), never by a name prefix;
// unverified rows never count, the approximate SVD is never called accurate,
// CUB is the yardstick and not a competitor. And the fields reach JSON and CSV.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "gpulab/bench/report.hpp"
#include "gpulab/bench/runner.hpp"
#include "gpulab/custom/module.hpp"
#include "gpulab/linalg/module.hpp"
#include "gpulab/random/module.hpp"
#include "gpulab/transfer/module.hpp"

namespace {

gpulab::case_result result(const std::string& name, gpulab::case_parameters fields, double ms, bool verified = true,
                           double size = 1000) {
  gpulab::case_result r;
  r.name = name;
  r.parameters = std::move(fields);
  r.size_value = size;
  r.size_label = std::to_string(static_cast<long long>(size));
  r.gpu.median_ms = ms;
  r.verified = verified;
  r.work.bytes_read = 1e9;
  r.work.items = 1e9;
  r.percent_of_peak = 50;
  return r;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  return all;
}

// Names that say nothing: only the fields can find these.
const std::vector<gpulab::case_result> made_up = {
    result("r1", {"sum", "warp_shuffle", "float"}, 3.0),
    result("r2", {"sum", "multi_element", "float"}, 1.0, false),  // fastest sum, but not verified
    result("r3", {"sum", "shared_tree", "float"}, 2.0),
    result("r4", {"sum", "cub", "float"}, 0.5),
    result("r5", {"dot", "cub", "float"}, 0.25),
    result("r6", {"sum", "shared_tree", "double"}, 1.5),
};

TEST(Fastest, FiltersMatchEveryFieldTheySet) {
  const gpulab::case_result& r = made_up[0];
  EXPECT_TRUE(gpulab::matches(r, {}));
  EXPECT_TRUE(gpulab::matches(r, {.operation = "sum"}));
  EXPECT_TRUE(gpulab::matches(r, {.operation = "sum", .version = "warp_shuffle", .element_type = "float"}));
  EXPECT_FALSE(gpulab::matches(r, {.operation = "sum", .version = "cub"}));
  EXPECT_FALSE(gpulab::matches(r, {.operation = "su"}));  // whole fields, not prefixes
  EXPECT_FALSE(gpulab::matches(r, {.element_type = "double"}));
  EXPECT_FALSE(gpulab::matches(r, {.exclude_version = "warp_shuffle"}));
  EXPECT_TRUE(gpulab::matches(r, {.exclude_version = "cub"}));
  EXPECT_TRUE(gpulab::matches(r, {.size_value = 1000.0}));
  EXPECT_FALSE(gpulab::matches(r, {.size_value = 999.0}));
  EXPECT_FALSE(gpulab::matches(r, {.module = "custom"}));  // run_case alone leaves the module empty
  gpulab::case_result in_module = r;
  in_module.module = "custom";
  EXPECT_TRUE(gpulab::matches(in_module, {.module = "custom", .operation = "sum"}));
}

TEST(Fastest, FastestVerifiedByFieldsSkipsUnverifiedAndExcludedVersions) {
  const gpulab::case_result* best = gpulab::fastest_verified(made_up, {.operation = "sum", .element_type = "float",
                                                                       .exclude_version = "cub"});
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(best->name, "r3");  // r2 is faster but unverified, r4 is CUB
  EXPECT_EQ(gpulab::fastest_verified(made_up, {.operation = "sum"})->name, "r4");
  EXPECT_EQ(gpulab::fastest_verified(made_up, {.operation = "sum", .element_type = "double"})->name, "r6");
  EXPECT_EQ(gpulab::fastest_verified(made_up, {.operation = "transpose"}), nullptr);
  // A predicate over the fields works too.
  const auto* dot = gpulab::fastest_verified(made_up, [](const gpulab::case_result& r) {
    return r.parameters.operation == "dot" || r.parameters.version == "warp_shuffle";
  });
  ASSERT_NE(dot, nullptr);
  EXPECT_EQ(dot->name, "r5");
  EXPECT_EQ(gpulab::fastest_verified(made_up, [](const gpulab::case_result&) { return false; }), nullptr);
}

TEST(Fastest, FindVerifiedTakesTheLargestVerifiedSize) {
  const std::vector<gpulab::case_result> sweep = {
      result("h2d_pinned", {"h2d", "pinned", "byte"}, 0.1, true, 4096),
      result("h2d_pinned", {"h2d", "pinned", "byte"}, 9.0, true, 1 << 26),
      result("h2d_pinned", {"h2d", "pinned", "byte"}, 1.0, false, 1 << 30),  // the largest, unverified
      result("h2d_pageable", {"h2d", "pageable", "byte"}, 20.0, true, 1 << 30),
  };
  const auto* pinned = gpulab::find_verified(sweep, {.operation = "h2d", .version = "pinned"});
  ASSERT_NE(pinned, nullptr);
  EXPECT_EQ(pinned->size_value, 1 << 26);
  const auto* small = gpulab::find_verified(sweep, {.operation = "h2d", .version = "pinned", .size_value = 4096.0});
  ASSERT_NE(small, nullptr);
  EXPECT_EQ(small->gpu.median_ms, 0.1);
  EXPECT_EQ(gpulab::find_verified(sweep, {.operation = "d2h"}), nullptr);
  EXPECT_EQ(gpulab::find_verified(sweep, {.operation = "h2d", .version = "pinned", .size_value = double(1 << 30)}),
            nullptr);
}

TEST(Fastest, LinalgNeverCallsTheApproximateSvdTheFastestAccurateOne) {
  const auto lines = gpulab::linalg::make_module().compare({
      result("svd_gesvd", {"svd", "gesvd", "double"}, 120),
      result("svd_gesvda", {"svd", "gesvda", "double"}, 11),
      result("svd_newton_schulz", {"svd", "newton_schulz", "double"}, 16),
      result("dgemm", {"gemm", "fp64", "double"}, 10, true, 2000),
      result("bf16_gemm", {"gemm", "bf16", "bf16"}, 1, true, 2000),
  });
  const std::string all = joined(lines);
  EXPECT_NE(all.find("fastest accurate SVD: newton_schulz, 16.00 ms, 7.50x faster than gesvd"), std::string::npos)
      << all;
  EXPECT_NE(all.find("GEMM 2000 x 2000, TFLOP/s: dgemm"), std::string::npos) << all;
  EXPECT_NE(all.find("bf16_gemm"), std::string::npos) << all;
}

TEST(Fastest, CustomComparesTheBestHandWrittenReductionWithCub) {
  const auto lines = gpulab::custom::make_module().compare({
      result("sum_warp_shuffle", {"sum", "warp_shuffle", "float"}, 0.5),
      result("sum_multi_element", {"sum", "multi_element", "float"}, 0.1),
      result("sum_cub", {"sum", "cub", "float"}, 0.09),
      result("julia_complex_input", {"julia", "complex_input", "float"}, 4.0),
      result("julia_computed_coordinates", {"julia", "computed_coordinates", "float"}, 1.0),
  });
  const std::string all = joined(lines);
  EXPECT_NE(all.find("fastest hand-written sum: sum_multi_element"), std::string::npos) << all;
  EXPECT_NE(all.find("90.0% of CUB's speed"), std::string::npos) << all;
  EXPECT_EQ(all.find("hand-written dot"), std::string::npos) << all;  // no dot was run
  EXPECT_NE(all.find("fastest julia: julia_computed_coordinates"), std::string::npos) << all;
  EXPECT_NE(all.find("4.0x faster than julia_complex_input"), std::string::npos) << all;
}

TEST(Fastest, RandomAndTransferFindTheirCasesByField) {
  const std::string random = joined(gpulab::random::make_module().compare({
      result("normal_philox", {"normal", "philox", "float"}, 1.0),
      result("log_normal_xorwow", {"log_normal", "xorwow", "float"}, 0.5),  // not a "normal" case
      result("normal_mtgp32", {"normal", "mtgp32", "float"}, 2.0),
  }));
  EXPECT_NE(random.find("fastest normal generator: philox"), std::string::npos) << random;
  EXPECT_NE(random.find("fastest log_normal generator: xorwow"), std::string::npos) << random;
  const std::string transfer = joined(gpulab::transfer::make_module().compare({
      result("h2d_pageable", {"h2d", "pageable", "byte"}, 2.0, true, 1 << 26),
      result("h2d_pinned", {"h2d", "pinned", "byte"}, 1.0, true, 1 << 26),
      result("pipeline_1_stream", {"pipeline", "1_stream", "float"}, 3.0),
      result("pipeline_4_streams", {"pipeline", "4_streams", "float"}, 1.0),
  }));
  EXPECT_NE(transfer.find("h2d at 67108864: pinned"), std::string::npos) << transfer;
  EXPECT_NE(transfer.find("pipeline over 4 streams: 3.00x faster"), std::string::npos) << transfer;
}

TEST(Fastest, TheFieldsGoToJsonAndCsvButNotToTheTextTable) {
  std::vector<gpulab::case_result> rs = {made_up[0]};
  rs[0].module = "custom";
  const gpulab::table t = gpulab::results_table(rs, "results");
  ASSERT_EQ(t.data_only_columns, 4u);
  ASSERT_GE(t.columns.size(), 4u);
  const std::vector<std::string> last(t.columns.end() - 4, t.columns.end());
  EXPECT_EQ(last, (std::vector<std::string>{"module", "operation", "version", "element type"}));
  ASSERT_EQ(t.rows.size(), 1u);
  ASSERT_EQ(t.rows[0].size(), t.columns.size());
  EXPECT_EQ(t.rows[0].back().text, "float");
  EXPECT_EQ(t.rows[0][t.columns.size() - 4].text, "custom");
  const auto verified = std::find(t.columns.begin(), t.columns.end(), "verified") - t.columns.begin();
  EXPECT_EQ(t.rows[0][static_cast<std::size_t>(verified)].text, "yes");

  gpulab::report r;
  r.tables.push_back(t);
  std::ostringstream text, json, csv;
  gpulab::write_report(text, r, gpulab::output_format::table);
  gpulab::write_report(json, r, gpulab::output_format::json);
  gpulab::write_report(csv, r, gpulab::output_format::csv);
  EXPECT_EQ(text.str().find("operation"), std::string::npos) << text.str();
  EXPECT_EQ(text.str().find("warp_shuffle"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("r1"), std::string::npos) << text.str();
  EXPECT_NE(json.str().find("\"element type\""), std::string::npos) << json.str();
  EXPECT_NE(json.str().find("\"warp_shuffle\""), std::string::npos) << json.str();
  EXPECT_NE(csv.str().find(",module,operation,version,element type"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find(",custom,sum,warp_shuffle,float"), std::string::npos) << csv.str();

  // The tour's table has the module as its first column already: the fields are the other three.
  const gpulab::table tour = gpulab::results_table(rs, "tour", {"custom"});
  EXPECT_EQ(tour.data_only_columns, 3u);
  EXPECT_EQ(tour.columns.front(), "module");
  EXPECT_EQ(std::count(tour.columns.begin(), tour.columns.end(), "module"), 1);
}

}  // namespace

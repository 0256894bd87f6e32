// SPDX-License-Identifier: MIT
// Module 7 `ml` without a GPU: its name, title and cases, and the option checks
// that run before any GPU work. The suites are named after the module, so that
// `ctest -R ml` runs this module's tests.
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/ml/cases.hpp"
#include "gpulab/ml/kmeans_lloyd.hpp"
#include "gpulab/ml/module.hpp"
#include "gpulab/ml/options.hpp"

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
  for (const char* name : {"kmeans_naive", "kmeans_gemm", "kmeans_fused", "kmeans_tf32", "kmeans_split_tf32"}) {
    EXPECT_EQ(names.count(name), 1u) << name;
  }
  for (const gpulab::run_item& item : m.tour) EXPECT_EQ(names.count(item.name), 1u) << item.name;
}

// `gpulab tour` shows each of the five algorithms once (issue 13: "gpulab tour rows").
TEST(ml_module, TheTourHasARowForEachAlgorithm) {
  const gpulab::training_module m = gpulab::ml::make_module();
  std::vector<std::string> operations;
  for (const gpulab::run_item& item : m.tour) operations.push_back(item.name.substr(0, item.name.find('_')));
  EXPECT_EQ(operations, (std::vector<std::string>{"kmeans", "knn", "linear", "logistic", "pca"}));
}

// The module's entries: k-means here, then kNN (knn_cases.cpp), regression and PCA
// (regression_cases.cpp). The k-means entries are the first five.
bool is_kmeans(const gpulab::case_entry& e) { return e.name.rfind("kmeans_", 0) == 0; }

TEST(ml_module, EveryCaseIsNamedAfterItsEntryAndDeclaresItsWork) {
  const gpulab::training_module m = gpulab::ml::make_module();
  for (const gpulab::case_entry& e : m.cases) {
    ASSERT_GT(e.check_size, 0u) << e.name << ": the sabotage test (tests/course) needs a check_size";
    const auto cases = e.make(with_size(e.check_size));
    ASSERT_FALSE(cases.empty()) << e.name;
    for (const auto& c : cases) {
      EXPECT_EQ(c->name(), e.name);
      EXPECT_DOUBLE_EQ(c->size_value(), static_cast<double>(e.check_size)) << e.name;
      EXPECT_GT(c->work().bytes_read, 0.0) << e.name;
      EXPECT_GT(c->work().bytes_written, 0.0) << e.name;
      EXPECT_GT(c->device_bytes_needed(), 0u) << e.name;
    }
  }
}

TEST(ml_module, EveryKmeansCaseDeclaresItsWork) {
  const gpulab::training_module m = gpulab::ml::make_module();
  int kmeans_entries = 0;
  for (const gpulab::case_entry& e : m.cases) {
    if (!is_kmeans(e)) continue;
    ++kmeans_entries;
    const auto cases = e.make(with_size(31));
    ASSERT_EQ(cases.size(), 1u) << e.name;
    const auto& c = *cases.front();
    EXPECT_DOUBLE_EQ(c.size_value(), 31.0) << e.name;
    EXPECT_EQ(c.parameters().operation, "kmeans");
    EXPECT_EQ("kmeans_" + c.parameters().version, e.name);
    // --size 31: 31 x 16, k = 8, 20 iterations. X is read once per pass (20 + the final
    // labelling); the labels and centroids written once; 3 FLOPs per feature per pair per pass.
    EXPECT_DOUBLE_EQ(c.work().bytes_read, 21.0 * 31 * 16 * 4) << e.name;
    EXPECT_DOUBLE_EQ(c.work().bytes_written, 31.0 * 4 + 8 * 16 * 4) << e.name;
    EXPECT_DOUBLE_EQ(c.work().flops, 21.0 * 3 * 31 * 8 * 16) << e.name;
    EXPECT_GT(c.device_bytes_needed(), 31u * 16 * 4) << e.name;
    EXPECT_GT(c.host_bytes_needed(), 31u * 16 * 4) << e.name;
  }
  EXPECT_EQ(kmeans_entries, 5);
  // The naive and gemm versions store the n x k matrix, the fused, tf32 and split_tf32 ones do
  // not (split_tf32 may have more blocks, so more partials: 64 rows a warpgroup, not 256 a block).
  const auto naive = m.cases[0].make(with_size(1000000)), fused = m.cases[2].make(with_size(1000000)),
             tf32 = m.cases[3].make(with_size(1000000)), split = m.cases[4].make(with_size(1000000));
  EXPECT_GE(naive.front()->device_bytes_needed() - fused.front()->device_bytes_needed(), 1000000u * 8 * 4);
  EXPECT_EQ(tf32.front()->device_bytes_needed(), fused.front()->device_bytes_needed());
  EXPECT_GE(split.front()->device_bytes_needed(), fused.front()->device_bytes_needed());
  EXPECT_LT(split.front()->device_bytes_needed(), naive.front()->device_bytes_needed());
}

TEST(ml_module, WithoutSizeTheTwoPresetsRun) {
  const auto problems = gpulab::ml::kmeans_problems(with_size(std::nullopt));
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].rows, 1000000);
  EXPECT_EQ(problems[0].features, 16);
  EXPECT_EQ(problems[0].clusters, 8);
  EXPECT_EQ(problems[0].iterations, 20);
  EXPECT_EQ(problems[1].rows, 10000000);
  EXPECT_EQ(problems[1].features, 32);
  EXPECT_EQ(problems[1].clusters, 64);
  EXPECT_EQ(problems[1].iterations, 10);
  gpulab::run_options o = with_size(1001);
  o.parameters["features"] = "7";
  o.parameters["clusters"] = "5";
  o.parameters["iterations"] = "3";
  const auto one = gpulab::ml::kmeans_problems(o);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].rows, 1001);
  EXPECT_EQ(one[0].features, 7);
  EXPECT_EQ(one[0].clusters, 5);
  EXPECT_EQ(one[0].iterations, 3);
}

TEST(ml_module, BadOptionsAreRefusedBeforeAnyGpuWork) {
  const gpulab::training_module m = gpulab::ml::make_module();
  ASSERT_TRUE(m.validate);
  using gpulab::usage_error;
  EXPECT_NO_THROW(m.validate(with_size(std::nullopt)));
  EXPECT_NO_THROW(m.validate(with_size(1000003)));
  EXPECT_THROW(m.validate(with_size(0)), usage_error);
  EXPECT_THROW(m.validate(with_size(std::uint64_t{1} << 31)), usage_error);
  gpulab::run_options o;
  o.parameters["input"] = "x.csv";
  EXPECT_THROW(m.validate(o), usage_error);  // --input without --columns
  o.parameters.erase("input");
  o.parameters["columns"] = "a";
  EXPECT_THROW(m.validate(o), usage_error);  // --columns without --input
  o.parameters["input"] = "x.csv";
  o.size = 100;
  EXPECT_THROW(m.validate(o), usage_error);  // --size and --input
  o.size.reset();
  o.parameters["input"] = "/nonexistent/gpulab_ml.csv";
  EXPECT_THROW(m.validate(o), gpulab::io_error);  // said before any GPU work
  // Typed options: refused while parsing.
  EXPECT_THROW(gpulab::ml::clusters_option.check("-1"), usage_error);
  EXPECT_THROW(gpulab::ml::features_option.check("abc"), usage_error);
  EXPECT_THROW(gpulab::ml::iterations_option.check("2.5"), usage_error);
}

TEST(ml_module, SizesKmeansCannotTakeAreRefusedWhenTheCaseIsMade) {
  const gpulab::training_module m = gpulab::ml::make_module();
  for (const gpulab::case_entry& e : m.cases) {
    if (!is_kmeans(e)) continue;
    EXPECT_THROW(e.make(with_size(5)), gpulab::usage_error) << e.name << ": k = 8 > 5 rows";
    gpulab::run_options o = with_size(100);
    o.parameters["clusters"] = "0";
    EXPECT_NO_THROW(e.make(o)) << e.name << ": 0 is the preset's k";
  }
  // Shared memory per block, within 48 KiB less 256 bytes of static arrays (kmeans_lloyd.hpp):
  // the fused version keeps (2 k d + 3 k + 1 + 512) words, the others' update (k d + 3 k + 1 +
  // 256). At d = 16 the fused version takes k <= 334, the others k <= 629 (one more is past).
  gpulab::run_options big = with_size(5000);
  const auto clusters = [&](const char* k) {
    big.parameters["clusters"] = k;
    return big;
  };
  EXPECT_NO_THROW(m.cases[2].make(clusters("334")));
  EXPECT_THROW(m.cases[2].make(clusters("335")), gpulab::usage_error);
  for (int i : {0, 1}) {
    EXPECT_NO_THROW(m.cases[i].make(clusters("629"))) << m.cases[i].name;
    EXPECT_THROW(m.cases[i].make(clusters("630")), gpulab::usage_error) << m.cases[i].name;
  }
  // The line says what and why: k, d, the bytes and the budget.
  try {
    m.cases[2].make(clusters("335"));
  } catch (const gpulab::usage_error& e) {
    EXPECT_STREQ(e.what(),
                 "kmeans_fused: k = 335 centroids of 16 features need 48952 bytes of shared memory per block, past "
                 "the 48896 a block gets (kmeans_gemm keeps only the sums there)");
  }
  EXPECT_EQ(gpulab::ml::kmeans_shared_memory_problem(gpulab::ml::kmeans_version::fused, 300, 20).empty(), false)
      << "k d = 6000 but 53652 bytes: the old k d <= 6000 rule let it launch and fail";
  big.parameters["clusters"] = "1000";
  for (const gpulab::case_entry& e : m.cases) {
    if (is_kmeans(e)) {
      EXPECT_THROW(e.make(big), gpulab::usage_error) << e.name;
    }
  }
}

// The lines under the results: for each size, the fused version against the naive and gemm
// ones, then the tf32 and split_tf32 versions against the fused one, with the share of tf32's
// labels scored again and where split_tf32's products ran.
TEST(ml_module, CompareLinesPutTheFusedVersionBesideTheOthers) {
  const gpulab::training_module m = gpulab::ml::make_module();
  ASSERT_TRUE(m.compare);
  const auto result = [](const char* version, double size, double ms, bool verified = true) {
    gpulab::case_result r;
    r.name = std::string("kmeans_") + version;
    r.parameters = {"kmeans", version, "float"};
    r.size_value = size;
    r.size_label = std::to_string(static_cast<int>(size)) + " x 16";
    r.gpu.median_ms = ms;
    r.verified = verified;
    return r;
  };
  gpulab::case_result tf32_small = result("tf32", 50, 3.12);
  tf32_small.verify_detail = "labels: 0 differ; inertia 5 (CPU 5); TF32 labels scored again in float: 60 of 1000 (6%)";
  gpulab::case_result split_small = result("split_tf32", 50, 0.5);
  split_small.verify_detail = "labels: 0 differ; inertia 5 (CPU 5); products in split TF32 on wgmma";
  gpulab::case_result split_large = result("split_tf32", 1000, 2.0);
  split_large.verify_detail = "labels: 0 differ; the fused version's kernels ran (no wgmma kernel for this shape or GPU)";
  const auto lines = m.compare({result("naive", 1000, 4.0), result("gemm", 1000, 2.0), result("fused", 1000, 1.0),
                                result("tf32", 1000, 0.4), result("naive", 50, 3.0, false), result("fused", 50, 1.5),
                                tf32_small, split_small, split_large});
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_NE(lines[0].find("kmeans_fused, 50 x 16: 1.500 ms"), std::string::npos) << lines[0];
  EXPECT_EQ(lines[0].find("naive"), std::string::npos) << "an unverified row is no comparison: " << lines[0];
  EXPECT_EQ(lines[1],
            "kmeans_tf32, 50 x 16: 3.120 ms, 2.08x slower than kmeans_fused; "
            "TF32 labels scored again in float: 60 of 1000 (6%)");
  EXPECT_EQ(lines[2], "kmeans_split_tf32, 50 x 16: 0.500 ms, 3.00x faster than kmeans_fused; products in split TF32 on wgmma");
  EXPECT_NE(lines[3].find("4.0x faster than kmeans_naive, 2.0x faster than kmeans_gemm"), std::string::npos)
      << lines[3];
  EXPECT_EQ(lines[4], "kmeans_tf32, 1000 x 16: 0.400 ms, 2.50x faster than kmeans_fused");
  EXPECT_EQ(lines[5],
            "kmeans_split_tf32, 1000 x 16: 2.000 ms, 2.00x slower than kmeans_fused; "
            "the fused version's kernels ran (no wgmma kernel for this shape or GPU)");
}

}  // namespace

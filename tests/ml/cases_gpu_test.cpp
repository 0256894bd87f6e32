// SPDX-License-Identifier: MIT
// Module 7 `ml` on the GPU through the runner: the k-means cases at odd sizes and
// shapes and on a CSV file (the options that only k-means reads), the kNN cases at
// odd sizes, must verify (tests/course proves that wrong outputs do not). The
// regression and PCA cases have theirs in regression_gpu_test.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "common/gpu_test.hpp"
#include "common/quick_run.hpp"
#include "gpulab/ml/blobs.hpp"
#include "gpulab/ml/cases.hpp"
#include "gpulab/ml/knn_cases.hpp"
#include "gpulab/ml/module.hpp"

namespace {

class ml_gpu : public GpuTest {};

// The k-means entries of the module: --features, --clusters and --iterations are theirs
// (--input reaches every algorithm: kNN's and regression's file tests are in knn_gpu_test.cpp
// and regression_gpu_test.cpp). (The kNN cases' CPU reference at the default 10000 queries would cost minutes here.)
gpulab::training_module kmeans_module() {
  gpulab::training_module m;
  m.name = "ml";
  m.cases = gpulab::ml::kmeans_case_entries();
  return m;
}

void expect_verified_at(const gpulab::training_module& m, gpulab::run_options options) {
  ASSERT_FALSE(m.cases.empty()) << "no case to run would pass vacuously";
  gpulab::resources res = gpulab::make_resources(options, false);
  for (const gpulab::case_entry& e : m.cases) {
    for (const auto& c : e.make(options)) {
      const gpulab::case_result r = gpulab::run_case(*c, res, options);
      EXPECT_TRUE(r.verified) << e.name << " " << r.size_label << ": " << r.verify_detail;
      EXPECT_FALSE(r.error) << e.name << ": " << r.error.value_or("");
      // The CPU baseline ran, or was skipped past its budget for the scalable check (the row says so).
      EXPECT_TRUE(r.cpu.has_value() || r.check.find("CPU skipped") != std::string::npos) << e.name << ": " << r.check;
      EXPECT_GT(r.gpu.median_ms, 0.0) << e.name;
    }
  }
}

// k = n (every point its own cluster), then odd sizes with the default 16 features and k = 8.
TEST_F(ml_gpu, EveryKmeansCaseVerifiesAtOddSizes) {
  for (const std::uint64_t n : {8ull, 31ull, 1001ull, 100003ull}) {
    expect_verified_at(kmeans_module(), quick_run_options(n));
  }
}

// kNN: --size is the database rows, min(n, 10000) queries of 64 features, k = 10 or 1024
// (more than n at 1001: the cases then return all n). 4099 keeps the CPU reference short.
TEST_F(ml_gpu, EveryKnnCaseVerifiesAtOddSizes) {
  gpulab::training_module m;
  m.name = "ml";
  m.cases = gpulab::ml::knn_cases();
  for (const std::uint64_t n : {31ull, 1001ull, 4099ull}) {
    expect_verified_at(m, quick_run_options(n));
  }
}

TEST_F(ml_gpu, EveryKmeansCaseVerifiesAtOddShapes) {
  for (const auto& [d, k] : {std::pair{"7", "5"}, std::pair{"1", "3"}, std::pair{"33", "64"}}) {
    gpulab::run_options o = quick_run_options(20011);
    o.parameters["features"] = d;
    o.parameters["clusters"] = k;
    o.parameters["iterations"] = "4";
    expect_verified_at(kmeans_module(), o);
  }
}

// --input FILE.csv --columns ...: the same cases on the rows of a file.
TEST_F(ml_gpu, EveryKmeansCaseVerifiesOnACsvFile) {
  gpulab::ml::blobs_params b;
  b.rows = 5003;
  b.features = 3;
  b.centres = 4;
  const auto blobs = gpulab::ml::make_blobs_host(b);
  const auto path = std::filesystem::temp_directory_path() / "gpulab_ml_cases_gpu_test.csv";
  {
    std::ofstream out(path);
    out << "id,x,y,z\n";
    for (std::int64_t i = 0; i < b.rows; ++i) {
      out << i;
      for (int j = 0; j < 3; ++j) out << "," << blobs.points.values[static_cast<std::size_t>(i * 3 + j)];
      out << "\n";
    }
  }
  gpulab::run_options o = quick_run_options();
  o.parameters["input"] = path.string();
  o.parameters["columns"] = "z,x,y";
  o.parameters["clusters"] = "4";
  expect_verified_at(kmeans_module(), o);
  std::filesystem::remove(path);
}

// That a wrong output fails (poisoned, zeroed, an element unwritten or perturbed)
// is proven for every case of every module by tests/course/sabotage_gpu_test.cpp.

}  // namespace

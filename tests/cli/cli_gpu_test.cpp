// SPDX-License-Identifier: MIT
// The command line on a GPU: real runs, reports, plots, and the memory limit.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/gpu_test.hpp"
#include "common/run_command.hpp"
#include "gpulab/exercises/catalog.hpp"

namespace {

using gpulab::testing::line_count;
using gpulab::testing::run_command;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whether the device module's exercise still holds its TODO (a trainee may have solved it).
bool map_2d_skeleton_untouched() {
  const std::filesystem::path skeleton =
      std::filesystem::path(GPULAB_SOURCE_DIR) / "kernels/device/exercises/map_2d_index.cuh";
  return slurp(skeleton.string()).find("TODO(trainee)") != std::string::npos;
}

TEST(CliGpu, SizeLargerThanDeviceMemoryNamesBothNumbers) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_CLI, "transfer", "h2d_pinned", "--size", "1TiB"});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("1099511627776 bytes"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("are free"), std::string::npos) << r.err;
}

// A case too large for the host (GPULAB_HOST_MEMORY_LIMIT, the kit's cap) fails
// alone: its row keeps the error, the other case runs, the report file is whole,
// and the exit code is the worst case's (4).
TEST(CliGpu, AFailedCaseKeepsItsRowAndTheReport) {
  GPULAB_REQUIRE_GPU();
  const std::string json = ::testing::TempDir() + "gpulab_cli_failed_case.json";
  // Host bytes at 100 MB: d2d_memcpy declares 200 MB, h2d_pinned 300 MB; the cap lets only the first run.
  const auto r = run_command({"/usr/bin/env", "GPULAB_HOST_MEMORY_LIMIT=250M", GPULAB_CLI, "transfer", "h2d_pinned",
                              "d2d_memcpy", "--size", "100M", "--repeat", "3", "--format", "json", "--output", json});
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("case h2d_pinned"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("not enough host memory"), std::string::npos) << r.err;
  const std::string text = slurp(json);
  EXPECT_NE(text.find("ERROR: not enough host memory"), std::string::npos) << text;
  EXPECT_NE(text.find("\"d2d_memcpy\""), std::string::npos) << text;
  EXPECT_NE(text.find("\"yes\""), std::string::npos) << text;  // d2d_memcpy ran and verified
  std::remove(json.c_str());
}

TEST(CliGpu, LinalgTooLargeForDeviceMemoryNamesBothNumbers) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_LINALG_CLI, "dgemm", "--size", "131072"});  // 412 GB
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_EQ(line_count(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("are free"), std::string::npos) << r.err;
}

TEST(CliGpu, LinalgCasesVerifyAtAnOddSize) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_CLI, "linalg", "dgemm", "bf16_gemm", "svd_newton_schulz", "lu_solve", "--size",
                              "301", "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  for (const char* name : {"dgemm", "bf16_gemm", "svd_newton_schulz", "lu_solve"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(r.out.find(" NO"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("vs FP64: rel err"), std::string::npos) << r.out;
}

TEST(CliGpu, CsvReportAndBandwidthPlot) {
  GPULAB_REQUIRE_GPU();
  const std::string csv = ::testing::TempDir() + "gpulab_cli_bw.csv";
  const std::string svg = ::testing::TempDir() + "gpulab_cli_bw.svg";
  const auto r = run_command({GPULAB_TRANSFER_CLI, "h2d_pinned", "d2h_pageable", "--size", "1000003", "--repeat", "3",
                              "--format", "csv", "--output", csv, "--plot", svg});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string text = slurp(csv);
  EXPECT_NE(text.find("h2d_pinned,"), std::string::npos) << text;
  EXPECT_NE(text.find("d2h_pageable,"), std::string::npos) << text;
  EXPECT_EQ(text.find("NO:"), std::string::npos) << text;
  const std::string figure = slurp(svg);
  EXPECT_EQ(figure.rfind("<?xml", 0), 0u) << figure;
  EXPECT_NE(figure.find(">h2d_pinned</text>"), std::string::npos) << figure;  // the legend names both cases
  EXPECT_NE(figure.find(">d2h_pageable</text>"), std::string::npos) << figure;
  std::remove(csv.c_str());
  std::remove(svg.c_str());
}

TEST(CliGpu, DeviceModuleDescribesTheGpu) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_DEVICE_CLI, "summary", "attributes", "index_mapping", "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* fragment : {"compute capability", "MULTI_PROCESSOR_COUNT", "GLOBAL_MEMORY_BUS_WIDTH",
                               "theoretical bandwidth", "verified: every element"}) {
    EXPECT_NE(r.out.find(fragment), std::string::npos) << fragment;
  }
}

TEST(CliGpu, RandomPrecisionStudyWritesCsvAndPlot) {
  GPULAB_REQUIRE_GPU();
  const std::string csv = ::testing::TempDir() + "gpulab_cli_pi.csv";
  const std::string svg = ::testing::TempDir() + "gpulab_cli_pi.svg";
  const auto r = run_command({GPULAB_RANDOM_CLI, "precision_study", "--size", "1e7", "--format", "csv", "--output",
                              csv, "--plot", svg});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::string text = slurp(csv);
  EXPECT_NE(text.find("10000000,"), std::string::npos) << text;
  EXPECT_NE(text.find("quasi-random"), std::string::npos) << text;
  const std::string figure = slurp(svg);
  EXPECT_EQ(figure.rfind("<?xml", 0), 0u) << figure;
  std::size_t lines = 0;
  for (auto at = figure.find("<path "); at != std::string::npos; at = figure.find("<path ", at + 1)) ++lines;
  EXPECT_EQ(lines, 5u);  // one line per series of the study
  EXPECT_NE(figure.find(">relative error</text>"), std::string::npos) << figure;
  std::remove(csv.c_str());
  std::remove(svg.c_str());
}

TEST(CliGpu, RandomCasesAndPitfallDemosVerify) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_CLI, "random", "uniform", "poisson", "pi_philox", "seeding_pitfall",
                              "accumulation_pitfall", "--generator", "philox,sobol32", "--dimensions", "2",
                              "--lambda", "2.5", "--size", "1000003", "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* fragment : {"uniform_philox", "uniform_sobol32", "poisson_sobol32", "pi_philox", "G items/s",
                               "clock() + thread id", "float"}) {
    EXPECT_NE(r.out.find(fragment), std::string::npos) << fragment;
  }
  EXPECT_EQ(r.out.find("NO:"), std::string::npos) << r.out;
}

TEST(CliGpu, TourRunsAndVerifiesEverything) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_CLI, "tour", "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Tour: headline results"), std::string::npos);
  EXPECT_NE(r.out.find("pipeline_4_streams"), std::string::npos);
  EXPECT_EQ(r.out.find("NO:"), std::string::npos) << r.out;
}

// --module: that module's tour items alone, verified; the others' rows are absent.
TEST(CliGpu, TourOfOneModule) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_CLI, "tour", "--module", "random", "--repeat", "3"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("gpulab tour of module random"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uniform"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("saxpy_vectorized"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("pipeline_4_streams"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("NO:"), std::string::npos) << r.out;
}

// --all: one line per exercise of the catalog with its verdict, then the count. The
// untouched skeletons fail their checks (FAIL, exit 1), none crashes the checker.
TEST(CliGpu, CheckAllListsEveryExerciseWithItsVerdict) {
  GPULAB_REQUIRE_GPU();
  const auto r = run_command({GPULAB_CLI, "check", "--all"});
  int passed = 0, failed = 0;
  for (const gpulab::exercises::exercise_info& e : gpulab::exercises::catalog) {
    const std::string name(e.name);
    const std::size_t at = r.out.find("\n  " + name + " ");
    ASSERT_NE(at, std::string::npos) << name << "\n" << r.out;
    const std::string line = r.out.substr(at + 1, r.out.find('\n', at + 1) - at - 1);
    const bool pass = line.find(" PASS") != std::string::npos, fail = line.find(" FAIL") != std::string::npos;
    EXPECT_TRUE(pass != fail) << "PASS or FAIL, not an error: " << line;
    passed += pass ? 1 : 0;
    failed += fail ? 1 : 0;
  }
  EXPECT_NE(r.out.find(std::to_string(passed) + " of " + std::to_string(gpulab::exercises::catalog.size()) +
                       " exercises pass"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.exit_code, failed == 0 ? 0 : 1) << r.out << r.err;
  if (map_2d_skeleton_untouched()) {
    const std::size_t at = r.out.find("\n  map_2d_index ");
    ASSERT_NE(at, std::string::npos) << r.out;
    EXPECT_NE(r.out.substr(at, r.out.find('\n', at + 1) - at).find(" FAIL "), std::string::npos) << r.out;
  }
}

TEST(CliGpu, CheckRejectsTheUntouchedSkeleton) {
  GPULAB_REQUIRE_GPU();
  if (!map_2d_skeleton_untouched()) {
    GTEST_SKIP() << "the exercise has been edited: the untouched-skeleton check does not apply";
  }
  const auto r = run_command({GPULAB_CLI, "check", "map_2d_index"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("never written"), std::string::npos) << r.out;
}

}  // namespace

// SPDX-License-Identifier: MIT
// A JSON report read back (gpulab plot): the rows come back as the results that made
// them, a tour's summary too, and anything that is not a report is one clear error.
#include "gpulab/bench/saved_report.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gpulab/bench/report.hpp"
#include "gpulab/core/error.hpp"
#include "common/usage_error_message.hpp"

namespace {

gpulab::case_result result(const std::string& name, const std::string& version, double size, double ms, double bytes,
                           double flops) {
  gpulab::case_result r;
  r.name = name;
  r.module = "transfer";
  r.parameters = {.operation = "h2d", .version = version, .element_type = "byte"};
  r.size_value = size;
  r.size_label = std::to_string(static_cast<long long>(size));
  r.gpu = {.median_ms = ms, .min_ms = ms * 0.99, .max_ms = ms * 1.01, .mean_ms = ms, .count = 20};
  r.work = {.bytes_read = bytes * 0.5, .bytes_written = bytes * 0.5, .flops = flops};
  r.verified = true;
  return r;
}

// Odd, non-round values: each must come back, not a default.
const std::vector<gpulab::case_result> written = {
    result("h2d_pinned", "pinned", 4096, 0.0123, 4096 * 2.0, 0),
    result("h2d_pinned", "pinned", 1048577, 0.0419, 1048577 * 2.0, 0),
    result("d2d_scale", "kernel", 50000017, 0.1371, 4e8 + 68, 5.0000017e7),
};

std::string as_json(const gpulab::report& r) {
  std::ostringstream out;
  gpulab::write_report(out, r, gpulab::output_format::json);
  return out.str();
}

gpulab::report report_of(const gpulab::table& t) {
  gpulab::report r;
  r.title = "gpulab module 2";
  r.header = {{"device", "0: NVIDIA H200"}, {"date", "2026-12-03 08:57 UTC"}};
  r.tables.push_back(t);
  return r;
}

void expect_read_back(const gpulab::saved_report& saved) {
  ASSERT_EQ(saved.results.size(), written.size());
  for (std::size_t i = 0; i < written.size(); ++i) {
    const gpulab::case_result &got = saved.results[i], &want = written[i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.module, "transfer");
    EXPECT_EQ(got.parameters.operation, want.parameters.operation);
    EXPECT_EQ(got.parameters.version, want.parameters.version);
    EXPECT_EQ(got.size_value, want.size_value);
    EXPECT_DOUBLE_EQ(got.gpu.median_ms, want.gpu.median_ms);
    // The work comes back from the rates: GB/s and GFLOP/s equal to rounding.
    EXPECT_NEAR(got.gigabytes_per_second(), want.gigabytes_per_second(), 1e-12 * want.gigabytes_per_second());
    EXPECT_NEAR(got.gigaflops(), want.gigaflops(), 1e-12 * want.gigaflops() + 1e-300);
    EXPECT_TRUE(got.verified);
  }
}

TEST(SavedReport, AModulesCasesComeBack) {
  const gpulab::saved_report saved =
      gpulab::parse_saved_report(as_json(report_of(gpulab::results_table(written, "Verified and timed cases"))), "r.json");
  EXPECT_EQ(saved.title, "gpulab module 2");
  EXPECT_EQ(saved.device, "0: NVIDIA H200");
  EXPECT_EQ(saved.date, "2026-12-03 08:57 UTC");
  expect_read_back(saved);
}

TEST(SavedReport, TheToursSummaryComesBackToo) {
  // The tour's table starts with a module column: the case column is found by its name.
  const std::vector<std::string> modules(written.size(), "transfer");
  expect_read_back(gpulab::parse_saved_report(
      as_json(report_of(gpulab::results_table(written, "Tour: headline results", modules))), "tour.json"));
}

TEST(SavedReport, ARowThatDidNotRunIsLeftOut) {
  gpulab::table t = gpulab::results_table(written, "Verified and timed cases");
  t.rows[1][2] = gpulab::cell("-");  // "median ms" of a case that failed to run
  const gpulab::saved_report saved = gpulab::parse_saved_report(as_json(report_of(t)), "r.json");
  ASSERT_EQ(saved.results.size(), 2u);
  EXPECT_EQ(saved.results[1].size_value, 50000017);
}

TEST(SavedReport, WhatIsNotAReportIsOneClearError) {
  const auto why = [](const std::string& text) {
    return usage_error_message([&] { (void)gpulab::parse_saved_report(text, "x.json"); });
  };
  EXPECT_EQ(why("# a deck\n"), "x.json: not a JSON report (write one with --format json)");
  EXPECT_EQ(why("[1, 2]"), "x.json: not a JSON report (write one with --format json)");
  EXPECT_EQ(why("{\"title\": \"t\"}"), "x.json: a JSON file, but no \"tables\": not a gpulab report");
  const std::string no_cases = "x.json: no table of timed cases (columns case, size, median ms) with a row that ran";
  EXPECT_EQ(why("{\"tables\": []}"), no_cases);
  EXPECT_EQ(why(R"({"tables": [{"title": "t", "columns": ["property", "value"], "rows": [["a", 1]]}]})"), no_cases);
  EXPECT_EQ(why(R"({"tables": [{"columns": ["case", "size", "median ms"], "rows": [["c", 1, "-"]]}]})"), no_cases);
}

TEST(SavedReport, AFileThatCannotBeReadIsAnIoError) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "gpulab_saved_report_test";
  std::filesystem::create_directories(dir);
  EXPECT_THROW((void)gpulab::read_saved_report((dir / "missing.json").string()), gpulab::io_error);
  EXPECT_THROW((void)gpulab::read_saved_report(dir.string()), gpulab::io_error);  // a directory
  const std::filesystem::path file = dir / "ok.json";
  std::ofstream(file) << as_json(report_of(gpulab::results_table(written, "Verified and timed cases")));
  expect_read_back(gpulab::read_saved_report(file.string()));
  std::filesystem::remove_all(dir);
}

}  // namespace

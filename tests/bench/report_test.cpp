// SPDX-License-Identifier: MIT
#include "gpulab/bench/report.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "gpulab/core/error.hpp"

namespace {

gpulab::report sample_report() {
  gpulab::report r;
  r.title = "A \"quoted\" title";
  r.header = {{"device", "GPU, with comma"}};
  gpulab::table t;
  t.title = "results";
  t.columns = {"case", "GB/s"};
  t.rows.push_back({gpulab::cell("copy"), gpulab::cell("2900.5", 2900.5)});
  t.rows.push_back({gpulab::cell("copy, slow"), gpulab::cell("12.0", 12.0)});
  t.rows.push_back({gpulab::cell("broken"), gpulab::cell("nan", std::nan(""))});
  t.notes = {"a note"};
  r.tables.push_back(t);
  return r;
}

std::string render(const gpulab::report& r, gpulab::output_format f) {
  std::ostringstream out;
  gpulab::write_report(out, r, f);
  return out.str();
}

TEST(Report, TableAlignsNumbersRightAndTextLeft) {
  const std::string text = render(sample_report(), gpulab::output_format::table);
  EXPECT_NE(text.find("  copy       2900.5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  copy, slow   12.0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("* a note"), std::string::npos);
  EXPECT_NE(text.find("device : GPU, with comma"), std::string::npos);
  for (std::size_t at = text.find(" \n"); at != std::string::npos; at = text.find(" \n", at + 1)) {
    ADD_FAILURE() << "trailing blank at " << at;
  }
}

TEST(Report, JsonEscapesStringsAndWritesNumbers) {
  const std::string json = render(sample_report(), gpulab::output_format::json);
  EXPECT_NE(json.find("\"title\": \"A \\\"quoted\\\" title\""), std::string::npos) << json;
  EXPECT_NE(json.find("[\"copy\", 2900.5]"), std::string::npos) << json;
  EXPECT_NE(json.find("[\"broken\", null]"), std::string::npos) << json;  // no NaN in JSON
  EXPECT_EQ(json.front(), '{');
}

TEST(Report, CsvQuotesFieldsWithCommas) {
  const std::string csv = render(sample_report(), gpulab::output_format::csv);
  EXPECT_NE(csv.find("case,GB/s\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("copy,2900.5\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\"copy, slow\",12\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("# results\n"), std::string::npos) << csv;
}

TEST(Report, FormatNames) {
  EXPECT_EQ(gpulab::parse_output_format("json"), gpulab::output_format::json);
  EXPECT_EQ(gpulab::parse_output_format("csv"), gpulab::output_format::csv);
  EXPECT_EQ(gpulab::parse_output_format("table"), gpulab::output_format::table);
  EXPECT_THROW(gpulab::parse_output_format("xml"), gpulab::usage_error);
  EXPECT_THROW(gpulab::parse_output_format(""), gpulab::usage_error);
}

TEST(Report, UnwritableFileIsAnIoError) {
  EXPECT_THROW(gpulab::write_report_file("/nonexistent-dir/report.json", sample_report(), gpulab::output_format::json),
               gpulab::io_error);
}

}  // namespace

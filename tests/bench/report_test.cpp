// SPDX-License-Identifier: MIT
#include "gpulab/bench/report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

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

TEST(Report, JsonKeepsTheReportsStructure) {
  const std::string text = render(sample_report(), gpulab::output_format::json);
  ASSERT_EQ(text.front(), '{');
  const nlohmann::json json = nlohmann::json::parse(text);  // throws (and fails the test) when malformed
  EXPECT_EQ(json["title"], "A \"quoted\" title");
  EXPECT_EQ(json["header"], nlohmann::json({{"device", "GPU, with comma"}}));
  ASSERT_EQ(json["tables"].size(), 1u);
  const nlohmann::json& t = json["tables"][0];
  EXPECT_EQ(t["title"], "results");
  EXPECT_EQ(t["columns"], nlohmann::json({"case", "GB/s"}));
  ASSERT_EQ(t["rows"].size(), 3u);
  EXPECT_EQ(t["rows"][0], nlohmann::json({"copy", 2900.5}));  // numbers as numbers, not their text
  EXPECT_TRUE(t["rows"][1][1].is_number());
  EXPECT_EQ(t["rows"][1][1], 12.0);
  EXPECT_EQ(t["rows"][2], nlohmann::json({"broken", nullptr}));  // no NaN in JSON
  EXPECT_EQ(t["notes"], nlohmann::json({"a note"}));
  // The keys in the order people read them, not sorted.
  EXPECT_LT(text.find("\"title\""), text.find("\"header\""));
  EXPECT_LT(text.find("\"header\""), text.find("\"tables\""));
  EXPECT_LT(text.find("\"columns\""), text.find("\"rows\""));
}

TEST(Report, JsonStringsRoundTrip) {
  // Quotes, a backslash, newline and tab, a control character, and UTF-8 (micro sign, sigma, a CJK character).
  const std::string awkward = "say \"hi\" \\ path\\to\nnext\tline \x01 \u00b5s \u03c3 \u6f22";
  gpulab::report r;
  r.title = awkward;
  r.header = {{awkward, awkward}};
  gpulab::table t;
  t.title = awkward;
  t.columns = {awkward};
  t.rows.push_back({gpulab::cell(awkward)});
  t.notes = {awkward};
  r.tables.push_back(t);
  const nlohmann::json json = nlohmann::json::parse(render(r, gpulab::output_format::json));
  EXPECT_EQ(json["title"], awkward);
  EXPECT_EQ(json["header"][awkward], awkward);
  EXPECT_EQ(json["tables"][0]["title"], awkward);
  EXPECT_EQ(json["tables"][0]["columns"][0], awkward);
  EXPECT_EQ(json["tables"][0]["rows"][0][0], awkward);
  EXPECT_EQ(json["tables"][0]["notes"][0], awkward);
}

TEST(Report, JsonReplacesInvalidUtf8InsteadOfFailing) {
  gpulab::report r;
  r.title = std::string("bad byte \xff here");
  const nlohmann::json json = nlohmann::json::parse(render(r, gpulab::output_format::json));
  EXPECT_EQ(json["title"], "bad byte \ufffd here");
  EXPECT_EQ(json["header"], nlohmann::json::object());
  EXPECT_EQ(json["tables"], nlohmann::json::array());
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

// SPDX-License-Identifier: MIT
// Bad input gets one clear line (usage_error), on either backend, before any work:
// unknown columns, bins that do not increase, mismatched lengths, bad expressions.
#include <gtest/gtest.h>

#include <limits>
#include <span>
#include <string>
#include <vector>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/dataframe.hpp"
#include "gpulab/dataframe/groupby.hpp"
#include "gpulab/dataframe/row_mean.hpp"

namespace {

using namespace gpulab::dataframe;
const cuda::stream_ref no_stream{cudaStream_t{}};

table small_table() {
  table t;
  t.add("A", column::from_host<double>(std::vector<double>{0.1, 0.5, 0.9}, backend::cpu, no_stream));
  t.add("B", column::from_host<double>(std::vector<double>{1, 2, 3}, backend::cpu, no_stream));
  t.add("label", column::categorical(std::vector<std::int32_t>{0, 1, 0}, {"x", "y"}, backend::cpu, no_stream));
  return t;
}

// The message of the usage_error `f` throws (the test fails if it throws none, or another).
template <class F>
std::string usage_message(F&& f) {
  try {
    f();
  } catch (const gpulab::usage_error& e) {
    const std::string text = e.what();
    EXPECT_EQ(text.find('\n'), std::string::npos) << "one line: " << text;
    return text;
  }
  ADD_FAILURE() << "no usage_error";
  return "";
}

TEST(dataframe_bad_input, UnknownColumnsAreNamedWithTheColumnsThereAre) {
  table t = small_table();
  EXPECT_EQ(usage_message([&] { (void)t["Z"]; }), "unknown column 'Z' (columns: A, B, label)");
  EXPECT_EQ(usage_message([&] { eval(t, "D = 2*Z + A"); }),
            "eval: unknown column 'Z' in \"D = 2*Z + A\" (columns: A, B, label)");
  EXPECT_EQ(usage_message([&] { (void)groupby(t, {"nope"}, {{"A", agg_func::mean}}); }),
            "unknown column 'nope' (columns: A, B, label)");
  EXPECT_EQ(usage_message([&] { (void)groupby(t, {"label"}, {{"Q", agg_func::sum}}); }),
            "unknown column 'Q' (columns: A, B, label)");
  EXPECT_EQ(usage_message([&] { (void)pivot_table(t, "label", {"A", "W"}); }), "unknown column 'W' (columns: A, B, label)");
  EXPECT_EQ(usage_message([&] { (void)row_mean(t, {"A", "C"}); }), "unknown column 'C' (columns: A, B, label)");
  EXPECT_EQ(usage_message([&] { (void)filter(t, "X", compare_op::less, 1); }), "unknown column 'X' (columns: A, B, label)");
  EXPECT_EQ(usage_message([&] { (void)sort_values(t, "Y"); }), "unknown column 'Y' (columns: A, B, label)");
}

TEST(dataframe_bad_input, BinsMustIncreaseStrictly) {
  const table t = small_table();
  EXPECT_EQ(usage_message([&] { (void)cut(t["A"], {0, 0.5, 0.5, 1}); }),
            "cut: bins must increase monotonically (edge 2 = 0.5 is not above edge 1 = 0.5)");
  EXPECT_EQ(usage_message([&] { (void)cut(t["A"], {1, 0}); }),
            "cut: bins must increase monotonically (edge 1 = 0.0 is not above edge 0 = 1.0)");
  EXPECT_EQ(usage_message([&] { (void)cut(t["A"], {0.5}); }), "cut: 2..64 bin edges (got 1)");
  EXPECT_EQ(usage_message([&] { (void)cut(t["A"], {0, std::numeric_limits<double>::quiet_NaN()}); }),
            "cut: bin edge 1 is not a finite number");
  EXPECT_EQ(usage_message([&] { (void)cut(t["A"], course_bins, {"only", "three", "labels"}); }),
            "cut: 5 bins need 5 labels (got 3)");
  EXPECT_EQ(usage_message([&] { (void)cut(t["label"], course_bins); }),
            "cut: the column is categorical (use its codes or groupby)");
}

TEST(dataframe_bad_input, ColumnsOfOneTableHaveOneLength) {
  table t = small_table();
  EXPECT_EQ(usage_message([&] {
              t.add("C", column::from_host<double>(std::vector<double>{1, 2}, backend::cpu, no_stream));
            }),
            "column 'C' has 2 rows, the table 3");
  const std::vector<double> a = {1, 2, 3}, b = {1, 2};
  const column_view<double> views[] = {{a.data(), nullptr, 3}, {b.data(), nullptr, 2}};
  EXPECT_EQ(usage_message([&] {
              std::vector<double> out(3);
              row_mean_cpu(std::span<const column_view<double>>(views), out.data());
            }),
            "row_mean: columns of 3 and 2 rows");
  const std::vector<std::int32_t> codes = {0, 1, 0};
  const column_view<double> one[] = {views[1]};
  EXPECT_EQ(usage_message([&] {
              std::vector<double> s(2), m(2);
              std::vector<std::uint32_t> c(2);
              group_sums_dense_cpu({codes.data(), nullptr, 3}, 2, one, s.data(), c.data(), m.data());
            }),
            "group sums: keys have 3 rows, a value column 2");
  EXPECT_EQ(usage_message([&] {
              (void)column::from_host<double>(std::vector<double>{1, 2}, backend::cpu, no_stream,
                                              std::vector<std::uint32_t>{1, 1});
            }),
            "validity mask: 1 words for 2 rows (got 2)");
}

TEST(dataframe_bad_input, BadExpressionsAndOperandsAreOneLine) {
  table t = small_table();
  EXPECT_EQ(usage_message([&] { eval(t, "D = A +"); }).substr(0, 23), "eval: expected a number");
  EXPECT_EQ(usage_message([&] { eval(t, "= A"); }).substr(0, 36), "eval: expected the new column's name");
  EXPECT_EQ(usage_message([&] { eval(t, "D = label * 2"); }), "eval: column 'label' is categorical");
}

TEST(dataframe_bad_input, GroupbyAndRowMeanRefuseWhatTheyCannotDo) {
  const table t = small_table();
  EXPECT_EQ(usage_message([&] { (void)groupby(t, {"A"}, {{"B", agg_func::sum}}); }),
            "groupby: key column 'A' is float64 (keys are categorical or integer columns: cut a float column first)");
  EXPECT_EQ(usage_message([&] { (void)groupby(t, {"label"}, {{"label", agg_func::sum}}); }),
            "groupby: cannot aggregate categorical column 'label'");
  EXPECT_EQ(usage_message([&] { (void)groupby(t, {}, {{"A", agg_func::sum}}); }), "groupby: name at least one key column");
  EXPECT_EQ(usage_message([&] { (void)row_mean(t, {"A", "label"}); }),
            "row_mean: the columns must share one type (A is float64, label is category)");
  EXPECT_EQ(usage_message([&] { (void)reduce(t["label"], reduction::mean); }),
            "mean: the column is categorical (use its codes or groupby)");
  EXPECT_EQ(usage_message([&] { (void)head(t, -1); }), "head: n must be 0 or more (got -1)");
  EXPECT_EQ(usage_message([&] {
              (void)column::categorical(std::vector<std::int32_t>{0, 2}, {"x", "y"}, backend::cpu, no_stream);
            }),
            "categorical column: code 2 at row 1 is not -1 (missing) or one of the 2 labels");
  EXPECT_EQ(usage_message([&] { (void)t["A"].view<float>(); }), "column of float64 used as float32");
  EXPECT_EQ(usage_message([&] { (void)parse_compare_op("=>"); }), "unknown comparison '=>' (known: <, <=, >, >=, ==, !=)");
}

}  // namespace

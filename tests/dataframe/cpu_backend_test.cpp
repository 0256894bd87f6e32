// SPDX-License-Identifier: MIT
// The CPU backend's operations against values worked out by hand, with pandas'
// semantics: missing values skipped, cut's right-closed bins and its edges,
// groupby dropping missing keys, sort putting missing values last, and head and
// describe printed as pandas prints them. No GPU needed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/temporary_file.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/cut.hpp"
#include "gpulab/dataframe/dataframe.hpp"
#include "gpulab/dataframe/groupby.hpp"
#include "gpulab/dataframe/pandas_format.hpp"

namespace {

using namespace gpulab::dataframe;
const double nan = std::numeric_limits<double>::quiet_NaN();
const cuda::stream_ref no_stream{cudaStream_t{}};

column doubles(const std::vector<double>& v, std::vector<std::uint32_t> validity = {}) {
  return column::from_host<double>(v, backend::cpu, no_stream, validity);
}
column int32s(const std::vector<std::int32_t>& v, std::vector<std::uint32_t> validity = {}) {
  return column::from_host<std::int32_t>(v, backend::cpu, no_stream, validity);
}

TEST(dataframe_cpu, ReductionsSkipMaskedAndNanValues) {
  // 4 and 100 are present in the data but masked (bits 3 and 5 off); NaN counts as missing.
  const column a = doubles({1.0, 2.0, nan, 4.0, 3.0, 100.0, 6.0}, {0b1010111u});
  EXPECT_EQ(reduce(a, reduction::count), 4.0);  // 1, 2, 3, 6
  EXPECT_EQ(reduce(a, reduction::sum), 12.0);
  EXPECT_EQ(reduce(a, reduction::mean), 3.0);
  EXPECT_EQ(reduce(a, reduction::min), 1.0);
  EXPECT_EQ(reduce(a, reduction::max), 6.0);
  EXPECT_NEAR(reduce(a, reduction::std), std::sqrt(14.0 / 3.0), 1e-15);  // deviations -2, -1, 0, 3
  const column none = doubles({nan, nan});
  EXPECT_EQ(reduce(none, reduction::count), 0.0);
  EXPECT_EQ(reduce(none, reduction::sum), 0.0);  // pandas: the sum of nothing is 0
  EXPECT_TRUE(std::isnan(reduce(none, reduction::mean)));
  EXPECT_TRUE(std::isnan(reduce(doubles({5.0}), reduction::std)));  // ddof 1: one value has no spread
  EXPECT_EQ(reduce(int32s({-3, 7, 2}), reduction::sum), 6.0);
}

TEST(dataframe_cpu, CutFollowsPandasEdgesAndMissingValues) {
  // pandas.cut(x, [0, .2, .4, .6, .8, 1]): (0, .2], (.2, .4], ..., (.8, 1]
  const std::vector<double> x = {0.2, 0.0, -0.1, 1.0, 1.0000001, nan, 0.2000001, 0.5, 0.8, 0.80000001, 1e-300, 7.0};
  const column codes = cut(doubles(x, {0b011111111111u}), course_bins, course_labels);  // 7.0 (bit 11) masked
  const std::vector<std::int32_t> expected = {0,   // exactly on an edge: the bin it closes
                                              -1,  // the first edge itself: outside (include_lowest=False)
                                              -1,  // below the first edge
                                              4,   // the last edge closes the last bin
                                              -1,  // above the last edge
                                              -1,  // NaN
                                              1, 2, 3, 4, 0,
                                              -1};  // masked
  EXPECT_EQ(codes.to_host<std::int32_t>(), expected);
  EXPECT_EQ(codes.type(), dtype::category);
  EXPECT_EQ(codes.labels(), course_labels);
  // Without labels, pandas names the bins by their intervals.
  EXPECT_EQ(cut(doubles({0.5}), {0, 1, 2.5}).labels(), (std::vector<std::string>{"(0.0, 1.0]", "(1.0, 2.5]"}));
}

TEST(dataframe_cpu, RowMeanSkipsMissingValuesAndGivesNanForAnEmptyRow) {
  table t;
  t.add("A", doubles({1.0, nan, 3.0, nan}));
  t.add("B", doubles({2.0, 4.0, 5.0, nan}));
  t.add("C", doubles({6.0, 8.0, 7.0, 9.0}, {0b0111u}));  // row 3's 9.0 masked
  const std::vector<double> mean = row_mean(t, {"A", "B", "C"}).to_host<double>();
  EXPECT_EQ(mean[0], 3.0);
  EXPECT_EQ(mean[1], 6.0);
  EXPECT_EQ(mean[2], 5.0);
  EXPECT_TRUE(std::isnan(mean[3]));
}

TEST(dataframe_cpu, EvalComputesTheExpressionWithPrecedenceAndMissingValues) {
  table t;
  t.add("A", doubles({1.0, 2.0, 3.0}));
  t.add("B", doubles({4.0, nan, 6.0}));
  t.add("C", int32s({1, 2, 3}, {0b011u}));
  eval(t, "D = 2.1*A + 3.5*B");
  const std::vector<double> d = t["D"].to_host<double>();
  EXPECT_EQ(d[0], 2.1 * 1.0 + 3.5 * 4.0);
  EXPECT_TRUE(std::isnan(d[1]));
  EXPECT_EQ(d[2], 2.1 * 3.0 + 3.5 * 6.0);
  eval(t, "E = -A - B * 2 / (C + 1)");  // unary minus, * and / before + and -, parentheses
  const std::vector<double> e = t["E"].to_host<double>();
  EXPECT_EQ(e[0], -1.0 - 4.0 * 2 / (1.0 + 1));
  EXPECT_TRUE(std::isnan(e[2]));  // C's third value is masked
  eval(t, "D = A");  // replaces D
  EXPECT_EQ(t["D"].to_host<double>()[1], 2.0);
  EXPECT_EQ(t.names(), (std::vector<std::string>{"A", "B", "C", "D", "E"}));
}

TEST(dataframe_cpu, GroupbyDropsMissingKeysAndSortsByKey) {
  table t;
  // label codes: c2, missing, c1, c2, c1, c3 (-1 = missing, as pandas' codes)
  t.add("label", column::categorical(std::vector<std::int32_t>{1, -1, 0, 1, 0, 2}, {"c1", "c2", "c3"}, backend::cpu,
                                     no_stream));
  t.add("A", doubles({1.0, 100.0, 2.0, 3.0, nan, 5.0}));
  const table g = groupby(t, {"label"}, {{"A", agg_func::mean}, {"A", agg_func::count}, {"A", agg_func::sum},
                                         {"A", agg_func::min}, {"A", agg_func::max}});
  EXPECT_EQ(g.names(), (std::vector<std::string>{"label", "A_mean", "A_count", "A_sum", "A_min", "A_max"}));
  EXPECT_EQ(g["label"].to_host<std::int32_t>(), (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(g["label"].labels(), (std::vector<std::string>{"c1", "c2", "c3"}));
  EXPECT_EQ(g["A_mean"].to_host<double>(), (std::vector<double>{2.0, 2.0, 5.0}));  // c1's NaN skipped
  EXPECT_EQ(g["A_count"].to_host<std::int64_t>(), (std::vector<std::int64_t>{1, 2, 1}));
  EXPECT_EQ(g["A_sum"].to_host<double>(), (std::vector<double>{2.0, 4.0, 5.0}));
  EXPECT_EQ(g["A_min"].to_host<double>(), (std::vector<double>{2.0, 1.0, 5.0}));
  EXPECT_EQ(g["A_max"].to_host<double>(), (std::vector<double>{2.0, 3.0, 5.0}));

  // Two integer keys, one with a masked value: groups in (k1, k2) order.
  table u;
  u.add("k1", column::from_host<std::int64_t>(std::vector<std::int64_t>{7, -2, 7, -2, 7}, backend::cpu, no_stream));
  u.add("k2", int32s({1, 5, 0, 5, 1}, {0b01111u}));  // the last row's key is missing
  u.add("v", doubles({1, 2, 3, 4, 5}));
  const table h = groupby(u, {"k1", "k2"}, {{"v", agg_func::sum, "total"}});
  EXPECT_EQ(h["k1"].to_host<std::int64_t>(), (std::vector<std::int64_t>{-2, 7, 7}));
  EXPECT_EQ(h["k2"].to_host<std::int32_t>(), (std::vector<std::int32_t>{5, 0, 1}));
  EXPECT_EQ(h["total"].to_host<double>(), (std::vector<double>{6, 3, 1}));
}

TEST(dataframe_cpu, PivotTableIsTheGroupbyOfEveryValueColumn) {
  table t;
  t.add("label", column::categorical(std::vector<std::int32_t>{0, 1, 0, 1}, {"c1", "c2"}, backend::cpu, no_stream));
  t.add("A", doubles({1, 2, 3, 4}));
  t.add("B", doubles({10, 20, 30, 60}));
  const table p = pivot_table(t, "label", {"A", "B"});
  EXPECT_EQ(p.names(), (std::vector<std::string>{"label", "A", "B"}));
  EXPECT_EQ(p["A"].to_host<double>(), (std::vector<double>{2, 3}));
  EXPECT_EQ(p["B"].to_host<double>(), (std::vector<double>{20, 40}));
}

// pivot_table(..., aggfunc): each function on every value column, a missing value skipped
// (B's 30 is masked), count an int64 column as in pandas.
TEST(dataframe_cpu, PivotTableTakesEachAggregationFunction) {
  table t;
  t.add("label", column::categorical(std::vector<std::int32_t>{0, 1, 0, 1, 1}, {"c1", "c2"}, backend::cpu, no_stream));
  t.add("A", doubles({1, 2, 3, 4, -5}));
  t.add("B", doubles({10, 20, 30, 60, 7}, {0b11011u}));
  const table sums = pivot_table(t, "label", {"A", "B"}, agg_func::sum);
  EXPECT_EQ(sums["A"].to_host<double>(), (std::vector<double>{4, 1}));
  EXPECT_EQ(sums["B"].to_host<double>(), (std::vector<double>{10, 87}));
  const table counts = pivot_table(t, "label", {"A", "B"}, agg_func::count);
  EXPECT_EQ(counts["A"].type(), dtype::int64);
  EXPECT_EQ(counts["A"].to_host<std::int64_t>(), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(counts["B"].to_host<std::int64_t>(), (std::vector<std::int64_t>{1, 3}));
  const table mins = pivot_table(t, "label", {"A", "B"}, agg_func::min);
  EXPECT_EQ(mins["A"].to_host<double>(), (std::vector<double>{1, -5}));
  EXPECT_EQ(mins["B"].to_host<double>(), (std::vector<double>{10, 7}));
  const table maxs = pivot_table(t, "label", {"A", "B"}, agg_func::max);
  EXPECT_EQ(maxs["A"].to_host<double>(), (std::vector<double>{3, 4}));
  EXPECT_EQ(maxs["B"].to_host<double>(), (std::vector<double>{10, 60}));
  const table means = pivot_table(t, "label", {"A", "B"}, agg_func::mean);
  EXPECT_EQ(means["B"].to_host<double>(), (std::vector<double>{10, 29}));
}

TEST(dataframe_cpu, FilterKeepsPassingRowsAndSortPutsMissingLast) {
  table t;
  t.add("A", doubles({0.7, nan, 0.2, 0.9, 0.7, -1.0}));
  t.add("n", int32s({0, 1, 2, 3, 4, 5}));
  const table f = filter(t, "A", compare_op::greater, 0.5);
  EXPECT_EQ(f["n"].to_host<std::int32_t>(), (std::vector<std::int32_t>{0, 3, 4}));
  EXPECT_EQ(filter(t, "A", compare_op::not_equal, 0.7)["n"].to_host<std::int32_t>(),
            (std::vector<std::int32_t>{2, 3, 5}));  // NaN is left out
  const table up = sort_values(t, "A");
  EXPECT_EQ(up["n"].to_host<std::int32_t>(), (std::vector<std::int32_t>{5, 2, 0, 4, 3, 1}));  // stable; NaN last
  const table down = sort_values(t, "A", false);
  EXPECT_EQ(down["n"].to_host<std::int32_t>(), (std::vector<std::int32_t>{3, 0, 4, 2, 5, 1}));
  // A masked integer sorts last too, and the mask travels with its row.
  table m;
  m.add("k", int32s({3, std::numeric_limits<std::int32_t>::max(), 1}, {0b101u}));
  const table ms = sort_values(m, "k");
  EXPECT_EQ(ms["k"].to_host<std::int32_t>()[0], 1);
  EXPECT_EQ(ms["k"].validity_to_host(), (std::vector<std::uint32_t>{0b011u}));
}

TEST(dataframe_cpu, RadixSortIsStableOnEveryDigit) {
  std::vector<std::uint64_t> keys;
  std::vector<std::int32_t> rows;
  for (std::int32_t i = 0; i < 1001; ++i) {
    keys.push_back((static_cast<std::uint64_t>(i) * 7919u) % 257u << 40 | (i % 3));
    rows.push_back(i);
  }
  std::vector<std::pair<std::uint64_t, std::int32_t>> expected;
  for (std::size_t i = 0; i < keys.size(); ++i) expected.emplace_back(keys[i], rows[i]);
  std::stable_sort(expected.begin(), expected.end(), [](auto& a, auto& b) { return a.first < b.first; });
  radix_sort_pairs_cpu(keys, rows, 64);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(keys[i], expected[i].first) << i;
    ASSERT_EQ(rows[i], expected[i].second) << i;
  }
}

TEST(dataframe_cpu, GroupSumsOfTheLessonAgreeDenseAndSparse) {
  const std::vector<std::int32_t> codes = {0, 2, -1, 2, 1, 0, 2};
  const std::vector<double> a = {1, 2, 3, 4, nan, 6, 8};
  const column_view<double> values[] = {{a.data(), nullptr, 7}};
  std::vector<double> sums(3), means(3);
  std::vector<std::uint32_t> counts(3);
  group_sums_dense_cpu({codes.data(), nullptr, 7}, 3, values, sums.data(), counts.data(), means.data());
  EXPECT_EQ(sums, (std::vector<double>{7, 0, 14}));
  EXPECT_EQ(counts, (std::vector<std::uint32_t>{2, 0, 3}));
  EXPECT_TRUE(std::isnan(means[1]));
  const std::vector<std::int64_t> keys = {5, -9, 5, 1LL << 40, -9, 5, -9};
  const sparse_groups s = group_sums_sparse_cpu({keys.data(), nullptr, 7}, values);
  ASSERT_EQ(s.keys.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    if (s.keys[k] == 5) {
      EXPECT_EQ(s.sums[k], 1 + 3 + 6);
    } else if (s.keys[k] == -9) {
      EXPECT_EQ(s.counts[k], 2u);  // the NaN is left out
    } else {
      EXPECT_EQ(s.keys[k], 1LL << 40);
      EXPECT_EQ(s.means[k], 4.0);
    }
  }
}

TEST(dataframe_cpu, HeadPrintsAsPandas) {
  table t;
  t.add("A", doubles({1.5, 2.25, -3.0}));
  t.add("label", column::categorical(std::vector<std::int32_t>{0, -1, 1}, {"c1", "c2"}, backend::cpu, no_stream));
  t.add("n", int32s({7, -12, 3}, {0b011u}));
  EXPECT_EQ(head(t, 2),
            "      A label   n\n"
            "0  1.50    c1   7\n"
            "1  2.25   NaN -12\n");
  EXPECT_EQ(head(t, 0), " A label n\n");
}

TEST(dataframe_cpu, AnIndexedTablePrintsAsPandas) {
  table t;
  t.add("label", column::categorical(std::vector<std::int32_t>{0, 1, 2}, {"c1", "c2", "long"}, backend::cpu, no_stream));
  t.add("A", doubles({0.1003914, 0.25, nan}));
  t.add("B", doubles({0.5, 0.503192, 0.75}));
  // pandas.DataFrame({"A": [...], "B": [...]}, index=pandas.Index(["c1", "c2", "long"], name="label"))
  EXPECT_EQ(to_string(t, "label"),
            "              A         B\n"
            "label                    \n"
            "c1     0.100391  0.500000\n"
            "c2     0.250000  0.503192\n"
            "long        NaN  0.750000\n");
  EXPECT_THROW((void)to_string(t, "nope"), gpulab::usage_error);
}

TEST(dataframe_cpu, DescribePrintsAsPandas) {
  table t;
  t.add("A", doubles({1.0, 2.0, 3.0, 4.0, nan}));
  t.add("label", column::categorical(std::vector<std::int32_t>{0, 0, 0, 0, 0}, {"c1"}, backend::cpu, no_stream));
  // pandas.DataFrame({"A": [1, 2, 3, 4, None]}).describe()
  EXPECT_EQ(describe(t),
            "              A\n"
            "count  4.000000\n"
            "mean   2.500000\n"
            "std    1.290994\n"
            "min    1.000000\n"
            "25%    1.750000\n"
            "50%    2.500000\n"
            "75%    3.250000\n"
            "max    4.000000\n");
}

TEST(dataframe_cpu, FloatsSwitchToScientificAsPandasDoes) {
  // Large values with long text, and tiny ones, print as " %.6e"; otherwise zeros are trimmed alike.
  EXPECT_EQ(format_floats(std::vector<double>{2e7, 0.123456789}),
            (std::vector<std::string>{" 2.000000e+07", " 1.234568e-01"}));
  EXPECT_EQ(format_floats(std::vector<double>{2e7, 0.5}), (std::vector<std::string>{" 20000000.0", " 0.5"}));  // short
  EXPECT_EQ(format_floats(std::vector<double>{1e-7, 1.0}), (std::vector<std::string>{" 1.000000e-07", " 1.000000e+00"}));
  EXPECT_EQ(format_floats(std::vector<double>{1.0, -2.5, nan}), (std::vector<std::string>{" 1.0", "-2.5", "NaN"}));
  EXPECT_EQ(format_floats(std::vector<double>{123456.0}), (std::vector<std::string>{" 123456.0"}));
}

// pandas.cut(x, bins=5): numpy.linspace over [min, max], then the lowest edge 0.1% of the
// range lower so that the minimum is inside the first right-closed bin; one value only:
// both ends 0.1% of |value| out first (0.001 at 0), nothing moved after.
TEST(dataframe_cpu, EqualWidthBinsAreThoseOfPandasCutWithACount) {
  const std::vector<double> bins = equal_width_bins(0.5, 9.5, 5);
  const std::vector<double> pandas = {0.491, 2.3, 4.1, 5.9, 7.7, 9.5};  // pd.cut([0.5, ..., 9.5], 5, retbins=True)
  ASSERT_EQ(bins.size(), pandas.size());
  for (std::size_t i = 0; i < bins.size(); ++i) EXPECT_DOUBLE_EQ(bins[i], pandas[i]) << i;
  EXPECT_EQ(bins.back(), 9.5);  // the maximum is the last edge exactly: it closes the last bin
  // ... and the others bit for bit as numpy.linspace makes them: start + i * ((stop - start) / count).
  for (int i = 1; i < 5; ++i) EXPECT_EQ(bins[static_cast<std::size_t>(i)], 0.5 + i * (9.0 / 5)) << i;
  EXPECT_EQ(bins[0], 0.5 - 9.0 * 0.001);
  const column codes = cut(doubles({0.5, 9.5, 5.0, 2.3, 2.3000001}), bins, course_labels);
  EXPECT_EQ(codes.to_host<std::int32_t>(), (std::vector<std::int32_t>{0, 4, 2, 0, 1}));

  const std::vector<double> one = equal_width_bins(5.0, 5.0, 5), zero = equal_width_bins(0.0, 0.0, 2);
  const std::vector<double> one_pandas = {4.995, 4.997, 4.999, 5.001, 5.003, 5.005};
  ASSERT_EQ(one.size(), one_pandas.size());
  for (std::size_t i = 0; i < one.size(); ++i) EXPECT_DOUBLE_EQ(one[i], one_pandas[i]) << i;
  ASSERT_EQ(zero.size(), 3u);
  EXPECT_DOUBLE_EQ(zero[0], -0.001);
  EXPECT_DOUBLE_EQ(zero[1], 0.0);
  EXPECT_DOUBLE_EQ(zero[2], 0.001);
  const std::vector<double> negative = equal_width_bins(-2.0, -2.0, 1);
  ASSERT_EQ(negative.size(), 2u);
  EXPECT_DOUBLE_EQ(negative[0], -2.002);
  EXPECT_DOUBLE_EQ(negative[1], -1.998);

  EXPECT_THROW((void)equal_width_bins(0, 1, 0), gpulab::usage_error);
  EXPECT_THROW((void)equal_width_bins(nan, 1, 5), gpulab::usage_error);
  EXPECT_THROW((void)equal_width_bins(0, std::numeric_limits<double>::infinity(), 5), gpulab::usage_error);
}

using temporary_csv = gpulab::testing::temporary_file;

// --input FILE.csv --columns x,y,z: three columns of the file become A, B and C, as float64
// (an int64 column too), a missing field stays missing; the other columns are left out.
TEST(dataframe_cpu, ThreeColumnsOfACsvFileBecomeTheCourseTable) {
  const temporary_csv file("data", "id,x,y,z\n1,0.5,2,10\n2,1.5,,20\n3,-2.5,4,30\n");
  const table t = csv_course_table(file.path, {"z", "x", "y"}, backend::cpu, no_stream);
  EXPECT_EQ(t.names(), (std::vector<std::string>{"A", "B", "C"}));
  ASSERT_EQ(t.rows(), 3);
  EXPECT_EQ(t["A"].to_host<double>(), (std::vector<double>{10, 20, 30}));  // z, an int64 column, as float64
  EXPECT_EQ(t["B"].to_host<double>(), (std::vector<double>{0.5, 1.5, -2.5}));
  EXPECT_EQ(t["C"].type(), dtype::float64);
  EXPECT_EQ(reduce(t["C"], reduction::count), 2.0);  // y's empty field is missing
  EXPECT_EQ(reduce(t["C"], reduction::mean), 3.0);

  EXPECT_THROW((void)csv_course_table(file.path, {"x", "y"}, backend::cpu, no_stream), gpulab::usage_error);
  try {
    (void)csv_course_table(file.path, {"x", "y", "q"}, backend::cpu, no_stream);
    ADD_FAILURE() << "an unknown column was taken";
  } catch (const gpulab::usage_error& e) {
    EXPECT_NE(std::string(e.what()).find("no column 'q' (its columns: id, x, y, z)"), std::string::npos) << e.what();
  }
  const temporary_csv header_only("header", "x,y,z\n"), malformed("malformed", "x,y,z\n1,2,abc\n");
  EXPECT_THROW((void)csv_course_table(header_only.path, {"x", "y", "z"}, backend::cpu, no_stream),
               gpulab::usage_error);
  EXPECT_THROW((void)csv_course_table(malformed.path, {"x", "y", "z"}, backend::cpu, no_stream), gpulab::io_error);
}

TEST(dataframe_cpu, CourseTableIsSeededAndUniform) {
  const std::vector<double> a = course_column(100003, 7, 0), again = course_column(100003, 7, 0);
  const std::vector<double> b = course_column(100003, 7, 1);
  EXPECT_EQ(a, again);
  EXPECT_NE(a, b);
  double sum = 0;
  for (double x : a) {
    ASSERT_GE(x, 0.0);
    ASSERT_LT(x, 1.0);
    sum += x;
  }
  EXPECT_NEAR(sum / static_cast<double>(a.size()), 0.5, 5 * 0.2887 / std::sqrt(100003.0));  // within 5 standard errors
}

}  // namespace

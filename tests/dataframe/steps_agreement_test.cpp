// SPDX-License-Identifier: MIT
// The pandas_steps demo's `same result` rule (src/dataframe/steps_agreement.hpp) on the CPU:
// a second summation order (or the FMA NVRTC makes of D = 2.1*A + 3.5*B) is accepted, even
// where centred data cancels to near 0, and a wrong number or code is not. The data: 100003
// rows, A centred normal (its mean near 0, its terms near 1), B and C normal around 3, every
// 11th B missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/cut.hpp"
#include "gpulab/dataframe/dataframe.hpp"
#include "src/dataframe/steps_agreement.hpp"

namespace {

using namespace gpulab::dataframe;
const cuda::stream_ref no_stream{cudaStream_t{}};
constexpr std::size_t rows = 100003;

struct steps {
  table df{backend::cpu, no_stream};
  std::vector<step_result> results;
  std::vector<double> a, b;  // A and B on the host
};

// The six steps as the demo runs them (course_steps), on the CPU backend.
steps run_steps() {
  std::mt19937_64 rng(2026);
  std::normal_distribution<double> centred(0.0, 1.0), around_three(3.0, 1.0);
  steps s;
  std::vector<double> c(rows);
  s.a.resize(rows);
  s.b.resize(rows);
  std::vector<std::uint32_t> b_valid((rows + 31) / 32, 0);
  for (std::size_t i = 0; i < rows; ++i) {
    s.a[i] = centred(rng);
    s.b[i] = around_three(rng);
    c[i] = around_three(rng);
    if (i % 11 != 5) b_valid[i / 32] |= 1u << (i % 32);
  }
  s.df.add("A", column::from_host<double>(s.a, backend::cpu, no_stream));
  s.df.add("B", column::from_host<double>(s.b, backend::cpu, no_stream, b_valid));
  s.df.add("C", column::from_host<double>(c, backend::cpu, no_stream));
  s.results.push_back({{reduce(s.df["A"], reduction::mean)}, {}});
  s.results.push_back({row_mean(s.df, {"A", "B", "C"}).to_host<double>(), {}});
  eval(s.df, course_expression);
  s.results.push_back({s.df["D"].to_host<double>(), {}});
  const double lo = reduce(s.df["A"], reduction::min), hi = reduce(s.df["A"], reduction::max);
  s.df.add("label", cut(s.df["A"], equal_width_bins(lo, hi, 5), course_labels));
  s.results.push_back({{}, s.df["label"].to_host<std::int32_t>()});
  const table means = groupby(s.df, {"label"}, {{"A", agg_func::mean, "A"}});
  s.results.push_back({means["A"].to_host<double>(), means["label"].to_host<std::int32_t>()});
  const table pivot = pivot_table(s.df, "label", {"A", "B", "C"});
  step_result p{{}, pivot["label"].to_host<std::int32_t>()};
  for (const char* v : {"A", "B", "C"}) {
    const std::vector<double> m = pivot[v].to_host<double>();
    p.numbers.insert(p.numbers.end(), m.begin(), m.end());
  }
  s.results.push_back(p);
  return s;
}

TEST(dataframe_steps_agreement, AnotherOrderAndAnFmaAgreeWhereCentredDataCancels) {
  const steps s = run_steps();
  const std::vector<std::vector<double>> tolerances = step_tolerances(s.df, s.results);
  ASSERT_EQ(tolerances.size(), 6u);
  for (std::size_t k = 0; k < 6; ++k) EXPECT_EQ(tolerances[k].size(), s.results[k].numbers.size()) << k;

  // Column mean in the other order (last row first): a different rounding of a mean near 0.
  double backwards = 0;
  for (std::size_t i = rows; i-- > 0;) backwards += s.a[i];
  step_result other = s.results[0];
  other.numbers[0] = backwards / static_cast<double>(rows);
  EXPECT_LT(std::fabs(s.results[0].numbers[0]), 0.01) << "A is centred: its mean cancels";
  EXPECT_TRUE(agree(s.results[0], other, tolerances[0])) << s.results[0].numbers[0] << " vs " << other.numbers[0];

  // D as NVRTC contracts it: fma(2.1, A, 3.5 * B), on every row with both values.
  step_result fused = s.results[2];
  int differ = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    if (std::isnan(fused.numbers[i])) continue;
    fused.numbers[i] = std::fma(2.1, s.a[i], 3.5 * s.b[i]);
    differ += fused.numbers[i] != s.results[2].numbers[i] ? 1 : 0;
  }
  EXPECT_GT(differ, 0) << "the FMA changes some rows";
  EXPECT_TRUE(agree(s.results[2], fused, tolerances[2]));

  // Every group's mean and the pivot nudged by a rounding of their own: still the same result.
  for (const std::size_t k : {std::size_t{1}, std::size_t{4}, std::size_t{5}}) {
    step_result nudged = s.results[k];
    for (double& x : nudged.numbers) x = std::nextafter(x, 1e300);
    EXPECT_TRUE(agree(s.results[k], nudged, tolerances[k])) << "step " << k;
  }
}

TEST(dataframe_steps_agreement, AWrongNumberOrCodeIsNotTheSameResult) {
  const steps s = run_steps();
  const std::vector<std::vector<double>> tolerances = step_tolerances(s.df, s.results);
  step_result mean = s.results[0];
  mean.numbers[0] = 0.0;  // a mean near 0 set to 0: a difference of its own size, far above its rounding
  EXPECT_FALSE(agree(s.results[0], mean, tolerances[0])) << s.results[0].numbers[0];
  step_result pivot = s.results[5];
  const std::size_t groups = pivot.codes.size();
  pivot.numbers[groups] *= 1.0 + 1e-9;  // B's first group, a mean near 3
  EXPECT_FALSE(agree(s.results[5], pivot, tolerances[5]));
  step_result d = s.results[2];
  d.numbers[0] = d.numbers[0] * 0.5 + 1.0;
  EXPECT_FALSE(agree(s.results[2], d, tolerances[2]));
  step_result codes = s.results[3];
  codes.codes[7] = codes.codes[7] == 0 ? 1 : 0;
  EXPECT_FALSE(agree(s.results[3], codes, tolerances[3]));
  step_result row = s.results[1];
  row.numbers[3] = std::numeric_limits<double>::quiet_NaN();  // a row's mean lost
  EXPECT_FALSE(agree(s.results[1], row, tolerances[1]));
}

}  // namespace

// SPDX-License-Identifier: MIT
// The six steps' results compared between the backends (steps_agreement.hpp).
#include "steps_agreement.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "case_checks.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

namespace {

// A column's values on the host and whether row i holds one (mask bit set, not NaN: what the
// reductions and means count).
struct host_values {
  std::vector<double> values;
  std::vector<std::uint32_t> validity;
  explicit host_values(const column& c) : values(c.to_host<double>()), validity(c.validity_to_host()) {}
  [[nodiscard]] bool present(std::size_t i) const {
    return validity_bit(validity.empty() ? nullptr : validity.data(), static_cast<std::int64_t>(i)) &&
           !std::isnan(values[i]);
  }
};

double mean_tolerance(double count, double magnitudes, double mean) {
  if (count == 0) return 0;  // no term: NaN on both sides, which same_value takes
  return sum_tolerance(count, magnitudes) / count + 2 * double_roundoff * std::fabs(mean);
}

// The tolerance of each group's mean of `v`, the groups in the order of `groups` (label codes).
std::vector<double> group_tolerances(const host_values& v, const std::vector<std::int32_t>& labels,
                                     const std::vector<std::int32_t>& groups, const std::vector<double>& means) {
  std::vector<double> count(groups.size(), 0), magnitudes(groups.size(), 0);
  std::vector<std::int64_t> slot_of_label;  // label code -> its place in `groups`, -1 when absent
  for (std::size_t g = 0; g < groups.size(); ++g) {
    if (groups[g] >= static_cast<std::int32_t>(slot_of_label.size())) slot_of_label.resize(groups[g] + 1, -1);
    slot_of_label[static_cast<std::size_t>(groups[g])] = static_cast<std::int64_t>(g);
  }
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::int32_t l = labels[i];
    if (l < 0 || l >= static_cast<std::int32_t>(slot_of_label.size()) || !v.present(i)) continue;
    const std::int64_t g = slot_of_label[static_cast<std::size_t>(l)];
    if (g < 0) continue;
    count[static_cast<std::size_t>(g)] += 1;
    magnitudes[static_cast<std::size_t>(g)] += std::fabs(v.values[i]);
  }
  std::vector<double> out(groups.size());
  for (std::size_t g = 0; g < groups.size(); ++g) out[g] = mean_tolerance(count[g], magnitudes[g], means[g]);
  return out;
}

}  // namespace

std::vector<std::vector<double>> step_tolerances(const table& df, const std::vector<step_result>& results) {
  if (results.size() != 6) throw error("step_tolerances: six steps' results, got " + std::to_string(results.size()));
  const host_values a(df["A"]), b(df["B"]), c(df["C"]);
  const std::vector<std::int32_t> labels = df["label"].to_host<std::int32_t>();
  const std::size_t rows = a.values.size();
  std::vector<std::vector<double>> out(6);

  double count = 0, magnitudes = 0;  // column mean
  for (std::size_t i = 0; i < rows; ++i) {
    if (a.present(i)) {
      count += 1;
      magnitudes += std::fabs(a.values[i]);
    }
  }
  out[0] = {mean_tolerance(count, magnitudes, results[0].numbers.at(0))};

  for (std::size_t i = 0; i < rows; ++i) {  // row mean over A, B, C
    double n = 0, m = 0;
    for (const host_values* v : {&a, &b, &c}) {
      if (v->present(i)) {
        n += 1;
        m += std::fabs(v->values[i]);
      }
    }
    out[1].push_back(mean_tolerance(n, m, results[1].numbers.at(i)));
  }

  for (std::size_t i = 0; i < rows; ++i) {  // D = 2.1 A + 3.5 B: two products, added
    const bool both = a.present(i) && b.present(i);
    out[2].push_back(both ? sum_tolerance(2, std::fabs(2.1 * a.values[i]) + std::fabs(3.5 * b.values[i])) : 0);
  }
  // out[3]: cut has codes only.
  out[4] = group_tolerances(a, labels, results[4].codes, results[4].numbers);
  const std::size_t groups = results[5].codes.size();
  for (int k = 0; k < 3; ++k) {  // the pivot's numbers: A's groups, then B's, then C's
    const host_values& v = k == 0 ? a : k == 1 ? b : c;
    const std::vector<double> means(results[5].numbers.begin() + static_cast<std::ptrdiff_t>(k * groups),
                                    results[5].numbers.begin() + static_cast<std::ptrdiff_t>((k + 1) * groups));
    const std::vector<double> t = group_tolerances(v, labels, results[5].codes, means);
    out[5].insert(out[5].end(), t.begin(), t.end());
  }
  return out;
}

bool agree(const step_result& a, const step_result& b, const std::vector<double>& tolerances) {
  if (a.codes != b.codes || a.numbers.size() != b.numbers.size() || tolerances.size() != a.numbers.size()) {
    return false;
  }
  for (std::size_t k = 0; k < a.numbers.size(); ++k) {
    if (!same_value(a.numbers[k], b.numbers[k]) && !(std::fabs(a.numbers[k] - b.numbers[k]) <= tolerances[k])) {
      return false;
    }
  }
  return true;
}

}  // namespace gpulab::dataframe

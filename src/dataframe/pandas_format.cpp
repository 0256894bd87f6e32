// SPDX-License-Identifier: MIT
// pandas' FloatArrayFormatter and DataFrame.to_string, the parts head() and describe() need.
#include "gpulab/dataframe/pandas_format.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace gpulab::dataframe {

namespace {

constexpr int precision = 6;  // pandas' display.precision

std::vector<std::string> format_with(std::span<const double> values, char style) {
  std::vector<std::string> cells;
  for (double x : values) {
    if (std::isnan(x)) {
      cells.emplace_back("NaN");
      continue;
    }
    if (std::isinf(x)) {
      cells.emplace_back(x > 0 ? " inf" : "-inf");
      continue;
    }
    char text[64];
    std::snprintf(text, sizeof text, style == 'e' ? "% .*e" : "% .*f", precision, x);
    cells.emplace_back(text);
  }
  if (style == 'e') return cells;
  // pandas cuts trailing zeros off every number alike while all of them end in 0.
  const auto is_number = [](const std::string& c) { return c != "NaN" && !c.ends_with("inf"); };
  for (;;) {
    bool any = false, all_zero = true;
    for (const std::string& c : cells) {
      if (!is_number(c)) continue;
      any = true;
      all_zero = all_zero && c.back() == '0';
    }
    if (!any || !all_zero) break;
    for (std::string& c : cells) {
      if (is_number(c)) c.pop_back();
    }
  }
  for (std::string& c : cells) {
    if (is_number(c) && c.back() == '.') c += '0';  // "1." -> "1.0"
  }
  return cells;
}

std::string pad_left(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : std::string(width - s.size(), ' ') + s;
}
std::string pad_right(const std::string& s, std::size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::vector<std::string> format_floats(std::span<const double> values) {
  std::vector<std::string> fixed = format_with(values, 'f');
  std::size_t longest = 0;
  bool large = false, small = false;
  for (std::size_t k = 0; k < values.size(); ++k) {
    longest = std::max(longest, fixed[k].size());
    const double a = std::fabs(values[k]);
    if (std::isnan(a)) continue;
    large = large || a > 1e6;
    small = small || (a < 1e-6 && a > 0);
  }
  const bool too_long = longest > static_cast<std::size_t>(precision + 6);
  if (small || (too_long && large)) return format_with(values, 'e');
  return fixed;
}

std::vector<std::string> format_integers(std::span<const std::optional<std::int64_t>> values) {
  std::vector<std::string> cells;
  for (const auto& v : values) cells.push_back(v ? (*v < 0 ? "" : " ") + std::to_string(*v) : "NaN");
  return cells;
}

std::vector<std::string> format_texts(std::span<const std::optional<std::string>> values) {
  std::vector<std::string> cells;
  for (const auto& v : values) cells.push_back(v ? " " + *v : "NaN");
  return cells;
}

std::string format_frame(const std::vector<std::string>& row_labels, const std::vector<std::string>& names,
                         const std::vector<std::vector<std::string>>& columns, const std::string& index_name) {
  std::size_t label_width = index_name.size();
  for (const std::string& l : row_labels) label_width = std::max(label_width, l.size());
  std::vector<std::size_t> widths;
  std::size_t frame_width = label_width;
  for (std::size_t c = 0; c < names.size(); ++c) {
    std::size_t w = names[c].size();
    for (const std::string& cell : columns[c]) w = std::max(w, cell.size());
    widths.push_back(w);
    frame_width += 1 + w;
  }
  std::string text = std::string(label_width, ' ');
  for (std::size_t c = 0; c < names.size(); ++c) text += " " + pad_left(names[c], widths[c]);
  if (!index_name.empty()) text += "\n" + pad_right(index_name, frame_width);
  for (std::size_t r = 0; r < row_labels.size(); ++r) {
    text += "\n" + pad_right(row_labels[r], label_width);
    for (std::size_t c = 0; c < names.size(); ++c) text += " " + pad_left(columns[c][r], widths[c]);
  }
  return text + "\n";
}

}  // namespace gpulab::dataframe

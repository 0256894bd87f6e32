// SPDX-License-Identifier: MIT
#include "gpulab/bench/plot.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <string_view>

#include "gpulab/bench/atomic_file.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"

namespace gpulab {

namespace {

// The plot area in SVG user units; margins are added around it, and the file
// scales to whatever size the browser or slide gives it.
constexpr double plot_w = 700, plot_h = 400;
constexpr double left = 90, top = 50, bottom = 70;
constexpr double font_size = 14;
constexpr double char_width = 0.6 * font_size;  // an average sans-serif character: sizes the legend
// A colour-blind-friendly palette (Okabe-Ito), then three more for long legends.
constexpr const char* palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00",
                                   "#56B4E9", "#F0E442", "#000000", "#999999", "#882255"};

// Text and attribute values: the characters XML gives a meaning become entities;
// control characters (not allowed in XML) become blanks.
std::string xml_escape(std::string_view text) {
  std::string out;
  for (const char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += static_cast<unsigned char>(ch) < 0x20 ? ' ' : ch;
    }
  }
  return out;
}

// Coordinates with one decimal: finer than any screen, and short files.
std::string num(double v) { return format_fixed(v, 1); }

// One axis: data values -> transformed (log2, log10 or as they are) -> SVG units.
struct axis {
  int log_base = 0;          // 0 = linear, 2 or 10
  double low = 0, high = 0;  // the range shown, transformed

  double transform(double v) const { return log_base == 2 ? std::log2(v) : log_base == 10 ? std::log10(v) : v; }
  bool drawable(double v) const { return std::isfinite(v) && (log_base == 0 || v > 0); }
  double fraction(double v) const { return (transform(v) - low) / (high - low); }
};

// A tick: where it sits (transformed) and its label (SVG markup: digits, maybe a superscript).
struct tick {
  double at;
  std::string label;
};

// 0.01, 0.1, 1, 10, ..., 100000 in plain digits; beyond, 10 with a superscript exponent.
std::string power_of_ten_label(int exponent) {
  if (exponent >= 0 && exponent <= 5) return format_fixed(std::pow(10.0, exponent), 0);
  if (exponent >= -2 && exponent < 0) return format_fixed(std::pow(10.0, exponent), -exponent);
  return "10<tspan dy=\"-0.5em\" font-size=\"0.75em\">" + std::to_string(exponent) + "</tspan>";
}

std::vector<tick> ticks(const axis& a) {
  std::vector<tick> out;
  if (a.log_base != 0) {
    // One tick per power, or per second/third/... power when that would crowd the axis.
    const int first = static_cast<int>(std::ceil(a.low)), last = static_cast<int>(std::floor(a.high));
    const int step = std::max(1, static_cast<int>(std::ceil((last - first) / 10.0)));
    for (int e = first; e <= last; e += step) {
      if (a.log_base == 10) {
        out.push_back({static_cast<double>(e), power_of_ten_label(e)});
      } else {
        const double value = std::pow(2.0, e);
        out.push_back({static_cast<double>(e), e >= 0 ? format_count_short(static_cast<std::uint64_t>(value))
                                                      : format_significant(value)});
      }
    }
    return out;
  }
  // "Nice" linear ticks: 1, 2 or 5 times a power of ten, about six of them.
  const double span = a.high - a.low;
  const double raw = span / 6;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * magnitude;
  for (const double m : {1.0, 2.0, 5.0}) {
    if (m * magnitude >= raw) {
      step = m * magnitude;
      break;
    }
  }
  // Multiples of the step (not a running sum), so 0 is exactly 0; as many decimals as the step has.
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  for (double k = std::ceil(a.low / step); k * step <= a.high + 1e-9 * span; ++k) {
    out.push_back({k * step, format_fixed(k * step + 0.0, decimals)});  // + 0.0: no "-0"
  }
  return out;
}

}  // namespace

std::string line_plot_svg(const line_plot& plot) {
  if (plot.series.size() > std::size(palette)) throw usage_error("a plot shows at most 10 series");
  axis x, y;
  x.log_base = plot.log2_x ? 2 : plot.log10_x ? 10 : 0;
  y.log_base = plot.log10_y ? 10 : 0;

  // The data range, over the points that can be drawn.
  x.low = y.low = std::numeric_limits<double>::max();
  x.high = y.high = std::numeric_limits<double>::lowest();
  for (const plot_series& s : plot.series) {
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!x.drawable(s.x[i]) || !y.drawable(s.y[i])) continue;
      x.low = std::min(x.low, x.transform(s.x[i]));
      x.high = std::max(x.high, x.transform(s.x[i]));
      y.low = std::min(y.low, y.transform(s.y[i]));
      y.high = std::max(y.high, y.transform(s.y[i]));
    }
  }
  if (x.low > x.high) throw usage_error("plot '" + plot.title + "' has no finite points to draw");
  if (x.high == x.low) x.high = x.low + 1;
  if (y.log_base != 0) {  // whole decades, so the y axis starts and ends on a labelled tick
    y.low = std::floor(y.low);
    y.high = std::ceil(y.high);
  } else {
    y.low = std::min(0.0, y.low);  // linear y axes start at zero: honest bars of scale
  }
  if (y.high == y.low) y.high = y.low + 1;
  if (y.log_base == 0) y.high += 0.05 * (y.high - y.low);

  // The legend sits right of the plot, where it never hides a line.
  std::size_t longest_name = 0;
  for (const plot_series& s : plot.series) longest_name = std::max(longest_name, s.name.size());
  const double legend_x = left + plot_w + 20;
  const double width = legend_x + 32 + static_cast<double>(longest_name) * char_width + 20;
  const double height = top + plot_h + bottom;
  auto px = [&](double v) { return left + x.fraction(v) * plot_w; };
  auto py = [&](double v) { return top + plot_h - y.fraction(v) * plot_h; };
  auto px_at = [&](double t) { return left + (t - x.low) / (x.high - x.low) * plot_w; };  // t transformed
  auto py_at = [&](double t) { return top + plot_h - (t - y.low) / (y.high - y.low) * plot_h; };

  std::ostringstream svg;
  svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << num(width) << "\" height=\"" << num(height)
      << "\" viewBox=\"0 0 " << num(width) << " " << num(height) << "\"\n"
      << "     font-family=\"Helvetica, Arial, 'DejaVu Sans', sans-serif\" font-size=\"" << font_size
      << "\" fill=\"#202020\">\n"
      << "  <title>" << xml_escape(plot.title) << "</title>\n"
      << "  <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";

  // Grid lines and tick labels.
  const std::vector<tick> x_ticks = ticks(x), y_ticks = ticks(y);
  svg << "  <g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (const tick& t : x_ticks) {
    svg << "    <line x1=\"" << num(px_at(t.at)) << "\" y1=\"" << num(top) << "\" x2=\"" << num(px_at(t.at))
        << "\" y2=\"" << num(top + plot_h) << "\"/>\n";
  }
  for (const tick& t : y_ticks) {
    svg << "    <line x1=\"" << num(left) << "\" y1=\"" << num(py_at(t.at)) << "\" x2=\"" << num(left + plot_w)
        << "\" y2=\"" << num(py_at(t.at)) << "\"/>\n";
  }
  svg << "  </g>\n  <g text-anchor=\"middle\">\n";
  for (const tick& t : x_ticks) {
    svg << "    <text x=\"" << num(px_at(t.at)) << "\" y=\"" << num(top + plot_h + 22) << "\">" << t.label
        << "</text>\n";
  }
  svg << "  </g>\n  <g text-anchor=\"end\">\n";
  for (const tick& t : y_ticks) {
    svg << "    <text x=\"" << num(left - 8) << "\" y=\"" << num(py_at(t.at)) << "\" dy=\"0.35em\">" << t.label
        << "</text>\n";
  }
  svg << "  </g>\n";

  // Axes, title, axis labels (the y label runs up the left side).
  svg << "  <g stroke=\"#606060\" stroke-width=\"1.5\">\n"
      << "    <line x1=\"" << num(left) << "\" y1=\"" << num(top) << "\" x2=\"" << num(left) << "\" y2=\""
      << num(top + plot_h) << "\"/>\n"
      << "    <line x1=\"" << num(left) << "\" y1=\"" << num(top + plot_h) << "\" x2=\"" << num(left + plot_w)
      << "\" y2=\"" << num(top + plot_h) << "\"/>\n  </g>\n"
      << "  <text x=\"" << num(left + plot_w / 2) << "\" y=\"30\" text-anchor=\"middle\" font-size=\"20\""
      << " font-weight=\"bold\">" << xml_escape(plot.title) << "</text>\n"
      << "  <text x=\"" << num(left + plot_w / 2) << "\" y=\"" << num(top + plot_h + 52)
      << "\" text-anchor=\"middle\">" << xml_escape(plot.x_label) << "</text>\n"
      << "  <text transform=\"translate(24 " << num(top + plot_h / 2) << ") rotate(-90)\" text-anchor=\"middle\">"
      << xml_escape(plot.y_label) << "</text>\n";

  // Series: a line through the points (a point that cannot be drawn breaks it),
  // a dot on each point, and the legend entry.
  for (std::size_t k = 0; k < plot.series.size(); ++k) {
    const plot_series& s = plot.series[k];
    const char* colour = palette[k];
    std::string path, dots;
    bool continues = false;
    for (std::size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!x.drawable(s.x[i]) || !y.drawable(s.y[i])) {
        continues = false;
        continue;
      }
      const std::string cx = num(px(s.x[i])), cy = num(py(s.y[i]));
      path += (path.empty() ? "" : " ") + std::string(continues ? "L" : "M") + cx + " " + cy;
      dots += "    <circle cx=\"" + cx + "\" cy=\"" + cy + "\" r=\"3.5\"/>\n";
      continues = true;
    }
    const double ly = top + 12 + 24 * static_cast<double>(k);
    svg << "  <g fill=\"" << colour << "\" stroke=\"" << colour << "\">\n"
        << "    <path d=\"" << path << "\" fill=\"none\" stroke-width=\"2.5\" stroke-linejoin=\"round\"/>\n"
        << dots << "    <line x1=\"" << num(legend_x) << "\" y1=\"" << num(ly) << "\" x2=\"" << num(legend_x + 24)
        << "\" y2=\"" << num(ly) << "\" stroke-width=\"3\"/>\n"
        << "    <text x=\"" << num(legend_x + 32) << "\" y=\"" << num(ly) << "\" dy=\"0.35em\" fill=\"#202020\""
        << " stroke=\"none\">" << xml_escape(s.name) << "</text>\n"
        << "  </g>\n";
  }
  svg << "</svg>\n";
  return svg.str();
}

void write_line_plot_svg(const std::string& path, const line_plot& plot) {
  // A plot with nothing to draw fails before the file is touched; a failed write leaves no half file.
  write_file_atomically(path, line_plot_svg(plot));
}

}  // namespace gpulab

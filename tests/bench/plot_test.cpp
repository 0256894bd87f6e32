// SPDX-License-Identifier: MIT
#include "gpulab/bench/plot.hpp"

#include <gtest/gtest.h>
#include <png.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "gpulab/bench/png_image.hpp"
#include "gpulab/core/error.hpp"

namespace {

gpulab::line_plot two_series() {
  gpulab::line_plot p;
  p.title = "Bandwidth";
  p.x_label = "bytes";
  p.y_label = "GB/s";
  p.log2_x = true;
  p.series.push_back({"pinned", {4096, 65536, 1048576}, {5, 30, 52}});
  p.series.push_back({"pageable", {4096, 65536, 1048576}, {2, 10, 20}});
  return p;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A small well-formedness check: every element opened is closed in order, no
// '<' or '&' is left raw in text, and exactly one root <svg>. Returns "" or the problem.
std::string xml_problem(const std::string& xml) {
  std::vector<std::string> open;
  int roots = 0;
  std::size_t at = 0;
  if (xml.rfind("<?xml ", 0) != 0) return "no XML declaration";
  at = xml.find("?>") + 2;
  while (at < xml.size()) {
    const std::size_t lt = xml.find('<', at);
    const std::string text = xml.substr(at, lt == std::string::npos ? std::string::npos : lt - at);
    for (std::size_t amp = text.find('&'); amp != std::string::npos; amp = text.find('&', amp + 1)) {
      const std::string entity = text.substr(amp, text.find(';', amp) - amp + 1);
      if (entity != "&amp;" && entity != "&lt;" && entity != "&gt;" && entity != "&quot;" && entity != "&apos;") {
        return "raw & in text: " + text;
      }
    }
    if (lt == std::string::npos) break;
    const std::size_t gt = xml.find('>', lt);
    if (gt == std::string::npos) return "unterminated tag";
    const std::string tag = xml.substr(lt + 1, gt - lt - 1);
    if (tag.find('<') != std::string::npos) return "raw < inside tag: " + tag;
    if (tag.front() == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes nothing open";
      open.pop_back();
    } else {
      const std::string name = tag.substr(0, tag.find_first_of(" \n/"));
      if (open.empty() && ++roots > 1) return "more than one root element";
      if (open.empty() && name != "svg") return "root is <" + name + ">";
      if (tag.back() != '/') open.push_back(name);
    }
    at = gt + 1;
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return roots == 1 ? "" : "no root element";
}

// The coordinates of one series' line: "M x y L x y ..." -> {x, y} pairs, and how many pieces.
struct polyline {
  std::vector<double> x, y;
  int pieces = 0;
};
std::vector<polyline> series_lines(const std::string& svg) {
  std::vector<polyline> out;
  for (std::size_t at = svg.find("<path d=\""); at != std::string::npos; at = svg.find("<path d=\"", at + 1)) {
    const std::size_t begin = at + 9;
    std::istringstream d(svg.substr(begin, svg.find('"', begin) - begin));
    polyline line;
    std::string command;
    double x = 0, y = 0;
    while (d >> command >> y) {  // "M123.4" reads as a command with its x attached
      line.pieces += command[0] == 'M';
      x = std::stod(command.substr(1));
      line.x.push_back(x);
      line.y.push_back(y);
    }
    out.push_back(line);
  }
  return out;
}

TEST(Plot, SvgIsWellFormedWithTitleAxisLabelsAndLegend) {
  const std::string svg = gpulab::line_plot_svg(two_series());
  EXPECT_EQ(xml_problem(svg), "") << svg;
  EXPECT_NE(svg.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 "), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  for (const char* text : {">Bandwidth</text>", ">bytes</text>", ">GB/s</text>", ">pinned</text>", ">pageable</text>"}) {
    EXPECT_EQ(count(svg, text), 1u) << text;
  }
  EXPECT_NE(svg.find("<title>Bandwidth</title>"), std::string::npos);
}

TEST(Plot, OnePathPerSeriesInItsOwnColour) {
  const std::string svg = gpulab::line_plot_svg(two_series());
  EXPECT_EQ(count(svg, "<path "), 2u);
  EXPECT_EQ(count(svg, "<circle "), 6u);  // a dot per point
  EXPECT_EQ(count(svg, "stroke=\"#0072B2\""), 1u);  // first palette colour
  EXPECT_EQ(count(svg, "stroke=\"#D55E00\""), 1u);  // second
  EXPECT_EQ(count(svg, "#009E73"), 0u);             // no third series
  const std::vector<polyline> lines = series_lines(svg);
  ASSERT_EQ(lines.size(), 2u);
  for (const polyline& line : lines) {
    ASSERT_EQ(line.x.size(), 3u);
    EXPECT_EQ(line.pieces, 1);
  }
  // log2 x: 4K -> 64K -> 1M are four octaves apart each, so equally spaced.
  const polyline& pinned = lines[0];
  EXPECT_NEAR(pinned.x[1] - pinned.x[0], pinned.x[2] - pinned.x[1], 0.15);
  EXPECT_GT(pinned.x[1], pinned.x[0]);
  // Linear y from zero: SVG's y grows downwards, and 30 GB/s sits 30/52 of the way from 0 to 52.
  EXPECT_GT(pinned.y[0], pinned.y[1]);
  EXPECT_GT(pinned.y[1], pinned.y[2]);
  const double zero = pinned.y[0] + (pinned.y[0] - pinned.y[2]) * 5.0 / 47.0;  // where y = 0 is
  EXPECT_NEAR((zero - pinned.y[1]) / (zero - pinned.y[2]), 30.0 / 52.0, 1e-3);
  // The pageable line (2, 10, 20) lies below the pinned one at every size.
  for (std::size_t i = 0; i < 3; ++i) EXPECT_GT(lines[1].y[i], pinned.y[i]) << i;
}

TEST(Plot, PointsThatCannotBeDrawnBreakTheLine) {
  gpulab::line_plot p = two_series();
  p.log10_y = true;
  p.series[0].y = {5, std::numeric_limits<double>::quiet_NaN(), 52};  // a failed run
  p.series[1].y = {2, 0, 20};                                          // zero on a log axis
  const std::vector<polyline> lines = series_lines(gpulab::line_plot_svg(p));
  ASSERT_EQ(lines.size(), 2u);
  for (const polyline& line : lines) {
    EXPECT_EQ(line.x.size(), 2u);
    EXPECT_EQ(line.pieces, 2);
  }
}

TEST(Plot, LogAxesTickAtPowers) {
  const std::string svg = gpulab::line_plot_svg(two_series());
  // log2 x from 4K to 1M: every power of two, in short form.
  for (const char* label : {">4K</text>", ">8K</text>", ">64K</text>", ">512K</text>", ">1M</text>"}) {
    EXPECT_EQ(count(svg, label), 1u) << label;
  }
  // Linear y from zero to 52 (plus headroom): ticks every 10, no decimals.
  for (const char* label : {">0</text>", ">10</text>", ">50</text>"}) EXPECT_EQ(count(svg, label), 1u) << label;
  EXPECT_EQ(count(svg, ">60</text>"), 0u);

  gpulab::line_plot p;
  p.title = "error";
  p.log10_x = true;
  p.log10_y = true;
  p.series.push_back({"error", {1e3, 1e5, 1e9}, {3e-2, 2e-4, 4e-7}});
  const std::string log = gpulab::line_plot_svg(p);
  EXPECT_EQ(xml_problem(log), "") << log;
  // x: 1000 and 100000 in digits, then 10^6 ... 10^9 with superscripts.
  for (const char* label : {">1000</text>", ">100000</text>", ">10<tspan dy=\"-0.5em\" font-size=\"0.75em\">9</tspan>"}) {
    EXPECT_EQ(count(log, label), 1u) << label;
  }
  // y: whole decades from 10^-7 up to 0.1, small ones with superscripts.
  for (const char* label : {">0.1</text>", ">0.01</text>", ">-7</tspan>", ">-3</tspan>"}) {
    EXPECT_EQ(count(log, label), 1u) << label;
  }
  EXPECT_EQ(count(log, ">-8</tspan>"), 0u);
  EXPECT_EQ(count(log, ">1</text>"), 0u);
}

TEST(Plot, LabelsAreEscaped) {
  gpulab::line_plot p = two_series();
  p.title = "a < b & c > d";
  p.x_label = "size \"bytes\"";
  p.y_label = "it's <GB/s>";
  p.series[0].name = "pinned & <fast>";
  const std::string svg = gpulab::line_plot_svg(p);
  EXPECT_EQ(xml_problem(svg), "") << svg;
  EXPECT_NE(svg.find(">a &lt; b &amp; c &gt; d</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>a &lt; b &amp; c &gt; d</title>"), std::string::npos);
  EXPECT_NE(svg.find(">size &quot;bytes&quot;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">it&apos;s &lt;GB/s&gt;</text>"), std::string::npos);
  EXPECT_NE(svg.find(">pinned &amp; &lt;fast&gt;</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<fast>"), std::string::npos);
}

TEST(Plot, WritesTheSvgToAFile) {
  const std::string path = ::testing::TempDir() + "gpulab_plot_test.svg";
  gpulab::write_line_plot_svg(path, two_series());
  std::ifstream file(path);
  const std::string written{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
  EXPECT_EQ(written, gpulab::line_plot_svg(two_series()));
  std::remove(path.c_str());
}

TEST(Plot, BadInputsAreClearErrors) {
  EXPECT_THROW(gpulab::write_line_plot_svg("/nonexistent-dir/plot.svg", two_series()), gpulab::io_error);
  gpulab::line_plot empty;
  empty.title = "nothing";
  EXPECT_THROW(gpulab::line_plot_svg(empty), gpulab::usage_error);
  empty.series.push_back({"all NaN", {1, 2}, {std::nan(""), std::nan("")}});
  EXPECT_THROW(gpulab::line_plot_svg(empty), gpulab::usage_error);
  gpulab::line_plot crowded = two_series();
  const gpulab::plot_series one = crowded.series[0];
  crowded.series.resize(11, one);
  EXPECT_THROW(gpulab::line_plot_svg(crowded), gpulab::usage_error);
}

// PNG stays for pictures (module 5's Julia set).
TEST(PngImage, WritesAPngThatReadsBack) {
  const std::string path = ::testing::TempDir() + "gpulab_png_test.png";
  gpulab::rgb_image image(31, 7);
  image.set(30, 6, 0x0072B2);
  image.set(31, 0, 0xFF0000);  // outside: clipped, not a crash
  gpulab::write_png(path, image);
  png_image read{};
  read.version = PNG_IMAGE_VERSION;
  ASSERT_TRUE(png_image_begin_read_from_file(&read, path.c_str())) << read.message;
  EXPECT_EQ(read.width, 31u);
  EXPECT_EQ(read.height, 7u);
  read.format = PNG_FORMAT_RGB;
  std::vector<unsigned char> pixels(PNG_IMAGE_SIZE(read));
  ASSERT_TRUE(png_image_finish_read(&read, nullptr, pixels.data(), 0, nullptr)) << read.message;
  const std::size_t last = pixels.size() - 3;
  EXPECT_EQ(pixels[last], 0x00);
  EXPECT_EQ(pixels[last + 1], 0x72);
  EXPECT_EQ(pixels[last + 2], 0xB2);
  EXPECT_EQ(pixels[0], 0xFF);  // white background
  std::remove(path.c_str());
  EXPECT_THROW(gpulab::write_png("/nonexistent-dir/image.png", image), gpulab::io_error);
  EXPECT_THROW(gpulab::rgb_image(0, 10), gpulab::usage_error);
}

}  // namespace

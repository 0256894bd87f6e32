// SPDX-License-Identifier: MIT
// pandas.cut: the edges' checks, the labels, and the launches of kernels/dataframe/cut.cuh
// beside the same loop on the CPU.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/cut.hpp"
#include "kernels/dataframe/cut.cuh"

namespace gpulab::dataframe {

namespace {

constexpr int block_size = 256;

// pandas names a bin by its interval, each edge with as few digits as tell the edges apart.
std::string edge_text(double e) {
  char text[32];
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, e);
    if (std::strtod(text, nullptr) == e) break;
  }
  std::string s = text;
  if (s.find_first_of(".en") == std::string::npos) s += ".0";  // 1 -> 1.0, as Python prints a float
  return s;
}

}  // namespace

cut_edges make_cut_edges(std::span<const double> bins) {
  if (bins.size() < 2 || bins.size() > static_cast<std::size_t>(max_cut_edges)) {
    throw usage_error("cut: 2.." + std::to_string(max_cut_edges) + " bin edges (got " + std::to_string(bins.size()) +
                      ")");
  }
  cut_edges e;
  for (std::size_t j = 0; j < bins.size(); ++j) {
    if (!std::isfinite(bins[j])) throw usage_error("cut: bin edge " + std::to_string(j) + " is not a finite number");
    if (j > 0 && !(bins[j] > bins[j - 1])) {
      throw usage_error("cut: bins must increase monotonically (edge " + std::to_string(j) + " = " +
                        edge_text(bins[j]) + " is not above edge " + std::to_string(j - 1) + " = " +
                        edge_text(bins[j - 1]) + ")");
    }
    e.edge[j] = bins[j];
  }
  e.count = static_cast<int>(bins.size());
  return e;
}

std::vector<double> equal_width_bins(double min, double max, int count) {
  if (count < 1 || count > max_cut_edges - 1) {
    throw usage_error("cut: 1.." + std::to_string(max_cut_edges - 1) + " equal-width bins (got " +
                      std::to_string(count) + ")");
  }
  if (!std::isfinite(min) || !std::isfinite(max)) {
    throw usage_error("cut: equal-width bins need finite data (its range is " + std::to_string(min) + " .. " +
                      std::to_string(max) + ")");
  }
  const bool one_value = min == max;
  if (one_value) {  // pandas: both ends move before the edges are spread
    min -= min != 0 ? 0.001 * std::fabs(min) : 0.001;
    max += max != 0 ? 0.001 * std::fabs(max) : 0.001;
  }
  std::vector<double> edges(static_cast<std::size_t>(count) + 1);
  const double step = (max - min) / count;  // numpy.linspace: start + i * step, the last edge exactly max
  for (int i = 0; i < count; ++i) edges[static_cast<std::size_t>(i)] = min + i * step;
  edges.back() = max;
  if (!one_value) edges.front() -= (max - min) * 0.001;  // pandas: else the lowest edge moves down after
  return edges;
}

std::vector<std::string> cut_labels(std::span<const double> bins, const std::vector<std::string>& labels) {
  const std::size_t count = bins.size() < 2 ? 0 : bins.size() - 1;
  if (!labels.empty()) {
    if (labels.size() != count) {
      throw usage_error("cut: " + std::to_string(count) + " bins need " + std::to_string(count) + " labels (got " +
                        std::to_string(labels.size()) + ")");
    }
    return labels;
  }
  std::vector<std::string> names;
  for (std::size_t j = 0; j < count; ++j) {
    std::string name = "(";
    name += edge_text(bins[j]);
    name += ", ";
    name += edge_text(bins[j + 1]);
    names.push_back(name + "]");
  }
  return names;
}

template <class T>
void cut_async(column_view<T> x, const cut_edges& edges, std::int32_t* codes, cuda::stream_ref s) {
  if (x.size == 0) return;
  const unsigned grid = occupancy_grid_size(kernels::cut_kernel<T>, block_size);
  kernels::cut_kernel<T><<<grid, block_size, 0, s.get()>>>(x, edges, codes);
  GPULAB_CHECK_LAUNCH();
}

template <class T>
void cut_cpu(column_view<T> x, const cut_edges& edges, std::int32_t* codes) {
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < x.size; ++i) {
    codes[i] = x.present(i, x.data[i]) ? cut_code(static_cast<double>(x.data[i]), edges) : -1;
  }
}

#define GPULAB_DATAFRAME_CUT(T)                                                                      \
  template void cut_async<T>(column_view<T>, const cut_edges&, std::int32_t*, cuda::stream_ref); \
  template void cut_cpu<T>(column_view<T>, const cut_edges&, std::int32_t*);
GPULAB_DATAFRAME_CUT(double)
GPULAB_DATAFRAME_CUT(float)
GPULAB_DATAFRAME_CUT(std::int64_t)
GPULAB_DATAFRAME_CUT(std::int32_t)
#undef GPULAB_DATAFRAME_CUT

}  // namespace gpulab::dataframe

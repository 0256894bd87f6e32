// SPDX-License-Identifier: MIT
// pandas.cut: bin edges e0 < e1 < ... < ek give k right-closed bins (e0, e1],
// (e1, e2], ..., (e(k-1), ek]; a value in bin j gets code j (label j), a value
// at or below e0, above ek, NaN or missing gets code -1 (missing), as pandas
// does with right=True, include_lowest=False. One function decides the bin for
// the GPU and the CPU alike.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <span>
#include <string>
#include <vector>

#include "gpulab/core/host_device.hpp"
#include "gpulab/dataframe/column_view.hpp"

namespace gpulab::dataframe {

inline constexpr int max_cut_edges = 64;

// The edges, by value (a kernel argument: no pointer to chase).
struct cut_edges {
  double edge[max_cut_edges] = {};
  int count = 0;
};

// Checks pandas' rules: 2..64 edges, finite, strictly increasing (usage_error saying which pair is not).
cut_edges make_cut_edges(std::span<const double> bins);
// The labels of the bins: `labels` when given (one per bin, usage_error otherwise), else pandas'
// interval names "(0.0, 0.2]".
std::vector<std::string> cut_labels(std::span<const double> bins, const std::vector<std::string>& labels);
// pandas.cut(x, bins=count): `count` equal-width bins over [min, max] of the data, the
// lowest edge moved down by 0.1% of the range so that the minimum falls in the first
// (right-closed) bin; when min == max, both ends move by 0.1% of |value| (0.001 at 0).
// usage_error for count < 1 or a min or max that is NaN or infinite.
std::vector<double> equal_width_bins(double min, double max, int count);

// [snippet:cut_code]
// The bin of x: the number of inner edges below x, when e0 < x <= ek; else -1.
// NaN fails both comparisons, so it lands outside too.
GPULAB_HOST_DEVICE inline std::int32_t cut_code(double x, const cut_edges& e) {
  if (!(x > e.edge[0] && x <= e.edge[e.count - 1])) return -1;
  std::int32_t below = 0;
  // Unrolled with a fixed bound, so each edge is a constant-bank read at a known offset
  // (every lane reads the same edge at once); a loop to e.count would index the array at run time.
#ifdef __CUDA_ARCH__  // (the host compiler knows no such pragma)
#pragma unroll
#endif
  for (int j = 1; j < max_cut_edges - 1; ++j) {
    if (j >= e.count - 1) break;
    below += x > e.edge[j] ? 1 : 0;
  }
  return below;
}
// [/snippet:cut_code]

// codes[i] = the bin of row i (-1 where missing), queued on s.
template <class T>
void cut_async(column_view<T> x, const cut_edges& edges, std::int32_t* codes, cuda::stream_ref s);
template <class T>
void cut_cpu(column_view<T> x, const cut_edges& edges, std::int32_t* codes);

}  // namespace gpulab::dataframe

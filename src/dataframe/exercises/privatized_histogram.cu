// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/exercises/privatized_histogram.hpp"
#include "check_helpers.hpp"
#include "kernels/dataframe/exercises/privatized_histogram.cuh"

namespace gpulab::exercises {

unsigned privatized_histogram_blocks(std::int64_t n) {
  return std::clamp(blocks_for(n, privatized_histogram_threads), 1u, 8u * static_cast<unsigned>(sm_count()));
}

void launch_privatized_histogram(privatized_histogram_kernel kernel, cuda::std::span<const double> x,
                                 cuda::std::span<const double> edges, cuda::std::span<unsigned long long> counts,
                                 cuda::stream_ref s) {
  const std::size_t bins = counts.size();
  if (bins < 1 || bins > privatized_histogram_max_bins) {
    throw usage_error("privatized_histogram: " + std::to_string(bins) + " bins; 1 to " +
                      std::to_string(privatized_histogram_max_bins) + " are allowed");
  }
  if (edges.size() != bins + 1) {
    throw usage_error("privatized_histogram: " + std::to_string(edges.size()) + " edges for " + std::to_string(bins) +
                      " bins; k bins have k + 1 edges");
  }
  GPULAB_CUDA_TRY(cudaMemsetAsync(counts.data(), 0, counts.size_bytes(), s.get()));
  const auto n = static_cast<long long>(x.size());
  kernel<<<privatized_histogram_blocks(n), privatized_histogram_threads, 0, s.get()>>>(
      x.data(), n, edges.data(), static_cast<int>(bins), counts.data());
  GPULAB_CHECK_LAUNCH();
}

namespace {
// [snippet:exercise_solution]
// The reference solution: the block counts in shared memory, then adds each bin to the
// histogram once (20M values on 5 bins: 5 global atomics per block, not 20M).
__global__ void reference_privatized_histogram(const double* __restrict__ x, long long n,
                                               const double* __restrict__ edges, int bins,
                                               unsigned long long* counts) {
  __shared__ unsigned int block_counts[privatized_histogram_max_bins];
  for (int b = threadIdx.x; b < bins; b += blockDim.x) block_counts[b] = 0;
  __syncthreads();  // every counter is zero before any thread counts
  const double first = edges[0], last = edges[bins];
  for (long long i = global_thread_id(); i < n; i += grid_thread_count()) {
    const double v = x[i];
    if (!(v > first && v <= last)) continue;  // at or below the first edge, above the last, or NaN
    int lo = 1, hi = bins;                    // the first edge >= v: v is in (edges[lo - 1], edges[lo]]
    while (lo < hi) {
      const int mid = (lo + hi) / 2;
      if (v <= edges[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    atomicAdd(&block_counts[lo - 1], 1u);  // the block's threads share the counters
  }
  __syncthreads();  // the whole block has counted
  for (int b = threadIdx.x; b < bins; b += blockDim.x) {
    if (block_counts[b] != 0) atomicAdd(&counts[b], static_cast<unsigned long long>(block_counts[b]));
  }
}
// [/snippet:exercise_solution]
}  // namespace

namespace reference {
void privatized_histogram(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                          cuda::std::span<unsigned long long> counts, cuda::stream_ref s) {
  launch_privatized_histogram(reference_privatized_histogram, x, edges, counts, s);
}
}  // namespace reference

namespace trainee {
void privatized_histogram(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                          cuda::std::span<unsigned long long> counts, cuda::stream_ref s) {
  launch_privatized_histogram(trainee_kernels::privatized_histogram, x, edges, counts, s);
}
}  // namespace trainee

namespace {

using histogram = std::vector<unsigned long long>;

// pandas' bin of v, (e[j], e[j + 1]], or -1: what the kernel must find.
int right_closed_bin(double v, const std::vector<double>& e) {
  if (!(v > e.front() && v <= e.back())) return -1;
  return static_cast<int>(std::lower_bound(e.begin(), e.end(), v) - e.begin()) - 1;
}
// The mistake at an edge, [e[j], e[j + 1]): computed only to name it in the report.
int left_closed_bin(double v, const std::vector<double>& e) {
  if (!(v >= e.front() && v < e.back())) return -1;
  return static_cast<int>(std::upper_bound(e.begin(), e.end(), v) - e.begin()) - 1;
}

// The CPU's counts of one input: the right ones, and two wrong ones whose match names a bug.
struct expected_counts {
  histogram right_closed;  // pandas' bins: the answer
  histogram left_closed;   // values on an edge one bin up
  histogram block_zero;    // the answer for block 0's values alone (its grid-stride loop), as if
                           // no other block had merged its counters
  unsigned blocks = 0;     // the grid of the launch
};

expected_counts count_cpu(const std::vector<double>& x, const std::vector<double>& edges) {
  const std::size_t bins = edges.size() - 1;
  expected_counts e{histogram(bins, 0), histogram(bins, 0), histogram(bins, 0),
                    privatized_histogram_blocks(static_cast<std::int64_t>(x.size()))};
  for (std::size_t i = 0; i < x.size(); ++i) {
    const int right = right_closed_bin(x[i], edges), left = left_closed_bin(x[i], edges);
    if (right >= 0) ++e.right_closed[static_cast<std::size_t>(right)];
    if (left >= 0) ++e.left_closed[static_cast<std::size_t>(left)];
    const bool in_block_zero = (i / privatized_histogram_threads) % e.blocks == 0;
    if (right >= 0 && in_block_zero) ++e.block_zero[static_cast<std::size_t>(right)];
  }
  return e;
}

unsigned long long total(const histogram& h) { return std::accumulate(h.begin(), h.end(), 0ull); }

// "" when got (the bins, then guard cells still holding the poison) is exactly the
// CPU's count; else the first wrong bin and, where the numbers show it, why.
std::string inspect(const expected_counts& e, const histogram& got) {
  const std::size_t bins = e.right_closed.size();
  const auto past = std::count_if(got.begin() + static_cast<std::ptrdiff_t>(bins), got.end(),
                                  [](unsigned long long c) { return c != ~0ull; });
  if (past != 0) return std::to_string(past) + " counters past the histogram changed (a bin index out of range?)";
  const histogram counted(got.begin(), got.begin() + static_cast<std::ptrdiff_t>(bins));
  if (counted == e.right_closed) return "";
  const auto j = static_cast<std::size_t>(
      std::mismatch(counted.begin(), counted.end(), e.right_closed.begin()).first - counted.begin());
  const std::string wrong = "bin " + std::to_string(j) + " is " + std::to_string(counted[j]) + ", expected " +
                            std::to_string(e.right_closed[j]);
  const unsigned long long got_total = total(counted), expected_total = total(e.right_closed);
  if (got_total == 0) return wrong + ": nothing was counted";
  if (counted == e.left_closed) {
    return wrong + ": values on an edge went to the bin above (left-closed bins [e[j], e[j+1])); "
                   "pandas' bins are right-closed, (e[j], e[j+1]]";
  }
  if (e.blocks > 1 && counted == e.block_zero) {
    return wrong + ": only block 0's counts reached the histogram (" + std::to_string(e.blocks) +
           " blocks ran): every block adds its counters to it";
  }
  const bool none_above = std::equal(counted.begin(), counted.end(), e.right_closed.begin(),
                                     [](unsigned long long c, unsigned long long x) { return c <= x; });
  if (none_above && got_total < expected_total) {
    return wrong + ": " + std::to_string(expected_total - got_total) + " of " + std::to_string(expected_total) +
           " counts lost (a race on the shared counters? add to them with atomicAdd)";
  }
  if (got_total > expected_total) {
    return wrong + ": " + std::to_string(got_total - expected_total) +
           " counts too many (values outside the bins or NaN counted? counters not zeroed?)";
  }
  return wrong;
}

// The course's bins [0, .2, .4, .6, .8, 1] (labels c1..c5) for 5 bins; else uneven
// edges from -1 to 2, e[j] = -1 + 3 (j / bins)^2, which no fixed bin width gives.
std::vector<double> edges_for(int bins) {
  if (bins == 5) return {0.0, 0.2, 0.4, 0.6, 0.8, 1.0};
  std::vector<double> edges(static_cast<std::size_t>(bins) + 1);
  for (int j = 0; j <= bins; ++j) {
    const double t = static_cast<double>(j) / bins;
    edges[static_cast<std::size_t>(j)] = -1.0 + 3.0 * t * t;
  }
  return edges;
}

// n seeded values for `edges`: uniform over the bins and a tenth of their width on
// either side, with, planted, 5% exactly on an edge (the first and last included),
// 0.5% NaN, 0.3% -inf and 0.3% +inf.
std::vector<double> values_for(std::size_t n, const std::vector<double>& edges, std::uint64_t seed) {
  const double width = edges.back() - edges.front();
  const double low = edges.front() - 0.1 * width, high = edges.back() + 0.1 * width;
  std::vector<double> x(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t h = splitmix64(seed + i);
    const std::uint64_t pick = h % 1000;
    const double u = static_cast<double>(splitmix64(h) >> 11) * 0x1p-53;  // uniform in [0, 1)
    if (pick < 50) {
      x[i] = edges[(h >> 20) % edges.size()];
    } else if (pick < 55) {
      x[i] = std::numeric_limits<double>::quiet_NaN();
    } else if (pick < 58) {
      x[i] = -std::numeric_limits<double>::infinity();
    } else if (pick < 61) {
      x[i] = std::numeric_limits<double>::infinity();
    } else {
      x[i] = low + u * (high - low);
    }
  }
  return x;
}

// 31 values that test nothing but the edges of the course's bins: edge j repeated
// j + 1 times (so that a shift by one bin changes the counts), the doubles just
// inside the first and last bins and just above 0.2, and values outside.
std::vector<double> values_on_the_edges() {
  const std::vector<double> e = edges_for(5);
  std::vector<double> x;
  for (std::size_t j = 0; j < e.size(); ++j) x.insert(x.end(), j + 1, e[j]);
  x.insert(x.end(), {std::nextafter(0.0, 1.0), std::nextafter(1.0, 0.0), std::nextafter(0.2, 1.0), 0.3, 0.5, -0.1,
                     1.1, std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::infinity()});
  return x;
}

// One input on the device with its CPU counts, and a histogram with guard cells.
struct histogram_run {
  histogram_run(const std::vector<double>& x, const std::vector<double>& edges, cuda::stream_ref s)
      : expected(count_cpu(x, edges)),
        x_device(upload(x, s)),
        edges_device(upload(edges, s)),
        counts(edges.size() - 1 + guard_cells, s) {}

  // 0xFF in the bins and the guard cells: the launch zeroes the bins, nothing may touch the rest.
  void poison(cuda::stream_ref s) { counts.fill_bytes_async(0xFF, s); }
  void run(privatized_histogram_fn fn, cuda::stream_ref s) {
    poison(s);
    fn(x_device.span(), edges_device.span(), bins(), s);
  }
  std::string inspect_counts(cuda::stream_ref s) const { return inspect(expected, download(counts, s)); }
  cuda::std::span<unsigned long long> bins() { return counts.span().first(expected.right_closed.size()); }

  static constexpr std::size_t guard_cells = 64;
  expected_counts expected;
  device_buffer<double> x_device, edges_device;
  device_buffer<unsigned long long> counts;
};

std::string describe(std::size_t n, int bins) {
  return "n = " + std::to_string(n) + ", " + std::to_string(bins) + (bins == 1 ? " bin" : " bins");
}

}  // namespace

check_report check_privatized_histogram(privatized_histogram_fn candidate, const check_options& options) {
  check_report report = start_check("privatized_histogram", options);
  stream s;
  // One block, then several; bins that do not divide the block, and more bins than threads.
  // n = 31 is the hand-made input: every edge, and the values next to them.
  struct trial {
    std::size_t n;
    int bins;
  };
  for (const trial t : {trial{1, 5}, trial{31, 5}, trial{257, 7}, trial{1000, 1}, trial{100003, 300},
                        trial{1000003, 5}, trial{1000003, privatized_histogram_max_bins}}) {
    const bool on_the_edges = t.n == 31;
    const std::vector<double> edges = edges_for(t.bins);
    histogram_run h(on_the_edges ? values_on_the_edges() : values_for(t.n, edges, options.seed + t.n), edges, s);
    const std::string label = on_the_edges ? "n = 31 on the edges, 5 bins" : describe(t.n, t.bins);
    const bool ran = record_run(report, label, [&] {
      h.run(candidate, s);
      return h.inspect_counts(s);
    });
    if (!ran) return report;
  }
  // Time candidate and reference on the course's column A (20M values uniform in [0, 1))
  // and its five bins, then check what the last timed run left.
  std::vector<double> column_a(20000000);
  for (std::size_t i = 0; i < column_a.size(); ++i) {
    column_a[i] = static_cast<double>(splitmix64(options.seed + i) >> 11) * 0x1p-53;
  }
  histogram_run h(column_a, edges_for(5), s);
  h.poison(s);
  time_against_reference(
      report, s, describe(column_a.size(), 5) + " (column A)",
      [&] { candidate(h.x_device.span(), h.edges_device.span(), h.bins(), s); },
      [&] { reference::privatized_histogram(h.x_device.span(), h.edges_device.span(), h.bins(), s); },
      [&] { return h.inspect_counts(s); });
  return report;
}

}  // namespace gpulab::exercises

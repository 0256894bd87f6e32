// SPDX-License-Identifier: MIT
#include "matmul_check.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "gpulab/bench/error_bounds.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab::exercises::detail {

namespace {

struct shape {
  int m, n, k;
};
std::string describe(shape sh) {
  return std::to_string(sh.m) + " x " + std::to_string(sh.n) + " x " + std::to_string(sh.k);
}

// Enough guard cells for a 16 x 16-block grid that writes a whole extra row of blocks.
std::size_t guard_count(shape sh) { return 16 * (static_cast<std::size_t>(sh.n) + 16) + 64; }

// A and B sit in zeroed buffers of max(m, n, k)^2 floats. cuBLAS accepts any
// leading dimension >= the rows it is told, so a legal but wrong one (up to the
// largest size) reads zeros here, in bounds, and gives wrong numbers that the
// comparison names, instead of reading someone else's memory.
std::size_t input_count(shape sh) {
  const auto largest = static_cast<std::size_t>(std::max({sh.m, sh.n, sh.k}));
  return largest * largest;
}

struct problem {
  shape sh;
  std::vector<float> a, b;
  device_buffer<float> da, db, dc;
  problem(shape s_, std::uint64_t seed, cuda::stream_ref s)
      : sh(s_), a(static_cast<std::size_t>(s_.m) * s_.k), b(static_cast<std::size_t>(s_.k) * s_.n) {
    fill_uniform(a, seed, -1.0f, 1.0f);
    fill_uniform(b, seed + 1, -1.0f, 1.0f);
    da = device_buffer<float>(input_count(sh), s);
    db = device_buffer<float>(input_count(sh), s);
    dc = device_buffer<float>(static_cast<std::size_t>(sh.m) * sh.n + guard_count(sh), s);
    da.fill_bytes_async(0, s);
    db.fill_bytes_async(0, s);
    copy_to_device_async(std::span<const float>(a), da, s);
    copy_to_device_async(std::span<const float>(b), db, s);
    dc.fill_bytes_async(0xFF, s);  // NaN everywhere: unwritten elements and guard cells stay so
  }
  void run(const matmul_fn& f) { f(da.data(), db.data(), dc.data(), sh.m, sh.n, sh.k); }

  // "" when C is right (within the float bound) and the guard cells untouched.
  std::string inspect(cuda::stream_ref s) const {
    std::vector<float> c(dc.size());
    copy_to_host_async(dc, std::span<float>(c), s);
    synchronize(s);
    const int m = sh.m, n = sh.n, k = sh.k;
    // Each row's first wrong element; the report names the first in row-major
    // order, so it is the same on every run however the threads are scheduled.
    std::vector<std::string> row_error(static_cast<std::size_t>(m));
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) {
        double exact = 0, scale = 0;
        for (int p = 0; p < k; ++p) {
          const double term = double(a[static_cast<std::size_t>(i) * k + p]) * b[static_cast<std::size_t>(p) * n + j];
          exact += term;
          scale += std::abs(term);
        }
        const float got = c[static_cast<std::size_t>(i) * n + j];
        // Float sums in any order: at most k roundings of sum |a||b| (plus a little for k = 1).
        if (!(std::abs(got - exact) <= float_sum_error_bound(k + 1, scale) + 1e-30)) {
          row_error[static_cast<std::size_t>(i)] =
              "element (" + std::to_string(i) + ", " + std::to_string(j) + ") is " +
              (std::isnan(got) ? std::string("NaN (never written)") : format_significant(got)) + ", expected " +
              format_significant(exact);
          break;
        }
      }
    }
    for (const std::string& wrong : row_error) {
      if (!wrong.empty()) return wrong;
    }
    std::size_t touched = 0;
    for (std::size_t e = static_cast<std::size_t>(m) * n; e < c.size(); ++e) {
      std::uint32_t bits = 0;
      std::memcpy(&bits, &c[e], sizeof bits);
      touched += bits != 0xFFFFFFFFu;
    }
    if (touched > 0) return std::to_string(touched) + " writes past the end of C (missing bounds check?)";
    return "";
  }
};

}  // namespace

bool check_matmul_shapes(check_report& report, const matmul_fn& candidate, cuda::stream_ref s, std::uint64_t seed) {
  const shape shapes[] = {{1, 1, 1}, {16, 16, 16}, {17, 33, 9}, {64, 64, 64}, {100, 37, 129}, {255, 257, 31}, {3, 1000, 7}};
  for (const shape sh : shapes) {
    try {
      problem p(sh, seed, s);
      p.run(candidate);
      const std::string what = p.inspect(s);
      report.record(what.empty(), describe(sh) + (what.empty() ? "" : ": " + what));
    } catch (const cuda_error& e) {
      report.record(false, describe(sh) + ": CUDA error: " + e.what());
      return false;  // a faulting kernel leaves the context unusable
    }
  }
  return true;
}

double time_and_recheck_matmul(check_report& report, const matmul_fn& f, int n, cuda::stream_ref s,
                               std::uint64_t seed) {
  problem p({n, n, n}, seed, s);
  const double ms = summarize(time_on_stream(s, 2, 10, [&] { p.run(f); })).median_ms;
  const std::string what = p.inspect(s);
  report.record(what.empty(), "after timing, " + describe(p.sh) + (what.empty() ? "" : ": " + what));
  return ms;
}

}  // namespace gpulab::exercises::detail

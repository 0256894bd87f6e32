// SPDX-License-Identifier: MIT
#include <algorithm>
#include <vector>

#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/device/demos.hpp"
#include "gpulab/device/exercises/map_2d_index.hpp"
#include "check_helpers.hpp"
#include "kernels/device/exercises/map_2d_index.cuh"

namespace gpulab::exercises {

namespace reference {
void map_2d_index(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s) {
  device::map_2d_index_async(out, rows, cols, s);
}
}  // namespace reference

namespace trainee {
// The same launch as the reference; only the kernel is the trainee's.
void map_2d_index(cuda::std::span<int> out, int rows, int cols, cuda::stream_ref s) {
  const dim3 block(16, 16);
  const dim3 grid((cols + block.x - 1) / block.x, (rows + block.y - 1) / block.y);
  trainee_kernels::map_2d_index<<<grid, block, 0, s.get()>>>(out.data(), rows, cols);
  GPULAB_CHECK_LAUNCH();
}
}  // namespace trainee

namespace {

// Room for everything a 16 x 16-block grid could touch, so a missing bounds
// check writes into our guard cells instead of someone else's memory.
std::size_t padded_count(shape sh) {
  const std::size_t rows_pad = (static_cast<std::size_t>(sh.rows) + 15) / 16 * 16;
  const std::size_t cols_pad = (static_cast<std::size_t>(sh.cols) + 15) / 16 * 16;
  return std::max(rows_pad * cols_pad, rows_pad * static_cast<std::size_t>(sh.cols) + cols_pad) + 64;
}

// "" when right; otherwise what is wrong.
std::string inspect(const std::vector<int>& got, shape sh) {
  const std::size_t n = static_cast<std::size_t>(sh.rows) * static_cast<std::size_t>(sh.cols);
  for (std::size_t i = 0; i < n; ++i) {
    if (got[i] != static_cast<int>(i)) {
      const std::size_t row = i / static_cast<std::size_t>(sh.cols), col = i % static_cast<std::size_t>(sh.cols);
      return "element (" + std::to_string(row) + ", " + std::to_string(col) + ") is " + std::to_string(got[i]) +
             (got[i] == -1 ? " (never written)" : "") + ", expected " + std::to_string(i);
    }
  }
  const auto outside = std::count_if(got.begin() + static_cast<std::ptrdiff_t>(n), got.end(), [](int v) { return v != -1; });
  if (outside > 0) return std::to_string(outside) + " writes outside the matrix (missing bounds check?)";
  return "";
}

std::vector<int> run_once(map_2d_index_fn fn, shape sh, device_buffer<int>& out, cuda::stream_ref s, bool poison) {
  if (poison) out.fill_bytes_async(0xFF, s);
  fn(cuda::std::span<int>(out.data(), static_cast<std::size_t>(sh.rows) * static_cast<std::size_t>(sh.cols)), sh.rows,
     sh.cols, s);
  std::vector<int> got(out.size());
  copy_to_host_async(out, std::span<int>(got), s);
  synchronize(s);
  return got;
}

}  // namespace

check_report check_map_2d_index(map_2d_index_fn candidate, const check_options& options) {
  check_report report = start_check("map_2d_index", options);
  stream s;
  const shape shapes[] = {{1, 1}, {16, 16}, {37, 53}, {129, 7}, {5, 2000}, {1000, 1003}};
  for (const shape sh : shapes) {
    device_buffer<int> out(padded_count(sh), s);
    const bool ran = record_run(report, describe(sh), [&] { return inspect(run_once(candidate, sh, out, s, true), sh); });
    if (!ran) return report;  // a faulting kernel leaves the context unusable
  }
  // Time candidate and reference at the largest size, then check what the last timed run left.
  const shape big{1000, 1003};
  device_buffer<int> out(padded_count(big), s);
  const cuda::std::span<int> view(out.data(), static_cast<std::size_t>(big.rows) * big.cols);
  out.fill_bytes_async(0xFF, s);
  time_against_reference(
      report, s, describe(big), [&] { candidate(view, big.rows, big.cols, s); },
      [&] { reference::map_2d_index(view, big.rows, big.cols, s); },
      [&] { return inspect(run_once([](cuda::std::span<int>, int, int, cuda::stream_ref) {}, big, out, s, false), big); });
  return report;
}

}  // namespace gpulab::exercises

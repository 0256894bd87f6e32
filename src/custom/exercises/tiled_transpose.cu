// SPDX-License-Identifier: MIT
#include <algorithm>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/custom/exercises/tiled_transpose.hpp"
#include "gpulab/custom/memory_patterns.hpp"
#include "check_helpers.hpp"
#include "kernels/custom/exercises/tiled_transpose.cuh"

namespace gpulab::exercises {

namespace reference {
void tiled_transpose(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                     cuda::stream_ref s) {
  custom::transpose_async(custom::transpose_version::tiled_padded, in, rows, cols, out, s);
}
}  // namespace reference

namespace trainee {
void tiled_transpose(cuda::std::span<const float> in, int rows, int cols, cuda::std::span<float> out,
                     cuda::stream_ref s) {
  const dim3 block(32, 8);
  const dim3 grid(blocks_for(cols, 32), blocks_for(rows, 32));
  trainee_kernels::tiled_transpose<<<grid, block, 0, s.get()>>>(in.data(), out.data(), rows, cols);
  GPULAB_CHECK_LAUNCH();
}
}  // namespace trainee

namespace {

// Enough guard cells for the writes of edge tiles without a bounds check.
std::size_t guard_cells(shape sh) { return 32 * (static_cast<std::size_t>(std::max(sh.rows, sh.cols)) + 64); }

// "" when out is exactly in transposed and no guard cell was written.
std::string inspect(const std::vector<float>& in, shape sh, const std::vector<float>& got, const guarded_output& out) {
  const auto rows = static_cast<std::size_t>(sh.rows), cols = static_cast<std::size_t>(sh.cols);
  for (std::size_t c = 0; c < cols; ++c) {
    for (std::size_t r = 0; r < rows; ++r) {
      const float value = got[c * rows + r];
      if (value != in[r * cols + c]) {  // a transpose moves values: exact or wrong
        return "out(" + std::to_string(c) + ", " + std::to_string(r) + ") is " + std::to_string(value) +
               never_written(value) + ", expected in(" + std::to_string(r) + ", " + std::to_string(c) + ") = " +
               std::to_string(in[r * cols + c]);
      }
    }
  }
  return out.guard_problem(got);
}

}  // namespace

check_report check_tiled_transpose(transpose_fn candidate, const check_options& options) {
  check_report report = start_check("tiled_transpose", options);
  stream s;
  // Square and not, whole tiles and partial ones.
  for (const shape sh : {shape{1, 1}, shape{32, 32}, shape{33, 31}, shape{7, 1000}, shape{1000, 7}, shape{64, 96},
                         shape{1001, 999}}) {
    std::vector<float> in(static_cast<std::size_t>(sh.rows) * static_cast<std::size_t>(sh.cols));
    fill_uniform(in, options.seed + in.size(), -1.0f, 1.0f);
    const auto in_device = upload(in, s);
    guarded_output out(in.size(), guard_cells(sh), s);
    out.poison(s);
    const bool ran = record_run(report, describe(sh), [&] {
      candidate(in_device.span(), sh.rows, sh.cols, out.view(), s);
      return inspect(in, sh, out.read(s), out);
    });
    if (!ran) return report;
  }
  // Time candidate and reference on 4096 x 4096, then check what the last timed run left.
  const shape big{4096, 4096};
  std::vector<float> in(static_cast<std::size_t>(big.rows) * big.cols);
  fill_uniform(in, options.seed, -1.0f, 1.0f);
  const auto in_device = upload(in, s);
  guarded_output out(in.size(), guard_cells(big), s);
  out.poison(s);
  time_against_reference(
      report, s, describe(big), [&] { candidate(in_device.span(), big.rows, big.cols, out.view(), s); },
      [&] { reference::tiled_transpose(in_device.span(), big.rows, big.cols, out.view(), s); },
      [&] { return inspect(in, big, out.read(s), out); });
  return report;
}

}  // namespace gpulab::exercises

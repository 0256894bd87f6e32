// SPDX-License-Identifier: MIT
// Helpers of the exercise checkers: outputs with guard cells, inputs with room
// after them, and one checked run recorded as PASS or FAIL.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

// Every checker starts the same way: on the trainee's chosen GPU, with an empty report.
inline check_report start_check(const std::string& exercise, const check_options& options) {
  select_device(options.device);
  check_report report;
  report.exercise = exercise;
  return report;
}

// A matrix shape of the checks, and how a report line names it ("37 x 53").
struct shape {
  int rows, cols;
};
inline std::string describe(shape sh) { return std::to_string(sh.rows) + " x " + std::to_string(sh.cols); }

// An output of n floats followed by guard cells, all poisoned with 0xFF bytes
// (NaN) before each run. Afterwards every one of the n elements must have been
// written and no guard cell touched.
class guarded_output {
 public:
  // `guard`: cells enough to catch the writes a missing bounds check makes.
  guarded_output(std::size_t n, std::size_t guard, cuda::stream_ref s) : n_(n), buffer_(n + guard, s) {}

  void poison(cuda::stream_ref s) { buffer_.fill_bytes_async(0xFF, s); }
  [[nodiscard]] cuda::std::span<float> view() { return {buffer_.data(), n_}; }
  [[nodiscard]] std::vector<float> read(cuda::stream_ref s) const { return download(buffer_, s); }

  // "" when no guard cell changed; else how many did.
  [[nodiscard]] std::string guard_problem(const std::vector<float>& got) const {
    std::size_t written = 0;
    for (std::size_t i = n_; i < got.size(); ++i) {
      std::uint32_t bits = 0;
      std::memcpy(&bits, &got[i], sizeof bits);
      written += bits != 0xFFFFFFFFu;
    }
    return written == 0 ? "" : std::to_string(written) + " writes past the output (missing bounds check?)";
  }

 private:
  std::size_t n_;
  device_buffer<float> buffer_;
};

// An input with `guard` zeroed cells after it: a loop that reads one element too
// far reads a guard cell (and its write is caught) instead of faulting.
inline device_buffer<float> upload_with_guard(const std::vector<float>& host, std::size_t guard, cuda::stream_ref s) {
  device_buffer<float> device(host.size() + guard, s);
  device.fill_bytes_async(0, s);
  copy_to_device_async(std::span<const float>(host), device, s);
  GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
  return device;
}

// " (never written)" for an element still holding the poison.
inline std::string never_written(float value) { return std::isnan(value) ? " (never written)" : ""; }

// Runs `inspect` (it runs the candidate and returns "" or what is wrong) and
// records "label" or "label: problem". A CUDA error (a faulting kernel) is a FAIL
// too, and returns false: the context is unusable after it, so the check stops.
template <class Inspect>
bool record_run(check_report& report, const std::string& label, Inspect&& inspect) {
  try {
    const std::string problem = inspect();
    report.record(problem.empty(), label + (problem.empty() ? "" : ": " + problem));
    return true;
  } catch (const cuda_error& e) {
    report.record(false, label + ": CUDA error: " + e.what());
    return false;
  }
}

// Under compute-sanitizer (scripts/gpu-test --sanitize sets GPULAB_UNDER_SANITIZER) every
// memory access is checked, so a time means nothing, and 22 runs of a big input take minutes
// (k-means: over 4 minutes under racecheck on an H100).
inline bool under_sanitizer() { return std::getenv("GPULAB_UNDER_SANITIZER") != nullptr; }

// Times the candidate and then the reference on the same data (median of 20 runs
// after 2 warm-ups), and records whether what the candidate's last timed run left
// behind is still right ("after timing, label"): a kernel that works once but
// not when repeated (state left in the output, a missing reset) fails here.
// Under a sanitizer: one warm-up and one timed run, still a repeat for that check.
template <class Candidate, class Reference, class Inspect>
void time_against_reference(check_report& report, cuda::stream_ref s, const std::string& label,
                            Candidate&& candidate, Reference&& reference, Inspect&& inspect) {
  const bool sanitizer = under_sanitizer();
  const int warm_up = sanitizer ? 1 : 2;
  const int repeats = sanitizer ? 1 : 20;
  report.candidate_ms = summarize(time_on_stream(s, warm_up, repeats, candidate)).median_ms;
  const std::string after = inspect();
  report.record(after.empty(), "after timing, " + label + (after.empty() ? "" : ": " + after));
  report.reference_ms = summarize(time_on_stream(s, warm_up, repeats, reference)).median_ms;
}

}  // namespace gpulab::exercises

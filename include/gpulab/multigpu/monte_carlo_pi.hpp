// SPDX-License-Identifier: MIT
// `gpulab-multigpu pi`: data-parallel Monte Carlo pi. Each rank counts the hits
// of its own Philox subsequences (pi_split.hpp) on its GPU, and one all_reduce of
// the integer counts gives every rank the total. Two checks:
//   - bit-exact: the total equals the count one process makes of the same
//     darts (all subsequences in one launch, on rank 0's GPU): integers, so any
//     order of adding gives the same number;
//   - statistical: the estimate 4 hits / darts is within pi_bound_sigmas
//     standard errors of pi (a correct count fails this once in ~5e8 runs).
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <string>

#include "gpulab/multigpu/communicator.hpp"
#include "gpulab/multigpu/pi_split.hpp"

namespace gpulab::multigpu {

// Adds the hits of subsequences `range` of `samples` (seed `seed`) to *hits
// (device memory on the current GPU; the caller zeroes it). Launches one kernel.
void count_pi_hits_async(const pi_samples& samples, subsequence_range range, std::uint64_t seed,
                         unsigned long long* hits, cuda::stream_ref s);

// The standard error of 4 hits / darts: 4 sqrt(p (1 - p) / darts), p = pi / 4.
double pi_standard_error(std::uint64_t darts);
inline constexpr double pi_bound_sigmas = 6.0;

struct pi_result {
  pi_samples samples;
  std::uint64_t seed = 0;
  int ranks = 1;
  std::string backend;
  std::uint64_t hits = 0;            // all ranks, through the all_reduce
  std::uint64_t reference_hits = 0;  // one process, the same darts
  bool repeats_agree = false;        // the last timed run gave the same total as the first
  double median_ms = 0.0;            // count + all_reduce, the slowest rank's median
  [[nodiscard]] double estimate() const;
  [[nodiscard]] double error() const;  // |estimate - pi|
  [[nodiscard]] double bound() const { return pi_bound_sigmas * pi_standard_error(samples.darts); }
  [[nodiscard]] bool bit_exact() const { return hits == reference_hits && repeats_agree; }
  [[nodiscard]] bool within_bound() const { return error() <= bound(); }
  [[nodiscard]] bool verified() const { return bit_exact() && within_bound(); }
  [[nodiscard]] double darts_per_second() const { return median_ms > 0 ? static_cast<double>(samples.darts) / (median_ms * 1e-3) : 0.0; }
};

// Counts, verifies, times (`repeats` runs after 2 warm-ups of count + all_reduce),
// re-verifies. Collective over `comm`; every rank returns the same verdict.
pi_result run_data_parallel_pi(const pi_samples& samples, std::uint64_t seed, communicator& comm, cuda::stream_ref s,
                               int repeats);

// What rank 0 prints, and the same as JSON (--output FILE).
std::string format_pi_report(const pi_result& result);
std::string pi_report_json(const pi_result& result);

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
// Module 4 "random": random numbers on the GPU with cuRAND.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/random/counter_based.hpp"
#include "gpulab/random/device_api.hpp"
#include "gpulab/random/generator.hpp"

namespace gpulab::random {

// Host API: fill n numbers of one distribution with one generator, into device memory.
struct generation_config {
  generator_kind generator = generator_kind::philox;
  distribution_kind distribution = distribution_kind::uniform;
  std::size_t n = std::size_t{1} << 26;
  distribution_params params;
  unsigned dimensions = 1;  // Sobol only; n is rounded down to whole points
  // dynamic: the case <distribution>_<generator>_dynamic_ordering, checked statistically and
  // against a second device generator of the same seed and ordering (the CPU's numbers differ).
  generator_ordering ordering = generator_ordering::standard;
};
std::unique_ptr<bench_case> make_generation_case(const generation_config& config);

// The hand-written normal generator (counter_based.hpp): normal_philox_counter_based
// (fast_log: normal_philox_counter_based_fast_log), n numbers with params.mean and
// params.sigma, checked statistically and against the same stream made on the CPU.
std::unique_ptr<bench_case> make_counter_based_normal_case(std::size_t n, const distribution_params& params,
                                                          bool fast_log = false);

// The versions of Monte Carlo pi.
enum class pi_version {
  xorwow,          // device API, XORWOW states, one per resident thread
  philox,          // device API, Philox states (four numbers per call)
  mrg32k3a,        // device API, MRG32k3a states
  host_api_bulk,   // host API: Philox fills memory with numbers, a kernel counts
  course_grid,     // device API, XORWOW, the course's launch: 512 blocks x 32 threads
};
const char* pi_version_name(pi_version v);  // "pi_xorwow", ...
std::unique_ptr<bench_case> make_pi_case(pi_version version, std::uint64_t darts);

// The precision study: |pi estimate - pi| / pi against the number of darts,
// pseudo-random darts (Philox, device API) versus quasi-random darts (2D Sobol),
// and quasi-random points on a smooth integrand (pi = integral of 4 / (1 + x^2), 1D Sobol).
struct precision_point {
  std::uint64_t darts = 0;
  double pseudo_error = 0;  // mean over the runs of the relative error
  double quasi_error = 0;
  double smooth_quasi_error = 0;
};
struct precision_study {
  int runs = 0;
  std::vector<precision_point> points;
  // Least-squares slopes of log10(error) against log10(darts), from 1000 darts on.
  double pseudo_slope = 0, quasi_slope = 0, smooth_quasi_slope = 0;
};
// Darts: 10^2, 10^2.5, ..., up to max_darts; `runs` runs each, seeds from `seed`.
precision_study run_precision_study(std::uint64_t max_darts, int runs, std::uint64_t seed, cuda::stream_ref s);
line_plot precision_plot(const precision_study& study);
// Whether the slopes are where theory puts them: pseudo about -0.5, quasi darts
// about -0.75 (a discontinuous integrand in 2D), quasi smooth about -1.
bool precision_study_holds(const precision_study& study);

}  // namespace gpulab::random

// SPDX-License-Identifier: MIT
// Module 4's demos: what curand_init costs, the course's seeding and counting
// pitfalls made visible, and the precision study (pseudo- vs quasi-random).
#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/random/cases.hpp"
#include "gpulab/random/demos.hpp"

namespace gpulab::random {

namespace {

unsigned long long read_back(const device_buffer<unsigned long long>& hits, cuda::stream_ref s) {
  unsigned long long value = 0;
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&value, hits.data(), sizeof value, cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return value;
}

// Throws `darts` darts from `states` once; returns the hits and the kernel's time.
std::pair<unsigned long long, double> throw_once(device_states& states, std::uint64_t darts, cuda::stream_ref s,
                                                 int threads_per_block = pi_block_size,
                                                 hit_counter counter = hit_counter::integer) {
  device_buffer<unsigned long long> hits(1, s);
  hits.fill_bytes_async(0, s);
  event start, stop;
  start.record(s);
  count_hits_async(states, darts, hits.data(), s, threads_per_block, counter);
  stop.record(s);
  const double ms = elapsed_ms(start, stop);
  return {read_back(hits, s), ms};
}

double errors_in_sigmas(unsigned long long hits, std::uint64_t darts) {
  return (pi_estimate(hits, darts) - std::numbers::pi) / pi_standard_error(darts);
}

// How many threads draw a stream that another thread draws too.
std::size_t threads_repeating_a_stream(std::vector<std::uint64_t> first_numbers, std::size_t& distinct) {
  std::sort(first_numbers.begin(), first_numbers.end());
  std::size_t repeating = 0;
  distinct = 0;
  for (std::size_t i = 0; i < first_numbers.size(); ++i) {
    const bool same_as_previous = i > 0 && first_numbers[i] == first_numbers[i - 1];
    const bool same_as_next = i + 1 < first_numbers.size() && first_numbers[i] == first_numbers[i + 1];
    if (same_as_previous || same_as_next) ++repeating;
    if (!same_as_previous) ++distinct;
  }
  return repeating;
}

}  // namespace

demo_output init_cost_demo(resources& res, const run_options& options) {
  cuda::stream_ref s = res.stream();
  demo_output out;
  table t;
  t.title = "curand_init: what initialising one state per thread costs";
  t.columns = {"generator", "method", "threads", "median ms", "ns per thread", "bytes per state"};
  for (device_generator g : {device_generator::xorwow, device_generator::philox, device_generator::mrg32k3a}) {
    const std::size_t threads = resident_pi_threads(g);
    device_states states(g, threads, s);
    for (init_method m : {init_method::subsequence_per_thread, init_method::seed_per_thread,
                          init_method::offset_per_thread}) {
      // offset: thread t starts 2^20 numbers after thread t - 1 (a skip-ahead of t x 2^20).
      const auto times = time_on_stream(s, 1, 5, [&] { states.init_async(m, options.seed, s, std::uint64_t{1} << 20); });
      const double ms = summarize(times).median_ms;
      t.rows.push_back({cell(device_generator_name(g)), cell(init_method_name(m)), integer_cell(threads), number_cell(ms, 3),
                        number_cell(ms * 1e6 / static_cast<double>(threads), 2),
                        integer_cell(states.bytes() / states.threads())});
    }
  }
  t.notes.push_back("threads: one state per thread the pi kernel keeps resident (occupancy API)");
  t.notes.push_back("XORWOW and MRG32k3a jump to subsequence t with precomputed matrix powers: costly, once;"
                    " Philox's subsequence is part of its counter: free");
  t.notes.push_back("initialise once, keep the states in memory, and let every launch continue them");
  out.tables.push_back(std::move(t));
  return out;
}

demo_output seeding_pitfall_demo(resources& res, const run_options& options) {
  cuda::stream_ref s = res.stream();
  demo_output out;
  table t;
  t.title = "Seeding pitfall: curand_init(clock() + thread id, 0, 0) (the course's seeding), XORWOW";
  t.columns = {"method", "threads", "distinct streams", "threads repeating another's darts", "pi error (sigmas)"};
  const std::size_t threads = resident_pi_threads(device_generator::xorwow);
  const std::uint64_t darts = std::uint64_t{1} << 28;
  std::size_t repeats_when_seeded_right = 0;
  for (init_method m : {init_method::clock_plus_thread_id, init_method::seed_per_thread,
                        init_method::subsequence_per_thread}) {
    device_states states(device_generator::xorwow, threads, s);
    states.init_async(m, options.seed, s);
    device_buffer<std::uint64_t> first(threads, s);
    first_numbers_async(states, first.span(), s);
    std::vector<std::uint64_t> host(threads);
    copy_to_host_async(first, std::span<std::uint64_t>(host), s);
    synchronize(s);
    std::size_t distinct = 0;
    const std::size_t repeating = threads_repeating_a_stream(host, distinct);
    if (m != init_method::clock_plus_thread_id) repeats_when_seeded_right += repeating;
    const auto [hits, ms] = throw_once(states, darts, s);
    t.rows.push_back({cell(init_method_name(m)), integer_cell(threads), integer_cell(distinct), integer_cell(repeating),
                      number_cell(errors_in_sigmas(hits, darts), 2)});
  }
  t.notes.push_back("streams compared by each thread's first two numbers; equal streams throw the same darts,"
                    " so fewer darts are independent than the count says");
  t.notes.push_back("clock() is read per SM and is the same for a whole warp: clock() + thread id collides");
  t.notes.push_back("pi error: " + std::to_string(darts) + " darts from the same states, in standard errors");
  out.verified = repeats_when_seeded_right == 0;
  out.tables.push_back(std::move(t));
  return out;
}

demo_output accumulation_pitfall_demo(resources& res, const run_options& options) {
  cuda::stream_ref s = res.stream();
  demo_output out;
  table t;
  t.title = "Counting pitfall: hits counted in float, double or an integer (2^25 darts per thread)";
  t.columns = {"counter", "threads", "darts", "pi", "error (sigmas)", "ms"};
  // One block of 128 threads per SM: each thread's count must grow past 2^24, so
  // each thread throws many darts; few threads keep the demo short.
  const int block = 128;
  const std::size_t threads = static_cast<std::size_t>(res.device().multiprocessors) * block;
  const std::uint64_t darts = threads * (std::uint64_t{1} << 25);
  bool exact_counters_right = true, float_counter_wrong = false;
  for (hit_counter c : {hit_counter::integer, hit_counter::float64, hit_counter::float32}) {
    device_states states(device_generator::xorwow, threads, s);
    states.init_async(init_method::subsequence_per_thread, options.seed, s);
    const auto [hits, ms] = throw_once(states, darts, s, block, c);
    const double sigmas = errors_in_sigmas(hits, darts);
    if (c == hit_counter::float32) {
      float_counter_wrong = std::abs(sigmas) > 100;
    } else {
      exact_counters_right = exact_counters_right && std::abs(sigmas) <= 5;
    }
    t.rows.push_back({cell(hit_counter_name(c)), integer_cell(threads), integer_cell(darts),
                      number_cell(pi_estimate(hits, darts), 7), number_cell(sigmas, 1), number_cell(ms, 1)});
  }
  t.notes.push_back("a float holds every integer only up to 2^24 = 16,777,216; past it, hits += 1 changes nothing");
  t.notes.push_back("the course's 2^24 darts per thread give about 13.2 million hits: just below the cliff");
  out.verified = exact_counters_right && float_counter_wrong;
  out.tables.push_back(std::move(t));
  return out;
}

precision_study run_precision_study(std::uint64_t max_darts, int runs, std::uint64_t seed,
                                    cuda::stream_ref s) {
  precision_study study;
  study.runs = runs;
  const std::size_t threads = resident_pi_threads(device_generator::philox);
  device_states states(device_generator::philox, threads, s);
  device_buffer<unsigned long long> hits(1, s);
  device_buffer<double> sum(1, s);
  const int sobol_blocks = static_cast<int>(threads / pi_block_size);
  auto error_of = [](double estimate) { return std::abs(estimate - std::numbers::pi) / std::numbers::pi; };
  auto read_sum = [&] {
    double total = 0;
    GPULAB_CUDA_TRY(cudaMemcpyAsync(&total, sum.data(), sizeof total, cudaMemcpyDeviceToHost, s.get()));
    synchronize(s);
    return total;
  };
  // [snippet:precision_study]
  for (int half_decades = 4;; ++half_decades) {  // 10^2, 10^2.5, 10^3, ...
    const auto darts = static_cast<std::uint64_t>(std::llround(std::pow(10.0, half_decades / 2.0)));
    if (darts > max_darts) break;
    precision_point point{darts};
    for (int run = 0; run < runs; ++run) {
      const std::uint64_t bits = splitmix64(seed + static_cast<std::uint64_t>(run));  // run's seed
      const auto low = static_cast<std::uint32_t>(bits);
      const auto high = static_cast<std::uint32_t>(bits >> 32);
      // Pseudo-random darts: fresh Philox streams each run.
      states.init_async(init_method::subsequence_per_thread, bits, s);
      hits.fill_bytes_async(0, s);
      count_hits_async(states, darts, hits.data(), s);
      point.pseudo_error += error_of(pi_estimate(read_back(hits, s), darts));
      // Quasi-random darts: the same 2D Sobol points each run, XOR-shifted by the run's bits.
      hits.fill_bytes_async(0, s);
      count_hits_sobol_async(darts, low, high, hits.data(), sobol_blocks, s);
      point.quasi_error += error_of(pi_estimate(read_back(hits, s), darts));
      // Quasi-random points on a smooth integrand: 4 / (1 + x^2) on 1D Sobol points.
      sum.fill_bytes_async(0, s);
      integrate_sobol_async(darts, low, sum.data(), sobol_blocks, s);
      point.smooth_quasi_error += error_of(read_sum() / static_cast<double>(darts));
    }
    point.pseudo_error /= runs;
    point.quasi_error /= runs;
    point.smooth_quasi_error /= runs;
    study.points.push_back(point);
  }
  // [/snippet:precision_study]
  // Least-squares slope of log10(error) against log10(darts), from 1000 darts on.
  auto slope = [&](double precision_point::*error) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
    for (const precision_point& p : study.points) {
      if (p.darts < 1000 || !(p.*error > 0)) continue;
      const double x = std::log10(static_cast<double>(p.darts)), y = std::log10(p.*error);
      sx += x, sy += y, sxx += x * x, sxy += x * y, n += 1;
    }
    return n < 2 ? 0.0 : (n * sxy - sx * sy) / (n * sxx - sx * sx);
  };
  study.pseudo_slope = slope(&precision_point::pseudo_error);
  study.quasi_slope = slope(&precision_point::quasi_error);
  study.smooth_quasi_slope = slope(&precision_point::smooth_quasi_error);
  return study;
}

bool precision_study_holds(const precision_study& study) {
  // Loose bounds: 10 runs per point leave the slopes noisy by a few hundredths.
  return study.points.size() >= 3 && study.pseudo_slope < -0.35 && study.pseudo_slope > -0.65 &&
         study.quasi_slope < -0.6 && study.smooth_quasi_slope < -0.85;
}

// The expected mean |error| / pi of a pseudo-random estimate: sqrt(2 / pi) standard errors.
double expected_pseudo_error(std::uint64_t darts) {
  return std::sqrt(2.0 / std::numbers::pi) * pi_standard_error(darts) / std::numbers::pi;
}

line_plot precision_plot(const precision_study& study) {
  line_plot plot;
  plot.title = "Monte Carlo pi: error versus darts, " + std::to_string(study.runs) + " runs each";
  plot.x_label = "darts";
  plot.y_label = "relative error";
  plot.log10_x = true;
  plot.log10_y = true;
  plot_series pseudo{"darts, pseudo-random (Philox)", {}, {}}, quasi{"darts, quasi-random (Sobol)", {}, {}};
  plot_series smooth{"4/(1+x^2), quasi-random (Sobol)", {}, {}};
  plot_series theory{"0.42 / sqrt(N) (expected, pseudo)", {}, {}}, one_over_n{"1 / N", {}, {}};
  auto add = [](plot_series& series, double n, double error) {
    if (error > 0) series.x.push_back(n), series.y.push_back(error);  // a log axis has no zero
  };
  for (const precision_point& p : study.points) {
    const double n = static_cast<double>(p.darts);
    add(pseudo, n, p.pseudo_error);
    add(quasi, n, p.quasi_error);
    add(smooth, n, p.smooth_quasi_error);
    add(theory, n, expected_pseudo_error(p.darts));
    add(one_over_n, n, 1.0 / n);
  }
  plot.series = {pseudo, quasi, smooth, theory, one_over_n};
  return plot;
}

demo_output precision_study_demo(resources& res, const run_options& options) {
  const std::uint64_t max_darts = options.size.value_or(1'000'000'000);
  require_dart_count(max_darts, "darts in the precision study");
  const int runs = 10;
  const precision_study study = run_precision_study(max_darts, runs, options.seed, res.stream());
  demo_output out;
  table t;
  t.title = "Precision study: |pi estimate - pi| / pi, mean of " + std::to_string(runs) + " runs";
  t.columns = {"darts (points)", "darts, pseudo-random", "expected (pseudo)", "darts, quasi-random",
               "4/(1+x^2), quasi-random"};
  for (const precision_point& p : study.points) {
    t.rows.push_back({integer_cell(p.darts), significant_cell(p.pseudo_error), significant_cell(expected_pseudo_error(p.darts)),
                      significant_cell(p.quasi_error), significant_cell(p.smooth_quasi_error)});
  }
  t.notes.push_back("slopes of log(error) vs log(darts) from 1000 on: pseudo-random darts " +
                    format_fixed(study.pseudo_slope, 2) + " (theory -0.5), quasi-random darts " +
                    format_fixed(study.quasi_slope, 2) + " (theory -0.75: the hit-or-miss function jumps at the"
                    " circle), quasi-random smooth integrand " + format_fixed(study.smooth_quasi_slope, 2) +
                    " (theory about -1)");
  t.notes.push_back("pseudo-random: Philox darts, a fresh seed each run; quasi-random: Sobol points XOR-shifted by"
                    " random bits each run; smooth integrand: pi = integral of 4 / (1 + x^2) over [0, 1]");
  out.verified = precision_study_holds(study);
  if (!out.verified) t.notes.push_back("NOT VERIFIED: the slopes are not where theory puts them");
  out.tables.push_back(std::move(t));
  out.figure = precision_plot(study);
  return out;
}

}  // namespace gpulab::random

// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/monte_carlo_pi.hpp"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <numbers>
#include <span>

#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab::multigpu {

namespace {

std::int64_t read_word(const device_buffer<std::int64_t>& word, cuda::stream_ref s) {
  std::int64_t value = 0;
  copy_to_host_async<std::int64_t>(word, std::span<std::int64_t>(&value, 1), s);
  synchronize(s);
  return value;
}

}  // namespace

double pi_standard_error(std::uint64_t darts) {
  const double p = std::numbers::pi / 4.0;
  return darts == 0 ? 0.0 : 4.0 * std::sqrt(p * (1.0 - p) / static_cast<double>(darts));
}

double pi_result::estimate() const { return samples.darts == 0 ? 0.0 : 4.0 * static_cast<double>(hits) / static_cast<double>(samples.darts); }
double pi_result::error() const { return std::fabs(estimate() - std::numbers::pi); }

pi_result run_data_parallel_pi(const pi_samples& samples, std::uint64_t seed, communicator& comm, cuda::stream_ref s,
                               int repeats) {
  require_valid(samples);
  select_device(comm.device());
  pi_result result;
  result.samples = samples;
  result.seed = seed;
  result.ranks = comm.size();
  result.backend = comm.backend();

  const subsequence_range mine = subsequences_of_rank(samples.subsequences(), comm.rank(), comm.size());
  // The counts are int64 words for the all_reduce; the kernel adds into them as
  // unsigned long long (what atomicAdd takes): the same bits, as counts stay
  // far below 2^63 (max_pi_darts is 2^40).
  device_buffer<std::int64_t> my_hits(1, s);
  device_buffer<std::int64_t> total(1, s);
  const auto count_and_sum = [&] {
    my_hits.fill_bytes_async(0, s);
    count_pi_hits_async(samples, mine, seed, reinterpret_cast<unsigned long long*>(my_hits.data()), s);
    comm.all_reduce_async(my_hits.data(), total.data(), 1, reduce_op::sum, s);
  };
  total.fill_bytes_async(0xFF, s);  // poisoned: -1, which no count is
  count_and_sum();
  const std::int64_t first_total = read_word(total, s);

  // One process's count of the same darts: every subsequence in one launch, on
  // rank 0's GPU, sent to every rank so that all reach the same verdict.
  device_buffer<std::int64_t> reference(1, s);
  reference.fill_bytes_async(0, s);
  if (comm.rank() == 0) {
    count_pi_hits_async(samples, {0, samples.subsequences()}, seed,
                        reinterpret_cast<unsigned long long*>(reference.data()), s);
  }
  comm.broadcast_async(reference.data(), 1, 0, s);
  result.reference_hits = static_cast<std::uint64_t>(read_word(reference, s));
  result.hits = static_cast<std::uint64_t>(first_total);

  const double my_median = summarize(time_on_stream(s, 2, repeats, count_and_sum)).median_ms;
  result.median_ms = all_reduce_value(comm, my_median, reduce_op::max, s);
  result.repeats_agree = read_word(total, s) == first_total;  // re-verified after timing
  return result;
}

std::string format_pi_report(const pi_result& r) {
  std::string text = format_printf(
      "Monte Carlo pi, data-parallel: %llu darts on %d rank%s (%s), Philox subsequences of %llu darts, seed %llu\n",
      static_cast<unsigned long long>(r.samples.darts), r.ranks, r.ranks == 1 ? "" : "s", r.backend.c_str(),
      static_cast<unsigned long long>(r.samples.darts_per_subsequence), static_cast<unsigned long long>(r.seed));
  text += format_printf("%5s  %14s  %14s  %12s  %9s  %9s  %10s  %9s\n", "ranks", "darts", "hits", "estimate", "|error|",
                        "6 sigma", "ms", "Gdarts/s");
  text += format_printf("%5d  %14llu  %14llu  %12.9f  %9.2e  %9.2e  %10.3f  %9.2f\n", r.ranks,
                        static_cast<unsigned long long>(r.samples.darts), static_cast<unsigned long long>(r.hits),
                        r.estimate(), r.error(), r.bound(), r.median_ms, r.darts_per_second() / 1e9);
  if (r.verified()) {
    text += format_printf(
        "validation: hits bit-exact vs one process's count of the same darts (%llu), before and after timing; "
        "|estimate - pi| within 6 standard errors\n",
        static_cast<unsigned long long>(r.reference_hits));
    return text;
  }
  text += "validation: FAILED:";
  if (r.hits != r.reference_hits) {
    text += format_printf(" %llu hits on %d rank%s, %llu in one process;", static_cast<unsigned long long>(r.hits),
                          r.ranks, r.ranks == 1 ? "" : "s", static_cast<unsigned long long>(r.reference_hits));
  }
  if (!r.repeats_agree) text += " the timed runs gave another total than the first;";
  if (!r.within_bound())
    text += format_printf(" |estimate - pi| = %.3e is more than 6 sigma = %.3e;", r.error(), r.bound());
  text.back() = '\n';
  return text;
}

std::string pi_report_json(const pi_result& r) {
  const nlohmann::ordered_json json = {
      {"program", "gpulab-multigpu"},
      {"command", "pi"},
      {"backend", r.backend},
      {"ranks", r.ranks},
      {"darts", r.samples.darts},
      {"darts_per_subsequence", r.samples.darts_per_subsequence},
      {"seed", r.seed},
      {"hits", r.hits},
      {"reference_hits", r.reference_hits},
      {"estimate", r.estimate()},
      {"error", r.error()},
      {"bound", r.bound()},
      {"median_ms", r.median_ms},
      {"darts_per_second", r.darts_per_second()},
      {"validation", {{"bit_exact", r.bit_exact()}, {"within_bound", r.within_bound()}, {"passed", r.verified()}}},
  };
  return json.dump(2) + "\n";
}

}  // namespace gpulab::multigpu

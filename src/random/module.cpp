// SPDX-License-Identifier: MIT
// Module 4 as the apps see it: its options, cases, demos, tour items and comparisons.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/random/cases.hpp"
#include "gpulab/random/demos.hpp"
#include "gpulab/random/module.hpp"

namespace gpulab::random {

namespace {

constexpr std::uint64_t default_numbers = std::uint64_t{1} << 26;  // 256 MiB of floats
constexpr std::uint64_t default_darts = std::uint64_t{1} << 29;    // the course's Numba run: 2^29 darts
// The sabotage test's sizes (case_entry::check_size): odd, so that the tails of
// grids and normal pairs are exercised. Numbers: each is compared with cuRAND's
// CPU generator. Darts: 5 standard errors of the hits (650) are far below
// half of them (39000), so a zero, all ones or 1.5 times the count fails.
constexpr std::uint64_t check_numbers = 100'003;
constexpr std::uint64_t check_darts = 100'003;

std::vector<std::string> generator_names() {
  std::vector<std::string> names;
  for (generator_kind g : all_generator_kinds()) names.emplace_back(generator_name(g));
  return names;
}

// The module's options, typed: the command line checks them while parsing.
const module_option generator_option{.name = "generator",
                                     .description = "host-API generators: all, or a list of them",
                                     .kind = option_kind::choice_list,
                                     .default_value = "all",
                                     .choices = generator_names()};
const module_option mean_option{.name = "mean",
                                .description = "normal and log-normal: the mean (of the log for log-normal)",
                                .kind = option_kind::real,
                                .default_value = "0"};
const module_option sigma_option{.name = "sigma",
                                 .description = "normal and log-normal: the standard deviation",
                                 .kind = option_kind::real,
                                 .default_value = "1",
                                 .min = 0,
                                 .min_exclusive = true};
// cuRAND builds a table per lambda; above ~1e9 its counts no longer fit an unsigned int comfortably.
const module_option lambda_option{.name = "lambda",
                                  .description = "Poisson: the mean",
                                  .kind = option_kind::real,
                                  .default_value = "10",
                                  .min = 0,
                                  .max = 1e9,
                                  .min_exclusive = true};
const module_option dimensions_option{.name = "dimensions",
                                      .description = "Sobol generators: dimensions; counts round down to whole points",
                                      .kind = option_kind::integer,
                                      .default_value = "1",
                                      .min = 1,
                                      .max = max_sobol_dimensions};

std::vector<generator_kind> selected_generators(const run_options& options) {
  std::vector<generator_kind> kinds;
  for (const std::string& name : generator_option.list(options)) kinds.push_back(parse_generator(name));
  return kinds;
}

distribution_params selected_params(const run_options& options) {
  distribution_params p;
  p.mean = static_cast<float>(mean_option.real(options));
  p.sigma = static_cast<float>(sigma_option.real(options));
  p.lambda = lambda_option.real(options);
  return p;
}

unsigned selected_dimensions(const run_options& options) {
  return static_cast<unsigned>(dimensions_option.integer(options));
}

// Everything the user typed, checked before any GPU work.
void validate(const run_options& options) {
  (void)selected_generators(options);
  const distribution_params p = selected_params(options);
  for (distribution_kind d : all_distribution_kinds()) p.validate(d);
  (void)selected_dimensions(options);
  if (options.size && *options.size > max_darts_per_run) {
    throw usage_error("--size: at most 2^40 darts or numbers per run (got " + std::to_string(*options.size) + ")");
  }
  // The precision study's quasi-random points come from a 32-bit Sobol sequence.
  const bool study = options.selected.empty() ||
                     std::find(options.selected.begin(), options.selected.end(), "precision_study") !=
                         options.selected.end();
  if (study && options.size && *options.size > max_sobol_points) {
    throw usage_error("--size: the precision study goes up to " + std::to_string(max_sobol_points) +
                      " darts, the length of cuRAND's 32-bit Sobol sequence (got " + std::to_string(*options.size) +
                      ")");
  }
}

case_entry distribution_entry(distribution_kind d, const std::string& description) {
  return {distribution_name(d),
          description + ", one case per --generator (--size: numbers; default 2^26)",
          [d](const run_options& options) {
            std::vector<std::unique_ptr<bench_case>> cases;
            for (generator_kind g : selected_generators(options)) {
              generation_config config;
              config.generator = g;
              config.distribution = d;
              config.n = options.size.value_or(default_numbers);
              config.params = selected_params(options);
              config.dimensions = is_quasi_random(g) ? selected_dimensions(options) : 1;
              cases.push_back(make_generation_case(config));
            }
            return cases;
          },
          check_numbers};
}

// One case: Philox through the host API with cuRAND's dynamic ordering (the layout fastest on this GPU).
case_entry dynamic_ordering_entry(distribution_kind d, const std::string& description) {
  return {std::string(distribution_name(d)) + "_philox_dynamic_ordering",
          description + " (--size: numbers; default 2^26)",
          one_case([d](const run_options& options) {
            generation_config config;
            config.generator = generator_kind::philox;
            config.distribution = d;
            config.n = options.size.value_or(default_numbers);
            config.params = selected_params(options);
            config.ordering = generator_ordering::dynamic;
            return make_generation_case(config);
          }),
          check_numbers};
}

case_entry pi_entry(pi_version v, const std::string& description) {
  return {pi_version_name(v), description + " (--size: darts; default 2^29)",
          one_case([v](const run_options& options) { return make_pi_case(v, options.size.value_or(default_darts)); }),
          check_darts};
}

// The verified result with the most numbers (or darts) per second among those the filter accepts.
const case_result* best(const std::vector<case_result>& results, const result_filter& filter) {
  const case_result* found = nullptr;
  for (const case_result& r : results) {
    if (!matches(r, filter) || !r.verified) continue;
    if (found == nullptr || r.giga_items_per_second() > found->giga_items_per_second()) found = &r;
  }
  return found;
}

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  for (distribution_kind d : all_distribution_kinds()) {
    if (const case_result* r = best(results, {.operation = distribution_name(d)}); r != nullptr) {
      lines.push_back("fastest " + std::string(distribution_name(d)) + " generator: " + r->parameters.version + ", " +
                      format_fixed(r->giga_items_per_second(), 1) +
                      " G numbers/s = " + format_fixed(r->gigabytes_per_second(), 0) + " GB/s" +
                      (r->percent_of_peak ? " (" + format_fixed(*r->percent_of_peak, 1) + "% of the measured write bandwidth)"
                                          : ""));
    }
  }
  if (const case_result* r = best(results, {.operation = "pi"}); r != nullptr) {
    std::string line = "fastest pi: " + r->name + ", " + format_fixed(r->giga_items_per_second(), 1) + " G darts/s";
    if (const case_result* bulk = best(results, {.operation = "pi", .version = "host_api_bulk"});
        bulk != nullptr && bulk != r) {
      line += ", " + format_fixed(bulk->gpu.median_ms / r->gpu.median_ms, 1) + "x the host-API bulk version";
    }
    if (r->speedup_vs_cpu()) line += ", " + format_significant(*r->speedup_vs_cpu()) + "x the CPU (all cores)";
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

training_module make_module() {
  const std::map<std::string, std::string> philox = {{"generator", "philox"}};
  return {
      .name = "random",
      .title = "gpulab module 4: random numbers on the GPU with cuRAND",
      .demos = {
          {"init_cost", "curand_init per thread: subsequence vs seed vs offset, for XORWOW, Philox, MRG32k3a",
           init_cost_demo},
          {"seeding_pitfall", "curand_init(clock() + thread id): threads that throw the same darts",
           seeding_pitfall_demo},
          {"accumulation_pitfall", "hits counted in float stop at 2^24; double and integers do not",
           accumulation_pitfall_demo},
          {"precision_study",
           "relative error of pi vs darts, pseudo- vs quasi-random, 10 runs each (--size: largest dart count, default"
           " 10^9; --plot draws it)",
           precision_study_demo, true},
      },
      .cases = {
          distribution_entry(distribution_kind::uniform, "host API: uniform floats in (0, 1]"),
          distribution_entry(distribution_kind::normal, "host API: normal floats (--mean, --sigma)"),
          distribution_entry(distribution_kind::log_normal, "host API: log-normal floats (--mean, --sigma of the log)"),
          distribution_entry(distribution_kind::poisson, "host API: Poisson counts (--lambda)"),
          dynamic_ordering_entry(distribution_kind::uniform,
                                 "host API, Philox, CURAND_ORDERING_PSEUDO_DYNAMIC: uniform floats in (0, 1]"),
          dynamic_ordering_entry(distribution_kind::normal,
                                 "host API, Philox, CURAND_ORDERING_PSEUDO_DYNAMIC: normal floats (--mean, --sigma)"),
          {"normal_philox_counter_based",
           "hand-written: Box-Muller on the Philox4x32-10 counter stream, a float4 per thread and call"
           " (--mean, --sigma; --size: numbers; default 2^26)",
           one_case([](const run_options& options) {
             return make_counter_based_normal_case(options.size.value_or(default_numbers), selected_params(options));
           }),
           check_numbers},
          {"normal_philox_counter_based_fast_log",
           "the same numbers, ln u1 by the hardware's log2 (a short series near u1 = 1) instead of logf"
           " (--mean, --sigma; --size: numbers; default 2^26)",
           one_case([](const run_options& options) {
             return make_counter_based_normal_case(options.size.value_or(default_numbers), selected_params(options),
                                                   true);
           }),
           check_numbers},
          pi_entry(pi_version::xorwow, "Monte Carlo pi, device API, XORWOW state per resident thread"),
          pi_entry(pi_version::philox, "Monte Carlo pi, device API, Philox state per resident thread"),
          pi_entry(pi_version::mrg32k3a, "Monte Carlo pi, device API, MRG32k3a state per resident thread"),
          pi_entry(pi_version::host_api_bulk, "Monte Carlo pi from numbers made in bulk by the host API (Philox)"),
          pi_entry(pi_version::course_grid,
                   "Monte Carlo pi, XORWOW, the course's launch of 512 blocks x 32 threads"),
      },
      .tour = {{"uniform", std::nullopt, philox},
               {"normal", std::nullopt, philox},
               {"pi_xorwow", std::nullopt},
               {"pi_host_api_bulk", std::nullopt}},
      .compare = compare,
      .options = {generator_option, mean_option, sigma_option, lambda_option, dimensions_option},
      .validate = validate,
  };
}

}  // namespace gpulab::random

// SPDX-License-Identifier: MIT
// Module 6 as the apps see it: its cases, demo, options, tour items and comparison lines.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gpulab/core/format.hpp"
#include "gpulab/dataframe/cases.hpp"
#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_columns.hpp"
#include "gpulab/dataframe/csv_cases.hpp"
#include "gpulab/dataframe/module.hpp"
#include "gpulab/dataframe/options.hpp"

namespace gpulab::dataframe {

namespace {

// The sabotage test's size (check_size): odd, so tails and partial blocks run; large
// enough that every label has rows and groupby_many_keys has 5000 keys.
constexpr std::uint64_t check_rows = 100003;

// Whether the cases are left to the demo: --backend cpu (the steps on the CPU backend, no
// GPU case) or --input (the steps on your file; the cases' generated rows are not yours).
bool demo_only(const run_options& options) {
  return backend_option.text(options) == "cpu" || !input_option.text(options).empty();
}

// One entry per case; demo_only leaves it out.
case_entry entry(std::string name, std::string description,
                 std::function<std::unique_ptr<bench_case>(std::int64_t)> make) {
  return {std::move(name), description + " (--size: rows; default 20M)",
          [make](const run_options& options) {
            std::vector<std::unique_ptr<bench_case>> cases;
            if (demo_only(options)) return cases;
            cases.push_back(make(static_cast<std::int64_t>(options.size.value_or(course_rows))));
            return cases;
          },
          check_rows};
}

std::string rate_line(const case_result& r) {
  std::string line = r.name + ", " + format_fixed(r.gpu.median_ms, 3) + " ms, " +
                     format_fixed(r.gigabytes_per_second(), 0) + " GB/s";
  if (r.percent_of_peak) line += " = " + format_fixed(*r.percent_of_peak, 1) + "% of its ceiling";
  return line;
}

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  for (const char* step : {"column_mean", "column_stats", "row_mean", "derived_column", "cut", "groupby_mean",
                           "pivot_table", "groupby_many_keys"}) {
    const case_result* best = fastest_verified(results, {.operation = step});
    if (best == nullptr) continue;
    std::string line = "fastest " + std::string(step) + ": " + rate_line(*best);
    if (const case_result* atomics = find_verified(results, {.operation = step, .version = "global_atomics"});
        atomics != nullptr && atomics != best) {
      line += "; " + format_significant(atomics->gpu.median_ms / best->gpu.median_ms) +
              "x faster than one global atomic per row";
    }
    if (best->cpu) line += "; " + format_significant(*best->speedup_vs_cpu()) + "x the CPU backend";
    lines.push_back(line);
  }
  // CSV: the rate people quote is text in per second (the course's targets too).
  for (const char* version : {"device_text", "file", "cpu_openmp"}) {
    if (const case_result* r = find_verified(results, {.operation = "csv_read", .version = version})) {
      lines.push_back(r->name + ": " + format_fixed(r->work.bytes_read / (r->gpu.median_ms * 1e-3) / 1e9, 1) +
                      " GB/s of CSV text (" + format_fixed(r->gpu.median_ms, 1) + " ms)");
    }
  }
  return lines;
}

constexpr const char* module_title =
    "gpulab module 6: dataframe, data science on the GPU (the course's cuDF steps, CPU backend beside)";

// Every case, in the course's order: its six steps (the column mean with the one-pass stats
// beside it), groupby at many keys, then reading CSV.
std::vector<case_entry> all_cases() {
  std::vector<case_entry> cases;
  cases.push_back(entry("column_mean", "df.A.mean(): a sum and a count in one pass of 16-byte loads",
                        make_column_mean_case));
  cases.push_back(entry("column_stats",
                        "count, sum, min, max and sum of squares in one pass (what min, max, std read), the same loads",
                        make_column_stats_case));
  cases.push_back(entry("row_mean", "df[['A','B','C']].mean(axis=1): four rows per thread, 16-byte loads and stores",
                        make_row_mean_case));
  cases.push_back(entry("derived_column", "df.eval('D = 2.1*A + 3.5*B'): a kernel compiled at run time by NVRTC",
                        make_derived_column_case));
  cases.push_back(entry("cut", "pd.cut(df.A, [0, .2, .4, .6, .8, 1], labels=c1..c5): right-closed bins",
                        make_cut_case));
  const std::vector<std::pair<groupby_version, std::string>> versions = {
      {groupby_version::global_atomics, "one global atomicAdd per row (the pitfall: 5 keys serialize)"},
      {groupby_version::privatized, "per-thread sums in shared memory, merged once per block"},
      {groupby_version::registers, "per-thread sums in registers (each row visits every group; a pass per value column), merged once per block"},
      {groupby_version::sort_reduce, "CUB radix sort on the keys' 3 bits, then ReduceByKey"},
      {groupby_version::hash, "an open-addressing hash table (for many groups; 5 keys collide)"},
      {groupby_version::thrust, "thrust::sort_by_key + thrust::reduce_by_key (the library one-liners)"},
      {groupby_version::partitioned,
       "rows partitioned by their key's hash, each partition summed in a shared-memory hash table"},
  };
  for (const auto& [v, what] : versions) {
    if (v == groupby_version::partitioned) continue;  // sparse keys only
    cases.push_back(entry(std::string("groupby_mean_") + groupby_version_name(v),
                          "df.groupby('label').A.mean(), 5 labels: " + what,
                          [v](std::int64_t rows) { return make_groupby_mean_case(v, rows); }));
  }
  for (const auto& [v, what] : versions) {
    if (v == groupby_version::partitioned) continue;  // sparse keys only
    cases.push_back(entry(std::string("pivot_table_") + groupby_version_name(v),
                          "df.pivot_table(index='label', values=['A','B','C']), 3 x 5 means: " + what,
                          [v](std::int64_t rows) { return make_pivot_table_case(v, rows); }));
  }
  for (const auto& [v, what] : versions) {
    if (v == groupby_version::global_atomics || v == groupby_version::privatized || v == groupby_version::registers) {
      continue;  // need dense keys
    }
    cases.push_back(entry(std::string("groupby_many_keys_") + groupby_version_name(v),
                          "mean of A by an int64 key, rows / 20 distinct (1M at 20M rows): " + what,
                          [v](std::int64_t rows) { return make_groupby_many_keys_case(v, rows); }));
  }
  // Reading CSV: the GPU parser on text already in device memory, end to end from a file, the CPU reader.
  // (--backend cpu or --input: the demo alone, as for the steps.)
  for (case_entry& e : csv_case_entries()) {
    e.make = [make = std::move(e.make)](const run_options& options) {
      return demo_only(options) ? std::vector<std::unique_ptr<bench_case>>{} : make(options);
    };
    cases.push_back(std::move(e));
  }
  return cases;
}

// Everything the user typed, checked before any GPU work.
void validate(const run_options& options) {
  (void)backend_option.text(options);
  if (options.size && (*options.size < 1 || *options.size > static_cast<std::uint64_t>(max_rows))) {
    throw usage_error("--size: 1.." + std::to_string(max_rows) + " rows (got " + std::to_string(*options.size) + ")");
  }
  const std::string input = input_option.text(options);
  const std::vector<std::string> chosen = input_columns(input, columns_option.text(options), options.size.has_value(),
                                                        "x,y,z (three numeric columns: A, B and C)");
  if (chosen.empty()) return;
  check_three_course_columns(chosen);
  // An unreadable file and a column it lacks are said before a missing GPU (the header alone
  // is read here; the rows, by the demo).
  (void)check_input_header(input, chosen);
}

// --backend cpu needs no GPU: the steps run on the CPU backend, as pandas code does,
// on a machine with or without one (the GPU cases are left out).
std::optional<report> steps_on_cpu(const run_options& options) {
  if (backend_option.text(options) != "cpu") return std::nullopt;
  report out;
  out.title = module_title;
  out.header = host_report_header();
  for (gpulab::table& t : pandas_steps_on_cpu(options).tables) out.tables.push_back(std::move(t));
  return out;
}

}  // namespace

training_module make_module() {
  return {
      .name = "dataframe",
      .title = module_title,
      .demos = {{.name = "pandas_steps",
                 .description = "the six steps through the dataframe API on --backend gpu, cpu or both (side by "
                                "side, the cudf.pandas demo), timed, the pivot table printed as pandas prints it "
                                "(--size: rows; or --input FILE.csv --columns x,y,z: your data)",
                 .run = pandas_steps_demo,
                 .reads_input = true}},
      .cases = all_cases(),
      .tour = {{"column_mean", std::nullopt},
               {"groupby_mean_global_atomics", std::nullopt},
               {"groupby_mean_privatized", std::nullopt},
               {"groupby_mean_registers", std::nullopt},
               {"pivot_table_privatized", std::nullopt},
               {"groupby_many_keys_hash", std::nullopt},
               {"groupby_many_keys_partitioned", std::nullopt},
               {"csv_parse_device_text", std::nullopt}},
      .compare = compare,
      .options = {backend_option, input_option, columns_option},
      .validate = validate,
      .run_without_gpu = steps_on_cpu,
  };
}

}  // namespace gpulab::dataframe

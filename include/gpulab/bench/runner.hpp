// SPDX-License-Identifier: MIT
// The verify-and-time runner and the module description every app is built from.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gpulab/bench/case.hpp"
#include "gpulab/bench/plot.hpp"
#include "gpulab/bench/report.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab {

// Options shared by every module (the command line's common options).
struct run_options {
  std::optional<std::uint64_t> size;  // overrides each case's default size (or sweep)
  int repeat = 20;
  bool repeat_given = false;  // without --repeat, very slow cases are repeated fewer times
  int warm_up = 2;
  int device = 0;
  std::uint64_t seed = 2026;
  std::vector<std::string> selected;  // case/demo names; empty = the module's defaults
  // The module's own options (e.g. random's --generator), by name; a missing one takes its default.
  std::map<std::string, std::string> parameters;
  [[nodiscard]] std::string parameter(const std::string& name, const std::string& fallback) const {
    const auto it = parameters.find(name);
    return it == parameters.end() || it->second.empty() ? fallback : it->second;
  }
};

// Everything a case or demo may need about where it runs.
struct run_context {
  device_info device;
  double measured_copy_gbs = 0;  // device-to-device copy bandwidth measured in this run
  double copy_bytes = 0;         // the size that measurement used
  stream main_stream;
};

struct case_result {
  std::string name;
  std::string size_label;
  double size_value = 0;
  timing_summary gpu;
  std::optional<timing_summary> cpu;
  work_amount work;
  peak_kind peak = peak_kind::device_memory;
  std::optional<double> percent_of_peak;
  bool verified = false;
  std::string verify_detail;
  [[nodiscard]] double gigabytes_per_second() const { return work.bytes / (gpu.median_ms * 1e-3) / 1e9; }
  [[nodiscard]] double gigaflops() const { return work.flops / (gpu.median_ms * 1e-3) / 1e9; }
  [[nodiscard]] double giga_items_per_second() const { return work.items / (gpu.median_ms * 1e-3) / 1e9; }
  [[nodiscard]] std::optional<double> speedup_vs_cpu() const {
    if (!cpu) return std::nullopt;
    return cpu->median_ms / gpu.median_ms;
  }
};

// For a module's comparison lines: the verified result with the shortest median
// time among those `include` accepts, or the verified result of one name; nullptr if none.
const case_result* fastest_verified(const std::vector<case_result>& results,
                                    const std::function<bool(const case_result&)>& include);
const case_result* find_verified(const std::vector<case_result>& results, const std::string& name);

// Runs one case through the protocol (see case.hpp).
case_result run_case(bench_case& c, run_context& ctx, const run_options& options);

// Measures device-to-device cudaMemcpy bandwidth (bytes read + bytes written per
// second) at min(1 GiB, a quarter of free memory): the "peak" of the report.
double measure_device_copy_bandwidth(cuda::stream_ref s, std::size_t bytes);

// Builds the context: selects the device, queries it, measures the copy peak.
run_context make_run_context(const run_options& options, bool measure_peak);

// The table of results; `module_column` adds a first column (used by the tour).
table results_table(const std::vector<case_result>& results, const std::string& title,
                    const std::vector<std::string>& module_column = {});

// The report header: device, memory, peaks, CPU threads.
std::vector<std::pair<std::string, std::string>> report_header(const run_context& ctx);

// ------------------------------------------------------------------ modules
struct demo_output {
  std::vector<table> tables;
  bool verified = true;  // a demo that checks something says whether it held
  std::optional<line_plot> figure;  // drawn by --plot when the module's cases have no figure
};

struct demo_entry {
  std::string name;
  std::string description;
  std::function<demo_output(run_context&, const run_options&)> run;
  bool draws_figure = false;  // its output has a figure for --plot
};

// An option of one module's command (`gpulab random --generator philox`); its
// value reaches the cases through run_options::parameters.
struct module_option {
  std::string name;  // without the dashes
  std::string description;
};

struct case_entry {
  std::string name;
  std::string description;  // says what --size counts for this case
  // One entry may give several cases: a sweep over sizes, unless options.size is set.
  std::function<std::vector<std::unique_ptr<bench_case>>(const run_options&)> make;
};

// One demo or case to run, at a size of its own (or the case's default).
struct run_item {
  std::string name;
  std::optional<std::uint64_t> size;
  std::map<std::string, std::string> parameters = {};  // overrides the command's, e.g. one generator
};

struct training_module {
  std::string name;   // "transfer"
  std::string title;  // "Module 2: moving data between host and device"
  std::vector<demo_entry> demos;
  std::vector<case_entry> cases;
  std::vector<run_item> tour;  // the headline items `gpulab tour` runs
  // Lines under the results table that compare cases with each other.
  std::function<std::vector<std::string>(const std::vector<case_result>&)> compare;
  // The module's figure (e.g. bandwidth versus size), drawn by --plot FILE.png.
  std::function<line_plot(const std::vector<case_result>&)> plot;
  // Options of this module only, and the check of their values (throws usage_error), run before any GPU work.
  std::vector<module_option> options;
  std::function<void(const run_options&)> validate;
};

// Throws usage_error naming the known cases when a selected name is unknown.
void validate_selection(const training_module& m, const std::vector<std::string>& selected);

struct module_run {
  report output;
  std::vector<case_result> results;
  bool all_verified = true;
  std::optional<line_plot> figure;  // the module's plot of the results, or a demo's figure
};

// Whether --plot has something to draw for this selection (before running anything).
bool can_plot(const training_module& m, const std::vector<std::string>& selected);

// Runs the selected demos and cases of a module (all of them when none is
// selected) and reports them: header, demo tables, the results table.
module_run run_module(const training_module& m, const run_options& options, run_context& ctx);

// Runs the given items in order; output holds only the demos' tables (the
// caller reports the results, as the tour does across modules).
module_run run_module_items(const training_module& m, const std::vector<run_item>& items,
                            const run_options& options, run_context& ctx);

}  // namespace gpulab

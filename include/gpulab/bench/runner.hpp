// SPDX-License-Identifier: MIT
// The verify-and-time runner and the module description every app is built from.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gpulab/bench/case.hpp"
#include "gpulab/bench/plot.hpp"
#include "gpulab/bench/report.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/resources.hpp"

namespace gpulab {

// Options shared by every module (the command line's common options).
// --cpu: whether the CPU reference runs (and is timed as the baseline).
enum class cpu_mode {
  automatic,  // on, unless a case's estimated CPU time is past cpu_budget_seconds and it has a scalable check
  on,         // always (a slow reference is timed once)
  off,        // never where a scalable check exists; other cases compute their reference once, untimed
};

struct run_options {
  std::optional<std::uint64_t> size;  // overrides each case's default size (or sweep)
  int repeat = 20;
  bool repeat_given = false;  // without --repeat, very slow cases are repeated fewer times
  int warm_up = 2;
  int device = 0;
  std::uint64_t seed = 2026;
  cpu_mode cpu = cpu_mode::automatic;
  double cpu_budget_seconds = 10;
  std::vector<std::string> selected;  // case/demo names; empty = the module's defaults
  // The module's own options (e.g. random's --generator) as typed, by name; a missing
  // one takes its default. Read them through their module_option (below), which
  // parses and checks them: the one parser, also behind the command line's check.
  std::map<std::string, std::string> parameters;
};

// Everything a case or demo may need about where it runs is in its device's
// `resources` (core/resources.hpp): device facts, stream, measured ceilings, handles.

struct case_result {
  std::string name;
  std::string module;  // the module id ("custom"), set when a module runs the case
  case_parameters parameters;  // operation, version, element type (case.hpp)
  std::string size_label;
  double size_value = 0;
  timing_summary gpu;
  std::optional<timing_summary> cpu;
  work_amount work;
  peak_kind peak = peak_kind::device_memory;
  std::optional<double> percent_of_peak;
  double ceiling_gbs = 0;  // the ceiling % peak is of (its mix's, or the link's); 0 when none
  bool verified = false;
  std::string verify_detail;
  std::string check;  // which check ran ("vs CPU", "Freivalds", ...), and why the CPU was skipped if it was
  // A case that could not run (out of memory, a CUDA error): the error and its exit code;
  // the report keeps the row, the run goes on where it safely can.
  std::optional<std::string> error;
  exit_code error_code = exit_code::ok;
  [[nodiscard]] double gigabytes_per_second() const { return work.bytes() / (gpu.median_ms * 1e-3) / 1e9; }
  [[nodiscard]] double gigaflops() const { return work.flops / (gpu.median_ms * 1e-3) / 1e9; }
  [[nodiscard]] double giga_items_per_second() const { return work.items / (gpu.median_ms * 1e-3) / 1e9; }
  [[nodiscard]] std::optional<double> speedup_vs_cpu() const {
    if (!cpu) return std::nullopt;
    return cpu->median_ms / gpu.median_ms;
  }
};

// Which results a comparison line is about, by their fields: every field that
// is set must match, empty ones match anything. For example every verified sum
// but CUB's: {.operation = "sum", .exclude_version = "cub"} (the = {} below let a
// filter name only the fields it needs).
struct result_filter {
  std::string module = {};
  std::string operation = {};
  std::string version = {};
  std::string element_type = {};
  std::string exclude_version = {};  // any version but this one
  std::optional<double> size_value = {};
};
[[nodiscard]] bool matches(const case_result& r, const result_filter& filter);

// For a module's comparison lines: the verified result with the shortest median
// time among those the filter (or the predicate) accepts; nullptr if none.
const case_result* fastest_verified(const std::vector<case_result>& results, const result_filter& filter);
const case_result* fastest_verified(const std::vector<case_result>& results,
                                    const std::function<bool(const case_result&)>& include);
// One case by its fields (operation and version, say): the verified match of the
// largest size (a sweep's last, where there are several); nullptr if none.
const case_result* find_verified(const std::vector<case_result>& results, const result_filter& filter);

// Runs one case through the protocol (see case.hpp) on the device of `res`, on its stream.
// A row faster than its ceiling allows (above ceiling_tolerance x the ceiling) fails
// verification: either the check or the declared work is wrong.
case_result run_case(bench_case& c, resources& res, const run_options& options);
inline constexpr double ceiling_tolerance = 1.05;

// Fills every output of `c` with 0xFF bytes (NaN floats, all-ones integers); host
// outputs after the stream is idle. The runner does this before every GPU run.
void poison_outputs(bench_case& c, cuda::stream_ref s);

// Measures device-to-device cudaMemcpy bandwidth (bytes read + bytes written per
// second): the copy ceiling.
double measure_device_copy_bandwidth(cuda::stream_ref s, std::size_t bytes);
// Measures the copy, read and write ceilings of the device of `res` at
// min(1 GiB, a quarter of free memory) and keeps them there.
void measure_ceilings(resources& res);

// Selects --device, makes its resources and (measure_peak) measures its ceilings.
resources make_resources(const run_options& options, bool measure_peak);

// The table of results; `module_column` adds a first column (used by the tour).
// JSON and CSV also get each result's fields (module, operation, version,
// element type) as the last columns; the text table leaves them out.
table results_table(const std::vector<case_result>& results, const std::string& title,
                    const std::vector<std::string>& module_column = {});

// The report header: device, memory, peaks, CPU threads.
std::vector<std::pair<std::string, std::string>> report_header(const resources& res);
// The header of a run that uses no GPU: the CPU and its threads.
std::vector<std::pair<std::string, std::string>> host_report_header();

// ------------------------------------------------------------------ modules
struct demo_output {
  std::vector<table> tables;
  bool verified = true;  // a demo that checks something says whether it held
  std::optional<line_plot> figure;  // drawn by --plot when the module's cases have no figure
};

struct demo_entry {
  std::string name;
  std::string description;
  std::function<demo_output(resources&, const run_options&)> run;
  bool draws_figure = false;  // its output has a figure for --plot
  // Whether it runs on --input FILE (modules 6 and 7) when one is given. One that does not
  // makes data of its own: with --input it is left out of a run of all, and refused when
  // named, so that no report shows generated data under a file's name.
  bool reads_input = false;
};

// An option of one module's command (`gpulab random --generator philox`), typed.
// The command line refuses a bad value while parsing, before any GPU work (CLI11
// runs problem() as the option's validator); the module reads the value with the
// accessor of its kind, which parses it the same way. The value travels as typed
// in run_options::parameters, so this library needs no CLI11.
enum class option_kind {
  integer,      // a whole number in [min, max]
  real,         // a finite number in [min, max], or in (min, max] when min_exclusive
  real_pair,    // "RE,IM": two finite numbers (a complex constant)
  choice,       // one of `choices`
  choice_list,  // "all", or a comma-separated list of `choices`
  text,         // any text but the empty one (an expression, a file name)
};

struct module_option {
  std::string name;         // without the dashes
  std::string description;  // says which cases or demos read it
  option_kind kind = option_kind::text;
  std::string default_value = {};  // as typed; "" only for a text option that is off unless given
  double min = -std::numeric_limits<double>::infinity();  // integer and real
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;               // real: the value must be > min
  std::vector<std::string> choices = {};    // choice and choice_list
  std::string placeholder = {};             // for --help ("FILE.png"); else made from the kind

  // Why `value` is not a valid value ("" when it is), without the option's name.
  [[nodiscard]] std::string problem(std::string_view value) const;
  // Throws usage_error "--name: why" when `value` is not valid.
  void check(std::string_view value) const;
  // The value's shape for --help: "INT in 1..255", "NUMBER > 0", "julia|mandelbrot", ...
  [[nodiscard]] std::string type_name() const;
  // The value given in `options`, else the default, checked (throws usage_error).
  [[nodiscard]] std::string text(const run_options& options) const;  // text and choice
  [[nodiscard]] std::int64_t integer(const run_options& options) const;
  [[nodiscard]] double real(const run_options& options) const;
  [[nodiscard]] std::pair<double, double> real_pair(const run_options& options) const;
  [[nodiscard]] std::vector<std::string> list(const run_options& options) const;  // "all": every choice
};

// What makes the cases of an entry from the command's options.
using case_maker = std::function<std::vector<std::unique_ptr<bench_case>>(const run_options&)>;

struct case_entry {
  std::string name;
  std::string description;  // says what --size counts for this case
  // One entry may give several cases: a sweep over sizes, unless options.size is set.
  case_maker make;
  // A small, odd --size at which the sabotage test (tests/course) checks that the
  // case's verification rejects a wrong output: quick, and not a power of two, so
  // that tails and partial blocks are exercised.
  std::uint64_t check_size = 0;
  // More option sets the sabotage test checks the case at (also at check_size), each named
  // by a suffix of the test: where other options reach another kernel of the same case.
  struct check_variant {
    std::string suffix;                         // e.g. "_k64"
    std::map<std::string, std::string> options;  // e.g. {{"clusters", "64"}, {"features", "32"}}
  };
  std::vector<check_variant> check_variants = {};
};

// Most entries make exactly one case (at --size, or the case's default): they
// say how to make that case, and one_case() turns it into case_entry::make.
//   {"scale_by_two", "...", one_case([](const run_options& o) { return make_scale(o.size.value_or(n)); }), 100003}
case_maker one_case(std::function<std::unique_ptr<bench_case>(const run_options&)> make);

// One demo or case to run, at a size of its own (or the case's default).
struct run_item {
  std::string name;
  std::optional<std::uint64_t> size;
  std::map<std::string, std::string> parameters = {};  // overrides the command's, e.g. one generator
};

// A module as the apps see it. Every module's make_module() returns one with
// designated initializers, naming only the fields it has, in this order (the
// = {} let it leave the others out), so module.cpp holds what differs and no scaffolding:
//   return {.name = "transfer", .title = "...", .cases = {...}, .tour = {...}, .compare = compare};
struct training_module {
  std::string name = {};  // the module id, "transfer": the same in every layer (folders, namespace, target, command)
  std::vector<std::string> aliases = {};  // other names its command answers to (module 5 was `kernels`)
  std::string title = {};  // "gpulab module 2: moving data between host and device"
  std::vector<demo_entry> demos = {};
  std::vector<case_entry> cases = {};
  std::vector<run_item> tour = {};  // the headline items `gpulab tour` runs
  // Lines under the results table that compare cases with each other.
  std::function<std::vector<std::string>(const std::vector<case_result>&)> compare = {};
  // The module's figure (e.g. bandwidth versus size), drawn by --plot FILE.svg.
  std::function<line_plot(const std::vector<case_result>&)> plot = {};
  // Options of this module only, and the check of their values (throws usage_error), run before any GPU work.
  std::vector<module_option> options = {};
  std::function<void(const run_options&)> validate = {};
  // A selection that needs no GPU (module 6's --backend cpu: the pandas steps on
  // the CPU, as pandas runs them) is run here, before any device is touched, so it
  // works on a machine without one: the report, or std::nullopt when the selection
  // needs the GPU after all. Empty: every selection needs the GPU.
  std::function<std::optional<report>(const run_options&)> run_without_gpu = {};
};

// Throws usage_error naming the known cases when a selected name is unknown.
void validate_selection(const training_module& m, const std::vector<std::string>& selected);
// The same, and with --input (options.parameters["input"]) a named demo that does not read it
// (demo_entry::reads_input) is refused too.
void validate_selection(const training_module& m, const run_options& options);

// What a module command runs, in the module's order (demos first), each at --size: the
// selected demos and cases, or all of them (with --input, the demos that read it).
std::vector<run_item> selected_items(const training_module& m, const run_options& options);

struct module_run {
  report output;
  std::vector<case_result> results;
  bool all_verified = true;
  exit_code worst = exit_code::ok;  // the worst case's exit code (a failed check is verification_failed)
  bool stopped = false;             // a CUDA or internal error ended the run: later cases did not run
  std::optional<line_plot> figure;  // the module's plot of the results, or a demo's figure
};

// Whether --plot has something to draw for this selection (before running anything).
bool can_plot(const training_module& m, const std::vector<std::string>& selected);

// Runs the selected demos and cases of a module (all of them when none is
// selected) and reports them: header, demo tables, the results table.
module_run run_module(const training_module& m, const run_options& options, resources& res);
// run_module in its two steps, for a caller that checks the options before any GPU work
// (the CLI): validate_run throws usage_error for a bad selection and what the module's
// validate refuses; run_validated_module then runs, without checking (or reading --input) again.
void validate_run(const training_module& m, const run_options& options);
module_run run_validated_module(const training_module& m, const run_options& options, resources& res);

// Runs the given items in order; output holds only the demos' tables (the
// caller reports the results, as the tour does across modules). A case that fails
// keeps its row (error and exit code) and the run goes on; so does an entry whose
// cases cannot be made (an --input that one version refuses), unless nothing has run
// yet: then its error is the command's, thrown.
module_run run_module_items(const training_module& m, const std::vector<run_item>& items,
                            const run_options& options, resources& res);

}  // namespace gpulab

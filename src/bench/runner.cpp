// SPDX-License-Identifier: MIT
#include "gpulab/bench/runner.hpp"

#include <nvtx3/nvtx3.hpp>
#include <omp.h>

#include <algorithm>
#include <ctime>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <string_view>

#include "gpulab/bench/ceilings.hpp"
#include "gpulab/bench/l2_flush.hpp"
#include "gpulab/bench/progress.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/host_memory.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"

namespace gpulab {

namespace {

// NVTX ranges around each phase of each case (setup, cpu, verify, timed), so
// `nsys profile gpulab transfer` shows where the time goes; in their own
// "gpulab" domain on the timeline. They cost nothing when no profiler is attached.
struct nvtx_domain {
  static constexpr const char* name{"gpulab"};
};
using nvtx_range = nvtx3::scoped_range_in<nvtx_domain>;

constexpr double target_timing_ms = 2000.0;  // without --repeat, a case gets about this much timed work

double host_ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

}  // namespace

void poison_outputs(bench_case& c, cuda::stream_ref s) {
  bool host_outputs = false;
  for (const output_region& out : c.outputs()) {
    if (out.on_host) {
      host_outputs = true;
    } else {
      GPULAB_CUDA_TRY(cudaMemsetAsync(out.data, 0xFF, out.bytes(), s.get()));
    }
  }
  if (!host_outputs) return;
  synchronize(s);  // the GPU may still be writing them
  for (const output_region& out : c.outputs()) {
    if (out.on_host) std::memset(out.data, 0xFF, out.bytes());
  }
}

namespace {

// The CPU part of the protocol: the reference (timed as the baseline when the
// case has one), or the case's scalable check when --cpu says to skip it.
// Returns why the CPU was skipped ("" when it ran).
std::string run_cpu_part(bench_case& c, const run_options& options, case_result& result) {
  const double estimate_s = c.estimated_cpu_seconds();
  const bool skip = c.has_scalable_check() &&
                    (options.cpu == cpu_mode::off ||
                     (options.cpu == cpu_mode::automatic && estimate_s > options.cpu_budget_seconds));
  if (skip) {
    c.use_scalable_check();
    return options.cpu == cpu_mode::off ? "CPU off"
                                        : "CPU skipped: about " + format_significant(estimate_s) + " s > " +
                                              format_fixed(options.cpu_budget_seconds, 0) + " s budget";
  }
  const bool timed = c.has_cpu_baseline() && options.cpu != cpu_mode::off;
  if (estimate_s > 2) progress(c.name() + ": CPU reference, about " + format_significant(estimate_s) + " s");
  std::vector<double> cpu_times;
  for (int i = 0; i < (timed ? 3 : 1); ++i) {
    const auto start = std::chrono::steady_clock::now();
    c.run_cpu();
    cpu_times.push_back(host_ms_since(start));
    if (cpu_times.back() > 1000.0) break;  // a slow baseline is timed once
  }
  if (timed) result.cpu = summarize(cpu_times);
  return "";
}

// % peak against the ceiling of the case's own mix; a row past the ceiling fails.
void compare_with_ceiling(const resources& res, case_result& result) {
  switch (result.peak) {
    case peak_kind::device_memory:
      result.ceiling_gbs = res.ceilings().ceiling_gbs(result.work.bytes_read, result.work.bytes_written);
      break;
    case peak_kind::host_link:
      if (res.device().host_link) result.ceiling_gbs = res.device().host_link->gigabytes_per_second;
      break;
    case peak_kind::none: break;
  }
  if (result.ceiling_gbs <= 0 || result.work.bytes() <= 0) return;
  result.percent_of_peak = 100.0 * result.gigabytes_per_second() / result.ceiling_gbs;
  if (*result.percent_of_peak > 100.0 * ceiling_tolerance && result.verified) {
    result.verified = false;
    result.verify_detail = format_fixed(*result.percent_of_peak, 1) + "% of its ceiling (" +
                           format_fixed(result.ceiling_gbs, 0) +
                           " GB/s): faster than the hardware allows, so the check or the declared bytes are wrong";
  }
}

// What a case says about itself: the row's fields before anything runs.
case_result describe(const bench_case& c) {
  case_result r;
  r.name = c.name();
  r.parameters = c.parameters();
  r.size_label = c.size_label();
  r.size_value = c.size_value();
  r.work = c.work();
  r.peak = c.peak();
  return r;
}

}  // namespace

case_result run_case(bench_case& c, resources& res, const run_options& options) {
  const scoped_device on(res.device_index());  // the case's buffers and kernels belong to its device
  cuda::stream_ref s = res.stream();
  case_result result = describe(c);

  const std::string what = "case " + c.name() + " at size " + c.size_label();
  require_device_memory(c.device_bytes_needed(), what);
  require_host_memory(c.host_bytes_needed(), what);
  {
    nvtx_range range(c.name() + " setup");
    progress(c.name() + ": setup");
    c.attach(res);
    c.setup(options.seed, s);
    synchronize(s);
  }
  std::string cpu_skipped;
  {
    nvtx_range range(c.name() + " cpu");
    cpu_skipped = run_cpu_part(c, options, result);
  }

  // First GPU run on poisoned outputs, then verify.
  {
    nvtx_range range(c.name() + " verify");
    progress(c.name() + ": first run and check");
    poison_outputs(c, s);
    c.run_gpu(s);
    synchronize(s);
    const verification first = c.verify(s);
    result.verified = first.passed;
    result.verify_detail = first.detail;
    result.check = first.check;
  }

  // Reading a buffer twice the L2 size evicts the case's data from L2 (l2_flush.hpp says why a read).
  l2_flusher l2(c.flush_l2() ? res.device().l2_cache_bytes : 0, s);
  // Before every repeat, outside the timed region: poison the outputs (a version
  // that writes only on its first call fails the re-check), then flush L2.
  auto before_each = [&] {
    poison_outputs(c, s);
    l2.flush(s);
    c.before_repeat(s);
  };

  // Warm-up (also estimates the run time), then the timed repeats.
  {
    nvtx_range range(c.name() + " timed");
    const auto warm = time_on_stream(s, 0, std::max(1, options.warm_up), [&] { c.run_gpu(s); }, before_each);
    const double estimate_ms = std::max(1e-3, summarize(warm).min_ms);
    int repeats = options.repeat;
    if (!options.repeat_given) repeats = std::clamp(static_cast<int>(target_timing_ms / estimate_ms), 3, options.repeat);
    progress(c.name() + ": timing " + std::to_string(repeats) + " repeats, about " +
             format_significant(repeats * estimate_ms / 1e3) + " s left");
    result.gpu = summarize(time_on_stream(s, 0, repeats, [&] { c.run_gpu(s); }, before_each));
  }

  // Re-verify what the last timed run left: catches state that leaks between runs.
  {
    nvtx_range range(c.name() + " re-verify");
    synchronize(s);
    const verification again = c.verify(s);
    if (!again.passed && result.verified) {
      result.verified = false;
      result.verify_detail = "after timing: " + again.detail;
    }
  }
  if (!cpu_skipped.empty()) result.check += " (" + cpu_skipped + ")";
  compare_with_ceiling(res, result);
  return result;
}

bool matches(const case_result& r, const result_filter& filter) {
  const auto same = [](const std::string& wanted, const std::string& value) {
    return wanted.empty() || wanted == value;
  };
  return same(filter.module, r.module) && same(filter.operation, r.parameters.operation) &&
         same(filter.version, r.parameters.version) && same(filter.element_type, r.parameters.element_type) &&
         (filter.exclude_version.empty() || r.parameters.version != filter.exclude_version) &&
         (!filter.size_value || *filter.size_value == r.size_value);
}

const case_result* fastest_verified(const std::vector<case_result>& results,
                                    const std::function<bool(const case_result&)>& include) {
  const case_result* fastest = nullptr;
  for (const case_result& r : results) {
    if (!r.verified || !include(r)) continue;
    if (fastest == nullptr || r.gpu.median_ms < fastest->gpu.median_ms) fastest = &r;
  }
  return fastest;
}

const case_result* fastest_verified(const std::vector<case_result>& results, const result_filter& filter) {
  return fastest_verified(results, [&](const case_result& r) { return matches(r, filter); });
}

const case_result* find_verified(const std::vector<case_result>& results, const result_filter& filter) {
  const case_result* found = nullptr;
  for (const case_result& r : results) {
    if (!r.verified || !matches(r, filter)) continue;
    if (found == nullptr || r.size_value >= found->size_value) found = &r;
  }
  return found;
}

void measure_ceilings(resources& res) {
  const scoped_device on(res.device_index());
  nvtx_range range("measure the memory ceilings");
  // Two buffers of this size: at most half of what is free.
  const std::size_t bytes = std::min<std::size_t>(std::size_t{1} << 30, device_memory_info().free_bytes / 4);
  res.set_ceilings(measure_memory_ceilings(res.stream(), bytes));
}

resources make_resources(const run_options& options, bool measure_peak) {
  select_device(options.device);  // the rest of the program runs there
  resources res(options.device);
  if (measure_peak) measure_ceilings(res);
  return res;
}

std::vector<std::pair<std::string, std::string>> report_header(const resources& res) {
  const device_info& d = res.device();
  std::vector<std::pair<std::string, std::string>> header;
  header.emplace_back("device", std::to_string(d.index) + ": " + d.name + " (compute capability " +
                                    d.compute_capability() + ", " + std::to_string(d.multiprocessors) + " SMs, " +
                                    format_bytes(d.global_memory_bytes) + ")");
  const memory_ceilings& ceilings = res.ceilings();
  if (ceilings.copy_gbs > 0) {
    header.emplace_back("memory ceilings", "copy " + format_fixed(ceilings.copy_gbs, 0) + ", read " +
                                               format_fixed(ceilings.read_gbs, 0) + ", write " +
                                               format_fixed(ceilings.write_gbs, 0) + " GB/s measured (" +
                                               format_bytes(ceilings.bytes) + " each); " +
                                               format_fixed(d.theoretical_bandwidth_gbs(), 0) +
                                               " GB/s theoretical (2 x memory clock x bus width)");
  }
  if (d.fp32_units_per_sm > 0) {
    header.emplace_back("peak FP32/FP64", format_fixed(d.peak_fp32_gflops() / 1e3, 1) + " / " +
                                              format_fixed(d.peak_fp64_gflops() / 1e3, 1) +
                                              " TFLOP/s theoretical (CUDA cores, boost clock)");
  }
  header.emplace_back("host link", d.host_link ? d.host_link->description + ", " +
                                                     format_fixed(d.host_link->gigabytes_per_second, 1) +
                                                     " GB/s per direction theoretical"
                                               : "unknown (the OS does not report the PCIe link)");
  for (auto& line : host_report_header()) header.push_back(std::move(line));
  return header;
}

std::vector<std::pair<std::string, std::string>> host_report_header() {
  // The date says when a saved report (slides/reports/) was measured: decks quote it.
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &utc);
  return {{"CPU baseline", cpu_model() + ", " + std::to_string(omp_get_max_threads()) + " OpenMP threads, -O3"},
          {"date", date}};
}

table results_table(const std::vector<case_result>& results, const std::string& title,
                    const std::vector<std::string>& module_column) {
  table t;
  t.title = title;
  if (!module_column.empty()) t.columns.push_back("module");
  const bool with_items = std::any_of(results.begin(), results.end(), [](const case_result& r) { return r.work.items > 0; });
  for (const char* name : {"case", "size", "median ms", "min ms", "max ms", "GB/s", "GFLOP/s", "G items/s", "% peak",
                           "CPU ms", "speed-up", "check", "verified"}) {
    if (std::string_view(name) == "G items/s" && !with_items) continue;
    t.columns.emplace_back(name);
  }
  auto number = [](double value, int decimals) { return cell(format_fixed(value, decimals), value); };
  auto maybe = [](std::optional<double> value, auto&& make) { return value ? make(*value) : cell("-"); };
  for (std::size_t i = 0; i < results.size(); ++i) {
    const case_result& r = results[i];
    std::vector<cell> row;
    if (!module_column.empty()) row.emplace_back(module_column[i]);
    row.emplace_back(r.name);
    row.emplace_back(r.size_label, r.size_value);
    const bool ran = !r.error;  // a case that could not run keeps its row: dashes, then the error
    const cell dash("-");
    row.push_back(ran ? number(r.gpu.median_ms, 4) : dash);
    row.push_back(ran ? number(r.gpu.min_ms, 4) : dash);
    row.push_back(ran ? number(r.gpu.max_ms, 4) : dash);
    row.push_back(ran && r.work.bytes() > 0 ? number(r.gigabytes_per_second(), 1) : dash);
    row.push_back(ran && r.work.flops > 0 ? number(r.gigaflops(), 1) : dash);
    if (with_items) row.push_back(ran && r.work.items > 0 ? number(r.giga_items_per_second(), 1) : dash);
    row.push_back(maybe(r.percent_of_peak, [&](double v) { return number(v, 1); }));
    row.push_back(maybe(r.cpu ? std::optional<double>(r.cpu->median_ms) : std::nullopt,
                        [&](double v) { return number(v, 3); }));
    row.push_back(maybe(r.speedup_vs_cpu(), [&](double v) { return cell(format_significant(v) + "x", v); }));
    row.emplace_back(r.check.empty() ? "-" : r.check);
    row.emplace_back(r.error ? "ERROR: " + *r.error : r.verified ? "yes" : "NO: " + r.verify_detail);
    // The fields, for scripts (JSON and CSV only; the tour's module is its first column).
    if (module_column.empty()) row.emplace_back(r.module);
    row.emplace_back(r.parameters.operation);
    row.emplace_back(r.parameters.version);
    row.emplace_back(r.parameters.element_type);
    t.rows.push_back(std::move(row));
  }
  const std::vector<std::string> fields = module_column.empty()
                                              ? std::vector<std::string>{"module", "operation", "version", "element type"}
                                              : std::vector<std::string>{"operation", "version", "element type"};
  t.columns.insert(t.columns.end(), fields.begin(), fields.end());
  t.data_only_columns = fields.size();
  t.notes.push_back("time: CUDA events, median of the timed repeats after warm-up, L2 flushed before each repeat;"
                    " GB/s = bytes the case must move / median time");
  t.notes.push_back("% peak: of the measured ceiling of the case's own mix of reads and writes (device-memory"
                    " cases) or of the PCIe link (host<->device transfers); above " +
                    format_fixed(100.0 * ceiling_tolerance, 0) + "% fails the row");
  if (with_items) t.notes.push_back("G items/s: billions of random numbers or darts per second (see each case's size)");
  return t;
}

case_maker one_case(std::function<std::unique_ptr<bench_case>(const run_options&)> make) {
  return [make = std::move(make)](const run_options& options) {
    std::vector<std::unique_ptr<bench_case>> cases;
    cases.push_back(make(options));
    return cases;
  };
}

void validate_selection(const training_module& m, const std::vector<std::string>& selected) {
  for (const std::string& name : selected) {
    const bool known = std::any_of(m.demos.begin(), m.demos.end(), [&](const demo_entry& d) { return d.name == name; }) ||
                       std::any_of(m.cases.begin(), m.cases.end(), [&](const case_entry& c) { return c.name == name; });
    if (!known) {
      std::string names;
      for (const auto& d : m.demos) names += (names.empty() ? "" : ", ") + d.name;
      for (const auto& c : m.cases) names += (names.empty() ? "" : ", ") + c.name;
      throw usage_error("unknown case '" + name + "' for module " + m.name + " (known: " + names + ")");
    }
  }
}

namespace {

bool has_input(const run_options& options) { return options.parameters.count("input") > 0; }

}  // namespace

void validate_selection(const training_module& m, const run_options& options) {
  validate_selection(m, options.selected);
  if (!has_input(options)) return;
  for (const std::string& name : options.selected) {
    for (const demo_entry& demo : m.demos) {
      if (demo.name == name && !demo.reads_input) {
        throw usage_error(name + " is a demo on data of its own: --input applies to the cases (run the demo without it)");
      }
    }
  }
}

std::vector<run_item> selected_items(const training_module& m, const run_options& options) {
  const std::set<std::string> chosen(options.selected.begin(), options.selected.end());
  std::vector<run_item> items;
  for (const demo_entry& demo : m.demos) {
    const bool in_a_run_of_all = demo.reads_input || !has_input(options);
    if (chosen.empty() ? in_a_run_of_all : chosen.count(demo.name) > 0) items.push_back({demo.name, options.size});
  }
  for (const case_entry& entry : m.cases) {
    if (chosen.empty() || chosen.count(entry.name) > 0) items.push_back({entry.name, options.size});
  }
  return items;
}

namespace {

// A row that holds an error instead of a measurement, said at once on stderr.
case_result error_row(case_result r, const std::string& what, exit_code code) {
  r.error = what;
  r.error_code = code;
  progress_clear();
  std::cerr << "gpulab: error: case " << r.name << " (" << r.size_label << "): " << what << "\n";
  return r;
}

// One case, its failure included: an error (out of memory, a CUDA error) becomes
// the row's error and exit code, so the report keeps every row before it.
case_result run_case_keeping_errors(bench_case& c, resources& res, const run_options& options) {
  try {
    return run_case(c, res, options);
  } catch (const error& e) {
    return error_row(describe(c), e.what(), e.code());
  } catch (const std::exception& e) {
    return error_row(describe(c), std::string("internal error: ") + e.what(), exit_code::internal);
  }
}

// On a terminal, a long run prints each row as its case finishes (above the progress line).
void progress_row(const case_result& r) {
  std::string line = r.name + " (" + r.size_label + "): ";
  if (r.error) {
    line += "ERROR";
  } else {
    line += format_fixed(r.gpu.median_ms, 4) + " ms";
    if (r.percent_of_peak) line += ", " + format_fixed(*r.percent_of_peak, 1) + "% peak";
    line += r.verified ? ", verified" : ", NOT verified";
  }
  progress_line_done(line);
}

}  // namespace

module_run run_module_items(const training_module& m, const std::vector<run_item>& items,
                            const run_options& options, resources& res) {
  module_run run;
  const auto record = [&](case_result r) {  // every row, made or not, measured or failed
    r.module = m.name;
    run.all_verified = run.all_verified && r.verified;
    const exit_code code = r.error ? r.error_code : r.verified ? exit_code::ok : exit_code::verification_failed;
    run.worst = std::max(run.worst, code);
    // After a CUDA error the context may be broken, after an internal one anything may be: stop there.
    run.stopped = code == exit_code::cuda || code == exit_code::internal;
    progress_row(r);
    run.results.push_back(std::move(r));
  };
  for (const run_item& item : items) {
    run_options item_options = options;
    item_options.size = item.size;
    for (const auto& [key, value] : item.parameters) item_options.parameters[key] = value;
    for (const demo_entry& demo : m.demos) {
      if (demo.name != item.name) continue;
      nvtx_range range("demo " + demo.name);
      demo_output out = demo.run(res, item_options);
      run.all_verified = run.all_verified && out.verified;
      if (out.figure && !run.figure) run.figure = std::move(out.figure);
      for (table& t : out.tables) run.output.tables.push_back(std::move(t));
    }
    for (const case_entry& entry : m.cases) {
      if (entry.name != item.name || run.stopped) continue;
      std::vector<std::unique_ptr<bench_case>> made;
      try {
        made = entry.make(item_options);  // may read --input, and refuse what this version cannot take
      } catch (const error& e) {
        // Before anything ran, the command's error (one line); after, this entry's error row,
        // so that what ran before it is still reported.
        if (run.results.empty() && run.output.tables.empty()) throw;
        case_result unmade;
        unmade.name = entry.name;
        unmade.size_label = "-";
        record(error_row(std::move(unmade), e.what(), e.code()));
        continue;
      }
      for (auto& c : made) {
        record(run_case_keeping_errors(*c, res, item_options));
        if (run.stopped) break;
      }
    }
  }
  return run;
}

void validate_run(const training_module& m, const run_options& options) {
  validate_selection(m, options);
  if (m.validate) m.validate(options);
}

module_run run_module(const training_module& m, const run_options& options, resources& res) {
  validate_run(m, options);
  return run_validated_module(m, options, res);
}

module_run run_validated_module(const training_module& m, const run_options& options, resources& res) {
  module_run run = run_module_items(m, selected_items(m, options), options, res);
  run.output.title = m.title;
  run.output.header = report_header(res);
  if (!run.results.empty()) {
    table t = results_table(run.results, "Verified and timed cases");
    if (m.compare) {
      for (std::string& line : m.compare(run.results)) t.notes.push_back(std::move(line));
    }
    run.output.tables.push_back(std::move(t));
    if (m.plot) run.figure = m.plot(run.results);
  }
  return run;
}

bool can_plot(const training_module& m, const std::vector<std::string>& selected) {
  const std::set<std::string> chosen(selected.begin(), selected.end());
  const bool cases_chosen = chosen.empty() || std::any_of(m.cases.begin(), m.cases.end(), [&](const case_entry& c) {
                              return chosen.count(c.name) > 0;
                            });
  if (m.plot && cases_chosen) return true;
  return std::any_of(m.demos.begin(), m.demos.end(), [&](const demo_entry& d) {
    return d.draws_figure && (chosen.empty() || chosen.count(d.name) > 0);
  });
}

}  // namespace gpulab

// SPDX-License-Identifier: MIT
// The runner's own commands: `gpulab list`, `tour`, `plot`, `check` and the module
// commands, which need every module of the course (gpulab::course). The module apps
// (gpulab-<id>) link cli.cpp and their one module only: a module without cuBLAS starts
// in milliseconds, where a program linking cuBLAS spends ~0.5 s loading it.
#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <system_error>

#include "cli.hpp"
#include "cli_parts.hpp"
#include "gpulab/bench/atomic_file.hpp"
#include "gpulab/bench/progress.hpp"
#include "gpulab/bench/saved_report.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/course.hpp"
#include "gpulab/exercises/catalog.hpp"

namespace gpulab::cli {

int run_tour(const common_options& o, bool repeat_given, const std::string& only_module) {
  run_options options = to_run_options(o, repeat_given);
  const output_format format = parse_output_format(o.format);
  require_atomically_writable(o.output);

  progress_start();
  resources ctx = make_resources(options, true);
  report out;
  out.title = only_module.empty() ? "gpulab tour: every module's headline demo, verified and timed"
                                  : "gpulab tour of module " + only_module + ": its headline demo, verified and timed";
  out.header = report_header(ctx);
  std::vector<case_result> results;
  std::vector<std::string> module_of;
  std::vector<std::string> notes;
  module_run all;  // the tour's verdict over every module
  for (const training_module& m : all_modules()) {
    if (all.stopped) break;
    if (!only_module.empty() && m.name != only_module) continue;  // --module: one module's stop of the tour
    module_run run = run_module_items(m, m.tour, options, ctx);
    all.all_verified = all.all_verified && run.all_verified;
    all.worst = std::max(all.worst, run.worst);
    all.stopped = run.stopped;
    for (table& t : run.output.tables) out.tables.push_back(std::move(t));
    if (m.compare) {
      for (std::string& line : m.compare(run.results)) notes.push_back(m.name + ": " + line);
    }
    for (case_result& r : run.results) {
      results.push_back(std::move(r));
      module_of.push_back(m.name);
    }
  }
  table summary = results_table(results, "Tour: headline results", module_of);
  for (std::string& line : notes) summary.notes.push_back(std::move(line));
  out.tables.push_back(std::move(summary));
  progress_clear();
  add_kit_line(out);
  write_report_file(o.output, out, format);
  return exit_for(all);
}

int run_plot(const std::string& report_path, const std::string& figure_path) {
  require_atomically_writable(figure_path);
  const saved_report saved = read_saved_report(report_path);
  // The report's modules, in order; the one of them that draws a figure (today: transfer,
  // bandwidth versus size). find_module's modules live for the whole program.
  std::vector<std::string> modules;
  const training_module* drawn = nullptr;
  for (const case_result& r : saved.results) {
    const training_module* m = find_module(r.module);  // nullptr: no module of the kit's
    if (m == nullptr || std::find(modules.begin(), modules.end(), m->name) != modules.end()) continue;
    modules.push_back(m->name);
    if (!m->plot) continue;
    if (drawn != nullptr) {
      throw usage_error(report_path + ": modules " + drawn->name + " and " + m->name +
                        " both draw a figure; save each module's report on its own");
    }
    drawn = m;
  }
  if (drawn == nullptr) {
    std::string names;
    for (const std::string& name : modules) names += (names.empty() ? "" : ", ") + name;
    throw usage_error(report_path + ": nothing to plot: its module" + (modules.size() == 1 ? " " : "s ") +
                      (names.empty() ? "(none named)" : names) + " draw" + (modules.size() == 1 ? "s" : "") +
                      " no figure (gpulab transfer does)");
  }
  std::vector<case_result> rows;
  std::copy_if(saved.results.begin(), saved.results.end(), std::back_inserter(rows),
               [&](const case_result& r) { return r.module == drawn->name; });
  write_line_plot_svg(figure_path, drawn->plot(rows));
  std::cerr << "gpulab: wrote " << figure_path << " (" << drawn->name << ", measured on "
            << (saved.device.empty() ? "an unnamed device" : saved.device) << ", "
            << (saved.date.empty() ? "no date" : saved.date) << ")\n";
  return 0;
}

int run_list(const std::string& format_text) {
  const output_format format = parse_output_format(format_text);
  report out;
  out.title = "gpulab: modules, cases and exercises";
  table modules;
  modules.title = "Modules, their demos and cases";
  modules.columns = {"module", "name", "kind", "what it shows"};
  for (const training_module& m : all_modules()) {
    for (const demo_entry& d : m.demos) modules.rows.push_back({cell(m.name), cell(d.name), cell("demo"), cell(d.description)});
    for (const case_entry& c : m.cases) modules.rows.push_back({cell(m.name), cell(c.name), cell("case"), cell(c.description)});
  }
  out.tables.push_back(std::move(modules));
  table exercises;
  exercises.title = "Exercises (gpulab check <name>)";
  exercises.columns = {"exercise", "module", "what you write", "edit this file"};
  for (const exercises::exercise_info& e : exercises::catalog) {
    exercises.rows.push_back({cell(std::string(e.name)), cell(std::string(e.module_name)), cell(std::string(e.summary)),
                              cell(std::string(e.file))});
  }
  out.tables.push_back(std::move(exercises));
  write_report(std::cout, out, format);
  return 0;
}

int run_check(const std::string& name, bool all, const common_options& o, const char* argv0) {
  // The checker is a program of its own (gpulab-check, beside this one): the exercises are
  // linked only there, so a trainee's skeleton that does not compile breaks nothing else.
  std::string program = "gpulab-check";
  std::error_code ignored;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ignored);
  const std::filesystem::path beside = (self.empty() ? std::filesystem::path(argv0 ? argv0 : "") : self).parent_path() /
                                       "gpulab-check";
  if (std::filesystem::exists(beside)) program = beside.string();
  const std::string seed = std::to_string(o.seed), device = std::to_string(o.device);
  // A name, --all, or neither (gpulab-check then says what it needs): it checks its own command line.
  std::vector<char*> args = {program.data()};
  if (all) args.push_back(const_cast<char*>("--all"));
  if (!name.empty()) args.push_back(const_cast<char*>(name.c_str()));
  args.push_back(const_cast<char*>("--seed"));
  args.push_back(const_cast<char*>(seed.c_str()));
  args.push_back(const_cast<char*>("--device"));
  args.push_back(const_cast<char*>(device.c_str()));
  args.push_back(nullptr);
  std::cout.flush();
  execvp(program.c_str(), args.data());  // returns only when it could not start
  throw error("cannot run " + program + " (" + std::strerror(errno) +
                  "): build it with the kit (target gpulab_check), it checks the exercises",
              exit_code::internal);
}

int gpulab_main(int argc, char** argv) {
  const std::string program = "gpulab";
  return guarded(program, [&] {
    CLI::App app{"gpulab: make your code fast on NVIDIA GPUs (a C++/CUDA training kit)", program};
    app.require_subcommand(1);
    add_version_flag(app, program);
    common_options options;
    std::string list_format = "table";
    auto* list = app.add_subcommand("list", "list modules, cases, demos and exercises (no GPU needed)");
    list->add_option("--format", list_format, "table (default), json or csv")->type_name("FORMAT")->check(format_name);
    auto* tour = app.add_subcommand("tour", "every module's headline demo, verified, in one summary table");
    add_run_options(*tour, options, command_shape{.size = false, .module = "tour"});
    std::string tour_module;
    std::vector<std::string> module_names;
    for (const training_module& m : all_modules()) module_names.push_back(m.name);
    tour->add_option("--module", tour_module, "tour one module only: its id (default: all eight)")
        ->type_name("ID")
        ->check(CLI::IsMember(module_names));
    std::string saved_path, figure_path;
    auto* plot = app.add_subcommand(
        "plot", "draw a module's figure again from a report saved with --format json (no GPU needed)");
    plot->add_option("report", saved_path, "the saved report, e.g. slides/reports/transfer-h200.json")
        ->required()
        ->type_name("REPORT.json")
        ->check(non_empty);
    plot->add_option("--output", figure_path, "the SVG file to write")
        ->required()
        ->type_name("FILE.svg")
        ->check(svg_file);
    std::string exercise;
    bool check_every = false;
    auto* check = app.add_subcommand("check", "check your solution of an exercise (see `gpulab list`)");
    auto* exercise_name = check->add_option("exercise", exercise, "the exercise's name");
    exercise_name->excludes(
        check->add_flag("--all", check_every, "check every exercise, each in its own process: PASS or FAIL for each"));
    add_device_and_seed(*check, options.device, options.seed);
    std::vector<std::pair<CLI::App*, const training_module*>> module_commands;
    for (const training_module& m : all_modules()) {
      auto* command = app.add_subcommand(m.name, m.title);
      for (const std::string& alias : m.aliases) command->alias(alias);
      add_run_options(*command, options, shape_of(m));
      add_module_options(*command, m, options);
      module_commands.emplace_back(command, find_module(m.name));
    }

    // A misspelt module gets a clearer message than CLI11's "not expected".
    std::string names = "list, tour, check, plot";
    for (const auto& [command, m] : module_commands) names += ", " + m->name;
    const std::string first = argc > 1 ? argv[1] : "";
    const bool known = std::any_of(module_commands.begin(), module_commands.end(),
                                   [&](const auto& entry) { return find_module(first) == entry.second; }) ||
                       first == "list" || first == "tour" || first == "check" || first == "plot";
    if (!first.empty() && first[0] != '-' && !known) {
      throw usage_error("unknown module or command '" + std::string(argv[1]) + "' (known: " + names + ")");
    }
    bool ok = false;
    const int code = parse_or_exit(app, program, argc, argv, ok);
    if (!ok) return code;

    if (list->parsed()) return run_list(list_format);
    if (tour->parsed()) return run_tour(options, tour->count("--repeat") > 0, tour_module);
    if (plot->parsed()) return run_plot(saved_path, figure_path);
    if (check->parsed()) return run_check(exercise, check_every, options, argc > 0 ? argv[0] : nullptr);
    for (const auto& [command, m] : module_commands) {
      if (command->parsed()) return run_module_command(*m, options, command->count("--repeat") > 0);
    }
    throw usage_error("no command given (see --help)");
  });
}

}  // namespace gpulab::cli

// SPDX-License-Identifier: MIT
#include "cli.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "gpulab/bench/size_parse.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/device/device_module.hpp"
#include "gpulab/exercises/check.hpp"
#include "gpulab/kernels/cases.hpp"
#include "gpulab/linalg/cases.hpp"
#include "gpulab/random/cases.hpp"
#include "gpulab/rtc/program.hpp"
#include "gpulab/transfer/cases.hpp"

namespace gpulab::cli {

std::vector<training_module> all_modules() {
  return {device_module::make_module(), transfer::make_module(), linalg::make_module(), random::make_module(),
          kernels_module::make_module()};
}

const training_module* find_module(const std::string& name) {
  static const std::vector<training_module> modules = all_modules();
  for (const training_module& m : modules) {
    if (m.name == name) return &m;
  }
  return nullptr;
}

void add_run_options(CLI::App& command, common_options& o, bool with_cases) {
  command.add_option("--size", o.size, "problem size: 1000003, 50M, 2^29, 64KiB, 1GiB (elements or bytes: see list)");
  command.add_option("--repeat", o.repeat, "timed repeats per case (default 20, fewer for slow cases)")
      ->check(CLI::Range(1, 100000));
  command.add_option("--device", o.device, "GPU index (default 0)");
  command.add_option("--format", o.format, "table, json or csv");
  command.add_option("--output", o.output, "write the report to this file ('-' = stdout)");
  command.add_option("--seed", o.seed, "seed of the random inputs");
  if (with_cases) {
    command.add_option("--plot", o.plot, "draw the module's figure (e.g. bandwidth versus size) to this PNG");
    command.add_option("cases", o.selected, "cases or demos to run (default: all; see `gpulab list`)");
  }
}

void add_module_options(CLI::App& command, const training_module& m, common_options& o) {
  for (const module_option& option : m.options) {
    command.add_option("--" + option.name, o.parameters[option.name], option.description);
  }
}

namespace {

// Parses and checks everything the user typed before any GPU work starts.
run_options to_run_options(const common_options& o, bool repeat_given) {
  run_options r;
  if (!o.size.empty()) r.size = parse_size(o.size);
  r.repeat = o.repeat;
  r.repeat_given = repeat_given;
  r.device = o.device;
  r.seed = o.seed;
  r.selected = o.selected;
  for (const auto& [name, value] : o.parameters) {
    if (!value.empty()) r.parameters[name] = value;
  }
  return r;
}

int exit_for(bool all_verified) {
  return static_cast<int>(all_verified ? exit_code::ok : exit_code::verification_failed);
}

}  // namespace

int run_module_command(const training_module& m, const common_options& o, bool repeat_given) {
  const run_options options = to_run_options(o, repeat_given);
  const output_format format = parse_output_format(o.format);
  validate_selection(m, options.selected);
  if (m.validate) m.validate(options);
  if (!o.plot.empty() && !can_plot(m, options.selected)) {
    throw usage_error("nothing to plot: the selected cases and demos of module " + m.name + " draw no figure");
  }
  require_writable(o.output);
  require_writable(o.plot);

  run_context ctx = make_run_context(options, true);
  module_run run = run_module(m, options, ctx);
  write_report_file(o.output, run.output, format);
  if (!o.plot.empty() && run.figure) {
    write_line_plot_png(o.plot, *run.figure);
    std::cerr << "gpulab: wrote " << o.plot << "\n";
  }
  return exit_for(run.all_verified);
}

int run_tour(const common_options& o, bool repeat_given) {
  run_options options = to_run_options(o, repeat_given);
  if (options.size) throw usage_error("the tour uses the course's sizes; --size applies to module commands");
  const output_format format = parse_output_format(o.format);
  require_writable(o.output);

  run_context ctx = make_run_context(options, true);
  report out;
  out.title = "gpulab tour: every module's headline demo, verified and timed";
  out.header = report_header(ctx);
  std::vector<case_result> results;
  std::vector<std::string> module_of;
  std::vector<std::string> notes;
  bool all_verified = true;
  for (const training_module& m : all_modules()) {
    module_run run = run_module_items(m, m.tour, options, ctx);
    all_verified = all_verified && run.all_verified;
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
  write_report_file(o.output, out, format);
  return exit_for(all_verified);
}

int run_list(const std::string& format_name) {
  const output_format format = parse_output_format(format_name);
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
  for (const auto& e : exercises::all_exercises()) {
    exercises.rows.push_back({cell(e.name), cell(e.module_name), cell(e.summary), cell(e.file)});
  }
  out.tables.push_back(std::move(exercises));
  write_report(std::cout, out, format);
  return 0;
}

int run_check(const std::string& name, const common_options& o) {
  const exercises::exercise_entry& entry = exercises::find_exercise(name);
  exercises::check_options options;
  options.seed = o.seed;
  options.device = o.device;
  const exercises::check_report report = entry.check_trainee(options);
  std::cout << "gpulab check " << entry.name << " (" << entry.file << ")\n";
  for (const std::string& line : report.lines) std::cout << "  " << line << "\n";
  if (report.passed && report.candidate_ms && report.reference_ms) {  // speed matters once it is right
    std::cout << "  time: yours " << format_fixed(*report.candidate_ms, 4) << " ms, reference "
              << format_fixed(*report.reference_ms, 4) << " ms (yours runs at "
              << format_fixed(100.0 * *report.reference_ms / *report.candidate_ms, 0) << "% of the reference's speed)\n";
  }
  std::cout << (report.passed ? "PASS" : "FAIL") << "\n";
  return static_cast<int>(report.passed ? exit_code::ok : exit_code::verification_failed);
}

int guarded(const std::string& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const no_device_error& e) {
    std::cerr << program << ": " << e.what() << "; GPU commands need one (list and --help work without)\n";
    return static_cast<int>(exit_code::no_device);
  } catch (const rtc::compile_error& e) {  // the one line, then NVRTC's log, indented
    std::cerr << program << ": error: " << e.what() << "\n";
    std::istringstream log(e.log());
    for (std::string line; std::getline(log, line);) std::cerr << "  | " << line << "\n";
    return static_cast<int>(e.code());
  } catch (const error& e) {
    std::cerr << program << ": error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    std::cerr << program << ": internal error: " << e.what() << "\n";
    return static_cast<int>(exit_code::internal);
  }
}

namespace {

// CLI11 parse errors become one line and exit code 2; --help prints help and exits 0.
int parse_or_exit(CLI::App& app, const std::string& program, int argc, char** argv, bool& ok) {
  ok = false;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::cerr << program << ": error: " << e.what() << " (see --help)\n";
    return static_cast<int>(exit_code::usage);
  }
  ok = true;
  return 0;
}

std::string program_name(const char* argv0) {
  const std::string path = argv0 ? argv0 : "gpulab";
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

int module_main(const std::string& module_name, int argc, char** argv) {
  const std::string program = program_name(argc > 0 ? argv[0] : nullptr);
  return guarded(program, [&] {
    const training_module* m = find_module(module_name);
    if (m == nullptr) throw error("no module " + module_name);
    CLI::App app{m->title + "\n(same as `gpulab " + m->name + "`; see `gpulab list` for the cases)", program};
    common_options options;
    add_run_options(app, options, true);
    add_module_options(app, *m, options);
    bool ok = false;
    const int code = parse_or_exit(app, program, argc, argv, ok);
    if (!ok) return code;
    return run_module_command(*m, options, app.count("--repeat") > 0);
  });
}

int gpulab_main(int argc, char** argv) {
  const std::string program = "gpulab";
  return guarded(program, [&] {
    CLI::App app{"gpulab: make your code fast on NVIDIA GPUs (a C++/CUDA training kit)", program};
    app.require_subcommand(1);
    common_options options;
    std::string list_format = "table";
    auto* list = app.add_subcommand("list", "list modules, cases, demos and exercises (no GPU needed)");
    list->add_option("--format", list_format, "table, json or csv");
    auto* tour = app.add_subcommand("tour", "every module's headline demo, verified, in one summary table");
    add_run_options(*tour, options, false);
    std::string exercise;
    auto* check = app.add_subcommand("check", "check your solution of an exercise (see `gpulab list`)");
    check->add_option("exercise", exercise, "the exercise's name")->required();
    check->add_option("--device", options.device, "GPU index (default 0)");
    check->add_option("--seed", options.seed, "seed of the random inputs");
    std::vector<std::pair<CLI::App*, const training_module*>> module_commands;
    for (const training_module& m : all_modules()) {
      auto* command = app.add_subcommand(m.name, m.title);
      add_run_options(*command, options, true);
      add_module_options(*command, m, options);
      module_commands.emplace_back(command, find_module(m.name));
    }

    // A misspelt module gets a clearer message than CLI11's "not expected".
    std::string names = "list, tour, check";
    for (const auto& [command, m] : module_commands) names += ", " + m->name;
    const std::string first = argc > 1 ? argv[1] : "";
    const bool known = std::any_of(module_commands.begin(), module_commands.end(),
                                   [&](const auto& entry) { return entry.second->name == first; }) ||
                       first == "list" || first == "tour" || first == "check";
    if (!first.empty() && first[0] != '-' && !known) {
      throw usage_error("unknown module or command '" + std::string(argv[1]) + "' (known: " + names + ")");
    }
    bool ok = false;
    const int code = parse_or_exit(app, program, argc, argv, ok);
    if (!ok) return code;

    if (list->parsed()) return run_list(list_format);
    if (tour->parsed()) return run_tour(options, tour->count("--repeat") > 0);
    if (check->parsed()) return run_check(exercise, options);
    for (const auto& [command, m] : module_commands) {
      if (command->parsed()) return run_module_command(*m, options, command->count("--repeat") > 0);
    }
    throw usage_error("no command given (see --help)");
  });
}

}  // namespace gpulab::cli

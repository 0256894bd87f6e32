// SPDX-License-Identifier: MIT
#include "cli.hpp"
#include "cli_parts.hpp"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <iterator>
#include <limits>
#include <sstream>
#include <system_error>

#include "gpulab/bench/atomic_file.hpp"
#include "gpulab/bench/progress.hpp"
#include "gpulab/bench/saved_report.hpp"
#include "gpulab/bench/size_parse.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/rtc/program.hpp"

namespace gpulab::cli {

namespace {

// Validators for the common options. Each returns why a value is refused ("" when
// it is fine) and may rewrite it; CLI11 prints "--name: why" and we exit 2.

// A decimal whole number in [min, max]. Rewritten without leading zeros, because
// CLI11 reads "010" as octal and "0x10" as hexadecimal: only plain decimals pass.
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
  return CLI::Validator(
      [min, max](std::string& text) {
        std::uint64_t value = 0;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min || value > max) {
          return "must be a whole number in " + std::to_string(min) + ".." + std::to_string(max) + " (got '" + text +
                 "')";
        }
        text = std::to_string(value);
        return std::string();
      },
      "");
}

// The library's own parsers, run while parsing: the same message, before any work.
const CLI::Validator size_text(
    [](std::string& text) {
      try {
        (void)parse_size(text);
      } catch (const usage_error& e) {
        return std::string(e.what());
      }
      return std::string();
    },
    "");

// An option the command does not take, kept out of --help but answered with the reason.
void refuse(CLI::App& command, const std::string& name, const std::string& why) {
  const auto answer = [name, why](const std::string&) { throw CLI::ValidationError(name, why); };
  command.add_option_function<std::string>(name, answer)->group("");  // group "": not in --help
}

}  // namespace

// Shared with runner.cpp (cli_parts.hpp).
// The figure is always SVG: a name like plot.png is refused while parsing, before any GPU work.
const CLI::Validator svg_file(
    [](std::string& path) {
      return path.ends_with(".svg") ? std::string() : "the figure is an SVG: give a file name ending in .svg";
    },
    "");

const CLI::Validator non_empty(
    [](std::string& text) { return text.empty() ? std::string("an empty value is not allowed") : std::string(); }, "");

const CLI::Validator format_name(
    [](std::string& text) {
      try {
        (void)parse_output_format(text);
      } catch (const usage_error& e) {
        return std::string(e.what());
      }
      return std::string();
    },
    "");

void add_device_and_seed(CLI::App& command, int& device, std::uint64_t& seed) {
  command.add_option("--device", device, "GPU index (default 0)")
      ->type_name("INT")
      ->check(whole_number(0, static_cast<std::uint64_t>(std::numeric_limits<int>::max())));
  command.add_option("--seed", seed, "seed of the random inputs (default 2026)")
      ->type_name("INT")
      ->check(whole_number(0, std::numeric_limits<std::uint64_t>::max()));  // no negative or wrapped seeds
}

command_shape shape_of(const training_module& m) {
  command_shape shape;
  shape.module = m.name;
  shape.cases = true;
  shape.size = shape.repeat = !m.cases.empty();  // demos alone (module 1) take neither
  shape.plot = static_cast<bool>(m.plot) ||
               std::any_of(m.demos.begin(), m.demos.end(), [](const demo_entry& d) { return d.draws_figure; });
  return shape;
}

void add_run_options(CLI::App& command, common_options& o, const command_shape& shape) {
  if (shape.size) {
    command.add_option("--size", o.size, "problem size: 1000003, 50M, 2^29, 64KiB, 1GiB (elements or bytes: see list)")
        ->type_name("SIZE")
        ->check(size_text);
  } else if (shape.cases) {
    refuse(command, "--size", "module " + shape.module + " has no cases to size (see `gpulab list`)");
  } else {
    refuse(command, "--size", "the tour uses the course's sizes; --size applies to module commands");
  }
  if (shape.repeat) {
    command.add_option("--repeat", o.repeat, "timed repeats per case (default 20, fewer for slow cases)")
        ->type_name("INT in 1..100000")
        ->check(whole_number(1, 100000));
  } else {
    refuse(command, "--repeat", "module " + shape.module + " times no cases (see `gpulab list`)");
  }
  if (shape.repeat) {  // the commands that run cases have their CPU references
    command.add_option("--cpu", o.cpu,
                       "CPU reference and baseline: auto (default: skipped where it would take more than 10 s and a "
                       "check that scales exists), on (always), off (only where no other check exists, untimed)")
        ->type_name("auto|on|off")
        ->check(CLI::IsMember({"auto", "on", "off"}));
  } else {
    refuse(command, "--cpu", "module " + shape.module + " has no CPU references (see `gpulab list`)");
  }
  add_device_and_seed(command, o.device, o.seed);
  command.add_option("--format", o.format, "table (default), json or csv")->type_name("FORMAT")->check(format_name);
  command.add_option("--output", o.output, "write the report to this file (default '-': stdout)")
      ->type_name("FILE")
      ->check(non_empty);
  if (shape.plot) {
    command.add_option("--plot", o.plot, "draw the module's figure (e.g. bandwidth versus size) to this SVG file")
        ->type_name("FILE.svg")
        ->check(svg_file);
  } else if (shape.cases) {
    refuse(command, "--plot", "nothing to plot: module " + shape.module + " draws no figure");
  }
  if (shape.cases) command.add_option("cases", o.selected, "cases or demos to run (default: all; see `gpulab list`)");
}

void add_module_options(CLI::App& command, const training_module& m, common_options& o) {
  for (const module_option& option : m.options) {
    // The library's parser is the validator: one parser for the command line and the module.
    std::string description = option.description;
    if (option.kind == option_kind::choice_list) {  // the names are too many for the type column
      description += "; names:";
      for (const std::string& name : option.choices) description += " " + name;
    }
    if (!option.default_value.empty()) description += " (default " + option.default_value + ")";
    CLI::Option* added = command.add_option_function<std::string>(
        "--" + option.name, [&o, name = option.name](const std::string& value) { o.parameters[name] = value; },
        description);
    added->type_name(option.type_name());
    added->check(CLI::Validator([option](std::string& value) { return option.problem(value); }, ""));
  }
}

// Parses and checks everything the user typed before any GPU work starts.
run_options to_run_options(const common_options& o, bool repeat_given) {
  run_options r;
  if (!o.size.empty()) r.size = parse_size(o.size);
  r.repeat = o.repeat;
  r.repeat_given = repeat_given;
  r.device = o.device;
  r.seed = o.seed;
  r.cpu = o.cpu == "on" ? cpu_mode::on : o.cpu == "off" ? cpu_mode::off : cpu_mode::automatic;
  r.selected = o.selected;
  r.parameters = o.parameters;
  return r;
}

// The kit's version and revision in the report's header: a saved report says what measured it.
void add_kit_line(report& r) {
  r.header.emplace(r.header.begin(), "gpulab", std::string(GPULAB_VERSION) + " (git " + GPULAB_GIT_REVISION + ")");
}

// The worst case's exit code: an error (out of memory 4, CUDA 6...) over a failed check (1).
int exit_for(const module_run& run) {
  exit_code code = run.worst;
  if (!run.all_verified) code = std::max(code, exit_code::verification_failed);
  return static_cast<int>(code);
}

int run_module_command(const training_module& m, const common_options& o, bool repeat_given) {
  const run_options options = to_run_options(o, repeat_given);
  const output_format format = parse_output_format(o.format);
  validate_run(m, options);  // before any GPU work
  if (!o.plot.empty() && !can_plot(m, options.selected)) {
    throw usage_error("nothing to plot: the selected cases and demos of module " + m.name + " draw no figure");
  }
  // Nothing is created yet: the report and the figure appear whole once the run has made them.
  require_atomically_writable(o.output);
  require_atomically_writable(o.plot);

  if (m.run_without_gpu) {  // e.g. dataframe --backend cpu: no device needed, none touched
    if (std::optional<report> host_only = m.run_without_gpu(options)) {
      add_kit_line(*host_only);
      write_report_file(o.output, *host_only, format);
      return static_cast<int>(exit_code::ok);
    }
  }
  progress_start();
  resources ctx = make_resources(options, true);
  module_run run = run_validated_module(m, options, ctx);
  progress_clear();
  // The report holds every row, a failed case's included; the exit code says what went wrong.
  add_kit_line(run.output);
  write_report_file(o.output, run.output, format);
  if (!o.plot.empty() && run.figure) {
    write_line_plot_svg(o.plot, *run.figure);
    std::cerr << "gpulab: wrote " << o.plot << "\n";
  }
  return exit_for(run);
}

namespace {

// Everything printed must have reached stdout: `gpulab list > /dev/full` is an io error, not a success.
void flush_stdout() {
  errno = 0;
  std::cout.flush();
  if (!std::cout) {
    const int why = errno;
    throw io_error(std::string("cannot write to standard output") +
                   (why != 0 ? std::string(" (") + std::strerror(why) + ")" : ""));
  }
}

}  // namespace

std::string version_text(const std::string& program) {
  int runtime = 0, driver = 0;
  const std::string runtime_version = cudaRuntimeGetVersion(&runtime) == cudaSuccess
                                          ? std::to_string(runtime / 1000) + "." + std::to_string(runtime % 1000 / 10)
                                          : "unknown";
  // Without a driver (a login node, a laptop) the call fails or reports 0: say so, needing no GPU.
  const std::string driver_version = cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0
                                         ? "CUDA driver " + std::to_string(driver / 1000) + "." +
                                               std::to_string(driver % 1000 / 10)
                                         : "no CUDA driver";
  return program + " " + GPULAB_VERSION + " (git " + GPULAB_GIT_REVISION + ")\nCUDA runtime " + runtime_version +
         ", " + driver_version;
}

void add_version_flag(CLI::App& app, const std::string& program) {
  app.set_version_flag("--version", [program] { return version_text(program); },
                       "print the kit's version, git revision and the CUDA runtime and driver versions");
}

int guarded(const std::string& program, const std::function<int()>& body) {
  try {
    const int code = body();
    flush_stdout();
    return code;
  } catch (const no_device_error& e) {
    progress_clear();
    std::cerr << program << ": " << e.what() << "; GPU commands need one (list and --help work without)\n";
    return static_cast<int>(exit_code::no_device);
  } catch (const rtc::compile_error& e) {  // the one line, then NVRTC's log, indented
    progress_clear();
    std::cerr << program << ": error: " << e.what() << "\n";
    std::istringstream log(e.log());
    for (std::string line; std::getline(log, line);) std::cerr << "  | " << line << "\n";
    return static_cast<int>(e.code());
  } catch (const error& e) {
    progress_clear();
    std::cerr << program << ": error: " << e.what() << "\n";
    return static_cast<int>(e.code());
  } catch (const std::exception& e) {
    progress_clear();
    std::cerr << program << ": internal error: " << e.what() << "\n";
    return static_cast<int>(exit_code::internal);
  }
}

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

int module_main(const training_module& m, int argc, char** argv) {
  const std::string program = program_name(argc > 0 ? argv[0] : nullptr);
  return guarded(program, [&] {
    CLI::App app{m.title + "\n(same as `gpulab " + m.name + "`; see `gpulab list` for the cases)", program};
    add_version_flag(app, program);
    common_options options;
    add_run_options(app, options, shape_of(m));
    add_module_options(app, m, options);
    bool ok = false;
    const int code = parse_or_exit(app, program, argc, argv, ok);
    if (!ok) return code;
    return run_module_command(m, options, app.count("--repeat") > 0);
  });
}

}  // namespace gpulab::cli

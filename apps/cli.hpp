// SPDX-License-Identifier: MIT
// The command line shared by `gpulab` and the per-module binaries: options ->
// module cases -> runner -> report. Thin on purpose: everything that computes
// lives in the library. cli.cpp is what a module app needs; runner.cpp adds the
// runner's commands, which need every module (gpulab::course).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"  // training_module

namespace CLI {
class App;
}

namespace gpulab::cli {

struct common_options {
  std::string size;
  int repeat = 20;
  int device = 0;
  std::string format = "table";
  std::string output = "-";
  std::string plot;
  std::uint64_t seed = 2026;
  std::string cpu = "auto";  // --cpu auto|on|off
  std::vector<std::string> selected;
  std::map<std::string, std::string> parameters;  // module options (--generator ...) as typed, by name
};

// Which of the common options a command takes: its --help lists only these, and
// the others are refused with a line that says why.
struct command_shape {
  bool size = true;     // --size: commands that run cases (the tour uses the course's sizes)
  bool repeat = true;   // --repeat: commands that time cases
  bool plot = false;    // --plot: modules that draw a figure
  bool cases = false;   // the case and demo names
  std::string module;   // for the refusals' wording
};
command_shape shape_of(const training_module& m);

// Adds the common options the shape takes: --size, --repeat, --cpu, --device,
// --format, --output, --seed, --plot, case...
void add_run_options(CLI::App& command, common_options& options, const command_shape& shape);
// Adds --device and --seed, checked while parsing (decimal, in range: no negative or wrapped seed).
void add_device_and_seed(CLI::App& command, int& device, std::uint64_t& seed);
// Adds the module's own options (training_module::options), each typed and checked while parsing.
void add_module_options(CLI::App& command, const training_module& m, common_options& options);

// The commands. Each returns an exit code (gpulab::exit_code).
int run_module_command(const training_module& m, const common_options& options, bool repeat_given);
// The runner's (runner.cpp).
// `only_module` empty: every module's tour items; else that module's alone (`--module ID`).
int run_tour(const common_options& options, bool repeat_given, const std::string& only_module);
int run_list(const std::string& format);
// `gpulab plot REPORT.json --output FILE.svg`: the figure of the report's module, drawn
// again from the saved numbers (no GPU needed).
int run_plot(const std::string& report_path, const std::string& figure_path);
// `gpulab check`: runs gpulab-check (the exercises are linked there only).
int run_check(const std::string& exercise, bool all, const common_options& options, const char* argv0);

// `--version`: the kit's version and git revision, the CUDA runtime's and the driver's
// versions ("no CUDA driver" without one). Needs no GPU.
std::string version_text(const std::string& program);
// Adds --version (printing version_text) to a program's top-level command.
void add_version_flag(CLI::App& app, const std::string& program);

// Runs `body`, turning any exception into one line on stderr and its exit code;
// then flushes stdout: a report that could not be written (a full disk) exits 5 (io).
int guarded(const std::string& program, const std::function<int()>& body);

// main() of a per-module binary (gpulab-device, gpulab-transfer, ...), given its module
// (e.g. gpulab::random::make_module()): it links that module alone.
int module_main(const training_module& m, int argc, char** argv);

// main() of the gpulab runner (runner.cpp).
int gpulab_main(int argc, char** argv);

}  // namespace gpulab::cli

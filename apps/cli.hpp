// SPDX-License-Identifier: MIT
// The command line shared by `gpulab` and the per-module binaries: options ->
// module cases -> runner -> report. Thin on purpose: everything that computes
// lives in the library.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"

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
  std::vector<std::string> selected;
  std::map<std::string, std::string> parameters;  // module options (--generator ...), by name
};

// Every module the kit has, in course order.
std::vector<training_module> all_modules();
const training_module* find_module(const std::string& name);

// Adds --size, --repeat, --device, --format, --output, --seed (and --plot, case...) to a command.
void add_run_options(CLI::App& command, common_options& options, bool with_cases);
// Adds the module's own options (training_module::options) to its command.
void add_module_options(CLI::App& command, const training_module& m, common_options& options);

// The commands. Each returns an exit code (gpulab::exit_code).
int run_module_command(const training_module& m, const common_options& options, bool repeat_given);
int run_tour(const common_options& options, bool repeat_given);
int run_list(const std::string& format);
int run_check(const std::string& exercise, const common_options& options);

// Runs `body`, turning any exception into one line on stderr and its exit code.
int guarded(const std::string& program, const std::function<int()>& body);

// main() of a per-module binary (gpulab-device, gpulab-transfer, ...).
int module_main(const std::string& module_name, int argc, char** argv);

// main() of the gpulab runner.
int gpulab_main(int argc, char** argv);

}  // namespace gpulab::cli

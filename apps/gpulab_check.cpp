// SPDX-License-Identifier: MIT
// gpulab-check: checks a trainee's solution of an exercise (`gpulab check NAME`
// runs this program). The only app that links the exercises, so a skeleton
// that does not compile breaks this program alone.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "cli.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/exercises/check.hpp"

namespace {

int check_exercise(const std::string& name, const gpulab::exercises::check_options& options) {
  namespace ex = gpulab::exercises;
  const ex::exercise_entry& entry = ex::find_exercise(name);
  const ex::check_report report = entry.check_trainee(options);
  std::cout << "gpulab check " << entry.name << " (" << entry.file << ")\n";
  for (const std::string& line : report.lines) std::cout << "  " << line << "\n";
  if (report.passed && report.candidate_ms && report.reference_ms) {  // speed matters once it is right
    std::cout << "  time: yours " << gpulab::format_fixed(*report.candidate_ms, 4) << " ms, reference "
              << gpulab::format_fixed(*report.reference_ms, 4) << " ms (yours runs at "
              << gpulab::format_fixed(100.0 * *report.reference_ms / *report.candidate_ms, 0)
              << "% of the reference's speed)\n";
  }
  std::cout << (report.passed ? "PASS" : "FAIL") << "\n";
  if (report.exit_without_cleanup) {  // a deadlocked exchange may have left a kernel stuck: leave now
    std::cout << std::flush;
    std::_Exit(static_cast<int>(gpulab::exit_code::verification_failed));
  }
  return static_cast<int>(report.passed ? gpulab::exit_code::ok : gpulab::exit_code::verification_failed);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string program = "gpulab check";
  return gpulab::cli::guarded(program, [&] {
    CLI::App app{"gpulab check: check your solution of an exercise (see `gpulab list`)", "gpulab-check"};
    std::string exercise;
    gpulab::exercises::check_options options;
    app.add_option("exercise", exercise, "the exercise's name")->required();
    gpulab::cli::add_version_flag(app, "gpulab-check");
    gpulab::cli::add_device_and_seed(app, options.device, options.seed);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);  // --help
      std::cerr << program << ": error: " << e.what() << " (see --help)\n";
      return static_cast<int>(gpulab::exit_code::usage);
    }
    return check_exercise(exercise, options);
  });
}

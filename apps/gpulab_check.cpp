// SPDX-License-Identifier: MIT
// gpulab-check: checks a trainee's solution of an exercise (`gpulab check NAME`
// runs this program). The only app that links the exercises, so a skeleton
// that does not compile breaks this program alone. `--all` checks every
// exercise, each in a process of its own (see check_all).
#include <CLI/CLI.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <string>
#include <vector>

#include "cli.hpp"
#include "gpulab/core/device.hpp"
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

struct child_result {
  int exit_code = 0;
  std::string output;  // its stdout and stderr together
};

// Runs this program again as `gpulab-check NAME --seed S --device D` and collects what it
// prints. A process per exercise: a skeleton that faults the GPU (a sticky CUDA error) or
// deadlocks (halo_exchange) spoils its own CUDA context only, not the next exercise's.
child_result run_in_own_process(const std::string& name, const gpulab::exercises::check_options& options) {
  int pipe_ends[2];
  if (pipe(pipe_ends) != 0) throw gpulab::error(std::string("pipe: ") + std::strerror(errno), gpulab::exit_code::internal);
  const std::string seed = std::to_string(options.seed), device = std::to_string(options.device);
  std::cout.flush();
  const pid_t pid = fork();
  if (pid < 0) throw gpulab::error(std::string("fork: ") + std::strerror(errno), gpulab::exit_code::internal);
  if (pid == 0) {  // the child: this program, one exercise; no CUDA was touched before the fork
    dup2(pipe_ends[1], STDOUT_FILENO);
    dup2(pipe_ends[1], STDERR_FILENO);
    close(pipe_ends[0]);
    close(pipe_ends[1]);
    execl("/proc/self/exe", "gpulab-check", name.c_str(), "--seed", seed.c_str(), "--device", device.c_str(),
          static_cast<char*>(nullptr));
    _exit(static_cast<int>(gpulab::exit_code::internal));  // exec failed
  }
  close(pipe_ends[1]);
  child_result result;
  char buffer[4096];
  for (ssize_t got; (got = read(pipe_ends[0], buffer, sizeof buffer)) != 0;) {
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) break;
    result.output.append(buffer, static_cast<std::size_t>(got));
  }
  close(pipe_ends[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return result;
}

// The first line that says why a check failed: the first report line that is not a header.
std::string first_reason(const std::string& output) {
  std::size_t start = 0;
  while (start < output.size()) {
    const std::size_t end = output.find('\n', start);
    std::string line = output.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? output.size() : end + 1;
    const std::size_t text = line.find_first_not_of(' ');
    if (text == std::string::npos || line.starts_with("gpulab check ") || line == "FAIL" || line == "PASS") continue;
    return line.substr(text);
  }
  return "";
}

// `gpulab check --all`: every exercise, one line each (PASS, FAIL and why, or the error), then
// the count. Exit 0 only when every exercise passes (1 otherwise; 3 without a GPU).
int check_all(const gpulab::exercises::check_options& options) {
  namespace ex = gpulab::exercises;
  gpulab::require_device_index(options.device);  // no GPU: one line, exit 3, before any child
  std::size_t passed = 0;
  const auto& exercises = ex::all_exercises();
  std::cout << "gpulab check --all: " << exercises.size() << " exercises, each in its own process\n";
  for (const ex::exercise_entry& e : exercises) {
    const child_result r = run_in_own_process(e.name, options);
    const auto code = static_cast<gpulab::exit_code>(r.exit_code);
    std::string verdict = "PASS", why;
    if (code == gpulab::exit_code::verification_failed) {
      verdict = "FAIL";
      why = first_reason(r.output);
    } else if (code != gpulab::exit_code::ok) {
      verdict = "ERROR";
      why = "exit " + std::to_string(r.exit_code) + ": " + first_reason(r.output);
    }
    passed += verdict == "PASS" ? 1 : 0;
    std::cout << "  " << std::left << std::setw(22) << e.name << std::setw(11) << e.module_name << std::setw(6)
              << verdict << why << "\n"
              << std::flush;
  }
  std::cout << passed << " of " << exercises.size() << " exercises pass (details: gpulab check NAME)\n";
  return static_cast<int>(passed == exercises.size() ? gpulab::exit_code::ok : gpulab::exit_code::verification_failed);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string program = "gpulab check";
  return gpulab::cli::guarded(program, [&] {
    CLI::App app{"gpulab check: check your solution of an exercise (see `gpulab list`)", "gpulab-check"};
    std::string exercise;
    bool all = false;
    gpulab::exercises::check_options options;
    auto* name = app.add_option("exercise", exercise, "the exercise's name");
    auto* every = app.add_flag("--all", all, "check every exercise, each in its own process: PASS or FAIL for each");
    name->excludes(every);
    gpulab::cli::add_version_flag(app, "gpulab-check");
    gpulab::cli::add_device_and_seed(app, options.device, options.seed);
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      if (e.get_exit_code() == 0) return app.exit(e);  // --help
      std::cerr << program << ": error: " << e.what() << " (see --help)\n";
      return static_cast<int>(gpulab::exit_code::usage);
    }
    if (!all && exercise.empty()) throw gpulab::usage_error("give an exercise's name, or --all (see `gpulab list`)");
    return all ? check_all(options) : check_exercise(exercise, options);
  });
}

// SPDX-License-Identifier: MIT
// Hands-on exercises and their checker.
//
// Each exercise is a function with one declaration and several definitions in
// different namespaces: `reference` (ours), `trainee` (kernels/exercises/, the
// file a trainee edits) and, in the tests, planted wrong solutions. The checker
// runs any of them on fresh seeded inputs of awkward sizes, with poisoned
// outputs and guard cells, re-checks after timing, and compares the speed with
// the reference.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gpulab::exercises {

struct check_options {
  std::uint64_t seed = 2026;
  int device = 0;
  int matmul_timing_size = 1024;  // the matrix exercises time an n x n x n product
};

struct check_report {
  std::string exercise;
  bool passed = true;
  std::vector<std::string> lines;  // one line per checked input: "PASS 37 x 53" or "FAIL 37 x 53: ..."
  std::optional<double> candidate_ms, reference_ms;
  // The check left the GPU possibly stuck (module 8's halo exchange deadlocked and
  // was aborted): the program should exit once it has printed the report, without
  // tearing CUDA down (which could wait for the stuck kernel forever).
  bool exit_without_cleanup = false;
  void record(bool ok, const std::string& line) {
    passed = passed && ok;
    lines.push_back((ok ? "PASS " : "FAIL ") + line);
  }
};

struct exercise_entry {
  std::string name;
  std::string module_name;
  std::string summary;
  std::string file;  // what the trainee edits
  std::function<check_report(const check_options&)> check_trainee;
};

// Every exercise of the kit.
const std::vector<exercise_entry>& all_exercises();

// Throws usage_error naming the known exercises when `name` is unknown.
const exercise_entry& find_exercise(const std::string& name);

}  // namespace gpulab::exercises

// SPDX-License-Identifier: MIT
// Runs a program and captures its exit code, stdout and stderr (for CLI tests).
#pragma once

#include <string>
#include <vector>

namespace gpulab::testing {

struct command_result {
  int exit_code = -1;
  std::string out;
  std::string err;
};

command_result run_command(const std::vector<std::string>& argv);

// The number of lines in `text` (a trailing newline does not start a new line).
int line_count(const std::string& text);

}  // namespace gpulab::testing

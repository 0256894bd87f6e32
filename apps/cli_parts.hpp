// SPDX-License-Identifier: MIT
// What cli.cpp shares with runner.cpp and no one else: validators and steps of a
// command. Apps include cli.hpp.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "cli.hpp"
#include "gpulab/bench/runner.hpp"

namespace gpulab::cli {

// Validators of option values: each says why a value is refused, checked while parsing.
extern const CLI::Validator svg_file;     // a file name ending in .svg
extern const CLI::Validator non_empty;    // not ""
extern const CLI::Validator format_name;  // table, json or csv

// Everything the user typed, parsed and checked before any GPU work starts.
run_options to_run_options(const common_options& o, bool repeat_given);
// The kit's version and revision as the report's first header line.
void add_kit_line(report& r);
// The worst case's exit code: an error (out of memory 4, CUDA 6...) over a failed check (1).
int exit_for(const module_run& run);
// Parses argv; on a parse error prints one line and returns 2, on --help prints it and returns
// 0; `ok` says whether the command should run.
int parse_or_exit(CLI::App& app, const std::string& program, int argc, char** argv, bool& ok);
// argv[0] without its directories.
std::string program_name(const char* argv0);

}  // namespace gpulab::cli

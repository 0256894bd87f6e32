// SPDX-License-Identifier: MIT
#include "gpulab/bench/progress.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>

namespace gpulab {

namespace {

using clock_type = std::chrono::steady_clock;
clock_type::time_point run_start = clock_type::now();
bool line_shown = false;

bool shown() {
  static const bool terminal = isatty(STDERR_FILENO) == 1;
  return terminal && clock_type::now() - run_start >= std::chrono::seconds(2);
}

}  // namespace

void progress_start() { run_start = clock_type::now(); }

void progress(const std::string& text) {
  if (!shown()) return;
  std::fprintf(stderr, "\r\033[K%s", text.c_str());  // \033[K: erase the rest of the old line
  std::fflush(stderr);
  line_shown = true;
}

void progress_line_done(const std::string& text) {
  if (!shown()) return;
  std::fprintf(stderr, "\r\033[K%s\n", text.c_str());
  std::fflush(stderr);
  line_shown = false;
}

void progress_clear() {
  if (!line_shown) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  line_shown = false;
}

}  // namespace gpulab

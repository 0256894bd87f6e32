// SPDX-License-Identifier: MIT
// gpulab: the runner. `gpulab list`, `gpulab tour`, `gpulab check <exercise>`,
// `gpulab <module> [case...] [options]`.
#include "cli.hpp"

int main(int argc, char** argv) { return gpulab::cli::gpulab_main(argc, argv); }

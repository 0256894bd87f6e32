// SPDX-License-Identifier: MIT
// gpulab-random: module 4 on its own (the same as `gpulab random`).
#include "cli.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main("random", argc, argv); }

// SPDX-License-Identifier: MIT
// gpulab-random: module 4 on its own (the same as `gpulab random`).
#include "cli.hpp"
#include "gpulab/random/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::random::make_module(), argc, argv); }

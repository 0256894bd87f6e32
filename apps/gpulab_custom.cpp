// SPDX-License-Identifier: MIT
// gpulab-custom: module 5 on its own (the same as `gpulab custom`).
#include "cli.hpp"
#include "gpulab/custom/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::custom::make_module(), argc, argv); }

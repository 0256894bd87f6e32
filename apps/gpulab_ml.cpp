// SPDX-License-Identifier: MIT
// gpulab-ml: module 7 on its own (the same as `gpulab ml`).
#include "cli.hpp"
#include "gpulab/ml/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::ml::make_module(), argc, argv); }

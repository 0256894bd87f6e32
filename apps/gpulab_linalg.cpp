// SPDX-License-Identifier: MIT
// gpulab-linalg: module 3 on its own (the same as `gpulab linalg`).
#include "cli.hpp"
#include "gpulab/linalg/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::linalg::make_module(), argc, argv); }

// SPDX-License-Identifier: MIT
// gpulab-transfer: module 2 on its own (the same as `gpulab transfer`).
#include "cli.hpp"
#include "gpulab/transfer/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::transfer::make_module(), argc, argv); }

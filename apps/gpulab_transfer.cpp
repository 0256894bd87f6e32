// SPDX-License-Identifier: MIT
// gpulab-transfer: module 2 on its own (the same as `gpulab transfer`).
#include "cli.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main("transfer", argc, argv); }

// SPDX-License-Identifier: MIT
// gpulab-kernels: module 5 on its own (the same as `gpulab kernels`).
#include "cli.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main("kernels", argc, argv); }

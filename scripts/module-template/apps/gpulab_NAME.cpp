// SPDX-License-Identifier: MIT
// gpulab-@name@: module @number@ on its own (the same as `gpulab @name@`).
#include "cli.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main("@name@", argc, argv); }

// SPDX-License-Identifier: MIT
// gpulab-@name@: module @number@ on its own (the same as `gpulab @name@`).
#include "cli.hpp"
#include "gpulab/@name@/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::@name@::make_module(), argc, argv); }

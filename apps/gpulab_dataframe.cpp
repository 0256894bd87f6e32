// SPDX-License-Identifier: MIT
// gpulab-dataframe: module 6 on its own (the same as `gpulab dataframe`).
#include "cli.hpp"
#include "gpulab/dataframe/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::dataframe::make_module(), argc, argv); }

// SPDX-License-Identifier: MIT
// gpulab-device: module 1 on its own (the same as `gpulab device`).
#include "cli.hpp"
#include "gpulab/device/module.hpp"

int main(int argc, char** argv) { return gpulab::cli::module_main(gpulab::device::make_module(), argc, argv); }

// SPDX-License-Identifier: MIT
#include <gpulab/bench/size_parse.hpp>
#include <gpulab/core/device.hpp>
#include <gpulab/core/memory.hpp>

#include <iostream>

int main() {
  std::cout << "parse_size(50M) = " << gpulab::parse_size("50M") << "\n";
  std::cout << "devices: " << gpulab::device_count() << "\n";
  return 0;
}

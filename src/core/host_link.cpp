// SPDX-License-Identifier: MIT
// The host link's peak is not a CUDA attribute: we read what Linux says about
// the device's PCI Express link. Each PCIe generation doubles the transfer rate;
// Gen3 and later lose 2 bits in 130 to the 128b/130b line code.
#include <algorithm>
#include <cctype>
#include <fstream>
#include <string>

#include "gpulab/core/device.hpp"

namespace gpulab {

namespace {
std::string read_first_line(const std::string& path) {
  std::ifstream file(path);
  std::string line;
  if (file) std::getline(file, line);
  return line;
}
}  // namespace

std::optional<host_link_info> query_host_link(const std::string& pci_bus_id) {
  // cudaDeviceGetPCIBusId gives "0000:1B:00.0"; sysfs spells it in lower case.
  std::string id = pci_bus_id;
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const std::string dir = "/sys/bus/pci/devices/" + id + "/";
  // The maximum is what the link can do; "current" can be lower while the GPU idles.
  const std::string speed = read_first_line(dir + "max_link_speed");  // e.g. "32.0 GT/s PCIe"
  const std::string width = read_first_line(dir + "max_link_width");  // e.g. "16"
  if (speed.empty() || width.empty()) return std::nullopt;
  double gigatransfers = 0;
  int lanes = 0;
  try {
    gigatransfers = std::stod(speed);
    lanes = std::stoi(width);
  } catch (...) {
    return std::nullopt;
  }
  if (gigatransfers <= 0 || lanes <= 0) return std::nullopt;
  int generation = 0;
  const double rates[] = {2.5, 5.0, 8.0, 16.0, 32.0, 64.0};
  for (int g = 0; g < 6; ++g) {
    if (gigatransfers > rates[g] * 0.9 && gigatransfers < rates[g] * 1.1) generation = g + 1;
  }
  const double encoding = generation >= 3 ? 128.0 / 130.0 : 0.8;  // Gen1/2 use 8b/10b
  host_link_info link;
  link.description = "PCIe " + (generation ? std::to_string(generation) + ".0" : std::string("?")) + " x" +
                     std::to_string(lanes);
  link.gigabytes_per_second = gigatransfers * lanes * encoding / 8.0;
  return link;
}

}  // namespace gpulab

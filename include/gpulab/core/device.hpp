// SPDX-License-Identifier: MIT
// Device selection and the facts about a GPU that the rest of the kit needs.
// Everything here is asked from the device at run time; the only table we keep
// is the number of FP32/FP64 units per SM, which no CUDA API reports.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace gpulab {

// Number of visible CUDA devices; 0 when there is no GPU or no driver (never throws for that).
int device_count();

// Why there is no device, in words (the runtime's own reason), or "" when there is one.
std::string no_device_reason();

// Throws no_device_error when there is no GPU, usage_error when `index` is out of range.
void require_device_index(int index);

// require_device_index, then makes `index` the current device.
void select_device(int index);

// Makes `index` the current device until the end of the scope, then restores
// the one before (code that serves several GPUs visits one at a time).
class scoped_device {
 public:
  explicit scoped_device(int index);
  ~scoped_device();
  scoped_device(const scoped_device&) = delete;
  scoped_device& operator=(const scoped_device&) = delete;

 private:
  int previous_ = 0;
  bool changed_ = false;
};

// The number of SMs of the current device (or of `device`), asked once per
// device and remembered: grid sizes are multiples of it.
int sm_count();
int sm_count(int device);

// The compute capability of the current device (8.0 Ampere, 9.0 Hopper): what a version
// that needs newer hardware asks before it runs (TF32 tensor cores: major 8), and what
// NVRTC compiles for (rtc::current_architecture).
struct compute_capability_number {
  int major = 0, minor = 0;
};
compute_capability_number current_compute_capability();

// Peak host<->device link bandwidth, read from the PCI link the OS reports
// (/sys/bus/pci/devices/<bus id>/current_link_speed and _width). Empty when unknown.
struct host_link_info {
  std::string description;      // e.g. "PCIe 5.0 x16"
  double gigabytes_per_second;  // per direction, after 128b/130b encoding
};

struct device_info {
  int index = 0;
  std::string name;
  std::string pci_bus_id;
  int cc_major = 0, cc_minor = 0;
  int multiprocessors = 0;
  int warp_size = 32;
  int max_threads_per_block = 0;
  int max_threads_per_multiprocessor = 0;
  int max_blocks_per_multiprocessor = 0;
  int registers_per_multiprocessor = 0;
  std::size_t shared_memory_per_multiprocessor = 0;
  std::size_t shared_memory_per_block_optin = 0;
  std::size_t l2_cache_bytes = 0;
  std::size_t global_memory_bytes = 0;
  int memory_bus_width_bits = 0;
  double memory_clock_khz = 0;  // as reported: the data rate is twice this (DDR)
  double sm_clock_khz = 0;      // peak (boost) clock
  int async_engine_count = 0;   // copy engines: 2 or more lets H2D and D2H overlap
  bool concurrent_managed_access = false;

  // Derived peaks (what the datasheet would say, computed from the attributes).
  int fp32_units_per_sm = 0;  // from the compute capability; 0 when unknown
  int fp64_units_per_sm = 0;
  [[nodiscard]] double theoretical_bandwidth_gbs() const;  // 2 * memory clock * bus width
  [[nodiscard]] double peak_fp32_gflops() const;           // SMs * units * 2 (FMA) * clock
  [[nodiscard]] double peak_fp64_gflops() const;
  [[nodiscard]] std::string compute_capability() const {
    return std::to_string(cc_major) + "." + std::to_string(cc_minor);
  }
  std::optional<host_link_info> host_link;
};

// Queries everything above for device `index` (checked as require_device_index does).
// The current device stays what it was: describing GPU 1 does not move work onto it.
device_info query_device(int index);

// FP32 and FP64 units per SM for a compute capability (0 when we do not know it).
struct units_per_sm {
  int fp32;
  int fp64;
};
units_per_sm arithmetic_units_per_sm(int cc_major, int cc_minor);

// Reads the PCIe link of a device from sysfs; empty when the OS does not tell.
std::optional<host_link_info> query_host_link(const std::string& pci_bus_id);

// Free and total device memory of the current device, in bytes.
struct memory_info {
  std::size_t free_bytes;
  std::size_t total_bytes;
};
memory_info device_memory_info();

// Throws out_of_memory_error (naming both numbers) when `bytes` would not fit in free device memory.
void require_device_memory(std::size_t bytes, const std::string& what_for);

}  // namespace gpulab

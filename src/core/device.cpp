// SPDX-License-Identifier: MIT
#include "gpulab/core/device.hpp"

#include <cuda_runtime_api.h>

#include <mutex>
#include <vector>

#include "gpulab/core/error.hpp"

namespace gpulab {

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();  // no driver or no device: not an error for the caller
    return 0;
  }
  return count;
}

std::string no_device_reason() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  (void)cudaGetLastError();
  if (status == cudaSuccess && count > 0) return "";
  if (status == cudaSuccess) return "the CUDA runtime sees no device";
  return std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
}

void require_device_index(int index) {
  const int count = device_count();
  if (count == 0) {
    throw no_device_error("no CUDA-capable GPU is visible on this machine (" + no_device_reason() + ")");
  }
  if (index < 0 || index >= count) {
    throw usage_error("device index " + std::to_string(index) + " is out of range: this machine has " +
                      std::to_string(count) + " GPU" + (count == 1 ? "" : "s") + " (valid: 0.." +
                      std::to_string(count - 1) + ")");
  }
}

void select_device(int index) {
  require_device_index(index);
  GPULAB_CUDA_TRY(cudaSetDevice(index));
}

scoped_device::scoped_device(int index) {
  GPULAB_CUDA_TRY(cudaGetDevice(&previous_));
  if (index != previous_) {
    GPULAB_CUDA_TRY(cudaSetDevice(index));
    changed_ = true;
  }
}

scoped_device::~scoped_device() {
  if (changed_) (void)cudaSetDevice(previous_);  // destructors never throw
}

int sm_count(int device) {
  // A fact of the hardware that never changes while the program runs: one
  // process-wide table, by device index (0 = not asked yet), behind a lock.
  static std::mutex mutex;
  static std::vector<int> known;
  const std::lock_guard<std::mutex> lock(mutex);
  if (device < 0) throw usage_error("sm_count: no device " + std::to_string(device));
  const auto index = static_cast<std::size_t>(device);
  if (index >= known.size()) known.resize(index + 1, 0);
  if (known[index] == 0) {
    int count = 0;
    GPULAB_CUDA_TRY(cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device));
    known[index] = count;
  }
  return known[index];
}

int sm_count() {
  int device = 0;
  GPULAB_CUDA_TRY(cudaGetDevice(&device));
  return sm_count(device);
}

compute_capability_number current_compute_capability() {
  int device = 0;
  compute_capability_number cc;
  GPULAB_CUDA_TRY(cudaGetDevice(&device));
  GPULAB_CUDA_TRY(cudaDeviceGetAttribute(&cc.major, cudaDevAttrComputeCapabilityMajor, device));
  GPULAB_CUDA_TRY(cudaDeviceGetAttribute(&cc.minor, cudaDevAttrComputeCapabilityMinor, device));
  return cc;
}

units_per_sm arithmetic_units_per_sm(int cc_major, int cc_minor) {
  // From NVIDIA's CUDA C++ Programming Guide, "Arithmetic Instructions" throughput table:
  // results per clock per SM for 32-bit and 64-bit floating-point add/multiply/FMA.
  const int cc = cc_major * 10 + cc_minor;
  switch (cc) {
    case 70: return {64, 32};    // V100
    case 72: return {64, 2};     // Xavier
    case 75: return {64, 2};     // Turing
    case 80: return {64, 32};    // A100
    case 86: return {128, 2};    // consumer Ampere (RTX 30xx)
    case 87: return {128, 2};    // Orin
    case 89: return {128, 2};    // Ada
    case 90: return {128, 64};   // H100, H200
    case 100: return {128, 64};  // B200
    case 103: return {128, 64};  // B300
    case 120: return {128, 2};   // consumer Blackwell
    default: return {0, 0};
  }
}

double device_info::theoretical_bandwidth_gbs() const {
  // Memory clock (kHz) x 2 transfers per clock (double data rate) x bus width in bytes.
  return 2.0 * memory_clock_khz * 1e3 * (memory_bus_width_bits / 8.0) / 1e9;
}

double device_info::peak_fp32_gflops() const {
  return multiprocessors * fp32_units_per_sm * 2.0 * sm_clock_khz * 1e3 / 1e9;  // an FMA is 2 FLOPs
}

double device_info::peak_fp64_gflops() const {
  return multiprocessors * fp64_units_per_sm * 2.0 * sm_clock_khz * 1e3 / 1e9;
}

namespace {
int attribute(cudaDeviceAttr attr, int device) {
  int value = 0;
  GPULAB_CUDA_TRY(cudaDeviceGetAttribute(&value, attr, device));
  return value;
}
}  // namespace

device_info query_device(int index) {
  require_device_index(index);  // asks about `index` without making it the current device
  cudaDeviceProp prop{};
  GPULAB_CUDA_TRY(cudaGetDeviceProperties(&prop, index));
  device_info info;
  info.index = index;
  info.name = prop.name;
  char bus_id[32] = {};
  GPULAB_CUDA_TRY(cudaDeviceGetPCIBusId(bus_id, sizeof bus_id, index));
  info.pci_bus_id = bus_id;
  info.cc_major = prop.major;
  info.cc_minor = prop.minor;
  info.multiprocessors = prop.multiProcessorCount;
  info.warp_size = prop.warpSize;
  info.max_threads_per_block = prop.maxThreadsPerBlock;
  info.max_threads_per_multiprocessor = prop.maxThreadsPerMultiProcessor;
  info.max_blocks_per_multiprocessor = prop.maxBlocksPerMultiProcessor;
  info.registers_per_multiprocessor = prop.regsPerMultiprocessor;
  info.shared_memory_per_multiprocessor = prop.sharedMemPerMultiprocessor;
  info.shared_memory_per_block_optin = prop.sharedMemPerBlockOptin;
  info.l2_cache_bytes = static_cast<std::size_t>(prop.l2CacheSize);
  info.global_memory_bytes = prop.totalGlobalMem;
  info.memory_bus_width_bits = prop.memoryBusWidth;
  // The clock fields left cudaDeviceProp in CUDA 13; the attributes remain.
  info.memory_clock_khz = attribute(cudaDevAttrMemoryClockRate, index);
  info.sm_clock_khz = attribute(cudaDevAttrClockRate, index);
  info.async_engine_count = prop.asyncEngineCount;
  info.concurrent_managed_access = prop.concurrentManagedAccess != 0;
  const units_per_sm units = arithmetic_units_per_sm(prop.major, prop.minor);
  info.fp32_units_per_sm = units.fp32;
  info.fp64_units_per_sm = units.fp64;
  info.host_link = query_host_link(info.pci_bus_id);
  return info;
}

memory_info device_memory_info() {
  std::size_t free_bytes = 0, total_bytes = 0;
  GPULAB_CUDA_TRY(cudaMemGetInfo(&free_bytes, &total_bytes));
  return {free_bytes, total_bytes};
}

void require_device_memory(std::size_t bytes, const std::string& what_for) {
  const memory_info memory = device_memory_info();
  if (bytes > memory.free_bytes) throw out_of_memory_error(bytes, memory.free_bytes, what_for);
}

}  // namespace gpulab

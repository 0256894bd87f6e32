// SPDX-License-Identifier: MIT
// Module 1 as the apps see it: demos that describe the GPU, map threads to data
// and show occupancy. Nothing here is a hard-coded hardware table except the
// FP32/FP64 units per SM (see core/device.cpp), which no API reports.
#include <algorithm>

#include "gpulab/core/format.hpp"
#include "gpulab/device/demos.hpp"
#include "gpulab/device/module.hpp"

namespace gpulab::device {

namespace {

// The facts a trainee should know about each GPU, and the peaks derived from them.
demo_output summary(resources& res, const run_options& /*options*/) {
  demo_output out;
  const int count = device_count();
  for (int d = 0; d < count; ++d) {
    const device_info info = d == res.device_index() ? res.device() : query_device(d);
    table t;
    t.title = "Device " + std::to_string(d) + ": " + info.name;
    t.columns = {"property", "value", "how we know"};
    auto add = [&](const std::string& property, cell value, const std::string& source) {
      t.rows.push_back({cell(property), std::move(value), cell(source)});
    };
    add("compute capability", cell(info.compute_capability()), "cudaDevAttrComputeCapabilityMajor/Minor");
    add("multiprocessors (SMs)", integer_cell(info.multiprocessors), "cudaDevAttrMultiProcessorCount");
    add("warp size", integer_cell(info.warp_size), "cudaDevAttrWarpSize");
    add("max threads per block", integer_cell(info.max_threads_per_block), "cudaDevAttrMaxThreadsPerBlock");
    add("max threads per SM", integer_cell(info.max_threads_per_multiprocessor), "cudaDevAttrMaxThreadsPerMultiProcessor");
    add("max blocks per SM", integer_cell(info.max_blocks_per_multiprocessor), "cudaDevAttrMaxBlocksPerMultiprocessor");
    add("registers per SM", integer_cell(info.registers_per_multiprocessor), "cudaDevAttrMaxRegistersPerMultiprocessor");
    add("shared memory per SM", cell(format_bytes(info.shared_memory_per_multiprocessor),
                                     static_cast<double>(info.shared_memory_per_multiprocessor)),
        "cudaDevAttrMaxSharedMemoryPerMultiprocessor");
    add("L2 cache", cell(format_bytes(info.l2_cache_bytes), static_cast<double>(info.l2_cache_bytes)),
        "cudaDevAttrL2CacheSize");
    add("global memory", cell(format_bytes(info.global_memory_bytes), static_cast<double>(info.global_memory_bytes)),
        "cudaDeviceProp::totalGlobalMem");
    add("memory bus width (bits)", integer_cell(info.memory_bus_width_bits), "cudaDevAttrGlobalMemoryBusWidth");
    add("memory clock (MHz)", number_cell(info.memory_clock_khz / 1e3, 0), "cudaDevAttrMemoryClockRate");
    add("SM clock, peak (MHz)", number_cell(info.sm_clock_khz / 1e3, 0), "cudaDevAttrClockRate");
    add("copy engines", integer_cell(info.async_engine_count), "cudaDevAttrAsyncEngineCount");
    add("theoretical bandwidth (GB/s)", number_cell(info.theoretical_bandwidth_gbs(), 0),
        "2 x memory clock x bus width / 8");
    if (d == res.device_index() && res.ceilings().copy_gbs > 0) {
      add("measured copy bandwidth (GB/s)", number_cell(res.ceilings().copy_gbs, 0),
          "cudaMemcpy device-to-device, this run");
    }
    if (info.fp32_units_per_sm > 0) {
      add("FP32 units per SM", integer_cell(info.fp32_units_per_sm), "CUDA programming guide, by compute capability");
      add("FP64 units per SM", integer_cell(info.fp64_units_per_sm), "CUDA programming guide, by compute capability");
      add("peak FP32 (TFLOP/s)", number_cell(info.peak_fp32_gflops() / 1e3, 1), "SMs x FP32 units x 2 (FMA) x clock");
      add("peak FP64 (TFLOP/s)", number_cell(info.peak_fp64_gflops() / 1e3, 1), "SMs x FP64 units x 2 (FMA) x clock");
      add("FLOPs per byte to be compute-bound (FP32)",
          number_cell(info.peak_fp32_gflops() / info.theoretical_bandwidth_gbs(), 1), "peak FP32 / theoretical bandwidth");
    }
    if (info.host_link) {
      add("host link", cell(info.host_link->description), "/sys/bus/pci/devices/<bus id>/max_link_*");
      add("host link peak per direction (GB/s)", number_cell(info.host_link->gigabytes_per_second, 1),
          "transfer rate x lanes x encoding / 8");
    }
    out.tables.push_back(std::move(t));
  }
  return out;
}

// Every attribute of every visible GPU (what PyCUDA's get_attributes() prints).
demo_output attributes(resources& /*res*/, const run_options& /*options*/) {
  demo_output out;
  const int count = device_count();
  for (int d = 0; d < count; ++d) {
    table t;
    t.title = "All attributes of device " + std::to_string(d);
    t.columns = {"attribute", "value", "meaning"};
    for (const attribute_value& a : all_attributes(d)) t.rows.push_back({cell(a.name), integer_cell(a.value), cell(a.description)});
    out.tables.push_back(std::move(t));
  }
  return out;
}

table matrix_table(const std::string& title, const std::vector<int>& values, int rows, int cols) {
  table t;
  t.title = title;
  t.columns.push_back("row");
  for (int c = 0; c < cols; ++c) t.columns.push_back("c" + std::to_string(c));
  for (int r = 0; r < rows; ++r) {
    std::vector<cell> row{integer_cell(r)};
    for (int c = 0; c < cols; ++c) row.push_back(integer_cell(values[static_cast<std::size_t>(r * cols + c)]));
    t.rows.push_back(std::move(row));
  }
  return t;
}

// The course's map_2d_kernel on a 16 x 16 matrix, with 8 x 8 blocks so that the
// block boundaries are visible.
demo_output index_mapping(resources& res, const run_options& /*options*/) {
  constexpr int rows = 16, cols = 16, bx = 8, by = 8;
  const index_map map = run_index_mapping(rows, cols, bx, by, res.stream());
  demo_output out;
  int wrong = 0;
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      const auto at = static_cast<std::size_t>(r * cols + c);
      const int expected_block = (r / by) * (cols / bx) + c / bx;
      const int expected_thread = (r % by) * bx + c % bx;
      wrong += map.linear_index[at] != r * cols + c || map.block_id[at] != expected_block ||
               map.thread_id[at] != expected_thread;
    }
  }
  out.verified = wrong == 0;
  table linear = matrix_table("Index mapping: the linear index row * 16 + col written by each thread (blocks of 8 x 8)",
                              map.linear_index, rows, cols);
  linear.notes.push_back("x = blockIdx.x * blockDim.x + threadIdx.x runs along a row: neighbouring threads of a warp"
                         " write neighbouring addresses (coalesced)");
  linear.notes.push_back(out.verified ? "verified: every element matches the CPU formula"
                                      : "NOT verified: " + std::to_string(wrong) + " elements differ from the CPU formula");
  out.tables.push_back(std::move(linear));
  out.tables.push_back(matrix_table("Index mapping: which block (blockIdx.y * gridDim.x + blockIdx.x) wrote each element",
                                    map.block_id, rows, cols));
  out.tables.push_back(matrix_table("Index mapping: which thread of its block (threadIdx.y * blockDim.x + threadIdx.x)",
                                    map.thread_id, rows, cols));
  return out;
}

demo_output occupancy(resources& res, const run_options& options) {
  demo_output out;
  for (std::size_t shared : {std::size_t{0}, std::size_t{48} << 10}) {
    table t;
    t.title = "Occupancy of the copy kernel by block size, " + format_bytes(shared) + " shared memory per block";
    t.columns = {"block size", "registers/thread", "blocks/SM", "warps/SM", "occupancy %", "limited by"};
    for (const occupancy_row& r : occupancy_by_block_size(shared)) {
      t.rows.push_back({integer_cell(r.block_size), integer_cell(r.registers_per_thread), integer_cell(r.blocks_per_sm),
                        integer_cell(r.warps_per_sm), number_cell(100 * r.occupancy, 1), cell(r.limited_by)});
    }
    t.notes.push_back("from cudaOccupancyMaxActiveBlocksPerMultiprocessor; 'limited by' ignores register allocation"
                      " granularity");
    out.tables.push_back(std::move(t));
  }
  const std::size_t bytes = std::min<std::size_t>(std::size_t{256} << 20, device_memory_info().free_bytes / 4);
  table t;
  t.title = "Copy bandwidth versus occupancy (256 threads per block, " + format_bytes(bytes) +
            ", occupancy limited by reserving shared memory)";
  t.columns = {"blocks/SM", "occupancy %", "GB/s", "% of measured peak", "verified"};
  const double peak = res.ceilings().copy_gbs;
  for (const bandwidth_at_occupancy& r : bandwidth_versus_occupancy(bytes, options.seed, res.stream())) {
    out.verified = out.verified && r.verified;
    t.rows.push_back({integer_cell(r.blocks_per_sm), number_cell(100 * r.occupancy, 1), number_cell(r.gigabytes_per_second, 0),
                      peak > 0 ? number_cell(100 * r.gigabytes_per_second / peak, 1) : cell("-"),
                      cell(r.verified ? "yes" : "NO")});
  }
  t.notes.push_back("a memory-bound kernel needs many bytes in flight: fewer resident warps, fewer requests, less"
                    " bandwidth (Little's law)");
  out.tables.push_back(std::move(t));
  return out;
}

}  // namespace

training_module make_module() {
  return {
      .name = "device",
      .title = "gpulab module 1: GPU architecture and features",
      .demos = {
          {"summary", "the key properties of every visible GPU and the peaks derived from them", summary},
          {"attributes", "every device attribute with its value, for every visible GPU", attributes},
          {"index_mapping", "which thread writes which element of a 16 x 16 matrix (2D grid of 8 x 8 blocks)",
           index_mapping},
          {"occupancy", "occupancy by block size, and copy bandwidth as occupancy drops", occupancy},
      },
      .tour = {{"summary", std::nullopt}},
  };
}

}  // namespace gpulab::device

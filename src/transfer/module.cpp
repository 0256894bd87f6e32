// SPDX-License-Identifier: MIT
// Module 2 as the apps see it: its cases, its tour items, its comparisons and its plot.
#include <cstdint>
#include <map>

#include "gpulab/core/format.hpp"
#include "gpulab/transfer/cases.hpp"
#include "gpulab/transfer/module.hpp"

namespace gpulab::transfer {

namespace {

constexpr std::size_t course_scale_elements = 50'000'000;  // the course: 50 million float32
// The sabotage test's sizes: odd, so that the copy kernels' byte tails and the
// last partial chunk of the pipeline run too.
constexpr std::uint64_t check_bytes = (std::uint64_t{1} << 20) + 3;
constexpr std::uint64_t check_floats = 100003;

case_entry sweep_entry(copy_kind kind, const std::string& description) {
  return {copy_kind_name(kind), description + " (--size: bytes; default: sweep 4 KiB..1 GiB)",
          [kind](const run_options& options) {
            std::vector<std::unique_ptr<bench_case>> cases;
            if (options.size) {
              cases.push_back(make_copy_case(kind, *options.size));
            } else {
              for (std::size_t bytes : sweep_sizes()) cases.push_back(make_copy_case(kind, bytes));
            }
            return cases;
          },
          check_bytes};
}

case_entry scale_entry(scale_kind kind, const std::string& description) {
  return {scale_kind_name(kind), description + " (--size: floats; default 50M)",
          one_case([kind](const run_options& options) {
            return make_scale_case(kind, options.size.value_or(course_scale_elements));
          }),
          check_floats};
}

case_entry pipeline_entry(int streams) {
  const std::string name = "pipeline_" + std::to_string(streams) + (streams == 1 ? "_stream" : "_streams");
  return {name,
          "copy in, compute, copy back in 16 chunks over " + std::to_string(streams) +
              " stream(s) (--size: floats; default 2^26)",
          one_case([streams](const run_options& options) {
            overlap_config config;
            config.streams = streams;
            if (options.size) config.n = *options.size;
            return make_overlap_case(config);
          }),
          check_floats};
}

// One kind of copy, by its fields; the largest size where a sweep gave several.
const case_result* find(const std::vector<case_result>& results, const std::string& operation,
                        const std::string& version) {
  return find_verified(results, {.operation = operation, .version = version});
}

std::vector<std::string> compare(const std::vector<case_result>& results) {
  std::vector<std::string> lines;
  if (const auto *kernel = find(results, "d2d", "copy_kernel"), *memcpy = find(results, "d2d", "memcpy");
      kernel != nullptr && memcpy != nullptr && kernel->size_value == memcpy->size_value) {
    lines.push_back("copy kernel vs cudaMemcpy device-to-device at " + kernel->size_label + ": " +
                    format_fixed(100.0 * kernel->gigabytes_per_second() / memcpy->gigabytes_per_second(), 1) + "%");
  }
  if (const auto *wide = find(results, "d2d", "copy_wide_tile"), *memcpy = find(results, "d2d", "memcpy");
      wide != nullptr && memcpy != nullptr && wide->size_value == memcpy->size_value) {
    lines.push_back("copy kernel, 32 KiB tiles, vs cudaMemcpy device-to-device at " + wide->size_label + ": " +
                    format_fixed(100.0 * wide->gigabytes_per_second() / memcpy->gigabytes_per_second(), 1) + "%");
  }
  for (const char* direction : {"h2d", "d2h"}) {
    const auto* pinned = find(results, direction, "pinned");
    const auto* pageable = find(results, direction, "pageable");
    if (pinned != nullptr && pageable != nullptr && pinned->size_value == pageable->size_value) {
      lines.push_back(std::string(direction) + " at " + pinned->size_label + ": pinned " +
                      format_fixed(pinned->gigabytes_per_second(), 1) + " GB/s vs pageable " +
                      format_fixed(pageable->gigabytes_per_second(), 1) + " GB/s");
    }
  }
  if (const auto *tiled = find(results, "d2d", "copy_kernel"), *strided = find(results, "d2d", "copy_grid_stride");
      tiled != nullptr && strided != nullptr && tiled->size_value == strided->size_value) {
    lines.push_back("tile-per-block copy vs grid-stride copy at " + tiled->size_label + ": " +
                    format_fixed(tiled->gigabytes_per_second(), 0) + " vs " +
                    format_fixed(strided->gigabytes_per_second(), 0) + " GB/s");
  }
  if (const auto *one = find(results, "pipeline", "1_stream"), *many = find(results, "pipeline", "4_streams");
      one != nullptr && many != nullptr) {
    lines.push_back("pipeline over 4 streams: " + format_fixed(one->gpu.median_ms / many->gpu.median_ms, 2) +
                    "x faster than the same work on one stream");
  }
  if (const auto *resident = find(results, "scale_by_2", "device_resident"),
      *copies = find(results, "scale_by_2", "pageable_copies");
      resident != nullptr && copies != nullptr) {
    lines.push_back("scale by 2: counting the copies from pageable memory makes it " +
                    format_fixed(copies->gpu.median_ms / resident->gpu.median_ms, 0) +
                    "x slower than the kernel on data already on the GPU");
  }
  return lines;
}

// Bandwidth versus size, one line per kind of copy that was swept.
line_plot bandwidth_plot(const std::vector<case_result>& results) {
  line_plot plot;
  plot.title = "Bandwidth versus transfer size";
  plot.x_label = "transfer size (bytes)";
  plot.y_label = "GB/s";
  plot.log2_x = true;
  plot.log10_y = true;  // host links (GB/s) and device memory (TB/s) on one figure
  std::vector<std::string> order;
  std::map<std::string, plot_series> by_name;
  for (const case_result& r : results) {
    if (r.error) continue;  // a case that could not run has no bandwidth
    if (r.parameters.operation == "scale_by_2" || r.parameters.operation == "pipeline") continue;  // not a sweep
    if (by_name.count(r.name) == 0) order.push_back(r.name);
    plot_series& s = by_name[r.name];
    s.name = r.name;
    s.x.push_back(r.size_value);
    s.y.push_back(r.gigabytes_per_second());
  }
  for (const std::string& name : order) plot.series.push_back(by_name[name]);
  return plot;
}

}  // namespace

training_module make_module() {
  const std::uint64_t mib64 = std::uint64_t{64} << 20, gib1 = std::uint64_t{1} << 30;
  return {
      .name = "transfer",
      .title = "gpulab module 2: moving data between host and device",
      .cases = {
          sweep_entry(copy_kind::h2d_pageable, "host (pageable) to device"),
          sweep_entry(copy_kind::h2d_pinned, "host (pinned) to device"),
          sweep_entry(copy_kind::d2h_pageable, "device to host (pageable)"),
          sweep_entry(copy_kind::d2h_pinned, "device to host (pinned)"),
          sweep_entry(copy_kind::d2d_memcpy, "device to device with cudaMemcpy"),
          sweep_entry(copy_kind::d2d_copy_kernel, "device to device with the kit's copy kernel (a tile per block)"),
          sweep_entry(copy_kind::d2d_copy_grid_stride, "device to device with a grid-stride copy kernel"),
          sweep_entry(copy_kind::d2d_copy_wide_tile,
                      "device to device with the copy kernel's 32 KiB tiles (8 vectors per thread)"),
          sweep_entry(copy_kind::managed_on_demand, "managed memory read by a kernel, migrated by page faults"),
          sweep_entry(copy_kind::managed_prefetch, "managed memory prefetched to the device, then read"),
          scale_entry(scale_kind::device_resident, "multiply by 2, data already on the GPU"),
          scale_entry(scale_kind::pageable_copies, "multiply by 2, copies from/to pageable memory counted"),
          scale_entry(scale_kind::pinned_copies, "multiply by 2, copies from/to pinned memory counted"),
          pipeline_entry(1),
          pipeline_entry(4),
      },
      .tour = {{"h2d_pageable", mib64},
               {"h2d_pinned", mib64},
               {"d2h_pinned", mib64},
               {"d2d_memcpy", gib1},
               {"d2d_copy_kernel", gib1},
               {"scale_by_2_device_resident", std::nullopt},
               {"scale_by_2_with_pageable_copies", std::nullopt},
               {"pipeline_1_stream", std::nullopt},
               {"pipeline_4_streams", std::nullopt}},
      .compare = compare,
      .plot = bandwidth_plot,
  };
}

}  // namespace gpulab::transfer

// SPDX-License-Identifier: MIT
// A benchmark case: one version of one computation at one size, with its CPU
// reference. The runner (runner.hpp) drives every case through the same protocol:
//
//   setup (seeded inputs) -> CPU reference/baseline -> poison -> GPU -> verify
//   -> warm-up -> timed repeats (CUDA events) -> verify again (output of the last timed run)
//
// A case declares how many bytes it must move and how many FLOPs it must do, so
// that the report can turn time into GB/s, GFLOP/s and % of peak, and what it
// computes and how (case_parameters), so that comparisons find it by its fields.
#pragma once

#include <cstdint>
#include <cuda/stream_ref>
#include <string>

namespace gpulab {

class resources;  // core/resources.hpp: the device's stream, ceilings and library handles

// What a case computes and how: the fields the report carries beside the name,
// and the ones the modules' comparison lines look cases up by. Names are for
// people ("sum_multi_element"); fields are for lookups and scripts.
struct case_parameters {
  std::string operation = {};     // what is computed: "sum", "dot", "transpose", "gemm", "h2d", "uniform"
  std::string version = {};       // how: "multi_element", "cub", "tiled_padded", "pinned", "philox"
  std::string element_type = {};  // the data: "float", "double", "bf16", "byte"
};

// The fewest bytes the computation must move (each input read once, each output
// written once) and its floating-point operations.
struct work_amount {
  double bytes = 0;
  double flops = 0;
  double items = 0;  // things produced where bytes and FLOPs say little (random numbers, darts): G items/s
};

// Which ceiling "% of peak" refers to.
enum class peak_kind {
  device_memory,  // the device-to-device copy bandwidth measured in the same run
  host_link,      // the PCIe link's theoretical bandwidth (per direction)
  none,           // no meaningful ceiling (e.g. a mix of transfers and compute)
};

struct verification {
  bool passed = false;
  std::string detail;  // e.g. "max rel err 1.2e-07 (tol 1e-06)" or "first mismatch at 17"
};

class bench_case {
 public:
  virtual ~bench_case() = default;

  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::string size_label() const = 0;  // "64 MiB", "50000000 floats"
  [[nodiscard]] virtual double size_value() const = 0;       // the number behind the label (bytes or elements)
  [[nodiscard]] virtual std::size_t device_bytes_needed() const = 0;  // checked against free memory first
  [[nodiscard]] virtual work_amount work() const = 0;
  [[nodiscard]] virtual peak_kind peak() const { return peak_kind::device_memory; }
  // Every case of the kit declares its fields; empty ones match only filters that leave them out.
  [[nodiscard]] virtual case_parameters parameters() const { return {}; }

  // Called once before setup() with the resources of the device the case runs
  // on. A case that uses a library handle takes it here (linalg::blas(res)) and
  // does not make its own; setup() and the rest then get res.stream().
  virtual void attach(resources& /*res*/) {}
  // Allocate and fill the inputs from `seed`. Nothing here is timed.
  virtual void setup(std::uint64_t seed, cuda::stream_ref s) = 0;
  // Compute the reference on the CPU. Timed as the CPU baseline when has_cpu_baseline().
  virtual void run_cpu() = 0;
  [[nodiscard]] virtual bool has_cpu_baseline() const { return true; }
  // Overwrite every output with garbage (NaN, 0xFF bytes) so an unwritten element fails.
  virtual void poison_outputs(cuda::stream_ref s) = 0;
  // The GPU version: only enqueue work on `s` (the runner times it with events).
  virtual void run_gpu(cuda::stream_ref s) = 0;
  // Compare the GPU output with the CPU reference.
  virtual verification verify(cuda::stream_ref s) = 0;
  // Runs before every timed repeat, outside the timed region (e.g. move managed pages back to the host).
  virtual void before_repeat(cuda::stream_ref /*s*/) {}
  // Memory-bound cases want a cold L2 for each repeat; the runner flushes it unless this is false.
  [[nodiscard]] virtual bool flush_l2() const { return true; }
};

}  // namespace gpulab

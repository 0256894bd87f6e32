// SPDX-License-Identifier: MIT
// A benchmark case: one version of one computation at one size, with its CPU
// reference. The runner (runner.hpp) drives every case through the same protocol:
//
//   check host and device memory -> setup (seeded inputs)
//   -> CPU reference/baseline (or, past the CPU budget, a check that scales)
//   -> poison the outputs -> GPU -> verify
//   -> warm-up and timed repeats (CUDA events), the outputs poisoned before each
//   -> verify again (the output of the last timed run)
//
// A case declares how many bytes it must read and write and how many FLOPs it
// must do, so that the report can turn time into GB/s, GFLOP/s and % of the
// ceiling of its own mix; where its outputs are, so that the runner (not the
// case) poisons them and a test can sabotage them; and what it computes and how
// (case_parameters), so that comparisons find it by its fields.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <string>
#include <type_traits>
#include <vector>

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

// The fewest bytes the computation must read and write (each input read once,
// each output written once) and its floating-point operations. GB/s is
// (read + written) / time; "% peak" compares it with the ceiling of the same mix.
// Write them by name: work_amount{.bytes_read = 4.0 * n, .bytes_written = 4.0 * n}.
struct work_amount {
  double bytes_read = 0;     // a host<->device transfer counts the bytes that cross the link here, once
  double bytes_written = 0;
  double flops = 0;
  double items = 0;  // things produced where bytes and FLOPs say little (random numbers, darts): G items/s
  [[nodiscard]] double bytes() const { return bytes_read + bytes_written; }
};

// Which ceiling "% of peak" refers to.
enum class peak_kind {
  device_memory,  // the measured device-memory ceiling of the case's read/write mix (ceilings.hpp)
  host_link,      // the PCIe link's theoretical bandwidth (per direction)
  none,           // no meaningful ceiling (e.g. a mix of transfers and compute)
};

struct verification {
  bool passed = false;
  std::string detail;  // e.g. "max rel err 1.2e-07 (tol 1e-06)" or "first mismatch at 17"
  std::string check = {};  // which check ran, for the row: "vs CPU", "Freivalds", "residual", "5 sigma"
};

// What one output element is, so that a test can perturb it (tests/course/sabotage).
enum class element_kind { f32, f64, bf16, u8, u32, i32, u64 };
template <class T>
constexpr element_kind element_kind_of() {
  if constexpr (std::is_same_v<T, float>) return element_kind::f32;
  else if constexpr (std::is_same_v<T, double>) return element_kind::f64;
  else if constexpr (std::is_same_v<T, unsigned char>) return element_kind::u8;
  else if constexpr (std::is_same_v<T, std::uint32_t>) return element_kind::u32;
  else if constexpr (std::is_same_v<T, std::int32_t>) return element_kind::i32;
  else if constexpr (std::is_same_v<T, std::uint64_t> || std::is_same_v<T, unsigned long long>) return element_kind::u64;
  else static_assert(sizeof(T) == 0, "element_kind_of: add this type (bf16: say element_kind::bf16)");
}
constexpr std::size_t element_bytes(element_kind k) {
  switch (k) {
    case element_kind::f64:
    case element_kind::u64: return 8;
    case element_kind::f32:
    case element_kind::u32:
    case element_kind::i32: return 4;
    case element_kind::bf16: return 2;
    case element_kind::u8: return 1;
  }
  return 1;
}

// One buffer the GPU version writes: the runner fills it with 0xFF bytes (NaN
// for floats, all ones for integers) before every GPU run, so an element the
// GPU does not write fails the check. Host outputs (a device-to-host copy's
// destination) are poisoned by the CPU after the stream is idle.
struct output_region {
  void* data = nullptr;
  std::size_t elements = 0;
  element_kind kind = element_kind::u8;
  bool on_host = false;
  [[nodiscard]] std::size_t bytes() const { return elements * element_bytes(kind); }
};
// The region of a contiguous buffer (device_buffer, pinned_buffer, std::vector...).
template <class T>
output_region output_of(T* data, std::size_t elements, bool on_host = false) {
  return {static_cast<void*>(data), elements, element_kind_of<std::remove_cv_t<T>>(), on_host};
}

class bench_case {
 public:
  virtual ~bench_case() = default;

  [[nodiscard]] virtual std::string name() const = 0;
  [[nodiscard]] virtual std::string size_label() const = 0;  // "64 MiB", "50000000 floats"
  [[nodiscard]] virtual double size_value() const = 0;       // the number behind the label (bytes or elements)
  [[nodiscard]] virtual std::size_t device_bytes_needed() const = 0;  // checked against free memory first
  // Host bytes the case allocates (inputs, references, staging): checked against
  // the memory the process may still take (host_memory.hpp) before setup().
  [[nodiscard]] virtual std::size_t host_bytes_needed() const = 0;
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
  // Seconds the CPU reference is expected to take, from its work (--cpu auto
  // skips references past its budget). The default assumes a few cores of plain
  // loops: 10 GFLOP/s, 5 GB/s, 0.2 G items/s; a case whose reference does more
  // (or other) work than the GPU says so here.
  [[nodiscard]] virtual double estimated_cpu_seconds() const {
    const work_amount w = work();
    return std::max({w.flops / 10e9, w.bytes() / 5e9, w.items / 0.2e9});
  }
  // A check that needs no CPU reference and scales to any size (Freivalds' test
  // for a product, the residual of a factorization, a statistical bound). When
  // the runner skips the CPU (--cpu off, or auto past its budget) it calls
  // use_scalable_check() instead of run_cpu(); verify() then runs that check.
  [[nodiscard]] virtual bool has_scalable_check() const { return false; }
  virtual void use_scalable_check() {}
  // Every buffer the GPU version writes (see output_region): the runner poisons
  // them before every GPU run, and the sabotage test overwrites them.
  [[nodiscard]] virtual std::vector<output_region> outputs() = 0;
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

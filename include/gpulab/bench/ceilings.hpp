// SPDX-License-Identifier: MIT
// The memory ceilings a run measures before its cases, so that each case's
// "% of peak" is against the ceiling of its own access mix: a kernel that only
// reads is compared with a read-only stream, not with a copy (which reads and
// writes, and on HBM runs slower per byte than either alone).
#pragma once

#include <cstddef>
#include <cuda/stream_ref>

namespace gpulab {

struct memory_ceilings {
  double copy_gbs = 0;   // cudaMemcpy device-to-device: bytes read + bytes written per second
  double read_gbs = 0;   // a read-only stream (16-byte loads, every byte read once)
  double write_gbs = 0;  // a write-only stream (16-byte stores)
  std::size_t bytes = 0; // the size each measurement moved through

  // The ceiling for a case that reads `read` bytes and writes `written` bytes: the
  // time the three measured streams predict for that mix, as bytes per second.
  // Pure reads -> read_gbs, pure writes -> write_gbs, equal parts -> copy_gbs;
  // other mixes in proportion (the copy's rate for the paired part, the read or
  // write rate for what is left over). 0 when nothing was measured.
  [[nodiscard]] double ceiling_gbs(double read, double written) const;
};

// Measures the three streams on `bytes`-sized buffers (median of 10 after 3 warm-ups).
memory_ceilings measure_memory_ceilings(cuda::stream_ref s, std::size_t bytes);

}  // namespace gpulab

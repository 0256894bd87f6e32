// SPDX-License-Identifier: MIT
// Emptying the L2 cache before a timed repeat, so that a memory-bound case reads
// from DRAM every time, as it would on data it had not touched just before.
#pragma once

#include <cstddef>
#include <cuda/stream_ref>

#include "gpulab/core/memory.hpp"

namespace gpulab {

// A buffer twice the size of L2 that is *read* before each repeat. Reading it
// evicts whatever the case left in L2 and leaves only clean lines behind. The first
// version wrote the buffer (a memset): that evicts too, but leaves L2 full of dirty
// lines that the timed kernel then has to write back to DRAM. Measured on the H200
// (60 MB of L2), a 160 MB read kernel took 0.0479 ms after that memset against
// 0.0383 ms with no flush at all: the write-back, not the cold cache, cost most of it.
class l2_flusher {
 public:
  // bytes_of_l2 = 0 (a case that wants a warm L2): flush() does nothing.
  l2_flusher(std::size_t bytes_of_l2, cuda::stream_ref s);
  void flush(cuda::stream_ref s);

 private:
  device_buffer<unsigned char> buffer_;
  device_buffer<int> sink_;
};

}  // namespace gpulab

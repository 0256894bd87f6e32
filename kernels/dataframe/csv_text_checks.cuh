// SPDX-License-Identifier: MIT
// NUL bytes and invalid UTF-8, found in parallel: byte_problem (csv_syntax.hpp)
// looks at most 3 bytes either side, so every byte can be judged on its own, and
// the first bad byte is the smallest offset any thread reports (atomicMin).
// Nearly every 16-byte block is plain ASCII and costs one aligned load and a few
// compares: a memory-bound pass at about the read bandwidth.
#pragma once

#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/csv_kernels.hpp"
#include "gpulab/dataframe/csv_syntax.hpp"
#include "kernels/dataframe/csv_boundaries.cuh"

namespace gpulab::dataframe::kernels {

// [snippet:find_byte_problems]
static __global__ void find_byte_problems(csv_device_text text, unsigned long long* key) {
  const std::uint64_t head = misalignment(text.data);
  const std::uint64_t blocks = (head + text.size + 15) / 16;
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data);
  for (auto block = static_cast<std::uint64_t>(global_thread_id()); block < blocks;
       block += static_cast<std::uint64_t>(grid_thread_count())) {
    const sixteen_bytes b = load_sixteen(text, head, block);
    // Plain ASCII without NUL (nearly every block): no byte past 0x7F, none equal to 0.
    const uint4 w = b.words;
    const unsigned high = (w.x | w.y | w.z | w.w) & 0x80808080u;
    const unsigned zero = __vcmpeq4(w.x, 0) | __vcmpeq4(w.y, 0) | __vcmpeq4(w.z, 0) | __vcmpeq4(w.w, 0);
    if (high == 0 && zero == 0) continue;
    for (int j = 0; j < 16; ++j) {
      const std::int64_t i = b.first + j;
      // Only NUL and bytes past ASCII can be wrong (outside the text, bytes read as 0: skip them).
      if (i < 0 || static_cast<std::uint64_t>(i) >= text.size || static_cast<unsigned char>(b[j] - 1) < 0x7F) continue;
      const csv_problem p = byte_problem(bytes, text.size, static_cast<std::uint64_t>(i));
      if (p != csv_problem::none) {
        atomicMin(key, problem_key(text.file_offset + static_cast<std::uint64_t>(i), p));
        break;  // this thread's first; later bytes cannot be smaller
      }
    }
  }
}
// [/snippet:find_byte_problems]

}  // namespace gpulab::dataframe::kernels

// SPDX-License-Identifier: MIT
// The ceiling kernels do the work they are timed for, and the three ceilings come out plausible.
#include <gtest/gtest.h>

#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/ceilings.hpp"
#include "gpulab/core/bandwidth_kernels.cuh"
#include "gpulab/core/memory.hpp"

class CeilingsGpu : public GpuStreamTest {};

TEST_F(CeilingsGpu, CeilingKernelsWriteEveryVectorAndReadWithoutWriting) {
  const std::int64_t n = 1000003;  // not a multiple of a tile
  gpulab::device_buffer<int4> out(static_cast<std::size_t>(n), s);
  out.fill_bytes_async(0xFF, s);
  const unsigned blocks = static_cast<unsigned>((n + 1023) / 1024);
  gpulab::write_tiled_vectorized<4><<<blocks, 256, 0, s.get()>>>(out.data(), n, int4{7, -8, 9, -10});
  GPULAB_CHECK_LAUNCH();
  const std::vector<int4> written = gpulab::download(out, s);
  for (std::int64_t i = 0; i < n; ++i) {
    const int4 v = written[static_cast<std::size_t>(i)];
    ASSERT_TRUE(v.x == 7 && v.y == -8 && v.z == 9 && v.w == -10) << "vector " << i;
  }
  gpulab::device_buffer<int> sink(1, s);
  sink.fill_bytes_async(0, s);
  // The XOR of the four words {7, -8, 9, -10} is never -1: nothing is written.
  gpulab::read_tiled_vectorized<4><<<blocks, 256, 0, s.get()>>>(out.data(), n, -1, sink.data());
  GPULAB_CHECK_LAUNCH();
  EXPECT_EQ(gpulab::download(sink, s)[0], 0);
  // ... and a `never` the data does produce is written: the loads are real.
  const int folded = 7 ^ -8 ^ 9 ^ -10;
  gpulab::read_tiled_vectorized<4><<<1, 256, 0, s.get()>>>(out.data(), 1, folded, sink.data());
  GPULAB_CHECK_LAUNCH();
  EXPECT_EQ(gpulab::download(sink, s)[0], folded);
}

TEST_F(CeilingsGpu, ThreeCeilingsAreMeasured) {
  const gpulab::memory_ceilings c = gpulab::measure_memory_ceilings(s, 256u << 20);
  EXPECT_GT(c.copy_gbs, 10.0);
  EXPECT_GT(c.read_gbs, 10.0);
  EXPECT_GT(c.write_gbs, 10.0);
  EXPECT_EQ(c.bytes, 256u << 20);
  // How the three compare is the benchmark's business (`gpulab device` prints them): tests assert no timings.
}

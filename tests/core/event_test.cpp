// SPDX-License-Identifier: MIT
#include "gpulab/core/event.hpp"

#include <gtest/gtest.h>
#include <nvtx3/nvtx3.hpp>

#include "common/gpu_test.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace {

class Events : public GpuTest {};

TEST_F(Events, TimerReturnsOnePositiveTimePerRepeat) {
  gpulab::stream s;
  gpulab::device_buffer<unsigned char> a(64 << 20, s), b(64 << 20, s);
  a.fill_bytes_async(0x5A, s);  // a copy of unwritten memory is what initcheck reports
  int before = 0;
  nvtx3::scoped_range range{"event test"};
  const auto times = gpulab::time_on_stream(
      s, 2, 5,
      [&] { GPULAB_CUDA_TRY(cudaMemcpyAsync(b.data(), a.data(), a.bytes(), cudaMemcpyDeviceToDevice, s.get())); },
      [&] { ++before; });
  ASSERT_EQ(times.size(), 5u);
  EXPECT_EQ(before, 7);  // before_each runs before warm-ups and repeats
  for (double t : times) {
    EXPECT_GT(t, 0.0);
    EXPECT_LT(t, 1000.0);
  }
}

TEST_F(Events, LongerWorkTakesLonger) {
  gpulab::stream s;
  gpulab::device_buffer<unsigned char> a(256 << 20, s), b(256 << 20, s);
  auto copy = [&](std::size_t bytes) {
    return gpulab::time_on_stream(s, 1, 3, [&] {
      GPULAB_CUDA_TRY(cudaMemcpyAsync(b.data(), a.data(), bytes, cudaMemcpyDeviceToDevice, s.get()));
    });
  };
  const double small = copy(1 << 20)[2], large = copy(256 << 20)[2];
  EXPECT_GT(large, 4 * small);  // 256x the bytes: certainly more than 4x the time
}

TEST_F(Events, StreamsAndEventsMove) {
  gpulab::stream a;
  cudaStream_t raw = a.get();
  gpulab::stream b(std::move(a));
  EXPECT_EQ(b.get(), raw);
  EXPECT_EQ(a.get(), nullptr);
  gpulab::event e;
  e.record(b);
  gpulab::event f(std::move(e));
  f.synchronize();
}

}  // namespace

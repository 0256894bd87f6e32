// SPDX-License-Identifier: MIT
#include "gpulab/core/memory.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/stream.hpp"

namespace {

class Memory : public GpuTest {};

TEST_F(Memory, DeviceRoundTripAtOddSizes) {
  gpulab::stream s;
  for (std::size_t n : {1u, 31u, 127u, 1000003u}) {
    std::vector<float> host(n), back(n, -1.0f);
    gpulab::fill_uniform(host, n, -1.0f, 1.0f);
    gpulab::device_buffer<float> d(n, s);
    EXPECT_EQ(d.size(), n);
    EXPECT_EQ(d.bytes(), n * sizeof(float));
    gpulab::copy_to_device_async(std::span<const float>(host), d, s);
    gpulab::copy_to_host_async(d, std::span<float>(back), s);
    s.synchronize();
    EXPECT_EQ(host, back) << n;
  }
}

TEST_F(Memory, PoisonMakesNaN) {
  gpulab::stream s;
  gpulab::device_buffer<float> d(17, s);
  d.fill_bytes_async(0xFF, s);
  std::vector<float> back(17, 0.0f);
  gpulab::copy_to_host_async(d, std::span<float>(back), s);
  s.synchronize();
  for (float x : back) EXPECT_TRUE(std::isnan(x));
}

TEST_F(Memory, BuffersMoveAndTheSourceIsEmptied) {
  gpulab::stream s;
  gpulab::device_buffer<int> a(100, s);
  int* p = a.data();
  gpulab::device_buffer<int> b(std::move(a));
  EXPECT_EQ(b.data(), p);
  EXPECT_EQ(a.data(), nullptr);  // NOLINT(bugprone-use-after-move): the moved-from state is part of the contract
  EXPECT_EQ(a.size(), 0u);
  gpulab::device_buffer<int> c;
  c = std::move(b);
  EXPECT_EQ(c.data(), p);
  gpulab::pinned_buffer<double> h(10);
  gpulab::pinned_buffer<double> h2(std::move(h));
  EXPECT_EQ(h.data(), nullptr);
  EXPECT_EQ(h2.size(), 10u);
  s.synchronize();
}

TEST_F(Memory, ZeroSizedBuffersAreEmpty) {
  gpulab::stream s;
  gpulab::device_buffer<float> d(0, s);
  EXPECT_EQ(d.data(), nullptr);
  gpulab::pinned_buffer<float> p(0);
  EXPECT_EQ(p.data(), nullptr);
}

TEST_F(Memory, TooLargeAllocationNamesBothNumbers) {
  gpulab::stream s;
  const std::size_t huge = std::size_t{1} << 50;  // a petabyte
  try {
    gpulab::device_buffer<unsigned char> d(huge, s);
    FAIL() << "allocated a petabyte";
  } catch (const gpulab::out_of_memory_error& e) {
    EXPECT_EQ(e.requested_bytes(), huge);
    EXPECT_GT(e.available_bytes(), 0u);
    EXPECT_NE(std::string(e.what()).find(std::to_string(huge)), std::string::npos);
  }
  EXPECT_THROW({ gpulab::managed_buffer<unsigned char> managed(huge); }, gpulab::out_of_memory_error);
  EXPECT_THROW(gpulab::require_device_memory(huge, "a test"), gpulab::out_of_memory_error);
  // The device is still usable afterwards.
  gpulab::device_buffer<float> ok(10, s);
  ok.fill_bytes_async(0, s);
  s.synchronize();
}

TEST_F(Memory, PinnedAndManagedAreUsableFromBothSides) {
  gpulab::stream s;
  const std::size_t n = 4099;
  gpulab::pinned_buffer<float> pinned(n);
  gpulab::managed_buffer<float> managed(n);
  gpulab::fill_uniform(pinned.span(), 3, 0.0f, 1.0f);
  std::memcpy(managed.data(), pinned.data(), pinned.bytes());  // the host writes managed memory directly
  managed.prefetch_async(0, s);
  gpulab::device_buffer<float> d(n, s);
  GPULAB_CUDA_TRY(cudaMemcpyAsync(d.data(), managed.data(), managed.bytes(), cudaMemcpyDefault, s.get()));
  std::vector<float> back(n);
  gpulab::copy_to_host_async(d, std::span<float>(back), s);
  s.synchronize();
  EXPECT_EQ(0, std::memcmp(back.data(), pinned.data(), pinned.bytes()));
}

TEST_F(Memory, CopyHelpersCheckSizes) {
  gpulab::stream s;
  gpulab::device_buffer<float> d(4, s);
  std::vector<float> five(5), three(3);
  EXPECT_THROW(gpulab::copy_to_device_async(std::span<const float>(five), d, s), gpulab::usage_error);
  EXPECT_THROW(gpulab::copy_to_host_async(d, std::span<float>(three), s), gpulab::usage_error);
  s.synchronize();
}

}  // namespace

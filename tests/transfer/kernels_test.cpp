// SPDX-License-Identifier: MIT
// Module 2's kernels at awkward sizes and alignments, with poisoned outputs and
// guard cells: the vector paths, the scalar tails and the fallbacks.
#include "gpulab/transfer/kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace {

class TransferKernels : public GpuTest {};

constexpr std::size_t guard = 64;

TEST_F(TransferKernels, CopyKernelsAtEverySizeAndAlignment) {
  gpulab::stream s;
  for (auto copy : {gpulab::copy_tiled_async, gpulab::copy_grid_stride_async}) {
    for (std::size_t n : {1u, 15u, 16u, 17u, 31u, 127u, 4099u, 1000003u}) {
      for (std::size_t offset : {0u, 1u, 4u, 16u}) {
        const std::size_t total = n + offset + guard;
        std::vector<unsigned char> host(total), back(total);
        gpulab::fill_random_bytes(host, n * 31 + offset);
        gpulab::device_buffer<unsigned char> in(total, s), out(total, s);
        gpulab::copy_to_device_async(std::span<const unsigned char>(host), in, s);
        out.fill_bytes_async(0xAB, s);
        copy({in.data() + offset, n}, {out.data() + offset, n}, s);
        gpulab::copy_to_host_async(out, std::span<unsigned char>(back), s);
        s.synchronize();
        ASSERT_EQ(0, std::memcmp(host.data() + offset, back.data() + offset, n)) << "n=" << n << " offset=" << offset;
        for (std::size_t i = 0; i < offset; ++i) ASSERT_EQ(back[i], 0xAB) << "wrote before the range";
        for (std::size_t i = offset + n; i < total; ++i) ASSERT_EQ(back[i], 0xAB) << "wrote past the range";
      }
    }
  }
}

TEST_F(TransferKernels, CopyOneElementPerThread) {
  gpulab::stream s;
  for (std::size_t n : {1u, 31u, 1000003u}) {
    std::vector<float> host(n), back(n);
    gpulab::fill_uniform(host, n, -5.0f, 5.0f);
    gpulab::device_buffer<float> in(n, s), out(n, s);
    gpulab::copy_to_device_async(std::span<const float>(host), in, s);
    out.fill_bytes_async(0xFF, s);
    gpulab::copy_one_element_per_thread_async(in.span(), out.span(), s);
    gpulab::copy_to_host_async(out, std::span<float>(back), s);
    s.synchronize();
    EXPECT_EQ(host, back) << n;
  }
}

TEST_F(TransferKernels, ScaleIsExactAtOddSizesAndOffsets) {
  gpulab::stream s;
  for (std::size_t n : {1u, 3u, 4u, 5u, 127u, 1000003u}) {
    for (std::size_t offset : {0u, 1u}) {  // offset 1 float: not 16-byte aligned, the scalar path
      std::vector<float> host(n + offset), back(n + offset);
      gpulab::fill_uniform(host, n + offset, -1e3f, 1e3f);
      gpulab::device_buffer<float> in(n + offset, s), out(n + offset + guard, s);
      gpulab::copy_to_device_async(std::span<const float>(host), in, s);
      out.fill_bytes_async(0xFF, s);
      gpulab::scale_async({in.data() + offset, n}, {out.data() + offset, n}, 0.31f, s);
      std::vector<float> all(n + offset + guard);
      gpulab::copy_to_host_async(out, std::span<float>(all), s);
      s.synchronize();
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(all[offset + i], 0.31f * host[offset + i]) << "n=" << n << " i=" << i;
      }
      for (std::size_t i = offset + n; i < all.size(); ++i) ASSERT_TRUE(std::isnan(all[i])) << "wrote past the end";
    }
  }
}

TEST_F(TransferKernels, RepeatedFmaMatchesTheCpuBitForBit) {
  gpulab::stream s;
  const std::size_t n = 100003;
  std::vector<float> host(n), back(n);
  gpulab::fill_uniform(host, 9, -1.0f, 1.0f);
  gpulab::device_buffer<float> d(n, s);
  gpulab::copy_to_device_async(std::span<const float>(host), d, s);
  gpulab::repeated_fma_async(d.span(), 100, s);
  gpulab::copy_to_host_async(d, std::span<float>(back), s);
  s.synchronize();
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(back[i], gpulab::repeated_fma_reference(host[i], 100)) << i;
  EXPECT_NE(back[0], host[0]);
}

TEST_F(TransferKernels, OutputSmallerThanInputIsRefused) {
  gpulab::stream s;
  gpulab::device_buffer<float> a(10, s), b(9, s);
  EXPECT_THROW(gpulab::scale_async(a.span(), b.span(), 2.0f, s), gpulab::usage_error);
  s.synchronize();
}

}  // namespace

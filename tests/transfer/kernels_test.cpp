// SPDX-License-Identifier: MIT
// Module 2's kernels at awkward sizes and alignments, with poisoned outputs and
// guard cells: the vector paths, the scalar tails and the fallbacks.
#include "gpulab/transfer/kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace {

class TransferKernels : public GpuTest {};

constexpr std::size_t guard = 64;

// A byte-copy kernel and its name.
struct copy_kernel {
  const char* name;
  void (*copy)(cuda::std::span<const unsigned char>, cuda::std::span<unsigned char>, cuda::stream_ref);
};
void PrintTo(const copy_kernel& k, std::ostream* os) { *os << k.name; }

// One kernel, n bytes, from `offset` bytes past the buffer's (aligned) start.
using copy_param = std::tuple<copy_kernel, std::size_t, std::size_t>;
class TransferCopyKernel : public GpuStreamTest, public ::testing::WithParamInterface<copy_param> {};

TEST_P(TransferCopyKernel, CopiesEveryByteAndNothingElse) {
  const auto [kernel, n, offset] = GetParam();
  const std::size_t total = n + offset + guard;
  std::vector<unsigned char> host(total), back(total);
  gpulab::fill_random_bytes(host, n * 31 + offset);
  gpulab::device_buffer<unsigned char> in(total, s), out(total, s);
  gpulab::copy_to_device_async(std::span<const unsigned char>(host), in, s);
  out.fill_bytes_async(0xAB, s);
  kernel.copy({in.data() + offset, n}, {out.data() + offset, n}, s);
  gpulab::copy_to_host_async(out, std::span<unsigned char>(back), s);
  gpulab::synchronize(s);
  ASSERT_EQ(0, std::memcmp(host.data() + offset, back.data() + offset, n));
  for (std::size_t i = 0; i < offset; ++i) ASSERT_EQ(back[i], 0xAB) << "wrote before the range";
  for (std::size_t i = offset + n; i < total; ++i) ASSERT_EQ(back[i], 0xAB) << "wrote past the range";
}

INSTANTIATE_TEST_SUITE_P(
    Transfer, TransferCopyKernel,
    ::testing::Combine(::testing::Values(copy_kernel{"tiled", gpulab::transfer::copy_tiled_async},
                                         copy_kernel{"grid_stride", gpulab::transfer::copy_grid_stride_async},
                                         copy_kernel{"wide_tile", gpulab::transfer::copy_wide_tile_async}),
                       ::testing::Values(std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                                         std::size_t{31}, std::size_t{127}, std::size_t{4099}, std::size_t{65536},
                                         std::size_t{1000003}),
                       ::testing::Values(std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{16})),
    [](const ::testing::TestParamInfo<copy_param>& param_info) {
      const auto& kernel = std::get<0>(param_info.param);
      const auto& n = std::get<1>(param_info.param);
      const auto& offset = std::get<2>(param_info.param);
      return std::string(kernel.name) + "_n" + std::to_string(n) + "_offset" + std::to_string(offset);
    });

// A test at one size n.
class TransferKernelSize : public GpuStreamTest, public ::testing::WithParamInterface<std::size_t> {};

TEST_P(TransferKernelSize, CopyOneElementPerThread) {
  const std::size_t n = GetParam();
  std::vector<float> host(n), back(n);
  gpulab::fill_uniform(host, n, -5.0f, 5.0f);
  gpulab::device_buffer<float> in(n, s), out(n, s);
  gpulab::copy_to_device_async(std::span<const float>(host), in, s);
  out.fill_bytes_async(0xFF, s);
  gpulab::transfer::copy_one_element_per_thread_async(in.span(), out.span(), s);
  gpulab::copy_to_host_async(out, std::span<float>(back), s);
  gpulab::synchronize(s);
  EXPECT_EQ(host, back);
}

INSTANTIATE_TEST_SUITE_P(Transfer, TransferKernelSize,
                         ::testing::Values(std::size_t{1}, std::size_t{31}, std::size_t{1000003}),
                         [](const ::testing::TestParamInfo<std::size_t>& param_info) {
                           return "n" + std::to_string(param_info.param);
                         });

// One size n, from a 16-byte aligned start (offset 0) or 1 float past it (the scalar path).
using scale_param = std::tuple<std::size_t, std::size_t>;
class TransferScaleKernel : public GpuStreamTest, public ::testing::WithParamInterface<scale_param> {};

TEST_P(TransferScaleKernel, IsExactAtOddSizesAndOffsets) {
  const auto [n, offset] = GetParam();
  std::vector<float> host(n + offset);
  gpulab::fill_uniform(host, n + offset, -1e3f, 1e3f);
  gpulab::device_buffer<float> in(n + offset, s), out(n + offset + guard, s);
  gpulab::copy_to_device_async(std::span<const float>(host), in, s);
  out.fill_bytes_async(0xFF, s);
  gpulab::transfer::scale_async({in.data() + offset, n}, {out.data() + offset, n}, 0.31f, s);
  std::vector<float> all(n + offset + guard);
  gpulab::copy_to_host_async(out, std::span<float>(all), s);
  gpulab::synchronize(s);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_EQ(all[offset + i], 0.31f * host[offset + i]) << "i=" << i;
  }
  for (std::size_t i = offset + n; i < all.size(); ++i) ASSERT_TRUE(std::isnan(all[i])) << "wrote past the end";
}

INSTANTIATE_TEST_SUITE_P(Transfer, TransferScaleKernel,
                         ::testing::Combine(::testing::Values(std::size_t{1}, std::size_t{3}, std::size_t{4},
                                                              std::size_t{5}, std::size_t{127}, std::size_t{1000003}),
                                            ::testing::Values(std::size_t{0}, std::size_t{1})),
                         [](const ::testing::TestParamInfo<scale_param>& param_info) {
                           const auto& n = std::get<0>(param_info.param);
                           const auto& offset = std::get<1>(param_info.param);
                           return "n" + std::to_string(n) + "_offset" + std::to_string(offset);
                         });

TEST_F(TransferKernels, RepeatedFmaMatchesTheCpuBitForBit) {
  gpulab::stream s;
  const std::size_t n = 100003;
  std::vector<float> host(n), back(n);
  gpulab::fill_uniform(host, 9, -1.0f, 1.0f);
  gpulab::device_buffer<float> d(n, s);
  gpulab::copy_to_device_async(std::span<const float>(host), d, s);
  gpulab::transfer::repeated_fma_async(d.span(), 100, s);
  gpulab::copy_to_host_async(d, std::span<float>(back), s);
  s.synchronize();
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(back[i], gpulab::transfer::repeated_fma_reference(host[i], 100)) << i;
  EXPECT_NE(back[0], host[0]);
}

TEST_F(TransferKernels, OutputSmallerThanInputIsRefused) {
  gpulab::stream s;
  gpulab::device_buffer<float> a(10, s), b(9, s);
  EXPECT_THROW(gpulab::transfer::scale_async(a.span(), b.span(), 2.0f, s), gpulab::usage_error);
  s.synchronize();
}

}  // namespace

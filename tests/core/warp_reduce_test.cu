// SPDX-License-Identifier: MIT
// The warp reductions of gpulab/core/block_reduce.cuh: every lane gets its warp's
// minimum, maximum, OR and sum, checked against the host on seeded random values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "common/gpu_test.hpp"
#include "gpulab/core/block_reduce.cuh"
#include "gpulab/core/memory.hpp"

namespace {

constexpr int warps = 67;  // launched as 3 blocks of 24 warps: the last 5 warps sit idle
constexpr int values = warps * 32;

// Every lane writes what it got back: out[i] for lane i of each warp.
template <class T>
__global__ void reduce_each_warp(const T* in, T* smallest, T* largest, T* total, int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i / 32 >= n / 32) return;  // whole warps only: the reductions take all 32 lanes
  smallest[i] = gpulab::warp_min(in[i]);
  largest[i] = gpulab::warp_max(in[i]);
  total[i] = gpulab::warp_sum(in[i]);
}

__global__ void or_each_warp(const unsigned* in, unsigned* out, int n) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i / 32 >= n / 32) return;
  out[i] = gpulab::warp_or(in[i]);
}

class WarpReduce : public GpuStreamTest {
 protected:
  // Runs reduce_each_warp on `in` and checks each lane's three results against the host's.
  template <class T>
  void expect_each_lane_gets_its_warps(const std::vector<T>& in) {
    gpulab::device_buffer<T> d_in(in.size(), s), d_min(in.size(), s), d_max(in.size(), s), d_sum(in.size(), s);
    gpulab::copy_to_device_async(std::span<const T>(in), d_in, s);
    for (auto* b : {&d_min, &d_max, &d_sum}) b->fill_bytes_async(0xA5, s);  // poisoned
    reduce_each_warp<<<3, 96 * 8, 0, s.get()>>>(d_in.data(), d_min.data(), d_max.data(), d_sum.data(), values);
    std::vector<T> got_min(in.size()), got_max(in.size()), got_sum(in.size());
    gpulab::copy_to_host_async(d_min, std::span<T>(got_min), s);
    gpulab::copy_to_host_async(d_max, std::span<T>(got_max), s);
    gpulab::copy_to_host_async(d_sum, std::span<T>(got_sum), s);
    gpulab::synchronize(s);
    for (int w = 0; w < warps; ++w) {
      const auto first = in.begin() + 32 * w;
      const T low = *std::min_element(first, first + 32), high = *std::max_element(first, first + 32);
      T sum{};
      for (int lane = 0; lane < 32; ++lane) sum += first[lane];
      for (int lane = 0; lane < 32; ++lane) {
        const int i = 32 * w + lane;
        ASSERT_EQ(got_min[i], low) << "warp " << w << ", lane " << lane;
        ASSERT_EQ(got_max[i], high) << "warp " << w << ", lane " << lane;
        ASSERT_EQ(got_sum[i], sum) << "warp " << w << ", lane " << lane;  // integers: exact in any order
      }
    }
  }
};

// 64-bit keys (kNN's merge): the extremes sit in each lane in turn, lane 0 and lane 31 included.
TEST_F(WarpReduce, KeysMinMaxSumInEveryLane) {
  std::mt19937_64 rng(20261206);
  std::vector<std::uint64_t> in(values);
  for (auto& v : in) v = rng() >> 8;  // sums of 32 stay below 2^64
  for (int w = 0; w < warps; ++w) {
    in[32 * w + w % 32] = 1 + w;                             // the smallest in lane w % 32
    in[32 * w + (w + 7) % 32] = (std::uint64_t{1} << 57) - w;  // the largest elsewhere
  }
  expect_each_lane_gets_its_warps(in);
}

// Signed ints: negatives must order below positives (no unsigned comparison).
TEST_F(WarpReduce, SignedIntsMinMaxSumInEveryLane) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(-1'000'000, 1'000'000);
  std::vector<int> in(values);
  for (auto& v : in) v = pick(rng);
  expect_each_lane_gets_its_warps(in);
}

// Each warp's OR has exactly the bits its lanes set: one lane sets a bit no other lane has.
TEST_F(WarpReduce, OrInEveryLane) {
  std::mt19937 rng(11);
  std::vector<unsigned> in(values);
  for (int w = 0; w < warps; ++w) {
    for (int lane = 0; lane < 32; ++lane) in[32 * w + lane] = rng() & 0x00FF00FFu;
    in[32 * w + (w * 5) % 32] |= 1u << (8 + w % 8);  // a bit of the empty byte, set by one lane
  }
  gpulab::device_buffer<unsigned> d_in(in.size(), s), d_out(in.size(), s);
  gpulab::copy_to_device_async(std::span<const unsigned>(in), d_in, s);
  d_out.fill_bytes_async(0xA5, s);
  or_each_warp<<<3, 96 * 8, 0, s.get()>>>(d_in.data(), d_out.data(), values);
  std::vector<unsigned> got(in.size());
  gpulab::copy_to_host_async(d_out, std::span<unsigned>(got), s);
  gpulab::synchronize(s);
  for (int w = 0; w < warps; ++w) {
    unsigned expected = 0;
    for (int lane = 0; lane < 32; ++lane) expected |= in[32 * w + lane];
    for (int lane = 0; lane < 32; ++lane) ASSERT_EQ(got[32 * w + lane], expected) << "warp " << w << ", lane " << lane;
  }
}

}  // namespace

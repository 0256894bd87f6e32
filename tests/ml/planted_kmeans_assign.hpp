// SPDX-License-Identifier: MIT
// Planted wrong solutions of the exercise kmeans_assign (planted_kmeans_assign.cu).
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>

namespace planted {

// Odd-numbered blocks break ties to the largest index (<= instead of <).
void kmeans_ties_to_largest_in_odd_blocks(cuda::std::span<const float> x, int d, cuda::std::span<const float> c,
                                          int k, cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                                          cuda::std::span<unsigned int> counts, cuda::stream_ref s);
// The last block's partial sums and counts are never merged (a lost partial sum).
void kmeans_last_block_not_merged(cuda::std::span<const float> x, int d, cuda::std::span<const float> c, int k,
                                  cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                                  cuda::std::span<unsigned int> counts, cuda::stream_ref s);
// Every thread adds to the global sums with a plain += (a race, within a warp and between blocks).
void kmeans_race_on_global_sums(cuda::std::span<const float> x, int d, cuda::std::span<const float> c, int k,
                                cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                                cuda::std::span<unsigned int> counts, cuda::stream_ref s);

}  // namespace planted

// SPDX-License-Identifier: MIT
// Exercise (module 6): a histogram of float64 values with pandas `cut` bins
// (right-closed, (e[j], e[j+1]]; outside and NaN not counted), counted in
// per-block privatized counters in shared memory and merged into the global
// histogram with one atomicAdd per bin per block.
#pragma once

#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>

#include "gpulab/exercises/check.hpp"

namespace gpulab::exercises {

// counts[j] = how many x fall in (edges[j], edges[j + 1]]; edges.size() == counts.size() + 1,
// 1 <= counts.size() <= privatized_histogram_max_bins (usage_error otherwise). Zeroes counts first.
using privatized_histogram_fn = void (*)(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                                         cuda::std::span<unsigned long long> counts, cuda::stream_ref s);

namespace reference {
void privatized_histogram(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                          cuda::std::span<unsigned long long> counts, cuda::stream_ref s);
}
namespace trainee {
void privatized_histogram(cuda::std::span<const double> x, cuda::std::span<const double> edges,
                          cuda::std::span<unsigned long long> counts, cuda::stream_ref s);
}

constexpr int privatized_histogram_threads = 256;
constexpr int privatized_histogram_max_bins = 1024;  // the shared counters: 4 KiB per block
// The launch's grid for n values: a block per 256 values, at most 8 per SM (2048 threads, a full SM).
unsigned privatized_histogram_blocks(std::int64_t n);

// The launch every version gets (the tests' planted kernels too): checks the sizes,
// zeroes counts, then kernel<<<privatized_histogram_blocks(n), 256>>>(x, n, edges, bins, counts).
using privatized_histogram_kernel = void (*)(const double* x, long long n, const double* edges, int bins,
                                             unsigned long long* counts);
void launch_privatized_histogram(privatized_histogram_kernel kernel, cuda::std::span<const double> x,
                                 cuda::std::span<const double> edges, cuda::std::span<unsigned long long> counts,
                                 cuda::stream_ref s);

check_report check_privatized_histogram(privatized_histogram_fn candidate, const check_options& options);

}  // namespace gpulab::exercises

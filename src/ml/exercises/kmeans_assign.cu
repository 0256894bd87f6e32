// SPDX-License-Identifier: MIT
// The checker of the exercise kmeans_assign (include/gpulab/ml/exercises/kmeans_assign.hpp),
// its reference solution, and the launch every version gets.
//
// The inputs make every float operation exact, so the check is exact too:
// centroids have integer features in [-6, 6], rows are a centroid plus noise in
// steps of 1/4 (|x| <= 8), or the exact midpoint of two centroids. Differences,
// squares and their sums over <= 64 features need < 20 bits, and every cluster's
// sum stays below 2^24 quarter steps, so any order of additions gives the same
// bits. Ties are planted: the midpoints, and a duplicate centroid (the last equals
// centroid 1, so it must never win a row).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/ml/exercises/kmeans_assign.hpp"
#include "gpulab/ml/kmeans_plus_plus.hpp"
#include "check_helpers.hpp"
#include "gpulab/ml/kmeans_lloyd.hpp"
#include "kernels/ml/exercises/kmeans_assign.cuh"

namespace gpulab::exercises {

unsigned kmeans_assign_blocks(std::int64_t n) {
  return std::clamp(blocks_for(n, kmeans_assign_threads), 1u, 4u * static_cast<unsigned>(sm_count()));
}

void launch_kmeans_assign(kmeans_assign_kernel kernel, cuda::std::span<const float> x, int d,
                          cuda::std::span<const float> centroids, int k, cuda::std::span<std::int32_t> labels,
                          cuda::std::span<float> sums, cuda::std::span<unsigned int> counts, cuda::stream_ref s) {
  const std::int64_t kd = static_cast<std::int64_t>(k) * d;
  if (k < 1 || d < 1) {
    throw usage_error("kmeans_assign: k = " + std::to_string(k) + ", d = " + std::to_string(d) + ": both must be >= 1");
  }
  // The k and d that kmeans_fused takes; this kernel keeps less there: the centroids and
  // the block's sums and counts, (2 k d + k) floats (no tile buckets: it adds with atomics).
  if (const std::string too_big = ml::kmeans_shared_memory_problem(ml::kmeans_version::fused, k, d); !too_big.empty()) {
    throw usage_error("kmeans_assign: " + too_big);
  }
  const std::size_t shared = static_cast<std::size_t>(2 * kd + k) * sizeof(float);
  if (x.size() % static_cast<std::size_t>(d) != 0 || centroids.size() != static_cast<std::size_t>(kd) ||
      sums.size() != static_cast<std::size_t>(kd) || counts.size() != static_cast<std::size_t>(k) ||
      labels.size() != x.size() / static_cast<std::size_t>(d)) {
    throw usage_error("kmeans_assign: the spans do not match n x d rows and k x d centroids");
  }
  GPULAB_CUDA_TRY(cudaMemsetAsync(sums.data(), 0, sums.size_bytes(), s.get()));
  GPULAB_CUDA_TRY(cudaMemsetAsync(counts.data(), 0, counts.size_bytes(), s.get()));
  const auto n = static_cast<long long>(labels.size());
  if (n == 0) return;
  kernel<<<kmeans_assign_blocks(n), kmeans_assign_threads, shared, s.get()>>>(x.data(), n, d, centroids.data(), k,
                                                                              labels.data(), sums.data(), counts.data());
  GPULAB_CHECK_LAUNCH();
}

namespace {

// [snippet:exercise_solution]
// The reference solution: centroids and the block's sums in shared memory, one
// atomicAdd per value per block into the global sums.
__global__ void reference_kmeans_assign(const float* __restrict__ x, long long n, int d,
                                        const float* __restrict__ centroids, int k,
                                        std::int32_t* __restrict__ labels, float* sums,
                                        unsigned int* counts) {
  extern __shared__ float shared[];
  float* local_centroids = shared;
  float* block_sums = shared + k * d;
  auto* block_counts = reinterpret_cast<unsigned int*>(shared + 2 * k * d);
  for (int e = threadIdx.x; e < k * d; e += blockDim.x) {
    local_centroids[e] = centroids[e];
    block_sums[e] = 0.0f;
  }
  for (int c = threadIdx.x; c < k; c += blockDim.x) block_counts[c] = 0u;
  __syncthreads();  // the centroids are in and the sums zero before any thread uses them
  // [/snippet:exercise_solution]

  // [snippet:exercise_solution_assign]
  for (long long i = global_thread_id(); i < n; i += grid_thread_count()) {
    const float* row = x + i * d;
    float best = __int_as_float(0x7f800000);  // +infinity
    int label = 0;
    for (int c = 0; c < k; ++c) {
      float dist = 0.0f;
      for (int j = 0; j < d; ++j) {
        const float t = row[j] - local_centroids[c * d + j];
        dist += t * t;
      }
      if (dist < best) {  // strict: on a tie the smallest index stays
        best = dist;
        label = c;
      }
    }
    labels[i] = label;
    for (int j = 0; j < d; ++j) atomicAdd(&block_sums[label * d + j], row[j]);
    atomicAdd(&block_counts[label], 1u);
  }
  // [/snippet:exercise_solution_assign]
  // [snippet:exercise_solution_flush]
  __syncthreads();  // the whole block has added its rows

  for (int e = threadIdx.x; e < k * d; e += blockDim.x) {
    if (block_counts[e / d] != 0) atomicAdd(&sums[e], block_sums[e]);
  }
  for (int c = threadIdx.x; c < k; c += blockDim.x) {
    if (block_counts[c] != 0) atomicAdd(&counts[c], block_counts[c]);
  }
}
// [/snippet:exercise_solution_flush]

}  // namespace

namespace reference {
void kmeans_assign(cuda::std::span<const float> x, int d, cuda::std::span<const float> centroids, int k,
                   cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                   cuda::std::span<unsigned int> counts, cuda::stream_ref s) {
  launch_kmeans_assign(reference_kmeans_assign, x, d, centroids, k, labels, sums, counts, s);
}
}  // namespace reference

namespace trainee {
void kmeans_assign(cuda::std::span<const float> x, int d, cuda::std::span<const float> centroids, int k,
                   cuda::std::span<std::int32_t> labels, cuda::std::span<float> sums,
                   cuda::std::span<unsigned int> counts, cuda::stream_ref s) {
  launch_kmeans_assign(trainee_kernels::kmeans_assign, x, d, centroids, k, labels, sums, counts, s);
}
}  // namespace trainee

namespace {

struct trial {
  std::int64_t n;
  int d, k;
};

// Seeded rows and centroids on which every float operation is exact (see the top of the file).
struct assign_input {
  std::int64_t n = 0;
  int d = 0, k = 0;
  std::vector<float> x, centroids;
};

assign_input make_input(const trial& t, std::uint64_t seed) {
  using gpulab::ml::mix64;
  assign_input in{t.n, t.d, t.k, std::vector<float>(static_cast<std::size_t>(t.n * t.d)),
                  std::vector<float>(static_cast<std::size_t>(t.k) * static_cast<std::size_t>(t.d))};
  for (std::size_t e = 0; e < in.centroids.size(); ++e) {
    in.centroids[e] = static_cast<float>(static_cast<int>(mix64(seed ^ (e + 1)) % 13) - 6);
  }
  if (t.k >= 3) std::copy_n(in.centroids.begin() + t.d, t.d, in.centroids.begin() + static_cast<std::ptrdiff_t>(t.k - 1) * t.d);
  for (std::int64_t i = 0; i < t.n; ++i) {
    const std::uint64_t h = mix64(seed + 0x51ED27u + static_cast<std::uint64_t>(i));
    float* row = in.x.data() + i * t.d;
    if (t.k >= 2 && h % 100 < 10) {  // the midpoint of two different centroids
      const int a = static_cast<int>((h >> 8) % static_cast<std::uint64_t>(t.k));
      const int b = (a + 1 + static_cast<int>((h >> 24) % static_cast<std::uint64_t>(t.k - 1))) % t.k;
      for (int j = 0; j < t.d; ++j) row[j] = 0.5f * (in.centroids[a * t.d + j] + in.centroids[b * t.d + j]);
    } else {
      const int c = static_cast<int>((h >> 8) % static_cast<std::uint64_t>(t.k));
      for (int j = 0; j < t.d; ++j) {
        const auto step = static_cast<int>(mix64(h + static_cast<std::uint64_t>(j)) % 17);  // 0..16
        row[j] = in.centroids[c * t.d + j] + 0.25f * static_cast<float>(step - 8);
      }
    }
  }
  return in;
}

double squared_distance(const float* a, const float* b, int d) {
  double s = 0;
  for (int j = 0; j < d; ++j) {
    const double t = static_cast<double>(a[j]) - b[j];
    s += t * t;
  }
  return s;
}

// The CPU's answer, and each block's share of the counts (to name a lost block).
struct expected_assign {
  std::vector<std::int32_t> labels;
  std::vector<double> sums;
  std::vector<std::uint64_t> counts;
  std::vector<std::vector<std::uint64_t>> block_counts;  // blocks x k
};

expected_assign assign_cpu(const assign_input& in) {
  expected_assign e;
  const unsigned blocks = kmeans_assign_blocks(in.n);
  e.labels.resize(static_cast<std::size_t>(in.n));
  e.sums.assign(in.centroids.size(), 0.0);
  e.counts.assign(static_cast<std::size_t>(in.k), 0);
  e.block_counts.assign(blocks, std::vector<std::uint64_t>(static_cast<std::size_t>(in.k), 0));
  for (std::int64_t i = 0; i < in.n; ++i) {
    const float* row = in.x.data() + i * in.d;
    double best = HUGE_VAL;
    int label = 0;
    for (int c = 0; c < in.k; ++c) {
      const double dist = squared_distance(row, in.centroids.data() + c * in.d, in.d);
      if (dist < best) {
        best = dist;
        label = c;
      }
    }
    e.labels[static_cast<std::size_t>(i)] = label;
    ++e.counts[static_cast<std::size_t>(label)];
    ++e.block_counts[static_cast<std::size_t>((i / kmeans_assign_threads) % blocks)][static_cast<std::size_t>(label)];
    for (int j = 0; j < in.d; ++j) e.sums[static_cast<std::size_t>(label * in.d + j)] += row[j];
  }
  return e;
}

constexpr std::size_t guard_cells = 64;

// One input on the device, with outputs followed by guard cells (poisoned with 0xFF).
struct assign_run {
  assign_run(const assign_input& input, cuda::stream_ref s)
      : in(input),
        expected(assign_cpu(input)),
        x(upload(input.x, s)),
        centroids(upload(input.centroids, s)),
        labels(static_cast<std::size_t>(input.n) + guard_cells, s),
        sums(input.centroids.size() + guard_cells, s),
        counts(static_cast<std::size_t>(input.k) + guard_cells, s) {}
  void poison(cuda::stream_ref s) {
    labels.fill_bytes_async(0xFF, s);
    sums.fill_bytes_async(0xFF, s);
    counts.fill_bytes_async(0xFF, s);
  }
  void call(kmeans_assign_fn fn, cuda::stream_ref s) {
    fn(x.span(), in.d, centroids.span(), in.k, labels.span().first(static_cast<std::size_t>(in.n)),
       sums.span().first(in.centroids.size()), counts.span().first(static_cast<std::size_t>(in.k)), s);
  }
  std::string inspect(cuda::stream_ref s) const;

  assign_input in;
  expected_assign expected;
  device_buffer<float> x, centroids;
  device_buffer<std::int32_t> labels;
  device_buffer<float> sums;
  device_buffer<unsigned int> counts;
};

std::string assign_run::inspect(cuda::stream_ref s) const {
  const std::vector<std::int32_t> got_labels = download(labels, s);
  const std::vector<float> got_sums = download(sums, s);
  const std::vector<unsigned int> got_counts = download(counts, s);
  const auto n = static_cast<std::size_t>(in.n), kd = in.centroids.size(), k = static_cast<std::size_t>(in.k);
  // Guard cells: still the poison.
  std::size_t touched = 0;
  for (std::size_t i = n; i < got_labels.size(); ++i) touched += got_labels[i] != -1;
  for (std::size_t i = k; i < got_counts.size(); ++i) touched += got_counts[i] != 0xFFFFFFFFu;
  for (std::size_t i = kd; i < got_sums.size(); ++i) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &got_sums[i], sizeof bits);
    touched += bits != 0xFFFFFFFFu;
  }
  if (touched != 0) return std::to_string(touched) + " writes past the outputs (missing bounds check?)";
  // Labels.
  std::size_t wrong = 0, wrong_ties = 0, first = n;
  for (std::size_t i = 0; i < n; ++i) {
    if (got_labels[i] == expected.labels[i]) continue;
    ++wrong;
    if (first == n) first = i;
    const std::int32_t g = got_labels[i];
    if (g >= 0 && g < in.k) {
      const float* row = in.x.data() + i * static_cast<std::size_t>(in.d);
      wrong_ties += squared_distance(row, in.centroids.data() + g * in.d, in.d) ==
                    squared_distance(row, in.centroids.data() + expected.labels[i] * in.d, in.d);
    }
  }
  if (wrong != 0) {
    const std::int32_t g = got_labels[first], w = expected.labels[first];
    std::string why = "label of row " + std::to_string(first) + " is " + std::to_string(g) + ", expected " +
                      std::to_string(w) + " (" + std::to_string(wrong) + " rows wrong)";
    if (g == -1) return why + ": never written";
    if (g < 0 || g >= in.k) return why + ": not a centroid index";
    if (wrong_ties == wrong) {
      return why + ": every wrong row is a tie (equal distances to both); ties go to the smallest index "
                   "(compare with <, not <=)";
    }
    return why;
  }
  // Counts: exact.
  std::vector<std::uint64_t> got(k);
  for (std::size_t c = 0; c < k; ++c) got[c] = got_counts[c];
  if (got != expected.counts) {
    std::uint64_t got_total = 0, expected_total = 0;
    for (std::size_t c = 0; c < k; ++c) {
      got_total += got[c];
      expected_total += expected.counts[c];
    }
    const auto blocks = expected.block_counts.size();
    for (std::size_t b = 0; b < blocks && blocks > 1; ++b) {
      bool only_b_missing = true;
      for (std::size_t c = 0; c < k && only_b_missing; ++c) {
        only_b_missing = got[c] + expected.block_counts[b][c] == expected.counts[c];
      }
      if (only_b_missing) {
        return "counts are " + std::to_string(got_total) + ", expected " + std::to_string(expected_total) +
               ": block " + std::to_string(b) + "'s partial sums and counts never reached the global ones (" +
               std::to_string(blocks) + " blocks ran; every block merges its own)";
      }
    }
    if (got_total == 0) {
      return "counts are all 0, expected " + std::to_string(expected_total) +
             ": nothing was merged (every block adds its partial sums and counts to the global ones)";
    }
    if (got_total < expected_total) {
      return std::to_string(expected_total - got_total) + " of " + std::to_string(expected_total) +
             " counts lost (a race on the sums? add to shared and global sums with atomicAdd)";
    }
    return "counts total " + std::to_string(got_total) + ", expected " + std::to_string(expected_total) +
           " (sums and counts zeroed? every row added once?)";
  }
  // Sums: exact as well (every partial sum is a representable multiple of 1/4).
  for (std::size_t e = 0; e < kd; ++e) {
    if (static_cast<double>(got_sums[e]) != expected.sums[e]) {
      return "sum of cluster " + std::to_string(e / static_cast<std::size_t>(in.d)) + ", feature " +
             std::to_string(e % static_cast<std::size_t>(in.d)) + " is " + std::to_string(got_sums[e]) +
             ", expected " + std::to_string(expected.sums[e]) + never_written(got_sums[e]) +
             " (the counts are right: is every feature of the row added?)";
    }
  }
  return "";
}

std::string describe(const trial& t) {
  return "n = " + std::to_string(t.n) + ", d = " + std::to_string(t.d) + ", k = " + std::to_string(t.k);
}

}  // namespace

check_report check_kmeans_assign(kmeans_assign_fn candidate, const check_options& options) {
  check_report report = start_check("kmeans_assign", options);
  stream s;
  // One row, one block, a few blocks, then many; d and k that divide nothing; k * d = 2048.
  for (const trial t : {trial{1, 1, 1}, trial{31, 3, 5}, trial{257, 2, 3}, trial{1001, 7, 5}, trial{100003, 13, 17},
                        trial{1000003, 16, 8}, trial{300007, 32, 64}}) {
    assign_run run(make_input(t, options.seed + static_cast<std::uint64_t>(t.n)), s);
    const bool ran = record_run(report, describe(t), [&] {
      run.poison(s);
      run.call(candidate, s);
      return run.inspect(s);
    });
    if (!ran) return report;
  }
  // Time candidate and reference on 2M rows of 16 features, k = 8, then check what the last timed run left.
  const trial timed{2000003, 16, 8};
  assign_run run(make_input(timed, options.seed), s);
  run.poison(s);
  time_against_reference(
      report, s, describe(timed), [&] { run.call(candidate, s); }, [&] { run.call(reference::kmeans_assign, s); },
      [&] { return run.inspect(s); });
  return report;
}

}  // namespace gpulab::exercises

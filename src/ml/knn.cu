// SPDX-License-Identifier: MIT
// kNN on the GPU (include/gpulab/ml/knn.hpp): the plan, the workspace, and the
// three versions' launches. The kernels are in kernels/ml/knn_*.cuh.
#include <cub/device/device_segmented_sort.cuh>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/stream.hpp"
#include "gpulab/ml/knn.hpp"
#include "gpulab/ml/knn_cpu.hpp"
#include "kernels/ml/knn_common.cuh"
#include "kernels/ml/knn_fused.cuh"
#include "kernels/ml/knn_fused_small_k.cuh"
#include "kernels/ml/knn_naive.cuh"
#include "kernels/ml/knn_tf32.cuh"
#include "kernels/ml/knn_tf32_filter.cuh"
#include "kernels/ml/knn_vote.cuh"
#include "knn_tf32_wgmma.hpp"

namespace gpulab::ml {

namespace {

constexpr int block_size = 256;
// naive: the distance keys of one batch (and their sorted copy) stay under 2 x 1 GiB.
constexpr std::uint64_t naive_batch_bytes = std::uint64_t{1} << 30;
constexpr std::int64_t naive_max_features = 12288;  // the query row in 48 KiB of shared memory
constexpr int max_batch = 65535;                    // gridDim.y
constexpr std::int64_t target_blocks = 1024;        // fused, tf32_rerank: blocks to aim for
// The small-k kernel: about 7 waves of 132 SMs x 1 block. Each split starts every
// query's list afresh, and refilling lists costs (the many candidates of a split's
// first tiles), while more blocks fill the last wave better. At the course's size
// (40 query blocks), on an H100: 23 splits (920 blocks) 30.30 ms, 13 splits (520)
// 30.49 ms once the lists were merged (knn_merge_lists); 33 splits lost to 13 before.
constexpr std::int64_t small_k_target_blocks = 920;
// The TF32 filter (knn_tf32_filter.cuh): its pass runs two blocks an SM, 4 waves on 132 SMs.
constexpr std::int64_t tf32_filter_target_blocks = 1056;
constexpr int tf32_filter_max_k = 32;               // the refine's lists: 32 keys a lane at most
constexpr std::int64_t tf32_sample_rows = 65536;    // the bound's sample (at most n)
constexpr std::int64_t tf32_sample_split_rows = 4096;  // the sample's rows a block (~5 waves at 10,000 queries)
constexpr int tf32_segment_capacity = 512;          // a CPU model of the course's data: ~65 a segment (docs/perf-notes.md)

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// The database cut into at most `wanted` ranges (and at most one a tile, at most gridDim.y's
// limit), each a whole number of tiles, none empty: the rows of a range and how many ranges.
struct row_ranges {
  std::int64_t rows;
  int count;
};
row_ranges cut_into_ranges(std::int64_t database_rows, std::int64_t wanted, std::int64_t tile_rows) {
  const std::int64_t tiles = ceil_div(database_rows, tile_rows);
  const std::int64_t count = std::min<std::int64_t>(wanted, std::min<std::int64_t>(tiles, max_batch));
  const std::int64_t rows = ceil_div(ceil_div(database_rows, count), tile_rows) * tile_rows;
  return {rows, static_cast<int>(ceil_div(database_rows, rows))};
}

// Where segment i of a batch of equal segments starts: i * length.
struct segment_start {
  std::int64_t length;
  __host__ __device__ std::int64_t operator()(std::int64_t i) const { return i * length; }
};
using offsets = thrust::transform_iterator<segment_start, thrust::counting_iterator<std::int64_t>>;
offsets segment_offsets(std::int64_t length, std::int64_t first = 0) {
  return offsets(thrust::counting_iterator<std::int64_t>(first), segment_start{length});
}

// Sorts `rows` segments of `length` keys in `keys` (with `spare` as the second
// buffer); returns the buffer that holds the sorted keys.
std::uint64_t* sort_segments(std::uint64_t* keys, std::uint64_t* spare, std::int64_t rows, std::int64_t length,
                             device_buffer<std::byte>& scratch, cuda::stream_ref s) {
  cub::DoubleBuffer<std::uint64_t> buffers(keys, spare);
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceSegmentedSort::SortKeys(nullptr, bytes, buffers, rows * length, rows,
                                                     segment_offsets(length), segment_offsets(length, 1), s.get()));
  if (bytes > scratch.size()) scratch = device_buffer<std::byte>(bytes, s);  // sized by the workspace; grows if CUB asks more
  GPULAB_CUDA_TRY(cub::DeviceSegmentedSort::SortKeys(scratch.data(), bytes, buffers, rows * length, rows,
                                                     segment_offsets(length), segment_offsets(length, 1), s.get()));
  return buffers.Current();
}

void take_first(const std::uint64_t* sorted, std::int64_t rows, std::int64_t stride, int k, std::int32_t* ids,
                float* distances, cuda::stream_ref s) {
  kernels::knn_take_first<<<blocks_for(rows * k, block_size), block_size, 0, s.get()>>>(sorted, rows, stride, k, ids,
                                                                                       distances);
  GPULAB_CHECK_LAUNCH();
}

// *largest = max(*largest, the bits of the largest of `n` norms): the caller zeroes it first.
void largest_norm(const float* norms, std::int64_t n, unsigned* largest, cuda::stream_ref s) {
  kernels::knn_largest_norm<<<std::min(blocks_for(n, block_size), 1024u), block_size, 0, s.get()>>>(norms, n, largest);
  GPULAB_CHECK_LAUNCH();
}

void row_norms(const float* m, std::int64_t rows, std::int64_t d, float* norms, cuda::stream_ref s) {
  const std::int64_t warps = ceil_div(rows, std::int64_t{kernels::knn_row_norms_rows_per_warp});
  kernels::knn_row_norms<<<blocks_for(warps * 32, block_size), block_size, 0, s.get()>>>(m, rows, d, norms);
  GPULAB_CHECK_LAUNCH();
}

// [snippet:knn_naive_search]
void naive_search(const knn_plan& p, const float* database, const float* queries, std::int32_t* ids,
                  float* distances, knn_workspace& w, cuda::stream_ref s) {
  for (std::int64_t first = 0; first < p.query_rows; first += p.query_batch) {
    const std::int64_t batch = std::min(p.query_batch, p.query_rows - first);
    const dim3 grid(blocks_for(p.database_rows, block_size), static_cast<unsigned>(batch));
    kernels::knn_distance_keys<<<grid, block_size, p.features * sizeof(float), s.get()>>>(
        database, p.database_rows, p.features, queries + first * p.features, w.keys.data());
    GPULAB_CHECK_LAUNCH();
    const std::uint64_t* sorted =
        sort_segments(w.keys.data(), w.sorted.data(), batch, p.database_rows, w.sort_scratch, s);
    take_first(sorted, batch, p.database_rows, p.k, ids + first * p.k, distances + first * p.k, s);
  }
}
// [/snippet:knn_naive_search]

template <kernels::knn_dot Dot>
void fused_top(const knn_plan& p, const float* database, const float* queries, knn_workspace& w, cuda::stream_ref s) {
  row_norms(database, p.database_rows, p.features, w.database_norms.data(), s);
  row_norms(queries, p.query_rows, p.features, w.query_norms.data(), s);
  kernels::knn_fused_args a;
  a.database = database;
  a.queries = queries;
  a.database_norms = w.database_norms.data();
  a.query_norms = w.query_norms.data();
  a.n = p.database_rows;
  a.m = p.query_rows;
  a.d = p.features;
  a.split_rows = p.split_rows;
  a.splits = p.splits;
  a.candidates = static_cast<int>(p.candidates);
  a.lists = w.lists.data();
  a.out = w.keys.data();
  if (Dot == kernels::knn_dot::fp32 && p.small_k) {
    // The splits' shared bounds start empty: every byte 0xff is knn_empty_key.
    a.bounds = w.bounds.data();
    GPULAB_CUDA_TRY(cudaMemsetAsync(a.bounds, 0xff, w.bounds.size() * sizeof(std::uint64_t), s.get()));
    // The largest row norm, for the kernel's cheap test (knn_filter_bound): an atomicMax from 0.
    a.largest_norm = w.largest_norm.data();
    w.largest_norm.fill_bytes_async(0, s);
    largest_norm(w.database_norms.data(), p.database_rows, w.largest_norm.data(), s);
    // 16-byte copies need every row to start on 16 bytes: d % 4 == 0 and an aligned pointer.
    const bool vector = p.features % 4 == 0 && reinterpret_cast<std::uintptr_t>(database) % 16 == 0;
    const auto kernel = vector ? kernels::knn_fused_small_k<true> : kernels::knn_fused_small_k<false>;
    constexpr std::size_t bytes = kernels::small_k_shared::bytes;
    allow_dynamic_shared_memory(kernel, bytes);
    const dim3 grid(static_cast<unsigned>(ceil_div(p.query_rows, kernels::small_k_queries)),
                    static_cast<unsigned>(p.splits));
    kernel<<<grid, kernels::small_k_threads, bytes, s.get()>>>(a);
    GPULAB_CHECK_LAUNCH();
    return;
  }
  constexpr std::size_t shared = kernels::knn_fused_shared_bytes<Dot>();
  allow_dynamic_shared_memory(kernels::knn_fused_top<Dot>, shared);
  const dim3 grid(static_cast<unsigned>(ceil_div(p.query_rows, kernels::knn_tile_queries)),
                  static_cast<unsigned>(p.splits));
  kernels::knn_fused_top<Dot><<<grid, kernels::knn_block_threads, shared, s.get()>>>(a);
  GPULAB_CHECK_LAUNCH();
}

// [snippet:knn_fused_search]
void fused_search(const knn_plan& p, const float* database, const float* queries, std::int32_t* ids,
                  float* distances, knn_workspace& w, cuda::stream_ref s) {
  fused_top<kernels::knn_dot::fp32>(p, database, queries, w, s);
  // Each query has `splits` sorted lists of c keys. Up to 32 are merged, a lane a list
  // (on an H100, when the plan made 13 lists of 10 for 10,000 queries: 0.013 ms, where the
  // segmented sort of the same keys took 0.78 ms); more are sorted together.
  if (p.merge_lists) {
    kernels::knn_merge_lists<<<blocks_for(p.query_rows * 32, block_size), block_size, 0, s.get()>>>(
        w.keys.data(), p.query_rows, p.splits, static_cast<int>(p.candidates), p.k, ids, distances);
    GPULAB_CHECK_LAUNCH();
    return;
  }
  const std::int64_t per_query = p.splits * p.candidates;
  const std::uint64_t* sorted =
      sort_segments(w.keys.data(), w.sorted.data(), p.query_rows, per_query, w.sort_scratch, s);
  take_first(sorted, p.query_rows, per_query, p.k, ids, distances, s);
}
// [/snippet:knn_fused_search]

// The TF32 score pass (A: minima over the sample, B: the filter over the database) on the
// instruction the workspace chose.
void tf32_pass(kernels::tf32_pass_mode mode, dim3 grid, const kernels::tf32_pass_args& a, const knn_workspace& w,
               cuda::stream_ref s) {
  namespace kn = kernels;
  if (w.uses_wgmma()) {
    detail::launch_tf32_wgmma_pass(mode, grid, a, s);
    return;
  }
  const auto kernel = mode == kn::tf32_pass_mode::minima ? kn::knn_tf32_pass<kn::tf32_pass_mode::minima>
                                                         : kn::knn_tf32_pass<kn::tf32_pass_mode::filter>;
  kernel<<<grid, kn::tf32_filter_threads, kn::tf32_filter_shared_bytes, s.get()>>>(a);
  GPULAB_CHECK_LAUNCH();
}

// [snippet:knn_tf32_filter_search]
// tf32_rerank for k <= 32, d <= 64: a bound from a sample (A), the filter (B), refine (C).
template <int K>
void tf32_filter_search(const knn_plan& p, const float* database, const float* queries, std::int32_t* ids,
                        float* distances, knn_workspace& w, cuda::stream_ref s) {
  namespace kn = kernels;
  const int d = static_cast<int>(p.features);
  // The centre c: the mean of the sample's first raw rows (only those are gathered here).
  // Then the centred copy of the database (TF32 bits) and its norms, the largest norm, and
  // the whole sample, centred.
  const std::int64_t mean_rows = std::min(p.sample_rows, kn::tf32_mean_rows);
  kn::knn_tf32_gather_sample<<<std::min(blocks_for(mean_rows * d / 4, block_size), 1024u), block_size, 0, s.get()>>>(
      database, nullptr, p.database_rows, d, mean_rows, p.sample_stride, w.sample.data(), nullptr);
  GPULAB_CHECK_LAUNCH();
  kn::knn_tf32_sample_mean<<<static_cast<unsigned>(d), block_size, 0, s.get()>>>(w.sample.data(), p.sample_rows, d,
                                                                               w.centre.data());
  GPULAB_CHECK_LAUNCH();
  kn::knn_tf32_centre_rows<<<std::min(blocks_for(p.database_rows * 32, block_size), 4096u), block_size, 0, s.get()>>>(
      database, p.database_rows, d, w.centre.data(), w.centred.data(), w.database_norms.data());
  GPULAB_CHECK_LAUNCH();
  largest_norm(w.database_norms.data(), p.database_rows, w.filter_counters.data(), s);  // zeroed by the caller
  kn::knn_tf32_gather_sample<<<std::min(blocks_for(p.sample_rows * d / 4, block_size), 1024u), block_size, 0, s.get()>>>(
      w.centred.data(), w.database_norms.data(), p.database_rows, d, p.sample_rows, p.sample_stride, w.sample.data(),
      w.sample_norms.data());
  GPULAB_CHECK_LAUNCH();
  const auto query_blocks = static_cast<unsigned>(ceil_div(p.query_rows, kn::tf32_filter_block_queries));
  const std::int64_t tiles = ceil_div(p.sample_rows, kn::tf32_filter_tile_rows);
  kn::tf32_pass_args a{w.sample.data(), w.sample_norms.data(), p.sample_rows, queries, w.centre.data(), p.query_rows,
                       d, tf32_sample_split_rows, w.minima.data(), tiles, nullptr, nullptr, nullptr, 0};
  const dim3 grid_a(query_blocks, static_cast<unsigned>(ceil_div(p.sample_rows, tf32_sample_split_rows)));
  tf32_pass(kn::tf32_pass_mode::minima, grid_a, a, w, s);
  kn::knn_tf32_bound<K><<<blocks_for(p.query_rows * 32, block_size), block_size, 0, s.get()>>>(
      w.minima.data(), tiles, queries, w.centre.data(), p.query_rows, d, p.k, w.filter_counters.data(),
      w.filter_query_norms.data(), w.thresholds.data());
  GPULAB_CHECK_LAUNCH();
  kn::tf32_pass_args b{w.centred.data(), w.database_norms.data(), p.database_rows, queries, w.centre.data(),
                       p.query_rows, d, p.filter_split_rows, nullptr, 0, w.thresholds.data(), w.segment_counts.data(),
                       w.segments.data(), p.segment_capacity};
  const dim3 grid_b(query_blocks, static_cast<unsigned>(p.filter_splits));
  tf32_pass(kn::tf32_pass_mode::filter, grid_b, b, w, s);
  constexpr int warps = kn::tf32_refine_threads / 32;
  kn::knn_tf32_refine<K><<<static_cast<unsigned>(ceil_div(p.query_rows, warps)), kn::tf32_refine_threads, 0, s.get()>>>(
      database, p.database_rows, queries, p.query_rows, d, p.k, p.filter_splits, w.segment_counts.data(),
      w.segments.data(), p.segment_capacity, w.thresholds.data(), w.filter_query_norms.data(), w.filter_counters.data(),
      ids, distances, w.filter_counters.data() + 1);
  GPULAB_CHECK_LAUNCH();
}
// [/snippet:knn_tf32_filter_search]

// [snippet:knn_tf32_search]
void tf32_rerank_search(const knn_plan& p, const float* database, const float* queries,
                        std::int32_t* ids, float* distances, knn_workspace& w, cuda::stream_ref s) {
  // 16-byte row copies and 8-byte query loads: aligned views only (a view at an odd offset
  // takes the general path below, which the workspace also holds).
  const bool aligned = reinterpret_cast<std::uintptr_t>(database) % 16 == 0 &&
                       reinterpret_cast<std::uintptr_t>(queries) % 8 == 0;
  // Zero before the search: [0] the largest norm (an atomicMax), [1] the queries searched
  // exactly, so that searched_exactly() also says 0 after the general path.
  if (p.tf32_filter) w.filter_counters.fill_bytes_async(0, s);
  if (p.tf32_filter && aligned) {
    if (p.k <= 16) {
      tf32_filter_search<16>(p, database, queries, ids, distances, w, s);
    } else {
      tf32_filter_search<32>(p, database, queries, ids, distances, w, s);
    }
    return;
  }
  // The candidates by their TF32 distance, then their exact FP32 distances, then a sort.
  fused_top<kernels::knn_dot::tf32>(p, database, queries, w, s);
  const std::int64_t per_query = p.splits * p.candidates, total = p.query_rows * per_query;
  kernels::knn_rerank_exact<<<blocks_for(total * 32, block_size), block_size, 0, s.get()>>>(
      database, queries, p.features, w.keys.data(), per_query, total, w.sorted.data());
  GPULAB_CHECK_LAUNCH();
  const std::uint64_t* sorted =
      sort_segments(w.sorted.data(), w.keys.data(), p.query_rows, per_query, w.sort_scratch, s);
  take_first(sorted, p.query_rows, per_query, p.k, ids, distances, s);
}
// [/snippet:knn_tf32_search]

}  // namespace

void check_packed(linalg::matrix_view<const float> m, const char* what) {
  if (m.extent(1) > 0 && (m.stride(1) != 1 || m.stride(0) != m.extent(1))) {
    throw usage_error(std::string("knn: the ") + what + " must be row-major and packed");
  }
}

const char* knn_version_name(knn_version v) {
  switch (v) {
    case knn_version::naive: return "naive";
    case knn_version::fused: return "fused";
    case knn_version::tf32_rerank: return "tf32_rerank";
  }
  return "?";
}

std::int64_t knn_candidates(knn_version v, std::int64_t database_rows, int k) {
  if (v != knn_version::tf32_rerank) return k;
  return std::min<std::int64_t>(database_rows, std::int64_t{k} + std::max(k, 32));
}

knn_plan make_knn_plan(knn_version v, std::int64_t database_rows, std::int64_t query_rows,
                       std::int64_t database_features, std::int64_t query_features, int k, int splits) {
  if (database_features != query_features) {
    throw usage_error("knn: the database has " + std::to_string(database_features) + " features, the queries " +
                      std::to_string(query_features));
  }
  if (database_rows < 1 || query_rows < 1 || database_features < 1) {
    throw usage_error("knn: empty input (" + std::to_string(database_rows) + " database rows, " +
                      std::to_string(query_rows) + " queries, " + std::to_string(database_features) + " features)");
  }
  if (database_rows > knn_max_rows || query_rows > knn_max_rows) {
    throw usage_error("knn: at most 2^31 - 1 rows (ids are int32)");
  }
  if (k < 1 || k > database_rows || k > knn_max_k) {
    throw usage_error("knn: k must be 1.." + std::to_string(std::min<std::int64_t>(database_rows, knn_max_k)) +
                      " (at most the database rows and " + std::to_string(knn_max_k) + "), got " + std::to_string(k));
  }
  if (splits < 0) throw usage_error("knn: splits must be >= 0 (0: automatic)");
  const int forced_splits = splits;  // the TF32 filter's ranges follow the same request
  knn_plan p;
  p.version = v;
  p.database_rows = database_rows;
  p.query_rows = query_rows;
  p.features = database_features;
  p.k = k;
  p.candidates = knn_candidates(v, database_rows, k);
  if (v == knn_version::naive) {
    if (database_features > naive_max_features) {
      throw usage_error("knn naive: at most " + std::to_string(naive_max_features) + " features");
    }
    const std::int64_t fits = static_cast<std::int64_t>(naive_batch_bytes / (8 * static_cast<std::uint64_t>(database_rows)));
    p.query_batch = std::clamp<std::int64_t>(fits, 1, std::min<std::int64_t>(query_rows, max_batch));
    return p;
  }
  p.small_k = v == knn_version::fused && p.candidates <= kernels::small_k_max_candidates &&
              database_features <= kernels::small_k_max_features;
  const std::int64_t tiles = ceil_div(database_rows, kernels::knn_tile_rows);
  if (splits == 0) {
    // About 1024 blocks (8 waves of 132 SMs x 1 block, or 4 of 2: the tail wave
    // costs little), each split at least 8 tiles of rows. A function of the shape
    // only, so that the memory a case declares does not depend on the device.
    const std::int64_t query_tiles =
        ceil_div(query_rows, p.small_k ? kernels::small_k_queries : kernels::knn_tile_queries);
    const std::int64_t want =
        p.small_k ? small_k_target_blocks / query_tiles : ceil_div(target_blocks, query_tiles);
    splits = static_cast<int>(std::clamp<std::int64_t>(want, 1, std::max<std::int64_t>(1, tiles / 8)));
  }
  const row_ranges split = cut_into_ranges(database_rows, splits, kernels::knn_tile_rows);
  p.split_rows = split.rows;
  p.splits = split.count;
  p.merge_lists = v == knn_version::fused && p.splits <= kernels::knn_merge_max_lists;
  p.tf32_filter = v == knn_version::tf32_rerank && k <= tf32_filter_max_k && database_features % 4 == 0 &&
                  database_features <= kernels::tf32_filter_max_features;
  if (p.tf32_filter) {
    p.sample_rows = std::min(database_rows, tf32_sample_rows);
    p.sample_stride = database_rows % 999983 == 0 ? 1000003 : 999983;  // primes: coprime with n < 2^31
    const std::int64_t filter_tiles = ceil_div(database_rows, kernels::tf32_filter_tile_rows);
    std::int64_t ranges = forced_splits;
    if (ranges == 0) {
      const std::int64_t query_blocks = ceil_div(query_rows, kernels::tf32_filter_block_queries);
      ranges = std::clamp<std::int64_t>((tf32_filter_target_blocks + query_blocks / 2) / query_blocks, 1,
                                        std::max<std::int64_t>(1, filter_tiles / 8));
    }
    const row_ranges filter = cut_into_ranges(database_rows, ranges, kernels::tf32_filter_tile_rows);
    p.filter_split_rows = filter.rows;
    p.filter_splits = filter.count;
    p.segment_capacity = tf32_segment_capacity;
  }
  return p;
}

std::size_t knn_workspace_bytes(const knn_plan& p) {
  const std::string what = "knn workspace";
  const std::uint64_t n = static_cast<std::uint64_t>(p.database_rows), m = static_cast<std::uint64_t>(p.query_rows);
  if (p.version == knn_version::naive) {
    const std::uint64_t keys = checked_multiply(static_cast<std::uint64_t>(p.query_batch), n, what);
    // CUB's scratch for a DoubleBuffer sort is small: a few bytes per segment (1 MiB allowed).
    return checked_add(2 * bytes_of<std::uint64_t>(keys, what), std::size_t{1} << 20, what);
  }
  const std::uint64_t per_query = checked_multiply(static_cast<std::uint64_t>(p.splits),
                                                   static_cast<std::uint64_t>(p.candidates), what);
  const std::uint64_t keys = checked_multiply(m, per_query, what);
  std::size_t bytes = bytes_of<float>(checked_add(n, m, what), what);  // norms
  if (!p.small_k) bytes = checked_add(bytes, 2 * bytes_of<std::uint64_t>(keys, what), what);  // lists (two a query and split)
  if (p.small_k) {  // the splits' shared bounds, the largest row norm
    bytes = checked_add(checked_add(bytes, bytes_of<std::uint64_t>(m, what), what), sizeof(unsigned), what);
  }
  bytes = checked_add(bytes, bytes_of<std::uint64_t>(keys, what), what);  // out
  if (!p.merge_lists) {  // out's sorted copy and CUB's scratch (1 MiB allowed)
    bytes = checked_add(checked_add(bytes, bytes_of<std::uint64_t>(keys, what), what), std::size_t{1} << 20, what);
  }
  if (p.tf32_filter) {
    const std::uint64_t s = static_cast<std::uint64_t>(p.sample_rows), d = static_cast<std::uint64_t>(p.features);
    const std::uint64_t tiles = static_cast<std::uint64_t>(ceil_div(p.sample_rows, kernels::tf32_filter_tile_rows));
    const std::uint64_t segments = checked_multiply(m, static_cast<std::uint64_t>(p.filter_splits), what);
    const std::uint64_t centred = checked_add(checked_multiply(n, d, what), d, what);  // the centred copy and the centre
    bytes = checked_add(bytes, bytes_of<float>(checked_add(checked_add(checked_multiply(s, d + 1, what), centred, what),
                                                           checked_multiply(m, tiles + 1, what), what), what), what);
    bytes = checked_add(bytes, bytes_of<double>(m, what), what);
    bytes = checked_add(bytes, bytes_of<unsigned>(checked_add(segments, 2, what), what), what);
    bytes = checked_add(bytes, bytes_of<std::uint64_t>(checked_multiply(segments, static_cast<std::uint64_t>(p.segment_capacity), what), what), what);
  }
  return bytes;
}

knn_workspace::knn_workspace(const knn_plan& plan, cuda::stream_ref s) : plan_(plan) {
  if (plan.version == knn_version::tf32_rerank && current_compute_capability().major < 8) {
    throw usage_error("knn tf32_rerank: TF32 tensor cores need compute capability 8.0 or later; use fused");
  }
  if (plan.version == knn_version::tf32_rerank) {
    // A build whose code for this GPU comes from the compute_75 PTX has only the stubs (they trap).
    const cudaFuncAttributes pass = kernel_attributes(kernels::knn_tf32_pass<kernels::tf32_pass_mode::filter>);
    if (pass.ptxVersion < 80) {
      throw usage_error("knn tf32_rerank: this build has no TF32 code for this GPU (its kernels come from compute_" +
                        std::to_string(pass.ptxVersion) +
                        " PTX); configure with -DCMAKE_CUDA_ARCHITECTURES=native on the GPU's machine");
    }
  }
  const auto n = static_cast<std::size_t>(plan.database_rows), m = static_cast<std::size_t>(plan.query_rows);
  std::size_t keys = 0;
  if (plan.version == knn_version::naive) {
    keys = static_cast<std::size_t>(plan.query_batch) * n;
  } else {
    keys = m * static_cast<std::size_t>(plan.splits) * static_cast<std::size_t>(plan.candidates);
    database_norms = device_buffer<float>(n, s);
    query_norms = device_buffer<float>(m, s);
    if (!plan.small_k) lists = device_buffer<std::uint64_t>(2 * keys, s);  // the small-k kernel keeps them in shared memory
    if (plan.small_k) {
      bounds = device_buffer<std::uint64_t>(m, s);
      largest_norm = device_buffer<unsigned>(1, s);
    }
  }
  this->keys = device_buffer<std::uint64_t>(keys, s);
  if (!plan.merge_lists) {  // the merge needs neither
    sorted = device_buffer<std::uint64_t>(keys, s);
    sort_scratch = device_buffer<std::byte>(std::size_t{1} << 20, s);
  }
  if (plan.tf32_filter) {
    for (const auto kernel : {kernels::knn_tf32_pass<kernels::tf32_pass_mode::minima>,
                              kernels::knn_tf32_pass<kernels::tf32_pass_mode::filter>}) {  // once, not per search
      allow_dynamic_shared_memory(kernel, kernels::tf32_filter_shared_bytes);
    }
    wgmma_ = plan.tf32_instruction == tf32_pass_instruction::best && detail::prepare_tf32_wgmma_pass();
    const auto sample_rows = static_cast<std::size_t>(plan.sample_rows), d = static_cast<std::size_t>(plan.features);
    const auto tiles = static_cast<std::size_t>(ceil_div(plan.sample_rows, kernels::tf32_filter_tile_rows));
    const std::size_t segment_count = m * static_cast<std::size_t>(plan.filter_splits);
    sample = device_buffer<float>(sample_rows * d, s);
    centred = device_buffer<float>(n * d, s);
    centre = device_buffer<float>(d, s);
    sample_norms = device_buffer<float>(sample_rows, s);
    minima = device_buffer<float>(m * tiles, s);
    thresholds = device_buffer<float>(m, s);
    filter_query_norms = device_buffer<double>(m, s);
    segment_counts = device_buffer<unsigned>(segment_count, s);
    filter_counters = device_buffer<unsigned>(2, s);
    filter_counters.fill_bytes_async(0, s);
    segments = device_buffer<std::uint64_t>(segment_count * static_cast<std::size_t>(plan.segment_capacity), s);
  }
}

unsigned knn_workspace::searched_exactly(cuda::stream_ref s) const {
  if (!plan_.tf32_filter) return 0;
  return download(filter_counters, s)[1];
}

void knn_search_async(linalg::matrix_view<const float> database, linalg::matrix_view<const float> queries,
                      std::int32_t* ids, float* distances, knn_workspace& work, cuda::stream_ref s) {
  const knn_plan& p = work.plan();
  if (database.extent(1) != queries.extent(1)) {
    throw usage_error("knn: the database has " + std::to_string(database.extent(1)) + " features, the queries " +
                      std::to_string(queries.extent(1)));
  }
  if (database.extent(0) != p.database_rows || queries.extent(0) != p.query_rows || database.extent(1) != p.features) {
    throw usage_error("knn: the matrices are not the shape the workspace was planned for");
  }
  check_packed(database, "database");
  check_packed(queries, "queries");
  switch (p.version) {
    case knn_version::naive: naive_search(p, database.data_handle(), queries.data_handle(), ids, distances, work, s); break;
    case knn_version::fused: fused_search(p, database.data_handle(), queries.data_handle(), ids, distances, work, s); break;
    case knn_version::tf32_rerank:
      tf32_rerank_search(p, database.data_handle(), queries.data_handle(), ids, distances, work, s);
      break;
  }
}

void check_in_range(linalg::matrix_view<const float> m, const std::string& what, cuda::stream_ref s) {
  check_packed(m, what.c_str());
  const std::int64_t size = m.extent(0) * m.extent(1);
  if (size == 0) return;
  // The limit rounded down to a float, so that no value the CPU refuses passes here.
  const double limit = knn_largest_value(m.extent(1));
  float limit_f = static_cast<float>(limit);
  if (static_cast<double>(limit_f) > limit) limit_f = std::nextafter(limit_f, 0.0f);
  device_buffer<unsigned long long> count(1, s);
  count.fill_bytes_async(0, s);
  kernels::knn_count_out_of_range<<<std::min(blocks_for(size, block_size), 4096u), block_size, 0, s.get()>>>(
      m.data_handle(), size, limit_f, count.data());
  GPULAB_CHECK_LAUNCH();
  const auto bad = static_cast<std::int64_t>(download(count, s)[0]);
  if (bad > 0) throw numerical_error(knn_out_of_range_message(what, bad, m.extent(1)));
}

void knn_search(knn_version v, linalg::matrix_view<const float> database, linalg::matrix_view<const float> queries,
                int k, std::int32_t* ids, float* distances, cuda::stream_ref s) {
  const knn_plan plan = make_knn_plan(v, database.extent(0), queries.extent(0), database.extent(1), queries.extent(1), k);
  check_in_range(database, "database", s);
  check_in_range(queries, "queries", s);
  knn_workspace work(plan, s);
  knn_search_async(database, queries, ids, distances, work, s);
  synchronize(s);
}

void knn_vote_async(const std::int32_t* ids, std::int64_t query_rows, int k, const std::int32_t* labels,
                    std::int64_t label_count, int classes, std::int32_t* predictions, cuda::stream_ref s) {
  if (k < 1 || k > knn_max_k) throw usage_error("knn_vote: k must be 1.." + std::to_string(knn_max_k));
  if (classes < 1 || classes > knn_max_classes) {
    throw usage_error("knn_vote: 1.." + std::to_string(knn_max_classes) + " classes, got " + std::to_string(classes));
  }
  if (query_rows < 1) return;
  const std::size_t shared = block_size / 32 * static_cast<std::size_t>(classes) * sizeof(int);
  kernels::knn_vote<<<blocks_for(query_rows * 32, block_size), block_size, shared, s.get()>>>(
      ids, query_rows, k, labels, label_count, classes, predictions);
  GPULAB_CHECK_LAUNCH();
}

}  // namespace gpulab::ml

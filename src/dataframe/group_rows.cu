// SPDX-License-Identifier: MIT
// The general groupby path: composite keys, sort, runs, one reduction per group
// (CUB on the GPU; a parallel radix sort and per-thread pieces on the CPU).
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_reduce.cuh>
#include <cub/device/device_run_length_encode.cuh>
#include <cub/device/device_segmented_reduce.cuh>
#include <omp.h>
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>
#include <thrust/sequence.h>
#include <thrust/execution_policy.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/group_rows.hpp"
#include "gpulab/dataframe/select_rows.hpp"
#include "kernels/dataframe/group_keys.cuh"

namespace gpulab::dataframe {

const char* agg_func_name(agg_func f) {
  switch (f) {
    case agg_func::mean: return "mean";
    case agg_func::sum: return "sum";
    case agg_func::count: return "count";
    case agg_func::min: return "min";
    case agg_func::max: return "max";
  }
  return "?";
}

namespace {

constexpr int block_size = 256;
constexpr double infinity = std::numeric_limits<double>::infinity();

// The value at sorted position p, as the aggregation's term: a missing value
// becomes the operation's neutral element (0, or +-infinity for min and max).
template <class T>
struct group_term {
  column_view<T> values;
  const std::int32_t* rows;
  agg_func f;
  __host__ __device__ double operator()(std::int64_t p) const {
    const std::int32_t row = rows[p];
    const T x = values.data[row];
    const bool present = values.present(row, x);
    switch (f) {
      case agg_func::count: return present ? 1.0 : 0.0;
      case agg_func::min: return present ? static_cast<double>(x) : infinity;
      case agg_func::max: return present ? static_cast<double>(x) : -infinity;
      default: return present ? static_cast<double>(x) : 0.0;
    }
  }
};
struct plus_op {
  __host__ __device__ double operator()(double a, double b) const { return a + b; }
};
struct min_op {
  __host__ __device__ double operator()(double a, double b) const { return b < a ? b : a; }
};
struct max_op {
  __host__ __device__ double operator()(double a, double b) const { return b > a ? b : a; }
};

// One segmented reduction of terms `f` over the groups, to the host.
template <class T, class Op>
std::vector<double> reduce_segments(column_view<T> values, const grouped_rows& g, agg_func f, Op op, double init,
                                    cuda::stream_ref s) {
  const auto groups = static_cast<std::int64_t>(g.keys.size());
  device_buffer<double> out(static_cast<std::size_t>(groups), s);
  const auto terms = thrust::make_transform_iterator(thrust::counting_iterator<std::int64_t>(0),
                                                     group_term<T>{values, g.sorted_rows_gpu.data(), f});
  const std::int32_t* offsets = g.offsets_gpu.data();
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceSegmentedReduce::Reduce(nullptr, bytes, terms, out.data(), groups, offsets, offsets + 1,
                                                     op, init, s.get()));
  device_buffer<std::byte> scratch(std::max<std::size_t>(bytes, 1), s);
  GPULAB_CUDA_TRY(cub::DeviceSegmentedReduce::Reduce(scratch.data(), bytes, terms, out.data(), groups, offsets,
                                                     offsets + 1, op, init, s.get()));
  return download(out, s);
}

// A key as a (min, max) pair; a missing key is the pair that changes nothing.
template <class K>
struct key_as_range {
  column_view<K> key;
  __host__ __device__ key_min_max operator()(std::int64_t i) const {
    const K k = key.data[i];
    if (!validity_bit(key.validity, i)) return {INT64_MAX, INT64_MIN};  // (std::numeric_limits is host-only)
    return {static_cast<std::int64_t>(k), static_cast<std::int64_t>(k)};
  }
};
struct widen_range {
  __host__ __device__ key_min_max operator()(const key_min_max& a, const key_min_max& b) const {
    return {b.min < a.min ? b.min : a.min, b.max > a.max ? b.max : a.max};
  }
};
constexpr key_min_max empty_range{INT64_MAX, INT64_MIN};
key_min_max or_none(key_min_max r) { return r.min > r.max ? key_min_max{} : r; }

// Drops the run of missing keys (the last, if any) and turns run lengths into offsets.
void finish_groups(grouped_rows& g, const std::vector<std::int32_t>& lengths) {
  std::size_t runs = g.keys.size();
  if (runs > 0 && g.keys.back() == missing_group_key) {
    g.keys.pop_back();
    --runs;
  }
  g.offsets.assign(runs + 1, 0);
  for (std::size_t r = 0; r < runs; ++r) g.offsets[r + 1] = g.offsets[r] + lengths[r];
}

}  // namespace

template <class K>
void add_key_digits_async(column_view<K> key, bool categorical, std::int64_t min, std::uint64_t stride,
                          std::uint64_t* composite, cuda::stream_ref s) {
  if (key.size == 0) return;
  const auto kernel = kernels::add_key_digits<K>;
  kernel<<<occupancy_grid_size(kernel, block_size), block_size, 0, s.get()>>>(key, categorical, min, stride, composite);
  GPULAB_CHECK_LAUNCH();
}

template <class K>
void add_key_digits_cpu(column_view<K> key, bool categorical, std::int64_t min, std::uint64_t stride,
                        std::uint64_t* composite) {
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < key.size; ++i) {
    const K k = key.data[i];
    const bool missing = !validity_bit(key.validity, i) || (categorical && k < 0) || composite[i] == missing_group_key;
    composite[i] = missing ? missing_group_key
                           : composite[i] + (static_cast<std::uint64_t>(k) - static_cast<std::uint64_t>(min)) * stride;
  }
}

template <class K>
key_min_max min_max_of(column_view<K> key, cuda::stream_ref s) {
  if (key.size == 0) return {};
  const auto ranges = thrust::make_transform_iterator(thrust::counting_iterator<std::int64_t>(0), key_as_range<K>{key});
  device_buffer<key_min_max> out(1, s);
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceReduce::Reduce(nullptr, bytes, ranges, out.data(), key.size, widen_range{}, empty_range,
                                            s.get()));
  device_buffer<std::byte> scratch(std::max<std::size_t>(bytes, 1), s);
  GPULAB_CUDA_TRY(cub::DeviceReduce::Reduce(scratch.data(), bytes, ranges, out.data(), key.size, widen_range{},
                                            empty_range, s.get()));
  return or_none(download(out, s)[0]);
}

template <class K>
key_min_max min_max_of_cpu(column_view<K> key) {
  key_min_max all = empty_range;
#pragma omp parallel
  {
    key_min_max mine = empty_range;
#pragma omp for schedule(static)
    for (std::int64_t i = 0; i < key.size; ++i) mine = widen_range{}(mine, key_as_range<K>{key}(i));
#pragma omp critical
    all = widen_range{}(all, mine);
  }
  return or_none(all);
}

// [snippet:group_rows]
grouped_rows group_rows(const std::uint64_t* composite, std::int64_t rows, int key_bits, cuda::stream_ref s) {
  grouped_rows g;
  const auto n = static_cast<std::size_t>(rows);
  device_buffer<std::uint64_t> sorted(n, s), unique(n, s);
  device_buffer<std::int32_t> iota(n, s), lengths(n, s), runs(1, s);
  g.sorted_rows_gpu = device_buffer<std::int32_t>(n, s);
  if (rows > 0) {
    thrust::sequence(thrust::cuda::par_nosync.on(s.get()), iota.data(), iota.data() + rows);
    // Sort the rows by key, looking only at the bits the keys use (the missing key's too: all ones).
    std::size_t bytes = 0;
    GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(nullptr, bytes, composite, sorted.data(), iota.data(),
                                                    g.sorted_rows_gpu.data(), rows, 0, key_bits, s.get()));
    std::size_t run_bytes = 0;
    GPULAB_CUDA_TRY(cub::DeviceRunLengthEncode::Encode(nullptr, run_bytes, sorted.data(), unique.data(),
                                                       lengths.data(), runs.data(), rows, s.get()));
    device_buffer<std::byte> scratch(std::max<std::size_t>({bytes, run_bytes, 1}), s);
    bytes = scratch.size();
    GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(scratch.data(), bytes, composite, sorted.data(), iota.data(),
                                                    g.sorted_rows_gpu.data(), rows, 0, key_bits, s.get()));
    // Each run of equal keys is a group: its key and its length.
    run_bytes = scratch.size();
    GPULAB_CUDA_TRY(cub::DeviceRunLengthEncode::Encode(scratch.data(), run_bytes, sorted.data(), unique.data(),
                                                       lengths.data(), runs.data(), rows, s.get()));
  }
  const std::int32_t run_count = rows > 0 ? download(runs, s)[0] : 0;
  g.keys.resize(static_cast<std::size_t>(run_count));
  std::vector<std::int32_t> run_lengths(static_cast<std::size_t>(run_count));
  if (run_count > 0) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(g.keys.data(), unique.data(), run_count * sizeof(std::uint64_t),
                                    cudaMemcpyDeviceToHost, s.get()));
    GPULAB_CUDA_TRY(cudaMemcpyAsync(run_lengths.data(), lengths.data(), run_count * sizeof(std::int32_t),
                                    cudaMemcpyDeviceToHost, s.get()));
    synchronize(s);
  }
  finish_groups(g, run_lengths);
  g.offsets_gpu = upload(g.offsets, s);
  return g;
}
// [/snippet:group_rows]

grouped_rows group_rows_cpu(std::vector<std::uint64_t> composite, int key_bits) {
  grouped_rows g;
  g.sorted_rows_cpu.resize(composite.size());
  for (std::size_t i = 0; i < composite.size(); ++i) g.sorted_rows_cpu[i] = static_cast<std::int32_t>(i);
  radix_sort_pairs_cpu(composite, g.sorted_rows_cpu, key_bits);
  std::vector<std::int32_t> lengths;
  for (std::size_t i = 0; i < composite.size(); ++i) {
    if (i == 0 || composite[i] != composite[i - 1]) {
      g.keys.push_back(composite[i]);
      lengths.push_back(0);
    }
    ++lengths.back();
  }
  finish_groups(g, lengths);
  return g;
}

template <class T>
std::vector<double> aggregate_groups(column_view<T> values, const grouped_rows& g, agg_func f, cuda::stream_ref s) {
  if (g.keys.empty()) return {};
  const std::vector<double> counts = reduce_segments(values, g, agg_func::count, plus_op{}, 0.0, s);
  if (f == agg_func::count) return counts;
  std::vector<double> out = f == agg_func::min   ? reduce_segments(values, g, f, min_op{}, infinity, s)
                            : f == agg_func::max ? reduce_segments(values, g, f, max_op{}, -infinity, s)
                                                 : reduce_segments(values, g, f, plus_op{}, 0.0, s);
  for (std::size_t k = 0; k < out.size(); ++k) {
    if (counts[k] == 0 && f != agg_func::sum) out[k] = std::numeric_limits<double>::quiet_NaN();
    else if (f == agg_func::mean) out[k] /= counts[k];
  }
  return out;
}

template <class T>
std::vector<double> aggregate_groups_cpu(column_view<T> values, const grouped_rows& g, agg_func f) {
  struct accumulator {
    double sum = 0, count = 0, min = infinity, max = -infinity;
    void add(double x) {
      sum += x;
      count += 1;
      min = std::min(min, x);
      max = std::max(max, x);
    }
    void merge(const accumulator& o) {
      sum += o.sum;
      count += o.count;
      min = std::min(min, o.min);
      max = std::max(max, o.max);
    }
  };
  const std::size_t groups = g.keys.size();
  const std::int64_t total = groups == 0 ? 0 : g.offsets[groups];
  // Each thread takes an equal share of the sorted rows and keeps one piece per group
  // it touches; the pieces are merged in thread order.
  const int threads = omp_get_max_threads();
  std::vector<std::vector<std::pair<std::size_t, accumulator>>> pieces(static_cast<std::size_t>(threads));
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    const std::int64_t first = total * t / threads, last = total * (t + 1) / threads;
    if (first < last) {
      auto& mine = pieces[static_cast<std::size_t>(t)];
      std::size_t group = static_cast<std::size_t>(std::upper_bound(g.offsets.begin(), g.offsets.end(), first) -
                                                    g.offsets.begin() - 1);
      accumulator acc;
      for (std::int64_t p = first; p < last; ++p) {
        while (p >= g.offsets[group + 1]) {
          mine.emplace_back(group++, acc);
          acc = {};
        }
        const std::int32_t row = g.sorted_rows_cpu[static_cast<std::size_t>(p)];
        if (values.present(row, values.data[row])) acc.add(static_cast<double>(values.data[row]));
      }
      mine.emplace_back(group, acc);
    }
  }
  std::vector<accumulator> all(groups);
  for (const auto& mine : pieces) {
    for (const auto& [group, acc] : mine) all[group].merge(acc);
  }
  std::vector<double> out(groups);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t k = 0; k < groups; ++k) {
    const accumulator& a = all[k];
    switch (f) {
      case agg_func::count: out[k] = a.count; break;
      case agg_func::sum: out[k] = a.sum; break;
      case agg_func::mean: out[k] = a.count > 0 ? a.sum / a.count : nan; break;
      case agg_func::min: out[k] = a.count > 0 ? a.min : nan; break;
      case agg_func::max: out[k] = a.count > 0 ? a.max : nan; break;
    }
  }
  return out;
}

#define GPULAB_DATAFRAME_KEYS(K)                                                                             \
  template void add_key_digits_async<K>(column_view<K>, bool, std::int64_t, std::uint64_t, std::uint64_t*, \
                                        cuda::stream_ref);                                                 \
  template void add_key_digits_cpu<K>(column_view<K>, bool, std::int64_t, std::uint64_t, std::uint64_t*); \
  template key_min_max min_max_of<K>(column_view<K>, cuda::stream_ref);                                   \
  template key_min_max min_max_of_cpu<K>(column_view<K>);
GPULAB_DATAFRAME_KEYS(std::int64_t)
GPULAB_DATAFRAME_KEYS(std::int32_t)
#undef GPULAB_DATAFRAME_KEYS

#define GPULAB_DATAFRAME_AGGREGATE(T)                                                                         \
  template std::vector<double> aggregate_groups<T>(column_view<T>, const grouped_rows&, agg_func,           \
                                                   cuda::stream_ref);                                       \
  template std::vector<double> aggregate_groups_cpu<T>(column_view<T>, const grouped_rows&, agg_func);
GPULAB_DATAFRAME_AGGREGATE(double)
GPULAB_DATAFRAME_AGGREGATE(float)
GPULAB_DATAFRAME_AGGREGATE(std::int64_t)
GPULAB_DATAFRAME_AGGREGATE(std::int32_t)
#undef GPULAB_DATAFRAME_AGGREGATE

}  // namespace gpulab::dataframe

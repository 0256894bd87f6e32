// SPDX-License-Identifier: MIT
// Filter, sort and gather on the GPU (kernels/dataframe/select_rows.cuh and CUB)
// and on the CPU (OpenMP, and a parallel radix sort).
#include <cub/device/device_radix_sort.cuh>
#include <cub/device/device_select.cuh>
#include <omp.h>
#include <thrust/iterator/counting_iterator.h>

#include <algorithm>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/select_rows.hpp"
#include "kernels/dataframe/select_rows.cuh"

namespace gpulab::dataframe {

const char* compare_op_text(compare_op op) {
  switch (op) {
    case compare_op::less: return "<";
    case compare_op::less_equal: return "<=";
    case compare_op::greater: return ">";
    case compare_op::greater_equal: return ">=";
    case compare_op::equal: return "==";
    case compare_op::not_equal: return "!=";
  }
  return "?";
}

compare_op parse_compare_op(std::string_view text) {
  for (compare_op op : {compare_op::less, compare_op::less_equal, compare_op::greater, compare_op::greater_equal,
                        compare_op::equal, compare_op::not_equal}) {
    if (text == compare_op_text(op)) return op;
  }
  throw usage_error("unknown comparison '" + std::string(text) + "' (known: <, <=, >, >=, ==, !=)");
}

namespace {

constexpr int block_size = 256;

template <class Kernel>
unsigned grid_for(Kernel kernel) {
  return occupancy_grid_size(kernel, block_size);
}

// Whether a column of T may have missing values: a mask, or NaN in a float column.
template <class T>
bool may_be_missing(column_view<T> x) {
  return x.validity != nullptr || std::is_floating_point_v<T>;
}

}  // namespace

template <class T>
device_buffer<std::int32_t> filter_rows(column_view<T> x, compare_op op, double value, cuda::stream_ref s) {
  if (x.size == 0) return device_buffer<std::int32_t>();
  device_buffer<std::uint8_t> flags(static_cast<std::size_t>(x.size), s);
  device_buffer<std::int32_t> selected(static_cast<std::size_t>(x.size), s);
  device_buffer<std::int32_t> count(1, s);
  kernels::compare_flags<T><<<grid_for(kernels::compare_flags<T>), block_size, 0, s.get()>>>(x, op, value,
                                                                                              flags.data());
  GPULAB_CHECK_LAUNCH();
  const thrust::counting_iterator<std::int32_t> rows(0);
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceSelect::Flagged(nullptr, bytes, rows, flags.data(), selected.data(), count.data(),
                                             x.size, s.get()));
  device_buffer<std::byte> scratch(std::max<std::size_t>(bytes, 1), s);
  GPULAB_CUDA_TRY(cub::DeviceSelect::Flagged(scratch.data(), bytes, rows, flags.data(), selected.data(),
                                             count.data(), x.size, s.get()));
  const std::int32_t kept = download(count, s)[0];
  device_buffer<std::int32_t> out(static_cast<std::size_t>(kept), s);
  if (kept > 0) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(out.data(), selected.data(), kept * sizeof(std::int32_t),
                                    cudaMemcpyDeviceToDevice, s.get()));
  }
  synchronize(s);
  return out;
}

// [snippet:sort_rows]
template <class T>
device_buffer<std::int32_t> sort_rows(column_view<T> x, bool ascending, cuda::stream_ref s) {
  const auto n = static_cast<std::size_t>(x.size);
  device_buffer<std::uint64_t> keys(n, s), keys_sorted(n, s);
  device_buffer<std::int32_t> rows(n, s), rows_sorted(n, s);
  if (n == 0) return rows_sorted;
  kernels::sort_keys<T><<<grid_for(kernels::sort_keys<T>), block_size, 0, s.get()>>>(x, ascending, keys.data(),
                                                                                      rows.data());
  GPULAB_CHECK_LAUNCH();
  constexpr int key_bits = 8 * sizeof(T);  // 4-byte values have 32-bit keys: 4 passes instead of 8
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(nullptr, bytes, keys.data(), keys_sorted.data(), rows.data(),
                                                  rows_sorted.data(), x.size, 0, key_bits, s.get()));
  device_buffer<std::byte> scratch(std::max<std::size_t>(bytes, 1), s);
  GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(scratch.data(), bytes, keys.data(), keys_sorted.data(), rows.data(),
                                                  rows_sorted.data(), x.size, 0, key_bits, s.get()));
  if (!may_be_missing(x)) return rows_sorted;
  // A second stable pass on one bit, "missing", moves the missing rows last in table order.
  device_buffer<std::uint8_t> missing(n, s), missing_sorted(n, s);
  kernels::missing_flags<T><<<grid_for(kernels::missing_flags<T>), block_size, 0, s.get()>>>(x, rows_sorted.data(),
                                                                                              missing.data());
  GPULAB_CHECK_LAUNCH();
  std::size_t flag_bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(nullptr, flag_bytes, missing.data(), missing_sorted.data(),
                                                  rows_sorted.data(), rows.data(), x.size, 0, 1, s.get()));
  if (flag_bytes > scratch.size()) scratch = device_buffer<std::byte>(flag_bytes, s);
  GPULAB_CUDA_TRY(cub::DeviceRadixSort::SortPairs(scratch.data(), flag_bytes, missing.data(), missing_sorted.data(),
                                                  rows_sorted.data(), rows.data(), x.size, 0, 1, s.get()));
  return rows;
}
// [/snippet:sort_rows]

template <class T>
void gather_async(column_view<T> in, const std::int32_t* rows, std::int64_t count, T* out,
                  std::uint32_t* out_validity, cuda::stream_ref s) {
  if (count == 0) return;
  kernels::gather_values<T><<<grid_for(kernels::gather_values<T>), block_size, 0, s.get()>>>(in.data, rows, count, out);
  GPULAB_CHECK_LAUNCH();
  if (out_validity != nullptr) {
    kernels::gather_validity<<<grid_for(kernels::gather_validity), block_size, 0, s.get()>>>(in.validity, rows, count,
                                                                                             out_validity);
    GPULAB_CHECK_LAUNCH();
  }
}

// ------------------------------------------------------------------ CPU
template <class T>
std::vector<std::int32_t> filter_rows_cpu(column_view<T> x, compare_op op, double value) {
  // Each thread counts its share's passing rows, then writes them at its offset: the table's order.
  const int threads = omp_get_max_threads();
  std::vector<std::int64_t> kept(static_cast<std::size_t>(threads) + 1, 0);
  std::vector<std::int32_t> out;
#pragma omp parallel num_threads(threads)
  {
    const int t = omp_get_thread_num();
    const std::int64_t first = x.size * t / threads, last = x.size * (t + 1) / threads;
    std::int64_t mine = 0;
    for (std::int64_t i = first; i < last; ++i) mine += x.present(i, x.data[i]) && passes(static_cast<double>(x.data[i]), op, value);
    kept[static_cast<std::size_t>(t) + 1] = mine;
#pragma omp barrier
#pragma omp single
    {
      for (int k = 0; k < threads; ++k) kept[k + 1] += kept[k];
      out.resize(static_cast<std::size_t>(kept[threads]));
    }
    std::int64_t at = kept[static_cast<std::size_t>(t)];
    for (std::int64_t i = first; i < last; ++i) {
      if (x.present(i, x.data[i]) && passes(static_cast<double>(x.data[i]), op, value)) {
        out[static_cast<std::size_t>(at++)] = static_cast<std::int32_t>(i);
      }
    }
  }
  return out;
}

template <class T>
std::vector<std::int32_t> sort_rows_cpu(column_view<T> x, bool ascending) {
  const auto n = static_cast<std::size_t>(x.size);
  std::vector<std::uint64_t> keys(n);
  std::vector<std::int32_t> rows(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < x.size; ++i) {
    keys[static_cast<std::size_t>(i)] = x.present(i, x.data[i]) ? ordered_key(x.data[i], ascending) : 0;
    rows[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i);
  }
  radix_sort_pairs_cpu(keys, rows, 8 * sizeof(T));
  if (!may_be_missing(x)) return rows;
  // The stable "missing last" pass, as on the GPU.
#pragma omp parallel for schedule(static)
  for (std::int64_t p = 0; p < x.size; ++p) {
    const std::int32_t row = rows[static_cast<std::size_t>(p)];
    keys[static_cast<std::size_t>(p)] = x.present(row, x.data[row]) ? 0 : 1;
  }
  radix_sort_pairs_cpu(keys, rows, 1);
  return rows;
}

template <class T>
void gather_cpu(column_view<T> in, std::span<const std::int32_t> rows, T* out, std::uint32_t* out_validity) {
  const auto count = static_cast<std::int64_t>(rows.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < count; ++i) out[i] = in.data[rows[static_cast<std::size_t>(i)]];
  if (out_validity == nullptr) return;
#pragma omp parallel for schedule(static)
  for (std::int64_t w = 0; w < validity_words(count); ++w) {
    std::uint32_t word = 0;
    for (int b = 0; b < 32 && 32 * w + b < count; ++b) {
      if (validity_bit(in.validity, rows[static_cast<std::size_t>(32 * w + b)])) word |= 1u << b;
    }
    out_validity[w] = word;
  }
}

// [snippet:radix_sort_cpu]
void radix_sort_pairs_cpu(std::vector<std::uint64_t>& keys, std::vector<std::int32_t>& rows, int key_bits) {
  constexpr int digit_bits = 8, digits = 1 << digit_bits;
  const auto n = static_cast<std::int64_t>(keys.size());
  std::vector<std::uint64_t> keys_out(keys.size());
  std::vector<std::int32_t> rows_out(rows.size());
  const int threads = omp_get_max_threads();
  std::vector<std::int64_t> start(static_cast<std::size_t>(threads) * digits);  // [thread * digits + digit]
  for (int shift = 0; shift < key_bits; shift += digit_bits) {
    const std::uint64_t mask = key_bits - shift >= digit_bits ? digits - 1 : (std::uint64_t{1} << (key_bits - shift)) - 1;
#pragma omp parallel num_threads(threads)
    {
      const int t = omp_get_thread_num();
      const std::int64_t first = n * t / threads, last = n * (t + 1) / threads;
      std::int64_t* mine = start.data() + static_cast<std::size_t>(t) * digits;
      std::fill(mine, mine + digits, 0);
      for (std::int64_t i = first; i < last; ++i) ++mine[(keys[i] >> shift) & mask];  // each thread's histogram
#pragma omp barrier
#pragma omp single
      {  // where each (digit, thread) starts: all smaller digits, then the same digit of earlier threads
        std::int64_t at = 0;
        for (int d = 0; d < digits; ++d) {
          for (int k = 0; k < threads; ++k) {
            const std::int64_t count = start[static_cast<std::size_t>(k) * digits + d];
            start[static_cast<std::size_t>(k) * digits + d] = at;
            at += count;
          }
        }
      }
      for (std::int64_t i = first; i < last; ++i) {  // in order within a thread: the sort is stable
        const std::int64_t to = mine[(keys[i] >> shift) & mask]++;
        keys_out[static_cast<std::size_t>(to)] = keys[i];
        rows_out[static_cast<std::size_t>(to)] = rows[i];
      }
    }
    keys.swap(keys_out);
    rows.swap(rows_out);
  }
}
// [/snippet:radix_sort_cpu]

#define GPULAB_DATAFRAME_SELECT(T)                                                                               \
  template device_buffer<std::int32_t> filter_rows<T>(column_view<T>, compare_op, double, cuda::stream_ref);    \
  template device_buffer<std::int32_t> sort_rows<T>(column_view<T>, bool, cuda::stream_ref);                    \
  template void gather_async<T>(column_view<T>, const std::int32_t*, std::int64_t, T*, std::uint32_t*,          \
                                cuda::stream_ref);                                                             \
  template std::vector<std::int32_t> filter_rows_cpu<T>(column_view<T>, compare_op, double);                   \
  template std::vector<std::int32_t> sort_rows_cpu<T>(column_view<T>, bool);                                   \
  template void gather_cpu<T>(column_view<T>, std::span<const std::int32_t>, T*, std::uint32_t*);
GPULAB_DATAFRAME_SELECT(double)
GPULAB_DATAFRAME_SELECT(float)
GPULAB_DATAFRAME_SELECT(std::int64_t)
GPULAB_DATAFRAME_SELECT(std::int32_t)
#undef GPULAB_DATAFRAME_SELECT

}  // namespace gpulab::dataframe

// SPDX-License-Identifier: MIT
// The launchers of the GPU CSV reader's kernels (csv_kernels.hpp): grid sizes,
// CUB's device-wide scan, and a binary search for the messages.
#include <cub/device/device_scan.cuh>
#include <thrust/binary_search.h>
#include <thrust/execution_policy.h>

#include <algorithm>
#include <cstdint>

#include "gpulab/core/error.hpp"
#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/csv_kernels.hpp"
#include "kernels/dataframe/csv_boundaries.cuh"
#include "kernels/dataframe/csv_rows.cuh"
#include "kernels/dataframe/csv_text_checks.cuh"

namespace gpulab::dataframe {

namespace {

constexpr unsigned row_block = 256;
constexpr unsigned exact_block = 128;

// A grid-stride kernel needs no more blocks than fill the GPU, nor more than the work.
template <class Kernel>
unsigned grid_for(Kernel kernel, std::uint64_t items, unsigned block) {
  const auto needed = static_cast<std::uint64_t>(blocks_for(static_cast<std::int64_t>(items), block));
  return static_cast<unsigned>(std::max<std::uint64_t>(1, std::min<std::uint64_t>(needed, occupancy_grid_size(kernel, static_cast<int>(block)))));
}

}  // namespace

std::uint64_t csv_tile_count(const csv_device_text& text) {
  const std::uint64_t head = reinterpret_cast<std::uintptr_t>(text.data) % 16;
  return (head + text.size + csv_tile_bytes - 1) / csv_tile_bytes;
}

void summarize_tiles_async(const csv_device_text& text, std::uint64_t first_tile, std::uint64_t tile_count,
                           quote_summary* tiles, cuda::stream_ref s) {
  if (tile_count == 0) return;
  kernels::summarize_tiles<<<static_cast<unsigned>(tile_count), csv_tile_threads, 0, s.get()>>>(text, first_tile, tiles);
  GPULAB_CHECK_LAUNCH();
}

std::size_t scan_tiles_temp_bytes(std::uint64_t count) {
  std::size_t bytes = 0;
  GPULAB_CUDA_TRY(cub::DeviceScan::InclusiveScan(nullptr, bytes, static_cast<const quote_summary*>(nullptr),
                                                 static_cast<quote_summary*>(nullptr), combine_quote_summaries{},
                                                 static_cast<std::int64_t>(count)));
  return bytes;
}

void scan_tiles_async(const quote_summary* tiles, quote_summary* scanned, std::uint64_t count, void* temp,
                      std::size_t temp_bytes, cuda::stream_ref s) {
  if (count == 0) return;
  GPULAB_CUDA_TRY(cub::DeviceScan::InclusiveScan(temp, temp_bytes, tiles, scanned, combine_quote_summaries{},
                                                 static_cast<std::int64_t>(count), s.get()));
}

void write_row_ends_async(const csv_device_text& text, const quote_summary* scanned, std::uint64_t* row_ends,
                          std::uint64_t rows, bool open_last_row, cuda::stream_ref s) {
  const std::uint64_t tiles = csv_tile_count(text);
  if (tiles == 0 || rows == 0) return;
  kernels::write_row_ends<<<static_cast<unsigned>(tiles), csv_tile_threads, 0, s.get()>>>(text, scanned, row_ends,
                                                                                           rows, open_last_row);
  GPULAB_CHECK_LAUNCH();
}

void find_byte_problems_async(const csv_device_text& text, std::uint64_t checked, unsigned long long* key,
                              cuda::stream_ref s) {
  const csv_device_text part{text.data, checked, text.file_offset};
  const std::uint64_t blocks16 = (checked + 15) / 16 + 1;
  if (checked == 0) return;
  kernels::find_byte_problems<<<grid_for(kernels::find_byte_problems, blocks16, row_block), row_block, 0, s.get()>>>(
      part, key);
  GPULAB_CHECK_LAUNCH();
}

void classify_rows_async(const csv_rows_view& rows, const column_kind* kinds, std::uint32_t* flags,
                         unsigned long long* key, cuda::stream_ref s) {
  if (rows.rows == 0) return;
  kernels::classify_rows<<<grid_for(kernels::classify_rows, rows.rows, row_block), row_block, 0, s.get()>>>(
      rows, kinds, flags, key);
  GPULAB_CHECK_LAUNCH();
}

void parse_rows_async(const csv_rows_view& rows, const csv_column_target* targets, const std::uint64_t* powers,
                      std::uint32_t* exact_rows, unsigned long long* exact_count, unsigned long long* key,
                      cuda::stream_ref s) {
  if (rows.rows == 0) return;
  kernels::parse_rows<<<grid_for(kernels::parse_rows, rows.rows, row_block), row_block, 0, s.get()>>>(
      rows, targets, powers, exact_rows, exact_count, key);
  GPULAB_CHECK_LAUNCH();
}

unsigned exact_threads(std::uint64_t declined_values) {
  const std::uint64_t most = 2 * static_cast<std::uint64_t>(sm_count()) * exact_block;
  const std::uint64_t wanted = (declined_values + exact_block - 1) / exact_block * exact_block;
  return static_cast<unsigned>(std::max<std::uint64_t>(exact_block, std::min(most, wanted)));
}

void parse_exact_rows_async(const csv_rows_view& rows, const csv_column_target* targets, const std::uint64_t* powers,
                            const std::uint32_t* exact_rows, simple_decimal* scratch, unsigned threads,
                            unsigned long long* key, cuda::stream_ref s) {
  if (rows.rows == 0 || threads == 0) return;
  kernels::parse_exact_rows<<<threads / exact_block, exact_block, 0, s.get()>>>(rows, targets, powers, exact_rows,
                                                                                scratch, key);
  GPULAB_CHECK_LAUNCH();
}

std::uint64_t row_containing(const std::uint64_t* row_ends, std::uint64_t rows, std::uint64_t offset,
                             cuda::stream_ref s) {
  const auto* found = thrust::lower_bound(thrust::cuda::par.on(s.get()), row_ends, row_ends + rows, offset);
  return static_cast<std::uint64_t>(found - row_ends);
}

}  // namespace gpulab::dataframe

// SPDX-License-Identifier: MIT
// The GPU CSV reader: the same grammar, types and messages as the CPU reader
// (csv.hpp), the same values bit for bit, into columns in device memory.
//
// How it reads a file:
//   1. the header on the host; then the rest of the file in pinned chunks, each
//      copied to the device on a copy stream while the compute stream summarizes
//      the chunks already there (the first step of the parse overlaps the copies)
//   2. row boundaries with quotes respected: a prefix scan of quote summaries
//   3. NUL and UTF-8 checks; column types (one thread per row); values (one thread
//      per row, Eisel-Lemire), then the rare values only the exact path decides
//   4. the first problem, if any, as the CPU reader's one-line io_error
// A file larger than the device's free memory is read in byte ranges that end at
// row boundaries, in two passes (rows and types, then values): never a crash. (A
// single row longer than a byte range, some 40% of the device's memory, is the one
// input where its message differs from the CPU reader's: it says so and names read_csv_cpu.)
// Peak device memory for a file that fits: text + columns + 8 bytes per row
// (row ends) + about 1% (tile summaries); reported in csv_read_stats.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/std/span>
#include <cuda/stream_ref>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "gpulab/dataframe/csv.hpp"
#include "gpulab/dataframe/csv_columns.hpp"

namespace gpulab::dataframe {

struct csv_gpu_settings {
  std::size_t chunk_bytes = std::size_t{64} << 20;  // pinned staging chunk (rounded up to 4 KiB)
  int staging_buffers = 3;                          // chunks in flight: read, copy, summarize
  // The device memory the reader may use; 0: 90% of what is free when a read starts.
  // A small value forces byte ranges (the tests' way to exercise them).
  std::size_t device_memory_limit = 0;
};

// What the last read did.
struct csv_read_stats {
  std::uint64_t text_bytes = 0;
  std::uint64_t rows = 0;
  std::size_t column_bytes = 0;
  std::size_t peak_device_bytes = 0;  // the reader's allocations at their peak, text and columns included
  int byte_ranges = 0;                // 1: the whole text at once; more: the two-pass range path
  std::uint64_t exact_path_rows = 0;  // rows with a value the Eisel-Lemire fast path declined
};

class csv_gpu_reader {
 public:
  // Every read queues its work on `s` and returns when the columns are complete.
  // The first read of a file or host text pins the staging buffers, which later
  // reads reuse: keep the reader for several reads.
  explicit csv_gpu_reader(cuda::stream_ref s, csv_gpu_settings settings = {});
  ~csv_gpu_reader();
  csv_gpu_reader(const csv_gpu_reader&) = delete;
  csv_gpu_reader& operator=(const csv_gpu_reader&) = delete;

  [[nodiscard]] csv_device_columns read(const std::filesystem::path& path, const csv_options& options = {});
  // CSV text in host memory; `source_name` stands for a file name in messages.
  [[nodiscard]] csv_device_columns read_text(std::string_view text, const csv_options& options = {},
                                             const std::string& source_name = "<text>");
  // CSV text (header included) already in device memory: the parse alone.
  [[nodiscard]] csv_device_columns parse_device_text(cuda::std::span<const char> text, const csv_options& options = {},
                                                     const std::string& source_name = "<device text>");

  // The same, into `out`: its buffers are reused when the result has the same shape
  // (names, dtypes, rows). On error `out` is left empty.
  void read_into(const std::filesystem::path& path, const csv_options& options, csv_device_columns& out);
  void read_text_into(std::string_view text, const csv_options& options, const std::string& source_name,
                      csv_device_columns& out);
  void parse_device_text_into(cuda::std::span<const char> text, const csv_options& options,
                              const std::string& source_name, csv_device_columns& out);

  [[nodiscard]] const csv_read_stats& last_stats() const;

 private:
  struct state;
  std::unique_ptr<state> state_;
};

// One read with a reader of its own (pins staging memory each time: for several
// files, keep a csv_gpu_reader).
csv_device_columns read_csv_gpu(const std::filesystem::path& path, const csv_options& options, cuda::stream_ref s);
csv_device_columns read_csv_gpu_text(std::string_view text, const csv_options& options, cuda::stream_ref s);

}  // namespace gpulab::dataframe

// SPDX-License-Identifier: MIT
// The GPU CSV reader's pipeline (csv_gpu.hpp): pinned staging and two streams to
// get the text onto the device, the passes over it (csv_kernels.hpp), byte ranges
// for files larger than the device's memory, and the one-line messages.
#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/csv_detail.hpp"
#include "gpulab/dataframe/csv_eisel_lemire.hpp"
#include "gpulab/dataframe/csv_gpu.hpp"
#include "gpulab/dataframe/csv_kernels.hpp"

namespace gpulab::dataframe {

namespace {

// The device memory one read holds, for the peak it reports.
class memory_meter {
 public:
  void add(std::size_t bytes) {
    live_ += bytes;
    peak_ = std::max(peak_, live_);
  }
  void remove(std::size_t bytes) { live_ -= bytes; }
  [[nodiscard]] std::size_t live() const { return live_; }
  [[nodiscard]] std::size_t peak() const { return peak_; }

 private:
  std::size_t live_ = 0, peak_ = 0;
};

// A device buffer that the meter counts while it lives.
template <class T>
class metered_buffer {
 public:
  metered_buffer() = default;
  metered_buffer(std::size_t count, cuda::stream_ref s, memory_meter& meter) : buffer_(count, s), meter_(&meter) {
    meter.add(buffer_.bytes());
  }
  metered_buffer(metered_buffer&& other) noexcept
      : buffer_(std::move(other.buffer_)), meter_(std::exchange(other.meter_, nullptr)) {}
  metered_buffer& operator=(metered_buffer&& other) noexcept {
    if (this != &other) {
      release();
      buffer_ = std::move(other.buffer_);
      meter_ = std::exchange(other.meter_, nullptr);
    }
    return *this;
  }
  metered_buffer(const metered_buffer&) = delete;
  metered_buffer& operator=(const metered_buffer&) = delete;
  ~metered_buffer() { release(); }

  [[nodiscard]] T* data() { return buffer_.data(); }
  [[nodiscard]] std::size_t size() const { return buffer_.size(); }
  void fill_bytes_async(unsigned char byte, cuda::stream_ref s) {
    if (buffer_.size() > 0) buffer_.fill_bytes_async(byte, s);
  }

 private:
  void release() noexcept {
    if (meter_ != nullptr) meter_->remove(buffer_.bytes());
    meter_ = nullptr;
    buffer_ = device_buffer<T>();
  }
  device_buffer<T> buffer_;
  memory_meter* meter_ = nullptr;
};

template <class T>
T read_back(const T* device, cuda::stream_ref s) {
  T value{};
  GPULAB_CUDA_TRY(cudaMemcpyAsync(&value, device, sizeof(T), cudaMemcpyDeviceToHost, s.get()));
  synchronize(s);
  return value;
}

template <class T>
metered_buffer<T> upload_metered(const std::vector<T>& host, cuda::stream_ref s, memory_meter& meter) {
  metered_buffer<T> device(host.size(), s, meter);
  if (!host.empty()) {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(device.data(), host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice, s.get()));
    synchronize(s);  // `host` may go before the copy would otherwise run
  }
  return device;
}

// Text in device memory as a csv_source: the header and the messages of parse_device_text.
class device_source final : public detail::csv_source {
 public:
  device_source(cuda::std::span<const char> text, std::string name, cuda::stream_ref s)
      : text_(text), name_(std::move(name)), s_(s) {}
  [[nodiscard]] const std::string& name() const override { return name_; }
  [[nodiscard]] std::uint64_t size() const override { return text_.size(); }
  void read(std::uint64_t offset, std::span<char> out) const override {
    if (out.empty()) return;
    GPULAB_CUDA_TRY(cudaMemcpyAsync(out.data(), text_.data() + offset, out.size(), cudaMemcpyDeviceToHost, s_.get()));
    synchronize(s_);
  }

 private:
  cuda::std::span<const char> text_;
  std::string name_;
  cuda::stream_ref s_;
};

// What every range of one read needs: the header, the declared kinds.
struct read_plan {
  const detail::csv_source& source;
  detail::csv_header header;
  std::vector<column_kind> kinds;
  char delimiter;

  [[nodiscard]] detail::csv_layout layout() const { return {&header, &kinds, delimiter}; }
  [[nodiscard]] std::uint32_t columns() const { return static_cast<std::uint32_t>(header.names.size()); }
  [[nodiscard]] bool any_inferred() const {
    return std::find(kinds.begin(), kinds.end(), column_kind::inferred) != kinds.end();
  }
};

read_plan make_plan(const detail::csv_source& source, const csv_options& options) {
  detail::csv_header header = detail::read_header(source, options.delimiter);
  std::vector<column_kind> kinds = detail::declared_kinds(header, options, source.name());
  return {source, std::move(header), std::move(kinds), options.delimiter};
}

// The rows of one range of text, found on the device.
struct range_rows {
  metered_buffer<std::uint64_t> row_ends;
  std::uint64_t rows = 0;
  std::uint64_t consumed = 0;  // the bytes those rows cover: the range up to its last '\n', or all of it at the end
};

// The first problem a read found: its key (problem_key) and where its row is.
// The row is kept, not the message: pass 1 of a byte-range read sees only the syntax, and
// pass 2 may still find an earlier problem in the same row (a float64 out of range).
struct found_problem {
  std::uint64_t key = no_problem_key;
  std::uint64_t row_begin = 0, row_end = 0;  // file offsets of the problem's row
};

// The one-line message of a problem, as the CPU reader words it.
io_error problem_error(const read_plan& plan, const found_problem& problem) {
  return io_error(detail::problem_message(plan.source, plan.layout(), problem.key, problem.row_begin, problem.row_end));
}

// A byte range holds no whole row: the one case where the GPU reader's message is its own.
io_error row_too_long(const read_plan& plan, std::uint64_t offset, std::uint64_t range) {
  return io_error(detail::located(plan.source, offset,
                                  "expected a row shorter than the GPU reader's byte range (" + std::to_string(range) +
                                      " bytes on this device); read_csv_cpu reads it"));
}

std::size_t column_bytes(std::uint64_t rows, std::uint32_t columns) {
  return static_cast<std::size_t>(columns) * (rows * sizeof(double) + validity_words(rows) * sizeof(std::uint32_t));
}

// Reuses `out` when it has this shape, else allocates it; zeroes the validity
// (parse_rows ORs its bits in).
void shape_device_columns(csv_device_columns& out, const read_plan& plan, const std::vector<csv_dtype>& types,
                          std::uint64_t rows, cuda::stream_ref s) {
  bool same = out.rows == rows && out.columns.size() == plan.header.names.size();
  for (std::size_t c = 0; same && c < out.columns.size(); ++c) {
    same = out.columns[c].name == plan.header.names[c] && out.columns[c].dtype == types[c];
  }
  if (!same) {
    out = {};
    out.rows = rows;
    for (std::size_t c = 0; c < types.size(); ++c) {
      csv_device_column column;
      column.name = plan.header.names[c];
      column.dtype = types[c];
      if (types[c] == csv_dtype::int64) {
        column.int64 = device_buffer<std::int64_t>(rows, s);
      } else {
        column.float64 = device_buffer<double>(rows, s);
      }
      column.validity = device_buffer<std::uint32_t>(validity_words(rows), s);
      out.columns.push_back(std::move(column));
    }
  }
  for (csv_device_column& column : out.columns) {
    if (column.validity.size() > 0) column.validity.fill_bytes_async(0, s);
  }
}

std::vector<csv_column_target> targets_of(csv_device_columns& out, const read_plan& plan) {
  std::vector<csv_column_target> targets;
  for (std::size_t c = 0; c < out.columns.size(); ++c) {
    csv_device_column& column = out.columns[c];
    targets.push_back({column.float64.data(), column.int64.data(), column.validity.data(), column.dtype, plan.kinds[c]});
  }
  return targets;
}

}  // namespace

struct csv_gpu_reader::state {
  state(cuda::stream_ref stream_in, csv_gpu_settings settings_in);

  cuda::stream_ref s;
  csv_gpu_settings settings;
  std::uint64_t chunk = 0;  // settings.chunk_bytes rounded up to whole tiles
  stream copy_stream;
  std::vector<pinned_buffer<char>> staging;
  std::vector<event> staged;  // staged[j]: the copy out of staging[j] is done
  event text_ready;           // the text buffer (allocated on s) may be written by the copy stream
  device_buffer<std::uint64_t> powers;
  csv_read_stats stats;
  memory_meter meter;
  std::size_t budget = 0;  // the device memory this read may hold, measured when it starts

  // `resident`: device bytes the read counts but did not allocate (the caller's text).
  void begin_read(std::uint64_t text_bytes, std::size_t resident = 0) {
    stats = {};
    stats.text_bytes = text_bytes;
    meter = {};
    meter.add(powers.bytes() + resident);
    budget = settings.device_memory_limit > 0 ? settings.device_memory_limit
                                              : device_memory_info().free_bytes / 10 * 9 + meter.live();
  }
  void finish_read(const csv_device_columns& out) {
    stats.rows = out.rows;
    stats.column_bytes = out.bytes();
    stats.peak_device_bytes = meter.peak();
  }

  void load(const detail::csv_source& source, std::uint64_t offset, std::uint64_t length, char* text,
            quote_summary* tiles);
  range_rows find_rows(const csv_device_text& text, const quote_summary* tiles, bool at_eof);
  void parse_values(const csv_rows_view& view, const csv_column_target* targets, unsigned long long* key);
  found_problem locate(const csv_device_text& text, range_rows& rows, std::uint64_t key);
  bool read_whole(const read_plan& plan, const csv_device_text& text, const quote_summary* tiles,
                  bool can_use_ranges, csv_device_columns& out);
  void read_in_ranges(const read_plan& plan, csv_device_columns& out);
  void read_host(const detail::csv_source& source, const csv_options& options, csv_device_columns& out);
};

csv_gpu_reader::state::state(cuda::stream_ref stream_in, csv_gpu_settings settings_in)
    : s(stream_in), settings(settings_in) {
  chunk = std::max<std::uint64_t>(csv_tile_bytes, (settings.chunk_bytes + csv_tile_bytes - 1) / csv_tile_bytes *
                                                      csv_tile_bytes);
  powers = upload(powers_of_ten_128(), s);
}

// [snippet:load]
// The text, chunk by chunk: the host reads chunk k into a pinned buffer while the
// copy stream moves chunk k-1 to the device and the compute stream summarizes the
// tiles of chunk k-2. A pinned buffer is refilled only when its copy is done.
void csv_gpu_reader::state::load(const detail::csv_source& source, std::uint64_t offset, std::uint64_t length,
                                 char* text, quote_summary* tiles) {
  if (staging.empty()) {  // pinned once, at the first read that needs it (parse_device_text does not)
    for (int i = 0; i < std::max(2, settings.staging_buffers); ++i) {
      staging.emplace_back(static_cast<std::size_t>(chunk));
      staged.emplace_back(cudaEventDisableTiming);
    }
  }
  text_ready.record(s);
  GPULAB_CUDA_TRY(cudaStreamWaitEvent(copy_stream.get(), text_ready.get(), 0));
  const csv_device_text whole{text, length, offset};
  for (std::uint64_t done = 0, k = 0; done < length; done += chunk, ++k) {
    const std::uint64_t bytes = std::min(chunk, length - done);
    const std::size_t j = k % staging.size();
    staged[j].synchronize();
    source.read(offset + done, std::span<char>(staging[j].data(), bytes));
    GPULAB_CUDA_TRY(cudaMemcpyAsync(text + done, staging[j].data(), bytes, cudaMemcpyHostToDevice, copy_stream.get()));
    staged[j].record(copy_stream);
    GPULAB_CUDA_TRY(cudaStreamWaitEvent(s.get(), staged[j].get(), 0));
    summarize_tiles_async(whole, done / csv_tile_bytes, (bytes + csv_tile_bytes - 1) / csv_tile_bytes, tiles, s);
  }
}
// [/snippet:load]

range_rows csv_gpu_reader::state::find_rows(const csv_device_text& text, const quote_summary* tiles, bool at_eof) {
  range_rows found;
  if (text.size == 0) return found;
  const std::uint64_t tile_count = csv_tile_count(text);
  metered_buffer<quote_summary> scanned(tile_count, s, meter);
  const std::size_t temp_bytes = scan_tiles_temp_bytes(tile_count);
  metered_buffer<unsigned char> temp(temp_bytes, s, meter);
  scan_tiles_async(tiles, scanned.data(), tile_count, temp.data(), temp_bytes, s);
  const quote_summary whole = read_back(scanned.data() + tile_count - 1, s);
  const char last = read_back(text.data + text.size - 1, s);
  // A last row without its '\n' counts at the end of the file; elsewhere it belongs to the next range.
  const bool open_last_row = at_eof && (last != '\n' || whole.odd_quotes != 0);
  found.rows = whole.rows_from_outside + (open_last_row ? 1 : 0);
  if (found.rows == 0) return found;
  found.row_ends = metered_buffer<std::uint64_t>(found.rows, s, meter);
  write_row_ends_async(text, scanned.data(), found.row_ends.data(), found.rows, open_last_row, s);
  found.consumed = at_eof ? text.size : read_back(found.row_ends.data() + found.rows - 1, s) + 1;
  return found;
}

void csv_gpu_reader::state::parse_values(const csv_rows_view& view, const csv_column_target* targets,
                                         unsigned long long* key) {
  metered_buffer<std::uint32_t> exact_rows(validity_words(view.rows), s, meter);
  metered_buffer<unsigned long long> exact_count(1, s, meter);
  exact_count.fill_bytes_async(0, s);
  parse_rows_async(view, targets, powers.data(), exact_rows.data(), exact_count.data(), key, s);
  const unsigned long long declined = read_back(exact_count.data(), s);  // rows
  if (declined == 0) return;
  stats.exact_path_rows += declined;
  const unsigned threads = exact_threads(declined);
  metered_buffer<simple_decimal> scratch(threads, s, meter);
  parse_exact_rows_async(view, targets, powers.data(), exact_rows.data(), scratch.data(), threads, key, s);
  synchronize(s);
}

found_problem csv_gpu_reader::state::locate(const csv_device_text& text, range_rows& rows, std::uint64_t key) {
  const csv_problem p = key_problem(key);
  if (p == csv_problem::nul_byte || p == csv_problem::invalid_utf8) return {key, 0, 0};  // a byte, not a row
  const std::uint64_t r = row_containing(rows.row_ends.data(), rows.rows, key_offset(key) - text.file_offset, s);
  const std::uint64_t begin = r == 0 ? 0 : read_back(rows.row_ends.data() + r - 1, s) + 1;
  const std::uint64_t end = read_back(rows.row_ends.data() + r, s);
  return {key, text.file_offset + begin, text.file_offset + end};
}

// The whole text is on the device (tiles summarized): rows, checks, types, values.
// False, with nothing done to `out`, when the columns would not fit next to the text.
bool csv_gpu_reader::state::read_whole(const read_plan& plan, const csv_device_text& text, const quote_summary* tiles,
                                       bool can_use_ranges, csv_device_columns& out) {
  range_rows rows = find_rows(text, tiles, true);
  const std::size_t needed = meter.live() + column_bytes(rows.rows, plan.columns());
  if (needed > budget) {
    if (can_use_ranges) return false;
    throw out_of_memory_error(needed, budget, "reading " + plan.source.name() + " on the GPU");
  }
  stats.byte_ranges = 1;
  metered_buffer<unsigned long long> key(1, s, meter);
  key.fill_bytes_async(0xFF, s);  // no_problem_key
  find_byte_problems_async(text, text.size, key.data(), s);
  const csv_rows_view view{text, rows.row_ends.data(), rows.rows, 0, plan.columns(), plan.delimiter};
  std::vector<std::uint32_t> flags(plan.columns(), 0);
  if (plan.any_inferred()) {
    metered_buffer<column_kind> kinds = upload_metered(plan.kinds, s, meter);
    metered_buffer<std::uint32_t> device_flags(plan.columns(), s, meter);
    device_flags.fill_bytes_async(0, s);
    classify_rows_async(view, kinds.data(), device_flags.data(), key.data(), s);
    GPULAB_CUDA_TRY(cudaMemcpyAsync(flags.data(), device_flags.data(), flags.size() * sizeof(std::uint32_t),
                                    cudaMemcpyDeviceToHost, s.get()));
    synchronize(s);
  }
  shape_device_columns(out, plan, detail::column_types(plan.kinds, flags), rows.rows, s);
  meter.add(out.bytes());
  metered_buffer<csv_column_target> targets = upload_metered(targets_of(out, plan), s, meter);
  parse_values(view, targets.data(), key.data());
  const std::uint64_t first = read_back(key.data(), s);
  if (first != no_problem_key) {
    out = {};
    throw problem_error(plan, locate(text, rows, first));
  }
  finish_read(out);
  return true;
}

// A text larger than the device's memory, in byte ranges that end at row boundaries:
// pass 1 counts the rows, infers the types and finds the first problem the syntax
// shows; pass 2 parses the values into the columns, up to that problem.
void csv_gpu_reader::state::read_in_ranges(const read_plan& plan, csv_device_columns& out) {
  const std::uint64_t begin = plan.header.data_begin, size = plan.source.size();
  // Device bytes per text byte: the text, its row ends (a row has at least one byte
  // per column) and the tile summaries.
  const double per_byte = 1.0 + 8.0 / plan.columns() + 0.02;
  const auto range_for = [&](std::size_t available) {
    const auto bytes = static_cast<std::uint64_t>(static_cast<double>(available) * 0.9 / per_byte);
    const std::uint64_t range = std::min(size - begin, bytes / csv_tile_bytes * csv_tile_bytes);
    if (range == 0) {
      throw out_of_memory_error(available + csv_tile_bytes, available, "a byte range of " + plan.source.name());
    }
    return range;
  };
  found_problem problem;
  std::uint64_t rows_in_file = 0;
  std::vector<std::uint32_t> flags(plan.columns(), 0);
  {  // pass 1
    const std::uint64_t range = range_for(budget);
    metered_buffer<char> text(range, s, meter);
    metered_buffer<quote_summary> tiles((range + csv_tile_bytes - 1) / csv_tile_bytes, s, meter);
    metered_buffer<column_kind> kinds = upload_metered(plan.kinds, s, meter);
    metered_buffer<std::uint32_t> device_flags(plan.columns(), s, meter);
    metered_buffer<unsigned long long> key(1, s, meter);
    device_flags.fill_bytes_async(0, s);
    for (std::uint64_t offset = begin; offset < size;) {
      const std::uint64_t length = std::min(range, size - offset);
      const bool at_eof = offset + length == size;
      load(plan.source, offset, length, text.data(), tiles.data());
      const csv_device_text view{text.data(), length, offset};
      range_rows rows = find_rows(view, tiles.data(), at_eof);
      if (rows.rows == 0) {  // no row ends in this range: a very long row, or a stray quote
        // (the row finder takes every quote as one) that the CPU reader calls a problem
        if (problem.key == no_problem_key) {
          const std::uint64_t seen = std::min<std::uint64_t>(length, std::uint64_t{64} << 20);  // on the host
          const std::uint64_t k = detail::problem_in_row_prefix(plan.source, plan.layout(), offset, seen);
          if (k != no_problem_key) problem = {k, offset, offset + seen};
        }
        if (problem.key != no_problem_key) break;  // pass 2 converts the rows before it
        throw row_too_long(plan, offset, range);
      }
      ++stats.byte_ranges;
      if (problem.key == no_problem_key) {  // after the first problem only the rows are counted
        key.fill_bytes_async(0xFF, s);
        find_byte_problems_async(view, rows.consumed, key.data(), s);
        const csv_rows_view v{view, rows.row_ends.data(), rows.rows, 0, plan.columns(), plan.delimiter};
        classify_rows_async(v, kinds.data(), device_flags.data(), key.data(), s);
        const std::uint64_t k = read_back(key.data(), s);
        if (k != no_problem_key) problem = locate(view, rows, k);
      }
      rows_in_file += rows.rows;
      offset += rows.consumed;
    }
    GPULAB_CUDA_TRY(cudaMemcpyAsync(flags.data(), device_flags.data(), flags.size() * sizeof(std::uint32_t),
                                    cudaMemcpyDeviceToHost, s.get()));
    synchronize(s);
  }
  const std::size_t columns = column_bytes(rows_in_file, plan.columns());
  if (columns + meter.live() + csv_tile_bytes * 4 > budget) {
    throw out_of_memory_error(columns, budget, "the columns of " + plan.source.name());
  }
  shape_device_columns(out, plan, detail::column_types(plan.kinds, flags), rows_in_file, s);
  meter.add(out.bytes());
  {  // pass 2, with the memory the columns leave
    const std::uint64_t range = range_for(budget - meter.live());  // live: the columns included
    metered_buffer<char> text(range, s, meter);
    metered_buffer<quote_summary> tiles((range + csv_tile_bytes - 1) / csv_tile_bytes, s, meter);
    metered_buffer<csv_column_target> targets = upload_metered(targets_of(out, plan), s, meter);
    metered_buffer<unsigned long long> key(1, s, meter);
    std::uint64_t first_row = 0;
    for (std::uint64_t offset = begin; offset < size && offset <= key_offset(problem.key);) {
      const std::uint64_t length = std::min(range, size - offset);
      const bool at_eof = offset + length == size;
      load(plan.source, offset, length, text.data(), tiles.data());
      const csv_device_text view{text.data(), length, offset};
      range_rows rows = find_rows(view, tiles.data(), at_eof);
      if (rows.rows == 0) {  // pass 2's ranges are shorter than pass 1's
        if (problem.key != no_problem_key) break;
        throw row_too_long(plan, offset, range);
      }
      key.fill_bytes_async(0xFF, s);
      const csv_rows_view v{view, rows.row_ends.data(), rows.rows, first_row, plan.columns(), plan.delimiter};
      parse_values(v, targets.data(), key.data());
      const std::uint64_t k = read_back(key.data(), s);
      if (k < problem.key) problem = locate(view, rows, k);
      first_row += rows.rows;
      offset += rows.consumed;
    }
  }
  if (problem.key != no_problem_key) {
    out = {};
    throw problem_error(plan, problem);
  }
  finish_read(out);
}

void csv_gpu_reader::state::read_host(const detail::csv_source& source, const csv_options& options,
                                      csv_device_columns& out) {
  try {
    const read_plan plan = make_plan(source, options);
    const std::uint64_t n = source.size() - plan.header.data_begin;
    begin_read(n);
    // The whole text at once when it takes at most 60% of the budget; else byte ranges.
    if (n > 0 && static_cast<double>(n) * 1.02 <= 0.6 * static_cast<double>(budget)) {
      metered_buffer<char> text(n, s, meter);
      metered_buffer<quote_summary> tiles((n + csv_tile_bytes - 1) / csv_tile_bytes, s, meter);
      load(source, plan.header.data_begin, n, text.data(), tiles.data());
      if (read_whole(plan, {text.data(), n, plan.header.data_begin}, tiles.data(), true, out)) return;
    }
    if (n == 0) {  // a header and nothing else
      shape_device_columns(out, plan, detail::column_types(plan.kinds, std::vector<std::uint32_t>(plan.columns(), 0)),
                           0, s);
      synchronize(s);
      finish_read(out);
      return;
    }
    read_in_ranges(plan, out);
  } catch (...) {
    out = {};
    throw;
  }
}

// ------------------------------------------------------------------ the API
csv_gpu_reader::csv_gpu_reader(cuda::stream_ref s, csv_gpu_settings settings)
    : state_(std::make_unique<state>(s, settings)) {}
csv_gpu_reader::~csv_gpu_reader() = default;

const csv_read_stats& csv_gpu_reader::last_stats() const { return state_->stats; }

void csv_gpu_reader::read_into(const std::filesystem::path& path, const csv_options& options, csv_device_columns& out) {
  try {
    const detail::file_source file(path);
    state_->read_host(file, options, out);
  } catch (...) {
    out = {};
    throw;
  }
}

void csv_gpu_reader::read_text_into(std::string_view text, const csv_options& options, const std::string& source_name,
                                    csv_device_columns& out) {
  state_->read_host(detail::memory_source(text, source_name), options, out);
}

void csv_gpu_reader::parse_device_text_into(cuda::std::span<const char> text, const csv_options& options,
                                            const std::string& source_name, csv_device_columns& out) {
  state& st = *state_;
  try {
    const device_source source(text, source_name, st.s);
    const read_plan plan = make_plan(source, options);
    const std::uint64_t begin = plan.header.data_begin;
    const csv_device_text data{text.data() + begin, text.size() - begin, begin};
    st.begin_read(data.size, text.size());  // the text is the caller's, but it counts in the peak
    metered_buffer<quote_summary> tiles(csv_tile_count(data), st.s, st.meter);
    summarize_tiles_async(data, 0, csv_tile_count(data), tiles.data(), st.s);
    if (data.size == 0) {
      shape_device_columns(out, plan, detail::column_types(plan.kinds, std::vector<std::uint32_t>(plan.columns(), 0)),
                           0, st.s);
      synchronize(st.s);
      st.finish_read(out);
      return;
    }
    (void)st.read_whole(plan, data, tiles.data(), false, out);
  } catch (...) {
    out = {};
    throw;
  }
}

csv_device_columns csv_gpu_reader::read(const std::filesystem::path& path, const csv_options& options) {
  csv_device_columns out;
  read_into(path, options, out);
  return out;
}

csv_device_columns csv_gpu_reader::read_text(std::string_view text, const csv_options& options,
                                             const std::string& source_name) {
  csv_device_columns out;
  read_text_into(text, options, source_name, out);
  return out;
}

csv_device_columns csv_gpu_reader::parse_device_text(cuda::std::span<const char> text, const csv_options& options,
                                                     const std::string& source_name) {
  csv_device_columns out;
  parse_device_text_into(text, options, source_name, out);
  return out;
}

csv_device_columns read_csv_gpu(const std::filesystem::path& path, const csv_options& options, cuda::stream_ref s) {
  return csv_gpu_reader(s).read(path, options);
}

csv_device_columns read_csv_gpu_text(std::string_view text, const csv_options& options, cuda::stream_ref s) {
  return csv_gpu_reader(s).read_text(text, options);
}

}  // namespace gpulab::dataframe

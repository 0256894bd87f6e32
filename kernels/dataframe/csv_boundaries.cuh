// SPDX-License-Identifier: MIT
// Row boundaries in parallel, with quotes respected.
//
// A '\n' ends a row only outside quotes, and whether a byte is inside quotes
// depends on every quote before it: a sequential question. The answer is a
// prefix scan. Each thread summarizes its 16 bytes (quote_summary: odd number of
// quotes? rows ended if it starts outside quotes, and if inside), a block combines
// 256 of them into its tile's summary (summarize_tiles), a device-wide scan (CUB)
// gives each tile the quote state and row index at its start, and a second pass
// (write_row_ends) scans the threads of each tile again and writes every row's end.
// Inside a thread the same scan is a prefix XOR over a 16-bit mask of its quotes.
// Both passes read the text once with aligned 16-byte loads and do about 60
// instructions per 16 bytes: memory-bound, each should run near the read bandwidth
// (about 4 TB/s on an H200: 0.3 ms per GB).
#pragma once

#include <cub/block/block_reduce.cuh>
#include <cub/block/block_scan.cuh>
#include <cstdint>

#include "gpulab/core/launch.cuh"
#include "gpulab/dataframe/csv_kernels.hpp"
#include "gpulab/dataframe/csv_syntax.hpp"

namespace gpulab::dataframe::kernels {

// How far `data` is past the 16-byte boundary before it.
__device__ __forceinline__ std::uint64_t misalignment(const char* data) {
  return reinterpret_cast<std::uintptr_t>(data) % 16;
}

// 16 bytes of text: block `b` of the aligned frame that starts `head` bytes before
// text.data. One uint4 load when the block lies inside the text; byte loads at its
// two ends, where bytes outside the text read as 0 (neither a quote nor a newline).
struct sixteen_bytes {
  uint4 words;
  std::int64_t first;  // the text offset of byte 0 (negative before the text)
  [[nodiscard]] __device__ unsigned char operator[](int j) const {
    const unsigned word = j < 8 ? (j < 4 ? words.x : words.y) : (j < 12 ? words.z : words.w);
    return static_cast<unsigned char>(word >> (8 * (j % 4)));
  }
};

__device__ __forceinline__ sixteen_bytes load_sixteen(const csv_device_text& text, std::uint64_t head,
                                                      std::uint64_t block) {
  sixteen_bytes out;
  out.first = static_cast<std::int64_t>(block * 16) - static_cast<std::int64_t>(head);
  if (out.first >= 0 && static_cast<std::uint64_t>(out.first) + 16 <= text.size) {
    out.words = *reinterpret_cast<const uint4*>(text.data + out.first);
    return out;
  }
  unsigned word[4] = {0, 0, 0, 0};
  for (int j = 0; j < 16; ++j) {
    const std::int64_t i = out.first + j;
    if (i >= 0 && static_cast<std::uint64_t>(i) < text.size) {
      word[j / 4] |= static_cast<unsigned>(static_cast<unsigned char>(text.data[i])) << (8 * (j % 4));
    }
  }
  out.words = make_uint4(word[0], word[1], word[2], word[3]);
  return out;
}

// Bit j set: byte j of the 16 is `c`. __vcmpeq4 compares the 4 bytes of a word at once
// (0xFF where equal); the multiply gathers their low bits into 4 adjacent bits.
__device__ __forceinline__ unsigned byte_mask(const sixteen_bytes& b, unsigned char c) {
  const unsigned pattern = 0x01010101u * c;
  const auto four = [pattern](unsigned word) { return ((__vcmpeq4(word, pattern) & 0x01010101u) * 0x10204080u) >> 28; };
  return four(b.words.x) | four(b.words.y) << 4 | four(b.words.z) << 8 | four(b.words.w) << 12;
}

// The scan inside a thread: bit j set when an odd number of the quotes are at
// positions 0..j (a prefix XOR over the 16-bit mask, in 4 steps instead of 16).
__device__ __forceinline__ unsigned inside_quotes(unsigned quotes) {
  quotes ^= quotes << 1;
  quotes ^= quotes << 2;
  quotes ^= quotes << 4;
  quotes ^= quotes << 8;
  return quotes & 0xFFFFu;
}

// The summary of 16 bytes (what summarize_byte gives byte by byte on the CPU).
__device__ __forceinline__ quote_summary summarize_sixteen(const sixteen_bytes& b) {
  const unsigned quotes = byte_mask(b, '"'), newlines = byte_mask(b, '\n'), inside = inside_quotes(quotes);
  quote_summary s;
  s.odd_quotes = static_cast<std::uint64_t>(__popc(quotes) & 1);
  s.rows_from_outside = static_cast<std::uint64_t>(__popc(newlines & ~inside));
  s.rows_from_inside = static_cast<std::uint64_t>(__popc(newlines & inside));
  return s;
}

// [snippet:summarize_tiles]
// One block per 4 KiB tile: each thread summarizes 16 bytes, the block combines
// the 256 summaries in order (the operator is associative, not commutative).
static __global__ void __launch_bounds__(csv_tile_threads)
    summarize_tiles(csv_device_text text, std::uint64_t first_tile, quote_summary* tiles) {
  using block_reduce = cub::BlockReduce<quote_summary, csv_tile_threads>;
  __shared__ typename block_reduce::TempStorage temp;
  const std::uint64_t tile = first_tile + blockIdx.x;
  const std::uint64_t vector_index = tile * csv_tile_threads + threadIdx.x;
  const sixteen_bytes bytes = load_sixteen(text, misalignment(text.data), vector_index);
  const quote_summary tile_summary =
      block_reduce(temp).Reduce(summarize_sixteen(bytes), combine_quote_summaries{});
  if (threadIdx.x == 0) tiles[tile] = tile_summary;
}
// [/snippet:summarize_tiles]

// [snippet:write_row_ends]
// One block per tile again: the scanned tiles give the state at the tile's start,
// a block scan the state at each thread's 16 bytes; each '\n' outside quotes is
// the end of row `row`.
static __global__ void __launch_bounds__(csv_tile_threads)
    write_row_ends(csv_device_text text, const quote_summary* scanned, std::uint64_t* row_ends,
                   std::uint64_t rows, bool open_last_row) {
  using block_scan = cub::BlockScan<quote_summary, csv_tile_threads>;
  __shared__ typename block_scan::TempStorage temp;
  const std::uint64_t tile = blockIdx.x;
  const sixteen_bytes bytes = load_sixteen(text, misalignment(text.data), tile * csv_tile_threads + threadIdx.x);
  quote_summary before_me;
  block_scan(temp).ExclusiveScan(summarize_sixteen(bytes), before_me, quote_summary{}, combine_quote_summaries{});
  const quote_summary start = combine_quote_summaries{}(tile == 0 ? quote_summary{} : scanned[tile - 1], before_me);
  // The newlines outside quotes: those at an even quote count when the 16 bytes start
  // outside quotes, at an odd one when they start inside.
  const unsigned inside = inside_quotes(byte_mask(bytes, '"'));
  unsigned ends = byte_mask(bytes, '\n') & (start.odd_quotes != 0 ? inside : ~inside);
  std::uint64_t row = start.rows_from_outside;  // the text starts outside quotes
  for (; ends != 0; ends &= ends - 1) {
    row_ends[row++] = static_cast<std::uint64_t>(bytes.first + __ffs(static_cast<int>(ends)) - 1);
  }
  if (open_last_row && tile == 0 && threadIdx.x == 0) row_ends[rows - 1] = text.size;  // a last row without '\n'
}
// [/snippet:write_row_ends]

}  // namespace gpulab::dataframe::kernels

// SPDX-License-Identifier: MIT
// Where CSV text comes from (host memory or a file) and how a byte offset
// becomes `file:line:column` in a message.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include "gpulab/core/error.hpp"
#include "gpulab/dataframe/csv_detail.hpp"

namespace gpulab::dataframe::detail {

namespace {

// Large copies are split into pieces that the cores copy side by side: one core
// copies from the page cache at a few GB/s, the GPU's link takes 50.
constexpr std::uint64_t piece_bytes = std::uint64_t{4} << 20;

template <class CopyPiece>
void copy_in_pieces(std::uint64_t bytes, CopyPiece&& copy_piece) {
  const auto pieces = static_cast<std::int64_t>((bytes + piece_bytes - 1) / piece_bytes);
#pragma omp parallel for schedule(static) if (pieces > 1)
  for (std::int64_t p = 0; p < pieces; ++p) {
    const std::uint64_t begin = static_cast<std::uint64_t>(p) * piece_bytes;
    copy_piece(begin, std::min(piece_bytes, bytes - begin));
  }
}

}  // namespace

void memory_source::read(std::uint64_t offset, std::span<char> out) const {
  copy_in_pieces(out.size(), [&](std::uint64_t begin, std::uint64_t length) {
    std::memcpy(out.data() + begin, text_.data() + offset + begin, length);
  });
}

file_source::file_source(const std::filesystem::path& path) : name_(path.string()) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) throw io_error(name_ + ": cannot open: " + std::strerror(errno));
  struct stat status {};
  if (::fstat(fd_, &status) != 0 || !S_ISREG(status.st_mode)) {
    ::close(fd_);
    throw io_error(name_ + ": not a regular file");
  }
  size_ = static_cast<std::uint64_t>(status.st_size);
  (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

file_source::~file_source() {
  if (fd_ >= 0) ::close(fd_);
}

void file_source::read(std::uint64_t offset, std::span<char> out) const {
  std::atomic<int> failure{0};  // errno of a failed read (-1: the file got shorter)
  copy_in_pieces(out.size(), [&](std::uint64_t begin, std::uint64_t length) {
    while (length > 0 && failure.load() == 0) {
      const ssize_t got = ::pread(fd_, out.data() + begin, length, static_cast<off_t>(offset + begin));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        failure = got < 0 ? errno : -1;
        break;
      }
      begin += static_cast<std::uint64_t>(got);
      length -= static_cast<std::uint64_t>(got);
    }
  });
  if (failure == -1) throw io_error(name_ + ": the file got shorter while it was read");
  if (failure != 0) throw io_error(name_ + ": cannot read: " + std::strerror(failure));
}

std::string located(const csv_source& source, std::uint64_t offset, const std::string& message) {
  // Count the newlines before `offset`, a piece at a time (this runs once, for the error).
  std::uint64_t line = 1, line_start = 0;
  std::string piece;
  for (std::uint64_t at = 0; at < offset;) {
    const std::uint64_t length = std::min<std::uint64_t>(piece_bytes, offset - at);
    const char* bytes = source.host_text() != nullptr ? source.host_text() + at : nullptr;
    if (bytes == nullptr) {
      piece.resize(length);
      source.read(at, piece);
      bytes = piece.data();
    }
    for (std::uint64_t i = 0; i < length; ++i) {
      if (bytes[i] == '\n') {
        ++line;
        line_start = at + i + 1;
      }
    }
    at += length;
  }
  return source.name() + ":" + std::to_string(line) + ":" + std::to_string(offset - line_start + 1) + ": " + message;
}

}  // namespace gpulab::dataframe::detail

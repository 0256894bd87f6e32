// SPDX-License-Identifier: MIT
#include "gpulab/bench/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <utility>

#include "gpulab/core/error.hpp"

namespace gpulab {

namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& path, const std::string& why) {
  throw io_error("cannot write '" + path + "': " + why);
}

[[noreturn]] void fail_errno(const std::string& path, int error_number) { fail(path, std::strerror(error_number)); }

// Where the bytes go: the file itself (through a symbolic link), or `path` when it does not exist yet.
struct target {
  fs::path file;
  bool exists = false;
  bool regular = false;
  struct stat status {};
};

target examine(const std::string& path) {
  target t;
  t.file = path;
  if (::stat(path.c_str(), &t.status) != 0) {
    if (errno != ENOENT) fail_errno(path, errno);
    return t;  // a new file (its folder is checked when the temporary is made)
  }
  t.exists = true;
  if (S_ISDIR(t.status.st_mode)) fail(path, "it is a folder");
  t.regular = S_ISREG(t.status.st_mode);
  if (::access(path.c_str(), W_OK) != 0) fail_errno(path, errno);
  if (t.regular) {
    std::error_code ec;
    const fs::path resolved = fs::canonical(path, ec);  // replace the file a link points at, not the link
    if (!ec) t.file = resolved;
  }
  return t;
}

// Makes a new, empty temporary file beside `file` (never an existing one: O_EXCL).
int make_temporary(const fs::path& file, const std::string& path, std::string& name) {
  static std::atomic<unsigned> counter{0};
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  for (int attempt = 0; attempt < 100; ++attempt) {
    name = (folder / ("." + file.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
                      std::to_string(counter++)))
               .string();
    const int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);  // 0666 & ~umask
    if (fd >= 0) return fd;
    if (errno != EEXIST) fail_errno(path, errno);
  }
  fail(path, "no free temporary name in its folder");
}

void write_all(int fd, std::string_view contents, const std::string& path) {
  while (!contents.empty()) {
    const ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      fail_errno(path, errno);
    }
    contents.remove_prefix(static_cast<std::size_t>(written));
  }
}

// Removes the temporary unless the rename took it: whatever fails, nothing is left behind.
struct temporary_guard {
  std::string name;
  int fd = -1;
  bool renamed = false;
  temporary_guard(std::string temporary_name, int descriptor) : name(std::move(temporary_name)), fd(descriptor) {}
  temporary_guard(const temporary_guard&) = delete;
  temporary_guard& operator=(const temporary_guard&) = delete;
  ~temporary_guard() {
    if (fd >= 0) ::close(fd);
    if (!renamed) ::unlink(name.c_str());
  }
};

}  // namespace

void write_file_atomically(const std::string& path, std::string_view contents) {
  const target t = examine(path);
  if (t.exists && !t.regular) {  // a device or a pipe: there is nothing to rename over
    std::ofstream out(path, std::ios::binary);
    if (!out) fail(path, "it cannot be opened");
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.close();
    if (!out) fail(path, "writing failed");
    return;
  }
  std::string name;
  const int fd = make_temporary(t.file, path, name);
  temporary_guard temporary{name, fd};
  if (t.exists && ::fchmod(fd, t.status.st_mode & 07777) != 0) fail_errno(path, errno);
  write_all(fd, contents, path);
  if (::fsync(fd) != 0) fail_errno(path, errno);  // on disk before the name points at it
  temporary.fd = -1;
  if (::close(fd) != 0) fail_errno(path, errno);
  if (::rename(name.c_str(), t.file.c_str()) != 0) fail_errno(path, errno);
  temporary.renamed = true;
}

void require_atomically_writable(const std::string& path) {
  if (path.empty() || path == "-") return;
  const target t = examine(path);
  if (t.exists && !t.regular) return;  // written directly; access() said it may be
  std::string name;
  const int fd = make_temporary(t.file, path, name);
  temporary_guard temporary{name, fd};  // removed at once
}

}  // namespace gpulab

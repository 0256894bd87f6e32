// SPDX-License-Identifier: MIT
// Files that appear whole or not at all. The contents go to a temporary file in
// the target's folder, reach the disk (fsync), and only then is the temporary
// renamed over the target: rename() within one folder is atomic, so a run that
// fails or is killed half-way leaves the old file, or none, never an empty or
// half-written one.
#pragma once

#include <string>
#include <string_view>

namespace gpulab {

// Writes `contents` to `path` as above; an existing file keeps its permissions,
// and a symbolic link keeps pointing at the (new) file. A path that exists but is
// not a regular file (/dev/null, /dev/stderr, a pipe) is written directly.
// Throws io_error naming the path and the system's reason.
void write_file_atomically(const std::string& path, std::string_view contents);

// Checks now, before long work, that write_file_atomically(path, ...) can succeed
// later: the folder takes a new file (a temporary is made and removed at once), an
// existing file is writable. Creates nothing that stays. "" and "-" (stdout) pass.
// Throws io_error.
void require_atomically_writable(const std::string& path);

}  // namespace gpulab

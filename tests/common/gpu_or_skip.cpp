// SPDX-License-Identifier: MIT
// gpulab-gpu-or-skip BINARY [ARGS...]: how CTest starts each GPU test (the test targets'
// CROSSCOMPILING_EMULATOR, tests/CMakeLists.txt). Where the CUDA driver library cannot be
// loaded, no GPU can be visible: it prints GoogleTest's SKIPPED line and exits 77 (the
// tests' SKIP_RETURN_CODE) without starting the binary. Anywhere else it becomes the
// binary (exec), which checks for a GPU itself and skips the usual way if it finds none.
// Why: a test binary that links cuBLAS spends ~0.6 s starting (cuBLASLt's initialisation),
// and CI's machine, which has no driver, starts about a thousand GPU tests only to skip them.
// Listing the tests (--gtest_list_tests, CTest's discovery) always runs the binary.
#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: gpulab-gpu-or-skip BINARY [ARGS...]\n");
    return 2;
  }
  bool listing = false;
  for (int i = 2; i < argc; ++i) listing = listing || std::strcmp(argv[i], "--gtest_list_tests") == 0;
  if (!listing && dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL) == nullptr) {
    std::printf("[  SKIPPED ] no CUDA driver (%s): GPU tests need one\n", dlerror());
    return 77;
  }
  execv(argv[1], argv + 1);  // returns only when it could not start
  std::fprintf(stderr, "gpulab-gpu-or-skip: cannot run %s: %s\n", argv[1], std::strerror(errno));
  return 1;
}

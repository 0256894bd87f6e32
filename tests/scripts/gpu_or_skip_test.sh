#!/bin/bash
# SPDX-License-Identifier: MIT
# gpulab-gpu-or-skip (tests/common/gpu_or_skip.cpp), as CTest uses it for every GPU test:
# listing the tests always runs the binary; otherwise the binary runs (a CUDA driver
# exists) or the launcher says SKIPPED and exits 77 (none exists). Usage errors exit 2.
#   tests/scripts/gpu_or_skip_test.sh LAUNCHER
set -uo pipefail
launcher=$1
problems=0
problem() { echo "gpu-or-skip: $*" >&2; problems=$((problems + 1)); }

out=$("$launcher" /bin/echo listed --gtest_list_tests); code=$?
[ "$code" = 0 ] && [ "$out" = "listed --gtest_list_tests" ] || problem "listing: exit $code, '$out'"

out=$("$launcher" /bin/sh -c 'exit 3'); code=$?
case "$code" in
  3) echo "a CUDA driver is here: the binary ran" ;;
  77) [[ "$out" == "[  SKIPPED ] no CUDA driver ("*"): GPU tests need one" ]] || problem "skip line: '$out'" ;;
  *) problem "a run: exit $code (want the binary's 3, or 77), '$out'" ;;
esac

"$launcher" >/dev/null 2>&1; code=$?
[ "$code" = 2 ] || problem "no binary: exit $code, want 2"
err=$("$launcher" /no/such/binary --gtest_list_tests 2>&1 >/dev/null); code=$?
[ "$code" = 1 ] && [[ "$err" == *"cannot run /no/such/binary"* ]] || problem "a missing binary: exit $code, '$err'"

[ "$problems" = 0 ] || exit 1
echo "gpu-or-skip: OK"

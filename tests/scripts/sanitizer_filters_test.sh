#!/bin/bash
# SPDX-License-Identifier: MIT
# Every test filter of scripts/gpu-test --sanitize names at least one test of its binary.
# A filter that matches nothing (a test renamed, a suite misspelled) would run no kernel
# under the sanitizer and still be reported clean; here it fails on any machine, GPU or not,
# by asking each binary which tests the filter selects (--gtest_list_tests runs no test).
# The check is tried first on a filter that names no test, which must count zero.
#   tests/scripts/sanitizer_filters_test.sh SOURCE_DIR TESTS_DIR
set -euo pipefail
source_dir=$1 tests_dir=$2
fail() { echo "FAIL: $*" >&2; exit 1; }

selected() {  # selected BINARY FILTER: how many tests FILTER selects in BINARY
  local listing
  listing=$("$tests_dir/$1" --gtest_filter="$2" --gtest_list_tests) ||
    fail "$1 --gtest_list_tests exited non-zero"
  # Test names are the indented lines; suites are not.
  grep -c '^  ' <<<"$listing" || true
}

[ -x "$tests_dir/core_gpu_test" ] || fail "no core_gpu_test in $tests_dir"
[ "$(selected core_gpu_test 'NoSuchSuite.NoSuchTest')" = 0 ] ||
  fail "the check counts tests for a filter that names none"

lines=$("$source_dir/scripts/gpu-test" --filters) || fail "scripts/gpu-test --filters exited non-zero"
[ -n "$lines" ] || fail "scripts/gpu-test --filters printed nothing"
checked=0
while read -r tool binary filter; do
  [ -x "$tests_dir/$binary" ] || fail "$tool: $binary is not built in $tests_dir"
  count=$(selected "$binary" "$filter")
  [ "$count" -gt 0 ] || fail "$tool $binary: the filter '$filter' selects no test"
  checked=$((checked + 1))
done <<<"$lines"
echo "$checked tool x binary filters each select at least one test"

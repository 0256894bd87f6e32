#!/bin/bash
# SPDX-License-Identifier: MIT
# scripts/gpu-test's phases and arguments, in a tree of its own with stub scripts/test
# and scripts/common.sh (no GPU, no build): --tests hands ctest its timeout and nothing
# else, --tests --shard K/N adds `-I K,,N` (every N-th test from the K-th), --build runs
# the set-up and build alone and a failed build is the script's failure; every bad
# argument is one line on stderr and exit code 2, and nothing runs. --sanitize, with a
# stub compute-sanitizer: clean, a sanitizer error, and a filter that ran no test (a failure).
#   tests/scripts/gpu_test_args_test.sh SOURCE_DIR
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

mkdir -p "$tmp/scripts"
cp "$1/scripts/gpu-test" "$tmp/scripts/"
cat >"$tmp/scripts/test" <<'STUB'
#!/bin/bash
echo "test [$GPULAB_PRESET] $*" >>"$STUB_LOG"
echo "100% tests passed, 0 tests failed out of 3"
STUB
cat >"$tmp/scripts/common.sh" <<'STUB'
echo "common.sh [$GPULAB_PRESET]" >>"$STUB_LOG"
[ -z "${STUB_BUILD_FAILS:-}" ] || { echo "error: stub build failed"; exit 1; }
STUB
chmod +x "$tmp/scripts/test"
export STUB_LOG="$tmp/calls"

run() {  # run ARGS...: gpu-test's exit code in $code, its stderr in $err, the stubs' calls in $calls
  : >"$STUB_LOG"
  set +e
  err=$(OUT="$tmp/out" "$tmp/scripts/gpu-test" "$@" 2>&1 >/dev/null)
  code=$?
  set -e
  calls=$(cat "$STUB_LOG")
}

run --tests
[ "$code" = 0 ] || fail "--tests: exit $code ($err)"
[ "$calls" = "test [dev] --timeout 300" ] || fail "--tests called: $calls"

run --tests --shard 2/3
[ "$code" = 0 ] || fail "--tests --shard 2/3: exit $code ($err)"
[ "$calls" = "test [dev] --timeout 300 -I 2,,3" ] || fail "--tests --shard 2/3 called: $calls"

run --tests --shard 1/1
[ "$calls" = "test [dev] --timeout 300 -I 1,,1" ] || fail "--tests --shard 1/1 called: $calls"

run --build
[ "$code" = 0 ] || fail "--build: exit $code ($err)"
[ "$calls" = "common.sh [dev]" ] || fail "--build called: $calls"

STUB_BUILD_FAILS=1 run --build
[ "$code" = 1 ] || fail "a failed build: exit $code, expected 1"
grep -q "error: stub build failed" "$tmp/out/build.log" || fail "a failed build's log lacks its error"

for bad in "--tests --shard 0/2" "--tests --shard 3/2" "--tests --shard x/2" "--tests --shard 1/2/3" \
           "--tests --shard" "--tests --shard 1/2 more" "--tests --bogus" "--bench --shard 1/2" "--quick extra" \
           "--filters extra" "--nope"; do
  # shellcheck disable=SC2086  # each case is several words on purpose
  run $bad
  [ "$code" = 2 ] || fail "'$bad': exit $code, expected 2"
  [ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "'$bad': expected one line, got: $err"
  [ -z "$calls" ] || fail "'$bad' ran: $calls"
done
# --sanitize's verdicts, with a stub compute-sanitizer first on PATH that prints what
# GoogleTest would and exits with STUB_SANITIZER_EXIT: a run of no test is not "clean".
mkdir -p "$tmp/bin"
cat >"$tmp/bin/compute-sanitizer" <<'STUB'
#!/bin/bash
echo "compute-sanitizer $*" >>"$STUB_LOG"
echo "[==========] Running $STUB_TESTS_RUN tests from 1 test suite."
exit "$STUB_SANITIZER_EXIT"
STUB
chmod +x "$tmp/bin/compute-sanitizer"
sanitize() {  # sanitize TESTS_RUN EXIT: one tool on one binary; the summary's line in $verdict
  set +e
  PATH="$tmp/bin:$PATH" STUB_TESTS_RUN=$1 STUB_SANITIZER_EXIT=$2 OUT="$tmp/out" \
    GPULAB_SANITIZE_TOOLS=racecheck GPULAB_SANITIZE_TESTS=ml_gpu_test \
    "$tmp/scripts/gpu-test" --sanitize >"$tmp/sanitize.txt" 2>&1
  code=$?
  set -e
  verdict=$(grep "compute-sanitizer racecheck ml_gpu_test" "$tmp/sanitize.txt" || true)
}
sanitize 3 0
[ "$code" = 0 ] && [ "$verdict" = "compute-sanitizer racecheck ml_gpu_test: clean" ] ||
  fail "three tests, no error: exit $code, '$verdict'"
grep -q -- "--gtest_filter=ml_gpu.EveryKmeansCaseVerifiesAtOddSizes" "$STUB_LOG" ||
  fail "racecheck did not get ml_gpu_test's filter: $(cat "$STUB_LOG")"
sanitize 0 0
[ "$code" = 1 ] && [ "$verdict" = "compute-sanitizer racecheck ml_gpu_test: ran no test" ] ||
  fail "no test run: exit $code, '$verdict'"
sanitize 3 99
[ "$code" = 1 ] && [ "$verdict" = "compute-sanitizer racecheck ml_gpu_test: exit 99" ] ||
  fail "a sanitizer error: exit $code, '$verdict'"
echo "gpu-test arguments: OK"

#!/bin/bash
# SPDX-License-Identifier: MIT
# scripts/time-demos on a small guide of its own, with a stub gpulab and a stub
# nvidia-smi (no GPU needed): it finds exactly the rows between the markers, runs
# each command as written (quotes kept), writes one time per row, the card into the
# header and the measured line, and on a failed demo names the command, exits 1
# and leaves the guide as it was.
#   tests/scripts/time_demos_test.sh SOURCE_DIR
set -euo pipefail
script="$1/scripts/time-demos"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# The stub records each call's arguments, one call per line, each argument in [ ];
# it exits 3 when one argument is `fail-me`.
mkdir "$tmp/bin" "$tmp/smi-h200" "$tmp/smi-none"
cat >"$tmp/bin/gpulab" <<'STUB'
#!/bin/bash
{ printf '[%s]' "$@"; echo; } >>"$STUB_LOG"
for a in "$@"; do if [ "$a" = fail-me ]; then echo "stub: told to fail" >&2; exit 3; fi; done
if [ "${1:-}" = --version ]; then echo "gpulab stub (git test)"; fi
echo "stub output"
STUB
printf '#!/bin/bash\necho "NVIDIA H200"\n' >"$tmp/smi-h200/nvidia-smi"
printf '#!/bin/bash\nexit 0\n' >"$tmp/smi-none/nvidia-smi"
chmod +x "$tmp/bin/gpulab" "$tmp/smi-h200/nvidia-smi" "$tmp/smi-none/nvidia-smi"
export STUB_LOG="$tmp/calls"

cat >"$tmp/guide.md" <<'GUIDE'
# A guide
Demo times: not yet measured. <!-- demos:measured -->

| outside | a table outside the markers | x |
|---|---|---|
| `gpulab outside` | must not run | not yet measured |

<!-- demos:begin -->
| demo | what to point at | H200 time |
|---|---|---|
| `gpulab one --size 64MiB` | first | not yet measured |
| `gpulab two --operation "r[i] = a * x[i] + y[i]"` | quotes kept | not yet measured |
<!-- demos:end -->

Text between the tables.

<!-- demos:begin -->
| demo | what to point at | H200 time |
|---|---|---|
| `gpulab three` | third | not yet measured |
<!-- demos:end -->
GUIDE
cp "$tmp/guide.md" "$tmp/original.md"

# --list: the three commands inside the markers, in order, as written.
expected_list='gpulab one --size 64MiB
gpulab two --operation "r[i] = a * x[i] + y[i]"
gpulab three'
[ "$("$script" --list --guide "$tmp/guide.md")" = "$expected_list" ] || fail "--list: $("$script" --list --guide "$tmp/guide.md")"

# --check: runs them (arguments intact) and changes nothing.
: >"$STUB_LOG"
"$script" --check --bin "$tmp/bin" --guide "$tmp/guide.md" >"$tmp/out" 2>&1 || fail "--check exited $?: $(cat "$tmp/out")"
expected_calls='[one][--size][64MiB]
[two][--operation][r[i] = a * x[i] + y[i]]
[three]'
[ "$(cat "$STUB_LOG")" = "$expected_calls" ] || fail "--check ran: $(cat "$STUB_LOG")"
cmp -s "$tmp/guide.md" "$tmp/original.md" || fail "--check changed the guide"

# Writing, the card named by nvidia-smi: every demo row gets "N.N s", each demo
# table's header "H200 time", the measured line the card, the day and the count;
# nothing else changes.
: >"$STUB_LOG"
PATH="$tmp/smi-h200:$PATH" "$script" --bin "$tmp/bin" --guide "$tmp/guide.md" >"$tmp/out" 2>&1 ||
  fail "writing exited $?: $(cat "$tmp/out")"
[ "$(head -n 3 "$STUB_LOG")" = "$expected_calls" ] || fail "writing ran: $(cat "$STUB_LOG")"
grep -q "^Demo times measured on NVIDIA H200, $(date -u +%Y-%m-%d), .*gpulab stub (git test).*all 3 demos together [0-9]* s\. <!-- demos:measured -->$" "$tmp/guide.md" ||
  fail "measured line: $(grep demos:measured "$tmp/guide.md")"
normalised=$(sed -E 's/\| [0-9]+\.[0-9] s \|$/| T |/; /demos:measured/d' "$tmp/guide.md")
expected=$(sed -E '/`gpulab (one|two|three)/s/\| not yet measured \|$/| T |/; /demos:measured/d' "$tmp/original.md")
[ "$normalised" = "$expected" ] || fail "the guide after writing:
$(diff <(printf '%s\n' "$expected") <(printf '%s\n' "$normalised") || true)"
[ "$(grep -c '^| demo | what to point at | H200 time |$' "$tmp/guide.md")" = 2 ] || fail "headers: $(grep '^| demo' "$tmp/guide.md")"
grep -q '^| `gpulab outside` | must not run | not yet measured |$' "$tmp/guide.md" || fail "a row outside the markers was rewritten"

# Another card, named with --card: the headers say which.
cp "$tmp/original.md" "$tmp/guide.md"
"$script" --bin "$tmp/bin" --guide "$tmp/guide.md" --card "NVIDIA Test Card 80GB" >"$tmp/out" 2>&1 || fail "--card: $(cat "$tmp/out")"
[ "$(grep -c '^| demo | what to point at | Test Card 80GB time |$' "$tmp/guide.md")" = 2 ] || fail "--card headers: $(grep '^| demo' "$tmp/guide.md")"

# A failing demo: exit 1, the command named, the later demos still run, the guide unchanged.
sed 's/`gpulab two --operation/`gpulab two fail-me --operation/' "$tmp/original.md" >"$tmp/failing.md"
cp "$tmp/failing.md" "$tmp/failing-before.md"
: >"$STUB_LOG"
set +e
"$script" --bin "$tmp/bin" --guide "$tmp/failing.md" --card "NVIDIA H200" >"$tmp/out" 2>"$tmp/err"
code=$?
set -e
[ "$code" = 1 ] || fail "a failing demo: exit $code, expected 1"
grep -qF 'time-demos: demo failed (exit 3: gpulab two fail-me --operation "r[i] = a * x[i] + y[i]")' "$tmp/err" ||
  fail "the failed command is not named: $(cat "$tmp/err")"
grep -q 'stub: told to fail' "$tmp/out" || fail "the failed demo's output is not shown: $(cat "$tmp/out")"
grep -q '^\[three\]$' "$STUB_LOG" || fail "the demos after the failed one did not run"
cmp -s "$tmp/failing.md" "$tmp/failing-before.md" || fail "a failed run changed the guide"

# No card to name (nvidia-smi names none, no --card): refused before any demo runs.
: >"$STUB_LOG"
set +e
PATH="$tmp/smi-none:$PATH" "$script" --bin "$tmp/bin" --guide "$tmp/original.md" >"$tmp/out" 2>&1
code=$?
set -e
[ "$code" = 2 ] || fail "no card: exit $code, expected 2"
[ ! -s "$STUB_LOG" ] || fail "no card: demos ran anyway"

# A guide without demos, and a bad option: exit 2.
printf '# nothing here\n' >"$tmp/empty.md"
set +e
"$script" --list --guide "$tmp/empty.md" >/dev/null 2>&1; code_empty=$?
"$script" --bogus >/dev/null 2>&1; code_bad=$?
set -e
[ "$code_empty" = 2 ] || fail "a guide without demos: exit $code_empty, expected 2"
[ "$code_bad" = 2 ] || fail "an unknown option: exit $code_bad, expected 2"

echo "time-demos: OK"

#!/bin/bash
# SPDX-License-Identifier: MIT
# The instructor guide's demos are real commands of this build (no GPU needed):
# every `gpulab MODULE NAME... --option` names a module of `gpulab list`, cases and
# demos that module lists, and options its --help shows; `gpulab-multigpu SUB
# --option` likewise against its --help (when the build has MPI). And every demo
# row's time cell is `not yet measured` or a measured `N.N s`, never anything else.
#   tests/scripts/guide_demos_test.sh SOURCE_DIR BIN_DIR
set -euo pipefail
source_dir=$1
bin=$2
guide="$source_dir/docs/instructor-guide.md"
problems=0
problem() { echo "instructor guide: $*" >&2; problems=$((problems + 1)); }

mapfile -t commands < <("$source_dir/scripts/time-demos" --list --guide "$guide")
[ "${#commands[@]}" -ge 10 ] || { echo "instructor guide: only ${#commands[@]} demos found" >&2; exit 1; }
list=$("$bin/gpulab" list)
# Each help text once (an app's start costs ~0.5 s here: cuBLAS loads), however many demos use
# it. Not in $( ): the cache must outlive the call. help_of BINARY [SUBCOMMAND] sets $help.
declare -A helps
help_of() {
  local key="$*"
  [ -n "${helps[$key]+set}" ] || helps[$key]=$("$bin/$1" "${@:2}" --help)
  help=${helps[$key]}
}

# One module's names and options: positional words must be listed for the module,
# --options must appear in the help text.
check_words() {  # command, module, help text, words...
  local command=$1 module=$2 help=$3 word
  shift 3
  for word in "$@"; do
    case "$word" in
      --*=*) word=${word%%=*} ;&
      --*) grep -qE -- "(^|[ ,])${word}([ ,=]|$)" <<<"$help" || problem "'$command': $module has no option $word" ;;
      -*) ;;
      *) ;;
    esac
  done
}

for command in "${commands[@]}"; do
  # Split as the shell would (quotes kept together), without evaluating anything.
  mapfile -t words < <(xargs -n 1 printf '%s\n' <<<"$command")
  case "${words[0]}" in
    gpulab)
      module=${words[1]:-}
      case "$module" in
        --version | list) continue ;;
        tour | check)
          help_of gpulab "$module"
          check_words "$command" "$module" "$help" "${words[@]:2}"
          continue ;;
      esac
      grep -qE "^  ${module} " <<<"$list" || { problem "'$command': no module '$module' in gpulab list"; continue; }
      help_of gpulab "$module"
      expect_value=0
      for word in "${words[@]:2}"; do
        if [ "$expect_value" = 1 ]; then expect_value=0; continue; fi
        case "$word" in
          --*) check_words "$command" "$module" "$help" "$word"; [[ "$word" == *=* ]] || expect_value=1 ;;
          *) grep -qE "^  ${module} +${word} " <<<"$list" || problem "'$command': $module lists no case or demo '$word'" ;;
        esac
      done ;;
    mpirun)
      # The kit's binary after mpirun's own options, then its subcommand and options.
      i=1
      while [ "$i" -lt "${#words[@]}" ] && [[ "${words[$i]}" != gpulab* ]]; do i=$((i + 1)); done
      app=${words[$i]:-}
      [ "$app" = gpulab-multigpu ] || { problem "'$command': mpirun starts '$app', not gpulab-multigpu"; continue; }
      if [ ! -x "$bin/gpulab-multigpu" ]; then
        echo "not checked (no gpulab-multigpu beside gpulab: it is built where MPI is): $command"
        continue
      fi
      sub=${words[$((i + 1))]:-}
      help_of gpulab-multigpu
      grep -qE "^  ${sub} " <<<"$help" || { problem "'$command': gpulab-multigpu has no subcommand '$sub'"; continue; }
      help_of gpulab-multigpu "$sub"
      check_words "$command" "gpulab-multigpu $sub" "$help" "${words[@]:$((i + 2))}" ;;
    *) problem "'$command': a demo is a gpulab or mpirun command" ;;
  esac
done

# Time cells: the last cell of each demo row.
while IFS= read -r cell; do
  [[ "$cell" == "not yet measured" || "$cell" =~ ^[0-9]+\.[0-9]\ s$ ]] || problem "a demo's time cell says '$cell'"
done < <(awk '/<!-- demos:begin -->/ { inside = 1; next } /<!-- demos:end -->/ { inside = 0; next }
              inside && /^\| `/ { n = split($0, cells, "|"); c = cells[n - 1]; gsub(/^ +| +$/, "", c); print c }' "$guide")

[ "$problems" = 0 ] || { echo "instructor guide: $problems problems" >&2; exit 1; }
echo "instructor guide: ${#commands[@]} demos, every module, case, demo and option exists"

#!/bin/bash
# SPDX-License-Identifier: MIT
# The Slurm batch scripts of module 8 (scripts/slurm/*.sbatch) are well formed, and
# launching like a cluster user works on this machine (no GPU needed):
#   - each script is valid bash (bash -n), asks for one task per GPU
#     (--ntasks-per-node = the count in --gres=gpu:N) and binds no GPU per task;
#   - every gpulab-multigpu command it runs names a subcommand and options the
#     binary has (checked against its --help, under mpirun);
#   - a grid whose rows the ranks do not divide runs and is bit-exact (7 rows on
#     3 ranks: 3, 2, 2), and one with fewer rows than ranks is refused on every
#     rank with exit code 2 and one line each.
# Usage: launch_scripts_test.sh SOURCE_DIR GPULAB_MULTIGPU MPIEXEC NUMPROC_FLAG [MPIEXEC_FLAGS...]
set -u
source_dir=$1 binary=$2 mpiexec=$3 numproc=$4
shift 4
flags=("$@")
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
export MPIEXEC_TIMEOUT=45

scripts=("$source_dir"/scripts/slurm/one-node.sbatch "$source_dir"/scripts/slurm/several-nodes.sbatch)
for script in "${scripts[@]}"; do
  name=${script#"$source_dir"/}
  [ -f "$script" ] || { fail "$name is missing"; continue; }
  bash -n "$script" || fail "$name is not valid bash"
  tasks=$(sed -n 's/^#SBATCH --ntasks-per-node=\([0-9]*\).*/\1/p' "$script")
  gpus=$(sed -n 's/^#SBATCH --gres=gpu:\([0-9]*\).*/\1/p' "$script")
  [ -n "$tasks" ] && [ "$tasks" = "$gpus" ] ||
    fail "$name: --ntasks-per-node=$tasks but --gres=gpu:$gpus (one task per GPU)"
  if grep -q '^#SBATCH --gpus-per-task' "$script"; then fail "$name binds a GPU per task"; fi
  # Every `srun "$bin/gpulab-multigpu" SUB --opt ...` line: the subcommand and each option exist.
  runs=$(grep -E '^srun .*gpulab-multigpu' "$script" || true)
  [ -n "$runs" ] || fail "$name runs no gpulab-multigpu"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    sub=$(printf '%s\n' "$line" | sed -E 's/.*gpulab-multigpu" ([a-z_]+).*/\1/')
    help=$("$mpiexec" "$numproc" 1 "${flags[@]}" "$binary" "$sub" --help 2>&1) ||
      { fail "$name: gpulab-multigpu $sub --help failed: $help"; continue; }
    for option in $(printf '%s\n' "$line" | grep -oE ' --[a-z-]+'); do
      printf '%s\n' "$help" | grep -q -- "$option" || fail "$name: gpulab-multigpu $sub has no option $option"
    done
  done <<< "$runs"
done

# Rows the ranks do not divide: handled (the first ranks take one row more), bit-exact.
out=$("$mpiexec" "$numproc" 3 "${flags[@]}" "$binary" wave --backend host --size 7x5 --steps 4 --validation full 2>&1)
code=$?
[ "$code" = 0 ] || fail "7 rows on 3 ranks: exit $code: $out"
printf '%s\n' "$out" | grep -q "validation: field bit-exact" || fail "7 rows on 3 ranks: no bit-exact validation: $out"

# Fewer rows than ranks: refused on every rank, one line each, exit 2.
out=$("$mpiexec" "$numproc" 3 "${flags[@]}" "$binary" wave --backend host --size 2x5 --steps 4 2>&1)
code=$?
[ "$code" = 2 ] || fail "2 rows on 3 ranks: exit $code, expected 2: $out"
lines=$(printf '%s\n' "$out" | grep -c "cannot be cut into 3 slabs: each rank needs at least one row")
[ "$lines" = 3 ] || fail "2 rows on 3 ranks: $lines ranks said why, expected 3: $out"

if [ "$failures" -ne 0 ]; then echo "$failures failure(s)"; exit 1; fi
echo "launch scripts and uneven grids: OK"

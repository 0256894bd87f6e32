# SPDX-License-Identifier: MIT
# Shared by scripts/run and scripts/test: set-up, configure and build one preset.
# GPULAB_PRESET picks it: dev by default, ci when CI=true.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
export PATH="$PATH:/usr/local/cuda/bin"
preset=${GPULAB_PRESET:-$([ "${CI:-}" = true ] && echo ci || echo dev)}
"$root/scripts/setup"
command -v ninja >/dev/null && export CMAKE_GENERATOR=${CMAKE_GENERATOR:-Ninja}
jobs=$(nproc 2>/dev/null || echo 2)
# Only the kit's own lines of the configure step (the architectures, what is missing or fetched);
# a failing configure still stops here (pipefail) with CMake's errors, which go to stderr.
cmake --preset "$preset" | { grep -E '^-- gpulab:' || true; }
cmake --build --preset "$preset" -j "$jobs"
build="$root/build/$preset"

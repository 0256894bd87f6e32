// SPDX-License-Identifier: MIT
// NVTX ranges: named spans on the Nsight Systems timeline. The runner puts one
// around each phase of each case (setup, cpu, verify, timed), so
//   nsys profile gpulab transfer
// shows where the time goes. NVTX3 is header-only and costs nothing when no
// profiler is attached.
#pragma once

#include <nvtx3/nvToolsExt.h>

#include <string>

namespace gpulab {

class nvtx_range {
 public:
  explicit nvtx_range(const std::string& name) { nvtxRangePushA(name.c_str()); }
  ~nvtx_range() { nvtxRangePop(); }
  nvtx_range(const nvtx_range&) = delete;
  nvtx_range& operator=(const nvtx_range&) = delete;
};

}  // namespace gpulab

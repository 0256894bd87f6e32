// SPDX-License-Identifier: MIT
// A CUDA graph captured from a stream and instantiated, ready to replay: the
// whole sequence of launches, event waits and (with NCCL) communication calls
// queued by `work` becomes one cudaGraphLaunch, so the CPU's cost of queueing
// a step's half-dozen operations is paid once at capture, not every step.
#pragma once

#include <cuda_runtime.h>

#include <cuda/stream_ref>
#include <functional>

namespace gpulab::multigpu {

class graph_exec {
 public:
  graph_exec() = default;
  ~graph_exec();
  graph_exec(const graph_exec&) = delete;
  graph_exec& operator=(const graph_exec&) = delete;
  graph_exec(graph_exec&& other) noexcept;
  graph_exec& operator=(graph_exec&& other) noexcept;

  // Captures what `work` queues on `s` (and on the streams it forks off `s`
  // with events, which must join `s` again before `work` returns), then
  // instantiates it. Relaxed capture mode: a library called inside `work` may
  // still allocate or query on the side (NCCL sets up connections lazily);
  // those calls are not captured. When `work` throws, the capture is ended
  // and dropped, and the exception goes on.
  static graph_exec capture(cuda::stream_ref s, const std::function<void()>& work);

  // Queues one replay of the captured work on `s`.
  void launch(cuda::stream_ref s) const;
  [[nodiscard]] bool empty() const { return exec_ == nullptr; }

 private:
  cudaGraphExec_t exec_ = nullptr;
};

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/graph_exec.hpp"

#include <utility>

#include "gpulab/core/error.hpp"

namespace gpulab::multigpu {

graph_exec::~graph_exec() {
  if (exec_ != nullptr) (void)cudaGraphExecDestroy(exec_);
}

graph_exec::graph_exec(graph_exec&& other) noexcept : exec_(std::exchange(other.exec_, nullptr)) {}

graph_exec& graph_exec::operator=(graph_exec&& other) noexcept {
  if (this != &other) {
    if (exec_ != nullptr) (void)cudaGraphExecDestroy(exec_);
    exec_ = std::exchange(other.exec_, nullptr);
  }
  return *this;
}

graph_exec graph_exec::capture(cuda::stream_ref s, const std::function<void()>& work) {
  GPULAB_CUDA_TRY(cudaStreamBeginCapture(s.get(), cudaStreamCaptureModeRelaxed));
  cudaGraph_t graph = nullptr;
  try {
    const detail::graph_capture_scope capturing;  // no device-wide sync after launches (debug build)
    work();
  } catch (...) {
    (void)cudaStreamEndCapture(s.get(), &graph);  // the stream leaves capture mode
    if (graph != nullptr) (void)cudaGraphDestroy(graph);
    (void)cudaGetLastError();  // a failed capture leaves its error behind
    throw;
  }
  GPULAB_CUDA_TRY(cudaStreamEndCapture(s.get(), &graph));
  graph_exec result;
  const cudaError_t status = cudaGraphInstantiate(&result.exec_, graph, 0);
  (void)cudaGraphDestroy(graph);  // the instance keeps what it needs
  GPULAB_CUDA_TRY(status);
  return result;
}

void graph_exec::launch(cuda::stream_ref s) const {
  if (exec_ == nullptr) throw error("graph_exec::launch: nothing was captured");
  GPULAB_CUDA_TRY(cudaGraphLaunch(exec_, s.get()));
}

}  // namespace gpulab::multigpu

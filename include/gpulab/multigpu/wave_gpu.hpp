// SPDX-License-Identifier: MIT
// The divided wave solve on GPUs: one slab per rank (slab.hpp) in device
// memory, each step's halo rows exchanged through a communicator (grouped
// send/recv: NCCL, or host-staged MPI), the cells computed by a kernel with the
// host solver's arithmetic, so the field equals the undivided host solve bit
// for bit (wave_gpu.cu says how). Three versions of a step:
//   - blocking: the halos are exchanged, then every row is computed;
//   - overlap: the rows that need no halo are computed on the compute stream
//     while the halo rows travel on a second stream; then the two edge rows;
//   - graph: the overlapped step captured once in a CUDA graph (graph_exec.hpp),
//     NCCL's send/recv included (NCCL calls can be captured: they only queue
//     kernels on the stream), and replayed each step: one launch instead of
//     three kernels, two event waits and a group of NCCL calls. The MPI
//     backend's calls run on the host, so they cannot be captured: graph
//     needs the NCCL communicator.
#pragma once

#include <cuda/stream_ref>
#include <functional>
#include <optional>
#include <string>

#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/multigpu/communicator.hpp"
#include "gpulab/multigpu/graph_exec.hpp"
#include "gpulab/multigpu/wave.hpp"

namespace gpulab::multigpu {

enum class gpu_halo { blocking, overlap, graph };
std::string to_string(gpu_halo halo);

// next = leapfrog(current, previous) on local rows `rows` of a slab's padded
// arrays (device memory, part.padded_elements() floats each). Launches the kernel.
void update_rows_async(const slab& part, float coefficient, const float* previous, const float* current, float* next,
                       row_range rows, cuda::stream_ref s);

// One slab's three time levels in device memory (wave.hpp's wave_slab, on a GPU).
struct gpu_wave_slab {
  slab part;
  float coefficient = 0.0f;
  device_buffer<float> previous;
  device_buffer<float> current;
  device_buffer<float> next;
};

// The host's starting slab (make_wave_slab), copied: the initial pulse uses
// std::exp, whose last bit the GPU's exp need not match, so the GPU starts from
// the host's very numbers. Checks the device memory first.
gpu_wave_slab make_gpu_wave_slab(const wave_problem& problem, const slab& part, cuda::stream_ref s);

// `previous` and `current`, halos included, copied back (`next` left empty).
wave_slab copy_to_host(const gpu_wave_slab& wave, cuda::stream_ref s);

// The halo rows of `field` (device, padded) from the neighbours, this slab's
// edge rows to them: one group of ncclSend/ncclRecv (or MPI), queued on `s`.
void exchange_halos_async(const slab& part, float* field, communicator& comm, cuda::stream_ref s);

// Runs steps; owns the second stream and the events of the overlapped version,
// and the graphs of the graph version. Throws usage_error for gpu_halo::graph
// on a communicator other than NCCL.
class gpu_wave_stepper {
 public:
  gpu_wave_stepper(gpu_halo halo, communicator& comm, cuda::stream_ref compute);
  // Queues one step on the compute stream (and the halo stream): exchange, compute, rotate.
  void step(gpu_wave_slab& wave);

 private:
  void overlapped_step(gpu_wave_slab& wave);
  void graph_step(gpu_wave_slab& wave);

  gpu_halo halo_;
  communicator& comm_;
  cuda::stream_ref compute_;
  stream halo_stream_;
  event current_ready_{cudaEventDisableTiming};
  event halos_arrived_{cudaEventDisableTiming};
  // The graph version. A graph replays the very pointers it was captured with,
  // and each step rotates the three time levels (previous <- current <- next
  // <- previous): after three steps they are back in place. So there are three
  // graphs, one per position of the rotation, each captured the first time it
  // is needed; a graph is captured again if its slab's buffers changed.
  struct captured_step {
    graph_exec graph;
    const float* previous = nullptr;
    const float* current = nullptr;
    const float* next = nullptr;
  };
  captured_step captured_[3];
  long long steps_taken_ = 0;
};

// The energy (wave.hpp) of all slabs: each rank's share computed from a host
// copy of its slab, summed over the ranks with the communicator's all_reduce.
// Needs the halos of `current` and `previous` up to date. Collective.
energy_sum global_energy(const gpu_wave_slab& wave, communicator& comm, cuda::stream_ref s);

struct gpu_solution {
  gpu_wave_slab wave;  // after the steps, its halos up to date
  energy_sum initial_energy;
  energy_sum energy;
  double seconds = 0.0;  // the steps, on the slowest rank
};

// Cuts problem.grid into comm.size() slabs, this rank's on comm.device(), and
// runs problem.steps steps. `each_step(step)` runs on the host before every
// step (the app's --fail-rank). Collective over `comm`.
gpu_solution solve_on_gpus(const wave_problem& problem, gpu_halo halo, communicator& comm, cuda::stream_ref s,
                           const std::function<void(int step)>& each_step = {});

}  // namespace gpulab::multigpu

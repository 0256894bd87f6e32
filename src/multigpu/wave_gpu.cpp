// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/wave_gpu.hpp"

#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "gpulab/core/device.hpp"

namespace gpulab::multigpu {

std::string to_string(gpu_halo halo) {
  switch (halo) {
    case gpu_halo::blocking: return "blocking";
    case gpu_halo::overlap: return "overlap";
    case gpu_halo::graph: return "graph";
  }
  return "?";
}

gpu_wave_slab make_gpu_wave_slab(const wave_problem& problem, const slab& part, cuda::stream_ref s) {
  require_device_memory(3 * part.padded_elements() * sizeof(float), "the wave solver's three time levels");
  const wave_slab host = make_wave_slab(problem, part);
  gpu_wave_slab wave{part, host.coefficient, device_buffer<float>(host.previous.size(), s),
                     device_buffer<float>(host.current.size(), s), device_buffer<float>(host.next.size(), s)};
  copy_to_device_async<float>(host.previous, wave.previous, s);
  copy_to_device_async<float>(host.current, wave.current, s);
  copy_to_device_async<float>(host.next, wave.next, s);  // its boundary is zero, and no kernel writes there
  synchronize(s);  // `host` is freed on return
  return wave;
}

wave_slab copy_to_host(const gpu_wave_slab& wave, cuda::stream_ref s) {
  wave_slab host;
  host.part = wave.part;
  host.coefficient = wave.coefficient;
  host.previous.resize(wave.previous.size());
  host.current.resize(wave.current.size());
  copy_to_host_async<float>(wave.previous, host.previous, s);
  copy_to_host_async<float>(wave.current, host.current, s);
  synchronize(s);
  return host;
}

void exchange_halos_async(const slab& part, float* field, communicator& comm, cuda::stream_ref s) {
  const auto cols = static_cast<std::size_t>(part.grid.cols);
  const int above = part.neighbour_above();
  const int below = part.neighbour_below();
  if (above == no_neighbour && below == no_neighbour) return;  // one slab: its halos are outside the grid
  // One group: each rank's sends and receives start together, so no pair waits
  // for the other. A side with no neighbour (the grid's edge) sends nothing.
  in_group(comm, [&] {
    if (above != no_neighbour) {
      comm.send_async(field + part.offset_of(1), cols, above, s);  // my first row up
      comm.recv_async(field + part.offset_of(0), cols, above, s);  // its last row into my halo above
    }
    if (below != no_neighbour) {
      comm.send_async(field + part.offset_of(part.rows), cols, below, s);  // my last row down
      comm.recv_async(field + part.offset_of(part.rows + 1), cols, below, s);
    }
  });
}

gpu_wave_stepper::gpu_wave_stepper(gpu_halo halo, communicator& comm, cuda::stream_ref compute)
    : halo_(halo), comm_(comm), compute_(compute) {
  if (halo == gpu_halo::graph && comm.backend() != "nccl") {
    throw usage_error("--halo graph captures the step, NCCL calls included, in a CUDA graph; the " + comm.backend() +
                      " backend's calls run on the host and cannot be captured: use --comm nccl");
  }
}

void gpu_wave_stepper::overlapped_step(gpu_wave_slab& wave) {
  const slab& part = wave.part;
  const auto update = [&](row_range rows) {
    update_rows_async(part, wave.coefficient, wave.previous.data(), wave.current.data(), wave.next.data(), rows,
                      compute_);
  };
  // The halo stream starts when `current` is written (the last step's kernels).
  current_ready_.record(compute_);
  GPULAB_CUDA_TRY(cudaStreamWaitEvent(halo_stream_.get(), current_ready_.get(), 0));
  update(part.rows_without_halo());  // reads no halo row: runs while the halos travel
  exchange_halos_async(part, wave.current.data(), comm_, halo_stream_);
  halos_arrived_.record(halo_stream_);
  GPULAB_CUDA_TRY(cudaStreamWaitEvent(compute_.get(), halos_arrived_.get(), 0));
  update(part.top_edge_rows());
  update(part.bottom_edge_rows());
}

// [snippet:graph_step]
void gpu_wave_stepper::graph_step(gpu_wave_slab& wave) {
  // The first step runs as it is, not captured: NCCL connects a pair of ranks
  // at their first send/recv, which is set-up work, not the step's.
  if (steps_taken_ == 0) {
    overlapped_step(wave);
    return;
  }
  captured_step& mine = captured_[steps_taken_ % 3];
  if (mine.graph.empty() || mine.previous != wave.previous.data() || mine.current != wave.current.data() ||
      mine.next != wave.next.data()) {
    // Captured once: the events, the kernels on both streams and the NCCL
    // group become the graph's nodes, with the same order between them.
    mine.graph = graph_exec::capture(compute_, [&] { overlapped_step(wave); });
    mine.previous = wave.previous.data();
    mine.current = wave.current.data();
    mine.next = wave.next.data();
  }
  mine.graph.launch(compute_);  // every later step with these buffers: one launch
}
// [/snippet:graph_step]

void gpu_wave_stepper::step(gpu_wave_slab& wave) {
  switch (halo_) {
    case gpu_halo::blocking: {
      exchange_halos_async(wave.part, wave.current.data(), comm_, compute_);
      update_rows_async(wave.part, wave.coefficient, wave.previous.data(), wave.current.data(), wave.next.data(),
                        wave.part.updated_rows(), compute_);
      break;
    }
    case gpu_halo::overlap: overlapped_step(wave); break;
    case gpu_halo::graph: graph_step(wave); break;
  }
  ++steps_taken_;
  // previous <- current <- next. The halo stream's sends of this `current` are
  // ordered before the compute stream's next writes into it (two steps on, as `next`)
  // by the wait above.
  std::swap(wave.previous, wave.current);
  std::swap(wave.current, wave.next);
}

energy_sum global_energy(const gpu_wave_slab& wave, communicator& comm, cuda::stream_ref s) {
  const energy_sum mine = slab_energy(copy_to_host(wave, s));
  return {all_reduce_value(comm, mine.energy, reduce_op::sum, s), all_reduce_value(comm, mine.magnitude, reduce_op::sum, s),
          all_reduce_value(comm, mine.terms, reduce_op::sum, s)};
}

gpu_solution solve_on_gpus(const wave_problem& problem, gpu_halo halo, communicator& comm, cuda::stream_ref s,
                           const std::function<void(int step)>& each_step) {
  select_device(comm.device());
  gpu_solution solution{make_gpu_wave_slab(problem, make_slab(problem.grid, comm.rank(), comm.size()), s), {}, {}, 0};
  gpu_wave_slab& wave = solution.wave;
  solution.initial_energy = global_energy(wave, comm, s);  // the halos come from the initial pulse
  gpu_wave_stepper stepper(halo, comm, s);
  comm.barrier_async(s);  // every rank starts the clock together
  synchronize(s);
  const auto start = std::chrono::steady_clock::now();
  for (int step = 0; step < problem.steps; ++step) {
    if (each_step) each_step(step);
    stepper.step(wave);
  }
  synchronize(s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  solution.seconds = all_reduce_value(comm, seconds, reduce_op::max, s);
  // `previous` kept the halos of the last exchange; `current` needs one more for the energy.
  exchange_halos_async(wave.part, wave.current.data(), comm, s);
  solution.energy = global_energy(wave, comm, s);
  return solution;
}

}  // namespace gpulab::multigpu

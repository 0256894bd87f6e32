// SPDX-License-Identifier: MIT
// The checker of the halo exchange exercise (include/gpulab/multigpu/exercises/
// halo_exchange.hpp). It builds a ring of ranks, one per visible GPU (one GPU:
// one rank, its own neighbour), each driven by a host thread, and runs the
// candidate exchange
//   - alone, on halos poisoned with NaN: each halo must hold the right row;
//   - in a wave solve whose rows wrap round, compared bit for bit with the same
//     solve on the host (wave_gpu.cu: the kernel rounds as the host does);
//   - in that solve with the step's kernel made slow (a missing wait for the
//     compute stream sends rows not yet written) and with the exchange made slow
//     to start (a missing wait for the exchange computes from stale halos);
//   - timed against the reference.
// A watchdog bounds every run: an exchange that has not finished after
// halo_exchange_deadline_seconds is reported "deadlock: ...", the NCCL
// communicators are aborted, and the check stops (the GPU may be left stuck:
// the report asks the program to exit without tearing CUDA down).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/multigpu/exercises/halo_exchange.hpp"
#include "gpulab/multigpu/wave.hpp"
#include "gpulab/multigpu/wave_gpu.hpp"
#include "kernels/multigpu/exercises/halo_exchange.hpp"

namespace gpulab::exercises {

namespace reference {
// [snippet:halo_exchange_solution]
void halo_exchange(const halo_exchange_args& a) {
  float* first_row = a.field + 1 * a.cols;
  float* last_row = a.field + a.rows * a.cols;
  float* halo_above = a.field;
  float* halo_below = a.field + (a.rows + 1) * a.cols;
  const auto count = static_cast<std::size_t>(a.cols);
  // 1. Send nothing before the last step's kernel has written the rows.
  GPULAB_CUDA_TRY(cudaEventRecord(a.field_ready, a.compute));
  GPULAB_CUDA_TRY(cudaStreamWaitEvent(a.halo, a.field_ready, 0));
  // 2. Two shifts in one group: NCCL starts them together, so no send waits for a
  //    receive queued behind it; between two ranks, messages match in posting order.
  GPULAB_NCCL_TRY(ncclGroupStart());
  GPULAB_NCCL_TRY(ncclSend(first_row, count, ncclFloat, a.above, a.comm, a.halo));   // upward
  GPULAB_NCCL_TRY(ncclRecv(halo_below, count, ncclFloat, a.below, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclSend(last_row, count, ncclFloat, a.below, a.comm, a.halo));    // downward
  GPULAB_NCCL_TRY(ncclRecv(halo_above, count, ncclFloat, a.above, a.comm, a.halo));
  GPULAB_NCCL_TRY(ncclGroupEnd());
  // 3. The next step's kernel reads the halos only once they have arrived.
  GPULAB_CUDA_TRY(cudaEventRecord(a.halos_arrived, a.halo));
  GPULAB_CUDA_TRY(cudaStreamWaitEvent(a.compute, a.halos_arrived, 0));
}
// [/snippet:halo_exchange_solution]
}  // namespace reference

namespace {

using multigpu::grid_shape;
using multigpu::make_slab;
using multigpu::row_range;
using multigpu::slab;

constexpr float coefficient = 0.25f;  // (c dt / dx)^2 at the Courant number 0.5 of the module
constexpr double slow_ms = 2.0;       // how slow the "slow" trials make a kernel or an exchange

// A kernel that only waits: makes a stream late on purpose (globaltimer: nanoseconds).
__global__ void wait_kernel(unsigned long long nanoseconds) {
  unsigned long long start = 0;
  unsigned long long now = 0;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(start));
  do {
    __nanosleep(1000);
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(now));
  } while (now - start < nanoseconds);
}
void queue_wait(cudaStream_t s, double ms) {
  wait_kernel<<<1, 1, 0, s>>>(static_cast<unsigned long long>(ms * 1e6));
  GPULAB_CHECK_LAUNCH();
}

// ------------------------------------------------------------------ the ring
// One rank: its GPU, its two streams and events, its slab's three time levels.
struct ring_rank {
  int rank = 0;
  int device = 0;
  ncclComm_t comm = nullptr;
  int above = 0;
  int below = 0;
  std::optional<stream> compute, halo;
  std::optional<event> field_ready, halos_arrived;
  std::optional<event> began, ended;  // around the steps on the compute stream: the timed trial's clock
  slab part;
  device_buffer<float> previous, current, next;

  [[nodiscard]] halo_exchange_args args() {
    return {current.data(), part.rows, part.grid.cols, above, below, comm, compute->get(), halo->get(),
            field_ready->get(), halos_arrived->get()};
  }
};

// The ranks, one per GPU, and their NCCL communicators (ncclCommInitAll).
struct ring {
  std::vector<ncclComm_t> comms;
  std::vector<ring_rank> ranks;
  bool aborted = false;  // after a deadlock: the communicators were aborted, nothing may be freed

  explicit ring(const std::vector<int>& devices) : comms(devices.size(), nullptr), ranks(devices.size()) {
    const int k = static_cast<int>(devices.size());
    GPULAB_NCCL_TRY(ncclCommInitAll(comms.data(), k, devices.data()));
    for (int r = 0; r < k; ++r) {
      ring_rank& rk = ranks[static_cast<std::size_t>(r)];
      const scoped_device on(devices[static_cast<std::size_t>(r)]);
      rk.rank = r;
      rk.device = devices[static_cast<std::size_t>(r)];
      rk.comm = comms[static_cast<std::size_t>(r)];
      rk.above = (r + k - 1) % k;  // the rows wrap round: the grid is a ring
      rk.below = (r + 1) % k;
      rk.compute.emplace();
      rk.halo.emplace();
      rk.field_ready.emplace(cudaEventDisableTiming);
      rk.halos_arrived.emplace(cudaEventDisableTiming);
      rk.began.emplace();
      rk.ended.emplace();
    }
  }
  ~ring() {
    if (aborted) return;  // not reached: a ring that deadlocked is leaked (see run_on_every_rank)
    for (ring_rank& rk : ranks) {  // each rank's memory, freed on its stream with its device current
      const scoped_device on(rk.device);
      rk.previous = device_buffer<float>();
      rk.current = device_buffer<float>();
      rk.next = device_buffer<float>();
    }
    for (ncclComm_t c : comms) (void)ncclCommDestroy(c);
  }
  ring(const ring&) = delete;
  ring& operator=(const ring&) = delete;
  [[nodiscard]] int size() const { return static_cast<int>(ranks.size()); }
};

// ------------------------------------------------------------ the host solve
// The grid's starting levels: seeded values inside, zero in columns 0 and cols - 1.
struct levels {
  std::vector<float> previous, current;  // rows x cols, no halos
};
levels starting_levels(grid_shape g, std::uint64_t seed) {
  levels l{std::vector<float>(static_cast<std::size_t>(g.cells()), 0.0f),
           std::vector<float>(static_cast<std::size_t>(g.cells()), 0.0f)};
  for (std::int64_t r = 0; r < g.rows; ++r) {
    for (std::int64_t c = 1; c + 1 < g.cols; ++c) {
      const auto at = static_cast<std::size_t>(r * g.cols + c);
      const auto value = [&](std::uint64_t s) {
        return static_cast<float>(static_cast<double>(splitmix64(s + at) >> 40) * 0x1p-24 - 0.5);
      };
      l.previous[at] = value(seed);
      l.current[at] = value(seed ^ 0x9E3779B97F4A7C15ull);
    }
  }
  return l;
}

// `steps` steps of the wave on the ring of rows, on the host: the answer (rows x cols).
std::vector<float> solve_ring_on_host(grid_shape g, const levels& start, int steps) {
  multigpu::wave_slab w;
  w.part = make_slab(g, 0, 1);
  w.coefficient = coefficient;
  const auto cols = static_cast<std::size_t>(g.cols);
  const auto padded = [&](const std::vector<float>& rows) {
    std::vector<float> p(w.part.padded_elements(), 0.0f);
    std::copy(rows.begin(), rows.end(), p.begin() + static_cast<std::ptrdiff_t>(cols));
    return p;
  };
  w.previous = padded(start.previous);
  w.current = padded(start.current);
  w.next.assign(w.part.padded_elements(), 0.0f);
  for (int step = 0; step < steps; ++step) {
    float* cur = w.current.data();
    std::copy_n(cur + w.part.offset_of(g.rows), cols, cur);                  // halo above: the last row
    std::copy_n(cur + w.part.offset_of(1), cols, cur + w.part.offset_of(g.rows + 1));  // halo below: the first
    multigpu::update_rows(w, row_range{1, g.rows + 1});
    multigpu::finish_step(w);
  }
  return {w.current.begin() + static_cast<std::ptrdiff_t>(cols),
          w.current.begin() + static_cast<std::ptrdiff_t>(cols * static_cast<std::size_t>(g.rows + 1))};
}

// Each rank's slab of `start`, its halos (and `next`'s inside) poisoned with NaN.
void load_ring(ring& g, grid_shape grid, const levels& start) {
  const auto cols = static_cast<std::size_t>(grid.cols);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (ring_rank& rk : g.ranks) {
    const scoped_device on(rk.device);
    rk.part = make_slab(grid, rk.rank, g.size());
    const std::size_t n = rk.part.padded_elements();
    const auto slab_of = [&](const std::vector<float>& whole) {
      std::vector<float> p(n, nan);
      std::copy_n(whole.begin() + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(rk.part.first_row) * cols),
                  static_cast<std::size_t>(rk.part.rows) * cols, p.begin() + static_cast<std::ptrdiff_t>(cols));
      return p;
    };
    std::vector<float> next(n, nan);  // its boundary columns zero: the kernel never writes them
    for (std::size_t row = 0; row < static_cast<std::size_t>(rk.part.padded_rows()); ++row) {
      next[row * cols] = 0.0f;
      next[row * cols + cols - 1] = 0.0f;
    }
    rk.previous = upload(slab_of(start.previous), *rk.compute);
    rk.current = upload(slab_of(start.current), *rk.compute);
    rk.next = upload(next, *rk.compute);
    synchronize(*rk.compute);
  }
}

// ------------------------------------------------------------- the watchdog
enum class slow { nothing, kernel, exchange };

struct rank_outcome {
  std::atomic<bool> done{false};
  std::string error;
};
struct run_state {
  explicit run_state(std::size_t ranks) : outcomes(ranks) {}
  std::vector<rank_outcome> outcomes;
  std::atomic<bool> give_up{false};
};

// One rank's work: `steps` steps (0: the exchange alone), then waiting for its
// streams, until they are idle or the watchdog gives up.
void rank_work(ring_rank& rk, halo_exchange_fn exchange, int steps, slow late, run_state& state) {
  rank_outcome& out = state.outcomes[static_cast<std::size_t>(rk.rank)];
  try {
    select_device(rk.device);
    rk.began->record(*rk.compute);
    for (int step = 0; step < std::max(steps, 1); ++step) {
      if (late == slow::exchange) queue_wait(rk.halo->get(), slow_ms);  // the exchange starts late
      exchange(rk.args());
      if (steps == 0) break;
      if (late == slow::kernel) queue_wait(rk.compute->get(), slow_ms);  // the step's kernel ends late
      multigpu::update_rows_async(rk.part, coefficient, rk.previous.data(), rk.current.data(), rk.next.data(),
                                  row_range{1, rk.part.rows + 1}, *rk.compute);
      std::swap(rk.previous, rk.current);  // previous <- current <- next
      std::swap(rk.current, rk.next);
    }
    rk.ended->record(*rk.compute);  // after the last kernel, which waited for the last exchange
    for (;;) {
      if (state.give_up) break;
      const cudaError_t a = cudaStreamQuery(rk.compute->get());
      const cudaError_t b = cudaStreamQuery(rk.halo->get());
      if (a == cudaSuccess && b == cudaSuccess) break;
      if (a != cudaErrorNotReady && a != cudaSuccess) GPULAB_CUDA_TRY(a);
      if (b != cudaErrorNotReady && b != cudaSuccess) GPULAB_CUDA_TRY(b);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  out.done = true;
}

// Runs rank_work on every rank, one thread each, within the deadline. Returns ""
// or what went wrong: "deadlock: ..." (then the ring is aborted and leaked, and
// report.exit_without_cleanup set), or the first rank's error. `milliseconds`:
// the slowest rank's time from its first exchange to its last kernel (CUDA events).
std::string run_on_every_rank(std::unique_ptr<ring>& g, halo_exchange_fn exchange, int steps, slow late,
                              check_report& report, double* milliseconds = nullptr) {
  auto state = std::make_shared<run_state>(g->ranks.size());
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (ring_rank& rk : g->ranks) {
    threads.emplace_back([&rk, exchange, steps, late, state] { rank_work(rk, exchange, steps, late, *state); });
  }
  const auto all_done = [&] {
    return std::all_of(state->outcomes.begin(), state->outcomes.end(), [](const rank_outcome& o) { return o.done.load(); });
  };
  const auto deadline = start + std::chrono::seconds(halo_exchange_deadline_seconds);
  while (!all_done() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (!all_done()) {
    // Every rank waits for another: abort NCCL (its kernels and host calls give up),
    // give the threads a moment, and leave whatever is still stuck alone.
    state->give_up = true;
    for (ncclComm_t c : g->comms) (void)ncclCommAbort(c);
    g->aborted = true;
    const auto grace = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!all_done() && std::chrono::steady_clock::now() < grace) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    for (std::thread& t : threads) t.detach();  // a thread still inside NCCL keeps `state` and the ring alive
    (void)g.release();                          // leaked on purpose: freeing memory a stuck kernel uses could hang
    report.exit_without_cleanup = true;
    // A rank that failed first leaves the others waiting for it: its error is the cause.
    for (std::size_t r = 0; r < state->outcomes.size(); ++r) {
      if (state->outcomes[r].done && !state->outcomes[r].error.empty()) {
        return "rank " + std::to_string(r) + ": " + state->outcomes[r].error + " (the other ranks then waited for it)";
      }
    }
    return "deadlock: the exchange had not finished after " + std::to_string(halo_exchange_deadline_seconds) +
           " s on " + std::to_string(state->outcomes.size()) +
           " rank(s): a send waits for its receive; sends and receives that wait for each other must be in one "
           "ncclGroupStart/ncclGroupEnd";
  }
  for (std::thread& t : threads) t.join();
  for (std::size_t r = 0; r < state->outcomes.size(); ++r) {
    if (!state->outcomes[r].error.empty()) return "rank " + std::to_string(r) + ": " + state->outcomes[r].error;
  }
  if (milliseconds != nullptr) {
    *milliseconds = 0;
    for (const ring_rank& rk : g->ranks) *milliseconds = std::max(*milliseconds, elapsed_ms(*rk.began, *rk.ended));
  }
  return "";
}

// --------------------------------------------------------------- the checks
std::string describe(grid_shape g) { return std::to_string(g.rows) + " x " + std::to_string(g.cols); }

bool same_bits(const float* a, const float* b, std::size_t n) { return std::memcmp(a, b, n * sizeof(float)) == 0; }

// What a halo row holds, in words: "global row 12 (rank 1's first row)", "NaN (never written)"...
std::string what_row_is(const ring& g, grid_shape grid, const std::vector<float>& current, const float* halo) {
  const auto cols = static_cast<std::size_t>(grid.cols);
  if (std::isnan(halo[1])) return "NaN (never written)";
  for (std::int64_t row = 0; row < grid.rows; ++row) {
    if (!same_bits(halo, current.data() + static_cast<std::size_t>(row) * cols, cols)) continue;
    for (const ring_rank& rk : g.ranks) {
      const std::int64_t first = rk.part.first_row, last = rk.part.first_row + rk.part.rows - 1;
      if (row == first && row == last) return "rank " + std::to_string(rk.rank) + "'s only row";
      if (row == first) return "rank " + std::to_string(rk.rank) + "'s first row";
      if (row == last) return "rank " + std::to_string(rk.rank) + "'s last row";
    }
    return "global row " + std::to_string(row) + " (no edge row)";
  }
  return "a row of no rank";
}

// The exchange alone: each halo must hold the neighbour's edge row.
std::string check_one_exchange(std::unique_ptr<ring>& g, grid_shape grid, halo_exchange_fn exchange,
                               std::uint64_t seed, check_report& report) {
  const levels start = starting_levels(grid, seed);
  load_ring(*g, grid, start);
  if (std::string problem = run_on_every_rank(g, exchange, 0, slow::nothing, report); !problem.empty()) return problem;
  const auto cols = static_cast<std::size_t>(grid.cols);
  for (ring_rank& rk : g->ranks) {
    const scoped_device here(rk.device);
    const std::vector<float> got = download(rk.current, *rk.compute);
    const ring_rank& up = g->ranks[static_cast<std::size_t>(rk.above)];
    const ring_rank& down = g->ranks[static_cast<std::size_t>(rk.below)];
    const std::size_t up_last = static_cast<std::size_t>(up.part.first_row + up.part.rows - 1) * cols;
    const std::size_t down_first = static_cast<std::size_t>(down.part.first_row) * cols;
    const float* halo_above = got.data();
    const float* halo_below = got.data() + static_cast<std::size_t>(rk.part.rows + 1) * cols;
    if (!same_bits(halo_above, start.current.data() + up_last, cols)) {
      return "rank " + std::to_string(rk.rank) + "'s halo above holds " + what_row_is(*g, grid, start.current, halo_above) +
             ", expected rank " + std::to_string(up.rank) + "'s last row (the wrong neighbour, or messages matched "
             "in the wrong order?)";
    }
    if (!same_bits(halo_below, start.current.data() + down_first, cols)) {
      return "rank " + std::to_string(rk.rank) + "'s halo below holds " + what_row_is(*g, grid, start.current, halo_below) +
             ", expected rank " + std::to_string(down.rank) + "'s first row (the wrong neighbour, or messages "
             "matched in the wrong order?)";
    }
    // The rows the rank owns are sent, never written.
    if (!same_bits(got.data() + cols, start.current.data() + static_cast<std::size_t>(rk.part.first_row) * cols,
                   static_cast<std::size_t>(rk.part.rows) * cols)) {
      return "rank " + std::to_string(rk.rank) + "'s own rows changed: only the halo rows may be written";
    }
  }
  return "";
}

// `steps` steps of the solve on the ring, compared bit for bit with the host.
std::string check_solve(std::unique_ptr<ring>& g, grid_shape grid, int steps, slow late, halo_exchange_fn exchange,
                        std::uint64_t seed, check_report& report, double* milliseconds = nullptr) {
  const levels start = starting_levels(grid, seed);
  load_ring(*g, grid, start);
  if (std::string problem = run_on_every_rank(g, exchange, steps, late, report, milliseconds); !problem.empty()) {
    return problem;
  }
  const std::vector<float> expected = solve_ring_on_host(grid, start, steps);
  const auto cols = static_cast<std::size_t>(grid.cols);
  for (ring_rank& rk : g->ranks) {
    const scoped_device here(rk.device);
    const std::vector<float> got = download(rk.current, *rk.compute);
    for (std::int64_t r = 1; r <= rk.part.rows; ++r) {
      const float* mine = got.data() + static_cast<std::size_t>(r) * cols;
      const float* want = expected.data() + static_cast<std::size_t>(rk.part.global_row(r)) * cols;
      for (std::size_t c = 1; c + 1 < cols; ++c) {
        if (std::memcmp(&mine[c], &want[c], sizeof(float)) == 0) continue;
        const bool edge = r == 1 || r == rk.part.rows;
        return "after " + std::to_string(steps) + " steps, rank " + std::to_string(rk.rank) + " row " +
               std::to_string(rk.part.global_row(r)) + " column " + std::to_string(c) + " is " +
               std::to_string(mine[c]) + ", expected " + std::to_string(want[c]) +
               (edge ? " (an edge row: it reads a halo)" : "") +
               (late == slow::kernel ? ": the exchange sent rows the last step's kernel had not yet written "
                                       "(make the exchange's stream wait for the compute stream)"
                : late == slow::exchange ? ": the kernel read halos that had not arrived (make the compute "
                                           "stream wait for the exchange)"
                                         : "");
      }
    }
  }
  return "";
}

std::vector<int> ring_devices(const check_options& options) {
  const int visible = device_count();
  if (visible <= 1) return {options.device};
  std::vector<int> devices(static_cast<std::size_t>(std::min(visible, 8)));
  for (std::size_t i = 0; i < devices.size(); ++i) devices[i] = static_cast<int>(i);
  return devices;
}

}  // namespace

// trainee::halo_exchange is the skeleton's (kernels/multigpu/exercises/halo_exchange.hpp, included above).

check_report check_halo_exchange(halo_exchange_fn candidate, const check_options& options) {
  check_report report;
  report.exercise = "halo_exchange";
  require_device_index(options.device);
  const std::vector<int> devices = ring_devices(options);
  auto g = std::make_unique<ring>(devices);
  const int k = g->size();
  const std::string on = " on " + std::to_string(k) + (k == 1 ? " rank (its own neighbour)" : " ranks");
  // Records a trial; false when the check must stop: after a deadlock (the ring is
  // gone) or an error that CUDA or NCCL reported (the communicators may be unusable).
  const auto record = [&](const std::string& label, const std::string& problem) {
    report.record(problem.empty(), label + (problem.empty() ? "" : ": " + problem));
    return g != nullptr && problem.find("CUDA") == std::string::npos && problem.find("NCCL") == std::string::npos;
  };
  const std::uint64_t seed = options.seed;
  const grid_shape one_row_each{k, 5};
  for (const grid_shape grid : {grid_shape{13, 7}, one_row_each, grid_shape{130, 67}}) {
    if (!record("one exchange, " + describe(grid) + on, check_one_exchange(g, grid, candidate, seed, report))) {
      return report;
    }
  }
  struct solve_trial {
    grid_shape grid;
    int steps;
    slow late;
    std::string what;
  };
  for (const solve_trial& t : {solve_trial{{61, 37}, 12, slow::nothing, ""},
                               solve_trial{{one_row_each.rows, 9}, 5, slow::nothing, ""},
                               solve_trial{{130, 67}, 8, slow::nothing, ""},
                               solve_trial{{61, 37}, 6, slow::kernel, ", each step's kernel 2 ms late"},
                               solve_trial{{61, 37}, 6, slow::exchange, ", each exchange 2 ms late to start"}}) {
    const std::string label = std::to_string(t.steps) + " steps, " + describe(t.grid) + on + t.what;
    if (!record(label, check_solve(g, t.grid, t.steps, t.late, candidate, seed + 1, report))) return report;
  }
  // Speed, once it is right: 20 steps on 2048 x 2048, the candidate (checked) then the reference.
  if (report.passed) {
    constexpr int steps = 20;
    const grid_shape big{2048, 2048};
    double candidate_ms = 0, reference_ms = 0;
    if (!record("20 steps, 2048 x 2048" + on + " (timed)",
                check_solve(g, big, steps, slow::nothing, candidate, seed + 2, report, &candidate_ms))) {
      return report;
    }
    load_ring(*g, big, starting_levels(big, seed + 2));
    if (run_on_every_rank(g, reference::halo_exchange, steps, slow::nothing, report, &reference_ms).empty()) {
      report.candidate_ms = candidate_ms / steps;  // per step
      report.reference_ms = reference_ms / steps;
    }
  }
  return report;
}

}  // namespace gpulab::exercises

// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/p2p_bandwidth.hpp"

#include <cuda_runtime.h>

#include <cstdio>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/device.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"

namespace gpulab::multigpu {

namespace {

// The pattern of GPU `gpu`'s source buffer: another one on every GPU, so a
// copy from the wrong GPU fails its check.
std::uint32_t salt_of(int gpu) { return 0x5EED0000u + static_cast<std::uint32_t>(gpu); }

// One GPU's stream and buffers, made and used with that GPU current.
struct gpu_buffers {
  explicit gpu_buffers(int gpu, std::size_t words)
      : device(gpu), source(words, s), destination(words, s), mismatches(1, s) {
    fill_pattern_async(source.data(), words, salt_of(gpu), s);
    synchronize(s);
  }
  int device;
  stream s;  // declared before the buffers: they are freed on it
  device_buffer<std::uint32_t> source;
  device_buffer<std::uint32_t> destination;
  device_buffer<unsigned long long> mismatches;
};

// Sets the first `words` words of `to`'s destination to 0xFFFFFFFF and waits.
void poison(gpu_buffers& to, std::size_t words) {
  const scoped_device on(to.device);
  GPULAB_CUDA_TRY(cudaMemsetAsync(to.destination.data(), 0xFF, words * sizeof(std::uint32_t), to.s.get()));
  synchronize(to.s);
}

// The words of `to`'s destination [0, words) that are not GPU `from`'s pattern.
std::size_t mismatches(gpu_buffers& to, std::size_t words, int from) {
  const scoped_device on(to.device);
  to.mismatches.fill_bytes_async(0, to.s);
  count_pattern_mismatches_async(to.destination.data(), words, salt_of(from), to.mismatches.data(), to.s);
  unsigned long long count = 0;
  copy_to_host_async<unsigned long long>(to.mismatches, std::span<unsigned long long>(&count, 1), to.s);
  synchronize(to.s);
  return static_cast<std::size_t>(count);
}

// `bytes` of `from`'s source into `to`'s destination, queued on `s`.
void copy_peer(const gpu_buffers& from, gpu_buffers& to, std::size_t bytes, cuda::stream_ref s) {
  GPULAB_CUDA_TRY(
      cudaMemcpyPeerAsync(to.destination.data(), to.device, from.source.data(), from.device, bytes, s.get()));
}

double median_ms(cuda::stream_ref s, int repeats, const std::function<void()>& work) {
  return summarize(time_on_stream(s, 2, repeats, work)).median_ms;
}

double gigabytes_per_second(std::size_t bytes, double ms) { return ms > 0 ? static_cast<double>(bytes) / (ms * 1e-3) / 1e9 : 0.0; }

// One matrix: `value(pair)` in each cell, "-" where `shown(pair)` is false.
std::string matrix(const p2p_report& r, const std::string& title, const char* cell_format,
                   const std::function<double(const p2p_pair&)>& value,
                   const std::function<bool(const p2p_pair&)>& shown) {
  std::string text = title + "\n      ";
  for (int j = 0; j < r.gpus; ++j) text += format_printf("  %10s", ("to gpu " + std::to_string(j)).c_str());
  text += "\n";
  for (int i = 0; i < r.gpus; ++i) {
    text += format_printf("gpu %-2d", i);
    for (int j = 0; j < r.gpus; ++j) {
      const p2p_pair& p = r.at(i, j);
      text += shown(p) ? format_printf(cell_format, value(p)) : format_printf("  %10s", "-");
    }
    text += "\n";
  }
  return text;
}

}  // namespace

bool p2p_report::verified() const {
  for (const p2p_pair& p : pairs) {
    if (!p.verified()) return false;
  }
  return !pairs.empty();
}

p2p_report measure_p2p(const p2p_options& options) {
  if (options.bytes == 0 || options.bytes % sizeof(std::uint32_t) != 0) {
    throw usage_error("--bytes: " + std::to_string(options.bytes) + " is not a positive multiple of 4 bytes");
  }
  if (options.repeats < 1 || options.latency_copies < 1) throw usage_error("p2p: repeats and latency copies must be >= 1");
  const int gpus = device_count();
  if (gpus == 0) throw no_device_error("p2p: no GPU visible (" + no_device_reason() + ")");
  const std::size_t words = options.bytes / sizeof(std::uint32_t);

  std::vector<std::unique_ptr<gpu_buffers>> g;
  for (int d = 0; d < gpus; ++d) {
    const scoped_device on(d);
    require_device_memory(2 * options.bytes, "two P2P test buffers on GPU " + std::to_string(d));
    g.push_back(std::make_unique<gpu_buffers>(d, words));
  }
  // Peer access, where a pair has it: then copies go GPU to GPU (NVLink or PCIe)
  // instead of through host memory. Enabled once for the process's life.
  std::vector<bool> peer(static_cast<std::size_t>(gpus * gpus), false);
  for (int i = 0; i < gpus; ++i) {
    for (int j = 0; j < gpus; ++j) {
      if (i == j) continue;
      int can = 0;
      GPULAB_CUDA_TRY(cudaDeviceCanAccessPeer(&can, i, j));
      if (can == 0) continue;
      const scoped_device on(i);
      const cudaError_t status = cudaDeviceEnablePeerAccess(j, 0);
      if (status == cudaErrorPeerAccessAlreadyEnabled) {
        (void)cudaGetLastError();  // enabled before (an earlier call): fine
      } else {
        GPULAB_CUDA_TRY(status);
      }
      peer[static_cast<std::size_t>(i * gpus + j)] = true;
    }
  }

  p2p_report report;
  report.gpus = gpus;
  report.options = options;
  for (int i = 0; i < gpus; ++i) {
    for (int j = 0; j < gpus; ++j) {
      gpu_buffers& a = *g[static_cast<std::size_t>(i)];
      gpu_buffers& b = *g[static_cast<std::size_t>(j)];
      p2p_pair pair;
      pair.from = i;
      pair.to = j;
      pair.peer_access = peer[static_cast<std::size_t>(i * gpus + j)];

      // One way, queued on the source GPU's stream: poisoned, copied, checked,
      // timed, checked again.
      const auto one_way = [&] { copy_peer(a, b, options.bytes, a.s); };
      poison(b, words);
      {
        const scoped_device on(i);
        one_way();
        synchronize(a.s);
      }
      pair.differing += mismatches(b, words, i);
      {
        const scoped_device on(i);
        pair.one_way_gbs = gigabytes_per_second(options.bytes, median_ms(a.s, options.repeats, one_way));
      }
      pair.differing += mismatches(b, words, i);

      // Both ways at once: j -> i on GPU j's stream starts with i -> j (an event
      // forks it off GPU i's stream) and GPU i's stream waits for it to end.
      if (i != j) {
        std::optional<event> join;
        {
          const scoped_device on(j);
          join.emplace(cudaEventDisableTiming);  // on GPU j, where it is recorded
        }
        const scoped_device on(i);
        event fork_on_i(cudaEventDisableTiming);
        const auto both_ways = [&] {
          fork_on_i.record(a.s);
          GPULAB_CUDA_TRY(cudaStreamWaitEvent(b.s.get(), fork_on_i.get(), 0));
          copy_peer(a, b, options.bytes, a.s);
          copy_peer(b, a, options.bytes, b.s);
          join->record(b.s);
          GPULAB_CUDA_TRY(cudaStreamWaitEvent(a.s.get(), join->get(), 0));
        };
        poison(a, words);
        poison(b, words);
        both_ways();
        synchronize(a.s);
        pair.differing += mismatches(b, words, i) + mismatches(a, words, j);
        pair.both_ways_gbs = gigabytes_per_second(2 * options.bytes, median_ms(a.s, options.repeats, both_ways));
        pair.differing += mismatches(b, words, i) + mismatches(a, words, j);
      }

      // Latency: copies of one word, back to back; the mean time of one.
      poison(b, 1);
      {
        const scoped_device on(i);
        const double ms = median_ms(a.s, options.repeats, [&] {
          for (int k = 0; k < options.latency_copies; ++k) copy_peer(a, b, sizeof(std::uint32_t), a.s);
        });
        pair.latency_us = ms * 1e3 / options.latency_copies;
      }
      pair.differing += mismatches(b, 1, i);
      report.pairs.push_back(pair);
    }
  }
  return report;
}

std::string format_p2p_report(const p2p_report& r) {
  std::string text = format_printf(
      "P2P copies between %d GPU%s (cudaMemcpyPeerAsync, %zu bytes, median of %d; latency: "
      "%zu-byte copies, mean of %d in a row); the diagonal is a copy within one GPU\n",
      r.gpus, r.gpus == 1 ? "" : "s", r.options.bytes, r.options.repeats, sizeof(std::uint32_t),
      r.options.latency_copies);
  const auto always = [](const p2p_pair&) { return true; };
  text += matrix(r, "one way, GB/s (bytes copied / time)", "  %10.1f", [](const p2p_pair& p) { return p.one_way_gbs; },
                 always);
  if (r.gpus > 1) {
    text += matrix(
        r, "both ways at once, GB/s (2 x bytes / time)", "  %10.1f", [](const p2p_pair& p) { return p.both_ways_gbs; },
        [](const p2p_pair& p) { return p.from != p.to; });
  }
  text += matrix(r, "latency, us", "  %10.2f", [](const p2p_pair& p) { return p.latency_us; }, always);
  if (r.gpus == 1) text += "GPU i -> GPU j, i != j (one way, both ways, latency): needs 2 GPUs, 1 is visible\n";
  std::string no_peer;
  for (const p2p_pair& p : r.pairs) {
    if (p.from != p.to && !p.peer_access) no_peer += format_printf(" %d->%d", p.from, p.to);
  }
  if (!no_peer.empty()) text += "without peer access (through host memory):" + no_peer + "\n";
  std::size_t differing = 0;
  for (const p2p_pair& p : r.pairs) differing += p.differing;
  text += r.verified() ? "validation: every copy's destination equals its source's pattern (before and after timing)\n"
                       : format_printf("validation: FAILED: %zu words differ from their source's pattern\n", differing);
  return text;
}

std::string p2p_report_json(const p2p_report& r) {
  nlohmann::ordered_json json = {{"program", "gpulab-multigpu"},
                                 {"command", "p2p"},
                                 {"gpus", r.gpus},
                                 {"bytes", r.options.bytes},
                                 {"repeats", r.options.repeats},
                                 {"latency_copies", r.options.latency_copies},
                                 {"verified", r.verified()}};
  json["pairs"] = nlohmann::ordered_json::array();
  for (const p2p_pair& p : r.pairs) {
    nlohmann::ordered_json pair = {{"from", p.from},
                                   {"to", p.to},
                                   {"peer_access", p.peer_access},
                                   {"one_way_gbs", p.one_way_gbs},
                                   {"latency_us", p.latency_us},
                                   {"differing_words", p.differing}};
    if (p.from != p.to) pair["both_ways_gbs"] = p.both_ways_gbs;
    json["pairs"].push_back(pair);
  }
  return json.dump(2) + "\n";
}

}  // namespace gpulab::multigpu

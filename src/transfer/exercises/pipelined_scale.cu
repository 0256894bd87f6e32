// SPDX-License-Identifier: MIT
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <vector>

#include "check_helpers.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/transfer/exercises/pipelined_scale.hpp"
#include "gpulab/transfer/kernels.hpp"
#include "kernels/transfer/exercises/pipelined_scale.cuh"

namespace gpulab::exercises {

namespace reference {
// [snippet:pipelined_scale_reference]
void pipelined_scale(std::span<const float> host_in, std::span<float> host_out, cuda::std::span<float> device,
                     float factor, int chunks, std::span<const cuda::stream_ref> streams) {
  const std::size_t n = host_in.size();
  const std::size_t chunk_size = (n + chunks - 1) / chunks;  // round up: the last chunk may be shorter
  for (int c = 0; c < chunks; ++c) {
    const std::size_t begin = c * chunk_size;
    if (begin >= n) break;
    const std::size_t count = std::min(chunk_size, n - begin);
    const cuda::stream_ref s = streams[c % streams.size()];
    GPULAB_CUDA_TRY(cudaMemcpyAsync(device.data() + begin, host_in.data() + begin, count * sizeof(float),
                                    cudaMemcpyHostToDevice, s.get()));
    const cuda::std::span<float> piece(device.data() + begin, count);
    transfer::scale_async(piece, piece, factor, s);
    GPULAB_CUDA_TRY(cudaMemcpyAsync(host_out.data() + begin, device.data() + begin, count * sizeof(float),
                                    cudaMemcpyDeviceToHost, s.get()));
  }
  for (const cuda::stream_ref s : streams) GPULAB_CUDA_TRY(cudaStreamSynchronize(s.get()));
}
// [/snippet:pipelined_scale_reference]
}  // namespace reference

namespace {

struct config {
  std::size_t n;
  int chunks;
  int streams;
};

std::string describe(const config& c) {
  return "n = " + std::to_string(c.n) + ", " + std::to_string(c.chunks) + " chunks, " + std::to_string(c.streams) +
         " streams";
}

constexpr std::size_t guard = 64;  // poisoned elements past the end of each buffer
constexpr float factor = 0.31f;    // the course's alpha

std::uint32_t bits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

struct pipeline_inputs {
  pinned_buffer<float> in, out;
  device_buffer<float> device;
  std::vector<stream> owners;
  std::vector<cuda::stream_ref> refs;
  pipeline_inputs(const config& c, std::uint64_t seed, cuda::stream_ref s)
      : in(c.n), out(c.n + guard), device(c.n + guard, s) {
    fill_uniform(in.span(), seed, -100.0f, 100.0f);
    for (int i = 0; i < c.streams; ++i) owners.emplace_back();
    for (const stream& o : owners) refs.push_back(o.ref());
  }
  void poison(cuda::stream_ref s) {
    std::memset(out.data(), 0xFF, out.bytes());
    device.fill_bytes_async(0xFF, s);
    synchronize(s);
  }
  void run(pipelined_scale_fn fn, const config& c) {
    fn(in.span(), std::span<float>(out.data(), c.n), cuda::std::span<float>(device.data(), c.n), factor, c.chunks,
       refs);
  }
  // Reads host_out right away, without synchronising: if the candidate returned
  // before its copies finished, this sees poison.
  std::string inspect(const config& c) const {
    for (std::size_t i = 0; i < c.n; ++i) {
      const float expected = factor * in.data()[i];
      if (bits(out.data()[i]) != bits(expected)) {
        const bool unwritten = bits(out.data()[i]) == 0xFFFFFFFFu;
        return "element " + std::to_string(i) + " is " + (unwritten ? std::string("unwritten (poison)") :
                                                                      std::to_string(out.data()[i])) +
               ", expected " + std::to_string(expected);
      }
    }
    for (std::size_t i = c.n; i < c.n + guard; ++i) {
      if (bits(out.data()[i]) != 0xFFFFFFFFu) return "wrote past the end of host_out";
    }
    return "";
  }
  void settle() {
    for (const stream& o : owners) o.synchronize();  // leave nothing running before the buffers go
  }
};

// For a wrong host_out, what it is once the streams finished (`settled`, from
// inspect): right (the candidate returned before its copies landed, a race with
// its caller) or still unwritten (a chunk never copied back).
std::string settled_hint(const std::string& settled) {
  if (settled.empty()) {
    return "; right only once the streams finished: it returned before its copies landed (wait for every stream)";
  }
  if (settled.find("unwritten") != std::string::npos) {
    return "; still unwritten after the streams finished (a chunk skipped?)";
  }
  return "";
}
}  // namespace

check_report check_pipelined_scale(pipelined_scale_fn candidate, const check_options& options) {
  check_report report = start_check("pipelined_scale", options);
  stream s;
  const config configs[] = {{1, 1, 1}, {31, 3, 2}, {1000, 7, 3}, {1000003, 8, 4}, {(1u << 22) + 7, 5, 3},
                            {(1u << 24) + 1, 8, 4}};
  std::uint64_t seed = options.seed;
  for (const config& c : configs) {
    pipeline_inputs inputs(c, ++seed, s);
    inputs.poison(s);
    try {
      inputs.run(candidate, c);
      std::string problem = inputs.inspect(c);
      inputs.settle();
      // Wrong when it returned: was it only early (a race with the caller) or is it still wrong?
      if (!problem.empty()) problem += settled_hint(inputs.inspect(c));
      report.record(problem.empty(), describe(c) + (problem.empty() ? "" : ": " + problem));
    } catch (const cuda_error& e) {
      report.record(false, describe(c) + ": CUDA error: " + e.what());
      return report;
    }
  }
  // Time (host clock: the function itself waits for its streams) at the largest size.
  const config big = configs[std::size(configs) - 1];
  pipeline_inputs inputs(big, ++seed, s);
  auto time_it = [&](pipelined_scale_fn fn) {
    std::vector<double> ms;
    for (int r = 0; r < 7; ++r) {
      const auto start = std::chrono::steady_clock::now();
      inputs.run(fn, big);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      inputs.settle();
    }
    return summarize(ms).median_ms;
  };
  inputs.poison(s);
  report.candidate_ms = time_it(candidate);
  const std::string after = inputs.inspect(big);  // time_it waited for the streams
  report.record(after.empty(),
                "after timing, " + describe(big) + (after.empty() ? "" : ": " + after + settled_hint(after)));
  report.reference_ms = time_it(reference::pipelined_scale);
  return report;
}

}  // namespace gpulab::exercises

// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/collectives.hpp"

#include <algorithm>
#include <cstdio>

#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/multigpu/collective_data.hpp"

namespace gpulab::multigpu {

std::string to_string(collective op) {
  switch (op) {
    case collective::all_reduce: return "all_reduce";
    case collective::all_gather: return "all_gather";
    case collective::broadcast: return "broadcast";
    case collective::reduce_scatter: return "reduce_scatter";
  }
  return "?";
}

const std::vector<collective>& all_collectives() {
  static const std::vector<collective> all = {collective::all_reduce, collective::all_gather, collective::broadcast,
                                              collective::reduce_scatter};
  return all;
}

double bus_bandwidth_factor(collective op, int ranks) {
  const double n = ranks;
  switch (op) {
    case collective::all_reduce: return 2.0 * (n - 1.0) / n;
    case collective::all_gather:
    case collective::reduce_scatter: return (n - 1.0) / n;
    case collective::broadcast: return 1.0;
  }
  return 0.0;
}

std::vector<std::size_t> collective_sizes(std::size_t max_bytes) {
  std::vector<std::size_t> sizes;
  for (std::size_t bytes = 8; bytes <= max_bytes; bytes *= 2) sizes.push_back(bytes);
  if (sizes.empty() || sizes.back() != max_bytes) sizes.push_back(max_bytes);
  return sizes;
}

collective_row run_collective(collective op, std::size_t bytes, communicator& comm, cuda::stream_ref s, int repeats,
                              std::uint64_t seed, int warm_up) {
  const int n = comm.size();
  const auto ranks = static_cast<std::size_t>(n);
  const bool whole_buffer = op == collective::all_gather || op == collective::reduce_scatter;
  collective_row row;
  row.op = op;
  row.count = bytes / sizeof(float) / (whole_buffer ? ranks : 1);  // the per-rank (smaller) buffer
  row.bytes = row.count * sizeof(float) * (whole_buffer ? ranks : 1);
  if (row.count == 0) return row;

  // Inputs: this rank's seeded values (reduce_scatter: its whole buffer); outputs poisoned.
  const std::size_t in_count = op == collective::reduce_scatter ? row.count * ranks : row.count;
  const std::size_t out_count = op == collective::all_gather ? row.count * ranks : row.count;
  const int root = n - 1;
  device_buffer<float> in(in_count, s);
  device_buffer<float> out(out_count, s);
  copy_to_device_async<float>(contributions<float>(seed, comm.rank(), in_count), in, s);
  out.fill_bytes_async(0xFF, s);
  if (op == collective::broadcast && comm.rank() == root) copy_to_device_async<float>(contributions<float>(seed, root, out_count), out, s);
  const auto run = [&] {
    switch (op) {
      case collective::all_reduce: comm.all_reduce_async(in.data(), out.data(), row.count, reduce_op::sum, s); break;
      case collective::all_gather: comm.all_gather_async(in.data(), out.data(), row.count, s); break;
      case collective::broadcast: comm.broadcast_async(out.data(), row.count, root, s); break;
      case collective::reduce_scatter:
        comm.reduce_scatter_async(in.data(), out.data(), row.count, reduce_op::sum, s);
        break;
    }
  };
  const double mine = summarize(time_on_stream(s, warm_up, repeats, run)).median_ms;
  row.median_ms = all_reduce_value(comm, mine, reduce_op::max, s);

  std::vector<float> actual(out_count);
  copy_to_host_async<float>(out, actual, s);
  synchronize(s);
  std::vector<float> expected;
  switch (op) {
    case collective::all_reduce: expected = expected_reduction<float>(seed, n, row.count, reduce_op::sum); break;
    case collective::all_gather: expected = expected_all_gather<float>(seed, n, row.count); break;
    case collective::broadcast: expected = contributions<float>(seed, root, row.count); break;
    case collective::reduce_scatter:
      expected = expected_reduction<float>(seed, n, row.count, reduce_op::sum, comm.rank() * row.count);
      break;
  }
  row.differing = static_cast<std::size_t>(all_reduce_value(
      comm, static_cast<std::int64_t>(count_differences(expected, actual)), reduce_op::sum, s));
  row.algbw_gbs = row.median_ms > 0.0 ? static_cast<double>(row.bytes) / (row.median_ms * 1e-3) / 1e9 : 0.0;
  row.busbw_gbs = row.algbw_gbs * bus_bandwidth_factor(op, n);
  return row;
}

std::string collectives_table_header() {
  char line[160];
  std::snprintf(line, sizeof line, "%-14s  %12s  %11s  %10s  %10s  %10s  %8s", "collective", "size (B)", "count",
                "time (us)", "algbw GB/s", "busbw GB/s", "verified");
  return line;
}

std::string format_collective_row(const collective_row& r) {
  char line[160];
  std::snprintf(line, sizeof line, "%-14s  %12zu  %11zu  %10.2f  %10.2f  %10.2f  %8s", to_string(r.op).c_str(),
                r.bytes, r.count, r.median_ms * 1e3, r.algbw_gbs, r.busbw_gbs, r.verified() ? "yes" : "NO");
  return line;
}

}  // namespace gpulab::multigpu

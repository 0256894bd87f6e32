// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/all_reduce_versions.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "gpulab/bench/statistics.hpp"
#include "gpulab/core/event.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/multigpu/collective_data.hpp"
#include "gpulab/multigpu/collectives.hpp"
#include "gpulab/multigpu/mpi_session.hpp"

namespace gpulab::multigpu {

namespace {

// The differing elements of `out` against the expected sum, over all ranks.
std::size_t differing_elements(const device_buffer<float>& out, std::uint64_t seed, communicator& comm,
                               cuda::stream_ref s) {
  std::vector<float> actual(out.size());
  copy_to_host_async<float>(out, actual, s);
  synchronize(s);
  const std::size_t mine =
      count_differences(expected_reduction<float>(seed, comm.size(), out.size(), reduce_op::sum), actual);
  return static_cast<std::size_t>(all_reduce_value(comm, static_cast<std::int64_t>(mine), reduce_op::sum, s));
}

}  // namespace

all_reduce_row run_all_reduce_version(const std::string& version, const all_reduce_call& call, communicator& comm,
                                      std::size_t count, cuda::stream_ref s, int repeats, std::uint64_t seed) {
  // Ranks with different counts would exchange chunks of different lengths and
  // wait for each other forever: refused on every rank first.
  const auto smallest = all_reduce_value(comm, static_cast<std::int64_t>(count), reduce_op::min, s);
  const auto largest = all_reduce_value(comm, static_cast<std::int64_t>(count), reduce_op::max, s);
  if (smallest != largest) {
    throw all_ranks_error("allreduce: the ranks have different element counts (" + std::to_string(smallest) + " to " +
                              std::to_string(largest) + "): every rank must reduce the same count",
                          exit_code::usage);
  }
  all_reduce_row row;
  row.version = version;
  row.ran = true;
  row.count = count;
  row.bytes = count * sizeof(float);
  if (count == 0) return row;

  device_buffer<float> in(count, s);
  device_buffer<float> out(count, s);
  copy_to_device_async<float>(contributions<float>(seed, comm.rank(), count), in, s);
  out.fill_bytes_async(0xFF, s);  // NaN: an element no version writes fails
  call(in.data(), out.data(), count, s);
  row.differing = differing_elements(out, seed, comm, s);

  const auto run = [&] { call(in.data(), out.data(), count, s); };
  const double mine = summarize(time_on_stream(s, 2, repeats, run)).median_ms;
  row.median_ms = all_reduce_value(comm, mine, reduce_op::max, s);
  row.differing += differing_elements(out, seed, comm, s);  // re-verified after timing
  row.algbw_gbs = row.median_ms > 0.0 ? static_cast<double>(row.bytes) / (row.median_ms * 1e-3) / 1e9 : 0.0;
  row.busbw_gbs = row.algbw_gbs * bus_bandwidth_factor(collective::all_reduce, comm.size());
  return row;
}

all_reduce_row not_run(const std::string& version, const std::string& why) {
  all_reduce_row row;
  row.version = version;
  row.not_run_because = why;
  return row;
}

std::string all_reduce_table_header() {
  char line[200];
  std::snprintf(line, sizeof line, "%-22s  %12s  %10s  %10s  %10s  %8s", "version", "size (B)", "time (us)",
                "algbw GB/s", "busbw GB/s", "verified");
  return line;
}

std::string format_all_reduce_row(const all_reduce_row& r) {
  char line[400];
  if (!r.ran) {
    std::snprintf(line, sizeof line, "%-22s  %s", r.version.c_str(), r.not_run_because.c_str());
    return line;
  }
  std::snprintf(line, sizeof line, "%-22s  %12zu  %10.2f  %10.2f  %10.2f  %8s", r.version.c_str(), r.bytes,
                r.median_ms * 1e3, r.algbw_gbs, r.busbw_gbs, r.verified() ? "yes" : "NO");
  return line;
}

std::string all_reduce_json(const std::vector<all_reduce_row>& rows, int ranks) {
  nlohmann::ordered_json json = {{"program", "gpulab-multigpu"}, {"command", "allreduce"}, {"ranks", ranks}};
  json["rows"] = nlohmann::ordered_json::array();
  for (const all_reduce_row& r : rows) {
    if (!r.ran) {
      json["rows"].push_back({{"version", r.version}, {"ran", false}, {"why_not", r.not_run_because}});
      continue;
    }
    json["rows"].push_back({{"version", r.version},
                            {"ran", true},
                            {"bytes", r.bytes},
                            {"count", r.count},
                            {"median_ms", r.median_ms},
                            {"algbw_gbs", r.algbw_gbs},
                            {"busbw_gbs", r.busbw_gbs},
                            {"differing", r.differing},
                            {"verified", r.verified()}});
  }
  return json.dump(2) + "\n";
}

}  // namespace gpulab::multigpu

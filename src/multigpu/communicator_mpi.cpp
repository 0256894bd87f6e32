// SPDX-License-Identifier: MIT
// The MPI backend of the communicator (communicator.hpp): host-staged through
// pinned buffers, or on device pointers when MPI is CUDA-aware.
#include <mpi.h>
#if __has_include(<mpi-ext.h>)
#include <mpi-ext.h>  // OpenMPI: MPIX_CUDA_AWARE_SUPPORT, MPIX_Query_cuda_support()
#endif

#include <climits>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/multigpu/communicator.hpp"
#include "gpulab/multigpu/mpi_session.hpp"

namespace gpulab::multigpu {

std::string to_string(element_type type) {
  switch (type) {
    case element_type::float32: return "float32";
    case element_type::float64: return "float64";
    case element_type::int32: return "int32";
    case element_type::int64: return "int64";
  }
  return "?";
}

std::string to_string(reduce_op op) {
  switch (op) {
    case reduce_op::sum: return "sum";
    case reduce_op::min: return "min";
    case reduce_op::max: return "max";
  }
  return "?";
}

std::size_t size_of(element_type type) {
  return type == element_type::float32 || type == element_type::int32 ? 4 : 8;
}

cuda_aware_mpi query_cuda_aware_mpi() {
  cuda_aware_mpi answer;
#if defined(MPIX_CUDA_AWARE_SUPPORT)
  answer.can_ask = true;
  answer.built = MPIX_CUDA_AWARE_SUPPORT != 0;
  answer.at_run_time = answer.built && MPIX_Query_cuda_support() != 0;
#endif
  return answer;
}

std::string cuda_aware_mpi::describe() const {
  if (!can_ask) return "not known to be CUDA-aware (this MPI has no MPIX_Query_cuda_support): host-staged";
  if (!built) return "not CUDA-aware (built without CUDA support): host-staged";
  if (!at_run_time) return "CUDA-aware when built, but not in this run (MPIX_Query_cuda_support): host-staged";
  return "CUDA-aware (MPIX_Query_cuda_support): device pointers go to MPI directly";
}

namespace {

MPI_Datatype mpi_type(element_type type) {
  switch (type) {
    case element_type::float32: return MPI_FLOAT;
    case element_type::float64: return MPI_DOUBLE;
    case element_type::int32: return MPI_INT32_T;
    case element_type::int64: return MPI_INT64_T;
  }
  return MPI_DATATYPE_NULL;
}

MPI_Op mpi_op(reduce_op op) {
  switch (op) {
    case reduce_op::sum: return MPI_SUM;
    case reduce_op::min: return MPI_MIN;
    case reduce_op::max: return MPI_MAX;
  }
  return MPI_OP_NULL;
}

// MPI counts in int (OpenMPI 4 has no large-count calls).
int mpi_count(std::size_t count) {
  if (count > static_cast<std::size_t>(INT_MAX)) {
    throw usage_error(std::to_string(count) + " elements are too many for one MPI call (at most 2^31 - 1)");
  }
  return static_cast<int>(count);
}

void copy_async(void* to, const void* from, std::size_t bytes, cuda::stream_ref s) {
  if (bytes > 0) GPULAB_CUDA_TRY(cudaMemcpyAsync(to, from, bytes, cudaMemcpyDefault, s.get()));
}

// A send or a receive queued between group_start() and group_end().
struct point_to_point {
  void* data;  // device memory (const for a send)
  std::size_t count;
  element_type type;
  int peer;
  bool is_send;
  cuda::stream_ref stream;
};

class mpi_communicator final : public communicator {
 public:
  mpi_communicator(MPI_Comm comm, int rank, int size, int device, bool cuda_aware)
      : communicator(rank, size, device), comm_(comm), cuda_aware_(cuda_aware) {}
  ~mpi_communicator() override { MPI_Comm_free(&comm_); }

  [[nodiscard]] std::string backend() const override {
    return cuda_aware_ ? "mpi (CUDA-aware)" : "mpi (host-staged)";
  }

  void all_reduce_bytes_async(const void* send, void* recv, std::size_t count, element_type type, reduce_op op,
                              cuda::stream_ref s) override {
    const int n = mpi_count(count);
    const std::size_t bytes = count * size_of(type);
    staged(s, send, bytes, recv, bytes, [&](const void* in, void* out) {
      GPULAB_MPI_TRY(MPI_Allreduce(in == out ? MPI_IN_PLACE : in, out, n, mpi_type(type), mpi_op(op), comm_));
    });
  }

  void broadcast_bytes_async(void* data, std::size_t count, element_type type, int root, cuda::stream_ref s) override {
    const int n = mpi_count(count);
    const std::size_t bytes = count * size_of(type);
    // Only the root's data travels; the others' is overwritten.
    staged(s, rank() == root ? data : nullptr, rank() == root ? bytes : 0, data, bytes, [&](const void*, void* out) {
      GPULAB_MPI_TRY(MPI_Bcast(out, n, mpi_type(type), root, comm_));
    });
  }

  void all_gather_bytes_async(const void* send, void* recv, std::size_t count, element_type type,
                              cuda::stream_ref s) override {
    const int n = mpi_count(count);
    const std::size_t bytes = count * size_of(type);
    staged(s, send, bytes, recv, bytes * static_cast<std::size_t>(size()), [&](const void* in, void* out) {
      GPULAB_MPI_TRY(MPI_Allgather(in, n, mpi_type(type), out, n, mpi_type(type), comm_));
    });
  }

  void reduce_scatter_bytes_async(const void* send, void* recv, std::size_t count, element_type type, reduce_op op,
                                  cuda::stream_ref s) override {
    const int n = mpi_count(count);
    const std::size_t bytes = count * size_of(type);
    staged(s, send, bytes * static_cast<std::size_t>(size()), recv, bytes, [&](const void* in, void* out) {
      GPULAB_MPI_TRY(MPI_Reduce_scatter_block(in, out, n, mpi_type(type), mpi_op(op), comm_));
    });
  }

  void send_bytes_async(const void* data, std::size_t count, element_type type, int peer,
                        cuda::stream_ref s) override {
    queue({const_cast<void*>(data), count, type, peer, true, s});  // only read
  }
  void recv_bytes_async(void* data, std::size_t count, element_type type, int peer, cuda::stream_ref s) override {
    queue({data, count, type, peer, false, s});
  }

  void barrier_async(cuda::stream_ref s) override {
    synchronize(s);
    GPULAB_MPI_TRY(MPI_Barrier(comm_));
  }

  void group_start() override {
    if (grouping_) throw error("communicator: group_start() inside a group");
    grouping_ = true;
  }

  // The group's sends and receives, all started at once: their device data
  // staged (or not, CUDA-aware), MPI_Irecv and MPI_Isend, MPI_Waitall.
  void group_end() override {
    if (!grouping_) throw error("communicator: group_end() without group_start()");
    grouping_ = false;
    std::vector<point_to_point> calls = std::exchange(group_, {});
    std::size_t total = 0;
    for (const point_to_point& c : calls) total += c.count * size_of(c.type);
    if (!cuda_aware_) reserve(send_stage_, total);
    std::vector<void*> buffers;
    std::size_t offset = 0;
    for (const point_to_point& c : calls) {
      void* buffer = c.data;
      if (!cuda_aware_) {
        buffer = send_stage_.data() + offset;
        if (c.is_send) copy_async(buffer, c.data, c.count * size_of(c.type), c.stream);
        offset += c.count * size_of(c.type);
      }
      buffers.push_back(buffer);
    }
    for (const point_to_point& c : calls) synchronize(c.stream);  // the staged sends, or the device data, are ready
    std::vector<MPI_Request> requests(calls.size(), MPI_REQUEST_NULL);
    // The tag is the element type: a send and a receive match when they agree on it.
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const point_to_point& c = calls[i];
      const int tag = static_cast<int>(c.type);
      if (c.is_send) {
        GPULAB_MPI_TRY(MPI_Isend(buffers[i], mpi_count(c.count), mpi_type(c.type), c.peer, tag, comm_, &requests[i]));
      } else {
        GPULAB_MPI_TRY(MPI_Irecv(buffers[i], mpi_count(c.count), mpi_type(c.type), c.peer, tag, comm_, &requests[i]));
      }
    }
    GPULAB_MPI_TRY(MPI_Waitall(static_cast<int>(requests.size()), requests.data(), MPI_STATUSES_IGNORE));
    for (std::size_t i = 0; i < calls.size(); ++i) {
      const point_to_point& c = calls[i];
      if (!c.is_send && !cuda_aware_) copy_async(c.data, buffers[i], c.count * size_of(c.type), c.stream);
    }
    for (const point_to_point& c : calls) synchronize(c.stream);  // the stage may be reused by the next call
  }

 private:
  static void reserve(pinned_buffer<std::byte>& stage, std::size_t bytes) {
    if (stage.size() < bytes) stage = pinned_buffer<std::byte>(bytes);
  }

  // A send or receive outside a group is a group of one.
  void queue(const point_to_point& call) {
    if (grouping_) {
      group_.push_back(call);
      return;
    }
    group_start();
    group_.push_back(call);
    group_end();
  }

  // Runs `mpi(in, out)` on the device data itself (CUDA-aware), or on pinned
  // copies: `in_bytes` of `in` copied to the host first, `out_bytes` copied back
  // to `out` after. In place (in == out) stays in place.
  template <class Call>
  void staged(cuda::stream_ref s, const void* in, std::size_t in_bytes, void* out, std::size_t out_bytes,
              const Call& mpi) {
    synchronize(s);  // the device data is written
    if (cuda_aware_) {
      mpi(in, out);
      return;
    }
    reserve(send_stage_, in_bytes);
    reserve(recv_stage_, out_bytes);
    std::byte* host_in = in == out ? recv_stage_.data() : send_stage_.data();  // in place stays in place
    copy_async(host_in, in, in_bytes, s);
    synchronize(s);
    mpi(host_in, recv_stage_.data());
    copy_async(out, recv_stage_.data(), out_bytes, s);
    synchronize(s);  // before the stage is reused
  }

  MPI_Comm comm_;
  bool cuda_aware_;
  bool grouping_ = false;
  std::vector<point_to_point> group_;
  pinned_buffer<std::byte> send_stage_;
  pinned_buffer<std::byte> recv_stage_;
};

}  // namespace

std::unique_ptr<communicator> make_mpi_communicator(MPI_Comm comm, bool allow_cuda_aware) {
  int device = 0;
  GPULAB_CUDA_TRY(cudaGetDevice(&device));
  MPI_Comm own = MPI_COMM_NULL;
  GPULAB_MPI_TRY(MPI_Comm_dup(comm, &own));
  int rank = 0;
  int size = 0;
  GPULAB_MPI_TRY(MPI_Comm_rank(own, &rank));
  GPULAB_MPI_TRY(MPI_Comm_size(own, &size));
  const bool cuda_aware = allow_cuda_aware && query_cuda_aware_mpi().usable();
  return std::make_unique<mpi_communicator>(own, rank, size, device, cuda_aware);
}

}  // namespace gpulab::multigpu

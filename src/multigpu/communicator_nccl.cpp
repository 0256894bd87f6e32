// SPDX-License-Identifier: MIT
// The NCCL backend of the communicator (communicator.hpp): one ncclComm_t per
// GPU; every call only queues NCCL's kernels on the stream.
#include <nccl.h>

#include <string>
#include <utility>

#include "gpulab/core/device.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/multigpu/communicator.hpp"
#include "gpulab/multigpu/device_assignment.hpp"
#include "gpulab/multigpu/mpi_session.hpp"

namespace gpulab::multigpu {

namespace {

ncclDataType_t nccl_type(element_type type) {
  switch (type) {
    case element_type::float32: return ncclFloat32;
    case element_type::float64: return ncclFloat64;
    case element_type::int32: return ncclInt32;
    case element_type::int64: return ncclInt64;
  }
  return ncclFloat32;
}

ncclRedOp_t nccl_op(reduce_op op) {
  switch (op) {
    case reduce_op::sum: return ncclSum;
    case reduce_op::min: return ncclMin;
    case reduce_op::max: return ncclMax;
  }
  return ncclSum;
}

class nccl_communicator final : public communicator {
 public:
  nccl_communicator(ncclComm_t comm, int rank, int size, int device)
      : communicator(rank, size, device), comm_(comm) {}
  ~nccl_communicator() override { (void)ncclCommDestroy(comm_); }

  [[nodiscard]] std::string backend() const override { return "nccl"; }

  void all_reduce_bytes_async(const void* send, void* recv, std::size_t count, element_type type, reduce_op op,
                              cuda::stream_ref s) override {
    GPULAB_NCCL_TRY(ncclAllReduce(send, recv, count, nccl_type(type), nccl_op(op), comm_, s.get()));
  }
  void broadcast_bytes_async(void* data, std::size_t count, element_type type, int root, cuda::stream_ref s) override {
    GPULAB_NCCL_TRY(ncclBroadcast(data, data, count, nccl_type(type), root, comm_, s.get()));
  }
  void all_gather_bytes_async(const void* send, void* recv, std::size_t count, element_type type,
                              cuda::stream_ref s) override {
    GPULAB_NCCL_TRY(ncclAllGather(send, recv, count, nccl_type(type), comm_, s.get()));
  }
  void reduce_scatter_bytes_async(const void* send, void* recv, std::size_t count, element_type type, reduce_op op,
                                  cuda::stream_ref s) override {
    GPULAB_NCCL_TRY(ncclReduceScatter(send, recv, count, nccl_type(type), nccl_op(op), comm_, s.get()));
  }
  void send_bytes_async(const void* data, std::size_t count, element_type type, int peer,
                        cuda::stream_ref s) override {
    GPULAB_NCCL_TRY(ncclSend(data, count, nccl_type(type), peer, comm_, s.get()));
  }
  void recv_bytes_async(void* data, std::size_t count, element_type type, int peer, cuda::stream_ref s) override {
    GPULAB_NCCL_TRY(ncclRecv(data, count, nccl_type(type), peer, comm_, s.get()));
  }
  // NCCL has no barrier: an all_reduce of one word is one (no rank leaves it before all arrived).
  void barrier_async(cuda::stream_ref s) override {
    if (barrier_word_.size() == 0) barrier_word_ = device_buffer<int>(1, own_stream_);
    GPULAB_NCCL_TRY(ncclAllReduce(barrier_word_.data(), barrier_word_.data(), 1, ncclInt32, ncclSum, comm_, s.get()));
  }
  void group_start() override { GPULAB_NCCL_TRY(ncclGroupStart()); }
  void group_end() override { GPULAB_NCCL_TRY(ncclGroupEnd()); }

 private:
  ncclComm_t comm_;
  stream own_stream_;  // allocates and frees barrier_word_ (declared first: destroyed after it)
  device_buffer<int> barrier_word_;
};

}  // namespace

std::unique_ptr<communicator> make_nccl_communicator(MPI_Comm comm, int node_rank, int node_size) {
  int rank = 0;
  int size = 0;
  GPULAB_MPI_TRY(MPI_Comm_rank(comm, &rank));
  GPULAB_MPI_TRY(MPI_Comm_size(comm, &size));
  // Refused on every rank before any NCCL call: ncclCommInitRank with two ranks
  // on one GPU would wait forever. Rank 0's unique id is agreed on the same way,
  // so that no rank waits in the broadcast for a rank 0 that failed.
  int device = 0;
  ncclUniqueId id{};
  agree_or_throw(comm, [&] {
    device = device_for_node_rank(node_rank, node_size, device_count());
    select_device(device);
    if (rank == 0) GPULAB_NCCL_TRY(ncclGetUniqueId(&id));
  });
  GPULAB_MPI_TRY(MPI_Bcast(&id, static_cast<int>(sizeof id), MPI_BYTE, 0, comm));
  // A rank that fails from here on stops the others with MPI_Abort (mpi_main).
  ncclComm_t nccl = nullptr;
  GPULAB_NCCL_TRY(ncclCommInitRank(&nccl, size, id, rank));
  return std::make_unique<nccl_communicator>(nccl, rank, size, device);
}

std::vector<std::unique_ptr<communicator>> make_nccl_communicators(const std::vector<int>& devices) {
  if (devices.empty()) throw usage_error("make_nccl_communicators: no device");
  for (const int d : devices) require_device_index(d);
  std::vector<ncclComm_t> comms(devices.size(), nullptr);
  GPULAB_NCCL_TRY(ncclCommInitAll(comms.data(), static_cast<int>(devices.size()), devices.data()));
  std::vector<std::unique_ptr<communicator>> result;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    select_device(devices[i]);  // each communicator's helper stream on its own device
    result.push_back(
        std::make_unique<nccl_communicator>(comms[i], static_cast<int>(i), static_cast<int>(devices.size()), devices[i]));
  }
  return result;
}

void in_nccl_group(const std::function<void()>& calls) {
  GPULAB_NCCL_TRY(ncclGroupStart());
  calls();
  GPULAB_NCCL_TRY(ncclGroupEnd());
}

bool built_with_nccl() { return true; }

std::string nccl_version() {
  int version = 0;
  GPULAB_NCCL_TRY(ncclGetVersion(&version));
  return std::to_string(version / 10000) + "." + std::to_string(version / 100 % 100) + "." +
         std::to_string(version % 100);
}

}  // namespace gpulab::multigpu

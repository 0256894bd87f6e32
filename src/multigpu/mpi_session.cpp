// SPDX-License-Identifier: MIT
#include "gpulab/multigpu/mpi_session.hpp"

#include <iostream>
#include <optional>
#include <vector>

namespace gpulab::multigpu {

namespace {

std::string mpi_error_text(int status) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  if (MPI_Error_string(status, text, &length) != MPI_SUCCESS) return "MPI error " + std::to_string(status);
  return std::string(text, static_cast<std::size_t>(length));
}

// The line every rank's error starts with: "gpulab-multigpu: rank 2: error: ...",
// written at once, so that the lines of ranks failing together do not interleave.
void print_error(const std::string& program, int rank, const std::string& kind, const std::string& what) {
  const std::string line = program + ": rank " + std::to_string(rank) + ": " + kind + ": " + what + "\n";
  std::cerr << line << std::flush;
}

}  // namespace

mpi_error::mpi_error(int status, const char* call, const char* file, int line)
    : error(std::string(file) + ":" + std::to_string(line) + ": MPI call `" + call +
                "` failed: " + mpi_error_text(status),
            exit_code::mpi),
      status_(status) {}

namespace detail {
void throw_mpi_error(int status, const char* call, const char* file, int line) {
  throw mpi_error(status, call, file, line);
}
}  // namespace detail

mpi_session::mpi_session(int& argc, char**& argv) {
  int initialized = 0;
  GPULAB_MPI_TRY(MPI_Initialized(&initialized));
  if (initialized != 0) throw error("MPI is already initialized: make one mpi_session per process");
  // FUNNELED: threads may exist (OpenMP, CUDA's), but only the main thread calls MPI.
  int provided = 0;
  GPULAB_MPI_TRY(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided));
  GPULAB_MPI_TRY(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  GPULAB_MPI_TRY(MPI_Comm_rank(MPI_COMM_WORLD, &rank_));
  GPULAB_MPI_TRY(MPI_Comm_size(MPI_COMM_WORLD, &size_));
  // The processes that share memory are those of one node.
  GPULAB_MPI_TRY(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node_));
  GPULAB_MPI_TRY(MPI_Comm_rank(node_, &node_rank_));
  GPULAB_MPI_TRY(MPI_Comm_size(node_, &node_size_));
}

mpi_session::~mpi_session() {
  if (node_ != MPI_COMM_NULL) MPI_Comm_free(&node_);
  MPI_Finalize();  // a destructor never throws: a failure here has nobody left to tell
}

void check_same_on_every_rank(MPI_Comm comm, const std::string& option, const std::string& value) {
  int ranks = 0;
  GPULAB_MPI_TRY(MPI_Comm_size(comm, &ranks));
  // Every rank learns every rank's value: first the lengths, then the texts.
  const int length = static_cast<int>(value.size());
  std::vector<int> lengths(static_cast<std::size_t>(ranks));
  GPULAB_MPI_TRY(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, comm));
  std::vector<int> offsets(static_cast<std::size_t>(ranks), 0);
  for (std::size_t r = 1; r < offsets.size(); ++r) offsets[r] = offsets[r - 1] + lengths[r - 1];
  std::string all(static_cast<std::size_t>(offsets.back() + lengths.back()), '\0');
  GPULAB_MPI_TRY(
      MPI_Allgatherv(value.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, comm));
  const auto value_of = [&](int r) {
    return all.substr(static_cast<std::size_t>(offsets[r]), static_cast<std::size_t>(lengths[r]));
  };
  for (int r = 1; r < ranks; ++r) {
    if (value_of(r) != value_of(0)) {
      throw all_ranks_error("rank " + std::to_string(r) + " has " + option + " " + value_of(r) + ", rank 0 has " +
                                value_of(0) + ": every rank must be given the same " + option,
                            exit_code::usage);
    }
  }
}

void agree_or_throw(MPI_Comm comm, const std::function<void()>& check) {
  int rank = 0;
  int ranks = 0;
  GPULAB_MPI_TRY(MPI_Comm_rank(comm, &rank));
  GPULAB_MPI_TRY(MPI_Comm_size(comm, &ranks));
  std::string message;
  int code = 0;
  bool failed = false;
  try {
    check();
  } catch (const error& e) {
    failed = true;
    message = e.what();
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    failed = true;
    message = std::string("internal error: ") + e.what();
    code = static_cast<int>(exit_code::internal);
  }
  // The lowest rank that failed (ranks: none did) tells the others what happened.
  const int mine = failed ? rank : ranks;
  int first_failed = ranks;
  GPULAB_MPI_TRY(MPI_Allreduce(&mine, &first_failed, 1, MPI_INT, MPI_MIN, comm));
  if (first_failed == ranks) return;
  int length = static_cast<int>(message.size());
  GPULAB_MPI_TRY(MPI_Bcast(&code, 1, MPI_INT, first_failed, comm));
  GPULAB_MPI_TRY(MPI_Bcast(&length, 1, MPI_INT, first_failed, comm));
  message.resize(static_cast<std::size_t>(length));
  GPULAB_MPI_TRY(MPI_Bcast(message.data(), length, MPI_CHAR, first_failed, comm));
  const std::string where = ranks > 1 ? " (on rank " + std::to_string(first_failed) + ")" : "";
  throw all_ranks_error(message + where, static_cast<exit_code>(code));
}

bool any_rank(MPI_Comm comm, bool flag) {
  int mine = flag ? 1 : 0;
  int any = 0;
  GPULAB_MPI_TRY(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_LOR, comm));
  return any != 0;
}

int mpi_main(const std::string& program, int& argc, char**& argv, const std::function<int(mpi_session&)>& body) {
  std::optional<mpi_session> mpi;
  try {
    mpi.emplace(argc, argv);
  } catch (const error& e) {  // MPI did not start: there are no ranks to stop
    std::cerr << program + ": error: " + e.what() + "\n" << std::flush;
    return static_cast<int>(e.code());
  }
  int code = 0;
  std::string kind = "error";
  std::string what;
  try {
    return body(*mpi);
  } catch (const all_ranks_error& e) {  // every rank is here: each says so and all finalize
    print_error(program, mpi->rank(), "error", e.what());
    return static_cast<int>(e.code());
  } catch (const error& e) {
    what = e.what();
    code = static_cast<int>(e.code());
  } catch (const std::exception& e) {
    kind = "internal error";
    what = e.what();
    code = static_cast<int>(exit_code::internal);
  }
  // This rank alone failed; the others may be waiting for it in a send or a
  // collective. MPI_Abort stops them all, and mpirun exits with `code`.
  print_error(program, mpi->rank(), kind, what);
  MPI_Abort(MPI_COMM_WORLD, code);
  return code;  // not reached: MPI_Abort does not return
}

}  // namespace gpulab::multigpu

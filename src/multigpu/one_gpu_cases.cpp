// SPDX-License-Identifier: MIT
// Module 8's cases on one GPU (cases.hpp). The communicator of size 1 is kept
// in the device's `resources`, made on first use: every case and the tour
// share it, as the other modules share their cuBLAS or cuRAND handles.
#include <climits>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/multigpu/cases.hpp"
#include "gpulab/multigpu/collective_data.hpp"
#include "gpulab/multigpu/communicator.hpp"
#include "gpulab/multigpu/wave_gpu.hpp"

namespace gpulab::multigpu {

std::string one_gpu_cases_unavailable() { return ""; }

namespace {

// The NCCL communicator of one process on one GPU (ncclCommInitAll over it): a
// rank that is its own neighbour and whole world. Kept in `resources`.
struct one_gpu_nccl {
  std::unique_ptr<communicator> comm;
};

communicator& one_gpu_communicator(resources& res) {
  return *res
              .get_or_create<one_gpu_nccl>([&] {
                std::vector<std::unique_ptr<communicator>> comms = make_nccl_communicators({res.device_index()});
                return one_gpu_nccl{std::move(comms.front())};
              })
              .comm;
}

// ------------------------------------------------------------ the wave step
class wave_step_case final : public bench_case {
 public:
  explicit wave_step_case(std::int64_t n) : part_(make_slab(grid_shape{n, n}, 0, 1)) {}

  std::string name() const override { return "wave_step"; }
  case_parameters parameters() const override { return {"wave_step", "overlap_nccl_1_rank", "float"}; }
  std::string size_label() const override {
    return std::to_string(part_.grid.rows) + " x " + std::to_string(part_.grid.cols) + " grid";
  }
  double size_value() const override { return static_cast<double>(part_.grid.rows); }
  // The three time levels, padded by the two halo rows.
  std::size_t device_bytes_needed() const override { return checked_multiply(3, padded_bytes(), name()); }
  // The host's three time levels and the GPU's `next` copied back.
  std::size_t host_bytes_needed() const override { return checked_multiply(4, padded_bytes(), name()); }
  work_amount work() const override {
    // Each updated cell reads its `previous` and writes its `next` once; `current`
    // is read once per cell of the updated rows and of the row above and below
    // them (the four neighbours come from cache). 9 FLOPs a cell (leapfrog_cell).
    const auto rows = static_cast<double>(part_.updated_rows().size());
    const auto cols = static_cast<double>(part_.grid.cols);
    const double cells = rows * (cols - 2);
    return {.bytes_read = 4.0 * (cells + (rows + 2) * cols), .bytes_written = 4.0 * cells, .flops = 9.0 * cells};
  }

  void attach(resources& res) override { comm_ = &one_gpu_communicator(res); }

  // The initial pulse plus seeded noise in [-0.25, 0.25) on every cell inside
  // the boundary, different in `previous` and `current`: no cell is zero or
  // equal to its neighbours, so a cell computed from the wrong operand differs.
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    const wave_problem problem{.grid = part_.grid, .steps = 1};
    host_ = make_wave_slab(problem, part_);
    add_noise(host_.previous, seed);
    add_noise(host_.current, seed + 1);
    // `next` starts as the host's: zero on the boundary, which no kernel writes.
    wave_.emplace(gpu_wave_slab{part_, host_.coefficient, upload(host_.previous, s), upload(host_.current, s),
                                upload(host_.next, s)});
    stepper_.reset();
    synchronize(s);
  }

  // The host step: the reference the GPU must equal bit for bit (wave_gpu.cu says why it can).
  void run_cpu() override { update_rows(host_, part_.updated_rows()); }

  // The cells the kernel writes: from the first updated row's column 1 to the
  // last one's column cols - 2 (the boundary columns in between are not written,
  // and verify() does not read them).
  std::vector<output_region> outputs() override {
    if (!wave_) return {};
    const row_range rows = part_.updated_rows();
    if (rows.empty() || part_.grid.cols < 3) return {};
    const std::size_t first = part_.offset_of(rows.begin) + 1;
    const std::size_t last = part_.offset_of(rows.end - 1) + static_cast<std::size_t>(part_.grid.cols) - 2;
    return {output_of(wave_->next.data() + first, last - first + 1)};
  }

  // [snippet:wave_step_case]
  // One step, as gpulab-multigpu takes it on every rank: the rows that need no
  // halo while the halos travel, then the two edge rows (on one rank nothing
  // travels: the slab's neighbours are the grid's fixed boundary).
  void run_gpu(cuda::stream_ref s) override {
    if (!stepper_ || stepper_stream_ != s) {  // the stepper's second stream joins `s`
      stepper_.emplace(gpu_halo::overlap, *comm_, s);
      stepper_stream_ = s;
    }
    stepper_->step(*wave_);
    // step() rotated the levels (previous <- current <- next); turn them back, so
    // that every timed repeat computes the same `next` from the same inputs.
    std::swap(wave_->current, wave_->next);
    std::swap(wave_->previous, wave_->current);
  }
  // [/snippet:wave_step_case]

  verification verify(cuda::stream_ref s) override {
    const std::vector<float> next = download(wave_->next, s);
    const row_range rows = part_.updated_rows();
    const auto cols = static_cast<std::size_t>(part_.grid.cols);
    std::int64_t differing = 0;
    std::string first;
    for (std::int64_t r = rows.begin; r < rows.end; ++r) {
      const std::size_t at = part_.offset_of(r);
      const field_comparison c = compare_bitwise(std::span<const float>(host_.next).subspan(at + 1, cols - 2),
                                                 std::span<const float>(next).subspan(at + 1, cols - 2),
                                                 static_cast<std::int64_t>(cols - 2), part_.global_row(r));
      if (!c.bit_exact() && first.empty()) {
        first = "first at row " + std::to_string(c.first_row) + ", column " + std::to_string(c.first_col + 1) +
                ": host " + std::to_string(c.expected) + ", GPU " + std::to_string(c.actual);
      }
      differing += c.differing_cells;
    }
    const double cells = static_cast<double>(rows.size()) * static_cast<double>(part_.grid.cols - 2);
    verification v;
    v.passed = differing == 0;
    v.detail = v.passed ? "all " + std::to_string(static_cast<std::int64_t>(cells)) + " cells equal the host's bit for bit"
                        : std::to_string(differing) + " cells differ from the host's (" + first + ")";
    v.check = "bit-exact vs CPU";
    return v;
  }

 private:
  std::size_t padded_bytes() const { return bytes_of<float>(part_.padded_elements(), name()); }

  // Seeded noise on the cells inside the boundary (the boundary stays zero).
  void add_noise(std::vector<float>& level, std::uint64_t seed) const {
    const std::int64_t cols = part_.grid.cols;
    for (std::int64_t r = 1; r <= part_.rows; ++r) {
      const std::int64_t global = part_.global_row(r);
      if (global <= 0 || global >= part_.grid.rows - 1) continue;
      for (std::int64_t c = 1; c + 1 < cols; ++c) {
        const std::uint64_t bits = splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(global * cols + c)));
        const float noise = static_cast<float>(static_cast<double>(bits >> 40) * 0x1p-24 - 0.5) * 0.5f;
        level[part_.offset_of(r) + static_cast<std::size_t>(c)] += noise;
      }
    }
  }

  slab part_;
  communicator* comm_ = nullptr;
  wave_slab host_;
  std::optional<gpu_wave_slab> wave_;
  std::optional<gpu_wave_stepper> stepper_;
  std::optional<cuda::stream_ref> stepper_stream_;
};

// ------------------------------------------------------- all_reduce at N = 1
class all_reduce_case final : public bench_case {
 public:
  explicit all_reduce_case(std::size_t count) : count_(count) {}

  std::string name() const override { return "all_reduce_nccl"; }
  case_parameters parameters() const override { return {"all_reduce", "nccl", "float"}; }
  std::string size_label() const override { return std::to_string(count_) + " floats"; }
  double size_value() const override { return static_cast<double>(count_); }
  std::size_t device_bytes_needed() const override { return checked_multiply(2, bytes_of<float>(count_, name()), name()); }
  std::size_t host_bytes_needed() const override { return checked_multiply(3, bytes_of<float>(count_, name()), name()); }
  // nccl-tests' algbw counts the buffer once (size / time); here, as every case of
  // the kit, the bytes one GPU must move: on one rank, read the input, write the result.
  work_amount work() const override {
    const double bytes = 4.0 * static_cast<double>(count_);
    return {.bytes_read = bytes, .bytes_written = bytes};
  }

  void attach(resources& res) override { comm_ = &one_gpu_communicator(res); }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    seed_ = seed;
    send_ = upload(contributions<float>(seed, comm_->rank(), count_), s);
    recv_ = device_buffer<float>(count_, s);
    synchronize(s);
  }
  // The sum over every rank's values (one rank here), computed from the seed.
  void run_cpu() override { expected_ = expected_reduction<float>(seed_, comm_->size(), count_, reduce_op::sum); }
  std::vector<output_region> outputs() override { return {output_of(recv_.data(), count_)}; }
  void run_gpu(cuda::stream_ref s) override {
    comm_->all_reduce_async(send_.data(), recv_.data(), count_, reduce_op::sum, s);
  }
  verification verify(cuda::stream_ref s) override {
    const std::size_t differ = count_differences(expected_, download(recv_, s));
    verification v;
    v.passed = differ == 0;
    v.detail = std::to_string(differ) + " of " + std::to_string(count_) + " elements differ (the sums are exact)";
    v.check = "exact vs CPU";
    return v;
  }

 private:
  std::size_t count_;
  std::uint64_t seed_ = 0;
  communicator* comm_ = nullptr;
  device_buffer<float> send_, recv_;
  std::vector<float> expected_;
};

}  // namespace

std::unique_ptr<bench_case> make_wave_step_case(std::int64_t n) {
  if (n < 3) throw usage_error("wave_step: --size " + std::to_string(n) + " is less than 3 (a grid of n x n cells, "
                               "its edge held at zero, has inside cells from n = 3)");
  // One row is one message, counted in int (as gpulab-multigpu's --size).
  if (n > INT_MAX) throw usage_error("wave_step: --size " + std::to_string(n) + " is more than 2147483647 rows");
  return std::make_unique<wave_step_case>(n);
}

std::unique_ptr<bench_case> make_all_reduce_case(std::size_t count) {
  if (count == 0) throw usage_error("all_reduce_nccl: --size 0 (floats per rank)");
  return std::make_unique<all_reduce_case>(count);
}

}  // namespace gpulab::multigpu

// SPDX-License-Identifier: MIT
// The course's elementwise steps as cases: column mean (and the one-pass column stats
// beside it), row mean, derived column, cut. Each runs the GPU kernel on the course's
// columns and checks it against the CPU backend (the timed baseline): the row mean, the
// derived column and the cut bit for bit (GPU and CPU round the same operations in the
// same order), the column reductions' sums within the bound of any summation order.
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "case_checks.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/cases.hpp"
#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/cut.hpp"
#include "gpulab/dataframe/derived_column.hpp"
#include "gpulab/dataframe/reduce.hpp"
#include "gpulab/dataframe/row_mean.hpp"

namespace gpulab::dataframe {

namespace {

std::int64_t checked_rows(std::int64_t rows, const std::string& what) {
  if (rows < 1 || rows > max_rows) {
    throw usage_error(what + ": 1.." + std::to_string(max_rows) + " rows (got " + std::to_string(rows) + ")");
  }
  return rows;
}

// What the step cases share: `columns` of the course's table on host and device.
class step_case : public bench_case {
 public:
  step_case(std::string name, std::int64_t rows, int columns)
      : name_(std::move(name)), rows_(checked_rows(rows, name_)), columns_(columns) {}
  std::string name() const override { return name_; }
  std::string size_label() const override { return std::to_string(rows_) + " rows"; }
  double size_value() const override { return static_cast<double>(rows_); }

 protected:
  // The inputs' bytes (on each side) plus `extra` bytes per row.
  std::size_t bytes_with(std::size_t extra_per_row) const {
    return bytes_of<std::byte>(checked_multiply(static_cast<std::uint64_t>(rows_), 8 * columns_ + extra_per_row, name_),
                               name_);
  }
  void make_inputs(std::uint64_t seed, cuda::stream_ref s) {
    host_.clear();
    device_.clear();
    for (int k = 0; k < columns_; ++k) {
      host_.push_back(course_column(rows_, seed, k));
      device_.push_back(upload(host_.back(), s));
    }
  }
  column_view<double> host_view(int k) const { return {host_[k].data(), nullptr, rows_}; }
  column_view<double> device_view(int k) const { return {device_[k].data(), nullptr, rows_}; }
  double rows() const { return static_cast<double>(rows_); }

  std::string name_;
  std::int64_t rows_;
  int columns_;
  std::vector<std::vector<double>> host_;
  std::vector<device_buffer<double>> device_;
};

// ------------------------------------------------------------------ column reductions
// What column_mean and column_stats share: column A, and the GPU's workspace for a pass
// that keeps `Stats` (column_sum or column_stats, gpulab/dataframe/reduce.hpp).
template <class Stats>
class column_reduce_case : public step_case {
 public:
  column_reduce_case(std::string name, std::int64_t rows) : step_case(std::move(name), rows, 1) {}
  std::size_t device_bytes_needed() const override { return bytes_with(0) + (std::size_t{1} << 20); }
  std::size_t host_bytes_needed() const override { return bytes_with(0); }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    make_inputs(seed, s);
    work_.emplace(s);
    synchronize(s);
  }

 protected:
  std::optional<reduce_workspace<Stats>> work_;
  Stats expected_;
};

// ------------------------------------------------------------------ column mean
// df.A.mean() as pandas computes it: a sum and a count of the values present.
class column_mean_case final : public column_reduce_case<column_sum> {
 public:
  explicit column_mean_case(std::int64_t rows) : column_reduce_case("column_mean", rows) {}
  case_parameters parameters() const override { return {"column_mean", "sum_count", "double"}; }
  // Read A once; write the sum and count. Per value: an add.
  work_amount work() const override {
    return {.bytes_read = 8 * rows(), .bytes_written = sizeof(column_sum), .flops = rows()};
  }
  void run_cpu() override { expected_ = column_sum_cpu(host_view(0)); }
  std::vector<output_region> outputs() override {
    static_assert(offsetof(column_sum, count) == sizeof(double));
    auto* bytes = reinterpret_cast<unsigned char*>(work_->result());
    return {output_of(reinterpret_cast<double*>(bytes), 1),
            output_of(reinterpret_cast<unsigned long long*>(bytes + offsetof(column_sum, count)), 1)};
  }
  void run_gpu(cuda::stream_ref s) override { column_sum_async(device_view(0), *work_, s); }
  verification verify(cuda::stream_ref s) override {
    const column_sum got = read_sum(*work_, s);
    const double n = static_cast<double>(expected_.count);
    const bool ok = got.count == expected_.count && sum_agrees(expected_.sum, got.sum, n);
    const std::string detail = "mean " + format_significant(got.sum / static_cast<double>(got.count)) + ", count " +
                               std::to_string(got.count) + " (CPU " + std::to_string(expected_.count) + "), sum " +
                               format_fixed(got.sum, 9) + " (CPU " + format_fixed(expected_.sum, 9) + ", within " +
                               format_significant(sum_tolerance(n, expected_.sum)) + ")";
    return {ok, detail, "vs CPU: count exact; sum within 2(n+1) 2^-53 sum"};
  }
};

// ------------------------------------------------------------------ column stats
// count, sum, min, max and the sum of squares in one pass of the same loads as the mean
// (what reduce() reads for min, max and std). Beside column_mean it shows what the extra
// work per value costs once the loads are fast.
class column_stats_case final : public column_reduce_case<column_stats> {
 public:
  explicit column_stats_case(std::int64_t rows) : column_reduce_case("column_stats", rows) {}
  case_parameters parameters() const override { return {"column_stats", "one_pass", "double"}; }
  // Read A once; write the stats. Per value: an add, a subtract, a multiply-add, two compares.
  work_amount work() const override {
    return {.bytes_read = 8 * rows(), .bytes_written = sizeof(column_stats), .flops = 5 * rows()};
  }
  void run_cpu() override { expected_ = column_stats_cpu(host_view(0), 0.0); }
  // The four doubles (sum, squared deviations, min, max), then the count.
  std::vector<output_region> outputs() override {
    static_assert(offsetof(column_stats, max) == 3 * sizeof(double) && offsetof(column_stats, count) == 4 * sizeof(double));
    auto* bytes = reinterpret_cast<unsigned char*>(work_->result());
    return {output_of(reinterpret_cast<double*>(bytes), 4),
            output_of(reinterpret_cast<unsigned long long*>(bytes + offsetof(column_stats, count)), 1)};
  }
  void run_gpu(cuda::stream_ref s) override { column_stats_async(device_view(0), 0.0, *work_, s); }
  verification verify(cuda::stream_ref s) override {
    const column_stats got = read_stats(*work_, s);
    const double n = static_cast<double>(expected_.count);
    const bool ok = got.count == expected_.count && sum_agrees(expected_.sum, got.sum, n) &&
                    sum_agrees(expected_.squared_deviations, got.squared_deviations, n + 1) &&
                    got.min == expected_.min && got.max == expected_.max;
    const std::string detail = "count " + std::to_string(got.count) + " (CPU " + std::to_string(expected_.count) +
                               "), sum " + format_fixed(got.sum, 9) + " (CPU " + format_fixed(expected_.sum, 9) +
                               ", within " + format_significant(sum_tolerance(n, expected_.sum)) + "), min/max " +
                               (got.min == expected_.min && got.max == expected_.max ? "equal" : "differ");
    return {ok, detail, "vs CPU: count, min, max exact; sums within 2(n+1) 2^-53 sum"};
  }
};

// ------------------------------------------------------------------ row mean
class row_mean_case final : public step_case {
 public:
  explicit row_mean_case(std::int64_t rows) : step_case("row_mean", rows, 3) {}
  case_parameters parameters() const override { return {"row_mean", "four_rows", "double"}; }
  std::size_t device_bytes_needed() const override { return bytes_with(8); }
  std::size_t host_bytes_needed() const override { return bytes_with(16); }
  work_amount work() const override { return {.bytes_read = 24 * rows(), .bytes_written = 8 * rows(), .flops = 3 * rows()}; }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    make_inputs(seed, s);
    out_ = device_buffer<double>(static_cast<std::size_t>(rows_), s);
    expected_.assign(static_cast<std::size_t>(rows_), 0.0);
    synchronize(s);
  }
  void run_cpu() override {
    const column_view<double> views[] = {host_view(0), host_view(1), host_view(2)};
    row_mean_cpu(std::span<const column_view<double>>(views), expected_.data());
  }
  std::vector<output_region> outputs() override { return {output_of(out_.data(), out_.size())}; }
  void run_gpu(cuda::stream_ref s) override {
    const column_view<double> views[] = {device_view(0), device_view(1), device_view(2)};
    row_mean_async(std::span<const column_view<double>>(views), out_.data(), s);
  }
  verification verify(cuda::stream_ref s) override {
    const std::vector<double> got = download(out_, s);
    return compare_values<double>(expected_, got);
  }

 private:
  device_buffer<double> out_;
  std::vector<double> expected_;
};

// ------------------------------------------------------------------ derived column
class derived_column_case final : public step_case {
 public:
  explicit derived_column_case(std::int64_t rows)
      : step_case("derived_column", rows, 2), expression_(parse_assignment(course_expression).value) {}
  case_parameters parameters() const override { return {"derived_column", "nvrtc", "double"}; }
  std::size_t device_bytes_needed() const override { return bytes_with(8); }
  std::size_t host_bytes_needed() const override { return bytes_with(16); }
  work_amount work() const override { return {.bytes_read = 16 * rows(), .bytes_written = 8 * rows(), .flops = 3 * rows()}; }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    make_inputs(seed, s);
    out_ = device_buffer<double>(static_cast<std::size_t>(rows_), s);
    expected_.assign(static_cast<std::size_t>(rows_), 0.0);
    kernel_.emplace(expression_, operands(true));  // NVRTC compiles here, untimed (and once per process)
    synchronize(s);
  }
  void run_cpu() override { derived_column_cpu(expression_, operands(false), expected_.data(), rows_); }
  std::vector<output_region> outputs() override { return {output_of(out_.data(), out_.size())}; }
  void run_gpu(cuda::stream_ref s) override { (*kernel_)(operands(true), out_.data(), rows_, s); }
  verification verify(cuda::stream_ref s) override {
    const std::vector<double> got = download(out_, s);
    verification v = compare_values<double>(expected_, got);
    v.check = "exact (no FMA: the GPU rounds as the CPU interpreter)";
    return v;
  }

 private:
  std::vector<operand_view> operands(bool gpu) const {  // A and B, in the expression's order
    return {{dtype::float64, gpu ? device_view(0).data : host_view(0).data, nullptr},
            {dtype::float64, gpu ? device_view(1).data : host_view(1).data, nullptr}};
  }
  expression expression_;
  std::optional<derived_column_kernel> kernel_;
  device_buffer<double> out_;
  std::vector<double> expected_;
};

// ------------------------------------------------------------------ cut
class cut_case final : public step_case {
 public:
  explicit cut_case(std::int64_t rows) : step_case("cut", rows, 1), edges_(make_cut_edges(course_bins)) {}
  case_parameters parameters() const override { return {"cut", "four_rows", "double"}; }
  std::size_t device_bytes_needed() const override { return bytes_with(4); }
  std::size_t host_bytes_needed() const override { return bytes_with(8); }
  work_amount work() const override { return {.bytes_read = 8 * rows(), .bytes_written = 4 * rows()}; }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    make_inputs(seed, s);
    out_ = device_buffer<std::int32_t>(static_cast<std::size_t>(rows_), s);
    expected_.assign(static_cast<std::size_t>(rows_), 0);
    synchronize(s);
  }
  void run_cpu() override { cut_cpu(host_view(0), edges_, expected_.data()); }
  std::vector<output_region> outputs() override { return {output_of(out_.data(), out_.size())}; }
  void run_gpu(cuda::stream_ref s) override { cut_async(device_view(0), edges_, out_.data(), s); }
  verification verify(cuda::stream_ref s) override {
    const std::vector<std::int32_t> got = download(out_, s);
    return compare_values<std::int32_t>(expected_, got);
  }

 private:
  cut_edges edges_;
  device_buffer<std::int32_t> out_;
  std::vector<std::int32_t> expected_;
};

}  // namespace

std::unique_ptr<bench_case> make_column_mean_case(std::int64_t rows) { return std::make_unique<column_mean_case>(rows); }
std::unique_ptr<bench_case> make_column_stats_case(std::int64_t rows) { return std::make_unique<column_stats_case>(rows); }
std::unique_ptr<bench_case> make_row_mean_case(std::int64_t rows) { return std::make_unique<row_mean_case>(rows); }
std::unique_ptr<bench_case> make_derived_column_case(std::int64_t rows) {
  return std::make_unique<derived_column_case>(rows);
}
std::unique_ptr<bench_case> make_cut_case(std::int64_t rows) { return std::make_unique<cut_case>(rows); }

}  // namespace gpulab::dataframe

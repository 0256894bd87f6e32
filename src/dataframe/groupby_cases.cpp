// SPDX-License-Identifier: MIT
// The groupby steps as cases, version by version: the mean of A by the 5 cut
// labels, the pivot table (A, B, C by the labels), and the mean of A by an int64
// key with 1M distinct values. Counts must equal the CPU's exactly, sums (and
// means) agree within the bound of any summation order: 2 (n + 1) 2^-53 x the sum
// (every value is in [0, 1)), far tighter than a zeroed or halved sum. The many-keys
// groups come out in each version's order: they are matched to the CPU's by key.
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "case_checks.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/dataframe/cases.hpp"
#include "gpulab/dataframe/course_data.hpp"
#include "gpulab/dataframe/cut.hpp"

namespace gpulab::dataframe {

namespace {

constexpr int label_count = 5;
constexpr std::int64_t rows_per_key = 20;  // groupby_many_keys: 20M rows on 1M keys

std::int64_t checked_rows(std::int64_t rows, const std::string& what) {
  if (rows < 1 || rows > max_rows) {
    throw usage_error(what + ": 1.." + std::to_string(max_rows) + " rows (got " + std::to_string(rows) + ")");
  }
  return rows;
}

std::string group_detail(std::size_t wrong_counts, std::size_t wrong_sums, std::size_t groups) {
  if (wrong_counts + wrong_sums == 0) return "all " + std::to_string(groups) + " groups agree";
  return std::to_string(wrong_counts) + " counts and " + std::to_string(wrong_sums) + " sums or means of " +
         std::to_string(groups) + " groups differ";
}
constexpr const char* sums_check = "vs CPU: counts exact, sums and means within 2(n+1) 2^-53 sum";

// ------------------------------------------------------------------ by the cut labels
// `values` of A, B, C summed by the labels of A's cut: groupby_mean (1 value), pivot_table (3).
class label_groups_case final : public bench_case {
 public:
  label_groups_case(std::string operation, groupby_version v, std::int64_t rows, int values)
      : operation_(std::move(operation)), version_(v), rows_(checked_rows(rows, operation_)), values_(values) {}
  std::string name() const override { return operation_ + "_" + groupby_version_name(version_); }
  case_parameters parameters() const override { return {operation_, groupby_version_name(version_), "double"}; }
  std::string size_label() const override { return std::to_string(rows_) + " rows"; }
  double size_value() const override { return static_cast<double>(rows_); }
  std::size_t device_bytes_needed() const override {
    return checked_add(input_bytes(), groupby_workspace::bytes_needed(version_, false, rows_, label_count, values_),
                       name());
  }
  std::size_t host_bytes_needed() const override { return input_bytes(); }
  // Read the codes and each value column once; write each group's sum, count and mean.
  work_amount work() const override {
    const double n = static_cast<double>(rows_), slots = static_cast<double>(values_ * label_count);
    return {.bytes_read = n * (4 + 8.0 * values_), .bytes_written = slots * (8 + 4 + 8), .flops = n * values_};
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    values_host_.clear();
    values_device_.clear();
    for (int k = 0; k < values_; ++k) {
      values_host_.push_back(course_column(rows_, seed, k));
      values_device_.push_back(upload(values_host_.back(), s));
    }
    codes_host_.assign(static_cast<std::size_t>(rows_), 0);  // the labels of A's cut
    cut_cpu(view_of(values_host_[0]), make_cut_edges(course_bins), codes_host_.data());
    codes_device_ = upload(codes_host_, s);
    const auto slots = static_cast<std::size_t>(values_ * label_count);
    sums_ = device_buffer<double>(slots, s);
    means_ = device_buffer<double>(slots, s);
    counts_ = device_buffer<std::uint32_t>(slots, s);
    expected_sums_.assign(slots, 0);
    expected_means_.assign(slots, 0);
    expected_counts_.assign(slots, 0);
    work_.emplace(version_, false, rows_, label_count, values_, s);
    synchronize(s);
  }
  void run_cpu() override {
    std::vector<column_view<double>> values;
    for (const auto& v : values_host_) values.push_back(view_of(v));
    group_sums_dense_cpu({codes_host_.data(), nullptr, rows_}, label_count, values, expected_sums_.data(),
                         expected_counts_.data(), expected_means_.data());
  }
  std::vector<output_region> outputs() override {
    return {output_of(sums_.data(), sums_.size()), output_of(counts_.data(), counts_.size()),
            output_of(means_.data(), means_.size())};
  }
  void run_gpu(cuda::stream_ref s) override {
    std::vector<column_view<double>> values;
    for (const auto& v : values_device_) values.push_back({v.data(), nullptr, rows_});
    group_sums_dense_async(version_, {codes_device_.data(), nullptr, rows_}, label_count, values,
                           {sums_.data(), counts_.data(), means_.data()}, *work_, s);
  }
  verification verify(cuda::stream_ref s) override {
    const std::vector<double> sums = download(sums_, s), means = download(means_, s);
    const std::vector<std::uint32_t> counts = download(counts_, s);
    std::size_t wrong_counts = 0, wrong_sums = 0;
    for (std::size_t k = 0; k < sums.size(); ++k) {
      const double n = expected_counts_[k];
      if (counts[k] != expected_counts_[k]) ++wrong_counts;
      if (!sum_agrees(expected_sums_[k], sums[k], n) || !mean_agrees(expected_means_[k], means[k], n)) ++wrong_sums;
    }
    std::string detail = group_detail(wrong_counts, wrong_sums, sums.size());
    if (values_ == 1) detail += "; mean of c1 " + format_fixed(means[0], 6);
    return {wrong_counts + wrong_sums == 0, detail, sums_check};
  }

 private:
  std::size_t input_bytes() const {
    return bytes_of<std::byte>(checked_multiply(static_cast<std::uint64_t>(rows_), 4 + 8 * values_, name()), name());
  }
  column_view<double> view_of(const std::vector<double>& v) const { return {v.data(), nullptr, rows_}; }

  std::string operation_;
  groupby_version version_;
  std::int64_t rows_;
  int values_;
  std::vector<std::vector<double>> values_host_;
  std::vector<device_buffer<double>> values_device_;
  std::vector<std::int32_t> codes_host_;
  device_buffer<std::int32_t> codes_device_;
  device_buffer<double> sums_, means_;
  device_buffer<std::uint32_t> counts_;
  std::vector<double> expected_sums_, expected_means_;
  std::vector<std::uint32_t> expected_counts_;
  std::optional<groupby_workspace> work_;
};

// ------------------------------------------------------------------ by many int64 keys
class many_keys_case final : public bench_case {
 public:
  many_keys_case(groupby_version v, std::int64_t rows)
      : version_(v), rows_(checked_rows(rows, "groupby_many_keys")),
        keys_(std::max<std::int64_t>(1, rows_ / rows_per_key)) {}
  std::string name() const override { return std::string("groupby_many_keys_") + groupby_version_name(version_); }
  case_parameters parameters() const override { return {"groupby_many_keys", groupby_version_name(version_), "double"}; }
  std::string size_label() const override {
    return std::to_string(rows_) + " rows, " + std::to_string(keys_) + " keys";
  }
  double size_value() const override { return static_cast<double>(rows_); }
  std::size_t device_bytes_needed() const override {
    return checked_add(checked_add(input_bytes(), output_bytes(), name()),
                       groupby_workspace::bytes_needed(version_, true, rows_, keys_, 1), name());
  }
  // The inputs, and the CPU baseline's tables: one per thread, up to 2 x keys slots of 24 bytes.
  std::size_t host_bytes_needed() const override {
    return checked_add(input_bytes(), 64 * static_cast<std::size_t>(keys_) * 24, name());
  }
  work_amount work() const override {
    const double n = static_cast<double>(rows_);
    return {.bytes_read = 16 * n, .bytes_written = static_cast<double>(output_bytes()), .flops = n};
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    // The keys: splitmix64 of 0..keys-1 (a bijection: all distinct), row i < keys takes
    // key i (every key appears), the rest a hashed pick. INT64_MIN is the hash table's
    // empty mark: the one key that could be it is replaced by splitmix64(keys), distinct too.
    std::vector<std::int64_t> dictionary(static_cast<std::size_t>(keys_));
    const std::uint64_t base = splitmix64(seed ^ 0x6b657973ull);
    for (std::int64_t j = 0; j < keys_; ++j) {
      dictionary[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(splitmix64(base + static_cast<std::uint64_t>(j)));
      if (dictionary[static_cast<std::size_t>(j)] == INT64_MIN) {
        dictionary[static_cast<std::size_t>(j)] = static_cast<std::int64_t>(splitmix64(base + static_cast<std::uint64_t>(keys_)));
      }
    }
    keys_host_.resize(static_cast<std::size_t>(rows_));
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < rows_; ++i) {
      const std::uint64_t pick = i < keys_ ? static_cast<std::uint64_t>(i)
                                           : splitmix64(base ^ static_cast<std::uint64_t>(i)) % static_cast<std::uint64_t>(keys_);
      keys_host_[static_cast<std::size_t>(i)] = dictionary[pick];
    }
    values_host_ = course_column(rows_, seed, 0);
    keys_device_ = upload(keys_host_, s);
    values_device_ = upload(values_host_, s);
    const auto n = static_cast<std::size_t>(keys_);
    out_keys_ = device_buffer<std::int64_t>(n, s);
    sums_ = device_buffer<double>(n, s);
    means_ = device_buffer<double>(n, s);
    counts_ = device_buffer<std::uint32_t>(n, s);
    group_count_ = device_buffer<std::uint32_t>(1, s);
    work_.emplace(version_, true, rows_, keys_, 1, s);
    synchronize(s);
  }
  void run_cpu() override {
    const column_view<double> values[] = {{values_host_.data(), nullptr, rows_}};
    expected_ = group_sums_sparse_cpu({keys_host_.data(), nullptr, rows_}, values);
  }
  std::vector<output_region> outputs() override {
    // The keys as 8-byte integers (int64 and uint64 share their bytes).
    return {{out_keys_.data(), out_keys_.size(), element_kind::u64}, output_of(sums_.data(), sums_.size()),
            output_of(counts_.data(), counts_.size()), output_of(means_.data(), means_.size()),
            output_of(group_count_.data(), 1)};
  }
  void run_gpu(cuda::stream_ref s) override {
    const column_view<double> values[] = {{values_device_.data(), nullptr, rows_}};
    group_sums_sparse_async(version_, {keys_device_.data(), nullptr, rows_}, values,
                            {{sums_.data(), counts_.data(), means_.data()}, out_keys_.data(), group_count_.data()},
                            *work_, s);
  }
  verification verify(cuda::stream_ref s) override {
    const std::uint32_t found = download(group_count_, s)[0];
    const std::size_t groups = expected_.keys.size();
    if (found != groups) {
      return {false, std::to_string(found) + " groups found, the CPU found " + std::to_string(groups), sums_check};
    }
    const bool has_table = version_ == groupby_version::hash || version_ == groupby_version::partitioned;
    if (has_table && work_->read_errors(s) != 0) {
      return {false, "the hash table reported " + std::to_string(work_->read_errors(s)) + " errors", sums_check};
    }
    const std::vector<std::int64_t> keys = download(out_keys_, s);
    const std::vector<double> sums = download(sums_, s), means = download(means_, s);
    const std::vector<std::uint32_t> counts = download(counts_, s);
    std::unordered_map<std::int64_t, std::size_t> where;  // CPU group of each key
    for (std::size_t k = 0; k < groups; ++k) where.emplace(expected_.keys[k], k);
    std::vector<char> seen(groups, 0);
    std::size_t wrong_counts = 0, wrong_sums = 0, unknown = 0;
    for (std::size_t i = 0; i < groups; ++i) {
      const auto at = where.find(keys[i]);
      if (at == where.end() || seen[at->second]) {  // a key the CPU never saw, or one listed twice
        ++unknown;
        continue;
      }
      const std::size_t k = at->second;
      seen[k] = 1;
      if (counts[i] != expected_.counts[k]) ++wrong_counts;
      const double n = expected_.counts[k];
      if (!sum_agrees(expected_.sums[k], sums[i], n) || !mean_agrees(expected_.means[k], means[i], n)) ++wrong_sums;
    }
    std::string detail = group_detail(wrong_counts, wrong_sums, groups);
    if (unknown > 0) detail += "; " + std::to_string(unknown) + " keys unknown or repeated";
    if (version_ == groupby_version::partitioned) {  // how many partitions overflowed their shared-memory table
      detail += "; " + std::to_string(work_->read_partition_fallbacks(s)) + " of " +
                std::to_string(work_->partitions().partitions) + " partitions fell back to the global table";
    }
    return {wrong_counts + wrong_sums + unknown == 0, detail, sums_check};
  }

 private:
  std::size_t input_bytes() const { return bytes_of<std::byte>(checked_multiply(static_cast<std::uint64_t>(rows_), 16, name()), name()); }
  std::size_t output_bytes() const { return static_cast<std::size_t>(keys_) * (8 + 8 + 4 + 8) + 4; }

  groupby_version version_;
  std::int64_t rows_, keys_;
  std::vector<std::int64_t> keys_host_;
  std::vector<double> values_host_;
  device_buffer<std::int64_t> keys_device_, out_keys_;
  device_buffer<double> values_device_, sums_, means_;
  device_buffer<std::uint32_t> counts_, group_count_;
  sparse_groups expected_;
  std::optional<groupby_workspace> work_;
};

}  // namespace

std::unique_ptr<bench_case> make_groupby_mean_case(groupby_version v, std::int64_t rows) {
  return std::make_unique<label_groups_case>("groupby_mean", v, rows, 1);
}
std::unique_ptr<bench_case> make_pivot_table_case(groupby_version v, std::int64_t rows) {
  return std::make_unique<label_groups_case>("pivot_table", v, rows, 3);
}
std::unique_ptr<bench_case> make_groupby_many_keys_case(groupby_version v, std::int64_t rows) {
  return std::make_unique<many_keys_case>(v, rows);
}

}  // namespace gpulab::dataframe

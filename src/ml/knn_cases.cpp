// SPDX-License-Identifier: MIT
// kNN as cases (include/gpulab/ml/knn_cases.hpp). Each case searches a database
// of Gaussian blobs for the queries' k nearest rows and votes their labels; with
// --input FILE.csv --columns a,b,c the database is the file's rows and the queries
// an evenly spaced sample of them, and the vote runs only where --target gives labels.
//
// Verification, every run:
//   - every row of the answer on its own (all queries, any size): ids valid and
//     distinct, each distance within the float bound of its id's exact distance,
//     rows ordered by (distance, id);
//   - ids against the CPU's exact brute force (double sums) rank by rank: equal,
//     or a "near tie" within the bound (counted, knn_cpu.hpp says why), for every
//     query when the CPU reference runs, for 64 queries spread over all of them
//     past the CPU budget (the check that scales);
//   - the predictions equal the vote of the GPU's own neighbours, computed on the CPU
//     (a file without --target has no labels: its cases search and do not vote).
// tf32_rerank reports its recall against the CPU; a missed neighbour is a wrong rank.
#include "gpulab/ml/knn_cases.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/ml/csv_features.hpp"
#include "gpulab/ml/knn_cpu.hpp"
#include "gpulab/ml/knn_data.hpp"

namespace gpulab::ml {

namespace {

constexpr std::int64_t default_rows = 1'000'000;
constexpr std::int64_t max_queries = 10'000;
constexpr std::int64_t blob_features = 64;
constexpr int blob_classes = 16;
constexpr std::int64_t sampled_queries = 64;  // the check that scales
constexpr const char* wgmma_words = "TF32 filter on wgmma";  // in the detail line; the compare line looks for it

// The version's name, and "_mma_sync" for the TF32 filter held to the warp-wide mma.sync
// pass (on a Hopper GPU the version itself runs wgmma: the pair is the lesson's comparison).
std::string version_label(knn_version v, tf32_pass_instruction instruction) {
  return std::string(knn_version_name(v)) + (instruction == tf32_pass_instruction::mma_sync ? "_mma_sync" : "");
}
std::string case_name(knn_version v, int k, tf32_pass_instruction instruction = tf32_pass_instruction::best) {
  return "knn_" + version_label(v, instruction) + (k == knn_max_k ? "_k1024" : "");
}
knn_plan case_plan(knn_version v, std::int64_t n, std::int64_t m, std::int64_t d, int k,
                   tf32_pass_instruction instruction) {
  knn_plan plan = make_knn_plan(v, n, m, d, d, k);
  plan.tf32_instruction = instruction;
  return plan;
}

// A CSV file's rows as a kNN database: the chosen columns, and with --target the
// class labels. classes: the largest label + 1 (the vote's bins); 0 without a target,
// or when the target is not class labels (no_vote says where: the search still runs).
struct file_database {
  labelled_rows rows;
  int classes = 0;
  std::string no_vote;
};
file_database read_database(const csv_input& input) {
  file_database f;
  host_features x;
  if (input.target.empty()) {
    x = load_features_host(input.path, input.columns);
    f.no_vote = "the file has no --target labels";
  } else {
    features_and_target file = load_features_and_target_host(input);
    x = std::move(file.x);
    f.rows.labels.resize(file.y.size());
    for (std::size_t i = 0; i < file.y.size(); ++i) {
      const double y = file.y[i];  // the file's value, checked before any narrowing
      if (!(y >= 0 && y < knn_max_classes && y == std::floor(y))) {
        f.no_vote = csv_place(input.path, i, input.target) + " is " + shortest_text(y) +
                    ": the target is not class labels (integers 0.." + std::to_string(knn_max_classes - 1) + ")";
        f.rows.labels.clear();
        f.classes = 0;
        break;
      }
      f.rows.labels[i] = static_cast<std::int32_t>(y);
      f.classes = std::max(f.classes, f.rows.labels[i] + 1);
    }
  }
  // Values past knn_largest_value would overflow a float norm (knn_search refuses them on
  // the GPU): refused here, before any GPU work, with the same message.
  if (const std::int64_t bad = count_out_of_range(x.values, knn_largest_value(x.cols)); bad > 0) {
    throw numerical_error(input.path + ": " + knn_out_of_range_message("database", bad, x.cols));
  }
  f.rows.values = std::move(x.values);
  f.rows.rows = x.rows;
  f.rows.features = x.cols;
  return f;
}

// The queries of a file: m of its n rows (m <= n), evenly spaced (row i * n / m: distinct,
// the first included), with their labels when it has them.
labelled_rows spread_sample(const labelled_rows& all, std::int64_t m) {
  labelled_rows q;
  q.rows = m;
  q.features = all.features;
  q.values.reserve(static_cast<std::size_t>(m * all.features));
  for (std::int64_t i = 0; i < m; ++i) {
    const std::int64_t row = i * all.rows / m;
    const auto first = all.values.begin() + row * all.features;
    q.values.insert(q.values.end(), first, first + all.features);
    if (!all.labels.empty()) q.labels.push_back(all.labels[static_cast<std::size_t>(row)]);
  }
  return q;
}

class knn_case final : public bench_case {
 public:
  // Seeded blobs (made in setup): n rows of 64 features in 16 classes; k at most n.
  knn_case(knn_version v, std::int64_t n, int k, tf32_pass_instruction instruction)
      : name_(case_name(v, k, instruction)), requested_k_(k), n_(checked_rows(n, name_)), m_(std::min(n_, max_queries)),
        d_(blob_features), k_(k_at_most_rows(k, n_)), classes_(blob_classes),
        plan_(case_plan(v, n_, m_, d_, k_, instruction)) {}
  // A CSV file, read now: a bad file is refused before any GPU work.
  knn_case(knn_version v, const csv_input& input, int k, tf32_pass_instruction instruction)
      : knn_case(v, input.path, read_database(input), k, instruction) {}

  std::string name() const override { return name_; }
  case_parameters parameters() const override {
    return {"knn", version_label(plan_.version, plan_.tf32_instruction), "float"};
  }
  std::string size_label() const override {
    std::string label = (input_.empty() ? "" : input_ + ": ") + std::to_string(n_) + " x " + std::to_string(d_) +
                        ", " + std::to_string(m_) + " queries, k = " + std::to_string(k_);
    if (k_ != requested_k_) label += " (k = n)";
    return label;
  }
  double size_value() const override { return static_cast<double>(n_); }
  std::size_t device_bytes_needed() const override {
    std::size_t bytes = bytes_of<float>(checked_multiply(static_cast<std::uint64_t>(n_ + m_), d_, name_), name_);
    bytes = checked_add(bytes, bytes_of<std::int32_t>(static_cast<std::uint64_t>(n_ + m_), name_), name_);  // labels, predictions
    bytes = checked_add(bytes, 2 * bytes_of<float>(answer_size(), name_), name_);                         // ids, distances
    return checked_add(bytes, knn_workspace_bytes(plan_), name_);
  }
  // The inputs and labels, the answer downloaded, the CPU's answer, and one
  // n-entry (distance, id) array per CPU thread.
  std::size_t host_bytes_needed() const override {
    std::size_t bytes = bytes_of<float>(checked_multiply(static_cast<std::uint64_t>(n_ + m_), d_, name_), name_);
    bytes = checked_add(bytes, bytes_of<std::int32_t>(static_cast<std::uint64_t>(n_ + 2 * m_), name_), name_);
    bytes = checked_add(bytes, bytes_of<double>(checked_multiply(answer_size(), 2, name_), name_), name_);
    const auto threads = static_cast<std::uint64_t>(std::max(1, omp_get_max_threads()));
    return checked_add(bytes, bytes_of<double>(checked_multiply(threads, 2 * static_cast<std::uint64_t>(n_), name_), name_),
                       name_);
  }
  // What a search must do: read the database and the queries, write ids,
  // distances (and, voting, read the labels and write the predictions), and 2 d
  // FLOPs (one multiply-add per feature) per (query, row) pair. The report's GFLOP/s
  // compares with the FP32 peak (H200: about 67 TFLOP/s) or, for tf32_rerank, the
  // TF32 tensor-core peak.
  work_amount work() const override {
    const double n = static_cast<double>(n_), m = static_cast<double>(m_), d = static_cast<double>(d_);
    const double labels = voting() ? 4 * n : 0, predictions = voting() ? 4 * m : 0;
    return {.bytes_read = 4 * (n + m) * d + labels, .bytes_written = m * k_ * 8.0 + predictions,
            .flops = 2 * m * n * d};
  }
  peak_kind peak() const override { return peak_kind::none; }
  // The reference: 3 d double operations per (query, row) and a partial sort.
  double estimated_cpu_seconds() const override {
    return static_cast<double>(m_) * static_cast<double>(n_) * (3.0 * static_cast<double>(d_) + 10) / 10e9;
  }
  bool has_scalable_check() const override { return true; }
  void use_scalable_check() override {
    which_.clear();
    for (std::int64_t i = 0; i < std::min(sampled_queries, m_); ++i) {
      which_.push_back(m_ == 1 ? 0 : i * (m_ - 1) / (std::min(sampled_queries, m_) - 1));
    }
    expected_ = knn_cpu(database_host(), queries_host(), k_, which_);
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    if (input_.empty()) {
      const std::uint64_t centres = splitmix64(seed ^ 0x63656e747265ull);  // shared by database and queries
      database_ = make_blobs(n_, d_, classes_, centres, seed);
      queries_ = make_blobs(m_, d_, classes_, centres, splitmix64(seed ^ 0x717565727973ull));
    }  // else: the file's rows and their sample, read by the constructor
    database_device_ = upload(database_.values, s);
    queries_device_ = upload(queries_.values, s);
    ids_ = device_buffer<std::int32_t>(answer_size(), s);
    distances_ = device_buffer<float>(answer_size(), s);
    if (voting()) {
      labels_device_ = upload(database_.labels, s);
      predictions_ = device_buffer<std::int32_t>(static_cast<std::size_t>(m_), s);
    }
    work_.emplace(plan_, s);
    synchronize(s);
  }
  void run_cpu() override {
    which_.resize(static_cast<std::size_t>(m_));
    std::iota(which_.begin(), which_.end(), std::int64_t{0});
    expected_ = knn_cpu(database_host(), queries_host(), k_, which_);
  }
  std::vector<output_region> outputs() override {
    std::vector<output_region> out = {output_of(ids_.data(), ids_.size()),
                                      output_of(distances_.data(), distances_.size())};
    if (voting()) out.push_back(output_of(predictions_.data(), predictions_.size()));
    return out;
  }
  void run_gpu(cuda::stream_ref s) override {
    knn_search_async(view(database_device_, n_), view(queries_device_, m_), ids_.data(), distances_.data(), *work_, s);
    if (voting()) knn_vote_async(ids_.data(), m_, k_, labels_device_.data(), n_, classes_, predictions_.data(), s);
  }
  verification verify(cuda::stream_ref s) override {
    const std::vector<std::int32_t> ids = download(ids_, s);
    const std::vector<float> distances = download(distances_, s);
    const knn_comparison rows = check_knn_rows(database_host(), queries_host(), k_, ids, distances);
    const knn_comparison ranks = compare_knn(database_host(), queries_host(), which_, expected_, ids, distances);
    std::string detail = ranks.summary();
    if (plan_.tf32_filter) {  // filter and refine: how many queries fell back to an exact search
      detail += std::string("; ") + (work_->uses_wgmma() ? wgmma_words : "TF32 filter on mma.sync") + ", " +
                std::to_string(work_->searched_exactly(s)) + " queries searched exactly";
    }
    if (!rows.passed()) detail += "; " + std::to_string(rows.wrong) + " bad ranks in all rows, first " + rows.first_problem;
    bool votes_agree = !voting();
    if (!voting()) detail += "; no vote (" + no_vote_ + ")";
    if (voting() && rows.passed()) {  // the vote needs valid ids
      const std::vector<std::int32_t> predictions = download(predictions_, s);
      const std::vector<std::int32_t> votes = knn_vote_cpu(ids, k_, database_.labels, classes_);
      const auto differ = std::inner_product(votes.begin(), votes.end(), predictions.begin(), std::int64_t{0},
                                             std::plus<>(), std::not_equal_to<>());
      votes_agree = differ == 0;
      // Against the queries' own labels. A file's queries are rows of its database, so each
      // query's own label is among its votes: the accuracy on the training rows (optimistic,
      // as scikit-learn's score on the data it was fitted on).
      std::int64_t correct = 0;
      for (std::size_t q = 0; q < predictions.size(); ++q) correct += predictions[q] == queries_.labels[q] ? 1 : 0;
      detail += "; vote: " + (votes_agree ? std::string("agrees") : std::to_string(differ) + " predictions differ") +
                ", accuracy " + format_fixed(static_cast<double>(correct) / static_cast<double>(m_), 4);
    }
    const std::string check = static_cast<std::int64_t>(which_.size()) == m_
                                  ? "vs CPU: ids exact but near ties, every query"
                                  : "vs CPU on " + std::to_string(which_.size()) + " queries; every row's distances";
    return {rows.passed() && ranks.passed() && votes_agree, detail, check};
  }

 private:
  knn_case(knn_version v, const std::string& path, file_database file, int k, tf32_pass_instruction instruction)
      : name_(case_name(v, k, instruction)), requested_k_(k), input_(path), n_(checked_rows(file.rows.rows, name_)),
        m_(std::min(n_, max_queries)), d_(file.rows.features), k_(k_at_most_rows(k, n_)),
        classes_(file.classes), no_vote_(std::move(file.no_vote)), plan_(case_plan(v, n_, m_, d_, k_, instruction)), database_(std::move(file.rows)),
        queries_(spread_sample(database_, m_)) {}

  // A database smaller than k (blobs or a file) takes k = n: a run of every case on a small
  // file runs the k = 1024 entries too (the size label says "k = n").
  static int k_at_most_rows(int k, std::int64_t n) { return static_cast<int>(std::min<std::int64_t>(k, n)); }
  bool voting() const { return classes_ > 0; }
  static std::int64_t checked_rows(std::int64_t n, const std::string& name) {
    if (n < 1 || n > knn_max_rows) {
      throw usage_error(name + ": 1..2^31-1 database rows (got " + std::to_string(n) + ")");
    }
    return n;
  }
  std::size_t answer_size() const { return static_cast<std::size_t>(m_) * static_cast<std::size_t>(k_); }
  host_matrix database_host() const { return {database_.values.data(), n_, d_}; }
  host_matrix queries_host() const { return {queries_.values.data(), m_, d_}; }
  linalg::matrix_view<const float> view(const device_buffer<float>& m, std::int64_t rows) const {
    return linalg::row_major<const float>(m.data(), static_cast<int>(rows), static_cast<int>(d_));
  }

  std::string name_;
  int requested_k_;
  std::string input_;  // the CSV file, or "" for blobs
  std::int64_t n_, m_, d_;
  int k_;
  int classes_;  // the vote's labels are 0..classes_-1; 0: no labels, no vote
  std::string no_vote_;  // why a file's case does not vote
  knn_plan plan_;
  labelled_rows database_, queries_;
  device_buffer<float> database_device_, queries_device_, distances_;
  device_buffer<std::int32_t> labels_device_, ids_, predictions_;
  std::optional<knn_workspace> work_;
  std::vector<std::int64_t> which_;  // the queries the CPU answered
  knn_cpu_result expected_;
};

case_entry entry(knn_version v, int k, const std::string& what,
                 tf32_pass_instruction instruction = tf32_pass_instruction::best) {
  return {case_name(v, k, instruction),
          what + " (--size: database rows, default 1M; min(n, 10000) queries, 64 features, k = " + std::to_string(k) +
              "; or --input FILE.csv --columns ...: the file's rows)",
          one_case([v, k, instruction](const run_options& o) {
            if (const std::optional<csv_input> input = csv_input_of(o)) return make_knn_case(v, *input, k, instruction);
            return make_knn_case(v, static_cast<std::int64_t>(o.size.value_or(default_rows)), k, instruction);
          }),
          1001};  // check_size: the sabotage test runs 1001 queries on 1001 rows (k1024: k = n)
}

}  // namespace

std::unique_ptr<bench_case> make_knn_case(knn_version version, std::int64_t database_rows, int k,
                                          tf32_pass_instruction instruction) {
  return std::make_unique<knn_case>(version, database_rows, k, instruction);
}

std::unique_ptr<bench_case> make_knn_case(knn_version version, const csv_input& input, int k,
                                          tf32_pass_instruction instruction) {
  return std::make_unique<knn_case>(version, input, k, instruction);
}

std::vector<std::string> knn_compare(const std::vector<case_result>& results) {
  // One line per problem size (the label names n, queries and k), versions side by side.
  std::map<std::string, std::vector<const case_result*>> by_size;
  for (const case_result& r : results) {
    if (r.parameters.operation == "knn" && r.verified) by_size[r.size_label].push_back(&r);
  }
  std::vector<std::string> lines;
  for (const auto& [label, rows] : by_size) {
    std::string line = "kNN " + label + ": ";
    const case_result *naive = nullptr, *fused = nullptr, *tf32 = nullptr, *tf32_mma_sync = nullptr;
    for (const case_result* r : rows) {
      line += (r == rows.front() ? "" : ", ") + r->parameters.version + " " + format_fixed(r->gpu.median_ms, 2) + " ms (" +
              format_fixed(r->gigaflops() / 1e3, 1) + " TFLOP/s)";
      if (r->parameters.version == "naive") naive = r;
      if (r->parameters.version == "fused") fused = r;
      if (r->parameters.version == "tf32_rerank") tf32 = r;
      if (r->parameters.version == "tf32_rerank_mma_sync") tf32_mma_sync = r;
    }
    if (naive != nullptr && fused != nullptr) {
      line += "; fusing the selection: " + format_significant(naive->gpu.median_ms / fused->gpu.median_ms) + "x";
    }
    // The same search twice: a ratio only where the first ran wgmma (elsewhere both ran mma.sync).
    if (tf32 != nullptr && tf32_mma_sync != nullptr && tf32->verify_detail.find(wgmma_words) != std::string::npos) {
      line += "; tf32_rerank over its mma.sync pass: " +
              format_significant(tf32_mma_sync->gpu.median_ms / tf32->gpu.median_ms) + "x";
    }
    lines.push_back(line);
    for (const case_result* r : rows) {
      if (r->parameters.version.starts_with("tf32_rerank")) {
        lines.push_back("  " + r->parameters.version + ", " + label + ": " + r->verify_detail);
      }
    }
  }
  if (!by_size.empty()) {
    lines.push_back("kNN targets (H200, 1M x 64, 10000 queries, k = 10): fused <= 30 ms, tf32_rerank <= 8 ms with "
                    "recall 1.0; TFLOP/s against the header's FP32 peak (TF32 tensor cores: about 7x that)");
  }
  return lines;
}

std::vector<case_entry> knn_cases() {
  return {
      entry(knn_version::naive, 10, "kNN: the full distance matrix per batch of queries, then CUB's segmented sort"),
      entry(knn_version::fused, 10, "kNN: GEMM tiles with the top-k selection fused, no distance matrix"),
      entry(knn_version::tf32_rerank, 10,
            "kNN: TF32 tensor-core scores filtered under a proven bound, exact FP32 refine (Hopper: wgmma)"),
      entry(knn_version::tf32_rerank, 10, "kNN tf32_rerank with the filter's scores on mma.sync on every GPU",
            tf32_pass_instruction::mma_sync),
      entry(knn_version::fused, knn_max_k, "kNN fused with k = 1024 (threshold and collect)"),
      entry(knn_version::tf32_rerank, knn_max_k, "kNN tf32_rerank with k = 1024 (2048 candidates)"),
  };
}

}  // namespace gpulab::ml

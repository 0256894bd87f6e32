// SPDX-License-Identifier: MIT
// The k-means cases: kmeans_naive, kmeans_gemm, kmeans_fused, kmeans_tf32. Each clusters the
// same seeded blobs (or CSV rows) from the same k-means++ centres, computed once
// on the GPU in setup() (the CPU's k-means++ picks the same rows: tests/ml), runs
// a fixed number of Lloyd iterations on the GPU (tolerance 0: the host never
// waits inside the timed region) and the same on the CPU (Eigen, OpenMP), and
// compares labels, centroids and inertia.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <vector>

#include "gpulab/bench/runner.hpp"
#include "gpulab/core/checked_size.hpp"
#include "gpulab/core/error.hpp"
#include "gpulab/core/memory.hpp"
#include "gpulab/core/resources.hpp"
#include "gpulab/core/stream.hpp"
#include "gpulab/linalg/resources.hpp"
#include "gpulab/ml/blobs.hpp"
#include "gpulab/ml/cases.hpp"
#include "gpulab/ml/csv_features.hpp"
#include "gpulab/ml/kmeans_cpu.hpp"
#include "gpulab/ml/kmeans_lloyd.hpp"
#include "gpulab/ml/options.hpp"

namespace gpulab::ml {

namespace {

constexpr std::int64_t max_rows = std::int64_t{1} << 30;  // the labels and cuBLAS count rows in int

// How far the GPU may be from the CPU, and why:
// - near_tie_relative: a label may differ from the CPU's only where the point's two
//   squared distances (to the CPU's final centroids, in double) differ by less than
//   this times |x|^2 + |c_gpu|^2 + |c_cpu|^2. The GPU compares float distances (the
//   gemm version, and the fused one for k >= 32, in the expanded form, which cancels:
//   error ~ a few float epsilons (6e-8) times those norms) against centroids that
//   differ from the CPU's in the last float bits; 1e-5 covers both with room, and is
//   far below the gap of any point that is not on a boundary. At most
//   max_near_tie_fraction of the rows may be such near-ties.
// - centroid_relative: |c_gpu - c_cpu| <= this times (1 + max |x|). The GPU sums in
//   float per block and in double across blocks (~1e-7 relative), the CPU in double;
//   a near-tie point that went the other way in an iteration moves its centroids by
//   ~|x - c| / count (1e-5 of the scale for clusters of 100k points).
// - inertia_relative: the inertia is stationary at the means (its gradient is zero
//   there), so it agrees to float rounding of the distances: 1e-5.
constexpr double near_tie_relative = 1e-5;
constexpr double max_near_tie_fraction = 1e-3;
constexpr double centroid_relative = 1e-4;
constexpr double inertia_relative = 1e-5;

double squared_norm(const float* v, std::int64_t d) {
  double s = 0;
  for (std::int64_t j = 0; j < d; ++j) s += static_cast<double>(v[j]) * v[j];
  return s;
}
double squared_distance_double(const float* a, const float* b, std::int64_t d) {
  double s = 0;
  for (std::int64_t j = 0; j < d; ++j) {
    const double t = static_cast<double>(a[j]) - b[j];
    s += t * t;
  }
  return s;
}

class kmeans_case final : public bench_case {
 public:
  kmeans_case(kmeans_version version, kmeans_problem problem) : version_(version), problem_(std::move(problem)) {
    kmeans_params p;
    p.k = problem_.clusters;
    p.max_iterations = problem_.iterations;
    p.tolerance = 0;
    if (problem_.input.empty()) {
      if (problem_.rows > max_rows) {
        throw usage_error("kmeans: at most 2^30 rows (got " + std::to_string(problem_.rows) + ")");
      }
      validate_kmeans(p, problem_.rows, problem_.features);
      (void)checked_multiply(static_cast<std::uint64_t>(problem_.rows),
                             static_cast<std::uint64_t>(problem_.features) * 64, "kmeans");
    } else {  // read now: a bad file or column is refused before any GPU work
      x_host_ = load_features_host(problem_.input, problem_.columns);
      problem_.rows = x_host_.rows;
      problem_.features = static_cast<int>(x_host_.cols);
      validate_kmeans(p, problem_.rows, problem_.features);
    }
    if (std::string too_big = kmeans_shared_memory_problem(version_, problem_.clusters, problem_.features);
        !too_big.empty()) {
      throw usage_error(std::move(too_big));
    }
  }

  std::string name() const override { return std::string("kmeans_") + kmeans_version_name(version_); }
  case_parameters parameters() const override { return {"kmeans", kmeans_version_name(version_), "float"}; }
  std::string size_label() const override {
    std::ostringstream label;
    if (!problem_.input.empty()) label << problem_.input << ": ";
    label << problem_.rows << " x " << problem_.features << ", k = " << problem_.clusters << ", "
          << problem_.iterations << " it";
    return label.str();
  }
  double size_value() const override { return static_cast<double>(problem_.rows); }

  std::size_t device_bytes_needed() const override {
    const auto n = static_cast<std::size_t>(problem_.rows), d = static_cast<std::size_t>(problem_.features),
               k = static_cast<std::size_t>(problem_.clusters);
    return n * d * 4 + n * 4 + 3 * k * d * 4 + n * 4 /* k-means++ weights */ + 64 * 1024 +
           lloyd_runner::device_bytes(version_, problem_.rows, problem_.features, problem_.clusters);
  }
  std::size_t host_bytes_needed() const override {
    const auto n = static_cast<std::size_t>(problem_.rows), d = static_cast<std::size_t>(problem_.features),
               k = static_cast<std::size_t>(problem_.clusters);
    return n * d * 4 + 4 * n * 4 + 4 * k * d * 8 * 64 /* per-thread sums */ + 1024 * (d + k) * 8 * 64;
  }
  // The least any version must move: X read once per pass (the iterations and the
  // final labelling), the labels and centroids written once. FLOPs: 3 per feature
  // per (point, centroid) pair per pass (subtract, multiply, add).
  work_amount work() const override {
    const double n = static_cast<double>(problem_.rows), d = problem_.features, k = problem_.clusters;
    const double passes = problem_.iterations + 1.0;
    return {.bytes_read = passes * n * d * 4.0, .bytes_written = n * 4.0 + k * d * 4.0, .flops = passes * 3.0 * n * k * d};
  }
  // The CPU does 2 n k d FLOPs per pass in Eigen's GEMM (double, every core).
  double estimated_cpu_seconds() const override {
    const double n = static_cast<double>(problem_.rows), d = problem_.features, k = problem_.clusters;
    return (problem_.iterations + 1.0) * 2.0 * n * k * d / 50e9;
  }

  void attach(resources& res) override {
    if (version_ == kmeans_version::gemm) blas_ = &linalg::blas(res);
  }

  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    if (problem_.input.empty()) {
      blobs_params b;
      b.rows = problem_.rows;
      b.features = problem_.features;
      b.centres = problem_.clusters;
      b.seed = seed;
      x_host_ = make_blobs_host(b).points;
    }  // else: the CSV's rows, read by the constructor
    const auto n = static_cast<std::size_t>(problem_.rows);
    const auto kd = static_cast<std::size_t>(problem_.clusters) * static_cast<std::size_t>(problem_.features);
    x_ = upload_features(x_host_, s);
    require_finite(x_.view(), s, "kmeans " + size_label());
    // k-means++ once, on the GPU; the CPU starts from the same centres.
    initial_ = device_buffer<float>(kd, s);
    device_buffer<std::int64_t> rows(static_cast<std::size_t>(problem_.clusters), s);
    kmeans_plus_plus_async(x_.view(), problem_.clusters, seed, initial_.span(), rows.span(), s);
    initial_host_ = download(initial_, s);
    centroids_ = device_buffer<float>(kd, s);
    labels_ = device_buffer<std::int32_t>(n, s);
    inertia_ = device_buffer<double>(1, s);
    if (version_ == kmeans_version::gemm && blas_ == nullptr) {
      throw usage_error(name() + ": attach(resources) first (the gemm version needs the device's cuBLAS handle)");
    }
    runner_.emplace(version_, x_.view(), problem_.clusters, blas_, s);
    scale_ = 0;
    for (const float v : x_host_.values) scale_ = std::max(scale_, static_cast<double>(std::abs(v)));
    synchronize(s);
  }

  void run_cpu() override {
    expected_ = kmeans_fit_cpu(x_host_, problem_.clusters, initial_host_, problem_.iterations, 0.0);
  }

  std::vector<output_region> outputs() override {
    return {output_of(centroids_.data(), centroids_.size()), output_of(labels_.data(), labels_.size()),
            output_of(inertia_.data(), 1)};
  }

  // [snippet:kmeans_case_run]
  void run_gpu(cuda::stream_ref s) override {
    GPULAB_CUDA_TRY(cudaMemcpyAsync(centroids_.data(), initial_.data(), initial_.bytes(), cudaMemcpyDeviceToDevice,
                                    s.get()));
    (void)runner_->run_async(centroids_.data(), labels_.data(), problem_.iterations, 0.0, s);
    GPULAB_CUDA_TRY(cudaMemcpyAsync(inertia_.data(), runner_->inertia_on_device(), sizeof(double),
                                    cudaMemcpyDeviceToDevice, s.get()));
  }
  // [/snippet:kmeans_case_run]

  verification verify(cuda::stream_ref s) override {
    const std::vector<float> centroids = download(centroids_, s);
    const std::vector<std::int32_t> labels = download(labels_, s);
    const double inertia = download(inertia_, s).front();
    const std::int64_t d = problem_.features;
    const int k = problem_.clusters;
    verification v;
    v.check = "vs CPU, same k-means++ centres";
    std::ostringstream detail;
    // Labels: equal, or a near-tie (see near_tie_relative).
    std::int64_t wrong = 0, near_ties = 0, first_wrong = -1;
    for (std::size_t i = 0; i < labels.size(); ++i) {
      const std::int32_t got = labels[i], want = expected_.labels[i];
      if (got == want) continue;
      bool tie = false;
      if (got >= 0 && got < k) {
        const float* x = x_host_.values.data() + static_cast<std::int64_t>(i) * d;
        const float* c_got = expected_.centroids.data() + static_cast<std::int64_t>(got) * d;
        const float* c_want = expected_.centroids.data() + static_cast<std::int64_t>(want) * d;
        const double gap = squared_distance_double(x, c_got, d) - squared_distance_double(x, c_want, d);
        const double bound = near_tie_relative * (squared_norm(x, d) + squared_norm(c_got, d) + squared_norm(c_want, d));
        tie = std::abs(gap) <= bound;
      }
      if (tie) {
        ++near_ties;
      } else {
        ++wrong;
        if (first_wrong < 0) first_wrong = static_cast<std::int64_t>(i);
      }
    }
    const auto allowed_ties = static_cast<std::int64_t>(max_near_tie_fraction * static_cast<double>(labels.size()));
    const bool labels_ok = wrong == 0 && near_ties <= allowed_ties;
    detail << "labels: " << wrong << " differ";
    if (first_wrong >= 0) {
      detail << " (first row " << first_wrong << ": " << labels[static_cast<std::size_t>(first_wrong)] << ", expected "
             << expected_.labels[static_cast<std::size_t>(first_wrong)] << ")";
    }
    detail << ", " << near_ties << " near-ties (<= " << allowed_ties << ")";
    // Centroids.
    const double centroid_tol = centroid_relative * (1.0 + scale_);
    double worst = 0;
    bool centroids_ok = true;
    for (std::size_t e = 0; e < centroids.size(); ++e) {
      const double err = std::abs(static_cast<double>(centroids[e]) - expected_.centroids[e]);
      if (!(err <= centroid_tol)) centroids_ok = false;  // NaN fails too
      worst = std::max(worst, std::isnan(err) ? HUGE_VAL : err);
    }
    detail << "; centroids max err " << worst << " (tol " << centroid_tol << ")";
    // Inertia.
    const double inertia_err = std::abs(inertia - expected_.inertia) / std::max(expected_.inertia, 1e-30);
    const bool inertia_ok = inertia_err <= inertia_relative;  // NaN fails
    detail << "; inertia " << inertia << " (CPU " << expected_.inertia << ", rel err " << inertia_err << ", tol "
           << inertia_relative << ")";
    // The tensor-core versions say where their scores ran; tf32 also how many labels its TF32
    // scores could not prove (what its lesson is about).
    const bool tf32 = version_ == kmeans_version::tf32;
    if (tf32 || version_ == kmeans_version::split_tf32) {
      if (!runner_->uses_tensor_cores()) {
        detail << "; " << kmeans_tf32_fallback_words << " (no " << (tf32 ? "TF32" : "wgmma")
               << " kernel for this shape or GPU)";
      } else if (tf32) {
        const double passes = static_cast<double>(problem_.iterations + 1) * static_cast<double>(labels.size());
        const unsigned long long rescored = runner_->rescored(s);
        detail << "; " << kmeans_tf32_rescored_words << ": " << rescored << " of " << passes << " ("
               << 100.0 * static_cast<double>(rescored) / passes << "%)";
      } else {
        detail << "; " << kmeans_split_tf32_wgmma_words;
      }
    }
    // The plain fused kernel says which sums it kept (kmeans_warp_sums.cuh: small k x d).
    if (runner_->uses_warp_sums()) detail << "; " << kmeans_warp_sums_words;
    v.passed = labels_ok && centroids_ok && inertia_ok;
    v.detail = detail.str();
    return v;
  }

 private:
  kmeans_version version_;
  kmeans_problem problem_;
  linalg::blas_handle* blas_ = nullptr;  // the device's (attach), gemm only
  host_features x_host_;
  feature_matrix x_;
  std::vector<float> initial_host_;
  device_buffer<float> initial_, centroids_;
  device_buffer<std::int32_t> labels_;
  device_buffer<double> inertia_;
  std::optional<lloyd_runner> runner_;
  kmeans_cpu_result expected_;
  double scale_ = 0;  // max |x|
};

int or_preset(std::int64_t value, int preset) { return value > 0 ? static_cast<int>(value) : preset; }

}  // namespace

std::vector<kmeans_problem> kmeans_problems(const run_options& options) {
  const std::int64_t features = features_option.integer(options), clusters = clusters_option.integer(options),
                     iterations = iterations_option.integer(options);
  if (const std::optional<csv_input> input = csv_input_of(options)) {  // k-means has no target: it is not read
    if (features != 0) throw usage_error("--features and --input: the columns are the features; give one of them");
    kmeans_problem p{0, 0, or_preset(clusters, 8), or_preset(iterations, 20), input->path, input->columns};
    p.features = static_cast<int>(p.columns.size());
    return {p};
  }
  if (options.size) {
    return {{static_cast<std::int64_t>(*options.size), or_preset(features, 16), or_preset(clusters, 8),
             or_preset(iterations, 20)}};
  }
  return {{1'000'000, or_preset(features, 16), or_preset(clusters, 8), or_preset(iterations, 20)},
          {10'000'000, or_preset(features, 32), or_preset(clusters, 64), or_preset(iterations, 10)}};
}

std::unique_ptr<bench_case> make_kmeans_case(kmeans_version version, const kmeans_problem& problem) {
  return std::make_unique<kmeans_case>(version, problem);
}

std::vector<std::unique_ptr<bench_case>> kmeans_cases(kmeans_version version, const run_options& options) {
  std::vector<std::unique_ptr<bench_case>> cases;
  for (const kmeans_problem& p : kmeans_problems(options)) cases.push_back(make_kmeans_case(version, p));
  return cases;
}

std::vector<case_entry> kmeans_case_entries() {
  const auto entry = [](kmeans_version version) -> case_maker {
    return [version](const run_options& options) { return kmeans_cases(version, options); };
  };
  // At check_size the cases take k = 8 (the plain fused kernel); k = 64 at 32 features also
  // reaches the register-tiled and the tf32 kernels (k >= 32): the sabotage test checks both.
  const std::vector<case_entry::check_variant> k64 = {{"_k64", {{"clusters", "64"}, {"features", "32"}}}};
  return {
      {"kmeans_naive",
       "k-means, the n x k distance matrix written, then an argmin (--size: rows; default 1M x 16 k 8 "
       "and 10M x 32 k 64)",
       entry(kmeans_version::naive), 10007, k64},
      {"kmeans_gemm",
       "k-means, |c|^2 - 2 x.c with cuBLAS SGEMM, then an argmin (--size: rows; default 1M x 16 k 8 and "
       "10M x 32 k 64)",
       entry(kmeans_version::gemm), 10007, k64},
      {"kmeans_fused",
       "k-means, one pass over X: centroids in shared memory, per-block sums (--size: rows; default 1M x "
       "16 k 8 and 10M x 32 k 64)",
       entry(kmeans_version::fused), 10007, k64},
      {"kmeans_tf32",
       "k-means, the fused pass with TF32 tensor-core scores; labels their error bound cannot prove are "
       "scored again in float (--size: rows; default 1M x 16 k 8 and 10M x 32 k 64)",
       entry(kmeans_version::tf32), 10007, k64},
      {"kmeans_split_tf32",
       "k-means, the fused pass with the products on Hopper's wgmma, each float split into two TF32 "
       "numbers: float's accuracy; each warp sums its own points (--size: rows; default 1M x 16 k 8 and "
       "10M x 32 k 64)",
       entry(kmeans_version::split_tf32), 10007, k64},
  };
}

}  // namespace gpulab::ml

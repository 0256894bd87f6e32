// SPDX-License-Identifier: MIT
// GEMM in four precisions, and matrix power by repeated squaring.
//
// Verification of an 8192 x 8192 product cannot recompute it on the CPU in
// FP64 (1.1 TFLOP), and need not:
//   - sampled elements: 1000 elements of C (corners included) are recomputed in
//     FP64 from the same double inputs; each must lie within the precision's
//     worst-case error bound (gemm_error_bound), and together they state the
//     mode's accuracy against FP64;
//   - a probe for the whole output: C x = A (B x) for a random x, row by row,
//     within the same bound. Every element of C enters C x, so a NaN (poison)
//     or a grossly wrong element anywhere fails.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <vector>

#include "eigen_bridge.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/cases.hpp"
#include "gpulab/linalg/flops.hpp"
#include "gpulab/linalg/matrix_power.hpp"
#include "gpulab/linalg/resources.hpp"

namespace gpulab::linalg {

const char* gemm_case_name(gemm_precision p) {
  switch (p) {
    case gemm_precision::fp64: return "dgemm";
    case gemm_precision::fp32: return "sgemm";
    case gemm_precision::tf32: return "tf32_gemm";
    case gemm_precision::bf16: return "bf16_gemm";
  }
  return "?";
}

double gemm_error_bound(gemm_precision p, int k) {
  const double fp64 = std::ldexp(1.0, -53), fp32 = std::ldexp(1.0, -24);
  const double tf32 = std::ldexp(1.0, -11), bf16 = std::ldexp(1.0, -8);  // unit roundoffs
  switch (p) {
    case gemm_precision::fp64: return k * fp64;  // the inputs are exact
    case gemm_precision::fp32: return 2 * fp32 + k * fp32;
    case gemm_precision::tf32: return 2 * tf32 + k * fp32;
    case gemm_precision::bf16: return 2 * bf16 + k * fp32;
  }
  return 0;
}

namespace {

using detail::eigen_matrix;
using detail::view;

constexpr int cpu_baseline_limit = 4096;  // above this Eigen needs seconds per GEMM: no CPU column
constexpr int sample_count = 1000;

// Inputs with all 53 bits of a double random. (Numbers with 24 random bits
// would make every product and sum exact in FP64 and hide DGEMM's rounding.)
host_matrix<double> random_full_precision_matrix(int n, std::uint64_t seed) {
  host_matrix<double> m(n, n);
  const auto count = static_cast<std::int64_t>(m.data.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < count; ++i) {
    const std::uint64_t bits = splitmix64(seed ^ static_cast<std::uint64_t>(i) * 0x9E3779B97F4A7C15ull) >> 11;
    m.data[static_cast<std::size_t>(i)] = 2.0 * std::ldexp(static_cast<double>(bits), -53) - 1.0;  // [-1, 1)
  }
  return m;
}

// The device's cuBLAS handle that attach() gave the case; setup() must run on its stream.
blas_handle& attached(blas_handle* blas, const std::string& name, cuda::stream_ref s) {
  if (blas == nullptr || blas->stream() != s) {
    throw usage_error(name + ": attach(resources) first, then setup() on the resources' stream");
  }
  return *blas;
}

// What the GEMM modes are called in the report's fields.
const char* precision_name(gemm_precision p) {
  switch (p) {
    case gemm_precision::fp64: return "fp64";
    case gemm_precision::fp32: return "fp32";
    case gemm_precision::tf32: return "tf32";
    case gemm_precision::bf16: return "bf16";
  }
  return "?";
}

// One sampled element of C with its FP64 value and its error scale sum_k |a_ik| |b_kj|.
struct sampled_element {
  int i = 0, j = 0;
  double exact = 0, scale = 0;
};

template <class In, class Out>
class gemm_case final : public bench_case {
 public:
  gemm_case(gemm_precision p, int n) : precision_(p), n_(n) {
    if (n < 1 || n > max_gemm_dimension) {
      throw usage_error("GEMM size must be 1.." + std::to_string(max_gemm_dimension) + ", got " +
                        std::to_string(n));
    }
  }

  std::string name() const override { return gemm_case_name(precision_); }
  case_parameters parameters() const override {
    const char* type = std::is_same_v<In, double> ? "double" : std::is_same_v<In, bf16> ? "bf16" : "float";
    return {"gemm", precision_name(precision_), type};
  }
  std::string size_label() const override { return std::to_string(n_) + " x " + std::to_string(n_); }
  double size_value() const override { return n_; }
  std::size_t device_bytes_needed() const override { return elements() * (2 * sizeof(In) + sizeof(Out)); }
  work_amount work() const override { return {0.0, gemm_flops(n_, n_, n_)}; }
  peak_kind peak() const override { return peak_kind::none; }
  bool has_cpu_baseline() const override { return n_ <= cpu_baseline_limit; }
  bool flush_l2() const override { return false; }  // compute-bound: L2 contents do not matter

  void attach(resources& res) override { blas_ = &blas(res); }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    (void)attached(blas_, name(), s);
    a_ = random_full_precision_matrix(n_, seed);
    b_ = random_full_precision_matrix(n_, seed + 1);
    a_device_ = upload(a_, s);
    b_device_ = upload(b_, s);
    c_device_ = device_buffer<Out>(elements(), s);
    prepare_samples(seed + 2);
    prepare_probe(seed + 3);
  }

  // The baseline: Eigen's GEMM on all cores, in double for DGEMM and in float
  // for the others (the CPU has no TF32 or BF16 units to compare with).
  void run_cpu() override {
    if (!has_cpu_baseline()) return;
    if constexpr (std::is_same_v<Out, double>) {
      (void)gemm(a_, b_);
    } else {
      if (a_float_.data.empty()) a_float_ = to_float_matrix(a_), b_float_ = to_float_matrix(b_);
      (void)gemm(a_float_, b_float_);
    }
  }

  void poison_outputs(cuda::stream_ref s) override { c_device_.fill_bytes_async(0xFF, s); }

  // [snippet:gemm_case_run]
  void run_gpu(cuda::stream_ref) override {
    const auto a = column_major<const In>(a_device_.data(), n_, n_);
    const auto b = column_major<const In>(b_device_.data(), n_, n_);
    const auto c = column_major<Out>(c_device_.data(), n_, n_);
    if constexpr (std::is_same_v<In, bf16>) {
      gemm_bf16_async(*blas_, 1.0f, a, b, 0.0f, c);
    } else {
      const float_math math =
          precision_ == gemm_precision::tf32 ? float_math::tf32 : float_math::fp32;
      gemm_async<In>(*blas_, In{1}, a, b, In{0}, c, math);
    }
  }
  // [/snippet:gemm_case_run]

  verification verify(cuda::stream_ref s) override {
    std::vector<Out> c(elements());
    copy_to_host_async(c_device_, std::span<Out>(c), s);
    synchronize(s);
    const double bound = gemm_error_bound(precision_, n_);
    // Samples: the accuracy against FP64.
    double error_sq = 0, exact_sq = 0, worst = 0;
    bool finite = true;
    for (const sampled_element& e : samples_) {
      const double got = static_cast<double>(c[index(e.i, e.j)]);
      finite = finite && std::isfinite(got);
      error_sq += (got - e.exact) * (got - e.exact);
      exact_sq += e.exact * e.exact;
      worst = std::max(worst, std::abs(got - e.exact) / e.scale);
    }
    const double normwise = std::sqrt(error_sq / exact_sq);
    const std::string accuracy = "vs FP64: rel err " + format_significant(normwise) + ", max " +
                                 format_significant(worst) + " x sum|a||b| (bound " + format_significant(bound) + ")";
    if (!finite || !(worst <= bound)) return {false, "sampled elements " + accuracy};
    // Probe: every element of C.
    std::vector<double> cx(static_cast<std::size_t>(n_), 0.0);
    for (int j = 0; j < n_; ++j) {
      const double xj = probe_x_[static_cast<std::size_t>(j)];
      for (int i = 0; i < n_; ++i) cx[static_cast<std::size_t>(i)] += static_cast<double>(c[index(i, j)]) * xj;
    }
    const double probe_bound = bound + 4.0 * n_ * std::ldexp(1.0, -53);
    for (int i = 0; i < n_; ++i) {
      const auto k = static_cast<std::size_t>(i);
      if (!(std::abs(cx[k] - probe_exact_[k]) <= probe_bound * probe_scale_[k] + 1e-300)) {
        return {false, "row " + std::to_string(i) + " of C x differs from A (B x) by " +
                           format_significant(std::abs(cx[k] - probe_exact_[k])) + "; " + accuracy};
      }
    }
    return {true, accuracy};
  }

 private:
  std::size_t elements() const { return static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_); }
  std::size_t index(int i, int j) const { return static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * n_; }

  static device_buffer<In> upload(const host_matrix<double>& m, cuda::stream_ref s) {
    std::vector<In> converted(m.data.size());
    for (std::size_t i = 0; i < converted.size(); ++i) {
      if constexpr (std::is_same_v<In, bf16>) {
        converted[i] = to_bf16(static_cast<float>(m.data[i]));
      } else {
        converted[i] = static_cast<In>(m.data[i]);
      }
    }
    device_buffer<In> d(converted.size(), s);
    copy_to_device_async(std::span<const In>(converted), d, s);
    synchronize(s);  // `converted` is freed on return
    return d;
  }

  static host_matrix<float> to_float_matrix(const host_matrix<double>& m) {
    host_matrix<float> f(m.rows, m.cols);
    std::transform(m.data.begin(), m.data.end(), f.data.begin(), [](double v) { return static_cast<float>(v); });
    return f;
  }

  void prepare_samples(std::uint64_t seed) {
    std::vector<float> u(2 * sample_count);
    fill_uniform(u, seed, 0.0f, 1.0f);
    samples_.clear();
    const int last = n_ - 1;
    for (auto [i, j] : {std::pair{0, 0}, std::pair{last, last}, std::pair{0, last}, std::pair{last, 0}}) {
      samples_.push_back({i, j});
    }
    for (int s = 0; s < sample_count; ++s) {
      samples_.push_back({std::min(last, static_cast<int>(u[2 * s] * static_cast<float>(n_))),
                          std::min(last, static_cast<int>(u[2 * s + 1] * static_cast<float>(n_)))});
    }
#pragma omp parallel for
    for (std::size_t s = 0; s < samples_.size(); ++s) {
      sampled_element& e = samples_[s];
      double sum = 0, scale = 0;
      for (int k = 0; k < n_; ++k) {
        sum += a_(e.i, k) * b_(k, e.j);
        scale += std::abs(a_(e.i, k)) * std::abs(b_(k, e.j));
      }
      e.exact = sum;
      e.scale = scale > 0 ? scale : 1e-300;
    }
  }

  void prepare_probe(std::uint64_t seed) {
    std::vector<float> x(static_cast<std::size_t>(n_));
    fill_uniform(x, seed, -1.0f, 1.0f);
    const Eigen::VectorXd probe = Eigen::Map<const Eigen::VectorXf>(x.data(), n_).cast<double>();
    const Eigen::VectorXd exact = view(a_) * (view(b_) * probe);
    const Eigen::VectorXd scale = view(a_).cwiseAbs() * (view(b_).cwiseAbs() * probe.cwiseAbs());
    probe_x_.assign(probe.data(), probe.data() + n_);
    probe_exact_.assign(exact.data(), exact.data() + n_);
    probe_scale_.assign(scale.data(), scale.data() + n_);
  }

  gemm_precision precision_;
  int n_;
  host_matrix<double> a_, b_;
  host_matrix<float> a_float_, b_float_;
  device_buffer<In> a_device_, b_device_;
  device_buffer<Out> c_device_;
  blas_handle* blas_ = nullptr;  // the device's (attach)
  std::vector<sampled_element> samples_;
  std::vector<double> probe_x_, probe_exact_, probe_scale_;
};

// A^p, p = 10 by default, by repeated squaring (matrix_power.hpp).
class matrix_power_case final : public bench_case {
 public:
  matrix_power_case(int n, int power) : n_(n), power_(power) {
    if (n < 1 || n > max_matrix_dimension) {
      throw usage_error("matrix_power: matrix size must be 1.." + std::to_string(max_matrix_dimension) + ", got " +
                        std::to_string(n));
    }
    if (power < 0) throw usage_error("--power must be >= 0, got " + std::to_string(power));
  }
  std::string name() const override { return "matrix_power"; }
  case_parameters parameters() const override { return {"matrix_power", "repeated_squaring", "double"}; }
  std::string size_label() const override {
    return std::to_string(n_) + " x " + std::to_string(n_) + ", p = " + std::to_string(power_);
  }
  double size_value() const override { return n_; }
  std::size_t device_bytes_needed() const override { return 5 * elements() * sizeof(double); }
  work_amount work() const override { return {0.0, matrix_power_flops(n_, static_cast<std::uint32_t>(power_))}; }
  peak_kind peak() const override { return peak_kind::none; }
  bool flush_l2() const override { return false; }

  void attach(resources& res) override { blas_ = &blas(res); }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    // Scaled so that A^p neither overflows nor vanishes: entries ~ 1/sqrt(n) keep the norm near 1.
    a_ = random_matrix<double>(n_, n_, seed);
    const double scale = 1.7 / std::sqrt(static_cast<double>(n_));
    for (double& v : a_.data) v *= scale;
    a_device_ = copy_to_device(a_, s);
    plan_.emplace(attached(blas_, name(), s), n_);
  }
  void run_cpu() override { expected_ = matrix_power(a_, power_); }
  void poison_outputs(cuda::stream_ref s) override {
    // The plan ping-pongs between buffers: one run says which one holds the result, then poison it.
    plan_->compute_async(a_device_.view(), power_);
    poison_async(plan_->result(), s);
  }
  void run_gpu(cuda::stream_ref) override { plan_->compute_async(a_device_.view(), power_); }
  verification verify(cuda::stream_ref s) override {
    const host_matrix<double> got = copy_to_host(plan_->result(), s);
    const double error = relative_difference(got, expected_);
    const double tolerance = 100.0 * std::max(1, power_) * std::sqrt(static_cast<double>(n_)) * std::ldexp(1.0, -53);
    return {error <= tolerance, "||GPU - CPU|| / ||CPU|| = " + format_significant(error) + " (tol " +
                                    format_significant(tolerance) + ", " +
                                    std::to_string(matrix_power_gemms(static_cast<std::uint32_t>(power_))) +
                                    " GEMMs)"};
  }

 private:
  std::size_t elements() const { return static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_); }
  int n_, power_;
  host_matrix<double> a_, expected_;
  device_matrix<double> a_device_;
  blas_handle* blas_ = nullptr;  // the device's (attach)
  std::optional<matrix_power_plan<double>> plan_;
};

}  // namespace

std::unique_ptr<bench_case> make_gemm_case(gemm_precision p, int n) {
  switch (p) {
    case gemm_precision::fp64: return std::make_unique<gemm_case<double, double>>(p, n);
    case gemm_precision::fp32:
    case gemm_precision::tf32: return std::make_unique<gemm_case<float, float>>(p, n);
    case gemm_precision::bf16: return std::make_unique<gemm_case<bf16, float>>(p, n);
  }
  throw usage_error("unknown GEMM precision");
}

std::unique_ptr<bench_case> make_matrix_power_case(int n, int power) {
  return std::make_unique<matrix_power_case>(n, power);
}

}  // namespace gpulab::linalg

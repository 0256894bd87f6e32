// SPDX-License-Identifier: MIT
// GEMM in four precisions, and matrix power by repeated squaring.
//
// Verification of an 8192 x 8192 product cannot recompute it on the CPU in
// FP64 (1.1 TFLOP), and need not: the CPU's GEMM is only the baseline. Two
// checks need only the inputs and O(n^2) work, so they run at every size:
//   - sampled elements: 1000 elements of C (corners included) are recomputed in
//     FP64 from the double inputs; each must lie within the precision's
//     worst-case error bound (gemm_error_bound), and together they state the
//     mode's accuracy against FP64;
//   - Freivalds' test (freivalds.hpp) for the whole output: C x = A (B x) for
//     three random x, computed from the inputs exactly as the GPU got them, so
//     that only the rounding of the sums is allowed (gemm_sum_error_bound).
//     Every element of C enters C x: a NaN, a zero or one wrong element fails.
#include <algorithm>
#include <bit>
#include <cmath>
#include <optional>
#include <vector>

#include "eigen_bridge.hpp"
#include "gpulab/bench/inputs.hpp"
#include "gpulab/core/format.hpp"
#include "gpulab/linalg/blas.hpp"
#include "gpulab/linalg/cases.hpp"
#include "gpulab/linalg/flops.hpp"
#include "gpulab/linalg/freivalds.hpp"
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

namespace {

// Higham's gamma_k = k u / (1 - k u): the relative error of a sum of k products,
// in any order, each operation rounded with unit roundoff u.
double gamma(int k, double u) { return k * u / (1.0 - k * u); }

}  // namespace

double gemm_sum_error_bound(gemm_precision p, int k) {
  switch (p) {
    case gemm_precision::fp64: return gamma(k, std::ldexp(1.0, -53));
    case gemm_precision::fp32: return gamma(k, std::ldexp(1.0, -24));
    // Tensor cores may truncate instead of rounding (Fasi, Higham, Mikaitis and
    // Pranesh, 2021, measured it): twice FP32's unit roundoff per operation.
    case gemm_precision::tf32:
    case gemm_precision::bf16: return gamma(k, std::ldexp(1.0, -23));
  }
  return 0;
}

double gemm_error_bound(gemm_precision p, int k) {
  // Each double input rounded to the input format (through float for TF32 and
  // BF16: e adds both roundings) is off by e relative; a product of two by (1 + e)^2 - 1.
  const double fp32 = std::ldexp(1.0, -24);
  double e = 0;
  switch (p) {
    case gemm_precision::fp64: e = 0; break;
    case gemm_precision::fp32: e = fp32; break;
    case gemm_precision::tf32: e = std::ldexp(1.0, -11) + fp32; break;
    case gemm_precision::bf16: e = std::ldexp(1.0, -8) + fp32; break;
  }
  const double inputs = (1 + e) * (1 + e) - 1;
  // The sums' error is relative to the rounded inputs' |a||b|, at most (1 + inputs) times the exact ones'.
  return inputs + gemm_sum_error_bound(p, k) * (1 + inputs);
}

namespace {

using detail::view;

constexpr int sample_count = 1000;
// Wrong elements of one row could cancel in C x for one x, hardly for three.
constexpr int freivalds_probe_count = 3;
// The CPU baselines (Eigen's blocked GEMM on all cores) beat the runner's 10
// GFLOP/s default for plain loops: a conservative guess for a small node.
constexpr double eigen_gemm_flops_per_second = 50e9;

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

// TF32 keeps 10 of float's 23 mantissa bits: round the other 13 away (to
// nearest, ties to even). The inputs are finite and small: no overflow.
float round_to_tf32(float v) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(v);
  const std::uint32_t rounding = 0x0FFFu + ((bits >> 13) & 1u);
  return std::bit_cast<float>((bits + rounding) & ~0x1FFFu);
}

// What the GPU multiplies: `v` rounded to the precision's input format. TF32 is
// rounded here rather than left to the tensor cores (cuBLAS does not say how
// they round), so that the host knows the GPU's inputs exactly.
double as_gpu_input(double v, gemm_precision p) {
  switch (p) {
    case gemm_precision::fp64: return v;
    case gemm_precision::fp32: return static_cast<float>(v);
    case gemm_precision::tf32: return round_to_tf32(static_cast<float>(v));
    case gemm_precision::bf16: return to_float(to_bf16(static_cast<float>(v)));
  }
  return v;
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
  // n <= 131072: n^2 times a few dozen bytes cannot wrap.
  std::size_t host_bytes_needed() const override {
    const std::size_t cpu_inputs = std::is_same_v<Out, double> ? 0 : 2 * sizeof(float);  // the float baseline's copies
    const std::size_t cpu_product = std::is_same_v<Out, double> ? sizeof(double) : sizeof(float);
    // A and B in double, one converted upload at a time, the baseline, the GPU's C in verify().
    return elements() * (2 * sizeof(double) + sizeof(In) + cpu_inputs + cpu_product + sizeof(Out)) +
           static_cast<std::size_t>(n_) * 64 * sizeof(double);  // probes and their products
  }
  // Compute-bound: TFLOP/s is the measure, so no bytes are declared.
  work_amount work() const override { return {.flops = gemm_flops(n_, n_, n_)}; }
  peak_kind peak() const override { return peak_kind::none; }
  double estimated_cpu_seconds() const override { return gemm_flops(n_, n_, n_) / eigen_gemm_flops_per_second; }
  bool flush_l2() const override { return false; }  // compute-bound: L2 contents do not matter
  // verify() never reads the CPU's product: the samples and Freivalds' test need
  // only the inputs, so skipping the CPU (use_scalable_check) changes nothing there.
  bool has_scalable_check() const override { return true; }

  void attach(resources& res) override { blas_ = &blas(res); }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    (void)attached(blas_, name(), s);
    a_ = random_full_precision_matrix(n_, seed);
    b_ = random_full_precision_matrix(n_, seed + 1);
    prepare_samples(seed + 2);  // against the double inputs: the mode's whole error
    // From here on A and B are what the GPU multiplies.
    for (double& v : a_.data) v = as_gpu_input(v, precision_);
    for (double& v : b_.data) v = as_gpu_input(v, precision_);
    a_device_ = upload(a_, s);
    b_device_ = upload(b_, s);
    c_device_ = device_buffer<Out>(elements(), s);
    probes_ = make_freivalds_probes(a_, b_, freivalds_probe_count, seed + 3);
  }

  // The baseline: Eigen's GEMM on all cores, in double for DGEMM and in float
  // for the others (the CPU has no TF32 or BF16 units to compare with).
  void run_cpu() override {
    if constexpr (std::is_same_v<Out, double>) {
      (void)gemm(a_, b_);
    } else {
      if (a_float_.data.empty()) a_float_ = to_float_matrix(a_), b_float_ = to_float_matrix(b_);
      (void)gemm(a_float_, b_float_);
    }
  }

  std::vector<output_region> outputs() override { return {output_of(c_device_.data(), elements())}; }

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
    if (!finite || !(worst <= bound)) return {false, "sampled elements " + accuracy, "Freivalds"};
    // Freivalds' test: every element of C, within the bound of the sums alone.
    verification whole = freivalds_check(std::span<const Out>(c), n_, probes_, gemm_sum_error_bound(precision_, n_));
    if (whole.passed) whole.detail = accuracy;  // the row's accuracy statement; Freivalds' margin only when it fails
    return whole;
  }

 private:
  std::size_t elements() const { return static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_); }
  std::size_t index(int i, int j) const { return static_cast<std::size_t>(i) + static_cast<std::size_t>(j) * n_; }

  // A and B hold values the input format represents exactly: the conversion is exact.
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

  gemm_precision precision_;
  int n_;
  host_matrix<double> a_, b_;  // after setup(): exactly the GPU's inputs
  host_matrix<float> a_float_, b_float_;
  device_buffer<In> a_device_, b_device_;
  device_buffer<Out> c_device_;
  blas_handle* blas_ = nullptr;  // the device's (attach)
  std::vector<sampled_element> samples_;
  std::vector<freivalds_probe> probes_;
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
  // A, the CPU's A^p and Eigen's three work matrices (result, square, product), the GPU's A^p in verify().
  std::size_t host_bytes_needed() const override { return 6 * elements() * sizeof(double); }
  work_amount work() const override { return {.flops = matrix_power_flops(n_, static_cast<std::uint32_t>(power_))}; }
  peak_kind peak() const override { return peak_kind::none; }
  double estimated_cpu_seconds() const override {
    return matrix_power_flops(n_, static_cast<std::uint32_t>(power_)) / eigen_gemm_flops_per_second;
  }
  bool flush_l2() const override { return false; }
  // Freivalds' test costs p products of A with a vector, p n^2: less than one GEMM while p <= n.
  bool has_scalable_check() const override { return power_ <= n_; }
  void use_scalable_check() override {
    probe_x_ = freivalds_vector(n_, seed_ + 1);
    Eigen::VectorXd y = Eigen::Map<const Eigen::VectorXd>(probe_x_.data(), n_);
    for (int k = 0; k < power_; ++k) y = view(a_) * y;  // A (A (... (A x))); Eigen evaluates into a temporary
    probe_y_.assign(y.data(), y.data() + n_);
  }

  void attach(resources& res) override { blas_ = &blas(res); }
  void setup(std::uint64_t seed, cuda::stream_ref s) override {
    seed_ = seed;
    // Scaled so that A^p neither overflows nor vanishes: entries ~ 1/sqrt(n) keep the norm near 1.
    a_ = random_matrix<double>(n_, n_, seed);
    const double scale = 1.7 / std::sqrt(static_cast<double>(n_));
    for (double& v : a_.data) v *= scale;
    a_device_ = copy_to_device(a_, s);
    plan_.emplace(attached(blas_, name(), s), n_);
    // The plan ping-pongs between buffers: one run says which one holds A^p (the same one every run).
    plan_->compute_async(a_device_.view(), power_);
    synchronize(s);
  }
  void run_cpu() override { expected_ = matrix_power(a_, power_); }
  std::vector<output_region> outputs() override {
    // The plan owns the memory and writes it; its view is const for readers.
    return {output_of(const_cast<double*>(plan_->result().data_handle()), elements())};
  }
  void run_gpu(cuda::stream_ref) override { plan_->compute_async(a_device_.view(), power_); }
  // Normwise, ||GPU - reference|| / ||reference||: the rounding of a product of p
  // matrices grows with p and, on average, with sqrt(n); 100 leaves room for the
  // CPU's own rounding. One wrong element moves the norm by its error (times
  // |x_j| >= 0.5 for Freivalds), far above this.
  verification verify(cuda::stream_ref s) override {
    const host_matrix<double> got = copy_to_host(plan_->result(), s);
    const double tolerance = 100.0 * std::max(1, power_) * std::sqrt(static_cast<double>(n_)) * std::ldexp(1.0, -53);
    const std::string gemms = std::to_string(matrix_power_gemms(static_cast<std::uint32_t>(power_))) + " GEMMs";
    if (probe_x_.empty()) {
      const double error = relative_difference(got, expected_);
      return {error <= tolerance,
              "||GPU - CPU|| / ||CPU|| = " + format_significant(error) + " (tol " + format_significant(tolerance) +
                  ", " + gemms + ")",
              "vs CPU"};
    }
    const Eigen::VectorXd cx = view(got) * Eigen::Map<const Eigen::VectorXd>(probe_x_.data(), n_);
    const Eigen::Map<const Eigen::VectorXd> y(probe_y_.data(), n_);
    const double error = (cx - y).norm() / y.norm();
    return {error <= tolerance,
            "||C x - A (A (... (A x)))|| / ||A (A (... (A x)))|| = " + format_significant(error) + " (tol " +
                format_significant(tolerance) + ", " + gemms + ")",
            "Freivalds"};
  }

 private:
  std::size_t elements() const { return static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_); }
  int n_, power_;
  std::uint64_t seed_ = 0;
  host_matrix<double> a_, expected_;
  device_matrix<double> a_device_;
  blas_handle* blas_ = nullptr;  // the device's (attach)
  std::optional<matrix_power_plan<double>> plan_;
  std::vector<double> probe_x_, probe_y_;  // Freivalds' test, when use_scalable_check() replaced the CPU
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

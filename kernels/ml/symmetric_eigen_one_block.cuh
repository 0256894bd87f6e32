// SPDX-License-Identifier: MIT
// The k largest eigenpairs of a small symmetric matrix (n <= 64), in double, in one
// thread block: PCA's last step after the one-pass covariance.
//
// Why not cuSOLVER: syevd is built for large matrices. On a 64 x 64 one it launches
// about 150 small kernels (the 63 reflectors of the back-transformation alone are 126
// launches), 0.6-0.8 ms on the H200 whichever routine we tried (syevd, syevj, syevdx,
// syevBatched), three times the Gram pass that reads 256 MB. The same four steps
// in one block stay in shared memory and need no launch between them:
//   1. Householder reduction to a tridiagonal T = Q^T A Q           (LAPACK: sytd2)
//   2. the k largest eigenvalues of T by multisection of Sturm counts (stebz)
//   3. their eigenvectors of T by twisted factorizations             (dlar1v)
//      or, where that fails and inside clusters, inverse iteration    (stein)
//   4. A's eigenvectors x = Q y, the reflectors applied in reverse    (ormtr)
// Steps 1 and 4 are O(n^3) and O(n^2 k) multiply-adds spread over the block; steps 2
// and 3 are chains of divisions, run side by side, a warp or a thread an eigenvalue.
//
// Two things LAPACK does that a small solver is tempted to skip, both kept here:
// - A is scaled by a power of two first, so no square of an entry overflows or
//   underflows (without it, entries beyond about 1e150 gave NaN and below 1e-150 lost
//   reflectors), and a column too small to square in full precision is left alone;
//   the eigenvalues are scaled back at the end.
// - A cluster's vectors are made orthogonal one after another, and a vector that was
//   mostly along the earlier ones starts again (stein's rule): without it 48 equal
//   eigenvalues came out orthogonal only to 1e-7.
// A NaN or Inf anywhere in A makes every output NaN.
//
// Known limit, not yet mended (review, 2026-12-04; docs/perf-notes.md, "Twelfth session"):
// eigenvalues_below can miscount at an x exactly equal to a repeated diagonal entry of a
// split T (two zero minors in a row underflow). The multisection's points are not such
// numbers, and 4.6 M multisections in a CPU copy never met one; a fix tried this session
// (rescaling by the minor's exponent) broke other cases and was taken back.
#pragma once

#include <cfloat>
#include <cstddef>
#include <cstdint>

#include "gpulab/core/block_reduce.cuh"

namespace gpulab::ml::kernels {

inline constexpr int eigen_max_n = 64;     // one column a lane pair, the matrix in shared memory
inline constexpr int eigen_threads = 256;  // 4 groups of 64: a row each in the matrix-vector product
inline constexpr int eigen_lda = eigen_max_n + 1;  // odd: a row of the matrix spreads over the banks

// The block's shared memory, in doubles: the matrix, six vectors, the product's four
// partial sums, the k eigenvalues, A's scale and the n x k eigenvectors.
__host__ __device__ constexpr int eigen_shared_doubles(int k) {
  return eigen_max_n * eigen_lda + 6 * eigen_max_n + 4 * eigen_max_n + eigen_max_n + 1 + eigen_max_n * k;
}
constexpr std::size_t eigen_shared_bytes(int k) { return sizeof(double) * static_cast<std::size_t>(eigen_shared_doubles(k)); }

struct eigen_workspace {
  double* a;        // n x n, column-major, leading dimension eigen_lda; reflectors below the subdiagonal after step 1
  double* diag;     // T's diagonal
  double* off;      // T's off-diagonal (off[i] = T(i + 1, i))
  double* off2;     // off[i]^2, for the Sturm counts
  double* tau;      // the reflectors' scale factors
  double* v;        // the current reflector
  double* p;        // A v
  double* partial;  // 4 x 64 partial sums of A v
  double* values;   // the k eigenvalues, largest first
  double* scale;    // one value: the power of two A was multiplied by is 1 / *scale (NaN: A holds NaN or Inf)
  double* y;        // n x k eigenvectors (leading dimension eigen_max_n): of T after step 3, of A after step 4
};

__device__ inline eigen_workspace carve_eigen_workspace(double* shared) {
  eigen_workspace w;
  w.a = shared;
  double* rest = shared + eigen_max_n * eigen_lda;
  w.diag = rest;
  w.off = rest + eigen_max_n;
  w.off2 = rest + 2 * eigen_max_n;
  w.tau = rest + 3 * eigen_max_n;
  w.v = rest + 4 * eigen_max_n;
  w.p = rest + 5 * eigen_max_n;
  w.partial = rest + 6 * eigen_max_n;
  w.values = rest + 10 * eigen_max_n;
  w.scale = rest + 11 * eigen_max_n;
  w.y = rest + 11 * eigen_max_n + 1;
  return w;
}

// The larger of two magnitudes, NaN if either is: fmax would drop a NaN.
__device__ inline double max_or_nan(double a, double b) { return a > b || a != a ? a : b; }

// Step 0. A (lower triangle) multiplied by 2^-e, e the exponent of its largest entry,
// so that entry lands in [1, 2). Only exponents change: no rounding, and afterwards no
// square or product in the steps below can overflow (entries far below 1 are step 1's
// to handle). *w.scale = 2^e scales the eigenvalues back. A NaN or Inf entry: nothing
// is scaled, *w.scale = NaN.
__device__ inline void scale_to_unit(const eigen_workspace& w, int n) {
  const int t = static_cast<int>(threadIdx.x), lane = t & 31, warp = t >> 5;
  double largest = 0;
  for (int e = t; e < n * n; e += eigen_threads) {
    const int i = e % n, j = e / n;
    if (i >= j) largest = max_or_nan(fabs(w.a[j * eigen_lda + i]), largest);
  }
  for (int offset = 16; offset > 0; offset /= 2) largest = max_or_nan(largest, __shfl_xor_sync(0xffffffffu, largest, offset));
  if (lane == 0) w.partial[warp] = largest;
  __syncthreads();
  largest = 0;
  for (int i = 0; i < eigen_threads / 32; ++i) largest = max_or_nan(w.partial[i], largest);
  __syncthreads();  // every thread has read the partial maxima before step 1 reuses them
  if (!(largest <= DBL_MAX)) {  // NaN or Inf
    if (t == 0) *w.scale = NAN;
    return;
  }
  const int exponent = largest > 0 ? ilogb(largest) : 0;  // the zero matrix stays as it is
  for (int e = t; e < n * n; e += eigen_threads) {
    const int i = e % n, j = e / n;
    double& entry = w.a[j * eigen_lda + i];
    entry = ldexp(entry, -exponent);  // exact: 2^-exponent itself may not exist (exponent < -1022)
  }
  if (t == 0) *w.scale = ldexp(1.0, exponent);
  __syncthreads();
}

// Step 1 (after scale_to_unit). For each column k, the reflector H = I - tau v v^T (v[0] = 1) that zeroes
// A(k+2.., k), applied from both sides to the trailing block A22 = A(k+1.., k+1..):
// p = tau A22 v, w = p - (tau/2)(p.v) v, A22 -= v w^T + w v^T. Both triangles of A22 are
// kept, so the product reads columns only (lanes on consecutive rows). v is stored
// where it zeroed, below the subdiagonal, for step 4.
__device__ inline void tridiagonalize(const eigen_workspace& w, int n) {
  const int t = static_cast<int>(threadIdx.x), lane = t & 31, warp = t >> 5;
  const int row = t & 63, group = t >> 6;
  for (int k = 0; k + 2 < n; ++k) {
    const int m = n - k - 1;  // the trailing block's size
    double* column = w.a + k * eigen_lda + k + 1;  // A(k+1.., k)
    if (warp == 0) {
      double squares = 0;
      for (int i = 1 + lane; i < m; i += 32) squares += column[i] * column[i];
      squares = warp_sum(squares);
      const double alpha = column[0];
      double beta = alpha, tau = 0, scale = 0;
      // A column below 2^-460 (A's largest entry is 1 to 2) is left as it is, H = I: leaving
      // it changes A by less than its rounding, while its squares, subnormal, would carry
      // too few digits for a reflector (errors up to 1e-2 at 1e-161 before this rule).
      // NaN needs no path here: scale_to_unit has already marked it.
      if (squares > 0x1p-920) {
        beta = -copysign(sqrt(alpha * alpha + squares), alpha);
        tau = (beta - alpha) / beta;
        scale = 1.0 / (alpha - beta);
      }
      for (int i = lane; i < m; i += 32) {
        const double vi = i == 0 ? 1.0 : column[i] * scale;
        w.v[i] = vi;
        if (i > 0) column[i] = vi;
      }
      if (lane == 0) {
        w.tau[k] = tau;
        w.off[k] = beta;
        w.diag[k] = w.a[k * eigen_lda + k];
      }
    }
    __syncthreads();
    const double tau = w.tau[k];
    if (tau == 0) continue;  // the same for every thread: nothing to update
    double* a22 = w.a + (k + 1) * eigen_lda + (k + 1);
    if (row < m) {
      double sum = 0;
      for (int j = group; j < m; j += 4) sum += a22[j * eigen_lda + row] * w.v[j];
      w.partial[group * eigen_max_n + row] = sum;
    }
    __syncthreads();
    if (t < m) {
      w.p[t] = tau * (w.partial[t] + w.partial[eigen_max_n + t] + w.partial[2 * eigen_max_n + t] +
                      w.partial[3 * eigen_max_n + t]);
    }
    __syncthreads();
    // Every warp forms p.v itself: a block reduction would cost a barrier more.
    double pv = 0;
    for (int j = lane; j < m; j += 32) pv += w.p[j] * w.v[j];
    const double half_tau_pv = 0.5 * tau * warp_sum(pv);
    if (row < m) {
      const double vi = w.v[row], wi = w.p[row] - half_tau_pv * vi;
      for (int j = group; j < m; j += 4) {
        const double vj = w.v[j], wj = w.p[j] - half_tau_pv * vj;
        a22[j * eigen_lda + row] -= vi * wj + wi * vj;
      }
    }
    __syncthreads();
  }
  if (t == 0) {
    if (n >= 2) {
      w.diag[n - 2] = w.a[(n - 2) * eigen_lda + n - 2];
      w.off[n - 2] = w.a[(n - 2) * eigen_lda + n - 1];
      w.tau[n - 2] = 0;
    }
    w.diag[n - 1] = w.a[(n - 1) * eigen_lda + n - 1];
  }
  __syncthreads();
  for (int i = t; i + 1 < n; i += eigen_threads) w.off2[i] = w.off[i] * w.off[i];
  __syncthreads();
}

// How many eigenvalues of T are below x (Sturm's theorem): the negative pivots q_i of
// T - x I = L D L^T. LAPACK's stebz forms q_i = (d_i - x) - e_{i-1}^2 / q_{i-1}, a double
// division a step; on the GPU a division is a chain of a dozen dependent instructions.
// Here the same signs come from the leading minors p_i = q_1 ... q_i, without dividing:
//   p_i = (d_i - x) p_{i-1} - e_{i-1}^2 p_{i-2},    q_i < 0  when p_i and p_{i-1} differ in sign.
// The minors grow or shrink fast, so both are rescaled by 2^256 when |p_i| leaves
// [2^-256, 2^256] (exact: a power of two). A zero minor counts as a negative pivot, as
// LAPACK's rule does (a pivot below pivmin is taken as -pivmin), and goes on as a tiny
// number of the opposite sign so that the next sign comes out right.
// (29 k of 108 k cycles of step 2 on the H200, the same eigenvalues: docs/perf-notes.md.)
__device__ inline int eigenvalues_below(const eigen_workspace& w, int n, double x) {
  constexpr double big = 0x1p256, small = 0x1p-256, nudge = 0x1p-600;
  double before = 1.0, p = w.diag[0] - x;
  if (p == 0) p = -nudge;
  int count = p < 0 ? 1 : 0;
  for (int i = 1; i < n; ++i) {
    double next = (w.diag[i] - x) * p - w.off2[i - 1] * before;
    if (next == 0) next = -nudge * p;
    count += (next < 0) != (p < 0) ? 1 : 0;
    before = p;
    p = next;
    const double magnitude = fabs(p);
    if (magnitude > big) p *= small, before *= small;
    if (magnitude < small) p *= big, before *= big;
  }
  return count;
}

// Gershgorin's bounds on T's eigenvalues, widened so that the count below `upper` is n.
struct spectrum_bounds {
  double lower, upper, norm, pivmin;
};

__device__ inline spectrum_bounds gershgorin(const eigen_workspace& w, int n) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  double lower = 0, upper = 0, largest_off2 = 0;
  bool first = true;
  for (int i = lane; i < n; i += 32) {
    const double radius = (i > 0 ? fabs(w.off[i - 1]) : 0.0) + (i + 1 < n ? fabs(w.off[i]) : 0.0);
    const double lo = w.diag[i] - radius, hi = w.diag[i] + radius;
    lower = first ? lo : fmin(lower, lo);
    upper = first ? hi : fmax(upper, hi);
    if (i + 1 < n) largest_off2 = fmax(largest_off2, w.off2[i]);
    first = false;
  }
  // Lanes past n hold nothing: they take lane 0's values (n >= 1).
  const double lower0 = __shfl_sync(0xffffffffu, lower, 0), upper0 = __shfl_sync(0xffffffffu, upper, 0);
  if (lane >= n) lower = lower0, upper = upper0;
  for (int offset = 16; offset > 0; offset /= 2) {
    lower = fmin(lower, __shfl_xor_sync(0xffffffffu, lower, offset));
    upper = fmax(upper, __shfl_xor_sync(0xffffffffu, upper, offset));
    largest_off2 = fmax(largest_off2, __shfl_xor_sync(0xffffffffu, largest_off2, offset));
  }
  spectrum_bounds b;
  b.norm = fmax(fabs(lower), fabs(upper));
  b.pivmin = DBL_MIN * fmax(1.0, largest_off2);
  const double margin = 2 * DBL_EPSILON * n * b.norm + 2 * b.pivmin;
  b.lower = lower - margin;
  b.upper = upper + margin;
  return b;
}

// Step 2. Eigenvalue r (r = 0 the largest), found by one warp: each step counts at
// 32 points inside [lower, upper] at once and keeps the 1/33 of it where the count
// passes r's ascending index. About 10 steps reach 1e-15 of T's norm.
__device__ inline double eigenvalue_by_multisection(const eigen_workspace& w, int n, int r, const spectrum_bounds& b) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  const int index = n - 1 - r;  // ascending: count(lower) <= index < count(upper)
  double lower = b.lower, upper = b.upper;
  for (int step = 0; step < 64; ++step) {
    const double width = upper - lower;
    if (width <= fmax(4 * DBL_EPSILON * fmax(fabs(lower), fabs(upper)), 1e-15 * b.norm) + b.pivmin) break;
    const double x = lower + width * (lane + 1) / 33.0;
    const unsigned above = __ballot_sync(0xffffffffu, eigenvalues_below(w, n, x) > index);
    const int first = above != 0 ? __ffs(static_cast<int>(above)) - 1 : 32;  // the first point above the eigenvalue
    const double new_upper = __shfl_sync(0xffffffffu, x, first & 31);
    const double new_lower = __shfl_sync(0xffffffffu, x, (first + 31) & 31);
    if (first < 32) upper = new_upper;
    if (first > 0) lower = new_lower;
  }
  return 0.5 * (lower + upper);
}

// A start vector for inverse iteration, different for every eigenvalue (a cluster's
// vectors must start apart), entries in [-1, 1).
__device__ inline double start_entry(int r, int i) {
  std::uint32_t h = static_cast<std::uint32_t>(r) * 0x9E3779B9u ^ static_cast<std::uint32_t>(i) * 0x85EBCA6Bu;
  h ^= h >> 15;
  h *= 0x2C1B3C6Du;
  h ^= h >> 12;
  h *= 0x297A2D39u;
  h ^= h >> 15;
  return static_cast<double>(h) * (2.0 / 4294967296.0) - 1.0;
}

// Step 3, the careful way (inverse iteration), one thread: T - lambda I = P L U (LU
// with partial pivoting, LAPACK's gttrf; a pivot below `tiny` raised to it: T - lambda I
// is singular to working precision by design). The arrays are the thread's own (local memory): threads on different
// eigenvalues then never share a shared-memory bank.
struct shifted_tridiagonal_lu {
  double lower[eigen_max_n], inverse_diag[eigen_max_n], upper[eigen_max_n], upper2[eigen_max_n];
  std::uint64_t swapped = 0;  // bit i: rows i and i + 1 interchanged

  __device__ void factor(const eigen_workspace& w, int n, double lambda, double tiny) {
    double* diag = inverse_diag;
    swapped = 0;
    for (int i = 0; i < n; ++i) {
      diag[i] = w.diag[i] - lambda;
      if (i + 1 < n) lower[i] = upper[i] = w.off[i];
      upper2[i] = 0;
    }
    for (int i = 0; i + 1 < n; ++i) {
      if (fabs(diag[i]) >= fabs(lower[i])) {  // no interchange
        const double factor = diag[i] != 0 ? lower[i] / diag[i] : 0.0;
        lower[i] = factor;
        diag[i + 1] -= factor * upper[i];
      } else {  // interchange rows i and i + 1
        swapped |= std::uint64_t{1} << i;
        const double factor = diag[i] / lower[i];
        diag[i] = lower[i];
        lower[i] = factor;
        const double kept = upper[i];
        upper[i] = diag[i + 1];
        diag[i + 1] = kept - factor * diag[i + 1];
        if (i + 2 < n) {
          upper2[i] = upper[i + 1];
          upper[i + 1] = -factor * upper[i + 1];
        }
      }
    }
    for (int i = 0; i < n; ++i) {
      if (fabs(diag[i]) < tiny) diag[i] = diag[i] < 0 ? -tiny : tiny;
      inverse_diag[i] = 1.0 / diag[i];  // the back substitution multiplies
    }
  }

  // y <- (T - lambda I)^-1 y, scaled to unit length (gttrs). Each solve multiplies the
  // wanted direction by 1 / (lambda's error), the others by 1 / (their distance).
  __device__ void solve(double* y, int n) const {
    for (int i = 0; i + 1 < n; ++i) {  // L
      if ((swapped >> i) & 1) {
        const double b = y[i];
        y[i] = y[i + 1];
        y[i + 1] = b - lower[i] * y[i];
      } else {
        y[i + 1] -= lower[i] * y[i];
      }
    }
    double largest = 0;
    for (int i = n - 1; i >= 0; --i) {  // U
      double b = y[i];
      if (i + 1 < n) b -= upper[i] * y[i + 1];
      if (i + 2 < n) b -= upper2[i] * y[i + 2];
      y[i] = b * inverse_diag[i];
      largest = fmax(largest, fabs(y[i]));
    }
    // Scaled by the largest entry first: a solve can grow y by 1 / tiny, and the
    // squares must not overflow.
    const double inverse_largest = 1.0 / largest;  // one division, then multiplications
    double squares = 0;
    for (int i = 0; i < n; ++i) {
      y[i] *= inverse_largest;
      squares += y[i] * y[i];
    }
    const double scale = 1.0 / sqrt(squares);
    for (int i = 0; i < n; ++i) y[i] *= scale;
  }
};

// The eigenvector of T for eigenvalue lambda (eigenvalue r), by three solves from a
// start vector of its own: a few solves leave only the wanted direction. Writes out
// (stride 1).
__device__ inline void eigenvector_by_inverse_iteration(const eigen_workspace& w, int n, int r, double lambda,
                                                        double tiny, double* out) {
  shifted_tridiagonal_lu lu;
  lu.factor(w, n, lambda, tiny);
  double y[eigen_max_n];
  for (int i = 0; i < n; ++i) y[i] = start_entry(r, i);
  for (int solve = 0; solve < 3; ++solve) lu.solve(y, n);
  for (int i = 0; i < n; ++i) out[i] = y[i];
}

// Step 3, one thread, the fast way: the eigenvector of T for lambda from one twisted
// factorization (Dhillon and Parlett's; LAPACK's dlar1v, the heart of MRRR). T - lambda I
// is factored from the top, L D L^T (pivots D_i, multipliers L_i = e_i / D_i), and from
// the bottom, U R U^T (R_i, U_i = e_{i-1} / R_i). Joined at row r they give the twisted
// factorization whose middle pivot is gamma_r = D_r + R_r - (d_r - lambda); where
// |gamma_r| is smallest, (T - lambda I) z = gamma_r e_r for
//   z_r = 1,   z_i = -L_i z_{i+1} above r,   z_i = -U_i z_{i-1} below r,
// an eigenvector with residual |gamma_r| / |z|: two chains of n divisions and a chain of
// products, where inverse iteration needs an LU and three solves. A pivot below pivmin
// is taken as -pivmin (LAPACK's rule), so nothing divides by zero. Returns false, out
// unusable, when z overflowed (a pivot that small next to the twist): the caller then
// takes inverse iteration.
__device__ inline bool eigenvector_by_twisted_factorization(const eigen_workspace& w, int n, double lambda,
                                                            double pivmin, double* out) {
  double top_pivot[eigen_max_n], top_multiplier[eigen_max_n], bottom_multiplier[eigen_max_n];
  double pivot = w.diag[0] - lambda;
  for (int i = 0; i + 1 < n; ++i) {  // from the top
    if (fabs(pivot) < pivmin) pivot = -pivmin;
    top_pivot[i] = pivot;
    top_multiplier[i] = w.off[i] / pivot;
    pivot = (w.diag[i + 1] - lambda) - top_multiplier[i] * w.off[i];
  }
  if (fabs(pivot) < pivmin) pivot = -pivmin;
  top_pivot[n - 1] = pivot;
  int twist = n - 1;
  double smallest = INFINITY;
  pivot = w.diag[n - 1] - lambda;
  for (int i = n - 1; i >= 0; --i) {  // from the bottom, and the twist on the way
    if (fabs(pivot) < pivmin) pivot = -pivmin;
    const double gamma = fabs(top_pivot[i] + pivot - (w.diag[i] - lambda));
    if (gamma < smallest) smallest = gamma, twist = i;
    if (i > 0) {
      bottom_multiplier[i] = w.off[i - 1] / pivot;
      pivot = (w.diag[i - 1] - lambda) - bottom_multiplier[i] * w.off[i - 1];
    }
  }
  double z = 1, squares = 1;
  out[twist] = 1;
  for (int i = twist - 1; i >= 0; --i) {
    z *= -top_multiplier[i];
    out[i] = z;
    squares += z * z;
  }
  z = 1;
  for (int i = twist + 1; i < n; ++i) {
    z *= -bottom_multiplier[i];
    out[i] = z;
    squares += z * z;
  }
  if (!(squares <= DBL_MAX)) return false;  // Inf or NaN
  const double scale = 1.0 / sqrt(squares);
  for (int i = 0; i < n; ++i) out[i] *= scale;
  return true;
}

// One warp: y minus its projections on the cluster's earlier vectors (modified
// Gram-Schmidt, twice), then unit length. Returns the length left after the first
// projection: near 1 when y was already apart from them, small when it lay mostly
// along them.
__device__ inline double orthogonalize_against(double* y, const double* earlier, int count, int n) {
  const int lane = static_cast<int>(threadIdx.x) & 31;
  double kept = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (int q = 0; q < count; ++q) {
      const double* yq = earlier + q * eigen_max_n;
      double dot = 0;
      for (int i = lane; i < n; i += 32) dot += yq[i] * y[i];
      dot = warp_sum(dot);
      for (int i = lane; i < n; i += 32) y[i] -= dot * yq[i];
      __syncwarp();
    }
    double squares = 0;
    for (int i = lane; i < n; i += 32) squares += y[i] * y[i];
    const double length = sqrt(warp_sum(squares));
    if (pass == 0) kept = length;
    for (int i = lane; i < n; i += 32) y[i] /= length;
    __syncwarp();
  }
  return kept;
}

// Steps 2 to 4 after tridiagonalize(): the k largest eigenvalues into w.values
// (largest first) and their eigenvectors of A into w.y (column r, leading dimension
// eigen_max_n, unit length).
//
// Eigenvalues closer than 1e-3 of T's norm form a cluster (LAPACK's rule): their
// vectors, found apart, need not come out orthogonal. One warp goes through each
// cluster in order and makes every vector orthogonal to the ones before it. When
// less than 1e-2 of a vector was left (it lay mostly along the earlier ones; equal
// eigenvalues do that), what is left is mostly rounding: the vector starts again from
// a start of its own, and solves with T - mu I, mu just above lambda, bring the
// eigenvalue's directions out of it, made orthogonal to the earlier vectors before
// every solve (LAPACK's stein does that too).
__device__ inline void top_eigenpairs(const eigen_workspace& w, int n, int k) {
  const int t = static_cast<int>(threadIdx.x), lane = t & 31, warp = t >> 5;
  constexpr int warps = eigen_threads / 32;
  const spectrum_bounds b = gershgorin(w, n);
  for (int r = warp; r < k; r += warps) {
    const double lambda = eigenvalue_by_multisection(w, n, r, b);
    if (lane == 0) w.values[r] = lambda;
  }
  __syncthreads();
  const double tiny = fmax(DBL_EPSILON * b.norm, b.pivmin);
  for (int r = t; r < k; r += eigen_threads) {
    double* y = w.y + r * eigen_max_n;
    if (!eigenvector_by_twisted_factorization(w, n, w.values[r], b.pivmin, y)) {
      eigenvector_by_inverse_iteration(w, n, r, w.values[r], tiny, y);
    }
  }
  __syncthreads();
  if (warp == 0) {
    const double cluster = 1e-3 * b.norm, restart_shift = 1024 * DBL_EPSILON * b.norm;
    int first_of_cluster = 0;
    for (int r = 1; r < k; ++r) {
      if (w.values[r - 1] - w.values[r] > cluster) first_of_cluster = r;
      if (first_of_cluster == r) continue;
      double* yr = w.y + r * eigen_max_n;
      const double* earlier = w.y + first_of_cluster * eigen_max_n;
      shifted_tridiagonal_lu lu;  // lane 0's
      for (int attempt = 1;; ++attempt) {
        const double kept = orthogonalize_against(yr, earlier, r - first_of_cluster, n);
        if (!(kept < 1e-2) || attempt == 3) break;  // NaN stops too
        // A fresh start of its own, and three solves, each after making it orthogonal
        // to the earlier vectors. The shift is a little above lambda: the eigenvalues
        // that equal lambda to rounding then all lie on one side of it, and their
        // directions add up instead of cancelling (at lambda itself the rest could
        // stay at 1e-10 of a vector: residuals of 1e-5 in review, 2026-12-04).
        for (int i = lane; i < n; i += 32) yr[i] = start_entry(r + attempt * eigen_max_n, i);
        if (lane == 0) lu.factor(w, n, w.values[r] + restart_shift, tiny);
        __syncwarp();
        for (int solve = 0; solve < 3; ++solve) {
          orthogonalize_against(yr, earlier, r - first_of_cluster, n);
          if (lane == 0) lu.solve(yr, n);
          __syncwarp();
        }
      }
    }
  }
  __syncthreads();
  // Step 4: x = H_0 H_1 ... H_{n-3} y, a warp a vector, the last reflector first.
  for (int r = warp; r < k; r += warps) {
    double* x = w.y + r * eigen_max_n;
    for (int s = n - 3; s >= 0; --s) {
      const double tau = w.tau[s];
      if (tau == 0) continue;
      const double* v = w.a + s * eigen_lda + s + 1;  // v[0] = 1 is implicit; v[1..] below the subdiagonal
      double dot = 0;
      for (int i = lane; i < n - s - 1; i += 32) dot += (i == 0 ? 1.0 : v[i]) * x[s + 1 + i];
      dot = tau * warp_sum(dot);
      for (int i = lane; i < n - s - 1; i += 32) x[s + 1 + i] -= dot * (i == 0 ? 1.0 : v[i]);
      __syncwarp();
    }
  }
  __syncthreads();  // every warp is done with its vector before a NaN may overwrite them all
  // A's scale back onto the eigenvalues; after NaN or Inf in A, NaN everywhere.
  const double scale = *w.scale;
  for (int r = t; r < k; r += eigen_threads) w.values[r] *= scale;
  if (scale != scale) {
    for (int e = t; e < k * eigen_max_n; e += eigen_threads) w.y[e] = NAN;
  }
  __syncthreads();
}

// Steps 0 to 4: the k largest eigenpairs of the symmetric n x n matrix in w.a (both
// triangles, leading dimension eigen_lda; overwritten), into w.values and w.y.
__device__ inline void symmetric_top_eigenpairs(const eigen_workspace& w, int n, int k) {
  scale_to_unit(w, n);
  tridiagonalize(w, n);
  top_eigenpairs(w, n, k);
}

}  // namespace gpulab::ml::kernels

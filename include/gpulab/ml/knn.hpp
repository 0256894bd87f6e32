// SPDX-License-Identifier: MIT
// k nearest neighbours, exact brute force: for each query row, the k database
// rows nearest in squared L2 distance, float32, ties to the smaller database id.
// Three versions side by side, each named by its idea:
//
//   naive        the full (queries x database) distance matrix, a batch of
//                queries at a time, then CUB's segmented sort of each row; the
//                first k of each row are the answer. Simple, and it stores and
//                sorts n numbers per query to keep k.
//   fused        GEMM-style tiles: |q|^2 + |x|^2 - 2 q.x with q.x from register
//                tiles, and the top-k selection fused into the same kernel: each
//                warp keeps a running top-k per query (threshold and collect), so
//                no distance matrix is ever stored. Each block reads its share of
//                the database once for 32 queries; for k <= 32 and d <= 64 (the
//                course's search) a kernel with larger register tiles, 256 queries a
//                block and each running top list in the lanes of a warp.
//   tf32_rerank  q.x on the tensor cores in TF32 (10-bit mantissa), then exact FP32
//                distances for the rows that could still be among the k nearest.
//                For k <= 32 and d <= 64 (d % 4 == 0, aligned rows): filter and
//                refine with a proven bound (kernels/ml/knn_tf32_filter.cuh,
//                gpulab/ml/knn_tf32_bound.hpp): exact by construction. Otherwise
//                the fused kernel's selection with more candidates than k
//                (knn_candidates), their exact distances and a sort: exact whenever
//                the true top k are among the candidates, which the cases measure
//                (recall) and fail otherwise.
//
// The database and the queries are row-major packed float matrices in device
// memory (rows = samples, columns = features). Results: ids (int32, row-major
// queries x k) and their squared distances (float).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cuda/stream_ref>
#include <string>

#include "gpulab/core/memory.hpp"
#include "gpulab/linalg/layout.hpp"

namespace gpulab::ml {

enum class knn_version { naive, fused, tf32_rerank };
const char* knn_version_name(knn_version v);

// The instruction of the TF32 filter's score pass: `best` is Hopper's warpgroup MMA
// (wgmma, kernels/ml/knn_tf32_wgmma.cuh) on a GPU of compute capability 9.0, else the
// warp-wide mma.sync (kernels/ml/knn_tf32_filter.cuh); `mma_sync` asks for the latter on
// every GPU (the tests of that pass, and the case that compares the two).
enum class tf32_pass_instruction { best, mma_sync };

inline constexpr int knn_max_k = 1024;  // the largest k every version takes
// The ids are int32 and the keys keep them in 32 bits.
inline constexpr std::int64_t knn_max_rows = (std::int64_t{1} << 31) - 1;

// How many candidates tf32_rerank keeps per query before re-ranking: k plus a
// margin of max(k, 32), at most n. The margin is measured, not proven: TF32's
// relative error (2^-11 per input) moves a distance by about 0.1% on the course
// data, while the 2k-th neighbour is several % farther than the k-th, so the
// true top k stay inside; the cases check every sampled query and fail otherwise.
std::int64_t knn_candidates(knn_version v, std::int64_t database_rows, int k);

// Everything a search needs to know before it allocates: the checked shape and
// the way the work is cut. make_knn_plan throws usage_error for k = 0, k > n,
// k > knn_max_k, an empty matrix, more rows than int32 ids can name, or a
// feature count that differs between database and queries.
struct knn_plan {
  knn_version version = knn_version::fused;
  std::int64_t database_rows = 0;  // n
  std::int64_t query_rows = 0;     // m
  std::int64_t features = 0;       // d
  int k = 0;
  std::int64_t candidates = 0;   // kept per query and database split (k, or more for tf32_rerank)
  int splits = 1;                // fused, tf32_rerank: the database cut in this many ranges, one block each
  bool small_k = false;          // fused: at most 32 candidates and 64 features, the small-k kernel
  bool merge_lists = false;      // fused: at most 32 splits, whose sorted lists are merged (no sort)
  std::int64_t split_rows = 0;   // rows per range (whole tiles of 128; the last range may be shorter)
  std::int64_t query_batch = 0;  // naive: queries per distance matrix
  // tf32_rerank's filter and refine (k <= 32, d <= 64, d % 4 == 0): a bound from a sample,
  // then every row under it a candidate, in segments of its (query, database range).
  bool tf32_filter = false;
  std::int64_t sample_rows = 0;        // the bound's sample: rows (i * sample_stride) mod n
  std::int64_t sample_stride = 0;      // a prime that does not divide n: the rows are distinct
  int filter_splits = 0;               // the filter's database ranges (128 queries x a range: a block)
  std::int64_t filter_split_rows = 0;  // whole tiles of 128 rows
  int segment_capacity = 0;            // candidates a (query, range) holds; more: that query is searched exactly
  tf32_pass_instruction tf32_instruction = tf32_pass_instruction::best;
};
// splits = 0 picks enough database ranges for about 1024 blocks (920 for the small-k
// kernel: about 7 waves of one block an SM on 132 SMs; 1056 for the TF32 filter: 4 waves
// of two); tests force others (the filter's ranges too).
knn_plan make_knn_plan(knn_version v, std::int64_t database_rows, std::int64_t query_rows,
                       std::int64_t database_features, std::int64_t query_features, int k, int splits = 0);
// Device bytes of the workspace (without the inputs and the outputs).
std::size_t knn_workspace_bytes(const knn_plan& plan);

// The scratch memory of one plan: norms, the running top-k lists of the fused
// kernel, the distance keys of the naive batch, CUB's sort scratch (none when the
// plan merges its lists). Allocated once, reused by every search of the same plan.
class knn_workspace {
 public:
  knn_workspace(const knn_plan& plan, cuda::stream_ref s);
  [[nodiscard]] const knn_plan& plan() const { return plan_; }

  device_buffer<float> database_norms, query_norms;  // |x|^2, |q|^2 (fused, tf32_rerank)
  device_buffer<std::uint64_t> lists;    // per (query, split): two lists of `candidates` keys (ping-pong)
  device_buffer<std::uint64_t> bounds;   // the small-k kernel: per query, the splits' shared bound
  device_buffer<unsigned> largest_norm;  // the small-k kernel: the largest |x|^2's bits (its cheap test)
  device_buffer<std::uint64_t> keys;     // naive: a batch's distance keys; else each query's candidates
  device_buffer<std::uint64_t> sorted;   // the keys sorted by CUB, per query (empty: plan.merge_lists)
  device_buffer<std::byte> sort_scratch;  // CUB's temporary storage (likewise)
  // The TF32 filter (plan.tf32_filter): the centre c and the centred copy of the database
  // (TF32 bits; database_norms then hold |x - c|^2), the sample and its norms, each query's
  // tile minima, theta1 and |q - c|^2, the candidates' segments and their counts;
  // counters[0] holds the largest norm's bits, counters[1] the queries searched exactly
  // (no bound, or a full segment).
  device_buffer<float> centre, centred, sample, sample_norms, minima, thresholds;
  device_buffer<double> filter_query_norms;
  device_buffer<unsigned> segment_counts, filter_counters;
  device_buffer<std::uint64_t> segments;
  // How many queries the last search had to search exactly (waits for s); 0 for other plans and
  // for a search that took the general path (an unaligned view).
  [[nodiscard]] unsigned searched_exactly(cuda::stream_ref s) const;
  // The TF32 filter's score pass would run on wgmma (decided when the workspace is made: it
  // asks the runtime whether this build has code for the GPU); false for other plans. A search
  // that takes the general path (an unaligned view) runs no filter at all.
  [[nodiscard]] bool uses_wgmma() const { return wgmma_; }

 private:
  knn_plan plan_;
  bool wgmma_ = false;
};

// The search, enqueued on s. ids and distances hold query_rows x k elements
// (device memory). Checks the shapes against the workspace's plan (usage_error);
// it does not look at the values: knn_search does.
void knn_search_async(linalg::matrix_view<const float> database, linalg::matrix_view<const float> queries,
                      std::int32_t* ids, float* distances, knn_workspace& work, cuda::stream_ref s);

// The checked search: shapes, k, and values in either matrix that are NaN, Inf or past
// knn_largest_value (numerical_error, saying how many); then the search; returns when done.
void knn_search(knn_version v, linalg::matrix_view<const float> database, linalg::matrix_view<const float> queries,
                int k, std::int32_t* ids, float* distances, cuda::stream_ref s);

// Throws usage_error unless m is row-major and packed, as every kNN matrix must be ("what"
// names it: "database", "queries").
void check_packed(linalg::matrix_view<const float> m, const char* what);

// Throws numerical_error if the matrix holds a value that is NaN, Inf or larger in magnitude
// than knn_largest_value(its columns) (knn_cpu.hpp; "what" names the matrix); waits for s.
void check_in_range(linalg::matrix_view<const float> m, const std::string& what, cuda::stream_ref s);

// The kNN classifier: predictions[q] = the label most frequent among the k
// neighbours ids[q * k ...] of query q, ties to the smallest label. Labels are
// 0..classes-1 (1 <= classes <= knn_max_classes), one per database row.
inline constexpr int knn_max_classes = 1024;
// label_count: the labels' length (the database rows). A neighbour id or label
// out of range makes that prediction -1.
void knn_vote_async(const std::int32_t* ids, std::int64_t query_rows, int k, const std::int32_t* labels,
                    std::int64_t label_count, int classes, std::int32_t* predictions, cuda::stream_ref s);

}  // namespace gpulab::ml

// tco-microbench: measures the kernel families tco-plan's performance model uses -- GEMM
// (cuBLASLt), streaming memory (STREAM copy and triad), attention (cuBLAS batched GEMMs and a
// softmax) and NCCL all-reduce -- and writes the results CSV that `tco-plan calibrate` reads.
//
// Only the device side lives here. What is measured (shapes, sizes), the FLOP and byte counts,
// the statistics and the CSV are plain C++ in src/microbench (unit-tested without a GPU).
//
// Timing: CUDA events around each run; before each timed run the L2 cache is overwritten, so
// weights and arrays come from HBM/GDDR as they do between layers of a real model (nvbench and
// the MAMF benchmark do the same). Rates use the median run.
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>
#include <cuda_runtime.h>
#ifdef TCO_HAVE_NCCL
#include <nccl.h>
#endif

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tco/microbench/microbench.hpp"

namespace mb = tco::microbench;

namespace {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(status));
  }
}

void check(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS) {
    throw std::runtime_error(std::string(what) + ": cuBLAS status " +
                             std::to_string(static_cast<int>(status)));
  }
}

/// Device buffer freed on scope exit.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(std::size_t bytes) : bytes_(bytes) {
    check(cudaMalloc(&data_, bytes == 0 ? 1 : bytes), "cudaMalloc");
  }
  ~DeviceBuffer() { cudaFree(data_); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  template <typename T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  std::size_t bytes() const { return bytes_; }

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
};

// ---- data fill: small pseudo-random values (MAMF uses random data too: zeros draw less power
// and can run faster than real weights).

__device__ float hash_unit(std::uint64_t i, std::uint32_t seed) {
  std::uint32_t x = static_cast<std::uint32_t>(i) * 2654435761u ^ seed;
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return static_cast<float>(x) / 4294967296.0f * 2.0f - 1.0f;  // [-1, 1)
}

template <typename T>
__device__ T from_unit(float value, float scale) {
  return static_cast<T>(value * scale);
}

template <>
__device__ std::int8_t from_unit<std::int8_t>(float value, float scale) {
  return static_cast<std::int8_t>(__float2int_rn(value * scale));
}

template <typename T>
__global__ void fill_kernel(T* data, std::uint64_t count, std::uint32_t seed, float scale) {
  for (std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
       i < count; i += static_cast<std::uint64_t>(gridDim.x) * blockDim.x) {
    data[i] = from_unit<T>(hash_unit(i, seed), scale);
  }
}

template <typename T>
void fill(T* data, std::uint64_t count, std::uint32_t seed, float scale) {
  fill_kernel<T><<<1024, 256>>>(data, count, seed, scale);
  check(cudaGetLastError(), "fill");
}

// ---- timing

/// Overwrites a buffer twice the L2 size so that the next kernel starts with a cold cache.
class L2Flush {
 public:
  explicit L2Flush(int device) {
    int l2 = 0;
    check(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device), "L2 size");
    buffer_ = std::make_unique<DeviceBuffer>(static_cast<std::size_t>(l2) * 2 + 1);
  }
  void run(cudaStream_t stream) const {
    check(cudaMemsetAsync(buffer_->as<void>(), 0, buffer_->bytes(), stream), "L2 flush");
  }

 private:
  std::unique_ptr<DeviceBuffer> buffer_;
};

struct Timer {
  cudaEvent_t start = nullptr;
  cudaEvent_t stop = nullptr;
  Timer() {
    check(cudaEventCreate(&start), "event");
    check(cudaEventCreate(&stop), "event");
  }
  ~Timer() {
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
  }
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
};

/// Runs `work` once as warm-up, sizes the repetitions from that run, then times each repetition
/// on its own after an L2 flush.
mb::TimingStats time_runs(const std::function<void(cudaStream_t)>& work, const L2Flush& flush,
                          const mb::Options& options, cudaStream_t stream) {
  Timer timer;
  auto once = [&]() {
    flush.run(stream);
    check(cudaEventRecord(timer.start, stream), "record");
    work(stream);
    check(cudaEventRecord(timer.stop, stream), "record");
    check(cudaEventSynchronize(timer.stop), "synchronize");
    float ms = 0;
    check(cudaEventElapsedTime(&ms, timer.start, timer.stop), "elapsed");
    return static_cast<double>(ms) / 1e3;
  };
  once();  // warm-up: first-call setup, clocks ramping
  const double first = once();
  const int runs = mb::repetitions_for(first, options.budget_s, 5, 200);
  std::vector<double> seconds{first};
  for (int i = 1; i < runs; ++i) seconds.push_back(once());
  return mb::summarize(seconds);
}

// ---- GEMM (cuBLASLt)
// D (N x M, column-major) = W^T-op (W stored K x N, "transposed") x X (K x M): the "TN" layout
// cuBLASLt requires for FP8 and int8 (cuBLASLt docs, cublasLtMatmul, FP8/IMMA requirements), and
// the one a Linear layer with row-major weights maps to.

struct LtTypes {
  cudaDataType_t ab;
  cudaDataType_t cd;
  cublasComputeType_t compute;
  cudaDataType_t scale;
};

LtTypes lt_types(mb::GemmDtype dtype) {
  switch (dtype) {
    case mb::GemmDtype::kBf16:
      return {CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_R_32F};
    case mb::GemmDtype::kFp16:
      return {CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, CUDA_R_32F};
    case mb::GemmDtype::kFp8:
      return {CUDA_R_8F_E4M3, CUDA_R_16BF, CUBLAS_COMPUTE_32F, CUDA_R_32F};
    case mb::GemmDtype::kInt8:
      return {CUDA_R_8I, CUDA_R_32I, CUBLAS_COMPUTE_32I, CUDA_R_32I};
  }
  throw std::logic_error("dtype");
}

void fill_inputs(mb::GemmDtype dtype, void* data, std::uint64_t count, std::uint32_t seed) {
  switch (dtype) {
    case mb::GemmDtype::kBf16:
      fill(static_cast<__nv_bfloat16*>(data), count, seed, 1.0f);
      break;
    case mb::GemmDtype::kFp16:
      fill(static_cast<__half*>(data), count, seed, 1.0f);
      break;
    case mb::GemmDtype::kFp8:
      fill(static_cast<__nv_fp8_e4m3*>(data), count, seed, 1.0f);
      break;
    case mb::GemmDtype::kInt8:
      fill(static_cast<std::int8_t*>(data), count, seed, 64.0f);
      break;
  }
}

struct LtHandle {
  cublasLtHandle_t handle = nullptr;
  std::unique_ptr<DeviceBuffer> workspace;
  LtHandle() {
    check(cublasLtCreate(&handle), "cublasLtCreate");
    // 32 MiB: what cuBLAS recommends for Hopper (cuBLAS docs, cublasSetWorkspace).
    workspace = std::make_unique<DeviceBuffer>(32u << 20);
  }
  ~LtHandle() { cublasLtDestroy(handle); }
  LtHandle(const LtHandle&) = delete;
  LtHandle& operator=(const LtHandle&) = delete;
};

/// Times one GEMM; nullopt (with the reason on stderr) when cuBLASLt has no algorithm for it.
std::optional<mb::TimingStats> time_gemm(const mb::GemmCase& gemm, const LtHandle& lt,
                                         const L2Flush& flush, const mb::Options& options,
                                         cudaStream_t stream) {
  const LtTypes types = lt_types(gemm.dtype);
  const auto m = static_cast<std::uint64_t>(gemm.n);  // cuBLAS rows: output features
  const auto n = static_cast<std::uint64_t>(gemm.m);  // cuBLAS columns: tokens
  const auto k = static_cast<std::uint64_t>(gemm.k);
  const auto in = static_cast<std::size_t>(mb::input_bytes(gemm.dtype));
  const auto out = static_cast<std::size_t>(mb::output_bytes(gemm.dtype));
  DeviceBuffer a(k * m * in);
  DeviceBuffer b(k * n * in);
  DeviceBuffer d(m * n * out);
  fill_inputs(gemm.dtype, a.as<void>(), k * m, 1);
  fill_inputs(gemm.dtype, b.as<void>(), k * n, 2);

  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t a_layout = nullptr;
  cublasLtMatrixLayout_t b_layout = nullptr;
  cublasLtMatrixLayout_t d_layout = nullptr;
  cublasLtMatmulPreference_t preference = nullptr;
  struct Cleanup {
    std::function<void()> run;
    ~Cleanup() { run(); }
  } cleanup{[&] {
    if (preference) cublasLtMatmulPreferenceDestroy(preference);
    if (d_layout) cublasLtMatrixLayoutDestroy(d_layout);
    if (b_layout) cublasLtMatrixLayoutDestroy(b_layout);
    if (a_layout) cublasLtMatrixLayoutDestroy(a_layout);
    if (op) cublasLtMatmulDescDestroy(op);
  }};
  check(cublasLtMatmulDescCreate(&op, types.compute, types.scale), "matmul desc");
  const cublasOperation_t transpose = CUBLAS_OP_T;
  const cublasOperation_t none = CUBLAS_OP_N;
  check(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &transpose,
                                       sizeof(transpose)),
        "transa");
  check(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &none, sizeof(none)),
        "transb");
  check(cublasLtMatrixLayoutCreate(&a_layout, types.ab, k, m, static_cast<std::int64_t>(k)),
        "layout A");
  check(cublasLtMatrixLayoutCreate(&b_layout, types.ab, k, n, static_cast<std::int64_t>(k)),
        "layout B");
  check(cublasLtMatrixLayoutCreate(&d_layout, types.cd, m, n, static_cast<std::int64_t>(m)),
        "layout D");
  check(cublasLtMatmulPreferenceCreate(&preference), "preference");
  const std::size_t workspace_bytes = lt.workspace->bytes();
  check(cublasLtMatmulPreferenceSetAttribute(preference, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                             &workspace_bytes, sizeof(workspace_bytes)),
        "workspace preference");
  cublasLtMatmulHeuristicResult_t heuristic{};
  int found = 0;
  const cublasStatus_t status = cublasLtMatmulAlgoGetHeuristic(
      lt.handle, op, a_layout, b_layout, d_layout, d_layout, preference, 1, &heuristic, &found);
  if (status != CUBLAS_STATUS_SUCCESS || found == 0) {
    std::cerr << "tco-microbench: skipped gemm " << mb::dtype_name(gemm.dtype) << " M=" << gemm.m
              << " N=" << gemm.n << " K=" << gemm.k << ": cuBLASLt has no algorithm (status "
              << static_cast<int>(status) << ")\n";
    return std::nullopt;
  }
  const float alpha_f = 1.0f;
  const float beta_f = 0.0f;
  const std::int32_t alpha_i = 1;
  const std::int32_t beta_i = 0;
  const bool integer = gemm.dtype == mb::GemmDtype::kInt8;
  const void* alpha = integer ? static_cast<const void*>(&alpha_i) : &alpha_f;
  const void* beta = integer ? static_cast<const void*>(&beta_i) : &beta_f;
  auto work = [&](cudaStream_t s) {
    check(cublasLtMatmul(lt.handle, op, alpha, a.as<void>(), a_layout, b.as<void>(), b_layout, beta,
                         d.as<void>(), d_layout, d.as<void>(), d_layout, &heuristic.algo,
                         lt.workspace->as<void>(), workspace_bytes, s),
          "cublasLtMatmul");
  };
  return time_runs(work, flush, options, stream);
}

// ---- STREAM copy and triad on doubles (McCalpin's STREAM definitions)

__global__ void copy_kernel(double* __restrict__ a, const double* __restrict__ b,
                            std::uint64_t count) {
  for (std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
       i < count; i += static_cast<std::uint64_t>(gridDim.x) * blockDim.x) {
    a[i] = b[i];
  }
}

__global__ void triad_kernel(double* __restrict__ a, const double* __restrict__ b,
                             const double* __restrict__ c, double scalar, std::uint64_t count) {
  for (std::uint64_t i = blockIdx.x * static_cast<std::uint64_t>(blockDim.x) + threadIdx.x;
       i < count; i += static_cast<std::uint64_t>(gridDim.x) * blockDim.x) {
    a[i] = b[i] + scalar * c[i];
  }
}

mb::TimingStats time_memory(const mb::MemoryCase& memory, int sms, const L2Flush& flush,
                            const mb::Options& options, cudaStream_t stream) {
  const auto bytes = static_cast<std::size_t>(memory.array_bytes);
  const std::uint64_t count = bytes / sizeof(double);
  DeviceBuffer a(bytes);
  DeviceBuffer b(bytes);
  std::unique_ptr<DeviceBuffer> c;
  fill(b.as<double>(), count, 3, 1.0f);
  if (memory.kernel == mb::StreamKernel::kTriad) {
    c = std::make_unique<DeviceBuffer>(bytes);
    fill(c->as<double>(), count, 4, 1.0f);
  }
  constexpr int kThreads = 256;
  // Enough blocks to fill every SM several times, no more than the array needs.
  const std::uint64_t needed = (count + kThreads - 1) / kThreads;
  const auto blocks = static_cast<unsigned>(std::min<std::uint64_t>(needed, 16ull * sms));
  auto work = [&](cudaStream_t s) {
    if (memory.kernel == mb::StreamKernel::kCopy) {
      copy_kernel<<<blocks, kThreads, 0, s>>>(a.as<double>(), b.as<double>(), count);
    } else {
      triad_kernel<<<blocks, kThreads, 0, s>>>(a.as<double>(), b.as<double>(), c->as<double>(), 3.0,
                                               count);
    }
    check(cudaGetLastError(), "stream kernel");
  };
  return time_runs(work, flush, options, stream);
}

// ---- attention: S = QK^T (cuBLAS strided batched), row softmax, O = PV

/// Softmax of each row of S (bf16, length `columns`) in place, scaled by `scale`, fp32 math.
__global__ void softmax_kernel(__nv_bfloat16* s, std::uint64_t columns, float scale) {
  __nv_bfloat16* row = s + blockIdx.x * columns;
  __shared__ float shared[32];
  float local_max = -INFINITY;
  for (std::uint64_t j = threadIdx.x; j < columns; j += blockDim.x) {
    local_max = fmaxf(local_max, __bfloat162float(row[j]) * scale);
  }
  for (int offset = 16; offset > 0; offset /= 2) {
    local_max = fmaxf(local_max, __shfl_xor_sync(0xffffffffu, local_max, offset));
  }
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = local_max;
  __syncthreads();
  float row_max = -INFINITY;
  for (unsigned w = 0; w < blockDim.x / 32; ++w) row_max = fmaxf(row_max, shared[w]);
  __syncthreads();
  float local_sum = 0;
  for (std::uint64_t j = threadIdx.x; j < columns; j += blockDim.x) {
    local_sum += __expf(__bfloat162float(row[j]) * scale - row_max);
  }
  for (int offset = 16; offset > 0; offset /= 2) {
    local_sum += __shfl_xor_sync(0xffffffffu, local_sum, offset);
  }
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = local_sum;
  __syncthreads();
  float row_sum = 0;
  for (unsigned w = 0; w < blockDim.x / 32; ++w) row_sum += shared[w];
  const float inverse = 1.0f / row_sum;
  for (std::uint64_t j = threadIdx.x; j < columns; j += blockDim.x) {
    row[j] = __float2bfloat16(__expf(__bfloat162float(row[j]) * scale - row_max) * inverse);
  }
}

mb::TimingStats time_attention(const mb::AttentionCase& a, cublasHandle_t blas,
                               const L2Flush& flush, const mb::Options& options,
                               cudaStream_t stream) {
  const auto heads = static_cast<std::uint64_t>(a.batch * a.heads);
  const auto q = static_cast<std::uint64_t>(a.q_len);
  const auto kv = static_cast<std::uint64_t>(a.kv_len);
  const auto d = static_cast<std::uint64_t>(a.head_dim);
  const std::size_t e = sizeof(__nv_bfloat16);
  DeviceBuffer query(heads * q * d * e);
  DeviceBuffer key(heads * kv * d * e);
  DeviceBuffer value(heads * kv * d * e);
  DeviceBuffer scores(heads * q * kv * e);
  DeviceBuffer output(heads * q * d * e);
  fill(query.as<__nv_bfloat16>(), heads * q * d, 5, 1.0f);
  fill(key.as<__nv_bfloat16>(), heads * kv * d, 6, 1.0f);
  fill(value.as<__nv_bfloat16>(), heads * kv * d, 7, 1.0f);
  const float one = 1.0f;
  const float zero = 0.0f;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const auto batches = static_cast<int>(heads);
  auto work = [&](cudaStream_t s) {
    check(cublasSetStream(blas, s), "cublasSetStream");
    // Row-major Q (q x d), K (kv x d) are column-major d x q, d x kv: S^T (kv x q, column-major)
    // = K^T-op x Q, i.e. S row-major q x kv.
    check(cublasGemmStridedBatchedEx(
              blas, CUBLAS_OP_T, CUBLAS_OP_N, static_cast<int>(kv), static_cast<int>(q),
              static_cast<int>(d), &one, key.as<void>(), CUDA_R_16BF, static_cast<int>(d),
              static_cast<long long>(kv * d), query.as<void>(), CUDA_R_16BF, static_cast<int>(d),
              static_cast<long long>(q * d), &zero, scores.as<void>(), CUDA_R_16BF,
              static_cast<int>(kv), static_cast<long long>(q * kv), batches, CUBLAS_COMPUTE_32F,
              CUBLAS_GEMM_DEFAULT),
          "QK^T");
    softmax_kernel<<<static_cast<unsigned>(heads * q), 256, 0, s>>>(scores.as<__nv_bfloat16>(), kv,
                                                                    scale);
    check(cudaGetLastError(), "softmax");
    // O^T (d x q, column-major) = V^T (d x kv: V row-major as is) x P^T (kv x q: P row-major).
    check(cublasGemmStridedBatchedEx(
              blas, CUBLAS_OP_N, CUBLAS_OP_N, static_cast<int>(d), static_cast<int>(q),
              static_cast<int>(kv), &one, value.as<void>(), CUDA_R_16BF, static_cast<int>(d),
              static_cast<long long>(kv * d), scores.as<void>(), CUDA_R_16BF, static_cast<int>(kv),
              static_cast<long long>(q * kv), &zero, output.as<void>(), CUDA_R_16BF,
              static_cast<int>(d), static_cast<long long>(q * d), batches, CUBLAS_COMPUTE_32F,
              CUBLAS_GEMM_DEFAULT),
          "PV");
  };
  return time_runs(work, flush, options, stream);
}

// ---- NCCL all-reduce over every visible GPU, one process (ncclCommInitAll)

#ifdef TCO_HAVE_NCCL
void check(ncclResult_t status, const char* what) {
  if (status != ncclSuccess) {
    throw std::runtime_error(std::string(what) + ": " + ncclGetErrorString(status));
  }
}

std::vector<mb::Result> run_allreduce(int ranks, const mb::Options& options) {
  std::vector<ncclComm_t> comms(static_cast<std::size_t>(ranks));
  check(ncclCommInitAll(comms.data(), ranks, nullptr), "ncclCommInitAll");
  std::vector<cudaStream_t> streams(static_cast<std::size_t>(ranks));
  for (int r = 0; r < ranks; ++r) {
    check(cudaSetDevice(r), "cudaSetDevice");
    check(cudaStreamCreate(&streams[static_cast<std::size_t>(r)]), "stream");
  }
  std::vector<mb::Result> results;
  for (const double bytes : mb::allreduce_sizes(options.quick)) {
    const auto count = static_cast<std::size_t>(bytes) / sizeof(float);
    std::vector<std::unique_ptr<DeviceBuffer>> buffers;
    for (int r = 0; r < ranks; ++r) {
      check(cudaSetDevice(r), "cudaSetDevice");
      buffers.push_back(std::make_unique<DeviceBuffer>(count * sizeof(float)));
      fill(buffers.back()->as<float>(), count, 8, 1.0f);
    }
    auto once = [&](int iterations) {
      for (int r = 0; r < ranks; ++r) {
        check(cudaSetDevice(r), "cudaSetDevice");
        check(cudaDeviceSynchronize(), "synchronize");
      }
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < iterations; ++i) {
        check(ncclGroupStart(), "ncclGroupStart");
        for (int r = 0; r < ranks; ++r) {
          auto* data = buffers[static_cast<std::size_t>(r)]->as<float>();
          check(ncclAllReduce(data, data, count, ncclFloat, ncclSum,
                              comms[static_cast<std::size_t>(r)],
                              streams[static_cast<std::size_t>(r)]),
                "ncclAllReduce");
        }
        check(ncclGroupEnd(), "ncclGroupEnd");
      }
      for (int r = 0; r < ranks; ++r) {
        check(cudaStreamSynchronize(streams[static_cast<std::size_t>(r)]), "synchronize");
      }
      const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
      return elapsed.count() / iterations;
    };
    // nccl-tests style: the mean over a batch of back-to-back operations, repeated.
    once(5);
    const int iterations = mb::repetitions_for(once(1), options.budget_s / 5, 1, 100);
    std::vector<double> seconds;
    for (int repeat = 0; repeat < 5; ++repeat) seconds.push_back(once(iterations));
    results.push_back(mb::allreduce_result(bytes, ranks, mb::summarize(seconds)));
    std::cerr << "allreduce " << bytes << " B: " << results.back().achieved << " GB/s busbw\n";
  }
  for (int r = 0; r < ranks; ++r) {
    cudaStreamDestroy(streams[static_cast<std::size_t>(r)]);
    ncclCommDestroy(comms[static_cast<std::size_t>(r)]);
  }
  check(cudaSetDevice(options.device), "cudaSetDevice");
  return results;
}
#endif

std::string today_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof(text), "%Y-%m-%d", &utc);
  return text;
}

int run(const mb::Options& options) {
  check(cudaSetDevice(options.device), "cudaSetDevice");
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, options.device), "cudaGetDeviceProperties");
  int driver_api = 0;
  int runtime = 0;
  check(cudaDriverGetVersion(&driver_api), "driver version");
  check(cudaRuntimeGetVersion(&runtime), "runtime version");
  int sm_khz = 0;
  int mem_khz = 0;
  // Max clocks as the device reports them; run_on_gpu.sh passes nvidia-smi's (with the
  // application clocks and power limit) through --clocks instead.
  cudaDeviceGetAttribute(&sm_khz, cudaDevAttrClockRate, options.device);
  cudaDeviceGetAttribute(&mem_khz, cudaDevAttrMemoryClockRate, options.device);

  mb::RunInfo info;
  info.gpu_name = prop.name;
  info.gpu_id = options.gpu_id;
  info.driver = options.driver.empty() ? "CUDA driver API " + std::to_string(driver_api / 1000) +
                                             "." + std::to_string(driver_api % 1000 / 10)
                                       : options.driver;
  info.clocks = options.clocks.empty()
                    ? "sm max " + std::to_string(sm_khz / 1000) + " MHz, memory max " +
                          std::to_string(mem_khz / 1000) + " MHz"
                    : options.clocks;
  info.date = options.date.empty() ? today_utc() : options.date;
  info.software = "CUDA runtime " + std::to_string(runtime / 1000) + "." +
                  std::to_string(runtime % 1000 / 10) + ", cuBLASLt " +
                  std::to_string(cublasLtGetVersion()) + ", compute capability " +
                  std::to_string(prop.major) + "." + std::to_string(prop.minor);
  std::cerr << "tco-microbench on " << info.gpu_name << " (" << info.software << ")\n";

  std::ofstream file;
  if (!options.output.empty()) {
    file.open(options.output);
    if (!file) throw std::runtime_error("cannot write " + options.output);
  }
  std::ostream& out = options.output.empty() ? std::cout : file;
  out << mb::csv_header();
  auto emit = [&](const mb::Result& result) {
    out << mb::csv_row(info, result) << std::flush;
    std::cerr << result.kernel << " " << result.dtype << " " << result.shape << ": "
              << result.achieved << " " << result.unit << "\n";
  };
  // One case failing (out of memory, an unsupported shape) skips that case, not the run.
  int skipped = 0;
  auto attempt = [&](const std::string& what, const std::function<void()>& measure) {
    try {
      measure();
    } catch (const std::exception& error) {
      ++skipped;
      std::cerr << "tco-microbench: skipped " << what << ": " << error.what() << "\n";
      cudaGetLastError();  // clear a non-sticky error so that the next case starts clean
    }
  };

  cudaStream_t stream = nullptr;
  check(cudaStreamCreate(&stream), "stream");
  const L2Flush flush(options.device);
  std::size_t free_bytes = 0;
  std::size_t total_bytes = 0;
  check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  const double usable = 0.6 * static_cast<double>(free_bytes);

  if (mb::selected(options, "gemm")) {
    const LtHandle lt;
    for (const auto& gemm :
         mb::gemm_cases(mb::gemm_dtypes_for(prop.major, prop.minor), options.quick)) {
      if (mb::gemm_bytes(gemm) > usable) continue;
      attempt("gemm " + std::string(mb::dtype_name(gemm.dtype)) + " " + gemm.layer +
                  " M=" + std::to_string(gemm.m),
              [&] {
                if (const auto timing = time_gemm(gemm, lt, flush, options, stream)) {
                  emit(mb::gemm_result(gemm, *timing));
                }
              });
    }
  }
  if (mb::selected(options, "memory")) {
    for (const auto& memory : mb::memory_cases(options.quick, usable)) {
      attempt("memory " + std::string(mb::stream_kernel_name(memory.kernel)) + " " +
                  std::to_string(static_cast<long long>(memory.array_bytes)) + " B arrays",
              [&] {
                emit(mb::memory_result(
                    memory, time_memory(memory, prop.multiProcessorCount, flush, options, stream)));
              });
    }
  }
  if (mb::selected(options, "attention")) {
    cublasHandle_t blas = nullptr;
    check(cublasCreate(&blas), "cublasCreate");
    for (const auto& attention : mb::attention_cases(options.quick)) {
      if (mb::attention_buffer_bytes(attention) > usable) continue;
      attempt("attention " + attention.phase + " batch " + std::to_string(attention.batch) +
                  " kv " + std::to_string(attention.kv_len),
              [&] {
                emit(mb::attention_result(attention,
                                          time_attention(attention, blas, flush, options, stream)));
              });
    }
    cublasDestroy(blas);
  }
  if (mb::selected(options, "allreduce")) {
    int devices = 0;
    check(cudaGetDeviceCount(&devices), "cudaGetDeviceCount");
#ifdef TCO_HAVE_NCCL
    if (devices >= 2) {
      attempt("all-reduce", [&] {
        for (const auto& result : run_allreduce(devices, options)) emit(result);
      });
    } else {
      std::cerr << "tco-microbench: all-reduce skipped: one GPU visible\n";
    }
#else
    std::cerr << "tco-microbench: all-reduce skipped: built without NCCL (" << devices
              << " GPUs visible)\n";
#endif
  }
  cudaStreamDestroy(stream);
  if (skipped > 0) std::cerr << "tco-microbench: " << skipped << " cases skipped\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const mb::Options options = mb::parse_options(std::vector<std::string>(argv + 1, argv + argc));
    if (options.help) {
      std::cout << mb::usage();
      return 0;
    }
    return run(options);
  } catch (const std::invalid_argument& error) {
    std::cerr << "tco-microbench: error: " << error.what() << "\n" << mb::usage();
    return 2;
  } catch (const std::exception& error) {
    std::cerr << "tco-microbench: error: " << error.what() << "\n";
    return 1;
  }
}

// The GPU-independent half of tco-microbench: shapes, FLOP/byte accounting, NCCL bus bandwidth,
// timing statistics, the CSV it writes (read back by `tco-plan calibrate`) and its command line.
#include "tco/microbench/microbench.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>

#include "../test_catalog.hpp"
#include "tco/calibrate/calibrate.hpp"

namespace mb = tco::microbench;
using mb::GemmDtype;

TEST_CASE("microbench: dtypes by compute capability", "[microbench]") {
  using V = std::vector<GemmDtype>;
  CHECK(mb::gemm_dtypes_for(7, 5) == V{GemmDtype::kFp16, GemmDtype::kInt8});
  CHECK(mb::gemm_dtypes_for(8, 0) == V{GemmDtype::kBf16, GemmDtype::kFp16, GemmDtype::kInt8});
  CHECK(mb::gemm_dtypes_for(8, 6) == V{GemmDtype::kBf16, GemmDtype::kFp16, GemmDtype::kInt8});
  const V with_fp8{GemmDtype::kBf16, GemmDtype::kFp16, GemmDtype::kFp8, GemmDtype::kInt8};
  CHECK(mb::gemm_dtypes_for(8, 9) == with_fp8);
  CHECK(mb::gemm_dtypes_for(9, 0) == with_fp8);
  CHECK(mb::gemm_dtypes_for(10, 0) == with_fp8);
}

TEST_CASE("microbench: GEMM shapes and work", "[microbench]") {
  const auto cases = mb::gemm_cases({GemmDtype::kBf16, GemmDtype::kFp8}, false);
  CHECK(cases.size() == 2 * 7 * 7);  // dtypes x layers x token counts
  CHECK(cases.front().m == 1);
  CHECK(cases.back().m == 16384);
  CHECK(cases.back().dtype == GemmDtype::kFp8);
  // Llama-3.1-8B fused QKV: 4096 + 2 * 8 KV heads * 128 outputs from 4096 inputs.
  const mb::GemmCase qkv{"qkv", 1, 6144, 4096, GemmDtype::kBf16};
  CHECK(mb::gemm_flop(qkv) == 2.0 * 6144 * 4096);
  // Decode GEMM: the weights dominate, (1*4096 + 4096*6144) * 2 + 1*6144 * 2 bytes.
  CHECK(mb::gemm_bytes(qkv) == (4096.0 + 4096.0 * 6144) * 2 + 6144.0 * 2);
  const mb::GemmCase int8{"x", 16, 32, 64, GemmDtype::kInt8};
  CHECK(mb::gemm_bytes(int8) == 16.0 * 64 + 64.0 * 32 + 16.0 * 32 * 4);  // int32 out
  CHECK(mb::gemm_cases({GemmDtype::kBf16}, true).size() == 2 * 3);
}

TEST_CASE("microbench: STREAM sizes and bytes", "[microbench]") {
  const auto all = mb::memory_cases(false, 1e12);
  REQUIRE(all.size() == 2 * 11);  // 4 KiB .. 4 GiB in steps of 4, copy and triad
  CHECK(all.front().array_bytes == 4096);
  CHECK(all[10].array_bytes == 4.0 * 1024 * 1024 * 1024);
  CHECK(mb::memory_bytes_moved({mb::StreamKernel::kCopy, 1000}) == 2000);
  CHECK(mb::memory_bytes_moved({mb::StreamKernel::kTriad, 1000}) == 3000);
  // A 10 GiB budget keeps 4 GiB copy (two arrays, 8 GiB) and drops 4 GiB triad (three, 12 GiB).
  const auto capped = mb::memory_cases(false, 10.0 * 1024 * 1024 * 1024);
  CHECK(capped.size() == 2 * 11 - 1);
}

TEST_CASE("microbench: attention shapes and FLOP", "[microbench]") {
  const auto cases = mb::attention_cases(false);
  REQUIRE(cases.size() == 8);
  CHECK(cases[0].phase == "prefill");
  CHECK(cases.back().phase == "decode");
  const mb::AttentionCase prefill{"prefill", 1, 32, 2048, 2048, 128};
  CHECK(mb::attention_flop(prefill) == 4.0 * 32 * 2048 * 2048 * 128);
  const mb::AttentionCase decode{"decode", 16, 32, 1, 4096, 128};
  CHECK(mb::attention_flop(decode) == 4.0 * 16 * 32 * 4096 * 128);
  // Q and O (1 x 128), K and V (4096 x 128), S (1 x 4096), bf16, for 512 heads.
  CHECK(mb::attention_buffer_bytes(decode) == 2.0 * 512 * (2 * 128 + 2 * 4096 * 128 + 4096));
}

TEST_CASE("microbench: all-reduce bus bandwidth", "[microbench]") {
  // nccl-tests PERFORMANCE.md: busBw = algBw * 2(n-1)/n; 8 ranks -> 1.75.
  CHECK(mb::allreduce_bus_bandwidth(1e9, 0.01, 8) == Approx(1e11 * 1.75));
  CHECK(mb::allreduce_bus_bandwidth(1e9, 0.01, 2) == Approx(1e11));
  CHECK_THROWS_AS(mb::allreduce_bus_bandwidth(1e9, 0.01, 1), std::invalid_argument);
  CHECK_THROWS_AS(mb::allreduce_bus_bandwidth(1e9, 0, 4), std::invalid_argument);
  const auto sizes = mb::allreduce_sizes(false);
  CHECK(sizes.front() == 1024);
  CHECK(sizes.back() == 1024.0 * 1024 * 1024);
  CHECK(sizes.size() == 11);
}

TEST_CASE("microbench: timing statistics", "[microbench]") {
  const auto odd = mb::summarize({3e-3, 1e-3, 2e-3});
  CHECK(odd.count == 3);
  CHECK(odd.median_s == 2e-3);
  CHECK(odd.min_s == 1e-3);
  CHECK(odd.max_s == 3e-3);
  CHECK(odd.mean_s == Approx(2e-3));
  CHECK(mb::summarize({4.0, 1.0, 2.0, 100.0}).median_s == 3.0);  // outlier does not move it
  CHECK_THROWS_AS(mb::summarize({}), std::invalid_argument);
  CHECK_THROWS_AS(mb::summarize({1.0, 0.0}), std::invalid_argument);
  CHECK(mb::repetitions_for(1e-3, 0.05, 5, 200) == 50);
  CHECK(mb::repetitions_for(1.0, 0.05, 5, 200) == 5);
  CHECK(mb::repetitions_for(1e-6, 0.05, 5, 200) == 200);
}

TEST_CASE("microbench: CSV quoting", "[microbench]") {
  CHECK(mb::csv_field("plain") == "plain");
  CHECK(mb::csv_field("a, b") == "\"a, b\"");
  CHECK(mb::csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(mb::csv_header() ==
        "source,source_detail,gpu,kernel,dtype,shape_or_size,achieved,unit,spec_peak,notes,"
        "gpu_id,driver,clocks\n");
}

TEST_CASE("microbench: what it writes, calibrate reads as intended", "[microbench]") {
  const mb::RunInfo info{"NVIDIA H200", "h200-sxm",
                         "580.95.05",   "sm 1980 MHz, mem 3201 MHz",
                         "2026-12-03",  "CUDA runtime 13.0"};
  // 16384 x 28672 x 4096 bf16 in 10 ms: 2*16384*28672*4096 / 0.01 = 384.8 TFLOP/s.
  const mb::GemmCase gemm{"llama-3.1-8b gate_up", 16384, 28672, 4096, GemmDtype::kBf16};
  const auto gemm_row = mb::gemm_result(gemm, mb::summarize({0.01, 0.01, 0.02}));
  CHECK(gemm_row.achieved == Approx(2.0 * 16384 * 28672 * 4096 / 0.01 / 1e12));
  const mb::MemoryCase triad{mb::StreamKernel::kTriad, 1024.0 * 1024 * 1024};
  const auto memory_row = mb::memory_result(triad, mb::summarize({1e-3}));
  CHECK(memory_row.achieved == Approx(3.0 * 1024 * 1024 * 1024 / 1e-3 / 1e9));
  const auto attention_row =
      mb::attention_result({"prefill", 1, 32, 2048, 2048, 128}, mb::summarize({1e-3}));
  const auto allreduce_row = mb::allreduce_result(1 << 30, 8, mb::summarize({0.01}));
  CHECK(allreduce_row.achieved == Approx(1073741824.0 / 0.01 * 1.75 / 1e9));

  std::string csv = mb::csv_header();
  for (const auto* result : {&gemm_row, &memory_row, &attention_row, &allreduce_row}) {
    csv += mb::csv_row(info, *result);
  }
  const auto rows = tco::calibrate::parse_microbench_csv(csv, "results.csv");
  REQUIRE(rows.size() == 4);
  CHECK(rows[0].source ==
        "measured by tco-microbench on 2026-12-03, driver 580.95.05, clocks sm 1980 MHz, mem "
        "3201 MHz");
  CHECK(rows[0].gpu == "NVIDIA H200");
  CHECK(rows[0].gpu_id == "h200-sxm");
  CHECK(rows[0].driver == "580.95.05");
  CHECK(tco::calibrate::row_gpu_id(rows[0]) == "h200-sxm");

  const auto& h200 = *test_catalog().find_gpu("h200-sxm");
  const auto gemm_use = tco::calibrate::interpret_row(rows[0], h200);
  REQUIRE(gemm_use.sample);
  CHECK(gemm_use.sample->kernel == "gemm");
  CHECK(gemm_use.sample->dtype == "bf16");
  CHECK(gemm_use.sample->size == mb::gemm_flop(gemm));
  // 384.83 TFLOP/s of the catalog's 989.5.
  CHECK(gemm_use.sample->utilisation == Approx(384.83 / 989.5).epsilon(1e-3));

  const auto memory_use = tco::calibrate::interpret_row(rows[1], h200);
  REQUIRE(memory_use.sample);
  CHECK(memory_use.sample->kernel == "memory");
  CHECK(memory_use.sample->size == 3.0 * 1024 * 1024 * 1024);

  const auto attention_use = tco::calibrate::interpret_row(rows[2], h200);
  REQUIRE(attention_use.sample);
  CHECK(attention_use.sample->kernel == "attention");
  CHECK(attention_use.sample->size == 4.0 * 32 * 2048 * 2048 * 128);

  const auto allreduce_use = tco::calibrate::interpret_row(rows[3], h200);
  REQUIRE(allreduce_use.sample);
  CHECK(allreduce_use.sample->kernel == "allreduce");
  CHECK(allreduce_use.sample->size == 1073741824.0);
  // 187.9 GB/s bus bandwidth of NVLink4's 450 GB/s per direction.
  CHECK(allreduce_use.sample->utilisation == Approx(187.9 / 450).epsilon(1e-3));
}

TEST_CASE("microbench: command line", "[microbench]") {
  const auto options =
      mb::parse_options({"-o", "r.csv", "--gpu-id", "h200-sxm", "--driver", "580.95.05", "--quick",
                         "--only", "gemm,memory", "--budget-ms", "20"});
  CHECK(options.output == "r.csv");
  CHECK(options.gpu_id == "h200-sxm");
  CHECK(options.quick);
  CHECK(options.budget_s == Approx(0.02));
  CHECK(mb::selected(options, "gemm"));
  CHECK(mb::selected(options, "memory"));
  CHECK_FALSE(mb::selected(options, "allreduce"));
  CHECK(mb::selected(mb::parse_options({}), "allreduce"));
  CHECK_THROWS_WITH(mb::parse_options({"--only", "gemm,fft"}),
                    "--only: unknown benchmark 'fft' (gemm, memory, attention, allreduce)");
  CHECK_THROWS_WITH(mb::parse_options({"--gpu-id"}), "--gpu-id: needs a value");
  CHECK_THROWS_WITH(mb::parse_options({"--budget-ms", "x"}),
                    "--budget-ms: 'x' is not a non-negative number");
  CHECK_THROWS_WITH(mb::parse_options({"--fast"}), "unknown argument '--fast'");
}

TEST_CASE("microbench: a whole synthetic run calibrates into every curve", "[microbench]") {
  // Timings from a simple roofline (80 % of the catalog FLOP/s, 90 % of its bandwidth, 5 us of
  // launch overhead) stand in for a GPU: every case the suite runs must become a sample, except
  // the GEMMs that are memory-bound at the datasheet peaks (decode shapes), which measure the
  // memory system and are left to the simulator's memory term.
  const auto& h200 = *test_catalog().find_gpu("h200-sxm");
  const double bandwidth = h200.memory_bandwidth_bytes_per_s;
  const double bf16 = h200.peak_flops.at(tco::catalog::Dtype::kBf16);
  auto seconds = [](double flop, double peak, double bytes, double bw) {
    return std::max(flop / (0.8 * peak), bytes / (0.9 * bw)) + 5e-6;
  };
  const mb::RunInfo info{"NVIDIA H200", "h200-sxm", "580.95.05", "sm max 1980 MHz",
                         "2026-12-03", ""};
  std::string csv = mb::csv_header();
  std::size_t written = 0;
  std::size_t memory_bound_gemms = 0;
  for (const auto& gemm : mb::gemm_cases(mb::gemm_dtypes_for(9, 0), false)) {
    const std::string dtype(mb::dtype_name(gemm.dtype));
    const double peak = h200.peak_flops.at(*tco::catalog::dtype_from_name(dtype));
    const double t = seconds(mb::gemm_flop(gemm), peak, mb::gemm_bytes(gemm), bandwidth);
    csv += mb::csv_row(info, mb::gemm_result(gemm, mb::summarize({t})));
    if (mb::gemm_bytes(gemm) / bandwidth > mb::gemm_flop(gemm) / peak) {
      ++memory_bound_gemms;
    } else {
      ++written;
    }
  }
  CHECK(memory_bound_gemms > 0);
  for (const auto& memory : mb::memory_cases(false, 1e12)) {
    const double t = seconds(0, bf16, mb::memory_bytes_moved(memory), bandwidth);
    csv += mb::csv_row(info, mb::memory_result(memory, mb::summarize({t})));
    ++written;
  }
  for (const auto& attention : mb::attention_cases(false)) {
    const double t = seconds(mb::attention_flop(attention), bf16,
                             mb::attention_buffer_bytes(attention), bandwidth);
    csv += mb::csv_row(info, mb::attention_result(attention, mb::summarize({t})));
    ++written;
  }
  for (const double bytes : mb::allreduce_sizes(false)) {
    const double t = bytes / (0.8 * h200.interconnect_bytes_per_s) + 20e-6;
    csv += mb::csv_row(info, mb::allreduce_result(bytes, 8, mb::summarize({t * 1.75})));
    ++written;
  }
  const auto rows = tco::calibrate::parse_microbench_csv(csv, "h200-sxm.csv");
  const auto profile = tco::calibrate::build_profile(rows, "h200-sxm", test_catalog());
  CHECK(profile.samples.size() == written);
  CHECK(profile.provenance.source ==
        "measured by tco-microbench on 2026-12-03, driver 580.95.05, clocks sm max 1980 MHz");
  using tco::catalog::Dtype;
  for (const Dtype dtype : {Dtype::kBf16, Dtype::kFp8, Dtype::kInt8}) {
    INFO(tco::catalog::dtype_name(dtype));
    REQUIRE(profile.gemm.count(dtype) == 1);
    REQUIRE(profile.gemm.at(dtype).fit);
    // Large GEMMs reach the 80 % the timings were made with; the smallest compute-bound ones
    // lose to the 5 us of launch overhead.
    CHECK(profile.gemm_utilisation(dtype, 1e16) == Approx(0.8).epsilon(0.01));
    CHECK(profile.gemm_curve(dtype).utilisation.front() < 0.7);
  }
  CHECK(profile.memory_utilisation(4e9) == Approx(0.9).epsilon(0.01));
  CHECK(profile.memory_utilisation(1e4) < 0.5);  // 5 us of overhead dominates small copies
  CHECK_FALSE(profile.attention.empty());
  CHECK(profile.allreduce_utilisation(1e9) == Approx(0.8).epsilon(0.01));
  CHECK(profile.measured("gemm"));
  CHECK(profile.measured("memory"));
  CHECK(profile.measured("attention"));
  CHECK(profile.measured("allreduce"));
}

// Calibration: the results-CSV reader (exact file:line errors), the GPU-name table, row
// interpretation on hand-checked rows, half-decade curves, the saturating fit, and the shipped
// profiles: regenerating them from tests/data/microbench.csv reproduces profiles/ byte for
// byte, and every sample traces back to its CSV row.
#include "../test_catalog.hpp"
#include "tco/calibrate/calibrate.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "tco/catalog/catalog.hpp"
#include "tco/config/diagnostics.hpp"

namespace cal = tco::calibrate;
using tco::catalog::Dtype;

namespace {

const char* const kHeader =
    "source,source_detail,gpu,kernel,dtype,shape_or_size,achieved,unit,spec_peak,notes\n";

std::filesystem::path source_dir() { return TCO_PLAN_SOURCE_DATA_DIR; }
std::filesystem::path microbench_csv() {
  return std::filesystem::path(TCO_TEST_DATA_DIR) / "microbench.csv";
}

const std::vector<cal::MicrobenchRow>& published_rows() {
  static const auto rows = cal::read_microbench_csv(microbench_csv());
  return rows;
}

std::string csv_error(const std::string& text) {
  try {
    (void)cal::parse_microbench_csv(text, "results.csv");
  } catch (const tco::config::InputError& error) {
    return error.what();
  }
  FAIL("no error");
  return {};
}

cal::MicrobenchRow row_at(int line) {
  for (const auto& row : published_rows()) {
    if (row.line == line) return row;
  }
  FAIL("no row at line " << line);
  return {};
}

}  // namespace

TEST_CASE("csv: rows, optional columns and record lines", "[calibrate]") {
  const auto rows = cal::parse_microbench_csv(
      "source,source_detail,gpu,kernel,dtype,shape_or_size,achieved,unit,spec_peak,notes,gpu_id,"
      "clocks\n"
      "ours,run 1,H100,gemm,bf16,flop=2e12,700.5,TFLOPS,,\"two\nlines\",h100-sxm,1980 MHz\n"
      "\n"
      "ours,run 2,,memory,,bytes=1e9,3.1,TB/s,,,h100-sxm,\n",
      "results.csv");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].line == 2);
  CHECK(rows[0].achieved == 700.5);
  CHECK(rows[0].achieved_text == "700.5");
  CHECK(rows[0].notes == "two\nlines");
  CHECK(rows[0].gpu_id == "h100-sxm");
  CHECK(rows[0].clocks == "1980 MHz");
  CHECK(rows[1].line == 5);  // after a two-line record and a blank line
  CHECK(rows[1].gpu.empty());
  CHECK(rows[1].file == "results.csv");
}

TEST_CASE("csv: errors name file:line", "[calibrate]") {
  CHECK(csv_error(std::string(kHeader) + "s,d,H100 SXM5,gemm,bf16,x,1,TFLOPS,,\n"
                                         "s,d,H100 SXM5,gemm,bf16,x,1,TFLOPS,\n") ==
        "results.csv:3: error: expected 10 fields as in the header, got 9\n");
  CHECK(csv_error(std::string(kHeader) + "s,d,H100 SXM5,gemm,bf16,x,fast,TFLOPS,,\n"
                                         "s,d,H100 SXM5,gemm,bf16,\"multi\nline\",-2,TFLOPS,,\n"
                                         "s,d,H100 SXM5,,bf16,x,1,TFLOPS,,\n"
                                         "s,d,,gemm,bf16,x,1,TFLOPS,,\n") ==
        "results.csv:2: error: achieved: 'fast' is not a positive number\n"
        "results.csv:3: error: achieved: '-2' is not a positive number\n"
        "results.csv:5: error: kernel: empty (required)\n"
        "results.csv:6: error: gpu: empty (required unless gpu_id is given)\n");
  CHECK(csv_error("source,source_detail,gpu,kernel,dtype,shape_or_size,achieved,unit,spec_peak,"
                  "note\n") ==
        "results.csv:1: error: unknown column 'note' (did you mean 'notes'?)\n"
        "results.csv:1: error: missing column 'notes'\n");
  CHECK(csv_error(std::string(kHeader) + "s,d,H100 SXM5,gemm,bf16,\"x\"y,1,TFLOPS,,\n") ==
        "results.csv:2: error: malformed CSV (error parsing data while strict checking "
        "enabled)\n");
  CHECK(csv_error(std::string(kHeader) + "s,d,H100 SXM5,gemm,bf16,x,1,TFLOPS,,\n"
                                         "s,d,H100 SXM5,gemm,bf16,\"unterminated,1,TFLOPS,,\n"
                                         "more\n") ==
        "results.csv:3: error: malformed CSV (error parsing data while strict checking "
        "enabled)\n");
  CHECK(csv_error("") == "results.csv: error: empty file\n");
  CHECK_THROWS_WITH(cal::read_microbench_csv("/nonexistent/results.csv"),
                    "cannot read '/nonexistent/results.csv'");
}

TEST_CASE("gpu names: the explicit table", "[calibrate]") {
  const auto* h100 = cal::find_gpu_name("8x H100 SXM 80GB (NVLink4/NVSwitch)");
  REQUIRE(h100 != nullptr);
  CHECK(h100->gpu_id == "h100-sxm");
  CHECK(h100->use == cal::GpuNameUse::kAll);
  const auto* h800 = cal::find_gpu_name("H800 SXM");
  REQUIRE(h800 != nullptr);
  CHECK(h800->gpu_id == "h100-sxm");
  CHECK(h800->use == cal::GpuNameUse::kGemmProxy);
  CHECK(cal::find_gpu_name("8x H800 SXM (NVLink 400 GB/s total)")->use ==
        cal::GpuNameUse::kGemmProxy);
  CHECK(cal::find_gpu_name("A100 80GB")->use == cal::GpuNameUse::kAmbiguous);
  CHECK(cal::find_gpu_name("GH200 (HBM variant not stated)")->use == cal::GpuNameUse::kAmbiguous);
  CHECK(cal::find_gpu_name("MI300A")->use == cal::GpuNameUse::kNotInCatalog);
  CHECK(cal::find_gpu_name("A100 40GB")->gpu_id == "a100-sxm-40gb");
  CHECK(cal::find_gpu_name("H200 141GB (Azure ND H200 v5)")->gpu_id == "h200-sxm");
  CHECK(cal::find_gpu_name("h100 sxm 80gb") == nullptr);  // exact text only
  CHECK(cal::find_gpu_name("Tesla V100") == nullptr);

  cal::MicrobenchRow row;
  row.gpu = "H800 SXM";
  CHECK(cal::row_gpu_id(row) == "h100-sxm");
  row.gpu_id = "h200-sxm";  // our suite's gpu_id column wins
  CHECK(cal::row_gpu_id(row) == "h200-sxm");

  // Every id in the table is a catalog GPU, and every GPU named in the published data is in it.
  for (const auto& entry : cal::gpu_name_table()) {
    INFO(entry.text);
    if (entry.use == cal::GpuNameUse::kNotInCatalog) {
      CHECK(entry.gpu_id.empty());
    } else {
      CHECK(test_catalog().find_gpu(entry.gpu_id) != nullptr);
    }
    if (entry.use != cal::GpuNameUse::kAll) CHECK_FALSE(entry.note.empty());
  }
  for (const auto& published : published_rows()) {
    INFO(published.gpu);
    CHECK(cal::find_gpu_name(published.gpu) != nullptr);
  }
}

TEST_CASE("interpret: hand-checked published rows", "[calibrate]") {
  const auto& h100 = *test_catalog().find_gpu("h100-sxm");
  SECTION("cuBLASLt FP8 2048^3 on H100") {
    const auto use = cal::interpret_row(row_at(35), h100);
    REQUIRE(use.sample);
    CHECK(use.sample->kernel == "gemm");
    CHECK(use.sample->dtype == "fp8");
    CHECK(use.sample->size == 2.0 * 2048 * 2048 * 2048);  // 2*M*N*K
    CHECK(use.sample->utilisation == 0.511);              // 1011.3 / 1979 = 0.51102
    CHECK(use.sample->achieved == "1011.3 TFLOPS");
    CHECK(use.sample->row == "microbench.csv:35");
  }
  SECTION("cuBLASLt FP8 1024^3 on H100 is memory-bound at the peaks, not a compute sample") {
    // Operands 2 x 1024^2 x 1 B + result 1024^2 x 2 B = 4.19 MB: 1.25 us at 3.35 TB/s, more than
    // the 2.15 GFLOP take at 1979 TFLOP/s (1.09 us).
    const auto use = cal::interpret_row(row_at(34), h100);
    CHECK_FALSE(use.sample);
    CHECK(use.skip_reason ==
          "memory-bound shape (m x n x k = 1024x1024x1024): its operands take longer to move at "
          "the peak bandwidth than its math at the peak FLOP/s, so it measures the memory system, "
          "not the tensor cores");
  }
  SECTION("BabelStream Copy on H100: 2 arrays of 2^25 doubles") {
    const auto use = cal::interpret_row(row_at(66), h100);
    REQUIRE(use.sample);
    CHECK(use.sample->kernel == "memory");
    CHECK(use.sample->size == 2.0 * 33554432 * 8);
    CHECK(use.sample->utilisation == 0.8657);  // 2.90 / 3.35 = 0.86567
  }
  SECTION("nccl-tests '65KB' is 2^16 bytes") {
    const auto use = cal::interpret_row(row_at(130), h100);
    REQUIRE(use.sample);
    CHECK(use.sample->kernel == "allreduce");
    CHECK(use.sample->size == 65536);
    CHECK(use.sample->utilisation == 0.006044);  // 2.72 / 450 = 0.0060444
  }
  SECTION("NVLS 8 GB all-reduce above the per-direction NVLink figure is capped at 1") {
    const auto use = cal::interpret_row(row_at(147), h100);
    REQUIRE(use.sample);
    CHECK(use.sample->size == 8.0 * 1024 * 1024 * 1024);
    CHECK(use.sample->utilisation == 1.0);
    CHECK(use.raw_utilisation == Approx(478.87 / 450));
  }
  SECTION("FlashAttention-2 FLOP per the flash-attn benchmark script") {
    const auto use = cal::interpret_row(row_at(83), h100);
    REQUIRE(use.sample);
    CHECK(use.sample->kernel == "attention");
    CHECK(use.sample->dtype == "fp16");
    CHECK(use.sample->size == 4.0 * 2 * 8192 * 8192 * 2048);
    CHECK(use.sample->utilisation == 0.3314);  // 327.9 / 989.5
  }
  SECTION("a GEMM-proxy GPU's rows inform the catalog GPU and say so") {
    // MAMF's 'GH200 (900W, 141GB HBM3e)': the catalog gh200's Hopper compute, not its memory.
    const auto use = cal::interpret_row(row_at(3), *test_catalog().find_gpu("gh200"));
    REQUIRE(use.sample);
    CHECK(use.sample->kernel == "gemm");
    CHECK(use.sample->source.find("measured on 'GH200 (900W, 141GB HBM3e)'") !=
          std::string::npos);
  }
  SECTION("rows that are not used, and why") {
    CHECK(cal::interpret_row(row_at(23), h100).skip_reason.find("MAMF v1") != std::string::npos);
    CHECK(cal::interpret_row(row_at(291), h100).skip_reason.find("GEMM-only proxy") !=
          std::string::npos);  // H800 all-reduce must not inform H100
    CHECK(cal::interpret_row(row_at(287), h100).skip_reason ==
          "approximate statement, not a measurement");
    CHECK(cal::interpret_row(row_at(277), h100).skip_reason ==
          "problem size not stated (a best-case or sweep-wide figure)");
    CHECK(cal::interpret_row(row_at(84), h100).skip_reason.find("unfused") != std::string::npos);
    // DeepGEMM grouped (MoE) GEMM, groups=4 M/group=8192 N=4096 K=7168: by its total FLOP it
    // would sit among dense GEMMs 4x its per-group size; the engine's expert scale prices it.
    CHECK(cal::interpret_row(row_at(263), h100).skip_reason ==
          "grouped (MoE) GEMM: the dense curve takes single GEMMs; the engine's fitted "
          "expert-GEMM scale prices grouping");
    // DeepGEMM's fine-grained (block-scaled) FP8 dense GEMM is not the per-tensor FP8 kernel.
    CHECK(cal::interpret_row(row_at(257), h100).skip_reason ==
          "block-scaled FP8 GEMM (fine-grained scales): another kernel than the per-tensor FP8 "
          "GEMMs of the fp8 curve");
  }
  SECTION("an NVLink-bridge all-reduce is not the catalog's PCIe interconnect") {
    const auto use = cal::interpret_row(row_at(289), *test_catalog().find_gpu("h100-pcie"));
    CHECK(use.skip_reason ==
          "all-reduce over an NVLink bridge pair, not the catalog interconnect (pcie5)");
  }
}

TEST_CASE("interpret: our own suite states sizes explicitly", "[calibrate]") {
  const auto rows = cal::parse_microbench_csv(
      std::string(kHeader).insert(std::string(kHeader).size() - 1, ",gpu_id,driver") +
          "tco-plan bench,gemm sweep,NVIDIA H100 80GB HBM3,gemm,bf16,flop=2000000000000,"
          "791.6,TFLOPS,,,h100-sxm,550.54\n",
      "ours.csv");
  const auto use = cal::interpret_row(rows.at(0), *test_catalog().find_gpu("h100-sxm"));
  REQUIRE(use.sample);
  CHECK(use.sample->size == 2e12);
  CHECK(use.sample->utilisation == 0.8);  // 791.6 / 989.5
  CHECK(use.sample->source == "tco-plan bench (gemm sweep); driver 550.54");
  CHECK(use.sample->row == "ours.csv:2");
}

TEST_CASE("curves: half-decade medians", "[calibrate]") {
  // 1e9 and 2e9 share [1e9, 10^9.5); 1e10 is alone in [1e10, 10^10.5).
  const auto c = cal::curve_from_samples({{2e9, 0.4}, {1e10, 0.6}, {1e9, 0.2}});
  CHECK(c.sizes == std::vector<double>{1.5e9, 1e10});
  CHECK(c.utilisation == std::vector<double>{0.3, 0.6});
  CHECK_FALSE(c.fit.has_value());  // 3 samples: too few for 3 parameters
  // Saturated memory samples form one point at the threshold.
  const auto m = cal::curve_from_samples({{6e8, 0.8}, {1e8, 0.5}, {3e9, 0.9}}, 536870912.0);
  CHECK(m.sizes == std::vector<double>{1e8, 536870912.0});
  CHECK(m.utilisation == std::vector<double>{0.5, 0.85});
  CHECK(cal::round_significant(0.123456) == 0.1235);
  CHECK(cal::round_significant(1234567.0, 3) == 1230000.0);
}

TEST_CASE("fit: recovers a known saturating curve", "[calibrate]") {
  // u = 0.8 / (1 + (1e10 / s)^1.5), sampled every half decade from 1e8 to 1e13.
  std::vector<double> sizes;
  std::vector<double> utilisation;
  for (int k = 16; k <= 26; ++k) {
    const double s = std::pow(10.0, k / 2.0);
    sizes.push_back(s);
    utilisation.push_back(0.8 / (1 + std::pow(1e10 / s, 1.5)));
  }
  const auto fit = cal::fit_saturating(sizes, utilisation);
  REQUIRE(fit);
  CHECK(fit->u_max == Approx(0.8).epsilon(1e-3));
  CHECK(fit->s_half == Approx(1e10).epsilon(1e-2));
  CHECK(fit->exponent == Approx(1.5).epsilon(1e-2));
  CHECK(fit->rms < 1e-3);
  CHECK(fit->samples == 11);
  // Too few samples, or too narrow a range, identify nothing.
  CHECK_FALSE(cal::fit_saturating({1e9, 1e10, 1e11}, {0.1, 0.5, 0.7}));
  CHECK_FALSE(cal::fit_saturating({1e9, 1.5e9, 2e9, 3e9}, {0.1, 0.2, 0.3, 0.4}));
}

TEST_CASE("profiles: regenerating every shipped profile is byte-identical", "[calibrate]") {
  const auto& rows = published_rows();
  const auto& catalog = test_catalog();
  std::vector<tco::perf::KernelProfile> profiles;
  for (const auto& id : cal::calibratable_gpus(rows, catalog)) {
    profiles.push_back(cal::build_profile(rows, id, catalog));
  }
  profiles.push_back(cal::build_generic_profile(profiles, catalog));

  std::set<std::string> generated;
  for (const auto& profile : profiles) {
    INFO(profile.gpu_id);
    const auto path = source_dir() / "profiles" / (profile.gpu_id + ".yaml");
    REQUIRE(std::filesystem::exists(path));
    CHECK(cal::write_profile_yaml(profile) == tco::catalog::read_text_file(path));
    generated.insert(profile.gpu_id + ".yaml");
  }
  // No stale profile in profiles/ that the data no longer produces (profiles/measured/ holds
  // profiles measured with bench/cuda, which the published data does not produce).
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "profiles")) {
    if (!entry.is_regular_file()) continue;
    INFO(entry.path());
    CHECK(generated.count(entry.path().filename().string()) == 1);
  }
  // The GPUs the brief expects calibrated data for.
  for (const char* id : {"a100-sxm-80gb", "a100-sxm-40gb", "h100-sxm", "h200-sxm", "h100-pcie",
                         "gh200", "mi300x", "gb200", "l40", "a40"}) {
    CHECK(generated.count(std::string(id) + ".yaml") == 1);
  }
}

TEST_CASE("profiles: loading and writing back is the identity", "[calibrate]") {
  // Measured profiles (profiles/measured/) too: they are calibrate's output as well.
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(source_dir() / "profiles")) {
    if (!entry.is_regular_file()) continue;
    INFO(entry.path());
    const auto profile = tco::perf::load_profile(entry.path());
    CHECK(cal::write_profile_yaml(profile) == tco::catalog::read_text_file(entry.path()));
  }
}

TEST_CASE("profiles: every sample traces to its CSV row", "[calibrate]") {
  std::map<int, const cal::MicrobenchRow*> by_line;
  for (const auto& row : published_rows()) by_line[row.line] = &row;
  const auto profiles = tco::perf::load_profiles(source_dir() / "profiles");
  for (const auto& [id, profile] : profiles) {
    for (const auto& sample : profile.samples) {
      INFO(id << " " << sample.row);
      REQUIRE(sample.row.rfind("microbench.csv:", 0) == 0);
      const int line = std::stoi(sample.row.substr(sample.row.find(':') + 1));
      REQUIRE(by_line.count(line) == 1);
      const auto& row = *by_line.at(line);
      CHECK(sample.achieved == row.achieved_text + " " + row.unit);
      CHECK(sample.shape == row.shape_or_size);
      CHECK(sample.source.rfind(row.source, 0) == 0);
      const auto* name = cal::find_gpu_name(row.gpu);
      REQUIRE(name != nullptr);
      CHECK(name->gpu_id == id);
      // A GEMM-only proxy (H800, the HBM3e GH200) contributes GEMM samples only.
      if (name->use == cal::GpuNameUse::kGemmProxy) CHECK(sample.kernel == "gemm");
      CHECK(name->use != cal::GpuNameUse::kAmbiguous);
    }
  }
  // H800 rows never inform all-reduce: H100's all-reduce samples are the Azure H100 sweep.
  for (const auto& sample : profiles.at("h100-sxm").samples) {
    if (sample.kernel == "allreduce") {
      CHECK(sample.source.find("ND_H100_v5") != std::string::npos);
    }
  }
}

TEST_CASE("profiles: the generic profile is the median of the NVIDIA curves", "[calibrate]") {
  const auto profiles = tco::perf::load_profiles(source_dir() / "profiles");
  const auto& generic = profiles.at("generic");
  CHECK(generic.samples.empty());
  CHECK(generic.provenance.estimate);
  // Attention: A100 0.5753, H100 0.3314, H200 0.3328 -> median 0.3328 (MI300X does not vote).
  REQUIRE(generic.attention.utilisation.size() == 1);
  CHECK(generic.attention.utilisation[0] == 0.3328);
  // bf16 and fp16 share one 16-bit curve.
  CHECK(generic.gemm.at(Dtype::kBf16).utilisation == generic.gemm.at(Dtype::kFp16).utilisation);
}

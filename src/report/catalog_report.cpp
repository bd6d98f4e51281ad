#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tco/model/architecture.hpp"
#include "tco/report/report.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

using nlohmann::ordered_json;

namespace {

std::string peak_tflops(const catalog::Gpu& gpu, catalog::Dtype dtype) {
  const auto found = gpu.peak_flops.find(dtype);
  return found == gpu.peak_flops.end() ? "-" : fmt::format("{:g}", found->second / 1e12);
}

std::string source_cell(const catalog::Provenance& provenance) {
  return provenance.estimate ? "estimate: " + provenance.source : provenance.source;
}

std::vector<std::vector<std::string>> gpu_rows(const catalog::Catalog& catalog, bool human) {
  std::vector<std::vector<std::string>> rows;
  if (human) {
    rows.push_back({"id", "name", "memory", "bandwidth", "bf16 TFLOP/s", "fp8 TFLOP/s",
                    "fp4 TFLOP/s", "TDP", "link", "as of", "estimate"});
  } else {
    rows.push_back({"id", "name", "vendor", "memory_bytes", "memory_bandwidth_bytes_per_s",
                    "fp32_flops_per_s", "bf16_flops_per_s", "fp16_flops_per_s", "fp8_flops_per_s",
                    "int8_ops_per_s", "fp4_flops_per_s", "tdp_w", "interconnect",
                    "interconnect_bytes_per_s", "form_factor", "estimate", "source", "as_of"});
  }
  for (const auto& gpu : catalog.gpus) {
    if (human) {
      rows.push_back({gpu.id, gpu.name, units::format_gib(gpu.memory_bytes),
                      fmt::format("{:g} TB/s", gpu.memory_bandwidth_bytes_per_s / 1e12),
                      peak_tflops(gpu, catalog::Dtype::kBf16), peak_tflops(gpu, catalog::Dtype::kFp8),
                      peak_tflops(gpu, catalog::Dtype::kFp4), fmt::format("{:g} W", gpu.tdp_w),
                      gpu.interconnect, gpu.provenance.as_of,
                      gpu.provenance.estimate ? "yes" : ""});
      continue;
    }
    auto peak = [&](catalog::Dtype dtype) {
      const auto found = gpu.peak_flops.find(dtype);
      return found == gpu.peak_flops.end() ? std::string{} : fmt::format("{}", found->second);
    };
    rows.push_back({gpu.id, gpu.name, gpu.vendor, fmt::format("{}", gpu.memory_bytes),
                    fmt::format("{}", gpu.memory_bandwidth_bytes_per_s),
                    peak(catalog::Dtype::kFp32), peak(catalog::Dtype::kBf16),
                    peak(catalog::Dtype::kFp16), peak(catalog::Dtype::kFp8),
                    peak(catalog::Dtype::kInt8), peak(catalog::Dtype::kFp4),
                    fmt::format("{}", gpu.tdp_w), gpu.interconnect,
                    fmt::format("{}", gpu.interconnect_bytes_per_s), gpu.form_factor,
                    gpu.provenance.estimate ? "true" : "false", gpu.provenance.source,
                    gpu.provenance.as_of});
  }
  return rows;
}

std::vector<std::vector<std::string>> model_rows(const catalog::Catalog& catalog, bool human) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"id", human ? "params (B)" : "parameters_total",
                  human ? "active (B)" : "parameters_active", "layers", "hidden", "heads",
                  "kv_heads", "attention", "experts", "max_context", "license", "publisher",
                  "country", "source", "as_of"});
  for (const auto& model : catalog.models) {
    const auto counts = model::count_parameters(model);
    auto params = [&](double count) {
      return human ? fmt::format("{:.1f}", count / 1e9) : fmt::format("{}", count);
    };
    rows.push_back(
        {model.id, params(counts.total()), params(counts.active(model)),
         fmt::format("{}", model.num_layers), fmt::format("{}", model.hidden_size),
         fmt::format("{}", model.num_attention_heads), fmt::format("{}", model.num_kv_heads),
         model.attention == catalog::AttentionKind::kMla ? "mla"
         : model.num_kv_heads == model.num_attention_heads ? "mha"
                                                           : "gqa",
         model.moe ? fmt::format("{} top-{}", model.moe->num_experts, model.moe->top_k) : "",
         fmt::format("{}", model.max_context), model.license, model.publisher,
         model.publisher_country, human ? "" : source_cell(model.provenance),
         model.provenance.as_of});
    if (human) rows.back().erase(rows.back().begin() + 13);
  }
  if (human) rows.front().erase(rows.front().begin() + 13);
  return rows;
}

ordered_json rows_to_json(const std::vector<std::vector<std::string>>& rows) {
  ordered_json out = ordered_json::array();
  for (std::size_t r = 1; r < rows.size(); ++r) {
    ordered_json entry;
    for (std::size_t c = 0; c < rows[0].size(); ++c) {
      const std::string& cell = rows[r][c];
      char* end = nullptr;
      const double value = std::strtod(cell.c_str(), &end);
      if (!cell.empty() && end == cell.c_str() + cell.size()) {
        entry[rows[0][c]] = value;
      } else if (cell == "true" || cell == "false") {
        entry[rows[0][c]] = cell == "true";
      } else {
        entry[rows[0][c]] = cell;
      }
    }
    out.push_back(entry);
  }
  return out;
}

}  // namespace

std::string render_catalog(const catalog::Catalog& catalog, CatalogKind kind,
                           OutputFormat format) {
  const bool human = format == OutputFormat::kTable;
  const auto rows = kind == CatalogKind::kGpus ? gpu_rows(catalog, human)
                                               : model_rows(catalog, human);
  switch (format) {
    case OutputFormat::kTable: return align_columns(rows);
    case OutputFormat::kCsv: return to_csv(rows);
    case OutputFormat::kJson: return rows_to_json(rows).dump(2) + "\n";
  }
  return {};
}

}  // namespace tco::report

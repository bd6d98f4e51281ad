#include "tco/catalog/types.hpp"

#include <array>

namespace tco::catalog {
namespace {

constexpr std::array<std::pair<Dtype, std::string_view>, 11> kDtypeNames{{
    {Dtype::kFp32, "fp32"},
    {Dtype::kBf16, "bf16"},
    {Dtype::kFp16, "fp16"},
    {Dtype::kFp8, "fp8"},
    {Dtype::kInt8, "int8"},
    {Dtype::kInt4, "int4"},
    {Dtype::kFp4, "fp4"},
    {Dtype::kMxfp4, "mxfp4"},
    {Dtype::kQ4_0, "q4_0"},
    {Dtype::kQ4KM, "q4_k_m"},
    {Dtype::kQ8_0, "q8_0"},
}};

}  // namespace

std::string_view dtype_name(Dtype dtype) {
  for (const auto& [id, name] : kDtypeNames) {
    if (id == dtype) return name;
  }
  return "?";
}

std::optional<Dtype> dtype_from_name(std::string_view name) {
  for (const auto& [id, known] : kDtypeNames) {
    if (known == name) return id;
  }
  return std::nullopt;
}

const std::vector<std::string>& dtype_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& entry : kDtypeNames) out.emplace_back(entry.second);
    return out;
  }();
  return names;
}

bool is_gated(Activation activation) {
  return activation == Activation::kSwiglu || activation == Activation::kGeglu;
}

}  // namespace tco::catalog

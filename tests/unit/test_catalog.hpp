#pragma once
// The shipped catalogs (data/), loaded once for the whole unit-test binary.

#include <filesystem>

#include "tco/catalog/catalog.hpp"

inline const tco::catalog::Catalog& test_catalog() {
  static const auto catalog =
      tco::catalog::load_catalog(std::filesystem::path(TCO_PLAN_SOURCE_DATA_DIR) / "data");
  return catalog;
}

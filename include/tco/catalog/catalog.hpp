#pragma once
// The data catalogs (data/*.yaml): GPUs, models, engines, number formats. Loading validates each
// file against its schema with the same file:line:column errors as scenario files.

#include <filesystem>
#include <string>
#include <vector>

#include "tco/catalog/types.hpp"
#include "tco/config/diagnostics.hpp"
#include "tco/config/reader.hpp"
#include "tco/config/schema.hpp"

namespace tco::catalog {

struct Catalog {
  std::vector<Gpu> gpus;
  std::vector<Model> models;
  std::vector<Engine> engines;
  std::vector<DtypeInfo> dtypes;

  [[nodiscard]] const Gpu* find_gpu(std::string_view id) const;
  [[nodiscard]] const Model* find_model(std::string_view id) const;
  [[nodiscard]] const Engine* find_engine(std::string_view id) const;
  [[nodiscard]] const DtypeInfo& dtype(Dtype id) const;  ///< every Dtype has an entry
  [[nodiscard]] std::vector<std::string> gpu_ids() const;
  [[nodiscard]] std::vector<std::string> model_ids() const;
  [[nodiscard]] std::vector<std::string> engine_ids() const;
};

/// Loads and validates every catalog under `data_dir`; throws config::InputError listing all
/// problems found.
[[nodiscard]] Catalog load_catalog(const std::filesystem::path& data_dir);

/// Where data/ is: $TCO_PLAN_DATA_DIR, else share/tco-plan/data beside the executable's prefix,
/// else the source tree's data/ (developer builds).
[[nodiscard]] std::filesystem::path default_data_dir(const std::filesystem::path& executable);

// Entry schemas, shared by catalog files and scenario overrides (`gpus:`, `models:`).
[[nodiscard]] config::SchemaPtr gpu_schema();
[[nodiscard]] config::SchemaPtr model_schema();
[[nodiscard]] config::SchemaPtr engine_schema();
[[nodiscard]] config::SchemaPtr dtype_schema();

// Readers set only the keys present, so one function serves both a full catalog entry and an
// inline override on top of a copy of one.
void read_gpu(const config::NodeReader& reader, Gpu& gpu);
void read_model(const config::NodeReader& reader, Model& model);
void read_engine(const config::NodeReader& reader, Engine& engine);
void read_provenance(const config::NodeReader& reader, Provenance& provenance);

/// Keys a complete (non-override) entry must have, for scenario-defined new entries.
[[nodiscard]] const std::vector<std::string>& required_gpu_keys();
[[nodiscard]] const std::vector<std::string>& required_model_keys();

/// Reads the architecture from a Hugging Face config.json (yaml-cpp reads JSON). Problems are
/// added to `diagnostics` with the JSON file's line and column.
[[nodiscard]] Model model_from_hf_config(const std::filesystem::path& path,
                                         config::Diagnostics& diagnostics);

/// Thrown by read_text_file for a file above config::kMaxInputFileBytes.
class FileTooLarge : public config::InputError {
 public:
  using config::InputError::InputError;
};

/// Reads a file into a string; throws config::InputError naming the file when it cannot, and
/// FileTooLarge ("file: error: ...") when it holds more than config::kMaxInputFileBytes (read
/// in pieces, so /dev/zero or a pipe that never ends stops there too).
[[nodiscard]] std::string read_text_file(const std::filesystem::path& path);

}  // namespace tco::catalog

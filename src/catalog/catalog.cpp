#include "tco/config/yaml_file.hpp"
#include "tco/catalog/catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace tco::catalog {

using config::Diagnostics;
using config::NodeReader;

namespace {



config::SchemaPtr file_schema(const std::string& list_key, config::SchemaPtr entry) {
  return config::object_value(
      {{"version", config::integer_value("Catalog format version.", 1, 1), true},
       {list_key, config::list_of(std::move(entry)), true}});
}

/// Parses one catalog file, validates it and calls `convert` for each entry that passed.
template <typename Convert>
void load_file(const std::filesystem::path& path, const std::string& list_key,
               const config::SchemaPtr& entry_schema, Diagnostics& diagnostics,
               Convert convert) {
  const std::string file = path.string();
  const auto loaded = config::load_yaml_file(path, diagnostics);
  if (!loaded) return;
  const YAML::Node& root = *loaded;
  const auto schema = file_schema(list_key, entry_schema);
  const std::size_t errors_before = diagnostics.errors().size();
  config::validate(root, *schema, "", file, diagnostics);
  if (diagnostics.errors().size() != errors_before) return;
  const NodeReader list(root[list_key], config::list_of(entry_schema), list_key, file);
  std::set<std::string> seen;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const NodeReader entry = list.element(i);
    const std::string id = entry.string("id");
    if (!seen.insert(id).second) {
      diagnostics.error(entry.location("id"), entry.path_of("id"),
                        fmt::format("duplicate id '{}'", id));
      continue;
    }
    convert(entry);
  }
}

}  // namespace

const Gpu* Catalog::find_gpu(std::string_view id) const { return find_by_id(gpus, id); }
const Model* Catalog::find_model(std::string_view id) const { return find_by_id(models, id); }
const Engine* Catalog::find_engine(std::string_view id) const { return find_by_id(engines, id); }
std::vector<std::string> Catalog::gpu_ids() const { return ids_of(gpus); }
std::vector<std::string> Catalog::model_ids() const { return ids_of(models); }
std::vector<std::string> Catalog::engine_ids() const { return ids_of(engines); }

const DtypeInfo& Catalog::dtype(Dtype id) const {
  for (const auto& entry : dtypes) {
    if (entry.id == id) return entry;
  }
  throw std::logic_error(fmt::format("dtype {} missing from the catalog", dtype_name(id)));
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream stream(path, std::ios::binary);
  if (!stream) throw config::InputError(fmt::format("cannot read '{}'", path.string()));
  std::string text;
  std::vector<char> piece(1 << 16);
  while (stream.read(piece.data(), static_cast<std::streamsize>(piece.size())) ||
         stream.gcount() > 0) {
    text.append(piece.data(), static_cast<std::size_t>(stream.gcount()));
    if (text.size() > config::kMaxInputFileBytes) {
      throw FileTooLarge(fmt::format("{}: error: larger than {} MiB, the most an input file may "
                                     "be (is it the right file?)\n",
                                     path.string(), config::kMaxInputFileBytes >> 20));
    }
  }
  return text;
}

Catalog load_catalog(const std::filesystem::path& data_dir) {
  Catalog catalog;
  Diagnostics diagnostics;
  auto origin = [&](const char* name) { return (data_dir / name).string(); };
  load_file(data_dir / "gpus.yaml", "gpus", gpu_schema(), diagnostics,
            [&](const NodeReader& entry) {
              Gpu gpu;
              read_gpu(entry, gpu);
              gpu.provenance.origin = origin("gpus.yaml");
              catalog.gpus.push_back(std::move(gpu));
            });
  load_file(data_dir / "models.yaml", "models", model_schema(), diagnostics,
            [&](const NodeReader& entry) {
              Model model;
              read_model(entry, model);
              model.provenance.origin = origin("models.yaml");
              catalog.models.push_back(std::move(model));
            });
  load_file(data_dir / "engines.yaml", "engines", engine_schema(), diagnostics,
            [&](const NodeReader& entry) {
              Engine engine;
              read_engine(entry, engine);
              engine.provenance.origin = origin("engines.yaml");
              catalog.engines.push_back(std::move(engine));
            });
  load_file(data_dir / "dtypes.yaml", "dtypes", dtype_schema(), diagnostics,
            [&](const NodeReader& entry) {
              DtypeInfo info;
              info.id = *dtype_from_name(entry.string("id"));
              info.bits_per_value = entry.number("bits_per_value");
              info.compute_dtype = *dtype_from_name(entry.string("compute_dtype"));
              info.fallback_compute_dtype =
                  *dtype_from_name(entry.string("fallback_compute_dtype"));
              read_provenance(entry, info.provenance);
              info.provenance.origin = origin("dtypes.yaml");
              catalog.dtypes.push_back(info);
            });
  if (!diagnostics.has_errors()) {
    for (const auto& name : dtype_names()) {
      const Dtype id = *dtype_from_name(name);
      if (std::none_of(catalog.dtypes.begin(), catalog.dtypes.end(),
                       [&](const DtypeInfo& info) { return info.id == id; })) {
        diagnostics.error({origin("dtypes.yaml"), 0, 0}, "dtypes",
                          fmt::format("no entry for dtype '{}'", name));
      }
    }
  }
  if (diagnostics.has_errors()) throw config::InputError(diagnostics.format());
  return catalog;
}

std::filesystem::path default_data_dir(const std::filesystem::path& executable) {
  if (const char* from_env = std::getenv("TCO_PLAN_DATA_DIR"); from_env && *from_env) {
    return from_env;
  }
  std::error_code ignored;
  const auto bin_dir = std::filesystem::canonical(executable, ignored).parent_path();
  const auto installed = bin_dir.parent_path() / "share" / "tco-plan" / "data";
  if (std::filesystem::exists(installed / "gpus.yaml", ignored)) return installed;
  return std::filesystem::path(TCO_PLAN_SOURCE_DATA_DIR) / "data";
}

}  // namespace tco::catalog

// tco-plan catalog gpus|models [--format table|csv|json]
#include "commands.hpp"
#include "tco/catalog/catalog.hpp"
#include "tco/report/report.hpp"

namespace tco::cli {

const std::map<std::string, report::OutputFormat>& output_formats();

Command setup_catalog(CLI::App& app, const GlobalOptions& global) {
  struct Options {
    report::CatalogKind kind = report::CatalogKind::kGpus;
    report::OutputFormat format = report::OutputFormat::kTable;
  };
  auto options = std::make_shared<Options>();
  auto* sub = app.add_subcommand("catalog", "List the GPUs or models the data knows, with sources");
  const std::map<std::string, report::CatalogKind> kinds{{"gpus", report::CatalogKind::kGpus},
                                                         {"models", report::CatalogKind::kModels}};
  sub->add_option("what", options->kind, "gpus or models")
      ->required()
      ->transform(CLI::CheckedTransformer(kinds, CLI::ignore_case));
  sub->add_option("--format", options->format, "Output format")
      ->transform(CLI::CheckedTransformer(output_formats(), CLI::ignore_case))
      ->default_str("table");
  return {sub, [options, &global] {
            const auto catalog = catalog::load_catalog(global.resolved_data_dir());
            emit("", report::render_catalog(catalog, options->kind, options->format));
            return kExitOk;
          }};
}

}  // namespace tco::cli

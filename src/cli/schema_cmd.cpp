// tco-plan schema: the scenario file format as a JSON Schema, for editors.
#include "commands.hpp"
#include "tco/config/scenario.hpp"

namespace tco::cli {

Command setup_schema(CLI::App& app) {
  auto output = std::make_shared<std::string>();
  auto* sub = app.add_subcommand("schema", "Print the scenario JSON Schema (for editors)");
  sub->add_option("-o,--output", *output, "Write to FILE instead of stdout");
  return {sub, [output] {
            auto schema = config::to_json_schema(*config::scenario_schema());
            nlohmann::ordered_json document;
            document["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            document["$id"] = "https://tco-plan.dev/schema/scenario-v1.json";
            document["title"] = "tco-plan scenario (version 1)";
            for (auto& [key, value] : schema.items()) document[key] = value;
            emit(*output, document.dump(2) + "\n");
            return kExitOk;
          }};
}

}  // namespace tco::cli

#pragma once
// `tco-plan diff BASE PROPOSAL`: what changed between two scenarios (their inputs, key by key)
// and how each key result moved per deployment option (absolute and %), for a pull request that
// changes a hardware proposal.

#include <optional>
#include <string>
#include <vector>

#include "tco/config/scenario_inputs.hpp"
#include "tco/plan/evaluate.hpp"

namespace tco::report {

/// One input key that differs; an empty side means the key is absent there.
struct InputChange {
  std::string key;
  std::optional<std::string> base;
  std::optional<std::string> proposal;
};

/// One result of one option in SI units; empty where the option (or the figure) is absent.
struct ResultChange {
  std::string option;  ///< option name, or "lowest NPV" for the cheapest option of each side
  std::string metric;  ///< e.g. "total"
  std::string unit;    ///< "USD", "s", "tokens/s", "kWh/yr", "GPUs", "USD/Mtok", "bool"
  std::optional<double> base;
  std::optional<double> proposal;

  [[nodiscard]] std::optional<double> change() const;           ///< proposal - base
  [[nodiscard]] std::optional<double> change_fraction() const;  ///< change / |base|, base != 0
};

struct ScenarioDiff {
  std::string base_file;
  std::string base_name;
  std::string proposal_file;
  std::string proposal_name;
  std::vector<InputChange> inputs;    ///< keys in base order, then keys only in the proposal
  std::vector<ResultChange> results;  ///< options in base order, then those only in the proposal
  std::string base_lowest_npv;        ///< option name, "" when nothing is costed
  std::string proposal_lowest_npv;
};

/// Pure: compares two evaluated scenarios and their flat inputs.
[[nodiscard]] ScenarioDiff diff_scenarios(const plan::Evaluation& base,
                                          const config::FlatInputs& base_inputs,
                                          const plan::Evaluation& proposal,
                                          const config::FlatInputs& proposal_inputs);

enum class DiffFormat { kTable, kMarkdown, kJson };

/// table and markdown in human units (k$/M$, ms); JSON (schema_version 1) in SI with the unit
/// beside each value.
[[nodiscard]] std::string render_diff(const ScenarioDiff& diff, DiffFormat format);

}  // namespace tco::report

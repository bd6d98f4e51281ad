// Invariants over many generated valid scenarios (issue 8), drawn from the shipped catalogs with
// a fixed seed so every run checks the same scenarios:
//  - every number of the evaluation is finite; costs, energy and times are non-negative;
//  - no serving point is faster than its pure roofline (datasheet peaks, no overheads);
//  - at a fixed batch, more GPUs per replica never lower the throughput, except MoE models at
//    batch 1, where the all-reduces cost more than the split saves (as measured); the step
//    time without communication never rises;
//  - higher prices (GPUs, electricity, cloud, API) never lower an option's cost;
//  - a longer horizon never lowers the total (nominal) cost;
//  - the JSON and CSV reports of the same run carry the same numbers;
//  - the same input gives byte-identical output every time.
// A failure prints the generated scenario, so it can be saved and replayed with tco-plan run.
#include <catch2/catch.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "../test_catalog.hpp"
#include "tco/catalog/costs.hpp"
#include "tco/config/scenario.hpp"
#include "tco/perf/efficiency.hpp"
#include "tco/perf/serving.hpp"
#include "tco/plan/evaluate.hpp"
#include "tco/report/report.hpp"
#include "tco/validate/validate.hpp"

namespace fs = std::filesystem;

namespace {

// splitmix64: the same sequence on every platform (std distributions are not specified).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }
  double log_uniform(double lo, double hi) {
    return lo * std::pow(hi / lo, unit());
  }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[below(items.size())];
  }

 private:
  std::uint64_t state_;
};

const tco::catalog::CostCatalog& test_costs() {
  static const auto costs =
      tco::catalog::load_cost_catalog(fs::path(TCO_PLAN_SOURCE_DATA_DIR) / "data");
  return costs;
}

const tco::plan::PerformanceData& test_performance() {
  static const auto performance = [] {
    tco::plan::PerformanceData out;
    out.profiles = tco::perf::load_profiles(fs::path(TCO_PLAN_SOURCE_DATA_DIR) / "profiles");
    out.engine_timing =
        tco::validate::load_engine_timing(fs::path(TCO_PLAN_SOURCE_DATA_DIR) / "data");
    return out;
  }();
  return performance;
}

std::vector<int> tp_choices(const tco::catalog::Model& model, int limit) {
  std::vector<int> out;
  for (const int tp : {1, 2, 4, 8}) {
    if (tp <= limit && model.num_attention_heads % tp == 0) out.push_back(tp);
  }
  return out;
}

/// A valid scenario: one model, an engine, a workload within the model's context, two or three
/// on-prem options on random GPUs, a cloud option and, when the catalog has one for the model,
/// an API offer (and a hybrid of the first on-prem option with the cloud one).
std::string generate_scenario(Rng& rng) {
  const auto& catalog = test_catalog();
  const auto& costs = test_costs();
  const auto& model = rng.pick(catalog.models);
  const std::vector<std::string> engines{"vllm", "sglang", "trtllm"};
  const std::vector<std::string> dtypes{"bf16", "fp8", "int4"};
  const long long context = model.max_context > 0 ? model.max_context : 4096;
  const long long input = static_cast<long long>(
      rng.log_uniform(16, static_cast<double>(std::min<long long>(8000, context / 2))));
  const long long output = static_cast<long long>(
      rng.log_uniform(1, static_cast<double>(std::min<long long>(2000, context - input))));
  std::string text = fmt::format(
      "version: 1\nname: generated\nhorizon_years: {}\n"
      "model: {{id: {}, weight_dtype: {}}}\nengine: {}\n"
      "workload:\n  requests_per_day: {:.0f}\n  input_tokens: {}\n  output_tokens: {}\n"
      "  daily_profile: {}\n  growth_per_year: {} %\n"
      "  slo: {{ttft: {:.2f} s, tpot: {:.0f} ms}}\n"
      "options:\n",
      1 + rng.below(6), model.id, rng.pick(dtypes), rng.pick(engines),
      rng.log_uniform(10, 5e7), input, output, rng.below(2) == 0 ? "flat" : "business_hours",
      rng.below(60), rng.log_uniform(0.2, 10), rng.log_uniform(15, 300));
  std::vector<const tco::catalog::Gpu*> gpus;
  for (const auto& gpu : catalog.gpus) gpus.push_back(&gpu);
  const std::size_t onprem = 2 + rng.below(2);
  for (std::size_t i = 0; i < onprem; ++i) {
    const auto* gpu = rng.pick(gpus);
    const int per_node = gpu->multi_gpu_nodes ? 8 : 4;
    text += fmt::format("  - {{name: onprem-{}, kind: onprem, gpu: {}, gpus_per_node: {}, tp: {}}}\n",
                        i, gpu->id, per_node, rng.pick(tp_choices(model, per_node)));
  }
  const auto& instance = rng.pick(costs.instances);
  const std::vector<std::string> tiers{"on_demand", "reserved_1y", "reserved_3y"};
  std::string tier = rng.pick(tiers);
  if (instance.usd_per_s.count(tier) == 0) tier = instance.usd_per_s.begin()->first;
  text += fmt::format("  - {{name: cloud, kind: cloud, instance: {}, pricing: {}, tp: {}}}\n",
                      instance.id, tier, rng.pick(tp_choices(model, instance.gpus)));
  text += "  - {name: hybrid, kind: hybrid, base: onprem-0, burst: cloud, "
          "base_percentile: optimal}\n";
  for (const auto& offer : costs.offers) {
    if (offer.model == model.id) {
      text += fmt::format("  - {{name: api, kind: api, offer: {}}}\n", offer.id);
      break;
    }
  }
  return text;
}

struct Generated {
  std::string text;
  tco::config::Scenario scenario;
};

/// kCount valid scenarios (the generator keeps to valid inputs; an invalid one fails the test
/// with its errors, since that is a generator or loader bug worth seeing).
const std::vector<Generated>& generated() {
  static const auto all = [] {
    constexpr int kCount = 40;
    Rng rng(20261203);
    std::vector<Generated> out;
    for (int i = 0; i < kCount; ++i) {
      Generated g;
      g.text = generate_scenario(rng);
      g.scenario = tco::config::parse_scenario(g.text, fmt::format("generated-{}.yaml", i),
                                               test_catalog(), test_costs());
      out.push_back(std::move(g));
    }
    return out;
  }();
  return all;
}

tco::plan::Evaluation evaluate(const tco::config::Scenario& scenario) {
  return tco::plan::evaluate(scenario, test_performance());
}

bool finite_non_negative(double value) { return std::isfinite(value) && value >= 0; }

void check_point(const tco::perf::ServingPoint& point, const std::string& what) {
  INFO(what);
  for (const double value : {point.concurrency, point.output_tokens_per_s, point.requests_per_s,
                             point.ttft_s, point.tpot_s, point.e2e_latency_s,
                             point.prefill_tokens_per_s, point.roofline_output_tokens_per_s}) {
    CHECK(finite_non_negative(value));
  }
  // The roofline is the same point at datasheet peaks without overheads: an upper bound.
  CHECK(point.output_tokens_per_s <= point.roofline_output_tokens_per_s * (1 + 1e-9));
}

}  // namespace

TEST_CASE("properties: the generated scenarios are valid and varied", "[properties]") {
  // Guards the generator: the properties below mean little over a handful of look-alikes.
  std::set<std::string> models, gpus;
  int fitting = 0, not_fitting = 0;
  for (const auto& g : generated()) {
    models.insert(g.scenario.model.model.id);
    const auto evaluation = evaluate(g.scenario);
    for (const auto& option : evaluation.options) {
      if (option.gpu) gpus.insert(option.gpu->id);
      if (option.memory) (option.memory->fits ? fitting : not_fitting) += 1;
    }
  }
  CHECK(models.size() >= 12);
  CHECK(gpus.size() >= 15);
  CHECK(fitting >= 30);
  CHECK(not_fitting >= 5);
}

TEST_CASE("properties: every number is finite; costs, energy and times are non-negative; "
          "never faster than the roofline",
          "[properties]") {
  for (const auto& g : generated()) {
    INFO(g.text);
    const auto evaluation = evaluate(g.scenario);
    CHECK(std::isfinite(evaluation.weight_bytes_total));
    for (const auto& option : evaluation.options) {
      INFO("option " << option.option.name);
      if (option.memory) {
        const auto& m = *option.memory;
        for (const double value : {m.capacity_bytes, m.usable_bytes, m.weights_bytes,
                                   m.activation_bytes, m.runtime_overhead_bytes,
                                   m.kv_bytes_per_token, m.kv_bytes_per_sequence}) {
          CHECK(finite_non_negative(value));
        }
        CHECK(std::isfinite(m.kv_budget_bytes));  // negative when the weights do not fit
      }
      if (option.performance) {
        check_point(option.performance->max_throughput, "max throughput");
        if (option.performance->at_targets) {
          check_point(*option.performance->at_targets, "at targets");
          CHECK(option.performance->at_targets->output_tokens_per_s <=
                option.performance->max_throughput.output_tokens_per_s * (1 + 1e-9));
        }
      }
      if (option.cost) {
        const auto& c = *option.cost;
        for (const double value : {c.total_usd, c.npv_usd, c.eac_usd, c.usd_per_million_tokens,
                                   c.usd_per_million_output_tokens, c.kwh_per_million_tokens,
                                   c.g_co2_per_million_tokens}) {
          CHECK(finite_non_negative(value));
        }
        for (const auto& year : c.years) {
          INFO("year " << year.year);
          const std::pair<const char*, double> flows[] = {
              {"capex", year.capex},
              {"residual", year.residual},
              {"maintenance", year.maintenance},
              {"energy", year.energy},
              {"colocation", year.colocation},
              {"staff", year.staff},
              {"licences", year.licences},
              {"cloud", year.cloud},
              {"api", year.api},
              {"input_tokens", year.input_tokens},
              {"output_tokens", year.output_tokens},
              {"it_energy_j", year.it_energy_j},
              {"facility_energy_j", year.facility_energy_j},
              {"carbon_kg", year.carbon_kg},
              {"utilisation", year.utilisation},
              {"burst_hours", year.burst_hours}};
          for (const auto& [name, value] : flows) {
            INFO(name << " = " << value);
            CHECK(finite_non_negative(value));
          }
          // A year's net total may be negative: resale of retired GPUs is income.
          CHECK(std::isfinite(year.total()));
        }
      }
    }
  }
}

TEST_CASE("properties: at a fixed batch, more GPUs per replica never lower the throughput",
          "[properties]") {
  // Tensor parallelism splits the weights and the KV reads over more GPUs at the price of two
  // all-reduces per layer; at a fixed batch the step must not get slower (else the planner
  // would be right to prefer fewer GPUs, and the model would contradict every published TP
  // scaling table). Every catalog model on every multi-GPU-node GPU, tp 1 -> 2 -> 4 -> 8.
  const auto& catalog = test_catalog();
  const auto& performance = test_performance();
  int compared = 0;
  for (const auto& model : catalog.models) {
    for (const auto& gpu : catalog.gpus) {
      if (!gpu.multi_gpu_nodes) continue;
      for (const char* engine_id : {"vllm", "trtllm"}) {
        const auto* engine = catalog.find_engine(engine_id);
        REQUIRE(engine != nullptr);
        tco::perf::Replica replica;
        replica.model = &model;
        replica.gpu = &gpu;
        replica.engine = engine;
        replica.profile = &tco::perf::profile_for(performance.profiles, gpu.id);
        replica.weight_dtype = &catalog.dtype(tco::catalog::Dtype::kBf16);
        replica.expert_dtype = &catalog.dtype(
            tco::perf::expert_dtype_for(model, catalog, tco::catalog::Dtype::kBf16));
        replica.kv_dtype = &catalog.dtype(tco::catalog::Dtype::kBf16);
        replica.sixteen_bit = &catalog.dtype(tco::catalog::Dtype::kBf16);
        if (const auto timing = performance.engine_timing.find(engine_id);
            timing != performance.engine_timing.end()) {
          replica.timing = timing->second;
        }
        for (const double batch : {1.0, 16.0, 256.0}) {
          tco::perf::StepShape shape;
          shape.decode_tokens = batch;
          shape.decode_context = 1024;
          double previous = 0;
          double previous_without_communication = std::numeric_limits<double>::infinity();
          int previous_tp = 0;
          for (const int tp : tp_choices(model, 8)) {
            replica.parallelism = {tp, 1, 1};
            const auto step = tco::perf::step_time(replica, shape);
            const double throughput = batch / step.time_s;
            const double without_communication = step.time_s - step.communication_s;
            INFO(model.id << " on " << gpu.id << " (" << engine_id << "), batch " << batch
                          << ": tp " << previous_tp << " " << previous << " tokens/s, tp " << tp
                          << " " << throughput << " tokens/s");
            CHECK(std::isfinite(throughput));
            // Everything but the collectives shrinks (or stays) with more GPUs.
            CHECK(without_communication <= previous_without_communication * (1 + 1e-9));
            // The exception, and it is physics: MoE models with few active parameters at
            // batch 1 (qwen3-30b-a3b, gpt-oss) step in about a millisecond, and the two
            // all-reduces per layer cost more latency than splitting the step saves, as
            // measured TP scaling of such models shows. Everywhere else, throughput rises.
            if (!(model.moe && batch == 1)) CHECK(throughput >= previous * (1 - 1e-9));
            previous_without_communication = without_communication;
            previous = throughput;
            previous_tp = tp;
            ++compared;
          }
        }
      }
    }
  }
  CHECK(compared > 500);
}

namespace {

/// Per option name: (nominal total, NPV).
std::map<std::string, std::pair<double, double>> costs_of(const tco::config::Scenario& scenario) {
  std::map<std::string, std::pair<double, double>> out;
  for (const auto& option : evaluate(scenario).options) {
    if (option.cost) out[option.option.name] = {option.cost->total_usd, option.cost->npv_usd};
  }
  return out;
}

void check_not_cheaper(const tco::config::Scenario& before, const tco::config::Scenario& after,
                       const std::string& change) {
  const auto old_costs = costs_of(before);
  const auto new_costs = costs_of(after);
  for (const auto& [name, old_cost] : old_costs) {
    INFO(change << ", option " << name);
    const auto found = new_costs.find(name);
    REQUIRE(found != new_costs.end());
    CHECK(found->second.first >= old_cost.first * (1 - 1e-12));
    CHECK(found->second.second >= old_cost.second * (1 - 1e-12));
  }
}

}  // namespace

TEST_CASE("properties: higher prices never lower an option's cost", "[properties]") {
  // Each price raised by a quarter on the resolved scenario (the catalogs it carries), one kind
  // at a time, so a failure names the price.
  for (const auto& g : generated()) {
    INFO(g.text);
    {
      auto dearer = g.scenario;
      for (auto& gpu : dearer.catalog.gpus) {
        if (gpu.purchase_price) gpu.purchase_price->value_usd *= 1.25;
      }
      check_not_cheaper(g.scenario, dearer, "GPU purchase prices +25 %");
    }
    {
      auto dearer = g.scenario;
      for (auto& [key, value] : dearer.costs.defaults) {
        if (key.find("electricity") != std::string::npos) value.value *= 1.25;
      }
      for (auto& site : dearer.costs.sites) {
        if (site.electricity_usd_per_j) site.electricity_usd_per_j->value *= 1.25;
      }
      check_not_cheaper(g.scenario, dearer, "electricity +25 %");
    }
    {
      auto dearer = g.scenario;
      for (auto& instance : dearer.costs.instances) {
        for (auto& [tier, price] : instance.usd_per_s) price *= 1.25;
      }
      check_not_cheaper(g.scenario, dearer, "cloud prices +25 %");
    }
    {
      auto dearer = g.scenario;
      for (auto& offer : dearer.costs.offers) {
        offer.input_usd_per_token *= 1.25;
        offer.output_usd_per_token *= 1.25;
      }
      check_not_cheaper(g.scenario, dearer, "API prices +25 %");
    }
  }
}

TEST_CASE("properties: a longer horizon never lowers the total cost", "[properties]") {
  for (const auto& g : generated()) {
    INFO(g.text);
    const auto shorter = costs_of(g.scenario);
    auto longer_scenario = g.scenario;
    longer_scenario.horizon_years += 1;
    const auto longer = costs_of(longer_scenario);
    for (const auto& [name, cost] : shorter) {
      INFO("option " << name << ", " << g.scenario.horizon_years << " -> "
                     << longer_scenario.horizon_years << " years");
      REQUIRE(longer.count(name) == 1);
      CHECK(longer.at(name).first >= cost.first * (1 - 1e-12));
      CHECK(longer.at(name).second >= cost.second * (1 - 1e-12));
    }
  }
}

namespace {

/// RFC 4180 records (quoted fields, doubled quotes, CRLF or LF).
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string cell;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(std::move(cell));
      cell.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      rows.back().push_back(std::move(cell));
      cell.clear();
      rows.emplace_back();
    } else {
      cell += c;
    }
  }
  if (!cell.empty() || !rows.back().empty()) rows.back().push_back(std::move(cell));
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

/// The member `key` of an object, or nullptr (const operator[] on a missing key is undefined).
const nlohmann::json* member(const nlohmann::json* object, const std::string& key) {
  if (object == nullptr || !object->is_object() || !object->contains(key)) return nullptr;
  return &(*object)[key];
}

/// Where each wide-CSV column is in an option of the JSON report.
const nlohmann::json* json_for_column(const nlohmann::json& option, const std::string& column) {
  static const std::map<std::string, std::pair<std::string, std::string>> serving{
      {"requests_at_targets", {"at_targets", "concurrency"}},
      {"output_tokens_per_s_per_replica", {"at_targets", "output_tokens_per_s"}},
      {"ttft_s", {"at_targets", "ttft_s"}},
      {"tpot_s", {"at_targets", "tpot_s"}},
      {"roofline_output_tokens_per_s", {"at_targets", "roofline_output_tokens_per_s"}},
      {"max_output_tokens_per_s_per_replica", {"max_throughput", "output_tokens_per_s"}}};
  if (const auto* direct = member(&option, column)) return direct;
  for (const char* block : {"memory_per_gpu", "cost"}) {
    if (const auto* found = member(member(&option, block), column)) return found;
  }
  const auto* performance = member(&option, "performance_per_replica");
  if (column == "calibrated") return member(performance, "calibrated");
  if (const auto found = serving.find(column); found != serving.end()) {
    return member(member(performance, found->second.first), found->second.second);
  }
  return nullptr;
}

}  // namespace

TEST_CASE("properties: the JSON and CSV reports of a run carry the same numbers",
          "[properties]") {
  using tco::report::OutputFormat;
  int compared = 0;
  for (const auto& g : generated()) {
    INFO(g.text);
    const auto evaluation = evaluate(g.scenario);
    const auto json =
        nlohmann::json::parse(tco::report::render_evaluation(evaluation, OutputFormat::kJson));
    const auto wide = parse_csv(tco::report::render_evaluation(evaluation, OutputFormat::kCsv));
    REQUIRE(wide.size() == json["options"].size() + 1);
    const auto& header = wide[0];
    for (std::size_t r = 1; r < wide.size(); ++r) {
      REQUIRE(wide[r].size() == header.size());
      const auto& option = json["options"][r - 1];
      CHECK(wide[r][0] == option["name"].get<std::string>());
      for (std::size_t c = 1; c < header.size(); ++c) {
        const std::string& cell = wide[r][c];
        const nlohmann::json* value = json_for_column(option, header[c]);
        INFO("option " << wide[r][0] << ", column " << header[c] << " = '" << cell << "'");
        if (value == nullptr || value->is_null()) {
          // Only what the JSON leaves out may be empty in the CSV, and the reverse; columns
          // the JSON has no place for are the scenario-wide ones (model, dtypes, context).
          if (value != nullptr) CHECK(cell.empty());
          continue;
        }
        if (value->is_number()) {
          REQUIRE(!cell.empty());
          CHECK(std::stod(cell) == Approx(value->get<double>()).epsilon(1e-12).margin(1e-300));
          ++compared;
        } else if (value->is_boolean()) {
          CHECK(cell == (value->get<bool>() ? "true" : "false"));
        } else if (value->is_string()) {
          // Spreadsheet-safe CSV prefixes text starting with = + - @ with a quote.
          const std::string text = value->get<std::string>();
          CHECK((cell == text || cell == "'" + text));
        }
      }
    }
    // The long layout's yearly rows against the JSON years.
    const auto long_rows = parse_csv(
        tco::report::render_evaluation(evaluation, OutputFormat::kCsv, tco::report::CsvLayout::kLong));
    for (std::size_t r = 1; r < long_rows.size(); ++r) {
      const auto& row = long_rows[r];
      REQUIRE(row.size() == 5);
      const int year = std::stoi(row[1]);
      if (year == 0) continue;
      const std::string suffix = row[3] == "USD" ? "_usd" : row[3] == "kWh" ? "_kwh"
                                 : row[3] == "kg"  ? "_kg" : "";
      const nlohmann::json* option = nullptr;
      for (const auto& candidate : json["options"]) {
        if (candidate["name"] == row[0]) option = &candidate;
      }
      REQUIRE(option != nullptr);
      const auto& years = (*option)["cost"]["years"];
      REQUIRE(static_cast<std::size_t>(year) <= years.size());
      const auto& entry = years[static_cast<std::size_t>(year - 1)];
      INFO("option " << row[0] << ", year " << year << ", " << row[2]);
      REQUIRE(entry.contains(row[2] + suffix));
      CHECK(std::stod(row[4]) ==
            Approx(entry[row[2] + suffix].get<double>()).epsilon(1e-12).margin(1e-300));
      ++compared;
    }
  }
  CHECK(compared > 2000);
}

TEST_CASE("properties: the same input gives byte-identical output", "[properties]") {
  // Parsed and evaluated afresh each time, in every format. (Across thread counts: no command
  // has a --threads option yet; when sweep/run --samples gain one, their outputs belong here.)
  using tco::report::OutputFormat;
  for (std::size_t i = 0; i < generated().size(); i += 4) {
    const auto& g = generated()[i];
    INFO(g.text);
    for (const auto format : {OutputFormat::kTable, OutputFormat::kJson, OutputFormat::kCsv}) {
      std::string first;
      for (int run = 0; run < 3; ++run) {
        const auto scenario = tco::config::parse_scenario(g.text, "generated.yaml",
                                                          test_catalog(), test_costs());
        const std::string out = tco::report::render_evaluation(evaluate(scenario), format);
        if (run == 0) first = out;
        CHECK(out == first);
      }
    }
  }
}

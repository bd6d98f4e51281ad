// The scenario file format, version 1. This declaration is the single source for validation,
// defaults, the JSON Schema of `tco-plan schema` and the README reference.
#include "tco/catalog/catalog.hpp"
#include "tco/config/scenario.hpp"

namespace tco::config {

using units::Dimension;

namespace {

// An inline override may change single keys of the nested moe/mla blocks as well
// (`moe: {top_k: 4}`); the loader checks that a block the base model lacks is complete.
SchemaPtr override_schema(const SchemaPtr& object_schema) {
  auto copy = std::const_pointer_cast<Schema>(all_optional(object_schema));
  for (auto& field : copy->fields) {
    if (field.schema->type == SchemaType::kObject) field.schema = all_optional(field.schema);
  }
  return copy;
}

SchemaPtr model_choice_schema() {
  auto inline_model = extended(
      override_schema(catalog::model_schema()),
      {
          {"config", string_value("Path of a Hugging Face config.json to read the architecture "
                                  "from (relative to the scenario file).")},
          {"weight_dtype",
           enum_value(catalog::dtype_names(),
                      "Weight format served. Default: the format the checkpoint is published in "
                      "(native_weight_dtype, e.g. fp8 for DeepSeek-V3); fp32 checkpoints are "
                      "served in fp16, as engines do with --dtype auto.")},
          {"kv_dtype",
           with_default(enum_value(catalog::dtype_names(), "KV-cache format."), "bf16")},
      });
  return one_of({string_value("A catalog model id, or the path of a Hugging Face config.json."),
                 inline_model},
                "The model: a catalog id, a config.json path, or a mapping with `id` and/or "
                "`config` plus the served dtypes and any architecture key to override.");
}

SchemaPtr engine_choice_schema() {
  return one_of({string_value("Engine id from data/engines.yaml."),
                 all_optional(catalog::engine_schema())},
                "Serving engine: an id, or a mapping with `id` and overrides of its defaults.");
}

SchemaPtr workload_schema() {
  auto slo = object_value(
      {
          {"ttft", positive(quantity_value(Dimension::kSeconds, "Time-to-first-token target."))},
          {"tpot", positive(quantity_value(Dimension::kSeconds, "Time-per-output-token target."))},
          {"percentile", with_default(quantity_value(Dimension::kFraction,
                                                     "Percentile the targets apply to.", 0.5, 1.0),
                                      "95 %")},
      },
      "Latency targets.");
  auto hourly = list_of(number_value("Relative weight of the hour.", 0, {}),
                        "24 relative weights, hour 0 to 23 (local time).");
  std::const_pointer_cast<Schema>(hourly)->min_items = 24;
  std::const_pointer_cast<Schema>(hourly)->max_items = 24;
  return object_value(
      {
          {"requests_per_day", number_value("Mean requests per day in year 1.", 0, 1e15), true},
          {"input_tokens", integer_value("Mean prompt length in tokens.", 1, 1e8), true},
          {"output_tokens", integer_value("Mean generated tokens per request.", 1, 1e8), true},
          {"daily_profile",
           with_default(one_of({enum_value({"flat", "business_hours"}, "A named profile."),
                                hourly},
                               "How requests spread over the day."),
                        "flat")},
          {"growth_per_year", with_default(quantity_value(Dimension::kFraction,
                                                          "Demand growth per year.", -0.99, 100.0),
                                           "0 %")},
          {"slo", slo},
          {"peak_percentile",
           with_default(quantity_value(Dimension::kFraction,
                                       "Poisson percentile of arrivals (per minute) that capacity "
                                       "is sized to.",
                                       0.5, 0.9999),
                        "95 %")},
          {"redundancy", with_default(integer_value("Spare replicas (N+1 = 1).", 0, 1000), "1")},
          {"headroom", with_default(quantity_value(Dimension::kFraction,
                                                   "Extra capacity above the sized peak.", 0.0,
                                                   10.0),
                                    "0 %")},
      },
      "The traffic to serve.");
}

SchemaPtr option_schema() {
  return object_value(
      {
          {"name", string_value("Unique name of the option."), true},
          {"kind", enum_value({"onprem", "cloud", "hybrid", "api"}, "Way of serving."), true},
          {"gpu", string_value("GPU id (onprem, cloud).")},
          {"gpus_per_node", with_default(integer_value("GPUs per server.", 1, 72), "8")},
          {"tp", with_default(integer_value("Tensor-parallel degree.", 1, 1024), "1")},
          {"pp", with_default(integer_value("Pipeline-parallel degree.", 1, 1024), "1")},
          {"ep", with_default(integer_value("Expert-parallel degree (MoE; divides tp).", 1, 1024),
                              "1")},
          {"multi_node", with_default(boolean_value("A replica may span servers over the "
                                                    "scale-out network."),
                                      "false")},
          {"site", string_value("Site key under `sites` (onprem).")},
          {"instance", string_value("Cloud instance id, e.g. aws/p5.48xlarge (cloud).")},
          {"pricing", enum_value({"on_demand", "reserved_1y", "reserved_3y", "spot"},
                                 "Cloud pricing tier.")},
          {"base", string_value("Hybrid: name of the on-prem option sized for the base load.")},
          {"burst", string_value("Hybrid: name of the cloud option taking the rest.")},
          {"base_percentile", string_value("Hybrid: 'optimal' or a percentile such as '80 %'.")},
          {"offer", string_value("API offer id, e.g. deepinfra/llama-3.1-70b (api).")},
          {"fleet", enum_value({"reserved", "autoscaled"},
                               "Cloud: instances reserved 24x7, or following the hourly demand "
                               "(default: reserved for reserved tiers, autoscaled otherwise).")},
          {"costs", map_of(string_value("Value with its unit, or a plain number."),
                           "Overrides of data/costs.yaml for this option, e.g. "
                           "{depreciation_years: 4, staff_fte: 2}.")},
      },
      "A way of serving the workload.");
}

SchemaPtr site_schema() {
  return object_value(
      {
          {"region", string_value("Region code (e.g. DE, US-VA) for data residency.")},
          {"pue", number_value("Power usage effectiveness.", 1.0, 3.0)},
          {"electricity", quantity_value(Dimension::kMoneyPerEnergy, "Electricity price.", 0.0)},
          {"colocation", quantity_value(Dimension::kMoneyPerPowerMonth,
                                        "Colocation price per provisioned kW.", 0.0)},
          {"carbon", quantity_value(Dimension::kCarbonIntensity, "Grid carbon intensity.", 0.0)},
      },
      "A place where on-prem GPUs run.");
}

SchemaPtr requirements_schema() {
  return object_value(
      {
          {"fits", boolean_value("Every GPU option must fit the model and one full context.")},
          {"latency_targets_met", boolean_value("The SLO must be met.")},
          {"max_cost_per_million_tokens",
           quantity_value(Dimension::kMoneyPerMillionTokens, "Upper bound on $/M tokens.", 0.0)},
          {"max_tco", quantity_value(Dimension::kMoney, "Upper bound on total cost.", 0.0)},
          {"max_gpus", integer_value("Upper bound on GPUs.", 0, {})},
          {"max_power_per_rack", quantity_value(Dimension::kWatts, "Upper bound per rack.", 0.0)},
          {"air_gapped", boolean_value("The chosen option must run without network access.")},
      },
      "What `tco-plan check` enforces.");
}

SchemaPtr uncertainty_schema() {
  auto distribution = object_value(
      {
          {"distribution", with_default(enum_value({"uniform", "triangular", "normal"},
                                                   "Shape of the distribution."),
                                        "uniform")},
          {"low", number_value("Lowest value (uniform, triangular).", 0)},
          {"mode", number_value("Most likely value (triangular; default midway).", 0)},
          {"high", number_value("Highest value (uniform, triangular).", 0)},
          {"mean", number_value("Mean (normal).", 0)},
          {"sd", number_value("Standard deviation (normal); samples are clipped at 0.", 0)},
      },
      "A range or distribution.");
  std::vector<Field> fields;
  for (const auto& driver : uncertain_drivers()) {
    auto copy = std::make_shared<Schema>(*distribution);
    copy->description = driver.description + (driver.multiplier
                                                   ? " Multiplier of the deterministic value "
                                                     "(1 = as given)."
                                                   : " Absolute value.");
    fields.push_back({driver.name, copy});
  }
  return object_value(std::move(fields),
                      "Uncertain inputs for the Monte Carlo of `tco-plan run --samples N`.");
}

}  // namespace

const std::vector<UncertainDriver>& uncertain_drivers() {
  static const std::vector<UncertainDriver> drivers{
      {"gpu_price", true, "GPU purchase price (on-prem and hybrid base)."},
      {"cloud_price", true, "Cloud instance price, every tier."},
      {"api_price", true, "Hosted-API token prices."},
      {"electricity_price", true, "Electricity price at every site."},
      {"requests_per_day", true, "Year-1 demand (requests per day)."},
      {"throughput", true,
       "Throughput per replica at the latency targets: the simulator's error (README accuracy "
       "tables: median 10-13 % on throughput)."},
      {"demand_growth", false, "Demand growth per year, as a fraction (0.3 = +30 %/yr)."},
      {"api_price_decline", false, "Hosted-API price decline per year, as a fraction."},
      {"gpu_price_decline", false,
       "GPU purchase price decline per year, as a fraction (later purchases and refreshes)."},
      {"cloud_price_decline", false, "Cloud instance price decline per year, as a fraction."},
      {"hardware_life", false, "On-prem depreciation and refresh period, in years."},
  };
  return drivers;
}

SchemaPtr scenario_schema() {
  static const SchemaPtr schema = [] {
    auto options = list_of(option_schema(), "Deployment options to compare.");
    std::const_pointer_cast<Schema>(options)->min_items = 1;
    return object_value(
        {
            {"version", integer_value("Scenario format version (1).", 1, 1), true},
            {"name", string_value("Title of the scenario."), true},
            {"description", string_value("Free text.")},
            {"horizon_years", with_default(integer_value("Planning horizon.", 1, 30), "5")},
            {"model", model_choice_schema(), true},
            {"engine", with_default(engine_choice_schema(), "vllm")},
            {"workload", workload_schema(), true},
            {"options", options, true},
            {"sites", map_of(site_schema(), "Sites by name.")},
            {"constraints",
             object_value({{"air_gapped", with_default(boolean_value("No network access: cloud "
                                                                     "and API options are "
                                                                     "excluded."),
                                                       "false")},
                           {"data_residency", list_of(string_value("Allowed region code."),
                                                      "Regions data may be processed in.")},
                           {"max_gpus", integer_value("Most GPUs any option may use.", 0, {})}},
                          "Hard limits on the options.")},
            {"requirements", requirements_schema()},
            {"finance",
             object_value(
                 {{"discount_rate", quantity_value(Dimension::kFraction,
                                                   "Cost of capital per year.", 0.0, 1.0)},
                  {"electricity_escalation",
                   quantity_value(Dimension::kFraction, "Electricity price rise per year.", -0.5,
                                  1.0)},
                  {"api_price_decline",
                   quantity_value(Dimension::kFraction, "API price decline per year.", 0.0,
                                  0.99)},
                  {"gpu_price_decline",
                   quantity_value(Dimension::kFraction,
                                  "GPU purchase price decline per year: expansions and refreshes "
                                  "in year y pay (1 - decline)^(y-1) of the GPU price; negative "
                                  "for a rise.",
                                  -0.5, 0.99)},
                  {"cloud_price_decline",
                   quantity_value(Dimension::kFraction,
                                  "Cloud instance price decline per year: year y pays "
                                  "(1 - decline)^(y-1) of the price.",
                                  0.0, 0.99)},
                  {"price_max_age_days",
                   integer_value("Prices older than this many days are flagged.", 1, {})}},
                 "Financial settings (defaults from data/costs.yaml).")},
            {"uncertainty", uncertainty_schema()},
            {"gpus", map_of(all_optional(catalog::gpu_schema()),
                            "GPU overrides by id, or new GPUs (all required keys)."),
             false},
        },
        "A tco-plan scenario.");
  }();
  return schema;
}

}  // namespace tco::config

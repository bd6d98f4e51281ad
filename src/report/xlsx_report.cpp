// An .xlsx workbook finance can work in (libxlsxwriter). Sheets:
//   Summary      per option: TCO and NPV as formulas over Costs, beside the tool's own figures
//   Inputs       every price and factor the cost model used, per option, editable, with source
//   Costs        per option and year: the tool's physical quantities (nodes bought, kWh, instance
//                hours, tokens) as values, and every money cell a formula over them and Inputs,
//                so editing the electricity or GPU price in Inputs moves the totals
//   Assumptions  every assumption of the report with its source and date
// Formulas are written without cached results; spreadsheet applications compute them on load
// (libxlsxwriter sets fullCalcOnLoad), and the tests recalculate with LibreOffice.
#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "tco/report/documents.hpp"
#include "tco/units/units.hpp"

namespace tco::report {

namespace {

std::string column_letter(int column) {
  std::string letters;
  for (int c = column + 1; c > 0; c = (c - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (c - 1) % 26));
  }
  return letters;
}

/// "$C$5" style absolute reference, 0-based row and column.
std::string absolute(int row, int column) {
  return fmt::format("${}${}", column_letter(column), row + 1);
}

std::string relative(int row, int column) {
  return fmt::format("{}{}", column_letter(column), row + 1);
}

class Workbook {
 public:
  explicit Workbook(const std::string& path) : book_(workbook_new(path.c_str())) {
    if (book_ == nullptr) throw std::runtime_error("cannot create the XLSX workbook");
    bold_ = workbook_add_format(book_);
    format_set_bold(bold_);
    money_ = workbook_add_format(book_);
    format_set_num_format(money_, "#,##0.00");
    input_ = workbook_add_format(book_);
    format_set_bg_color(input_, 0xFFF2CC);  // editable cells: pale yellow
  }
  Workbook(const Workbook&) = delete;
  Workbook& operator=(const Workbook&) = delete;
  ~Workbook() {
    if (book_ != nullptr) workbook_close(book_);
  }
  void close() {
    const lxw_error error = workbook_close(book_);
    book_ = nullptr;
    if (error != LXW_NO_ERROR) {
      throw std::runtime_error(
          fmt::format("cannot write the XLSX workbook: {}", lxw_strerror(error)));
    }
  }
  lxw_worksheet* sheet(const char* name) { return workbook_add_worksheet(book_, name); }
  void define(const std::string& name, const std::string& reference) {
    workbook_define_name(book_, name.c_str(), reference.c_str());
  }
  lxw_format* bold() const { return bold_; }
  lxw_format* money() const { return money_; }
  lxw_format* input() const { return input_; }

 private:
  lxw_workbook* book_;
  lxw_format* bold_ = nullptr;
  lxw_format* money_ = nullptr;
  lxw_format* input_ = nullptr;
};

void text(lxw_worksheet* sheet, int row, int column, const std::string& value,
          lxw_format* format = nullptr) {
  worksheet_write_string(sheet, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column),
                         value.c_str(), format);
}

void number(lxw_worksheet* sheet, int row, int column, double value, lxw_format* format = nullptr) {
  worksheet_write_number(sheet, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column), value,
                         format);
}

void formula(lxw_worksheet* sheet, int row, int column, const std::string& value,
             lxw_format* format = nullptr) {
  worksheet_write_formula(sheet, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(column),
                          value.c_str(), format);
}

/// The source of an input, from the report's assumptions: the first whose name matches.
std::string source_of(const plan::Evaluation& evaluation, const std::vector<std::string>& names) {
  for (const auto& name : names) {
    for (const auto& assumption : evaluation.assumptions) {
      if (assumption.name == name) {
        return assumption.source +
               (assumption.as_of.empty() ? "" : fmt::format(" (as of {})", assumption.as_of));
      }
    }
  }
  return "default of the cost model (see Assumptions)";
}

const plan::OptionResult* find_option(const plan::Evaluation& evaluation, const std::string& name) {
  for (const auto& result : evaluation.options) {
    if (result.option.name == name) return &result;
  }
  return nullptr;
}

/// The instance price's source: the option's own instance, or a hybrid's burst option's.
std::string cloud_source(const plan::Evaluation& evaluation, const plan::OptionResult& result) {
  const auto* cloud = result.option.kind == config::OptionKind::kHybrid
                          ? find_option(evaluation, result.option.burst)
                          : &result;
  if (cloud == nullptr) return source_of(evaluation, {});
  const std::string tier = cloud->option.pricing.empty() ? "on_demand" : cloud->option.pricing;
  return source_of(evaluation, {cloud->option.instance + " " + tier + " per instance"});
}

/// A defined-name-safe version of an option name.
std::string safe_name(const std::string& name) {
  std::string out = "o_";
  for (const char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

struct InputsSheet {
  lxw_worksheet* sheet;
  int row = 1;
};

/// Writes one editable input and returns its absolute reference on the Inputs sheet.
std::string add_input(Workbook& book, InputsSheet& inputs, const std::string& option,
                      const std::string& key, double value, const std::string& unit,
                      const std::string& source) {
  text(inputs.sheet, inputs.row, 0, option);
  text(inputs.sheet, inputs.row, 1, key);
  number(inputs.sheet, inputs.row, 2, value, book.input());
  text(inputs.sheet, inputs.row, 3, unit);
  text(inputs.sheet, inputs.row, 4, source);
  const std::string reference = "Inputs!" + absolute(inputs.row, 2);
  book.define(fmt::format("{}.{}", option.empty() ? "global" : safe_name(option), key),
              "=" + reference);
  ++inputs.row;
  return reference;
}

struct OptionBlock {
  std::string total;  ///< reference of the option's nominal total
  std::string npv;
};

/// One option's block on the Costs sheet starting at `row`; returns the total and NPV cells.
OptionBlock write_option(Workbook& book, lxw_worksheet* costs, int& row, InputsSheet& inputs,
                         const plan::Evaluation& evaluation, const plan::OptionResult& result,
                         const std::string& discount_rate) {
  const auto& cost = *result.cost;
  const auto& name = result.option.name;
  const int years = static_cast<int>(cost.years.size());
  const int total_column = years + 1;
  text(costs, row, 0, fmt::format("{} ({})", name, config::option_kind_name(result.option.kind)),
       book.bold());
  for (int y = 0; y < years; ++y)
    text(costs, row, y + 1, fmt::format("year {}", y + 1), book.bold());
  text(costs, row, total_column, "total", book.bold());
  ++row;
  std::map<std::string, int> rows;  // line name -> row
  auto quantity = [&](const std::string& line, auto value_of) {
    text(costs, row, 0, line);
    for (int y = 0; y < years; ++y) number(costs, row, y + 1, value_of(cost.years[y]));
    rows[line] = row++;
  };
  auto money_line = [&](const std::string& line, auto formula_of) {
    text(costs, row, 0, line);
    for (int y = 0; y < years; ++y) {
      formula(costs, row, y + 1, "=" + formula_of(y), book.money());
    }
    formula(costs, row, total_column,
            fmt::format("=SUM({}:{})", relative(row, 1), relative(row, years)), book.money());
    rows[line] = row++;
  };
  auto at = [&](const std::string& line, int y) { return relative(rows.at(line), y + 1); };
  std::vector<std::string> money_lines;

  if (result.onprem_inputs) {
    const auto& in = *result.onprem_inputs;
    // A hybrid's base is another option: its GPU and site hold the prices.
    const std::string base_name =
        result.option.kind == config::OptionKind::kHybrid ? result.option.base : name;
    const auto* base = find_option(evaluation, base_name);
    const std::string gpu = base && base->gpu ? base->gpu->id : result.option.gpu;
    const auto src = [&](const std::string& key) {
      return source_of(evaluation, {base_name + ": " + key, key});
    };
    const auto gpu_price = add_input(book, inputs, name, "gpu_price_usd", in.gpu_price_usd, "USD",
                                     source_of(evaluation, {gpu + " purchase price"}));
    const auto gpu_decline =
        add_input(book, inputs, name, "gpu_price_decline_per_year", in.gpu_price_decline,
                  "fraction/year", "finance.gpu_price_decline");
    const auto gpus_per_node =
        add_input(book, inputs, name, "gpus_per_node", in.gpus_per_node, "GPUs", "scenario");
    const auto server = add_input(book, inputs, name, "server_base_per_node_usd",
                                  in.server_base_usd, "USD", src("server_base_per_node"));
    const auto network = add_input(book, inputs, name, "networking_per_node_usd",
                                   in.networking_per_node_usd, "USD", src("networking_per_node"));
    const auto storage = add_input(book, inputs, name, "storage_per_node_usd",
                                   in.storage_per_node_usd, "USD", src("storage_per_node"));
    const auto spares = add_input(book, inputs, name, "spares_fraction", in.spares_fraction,
                                  "fraction", src("spares_fraction"));
    const auto installation =
        add_input(book, inputs, name, "installation_fraction", in.installation_fraction, "fraction",
                  src("installation_fraction"));
    const auto maintenance =
        add_input(book, inputs, name, "maintenance_fraction_per_year", in.maintenance_fraction,
                  "fraction/year", src("maintenance_fraction_per_year"));
    const auto staff_fte =
        add_input(book, inputs, name, "staff_fte", in.staff_fte, "FTE", src("staff_fte"));
    const auto staff_cost =
        add_input(book, inputs, name, "staff_cost_per_fte_year_usd", in.staff_cost_per_fte_usd,
                  "USD/year", src("staff_cost_per_fte_year"));
    const auto licence = add_input(book, inputs, name, "software_license_per_gpu_year_usd",
                                   in.license_per_gpu_year_usd, "USD/GPU/year",
                                   src("software_license_per_gpu_year"));
    const auto tdp = add_input(book, inputs, name, "gpu_tdp_w", in.server.gpu_tdp_w, "W",
                               source_of(evaluation, {"GPU " + gpu}));
    const auto host = add_input(book, inputs, name, "host_power_per_node_w", in.server.host_w, "W",
                                src("host_power_per_node"));
    const std::string site = base ? base->option.site : result.option.site;
    const auto pue = add_input(book, inputs, name, "pue", in.pue, "ratio",
                               source_of(evaluation, {"site " + site + " pue", "default_pue"}));
    const auto electricity =
        add_input(book, inputs, name, "electricity_usd_per_kwh",
                  in.electricity_usd_per_j * units::kJoulesPerKwh, "USD/kWh",
                  source_of(evaluation, {"site " + site + " electricity", "electricity_price"}));
    const auto escalation =
        add_input(book, inputs, name, "electricity_escalation_per_year", in.electricity_escalation,
                  "fraction/year", src("electricity_escalation"));
    std::optional<std::string> colocation;
    if (in.colocation_usd_per_w_s) {
      colocation =
          add_input(book, inputs, name, "colocation_usd_per_kw_month",
                    *in.colocation_usd_per_w_s * 1e3 * units::kSecondsPerMonth, "USD/kW/month",
                    source_of(evaluation, {"site " + site + " colocation", "colocation_price"}));
    }
    // Derived per-node figures (formulas), as the cost model computes them (src/tco/cost.cpp):
    // a node bought in year y pays that year's GPU price, gpu_price x (1 - decline)^(y-1).
    text(costs, row, 0, "hardware per node bought that year (USD)");
    for (int y = 0; y < years; ++y) {
      formula(costs, row, y + 1,
              fmt::format("=({}*{}*(1-{})^{}+{}+{}+{})*(1+{})", gpus_per_node, gpu_price,
                          gpu_decline, y, server, network, storage, spares),
              book.money());
    }
    rows["hardware per node bought that year (USD)"] = row;
    const std::string hardware = absolute(row++, 1);  // year 1: the unit of node equivalents
    text(costs, row, 0, "node power at TDP (kW)");
    formula(costs, row, 1, fmt::format("=({}*{}+{})/1000", gpus_per_node, tdp, host));
    const std::string node_kw = absolute(row++, 1);

    // Quantities from the tool's capacity and energy model.
    quantity("nodes bought (new and refresh)",
             [](const cost::YearFlow& f) { return static_cast<double>(f.nodes_bought); });
    quantity("nodes installed",
             [](const cost::YearFlow& f) { return static_cast<double>(f.nodes); });
    quantity("GPUs installed", [](const cost::YearFlow& f) { return static_cast<double>(f.gpus); });
    const double hardware_value = (in.gpus_per_node * in.gpu_price_usd + in.server_base_usd +
                                   in.networking_per_node_usd + in.storage_per_node_usd) *
                                  (1 + in.spares_fraction);
    // Resale and maintenance are worth what each cohort cost when it was bought; the sheet
    // counts them in year-1 node equivalents (exact at these inputs, and under edits while the
    // GPU price decline is 0).
    quantity("hardware resold (year-1 node equivalents)", [&](const cost::YearFlow& f) {
      return hardware_value > 0 ? f.residual / hardware_value : 0.0;
    });
    quantity("hardware owned (year-1 node equivalents)", [&](const cost::YearFlow& f) {
      return hardware_value > 0 ? f.hardware_value_usd / hardware_value : 0.0;
    });
    quantity("IT energy (kWh)",
             [](const cost::YearFlow& f) { return f.it_energy_j / units::kJoulesPerKwh; });
    money_line("capex (USD)", [&](int y) {
      return fmt::format("{}*{}*(1+{})", at("nodes bought (new and refresh)", y),
                         at("hardware per node bought that year (USD)", y), installation);
    });
    money_line("resale and book value (USD, credited)", [&](int y) {
      return fmt::format("{}*{}", at("hardware resold (year-1 node equivalents)", y), hardware);
    });
    money_line("maintenance (USD)", [&](int y) {
      return fmt::format("{}*{}*{}", maintenance, at("hardware owned (year-1 node equivalents)", y),
                         hardware);
    });
    // Colocation prices include cooling: bill metered IT energy; otherwise facility = IT x PUE.
    money_line("energy (USD)", [&](int y) {
      return fmt::format("{}*{}*{}*(1+{})^{}", at("IT energy (kWh)", y),
                         colocation ? std::string("1") : pue, electricity, escalation, y);
    });
    money_line("colocation (USD)", [&](int y) {
      return colocation ? fmt::format("{}*{}*{}*12", at("nodes installed", y), node_kw, *colocation)
                        : std::string("0");
    });
    money_line("staff (USD)", [&](int) { return fmt::format("{}*{}", staff_fte, staff_cost); });
    money_line("licences (USD)",
               [&](int y) { return fmt::format("{}*{}", licence, at("GPUs installed", y)); });
    money_lines = {"capex (USD)",      "maintenance (USD)", "energy (USD)",
                   "colocation (USD)", "staff (USD)",       "licences (USD)"};
  }
  if (result.cloud_inputs) {
    const auto& in = *result.cloud_inputs;
    const auto price = add_input(book, inputs, name, "cloud_instance_usd_per_hour",
                                 in.instance_usd_per_s * units::kSecondsPerHour, "USD/h",
                                 cloud_source(evaluation, result));
    const auto decline =
        add_input(book, inputs, name, "cloud_price_decline_per_year", in.price_decline,
                  "fraction/year", "finance.cloud_price_decline");
    quantity("cloud instance-hours", [](const cost::YearFlow& f) { return f.burst_hours; });
    money_line("cloud (USD)", [&](int y) {
      return fmt::format("{}*{}*(1-{})^{}", at("cloud instance-hours", y), price, decline, y);
    });
    money_lines.push_back("cloud (USD)");
  }
  if (result.api_inputs) {
    const auto& in = *result.api_inputs;
    const auto input_price =
        add_input(book, inputs, name, "api_input_usd_per_mtok", in.input_usd_per_token * 1e6,
                  "USD/Mtok", source_of(evaluation, {result.option.offer + " price"}));
    const auto output_price =
        add_input(book, inputs, name, "api_output_usd_per_mtok", in.output_usd_per_token * 1e6,
                  "USD/Mtok", source_of(evaluation, {result.option.offer + " price"}));
    const auto decline =
        add_input(book, inputs, name, "api_price_decline_per_year", in.decline_per_year,
                  "fraction/year", "finance.api_price_decline");
    quantity("input tokens (millions)",
             [](const cost::YearFlow& f) { return f.input_tokens / 1e6; });
    quantity("output tokens (millions)",
             [](const cost::YearFlow& f) { return f.output_tokens / 1e6; });
    money_line("api (USD)", [&](int y) {
      return fmt::format("({}*{}+{}*{})*(1-{})^{}", at("input tokens (millions)", y), input_price,
                         at("output tokens (millions)", y), output_price, decline, y);
    });
    money_lines.push_back("api (USD)");
  }
  money_line("total (USD)", [&](int y) {
    std::string sum;
    for (const auto& line : money_lines) sum += (sum.empty() ? "" : "+") + at(line, y);
    if (rows.count("resale and book value (USD, credited)")) {
      sum += "-" + at("resale and book value (USD, credited)", y);
    }
    return sum.empty() ? std::string("0") : sum;
  });
  // NPV: capex at the start of its year, everything else at its end (as the tool discounts).
  const std::string capex_row = rows.count("capex (USD)") ? "capex (USD)" : "";
  money_line("discounted (USD)", [&](int y) {
    const std::string capex = capex_row.empty() ? "0" : at(capex_row, y);
    return fmt::format("{}/(1+{})^{}+({}-{})/(1+{})^{}", capex, discount_rate, y,
                       at("total (USD)", y), capex, discount_rate, y + 1);
  });
  OptionBlock block{"Costs!" + absolute(rows.at("total (USD)"), total_column),
                    "Costs!" + absolute(rows.at("discounted (USD)"), total_column)};
  ++row;  // a blank line between options
  return block;
}

/// `run --samples`: the Monte Carlo percentiles and the NPV tornado, as numbers (the samples
/// themselves are not in the workbook, so these cells are values, not formulas).
void write_uncertainty(Workbook& book, const explore::Uncertainty& uncertainty) {
  auto* sheet = book.sheet("Uncertainty");
  text(sheet, 0, 0,
       fmt::format("{} Monte Carlo samples (seed {}) over {}", uncertainty.samples,
                   uncertainty.seed, fmt::join(uncertainty.drivers, ", ")),
       book.bold());
  int column = 0;
  for (const char* header :
       {"option", "TCO P10 (USD)", "TCO P50 (USD)", "TCO P90 (USD)", "NPV P10 (USD)",
        "NPV P50 (USD)", "NPV P90 (USD)", "USD per M tokens P10", "USD per M tokens P50",
        "USD per M tokens P90", "probability cheapest"}) {
    text(sheet, 2, column++, header, book.bold());
  }
  int row = 3;
  for (const auto& option : uncertainty.options) {
    text(sheet, row, 0, option.option);
    column = 1;
    for (const auto* p : {&option.total_usd, &option.npv_usd}) {
      for (const double value : {p->p10, p->p50, p->p90}) number(sheet, row, column++, value, book.money());
    }
    for (const double value : {option.usd_per_million_tokens.p10,
                               option.usd_per_million_tokens.p50,
                               option.usd_per_million_tokens.p90}) {
      number(sheet, row, column++, value);
    }
    number(sheet, row, column, option.probability_cheapest);
    ++row;
  }
  row += 1;
  column = 0;
  for (const char* header : {"option", "driver", "driver P10", "driver P90", "NPV at P10 (USD)",
                             "NPV at P90 (USD)", "swing (USD)"}) {
    text(sheet, row, column++, header, book.bold());
  }
  ++row;
  for (const auto& option : uncertainty.options) {
    for (const auto& bar : option.tornado) {
      text(sheet, row, 0, option.option);
      text(sheet, row, 1, bar.driver);
      number(sheet, row, 2, bar.value_low);
      number(sheet, row, 3, bar.value_high);
      number(sheet, row, 4, bar.npv_at_low_usd, book.money());
      number(sheet, row, 5, bar.npv_at_high_usd, book.money());
      number(sheet, row, 6, bar.swing_usd(), book.money());
      ++row;
    }
  }
  worksheet_set_column(sheet, 0, 1, 22, nullptr);
  worksheet_set_column(sheet, 2, 10, 16, nullptr);
}

std::string write_workbook(const plan::Evaluation& evaluation, const std::string& path) {
  Workbook book(path);
  auto* summary = book.sheet("Summary");
  InputsSheet inputs{book.sheet("Inputs")};
  auto* costs = book.sheet("Costs");
  auto* assumptions = book.sheet("Assumptions");

  int column = 0;
  for (const char* header : {"option", "input", "value", "unit", "source"}) {
    text(inputs.sheet, 0, column++, header, book.bold());
  }
  const auto discount_rate = add_input(book, inputs, "", "discount_rate", evaluation.discount_rate,
                                       "fraction/year", source_of(evaluation, {"discount_rate"}));

  text(summary, 0, 0, evaluation.scenario_name, book.bold());
  text(summary, 1, 0,
       fmt::format("{} years; edit the yellow cells on Inputs, the totals follow",
                   evaluation.horizon_years));
  column = 0;
  for (const char* header :
       {"option", "kind", "TCO (USD, workbook)", "NPV (USD, workbook)", "TCO (USD, tco-plan)",
        "NPV (USD, tco-plan)", "TCO difference (USD)", "status"}) {
    text(summary, 3, column++, header, book.bold());
  }
  int summary_row = 4;
  int costs_row = 0;
  for (const auto& result : evaluation.options) {
    text(summary, summary_row, 0, result.option.name);
    text(summary, summary_row, 1, std::string(config::option_kind_name(result.option.kind)));
    const bool costed = result.excluded.empty() && result.cost && !result.cost->years.empty() &&
                        (result.onprem_inputs || result.cloud_inputs || result.api_inputs);
    if (!costed) {
      text(summary, summary_row, 7,
           !result.excluded.empty() ? "excluded: " + result.excluded
                                    : "not costed: " + result.cost_note);
      ++summary_row;
      continue;
    }
    const auto block =
        write_option(book, costs, costs_row, inputs, evaluation, result, discount_rate);
    formula(summary, summary_row, 2, "=" + block.total, book.money());
    formula(summary, summary_row, 3, "=" + block.npv, book.money());
    number(summary, summary_row, 4, result.cost->total_usd, book.money());
    number(summary, summary_row, 5, result.cost->npv_usd, book.money());
    formula(summary, summary_row, 6,
            fmt::format("={}-{}", relative(summary_row, 2), relative(summary_row, 4)),
            book.money());
    text(summary, summary_row, 7, "ok");
    ++summary_row;
  }

  column = 0;
  for (const char* header : {"assumption", "value", "source", "as of", "estimate"}) {
    text(assumptions, 0, column++, header, book.bold());
  }
  int row = 1;
  for (const auto& a : evaluation.assumptions) {
    text(assumptions, row, 0, a.name);
    text(assumptions, row, 1, a.value);
    text(assumptions, row, 2, a.source);
    text(assumptions, row, 3, a.as_of);
    text(assumptions, row, 4, a.estimate ? "yes" : "no");
    ++row;
  }
  if (evaluation.uncertainty) write_uncertainty(book, *evaluation.uncertainty);
  worksheet_set_column(summary, 0, 0, 22, nullptr);
  worksheet_set_column(summary, 2, 6, 20, nullptr);
  worksheet_set_column(inputs.sheet, 0, 1, 32, nullptr);
  worksheet_set_column(inputs.sheet, 2, 3, 14, nullptr);
  worksheet_set_column(costs, 0, 0, 40, nullptr);
  worksheet_set_column(costs, 1, 40, 14, nullptr);
  book.close();
  std::ifstream stream(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << stream.rdbuf();
  return bytes.str();
}

}  // namespace

std::string render_xlsx(const plan::Evaluation& evaluation) {
  // libxlsxwriter writes a file: build it in the temporary directory and return its bytes, so
  // the caller writes the real output atomically like every other format.
  const auto path = std::filesystem::temp_directory_path() /
                    fmt::format("tco-plan-{}-{}.xlsx", static_cast<long>(getpid()),
                                reinterpret_cast<std::uintptr_t>(&evaluation));
  try {
    auto bytes = write_workbook(evaluation, path.string());
    std::filesystem::remove(path);
    return bytes;
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    throw;
  }
}

}  // namespace tco::report

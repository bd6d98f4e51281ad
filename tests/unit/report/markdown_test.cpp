// Markdown report on a hand-built evaluation: exact summary rows, pipes escaped, sections.
#include <catch2/catch.hpp>

#include "report_fixture.hpp"
#include "tco/report/documents.hpp"

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("markdown: the summary table side by side, pipes escaped", "[report][markdown]") {
  const auto md = tco::report::render_markdown(tco::test::report_evaluation());
  CHECK(md.rfind("# Report <test> & co\n\n`report.yaml`\n\n", 0) == 0);
  CHECK(contains(md,
                 "| option | kind | fits | GPUs | nodes | tok/s/replica | TTFT | TPOT | "
                 "kWh/yr | TCO | NPV | $/M tokens | break-even vs api | status |\n"
                 "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"));
  // 100 MWh/yr, TCO 800 k$, NPV 750 k$; never breaks even against the lowest-NPV API.
  CHECK(contains(md,
                 "| onprem\\|h100 | onprem | yes | 16 | 2 | 1500 | 250.0 ms | 50.0 ms | "
                 "100000 | $800.0k | $750.0k | 1.250 | never | ok |\n"));
  CHECK(contains(md,
                 "| api | api | - | - | - | - | - | - | - | $600.0k | $550.0k | 0.900 | "
                 "lowest NPV | ok |\n"));
  CHECK(contains(md,
                 "| cloud-p5 | cloud | - | - | - | - | - | - | - | - | - | - | - | "
                 "EXCLUDED: air-gapped: cloud options are not allowed |\n"));
  CHECK(contains(md, "\n## Cost over 2 years (discount rate 7.0 %)\n"));
  CHECK(contains(md, "- **onprem|h100**: never < api\n"));  // no table: no escaping
  CHECK(contains(md, "\n## Warnings\n\n- the h100-sxm purchase price is old\n"));
  CHECK(contains(md, "| electricity | 0.10 USD/kWh | EIA table 5.6.A | 2026-01-01 |\n"));
  // No ANSI colour in a document.
  CHECK(!contains(md, "\x1b"));
}

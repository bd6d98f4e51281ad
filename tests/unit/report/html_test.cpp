// HTML report on a hand-built evaluation: self-contained (nothing to fetch), text escaped, the
// four charts present with one series per costed option and the figures they were drawn from.
#include <catch2/catch.hpp>
#include <regex>

#include "report_fixture.hpp"
#include "tco/report/documents.hpp"

namespace {

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("html: self-contained, escaped, four charts", "[report][html]") {
  const auto html = tco::report::render_html(tco::test::report_evaluation());
  CHECK(html.rfind("<!DOCTYPE html>\n", 0) == 0);
  for (const char* external : {"<script", "src=", "href=", "@import", "url(", "<link"}) {
    INFO(external);
    CHECK(count(html, external) == 0);
  }
  CHECK(count(html, "<title>Report &lt;test&gt; &amp; co</title>") == 1);
  CHECK(count(html, "<test>") == 0);
  for (const char* id : {"chart-cumulative-cost", "chart-cost-breakdown",
                         "chart-throughput-latency", "chart-memory-plan"}) {
    INFO(id);
    CHECK(count(html, std::string("<svg id=\"") + id + "\"") == 1);
  }
  CHECK(count(html, "<svg ") == 4);
  // Cumulative cost: the two costed options (the excluded cloud option is not drawn), 25 points
  // each (months 0..24).
  CHECK(count(html, "<polyline class=\"series\"") == 2);
  const std::regex polyline(
      "<polyline class=\"series\" data-option=\"api\"[^>]*points=\"([^\"]*)\"");
  std::smatch match;
  REQUIRE(std::regex_search(html, match, polyline));
  CHECK(count(match[1].str(), ",") == 25);
  // Cost by category, summed over the two years: capex 600 k$, staff 2 x 50 k$; API 2 x 300 k$.
  CHECK(count(html,
              "data-option=\"onprem|h100\" data-category=\"capex net of resale\" "
              "data-value=\"600000\"") == 1);
  CHECK(count(html, "data-option=\"onprem|h100\" data-category=\"staff\" data-value=\"100000\"") ==
        1);
  CHECK(count(html, "data-option=\"api\" data-category=\"api\" data-value=\"600000\"") == 1);
  // Memory: 34 GiB of weights on the one GPU option; throughput: both points of it.
  CHECK(count(html, "data-category=\"weights\" data-value=\"36507222016\"") == 1);
  CHECK(count(html, "class=\"point at-targets\" data-option=\"onprem|h100\"") == 1);
  CHECK(count(html, "class=\"point max-throughput\" data-option=\"onprem|h100\"") == 1);
  // In the summary and in the cost table.
  CHECK(count(html, "<td>EXCLUDED: air-gapped: cloud options are not allowed</td>") == 2);
}

#!/usr/bin/env bash
# Renders every example's HTML report in headless Chromium and checks, in the DOM Chromium
# built, that the four charts are there with their series. Exit 77 (ctest: skipped) when
# Chromium is not installed; `bash scripts/dev.sh test` installs it.
# Usage: html_render_test.sh <tco-plan binary> <repository root> <private profile dir>
set -u
profile=$3
set -- "$1" "$2"
source "$(dirname "$0")/harness.sh"

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "SKIP: chromium not installed"
  exit 77
fi
# A private HOME and profile per run: parallel-safe, nothing of the user's touched.
rm -rf "$profile" && mkdir -p "$profile/home"

for example in examples/*.yaml; do
  name=$(basename "$example" .yaml)
  run_cmd "$name" run "$example" --format html -o "$work/$name.html"
  expect_rc "run $example --format html" 0 || continue
  checks=$((checks + 1))
  HOME="$profile/home" timeout 60 "$browser" --headless --no-sandbox --disable-gpu \
    --user-data-dir="$profile/chromium" --no-first-run --dump-dom "file://$work/$name.html" \
    >"$work/$name.dom" 2>"$work/$name.browser.err"
  if [[ ! -s "$work/$name.dom" ]]; then
    fail "$example: chromium rendered nothing ($(tail -n 2 "$work/$name.browser.err"))"
    continue
  fi
  if ! message=$(python3 - "$work/$name.dom" "$work/$name.html" <<'PY' 2>&1
import re, sys
dom = open(sys.argv[1]).read()
charts = re.findall(r'<svg id="(chart-[a-z-]+)"', dom)
want = ["chart-cumulative-cost", "chart-cost-breakdown", "chart-throughput-latency",
        "chart-memory-plan"]
assert charts == want, f"charts in the DOM: {charts}"
# Chromium parsed them as SVG (namespaced), with the series the report drew.
source = open(sys.argv[2]).read()
for element in ("polyline", "rect", "circle"):
    assert dom.count(f"<{element} ") == source.count(f"<{element} "), \
        f"{element}: {dom.count(f'<{element} ')} in the DOM, {source.count(f'<{element} ')} in the file"
assert dom.count('<polyline class="series"') >= 1, "no cumulative cost series"
PY
  ); then
    fail "$example: $message"
  fi
done
finish "html-render"

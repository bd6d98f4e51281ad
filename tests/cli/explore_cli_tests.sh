#!/usr/bin/env bash
# CLI tests of sweep, optimize and run --samples: shapes of the outputs and the exit codes of
# invalid inputs. Usage: explore_cli_tests.sh <tco-plan binary> <repository root>
set -u

source "$(dirname "$0")/harness.sh"

csv_rows() {  # csv_rows FILE: data rows, after checking every row is as wide as the header
  python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert all(len(row) == len(rows[0]) for row in rows), "ragged rows"
print(len(rows) - 1)
PY
}

# --- sweep -------------------------------------------------------------------------------------
run_cmd sweep sweep examples/01-quickstart.yaml --set 'options[0].tp=1,2' \
  --set workload.requests_per_day=100000:300000:100000 -o "$work/sweep.csv"
expect_rc "sweep" 0
# 2 x 3 points x 3 options of the example.
if [[ "$(csv_rows "$work/sweep.csv")" != 18 ]]; then
  fail "sweep: $(csv_rows "$work/sweep.csv") rows, expected 18"
fi
if ! head -1 "$work/sweep.csv" | grep -q '^point,options\[0\].tp,workload.requests_per_day,option,'; then
  fail "sweep: header $(head -1 "$work/sweep.csv")"
fi
# Deterministic at any thread count: byte-identical CSV on 1 and 4 threads.
run_cmd sweep_j1 sweep examples/01-quickstart.yaml --set 'options[0].tp=1,2' \
  --set workload.requests_per_day=100000:300000:100000 -j 1 -o "$work/sweep_j1.csv"
run_cmd sweep_j4 sweep examples/01-quickstart.yaml --set 'options[0].tp=1,2' \
  --set workload.requests_per_day=100000:300000:100000 -j 4 -o "$work/sweep_j4.csv"
cmp -s "$work/sweep_j1.csv" "$work/sweep_j4.csv" || fail "sweep: -j 1 and -j 4 differ"
cmp -s "$work/sweep.csv" "$work/sweep_j1.csv" || fail "sweep: -j 1 differs from the default"
run_cmd sweep_bad sweep examples/01-quickstart.yaml --set 'options[9].tp=1,2'
expect_rc "sweep with a bad path" 2
grep -q -- "--set options\[9\].tp=1: 'options' has 3 elements, no \[9\]" "$last_err" ||
  fail "sweep bad path: $(cat "$last_err")"
run_cmd sweep_value sweep examples/01-quickstart.yaml --set 'workload.requests_per_day=lots'
expect_rc "sweep with a bad value" 2
grep -q -- "--set workload.requests_per_day=lots" "$last_err" &&
  grep -q "workload.requests_per_day" "$last_err" || fail "sweep bad value: $(cat "$last_err")"
if [[ -s "$work/sweep_value.out" ]]; then fail "sweep bad value: printed to stdout"; fi

# --- optimize ----------------------------------------------------------------------------------
run_cmd optimize optimize examples/01-quickstart.yaml --top 3 --gpus h100-sxm,h200-sxm,l40s \
  --pareto "$work/pareto.csv"
expect_rc "optimize" 0
if [[ "$(grep -c '^  [0-9]\. ' "$last_out")" != 3 ]]; then
  fail "optimize: expected 3 'why' lines: $(cat "$last_out")"
fi
grep -q '^Searched [0-9]* candidates' "$last_out" || fail "optimize: no search summary"
[[ "$(csv_rows "$work/pareto.csv")" -ge 1 ]] || fail "optimize: empty Pareto front"
head -1 "$work/pareto.csv" | grep -q ',npv_usd,.*,ttft_s,tpot_s,' || fail "optimize: Pareto header"
run_cmd optimize_pruned optimize examples/01-quickstart.yaml --top 3 --gpus h100-sxm,h200-sxm,l40s
run_cmd optimize_j1 optimize examples/01-quickstart.yaml --top 3 --gpus h100-sxm,h200-sxm,l40s -j 1
cmp -s "$work/optimize_pruned.out" "$work/optimize_j1.out" || fail "optimize: -j 1 differs"
run_cmd optimize_gpu optimize examples/01-quickstart.yaml --gpus h100-sxn
expect_rc "optimize with an unknown GPU" 2
grep -q "unknown GPU 'h100-sxn' (did you mean 'h100-sxm'?)" "$last_err" ||
  fail "optimize unknown GPU: $(cat "$last_err")"
run_cmd optimize_obj optimize examples/01-quickstart.yaml --objective cheapest
expect_rc "optimize with an unknown objective" 2

# --- run --samples -----------------------------------------------------------------------------
run_cmd mc run examples/10-uncertainty.yaml --samples 500 --seed 3
expect_rc "run --samples" 0
grep -q '^Uncertainty: 500 Monte Carlo samples (seed 3)' "$last_out" || fail "run --samples: no table"
grep -q '^Sensitivity of NPV' "$last_out" || fail "run --samples: no tornado"
run_cmd mc_again run examples/10-uncertainty.yaml --samples 500 --seed 3 -j 1
cmp -s "$work/mc.out" "$work/mc_again.out" || fail "run --samples: same seed, different output"
run_cmd mc_json run examples/10-uncertainty.yaml --samples 200 --format json
expect_rc "run --samples --format json" 0
python3 -c 'import json,sys; u=json.load(open(sys.argv[1]))["uncertainty"]; assert u["samples"]==200 and u["options"][0]["npv_usd"]["p10"]<=u["options"][0]["npv_usd"]["p90"]' "$last_out" ||
  fail "run --samples json: no uncertainty object"
run_cmd mc_csv run examples/10-uncertainty.yaml --samples 200 --format csv -o "$work/mc.csv"
head -1 "$work/mc.csv" | grep -q ',npv_p10_usd,npv_p50_usd,npv_p90_usd,.*probability_cheapest' ||
  fail "run --samples csv: no percentile columns"
[[ "$(csv_rows "$work/mc.csv")" == 3 ]] || fail "run --samples csv: rows"
# Every document format carries it: Markdown tables, HTML tables and two charts.
run_cmd mc_md run examples/10-uncertainty.yaml --samples 200 --format markdown
grep -q '^## Uncertainty: 200 Monte Carlo samples' "$last_out" &&
  grep -q '^### Sensitivity of NPV: onprem-h100' "$last_out" || fail "run --samples markdown"
run_cmd mc_html run examples/10-uncertainty.yaml --samples 200 --format html
for chart in chart-npv-range chart-tornado; do
  grep -q "<svg id=\"$chart\"" "$last_out" || fail "run --samples html: no $chart"
done
[[ "$(grep -c 'class="interval" data-label="onprem-h100"' "$last_out")" == 1 ]] ||
  fail "run --samples html: onprem-h100 has no NPV range bar"
run_cmd mc_xlsx run examples/10-uncertainty.yaml --samples 200 --format xlsx -o "$work/mc.xlsx"
expect_rc "run --samples --format xlsx" 0
python3 - "$work/mc.xlsx" <<'PY' || fail "run --samples xlsx: no Uncertainty sheet with numbers"
import re, sys, zipfile
book = zipfile.ZipFile(sys.argv[1])
names = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
assert names[-1] == "Uncertainty", names
sheet = book.read(f"xl/worksheets/sheet{len(names)}.xml").decode()
# Row 4 (the first option): eleven cells, ten of them numbers (<v> without t="s").
cells = re.findall(r'<c r="[A-K]4"([^>]*)>(.*?)</c>', sheet)
assert len(cells) == 11 and sum('t="s"' not in attrs for attrs, _ in cells) == 10, cells
PY
run_cmd mc_none run examples/01-quickstart.yaml --samples 10
expect_rc "run --samples without uncertainty:" 2
grep -q -- "--samples needs an \`uncertainty:\` section" "$last_err" || fail "mc_none: $(cat "$last_err")"

finish "explore cli"

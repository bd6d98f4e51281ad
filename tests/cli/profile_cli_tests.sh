#!/usr/bin/env bash
# The "I have a new GPU" workflow end to end, without a GPU: results in the microbench schema
# (here the published H200 rows of tests/data/microbench.csv, relabelled with gpu_id acme-x1,
# standing in for tco-microbench's output), calibrated against a GPU that only a scenario defines
# (tests/data/scenarios/new-gpu.yaml), then used with --profile: the report turns calibrated.
# Usage: profile_cli_tests.sh <tco-plan binary> <repository root>
set -u

source "$(dirname "$0")/harness.sh"

scenario=tests/data/scenarios/new-gpu.yaml
python3 - tests/data/microbench.csv "$work/acme.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()) + ["gpu_id"])
    writer.writeheader()
    for row in rows:
        if row["gpu"] in ("H200 SXM", "H200 141GB (Azure ND H200 v5)"):
            writer.writerow({**row, "gpu_id": "acme-x1"})
PY

# Without the scenario the catalog does not know the GPU.
run_cmd unknown calibrate "$work/acme.csv" --gpu acme-x1
if expect_rc "calibrate an unknown GPU" 2; then
  grep -q "error: unknown GPU 'acme-x1'" "$last_err" ||
    fail "calibrate an unknown GPU: $(cat "$last_err")"
fi

run_cmd calibrate calibrate "$work/acme.csv" --gpu acme-x1 --scenario "$scenario" \
  --as-of 2026-12-03 -o "$work/acme-x1.yaml"
if expect_rc "calibrate --scenario" 0; then
  grep -q '^gpu: acme-x1$' "$work/acme-x1.yaml" || fail "profile does not name acme-x1"
  grep -q '^as_of: 2026-12-03$' "$work/acme-x1.yaml" || fail "profile as_of not 2026-12-03"
  # Residuals are stored with each fitted curve and printed.
  grep -q 'fit: {u_max: .*rms: .*max_abs: ' "$work/acme-x1.yaml" || fail "profile has no fit"
  grep -q 'rms' "$last_err" || fail "calibrate printed no residuals: $(cat "$last_err")"
fi

run_cmd default run "$scenario"
if expect_rc "run without --profile" 0; then
  grep -q 'UNCALIBRATED' "$last_out" || fail "run without --profile is not UNCALIBRATED"
fi

run_cmd measured --profile "$work/acme-x1.yaml" run "$scenario"
if expect_rc "run --profile" 0; then
  grep -q 'UNCALIBRATED' "$last_out" && fail "run --profile still UNCALIBRATED"
  grep -q 'calibrated' "$last_out" || fail "run --profile does not say calibrated"
  grep -q "using kernel-efficiency profile $work/acme-x1.yaml" "$last_err" ||
    fail "run --profile does not say which profile: $(cat "$last_err")"
  cmp -s "$work/default.out" "$work/measured.out" && fail "--profile changed nothing"
fi

run_cmd json --profile "$work/acme-x1.yaml" run "$scenario" --format json
if expect_rc "run --profile --format json" 0; then
  python3 -c '
import json, sys
options = json.load(open(sys.argv[1]))["options"]
assert all(o["performance"]["calibrated"] for o in options if o.get("performance")), options
' "$last_out" || fail "JSON does not say calibrated"
fi

run_cmd missing --profile "$work/nope.yaml" run "$scenario"
expect_rc "--profile of a missing file" 2

run_cmd generic --profile profiles/generic.yaml run "$scenario"
if expect_rc "--profile generic" 2; then
  grep -q 'takes a GPU' "$last_err" || fail "--profile generic: $(cat "$last_err")"
fi

finish "profile cli"

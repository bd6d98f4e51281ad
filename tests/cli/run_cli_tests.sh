#!/usr/bin/env bash
# CLI tests: the real executable on the examples, the catalogs, the schema and invalid inputs.
# Usage: run_cli_tests.sh <tco-plan binary> <repository root>
# Exit 0 when every check passes; otherwise 1, after listing every check that failed.
set -u

source "$(dirname "$0")/harness.sh"

is_json() {  # is_json FILE
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null
}

is_csv() {  # is_csv FILE: a header and at least one row, every row as wide as the header
  python3 - "$1" <<'EOF' 2>/dev/null
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
assert len(rows) >= 2, "no data rows"
assert all(len(row) == len(rows[0]) for row in rows), "ragged rows"
EOF
}

# --- version and help --------------------------------------------------------------------------
run_cmd last --version
expect_rc "--version" 0
version=$(sed -n 's/^project(tco-plan VERSION \([0-9][0-9.]*\).*$/\1/p' CMakeLists.txt)
if [[ "$(cat "$work/last.out")" != "tco-plan $version" ]]; then
  fail "--version printed '$(cat "$work/last.out")', expected 'tco-plan $version'"
fi

run_cmd last --help
expect_rc "--help" 0
# Subcommands as the top-level help lists them (two-space indent under "Subcommands:").
mapfile -t subcommands < <(sed -n '/^Subcommands:/,/^$/s/^  \([a-z][a-z-]*\) .*$/\1/p' \
                             "$work/last.out")
if [[ ${#subcommands[@]} -lt 3 ]]; then
  fail "--help lists ${#subcommands[@]} subcommands, expected at least run, catalog, schema"
fi
for sub in run catalog schema; do
  if [[ ! " ${subcommands[*]} " == *" $sub "* ]]; then fail "--help does not list '$sub'"; fi
done
for sub in "${subcommands[@]}"; do
  run_cmd last "$sub" --help
  expect_rc "$sub --help" 0
  if ! grep -q "Usage:" "$work/last.out"; then fail "$sub --help printed no usage"; fi
done

# --- usage errors: exit 2, message on stderr ---------------------------------------------------
run_cmd last --no-such-flag
expect_rc "unknown flag" 2
run_cmd last run --no-such-flag examples/01-quickstart.yaml
expect_rc "run: unknown flag" 2
run_cmd last
expect_rc "no subcommand" 2
run_cmd last frobnicate
expect_rc "unknown subcommand" 2
run_cmd last run
expect_rc "run without a scenario" 2
run_cmd last run examples/01-quickstart.yaml --format xml
expect_rc "run --format xml" 2
run_cmd last catalog gpus --format yaml
expect_rc "catalog --format yaml" 2
run_cmd last catalog engines-and-more
expect_rc "catalog with an unknown listing" 2
run_cmd last run tests/data/invalid/no-such-file.yaml
expect_rc "run on a missing file" 2
missing="tests/data/invalid/no-such-file.yaml: error: cannot read the scenario file (no such file)"
if [[ "$(cat "$work/last.err")" != "$missing" ]]; then
  fail "run on a missing file: stderr '$(cat "$work/last.err")'"
fi
run_cmd last --data-dir "$work/no-data" catalog gpus
expect_rc "--data-dir without catalogs" 2
if [[ ! -s "$work/last.err" ]]; then fail "--data-dir without catalogs: nothing on stderr"; fi

# --- every example, every format ---------------------------------------------------------------
examples=(examples/*.yaml)
if [[ ${#examples[@]} -eq 0 || ! -e "${examples[0]}" ]]; then fail "no examples/*.yaml"; fi
for example in "${examples[@]}"; do
  for format in table json csv; do  # every format is compared with its golden file too
    run_cmd last run "$example" --format "$format"
    expect_rc "run $example --format $format" 0 || continue
    if [[ ! -s "$work/last.out" ]]; then fail "run $example --format $format: empty output"; fi
    case $format in
      json) is_json "$work/last.out" || fail "run $example --format json: not valid JSON" ;;
      csv) is_csv "$work/last.out" || fail "run $example --format csv: not a rectangular CSV" ;;
    esac
  done
done

# --- colour: only on a terminal, never with NO_COLOR, never in a file ----------------------------
esc=$'\e'
run_cmd last run examples/02-four-ways.yaml
if grep -q "$esc" "$work/last.out"; then fail "run to a pipe printed colour codes"; fi
if command -v script >/dev/null; then
  # script(1) gives the command a pseudo-terminal.
  checks=$((checks + 1))
  script -qec "'$tco_plan' run examples/02-four-ways.yaml" /dev/null >"$work/tty.out" 2>&1
  if ! grep -q "${esc}\[1mSummary${esc}\[0m" "$work/tty.out"; then
    fail "run on a terminal: no bold 'Summary' heading"
  fi
  if ! grep -q "${esc}\[32myes${esc}\[0m" "$work/tty.out"; then
    fail "run on a terminal: 'fits yes' not green"
  fi
  checks=$((checks + 1))
  NO_COLOR=1 script -qec "'$tco_plan' run examples/02-four-ways.yaml" /dev/null >"$work/tty.out" 2>&1
  if grep -q "${esc}\[" "$work/tty.out"; then fail "run on a terminal with NO_COLOR=1: colour codes"; fi
  checks=$((checks + 1))
  script -qec "'$tco_plan' run examples/02-four-ways.yaml -o '$work/colour.txt'" /dev/null >/dev/null 2>&1
  if grep -q "$esc" "$work/colour.txt"; then fail "run -o FILE from a terminal: colour codes in the file"; fi
else
  echo "note: script(1) not available; colour on a terminal not tested"
fi

# --- -o FILE -----------------------------------------------------------------------------------
run_cmd last run examples/01-quickstart.yaml --format json -o "$work/report.json"
expect_rc "run -o FILE" 0
if [[ ! -s "$work/report.json" ]]; then
  fail "run -o FILE did not write the file"
elif ! is_json "$work/report.json"; then
  fail "run -o FILE: the file is not valid JSON"
fi
if [[ -s "$work/last.out" ]]; then fail "run -o FILE also printed to stdout"; fi
run_cmd stdout run examples/01-quickstart.yaml --format json
if ! cmp -s "$work/report.json" "$work/stdout.out"; then
  fail "run -o FILE wrote something else than run prints"
fi
run_cmd last run tests/data/invalid/unknown-gpu.yaml -o "$work/invalid.txt"
expect_rc "invalid scenario with -o" 2
if [[ -e "$work/invalid.txt" ]]; then fail "invalid scenario with -o left a file behind"; fi
if compgen -G "$work/invalid.txt*" >/dev/null; then
  fail "invalid scenario with -o left a temporary file behind"
fi

# --- xlsx: a zip (Office Open XML) written whole; refused on a terminal ---------------------------
run_cmd last run examples/02-four-ways.yaml --format xlsx -o "$work/report.xlsx"
expect_rc "run --format xlsx -o FILE" 0
if [[ "$(head -c 2 "$work/report.xlsx" 2>/dev/null)" != "PK" ]]; then
  fail "run --format xlsx -o FILE: not a zip file"
elif ! python3 -c 'import sys, zipfile; names = zipfile.ZipFile(sys.argv[1]).namelist(); assert "xl/workbook.xml" in names' "$work/report.xlsx"; then
  fail "run --format xlsx -o FILE: no xl/workbook.xml"
fi
if command -v script >/dev/null; then
  checks=$((checks + 1))
  script -qec "'$tco_plan' run examples/02-four-ways.yaml --format xlsx; echo rc=\$?" /dev/null \
    >"$work/tty.out" 2>&1
  if ! grep -q "give -o FILE" "$work/tty.out" || ! grep -q "rc=2" "$work/tty.out"; then
    fail "run --format xlsx on a terminal: not refused with exit 2 ($(head -c 200 "$work/tty.out"))"
  fi
fi

# --- diff --------------------------------------------------------------------------------------
pair=(examples/08-ci-fail.yaml examples/diff/08-ci-fail-h200.yaml)
run_cmd last diff "${pair[@]}" --format json -o "$work/diff.json"
expect_rc "diff -o FILE" 0
is_json "$work/diff.json" || fail "diff --format json -o FILE: not valid JSON"
run_cmd last diff "${pair[0]}" "${pair[0]}"
expect_rc "diff of a file with itself" 0
if ! grep -q "^Inputs changed$" "$work/last.out" || ! grep -q "^  none$" "$work/last.out"; then
  fail "diff of a file with itself: inputs not reported as unchanged"
fi
run_cmd last diff "${pair[0]}"
expect_rc "diff without a proposal" 2
run_cmd last diff "${pair[0]}" tests/data/invalid/unknown-gpu.yaml -o "$work/bad-diff.txt"
expect_rc "diff with an invalid proposal" 2
if ! grep -q "unknown-gpu.yaml:.*error:" "$work/last.err"; then
  fail "diff with an invalid proposal: no file:line error on stderr"
fi
if [[ -e "$work/bad-diff.txt" ]]; then fail "diff with an invalid proposal left a file behind"; fi
run_cmd last diff "${pair[0]}" "${pair[1]}" --format xml
expect_rc "diff --format xml" 2

# --- schema ------------------------------------------------------------------------------------
run_cmd schema schema
expect_rc "schema" 0
if ! is_json "$work/schema.out"; then fail "schema: not valid JSON"; fi
run_cmd last schema -o "$work/schema.json"
expect_rc "schema -o FILE" 0
if ! cmp -s "$work/schema.json" "$work/schema.out"; then fail "schema -o FILE differs from stdout"; fi
# Validate every example against the schema when python3 has jsonschema and PyYAML.
if python3 -c 'import jsonschema, yaml' 2>/dev/null; then
  for example in "${examples[@]}" tests/data/scenarios/*.yaml; do
    checks=$((checks + 1))
    if ! message=$(python3 - "$work/schema.out" "$example" <<'EOF' 2>&1
import datetime, json, re, sys
import jsonschema, yaml

# PyYAML follows YAML 1.1, where 2.5e5 (no dot, no exponent sign) is a string; yaml-cpp, like
# YAML 1.2, reads it as a number. Teach the loader the 1.2 float form.
yaml.SafeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789."))

def plain(value):  # YAML dates (as_of: 2026-10-01) are strings in the JSON view
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value

schema = json.load(open(sys.argv[1]))
jsonschema.validate(plain(yaml.safe_load(open(sys.argv[2]))), schema)
EOF
    ); then
      fail "schema does not accept $example: $(echo "$message" | tail -n 3)"
    fi
  done
else
  echo "note: python3 jsonschema/yaml not available; examples not validated against the schema"
fi

# --- catalogs ----------------------------------------------------------------------------------
for what in gpus models; do
  run_cmd last catalog "$what"
  expect_rc "catalog $what" 0
  if ! grep -q "h100-sxm\|llama-3.1-70b" "$work/last.out"; then
    fail "catalog $what: table lacks the expected ids"
  fi
  run_cmd last catalog "$what" --format json
  expect_rc "catalog $what --format json" 0 &&
    { is_json "$work/last.out" || fail "catalog $what --format json: not valid JSON"; }
  run_cmd last catalog "$what" --format csv
  expect_rc "catalog $what --format csv" 0 &&
    { is_csv "$work/last.out" || fail "catalog $what --format csv: not a rectangular CSV"; }
done
# Every catalog id is listed, with its source.
for pair in "gpus:data/gpus.yaml" "models:data/models.yaml"; do
  what=${pair%%:*}
  file=${pair#*:}
  run_cmd last catalog "$what" --format json
  checks=$((checks + 1))
  if ! message=$(python3 - "$work/last.out" "$file" <<'EOF' 2>&1
import json, re, sys
listed = json.load(open(sys.argv[1]))
ids = re.findall(r"^  - id: (\S+)", open(sys.argv[2]).read(), re.M)
listed_ids = [entry["id"] for entry in listed]
assert listed_ids == ids, f"listed {listed_ids} but {sys.argv[2]} has {ids}"
assert all(entry.get("source") for entry in listed), "an entry without a source"
EOF
  ); then
    fail "catalog $what --format json: $message"
  fi
done

# --- invalid scenarios: exit 2, exact stderr, nothing on stdout ---------------------------------
invalid=(tests/data/invalid/*.yaml)
if [[ ${#invalid[@]} -lt 14 ]]; then fail "only ${#invalid[@]} invalid scenarios, expected >= 14"; fi
for scenario in "${invalid[@]}"; do
  expected=${scenario%.yaml}.expected
  name=$(basename "$scenario" .yaml)
  run_cmd "$name" run "$scenario"
  if [[ $rc -ne 2 ]]; then fail "invalid $scenario: exit code $rc, expected 2"; fi
  if [[ -s "$work/$name.out" ]]; then fail "invalid $scenario: printed to stdout"; fi
  if [[ ! -f "$expected" ]]; then
    fail "invalid $scenario: no $expected"
  elif ! cmp -s "$expected" "$work/$name.err"; then
    fail "invalid $scenario: stderr differs from $expected:
$(diff "$expected" "$work/$name.err" | head -n 20)"
  fi
done

finish "cli"

#!/usr/bin/env bash
# CLI tests of `tco-plan check`: exit codes 0/1/2, JUnit XML, GitHub annotations.
# Usage: check_cli_tests.sh <tco-plan binary> <repository root>
# Exit 0 when every check passes; otherwise 1, after listing every check that failed.
set -u

source "$(dirname "$0")/harness.sh"

expect_out() {  # expect_out WHAT TEXT: stdout has the line TEXT
  if ! grep -qxF -- "$2" "$last_out"; then fail "$1: stdout lacks the line '$2'"; fi
}

# junit_summary FILE: "suites tests failures errors skipped" from a JUnit file, checking that the
# totals on <testsuites> equal the sums over the suites and the test cases.
junit_summary() {
  python3 - "$1" <<'EOF'
import sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suites = root.findall("testsuite")
cases = [case for suite in suites for case in suite.findall("testcase")]
count = lambda tag: sum(1 for case in cases if case.find(tag) is not None)
totals = {"tests": len(cases), "failures": count("failure"), "errors": count("error"),
          "skipped": count("skipped")}
for key, value in totals.items():
    assert int(root.get(key)) == value, f"{key}={root.get(key)}, counted {value}"
for suite in suites:
    assert int(suite.get("tests")) == len(suite.findall("testcase")), suite.get("name")
print(len(suites), totals["tests"], totals["failures"], totals["errors"], totals["skipped"])
EOF
}

pass=examples/07-ci-pass.yaml
failing=examples/08-ci-fail.yaml
data=tests/data/check

# --- exit codes --------------------------------------------------------------------------------
run_cmd pass check "$pass"
expect_rc "check $pass" 0
expect_out "check $pass" "PASS: onprem-h200 meets every requirement"
expect_out "check $pass" "check: 1 scenario, 1 passed, 0 failed, 0 invalid"

run_cmd fail check "$failing"
expect_rc "check $failing" 1
expect_out "check $failing" "FAIL: no allowed option meets every requirement"
for requirement in fits latency_targets_met max_tco max_gpus max_power_per_rack; do
  if ! grep -qE "^$requirement +onprem-" "$last_out"; then
    fail "check $failing: no line for $requirement"
  fi
done
if ! grep -qE '^max_power_per_rack +onprem-h100 +10\.2 kW +<= 10 kW +FAIL$' "$last_out"; then
  fail "check $failing: max_power_per_rack line not as expected"
fi

run_cmd last check "$data/mixed.yaml"
expect_rc "check: one option passes, another fails" 0
expect_out "check mixed" "PASS: onprem-h100 meets every requirement"
if ! grep -qE '^air_gapped +cloud-p5 +cloud +onprem +FAIL$' "$last_out"; then
  fail "check mixed: the failing cloud option is not reported"
fi

run_cmd last check "$data/all-excluded.yaml"
expect_rc "check: every option excluded" 1
expect_out "check all-excluded" "FAIL: the constraints exclude every option"

run_cmd last check "$data/no-requirements.yaml"
expect_rc "check: no requirements" 0
expect_out "check no-requirements" "PASS: no requirements to check"

run_cmd invalid check "$data/invalid-requirement.yaml"
expect_rc "check: invalid requirement" 2
invalid_error="^$data/invalid-requirement.yaml:12:12: error: requirements.max_tco: "
if ! grep -q "$invalid_error" "$last_err"; then
  fail "check: invalid requirement: stderr '$(head -c 300 "$last_err")'"
fi

run_cmd last check "$data/no-such-file.yaml"
expect_rc "check: missing file" 2

# Several files: 1 when any fails, 2 when any is invalid (the others are still checked).
run_cmd last check "$pass" "$failing"
expect_rc "check pass + fail" 1
expect_out "check pass + fail" "check: 2 scenarios, 1 passed, 1 failed, 0 invalid"
run_cmd last check "$pass" "$data/mixed.yaml"
expect_rc "check pass + pass" 0
run_cmd last check "$failing" "$data/invalid-requirement.yaml" "$pass"
expect_rc "check fail + invalid + pass" 2
expect_out "check fail + invalid + pass" "check: 3 scenarios, 1 passed, 1 failed, 1 invalid"

# Usage errors.
run_cmd last check
expect_rc "check without a scenario" 2
run_cmd last check "$pass" --format xml
expect_rc "check --format xml" 2

# Every example is checked without an input error.
for example in examples/*.yaml; do
  run_cmd last check "$example"
  if [[ $rc -ne 0 && $rc -ne 1 ]]; then fail "check $example: exit code $rc"; fi
done

# --- JUnit -------------------------------------------------------------------------------------
run_cmd last check "$pass" "$failing" "$data/invalid-requirement.yaml" --junit "$work/results.xml"
expect_rc "check --junit with an invalid file" 2
checks=$((checks + 1))
if [[ ! -s "$work/results.xml" ]]; then
  fail "check --junit: no file written"
elif ! summary=$(junit_summary "$work/results.xml" 2>&1); then
  fail "check --junit: not consistent JUnit XML: $summary"
else
  read -r suites tests failures_count errors skipped <<<"$summary"
  [[ $suites -eq 3 ]] || fail "check --junit: $suites test suites, expected 3"
  [[ $errors -eq 1 ]] || fail "check --junit: $errors errors, expected 1 (the invalid file)"
  [[ $failures_count -ge 2 ]] || fail "check --junit: $failures_count failures, expected >= 2"
  [[ $skipped -eq 0 ]] || fail "check --junit: $skipped skipped, expected 0"
  # 07: 7 requirements x 1 option + verdict; 08: 5 x 2 + verdict; invalid: 1.
  [[ $tests -eq 20 ]] || fail "check --junit: $tests test cases, expected 20"
fi
if compgen -G "$work/.results.xml.tmp*" >/dev/null; then
  fail "check --junit left a temporary file"
fi

run_cmd last check "$pass" --junit "$work/pass.xml"
expect_rc "check --junit on a passing scenario" 0
if summary=$(junit_summary "$work/pass.xml" 2>&1); then
  [[ $summary == "1 8 0 0 0" ]] || fail "check --junit (pass): '$summary', expected '1 8 0 0 0'"
else
  fail "check --junit (pass): $summary"
fi

run_cmd last check "$data/all-excluded.yaml" --junit "$work/excluded.xml"
if summary=$(junit_summary "$work/excluded.xml" 2>&1); then
  # 1 requirement x 2 excluded options (skipped) + a failing verdict.
  [[ $summary == "1 3 1 0 2" ]] || fail "check --junit (excluded): '$summary', expected '1 3 1 0 2'"
else
  fail "check --junit (excluded): $summary"
fi

run_cmd last check "$pass" --junit "$work/no-such-dir/results.xml"
expect_rc "check --junit into a missing directory" 2

# --- GitHub annotations ------------------------------------------------------------------------
run_cmd github check "$failing" "$pass" --format github
expect_rc "check --format github" 1
grep '^::' "$last_out" >"$work/annotations.txt"
if ! grep -q "^::error file=$failing,line=[0-9]*,col=[0-9]*,title=" "$work/annotations.txt"; then
  fail "check --format github: no ::error for $failing"
fi
if ! grep -q "^::notice file=$pass,line=[0-9]*,col=[0-9]*,title=tco-plan check%3A PASS::" \
    "$work/annotations.txt"; then
  fail "check --format github: no ::notice for $pass"
fi
if grep -q "^::error file=$pass" "$work/annotations.txt"; then
  fail "check --format github: an ::error for the passing $pass"
fi
# Each requirement annotation points at the line of that requirement's key.
checks=$((checks + 1))
while IFS= read -r annotation; do
  file=$(sed -n 's/^::[a-z]* file=\([^,]*\),.*$/\1/p' <<<"$annotation")
  line=$(sed -n 's/^::[a-z]* [^:]*,line=\([0-9]*\),.*$/\1/p' <<<"$annotation")
  requirement=$(sed -n 's/^.*title=tco-plan check%3A \([a-z_]*\) \[.*$/\1/p' <<<"$annotation")
  [[ -z $requirement ]] && continue
  if ! sed -n "${line}p" "$file" | grep -q "^  $requirement:"; then
    actual_line=$(sed -n "${line}p" "$file")
    fail "check --format github: '$requirement' annotation at $file:$line: '$actual_line'"
  fi
done <"$work/annotations.txt"

run_cmd last check "$data/mixed.yaml" --format github
expect_rc "check --format github (mixed)" 0
expected="^::warning file=$data/mixed.yaml,line=18,col=3,"
expected+="title=tco-plan check%3A air_gapped \[cloud-p5\]::"
if ! grep -q "$expected" "$last_out"; then
  fail "check --format github (mixed): no ::warning at the air_gapped key for cloud-p5"
fi
if grep -q "^::error" "$last_out"; then fail "check --format github (mixed): an ::error"; fi

run_cmd last check "$data/invalid-requirement.yaml" --format github
expect_rc "check --format github (invalid)" 2
expected="^::error file=$data/invalid-requirement.yaml,line=12,col=12,"
expected+="title=tco-plan check%3A invalid scenario::requirements.max_tco: "
if ! grep -q "$expected" "$last_out"; then
  fail "check --format github (invalid): no ::error at 12:12"
fi

finish "check cli"

#!/usr/bin/env bash
# Edge inputs (issue 8): each gives a clear error (exit 2, file:line:column) or a sane,
# explained result (exit 0), never NaN, inf, a crash or a hang; the same input gives
# byte-identical output every run.
# Usage: edge_cli_tests.sh <tco-plan binary> <repository root>
set -u

source "$(dirname "$0")/harness.sh"

# Every run here is bounded: a hang fails the check instead of the suite.
run_bounded() {  # run_bounded NAME ARGS...
  local name=$1
  shift
  timeout 60 "$tco_plan" "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  last_out=$work/$name.out
  last_err=$work/$name.err
  checks=$((checks + 1))
  if [[ $rc -eq 124 ]]; then fail "$name: still running after 60 s"; fi
  if [[ $rc -gt 2 ]]; then fail "$name: exit code $rc (crash?): $(head -c 300 "$last_err")"; fi
}

expect_err() {  # expect_err WHAT EXPECTED_STDERR
  if [[ "$(cat "$last_err")" != "$2" ]]; then
    fail "$1: stderr
$(cat "$last_err")
expected
$2"
  fi
}

# No number is printed as nan or inf (words like "inference" do not count).
expect_finite() {  # expect_finite WHAT FILE
  if grep -qiwE -- '-?(nan|inf)' "$2"; then
    fail "$1: non-finite number in the output: $(grep -iwE -m1 -- '-?(nan|inf)' "$2")"
  fi
}

scenario() {  # scenario FILE REQUESTS_PER_DAY MODEL GPU...: a small valid scenario
  local file=$1 requests=$2 model=$3
  shift 3
  {
    echo "version: 1"
    echo "name: edge case"
    echo "model: $model"
    echo "workload: {requests_per_day: $requests, input_tokens: 1000, output_tokens: 200}"
    echo "options:"
    for gpu in "$@"; do echo "  - {name: $gpu, kind: onprem, gpu: $gpu}"; done
    echo "requirements: {fits: true}"
  } >"$file"
}

# --- traffic: zero and absurdly large -----------------------------------------------------------
scenario "$work/zero.yaml" 0 llama-3.1-8b h100-sxm
for format in table json csv; do
  run_bounded zero-$format run "$work/zero.yaml" --format "$format"
  expect_rc "zero traffic --format $format" 0
  expect_finite "zero traffic --format $format" "$last_out"
done
if ! grep -q "^  - workload.requests_per_day is 0: nothing is served" "$work/zero-table.out"; then
  fail "zero traffic: the report does not explain the zero costs"
fi

scenario "$work/huge.yaml" 1e15 llama-3.1-8b h100-sxm
run_bounded huge run "$work/huge.yaml" --format json
expect_rc "1e15 requests per day" 0
expect_finite "1e15 requests per day" "$last_out"
python3 - "$last_out" <<'PY' || fail "1e15 requests per day: implausible GPU count"
import json, sys
option = json.load(open(sys.argv[1]))["options"][0]
gpus = max(year["gpus"] for year in option["cost"]["years"])
assert 1e6 < gpus < 1e9, gpus  # millions of GPUs, counted exactly
PY
scenario "$work/huger.yaml" 1e16 llama-3.1-8b h100-sxm
run_bounded huger run "$work/huger.yaml"
expect_rc "1e16 requests per day" 2
expect_err "1e16 requests per day" "$work/huger.yaml:4:30: error: workload.requests_per_day: 1e16 is out of range (must be <= 1000000000000000)
    4 | workload: {requests_per_day: 1e16, input_tokens: 1000, output_tokens: 200}
      |                              ^"

# Numbers YAML can spell but a plan cannot use.
for number in .nan .inf -.inf 1e400; do
  scenario "$work/number.yaml" "$number" llama-3.1-8b h100-sxm
  run_bounded number run "$work/number.yaml"
  expect_rc "requests_per_day: $number" 2
  if ! grep -q "^$work/number.yaml:4:30: error: workload.requests_per_day: " "$last_err"; then
    fail "requests_per_day: $number: $(head -n 1 "$last_err")"
  fi
done

# --- a model that fits nowhere: a result that says why, and check fails it ---------------------
scenario "$work/nowhere.yaml" 1000 llama-3.1-405b l4 rtx-4090
run_bounded nowhere run "$work/nowhere.yaml"
expect_rc "a model that fits nowhere" 0
expect_finite "a model that fits nowhere" "$last_out"
if [[ $(grep -c "does not fit" "$last_out") -lt 2 ]]; then
  fail "a model that fits nowhere: options not marked 'does not fit'"
fi
if ! grep -q "weights alone (.* GiB) exceed the usable" "$last_out"; then
  fail "a model that fits nowhere: no reason given"
fi
run_bounded nowhere-check check "$work/nowhere.yaml"
expect_rc "check on a model that fits nowhere" 1

# --- empty option lists, empty and comment-only files -----------------------------------------
printf 'version: 1\nname: no options\nmodel: llama-3.1-8b\nworkload: {requests_per_day: 1, input_tokens: 1, output_tokens: 1}\noptions: []\n' \
  >"$work/no-options.yaml"
run_bounded no-options run "$work/no-options.yaml"
expect_rc "options: []" 2
if ! grep -q "^$work/no-options.yaml:5:10: error: options: " "$last_err"; then
  fail "options: []: $(head -n 1 "$last_err")"
fi
: >"$work/empty.yaml"
run_bounded empty run "$work/empty.yaml"
expect_rc "empty scenario file" 2
expect_err "empty scenario file" \
  "$work/empty.yaml: error: a scenario must be a YAML mapping (see \`tco-plan schema\`)"
printf '# only a comment\n' >"$work/comment.yaml"
run_bounded comment run "$work/comment.yaml"
expect_rc "comment-only scenario file" 2

# --- bytes that are not UTF-8 ------------------------------------------------------------------
printf 'version: 1\nname: caf\xe9\nmodel: llama-3.1-8b\n' >"$work/latin1.yaml"
for format in table json csv; do
  run_bounded latin1 run "$work/latin1.yaml" --format "$format"
  expect_rc "latin-1 scenario --format $format" 2
  expect_err "latin-1 scenario --format $format" \
    "$work/latin1.yaml:2:10: error: byte 0xe9 is not valid UTF-8 (save the file as UTF-8)
    2 | name: caf$(printf '\xe9')
      |          ^"
done
printf 'version: 1\nname: "\xed\xa0\x80 surrogate"\n' >"$work/surrogate.yaml"
run_bounded surrogate run "$work/surrogate.yaml"
expect_rc "UTF-16 surrogate encoded as UTF-8" 2
printf '\xef\xbb\xbfversion: 1\nname: "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9a\x80"\nmodel: llama-3.1-8b\nworkload: {requests_per_day: 100, input_tokens: 100, output_tokens: 10}\noptions: [{name: h100, kind: onprem, gpu: h100-sxm}]\n' \
  >"$work/utf8.yaml"
run_bounded utf8 run "$work/utf8.yaml" --format json
expect_rc "UTF-8 with a byte-order mark and non-ASCII text" 0
head -c 1000 "$tco_plan" >"$work/binary.yaml"
run_bounded binary run "$work/binary.yaml"
expect_rc "a binary file as the scenario" 2
if ! grep -q "is not valid UTF-8" "$last_err"; then fail "binary scenario: $(head -c 200 "$last_err")"; fi
printf 'id,gpu\n\xff,x\n' >"$work/latin1.csv"
run_bounded latin1-csv validate "$work/latin1.csv"
expect_rc "latin-1 measured-results CSV" 2
if ! grep -q "^$work/latin1.csv:2:1: error: byte 0xff is not valid UTF-8" "$last_err"; then
  fail "latin-1 CSV: $(head -n 1 "$last_err")"
fi
run_bounded latin1-calibrate calibrate "$work/latin1.csv" --gpu h100-sxm
expect_rc "latin-1 microbenchmark CSV" 2
mkdir -p "$work/hf"
printf '{"model_type": "llama", "architectures": ["Llama\xff"]}\n' >"$work/hf/config.json"
printf 'version: 1\nname: hf\nmodel: {config: hf/config.json}\nworkload: {requests_per_day: 1, input_tokens: 1, output_tokens: 1}\noptions: [{name: h100, kind: onprem, gpu: h100-sxm}]\n' \
  >"$work/hf.yaml"
run_bounded hf run "$work/hf.yaml"
expect_rc "latin-1 config.json" 2
if ! grep -q "^$work/hf/config.json:1:49: error: byte 0xff is not valid UTF-8" "$last_err"; then
  fail "latin-1 config.json: $(head -n 1 "$last_err")"
fi

# --- very long files ---------------------------------------------------------------------------
# A valid scenario of about 8 MiB (comments and a long description) is read and evaluated.
scenario "$work/short.yaml" 1000 llama-3.1-8b h100-sxm
{
  cat "$work/short.yaml"
  python3 -c 'print("description: " + "x" * 2_000_000)
for i in range(100_000): print(f"# comment line {i} " + "y" * 50)'
} >"$work/long.yaml"
run_bounded long run "$work/long.yaml" --format csv
expect_rc "an 8 MiB scenario" 0
# Above 16 MiB an input is refused at once, whatever it is (here /dev/zero too).
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '#' >"$work/huge-file.yaml"
run_bounded huge-file run "$work/huge-file.yaml"
expect_rc "a 17 MiB scenario" 2
expect_err "a 17 MiB scenario" \
  "$work/huge-file.yaml: error: cannot read the scenario file (larger than 16 MiB, the most an input file may be)"
run_bounded dev-zero run /dev/zero
expect_rc "run /dev/zero" 2
run_bounded dev-zero-csv validate /dev/zero
expect_rc "validate /dev/zero" 2
# A one-line file of 1 MiB with an error at its end: the message shows a window of the line.
python3 -c 'print("version: 1\nname: " + "z" * 1_000_000 + "\nbogus_key: 1")' >"$work/long-line.yaml"
run_bounded long-line run "$work/long-line.yaml"
expect_rc "a 1 MiB line" 2
if [[ $(wc -c <"$last_err") -gt 4000 ]]; then
  fail "a 1 MiB line: the error message is $(wc -c <"$last_err") bytes"
fi
python3 -c 'print("version: 1\nname: " + "w" * 1_000_000 + ": x")' >"$work/long-line2.yaml"
run_bounded long-line2 run "$work/long-line2.yaml"
expect_rc "an error 1 MiB into a line" 2
if [[ $(wc -c <"$last_err") -gt 4000 ]]; then
  fail "an error 1 MiB into a line: the error message is $(wc -c <"$last_err") bytes"
fi
# Deep nesting: yaml-cpp's depth guard turns it into a syntax error, not a stack overflow.
python3 -c 'print("version: 1\nname: " + "[" * 100_000)' >"$work/deep.yaml"
run_bounded deep run "$work/deep.yaml"
expect_rc "100000 nested brackets" 2
# A measured-results file of 50k rows: parsed and reported within the time limit.
python3 - "$work/many.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as out:
    out.write("id,gpu,num_gpus,tp,pp,ep,engine,model,weight_dtype,kv_dtype,input_len,output_len,"
              "mode,load,metric,value,source,note\n")
    for i in range(50_000):
        out.write(f"r{i},h100-sxm,1,1,1,1,vllm,llama-3.1-8b,bf16,bf16,128,128,batch,1,"
                  f"decode_tokens_per_s,{100 + i % 50},synthetic,\n")
PY
run_bounded many validate "$work/many.csv" --format csv
expect_rc "validate 50k rows" 0
expect_finite "validate 50k rows" "$last_out"

# --- determinism: byte-identical output run after run -------------------------------------------
# (Across thread counts: no command takes --threads yet; add those runs here when one does.)
for example in examples/*.yaml; do
  for format in table json csv; do
    run_bounded first run "$example" --format "$format"
    run_bounded second run "$example" --format "$format"
    if ! cmp -s "$work/first.out" "$work/second.out"; then
      fail "run $example --format $format: two runs differ"
    fi
    expect_finite "run $example --format $format" "$work/first.out"
  done
done
run_bounded first validate tests/data/validation_dev.csv --format csv
run_bounded second validate tests/data/validation_dev.csv --format csv
cmp -s "$work/first.out" "$work/second.out" || fail "validate: two runs differ"
run_bounded first check examples/07-ci-pass.yaml examples/08-ci-fail.yaml --junit "$work/a.xml"
run_bounded second check examples/07-ci-pass.yaml examples/08-ci-fail.yaml --junit "$work/b.xml"
cmp -s "$work/a.xml" "$work/b.xml" || fail "check --junit: two runs differ"

finish "cli_edge"

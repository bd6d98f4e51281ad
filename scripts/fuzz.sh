#!/usr/bin/env bash
# Fuzzes the input readers with libFuzzer under AddressSanitizer + UndefinedBehaviorSanitizer.
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, every target)
# Builds with clang in build-fuzz/, seeds each target's corpus from the examples, the test data,
# ../shared/data and tests/data/fuzz-regressions/, and runs each target for the bounded time
# (targets in parallel, one per core). Exit 1 on any crash, hang (-timeout), leak, out-of-memory
# (-rss_limit_mb), sanitizer report or violated output check (NaN/inf in a report); the input
# that did it is left in build-fuzz/artifacts/<target>/. To keep it covered, copy it to
# tests/data/fuzz-regressions/<target>/ (the unit suite replays that directory), then fix it.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=(scenario measured_csv microbench_csv hf_config)
BUILD_DIR=${TCO_FUZZ_BUILD_DIR:-build-fuzz}
CXX_FUZZ=${CXX_FUZZ:-clang++}
if ! command -v "$CXX_FUZZ" >/dev/null; then
  echo "fuzz.sh: $CXX_FUZZ not found (install clang for libFuzzer)" >&2
  exit 2
fi

# Coverage instrumentation on the whole core; the sanitizers come from TCO_SANITIZERS. -O1 with
# line tables only (the usual fuzzing build) compiles in about half the time of -O2 -g.
cmake -S . -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER="$CXX_FUZZ" -DCMAKE_BUILD_TYPE=Fuzz \
      -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -fsanitize=fuzzer-no-link" \
      -DTCO_SANITIZERS=ON -DTCO_FUZZ=ON \
      -DTCO_BUILD_TESTS=OFF -DTCO_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j "$(nproc)" --target "${targets[@]/#/fuzz_}"

shared=../shared/data
seed() {  # seed TARGET FILE...: copies the files into the target's seed directory
  local dir=$BUILD_DIR/seeds/$1
  shift
  mkdir -p "$dir"
  for file in "$@"; do
    [[ -f "$file" ]] && cp "$file" "$dir/$(echo "$file" | tr '/' '_')"
  done
  return 0
}
# Big CSVs seed as header + 16-row pieces: small inputs mutate faster and reach every row kind.
seed_csv() {  # seed_csv TARGET FILE...
  local dir=$BUILD_DIR/seeds/$1
  shift
  mkdir -p "$dir"
  for file in "$@"; do
    [[ -f "$file" ]] || continue
    awk -v out="$dir/$(basename "$file" .csv)" 'NR == 1 {header = $0; next}
      (NR - 2) % 16 == 0 {if (part) close(part); part = out "-" (NR - 2) / 16 ".csv";
                          print header > part}
      {print >> part}' "$file"
  done
}
rm -rf "$BUILD_DIR/seeds"
seed scenario examples/*.yaml tests/data/scenarios/*.yaml tests/data/invalid/*.yaml \
     tests/data/check/*.yaml
seed_csv measured_csv tests/data/validation_dev.csv "$shared/validation_dev.csv"
seed_csv microbench_csv tests/data/microbench.csv "$shared/microbench.csv"
seed hf_config tests/data/hf/*.json tests/data/invalid/*.json
for target in "${targets[@]}"; do
  [[ -d tests/data/fuzz-regressions/$target ]] &&
    seed "$target" tests/data/fuzz-regressions/"$target"/*
done

# A dictionary of the scenario keys (every "key:" in the seeds) helps mutations stay YAML.
sed -n 's/^[ -]*\([a-z_][a-z_0-9]*\):.*/"\1:"/p; s/.*[{,] *\([a-z_][a-z_0-9]*\):.*/"\1:"/p' \
  "$BUILD_DIR"/seeds/scenario/* | sort -u >"$BUILD_DIR/scenario.dict"

run_target() {  # run_target TARGET: prints one summary line, log in $BUILD_DIR/logs/
  local target=$1
  local corpus=$BUILD_DIR/corpus/$target artifacts=$BUILD_DIR/artifacts/$target/
  local log=$BUILD_DIR/logs/$target.log dict=()
  mkdir -p "$corpus" "$artifacts" "$BUILD_DIR/logs"
  [[ $target == scenario ]] && dict=(-dict="$BUILD_DIR/scenario.dict")
  # -timeout: one input running 10 s is a hang; -rss_limit_mb: 2 GiB is a leak or a blow-up.
  if ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
     "$BUILD_DIR/tests/fuzz/fuzz_$target" "$corpus" "$BUILD_DIR/seeds/$target" "${dict[@]}" \
       -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
       -artifact_prefix="$artifacts" -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz $target: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" |
                                grep -o '[0-9]*$') inputs in ${seconds} s)"
  else
    echo "fuzz $target: FAILED, input in $artifacts (log $log):"
    grep -E -m8 'ERROR|SUMMARY|violation|Test unit written' "$log" | sed 's/^/  /'
    return 1
  fi
}
export -f run_target
export BUILD_DIR seconds
printf '%s\n' "${targets[@]}" | xargs -P "$(nproc)" -I{} bash -c 'run_target {}'

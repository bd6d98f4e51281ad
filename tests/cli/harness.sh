# Shared by the CLI test scripts: source it with "$@" = <tco-plan binary> <repository root>.
# Provides $tco_plan, $work (a temporary directory), run_cmd, expect_rc, fail and finish.
if [[ $# -ne 2 ]]; then
  echo "usage: $0 <tco-plan binary> <repository root>" >&2
  exit 2
fi
tco_plan=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$2
cd "$root" || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failures=()
checks=0

fail() {
  failures+=("$1")
  echo "FAIL: $1" >&2
}

# run_cmd NAME ARGS...: runs tco-plan, leaving $work/NAME.out, $work/NAME.err, $rc.
run_cmd() {
  local name=$1
  shift
  "$tco_plan" "$@" >"$work/$name.out" 2>"$work/$name.err"
  rc=$?
  last_out=$work/$name.out
  last_err=$work/$name.err
  checks=$((checks + 1))
}

expect_rc() {  # expect_rc WHAT EXPECTED
  if [[ $rc -ne $2 ]]; then
    fail "$1: exit code $rc, expected $2 (stderr: $(head -c 300 "$last_err"))"
    return 1
  fi
}

# finish LABEL: prints the tally and exits 1 when any check failed.
finish() {
  echo "$1: $checks checks, ${#failures[@]} failed"
  if [[ ${#failures[@]} -gt 0 ]]; then
    echo "failed:" >&2
    printf '  - %s\n' "${failures[@]}" >&2
    exit 1
  fi
  exit 0
}

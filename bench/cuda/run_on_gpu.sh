#!/usr/bin/env bash
# One prepared run on a machine with an NVIDIA GPU: build tco-microbench and tco-plan, measure
# (about a minute of benchmarks on an H200; QUICK=1 for a smoke test in seconds), calibrate the
# results into profiles/measured/<gpu>.yaml and compare it with the published profile, both as
# curves and as end-to-end predictions.
#
#   bash bench/cuda/run_on_gpu.sh [GPU_ID]      GPU_ID: catalog id; guessed from nvidia-smi's name
#   SCENARIO=my.yaml bash bench/cuda/run_on_gpu.sh acme-x1   a GPU only a scenario defines
#
# Writes bench/cuda/results/<gpu>.csv (raw results), <gpu>-nvidia-smi.txt, <gpu>-compare.txt and
# profiles/measured/<gpu>.yaml; copies them to $OUT when that is set (the device machines).
set -euo pipefail
cd "$(dirname "$0")/../.."

die() { echo "run_on_gpu.sh: error: $*" >&2; exit 2; }
command -v nvidia-smi >/dev/null || die "nvidia-smi not found: this needs an NVIDIA GPU"
command -v nvcc >/dev/null || [[ -x /usr/local/cuda/bin/nvcc ]] || die "nvcc not found"
export PATH=$PATH:/usr/local/cuda/bin

# One nvidia-smi field of GPU 0; "?" where this driver does not know the field.
query() {
  local value
  value=$(nvidia-smi -i 0 --query-gpu="$1" --format=csv,noheader,nounits 2>/dev/null | head -1 |
          xargs) || true
  [[ -n $value && $value != *"not a valid"* ]] && echo "$value" || echo "?"
}
name=$(query name)
# nvidia-smi names -> catalog ids (data/gpus.yaml); pass GPU_ID for anything else.
guess_id() {
  case "$1" in
    *GH200*) echo gh200 ;;
    *H200\ NVL*) echo h200-nvl ;;
    *H200*) echo h200-sxm ;;
    *H100\ NVL*) echo h100-nvl ;;
    *H100\ PCIe*) echo h100-pcie ;;
    *H100\ 80GB\ HBM3* | *H100\ SXM*) echo h100-sxm ;;
    *B200*) echo b200 ;;
    *A100-SXM4-80GB* | *A100-SXM-80GB*) echo a100-sxm-80gb ;;
    *A100-SXM4-40GB*) echo a100-sxm-40gb ;;
    *A100\ 80GB\ PCIe* | *A100-PCIE-80GB*) echo a100-pcie-80gb ;;
    *L40S*) echo l40s ;;
    *L40*) echo l40 ;;
    *L4) echo l4 ;;
    *A40) echo a40 ;;
    *A10) echo a10 ;;
    *RTX\ 4090*) echo rtx-4090 ;;
    *RTX\ 3090*) echo rtx-3090 ;;
    *) echo "" ;;
  esac
}
gpu_id=${1:-$(guess_id "$name")}
[[ -n $gpu_id ]] || die "no catalog id known for '$name': pass one, e.g. run_on_gpu.sh h100-sxm"
driver=$(query driver_version)
clocks="sm max $(query clocks.max.sm) MHz, mem max $(query clocks.max.mem) MHz, application sm \
$(query clocks.applications.graphics) MHz, power limit $(query power.limit) W"
date=$(date -u +%F)
echo "GPU 0: $name -> $gpu_id; driver $driver; $clocks" >&2

# Build: only the two programs, for this GPU's architecture.
build=${TCO_GPU_BUILD_DIR:-build-gpu}
arch=$(query compute_cap | tr -d .)
[[ $arch =~ ^[0-9]+$ ]] || arch="80;86;89;90"
start=$(date +%s)
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$arch" \
      -DTCO_BUILD_TESTS=OFF -DTCO_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target tco-microbench tco-plan >/dev/null
echo "built in $(( $(date +%s) - start )) s" >&2

results=bench/cuda/results
mkdir -p "$results" profiles/measured
nvidia-smi -q -i 0 >"$results/$gpu_id-nvidia-smi.txt" || true
quick=()
[[ ${QUICK:-0} == 1 ]] && quick=(--quick)
start=$(date +%s)
# Rows are written as they are measured: a run stopped by the timeout still calibrates.
rc=0
timeout "${TCO_BENCH_TIMEOUT_S:-480}" "$build/bench/cuda/tco-microbench" "${quick[@]}" \
  --gpu-id "$gpu_id" --driver "$driver" --clocks "$clocks" --date "$date" \
  -o "$results/$gpu_id.csv" 2>"$results/$gpu_id-log.txt" || rc=$?
[[ $rc -eq 0 ]] || echo "tco-microbench exited with $rc (see $results/$gpu_id-log.txt)" >&2
[[ -s $results/$gpu_id.csv ]] || die "no results: $(tail -3 "$results/$gpu_id-log.txt")"
echo "measured in $(( $(date +%s) - start )) s: $(( $(wc -l <"$results/$gpu_id.csv") - 1 )) rows" >&2

scenario_args=()
[[ -n ${SCENARIO:-} ]] && scenario_args=(--scenario "$SCENARIO")
measured=profiles/measured/$gpu_id.yaml
compare=$results/$gpu_id-compare.txt
{
  echo "# $name ($gpu_id), driver $driver, $clocks, $date"
  echo
  echo "## Measured profile (tco-microbench), fit and residuals"
  "$build/tco-plan" calibrate "$results/$gpu_id.csv" --gpu "$gpu_id" --as-of "$date" \
    "${scenario_args[@]}" -o "$measured" 2>&1
  echo
  echo "## Published profile (profiles/$gpu_id.yaml from tests/data/microbench.csv)"
  "$build/tco-plan" calibrate tests/data/microbench.csv --gpu "$gpu_id" 2>&1 >/dev/null ||
    echo "(no published rows for $gpu_id)"
  # End to end: the published measurements of this GPU, predicted with each profile.
  python3 - tests/data/validation_dev.csv "$results/$gpu_id-validation.csv" "$gpu_id" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
kept = [r for r in rows if r["gpu"] == sys.argv[3]]
with open(sys.argv[2], "w", newline="") as out:
    writer = csv.DictWriter(out, fieldnames=list(rows[0].keys()))
    writer.writeheader()
    writer.writerows(kept)
print(f"\n## End to end: {len(kept)} published measurements of {sys.argv[3]} (validation_dev.csv)")
PY
  if [[ $(wc -l <"$results/$gpu_id-validation.csv") -gt 1 ]]; then
    echo "### predicted with the published profile"
    "$build/tco-plan" validate "$results/$gpu_id-validation.csv" | sed -n '/^Summary/,$p'
    echo "### predicted with the measured profile"
    "$build/tco-plan" --profile "$measured" validate "$results/$gpu_id-validation.csv" \
      2>/dev/null | sed -n '/^Summary/,$p'
    python3 - "$build/tco-plan" "$results/$gpu_id-validation.csv" "$measured" <<'PY'
import csv, io, subprocess, sys
tco, rows, measured = sys.argv[1:]
def predictions(extra):
    out = subprocess.run([tco, *extra, "validate", rows, "--format", "csv"], check=True,
                         capture_output=True, text=True).stdout
    return {r["id"]: r for r in csv.DictReader(io.StringIO(out))}
published, ours = predictions([]), predictions(["--profile", measured])
changes = sorted(
    (abs(float(ours[i]["predicted"]) / float(p["predicted"]) - 1), i)
    for i, p in published.items()
    if p["predicted"] and ours.get(i, {}).get("predicted") and float(p["predicted"]) > 0)
if changes:
    median = changes[len(changes) // 2][0]
    print(f"measured vs published profile: predictions differ by a median {100 * median:.1f} %,"
          f" at most {100 * changes[-1][0]:.1f} % ({changes[-1][1]}), over {len(changes)} rows")
PY
  fi
  for scenario in ${SCENARIO:-examples/05-405b-h200-vs-b200.yaml examples/01-quickstart.yaml}; do
    echo
    echo "## $scenario, published profile"
    "$build/tco-plan" run "$scenario" | sed -n '/^Performance/,/^$/p'
    echo "## $scenario, measured profile"
    "$build/tco-plan" --profile "$measured" run "$scenario" 2>/dev/null |
      sed -n '/^Performance/,/^$/p'
  done
} | tee "$compare"

if [[ -n ${OUT:-} ]]; then
  mkdir -p "$OUT/results" "$OUT/profiles/measured"
  cp "$results/$gpu_id"* "$OUT/results/"
  cp "$measured" "$OUT/profiles/measured/"
fi
echo "wrote $measured and $results/$gpu_id*; use it: tco-plan --profile $measured run SCENARIO" >&2

#!/usr/bin/env python3
"""The README's held-out latency experiments: refit with more rows held out, score those rows.

  python3 scripts/holdout_experiments.py [MEASURED.csv] [TCO_PLAN]

Defaults: the repository's copy of the dev set (tests/data/validation_dev.csv) and build/tco-plan.

The shipped fit holds out two sources that have no latency rows. Each experiment here also holds
out some latency rows, refits `data/engine_timing.yaml` into a temporary copy of the checkout's
data, and scores the held-out rows with `tco-plan validate` against that copy. A within-source
split (rows of one source on some GPUs) relabels those rows' source, since `tco-plan fit` holds
out by source. About 15 s per experiment; writes nothing in the checkout.
"""
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

from accuracy_table import percentile

SHIPPED_HOLDOUT = ["TensorRT-LLM perf-overview v0.17",
                   "XiongjieDai GPU-Benchmarks-on-LLM-Inference LLaMA 3 table (2024-05)"]
TRITON = "TensorRT-LLM perf-overview v0.17 online serving (v0.14 data)"
STATIC = "TensorRT-LLM performance.md v0.9.0"
SPLIT = " [held out]"

# (name, folds): each fold holds out one source's rows on some GPUs (None: all of them); the
# folds' held-out rows are scored together.
EXPERIMENTS = [
    ("Triton online serving held out", [(TRITON, None)]),
    ("Triton online serving, two folds by GPU", [(TRITON, {"h100-sxm"}), (TRITON, {"h200-sxm"})]),
    ("static-batch tables held out", [(STATIC, None)]),
    ("static-batch tables, two folds by GPU",
     [(STATIC, {"h100-sxm", "a100-sxm-80gb"}), (STATIC, {"h200-sxm", "l40s"})]),
]


def run_fold(tco_plan, measured, repo, source, gpus):
    """Validated rows of one fold's refit: `source` (on `gpus`, or all of it) held out."""
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, "data")
        shutil.copytree(os.path.join(repo, "data"), data)
        shutil.copytree(os.path.join(repo, "profiles"), os.path.join(work, "profiles"))
        with open(measured, newline="") as f:
            rows = list(csv.reader(f))
        source_col, gpu_col = rows[0].index("source"), rows[0].index("gpu")
        for row in rows[1:]:
            if row[source_col] == source and (gpus is None or row[gpu_col] in gpus):
                row[source_col] = source + SPLIT
        relabelled = os.path.join(work, "measured.csv")
        with open(relabelled, "w", newline="") as f:
            csv.writer(f).writerows(rows)
        holdout = [arg for s in SHIPPED_HOLDOUT + [source + SPLIT]
                   for arg in ("--holdout-source", s)]
        subprocess.run([tco_plan, "--data-dir", data, "fit", relabelled, *holdout,
                        "-o", os.path.join(data, "engine_timing.yaml")],
                       check=True, capture_output=True)
        scored = subprocess.run([tco_plan, "--data-dir", data, "validate", relabelled,
                                 "--format", "csv"], check=True, capture_output=True, text=True)
        return [r for r in csv.DictReader(scored.stdout.splitlines()) if r["status"] == "ok"]


def summarise(label, rows):
    for metric in sorted({r["metric"] for r in rows}):
        errors = [float(r["error_pct"]) for r in rows if r["metric"] == metric]
        absolute = [abs(e) for e in errors]
        print(f"  {label}{metric}: {len(errors)} rows, median |error| "
              f"{statistics.median(absolute):.1f} %, p90 {percentile(absolute, 0.9):.1f} %, "
              f"median error {statistics.median(errors):+.1f} %")


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    measured = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        repo, "tests", "data", "validation_dev.csv")
    tco_plan = sys.argv[2] if len(sys.argv) > 2 else os.path.join(repo, "build", "tco-plan")
    for name, folds in EXPERIMENTS:
        print(name)
        held_out = []
        for fold, (source, gpus) in enumerate(folds, 1):
            rows = run_fold(tco_plan, measured, repo, source, gpus)
            held_out += [r for r in rows if r["source"].endswith(SPLIT)]
            # The shipped held-out sources, to see that the refit keeps throughput.
            summarise(f"fold {fold}, {SHIPPED_HOLDOUT[0]}: ",
                      [r for r in rows if r["source"] == SHIPPED_HOLDOUT[0]])
        summarise("held out: ", held_out)


if __name__ == "__main__":
    main()

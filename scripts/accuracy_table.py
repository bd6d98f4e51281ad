#!/usr/bin/env python3
"""README accuracy tables from `tco-plan validate MEASURED.csv --format csv` (read on stdin).

  ./build/tco-plan validate ../shared/data/validation_dev.csv --format csv 2>/dev/null |
      python3 scripts/accuracy_table.py "TensorRT-LLM perf-overview v0.17" "XiongjieDai ... (2024-05)"

Arguments: the sources `tco-plan fit` held out. Percentiles interpolate between closest ranks,
as `tco-plan validate` does.
"""
import collections
import csv
import sys

THROUGHPUT = {"output_tokens_per_s", "output_tokens_per_s_per_gpu", "decode_tokens_per_s",
              "prefill_tokens_per_s", "requests_per_s"}
LABELS = {"output_tokens_per_s": "output tokens/s", "output_tokens_per_s_per_gpu":
          "output tokens/s per GPU", "decode_tokens_per_s": "single-stream decode tokens/s",
          "prefill_tokens_per_s": "prefill tokens/s", "ttft_s": "TTFT", "tpot_s": "TPOT",
          "e2e_latency_s": "end-to-end latency", "requests_per_s": "requests/s"}


def percentile(values, fraction):
    values = sorted(values)
    rank = fraction * (len(values) - 1)
    low, high = int(rank), min(int(rank) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def stats(rows):
    errors = [abs(float(r["error_pct"])) for r in rows if r["status"] == "ok"]
    coverage = 100.0 * len(errors) / len(rows)
    if not errors:
        return f"| {len(rows)} | {coverage:.0f} % | - | - |"
    return (f"| {len(rows)} | {coverage:.0f} % | {percentile(errors, 0.5):.1f} % "
            f"| {percentile(errors, 0.9):.1f} % |")


def main():
    held_out = set(sys.argv[1:])
    rows = list(csv.DictReader(sys.stdin))
    print("| metric | split | rows | coverage | median abs error | p90 abs error |")
    print("|---|---|---|---|---|---|")
    for metric in LABELS:
        for split, keep in (("training", lambda r: r["source"] not in held_out),
                            ("**held out**", lambda r: r["source"] in held_out)):
            chosen = [r for r in rows if r["metric"] == metric and keep(r)]
            if chosen:
                print(f"| {LABELS[metric]} | {split} {stats(chosen)}")
    print()
    print("| GPU | engine | throughput rows | coverage | median abs error | p90 abs error |")
    print("|---|---|---|---|---|---|")
    groups = collections.defaultdict(list)
    for r in rows:
        if r["metric"] in THROUGHPUT:
            gpu = r["gpu"] + (" (uncalibrated)" if r["calibrated"] != "true" else "")
            groups[(gpu, r["engine"])].append(r)
    for (gpu, engine), chosen in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        print(f"| {gpu} | {engine} {stats(chosen)}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""JSON and CSV reports parsed back: every example's JSON is a valid schema_version 1 document
whose totals add up, and its wide and long CSVs are RFC 4180 (CRLF, rectangular), carry raw
numbers that parse as floats, and agree with the JSON to the last digit.

Usage: parse_back_tests.py TCO_PLAN_BINARY REPO_ROOT
"""
import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path

binary, root = sys.argv[1], Path(sys.argv[2])
failures = []
checks = 0

# Wide-CSV columns that hold numbers (or nothing, when the option has no such figure).
NUMERIC = {"tp", "pp", "ep", "context_tokens", "capacity_bytes", "usable_bytes", "weights_bytes",
           "activation_bytes", "runtime_overhead_bytes", "kv_budget_bytes",
           "kv_bytes_per_request", "max_requests", "requests_at_targets",
           "output_tokens_per_s_per_replica", "output_tokens_per_s_per_gpu", "ttft_s", "tpot_s",
           "roofline_output_tokens_per_s", "max_output_tokens_per_s_per_replica", "total_usd",
           "npv_usd", "eac_usd_per_year", "usd_per_million_tokens",
           "usd_per_million_output_tokens", "kwh_per_million_tokens", "g_co2_per_million_tokens"}
CATEGORIES = ["capex_usd", "maintenance_usd", "energy_usd", "colocation_usd", "staff_usd",
              "licences_usd", "cloud_usd", "api_usd"]


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)


def close(a, b, rel=1e-9):
    return abs(a - b) <= max(1e-6, rel * max(abs(a), abs(b)))


def run(example, *arguments):
    result = subprocess.run([binary, "run", str(example), *arguments], cwd=root,
                            capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"{example} {arguments}: exit {result.returncode}")
    return result.stdout.decode("utf-8")


def rows_of(raw, what):
    check(raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", ""),
          f"{what}: records not terminated by CRLF")
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    check(len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows),
          f"{what}: not rectangular")
    return rows


for example in sorted((root / "examples").glob("*.yaml")):
    name = example.relative_to(root)
    document = json.loads(run(name, "--format", "json"))
    check(document["schema_version"] == 1, f"{name}: schema_version {document['schema_version']}")
    check(list(document)[:3] == ["schema_version", "tool_version", "scenario"],
          f"{name}: JSON key order {list(document)[:3]}")
    options = {option["name"]: option for option in document["options"]}
    for option in document["options"]:
        cost = option.get("cost")
        if not cost:
            continue
        years = cost["years"]
        check(len(years) > 0, f"{name} {option['name']}: no years")
        for year in years:
            parts = sum(year[c] for c in CATEGORIES) - year["residual_usd"]
            check(close(parts, year["total_usd"]),
                  f"{name} {option['name']} year {year['year']}: categories {parts} != total "
                  f"{year['total_usd']}")
        check(close(sum(y["total_usd"] for y in years), cost["total_usd"]),
              f"{name} {option['name']}: years do not add up to total_usd")
        check(all(math.isfinite(v) for v in (cost["total_usd"], cost["npv_usd"])),
              f"{name} {option['name']}: a non-finite total")

    wide = rows_of(run(name, "--format", "csv"), f"{name} wide CSV")
    header = wide[0]
    check(header[0] == "option" and "total_usd" in header, f"{name}: wide CSV header {header[:3]}")
    for row in wide[1:]:
        cells = dict(zip(header, row))
        for column in NUMERIC & set(header):
            value = cells[column]
            if value == "":
                continue
            try:
                float(value)
            except ValueError:
                check(False, f"{name} {cells['option']}: {column} = {value!r} is not a number")
        option = options.get(cells["option"])
        check(option is not None, f"{name}: CSV option {cells['option']} not in the JSON")
        if option and option.get("cost"):
            check(float(cells["total_usd"]) == option["cost"]["total_usd"],
                  f"{name} {cells['option']}: CSV total_usd {cells['total_usd']} != JSON "
                  f"{option['cost']['total_usd']}")
            check(float(cells["npv_usd"]) == option["cost"]["npv_usd"],
                  f"{name} {cells['option']}: CSV npv_usd differs from the JSON")

    long = rows_of(run(name, "--format", "csv", "--csv-layout", "long"), f"{name} long CSV")
    check(long[0] == ["option", "year", "metric", "unit", "value"], f"{name}: long header")
    totals = {}
    year_sums = {}
    for option_name, year, metric, unit, value in long[1:]:
        number = float(value)
        if metric == "total" and unit == "USD":
            if year == "0":
                totals[option_name] = number
            else:
                year_sums[option_name] = year_sums.get(option_name, 0.0) + number
    for option_name, total in totals.items():
        check(option_name in options and options[option_name]["cost"]["total_usd"] == total,
              f"{name} {option_name}: long CSV total differs from the JSON")
        check(close(year_sums.get(option_name, 0.0), total),
              f"{name} {option_name}: long CSV years do not add up")

print(f"parse-back: {checks} checks, {len(failures)} failed")
for failure in failures:
    print(f"FAIL: {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)

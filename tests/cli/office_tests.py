#!/usr/bin/env python3
"""The CSV and XLSX reports opened by LibreOffice (headless):

- every example's wide CSV, imported, has its numeric columns as numbers (not text), equal to
  the values written;
- every example's workbook, recalculated on load, has Summary totals (formulas over Costs and
  Inputs) equal to the tool's own TCO and NPV;
- editing Inputs moves the totals as the cost model says: doubling an on-prem option's
  electricity price adds its energy cost once more; a dearer GPU scales capex, resale and
  maintenance by the hardware-per-node ratio.

Exit 77 (ctest: skipped) when LibreOffice is not installed; `bash scripts/dev.sh test`
installs it. Usage: office_tests.py TCO_PLAN_BINARY REPO_ROOT PRIVATE_PROFILE_DIR
"""
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

binary, root, profile = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
office = shutil.which("soffice") or shutil.which("libreoffice")
if not office:
    print("SKIP: LibreOffice (soffice) not installed")
    sys.exit(77)

# A private HOME and profile: parallel-safe, and xlsx formulas recalculated on load
# (OOXMLRecalcMode 0 = always; LibreOffice's default trusts the cached results).
shutil.rmtree(profile, ignore_errors=True)
(profile / "home").mkdir(parents=True)
(profile / "lo" / "user").mkdir(parents=True)
(profile / "lo" / "user" / "registrymodifications.xcu").write_text(
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
    'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
    '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
    '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>\n'
    '</oor:items>\n')
work = Path(tempfile.mkdtemp())
failures = []
checks = 0


def check(condition, message):
    global checks
    checks += 1
    if not condition:
        failures.append(message)


def close(a, b, rel=1e-9):
    return abs(a - b) <= max(1e-6, rel * max(abs(a), abs(b)))


def tco_plan(*arguments):
    result = subprocess.run([binary, *arguments], cwd=root, capture_output=True)
    if result.returncode != 0:
        raise SystemExit(f"tco-plan {' '.join(arguments)}: exit {result.returncode}: "
                         f"{result.stderr.decode()[:300]}")
    return result.stdout


def convert(sources, target_format, extra=()):
    """Converts files in one LibreOffice start (each start costs about a second)."""
    out = work / f"out-{len(list(work.iterdir()))}"
    out.mkdir()
    subprocess.run([office, f"-env:UserInstallation=file://{profile / 'lo'}", "--headless",
                    *extra, "--convert-to", target_format, "--outdir", str(out),
                    *map(str, sources)],
                   env={"HOME": str(profile / "home"), "PATH": "/usr/bin:/bin"},
                   capture_output=True, timeout=300, check=True)
    return out


# UTF-8 (76), comma (44), double quote (34); on export one file per sheet (last field -1).
CSV_EXPORT = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def sheets(xlsx_files):
    """{workbook stem: {sheet name: rows}} after LibreOffice recalculated and exported them."""
    out = convert(xlsx_files, CSV_EXPORT)
    books = {}
    for path in out.glob("*.csv"):
        stem, sheet = path.stem.rsplit("-", 1)
        books.setdefault(stem, {})[sheet] = list(csv.reader(open(path, newline="")))
    return books


def summary_totals(book):
    rows = book["Summary"]
    header = rows[3]
    return {row[0]: dict(zip(header, row)) for row in rows[4:] if row and row[-1] == "ok"}


NS = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
      "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0"}


def fods_cells(path):
    """Rows of (value type, value) as LibreOffice typed them."""
    rows = []
    for row in ET.parse(path).iter(f"{{{NS['table']}}}table-row"):
        cells = []
        for cell in row.findall("table:table-cell", NS):
            repeat = int(cell.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
            kind = cell.get(f"{{{NS['office']}}}value-type", "")
            value = cell.get(f"{{{NS['office']}}}value")
            text = "".join(cell.itertext())
            cells.extend([(kind, value if value is not None else text)] * min(repeat, 64))
        rows.append(cells)
    return rows


examples = sorted((root / "examples").glob("*.yaml"))
reports = {}
for example in examples:
    name = example.stem
    relative = str(example.relative_to(root))
    (work / f"{name}.csv").write_bytes(tco_plan("run", relative, "--format", "csv"))
    tco_plan("run", relative, "--format", "xlsx", "-o", str(work / f"{name}.xlsx"))
    reports[name] = json.loads(tco_plan("run", relative, "--format", "json"))

# --- CSV imported: numbers are numbers ---------------------------------------------------------
typed_dir = convert([work / f"{e.stem}.csv" for e in examples], "fods",
                    ["--infilter=CSV:44,34,76,1"])
for example in examples:
    name = example.stem
    written = list(csv.reader(open(work / f"{name}.csv", newline="")))
    typed = fods_cells(typed_dir / f"{name}.fods")
    header = written[0]
    for r, row in enumerate(written[1:], start=1):
        for c, value in enumerate(row):
            if not re.fullmatch(r"-?\d+(\.\d+)?([eE][-+]?\d+)?", value):
                continue
            kind, parsed = typed[r][c] if c < len(typed[r]) else ("", "")
            check(kind == "float" and close(float(parsed), float(value)),
                  f"{name}.csv row {r} {header[c]}: {value} opened as {kind} {parsed!r}")

# --- XLSX recalculated: totals equal the tool's --------------------------------------------------
books = sheets([work / f"{e.stem}.xlsx" for e in examples])
for example in examples:
    name = example.stem
    costed = {o["name"]: o for o in reports[name]["options"]
              if o.get("cost") and not o["excluded"]}
    totals = summary_totals(books[name])
    check(set(totals) == set(costed), f"{name}.xlsx: Summary options {sorted(totals)} "
                                      f"vs costed {sorted(costed)}")
    for option, row in totals.items():
        tco = float(row["TCO (USD, workbook)"])
        npv = float(row["NPV (USD, workbook)"])
        tool = costed[option]["cost"]
        check(tco != 0 and close(tco, tool["total_usd"]),
              f"{name}.xlsx {option}: workbook TCO {tco} != tool {tool['total_usd']}")
        check(npv != 0 and close(npv, tool["npv_usd"]),
              f"{name}.xlsx {option}: workbook NPV {npv} != tool {tool['npv_usd']}")


def edit_inputs(xlsx, target, changes):
    """Copies `xlsx` to `target` with Inputs cells (by defined name) set to new values."""
    with zipfile.ZipFile(xlsx) as source:
        files = {item: source.read(item) for item in source.namelist()}
    names = dict(re.findall(r'<definedName name="([^"]+)">Inputs!(\$[A-Z]+\$\d+)</definedName>',
                            files["xl/workbook.xml"].decode()))
    sheet_path = "xl/worksheets/sheet2.xml"  # Inputs is the second sheet
    sheet = files[sheet_path].decode()
    for defined, value in changes.items():
        cell = names[defined].replace("$", "")
        sheet, count = re.subn(rf'(<c r="{cell}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{value!r}\g<2>",
                               sheet)
        assert count == 1, f"{defined} ({cell}) not found"
    files[sheet_path] = sheet.encode()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item, data in files.items():
            out.writestr(item, data)


# --- editing inputs moves the totals (examples/02: on-prem H100 at a US site) --------------------
report = reports["02-four-ways"]
onprem = next(o for o in report["options"] if o["name"] == "onprem-h100")["cost"]
book = books["02-four-ways"]
inputs = {(row[0], row[1]): float(row[2]) for row in book["Inputs"][1:] if row and row[2]}
xlsx = work / "02-four-ways.xlsx"
price = inputs[("onprem-h100", "electricity_usd_per_kwh")]
edit_inputs(xlsx, work / "electricity.xlsx", {"o_onprem_h100.electricity_usd_per_kwh": 2 * price})
gpu = inputs[("onprem-h100", "gpu_price_usd")]
edit_inputs(xlsx, work / "gpu.xlsx", {"o_onprem_h100.gpu_price_usd": gpu + 5000})
edited = sheets([work / "electricity.xlsx", work / "gpu.xlsx"])

after = summary_totals(edited["electricity"])
energy = sum(year["energy_usd"] for year in onprem["years"])
check(energy > 0 and close(float(after["onprem-h100"]["TCO (USD, workbook)"]),
                           onprem["total_usd"] + energy),
      f"electricity x2: TCO {after['onprem-h100']['TCO (USD, workbook)']}, expected "
      f"{onprem['total_usd'] + energy}")
check(close(float(after["api-deepinfra"]["TCO (USD, workbook)"]),
            float(summary_totals(book)["api-deepinfra"]["TCO (USD, workbook)"])),
      "electricity x2 of onprem-h100 moved the API option")

per_node = inputs[("onprem-h100", "gpus_per_node")]
base = (per_node * gpu + inputs[("onprem-h100", "server_base_per_node_usd")] +
        inputs[("onprem-h100", "networking_per_node_usd")] +
        inputs[("onprem-h100", "storage_per_node_usd")])
ratio = (base + per_node * 5000) / base
after = summary_totals(edited["gpu"])
hardware = sum(y["capex_usd"] - y["residual_usd"] + y["maintenance_usd"] for y in onprem["years"])
expected = onprem["total_usd"] + hardware * (ratio - 1)
check(close(float(after["onprem-h100"]["TCO (USD, workbook)"]), expected),
      f"GPU price +5000 USD: TCO {after['onprem-h100']['TCO (USD, workbook)']}, expected {expected}")

shutil.rmtree(work, ignore_errors=True)
print(f"office: {checks} checks, {len(failures)} failed")
for failure in failures:
    print(f"FAIL: {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)

#!/usr/bin/env python3
"""Golden-file tests: every example in every report format against its approved output.

    python3 scripts/golden.py check   TCO_PLAN_BINARY [REPO_ROOT]   # the test (ctest: golden)
    python3 scripts/golden.py approve TCO_PLAN_BINARY [REPO_ROOT]   # rewrite tests/golden/
    python3 scripts/golden.py self-test                            # the comparison's own test

`bash scripts/dev.sh approve` builds and runs the second: do it after retuning the simulator or
changing a report, then review `git diff tests/golden/` before committing.

Approved files live in tests/golden/<example>/<format> (table.txt, report.json, wide.csv,
long.csv, report.md, report.html) and tests/golden/diff-<proposal>/ (`tco-plan diff` pairs).
They are compared as text with every number taken out: the text between numbers must match
exactly, each number within a relative tolerance of 1e-6 (or
1e-9 absolute near zero), so the last digit of a float printed by another libm does not fail.
Volatile fields are pinned, not masked: TCO_PLAN_TODAY fixes the date stale-price warnings count
from, NO_COLOR keeps colour out; the tool version in the JSON is replaced by "<version>".
"""
import os
import re
import subprocess
import sys
from pathlib import Path

TODAY = "2026-12-01"
REL_TOL = 1e-6
ABS_TOL = 1e-9
FORMATS = {  # file name: run arguments
    "table.txt": ["--format", "table"],
    "report.json": ["--format", "json"],
    "wide.csv": ["--format", "csv", "--csv-layout", "wide"],
    "long.csv": ["--format", "csv", "--csv-layout", "long"],
    "report.md": ["--format", "markdown"],
    "report.html": ["--format", "html"],
}
# `tco-plan diff BASE PROPOSAL` pairs, approved as tests/golden/diff-<proposal>/diff.*.
DIFFS = [("examples/08-ci-fail.yaml", "examples/diff/08-ci-fail-h200.yaml")]
DIFF_FORMATS = {"diff.txt": "table", "diff.md": "markdown", "diff.json": "json"}
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def render(binary, root, arguments):
    env = dict(os.environ, TCO_PLAN_TODAY=TODAY, NO_COLOR="1")
    result = subprocess.run([binary, *arguments], cwd=root, env=env, capture_output=True,
                            text=True)
    if result.returncode != 0:
        raise RuntimeError(f"tco-plan {' '.join(arguments)}: exit {result.returncode}: "
                           f"{result.stderr.strip()[:500]}")
    return re.sub(r'"tool_version": "[^"]*"', '"tool_version": "<version>"', result.stdout)


def split(text):
    """The text between numbers, and the numbers."""
    return NUMBER.split(text), [float(n) for n in NUMBER.findall(text)]


def difference(approved, actual):
    """None when equal within tolerance, else a description of the first difference."""
    if approved == actual:
        return None
    approved_lines = approved.splitlines()
    actual_lines = actual.splitlines()
    if len(approved_lines) != len(actual_lines):
        first = next((i for i, (a, b) in enumerate(zip(approved_lines, actual_lines)) if a != b),
                     min(len(approved_lines), len(actual_lines)))
        return (f"{len(actual_lines)} lines, approved {len(approved_lines)}; first difference "
                f"at line {first + 1}")
    for number, (want, got) in enumerate(zip(approved_lines, actual_lines), start=1):
        if want == got:
            continue
        want_text, want_numbers = split(want)
        got_text, got_numbers = split(got)
        if want_text != got_text or len(want_numbers) != len(got_numbers):
            return f"line {number} differs:\n  approved: {want}\n  actual:   {got}"
        for a, b in zip(want_numbers, got_numbers):
            if abs(a - b) > max(ABS_TOL, REL_TOL * max(abs(a), abs(b))):
                return (f"line {number}: {b!r} differs from the approved {a!r} by more than "
                        f"{REL_TOL:g} relative:\n  approved: {want}\n  actual:   {got}")
    return None


def self_test():
    """The comparison itself: a golden check that could not fail would prove nothing."""
    assert difference("TCO 1.5 $ x3\n", "TCO 1.5 $ x3\n") is None
    assert difference("npv 2240000.0\n", "npv 2240000.001\n") is None          # 4.5e-10 rel
    assert difference("npv 2240000.0\n", "npv 2240100.0\n") is not None        # 4.5e-5 rel
    assert difference("a 0\n", "a 1e-12\n") is None                            # near zero
    assert difference("fits yes 3\n", "fits NO 3\n") is not None               # text exact
    assert difference("h100-sxm x2\n", "h200-sxm x2\n") is not None            # id digits
    assert difference("1\n2\n", "1\n") is not None                            # a lost line
    assert difference("1,2\n", "1,2,3\n") is not None                          # a new number
    print("golden: self-test passed")


def main(argv):
    if len(argv) == 2 and argv[1] == "self-test":
        self_test()
        return 0
    if len(argv) not in (3, 4) or argv[1] not in ("check", "approve"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, binary = argv[1], str(Path(argv[2]).resolve())
    root = Path(argv[3] if len(argv) == 4 else Path(__file__).resolve().parent.parent).resolve()
    golden = root / "tests" / "golden"
    examples = sorted((root / "examples").glob("*.yaml"))
    cases = []  # (approved file, tco-plan arguments)
    for example in examples:
        for name, arguments in FORMATS.items():
            cases.append((golden / example.stem / name,
                          ["run", str(example.relative_to(root)), *arguments]))
    for base, proposal in DIFFS:
        for name, format_name in DIFF_FORMATS.items():
            cases.append((golden / f"diff-{Path(proposal).stem}" / name,
                          ["diff", base, proposal, "--format", format_name]))
    failures = []
    checks = 0
    for path, arguments in cases:
        checks += 1
        try:
            actual = render(binary, root, arguments)
        except RuntimeError as error:
            failures.append(str(error))
            continue
        if mode == "approve":
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text() != actual:
                path.write_text(actual)
                print(f"approved {path.relative_to(root)}")
            continue
        if not path.exists():
            failures.append(f"{path.relative_to(root)}: no approved file")
            continue
        problem = difference(path.read_text(), actual)
        if problem:
            failures.append(f"{path.relative_to(root)}: {problem}")
    # An approved folder without its example is stale.
    expected = {path for path, _ in cases}
    for path in sorted(p for p in golden.rglob("*") if p.is_file()):
        if path not in expected:
            failures.append(f"{path.relative_to(root)}: approved file of no example or format")
    if failures:
        print("\n".join(f"FAIL: {failure}" for failure in failures), file=sys.stderr)
        if mode == "check":
            print("If the change is intended: bash scripts/dev.sh approve, then review "
                  "git diff tests/golden/", file=sys.stderr)
        return 1
    print(f"golden: {checks} outputs {'approved' if mode == 'approve' else 'match'} "
          f"({len(examples)} examples x {len(FORMATS)} formats, {len(DIFFS)} diff x "
          f"{len(DIFF_FORMATS)} formats)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

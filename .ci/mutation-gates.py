#!/usr/bin/env python3
"""Per-package mutation gates over PIT's mutations.xml reports.

PIT's own mutationThreshold judges each execution as a whole, where a strong package can hide a weak one. This reads
target/pit-reports/<execution>/mutations.xml and fails when a package named in .ci/mutation-gates.tsv kills fewer of
its mutants than its minimum. Lines of the table: execution, package (exact, its classes only), minimum percent.
Run after the PIT executions: python3 .ci/mutation-gates.py
"""
import collections
import pathlib
import sys
import xml.etree.ElementTree as ET

ROOT = pathlib.Path(__file__).resolve().parent.parent


def scores(execution):
    report = ROOT / "target" / "pit-reports" / execution / "mutations.xml"
    if not report.exists():
        sys.exit(f"mutation gates: no report {report.relative_to(ROOT)}; run the {execution} execution first")
    counts = collections.defaultdict(lambda: [0, 0])
    for mutation in ET.parse(report).getroot():
        package = mutation.findtext("mutatedClass").rsplit(".", 1)[0]
        counts[package][1] += 1
        counts[package][0] += mutation.get("detected") == "true"
    return counts


def main():
    failed = []
    reports = {}
    table = ROOT / ".ci" / "mutation-gates.tsv"
    if not table.exists():
        sys.exit(f"mutation gates: no table {table.relative_to(ROOT)} (execution, package, minimum percent)")
    for line in table.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        execution, package, minimum = line.split()
        counts = reports.setdefault(execution, scores(execution))
        killed, total = counts.get(package, (0, 0))
        if total == 0:
            failed.append(f"{execution} {package}: no mutants (a renamed package? fix .ci/mutation-gates.tsv)")
            continue
        score = 100.0 * killed / total
        verdict = "ok" if score >= float(minimum) else "UNDER THE GATE"
        print(f"{execution:9} {package:58} {killed:5} / {total:<5} {score:5.1f} % (gate {minimum} %) {verdict}")
        if score < float(minimum):
            failed.append(f"{execution} {package}: {score:.1f} % killed, the gate is {minimum} %")
    if failed:
        print("\nmutation gates failed:\n  " + "\n  ".join(failed), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

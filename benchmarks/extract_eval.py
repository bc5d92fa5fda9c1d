"""Measure ``reformgraph extract``: quality on the curated source, and speed.

Run from the project folder::

    .venv/bin/python benchmarks/extract_eval.py [--copies N] [--show-errors]

It prints the evaluation table (precision, recall and F1 per kind: cases, measures,
figures, rankings, organisations, platforms, instruments, places and the qualitative
outcomes — recognitions, innovation claims, pilots —, drafting the curated report with no
curated entities, only the gazetteer), then the throughput of drafting a
large synthetic report: the curated report's cases repeated N times, each copy perturbed
(its titles numbered so they stay unique, its years and figures shifted) so that nothing
is cached or trivially repeated. Exits 1 if a target or the 100 KB/s floor is missed.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from reformgraph.extract import evaluate, extract

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCE = DATA / "sources" / "hubei-2025-reform-cases.txt"
FLOOR = 100_000  # bytes of report a second


def _perturb(line: str, n: int) -> str:
    """Shift the years and the larger counts of a line by ``n``."""

    def year(m: re.Match[str]) -> str:
        return f"{2000 + (int(m[1]) + n) % 30}年"

    def count(m: re.Match[str]) -> str:
        return str(int(m[1]) + n)

    line = re.sub(r"20(\d\d)年", year, line)
    return re.sub(r"(?<![\d.])(\d{3,})(?=[个家条件份名项])", count, line)


def synthetic_report(path: Path, copies: int) -> Path:
    """The curated report with its cases repeated ``copies`` times, each copy perturbed."""
    lines = SOURCE.read_text(encoding="utf-8").split("\n")
    head, body, credits = lines[:2], lines[2:-1], lines[-1]
    out = list(head)
    for n in range(copies):
        for i, line in enumerate(body):
            if i + 1 < len(body) and re.search("(?:改革办|办公室)$", body[i + 1]):
                line += f"(之{n + 1})"
            else:
                line = _perturb(line, n)
            out.append(line)
    out.append(credits)
    path.write_text("\n".join(out), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=80, help="copies of the cases (default 80)")
    parser.add_argument("--show-errors", action="store_true", help="list misses and extras")
    args = parser.parse_args(argv)

    evaluation = evaluate(SOURCE, DATA)
    print(f"Evaluation on {SOURCE.name} (no curated entities loaded):\n")
    print(evaluation.table())
    if args.show_errors:
        for kind, score in evaluation.scores.items():
            for item in score.missed:
                print(f"  missed   {kind}: {item}")
            for item in score.spurious:
                print(f"  spurious {kind}: {item}")
    failures = evaluation.failures()
    for failure in failures:
        print(f"below target: {failure}")

    with tempfile.TemporaryDirectory(prefix="reformgraph-bench-") as work:
        report = synthetic_report(Path(work) / "large.txt", args.copies)
        size = report.stat().st_size
        began = time.perf_counter()
        result = extract(report, Path(work) / "draft")
        seconds = time.perf_counter() - began
    rate = size / seconds
    print(
        f"\nThroughput: {size / 1000:.0f} KB ({result.cases} cases, {result.figures} figures)"
        f" drafted and checked in {seconds:.2f} s: {rate / 1000:.0f} KB/s"
        f" (floor {FLOOR / 1000:.0f} KB/s)"
    )
    if rate < FLOOR:
        print("below the throughput floor")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

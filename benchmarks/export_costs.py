"""What exporting a large answer costs: `reformgraph query -f csv|json` against the answer
formatted whole.

One command, on a build folder (for instance of 10,000 synthetic cases:
``reformgraph synth --cases 10000 --seed 1 --out D`` then ``reformgraph build --data D
--out B``)::

    python benchmarks/export_costs.py B [--queries shared-entities,figures]
        [--formats csv,json] [--out FILE]

For each saved query and format it runs two processes, one after the other, each writing
the answer to a file:

- **streamed**: the installed ``reformgraph query NAME -f FORMAT --build B``, as a user runs
  it. It writes CSV and JSON as the store gives the rows (``queries.stream_query_on_store``
  with ``queries.write_csv`` / ``write_json``).
- **whole**: a Python process that opens the same store, collects the whole answer
  (``queries.run_query_on_store``) and formats it at once: the csv module writes every
  row into one string, or ``json.dumps`` writes the whole W3C results document. This is
  how the command line wrote CSV and JSON before it streamed (up to commit 62ddea2).

It prints, for each, the wall time and the peak memory of the process (``ru_maxrss`` from
``wait4``), and the ratios whole / streamed. The two files must be byte for byte equal;
the script exits with 1 when they are not.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reformgraph.queries import saved_queries

SCRIPT = Path(sys.executable).with_name("reformgraph")

WHOLE = """
import csv, io, json, sys
from pathlib import Path
from reformgraph import engine
from reformgraph.queries import run_query_on_store, saved_query, term_text

build, name, fmt, target = sys.argv[1:]
store = engine.open_store(Path(build) / engine.STORE_DIR)
result = run_query_on_store(store, saved_query(name))
if fmt == "csv":  # every row into one string, then encoded
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\\r\\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([term_text(term) for term in row])
    data = ("\\ufeff" + buffer.getvalue()).encode("utf-8")
else:  # the whole results document, then json.dumps
    def term(value):
        kind, text, language, datatype = engine.term_parts(value)
        out = {"type": kind, "value": text}
        if language:
            out["xml:lang"] = language
        elif datatype:
            out["datatype"] = datatype
        return out

    bindings = [
        {v: term(t) for v, t in zip(result.variables, row) if t is not None}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    data = (json.dumps(document, ensure_ascii=False, indent=2) + "\\n").encode("utf-8")
Path(target).write_bytes(data)
print(len(result.rows))
"""


def measured(command: list[str], stdout: int) -> tuple[float, float, int]:
    """Run ``command``; its wall seconds, peak resident memory (MB) and exit status."""
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=stdout)
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1000, child.returncode


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path, help="a build folder (reformgraph build --out)")
    parser.add_argument(
        "--queries", default="shared-entities,figures", help="saved queries, comma-separated"
    )
    parser.add_argument("--formats", default="csv,json", help="csv, json or both")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    known = saved_queries()
    names = [name for name in args.queries.split(",") if name]
    formats = [name for name in args.formats.split(",") if name]
    unknown = [name for name in names if name not in known]
    unknown += [name for name in formats if name not in ("csv", "json")]
    if unknown:
        parser.error(f"unknown query or format: {', '.join(unknown)}")
    if not SCRIPT.is_file():
        parser.error(f"no reformgraph script beside {sys.executable}: pip install the project")

    lines = [
        f"# Export costs of the build in {args.build}",
        "",
        f"`python benchmarks/export_costs.py {' '.join(argv or sys.argv[1:])}`"
        f" (Python {platform.python_version()}, {platform.machine()},"
        f" {os.cpu_count()} cores)",
        "",
        "| query | format | rows | output | streamed | whole | whole / streamed"
        " | streamed peak | whole peak | whole / streamed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    failed = []
    with tempfile.TemporaryDirectory(prefix="export-costs-") as folder:
        for name in names:
            for fmt in formats:
                streamed_file = Path(folder) / f"streamed.{fmt}"
                whole_file = Path(folder) / f"whole.{fmt}"
                rows_file = Path(folder) / "rows.txt"
                with streamed_file.open("wb") as sink:
                    command = [str(SCRIPT), "query", name, "-f", fmt, "--build", str(args.build)]
                    s_time, s_peak, s_code = measured(command, sink.fileno())
                with rows_file.open("wb") as sink:
                    command = [
                        sys.executable,
                        "-c",
                        WHOLE,
                        str(args.build),
                        name,
                        fmt,
                        str(whole_file),
                    ]
                    w_time, w_peak, w_code = measured(command, sink.fileno())
                same = s_code == 0 and w_code == 0 and digest(streamed_file) == digest(whole_file)
                if not same:
                    failed.append(f"{name} {fmt} (exit {s_code} / {w_code})")
                rows = rows_file.read_text().strip() if w_code == 0 else "?"
                size_mb = streamed_file.stat().st_size / 1e6
                lines.append(
                    f"| `{name}` | {fmt} | {int(rows):,} | {size_mb:,.1f} MB"
                    f" | {s_time:.2f} s | {w_time:.2f} s | {w_time / s_time:.2f}x"
                    f" | {s_peak:,.0f} MB | {w_peak:,.0f} MB | {w_peak / s_peak:.2f}x |"
                    if rows.isdigit()
                    else f"| `{name}` | {fmt} | ? | | | | | | | |"
                )
                print(lines[-1], flush=True)
    lines += [
        "",
        "*streamed*: the `reformgraph query` process; *whole*: the answer collected and"
        " formatted at once. Peak: `ru_maxrss` of the process. Each output went to a file.",
    ]
    if failed:
        lines.append(f"DIFFERENT OUTPUT (streamed against whole): {', '.join(failed)}")
    report = "\n".join(lines) + "\n"
    print("\n".join(lines[-(3 if failed else 2) :]))
    if args.out is not None:
        args.out.write_text(report, encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

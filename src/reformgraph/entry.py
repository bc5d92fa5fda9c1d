"""The ``reformgraph`` console script: a fast path for local queries, else the full CLI.

``reformgraph query NAME`` is what people run most, often from scripts, one query after
another. The full command line (typer, rich, and through them click and pydantic) takes
longer to import than the query takes to run, so a local query whose output goes to a
file or a pipe, or is CSV or JSON, is answered here with only the store, the saved
queries and the output formats imported. Anything else — help, listing, a remote
endpoint, an error to report, a table for a terminal — goes to :mod:`reformgraph.cli`,
which gives the same output for the same request.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["main"]

_VALUE_OPTIONS = {
    "-f": "format",
    "--format": "format",
    "-p": "param",
    "--param": "param",
    "--graph": "graph",
    "--build": "out",
}
# -o/--out, the old name of --build, goes to the full command line, which checks it.
_FLAG_OPTIONS = {"--excel-safe": "excel-safe"}


def _parse(args: list[str]) -> dict[str, list[str]] | None:
    """The options of a plain local query, or None if the request needs the full CLI."""
    found: dict[str, list[str]] = {
        "query": [],
        "format": [],
        "param": [],
        "graph": [],
        "out": [],
        "excel-safe": [],
    }
    items = iter(args)
    for item in items:
        if item in _FLAG_OPTIONS:
            found[_FLAG_OPTIONS[item]].append(item)
            continue
        name, sep, value = item.partition("=") if item.startswith("--") else (item, "", "")
        if name in _VALUE_OPTIONS:
            if not sep:
                value = next(items, "")
                if not value:
                    return None
            found[_VALUE_OPTIONS[name]].append(value)
        elif item.startswith("-") and item != "-":
            return None
        else:
            found["query"].append(item)
    if len(found["query"]) != 1 or len(found["format"]) > 1:
        return None
    if len(found["graph"]) > 1 or len(found["out"]) > 1:
        return None
    return found


def _waiting() -> Callable[[], None]:
    """On a terminal, "running the query…" on stderr until the function returned wipes it
    (a query that sorts or groups gives nothing for a while); nothing otherwise. Plain
    text, as the CLI's spinner would cost the import of rich."""
    if not sys.stderr.isatty():
        return lambda: None
    sys.stderr.write("running the query…")
    sys.stderr.flush()

    def clear() -> None:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()

    return clear


def _fast_query(args: list[str]) -> bool:
    """Run a plain local query; False (having written nothing) if the full CLI must."""
    options = _parse(args)
    if options is None:
        return False
    output_format = (options["format"] or ["table"])[0]
    if output_format not in ("table", "csv", "json"):
        return False
    excel_safe = bool(options["excel-safe"])
    if excel_safe and output_format != "csv":  # the full CLI says why not
        return False
    if output_format == "table" and sys.stdout.isatty():
        return False
    from reformgraph import engine
    from reformgraph.errors import QueryError, ReformgraphError
    from reformgraph.project import build_folder
    from reformgraph.queries import (
        QueryStream,
        bind_params,
        format_table,
        load_query,
        parse_params,
        run_query_on_store,
        stream_query_on_store,
        unknown_terms,
        write_csv,
        write_json,
    )
    from reformgraph.vocab import NAMESPACES

    try:
        params = parse_params(options["param"])
    except QueryError:  # the full CLI says what is wrong
        return False
    cwd = Path.cwd()
    graph_file = Path(options["graph"][0]) if options["graph"] else None
    try:
        saved = load_query(options["query"][0], cwd)
        bindings = bind_params(saved, params)
        warnings = unknown_terms(saved.text)
        build_dir = Path(options["out"][0]) if options["out"] else build_folder(cwd)
        if graph_file is not None or not (build_dir / engine.STORE_DIR).is_dir():
            return False
        store = engine.open_store(build_dir / engine.STORE_DIR)
        for warning in warnings:  # as the full command line warns (a misspelt class)
            sys.stderr.write(f"warning: {warning}\n")
        clear = _waiting()
        try:
            if output_format == "table":
                result = run_query_on_store(store, saved, bindings)
            else:
                stream = stream_query_on_store(store, saved, bindings)
                # The first row is read before anything is written: a query that fails at
                # once is left to the full CLI, which reports the failure.
                first = next(stream.rows, None)
        finally:
            clear()
    except (ReformgraphError, OSError, ValueError):
        return False
    try:
        if output_format == "table":
            from reformgraph._stdout import write_whole

            write_whole(format_table(result, NAMESPACES).encode("utf-8"))
        else:
            rows = stream.rows if first is None else itertools.chain((first,), stream.rows)
            answer = QueryStream(stream.variables, rows, stream.boolean)
            if output_format == "csv":
                write_csv(answer, sys.stdout.buffer, excel_safe=excel_safe)
            else:
                write_json(answer, sys.stdout.buffer)
        sys.stdout.flush()
    except BrokenPipeError:  # the reader has what it wanted (`| head`): stop quietly
        from reformgraph._stdout import CLOSED_PIPE_EXIT, discard_stdout

        discard_stdout()
        raise SystemExit(CLOSED_PIPE_EXIT) from None
    except ReformgraphError as exc:  # the store failed in the middle of the rows
        sys.stdout.flush()
        sys.stderr.write(f"{exc}\n")
        raise SystemExit(2) from None
    return True


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main() -> None:
    """The console script."""
    args = sys.argv[1:]
    try:
        if args[:1] == ["query"]:
            import signal

            # `kill` stops a query as Ctrl-C does, as on the full command line
            previous = signal.signal(signal.SIGTERM, _interrupt)
            try:
                if _fast_query(args[1:]):
                    return
            finally:
                signal.signal(signal.SIGTERM, previous)
    except KeyboardInterrupt:  # Ctrl-C: said as the full command line says it, no traceback
        from reformgraph._stdout import INTERRUPTED_EXIT, QUERY_INTERRUPTED

        sys.stderr.write(f"{QUERY_INTERRUPTED}\n")
        raise SystemExit(INTERRUPTED_EXIT) from None
    from reformgraph.cli import main as full

    full()

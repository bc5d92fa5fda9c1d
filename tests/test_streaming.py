"""Query answers in CSV and JSON are written as the store gives the rows, never all held.

The bytes must be those of the whole answer formatted at once (the reference below: the
csv module over every row, and ``json.dumps`` of the whole W3C results document).
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from reformgraph import engine, entry, pipeline, queries
from reformgraph._stdout import CLOSED_PIPE_EXIT
from reformgraph.cli import app
from reformgraph.errors import NoBuildError, QueryError
from reformgraph.queries import (
    QueryResult,
    QueryStream,
    SavedQuery,
    format_csv,
    format_json,
    load_query,
    run_query,
    run_query_on_store,
    saved_queries,
    stream_query_on_store,
    term_text,
    write_csv,
    write_json,
)

QUERIES = saved_queries()
SCRIPT = Path(sys.executable).with_name("reformgraph")
EVERY_TRIPLE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
runner = CliRunner()


def reference_csv(result: QueryResult) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerows([["boolean"], [str(result.boolean).lower()]])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([term_text(term) for term in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def reference_json(result: QueryResult) -> bytes:
    def term(value: Any) -> dict[str, str]:
        kind, text, language, datatype = engine.term_parts(value)
        out = {"type": kind, "value": text}
        if language:
            out["xml:lang"] = language
        elif datatype:
            out["datatype"] = datatype
        return out

    if result.boolean is not None:
        document: dict[str, object] = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {v: term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def store(build_dir: Path) -> ox.Store:
    return engine.open_store(build_dir / engine.STORE_DIR)


def _stream_bytes(store: ox.Store, query: SavedQuery, write: Any) -> bytes:
    out = io.BytesIO()
    write(stream_query_on_store(store, query), out)
    return out.getvalue()


ANSWERS = {
    **QUERIES,
    "every-triple": load_query(EVERY_TRIPLE, Path.cwd()),
    "ask": load_query(
        "ASK { ?s a <https://w3id.org/reformgraph/ontology/ReformCase> }", Path.cwd()
    ),
    "nothing": load_query("SELECT ?s WHERE { ?s a <urn:x:none> }", Path.cwd()),
}


@pytest.mark.parametrize("query", ANSWERS.values(), ids=list(ANSWERS))
def test_a_streamed_answer_has_the_bytes_of_the_whole_answer_formatted_at_once(
    store: ox.Store, query: SavedQuery
) -> None:
    whole = run_query_on_store(store, query)
    assert _stream_bytes(store, query, write_csv) == reference_csv(whole)
    streamed = _stream_bytes(store, query, write_json)
    assert streamed == reference_json(whole), streamed[:400]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [(None, None)],
        [(ox.NamedNode("urn:x:a"), ox.Literal('一\n"二",三', language="zh"))] * 2500,
        [(None, ox.Literal("7", datatype=XSD_INTEGER)), (ox.BlankNode("b1"), None)],
    ],
    ids=["no-rows", "unbound", "2500-rows-quotes-newlines", "mixed"],
)
def test_json_and_csv_of_edge_cases_match_the_reference(rows: list[tuple[Any, ...]]) -> None:
    whole = QueryResult(["a", "b"], rows)
    for write, reference in ((write_csv, reference_csv), (write_json, reference_json)):
        out = io.BytesIO()
        assert write(QueryStream(["a", "b"], iter(rows)), out) == len(rows)
        assert out.getvalue() == reference(whole)


@pytest.mark.parametrize("write", [write_csv, write_json], ids=["csv", "json"])
def test_rows_reach_the_output_before_the_last_row_is_read(write: Any) -> None:
    out = io.BytesIO()
    written_before: list[int] = []

    def rows() -> Iterator[tuple[Any, ...]]:
        for n in range(5000):
            written_before.append(out.tell())
            yield (ox.Literal(str(n), datatype=XSD_INTEGER),)

    assert write(QueryStream(["n"], rows()), out) == 5000
    assert written_before[0] == 0
    # at most a thousand rows are held before they are written
    assert written_before[1001] > 0
    assert 0 < written_before[-1] < len(out.getvalue())


def test_a_store_failure_while_reading_rows_is_a_query_error() -> None:
    def rows() -> Iterator[tuple[Any, ...]]:
        yield (ox.Literal("1"),)
        raise OSError("IO error: the store's file went away")

    checked = queries._checked(rows(), "SELECT ...")
    assert next(checked) == (ox.Literal("1"),)
    with pytest.raises(QueryError, match="query failed: IO error"):
        next(checked)


def _failing_stream(after: int) -> Any:
    def fake(*_args: object, **_kwargs: object) -> QueryStream:
        def rows() -> Iterator[tuple[Any, ...]]:
            for n in range(after):
                yield (ox.Literal(str(n)),)
            raise QueryError("query failed: IO error: the store's file went away")

        return QueryStream(["n"], rows())

    return fake


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_the_cli_reports_a_failure_in_the_middle_of_the_rows_without_a_traceback(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    monkeypatch.setattr(queries, "stream_query_on_store", _failing_stream(1500))
    result = runner.invoke(app, ["query", "cases", "-f", output_format, "--out", str(build_dir)])
    assert result.exit_code == 2, result.output
    assert "query failed: IO error: the store's file went away" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout_bytes  # the rows before the failure were written


def test_the_fast_path_reports_a_failure_in_the_middle_of_the_rows(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(queries, "stream_query_on_store", _failing_stream(1500))
    with pytest.raises(SystemExit) as stopped:
        entry._fast_query(["cases", "-f", "csv", "--build", str(build_dir)])
    assert stopped.value.code == 2
    captured = capsysbinary.readouterr()
    assert captured.err == b"query failed: IO error: the store's file went away\n"
    assert captured.out.decode("utf-8-sig").startswith("n\r\n0\r\n1\r\n")


def test_the_fast_path_leaves_a_query_that_fails_at_once_to_the_full_cli(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.setattr(queries, "stream_query_on_store", _failing_stream(0))
    assert entry._fast_query(["cases", "-f", "json", "--build", str(build_dir)]) is False
    assert capsysbinary.readouterr() == (b"", b"")


#: The console script, run with reformgraph's own refusal of SERVICE turned off: Oxigraph
#: then fails as the rows are read, which nothing else makes it do on the command line.
_SERVICE_ALLOWED = (
    "import sys\n"
    "import reformgraph.engine, reformgraph.queries\n"
    "reformgraph.engine.refuse_service = reformgraph.queries.refuse_service = (\n"
    "    lambda *args, **kwargs: None\n"
    ")\n"
    "from reformgraph.entry import main\n"
    "sys.argv[0] = 'reformgraph'\n"
    "main()\n"
)


@pytest.mark.parametrize("output_format", ["csv", "table"])
def test_a_query_whose_first_row_fails_exits_2_with_the_store_message(
    build_dir: Path, output_format: str
) -> None:
    """Oxigraph evaluates SERVICE when the rows are read: port 9 is refused by its client.
    The message is all there is on stderr: dropping Oxigraph's answer with the error, in
    another thread, printed pyoxigraph's own RuntimeError (and a traceback) under it."""
    text = "SELECT * WHERE { ?s ?p ?o SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?x } }"
    args = ["query", text, "-f", output_format, "--out", str(build_dir)]
    done = subprocess.run(
        [sys.executable, "-c", _SERVICE_ALLOWED, *args],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.startswith(b"query failed:")
    assert done.stderr.count(b"\n") == 1, done.stderr
    assert b"Traceback" not in done.stderr
    assert done.stdout == b""


@pytest.mark.parametrize(
    "where",
    [["--build"], ["--graph"]],
    ids=["fast-path-on-the-store", "full-cli-on-an-rdf-file"],
)
@pytest.mark.parametrize("output_format", ["csv", "json", "table"])
def test_a_reader_that_stops_early_ends_the_query_quietly(
    build_dir: Path, where: list[str], output_format: str
) -> None:
    # A table is written in one piece, which a closed pipe cuts short without an error:
    # the exit code must say so all the same.
    target = build_dir if where == ["--build"] else build_dir / "reformgraph.nt"
    child = subprocess.Popen(
        [str(SCRIPT), "query", EVERY_TRIPLE, "-f", output_format, *where, str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    head = child.stdout.read(100)  # as `| head -c 100` does, then goes away
    child.stdout.close()
    stderr = child.stderr.read()
    child.stderr.close()
    assert child.wait(timeout=120) == CLOSED_PIPE_EXIT
    assert stderr == b""
    starts = {"csv": b"\xef\xbb\xbfs,p,o", "json": b"{", "table": b"s "}
    assert head.startswith(starts[output_format])


@pytest.mark.parametrize("output_format", ["csv", "json", "table"])
def test_save_writes_to_a_file_what_the_query_prints(
    build_dir: Path, tmp_path: Path, output_format: str
) -> None:
    printed = runner.invoke(app, ["query", "figures", "-f", output_format, "--out", str(build_dir)])
    assert printed.exit_code == 0, printed.output
    target = tmp_path / f"figures.{output_format}"
    saved = runner.invoke(
        app,
        ["query", "figures", "-f", output_format, "--out", str(build_dir), "--save", str(target)],
    )
    assert saved.exit_code == 0, saved.output
    assert saved.stdout_bytes == b""
    rows = len(run_query_on_store(engine.open_store(build_dir / "store"), QUERIES["figures"]).rows)
    assert f"{rows:,} row(s) written to {target}" in saved.stderr
    assert target.read_bytes() == printed.stdout_bytes


@pytest.mark.parametrize(
    ("name", "output_format"),
    [("cases.csv", "csv"), ("cases.JSON", "json"), ("cases.srj", "json"), ("cases.txt", "table")],
)
def test_save_without_a_format_writes_the_one_its_file_name_says(
    build_dir: Path, tmp_path: Path, name: str, output_format: str
) -> None:
    # --save x.json wrote an aligned table into x.json.
    printed = runner.invoke(app, ["query", "cases", "-f", output_format, "--build", str(build_dir)])
    target = tmp_path / name
    saved = runner.invoke(app, ["query", "cases", "--build", str(build_dir), "--save", str(target)])
    assert saved.exit_code == 0, saved.output
    assert target.read_bytes() == printed.stdout_bytes
    said = runner.invoke(
        app, ["query", "cases", "-f", "table", "--build", str(build_dir), "--save", str(target)]
    )
    assert said.exit_code == 0, said.output
    table = runner.invoke(app, ["query", "cases", "--build", str(build_dir)])
    assert target.read_bytes() == table.stdout_bytes


def test_save_leaves_an_existing_file_as_it_was_when_the_query_fails_midway(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "answer.csv"
    target.write_bytes(b"the previous answer\n")
    monkeypatch.setattr(queries, "stream_query_on_store", _failing_stream(2500))
    result = runner.invoke(
        app, ["query", "cases", "-f", "csv", "--out", str(build_dir), "--save", str(target)]
    )
    assert result.exit_code == 2, result.output
    assert "query failed: IO error: the store's file went away" in result.stderr
    assert f"{target}: not written (an existing file is left as it was)" in result.stderr
    assert target.read_bytes() == b"the previous answer\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.csv"]  # no temporary file


def test_save_to_a_folder_is_a_clear_error(build_dir: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["query", "cases", "--out", str(build_dir), "--save", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert f"{tmp_path}: cannot be written: it is a folder" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_export_query_writes_the_answer_of_a_build_to_a_file(
    build_dir: Path, store: ox.Store, tmp_path: Path, output_format: str
) -> None:
    target = tmp_path / f"shared.{output_format}"
    query = QUERIES["shared-entities"]
    params = {"type": "https://w3id.org/reformgraph/ontology/Platform"}
    count = pipeline.export_query(
        build_dir, query, target, output_format=output_format, params=params
    )
    whole = run_query_on_store(store, query, queries.bind_params(query, params))
    assert count == len(whole.rows) > 0
    reference = reference_csv if output_format == "csv" else reference_json
    assert target.read_bytes() == reference(whole)


def test_export_query_keeps_the_old_file_when_the_query_fails(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "answer.json"
    target.write_text("{}\n")
    monkeypatch.setattr(queries, "stream_query_on_store", _failing_stream(10))
    with pytest.raises(QueryError, match="the store's file went away"):
        pipeline.export_query(build_dir, QUERIES["cases"], target, output_format="json")
    assert target.read_text() == "{}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["answer.json"]


@pytest.mark.parametrize("name", ["cases.json", "cases.srj", "cases.CSV", "cases.csv"])
def test_export_query_takes_the_format_its_file_name_says(
    build_dir: Path, store: ox.Store, tmp_path: Path, name: str
) -> None:
    # "x.json" was written as CSV, the default, without a word.
    target = tmp_path / name
    pipeline.export_query(build_dir, QUERIES["cases"], target)
    whole = run_query_on_store(store, QUERIES["cases"], {})
    reference = reference_csv if name.lower().endswith(".csv") else reference_json
    assert target.read_bytes() == reference(whole)
    pipeline.export_query(build_dir, QUERIES["cases"], target, output_format="csv")
    assert target.read_bytes() == reference_csv(whole)


def test_export_query_refuses_what_it_cannot_do(build_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="unknown format 'table': use csv, json, nt or ttl"):
        pipeline.export_query(build_dir, QUERIES["cases"], tmp_path / "x", output_format="table")
    with pytest.raises(QueryError, match="say the format"):
        pipeline.export_query(build_dir, QUERIES["cases"], tmp_path / "x.txt")
    with pytest.raises(NoBuildError, match="no such folder: build first"):
        pipeline.export_query(tmp_path, QUERIES["cases"], tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


class _Trickle(io.RawIOBase):
    """An unbuffered output that takes at most 100 bytes a write, as a pipe may, and,
    after ``until`` bytes, has lost its reader."""

    def __init__(self, until: int | None = None) -> None:
        self.data = bytearray()
        self.until = until

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        if self.until is not None and len(self.data) >= self.until:
            raise BrokenPipeError(32, "Broken pipe")
        taken = bytes(b[:100])
        self.data += taken
        return len(taken)


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_an_output_that_takes_part_of_each_write_gets_every_byte(
    query_graph: Graph, output_format: str
) -> None:
    # python -u or PYTHONUNBUFFERED: sys.stdout.buffer is raw, and a write may be partial.
    result = run_query(query_graph, QUERIES["cases"])
    whole = format_csv(result) if output_format == "csv" else format_json(result)
    write = write_csv if output_format == "csv" else write_json
    out = _Trickle()
    write(result, out)
    assert bytes(out.data) == whole
    gone = _Trickle(until=300)
    with pytest.raises(BrokenPipeError):
        write(result, gone)

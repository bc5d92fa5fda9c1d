"""The command line, run in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reformgraph.cli import app

from .paths import DATA

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with the real data, and a subfolder to run commands from."""
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "notes" / "deep").mkdir(parents=True)
    return tmp_path


def test_build_from_a_subfolder_finds_the_project_and_writes_its_build_folder(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project / "notes" / "deep")
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 0, result.output
    assert "8 cases, 28 measures" in result.output
    assert "SHACL validation: conforms" in result.output
    assert "shared across cases" in result.output
    for name in ("reformgraph.ttl", "reformgraph.nt", "reformgraph.jsonld"):
        assert (project / "build" / name).is_file()
    assert not (project / "notes" / "deep" / "build").exists()


def test_query_before_any_build_says_how_to_make_one(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = runner.invoke(app, ["query", "cases"])
    assert result.exit_code == 2
    assert "reformgraph build" in result.output
    assert "Traceback" not in result.output


def test_outside_any_project_commands_say_what_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["build"])
    assert result.exit_code == 2
    assert "--data" in result.output


def test_query_saved_and_adhoc_in_every_format(build_dir: Path) -> None:
    graph = str(build_dir / "reformgraph.ttl")
    table = runner.invoke(app, ["query", "cases", "--graph", graph])
    assert table.exit_code == 0, table.output
    assert "推进大财政体系建设" in table.output
    assert "8 row(s)" in table.output

    csv = runner.invoke(
        app,
        ["query", "figures", "--graph", graph, "--format", "csv", "-p", "case=big-fiscal-system"],
    )
    assert csv.exit_code == 0, csv.output
    lines = csv.output.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("case,caseTitle,indicator,evidence,value,unit,qualifier,date")
    assert len(lines) == 1 + 5

    text = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?c a <https://w3id.org/reformgraph/ontology/ReformCase> }"
    )
    as_json = runner.invoke(app, ["query", text, "--graph", graph, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.output)["results"]["bindings"][0]["n"]["value"] == "8"


def test_query_from_a_file(build_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "offices.rq"
    query.write_text(
        "# question: how many offices?\nSELECT (COUNT(DISTINCT ?o) AS ?n) WHERE "
        "{ ?c <https://w3id.org/reformgraph/ontology/responsibleOffice> ?o }",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["query", str(query), "--graph", str(build_dir / "reformgraph.nt"), "-f", "csv"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.lstrip("\ufeff").splitlines() == ["n", "6"]


def test_list_shows_every_saved_query_with_its_question() -> None:
    result = runner.invoke(app, ["query", "--list"])
    assert result.exit_code == 0
    for name in ("cases", "figures", "shared-entities", "rankings"):
        assert name in result.output
    assert "有哪些改革案例" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "SELECT ?x WHERE { ?x ?y }"], "line 1, column"),
        (["query", "no-such-query"], "no saved query named 'no-such-query'"),
        (["query", "missing.rq"], "no such query file"),
        (["query", "cases", "--format", "xml"], "unknown format"),
        (["query", "cases", "--param", "nope=1"], "has no parameter 'nope'"),
        (["query", "cases", "--param", "broken"], "NAME=VALUE"),
    ],
    ids=[
        "syntax-error",
        "unknown-name",
        "missing-file",
        "unknown-format",
        "unknown-param",
        "bad-param",
    ],
)
def test_query_errors_exit_2_with_a_message_and_no_traceback(
    build_dir: Path, args: list[str], message: str
) -> None:
    result = runner.invoke(app, [*args, "--graph", str(build_dir / "reformgraph.nt")])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_query_of_a_file_that_is_not_rdf_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "graph.ttl"
    bad.write_text("this is not turtle", encoding="utf-8")
    result = runner.invoke(app, ["query", "cases", "--graph", str(bad)])
    assert result.exit_code == 2
    assert "cannot be parsed as RDF" in result.output


def test_check_passes_on_the_real_data() -> None:
    result = runner.invoke(app, ["check", "--data", str(DATA)])
    assert result.exit_code == 0, result.output
    assert "SHACL validation: conforms" in result.output


@pytest.mark.parametrize(
    ("command", "rows"),
    [(["query", "cases"], 8), (["links"], None), (["links", "--suggest"], None)],
    ids=["query", "links", "suggest"],
)
def test_a_table_on_a_terminal_shows_the_first_rows_and_how_many_there_are(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], rows: int | None
) -> None:
    """Drawing millions of rows on a terminal takes minutes and no one reads them: a table
    there shows the first ``TERMINAL_ROWS`` and says how to get every row. A file or a
    pipe gets them all."""
    import io

    from rich.console import Console

    from reformgraph import cli

    runner = CliRunner()
    piped = runner.invoke(app, [*command, "--out", str(build_dir), "-f", "csv"])
    assert piped.exit_code == 0, piped.output
    every = len(piped.stdout.strip().splitlines()) - 1 if rows is None else rows
    assert every > 3
    plain = runner.invoke(app, [*command, "--out", str(build_dir)])
    assert plain.stdout.rstrip().endswith(f"{every} row(s)")

    monkeypatch.setattr(cli, "TERMINAL_ROWS", 3)
    screen = io.StringIO()
    monkeypatch.setattr(
        cli, "out", Console(file=screen, force_terminal=True, width=400, highlight=False)
    )
    result = runner.invoke(app, [*command, "--out", str(build_dir)])
    assert result.exit_code == 0, result.output
    shown = screen.getvalue()
    assert f"3 of {every:,} rows shown; -f csv or -f json (or a pipe) gives every row" in shown
    if command[0] == "links":
        screen.seek(0)
        screen.truncate()
        result = runner.invoke(app, [*command, "--out", str(build_dir), "--limit", "2"])
        assert result.exit_code == 0, result.output
        assert screen.getvalue().rstrip().endswith("2 row(s)")


@pytest.mark.parametrize("output_format", ["table", "csv", "json"])
def test_a_query_shows_a_spinner_on_a_terminal_until_its_answer_comes(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    """On a terminal, stderr shows "running the query…" until the first row (CSV, JSON)
    or the whole answer (a table) has come; the answer is the same."""
    import io

    from rich.console import Console

    from reformgraph import cli

    command = ["query", "figures", "--out", str(build_dir), "-f", output_format]
    quiet = runner.invoke(app, command)
    assert quiet.exit_code == 0, quiet.output
    assert "running the query" not in quiet.stderr

    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, width=100))
    shown = runner.invoke(app, command)
    assert shown.exit_code == 0, shown.output
    assert "running the query…" in screen.getvalue()
    assert shown.stdout_bytes == quiet.stdout_bytes

"""The console script: plain local queries take a fast path that gives the full CLI's output.

These run the installed ``reformgraph`` script in a child process, as users and scripts do,
and compare its output with the full command line's run in-process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reformgraph.cli import app

SCRIPT = Path(sys.executable).with_name("reformgraph")
runner = CliRunner()

#: What the full command line imports and a plain local query must not.
HEAVY = ("typer", "rich", "click", "rdflib", "pydantic", "pyshacl", "networkx", "yaml")


def _script(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [str(SCRIPT), *args], capture_output=True, cwd=cwd, check=False, timeout=120
    )


@pytest.fixture(scope="module", autouse=True)
def _installed() -> None:
    if not SCRIPT.is_file():
        pytest.fail(f"the console script is not installed beside {sys.executable}")


@pytest.mark.parametrize(
    "args",
    [
        ["cases", "-f", "csv"],
        ["figures", "--format", "json"],
        ["cases"],
        [
            "shared-entities",
            "--format=csv",
            "--param",
            "type=https://w3id.org/reformgraph/ontology/Platform",
        ],
        ["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "-f", "json"],
    ],
    ids=["csv", "json", "table-piped", "parameter", "adhoc"],
)
def test_a_local_query_prints_what_the_full_command_line_prints(
    build_dir: Path, args: list[str]
) -> None:
    fast = _script("query", *args, "--build", str(build_dir))
    assert fast.returncode == 0, fast.stderr.decode()
    full = runner.invoke(app, ["query", *args, "--build", str(build_dir)])
    assert full.exit_code == 0, full.output
    assert fast.stdout == full.stdout_bytes


def test_a_local_query_imports_only_the_store_and_the_queries(build_dir: Path) -> None:
    probe = (
        "import sys\n"
        "sys.argv = ['reformgraph', 'query', 'cases', '-f', 'csv',"
        f" '--build', {str(build_dir)!r}]\n"
        "from reformgraph.entry import main\n"
        "main()\n"
        "loaded = sorted({m.split('.')[0] for m in sys.modules})\n"
        "print(' '.join(loaded), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, check=True, timeout=120
    )
    loaded = set(result.stderr.decode().split())
    assert "pyoxigraph" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
    assert result.stdout.decode("utf-8-sig").startswith("case,title")


#: Standard-library modules a plain local query has no use for, each a few milliseconds of
#: its start-up: dataclasses (through inspect: ast, dis, tokenize), typing, shutil (bz2,
#: lzma), importlib's resources and metadata. The fast path's modules keep their values in
#: light records (reformgraph._record) and import these only inside the functions that
#: need them.
UNNEEDED = (
    "dataclasses",
    "inspect",
    "ast",
    "dis",
    "tokenize",
    "typing",
    "shutil",
    "bz2",
    "lzma",
    "importlib.resources",
    "importlib.metadata",
    "tempfile",
    "subprocess",
    "decimal",
)

#: Runs the console script's ``main`` as the script does (``re`` is imported by the script
#: pip writes), then reports every module that ``main`` imported.
_PROBE = """\
import json, re, sys
before = set(sys.modules)
sys.argv = ["reformgraph", "query", *json.loads(sys.argv[1])]
from reformgraph.entry import main
main()
print(json.dumps(sorted(set(sys.modules) - before)), file=sys.stderr)
"""


@pytest.mark.parametrize("output", ["csv", "json", "table"])
@pytest.mark.parametrize("where", ["out", "project"])
def test_a_local_query_imports_no_standard_library_module_it_does_not_need(
    build_dir: Path, tmp_path: Path, output: str, where: str
) -> None:
    args = ["cases", "-f", output]
    cwd = tmp_path
    if where == "out":
        args += ["--build", str(build_dir)]
    else:  # the build folder found from the project the query runs in
        for sub in ("sources", "cases", "entities"):
            (tmp_path / "data" / sub).mkdir(parents=True)
        (tmp_path / "build").mkdir()
        (tmp_path / "build" / "store").symlink_to(build_dir / "store", target_is_directory=True)
        cwd = tmp_path / "data" / "cases"
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        check=False,
        timeout=120,
        cwd=cwd,
    )
    assert result.returncode == 0, result.stderr.decode()
    imported = set(json.loads(result.stderr.decode().splitlines()[-1]))
    assert "pyoxigraph" in imported
    assert "reformgraph.cli" not in imported, "the query did not take the fast path"
    assert not imported & {*UNNEEDED, *HEAVY}, sorted(imported & {*UNNEEDED, *HEAVY})
    full = runner.invoke(app, ["query", *args[:3], "--build", str(build_dir)])
    assert full.exit_code == 0, full.output
    assert result.stdout == full.stdout_bytes


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--list"], "figures"),
        (["--help"], "SPARQL"),
        (["no-such-query"], "no saved query named 'no-such-query'"),
        (["cases", "--format", "xml"], "unknown format 'xml'"),
        (["figures", "-f", "csv", "-p", "case=a", "-p", "case=b"], "parameter case given twice"),
    ],
    ids=["list", "help", "unknown-query", "unknown-format", "parameter-twice"],
)
def test_anything_but_a_plain_local_query_goes_to_the_full_command_line(
    build_dir: Path, args: list[str], expected: str
) -> None:
    result = _script("query", *args, "--build", str(build_dir))
    text = (result.stdout + result.stderr).decode()
    assert expected in text
    assert "Traceback" not in text


def test_a_query_before_any_build_says_how_to_make_one(tmp_path: Path) -> None:
    for sub in ("sources", "cases", "entities"):  # a project, not yet built
        (tmp_path / "data" / sub).mkdir(parents=True)
    result = _script("query", "cases", "-f", "csv", cwd=tmp_path)
    assert result.returncode == 2
    assert b"run `reformgraph build` first" in result.stderr
    assert result.stdout == b""


def test_a_query_outside_a_project_says_to_name_a_build(tmp_path: Path) -> None:
    result = _script("query", "cases", "-f", "csv", cwd=tmp_path)
    assert result.returncode == 2
    assert b"no project here" in result.stderr
    assert b"--build DIR" in result.stderr
    assert result.stdout == b""


def test_other_commands_still_run(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "120"}
    result = subprocess.run(
        [str(SCRIPT), "--help"], capture_output=True, check=False, timeout=120, env=env
    )
    assert result.returncode == 0
    for command in ("build", "query", "links", "viz", "synth", "extract"):
        assert command in result.stdout.decode()


@pytest.mark.parametrize("output_format", ["csv", "table"])
def test_a_local_query_says_it_is_running_on_a_terminal_and_wipes_it(
    build_dir: Path, output_format: str
) -> None:
    """With stderr on a terminal, "running the query…" stands there until the answer
    comes, then is wiped; the output is the same as with stderr elsewhere."""
    import pty

    args = ("query", "figures", "--build", str(build_dir), "-f", output_format)
    piped = _script(*args)
    assert piped.returncode == 0, piped.stderr.decode()
    assert piped.stderr == b""
    controller, terminal = pty.openpty()
    try:
        shown = subprocess.run(
            [str(SCRIPT), *args],
            stdout=subprocess.PIPE,
            stderr=terminal,
            check=False,
            timeout=120,
        )
        os.close(terminal)
        screen = os.read(controller, 65536)
    finally:
        os.close(controller)
    assert shown.returncode == 0
    assert screen == "running the query…\r\x1b[K".encode()
    assert shown.stdout == piped.stdout


def test_any_command_cut_short_by_its_reader_exits_141(tmp_path: Path) -> None:
    # `reformgraph build … | head -1`: rich's console would exit 1, as for a failure.
    from reformgraph._stdout import CLOSED_PIPE_EXIT

    from .paths import DATA

    child = subprocess.Popen(
        [str(SCRIPT), "build", "--data", str(DATA), "--out", str(tmp_path / "out")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    assert child.stdout is not None
    child.stdout.read(10)
    child.stdout.close()
    assert child.wait(timeout=300) == CLOSED_PIPE_EXIT


#: A query whose answer (every pair of triples) takes far longer than a test to write.
_ENDLESS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"


#: The two ways a query runs: the fast path (the store), and the full command line (a file).
_ROUTES = pytest.mark.parametrize(
    "route", [[], ["--graph", "reformgraph.nt"]], ids=["store-fast-path", "graph-full-cli"]
)


def _query_process(build_dir: Path, route: list[str], *args: str) -> subprocess.Popen[bytes]:
    """``reformgraph query ARGS`` on the build, by ``route``, as a process of its own."""
    extra = [str(build_dir / part) if part.endswith(".nt") else part for part in route]
    where = [] if route else ["--build", str(build_dir)]
    return subprocess.Popen(
        [str(SCRIPT), "query", *args, *where, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _assert_said_interrupted(child: subprocess.Popen[bytes], timeout: float) -> None:
    """The process ends with exit 130 and the interrupted message, no traceback."""
    from reformgraph._stdout import INTERRUPTED_EXIT, QUERY_INTERRUPTED

    try:
        _, stderr = child.communicate(timeout=timeout)
    finally:
        child.kill()
    assert child.returncode == INTERRUPTED_EXIT, stderr.decode()
    assert b"Traceback" not in stderr, stderr.decode()
    assert QUERY_INTERRUPTED in stderr.decode()


@pytest.mark.parametrize("stop", ["SIGINT", "SIGTERM"], ids=["ctrl-c", "kill"])
@_ROUTES
def test_a_query_stopped_by_ctrl_c_says_so_and_exits_130_without_a_traceback(
    build_dir: Path, route: list[str], stop: str
) -> None:
    """Ctrl-C, and `kill` (SIGTERM, as a CI timeout sends): on the fast path, `kill` ended
    the process with no word (exit 143)."""
    import signal

    child = _query_process(build_dir, route, _ENDLESS, "-f", "csv")
    assert child.stdout is not None
    assert child.stdout.read(100)  # the rows are coming
    child.send_signal(getattr(signal, stop))
    _assert_said_interrupted(child, timeout=120)


def test_a_misspelt_class_is_warned_of_on_both_paths(build_dir: Path) -> None:
    args = ["query", "SELECT ?x WHERE { ?x a rg:ReformCas }", "--build", str(build_dir)]
    warning = "warning: rg:ReformCas is not a term of the reformgraph ontology (did you mean"
    fast = _script(*args, "-f", "csv")
    assert fast.returncode == 0, fast.stderr.decode()
    assert warning in fast.stderr.decode()
    full = runner.invoke(app, [*args, "-f", "csv"])
    assert full.exit_code == 0, full.output
    assert warning in full.stderr
    assert fast.stdout == full.stdout_bytes


#: A query that gives nothing until it has counted every triple of three patterns: the
#: whole evaluation is one call into Oxigraph.
_ENDLESS_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.mark.parametrize("output", ["table", "csv", "json"])
@_ROUTES
def test_ctrl_c_stops_a_query_still_counting_before_its_first_row(
    build_dir: Path, route: list[str], output: str
) -> None:
    """Ctrl-C came through only once Oxigraph had computed the whole answer (hours for
    this one): the query went on as if it had not been pressed. A table waits for the
    whole answer; CSV and JSON, read row by row, stopped only at their first row."""
    import signal
    import time

    child = _query_process(build_dir, route, _ENDLESS_COUNT, "-f", output)
    time.sleep(5)  # started, and counting
    assert child.poll() is None
    child.send_signal(signal.SIGINT)
    _assert_said_interrupted(child, timeout=30)

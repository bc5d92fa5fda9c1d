"""What reads a build folder knows which build it reads: one made by another version of
reformgraph is refused, one being put in place is waited for (never called corrupt), and
a graph held open across a new build says that it still reads the old one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from reformgraph import __version__, engine, pipeline, project
from reformgraph.cli import app
from reformgraph.errors import BuildChangedWarning, BuiltByAnotherVersion, NoBuildError
from reformgraph.project import ontology_file
from reformgraph.queries import saved_query

from .paths import DATA

runner = CliRunner()
SCRIPT = Path(sys.executable).with_name("reformgraph")


@pytest.fixture
def copied_build(build_dir: Path, tmp_path: Path) -> Path:
    """A copy of the real data's build, to change."""
    copy = tmp_path / "build"
    shutil.copytree(build_dir, copy)
    return copy


# ------------------------------------------------------------------ which reformgraph built it


def test_a_build_records_the_version_and_data_model_of_the_reformgraph_that_wrote_it(
    build_dir: Path,
) -> None:
    info = json.loads((build_dir / "store" / engine.BUILD_INFO).read_text(encoding="utf-8"))
    assert info == {"data_model": engine.installed_model(), "format": 1, "reformgraph": __version__}


@pytest.fixture
def fresh_model() -> Iterator[None]:
    """installed_model read again in the test, and again after it (it is cached)."""
    engine.installed_model.cache_clear()
    yield
    engine.installed_model.cache_clear()


@pytest.mark.usefixtures("fresh_model")
def test_the_data_model_is_the_packaged_ontology_and_shapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = engine.installed_model()
    for name in ("reformgraph.ttl", "shapes.ttl"):
        changed = tmp_path / name
        changed.write_bytes(ontology_file(name).read_bytes().replace(b"rg:", b"rg: ", 1))
        engine.installed_model.cache_clear()
        monkeypatch.setattr(
            project, "ontology_file", lambda n, c=changed: c if n == c.name else ontology_file(n)
        )
        assert engine.installed_model() != model, name


@pytest.mark.usefixtures("fresh_model")
def test_the_installed_data_model_is_read_once_per_process(
    copied_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query opens the store at every run: the model's files are not read each time."""
    read: list[str] = []

    def counted(name: str) -> Path:
        read.append(name)
        return ontology_file(name)

    monkeypatch.setattr(project, "ontology_file", counted)
    for _ in range(3):
        engine.open_store(copied_build / "store")
    assert read == ["reformgraph.ttl", "shapes.ttl"]


def _another_version(build: Path) -> None:
    info_file = build / "store" / engine.BUILD_INFO
    info = json.loads(info_file.read_text(encoding="utf-8"))
    info.update(reformgraph="0.0.9", data_model="crc32:00000000.1-00000000.1")
    info_file.write_text(json.dumps(info), encoding="utf-8")


def _no_record(build: Path) -> None:
    (build / "store" / engine.BUILD_INFO).unlink()


READERS: dict[str, Callable[[Path], object]] = {
    "open_store": lambda build: engine.open_store(build / "store"),
    "open_graph": pipeline.open_graph,
    "export_query": lambda build: pipeline.export_query(
        build, saved_query("cases"), build.parent / "cases.csv"
    ),
}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize(
    ("made", "which"),
    [
        (_another_version, "built by reformgraph 0.0.9 with another ontology or shapes than"),
        (_no_record, "built by another version of reformgraph .an earlier one"),
    ],
    ids=["another-model", "not-recorded"],
)
def test_a_build_of_another_data_model_is_refused_with_build_again(
    copied_build: Path, made: Callable[[Path], None], which: str, reader: str
) -> None:
    # A build made before `actors` existed answered it with no rows, and said nothing.
    made(copied_build)
    with pytest.raises(BuiltByAnotherVersion, match=which) as refused:
        READERS[reader](copied_build)
    message = str(refused.value)
    assert message.startswith(f"{copied_build}: built by ")
    assert f"build again (reformgraph build --data DATA --out {copied_build}" in message
    assert isinstance(refused.value, NoBuildError)


# push sends build/reformgraph.nt without opening the store: it reads the record itself.
# (Its endpoint is a closed port: a push that went ahead would fail there, with exit 3.)
PUSH = ["push", "--endpoint", "http://127.0.0.1:1/store"]


@pytest.mark.parametrize(
    "command",
    [["query", "cases"], ["query", "cases", "-f", "csv"], ["links"], ["viz"], PUSH],
    ids=["query", "query-csv", "links", "viz", "push"],
)
def test_the_command_line_refuses_a_build_of_another_version(
    copied_build: Path, command: list[str]
) -> None:
    _no_record(copied_build)
    result = runner.invoke(app, [*command, "--build", str(copied_build)])
    assert result.exit_code == 2, result.output
    assert f"{copied_build}: built by another version of reformgraph" in result.stderr
    assert result.stdout == ""


def test_the_console_scripts_fast_query_refuses_a_build_of_another_version(
    copied_build: Path,
) -> None:
    _another_version(copied_build)
    result = subprocess.run(
        [str(SCRIPT), "query", "cases", "-f", "csv", "--build", str(copied_build)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 2
    assert b"built by reformgraph 0.0.9 with another ontology or shapes" in result.stderr
    assert result.stdout == b""


def test_a_build_of_this_version_with_another_model_does_not_say_another_version(
    copied_build: Path,
) -> None:
    # "built by another version of reformgraph (0.1.0, …) than this one (0.1.0)"
    from reformgraph import __version__

    info_file = copied_build / "store" / engine.BUILD_INFO
    info = json.loads(info_file.read_text(encoding="utf-8"))
    info.update(data_model="crc32:00000000.1-00000000.1")
    info_file.write_text(json.dumps(info), encoding="utf-8")
    with pytest.raises(BuiltByAnotherVersion) as refused:
        engine.open_store(copied_build / "store")
    assert f"built by reformgraph {__version__} with another ontology or shapes than those of" in (
        str(refused.value)
    )
    assert "another version" not in str(refused.value)


def test_a_record_that_cannot_be_read_is_named_not_taken_for_an_earlier_version(
    copied_build: Path,
) -> None:
    record = copied_build / "store" / engine.BUILD_INFO
    record.unlink()
    record.mkdir()  # as unreadable as a file without read permission, also for root
    with pytest.raises(NoBuildError) as refused:
        engine.open_store(copied_build / "store")
    message = str(refused.value)
    assert message.startswith(f"{record}: the record of the build cannot be read (Is a directory)")
    assert not isinstance(refused.value, BuiltByAnotherVersion)


def test_a_new_build_replaces_a_build_of_another_version(copied_build: Path) -> None:
    _no_record(copied_build)
    pipeline.build(DATA, copied_build)
    assert len(pipeline.query(pipeline.open_graph(copied_build), "cases").rows) == 8


# ------------------------------------------------------------------ a build being put in place

CORRUPTION = "Corruption: Mismatch in unique ID on table file 9. Expected: {1,2} Actual: {3,4}"


def test_a_store_replaced_while_it_is_opened_is_opened_again(
    copied_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RocksDB read the files of two stores when a build renamed its store in while it
    opened the old one, and the reader was told to rebuild a sound store."""
    store = copied_build / "store"
    calls: list[str] = []

    def replaced_while_opening(path: str) -> ox.Store:
        calls.append(path)
        if len(calls) == 1:  # a build puts a new store in place meanwhile
            store.rename(copied_build / ".store.old")
            shutil.copytree(copied_build / ".store.old", store)
            raise RuntimeError(CORRUPTION)
        return ox.Store.read_only(path)

    monkeypatch.setattr(engine, "_read_only", replaced_while_opening)
    opened = engine.open_store(store)
    assert len(calls) == 2
    assert engine.ontology_in_default_graph(opened)


@pytest.mark.parametrize("reader", ["open_store", "open_graph"])
def test_a_failed_open_while_a_build_is_put_in_place_says_try_again_not_build_again(
    copied_build: Path, monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    def failing_as_a_build_starts(path: str) -> ox.Store:
        # The build's marker appears while the store is read (this process: running).
        (copied_build / engine.PUBLISHING).write_text(f"{os.getpid()}\n", encoding="ascii")
        raise RuntimeError(CORRUPTION)

    monkeypatch.setattr(engine, "_read_only", failing_as_a_build_starts)
    monkeypatch.setattr(engine, "SETTLE_SECONDS", 0.2)
    with pytest.raises(NoBuildError) as refused:
        READERS[reader](copied_build)
    message = str(refused.value)
    assert "a build is being put in place" in message
    assert "try again" in message
    assert "build again" not in message
    assert "Corruption" not in message


def test_a_store_is_opened_once_the_build_being_put_in_place_has_finished(
    copied_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = copied_build / engine.PUBLISHING
    calls: list[str] = []

    def failing_once(path: str) -> ox.Store:
        calls.append(path)
        if len(calls) == 1:
            marker.write_text(f"{os.getpid()}\n", encoding="ascii")
            raise RuntimeError(CORRUPTION)
        return ox.Store.read_only(path)

    sleep = time.sleep
    waits: list[float] = []

    def build_finishes(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:  # the build is in place: its marker goes
            marker.unlink()
        sleep(0)

    monkeypatch.setattr(engine, "_read_only", failing_once)
    monkeypatch.setattr(time, "sleep", build_finishes)
    graph = pipeline.open_graph(copied_build)
    assert len(pipeline.query(graph, "cases").rows) == 8
    assert len(calls) == 2
    assert len(waits) == 3


@pytest.mark.parametrize("running", [True, False], ids=["being-put-in-place", "stopped-midway"])
def test_push_refuses_a_build_being_put_in_place_or_stopped_while_it_was(
    copied_build: Path, running: bool
) -> None:
    # A pid that is not running: a child that has exited and been waited for.
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pid = os.getpid() if running else int(gone)
    (copied_build / engine.PUBLISHING).write_text(f"{pid}\n", encoding="ascii")
    result = runner.invoke(app, [*PUSH, "--build", str(copied_build)])
    assert result.exit_code == 2, result.output
    said = "a build is being put in place" if running else "a build was stopped while"
    assert f"{copied_build}: {said}" in result.stderr
    assert "127.0.0.1:1" not in result.output  # nothing was sent


def test_a_damaged_store_without_a_build_in_progress_still_says_build_again(
    copied_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def damaged(path: str) -> ox.Store:
        raise RuntimeError(CORRUPTION)

    monkeypatch.setattr(engine, "_read_only", damaged)
    with pytest.raises(NoBuildError, match="cannot be opened as an Oxigraph store") as refused:
        pipeline.open_graph(copied_build)
    assert "build again" in str(refused.value)


# ------------------------------------------------------------------ a graph held open


def test_a_graph_held_open_across_a_new_build_warns_once_that_it_reads_the_old_one(
    tmp_path: Path,
) -> None:
    out = tmp_path / "build"
    pipeline.build(DATA, out)
    graph = pipeline.open_graph(out)
    cases = saved_query("cases")
    assert len(pipeline.query(graph, cases).rows) == 8
    pipeline.build(DATA, out)
    with pytest.warns(BuildChangedWarning, match=r"another build has been put in place") as heard:
        assert len(pipeline.query(graph, cases).rows) == 8
    assert len(heard) == 1
    assert f"pipeline.open_graph({str(out)!r})" in str(heard[0].message)
    # it names the caller's line, not one inside the library (storegraph.py:145)
    assert heard[0].filename == __file__, heard[0].filename
    pipeline.query(graph, cases)  # once: no second warning (warnings are errors here)
    graph.close()
    with pipeline.open_graph(out) as reopened:
        pipeline.query(reopened, cases)  # the new build: no warning


def test_each_graph_opened_again_warns_at_the_users_line_after_the_next_build(
    tmp_path: Path,
) -> None:
    # The warning was given at a line of reformgraph's, so Python's registry showed it
    # once per text and place: the graph opened again after a build, as the warning says,
    # was never said to be stale after the next build, and the place shown was ours.
    out = tmp_path / "build"
    pipeline.build(DATA, out)
    cases = saved_query("cases")
    with warnings.catch_warnings(record=True) as heard:
        warnings.simplefilter("default")  # Python's own: once per place and text
        for _ in range(2):
            with pipeline.open_graph(out) as graph:
                pipeline.build(DATA, out)
                pipeline.query(graph, cases)  # warns
                pipeline.query(graph, cases)  # once a graph
    assert [w.category for w in heard] == [BuildChangedWarning, BuildChangedWarning]
    assert {(w.filename, w.lineno) for w in heard} == {(__file__, _line_of("warns"))}


def test_a_graph_held_open_warns_in_code_run_by_python_c(tmp_path: Path) -> None:
    # Given with the caller's globals, the warning asked their loader for the source:
    # `python -c` code's (the built-in importer) has none, and the query failed instead.
    out = tmp_path / "build"
    pipeline.build(DATA, out)
    code = (
        "with pipeline.open_graph(out) as graph:\n"
        "    pipeline.build(DATA, out)\n"
        "    pipeline.query(graph, 'cases')\n"
    )
    import importlib.machinery

    namespace = {
        "__name__": "__main__",
        "__loader__": importlib.machinery.BuiltinImporter,
        "pipeline": pipeline,
        "out": out,
        "DATA": DATA,
    }
    with pytest.warns(BuildChangedWarning) as heard:
        exec(compile(code, "<string>", "exec"), namespace)
    assert [w.filename for w in heard] == ["<string>"]


def test_a_graph_opened_by_a_relative_folder_does_not_warn_after_a_change_of_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The folder was looked at again relative to the new working directory: no store
    # there, so every graph warned that another build had been put in place.
    pipeline.build(DATA, tmp_path / "build")
    monkeypatch.chdir(tmp_path)
    with pipeline.open_graph("build") as graph:
        (tmp_path / "elsewhere").mkdir()
        monkeypatch.chdir(tmp_path / "elsewhere")
        assert len(pipeline.query(graph, "cases").rows) == 8  # warnings are errors here


def test_a_build_changed_warning_made_an_error_is_raised_as_itself(tmp_path: Path) -> None:
    # Under `-W error` (pytest's filterwarnings = error) it came out as a QueryError,
    # "query failed: …", which `except BuildChangedWarning` does not catch.
    out = tmp_path / "build"
    pipeline.build(DATA, out)
    with pipeline.open_graph(out) as graph, warnings.catch_warnings():
        warnings.simplefilter("error", BuildChangedWarning)
        pipeline.build(DATA, out)
        with pytest.raises(BuildChangedWarning, match="another build has been put in place"):
            pipeline.query(graph, "cases")


def _line_of(comment: str) -> int:
    """The line of this file that ends with ``# comment``."""
    lines = Path(__file__).read_text(encoding="utf-8").splitlines()
    (number,) = [i for i, line in enumerate(lines, 1) if line.endswith(f"  # {comment}")]
    return number

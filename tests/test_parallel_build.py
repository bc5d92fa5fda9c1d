"""The two-worker build gives the files of the one-process build, byte for byte; the
store is bulk-loaded in several calls.

Real builds go through two worker processes from ``PARALLEL_FROM`` cases up, with a
bounded window of batches in flight; the small folders of the other tests never reach
that path. Here the threshold is lowered so that the real data takes it, with batches of
one case and two in flight, so that the window turns over many times.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reformgraph import pipeline, produce

from .paths import DATA

OUTPUTS = ("reformgraph.nt", "reformgraph.ttl", "reformgraph.jsonld")


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_the_parallel_build_writes_the_same_files_as_the_serial_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, start: str
) -> None:
    """Forked workers inherit the loaded data; workers of a fork server (when the
    process has threads) read it themselves."""
    serial = tmp_path / "serial"
    pipeline.build(DATA, serial)

    monkeypatch.setattr(produce, "_context", lambda: multiprocessing.get_context(start))
    monkeypatch.setattr(produce, "PARALLEL_FROM", 2)
    monkeypatch.setattr(produce, "BATCH", 1)
    monkeypatch.setattr(produce, "IN_FLIGHT", 2)
    monkeypatch.setattr(produce.os, "cpu_count", lambda: 2)
    calls: list[int] = []
    bounded = produce._bounded_map

    def counted(pool: object, paths: list[Path], idle: object = None) -> object:
        calls.append(len(paths))
        return bounded(pool, paths, idle)  # type: ignore[arg-type]

    monkeypatch.setattr(produce, "_bounded_map", counted)
    parallel = tmp_path / "parallel"
    result = pipeline.build(DATA, parallel)

    assert calls == [8], "the build did not go through the worker processes"
    assert result.check.validation.conforms
    for name in OUTPUTS:
        assert (parallel / name).read_bytes() == (serial / name).read_bytes(), name


def test_forked_workers_use_the_data_the_build_loaded_instead_of_reading_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "read-again"

    def start_worker(root: str) -> None:
        marker.write_text(root, encoding="utf-8")
        raise AssertionError("a forked worker read the data folder again")

    monkeypatch.setattr(produce, "_start_worker", start_worker)
    monkeypatch.setattr(produce, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(produce, "PARALLEL_FROM", 2)
    monkeypatch.setattr(produce, "BATCH", 1)
    monkeypatch.setattr(produce.os, "cpu_count", lambda: 2)
    result = pipeline.build(DATA, tmp_path / "out")

    assert result.check.validation.conforms
    assert not marker.exists()


def test_forked_workers_are_replaced_by_fresh_forks_and_the_files_stay_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A forked worker's private copy of the shared data grows with every page it
    touches; fresh forks every few batches start again from nothing."""
    serial = tmp_path / "serial"
    pipeline.build(DATA, serial)

    pids = tmp_path / "pids"
    outcome = produce._outcome

    def recorded(path_text: str) -> produce.CaseOutcome:
        with pids.open("a", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")
        return outcome(path_text)

    monkeypatch.setattr(produce, "_outcome", recorded)  # forked workers inherit it
    monkeypatch.setattr(produce, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(produce, "PARALLEL_FROM", 2)
    monkeypatch.setattr(produce, "BATCH", 1)
    monkeypatch.setattr(produce, "IN_FLIGHT", 2)
    monkeypatch.setattr(produce, "RECYCLE_BATCHES", 3)
    monkeypatch.setattr(produce.os, "cpu_count", lambda: 2)
    parallel = tmp_path / "parallel"
    result = pipeline.build(DATA, parallel)

    cases = len(list((DATA / "cases").glob("*.yaml")))
    workers = pids.read_text(encoding="utf-8").split()  # one line a case
    assert len(workers) == cases
    # a batch a case, 3 batches to each pair of workers: three pairs; none the build's own
    assert len(set(workers)) >= 3, workers
    assert str(os.getpid()) not in workers
    assert result.check.validation.conforms
    for name in OUTPUTS:
        assert (parallel / name).read_bytes() == (serial / name).read_bytes(), name


_RECYCLING = """
import sys
from pathlib import Path
from reformgraph import pipeline, produce

data, out, marker = map(Path, sys.argv[1:])
assert produce._threads() == 1, "a fresh process has one thread"

def start_worker(root):
    marker.write_text(root, encoding="utf-8")
    raise AssertionError("a worker read the data folder again")

# The race made sure: on the first look after a pool shut down, the system still lists
# one of its threads.
lingering = [False]
shutdown, threads = produce.ProcessPoolExecutor.shutdown, produce._threads

def shutdown_leaving_a_thread(self, *args, **kwargs):
    shutdown(self, *args, **kwargs)
    lingering[0] = True

def threads_seen():
    seen = threads() + lingering[0]
    lingering[0] = False
    return seen

produce.ProcessPoolExecutor.shutdown = shutdown_leaving_a_thread
produce._threads = threads_seen
produce._start_worker = start_worker
produce.PARALLEL_FROM, produce.BATCH, produce.IN_FLIGHT, produce.RECYCLE_BATCHES = 2, 1, 1, 1
result = pipeline.build(data, out)
assert result.check.validation.conforms
"""


def test_fresh_workers_are_forked_again_once_the_old_pool_has_gone(tmp_path: Path) -> None:
    """After a pool shuts down its threads take a moment to leave the system; forking
    is only safe without them, and a fork server's workers would read the whole data
    folder again (seconds at 10,000 cases), so the build waits for them to go. (In a
    fresh process: this one has threads of its own, and would never fork.)"""
    marker = tmp_path / "read-again"
    done = subprocess.run(
        [sys.executable, "-c", _RECYCLING, str(DATA), str(tmp_path / "out"), str(marker)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert not marker.exists(), "a fork server's worker read the data again"


def test_the_store_loaded_in_several_bulk_loads_holds_every_triple_once(tmp_path: Path) -> None:
    import pyoxigraph as ox

    from reformgraph.engine import bulk_load_ntriples

    source = tmp_path / "graph.nt"
    source.write_text(
        "".join(f"<urn:s{i}> <urn:p> <urn:o{i % 7}> .\n" for i in range(1000)), encoding="utf-8"
    )
    store = ox.Store(str(tmp_path / "store"))
    assert bulk_load_ntriples(store, source, per_call=64) == 1000
    loaded = {str(q) for q in store.quads_for_pattern(None, None, None, None)}
    expected = {str(q) for q in ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES)}
    assert len(store) == 1000
    assert loaded == expected


def test_the_writer_does_the_shared_entities_while_it_waits_for_the_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The shared entities are rendered and checked in the gaps of the case outcomes,
    not before the first case is taken (the workers would stop, their window full)."""
    monkeypatch.setattr(produce, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(produce, "PARALLEL_FROM", 2)
    monkeypatch.setattr(produce, "BATCH", 1)
    monkeypatch.setattr(produce.os, "cpu_count", lambda: 2)
    cases_done: list[int] = [0]
    steps_at: list[int] = []
    step = produce._SharedPart.step

    def recorded(self: produce._SharedPart) -> bool:
        steps_at.append(cases_done[0])
        return step(self)

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "cases":
            cases_done[0] = done

    monkeypatch.setattr(produce._SharedPart, "step", recorded)
    pipeline.build(DATA, tmp_path / "out", progress=progress)
    cases = len(list((DATA / "cases").glob("*.yaml")))
    assert steps_at, "the shared entities were never written"
    assert min(steps_at) < cases, f"shared groups only after all {cases} cases: {steps_at}"
    nt = (tmp_path / "out" / "reformgraph.nt").read_text(encoding="utf-8")
    assert "<https://w3id.org/reformgraph/id/scheme/domains>" in nt
    assert not (tmp_path / "out" / "reformgraph.shared.nt").exists()


def test_the_build_reports_progress_through_every_stage_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stage that can take long on a large collection reports its steps, from 0 to
    its total: the entity files, the indexes and shapes, the cases, the store."""
    monkeypatch.setattr(produce, "PARALLEL_ENTITY_BYTES", 0)  # entity files in two processes
    calls: list[tuple[str, int, int]] = []
    pipeline.build(DATA, tmp_path / "out", progress=lambda *call: calls.append(call))
    stages = list(dict.fromkeys(stage for stage, _, _ in calls))
    assert stages == ["shared", "prepare", "cases", "store"]
    entity_files = len(list((DATA / "entities").glob("*.yaml")))
    cases = len(list((DATA / "cases").glob("*.yaml")))
    for stage, total in (("shared", entity_files), ("prepare", 3), ("cases", cases), ("store", 1)):
        steps = [(done, n) for s, done, n in calls if s == stage]
        assert {n for _, n in steps} == {total}, stage
        assert steps[-1][0] == total, stage
        assert [done for done, _ in steps] == sorted(done for done, _ in steps), stage


def test_processing_a_case_leaves_what_the_resolver_has_used_alone() -> None:
    """A worker resolves tens of thousands of cases: each case's entities are kept apart
    from the resolver's running set, which must not grow (copying it for every case made
    a 100,000-case build quadratic)."""
    from reformgraph.io import load_shared
    from reformgraph.resolve import CaseResolver

    shared = load_shared(DATA)
    resolver = CaseResolver(shared)
    labels = produce.numeral_labels(shared.entities.values())
    produce._share(DATA, shared, resolver, produce._Checks.make(shared), labels)
    before = set(resolver.used)
    seen: set[str] = set()
    try:
        for path in sorted((DATA / "cases").glob("*.yaml")):
            outcome = produce._process_case(str(path))
            assert outcome.errors == [], outcome.errors
            assert outcome.used, path.name
            seen |= outcome.used
            assert resolver.used == before, "the case's entities went into the running set"
    finally:
        produce._WORKER.clear()
    assert len(seen) > 20


# A script that builds the real data twice through the worker processes: its second build
# starts them with a fork server (the first build's store left threads), and they import it.
_TWICE = """
import os
from pathlib import Path
from reformgraph import pipeline, produce

produce.PARALLEL_FROM = 2
os.cpu_count = lambda: 2
data, out = Path({data!r}), Path({out!r})

def main():
    pipeline.build(data, out / "first")
    print("first built; workers start by", produce._context().get_start_method(), flush=True)
    pipeline.build(data, out / "second")
    print("second built", flush=True)

"""


def _run_twice(tmp_path: Path, guarded: bool) -> subprocess.CompletedProcess[str]:
    body = _TWICE.format(data=str(DATA), out=str(tmp_path))
    body += 'if __name__ == "__main__":\n    main()\n' if guarded else "main()\n"
    script = tmp_path / "build_twice.py"
    script.write_text(body, encoding="utf-8")
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
    )


def test_a_script_without_the_main_guard_gets_a_message_instead_of_builds_within_builds(
    tmp_path: Path,
) -> None:
    """Each worker of the second build ran the script again, whose first build started
    workers of its own, which ran it again: the script never ended."""
    done = _run_twice(tmp_path, guarded=False)
    assert done.returncode == 1, done.stderr[-3000:]
    assert done.stdout == "first built; workers start by forkserver\n"
    # Each worker says it in one whole line (both workers write at the same time), and
    # without the traceback of its start: the one traceback is the script's, of WorkerDied.
    said = [line for line in done.stderr.splitlines() if "UnguardedScriptError" in line]
    assert said, done.stderr[-3000:]
    assert set(said) == {
        "reformgraph.errors.UnguardedScriptError: pipeline.build was started while a worker"
        " process of a build was starting: the worker imports the script"
        f" {tmp_path / 'build_twice.py'}, which then ran its pipeline.build again. Put the"
        ' script\'s calls of reformgraph under `if __name__ == "__main__":` (a build of a large'
        " data folder starts worker processes, and once the process holds threads, as it does"
        " after a first build, they import the script as they start)"
    }, done.stderr[-3000:]
    assert done.stderr.count("Traceback (most recent call last):") == 1, done.stderr[-3000:]
    assert "WorkerDied: a worker process of the build ended abruptly" in done.stderr
    assert not (tmp_path / "second").exists()


def test_a_script_with_the_main_guard_builds_twice_through_a_fork_server(tmp_path: Path) -> None:
    done = _run_twice(tmp_path, guarded=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == "first built; workers start by forkserver\nsecond built\n"
    for name in OUTPUTS:
        assert (tmp_path / "second" / name).read_bytes() == (tmp_path / "first" / name).read_bytes()


def test_a_build_started_in_a_starting_worker_process_is_refused_before_it_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph.errors import UnguardedScriptError

    monkeypatch.setattr(multiprocessing.current_process(), "_inheriting", True, raising=False)
    with pytest.raises(UnguardedScriptError, match=r"^pipeline\.build was started while"):
        pipeline.build(DATA, tmp_path / "out")
    with pytest.raises(UnguardedScriptError, match=r"^pipeline\.check was started while"):
        pipeline.check(DATA)
    assert not (tmp_path / "out").exists()


def test_a_refused_starting_worker_says_why_in_one_write_of_a_whole_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python writes a traceback piece by piece, and the build's workers, refused at the
    same time, write to the same stderr: pieces of one worker's message came between
    pieces of the other's."""
    from reformgraph.errors import UnguardedScriptError

    monkeypatch.setattr(multiprocessing.current_process(), "_inheriting", True, raising=False)
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the refusal replaces it
    with (tmp_path / "stderr").open("w", encoding="utf-8") as stderr:
        monkeypatch.setattr(sys, "stderr", stderr)
        writes: list[tuple[int, bytes]] = []
        write = os.write

        def noted(fd: int, data: bytes) -> int:
            writes.append((fd, bytes(data)))
            return write(fd, data)

        monkeypatch.setattr(os, "write", noted)
        with pytest.raises(UnguardedScriptError) as refused:
            pipeline.check(DATA)
        sys.excepthook(refused.type, refused.value, refused.tb)
        monkeypatch.undo()
        line = f"reformgraph.errors.UnguardedScriptError: {refused.value}\n"
        assert writes == [(stderr.fileno(), line.encode())]
    assert str(refused.value).startswith("pipeline.check was started while")
    assert "Traceback" not in (tmp_path / "stderr").read_text(encoding="utf-8")


def _dies(batch: object) -> object:
    os._exit(9)  # as a worker the kernel killed for memory


def test_a_worker_that_dies_stops_the_build_with_a_message_and_leaves_the_last_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from reformgraph.cli import app

    out = tmp_path / "build"
    pipeline.build(DATA, out)
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    shutil.rmtree(out / produce.CACHE_DIR)  # else every case comes from it, and no worker starts
    monkeypatch.setattr(produce, "_context", lambda: multiprocessing.get_context("fork"))
    monkeypatch.setattr(produce, "PARALLEL_FROM", 2)
    monkeypatch.setattr(produce.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(produce, "_process_batch", _dies)
    result = CliRunner().invoke(app, ["build", "--data", str(DATA), "--out", str(out)])
    assert result.exit_code == 4, result.output
    assert "a worker process of the build ended abruptly (killed, or out of memory)" in (
        result.stderr
    )
    assert "Traceback" not in result.output
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before

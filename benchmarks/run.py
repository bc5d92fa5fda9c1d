"""The benchmark suite of issue 4: build, floor, query latency and rdflib, at several sizes.

Run from the project folder::

    .venv/bin/python benchmarks/run.py [--sizes 1000,10000,100000] [--work DIR] [--keep]
                                       [--rdflib-max N] [--out benchmarks/RESULTS.md]

For each size it writes a synthetic data folder (timed apart: not part of the build), runs
the real build in a fresh child process (wall time, stage times, peak memory of the whole
process tree, store and file sizes), then the floor in fresh child processes (a bare
pyoxigraph bulk load of the build's N-Triples, the shapes as SPARQL on that store, three
dumps), the latency of every saved query on our engine and on bare pyoxigraph, and the same
work on rdflib's in-memory store (up to ``--rdflib-max`` cases). Once per run it also times
``reformgraph query cases`` on the real data against a bare pyoxigraph process. It prints
the figures as it goes and writes ``RESULTS.md`` (and the raw figures as ``RESULTS.json``
beside it), with the issue's targets checked against the numbers.

Memory is sampled from ``/proc`` every 0.1 s over the child and all its descendants (the
build's two workers and its converter process): the peak of the summed RSS (shared
copy-on-write pages counted in each process, so an upper bound), the peak of the summed
PSS (shared pages divided among their sharers, sampled every 0.5 s) and the largest
single process (``ru_maxrss`` from ``wait4``, exact). Linux only.

The same script is the child: ``run.py --child KIND JSON`` runs one measured job and
reports on stdout, one ``@@ {json}`` line per event, importing only what that job needs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(os.environ.get("RG_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
SCRIPT = Path(__file__).resolve()
MARK = "@@ "
PAGE = os.sysconf("SC_PAGE_SIZE")
GB = 1e9
MB = 1e6
#: A capped job is killed when the machine's available memory falls below this (others
#: share the machine).
MEMORY_FLOOR = 1.5 * GB

#: The issue's targets.
BUILD_OVER_BULK_LOAD = 5.0
RDFLIB_OVER_OURS = 20.0
OURS_OVER_BARE = 1.5
PEAK_10K = 1.5 * GB
PEAK_100K = 4.0 * GB
CLI_OVER_BARE = 2.0

Event = dict[str, Any]

# ============================================================================ children
# Each runs in a fresh interpreter; imports stay inside the functions.


def emit(event: str, **fields: Any) -> None:
    """Report one event to the parent."""
    sys.stdout.write(MARK + json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def child_synth(p: Event) -> None:
    from reformgraph.synth import synthesize

    clock = time.perf_counter()
    step = max(100, int(p["cases"]) // 20)

    def progress(_stage: str, done: int, total: int) -> None:
        if done % step == 0 or done == total:
            emit("synth", done=done, total=total, at=time.perf_counter() - clock)

    stats = synthesize(int(p["cases"]), Path(p["folder"]), seed=int(p["seed"]), progress=progress)
    seconds = time.perf_counter() - clock
    emit("result", seconds=seconds, means=stats.means(), entities=stats.total_entities)


def child_build(p: Event) -> None:
    clock = time.perf_counter()
    from reformgraph import pipeline

    imported = time.perf_counter() - clock
    state = {"phase": "", "step": 0}

    def progress(stage: str, done: int, total: int) -> None:
        phase = {"cases": "cases", "store": "store" if done == 0 else "serialise"}.get(stage, stage)
        if phase != state["phase"]:
            state["phase"] = phase
            emit("phase", phase=phase, at=time.perf_counter() - clock)
        if stage == "cases":
            step = done * 20 // max(total, 1)
            if step != state["step"]:
                state["step"] = step
                emit("cases", done=done, total=total, at=time.perf_counter() - clock)

    start = time.perf_counter()
    result = pipeline.build(Path(p["data"]), Path(p["out"]), progress=progress)
    seconds = time.perf_counter() - start
    check = result.check
    emit(
        "result",
        seconds=seconds,
        imported=imported,
        stages=check.seconds,
        triples=check.summary.triples,
        cases=check.summary.cases,
        measures=check.summary.measures,
        figures=check.summary.figures,
        conforms=check.validation.conforms,
        violations=len(check.validation.violations),
        warnings=len(check.validation.warnings),
        uncovered=len(check.uncovered),
        reused=check.reused,
    )


def child_bulk_load(p: Event) -> None:
    import pyoxigraph as ox

    path = Path(p["store"])
    path.mkdir(parents=True)
    store = ox.Store(str(path))
    clock = time.perf_counter()
    store.bulk_load(path=p["nt"], format=ox.RdfFormat.N_TRIPLES)
    seconds = time.perf_counter() - clock
    clock = time.perf_counter()
    store.optimize()
    optimize = time.perf_counter() - clock
    emit("result", seconds=seconds, optimize=optimize, quads=len(store))


def child_floor(p: Event) -> None:
    """The floor's other parts on the bare store: the shapes as SPARQL, three dumps."""
    import pyoxigraph as ox

    from reformgraph.build import PREFIXES
    from reformgraph.pipeline import load_ontology, load_shapes
    from reformgraph.shacl_sparql import compile_shapes, validate_store

    store = ox.Store(p["store"])
    clock = time.perf_counter()
    constraints = compile_shapes(load_shapes(), load_ontology())
    compiled = time.perf_counter() - clock
    clock = time.perf_counter()
    report = validate_store(store, constraints)
    checks = time.perf_counter() - clock
    emit(
        "checks",
        compile=compiled,
        seconds=checks,
        constraints=len(constraints),
        conforms=report.conforms,
        violations=len(report.violations),
        warnings=len(report.warnings),
    )
    prefixes = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    folder = Path(p["dumps"])
    folder.mkdir(parents=True, exist_ok=True)
    dumps: dict[str, dict[str, float]] = {}
    for name, fmt in (
        ("nt", ox.RdfFormat.N_TRIPLES),
        ("ttl", ox.RdfFormat.TURTLE),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ):
        target = folder / f"dump.{name}"
        clock = time.perf_counter()
        store.dump(
            str(target),
            fmt,
            from_graph=ox.DefaultGraph(),
            prefixes=None if name == "nt" else prefixes,
        )
        dumps[name] = {"seconds": time.perf_counter() - clock, "bytes": target.stat().st_size}
        target.unlink()
    emit("result", dumps=dumps)


def child_latency(p: Event) -> None:
    """Every saved query on our engine and on bare pyoxigraph, runs interleaved.

    Two read-only handles on the same store in one process: *bare* is the SPARQL text on
    ``pyoxigraph.Store.read_only``, *ours* is ``run_query_on_store`` on the store opened by
    ``engine.open_store``. Each round runs both engines, alternating which goes first, so
    that load from other processes hits both alike.
    """
    clock = time.perf_counter()
    import pyoxigraph as ox

    texts: dict[str, str] = json.loads(Path(p["texts"]).read_text(encoding="utf-8"))
    bare_store = ox.Store.read_only(p["store"])
    bare_open = time.perf_counter() - clock
    clock = time.perf_counter()
    from reformgraph.engine import open_store
    from reformgraph.queries import run_query_on_store, saved_queries

    # The texts the run took at the start of this size, for both engines, even if a file
    # changes meanwhile.
    queries = {name: q._replace(text=texts[name]) for name, q in saved_queries().items()}
    store = open_store(Path(p["store"]))
    emit("loaded", seconds=time.perf_counter() - clock, bare=bare_open)

    def ours(name: str) -> int:
        result = run_query_on_store(store, queries[name])
        return len(result.rows) if result.boolean is None else 1

    def bare(name: str) -> int:
        # The store's default graph, as a plain pyoxigraph user queries it: the build's
        # triples and the ontology (the build loads the ontology there too).
        result = bare_store.query(texts[name])
        if isinstance(result, ox.QuerySolutions):
            return len([tuple(solution) for solution in result])
        if isinstance(result, ox.QueryBoolean):
            return 1
        return len(list(result))

    engines = {"ours": ours, "bare": bare}
    first = 0 if p["warmup"] else 1
    for name in p["names"]:
        for index in range(first, int(p["repeat"]) + 1):
            order = ("ours", "bare") if index % 2 == 0 else ("bare", "ours")
            for engine in order:
                emit("start", name=name, engine=engine, index=index)
                clock = time.perf_counter()
                rows = engines[engine](name)
                seconds = time.perf_counter() - clock
                emit("run", name=name, engine=engine, index=index, seconds=seconds, rows=rows)
    emit("result")


class _Late(BaseException):  # not an Exception: rdflib must not catch it
    """A query ran past its time limit (raised by the alarm signal)."""


def child_rdflib(p: Event) -> None:
    """rdflib's in-memory store: parse the build's Turtle, then each saved query once.

    A query past its limit is stopped in the process by an alarm signal (rdflib's engine is
    pure Python, so the signal lands at once), so the graph is parsed only once.
    """
    from rdflib import Graph

    from reformgraph.pipeline import load_ontology
    from reformgraph.queries import run_query, saved_queries

    texts: dict[str, str] = json.loads(Path(p["texts"]).read_text(encoding="utf-8"))
    queries = {name: q._replace(text=texts[name]) for name, q in saved_queries().items()}
    graph = Graph()
    clock = time.perf_counter()
    graph.parse(p["ttl"], format="turtle")
    seconds = time.perf_counter() - clock
    triples = len(graph)
    clock = time.perf_counter()
    graph += load_ontology()
    ontology = time.perf_counter() - clock
    graph.query("ASK { ?s ?p ?o }")  # loads rdflib's SPARQL machinery once
    emit("loaded", seconds=seconds, ontology=ontology, triples=triples)

    def alarm(_signum: int, _frame: object) -> None:
        raise _Late

    signal.signal(signal.SIGALRM, alarm)
    limits: dict[str, float] = p["limits"]
    for name in p["names"]:
        for index in range(1, int(p["repeat"]) + 1):
            emit("start", name=name, engine="rdflib", index=index)
            clock = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, limits[name])
            try:
                result = run_query(graph, queries[name])
            except _Late:
                emit("late", name=name, engine="rdflib", index=index, limit=limits[name])
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            seconds = time.perf_counter() - clock
            rows = len(result.rows) if result.boolean is None else 1
            emit("run", name=name, engine="rdflib", index=index, seconds=seconds, rows=rows)
            del result
    emit("result")


CHILDREN: dict[str, Callable[[Event], None]] = {
    "synth": child_synth,
    "build": child_build,
    "bulk_load": child_bulk_load,
    "floor": child_floor,
    "latency": child_latency,
    "rdflib": child_rdflib,
}

#: The bare process ``reformgraph query cases`` is compared with: pyoxigraph only.
BARE_CASES = """\
import sys
import pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
with open(sys.argv[2], encoding="utf-8") as f:
    text = f.read()
write = sys.stdout.write
for row in store.query(text):
    write(",".join("" if t is None else t.value for t in row) + "\\n")
"""

# ============================================================================ measuring


def _descendants(root: int) -> list[int]:
    """``root`` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _rss(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/statm").read_text(encoding="ascii").split()
    except OSError:
        return 0
    return int(fields[1]) * PAGE


def _available() -> int:
    """The machine's available memory (``MemAvailable``), in bytes."""
    try:
        for line in Path("/proc/meminfo").read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 1 << 62


def _pss(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="ascii", errors="replace")
    except OSError:
        return 0
    for line in text.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0


class Sampler:
    """Samples the memory of a process tree in a thread: peaks of summed RSS and PSS."""

    def __init__(
        self, pid: int, interval: float = 0.1, pss_every: int = 5, cap: int | None = None
    ) -> None:
        self.pid = pid
        self.cap = cap
        self.over_cap = False
        self.over_cap_why = ""
        self.interval = interval
        self.pss_every = pss_every
        self.phase = "start"
        self.peak_rss = 0
        self.last_rss = 0
        self.peak_pss = 0
        self.peak_single = 0
        self.processes = 0
        self.phase_peaks: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        count = 0
        while not self._stop.is_set():
            pids = _descendants(self.pid)
            sizes = [_rss(pid) for pid in pids]
            total = sum(sizes)
            self.last_rss = total
            self.peak_rss = max(self.peak_rss, total)
            self.peak_single = max(self.peak_single, *sizes)
            self.processes = max(self.processes, sum(1 for size in sizes if size))
            phase = self.phase
            self.phase_peaks[phase] = max(self.phase_peaks.get(phase, 0), total)
            # The cap is on PSS (summed RSS counts a forked worker's shared pages twice:
            # it jumps when workers start) and on the machine's available memory.
            pss = 0
            if count % self.pss_every == 0 or (self.cap is not None and total > self.cap):
                pss = sum(_pss(pid) for pid in pids)
                self.peak_pss = max(self.peak_pss, pss)
            count += 1
            short = self.cap is not None and _available() < MEMORY_FLOOR
            if self.cap is not None and (pss > self.cap or short) and not self.over_cap:
                self.over_cap = True
                self.over_cap_why = (
                    f"{fmt_b(pss)} summed PSS, above the cap of {fmt_b(self.cap)}"
                    if pss > self.cap
                    else f"the machine's available memory below {fmt_b(MEMORY_FLOOR)}"
                )
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self._stop.wait(self.interval)


@dataclass
class ChildRun:
    """What one measured child process did."""

    kind: str
    events: list[Event] = field(default_factory=list)
    returncode: int | None = None
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss: int = 0
    peak_pss: int = 0
    peak_single: int = 0
    processes: int = 0
    phase_peaks: dict[str, int] = field(default_factory=dict)
    timed_out: bool = False
    out_of_budget: bool = False
    over_memory_cap: bool = False
    over_memory_why: str = ""
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out and not self.over_memory_cap

    def why(self) -> str:
        """Why it did not finish, in words."""
        if self.out_of_budget:
            return f"stopped after {fmt_s(self.wall)}: the size's time budget (--budget) ran out"
        if self.timed_out:
            return f"stopped after {fmt_s(self.wall)}: past its time limit"
        if self.over_memory_cap:
            return (
                f"killed after {fmt_s(self.wall)}: memory above the cap"
                f" ({self.over_memory_why or fmt_b(self.peak_rss) + ' summed RSS'})"
            )
        last = self.error.strip().splitlines()[-1:] if self.error.strip() else [""]
        return f"failed (exit {self.returncode}): {last[0]}"

    @property
    def result(self) -> Event:
        for event in reversed(self.events):
            if event["event"] == "result":
                return event
        return {}

    def first(self, kind: str) -> Event:
        return next((e for e in self.events if e["event"] == kind), {})


#: Called with each event (``None`` at the start); returns the seconds the next event may
#: take (``None``: no limit).
Deadline = Callable[[Event | None], float | None]


def run_child(
    kind: str,
    params: Event,
    log: Path,
    *,
    deadline: Deadline | None = None,
    on_event: Callable[[Event, Sampler], None] | None = None,
    until: float | None = None,
    memory_cap: int | None = None,
) -> ChildRun:
    """Run one job in a fresh interpreter (its own session), measuring it; kill its whole
    tree if an event is late, at ``until`` (a ``perf_counter`` time) or when the tree's
    summed RSS goes above ``memory_cap``."""
    command = [sys.executable, str(SCRIPT), "--child", kind, json.dumps(params)]
    run = ChildRun(kind=kind)
    with log.open("a", encoding="utf-8") as err:
        err.write(f"\n==== {dt.datetime.now().isoformat(timespec='seconds')} {kind} {params}\n")
        err.flush()
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            encoding="utf-8",
            start_new_session=True,
            cwd=ROOT,
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def read() -> None:
            assert process.stdout is not None
            for line in process.stdout:
                lines.put(line)
            lines.put(None)

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        with Sampler(process.pid, cap=memory_cap) as sampler:

            def due_at(limit: float | None) -> float | None:
                due = None if limit is None else time.perf_counter() + limit
                if until is not None and (due is None or until < due):
                    return until
                return due

            due = due_at(deadline(None) if deadline else None)
            while True:
                wait = 0.5 if due is None else max(0.0, min(0.5, due - time.perf_counter()))
                try:
                    line = lines.get(timeout=wait)
                except queue.Empty:
                    if due is not None and time.perf_counter() >= due:
                        run.timed_out = True
                        run.out_of_budget = due == until
                        os.killpg(process.pid, signal.SIGKILL)
                        break
                    continue
                if line is None:
                    break
                if not line.startswith(MARK):
                    continue
                event = json.loads(line[len(MARK) :])
                run.events.append(event)
                if event["event"] == "phase":
                    sampler.phase = event["phase"]
                if on_event is not None:
                    on_event(event, sampler)
                if deadline is not None:
                    due = due_at(deadline(event))
            _pid, status, usage = os.wait4(process.pid, 0)
            process.returncode = os.waitstatus_to_exitcode(status)
            run.wall = time.perf_counter() - start
        reader.join(timeout=5)
        if run.timed_out:  # the workers it left behind, if any (same process group)
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    run.returncode = process.returncode
    run.cpu = usage.ru_utime + usage.ru_stime
    run.peak_rss = sampler.peak_rss
    run.peak_pss = sampler.peak_pss
    run.peak_single = max(sampler.peak_single, usage.ru_maxrss * 1024)
    run.processes = sampler.processes
    run.phase_peaks = dict(sampler.phase_peaks)
    run.over_memory_cap = sampler.over_cap
    run.over_memory_why = sampler.over_cap_why
    if not run.ok and not run.timed_out and not run.over_memory_cap:
        run.error = _tail(log)
    return run


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _disk_usage(path: Path) -> int:
    """Bytes a file or folder takes on disk."""
    if path.is_file():
        return path.stat().st_blocks * 512
    return sum(f.stat().st_blocks * 512 for f in path.rglob("*") if f.is_file())


def _free(path: Path) -> int:
    return shutil.disk_usage(path).free


# ============================================================================ formatting


def fmt_s(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 1:
        return f"{seconds * 1000:.3g} ms"
    if seconds < 100:
        return f"{seconds:.3g} s"
    return f"{seconds:.0f} s"


def fmt_ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    return f"{ms:.3g}" if ms < 1000 else f"{ms:.0f}"


def fmt_b(size: float | None) -> str:
    if size is None:
        return "-"
    if size >= GB:
        return f"{size / GB:.2f} GB"
    return f"{size / MB:.0f} MB" if size >= 10 * MB else f"{size / MB:.1f} MB"


def fmt_x(ratio: float | None, prefix: str = "") -> str:
    if ratio is None:
        return "-"
    return f"{prefix}{ratio:.3g}x" if ratio < 100 else f"{prefix}{ratio:.0f}x"


def say(text: str) -> None:
    print(text, flush=True)


def _cases_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


# ============================================================================ one size


@dataclass
class Query:
    """One query's latency on one engine: timed runs, rows, or why there are none.

    ``timeout``: a run took longer than this many seconds and was stopped; ``failed``: it
    raised; ``skipped``: it was not run, and why."""

    runs: list[float] = field(default_factory=list)
    rows: int | None = None
    timeout: float | None = None
    failed: str | None = None
    skipped: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.runs) if self.runs else None


Engines = dict[str, dict[str, Query]]


def _query_child(
    kind: str,
    params: Event,
    log: Path,
    names: list[str],
    engines: list[str],
    *,
    timeout: Callable[[str], float],
    load_timeout: float,
    until: float | None,
    memory_cap: int | None = None,
    restart: bool = True,
) -> tuple[Engines, list[ChildRun]]:
    """Run a query child over ``names``; when a run is late, kill the child, mark that query
    and (if ``restart``) go on with the rest in a fresh child. A run that a child stops by
    itself (``late`` event) is marked without a restart."""
    results: Engines = {engine: {name: Query() for name in names} for engine in engines}
    runs: list[ChildRun] = []
    todo = list(names)
    while todo:
        current: list[tuple[str, str]] = []

        def deadline(event: Event | None) -> float | None:
            if event is None:
                return load_timeout
            if event["event"] == "start":
                return timeout(event["name"]) + 30.0  # the child's own limit comes first
            if event["event"] in ("loaded", "run", "late"):
                return load_timeout  # between runs: only the next start
            return None

        def on_event(
            event: Event, _sampler: Sampler, current: list[tuple[str, str]] = current
        ) -> None:
            kind_ = event["event"]
            if kind_ == "start":
                current[:] = [(event["name"], event["engine"])]
            elif kind_ == "run":
                query = results[event["engine"]][event["name"]]
                if event["index"] > 0:
                    query.runs.append(event["seconds"])
                query.rows = event["rows"]
                current[:] = []
                say(
                    f"    … {event['engine']:<6} {event['name']:<36} run {event['index']}:"
                    f" {fmt_s(event['seconds'])}, {event['rows']} rows"
                )
            elif kind_ == "late":
                results[event["engine"]][event["name"]].timeout = event["limit"]
                current[:] = []
                say(
                    f"    … {event['engine']:<6} {event['name']:<36}"
                    f" stopped at {event['limit']:.0f} s"
                )
            elif kind_ == "loaded":
                say(f"    … {kind} child ready after {fmt_s(event['seconds'])}")

        child = run_child(
            kind,
            {**params, "names": todo},
            log,
            deadline=deadline,
            on_event=on_event,
            until=until,
            memory_cap=memory_cap,
        )
        runs.append(child)
        loaded = child.first("loaded")
        if child.ok:
            break
        reason = child.why()
        if not loaded:
            for engine in engines:
                for name in todo:
                    results[engine][name].skipped = f"not run: the {kind} child {reason}"
            break
        if not current:  # died between runs
            stuck_name = None
            after = [e["name"] for e in child.events if e["event"] in ("run", "late")]
            index = todo.index(after[-1]) + 1 if after else 0
        else:
            stuck_name, stuck_engine = current[0]
            stuck = results[stuck_engine][stuck_name]
            if child.timed_out and not child.out_of_budget:
                stuck.timeout = timeout(stuck_name)
            elif child.out_of_budget:
                stuck.skipped = "stopped: the size's time budget ran out"
            else:
                stuck.failed = reason
            for engine in engines:
                other = results[engine][stuck_name]
                if engine != stuck_engine and not other.runs and other.timeout is None:
                    other.skipped = f"not run: {stuck_engine} was stopped on this query"
            index = todo.index(stuck_name) + 1
        todo = todo[index:]
        if child.out_of_budget or not restart:
            why = (
                "not run: the size's time budget ran out"
                if child.out_of_budget
                else f"not run: the {kind} child {reason}"
            )
            for engine in engines:
                for name in todo:
                    results[engine][name].skipped = why
            break
    return results, runs


def _memory(run: ChildRun) -> Event:
    return {
        "wall": run.wall,
        "cpu": run.cpu,
        "peak_rss": run.peak_rss,
        "peak_pss": run.peak_pss,
        "peak_single": run.peak_single,
        "processes": run.processes,
        "phase_peaks": run.phase_peaks,
        "ok": run.ok,
        "timed_out": run.timed_out,
        "out_of_budget": run.out_of_budget,
        "over_memory_cap": run.over_memory_cap,
        "error": run.error,
    }


def _budget_text(text: str) -> str:
    """``--budget`` checked when the options are read: N=SECONDS pairs, comma-separated."""
    for part in filter(None, (p.strip() for p in text.split(","))):
        size, sep, seconds = part.partition("=")
        try:
            int(size.strip().replace("_", ""))
            float(seconds)
        except ValueError:
            sep = ""
        if not sep:
            raise argparse.ArgumentTypeError(f"{part!r} is not N=SECONDS (e.g. 1000=1800)")
    return text


def _budget_for(n: int, args: argparse.Namespace) -> float | None:
    """The time budget of a size, from ``--budget`` (``N=SECONDS,...``)."""
    for part in (args.budget or "").split(","):
        if "=" in part:
            size, seconds = part.split("=", 1)
            if int(size.strip().replace("_", "")) == n:
                return float(seconds)
    return None


def bench_size(n: int, args: argparse.Namespace, work: Path) -> Event:
    """Everything measured at one size, most important first: the build, the bare bulk
    load, our and bare query latency, rdflib, then the rest of the floor (checks and dumps).
    Whatever the size's time budget leaves out is recorded as not measured."""
    from reformgraph.queries import saved_queries

    names = list(args.query_names)
    label = _cases_label(n)
    folder = work / f"cases-{n}"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    log = work / f"cases-{n}.log"
    data, out, bare = folder / "data", folder / "build", folder / "bare-store"
    started = time.perf_counter()
    budget = _budget_for(n, args)
    until = None if budget is None else started + budget
    repeat = args.repeat if n < args.large else args.repeat_large
    warmup = n < args.no_warmup_from
    texts = work / f"queries-{n}.json"
    texts.write_text(
        json.dumps({name: q.text for name, q in saved_queries().items()}, ensure_ascii=False),
        encoding="utf-8",
    )
    dirty = _git("status", "--porcelain", "--", "src")
    res: Event = {
        "cases": n,
        "seed": args.seed,
        "machine": machine(),
        "code": {
            "commit": _git("rev-parse", "--short", "HEAD"),
            "src_modified": len(dirty.splitlines()) if dirty else 0,
            "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        },
        "free_disk_before": _free(work),
        "budget": budget,
        "repeat": repeat,
        "warmup": warmup,
        "skipped": {},
        # The saved queries timed (--queries), and run on rdflib (--rdflib-queries).
        "selected": {"queries": names, "rdflib": list(args.rdflib_names)},
        "saved_queries": list(saved_queries()),
    }
    say(
        f"\n=== {label} cases ({folder}; log {log}) — free disk {fmt_b(_free(work))}"
        + (f"; time budget {fmt_s(budget)}" if budget else "")
    )

    def left(step: str, need: float = 5.0) -> bool:
        """Whether the budget leaves time for ``step``; records it as skipped if not."""
        if until is None or until - time.perf_counter() >= need:
            return True
        res["skipped"][step] = "not run: the size's time budget ran out"
        say(f"  {step}: not run, the size's time budget ran out")
        return False

    # 1. synthetic data (not part of the build, not in the budget's priorities)
    synth = run_child(
        "synth",
        {"cases": n, "folder": str(data), "seed": args.seed},
        log,
        memory_cap=int(args.build_memory_cap * GB),
        until=until,
        on_event=lambda e, _s: (
            say(f"    … synth {e['done']}/{e['total']} at {fmt_s(e['at'])}")
            if e["event"] == "synth"
            else None
        ),
    )
    res["synth"] = {**synth.result, **_memory(synth)}
    if not synth.ok:
        last = [e for e in synth.events if e["event"] == "synth"][-1:]
        res["failed"] = f"synthesize {synth.why()}" + (
            f"; {last[0]['done']:,} of {n:,} cases written by {fmt_s(last[0]['at'])}"
            if last
            else ""
        )
        say(f"  synth FAILED: {synth.why()}")
        return res
    res["data_bytes"] = _disk_usage(data)
    say(f"  synth      {fmt_s(synth.result['seconds']):>10}   data {fmt_b(res['data_bytes'])}")

    # 2. the build
    build_started = time.perf_counter()

    def on_build(event: Event, sampler: Sampler) -> None:
        if event["event"] == "phase":
            say(f"    … {event['phase']} from {fmt_s(event['at'])}")
        elif event["event"] == "cases":
            event["rss"] = sampler.last_rss
            say(
                f"    … cases {event['done']}/{event['total']} at {fmt_s(event['at'])}"
                f" (tree RSS {fmt_b(sampler.last_rss)}, peak {fmt_b(sampler.peak_rss)})"
            )

    build = run_child(
        "build",
        {"data": str(data), "out": str(out)},
        log,
        deadline=lambda _e: max(1.0, args.build_timeout - (time.perf_counter() - build_started)),
        on_event=on_build,
        until=until,
        memory_cap=int(args.build_memory_cap * GB),
    )
    res["build"] = {**build.result, **_memory(build)}
    res["build"]["phases"] = [e for e in build.events if e["event"] in ("phase", "cases")]
    if not build.ok:
        last = res["build"]["phases"][-1] if res["build"]["phases"] else {}
        res["failed"] = f"build {build.why()}; last progress: {json.dumps(last)}"
        say(f"  build NOT COMPLETED: {res['failed']}")
        _cleanup(folder, args.keep)
        return res
    b = build.result
    files = {suffix: (out / f"reformgraph.{suffix}").stat().st_size for suffix in ("nt", "ttl")}
    files["jsonld"] = (out / "reformgraph.jsonld").stat().st_size
    res["files"] = files
    res["store_bytes"] = _disk_usage(out / "store")
    res["cache_bytes"] = _disk_usage(out / ".cache") if (out / ".cache").exists() else 0
    res["peak_disk_bytes"] = res["data_bytes"] + _disk_usage(out)
    stages = ", ".join(f"{k} {fmt_s(v)}" for k, v in b["stages"].items())
    say(
        f"  build      {fmt_s(b['seconds']):>10}   process {fmt_s(build.wall)};"
        f" {stages}; peak tree RSS {fmt_b(build.peak_rss)} (PSS {fmt_b(build.peak_pss)},"
        f" largest process {fmt_b(build.peak_single)}); {b['triples']:,} triples;"
        f" store {fmt_b(res['store_bytes'])}; nt {fmt_b(files['nt'])}, ttl {fmt_b(files['ttl'])},"
        f" jsonld {fmt_b(files['jsonld'])}; cache {fmt_b(res['cache_bytes'])}"
    )
    run_rdflib = n <= args.rdflib_max
    if not run_rdflib:  # make room for the bare store: rdflib alone needs the Turtle
        shutil.rmtree(out / ".cache", ignore_errors=True)
        for suffix in ("ttl", "jsonld"):
            (out / f"reformgraph.{suffix}").unlink(missing_ok=True)

    # 3. the floor's bulk load
    load: ChildRun | None = None
    if args.skip_bulk_load:
        res["skipped"]["bare bulk load"] = "not run: --skip-bulk-load"
    elif left("bare bulk load"):
        load = run_child(
            "bulk_load", {"nt": str(out / "reformgraph.nt"), "store": str(bare)}, log, until=until
        )
        res["bulk_load"] = {**load.result, **_memory(load)}
        if load.ok:
            res["bare_store_bytes"] = _disk_usage(bare)
            say(
                f"  bulk load  {fmt_s(load.result['seconds']):>10}   peak {fmt_b(load.peak_rss)};"
                f" {load.result['quads']:,} quads; (optimize {fmt_s(load.result['optimize'])},"
                " not in the floor); build/bulk load"
                f" {fmt_x(b['seconds'] / load.result['seconds'])}"
            )
        else:
            say(f"  bulk load NOT COMPLETED: {load.why()}")

    if args.build_only:
        for step in ("query latency (ours and bare)", "constraint checks and dumps (floor)"):
            res["skipped"][step] = "not run: --build-only"
        res["skipped"]["rdflib"] = "not run: --build-only"
        res["seconds"] = time.perf_counter() - started
        res["free_disk_after"] = _free(work)
        _cleanup(folder, args.keep)
        return res

    # 4. query latency, ours and bare, interleaved in one process
    store = str(out / "store")
    if left("query latency (ours and bare)"):
        say(
            f"  queries: {len(names)} saved queries, {repeat} timed run(s) each"
            + (" after a warm-up" if warmup else ", no warm-up")
            + f", ours and bare interleaved; limit {args.query_timeout:.0f} s a run"
        )
        latency, latency_runs = _query_child(
            "latency",
            {"store": store, "repeat": repeat, "warmup": warmup, "texts": str(texts)},
            log,
            names,
            ["ours", "bare"],
            timeout=lambda _name: args.query_timeout,
            load_timeout=600.0,
            until=until,
        )
        res["queries"] = {engine: _dump_queries(q) for engine, q in latency.items()}
        res["query_memory"] = _memory(latency_runs[0])
        loaded = latency_runs[0].first("loaded")
        res["query_open"] = {"ours": loaded.get("seconds"), "bare": loaded.get("bare")}

    # 5. the rest of the floor: checks and dumps on the bare store
    if load is not None and load.ok and left("constraint checks and dumps (floor)", 30.0):
        floor = run_child(
            "floor", {"store": str(bare), "dumps": str(folder / "dumps")}, log, until=until
        )
        res["floor"] = {
            "checks": floor.first("checks"),
            "dumps": floor.result.get("dumps", {}),
            **_memory(floor),
        }
        checks = floor.first("checks")
        if checks:
            say(
                f"  checks     {fmt_s(checks['seconds']):>10}   {checks['constraints']}"
                f" constraints, conforms={checks['conforms']}"
            )
        if floor.ok:
            dumps = floor.result["dumps"]
            total = load.result["seconds"] + checks["seconds"]
            total += sum(d["seconds"] for d in dumps.values())
            res["floor"]["total"] = total
            say(
                "  dumps                   "
                + ", ".join(f"{k} {fmt_s(v['seconds'])}" for k, v in dumps.items())
            )
            say(
                f"  floor      {fmt_s(total):>10}   build/bulk load"
                f" {fmt_x(b['seconds'] / load.result['seconds'])},"
                f" build/floor {fmt_x(b['seconds'] / total)}"
            )
        else:
            res["floor"]["failed"] = floor.why()
            say(f"  floor NOT COMPLETED: {floor.why()}")
    # 6. rdflib, here or (--defer-rdflib-from) after every size, from the Turtle kept aside
    if not run_rdflib:
        res["skipped"]["rdflib"] = f"not run above {args.rdflib_max:,} cases (--rdflib-max)"
    elif args.defer_rdflib_from and n >= args.defer_rdflib_from:
        kept = work / f"rdflib-{n}.ttl"
        shutil.copyfile(out / "reformgraph.ttl", kept)
        res["rdflib_deferred"] = str(kept)
        res["skipped"]["rdflib"] = "deferred to the end of the run (--defer-rdflib-from)"
        say("  rdflib: deferred to the end of the run (--defer-rdflib-from)")
    elif left("rdflib", 60.0):
        bench_rdflib(res, out / "reformgraph.ttl", texts, args, log, until)
    _print_latency(res, names)

    res["seconds"] = time.perf_counter() - started
    res["free_disk_after"] = _free(work)
    _cleanup(folder, args.keep)
    return res


def bench_rdflib(
    res: Event, ttl: Path, texts: Path, args: argparse.Namespace, log: Path, until: float | None
) -> None:
    """rdflib's in-memory store on one size's Turtle: parse, then each saved query
    (those of --rdflib-queries)."""
    names = list(args.rdflib_names)
    ours_q = _load_queries(res.get("queries", {}).get("ours"))

    def limit(name: str) -> float:
        median = ours_q[name].median if name in ours_q else None
        wanted = 25 * median if median is not None else args.rdflib_timeout
        return min(args.rdflib_timeout_max, max(args.rdflib_timeout, wanted))

    limits = {name: limit(name) for name in names}
    say(
        f"  rdflib: parsing the Turtle (limit {fmt_s(args.rdflib_load_timeout)}, memory cap"
        f" {fmt_b(args.rdflib_memory_cap * GB)}) …"
    )

    rdflib, rdflib_runs = _query_child(
        "rdflib",
        {"ttl": str(ttl), "repeat": args.rdflib_repeat, "limits": limits, "texts": str(texts)},
        log,
        names,
        ["rdflib"],
        timeout=lambda name: limits[name],
        load_timeout=args.rdflib_load_timeout,
        until=until,
        memory_cap=int(args.rdflib_memory_cap * GB),
        restart=False,
    )
    first = rdflib_runs[0]
    loaded = first.first("loaded")
    res["rdflib"] = {
        "load": loaded,
        "limits": limits,
        **_memory(first),
        "queries": _dump_queries(rdflib["rdflib"]),
    }
    if loaded:
        say(
            f"  rdflib     {fmt_s(loaded['seconds']):>10}   parse the Turtle; peak"
            f" {fmt_b(first.peak_rss)} in all; {loaded['triples']:,} triples"
        )
    else:
        res["rdflib"]["failed"] = f"rdflib could not parse the Turtle: {first.why()}"
        say(f"  rdflib could not parse the Turtle: {first.why()}")


def _print_latency(res: Event, names: list[str]) -> None:
    """The latency table of one size, on the console."""
    if "queries" in res:
        say(
            f"  {'query':<38} {'rows':>8} {'ours ms':>9} {'bare ms':>9} {'ours/bare':>9}"
            f" {'rdflib ms':>10} {'rdflib/ours':>11}"
        )
        engines = _engines(res)
        for name in names:
            row = _query_row(name, engines)
            say(
                f"  {name:<38} {row['rows']:>8} {row['ours']:>9} {row['bare']:>9}"
                f" {row['ours/bare']:>9} {row['rdflib']:>10} {row['rdflib/ours']:>11}"
            )


def _cleanup(folder: Path, keep: bool) -> None:
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)


def _dump_queries(results: dict[str, Query]) -> dict[str, Event]:
    return {name: asdict(query) for name, query in results.items()}


def _load_queries(raw: dict[str, Event] | None) -> dict[str, Query]:
    return {name: Query(**value) for name, value in (raw or {}).items()}


def _engines(r: Event) -> dict[str, dict[str, Query]]:
    """The latency figures of one size, by engine (rdflib only where it ran)."""
    engines = {key: _load_queries(r.get("queries", {}).get(key)) for key in ("ours", "bare")}
    if "rdflib" in r:
        engines["rdflib"] = _load_queries(r["rdflib"].get("queries"))
    return engines


def _cell(query: Query | None) -> str:
    if query is None:
        return "-"
    if query.runs:
        return fmt_ms(query.median)
    if query.timeout is not None:
        return f"> {query.timeout:.0f} s"
    if query.failed is not None:
        return "failed"
    if query.skipped is not None:
        return "not run"
    return "-"


def _query_row(name: str, engines: dict[str, dict[str, Query]]) -> dict[str, str]:
    """One line of the latency table, as text."""
    o, b = engines["ours"].get(name), engines["bare"].get(name)
    rdflib = engines.get("rdflib")
    r = rdflib.get(name) if rdflib is not None else None
    found = [
        (k, q.rows)
        for k, q in (("ours", o), ("bare", b), ("rdflib", r))
        if q and q.rows is not None
    ]
    counts = {rows for _k, rows in found}
    rows = (
        "-"
        if not counts
        else str(counts.pop())
        if len(counts) == 1
        else "≠ " + ", ".join(f"{k} {rows}" for k, rows in found)
    )
    return {
        "rows": rows,
        "ours": _cell(o),
        "bare": _cell(b),
        "rdflib": _cell(r) if rdflib is not None else "not run",
        "ours/bare": fmt_x(_ratio(o, b)),
        "rdflib/ours": _rdflib_ratio_text(r, o) if rdflib is not None else "-",
    }


def _ratio(a: Query | None, b: Query | None) -> float | None:
    if a is None or b is None or a.median is None or b.median is None or b.median <= 0:
        return None
    return a.median / b.median


def _rdflib_ratio(r: Query | None, o: Query | None) -> tuple[float | None, bool]:
    """rdflib/ours and whether it is a lower bound (rdflib timed out)."""
    if r is None or o is None or o.median is None or o.median <= 0:
        return None, False
    if not r.runs and r.timeout is not None:
        return r.timeout / o.median, True
    if r.median is None:
        return None, False
    return r.median / o.median, False


def _rdflib_ratio_text(r: Query | None, o: Query | None) -> str:
    ratio, lower = _rdflib_ratio(r, o)
    return fmt_x(ratio, "> " if lower else "")


# ============================================================================ real data


def bench_real(args: argparse.Namespace, work: Path) -> Event:
    """``reformgraph query cases`` on the real data as a whole process, against a bare one."""
    from reformgraph.queries import saved_query

    folder = work / "real"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    log = work / "real.log"
    out = folder / "build"
    say(f"\n=== reformgraph query cases on the real data ({ROOT / 'data'})")
    build = run_child("build", {"data": str(ROOT / "data"), "out": str(out)}, log)
    if not build.ok:
        say(f"  build FAILED:\n{build.error}")
        return {"failed": f"build of the real data failed: {build.error}"}
    query_file = folder / "cases.rq"
    query_file.write_text(saved_query("cases").text, encoding="utf-8")
    script = Path(sys.executable).with_name("reformgraph")
    if not script.is_file():
        found = shutil.which("reformgraph")
        if found is None:
            return {"failed": "no reformgraph console script found"}
        script = Path(found)
    ours_cmd = [str(script), "query", "cases", "--build", str(out), "-f", "csv"]
    bare_cmd = [sys.executable, "-c", BARE_CASES, str(out / "store"), str(query_file)]
    # Both processes may cache bytecode, in a folder of their own that the warm-up fills: an
    # installed copy has its .pyc files (pip writes them), but with PYTHONDONTWRITEBYTECODE
    # set an editable install would compile reformgraph's modules on every run, a cost no
    # installed copy pays and the bare process (one line of its own source) hardly has.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    lines: dict[str, int] = {}
    for index in range(args.cli_runs + 1):  # the first of each is a warm-up
        for key, cmd in (("ours", ours_cmd), ("bare", bare_cmd)):
            clock = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, check=False, cwd=folder, env=env)
            seconds = time.perf_counter() - clock
            if done.returncode != 0:
                message = done.stderr.decode("utf-8", "replace")[-2000:]
                say(f"  {key} FAILED: {message}")
                return {"failed": f"{key} exited {done.returncode}: {message}"}
            lines[key] = len(done.stdout.splitlines())
            if index > 0:
                times[key].append(seconds)
    ours = statistics.median(times["ours"])
    bare = statistics.median(times["bare"])
    say(
        f"  query cases {fmt_s(ours)} (median of {args.cli_runs}), bare pyoxigraph process"
        f" {fmt_s(bare)}: {fmt_x(ours / bare)}; rows {lines['ours'] - 1} / {lines['bare']}"
    )
    _cleanup(folder, args.keep)
    return {
        "ours": times["ours"],
        "bare": times["bare"],
        "median_ours": ours,
        "median_bare": bare,
        "rows_ours": lines["ours"] - 1,  # CSV header
        "rows_bare": lines["bare"],
        "command": " ".join(["reformgraph", *ours_cmd[1:]]),
        "triples": build.result.get("triples"),
        "bytecode": "cached",
    }


# ============================================================================ machine


def machine() -> Event:
    from importlib.metadata import version

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                ram = int(line.split()[1]) * 1024
    except OSError:
        pass
    commit = _git("rev-parse", "--short", "HEAD")
    dirty = _git("status", "--porcelain", "--", "src")
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "rdflib": version("rdflib"),
        "reformgraph": version("reformgraph"),
        "commit": commit,
        "src_modified": len(dirty.splitlines()) if dirty else 0,
    }


def _git(*args: str) -> str:
    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False, cwd=ROOT)
    except OSError:
        return ""
    return done.stdout.strip()


# ============================================================================ RESULTS.md


def _verdict(ok: bool | None) -> str:
    return "not measured" if ok is None else "MET" if ok else "NOT MET"


def targets(results: Event) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) for each of the issue's targets."""
    sizes = {r["cases"]: r for r in results["sizes"]}
    rows: list[tuple[str, str, str]] = []
    at10 = sizes.get(10_000)
    # build ≤ 5x bulk load
    text, ok = "size not run", None
    if at10 is not None and "failed" not in at10 and at10.get("bulk_load", {}).get("ok"):
        ratio = at10["build"]["seconds"] / at10["bulk_load"]["seconds"]
        text = (
            f"{fmt_x(ratio)} (build {fmt_s(at10['build']['seconds'])}, bare bulk load"
            f" {fmt_s(at10['bulk_load']['seconds'])})"
        )
        ok = ratio <= BUILD_OVER_BULK_LOAD
    elif at10 is not None:
        text = (
            at10.get("failed")
            or at10["skipped"].get("bare bulk load")
            or "the bulk load did not complete"
        )
    rows.append(("10k: whole build ≤ 5x the bare bulk load", text, _verdict(ok)))
    # queries vs rdflib and vs bare
    text_r, ok_r = _rdflib_target(at10)
    rows.append(
        ("10k: every saved query ≥ 20x faster than rdflib in memory", text_r, _verdict(ok_r))
    )
    for r in results["sizes"]:  # where rdflib ran at other sizes: for information
        if r["cases"] != 10_000 and r.get("rdflib", {}).get("load"):
            text, ok = _rdflib_target(r)
            rows.append(
                (
                    f"({_cases_label(r['cases'])}, for information: every saved query ≥ 20x"
                    " faster than rdflib)",
                    text,
                    _verdict(ok),
                )
            )
    text_b, ok_b = _bare_target(at10)
    rows.append(("10k: every saved query ≤ 1.5x bare pyoxigraph", text_b, _verdict(ok_b)))
    # memory
    for size, limit, name in ((10_000, PEAK_10K, "10k"), (100_000, PEAK_100K, "100k")):
        r = sizes.get(size)
        text, ok = "size not run", None
        if r is not None and "build" in r and r["build"].get("ok"):
            peak = r["build"]["peak_rss"]
            ok = peak <= limit
            text = (
                f"{fmt_b(peak)} summed RSS of the process tree (summed PSS"
                f" {fmt_b(r['build']['peak_pss'])}, largest process"
                f" {fmt_b(r['build']['peak_single'])})"
            )
            if not ok and r["build"]["peak_pss"] <= limit:
                text += "; within the target by PSS"
        elif r is not None and r.get("build", {}).get("peak_single", 0) > limit:
            # Stopped before the end, but one process alone (exact) was already above.
            ok = False
            text = (
                f"at least {fmt_b(r['build']['peak_single'])}: one process (exact, ru_maxrss)"
                f" before the build was stopped ({_one_line(r.get('failed', ''))})"
            )
        elif r is not None:
            text = r.get("failed", "build failed")
        if size == 100_000:
            done = r is not None and "build" in r and r["build"].get("ok")
            rows.append(
                (
                    "100k: the build completes (2 cores, 24 GB)",
                    (
                        f"completed in {fmt_s(r['build']['seconds'])}"
                        if done and r is not None
                        else (r or {}).get("failed", "size not run")
                    ),
                    _verdict(
                        None
                        if r is None
                        or (not done and r.get("build", {}).get("timed_out"))
                        or (not done and r.get("build", {}).get("over_memory_cap"))
                        or "synthesize" in r.get("failed", "")
                        or "DataErrors" in r.get("failed", "")
                        else bool(done)
                    ),
                )
            )
        rows.append((f"{name}: build peak memory ≤ {limit / GB:.1f} GB", text, _verdict(ok)))
    # query cases
    real = results.get("real")
    text, ok = "not run", None
    if real and "failed" not in real:
        ratio = real["median_ours"] / real["median_bare"]
        ok = ratio <= CLI_OVER_BARE
        text = (
            f"{fmt_x(ratio)} ({fmt_s(real['median_ours'])} against {fmt_s(real['median_bare'])},"
            f" medians of {len(real['ours'])})"
        )
    elif real:
        text = real["failed"]
    rows.append(("`reformgraph query cases` ≤ 2x a bare pyoxigraph process", text, _verdict(ok)))
    return rows


def _rdflib_target(r: Event | None) -> tuple[str, bool | None]:
    """Whether every saved query was at least 20x faster than rdflib at a size."""
    if r is None:
        return "size not run", None
    if "queries" not in r:
        return r.get("failed") or r["skipped"].get("query latency (ours and bare)", "-"), None
    if "rdflib" not in r:
        return r["skipped"].get("rdflib", "rdflib not run"), None
    if not r["rdflib"].get("load"):
        return r["rdflib"].get("failed", "rdflib did not load the data"), None
    engines = _engines(r)
    ours, rdflib = engines["ours"], engines["rdflib"]
    met, below, open_, missing = [], [], [], []
    on_rdflib = set(r.get("selected", {}).get("rdflib", ours))
    ours = {name: q for name, q in ours.items() if name in on_rdflib}
    for name, q in ours.items():
        ratio, lower = _rdflib_ratio(rdflib.get(name), q)
        if ratio is None:
            missing.append(name)
        elif ratio >= RDFLIB_OVER_OURS:
            met.append((name, ratio, lower))
        elif lower:
            open_.append((name, ratio))
        else:
            below.append((name, ratio))
    parts = [f"{len(met)} of {len(ours)} queries ≥ 20x"]
    if met:
        name, ratio, lower = min(met, key=lambda m: m[1])
        parts.append(f"smallest of those {fmt_x(ratio, '> ' if lower else '')} ({name})")
    if below:
        parts.append("below 20x: " + ", ".join(f"{n} {fmt_x(x)}" for n, x in below))
    if open_:
        parts.append(
            "rdflib stopped too early to tell: " + ", ".join(f"{n} > {fmt_x(x)}" for n, x in open_)
        )
    if missing:
        parts.append("no ratio for: " + ", ".join(missing))
    ok = False if below else None if open_ or missing else True
    left_out = _left_out(r, "rdflib")
    if left_out:
        parts.append(left_out)
        ok = False if below else None
    return "; ".join(parts), ok


def _left_out(r: Event, engine: str) -> str:
    """What a size's run left out by --queries (``engine`` "queries") or --rdflib-queries
    ("rdflib"): a target over every saved query cannot be met by some of them."""
    selected = r.get("selected")
    if not selected:
        return ""
    every = set(r.get("saved_queries") or ())
    left = sorted(every - set(selected[engine]))
    if not left:
        return ""
    option = "--queries" if engine == "queries" else "--rdflib-queries"
    return f"not judged: {len(left)} saved queries not run ({option})"


def _bare_target(r: Event | None) -> tuple[str, bool | None]:
    """Whether every saved query took at most 1.5x the bare pyoxigraph time at a size."""
    if r is None:
        return "size not run", None
    if "queries" not in r:
        return r.get("failed") or r["skipped"].get("query latency (ours and bare)", "-"), None
    engines = _engines(r)
    ours, bare = engines["ours"], engines["bare"]
    pairs = {n: _ratio(q, bare.get(n)) for n, q in ours.items()}
    known = {n: x for n, x in pairs.items() if x is not None}
    if not known:
        return "no query ran on both", None
    worst = max(known, key=lambda n: known[n])
    over = sorted(n for n, x in known.items() if x > OURS_OVER_BARE)
    middle = statistics.median(known.values())
    text = f"largest {fmt_x(known[worst])} ({worst}); median {fmt_x(middle)}"
    if over:
        text += "; above 1.5x: " + ", ".join(f"{n} {fmt_x(known[n])}" for n in over)
    missing = sorted(set(ours) - set(known))
    if missing:
        text += "; no ratio for: " + ", ".join(missing)
    left_out = _left_out(r, "queries")
    if left_out:
        text += "; " + left_out
    return text, False if over else None if missing or left_out else True


def _one_line(text: str) -> str:
    """A failure as one line: a traceback's last line, with what came before the tail."""
    if "\n" not in text:
        return text
    head, _sep, _rest = text.partition("\n")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    last = lines[-1]
    tail = last if head.strip() == last else f"{head.strip()} … {last}"
    return tail.replace("Traceback (most recent call last):", "").replace("  ", " ")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_one_line(cell) for cell in row) + " |" for row in rows]
    return lines


def _one_line(text: str) -> str:
    """A failure as one line: what failed and the last line of its traceback."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) <= 1:
        return text
    return f"{lines[0].split('Traceback', 1)[0].rstrip()} {lines[-1]}"


def _one_line_failures(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _one_line(v) if k == "failed" and isinstance(v, str) else _one_line_failures(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_one_line_failures(v) for v in value]
    return value


#: What makes two machines different for the figures (not the code they ran).
_MACHINE_KEYS = ("cpu", "cores", "ram", "os", "python", "pyoxigraph", "rdflib")


def _machine_rows(m: Event) -> list[list[str]]:
    code = f"{m['reformgraph']}, commit {m['commit'] or '?'}" + (
        f" with {m['src_modified']} file(s) under src/ modified" if m["src_modified"] else ""
    )
    return [
        ["CPU", m["cpu"]],
        ["cores", str(m["cores"])],
        ["RAM", fmt_b(m["ram"])],
        ["OS", m["os"]],
        ["Python", m["python"]],
        ["pyoxigraph", m["pyoxigraph"]],
        ["rdflib", m["rdflib"]],
        ["reformgraph", code],
    ]


def _machine_table(results: Event, sizes: list[Event]) -> list[str]:
    """The machine of the run; one column per machine when a resumed run's sizes ran on
    different ones (each size records its own machine; older results only the run's)."""
    groups: list[tuple[list[str], Event]] = []
    for r in sizes:
        m = r.get("machine", results["machine"])
        for labels, seen in groups:
            if all(seen[k] == m[k] for k in _MACHINE_KEYS):
                labels.append(_cases_label(r["cases"]))
                break
        else:
            groups.append(([_cases_label(r["cases"])], m))
    if len(groups) <= 1:
        return _table(["", ""], _machine_rows(results["machine"]))
    columns = [_machine_rows(m) for _, m in groups]
    header = ["", *(f"{', '.join(labels)}" for labels, _ in groups)]
    rows = [[row[0], *(column[i][1] for column in columns)] for i, row in enumerate(columns[0])]
    return _table(header, rows)


def render(results: Event) -> str:
    results = _one_line_failures(results)
    sizes: list[Event] = sorted(results["sizes"], key=lambda r: r["cases"])
    labels = [_cases_label(r["cases"]) for r in sizes]
    out = [
        "# Benchmark results",
        "",
        f"Generated by `benchmarks/run.py` on {results['date']}"
        f" ({fmt_s(results.get('seconds'))} in all). Command:",
        "",
        f"    {results['command']}",
        "",
        *(
            [
                "The run was stopped between sizes and resumed (the sizes it had finished kept)"
                f" with `{results['resumed']}`.",
                "",
            ]
            if results.get("resumed")
            else []
        ),
        "Every figure below comes from that run (and its resumption, if noted); none is"
        " edited by hand. Ratios are within the run. Sizes in decimal units"
        " (1 GB = 10⁹ bytes).",
        "",
        "## Machine",
        "",
        *_machine_table(results, sizes),
        "",
        "## The issue's targets",
        "",
        *_table(["target", "measured", "verdict"], [list(t) for t in targets(results)]),
        "",
    ]
    if results.get("notes"):
        out += ["## Notes on this run", "", *(f"- {note}" for note in results["notes"]), ""]
    failed = [r for r in sizes if "failed" in r]
    for r in failed:
        out += [f"**{_cases_label(r['cases'])}: not completed.** {_one_line(r['failed'])}", ""]
    for r in results.get("earlier_attempts", []):
        synth = r.get("synth", {})
        out += [
            f"**An earlier attempt at {_cases_label(r['cases'])} (seed {r.get('seed', 0)}),"
            f" measured again below:** {_one_line(r.get('failed', 'completed'))} (synthesize"
            f" {fmt_s(synth.get('seconds'))}; build process"
            f" {fmt_s(r.get('build', {}).get('wall'))}, peak memory"
            f" {fmt_b(r.get('build', {}).get('peak_rss'))} summed RSS).",
            "",
        ]

    # build table
    stage_names: list[str] = []
    for r in sizes:
        for name in r.get("build", {}).get("stages", {}) or {}:
            if name not in stage_names:
                stage_names.append(name)

    def col(r: Event, get: Callable[[Event], str]) -> str:
        try:
            return get(r)
        except (KeyError, TypeError, ZeroDivisionError):
            return "-"

    def other(r: Event) -> float:
        b = r["build"]
        return float(b["seconds"]) - float(sum(b["stages"].values()))

    rows: list[tuple[str, Callable[[Event], str]]] = [
        (
            "code measured (commit, files under src/ modified, when)",
            lambda r: (
                f"{r['code']['commit']}, {r['code']['src_modified']}, {r['code']['at'][11:16]}"
            ),
        ),
        ("synthetic data: seed", lambda r: str(r.get("seed", 0))),
        ("triples", lambda r: f"{r['build']['triples']:,}"),
        ("synthesize the data (not part of the build)", lambda r: fmt_s(r["synth"]["seconds"])),
        ("data folder", lambda r: fmt_b(r["data_bytes"])),
        ("**build** (`pipeline.build`)", lambda r: f"**{fmt_s(r['build']['seconds'])}**"),
        *[
            (f"  stage: {name}", lambda r, name=name: fmt_s(r["build"]["stages"][name]))
            for name in stage_names
        ],
        ("  stage: summary and publish (the rest)", lambda r: fmt_s(other(r))),
        ("build process, wall (with start-up and imports)", lambda r: fmt_s(r["build"]["wall"])),
        (
            "CPU time of the process tree (cores busy)",
            lambda r: f"{fmt_s(r['build']['cpu'])} ({r['build']['cpu'] / r['build']['wall']:.2f})",
        ),
        (
            "**peak memory**, summed RSS of the tree",
            lambda r: f"**{fmt_b(r['build']['peak_rss'])}**",
        ),
        ("peak memory, summed PSS of the tree", lambda r: fmt_b(r["build"]["peak_pss"])),
        ("peak memory, largest single process", lambda r: fmt_b(r["build"]["peak_single"])),
        (
            "peak summed RSS per phase: cases / store / serialise",
            lambda r: " / ".join(
                fmt_b(r["build"]["phase_peaks"].get(p)) for p in ("cases", "store", "serialise")
            ),
        ),
        ("processes at once (max)", lambda r: str(r["build"]["processes"])),
        ("store on disk (`store/`)", lambda r: fmt_b(r["store_bytes"])),
        ("case cache on disk (`.cache/`)", lambda r: fmt_b(r["cache_bytes"])),
        ("reformgraph.nt", lambda r: fmt_b(r["files"]["nt"])),
        ("reformgraph.ttl", lambda r: fmt_b(r["files"]["ttl"])),
        ("reformgraph.jsonld", lambda r: fmt_b(r["files"]["jsonld"])),
        (
            "SHACL verdict (violations / warnings)",
            lambda r: (
                f"conforms={r['build']['conforms']}"
                f" ({r['build']['violations']} / {r['build']['warnings']})"
            ),
        ),
    ]
    out += ["## The build, by size", ""]
    out += _table(["cases", *labels], [[name, *(col(r, get) for r in sizes)] for name, get in rows])
    out += [
        "",
        "Stages as `BuildResult.check.seconds` names them. *read, resolve and write*: every"
        " case read, resolved, checked against the shapes and rendered (two worker"
        " processes), the N-Triples and the JSON-LD written (and the case cache); *load the"
        " store*: bulk load into the on-disk store, the ontology, `optimize()`, while a"
        " converter process writes the Turtle from the N-Triples; *write Turtle*: the wait"
        " for that converter after the store is done (builds of code before 2026-11-26"
        " afternoon wrote the JSON-LD there too: *write Turtle and JSON-LD*); the rest is the"
        " summary and publishing"
        " (moving the files into place). Memory per phase (*cases*, *store*, *serialise*) is"
        " attributed by the build's progress events; *serialise* also covers the summary and"
        " publish.",
        "",
    ]

    # floor
    def floor_total(r: Event) -> float:
        return float(r["floor"]["total"])

    def dump(r: Event, k: str) -> str:
        return fmt_s(r["floor"]["dumps"][k]["seconds"])

    floor_rows: list[tuple[str, Callable[[Event], str]]] = [
        ("bare bulk load of reformgraph.nt (on disk)", lambda r: fmt_s(r["bulk_load"]["seconds"])),
        ("  its peak memory (summed RSS)", lambda r: fmt_b(r["bulk_load"]["peak_rss"])),
        ("  quads loaded", lambda r: f"{r['bulk_load']['quads']:,}"),
        ("  `optimize()` after it (not in the floor)", lambda r: fmt_s(r["bulk_load"]["optimize"])),
        (
            "constraint checks as SPARQL (`validate_store`)",
            lambda r: (
                fmt_s(r["floor"]["checks"]["seconds"])
                + f" ({r['floor']['checks']['constraints']} queries)"
            ),
        ),
        (
            "  verdict on the bare store",
            lambda r: (
                f"conforms={r['floor']['checks']['conforms']}"
                f" ({r['floor']['checks']['violations']} / {r['floor']['checks']['warnings']})"
            ),
        ),
        (
            "  compiling the shapes (not in the floor)",
            lambda r: fmt_s(r["floor"]["checks"]["compile"]),
        ),
        ("dump N-Triples", lambda r: dump(r, "nt")),
        ("dump Turtle", lambda r: dump(r, "ttl")),
        ("dump JSON-LD", lambda r: dump(r, "jsonld")),
        ("  peak memory of checks and dumps (summed RSS)", lambda r: fmt_b(r["floor"]["peak_rss"])),
        ("**floor** = bulk load + checks + dumps", lambda r: f"**{fmt_s(floor_total(r))}**"),
        (
            "floor / bulk load",
            lambda r: fmt_x(floor_total(r) / r["bulk_load"]["seconds"]),
        ),
        (
            "**build / bare bulk load** (target ≤ 5x at 10k)",
            lambda r: f"**{fmt_x(r['build']['seconds'] / r['bulk_load']['seconds'])}**",
        ),
        ("**build / floor**", lambda r: f"**{fmt_x(r['build']['seconds'] / floor_total(r))}**"),
    ]
    out += ["## The floor", ""]
    out += _table(
        ["cases", *labels], [[name, *(col(r, get) for r in sizes)] for name, get in floor_rows]
    )
    out += [""]

    # scaling
    measured = [r for r in sizes if r.get("build", {}).get("ok")]
    if len(measured) > 1:
        out += ["## Scaling: seconds per 1,000 cases", ""]

        def per_k(r: Event, value: float) -> str:
            return fmt_s(value / (r["cases"] / 1000))

        scale_rows: list[list[str]] = []
        items: list[tuple[str, Callable[[Event], float]]] = [
            ("build", lambda r: r["build"]["seconds"]),
            *[(name, lambda r, name=name: r["build"]["stages"][name]) for name in stage_names],
            ("summary and publish", other),
            ("bare bulk load", lambda r: r["bulk_load"]["seconds"]),
            ("SPARQL checks", lambda r: r["floor"]["checks"]["seconds"]),
        ]
        for name, get in items:
            cells = []
            for r in measured:
                try:
                    cells.append(per_k(r, get(r)))
                except (KeyError, TypeError):
                    cells.append("-")
            try:
                a, z = measured[0], measured[-1]
                growth = (get(z) / get(a)) / (z["cases"] / a["cases"])
                cells.append(f"{growth:.2f}")
            except (KeyError, TypeError, ZeroDivisionError):
                cells.append("-")
            scale_rows.append([name, *cells])
        first, last = _cases_label(measured[0]["cases"]), _cases_label(measured[-1]["cases"])
        out += _table(
            ["", *(_cases_label(r["cases"]) for r in measured), f"time per case, {last} ÷ {first}"],
            scale_rows,
        )
        out += ["", "1.00 in the last column is linear; 2 means time per case doubled.", ""]

    # queries
    out += [
        "## Saved queries: latency",
        "",
        "Medians of the timed runs, in milliseconds, parameters unset. *ours*:"
        " `run_query_on_store` on the built store opened with `engine.open_store`; *bare*: the"
        " same SPARQL text on `pyoxigraph.Store.read_only`, on its default graph (the build's"
        " triples and the ontology), every row turned into a tuple of terms. Both"
        " run in one process on two handles of the same store, interleaved (each round runs"
        " both, alternating which goes first), so that load from other processes hits both"
        f" alike; a run past {results['args']['query_timeout']:.0f} s is stopped (the child"
        " is killed and the next query goes on in a fresh one). *rdflib*:"
        " `queries.run_query` on an in-memory `rdflib.Graph` parsed from the build's Turtle"
        f" plus the ontology, {results['args']['rdflib_repeat']} run(s) of each query after"
        " rdflib's SPARQL machinery is loaded, each stopped after 25x our median (at least"
        f" {results['args']['rdflib_timeout']:.0f} s, at most"
        f" {results['args']['rdflib_timeout_max']:.0f} s): enough to tell whether the 20x target"
        " holds; `> N s` is such a stop, and the ratio after it a lower bound. rdflib runs up"
        f" to {results['args']['rdflib_max']:,} cases, killed if its memory goes above"
        f" {results['args']['rdflib_memory_cap']:g} GB. *rows*: one number when every engine"
        " returned as many rows.",
        "",
    ]
    for r in sizes:
        if "queries" not in r:
            continue
        engines = _engines(r)
        out += [f"### {_cases_label(r['cases'])} cases", ""]
        runs = f"{r.get('repeat', results['args']['repeat'])} timed run(s) of each query" + (
            " after one warm-up" if r.get("warmup", True) else ", no warm-up"
        )
        opened = (
            f"{runs}. Opening the built store: ours {fmt_s(_opened(r, 'ours'))} (importing"
            f" reformgraph included), bare {fmt_s(_opened(r, 'bare'))} (importing pyoxigraph"
            " included)."
        )
        if "rdflib" in r and r["rdflib"].get("load"):
            load = r["rdflib"]["load"]
            opened += (
                f" rdflib parsed the Turtle in {fmt_s(load['seconds'])} ({load['triples']:,}"
                f" triples; peak memory {fmt_b(r['rdflib']['peak_rss'])}, summed RSS)."
            )
        elif "rdflib" in r:
            opened += " " + r["rdflib"].get("failed", "rdflib did not load the data") + "."
        else:
            opened += " rdflib: " + r["skipped"].get("rdflib", "not run") + "."
        if "rdflib_at" in r:
            opened += (
                f" rdflib ran at the end of the run ({fmt_s(r['rdflib_at'])} after its start),"
                " not beside the other engines."
            )
        out += [opened, ""]
        body = []
        notes: list[str] = []
        for name in engines["ours"]:
            row = _query_row(name, engines)
            body.append(
                [
                    f"`{name}`",
                    row["rows"],
                    row["ours"],
                    row["bare"],
                    row["ours/bare"],
                    row["rdflib"],
                    row["rdflib/ours"],
                ]
            )
            for engine, queries in engines.items():
                q = queries.get(name)
                if q is not None and not q.runs and (q.failed or q.skipped):
                    notes.append(f"`{name}` on {engine}: {q.failed or q.skipped}")
        out += _table(
            ["query", "rows", "ours ms", "bare ms", "ours/bare", "rdflib ms", "rdflib/ours"], body
        )
        out += [""]
        if notes:
            out += ["Not measured: " + "; ".join(notes) + ".", ""]

    # real data
    real = results.get("real")
    out += ["## `reformgraph query cases` on the real data, as a whole process", ""]
    if real and "failed" not in real:
        ratio = real["median_ours"] / real["median_bare"]
        out += [
            f"`{real['command']}` (CSV to a pipe) against a bare Python process that opens the"
            " same store with `pyoxigraph.Store.read_only` and prints the rows of the same"
            f" SPARQL text ({real['rows_ours']} and {real['rows_bare']} rows; real data,"
            f" {real['triples']:,} triples). Medians of {len(real['ours'])} runs after a"
            " warm-up of each"
            + (
                " (which also caches both processes' bytecode, as an installed copy has it)"
                if real.get("bytecode") == "cached"
                else ""
            )
            + ":",
            "",
            *_table(
                ["", "median", "runs"],
                [
                    [
                        "reformgraph query cases",
                        fmt_s(real["median_ours"]),
                        ", ".join(fmt_ms(t) for t in real["ours"]) + " ms",
                    ],
                    [
                        "bare pyoxigraph process",
                        fmt_s(real["median_bare"]),
                        ", ".join(fmt_ms(t) for t in real["bare"]) + " ms",
                    ],
                    ["ratio", fmt_x(ratio), ""],
                ],
            ),
            "",
        ]
    else:
        out += [real["failed"] if real else "not run", ""]
    out += [
        "## How memory is measured",
        "",
        "Each job runs in a fresh child process; a thread of the benchmark reads `/proc`"
        " every 0.1 s for the child and all its descendants. *Summed RSS* adds up the"
        " resident memory of every process of the tree (pages a forked worker shares with"
        " its parent count in both, so it overstates); *summed PSS* divides shared pages"
        " among their sharers (sampled every 0.5 s); the largest single process comes from"
        " `ru_maxrss` of `wait4`. Targets are checked on the summed RSS. The machine is"
        " shared, so synthesis, builds and rdflib run under a memory cap: the job is killed"
        " when its summed PSS goes above the cap or the machine's available memory falls"
        " below 1.5 GB (runs before this rule capped the summed RSS; see the notes).",
        "",
    ]
    return "\n".join(out)


def _opened(r: Event, key: str) -> float | None:
    value = r.get("query_open", {}).get(key)
    return None if value is None else float(value)


# ============================================================================ main


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="numbers of cases")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/rg-bench"), help="work folder (data, builds)"
    )
    parser.add_argument("--keep", action="store_true", help="keep each size's folders")
    parser.add_argument(
        "--rdflib-max", type=int, default=10_000, help="largest size to run rdflib at"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each query")
    parser.add_argument(
        "--large", type=int, default=10_000, help="from this many cases, --repeat-large runs"
    )
    parser.add_argument("--repeat-large", type=int, default=1, help="timed runs, large sizes")
    parser.add_argument(
        "--no-warmup-from", type=int, default=10_000, help="no warm-up run from this size"
    )
    parser.add_argument("--rdflib-repeat", type=int, default=1, help="timed rdflib runs")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="seconds per run")
    parser.add_argument(
        "--rdflib-timeout", type=float, default=30.0, help="least seconds per rdflib query"
    )
    parser.add_argument(
        "--rdflib-timeout-max", type=float, default=300.0, help="most seconds per rdflib query"
    )
    parser.add_argument("--rdflib-load-timeout", type=float, default=900.0)
    parser.add_argument(
        "--rdflib-memory-cap", type=float, default=12.0, help="GB (PSS); rdflib is killed above it"
    )
    parser.add_argument(
        "--budget",
        type=_budget_text,
        default="1000=1800,10000=3600,100000=4800",
        help="time budget per size, N=SECONDS,...: what does not fit is recorded as not run",
    )
    parser.add_argument(
        "--build-timeout", type=float, default=9000.0, help="stop a build after this long"
    )
    parser.add_argument("--cli-runs", type=int, default=10, help="runs of `query cases`")
    parser.add_argument("--skip-real", action="store_true", help="skip `query cases`")
    parser.add_argument(
        "--queries",
        default="",
        metavar="NAME,...",
        help="time only these saved queries (default: all; the targets are then not judged)",
    )
    parser.add_argument(
        "--rdflib-queries",
        default=None,
        metavar="NAME,...",
        help="run only these saved queries on rdflib (default: those of --queries)",
    )
    parser.add_argument(
        "--skip-bulk-load",
        action="store_true",
        help="no bare bulk load (with --build-only: the build alone, e.g. at 100k)",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="at each size: synthesize, build and the bare bulk load only (the build ratio)",
    )
    parser.add_argument(
        "--redo", default="", help="with --resume: sizes to measure again (N,N,...)"
    )
    parser.add_argument(
        "--redo-real", action="store_true", help="with --resume: measure `query cases` again"
    )
    parser.add_argument(
        "--defer-rdflib-from",
        type=int,
        default=0,
        metavar="N",
        help="from N cases, run rdflib after every size (from the Turtle kept aside)",
    )
    parser.add_argument(
        "--rdflib-budget", type=float, default=2400.0, help="seconds for deferred rdflib, a size"
    )
    parser.add_argument(
        "--render", type=Path, metavar="JSON", help="only write --out again from a RESULTS.json"
    )
    parser.add_argument(
        "--note",
        action="append",
        default=[],
        help="a remark on the run for RESULTS.md (with --render: replaces the notes)",
    )
    parser.add_argument(
        "--resume",
        type=Path,
        metavar="JSON",
        help="keep the sizes a RESULTS.json has, run the rest",
    )
    parser.add_argument(
        "--build-memory-cap",
        type=float,
        default=12.0,
        help="GB of summed PSS; a synth or build above it is killed (a shared machine)",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child or args.render:
        return args
    from reformgraph.queries import saved_queries

    every = list(saved_queries())
    for option in ("queries", "rdflib_queries"):
        text = getattr(args, option)
        if text is None:
            continue
        names = [name.strip() for name in text.split(",") if name.strip()]
        unknown = [name for name in names if name not in every]
        if unknown:
            parser.error(
                f"--{option.replace('_', '-')}: no saved query named "
                + ", ".join(repr(name) for name in unknown)
                + f" (the saved queries: {', '.join(every)})"
            )
        setattr(args, option, names or None)
    args.query_names = args.queries or every
    args.rdflib_names = args.rdflib_queries if args.rdflib_queries is not None else args.query_names
    return args


def _sizes(text: str) -> Iterator[int]:
    for part in text.split(","):
        if part.strip():
            yield int(part.strip().replace("_", ""))


def main(argv: list[str] | None = None) -> int:
    args = _parse(sys.argv[1:] if argv is None else argv)
    if args.child:
        kind, params = args.child
        CHILDREN[kind](json.loads(params))
        return 0
    if args.render:
        results = json.loads(args.render.read_text(encoding="utf-8"))
        if args.note:
            results["notes"] = args.note
            args.out.with_suffix(".json").write_text(
                json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8"
            )
        args.out.write_text(render(results), encoding="utf-8")
        say(f"wrote {args.out}")
        return 0
    if not sys.platform.startswith("linux"):
        say("benchmarks/run.py measures memory through /proc: Linux only")
        return 2
    started = time.perf_counter()
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:] if argv is None else argv)
    results: Event = {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "command": command.strip(),
        "machine": machine(),
        "args": {
            k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items() if k != "child"
        },
        "sizes": [],
        "notes": list(args.note),
    }
    m = results["machine"]
    say(
        f"{m['cpu']}, {m['cores']} cores, {fmt_b(m['ram'])}; Python {m['python']},"
        f" pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}; work folder {work}"
    )

    def save() -> None:
        results["seconds"] = time.perf_counter() - started
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(render(results), encoding="utf-8")
        args.out.with_suffix(".json").write_text(
            json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8"
        )

    done: dict[int, Event] = {}
    if args.resume:  # keep what an interrupted run measured; run the rest
        before = json.loads(args.resume.read_text(encoding="utf-8"))
        results["resumed_from"] = {"date": before["date"], "command": before["command"]}
        results["date"], results["command"] = before["date"], before["command"]
        # The sizes kept ran on the first run's machine; each new size records its own.
        results["machine"] = before["machine"]
        results["resumed"] = command
        if "real" in before:
            results["real"] = before["real"]
        redo = set(_sizes(args.redo))
        done = {r["cases"]: r for r in before["sizes"] if r["cases"] not in redo}
        results["earlier_attempts"] = before.get("earlier_attempts", []) + [
            r for r in before["sizes"] if r["cases"] in redo
        ]
        started -= float(before.get("seconds") or 0)
    if not args.skip_real and ("real" not in results or args.redo_real):
        results["real"] = bench_real(args, work)
        save()
    previous: Event | None = None
    for n in _sizes(args.sizes):
        if n in done:
            say(f"\n=== {_cases_label(n)}: kept from {args.resume}")
            results["sizes"].append(done[n])
            previous = done[n]
            continue
        if previous is not None and "peak_disk_bytes" in previous:
            need = previous["peak_disk_bytes"] * n / previous["cases"] * 1.3
            if need > _free(work) - 5 * GB:
                reason = (
                    f"not run: it would need about {fmt_b(need)} of disk (1.3x the"
                    f" {_cases_label(previous['cases'])} run scaled), {fmt_b(_free(work))} free"
                )
                say(f"\n=== {_cases_label(n)}: {reason}")
                results["sizes"].append({"cases": n, "failed": reason})
                save()
                continue
        result = bench_size(n, args, work)
        results["sizes"].append(result)
        previous = result
        save()
    names = list(args.query_names)
    for result in results["sizes"]:  # --defer-rdflib-from
        kept = result.pop("rdflib_deferred", None)
        if kept is None:
            continue
        result["skipped"].pop("rdflib", None)
        label = _cases_label(result["cases"])
        say(f"\n=== rdflib at {label} cases (deferred), time budget {fmt_s(args.rdflib_budget)}")
        log = work / f"cases-{result['cases']}.log"
        result["rdflib_at"] = time.perf_counter() - started
        texts = work / f"queries-{result['cases']}.json"
        bench_rdflib(result, Path(kept), texts, args, log, time.perf_counter() + args.rdflib_budget)
        Path(kept).unlink(missing_ok=True)
        _print_latency(result, names)
        save()
    save()
    say(f"\nwrote {args.out} and {args.out.with_suffix('.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The build itself: data folder → checked records → three files and a validated store.

It streams: the shared entities first, then case by case (each case file read, resolved,
covered and rendered on its own, in parallel on both cores when there are many), then the
introductions. The N-Triples are bulk-loaded into an on-disk Oxigraph store, and the
shapes, compiled to SPARQL, are checked there. Nothing goes through rdflib's in-memory
store, so memory stays flat as cases grow.

Each case's result is cached under the output folder, keyed by the case file's bytes and
a fingerprint of everything else it depends on (entities, sources, ontology, shapes, the
code): when one case changes, only that case is read and resolved again. The shared
entities, rendered and checked, are cached too, keyed by that fingerprint: while the
entities and sources, the ontology, the shapes and the code are unchanged, neither a
build nor a check renders or checks them again.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import io
import multiprocessing
import os
import pickle
import re
import shutil
import sys
import tempfile
import threading
import time
import zlib
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from rdflib import BNode, Literal, URIRef

from reformgraph.build import (
    ENTITY_CLASSES,
    PREFIXES,
    case_links,
    case_triples,
    introduction_triples,
    shared_context_triples,
    shared_triple_groups,
    shared_types,
)
from reformgraph.coverage import (
    Uncovered,
    case_numerals,
    case_triggers,
    introduction_numerals,
    introduction_triggers,
    numeral_labels,
)
from reformgraph.engine import (
    PUBLISHING,
    STORE_DIR,
    add_ontology,
    bulk_load_ntriples,
    convert_ntriples,
    create_store,
    memory_store,
    store_identity,
)
from reformgraph.errors import DataError, DataErrors, InterruptedAfterPublishing, PublishError
from reformgraph.io import (
    MAX_YAML_BYTES,
    CaseFile,
    Dataset,
    LineMap,
    case_file_paths,
    case_folder_errors,
    load_case_file,
    load_ontology,
    load_shapes,
    load_shared,
    read_file_bytes,
    shown,
)
from reformgraph.project import ontology_file
from reformgraph.rdfwrite import Chunk, JsonLdNodes, JsonLdWriter, NTriplesWriter, render_chunk
from reformgraph.resolve import CaseResolver, placeholder_exceptions
from reformgraph.shacl_sparql import CompiledConstraint
from reformgraph.shapecheck import ShapeChecker, compile_checker, shape_parts
from reformgraph.validate import ValidationResult, Violation

__all__ = ["STEM", "Produced", "Progress", "produce"]

#: The name of the output files: reformgraph.ttl, .nt, .jsonld.
STEM = "reformgraph"
#: The case cache inside a build folder.
CACHE_DIR = ".cache"
#: Below this many cases to resolve, one process is faster than two.
PARALLEL_FROM = 64
#: Cases per task sent to a worker, and tasks in flight at once: the workers run at most
#: this far ahead of the writer, so memory stays flat however many cases there are.
BATCH = 16
IN_FLIGHT = 8
#: Forked workers are replaced by fresh forks after this many batches (2,048 cases): a
#: worker copies every page of the shared data it touches (reference counts are writes),
#: and by the end of 100,000 cases each held a private copy of most of it.
RECYCLE_BATCHES = 128

Progress = Callable[[str, int, int], None]
CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


@dataclass
class CaseOutcome:
    """What reading, resolving and rendering one case file gave."""

    file: str
    case_id: str | None = None
    id_line: int | None = None
    chunk: Chunk | None = None
    errors: list[DataError] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    #: The shared entities the case names by a link predicate (ids, sorted).
    links: list[str] = field(default_factory=list)
    place: tuple[str, int, int, int | None, int] | None = None
    uncovered: list[Uncovered] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    #: What the case still lacks but does not stop the build (see ``placeholder_exceptions``).
    warnings: list[DataError] = field(default_factory=list)
    cached: bool = False

    def named(self, file: str) -> CaseOutcome:
        """This outcome with its case file named ``file`` wherever it names it (an
        outcome from the cache names the file as the build that made it did: the data
        folder may have been copied or moved since)."""
        if file != self.file:
            self.errors = [DataError(file, e.line, e.path, e.message) for e in self.errors]
            self.warnings = [DataError(file, e.line, e.path, e.message) for e in self.warnings]
            self.uncovered = [replace(u, file=file) for u in self.uncovered]
            self.violations = [replace(v, file=file) for v in self.violations]
            self.file = file
        return self


@dataclass
class _Checks:
    """The compiled shapes and the shared context every case is checked with."""

    checker: ShapeChecker
    types: dict[str, AbstractSet[str]]
    context: dict[str, str]

    @classmethod
    def make(cls, shared: Dataset, checker: ShapeChecker | None = None) -> _Checks:
        """What cases are checked with: the compiled shapes ``checker`` (compiled here if
        not given), and the classes and triples of the shared entities."""
        # The classes of every shared node; nodes of the same classes share one set.
        types: dict[str, AbstractSet[str]] = {}
        interned: dict[AbstractSet[str], AbstractSet[str]] = {}
        for node, kind in shared_types(shared.entities, shared.sources.values()):
            classes = frozenset({*types.get(str(node), ()), str(kind)})
            types[str(node)] = interned.setdefault(classes, classes)
        by_subject: dict[str, list[Any]] = {}
        for triple in shared_context_triples(shared.entities, shared.sources.values()):
            by_subject.setdefault(str(triple[0]), []).append(triple)
        context = {node: render_chunk(group).ntriples for node, group in by_subject.items()}
        if checker is None:
            checker = compile_checker(load_shapes(), load_ontology())
        return cls(checker, types, context)

    def check(self, triples: list[Any], ntriples: str | None = None) -> ValidationResult:
        return self.checker.check(
            triples, context_types=self.types, context_ntriples=self.context, ntriples=ntriples
        )


@dataclass
class Produced:
    """A build's files in a work folder, and what was found on the way."""

    folder: Path
    triples: int
    validation: ValidationResult
    uncovered: list[Uncovered]
    warnings: list[DataError]
    cases: int
    reused: int
    seconds: dict[str, float]
    #: (Chinese label, class IRI, cases) of each shared entity that links two or more
    #: cases (see :data:`~reformgraph.build.CASE_LINKS`), most cases first.
    shared_entities: list[tuple[str, str, int]] = field(default_factory=list)
    #: A check's store, if it is held in memory (see :data:`CHECK_IN_MEMORY_BYTES`);
    #: otherwise the store is ``folder/store``.
    store: Any = None


# --------------------------------------------------------------------------- cases


_WORKER: dict[str, object] = {}


@cache
def _jsonld_nodes() -> JsonLdNodes:
    """This process's JSON-LD renderer (its caches of encoded IRIs kept across cases)."""
    return JsonLdNodes(CONTEXT)


def _share(
    root: Path, shared: Dataset, resolver: CaseResolver, checks: _Checks, labels: list[str]
) -> None:
    """Make what cases are processed with available to :func:`_process_case`: in this
    process, and in worker processes forked from it (which then share its memory)."""
    _WORKER.update(shared=shared, resolver=resolver, root=root, labels=labels, checks=checks)


def _die_with_parent() -> None:
    """Make this worker process end when the process that started it does, however that
    ends (``kill -9``, the out-of-memory killer, a CI timeout): else it waits forever to
    hand in a result nobody reads, holding its memory and the caller's output. (On Linux;
    elsewhere a worker notices only when it next talks to its parent.)"""
    import signal

    # Ctrl-C reaches the whole foreground group: the build's process handles it, and stops
    # its workers (which printed a traceback each).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Forked while _launch held signals back: SIGTERM's handler as it was before.
    for signum, handler in _HELD_FROM.items():
        if signum != signal.SIGINT:
            signal.signal(signum, handler)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no prctl: nothing to do
            return
    if os.getppid() == 1:  # the parent ended before the line above: end now
        os._exit(1)


def _launch(pool: ProcessPoolExecutor) -> ProcessPoolExecutor:
    """``pool`` with its workers started (a forking pool starts them all with its first
    task), Ctrl-C held back while they are.

    A Ctrl-C reaches the whole foreground group. One that came while a worker was forked,
    before its initializer (:func:`_die_with_parent`) ignored it, killed the worker: the
    build ended with "a process in the process pool was terminated abruptly" and exit 1,
    not as stopped (130). And a Ctrl-C or ``kill`` that stopped this process inside the
    pool's start-up left workers that it then waited for at exit, for ever. Held back, a
    forked worker inherits the holding handler (then ignores Ctrl-C and takes back the
    handler of SIGTERM), and this process acts on the signal once the workers are
    started, and stopped again: the pool is shut down and waited for first, still holding
    signals back. Left winding down, its manager thread closed the pipe that Python's own
    clean-up of pools at exit wrote to, which then ended the build with a traceback
    ("Exception ignored in: <module 'threading'>", OSError: Bad file descriptor)."""
    import signal

    with _held_signals() as came:
        pool.submit(int)
        if came:
            pool.shutdown(wait=True, cancel_futures=True)
    if came:
        signal.raise_signal(came[0])  # now, with the handler it had: KeyboardInterrupt
    return pool


def _start_worker(root: str) -> None:
    """A worker's own copy of what cases are processed with (when it cannot be forked)."""
    _die_with_parent()
    shared = load_shared(Path(root))
    resolver = CaseResolver(shared)
    labels = numeral_labels(shared.entities.values())
    _share(Path(root), shared, resolver, _Checks.make(shared), labels)


def _process_case(path_text: str, cache_file: str | None = None) -> CaseOutcome:
    """Read, resolve, cover and render one case (in a worker or in the main process);
    an outcome without errors is also written to ``cache_file``, if given."""
    outcome = _outcome(path_text)
    if cache_file is not None and not outcome.errors:
        # Compressed: a case's N-Triples shrink about twelve times (0.4 ms a case).
        Path(cache_file).write_bytes(zlib.compress(pickle.dumps(outcome), 1))
    return outcome


def _outcome(path_text: str) -> CaseOutcome:
    root = _WORKER["root"]
    shared = _WORKER["shared"]
    resolver = _WORKER["resolver"]
    assert isinstance(root, Path)
    assert isinstance(shared, Dataset)
    assert isinstance(resolver, CaseResolver)
    path = Path(path_text)
    case_file, errors = load_case_file(path, root)
    outcome = CaseOutcome(file=shown(path, root), errors=errors)
    if case_file is None:
        return outcome
    outcome.case_id = case_file.record.id
    outcome.id_line = case_file.lines.line(("id",))
    outcome.warnings = placeholder_exceptions(case_file.lines, (), case_file.record.exceptions)
    resolved, problems, outcome.used = resolver.case_and_used(case_file)
    outcome.errors += problems
    if resolved is None or problems:
        return outcome
    outcome.place = (
        resolved.case.source,
        resolved.title.start,
        resolved.case.position,
        case_file.lines.line(("position",)),
        resolved.span.end,
    )
    entities = shared.entities
    labels = _WORKER["labels"]
    assert isinstance(labels, list)
    outcome.uncovered = case_numerals(resolved, labels) + case_triggers(resolved)
    triples = list(case_triples(entities, resolved))
    named = case_links(triples, resolved.case.iri)
    outcome.links = sorted(i for i in outcome.used if entities[i].iri in named)
    outcome.chunk = render_chunk(triples, _jsonld_nodes())
    checks = _WORKER["checks"]
    assert isinstance(checks, _Checks)
    result = checks.check(triples, outcome.chunk.ntriples)
    where = _fact_lines(case_file)
    outcome.violations = [
        _located(v, str(resolved.case.iri), outcome.file, where, outcome.id_line)
        for v in result.violations + result.warnings
    ]
    return outcome


def _fact_lines(case_file: CaseFile) -> dict[str, int]:
    """The line of each fact of a case file, by the last part of its IRI: ``<id>`` for a
    fact with an id, ``measure/<n>`` for a measure."""
    found: dict[str, int] = {}

    def walk(value: object, path: tuple[str | int, ...]) -> None:
        if isinstance(value, BaseModel):
            fact_id = getattr(value, "id", None)
            if isinstance(fact_id, str) and path:
                found.setdefault(fact_id, case_file.lines.line(path) or 0)
            for name in type(value).model_fields:
                walk(getattr(value, name), (*path, name))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if path == ("measures",):
                    found[f"measure/{index + 1}"] = case_file.lines.line((*path, index)) or 0
                walk(item, (*path, index))

    walk(case_file.record, ())
    return found


def _located(
    violation: Violation, case_iri: str, file: str, where: Mapping[str, int], id_line: int | None
) -> Violation:
    """A violation of a case's graph named by its case file and the line of the fact its
    focus node belongs to (the nearest one: a figure's evidence is its figure's)."""
    line = id_line or 0
    if violation.focus.startswith(case_iri + "/"):
        parts = violation.focus[len(case_iri) + 1 :].split("/")
        for index in range(len(parts), 0, -1):
            key = parts[index - 1]
            if index >= 2 and parts[index - 2] == "measure" and f"measure/{key}" in where:
                line = where[f"measure/{key}"]
                break
            # a change's figures are <change id>-baseline, -result, -difference
            base = (
                key.rsplit("-", 1)[0]
                if key.endswith(("-baseline", "-result", "-difference"))
                else key
            )
            if key in where or base in where:
                line = where.get(key) or where[base]
                break
    return replace(violation, file=file, line=line)


Task = tuple[str, str | None]


def _process_batch(tasks: list[Task]) -> list[CaseOutcome]:
    return [_process_case(*task) for task in tasks]


class _Workers:
    """Two worker processes for batches of cases. Forked ones share this process's
    memory and are replaced by fresh forks every ``RECYCLE_BATCHES`` batches (the old
    ones finish what they were given first); those of a fork server, which read the data
    folder themselves, are kept."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._pool: ProcessPoolExecutor | None = None
        self._forked = False
        self._given = 0

    def submit(self, batch: list[Task]) -> Future[list[CaseOutcome]]:
        if self._pool is None or (self._forked and self._given >= RECYCLE_BATCHES):
            self._start()
        assert self._pool is not None
        self._given += 1
        return self._pool.submit(_process_batch, batch)

    def _start(self) -> None:
        if self._pool is not None:
            # Wait for the batches given (their outcomes stay in their futures): the
            # pool's threads end with it, and this process may fork again once the
            # system has seen them go (a joined thread takes a moment to exit).
            self._pool.shutdown(wait=True)
            for _ in range(100):
                if _threads() == 1:
                    break
                time.sleep(0.01)
        context = _context()
        self._forked = context.get_start_method() == "fork"
        if self._forked:
            # The workers inherit what :func:`_share` set, and share its memory pages
            # with this process for as long as nobody writes to them: frozen, they are
            # left alone by the workers' garbage collector.
            gc.freeze()
            self._pool = _launch(
                ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_die_with_parent)
            )
        else:
            self._pool = _launch(
                ProcessPoolExecutor(
                    max_workers=2,
                    mp_context=context,
                    initializer=_start_worker,
                    initargs=(str(self._root),),
                )
            )
        self._given = 0

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            gc.unfreeze()


def _bounded_map(
    workers: _Workers, tasks: list[Task], idle: Callable[[], bool] | None = None
) -> Iterator[CaseOutcome]:
    """The outcomes of ``tasks`` in order, with at most ``IN_FLIGHT`` batches submitted
    and not yet consumed (``Executor.map`` submits everything at once, and its results
    pile up in memory while the writer falls behind). The first batches are submitted
    at once, before the first outcome is asked for.

    While the next batch is not done, ``idle`` is called (if given) for as long as it
    says it did some work: this process's own work fills the wait, and the workers never
    stop for a writer busy with something else."""
    batches = iter(tasks[i : i + BATCH] for i in range(0, len(tasks), BATCH))
    pending: deque[Future[list[CaseOutcome]]] = deque(
        workers.submit(batch) for batch in islice(batches, IN_FLIGHT)
    )

    def outcomes() -> Iterator[CaseOutcome]:
        while pending:
            head = pending.popleft()
            while idle is not None and not head.done() and idle():
                pass
            done = head.result()
            following = next(batches, None)
            if following is not None:
                pending.append(workers.submit(following))
            yield from done

    return outcomes()


#: The key of this user's case caches (see :func:`cache_key`), below the user's cache
#: folder (``$XDG_CACHE_HOME``, else ``~/.cache``).
CACHE_KEY_FILE = Path("reformgraph") / "cache-key"


@cache
def cache_key() -> bytes:
    """A secret of this user's, part of the name of every cache entry a build writes: an
    entry is only ever found by the user who wrote it. A build folder may come from someone
    else (a project sent whole), and an entry of theirs, named as one of ours, would put
    its triples into our build unchecked. Made (32 random bytes, readable by the user only)
    on the first build; where it cannot be kept, one for this process, so that nothing a
    build did not write itself is taken from its cache."""
    import secrets

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(base) / CACHE_KEY_FILE
    for _ in range(2):
        try:
            key = path.read_bytes()
            if len(key) == 32:
                return key
            return secrets.token_bytes(32)  # not one we made: trust no cache with it
        except FileNotFoundError:
            pass
        except OSError:
            return secrets.token_bytes(32)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue  # another build made it meanwhile: read it
        except OSError:
            return secrets.token_bytes(32)
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    return secrets.token_bytes(32)


def existing_cache_key() -> bytes | None:
    """This user's :func:`cache_key` if a build has made it, else None; never makes one
    (``check`` writes nothing: without a key, no cache entry can be the user's)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    try:
        key = (Path(base) / CACHE_KEY_FILE).read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


def _fingerprint(root: Path, key: bytes | None = None) -> str:
    """A digest of everything a case's result depends on besides its own file, and of
    this user's :func:`cache_key` (or ``key``)."""
    digest = hashlib.sha256(cache_key() if key is None else key)
    for folder in ("sources", "entities"):
        for path in sorted((root / folder).iterdir()):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    _digest_model(digest)
    return digest.hexdigest()


def _digest_model(digest: Any) -> None:
    """Add the ontology, the shapes and the package's code to ``digest``."""
    for name in ("reformgraph.ttl", "shapes.ttl"):
        digest.update(ontology_file(name).read_bytes())
    package = files("reformgraph")
    for entry in sorted(package.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            digest.update(entry.read_bytes())


def _shapes_key(key: bytes) -> str:
    """The name of the compiled shapes' entry in a build's cache: a digest of the ontology,
    the shapes and the code they are compiled with and by, and of this user's ``key`` (an
    entry is only ever found by the user who wrote it, as a case's is)."""
    digest = hashlib.sha256(key)
    digest.update(b"\0the compiled shapes\0")
    _digest_model(digest)
    return digest.hexdigest()


def _compiled_shapes(old_cache: Path | None, new_cache: Path | None) -> ShapeChecker:
    """The shapes compiled to checks, taken from the last build's cache (``old_cache``)
    if it holds them for this ontology, these shapes and this code, else compiled (with
    parsing the shapes and the ontology, 0.2 to 0.3 s at any size: a third of a check of
    the 8 real cases). A build (``new_cache``) keeps them in its own cache; a check (no
    ``new_cache``) only reads ``old_cache``."""
    key = cache_key() if new_cache is not None else existing_cache_key()
    name = None if key is None else f"{_shapes_key(key)}.pickle"
    if old_cache is not None and name is not None and (old_cache / name).is_file():
        checker = _read_compiled_shapes(old_cache / name)
        if checker is not None:
            if new_cache is not None:
                new_cache.mkdir(parents=True, exist_ok=True)
                _link(old_cache / name, new_cache / name)
            return checker
    checker = compile_checker(load_shapes(), load_ontology())
    if new_cache is not None and name is not None:
        new_cache.mkdir(parents=True, exist_ok=True)
        (new_cache / name).write_bytes(zlib.compress(pickle.dumps(checker), 1))
    return checker


def _cache_fingerprint(root: Path, old_cache: Path | None, new_cache: Path | None) -> str:
    """The :func:`_fingerprint` cache entries are named with: a build's (``new_cache``),
    or, when a check only reads ``old_cache``, the user's if a build has made their key;
    "" (no entry is taken or kept) otherwise."""
    if new_cache is not None:
        return _fingerprint(root)
    if old_cache is not None and old_cache.is_dir():
        # Only read: with no key of the user's yet, no entry can be theirs.
        user_key = existing_cache_key()
        return _fingerprint(root, user_key) if user_key is not None else ""
    return ""


def _cases(
    root: Path,
    paths: list[Path],
    old_cache: Path | None,
    new_cache: Path | None,
    progress: Progress | None,
    idle: Callable[[], bool] | None = None,
    fingerprint: str = "",
) -> _Outcomes:
    """Every case's outcome in file order: from the last build's cache, or computed (in
    parallel when there are many). Outcomes without errors go into ``new_cache``, if
    given; without it (``check``), ``old_cache`` is only read, and nothing is written.
    Entries are named with ``fingerprint`` (see :func:`_cache_fingerprint`; none without).

    The worker processes start, and begin on the first cases, when this is called; the
    outcomes come as the returned iterator is consumed. What :func:`_share` set is what
    cases are processed with. ``idle`` is this process's work for while it waits for the
    workers (see :func:`_bounded_map`).
    """
    keys: dict[Path, str] = {}
    hits: dict[Path, Path] = {}
    for path in paths:
        if not fingerprint:
            continue
        try:
            raw = read_file_bytes(path, str(path), MAX_YAML_BYTES)
        except DataErrors:
            continue  # not cached: reading the case in its turn says what is wrong
        # The file's name is part of the key: it carries the case's position.
        key = hashlib.sha256(f"{fingerprint}\0{path.name}\0".encode() + raw).hexdigest()
        keys[path] = key
        entry = old_cache / f"{key}.pickle" if old_cache is not None else None
        if entry is not None and entry.is_file():
            hits[path] = entry
    if new_cache is not None:
        new_cache.mkdir(parents=True, exist_ok=True)

    def task(path: Path) -> Task:
        if new_cache is None or path not in keys:
            return str(path), None
        return str(path), str(new_cache / f"{keys[path]}.pickle")

    todo = [task(p) for p in paths if p not in hits]
    computed: Iterator[CaseOutcome]
    workers = None
    if len(todo) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        workers = _Workers(root)
        computed = _bounded_map(workers, todo, idle)
    else:
        computed = (_process_case(*t) for t in todo)
    return _Outcomes(
        _in_order(paths, hits, task, computed, progress, lambda p: shown(p, root)), workers
    )


class _Outcomes:
    """The cases' outcomes as they come; :meth:`close` stops the worker processes (also
    when the outcomes were not all consumed, or none was)."""

    def __init__(self, outcomes: Iterator[CaseOutcome], workers: _Workers | None) -> None:
        self._outcomes = outcomes
        self._workers = workers

    def __iter__(self) -> Iterator[CaseOutcome]:
        return self._outcomes

    def close(self) -> None:
        if self._workers is not None:
            self._workers.close()
            self._workers = None


def _in_order(
    paths: list[Path],
    hits: dict[Path, Path],
    task: Callable[[Path], Task],
    computed: Iterator[CaseOutcome],
    progress: Progress | None,
    name: Callable[[Path], str],
) -> Iterator[CaseOutcome]:
    """The outcomes of ``paths``: those in the last build's cache read as they come (and
    linked into the new cache, and named as ``name`` names their file now), the others
    from ``computed``."""
    for done, path in enumerate(paths, 1):
        entry = hits.get(path)
        outcome = None
        if entry is not None:
            outcome = _read_cached(entry)
            if outcome is None:
                # An unreadable cache entry: the case is processed again, here.
                outcome = _process_case(*task(path))
            else:
                target = task(path)[1]
                if target is not None:
                    _link(entry, Path(target))
                outcome = outcome.named(name(path))
        else:
            outcome = next(computed)
        if progress is not None:
            progress("cases", done, len(paths))
        yield outcome


class _CacheUnpickler(pickle.Unpickler):
    """Reads a cache entry as the records a build writes there, and nothing else: a build
    folder may come from someone else (a project folder sent whole), and a pickle that
    names any other class or function (``os.system``) would have it called as it is read.
    ``classes``: what it may name, by module and name."""

    def __init__(self, file: io.BytesIO, classes: Mapping[tuple[str, str], Any]) -> None:
        super().__init__(file)
        self.classes = classes

    def find_class(self, module: str, name: str) -> Any:
        found = self.classes.get((module, name))
        if found is None:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a cache entry")
        return found


#: What reading a damaged, cut short or hostile cache entry raises: such an entry is
#: dropped, and what it held is made again.
_UNREADABLE = (
    OSError,
    zlib.error,
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ValueError,
    TypeError,
    re.error,
    InvalidOperation,
)


def _read_entry(entry: Path, classes: Mapping[tuple[str, str], Any]) -> object | None:
    """What a cache entry holds, read by :class:`_CacheUnpickler` naming only ``classes``;
    None if it cannot be read as such (damaged, cut short, or naming anything else)."""
    try:
        read: object = _CacheUnpickler(
            io.BytesIO(zlib.decompress(entry.read_bytes())), classes
        ).load()
    except _UNREADABLE:
        return None
    return read


def _read_cached(entry: Path) -> CaseOutcome | None:
    outcome = _read_entry(entry, _CACHED_CLASSES)
    if not isinstance(outcome, CaseOutcome):
        return None
    outcome.cached = True
    return outcome


#: The classes of what a cache entry holds (:class:`CaseOutcome` and its parts).
_CACHED_CLASSES: dict[tuple[str, str], type] = {
    (cls.__module__, cls.__qualname__): cls
    for cls in (CaseOutcome, Chunk, DataError, Uncovered, Violation)
}


def _read_compiled_shapes(entry: Path) -> ShapeChecker | None:
    """The compiled shapes of a cache entry (see :func:`_compiled_shapes`), read as a
    case's is, with the parts of compiled shapes only; None if it cannot be read as such."""
    checker = _read_entry(entry, _SHAPES_CLASSES)
    return checker if isinstance(checker, ShapeChecker) else None


#: What compiled shapes are made of (and ``re._compile``, which makes their patterns).
_SHAPES_CLASSES: dict[tuple[str, str], Any] = {
    (getattr(item, "__module__", ""), item.__qualname__): item
    for item in (
        ShapeChecker,
        *shape_parts(),
        CompiledConstraint,
        URIRef,
        Literal,
        BNode,
        Decimal,
        defaultdict,
        list,
    )
} | {("re", "_compile"): re._compile}  # type: ignore[attr-defined]


def _link(entry: Path, target: Path) -> None:
    """Put a cache entry of the last build into the new cache (a hard link if possible)."""
    try:
        os.link(entry, target)
    except OSError:
        shutil.copyfile(entry, target)


def _shared_key(fingerprint: str) -> str:
    """The name of the shared entities' entry in a build's cache: a digest of
    ``fingerprint`` (:func:`_fingerprint`: the sources, the entities, the ontology, the
    shapes, the code and the user's key), all their rendering and checking depends on."""
    return hashlib.sha256(f"{fingerprint}\0the shared entities\0".encode()).hexdigest()


class _SharedPart:
    """The shared entities' triples, rendered and checked one group at a time (see
    :func:`~reformgraph.build.shared_triple_groups`) into a file of their own, which the
    build appends to its N-Triples after the cases: whenever this process would wait for
    the workers, it does a group (:meth:`step`), and :meth:`finish` does the rest.

    With ``old_entry``, the last build's cache entry for these entities (see
    :func:`_shared_key`), the groups are read from it instead, rendered and checked as they
    were (rendering and checking them took 1.5 of the 7 s of CPU a check of 2,000 synthetic
    cases took); an entry that cannot be read to its end is set aside and every group done
    again. With ``new_entry`` (a build), what was done or read is kept there: a gzip stream
    of one pickled ``(Chunk, violations)`` per group, and ``None`` at its end."""

    def __init__(
        self,
        groups: Callable[[], Iterator[list[Any]]],
        checks: _Checks,
        path: Path,
        old_entry: Path | None = None,
        new_entry: Path | None = None,
    ) -> None:
        self._make_groups = groups
        self._checks = checks
        self._path = path
        self._new_entry = new_entry
        self._file: Any = None  # the old entry, read
        self._reader: Any = None
        self._recorder: Any = None
        self._old_entry = old_entry if old_entry is not None and old_entry.is_file() else None
        self._start()

    def _start(self) -> None:
        """Begin (again) with empty files: from the old entry if there is one to read."""
        self.writer = NTriplesWriter(self._path)
        self.jsonld = JsonLdWriter(self._path.with_suffix(".jsonld"))
        self.violations: list[Violation] = []
        self._groups: Iterator[list[Any]] | None = None
        if self._old_entry is not None:
            try:
                self._file = gzip.open(self._old_entry, "rb")
            except OSError:
                self._old_entry = None
            else:
                self._reader = _CacheUnpickler(self._file, _CACHED_CLASSES)
                return
        self._groups = self._make_groups()
        if self._new_entry is not None:
            self._recorder = gzip.open(self._path.with_suffix(".cache"), "wb", compresslevel=1)

    def _read(self) -> tuple[Chunk, list[Violation]] | None:
        """The next group's record in the old entry, None at its end; raises ValueError
        if the entry cannot be read as such."""
        try:
            record = self._reader.load()
            # Read to its end, where gzip checks what it read.
            end = self._file.read(1) if record is None else b""
        except _UNREADABLE as exc:
            raise ValueError("unreadable") from exc
        if record is None:
            if end:
                raise ValueError("more after its end")
            return None
        if (
            not isinstance(record, tuple)
            or len(record) != 2
            or not isinstance(record[0], Chunk)
            or not isinstance(record[1], list)
            or not all(isinstance(v, Violation) for v in record[1])
        ):
            raise ValueError("not a group's record")
        return record

    def step(self) -> bool:
        """Render, write and check the next group (or read it); False when none is left."""
        if self._reader is not None:
            try:
                record = self._read()
            except ValueError:
                # A damaged entry (or not one of ours): every group is done again, here.
                self._file.close()
                self._reader = self._old_entry = None
                for writer in (self.writer, self.jsonld):
                    writer.close()
                self._start()
                return True
            if record is None:
                self._file.close()
                self._reader = None
                return False
            chunk, violations = record
            self.writer.write(chunk)
            self.jsonld.write(chunk)
            self.violations += violations
            return True
        group = None if self._groups is None else next(self._groups, None)
        if group is None:
            self._groups = None
            return False
        chunk = render_chunk(group, _jsonld_nodes())
        self.writer.write(chunk)
        self.jsonld.write(chunk)
        result = self._checks.check(group, chunk.ntriples)
        found = result.violations + result.warnings
        self.violations += found
        if self._recorder is not None:
            pickle.dump((chunk, found), self._recorder, protocol=pickle.HIGHEST_PROTOCOL)
        return True

    def finish(self) -> None:
        while self.step():
            pass
        self.writer.close()
        self.jsonld.close()
        if self._new_entry is None:
            return
        if self._recorder is not None:
            pickle.dump(None, self._recorder)
            self._recorder.close()
            self._recorder = None
            self._path.with_suffix(".cache").replace(self._new_entry)
        elif self._old_entry is not None:
            _link(self._old_entry, self._new_entry)

    def close(self) -> None:
        self._groups = None
        for handle in (self._file, self._recorder):
            if handle is not None:
                handle.close()
        self._reader = self._file = self._recorder = None
        self._path.with_suffix(".cache").unlink(missing_ok=True)
        for writer in (self.writer, self.jsonld):
            writer.close()
            writer.path.unlink(missing_ok=True)


# --------------------------------------------------------------------------- the build


def produce(
    data_dir: Path,
    work: Path,
    *,
    cache: Path | None = None,
    kept: bool = True,
    progress: Progress | None = None,
) -> Produced:
    """Build a data folder into ``work`` (the three files, the store, and ``work/.cache``).

    ``cache`` is the last build's case cache to reuse, if any. Without ``kept`` (a check,
    which keeps nothing it writes), neither ``work/.cache`` nor the Turtle is written, and
    ``cache`` is only read.

    Raises :class:`~reformgraph.errors.DataErrors` with every problem of the data, and
    :class:`~reformgraph.errors.WorkerDied` if a worker process ended abruptly.
    """
    refuse_in_starting_worker("a build")
    from concurrent.futures.process import BrokenProcessPool

    try:
        return _produce(data_dir, work, cache=cache, kept=kept, progress=progress)
    except BrokenProcessPool:
        from reformgraph.errors import WorkerDied

        raise WorkerDied(_died()) from None


def _died() -> str:
    """What to say of a worker process that ended abruptly, and what may have ended it."""
    said = (
        "a worker process of the build ended abruptly (killed, or out of memory), and the"
        " build with it; nothing was written"
    )
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    if _context().get_start_method() != "fork" and script:
        said += (
            f". Workers import the script that started the build ({script}) as they start:"
            ' if its calls of reformgraph are not under `if __name__ == "__main__":`, a'
            " worker runs them again, and is stopped (its message is above)"
        )
    return said


def _produce(
    data_dir: Path,
    work: Path,
    *,
    cache: Path | None,
    kept: bool,
    progress: Progress | None,
) -> Produced:
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    paths = case_file_paths(data_dir)
    prepared = _prepare(data_dir, paths, progress, cache, work / CACHE_DIR if kept else None)
    tally = _write_cases(data_dir, paths, work, prepared, cache=cache, kept=kept, progress=progress)
    seconds["read, resolve and write"] = time.perf_counter() - clock
    shared_entities = _shared_entities(prepared.shared, tally.links)
    # What the cases were processed with is not needed any more: give its memory back
    # before the store is loaded.
    _WORKER.clear()
    del prepared
    gc.collect()  # finalisers run: a Ctrl-C that lands in one is noted, not raised
    _stop_if_interrupted()
    store = _load_store(work, tally.cases, progress, seconds, kept=kept)
    errors_found = sorted({v for v in tally.violations if v.severity == "Violation"})
    warnings_found = sorted({v for v in tally.violations if v.severity != "Violation"})
    validation = ValidationResult(
        conforms=not errors_found,
        violations=errors_found,
        warnings=warnings_found,
        report_text="\n".join(map(str, errors_found + warnings_found)) or "Conforms",
    )
    return Produced(
        folder=work,
        triples=tally.triples,
        validation=validation,
        uncovered=tally.uncovered,
        warnings=tally.warnings,
        cases=tally.cases,
        reused=tally.reused,
        seconds=seconds,
        shared_entities=shared_entities,
        store=store,
    )


@dataclass
class _Prepared:
    """What every case is read and checked with: the sources and entities, the resolver
    of references, the compiled shapes, the labels that hold numerals, and the problems
    of the case folder itself."""

    shared: Dataset
    resolver: CaseResolver
    checks: _Checks
    labels: list[str]
    folder_errors: list[DataError]


def _prepare(
    data_dir: Path,
    paths: list[Path],
    progress: Progress | None,
    old_cache: Path | None = None,
    new_cache: Path | None = None,
) -> _Prepared:
    """Read the sources and entities and make what the cases are checked with (the
    compiled shapes from the last build's cache ``old_cache`` if it has them, and kept in
    ``new_cache``, if given: see :func:`_compiled_shapes`). Raises :class:`DataErrors`
    when they are unsound, or there is no case to read."""
    # Case files that would not be read, or none at all: then the build stops once the
    # sources and entities are read (what spans cases, such as the introductions, which
    # run up to the first case, would only report consequences).
    folder_errors = case_folder_errors(data_dir, paths)
    try:
        shared = _load_shared(data_dir, progress, old_cache, new_cache)
    except DataErrors as exc:
        # Reading a case file does not depend on the sources or entities: report its
        # problems too, in the same run.
        raise DataErrors([*exc.errors, *folder_errors, *_reading_errors(data_dir, paths)]) from None
    if not paths:
        raise DataErrors(folder_errors)
    if progress is not None:
        progress("prepare", 0, 3)
    resolver = CaseResolver(shared)
    if resolver.entity_errors:
        # Nothing can be rendered from unsound entities; resolve the cases for their errors.
        raise DataErrors(
            [*resolver.entity_errors, *folder_errors, *_case_errors(data_dir, paths, resolver)]
        )
    if progress is not None:
        progress("prepare", 1, 3)
    checks = _Checks.make(shared, _compiled_shapes(old_cache, new_cache))
    if progress is not None:
        progress("prepare", 2, 3)
    labels = numeral_labels(shared.entities.values())
    if progress is not None:
        progress("prepare", 3, 3)
    _share(data_dir, shared, resolver, checks, labels)
    return _Prepared(shared, resolver, checks, labels, list(folder_errors))


@dataclass
class _Tally:
    """What the cases and introductions added up to, once written."""

    errors: list[DataError]
    warnings: list[DataError] = field(default_factory=list)
    uncovered: list[Uncovered] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    links: Counter[str] = field(default_factory=Counter)
    seen: dict[str, str] = field(default_factory=dict)  # case id: the file that has it
    cases: int = 0
    reused: int = 0
    triples: int = 0

    def take(self, outcome: CaseOutcome, resolver: CaseResolver) -> Chunk | None:
        """Count a case's outcome in, place it in its source, and return its chunk."""
        self.errors += outcome.errors
        self.warnings += outcome.warnings
        resolver.used.update(outcome.used)
        duplicate = outcome.case_id is not None and outcome.case_id in self.seen
        if outcome.case_id is not None:
            if duplicate:
                self.errors.append(
                    DataError(
                        outcome.file,
                        outcome.id_line,
                        "id",
                        f"duplicate case id {outcome.case_id!r}: already used by"
                        f" {self.seen[outcome.case_id]}",
                    )
                )
            self.seen.setdefault(outcome.case_id, outcome.file)
        # A second case of the same id is not placed in its source: the checks that
        # span cases (positions, extents) would report the duplicate again, on files
        # that are fine.
        if outcome.place is not None and not duplicate:
            source, start, position, line, end = outcome.place
            resolver.place(
                source, start, position, LineMap(outcome.file, {("position",): line or 1}), end
            )
        if outcome.chunk is not None:
            self.cases += 1
            self.reused += outcome.cached
            self.links.update(outcome.links)
        self.uncovered += outcome.uncovered
        self.violations += outcome.violations
        return outcome.chunk


def _write_cases(
    data_dir: Path,
    paths: list[Path],
    work: Path,
    prepared: _Prepared,
    *,
    cache: Path | None,
    kept: bool,
    progress: Progress | None,
) -> _Tally:
    """Read, resolve, render and check every case (in worker processes), and the
    introductions and shared entities after them, into the N-Triples and the JSON-LD."""
    shared, resolver, checks = prepared.shared, prepared.resolver, prepared.checks
    tally = _Tally(errors=list(prepared.folder_errors))
    # The workers begin on the cases; this process renders and checks the shared
    # entities whenever it would wait for them, into a file that goes after the cases.
    new_cache = work / CACHE_DIR if kept else None
    fingerprint = _cache_fingerprint(data_dir, cache, new_cache)
    shared_name = f"{_shared_key(fingerprint)}.pickle" if fingerprint else None
    shared_part = _SharedPart(
        lambda: shared_triple_groups(shared.entities, shared.sources.values()),
        checks,
        work / f"{STEM}.shared.nt",
        old_entry=None if cache is None or shared_name is None else cache / shared_name,
        new_entry=None if new_cache is None or shared_name is None else new_cache / shared_name,
    )
    outcomes = _cases(data_dir, paths, cache, new_cache, progress, shared_part.step, fingerprint)
    with (
        closing(outcomes),
        closing(shared_part),
        NTriplesWriter(work / f"{STEM}.nt") as writers,
        JsonLdWriter(work / f"{STEM}.jsonld", CONTEXT) as jsonld,
    ):
        for outcome in outcomes:
            _stop_if_interrupted()
            chunk = tally.take(outcome, resolver)
            if chunk is not None:
                writers.write(chunk)
                jsonld.write(chunk)
        # The workers' memory back before what follows (at 100,000 cases they hold a GB).
        outcomes.close()
        introductions, warnings = resolver.finish(tally.errors)
        tally.warnings += warnings
        for source_id, intro in introductions.items():
            triples = list(introduction_triples(shared.entities, shared.sources[source_id], intro))
            chunk = render_chunk(triples, _jsonld_nodes())
            writers.write(chunk)
            jsonld.write(chunk)
            result = checks.check(triples, chunk.ntriples)
            tally.violations += result.violations + result.warnings
            tally.uncovered += introduction_numerals(source_id, intro, prepared.labels)
            tally.uncovered += introduction_triggers(source_id, intro)
        shared_part.finish()
        tally.violations += shared_part.violations
        writers.append(shared_part.writer)
        jsonld.append(shared_part.jsonld)
    tally.triples = writers.triples
    return tally


def _load_store(
    work: Path,
    cases: int,
    progress: Progress | None,
    seconds: dict[str, float],
    *,
    kept: bool = True,
) -> Any:
    """Bulk-load the N-Triples and the ontology into the store, and write the Turtle (in
    another process while the store loads, for large builds). Without ``kept`` (a check,
    whose store is read for its summary and thrown away), the store holds only the
    triples the summary counts in (:data:`SUMMARY_PREDICATES`) and the ontology, is not
    compacted, and no Turtle is written; it is held in memory, and returned, when those
    triples are few (:data:`CHECK_IN_MEMORY_BYTES`), and None is returned otherwise."""
    clock = time.perf_counter()
    if progress is not None:
        progress("store", 0, 1)
    nt = work / f"{STEM}.nt"
    # The JSON-LD was written with the N-Triples; the Turtle is written from them in
    # another process while the store loads them (large builds only: starting a process
    # costs more than small ones).
    ttl = work / f"{STEM}.ttl"
    converter = None
    if kept and cases >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:
        converter = _launch(
            ProcessPoolExecutor(max_workers=1, mp_context=_context(), initializer=_die_with_parent)
        )
        conversion = converter.submit(convert_ntriples, nt, ttl, CONTEXT)
    in_memory = None
    try:
        loaded = nt if kept else _summary_triples(nt)
        if not kept and loaded.stat().st_size <= CHECK_IN_MEMORY_BYTES:
            # A small check's store: creating an on-disk store, and opening it again,
            # took 0.3 to 0.4 s of the 0.8 s a check of the 8 real cases took.
            store = in_memory = memory_store()
        else:
            store = create_store(work / STORE_DIR)
        bulk_load_ntriples(store, loaded)
        add_ontology(store, ontology_file("reformgraph.ttl"))
        if kept:
            store.optimize()
        seconds["load the store"] = time.perf_counter() - clock
        _stop_if_interrupted()
        if progress is not None:
            progress("store", 1, 1)
        if kept:
            clock = time.perf_counter()
            if converter is None:
                convert_ntriples(nt, ttl, CONTEXT)
            else:
                conversion.result()
            seconds["write Turtle"] = time.perf_counter() - clock
    finally:
        if converter is not None:
            converter.shutdown(cancel_futures=True)
    if in_memory is not None:
        return in_memory
    store.flush()
    return None


#: Up to this many bytes of a check's summary triples (about 3,400 synthetic cases' worth:
#: some 4 times as many bytes of memory), the check's store is held in memory. (On 2,000
#: synthetic cases, 78 MB of them, the check's peak memory stayed 0.47 GB: it comes
#: before, with the entities, and the CPU time fell from 8.8 to 7.6 s.)
CHECK_IN_MEMORY_BYTES = 128 * 2**20


#: The predicates of the triples a build's summary is counted from
#: (:func:`reformgraph.pipeline.summarise_store`, given the shared entities: the classes
#: and the labels), all a check's store holds of the data.
SUMMARY_PREDICATES = (
    b"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
    b"<http://www.w3.org/2004/02/skos/core#prefLabel>",
)


def _summary_triples(nt: Path) -> Path:
    """The lines of the N-Triples ``nt`` whose predicate is one of
    :data:`SUMMARY_PREDICATES`, in a file beside it. (An IRI holds no space, so the second
    word of a line is its predicate, whatever a literal after it holds.)"""
    kept = nt.with_name(f"{nt.stem}.summary.nt")
    with nt.open("rb") as source, kept.open("wb") as target:
        for line in source:
            parts = line.split(b" ", 2)
            if len(parts) == 3 and parts[1] in SUMMARY_PREDICATES:
                target.write(line)
    return kept


def _shared_entities(shared: Dataset, links: Counter[str]) -> list[tuple[str, str, int]]:
    """(Chinese label, class IRI, cases) of the entities that link two or more cases,
    most cases first (then by label and IRI), as ``shared-entity-counts.rq`` lists them."""
    found = []
    for entity_id, cases in links.items():
        entity = shared.entities[entity_id]
        if cases >= 2 and entity.label.zh:
            found.append((entity.label.zh, str(ENTITY_CLASSES[entity.type]), cases, entity.iri))
    found.sort(key=lambda item: (-item[2], item[0], str(item[3])))
    return [(label, kind, cases) for label, kind, cases, _ in found]


#: From this many bytes of entity files, two processes read them.
PARALLEL_ENTITY_BYTES = 4 * 2**20


def _load_shared(
    root: Path,
    progress: Progress | None = None,
    old_cache: Path | None = None,
    new_cache: Path | None = None,
) -> Dataset:
    """:func:`~reformgraph.io.load_shared`, its entity files read and validated by two
    processes when they are large (a national collection's take a minute in one), with
    progress by file. An entity file unchanged since the last build is taken from its
    cache (``old_cache``; see :class:`_EntityEntries`), and a build keeps what it read in
    its own (``new_cache``)."""
    entries = _EntityEntries(old_cache, new_cache)
    pools: list[ProcessPoolExecutor] = []

    def map_files(read: Callable[[Path], Any], paths: list[Path]) -> Iterator[Any]:
        if progress is not None:
            progress("shared", 0, len(paths))
        cached = {path: entries.take(path) for path in paths}
        todo = [path for path in paths if cached[path] is None]
        size = sum(path.stat().st_size for path in todo)
        run: Callable[..., Iterator[Any]] = map
        if len(todo) >= 2 and size >= PARALLEL_ENTITY_BYTES and (os.cpu_count() or 1) > 1:
            pools.append(
                _launch(
                    ProcessPoolExecutor(
                        max_workers=2, mp_context=_context(), initializer=_die_with_parent
                    )
                )
            )
            run = pools[0].map
        computed = iter(run(read, todo))
        for done, path in enumerate(paths, 1):
            found = cached[path]
            if found is None:
                found = next(computed)
                entries.keep(path, found)
            if progress is not None:
                progress("shared", done, len(paths))
            yield found

    try:
        return load_shared(root, map_files=map_files)
    finally:
        for pool in pools:
            pool.shutdown(cancel_futures=True)


class _EntityEntries:
    """What reading and validating each entity file gave (its entities, packed), in the
    cache, keyed by the file's bytes, the ontology, the shapes, the code and this user's
    key: a file unchanged since the last build (``old_cache``) is not read again (reading
    the entity files of 2,000 synthetic cases took 1.6 of the 5.9 s of CPU of a check that
    took the cases and shared entities from the cache). Only a file read without a problem
    is kept (in ``new_cache``, a build's): a problem is reported by reading it again."""

    def __init__(self, old_cache: Path | None, new_cache: Path | None) -> None:
        key = cache_key() if new_cache is not None else None
        if key is None and old_cache is not None and old_cache.is_dir():
            key = existing_cache_key()  # only read: none if the user has never built
        self._old = old_cache
        self._new = new_cache
        self._digest: Any = None
        self._names: dict[Path, str] = {}
        if key is not None:
            self._digest = hashlib.sha256(key)
            self._digest.update(b"\0an entity file\0")
            _digest_model(self._digest)

    def _name(self, path: Path) -> str | None:
        if self._digest is None:
            return None
        try:
            raw = read_file_bytes(path, str(path), MAX_YAML_BYTES)
        except DataErrors:
            return None  # reading it says what is wrong
        digest = self._digest.copy()
        digest.update(path.name.encode("utf-8", "surrogateescape") + b"\0")  # it names it
        digest.update(raw)
        self._names[path] = name = f"{digest.hexdigest()}.pickle"
        return name

    def take(self, path: Path) -> Any:
        """What reading ``path`` gave, from the last build's cache; None if not there."""
        name = self._name(path)
        if name is None or self._old is None or not (self._old / name).is_file():
            return None
        found = _read_entry(self._old / name, {})  # builtin types only
        if not _entity_file_read(found):
            return None
        if self._new is not None:
            self._new.mkdir(parents=True, exist_ok=True)
            _link(self._old / name, self._new / name)
        return found

    def keep(self, path: Path, found: Any) -> None:
        """Keep what reading ``path`` gave in the new cache, if it found no problem."""
        name = self._names.get(path)
        if self._new is not None and name is not None and _entity_file_read(found):
            self._new.mkdir(parents=True, exist_ok=True)
            (self._new / name).write_bytes(zlib.compress(pickle.dumps(found), 1))


def _entity_file_read(found: object) -> bool:
    """Whether ``found`` is what reading an entity file without a problem gives: its
    entities as ``(id, packed, index)``, and no line numbers."""
    return (
        isinstance(found, tuple)
        and len(found) == 2
        and found[1] is None
        and isinstance(found[0], list)
        and all(
            isinstance(item, tuple)
            and len(item) == 3
            and type(item[0]) is str
            and type(item[1]) is bytes
            and type(item[2]) is int
            for item in found[0]
        )
    )


def _reading_errors(root: Path, paths: list[Path]) -> list[DataError]:
    """The problems of reading the case files (YAML and schema), without resolving them."""
    return [error for path in paths for error in load_case_file(path, root)[1]]


def _case_errors(root: Path, paths: list[Path], resolver: CaseResolver) -> list[DataError]:
    """Every problem of the case files, resolved against the (unsound) shared entities."""
    errors: list[DataError] = []
    for path in paths:
        case_file, problems = load_case_file(path, root)
        errors += problems
        if case_file is not None:
            errors += resolver.case(case_file)[1]
    return errors


def _threads() -> int:
    """How many threads this process has, native ones included (Linux), else Python's."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return threading.active_count()
    for line in status.splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return threading.active_count()


def _context() -> multiprocessing.context.BaseContext:
    """How worker processes start. Forking is fastest and needs nothing of the caller,
    but is unsafe once the process holds threads (an open store's, for one); then a fork
    server, whose workers import the caller's main module: scripts that build large data
    folders then need the usual ``if __name__ == "__main__":`` guard."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and _threads() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else None)


def refuse_in_starting_worker(what: str) -> None:
    """Refuse to start ``what`` (a build, a check) in a worker process that is starting.

    A worker started by a fork server (see :func:`_context`) imports the main module of
    the process that started it, as ``__mp_main__``; a script without the ``if __name__ ==
    "__main__":`` guard then runs again in it, and its build would start workers of its
    own, which run the script again: builds within builds, without end. Refused, the
    worker ends as it starts, and the build that started it says why
    (:class:`~reformgraph.errors.UnguardedScriptError`).

    The starting worker then says it in one line, without the traceback of the worker's
    start (:class:`_SaidWhole`): the build's other workers, started from the same script,
    say it too, at the same time."""
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        from reformgraph.errors import UnguardedScriptError

        if not isinstance(sys.excepthook, _SaidWhole):
            sys.excepthook = _SaidWhole(sys.excepthook)
        raise UnguardedScriptError(_unguarded(what))


class _SaidWhole:
    """The ``sys.excepthook`` of a worker process refused as it starts: its
    :class:`~reformgraph.errors.UnguardedScriptError` is said as the last line of a
    traceback is, written whole by one ``os.write``; any other error goes to the hook it
    replaced.

    Python writes a traceback to stderr piece by piece (unbuffered, as under
    ``PYTHONUNBUFFERED``, each piece by a write of its own), and the build's workers,
    refused at the same time, write to the same stderr: their pieces interleaved, and the
    message came split by another worker's output. One write of a line shorter than a
    pipe's buffer (``PIPE_BUF``) is not split."""

    def __init__(self, then: Callable[..., Any]) -> None:
        self.then = then

    def __call__(self, kind: type[BaseException], error: BaseException, trace: Any) -> None:
        from reformgraph.errors import UnguardedScriptError

        if not isinstance(error, UnguardedScriptError):
            self.then(kind, error, trace)
            return
        line = f"{kind.__module__}.{kind.__qualname__}: {error}\n"
        stream = sys.stderr
        if stream is None:
            return
        try:
            stream.flush()
            fd = stream.fileno()
        except (AttributeError, OSError, ValueError):  # no file under it (a StringIO)
            stream.write(line)
            stream.flush()
            return
        data = line.encode(getattr(stream, "encoding", None) or "utf-8", "backslashreplace")
        while data:
            data = data[os.write(fd, data) :]


def _unguarded(what: str) -> str:
    main = sys.modules.get("__mp_main__") or sys.modules.get("__main__")
    script = getattr(main, "__file__", None)
    named = f"the script {script}" if script else "the main module"
    return (
        f"{what} was started while a worker process of a build was starting: the worker"
        f" imports {named}, which then ran its {what} again. Put the script's calls of"
        ' reformgraph under `if __name__ == "__main__":` (a build of a large data folder'
        " starts worker processes, and once the process holds threads, as it does after a"
        " first build, they import the script as they start)"
    )


def publish(work: Path, out_dir: Path) -> list[Path]:
    """Move a finished build from its work folder into ``out_dir``, replacing the last one
    as a whole: the three files, the store and the cache are all the new build's, or, if
    any of them cannot be put in place, all the last build's (the ones already moved are
    put back), and :class:`~reformgraph.errors.PublishError` says what failed.

    The new build is first moved beside the old one under hidden names (a copy when the
    work folder is on another file system), then each old item is renamed aside and the
    new one renamed into its place; the old items are deleted last.
    """
    # Ctrl-C or kill while the items are moved would leave two builds' files: the signals
    # are held until the build is in place (or the last one put back), then reported.
    with _held_signals() as came:
        written = _publish(work, out_dir)
    if came:
        raise InterruptedAfterPublishing(str(out_dir))
    return written


@contextmanager
def noted_interrupts() -> Iterator[list[int]]:
    """Within the block, Ctrl-C (SIGINT) and ``kill`` (SIGTERM) do what their handlers do
    (Ctrl-C raises KeyboardInterrupt) and are also noted in the list, where a Python
    handler acts on them (in the main thread; elsewhere the block runs as it is).

    A handler's exception is raised wherever the main thread is, and Python drops one
    raised while a finaliser runs (a ``__del__``, a weakref callback, which the garbage
    collector runs at any moment) with only a line on stderr: the build went on and put
    its new build in place, exit code 0, as if Ctrl-C was never pressed. The caller checks
    the list before it writes anything that stays."""
    import signal

    came: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield came
        return
    previous: dict[int, Callable[[int, Any], Any]] = {
        signum: handler
        for signum in (signal.SIGINT, signal.SIGTERM)
        if callable(handler := signal.getsignal(signum))
    }

    def note(signum: int, frame: Any) -> None:
        came.append(signum)
        previous[signum](signum, frame)

    for signum in previous:
        signal.signal(signum, note)
    _NOTED.append(came)
    try:
        yield came
    finally:
        _NOTED.remove(came)
        for signum, handler in previous.items():
            signal.signal(signum, handler)


#: The lists of the :func:`noted_interrupts` blocks this process is in.
_NOTED: list[list[int]] = []


def _stop_if_interrupted() -> None:
    """Stop (KeyboardInterrupt) if a Ctrl-C or ``kill`` was noted whose own exception was
    lost (see :func:`noted_interrupts`): at once, not after the rest of the build."""
    if any(_NOTED):
        raise KeyboardInterrupt


@contextmanager
def _held_signals(sigterm: bool = True) -> Iterator[list[int]]:
    """Within the block, Ctrl-C (SIGINT) and ``kill`` (SIGTERM; unless ``sigterm`` is
    False) are noted in the list, not acted on (in the main thread; elsewhere the block
    runs as it is)."""
    import signal

    came: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield came
        return

    def hold(signum: int, frame: object) -> None:
        came.append(signum)

    held = (signal.SIGINT, signal.SIGTERM) if sigterm else (signal.SIGINT,)
    previous = {signum: signal.signal(signum, hold) for signum in held}
    _HELD_FROM.update(previous)
    try:
        yield came
    finally:
        _HELD_FROM.clear()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


#: While :func:`_held_signals` holds signals back, the handlers they had: a worker forked
#: then (:func:`_launch`) inherits the holding handler, and takes these back.
_HELD_FROM: dict[Any, Any] = {}


def _publish(work: Path, out_dir: Path) -> list[Path]:
    names = [f"{STEM}.{suffix}" for suffix in ("ttl", "nt", "jsonld")] + [STORE_DIR]
    if (work / CACHE_DIR).exists():
        names.append(CACHE_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    staged = {name: out_dir / f".{name}.new" for name in names}
    aside = {name: out_dir / f".{name}.old" for name in names}
    for path in (*staged.values(), *aside.values()):  # left by a build that was killed
        _remove(path)
    # While the items are renamed one by one, the folder holds two builds' files: the
    # marker says so to readers (engine.open_store), and stays if this process is killed
    # before it is done, until a build completes.
    marker = out_dir / PUBLISHING
    marker.write_text(f"{os.getpid()}\n", encoding="ascii")
    done: list[str] = []
    try:
        for name in names:
            shutil.move(str(work / name), str(staged[name]))
        for name in names:
            target = out_dir / name
            if target.exists() or target.is_symlink():
                target.rename(aside[name])
            done.append(name)
            staged[name].rename(target)
    except OSError as exc:
        kept = _roll_back(out_dir, done, aside)
        for path in staged.values():
            _remove(path)
        if kept:
            marker.unlink(missing_ok=True)
        where = f" {exc.filename}" if exc.filename else ""
        state = (
            "the last build is as it was"
            if kept
            else f"the last build could not be put back whole: see {out_dir}"
        )
        raise PublishError(
            f"cannot put the new build in place ({exc.strerror or exc}:{where}); {state}"
        ) from None
    marker.unlink()
    for name in names:
        _remove(aside[name])
    return [out_dir / name for name in names if name != CACHE_DIR]


def _roll_back(out_dir: Path, done: list[str], aside: dict[str, Path]) -> bool:
    """Put the last build's items back (those renamed aside); whether all went back."""
    whole = True
    for name in reversed(done):
        target = out_dir / name
        try:
            if aside[name].exists() or aside[name].is_symlink():
                _remove(target)
                aside[name].rename(target)
            elif target.exists():  # there was none: the new one goes
                _remove(target)
        except OSError:
            whole = False
    return whole


def _remove(path: Path) -> None:
    """Delete a file or a folder, if there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


@contextmanager
def build_lock(out_dir: Path, progress: Progress | None = None) -> Iterator[None]:
    """Hold ``out_dir`` for one build at a time: two builds at once into one folder
    renamed each other's files and left it without Turtle, or with a store that cannot be
    opened. Another build into it waits (its ``progress`` hears ``wait``, 0 of 1, then 1
    of 1) until this one is done; builds into other folders, side by side, do not.

    The lock is on the folder itself, made here if missing (and removed again, with the
    folders made for it, if the build leaves it empty: a failed first build leaves
    nothing behind). A build that waited for one that removed the folder so makes it
    again, and locks that one."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: builds are not kept apart
        yield
        return
    made: list[Path] = []
    while True:
        missing = [f for f in (out_dir, *out_dir.parents) if not f.exists()]
        out_dir.mkdir(parents=True, exist_ok=True)
        made += [f for f in reversed(missing) if f not in made]
        fd = os.open(out_dir, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if progress is not None:
                    progress("wait", 0, 1)
                fcntl.flock(fd, fcntl.LOCK_EX)
                if progress is not None:
                    progress("wait", 1, 1)
            held = os.fstat(fd)
            there = store_identity(out_dir)
        except BaseException:
            os.close(fd)
            raise
        if there == (held.st_dev, held.st_ino):
            break
        os.close(fd)  # removed (and perhaps made again) while this build waited
    try:
        yield
    finally:
        for folder in reversed(made):  # the deepest first; only those left empty
            try:
                folder.rmdir()
            except OSError:
                break
        os.close(fd)  # closing the descriptor releases the lock


#: A build's work folder names the process building: ``.reformgraph-build-<pid>-<random>``.
_WORK_FOLDER = re.compile(r"^\.reformgraph-build-(\d+)-")


def work_folder(out_dir: Path) -> tempfile.TemporaryDirectory[str]:
    """A temporary folder on the same file system as ``out_dir`` where possible (so that
    publishing is a rename), without creating ``out_dir`` itself. The work folders of
    builds whose process is gone (killed: nothing removed them) are removed first."""
    prefix = f".reformgraph-build-{os.getpid()}-"
    for folder in (out_dir, out_dir.parent):
        if folder.is_dir():
            _sweep_work_folders(folder)
            return tempfile.TemporaryDirectory(prefix=prefix, dir=folder)
    return tempfile.TemporaryDirectory(prefix=prefix.lstrip("."))


def unfinished_build(out_dir: Path) -> tuple[str, bool] | None:
    """What a build folder holds instead of a build, if a build into it has not finished
    (what to say of it, "a build into it \u2026", and whether that build is running): one
    that is running, or one that was killed outright (``kill -9``, the out-of-memory
    killer) and left its work folder, which the next build removes; None if there is none
    (or ``out_dir`` cannot be read)."""
    try:
        entries = sorted(out_dir.iterdir())
    except OSError:
        return None
    found = [
        (int(match[1]), path)
        for path in entries
        if (match := _WORK_FOLDER.match(path.name)) is not None and path.is_dir()
    ]
    running = [pid for pid, _ in found if _running(pid)]
    if running:
        return (
            f"a build into it is running (process {running[0]}) and has not finished",
            True,
        )
    if found:
        return (
            "a build into it was interrupted (killed) before it finished, and left"
            f" only its unfinished work ({found[0][1].name}), which the next build removes"
        ), False
    return None


def _sweep_work_folders(folder: Path) -> None:
    """Remove the work folders in ``folder`` of builds that are no longer running."""
    for path in folder.iterdir():
        match = _WORK_FOLDER.match(path.name)
        if match is None or not path.is_dir() or _running(int(match[1])):
            continue
        shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    """Whether a process ``pid`` exists (one we may not signal exists too)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

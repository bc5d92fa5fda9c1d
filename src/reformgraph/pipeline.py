"""The jobs the command line runs, as plain functions over paths. No terminal here.

- :func:`build` and :func:`check`: a data folder to a build folder (or only checked);
- :func:`open_graph` (a build's store, nothing parsed) and :func:`load_graph` (an RDF
  file, parsed): an rdflib ``Graph`` to query and analyse;
- :func:`query`: a saved query's name, a query file or SPARQL text, with parameters, on a
  graph; :func:`export_query`: the answer on a build's store, to a CSV or JSON file;
- :func:`write_view` and :func:`write_networks`: graph pages, GraphML and GEXF files;
- :func:`accept` and :func:`rename`: a reviewed draft merged into a data folder, an
  entity or a case given another id.

Errors are a ``ReformgraphError`` (those of :mod:`reformgraph.errors`, and
:class:`~reformgraph.viz.EmptyViewError` and
:class:`~reformgraph.analysis.AmbiguousIdError`), a ``ValueError`` or ``TypeError`` for an
argument that cannot be right, or the ``OSError`` of a file that cannot be written (a
folder without permission, a full disk).
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from rdflib import RDF, Graph

from reformgraph.build import PREFIXES
from reformgraph.coverage import Uncovered
from reformgraph.engine import BUILD_INFO, STORE_DIR
from reformgraph.errors import (
    DataError,
    DataErrors,
    LargeViewWarning,
    NoBuildError,
    NoCasesError,
    NoProjectError,
    OutputFolderError,
    QueryError,
    ToolError,
    ValidationFailed,
    require_progress,
    user_stacklevel,
)
from reformgraph.io import StrPath, current_umask, load_ontology, load_shapes, read_graph
from reformgraph.produce import (
    CACHE_DIR,
    Produced,
    Progress,
    build_lock,
    noted_interrupts,
    produce,
    publish,
    refuse_in_starting_worker,
    unfinished_build,
    work_folder,
)
from reformgraph.project import find_project, is_data_folder, not_an_rdf_file, why_no_project
from reformgraph.queries import QueryResult, SavedQuery, run_query, saved_query
from reformgraph.validate import ValidationResult

if TYPE_CHECKING:
    from reformgraph.extract import AcceptResult
    from reformgraph.remote import PushResult
    from reformgraph.rename import RenameResult
    from reformgraph.storegraph import BuildGraph

__all__ = [
    "OUTPUT_NAMES",
    "BuildResult",
    "CheckResult",
    "StrPath",
    "Summary",
    "accept",
    "build",
    "check",
    "export_query",
    "find_build",
    "find_chromium",
    "load_graph",
    "load_ontology",
    "load_shapes",
    "open_graph",
    "push",
    "query",
    "query_endpoint",
    "rename",
    "screenshot",
    "write_networks",
    "write_view",
]

#: The files a build writes, in its output folder.
OUTPUT_NAMES = ("reformgraph.ttl", "reformgraph.nt", "reformgraph.jsonld")


@dataclass(frozen=True)
class Summary:
    """What a build made: counts per class, figures, shared entities.

    ``shared_entities``: (Chinese label, class, cases) of each entity two or more cases
    name, most cases first; ``shared_labels_en``: the English label of each of them, in
    the same order ("" for one without).
    """

    triples: int
    classes: dict[str, int]
    cases: int
    measures: int
    figures: int
    shared_entities: list[tuple[str, str, int]] = field(default_factory=list)
    shared_labels_en: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CheckResult:
    """What checking (or building) a data folder found.

    ``warnings``: problems in the data that do not stop a build; ``uncovered``: the numbers
    and outcome words of the source that no fact of the data accounts for (what
    ``reformgraph check`` lists); ``validation``: the SHACL result (``.conforms``,
    ``.violations``); ``summary``: the counts; ``seconds``: how long each stage took;
    ``reused``: how many cases were taken from the cache of the last build.
    """

    warnings: list[DataError]
    uncovered: list[Uncovered]
    validation: ValidationResult
    summary: Summary
    seconds: dict[str, float] = field(default_factory=dict)
    reused: int = 0


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote: ``check``, what checking the data found (its summary, its SHACL
    result); ``written``, the files and the store, in the build folder (``folder``);
    ``stale``, the files of that folder drawn from an earlier build."""

    check: CheckResult
    written: list[Path]
    #: Pages, pictures and networks in the build folder that were drawn from an earlier
    #: build (``viz``, ``network``): they do not show this one.
    stale: list[Path] = field(default_factory=list)
    #: The last build's case cache held cases, and none of them could be used: what
    #: every case depends on (sources, entities, ontology, shapes, code) had changed.
    cache_unused: bool = False

    @property
    def folder(self) -> Path:
        """The build folder (``out_dir``)."""
        return self.written[0].parent

    def graph(self) -> Graph:
        """The built graph as an rdflib Graph, parsed from the N-Triples with the ontology
        merged in: what :func:`load_graph` gives, so that every saved query gives the rows
        it gives on :func:`open_graph` (those that match classes by their subclasses,
        ``instruments`` and ``shared-entities``, need the ontology)."""
        return load_graph(self.folder / "reformgraph.nt")


def _short(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(str(namespace)) and prefix != "rgd":
            return f"{prefix}:{iri[len(str(namespace)) :]}"
    return iri


def summarise_store(
    store: Any, triples: int, shared_entities: list[tuple[str, str, int]] | None = None
) -> Summary:
    """Counts per class, figures and shared entities, read from a built store; the shared
    entities (label, class IRI, cases) from ``shared-entity-counts.rq`` unless given (a
    build counts them as it goes: the query takes seconds on a large store), with their
    English labels (from the query, or looked up in the store by label and class).

    Given the shared entities, it reads only triples of
    :data:`~reformgraph.produce.SUMMARY_PREDICATES` (and the ontology), all a check's
    store holds: reading any other, add it there."""
    from reformgraph.engine import ONTOLOGY_GRAPH, ontology_in_default_graph
    from reformgraph.queries import load_query, run_query_on_store

    def class_counts(pattern: str) -> dict[str, int]:
        text = f"SELECT ?c (COUNT(?s) AS ?n) WHERE {{ {pattern} }} GROUP BY ?c"
        rows = run_query_on_store(store, load_query(text, Path.cwd()), union=False).rows
        return {_short(row[0].value): int(row[1].value) for row in rows}

    classes = class_counts("?s a ?c")
    if ontology_in_default_graph(store):
        # The ontology's own terms (owl:Class …) are typed in the default graph too; its
        # named graph tells them apart from the data.
        for name, number in class_counts(f"GRAPH <{ONTOLOGY_GRAPH}> {{ ?s a ?c }}").items():
            if classes.get(name, 0) > number:
                classes[name] -= number
            else:
                classes.pop(name, None)
    if shared_entities is None:
        shared = run_query_on_store(store, saved_query("shared-entity-counts"), union=False)
        seen: dict[str, tuple[str, str, int, str]] = {}
        for row in shared.rows:
            cell = {name: term.value for name, term in zip(shared.variables, row, strict=True)}
            seen.setdefault(
                cell["entity"], (cell["label"], cell["type"], int(cell["cases"]), cell["labelEn"])
            )
        found = sorted(seen.values(), key=lambda item: (-item[2], item[0]))
        shared_entities = [(label, kind, n) for label, kind, n, _ in found]
        labels_en = [label_en for *_, label_en in found]
    else:
        labels_en = _shared_labels_en(store, shared_entities)
    return Summary(
        triples=triples,
        classes=dict(sorted(classes.items())),
        cases=classes.get("rg:ReformCase", 0),
        measures=classes.get("rg:Measure", 0),
        figures=classes.get("rg:Figure", 0),
        shared_entities=[(label, _short(kind), n) for label, kind, n in shared_entities],
        shared_labels_en=labels_en,
    )


def _shared_labels_en(store: Any, shared: list[tuple[str, str, int]]) -> list[str]:
    """The English label of each shared entity (Chinese label, class IRI, cases), looked
    up in ``store`` by its Chinese preferred label and class: a few index lookups each.
    Entities of one class and one Chinese label are taken in IRI order, as the build
    lists them; "" for an entity without an English label."""
    import pyoxigraph as ox
    from rdflib import SKOS

    preferred, is_a = ox.NamedNode(str(SKOS.prefLabel)), ox.NamedNode(str(RDF.type))
    default = ox.DefaultGraph()

    def english(node: Any) -> str:
        for quad in store.quads_for_pattern(node, preferred, None, default):
            if isinstance(quad.object, ox.Literal) and quad.object.language == "en":
                return str(quad.object.value)
        return ""

    found: dict[tuple[str, str], list[str]] = {}
    taken: dict[tuple[str, str], int] = {}
    labels = []
    for label, kind, _ in shared:
        key = (label, kind)
        if key not in found:
            subjects = {
                quad.subject
                for quad in store.quads_for_pattern(
                    None, preferred, ox.Literal(label, language="zh"), default
                )
                if isinstance(quad.subject, ox.NamedNode)
            }
            found[key] = [
                english(node)
                for node in sorted(subjects, key=lambda n: n.value)
                if next(store.quads_for_pattern(node, is_a, ox.NamedNode(kind), default), None)
            ]
        index = taken[key] = taken.get(key, -1) + 1
        candidates = found[key]
        labels.append(candidates[index] if index < len(candidates) else "")
    return labels


def _result(produced: Produced) -> CheckResult:
    from reformgraph.engine import open_store

    store = produced.store
    if store is None:
        store = open_store(produced.folder / STORE_DIR)
    summary = summarise_store(store, produced.triples, produced.shared_entities)
    del store
    return CheckResult(
        warnings=produced.warnings,
        uncovered=produced.uncovered,
        validation=produced.validation,
        summary=summary,
        seconds=produced.seconds,
        reused=produced.reused,
    )


def check(
    data_dir: StrPath, *, build_dir: StrPath | None = None, progress: Progress | None = None
) -> CheckResult:
    """Read, resolve, build and validate a data folder, writing nothing it keeps.

    With ``build_dir``, a build of the data folder (``build``'s ``out_dir``), each case
    unchanged since that build is taken from its case cache, as the next build would take
    it (only entries this user's builds wrote, and only while everything the case depends
    on is unchanged), and the cache is only read (a folder that is not there, or has no
    cache, gives none); the result is a clean check's, but for ``reused`` (how many cases
    were taken from it) and ``seconds``.

    Raises :class:`DataErrors` for bad input; the result tells whether the graph
    conforms and which numerals and outcome words the data does not cover.
    """
    refuse_in_starting_worker("pipeline.check")
    cache = None if build_dir is None else Path(build_dir) / CACHE_DIR
    with (
        tempfile.TemporaryDirectory(prefix="reformgraph-check-") as work,
        _draft_hints(data_dir),
        noted_interrupts(),  # a Ctrl-C lost in a finaliser still stops it
    ):
        produced = produce(
            Path(data_dir),
            Path(work),
            cache=cache if cache is not None and cache.is_dir() else None,
            kept=False,
            progress=progress,
        )
        return _result(produced)


@contextmanager
def _draft_hints(data_dir: StrPath) -> Iterator[None]:
    """In a draft folder made by ``extract``, an unknown id the curated data has is told
    how to link to it (:func:`reformgraph.extract.merge.with_curated_hints`)."""
    try:
        yield
    except DataErrors as exc:
        from reformgraph.extract.merge import with_curated_hints

        hinted = with_curated_hints(exc.errors, Path(data_dir))  # unchanged unless a draft
        if hinted == list(exc.errors):
            raise
        raise DataErrors(hinted) from None


def accept(
    draft_dir: StrPath,
    data_dir: StrPath,
    *,
    allow_todo: bool = False,
    progress: Progress | None = None,
) -> AcceptResult:
    """Merge a reviewed draft folder into a data folder, all or nothing.

    What :func:`reformgraph.extract.accept` refuses, and a merged folder whose graph does
    not conform to the SHACL shapes (it is built, in a temporary folder, before anything is
    written): each violation is named by its file and line in the draft.
    """
    refuse_in_starting_worker("pipeline.accept")
    from reformgraph.extract import accept as merge

    def shapes(staged: Path) -> list[DataError]:
        with (
            tempfile.TemporaryDirectory(prefix="reformgraph-accept-build-") as work,
            noted_interrupts(),  # a Ctrl-C lost in a finaliser still stops it
        ):
            produced = produce(staged, Path(work), progress=progress)
        return [
            DataError(v.file, v.line or None, "", str(replace(v, file="", line=0)))
            for v in produced.validation.violations
        ]

    return merge(Path(draft_dir), Path(data_dir), allow_todo=allow_todo, verify=shapes)


def rename(
    data_dir: StrPath,
    old: str,
    new: str,
    *,
    case: bool = False,
    source: bool = False,
    merge: bool = False,
    dry_run: bool = False,
) -> RenameResult:
    """Rename the entity ``old`` (with ``case``, the case ``old``; with ``source``, the
    source ``old``) to ``new`` in every file of the data folder that defines or refers to
    it, all files or none; a case file named after its case (``03-old.yaml``) is renamed
    too, and so are a source's metadata file (``sources/old.yaml``) and its text file when
    it is named after it (``sources/old.txt``, its bytes and so its SHA-256 unchanged).
    Only the places the data schema gives an entity's (or case's, or source's) id change;
    texts, facts' own ids and comments stay as they were. With ``merge``, ``old`` is a
    duplicate of the entity ``new``: its references name ``new``, its labels become
    ``new``'s alternative labels and its entry is removed.

    Raises :class:`reformgraph.errors.DataErrors` (nothing written) for a folder that does
    not resolve as it is, an unknown ``old``, a ``new`` that is not an id or is taken (unless
    merging into it), or a file that cannot be written (the folder put back as it was). Raises
    :class:`reformgraph.rename.RenameIncomplete` when the disk fails twice (an old file cannot
    be put back) or once all is renamed (the hidden folder the old files were moved aside
    into cannot be removed): the message names the files left and what to do. With
    ``dry_run``, the result says what would change and nothing is written."""
    from reformgraph.rename import rename_id

    return rename_id(
        Path(data_dir), old, new, case=case, source=source, merge=merge, dry_run=dry_run
    )


def build(data_dir: StrPath, out_dir: StrPath, *, progress: Progress | None = None) -> BuildResult:
    """Build the graph of a data folder: Turtle, N-Triples, JSON-LD and the query store.

    Nothing is written unless the data resolves and the graph conforms to the shapes:
    on any error the previous build's files stay as they were. Cases unchanged since the
    last build in ``out_dir`` are taken from its cache.

    Raises :class:`~reformgraph.errors.OutputFolderError` (before any work) if ``out_dir``
    cannot take a build, :class:`~reformgraph.errors.DataErrors` for bad data and
    :class:`~reformgraph.errors.ValidationFailed` if the graph does not conform.
    """
    refuse_in_starting_worker("pipeline.build")
    require_progress(progress)
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        # it said "cannot write the output: [Errno 17] File exists"
        raise OutputFolderError(
            f"{out_dir} is a file, not a folder: a build goes into a folder (--out)"
        )
    inside = next((f for f in (out_dir, *out_dir.resolve().parents) if is_data_folder(f)), None)
    if inside is not None:
        # --out data/cases wrote the build's files among the curated ones
        where = "is a data folder" if inside == out_dir else f"is inside the data folder {inside}"
        raise OutputFolderError(f"{out_dir} {where}: a build goes into a folder of its own (--out)")
    _check_output_store(out_dir / STORE_DIR)
    _check_output_cache(out_dir / CACHE_DIR)
    for name in OUTPUT_NAMES:
        if (out_dir / name).is_dir():
            raise OutputFolderError(
                f"{out_dir / name} is a folder, and a build replaces it with a file: move it"
                " away, or build into another folder (--out)"
            )
    with (
        build_lock(out_dir, progress),
        work_folder(out_dir) as work_name,
        noted_interrupts() as interrupted,
    ):
        work = Path(work_name)
        cache = out_dir / CACHE_DIR
        cached = cache.is_dir() and next(cache.iterdir(), None) is not None
        with _draft_hints(data_dir):
            produced = produce(
                data_dir, work, cache=cache if cache.is_dir() else None, progress=progress
            )
        if not produced.validation.conforms:
            report = "\n".join(str(v) for v in produced.validation.violations)
            raise ValidationFailed(report, len(produced.validation.violations))
        result = _result(produced)
        earlier = _drawn_files(out_dir)
        if interrupted:  # a Ctrl-C whose KeyboardInterrupt a finaliser dropped
            raise KeyboardInterrupt
        written = publish(work, out_dir)
    unused = cached and result.reused == 0 and result.summary.cases > 0
    return BuildResult(check=result, written=written, stale=earlier, cache_unused=unused)


#: What ``viz`` and ``network`` write, into the build folder by default.
_DRAWN_SUFFIXES = frozenset({".html", ".svg", ".png", ".graphml", ".gexf"})


def _drawn_files(out_dir: Path) -> list[Path]:
    """The pages, pictures and network files in a build folder (and its folders but the
    store and the cache), all drawn from the build they were made from."""
    found: list[Path] = []
    if not out_dir.is_dir():
        return found
    for path in sorted(out_dir.iterdir()):
        if path.name in (STORE_DIR, CACHE_DIR) or path.name.startswith("."):
            continue
        if path.is_dir():
            found += [
                p for p in sorted(path.iterdir()) if p.is_file() and p.suffix in _DRAWN_SUFFIXES
            ]
        elif path.is_file() and path.suffix in _DRAWN_SUFFIXES:
            found.append(path)
    return found


#: The names of the files of a RocksDB database, which an Oxigraph store is.
_ROCKSDB_FILE = re.compile(
    r"CURRENT|IDENTITY|LOCK|LOG(\.old\.\d+)?|(MANIFEST|OPTIONS)-\d+(\.dbtmp)?|\d+\.(sst|log|blob|dbtmp)"
)


#: Files an operating system's file manager leaves in any folder it shows.
_OS_FILES = frozenset({"Thumbs.db", "desktop.ini"})


def _check_output_store(store: Path) -> None:
    """A build replaces ``OUT/store`` whole: refuse if that is not a store (a folder of the
    user's that happens to have the name), before any work."""
    if not store.exists():
        return
    # A store, even a damaged one (files missing or cut short), holds RocksDB's files only,
    # besides what a file manager leaves (.DS_Store, Thumbs.db) and what says which
    # reformgraph built it.
    if not store.is_dir() or not all(
        _ROCKSDB_FILE.fullmatch(p.name)
        or p.name.startswith(".")
        or p.name in _OS_FILES
        or p.name == BUILD_INFO
        for p in store.iterdir()
    ):
        raise OutputFolderError(
            f"{store} is not a store of an earlier build, and a build replaces it whole:"
            " move it away, or build into another folder (--out)"
        )


#: The name of a case's entry in a build's cache (see :mod:`reformgraph.produce`).
_CACHE_ENTRY = re.compile(r"[0-9a-f]{64}\.pickle")


def _check_output_cache(cache: Path) -> None:
    """A build replaces ``OUT/.cache`` whole: refuse if that is not a build's cache (a
    build into the home folder deleted ``~/.cache``, every program's cache), before any
    work."""
    if not cache.exists() or cache.is_symlink():
        return  # a link is replaced, not what it leads to
    if not cache.is_dir() or not all(
        _CACHE_ENTRY.fullmatch(p.name)
        or p.name == ".DS_Store"
        or p.name.startswith("._")
        or p.name in _OS_FILES
        for p in cache.iterdir()
    ):
        raise OutputFolderError(
            f"{cache} is not the cache of an earlier build, and a build replaces it whole:"
            " move it away, or build into another folder (--out)"
        )


def default_graph_file(out_dir: StrPath) -> Path:
    return Path(out_dir) / "reformgraph.nt"


def load_graph(graph_file: StrPath) -> Graph:
    """The graph to query: a built file, with the ontology merged in for class labels."""
    graph_file = Path(graph_file)
    if (graph_file / STORE_DIR).is_dir():  # it said only "is a folder, not an RDF file"
        raise NoBuildError(
            f"{graph_file} is a build folder, not an RDF file: read it as a build"
            f" (pipeline.open_graph, or --build on the command line), or parse"
            f" {graph_file / 'reformgraph.nt'}"
        )
    problem = not_an_rdf_file(graph_file)
    if problem is not None:
        raise NoBuildError(f"{graph_file}: {problem}")
    try:
        graph = read_graph(graph_file)
    except Exception as exc:  # each parser raises its own (a JSON-LD file, json's errors)
        text = str(exc)
        if not text.startswith(f"{graph_file}: "):  # an unknown suffix says so itself
            said = _oxigraph_says(graph_file) or text
            text = f"{graph_file}: cannot be parsed as RDF: {said}"
        raise NoBuildError(text) from exc
    graph += load_ontology()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def _oxigraph_says(path: Path) -> str | None:
    """What Oxigraph's parser says is wrong with an RDF file (its line and column, in plain
    words), where rdflib's message shows Python's bytes (``"b''^b'garbage <<\\n'"``)."""
    import pyoxigraph as ox

    from reformgraph.engine import rdf_format

    try:
        for _ in ox.parse(path=path, format=rdf_format(path)):
            pass
    except (SyntaxError, ValueError, OSError) as exc:
        # (without the file's name and line after it: the message names both already)
        return re.sub(rf" \({re.escape(path.name)}, line \d+\)$", "", str(exc).rstrip())
    return None


def _open_build_store(out_dir: StrPath) -> Any:
    """The store of a build (``out_dir/store``), read-only."""
    from reformgraph.engine import open_store

    if isinstance(out_dir, Graph) or not isinstance(out_dir, (str, PurePath)):
        raise TypeError(f"give a build folder, not a {type(out_dir).__name__}")
    if Path(out_dir).is_file():
        raise NoBuildError(
            f"{out_dir}: a file, not a build folder: load_graph(FILE) reads an RDF file,"
            " open_graph(FOLDER) the build `reformgraph build` wrote"
        )
    store_dir = Path(out_dir) / STORE_DIR
    if not store_dir.is_dir():
        if (Path(out_dir) / BUILD_INFO).is_file():  # it said "build/store/store: no such folder"
            raise NoBuildError(
                f"{out_dir} is the store of a build: give the build folder, {Path(out_dir).parent}"
            )
        if is_data_folder(Path(out_dir)):
            raise NoBuildError(
                f"{out_dir} is a data folder, not a build: build it first"
                f" (pipeline.build({str(out_dir)!r}, OUT), or reformgraph build), then open OUT"
            )
        _refuse_unfinished(Path(out_dir))
        raise NoBuildError(f"{store_dir}: no such folder: build first (reformgraph build)")
    return open_store(store_dir)


def _refuse_unfinished(out_dir: Path) -> None:
    """Raise :class:`NoBuildError` if ``out_dir`` holds no build, but a build into it that
    has not finished: one that is running, or one killed outright (``kill -9``)."""
    unfinished = unfinished_build(out_dir)
    if unfinished is not None:
        said, running = unfinished
        then = "try again when it has" if running else "build again"
        raise NoBuildError(f"no build in {out_dir}: {said}: {then}")


#: The environment variable that names the build :func:`find_build` gives.
BUILD_VARIABLE = "REFORMGRAPH_OUT"


def find_build(start: StrPath | None = None) -> Path:
    """The build a notebook or a script reads: the folder the environment variable
    ``REFORMGRAPH_OUT`` names, if it is set; else ``build/`` of the project at or above
    ``start`` (by default the current folder, a notebook's own), built first if it has
    none (:func:`build` of its ``data/``).

    A folder ``REFORMGRAPH_OUT`` names is only read, never built into: one that holds no
    build (a misspelt name) raises :class:`~reformgraph.errors.NoBuildError`, naming it
    and the ``reformgraph build --out`` that would make one. Without it, and outside a
    project, :class:`~reformgraph.errors.NoProjectError` says where it looked and what to
    do. In IPython and Jupyter both show as their message, without a traceback."""
    named = os.environ.get(BUILD_VARIABLE)
    if named:
        out = Path(named)
        if not _is_build(out):
            problem = "no such folder" if not out.exists() else "no store/ and reformgraph.nt in it"
            raise NoBuildError(
                f"{BUILD_VARIABLE} names {out.absolute()}, which is not a reformgraph build"
                f" ({problem}): correct {BUILD_VARIABLE}, or make a build there with"
                f" `reformgraph build --out {out.absolute()}` (add --data DIR to build a data"
                " folder other than the project's)"
            )
        return out
    here = Path.cwd() if start is None else Path(start)
    if not here.is_dir():
        problem = "is not a folder" if here.exists() else "does not exist"
        raise NoProjectError(
            f"{here.absolute()} {problem}: give the folder of a reformgraph project (or a"
            f" folder in it): pipeline.find_build('path/to/project'), or set {BUILD_VARIABLE}"
            " to a build folder"
        )
    project = find_project(here)
    if project is None:
        raise NoProjectError(
            f"no reformgraph project here ({why_no_project(here)}), and {BUILD_VARIABLE} is"
            f" not set: set {BUILD_VARIABLE} to a build folder (one that `reformgraph build"
            " --out FOLDER` wrote), or give the project's folder:"
            " pipeline.find_build('path/to/project')"
        )
    out = project / "build"
    if not _is_build(out):
        build(project / "data", out)
    return out


def _is_build(out: Path) -> bool:
    return (out / STORE_DIR).is_dir() and (out / "reformgraph.nt").is_file()


def open_graph(out_dir: StrPath) -> BuildGraph:
    """The graph of a build, as an rdflib Graph over its Oxigraph store (``out_dir/store``).

    Nothing is parsed, so it opens at once whatever the size; SPARQL through
    :func:`query` (or ``Graph.query`` with text) is answered by Oxigraph, and triples are
    read from the store as they are asked for. The store is opened read-only: the graph
    cannot be changed (:class:`~reformgraph.errors.ReadOnlyGraphError`), and other
    processes may read the same build. It holds what :func:`load_graph` of the build's
    N-Triples holds (the data and the ontology), with numbers in Oxigraph's canonical form.

    ``graph.close()``, or the end of ``with pipeline.open_graph(B) as graph:``, lets go of
    the store; the graph then raises :class:`~reformgraph.errors.GraphClosedError`. It
    reads the build that was in place when it was opened: if another build is put in
    place in ``out_dir`` since, the first query after it warns
    (:class:`~reformgraph.errors.BuildChangedWarning`), and the graph must be opened again
    to read the new one. Raises :class:`~reformgraph.errors.NoBuildError` if there is no
    sound build there, or (:class:`~reformgraph.errors.BuiltByAnotherVersion`) if it was
    built by a reformgraph with another data model.
    """
    from reformgraph.storegraph import store_graph

    graph = store_graph(_open_build_store(out_dir), Path(out_dir))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


#: What names a file, not a folder, where a folder is wanted (``write_networks``, and
#: ``write_view`` but for a page's ``.html``): a folder may have a dot in its name.
OUTPUT_FILE_SUFFIXES = frozenset(
    ".graphml .gexf .gml .json .jsonld .csv .png .svg .pdf .xml .txt .ttl .nt".split()
)


def write_networks(
    graph: Graph,
    out_dir: StrPath,
    *,
    max_cases: int | None = None,
    max_pairs: int | None = None,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the typed network and the case–case projection as GraphML and GEXF
    (``max_cases`` and ``max_pairs``: see :func:`reformgraph.analysis.case_projection`).
    ``progress`` hears of each step as (step, done, total): ``projection`` and ``network``
    (0 of 1, then 1 of 1) and ``export`` (files written of 4). Both networks are made
    before any file is written, the projection first (too many pairs for ``max_pairs``
    stop it early), and each file is replaced whole. A graph without a reform case raises
    :class:`~reformgraph.errors.NoCasesError`, and nothing is written."""
    from reformgraph import analysis
    from reformgraph.models import RG

    def step(name: str, done: int, total: int) -> None:
        if progress is not None:
            progress(name, done, total)

    analysis.require_graph(graph, "write_networks")
    out_dir = Path(out_dir)
    if not out_dir.is_dir() and out_dir.suffix.lower() in OUTPUT_FILE_SUFFIXES:
        # a folder nets.graphml was made, with the four files in it
        raise ValueError(
            f"{out_dir}: names the folder the GraphML and GEXF files go into, and"
            f" {out_dir.name!r} is a file's name: give a folder, such as"
            f" {out_dir.parent / out_dir.stem}"
        )

    # (four files of empty networks were written without a word)
    if next(iter(graph.triples((None, RDF.type, RG.ReformCase))), None) is None:
        raise NoCasesError(
            "the graph holds no reform case (rg:ReformCase): there is no network to write"
        )
    step("projection", 0, 1)
    projection = analysis.case_projection(graph, max_cases=max_cases, max_pairs=max_pairs)
    step("projection", 1, 1)
    step("network", 0, 1)
    typed = analysis.to_networkx(graph)
    step("network", 1, 1)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    step("export", 0, 4)
    for name, network in (("reformgraph", typed), ("reformgraph-cases", projection)):
        for suffix, writer in (
            (".graphml", analysis.write_graphml),
            (".gexf", analysis.write_gexf),
        ):
            path = out_dir / f"{name}{suffix}"
            writer(network, path)
            written.append(path)
            step("export", len(written), 4)
    return written


#: Headless Chromium with networking off: nothing leaves the machine.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


def find_chromium() -> str | None:
    """The path of a Chromium or Chrome browser on this machine, if any."""
    import shutil

    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot(html: StrPath, png: StrPath, *, width: int = 1600, height: int = 1200) -> None:
    """A PNG of a page, taken by headless Chromium with networking off; ``png`` is
    written whole or not at all."""
    html, png = Path(html), Path(png)
    import os
    import subprocess

    browser = _require_chromium()
    with tempfile.TemporaryDirectory() as profile:
        handle, name = tempfile.mkstemp(prefix=f".{png.name}.", suffix=".png", dir=png.parent)
        os.close(handle)
        tmp = Path(name)
        command = [
            browser,
            *HEADLESS_FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            "--virtual-time-budget=15000",
            f"--screenshot={tmp}",
            html.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
            if done.returncode != 0 or tmp.stat().st_size == 0:
                raise ToolError(
                    f"Chromium could not take the picture: {done.stderr.strip()[-400:]}"
                )
            # mkstemp made it readable by its owner alone: as any other file written, by the umask
            tmp.chmod(0o666 & ~current_umask())
            tmp.replace(png)
        finally:
            tmp.unlink(missing_ok=True)


def _require_chromium() -> str:
    browser = find_chromium()
    if browser is None:
        raise ToolError(
            "a PNG needs Chromium (e.g. apt-get install chromium); use --format svg instead"
        )
    return browser


def write_view(
    graph: Graph,
    out: StrPath,
    *,
    view: str = "full",
    case: str | None = None,
    query_file: StrPath | None = None,
    lang: str = "zh",
    picture: str | None = None,
    progress: Progress | None = None,
    max_cases: int | None = None,
) -> list[Path]:
    """Write the HTML page of a view (and a PNG or SVG picture of it beside it, ``picture``
    ``"png"`` or ``"svg"``). ``out`` is the page's file, or a folder that the page goes
    into (``reformgraph-VIEW.html``, ``reformgraph-cases-maxN.html`` with ``max_cases``,
    ``reformgraph-CASE.html``, ``reformgraph-QUERY.html``, each ending ``-en.html`` for
    ``lang="en"``, as ``reformgraph viz --out FOLDER`` names it). ``view`` is ``"full"``
    or ``"cases"``; ``case`` (an id or IRI) shows one case instead, and ``query_file`` (a
    CONSTRUCT query's file) the graph it returns (see :func:`reformgraph.viz.select_view`).
    ``lang`` (``"zh"`` or ``"en"``) is the language of the labels. ``max_cases`` leaves out
    of the cases view the entities more cases name.
    ``progress`` hears of each step as (step, done, total), 0 of 1 then 1 of 1: ``view``
    (the nodes and edges read from the graph), ``page`` (the HTML written) and, with a
    picture, ``picture``."""
    from reformgraph import viz
    from reformgraph.io import atomic_write_bytes
    from reformgraph.models import as_node
    from reformgraph.queries import load_query

    def step(name: str, done: int) -> None:
        if progress is not None:
            progress(name, done, 1)

    from reformgraph.analysis import require_graph

    require_graph(graph, "write_view")
    if picture not in (None, "svg", "png"):
        raise ValueError(f"unknown picture format {picture!r}: use svg or png")
    if picture == "png":
        _require_chromium()
    out = Path(out)
    if not out.is_dir() and out.suffix.lower() in OUTPUT_FILE_SUFFIXES:
        # a folder pic.svg was made, with the page in it
        raise ValueError(
            f"{out}: a page is an .html file, or goes into a folder, and {out.name!r} is"
            f" neither: give {out.with_suffix('.html')} (picture={out.suffix[1:]!r} writes a"
            " picture beside the page)"
            if out.suffix.lower() in (".png", ".svg")
            else f"{out}: a page is an .html file, or goes into a folder, and {out.name!r} is"
            f" neither: give {out.with_suffix('.html')}"
        )
    query_file = None if query_file is None else Path(query_file)
    if out.is_dir() or out.suffix.lower() not in (".html", ".htm"):
        # A folder (made if missing; a name without .html is one, `pages/` too, whose
        # slash Path drops), as `viz --out FOLDER`: the page goes into it, named by what
        # it shows (a case by its id, however the case is given: id, rgd:…, IRI, <IRI>).
        shown = str(as_node(case)).rsplit("/", 1)[-1] if case else None
        shown = shown or (query_file.stem if query_file is not None else view)
        # the page without the entities more cases name is not the whole view's page
        limited = f"-max{max_cases}" if max_cases is not None and not case else ""
        # nor is the English page the Chinese one: each keeps its own file
        english = "-en" if lang.lower() == "en" else ""
        out = out / f"reformgraph-{shown}{limited}{english}.html"
    step("view", 0)
    construct = None
    if query_file is not None:
        saved = load_query(str(query_file), Path.cwd())
        result = run_query(graph, saved)
        if result.graph is None:
            raise QueryError(f"{query_file}: a view needs a CONSTRUCT query")
        construct = result.graph
    network = viz.select_view(graph, view=view, case=case, construct=construct, max_cases=max_cases)
    step("view", 1)
    if network.number_of_nodes() > viz.LARGE_VIEW:
        size = (
            f"{out.name} shows {network.number_of_nodes():,} nodes and"
            f" {network.number_of_edges():,} edges; a browser draws a few thousand smoothly"
        )
        warnings.warn(
            LargeViewWarning(
                f"{size}: one case (case=ID) or a CONSTRUCT query (query_file=FILE.rq) shows less",
                command_line=f"{size}: one case (--case ID) or a CONSTRUCT query"
                " (--query FILE.rq) shows less",
            ),
            stacklevel=user_stacklevel(),
        )
    title = viz.default_title(view, case, query_file, lang, graph)
    step("page", 0)
    page = viz.render_html(network, title=title, lang=lang).encode("utf-8")
    step("page", 1)
    if picture is None:
        atomic_write_bytes(out, page)
        return [out]
    step("picture", 0)
    if picture == "svg":
        svg = out.with_suffix(".svg")
        picture_bytes = viz.render_svg(network, title=title, lang=lang).encode("utf-8")
        atomic_write_bytes(out, page)
        atomic_write_bytes(svg, picture_bytes)
        written = [out, svg]
    else:
        # The picture is taken of the new page in a folder of its own first: if Chromium
        # is missing or fails, neither the page nor the picture in place is replaced.
        png = out.with_suffix(".png")
        out.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix=f".{out.name}.", dir=out.parent) as work:
            staged = Path(work) / out.name
            staged.write_bytes(page)
            screenshot(staged, Path(work) / png.name)
            atomic_write_bytes(out, page)
            (Path(work) / png.name).replace(png)
        written = [out, png]
    step("picture", 1)
    return written


def query(
    graph: Graph, saved: SavedQuery | str | PurePath, params: Mapping[str, str] | None = None
) -> QueryResult:
    """Run a query on a graph (:func:`open_graph`, :func:`load_graph`). ``saved`` is a
    :class:`SavedQuery` (:func:`~reformgraph.queries.saved_query`) or, as ``reformgraph
    query`` takes it, a saved query's name, a ``.rq`` file (its path as text, or as a
    :class:`~pathlib.Path`, which is always a file) or SPARQL text; ``params`` maps
    parameter names to their values as text (``{"case": "big-fiscal-system"}``).

    Returns a :class:`~reformgraph.queries.QueryResult`: ``variables`` and ``rows`` (rdflib
    terms, ``None`` where unbound; :func:`~reformgraph.queries.to_dataframe` gives a
    DataFrame of Python values), ``boolean`` for an ASK, ``graph`` for a CONSTRUCT. A query
    that cannot be found, read, bound or run raises
    :class:`~reformgraph.errors.QueryError`, saying why (a syntax error with its line and
    column; a parameter the query does not have; a case the graph does not have)."""
    from reformgraph.queries import bind_params

    if not isinstance(graph, Graph):
        raise TypeError(
            f"graph: give an rdflib Graph (pipeline.open_graph(BUILD), pipeline.load_graph"
            f"(FILE)), not a {type(graph).__name__}; export_query takes a build folder"
        )
    saved = _as_query(saved)
    return run_query(graph, saved, bind_params(saved, _as_params(params)))


def _as_query(saved: object) -> SavedQuery:
    """A query given as a SavedQuery, or as text as the command line takes it."""
    from reformgraph.queries import load_query

    if isinstance(saved, SavedQuery):
        return saved
    if isinstance(saved, str):
        return load_query(saved, Path.cwd())
    if isinstance(saved, PurePath):  # a .rq file (or any file) given as a Path
        # a file, even one named as a saved query is (Path("figures")): not that query
        spec = str(saved) if saved.parent != PurePath() else f"{os.curdir}{os.sep}{saved}"
        return load_query(spec, Path.cwd())
    raise TypeError(
        "give the query as a SavedQuery (queries.saved_query(NAME)) or as text (a saved"
        f" query's name, a .rq file or SPARQL), not a {type(saved).__name__}"
    )


def _as_params(params: object) -> Mapping[str, str]:
    if params is None:
        return {}
    if not isinstance(params, Mapping):
        raise TypeError(
            "params: give a mapping of parameter names to values as text, such as"
            f" {{'case': 'big-fiscal-system'}}, not a {type(params).__name__}"
        )
    return params


def export_query(
    out_dir: StrPath,
    saved: SavedQuery | str | PurePath,
    target: StrPath,
    *,
    output_format: str | None = None,
    params: Mapping[str, str] | None = None,
    excel_safe: bool = False,
) -> int:
    """Write the answer of a query on a build's store to ``target``, as CSV (UTF-8 with a
    byte-order mark) or JSON (W3C SPARQL results), row by row as the store gives them: an
    answer of any size in little memory; or the graph a CONSTRUCT or DESCRIBE query answers
    as N-Triples or Turtle. ``target`` is replaced only once the whole answer is written;
    if the query fails, an existing ``target`` is left as it was.

    The format is ``output_format`` (``"csv"``, ``"json"``, ``"nt"`` or ``"ttl"``) or, if
    not given, the one ``target``'s suffix names (``.csv``; ``.json`` or ``.srj``; ``.nt``;
    ``.ttl``). ``saved`` and ``params`` are as for :func:`query`. Returns the number of
    rows (1 for an ASK query: its answer; the triples of a graph).

    ``excel_safe=True`` (CSV only) puts a single quote before each value a spreadsheet
    would run as a formula (``=…``, ``+…``, ``-…``, ``@…``; not a number such as -3), and
    each value between double quotes, as ``reformgraph query --excel-safe`` does: see
    :func:`reformgraph.queries.write_csv`.
    The file is then for a spreadsheet, no longer W3C CSV; without it, every value is
    written as it is."""
    from reformgraph.io import atomic_writer
    from reformgraph.queries import (
        FORMAT_OF_SUFFIX,
        GRAPH_FORMATS,
        bind_params,
        check_graph_format,
        run_query_on_store,
        stream_query_on_store,
        write_csv,
        write_graph,
        write_json,
    )

    if output_format is None:
        output_format = FORMAT_OF_SUFFIX.get(Path(target).suffix.lower())
        if output_format is None:
            raise QueryError(
                f"{target}: say the format (output_format='csv', 'json', 'nt' or 'ttl'), or"
                " name a .csv, .json, .nt or .ttl file"
            )
    if output_format.lower() not in ("csv", "json", *GRAPH_FORMATS):
        raise QueryError(f"unknown format {output_format!r}: use csv, json, nt or ttl")
    output_format = output_format.lower()
    if excel_safe and output_format != "csv":
        raise QueryError(
            f"excel_safe=True applies to CSV, the format a spreadsheet opens; {output_format}"
            " is written as it is: leave out excel_safe, or write csv"
        )
    if isinstance(out_dir, Graph):
        raise TypeError(
            "export_query reads a build's store: give the build folder (export_query("
            "'build', …)), not a graph; pipeline.query(graph, …) queries a graph"
        )
    if not str(target).strip() or Path(target).is_dir():
        raise QueryError(f"{target!r}: give the name of a file to write the answer to")
    saved = _as_query(saved)
    bindings = bind_params(saved, _as_params(params))
    check_graph_format(saved.text, output_format)
    if output_format in GRAPH_FORMATS:  # sorted: the whole answer first
        answer = run_query_on_store(_open_build_store(out_dir), saved, bindings)
        with atomic_writer(Path(target)) as handle:
            return write_graph(answer, handle, output_format)
    stream = stream_query_on_store(_open_build_store(out_dir), saved, bindings)
    with atomic_writer(Path(target)) as handle:
        if output_format == "csv":
            rows = write_csv(stream, handle, excel_safe=excel_safe)
        else:
            rows = write_json(stream, handle)
    return 1 if stream.boolean is not None else rows


def _login(user: str | None, password: str | None, auth: str) -> Any:
    """Credentials as the command line takes them: given, or from ``REFORMGRAPH_USER`` and
    ``REFORMGRAPH_PASSWORD``; None for neither."""
    import os

    from reformgraph.errors import RemoteUsageError
    from reformgraph.remote import Credentials

    user = user if user is not None else os.environ.get("REFORMGRAPH_USER")
    password = password if password is not None else os.environ.get("REFORMGRAPH_PASSWORD")
    if user is None and password is None:
        return None
    if user is None:
        raise RemoteUsageError("a password needs a user name: give user= (or REFORMGRAPH_USER)")
    if password is None:
        raise RemoteUsageError(
            f"user {user!r} needs a password: give password= (or REFORMGRAPH_PASSWORD)"
        )
    return Credentials(user, password, auth)


def push(
    out_dir: StrPath,
    endpoint: str,
    *,
    named_graph: str | None = None,
    update_endpoint: str | None = None,
    with_ontology: bool = True,
    user: str | None = None,
    password: str | None = None,
    auth: str = "basic",
    chunk_triples: int = 100_000,
    timeout: float = 120.0,
    retries: int = 3,
    backoff: float = 1.0,
    progress: Progress | None = None,
) -> PushResult:
    """Upload a build's graph (``reformgraph.nt``, with the ontology unless
    ``with_ontology=False``) to a SPARQL 1.1 Graph Store, replacing its default graph or
    ``named_graph``, as ``reformgraph push`` does (a graph of more than ``chunk_triples``
    triples goes in chunks, swapped in at ``update_endpoint``). ``user`` and ``password``
    default to ``REFORMGRAPH_USER`` and ``REFORMGRAPH_PASSWORD``. ``progress`` is called
    with (stage, done, total) as the upload goes.

    Raises :class:`~reformgraph.errors.RemoteUsageError` for wrong options (nothing was
    sent), :class:`~reformgraph.errors.RemoteError` when the endpoint failed (its message
    says what the target graph holds) and :class:`~reformgraph.errors.PushInterrupted` on
    Ctrl-C."""
    from reformgraph import engine, remote
    from reformgraph.project import ontology_file

    build_dir = Path(out_dir)
    source = build_dir / "reformgraph.nt"
    if not source.is_file():
        _refuse_unfinished(build_dir)
        raise NoBuildError(f"{source}: no such file: build first (reformgraph build)")
    engine.check_build(build_dir)
    credentials = _login(user, password, auth)
    extra = remote.ontology_ntriples(ontology_file("reformgraph.ttl")) if with_ontology else b""
    return remote.push_graph(
        source,
        endpoint,
        named_graph=named_graph,
        update_endpoint=update_endpoint,
        extra=extra,
        credentials=credentials,
        chunk_triples=chunk_triples,
        timeout=timeout,
        retry=remote.RetryPolicy(retries=retries, backoff=backoff),
        progress=progress,
    )


def query_endpoint(
    endpoint: str,
    saved: SavedQuery | str | PurePath,
    params: Mapping[str, str] | None = None,
    *,
    named_graph: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str = "basic",
    timeout: float = 60.0,
    retries: int = 2,
) -> QueryResult:
    """Run a query on a SPARQL 1.1 endpoint, as ``reformgraph query --endpoint`` does:
    ``saved`` and ``params`` as for :func:`query`, ``named_graph`` sent as the protocol's
    ``default-graph-uri``. The rows are pyoxigraph terms, as a local query's on the
    build's store. Raises :class:`~reformgraph.errors.QueryError` for a query the endpoint
    rejects, :class:`~reformgraph.errors.RemoteError` when it failed."""
    from reformgraph import remote
    from reformgraph.queries import bind_params

    saved = _as_query(saved)
    bindings = bind_params(saved, _as_params(params))
    return remote.query_endpoint(
        endpoint,
        saved,
        bindings,
        named_graph=named_graph,
        credentials=_login(user, password, auth),
        timeout=timeout,
        retry=remote.RetryPolicy(retries=retries, backoff=0.5),
    )

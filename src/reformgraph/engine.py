"""The query engine underneath: an embedded Oxigraph store (pyoxigraph).

A build fills an on-disk store in ``build/store``; queries open it read-only without
parsing anything. rdflib remains the library API (:func:`reformgraph.pipeline.open_graph`
gives an rdflib Graph over a built store); this module only moves triples and answers
SPARQL fast.
Nothing here imports rdflib, so that a query from the command line starts quickly.
"""

from __future__ import annotations

import os
import re
from functools import cache

import pyoxigraph as ox

from reformgraph._record import Record
from reformgraph.errors import QueryError
from reformgraph.vocab import NAMESPACES

# Not typing's TYPE_CHECKING: a query on the command line imports this module, and with it
# nothing it does not need (typing, dataclasses, pathlib, shutil); see reformgraph.entry.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from pathlib import Path
    from typing import Any

__all__ = [
    "BUILD_INFO",
    "ONTOLOGY_GRAPH",
    "PUBLISHING",
    "STORE_DIR",
    "EngineResult",
    "EngineStream",
    "add_ontology",
    "check_build",
    "create_store",
    "installed_model",
    "memory_store",
    "ontology_in_default_graph",
    "open_store",
    "query_store",
    "rdf_format",
    "refuse_service",
    "run_sparql",
    "store_identity",
    "stream_sparql",
    "term_parts",
    "write_build_info",
]

#: The folder of the store inside a build folder.
STORE_DIR = "store"
#: In a build folder while a build is put in place (its items are renamed one by one):
#: the process id of the build.
PUBLISHING = ".reformgraph-publishing"
#: The ontology's IRI, and the named graph of a store that holds a copy of the ontology
#: (queries see the ontology in the default graph, with the data).
ONTOLOGY_GRAPH = "https://w3id.org/reformgraph/ontology"

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class EngineResult(Record):
    """Rows of a SELECT (pyoxigraph terms), the triples of a CONSTRUCT, or an ASK answer."""

    variables: list[str]
    rows: list[tuple[Any, ...]]
    triples: list[tuple[Any, Any, Any]] | None
    boolean: bool | None

    def __init__(
        self,
        variables: list[str],
        rows: list[tuple[Any, ...]] | None = None,
        triples: list[tuple[Any, Any, Any]] | None = None,
        boolean: bool | None = None,
    ) -> None:
        self._fill(variables, [] if rows is None else rows, triples, boolean)


class EngineStream(Record):
    """The answer of a query as it comes from the store: the variables, then the rows
    (an iterator, to be read once); ``boolean`` for an ASK."""

    variables: list[str]
    rows: Iterator[tuple[Any, ...]]
    boolean: bool | None

    def __init__(
        self, variables: list[str], rows: Iterator[tuple[Any, ...]], boolean: bool | None = None
    ) -> None:
        self._fill(variables, rows, boolean)


def open_store(path: Path) -> ox.Store:
    """A built store, opened read-only (several processes may read it at once).

    Raises ``FileNotFoundError`` if there is no such folder, and
    :class:`~reformgraph.errors.NoBuildError` if the folder is not a sound store (files
    missing or cut short: a copy that went wrong, a full disk), if a build is being put in
    place there, and (:class:`~reformgraph.errors.BuiltByAnotherVersion`) if the store was
    built by a reformgraph with another data model than the one installed.

    A store replaced while it is being opened (a build put in place at that moment) gives
    RocksDB the files of two stores, which it reports as corruption: the open is then tried
    again for up to :data:`SETTLE_SECONDS`, and a build still being put in place is said to
    be, never that the store must be rebuilt."""
    if not path.is_dir():
        raise FileNotFoundError(path)
    build_dir = path.parent
    _check_published(build_dir)
    deadline: float | None = None
    while True:
        before = store_identity(path)
        try:
            store = _read_only(str(path))
        except (OSError, RuntimeError) as exc:  # RocksDB's "Corruption: …" is a RuntimeError
            if store_identity(path) == before and _publisher(build_dir) is None:
                from reformgraph.errors import NoBuildError

                raise NoBuildError(
                    f"{path}: cannot be opened as an Oxigraph store ({exc}): build again to"
                    f" replace it (reformgraph build --data DATA --out {build_dir}; in a"
                    " project, reformgraph build for its build/)"
                ) from None
        else:
            if store_identity(path) == before:
                _check_model(path)
                return store
            del store  # opened while it was replaced: perhaps half of each
        # A build is putting a new store in place: wait until it has, and open that one.
        import time

        if deadline is None:
            deadline = time.monotonic() + SETTLE_SECONDS
        while True:
            time.sleep(0.05)
            found = _publisher(build_dir)
            if (found is not None and not found[1]) or time.monotonic() >= deadline:
                _check_published(build_dir)  # stopped midway, or still at it: says which
                from reformgraph.errors import NoBuildError

                raise NoBuildError(
                    f"{build_dir}: a build is being put in place: try again when it has finished"
                )
            if found is None:
                break


#: How long :func:`open_store` goes on trying to open a store that a build is putting in
#: place (publishing takes a few renames: well under a second).
SETTLE_SECONDS = 2.0


def _read_only(path: str) -> ox.Store:
    """``ox.Store.read_only`` (a function of the module, so that tests can replace it)."""
    return ox.Store.read_only(path)


def store_identity(path: Path) -> tuple[int, int] | None:
    """Which folder ``path`` names now (its device and inode; None if there is none): a
    build puts a new store in place by renaming a new folder over the old one's name."""
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _publisher(build_dir: Path) -> tuple[int, bool] | None:
    """The process putting a build in place in ``build_dir`` and whether it still runs,
    from the publishing marker; None if there is no marker."""
    marker = build_dir / PUBLISHING
    try:
        pid = int(marker.read_text(encoding="ascii").strip() or 0)
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        pid = 0
    try:
        if pid > 0:
            os.kill(pid, 0)
            running = True
        else:
            running = False
    except ProcessLookupError:
        running = False
    except PermissionError:
        running = True
    return pid, running


def _check_published(build_dir: Path) -> None:
    """Refuse a build folder whose build is being put in place, or was stopped while it
    was (killed between two renames): its files may be of two builds."""
    found = _publisher(build_dir)
    if found is None:
        return
    from reformgraph.errors import NoBuildError

    pid, running = found
    if running:
        raise NoBuildError(
            f"{build_dir}: a build is being put in place (process {pid}): try again when it"
            " has finished"
        )
    raise NoBuildError(
        f"{build_dir}: a build was stopped while it was being put in place, and its files may"
        f" be of two builds: build again (reformgraph build --data DATA --out {build_dir};"
        " in a project, reformgraph build for its build/)"
    )


def check_build(build_dir: Path) -> None:
    """Refuse a build folder whose files are not those of one finished build of the
    installed data model, as :func:`open_store` refuses its store: for what reads the
    build's files without opening the store (``push`` sends ``reformgraph.nt``).

    Raises :class:`~reformgraph.errors.NoBuildError` if a build is being put in place
    there or was stopped while it was, and :class:`~reformgraph.errors.BuiltByAnotherVersion`
    if it was built with another data model (or by a version that did not record one)."""
    _check_published(build_dir)
    _check_model(build_dir / STORE_DIR)


#: In a store's folder: which reformgraph built it and with which data model (JSON). It
#: moves with the store, which a build puts in place with one rename.
BUILD_INFO = "reformgraph-build.json"


@cache
def installed_model() -> str:
    """A fingerprint of the data model of the installed reformgraph: its ontology and
    shapes (CRC-32 and length of each, read once per process; a query opens a store in
    milliseconds, and this is no defence against tampering, only a sign of change)."""
    import zlib

    from reformgraph.project import ontology_file

    parts = []
    for name in ("reformgraph.ttl", "shapes.ttl"):
        content = ontology_file(name).read_bytes()
        parts.append(f"{zlib.crc32(content):08x}.{len(content)}")
    return "crc32:" + "-".join(parts)


def write_build_info(store_dir: Path) -> None:
    """Record in a store's folder which reformgraph writes it, and its data model."""
    import json

    from reformgraph import __version__

    info = {"data_model": installed_model(), "format": 1, "reformgraph": __version__}
    text = json.dumps(info, indent=2, sort_keys=True) + "\n"
    (store_dir / BUILD_INFO).write_text(text, encoding="utf-8")


def _check_model(store_dir: Path) -> None:
    """Refuse a store built with another data model than the installed one (or by a
    reformgraph that did not say which): its triples may not be what the installed
    queries look for, which then find nothing, without a word. A record that is there but
    says nothing of the model (empty, not JSON, without its ``data_model``) is damaged,
    not an earlier version's: every version that writes the record writes the model."""
    import re

    record = store_dir / BUILD_INFO
    build_dir = store_dir.parent
    again = (
        f"build again (reformgraph build --data DATA --out {build_dir}; in a project,"
        " reformgraph build for its build/)"
    )
    try:
        text: str | None = record.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    except (OSError, UnicodeDecodeError) as exc:  # there, but not readable: not a version's
        from reformgraph.errors import NoBuildError

        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise NoBuildError(
            f"{record}: the record of the build cannot be read ({reason}), so neither can"
            f" the build: make it readable, or {again}"
        ) from None
    if text is not None:
        # Read without json (a query imports only what it needs): the build writes the file.
        model = re.search(r'"data_model"\s*:\s*"([^"]*)"', text)
        if model is not None and model[1] == installed_model():
            return
    from reformgraph import __version__
    from reformgraph.errors import BuiltByAnotherVersion, NoBuildError

    if text is None:
        which = (
            f"by another version of reformgraph (an earlier one, which did not record its"
            f" version or its data model: its store has no {BUILD_INFO}) than this one"
            f" ({__version__})"
        )
    else:
        info, problem = _read_record(text)
        named = info.get("reformgraph")
        version = named if isinstance(named, str) and named.strip() else None
        if problem is not None and (version is None or version == __version__):
            raise NoBuildError(
                f"{record}: the record of the build {problem}: it does not say which"
                " ontology and shapes the build was made with (every build writes them"
                f" there: the file is damaged, or not reformgraph's): {again}"
            )
        if problem is not None and version is not None:
            which = (
                f"by reformgraph {version}, {_which_version(version, __version__)} than this"
                f" one ({__version__}), with an ontology and shapes its record ({record})"
                f" does not name ({problem.removeprefix('has ')})"
            )
        else:
            which = (
                f"by reformgraph {version or '(version unknown)'} with another ontology or"
                f" shapes than those of the installed one ({__version__})"
            )
    raise BuiltByAnotherVersion(
        f"{build_dir}: built {which}, whose queries may silently miss rows there: {again}"
    )


def _read_record(text: str) -> tuple[dict[str, object], str | None]:
    """The fields of a build's record (:data:`BUILD_INFO`), and what is wrong with it if
    it does not say which data model the build was made with (None if it does)."""
    import json

    if not text.strip():
        return {}, "is empty"
    try:
        info = json.loads(text)
    except ValueError as exc:
        where = (
            f": line {exc.lineno}, column {exc.colno}"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        message = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        return {}, f"is not valid JSON ({message}{where})"
    if not isinstance(info, dict):
        return {}, "is not a JSON object"
    model = info.get("data_model")
    if not isinstance(model, str) or not model:
        return info, 'has no "data_model" field'
    return info, None


def _which_version(version: str, installed: str) -> str:
    """Whether ``version`` of reformgraph is "an earlier version" or "a later version"
    than ``installed`` (numbered as 0.1.0), or "another version" if it cannot be told."""
    import re

    def parts(text: str) -> tuple[int, ...] | None:
        found = re.match(r"(\d+(?:\.\d+)*)", text.strip())
        return tuple(int(n) for n in found[1].split(".")) if found else None

    mine, theirs = parts(installed), parts(version)
    if mine is None or theirs is None or mine == theirs:
        return "another version"
    return "an earlier version" if theirs < mine else "a later version"


def create_store(path: Path) -> ox.Store:
    """A new, empty on-disk store (the folder must not exist or be empty), which says
    which reformgraph made it (:data:`BUILD_INFO`, read by :func:`open_store`)."""
    if path.exists():
        import shutil

        shutil.rmtree(path)
    path.mkdir(parents=True)
    store = ox.Store(str(path))
    write_build_info(path)
    return store


#: Bytes of N-Triples per call of Oxigraph's bulk loader (about 450,000 of our triples).
#: Its memory grows with what one call loads: for 7.6 M triples, calls of 128 MB peaked
#: at 0.88 GB and calls of 48 MB at 0.36 GB, 25% slower (lists of a million lines, as
#: before, cost 1.4 GB); so a large graph goes in several calls.
BULK_LOAD_BYTES = 64 * 2**20


def bulk_load_ntriples(store: ox.Store, path: Path, per_call: int = BULK_LOAD_BYTES) -> int:
    """Bulk-load an N-Triples file of one triple per line into the default graph, in calls
    of about ``per_call`` bytes (whole lines); return how many lines were loaded.

    The file must hold no blank nodes: each call is its own document, so a blank node
    split across two calls would become two. (The build writes none.)

    Loaded leniently (Oxigraph skips checking IRIs, a tenth of its time): only for
    N-Triples written by the build, whose IRIs are its own (made of slugs) or checked
    by the data's schema, and whose literals its writer escapes.
    """
    loaded = 0
    rest = b""
    with path.open("rb") as file:
        while block := file.read(per_call):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            rest = block[cut:]
            if cut:
                lines = block[:cut]
                del block
                store.bulk_load(lines, format=ox.RdfFormat.N_TRIPLES, lenient=True)
                loaded += lines.count(b"\n")
    if rest:
        store.bulk_load(rest, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        loaded += 1
    return loaded


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its suffix."""
    suffix = path.suffix.lower().lstrip(".")
    found = {
        "jsonld": ox.RdfFormat.JSON_LD,
        "json": ox.RdfFormat.JSON_LD,
        "rdf": ox.RdfFormat.RDF_XML,
        "xml": ox.RdfFormat.RDF_XML,
    }.get(suffix) or ox.RdfFormat.from_extension(suffix)
    if found is None:
        raise ValueError(f"{path}: unknown RDF format (use .ttl, .nt, .jsonld, .rdf, .trig or .nq)")
    return found


def memory_store(files: Iterable[Path] = ()) -> ox.Store:
    """An in-memory store holding the triples of RDF files (format from their suffix), all
    in its default graph: a dataset's named graphs too (N-Quads, TriG), whose triples a
    query of the default graph would not see otherwise."""
    store = ox.Store()
    for path in files:
        rdf = rdf_format(path)
        if rdf.supports_datasets:
            default = ox.DefaultGraph()
            store.extend(
                ox.Quad(q.subject, q.predicate, q.object, default)
                for q in ox.parse(path=str(path), format=rdf)
            )
        else:
            store.load(path=str(path), format=rdf, to_graph=ox.DefaultGraph())
    return store


def add_ontology(store: ox.Store, ontology: Path) -> None:
    """Load the ontology into the default graph, where queries see it with the data, and
    a copy into its own named graph, which tells the ontology's triples apart.

    Queries read the default graph alone: the union of all graphs would find the same
    triples, but Oxigraph then looks every pattern up in every graph (the saved queries
    took 1.3 to 1.9 times as long on 10,000 synthetic cases).
    """
    # Parsed once, so that both copies share their blank nodes (two loads would make two
    # sets of them: the store would then hold the ontology's lists twice over).
    triples = list(ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE))
    for graph in (ox.DefaultGraph(), ox.NamedNode(ONTOLOGY_GRAPH)):
        store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples)


def ontology_in_default_graph(store: ox.Store) -> bool:
    """Whether the store's default graph holds the ontology (as :func:`add_ontology` puts
    it there; a store built before that holds it in the named graph only)."""
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    owl_ontology = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")
    return ox.Quad(ontology, rdf_type, owl_ontology, ox.DefaultGraph()) in store


def convert_ntriples(source: Path, target: Path, prefixes: dict[str, str]) -> None:
    """Rewrite an N-Triples file as Turtle (Oxigraph's writer) or compact JSON-LD with its
    ``@context`` inline (:func:`reformgraph.rdfwrite.write_jsonld`), by ``target``'s suffix,
    streaming: triples keep their order, so the same input gives the same bytes, and memory
    stays flat whatever the size.
    """
    triples = ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES)
    if target.suffix == ".jsonld":
        from reformgraph.rdfwrite import write_jsonld

        write_jsonld(triples, target, prefixes)
        return
    if target.suffix != ".ttl":
        raise ValueError(f"{target}: write .ttl or .jsonld")
    ox.serialize(triples, output=str(target), format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def query_store(build_dir: Path | None, graph_file: Path | None, ontology: Path) -> ox.Store:
    """The store a query runs on: a built store, or an RDF file loaded into memory."""
    if graph_file is not None:
        store = memory_store([graph_file])
        add_ontology(store, ontology)
        return store
    assert build_dir is not None
    store_dir = build_dir / STORE_DIR
    if store_dir.is_dir():
        return open_store(store_dir)
    nt = build_dir / "reformgraph.nt"
    if nt.is_file():
        store = memory_store([nt])
        add_ontology(store, ontology)
        return store
    raise FileNotFoundError(store_dir)


#: What may hide the SERVICE keyword from a scan of SPARQL text (a comment, a string, an
#: IRI), and the keyword itself, as a word of its own (not ``?service``, ``ex:service``).
_SERVICE_SCAN = re.compile(
    r"""(?P<skip>\#[^\n]*
    |"{3}(?:[^"\\]|\\.|"(?!""))*"{3}|'{3}(?:[^'\\]|\\.|'(?!''))*'{3}
    |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'
    |<[^<>"{}|^`\\\x00-\x20]*>)
    |(?<![\w?$:-])(?P<service>SERVICE)(?![\w:-])""",
    re.IGNORECASE | re.VERBOSE,
)
#: A codepoint escape, which SPARQL text may use anywhere (rdflib's parser reads it so).
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def refuse_service(text: str, where: str | None = None) -> None:
    """Refuse SPARQL ``text`` that asks another endpoint for part of its answer (a
    ``SERVICE`` clause): the local engines, Oxigraph's and rdflib's, would send it there
    over the network as they read the build, and a query emailed as a saved one could so
    reach any address this machine reaches. A query of reformgraph reads the graph alone.
    ``where`` names the query file in the message."""
    lowered = text.lower()
    if "service" not in lowered and "\\u" not in lowered:
        return
    text = _CODEPOINT.sub(lambda m: chr(int(m[1] or m[2], 16)), text)
    for match in _SERVICE_SCAN.finditer(text):
        if match["service"]:
            line = text.count("\n", 0, match.start()) + 1
            named = f"{where}: " if where else ""
            raise QueryError(
                f"{named}line {line}: a SERVICE clause, which reformgraph does not run: it would"
                " send part of the query over the network, to the endpoint it names, where a query"
                " reads the graph alone (to query an endpoint, use query --endpoint URL)",
                source=text,
            )


def _evaluate(
    store: ox.Store, text: str, bindings: Mapping[str, Any] | None, union: bool | None
) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    refuse_service(text)
    if union is None:
        union = not ontology_in_default_graph(store)
    substitutions = {ox.Variable(name): term for name, term in (bindings or {}).items()}
    # The prefixes of the tables need no declaration (a query's own declarations win).
    return store.query(
        text,
        prefixes=NAMESPACES,
        substitutions=substitutions or None,
        use_default_graph_as_union=union,
    )


def _interruptible(work: Callable[[], Any]) -> Any:
    """``work()``, waited for so that Ctrl-C stops the wait. Oxigraph evaluates a query
    that counts, groups or sorts in one call that never looks for signals, so a
    KeyboardInterrupt came only once the whole answer had been computed. On the main
    thread the work runs in a daemon thread (Oxigraph lets go of the GIL while it
    evaluates) while this one waits, in a wait that a signal interrupts; a query given up
    so ends with the process."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return work()
    outcome: list[tuple[bool, Any]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # given to the caller as it is
            _let_go(exc)
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="reformgraph-query", daemon=True)
    thread.start()
    thread.join()
    done, value = outcome[0]
    if not done:
        raise value
    return value


def _let_go(exc: BaseException) -> None:
    """Clear the variables of the frames ``exc`` went through (in the thread that raised
    it): they hold the pyoxigraph answer, which may not leave the thread that made it;
    dropped with the exception in another thread, it printed an error of its own under
    the message (``RuntimeError: pyoxigraph::sparql::PyQuerySolutions is unsendable``)."""
    import traceback

    traceback.clear_frames(exc.__traceback__)


def _sorted_triples(result: ox.QueryTriples) -> list[tuple[Any, Any, Any]]:
    triples = [(t.subject, t.predicate, t.object) for t in result]
    triples.sort(key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    return triples


def run_sparql(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    union: bool | None = None,
) -> EngineResult:
    """Run a query; ``bindings`` (variable name → pyoxigraph term) are substituted as terms.

    The query's default graph is the store's default graph, which holds the data and the
    ontology; with ``union`` it is the union of all the store's graphs. By default (None)
    the union is taken only for a store whose ontology is in its named graph alone.
    The prefixes of :data:`~reformgraph.vocab.NAMESPACES` need no declaration.
    """
    # Evaluated and read on one thread: a pyoxigraph answer may not leave the thread
    # that made it.
    answer: EngineResult = _interruptible(lambda: _run(store, text, bindings, union))
    return answer


def _run(
    store: ox.Store, text: str, bindings: Mapping[str, Any] | None, union: bool | None
) -> EngineResult:
    result = _evaluate(store, text, bindings, union)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        # A solution iterates over its values in the order of the variables (a third
        # faster than looking each up by name, on a large result).
        rows = [tuple(solution) for solution in result]
        return EngineResult(variables=variables, rows=rows)
    if isinstance(result, ox.QueryBoolean):
        return EngineResult(variables=[], boolean=bool(result))
    triples = _sorted_triples(result)
    return EngineResult(
        variables=["subject", "predicate", "object"], rows=list(triples), triples=triples
    )


def stream_sparql(
    store: ox.Store,
    text: str,
    bindings: Mapping[str, Any] | None = None,
    *,
    union: bool | None = None,
) -> EngineStream:
    """:func:`run_sparql`, with the rows of a SELECT read from the store one by one as
    they are iterated, so that a large answer is never held in memory. The query is
    parsed and planned here; evaluation errors (if any) come from the iteration.
    A CONSTRUCT's triples are still collected, to be given in a fixed order."""

    def answer() -> EngineStream:
        result = _evaluate(store, text, bindings, union)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            return EngineStream(variables, (tuple(solution) for solution in result))
        if isinstance(result, ox.QueryBoolean):
            return EngineStream([], iter(()), bool(result))
        return EngineStream(["subject", "predicate", "object"], iter(_sorted_triples(result)))

    return _interruptible_stream(answer)


#: A producer thread hands rows over in batches of this many, or of what came within
#: :data:`_BATCH_SECONDS`, as a row comes. (A row that came just before a long wait for
#: the next is handed over with it: handing every row over at once, whenever the reader
#: waits, made a 30,000-row CSV export 17% slower.)
_BATCH_ROWS = 512
_BATCH_SECONDS = 0.05


def _interruptible_stream(answer: Callable[[], EngineStream]) -> EngineStream:
    """``answer()``, read in a thread of its own and handed over in batches, so that
    Ctrl-C stops the reader at once: while Oxigraph sorts, groups or counts before the
    first row, or between rows, the main thread waits in a wait that a signal
    interrupts (as :func:`_interruptible` does for a whole answer). A pyoxigraph answer
    may not leave the thread that made it; its rows (tuples of terms) may. The hand-over
    holds a few batches at most, so a large answer is still never held in memory; a
    reader that stops (or is stopped) stops the thread at its next batch."""
    import queue
    import threading
    import time

    if threading.current_thread() is not threading.main_thread():
        return answer()
    channel: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=4)
    stop = threading.Event()

    def put(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                channel.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            stream = answer()
            if not put("head", (stream.variables, stream.boolean)):
                return
            batch: list[tuple[Any, ...]] = []
            since = time.monotonic()
            for row in stream.rows:
                batch.append(row)
                if len(batch) >= _BATCH_ROWS or time.monotonic() - since >= _BATCH_SECONDS:
                    if not put("rows", batch):
                        return
                    batch, since = [], time.monotonic()
            if batch and not put("rows", batch):
                return
            put("end", None)
        except BaseException as exc:  # given to the reader as it is
            _let_go(exc)
            put("error", exc)

    thread = threading.Thread(target=run, name="reformgraph-stream", daemon=True)
    thread.start()
    try:
        kind, value = channel.get()
    except BaseException:
        stop.set()
        raise
    if kind == "error":
        raise value
    variables, boolean = value

    def rows() -> Iterator[tuple[Any, ...]]:
        try:
            while True:
                kind, value = channel.get()
                if kind == "rows":
                    yield from value
                elif kind == "end":
                    return
                else:
                    raise value
        finally:
            stop.set()

    return EngineStream(variables, rows(), boolean)


def term_parts(term: Any) -> tuple[str, str, str | None, str | None]:
    """(kind, value, language, datatype) of a pyoxigraph or rdflib term; kind is uri,
    bnode or literal. Works on both so that output formats need neither library."""
    if isinstance(term, ox.NamedNode):
        return "uri", term.value, None, None
    if isinstance(term, ox.BlankNode):
        return "bnode", term.value, None, None
    if isinstance(term, ox.Literal):
        kind_of = term.datatype.value
        if term.language:
            return "literal", term.value, term.language, None
        return "literal", term.value, None, None if kind_of == XSD_STRING else kind_of
    # rdflib terms
    name = type(term).__name__
    if name == "URIRef":
        return "uri", str(term), None, None
    if name == "BNode":
        return "bnode", str(term), None, None
    language = getattr(term, "language", None)
    datatype = getattr(term, "datatype", None)
    if language:
        return "literal", str(term), str(language), None
    text = None if datatype is None else str(datatype)
    return "literal", str(term), None, None if text in (None, XSD_STRING) else text


def iter_triples(store: ox.Store) -> Iterator[tuple[Any, Any, Any]]:
    """Every triple of the store's default graph, in the store's (deterministic) order."""
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        yield quad.subject, quad.predicate, quad.object

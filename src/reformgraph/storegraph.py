"""An rdflib ``Graph`` over a built Oxigraph store: rdflib's API, Oxigraph's engine.

oxrdflib (by Oxigraph's authors) is an rdflib store plugin backed by pyoxigraph: the
graph reads its triples from the store as they are asked for, and ``Graph.query`` with
SPARQL text is answered by Oxigraph's engine. Nothing is parsed, so a graph of millions
of triples opens at once, in the memory of what is read from it.

Three differences from oxrdflib's plain store. The first two make the graph give the
terms that rdflib's own parsers give for the build's files:

- a literal without language or datatype comes back as a plain ``Literal`` (oxrdflib
  gives ``xsd:string`` explicitly, which rdflib does not count as equal);
- a SPARQL query's rows, and a CONSTRUCT's triples, get the same treatment;
- ``len(graph)`` counts the quads of its graph instead of asking for distinct triples
  (97 s on 8.4 M triples, now under 2 s).

Numbers come back in the form Oxigraph stores them (its canonical lexical form).

The graph is read-only: adding, removing or updating raises
:class:`~reformgraph.errors.ReadOnlyGraphError`. It is a context manager
(:class:`BuildGraph`): ``close()``, or the end of its ``with`` block, lets go of the store
(and of a build's files that a new build has replaced since), after which it raises
:class:`~reformgraph.errors.GraphClosedError`. A query through a graph of a build folder
where another build has been put in place since it was opened warns once
(:class:`~reformgraph.errors.BuildChangedWarning`): it still reads the build it opened.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import pyoxigraph as ox
from oxrdflib import OxigraphStore
from rdflib import BNode, Graph, Literal
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import XSD
from rdflib.term import Node

from reformgraph.engine import STORE_DIR, refuse_service, store_identity
from reformgraph.errors import (
    BuildChangedWarning,
    GraphClosedError,
    ReadOnlyGraphError,
    user_stacklevel,
)

__all__ = ["BuildGraph", "BuiltStore", "store_graph"]


def plain(term: Any) -> Any:
    """``term``, with an ``xsd:string`` literal as the plain literal rdflib's parsers give."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _caller() -> FrameType | None:
    """The frame of the user's code that called reformgraph, rdflib or oxrdflib (as
    :func:`~reformgraph.errors.user_stacklevel` finds it)."""
    import sys

    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_globals.get("__name__", "").partition(".")[0] not in (
            "reformgraph",
            "rdflib",
            "oxrdflib",
        ):
            return frame
        frame = frame.f_back
    return None


class BuiltStore(OxigraphStore):
    """oxrdflib's store over an open pyoxigraph store, giving plain literals; read-only.

    ``folder`` is the build folder the store is of, if any: errors name it, and queries
    warn once when another build has been put in place there since the store was opened.
    """

    def __init__(self, store: ox.Store, folder: Path | None = None) -> None:
        super().__init__(store=store)
        self.folder = folder
        # The store's folder as it is now, whatever the working directory becomes: a
        # relative folder, after os.chdir, named none, and the build seemed replaced.
        self._store_dir = None if folder is None else folder.absolute() / STORE_DIR
        self._identity = None if self._store_dir is None else store_identity(self._store_dir)
        self._unchecked = 0
        self._warned = False

    @property
    def _inner(self) -> ox.Store:
        store = self._store
        if store is None:
            folder = "BUILD" if self.folder is None else repr(str(self.folder))
            raise GraphClosedError(
                f"the graph of {self.folder or 'a build'} was closed: open it again with"
                f" pipeline.open_graph({folder})"
            )
        return store

    @property
    def oxigraph(self) -> ox.Store:
        """The pyoxigraph store underneath."""
        return self._inner

    def close(self, commit_pending_transaction: bool = False) -> None:
        """Let go of the store (its files are released once no result of it is left)."""
        self._store = None

    def _check_build(self, every: int = 1) -> None:
        """Warn (once) if another build has been put in place in the folder since the
        store was opened; looked at once in ``every`` calls."""
        if self._store_dir is None or self._warned:
            return
        self._unchecked += 1
        if self._unchecked < every:
            return
        self._unchecked = 0
        if store_identity(self._store_dir) != self._identity:
            self._warned = True
            message = BuildChangedWarning(
                f"{self.folder}: another build has been put in place there since this graph"
                " was opened, and it still reads the build it opened: open it again with"
                f" pipeline.open_graph({str(self.folder)!r}) to read the new one"
            )
            caller = _caller()
            if caller is None:  # pragma: no cover - called from reformgraph alone
                warnings.warn(message, stacklevel=user_stacklevel())
                return
            # Each graph's warning said, at the user's line: through warnings.warn,
            # Python's registry shows one warning per line and text, and a graph opened
            # again (as it says to) was not said to be stale after the next build.
            warnings.warn_explicit(
                message,
                BuildChangedWarning,
                caller.f_code.co_filename,
                caller.f_lineno,
                module=caller.f_globals.get("__name__"),
            )

    def _refuse_change(self) -> ReadOnlyGraphError:
        self._inner  # noqa: B018 - a closed graph says so first
        where = "a build" if self.folder is None else str(self.folder)
        return ReadOnlyGraphError(
            f"the graph of {where} is read-only (it reads the build's store): to change the"
            " graph, edit the data and build again"
        )

    def add(self, triple: Any, context: Any, quoted: bool = False) -> None:
        raise self._refuse_change()

    def addN(self, quads: Iterable[Any]) -> None:
        raise self._refuse_change()

    def remove(self, triple: Any, context: Any = None) -> None:
        raise self._refuse_change()

    def update(  # rdflib's parameter names
        self,
        update: Any,
        initNs: Mapping[str, Any],
        initBindings: Mapping[str, Any],
        queryGraph: Any,
        **kwargs: object,
    ) -> None:
        raise self._refuse_change()

    def add_graph(self, graph: Any) -> None:
        raise self._refuse_change()

    def remove_graph(self, graph: Any) -> None:
        raise self._refuse_change()

    def triples(
        self, triple_pattern: Any, context: Graph | None = None
    ) -> Iterator[tuple[tuple[Node, Node, Node], Iterator[Graph | None]]]:
        self._check_build(every=1000)  # a pattern takes microseconds, as a stat does
        for (s, p, o), contexts in super().triples(triple_pattern, context):
            yield (s, p, plain(o)), contexts

    def __len__(self, context: Graph | None = None) -> int:
        """Triples in ``context`` (all quads without one). oxrdflib counts distinct triples
        with a query that took 97 s on 8.4 M triples; a graph holds no duplicates, and
        the default graph is what the named graphs leave of all quads (1.6 s)."""
        self._check_build()
        if context is None:
            return super().__len__(context)
        name = context.identifier if isinstance(context, Graph) else context
        if name == DATASET_DEFAULT_GRAPH_ID:
            store = self._inner
            named = sum(
                sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
                for graph in store.named_graphs()
            )
            return len(store) - named
        everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        graph = ox.NamedNode(str(name)) if not isinstance(name, BNode) else ox.BlankNode(name)
        return _count(self._inner.query(everything, default_graph=graph))

    def query(  # rdflib's parameter names
        self,
        query: Any,
        initNs: Mapping[str, Any],
        initBindings: Mapping[str, Any],
        queryGraph: Any,
        **kwargs: object,
    ) -> Any:
        """Oxigraph's answer, with plain literals. The prefixes the query may leave
        undeclared are ``initNs`` (``Graph.query`` gives the graph's bindings unless told
        others), not the store's bindings as well as them."""
        self._check_build()
        if isinstance(query, str):
            refuse_service(query)
        bound, self._namespace_for_prefix = self._namespace_for_prefix, {}
        try:
            result = super().query(query, initNs, initBindings, queryGraph, **kwargs)
        finally:
            self._namespace_for_prefix = bound
        if result.type == "SELECT":
            rows = result.bindings
            result.bindings = ({k: plain(v) for k, v in row.items()} for row in rows)
        elif result.type == "CONSTRUCT" and result.graph is not None:
            graph = Graph()
            for s, p, o in result.graph:
                graph.add((s, p, plain(o)))
            result.graph = graph
        return result


def _count(result: Any) -> int:
    return int(next(iter(result))[0].value)


class BuildGraph(Graph):
    """An rdflib Graph that is also a context manager: ``with pipeline.open_graph(B) as g:``
    closes it (lets go of the build's store) at the end of the block."""

    def __enter__(self) -> BuildGraph:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def store_graph(store: ox.Store, folder: Path | None = None) -> BuildGraph:
    """An rdflib Graph of ``store``'s default graph (a build's data and the ontology);
    ``folder``, the build folder it is of, is named in its errors and warnings."""
    return BuildGraph(store=BuiltStore(store, folder), identifier=DATASET_DEFAULT_GRAPH_ID)

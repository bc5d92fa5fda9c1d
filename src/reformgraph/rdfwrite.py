"""Streaming N-Triples for the build.

The build renders triples chunk by chunk (the shared entities, then one chunk per case)
and appends each chunk to one N-Triples file, so that no step needs the whole graph in
memory; that file is what the store bulk-loads, and the Turtle and JSON-LD are then
serialised by the store (Oxigraph's own writers). Within a chunk, subjects come in the
order they were first generated, each with its predicates and objects in order: the same
data gives the same bytes, whatever the Python hash seed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

__all__ = ["Chunk", "NTriplesWriter", "render_chunk"]

Triple = tuple[Node, Node, Node]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_STRING = str(XSD.string)
#: IRIs rendered so far (they recur: predicates, classes, shared entities).
_IRIS: dict[str, str] = {}
_IRI_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Chunk:
    """A group of triples rendered as N-Triples."""

    ntriples: str
    triples: int


def _term(term: Node) -> str:
    if isinstance(term, URIRef):
        found = _IRIS.get(term)
        if found is None:
            if len(_IRIS) > _IRI_CACHE_LIMIT:
                _IRIS.clear()
            found = _IRIS[term] = f"<{term}>"
        return found
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        datatype = term.datatype
        if datatype is not None and str(datatype) != _STRING:
            return f"{text}^^{_term(datatype)}"
        return text
    raise TypeError(f"blank nodes are not used in reformgraph output: {term!r}")


def render_chunk(triples: Iterable[Triple]) -> Chunk:
    """Render a group of triples (duplicates dropped) as N-Triples, grouped by subject."""
    subjects: dict[Node, list[tuple[Node, Node]]] = {}
    seen: set[Triple] = set()
    for triple in triples:
        if triple in seen:
            continue
        seen.add(triple)
        s, p, o = triple
        subjects.setdefault(s, []).append((p, o))
    lines = []
    for subject, pairs in subjects.items():
        head = _term(subject) + " "
        for predicate, obj in pairs:
            lines.append(f"{head}{_term(predicate)} {_term(obj)} .\n")
    return Chunk(ntriples="".join(lines), triples=len(seen))


class NTriplesWriter:
    """The build's N-Triples file, written chunk by chunk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.triples = 0
        self._file: IO[str] = path.open("w", encoding="utf-8", newline="\n")

    def write(self, chunk: Chunk) -> None:
        self._file.write(chunk.ntriples)
        self.triples += chunk.triples

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> NTriplesWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

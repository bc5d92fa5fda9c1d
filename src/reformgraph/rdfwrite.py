"""Streaming writers for the build: N-Triples from rdflib triples, JSON-LD from N-Triples.

The build renders triples chunk by chunk (the shared entities, then one chunk per case)
and appends each chunk to one N-Triples file, so that no step needs the whole graph in
memory; that file is what the store bulk-loads. The Turtle (Oxigraph's writer) and the
JSON-LD (:func:`write_jsonld`, compact, with its ``@context`` inline) are then written
from the N-Triples, keeping their order. Within a chunk, subjects come in the order they
were first generated, each with its predicates and objects in order: the same data gives
the same bytes, whatever the Python hash seed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

__all__ = ["Chunk", "NTriplesWriter", "render_chunk", "write_jsonld"]

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


_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


class _Compactor:
    """IRIs as JSON-LD compact IRIs (``rgd:case/big-fiscal-system``) where a prefix fits."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so that the most specific prefix wins.
        self.prefixes = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        self.cache: dict[str, str] = {}

    def __call__(self, iri: str) -> str:
        found = self.cache.get(iri)
        if found is None:
            found = iri
            for prefix, namespace in self.prefixes:
                if iri.startswith(namespace) and len(iri) > len(namespace):
                    local = iri[len(namespace) :]
                    if not local.startswith("//"):
                        found = f"{prefix}:{local}"
                        break
            if len(self.cache) < _IRI_CACHE_LIMIT:
                self.cache[iri] = found
        return found


def write_jsonld(triples: Iterable[Any], path: Path, prefixes: Mapping[str, str]) -> None:
    """Write pyoxigraph triples (e.g. ``pyoxigraph.parse`` of the build's N-Triples) as one
    compact JSON-LD document with its ``@context`` inline: a node object per run of
    triples with the same subject, in the order they come.

    Blank nodes are refused (reformgraph output has none).
    """
    compact = _Compactor(prefixes)
    string = "http://www.w3.org/2001/XMLSchema#string"

    def value(term: Any) -> dict[str, str]:
        if hasattr(term, "datatype"):
            if term.language:
                return {"@value": term.value, "@language": term.language}
            datatype = term.datatype.value
            if datatype != string:
                return {"@value": term.value, "@type": compact(datatype)}
            return {"@value": term.value}
        if type(term).__name__ != "NamedNode":
            raise TypeError(f"blank nodes are not used in reformgraph output: {term}")
        return {"@id": compact(term.value)}

    with path.open("w", encoding="utf-8", newline="\n") as handle:
        context = json.dumps(dict(sorted(prefixes.items())), ensure_ascii=False, indent=2)
        handle.write('{\n"@context": ' + context + ',\n"@graph": [\n')
        first = True
        subject: str | None = None
        node: dict[str, Any] = {}

        def flush() -> None:
            nonlocal first
            if subject is not None:
                handle.write(("" if first else ",\n") + json.dumps(node, ensure_ascii=False))
                first = False

        for triple in triples:
            if type(triple.subject).__name__ != "NamedNode":
                raise TypeError(f"blank nodes are not used in reformgraph output: {triple}")
            if triple.subject.value != subject:
                flush()
                subject = triple.subject.value
                node = {"@id": compact(subject)}
            predicate = triple.predicate.value
            if predicate == _RDF_TYPE:
                node.setdefault("@type", []).append(compact(triple.object.value))
            else:
                node.setdefault(compact(predicate), []).append(value(triple.object))
        flush()
        handle.write("\n]\n}\n")

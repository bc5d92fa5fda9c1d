"""Streaming writers for the build: N-Triples and JSON-LD from rdflib triples, chunk by
chunk, and JSON-LD from N-Triples.

The build renders triples chunk by chunk (one chunk per case, the sources' introductions,
then the shared entities) and appends each chunk to one N-Triples file, so that no step
needs the whole graph in memory; that file is what the store bulk-loads, and what the
Turtle is written from (Oxigraph's writer), keeping its order. Each chunk is also
rendered as compact JSON-LD node objects (:class:`JsonLdNodes`), appended to a document
with its ``@context`` inline (:class:`JsonLdWriter`): the text :func:`write_jsonld`
writes from the same N-Triples. Within a chunk, subjects come in the order they were
first generated, each with its predicates and objects in order: the same data gives the
same bytes, whatever the Python hash seed.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from io import TextIOWrapper
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

__all__ = [
    "Chunk",
    "JsonLdNodes",
    "JsonLdWriter",
    "NTriplesWriter",
    "render_chunk",
    "write_jsonld",
]

Triple = tuple[Node, Node, Node]

_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_STRING = str(XSD.string)
#: IRIs rendered so far (they recur: predicates, classes, shared entities).
_IRIS: dict[str, str] = {}
#: How many entries a cache of rendered IRIs holds before it starts again: most IRIs are
#: a case's own and never recur, the ones that do (predicates, classes, shared entities)
#: are soon back, and the caches of a worker stay a few MB (at 200,000 entries, the three
#: caches held 240 MB).
_IRI_CACHE_LIMIT = 20_000


def _remember(cache: dict[Any, str], key: Any, value: str) -> str:
    """``cache[key] = value``, the cache emptied first when full; returns ``value``."""
    if len(cache) >= _IRI_CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


@dataclass(frozen=True)
class Chunk:
    """A group of triples rendered as N-Triples, and as JSON-LD node objects if asked
    (see :class:`JsonLdNodes`; empty otherwise)."""

    ntriples: str
    triples: int
    jsonld: str = ""


def _term(term: Node) -> str:
    if isinstance(term, URIRef):
        found = _IRIS.get(term)
        if found is None:
            found = _remember(_IRIS, term, f"<{term}>")
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


def render_chunk(triples: Iterable[Triple], jsonld: JsonLdNodes | None = None) -> Chunk:
    """Render a group of triples (duplicates dropped) as N-Triples, grouped by subject;
    also as JSON-LD node objects, in the same order, with ``jsonld``."""
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
    return Chunk(
        ntriples="".join(lines),
        triples=len(seen),
        jsonld="" if jsonld is None else jsonld.render(subjects),
    )


_Writer = TypeVar("_Writer", bound="_ChunkFile")


class _ChunkFile:
    """One of the build's text files, written chunk by chunk (a context manager that
    closes it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIOWrapper = path.open("w", encoding="utf-8", newline="\n")

    def _copy(self, other: _ChunkFile) -> None:
        """Copy another (closed) file to the end of this one."""
        self._file.flush()
        with other.path.open("rb") as source:
            shutil.copyfileobj(source, self._file.buffer, 2**20)

    def close(self) -> None:
        self._file.close()

    def __enter__(self: _Writer) -> _Writer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class NTriplesWriter(_ChunkFile):
    """The build's N-Triples file, written chunk by chunk."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.triples = 0

    def write(self, chunk: Chunk) -> None:
        self._file.write(chunk.ntriples)
        self.triples += chunk.triples

    def append(self, other: NTriplesWriter) -> None:
        """Copy another (closed) writer's file to the end of this one."""
        self._copy(other)
        self.triples += other.triples


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
            _remember(self.cache, iri, found)
        return found


def _document_head(prefixes: Mapping[str, str]) -> str:
    context = json.dumps(dict(sorted(prefixes.items())), ensure_ascii=False, indent=2)
    return '{\n"@context": ' + context + ',\n"@graph": [\n'


_DOCUMENT_END = "\n]\n}\n"


def _literal_end(
    mark: tuple[str, str], compact: _Compactor, ends: dict[tuple[str, str], str]
) -> str:
    """The end of a literal's value object after its ``"@value"``, for its language
    (``("@", tag)``) or datatype (``("^", IRI)``), remembered in ``ends``."""
    encode = json.encoder.encode_basestring
    if mark[0] == "@":
        end = ', "@language": ' + encode(mark[1]) + "}"
    elif mark[1] == _STRING:
        end = "}"
    else:
        end = ', "@type": ' + encode(compact(mark[1])) + "}"
    ends[mark] = end
    return end


class JsonLdNodes:
    """Groups of rdflib triples as compact JSON-LD node objects: for each subject (in
    the order given) the text :func:`write_jsonld` writes for a run of its triples, the
    node objects separated by ``",\n"``. The caches of encoded IRIs live as long as the
    instance (one per process in a build)."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self._compact = _Compactor(prefixes)
        self._keys: dict[Node, str] = {}
        self._ids: dict[Node, str] = {}
        self._types: dict[Node, str] = {}
        self._ends: dict[tuple[str, str], str] = {}

    def render(self, subjects: Mapping[Node, list[tuple[Node, Node]]]) -> str:
        encode = json.encoder.encode_basestring  # what json.dumps uses without ensure_ascii
        compact = self._compact
        keys, ids, types, ends = self._keys, self._ids, self._types, self._ends
        nodes = []
        for subject, pairs in subjects.items():
            if not isinstance(subject, URIRef):
                raise TypeError(f"blank nodes are not used in reformgraph output: {subject!r}")
            node: dict[str, list[str]] = {}
            for predicate, obj in pairs:
                key = keys.get(predicate)
                if key is None:
                    iri = str(predicate)
                    key = '"@type"' if iri == _RDF_TYPE else encode(compact(iri))
                    _remember(keys, predicate, key)
                if isinstance(obj, URIRef):
                    cache = types if key == '"@type"' else ids
                    value = cache.get(obj)
                    if value is None:
                        value = encode(compact(str(obj)))
                        if cache is ids:
                            value = '{"@id": ' + value + "}"
                        _remember(cache, obj, value)
                elif isinstance(obj, Literal):
                    language = obj.language
                    mark = ("@", language) if language else ("^", str(obj.datatype or _STRING))
                    end = ends.get(mark) or _literal_end(mark, compact, ends)
                    value = '{"@value": ' + encode(str(obj)) + end
                else:
                    raise TypeError(f"blank nodes are not used in reformgraph output: {obj!r}")
                found = node.get(key)
                if found is None:
                    node[key] = [value]
                else:
                    found.append(value)
            parts = ['{"@id": ', encode(compact(str(subject)))]
            for key, values in node.items():
                parts.append(", " + key + ": [" + ", ".join(values) + "]")
            parts.append("}")
            nodes.append("".join(parts))
        return ",\n".join(nodes)


class JsonLdWriter(_ChunkFile):
    """The build's JSON-LD, written chunk by chunk from their node objects (see
    :class:`JsonLdNodes`): a compact document with its ``@context`` inline, or, without
    ``prefixes``, only the node objects (a part to :meth:`append` to a document)."""

    def __init__(self, path: Path, prefixes: Mapping[str, str] | None = None) -> None:
        super().__init__(path)
        self._document = prefixes is not None
        self._empty = True
        if prefixes is not None:
            self._file.write(_document_head(prefixes))

    def write(self, chunk: Chunk) -> None:
        if chunk.jsonld:
            self._file.write(chunk.jsonld if self._empty else ",\n" + chunk.jsonld)
            self._empty = False

    def append(self, other: JsonLdWriter) -> None:
        """Copy the node objects of another (closed) part writer to the end of this one."""
        if other._document:
            raise ValueError(f"{other.path} is a whole document, not a part")
        if other.path.stat().st_size:
            if not self._empty:
                self._file.write(",\n")
            self._copy(other)
            self._empty = False

    def close(self) -> None:
        if self._document and not self._file.closed:
            self._file.write(_DOCUMENT_END)
        super().close()


def write_jsonld(triples: Iterable[Any], path: Path, prefixes: Mapping[str, str]) -> None:
    """Write pyoxigraph triples or quads (e.g. ``pyoxigraph.parse`` of the build's
    N-Triples) as one compact JSON-LD document with its ``@context`` inline: a node object
    per run of triples with the same subject, in the order they come.

    Blank nodes are refused (reformgraph output has none).

    Each node object is the text ``json.dumps(node, ensure_ascii=False)`` gives, put
    together from pieces encoded once: the keys, the ``{"@id": …}`` of the IRIs that
    recur as objects, the language or datatype end of a literal (three times as fast as
    building and encoding a dict per node).
    """
    import pyoxigraph as ox

    compact = _Compactor(prefixes)
    encode = json.encoder.encode_basestring  # what json.dumps uses without ensure_ascii
    named_node, literal = ox.NamedNode, ox.Literal
    keys: dict[str, str] = {_RDF_TYPE: '"@type"'}
    ids: dict[str, str] = {}
    types: dict[str, str] = {}
    ends: dict[tuple[str, str], str] = {}

    def refuse(what: Any) -> TypeError:
        return TypeError(f"blank nodes are not used in reformgraph output: {what}")

    with path.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(_document_head(prefixes))
        write = handle.write
        subject: str | None = None
        head = ""
        node: dict[str, list[str]] = {}
        separator = ""

        def flush() -> None:
            parts = [head]
            for key, values in node.items():
                parts.append(", " + key + ": [" + ", ".join(values) + "]")
            parts.append("}")
            write(separator + "".join(parts))

        for triple in triples:
            s, p, o = triple.subject, triple.predicate, triple.object
            if type(s) is not named_node:
                raise refuse(triple)
            if s.value != subject:
                if subject is not None:
                    flush()
                    separator = ",\n"
                subject = s.value
                head = '{"@id": ' + encode(compact(subject))
                node = {}
            predicate = p.value
            key = keys.get(predicate)
            if key is None:
                key = keys[predicate] = encode(compact(predicate))
            kind = type(o)
            if predicate == _RDF_TYPE and kind is named_node:
                value = types.get(o.value)
                if value is None:
                    value = _remember(types, o.value, encode(compact(o.value)))
            elif kind is named_node:
                value = ids.get(o.value)
                if value is None:
                    value = _remember(ids, o.value, '{"@id": ' + encode(compact(o.value)) + "}")
            elif kind is literal:
                language = o.language
                mark = ("@", language) if language else ("^", o.datatype.value)
                end = ends.get(mark) or _literal_end(mark, compact, ends)
                value = '{"@value": ' + encode(o.value) + end
            else:
                raise refuse(o)
            found = node.get(key)
            if found is None:
                node[key] = [value]
            else:
                found.append(value)
        if subject is not None:
            flush()
        write(_DOCUMENT_END)

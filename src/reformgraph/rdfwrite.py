"""Streaming writers for N-Triples, Turtle and JSON-LD.

The build renders triples chunk by chunk (the shared entities, then one chunk per case)
and appends each chunk to the three files, so that no serialisation needs the whole graph
in memory. Within a chunk, subjects come in the order they were first generated, each
with its predicates and objects in order: the same data gives the same bytes, whatever
the Python hash seed. The JSON-LD carries its ``@context`` inline and uses its prefixes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

from rdflib import RDF, XSD, Literal, URIRef
from rdflib.term import Node

__all__ = ["Chunk", "RdfWriters", "render_chunk"]

Triple = tuple[Node, Node, Node]

_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


@dataclass(frozen=True)
class Chunk:
    """A group of triples rendered in the three formats."""

    ntriples: str
    turtle: str
    jsonld_nodes: list[str]
    triples: int


class _Formatter:
    def __init__(self, prefixes: Mapping[str, str]) -> None:
        # Longest namespace first, so that a more specific prefix wins.
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))

    def compact(self, iri: str) -> str | None:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace):
                local = iri[len(namespace) :]
                if _LOCAL.match(local):
                    return f"{prefix}:{local}"
        return None

    def json_compact(self, iri: str) -> str:
        """JSON-LD compact IRIs may hold slashes: rgd:case/big-fiscal-system."""
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    @staticmethod
    def nt(term: Node) -> str:
        if isinstance(term, URIRef):
            return f"<{term}>"
        if isinstance(term, Literal):
            text = f'"{_escape(str(term))}"'
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype is not None and term.datatype != XSD.string:
                return f"{text}^^<{term.datatype}>"
            return text
        raise TypeError(f"blank nodes are not used in reformgraph output: {term!r}")

    def ttl(self, term: Node) -> str:
        if isinstance(term, URIRef):
            return self.compact(str(term)) or f"<{term}>"
        if isinstance(term, Literal):
            text = f'"{_escape(str(term))}"'
            if term.language:
                return f"{text}@{term.language}"
            if term.datatype is not None and term.datatype != XSD.string:
                return f"{text}^^{self.compact(str(term.datatype)) or f'<{term.datatype}>'}"
            return text
        raise TypeError(f"blank nodes are not used in reformgraph output: {term!r}")

    def json(self, term: Node) -> object:
        if isinstance(term, URIRef):
            return {"@id": self.json_compact(str(term))}
        if isinstance(term, Literal):
            if term.language:
                return {"@value": str(term), "@language": term.language}
            if term.datatype is not None and term.datatype != XSD.string:
                return {"@value": str(term), "@type": self.json_compact(str(term.datatype))}
            return {"@value": str(term)}
        raise TypeError(f"blank nodes are not used in reformgraph output: {term!r}")


def render_chunk(triples: Iterable[Triple], prefixes: Mapping[str, str]) -> Chunk:
    """Render a group of triples (duplicates dropped) in the three formats."""
    formatter = _Formatter(prefixes)
    subjects: dict[Node, dict[Node, list[Node]]] = {}
    seen: set[Triple] = set()
    for triple in triples:
        if triple in seen:
            continue
        seen.add(triple)
        s, p, o = triple
        subjects.setdefault(s, {}).setdefault(p, []).append(o)
    nt_lines = []
    ttl_blocks = []
    json_nodes = []
    for subject, predicates in subjects.items():
        node: dict[str, object] = {"@id": formatter.json_compact(str(subject))}
        parts = []
        for predicate, objects in predicates.items():
            for obj in objects:
                nt_lines.append(
                    f"{formatter.nt(subject)} {formatter.nt(predicate)} {formatter.nt(obj)} ."
                )
            verb = "a" if predicate == RDF.type else formatter.ttl(predicate)
            parts.append(f"{verb} {', '.join(formatter.ttl(o) for o in objects)}")
            if predicate == RDF.type:
                node["@type"] = [formatter.json_compact(str(o)) for o in objects]
            else:
                node[formatter.json_compact(str(predicate))] = [formatter.json(o) for o in objects]
        ttl_blocks.append(f"{formatter.ttl(subject)} " + " ;\n    ".join(parts) + " .\n")
        json_nodes.append(json.dumps(node, ensure_ascii=False, sort_keys=True))
    return Chunk(
        ntriples="".join(line + "\n" for line in nt_lines),
        turtle="\n".join(ttl_blocks) + ("\n" if ttl_blocks else ""),
        jsonld_nodes=json_nodes,
        triples=len(seen),
    )


class RdfWriters:
    """The three output files, written chunk by chunk."""

    def __init__(self, directory: Path, stem: str, prefixes: Mapping[str, str]) -> None:
        self.paths = {
            "nt": directory / f"{stem}.nt",
            "ttl": directory / f"{stem}.ttl",
            "jsonld": directory / f"{stem}.jsonld",
        }
        self.prefixes = dict(prefixes)
        self.triples = 0
        self._first_node = True
        self._files: dict[str, IO[str]] = {
            key: path.open("w", encoding="utf-8", newline="\n") for key, path in self.paths.items()
        }
        for prefix, namespace in sorted(self.prefixes.items()):
            self._files["ttl"].write(f"@prefix {prefix}: <{namespace}> .\n")
        self._files["ttl"].write("\n")
        context = json.dumps(dict(sorted(self.prefixes.items())), ensure_ascii=False, indent=2)
        self._files["jsonld"].write('{\n"@context": ' + context + ',\n"@graph": [\n')

    def write(self, chunk: Chunk) -> None:
        self._files["nt"].write(chunk.ntriples)
        self._files["ttl"].write(chunk.turtle)
        for node in chunk.jsonld_nodes:
            self._files["jsonld"].write(("" if self._first_node else ",\n") + node)
            self._first_node = False
        self.triples += chunk.triples

    def close(self) -> None:
        self._files["jsonld"].write("\n]\n}\n")
        for handle in self._files.values():
            handle.close()

    def __enter__(self) -> RdfWriters:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            for handle in self._files.values():
                handle.close()

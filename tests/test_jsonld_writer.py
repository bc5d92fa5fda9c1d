"""The streaming JSON-LD writer: each node object is what ``json.dumps`` makes of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from reformgraph.produce import CONTEXT
from reformgraph.rdfwrite import write_jsonld

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _reference(triples: list[ox.Triple], prefixes: dict[str, str]) -> str:
    """The document as plain dicts encoded by json.dumps (what the writer must equal)."""

    def compact(iri: str) -> str:
        for prefix, namespace in sorted(prefixes.items(), key=lambda i: (-len(i[1]), i[0])):
            if iri.startswith(namespace) and len(iri) > len(namespace):
                if not iri[len(namespace) :].startswith("//"):
                    return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    nodes: list[dict[str, Any]] = []
    for t in triples:
        if not nodes or nodes[-1]["@id"] != compact(t.subject.value):
            nodes.append({"@id": compact(t.subject.value)})
        node = nodes[-1]
        o = t.object
        if t.predicate.value == RDF_TYPE:
            node.setdefault("@type", []).append(compact(o.value))
            continue
        if isinstance(o, ox.NamedNode):
            value = {"@id": compact(o.value)}
        elif o.language:
            value = {"@value": o.value, "@language": o.language}
        elif o.datatype.value != XSD + "string":
            value = {"@value": o.value, "@type": compact(o.datatype.value)}
        else:
            value = {"@value": o.value}
        node.setdefault(compact(t.predicate.value), []).append(value)
    context = json.dumps(dict(sorted(prefixes.items())), ensure_ascii=False, indent=2)
    body = ",\n".join(json.dumps(node, ensure_ascii=False) for node in nodes)
    return '{\n"@context": ' + context + ',\n"@graph": [\n' + body + "\n]\n}\n"


def _iri(text: str) -> ox.NamedNode:
    return ox.NamedNode(text)


RG = "https://w3id.org/reformgraph/ontology/"
DATA = "https://w3id.org/reformgraph/id/"

TRICKY = [
    ox.Triple(_iri(DATA + "case/a"), _iri(RDF_TYPE), _iri(RG + "ReformCase")),
    ox.Triple(
        _iri(DATA + "case/a"),
        _iri(RG + "title"),
        ox.Literal("推进“大财政”\n体系\t建设", language="zh"),
    ),
    ox.Triple(
        _iri(DATA + "case/a"), _iri(RG + "title"), ox.Literal('a "quoted" \\ title', language="en")
    ),
    ox.Triple(_iri(DATA + "case/a"), _iri(RDF_TYPE), _iri("http://example.org/Other")),
    ox.Triple(
        _iri(DATA + "case/a"),
        _iri(RG + "position"),
        ox.Literal("1", datatype=_iri(XSD + "positiveInteger")),
    ),
    ox.Triple(_iri(DATA + "case/a"), _iri(RG + "note"), ox.Literal("plain \u0001 text")),
    ox.Triple(_iri(DATA + "case/a"), _iri(RG + "link"), _iri("http://example.org//x")),
    ox.Triple(_iri(DATA + "case/b"), _iri(RG + "partOf"), _iri(DATA + "case/a")),
    ox.Triple(_iri(DATA + "case/a"), _iri(RG + "again"), _iri(DATA + "case/b")),
]


def test_the_writer_gives_what_json_dumps_gives_for_escapes_languages_and_datatypes(
    tmp_path: Path,
) -> None:
    out = tmp_path / "g.jsonld"
    write_jsonld(TRICKY, out, CONTEXT)
    assert out.read_text(encoding="utf-8") == _reference(TRICKY, CONTEXT)
    # a subject that comes back after another is a node object of its own
    assert len(json.loads(out.read_text(encoding="utf-8"))["@graph"]) == 3


def test_the_writer_gives_what_json_dumps_gives_on_the_real_build(
    build_dir: Path, tmp_path: Path
) -> None:
    triples = list(ox.parse(path=str(build_dir / "reformgraph.nt"), format=ox.RdfFormat.N_TRIPLES))
    out = tmp_path / "g.jsonld"
    write_jsonld(triples, out, CONTEXT)
    assert out.read_text(encoding="utf-8") == _reference(triples, CONTEXT)
    assert out.read_bytes() == (build_dir / "reformgraph.jsonld").read_bytes()


def test_an_empty_graph_is_an_empty_document(tmp_path: Path) -> None:
    out = tmp_path / "g.jsonld"
    write_jsonld([], out, CONTEXT)
    assert json.loads(out.read_text(encoding="utf-8"))["@graph"] == []


@pytest.mark.parametrize(
    "triple",
    [
        ox.Triple(ox.BlankNode("b"), _iri(RG + "p"), _iri(RG + "o")),
        ox.Triple(_iri(RG + "s"), _iri(RG + "p"), ox.BlankNode("b")),
    ],
    ids=["subject", "object"],
)
def test_the_writer_refuses_blank_nodes(tmp_path: Path, triple: ox.Triple) -> None:
    with pytest.raises(TypeError, match="blank nodes are not used"):
        write_jsonld([triple], tmp_path / "g.jsonld", CONTEXT)

"""The streaming JSON-LD writer: each node object is what ``json.dumps`` makes of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from reformgraph.produce import CONTEXT
from reformgraph.rdfwrite import JsonLdNodes, JsonLdWriter, render_chunk, write_jsonld

from .helpers import assert_isomorphic

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


def _rdflib(triple: ox.Triple) -> tuple[Any, Any, Any]:
    """The same triple as rdflib terms (what the build renders from)."""
    from rdflib import Literal, URIRef

    def term(t: Any) -> Any:
        if isinstance(t, ox.NamedNode):
            return URIRef(t.value)
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=URIRef(t.datatype.value))

    return term(triple.subject), term(triple.predicate), term(triple.object)


def test_chunks_rendered_with_their_node_objects_give_the_document_of_their_ntriples(
    tmp_path: Path,
) -> None:
    # The build renders JSON-LD chunk by chunk beside the N-Triples; the document must be
    # what write_jsonld writes from those N-Triples (here: escapes, languages, an explicit
    # xsd:string, a datatype, two types, IRIs as objects, one subject in two chunks).
    chunks = [TRICKY[:3], TRICKY[3:7], TRICKY[7:]]
    nodes = JsonLdNodes(CONTEXT)
    document = tmp_path / "g.jsonld"
    ntriples = ""
    with JsonLdWriter(document, CONTEXT) as writer:
        for group in chunks:
            chunk = render_chunk([_rdflib(t) for t in group], nodes)
            writer.write(chunk)
            ntriples += chunk.ntriples
    parsed = list(ox.parse(input=ntriples.encode(), format=ox.RdfFormat.N_TRIPLES))
    reference = tmp_path / "reference.jsonld"
    write_jsonld(parsed, reference, CONTEXT)
    # a subject that continues in the next chunk is a node object of its own there
    # (write_jsonld merges the run); JSON-LD merges node objects with the same @id
    split = _reference(TRICKY[:3], CONTEXT), _reference(TRICKY[3:], CONTEXT)
    assert json.loads(document.read_text(encoding="utf-8"))["@graph"] == [
        *json.loads(split[0])["@graph"],
        *json.loads(split[1])["@graph"],
    ]
    assert set(ox.parse(path=str(document), format=ox.RdfFormat.JSON_LD)) == set(
        ox.parse(path=str(reference), format=ox.RdfFormat.JSON_LD)
    )


def test_chunks_that_do_not_split_a_subject_give_write_jsonld_byte_for_byte(
    tmp_path: Path,
) -> None:
    chunks = [TRICKY[:7], TRICKY[7:8], [], TRICKY[8:]]
    nodes = JsonLdNodes(CONTEXT)
    document = tmp_path / "g.jsonld"
    with JsonLdWriter(document, CONTEXT) as writer:
        for group in chunks:
            writer.write(render_chunk([_rdflib(t) for t in group], nodes))
    assert document.read_text(encoding="utf-8") == _reference(TRICKY, CONTEXT)


def test_a_part_appended_to_a_document_follows_its_node_objects(tmp_path: Path) -> None:
    nodes = JsonLdNodes(CONTEXT)
    with JsonLdWriter(tmp_path / "part.jsonld") as part:
        part.write(render_chunk([_rdflib(t) for t in TRICKY[7:]], nodes))
    with JsonLdWriter(tmp_path / "empty.jsonld") as empty:
        empty.write(render_chunk([], nodes))
    document = tmp_path / "g.jsonld"
    with JsonLdWriter(document, CONTEXT) as writer:
        writer.write(render_chunk([_rdflib(t) for t in TRICKY[:7]], nodes))
        writer.append(empty)
        writer.append(part)
        with pytest.raises(ValueError, match="not a part"):
            writer.append(writer)
    assert document.read_text(encoding="utf-8") == _reference(TRICKY, CONTEXT)


def test_an_empty_document_of_chunks_is_what_write_jsonld_writes_for_no_triples(
    tmp_path: Path,
) -> None:
    with JsonLdWriter(tmp_path / "g.jsonld", CONTEXT):
        pass
    write_jsonld([], tmp_path / "reference.jsonld", CONTEXT)
    assert (tmp_path / "g.jsonld").read_bytes() == (tmp_path / "reference.jsonld").read_bytes()


def test_a_triple_given_twice_is_rendered_once() -> None:
    # The triples of a group may repeat: the N-Triples, the count and the JSON-LD hold each once.
    once = [_rdflib(t) for t in TRICKY]
    twice = render_chunk(once + once[::-1], JsonLdNodes(CONTEXT))
    assert twice == render_chunk(once, JsonLdNodes(CONTEXT))
    assert twice.triples == len(set(once)) == twice.ntriples.count("\n")


@pytest.mark.parametrize("where", ["subject", "object"])
def test_node_objects_refuse_blank_nodes(where: str) -> None:
    from rdflib import BNode, URIRef

    s, p, o = URIRef(RG + "s"), URIRef(RG + "p"), URIRef(RG + "o")
    triple = (BNode(), p, o) if where == "subject" else (s, p, BNode())
    with pytest.raises(TypeError, match="blank nodes are not used"):
        render_chunk([triple], JsonLdNodes(CONTEXT))


def test_caches_that_start_again_when_full_render_the_same_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reformgraph import rdfwrite

    groups = [[_rdflib(t) for t in TRICKY]] * 3
    plenty = [render_chunk(group, JsonLdNodes(CONTEXT)) for group in groups]
    monkeypatch.setattr(rdfwrite, "_IRI_CACHE_LIMIT", 1)
    nodes = JsonLdNodes(CONTEXT)
    assert [render_chunk(group, nodes) for group in groups] == plenty
    assert '"@type"' in plenty[0].jsonld


@pytest.mark.parametrize(
    "text",
    ["line\rend", "line\r\nend", "two\nlines", 'a "quote"', "back\\slash", "tab\tand \u0001"],
    ids=["cr", "crlf", "lf", "quote", "backslash", "tab-and-control"],
)
def test_the_ntriples_of_a_literal_read_back_as_the_same_literal(text: str) -> None:
    # A label given as "…\r…" in YAML was written with a raw carriage return, which
    # ends an N-Triples line: the build failed in the parser.
    from rdflib import Literal, URIRef

    subject, predicate = URIRef(DATA + "case/a"), URIRef(RG + "note")
    chunk = render_chunk(
        [(subject, predicate, Literal(text)), (subject, predicate, Literal(text, lang="zh"))]
    )
    assert chunk.ntriples.count("\n") == 2
    read = list(ox.parse(chunk.ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    assert [(t.object.value, t.object.language) for t in read] == [(text, None), (text, "zh")]


class _Offline:
    """A pyld document loader that fetches nothing: it records each address asked for and
    refuses it (the build's JSON-LD holds its context inline)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def __call__(self, url: str, options: Any = None) -> Any:
        self.asked.append(url)
        raise OSError(f"no document is fetched in the tests: {url}")


def _pyld_graph(document: Any, loader: _Offline) -> Any:
    """The RDF graph pyld, an independent JSON-LD 1.1 processor, reads from a document."""
    from pyld import jsonld
    from rdflib import Graph

    nquads = jsonld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=nquads, format="nt")


def test_pyld_reads_the_built_json_ld_as_the_built_ntriples(build_dir: Path) -> None:
    from pyld import jsonld
    from rdflib import Graph

    document = json.loads((build_dir / "reformgraph.jsonld").read_text(encoding="utf-8"))
    expected = Graph().parse(build_dir / "reformgraph.nt", format="nt")
    loader = _Offline()
    assert_isomorphic(expected, _pyld_graph(document, loader), "pyld, the document:")
    # its expanded form, and the document compacted again with its own context, too
    expanded = jsonld.expand(document, {"documentLoader": loader})
    assert_isomorphic(expected, _pyld_graph(expanded, loader), "pyld, expanded:")
    compacted = jsonld.compact(document, document["@context"], {"documentLoader": loader})
    assert_isomorphic(expected, _pyld_graph(compacted, loader), "pyld, compacted again:")
    assert loader.asked == []


def test_pyld_reads_the_writers_escapes_languages_datatypes_and_iris(tmp_path: Path) -> None:
    from rdflib import Graph

    out = tmp_path / "g.jsonld"
    write_jsonld(TRICKY, out, CONTEXT)
    # Oxigraph writes an xsd:string literal without its datatype, as RDF 1.1 reads it
    ntriples = ox.serialize(TRICKY, format=ox.RdfFormat.N_TRIPLES)
    expected = Graph().parse(data=ntriples, format="nt")
    loader = _Offline()
    document = json.loads(out.read_text(encoding="utf-8"))
    assert_isomorphic(expected, _pyld_graph(document, loader), "pyld:")
    assert loader.asked == []


def test_the_pyld_loader_of_the_tests_fetches_no_remote_context() -> None:
    from pyld.jsonld import JsonLdError

    loader = _Offline()
    remote = {"@context": "https://example.org/context.jsonld", "@id": "ex:a", "ex:p": "v"}
    with pytest.raises(JsonLdError):
        _pyld_graph(remote, loader)
    assert loader.asked == ["https://example.org/context.jsonld"]

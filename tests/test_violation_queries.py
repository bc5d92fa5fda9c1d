"""Each ``*-violation`` query finds what it looks for.

The real data gives no rows (``test_queries``), which a query whose filter is always
false gives too. Here each query is run on the real graph with the one kind of fault it
exists to find put in, on both engines (rdflib's and Oxigraph's), and must name it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from reformgraph.queries import (
    QueryResult,
    run_query,
    run_query_on_store,
    saved_queries,
    saved_query,
    term_text,
)

RG = Namespace("https://w3id.org/reformgraph/ontology/")
OA = Namespace("http://www.w3.org/ns/oa#")


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace)
    copy += graph
    return copy


def _first(graph: Graph, sparql: str) -> tuple[Any, ...]:
    rows = sorted(graph.query(sparql, initNs={"rg": RG, "oa": OA, "skos": SKOS}), key=str)
    assert rows, f"the real data has nothing to break for: {sparql}"
    return tuple(rows[0])


def _on_oxigraph(graph: Graph, name: str) -> QueryResult:
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES)
    return run_query_on_store(store, saved_query(name), union=False)


def _rows(result: QueryResult) -> set[tuple[str, ...]]:
    return {tuple(term_text(value) for value in row) for row in result.rows}


def _expect(graph: Graph, name: str, row: tuple[str, ...]) -> None:
    """Both engines give exactly this one row (the columns given, from the first)."""
    for engine, result in (
        ("rdflib", run_query(graph, saved_query(name))),
        ("oxigraph", _on_oxigraph(graph, name)),
    ):
        found = {found[: len(row)] for found in _rows(result)}
        assert found == {row}, f"{name} on {engine}: {found}"


# --------------------------------------------------------------------------- the faults


def _case_without_office(graph: Graph) -> tuple[str, ...]:
    (case,) = _first(graph, "SELECT ?case WHERE { ?case a rg:ReformCase }")
    graph.remove((case, RG.responsibleOffice, None))
    return (str(case),)


def _case_without_evidence(graph: Graph) -> tuple[str, ...]:
    (case,) = _first(graph, "SELECT ?case WHERE { ?case a rg:ReformCase }")
    graph.remove((case, RG.evidence, None))
    return (str(case),)


def _entity_named_twice(graph: Graph) -> tuple[str, ...]:
    container, entity = _first(
        graph, "SELECT ?c ?e WHERE { ?c rg:hasMention ?m . ?m rg:mentionOf ?e }"
    )
    again = URIRef(f"{container}/mention/again")
    graph.add((container, RG.hasMention, again))
    graph.add((again, RG.mentionOf, entity))
    return (str(container), str(entity), "2")


def _mention_not_quoted(graph: Graph) -> tuple[str, ...]:
    statement, quote = _first(
        graph, "SELECT ?s ?q WHERE { ?s rg:mention/oa:hasSelector ?q . ?q oa:exact ?x }"
    )
    graph.set((quote, OA.exact, Literal("不在原文中的数字")))
    return (str(statement),)


def _mention_before_evidence(graph: Graph) -> tuple[str, ...]:
    statement, position, start = _first(
        graph,
        "SELECT ?s ?p ?es WHERE { ?s rg:mention/oa:hasSelector ?p . ?p oa:start ?ms ."
        " ?s rg:evidence/oa:hasSelector/oa:start ?es }",
    )
    graph.set((position, OA.start, Literal(int(start) - 1)))
    return (str(statement),)


def _mention_past_evidence(graph: Graph) -> tuple[str, ...]:
    statement, position, end = _first(
        graph,
        "SELECT ?s ?p ?ee WHERE { ?s rg:mention/oa:hasSelector ?p . ?p oa:end ?me ."
        " ?s rg:evidence/oa:hasSelector/oa:end ?ee }",
    )
    graph.set((position, OA.end, Literal(int(end) + 1)))
    return (str(statement),)


def _statement_before_its_case(graph: Graph) -> tuple[str, ...]:
    part, case, position, start = _first(
        graph,
        "SELECT ?part ?case ?pp ?cs WHERE { ?part rg:partOfCase ?case ;"
        " rg:evidence/oa:hasSelector ?pp . ?pp oa:start ?ps ."
        " ?case rg:evidence/oa:hasSelector/oa:start ?cs }",
    )
    graph.set((position, OA.start, Literal(int(start) - 1)))
    return (str(part), str(case))


def _statement_past_its_case(graph: Graph) -> tuple[str, ...]:
    part, case, position, end = _first(
        graph,
        "SELECT ?part ?case ?pp ?ce WHERE { ?part rg:partOfCase ?case ;"
        " rg:evidence/oa:hasSelector ?pp . ?pp oa:end ?pe ."
        " ?case rg:evidence/oa:hasSelector/oa:end ?ce }",
    )
    graph.set((position, OA.end, Literal(int(end) + 1)))
    return (str(part), str(case))


def _entity_without_labels(graph: Graph) -> tuple[str, ...]:
    (entity,) = _first(
        graph,
        "SELECT ?e WHERE { ?e a rg:Platform ; skos:prefLabel ?l }",
    )
    graph.remove((entity, SKOS.prefLabel, None))
    return (str(entity),)


def _entity_without_english_label(graph: Graph) -> tuple[str, ...]:
    (entity,) = _first(
        graph,
        "SELECT ?e WHERE { ?e a rg:ReformOffice ; skos:prefLabel ?l }",
    )
    for label in list(graph.objects(entity, SKOS.prefLabel)):
        if isinstance(label, Literal) and label.language == "en":
            graph.remove((entity, SKOS.prefLabel, label))
    return (str(entity),)


FAULTS: list[tuple[str, Callable[[Graph], tuple[str, ...]]]] = [
    ("incomplete-case-violation", _case_without_office),
    ("incomplete-case-violation", _case_without_evidence),
    ("entity-named-twice-violation", _entity_named_twice),
    ("mention-outside-evidence-violation", _mention_not_quoted),
    ("mention-outside-evidence-violation", _mention_before_evidence),
    ("mention-outside-evidence-violation", _mention_past_evidence),
    ("statement-outside-case-violation", _statement_before_its_case),
    ("statement-outside-case-violation", _statement_past_its_case),
    ("unlabelled-entity-violation", _entity_without_labels),
    ("unlabelled-entity-violation", _entity_without_english_label),
]


def test_every_saved_violation_query_has_a_fault_here() -> None:
    violations = {name for name, query in saved_queries().items() if query.is_violation_check}
    assert {name for name, _ in FAULTS} == violations


@pytest.mark.parametrize(
    ("name", "fault"), FAULTS, ids=[fault.__name__.lstrip("_") for _, fault in FAULTS]
)
def test_violation_query_names_the_fault_put_into_the_real_data(
    query_graph: Graph, name: str, fault: Callable[[Graph], tuple[str, ...]]
) -> None:
    graph = _copy(query_graph)
    row = fault(graph)
    _expect(graph, name, row)

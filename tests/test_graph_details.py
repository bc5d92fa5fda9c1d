"""Details of the published graph that no shape and no query checks: what a mutation
audit could change in ``build.py`` with every other test still passing (a reversed
org:subOrganizationOf, qualifiers mapped to the wrong term, English labels that drop
"more than", a source's character count in bytes …)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import RDF, RDFS, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG

from reformgraph.models import DATA, RG

from .paths import DATA as DATA_DIR

OA = Namespace("http://www.w3.org/ns/oa#")

QUALIFIER_TERMS = {
    "exact": RG.exact,
    "more-than": RG.moreThan,
    "at-least": RG.atLeast,
    "about": RG.about,
    "at-most": RG.atMost,
    "less-than": RG.lessThan,
}


def _figures(node: Any) -> Iterator[dict[str, Any]]:
    """Every figure record under a case record (its own, its measures', nested)."""
    if isinstance(node, dict):
        yield from node.get("figures", [])
        for key, value in node.items():
            if key != "figures":
                yield from _figures(value)
    elif isinstance(node, list):
        for item in node:
            yield from _figures(item)


def _case_figures() -> list[tuple[str, str, str]]:
    found = []
    for path in sorted((DATA_DIR / "cases").glob("*.yaml")):
        case = yaml.safe_load(path.read_text(encoding="utf-8"))
        for figure in _figures(case):
            found.append((case["id"], figure["id"], figure.get("qualifier", "exact")))
    return found


CASE_FIGURES = _case_figures()


def _english(graph: Graph, node: URIRef) -> str:
    (label,) = (
        str(o)
        for o in graph.objects(node, RDFS.label)
        if isinstance(o, Literal) and o.language == "en"
    )
    return label


def test_the_data_has_figures_of_every_qualifier_the_curated_cases_use() -> None:
    assert len(CASE_FIGURES) > 40
    assert {q for *_, q in CASE_FIGURES} >= {"exact", "more-than"}


@pytest.mark.parametrize(
    ("case", "figure", "qualifier"), CASE_FIGURES, ids=[f"{c}/{f}" for c, f, _ in CASE_FIGURES]
)
def test_each_figure_is_published_with_the_qualifier_its_file_gives(
    query_graph: Graph, case: str, figure: str, qualifier: str
) -> None:
    node = DATA[f"case/{case}/figure/{figure}"]
    assert (node, RDF.type, RG.Figure) in query_graph
    assert set(query_graph.objects(node, RG.qualifier)) == {QUALIFIER_TERMS[qualifier]}


@pytest.mark.parametrize(
    ("figure", "english"),
    [
        # 10余万家: "more than", no unit code after a count, thousands grouped
        (
            "big-fiscal-system/figure/enterprises-served",
            "number of enterprises served: more than 100,000",
        ),
        # 整改率75.43%: the percent sign without a space
        ("grassroots-supervision/figure/rectification-rate", "rectification rate: 75.43%"),
        # 超1400亿元
        ("big-fiscal-system/figure/supply-chain-transactions", ": more than 140,000,000,000 CNY"),
    ],
)
def test_a_figure_s_english_label_says_its_qualifier_number_and_unit_as_english_writes_them(
    query_graph: Graph, figure: str, english: str
) -> None:
    assert _english(query_graph, DATA[f"case/{figure}"]).endswith(english)


def test_a_reform_office_is_a_sub_organisation_of_its_party_committee_not_the_reverse(
    query_graph: Graph,
) -> None:
    office = DATA["org/hubei-provincial-reform-office"]
    committee = DATA["org/hubei-provincial-party-committee"]
    assert (office, ORG.subOrganizationOf, committee) in query_graph
    assert (committee, ORG.subOrganizationOf, office) not in query_graph


def test_a_pilot_assigned_by_someone_is_a_pilot_assignment_and_keeps_its_batch_in_both_languages(
    query_graph: Graph,
) -> None:
    case = "case/intelligent-connected-vehicles-pilot/pilot/"
    assert (DATA[case + "icv-pilot-task"], RDF.type, RG.PilotAssignment) in query_graph
    batch = DATA[case + "dual-intelligence-first-batch"]
    assert (batch, RDF.type, RG.PilotAssignment) not in query_graph  # assigned by no one
    assert set(query_graph.objects(batch, RG.batch)) == {
        Literal("首批", lang="zh"),
        Literal("first batch", lang="en"),
    }


def test_a_recognition_by_no_named_body_is_recognised_by_a_higher_level(query_graph: Graph) -> None:
    node = DATA["case/huahu-airport-opening-up/recognition/national-smart-port-typical-case"]
    assert _english(query_graph, node).startswith(
        "typical case (national level), recognised by a higher level, through "
    )


def test_the_source_counts_its_characters_and_cites_its_url(query_graph: Graph) -> None:
    source = DATA["source/hubei-2025-reform-cases"]
    text = (DATA_DIR / "sources" / "hubei-2025-reform-cases.txt").read_text(encoding="utf-8")
    assert set(query_graph.objects(source, RG.characterCount)) == {
        Literal(len(text), datatype=URIRef("http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))
    }
    metadata = yaml.safe_load(
        (DATA_DIR / "sources" / "hubei-2025-reform-cases.yaml").read_text(encoding="utf-8")
    )
    (citation,) = query_graph.objects(source, DCTERMS.bibliographicCitation)
    assert str(citation).endswith(" " + metadata["url"])
    assert Path(metadata["file"]).name == "hubei-2025-reform-cases.txt"


def test_a_concept_with_a_broader_concept_is_not_a_top_concept_of_its_scheme(graph: Graph) -> None:
    narrower = set(graph.subjects(SKOS.broader))
    assert len(narrower) >= 4  # fiscal-taxation-reform, investment-reform, soe-reform …
    for node in sorted(narrower):
        assert not set(graph.objects(node, SKOS.topConceptOf)), node
    tops = set(graph.subjects(SKOS.topConceptOf))
    assert tops, "the concepts without a broader one are the top concepts"


def _units_aligned_to_qudt() -> dict[str, str]:
    found = {}
    for path in sorted((DATA_DIR / "entities").glob("*.yaml")):
        for entity in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if entity.get("type") == "unit" and entity.get("qudt"):
                found[entity["id"]] = entity["qudt"]
    return found


def test_a_unit_is_published_as_the_exact_match_of_its_qudt_unit(graph: Graph) -> None:
    units = _units_aligned_to_qudt()
    assert len(units) >= 7
    for unit, qudt in units.items():
        node = DATA[f"unit/{unit}"]
        assert set(graph.objects(node, SKOS.exactMatch)) == {URIRef(qudt)}, unit
        assert not set(graph.objects(node, SKOS.closeMatch)), unit


def test_a_place_named_by_its_full_name_is_quoted_with_every_word_and_its_offsets(
    graph: Graph,
) -> None:
    # Case 8's first measure names Hubei once, as 湖北省 (修改湖北省立法条例): the mention
    # quotes the whole name, not its first two characters 湖北.
    text = (DATA_DIR / "sources" / "hubei-2025-reform-cases.txt").read_text(encoding="utf-8")
    node = DATA["case/deputies-two-links/measure/1/mention/hubei"]
    assert set(graph.objects(URIRef(f"{node}/quote"), OA.exact)) == {Literal("湖北省")}
    (start,) = (int(o) for o in graph.objects(URIRef(f"{node}/position"), OA.start))
    (end,) = (int(o) for o in graph.objects(URIRef(f"{node}/position"), OA.end))
    assert (start, end) == (4372, 4375)
    assert text[start:end] == "湖北省"


def test_case_8s_place_is_evidenced_where_it_names_the_province_itself(graph: Graph) -> None:
    # Not 湖北 inside the name of 湖北省立法条例, another thing: 推动全省建成运行.
    text = (DATA_DIR / "sources" / "hubei-2025-reform-cases.txt").read_text(encoding="utf-8")
    node = DATA["case/deputies-two-links/place/hubei"]
    assert set(graph.objects(URIRef(f"{node}/quote"), OA.exact)) == {Literal("全省")}
    (start,) = (int(o) for o in graph.objects(URIRef(f"{node}/position"), OA.start))
    assert text[start - 2 : start + 6] == "推动全省建成运行"

"""Cross-case links, suggestions for curators, and the network exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from typer.testing import CliRunner

from reformgraph import analysis, pipeline
from reformgraph.cli import app
from reformgraph.models import DATA, RG

from .helpers import no_parsing

PLATFORM = DATA["platform/performance-evaluation-platform"]
THREE_ASSETS = DATA["concept/state-three-assets"]
OFFICE = DATA["org/econ-eco-reform-group-office"]
CASE_1, CASE_4, CASE_6 = (
    DATA["case/big-fiscal-system"],
    DATA["case/investment-performance-evaluation"],
    DATA["case/soe-functional-reform"],
)


def _pairs(links: list[analysis.CaseLink], entity: URIRef) -> set[frozenset[URIRef]]:
    return {frozenset((link.case_a, link.case_b)) for link in links if link.entity == entity}


def test_links_list_the_shared_platform_the_three_assets_and_the_office(query_graph: Graph) -> None:
    links = analysis.case_links(query_graph)
    assert _pairs(links, PLATFORM) == {frozenset((CASE_1, CASE_4))}
    assert _pairs(links, THREE_ASSETS) == {frozenset((CASE_1, CASE_6))}
    assert _pairs(links, OFFICE) == {
        frozenset((CASE_1, CASE_4)),
        frozenset((CASE_1, CASE_6)),
        frozenset((CASE_4, CASE_6)),
    }


def test_each_link_quotes_the_words_of_both_cases(query_graph: Graph) -> None:
    link = next(link for link in analysis.case_links(query_graph) if link.entity == PLATFORM)
    assert link.kind == "platform"
    assert "投资项目绩效综合评价平台" in link.quote_a
    assert "绩效平台" in link.quote_b
    texts = [str(t) for t in query_graph.objects(None, RG.fullText)]
    assert any(link.quote_a in t for t in texts)
    assert any(link.quote_b in t for t in texts)


def test_every_entity_linked_to_two_cases_is_listed(query_graph: Graph) -> None:
    from reformgraph.queries import run_query, saved_query

    shared = {str(row[0]) for row in run_query(query_graph, saved_query("shared-entities")).rows}
    listed = {str(link.entity) for link in analysis.case_links(query_graph)}
    assert listed == shared


def _links_by_definition(graph: Graph) -> list[tuple[URIRef, URIRef, URIRef]]:
    """(case a, case b, entity) for every pair of cases in source order (source, position
    in it, IRI), then every entity both name, by kind and IRI: what case_links lists,
    computed the plain way."""
    named: dict[URIRef, set[URIRef]] = {}
    for case, entity, _, _ in analysis.case_entity_links(graph):
        named.setdefault(case, set()).add(entity)
    cases = sorted(
        named,
        key=lambda c: (
            str(graph.value(c, DCTERMS.source)),
            int(str(graph.value(c, RG.position))),
            c,
        ),
    )
    out = []
    for i, a in enumerate(cases):
        for b in cases[i + 1 :]:
            shared = named[a] & named[b]
            for entity in sorted(shared, key=lambda e: (analysis.entity_kind(graph, e) or "", e)):
                out.append((a, b, entity))
    return out


@pytest.mark.parametrize("opened", ["parsed", "store"])
@pytest.mark.parametrize("data", ["real", "synthetic"])
def test_links_are_every_pair_of_cases_that_share_an_entity_in_source_order(
    request: pytest.FixtureRequest, data: str, opened: str
) -> None:
    from reformgraph import pipeline

    build = request.getfixturevalue("build_dir" if data == "real" else "synthetic_build")
    graph = (
        pipeline.load_graph(build / "reformgraph.nt")
        if opened == "parsed"
        else pipeline.open_graph(build)
    )
    links = analysis.case_links(graph)
    expected = _links_by_definition(graph)
    found = [(link.case_a, link.case_b, link.entity) for link in links]
    assert found == expected
    pairs = {(a, b) for a, b, _ in found}
    assert len(pairs) < len(found), "no pair of cases sharing two entities to check"
    if data == "real":  # 25 of the 28 pairs share something
        assert len(pairs) < 8 * 7 // 2, "no pair left out to check"
    for link in links:
        assert link.title_a == analysis._label(graph, link.case_a, "zh")
        assert link.title_b_en == analysis._label(graph, link.case_b, "en")
        assert link.label_en == analysis._label(graph, link.entity, "en")
        assert link.kind == (analysis.entity_kind(graph, link.entity) or "")


def _as_lists(network: nx.Graph) -> tuple[list[object], list[object]]:
    edges = (
        network.edges(data=True, keys=True) if network.is_multigraph() else network.edges(data=True)
    )
    return list(network.nodes(data=True)), list(edges)


def test_analysis_over_the_store_equals_the_parsed_graph_when_positions_repeat(
    synthetic_build: Path,
) -> None:
    """Every synthetic case is case 1 of its own report: only the source tells their order
    (an rdflib Graph and the store list the cases in different orders)."""
    from reformgraph import pipeline

    parsed = pipeline.load_graph(synthetic_build / "reformgraph.nt")
    store = pipeline.open_graph(synthetic_build)
    cases = list(parsed.subjects(RDF.type, RG.ReformCase))
    assert len({parsed.value(c, RG.position) for c in cases}) < len(cases), "no repeated position"
    assert analysis.case_links(store) == analysis.case_links(parsed)
    assert _as_lists(analysis.case_projection(store)) == _as_lists(analysis.case_projection(parsed))
    assert _as_lists(analysis.to_networkx(store)) == _as_lists(analysis.to_networkx(parsed))
    assert analysis.centrality(store) == analysis.centrality(parsed)


def test_links_command_prints_them_in_every_format(build_dir: Path) -> None:
    graph = str(build_dir / "reformgraph.nt")
    table = CliRunner().invoke(app, ["links", "--graph", graph])
    assert table.exit_code == 0, table.output
    assert "投资项目绩效综合评价平台" in table.output
    as_json = json.loads(CliRunner().invoke(app, ["links", "--graph", graph, "-f", "json"]).output)
    assert as_json["head"]["vars"][:6] == [
        "caseA",
        "titleA",
        "titleAEn",
        "caseB",
        "titleB",
        "titleBEn",
    ]
    fiscal = next(
        b for b in as_json["results"]["bindings"] if b["titleA"]["value"] == "推进大财政体系建设"
    )
    assert fiscal["titleAEn"] == {
        "type": "literal",
        "value": 'Advancing the building of a "big fiscal" system',
        "xml:lang": "en",
    }
    entities = {b["entity"]["value"] for b in as_json["results"]["bindings"]}
    assert {str(PLATFORM), str(THREE_ASSETS), str(OFFICE)} <= entities
    csv = CliRunner().invoke(app, ["links", "--graph", graph, "-f", "csv"])
    assert csv.output.startswith("\ufeffcaseA,titleA,titleAEn,caseB,titleB,titleBEn,")


def test_links_command_reads_the_store_and_prints_what_the_parsed_graph_gives(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import pipeline

    parsed = CliRunner().invoke(
        app, ["links", "--graph", str(build_dir / "reformgraph.nt"), "-f", "csv"]
    )
    assert parsed.exit_code == 0, parsed.output

    monkeypatch.setattr(pipeline, "load_graph", no_parsing)
    from_store = CliRunner().invoke(app, ["links", "--out", str(build_dir), "-f", "csv"])
    assert from_store.exit_code == 0, from_store.output
    assert from_store.stdout_bytes == parsed.stdout_bytes


def test_links_command_with_max_cases_leaves_out_the_office_of_three_cases(
    build_dir: Path,
) -> None:
    def entities(*options: str) -> set[str]:
        result = CliRunner().invoke(app, ["links", "--out", str(build_dir), "-f", "json", *options])
        assert result.exit_code == 0, result.output
        bindings = json.loads(result.output)["results"]["bindings"]
        return {b["entity"]["value"] for b in bindings}

    assert {str(OFFICE), str(PLATFORM)} <= entities()
    assert str(OFFICE) not in entities("--max-cases", "2")
    assert str(PLATFORM) in entities("--max-cases", "2")
    assert str(OFFICE) in entities("--max-cases", "3")


def test_links_are_written_as_made_with_the_bytes_of_the_whole_result(
    real_or_synthetic_build: Path,
) -> None:
    """CSV and JSON of the links, written row by row as they are made, equal those of the
    whole list; ``--limit`` gives the first rows."""
    import io

    from reformgraph import pipeline
    from reformgraph.queries import write_csv, write_json

    build = real_or_synthetic_build
    graph = pipeline.open_graph(build)
    links = analysis.case_links(graph)
    assert len(links) > 10
    made = analysis.iter_case_links(graph)
    assert next(made) == links[0]
    for fmt, write in (("csv", write_csv), ("json", write_json)):
        whole = io.BytesIO()
        write(analysis.links_result(links), whole)
        streamed = io.BytesIO()
        write(analysis.links_stream(analysis.iter_case_links(graph)), streamed)
        assert streamed.getvalue() == whole.getvalue()
        command = CliRunner().invoke(app, ["links", "--out", str(build), "-f", fmt])
        assert command.exit_code == 0, command.output
        assert command.stdout_bytes == whole.getvalue()
        first = io.BytesIO()
        write(analysis.links_result(links[:5]), first)
        limited = CliRunner().invoke(app, ["links", "--out", str(build), "-f", fmt, "-n", "5"])
        assert limited.stdout_bytes == first.getvalue()


def test_links_report_the_cases_read_and_give_the_same_links(
    query_graph: Graph, build_dir: Path, slow_clock: None
) -> None:
    heard: list[tuple[str, int, int]] = []
    links = analysis.iter_case_links(query_graph, progress=lambda *step: heard.append(step))
    assert list(links) == analysis.case_links(query_graph)
    assert heard == [("quotes", n, 8) for n in range(9)]

    result = CliRunner().invoke(app, ["links", "--out", str(build_dir), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert "reading the cases for quotes: 8/8 in " in result.stderr


@pytest.mark.parametrize("command", ["links", "network"])
def test_max_cases_below_two_is_a_usage_error(build_dir: Path, command: str) -> None:
    result = CliRunner().invoke(app, [command, "--out", str(build_dir), "--max-cases", "1"])
    assert result.exit_code == 2
    assert "--max-cases" in result.output
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- suggestions


def _merged(graph: Graph) -> list[tuple[URIRef, str]]:
    """Every (entity, alternative Chinese spelling) the curated data merges."""
    out = []
    for entity in sorted({s for s in graph.subjects(SKOS.altLabel, None) if isinstance(s, URIRef)}):
        for alt in sorted(graph.objects(entity, SKOS.altLabel), key=str):
            if isinstance(alt, Literal) and alt.language == "zh":
                out.append((entity, str(alt)))
    return out


def _split(graph: Graph, entity: URIRef, spelling: str) -> tuple[Graph, URIRef]:
    """The graph as a curator who did not know the two spellings name one thing would
    have made it: a second entity for ``spelling``, named where the text uses it."""
    split = Graph()
    split += graph
    new = URIRef(f"{entity}-as-{len(spelling)}")
    pref = next(str(o) for o in graph.objects(entity, SKOS.prefLabel) if o.language == "zh")  # type: ignore[attr-defined]
    for kind in graph.objects(entity, RDF.type):
        split.add((new, RDF.type, kind))
    for alt in list(split.objects(entity, SKOS.altLabel)):
        split.remove((entity, SKOS.altLabel, alt))
    split.add((new, SKOS.prefLabel, Literal(spelling, lang="zh")))
    split.add((new, SKOS.prefLabel, Literal(f"{spelling} (split)", lang="en")))
    for subject, predicate, _ in list(split.triples((None, None, entity))):
        words = analysis.evidence_span(split, subject)[0]  # the words that link them
        if spelling in words and pref not in words:
            split.remove((subject, predicate, entity))
            split.add((subject, predicate, new))
    return split, new


@pytest.fixture(scope="module")
def merged(query_graph: Graph) -> list[tuple[URIRef, str]]:
    found = _merged(query_graph)
    assert len(found) >= 10
    return found


def test_a_split_spelling_gets_the_original_in_its_top_three_suggestions(
    query_graph: Graph, merged: list[tuple[URIRef, str]]
) -> None:
    failures = []
    for entity, spelling in merged:
        split, new = _split(query_graph, entity, spelling)
        suggestions = analysis.suggest_links(split, minimum=-10, involving=[new])
        ranks = [i for i, s in enumerate(suggestions) if {s.a, s.b} == {entity, new}]
        if not ranks or ranks[0] >= 3:
            top = [(s.label_a, s.label_b, s.score) for s in suggestions[:3]]
            failures.append(
                f"{spelling} ({entity}): rank {ranks[0] if ranks else None}; top: {top}"
            )
    assert not failures, "\n".join(failures)


def test_look_alikes_recorded_as_distinct_score_below_every_split_spelling(
    query_graph: Graph, merged: list[tuple[URIRef, str]]
) -> None:
    split_scores = []
    for entity, spelling in merged:
        split, new = _split(query_graph, entity, spelling)
        score = next(
            s.score
            for s in analysis.suggest_links(split, minimum=-10, involving=[new])
            if {s.a, s.b} == {entity, new}
        )
        split_scores.append(score)
    distinct = {frozenset((s, o)) for s, o in query_graph.subject_objects(OWL.differentFrom)}
    assert distinct, "the data records distinct look-alikes (国家发改委 / 省发改委)"
    scored = [
        s
        for s in analysis.suggest_links(query_graph, minimum=-10)
        if frozenset((s.a, s.b)) in distinct
    ]
    # A pair of incompatible kinds (a concept and a platform) is not even suggested.
    assert len(scored) >= len(distinct) - 1
    assert max(s.score for s in scored) < min(split_scores)


def test_a_body_named_with_its_province_is_of_the_same_level_as_the_bare_name(
    query_graph: Graph,
) -> None:
    # 湖北省经济体制… is a provincial body, as 省经济体制… is: not "different levels (- / 省)".
    office = URIRef(f"{DATA}org/econ-eco-reform-group-office")
    graph = Graph()
    graph += query_graph
    named = URIRef(f"{DATA}org/econ-eco-office-with-province")
    for kind in query_graph.objects(office, RDF.type):
        graph.add((named, RDF.type, kind))
    graph.add(
        (
            named,
            SKOS.prefLabel,
            Literal("湖北省经济体制和生态文明体制改革专项小组办公室", lang="zh"),
        )
    )
    graph.add((named, SKOS.prefLabel, Literal("the office, with its province", lang="en")))
    [pair] = [
        s
        for s in analysis.suggest_links(graph, minimum=-10, involving=[named])
        if {s.a, s.b} == {office, named}
    ]
    assert not any(reason.startswith("different levels") for reason in pair.reasons), pair
    assert analysis.suggest_links(graph, minimum=-10, involving=[named])[0] == pair


def _pair_with_one_elsewhere(
    query_graph: Graph, like: URIRef, labels: list[Literal], *, same_report: bool
) -> analysis.Suggestion:
    """The suggestion pairing ``like`` with an entity of its classes labelled ``labels``
    that a case of another report (or, ``same_report``, of the Hubei one) names."""
    source = URIRef(f"{DATA}source/hubei-2025-reform-cases" if same_report else f"{DATA}source/x")
    graph = Graph()
    graph += query_graph
    case, other = URIRef(f"{DATA}case/elsewhere"), URIRef(f"{DATA}org/named-elsewhere")
    graph.add((case, RDF.type, RG.ReformCase))
    graph.add((case, DCTERMS.source, source))
    graph.add((case, RG.involves, other))
    for kind in query_graph.objects(like, RDF.type):
        graph.add((other, RDF.type, kind))
    for label in labels:
        graph.add((other, SKOS.prefLabel, label))
    [pair] = [
        s
        for s in analysis.suggest_links(graph, minimum=-10, involving=[other])
        if {s.a, s.b} == {like, other}
    ]
    return pair


@pytest.mark.parametrize("same_report", [False, True], ids=["other-report", "same-report"])
def test_a_province_relative_name_in_another_report_is_likely_another_provinces_body(
    query_graph: Graph, same_report: bool
) -> None:
    # 省发改委 of a Hunan report is not the Hubei commission its Hubei report calls so.
    labels = [Literal("省发改委", lang="zh"), Literal("the provincial DRC", lang="en")]
    pair = _pair_with_one_elsewhere(
        query_graph, URIRef(f"{DATA}org/hubei-drc"), labels, same_report=same_report
    )
    relative = [r for r in pair.reasons if "relative to their reports' places" in r]
    assert bool(relative) is not same_report, pair.reasons


@pytest.mark.parametrize(
    ("place", "expected"),
    [("湖南", "Hunan"), ("湖北", "Hubei")],
    ids=["another-province", "the-same-province"],
)
def test_a_relative_name_and_a_name_with_another_province_in_another_report_are_pushed_down(
    query_graph: Graph, place: str, expected: str
) -> None:
    # 省委 of the Hubei report (Hubei Provincial Party Committee) and 湖南省委 of a Hunan
    # report scored 0.955, the top suggestion; 湖北省委 of another Hubei report may be it.
    committee = URIRef(f"{DATA}org/hubei-provincial-party-committee")
    graph = Graph()
    graph += query_graph
    case, other = URIRef(f"{DATA}case/elsewhere"), URIRef(f"{DATA}org/committee-elsewhere")
    province = URIRef(f"{DATA}place/{expected.lower()}")
    graph.add((case, RDF.type, RG.ReformCase))
    graph.add((case, DCTERMS.source, URIRef(f"{DATA}source/x")))
    graph.add((case, RG.involves, other))
    for kind in query_graph.objects(committee, RDF.type):
        graph.add((other, RDF.type, kind))
    graph.add((other, SKOS.prefLabel, Literal(f"{place}省委", lang="zh")))
    graph.add((other, SKOS.prefLabel, Literal(f"{expected} Provincial Party Committee", lang="en")))
    graph.add((province, RDF.type, RG.AdministrativeArea))
    graph.add((province, SKOS.prefLabel, Literal(f"{place}省", lang="zh")))
    graph.add((province, SKOS.prefLabel, Literal(expected, lang="en")))
    [pair] = [
        s
        for s in analysis.suggest_links(graph, minimum=-10, involving=[other])
        if {s.a, s.b} == {committee, other}
    ]
    assert "省委 is named relative to its report's place, in another report" in pair.reasons
    places = [r for r in pair.reasons if r.startswith("different places")]
    if expected == "Hunan":
        names = " / ".join("Hubei" if e == committee else "Hunan" for e in (pair.a, pair.b))
        assert places == [f"different places in their English names ({names})"], pair
        assert pair.score < 0.35, pair  # below the default minimum: not suggested
    else:
        assert places == [], pair
        assert pair.score >= 0.5, pair


@pytest.mark.parametrize("same_report", [False, True], ids=["other-report", "same-report"])
def test_groups_of_bodies_named_alike_in_different_reports_are_pushed_down(
    query_graph: Graph, same_report: bool
) -> None:
    # A Hunan report's 改革专项小组办公室 scored 0.75 against Hubei's: each report's own.
    groups = URIRef(f"{DATA}org/special-group-offices")
    labels = [x for x in query_graph.objects(groups, SKOS.prefLabel) if isinstance(x, Literal)]
    pair = _pair_with_one_elsewhere(query_graph, groups, labels, same_report=same_report)
    reason = "groups of bodies named by what they are, in different reports"
    assert (reason in pair.reasons) is not same_report, pair.reasons


def test_suggestions_never_pair_an_entity_with_itself_and_give_reasons(query_graph: Graph) -> None:
    suggestions = analysis.suggest_links(query_graph)
    assert suggestions
    assert all(s.a != s.b and s.reasons for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_suggestions_name_both_entities_in_chinese_and_english(query_graph: Graph) -> None:
    suggestions = analysis.suggest_links(query_graph)
    for s in suggestions:
        assert (s.label_a, s.label_a_en) == analysis.labels_zh_en(query_graph, s.a)
        assert (s.label_b, s.label_b_en) == analysis.labels_zh_en(query_graph, s.b)
    assert all(s.label_a_en and s.label_b_en for s in suggestions)
    head = analysis.suggestions_result(suggestions[:1])
    assert head.variables[:4] == ["score", "a", "labelA", "labelAEn"]
    assert head.rows[0][3] == Literal(suggestions[0].label_a_en, lang="en")


def test_suggestions_involving_entities_are_the_whole_list_filtered(
    real_or_synthetic_build: Path,
) -> None:
    from reformgraph import pipeline

    build = real_or_synthetic_build
    graph = pipeline.open_graph(build)
    everything = analysis.suggest_links(graph, minimum=-10)
    named = sorted({e for s in everything for e in (s.a, s.b)}, key=str)
    assert len(named) > 30
    for wanted in [*([e] for e in named), named[1:4]]:
        expected = [s for s in everything if s.a in wanted or s.b in wanted]
        found = analysis.suggest_links(graph, minimum=-10, involving=wanted)
        assert found == expected, wanted
        assert found
    # An entity the graph does not name is a typo, not an entity without look-alikes.
    with pytest.raises(ValueError, match="not a named entity of the graph: https://example"):
        analysis.suggest_links(graph, involving=[URIRef("https://example.org/x")])


@pytest.mark.parametrize(
    "given",
    [
        "https://w3id.org/reformgraph/id/platform/performance-evaluation-platform",
        "<https://w3id.org/reformgraph/id/platform/performance-evaluation-platform>",
        "rgd:platform/performance-evaluation-platform",
        "platform/performance-evaluation-platform",
        "performance-evaluation-platform",  # as links --entity takes it
    ],
    ids=["iri-text", "iri-in-brackets", "rgd", "path", "bare-id"],
)
def test_an_entity_given_as_text_is_the_entity_its_iri_names(
    query_graph: Graph, given: str
) -> None:
    """to_dataframe gives IRIs as text; suggest_links said such an IRI was "not a named
    entity of the graph" and to_networkx kept no node of it, silently."""
    entity = DATA["platform/performance-evaluation-platform"]
    expected = analysis.suggest_links(query_graph, involving=[entity], limit=3)
    assert expected
    assert analysis.suggest_links(query_graph, involving=[given], limit=3) == expected
    network = analysis.to_networkx(query_graph, nodes=[given])
    assert list(network.nodes) == [str(entity)]
    assert analysis.labels_zh_en(query_graph, given) == analysis.labels_zh_en(query_graph, entity)
    assert analysis.entity_kind(query_graph, given) == "platform"


@pytest.mark.parametrize(
    "options", [[], ["--entity", "relevant-departments"]], ids=["all", "entity"]
)
def test_suggest_command_reads_the_store_and_prints_what_the_parsed_graph_gives(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    from reformgraph import pipeline

    graph = str(build_dir / "reformgraph.nt")
    parsed = CliRunner().invoke(
        app, ["links", "--suggest", "--graph", graph, "-f", "csv", *options]
    )
    assert parsed.exit_code == 0, parsed.output
    assert len(parsed.stdout.splitlines()) > 2

    monkeypatch.setattr(pipeline, "load_graph", no_parsing)
    stored = CliRunner().invoke(
        app, ["links", "--suggest", "--out", str(build_dir), "-f", "csv", *options]
    )
    assert stored.exit_code == 0, stored.output
    assert stored.stdout_bytes == parsed.stdout_bytes


#: Bare ids of the real data that are a case's and an entity's.
SHARED_IDS = {
    "big-fiscal-system": "concept/big-fiscal-system",
    "soe-functional-reform": "concept/soe-functional-reform",
    "grassroots-supervision": "domain/grassroots-supervision",
}


@pytest.mark.parametrize("bare", sorted(SHARED_IDS))
@pytest.mark.parametrize(
    "function",
    [
        analysis.labels_zh_en,
        analysis.alternative_labels,
        analysis.entity_kind,
        analysis.evidence_span,
        lambda g, n: analysis.to_networkx(g, nodes=[n]),
        lambda g, n: analysis.network_kinds(g, [n]),
    ],
    ids=["labels", "alternative", "kind", "evidence", "to_networkx", "network_kinds"],
)
def test_a_bare_id_of_a_case_and_an_entity_is_refused_naming_both(
    query_graph: Graph, bare: str, function: Any
) -> None:
    """big-fiscal-system is case 1's id and a concept's: labels_zh_en gave ('', '') and
    to_networkx no node, silently, while links --entity took the concept."""
    with pytest.raises(analysis.AmbiguousIdError) as raised:
        function(query_graph, bare)
    message = str(raised.value)
    assert f"case/{bare}" in message
    assert SHARED_IDS[bare] in message
    assert f"rgd:case/{bare}" in message  # how to choose
    assert raised.value.candidates == (DATA[f"case/{bare}"], DATA[SHARED_IDS[bare]])
    assert isinstance(raised.value, ValueError)


@pytest.mark.parametrize("bare", sorted(SHARED_IDS))
def test_a_case_or_entity_given_by_its_path_is_that_one(query_graph: Graph, bare: str) -> None:
    case = analysis.labels_zh_en(query_graph, f"case/{bare}")
    entity = analysis.labels_zh_en(query_graph, f"rgd:{SHARED_IDS[bare]}")
    assert all(case)
    assert all(entity)
    assert case != entity
    assert case == analysis.labels_zh_en(query_graph, DATA[f"case/{bare}"])
    assert list(analysis.to_networkx(query_graph, nodes=[SHARED_IDS[bare]])) == [
        str(DATA[SHARED_IDS[bare]])
    ]


@pytest.mark.parametrize("bare", sorted(SHARED_IDS))
def test_a_bare_id_names_the_one_node_of_the_kind_a_function_takes(
    query_graph: Graph, bare: str
) -> None:
    """Where only entities can be meant (suggestions pair entities, never cases) or only
    cases (a case's view), a bare id is looked for among those alone, by the same
    resolver: the entity for suggest_links and links --entity, the case for a case view."""
    from reformgraph import viz

    entity = DATA[SHARED_IDS[bare]]
    assert analysis.suggest_links(query_graph, involving=[bare], limit=3) == (
        analysis.suggest_links(query_graph, involving=[entity], limit=3)
    )
    view = viz.select_view(query_graph, case=bare)
    assert str(DATA[f"case/{bare}"]) in view
    assert view.nodes[str(DATA[f"case/{bare}"])]["kind"] == "case"


def test_suggest_command_takes_the_entity_of_an_id_a_case_has_too(build_dir: Path) -> None:
    graph = str(build_dir / "reformgraph.nt")
    given = [
        CliRunner().invoke(
            app, ["links", "--suggest", "--entity", entity, "--graph", graph, "-f", "csv"]
        )
        for entity in ("big-fiscal-system", "concept/big-fiscal-system")
    ]
    assert [result.exit_code for result in given] == [0, 0], given[0].output
    assert given[0].stdout == given[1].stdout
    assert "/concept/big-fiscal-system," in given[0].stdout


def test_suggest_command_refuses_an_id_two_entities_have_naming_both(
    build_dir: Path, tmp_path: Path
) -> None:
    """Two entities of one id: the command compared the pairs of both, without a word."""
    graph = tmp_path / "two.nt"
    platform = DATA["platform/big-fiscal-system"]
    extra = Graph()
    extra.add((platform, RDF.type, RG.Platform))
    extra.add((platform, SKOS.prefLabel, Literal("大财政平台", lang="zh")))
    extra.add((platform, SKOS.prefLabel, Literal("big fiscal platform", lang="en")))
    graph.write_text(
        (build_dir / "reformgraph.nt").read_text(encoding="utf-8") + extra.serialize(format="nt"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["links", "--suggest", "--entity", "big-fiscal-system", "--graph", str(graph)]
    )
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert "concept/big-fiscal-system and platform/big-fiscal-system" in message
    assert "rgd:concept/big-fiscal-system" in message
    assert result.stdout == ""
    chosen = CliRunner().invoke(
        app,
        ["links", "--suggest", "--entity", "platform/big-fiscal-system", "--graph", str(graph)],
    )
    assert chosen.exit_code == 0, chosen.output


def test_suggest_command_filters_by_entity(build_dir: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "links",
            "--suggest",
            "--entity",
            "relevant-departments",
            "--graph",
            str(build_dir / "reformgraph.nt"),
            "-f",
            "csv",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = result.output.lstrip("\ufeff").splitlines()[1:]
    assert rows
    assert all("/org/relevant-departments," in row for row in rows)
    assert any("相关主管部门" in row for row in rows)


def test_only_entities_of_one_case_are_named_side_by_side(synthetic_build: Path) -> None:
    """Quote offsets count in each report: two entities named at the same offsets of two
    reports are not named in one sentence (twelve synthetic cases from several reports
    had eight such pairs)."""
    from reformgraph import pipeline

    graph = pipeline.open_graph(synthetic_build)
    suggestions = analysis.suggest_links(graph, minimum=-10)
    side_by_side = [s for s in suggestions if any("side by side" in r for r in s.reasons)]
    assert side_by_side
    wrong = [s for s in side_by_side if not any(r.startswith("co-occur") for r in s.reasons)]
    assert not wrong, wrong[:3]


@pytest.mark.parametrize("one", [False, True], ids=["all", "one-entity"])
def test_suggestions_report_each_step_and_give_the_same_rows(query_graph: Graph, one: bool) -> None:
    involving = [DATA["org/relevant-departments"]] if one else None
    heard: list[tuple[str, int, int]] = []
    reported = analysis.suggest_links(
        query_graph, involving=involving, progress=lambda *step: heard.append(step)
    )
    assert reported
    assert reported == analysis.suggest_links(query_graph, involving=involving)
    steps = [step for step, _, _ in heard]
    assert heard[:2] == [("entities", 0, 1), ("entities", 1, 1)]
    # Each later step in one run, its counts rising to its total. All pairs are scored as
    # they are sorted, after reading where they are named; the pairs with one entity
    # first, to know whose text to read.
    order = list(dict.fromkeys(steps))
    assert order == (
        ["entities", "labels", "pairs", "named"]
        if one
        else ["entities", "labels", "named", "pairs"]
    )
    for name in order:
        counts = [(done, total) for step, done, total in heard if step == name]
        assert [done for done, _ in counts] == sorted(done for done, _ in counts)
        assert counts[-1][0] == counts[-1][1] > 0
        assert len({total for _, total in counts}) == 1


def test_suggest_command_names_each_long_step_when_not_a_terminal(
    build_dir: Path, slow_clock: None
) -> None:
    result = CliRunner().invoke(app, ["links", "--suggest", "--out", str(build_dir), "-f", "csv"])
    assert result.exit_code == 0, result.output
    for line in (
        "reading the named entities: 1/1 in 2.0 s",
        "comparing their labels: ",
        "scoring the look-alike pairs: ",
        "reading where the cases name them: ",
    ):
        assert line in result.stderr


def test_suggest_command_prints_the_best_rows_up_to_the_limit(build_dir: Path) -> None:
    def rows(*options: str) -> list[str]:
        result = CliRunner().invoke(
            app, ["links", "--suggest", "--out", str(build_dir), "-f", "csv", *options]
        )
        assert result.exit_code == 0, result.output
        return result.output.lstrip("\ufeff").splitlines()

    everything = rows()
    assert len(everything) > 12
    assert rows("--limit", "10") == everything[:11]  # the header and the best ten


def test_the_suggestions_stream_makes_the_rows_of_the_result_as_they_are_read(
    query_graph: Graph,
) -> None:
    import io
    import itertools

    from reformgraph.engine import term_parts
    from reformgraph.queries import write_csv, write_json

    suggestions = analysis.suggest_links(query_graph)
    result = analysis.suggestions_result(suggestions)
    stream = analysis.suggestions_stream(suggestions)
    assert stream.variables == result.variables
    assert [tuple(map(term_parts, row)) for row in stream.rows] == [
        tuple(map(term_parts, row)) for row in result.rows
    ]
    for write in (write_csv, write_json):
        streamed, whole = io.BytesIO(), io.BytesIO()
        write(analysis.suggestions_stream(suggestions), streamed)
        write(result, whole)
        assert streamed.getvalue() == whole.getvalue()
    endless = analysis.suggestions_stream(itertools.repeat(suggestions[0]))
    assert tuple(map(term_parts, next(endless.rows))) == tuple(map(term_parts, result.rows[0]))


def _reference_lcs(a: str, b: str) -> int:
    """The longest common subsequence by dynamic programming, character by character."""
    previous = [0] * (len(b) + 1)
    for ch in a:
        current = [0]
        for j, other in enumerate(b):
            current.append(previous[j] + 1 if ch == other else max(previous[j + 1], current[j]))
        previous = current
    return previous[-1]


def _reference_substring(a: str, b: str) -> int:
    """The longest common substring, trying every pair of starts."""
    best = 0
    for i in range(len(a)):
        for j in range(len(b)):
            k = 0
            while i + k < len(a) and j + k < len(b) and a[i + k] == b[j + k]:
                k += 1
            best = max(best, k)
    return best


def test_label_overlaps_equal_a_character_by_character_reference(query_graph: Graph) -> None:
    import random

    labels = sorted(
        {
            analysis._clean(str(label))
            for predicate in (SKOS.prefLabel, SKOS.altLabel)
            for label in query_graph.objects(None, predicate)
            if isinstance(label, Literal) and label.language == "zh"
        }
    )
    assert len(labels) > 200
    draw = random.Random(0)
    pairs = [tuple(draw.sample(labels, 2)) for _ in range(3000)]
    # Few characters, so that runs and repeats are common; empty strings too.
    pairs += [
        tuple("".join(draw.choices("改革平台改", k=draw.randint(0, 12))) for _ in range(2))
        for _ in range(3000)
    ]
    wrong = [
        (a, b)
        for a, b in pairs
        if analysis._lcs(a, b) != _reference_lcs(a, b)
        or analysis._longest_common_substring(a, b) != _reference_substring(a, b)
    ]
    assert not wrong, wrong[:10]


def test_the_pairs_compared_hold_every_pair_whose_labels_overlap_enough(
    real_or_synthetic_build: Path,
) -> None:
    """The pairs found by comparing labels in C++ hold every pair of compatible kinds that
    the Python scoring puts at 0.3 or more, and few others."""
    import itertools

    from reformgraph import pipeline

    build = real_or_synthetic_build
    graph = pipeline.open_graph(build)
    entities, labels, kinds = analysis._named_entities(graph)
    # Read in passes over classes and properties, as entity by entity.
    assert entities == sorted(
        (
            e
            for e in set(graph.subjects(SKOS.prefLabel))
            if isinstance(e, URIRef) and analysis.entity_kind(graph, e) not in (None, "unit")
        ),
        key=str,
    )
    assert labels == [analysis._labels_zh(graph, e) for e in entities]
    assert kinds == [analysis.entity_kind(graph, e) for e in entities]
    cleaned = [[analysis._clean(x) for x in ls] for ls in labels]

    def compatible(i: int, j: int) -> bool:
        return kinds[i] == kinds[j] or frozenset((kinds[i], kinds[j])) in analysis._COMPATIBLE

    overlapping = {
        (i, j)
        for i, j in itertools.combinations(range(len(entities)), 2)
        if compatible(i, j) and analysis._label_similarity(labels[i], labels[j]).score >= 0.3
    }
    assert len(overlapping) > 100
    found = [(i, j) for i, j in analysis._similar_label_pairs(cleaned, kinds, None).tolist()]
    assert found == sorted(set(found))
    assert overlapping <= set(found)
    assert all(i < j and compatible(i, j) for i, j in found)
    assert len(found) < 1.2 * len(overlapping)
    for wanted in ({0}, {5, 17, len(entities) - 1}):
        involved = [
            (i, j) for i, j in analysis._similar_label_pairs(cleaned, kinds, wanted).tolist()
        ]
        assert involved == [(i, j) for i, j in found if i in wanted or j in wanted]


def test_suggestions_in_small_blocks_and_up_to_a_limit_are_the_whole_list(
    query_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = analysis.suggest_links(query_graph, minimum=-10)
    for limit in (0, 1, 7, len(everything), len(everything) + 5):
        assert analysis.suggest_links(query_graph, minimum=-10, limit=limit) == everything[:limit]
    # Blocks of a few rows: an entity's labels are never split across two blocks.
    monkeypatch.setattr(analysis, "_BLOCK_CELLS", 50)
    assert analysis.suggest_links(query_graph, minimum=-10) == everything
    office = everything[0].a
    assert analysis.suggest_links(query_graph, minimum=-10, involving=[office]) == [
        s for s in everything if office in (s.a, s.b)
    ]


# --------------------------------------------------------------------------- networks


def test_the_typed_network_has_labelled_nodes_and_named_edges(query_graph: Graph) -> None:
    network = analysis.to_networkx(query_graph)
    case = network.nodes[str(CASE_1)]
    assert case["kind"] == "case"
    assert case["label_zh"] == "推进大财政体系建设"
    assert network.nodes[str(PLATFORM)]["type"] == "Platform"
    assert network.has_edge(str(CASE_1), str(OFFICE), key="responsibleOffice")
    edge = network.edges[str(CASE_1), str(OFFICE), "responsibleOffice"]
    labels = {
        label.language: str(label)
        for label in query_graph.objects(RG.responsibleOffice, RDFS.label)
        if isinstance(label, Literal)
    }
    assert labels.keys() == {"zh", "en"}
    assert (edge["label_zh"], edge["label_en"]) == (labels["zh"], labels["en"])
    office = network.nodes[str(OFFICE)]
    names = {
        label.language: str(label)
        for label in query_graph.objects(OFFICE, SKOS.prefLabel)
        if isinstance(label, Literal)
    }
    assert (office["label_zh"], office["label_en"]) == (names["zh"], names["en"])


def test_the_case_projection_weights_what_cases_share(query_graph: Graph) -> None:
    projection = analysis.case_projection(query_graph)
    assert projection.number_of_nodes() == 8
    strongest = max(projection.edges(data=True), key=lambda e: e[2]["weight"])
    assert {strongest[0], strongest[1]} <= {str(CASE_1), str(CASE_4), str(CASE_6)}


#: Han characters: text with one is (at least partly) Chinese.
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def test_the_case_projection_names_what_cases_share_in_english_too(
    query_graph: Graph, tmp_path: Path
) -> None:
    """An edge named what its cases share in Chinese only (``entities``): an English
    reader of the case–case network, in Python or in Gephi, had no English for it."""
    projection = analysis.case_projection(query_graph)
    edge = projection.edges[str(CASE_1), str(CASE_4)]
    assert "投资项目绩效综合评价平台" in edge["entities"].split("、")
    assert "comprehensive performance evaluation platform for investment projects" in (
        edge["entities_en"].split("; ")
    )
    named = {case: set(entities) for case, entities in analysis._case_entities(query_graph).items()}
    for a, b, data in projection.edges(data=True):
        zh, en = data["entities"].split("、"), data["entities_en"].split("; ")
        assert len(zh) == len(en) == data["shared"], (a, b)
        assert not HAN.search(data["entities_en"]), (a, b)
        # the same entities, in the same order
        shared = named[URIRef(a)] & named[URIRef(b)]
        assert set(zip(zh, en, strict=True)) == {
            analysis.labels_zh_en(query_graph, e) for e in shared
        }
    # The exports carry it: Gephi and Cytoscape show it as a column.
    pipeline.write_networks(query_graph, tmp_path)
    for name in ("reformgraph-cases.graphml", "reformgraph-cases.gexf"):
        read = nx.read_graphml if name.endswith(".graphml") else nx.read_gexf
        exported = read(tmp_path / name)
        assert exported.edges[str(CASE_1), str(CASE_4)]["entities_en"] == edge["entities_en"]


def test_centrality_ranks_the_entities_that_bridge_most_cases_first(query_graph: Graph) -> None:
    rows = analysis.centrality(query_graph)
    assert rows[0].cases >= rows[-1].cases
    office = next(r for r in rows if r.node == str(OFFICE))
    assert office.cases == 3
    assert office.betweenness > 0


def _bipartite_by_definition(graph: Graph) -> nx.Graph:
    """The case–entity network in networkx, from case_entity_links."""
    network = nx.Graph()
    for case, entity, _, _ in analysis.case_entity_links(graph):
        network.add_edge(str(case), str(entity))
    return network


@pytest.fixture
def parsed_graph(real_or_synthetic_build: Path) -> Graph:
    """The real build's graph, then the synthetic one's, parsed."""
    from reformgraph import pipeline

    return pipeline.load_graph(real_or_synthetic_build / "reformgraph.nt")


def test_centrality_gives_networkx_degree_and_betweenness(parsed_graph: Graph) -> None:
    graph = parsed_graph
    network = _bipartite_by_definition(graph)
    degree = nx.degree_centrality(network)
    betweenness = nx.betweenness_centrality(network, normalized=True)
    rows = analysis.centrality(graph)
    cases = {str(c) for c in graph.subjects(RDF.type, RG.ReformCase)}
    assert sorted(r.node for r in rows) == sorted(set(network) - cases)
    assert any(r.betweenness > 0 for r in rows)
    for row in rows:
        assert row.cases == network.degree(row.node), row.node
        assert row.degree == round(degree[row.node], 6), row.node
        assert row.betweenness == pytest.approx(betweenness[row.node], abs=1e-6), row.node
    keys = [(-r.betweenness, -r.cases, r.node) for r in rows]
    assert keys == sorted(keys)


def test_sampled_betweenness_is_networkx_s_estimate_from_the_same_sources(
    parsed_graph: Graph,
) -> None:
    by_edges = _bipartite_by_definition(parsed_graph)
    network = nx.Graph()
    network.add_nodes_from(sorted(by_edges))  # the sources are drawn in IRI order
    network.add_edges_from(by_edges.edges)
    sample = len(network) // 3
    estimate = nx.betweenness_centrality(network, k=sample, normalized=True, seed=7)
    exact = nx.betweenness_centrality(network, normalized=True)
    rows = analysis.centrality(parsed_graph, sample=sample, seed=7)
    assert any(r.betweenness != pytest.approx(exact[r.node], abs=1e-6) for r in rows)
    for row in rows:
        assert row.betweenness == pytest.approx(estimate[row.node], abs=1e-6), row.node
    assert analysis.centrality(parsed_graph, sample=sample, seed=7) == rows
    assert analysis.centrality(parsed_graph, sample=sample, seed=8) != rows


def test_a_sample_as_large_as_the_network_gives_exact_betweenness(query_graph: Graph) -> None:
    exact = analysis.centrality(query_graph)
    assert analysis.centrality(query_graph, sample=len(exact) + 8) == exact
    with pytest.raises(ValueError, match="at least one source"):
        analysis.centrality(query_graph, sample=0)


def test_sampled_centrality_is_the_same_over_the_store_and_parsed(synthetic_build: Path) -> None:
    from reformgraph import pipeline

    parsed = pipeline.load_graph(synthetic_build / "reformgraph.nt")
    store = pipeline.open_graph(synthetic_build)
    assert analysis.centrality(store, sample=10) == analysis.centrality(parsed, sample=10)


def test_the_ranking_and_the_case_network_read_no_text(
    query_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which entities each case names is enough for them; quotes are for links."""
    expected = analysis.centrality(query_graph), analysis.case_projection(query_graph)

    def no_text(graph: Graph, node: object) -> tuple[str, int]:
        raise AssertionError(f"the text of {node} was read")

    monkeypatch.setattr(analysis, "evidence_span", no_text)
    assert analysis.centrality(query_graph) == expected[0]
    projection = analysis.case_projection(query_graph)
    assert sorted(projection.edges(data=True)) == sorted(expected[1].edges(data=True))
    with pytest.raises(AssertionError, match="was read"):
        analysis.case_links(query_graph)


def _reach(graph: Graph) -> dict[URIRef, int]:
    """How many cases name each entity, from case_entity_links."""
    reach: dict[URIRef, int] = {}
    for _, entity in {(case, entity) for case, entity, _, _ in analysis.case_entity_links(graph)}:
        reach[entity] = reach.get(entity, 0) + 1
    return reach


@pytest.mark.parametrize("max_cases", [2, 3])
def test_max_cases_leaves_out_the_links_of_entities_more_cases_name(
    parsed_graph: Graph, max_cases: int
) -> None:
    reach = _reach(parsed_graph)
    every = analysis.case_links(parsed_graph)
    kept = analysis.case_links(parsed_graph, max_cases=max_cases)
    assert kept == [link for link in every if reach[link.entity] <= max_cases]
    assert len(kept) < len(every), "no entity named by more cases: the test shows nothing"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda g: analysis.centrality(g, top=-1), ValueError, "top=-1"),
        (lambda g: analysis.centrality(g, top=0), ValueError, "top=0"),
        (lambda g: analysis.centrality(g, sample=1.5), TypeError, "sample=1.5"),
        (lambda g: analysis.suggest_links(g, limit=-1), ValueError, "limit=-1"),
        (lambda g: analysis.suggest_links(g, limit=1.0), TypeError, "limit=1.0"),
        (lambda g: analysis.case_links(g, max_cases="2"), TypeError, "max_cases='2'"),
        (lambda g: analysis.case_links(g, max_cases=2.5), TypeError, "max_cases=2.5"),
        (lambda g: analysis.case_projection(g, max_pairs=-1), ValueError, "max_pairs=-1"),
        (lambda g: analysis.case_projection(g, max_pairs=True), TypeError, "max_pairs=True"),
    ],
    ids=[
        "top-negative",
        "top-zero",
        "sample-float",
        "limit",
        "limit-float",
        "max-cases-text",
        "max-cases-float",
        "max-pairs",
        "max-pairs-bool",
    ],
)
def test_a_count_that_is_not_a_whole_number_in_range_is_refused_by_name(
    query_graph: Graph, call: Any, error: type[Exception], message: str
) -> None:
    # Not silently "all but one" (top=-1 sliced the list) or a TypeError from deep inside.
    with pytest.raises(error, match=re.escape(message)):
        call(query_graph)


def test_max_cases_below_two_is_refused(query_graph: Graph) -> None:
    with pytest.raises(ValueError, match="max_cases=1: an entity links cases only if 2"):
        analysis.case_links(query_graph, max_cases=1)
    with pytest.raises(ValueError, match="max_cases=0"):
        analysis.case_projection(query_graph, max_cases=0)


@pytest.mark.parametrize("max_cases", [None, 2, 3])
def test_the_case_projection_is_what_the_links_add_up_to(
    parsed_graph: Graph, max_cases: int | None
) -> None:
    graph = parsed_graph
    reach = _reach(graph)
    weights: dict[tuple[str, str], float] = {}
    labels: dict[tuple[str, str], list[str]] = {}
    labels_en: dict[tuple[str, str], list[str]] = {}
    for link in analysis.case_links(graph, max_cases=max_cases):
        pair = (str(link.case_a), str(link.case_b))
        weights[pair] = round(weights.get(pair, 0.0) + 1 / (reach[link.entity] - 1), 6)
        labels.setdefault(pair, []).append(link.label)
        labels_en.setdefault(pair, []).append(link.label_en)
    expected = {
        pair: {
            "weight": weights[pair],
            "shared": len(labels[pair]),
            "entities": labels[pair],
            "entities_en": labels_en[pair],
        }
        for pair in weights
    }
    projection = analysis.case_projection(graph, max_cases=max_cases)
    found = {
        (a, b): {
            **data,
            "entities": data["entities"].split("、"),
            "entities_en": data["entities_en"].split("; "),
        }
        for a, b, data in projection.edges(data=True)
    }
    assert found == expected
    assert list(projection.edges) == list(expected), "edges not in the links' order"
    assert sorted(projection.nodes) == sorted(
        str(c) for c in graph.subjects(RDF.type, RG.ReformCase)
    )


def test_communities_partition_the_cases(query_graph: Graph) -> None:
    groups = analysis.communities(query_graph)
    assert sorted(n for g in groups for n in g) == sorted(
        str(c) for c in query_graph.subjects(RDF.type, RG.ReformCase)
    )


def test_communities_are_networkx_s_on_the_case_projection_largest_first(
    parsed_graph: Graph,
) -> None:
    projection = analysis.case_projection(parsed_graph)
    found = analysis.communities(parsed_graph)
    expected = nx.community.greedy_modularity_communities(projection, weight="weight")
    assert sorted(map(sorted, expected)) == sorted(found)
    assert all(group == sorted(group) for group in found)
    keys = [(-len(group), group) for group in found]
    assert keys == sorted(keys)
    assert len(found[0]) > len(found[-1]), "groups of more than one size"


def _edge_records(network: nx.Graph, *, but: str = "") -> list[tuple[Any, ...]]:
    """Every edge with its data (but the attribute ``but``), in an order that does not
    depend on the network's."""
    if network.is_multigraph():
        edges = network.edges(keys=True, data=True)
        return sorted(
            (u, v, k, sorted(i for i in d.items() if i[0] != but)) for u, v, k, d in edges
        )
    return sorted(
        (u, v, sorted(i for i in d.items() if i[0] != but)) for u, v, d in network.edges(data=True)
    )


def _networks(build: Path) -> dict[str, nx.Graph]:
    graph = pipeline.open_graph(build)
    return {"typed": analysis.to_networkx(graph), "cases": analysis.case_projection(graph)}


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_exports_reload_with_every_node_edge_and_attribute(
    real_or_synthetic_build: Path, tmp_path: Path, suffix: str
) -> None:
    writer = analysis.write_graphml if suffix == ".graphml" else analysis.write_gexf
    for name, network in _networks(real_or_synthetic_build).items():
        path = tmp_path / f"{name}{suffix}"
        writer(network, path)
        loaded = nx.read_graphml(path) if suffix == ".graphml" else nx.read_gexf(path)
        expected = {node: dict(data) for node, data in network.nodes(data=True)}
        # A node's label, which Gephi shows (GEXF's own, GraphML's by its name): the Chinese
        for data in expected.values():
            data["label"] = data["label_zh"]
        assert dict(loaded.nodes(data=True)) == expected, name
        assert all("label" not in data for _, data in network.nodes(data=True)), name
        # read_gexf gives each edge its GEXF id as an attribute
        assert _edge_records(loaded, but="id") == _edge_records(network), name


def test_the_gexf_export_reads_back_as_networkx_own_gexf_does(
    real_or_synthetic_build: Path, tmp_path: Path
) -> None:
    # networkx's writer (which builds the document in memory) as the reference.
    for name, network in _networks(real_or_synthetic_build).items():
        ours, theirs = tmp_path / f"{name}-ours.gexf", tmp_path / f"{name}-networkx.gexf"
        analysis.write_gexf(network, ours)
        labelled = network.copy()
        for _, data in labelled.nodes(data=True):
            data["label"] = data["label_zh"]
        nx.write_gexf(labelled, theirs, version="1.2draft")
        a, b = nx.read_gexf(ours), nx.read_gexf(theirs)
        assert type(a) is type(b)
        assert dict(a.nodes(data=True)) == dict(b.nodes(data=True)), name
        assert _edge_records(a) == _edge_records(b), name


def test_a_network_without_labels_reads_back_from_gexf_as_networkx_own_file(
    tmp_path: Path,
) -> None:
    network = nx.path_graph(3)
    nx.set_node_attributes(network, {0: 1.5}, "size")
    analysis.write_gexf(network, tmp_path / "ours.gexf")
    nx.write_gexf(network, tmp_path / "networkx.gexf")
    ours, theirs = nx.read_gexf(tmp_path / "ours.gexf"), nx.read_gexf(tmp_path / "networkx.gexf")
    assert dict(ours.nodes(data=True)) == dict(theirs.nodes(data=True))
    assert dict(ours.nodes(data=True))["0"]["label"] == "0"
    assert _edge_records(ours) == _edge_records(theirs)


def test_the_exports_are_the_same_bytes_on_another_day(
    query_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    network = analysis.to_networkx(query_graph)
    for suffix, writer in ((".graphml", analysis.write_graphml), (".gexf", analysis.write_gexf)):
        writer(network, tmp_path / f"today{suffix}")
    monkeypatch.setattr(time, "strftime", lambda *_: "2031-02-03")
    monkeypatch.setattr(time, "time", lambda: 1_927_000_000.0)
    for suffix, writer in ((".graphml", analysis.write_graphml), (".gexf", analysis.write_gexf)):
        writer(network, tmp_path / f"later{suffix}")
        today = (tmp_path / f"today{suffix}").read_bytes()
        assert (tmp_path / f"later{suffix}").read_bytes() == today, suffix


def test_exports_leave_out_missing_values_and_leave_the_network_alone(
    tmp_path: Path,
) -> None:
    network = nx.MultiDiGraph()
    network.add_node("a", label_zh="甲", label_en=None, weight=1.5)
    network.add_node("b", label_zh=None, label_en="B", flag=True)
    network.add_edge("a", "b", key="rel", relation="rel", size=2)
    network.add_edge("a", "b", key="other", relation="other", size=None)
    analysis.write_graphml(network, tmp_path / "n.graphml")
    analysis.write_gexf(network, tmp_path / "n.gexf")
    assert network.nodes["a"]["label_en"] is None  # not changed for the export
    graphml = nx.read_graphml(tmp_path / "n.graphml")
    assert graphml.nodes["a"] == {"label": "甲", "label_zh": "甲", "weight": 1.5}
    assert graphml.nodes["b"] == {"label_en": "B", "flag": True}
    assert "label" not in network.nodes["a"]
    assert graphml.edges["a", "b", "other"] == {"relation": "other"}
    gexf = nx.read_gexf(tmp_path / "n.gexf")
    assert gexf.nodes["a"] == {"label": "甲", "label_zh": "甲", "weight": 1.5}
    assert gexf.nodes["b"] == {"label": "b", "label_en": "B", "flag": True}  # its name
    assert sorted(k for _, _, k in gexf.edges(keys=True)) == ["other", "rel"]
    assert gexf.edges["a", "b", "rel"]["size"] == 2
    assert "size" not in gexf.edges["a", "b", "other"]


def test_exports_of_texts_with_characters_xml_does_not_allow_are_written_and_read_back(
    tmp_path: Path,
) -> None:
    # A literal of an RDF file (network --graph) may hold control characters: lxml refused
    # them, and the command ended in a traceback with nothing written.
    network = nx.MultiDiGraph()
    network.add_node("a", label_zh="甲\x1b[31m乙", quote="\x01")
    network.add_node("b", label_zh="丙")
    network.add_edge("a", "b", key="rel", entities="丁\x0c")
    analysis.write_graphml(network, tmp_path / "n.graphml")
    analysis.write_gexf(network, tmp_path / "n.gexf")
    assert network.nodes["a"]["label_zh"] == "甲\x1b[31m乙"  # not changed for the export
    for read in (nx.read_graphml(tmp_path / "n.graphml"), nx.read_gexf(tmp_path / "n.gexf")):
        assert read.nodes["a"]["label_zh"] == "甲\ufffd[31m乙"
        assert read.nodes["a"]["quote"] == "\ufffd"
        assert [data["entities"] for *_, data in read.edges(data=True)] == ["丁\ufffd"]


def test_a_gexf_value_of_another_type_is_refused_naming_its_node(tmp_path: Path) -> None:
    network = nx.Graph()
    network.add_node("a", tags={"x"})
    with pytest.raises(TypeError, match=r"node 'a', attribute 'tags': .* set"):
        analysis.write_gexf(network, tmp_path / "n.gexf")
    assert not (tmp_path / "n.gexf").exists()


def test_network_command_writes_graphml_and_gexf(build_dir: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "network",
            "--graph",
            str(build_dir / "reformgraph.nt"),
            "--out",
            str(tmp_path),
            "--top",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "湖北" in result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [
        "reformgraph-cases.gexf",
        "reformgraph-cases.graphml",
        "reformgraph.gexf",
        "reformgraph.graphml",
    ]


def test_a_failure_while_writing_a_network_leaves_the_old_file_whole(
    query_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import pipeline

    old = tmp_path / "reformgraph.gexf"
    old.write_text("the last export", encoding="utf-8")

    def half_then_fail(network: object, handle: Any) -> None:
        handle.write(b"<?xml version='1.0'")
        raise OSError("disk full")

    monkeypatch.setattr(analysis, "_stream_gexf", half_then_fail)
    with pytest.raises(OSError, match="disk full"):
        pipeline.write_networks(query_graph, tmp_path)
    assert old.read_text(encoding="utf-8") == "the last export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reformgraph.gexf", "reformgraph.graphml"]


def test_writing_the_networks_reports_each_step(query_graph: Graph, tmp_path: Path) -> None:
    from reformgraph import pipeline

    heard: list[tuple[str, int, int]] = []
    pipeline.write_networks(query_graph, tmp_path, progress=lambda *step: heard.append(step))
    assert heard == [
        ("projection", 0, 1),
        ("projection", 1, 1),
        ("network", 0, 1),
        ("network", 1, 1),
        *[("export", n, 4) for n in range(5)],
    ]


def test_too_many_case_pairs_stop_the_networks_before_anything_is_made(
    query_graph: Graph, tmp_path: Path
) -> None:
    from reformgraph import pipeline
    from reformgraph.errors import TooManyPairs

    # The real data: 湖北 is named by 7 cases (21 pairs), 中国 by 5, others by 2 or 3.
    whole = analysis.case_projection(query_graph).number_of_edges()
    assert analysis.case_projection(query_graph, max_pairs=whole).number_of_edges() == whole
    heard: list[tuple[str, int, int]] = []
    with pytest.raises(TooManyPairs, match=f"more than {whole - 1} pairs") as raised:
        pipeline.write_networks(
            query_graph, tmp_path, max_pairs=whole - 1, progress=lambda *s: heard.append(s)
        )
    assert heard == [("projection", 0, 1)]
    assert list(tmp_path.iterdir()) == []
    # The max_cases it names keeps the pairs within the limit.
    suggested = raised.value.max_cases
    assert suggested is not None
    kept = analysis.case_projection(query_graph, max_cases=suggested, max_pairs=whole - 1)
    assert 0 < kept.number_of_edges() <= whole - 1


def test_too_many_case_pairs_stop_the_links_before_the_first(query_graph: Graph) -> None:
    from reformgraph.errors import TooManyPairs

    heard: list[tuple[str, int, int]] = []
    with pytest.raises(TooManyPairs, match="more than 3 pairs of cases share an entity"):
        # raised at the call, not at next(), and before any case's text is read for quotes
        # (at 10,000 cases, 500 s of reading to be thrown away)
        analysis.iter_case_links(
            query_graph, max_pairs=3, progress=lambda *step: heard.append(step)
        )
    assert not heard
    with pytest.raises(TooManyPairs) as raised:
        analysis.case_links(query_graph, max_pairs=1)
    assert raised.value.max_cases in (None, 2)


def test_network_command_names_each_long_step_when_not_a_terminal(
    build_dir: Path, tmp_path: Path, slow_clock: None
) -> None:
    result = CliRunner().invoke(
        app, ["network", "--graph", str(build_dir / "reformgraph.nt"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    for line in (
        "the typed network: 1/1 in 2.0 s",
        "the case–case network: 1/1 in 2.0 s",
        "writing GraphML and GEXF: 4/4 in 8.0 s",
        "ranking the entities (betweenness): 1/1 in 2.0 s",
    ):
        assert line in result.output


def test_network_command_into_a_file_is_a_clear_error(build_dir: Path, tmp_path: Path) -> None:
    occupied = tmp_path / "a-file"
    occupied.write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["network", "--graph", str(build_dir / "reformgraph.nt"), "--out", str(occupied)]
    )
    assert result.exit_code == 2
    assert f"--out {occupied}: a file, not a folder" in result.output
    assert "Traceback" not in result.output
    assert occupied.read_text(encoding="utf-8") == "mine"


def test_network_command_with_sample_prints_the_sampled_ranking(
    build_dir: Path, tmp_path: Path, query_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    def ranking(*options: str) -> list[tuple[str, str]]:
        result = CliRunner().invoke(
            app,
            ["network", "--out", str(tmp_path / "files"), "-f", "json", "--top", "40", *options],
        )
        assert result.exit_code == 0, result.output
        bindings = json.loads(result.stdout)["results"]["bindings"]
        return [(b["entity"]["value"], b["betweenness"]["value"]) for b in bindings]

    (tmp_path / "build").symlink_to(build_dir, target_is_directory=True)
    monkeypatch.chdir(tmp_path)  # outside a project: ./build is the build
    sampled = ranking("--sample", "20", "--seed", "3")
    # the entities two or more cases name, as the command ranks them
    expected = [r for r in analysis.centrality(query_graph, sample=20, seed=3) if r.cases >= 2]
    assert sampled == [(r.node, str(r.betweenness)) for r in expected[:40]]
    assert sampled != ranking()
    assert sampled == ranking("--sample", "20", "--seed", "3")
    assert CliRunner().invoke(app, ["network", "--sample", "0"]).exit_code == 2


def test_network_command_with_max_cases_exports_the_case_network_without_hub_entities(
    build_dir: Path, tmp_path: Path
) -> None:
    def case_edges(folder: Path, *options: str) -> set[frozenset[str]]:
        result = CliRunner().invoke(
            app,
            [
                "network",
                "--graph",
                str(build_dir / "reformgraph.nt"),
                "--out",
                str(folder),
                *options,
            ],
        )
        assert result.exit_code == 0, result.output
        network = nx.read_graphml(folder / "reformgraph-cases.graphml")
        assert network.number_of_nodes() == 8
        return {frozenset(edge) for edge in network.edges}

    from reformgraph import pipeline

    every = case_edges(tmp_path / "all")
    without_hubs = case_edges(tmp_path / "two", "--max-cases", "2")
    graph = pipeline.load_graph(build_dir / "reformgraph.nt")
    expected = analysis.case_projection(graph, max_cases=2)
    assert without_hubs == {frozenset(edge) for edge in expected.edges}
    assert without_hubs < every


def test_network_command_reads_the_store_and_writes_what_the_parsed_graph_gives(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import pipeline

    parsed = CliRunner().invoke(
        app,
        ["network", "--graph", str(build_dir / "reformgraph.nt"), "--out", str(tmp_path / "a")],
    )
    assert parsed.exit_code == 0, parsed.output

    (tmp_path / "build").symlink_to(build_dir, target_is_directory=True)
    monkeypatch.chdir(tmp_path)  # outside a project: ./build is the build
    monkeypatch.setattr(pipeline, "load_graph", no_parsing)
    from_store = CliRunner().invoke(app, ["network", "--out", str(tmp_path / "b")])
    assert from_store.exit_code == 0, from_store.output
    assert from_store.stdout == parsed.stdout
    for name in sorted(p.name for p in (tmp_path / "a").iterdir()):
        assert (tmp_path / "b" / name).read_bytes() == (tmp_path / "a" / name).read_bytes(), name


# --------------------------------------------------------------------------- the quotes printed


@pytest.fixture(scope="module")
def printed_quotes(build_dir: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(case A id, case B id, entity IRI path) → (quote A, quote B), as `reformgraph links`
    prints them."""
    result = CliRunner().invoke(app, ["links", "--build", str(build_dir), "-f", "json"])
    assert result.exit_code == 0, result.output
    out = {}
    for row in json.loads(result.stdout)["results"]["bindings"]:
        key = tuple(row[name]["value"].split("/id/", 1)[1] for name in ("caseA", "caseB", "entity"))
        out[key] = (row["quoteA"]["value"], row["quoteB"]["value"])
    return out  # type: ignore[return-value]


OFFICE_LINE = "省经济体制和生态文明体制改革专项小组办公室"


@pytest.mark.parametrize(
    ("case_a", "case_b"),
    [
        ("big-fiscal-system", "investment-performance-evaluation"),
        ("big-fiscal-system", "soe-functional-reform"),
        ("investment-performance-evaluation", "soe-functional-reform"),
    ],
)
def test_an_office_link_quotes_the_line_that_names_the_office_in_both_cases(
    printed_quotes: dict[tuple[str, str, str], tuple[str, str]], case_a: str, case_b: str
) -> None:
    # Not the case titles (the line above the office line).
    key = (f"case/{case_a}", f"case/{case_b}", "org/econ-eco-reform-group-office")
    assert printed_quotes[key] == (OFFICE_LINE, OFFICE_LINE)


def test_a_quote_that_is_a_sentence_of_the_case_ends_with_its_full_stop(
    printed_quotes: dict[tuple[str, str, str], tuple[str, str]],
) -> None:
    key = ("case/big-fiscal-system", "case/deputies-two-links", "place/hubei")
    assert printed_quotes[key] == (
        "2024年,我省到期政府债券本金主动偿还比例居全国第3、中部第1。",
        "修改湖北省立法条例,完善人大代表参与立法工作的制度机制。",
    )
    key = ("case/big-fiscal-system", "case/soe-functional-reform", "concept/state-three-assets")
    assert printed_quotes[key] == (
        "一是加强国有“三资”统筹。",
        "累计盘活“三资”2000多亿元,AAA级企业达到15家,新增融资超4000亿元。",
    )


@pytest.mark.parametrize(
    ("case_a", "case_b", "quote_a", "quote_b"),
    [
        # Case 2 opens with 武汉市承接国家发改委…; the words that name its scope (全国) are
        # 在全国率先推行“五类牌照制度”, not 建成国内最大的5G车联网专网 (国内 is not 全国).
        (
            "big-fiscal-system",
            "intelligent-connected-vehicles-pilot",
            "2024年,我省到期政府债券本金主动偿还比例居全国第3、中部第1",
            "在全国率先推行“五类牌照制度”",
        ),
        (
            "intelligent-connected-vehicles-pilot",
            "huahu-airport-opening-up",
            "在全国率先推行“五类牌照制度”",
            "构建全国首个以鄂州为核心的“轴辐式”航空货运网络",
        ),
    ],
    ids=["case-1-and-2", "case-2-and-3"],
)
def test_a_link_quotes_the_statement_that_names_the_entity_not_the_first_one_found(
    printed_quotes: dict[tuple[str, str, str], tuple[str, str]],
    case_a: str,
    case_b: str,
    quote_a: str,
    quote_b: str,
) -> None:
    key = (f"case/{case_a}", f"case/{case_b}", "place/china")
    assert printed_quotes[key] == (quote_a, quote_b)


def test_the_network_files_list_other_names_sorted_whatever_the_hash_seed(
    build_dir: Path, tmp_path: Path
) -> None:
    import os
    import subprocess
    import sys

    written = []
    for seed in ("1", "2", "3"):
        out = tmp_path / f"seed-{seed}"
        code = "import sys; from reformgraph.cli import app; app(sys.argv[1:])"
        args = ["network", "--build", str(build_dir), "--out", str(out)]
        subprocess.run(
            [sys.executable, "-c", code, *args],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        written.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert written[0] == written[1] == written[2]
    network = nx.read_graphml(tmp_path / "seed-1" / "reformgraph.graphml")
    others = [data["alt_labels"] for _, data in network.nodes(data=True) if "alt_labels" in data]
    several = [names.split(" / ") for names in others if " / " in names]
    assert len(several) >= 5
    for names in several:
        assert names == sorted(names), names

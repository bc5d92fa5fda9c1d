"""Saved queries give an English reader English columns: every column whose header says it
holds Chinese (a label, a name, a phrase "in Chinese") has an English companion named
after it (``scope`` → ``scopeEn``), filled wherever the Chinese one is, with the English
of the same thing."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph, Literal

from reformgraph import pipeline
from reformgraph.queries import SavedQuery, run_query, saved_queries

QUERIES = saved_queries()

#: (query, column) for every column whose header says it holds Chinese, read from the
#: headers so that a query added later is held to the same rule.
CHINESE = [
    (query.name, column.name)
    for query in QUERIES.values()
    for column in query.columns
    if re.search(r"\bChinese\b", column.doc)
]

#: The columns the audit found without English; each must stay documented as Chinese, so
#: that rewording a header cannot take a column out of the rule.
AUDITED = {
    ("cases", "office"),
    ("cases", "domain"),
    ("rankings", "scope"),
    ("rankings", "indicator"),
    ("rankings", "subject"),
    ("changes", "indicator"),
    ("changes", "comparedWith"),
    ("recognitions", "by"),
    ("recognitions", "via"),
    ("pilots", "assignedBy"),
    ("pilots", "programme"),
    ("pilots", "batch"),
    ("actors", "office"),
    ("firsts", "scope"),
    ("growth-rankings", "scope"),
    ("growth-rankings", "growthRate"),
    ("growth-rankings", "indicator"),
    ("growth-rankings", "subject"),
    ("growth-rankings", "comparedWith"),
    ("shared-entity-counts", "label"),
    # the case titles, in every query that names a case by its title
    *(
        (name, "caseTitle")
        for name in (
            "actors",
            "changes",
            "figures",
            "firsts",
            "growth-rankings",
            "instruments",
            "pilots",
            "platforms",
            "rankings",
            "recognitions",
            "shared-entities",
        )
    ),
}


@pytest.fixture(scope="module")
def store_graph(build_dir: Path) -> Iterator[Graph]:
    """The build's Oxigraph store, as `reformgraph query` answers from it."""
    graph = pipeline.open_graph(build_dir)
    yield graph
    graph.close()


@pytest.fixture(params=["rdflib", "oxigraph"])
def engine_graph(request: pytest.FixtureRequest) -> Graph:
    """Each engine in turn: rdflib over the parsed N-Triples, Oxigraph over the store."""
    name = "query_graph" if request.param == "rdflib" else "store_graph"
    graph: Graph = request.getfixturevalue(name)
    return graph


@pytest.fixture(scope="module")
def bilingual_pairs(query_graph: Graph) -> set[tuple[str, str]]:
    """(Chinese, English) for every subject and predicate with one value in each language:
    the labels of one entity, the two titles of one case, the two batches of one pilot."""
    values: dict[tuple[object, object], dict[str, list[str]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for subject, predicate, value in query_graph:
        if isinstance(value, Literal) and value.language in ("zh", "en"):
            values[subject, predicate][value.language].append(str(value))
    return {
        (by_language["zh"][0], by_language["en"][0])
        for by_language in values.values()
        if len(by_language["zh"]) == 1 and len(by_language["en"]) == 1
    }


def _rows(graph: Graph, name: str) -> list[dict[str, object]]:
    result = run_query(graph, QUERIES[name])
    return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def test_the_headers_name_the_chinese_columns_the_audit_found() -> None:
    assert set(CHINESE) >= AUDITED


@pytest.mark.parametrize(("name", "column"), CHINESE, ids=[f"{q}-{c}" for q, c in CHINESE])
def test_a_chinese_column_has_an_english_companion_in_the_header(name: str, column: str) -> None:
    query: SavedQuery = QUERIES[name]
    docs = {c.name: c.doc for c in query.columns}
    companion = column + "En"
    assert companion in docs, f"{name}: ?{column} is Chinese, and there is no ?{companion}"
    assert "English" in docs[companion], f"{name}: ?{companion} should say it is English"


@pytest.mark.parametrize(("name", "column"), CHINESE, ids=[f"{q}-{c}" for q, c in CHINESE])
def test_the_english_companion_is_filled_wherever_the_chinese_column_is(
    engine_graph: Graph, bilingual_pairs: set[tuple[str, str]], name: str, column: str
) -> None:
    rows = _rows(engine_graph, name)
    assert rows, f"{name} returned no rows"
    companion = column + "En"
    filled = [r for r in rows if r[column] is not None]
    assert filled, f"{name}: ?{column} is empty in every row, so nothing is checked"
    for row in rows:
        chinese, english = row[column], row[companion]
        if chinese is None:
            assert english is None, f"{name}: ?{companion} {english!r} without ?{column}"
            continue
        assert english is not None, f"{name}: ?{column} {chinese} has no ?{companion}"
        assert isinstance(chinese, Literal), (name, chinese)
        assert chinese.language == "zh", (name, chinese)
        assert isinstance(english, Literal), (name, english)
        assert english.language == "en", (name, english)
        # the English of the same thing, not of another value of a many-valued column
        assert (str(chinese), str(english)) in bilingual_pairs, (name, chinese, english)


def test_the_national_third_place_is_ranked_within_china(engine_graph: Graph) -> None:
    rows = [r for r in _rows(engine_graph, "rankings") if str(r["statedAs"]) == "全国第3"]
    assert rows
    assert {(str(r["scope"]), str(r["scopeEn"])) for r in rows} == {("中国", "China")}
    bonds = {
        (str(r["scope"]), str(r["scopeEn"]), str(r["subjectEn"]))
        for r in _rows(engine_graph, "rankings")
        if str(r["indicator"]) == "到期政府债券本金主动偿还比例"
    }
    assert bonds == {("中国", "China", "Hubei"), ("中部", "central China", "Hubei")}


def test_english_columns_of_cases_changes_recognitions_and_pilots(engine_graph: Graph) -> None:
    (fiscal,) = [r for r in _rows(engine_graph, "cases") if str(r["title"]) == "推进大财政体系建设"]
    assert str(fiscal["domainEn"]) == "fiscal and taxation system reform"
    assert str(fiscal["officeEn"]).startswith("Office of the Hubei Provincial Special Group")

    changes = {str(r["indicator"]): r for r in _rows(engine_graph, "changes")}
    assert str(changes["营收"]["indicatorEn"]) == "operating revenue"
    assert str(changes["营收"]["comparedWithEn"]) == "year on year"
    assert changes["报警响应平均用时"]["comparedWithEn"] is None

    by = {str(r["by"]): str(r["byEn"]) for r in _rows(engine_graph, "recognitions") if r["by"]}
    assert by["国务院"] == "State Council"

    pilots = _rows(engine_graph, "pilots")
    # a pilot two ministries assigned is two rows, each with its own English name
    assigned = {(str(r["assignedBy"]), str(r["assignedByEn"])) for r in pilots if r["assignedBy"]}
    assert ("国家发改委", "National Development and Reform Commission") in assigned
    assert ("工信部", "Ministry of Industry and Information Technology") in assigned
    (first_batch,) = [r for r in pilots if str(r["batch"] or "") == "首批"]
    assert str(first_batch["batchEn"]) == "first batch"


def test_offices_list_their_cases_titles_in_english_in_the_same_order(
    engine_graph: Graph, bilingual_pairs: set[tuple[str, str]]
) -> None:
    rows = _rows(engine_graph, "offices")
    (lead,) = [r for r in rows if int(str(r["cases"])) == 3]
    chinese = str(lead["caseTitles"]).split("; ")
    english = str(lead["caseTitlesEn"]).split("; ")
    assert len(chinese) == len(english) == 3
    assert all(pair in bilingual_pairs for pair in zip(chinese, english, strict=True)), (
        chinese,
        english,
    )
    assert english[0] == 'Advancing the building of a "big fiscal" system'

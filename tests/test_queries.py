"""Saved SPARQL queries: documented, parseable, and answering on the real data."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import RDF, XSD, Graph, Literal, URIRef
from typer.testing import CliRunner

from reformgraph import pipeline
from reformgraph.errors import QueryError
from reformgraph.models import DATA, RG
from reformgraph.queries import (
    QueryResult,
    SavedQuery,
    bind_params,
    format_csv,
    format_json,
    format_table,
    load_query,
    parse_header,
    prepare,
    python_value,
    query_from_text,
    run_query,
    saved_queries,
    with_values_for_endpoint,
)

QUERIES = saved_queries()
REQUIRED = [
    "cases",
    "measures",
    "figures",
    "shared-entities",
    "offices",
    "platforms",
    "instruments",
    "changes",
    "rankings",
]


def _rows(graph: Graph, name: str, **params: str) -> list[dict[str, object]]:
    query = QUERIES[name]
    result = run_query(graph, query, bind_params(query, params))
    return [dict(zip(result.variables, row, strict=False)) for row in result.rows]


def test_the_required_saved_queries_exist() -> None:
    assert set(REQUIRED) <= set(QUERIES)
    assert any(name.endswith("-violation") for name in QUERIES)


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_each_saved_query_states_its_question_in_english_and_chinese_and_its_columns(
    query: SavedQuery,
) -> None:
    assert query.question
    assert query.question_zh
    assert any("\u4e00" <= ch <= "\u9fff" for ch in query.question_zh)
    assert query.columns
    prepare(query.text)


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_each_saved_query_runs_on_the_real_data_with_its_documented_columns(
    query_graph: Graph, query: SavedQuery
) -> None:
    result = run_query(query_graph, query)
    assert result.variables == [c.name for c in query.columns]
    if query.is_violation_check:
        assert result.rows == [], f"{query.name} must return no rows: {result.rows[:5]}"
    else:
        assert result.rows, f"{query.name} returned no rows"


def test_cases_come_in_source_order_with_titles_offices_and_domains(query_graph: Graph) -> None:
    rows = _rows(query_graph, "cases")
    assert [str(r["title"]) for r in rows][:2] == ["推进大财政体系建设", "推进智能网联汽车试点示范"]
    assert len({r["case"] for r in rows}) == 8
    assert str(rows[0]["office"]) == "省经济体制和生态文明体制改革专项小组办公室"
    assert all(r["titleEn"] and r["domain"] for r in rows)


def test_figures_give_one_row_per_stated_number_normalised(query_graph: Graph) -> None:
    rows = _rows(query_graph, "figures")
    by_stated = {str(r["statedAs"]): r for r in rows}
    total = by_stated["21.8万亿元"]
    assert Decimal(str(total["value"])) == Decimal("21800000000000")
    assert str(total["unit"]) == "CNY"
    assert str(total["caseTitle"]) == "推进大财政体系建设"
    assert str(total["date"]) == "2024-12-31"
    assert "21.8万亿元" in str(total["evidence"])
    assert Decimal(str(by_stated["超过3.31亿美元"]["value"])) == Decimal("331000000")
    assert str(by_stated["超过3.31亿美元"]["qualifier"]).endswith("moreThan")
    assert str(by_stated["5%以内"]["qualifier"]).endswith("atMost")


def test_a_before_after_change_gives_two_figure_rows_and_one_change_row(query_graph: Graph) -> None:
    figures = [r for r in _rows(query_graph, "figures") if str(r["statedAs"]) in ("120秒", "80秒")]
    assert sorted(str(r["statedAs"]) for r in figures) == ["120秒", "80秒"]
    changes = [
        r for r in _rows(query_graph, "changes") if str(r["indicator"]) == "报警响应平均用时"
    ]
    assert len(changes) == 1
    change = changes[0]
    assert Decimal(str(change["baseline"])) == 120
    assert Decimal(str(change["result"])) == 80
    assert Decimal(str(change["computedDifference"])) == 40
    assert Decimal(str(change["computedDifferencePercent"])) == Decimal("33.3")
    assert str(change["direction"]).endswith("decrease")
    roles = {str(r["statedAs"]): str(r["changeRole"]) for r in figures}
    assert roles == {"120秒": str(RG.baseline), "80秒": str(RG.result)}
    assert {str(r["change"]) for r in figures} == {str(change["change"])}


def test_a_change_keeps_the_qualifier_of_each_value(query_graph: Graph) -> None:
    # 均比改革前提高20多个百分点: up by more than 20 points, not by 20.
    (change,) = [r for r in _rows(query_graph, "changes") if "20多个百分点" in str(r["evidence"])]
    assert Decimal(str(change["difference"])) == 20
    assert change["differenceQualifier"] == RG.moreThan
    assert change["baselineQualifier"] is None
    assert change["resultQualifier"] is None
    (alarm,) = [
        r for r in _rows(query_graph, "changes") if "从120秒压缩至80秒" in str(r["evidence"])
    ]
    assert (alarm["baselineQualifier"], alarm["resultQualifier"]) == (RG.exact, RG.exact)


def test_a_figure_that_is_part_of_a_change_says_which_part(query_graph: Graph) -> None:
    # 一次派警精准率提升30.3%: 30.3% is how much the rate rose, not the rate.
    rows = _rows(query_graph, "figures")
    (rise,) = [r for r in rows if str(r["statedAs"]) == "30.3%"]
    assert rise["changeRole"] == RG.difference
    (total,) = [r for r in rows if str(r["statedAs"]) == "21.8万亿元"]
    assert total["changeRole"] is None
    assert total["change"] is None


def test_rankings_keep_their_scopes_apart(query_graph: Graph) -> None:
    rows = _rows(query_graph, "rankings")
    bonds = {
        (int(r["rank"]), str(r["scope"]))
        for r in rows
        if str(r["indicator"]) == "到期政府债券本金主动偿还比例"
    }
    assert bonds == {(3, "中国"), (1, "中部")}
    third_nationally = {
        r["ranking"] for r in rows if int(r["rank"]) == 3 and str(r["scope"]) == "中国"
    }
    assert len(third_nationally) == 2, "the two 全国第3 are different rankings"


@pytest.mark.parametrize("engine", ["store", "rdflib"])
def test_rankings_are_listed_case_by_case_in_the_order_the_text_states_them(
    build_dir: Path, query_graph: Graph, engine: str
) -> None:
    # 居全国第3、中部第1 and 全球第四个、亚洲第一个: the order a reader meets them in the
    # text, not the order of the rankings' IRIs.
    if engine == "store":
        from typer.testing import CliRunner

        from reformgraph.cli import app

        result = CliRunner().invoke(
            app, ["query", "rankings", "-f", "json", "--build", str(build_dir)]
        )
        assert result.exit_code == 0, result.output
        rows = [
            {name: term["value"] for name, term in row.items()}
            for row in json.loads(result.stdout)["results"]["bindings"]
        ]
    else:
        rows = [{k: str(v) for k, v in r.items()} for r in _rows(query_graph, "rankings")]
    listed = [(r["case"].rsplit("/", 1)[1], r["statedAs"]) for r in rows]
    assert listed == [
        ("big-fiscal-system", "全国第3"),
        ("big-fiscal-system", "中部第1"),
        ("intelligent-connected-vehicles-pilot", "全国第二"),
        ("intelligent-connected-vehicles-pilot", "全国第二"),
        ("huahu-airport-opening-up", "全球第四个"),
        ("huahu-airport-opening-up", "亚洲第一个"),
        ("soe-functional-reform", "全国第3"),
        ("soe-functional-reform", "第2"),
    ]


def test_the_call_taking_platforms_merged_into_one_a_city_are_a_platform_of_case_7(
    query_graph: Graph,
) -> None:
    # 将全省80个县市区分散接警台整合为17个市州“一市一台”: the reform of the case is of its
    # platforms, and `platforms` gave none for it.
    rows = _rows(query_graph, "platforms", case="police-dispatch-one-city-one-platform")
    assert [str(r["label"]) for r in rows] == ["接警台"]
    assert str(rows[0]["measure"]).endswith("/measure/1")


def test_actors_name_who_carries_out_each_case_apart_from_the_office_that_reports_it(
    query_graph: Graph,
) -> None:
    # 省发改委…大力推进投资项目绩效综合评价改革: only the reporting office was recorded, so
    # "who implemented it?" could not be asked.
    rows = _rows(query_graph, "actors")
    got = {(str(r["caseTitle"]), str(r["actor"]), str(r["words"])) for r in rows}
    assert got == {
        ("推进大财政体系建设", "全省各级相关部门", "全省各级相关部门"),
        ("推进智能网联汽车试点示范", "武汉市", "武汉市"),
        ("推进投资项目绩效综合评价改革", "省发改委", "省发改委"),
        ("开展基层监督改革创新", "省纪委监委", "省纪委监委"),
        ("推行110接处警市级统管“一市一台”改革", "省公安厅", "省公安厅"),
        ("健全人大代表“两个联系”工作机制", "省人大常委会", "省人大常委会"),
    }
    (drc,) = (r for r in rows if str(r["actor"]) == "省发改委")
    assert str(drc["office"]) == "省经济体制和生态文明体制改革专项小组办公室"


def test_changes_stated_in_one_sentence_come_in_the_order_of_their_numbers(
    query_graph: Graph,
) -> None:
    # 分别同比增长13.4%、29.1% and 安全感、满意度分别上升至98.77%、96.81% came by IRI.
    soe = [str(r["indicator"]) for r in _rows(query_graph, "changes", case="soe-functional-reform")]
    assert soe == ["资产总额", "营收"]
    police = _rows(query_graph, "changes", case="police-dispatch-one-city-one-platform")
    indicators = [str(r["indicator"]) for r in police]
    assert indicators.index("人民群众安全感") + 1 == indicators.index("人民群众满意度")


def test_a_ranked_growth_rate_is_read_beside_the_growth_the_case_states(
    query_graph: Graph,
) -> None:
    """增速居全国第3、第2 ranks the growth of 资产总额 and 营收 stated as
    分别同比增长13.4%、29.1%."""
    rows = _rows(query_graph, "growth-rankings")
    got = {
        (str(r["indicator"]), str(r["growthRate"]), int(r["rank"]), str(r["growth"])) for r in rows
    }
    assert got == {("资产总额", "资产总额增速", 3, "13.4"), ("营收", "营收增速", 2, "29.1")}
    assert {str(r["comparedWith"]) for r in rows} == {"同比"}
    assert all(str(r["subject"]) == "省属企业" for r in rows)


def test_a_growth_of_another_subject_is_not_read_beside_the_rank(query_graph: Graph) -> None:
    """Only the growth of the ranked subject: the same indicator's change for another
    subject of the case is not its growth."""
    graph = Graph()
    for triple in query_graph:
        graph.add(triple)
    soes = DATA["org/provincial-soes"]
    other = DATA["org/another-body"]
    for change in graph.subjects(RDF.type, RG.Change):
        if graph.value(change, RG.subject) == soes:
            graph.set((change, RG.subject, other))
    rows = _rows(graph, "growth-rankings")
    assert len(rows) == 2, "each ranking still listed once"
    assert all(r["growth"] is None and r["change"] is None for r in rows)


def test_shared_entities_include_the_office_of_three_cases_and_the_platform_of_two(
    query_graph: Graph,
) -> None:
    rows = _rows(query_graph, "shared-entities")
    office = [r for r in rows if str(r["entity"]).endswith("/org/econ-eco-reform-group-office")]
    assert sorted(str(r["caseTitle"]) for r in office) == sorted(
        ["推进大财政体系建设", "推进投资项目绩效综合评价改革", "深化国有企业功能性改革"]
    )
    platform = [
        r for r in rows if str(r["entity"]).endswith("/platform/performance-evaluation-platform")
    ]
    assert len(platform) == 2
    assert all(int(r["cases"]) >= 2 for r in rows)


def test_offices_count_their_cases_most_cases_first(query_graph: Graph) -> None:
    listed = _rows(query_graph, "offices")
    rows = {str(r["label"]): int(r["cases"]) for r in listed}
    assert rows["省经济体制和生态文明体制改革专项小组办公室"] == 3
    assert rows["武汉市委改革办"] == 1
    order = [(-int(r["cases"]), str(r["office"])) for r in listed]
    assert order == sorted(order), order
    assert str(listed[0]["label"]) == "省经济体制和生态文明体制改革专项小组办公室"


def test_a_case_parameter_restricts_rows_to_that_case(query_graph: Graph) -> None:
    rows = _rows(query_graph, "figures", case="big-fiscal-system")
    assert rows
    assert {str(r["case"]) for r in rows} == {str(DATA["case/big-fiscal-system"])}
    by_iri = _rows(query_graph, "measures", case=str(DATA["case/big-fiscal-system"]))
    assert [int(r["position"]) for r in by_iri] == [1, 2, 3, 4]


class _RecordingStore:
    """An Oxigraph store that keeps the text of each query it is asked."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self.texts: list[str] = []

    def query(self, text: str, **options: Any) -> Any:
        self.texts.append(text)
        return self.store.query(text, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __contains__(self, quad: object) -> bool:
        return quad in self.store


def test_a_bound_parameter_opens_the_where_clause_for_oxigraph_to_plan_its_joins_from(
    build_dir: Path,
) -> None:
    # Oxigraph plans its joins before it sees a substitution: figures -p case=… listed every
    # figure with its quotes and labels first, and took as long as the whole query (15 s on
    # 10,000 synthetic cases). The value also opens the WHERE clause, for the planner.
    from reformgraph import engine
    from reformgraph.queries import run_query_on_store, stream_query_on_store

    store = _RecordingStore(engine.open_store(build_dir / "store"))
    query = QUERIES["figures"]
    bound = bind_params(query, {"case": "big-fiscal-system"})
    iri = DATA["case/big-fiscal-system"]
    rows = run_query_on_store(store, query, bound).rows  # type: ignore[arg-type]
    assert re.search(
        rf"\bWHERE \{{ VALUES \(\?case\) \{{ \(<{re.escape(str(iri))}>\) \}}", store.texts[-1]
    )
    unbound = run_query_on_store(store, query)  # type: ignore[arg-type]
    assert "VALUES (?case)" not in store.texts[-1]
    column = unbound.variables.index("case")
    assert rows == [row for row in unbound.rows if row[column].value == str(iri)]
    assert rows
    streamed = stream_query_on_store(store, query, bound)  # type: ignore[arg-type]
    assert list(streamed.rows) == rows
    assert "VALUES (?case)" in store.texts[-1]
    # A variable the query computes may not be bound before (SPARQL refuses it): its
    # parameter is left to the substitution, which restricts it as before.
    text = load_query(
        "SELECT ?title ?len WHERE { ?c a rg:ReformCase ; dcterms:title ?title ."
        " BIND (STRLEN(?title) AS ?len) }",
        Path.cwd(),
    )
    found = run_query_on_store(store, text, bind_params(text, {"len": "9"}))  # type: ignore[arg-type]
    assert "VALUES" not in store.texts[-1]
    assert [row[0].value for row in found.rows] == ["推进大财政体系建设"]


#: A query whose subquery counts typed things, with a line that restricts the count by the
#: parameter when it is bound (the outer level is restricted by the binding itself).
_PLACED_QUERY = (
    "# question: How many things of the class are there?\n"
    "# param type (class): only this class or a subclass of it\n"
    "# column ?type: the class\n"
    "# column ?n: how many things the subquery counts\n"
    "SELECT ?type ?n WHERE {\n"
    "  { SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {\n"
    "      # if bound ?type: ?x a ?type .\n"
    "      ?x a ?any } }\n"
    "  ?type a owl:Class .\n"
    "}\n"
)


def test_a_line_that_places_a_parameter_restricts_a_subquery_only_where_it_is_bound(
    build_dir: Path, query_graph: Graph
) -> None:
    # A binding restricts a query's top level, not a subquery, which SPARQL evaluates first
    # and on its own: shared-entities -p type=… counted the cases of every entity, then kept
    # those of the type. A line "# if bound ?NAME: PATTERN" puts the parameter's values and
    # the pattern where it stands; unbound, it stays a comment.
    from reformgraph import engine
    from reformgraph.queries import run_query_on_store

    store = _RecordingStore(engine.open_store(build_dir / "store"))
    query = query_from_text(_PLACED_QUERY, "(test)")
    place = bind_params(query, {"type": "rg:Place"})
    members = place["type"].members
    assert len(members) > 1
    listed = " ".join(f"<{member}>" for member in members)
    count_query = query_from_text(
        f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ VALUES ?t {{ {listed} }} ?x a ?t }}",
        "(test)",
    )
    everything = query_from_text("SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a ?t }", "(test)")
    expected = int(run_query_on_store(store, count_query).rows[0][0].value)  # type: ignore[arg-type]
    total = int(run_query_on_store(store, everything).rows[0][0].value)  # type: ignore[arg-type]
    assert 0 < expected < total
    platform = bind_params(query, {"type": "rg:Platform"})
    platforms = query_from_text(
        "SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE { ?x a rg:Platform }", "(test)"
    )
    one = int(run_query_on_store(store, platforms).rows[0][0].value)  # type: ignore[arg-type]
    for bindings, classes, n in ((place, set(members), expected), (platform, {RG.Platform}, one)):
        on_store = run_query_on_store(store, query, bindings)  # type: ignore[arg-type]
        assert "VALUES (?type)" in store.texts[-1].split("?x ?any")[0].split("SELECT (COUNT")[1]
        assert {row[0].value for row in on_store.rows} == {str(c) for c in classes}
        assert {int(row[1].value) for row in on_store.rows} == {n}
        on_rdflib = run_query(query_graph, query, bindings)
        assert {str(row[0]) for row in on_rdflib.rows} == {str(c) for c in classes}
        assert {int(row[1]) for row in on_rdflib.rows} == {n}
        sent = with_values_for_endpoint(query.text, bindings)
        subquery = sent.split("?x ?any")[0].split("SELECT (COUNT")[1]
        assert "VALUES (?type)" in subquery
        assert "?x a ?type" in subquery
    unbound = run_query_on_store(store, query)  # type: ignore[arg-type]
    assert "VALUES" not in store.texts[-1]
    assert {int(row[1].value) for row in unbound.rows} == {total}


def test_a_pattern_placed_by_a_bound_parameter_that_cannot_stand_there_is_named_by_its_line(
    build_dir: Path,
) -> None:
    # "# if bound ?type: ?x a ?type" without its "." read as a comment unbound, and bound,
    # the parser stopped on the next line ("expected OPTIONAL" at line 8), which is right.
    from reformgraph.cli import app

    text = _PLACED_QUERY.replace("?x a ?type .", "?x a ?type")
    assert CliRunner().invoke(app, ["query", text, "--build", str(build_dir)]).exit_code == 0
    answer = CliRunner().invoke(
        app, ["query", text, "-p", "type=rg:Platform", "--build", str(build_dir)]
    )
    assert answer.exit_code == 2
    message = (
        "line 7: the pattern of '# if bound ?type:' (?x a ?type) cannot stand there once"
        " ?type is bound"
    )
    assert answer.stderr.startswith(message), answer.stderr
    query = query_from_text(text, "(test)")
    bindings = bind_params(query, {"type": "rg:Platform"})
    with pytest.raises(QueryError, match=rf"^\(test\): {re.escape(message)}"):
        run_query(pipeline.load_graph(build_dir / "reformgraph.nt"), query, bindings)


def test_a_syntax_error_of_a_query_with_a_parameter_is_named_where_it_is_in_its_text(
    build_dir: Path,
) -> None:
    # The values that open the WHERE clause are not the user's text: an error after them
    # is named at its own column, as without the parameter.
    from reformgraph.cli import app

    text = "SELECT ?t WHERE { ?c dcterms:title ?t ; ?t . }"
    answers = [
        CliRunner().invoke(app, ["query", text, *given, "--build", str(build_dir)])
        for given in ([], ["-p", "t=x"])
    ]
    for answer in answers:
        assert answer.exit_code == 2
        assert "line 1, column 41" in answer.stderr, answer.stderr
    assert answers[0].stderr == answers[1].stderr


@pytest.mark.parametrize(
    "name", [name for name, query in QUERIES.items() if any(p.type == "case" for p in query.params)]
)
def test_a_case_parameter_keeps_the_rows_of_its_case_on_a_graph_over_the_store(
    build_dir: Path, name: str
) -> None:
    # pipeline.open_graph answers by Oxigraph as well (through oxrdflib); the differential
    # tests check the store itself, the CLI's engine.
    query = QUERIES[name]
    with pipeline.open_graph(build_dir) as graph:
        unbound = run_query(graph, query)
        column = unbound.variables.index("case")
        cases = sorted({str(row[column]) for row in unbound.rows})
        assert cases, name
        for case in (cases[0], cases[-1]):
            bound = run_query(graph, query, bind_params(query, {"case": case}))
            expected = [row for row in unbound.rows if str(row[column]) == case]
            assert Counter(bound.rows) == Counter(expected), f"{name}, case={case}"


def test_a_case_parameter_takes_the_path_form_of_an_id_as_the_analysis_does(
    query_graph: Graph,
) -> None:
    # case/big-fiscal-system said "is not an IRI", though links --entity and viz --case
    # take it; an id written with capitals was "not an IRI" too, with no word of ids.
    bound = bind_params(QUERIES["recognitions"], {"case": "case/big-fiscal-system"})
    assert bound["case"].value == f"{DATA}case/big-fiscal-system"
    capitals = bind_params(QUERIES["recognitions"], {"case": "Big-Fiscal-System"})
    with pytest.raises(QueryError, match=r"no case has the id 'Big-Fiscal-System' \(did you mean"):
        run_query(query_graph, QUERIES["recognitions"], capitals)


@pytest.mark.parametrize(
    ("given", "told"),
    [
        ("推进大财政体系建设", "'推进大财政体系建设' is the title of the case big-fiscal-system:"),
        (
            'Advancing the building of  a "big fiscal" system',
            "is the title of the case big-fiscal-system: give its id, case=big-fiscal-system",
        ),
        ("4", "not its position: case 4 of its report is investment-performance-evaluation"),
        (
            "Advancing the building of a \u201cbig fiscal\u201d system",
            "is the title of the case big-fiscal-system: give its id",
        ),
        (
            "大财政体系",
            "'大财政体系' is part of the title of the case big-fiscal-system: give its id",
        ),
        ("01", "not its position: case 01 of its report is big-fiscal-system"),
    ],
)
def test_a_case_given_by_its_title_or_position_is_told_its_id_by_every_engine(
    build_dir: Path, query_graph: Graph, given: str, told: str
) -> None:
    """A title copied from the cases table, or a case's number, was refused as "neither a
    case's id nor an IRI", with no word of which id it is."""
    from reformgraph.cli import app

    bound = bind_params(QUERIES["figures"], {"case": given})
    with pytest.raises(QueryError, match=re.escape(told)):
        run_query(query_graph, QUERIES["figures"], bound)
    result = CliRunner().invoke(
        app, ["query", "figures", "-p", f"case={given}", "--build", str(build_dir)]
    )
    assert result.exit_code == 2
    assert told in result.stderr


#: A .rq file with a header declaring a Chinese-text parameter.
_TITLE_QUERY = (
    "# question: Which case has this title?\n"
    "# question@zh: \u54ea\u4e2a\u6848\u4f8b\u6709\u6b64\u6807\u9898?\n"
    "# param t (zh): the title\n"
    "# column ?c: the case\n"
    "SELECT ?c ?t WHERE { ?c dcterms:title ?t }\n"
)


@pytest.mark.parametrize(
    ("spec", "name", "value", "named"),
    [
        # a zero-width space copied with the id: it was "no case has the id"
        ("figures", "case", "big-fiscal-system\u200b", "U+200B ZERO WIDTH SPACE"),
        ("shared-entities", "type", "rg:Platform\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        # SPARQL text: the title holding one gave no rows, without a word
        (
            "SELECT ?t WHERE { ?c dcterms:title ?t }",
            "t",
            '"\u63a8\u8fdb\u5927\u8d22\u653f\u200b\u4f53\u7cfb\u5efa\u8bbe"@zh',
            "U+200B ZERO WIDTH SPACE",
        ),
        ("SELECT ?t WHERE { ?c dcterms:title ?t }", "t", "a\x1b[2Jb", "U+001B, a control"),
        ("title.rq", "t", "\ufeff\u63a8\u8fdb\u5927\u8d22\u653f", "U+FEFF ZERO WIDTH NO-BREAK"),
    ],
    ids=["saved-case", "saved-class", "sparql-text", "control-character", "query-file"],
)
def test_a_parameter_holding_an_invisible_or_control_character_is_refused_naming_it(
    build_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spec: str,
    name: str,
    value: str,
    named: str,
) -> None:
    from reformgraph.cli import app

    monkeypatch.chdir(tmp_path)
    (tmp_path / "title.rq").write_text(_TITLE_QUERY, encoding="utf-8")
    told = f"parameter {name}: {named}"
    result = CliRunner().invoke(
        app, ["query", spec, "-p", f"{name}={value}", "--build", str(build_dir)]
    )
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)  # no traceback
    assert told in result.stderr, result.stderr
    assert "is not allowed in a parameter's value" in result.stderr
    assert chr(int(named[2:6], 16)) not in result.stderr  # shown by its escape
    with pipeline.open_graph(build_dir) as graph, pytest.raises(QueryError, match=re.escape(told)):
        pipeline.query(graph, spec, {name: value})
    target = tmp_path / "out.csv"
    with pytest.raises(QueryError, match=re.escape(told)):
        pipeline.export_query(build_dir, spec, target, params={name: value})
    assert not target.exists()


def test_parameters_are_bound_as_terms_not_pasted_into_the_query(query_graph: Graph) -> None:
    query = QUERIES["figures"]
    hostile = "big-fiscal-system> } UNION { ?s ?p ?o"
    bound_case = bind_params(query, {"case": hostile})
    assert not set(bound_case["case"].value) & set('<>{} "')  # %-escaped: one IRI
    with pytest.raises(QueryError, match="no case has the id"):
        run_query(query_graph, query, bound_case)
    text = load_query("SELECT ?t WHERE { ?c <http://purl.org/dc/terms/title> ?t }", Path.cwd())
    bound = bind_params(text, {"t": '" } ; DROP ALL ; #'})
    assert bound["t"].to_rdflib() == Literal('" } ; DROP ALL ; #')
    assert run_query(query_graph, text, bound).rows == []


def test_iri_parameters_take_the_prefixed_names_the_tables_print(query_graph: Graph) -> None:
    by_prefix = _rows(query_graph, "shared-entities", type="rg:Platform")
    by_iri = _rows(query_graph, "shared-entities", type=f"{RG}Platform")
    assert by_prefix == by_iri
    assert by_prefix
    case = _rows(query_graph, "measures", case="rgd:case/big-fiscal-system")
    assert [int(r["position"]) for r in case] == [1, 2, 3, 4]
    assert bind_params(QUERIES["cases"], {"case": "<rgd:case/x>"})["case"].value == (
        f"{DATA}case/x"
    )


@pytest.mark.parametrize(
    ("written", "term"),
    [
        ('"推进大财政体系建设"@zh', Literal("推进大财政体系建设", lang="zh")),
        ('"a \\"quoted\\" word"@en', Literal('a "quoted" word', lang="en")),
        ('"3"^^xsd:integer', Literal("3", datatype=XSD.integer)),
        ('"3"^^<http://www.w3.org/2001/XMLSchema#decimal>', Literal("3", datatype=XSD.decimal)),
        ('"plain"', Literal("plain")),
        ("推进大财政体系建设", Literal("推进大财政体系建设")),
        ("rg:ReformCase", URIRef(f"{RG}ReformCase")),
        ("<https://example.org/x>", URIRef("https://example.org/x")),
        ("https://example.org/x", URIRef("https://example.org/x")),
        ("urn:isbn:123", Literal("urn:isbn:123")),
        # numbers and booleans without quotes, as Turtle reads them
        ("9", Literal("9", datatype=XSD.integer)),
        ("-2.5", Literal("-2.5", datatype=XSD.decimal)),
        ("2.18E13", Literal("2.18E13", datatype=XSD.double)),
        ("true", Literal("true", datatype=XSD.boolean)),
        ("110接处警", Literal("110接处警")),
        ("3.1%", Literal("3.1%")),
    ],
)
def test_a_parameter_of_sparql_text_is_read_as_it_is_written(written: str, term: object) -> None:
    text = load_query("SELECT ?t ?c WHERE { ?c <http://purl.org/dc/terms/title> ?t }", Path.cwd())
    assert bind_params(text, {"t": written})["t"].to_rdflib() == term


@pytest.mark.parametrize(
    "written",
    ['"abc"^^xsd:integer', '"2024-12"^^xsd:date', '"1e3"^^xsd:decimal', '"yes"^^xsd:boolean'],
)
def test_a_typed_parameter_whose_text_is_not_of_its_type_is_refused(written: str) -> None:
    # it would match nothing, without a word
    text = load_query("SELECT ?t ?c WHERE { ?c <http://purl.org/dc/terms/title> ?t }", Path.cwd())
    with pytest.raises(QueryError, match=r"parameter t: '.*' is not an xsd:\w+"):
        bind_params(text, {"t": written})


def test_a_language_tagged_parameter_of_sparql_text_finds_the_title(query_graph: Graph) -> None:
    text = load_query("SELECT ?c ?t WHERE { ?c <http://purl.org/dc/terms/title> ?t }", Path.cwd())
    tagged = run_query(query_graph, text, bind_params(text, {"t": '"推进大财政体系建设"@zh'}))
    assert [str(row[0]) for row in tagged.rows] == [str(DATA["case/big-fiscal-system"])]
    plain = run_query(query_graph, text, bind_params(text, {"t": "推进大财政体系建设"}))
    assert plain.rows == []  # the titles are tagged @zh


def test_a_bare_number_parameter_of_sparql_text_matches_the_number(build_dir: Path) -> None:
    # `-p len=9` as Turtle reads 9: an xsd:integer, which STRLEN gives (not the string "9")
    from typer.testing import CliRunner

    from reformgraph.cli import app

    text = (
        "SELECT ?title ?len WHERE { ?c a rg:ReformCase ; dcterms:title ?title ."
        ' FILTER (lang(?title) = "zh") BIND (STRLEN(?title) AS ?len) }'
    )
    answer = CliRunner().invoke(
        app, ["query", text, "-p", "len=9", "-f", "csv", "--build", str(build_dir)]
    )
    assert answer.exit_code == 0, answer.output
    assert answer.stdout.splitlines()[1:] == ["推进大财政体系建设,9"]


def test_a_parameter_of_a_bound_expression_restricts_rdflib_as_oxigraph(
    query_graph: Graph, build_dir: Path
) -> None:
    # rdflib's BIND replaced the binding: -p len=9 gave all 16 titles there, 1 on Oxigraph
    text = load_query(
        "SELECT ?title ?len WHERE { ?c a rg:ReformCase ; dcterms:title ?title ."
        " BIND (STRLEN(?title) AS ?len) }",
        Path.cwd(),
    )
    bound = bind_params(text, {"len": "9"})
    with pipeline.open_graph(build_dir) as store_graph:
        expected = run_query(store_graph, text, bound).rows
    assert [str(row[0]) for row in expected] == ["推进大财政体系建设"]
    assert run_query(query_graph, text, bound).rows == expected


def test_a_parameter_of_a_select_expression_is_refused_on_rdflib(query_graph: Graph) -> None:
    # rdflib answered -p n=2 with the office whose COUNT is 3
    text = load_query(
        "SELECT ?office (COUNT(?case) AS ?n) WHERE { ?case rg:responsibleOffice ?office }"
        " GROUP BY ?office",
        Path.cwd(),
    )
    with pytest.raises(QueryError, match=r"the query computes \?n in its SELECT clause"):
        run_query(query_graph, text, bind_params(text, {"n": "2"}))


@pytest.mark.parametrize(
    ("query", "advice"),
    [
        (
            "SELECT ?office (COUNT(?case) AS ?n) WHERE { ?case rg:responsibleOffice ?office }"
            " GROUP BY ?office",
            "filter ?n with HAVING",
        ),
        ("SELECT (COUNT(?case) AS ?n) WHERE { ?case a rg:ReformCase }", "filter ?n with HAVING"),
        (
            "SELECT ?title (STRLEN(?title) AS ?n) WHERE { ?case dcterms:title ?title }",
            "compute ?n in the WHERE clause with BIND (… AS ?n)",
        ),
    ],
)
def test_a_select_expression_given_as_a_parameter_is_told_how_else_to_restrict_it(
    query_graph: Graph, query: str, advice: str
) -> None:
    # A query without groups was told to filter with HAVING, which filters groups
    text = load_query(query, Path.cwd())
    with pytest.raises(QueryError) as refused:
        run_query(query_graph, text, bind_params(text, {"n": "2"}))
    assert advice in str(refused.value)
    assert ("HAVING" in str(refused.value)) == ("HAVING" in advice)
    with pytest.raises(QueryError) as remote:
        with_values_for_endpoint(text.text, bind_params(text, {"n": "2"}))
    assert advice in str(remote.value)


def test_an_endpoint_s_values_reach_each_group_using_them_but_not_inline_data_or_a_subquery() -> (
    None
):
    text = load_query(
        "SELECT ?f ?min WHERE { VALUES ?k { 1 2 } ?f a rg:Figure ."
        " { ?f schema:value ?v FILTER (?v > ?min) }"
        " { SELECT ?f WHERE { ?f schema:value ?min } }"
        ' OPTIONAL { ?f rg:statedAs "{?min}" } }',
        Path.cwd(),
    )
    sent = " ".join(with_values_for_endpoint(text.text, bind_params(text, {"min": "5"})).split())
    block = 'VALUES (?min) { ("5"^^<http://www.w3.org/2001/XMLSchema#integer>) }'
    assert sent.count(block) == 2, sent  # the WHERE clause's, and the group's with the FILTER
    assert f"WHERE {{ {block} VALUES ?k {{ 1 2 }}" in sent
    assert f"{{ {block} ?f schema:value ?v FILTER (?v > ?min) }}" in sent
    assert "{ SELECT ?f WHERE { ?f schema:value ?min } }" in sent  # its own ?min
    assert '{ ?f rg:statedAs "{?min}" }' in sent  # braces in a string are no group


def test_binding_a_variable_the_query_does_not_return_is_refused_before_it_runs() -> None:
    text = load_query("SELECT ?t WHERE { ?c <http://purl.org/dc/terms/title> ?t }", Path.cwd())
    with pytest.raises(QueryError, match=r"parameter c: the query does not return \?c"):
        bind_params(text, {"c": f"{DATA}case/big-fiscal-system"})
    every = load_query("SELECT * WHERE { ?c <http://purl.org/dc/terms/title> ?t }", Path.cwd())
    assert bind_params(every, {"c": f"{DATA}case/big-fiscal-system"})


def test_an_ask_query_in_csv_gives_its_answer() -> None:
    assert format_csv(QueryResult(variables=[], boolean=True)) == b"\xef\xbb\xbfboolean\r\ntrue\r\n"
    assert format_csv(QueryResult(variables=[], boolean=False)).endswith(b"false\r\n")


def test_csv_and_tables_write_a_blank_node_as_its_turtle_label() -> None:
    # W3C SPARQL 1.1 CSV: "Blank nodes use the _:label form from Turtle"; a bare label
    # would read as a string. JSON keeps the label alone, with "type": "bnode".
    from rdflib import BNode

    for blank in (ox.BlankNode("b1"), BNode("b1")):
        result = QueryResult(variables=["x", "s"], rows=[(blank, Literal("b1"))])
        assert format_csv(result).decode("utf-8").splitlines()[1] == "_:b1,b1"
        assert format_table(result, {}).splitlines()[2] == "_:b1  b1"
        binding = json.loads(format_json(result))["results"]["bindings"][0]
        assert binding["x"] == {"type": "bnode", "value": "b1"}


def test_a_misspelt_term_of_the_ontology_is_named_with_the_nearest_ones() -> None:
    from reformgraph.queries import unknown_terms

    text = (
        "SELECT ?x WHERE { ?x a rg:ReformCas ; rg:responsibleOffice ?o ; rg:position 1 ."
        ' ?y a <https://w3id.org/reformgraph/ontology/Figur> FILTER (?y != "rg:Nope") }'
        " # rg:NotEither"
    )
    assert unknown_terms(text) == [
        "rg:ReformCas is not a term of the reformgraph ontology"
        " (did you mean rg:ReformCase, rg:ReformDomain, rg:ReformConcept?)",
        "rg:Figur is not a term of the reformgraph ontology (did you mean rg:Figure?)",
    ]
    # rg: declared as another namespace is another vocabulary's
    assert unknown_terms("PREFIX rg: <urn:x:> SELECT ?x WHERE { ?x a rg:ReformCas }") == []
    for name, query in QUERIES.items():
        assert unknown_terms(query.text) == [], name


def test_a_table_shows_each_row_on_one_line_whatever_line_breaks_its_cells_hold() -> None:
    result = QueryResult(variables=["zh", "en"], rows=[(Literal("一\r\n二"), Literal("one\ntwo"))])
    assert format_table(result, {}).splitlines() == [
        "zh     en",
        "-----  -------",
        "一⏎二  one⏎two",
        "1 row(s)",
    ]


def test_a_table_shows_a_whole_decimal_without_its_point_zero_and_an_iri_by_its_prefix() -> None:
    rows = [
        (Literal("120.0", datatype=XSD.decimal), URIRef(f"{DATA}org/hubei-drc")),
        (Literal("2.50", datatype=XSD.decimal), URIRef("https://example.org/x")),
    ]
    table = format_table(QueryResult(variables=["value", "node"], rows=rows), {"rgd": str(DATA)})
    # 2.50, as another graph (--graph FILE) may write it, without its trailing zero
    assert table.splitlines()[2:4] == ["120    rgd:org/hubei-drc", "2.5    https://example.org/x"]


@pytest.mark.parametrize(
    ("term", "value"),
    [
        (Literal("true", datatype=XSD.boolean), True),
        # as the store gives them: "1" and "0" as written (rdflib reads them as true, false)
        (ox.Literal("1", datatype=ox.NamedNode(str(XSD.boolean))), True),
        (ox.Literal("0", datatype=ox.NamedNode(str(XSD.boolean))), False),
        (Literal("7", datatype=XSD.positiveInteger), 7),
        (Literal("4.0", datatype=XSD.decimal), 4),
        (Literal("2.50", datatype=XSD.decimal), 2.5),
        (Literal("1.5e3", datatype=XSD.double), 1500.0),
        (Literal("2024-12-31", datatype=XSD.date), "2024-12-31"),
        (URIRef(f"{DATA}org/hubei-drc"), f"{DATA}org/hubei-drc"),
    ],
    ids=str,
)
def test_a_term_becomes_the_python_value_a_dataframe_holds(term: Any, value: object) -> None:
    found = python_value(term)
    assert (found, type(found)) == (value, type(value))


def test_a_query_file_without_a_header_takes_parameters_as_sparql_text_does(
    query_graph: Graph, tmp_path: Path
) -> None:
    file = tmp_path / "by-office.rq"
    file.write_text(
        "SELECT ?office ?case WHERE { ?case rg:responsibleOffice ?office }\n", encoding="utf-8"
    )
    query = load_query(str(file), tmp_path)
    office = "rgd:org/econ-eco-reform-group-office"
    rows = run_query(query_graph, query, bind_params(query, {"office": office})).rows
    assert len(rows) == 3
    assert {str(row[0]) for row in rows} == {f"{DATA}org/econ-eco-reform-group-office"}
    from_stdin = query_from_text(file.read_text(encoding="utf-8"), "(stdin)")
    assert bind_params(from_stdin, {"office": office}) == bind_params(query, {"office": office})


def test_a_query_file_with_a_header_takes_only_the_parameters_it_declares(
    tmp_path: Path,
) -> None:
    file = tmp_path / "by-office.rq"
    file.write_text(
        "# question: Which cases does an office lead?\n"
        "SELECT ?office ?case WHERE { ?case rg:responsibleOffice ?office }\n",
        encoding="utf-8",
    )
    query = load_query(str(file), tmp_path)
    with pytest.raises(QueryError, match=r"has no parameter 'office'.*# param office \(iri\)"):
        bind_params(query, {"office": "rgd:org/econ-eco-reform-group-office"})


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Platform", "'Platform' is not an IRI: did you mean rg:Platform?"),
        ("organization", "'organization' is not an IRI: did you mean org:Organization?"),
        ("Foo", "'Foo' is not an IRI (a class is written with its prefix: rg:Platform)"),
    ],
)
def test_a_class_parameter_without_its_prefix_is_told_the_class_it_names(
    value: str, message: str
) -> None:
    with pytest.raises(QueryError) as caught:
        bind_params(QUERIES["instruments"], {"type": value})
    assert str(caught.value) == f"parameter type: {message}"


def test_an_unknown_parameter_is_an_error() -> None:
    with pytest.raises(QueryError, match="has no parameter 'nope'"):
        bind_params(QUERIES["cases"], {"nope": "1"})


def test_a_misspelt_parameter_is_told_the_one_it_is_like() -> None:
    with pytest.raises(QueryError, match=r"has no parameter 'cas' .*: did you mean case\?$"):
        bind_params(QUERIES["figures"], {"cas": "big-fiscal-system"})


def test_a_case_parameter_naming_no_case_is_refused_with_the_nearest_ids(
    query_graph: Graph, build_dir: Path
) -> None:
    """On rdflib's engine and over the build's store (pipeline.open_graph) alike."""
    message = r"no case has the id 'big-fiscal' \(did you mean big-fiscal-system\?\)"
    with pytest.raises(QueryError, match=message):
        _rows(query_graph, "figures", case="big-fiscal")
    with pytest.raises(QueryError, match=message):
        pipeline.query(pipeline.open_graph(build_dir), QUERIES["figures"], {"case": "big-fiscal"})


def test_an_export_with_a_case_that_names_no_case_writes_nothing(
    build_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "figures.csv"
    with pytest.raises(QueryError, match="no case has the id 'big-fiscal'"):
        pipeline.export_query(build_dir, QUERIES["figures"], target, params={"case": "big-fiscal"})
    assert not target.exists()


def test_a_syntax_error_reports_line_and_column() -> None:
    with pytest.raises(QueryError, match=r"line 2, column \d+"):
        prepare("SELECT ?x\nWHERE { ?x ?y }")


def test_csv_starts_with_a_byte_order_mark_and_keeps_chinese(query_graph: Graph) -> None:
    data = format_csv(run_query(query_graph, QUERIES["cases"]))
    assert data.startswith("\ufeff".encode())
    assert "推进大财政体系建设" in data.decode("utf-8")


def test_json_follows_the_sparql_results_format(query_graph: Graph) -> None:
    document = json.loads(format_json(run_query(query_graph, QUERIES["figures"])))
    assert document["head"]["vars"][:4] == ["case", "caseTitle", "caseTitleEn", "indicator"]
    binding = document["results"]["bindings"][0]
    assert binding["case"]["type"] == "uri"
    assert binding["caseTitle"] == {
        "type": "literal",
        "value": "推进大财政体系建设",
        "xml:lang": "zh",
    }
    assert binding["caseTitleEn"] == {
        "type": "literal",
        "value": 'Advancing the building of a "big fiscal" system',
        "xml:lang": "en",
    }
    assert binding["value"]["datatype"] == "http://www.w3.org/2001/XMLSchema#decimal"


def test_construct_queries_return_a_graph(query_graph: Graph) -> None:
    query = load_query(
        "CONSTRUCT { ?c a <https://w3id.org/reformgraph/ontology/ReformCase> } "
        "WHERE { ?c a <https://w3id.org/reformgraph/ontology/ReformCase> }",
        Path.cwd(),
    )
    result = run_query(query_graph, query)
    assert result.graph is not None
    assert len(result.graph) == 8
    assert all(isinstance(s, URIRef) for s, _, _ in result.graph)


def test_platform_rows_name_only_measures_of_their_own_case(query_graph: Graph) -> None:
    rows = _rows(query_graph, "platforms")
    with_measure = [row for row in rows if row.get("measure") is not None]
    assert with_measure
    for row in with_measure:
        assert str(row["measure"]).startswith(f"{row['case']}/measure/"), row


def test_a_platform_named_in_a_case_and_its_measures_gives_one_row_for_each(
    query_graph: Graph,
) -> None:
    rows = _rows(query_graph, "platforms", case="deputies-two-links")
    homes = [row for row in rows if str(row["label"]) == "代表“家站点”"]
    measures = {str(row.get("measure")) for row in homes}
    case = "https://w3id.org/reformgraph/id/case/deputies-two-links"
    assert homes
    assert len(homes) == len(measures)
    assert measures <= {"None", *(f"{case}/measure/{n}" for n in range(1, 10))}


def test_an_ask_answer_becomes_a_one_cell_dataframe() -> None:
    from reformgraph.queries import to_dataframe

    frame = to_dataframe(QueryResult(variables=[], boolean=True))
    assert list(frame.columns) == ["boolean"]
    assert frame["boolean"].tolist() == [True]


def test_a_parameter_that_is_not_text_or_a_binding_that_is_not_a_term_says_what_to_do(
    query_graph: Graph,
) -> None:
    with pytest.raises(QueryError, match="parameter case: give its value as text"):
        bind_params(QUERIES["figures"], {"case": 3})  # type: ignore[dict-item]
    with pytest.raises(QueryError, match=r"is text, not an RDF term: make the bindings with"):
        run_query(query_graph, QUERIES["figures"], {"case": "big-fiscal-system"})


@pytest.mark.parametrize(("given", "bound"), [("3", "3"), ("03", "3"), ("+3", "3"), (" 3 ", "3")])
def test_an_integer_parameter_binds_the_canonical_integer(given: str, bound: str) -> None:
    # "03" bound as written would match no xsd:integer 3.
    query = parse_header("q", "# param n (integer): a rank\nSELECT ?n WHERE { BIND(3 AS ?n) }")
    term = bind_params(query, {"n": given})["n"]
    assert term.to_rdflib() == Literal(bound, datatype=XSD.integer)
    assert str(term.to_rdflib()) == bound


def test_a_header_line_indented_under_a_column_or_parameter_goes_on_with_its_meaning() -> None:
    # A long meaning wraps onto lines of "#" and two spaces; they were dropped, so the help
    # of changes' computedDifference lost what its sign means.
    query = parse_header(
        "q",
        "# question: Q\n"
        "# param n (integer): a rank,\n"
        "#   counted from 1\n"
        "# column ?n: the rank,\n"
        "#   as given\n"
        "# column ?m: another\n"
        "#\n"
        "SELECT ?n ?m WHERE { BIND(3 AS ?n) }",
    )
    assert [p.doc for p in query.params] == ["a rank, counted from 1"]
    assert [c.doc for c in query.columns] == ["the rank, as given", "another"]
    assert "Negative if the values contradict the direction" in next(
        c.doc for c in QUERIES["changes"].columns if c.name == "computedDifference"
    )


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_saved_query_runs_as_a_file_of_ones_own(name: str, tmp_path: Path) -> None:
    # Their comments hold words such as "with" and "move": the test for SPARQL updates took
    # them for the update's operation and refused four of them.
    path = tmp_path / f"{name}.rq"
    path.write_text(QUERIES[name].text, encoding="utf-8")
    assert load_query(str(path), tmp_path).text == QUERIES[name].text
    assert load_query(QUERIES[name].text, tmp_path).text == QUERIES[name].text


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "# a comment\nPREFIX ex: <http://e/#>\nDELETE WHERE { ?s ex:p ?o }",
        "  load <http://x>",
        "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_a_sparql_update_is_refused_as_one(text: str, tmp_path: Path) -> None:
    with pytest.raises(QueryError, match="a SPARQL update"):
        load_query(text, tmp_path)


def _closed_port() -> int:
    """A port of this machine where nothing listens (a request there is refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SERVICE_QUERIES = [
    "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
    "# a comment\nSELECT ?s WHERE {{\n  ?s ?p ?o .service silent <http://127.0.0.1:{port}/>"
    " {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("text", SERVICE_QUERIES)
def test_a_service_clause_is_refused_on_every_local_engine_before_any_request(
    text: str, build_dir: Path, query_graph: Graph, tmp_path: Path
) -> None:
    # Oxigraph (the build's store, --graph FILE, open_graph) and rdflib's engine
    # (load_graph) sent the pattern to the address, with a POST or a GET: a saved query
    # from someone else could reach any server this machine reaches.
    from reformgraph.cli import app

    query = text.format(port=_closed_port())
    refused = "a SERVICE clause, which reformgraph does not run"
    file = tmp_path / "remote.rq"
    file.write_text(query, encoding="utf-8")
    for where in (["--build", str(build_dir)], ["--graph", str(build_dir / "reformgraph.nt")]):
        for spec in (query, str(file)):
            result = CliRunner().invoke(app, ["query", spec, *where, "-f", "csv"])
            assert result.exit_code == 2, result.output
            assert refused in " ".join(result.stderr.split()), result.stderr
            assert "Traceback" not in result.stderr
    result = CliRunner().invoke(app, ["query", str(file), "--build", str(build_dir)])
    assert result.stderr.startswith(f"{file}: line "), result.stderr
    with pipeline.open_graph(build_dir) as graph:
        with pytest.raises(QueryError, match=refused):
            pipeline.query(graph, query)
        with pytest.raises(QueryError, match=refused):
            graph.query(query)
    with pytest.raises(QueryError, match=refused):
        pipeline.query(query_graph, query)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?service WHERE { ?service ?p ?o } LIMIT 1",
        'SELECT ?o WHERE { ?s ?p ?o FILTER(?o != "SERVICE <http://x/> {}") } LIMIT 1',
        "PREFIX service: <http://e/#>\nSELECT * WHERE { ?s ?p ?o # SERVICE <http://x/>\n"
        "FILTER(?p != service:SERVICE && ?p != <http://e/SERVICE>) } LIMIT 1",
    ],
)
def test_the_word_service_elsewhere_in_a_query_is_no_service_clause(
    text: str, build_dir: Path
) -> None:
    with pipeline.open_graph(build_dir) as graph:
        assert len(pipeline.query(graph, text).rows) == 1


#: Queries whose REGEX or REPLACE is given, in the query's text, a pattern or flags that
#: are no regular expression (the place of the caret: line, column), and what is said.
BAD_PATTERNS = [
    pytest.param(
        'SELECT ?c WHERE {\n  ?c dcterms:title ?t\n  FILTER regex(?t, "(")\n}',
        (3, 20),
        'REGEX: the pattern "(" is not a regular expression: missing ),',
        id="unclosed-group",
    ),
    pytest.param(
        'SELECT ?c ?u WHERE { ?c dcterms:title ?t BIND (REPLACE(?t, "[", "x") AS ?u) }',
        (1, 60),
        'REPLACE: the pattern "[" is not a regular expression: unterminated character set',
        id="replace-unclosed-set",
    ),
    pytest.param(
        'SELECT ?c WHERE { ?c dcterms:title ?t FILTER regex(?t, "财政", "z") }',
        (1, 62),
        'REGEX: the flags "z": z is no flag',
        id="unknown-flag",
    ),
]


@pytest.mark.parametrize(("text", "place", "said"), BAD_PATTERNS)
def test_a_pattern_that_is_no_regular_expression_is_refused_naming_the_file_and_the_pattern(
    text: str,
    place: tuple[int, int],
    said: str,
    build_dir: Path,
    query_graph: Graph,
    tmp_path: Path,
) -> None:
    # SPARQL takes the error of an invalid pattern for false: Oxigraph answered the typo
    # with no rows and exit 0, rdflib's engine with "query failed: missing ), unterminated
    # subpattern at position 0", naming neither the query nor the pattern.
    from reformgraph.cli import app

    file = tmp_path / "mine.rq"
    file.write_text(text, encoding="utf-8")
    line, column = place
    where = f"line {line}, column {column}: {said}"
    for engine in (["--build", str(build_dir)], ["--graph", str(build_dir / "reformgraph.nt")]):
        for output in ("table", "csv"):
            result = CliRunner().invoke(app, ["query", str(file), *engine, "-f", output])
            assert result.exit_code == 2, result.output
            assert result.stderr.startswith(f"{file}: {where}"), result.stderr
            assert "Traceback" not in result.stderr
            assert result.stdout == ""
    inline = CliRunner().invoke(app, ["query", text, "--build", str(build_dir)])
    assert inline.exit_code == 2, inline.output
    assert inline.stderr.startswith(where), inline.stderr
    caret = inline.stderr.splitlines()[2]
    assert caret.endswith("^"), inline.stderr
    with pipeline.open_graph(build_dir) as graph:
        with pytest.raises(QueryError) as on_oxigraph:
            pipeline.query(graph, str(file))
    with pytest.raises(QueryError) as on_rdflib:
        pipeline.query(query_graph, str(file))
    assert str(on_oxigraph.value) == str(on_rdflib.value)
    assert str(on_rdflib.value).startswith(f"{file}: {where}")


@pytest.mark.parametrize(
    ("text", "oxigraph", "rdflib"),
    [
        # XPath (and so SPARQL) has back-references, Python's re too, Rust's regex not
        (
            'SELECT ?t WHERE { ?c dcterms:title ?t FILTER regex(?t, "(财)\\\\1") }',
            'the pattern "(财)\\\\1" is not a regular expression Oxigraph can run',
            None,
        ),
        # XPath and Rust's regex have \p{…}, Python's re not: a query for labels in Han
        # script ran on the build's store, and must go on running there
        (
            'SELECT ?t WHERE { ?c dcterms:title ?t FILTER regex(?t, "^\\\\p{Han}+的") }',
            None,
            'the pattern "^\\\\p{Han}+的" is not a regular expression: bad escape \\p',
        ),
    ],
)
def test_a_pattern_is_judged_by_the_regular_expressions_of_the_engine_that_runs_it(
    text: str, oxigraph: str | None, rdflib: str | None, build_dir: Path, query_graph: Graph
) -> None:
    with pipeline.open_graph(build_dir) as graph:
        for engine, refused in ((graph, oxigraph), (query_graph, rdflib)):
            if refused is None:
                pipeline.query(engine, text)
            else:
                with pytest.raises(QueryError, match=re.escape(refused)):
                    pipeline.query(engine, text)


@pytest.mark.parametrize(
    "text",
    [
        # valid patterns, flags, and what only looks like a pattern
        'SELECT ?t WHERE { ?c dcterms:title ?t FILTER regex(?t, "^推进大财政", "i") }',
        'SELECT ?t WHERE { ?c dcterms:title ?t FILTER regex(?t, """大财政\\\\S*""") }',
        "SELECT ?t WHERE { ?c dcterms:title ?t\n"
        '  FILTER (regex(?t, "大财政") && ?t != "regex(?t, \'(\')") }',
        'SELECT ?t WHERE { ?c dcterms:title ?t # regex(?t, "(")\n FILTER regex(?t, "大财政") }',
        "SELECT ?t WHERE { ?c dcterms:title ?t\n"
        '  FILTER regex(CONCAT(?t, "(", ")"), "大财政体系建设\\\\(") }',
    ],
)
def test_a_valid_pattern_and_the_word_regex_elsewhere_are_left_as_they_are(
    text: str, build_dir: Path, query_graph: Graph
) -> None:
    with pipeline.open_graph(build_dir) as graph:
        assert len(pipeline.query(graph, text).rows) == 1
    assert len(pipeline.query(query_graph, text).rows) == 1


@pytest.mark.parametrize(
    ("text", "oxigraph"),
    [
        ('ASK { FILTER regex("ab", ".", "q") }', False),
        ('ASK { FILTER regex("a(b", "(", "q") }', True),
        ('ASK { FILTER regex("ab", "a b", "x") }', True),
        ('SELECT (REPLACE("a.b", ".", "-", "iq") AS ?r) WHERE {}', [(Literal("a-b"),)]),
    ],
)
def test_the_flags_q_and_x_are_refused_on_rdflib_s_engine_which_ignores_them(
    text: str, oxigraph: object, build_dir: Path, query_graph: Graph
) -> None:
    # rdflib's engine ignored q and x: regex("ab", ".", "q") was true there, false on
    # Oxigraph (and in SPARQL), and REPLACE("a.b", ".", "-", "q") gave "---", not "a-b".
    with pipeline.open_graph(build_dir) as graph:
        result = pipeline.query(graph, text)
    assert (result.rows if result.boolean is None else result.boolean) == oxigraph
    flag = "q" if "q" in text.rsplit(",", 1)[1] else "x"
    with pytest.raises(QueryError, match=f"rdflib's engine .* ignores the flag {flag}"):
        pipeline.query(query_graph, text)


def test_a_pattern_the_query_computes_is_an_error_for_the_engine_as_sparql_says(
    build_dir: Path, query_graph: Graph
) -> None:
    # Not in the query's text: Oxigraph takes the error for false (SPARQL 1.1, 17.3), as
    # README says; rdflib's engine raises Python's error, as a failed query.
    text = 'SELECT ?t WHERE { VALUES ?p { "(" } ?c dcterms:title ?t FILTER regex(?t, ?p) }'
    with pipeline.open_graph(build_dir) as graph:
        assert pipeline.query(graph, text).rows == []
    with pytest.raises(QueryError, match="query failed: missing \\)"):
        pipeline.query(query_graph, text)


def test_a_query_that_fails_as_it_runs_is_named_by_its_file(
    query_graph: Graph, tmp_path: Path
) -> None:
    # rdflib's engine raised Python's error for a pattern the query computes: the message
    # named neither the file nor the query, where every other error of a query names it
    file = tmp_path / "mine.rq"
    file.write_text(
        'SELECT ?t WHERE { VALUES ?p { "(" } ?c dcterms:title ?t FILTER regex(?t, ?p) }',
        encoding="utf-8",
    )
    with pytest.raises(QueryError) as failed:
        pipeline.query(query_graph, str(file))
    assert str(failed.value).startswith(f"{file}: query failed: missing ),"), failed.value


def test_a_bind_whose_expression_fails_leaves_its_variable_unbound_on_both_engines(
    build_dir: Path, query_graph: Graph
) -> None:
    text = "SELECT ?c ?x WHERE { ?c a rg:ReformCase BIND (1/0 AS ?x) }"
    with pipeline.open_graph(build_dir) as graph:
        on_oxigraph = pipeline.query(graph, text).rows
    on_rdflib = pipeline.query(query_graph, text).rows
    assert len(on_oxigraph) == len(on_rdflib) == 8
    assert {row[1] for row in on_oxigraph + on_rdflib} == {None}


@pytest.mark.xfail(
    strict=True,
    reason="rdflib drops the solution that binds nothing (SELECT ?x WHERE {} gives no row,"
    " where SPARQL gives one): a BIND that fails in a group of nothing else gives no row",
)
def test_a_failed_bind_alone_in_its_group_gives_one_row_on_rdflib_as_on_oxigraph(
    build_dir: Path, query_graph: Graph
) -> None:
    text = "SELECT ?x WHERE { BIND (1/0 AS ?x) }"
    with pipeline.open_graph(build_dir) as graph:
        assert pipeline.query(graph, text).rows == [(None,)]
    assert pipeline.query(query_graph, text).rows == [(None,)]


@pytest.mark.xfail(
    strict=True,
    reason="rdflib 7.6 ignores a FILTER of the constant false (RDFLib/rdflib#3381): every"
    " row is kept; FILTER (1 = 2) is honoured",
)
def test_a_filter_of_false_keeps_no_row_on_rdflib_as_on_oxigraph(
    build_dir: Path, query_graph: Graph
) -> None:
    text = "SELECT ?c WHERE { ?c a rg:ReformCase FILTER (false) }"
    with pipeline.open_graph(build_dir) as graph:
        assert pipeline.query(graph, text).rows == []
    assert pipeline.query(query_graph, text).rows == []


def test_a_table_shows_the_control_characters_of_a_literal_by_their_symbols(
    tmp_path: Path,
) -> None:
    # An RDF file from someone else (--graph) sent its literals' terminal commands to the
    # terminal as they were: \e]0; retitled the window, \e[2J cleared the screen.
    from reformgraph.cli import app
    from reformgraph.queries import display_term

    graph = tmp_path / "theirs.nt"
    graph.write_text(
        '<http://ex/a> <http://ex/p> "a \\u001B]0;title\\u0007 \\u001B[2J b\\r\\nc \\u0085 d" .\n',
        encoding="utf-8",
    )
    text = "SELECT ?o WHERE { <http://ex/a> ?p ?o }"
    table = CliRunner().invoke(app, ["query", text, "--graph", str(graph)])
    assert table.exit_code == 0, table.output
    assert "a \u241b]0;title\u2407 \u241b[2J b\u23cec \\u0085 d" in table.stdout
    literal = ox.Literal("a \x1b]0;title\x07 \x1b[2J b\r\nc \x85 d")
    assert display_term(literal, {}) == "a \u241b]0;title\u2407 \u241b[2J b\nc \\u0085 d"
    # CSV and JSON are data: the literal as it is
    csv = CliRunner().invoke(app, ["query", text, "--graph", str(graph), "-f", "csv"])
    assert "a \x1b]0;title\x07 \x1b[2J b\r\nc \x85 d".encode() in csv.stdout_bytes


def test_a_table_shows_the_invisible_characters_of_a_literal_by_their_escapes(
    tmp_path: Path,
) -> None:
    # A RIGHT-TO-LEFT OVERRIDE in a literal of an RDF file (--graph) reversed what the
    # terminal showed after it; a zero-width space made hu<U+200B>bei look like hubei.
    from reformgraph.cli import app
    from reformgraph.queries import display_term

    graph = tmp_path / "theirs.nt"
    graph.write_text(
        '<http://ex/a> <http://ex/p> "total: \\u202E0001 :rebmun" .\n'
        '<http://ex/b> <http://ex/p> "hu\\u200Bbei \\U000E0041" .\n',
        encoding="utf-8",
    )
    text = "SELECT ?o WHERE { ?s <http://ex/p> ?o } ORDER BY ?s"
    table = CliRunner().invoke(app, ["query", text, "--graph", str(graph)])
    assert table.exit_code == 0, table.output
    assert "total: \\u202e0001 :rebmun" in table.stdout
    assert "hu\\u200bbei \\U000e0041" in table.stdout
    assert display_term(ox.Literal("\u2067a\u2069"), {}) == "\\u2067a\\u2069"
    # CSV is data: the literal as it is
    csv = CliRunner().invoke(app, ["query", text, "--graph", str(graph), "-f", "csv"])
    assert "total: \u202e0001 :rebmun".encode() in csv.stdout_bytes


# --------------------------------------------------------------------------- where queries read

CLASS_LABELS = (
    "SELECT ?l WHERE { <https://w3id.org/reformgraph/ontology/ReformCase>"
    " <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l"
)


def test_a_store_with_the_ontology_in_its_named_graph_only_still_answers_with_it(
    build_dir: Path, tmp_path: Path
) -> None:
    # Stores built before the ontology was also put in the default graph: queries must
    # see the union of the graphs, or every class and property label is gone.
    import pyoxigraph as ox

    from reformgraph import engine
    from reformgraph.io import ontology_file

    store = ox.Store(str(tmp_path / "store"))
    store.load(path=str(build_dir / "reformgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.load(
        path=str(ontology_file("reformgraph.ttl")),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(engine.ONTOLOGY_GRAPH),
    )
    store.flush()
    del store
    engine.write_build_info(tmp_path / "store")  # refused as another version's otherwise
    old = engine.open_store(tmp_path / "store")
    assert not engine.ontology_in_default_graph(old)
    new = engine.open_store(build_dir / "store")
    assert engine.ontology_in_default_graph(new)
    old_labels = [row[0].value for row in engine.run_sparql(old, CLASS_LABELS).rows]
    assert old_labels == [row[0].value for row in engine.run_sparql(new, CLASS_LABELS).rows]
    assert len(old_labels) == 2


def test_a_build_folder_holding_only_the_ntriples_is_queried_from_them(
    build_dir: Path, tmp_path: Path
) -> None:
    from reformgraph import engine
    from reformgraph.io import ontology_file

    (tmp_path / "reformgraph.nt").write_bytes((build_dir / "reformgraph.nt").read_bytes())
    store = engine.query_store(tmp_path, None, ontology_file("reformgraph.ttl"))
    assert len(engine.run_sparql(store, QUERIES["cases"].text).rows) == 8
    assert len(engine.run_sparql(store, CLASS_LABELS).rows) == 2


def test_the_triples_of_a_construct_come_in_a_fixed_sorted_order(build_dir: Path) -> None:
    from reformgraph import engine

    store = engine.open_store(build_dir / "store")
    text = (
        "CONSTRUCT { ?s <urn:p> ?o } WHERE { ?s <https://w3id.org/reformgraph/ontology/marker> ?o }"
    )
    for run in (engine.run_sparql(store, text).rows, list(engine.stream_sparql(store, text).rows)):
        keys = [tuple(str(term) for term in triple) for triple in run]
        assert len(keys) > 10
        assert keys == sorted(keys)


# --------------------------------------------------------------------------- every engine alike


def _engines(build_dir: Path, query_graph: Graph) -> dict[str, Any]:
    """Each way to run SPARQL text on the build: a function of the text giving the rows'
    values as text, or raising QueryError with the message the user sees."""
    from typer.testing import CliRunner

    from reformgraph import engine
    from reformgraph.cli import app
    from reformgraph.queries import run_query_on_store, term_text

    def values(result: QueryResult) -> list[tuple[str, ...]]:
        return sorted(tuple(term_text(term) for term in row) for row in result.rows)

    def cli(text: str) -> list[tuple[str, ...]]:
        result = CliRunner().invoke(app, ["query", text, "-f", "csv", "--build", str(build_dir)])
        if result.exit_code != 0:
            raise QueryError(result.stderr.strip())
        lines = result.stdout.lstrip("\ufeff").splitlines()[1:]
        return sorted(tuple(line.split(",")) for line in lines)

    store = engine.open_store(build_dir / "store")
    graph = pipeline.open_graph(build_dir)
    return {
        "store": lambda text: values(run_query_on_store(store, load_query(text, Path.cwd()))),
        "open_graph": lambda text: values(pipeline.query(graph, text)),
        "load_graph": lambda text: values(pipeline.query(query_graph, text)),
        "command-line": cli,
    }


ENGINES = ["store", "open_graph", "load_graph", "command-line"]


@pytest.mark.parametrize("engine_name", ENGINES)
def test_the_prefixes_of_the_tables_need_no_declaration_on_any_engine(
    build_dir: Path, query_graph: Graph, engine_name: str
) -> None:
    # Worked over pipeline.open_graph only: load_graph said "Unknown namespace prefix : rg",
    # the command line six lines of Unicode ranges.
    run = _engines(build_dir, query_graph)[engine_name]
    cases = run("SELECT ?x WHERE { ?x a rg:ReformCase }")
    assert len(cases) == 8
    assert all(row[0].startswith(str(DATA) + "case/") for row in cases)
    titled = run("SELECT ?t WHERE { ?c a rg:ReformCase ; dcterms:title ?t }")
    assert ("推进大财政体系建设",) in titled
    # A query's own declaration is the one that counts.
    own = run("PREFIX rg: <urn:x:> SELECT ?x WHERE { BIND(rg:a AS ?x) }")
    assert own == [("urn:x:a",)]


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize("prefix", ["foo", "brick"])
def test_an_unknown_prefix_is_named_with_its_line_and_column_on_every_engine(
    build_dir: Path, query_graph: Graph, engine_name: str, prefix: str
) -> None:
    # brick: is among the prefixes rdflib binds to every graph: accepted there only.
    run = _engines(build_dir, query_graph)[engine_name]
    with pytest.raises(QueryError) as refused:
        run(f"SELECT ?x\nWHERE {{ ?x {prefix}:p ?y }}")
    message = " ".join(str(refused.value).split())
    assert f"SPARQL syntax error at line 2, column 12: unknown prefix {prefix}:" in message
    assert f"PREFIX {prefix}: <" in message
    # the line of the query and a caret under the column, as every syntax error has
    pointer = f"  2 | WHERE {{ ?x {prefix}:p ?y }}\n    |" + " " * 12 + "^"
    assert str(refused.value).endswith(pointer)


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_syntax_error_of_oxigraph_reads_without_its_grammar_s_character_ranges(
    build_dir: Path, query_graph: Graph, engine_name: str
) -> None:
    run = _engines(build_dir, query_graph)[engine_name]
    with pytest.raises(QueryError, match=r"SPARQL syntax error at line 1, column \d+") as refused:
        run("SELECT ?x WHERE { ?x ")
    message = str(refused.value)
    assert "\\u{" not in message
    assert "..=" not in message
    assert len(message) < 300, message


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_syntax_error_oxigraph_puts_at_the_end_is_placed_at_the_clause_that_cannot_be_read(
    build_dir: Path, query_graph: Graph, engine_name: str
) -> None:
    # Oxigraph said "line 5, column 1: expected one of CEIL, LANG, …" for a query of four
    # lines whose FILTER, on line 3, has no right-hand side.
    run = _engines(build_dir, query_graph)[engine_name]
    with pytest.raises(QueryError) as refused:
        run("SELECT ?c WHERE {\n  ?c a rg:ReformCase\n  FILTER(?c = )\n}\n")
    lines = str(refused.value).rstrip("\n").splitlines()
    assert lines[0].endswith(
        "SPARQL syntax error at line 3, column 3: what begins with 'FILTER' cannot be read as"
        " SPARQL"
    ), lines
    assert lines[1:] == ["  3 |   FILTER(?c = )", "    |   ^"]


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?c\nWHERE { ?c a rg:ReformCase }\n\tLIMIT x",
        "SELECT ?c\nWHERE {\n\t?c rg:position ?p FILTER(?p > )\n}",
        "SELECT ?x WHERE { ?x ",
    ],
)
def test_a_syntax_error_shows_its_line_with_a_caret_under_the_column(
    build_dir: Path, query_graph: Graph, engine_name: str, text: str
) -> None:
    run = _engines(build_dir, query_graph)[engine_name]
    with pytest.raises(QueryError) as refused:
        run(text)
    first, shown, caret = str(refused.value).rstrip("\n").splitlines()
    found = re.search(r"SPARQL syntax error at line (\d+), column (\d+): \S", first)
    assert found, first
    line, column = int(found[1]), int(found[2])
    source = text.splitlines()[line - 1]
    gutter = f"  {line} | "
    # (the command line's console expands tabs, to the same columns)
    assert shown.expandtabs() == f"{gutter}{source}".expandtabs()
    # the caret under the column (a column past the end: just after the last character)
    assert caret.endswith("^"), caret
    assert caret.expandtabs().index("^") == len(f"{gutter}{source[: column - 1]}".expandtabs())


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_syntax_errors_caret_stands_under_its_column_after_chinese_and_control_characters(
    build_dir: Path, query_graph: Graph, engine_name: str
) -> None:
    # The caret stood a column short for each Chinese character before it (a terminal
    # gives each two), and the line was printed with its escape (\e[2J cleared the screen).
    import unicodedata

    run = _engines(build_dir, query_graph)[engine_name]
    with pytest.raises(QueryError) as refused:
        run('SELECT ?t WHERE { ?c dcterms:title "推进\x1b[2J建设"@zh ; foo }')
    _, shown, caret = str(refused.value).rstrip("\n").splitlines()
    assert "\x1b" not in shown
    assert '"推进\u241b[2J建设"@zh ; foo }' in shown
    before = shown[: shown.index("foo")]
    width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in before)
    assert caret.index("^") == width, (shown, caret)


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize(
    ("text", "line", "column", "named"),
    [
        # a direction control in a comment: the line after it shows reversed
        (
            "SELECT ?c WHERE {\n  ?c a rg:ReformCase . # \u202e} LIMIT 1 {\n}",
            2,
            26,
            "U+202E RIGHT-TO-LEFT OVERRIDE",
        ),
        # a zero-width space copied with a title: the string matched nothing, without a word
        (
            'SELECT ?c WHERE { ?c dcterms:title "推进大财政体系建设\u200b"@zh }',
            1,
            46,
            "U+200B ZERO WIDTH SPACE",
        ),
    ],
    ids=["direction-control-in-a-comment", "zero-width-space-in-a-string"],
)
def test_a_query_holding_an_invisible_character_is_refused_with_its_line_and_column(
    build_dir: Path,
    query_graph: Graph,
    engine_name: str,
    text: str,
    line: int,
    column: int,
    named: str,
) -> None:
    run = _engines(build_dir, query_graph)[engine_name]
    with pytest.raises(QueryError) as refused:
        run(text)
    first, shown, caret = str(refused.value).rstrip("\n").splitlines()
    assert f"line {line}, column {column}: {named}" in first, first
    assert "is not allowed in a query" in first
    assert f"write it as the escape \\u{named[2:6].lower()}" in first
    assert not any(c in shown for c in "\u202e\u200b")  # shown by its escape:
    assert f"\\u{named[2:6].lower()}" in shown
    assert caret.endswith("^")


def test_an_invisible_character_written_as_an_escape_in_a_query_string_is_allowed(
    build_dir: Path,
) -> None:
    with pipeline.open_graph(build_dir) as graph:
        rows = pipeline.query(graph, 'SELECT ?t WHERE { ?c dcterms:title "a\\u200bb" }').rows
    assert rows == []


@pytest.mark.parametrize("engine_name", ENGINES)
@pytest.mark.parametrize(
    ("text", "what"), [("", "empty"), ("  \n", "empty"), ("# cases\n", "only comments")]
)
def test_an_empty_query_file_is_called_empty(
    build_dir: Path, query_graph: Graph, tmp_path: Path, engine_name: str, text: str, what: str
) -> None:
    # It was "SPARQL syntax error at line 1, column 1: expected", and nothing after.
    run = _engines(build_dir, query_graph)[engine_name]
    path = tmp_path / "mine.rq"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryError, match=f"mine.rq: there is no query: the text is {what}"):
        run(str(path))


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_prefixed_name_with_a_slash_as_the_tables_print_it_is_named_with_its_full_iri(
    build_dir: Path, query_graph: Graph, engine_name: str
) -> None:
    run = _engines(build_dir, query_graph)[engine_name]
    with pytest.raises(QueryError) as refused:
        run("SELECT ?p WHERE { rgd:case/big-fiscal-system ?p ?o }")
    message = " ".join(str(refused.value).split())
    assert (
        "SPARQL syntax error at line 1, column 19: a prefixed name cannot hold '/'"
        f" (rgd:case/big-fiscal-system): write the full IRI, <{DATA}case/big-fiscal-system>"
    ) in message
    assert run(f"SELECT ?p WHERE {{ <{DATA}case/big-fiscal-system> rg:position ?p }}") == [("1",)]


def test_a_property_path_is_not_taken_for_a_prefixed_name_with_a_slash() -> None:
    from reformgraph.queries import _slashed_name

    assert _slashed_name("{ ?s rdf:type/rdfs:subClassOf ?o }") is None
    assert _slashed_name("{ ?s skos:broader/^skos:narrower ?o }") is None
    assert _slashed_name("{ ?s rdf:type/a ?o }") is None
    assert _slashed_name('{ ?s ?p "rg:a/b" } # rg:a/b') is None
    assert _slashed_name("{ ?s rg:p/rg:q/tail ?o }") == ("rg:q/tail", 1, 11)


def test_oxigraph_s_expected_lists_keep_their_words_and_lose_their_ranges() -> None:
    from reformgraph.queries import _readable

    grammar = (
        "expected one of \"!\", \"$\", \"(\", \",\", ['%'], ['-' | '0' ..= '9' | '\\u{00B7}'],"
        " ['.'], ['A' ..= 'Z' | 'a' ..= 'z' |\n'\\u{00C0}'..='\\u{00D6}'], ['\\\\'], [_]"
    )
    assert _readable(grammar) == (
        'expected one of "!", "$", "(", ",", "%", a character of a name, ".", "\\"'
    )
    assert _readable("expected IRI parsing failed") == "expected IRI parsing failed"


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_each_saved_query_declares_every_prefix_it_uses(query: SavedQuery) -> None:
    """An endpoint knows no prefixes: the saved queries stay runnable anywhere as written."""
    from reformgraph.queries import unknown_prefix, with_prefixes

    assert unknown_prefix(query.text) is None
    assert with_prefixes(query.text) == query.text


def test_a_query_sent_to_an_endpoint_declares_the_prefixes_it_leaves_undeclared(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyoxigraph as ox

    from reformgraph import remote
    from reformgraph.errors import EndpointUnreachable

    sent: list[str] = []

    def post(session: object, endpoint: str, text: str, *args: object, **kwargs: object) -> None:
        sent.append(text)
        raise EndpointUnreachable("not sent")

    monkeypatch.setattr(remote, "_post_query", post)
    query = load_query("SELECT ?x WHERE { ?x a rg:ReformCase ; dcterms:title ?t }", Path.cwd())
    with pytest.raises(EndpointUnreachable):
        remote.query_endpoint("http://127.0.0.1:1/query", query)
    (text,) = sent
    ox.Store().query(text)  # no prefix left undeclared: parses without any given
    assert text.endswith("> " + query.text)  # on its first line: errors keep their lines
    assert text.count("\n") == query.text.count("\n")
    assert text.count("PREFIX") == 2


# ------------------------------------------------------------------ failures while evaluating


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", "query failed: "),
        (
            # computed, so not refused before it runs as a pattern in the query's text is
            "SELECT ?t WHERE { ?c <http://purl.org/dc/terms/title> ?t"
            ' FILTER(REGEX(?t, CONCAT("(", ""))) }',
            "query failed: ",
        ),
        # refused before rdflib sends it (it raised URLError from the request)
        (
            "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
            "a SERVICE clause, which reformgraph does not run",
        ),
    ],
    ids=["graph-on-a-graph", "bad-regex", "service-unreachable"],
)
def test_a_failure_while_rdflib_evaluates_a_query_is_a_query_error(
    query_graph: Graph, text: str, message: str
) -> None:
    # rdflib evaluates as the rows are read: its Exception, re.error and URLError escaped.
    with pytest.raises(QueryError, match=message):
        pipeline.query(query_graph, load_query(text, Path.cwd()))


def test_an_indented_header_line_goes_on_with_the_line_above_it_whatever_its_key() -> None:
    # A line under the question was dropped, one under a question@zh after the columns went
    # to the last column, and Chinese lines were joined with a space.
    query = parse_header(
        "q",
        "# question: Which cases,\n"
        "#   and where?\n"
        "# column ?n: the rank\n"
        "# question@zh: 哪些案例,\n"
        "#   在哪里?\n"
        "# a note of the author's\n"
        "#   not part of any meaning\n"
        "SELECT ?n WHERE { BIND(3 AS ?n) }",
    )
    assert query.question == "Which cases, and where?"
    assert query.question_zh == "哪些案例,在哪里?"
    assert [c.doc for c in query.columns] == ["the rank"]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (["case"], "write NAME=VALUE"),
        (["?=x"], "write NAME=VALUE"),
        (["case=a", "$case=b"], "parameter case given twice"),
    ],
)
def test_a_malformed_or_repeated_parameter_is_refused(items: list[str], message: str) -> None:
    from reformgraph.errors import QueryError
    from reformgraph.queries import parse_params

    with pytest.raises(QueryError, match=re.escape(message)):
        parse_params(items)


def test_parameters_are_named_with_or_without_their_question_mark() -> None:
    from reformgraph.queries import parse_params

    assert parse_params(["?case=a=b", " type =rg:Platform"]) == {
        "case": "a=b",
        "type": "rg:Platform",
    }


# --------------------------------------------------------------------------- two reports


def _cases_in_source_order(store: Any) -> dict[str, tuple[str, int]]:
    from reformgraph import engine

    return {
        row[0].value: (row[1].value, int(row[2].value))
        for row in engine.run_sparql(
            store,
            "SELECT ?case ?source ?position WHERE { ?case a rg:ReformCase ;"
            " dcterms:source ?source ; rg:position ?position }",
        ).rows
    }


#: The queries that list cases' contents case by case (the others rank or count first).
CASE_BY_CASE = sorted(
    name
    for name, query in QUERIES.items()
    if not query.is_violation_check
    and name not in ("offices", "shared-entities", "shared-entity-counts")
)


@pytest.mark.parametrize("name", CASE_BY_CASE)
def test_the_cases_of_two_reports_come_report_by_report_in_source_order(
    synthetic_build: Path, name: str
) -> None:
    """Case 1 of the second report came before case 2 of the first: the queries sorted by
    position in the source alone."""
    from reformgraph import engine
    from reformgraph.queries import run_query_on_store

    store = engine.open_store(synthetic_build / "store")
    order = _cases_in_source_order(store)
    assert len({source for source, _ in order.values()}) >= 2, "the build has two reports"
    # a fact of a report's introduction names the report as its case: before its cases
    order |= {source: (source, 0) for source, _ in list(order.values())}
    result = run_query_on_store(store, QUERIES[name])
    column = result.variables.index("case")
    seen = [row[column].value for row in result.rows]
    assert len(set(seen)) >= 2, f"{name} lists cases of one report only"
    keys = [order[case] for case in seen]
    assert keys == sorted(keys), f"{name}: {list(dict.fromkeys(keys))}"


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s ?t WHERE {\n  ?s a rg:ReformCase\n  ?s dcterms:title ?t\n}",
        "SELECT ?s ?t WHERE { ?s a rg:ReformCase ?s dcterms:title ?t }",
        "SELECT ?s ?t WHERE { ?s a rg:ReformCase ; dcterms:title ?t ?x dcterms:title ?t }",
    ],
)
def test_a_dot_left_out_between_two_triple_patterns_is_suggested(text: str) -> None:
    # Oxigraph said only "expected OPTIONAL".
    with pytest.raises(QueryError, match=r"a '\.' left out between two triple patterns\?"):
        prepare(text)


def test_a_syntax_error_of_another_kind_gets_no_hint_of_a_missing_dot() -> None:
    with pytest.raises(QueryError) as caught:
        prepare("SELECT ?s WHERE { ?s ?p ?o . FILTER(?s = ) }")
    assert "left out" not in str(caught.value)


def test_an_entity_s_cases_and_an_office_s_titles_come_report_by_report(
    synthetic_build: Path,
) -> None:
    from reformgraph import engine
    from reformgraph.queries import run_query_on_store

    store = engine.open_store(synthetic_build / "store")
    order = _cases_in_source_order(store)
    shared = run_query_on_store(store, QUERIES["shared-entities"])
    entity, case = shared.variables.index("entity"), shared.variables.index("case")
    by_entity: dict[str, list[tuple[str, int]]] = {}
    for row in shared.rows:
        by_entity.setdefault(row[entity].value, []).append(order[row[case].value])
    assert any(len({s for s, _ in keys}) > 1 for keys in by_entity.values()), "two reports"
    for name, keys in by_entity.items():
        assert keys == sorted(keys), name
    titles = {
        row[1].value: order[row[0].value]
        for row in engine.run_sparql(
            store,
            "SELECT ?case ?t WHERE { ?case a rg:ReformCase ; dcterms:title ?t"
            ' FILTER(lang(?t) = "zh") }',
        ).rows
    }
    offices = run_query_on_store(store, QUERIES["offices"])
    column = offices.variables.index("caseTitles")
    listed = [[titles[t] for t in row[column].value.split("; ")] for row in offices.rows]
    assert any(len({s for s, _ in keys}) > 1 for keys in listed), "an office of two reports"
    assert all(keys == sorted(keys) for keys in listed), listed


#: The queries that list a case's parts in the order its text gives them, and the column
#: that names the part.
IN_READING_ORDER = {
    "measures": "measure",
    "figures": "figure",
    "changes": "change",
    "rankings": "ranking",
    "firsts": "claim",
    "pilots": "pilot",
}


@pytest.mark.parametrize("name", sorted(IN_READING_ORDER))
def test_a_case_s_parts_come_in_the_order_its_text_gives_them(
    real_or_synthetic_build: Path, name: str
) -> None:
    """As `reformgraph query` gives them, from the store: rdflib kept the data's order
    where Oxigraph, without the sort key, gave a case's measures 1, 3, 2, 4."""
    from reformgraph import engine
    from reformgraph.queries import run_query_on_store

    store = engine.open_store(real_or_synthetic_build / "store")
    starts = {
        row[0].value: int(row[1].value)
        for row in engine.run_sparql(
            store, "SELECT ?part ?start WHERE { ?part rg:evidence/oa:hasSelector/oa:start ?start }"
        ).rows
    }
    result = run_query_on_store(store, QUERIES[name])
    case, part = result.variables.index("case"), result.variables.index(IN_READING_ORDER[name])
    listed: dict[str, list[int]] = {}
    for row in result.rows:
        listed.setdefault(row[case].value, []).append(starts[row[part].value])
    assert len(listed) >= 2
    unordered = {c: s for c, s in listed.items() if s != sorted(s)}
    assert not unordered, f"{name}: {unordered}"


def test_a_bad_parameter_line_of_a_header_is_named_by_its_line() -> None:
    text = "# question: Which?\n# param office (irl): the office\nSELECT ?office WHERE {}\n"
    with pytest.raises(QueryError, match=r"^my\.rq: line 2: bad parameter line '# param office"):
        parse_header("my", text, "my.rq")


def test_a_line_that_places_a_parameter_the_header_does_not_declare_is_named_by_its_line() -> None:
    # A misspelt "# if bound ?cas:" stayed a comment whatever was bound: the subquery was
    # never limited, and nothing said why the query was no faster.
    text = _PLACED_QUERY.replace("# if bound ?type:", "# if bound ?typ:")
    with pytest.raises(
        QueryError,
        match=(
            r"^my\.rq: line 7: '# if bound \?typ:' names no parameter of the query's header"
            r" \(its parameters: type\)$"
        ),
    ):
        parse_header("my", text, "my.rq")
    assert parse_header("my", _PLACED_QUERY, "my.rq").params[0].name == "type"


def test_a_class_parameter_limited_to_a_class_refuses_one_outside_it() -> None:
    # -p type=rg:Platform on instruments gave no rows, and no word why.
    with pytest.raises(
        QueryError, match=r"'rg:Platform' is not rg:PolicyInstrument nor a subclass"
    ):
        bind_params(QUERIES["instruments"], {"type": "rg:Platform"})
    law = bind_params(QUERIES["instruments"], {"type": "rg:Law"})["type"]
    assert law.value == f"{RG}Law"
    (param,) = [p for p in QUERIES["instruments"].params if p.name == "type"]
    assert param.within == "rg:PolicyInstrument"


def test_a_range_on_a_parameter_that_is_not_a_class_is_a_bad_header_line() -> None:
    text = "# question: Which?\n# param office (iri of rg:Office): the office\nSELECT * {}\n"
    with pytest.raises(QueryError, match="line 2: bad parameter line"):
        parse_header("my", text, "my.rq")


# --------------------------------------------------------------------------- graph answers

_OFFICES = (
    "PREFIX rg: <https://w3id.org/reformgraph/ontology/>\n"
    "CONSTRUCT { ?case rg:responsibleOffice ?office } WHERE { ?case rg:responsibleOffice ?office }"
)


def _graph_of(data: bytes, output_format: str) -> Graph:
    """The graph of an N-Triples or Turtle answer, read by pyoxigraph (an independent
    parser), as an rdflib Graph."""
    fmt = ox.RdfFormat.N_TRIPLES if output_format == "nt" else ox.RdfFormat.TURTLE
    ntriples = ox.serialize(ox.parse(data, format=fmt), format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=ntriples or b"", format="nt")


@pytest.mark.parametrize("output_format", ["nt", "ttl"])
def test_a_construct_answer_prints_as_rdf_with_the_triples_rdflib_constructs(
    build_dir: Path, query_graph: Graph, output_format: str
) -> None:
    """-f csv gave a CONSTRUCT's graph as subject/predicate/object rows, which no RDF tool
    reads; -f nt and -f ttl give the graph itself, locally and from --graph FILE."""
    from rdflib.compare import graph_diff, isomorphic

    from reformgraph.cli import app

    expected = Graph()
    for triple in query_graph.query(_OFFICES):
        expected.add(triple)
    assert len(expected) == 8
    for where in (["--build", str(build_dir)], ["--graph", str(build_dir / "reformgraph.ttl")]):
        result = CliRunner().invoke(app, ["query", _OFFICES, "-f", output_format, *where])
        assert result.exit_code == 0, result.output
        got = _graph_of(result.stdout_bytes, output_format)
        _, missing, extra = graph_diff(expected, got)
        assert isomorphic(expected, got), (list(missing), list(extra))
    if output_format == "ttl":
        assert result.stdout.startswith("@prefix rg: <https://w3id.org/reformgraph/ontology/> .")
        assert "@prefix oa:" not in result.stdout  # only the prefixes the triples use


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_a_describe_answer_is_saved_and_exported_as_the_file_suffix_says(
    build_dir: Path, tmp_path: Path, suffix: str
) -> None:
    from reformgraph.cli import app

    describe = "DESCRIBE <https://w3id.org/reformgraph/id/case/big-fiscal-system>"
    saved = tmp_path / f"saved{suffix}"
    result = CliRunner().invoke(
        app, ["query", describe, "--build", str(build_dir), "--save", str(saved)]
    )
    assert result.exit_code == 0, result.output
    triples = len(_graph_of(saved.read_bytes(), suffix[1:]))
    assert triples > 20
    assert f"{triples} triple(s) written to" in result.stderr
    exported = tmp_path / f"exported{suffix}"
    assert pipeline.export_query(build_dir, describe, exported) == triples
    assert exported.read_bytes() == saved.read_bytes()  # sorted: the same bytes


@pytest.mark.parametrize(("query", "form"), [("cases", "SELECT"), ("ASK { ?s ?p ?o }", "ASK")])
def test_a_graph_format_for_rows_or_a_yes_or_no_is_refused_saying_which_formats_fit(
    build_dir: Path, tmp_path: Path, query: str, form: str
) -> None:
    from reformgraph.cli import app

    result = CliRunner().invoke(app, ["query", query, "-f", "ttl", "--build", str(build_dir)])
    assert result.exit_code == 2
    article = "an" if form == "ASK" else "a"
    assert f"this is {article} {form} query" in result.stderr
    assert "use table, csv or json" in result.stderr
    assert "Traceback" not in result.output
    target = tmp_path / "out.nt"
    with pytest.raises(QueryError, match=f"this is {article} {form} query"):
        pipeline.export_query(build_dir, query, target)
    assert not target.exists()


@pytest.mark.parametrize("output_format", ["nt", "ttl"])
def test_a_construct_answer_with_blank_nodes_gives_the_same_bytes_every_run_and_engine(
    build_dir: Path, output_format: str
) -> None:
    """Each run of a CONSTRUCT makes new blank nodes: written by the engine's labels, the
    same answer gave other bytes (and another order) at every run and from every engine."""
    from reformgraph.cli import app

    construct = (
        "CONSTRUCT { ?case rg:office [ rdfs:label ?office ] } WHERE {"
        " ?case rg:responsibleOffice/skos:prefLabel ?office }"
    )
    answers = []
    for where in (
        ["--build", str(build_dir)],
        ["--build", str(build_dir)],
        ["--graph", str(build_dir / "reformgraph.nt")],
    ):
        result = CliRunner().invoke(app, ["query", construct, "-f", output_format, *where])
        assert result.exit_code == 0, result.output
        answers.append(result.stdout_bytes)
    assert len(_graph_of(answers[0], output_format)) == 32
    assert answers[1] == answers[0]
    assert answers[2] == answers[0]


def test_a_turtle_answer_of_tagged_texts_declares_no_rdf_prefix_it_does_not_use(
    build_dir: Path,
) -> None:
    """A text tagged @zh has the datatype rdf:langString, which Turtle never writes."""
    from reformgraph.cli import app

    construct = (
        "CONSTRUCT { ?case dcterms:title ?t } WHERE { ?case a rg:ReformCase ; dcterms:title ?t }"
    )
    result = CliRunner().invoke(app, ["query", construct, "-f", "ttl", "--build", str(build_dir)])
    assert result.exit_code == 0, result.output
    assert len(_graph_of(result.stdout_bytes, "ttl")) == 16
    assert "@prefix rdf:" not in result.stdout
    assert result.stdout.startswith("@prefix rgd: <https://w3id.org/reformgraph/id/> .")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"x"^^xsd:nosuch', "xsd:nosuch is not an XML Schema datatype: it would match nothing"),
        ('"3"^^xsd:integr', "xsd:integr is not an XML Schema datatype (did you mean xsd:integer?)"),
        ('"3"^^foo:bar', "the datatype 'foo:bar' has a prefix, 'foo', that no query declares"),
    ],
)
def test_a_parameter_of_an_unknown_datatype_is_refused_not_matched_against_nothing(
    value: str, message: str
) -> None:
    query = load_query("SELECT ?n WHERE { VALUES ?n { 3 } }", Path.cwd())
    with pytest.raises(QueryError, match=re.escape(message)):
        bind_params(query, {"n": value})


@pytest.mark.parametrize("value", ['"3"^^xsd:integer', '"3"^^<urn:x:t>', '"3"^^urn:x:t'])
def test_a_parameter_of_a_known_or_full_iri_datatype_is_taken(value: str) -> None:
    query = load_query("SELECT ?n WHERE { VALUES ?n { 3 } }", Path.cwd())
    assert bind_params(query, {"n": value})["n"].value == "3"

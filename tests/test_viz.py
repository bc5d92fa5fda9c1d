"""Graph pages: self-contained, offline, safe with hostile labels, and drawn in a real browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

from reformgraph import analysis, pipeline, viz
from reformgraph.cli import app
from reformgraph.pipeline import write_view

from .helpers import no_parsing

HOSTILE = '<img src=x onerror="window.__xss=1">'
SCRIPT = "</script><script>window.__xss=2</script>"


def _hostile_network() -> nx.MultiDiGraph:
    network = nx.MultiDiGraph()
    network.add_node(
        "https://example.org/a",
        kind="case",
        type="ReformCase",
        label_zh=HOSTILE,
        label_en=HOSTILE,
        quote=f'<a href="javascript:window.__xss=3">href</a> {SCRIPT}',
    )
    network.add_node(
        "https://example.org/b", kind="platform", type="Platform", label_zh="平台", label_en="x",
        quote="",
    )  # fmt: skip
    network.add_edge(
        "https://example.org/a", "https://example.org/b", key="involves", relation="involves",
        label_zh=HOSTILE, label_en=HOSTILE,
    )  # fmt: skip
    return network


def _generated_network(size: int) -> nx.MultiDiGraph:
    """A synthetic graph shaped like ours: cases linking to shared entities."""
    import random

    rng = random.Random(7)
    network = nx.MultiDiGraph()
    kinds = ["office", "platform", "instrument", "place", "concept", "indicator"]
    cases = [f"https://example.org/case/{i}" for i in range(size // 10)]
    entities = [f"https://example.org/entity/{i}" for i in range(size - len(cases))]
    for node in cases:
        network.add_node(
            node, kind="case", type="ReformCase", label_zh=node[-6:], label_en=node[-6:], quote=""
        )
    for i, node in enumerate(entities):
        kind = kinds[i % len(kinds)]
        network.add_node(
            node, kind=kind, type=kind, label_zh=f"实体{i}", label_en=f"entity {i}", quote=""
        )
        for case in rng.sample(cases, k=1 + (i % 3 == 0)):
            network.add_edge(
                case,
                node,
                key="involves",
                relation="involves",
                label_zh="涉及",
                label_en="involves",
            )
    return network


# --------------------------------------------------------------------------- the file


def test_the_page_is_self_contained_with_nothing_to_load(
    query_graph: Graph, tmp_path: Path
) -> None:
    page = viz.render_html(viz.select_view(query_graph, view="full"), title="t")
    assert "vis.Network" in page
    assert "vis-network" in page
    assert not re.search(r"<script[^>]+src=", page), "no external script"
    assert not re.search(r"<link[^>]+href=", page), "no external stylesheet"
    assert not re.search(r"url\(\s*(?!['\"]?data:)", page), "styles load nothing but data: URLs"
    assert not re.search(r"@import", page)
    for host in ("cdnjs", "jsdelivr", "unpkg", "bootstrap", "googleapis"):
        assert host not in page.lower(), host
    assert "Content-Security-Policy" in page


def test_viz_writes_utf8_html_and_nothing_else_into_the_working_folder(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out" / "page.html"
    result = CliRunner().invoke(
        app, ["viz", "--graph", str(build_dir / "reformgraph.nt"), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "推进大财政体系建设" in out.read_bytes().decode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"], "no lib/ folder, no stray files"


def test_the_same_graph_gives_the_same_page(query_graph: Graph) -> None:
    network = viz.select_view(query_graph, view="cases")
    assert viz.render_html(network, title="t") == viz.render_html(network, title="t")


def test_hostile_labels_reach_the_page_only_as_escaped_data() -> None:
    page = viz.render_html(_hostile_network(), title=HOSTILE)
    assert "<img" not in page
    assert "window.__xss=2</script>" not in page
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in page  # the heading, escaped
    assert "innerHTML" not in page


def test_the_cases_view_shows_cases_and_the_entities_that_link_them(query_graph: Graph) -> None:
    network = viz.select_view(query_graph, view="cases")
    kinds = {data["kind"] for _, data in network.nodes(data=True)}
    assert "case" in kinds
    assert "measure" not in kinds
    assert "figure" not in kinds
    assert "https://w3id.org/reformgraph/id/platform/performance-evaluation-platform" in network
    relations = {data["relation"] for *_, data in network.edges(data=True)}
    assert {"responsibleOffice", "involves"} <= relations


def test_the_cases_view_holds_exactly_the_entities_the_cross_case_links_list(
    query_graph: Graph,
) -> None:
    from reformgraph import analysis

    network = viz.select_view(query_graph, view="cases")
    linked = {str(link.entity) for link in analysis.case_links(query_graph)}
    cases = {n for n, data in network.nodes(data=True) if data["kind"] == "case"}
    assert set(network) - cases == linked
    expected_edges = {
        (str(case), str(entity), str(predicate).rsplit("/", 1)[-1])
        for case, entity, predicate, _ in analysis.case_entity_links(query_graph)
        if str(entity) in linked
    }
    assert set(network.edges(keys=True)) == expected_edges


def test_a_case_view_holds_the_case_its_measures_and_what_they_name(query_graph: Graph) -> None:
    network = viz.select_view(query_graph, case="big-fiscal-system")
    kinds = [data["kind"] for _, data in network.nodes(data=True)]
    assert kinds.count("case") == 1
    assert kinds.count("measure") == 4
    assert "figure" in kinds
    assert "platform" in kinds


def test_a_case_with_another_view_is_refused_not_drawn_as_the_case(query_graph: Graph) -> None:
    # view="cases" with a case drew the case, and said nothing of the view.
    with pytest.raises(ValueError, match="case= draws its own view: leave view='cases' out"):
        viz.select_view(query_graph, view="cases", case="big-fiscal-system")
    assert viz.select_view(query_graph, case="big-fiscal-system")


def test_a_case_view_takes_the_case_as_an_id_an_iri_as_text_or_uriref_or_rgd_form(
    query_graph: Graph,
) -> None:
    from rdflib import URIRef

    from reformgraph.errors import UnknownCaseError

    iri = "https://w3id.org/reformgraph/id/case/big-fiscal-system"
    by_id = _as_lists(viz.select_view(query_graph, case="big-fiscal-system"))
    assert _as_lists(viz.select_view(query_graph, case=iri)) == by_id
    assert _as_lists(viz.select_view(query_graph, case=URIRef(iri))) == by_id
    # as the tables print it and the command line takes it (it was refused)
    assert _as_lists(viz.select_view(query_graph, case="rgd:case/big-fiscal-system")) == by_id
    assert _as_lists(viz.select_view(query_graph, case=f"<{iri}>")) == by_id
    with pytest.raises(UnknownCaseError, match="no case 'nope' in the graph"):
        viz.select_view(query_graph, case="nope")


def test_a_case_view_of_a_case_drawn_as_another_kind_says_so_and_suggests_nothing(
    query_graph: Graph,
) -> None:
    from rdflib import RDF, URIRef

    from reformgraph.errors import UnknownCaseError

    # a crafted graph: a case that is also a reform office is drawn as the office; the
    # error said "no case 'big-fiscal-system' in the graph; did you mean big-fiscal-system?"
    crafted = Graph()
    crafted += query_graph
    iri = URIRef("https://w3id.org/reformgraph/id/case/big-fiscal-system")
    crafted.add((iri, RDF.type, URIRef("https://w3id.org/reformgraph/ontology/ReformOffice")))
    with pytest.raises(UnknownCaseError) as raised:
        viz.select_view(crafted, case="big-fiscal-system")
    message = str(raised.value)
    assert "'big-fiscal-system' is a case, but the graph also gives it the class of a" in message
    assert "office" in message
    assert "did you mean" not in message


def _as_lists(network: nx.MultiDiGraph) -> tuple[list[Any], list[Any]]:
    return sorted(network.nodes(data=True)), sorted(network.edges(keys=True, data=True))


def _neighbourhood_by_definition(network: nx.MultiDiGraph, case: str) -> nx.MultiDiGraph:
    """A case view read off the whole network: the case, the non-case nodes that point to
    it and to those, and every node they all point to."""
    (root,) = [n for n, d in network.nodes(data=True) if d["kind"] == "case" and n.endswith(case)]

    def parts_of(node: str) -> set[str]:
        return {n for n in network.predecessors(node) if network.nodes[n]["kind"] != "case"}

    parts = parts_of(root)
    parts |= {n for m in list(parts) for n in parts_of(m)}
    keep = {root, *parts}
    keep |= {o for n in list(keep) for o in network.successors(n)}
    return network.subgraph(keep)


@pytest.mark.parametrize("data", ["real", "synthetic"])
def test_each_case_view_is_that_case_s_neighbourhood_in_the_whole_network(
    data: str, request: pytest.FixtureRequest
) -> None:
    build = request.getfixturevalue("build_dir" if data == "real" else "synthetic_build")
    graph = pipeline.open_graph(build)
    whole = analysis.to_networkx(graph)
    cases = sorted(n for n, d in whole.nodes(data=True) if d["kind"] == "case")
    assert len(cases) == (8 if data == "real" else 12)
    for case in cases:
        case_id = case.rsplit("/", 1)[-1]
        view = viz.select_view(graph, case=case_id)
        assert _as_lists(view) == _as_lists(_neighbourhood_by_definition(whole, "/" + case_id))
        assert view.number_of_nodes() < whole.number_of_nodes()


def test_a_network_of_some_nodes_is_the_whole_network_s_subgraph(query_graph: Graph) -> None:
    whole = analysis.to_networkx(query_graph)
    some = sorted(whole)[::3]
    stranger = URIRef("https://example.org/not-in-the-graph")
    part = analysis.to_networkx(query_graph, nodes=[*map(URIRef, some), stranger, Literal("x")])
    assert _as_lists(part) == _as_lists(whole.subgraph(some))
    assert part.number_of_edges() > 0


@pytest.mark.parametrize("view", ["case", "cases", "construct"])
def test_only_the_full_view_reads_the_whole_network(
    query_graph: Graph, monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    calls: list[object] = []

    def recording(graph: Graph, *, nodes: Any = None) -> nx.MultiDiGraph:
        calls.append(nodes)
        return analysis.to_networkx(graph, nodes=nodes)

    monkeypatch.setattr(viz, "to_networkx", recording)
    construct = Graph()
    construct.parse(
        data="<https://example.org/a> <https://example.org/p> <https://example.org/b> .",
        format="nt",
    )
    network = viz.select_view(
        query_graph,
        view="cases" if view == "cases" else "full",
        case="big-fiscal-system" if view == "case" else None,
        construct=construct if view == "construct" else None,
    )
    assert network.number_of_nodes() > 0
    assert calls
    assert None not in calls


@pytest.mark.parametrize(
    "options",
    [["--view", "full"], ["--view", "cases", "--lang", "en"], ["--case", "big-fiscal-system"]],
    ids=["full", "cases", "case"],
)
def test_viz_reads_the_store_and_writes_the_page_the_parsed_graph_gives(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    parsed = tmp_path / "parsed.html"
    graph = str(build_dir / "reformgraph.nt")
    result = CliRunner().invoke(app, ["viz", "--graph", graph, "--out", str(parsed), *options])
    assert result.exit_code == 0, result.output

    (tmp_path / "build").symlink_to(build_dir, target_is_directory=True)
    monkeypatch.chdir(tmp_path)  # outside a project: ./build is the build
    monkeypatch.setattr(pipeline, "load_graph", no_parsing)
    stored = tmp_path / "stored.html"
    result = CliRunner().invoke(app, ["viz", "--out", str(stored), *options])
    assert result.exit_code == 0, result.output
    assert stored.read_bytes() == parsed.read_bytes()


@pytest.mark.parametrize("picture", [None, "svg"])
def test_writing_a_view_reports_each_step(
    query_graph: Graph, tmp_path: Path, picture: str | None
) -> None:
    heard: list[tuple[str, int, int]] = []
    written = write_view(
        query_graph,
        tmp_path / "view.html",
        view="cases",
        picture=picture,
        progress=lambda *step: heard.append(step),
    )
    steps = ["view", "page"] + (["picture"] if picture else [])
    assert heard == [(step, done, 1) for step in steps for done in (0, 1)]
    assert len(written) == len(steps) - 1


def test_viz_command_names_each_long_step_when_not_a_terminal(
    build_dir: Path, tmp_path: Path, slow_clock: None
) -> None:
    result = CliRunner().invoke(
        app,
        [
            "viz",
            "--view",
            "cases",
            "--graph",
            str(build_dir / "reformgraph.nt"),
            "--out",
            str(tmp_path / "cases.html"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "reading the view from the graph: 1/1 in 2.0 s" in result.stderr
    assert "writing the page: 1/1 in 2.0 s" in result.stderr


def test_a_construct_view_from_the_store_equals_the_parsed_graph_s(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    query = tmp_path / "platforms.rq"
    query.write_text(
        "PREFIX rg: <https://w3id.org/reformgraph/ontology/>\n"
        "CONSTRUCT { ?part rg:involves ?platform ; rg:partOfCase ?case }\n"
        "WHERE { ?platform a rg:Platform . ?part rg:involves ?platform ; rg:partOfCase ?case }",
        encoding="utf-8",
    )
    parsed = write_view(
        pipeline.load_graph(build_dir / "reformgraph.nt"), tmp_path / "a.html", query_file=query
    )
    monkeypatch.setattr(pipeline, "load_graph", no_parsing)
    stored = write_view(pipeline.open_graph(build_dir), tmp_path / "b.html", query_file=query)
    assert stored[0].read_bytes() == parsed[0].read_bytes()
    assert "投资项目绩效综合评价平台" in stored[0].read_text(encoding="utf-8")


def test_a_page_of_more_nodes_than_a_browser_draws_smoothly_is_written_with_a_warning(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph.errors import LargeViewWarning

    graph = pipeline.open_graph(build_dir)
    full = viz.select_view(graph).number_of_nodes()
    monkeypatch.setattr(viz, "LARGE_VIEW", full - 1)
    with pytest.warns(LargeViewWarning, match=f"{full:,} nodes") as heard:
        written = write_view(graph, tmp_path / "full.html")
    assert "one case (case=ID)" in str(heard[0].message)
    assert heard[0].filename == __file__  # the caller's line, not the library's
    assert written[0].is_file()
    write_view(graph, tmp_path / "one.html", case="big-fiscal-system")  # no warning: fewer

    result = CliRunner().invoke(
        app, ["viz", "--graph", str(build_dir / "reformgraph.nt"), "-o", str(tmp_path / "c.html")]
    )
    assert result.exit_code == 0, result.output
    assert f"warning: c.html shows {full:,} nodes" in result.output
    assert "--case ID" in result.output
    assert (tmp_path / "c.html").is_file()

    monkeypatch.setattr(viz, "LARGE_VIEW", full)
    quiet = CliRunner().invoke(
        app, ["viz", "--graph", str(build_dir / "reformgraph.nt"), "-o", str(tmp_path / "d.html")]
    )
    assert quiet.exit_code == 0, quiet.output
    assert "warning" not in quiet.output


def test_an_unknown_case_is_a_clear_error(build_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["viz", "--graph", str(build_dir / "reformgraph.nt"), "--case", "nope"]
    )
    assert result.exit_code == 2
    assert "no case 'nope' in the graph" in result.output
    assert "did you mean" not in result.output
    near = CliRunner().invoke(
        app, ["viz", "--graph", str(build_dir / "reformgraph.nt"), "--case", "big-fiscal"]
    )
    assert near.exit_code == 2
    assert "no case 'big-fiscal' in the graph; did you mean big-fiscal-system?" in near.output


@pytest.mark.parametrize(
    "title", ["推进大财政体系建设", 'Advancing the building of a  "big fiscal" system']
)
def test_a_case_given_by_its_title_is_told_its_id_and_nothing_else_is_printed(
    build_dir: Path, tmp_path: Path, title: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A title copied from the cases table was called unknown with no hint, and an English
    # one made rdflib log twice that its IRI "does not look like a valid URI".
    result = CliRunner().invoke(
        app, ["viz", "--build", str(build_dir), "--case", title, "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"no case {title!r} in the graph: that is the title of the case big-fiscal-system,"
        " which is its id (give a case's id or IRI; `reformgraph query cases` lists them)"
    )
    assert caplog.records == []
    assert list(tmp_path.iterdir()) == []


def test_a_case_given_by_its_number_is_told_its_id_as_the_query_parameter_is(
    build_dir: Path, tmp_path: Path
) -> None:
    # `viz --case 1` said only "no case '1' in the graph", where `query -p case=1` names
    # the case.
    result = CliRunner().invoke(
        app, ["viz", "--build", str(build_dir), "--case", "1", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "no case '1' in the graph: a case is given by its id, not its position: case 1 of"
        " its report is big-fiscal-system (give a case's id or IRI; `reformgraph query"
        " cases` lists them)"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_construct_query_gives_its_own_view(query_graph: Graph, tmp_path: Path) -> None:
    query = tmp_path / "offices.rq"
    query.write_text(
        "PREFIX rg: <https://w3id.org/reformgraph/ontology/>\n"
        "CONSTRUCT { ?case rg:responsibleOffice ?office }\n"
        "WHERE { ?case rg:responsibleOffice ?office }",
        encoding="utf-8",
    )
    written = write_view(query_graph, tmp_path / "offices.html", query_file=query)
    page = written[0].read_text(encoding="utf-8")
    data = json.loads(re.search(r"var data = (\{.*?\});\n", page, re.DOTALL)[1])  # type: ignore[index]
    assert len(data["nodes"]) == 8 + 6
    assert len(data["edges"]) == 8
    # Its edges are named as in the other views: by the ontology's labels.
    network = viz.select_view(
        query_graph,
        construct=Graph().parse(
            data=(
                "@prefix rg: <https://w3id.org/reformgraph/ontology/> .\n"
                "<https://w3id.org/reformgraph/id/case/big-fiscal-system> rg:responsibleOffice"
                " <https://w3id.org/reformgraph/id/org/econ-eco-reform-group-office> ."
            ),
            format="turtle",
        ),
    )
    ((_, _, edge),) = network.edges(data=True)
    assert (edge["label_zh"], edge["label_en"]) == ("责任改革办", "responsible office")


def test_a_select_query_cannot_make_a_view(build_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o } LIMIT 1", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["viz", "--graph", str(build_dir / "reformgraph.nt"), "--query", str(query)]
    )
    assert result.exit_code == 2
    assert "CONSTRUCT" in result.output


def test_english_labels_on_request(query_graph: Graph) -> None:
    page = viz.render_html(viz.select_view(query_graph, view="cases"), title="t", lang="en")
    data = json.loads(re.search(r"var data = (\{.*?\});\n", page, re.DOTALL)[1])  # type: ignore[index]
    labels = {node["label"] for node in data["nodes"]}
    assert "Hubei" in labels
    assert "湖北" not in labels
    assert {item["text"] for item in data["legend"]} >= {"case", "place"}


@pytest.mark.parametrize(
    ("lang", "labels", "shown"),
    [
        ("en", {"label_zh": "湖北"}, "湖北"),
        ("zh", {"label_en": "Hubei"}, "Hubei"),
        ("en", {"label_zh": "湖北", "label_en": ""}, "湖北"),
        ("en", {}, "https://example.org/hubei"),
    ],
)
def test_a_node_without_a_label_in_the_page_s_language_shows_its_other_label(
    lang: str, labels: dict[str, str], shown: str
) -> None:
    network = nx.MultiDiGraph()
    network.add_node("https://example.org/hubei", kind="place", type="Place", quote="", **labels)
    data = _page_data(viz.render_html(network, title="t", lang=lang))
    assert [node["label"] for node in data["nodes"]] == [shown]


def _svg_texts(root: ET.Element) -> list[str]:
    """The words of each text of a picture, its lines joined."""
    return ["".join(el.itertext()) for el in root.iter() if el.tag.endswith("}text")]


def test_an_svg_picture_is_well_formed_and_labelled(query_graph: Graph, tmp_path: Path) -> None:
    written = write_view(query_graph, tmp_path / "cases.html", view="cases", picture="svg")
    svg = written[1]
    root = ET.fromstring(svg.read_bytes())
    assert root.tag.endswith("svg")
    assert "推进大财政体系建设" in _svg_texts(root)


def test_svg_escapes_hostile_labels() -> None:
    root = ET.fromstring(viz.render_svg(_hostile_network(), title=HOSTILE).encode())
    assert HOSTILE in _svg_texts(root)  # the title
    tips = [el.text for el in root.iter() if el.tag.endswith("}title")]
    assert HOSTILE in tips  # the node's tooltip: the whole label, its lines joined as given


def test_an_svg_picture_of_labels_with_characters_xml_does_not_allow_is_well_formed() -> None:
    # A literal of an RDF file (--graph) may hold control characters, which XML 1.0 does
    # not allow: the picture was no XML, and no browser or editor opened it.
    network = _hostile_network()
    network.nodes["https://example.org/b"]["label_zh"] = "平\x01台\x1b[31m\ufffe"
    root = ET.fromstring(viz.render_svg(network, title="t\x0c").encode())
    assert "平\ufffd台\ufffd[31m\ufffd" in _svg_texts(root)


def test_invisible_characters_of_labels_are_shown_by_their_escapes_on_pages_and_pictures() -> None:
    # A label of an RDF file (--graph) may hold a zero-width space (hu<U+200B>bei was drawn
    # as hubei) or a direction control (U+202E drew what followed it reversed).
    network = _hostile_network()
    network.nodes["https://example.org/b"]["label_zh"] = "平台\u202e号一"
    network.nodes["https://example.org/b"]["label_en"] = "hu\u200bbei"
    page = viz.render_html(network, title="t\u2067", lang="zh")
    data = _page_data(page)
    (node,) = [n for n in data["nodes"] if n["id"] == "https://example.org/b"]
    assert node["label"] == "平台\\u202e号一"
    assert (node["tip"]["zh"], node["tip"]["en"]) == ("平台\\u202e号一", "hu\\u200bbei")
    shown = json.dumps(data, ensure_ascii=False)  # (vis-network's own script holds U+200B)
    assert not any(c in shown for c in "\u202e\u200b")
    assert "<title>t\\u2067</title>" in page
    svg = viz.render_svg(network, title="t", lang="en")
    assert "hu\\u200bbei" in _svg_texts(ET.fromstring(svg.encode()))
    assert not any(c in svg for c in "\u202e\u200b")


def test_an_svg_picture_has_a_legend_of_the_kinds_it_shows(query_graph: Graph) -> None:
    network = viz.select_view(query_graph, case="big-fiscal-system")
    for lang, column in (("zh", 2), ("en", 3)):
        root = ET.fromstring(viz.render_svg(network, title="t", lang=lang).encode())
        (legend,) = [el for el in root.iter() if el.get("id") == "legend"]
        kinds = {data["kind"] for _, data in network.nodes(data=True)}
        texts = ["".join(el.itertext()) for el in legend if el.tag.endswith("}text")]
        assert texts == [style[column] for kind, style in viz.STYLES.items() if kind in kinds]
        # Each entry drawn in the kind's colour, as its nodes are.
        fills = [el.get("fill") for el in legend if not el.tag.endswith("}text")]
        assert fills == [style[0] for kind, style in viz.STYLES.items() if kind in kinds]


def test_long_svg_labels_wrap_into_lines() -> None:
    network = nx.MultiDiGraph()
    title = (
        'Introducing the "one city, one platform" reform placing 110 call taking and'
        " dispatch under unified city-level management"
    )
    network.add_node(
        "https://example.org/c",
        kind="case",
        label_zh="推行110接处警市级统管“一市一台”改革",
        label_en=title,
    )
    root = ET.fromstring(viz.render_svg(network, title="t", lang="en").encode())
    (nodes,) = [el for el in root.iter() if el.get("id") == "nodes"]
    (text,) = nodes.iter("{http://www.w3.org/2000/svg}text")
    lines = [span.text or "" for span in text]
    assert len(lines) > 2
    assert " ".join(lines) == title


def _page_data(page: str) -> dict[str, Any]:
    found = re.search(r"var data = (\{.*?\});\n", page, re.DOTALL)
    assert found is not None
    data: dict[str, Any] = json.loads(found[1])
    return data


PLATFORM = "https://w3id.org/reformgraph/id/platform/performance-evaluation-platform"
OFFICE = "https://w3id.org/reformgraph/id/org/econ-eco-reform-group-office"
CASE_4 = "https://w3id.org/reformgraph/id/case/investment-performance-evaluation"


@pytest.mark.parametrize(
    ("lang", "alt", "other"),
    [
        # The Chinese page said 又称: performance platform / 绩效平台, two languages in one.
        ("zh", "又称: 绩效平台", ("altEn", "英文又称: performance platform")),
        ("en", "also: performance platform", ("altZh", "also (Chinese): 绩效平台")),
    ],
)
def test_a_node_s_tooltip_names_its_other_names_each_language_on_its_own_line(
    query_graph: Graph, lang: str, alt: str, other: tuple[str, str]
) -> None:
    page = viz.render_html(viz.select_view(query_graph, view="cases"), title="t", lang=lang)
    (platform,) = (n for n in _page_data(page)["nodes"] if n["id"] == PLATFORM)
    assert platform["tip"]["alt"] == alt
    assert platform["tip"][other[0]] == other[1]
    assert {"altZh", "altEn"} - set(platform["tip"]) == {"altZh", "altEn"} - {other[0]}
    # the search looks in every other name, whatever the page's language
    assert platform["names"] == "performance platform / 绩效平台"


@pytest.mark.parametrize(
    ("lang", "kind"), [("zh", "案例 / case (ReformCase)"), ("en", "case / 案例 (ReformCase)")]
)
def test_a_case_s_tooltip_names_its_kind_in_the_page_s_language_first_and_its_title_once(
    query_graph: Graph, lang: str, kind: str
) -> None:
    # The English page's case tooltip began 案例 / case, and gave the title again as a quote.
    page = viz.render_html(viz.select_view(query_graph, view="cases"), title="t", lang=lang)
    (case,) = (n for n in _page_data(page)["nodes"] if n["id"] == CASE_4)
    assert case["tip"]["type"] == kind
    assert case["tip"]["zh"] == "推进投资项目绩效综合评价改革"
    assert case["tip"]["quote"] == ""


PROVINCIAL_SOES = "https://w3id.org/reformgraph/id/org/provincial-soes"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@pytest.mark.parametrize("view", ["full", "soe-functional-reform"])
def test_an_english_page_never_gives_a_chinese_name_as_an_english_one(
    query_graph: Graph, view: str
) -> None:
    """省属企业's other name 省属国有企业 has no English of its own (its English is the
    preferred label's): the English page said "also: 省属国有企业", as though it were
    English. It is named, marked as Chinese, on a line of its own: the quote below it
    may use it."""
    network = (
        viz.select_view(query_graph, view="full")
        if view == "full"
        else viz.select_view(query_graph, case=view)
    )
    page = viz.render_html(network, title="t", lang="en")
    nodes = {n["id"]: n for n in _page_data(page)["nodes"]}
    soes = nodes[PROVINCIAL_SOES]["tip"]
    assert soes["alt"] == ""
    assert soes["altZh"] == "also (Chinese): 省属国有企业"
    assert nodes[PROVINCIAL_SOES]["names"] == "省属国有企业"
    alternatives = [n["tip"]["alt"] for n in nodes.values() if n["tip"]["alt"]]
    assert alternatives  # the English ones are named
    assert all(alt.startswith("also: ") and not HAN.search(alt) for alt in alternatives)
    for node in nodes.values():
        if node["tip"].get("altZh"):
            assert node["tip"]["altZh"].startswith("also (Chinese): ")
            assert HAN.search(node["tip"]["altZh"])
    # The Chinese page names the Chinese ones as its own, and none as English.
    chinese = _page_data(viz.render_html(network, title="t", lang="zh"))["nodes"]
    (soes_zh,) = (n for n in chinese if n["id"] == PROVINCIAL_SOES)
    assert soes_zh["tip"]["alt"] == "又称: 省属国有企业"
    assert soes_zh["tip"]["altEn"] == ""
    assert "altZh" not in soes_zh["tip"]
    for node in chinese:
        if node["tip"]["alt"]:
            names = node["tip"]["alt"].removeprefix("又称: ").split(" / ")
            assert all(HAN.search(name) for name in names), node["tip"]["alt"]
        if node["tip"]["altEn"]:
            english = node["tip"]["altEn"].removeprefix("英文又称: ")
            assert not HAN.search(english), node["tip"]["altEn"]


def test_a_network_with_only_the_joined_other_names_is_split_by_script() -> None:
    """A network read back from an earlier GraphML file has ``alt_labels`` alone."""
    network = nx.MultiDiGraph()
    network.add_node(
        "https://example.org/e", kind="organisation", type="OrganisationGroup",
        label_zh="国有企业", label_en="state-owned enterprises", quote="",
        alt_labels="SOEs / 国企",
    )  # fmt: skip
    (node,) = _page_data(viz.render_html(network, title="t", lang="en"))["nodes"]
    assert (node["tip"]["alt"], node["tip"]["altZh"]) == ("also: SOEs", "also (Chinese): 国企")


def test_a_cross_case_edge_names_its_case_and_quotes_its_words_as_links_does(
    query_graph: Graph,
) -> None:
    network = viz.select_view(query_graph, view="cases")
    for lang in ("zh", "en"):
        data = _page_data(viz.render_html(network, title="t", lang=lang))
        labels = {node["id"]: node["tip"][lang] for node in data["nodes"]}
        for edge in data["edges"]:
            assert edge["tip"]["case"] == labels[edge["from"]], edge
            assert edge["tip"]["quote"], edge
        # Case 4 calls the platform of case 1 绩效平台: the words `reformgraph links` gives.
        (link,) = [
            link
            for link in analysis.case_links(query_graph)
            if str(link.entity) == PLATFORM and CASE_4 in (str(link.case_a), str(link.case_b))
        ]
        words = link.quote_b if str(link.case_b) == CASE_4 else link.quote_a
        assert "绩效平台" in words
        quotes = [
            e["tip"]["quote"] for e in data["edges"] if (e["from"], e["to"]) == (CASE_4, PLATFORM)
        ]
        assert words in quotes


def _lab(colour: str) -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour #rrggbb."""

    def linear(c: float) -> float:
        return ((c + 0.055) / 1.055) ** 2.4 if c > 0.04045 else c / 12.92

    r, g, b = (linear(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def test_every_kind_has_a_colour_that_tells_it_apart() -> None:
    import itertools

    # The pilot (#31a354) and the platform (#2ca02c) were 17.5 apart: the same green.
    assert len({colour for colour, *_ in viz.STYLES.values()}) == len(viz.STYLES)
    for (a, style_a), (b, style_b) in itertools.combinations(viz.STYLES.items(), 2):
        distance = (
            sum((p - q) ** 2 for p, q in zip(_lab(style_a[0]), _lab(style_b[0]), strict=True))
            ** 0.5
        )
        assert distance >= 20, (a, b, distance)
        if style_a[1] == style_b[1]:  # the same shape: the colour alone tells them apart
            assert distance >= 30, (a, b, distance)


def test_the_legend_names_each_kind_s_colour_and_shape(query_graph: Graph) -> None:
    network = viz.select_view(query_graph, case="big-fiscal-system")
    data = _page_data(viz.render_html(network, title="t"))
    kinds = {node["kind"] for node in data["nodes"]}
    assert data["legend"] == [
        {"kind": kind, "color": colour, "shape": shape, "text": zh}
        for kind, (colour, shape, zh, _) in viz.STYLES.items()
        if kind in kinds
    ]


def test_a_view_with_nothing_to_draw_is_refused(
    build_dir: Path, query_graph: Graph, tmp_path: Path
) -> None:
    nothing = tmp_path / "nothing.rq"
    nothing.write_text(
        "PREFIX rg: <https://w3id.org/reformgraph/ontology/>\n"
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s a rg:Nothing ; ?p ?o }",
        encoding="utf-8",
    )
    literals = tmp_path / "literals.rq"
    literals.write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l } LIMIT 3",
        encoding="utf-8",
    )
    for query, message in (
        (nothing, "the CONSTRUCT query returned no triples"),
        (literals, "the CONSTRUCT query's 3 triple(s) all have a literal as object"),
    ):
        page = tmp_path / f"{query.stem}.html"
        result = CliRunner().invoke(
            app,
            ["viz", "--build", str(build_dir), "--query", str(query), "-o", str(page)],
        )
        assert result.exit_code == 2, result.output
        assert f"{query}: {message}" in result.output
        assert "nothing was written" in result.output
        assert not page.exists()
    with pytest.raises(viz.EmptyViewError, match="no triples"):
        viz.select_view(query_graph, construct=Graph())


def test_the_cases_view_leaves_out_the_entities_more_than_max_cases_name(
    build_dir: Path, query_graph: Graph, tmp_path: Path
) -> None:
    every = viz.select_view(query_graph, view="cases")
    two = viz.select_view(query_graph, view="cases", max_cases=2)
    hubei, china = (f"https://w3id.org/reformgraph/id/place/{p}" for p in ("hubei", "china"))
    assert {hubei, china, OFFICE, PLATFORM} <= set(every)
    assert PLATFORM in two
    assert not {hubei, china, OFFICE} & set(two)  # 7, 5 and 3 cases name them
    linked = {str(link.entity) for link in analysis.case_links(query_graph, max_cases=2)}
    cases = {n for n, data in two.nodes(data=True) if data["kind"] == "case"}
    assert set(two) - cases == linked

    page = tmp_path / "two.html"
    result = CliRunner().invoke(
        app,
        ["viz", "--build", str(build_dir), "--view", "cases", "--max-cases", "2", "-o", str(page)],
    )
    assert result.exit_code == 0, result.output
    ids = {node["id"] for node in _page_data(page.read_text(encoding="utf-8"))["nodes"]}
    assert ids == set(two)
    for other in (["--case", "big-fiscal-system"], []):
        refused = CliRunner().invoke(
            app, ["viz", "--build", str(build_dir), *other, "--max-cases", "2", "-o", str(page)]
        )
        assert refused.exit_code == 2
        assert "--max-cases chooses the entities of the cross-case page" in refused.output
    with pytest.raises(ValueError, match="max_cases=1"):
        viz.select_view(query_graph, view="cases", max_cases=1)


def test_a_large_cases_view_warns_and_names_a_max_cases_that_keeps_it_small(
    build_dir: Path, query_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph.errors import LargeViewWarning

    monkeypatch.setattr(viz, "LARGE_CROSS_CASE", (10, 1_000))  # the real view: 15 nodes
    with pytest.warns(LargeViewWarning, match="15 nodes and 41 edges") as heard:
        viz.select_view(query_graph, view="cases")
    assert heard[0].filename == __file__  # the caller's line, not the library's
    # from Python, the parameter; on the command line, the option (it named --max-cases)
    assert "max_cases=3 leaves out the entities more than 3 cases name" in str(heard[0].message)
    assert "--max-cases" not in str(heard[0].message)
    assert "--max-cases 3 leaves out" in heard[0].message.command_line  # type: ignore[union-attr]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", LargeViewWarning)
        assert viz.select_view(query_graph, view="cases", max_cases=3).number_of_nodes() <= 10
    with pytest.warns(LargeViewWarning, match="12 nodes and 23 edges with max_cases=5"):
        assert viz.select_view(query_graph, view="cases", max_cases=5).number_of_nodes() > 10

    page = tmp_path / "cases.html"
    result = CliRunner().invoke(
        app, ["viz", "--build", str(build_dir), "--view", "cases", "-o", str(page)]
    )
    assert result.exit_code == 0, result.output
    assert "warning: the cross-case view shows 15 nodes and 41 edges" in result.output
    assert "--max-cases 3 leaves out" in result.output
    assert page.is_file()

    monkeypatch.setattr(viz, "LARGE_CROSS_CASE", (2, 1))
    with pytest.warns(LargeViewWarning, match="even max_cases=2 leaves more"):
        viz.select_view(query_graph, view="cases")


# --------------------------------------------------------------------------- in a browser


def _chromium() -> tuple[str, str] | None:
    browser = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


#: The browser's network: off (graph pages must open offline), and on, for a local server.
_OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0}
_ONLINE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found = _chromium()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                "CI=true but Chromium or chromedriver is missing: .ci/run must install them"
            )
        pytest.skip(
            "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver)"
        )
    selenium = pytest.importorskip("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    _ = selenium
    options = Options()
    options.binary_location = found[0]
    flags = (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,1000",
        "--proxy-server=127.0.0.1:9",
    )
    for flag in flags:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(found[1]), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions", _OFFLINE)
    yield driver
    driver.quit()


def _cases_page(graph: Graph, folder: Path) -> Path:
    """The page of the cases view of ``graph``, written into ``folder``."""
    page = folder / "cases.html"
    page.write_text(
        viz.render_html(viz.select_view(graph, view="cases"), title="t"), encoding="utf-8"
    )
    return page


def _open(driver: Any, page: Path, timeout: float = 60) -> None:
    driver.get_log("browser")  # drop earlier messages
    driver.get(page.resolve().as_uri())
    deadline = time.monotonic() + timeout
    while not driver.execute_script("return !!(window.reformgraph && window.reformgraph.settled)"):
        if time.monotonic() > deadline:
            pytest.fail(f"{page.name} did not settle within {timeout} s")
        time.sleep(0.1)


def _assert_drawn(driver: Any) -> None:
    from PIL import Image

    image = Image.open(BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    graph_box = driver.execute_script(
        "var r = document.getElementById('graph').getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom];"
    )
    ratio = driver.execute_script("return window.devicePixelRatio")
    crop = image.crop(tuple(int(v * ratio) for v in graph_box))
    histogram = crop.convert("L").histogram()
    coloured = sum(histogram) - histogram[255]
    assert coloured > 500, "the graph area is blank"


def _errors(driver: Any) -> list[dict[str, Any]]:
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.parametrize(
    ("view", "case"), [("full", None), ("cases", None), ("full", "deputies-two-links")]
)
def test_each_view_renders_offline_with_the_graph_s_counts(
    browser: Any, query_graph: Graph, tmp_path: Path, view: str, case: str | None
) -> None:
    network = viz.select_view(query_graph, view=view, case=case)
    page = tmp_path / "page.html"
    page.write_text(viz.render_html(network, title="t"), encoding="utf-8")
    _open(browser, page)
    counts = browser.execute_script("return [reformgraph.nodes.length, reformgraph.edges.length]")
    assert counts == [network.number_of_nodes(), network.number_of_edges()]
    assert _errors(browser) == []
    remote = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => !n.startsWith('file:'))"
    )
    assert remote == []
    _assert_drawn(browser)


def test_a_hostile_label_hovered_shows_as_text_and_runs_nothing(
    browser: Any, tmp_path: Path
) -> None:
    from selenium.common.exceptions import NoAlertPresentException
    from selenium.webdriver.common.action_chains import ActionChains

    page = tmp_path / "hostile.html"
    page.write_text(viz.render_html(_hostile_network(), title=HOSTILE), encoding="utf-8")
    _open(browser, page)
    assert (
        browser.execute_script("return document.getElementById('heading').textContent") == HOSTILE
    )
    x, y = browser.execute_script(
        "var n = reformgraph.network;"
        "var p = n.getPositions(['https://example.org/a'])['https://example.org/a'];"
        "var d = n.canvasToDOM(p);"
        "var r = document.getElementById('graph').getBoundingClientRect();"
        "return [d.x + r.left, d.y + r.top];"
    )
    body = browser.find_element("tag name", "body")
    ActionChains(browser).move_to_element_with_offset(body, 0, 0).perform()
    size = body.size
    ActionChains(browser).move_to_element_with_offset(
        body, int(x - size["width"] / 2), int(y - size["height"] / 2)
    ).pause(1.0).perform()
    tip = browser.execute_script(
        "var t = document.querySelector('div.vis-tooltip');"
        "return t ? [t.style.visibility, t.textContent,"
        " t.querySelectorAll('img, script, a').length] : null"
    )
    assert tip is not None, "hovering the node shows its tooltip"
    visibility, text, elements = tip
    assert visibility != "hidden"
    assert HOSTILE in text
    assert "href" in text
    assert elements == 0
    assert browser.execute_script("return window.__xss === undefined")
    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert _errors(browser) == []


def test_a_script_that_is_not_the_page_s_own_does_not_run(browser: Any, tmp_path: Path) -> None:
    # Labels never reach the page as markup; should anything ever put a script in a page
    # (a template's mistake, an edit on the way to the website), its policy lets the
    # page's own scripts run and no other: 'unsafe-inline' ran any.
    html = viz.render_html(_hostile_network(), title="t")
    assert "'unsafe-inline'" not in re.search(r"script-src [^;]*", html)[0]
    injected = '<script>window.__xss = 4</script><img src="data:," onload="window.__xss = 5">'
    page = tmp_path / "edited.html"
    page.write_text(html.replace("</body>", injected + "</body>"), encoding="utf-8")
    _open(browser, page)  # the page's own scripts ran
    assert browser.execute_script("return window.__xss === undefined")
    assert browser.execute_script("return document.images.length") == 1


def test_a_generated_2000_node_graph_opens_and_settles(browser: Any, tmp_path: Path) -> None:
    network = _generated_network(2000)
    page = tmp_path / "big.html"
    page.write_text(viz.render_html(network, title="2000"), encoding="utf-8")
    _open(browser, page, timeout=90)
    assert browser.execute_script("return reformgraph.nodes.length") == 2000
    assert _errors(browser) == []
    _assert_drawn(browser)


def test_a_png_picture_is_taken_by_headless_chromium(query_graph: Graph, tmp_path: Path) -> None:
    if _chromium() is None and os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed")
    from PIL import Image

    written = write_view(query_graph, tmp_path / "cases.html", view="cases", picture="png")
    image = Image.open(written[1]).convert("RGB")
    assert image.size[0] >= 1000
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 20, "the picture has more than a background"


def test_a_png_picture_is_readable_by_others_as_the_page_beside_it_is(
    query_graph: Graph, tmp_path: Path
) -> None:
    # The PNG was left as mkstemp made it, readable by its owner alone (0600), where the
    # page and an SVG are written by the umask (0644): a web server could not serve it.
    if _chromium() is None and os.environ.get("CI") != "true":
        pytest.skip("Chromium is not installed")
    previous = os.umask(0o022)
    try:
        page, png = write_view(query_graph, tmp_path / "cases.html", view="cases", picture="png")
    finally:
        os.umask(previous)
    assert page.stat().st_mode & 0o777 == 0o644
    assert png.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("options", "message"),
    [({"lang": "fr"}, "unknown language 'fr'"), ({"size": 0}, "size=0")],
    ids=["language", "size"],
)
def test_a_picture_refuses_a_language_or_size_it_cannot_draw(
    query_graph: Graph, options: dict[str, Any], message: str
) -> None:
    network = viz.select_view(query_graph, case="big-fiscal-system")
    with pytest.raises(ValueError, match=message):
        viz.render_svg(network, title="x", **options)


# The boxes (shape and label) of every node drawn, in canvas pixels, and the pairs that overlap.
OVERLAPPING = """
var n = reformgraph.network, ids = reformgraph.nodes.getIds(), boxes = ids.map(function (id) {
  return n.getBoundingBox(id);
});
var out = [];
for (var i = 0; i < ids.length; i++) {
  for (var j = i + 1; j < ids.length; j++) {
    var a = boxes[i], b = boxes[j];
    if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
      out.push([ids[i], ids[j]]);
    }
  }
}
return out;
"""

CASE_IDS = [
    "big-fiscal-system",
    "deputies-two-links",
    "grassroots-supervision",
    "huahu-airport-opening-up",
    "intelligent-connected-vehicles-pilot",
    "investment-performance-evaluation",
    "police-dispatch-one-city-one-platform",
    "soe-functional-reform",
]


@pytest.mark.parametrize(
    ("case", "lang"),
    [(None, "zh"), (None, "en")] + [(case, lang) for case in CASE_IDS for lang in ("zh", "en")],
    ids=lambda v: v or "cases",
)
def test_no_two_labels_of_a_real_picture_print_over_each_other(
    browser: Any, query_graph: Graph, tmp_path: Path, case: str | None, lang: str
) -> None:
    # The cross-case page printed 深化国有企业功能性改革 over 推进大财政体系建设, and the
    # office's label ran into the platform's box; one-case pages piled labels up.
    network = viz.select_view(query_graph, view="full" if case else "cases", case=case)
    page = tmp_path / "page.html"
    page.write_text(viz.render_html(network, title="t", lang=lang), encoding="utf-8")
    _open(browser, page)
    assert browser.execute_script(OVERLAPPING) == []
    assert _errors(browser) == []


def test_a_small_page_is_laid_out_the_same_every_time(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    page = _cases_page(query_graph, tmp_path)
    layouts = []
    for _ in range(2):
        _open(browser, page)
        layouts.append(browser.execute_script("return reformgraph.network.getPositions()"))
    assert layouts[0] == layouts[1]


def _pointer_at(driver: Any, canvas_xy: dict[str, float]) -> Any:
    """Actions that move the pointer to a point of the graph (canvas coordinates), to
    perform with more (a pause, a click)."""
    from selenium.webdriver.common.action_chains import ActionChains

    x, y = driver.execute_script(
        "var d = reformgraph.network.canvasToDOM(arguments[0]);"
        "var r = document.getElementById('graph').getBoundingClientRect();"
        "return [d.x + r.left, d.y + r.top];",
        canvas_xy,
    )
    body = driver.find_element("tag name", "body")
    ActionChains(driver).move_to_element_with_offset(body, 0, 0).perform()
    size = body.size
    return ActionChains(driver).move_to_element_with_offset(
        body, int(x - size["width"] / 2), int(y - size["height"] / 2)
    )


def _hover(driver: Any, canvas_xy: dict[str, float]) -> str | None:
    """Move the pointer to a point of the graph (canvas coordinates) and return the text
    of the tooltip shown there."""

    _pointer_at(driver, canvas_xy).pause(1.0).perform()
    text: str | None = driver.execute_script(
        "var t = document.querySelector('div.vis-tooltip');"
        "return t && t.style.visibility !== 'hidden' ? t.textContent : null"
    )
    return text


def test_hovering_a_cross_case_edge_shows_the_case_and_its_words(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    page = _cases_page(query_graph, tmp_path)
    _open(browser, page)
    ends = browser.execute_script(
        "return reformgraph.network.getPositions(arguments[0])", [CASE_4, PLATFORM]
    )
    middle = {axis: (ends[CASE_4][axis] + ends[PLATFORM][axis]) / 2 for axis in ("x", "y")}
    tip = _hover(browser, middle)  # the first edge between them is straight
    assert tip is not None, "hovering the edge shows its tooltip"
    assert "推进投资项目绩效综合评价改革" in tip  # the case
    assert "绩效平台" in tip  # the words it uses for the platform
    assert "涉及" in tip  # the relation


def test_hovering_a_node_of_an_english_page_marks_its_chinese_other_names(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    page = tmp_path / "case-6.html"
    network = viz.select_view(query_graph, case="soe-functional-reform")
    page.write_text(viz.render_html(network, title="t", lang="en"), encoding="utf-8")
    _open(browser, page)
    at = browser.execute_script(
        "return reformgraph.network.getPositions(arguments[0])", [PROVINCIAL_SOES]
    )
    tip = _hover(browser, at[PROVINCIAL_SOES])
    assert tip is not None, "hovering the node shows its tooltip"
    assert "provincial state-owned enterprises" in tip
    assert "also (Chinese): 省属国有企业" in tip
    assert "also: 省属国有企业" not in tip
    lang = browser.execute_script("return document.querySelector('div.vis-tooltip .zh').lang")
    assert lang == "zh-Hans"


@pytest.mark.parametrize(
    ("view", "lang", "needle", "expected"),
    [
        ("cases", "en", "投资项目绩效综合评价平台", [PLATFORM]),
        ("cases", "zh", "Performance Evaluation Platform", [PLATFORM]),
        (
            "full",
            "zh",
            "big-fiscal-system",  # the case, and the concept of the same name
            [
                "https://w3id.org/reformgraph/id/case/big-fiscal-system",
                "https://w3id.org/reformgraph/id/concept/big-fiscal-system",
            ],
        ),
        ("full", "en", "org/econ-eco-reform-group-office", [OFFICE]),
        # case 4 names the platform 绩效平台, its alternative label: it found nothing
        ("cases", "zh", "绩效平台", [PLATFORM]),
        ("cases", "en", "performance platform", [PLATFORM]),
    ],
    ids=["zh-on-en", "en-on-zh", "id", "iri", "alt-label", "alt-label-en"],
)
def test_search_finds_a_node_by_either_label_or_its_id_whatever_the_page_s_language(
    browser: Any,
    query_graph: Graph,
    tmp_path: Path,
    view: str,
    lang: str,
    needle: str,
    expected: list[str],
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        viz.render_html(viz.select_view(query_graph, view=view), title="t", lang=lang),
        encoding="utf-8",
    )
    _open(browser, page)
    browser.find_element("id", "search").send_keys(needle)
    assert browser.execute_script("return reformgraph.network.getSelectedNodes()") == expected
    status = browser.execute_script("return document.getElementById('status').textContent")
    assert status.startswith(f"{len(expected)} / ")


@pytest.mark.parametrize(
    ("lang", "needle", "status"),
    [
        ("zh", "绩效平台", "1 / 15: 投资项目绩效综合评价平台"),
        (
            "en",
            "performance platform",
            "1 / 15: comprehensive performance evaluation platform for investment projects",
        ),
        ("zh", "国有", "4 / 15: 深化国有企业功能性改革、国有“三资”、盘活国有“三资”规模、国有企业"),
        ("en", "a", None),  # more than five: the count alone
    ],
)
def test_the_search_line_names_the_few_nodes_it_found_in_the_page_s_language(
    browser: Any, query_graph: Graph, tmp_path: Path, lang: str, needle: str, status: str | None
) -> None:
    # It said "1 / 15" alone: what was found was only in the tooltips, which a keyboard or
    # a screen reader cannot reach.
    page = tmp_path / "page.html"
    page.write_text(
        viz.render_html(viz.select_view(query_graph, view="cases"), title="t", lang=lang),
        encoding="utf-8",
    )
    _open(browser, page)
    browser.find_element("id", "search").send_keys(needle)
    shown = browser.execute_script("return document.getElementById('status').textContent")
    if status is None:
        found = len(browser.execute_script("return reformgraph.network.getSelectedNodes()"))
        assert found > 5
        assert shown == f"{found} / 15"
    else:
        assert shown == status


def test_the_legend_draws_each_kind_s_shape_in_its_colour(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    network = viz.select_view(query_graph, case="huahu-airport-opening-up")
    page = tmp_path / "case.html"
    page.write_text(viz.render_html(network, title="t"), encoding="utf-8")
    _open(browser, page)
    rows = browser.execute_script(
        "return Array.from(document.querySelectorAll('#legend > div')).map(function (row) {"
        "  var svg = row.querySelector('svg'), el = svg.firstElementChild;"
        "  var points = el.getAttribute('points');"
        "  return [row.getAttribute('data-kind'), svg.getAttribute('data-shape'), el.tagName,"
        "          el.getAttribute('fill'), points ? points.split(' ').length : 0,"
        "          row.textContent];"
        "});"
    )
    drawn = {
        "star": ("polygon", 10),
        "diamond": ("polygon", 4),
        "hexagon": ("polygon", 6),
        "triangle": ("polygon", 3),
        "triangleDown": ("polygon", 3),
        "dot": ("circle", 0),
        "square": ("rect", 0),
        "box": ("rect", 0),
        "ellipse": ("ellipse", 0),
    }
    kinds = {data["kind"] for _, data in network.nodes(data=True)}
    assert len(kinds) >= 12
    assert rows == [
        [kind, shape, drawn[shape][0], colour, drawn[shape][1], zh]
        for kind, (colour, shape, zh, _) in viz.STYLES.items()
        if kind in kinds
    ]


def test_a_page_fills_the_window_without_scrolling(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    # The graph's area was 100% - 3em high under a 53 px header: 5 px too tall, so every
    # page had a scrollbar.
    page = _cases_page(query_graph, tmp_path)
    _open(browser, page)
    sizes = browser.execute_script(
        "var e = document.documentElement, m = document.getElementById('main');"
        "return [e.scrollHeight, e.scrollWidth, window.innerHeight, window.innerWidth,"
        " m.getBoundingClientRect().bottom, m.getBoundingClientRect().height];"
    )
    height, width, inner_height, inner_width, bottom, main_height = sizes
    assert height <= inner_height
    assert width <= inner_width
    assert bottom <= inner_height
    assert main_height > inner_height / 2


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_page_fits_its_width_and_the_graph_takes_all_of_it(
    browser: Any, query_graph: Graph, tmp_path: Path, lang: str
) -> None:
    # 390 px wide, the search box ran off the screen (the page scrolled sideways) and the
    # 11em legend beside the graph left it half the width.
    page = tmp_path / "page.html"
    network = viz.select_view(query_graph, view="cases")
    page.write_text(
        viz.render_html(network, title="reformgraph — cross-case links", lang=lang),
        encoding="utf-8",
    )
    browser.set_window_size(390, 844)
    try:
        _open(browser, page)
        sizes = browser.execute_script(
            "var e = document.documentElement, box = function (id) {"
            " return document.getElementById(id).getBoundingClientRect(); };"
            "return [e.scrollWidth, e.scrollHeight, window.innerWidth, window.innerHeight,"
            " box('search').right, box('graph').width, box('graph').height];"
        )
    finally:
        browser.set_window_size(1400, 1000)
    width, height, inner_width, inner_height, search_right, graph_width, graph_height = sizes
    assert width <= inner_width
    assert height <= inner_height
    assert search_right <= inner_width
    assert graph_width >= 0.9 * inner_width
    assert graph_height > inner_height / 3


def test_the_graph_moves_and_zooms_by_keyboard_once_tabbed_to(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    # The canvas took the focus (Tab after the search box), but no key did anything.
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page = _cases_page(query_graph, tmp_path)
    _open(browser, page)
    browser.find_element("id", "search").click()
    ActionChains(browser).send_keys(Keys.TAB).perform()
    assert browser.execute_script(
        "return document.activeElement === document.querySelector('#graph .vis-network')"
    )
    view = "return [reformgraph.network.getViewPosition().x, reformgraph.network.getScale()]"
    x, scale = browser.execute_script(view)
    ActionChains(browser).key_down(Keys.ARROW_LEFT).pause(0.3).key_up(Keys.ARROW_LEFT).perform()
    moved_x, _ = browser.execute_script(view)
    ActionChains(browser).send_keys("+").perform()
    _, zoomed = browser.execute_script(view)
    ActionChains(browser).key_down("-").pause(0.3).key_up("-").perform()
    _, unzoomed = browser.execute_script(view)
    ActionChains(browser).send_keys("-").perform()  # a tap: as far as a tap of "+"
    _, tapped = browser.execute_script(view)
    assert moved_x != x
    assert zoomed > scale
    assert unzoomed < zoomed
    assert tapped <= unzoomed / 1.09
    # typing in the search box moves nothing
    browser.find_element("id", "search").send_keys("+-")
    assert browser.execute_script(view)[1] == tapped


def test_every_edge_of_the_network_is_named_in_chinese_and_in_english(query_graph: Graph) -> None:
    # A body's parent, through org:subOrganizationOf, was labelled "subOrganizationOf" on a
    # Chinese page: the ontology named only its own properties.
    network = analysis.to_networkx(query_graph)
    relations = {data["relation"]: data for *_, data in network.edges(data=True)}
    assert "subOrganizationOf" in relations
    unnamed = sorted(
        relation
        for relation, data in relations.items()
        if not re.search("[\u4e00-\u9fff]", data["label_zh"]) or not data["label_en"]
    )
    assert unnamed == [], unnamed
    assert relations["subOrganizationOf"]["label_zh"] == "隶属于"
    assert relations["subOrganizationOf"]["label_en"] == "sub-organisation of"


def test_a_saved_query_link_of_serve_opens_the_query_page_with_it_ready_to_run(
    browser: Any, build_dir: Path
) -> None:
    # The links went to the endpoint itself: a browser showed the answer as raw XML.
    from reformgraph.queries import saved_queries
    from reformgraph.server import query_link

    from .test_remote import free_port, serving

    port = free_port()
    with serving(build_dir, port) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("Press Ctrl-C"):
                break
        # the link the name "cases" is on a terminal (piped, serve names the query only)
        link = query_link(f"http://127.0.0.1:{port}", saved_queries()["cases"].text)
        browser.execute_cdp_cmd("Network.emulateNetworkConditions", _ONLINE)
        try:
            browser.get(link)
            deadline = time.monotonic() + 30
            while not browser.execute_script("return !!document.querySelector('.CodeMirror')"):
                assert time.monotonic() < deadline, "the query page did not open"
                time.sleep(0.2)
            editor = browser.execute_script(
                "return document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()"
            )
            assert "SELECT" in editor
            assert editor.strip() in saved_queries()["cases"].text
            browser.find_element("css selector", ".yasqe_queryButton").click()
            while not browser.execute_script(
                "return document.querySelectorAll('.yasr tbody tr').length"
            ):
                assert time.monotonic() < deadline, "the query gave no rows on the page"
                time.sleep(0.2)
            rows = browser.execute_script(
                "return document.querySelectorAll('.yasr tbody tr').length"
            )
        finally:
            browser.execute_cdp_cmd("Network.emulateNetworkConditions", _OFFLINE)
    assert rows == 8  # the eight cases


def _details(driver: Any) -> str | None:
    """The text of the details panel below the graph, None while it is hidden."""
    text: str | None = driver.execute_script(
        "var d = document.getElementById('details');"
        "return d.hidden || d.offsetHeight === 0 ? null : d.innerText"
    )
    return text


def test_the_details_of_what_a_search_finds_are_within_a_keyboard_s_reach(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    # A node's details (its kind, other names, quote, IRI) were in a tooltip only, which
    # shows on a mouse's hover: a keyboard, a screen reader or a finger never reached them.
    from selenium.webdriver.common.keys import Keys

    page = tmp_path / "page.html"
    page.write_text(
        viz.render_html(viz.select_view(query_graph, view="cases"), title="t", lang="en"),
        encoding="utf-8",
    )
    _open(browser, page)
    assert _details(browser) is None
    search = browser.find_element("id", "search")
    search.send_keys("绩效平台")  # one node found: its details
    shown = _details(browser)
    assert shown is not None
    assert "投资项目绩效综合评价平台" in shown
    assert "comprehensive performance evaluation platform for investment projects" in shown
    assert PLATFORM in shown  # its IRI
    assert (
        browser.execute_script(
            "return document.getElementById('details').getAttribute('aria-live')"
        )
        == "polite"
    )
    search.clear()
    search.send_keys("国有")  # four found: Enter steps through them, one at a time
    assert _details(browser) is None
    seen = []
    for _ in range(5):
        search.send_keys(Keys.ENTER)
        [selected] = browser.execute_script("return reformgraph.network.getSelectedNodes()")
        seen.append(selected)
        assert (
            browser.execute_script(
                "return document.getElementById('details').getAttribute('data-node')"
            )
            == selected
        )
        status = browser.execute_script("return document.getElementById('status').textContent")
        assert status.startswith(f"{len(set(seen)) if len(seen) <= 4 else 1} of 4: ")
    assert len(set(seen[:4])) == 4
    assert seen[4] == seen[0]  # and round again
    browser.find_element("id", "details-close").click()
    assert _details(browser) is None
    assert browser.execute_script("return reformgraph.network.getSelectedNodes()") == []


def test_a_tap_on_a_node_or_an_edge_shows_its_details_below_the_graph(
    browser: Any, query_graph: Graph, tmp_path: Path
) -> None:
    # A finger has no hover: a tap showed nothing of a node but its label, of an edge nothing.
    page = _cases_page(query_graph, tmp_path)
    _open(browser, page)
    ends = browser.execute_script(
        "return reformgraph.network.getPositions(arguments[0])", [CASE_4, PLATFORM]
    )
    _pointer_at(browser, ends[PLATFORM]).click().perform()
    shown = _details(browser)
    assert shown is not None
    assert "投资项目绩效综合评价平台" in shown
    assert "绩效平台" in shown  # its other name
    middle = {axis: (ends[CASE_4][axis] + ends[PLATFORM][axis]) / 2 for axis in ("x", "y")}
    _pointer_at(browser, middle).click().perform()  # the first edge between them is straight
    shown = _details(browser)
    assert shown is not None
    assert "推进投资项目绩效综合评价改革" in shown  # the case
    assert "涉及" in shown  # the relation
    assert browser.execute_script(
        "return document.getElementById('details').getAttribute('data-edge')"
    )
    corner = browser.execute_script("return reformgraph.network.DOMtoCanvas({x: 3, y: 3})")
    _pointer_at(browser, corner).click().perform()
    assert _details(browser) is None  # a tap on nothing: hidden again


@pytest.mark.parametrize(
    ("case", "lang"),
    [(None, "zh"), (None, "en"), ("huahu-airport-opening-up", "en")],
    ids=["cases-zh", "cases-en", "case-en"],
)
def test_svg_labels_stay_inside_the_picture_and_apart(
    browser: Any, query_graph: Graph, tmp_path: Path, case: str | None, lang: str
) -> None:
    # Case titles ran past the right edge of the picture (to x=1997 of 1600).
    network = viz.select_view(query_graph, view="full" if case else "cases", case=case)
    picture = tmp_path / "picture.svg"
    picture.write_text(viz.render_svg(network, title="t", lang=lang), encoding="utf-8")
    browser.get(picture.resolve().as_uri())
    outside, overlapping, labels = browser.execute_script(
        "var svg = document.querySelector('svg'), box = svg.viewBox.baseVal;"
        "var outside = [], labels = [], overlapping = [];"
        "svg.querySelectorAll('text').forEach(function (t) {"
        "  var b = t.getBBox();"
        "  if (b.x < 0 || b.y < 0 || b.x + b.width > box.width || b.y + b.height > box.height)"
        "    { outside.push(t.textContent); }"
        "  if (t.parentNode.id === 'nodes') { labels.push([t.textContent, b]); }"
        "});"
        "for (var i = 0; i < labels.length; i++) { for (var j = i + 1; j < labels.length; j++) {"
        "  var a = labels[i][1], c = labels[j][1];"
        "  if (a.x < c.x + c.width && c.x < a.x + a.width && a.y < c.y + c.height"
        "      && c.y < a.y + a.height) { overlapping.push([labels[i][0], labels[j][0]]); }"
        "}}"
        "return [outside, overlapping, labels.length];"
    )
    assert labels == network.number_of_nodes()
    assert outside == []
    assert overlapping == []


@pytest.mark.parametrize(
    ("options", "title"),
    [
        ([], "reformgraph — 全部"),
        (["--lang", "en"], "reformgraph — everything"),
        (["--view", "cases", "--lang", "en"], "reformgraph — cross-case links"),
        (["--view", "cases"], "reformgraph — 跨案例关联"),
    ],
    ids=["full-zh", "full-en", "cases-en", "cases-zh"],
)
def test_the_page_title_is_in_the_language_of_the_page(
    build_dir: Path, tmp_path: Path, options: list[str], title: str
) -> None:
    page = tmp_path / "page.html"
    graph = str(build_dir / "reformgraph.nt")
    result = CliRunner().invoke(app, ["viz", "--graph", graph, "--out", str(page), *options])
    assert result.exit_code == 0, result.output
    assert f"<title>{title}</title>" in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_labels_break_between_words_never_inside_a_number_and_its_unit(
    query_graph: Graph, lang: str
) -> None:
    data = _page_data(
        viz.render_html(viz.select_view(query_graph, view="full"), title="t", lang=lang)
    )
    numbers = re.compile(r"\d[\d.,]*[万亿]*")
    closing = tuple(":,.;!?)、,。:;!?)》”")
    broken = 0
    for node in data["nodes"]:
        lines = node["label"].split("\n")
        broken += len(lines) > 1
        joiner = "" if lang == "zh" else " "
        assert joiner.join(lines) == node["tip"][lang], node["label"]
        for number in numbers.findall(node["tip"][lang]):
            assert any(number in line for line in lines), (number, lines)
        assert not any(line.startswith(closing) for line in lines[1:]), lines
    assert broken > 20  # long labels are broken, here, not by the browser


@pytest.mark.parametrize("view", ["full", "cases"])
def test_a_second_edge_between_two_nodes_curves_so_both_can_be_seen_and_hovered(
    query_graph: Graph, view: str
) -> None:
    data = _page_data(viz.render_html(viz.select_view(query_graph, view=view), title="t"))
    between: dict[frozenset[str], list[Any]] = {}
    for edge in data["edges"]:
        between.setdefault(frozenset((edge["from"], edge["to"])), []).append(edge.get("smooth"))
    several = [shapes for shapes in between.values() if len(shapes) > 1]
    assert several, "the view has no two nodes joined twice"
    for shapes in several:
        drawn = [
            (s or {}).get("type", "straight") + str((s or {}).get("roundness")) for s in shapes
        ]
        assert len(set(drawn)) == len(drawn), drawn


@pytest.mark.parametrize(
    ("browser", "message"),
    [(None, "a PNG needs Chromium"), ("/bin/false", "Chromium could not take the picture")],
    ids=["missing", "failing"],
)
def test_a_png_that_cannot_be_taken_leaves_the_page_and_picture_in_place_as_they_were(
    query_graph: Graph,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    browser: str | None,
    message: str,
) -> None:
    from reformgraph.errors import ToolError

    page, png = tmp_path / "cases.html", tmp_path / "cases.png"
    page.write_text("the page as it was", encoding="utf-8")
    png.write_bytes(b"the picture as it was")
    monkeypatch.setattr(pipeline, "find_chromium", lambda: browser)
    with pytest.raises(ToolError, match=message):
        write_view(query_graph, page, view="cases", picture="png")
    assert page.read_text(encoding="utf-8") == "the page as it was"
    assert png.read_bytes() == b"the picture as it was"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cases.html", "cases.png"]


@pytest.mark.parametrize("command", ["viz", "network"])
def test_an_rdf_file_that_cannot_be_read_is_named_with_where_in_plain_words(
    tmp_path: Path, command: str
) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("garbage <<\n", encoding="utf-8")
    result = CliRunner().invoke(app, [command, "--graph", str(bad)])
    assert result.exit_code == 2, result.output
    assert f"{bad}: cannot be parsed as RDF: Parser error at line 1" in result.output
    assert "b''" not in result.output
    assert "Traceback" not in result.output


def test_a_page_of_an_rdf_file_with_nothing_to_draw_names_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ttl"
    empty.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["viz", "--graph", str(empty)])
    assert result.exit_code == 2, result.output
    assert f"{empty}: the graph holds no nodes" in result.output
    assert list(tmp_path.iterdir()) == [empty]


def test_the_language_of_a_page_is_read_in_any_case(build_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    result = CliRunner().invoke(
        app,
        [
            "viz",
            "--lang",
            "EN",
            "--case",
            "big-fiscal-system",
            "--out",
            str(page),
            "--build",
            str(build_dir),
        ],
    )
    assert result.exit_code == 0, result.output
    assert '<html lang="en"' in page.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("lang", "title"),
    [("zh", "推进大财政体系建设"), ("en", 'Advancing the building of a "big fiscal" system')],
)
def test_a_case_page_is_titled_with_the_cases_title_in_its_language(
    query_graph: Graph, tmp_path: Path, lang: str, title: str
) -> None:
    import html

    [page] = write_view(query_graph, tmp_path / "case.html", case="big-fiscal-system", lang=lang)
    found = re.search(r"<title>(.*?)</title>", page.read_text(encoding="utf-8"))
    assert found is not None
    assert html.unescape(found[1]) == f"reformgraph — {title}"


def test_a_cases_page_without_the_most_named_entities_does_not_replace_the_whole_one(
    query_graph: Graph, tmp_path: Path
) -> None:
    [whole] = write_view(query_graph, tmp_path, view="cases")
    [limited] = write_view(query_graph, tmp_path, view="cases", max_cases=2)
    assert (whole.name, limited.name) == ("reformgraph-cases.html", "reformgraph-cases-max2.html")
    assert whole.read_bytes() != limited.read_bytes()


def test_the_english_page_does_not_replace_the_chinese_one(
    query_graph: Graph, tmp_path: Path
) -> None:
    # Both were written to reformgraph-cases.html: each run replaced the other language's.
    [chinese] = write_view(query_graph, tmp_path, view="cases")
    [english] = write_view(query_graph, tmp_path, view="cases", lang="en")
    [limited] = write_view(query_graph, tmp_path, view="cases", max_cases=2, lang="en")
    names = (chinese.name, english.name, limited.name)
    assert names == (
        "reformgraph-cases.html",
        "reformgraph-cases-en.html",
        "reformgraph-cases-max2-en.html",
    )
    assert '<html lang="zh-Hans"' in chinese.read_text(encoding="utf-8")
    assert '<html lang="en"' in english.read_text(encoding="utf-8")

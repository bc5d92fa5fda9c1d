"""The library's functions as a notebook calls them: a wrong argument is refused with a
message that says what to give, not an error from deep inside (found by using the API as
the README shows it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from reformgraph import analysis, pipeline, viz
from reformgraph.errors import NoBuildError, QueryError, UnknownCaseError
from reformgraph.queries import load_query, saved_query

from .paths import DATA

DATA_IRI = "https://w3id.org/reformgraph/id/"

GRAPH_FUNCTIONS: dict[str, Callable[[Any], object]] = {
    "case_links": analysis.case_links,
    "iter_case_links": analysis.iter_case_links,
    "suggest_links": analysis.suggest_links,
    "to_networkx": analysis.to_networkx,
    "case_projection": analysis.case_projection,
    "centrality": analysis.centrality,
    "communities": analysis.communities,
    "case_entity_links": analysis.case_entity_links,
    "select_view": viz.select_view,
    "labels_zh_en": lambda g: analysis.labels_zh_en(g, "hubei"),
    "write_view": lambda g: pipeline.write_view(g, "/nonexistent/page.html"),
    "write_networks": lambda g: pipeline.write_networks(g, "/nonexistent/networks"),
}


@pytest.mark.parametrize("name", sorted(GRAPH_FUNCTIONS))
@pytest.mark.parametrize("given", ["build", Path("build")])
def test_a_function_of_a_graph_given_a_folder_says_how_to_get_a_graph(
    name: str, given: str | Path
) -> None:
    # "AttributeError: 'str' object has no attribute 'subjects'"
    function = name if name in ("labels_zh_en", "write_view", "write_networks") else None
    with pytest.raises(TypeError) as refused:
        GRAPH_FUNCTIONS[name](given)
    message = str(refused.value)
    assert message.startswith(f"{function or name}: give an rdflib Graph (pipeline.open_graph")
    assert f"not a {type(given).__name__}" in message


@pytest.mark.parametrize(
    "function", [analysis.labels_zh_en, analysis.entity_kind, analysis.evidence_span]
)
def test_a_missing_node_is_refused_not_read_as_every_node(
    query_graph: Graph, function: Callable[[Graph, Any], object]
) -> None:
    # labels_zh_en(g, None) gave the Chinese label of one node and the English of another.
    with pytest.raises(TypeError, match="not NoneType \\(a missing value\\?\\)"):
        function(query_graph, None)


def test_one_node_given_alone_is_one_node_not_one_per_character(query_graph: Graph) -> None:
    # involving="performance-evaluation-platform" was read as the nodes "p", "e", "r" …
    alone = analysis.suggest_links(query_graph, involving="performance-evaluation-platform")
    listed = analysis.suggest_links(query_graph, involving=["performance-evaluation-platform"])
    assert alone == listed
    assert listed
    one = analysis.to_networkx(query_graph, nodes="case/big-fiscal-system")
    assert list(one.nodes) == [f"{DATA_IRI}case/big-fiscal-system"]


@pytest.mark.parametrize("writer", [analysis.write_graphml, analysis.write_gexf])
def test_a_network_writer_given_an_rdf_graph_says_what_to_give(
    query_graph: Graph, tmp_path: Path, writer: Callable[[Any, Path], None]
) -> None:
    with pytest.raises(TypeError, match="give a networkx graph \\(to_networkx\\(graph\\)"):
        writer(query_graph, tmp_path / "x.graphml")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda g, out: pipeline.write_view(g, out / "cases.svg", view="cases"),
            "'cases.svg' is neither: give {out}/cases.html (picture='svg'",
        ),
        (
            lambda g, out: pipeline.write_networks(g, out / "nets.graphml"),
            "'nets.graphml' is a file's name: give a folder, such as {out}/nets",
        ),
    ],
)
def test_an_output_named_like_another_kind_of_file_is_refused_not_made_a_folder(
    query_graph: Graph, tmp_path: Path, call: Callable[[Graph, Path], object], message: str
) -> None:
    with pytest.raises(ValueError, match=r"is neither|is a file's name") as refused:
        call(query_graph, tmp_path)
    assert message.format(out=tmp_path) in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_write_view_of_an_unknown_case_says_so_with_the_case_it_is_like(
    query_graph: Graph, tmp_path: Path
) -> None:
    # It raised NoBuildError (for any KeyError); select_view named no close case.
    for call in (
        lambda: pipeline.write_view(query_graph, tmp_path, case="big-fiscal"),
        lambda: viz.select_view(query_graph, case="big-fiscal"),
    ):
        with pytest.raises(UnknownCaseError, match="did you mean big-fiscal-system\\?"):
            call()
    assert list(tmp_path.iterdir()) == []


def test_query_and_export_take_a_query_file_as_a_path(build_dir: Path, tmp_path: Path) -> None:
    # "give the query as a SavedQuery … or as text …, not a PosixPath"
    query = tmp_path / "count.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?c a rg:ReformCase }\n", encoding="utf-8")
    with pipeline.open_graph(build_dir) as graph:
        assert [int(row[0]) for row in pipeline.query(graph, query).rows] == [8]
    out = tmp_path / "count.csv"
    assert pipeline.export_query(build_dir, query, out, output_format="CSV") == 1
    assert out.read_text(encoding="utf-8-sig").splitlines() == ["n", "8"]


def test_export_query_given_a_graph_or_no_file_says_what_to_give(
    build_dir: Path, query_graph: Graph, tmp_path: Path
) -> None:
    with pytest.raises(TypeError, match="export_query reads a build's store: give the build"):
        pipeline.export_query(query_graph, "cases", tmp_path / "x.csv")  # type: ignore[arg-type]
    # "OSError: [Errno 16] Device or resource busy: '..l522xf4w.tmp' -> '.'"
    for target in ("", tmp_path):
        with pytest.raises(QueryError, match="give the name of a file to write the answer to"):
            pipeline.export_query(build_dir, "cases", target, output_format="csv")


def test_open_graph_of_a_file_points_to_load_graph(build_dir: Path) -> None:
    # "build/reformgraph.nt/store: no such folder: build first"
    nt = build_dir / "reformgraph.nt"
    with pytest.raises(NoBuildError, match="a file, not a build folder: load_graph\\(FILE\\)"):
        pipeline.open_graph(nt)
    with pytest.raises(TypeError, match="give a build folder, not a NoneType"):
        pipeline.open_graph(None)  # type: ignore[arg-type]


def test_extract_takes_its_paths_as_text(tmp_path: Path) -> None:
    # "AttributeError: 'str' object has no attribute 'is_symlink'"
    from reformgraph.extract import extract

    report = str(DATA / "sources" / "hubei-2025-reform-cases.txt")
    result = extract(report, str(tmp_path / "draft"), curated=str(DATA))
    assert result.cases == 8


def test_the_io_functions_take_their_paths_as_text(tmp_path: Path) -> None:
    # "AttributeError: 'str' object has no attribute 'is_dir'"
    from reformgraph.io import atomic_write_bytes, load_data_folder, read_graph

    dataset = load_data_folder(str(DATA))
    assert dataset.root == DATA
    assert [c.record.id for c in dataset.cases] == [
        c.record.id for c in load_data_folder(DATA).cases
    ]
    assert dataset.cases
    assert dataset.sources
    assert not dataset.errors
    nt = str(tmp_path / "one.nt")
    atomic_write_bytes(
        nt, b"<https://example.org/a> <https://example.org/b> <https://example.org/c> .\n"
    )
    assert len(read_graph(nt)) == 1


def test_a_wrong_score_or_progress_is_refused_before_any_work(
    query_graph: Graph, tmp_path: Path
) -> None:
    # minimum="0.5" failed after the work, in a comparison; progress=True deep in the build
    with pytest.raises(TypeError, match=r"minimum: a score from 0 to 1, such as 0\.5, not '0\.5'"):
        analysis.suggest_links(query_graph, minimum="0.5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress: a function called as progress"):
        analysis.suggest_links(query_graph, progress=True)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress: a function called as progress"):
        pipeline.build(DATA, tmp_path / "b", progress=True)  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("call", "given", "meant"),
    [
        (lambda g, x: analysis.labels_zh_en(g, x), "hubie", "hubei"),
        (lambda g, x: analysis.to_networkx(g, nodes=[x]), "performance-evaluation-platfrom",
         "performance-evaluation-platform"),
        (lambda g, x: analysis.suggest_links(g, involving=[x]), "relevant-departmnets",
         "relevant-departments"),
    ],
    ids=["labels_zh_en", "to_networkx", "suggest_links"],
)  # fmt: skip
def test_a_misspelt_id_is_an_unknown_node_with_the_ids_it_is_like(
    query_graph: Graph, call: Callable[[Graph, str], Any], given: str, meant: str
) -> None:
    from reformgraph.errors import UnknownNodeError

    with pytest.raises(UnknownNodeError) as raised:
        call(query_graph, given)
    message = str(raised.value)
    assert message.startswith(f"no entity or case {given!r} in the graph (did you mean {meant}")


@pytest.mark.parametrize("render", [viz.render_html, viz.render_svg], ids=["html", "svg"])
def test_a_picture_of_an_rdf_graph_says_to_give_a_network(
    query_graph: Graph, render: Callable[..., str]
) -> None:
    with pytest.raises(TypeError, match=r"give a networkx graph .*not a Graph"):
        render(query_graph, title="x")


def test_a_network_written_onto_a_folder_names_the_folder_not_a_temporary_file(
    query_graph: Graph, tmp_path: Path
) -> None:
    network = analysis.case_projection(query_graph)
    with pytest.raises(IsADirectoryError) as raised:
        analysis.write_graphml(network, tmp_path)
    assert raised.value.filename == str(tmp_path)
    assert "give the name of the file to write" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


def test_opening_a_data_folder_as_a_build_says_to_build_it(tmp_path: Path) -> None:
    import shutil

    data = shutil.copytree(DATA, tmp_path / "data")
    with pytest.raises(NoBuildError, match="is a data folder, not a build: build it first"):
        pipeline.open_graph(data)


def test_load_query_reads_a_relative_file_from_the_current_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # load_query("my.rq") was a TypeError: its folder had to be given, as Path.cwd().
    (tmp_path / "my.rq").write_text("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_query("my.rq").text == load_query("my.rq", tmp_path).text
    assert load_query("cases") == saved_query("cases")
    assert "LIMIT 1" in load_query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1").text


def test_the_public_modules_are_attributes_of_the_package_loaded_when_first_named() -> None:
    # `import reformgraph; reformgraph.pipeline.open_graph(...)` was an AttributeError.
    import subprocess
    import sys

    script = (
        "import sys, reformgraph\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('reformgraph.'))\n"
        "assert loaded == [], loaded\n"
        "assert reformgraph.pipeline is sys.modules['reformgraph.pipeline']\n"
        "assert callable(reformgraph.analysis.centrality)\n"
        "assert set(reformgraph.__all__) == {'__version__', 'analysis', 'errors', 'io',"
        " 'pipeline', 'queries', 'viz'}\n"
        "try:\n    reformgraph.nope\nexcept AttributeError:\n    pass\n"
        "else:\n    raise AssertionError('reformgraph.nope')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr

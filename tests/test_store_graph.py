"""An rdflib Graph over the built Oxigraph store (``pipeline.open_graph``).

It must hold the build's triples, answer every saved query with Oxigraph's engine and
the rows the store gives, give the terms rdflib's parsers give (plain literals), serve the
cross-case analysis as a parsed graph does, and never change the build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, RDF, XSD

from reformgraph import analysis, pipeline
from reformgraph.engine import STORE_DIR, open_store
from reformgraph.errors import (
    GraphClosedError,
    NoBuildError,
    QueryError,
    ReadOnlyGraphError,
)
from reformgraph.models import RG
from reformgraph.queries import (
    SavedQuery,
    run_query,
    run_query_on_store,
    saved_queries,
    saved_query,
)

from .helpers import assert_isomorphic
from .test_differential import canonical_rows, stored_graph

QUERIES = saved_queries()
OA_EXACT = URIRef("http://www.w3.org/ns/oa#exact")
BIG_FISCAL = URIRef("https://w3id.org/reformgraph/id/case/big-fiscal-system")


@pytest.fixture(scope="module")
def store_graph(build_dir: Path) -> Iterator[Graph]:
    graph = pipeline.open_graph(build_dir)
    yield graph
    graph.close()


def test_graph_over_the_store_holds_the_triples_of_the_built_files(
    store_graph: Graph, query_graph: Graph
) -> None:
    """Up to the canonical numbers Oxigraph stores, the graph is the parsed N-Triples plus
    the ontology (what ``load_graph`` gives)."""
    ours, parsed = stored_graph(store_graph), stored_graph(query_graph)
    assert_isomorphic(ours, parsed, "the graph over the store (-) and the parsed files (+) differ:")
    assert len(store_graph) == len(query_graph)


def test_graph_over_the_store_gives_plain_literals_as_rdflib_parsers_do(
    store_graph: Graph, query_graph: Graph
) -> None:
    quotes = sorted(store_graph.objects(None, OA_EXACT))
    assert quotes
    assert all(q.datatype is None and q.language is None for q in quotes), quotes[:3]
    assert set(quotes) == set(query_graph.objects(None, OA_EXACT))
    # And a plain literal finds its triples.
    quote = quotes[0]
    assert set(store_graph.subjects(OA_EXACT, Literal(str(quote)))) == set(
        query_graph.subjects(OA_EXACT, quote)
    )
    assert store_graph.value(BIG_FISCAL, DCTERMS.title) is not None


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_saved_query_on_the_graph_over_the_store_gives_the_rows_of_the_store(
    store_graph: Graph, build_dir: Path, name: str
) -> None:
    """Same engine, same store: the same rows in the same order, as rdflib terms."""
    query = QUERIES[name]
    through_rdflib = run_query(store_graph, query)
    store = open_store(build_dir / STORE_DIR)
    try:
        direct = run_query_on_store(store, query)
    finally:
        del store
    assert through_rdflib.variables == direct.variables
    assert canonical_rows(through_rdflib) == canonical_rows(direct)
    assert all(
        isinstance(term, (URIRef, Literal)) for row in through_rdflib.rows for term in row if term
    )
    if not query.is_violation_check:
        assert through_rdflib.rows, f"{name}: no rows on the real data, nothing compared"


def test_a_bound_parameter_restricts_a_query_on_the_graph_over_the_store(
    store_graph: Graph, query_graph: Graph
) -> None:
    query = saved_query("figures")
    ours = pipeline.query(store_graph, query, {"case": "big-fiscal-system"})
    theirs = pipeline.query(query_graph, query, {"case": "big-fiscal-system"})
    assert ours.rows
    assert {row[0] for row in ours.rows} == {BIG_FISCAL}
    assert sorted(canonical_rows(ours)) == sorted(canonical_rows(theirs))


def test_queries_on_the_graph_over_the_store_are_answered_by_oxigraph_not_rdflib(
    store_graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rdflib's own engine would read the store triple by triple: far too slow at scale."""
    from rdflib.plugins.sparql import processor

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rdflib's SPARQL engine was asked")

    monkeypatch.setattr(processor.SPARQLProcessor, "query", refuse)
    monkeypatch.setattr(processor, "prepareQuery", refuse)
    result = pipeline.query(store_graph, saved_query("cases"))
    assert len(result.rows) == 8


def test_construct_on_the_graph_over_the_store_gives_plain_literals(store_graph: Graph) -> None:
    text = (
        "PREFIX oa: <http://www.w3.org/ns/oa#>\n"
        "CONSTRUCT { ?s oa:exact ?q } WHERE { ?s oa:exact ?q } LIMIT 5"
    )
    result = run_query(store_graph, SavedQuery("construct", text))
    assert result.graph is not None
    assert len(result.graph) == 5
    assert all(o.datatype is None for o in result.graph.objects())


def test_select_rows_on_the_graph_over_the_store_give_plain_literals_as_rdflib_does(
    store_graph: Graph, query_graph: Graph
) -> None:
    text = "SELECT ?q WHERE { ?s <http://www.w3.org/ns/oa#exact> ?q } ORDER BY ?q LIMIT 5"
    rows = [row[0] for row in store_graph.query(text)]  # type: ignore[index]
    assert len(rows) == 5
    assert all(isinstance(q, Literal) and q.datatype is None and q.language is None for q in rows)
    assert rows == [row[0] for row in query_graph.query(text)]  # type: ignore[index]


def test_a_syntax_error_on_the_graph_over_the_store_names_the_line_and_column(
    store_graph: Graph,
) -> None:
    with pytest.raises(QueryError, match=r"SPARQL syntax error at line 2, column \d+"):
        run_query(store_graph, SavedQuery("bad", "SELECT ?s\nWHERE { ?s ?p }"))


def test_the_graph_over_the_store_cannot_change_the_build(
    store_graph: Graph, build_dir: Path
) -> None:
    before = len(store_graph)
    with pytest.raises(ReadOnlyGraphError, match=r"read-only.*edit the data and build again"):
        store_graph.add((BIG_FISCAL, DCTERMS.title, Literal("changed")))
    assert len(store_graph) == before
    # A second reader opens the same build at the same time.
    other = pipeline.open_graph(build_dir)
    assert len(other) == before


def test_open_graph_without_a_build_says_to_build_first(tmp_path: Path) -> None:
    with pytest.raises(NoBuildError, match=r"store: no such folder: build first"):
        pipeline.open_graph(tmp_path)


def test_open_graph_on_the_store_of_a_build_names_the_build_folder(build_dir: Path) -> None:
    # It said "build/store/store: no such folder: build first".
    with pytest.raises(NoBuildError, match=r"is the store of a build: give the build folder"):
        pipeline.open_graph(build_dir / STORE_DIR)


def test_load_graph_of_a_build_folder_says_to_open_it_or_parse_its_n_triples(
    build_dir: Path,
) -> None:
    with pytest.raises(NoBuildError, match=r"is a build folder, not an RDF file: read it as a"):
        pipeline.load_graph(build_dir)


def test_open_graph_on_a_folder_that_is_not_a_store_says_so(tmp_path: Path) -> None:
    (tmp_path / STORE_DIR).mkdir()
    (tmp_path / STORE_DIR / "notes.txt").write_text("not a store\n", encoding="utf-8")
    with pytest.raises(NoBuildError, match=r"store: cannot be opened as an Oxigraph store"):
        pipeline.open_graph(tmp_path)
    assert sorted(p.name for p in (tmp_path / STORE_DIR).iterdir()) == ["notes.txt"]


def test_the_public_functions_take_paths_as_strings(synthetic_build: Path, tmp_path: Path) -> None:
    """A notebook passes ``"build"``, not ``Path("build")``: each function of the API that
    takes a path takes a string and gives what it gives for the ``Path``."""
    data = synthetic_build.parent / "data"
    out = tmp_path / "build"
    built = pipeline.build(str(data), str(out))
    assert built.folder == out
    assert pipeline.check(str(data)).summary == built.check.summary
    graph = pipeline.open_graph(str(out))
    parsed = pipeline.load_graph(str(out / "reformgraph.nt"))
    assert len(graph) == len(parsed) > 0
    rows = pipeline.export_query(str(out), saved_query("cases"), str(tmp_path / "cases.csv"))
    assert rows == built.check.summary.cases
    assert (tmp_path / "cases.csv").is_file()
    case = sorted(str(c).rsplit("/", 1)[-1] for c in graph.subjects(RDF.type, RG.ReformCase))[0]
    page = tmp_path / "case.html"
    assert pipeline.write_view(graph, str(page), case=case) == [page]
    written = pipeline.write_networks(graph, str(tmp_path / "networks"))
    assert sorted(p.name for p in written) == sorted(
        f"{name}{suffix}"
        for name in ("reformgraph", "reformgraph-cases")
        for suffix in (".graphml", ".gexf")
    )
    analysis.write_graphml(analysis.case_projection(graph), str(tmp_path / "cases.graphml"))
    assert (tmp_path / "cases.graphml").is_file()
    graph.close()


def test_cross_case_analysis_on_the_graph_over_the_store_equals_the_parsed_graph(
    store_graph: Graph, query_graph: Graph
) -> None:
    assert analysis.case_links(store_graph) == analysis.case_links(query_graph)
    assert analysis.centrality(store_graph) == analysis.centrality(query_graph)
    assert analysis.communities(store_graph) == analysis.communities(query_graph)
    assert analysis.suggest_links(store_graph) == analysis.suggest_links(query_graph)


def test_a_literal_typed_xsd_string_by_oxigraph_is_not_left_typed(store_graph: Graph) -> None:
    """The case oxrdflib alone gets wrong: a plain literal comes back as xsd:string."""
    from oxrdflib import OxigraphStore

    inner = store_graph.store.oxigraph  # type: ignore[attr-defined]
    raw = Graph(store=OxigraphStore(store=inner), identifier=DATASET_DEFAULT_GRAPH_ID)
    raw_quotes = set(raw.objects(None, OA_EXACT))
    assert raw_quotes
    assert {q.datatype for q in raw_quotes} == {XSD.string}
    assert {Literal(str(q)) for q in raw_quotes} == set(store_graph.objects(None, OA_EXACT))


def test_the_readme_python_example_runs_on_a_build(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's 'From Python or a notebook' example, as written, in a folder whose
    ``build`` is the test build."""
    import re

    from .paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### From Python or a notebook", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found, "no Python example in the README's section"
    code = found[1]
    assert "pipeline.open_graph" in code
    (tmp_path / "build").symlink_to(build_dir, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    rows = namespace["rows"]
    assert isinstance(rows, list)
    assert rows
    assert {row["case"] for row in rows} == {BIG_FISCAL}


def test_len_of_a_named_graph_of_the_store_counts_its_triples(
    store_graph: Graph, build_dir: Path
) -> None:
    """The build keeps a copy of the ontology in its own named graph."""
    from reformgraph.engine import ONTOLOGY_GRAPH

    ontology = Graph(store=store_graph.store, identifier=URIRef(ONTOLOGY_GRAPH))
    store = open_store(build_dir / STORE_DIR)
    try:
        expected = sum(
            1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH))
        )
    finally:
        del store
    assert expected > 0
    assert len(ontology) == expected
    assert len(ontology) == len(set(ontology))


@pytest.mark.parametrize("suffix", [".trig", ".nq", ".jsonld", ".json"])
def test_load_graph_reads_the_triples_of_every_named_graph_of_a_dataset_file(
    build_dir: Path, tmp_path: Path, suffix: str
) -> None:
    # A triple store's export keeps the data in named graphs: none may be dropped.
    store = ox.Store()
    store.load(
        path=str(build_dir / "reformgraph.nt"),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode("https://example.org/graph/hubei"),
    )
    path = tmp_path / f"export{suffix}"
    formats = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS}
    store.dump(str(path), formats.get(suffix, ox.RdfFormat.JSON_LD))
    # Oxigraph writes derived integer types as xsd:integer: compared in that form.
    loaded = stored_graph(pipeline.load_graph(path))
    plain = stored_graph(pipeline.load_graph(build_dir / "reformgraph.nt"))
    assert len(loaded) == len(plain)
    assert_isomorphic(loaded, plain, "the store's export (-) and the built N-Triples (+) differ:")


def _closed_port() -> int:
    """A port of this machine where nothing listens (a request there is refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    "context",
    [
        '"http://127.0.0.1:{port}/context.jsonld"',
        '["https://127.0.0.1:{port}/context.jsonld", {{"ex": "http://ex/"}}]',
        '{{"@import": "http://127.0.0.1:{port}/context.jsonld", "ex": "http://ex/"}}',
        '"context.jsonld"',
    ],
    ids=["remote", "remote-in-a-list", "imported", "a-file-beside-it"],
)
def test_a_json_ld_file_whose_context_is_another_document_is_refused_without_fetching_it(
    tmp_path: Path, context: str
) -> None:
    # rdflib's parser fetched it: a file from someone else made the machine send a
    # request to the address of its author's choosing (or read any local file).
    (tmp_path / "context.jsonld").write_text('{"@context": {"ex": "http://ex/"}}', "utf-8")
    path = tmp_path / "theirs.jsonld"
    path.write_text(
        '{"@context": ' + context.format(port=_closed_port()) + ', "@id": "http://ex/a",'
        ' "ex:b": "c"}',
        encoding="utf-8",
    )
    with pytest.raises(NoBuildError, match="its @context refers to another document"):
        pipeline.load_graph(path)


@pytest.fixture(scope="module")
def built_graph(built: pipeline.BuildResult) -> Graph:
    """What ``pipeline.build(...).graph()`` gives."""
    return built.graph()


def _variants() -> list[object]:
    """Each saved query, and each with its class parameter bound (matched by subclass,
    through the ontology)."""
    variants: list[object] = [pytest.param(name, {}, id=name) for name in sorted(QUERIES)]
    for name in sorted(QUERIES):
        for param in QUERIES[name].params:
            if param.type == "class":
                for value in ("rg:PolicyDocument", "rg:Law", "rg:Platform"):
                    if param.within and value == "rg:Platform":
                        continue  # not an instrument class: refused (tests/test_queries.py)
                    variants.append(
                        pytest.param(name, {param.name: value}, id=f"{name}-{param.name}-{value}")
                    )
    return variants


@pytest.mark.parametrize(("name", "params"), _variants())
def test_the_graph_of_a_build_result_answers_every_saved_query_as_load_and_open_graph_do(
    built_graph: Graph,
    query_graph: Graph,
    store_graph: Graph,
    name: str,
    params: dict[str, str],
) -> None:
    """``BuildResult.graph()`` had no ontology: ``instruments`` gave no rows, without a word."""
    query = QUERIES[name]
    ours = pipeline.query(built_graph, query, params)
    parsed = pipeline.query(query_graph, query, params)
    stored = pipeline.query(store_graph, query, params)
    assert ours.variables == parsed.variables == stored.variables
    assert canonical_rows(ours) == canonical_rows(parsed)
    assert Counter(canonical_rows(ours)) == Counter(canonical_rows(stored))
    if not query.is_violation_check and not params:
        assert ours.rows, f"{name}: no rows on the real data, nothing compared"


def test_a_closed_graph_says_so_and_how_to_open_it_again(build_dir: Path) -> None:
    graph = pipeline.open_graph(build_dir)
    graph.close()
    uses = {
        "len": lambda: len(graph),
        "iterate": lambda: next(iter(graph)),
        "value": lambda: graph.value(BIG_FISCAL, DCTERMS.title),
        "query": lambda: pipeline.query(graph, saved_query("cases")),
        "sparql": lambda: graph.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1"),
        "analysis": lambda: analysis.case_links(graph),
        "add": lambda: graph.add((BIG_FISCAL, DCTERMS.title, Literal("x"))),
    }
    for use, call in uses.items():
        with pytest.raises(GraphClosedError, match=r"was closed: open it again with pipeline") as e:
            call()  # an AttributeError of oxrdflib's store, or a silently empty answer
        assert str(build_dir) in str(e.value), use


def test_the_graph_of_a_build_is_a_context_manager_that_closes_it(build_dir: Path) -> None:
    with pipeline.open_graph(build_dir) as graph:
        assert isinstance(graph, Graph)
        assert len(pipeline.query(graph, saved_query("cases")).rows) == 8
    with pytest.raises(GraphClosedError, match=str(build_dir)):
        len(graph)


@pytest.mark.parametrize(
    "change",
    ["add", "addN", "remove", "update", "parse"],
)
def test_changing_the_graph_of_a_build_says_it_is_read_only(
    store_graph: Graph, change: str
) -> None:
    triple = (BIG_FISCAL, DCTERMS.title, Literal("changed"))
    changes = {
        "add": lambda: store_graph.add(triple),
        "addN": lambda: store_graph.addN([(*triple, store_graph)]),
        "remove": lambda: store_graph.remove((BIG_FISCAL, None, None)),
        "update": lambda: store_graph.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
        "parse": lambda: store_graph.parse(data="<urn:a> <urn:b> <urn:c> .", format="nt"),
    }
    before = len(store_graph)
    with pytest.raises(ReadOnlyGraphError, match=r"read-only.*edit the data and build again"):
        changes[change]()  # pyoxigraph's RuntimeError "Transaction are only possible …"
    assert len(store_graph) == before


def test_a_query_given_as_text_runs_as_the_command_line_runs_it(store_graph: Graph) -> None:
    by_name = pipeline.query(store_graph, "cases")
    assert by_name.rows == pipeline.query(store_graph, saved_query("cases")).rows
    text = "SELECT ?case WHERE { ?case a rg:ReformCase }"
    assert len(pipeline.query(store_graph, text).rows) == 8


def test_a_query_file_given_as_a_path_is_that_file_even_with_a_saved_querys_name(
    store_graph: Graph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Path("figures") ran the saved query figures, not the file.
    text = "SELECT ?case WHERE { ?case a rg:ReformCase } ORDER BY ?case"
    (tmp_path / "figures").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert pipeline.query(store_graph, Path("figures")).rows == (
        pipeline.query(store_graph, text).rows
    )
    assert pipeline.query(store_graph, "figures").variables[0] == "case"  # the saved one
    assert len(pipeline.query(store_graph, "figures").variables) > 1


@pytest.mark.slow
def test_a_script_giving_a_query_file_as_a_path_type_checks_strictly(tmp_path: Path) -> None:
    # The functions took a Path but were annotated `SavedQuery | str`: mypy --strict
    # refused a user's script that passed one.
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "from pathlib import Path\n"
        "from reformgraph import pipeline\n"
        "graph = pipeline.open_graph('build')\n"
        "pipeline.query(graph, Path('question.rq'))\n"
        "pipeline.export_query('build', Path('question.rq'), Path('answer.csv'))\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((42,), r"give the query as a SavedQuery .* not a int"),
        (("cases", [("case", "big-fiscal-system")]), r"params: give a mapping .* not a list"),
        (("cases", "case=big-fiscal-system"), r"params: give a mapping .* not a str"),
    ],
    ids=["query-not-text", "params-list", "params-text"],
)
def test_a_query_or_parameters_of_the_wrong_type_say_what_to_give(
    store_graph: Graph, args: tuple[object, ...], message: str
) -> None:
    with pytest.raises(TypeError, match=message):  # AttributeError: ... has no attribute
        pipeline.query(store_graph, *args)  # type: ignore[arg-type]


def test_a_folder_is_not_a_graph_to_query(build_dir: Path) -> None:
    with pytest.raises(TypeError, match="give an rdflib Graph"):
        pipeline.query(str(build_dir), "cases")  # type: ignore[arg-type]


def test_exporting_an_ask_query_counts_its_answer(build_dir: Path, tmp_path: Path) -> None:
    for suffix in (".csv", ".json"):
        target = tmp_path / f"ask{suffix}"
        assert pipeline.export_query(build_dir, "ASK { ?s ?p ?o }", target) == 1
        assert "true" in target.read_text(encoding="utf-8-sig")


def test_an_unknown_picture_format_is_refused(query_graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown picture format 'gif': use svg or png"):
        pipeline.write_view(query_graph, tmp_path / "v.html", view="cases", picture="gif")
    assert not list(tmp_path.iterdir())


def test_a_view_written_to_a_folder_goes_into_it_as_the_command_line_names_it(
    query_graph: Graph, tmp_path: Path
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    assert pipeline.write_view(query_graph, folder, view="cases") == [
        folder / "reformgraph-cases.html"
    ]
    assert pipeline.write_view(query_graph, folder, case="big-fiscal-system") == [
        folder / "reformgraph-big-fiscal-system.html"
    ]
    assert sorted(p.name for p in folder.iterdir()) == [
        "reformgraph-big-fiscal-system.html",
        "reformgraph-cases.html",
    ]


@pytest.mark.parametrize(
    "case",
    [
        "<https://w3id.org/reformgraph/id/case/big-fiscal-system>",
        "https://w3id.org/reformgraph/id/case/big-fiscal-system",
        "rgd:case/big-fiscal-system",
        "case/big-fiscal-system",
    ],
)
def test_a_case_page_written_to_a_new_folder_is_named_by_its_id_however_the_case_is_given(
    query_graph: Graph, tmp_path: Path, case: str
) -> None:
    # <IRI> named the page reformgraph-big-fiscal-system>.html, and a folder not yet made
    # became the page's file, without .html.
    folder = tmp_path / "pages" / "new"
    page = folder / "reformgraph-big-fiscal-system.html"
    assert pipeline.write_view(query_graph, f"{folder}/", case=case) == [page]
    assert sorted(p.name for p in folder.iterdir()) == [page.name]

"""The notebooks run top to bottom on a fresh kernel, on any build, using only the names
reformgraph's modules export (their ``__all__``)."""

from __future__ import annotations

import ast
import json
import re
import shutil
import tempfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient
from rdflib import Graph

from .paths import DATA, NOTEBOOKS, ROOT

#: Code run after a notebook, in its kernel: what a test reads of the objects it made.
#: The notebooks run on any build and assert nothing about the curated data; the tests
#: check what they found in it here. Notebook 01: the example case, how many cases, the
#: largest of its figures. Notebook 02: the entities that link cases, with and without
#: ``max_cases=2``. Notebook 03: the recognitions chart (the last ``ax``): its title, the
#: y ticks shown and how many pairs of x labels overlap; the recognised cases and the
#: alarm-response change.
PROBES = {
    "01-query-the-graph.ipynb": """
import json

print(json.dumps({
    "case_id": case_id,
    "cases": int(cases["case"].nunique()),
    "titles": int(cases["title"].nunique()),
    "largest": int(figures["value"].max()),
    "named": [[row["entity"].rsplit("/", 1)[-1], row["label"]] for _, row in named.iterrows()],
}))
""",
    "02-cross-case-links.ipynb": """
import json

print(json.dumps({
    "platform": sorted(
        [row["case A"], row["quote A"], row["case B"], row["quote B"]]
        for _, row in links[links["kind"] == "platform"].iterrows()
    ),
    "entities": sorted(set(links["entity"])),
    "rare": sorted(rare),
    "dropped": dropped,
}))
""",
    "03-figures.ipynb": """
import json
from itertools import combinations

from matplotlib.backends.backend_agg import FigureCanvasAgg

_renderer = FigureCanvasAgg(ax.figure).get_renderer()
ax.figure.draw(_renderer)
_boxes = [t.get_window_extent(_renderer) for t in ax.get_xticklabels()]
_low, _high = ax.get_ylim()
print(json.dumps({
    "title": ax.get_title(),
    "yticks": [float(t) for t in ax.get_yticks() if _low <= t <= _high],
    "overlapping": int(sum(a.overlaps(b) for a, b in combinations(_boxes, 2))),
    "labels": [t.get_text() for t in ax.get_xticklabels()],
    "recognised": sorted(set(recognitions["caseTitle"])),
    "alarm": [
        [float(row["baseline"]), float(row["result"]), float(row["computedDifference"])]
        for _, row in changes[changes["indicator"] == "报警响应平均用时"].iterrows()
    ],
    "computed": sorted(
        [float(row["baseline"]), float(row["result"]), float(row["computedDifference"]),
         float(row["computedDifferencePercent"])]
        for _, row in changes.dropna(subset=["computedDifference"]).iterrows()
    ),
    "growth_ranks": [
        [int(row["rank"]), row["indicator"], row["statedAs"]]
        for _, row in rankings[rankings["subject"] == "省属企业"].iterrows()
    ],
    "exported": [exported, len(exported_back), len(figures), str(target.parent)],
    "exported_columns": list(exported_back.columns) == list(figures.columns),
}))
""",
}

Executed = tuple[nbformat.NotebookNode, dict[str, Any]]


def test_there_are_the_three_numbered_notebooks() -> None:
    assert [p.name for p in NOTEBOOKS] == [
        "01-query-the-graph.ipynb",
        "02-cross-case-links.ipynb",
        "03-figures.ipynb",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_is_committed_without_outputs(path: Path) -> None:
    book = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") and not cell.get("execution_count") for cell in book.cells
               if cell.cell_type == "code")  # fmt: skip


def _reformgraph_names(book: nbformat.NotebookNode) -> set[tuple[str, str]]:
    """(module, name) of each name a notebook takes from reformgraph: imported from a
    module, or read as an attribute of a module it imported (``pipeline.query``)."""
    tree = ast.parse("\n".join(c.source for c in book.cells if c.cell_type == "code"))
    names: set[tuple[str, str]] = set()
    modules: dict[str, str] = {}  # the name a module is bound to → the module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reformgraph"):
            for alias in node.names:
                if node.module == "reformgraph":
                    modules[alias.asname or alias.name] = f"reformgraph.{alias.name}"
                else:
                    names.add((str(node.module), alias.name))
        elif isinstance(node, ast.Import):
            assert not [a for a in node.names if a.name.startswith("reformgraph")], "from … import"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id in modules:
                names.add((modules[node.value.id], node.attr))
    return names


def test_the_notebooks_use_only_names_the_modules_the_readme_names_export() -> None:
    # The README said "only the public API" of notebooks that import find_project from io,
    # to_dataframe from queries and render_html from viz: it names the modules now.
    import importlib

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = " ".join(readme.split("\n## Notebooks\n", 1)[1].split("\n## ", 1)[0].split())
    used = set().union(*(_reformgraph_names(nbformat.read(p, as_version=4)) for p in NOTEBOOKS))
    assert used
    for module, name in sorted(used):
        exported = importlib.import_module(module).__all__
        assert name in exported, f"{module}.{name} is not in {module}.__all__"
        assert f"`{module.removeprefix('reformgraph.')}`" in section, f"the README names {module}"


def _first_cell(path: Path) -> str:
    book = nbformat.read(path, as_version=4)
    return next(cell.source for cell in book.cells if cell.cell_type == "code")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_a_copy_outside_the_project_reads_the_build_reformgraph_out_names(
    path: Path, build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first cell computed project / "build" even when REFORMGRAPH_OUT was set: outside
    # a project, where there is no project, it stopped with a TypeError.
    copy = tmp_path / path.name
    copy.write_bytes(path.read_bytes())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REFORMGRAPH_OUT", str(build_dir))
    namespace: dict[str, Any] = {}
    exec(compile(_first_cell(copy), f"{copy}:first cell", "exec"), namespace)
    assert namespace["out"] == build_dir
    assert len(namespace["graph"]) > 0


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_outside_a_project_without_reformgraph_out_a_notebook_says_to_set_it(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph.errors import NoProjectError

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REFORMGRAPH_OUT", raising=False)
    with pytest.raises(NoProjectError, match="set REFORMGRAPH_OUT to a build folder"):
        exec(compile(_first_cell(path), f"{path}:first cell", "exec"), {})
    assert list(tmp_path.iterdir()) == [], "nothing built or written"


def test_find_build_outside_a_project_says_where_it_looked_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A copy of a notebook run outside the project stopped in the notebook's own 25 lines
    # of finding the build, shown as a traceback through them.
    from reformgraph import pipeline
    from reformgraph.errors import NoProjectError

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REFORMGRAPH_OUT", raising=False)
    with pytest.raises(NoProjectError) as raised:
        pipeline.find_build()
    assert str(raised.value) == (
        f"no reformgraph project here (no folder at or above {tmp_path} holds data/ with"
        " sources/, cases/ and entities/), and REFORMGRAPH_OUT is not set: set"
        " REFORMGRAPH_OUT to a build folder (one that `reformgraph build --out FOLDER`"
        " wrote), or give the project's folder: pipeline.find_build('path/to/project')"
    )
    assert list(tmp_path.iterdir()) == [], "nothing built or written"


@pytest.mark.parametrize("given", ["no-such-folder", "a-file.txt"])
def test_find_build_given_no_folder_says_so(
    given: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It said that no folder at or above the path held a project: true, but not the cause.
    from reformgraph import pipeline
    from reformgraph.errors import NoProjectError

    (tmp_path / "a-file.txt").write_text("", encoding="utf-8")
    monkeypatch.delenv("REFORMGRAPH_OUT", raising=False)
    problem = "does not exist" if given == "no-such-folder" else "is not a folder"
    said = rf"^{re.escape(str(tmp_path / given))} {problem}: give"
    with pytest.raises(NoProjectError, match=said):
        pipeline.find_build(tmp_path / given)


def test_find_build_given_the_project_folder_reads_its_build_from_anywhere(
    build_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import pipeline

    project = tmp_path / "project"
    shutil.copytree(DATA, project / "data")
    (project / "build").symlink_to(build_dir, target_is_directory=True)  # built: read as is
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("REFORMGRAPH_OUT", raising=False)
    assert pipeline.find_build(project) == project / "build"
    assert pipeline.find_build(str(project / "data" / "cases")) == project / "build"


def test_the_errors_find_build_stops_a_notebook_with_show_as_their_message_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # What Jupyter shows of a cell's error is what IPython shows: 30 lines of a traceback
    # through the cell before the message; now the message alone.
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # its profile, if it writes one
    config = Config()
    config.HistoryManager.enabled = False  # no history.sqlite
    shell = InteractiveShell(config=config)
    for variable, error in [
        (None, "NoProjectError: no reformgraph project here (no folder at or above"),
        (str(tmp_path / "biuld"), f"NoBuildError: REFORMGRAPH_OUT names {tmp_path / 'biuld'},"),
    ]:
        if variable is None:
            monkeypatch.delenv("REFORMGRAPH_OUT", raising=False)
        else:
            monkeypatch.setenv("REFORMGRAPH_OUT", variable)
        ran = shell.run_cell("from reformgraph import pipeline\nout = pipeline.find_build()")
        assert ran.error_in_exec is not None
        shown = capsys.readouterr()
        (line,) = (shown.out + shown.err).splitlines()
        assert line.startswith(error), line
        assert line == f"{type(ran.error_in_exec).__name__}: {ran.error_in_exec}"


@pytest.mark.parametrize(
    ("cell", "error"),
    [
        (
            "pipeline.check(DATA)",
            "DataErrors: {data}/cases/01-big-fiscal-system.yaml:2: malformed YAML",
        ),
        ("saved_query('figurs')", "QueryError: no saved query named 'figurs' (did you mean"),
        (
            "pipeline.query(Graph(), 'figures', {'nope': 'x'})",
            "QueryError: query 'figures' has no parameter 'nope' (its parameters: case)",
        ),
        (
            "pipeline.query(Graph(), 'SELECT * WHERE {')",
            "QueryError: SPARQL syntax error at line 1, column 17: the query ends before",
        ),
        (
            "pipeline.find_build(DATA + '/nowhere')",
            "NoProjectError: {data}/nowhere does not exist: give the folder",
        ),
    ],
    ids=["yaml-error-in-a-case", "unknown-saved-query", "unknown-parameter", "syntax", "project"],
)
def test_every_reformgraph_error_stops_a_notebook_cell_with_its_message_alone(
    cell: str,
    error: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Only NoProjectError and NoBuildError were shown so: a YAML error in a case, a query
    # parameter's, an unknown saved query, a syntax error showed Jupyter's whole traceback
    # through reformgraph's code, the message at its end.
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    case = data / "cases" / "01-big-fiscal-system.yaml"
    lines = case.read_text(encoding="utf-8").splitlines(keepends=True)
    case.write_text(lines[0] + "  : [unclosed\n" + "".join(lines[1:]), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REFORMGRAPH_OUT", raising=False)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # its profile, if it writes one
    config = Config()
    config.HistoryManager.enabled = False  # no history.sqlite
    shell = InteractiveShell(config=config)
    shell.run_cell(
        "from rdflib import Graph\nfrom reformgraph import pipeline\n"
        f"from reformgraph.queries import saved_query\nDATA = {str(data)!r}"
    )
    capsys.readouterr()
    ran = shell.run_cell(cell)
    assert ran.error_in_exec is not None
    shown = capsys.readouterr()
    text = shown.out + shown.err
    assert text.startswith(error.format(data=data)), text
    assert (
        text.splitlines() == f"{type(ran.error_in_exec).__name__}: {ran.error_in_exec}".splitlines()
    )
    assert "Traceback" not in text
    assert "reformgraph/" not in text.replace(str(data), "")  # no frame of its code


def test_a_programming_error_in_a_notebook_cell_keeps_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Only reformgraph's own errors (bad input, a missing build) are their message alone.
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets.config import Config

    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    config = Config()
    config.HistoryManager.enabled = False
    shell = InteractiveShell(config=config)
    ran = shell.run_cell("from reformgraph import pipeline\npipeline.open_graph()")
    assert isinstance(ran.error_in_exec, TypeError)
    shown = capsys.readouterr()
    assert "Traceback" in shown.out + shown.err


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
@pytest.mark.parametrize("kind", ["missing", "not-a-build"])
def test_a_reformgraph_out_that_names_no_build_stops_the_notebook_and_builds_nothing(
    path: Path, kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A misspelt REFORMGRAPH_OUT, in the project: the notebook built the project's data
    # into the folder it named (made for it) and went on to report the curated data.
    from reformgraph.errors import NoBuildError

    named = tmp_path / "biuld"
    if kind == "not-a-build":
        named.mkdir()
        (named / "notes.txt").write_text("not a build", encoding="utf-8")
    monkeypatch.chdir(path.parent)  # in the project, where Jupyter runs the notebook
    monkeypatch.setenv("REFORMGRAPH_OUT", str(named))
    with pytest.raises(NoBuildError) as raised:
        exec(compile(_first_cell(path), f"{path}:first cell", "exec"), {})
    message = str(raised.value)
    assert f"REFORMGRAPH_OUT names {named}, which is not a reformgraph build" in message
    assert ("(no such folder)" in message) == (kind == "missing")
    assert f"make a build there with `reformgraph build --out {named}`" in message
    if kind == "missing":
        assert not named.exists(), "nothing made"
    else:
        assert [p.name for p in named.iterdir()] == ["notes.txt"], "nothing built into it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_in_a_project_without_reformgraph_out_a_notebook_builds_the_projects_build(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The one case where a notebook builds: REFORMGRAPH_OUT unset, and the project it
    # lives in has no build/ yet.
    project = tmp_path / "project"
    shutil.copytree(DATA, project / "data")
    (project / "notebooks").mkdir()
    monkeypatch.chdir(project / "notebooks")
    monkeypatch.delenv("REFORMGRAPH_OUT", raising=False)
    namespace: dict[str, Any] = {}
    exec(compile(_first_cell(path), f"{path}:first cell", "exec"), namespace)
    try:
        assert namespace["out"] == project / "build"
        assert (project / "build" / "store").is_dir()
        assert len(namespace["graph"]) > 0
    finally:
        namespace["graph"].close()


def _execute(path: Path, build_dir: Path, *, probe: bool = True) -> Executed:
    """The notebook run on a fresh kernel, reading ``build_dir``; then its probe, if any
    (and ``probe``)."""
    book = nbformat.read(path, as_version=4)
    probed: dict[str, Any] = {}
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as scratch:
        patch.setenv("REFORMGRAPH_OUT", str(build_dir))
        patch.setenv("TMPDIR", scratch)  # what a notebook writes to a temporary folder
        client = NotebookClient(
            book,
            timeout=300,
            kernel_name="python3",
            resources={"metadata": {"path": str(path.parent)}},
        )
        with client.setup_kernel():
            for index, cell in enumerate(book.cells):
                client.execute_cell(cell, index)
            if probe and path.name in PROBES:
                probe = nbformat.v4.new_code_cell(PROBES[path.name])
                book.cells.append(probe)  # the client writes a cell's outputs into the book
                client.execute_cell(probe, len(book.cells) - 1)
                book.cells.pop()
                (printed,) = [o["text"] for o in probe.outputs if o.get("name") == "stdout"]
                probed = json.loads(printed)
    return book, probed


@pytest.fixture(scope="module")
def executed(build_dir: Path) -> Callable[[str], Executed]:
    """Each notebook executed once for the tests of this module (by its file name)."""
    done: dict[str, Executed] = {}

    def run(name: str) -> Executed:
        if name not in done:
            (path,) = [p for p in NOTEBOOKS if p.name == name]
            done[name] = _execute(path, build_dir)
        return done[name]

    return run


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_executes_on_a_fresh_kernel(
    path: Path, executed: Callable[[str], Executed]
) -> None:
    book, _ = executed(path.name)
    errors = [
        o for c in book.cells for o in c.get("outputs", []) if o.get("output_type") == "error"
    ]
    assert not errors
    # What a reader sees: every chart drawn, and no warning printed (a glyph the font lacks,
    # IPython's advice on iframes).
    charts = sum("image/png" in o.get("data", {}) for c in book.cells for o in c.get("outputs", []))
    assert charts == source_charts(book), "a chart is not shown"
    warned = [
        o["text"] for c in book.cells for o in c.get("outputs", []) if o.get("name") == "stderr"
    ]
    assert not warned, warned
    source = "\n".join(c.source for c in book.cells if c.cell_type == "code")
    assert "reformgraph._" not in source, "only the public API"
    assert "analysis._" not in source, "only the public API"


def source_charts(book: nbformat.NotebookNode) -> int:
    """How many charts a notebook's code draws: its ``.plot`` calls."""
    return sum(c.source.count(".plot") for c in book.cells if c.cell_type == "code")


def _tables(book: nbformat.NotebookNode, code: str) -> list[pd.DataFrame]:
    """The tables shown by the one code cell that holds ``code``, each as shown (HTML)."""
    (cell,) = [c for c in book.cells if c.cell_type == "code" and code in c.source]
    return [
        pd.read_html(StringIO(o["data"]["text/html"]))[0]
        for o in cell.outputs
        if "text/html" in o.get("data", {})
    ]


@pytest.mark.slow
def test_the_bridging_table_holds_only_entities_that_link_two_or_more_cases(
    executed: Callable[[str], Executed],
) -> None:
    # The top 10 was padded with entities one case names (betweenness 0), in IRI order.
    book, _ = executed("02-cross-case-links.ipynb")
    (table,) = _tables(book, "analysis.centrality(")
    assert 0 < len(table) <= 10
    assert (table["cases"] >= 2).all()
    assert "投资项目绩效综合评价平台" in set(table["label_zh"])
    # "Degree and betweenness", its heading says: it showed no degree.
    assert {"degree", "betweenness"} <= set(table.columns)
    assert (table["degree"] > 0).all()
    assert list(table["betweenness"]) == sorted(table["betweenness"], reverse=True)


@pytest.mark.slow
def test_the_groups_of_cases_are_explained_and_shown_by_their_titles(
    executed: Callable[[str], Executed], query_graph: Graph
) -> None:
    # Two bare lists of (title, title) pairs, with nothing to say what a group was.
    from reformgraph import analysis

    book, _ = executed("02-cross-case-links.ipynb")
    (table,) = _tables(book, "analysis.communities(")
    expected = [
        (number, *analysis.labels_zh_en(query_graph, case))
        for number, group in enumerate(analysis.communities(query_graph), start=1)
        for case in group
    ]
    shown = list(table[["group", "case", "case (en)"]].itertuples(index=False, name=None))
    assert shown == expected
    assert len(set(table["case"])) == len(table) == 8, "each case once"
    # what the prose says of the curated data: the three cases of one office, and the rest
    assert set(table[table["group"] == 2]["case"]) == {
        "推进大财政体系建设",
        "推进投资项目绩效综合评价改革",
        "深化国有企业功能性改革",
    }
    assert set(table["group"]) == {1, 2}
    (cell,) = [c for c in book.cells if "analysis.communities(" in c.source]
    explained = book.cells[book.cells.index(cell) - 1]
    assert explained.cell_type == "markdown"
    prose = " ".join(explained.source.split())
    assert "greedy modularity maximisation" in prose
    assert "A group is therefore a set of cases" in prose


@pytest.mark.slow
def test_firsts_and_pilots_show_as_two_tables_and_each_pilot_says_whose_it_is(
    executed: Callable[[str], Executed],
) -> None:
    # Both were returned as one tuple, which Jupyter shows as plain text, cut short.
    book, _ = executed("03-figures.ipynb")
    firsts, pilots = _tables(book, 'saved_query("firsts")')
    # each Chinese column beside its English one, for a reader of either
    assert {"caseTitleEn", "kind", "scope", "scopeEn", "what", "whatEn"} <= set(firsts.columns)
    assert {"caseTitleEn", "stage", "evidence", "programme", "programmeEn"} <= set(pilots.columns)
    assert {"assignedBy", "assignedByEn"} <= set(pilots.columns)
    assert "firstOfItsKind" in set(firsts["kind"])
    assert set(pilots["stage"]) <= {"stagePilot", "stageGeneralised", "stageProposed"}
    # (a pilot of a source's introduction would say so; the curated data has none since
    # its 总结推广 became an exception)
    assert not pilots["caseTitleEn"].isna().any()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["01-query-the-graph.ipynb", "03-figures.ipynb"])
def test_tables_show_ontology_terms_by_their_local_names(
    executed: Callable[[str], Executed], name: str
) -> None:
    # kind, stage, qualifier, direction and changeRole were full ontology IRIs, cut short.
    book, _ = executed(name)
    shown = [
        o["data"]["text/html"]
        for c in book.cells
        for o in c.get("outputs", [])
        if "text/html" in o.get("data", {})
    ]
    assert shown
    assert not [html for html in shown if "w3id.org/reformgraph/ontology/" in html]


@pytest.mark.slow
def test_the_recognitions_chart_counts_in_whole_numbers_under_labels_that_do_not_overlap(
    executed: Callable[[str], Executed],
) -> None:
    # Its x labels ran together ("experienceExchangeinstitutionalRule") and its y axis
    # counted in steps of 0.2.
    _, chart = executed("03-figures.ipynb")
    assert chart["title"] == "Recognitions by form"
    assert chart["yticks"]
    assert all(tick == int(tick) for tick in chart["yticks"])
    assert chart["overlapping"] == 0
    assert len(chart["labels"]) == 4


@pytest.mark.slow
def test_notebook_01_takes_its_example_case_from_the_data(
    executed: Callable[[str], Executed],
) -> None:
    # It named big-fiscal-system, which no other build has (QueryError), and asserted 8
    # cases, which broke it as soon as a case was added: on the curated data, the first
    # case of the cases query is still that one, with its 21.8万亿元.
    _, probed = executed("01-query-the-graph.ipynb")
    assert probed["case_id"] == "big-fiscal-system"
    assert probed["cases"] == probed["titles"] == 8
    assert probed["largest"] == 21_800_000_000_000
    # 绩效平台, bound as a parameter of the notebook's own query, is the platform's short name
    assert probed["named"] == [["performance-evaluation-platform", "投资项目绩效综合评价平台"]]


@pytest.mark.slow
def test_max_cases_2_drops_the_office_of_three_cases_and_keeps_the_platform_of_two(
    executed: Callable[[str], Executed],
) -> None:
    # What notebook 02's prose says of the curated data (it asserted it in the notebook).
    _, probed = executed("02-cross-case-links.ipynb")
    assert {"投资项目绩效综合评价平台", "国有“三资”"} <= set(probed["entities"])
    assert "投资项目绩效综合评价平台" in probed["rare"]
    assert probed["dropped"] == ["中国", "湖北", "省经济体制和生态文明体制改革专项小组办公室"]


@pytest.mark.slow
def test_the_figures_notebook_finds_the_curated_recognitions_and_the_alarm_change(
    executed: Callable[[str], Executed],
) -> None:
    _, probed = executed("03-figures.ipynb")
    assert set(probed["recognised"]) == {
        "推进大财政体系建设",
        "依托花湖国际机场探索对外开放新模式",
        "开展基层监督改革创新",
        "健全人大代表“两个联系”工作机制",
    }
    assert probed["alarm"] == [[120, 80, 40]]
    # what the prose of Changes and Rankings says of the curated data
    assert probed["computed"] == [[80, 17, 63, 78.8], [120, 80, 40, 33.3]]
    assert probed["growth_ranks"] == [[3, "资产总额增速", "全国第3"], [2, "营收增速", "第2"]]
    # the export section: every row of the figures query, in its columns, outside the project
    rows, read_back, shown, folder = probed["exported"]
    assert rows == read_back == shown == 54
    assert probed["exported_columns"]
    assert not Path(folder).resolve().is_relative_to(ROOT.resolve())


@pytest.mark.slow
def test_the_links_notebook_shows_the_platform_two_cases_name_differently(
    executed: Callable[[str], Executed],
) -> None:
    # What the prose of "Which cases share what" says of the curated data.
    _, probed = executed("02-cross-case-links.ipynb")
    ((title_a, quote_a, title_b, quote_b),) = probed["platform"]
    assert (title_a, title_b) == ("推进大财政体系建设", "推进投资项目绩效综合评价改革")
    assert "投资项目绩效综合评价平台" in quote_a
    assert "绩效平台" in quote_b
    assert "投资项目绩效综合评价平台" not in quote_b


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_section_of_a_notebook_says_what_it_shows(path: Path) -> None:
    # 03's "## Changes" and "## Rankings" were headings alone over tables of columns
    # such as computedDifferencePercent, and 02 showed its first table with no word.
    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            heading, _, prose = cell.source.partition("\n")
            assert len(prose.split()) >= 10, f"{heading}: say what the section shows"
    code = [c for c in book.cells if c.cell_type == "code"]
    first_table = next(c for c in code[1:] if "frame(" in c.source or "pd.DataFrame(" in c.source)
    before = book.cells[: book.cells.index(first_table)]
    assert any(c.cell_type == "markdown" and c.source.startswith("## ") for c in before), (
        "the first table comes under a section that says what it shows"
    )


@pytest.fixture(scope="module")
def synthetic_build_of(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int], Path]:
    """``reformgraph synth --cases N --seed 1``, built once for the tests of this module:
    none of the curated cases' ids, titles or entities (20 cases: two sources of ten)."""
    from reformgraph import pipeline
    from reformgraph.synth import synthesize

    done: dict[int, Path] = {}

    def build(cases: int) -> Path:
        if cases not in done:
            data = tmp_path_factory.mktemp(f"synthetic-{cases}") / "data"
            synthesize(cases, data, seed=1)
            done[cases] = data.parent / "build"
            pipeline.build(data, done[cases])
        return done[cases]

    return build


@pytest.mark.slow
@pytest.mark.parametrize("cases", [20, 1])
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_runs_top_to_bottom_on_another_build(
    path: Path, cases: int, synthetic_build_of: Callable[[int], Path]
) -> None:
    # They stopped on anything but the curated data: 01 at its example case's id, 02 and
    # 03 at assertions about the curated cases and entities. One case shares nothing:
    # no link, bridge or network to draw.
    book, _ = _execute(path, synthetic_build_of(cases), probe=False)
    outputs = [o for c in book.cells for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert not [o["text"] for o in outputs if o.get("name") == "stderr"]
    shown = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "(synthetic)" in shown, "the tables show the synthetic build"

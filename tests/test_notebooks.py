"""The notebooks run top to bottom on a fresh kernel, using only the public API."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from .paths import NOTEBOOKS


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


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_each_notebook_executes_on_a_fresh_kernel(
    path: Path, build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFORMGRAPH_OUT", str(build_dir))
    book = nbformat.read(path, as_version=4)
    client = NotebookClient(
        book, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
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

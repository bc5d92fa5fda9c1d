"""Small helpers shared by several test modules."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph


def no_parsing(path: Path) -> Graph:
    """A stand-in for ``pipeline.load_graph`` in tests of commands that read the store."""
    raise AssertionError(f"{path} parsed: the build's store should be read")

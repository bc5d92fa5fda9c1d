"""Small helpers shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

#: The commands that read a build (``--build DIR``), each with what else it needs to run
#: (``push``: an endpoint nothing listens on).
COMMANDS_THAT_READ_A_BUILD = (
    ["query", "cases"],
    ["links"],
    ["network"],
    ["viz"],
    ["serve"],
    ["push", "--endpoint", "http://127.0.0.1:9/store"],
)


def no_parsing(path: Path) -> Graph:
    """A stand-in for ``pipeline.load_graph`` in tests of commands that read the store."""
    raise AssertionError(f"{path} parsed: the build's store should be read")


def assert_isomorphic(a: Graph, b: Graph, what: str = "") -> None:
    """Fail unless ``a`` and ``b`` are isomorphic, saying ``what`` and listing up to 20
    triples found only in ``a`` (-) and 20 found only in ``b`` (+)."""
    __tracebackhide__ = True
    if isomorphic(a, b):
        return
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    lines = [f"- {' '.join(t.n3() for t in triple)}" for triple in sorted(only_a)[:20]]
    lines += [f"+ {' '.join(t.n3() for t in triple)}" for triple in sorted(only_b)[:20]]
    pytest.fail("\n".join([what, *lines] if what else lines))

"""Shared fixtures: where the real data is, and the real data built once per session."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from reformgraph import pipeline

from .paths import DATA


@pytest.fixture(scope="session", autouse=True)
def _cache_key_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds keep their cache key (see ``produce.cache_key``) below a folder of the tests',
    not in the user's own cache folder; so do the commands the tests run as processes."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> pipeline.BuildResult:
    """The real data, built into a temporary folder."""
    out = tmp_path_factory.mktemp("build")
    return pipeline.build(DATA, out)


@pytest.fixture(scope="session")
def build_dir(built: pipeline.BuildResult) -> Path:
    return built.written[0].parent


@pytest.fixture(scope="session")
def graph(built: pipeline.BuildResult) -> Graph:
    """The built graph (data only), parsed from the N-Triples."""
    from reformgraph.io import read_graph

    return read_graph(built.folder / "reformgraph.nt")


@pytest.fixture(scope="session")
def query_graph(build_dir: Path) -> Graph:
    """The graph as `reformgraph query` sees it: the built N-Triples plus the ontology."""
    return pipeline.load_graph(build_dir / "reformgraph.nt")


@pytest.fixture(scope="session")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve synthetic cases, built: some pairs share entities, others share none, and
    their communities are of more than one size (seed 6: 7 cases and 5)."""
    from reformgraph.synth import synthesize

    folder = tmp_path_factory.mktemp("synthetic") / "data"
    synthesize(12, folder, seed=6)
    out = folder.parent / "build"
    pipeline.build(folder, out)
    return out


@pytest.fixture(params=["real", "synthetic"])
def real_or_synthetic_build(request: pytest.FixtureRequest) -> Path:
    """Each in turn: the real data's build, then the twelve synthetic cases' build."""
    name = "build_dir" if request.param == "real" else "synthetic_build"
    build: Path = request.getfixturevalue(name)
    return build


@pytest.fixture
def slow_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every reading of the command line's clock is 2 s after the one before: each step
    of a job counts as long, so the plain progress lines are printed."""
    import itertools

    from reformgraph import cli

    clock = itertools.count(0, 2)
    monkeypatch.setattr(cli.time, "monotonic", lambda: float(next(clock)))


@pytest.fixture(autouse=True)
def _signal_handlers_restored() -> Iterator[None]:
    """Each test starts with the handlers of Ctrl-C and ``kill`` the one before it found:
    a command run in this process (CliRunner) sets them (an interrupted build ignores
    both while it winds down), and a later test of Ctrl-C would then find it ignored."""
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    yield
    for signum, handler in saved.items():
        if handler is not None:  # None: set outside Python, and not ours to restore
            signal.signal(signum, handler)

"""reformgraph: Chinese reform case reports as a bilingual, validated knowledge graph.

The modules a script or notebook uses, each imported when it is first named
(``import reformgraph`` alone loads nothing else): ``reformgraph.pipeline`` (build, open
and query a graph), ``queries`` (saved queries, DataFrames), ``analysis`` (cross-case
links, networks, centrality), ``viz`` (graph pages), ``io`` (finding a project) and
``errors``. Each one's ``__all__`` lists what it offers.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import ModuleType

__version__ = "0.1.0"

#: The public modules, as ``reformgraph.NAME`` (the README's "From Python or a notebook").
_PUBLIC_MODULES = ("analysis", "errors", "io", "pipeline", "queries", "viz")

__all__ = ["__version__", *_PUBLIC_MODULES]


def __getattr__(name: str) -> ModuleType:
    # `import reformgraph; reformgraph.pipeline.open_graph(...)` was an AttributeError
    if name in _PUBLIC_MODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

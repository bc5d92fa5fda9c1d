"""What the cross-case analysis functions cost on a build, parsed and over its store.

One command, on a build folder (for instance of 1,000 synthetic cases:
``reformgraph synth --cases 1000 --seed 1 --out D`` then ``reformgraph build --data D
--out B``)::

    python benchmarks/analysis_costs.py B [--functions case_links,centrality]
        [--reference] [--out FILE]

measures, in this one process:

1. **Opening the graph**: ``pipeline.load_graph`` (rdflib parses the build's N-Triples
   into its in-memory store) against ``pipeline.open_graph`` (an rdflib Graph over the
   build's Oxigraph store, nothing parsed), with the process's peak memory after each.
2. **Each analysis function** (``analysis.case_links``, ``case_projection``,
   ``centrality``, ``to_networkx``, ``suggest_links``; ``centrality`` with
   ``sample=100``, ``suggest_links`` for one entity, ``viz.select_view`` of one case; or
   those named by ``--functions``) on both graphs, once each: the time, the size of the
   result, and the ratio store / parsed. Both results must be equal (the script exits
   with 1 when they are not).
3. With ``--reference``: networkx's own ``betweenness_centrality`` on the same case–entity
   network, against ``analysis.centrality`` (rustworkx underneath) on the parsed graph,
   with the ratio and the largest difference between their values. networkx needed
   about 330 s on 1,000 synthetic cases (9,396 nodes), and grows with nodes times edges.

Figures are printed as a Markdown report (and written to ``--out``).
"""

from __future__ import annotations

import argparse
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import RDF, SKOS, Graph

from reformgraph import analysis, pipeline, viz
from reformgraph.models import RG


def first_case(graph: Graph) -> str:
    """The first case in IRI order."""
    return str(min(graph.subjects(RDF.type, RG.ReformCase), key=str))


def first_entity(graph: Graph) -> Any:
    """The first named entity in IRI order that suggestions can pair."""
    named = (e for e in graph.subjects(SKOS.prefLabel) if analysis.entity_kind(graph, e))
    return min(named, key=str)


FUNCTIONS: dict[str, Callable[[Graph], Any]] = {
    "case_links": analysis.case_links,
    "case_projection": analysis.case_projection,
    "centrality": analysis.centrality,
    "to_networkx": analysis.to_networkx,
    "suggest_links": analysis.suggest_links,
    # What `network --sample 100`, `links --suggest --entity ID` and `viz --case ID` do.
    "centrality_sample_100": lambda graph: analysis.centrality(graph, sample=100),
    "suggest_links_one_entity": lambda graph: analysis.suggest_links(
        graph, involving=[first_entity(graph)]
    ),
    "case_view": lambda graph: viz.select_view(graph, case=first_case(graph)),
}


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (ru_maxrss is KB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000


def size(result: Any) -> str:
    if isinstance(result, nx.Graph):
        return f"{result.number_of_nodes():,} nodes, {result.number_of_edges():,} edges"
    return f"{len(result):,} rows"


def comparable(result: Any) -> Any:
    """Results as plain values: networkx graphs by their nodes and edges with data."""
    if isinstance(result, nx.Graph):
        return (
            list(result.nodes(data=True)),
            list(result.edges(data=True, keys=True))
            if result.is_multigraph()
            else list(result.edges(data=True)),
        )
    return result


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def reference_betweenness(graph: Graph) -> dict[str, float]:
    network = nx.Graph()
    for case, entity, _, _ in analysis.case_entity_links(graph):
        network.add_edge(str(case), str(entity))
    betweenness: dict[str, float] = nx.betweenness_centrality(network, normalized=True)
    return betweenness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path, help="a build folder (reformgraph build --out)")
    parser.add_argument(
        "--functions",
        default=",".join(FUNCTIONS),
        help=f"comma-separated, of: {', '.join(FUNCTIONS)}",
    )
    parser.add_argument(
        "--reference", action="store_true", help="also time networkx's own betweenness"
    )
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    names = [name for name in args.functions.split(",") if name]
    unknown = [name for name in names if name not in FUNCTIONS]
    if unknown:
        parser.error(f"unknown function(s): {', '.join(unknown)}")

    lines = [
        f"# Analysis costs of the build in {args.build}",
        "",
        f"`python benchmarks/analysis_costs.py {' '.join(argv or sys.argv[1:])}`"
        f" (Python {platform.python_version()}, {platform.machine()})",
        "",
        "| step | parsed (load_graph) | store (open_graph) | store / parsed | result |",
        "|---|---|---|---|---|",
    ]
    open_parsed, parsed = timed(
        lambda: pipeline.load_graph(pipeline.default_graph_file(args.build))
    )
    parsed_peak = peak_mb()
    open_store, store = timed(lambda: pipeline.open_graph(args.build))
    lines.append(
        f"| open the graph | {open_parsed:.2f} s (peak {parsed_peak:,.0f} MB) |"
        f" {open_store:.2f} s | {open_store / open_parsed:.3g}x | |"
    )
    disagree = []
    for name in names:
        function = FUNCTIONS[name]
        on_parsed, result = timed(lambda f=function: f(parsed))  # type: ignore[misc]
        on_store, from_store = timed(lambda f=function: f(store))  # type: ignore[misc]
        if comparable(result) != comparable(from_store):
            disagree.append(name)
        lines.append(
            f"| `{name}` | {on_parsed:.2f} s | {on_store:.2f} s |"
            f" {on_store / on_parsed:.3g}x | {size(result)} |"
        )
        print(lines[-1], flush=True)
    if args.reference:
        ours, rows = timed(lambda: analysis.centrality(parsed))
        theirs, values = timed(lambda: reference_betweenness(parsed))
        largest = max((abs(row.betweenness - values[row.node]) for row in rows), default=0.0)
        lines += [
            "",
            "| betweenness of the case–entity network | seconds |",
            "|---|---|",
            f"| networkx `betweenness_centrality` | {theirs:.2f} |",
            f"| `analysis.centrality` (rustworkx), whole function | {ours:.2f} |",
            f"| networkx / ours | {theirs / ours:.3g}x |",
            f"| largest difference of a rounded value | {largest:.2g} |",
        ]
    lines += ["", f"Peak memory of the process: {peak_mb():,.0f} MB."]
    if disagree:
        lines.append(f"DISAGREE (parsed against store): {', '.join(disagree)}")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.out is not None:
        args.out.write_text(report, encoding="utf-8")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())

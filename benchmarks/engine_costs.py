"""Where a saved query's time goes on the built store (issue 4's ≥ 20x rdflib target).

One command, on a build folder (for instance of 10,000 synthetic cases:
``reformgraph synth --cases 10000 --seed 1 --out D`` then ``reformgraph build --data D
--out B``)::

    python benchmarks/engine_costs.py B [--queries offices,pilots] [--repeat 3]
        [--unoptimized] [--out FILE]

measures, in this one process, with the build's own store left untouched:

1. **Reading terms from the on-disk store.** A scan of every ``oa:start`` triple that
   returns only the objects (small integers, held inline in the index) against one that
   returns only the subjects (IRIs: each is read from the store's table of strings); and a
   count of the case titles with and without a ``lang()`` filter (a filter reads the whole
   literal, not only its language tag). Printed per row, in microseconds.
2. **Each saved query** (all, or ``--queries``; parameters unset) on the build's on-disk
   store (``engine.open_store``, as ``reformgraph query`` opens it) and on the same
   triples bulk-loaded into Oxigraph's in-memory store (``pyoxigraph.Store()``, plus the
   ontology as the build adds it): the median of ``--repeat`` runs after one warm-up, the
   rows turned into tuples of terms, and the ratio on-disk / in-memory.
3. The same queries through rdflib's API: ``pipeline.query`` on ``pipeline.open_graph``
   (an rdflib Graph over the same on-disk store, rows as rdflib terms): what the library
   API costs over the store.
4. With ``--unoptimized``: the same queries on a copy of the store bulk-loaded from the
   build's N-Triples *without* ``Store.optimize()`` (which the build runs), in a temporary
   folder, opened read-only: what the build's compaction step buys the queries.

rdflib is not run here (``benchmarks/run.py`` measures it, 5 minutes and 12 GB to parse
10,000 cases): the figures here explain its ratios, they do not replace them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from reformgraph import pipeline
from reformgraph.engine import (
    add_ontology,
    bulk_load_ntriples,
    create_store,
    open_store,
    run_sparql,
)
from reformgraph.project import ontology_file
from reformgraph.queries import SavedQuery, run_query, run_query_on_store, saved_queries

PREFIXES = """PREFIX rg: <https://w3id.org/reformgraph/ontology/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
#: (name, SPARQL) of the term-reading probes of step 1.
PROBES = [
    ("scan oa:start, objects only (inline integers)", "SELECT ?o WHERE { ?s oa:start ?o }"),
    ("scan oa:start, subjects only (IRIs)", "SELECT ?s WHERE { ?s oa:start ?o }"),
    (
        "case titles, counted",
        "SELECT (COUNT(*) AS ?n) WHERE { ?c rg:responsibleOffice ?o ; dcterms:title ?t }",
    ),
    (
        "case titles, counted through lang()",
        "SELECT (COUNT(*) AS ?n) WHERE { ?c rg:responsibleOffice ?o ; dcterms:title ?t ."
        ' FILTER (lang(?t) = "zh" || lang(?t) = "en") }',
    ),
]


def timed(run: Callable[[], int], repeat: int) -> tuple[float, int]:
    """Median seconds of ``repeat`` runs after one warm-up, and the rows of the last."""
    run()
    times = []
    rows = 0
    for _ in range(repeat):
        start = time.perf_counter()
        rows = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), rows


def sparql_rows(store: ox.Store, text: str) -> int:
    return len(run_sparql(store, text).rows)


def saved_rows(store: ox.Store, query: SavedQuery) -> int:
    return len(run_query_on_store(store, query).rows)


def graph_rows(graph: Any, query: SavedQuery) -> int:
    return len(run_query(graph, query).rows)


def memory_copy(ntriples: Path) -> ox.Store:
    store = ox.Store()
    bulk_load_ntriples(store, ntriples)
    add_ontology(store, ontology_file("reformgraph.ttl"))
    return store


def unoptimized_copy(ntriples: Path, folder: Path) -> ox.Store:
    """The build's triples bulk-loaded into a new on-disk store, then opened read-only as
    ``reformgraph query`` opens a store (opened for writing, RocksDB would go on
    compacting it in the background while the queries run)."""
    store = create_store(folder)
    bulk_load_ntriples(store, ntriples)
    add_ontology(store, ontology_file("reformgraph.ttl"))
    store.flush()
    del store
    return open_store(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", type=Path, help="a build folder (store/ and reformgraph.nt)")
    parser.add_argument("--queries", default="", help="saved queries, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each")
    parser.add_argument("--unoptimized", action="store_true", help="also without optimize()")
    parser.add_argument("--out", type=Path, help="also write the tables as Markdown")
    args = parser.parse_args(argv)

    ntriples = args.build / "reformgraph.nt"
    if not (args.build / "store").is_dir() or not ntriples.is_file():
        print(f"{args.build}: not a build folder (no store/ or reformgraph.nt)", file=sys.stderr)
        return 2
    chosen = saved_queries()
    if args.queries:
        names = args.queries.split(",")
        unknown = [name for name in names if name not in chosen]
        if unknown:
            print(f"--queries: unknown saved queries {unknown}", file=sys.stderr)
            return 2
        chosen = {name: chosen[name] for name in names}

    lines = [f"# Engine costs of {args.build}", ""]

    def emit(line: str) -> None:
        print(line, flush=True)
        lines.append(line)

    disk = open_store(args.build / "store")
    emit("## Reading terms from the on-disk store")
    emit("")
    emit("| probe | rows | ms | µs a row |")
    emit("|---|---|---|---|")
    for label, text in PROBES:
        seconds, rows = timed(partial(sparql_rows, disk, PREFIXES + text), args.repeat)
        if "COUNT" in text:
            rows = int(run_sparql(disk, PREFIXES + text).rows[0][0].value)
        emit(f"| {label} | {rows:,} | {seconds * 1e3:.1f} | {seconds / max(rows, 1) * 1e6:.2f} |")

    start = time.perf_counter()
    memory = memory_copy(ntriples)
    emit("")
    emit(f"In-memory copy bulk-loaded in {time.perf_counter() - start:.1f} s.")
    engines: list[tuple[str, ox.Store]] = [("on disk", disk), ("in memory", memory)]
    scratch = None
    if args.unoptimized:
        scratch = tempfile.TemporaryDirectory(prefix="rg-unoptimized-")
        start = time.perf_counter()
        engines.append(
            ("on disk, not optimized", unoptimized_copy(ntriples, Path(scratch.name) / "store"))
        )
        emit(f"Unoptimized on-disk copy bulk-loaded in {time.perf_counter() - start:.1f} s.")

    emit("")
    emit("## Saved queries (medians, ms)")
    emit("")
    graph = pipeline.open_graph(args.build)
    runs: list[tuple[str, Callable[[SavedQuery], int]]] = [
        (name, partial(saved_rows, store)) for name, store in engines
    ]
    runs.append(("on disk, through rdflib's API", partial(graph_rows, graph)))
    emit("| query | rows | " + " | ".join(name for name, _ in runs) + " | on disk / in memory |")
    emit("|---|---|" + "---|" * len(runs) + "---|")
    disagree = []
    for name, query in chosen.items():
        medians, counts = [], []
        for _, run in runs:
            seconds, rows = timed(partial(run, query), args.repeat)
            medians.append(seconds)
            counts.append(rows)
        if len(set(counts)) > 1:
            disagree.append(name)
        shown = f"{counts[0]:,}" if len(set(counts)) == 1 else " / ".join(map(str, counts))
        cells = " | ".join(f"{seconds * 1e3:.4g}" for seconds in medians)
        emit(f"| `{name}` | {shown} | {cells} | {medians[0] / medians[1]:.2f}x |")
    if scratch is not None:
        scratch.cleanup()
    if args.out is not None:
        args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if disagree:
        print(f"the engines returned different row counts for: {disagree}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The jobs the command line runs, as plain functions over paths. No terminal here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from reformgraph.build import PREFIXES, build_graph
from reformgraph.coverage import Uncovered, uncovered_numerals
from reformgraph.errors import NoBuildError, ValidationFailed
from reformgraph.io import (
    load_data_folder,
    ontology_file,
    read_graph,
    serialize_jsonld,
    serialize_ntriples,
    serialize_turtle,
    staged_outputs,
)
from reformgraph.queries import QueryResult, SavedQuery, run_query, saved_query
from reformgraph.resolve import Resolved, resolve
from reformgraph.validate import ValidationResult, validate_graph

__all__ = [
    "OUTPUT_NAMES",
    "BuildResult",
    "CheckResult",
    "Summary",
    "build",
    "check",
    "load_graph",
    "load_ontology",
    "load_shapes",
    "query",
]

#: The files a build writes, in its output folder.
OUTPUT_NAMES = ("reformgraph.ttl", "reformgraph.nt", "reformgraph.jsonld")


@dataclass(frozen=True)
class Summary:
    """What a build made: counts per class, figures, shared entities."""

    triples: int
    classes: dict[str, int]
    cases: int
    measures: int
    figures: int
    shared_entities: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class CheckResult:
    resolved: Resolved
    uncovered: list[Uncovered]
    graph: Graph
    validation: ValidationResult
    summary: Summary


@dataclass(frozen=True)
class BuildResult:
    check: CheckResult
    written: list[Path]


def load_ontology() -> Graph:
    return Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")


def load_shapes() -> Graph:
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


def _short(iri: URIRef) -> str:
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(str(namespace)) and prefix != "rgd":
            return f"{prefix}:{text[len(str(namespace)) :]}"
    return text


def summarise(graph: Graph) -> Summary:
    classes = Counter(_short(o) for o in graph.objects(None, RDF.type) if isinstance(o, URIRef))
    shared = run_query(graph + load_ontology(), saved_query("shared-entities"))
    seen: dict[str, tuple[str, str, int]] = {}
    for row in shared.rows:
        entity, label, kind, _title, count = (row[0], row[1], row[2], row[3], row[4])
        assert isinstance(kind, URIRef)
        seen.setdefault(str(entity), (str(label), _short(kind), int(str(count))))
    return Summary(
        triples=len(graph),
        classes=dict(sorted(classes.items())),
        cases=classes.get("rg:ReformCase", 0),
        measures=classes.get("rg:Measure", 0),
        figures=classes.get("rg:Figure", 0),
        shared_entities=sorted(seen.values(), key=lambda item: (-item[2], item[0])),
    )


def check(data_dir: Path) -> CheckResult:
    """Read, resolve, build and validate a data folder, writing nothing.

    Raises :class:`DataErrors` for bad input; the result tells whether the graph
    conforms and which numerals the data does not cover.
    """
    resolved = resolve(load_data_folder(data_dir))
    graph = build_graph(resolved)
    validation = validate_graph(graph, load_shapes(), load_ontology())
    return CheckResult(
        resolved=resolved,
        uncovered=uncovered_numerals(resolved),
        graph=graph,
        validation=validation,
        summary=summarise(graph),
    )


def build(data_dir: Path, out_dir: Path) -> BuildResult:
    """Build the graph of a data folder and write it as Turtle, N-Triples and JSON-LD.

    Nothing is written unless the data resolves and the graph conforms to the shapes:
    on any error the previous build's files stay as they were.
    """
    result = check(data_dir)
    if not result.validation.conforms:
        report = "\n".join(str(v) for v in result.validation.violations)
        raise ValidationFailed(report, len(result.validation.violations))
    graph = result.graph
    context = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}
    with staged_outputs(out_dir) as staged:
        staged["reformgraph.ttl"] = serialize_turtle(graph)
        staged["reformgraph.nt"] = serialize_ntriples(graph)
        staged["reformgraph.jsonld"] = serialize_jsonld(graph, context)
    return BuildResult(check=result, written=[out_dir / name for name in OUTPUT_NAMES])


def default_graph_file(out_dir: Path) -> Path:
    return out_dir / "reformgraph.nt"


def load_graph(graph_file: Path) -> Graph:
    """The graph to query: a built file, with the ontology merged in for class labels."""
    if not graph_file.is_file():
        raise NoBuildError(f"{graph_file}: no such file")
    try:
        graph = read_graph(graph_file)
    except ValueError as exc:
        raise NoBuildError(str(exc)) from exc
    except Exception as exc:
        raise NoBuildError(f"{graph_file}: cannot be parsed as RDF: {exc}") from exc
    graph += load_ontology()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def query(graph: Graph, saved: SavedQuery, params: Mapping[str, str] | None = None) -> QueryResult:
    from reformgraph.queries import bind_params

    return run_query(graph, saved, bind_params(saved, params or {}))

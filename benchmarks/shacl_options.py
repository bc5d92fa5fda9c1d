"""Measure the ways of validating a build against ontology/shapes.ttl (issue 4).

One command::

    python benchmarks/shacl_options.py [--cases 1000] [--work /tmp/rg-shacl/work]

synthesises ``--cases`` cases (``reformgraph.synth.synthesize``, seed 0), builds them once
with ``reformgraph.pipeline.build`` (as ``reformgraph build`` does; every group of triples
the build checks is recorded on the way), then measures on that same data, each in a fresh
child process (wall time, CPU time, peak memory of the process tree from ``/proc``):

1. pySHACL on the whole graph in rdflib's memory store (``reformgraph.validate``);
   stopped after ``--whole-timeout`` seconds, and measured in full on a small synthetic
   build (``--small`` cases) from which its time at ``--cases`` is extrapolated;
2. pySHACL per case: each group the build checks (the shared entities, each case, each
   introduction) with the context the build gives its own checker (the types of the shared
   entities it refers to, the triples of the units and sources it refers to), the group's
   typed nodes as focus nodes; a sample of ``--sample`` cases, extrapolated;
3. the shapes compiled to SPARQL, run on the built Oxigraph store
   (``reformgraph.shacl_sparql``);
4. the per-case checker the build uses (``reformgraph.shapecheck`` through
   ``reformgraph.produce``): its time inside the build, and every recorded group
   replayed through it alone;
5. pyrudof (Rust SHACL engine, not a dependency: ``pip install pyrudof``) on the whole
   N-Triples file plus the ontology.

Verdicts are compared on every bad-input fixture that reaches SHACL
(``tests/fixtures/invalid``, exit code 1) and on the shape examples of
``tests/test_shapes.py``, as ``tests/test_validators_agree.py`` compares them: the same
conformance and the same results as (severity, focus node, path, constraint), where the
constraint is the shape's own ``sh:message`` when a validator reports it.

It prints a table and writes ``benchmarks/SHACL.md`` (``--out``), keeping that file's
hand-written ``## Conclusion`` section. Linux only (memory is read from ``/proc``).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CAPTURE_ENV = "RG_SHACL_CAPTURE"
PAGE = os.sysconf("SC_PAGE_SIZE")
GB = 1e9
MB = 1e6

# --------------------------------------------------------------------------- recording


def _kind(triples: list[Any]) -> str:
    from rdflib import RDF

    from reformgraph.models import RG

    types = {o for _, p, o in triples if p == RDF.type}
    if RG.ReformCase in types:
        return "case"
    if RG.SourceDocument in types:
        return "shared"
    return "intro"


def install_capture(folder: Path) -> None:
    """Record every group the build checks, and how long its check took, in ``folder``.

    Patched into ``reformgraph.produce._Checks`` (in the build's workers too: they are
    forked from, or import, this script)."""
    from reformgraph import produce

    checks = produce._Checks
    if getattr(checks, "_recorded", False):
        return
    original_check = checks.check
    original_make = checks.make.__func__  # type: ignore[attr-defined]

    def record(item: tuple[Any, ...]) -> None:
        with (folder / f"groups-{os.getpid()}.pickle").open("ab") as stream:
            pickle.dump(item, stream, protocol=pickle.HIGHEST_PROTOCOL)

    def make(cls: Any, shared: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        made = original_make(cls, shared)
        record(("make", time.perf_counter() - start, time.process_time() - cpu))
        context = folder / "context.pickle"
        if not context.exists():
            partial = context.with_name(f".context-{os.getpid()}")
            partial.write_bytes(pickle.dumps((made.types, made.context)))
            partial.replace(context)
        return made

    def check(self: Any, triples: list[Any], ntriples: str | None = None) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        result = original_check(self, triples, ntriples)
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        record(("group", _kind(triples), wall, cpu, triples, ntriples))
        return result

    checks.make = classmethod(make)  # type: ignore[method-assign,assignment]
    checks.check = check  # type: ignore[method-assign]
    checks._recorded = True  # type: ignore[attr-defined]


if os.environ.get(CAPTURE_ENV):
    install_capture(Path(os.environ[CAPTURE_ENV]))


def records(folder: Path) -> Iterator[tuple[Any, ...]]:
    for path in sorted(folder.glob("groups-*.pickle")):
        with path.open("rb") as stream:
            while True:
                try:
                    yield pickle.load(stream)
                except EOFError:
                    break


def groups(folder: Path) -> Iterator[tuple[str, float, float, list[Any], str | None]]:
    """(kind, wall seconds, CPU seconds, triples, N-Triples) of each group checked."""
    for item in records(folder):
        if item[0] == "group":
            yield item[1], item[2], item[3], item[4], item[5]


# --------------------------------------------------------------------------- validators


def shape_messages() -> set[str]:
    from rdflib.namespace import SH

    from reformgraph.pipeline import load_shapes

    return {str(m) for m in load_shapes().objects(None, SH.message)}


def result_key(
    severity: str, focus: str, path: str, message: str, messages: set[str]
) -> tuple[str, str, str, str]:
    """What is compared across validators (as tests/test_validators_agree.py does); a path
    is compared without ``^``, parentheses or brackets: validators spell inverse paths
    differently (``^iri``, ``^(<iri>)``, or just the IRI)."""
    return (
        severity.rsplit("#", 1)[-1],
        focus.strip("<>"),
        path.strip("^()<>"),
        message if message in messages else "",
    )


def keys_of(result: Any, messages: set[str]) -> list[list[str]]:
    return sorted(
        list(result_key(v.severity, v.focus, v.path, v.message, messages))
        for v in (*result.violations, *result.warnings)
    )


def parse_sparql_once() -> None:
    """rdflib parses the text of each SHACL-SPARQL query once per focus node; parse each
    text once instead (the patch ``tests/test_validators_agree.py`` uses; same results)."""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query
    cache: dict[tuple[str, str | None, str], Any] = {}

    def query(
        self: Any,
        strOrQuery: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, repr(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = cache[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query  # type: ignore[method-assign]


def fix_pyshacl_focus_nodes() -> None:
    """Make pySHACL's ``focus_nodes`` option pick the focus nodes of the targets only.

    pySHACL 0.40 applies that filter in every ``Shape.validate`` call, nested ones
    included: the value nodes handed to an ``sh:not``, ``sh:node`` or qualified value
    shape are dropped unless they are listed IRIs (literals never are), so those shapes
    see nothing, and ``sh:not`` or a qualified count then fails on every value. Here the
    filter is lifted whenever a shape is called with its focus nodes given (nested calls).
    """
    from pyshacl.shape import Shape

    if getattr(Shape, "_focus_fixed", False):
        return
    original = Shape.validate

    def validate(
        self: Any,
        executor: Any,
        target_graph: Any,
        focus: Any = None,
        _evaluation_path: Any = None,
    ) -> Any:
        if focus is None or executor.focus_nodes is None:
            return original(self, executor, target_graph, focus, _evaluation_path)
        saved, executor.focus_nodes = executor.focus_nodes, None
        try:
            return original(self, executor, target_graph, focus, _evaluation_path)
        finally:
            executor.focus_nodes = saved

    Shape.validate = validate  # type: ignore[method-assign]
    Shape._focus_fixed = True  # type: ignore[attr-defined]


def pyshacl_group(
    triples: list[Any],
    types: dict[str, set[str]],
    context: dict[str, str],
    shapes: Any,
    ontology: Any,
) -> Any:
    """pySHACL on one group, with the context the build's checker gets."""
    from pyshacl import validate

    fix_pyshacl_focus_nodes()
    from rdflib import RDF, Graph, URIRef

    from reformgraph.validate import SH, ValidationResult, Violation, _english, _text

    data = Graph()
    for triple in triples:
        data.add(triple)
    referred = {str(o) for _, _, o in triples if isinstance(o, URIRef)}
    for node in sorted(referred & types.keys()):
        for cls in types[node]:
            data.add((URIRef(node), RDF.type, URIRef(cls)))
    text = "".join(context[node] for node in sorted(referred & context.keys()))
    if text:
        data.parse(data=text, format="nt")
    focus = list(dict.fromkeys(s for s, p, _ in triples if p == RDF.type))
    conforms, report, _ = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
        focus_nodes=focus,
    )
    # As reformgraph.validate.validate_graph reads the report.
    found: set[Violation] = set()
    nested = set(report.objects(None, SH.detail))
    for result in report.objects(None, SH.result):
        if result in nested:
            continue
        severity = report.value(result, SH.resultSeverity)
        # the English of the shape's two messages, as validate_graph reports it
        message = _english(report.objects(result, SH.resultMessage))
        found.add(
            Violation(
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=_text(report, report.value(result, SH.focusNode)),
                path=_text(report, report.value(result, SH.resultPath)),
                message=message if message is not None else "constraint not met",
                value=_text(report, report.value(result, SH.value)),
            )
        )
    violations = sorted(v for v in found if v.severity == "Violation")
    return ValidationResult(
        conforms=bool(conforms) and not violations,
        violations=violations,
        warnings=sorted(v for v in found if v.severity != "Violation"),
        report_text="",
    )


class Rudof:
    """pyrudof with our shapes, on data given as files or text (the ontology merged in)."""

    def __init__(self) -> None:
        import pyrudof

        from reformgraph.project import ontology_file

        self.p = pyrudof
        self.ontology = str(ontology_file("reformgraph.ttl"))
        self.shapes = str(ontology_file("shapes.ttl"))
        self.version = pyrudof.Rudof(pyrudof.RudofConfig()).get_version()

    def validate(
        self, data: str, fmt: str, *, inline: bool = False
    ) -> tuple[Any, dict[str, float]]:
        p = self.p
        seconds: dict[str, float] = {}
        start = time.perf_counter()
        rudof = p.Rudof(p.RudofConfig())
        rdf_format = p.RDFFormat.NTriples if fmt == "nt" else p.RDFFormat.Turtle
        rudof.read_data(data, format=rdf_format, reader_mode=p.ReaderMode.Strict)
        rudof.read_data(
            self.ontology, format=p.RDFFormat.Turtle, merge=True, reader_mode=p.ReaderMode.Strict
        )
        rudof.read_shacl(self.shapes, format=p.ShaclFormat.Turtle, reader_mode=p.ReaderMode.Strict)
        seconds["load"] = time.perf_counter() - start
        start = time.perf_counter()
        report = rudof.validate_shacl(mode=p.ShaclValidationMode.Native)
        seconds["validate"] = time.perf_counter() - start
        return report, seconds

    @staticmethod
    def result(report: Any) -> Any:
        from reformgraph.validate import ValidationResult, Violation

        found = {
            Violation(
                severity=str(v.severity).rsplit("#", 1)[-1],
                focus=str(v.focus_node).strip("<>"),
                path=str(v.path or "").strip("<>"),
                message=str(v.message or ""),
                value=str(v.value or ""),
            )
            for v in report.violations
        }
        violations = sorted(v for v in found if v.severity == "Violation")
        return ValidationResult(
            conforms=not violations,
            violations=violations,
            warnings=sorted(v for v in found if v.severity != "Violation"),
            report_text="",
        )

    @staticmethod
    def components(report: Any) -> dict[str, int]:
        counts: dict[str, int] = {}
        for v in report.violations:
            name = str(v.constraint_component).rsplit("#", 1)[-1]
            counts[name] = counts.get(name, 0) + 1
        return dict(sorted(counts.items()))


def summary(result: Any, messages: set[str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "conforms": result.conforms,
        "violations": len(result.violations),
        "warnings": len(result.warnings),
        "first": [str(v) for v in result.violations[:3]],
    }
    if messages is not None:
        out["keys"] = keys_of(result, messages)
    return out


# --------------------------------------------------------------------------- children


def child_build(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from reformgraph import pipeline
    from reformgraph.synth import synthesize

    data, out = work / "data", work / "out"
    out_seconds: dict[str, float] = {}
    if not (data / ".complete").is_file():
        shutil.rmtree(data, ignore_errors=True)
        start = time.perf_counter()
        synthesize(args.cases, data, seed=0)
        out_seconds["synthesize"] = time.perf_counter() - start
        (data / ".complete").write_text(str(args.cases))
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    built = pipeline.build(data, out)
    out_seconds["build"] = time.perf_counter() - start
    out_seconds.update(built.check.seconds)
    make = [item[2] for item in records(work / "groups") if item[0] == "make"]
    timed = [(kind, cpu) for kind, _, cpu, _, _ in groups(work / "groups")]
    return {
        "seconds": out_seconds,
        "triples": built.check.summary.triples,
        "cases": built.check.summary.cases,
        "verdict": summary(built.check.validation),
        "make": make,
        "checks": {
            kind: [sum(1 for k, _ in timed if k == kind), sum(s for k, s in timed if k == kind)]
            for kind in ("shared", "case", "intro")
        },
    }


def child_checker(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Option 4 alone: compile the shapes, replay every recorded group through the checker."""
    from reformgraph.pipeline import load_ontology, load_shapes
    from reformgraph.shapecheck import compile_checker
    from reformgraph.validate import ValidationResult

    folder = work / "groups"
    types, context = pickle.loads((folder / "context.pickle").read_bytes())
    start = time.perf_counter()
    checker = compile_checker(load_shapes(), load_ontology())
    compile_seconds = time.perf_counter() - start
    spent = 0.0
    found = []
    count = 0
    for _kind_name, _, _, triples, ntriples in groups(folder):
        start = time.perf_counter()
        result = checker.check(
            triples, context_types=types, context_ntriples=context, ntriples=ntriples
        )
        spent += time.perf_counter() - start
        found += result.violations + result.warnings
        count += 1
    violations = sorted({v for v in found if v.severity == "Violation"})
    result = ValidationResult(
        not violations, violations, sorted({v for v in found if v.severity != "Violation"}), ""
    )
    return {
        "seconds": {"compile": compile_seconds, "validate": spent},
        "groups": count,
        "verdict": summary(result),
    }


def child_sparql(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from reformgraph.engine import STORE_DIR, open_store
    from reformgraph.pipeline import load_ontology, load_shapes
    from reformgraph.shacl_sparql import compile_shapes, validate_store

    start = time.perf_counter()
    compiled = compile_shapes(load_shapes(), load_ontology())
    compile_seconds = time.perf_counter() - start
    store = open_store(work / "out" / STORE_DIR)
    start = time.perf_counter()
    result = validate_store(store, compiled)
    return {
        "seconds": {"compile": compile_seconds, "validate": time.perf_counter() - start},
        "queries": len(compiled),
        "verdict": summary(result),
    }


def child_pyshacl_whole(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    from reformgraph.io import read_graph
    from reformgraph.pipeline import load_ontology, load_shapes
    from reformgraph.validate import validate_graph

    if args.parse_once:
        parse_sparql_once()
    shapes, ontology = load_shapes(), load_ontology()
    start = time.perf_counter()
    graph = read_graph(work / "out" / "reformgraph.nt")
    parse_seconds = time.perf_counter() - start
    # Tell the parent the parse is done (if the validation is stopped, the time is known).
    (work / "pyshacl-parsed.json").write_text(
        json.dumps({"parse": parse_seconds, "triples": len(graph)})
    )
    start = time.perf_counter()
    result = validate_graph(graph, shapes, ontology)
    return {
        "seconds": {"parse": parse_seconds, "validate": time.perf_counter() - start},
        "triples": len(graph),
        "verdict": summary(result),
    }


def child_pyshacl_cases(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Option 2 on a sample: the shared group, every ``step``-th case and introduction."""
    from reformgraph.pipeline import load_ontology, load_shapes

    if args.parse_once:
        parse_sparql_once()
    folder = work / "groups"
    types, context = pickle.loads((folder / "context.pickle").read_bytes())
    shapes, ontology = load_shapes(), load_ontology()
    totals = {"shared": 0, "case": 0, "intro": 0}
    for kind, *_ in groups(folder):
        totals[kind] += 1
    step = {kind: max(1, -(-n // max(1, args.sample))) for kind, n in totals.items()}
    step["shared"] = 1
    step["intro"] = max(1, -(-totals["intro"] // max(1, args.sample // 4)))
    seen = {"shared": 0, "case": 0, "intro": 0}
    timed: dict[str, list[float]] = {"shared": [], "case": [], "intro": []}
    conforms = True
    violations = 0
    for kind, _, _, triples, _ in groups(folder):
        seen[kind] += 1
        if (seen[kind] - 1) % step[kind]:
            continue
        start = time.perf_counter()
        result = pyshacl_group(triples, types, context, shapes, ontology)
        timed[kind].append(time.perf_counter() - start)
        conforms = conforms and result.conforms
        violations += len(result.violations)
    estimate = sum(
        (sum(timed[kind]) / len(timed[kind])) * totals[kind] for kind in totals if timed[kind]
    )
    return {
        "seconds": {
            "validate": sum(sum(v) for v in timed.values()),
            "extrapolated": estimate,
        },
        "totals": totals,
        "sampled": {kind: len(v) for kind, v in timed.items()},
        "mean": {kind: (sum(v) / len(v) if v else None) for kind, v in timed.items()},
        "verdict": {"conforms": conforms, "violations": violations, "warnings": None},
    }


def child_pyrudof(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    rudof = Rudof()
    report, seconds = rudof.validate(str(work / "out" / "reformgraph.nt"), "nt")
    result = Rudof.result(report)
    return {
        "seconds": seconds,
        "version": rudof.version,
        "verdict": summary(result),
        "components": Rudof.components(report),
    }


def child_fixture(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every option on one bad-input fixture that reaches SHACL; their results as keys."""
    sys.path.insert(0, str(ROOT))
    from tests.test_bad_input import apply_patches, load_patch  # type: ignore[import-not-found]

    from reformgraph.engine import STORE_DIR, open_store
    from reformgraph.io import read_graph
    from reformgraph.pipeline import load_ontology, load_shapes
    from reformgraph.produce import produce
    from reformgraph.shacl_sparql import compile_shapes, validate_store
    from reformgraph.validate import ValidationResult, validate_graph

    parse_sparql_once()
    fixture = ROOT / "tests" / "fixtures" / "invalid" / args.fixture
    base = work / "fixtures" / args.fixture
    shutil.rmtree(base, ignore_errors=True)
    data = Path(shutil.copytree(ROOT / "data", base / "data"))
    apply_patches(data, [load_patch(fixture)])
    (base / "groups").mkdir()
    (base / "work").mkdir()
    install_capture(base / "groups")
    produced = produce(data, base / "work")
    messages = shape_messages()
    shapes, ontology = load_shapes(), load_ontology()
    out: dict[str, Any] = {"per-case checker": summary(produced.validation, messages)}
    store = open_store(base / "work" / STORE_DIR)
    out["SPARQL on Oxigraph"] = summary(
        validate_store(store, compile_shapes(shapes, ontology)), messages
    )
    del store
    graph = read_graph(base / "work" / "reformgraph.nt")
    out["pySHACL whole graph"] = summary(validate_graph(graph, shapes, ontology), messages)
    types, context = pickle.loads((base / "groups" / "context.pickle").read_bytes())
    found = []
    for _, _, _, triples, _ in groups(base / "groups"):
        result = pyshacl_group(triples, types, context, shapes, ontology)
        found += result.violations + result.warnings
    violations = sorted({v for v in found if v.severity == "Violation"})
    per_case = ValidationResult(
        not violations, violations, sorted({v for v in found if v.severity != "Violation"}), ""
    )
    out["pySHACL per case"] = summary(per_case, messages)
    try:
        rudof = Rudof()
        report, _ = rudof.validate(str(base / "work" / "reformgraph.nt"), "nt")
        out["pyrudof"] = summary(Rudof.result(report), messages)
        out["pyrudof"]["components"] = Rudof.components(report)
    except Exception as exc:  # a validator that fails is a finding, not a crash
        out["pyrudof"] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    shutil.rmtree(base, ignore_errors=True)
    return out


def child_examples(work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """Every option on each shape example of tests/test_shapes.py."""
    sys.path.insert(0, str(ROOT))
    import pyoxigraph as ox
    from tests.test_shapes import EXAMPLES, parse  # type: ignore[import-not-found]

    from reformgraph.engine import add_ontology
    from reformgraph.pipeline import load_ontology, load_shapes
    from reformgraph.project import ontology_file
    from reformgraph.shacl_sparql import compile_shapes, validate_store
    from reformgraph.shapecheck import compile_checker
    from reformgraph.validate import validate_graph

    parse_sparql_once()
    messages = shape_messages()
    shapes, ontology = load_shapes(), load_ontology()
    compiled = compile_shapes(shapes, ontology)
    checker = compile_checker(shapes, ontology)
    try:
        rudof: Rudof | None = Rudof()
        missing = ""
    except ImportError as exc:  # not installed: reported, not a crash
        rudof, missing = None, f"{type(exc).__name__}: {exc}"
    out: dict[str, Any] = {}
    for example in EXAMPLES:
        graph = parse(example)
        store = ox.Store()
        store.load(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
        add_ontology(store, ontology_file("reformgraph.ttl"))
        found = {
            "pySHACL whole graph": summary(validate_graph(graph, shapes, ontology), messages),
            "SPARQL on Oxigraph": summary(validate_store(store, compiled), messages),
            "per-case checker": summary(checker.check(list(graph)), messages),
            "pySHACL per case": summary(
                pyshacl_group(list(graph), {}, {}, shapes, ontology), messages
            ),
        }
        try:
            if rudof is None:
                raise RuntimeError(missing)
            report, _ = rudof.validate(example.turtle, "ttl")
            found["pyrudof"] = summary(Rudof.result(report), messages)
        except Exception as exc:
            found["pyrudof"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        out[example.test_id] = {"invalid": bool(example.focus), "by": found}
    return out


CHILDREN = {
    "build": child_build,
    "checker": child_checker,
    "sparql": child_sparql,
    "pyshacl-whole": child_pyshacl_whole,
    "pyshacl-cases": child_pyshacl_cases,
    "pyrudof": child_pyrudof,
    "fixture": child_fixture,
    "examples": child_examples,
}


# --------------------------------------------------------------------------- the parent


def tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    family = {root}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                changed = True
    total = 0
    for pid in family:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
    return total


def loadavg() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run_child(
    kind: str,
    work: Path,
    extra: list[str],
    *,
    timeout: float,
    memory_cap: float,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run one measurement in a fresh process; wall and CPU time, peak memory, its output."""
    result_file = work / "results" / f"{kind}{''.join('-' + e.lstrip('-') for e in extra)}.json"
    result_file.parent.mkdir(parents=True, exist_ok=True)
    result_file.unlink(missing_ok=True)
    log = result_file.with_suffix(".log")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, "--work", str(work)]
    command += ["--result", str(result_file), *extra]
    load_before = loadavg()
    start = time.perf_counter()
    with log.open("w") as stderr:
        proc = subprocess.Popen(
            command,
            stdout=stderr,
            stderr=stderr,
            start_new_session=True,
            env={**os.environ, **(env or {})},
            cwd=str(work),
        )
        peak = 0
        stopped = ""
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, tree_rss(proc.pid))
            elapsed = time.perf_counter() - start
            if not stopped and (elapsed > timeout or peak > memory_cap):
                stopped = (
                    f"stopped after {elapsed:.0f} s"
                    if elapsed > timeout
                    else f"stopped at {peak / GB:.1f} GB"
                )
                os.killpg(proc.pid, signal.SIGKILL)
            time.sleep(0.1)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    out: dict[str, Any] = {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak": max(peak, usage.ru_maxrss * 1024),
        "load": [load_before, loadavg()],
        "returncode": proc.returncode,
        "stopped": stopped,
    }
    if result_file.is_file():
        out["out"] = json.loads(result_file.read_text())
    elif not stopped:
        out["error"] = log.read_text()[-1500:]
    return out


def say(text: str) -> None:
    print(text, flush=True)


def machine() -> dict[str, str]:
    from importlib.metadata import version

    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) * 1024
    versions = {}
    for package in ("pyshacl", "rdflib", "pyoxigraph", "pyrudof"):
        try:
            versions[package] = version(package)
        except Exception:
            versions[package] = "not installed"
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--", "src", "ontology", "tests"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": f"{memory / GB:.1f} GB",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        **versions,
        "reformgraph": f"commit {commit}"
        + (" (src/, ontology/ or tests/ modified)" if dirty else ""),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/rg-shacl/work"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "SHACL.md")
    parser.add_argument("--sample", type=int, default=15, help="cases pySHACL-per-case times")
    parser.add_argument("--small", type=int, default=10, help="cases of the small build")
    parser.add_argument("--whole-timeout", type=float, default=90.0)
    parser.add_argument("--timeout", type=float, default=400.0, help="seconds per option")
    parser.add_argument("--memory-cap", type=float, default=12.0, help="GB per option")
    parser.add_argument("--skip-agreement", action="store_true")
    parser.add_argument(
        "--render", type=Path, metavar="REPORT", help="only rewrite --out from a report.json"
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fixture", help=argparse.SUPPRESS)
    parser.add_argument("--parse-once", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.render:
        report = json.loads(args.render.read_text())
        args.small = report.get("small build", {}).get("out", {}).get("cases", args.small)
        write(report, args)
        return 0
    if args.child:
        found = CHILDREN[args.child](args.work, args)
        args.result.write_text(json.dumps(found, indent=1, default=str))
        return 0
    return run(args)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    when = datetime.now(timezone.utc).isoformat(timespec="seconds")
    work = args.work.resolve()
    small = work / "small"
    cap = args.memory_cap * GB
    command = " ".join(["python", "benchmarks/shacl_options.py", *sys.argv[1:]])
    report: dict[str, Any] = {"when": when, "command": command, "machine": machine()}
    report["cases"] = args.cases
    say(f"work folder {work}; load average {loadavg():.2f}")

    def build(folder: Path, cases: int) -> dict[str, Any]:
        shutil.rmtree(folder / "groups", ignore_errors=True)
        (folder / "groups").mkdir(parents=True)
        return run_child(
            "build",
            folder,
            ["--cases", str(cases)],
            timeout=3600,
            memory_cap=cap,
            env={CAPTURE_ENV: str(folder / "groups")},
        )

    options: dict[str, dict[str, Any]] = {}
    say(f"synthesize and build {args.cases} cases ...")
    report["build"] = build(work, args.cases)
    if "out" not in report["build"]:
        say(report["build"].get("error", "the build failed"))
        return 1
    built = report["build"]["out"]
    say(f"  {built['triples']:,} triples; build {built['seconds']['build']:.1f} s")
    say(f"synthesize and build {args.small} cases (for pySHACL on a whole graph) ...")
    report["small build"] = build(small, args.small)
    jobs: list[tuple[str, str, Path, list[str], float]] = [
        ("per-case checker", "checker", work, [], args.timeout),
        ("SPARQL on Oxigraph", "sparql", work, [], args.timeout),
        ("pySHACL whole graph", "pyshacl-whole", work, [], args.whole_timeout),
        (f"pySHACL whole graph ({args.small} cases)", "pyshacl-whole", small, [], args.timeout),
        ("pySHACL per case", "pyshacl-cases", work, ["--sample", str(args.sample)], args.timeout),
        (
            "pySHACL per case, SPARQL parsed once",
            "pyshacl-cases",
            work,
            ["--sample", str(args.sample), "--parse-once"],
            args.timeout,
        ),
        ("pyrudof", "pyrudof", work, [], args.timeout),
    ]
    for name, kind, folder, extra, timeout in jobs:
        say(f"{name} ...")
        (folder / "pyshacl-parsed.json").unlink(missing_ok=True)
        options[name] = run_child(kind, folder, extra, timeout=timeout, memory_cap=cap)
        parsed = folder / "pyshacl-parsed.json"
        if "out" not in options[name] and parsed.is_file():
            options[name]["parsed"] = json.loads(parsed.read_text())
        say("  " + line(name, options[name]))
    report["options"] = options

    if not args.skip_agreement:
        sys.path.insert(0, str(ROOT))
        from tests.test_bad_input import FIXTURE_DIRS, load_patch

        reaching = [f.name for f in FIXTURE_DIRS if load_patch(f).exit_code == 1]
        report["fixtures"] = {"all": len(FIXTURE_DIRS), "reaching": {}}
        for name in reaching:
            say(f"fixture {name} ...")
            done = run_child(
                "fixture", work, ["--fixture", name], timeout=args.timeout, memory_cap=cap
            )
            report["fixtures"]["reaching"][name] = done.get("out", {"error": done})
        say("shape examples of tests/test_shapes.py ...")
        done = run_child("examples", work, [], timeout=args.timeout, memory_cap=cap)
        report["examples"] = done.get("out", {"error": done})
    report["seconds"] = time.perf_counter() - started
    report["code at the end"] = machine()["reformgraph"]
    (work / "report.json").write_text(json.dumps(report, indent=1, default=str))
    write(report, args)
    say("")
    say(table(report))
    say("")
    say(agreement_table(report))
    say(f"\nwrote {args.out} ({report['seconds']:.0f} s in all); raw figures {work}/report.json")
    return 0


# --------------------------------------------------------------------------- reporting


def write(report: dict[str, Any], args: argparse.Namespace) -> None:
    """Write --out from a report, keeping its hand-written Conclusion section."""
    text = render(report, args)
    previous = args.out.read_text() if args.out.is_file() else ""
    if "\n## Conclusion" in previous:
        text += "\n## Conclusion" + previous.split("\n## Conclusion", 1)[1]
    args.out.write_text(text)


def line(name: str, done: dict[str, Any]) -> str:
    if "out" not in done:
        return f"{name}: {done.get('stopped') or 'failed'} ({done['peak'] / GB:.2f} GB)"
    verdict = done["out"]["verdict"]
    return (
        f"{name}: {option_seconds(name, done):.1f} s validating, {done['wall']:.1f} s wall,"
        f" {done['peak'] / GB:.2f} GB; conforms={verdict['conforms']}"
        f" ({verdict['violations']} violations)"
    )


def option_seconds(name: str, done: dict[str, Any]) -> float:
    """The option's own validation time (setup such as parsing or loading included, the
    build's own work not): what it would add to, or cost within, a build."""
    seconds = done["out"]["seconds"]
    if "extrapolated" in seconds:
        return float(seconds["extrapolated"])
    return float(sum(v for v in seconds.values()))


def verdict_text(done: dict[str, Any]) -> str:
    if "out" not in done:
        return "none (" + (done.get("stopped") or "failed") + ")"
    verdict = done["out"]["verdict"]
    sampled = done["out"].get("sampled")
    where = f" on the {sum(sampled.values())} groups sampled" if sampled else ""
    if verdict["conforms"]:
        return "conforms" + where
    return f"does not conform: {verdict['violations']:,} violations" + where


def rows(report: dict[str, Any]) -> list[dict[str, str]]:
    options = report["options"]
    build = report["build"]["out"]
    reference = options["per-case checker"]
    base = option_seconds("per-case checker", reference) if "out" in reference else None
    out = []
    in_build = sum(s for _, s in build["checks"].values()) + sum(build["make"])
    for name, done in options.items():
        if name.startswith("pySHACL whole graph (") and "out" in done:
            # Extrapolated to the full size by triples.
            small_triples = done["out"]["triples"]
            scale = build["triples"] / small_triples
            seconds = option_seconds(name, done)
            time_text = (
                f"{seconds:.1f} s for {small_triples:,} triples;"
                f" ≈ {seconds * scale:,.0f} s at {build['triples']:,} (linear)"
            )
            ratio = f"≈ {seconds * scale / base:,.0f}x" if base else ""
        elif "out" in done:
            seconds = option_seconds(name, done)
            parts = done["out"]["seconds"]
            if "extrapolated" in parts:
                sampled = done["out"]["sampled"]
                time_text = (
                    f"≈ {seconds:,.0f} s (extrapolated from {parts['validate']:.1f} s on"
                    f" {sampled['case']} cases, {sampled['intro']} introductions and the"
                    " shared entities)"
                )
            else:
                time_text = (
                    f"{seconds:.1f} s (" + ", ".join(f"{k} {v:.1f}" for k, v in parts.items()) + ")"
                )
            ratio = f"{seconds / base:,.1f}x" if base else ""
        else:
            parsed = done.get("parsed")
            time_text = f"> {done['wall']:.0f} s ({done.get('stopped') or 'failed'})"
            if parsed:
                time_text += f"; parsing alone took {parsed['parse']:.1f} s"
            ratio = f"> {done['wall'] / base:,.0f}x" if base else ""
        out.append(
            {
                "option": name,
                "time": time_text,
                "ratio": ratio,
                "wall": f"{done['wall']:.1f} s",
                "cpu": f"{done['cpu']:.1f} s",
                "peak": f"{done['peak'] / GB:.2f} GB",
                "verdict": verdict_text(done),
            }
        )
    out.insert(
        1,
        {
            "option": "per-case checker, inside the build (2 workers)",
            "time": f"{in_build:.1f} s CPU summed over the processes",
            "ratio": f"{in_build / base:.1f}x" if base else "",
            "wall": "",
            "cpu": "",
            "peak": "",
            "verdict": verdict_text({"out": {"verdict": build["verdict"]}}),
        },
    )
    return out


def table(report: dict[str, Any]) -> str:
    head = (
        "| option | validation time | vs per-case checker | child wall | child CPU"
        " | peak memory | verdict |"
    )
    lines = [head, "|---|---|---|---|---|---|---|"]
    for row in rows(report):
        lines.append(
            f"| {row['option']} | {row['time']} | {row['ratio']} | {row['wall']} | {row['cpu']}"
            f" | {row['peak']} | {row['verdict']} |"
        )
    return "\n".join(lines)


AGREE_ORDER = (
    "per-case checker",
    "SPARQL on Oxigraph",
    "pySHACL whole graph",
    "pySHACL per case",
    "pyrudof",
)


def diff(ref: dict[str, Any], found: dict[str, Any]) -> tuple[bool, set[Any], set[Any], str]:
    """Whether ``found`` agrees with ``ref``: (same, missing keys, extra keys, note)."""
    ref_keys = {tuple(k) for k in ref["keys"]}
    keys = {tuple(k) for k in found["keys"]}
    note = ""
    if not any(k[3] for k in keys) and any(k[3] for k in ref_keys):
        # A validator that never reports the shapes' messages: compare the rest.
        ref_keys = {k[:3] for k in ref_keys}
        keys = {k[:3] for k in keys}
        note = " (no sh:message)"
    same = found["conforms"] == ref["conforms"] and keys == ref_keys
    return same, ref_keys - keys, keys - ref_keys, note


def compare(by: dict[str, Any], reference: str = "pySHACL whole graph") -> dict[str, str]:
    """Each validator against pySHACL: same conformance and the same result keys?"""
    out = {}
    for name, found in by.items():
        if "error" in found:
            out[name] = "error: " + found["error"][:80]
            continue
        same, missing, extra, note = diff(by[reference], found)
        if same:
            out[name] = "same" + note
        else:
            out[name] = (
                f"differs{note}: conforms={found['conforms']}, {len(missing)} missing,"
                f" {len(extra)} extra"
            )
    return out


def agreement(report: dict[str, Any]) -> dict[str, Any]:
    fixtures = {}
    paths: dict[str, dict[str, dict[str, int]]] = {}

    def count(name: str, by: dict[str, Any]) -> None:
        if "error" in by[name]:
            return
        _, missing, extra, _ = diff(by["pySHACL whole graph"], by[name])
        entry = paths.setdefault(name, {"missing": {}, "extra": {}})
        for side, keys in (("missing", missing), ("extra", extra)):
            for key in keys:
                local = key[2].rsplit("/", 1)[-1].rsplit("#", 1)[-1] or "(node)"
                entry[side][local] = entry[side].get(local, 0) + 1

    for name, by in report.get("fixtures", {}).get("reaching", {}).items():
        if "error" in by:
            fixtures[name] = {"error": str(by)[:200]}
            continue
        fixtures[name] = compare(by)
        for validator in by:
            count(validator, by)
    examples = report.get("examples", {})
    per_validator: dict[str, dict[str, Any]] = {}
    for test_id, item in examples.items():
        if "by" not in item:
            continue
        for name, verdict in compare(item["by"]).items():
            entry = per_validator.setdefault(name, {"same": 0, "differs": []})
            if verdict.startswith("same"):
                entry["same"] += 1
            else:
                entry["differs"].append(test_id)
            count(name, item["by"])
    return {
        "fixtures": fixtures,
        "examples": per_validator,
        "example_count": len(examples),
        "paths": paths,
    }


def agreement_table(report: dict[str, Any]) -> str:
    found = agreement(report)
    names = [n for n in AGREE_ORDER if n != "pySHACL whole graph"]
    lines = [
        "| verdicts compared with pySHACL (the reference) | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for fixture, by in found["fixtures"].items():
        lines.append(f"| fixture `{fixture}` | " + " | ".join(by.get(n, "—") for n in names) + " |")
    count = found["example_count"]
    if count:
        cells = []
        for name in names:
            entry = found["examples"].get(name, {"same": 0, "differs": []})
            cells.append(f"{entry['same']} of {count} same")
        lines.append(f"| shape examples (test_shapes.py, {count}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)


#: What the measured validators and their verdicts depend on.
VALIDATION_FILES = (
    "ontology/shapes.ttl",
    "ontology/reformgraph.ttl",
    "src/reformgraph/shapecheck.py",
    "src/reformgraph/shacl_sparql.py",
    "src/reformgraph/validate.py",
    "src/reformgraph/synth.py",
    "src/reformgraph/build.py",
)


def code_changes(report: dict[str, Any]) -> list[str]:
    """A warning when commits landed during the run, naming the files they changed."""
    start = report["machine"]["reformgraph"]
    end = report.get("code at the end", start)
    if start == end:
        return []
    first, last = start.split()[1], end.split()[1]
    changed = subprocess.run(
        ["git", "-C", str(ROOT), "diff", "--name-only", first, last],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    touched = [name for name in changed if name in VALIDATION_FILES]
    verdict = (
        "among them files the validators depend on ("
        + ", ".join(f"`{n}`" for n in touched)
        + "): run it again."
        if touched
        else "none of them is a file the validators, the shapes or the synthetic data"
        " depend on (" + ", ".join(f"`{n}`" for n in VALIDATION_FILES) + ")."
    )
    return [
        f"**Commits landed during the run** ({start} at the start, {end} at the end),"
        f" changing {', '.join(f'`{n}`' for n in changed) or 'nothing'}; " + verdict,
        "",
    ]


def contention(report: dict[str, Any]) -> str:
    loads = [x for done in report["options"].values() for x in done.get("load", [])]
    return f"{min(loads):.1f}–{max(loads):.1f}" if loads else "not recorded"


def render(report: dict[str, Any], args: argparse.Namespace) -> str:
    build = report["build"]
    built = build["out"]
    small = report.get("small build", {}).get("out", {})
    found = agreement(report)
    lines = [
        "# SHACL validation options",
        "",
        f"Generated by `benchmarks/shacl_options.py` on {report['when']}"
        f" ({report['seconds'] / 60:.1f} min in all). Command:",
        "",
        f"    {report['command']}",
        "",
        "Everything below the machine table comes from that one run, except the Conclusion,"
        " which is written by hand and kept when the file is regenerated. Each option ran in"
        " a fresh child process after the others had finished; memory is the peak resident"
        " memory of the child and its descendants (sampled from `/proc` every 0.1 s, and the"
        " child's own `ru_maxrss`), 1 GB = 10⁹ bytes.",
        "",
        *code_changes(report),
        "**Contention.** Another long benchmark shared this 2-core machine during the run:"
        f" the 1-minute load average was {contention(report)} when the options started and"
        " ended, and the children's CPU time is well below their wall time. Absolute times"
        " are inflated and noisy; compare the ratios, which are taken within the run.",
        "",
        "## Machine",
        "",
        "|  |  |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in report["machine"].items()],
        "",
        "## Data",
        "",
        f"{report['cases']:,} synthetic cases (`synthesize(n, folder, seed=0)`),"
        f" {built['triples']:,} triples, built once with `pipeline.build`"
        f" in {built['seconds']['build']:.1f} s"
        f" ({', '.join(f'{k} {v:.1f} s' for k, v in built['seconds'].items() if k != 'build')});"
        f" peak memory of the build {build['peak'] / GB:.2f} GB. The build's verdict:"
        f" {verdict_text({'out': {'verdict': built['verdict']}})}.",
        "",
    ]
    if small:
        lines += [
            f"pySHACL on a whole graph is also measured on a {args.small}-case build"
            f" ({small['triples']:,} triples) and extrapolated linearly by triples.",
            "",
        ]
    lines += [
        "## Time, memory, verdict",
        "",
        "*Validation time* is the option's own work: parsing or loading the data where the"
        " option needs its own copy (pySHACL, pyrudof), compiling the shapes, validating."
        " The store the SPARQL option queries and the triples the per-case checker sees"
        " are made by the build anyway. *Child wall* includes starting Python and imports."
        " The per-case checker is timed twice: inside the build (the time spent in"
        " `_Checks.check`, summed over the two worker processes and the main one) and"
        " alone, replaying every group the build checked, in one process.",
        "",
        table(report),
        "",
    ]
    checks = built["checks"]
    lines += [
        f"Inside the build, the checker ran on {checks['case'][0]:,} cases"
        f" ({checks['case'][1]:.1f} s), {checks['intro'][0]} introductions"
        f" ({checks['intro'][1]:.1f} s) and the shared entities ({checks['shared'][1]:.1f} s);"
        f" compiling the shapes took {sum(built['make']):.1f} s in"
        f" {len(built['make'])} processes. The build's stage *read, resolve and write*, which"
        f" includes the checks, took {built['seconds'].get('read, resolve and write', 0):.1f}"
        " s of wall time.",
        "",
    ]
    rudof = report["options"].get("pyrudof", {}).get("out")
    if rudof:
        lines += [
            f"pyrudof {rudof['version']} reported these results by constraint component on"
            f" the synthetic graph: {rudof['components'] or 'none'}.",
            "",
        ]
    lines += [
        "## Verdicts on the invalid inputs",
        "",
        f"`tests/fixtures/invalid` holds {report.get('fixtures', {}).get('all', 0)} bad-input"
        f" fixtures; {len(found['fixtures'])} of them reach SHACL (exit code 1): the others"
        " are stopped by the data checks before any graph exists, so no validator sees them."
        " Each fixture reaching SHACL is built from a patched copy of `data/`, and every"
        " option validates the result. The shape examples of `tests/test_shapes.py` (valid"
        " and invalid graphs for every shape) are compared the same way. *Same* means the"
        " same conformance and the same results as (severity, focus node, path, constraint)"
        " as pySHACL's, the comparison `tests/test_validators_agree.py` makes.",
        "",
        agreement_table(report),
        "",
    ]
    for name in AGREE_ORDER:
        entry = found["examples"].get(name)
        if entry and entry["differs"]:
            shown = ", ".join(f"`{t}`" for t in entry["differs"][:12])
            more = len(entry["differs"]) - 12
            lines.append(
                f"- {name} differs on {len(entry['differs'])} example(s): {shown}"
                + (f" and {more} more" if more > 0 else "")
            )
    for name in AGREE_ORDER:
        entry = found["paths"].get(name)
        if entry and (entry["missing"] or entry["extra"]):
            parts = []
            for side in ("missing", "extra"):
                if entry[side]:
                    top = sorted(entry[side].items(), key=lambda kv: (-kv[1], kv[0]))
                    parts.append(f"{side}: " + ", ".join(f"{path} ({n})" for path, n in top[:8]))
            lines.append(
                f"- {name}, results it differs by (fixtures and examples), by path: "
                + "; ".join(parts)
            )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""The ``reformgraph`` command line. The only module that knows about the terminal.

Exit codes: 0 success; 1 the graph does not conform to the shapes, or the data leaves
numerals uncovered (``check``); 2 bad input (data, query, arguments) or nothing built yet.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from reformgraph.errors import (
    DataErrors,
    NoBuildError,
    ReformgraphError,
    ValidationFailed,
)

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help=(
        "reformgraph: Chinese reform case reports as a bilingual knowledge graph"
        " you can query with SPARQL."
    ),
)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="Data folder (holding sources/, cases/, entities/). Default: ./data of the project.",
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", "-o", help="Output folder. Default: ./build of the project.")
]


@app.callback()
def _root() -> None:
    """reformgraph: reform case reports as a queryable knowledge graph."""


def _fail(message: str, code: int = 2) -> NoReturn:
    err.print(Text(message, style="red"))
    raise typer.Exit(code)


def _report_data_errors(exc: DataErrors) -> NoReturn:
    for error in exc.errors:
        err.print(Text(str(error)))
    _fail(f"{len(exc.errors)} error(s) in the data; nothing was written.", 2)


def _project_paths(data: Path | None, out_dir: Path | None) -> tuple[Path, Path]:
    from reformgraph.io import find_project, resolve_data_folder

    cwd = Path.cwd()
    data_dir = resolve_data_folder(data, cwd)
    if out_dir is None:
        project = find_project(cwd)
        out_dir = (project / "build") if project is not None else (cwd / "build")
    return data_dir, out_dir


def _print_summary(result: object, written: list[Path] | None = None) -> None:
    from reformgraph.pipeline import CheckResult

    assert isinstance(result, CheckResult)
    summary = result.summary
    table = Table(title="reformgraph", show_header=True, header_style="bold")
    table.add_column("class")
    table.add_column("instances", justify="right")
    for name, count in summary.classes.items():
        table.add_row(name, str(count))
    _emit(table)
    out.print(
        f"{summary.cases} cases, {summary.measures} measures, {summary.figures} figures,"
        f" {len(summary.shared_entities)} shared entities, {summary.triples} triples"
    )
    if summary.shared_entities:
        shared = ", ".join(
            f"{label} ({count})" for label, _kind, count in summary.shared_entities[:8]
        )
        more = len(summary.shared_entities) - 8
        out.print(f"shared across cases: {shared}" + (f", … and {more} more" if more > 0 else ""))
    validation = result.validation
    if validation.conforms:
        out.print(Text("SHACL validation: conforms", style="green"))
    else:
        out.print(Text(f"SHACL validation: {len(validation.violations)} violation(s)", style="red"))
    for warning in validation.warnings:
        err.print(Text(f"warning: {warning}"))
    for path in written or []:
        out.print(f"wrote {path}")


#: What each stage of a long job is called on screen.
STAGES = {
    "cases": "reading, resolving and checking the cases",
    "store": "loading the store",
    "extract": "drafting the cases",
    "check": "building the draft",
}


@contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback: rich bars on a terminal; otherwise one plain line per stage
    when it ends (nothing for stages that are over in a moment)."""
    if err.is_terminal:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=err,
            transient=True,
        )
        tasks: dict[str, Any] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(STAGES.get(stage, stage), total=total)
            bars.update(tasks[stage], completed=done, total=total)

        with bars:
            yield update
        return
    started: dict[str, float] = {}

    def plain(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        started.setdefault(stage, now)
        if done == total and total > 0 and now - started[stage] >= 1.0:
            err.print(f"{STAGES.get(stage, stage)}: {done}/{total} in {now - started[stage]:.1f} s")

    yield plain


@app.command()
def build(data: DataOption = None, out_dir: OutOption = None) -> None:
    """Build the graph: check the data, validate with SHACL, write .ttl, .nt and .jsonld."""
    from reformgraph import pipeline

    try:
        data_dir, target = _project_paths(data, out_dir)
        with _progress() as progress:
            result = pipeline.build(data_dir, target, progress=progress)
    except DataErrors as exc:
        _report_data_errors(exc)
    except ValidationFailed as exc:
        err.print(Text(exc.report))
        _fail(f"{exc}; nothing was written.", 1)
    except ReformgraphError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write the output: {exc}")
    _print_summary(result.check, result.written)


@app.command()
def check(data: DataOption = None) -> None:
    """Check the data without writing: quotes, references, figures, SHACL and number coverage."""
    from reformgraph import pipeline

    try:
        data_dir, _ = _project_paths(data, None)
        with _progress() as progress:
            result = pipeline.check(data_dir, progress=progress)
    except DataErrors as exc:
        _report_data_errors(exc)
    except ReformgraphError as exc:
        _fail(str(exc))
    for warning in result.warnings:
        err.print(Text(f"warning: {warning}"))
    for item in result.uncovered:
        err.print(Text(str(item)))
    for violation in result.validation.violations:
        err.print(Text(str(violation)))
    _print_summary(result)
    if result.uncovered or not result.validation.conforms:
        _fail(
            f"{len(result.uncovered)} uncovered numeral(s) or outcome word(s), "
            f"{len(result.validation.violations)} SHACL violation(s)",
            1,
        )


def _emit(table: Table) -> None:
    """Print a table: fitted to a terminal, or unfolded when piped into a file or program."""
    if out.is_terminal:
        out.print(table)
        return
    width = Console(width=100_000).measure(table).maximum
    Console(file=out.file, width=max(width, 80), highlight=False).print(table)


def _print_table(result: object) -> None:
    from reformgraph.queries import QueryResult, display_term, format_table
    from reformgraph.vocab import NAMESPACES

    assert isinstance(result, QueryResult)
    if not out.is_terminal:
        # Files and pipes get plain aligned text (the same as the fast path in entry.py).
        out.file.write(format_table(result, NAMESPACES))
        out.file.flush()
        return
    if result.boolean is not None:
        out.print("yes" if result.boolean else "no")
        return
    prefixes = dict(NAMESPACES)
    table = Table(show_header=True, header_style="bold", show_lines=False)
    for variable in result.variables:
        table.add_column(variable, overflow="fold")
    for row in result.rows:
        table.add_row(*(Text(display_term(term, prefixes)) for term in row))
    _emit(table)
    out.print(f"{len(result.rows)} row(s)")


def _list_queries() -> None:
    from reformgraph.queries import saved_queries

    table = Table(show_header=True, header_style="bold")
    table.add_column("query")
    table.add_column("question")
    table.add_column("parameters")
    for name, saved in saved_queries().items():
        question = Text(saved.question + "\n" + saved.question_zh)
        params = ", ".join(f"{p.name} ({p.type})" for p in saved.params) or "-"
        table.add_row(name, question, params)
    _emit(table)


@app.command()
def query(
    query_spec: Annotated[
        str | None,
        typer.Argument(metavar="QUERY", help="A saved query's name, a .rq file, or SPARQL text."),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="table, csv or json (W3C SPARQL results JSON).")
    ] = "table",
    param: Annotated[
        list[str] | None,
        typer.Option("--param", "-p", help="NAME=VALUE, bound as an RDF term (repeatable)."),
    ] = None,
    graph_file: Annotated[
        Path | None, typer.Option("--graph", help="Query this RDF file instead of the last build.")
    ] = None,
    out_dir: OutOption = None,
    list_queries: Annotated[
        bool, typer.Option("--list", help="List the saved queries and their questions.")
    ] = False,
) -> None:
    """Run a SPARQL query on the built graph and print the result."""
    # Only what a query needs is imported: the store, the saved queries, the output.
    from reformgraph.queries import bind_params, load_query, run_query_on_store

    if list_queries:
        _list_queries()
        return
    if query_spec is None:
        _fail("give a query: a saved query's name, a .rq file or SPARQL text (see --list)")
    _check_format(output_format)
    params: dict[str, str] = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            _fail(f"--param {item!r}: write NAME=VALUE")
        params[name.strip().lstrip("?$")] = value
    try:
        saved = load_query(query_spec, Path.cwd())
        bindings = bind_params(saved, params)
        store = _query_store(graph_file, out_dir)
        result = run_query_on_store(store, saved, bindings)
    except ReformgraphError as exc:
        _fail(str(exc))
    _output(result, output_format)


def _query_store(graph_file: Path | None, out_dir: Path | None) -> Any:
    from reformgraph import engine
    from reformgraph.project import build_folder, ontology_file

    build_dir = out_dir if out_dir is not None else build_folder(Path.cwd())
    if graph_file is not None and not graph_file.is_file():
        raise NoBuildError(f"{graph_file}: no such file")
    try:
        return engine.query_store(build_dir, graph_file, ontology_file("reformgraph.ttl"))
    except FileNotFoundError:
        raise NoBuildError(
            f"no build yet ({build_dir / engine.STORE_DIR} is missing):"
            " run `reformgraph build` first"
        ) from None
    except (SyntaxError, ValueError, OSError) as exc:
        raise NoBuildError(f"{graph_file}: cannot be parsed as RDF: {exc}") from None


GraphOption = Annotated[
    Path | None, typer.Option("--graph", help="Use this RDF file instead of the last build.")
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="table, csv or json (W3C SPARQL results JSON).")
]


def _graph_file(graph_file: Path | None, out_dir: Path | None) -> Path:
    from reformgraph import pipeline
    from reformgraph.io import find_project

    if graph_file is not None:
        return graph_file
    if out_dir is None:
        project = find_project(Path.cwd())
        out_dir = (project / "build") if project is not None else Path.cwd() / "build"
    path = pipeline.default_graph_file(out_dir)
    if not path.is_file():
        raise NoBuildError(f"no build yet ({path} is missing): run `reformgraph build` first")
    return path


def _output(result: object, output_format: str) -> None:
    from reformgraph.queries import format_csv, format_json

    if output_format == "table":
        _print_table(result)
        return
    data = format_csv(result) if output_format == "csv" else format_json(result)  # type: ignore[arg-type]
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _check_format(output_format: str) -> None:
    if output_format not in ("table", "csv", "json"):
        _fail(f"unknown format {output_format!r}: use table, csv or json")


@app.command()
def links(
    suggest: Annotated[
        bool, typer.Option("--suggest", help="Suggest look-alike entities for curators instead.")
    ] = False,
    entity: Annotated[
        str | None,
        typer.Option("--entity", help="With --suggest: only pairs with this entity (id or IRI)."),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", help="At most this many rows.")
    ] = None,
    output_format: FormatOption = "table",
    graph_file: GraphOption = None,
    out_dir: OutOption = None,
) -> None:
    """Cross-case links: every pair of cases that share an entity, with each case's quote."""
    from reformgraph import analysis, pipeline

    _check_format(output_format)
    try:
        graph = pipeline.load_graph(_graph_file(graph_file, out_dir))
    except ReformgraphError as exc:
        _fail(str(exc))
    if suggest:
        suggestions = analysis.suggest_links(graph)
        if entity is not None:
            wanted = {
                e
                for e in set(graph.subjects())
                if str(e) == entity or str(e).endswith("/" + entity)
            }
            if not wanted:
                _fail(f"no entity {entity!r} in the graph")
            suggestions = [s for s in suggestions if s.a in wanted or s.b in wanted]
        _output(analysis.suggestions_result(suggestions[:limit]), output_format)
        return
    found = analysis.case_links(graph)
    _output(analysis.links_result(found[:limit]), output_format)


@app.command()
def network(
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the GraphML and GEXF files. Default: ./build."
        ),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="How many entities to rank.")] = 15,
    output_format: FormatOption = "table",
    graph_file: GraphOption = None,
) -> None:
    """Network analysis: which entities bridge the most cases; GraphML and GEXF exports."""
    from reformgraph import analysis, pipeline

    _check_format(output_format)
    try:
        source = _graph_file(graph_file, None)
        graph = pipeline.load_graph(source)
    except ReformgraphError as exc:
        _fail(str(exc))
    target = out_dir if out_dir is not None else source.parent
    written = pipeline.write_networks(graph, target)
    _output(analysis.centrality_result(analysis.centrality(graph, top=top)), output_format)
    for path in written:
        err.print(f"wrote {path}")


@app.command()
def viz(
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The HTML file. Default: build/reformgraph-VIEW.html."),
    ] = None,
    view: Annotated[
        str, typer.Option("--view", help="full (everything) or cases (the cross-case picture).")
    ] = "full",
    case: Annotated[
        str | None, typer.Option("--case", help="One case (its id) and its neighbourhood.")
    ] = None,
    query_file: Annotated[
        Path | None, typer.Option("--query", help="The subgraph a CONSTRUCT query (.rq) returns.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Labels in zh (default) or en.")] = "zh",
    picture: Annotated[
        str | None, typer.Option("--format", help="Also write a still picture: png or svg.")
    ] = None,
    graph_file: GraphOption = None,
) -> None:
    """Write an interactive graph page: one HTML file that opens offline in any browser."""
    from reformgraph import pipeline

    if view not in ("full", "cases"):
        _fail(f"unknown view {view!r}: use full or cases (or --case ID, --query FILE.rq)")
    if lang not in ("zh", "en"):
        _fail(f"unknown language {lang!r}: use zh or en")
    if picture not in (None, "png", "svg"):
        _fail(f"unknown picture format {picture!r}: use png or svg")
    try:
        source = _graph_file(graph_file, None)
        graph = pipeline.load_graph(source)
        name = f"reformgraph-{case or (query_file.stem if query_file else view)}.html"
        target = out if out is not None else source.parent / name
        written = pipeline.write_view(
            graph, target, view=view, case=case, query_file=query_file, lang=lang, picture=picture
        )
    except ReformgraphError as exc:
        _fail(str(exc))
    for path in written:
        err.print(f"wrote {path}")


@app.command()
def synth(
    cases: Annotated[int, typer.Option("--cases", "-n", min=1, help="How many cases.")],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="The data folder to write (new or empty).")
    ],
    seed: Annotated[int, typer.Option(help="Random seed: the same seed, the same files.")] = 0,
) -> None:
    """Write a synthetic data folder shaped like the real data, for benchmarks and tests."""
    from reformgraph.synth import synthesize

    try:
        with _progress() as progress:
            stats = synthesize(cases, out_dir, seed=seed, progress=progress)
    except FileExistsError as exc:
        _fail(f"{exc}; choose a new folder")
    except OSError as exc:
        _fail(f"cannot write {out_dir}: {exc}")
    means = ", ".join(f"{name} {value:.1f}" for name, value in stats.means().items())
    out.print(f"wrote {out_dir}: {stats.cases} cases, {stats.total_entities} entities")
    out.print(f"per case: {means}")


@app.command()
def extract(
    report: Annotated[Path, typer.Argument(help="The report: a UTF-8 or GB18030 text file.")],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="The draft data folder to write (new or empty).")
    ],
    data: DataOption = None,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate",
            help="Also score the extractor against the curated cases of this report.",
        ),
    ] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace a draft folder that is not empty.")
    ] = False,
) -> None:
    """Draft a data folder from a new report: cases, measures, figures and entities."""
    from reformgraph.extract import evaluate as score
    from reformgraph.extract import extract as draft
    from reformgraph.io import find_project, resolve_data_folder

    try:
        cwd = Path.cwd()
        curated = resolve_data_folder(data, cwd) if data or find_project(cwd) else None
        with _progress() as progress:
            result = draft(report, out_dir, curated=curated, overwrite=overwrite, progress=progress)
        out.print(f"wrote {out_dir}: {result.summary()}")
        for note in result.notes:
            err.print(Text(f"note: {note}"))
        if evaluate:
            evaluation = score(report, curated or resolve_data_folder(None, cwd))
            out.print(Text(evaluation.table()))
            if not evaluation.meets_targets():
                _fail("the extractor misses its targets on this report", 1)
    except DataErrors as exc:
        _report_data_errors(exc)
    except ReformgraphError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {out_dir}: {exc}")


@app.command()
def accept(
    draft_dir: Annotated[Path, typer.Argument(metavar="DRAFT", help="A reviewed draft folder.")],
    data: DataOption = None,
    allow_todo: Annotated[
        bool,
        typer.Option("--allow-todo", help="Accept drafts that still hold TODO placeholders."),
    ] = False,
) -> None:
    """Merge a reviewed draft folder into the data folder (all or nothing)."""
    from reformgraph.extract import accept as merge
    from reformgraph.io import resolve_data_folder

    try:
        result = merge(draft_dir, resolve_data_folder(data, Path.cwd()), allow_todo=allow_todo)
    except DataErrors as exc:
        _report_data_errors(exc)
    except ReformgraphError as exc:
        _fail(str(exc))
    out.print(
        f"accepted {len(result.cases)} case(s), {len(result.entities_added)} new entities,"
        f" {len(result.references)} references; source {result.source_id}"
    )


def main() -> None:
    """Entry point of the ``reformgraph`` console script."""
    app()

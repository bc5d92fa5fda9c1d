"""The ``reformgraph`` command line. The only module that knows about the terminal.

Exit codes: 0 success; 1 the graph does not conform to the shapes, or the data leaves
numerals uncovered (``check``); 2 bad input (data, query, arguments) or nothing built yet;
3 a remote endpoint or the SPARQL server failed (unreachable, timed out, an HTTP error,
a busy port, a server that would not start); 4 a worker process of a build ended abruptly
(killed, out of memory); 130 interrupted (Ctrl-C, kill); 141 the program reading the output
closed it early, as ``| head`` does (the shell's code for a program stopped by SIGPIPE).
"""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
import typer.core
from rich.console import Console
from rich.style import Style
from rich.table import Table
from rich.text import Text

from reformgraph.errors import (
    DataErrors,
    InterruptedAfterPublishing,
    NoBuildError,
    NoCasesError,
    QueryError,
    ReformgraphError,
    RemoteError,
    RemoteUsageError,
    TooManyPairs,
    ValidationFailed,
    WorkerDied,
)

if TYPE_CHECKING:
    from reformgraph.queries import SavedQuery

#: The exit code of a build, check or accept whose worker process ended abruptly (killed,
#: out of memory): not the data's fault, and not the graph's (1), nor the input's (2).
WORKER_DIED = 4

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    # Plain help, as click writes it: rich's option table cuts long option names at 80
    # columns (`--update-endpoi…`) and shows a `<bool>` value after every flag.
    rich_markup_mode=None,
    help=(
        "reformgraph: Chinese reform case reports as a bilingual knowledge graph"
        " you can query with SPARQL."
    ),
)


class _Command(typer.core.TyperCommand):
    """A command whose "Possible options", after a mistyped one, never name a hidden
    option (click suggests them all: `--outt` got "--out", the old name of --build)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own Context
        try:
            return super().parse_args(ctx, args)
        except Exception as error:
            # click's NoSuchOption (typer's vendored copy, which it does not export).
            possibilities = getattr(error, "possibilities", None)
            if possibilities:
                hidden = {
                    name
                    for param in self.params
                    if getattr(param, "hidden", False)
                    for name in (*param.opts, *param.secondary_opts)
                }
                setattr(error, "possibilities", [p for p in possibilities if p not in hidden])  # noqa: B010
            raise

    def invoke(self, ctx: Any) -> Any:
        for param in self.params:
            value = ctx.params.get(param.name or "")
            if isinstance(value, Path):
                _refuse_windows_path(param.opts[0] if param.opts else str(param.name), value)
        return super().invoke(ctx)


def _refuse_windows_path(option: str, value: Path) -> None:
    """A path written the Windows way (``C:\\Users\\me\\out.html``, ``build\\net``) on a
    system whose folders are separated by ``/``, where it would name one file or folder
    of that odd name in the current folder: refused, with the path to give instead."""
    import os
    import re

    if os.sep == "\\":
        return
    text = str(value)
    drive = re.match(r"[A-Za-z]:[\\/]", text)
    if (not drive and "\\" not in text) or value.exists():  # one made so on purpose
        return
    if drive:
        rule = "folders are separated by / and there are no drive letters"
        fix = "give the path as this system writes it (/home/…, or /mnt/c/… under WSL)"
    else:
        rule = "folders are separated by /"
        fix = f"give {text.replace(chr(92), '/')}"
    name = f"{option} " if option.startswith("-") else ""
    folder = text.split("/", 1)[0]  # D:/out/cases.csv: the folder D: holds the rest
    named = (
        f"a single file or folder called '{text}'"
        if folder == text
        else f"a folder called '{folder}'"
    )
    _fail(
        f"{name}{text}: a Windows path; on this system {rule}, so it would name {named}"
        f" in the current folder: {fix}"
    )


class _Console(Console):
    """A rich console whose output, cut short by its reader (`| head`), ends the command
    with the exit code of a closed pipe, 141, as the query output does (rich's own: 1)."""

    def on_broken_pipe(self) -> None:
        from reformgraph._stdout import CLOSED_PIPE_EXIT, discard_stdout

        discard_stdout()
        raise SystemExit(CLOSED_PIPE_EXIT)


err = _Console(stderr=True, highlight=False, soft_wrap=True)
out = _Console(highlight=False, soft_wrap=True)

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        metavar="DIR",
        help="Data folder (holding sources/, cases/, entities/). Default: ./data of the project.",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", metavar="DIR", help="Output folder. Default: build/ of the project."
    ),
]
#: The build a command reads: the same option, with the same meaning, in every command.
BuildOption = Annotated[
    Path | None,
    typer.Option(
        "--build",
        metavar="DIR",
        help="The build folder to read (what `build --out DIR` wrote). Default: build/ of"
        " the project.",
    ),
]
#: ``--out`` was the name of ``--build`` in the commands that write nothing into a folder.
OldBuildOption = Annotated[Path | None, typer.Option("--out", "-o", hidden=True)]
GraphOption = Annotated[
    Path | None,
    typer.Option(
        "--graph",
        metavar="FILE",
        help="Read this RDF file (loaded into an in-memory store) instead of a build.",
    ),
]


def _print_version(given: bool) -> None:
    if given:
        from importlib.metadata import version

        typer.echo(f"reformgraph {version('reformgraph')}")
        raise typer.Exit


@app.callback()
def _root(
    ctx: typer.Context,
    show_version: Annotated[
        bool,
        typer.Option(
            "--version",
            is_eager=True,
            callback=_print_version,
            help="Print reformgraph's version and exit.",
        ),
    ] = False,
) -> None:
    """reformgraph: reform case reports as a queryable knowledge graph."""
    # `kill` (SIGTERM, as a CI timeout sends) stops a command as Ctrl-C does: what it was
    # writing is cleaned up (a build's work folder, its worker processes), not left behind.
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # Output in UTF-8 whatever the locale says (LANG=C, a cp1252 console), as `query`
    # writes it: printing a Chinese label must not fail after the work is done.
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            plain = "中".encode(encoding, "replace") == b"?"
        except LookupError:
            plain = True
        if plain and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (an embedding program's): leave it be
        return
    ctx.call_on_close(lambda: signal.signal(signal.SIGTERM, previous))


def _plain_id(value: str, group: str = "") -> str:
    """An id in any of the forms the tables print or a user copies: ``big-fiscal-system``,
    ``rgd:case/big-fiscal-system``, its IRI, the IRI in ``<…>``; for ``group`` ``case``,
    the id alone, else the path below the data namespace (``org/hubei-drc``)."""
    from reformgraph.queries import DATA_NS

    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    for prefix in ("rgd:", DATA_NS):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            break
    if group and text.startswith(f"{group}/"):
        text = text[len(group) + 1 :]
    return text


def _shared_lines(shared: list[tuple[str, str, int]], labels_en: list[str], first: int = 8) -> str:
    """The build summary's list of the entities most cases share: the first ``first``,
    one a line, in Chinese and English with how many cases link to it, then how many more
    there are::

        shared across cases (how many cases link to each):
          湖北 / Hubei (7)
          中国 / China (5)
          … and 3 more

    One a line, as the English labels are long (Office of the Hubei Provincial Special
    Group on …) and some hold commas and brackets. An entity whose English is missing or
    the same as its Chinese is named once."""
    lines = ["shared across cases (how many cases link to each):"]
    for i, (label, _kind, count) in enumerate(shared[:first]):
        label_en = labels_en[i] if i < len(labels_en) else ""
        names = label if not label_en or label_en == label else f"{label} / {label_en}"
        lines.append(f"  {names} ({count})")
    if len(shared) > first:
        lines.append(f"  … and {len(shared) - first} more")
    return "\n".join(lines)


def _given_on_command_line(ctx: typer.Context, *options: tuple[str, str]) -> list[str]:
    """Which of ``options`` (parameter name, option) were typed on the command line (not
    taken from a default or an environment variable)."""
    given = []
    for name, option in options:
        source = ctx.get_parameter_source(name)
        # by name: typer's click (possibly its own copy) defines the enum
        if source is not None and source.name == "COMMANDLINE":
            given.append(option)
    return given


def _fail(message: str, code: int = 2) -> NoReturn:
    err.print(Text(message, style="red"))
    raise typer.Exit(code)


def _report_data_errors(exc: DataErrors, where: str = " in the data") -> NoReturn:
    # Each file is named as it opens from here: below the data folder as given.
    for error in exc.errors:
        err.print(Text(str(error)))
    _fail(f"{len(exc.errors)} error(s){where}; nothing was written.", 2)


def _lower(value: str | None) -> str | None:
    """An option's word as the command compares it: ``-f CSV`` is ``-f csv``."""
    return value.lower() if value is not None else None


#: Names of spreadsheet files ``query --save`` does not write (it chooses CSV, JSON or a
#: text table by the name).
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xls", ".xlsm", ".ods", ".tsv", ".parquet"})


def _project_paths(data: Path | None, out_dir: Path | None) -> tuple[Path, Path]:
    """The data folder and the build folder: ``--data`` and ``--out`` if given. Without
    ``--out``, the build goes to ``build/`` beside the data folder when that is a project's
    ``data/``. Any other data folder (a draft, synthetic data) needs ``--out``: its build
    must not replace the project's."""
    from reformgraph.errors import NoProjectError
    from reformgraph.io import resolve_data_folder

    data_dir = resolve_data_folder(data, Path.cwd())
    if out_dir is None:
        out_dir = _project_build(data_dir)
        if out_dir is None:
            raise NoProjectError(
                f"{data}: say where to build it with --out DIR (a build goes to build/"
                " beside a project's data/ folder; this one is not named data)"
            )
    return data_dir, out_dir


def _project_build(data_dir: Path) -> Path | None:
    """The build of a project's ``data/`` folder (``build/`` beside it); None for any other
    data folder, whose build is wherever ``--out`` put it."""
    # The folder as named (a link to a data folder elsewhere is the project's data/);
    # `--data .` is named by where it is.
    named = data_dir if data_dir.name not in ("", ".", "..") else data_dir.resolve()
    return named.parent / "build" if named.name == "data" else None


def _why_not_written(target: Path | None, exc: OSError) -> str:
    """Why ``target`` could not be written, in the system's words (not naming the hidden
    temporary file a command writes first), or the file that stands where one of the
    folders above ``target`` must be."""
    if target is not None:
        for folder in (target, *target.parents):
            if folder.exists():
                if not folder.is_dir() and folder != target:
                    return f"{folder} is a file, not a folder"
                break
    return exc.strerror or str(exc)


def _print_summary(result: object, data_dir: Path, written: list[Path] | None = None) -> None:
    from reformgraph.pipeline import CheckResult

    assert isinstance(result, CheckResult)
    summary = result.summary
    # which folder: `check` run inside a draft checks the project's data/, not the draft
    # (as named from here: `..` in data/cases/ is said with the folder it is)
    named = data_dir.name not in ("", ".", "..") or data_dir.is_absolute()
    out.print(Text(f"data folder: {data_dir}" + ("" if named else f" ({data_dir.resolve()})")))
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
        out.print(Text(_shared_lines(summary.shared_entities, summary.shared_labels_en)))
    validation = result.validation
    warned = f", with {len(validation.warnings)} warning(s)" if validation.warnings else ""
    if validation.conforms:
        out.print(Text(f"SHACL validation: conforms{warned}", style="green"))
    else:
        out.print(
            Text(
                f"SHACL validation: {len(validation.violations)} violation(s){warned}", style="red"
            )
        )
    _print_warnings(validation.warnings)
    for path in written or []:
        out.print(f"wrote {path}")


#: Up to this many SHACL warnings are printed one by one; more are counted by message.
WARNINGS_LISTED = 10
#: How many examples are shown of each message when warnings are counted.
WARNING_EXAMPLES = 3


def _print_warnings(warnings: list[Any]) -> None:
    """SHACL warnings (what a draft still lacks: placeholders, a publication date …): each
    on its own line when there are few, else one line per property and message with how
    many there are and the first few nodes. IRIs are shown with the prefixes the tables use."""
    from reformgraph.vocab import prefixed as short

    if len(warnings) <= WARNINGS_LISTED:
        for item in warnings:
            where = f" {short(item.path)}" if item.path else ""
            value = f" (value: {item.value})" if item.value else ""
            err.print(Text(f"warning: {short(item.focus)}{where}: {item.message}{value}"))
        return
    groups: dict[tuple[str, str], list[Any]] = {}
    for warning in warnings:
        groups.setdefault((warning.path, warning.message), []).append(warning)
    for (path, message), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        where = f"{short(path)}: " if path else ""
        err.print(Text(f"warning ({len(items)}): {where}{message}"))
        for item in items[:WARNING_EXAMPLES]:
            value = f" (value: {item.value})" if item.value else ""
            err.print(Text(f"  e.g. {short(item.focus)}{value}"))
        if len(items) > WARNING_EXAMPLES:
            err.print(Text(f"  … and {len(items) - WARNING_EXAMPLES} more"))


#: What each stage of a long job is called on screen.
STAGES = {
    "wait": "waiting for another build beside this one to finish",
    "shared": "reading the entities",
    "prepare": "indexing the entities, compiling the shapes",
    "cases": "reading, resolving and checking the cases",
    "store": "loading the store",
    "extract": "drafting the cases",
    "check": "building the draft",
    "network": "the typed network",
    "projection": "the case–case network",
    "export": "writing GraphML and GEXF",
    "rank": "ranking the entities (betweenness)",
    "quotes": "reading the cases for quotes",
    "view": "reading the view from the graph",
    "page": "writing the page",
    "picture": "drawing the picture",
    "entities": "reading the named entities",
    "labels": "comparing their labels",
    "named": "reading where the cases name them",
    "pairs": "scoring the look-alike pairs",
    "checking": "reading the N-Triples through before sending them",
}


@contextmanager
def _progress(*, ticking: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback: rich bars on a terminal; otherwise one plain line per stage
    when it ends (nothing for stages that are over in a moment), and one as a wait for
    another build begins. ``ticking`` redraws the
    bars from a thread, so that their clocks run through a long step that reports
    nothing; only for jobs that start no processes."""
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
            # Redrawn from the callback, not by a thread (unless ticking): a build forks
            # its workers, which is only safe while the process has a single thread.
            auto_refresh=ticking,
        )
        tasks: dict[str, Any] = {}
        drawn = [0.0]

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(STAGES.get(stage, stage), total=total)
            bars.update(tasks[stage], completed=done, total=total)
            now = time.monotonic()
            if done in (0, total) or now - drawn[0] >= 0.1:
                drawn[0] = now
                bars.refresh()

        with bars:
            yield update
        return
    started: dict[str, float] = {}

    def plain(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if stage == "wait" and done == 0:
            # As long as another build: said as it begins (a CI log showed nothing till then)
            err.print(f"{STAGES[stage]}…")
        started.setdefault(stage, now)
        if done == total and total > 0 and now - started[stage] >= 1.0:
            err.print(f"{STAGES.get(stage, stage)}: {done}/{total} in {now - started[stage]:.1f} s")

    yield plain


@app.command(cls=_Command)
def build(data: DataOption = None, out_dir: OutOption = None) -> None:
    """Build the graph: check the data, validate with SHACL, write .ttl, .nt and .jsonld."""
    from reformgraph import pipeline

    target = out_dir
    try:
        data_dir, target = _project_paths(data, out_dir)
        with _progress() as progress:
            result = pipeline.build(data_dir, target, progress=progress)
    except DataErrors as exc:
        _report_data_errors(exc)
    except ValidationFailed as exc:
        err.print(Text(exc.report))
        _fail(f"{exc}; nothing was written.", 1)
    except WorkerDied as exc:
        _fail(str(exc), WORKER_DIED)
    except ReformgraphError as exc:
        _fail(str(exc))
    except OSError as exc:
        # (the error names the hidden folder the build is made in first, or no file)
        shown = target if target is not None else "the build"
        _fail(f"cannot write {shown}: {_why_not_written(target, exc)}; nothing was written")
    except InterruptedAfterPublishing as exc:
        _fail(
            f"interrupted: the new build was finished first, and is in place in {exc.folder}", 130
        )
    except KeyboardInterrupt:
        # A second Ctrl-C or kill while the process winds down raised KeyboardInterrupt in
        # a finaliser (a traceback after the message): it is stopping already.
        import signal

        for stop in (signal.SIGINT, signal.SIGTERM):
            signal.signal(stop, signal.SIG_IGN)
        _fail(f"interrupted: nothing was written; the last build in {target} is as it was", 130)
    for warning in result.check.warnings:
        err.print(Text(f"warning: {warning}"))
    _print_summary(result.check, data_dir, result.written)
    reused = result.check.reused
    if reused:
        cases = result.check.summary.cases
        out.print(
            f"{reused} of {cases} case(s) unchanged since the last build, taken from its"
            f" cache; {cases - reused} read and checked again"
        )
    elif result.cache_unused:
        # It said nothing: a daily rebuild that took minutes instead of seconds, unexplained
        out.print(
            f"0 of {result.check.summary.cases} case(s) taken from the last build's cache,"
            " all read and checked again: every case depends on the sources, the entities,"
            " the ontology, the shapes and reformgraph's code, and one of them changed (or"
            " every case file did, or another user built it: a cache is only used by whoever"
            " wrote it)"
        )
    if result.stale:
        names = ", ".join(p.name for p in result.stale[:5])
        more = f" and {len(result.stale) - 5} more" if len(result.stale) > 5 else ""
        err.print(
            Text(
                f"note: {len(result.stale)} page(s), picture(s) or network file(s) in"
                f" {result.folder} were drawn from the previous build ({names}{more}):"
                " make them again (reformgraph viz, reformgraph network)"
            )
        )


@app.command(cls=_Command)
def check(data: DataOption = None, build_dir: BuildOption = None) -> None:
    """Check the data without writing: quotes, references, figures, SHACL and number coverage."""
    from reformgraph import pipeline
    from reformgraph.engine import STORE_DIR
    from reformgraph.io import resolve_data_folder

    try:
        data_dir = resolve_data_folder(data, Path.cwd())
        if build_dir is not None and not build_dir.is_dir():
            _fail(_no_build(build_dir / STORE_DIR, build_dir))
        cached = build_dir if build_dir is not None else _project_build(data_dir)
        with _progress() as progress:
            result = pipeline.check(data_dir, build_dir=cached, progress=progress)
    except DataErrors as exc:
        _report_data_errors(exc)
    except WorkerDied as exc:
        _fail(str(exc), WORKER_DIED)
    except ReformgraphError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:  # Ctrl-C, kill: it ended without a word, as if it had passed
        _fail("interrupted: the check did not finish", 130)
    if result.reused:
        # On stderr: what the check reports is a clean check's, cache or not.
        err.print(
            Text(
                f"note: {result.reused} of {result.summary.cases} case(s) unchanged since the"
                f" build in {cached}, taken from its cache"
            )
        )
    for warning in result.warnings:
        err.print(Text(f"warning: {warning}"))
    for item in result.uncovered:
        err.print(Text(str(item)))
    for violation in result.validation.violations:
        err.print(Text(str(violation)))
    _print_summary(result, data_dir)
    if not result.uncovered:
        out.print(
            Text(
                f"number coverage: every numeral and outcome word of the {result.summary.cases}"
                " cases (and of the sources' introductions) is covered by a figure, a date,"
                " an entity label, a measure marker or a recorded exception",
                style="green",
            )
        )
    if result.uncovered or not result.validation.conforms:
        _fail(
            f"{len(result.uncovered)} uncovered number(s) or outcome word(s), "
            f"{len(result.validation.violations)} SHACL violation(s)",
            1,
        )


def _emit(table: Table) -> None:
    """Print a table: fitted to a terminal, or unfolded when piped into a file or program."""
    if out.is_terminal:
        out.print(table)
        return
    width = Console(width=100_000).measure(table).maximum
    _Console(file=out.file, width=max(width, 80), highlight=False).print(table)


#: The rows a table on a terminal shows: no one reads more there, and drawing millions takes
#: minutes. CSV, JSON and tables written to a file or a pipe have every row.
TERMINAL_ROWS = 1000


def _print_table(result: object, total: int | None = None) -> None:
    """Print a QueryResult as a table: on a terminal, its first ``TERMINAL_ROWS`` rows and
    how many there are (``total``, when ``result`` holds only the first rows)."""
    from reformgraph.queries import QueryResult, display_term, format_table
    from reformgraph.vocab import NAMESPACES

    assert isinstance(result, QueryResult)
    if not out.is_terminal:
        # Files and pipes get plain aligned text (the same as the fast path in entry.py).
        from reformgraph._stdout import write_whole

        write_whole(format_table(result, NAMESPACES).encode("utf-8"))
        return
    if result.boolean is not None:
        out.print("yes" if result.boolean else "no")
        return
    prefixes = dict(NAMESPACES)
    shown = result.rows[:TERMINAL_ROWS]
    _print_cells(
        result.variables, [[display_term(term, prefixes) for term in row] for row in shown]
    )
    count = len(result.rows) if total is None else total
    if count > len(shown):
        out.print(
            f"{len(shown):,} of {count:,} rows shown; -f csv or -f json (or a pipe) gives every row"
        )
    else:
        out.print(f"{count} row(s)")


#: Chinese (and other wide) characters: a line may break between any two of them.
_WIDE = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
#: What a line may break around: spaces, a run of other characters (an English word, a
#: number: 21.8, 2024-12-31), and each wide character with the closing punctuation after
#: it and the opening punctuation before it (a line does not begin with a full-width
#: comma, full stop, colon, closing bracket or quote, nor end with an opening one).
_CLOSING = "\uff0c\u3002\u3001\uff1b\uff1a\uff01\uff1f\uff09\u300d\u300f\u300b\u201d\u2019%"
_OPENING = "\u201c\u2018\uff08\u300c\u300e\u300a"
_TOKENS = (
    rf"\s+|[{_OPENING}]*(?:[^\s{_WIDE}{_CLOSING}{_OPENING}]+|[{_WIDE}])[{_CLOSING}]*"
    rf"|[{_OPENING}{_CLOSING}]+"
)
#: The longest word a table's column keeps whole; longer ones (IRIs) are folded.
_LONGEST_WORD = 24


def _break_lines(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken at spaces and between Chinese
    characters, never inside a word or number (盘活3708亿元, Civilisation) unless it is
    longer than a whole line (an IRI), which is then folded."""
    import re

    from rich.cells import cell_len

    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in re.findall(_TOKENS, paragraph):
            if cell_len(line) + cell_len(token) <= width:
                line += token if line or not token.isspace() else ""
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = ""
            if token.isspace():
                continue
            while cell_len(token) > width:  # a word longer than a line: folded
                cut = 1
                while cell_len(token[: cut + 1]) <= width:
                    cut += 1
                lines.append(token[:cut])
                token = token[cut:]
            line = token
        lines.append(line.rstrip())
    return lines


def _column_widths(
    variables: Sequence[str], cells: list[list[str]], room: int, whole: Sequence[str] = ()
) -> list[int] | None:
    """The widths of a table's columns on a terminal ``room`` cells wide, none so narrow
    that it breaks a word (Chinese breaks anywhere; a word longer than ``_LONGEST_WORD``,
    an IRI, may break, but not in the columns named in ``whole``); None if the table
    cannot be that wide. A column gets what its
    longest line needs if all fit, else its longest word and a share of the rest in
    proportion to what more it would take."""
    import re

    from rich.cells import cell_len

    least = [cell_len(variable) for variable in variables]
    most = list(least)
    longest = [room if variable in whole else _LONGEST_WORD for variable in variables]
    for row_cells in cells:
        for i, cell in enumerate(row_cells):
            for line in cell.splitlines() or [""]:
                most[i] = max(most[i], cell_len(line))
                for word in re.findall(_TOKENS, line):
                    least[i] = max(least[i], min(cell_len(word), longest[i]))
    space = room - 3 * len(variables) - 1  # the borders and the padding of each cell
    if sum(least) > space:
        return None
    if sum(most) <= space:
        return most
    spare = space - sum(least)
    more = [m - n for m, n in zip(most, least, strict=True)]
    widths = [n + spare * extra // sum(more) for n, extra in zip(least, more, strict=True)]
    # What the rounding left goes to the columns that would take most more.
    for i in sorted(range(len(widths)), key=lambda i: most[i] - widths[i], reverse=True):
        if sum(widths) == space:
            break
        if widths[i] < most[i]:
            widths[i] += 1
    return widths


def _print_cells(
    variables: Sequence[str], cells: list[list[str]], whole: Sequence[str] = ()
) -> None:
    """A table of text: on a terminal, fitted to its width with no word broken (nor any
    long one in the columns named in ``whole``), or, if it cannot be, one field a line;
    written to a file or pipe, unfolded."""
    if not out.is_terminal:
        table = Table(show_header=True, header_style="bold")
        for variable in variables:
            table.add_column(variable)
        for row_cells in cells:
            table.add_row(*map(Text, row_cells))
        _emit(table)
        return
    widths = _column_widths(variables, cells, out.width, whole)
    if widths is None:
        _print_records(variables, cells)
        return
    table = Table(show_header=True, header_style="bold", show_lines=False)
    for variable, width in zip(variables, widths, strict=True):
        table.add_column(variable, overflow="fold", width=width)
    for row_cells in cells:
        table.add_row(
            *(
                Text("\n".join(_break_lines(cell, width)))
                for cell, width in zip(row_cells, widths, strict=True)
            )
        )
    out.print(table)


def _print_records(variables: Sequence[str], cells: list[list[str]]) -> None:
    """Rows as records, one field a line (as psql's expanded display), for a terminal too
    narrow for the table without breaking its words (Civilisati|on, a column to a word)::

        ── 1 ──────────
        case     rgd:case/big-fiscal-system
        titleEn  Advancing the building of a "big fiscal" system

    On a terminal too narrow for the names beside the values, each value goes under its
    name, indented."""
    from rich.cells import cell_len
    from rich.rule import Rule

    names = max(cell_len(variable) for variable in variables) + 2
    beside = out.width - names >= max(20, out.width // 2)
    indent = names if beside else 2
    for number, row_cells in enumerate(cells, start=1):
        out.print(Rule(str(number), align="left", style="dim"))
        for variable, cell in zip(variables, row_cells, strict=True):
            lines = _break_lines(cell, max(out.width - indent, 1))
            if beside:
                first = Text.assemble((variable.ljust(names), "bold"), lines[0])
            else:
                out.print(Text(variable, style="bold"))
                first = Text(" " * indent + lines[0])
            out.print(first, soft_wrap=True)
            for line in lines[1:]:
                out.print(Text(" " * indent + line), soft_wrap=True)


def _build_dir(
    build_dir: Path | None, old_out: Path | None, graph_file: Path | None = None
) -> Path | None:
    """The build folder named on the command line (``--build``, or its old name ``--out``),
    or None for the project's."""
    if build_dir is not None and old_out is not None:
        _fail("--out is the old name of --build: give the build folder once")
    if old_out is not None and old_out.suffix and not old_out.is_dir():
        # `query figures -o figs.csv`: said "no build in figs.csv … build --out figs.csv"
        _fail(
            f"-o/--out here is the old name of --build, the build folder to read, and"
            f" {old_out} is no folder; to write the answer to a file, redirect the output"
            " (`> FILE`), or give `query` --save FILE"
        )
    chosen = build_dir if build_dir is not None else old_out
    if chosen is not None and graph_file is not None:
        named = "--build" if build_dir is not None else "--out"
        _fail(f"--graph FILE and {named} DIR both say what to read: give one of them")
    return chosen


def _no_build(missing: Path, given: Path | None, other: str = "") -> str:
    """Why there is nothing to read: ``missing`` (a build's store or file) is not there.
    ``given`` is the build folder named on the command line, if any; ``other`` names
    another way to give the command something to read."""
    from reformgraph.produce import unfinished_build
    from reformgraph.project import find_project, is_data_folder, why_no_project

    unfinished = unfinished_build(missing.parent)
    if unfinished is not None:
        # it said only "no build in B (B/store is missing)" after a first build was killed
        said, running = unfinished
        if running:
            return f"no build in {missing.parent} yet: {said}: try again when it has"
        again = f" --data DATA --out {given}" if given is not None else ""
        return f"no build in {missing.parent}: {said}: build again (`reformgraph build{again}`)"
    if given is not None and is_data_folder(given):
        return (
            f"{given} is a data folder, not a build: build it into a folder of its own"
            f" (reformgraph build --data {given} --out BUILD), then give --build BUILD"
        )
    if given is not None and given.is_file():
        return f"{given} is a file, not a build folder: give the folder `reformgraph build` wrote"
    if given is not None:
        return (
            f"no build in {given} ({missing} is missing):"
            f" make one with `reformgraph build --data DATA --out {given}`"
        )
    cwd = Path.cwd()
    if find_project(cwd) is None:
        return (
            f"no project here: {why_no_project(cwd)}, so there is"
            f" no build to read (name one with --build DIR{other})"
        )
    return f"no build yet ({missing} is missing): run `reformgraph build` first"


def _stdin_query() -> SavedQuery:
    """The query text piped in (``reformgraph query - < my.rq``), read as UTF-8."""
    from reformgraph.queries import query_from_text

    try:
        text = sys.stdin.buffer.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail("(stdin): the query text is not UTF-8")
    return query_from_text(text, "(stdin)")


def _show_query(query_spec: str) -> None:
    """One query, as ``query --list NAME`` shows it: its name and file, then its text,
    whose header gives the question, the parameters and the columns."""
    from reformgraph.queries import load_query

    try:
        saved = _stdin_query() if query_spec == "-" else load_query(query_spec, Path.cwd())
    except ReformgraphError as exc:
        _fail(str(exc))
    if saved.path.startswith("("):  # (stdin)
        title = f"{saved.name} from {saved.path.strip('()')}"
    else:
        title = f"{saved.name} ({saved.path})" if saved.path else saved.name
    out.print(Text(title, style="bold"))
    out.print(Text(saved.text.rstrip()))


def _list_queries(output_format: str | None = None, *, excel_safe: bool = False) -> None:
    from reformgraph.queries import saved_queries

    if output_format in ("csv", "json"):
        # for a script: one row per query, as a query's answer is written
        import pyoxigraph as ox

        from reformgraph.queries import QueryResult, format_csv, format_json

        rows = [
            (
                ox.Literal(name),
                ox.Literal(saved.question),
                ox.Literal(saved.question_zh, language="zh"),
                ox.Literal(" ".join(f"{p.name} ({p.type})" for p in saved.params)),
            )
            for name, saved in saved_queries().items()
        ]
        listing = QueryResult(["query", "question", "questionZh", "parameters"], rows)
        if output_format == "csv":
            sys.stdout.buffer.write(format_csv(listing, excel_safe=excel_safe))
        else:
            sys.stdout.buffer.write(format_json(listing))
        sys.stdout.flush()
        return
    cells = [
        [
            name,
            saved.question + "\n" + saved.question_zh,
            ", ".join(f"{p.name} ({p.type})" for p in saved.params) or "-",
        ]
        for name, saved in saved_queries().items()
    ]
    # A query's name is for typing: never broken.
    _print_cells(["query", "question", "parameters"], cells, whole=["query"])


UserOption = Annotated[
    str | None,
    typer.Option(
        "--user", metavar="NAME", envvar="REFORMGRAPH_USER", help="User name for the endpoint."
    ),
]
PasswordOption = Annotated[
    str | None,
    typer.Option(
        "--password",
        metavar="PASSWORD",
        envvar="REFORMGRAPH_PASSWORD",
        help="Password for the endpoint (the variable keeps it out of the list of processes"
        " and your shell history).",
    ),
]
AuthOption = Annotated[
    str,
    typer.Option("--auth", metavar="SCHEME", help="basic (Fuseki, GraphDB) or digest (Virtuoso)."),
]
ExcelSafeOption = Annotated[
    bool,
    typer.Option(
        "--excel-safe",
        help="CSV for a spreadsheet: put ' before each value that begins with = + - @"
        " (or their full-width forms), a tab or a line break (not a number such as -3),"
        " which Excel, LibreOffice and Google Sheets would run as a formula, and each"
        " value between double quotes. Not the default: the values are changed.",
    ),
]


def _answer_format(output_format: str | None, save: Path | None) -> str:
    """The output format of ``query``: the one given, or the one ``--save FILE``'s name
    says, or a table; ``--save FILE`` checked before the query runs (a typo in the path
    would otherwise make a chain of folders, or lose a long query's answer)."""
    if output_format is None:
        from reformgraph.queries import FORMAT_OF_SUFFIX

        if save is not None and save.suffix.lower() in SPREADSHEET_SUFFIXES:
            # an aligned text table went into out.xlsx, which Excel cannot open
            _fail(
                f"--save {save}: reformgraph writes no {save.suffix} files: save as .csv"
                " (Excel and LibreOffice open it, the Chinese intact) or .json, or give -f"
                " table for a text table"
            )
        output_format = FORMAT_OF_SUFFIX.get(save.suffix.lower(), "table") if save else "table"
    _check_format(output_format)
    if save is not None:
        if save.parent.exists() and not save.parent.is_dir():
            _fail(f"{save}: cannot be written: {save.parent} is not a folder")
        if not save.parent.is_dir():
            _fail(f"{save}: cannot be written: there is no folder {save.parent}")
        if save.is_dir():
            _fail(f"{save}: cannot be written: it is a folder (give a file name)")
        _refuse_store_folder(save.parent, save, "--save")
    return output_format


def _refuse_remote_only_options(ctx: typer.Context) -> None:
    """Stop a local query given options only a remote one uses: accepted and ignored, a
    ``--timeout`` that does nothing would mislead."""
    remote_only = _given_on_command_line(
        ctx,
        ("user", "--user"),
        ("password", "--password"),
        ("auth", "--auth"),
        ("timeout", "--timeout"),
        ("retries", "--retries"),
    )
    if remote_only:
        verb = "applies" if len(remote_only) == 1 else "apply"
        _fail(f"{' and '.join(remote_only)} only {verb} to a query of an --endpoint")


@app.command(cls=_Command)
def query(
    ctx: typer.Context,
    query_spec: Annotated[
        str | None,
        typer.Argument(
            metavar="QUERY",
            help="A saved query's name, a .rq file, SPARQL text, or - to read it from stdin.",
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_lower,
            help="table, csv or json (W3C SPARQL results JSON); for a CONSTRUCT or DESCRIBE"
            " also nt or ttl (the graph as N-Triples or Turtle). Default: table, or the"
            " format --save FILE's name says (.csv; .json or .srj; .nt; .ttl).",
        ),
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            metavar="NAME=VALUE",
            help="Bind the variable NAME to VALUE, as an RDF term (repeatable, once per NAME).",
        ),
    ] = None,
    graph_file: GraphOption = None,
    build_dir: BuildOption = None,
    old_out: OldBuildOption = None,
    list_queries: Annotated[
        bool,
        typer.Option(
            "--list",
            help="List the saved queries and their questions; with QUERY, show that query's"
            " question, parameters, columns and text.",
        ),
    ] = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="Run it on this SPARQL 1.1 endpoint instead (Oxigraph: http://HOST:PORT/query).",
        ),
    ] = None,
    named_graph: Annotated[
        str | None,
        typer.Option(
            "--named-graph",
            metavar="IRI",
            help="With --endpoint: query this graph (sent as default-graph-uri).",
        ),
    ] = None,
    user: UserOption = None,
    password: PasswordOption = None,
    auth: AuthOption = "basic",
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", min=0.1, metavar="SECONDS", help="With --endpoint: seconds to wait."
        ),
    ] = 60.0,
    retries: Annotated[
        int,
        typer.Option(
            "--retries",
            min=0,
            metavar="N",
            help="With --endpoint: repeats after transient failures.",
        ),
    ] = 2,
    save: Annotated[
        Path | None,
        typer.Option(
            "--save",
            metavar="FILE",
            help="Write the answer to FILE instead of printing it (FILE is replaced only"
            " once the whole answer is written).",
        ),
    ] = None,
    excel_safe: ExcelSafeOption = False,
) -> None:
    """Run a SPARQL query on the built graph (or a remote endpoint) and print the result."""
    # Only what a query needs is imported: the store, the saved queries, the output.
    from reformgraph.queries import (
        GRAPH_FORMATS,
        bind_params,
        check_graph_format,
        load_query,
        run_query_on_store,
        stream_query_on_store,
        unknown_terms,
    )

    if list_queries:
        if output_format is not None:
            _check_format(output_format, graph=False)
        if excel_safe and (query_spec is not None or output_format != "csv"):
            shown = "a query's text" if query_spec is not None else "the list"
            _fail(
                f"--excel-safe applies to CSV, which a spreadsheet opens; {shown} is not CSV:"
                " leave out --excel-safe, or list the queries with -f csv"
            )
        if query_spec is None:
            _list_queries(output_format, excel_safe=excel_safe)
        else:
            _show_query(query_spec)
        return
    if query_spec is None:
        _fail("give a query: a saved query's name, a .rq file or SPARQL text (see --list)")
    format_given = output_format is not None
    output_format = _answer_format(output_format, save)
    if excel_safe and output_format != "csv":
        if format_given:
            _refuse_excel_safe(output_format, f"-f {output_format}", "-f csv (or --save FILE.csv)")
        given = f"--save {save}" if save is not None else "the default"
        _refuse_excel_safe(output_format, given, "-f csv (or --save FILE.csv)")
    from reformgraph.queries import parse_params

    try:
        params = parse_params(param or [])
    except QueryError as exc:
        _fail(str(exc))
    out_dir = _build_dir(build_dir, old_out, graph_file)
    if endpoint is None and named_graph is not None:
        _fail("--named-graph needs --endpoint (locally, every graph of the build is queried)")
    if endpoint is None:
        _refuse_remote_only_options(ctx)
    if endpoint is not None and (graph_file is not None or out_dir is not None):
        _fail("--endpoint queries a remote service: leave out --graph and --build")
    try:
        with ExitStack() as open_answer:
            try:
                saved = _stdin_query() if query_spec == "-" else load_query(query_spec, Path.cwd())
                for warning in unknown_terms(saved.text):  # a misspelt class matches nothing
                    err.print(Text(f"warning: {warning}", style="yellow"))
                bindings = bind_params(saved, params)
                check_graph_format(saved.text, output_format)
                # a table is aligned, and a graph sorted: each needs every row first
                whole = output_format in ("table", *GRAPH_FORMATS)
                if endpoint is not None:
                    from reformgraph.remote import redact

                    _warn_password_in_arguments(ctx, endpoint)
                    login = (user, password, auth)
                    remote = (endpoint, saved, bindings, named_graph, login, timeout, retries)
                    waiting = f"waiting for {redact(endpoint)}"  # never a password on screen
                    if whole:
                        with _waiting(waiting):
                            result = _remote_query(*remote)
                    else:  # CSV and JSON are written as the endpoint sends the rows
                        answer = open_answer.enter_context(_remote_query(*remote, stream=True))
                        result = _first_row(answer, waiting)
                else:
                    store = _query_store(graph_file, out_dir)
                    if whole:
                        with _waiting("running the query"):
                            result = run_query_on_store(store, saved, bindings)
                    else:  # CSV and JSON are written as the rows come, in little memory
                        answer = stream_query_on_store(store, saved, bindings)
                        result = _first_row(answer, "running the query")
            except RemoteError as exc:
                _fail(str(exc), 3)
            except ReformgraphError as exc:
                _fail(str(exc))
            if save is not None:
                _save(result, output_format, save, excel_safe=excel_safe)
                return
            _output(result, output_format, excel_safe=excel_safe)
    except KeyboardInterrupt:  # Ctrl-C: what was printed stays, a --save FILE as it was
        from reformgraph._stdout import INTERRUPTED_EXIT, QUERY_INTERRUPTED

        kept = "" if save is None else f"; {save} is left as it was"
        _fail(f"{QUERY_INTERRUPTED}{kept}", INTERRUPTED_EXIT)


def _refuse_excel_safe(output_format: str, given: str, fix: str = "-f csv") -> NoReturn:
    """Stop ``--excel-safe`` with a format other than CSV (``given``: what chose it): it
    changes what a spreadsheet would run as a formula, and only CSV is opened as one (a
    table, JSON or RDF keeps every value as it is, and would seem protected while it is
    not changed). ``fix``: how to ask for CSV."""
    what = {"table": "a table", "json": "JSON", "nt": "N-Triples", "ttl": "Turtle"}
    _fail(
        f"--excel-safe applies to CSV, for a spreadsheet; {what.get(output_format, output_format)}"
        f" ({given}) keeps every value as it is: give {fix}, or leave out --excel-safe"
    )


def _check_excel_safe(ctx: typer.Context, excel_safe: bool, output_format: str) -> None:
    """Stop ``--excel-safe`` of ``links`` or ``network`` with a format other than CSV."""
    if excel_safe and output_format != "csv":
        given = f"-f {output_format}" if _given(ctx, "output_format") else "the default"
        _refuse_excel_safe(output_format, given)


@contextmanager
def _waiting(what: str) -> Iterator[None]:
    """A spinner with ``what`` on a terminal (stderr) while it goes on; nothing otherwise."""
    if not err.is_terminal:
        yield
        return
    with err.status(f"{what}…"):
        yield


def _first_row(answer: Any, what: str) -> Any:
    """A stream of rows (an EngineStream) whose first row has come, with a spinner on a
    terminal until then: a query with ORDER BY or GROUP BY gives nothing for a while."""
    from reformgraph.engine import EngineStream

    if not err.is_terminal:
        return answer
    rows = iter(answer.rows)
    with _waiting(what):
        first = list(itertools.islice(rows, 1))
    return EngineStream(answer.variables, itertools.chain(first, rows), answer.boolean)


def _save(result: Any, output_format: str, target: Path, *, excel_safe: bool = False) -> None:
    """Write a query's answer to a file, atomically: a failure leaves the file as it was."""
    from reformgraph.io import atomic_writer
    from reformgraph.queries import GRAPH_FORMATS, format_table, write_csv, write_graph, write_json
    from reformgraph.vocab import NAMESPACES

    what = "row(s)"
    try:
        with atomic_writer(target) as handle:
            if output_format == "table":
                handle.write(format_table(result, NAMESPACES).encode("utf-8"))
                rows = len(result.rows)
            elif output_format in GRAPH_FORMATS:
                rows = write_graph(result, handle, output_format)
                what = "triple(s)"
            elif output_format == "csv":
                rows = write_csv(result, handle, excel_safe=excel_safe)
            else:
                rows = write_json(result, handle)
    except ReformgraphError as exc:  # the store or the endpoint failed in the middle of the rows
        code = 3 if isinstance(exc, RemoteError) else 2
        _fail(f"{exc}\n{target}: not written (an existing file is left as it was)", code)
    except OSError as exc:
        _fail(f"{target}: cannot be written: {_why_not_written(target, exc)}")
    err.print(f"{rows:,} {what} written to {target}")


def _credentials(user: str | None, password: str | None, auth: str) -> Any:
    """Credentials for a remote endpoint, or None; the password is never printed."""
    from reformgraph.remote import AUTH_SCHEMES, Credentials

    if auth not in AUTH_SCHEMES:
        _fail(f"--auth {auth!r}: use {' or '.join(AUTH_SCHEMES)}")
    if user is None and password is None:
        return None
    if user is None:
        _fail("a password needs a user name: give --user (or set REFORMGRAPH_USER)")
    if password is None:
        _fail(f"user {user!r} needs a password: give --password (or set REFORMGRAPH_PASSWORD)")
    return Credentials(user, password, auth)


def _warn_password_in_arguments(ctx: typer.Context, *urls: str | None) -> None:
    """Warn that a password typed as an argument (``--password``, or in an endpoint URL)
    can be read by anyone on this machine while the command runs (``ps``) and stays in
    the shell's history; the variable keeps it out of both."""
    from urllib.parse import urlsplit

    where = _given_on_command_line(ctx, ("password", "--password"))
    for url in urls:
        try:
            if url is not None and urlsplit(url.strip()).password:
                where.append("the endpoint URL")
                break
        except ValueError:  # not a URL: said so when it is checked
            pass
    if where:
        err.print(
            Text(
                f"warning: a password given in {' and '.join(where)} can be read by every user"
                " of this machine in its list of processes (ps), and stays in your shell's"
                " history: set REFORMGRAPH_PASSWORD instead (with --user or REFORMGRAPH_USER)",
                style="yellow",
            )
        )


def _warn_clear_password(url: str, credentials: Any) -> None:
    """Warn that Basic authentication over plain http sends the password readable."""
    from reformgraph import remote

    if remote.sends_password_in_clear(url, credentials):
        err.print(
            Text(
                f"warning: {remote.redact(url)} is plain http: Basic authentication sends"
                " the password readable to anyone on the way (use https, or --auth digest)",
                style="yellow",
            )
        )


def _remote_query(
    endpoint: str,
    saved: Any,
    bindings: Any,
    named_graph: str | None,
    login: tuple[str | None, str | None, str],
    timeout: float,
    retries: int,
    *,
    stream: bool = False,
) -> Any:
    """The answer of a remote query; with ``stream``, a context manager that gives it as a
    stream of rows (see :func:`reformgraph.remote.stream_endpoint`)."""
    from reformgraph.remote import RetryPolicy, query_endpoint, stream_endpoint

    credentials = _credentials(*login)
    _warn_clear_password(endpoint, credentials)
    return (stream_endpoint if stream else query_endpoint)(
        endpoint,
        saved,
        bindings,
        named_graph=named_graph,
        credentials=credentials,
        timeout=timeout,
        retry=RetryPolicy(retries=retries, backoff=0.5),
    )


def _query_store(graph_file: Path | None, out_dir: Path | None) -> Any:
    from reformgraph import engine
    from reformgraph.project import build_folder, not_an_rdf_file, ontology_file

    build_dir = out_dir if out_dir is not None else build_folder(Path.cwd())
    if graph_file is not None and (problem := not_an_rdf_file(graph_file)) is not None:
        raise NoBuildError(f"{graph_file}: {problem}")
    try:
        return engine.query_store(build_dir, graph_file, ontology_file("reformgraph.ttl"))
    except FileNotFoundError:
        raise NoBuildError(
            _no_build(build_dir / engine.STORE_DIR, out_dir, ", or an RDF file with --graph FILE")
        ) from None
    except (SyntaxError, ValueError, OSError) as exc:
        parsed = graph_file if graph_file is not None else build_dir / "reformgraph.nt"
        raise NoBuildError(f"{parsed}: cannot be parsed as RDF: {exc}") from None


FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        callback=_lower,
        help="table, csv or json (W3C SPARQL results JSON).",
    ),
]
MaxCasesOption = Annotated[
    int | None,
    typer.Option(
        "--max-cases",
        min=2,
        help="Leave out entities that more than N cases name: each links every pair of its"
        " cases (a domain all cases share), so the links grow with the square of N.",
        metavar="N",
    ),
]

#: The default of --max-pairs: the case–case network takes about 1 kB a pair (2 GB here).
MAX_PAIRS = 2_000_000
MaxPairsOption = Annotated[
    int,
    typer.Option(
        "--max-pairs",
        min=1,
        metavar="N",
        help="Stop, before anything is made, if more than N pairs of cases share an entity"
        " (the message names a --max-cases that fits): all 50 million pairs of 10,000 cases"
        " would take tens of GB.",
    ),
]


def _too_many_pairs(exc: TooManyPairs) -> NoReturn:
    n = exc.max_cases
    advice = (
        f"give --max-cases {n} (to leave out the entities more than {n} cases name), or "
        if n is not None
        else ""
    )
    _fail(
        f"more than {exc.limit:,} pairs of cases share an entity: {advice}raise --max-pairs"
        " (about 1 kB of memory a pair); nothing was written"
    )


def _analysis_graph(graph_file: Path | None, build_dir: Path | None) -> tuple[Any, Path]:
    """The graph the cross-case analysis reads, and the folder it comes from: the RDF file
    ``--graph`` parsed, else the build's store (nothing parsed: on 1,000 synthetic cases
    parsing takes 21 s and 1.2 GB, on 10,000 six minutes and 12 GB; the results are the
    same), or its N-Triples when it has no store."""
    from reformgraph import pipeline
    from reformgraph.engine import STORE_DIR
    from reformgraph.project import build_folder

    if graph_file is not None:
        return pipeline.load_graph(graph_file), graph_file.parent
    folder = build_dir if build_dir is not None else build_folder(Path.cwd())
    if (folder / STORE_DIR).is_dir():
        return pipeline.open_graph(folder), folder
    if pipeline.default_graph_file(folder).is_file():
        return pipeline.load_graph(pipeline.default_graph_file(folder)), folder
    raise NoBuildError(
        _no_build(folder / STORE_DIR, build_dir, ", or an RDF file with --graph FILE")
    )


def _output(
    result: object, output_format: str, total: int | None = None, *, excel_safe: bool = False
) -> None:
    """Print a query's answer: a QueryResult, or for CSV and JSON a QueryStream (``total``:
    see :func:`_print_table`; ``excel_safe``: see :func:`reformgraph.queries.write_csv`)."""
    from reformgraph._stdout import CLOSED_PIPE_EXIT, discard_stdout
    from reformgraph.queries import GRAPH_FORMATS, write_csv, write_graph, write_json

    try:
        if output_format == "table":
            _print_table(result, total)
            return
        if output_format in GRAPH_FORMATS:
            write_graph(result, sys.stdout.buffer, output_format)  # type: ignore[arg-type]
        elif output_format == "csv":
            write_csv(result, sys.stdout.buffer, excel_safe=excel_safe)  # type: ignore[arg-type]
        else:
            write_json(result, sys.stdout.buffer)  # type: ignore[arg-type]
        sys.stdout.flush()
    except BrokenPipeError:  # the reader has what it wanted (`| head`): stop quietly
        discard_stdout()
        raise typer.Exit(CLOSED_PIPE_EXIT) from None
    except ReformgraphError as exc:  # the store or the endpoint failed in a stream's rows
        sys.stdout.flush()
        _fail(str(exc), 3 if isinstance(exc, RemoteError) else 2)


def _given(ctx: typer.Context, name: str) -> bool:
    """Whether the option of parameter ``name`` was given (on the command line, or by its
    environment variable), not left at its default."""
    # (by name: typer may carry a click of its own, with its own ParameterSource)
    source = ctx.get_parameter_source(name)
    return source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")


def _check_format(output_format: str, *, graph: bool = True) -> None:
    """Stop at an unknown format; ``graph``: the formats of a CONSTRUCT's graph too."""
    known = ("table", "csv", "json", "nt", "ttl") if graph else ("table", "csv", "json")
    if output_format not in known:
        listed = "table, csv, json, nt or ttl" if graph else "table, csv or json"
        _fail(f"unknown format {output_format!r}: use {listed}")


@app.command(cls=_Command)
def links(
    ctx: typer.Context,
    suggest: Annotated[
        bool, typer.Option("--suggest", help="Suggest look-alike entities for curators instead.")
    ] = False,
    entity: Annotated[
        str | None,
        typer.Option(
            "--entity",
            metavar="ID",
            help="With --suggest: only pairs with this entity (id or IRI).",
        ),
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", "-n", min=1, metavar="N", help="At most N rows.")
    ] = None,
    max_cases: MaxCasesOption = None,
    max_pairs: MaxPairsOption = MAX_PAIRS,
    output_format: FormatOption = "table",
    graph_file: GraphOption = None,
    build_dir: BuildOption = None,
    old_out: OldBuildOption = None,
    excel_safe: ExcelSafeOption = False,
) -> None:
    """Cross-case links: every pair of cases that share an entity, with each case's quote."""
    from rdflib import SKOS

    from reformgraph import analysis

    _check_format(output_format, graph=False)
    _check_excel_safe(ctx, excel_safe, output_format)
    if entity is not None and not suggest:
        _fail(
            "--entity needs --suggest: the links are not filtered by entity"
            " (`reformgraph query shared-entities` lists the cases each entity links)"
        )
    if max_cases is not None and suggest:
        _fail("--max-cases leaves entities out of the links, not of --suggest: give one of them")
    if suggest and _given(ctx, "max_pairs"):
        _fail(
            "--max-pairs bounds the pairs of cases the links make, not --suggest (which pairs"
            " entities): give one of them (--limit N keeps the best N suggestions)"
        )
    read_from = _build_dir(build_dir, old_out, graph_file)
    try:
        graph, _ = _analysis_graph(graph_file, read_from)
    except ReformgraphError as exc:
        _fail(str(exc))
    if suggest:
        wanted = None
        if entity is not None:
            # The entities with a name: those suggestions pair. A bare id names one of
            # them, as analysis.graph_node resolves every id (never a case: the case
            # big-fiscal-system is not paired, the concept of that id is).
            named = set(graph.subjects(SKOS.prefLabel))
            try:
                chosen = analysis.graph_node(graph, entity, among=named)
            except analysis.AmbiguousIdError as exc:
                _fail(str(exc))
            if chosen not in named:
                from reformgraph.errors import closest

                ids = (str(e).rsplit("/", 1)[-1] for e in named)
                close = closest(_plain_id(entity).rsplit("/", 1)[-1], ids, cutoff=0.6)
                hint = f"; did you mean {', '.join(close)}?" if close else ""
                _fail(f"no entity {entity!r} in the graph{hint}")
            wanted = {chosen}
        with _progress(ticking=True) as progress:
            try:
                suggestions = analysis.suggest_links(
                    graph, involving=wanted, limit=limit, progress=progress
                )
            except ValueError as exc:
                if wanted is None:
                    raise
                _fail(str(exc))  # an entity suggestions do not pair: a unit
        if output_format == "table":
            # A terminal shows the first rows: the rest are not made into rows at all.
            shown = suggestions[:TERMINAL_ROWS] if out.is_terminal else suggestions
            _output(analysis.suggestions_result(shown), output_format, len(suggestions))
        else:
            _output(analysis.suggestions_stream(suggestions), output_format, excel_safe=excel_safe)
        return
    with _progress(ticking=True) as progress:
        try:
            found = analysis.iter_case_links(
                graph, max_cases=max_cases, max_pairs=max_pairs, progress=progress
            )
        except TooManyPairs as exc:
            _too_many_pairs(exc)
    if limit is not None:
        found = itertools.islice(found, limit)
    if output_format == "table" and out.is_terminal:
        first = list(itertools.islice(found, TERMINAL_ROWS))
        total = len(first) + sum(1 for _ in found)  # the rest counted, not kept
        _output(analysis.links_result(first), output_format, total)
    elif output_format == "table":
        _output(analysis.links_result(found), output_format)
    else:  # written as made: 3.9 million links on 1,000 synthetic cases
        _output(analysis.links_stream(found), output_format, excel_safe=excel_safe)


@app.command(cls=_Command)
def network(
    ctx: typer.Context,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Folder for the GraphML and GEXF files. Default: the build folder read"
            " (with --graph FILE, the file's folder).",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=1, metavar="N", help="How many entities to rank.")
    ] = 15,
    max_cases: Annotated[
        int | None,
        typer.Option(
            "--max-cases",
            min=2,
            metavar="N",
            help="In the case–case network file, leave out entities that more than N cases"
            " name (the ranking keeps them).",
        ),
    ] = None,
    max_pairs: MaxPairsOption = MAX_PAIRS,
    sample: Annotated[
        int | None,
        typer.Option(
            "--sample",
            min=1,
            metavar="K",
            help="Estimate the ranking's betweenness from K source nodes drawn at random"
            " (repeatable: see --seed) instead of all of them: for large networks, where the"
            " exact value takes long (25 minutes on 10,000 cases).",
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="With --sample: the seed of the draw.")
    ] = 0,
    output_format: FormatOption = "table",
    graph_file: GraphOption = None,
    build_dir: BuildOption = None,
    excel_safe: ExcelSafeOption = False,
) -> None:
    """Network analysis: which entities bridge the most cases; GraphML and GEXF exports."""
    from reformgraph import analysis, pipeline

    _check_format(output_format, graph=False)
    _check_excel_safe(ctx, excel_safe, output_format)
    read_from = _build_dir(build_dir, None, graph_file)
    try:
        graph, folder = _analysis_graph(graph_file, read_from)
    except ReformgraphError as exc:
        _fail(str(exc))
    target = out_dir if out_dir is not None else folder
    if target.exists() and not target.is_dir():  # before minutes of work, not after
        _fail(f"--out {target}: a file, not a folder for the GraphML and GEXF files")
    _refuse_store_folder(target, target)
    if not target.exists() and target.suffix.lower() in pipeline.OUTPUT_FILE_SUFFIXES:
        # `-o net.graphml` made a folder of that name, with the four files in it
        _fail(
            f"--out {target}: names the folder the GraphML and GEXF files go into (made if"
            f" missing), and {target.name!r} is a file's name: give a folder, such as --out"
            f" {target.parent / target.stem}"
        )
    with _progress(ticking=True) as progress:
        try:
            written = pipeline.write_networks(
                graph, target, max_cases=max_cases, max_pairs=max_pairs, progress=progress
            )
        except TooManyPairs as exc:
            _too_many_pairs(exc)
        except NoCasesError as exc:
            shown = f"{graph_file}: " if graph_file is not None else ""
            _fail(f"{shown}{exc}; nothing was written")
        except OSError as exc:
            _fail(f"cannot write the networks into {target}: {_why_not_written(target, exc)}")
        progress("rank", 0, 1)
        # Only the entities two or more cases name: one case's entity bridges nothing (its
        # betweenness is 0), and they filled the table in no meaningful order.
        ranking = [
            row for row in analysis.centrality(graph, sample=sample, seed=seed) if row.cases >= 2
        ]
        progress("rank", 1, 1)
    _output(analysis.centrality_result(ranking[:top]), output_format, excel_safe=excel_safe)
    if len(ranking) < top:
        err.print(
            f"{len(ranking)} entit{'y' if len(ranking) == 1 else 'ies'} link two or more"
            " cases; the others are named by one case each and bridge none"
        )
    for path in written:
        err.print(f"wrote {path} ({_size(path)})")


def _size(path: Path) -> str:
    """A written file's size, in decimal units (a network of 1,000 cases is 760 MB)."""
    try:
        size = float(path.stat().st_size)
    except OSError:
        return "size unknown"
    for unit in ("bytes", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:.3g} {unit}"
        size /= 1000
    return ""  # not reached


def _refuse_store_folder(folder: Path, given: Path, option: str = "--out") -> None:
    """Refuse to write pages or network files into a build's store (``--out build/store``):
    the next build replaces that folder whole, and what was written there with it."""
    from reformgraph.engine import BUILD_INFO

    # the folder or one it is in (build/store/pages, build/store/../store): the store
    # holds it all the same
    resolved = folder.resolve()
    for store in (resolved, *resolved.parents):
        if (store / BUILD_INFO).is_file():
            shown = folder if store == resolved else store
            _fail(
                f"{option} {given}: into a build's store ({shown}), which the next build"
                f" replaces with all it holds: give the build folder ({shown.parent}) or"
                " another folder"
            )


def _check_page_target(target: Path) -> None:
    """Refuse a ``viz --out`` that names a file other than a page (``-o pic.svg`` made a
    folder ``pic.svg`` with the page in it), or an existing file that is not one."""
    from reformgraph.pipeline import OUTPUT_FILE_SUFFIXES

    page = target.suffix.lower() in (".html", ".htm")
    _refuse_store_folder(target.parent if page and not target.is_dir() else target, target)
    # a picture's name, even of one written beside its page before (-o links.svg after
    # -o links.html --format svg): the page to give is named
    if not target.is_dir() and target.suffix.lower() in OUTPUT_FILE_SUFFIXES:
        also = (
            f" (--format {target.suffix.lower()[1:]} writes a picture of the page beside it)"
            if target.suffix.lower() in (".png", ".svg")
            else ""
        )
        _fail(
            f"--out {target}: a page is an .html file, or goes into a folder (made if"
            f" missing), and {target.name!r} is neither{also}: give --out"
            f" {target.with_suffix('.html')}"
        )
    if target.exists() and not target.is_dir() and not page:
        _fail(
            f"--out {target}: a file that is not a page: give an .html file's name, or a"
            " folder to write the page into"
        )


@app.command(cls=_Command)
def viz(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="FILE",
            help="The HTML file (.html), or a folder to write it into (made if missing)."
            " Default:"
            " reformgraph-VIEW.html (reformgraph-cases-maxN.html with --max-cases N,"
            " reformgraph-ID.html for --case ID, reformgraph-NAME.html"
            " for --query NAME.rq; each ending -en.html with --lang en) in the build"
            " folder read (with --graph FILE, in the file's folder).",
        ),
    ] = None,
    view: Annotated[
        str | None,
        typer.Option(
            "--view",
            metavar="VIEW",
            help="full (everything, the default) or cases (the cross-case picture).",
        ),
    ] = None,
    case: Annotated[
        str | None,
        typer.Option("--case", metavar="ID", help="One case (its id) and its neighbourhood."),
    ] = None,
    query_file: Annotated[
        Path | None,
        typer.Option(
            "--query", metavar="FILE", help="The subgraph a CONSTRUCT query (.rq) returns."
        ),
    ] = None,
    lang: Annotated[
        str,
        typer.Option(
            "--lang", metavar="LANG", callback=_lower, help="Labels in zh (default) or en."
        ),
    ] = "zh",
    picture: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            callback=_lower,
            help="Also write a still picture: png or svg.",
        ),
    ] = None,
    max_cases: Annotated[
        int | None,
        typer.Option(
            "--max-cases",
            min=2,
            metavar="N",
            help="With --view cases: leave out entities that more than N cases name (a domain"
            " all cases share links every one of them).",
        ),
    ] = None,
    graph_file: GraphOption = None,
    build_dir: BuildOption = None,
) -> None:
    """Write an interactive graph page: one HTML file that opens offline in any browser."""
    import warnings

    from reformgraph import pipeline
    from reformgraph.errors import LargeViewWarning
    from reformgraph.viz import EmptyViewError

    chosen = [
        name
        for name, given in (("--view", view), ("--case", case), ("--query", query_file))
        if given is not None
    ]
    if len(chosen) > 1:
        _fail(f"{' and '.join(chosen)} each choose what the page shows: give one of them")
    view = view or "full"
    if view not in ("full", "cases"):
        _fail(f"unknown view {view!r}: use full or cases (or --case ID, --query FILE.rq)")
    if lang not in ("zh", "en"):
        _fail(f"unknown language {lang!r}: use zh or en")
    if picture not in (None, "png", "svg"):
        _fail(f"unknown picture format {picture!r}: use png or svg")
    if max_cases is not None and view != "cases":
        _fail("--max-cases chooses the entities of the cross-case page: give --view cases")
    read_from = _build_dir(build_dir, None, graph_file)
    try:
        graph, folder = _analysis_graph(graph_file, read_from)
        if case is not None:
            # the page is named by the case's id, however the case was given (an IRI's
            # slashes made folders: reformgraph-https:/w3id.org/…/big-fiscal-system.html)
            case = _plain_id(case, "case")
        # --out: a page's .html file, or a folder the page goes into (made if missing);
        # without --out, the build's folder
        target = out if out is not None else folder
        _check_page_target(target)
        # Chromium takes a PNG in a child process: no redrawing thread then.
        ticking = picture != "png"
        with warnings.catch_warnings(record=True) as heard, _progress(ticking=ticking) as progress:
            warnings.simplefilter("always", LargeViewWarning)
            written = pipeline.write_view(
                graph,
                target,
                view=view,
                case=case,
                query_file=query_file,
                lang=lang,
                picture=picture,
                progress=progress,
                max_cases=max_cases,
            )
    except EmptyViewError as exc:
        named = query_file if query_file is not None else graph_file
        _fail(f"{'' if named is None else f'{named}: '}{exc}; nothing was written")
    except ReformgraphError as exc:
        _fail(str(exc))
    except OSError as exc:
        # (the error names the temporary file the page is written to first)
        _fail(f"cannot write the page into {target}: {_why_not_written(target, exc)}")
    for path in written:
        err.print(f"wrote {path} ({_size(path)})")
    for warning in heard:
        if issubclass(warning.category, LargeViewWarning):
            said = getattr(warning.message, "command_line", warning.message)
            err.print(Text(f"warning: {said}"))
        else:  # not ours: shown as Python would have
            warnings.showwarning(
                warning.message, warning.category, warning.filename, warning.lineno
            )


@app.command(cls=_Command)
def synth(
    cases: Annotated[
        int,
        typer.Option(
            "--cases",
            "-n",
            min=1,
            max=150_000,
            metavar="N",
            help="How many cases (at most 150,000).",
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="DIR", help="The data folder to write (new or empty)."),
    ],
    seed: Annotated[
        int,
        # Not negative: Python's random takes -N for N, so two seeds gave the same files.
        typer.Option(
            "--seed", min=0, metavar="N", help="Random seed: the same seed, the same files."
        ),
    ] = 0,
) -> None:
    """Write a synthetic data folder shaped like the real data, for benchmarks and tests."""
    from reformgraph.synth import synthesize

    try:
        with _progress() as progress:
            stats = synthesize(cases, out_dir, seed=seed, progress=progress)
    except FileExistsError as exc:
        if exc.errno is not None:  # from the system: a file where a folder must be made
            _fail(f"cannot write {out_dir}: {_why_not_written(out_dir, exc)}")
        _fail(f"{exc}; choose a new folder")
    except ValueError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {out_dir}: {_why_not_written(out_dir, exc)}")
    except KeyboardInterrupt:  # Ctrl-C, kill: it ended without a word
        _fail(f"interrupted: nothing was written to {out_dir}", 130)
    means = ", ".join(f"{name} {value:.1f}" for name, value in stats.means().items())
    out.print(f"wrote {out_dir}: {stats.cases} cases, {stats.total_entities} entities")
    out.print(f"per case: {means}")


@app.command(cls=_Command)
def extract(
    report: Annotated[
        Path,
        typer.Argument(metavar="REPORT", help="The report: a UTF-8 or GB18030 text file."),
    ],
    out_dir: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="The draft data folder to write (new or empty)."
        ),
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
        bool,
        typer.Option(
            "--overwrite",
            help="Replace a draft folder as extract wrote it (not one whose review has begun).",
        ),
    ] = False,
) -> None:
    """Draft a data folder from a new report: cases, measures, figures and entities."""
    from reformgraph.extract import evaluate as score
    from reformgraph.extract import extract as draft
    from reformgraph.io import find_project, resolve_data_folder
    from reformgraph.project import why_no_project

    try:
        cwd = Path.cwd()
        curated = resolve_data_folder(data, cwd) if data or find_project(cwd) else None
        with _progress() as progress:
            result = draft(report, out_dir, curated=curated, overwrite=overwrite, progress=progress)
        out.print(f"wrote {out_dir}: {result.summary()}")
        for note in result.notes:
            err.print(Text(f"note: {note}"))
        if curated is None:
            err.print(
                Text(
                    f"note: no curated data here ({why_no_project(cwd)}):"
                    " every entity is drafted as new; give the curated data with --data DIR"
                    " to link the draft to its entities"
                )
            )
        if evaluate:
            evaluation = score(report, curated or resolve_data_folder(None, cwd))
            err.print(
                Text(
                    f"note: the scores are of a second draft, made with no curated entities"
                    f" (only the gazetteer of places), not of the one in {out_dir}, which"
                    " links to the curated data"
                )
            )
            out.print(Text(evaluation.table()))
            if not evaluation.meets_targets():
                _fail("the extractor misses its targets on this report", 1)
    except DataErrors as exc:
        _report_data_errors(exc, "")
    except ReformgraphError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {out_dir}: {_why_not_written(out_dir, exc)}")


@app.command(cls=_Command)
def accept(
    draft_dir: Annotated[Path, typer.Argument(metavar="DRAFT", help="A reviewed draft folder.")],
    data: DataOption = None,
    allow_todo: Annotated[
        bool,
        typer.Option("--allow-todo", help="Accept drafts that still hold TODO placeholders."),
    ] = False,
) -> None:
    """Merge a reviewed draft folder into the data folder (all or nothing)."""
    from reformgraph.io import resolve_data_folder
    from reformgraph.pipeline import accept as merge

    if not draft_dir.is_dir():
        what = "no such folder" if not draft_dir.exists() else "a file, not a draft folder"
        _fail(f"{draft_dir}: {what} (give the folder `reformgraph extract` wrote)")
    data_dir = None
    try:
        data_dir = resolve_data_folder(data, Path.cwd())
        result = merge(draft_dir, data_dir, allow_todo=allow_todo)
    except DataErrors as exc:
        _report_data_errors(exc)
    except WorkerDied as exc:
        _fail(str(exc), WORKER_DIED)
    except ReformgraphError as exc:
        _fail(str(exc))
    out.print(
        f"accepted {len(result.cases)} case(s), {len(result.entities_added)} new entities,"
        f" {len(result.references)} references; source {result.source_id}"
    )
    for note in result.notes:
        err.print(Text(f"note: {note}"))


@app.command(cls=_Command)
def rename(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The id to replace.")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new id.")],
    case: Annotated[
        bool, typer.Option("--case", help="OLD is a case's id (default: an entity's).")
    ] = False,
    source: Annotated[
        bool,
        typer.Option(
            "--source",
            help="OLD is a source's id: its metadata and text files are renamed with it.",
        ),
    ] = False,
    merge: Annotated[
        bool,
        typer.Option(
            "--merge",
            help="NEW is an entity that OLD duplicates: merge OLD into it (its labels become"
            " NEW's alternative labels, its entry goes).",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would change; write nothing.")
    ] = False,
    data: DataOption = None,
) -> None:
    """Rename an entity's (or a case's or a source's) id in every data file that uses it
    (all or none)."""
    from reformgraph.io import resolve_data_folder
    from reformgraph.pipeline import rename as rename_id

    data_dir = None
    try:
        data_dir = resolve_data_folder(data, Path.cwd())
        result = rename_id(
            data_dir, old, new, case=case, source=source, merge=merge, dry_run=dry_run
        )
    except DataErrors as exc:
        _report_data_errors(exc)
    except ReformgraphError as exc:
        _fail(str(exc))
    if merge:
        verb = "would merge" if dry_run else "merged"
        what = f"{verb} entity {result.old!r} into {result.new!r}"
    else:
        verb = "would rename" if dry_run else "renamed"
        what = f"{verb} {result.kind} {result.old!r} to {result.new!r}"
    out.print(Text(f"{what}: {result.total} place(s) in {len(result.references)} file(s)"))
    for name, count in result.references:
        out.print(Text(f"  {name}: {count}"))
    for moved in (result.moved, result.text_moved):
        if moved is not None:
            out.print(Text(f"  {moved[0]} {'would be' if dry_run else 'is'} now {moved[1]}"))
    for note in result.notes:
        err.print(Text(f"note: {note}"))
    if not dry_run:
        err.print(
            Text(
                "note: its IRI has changed with it; build again (reformgraph build) to"
                " publish the new one"
            )
        )


@app.command(cls=_Command)
def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host", metavar="HOST", help="Address to listen on (0.0.0.0: every interface)."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, metavar="PORT", help="Port.")
    ] = 7878,
    writable: Annotated[
        bool,
        typer.Option(
            "--writable",
            help="Also accept SPARQL Update and Graph Store uploads (they change build/store).",
        ),
    ] = False,
    timeout: Annotated[
        float | None,
        typer.Option(
            "--timeout",
            min=1,
            metavar="SECONDS",
            help="Stop a query that runs longer (default: no limit).",
        ),
    ] = None,
    build_dir: BuildOption = None,
    old_out: OldBuildOption = None,
) -> None:
    """Serve the built graph with the Oxigraph SPARQL server: a query page and an endpoint."""
    from reformgraph import server
    from reformgraph.engine import STORE_DIR
    from reformgraph.errors import ServerError
    from reformgraph.project import build_folder
    from reformgraph.queries import saved_queries

    given = _build_dir(build_dir, old_out)
    build_dir = given or build_folder(Path.cwd())
    store = build_dir / STORE_DIR
    if not store.is_dir():
        _fail(_no_build(store, given))
    try:
        binary = server.find_binary()
        server.check_port(host, port)
        command = server.server_command(
            binary, store, host, port, writable=writable, timeout=timeout
        )
        with server.start_server(command, host, port) as running:
            base = running.url
            mode = "read-write" if writable else "read-only"
            bound = f"[{host}]" if ":" in host else host  # an IPv6 address, as in a URL
            out.print(f"Oxigraph SPARQL server on {store} ({mode}), listening on {bound}:{port}")
            out.print(Text(f"query page:      {base}/"))
            out.print(Text(f"query endpoint:  {base}/query"))
            if writable:
                out.print(Text(f"update endpoint: {base}/update"))
                out.print(Text(f"graph store:     {base}/store"))
            if out.is_terminal:
                out.print(
                    "saved queries (each link opens the query page with one, to run there;"
                    " queries see the data and the ontology):"
                )
            else:
                # A log (systemd, nohup, a file): each whole link, the query in it, made
                # 67 KB of %20%3F. Each name with its question, and how to open it.
                out.print(
                    "saved queries (to run one, paste the text `reformgraph query --list NAME`"
                    " prints into the query page; on a terminal each name is a link that opens"
                    " the page with it; queries see the data and the ontology):"
                )
            for name, saved in saved_queries().items():
                if out.is_terminal:
                    # the name as a link (a whole query in a URL is a screenful of %20%3F)
                    link = server.query_link(base, saved.text)
                    out.print(Text("  ") + Text(name, style=Style(link=link, underline=True)))
                else:
                    out.print(Text(f"  {name}: {saved.question}"))
            if not server.is_loopback(host):
                limit = "" if timeout is not None else ", and --timeout SECONDS bounds a query"
                err.print(
                    Text(
                        f"warning: listening on {host}: anyone who can reach this machine can"
                        + (" query and change the graph" if writable else " query the graph")
                        + " and, with a SERVICE clause, have this machine send requests to"
                        f" any address it reaches (the server runs SERVICE){limit}",
                        style="yellow",
                    )
                )
            out.print("Press Ctrl-C to stop.")
            sys.stdout.flush()
            running.run_until_stopped()
    except KeyboardInterrupt:
        pass  # Ctrl-C while the server was starting: it has been stopped
    except ServerError as exc:
        _fail(str(exc), 3)
    except ReformgraphError as exc:
        _fail(str(exc))
    err.print("stopped")


@app.command(cls=_Command)
def push(
    ctx: typer.Context,
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            metavar="URL",
            help="The Graph Store endpoint (Oxigraph: http://HOST:PORT/store).",
        ),
    ],
    named_graph: Annotated[
        str | None,
        typer.Option(
            "--named-graph", metavar="IRI", help="Replace this graph. Default: the default graph."
        ),
    ] = None,
    update_endpoint: Annotated[
        str | None,
        typer.Option(
            "--update-endpoint",
            metavar="URL",
            help="SPARQL Update endpoint, needed for graphs of more than --chunk-triples.",
        ),
    ] = None,
    with_ontology: Annotated[
        bool,
        typer.Option(
            "--with-ontology/--data-only",
            help="Send the ontology with the data, into the same graph (the saved queries need"
            " it).",
        ),
    ] = True,
    user: UserOption = None,
    password: PasswordOption = None,
    auth: AuthOption = "basic",
    chunk_triples: Annotated[
        int,
        typer.Option(
            "--chunk-triples", min=1, metavar="N", help="Larger graphs go in chunks of this many."
        ),
    ] = 100_000,
    timeout: Annotated[
        float,
        typer.Option(
            "--timeout", min=0.1, metavar="SECONDS", help="Seconds to wait for each request."
        ),
    ] = 120.0,
    retries: Annotated[
        int,
        typer.Option(
            "--retries", min=0, metavar="N", help="Repeats of a request after a transient failure."
        ),
    ] = 3,
    backoff: Annotated[
        float,
        typer.Option(
            "--backoff",
            min=0.0,
            metavar="SECONDS",
            help="Seconds before the first repeat (then doubling).",
        ),
    ] = 1.0,
    build_dir: BuildOption = None,
    old_out: OldBuildOption = None,
) -> None:
    """Upload the built graph to a SPARQL 1.1 Graph Store, replacing the target graph."""
    from reformgraph import engine, pipeline
    from reformgraph.errors import PushInterrupted
    from reformgraph.project import build_folder

    given = _build_dir(build_dir, old_out)
    build_dir = given or build_folder(Path.cwd())
    source = build_dir / "reformgraph.nt"
    if not source.is_file():
        _fail(_no_build(source, given))
    try:  # its data must be what the ontology sent with it, and the saved queries, expect
        engine.check_build(build_dir)
    except NoBuildError as exc:
        _fail(str(exc))
    credentials = _credentials(user, password, auth)
    _warn_password_in_arguments(ctx, endpoint, update_endpoint)
    for url in (endpoint, update_endpoint):
        if url is not None:
            _warn_clear_password(url, credentials)
    try:
        with _progress() as progress:
            result = pipeline.push(
                build_dir,
                endpoint,
                named_graph=named_graph,
                update_endpoint=update_endpoint,
                with_ontology=with_ontology,
                user=credentials.user if credentials is not None else None,
                password=credentials.password if credentials is not None else None,
                auth=auth,
                chunk_triples=chunk_triples,
                timeout=timeout,
                retries=retries,
                backoff=backoff,
                progress=progress,
            )
    except RemoteUsageError as exc:
        _fail(str(exc))
    except PushInterrupted as exc:
        _fail(str(exc), 130)
    except RemoteError as exc:
        _fail(str(exc), 3)
    except ReformgraphError as exc:
        _fail(str(exc))
    requests = "1 HTTP request" if result.requests == 1 else f"{result.requests} HTTP requests"
    if result.chunks == 1:
        how = f"in one request, after checking that the endpoint answers; {requests} in all"
    else:
        how = f"in {result.chunks} chunks, then swapped in; {requests} in all"
    out.print(f"pushed {result.triples} triples into {result.target} of {result.endpoint} ({how})")


def main() -> None:
    """Entry point of the ``reformgraph`` console script."""
    from reformgraph._stdout import CLOSED_PIPE_EXIT, discard_stdout

    try:
        app()
    except BrokenPipeError:  # any command's output cut short by its reader (`| head`)
        discard_stdout()
        sys.exit(CLOSED_PIPE_EXIT)
    except SystemExit as exc:
        # Typer ends a command whose output was cut short (EPIPE) with exit code 1, having
        # wrapped stdout to keep it quiet: the code of a closed pipe is 141, as `query`'s.
        if exc.code == 1 and type(sys.stdout).__name__ == "PacifyFlushWrapper":
            discard_stdout()
            sys.exit(CLOSED_PIPE_EXIT)
        raise

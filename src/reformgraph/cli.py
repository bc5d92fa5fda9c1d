"""The ``reformgraph`` command line. The only module that knows about the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from reformgraph.errors import DataErrors, ReformgraphError

app = typer.Typer(no_args_is_help=True, add_completion=False)
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)


@app.callback()
def _root() -> None:
    """reformgraph: reform case reports as a queryable knowledge graph."""


@app.command()
def check(
    data: Annotated[Path | None, typer.Option("--data", help="data folder")] = None,
) -> None:
    """Check the data folder: quotes, references, figures, number coverage."""
    from reformgraph import pipeline
    from reformgraph.io import resolve_data_folder

    try:
        result = pipeline.check(resolve_data_folder(data, Path.cwd()))
    except DataErrors as exc:
        for e in exc.errors:
            err.print(str(e), markup=False)
        err.print(f"{len(exc.errors)} error(s)", markup=False)
        raise typer.Exit(2) from None
    except ReformgraphError as exc:
        err.print(str(exc), markup=False)
        raise typer.Exit(2) from None
    for w in result.resolved.warnings:
        err.print(f"warning: {w}", markup=False)
    for u in result.uncovered:
        err.print(str(u), markup=False)
    if result.uncovered:
        raise typer.Exit(1)
    out.print(f"ok: {len(result.resolved.cases)} cases", markup=False)


def main() -> None:
    app()

"""The jobs the command line runs, as plain functions over paths."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reformgraph.coverage import Uncovered, uncovered_numerals
from reformgraph.io import load_data_folder
from reformgraph.resolve import Resolved, resolve

__all__ = ["CheckResult", "check"]


@dataclass(frozen=True)
class CheckResult:
    resolved: Resolved
    uncovered: list[Uncovered]


def check(data_dir: Path) -> CheckResult:
    """Read, resolve and coverage-check a data folder without writing anything."""
    resolved = resolve(load_data_folder(data_dir))
    return CheckResult(resolved=resolved, uncovered=uncovered_numerals(resolved))

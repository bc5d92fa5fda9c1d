"""The README's Quick start stays true: two commands, and CI runs the second."""

from __future__ import annotations

import re

from .paths import ROOT


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the Quick start needs a fenced sh block"
    return [line for line in block[1].splitlines() if line.strip()]


def test_quick_start_is_two_commands_install_and_build_then_install_and_test() -> None:
    first, second = _quick_start()
    assert "pip install ." in first
    assert "reformgraph build" in first
    assert "reformgraph query" in first
    assert 'pip install ".[dev]"' in second
    assert second.rstrip().endswith("pytest")


def test_ci_runs_the_quick_start_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start()[1] in ci.splitlines()

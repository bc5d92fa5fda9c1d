"""The code stays lint-clean and type-checked (ruff and mypy as configured in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from importlinter.cli import lint_imports

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .paths import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", "src", "tests", "notebooks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_leaves_the_code_unchanged() -> None:
    result = _run("ruff", "format", "--check", "src", "tests", "notebooks")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_passes_on_src() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_imports_flow_one_way_and_only_the_cli_knows_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = lint_imports(str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    assert code == 0, capsys.readouterr().out


def test_every_module_is_placed_in_the_import_contracts() -> None:
    package = ROOT / "src" / "reformgraph"
    modules = {f"reformgraph.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {f"reformgraph.{p.parent.name}" for p in package.glob("*/__init__.py")}
    contracts = _contracts()
    layered = {m.strip() for layer in contracts["layers"]["layers"] for m in layer.split("|")}
    assert layered == modules
    below_cli = modules - {"reformgraph.cli", "reformgraph.entry"}
    assert set(contracts["terminal"]["source_modules"]) == below_cli
    steps = {p.stem for p in (package / "extract").glob("*.py") if p.stem != "__init__"}
    assert {
        m.strip() for layer in contracts["extract"]["layers"] for m in layer.split("|")
    } == steps

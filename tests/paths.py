"""Where the project's files are, for the tests: found from this file, not the working folder."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
CASE_FILES = sorted((DATA / "cases").glob("*.yaml"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))

"""What the command line reports and how it reads its options, in the cases the other CLI
tests do not reach: more than ten SHACL warnings (grouped), the "… and N more" tails of
the build's summary and of its note on stale pages, old and odd spellings of options
(``--out`` beside ``--build``, ``-p ?NAME=…``, ``viz --out PAGE.HTML``), a ``--graph``
file that is missing, and the exit code of ``--help`` written into a closed pipe.

Run in-process with typer's CliRunner, but for the closed pipe, which needs the console
script in a child process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reformgraph.cli import WARNING_EXAMPLES, WARNINGS_LISTED, app

from .paths import DATA

runner = CliRunner()

SCRIPT = Path(sys.executable).with_name("reformgraph")


# --------------------------------------------------------------------------- warnings

#: Synthetic sources: every one without a URL, all but the last without a publication date.
SOURCES = 6


@pytest.fixture(scope="module")
def warned_build(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What a build of 60 synthetic cases prints on standard error when their six sources
    lack a URL and five of them a publication date: 11 warnings, 6 of one kind and 5 of
    the other, the smaller kind met first (the warnings come by node, and a source's date
    before its URL)."""
    from reformgraph.synth import synthesize

    data = tmp_path_factory.mktemp("warned") / "data"
    synthesize(60, data, seed=1)
    sources = sorted((data / "sources").glob("*.yaml"))
    assert len(sources) == SOURCES
    for index, source in enumerate(sources):
        dropped = ("url:",) if index == SOURCES - 1 else ("url:", "issued:")
        lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
        source.write_text(
            "".join(line for line in lines if not line.startswith(dropped)), encoding="utf-8"
        )
    result = runner.invoke(app, ["build", "--data", str(data), "--out", str(data.parent / "b")])
    assert result.exit_code == 0, result.output
    assert f"with {2 * SOURCES - 1} warning(s)" in result.output
    return result.stderr


def test_more_than_ten_shacl_warnings_are_counted_by_property_with_a_few_examples(
    warned_build: str,
) -> None:
    # The README: "up to 10 warnings one a line, and more grouped by property, with examples".
    assert 2 * SOURCES - 1 > WARNINGS_LISTED
    warned = [line for line in warned_build.splitlines() if line.startswith("warning")]
    assert warned == [
        f"warning ({SOURCES}): schema:url: no URL: give the address the source was published at",
        f"warning ({SOURCES - 1}): dcterms:issued: no publication date: give the date the"
        " source was published",
    ]
    lines = warned_build.splitlines()
    url_group = lines[lines.index(warned[0]) + 1 :]
    examples = [f"  e.g. rgd:source/synthetic-{n:06d}" for n in range(WARNING_EXAMPLES)]
    assert url_group[: WARNING_EXAMPLES + 1] == [
        *examples,
        f"  … and {SOURCES - WARNING_EXAMPLES} more",
    ]


def test_grouped_warnings_come_most_numerous_first(warned_build: str) -> None:
    # The smaller group is met first: synthetic-000000's date comes before its URL.
    counts = [
        int(found) for found in re.findall(r"^warning \((\d+)\):", warned_build, re.MULTILINE)
    ]
    assert counts == sorted(counts, reverse=True)
    assert counts == [SOURCES, SOURCES - 1]


# --------------------------------------------------------------------------- summary tails


def test_the_summary_names_eight_shared_entities_and_counts_the_rest(
    synthetic_build: Path, tmp_path: Path
) -> None:
    data = synthetic_build.parent / "data"
    result = runner.invoke(app, ["build", "--data", str(data), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    counted = re.search(r"(\d+) shared entities", result.output)
    assert counted is not None, result.output
    total = int(counted[1])
    assert total > 8
    lines = result.output.splitlines()
    start = lines.index("shared across cases (how many cases link to each):")
    listed = lines[start + 1 : start + 10]
    assert all(re.fullmatch(r"  \S.* \(\d+\)", line) for line in listed[:8]), listed
    assert listed[8] == f"  … and {total - 8} more"


@pytest.mark.parametrize(("shared", "tail"), [(8, []), (9, ["  … and 1 more"])])
def test_the_summary_lists_eight_shared_entities_and_counts_from_the_ninth(
    shared: int, tail: list[str]
) -> None:
    from reformgraph.cli import _shared_lines

    entities = [(f"实体{i}", "rg:Platform", 2) for i in range(shared)]
    lines = _shared_lines(entities, [f"entity {i}" for i in range(shared)]).splitlines()
    assert lines[1:9] == [f"  实体{i} / entity {i} (2)" for i in range(8)]
    assert lines[9:] == tail


def test_the_summary_names_a_shared_entity_once_where_its_english_adds_nothing() -> None:
    from reformgraph.cli import _shared_lines

    shared = [
        ("湖北", "rg:Province", 7),
        ("5G", "rg:Platform", 3),
        ("武汉", "k", 2),
        ("宜昌", "k", 2),
    ]
    # no English label (""), the Chinese one again, none given at all (a shorter list)
    lines = _shared_lines(shared, ["Hubei", "5G", ""]).splitlines()
    assert lines[1:] == ["  湖北 / Hubei (7)", "  5G (3)", "  武汉 (2)", "  宜昌 (2)"]


def test_the_summary_names_each_shared_entity_in_chinese_and_english(tmp_path: Path) -> None:
    """The summary named the shared entities in Chinese only (湖北 (7)), which says
    nothing to a reader without Chinese."""
    result = runner.invoke(app, ["build", "--data", str(DATA), "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("shared across cases (how many cases link to each):")
    listed = lines[start + 1 : start + 8]
    assert listed[:2] == ["  湖北 / Hubei (7)", "  中国 / China (5)"]
    assert (
        "  投资项目绩效综合评价平台 / comprehensive performance evaluation platform for"
        " investment projects (2)"
    ) in listed
    assert all(" / " in line for line in listed), listed


def test_the_note_on_pages_of_the_previous_build_names_five_and_counts_the_rest(
    synthetic_build: Path, tmp_path: Path
) -> None:
    data = synthetic_build.parent / "data"
    out = tmp_path / "b"
    first = runner.invoke(app, ["build", "--data", str(data), "--out", str(out)])
    assert first.exit_code == 0, first.output
    for n in range(7):
        (out / f"page-{n}.html").write_text("<html></html>", encoding="utf-8")
    again = runner.invoke(app, ["build", "--data", str(data), "--out", str(out)])
    assert again.exit_code == 0, again.output
    note = " ".join(again.stderr.split())
    assert "note: 7 page(s), picture(s) or network file(s)" in note
    named = ", ".join(f"page-{n}.html" for n in range(5))
    assert f"({named} and 2 more)" in note


# --------------------------------------------------------------------------- options


def test_build_and_its_old_name_out_given_together_are_refused(
    build_dir: Path, tmp_path: Path
) -> None:
    # Both name folders: the answer came silently from --build, and --out was ignored.
    result = runner.invoke(
        app, ["query", "cases", "-f", "csv", "--build", str(build_dir), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2, result.output
    assert "--out is the old name of --build: give the build folder once" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("sigil", ["?", "$"])
def test_a_parameter_may_be_named_as_the_query_writes_its_variable(
    build_dir: Path, tmp_path: Path, sigil: str
) -> None:
    # `-p ?case=…` worked on the console script's fast path and failed with --save.
    target = tmp_path / "figures.csv"
    result = runner.invoke(
        app,
        [
            "query",
            "figures",
            "-p",
            f"{sigil}case=big-fiscal-system",
            "--build",
            str(build_dir),
            "--save",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").lstrip("\ufeff").splitlines()
    assert len(lines) == 1 + 5


def test_a_missing_graph_file_is_named_and_not_taken_for_a_missing_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # It said "no build yet … run `reformgraph build` first": no build was asked for.
    shutil.copytree(DATA, tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "elsewhere.nt"
    result = runner.invoke(app, ["query", "cases", "--graph", str(missing), "-f", "csv"])
    assert result.exit_code == 2, result.output
    assert f"{missing}: no such file" in result.stderr
    assert "reformgraph build" not in result.stderr


def test_viz_out_with_an_upper_case_html_suffix_is_the_page_itself(
    build_dir: Path, tmp_path: Path
) -> None:
    # Page.HTML became a folder with reformgraph-full.html in it.
    page = tmp_path / "Page.HTML"
    result = runner.invoke(app, ["viz", "--build", str(build_dir), "--out", str(page)])
    assert result.exit_code == 0, result.output
    assert page.is_file()
    assert "<html" in page.read_text(encoding="utf-8").lower()


# --------------------------------------------------------------------------- closed pipe


def test_help_written_into_a_closed_pipe_exits_141() -> None:
    # Click's own output, not rich's: Typer's exit 1 read as a failure in `… | head`.
    from reformgraph._stdout import CLOSED_PIPE_EXIT

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone before anything is written
    try:
        child = subprocess.run(
            [str(SCRIPT), "push", "--help"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            check=False,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert child.returncode == CLOSED_PIPE_EXIT, child.stderr.decode()
    assert b"Traceback" not in child.stderr

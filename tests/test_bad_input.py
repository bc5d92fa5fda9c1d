"""Bad input to `reformgraph build`: every error reported at once, clearly, and nothing written.

Each folder under ``tests/fixtures/invalid/`` describes one bad data folder as a patch of
the real ``data/`` folder (the format is in ``tests/fixtures/invalid/README.md``). For
each, the test copies the real data, applies the patch and runs ``reformgraph build`` in
process into an output folder that already holds a previous build. It checks the exit
code, the reported errors (file, line, YAML path, message), that no traceback escaped or
was logged, and that the previous build's files are byte-identical, with nothing added.
"""

from __future__ import annotations

import os
import re
import shutil
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from reformgraph import pipeline
from reformgraph.cli import app

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data"
FIXTURES = HERE / "fixtures" / "invalid"
FIXTURE_DIRS = sorted(p for p in FIXTURES.iterdir() if (p / "patch.yaml").is_file())

#: One reported error as the command prints it: ``file[:line][ [path]]: message``, or
#: ``file:line [9].id: message`` for an item of a file's top list.
ERROR_LINE = re.compile(
    r"^(?P<file>\S+?)(?::(?P<line>\d+))?"
    r"(?: (?P<item>\[\d+\]\S*?)| \[(?P<path>.*?)\])?: (?P<message>.*)$"
)
ACTIONS = ("replace", "write", "append", "write-bytes", "delete", "rename")
PATCH_KEYS = {"description", "edits", "exit_code", "errors", "expect", "count", "slow", "xfail"}
EDIT_KEYS = {"file", "action", "old", "new", "count", "content", "repeat", "hex", "to"}
ERROR_KEYS = {"file", "line", "line_of", "path", "message"}
ANY_LINE = "any"


# --------------------------------------------------------------------------- the patch format


@dataclass(frozen=True)
class Patch:
    """One fixture: how to break the data, and what the command must say."""

    name: str
    description: str
    edits: list[dict[str, Any]]
    exit_code: int
    errors: list[dict[str, Any]]
    expect: list[str] = field(default_factory=list)
    count: int | None = None
    slow: bool = False
    xfail: str | None = None


@dataclass(frozen=True)
class ExpectedError:
    """An error the command must report; ``line`` is a number, None (no line) or ANY_LINE."""

    file: str
    line: int | str | None
    path: str | None
    messages: tuple[str, ...]


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def load_patch(folder: Path) -> Patch:
    where = f"{folder.name}/patch.yaml"
    raw = yaml.safe_load((folder / "patch.yaml").read_text(encoding="utf-8"))
    assert isinstance(raw, dict), f"{where}: not a mapping"
    assert set(raw) <= PATCH_KEYS, f"{where}: unknown keys {sorted(set(raw) - PATCH_KEYS)}"
    edits = _as_list(raw.get("edits"))
    assert edits, f"{where}: no edits"
    for edit in edits:
        assert set(edit) <= EDIT_KEYS, f"{where}: unknown edit keys {set(edit) - EDIT_KEYS}"
        assert edit.get("action") in ACTIONS, f"{where}: action must be one of {ACTIONS}"
    errors = _as_list(raw.get("errors"))
    for error in errors:
        assert set(error) <= ERROR_KEYS, f"{where}: unknown error keys {set(error) - ERROR_KEYS}"
    assert errors or raw.get("expect"), f"{where}: expects nothing"
    return Patch(
        name=folder.name,
        description=str(raw.get("description", "")).strip(),
        edits=edits,
        exit_code=int(raw.get("exit_code", 2)),
        errors=errors,
        expect=[str(s) for s in _as_list(raw.get("expect"))],
        count=raw.get("count"),
        slow=bool(raw.get("slow", False)),
        xfail=raw.get("xfail"),
    )


def apply_edit(data: Path, edit: Mapping[str, Any]) -> None:
    """Apply one edit to the data folder ``data``."""
    target = data / edit["file"]
    action = edit["action"]
    if action == "replace":
        text = target.read_text(encoding="utf-8")
        old, new = str(edit["old"]), str(edit.get("new", ""))
        found, wanted = text.count(old), int(edit.get("count", 1))
        assert found == wanted, (
            f"the patch no longer applies: {old!r} occurs {found} times in {edit['file']},"
            f" not {wanted} (has the real data changed?)"
        )
        target.write_text(text.replace(old, new), encoding="utf-8")
    elif action in ("write", "append"):
        content = str(edit.get("content", "")) * int(edit.get("repeat", 1))
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = "a" if action == "append" else "w"
        with target.open(mode, encoding="utf-8", newline="") as handle:
            handle.write(content)
    elif action == "write-bytes":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes.fromhex(str(edit["hex"])))
    else:
        assert target.exists(), f"the patch no longer applies: {edit['file']} does not exist"
        if action == "delete":
            target.unlink()
        else:
            target.rename(data / edit["to"])


def apply_patches(data: Path, patches: list[Patch]) -> None:
    for patch in patches:
        for edit in patch.edits:
            apply_edit(data, edit)


def expected_errors(patch: Patch, data: Path) -> list[ExpectedError]:
    """The patch's expected errors; ``line_of`` becomes a line of the patched file."""
    out = []
    for error in patch.errors:
        line: int | str | None = ANY_LINE
        if "line_of" in error:
            text = (data / error["file"]).read_text(encoding="utf-8")
            needle = str(error["line_of"])
            assert text.count(needle) == 1, (
                f"{patch.name}: line_of {needle!r} must occur once in the patched {error['file']}"
            )
            line = text[: text.index(needle)].count("\n") + 1
        elif "line" in error:
            line = error["line"]
        out.append(
            ExpectedError(
                file=f"{data}/{error['file']}",
                line=line,
                path=error.get("path"),
                # a file a message names (data/entities/….yaml) is named as its own is
                messages=tuple(
                    re.sub(r"(?<![\w/.])data/(?!README)", f"{data}/", str(m))
                    for m in _as_list(error.get("message"))
                ),
            )
        )
    return out


# --------------------------------------------------------------------------- running the command


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too, such as temporary files) and its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def run_build(data: Path, out: Path) -> Result:
    return CliRunner().invoke(app, ["build", "--data", str(data), "--out", str(out)])


def reported(result: Result) -> list[tuple[str, int | None, str | None, str]]:
    """The errors the command printed: (file, line, path, message)."""
    out = []
    for text in result.stderr.splitlines():
        match = ERROR_LINE.match(text)
        if match:
            line = int(match["line"]) if match["line"] else None
            path = match["item"] or match["path"]  # [9].id; [measures[2].evidence]
            out.append((match["file"], line, path, match["message"]))
    return out


def assert_no_crash(result: Result) -> None:
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        shown = "".join(traceback.format_exception(*result.exc_info))
        pytest.fail(f"the command crashed instead of reporting the bad input:\n{shown}")
    assert "Traceback" not in result.output


def assert_no_logged_traceback(caplog: pytest.LogCaptureFixture) -> None:
    """Nothing logged a traceback (run as a command, it would be printed on stderr)."""
    logged = [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.exc_info]
    assert not logged, "a traceback was logged:\n" + "\n".join(logged)


def assert_reported(result: Result, expected: ExpectedError) -> None:
    for file, line, path, message in reported(result):
        if file != expected.file:
            continue
        if expected.line != ANY_LINE and line != expected.line:
            continue
        if expected.path is not None and path != expected.path:
            continue
        if all(m in message for m in expected.messages):
            return
    pytest.fail(f"expected error not reported: {expected}\nstderr:\n{result.stderr}")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of a build of the real data, as a previous build leaves them: the graph
    files, and whatever the build keeps in folders beside them (its cache, its store)."""
    out = tmp_path_factory.mktemp("previous-build")
    pipeline.build(DATA, out)
    files = snapshot(out)
    assert {name for name in files if "/" not in name} == set(pipeline.OUTPUT_NAMES)
    return files


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A fresh copy of the real data folder, to break."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


@pytest.fixture
def out_dir(tmp_path: Path, previous_build: dict[str, bytes]) -> Path:
    """An output folder holding the previous build's files."""
    out = tmp_path / "build"
    out.mkdir()
    for name, content in previous_build.items():
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(content)
    return out


def _fixture_params() -> list[Any]:
    params = []
    for folder in FIXTURE_DIRS:
        patch = load_patch(folder)
        marks: list[Any] = []
        if patch.slow:
            marks.append(pytest.mark.slow)
        if patch.xfail:
            marks.append(pytest.mark.xfail(reason=patch.xfail, strict=True))
        params.append(pytest.param(patch, id=patch.name, marks=marks))
    return params


# --------------------------------------------------------------------------- one fixture at a time


def test_there_are_bad_input_fixtures() -> None:
    assert len(FIXTURE_DIRS) >= 30


@pytest.mark.parametrize("patch", _fixture_params())
def test_bad_input_is_reported_and_the_previous_build_is_kept(
    patch: Patch,
    data_copy: Path,
    out_dir: Path,
    previous_build: dict[str, bytes],
    caplog: pytest.LogCaptureFixture,
) -> None:
    apply_patches(data_copy, [patch])

    result = run_build(data_copy, out_dir)

    assert_no_crash(result)
    assert_no_logged_traceback(caplog)
    assert result.exit_code == patch.exit_code, result.output
    assert result.stdout == "", "a failed build must print no summary"
    assert "nothing was written" in result.stderr
    for expected in expected_errors(patch, data_copy):
        assert_reported(result, expected)
    # an item of an entities file's list is placed as "[9].id", not "[[9].id]"
    assert " [[" not in result.stderr, result.stderr
    for substring in patch.expect:
        assert substring in result.stderr, f"{substring!r} not in stderr:\n{result.stderr}"
    if patch.count is not None:
        assert f"\n{patch.count} error(s) in the data" in f"\n{result.stderr}", result.stderr
    assert snapshot(out_dir) == previous_build, "the previous build's files changed"


def test_failed_build_does_not_create_the_output_folder(data_copy: Path, tmp_path: Path) -> None:
    apply_patches(data_copy, [load_patch(FIXTURES / "quote-not-in-source")])
    out = tmp_path / "never-built"

    result = run_build(data_copy, out)

    assert_no_crash(result)
    assert result.exit_code == 2
    assert not out.exists()


# --------------------------------------------------------------------------- several at once

#: Fixtures whose errors are independent and lie in different files, by the stage that
#: finds them: reading the files (YAML, schema, file names, checksums), or resolving the
#: data (quotes, references, numbers), which runs once every file has been read. A case
#: file that fails to read does not stop the other cases from being resolved.
INDEPENDENT = {
    "while-reading-the-files": [
        "malformed-yaml-names-file-and-line",
        "unknown-field-typo",
        "missing-case-id-is-reported",
        "source-text-edited",
        "non-utf8-case-file-names-line",
        "entity-defined-in-two-files",
    ],
    "while-reading-the-sources-and-entities": [
        "source-text-edited",
        "entity-defined-in-two-files",
        "comments-only-entities-file-is-empty",
        "billion-laughs-aliases-are-refused",
        "entity-file-in-a-subfolder-is-not-skipped",
        "source-text-without-metadata",
    ],
    "while-reading-the-case-files": [
        "malformed-yaml-names-file-and-line",
        "unknown-field-typo",
        "missing-case-id-is-reported",
        "non-utf8-case-file-names-line",
        "mapping-used-as-a-key",
    ],
    "while-resolving-the-data": [
        "quote-not-in-source",
        "pilot-programme-of-the-wrong-type",
        "relation-participant-not-named-in-quote",
        "unknown-office",
        "quote-twice-in-its-scope",
        "change-part-value-that-does-not-match",
        "broader-concepts-in-a-cycle",
    ],
    "while-reading-some-case-files-and-resolving-the-others": [
        "malformed-yaml-names-file-and-line",
        "unknown-field-typo",
        "missing-case-id-is-reported",
        "non-utf8-case-file-names-line",
        "relation-participant-not-named-in-quote",
        "change-part-value-that-does-not-match",
        "broader-concepts-in-a-cycle",
    ],
}
#: Combinations that a product bug keeps from being reported in one run.
INDEPENDENT_XFAIL: dict[str, str] = {}


def _independent(names: list[str]) -> tuple[list[Patch], int]:
    patches = [load_patch(FIXTURES / name) for name in names]
    files = [{edit["file"] for edit in patch.edits} for patch in patches]
    assert len(set().union(*files)) == sum(map(len, files)), "each must touch other files"
    counts = [patch.count for patch in patches]
    assert None not in counts, "give each combined fixture a count"
    return patches, sum(c for c in counts if c is not None)


@pytest.mark.parametrize(
    "stage",
    [
        pytest.param(
            stage,
            marks=[pytest.mark.xfail(strict=True, reason=INDEPENDENT_XFAIL[stage])]
            if stage in INDEPENDENT_XFAIL
            else [],
        )
        for stage in sorted(INDEPENDENT)
    ],
)
def test_independent_errors_in_different_files_are_all_reported_in_one_run(
    stage: str, data_copy: Path, out_dir: Path, previous_build: dict[str, bytes]
) -> None:
    patches, total = _independent(INDEPENDENT[stage])
    apply_patches(data_copy, patches)

    result = run_build(data_copy, out_dir)

    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    assert f"\n{total} error(s) in the data; nothing was written." in result.stderr
    expected = [e for patch in patches for e in expected_errors(patch, data_copy)]
    for error in expected:
        assert_reported(result, error)
    assert {file for file, *_ in reported(result)} == {e.file for e in expected}
    assert len({e.file for e in expected}) == len(patches)
    assert snapshot(out_dir) == previous_build


def test_reading_and_resolving_errors_in_different_files_are_reported_together(
    data_copy: Path, out_dir: Path
) -> None:
    patches = [load_patch(FIXTURES / "unknown-field-typo"), load_patch(FIXTURES / "unknown-office")]
    apply_patches(data_copy, patches)

    result = run_build(data_copy, out_dir)

    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    assert "\n2 error(s) in the data; nothing was written." in result.stderr
    for patch in patches:
        for expected in expected_errors(patch, data_copy):
            assert_reported(result, expected)


def test_a_bad_value_is_quoted_once_in_its_message(data_copy: Path, out_dir: Path) -> None:
    apply_patches(data_copy, [load_patch(FIXTURES / "since-that-is-not-a-real-day")])
    result = run_build(data_copy, out_dir)
    messages = [message for *_, message in reported(result)]
    assert len(messages) == 1, result.stderr
    assert messages[0].count("2023-09-31") == 1, messages[0]


# --------------------------------------------------------------------------- one cause, one error


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("[9].id", "entities/x.yaml:37 [9].id: wrong"),  # it read "[[9].id]"
        ("[0]", "entities/x.yaml:37 [0]: wrong"),
        ("measures[2].evidence", "entities/x.yaml:37 [measures[2].evidence]: wrong"),
        ("", "entities/x.yaml:37: wrong"),
    ],
)
def test_an_error_is_placed_by_its_line_and_its_path_in_single_brackets(
    path: str, shown: str
) -> None:
    from reformgraph.errors import DataError

    assert str(DataError("entities/x.yaml", 37, path, "wrong")) == shown


def test_a_case_file_copied_under_another_name_is_reported_once_naming_both_files(
    data_copy: Path, out_dir: Path, previous_build: dict[str, bytes]
) -> None:
    first = data_copy / "cases" / "01-big-fiscal-system.yaml"
    shutil.copyfile(first, data_copy / "cases" / "09-copy.yaml")

    result = run_build(data_copy, out_dir)

    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    # The duplicate id, and the copy's name, which does not give its position; nothing
    # about the positions or extents of the other cases, which the copy does not change.
    assert sorted(reported(result)) == [
        (
            f"{data_copy}/cases/09-copy.yaml",
            1,
            "id",
            "duplicate case id 'big-fiscal-system': already used by"
            f" {data_copy}/cases/01-big-fiscal-system.yaml",
        ),
        (
            f"{data_copy}/cases/09-copy.yaml",
            3,
            "position",
            "file name must start with the position: 01-…",
        ),
    ], result.stderr
    assert snapshot(out_dir) == previous_build


def test_the_library_refuses_two_case_files_with_one_case_id(data_copy: Path) -> None:
    # `reformgraph build` has its own check; io.load_data_folder and resolve, as a script
    # calls them, must refuse the second file too (build_graph would merge the two cases).
    from reformgraph.errors import DataErrors
    from reformgraph.io import load_data_folder
    from reformgraph.resolve import resolve

    apply_patches(data_copy, [load_patch(FIXTURES / "case-id-used-twice")])
    dataset = load_data_folder(data_copy)
    ids = [case.record.id for case in dataset.cases]
    assert ids.count("big-fiscal-system") == 1, "the second file's case is not read as well"
    with pytest.raises(DataErrors) as raised:
        resolve(dataset)
    errors = [str(error) for error in raised.value.errors]
    assert len(errors) == 1, errors
    assert "08-deputies-two-links.yaml:1 [id]: duplicate case id 'big-fiscal-system'" in errors[0]
    assert "01-big-fiscal-system.yaml" in errors[0]


def test_two_case_files_of_the_same_case_under_different_ids_are_one_error(
    data_copy: Path, out_dir: Path
) -> None:
    text = (data_copy / "cases" / "01-big-fiscal-system.yaml").read_text(encoding="utf-8")
    copy = text.replace("id: big-fiscal-system\n", "id: big-fiscal-system-again\n", 1)
    assert copy != text
    (data_copy / "cases" / "01-copy.yaml").write_text(copy, encoding="utf-8")

    result = run_build(data_copy, out_dir)

    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    [(file, _, path, message)] = reported(result)
    assert (file, path) == (f"{data_copy}/cases/01-copy.yaml", "position")
    assert f"{data_copy}/cases/01-big-fiscal-system.yaml has the same title and position" in message


def _patterns(schema: object) -> set[str]:
    """Every ``pattern`` of a JSON schema, however deep."""
    if isinstance(schema, dict):
        found = set()
        for key, value in schema.items():
            found |= {value} if key == "pattern" and isinstance(value, str) else _patterns(value)
        return found
    if isinstance(schema, list):
        return set().union(*map(_patterns, schema))
    return set()


def test_every_pattern_of_the_data_schema_is_explained_in_words() -> None:
    from pydantic import BaseModel

    from reformgraph import models

    records = [
        record
        for record in vars(models).values()
        if isinstance(record, type)
        and issubclass(record, BaseModel)
        and record.__module__ == models.__name__
    ]
    patterns = set().union(*(_patterns(record.model_json_schema()) for record in records))
    assert len(patterns) >= 7, patterns
    unexplained = patterns - set(models.PATTERN_MEANINGS)
    assert not unexplained, f"an error would show these as regular expressions: {unexplained}"


@pytest.mark.parametrize("folder", ["missing", "a build folder"])
def test_checking_a_folder_that_is_not_a_data_folder_says_so(
    tmp_path: Path, build_dir: Path, folder: str
) -> None:
    from reformgraph import pipeline
    from reformgraph.errors import DataErrors

    target = tmp_path / "nope" if folder == "missing" else build_dir
    expected = "no such data folder" if folder == "missing" else "not a data folder"
    with pytest.raises(DataErrors, match=expected):
        pipeline.check(target)
    with pytest.raises(DataErrors, match=expected):
        pipeline.build(target, tmp_path / "out")
    assert not (tmp_path / "out" / "store").exists()


@pytest.mark.parametrize("given", ["project", "cases"])
def test_checking_the_project_or_a_folder_of_its_data_names_the_data_folder_to_give(
    tmp_path: Path, given: str
) -> None:
    # pipeline.check("."), from the project's folder, said only "not a data folder".
    from reformgraph import pipeline
    from reformgraph.errors import DataErrors

    data = tmp_path / "project" / "data"
    for sub in ("sources", "cases", "entities"):
        (data / sub).mkdir(parents=True)
    target = data.parent if given == "project" else data / "cases"
    with pytest.raises(DataErrors, match=f"not a data folder: .*: give {re.escape(str(data))},"):
        pipeline.check(target)


def test_a_build_does_not_replace_a_store_folder_it_did_not_make(tmp_path: Path) -> None:
    from reformgraph.errors import OutputFolderError

    mine = tmp_path / "out" / "store" / "mine.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("a user's file", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="is not a store of an earlier build"):
        pipeline.build(DATA, tmp_path / "out")
    assert mine.read_text(encoding="utf-8") == "a user's file"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["store"]


@pytest.mark.parametrize("name", ["entities", "cases", "sources"])
def test_a_link_to_a_folder_in_a_data_folder_is_named_as_not_read(
    tmp_path: Path, name: str
) -> None:
    from reformgraph.errors import DataErrors

    # A folder of the data folder's own is named (its files are not read); a link to one
    # was passed by without a word, and its files were left out of the build.
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    elsewhere = tmp_path / "more"
    elsewhere.mkdir()
    (elsewhere / "extra.yaml").write_text("[]\n", encoding="utf-8")
    (data / name / "more").symlink_to(elsewhere)
    with pytest.raises(DataErrors) as raised:
        pipeline.check(data)
    (error,) = [e for e in raised.value.errors if e.file.endswith("more")]
    assert f"a link to the folder {elsewhere}, which is not read" in error.message
    assert f"must be directly in {name}/" in error.message


def test_yaml_files_opening_with_a_byte_order_mark_are_read_as_without_it(
    tmp_path: Path,
) -> None:
    from reformgraph.io import load_data_folder

    # Notepad's "UTF-8 with BOM" opens a file with a byte-order mark. Opening a YAML file,
    # it is no text (YAML allows one); a source text opening with one is refused (its
    # fixture), as it would count in the offsets of every quote.
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    for folder in ("sources", "entities", "cases"):
        path = min((data / folder).glob("*.yaml"))
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    marked, plain = load_data_folder(data), load_data_folder(DATA)
    assert marked.errors == []
    assert [c.record for c in marked.cases] == [c.record for c in plain.cases]
    assert {k: s.record for k, s in marked.sources.items()} == {
        k: s.record for k, s in plain.sources.items()
    }
    assert dict(marked.entities) == dict(plain.entities)


def test_a_build_does_not_replace_a_cache_folder_it_did_not_make(tmp_path: Path) -> None:
    from reformgraph.errors import OutputFolderError

    # --out ~ : the home folder's .cache is every program's
    home = tmp_path / "home"
    mine = home / ".cache" / "pip" / "mine.txt"
    mine.parent.mkdir(parents=True)
    mine.write_text("a user's file", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="is not the cache of an earlier build"):
        pipeline.build(DATA, home)
    assert mine.read_text(encoding="utf-8") == "a user's file"
    assert sorted(p.name for p in home.iterdir()) == [".cache"]
    assert sorted(p.name for p in (home / ".cache").iterdir()) == ["pip"]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("a file", "is a file, not a folder: a build goes into a folder"),
        ("the data folder", "is a data folder: a build goes into a folder of its own"),
        ("inside the data folder", "is inside the data folder"),
        ("an output name that is a folder", "reformgraph.ttl is a folder, and a build replaces"),
    ],
)
def test_a_folder_that_cannot_take_a_build_is_an_output_folder_error_before_any_work(
    tmp_path: Path, given: str, message: str
) -> None:
    from reformgraph.errors import NoBuildError, OutputFolderError

    # build() raised NoBuildError, "there is no build", for a folder that cannot take one
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    out = {
        "a file": tmp_path / "out",
        "the data folder": data,
        "inside the data folder": data / "build",
        "an output name that is a folder": tmp_path / "out",
    }[given]
    if given == "a file":
        out.write_text("mine", encoding="utf-8")
    elif given == "an output name that is a folder":
        (out / "reformgraph.ttl").mkdir(parents=True)
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    with pytest.raises(OutputFolderError, match=message) as raised:
        pipeline.build(data, out)
    assert isinstance(raised.value, NoBuildError)  # as it was caught before it had a name
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before


# --------------------------------------------------------------------------- not files at all

CASE_4 = "cases/04-investment-performance-evaluation.yaml"
SOURCE_TEXT = "sources/hubei-2025-reform-cases.txt"


def _replace_by(kind: str) -> Callable[[Path], None]:
    """Replace a file of the data folder by something named like it that is not a file."""

    def damage(path: Path) -> None:
        path.unlink(missing_ok=True)
        if kind == "broken link":
            path.symlink_to(path.parent / "gone" / path.name)
        elif kind == "link loop":
            path.symlink_to(path.name)
        elif kind == "folder":
            path.mkdir()
        elif kind == "pipe":
            os.mkfifo(path)
        else:
            path.symlink_to("/dev/zero")

    return damage


NOT_FILES = {
    "case-file-a-broken-link": (CASE_4, "broken link", "a symbolic link to"),
    "case-file-a-link-to-itself": (CASE_4, "link loop", "cannot read: Too many levels"),
    "case-file-a-folder": (CASE_4, "folder", "is a folder, not a file"),
    "case-file-a-pipe": ("cases/09-extra.yaml", "pipe", "is not a regular file"),
    "entities-file-a-folder": ("entities/units.yaml", "folder", "is a folder, not a file"),
    "source-text-a-device": (SOURCE_TEXT, "device", "is not a regular file"),
    "source-text-a-pipe": (SOURCE_TEXT, "pipe", "is not a regular file"),
}


@pytest.mark.parametrize("name", sorted(NOT_FILES))
def test_a_data_file_that_is_not_a_file_is_named_not_skipped(
    name: str, data_copy: Path, out_dir: Path, previous_build: dict[str, bytes]
) -> None:
    # A case file that was a broken link, a folder or a pipe was skipped without a word (the
    # graph lost the case, exit 0), or read for ever; units.yaml as a folder was blamed on
    # the cases that use its units; /dev/zero as the source text ran out of memory.
    file, kind, message = NOT_FILES[name]
    _replace_by(kind)(data_copy / file)
    result = run_build(data_copy, out_dir)
    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    assert f"data/{file}: {message}" in result.stderr
    assert snapshot(out_dir) == previous_build


#: The start of the AppleDouble file macOS writes as ``._<name>`` beside each file it copies
#: to a disk that cannot hold its metadata (a USB stick, a network share).
APPLE_DOUBLE = bytes.fromhex("00051607 00020000") + b"Mac OS X        " + bytes(20)


def test_hidden_files_such_as_the_appledouble_files_of_macos_are_not_read_as_data(
    data_copy: Path,
) -> None:
    # ._01-big-fiscal-system.yaml was read as a case file: "contains NUL characters".
    for folder in ("cases", "entities", "sources"):
        for path in sorted((data_copy / folder).glob("*.yaml")):
            (path.parent / f"._{path.name}").write_bytes(APPLE_DOUBLE)
    result = CliRunner().invoke(app, ["check", "--data", str(data_copy)])
    assert_no_crash(result)
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- publishing


@pytest.mark.parametrize("failing", ["reformgraph.nt", "reformgraph.jsonld", "store", ".cache"])
def test_a_build_that_cannot_be_put_in_place_leaves_the_last_build_whole(
    failing: str,
    data_copy: Path,
    out_dir: Path,
    previous_build: dict[str, bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The files were moved in one by one: a failure on the third left the new .ttl and .nt
    # beside the old .jsonld and store, and a stray .reformgraph.jsonld.new.
    source = data_copy / "sources" / "hubei-2025-reform-cases.yaml"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("the strategic pivot", "the pivot"), encoding="utf-8")
    rename = Path.rename

    def refuse_one(self: Path, target: Any) -> Any:
        if self.name == f".{failing}.new":
            raise PermissionError(1, "Operation not permitted", str(target))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refuse_one)
    result = run_build(data_copy, out_dir)
    assert_no_crash(result)
    assert result.exit_code == 2, result.output
    assert "cannot put the new build in place (Operation not permitted" in result.stderr
    assert "the last build is as it was" in result.stderr
    assert snapshot(out_dir) == previous_build
    assert sorted(p.name for p in out_dir.iterdir()) == sorted(
        [*pipeline.OUTPUT_NAMES, "store", ".cache"]
    )


def test_an_output_file_that_is_a_folder_is_refused_before_any_work(
    data_copy: Path, out_dir: Path
) -> None:
    # It was renamed aside as an old output and deleted once the build was in place.
    (out_dir / "reformgraph.jsonld").unlink()
    (out_dir / "reformgraph.jsonld").mkdir()
    (out_dir / "reformgraph.jsonld" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run_build(data_copy, out_dir)
    assert result.exit_code == 2, result.output
    assert "reformgraph.jsonld is a folder, and a build replaces it with a file" in result.stderr
    assert (out_dir / "reformgraph.jsonld" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_case_whose_file_is_missing_is_a_warning_that_says_so(
    data_copy: Path, tmp_path: Path
) -> None:
    # The lines of a case with no file were blamed on the case before them alone.
    (data_copy / CASE_4).unlink()
    result = CliRunner().invoke(app, ["check", "--data", str(data_copy)])
    warned = " ".join(result.stderr.split())
    assert "data/cases/03-huahu-airport-opening-up.yaml [paragraphs]:" in warned
    assert "belong to no case, and nothing checks their numbers" in warned
    assert "if they are a case of their own, give it a case file" in warned

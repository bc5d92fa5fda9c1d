"""Light records (``reformgraph._record``) behave as the frozen dataclasses they replace;
and the record a build keeps of itself (``engine.BUILD_INFO``), when damaged, is named as
such, not taken for an earlier version's."""

from __future__ import annotations

import copy
import json
import pickle
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reformgraph import __version__, engine
from reformgraph._record import OrderedRecord, Record
from reformgraph.cli import app
from reformgraph.errors import BuiltByAnotherVersion, NoBuildError
from reformgraph.queries import SavedQuery, saved_queries


class Point(OrderedRecord):
    x: int
    y: int

    def __init__(self, x: int, y: int = 0) -> None:
        self._fill(x, y)


class Label(Record):
    text: str

    def __init__(self, text: str) -> None:
        self._fill(text)


def test_records_compare_hash_and_print_by_their_fields() -> None:
    assert Point(1, 2) == Point(1, 2)
    assert Point(1, 2) != Point(2, 1)
    assert hash(Point(1, 2)) == hash(Point(1, 2))
    assert repr(Point(1, 2)) == "Point(x=1, y=2)"
    assert Label("a") != "a"


def test_ordered_records_sort_by_their_fields_in_order() -> None:
    assert sorted([Point(2, 0), Point(1, 5), Point(1, 2)]) == [
        Point(1, 2),
        Point(1, 5),
        Point(2, 0),
    ]


def test_records_cannot_be_changed_once_made() -> None:
    point = Point(1, 2)
    with pytest.raises(AttributeError, match="cannot assign to field 'x'"):
        point.x = 3  # type: ignore[misc]
    with pytest.raises(AttributeError, match="cannot delete field 'y'"):
        del point.y


def test_records_copy_and_pickle() -> None:
    point = Point(1, 2)
    assert pickle.loads(pickle.dumps(point)) == point
    assert copy.deepcopy(point) == point


def test_replace_makes_a_changed_copy_and_leaves_the_record_alone() -> None:
    query = saved_queries()["cases"]
    changed = query._replace(text="SELECT * WHERE { ?s ?p ?o }")
    assert isinstance(changed, SavedQuery)
    assert changed.text == "SELECT * WHERE { ?s ?p ?o }"
    assert (changed.name, changed.columns, changed.path) == (query.name, query.columns, query.path)
    assert query.text != changed.text
    assert query._replace() == query


def test_replace_rejects_a_field_the_record_does_not_have() -> None:
    with pytest.raises(TypeError, match="Point has no field 'z'"):
        Point(1, 2)._replace(z=3)


# --------------------------------------------------------------------------- a build's record
#
# The record a build writes in its store (reformgraph-build.json, see engine.BUILD_INFO):
# one that is there but damaged is named as such, not taken for an earlier version's.

DAMAGED_RECORDS = {
    "empty": ("", "the record of the build is empty"),
    "cut-short": ('{"data_model": "crc', "the record of the build is not valid JSON (Unterminated"),
    "not-an-object": ("[1]\n", "the record of the build is not a JSON object"),
    "no-data-model": ('{"format": 1}\n', 'the record of the build has no "data_model" field'),
    "this-version-without-its-model": (
        json.dumps({"format": 1, "reformgraph": __version__}),
        'the record of the build has no "data_model" field',
    ),
}


@pytest.fixture
def copied_build(build_dir: Path, tmp_path: Path) -> Path:
    """A copy of the real data's build, to change."""
    return Path(shutil.copytree(build_dir, tmp_path / "build"))


@pytest.mark.parametrize("damage", sorted(DAMAGED_RECORDS))
def test_a_damaged_build_record_is_named_not_taken_for_an_earlier_version(
    copied_build: Path, damage: str
) -> None:
    # It said "built by another version of reformgraph (an earlier one, which did not
    # record its version or its data model)" of an empty record, or one cut short.
    text, said = DAMAGED_RECORDS[damage]
    record = copied_build / "store" / engine.BUILD_INFO
    record.write_text(text, encoding="utf-8")
    with pytest.raises(NoBuildError) as refused:
        engine.open_store(copied_build / "store")
    message = str(refused.value)
    assert not isinstance(refused.value, BuiltByAnotherVersion)
    assert message.startswith(f"{record}: {said}"), message
    assert "earlier" not in message
    assert "another version" not in message
    assert f"build again (reformgraph build --data DATA --out {copied_build}" in message


def test_a_damaged_build_record_is_named_on_the_command_line_without_a_traceback(
    copied_build: Path,
) -> None:
    record = copied_build / "store" / engine.BUILD_INFO
    record.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["query", "cases", "--build", str(copied_build)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"{record}: the record of the build is empty"), result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("version", "said"),
    [("0.0.9", "an earlier version"), ("99.0", "a later version"), ("dev", "another version")],
)
def test_a_record_naming_another_version_without_its_model_says_which_version(
    copied_build: Path, version: str, said: str
) -> None:
    record = copied_build / "store" / engine.BUILD_INFO
    record.write_text(json.dumps({"format": 1, "reformgraph": version}), encoding="utf-8")
    with pytest.raises(BuiltByAnotherVersion) as refused:
        engine.open_store(copied_build / "store")
    message = str(refused.value)
    assert message.startswith(
        f"{copied_build}: built by reformgraph {version}, {said} than this one ({__version__})"
    ), message
    assert f'its record ({record}) does not name (no "data_model" field)' in message

"""Light records (``reformgraph._record``) behave as the frozen dataclasses they replace."""

from __future__ import annotations

import copy
import pickle

import pytest

from reformgraph._record import OrderedRecord, Record
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

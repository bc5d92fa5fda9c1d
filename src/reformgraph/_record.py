"""Light value classes: what ``@dataclass(frozen=True)`` gives, without importing dataclasses.

The modules a local query imports (see :mod:`reformgraph.entry`) keep their values in
these: importing :mod:`dataclasses` (and through it :mod:`inspect`) costs a query on the
command line about 10 ms, as long as opening the store and running the query.

A record's fields are its class's own annotations, in order, as a dataclass's are. Records
compare equal when they are of the same class with equal fields, hash and print by their
fields as dataclasses do, copy and pickle, and cannot be changed once made. A subclass
annotates its fields and writes an ``__init__`` that hands them, in that order, to
:meth:`Record._fill`.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not imported from typing, which a local query does not load
if TYPE_CHECKING:
    from typing_extensions import Self

__all__ = ["OrderedRecord", "Record"]


class Record:
    """A frozen value object whose fields are its class's annotations."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        own = tuple(cls.__annotations__)  # the class's own (since Python 3.10), in order
        if own:
            cls._fields = own

    def _fill(self, *values: object) -> None:
        for name, value in zip(self._fields, values, strict=True):
            object.__setattr__(self, name, value)

    def _values(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{self.__class__.__qualname__}({fields})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Record], tuple[object, ...]]:
        return self.__class__, self._values()

    def _replace(self, **changes: object) -> Self:
        """A copy with some fields changed, as :func:`dataclasses.replace` makes one."""
        unknown = sorted(set(changes) - set(self._fields))
        if unknown:
            raise TypeError(f"{self.__class__.__qualname__} has no field {unknown[0]!r}")
        values = [changes.get(name, getattr(self, name)) for name in self._fields]
        return self.__class__(*values)

    __replace__ = _replace  # what copy.replace (Python 3.13) calls


class OrderedRecord(Record):
    """A record that also orders by its fields, as ``@dataclass(order=True)`` does."""

    __slots__ = ()

    def _key(self, other: object) -> tuple[tuple[object, ...], tuple[object, ...]] | None:
        if other.__class__ is not self.__class__:
            return None
        return self._values(), other._values()

    def __lt__(self, other: object) -> bool:
        pair = self._key(other)
        return NotImplemented if pair is None else pair[0] < pair[1]

    def __le__(self, other: object) -> bool:
        pair = self._key(other)
        return NotImplemented if pair is None else pair[0] <= pair[1]

    def __gt__(self, other: object) -> bool:
        pair = self._key(other)
        return NotImplemented if pair is None else pair[0] > pair[1]

    def __ge__(self, other: object) -> bool:
        pair = self._key(other)
        return NotImplemented if pair is None else pair[0] >= pair[1]

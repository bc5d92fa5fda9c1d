"""Reading the data folder from disk, and writing build output atomically.

Everything that touches the file system lives here: finding the project, reading YAML
(with line numbers for error messages, and without aliases), validating it against the
typed models, and writing files so that a failed write never leaves half a file.
"""

from __future__ import annotations

import errno
import hashlib
import marshal
import os
import re
import stat
import tempfile
import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, partial
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError
from rdflib import Graph

from reformgraph._unshown import (
    CONTROL,
    CONTROL_CHARACTERS,
    INVISIBLE,
    INVISIBLE_CHARACTERS,
    invisible_named,
)
from reformgraph.errors import DataError, DataErrors, closest, yaml_path
from reformgraph.models import (
    PATTERN_MEANINGS,
    WORDED,
    Bilingual,
    Case,
    Conversion,
    Definition,
    Entity,
    EntityType,
    Source,
)
from reformgraph.project import (
    data_folder_hint,
    find_project,
    is_data_folder,
    ontology_file,
    resolve_data_folder,
)

__all__ = [
    "CaseFile",
    "Dataset",
    "EntityTable",
    "LineMap",
    "SourceFile",
    "StrPath",
    "atomic_write_bytes",
    "case_file_paths",
    "case_folder_errors",
    "entity_file_paths",
    "find_project",
    "is_data_folder",
    "load_case_file",
    "load_data_folder",
    "load_ontology",
    "load_shapes",
    "load_shared",
    "read_file_bytes",
    "read_text_file",
    "read_yaml",
    "resolve_data_folder",
    "shown",
    "source_metadata_paths",
]

YAML_SUFFIXES = (".yaml", ".yml")
#: The largest YAML file we read; our case files are a few kilobytes.
MAX_YAML_BYTES = 2_000_000
#: What to do about a larger one: it said only "file is larger than 2000000 bytes", and a
#: national collection's organisations in one file are larger.
YAML_TOO_LARGE = (
    ", the most one YAML file of the data may hold: split it into several (entities/ reads"
    " every YAML file in it; a case file holds one case)"
)
#: The largest source text we read: a compilation of a province's reports runs to a few
#: hundred kilobytes; a whole year's national reports would fit many times over.
MAX_SOURCE_BYTES = 200_000_000

#: A path as the public functions take it: a ``Path`` or a string.
StrPath = str | os.PathLike[str]
ModelT = TypeVar("ModelT", bound=BaseModel)
PathKey = tuple[str | int, ...]
#: A ``map`` over files, e.g. a process pool's (see :func:`load_shared`).
MapFiles = Callable[[Callable[[Path], Any], list[Path]], Iterable[Any]]


@dataclass(frozen=True)
class LineMap:
    """The line (1-based) of every node of a YAML document, by its path."""

    file: str
    lines: Mapping[PathKey, int] = field(default_factory=dict)
    #: Look-alikes of YAML syntax in plain scalars and keys that YAML read without failing
    #: (a full-width colon after a key in {..}, a full-width comma in [..], a full-width
    #: hyphen before a list's first item): by the node's path (a key's ends in :data:`_KEY`),
    #: the line of the character and what is wrong. Named only if the value is found wrong.
    look_alikes: Mapping[PathKey, tuple[int, str]] = field(default_factory=dict)

    def line(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        parts = tuple(path)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return self.lines.get((), None)

    def error(self, path: Sequence[str | int], message: str) -> DataError:
        return DataError(self.file, self.line(path), yaml_path(path), message)

    def path_at(self, line: int) -> PathKey:
        """The deepest node that starts on ``line`` or, failing that, the last one that
        starts before it (a line inside a multi-line value); ``()`` if none does."""
        best: PathKey = ()
        best_line = 0
        for path, start in self.lines.items():
            if start > line:
                continue
            if start > best_line or (start == best_line and len(path) > len(best)):
                best, best_line = path, start
        return best


@dataclass(frozen=True)
class SourceFile:
    record: Source
    text: str
    lines: LineMap


@dataclass(frozen=True)
class CaseFile:
    record: Case
    lines: LineMap


@dataclass(frozen=True)
class Dataset:
    """A data folder read from disk and validated against the models."""

    root: Path
    sources: dict[str, SourceFile]
    entities: Mapping[str, Entity]
    entity_lines: Mapping[str, tuple[LineMap, PathKey]]
    cases: list[CaseFile]
    #: Problems with case files that could not be read; the other cases are still
    #: checked, so that one broken file does not hide the errors of the rest.
    errors: list[DataError] = field(default_factory=list)


# --------------------------------------------------------------------------- entities


def _pack(entity: Entity) -> bytes:
    """An entity's fields as a few hundred bytes (see :class:`EntityTable`)."""
    definition = entity.definition
    return marshal.dumps(
        (
            entity.id,
            entity.type.value,
            entity.label.zh,
            entity.label.en,
            tuple((alt.zh, alt.en) for alt in entity.alt_labels),
            None if definition is None else (definition.zh, definition.en),
            tuple(entity.broader),
            tuple(entity.part_of),
            tuple(entity.distinct_from),
            entity.growth_rate_of,
            tuple(entity.symbols),
            entity.code,
            entity.qudt,
            None
            if entity.conversion is None
            else (entity.conversion.unit, str(entity.conversion.factor)),
        )
    )


_Model = TypeVar("_Model", bound=BaseModel)


def _constructor(cls: type[_Model]) -> Callable[[dict[str, Any]], _Model]:
    """A fast ``cls.model_construct(**fields)`` for a dict of every field of ``cls``, in
    their order: the instance ``model_construct`` makes (fields, fields set, no extra, no
    private attributes), at a fifth of its cost: :func:`_unpack` makes hundreds of
    thousands. Falls back to ``model_construct`` for models that need more."""
    if cls.__pydantic_post_init__ or cls.__pydantic_root_model__:
        return lambda fields: cls.model_construct(**fields)
    if cls.model_config.get("extra") == "allow" or cls.__private_attributes__:
        return lambda fields: cls.model_construct(**fields)
    new, setattr_ = cls.__new__, object.__setattr__

    def construct(fields: dict[str, Any]) -> _Model:
        model = new(cls)
        setattr_(model, "__dict__", fields)
        setattr_(model, "__pydantic_fields_set__", set(fields))
        setattr_(model, "__pydantic_extra__", None)
        setattr_(model, "__pydantic_private__", None)
        return model

    return construct


_CONSTRUCT: dict[type[BaseModel], Callable[[dict[str, Any]], Any]] = {}


def _construct(cls: type[_Model], fields: dict[str, Any]) -> _Model:
    found = _CONSTRUCT.get(cls)
    if found is None:
        found = _CONSTRUCT[cls] = _constructor(cls)
    model: _Model = found(fields)
    return model


def _unpack(packed: bytes) -> Entity:
    """The entity :func:`_pack` packed (already validated: it is not validated again)."""
    (
        entity_id,
        kind,
        zh,
        en,
        alts,
        definition,
        broader,
        part_of,
        distinct_from,
        growth_rate_of,
        symbols,
        code,
        qudt,
        conversion,
    ) = marshal.loads(packed)
    return _construct(
        Entity,
        {
            "id": entity_id,
            "type": EntityType(kind),
            "label": _construct(Bilingual, {"zh": zh, "en": en}),
            "alt_labels": [_construct(Bilingual, {"zh": a, "en": b}) for a, b in alts],
            "definition": None
            if definition is None
            else _construct(Definition, {"zh": definition[0], "en": definition[1]}),
            "broader": list(broader),
            "part_of": list(part_of),
            "distinct_from": list(distinct_from),
            "growth_rate_of": growth_rate_of,
            "symbols": list(symbols),
            "code": code,
            "qudt": qudt,
            "conversion": None
            if conversion is None
            else _construct(Conversion, {"unit": conversion[0], "factor": Decimal(conversion[1])}),
        },
    )


class EntityTable(Mapping[str, Entity]):
    """The shared entities of a data folder by id, each kept packed and rebuilt on access.

    A validated :class:`~reformgraph.models.Entity` takes about 2 KB of memory and its
    packed fields about 150 bytes: a national collection has close to a million entities,
    and every build process reads them. The most recently used are kept unpacked. Each
    entity's place in its file (for error messages) is kept as two numbers; the file's
    line numbers are read again only when an error needs one.
    """

    #: How many unpacked entities are kept.
    RECENT = 4096

    def __init__(self) -> None:
        self._packed: dict[str, bytes] = {}
        self._places: dict[str, tuple[int, int]] = {}
        self._files: list[LineMap] = []
        self._recent: dict[str, Entity] = {}

    def add(self, entity: Entity, lines: LineMap, index: int) -> None:
        """Add an entity, found at item ``index`` of the file ``lines`` describes."""
        self.add_packed(entity.id, _pack(entity), lines, index)

    def add_packed(self, entity_id: str, packed: bytes, lines: LineMap, index: int) -> None:
        """:meth:`add` for an entity already packed (in another process)."""
        if not self._files or self._files[-1] is not lines:
            self._files.append(lines)
        self._packed[entity_id] = packed
        self._places[entity_id] = (len(self._files) - 1, index)

    def __getitem__(self, entity_id: str) -> Entity:
        entity = self._recent.get(entity_id)
        if entity is None:
            entity = _unpack(self._packed[entity_id])
            if len(self._recent) >= self.RECENT:
                self._recent.clear()
            self._recent[entity_id] = entity
        return entity

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._packed

    def __iter__(self) -> Iterator[str]:
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def values(self) -> Iterator[Entity]:  # type: ignore[override]
        """Every entity, unpacked one at a time (the recent ones are left alone)."""
        return (_unpack(packed) for packed in self._packed.values())

    def items(self) -> Iterator[tuple[str, Entity]]:  # type: ignore[override]
        return ((entity_id, _unpack(packed)) for entity_id, packed in self._packed.items())

    def place(self, entity_id: str) -> tuple[LineMap, PathKey]:
        """The file of an entity (its lines) and the entity's path in it."""
        file, index = self._places[entity_id]
        return self._files[file], (index,)


class _EntityPlaces(Mapping[str, tuple[LineMap, PathKey]]):
    """:attr:`Dataset.entity_lines` of an :class:`EntityTable`."""

    def __init__(self, table: EntityTable) -> None:
        self._table = table

    def __getitem__(self, entity_id: str) -> tuple[LineMap, PathKey]:
        return self._table.place(entity_id)

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)


class _LinesOnDemand(Mapping[PathKey, int]):
    """The line numbers of a YAML file, read (again) the first time one is asked for."""

    def __init__(self, path: Path, display: str) -> None:
        self._path = path
        self._display = display
        self._lines: Mapping[PathKey, int] | None = None

    def _read(self) -> Mapping[PathKey, int]:
        if self._lines is None:
            try:
                self._lines = read_yaml(self._path, self._display)[1].lines
            except DataErrors:
                self._lines = {}
        return self._lines

    def __getitem__(self, key: PathKey) -> int:
        return self._read()[key]

    def __iter__(self) -> Iterator[PathKey]:
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())


# --------------------------------------------------------------------------- finding


# --------------------------------------------------------------------------- YAML


class _Loader(yaml.SafeLoader):
    """A safe loader that refuses aliases (no document can expand exponentially) and
    resolves plain scalars with :data:`_RESOLVERS`."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in reformgraph data", event.start_mark
            )
        return super().compose_node(parent, index)


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
#: The numbers we read, in decimal only: YAML 1.1 reads 010 as 8 (octal), 0x10 as 16 and
#: 2:00 as 120 (base 60), where a curator means 10, a code or a time. Those are kept as
#: text, which a number field refuses saying why (and a text field keeps as written).
_NUMBER_PATTERNS = {
    _INT_TAG: re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"),
    _FLOAT_TAG: re.compile(
        r"""^(?:[-+]?(?:0|[1-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
        |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
}
#: PyYAML's implicit resolvers, but for dates (kept as text: the models check them, with
#: the field's name in the message) and numbers (decimal only, see above).
_RESOLVERS: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {
    first: [
        (tag, _NUMBER_PATTERNS.get(tag, regexp))
        for tag, regexp in resolvers
        if tag != "tag:yaml.org,2002:timestamp"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.yaml_implicit_resolvers = _RESOLVERS

_STR_TAG = "tag:yaml.org,2002:str"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MAP_TAG = "tag:yaml.org,2002:map"


def _resolve(self: Any, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
    """PyYAML's ``BaseResolver.resolve`` for loaders without path resolvers (ours), which
    runs once for every node: without the list it builds on each call, three times as
    fast (a data folder of 10,000 cases has about a million nodes)."""
    if kind is yaml.ScalarNode:
        if implicit[0]:
            for tag, regexp in _RESOLVERS.get(value[:1], ()):
                if regexp.match(value):
                    return tag
        return _STR_TAG
    return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG


if getattr(yaml, "__with_libyaml__", False):

    class _FastLoader(yaml.CSafeLoader):
        """libyaml's parser; aliases are refused while the node tree is read."""

        resolve = _resolve

    _FastLoader.yaml_implicit_resolvers = _RESOLVERS
    _LOADER: type[Any] = _FastLoader
else:  # pragma: no cover - PyYAML without libyaml
    _LOADER = _Loader

#: A control or an invisible character (see :mod:`reformgraph._unshown`): one search finds
#: either in a text (and a carriage return, which only a line ending may hold).
UNSHOWN = re.compile(f"[{CONTROL_CHARACTERS}{INVISIBLE_CHARACTERS}]")
#: What to do about an invisible character at a column of a line.
_DELETE_INVISIBLE = "delete it (the character at that column, which shows as nothing)"


#: How deeply a data file may nest; ours nest five or six levels.
MAX_DEPTH = 40


def _allowed_tag(node: yaml.Node) -> bool:
    """Whether ``node``'s tag is one reformgraph data may carry: a mapping's or a list's
    own, or on a scalar one of YAML's (``!!int eight`` is then refused as not a number)."""
    if isinstance(node, yaml.MappingNode):
        return bool(node.tag == _MAP_TAG)
    if isinstance(node, yaml.SequenceNode):
        return bool(node.tag == _SEQ_TAG)
    tag = str(node.tag)
    return tag.startswith("tag:yaml.org,2002:") and "/" not in tag[len("tag:yaml.org,2002:") :]


def _short_tag(tag: str) -> str:
    """A tag as written in YAML: ``!!python/object`` for ``tag:yaml.org,2002:python/object``."""
    return (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )


class _Reader:
    """Builds Python values from a YAML node tree, recording every node's line."""

    def __init__(self, loader: Any, unshown: re.Pattern[str] = UNSHOWN) -> None:
        self.loader = loader
        #: What a text is searched for: the control and the invisible characters, or the
        #: control characters alone in a file that holds no invisible one.
        self.unshown = unshown
        self.lines: dict[PathKey, int] = {}
        self.problems: list[tuple[int, str]] = []
        self.seen: set[int] = set()
        self.aliased = False
        #: Plain scalars (values and keys) holding a look-alike of YAML syntax: their
        #: path, where the character would be if the scalar is on one line (0-based line
        #: and column), the character, what it is and what YAML needs. Most files have none.
        self.suspects: list[tuple[PathKey, int, int, str, str, str]] = []
        #: Scalars (values and keys) holding an invisible character: their path, where
        #: they begin and end (0-based line and column), the first such character and
        #: whether the scalar is a key.
        self.hidden: list[tuple[PathKey, tuple[int, int], tuple[int, int], str, bool]] = []

    def invisible(self, node: yaml.ScalarNode, path: PathKey, char: str, key: bool) -> None:
        start, end = node.start_mark, node.end_mark
        self.hidden.append((path, (start.line, start.column), (end.line, end.column), char, key))

    def suspect(self, node: yaml.ScalarNode, path: PathKey, flow: bool, key: bool) -> None:
        text = str(node.value)
        found = _scalar_look_alike(text, flow, key)
        if found is not None:
            offset, what, needs = found
            mark = node.start_mark
            self.suspects.append((path, mark.line, mark.column + offset, text[offset], what, needs))

    def value(self, node: yaml.Node, path: PathKey, flow: bool = False) -> Any:
        line = node.start_mark.line + 1
        self.lines[path] = line
        if id(node) in self.seen:
            # An alias: the same node reached twice (libyaml resolves *name to its anchor).
            self.aliased = True
            return None
        self.seen.add(id(node))
        if len(path) > MAX_DEPTH:
            self.problems.append((line, f"nested more than {MAX_DEPTH} levels deep"))
            return None
        if not _allowed_tag(node):
            # The safe loader calls no Python, but it would read a tagged mapping or list
            # (!!python/object/apply:os.system {…}, !!set) as the plain one, without a word.
            self.problems.append(
                (line, f"the tag {_short_tag(node.tag)} is not allowed in reformgraph data")
            )
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            inner = bool(node.flow_style)
            return [self.value(item, (*path, i), inner) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)  # the third kind of node
        text = node.value
        if text and not node.style and (text[0] in _SUSPECT_FIRST or _SUSPECT_IN.search(text)):
            self.suspect(node, path, flow, False)
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            reason = getattr(exc, "problem", None) or str(exc)
            self.problems.append((line, f"cannot read the value {node.value!r}: {reason}"))
            return None
        if not isinstance(value, str) or self.unshown.search(value) is None:
            return value
        hidden = INVISIBLE.search(value)
        if hidden is not None:
            self.invisible(node, path, hidden[0], False)
        control = CONTROL.search(value)
        if control is not None:
            # YAML refuses one typed into the file, not one written as an escape ("\e[31m").
            self.problems.append(
                (
                    line,
                    f"U+{ord(control[0]):04X}, a control character (an escape in quotes), is"
                    " not allowed in reformgraph data: a terminal that shows the text takes"
                    " it for a command (to colour, retitle or link): delete it",
                )
            )
        return None

    def mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, int] = {}
        inner = bool(node.flow_style)
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<":
                self.problems.append(
                    (key_line, "merge keys (<<) are not allowed in reformgraph data")
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
                self.problems.append((key_line, f"keys must be names, not {shown!r}"))
                continue
            key = str(key_node.value)
            hidden = INVISIBLE.search(key) if self.unshown is UNSHOWN else None
            if hidden is not None:
                self.invisible(key_node, path, hidden[0], True)
                continue
            if key in first:
                self.problems.append(
                    (key_line, f"duplicate key {key!r} (first on line {first[key]})")
                )
                continue
            first[key] = key_line
            child = (*path, key)
            if "\uff1a" in key and not key_node.style:
                self.suspect(key_node, (*child, _KEY), inner, True)
            out[key] = self.value(value_node, child, inner)
            self.lines[child] = key_line
        return out


def read_file_bytes(path: StrPath, display: str, max_bytes: int, too_large: str = "") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; :class:`DataErrors` naming
    the file (as ``display``) otherwise (``too_large`` says what to do about a larger one).
    A folder, a device or a pipe named like a data file is refused before it is opened:
    reading a pipe would wait for ever, a device without end."""
    path = Path(path)

    def refuse(message: str) -> DataErrors:
        return DataErrors([DataError(display, None, "", message)])

    try:
        info = path.stat()
    except OSError as exc:
        if path.is_symlink() and exc.errno == errno.ENOENT:
            raise refuse(f"a symbolic link to {path.readlink()}, which does not exist") from None
        raise refuse(f"cannot read: {exc.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise refuse("is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise refuse("is not a regular file (a device, a pipe or a socket): not read")
    if info.st_size > max_bytes:
        raise refuse(f"file is larger than {max_bytes:,} bytes ({info.st_size:,}){too_large}")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise refuse(f"cannot read: {exc.strerror}") from None
    if len(raw) > max_bytes:  # it grew while read
        raise refuse(f"file is larger than {max_bytes:,} bytes ({len(raw):,}){too_large}")
    return raw


def _encoding_hint(raw: bytes, bad_at: int) -> str:
    """What a file that is not UTF-8 (from byte ``bad_at`` on) seems to be written in, and
    how to convert it: the byte-order mark of UTF-16, or Chinese text that reads as
    GB18030 (GBK, GB2312), as Windows editors in China save it; "" if neither, or if
    Chinese before that byte is UTF-8 (a damaged or stray byte, in text that is UTF-8)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return (
            " (it is UTF-16, by its byte-order mark: save it as UTF-8, or convert it with"
            " iconv -f UTF-16 -t UTF-8)"
        )
    head = raw[:4096]
    for order, zeros in (("LE", head[1::2]), ("BE", head[::2])):
        # ASCII (keys, ids) written in UTF-16 has a zero byte in every other place
        if len(zeros) >= 8 and zeros.count(0) >= len(zeros) // 3:
            return (
                f" (it looks like UTF-16{order}, without a byte-order mark: save it as UTF-8,"
                f" or convert it with iconv -f UTF-16{order} -t UTF-8)"
            )
    if not raw[:bad_at].isascii():
        return ""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return ""
    if re.search("[\u4e00-\u9fff]", text):
        return (
            " (it reads as GB18030/GBK Chinese: save it as UTF-8, or convert it with"
            " iconv -f GB18030 -t UTF-8)"
        )
    return ""


def read_text_file(
    path: StrPath, display: str, max_bytes: int = MAX_YAML_BYTES, too_large: str = ""
) -> str:
    """The text of a small UTF-8 file (a byte-order mark dropped); raise :class:`DataErrors`
    naming the file (as ``display``) and the line if it cannot be read, is not a file (a
    folder, a device, a broken link), is larger than ``max_bytes`` (``too_large`` says what
    to do), is not UTF-8 or holds NUL characters."""
    raw = read_file_bytes(path, display, max_bytes, too_large)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataErrors(
            [
                DataError(
                    display,
                    line,
                    "",
                    f"not UTF-8: byte 0x{raw[exc.start]:02x} at offset {exc.start}"
                    + _encoding_hint(raw, exc.start),
                )
            ]
        ) from exc
    if "\x00" in text:
        raise DataErrors(
            [
                DataError(
                    display,
                    None,
                    "",
                    "contains NUL characters: not a text file" + _encoding_hint(raw, len(raw)),
                )
            ]
        )
    return text


#: Characters that look like what YAML needs, typed where it needs that (a Chinese input
#: method gives full-width forms): what each is, and what YAML needs instead.
_INDENTS = {
    "\t": ("a tab character", "YAML indents with spaces only; replace it with spaces"),
    "\u3000": (
        "an ideographic (full-width) space '\u3000' (U+3000)",
        "YAML indents with ordinary spaces; replace it with spaces",
    ),
    "\u00a0": (
        "a non-breaking space (U+00A0)",
        "YAML indents with ordinary spaces; replace it with a space",
    ),
}
_LOOK_ALIKE_KEY = re.compile(r"^[ ]*(?:-[ ]+)?[A-Za-z_][A-Za-z0-9_]*[ ]*(?P<mark>[\uff1a:])")
_DASHES = {
    "\uff0d": "a full-width hyphen '\uff0d' (U+FF0D)",
    "\u2014": "an em dash '\u2014' (U+2014)",
    "\u2013": "an en dash '\u2013' (U+2013)",
    "\u2212": "a minus sign '\u2212' (U+2212)",
}
#: What a list item's '-' may be followed by that looks like a space and is not one.
_AFTER_DASH = {
    "\u00a0": "a no-break space (U+00A0)",
    "\u3000": "an ideographic (full-width) space '\u3000' (U+3000)",
}
#: The last part of the path of a look-alike in a key (no YAML key holds a NUL).
_KEY = "\x00key"
_COLON = "a full-width colon '\uff1a' (U+FF1A)"
_COLON_NEEDS = "after a key YAML needs ':' (the ASCII colon) and a space"
_COMMA = "a full-width comma '\uff0c' (U+FF0C)"
_COMMA_NEEDS = "YAML separates the items of [a, b] and {a: 1, b: 2} with ',' (the ASCII comma)"
#: A key and a full-width colon (U+FF1A) at the start of a text, which YAML read as text.
_KEY_AND_COLON = re.compile(r"[A-Za-z_][A-Za-z0-9_]*[ ]*\uff1a")
#: Inside a flow collection, a key and a full-width colon after '{' or ',' (``{zh\uff1a
#: x}``), or a full-width comma before a key (``{zh: x\uff0cen: y}``).
_FLOW_COLON = re.compile(r"[{,][ ]*[A-Za-z_][A-Za-z0-9_]*[ ]*(?P<mark>\uff1a)")
_FLOW_COMMA = re.compile(r"(?P<mark>\uff0c)[ ]*[A-Za-z_][A-Za-z0-9_]*[ ]*[:\uff1a](?:[ ]|$)")
#: A quoted scalar (where it may begin): what it holds is text, never syntax.
_QUOTED = re.compile(r"""(?:(?<=[\s\[{,:])|^)(?:"(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?)""")
#: The first characters (and characters anywhere) that make a plain scalar worth a look.
_SUSPECT_FIRST = frozenset({*_DASHES, "-"})
_SUSPECT_IN = re.compile("[\uff1a\uff0c]")


def _wide(char: str) -> bool:
    """Whether a character is one of Chinese text (wide or full-width), not of an id."""
    import unicodedata

    return unicodedata.east_asian_width(char) in ("W", "F")


def _scalar_look_alike(text: str, flow: bool, key: bool) -> tuple[int, str, str] | None:
    """A look-alike of YAML syntax in a plain scalar that YAML read without failing: its
    offset in ``text``, what it is and what YAML needs instead; or None. ``flow``: the
    scalar is an item or value of a [..] or {..}; ``key``: it is a mapping's key.

    Chinese text holds full-width punctuation: a full-width colon counts only after a
    key's name at the start, a full-width comma only inside [..] or {..} and between
    characters of ids, not of Chinese; and the caller names it only if the value was
    found wrong."""
    if not key:
        if text[0] in _DASHES and text[1:2] in ("", " ", *_AFTER_DASH):
            return 0, _DASHES[text[0]], "a list item begins with '-' (the ASCII hyphen) and a space"
        if text[0] == "-" and text[1:2] in _AFTER_DASH:
            return 1, _AFTER_DASH[text[1]], "after a list item's '-' YAML needs an ordinary space"
    colon = _KEY_AND_COLON.match(text)
    if colon is not None:
        return colon.end() - 1, _COLON, _COLON_NEEDS
    if flow and not key:
        for at, char in enumerate(text):
            if char != "\uff0c":
                continue
            before = text[:at].rstrip(" ")[-1:]
            after = text[at + 1 :].lstrip(" ")[:1]
            if before and not _wide(before) and not (after and _wide(after)):
                return at, _COMMA, _COMMA_NEEDS
    return None


def _look_alike_on(line: str) -> tuple[int, str] | None:
    """A look-alike of what YAML needs on one line: (its column, 1-based, and what is
    wrong), or None."""
    body = line.lstrip(" ")
    indent = len(line) - len(body)
    stripped = body.lstrip(" -") if body.startswith("- ") else body
    offset = len(line) - len(stripped)
    for at, char in enumerate(line[: len(line) - len(line.lstrip())]):
        if char in _INDENTS:
            what, needs = _INDENTS[char]
            return at + 1, f"{what} at column {at + 1}: {needs}"
    for at in (indent, offset):
        char = line[at : at + 1]
        if char in _DASHES and line[at + 1 : at + 2] in ("", " ", *_AFTER_DASH):
            return at + 1, (
                f"{_DASHES[char]} at column {at + 1}: a list item begins with '-' (the ASCII"
                " hyphen) and a space"
            )
    if body[:1] == "-" and body[1:2] in _AFTER_DASH:
        return indent + 2, (
            f"{_AFTER_DASH[body[1]]} at column {indent + 2}: after a list item's '-' YAML needs"
            " an ordinary space"
        )
    key = _LOOK_ALIKE_KEY.match(line)
    if key is not None:
        at = key.start("mark")
        if key["mark"] == "\uff1a":
            return at + 1, f"{_COLON} at column {at + 1}: {_COLON_NEEDS}"
        after = line[at + 1 : at + 2]
        if after in _INDENTS:
            what, _ = _INDENTS[after]
            return at + 2, (
                f"{what} at column {at + 2}: after a key's ':' YAML needs an ordinary space"
            )
    if "\uff1a" in line or "\uff0c" in line:
        # Inside [..] or {..}: what quotes hold is text (blanked, columns kept).
        unquoted = _QUOTED.sub(lambda m: "_" * len(m[0]), line)
        opened = min((at for at in (unquoted.find("{"), unquoted.find("[")) if at >= 0), default=-1)
        if opened >= 0:
            found = [
                (m.start("mark"), what, needs)
                for pattern, what, needs in (
                    (_FLOW_COLON, _COLON, _COLON_NEEDS),
                    (_FLOW_COMMA, _COMMA, _COMMA_NEEDS),
                )
                for m in pattern.finditer(unquoted, opened)
            ]
            if found:
                at, what, needs = min(found)
                return at + 1, f"{what} at column {at + 1}: {needs}"
    return None


def _look_alike(lines: Sequence[str], first: int, last: int) -> tuple[int, str, str] | None:
    """The first look-alike character (a tab or an ideographic space indenting a line, a
    full-width colon after a key, a full-width hyphen before a list item, a no-break
    space after one's '-', a full-width colon or comma inside [..] or {..}) on the lines
    ``first`` to ``last`` (1-based) where YAML failed, or on one before them: (its line,
    "", what is wrong), or None."""
    for number in range(max(1, first - 1), min(last, len(lines)) + 1):
        found = _look_alike_on(lines[number - 1])
        if found is not None:
            return number, "", found[1]
    # A list's first item with a look-alike of '- ' made YAML read it and the items below
    # as one text, until a ': ' in one of them failed: the lines of that block above.
    if not 1 <= last <= len(lines):
        return None
    block = len(lines[last - 1]) - len(lines[last - 1].lstrip(" "))
    for number in range(first - 2, 0, -1):
        line = lines[number - 1]
        if not line.strip() or line.lstrip(" ").startswith("#"):
            continue
        if len(line) - len(line.lstrip(" ")) < block:
            break
        found = _look_alike_on(line)
        if found is not None:
            return number, "", found[1]
    return None


def _placed(
    suspects: Sequence[tuple[PathKey, int, int, str, str, str]], text: str
) -> dict[PathKey, tuple[int, str]]:
    """The look-alikes the reader found, each with the line (1-based) of its character in
    ``text`` and what is wrong, with its column (a scalar folded from several lines is
    searched for the character from where it begins)."""
    lines = text.split("\n")
    placed: dict[PathKey, tuple[int, str]] = {}
    for path, line, column, char, what, needs in suspects:
        if lines[line][column : column + 1] != char:
            for number in range(line, len(lines)):
                found = lines[number].find(char, column if number == line else 0)
                if found >= 0:
                    line, column = number, found
                    break
        placed.setdefault(path, (line + 1, f"{what} at column {column + 1}: {needs}"))
    return placed


def _invisible_errors(
    hidden: Sequence[tuple[PathKey, tuple[int, int], tuple[int, int], str, bool]],
    text: str,
    display: str,
) -> list[DataError]:
    """The errors for the invisible characters of a YAML file: one for each scalar the
    reader found holding one (``hidden``: its path, where it begins and ends, its first
    such character, whether it is a key), at the column of that character or of the
    escape that wrote it (``"\\u200b"``); and one for each line that holds one outside
    them (in a comment)."""
    lines = text.split("\n")
    errors = []
    spans = []
    for path, begin, end, char, key in hidden:
        spans.append((begin, end))
        escape = re.compile(
            rf"\\(?:x{ord(char):02x}|u{ord(char):04x}|U{ord(char):08x})", re.IGNORECASE
        )
        # Typed into the file, or written as an escape in double quotes; else where the
        # scalar begins (an escape broken over two lines).
        number, column = begin
        what = f"{invisible_named(char)}{' in a key' if key else ''}"
        fix = _DELETE_INVISIBLE
        typed = _first_in(lines, char, begin, end)
        if typed is not None:
            number, column = typed
        else:
            written = _first_in(lines, escape, begin, end)
            if written is not None:
                number, column = written
                shown = escape.match(lines[number], column)
                what += f", written as the escape {shown[0] if shown else ''}"
            fix = "delete the escape"
        errors.append(
            DataError(
                display,
                number + 1,
                yaml_path(path),
                f"{what}, at column {column + 1}, is not allowed in reformgraph data: {fix}",
            )
        )
    spans.sort()
    seen_lines = set()
    line, line_start, next_span = 0, 0, 0
    for match in INVISIBLE.finditer(text):
        at = match.start()
        line += text.count("\n", line_start, at)
        line_start = text.rfind("\n", 0, at) + 1
        place = (line, at - line_start)
        while next_span < len(spans) and spans[next_span][1] <= place:
            next_span += 1  # the scalars (which do not overlap) before this character
        inside = next_span < len(spans) and spans[next_span][0] <= place
        if inside or line in seen_lines:
            continue
        seen_lines.add(line)
        column = place[1]
        comment = " in a comment" if "#" in text[line_start:at] else ""
        errors.append(
            DataError(
                display,
                line + 1,
                "",
                f"{invisible_named(match[0])}{comment}, at column {column + 1}, is not allowed"
                f" in reformgraph data: {_DELETE_INVISIBLE}",
            )
        )
    return errors


def _first_in(
    lines: Sequence[str],
    pattern: str | re.Pattern[str],
    begin: tuple[int, int],
    end: tuple[int, int],
) -> tuple[int, int] | None:
    """Where ``pattern`` (a character or an expression) first occurs between ``begin`` and
    ``end`` (0-based lines and columns) of ``lines``, or None."""
    for number in range(begin[0], min(end[0], len(lines) - 1) + 1):
        line = lines[number]
        start = begin[1] if number == begin[0] else 0
        stop = end[1] if number == end[0] else len(line)
        if isinstance(pattern, str):
            at = line.find(pattern, start, stop)
        else:
            match = pattern.search(line, start, stop)
            at = match.start() if match is not None else -1
        if at >= 0:
            return number, at
    return None


def read_yaml(path: StrPath, display: str) -> tuple[Any, LineMap]:
    """Read one YAML file; raise :class:`DataErrors` naming the file and line on any problem."""
    text = read_text_file(path, display, too_large=YAML_TOO_LARGE)
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        raise DataErrors([DataError(display, None, "", "file is empty")])
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise DataErrors([DataError(display, None, "", "file is empty")])
        # An invisible character is typed into the file, or written as an escape ("\u200b"):
        # a file with neither (most) has its texts searched for control characters alone.
        typed = INVISIBLE.search(text) is not None
        reader = _Reader(loader, UNSHOWN if typed or "\\" in text else CONTROL)
        data = reader.value(node, ())
        if reader.aliased:
            # libyaml has already resolved the alias to its anchor's node, and with it the
            # alias's place; the pure-Python composer stops at the first alias, with its line.
            _Loader(text).get_single_node()
        hidden = _invisible_errors(reader.hidden, text, display) if typed or reader.hidden else []
        if reader.problems or hidden:
            raise DataErrors(
                [DataError(display, line, "", text) for line, text in reader.problems] + hidden
            )
        lines = reader.lines
        look_alikes = _placed(reader.suspects, text) if reader.suspects else {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = mark.line + 1 if mark is not None else None
        began = exc.context_mark
        if where is not None:
            first = began.line + 1 if began is not None else where
            look_alike = _look_alike(text.split("\n"), min(first, where), where)
            if look_alike is not None:
                raise DataErrors([DataError(display, *look_alike)]) from exc
        message = " ".join(part for part in (exc.context, exc.problem) if part) or "malformed YAML"
        if "nesting depth" in message:
            message = "nested too deeply"
        elif "expected a single document" in message:
            raise DataErrors(
                [
                    DataError(
                        display,
                        where,
                        "",
                        "a second YAML document begins here ('---'): a data file holds one;"
                        " delete the '---' line (and what follows, if it belongs elsewhere)",
                    )
                ]
            ) from exc
        elif "could not find expected ':'" in message and began is not None:
            # The key that lacks its colon is where the scan began, not where it gave up.
            where = began.line + 1
            unkeyed = text.split("\n")[began.line].strip()
            message = f"{unkeyed!r} is neither a key (with ':' after it) nor a list item"
            if re.fullmatch(r"[A-Za-z_][\w-]*", unkeyed):
                message += f": write '{unkeyed}:'"
        elif "mapping values are not allowed" in message and where is not None:
            message += ": " + _colon_hint(text.split("\n"), where)
        elif began is not None and mark is not None and began.line != mark.line:
            message += f" (what is unclosed began on line {began.line + 1})"
        raise DataErrors([DataError(display, where, "", f"malformed YAML: {message}")]) from exc
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a control character, U+FFFE): where it is.
        # libyaml counts the bytes of the UTF-8 text, the pure-Python reader characters.
        position = exc.position
        if not (position < len(text) and ord(text[position]) == exc.character):
            position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
        before = text[:position]
        line = before.count("\n") + 1
        column = position - (before.rfind("\n") + 1) + 1
        character = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        raise DataErrors(
            [
                DataError(
                    display,
                    line,
                    "",
                    f"{character} (column {column}) is not allowed in YAML (no control"
                    " character is, nor U+FFFE or U+FFFF): delete it",
                )
            ]
        ) from exc
    except yaml.YAMLError as exc:
        raise DataErrors([DataError(display, None, "", f"malformed YAML: {exc}")]) from exc
    except RecursionError:
        raise DataErrors(
            [DataError(display, None, "", "malformed YAML: nested too deeply")]
        ) from None
    finally:
        loader.dispose()
    return data, LineMap(display, lines, look_alikes)


def _colon_hint(lines: Sequence[str], where: int) -> str:
    """How to mend a ': ' where YAML allows no key (line ``where``, 1-based): a key
    indented deeper than the key before it, whose value it would continue, or a text
    holding ': ' that is not quoted."""
    line = lines[where - 1]
    indent = len(line) - len(line.lstrip(" "))
    for number in range(where - 1, 0, -1):
        above = lines[number - 1]
        if not above.strip() or above.lstrip().startswith("#"):
            continue
        above_indent = len(above) - len(above.lstrip(" -"))  # where its key begins
        if indent > above_indent and not above.rstrip().endswith((":", "|", ">")):
            return (
                f"this line is indented {indent} spaces, more than line {number} above it"
                f" ({above_indent}): a key of the same mapping needs the same indentation"
            )
        break
    return "a text that holds ': ' (a colon and a space) must be quoted: '…' or \"…\""


_KINDS = ("joint-work", "assistance", "pilot-assignment", "sub-organisation")
_UNION_TAGS = frozenset(_KINDS)
_RELATION_KINDS = ", ".join(_KINDS)

#: What each record looks like in YAML, for a value that is not a mapping at all.
_SHAPES = {
    "Bilingual": "a mapping {zh: …, en: …}",
    "Definition": "a mapping {zh: …, en: …} (either or both)",
    "Comparison": "a mapping {text: …, en: …}",
    "DateRef": "a mapping {text: …, as_of: YYYY-MM-DD} (or year: or since: for as_of)",
    "Quantity": "a mapping {text: …, value: …, unit: …}",
    "Mention": "an entity id, or a mapping {id: …, mention: …}",
    "Entity": "an entity: a mapping with id:, type: and label: {zh: …, en: …}",
    "Introduction": "a mapping of its facts (involves:, figures:, …)",
    "Coverage": "a mapping {quote: …, text: …, reason: …}",
}


def _described(value: Any) -> str:
    """What a value that has the wrong shape is, in words."""
    if value is None:
        return "nothing"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return f"the text {value!r}"
    return f"the value {value!r}"


def _curator_message(err: Any) -> str | None:
    """A pydantic error that has a message of our own, in a curator's words, or None."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == WORDED:
        return str(err["msg"])
    if kind == "union_tag_not_found":
        return f"required field 'kind' is missing: a relation's kind is one of {_RELATION_KINDS}"
    if kind == "union_tag_invalid":
        tag = str(ctx.get("tag"))
        close = closest(tag, _KINDS, n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"unknown kind {tag!r}{hint}: a relation's kind is one of {_RELATION_KINDS}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        shape = _SHAPES.get(str(ctx.get("class_name")), "a mapping (key: value, or {key: value})")
        return f"must be {shape}, not {_described(err.get('input'))}"
    if kind == "list_type":
        return (
            f"must be a list (items on lines starting with '- ', or [a, b]),"
            f" not {_described(err.get('input'))}"
        )
    return None


def _look_alike_for(path: PathKey, lines: LineMap) -> tuple[int, str] | None:
    """The look-alike of YAML syntax (see :attr:`LineMap.look_alikes`) in the value at
    ``path`` or in the text that holds it (a text YAML read where a list belongs, an id a
    validator made into a mapping): the line of its character and what is wrong; or None."""
    if not lines.look_alikes:
        return None
    parts = path
    while parts:
        found = lines.look_alikes.get(parts)
        if found is not None:
            return found
        parts = parts[:-1]
    return None


def _error_path(err: Any, lines: LineMap, prefix: PathKey) -> PathKey:
    """The YAML path of a pydantic error."""
    path: list[str | int] = list(prefix)
    for part in err["loc"]:
        # Drop the tags pydantic adds for unions and validators; they are not in the YAML.
        if (
            isinstance(part, str)
            and (part in _UNION_TAGS or "[" in part)
            and (*path, part) not in lines.lines
        ):
            continue
        path.append(part)
    return tuple(path)


def _meant_keys(errors: Sequence[Any], lines: LineMap, prefix: PathKey) -> dict[PathKey, DataError]:
    """The keys YAML read with a full-width colon in them (``{zh\uff1a 湖北}``: the key
    'zh\uff1a 湖北', with no value): each is an unknown field, and the field it was meant
    to be is missing. One error says both, at the field it was meant to be, by its path."""
    meant: dict[PathKey, DataError] = {}
    for err in errors:
        if err["type"] != "extra_forbidden":
            continue
        path = _error_path(err, lines, prefix)
        found = lines.look_alikes.get((*path, _KEY))
        if found is not None:
            key = str(path[-1])
            field_path = (*path[:-1], key.split("\uff1a")[0].rstrip(" "))
            meant[field_path] = DataError(
                lines.file,
                found[0],
                yaml_path(field_path),
                f"{found[1]} (YAML read {key!r} as a key with no value)",
            )
    return meant


@cache
def _schema_fields() -> frozenset[str]:
    """Every field name of the data schema's models: what a misspelt key may be meant as."""
    import reformgraph.models as models

    return frozenset(
        name
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, BaseModel)
        for name in value.model_fields
    )


def _misspelt_keys(errors: Sequence[Any], lines: LineMap, prefix: PathKey) -> dict[PathKey, str]:
    """For each unknown key that is a misspelling of a field the same mapping lacks
    (``labels`` where ``label`` is missing), the field: one error says both."""
    missing: dict[PathKey, list[str]] = defaultdict(list)
    for err in errors:
        if err["type"] == "missing":
            path = _error_path(err, lines, prefix)
            missing[path[:-1]].append(str(path[-1]))
    meant: dict[PathKey, str] = {}
    for err in errors:
        if err["type"] == "extra_forbidden":
            path = _error_path(err, lines, prefix)
            close = closest(str(path[-1]), missing.get(path[:-1], ()), n=1, cutoff=0.6)
            if close:
                meant[path] = close[0]
    return meant


def _pydantic_errors(exc: ValidationError, lines: LineMap, prefix: PathKey = ()) -> list[DataError]:
    errors = exc.errors()
    meant = _meant_keys(errors, lines, prefix) if lines.look_alikes else {}
    misspelt = _misspelt_keys(errors, lines, prefix)
    instead = {(*path[:-1], field) for path, field in misspelt.items()}
    out = list(meant.values())
    for err in errors:
        path = _error_path(err, lines, prefix)
        if (err["type"] == "missing" and (path in meant or path in instead)) or (
            err["type"] == "extra_forbidden" and (*path, _KEY) in lines.look_alikes
        ):
            continue  # said by the error of the key that was meant
        message = err["msg"]
        message = message.removeprefix("Value error, ")
        if (own := _curator_message(err)) is not None:
            message = own
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "extra_forbidden":
            key = str(err["loc"][-1])
            if path in misspelt:
                message = (
                    f"unknown field {key!r}: did you mean {misspelt[path]!r}? (a required"
                    " field, missing here)"
                )
            elif re.fullmatch(r"[a-z_]+", key):
                close = closest(key, _schema_fields(), n=1, cutoff=0.75)
                hint = f"did you mean {close[0]!r}? " if close else ""
                message = f"unknown field {key!r} ({hint}not in the schema; see data/README.md)"
            else:
                message = (
                    f"unknown field {key!r}: a text with a comma or colon inside {{…}} or […]"
                    ' must be quoted, e.g. en: "a, b"'
                )
        elif err["type"] == "string_pattern_mismatch" and (
            meaning := PATTERN_MEANINGS.get(err.get("ctx", {}).get("pattern", ""))
        ):
            message = f"must be {meaning} (got {err['input']!r})"
        elif (
            "input" in err
            and err["type"] not in ("model_type",)
            and not isinstance(err["input"], (dict, list))
            and repr(err["input"]) not in message
        ):
            message = f"{message} (got {err['input']!r})"
        if err["type"] == "enum" and isinstance(err.get("input"), str):
            # 'platfrom' among 21 kinds: the one it is like, not the 21
            allowed = re.findall(r"'([^']*)'", err["ctx"]["expected"])
            if typo := closest(err["input"], allowed, n=1, cutoff=0.8):
                field = str(path[-1]) if path and isinstance(path[-1], str) else "value"
                message = f"unknown {field} {err['input']!r}: did you mean {typo[0]!r}?"
            elif close := closest(err["input"], allowed, n=1):
                message = f"{message}; did you mean {close[0]!r}?"
        look_alike = _look_alike_for(path, lines)
        if look_alike is not None:
            # YAML read the value as something else than was meant: say what misled it.
            line, why = look_alike
            out.append(DataError(lines.file, line, yaml_path(path), f"{message}: it holds {why}"))
            continue
        out.append(lines.error(path, message))
    return out


def _validate(model: type[ModelT], data: Any, lines: LineMap, prefix: PathKey = ()) -> ModelT:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise DataErrors(_pydantic_errors(exc, lines, prefix)) from exc


# --------------------------------------------------------------------------- data folder


def shown(path: StrPath, root: StrPath) -> str:
    """How messages name ``path``, a file of the data folder ``root``: below the folder as
    the user gave it, as a compiler names a file (``drafts/new/cases/01-x.yaml``,
    ``/home/me/data/cases/01-x.yaml``), so that the name opens from where they ran the
    command. Below its own name only (``data/cases/01-x.yaml``), a file given with an
    absolute path opened nowhere but in the folder above the data folder."""
    path, root = Path(path), Path(root)
    try:
        return str(root / path.relative_to(root))
    except ValueError:
        pass
    # A path that is not below the folder as written (resolved, or made absolute):
    # below the folder the same way, resolved.
    try:
        return str(root / (path.parent.resolve() / path.name).relative_to(root.resolve()))
    except (ValueError, OSError, RuntimeError):
        return str(path)


def _yaml_files(folder: Path) -> list[Path]:
    """The YAML files of a folder, hidden ones aside. Whatever is named like one is
    listed, file or not: reading it says what is wrong (a folder, a broken link …)."""
    return sorted(
        p for p in folder.iterdir() if p.suffix in YAML_SUFFIXES and not p.name.startswith(".")
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load_source(path: Path, root: Path, errors: list[DataError]) -> SourceFile | None:
    display = shown(path, root)
    try:
        data, lines = read_yaml(path, display)
        if not isinstance(data, dict):
            raise DataErrors([DataError(display, 1, "", "a source file must be a mapping")])
        record = _validate(Source, data, lines)
    except DataErrors as exc:
        errors.extend(exc.errors)
        return None
    if path.stem != record.id:
        errors.append(
            lines.error(("id",), f"id {record.id!r} must match the file name {path.stem!r}")
        )
    text_path = path.parent / record.file
    if not text_path.exists() and not text_path.is_symlink():
        errors.append(lines.error(("file",), f"source text {record.file!r} not found beside it"))
        return None
    try:
        raw = read_file_bytes(text_path, shown(text_path, root), MAX_SOURCE_BYTES)
    except DataErrors as exc:
        errors.extend(exc.errors)
        return None
    digest = _sha256(raw)
    if digest != record.sha256:
        errors.append(
            lines.error(
                ("sha256",),
                f"{record.file} has changed: its SHA-256 is {digest}, not the recorded one",
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        errors.append(
            DataError(
                shown(text_path, root),
                line,
                "",
                "source text is not UTF-8" + _encoding_hint(raw, exc.start),
            )
        )
        return None
    layout = source_layout_errors(text, shown(text_path, root))
    if layout:
        # Every case would be blamed for what is wrong with the text: say that alone.
        errors.extend(layout)
        return None
    return SourceFile(record=record, text=text, lines=lines)


#: How to mend a source text's layout, said after each problem with it.
_LAYOUT_FIX = "or draft it with `reformgraph extract`, which normalises the layout"
#: The whitespace a line of a source text may begin or end with, by name.
_SPACE_NAMES = {
    " ": "spaces",
    "\t": "tabs",
    "\u3000": "ideographic (full-width) spaces '\u3000' (U+3000)",
    "\u00a0": "non-breaking spaces (U+00A0)",
}
#: A line of a source text that begins or ends with whitespace, or holds nothing else.
_LOOSE_LINE = re.compile(r"^[^\S\n]|[^\S\n]$", re.M)


def _lines_named(numbers: Sequence[int]) -> str:
    shown_numbers = ", ".join(map(str, numbers[:5]))
    more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    return f"line {shown_numbers}" if len(numbers) == 1 else f"lines {shown_numbers}{more}"


def _spaces_named(chars: Iterable[str]) -> str:
    names = sorted({_SPACE_NAMES.get(c, f"U+{ord(c):04X} spaces") for c in chars})
    return " and ".join(names)


def source_layout_errors(text: str, display: str) -> list[DataError]:
    """What is wrong with the layout of a source text: the build finds titles, office
    lines and paragraphs as whole lines of the text, so it must have one line for each,
    ending in LF, with no blank line between them and nothing before or after the words
    of a line, and no byte-order mark before the first, which the offsets of quotes would
    count (data/README.md, "Sources"). Each kind of problem is one error, naming its
    lines; the text itself is never changed (offsets into it and its SHA-256 are those of
    the file as it is)."""
    if not text.strip():
        return [
            DataError(
                display,
                None,
                "",
                "the source text is empty: copy the published text into it, one line for each"
                " title, office line and paragraph",
            )
        ]
    errors = []
    if text.startswith("\ufeff"):
        errors.append(
            DataError(
                display,
                1,
                "",
                "starts with a byte-order mark (U+FEFF) at column 1: the offsets of the"
                " quotes in the graph (oa:start, oa:end) count the characters of the file,"
                " the mark among them, and a reader that drops it (most do) would find every"
                " quote one character off; save it as UTF-8 without a byte-order mark (and"
                f" record its new sha256), {_LAYOUT_FIX}",
            )
        )
    control = CONTROL.search(text.replace("\r", ""))  # CR: the line endings, below
    if control is not None:
        at = text.index(control[0])
        errors.append(
            DataError(
                display,
                text.count("\n", 0, at) + 1,
                "",
                f"holds U+{ord(control[0]):04X}, a control character, at column"
                f" {at - text.rfind(chr(10), 0, at)}: a source text is the published words"
                " (a terminal that shows a quote of it would take the character for a"
                " command); delete it and record the text's new sha256",
            )
        )
    hidden = INVISIBLE.search(text, 1 if text.startswith("\ufeff") else 0)  # a BOM: above
    if hidden is not None:
        at = hidden.start()
        errors.append(
            DataError(
                display,
                text.count("\n", 0, at) + 1,
                "",
                f"holds {invisible_named(hidden[0])}, at column"
                f" {at - text.rfind(chr(10), 0, at)}: a source text is the published words as"
                " a reader sees them; delete it (the character at that column, which shows"
                " as nothing) and record the text's new sha256",
            )
        )
    if "\r" in text:
        crlf = "\r\n" in text
        at = text.index("\r\n" if crlf else "\r")
        kind = "Windows (CRLF)" if crlf else "old Mac (CR)"
        errors.append(
            DataError(
                display,
                text.count("\n", 0, at) + 1,
                "",
                f"has {kind} line endings: save it with LF endings (and record its new"
                f" sha256), {_LAYOUT_FIX}",
            )
        )
        lines = re.split(r"\r\n|\r|\n", text)
    elif _LOOSE_LINE.search(text) is None and "\n\n" not in text.strip("\n"):
        return errors
    else:
        lines = text.split("\n")
    filled = [n for n, line in enumerate(lines, 1) if line.strip()]
    first, last = filled[0], filled[-1]
    blank = [n for n in range(first, last + 1) if not lines[n - 1].strip()]
    starting = [n for n in filled if lines[n - 1][0].isspace()]
    ending = [n for n in filled if lines[n - 1][-1].isspace()]
    for numbers, what, chars in (
        (
            starting,
            "begin with",
            (
                c
                for n in starting
                for c in lines[n - 1][: len(lines[n - 1]) - len(lines[n - 1].lstrip())]
            ),
        ),
        (
            ending,
            "end with",
            (c for n in ending for c in lines[n - 1][len(lines[n - 1].rstrip()) :]),
        ),
    ):
        if numbers:
            errors.append(
                DataError(
                    display,
                    numbers[0],
                    "",
                    f"{_lines_named(numbers)} {what} {_spaces_named(chars)}: a line of a source"
                    " text holds a title, an office line or a paragraph, with nothing before"
                    " or after its words; delete them and record the text's new sha256,"
                    f" {_LAYOUT_FIX}",
                )
            )
    if blank:
        errors.append(
            DataError(
                display,
                blank[0],
                "",
                f"blank {_lines_named(blank)}: a source text has one line for each title,"
                " office line and paragraph, with no blank line between them (a case's"
                " office line follows its title line); delete them and record the text's"
                f" new sha256, {_LAYOUT_FIX}",
            )
        )
    return errors


#: What reading one entities file gave, item by item in file order: an entity, packed
#: (``(id, packed, index)``), or the problems of an item or of the whole file (a list).
_EntityItem = tuple[str, bytes, int] | list[DataError]
_EntityFile = tuple[list[_EntityItem], dict[PathKey, int] | None]


def _read_entity_file(path: Path, root: Path) -> _EntityFile:
    """Read and validate one entities file (in any process: the result pickles).

    Returns its items and, if any item is invalid, the file's line numbers (else they are
    read again only when an error needs them)."""
    display = shown(path, root)
    try:
        data, lines = read_yaml(path, display)
    except DataErrors as exc:
        return [exc.errors], None
    if not isinstance(data, list):
        return [[DataError(display, 1, "", "an entities file must be a list of entities")]], None
    adapter = TypeAdapter(Entity)
    items: list[_EntityItem] = []
    keep_lines = False
    for index, item in enumerate(data):
        try:
            entity = adapter.validate_python(item)
        except ValidationError as exc:
            items.append(_pydantic_errors(exc, lines, (index,)))
            keep_lines = True
            continue
        items.append((entity.id, _pack(entity), index))
    return items, dict(lines.lines) if keep_lines else None


def _add_entities(
    path: Path,
    root: Path,
    read: _EntityFile,
    errors: list[DataError],
    entities: EntityTable,
) -> None:
    """Put what :func:`_read_entity_file` read into ``entities`` (ids must be unique
    across the files, in the order they come)."""
    items, known = read
    display = shown(path, root)
    kept = LineMap(display, known if known is not None else _LinesOnDemand(path, display))
    for item in items:
        if isinstance(item, list):
            errors.extend(item)
            continue
        entity_id, packed, index = item
        if entity_id in entities:
            first_lines, first_path = entities.place(entity_id)
            errors.append(
                kept.error(
                    (index, "id"),
                    f"duplicate id {entity_id!r}: already defined in {first_lines.file}"
                    f":{first_lines.line(first_path)}",
                )
            )
            continue
        entities.add_packed(entity_id, packed, kept, index)


def _load_case(path: Path, root: Path, errors: list[DataError]) -> CaseFile | None:
    display = shown(path, root)
    try:
        data, lines = read_yaml(path, display)
        if not isinstance(data, dict):
            raise DataErrors([DataError(display, 1, "", "a case file must be a mapping")])
        record = _validate(Case, data, lines)
    except DataErrors as exc:
        errors.extend(exc.errors)
        return None
    match = re.match(r"^(\d+)-", path.name)
    if match is None or int(match[1]) != record.position:
        errors.append(
            lines.error(
                ("position",), f"file name must start with the position: {record.position:02d}-…"
            )
        )
    return CaseFile(record=record, lines=lines)


def load_shared(root: StrPath, *, map_files: MapFiles | None = None) -> Dataset:
    """The sources and entities of a data folder (no cases): what every case refers to.

    ``map_files`` reads the entity files, e.g. a process pool's ``map`` (each file is read
    and validated on its own; the results are put together here, in file order).

    Raises :class:`DataErrors` listing every problem in them.
    """
    root = Path(root)
    _check_data_folder(root)
    errors: list[DataError] = []
    sources: dict[str, SourceFile] = {}
    for path in _yaml_files(root / "sources"):
        loaded = _load_source(path, root, errors)
        if loaded is not None:
            if loaded.record.id in sources:
                errors.append(
                    loaded.lines.error(("id",), f"duplicate source id {loaded.record.id!r}")
                )
            sources[loaded.record.id] = loaded
    errors += _texts_without_metadata(root, sources)
    errors += _unread_yaml(root, "sources", "source metadata files")
    entities = EntityTable()
    paths = _yaml_files(root / "entities")
    reader = partial(_read_entity_file, root=root)
    read = (map_files or map)(reader, paths)
    for path, found in zip(paths, read, strict=True):
        _add_entities(path, root, found, errors, entities)
    errors += _unread_yaml(root, "entities", "entity files")
    if not sources and not errors:
        errors.append(
            DataError(
                shown(root / "sources", root),
                None,
                "",
                "no source metadata (*.yaml) found",
            )
        )
    if errors:
        raise DataErrors(errors)
    return Dataset(
        root=root,
        sources=sources,
        entities=entities,
        entity_lines=_EntityPlaces(entities),
        cases=[],
    )


def _check_data_folder(root: Path) -> None:
    """Raise :class:`DataErrors` if ``root`` is not a data folder (a build folder, a typo)."""
    if not root.is_dir():
        raise DataErrors([DataError(str(root), None, "", "no such data folder")])
    missing = [
        f"{name}/" for name in ("sources", "cases", "entities") if not (root / name).is_dir()
    ]
    if missing:
        raise DataErrors(
            [
                DataError(
                    str(root),
                    None,
                    "",
                    f"not a data folder: it has no {' or '.join(missing)} (a data folder"
                    f" holds sources/, cases/ and entities/){data_folder_hint(root)}",
                )
            ]
        )


def _unread_yaml(root: Path, name: str, what: str) -> list[DataError]:
    """The YAML files below the folder ``name`` of ``root`` that are not read, being in a
    subfolder or named otherwise (``.YAML``): an error each, rather than skipped."""
    folder = root / name
    found = sorted(folder.rglob("*"))
    return [
        DataError(
            shown(path, root),
            None,
            "",
            f"{what} must be directly in {name}/ and end in .yaml: this one is not read",
        )
        for path in found
        if path.is_file()
        and path.suffix.lower() in YAML_SUFFIXES
        and not (path.parent == folder and path.suffix in YAML_SUFFIXES)
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ] + [
        # A link to a folder is not followed (it may lead anywhere, / itself): its files,
        # which a folder of its own would have named above, are not read either.
        DataError(
            shown(path, root),
            None,
            "",
            f"a link to the folder {path.readlink()}, which is not read: {what} must be"
            f" directly in {name}/ (link each file, or copy the folder's files there)",
        )
        for path in found
        if path.is_symlink()
        and path.is_dir()
        and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    ]


def _texts_without_metadata(root: Path, sources: Mapping[str, SourceFile]) -> list[DataError]:
    """The source texts (``sources/*.txt``) that no metadata file names: not read."""
    folder = root / "sources"
    named = {source.record.file for source in sources.values()}
    metadata = {path.stem for path in _yaml_files(folder)}
    return [
        DataError(
            shown(path, root),
            None,
            "",
            f"a source text with no metadata file: write sources/{path.stem}.yaml beside it"
            " (its id, file, sha256, title …; see data/README.md), or move the text out of"
            " sources/: it is not read",
        )
        for path in sorted(folder.glob("*.txt"))
        if not path.name.startswith(".") and path.name not in named and path.stem not in metadata
    ]


def case_file_paths(root: StrPath) -> list[Path]:
    """The case files of a data folder, in name order (:class:`DataErrors` if ``root`` is
    not a data folder)."""
    root = Path(root)
    _check_data_folder(root)
    return _yaml_files(root / "cases")


def entity_file_paths(root: StrPath) -> list[Path]:
    """The entity files of a data folder, in name order."""
    return _yaml_files(Path(root) / "entities")


def source_metadata_paths(root: StrPath) -> list[Path]:
    """The metadata files of a data folder's sources, in name order."""
    return _yaml_files(Path(root) / "sources")


def case_folder_errors(
    root: StrPath, paths: Sequence[Path], *, empty_ok: bool = False
) -> list[DataError]:
    """What is wrong with the case folder of ``root`` as a whole, given its case files
    (:func:`case_file_paths`): YAML files that would not be read, being in a subfolder or
    named otherwise (``.YAML``), and (unless ``empty_ok``) a folder without case files."""
    root = Path(root)
    folder = root / "cases"
    errors = _unread_yaml(root, "cases", "case files")
    if not paths and not empty_ok:
        errors.append(
            DataError(
                shown(folder, root),
                None,
                "",
                "no case files here (one NN-slug.yaml file per case, directly in cases/)",
            )
        )
    return errors


def load_case_file(path: StrPath, root: StrPath) -> tuple[CaseFile | None, list[DataError]]:
    """One case file, validated against the model, and its problems."""
    errors: list[DataError] = []
    loaded = _load_case(Path(path), Path(root), errors)
    return loaded, errors


def load_data_folder(root: StrPath) -> Dataset:
    """Read and validate every file of a data folder.

    Raises :class:`DataErrors` listing every problem found in the sources and entities;
    problems with case files are kept in :attr:`Dataset.errors` and reported by
    :func:`reformgraph.resolve.resolve` together with those of the other cases.
    """
    root = Path(root)
    shared = load_shared(root)
    paths = case_file_paths(root)
    errors = case_folder_errors(root, paths, empty_ok=True)
    cases: list[CaseFile] = []
    seen: dict[str, CaseFile] = {}
    for path in paths:
        loaded_case = _load_case(path, root, errors)
        if loaded_case is None:
            continue
        case_id = loaded_case.record.id
        if case_id in seen:
            errors.append(
                loaded_case.lines.error(
                    ("id",),
                    f"duplicate case id {case_id!r}: already used by {seen[case_id].lines.file}",
                )
            )
            continue
        seen[case_id] = loaded_case
        cases.append(loaded_case)
    cases.sort(key=lambda c: (c.record.source, c.record.position))
    return Dataset(
        root=root,
        sources=shared.sources,
        entities=shared.entities,
        entity_lines=shared.entity_lines,
        cases=cases,
        errors=errors,
    )


# --------------------------------------------------------------------------- writing


def current_umask() -> int:
    """The process's umask, which new files' permissions are cut by: read from
    ``/proc/self/status`` where there is one. Python can only read it by setting it
    (``os.umask``), which for that moment changes it for every thread of the process."""
    try:
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


@contextmanager
def atomic_writer(path: StrPath) -> Iterator[BinaryIO]:
    """A binary file to write ``path`` through, piece by piece. ``path`` is replaced only
    when the block ends without an error: readers see the old file or the new one, never
    half, and a failure leaves the old file as it was."""
    path = Path(path)
    for folder in (path.parent, *path.parent.parents):
        if folder.exists():
            if not folder.is_dir():  # mkdir would say "File exists"
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
            break
    if path.is_dir():  # else: "Is a directory", naming the temporary file
        raise IsADirectoryError(
            errno.EISDIR, "a folder, not a file: give the name of the file to write", str(path)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).chmod(0o666 & ~current_umask())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: StrPath, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    with atomic_writer(path) as handle:
        handle.write(data)


def atomic_write_files(files: Mapping[Path, bytes]) -> None:
    """Write every file or none. Each is first written beside its target; then they are
    put in place one by one. If one cannot be written or put in place, the files already
    put in place get their old content back (or are removed, if they were new), and the
    ``OSError`` is raised again, naming the file it failed on."""
    originals: dict[Path, bytes | None] = {}
    written: list[tuple[Path, Path]] = []
    placed: list[Path] = []
    current: Path | None = None
    try:
        for path, data in files.items():
            current = path
            originals[path] = path.read_bytes() if path.is_file() else None
            for folder in (path.parent, *path.parent.parents):
                if folder.exists():
                    if not folder.is_dir():
                        raise NotADirectoryError(
                            errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)
                        )
                    break
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            except OSError as exc:  # named after its target, not a hidden file never made
                exc.filename, exc.filename2 = str(path), None
                raise
            written.append((Path(name), path))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(name).chmod(0o666 & ~current_umask())
        for staged, path in written:
            current = path
            try:
                staged.replace(path)
            except OSError as exc:  # named after its target, not the hidden file beside it
                exc.filename, exc.filename2 = str(path), None
                raise
            placed.append(path)
    except BaseException as exc:
        for staged, _ in written:
            staged.unlink(missing_ok=True)
        for path in reversed(placed):
            old = originals[path]
            try:
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write_bytes(path, old)
            except OSError:  # pragma: no cover - the disk failed twice: nothing more to do
                pass
        if isinstance(exc, OSError) and exc.filename is None and current is not None:
            exc.filename = str(current)
        raise


# --------------------------------------------------------------------------- ontology and RDF files


def load_ontology() -> Graph:
    """The ontology shipped with the package (``ontology/reformgraph.ttl``)."""
    return Graph().parse(ontology_file("reformgraph.ttl"), format="turtle")


def load_shapes() -> Graph:
    """The SHACL shapes shipped with the package (``ontology/shapes.ttl``)."""
    return Graph().parse(ontology_file("shapes.ttl"), format="turtle")


def _refuse_context_documents(path: Path) -> None:
    """Refuse a JSON-LD file whose ``@context`` (or a context's ``@import``) names another
    document: rdflib's parser fetches it, from any address (a file from someone else made
    the machine send a request where its author chose) or any local file. Oxigraph's
    parser (``query --graph``) refuses them too. A file that is not JSON is left to the
    parser, which says where it breaks."""
    import json

    found: list[str] = []

    def look(item: dict[str, Any]) -> None:
        # Each object as it is read, innermost first; none is kept (the file is only
        # looked through), so an inline context reaches the one around it as None.
        for key in ("@context", "@import"):
            value = item.get(key)
            for reference in value if isinstance(value, list) else [value]:
                if isinstance(reference, str):
                    found.append(reference)

    try:
        with path.open("rb") as stream:
            json.load(stream, object_hook=look)
    except (OSError, ValueError, RecursionError):
        return
    if found:
        raise ValueError(
            f"{path}: its @context refers to another document ({found[0]}), which reformgraph"
            " does not fetch (it reads RDF files offline): put the context in the file itself"
        )


def read_graph(path: StrPath) -> Graph:
    """Parse an RDF file (format from its suffix). The triples of every graph of a dataset
    file (TriG, N-Quads, JSON-LD with named graphs) are read, as one graph."""
    path = Path(path)
    formats = {
        ".ttl": "turtle",
        ".nt": "nt",
        ".jsonld": "json-ld",
        ".json": "json-ld",
        ".rdf": "xml",
        ".xml": "xml",
        ".owl": "xml",
        ".trig": "trig",
        ".nq": "nquads",
        ".n3": "n3",
    }
    fmt = formats.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{path}: unknown RDF format (use {', '.join(formats)}; the suffix gives the format)"
        )
    if fmt == "json-ld":
        _refuse_context_documents(path)
    with warnings.catch_warnings():
        # rdflib's parsers use its own deprecated ConjunctiveGraph and Dataset members.
        warnings.filterwarnings(
            "ignore", message="ConjunctiveGraph is deprecated", category=DeprecationWarning
        )
        warnings.filterwarnings(
            "ignore", message=r"Dataset\.\w+ is deprecated", category=DeprecationWarning
        )
        if fmt not in ("trig", "nquads", "json-ld"):
            graph = Graph()
            graph.parse(path, format=fmt)
            return graph
        # A plain Graph keeps only the default graph of a dataset: the named ones (where a
        # triple store export puts the data) would be dropped without a word.
        from rdflib import Dataset

        dataset = Dataset()
        dataset.parse(path, format=fmt)
    graph = Graph()
    for named in dataset.graphs():  # the default graph is one of them
        for triple in named:
            graph.add(triple)
    return graph

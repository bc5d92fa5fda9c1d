"""Rename an entity's or a case's id in every file of a data folder that uses it.

An id is part of the IRI others link to, and ``extract`` makes up ids (``org-f4fdd8d5``)
that a curator replaces by readable ones. By hand, that means finding every reference
among the data's YAML files. Here, the references are found by the data schema
(:mod:`reformgraph.models`): a value is renamed only where a field holds an entity's id
(``office``, ``involves``, a ``{id: …, mention: …}``, ``indicator``, ``part_of`` …), never
where the same letters are a text, a fact's own id or a source's id. Only the id's own
characters change in each file: comments, layout and quoting stay as they were.

The renamed folder is checked before anything is written (a staged copy must load and
resolve), and the files are written all or none (:func:`reformgraph.io.atomic_write_files`).
"""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, StringConstraints

from reformgraph.errors import DataError, DataErrors
from reformgraph.io import (
    atomic_write_files,
    case_file_paths,
    entity_file_paths,
    load_data_folder,
    read_text_file,
    shown,
    source_metadata_paths,
)
from reformgraph.models import (
    PATTERN_MEANINGS,
    SLUG_PATTERN,
    Case,
    Entity,
    Mention,
    Source,
)
from reformgraph.resolve import resolve

__all__ = ["RenameError", "RenameResult", "rename_id"]

PathKey = tuple[str | int, ...]

#: The fields whose id names a source, not an entity or a case.
_SOURCE_FIELDS = frozenset({"source"})


class RenameError(DataErrors):
    """A rename that cannot be done: the data folder is left as it was."""


@dataclass(frozen=True)
class RenameResult:
    """What :func:`rename_id` changed (or, with ``dry_run``, would change)."""

    kind: Literal["entity", "case"]
    old: str
    new: str
    #: How many values were renamed in each file (the id's definition included), by the
    #: file's path relative to the data folder, in file order.
    references: tuple[tuple[str, int], ...]
    #: A case file renamed after its case (``NN-<old>.yaml`` to ``NN-<new>.yaml``).
    moved: tuple[str, str] | None
    written: bool

    @property
    def total(self) -> int:
        return sum(n for _, n in self.references)


# ----------------------------------------------------------------------------- the schema


def _slug(metadata: tuple[Any, ...]) -> bool:
    return any(isinstance(m, StringConstraints) and m.pattern == SLUG_PATTERN for m in metadata)


def _unwrap(tp: Any, metadata: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]]:
    while get_origin(tp) is Annotated:
        inner, *more = get_args(tp)
        tp, metadata = inner, (*metadata, *more)
    return tp, metadata


def _one_or_many(metadata: tuple[Any, ...]) -> bool:
    """Whether a list field also takes a single item (``Participants``)."""
    return any(
        getattr(getattr(m, "func", None), "__name__", "") == "_one_or_many" for m in metadata
    )


def _kind_of(model: type[BaseModel]) -> tuple[str, ...]:
    field = model.model_fields.get("kind")
    if field is None or get_origin(field.annotation) is not Literal:
        return ()
    return tuple(str(v) for v in get_args(field.annotation))


def _scalar(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode)


def _references(
    tp: Any, metadata: tuple[Any, ...], node: yaml.Node, field: str, owner: type | None
) -> Iterator[yaml.ScalarNode]:
    """The scalars of ``node`` (the value of ``field`` of a record of type ``owner``, of
    type ``tp``) that hold an entity's id."""
    tp, metadata = _unwrap(tp, metadata)
    origin = get_origin(tp)
    if origin is Union or isinstance(tp, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        if isinstance(node, yaml.MappingNode):
            kind = next((v.value for k, v in node.value if k.value == "kind" and _scalar(v)), None)
            kinds = [m for m in members if isinstance(m, type) and kind in _kind_of(m)]
            members = kinds or members
        for member in members:  # a node found by two members is renamed once (_spans)
            yield from _references(member, metadata, node, field, owner)
        return
    if origin is list:
        (item,) = get_args(tp)
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                yield from _references(item, (), child, field, owner)
        elif _one_or_many(metadata):
            yield from _references(item, (), node, field, owner)
        return
    if tp is Mention and _scalar(node):  # an involvement written as a bare id
        yield typing.cast(yaml.ScalarNode, node)
        return
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                info = tp.model_fields.get(key.value) if _scalar(key) else None
                if info is not None:
                    yield from _references(
                        info.annotation, tuple(info.metadata), value, key.value, tp
                    )
        return
    if tp is str and _slug(metadata) and _scalar(node):
        if field == "id" and owner is not Mention:
            return  # a record's own id: an entity's or a case's definition, or a fact's
        if field in _SOURCE_FIELDS:
            return
        yield typing.cast(yaml.ScalarNode, node)


def _entity_nodes(root: yaml.Node) -> Iterator[tuple[yaml.Node, yaml.Node | None]]:
    """An entities file's items, each with the node of its ``id``."""
    if isinstance(root, yaml.SequenceNode):
        for item in root.value:
            yield item, _key(item, "id")


def _key(node: yaml.Node, name: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if _scalar(key) and key.value == name:
                return typing.cast(yaml.Node, value)
    return None


# ----------------------------------------------------------------------------- the files


@dataclass
class _File:
    path: Path
    text: str
    spans: list[tuple[int, int]]


def _compose(path: Path, display: str) -> tuple[str, yaml.Node | None]:
    text = read_text_file(path, display)
    try:
        return text, yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # load_data_folder read it: not expected
        raise RenameError([DataError(display, None, "", f"cannot read it: {exc}")]) from None


def _spans(nodes: Iterator[yaml.Node | None], old: str) -> list[tuple[int, int]]:
    return sorted(
        {
            (n.start_mark.index, n.end_mark.index)
            for n in nodes
            if n is not None and _scalar(n) and n.value == old
        }
    )


def _renamed(text: str, spans: list[tuple[int, int]], new: str) -> str:
    for start, end in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def _scan(root: Path, kind: str, old: str) -> list[_File]:
    """Every YAML file of the data folder, with the places of ``old`` that name the
    entity (``kind`` entity) or the case (``kind`` case) to rename."""
    files: list[_File] = []
    for path in case_file_paths(root):
        text, node = _compose(path, shown(path, root))
        if node is None:
            continue
        if kind == "case":
            nodes: list[yaml.Node | None] = [_key(node, "id")]
        else:
            nodes = list(_references(Case, (), node, "", None))
        files.append(_File(path, text, _spans(iter(nodes), old)))
    for path in source_metadata_paths(root):
        text, node = _compose(path, shown(path, root))
        if node is not None and kind == "entity":
            files.append(_File(path, text, _spans(_references(Source, (), node, "", None), old)))
    for path in entity_file_paths(root):
        text, node = _compose(path, shown(path, root))
        if node is not None and kind == "entity":
            found: list[yaml.Node | None] = []
            for item, id_node in _entity_nodes(node):
                found.append(id_node)
                found += _references(Entity, (), item, "", None)
            files.append(_File(path, text, _spans(iter(found), old)))
    return [f for f in files if f.spans]


# ----------------------------------------------------------------------------- the rename


def _refuse(display: str, message: str) -> RenameError:
    return RenameError([DataError(display, None, "", message)])


def _close(word: str, ids: list[str]) -> str:
    close = difflib.get_close_matches(word, ids, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _moved_case_file(path: Path, old: str, new: str) -> Path | None:
    """The new name of a case file named after its case (``NN-<old>.yaml``)."""
    match = re.fullmatch(rf"(\d+-){re.escape(old)}(\.ya?ml)", path.name)
    return path.with_name(f"{match[1]}{new}{match[2]}") if match else None


def rename_id(
    data_dir: Path, old: str, new: str, *, case: bool = False, dry_run: bool = False
) -> RenameResult:
    """Rename the entity ``old`` (or, with ``case``, the case ``old``) to ``new`` in every
    file of the data folder ``data_dir`` that defines or refers to it; rename a case file
    named after its case (``03-old.yaml`` to ``03-new.yaml``).

    Refuses (raising :class:`RenameError`, each problem named by file and line, nothing
    written) a data folder that does not load and resolve as it is, an ``old`` that is no
    such id, a ``new`` that is not an id or is taken, and a rename after which the folder
    would not resolve. With ``dry_run``, says what would change and writes nothing."""
    display = str(data_dir)
    kind: Literal["entity", "case"] = "case" if case else "entity"
    if re.fullmatch(SLUG_PATTERN, new) is None:
        raise _refuse(display, f"{new!r} is not {PATTERN_MEANINGS[SLUG_PATTERN]}")
    data = load_data_folder(data_dir)
    resolve(data)
    cases = [c.record.id for c in data.cases]
    entities = list(data.entities)
    taken = cases if case else entities
    if old not in taken:
        other = entities if case else cases
        hint = (
            f"; it is {'an entity' if case else 'a case'}'s id: rename it"
            f" {'without' if case else 'with'} --case"
            if old in other
            else _close(old, taken)
        )
        raise _refuse(display, f"no {kind} has the id {old!r}{hint}")
    if new == old:
        raise _refuse(display, f"{old!r} is already the {kind}'s id")
    if new in taken:
        merge = (
            ": merging two entities is done by hand (data/README.md, 'Reviewing a draft')"
            if not case
            else ""
        )
        raise _refuse(display, f"{new!r} is already the id of another {kind}{merge}")
    files = _scan(data_dir, kind, old)
    moved: tuple[Path, Path] | None = None
    if case:
        (path,) = (f.path for f in files)  # the case's own file: no other names a case
        target = _moved_case_file(path, old, new)
        if target is not None:
            if target.exists():
                raise _refuse(shown(target, data_dir), "a file of this name is already there")
            moved = (path, target)
    contents = {f.path: _renamed(f.text, f.spans, new).encode("utf-8") for f in files}
    _check_staged(data_dir, contents, moved)
    result = RenameResult(
        kind=kind,
        old=old,
        new=new,
        references=tuple((shown(f.path, data_dir), len(f.spans)) for f in files),
        moved=(shown(moved[0], data_dir), shown(moved[1], data_dir)) if moved else None,
        written=not dry_run,
    )
    if dry_run:
        return result
    if moved is not None:
        contents[moved[1]] = contents.pop(moved[0])
    try:
        atomic_write_files(contents)
        if moved is not None:
            moved[0].unlink()
    except OSError as exc:
        raise _refuse(
            str(exc.filename or data_dir),
            f"cannot write it ({exc.strerror or exc}): {data_dir} is as it was",
        ) from None
    return result


def _check_staged(
    data_dir: Path, contents: dict[Path, bytes], moved: tuple[Path, Path] | None
) -> None:
    """Raise if the data folder, renamed, would not load and resolve (checked in a copy)."""
    with tempfile.TemporaryDirectory(prefix="reformgraph-rename-") as work:
        staged = Path(work) / data_dir.name
        shutil.copytree(data_dir, staged, ignore=shutil.ignore_patterns(".*"))
        for path, blob in contents.items():
            (staged / path.relative_to(data_dir)).write_bytes(blob)
        if moved is not None:
            (staged / moved[0].relative_to(data_dir)).replace(
                staged / moved[1].relative_to(data_dir)
            )
        try:
            resolve(load_data_folder(staged))
        except DataErrors as exc:
            raise RenameError(
                [
                    DataError("", None, "", f"the rename would leave the data unresolved: {e}")
                    for e in exc.errors
                ]
            ) from None

"""Rename an entity's, a case's or a source's id in every file of a data folder that uses
it, or merge an entity drafted twice into the one kept.

An id is part of the IRI others link to, and ``extract`` makes up ids (``org-f4fdd8d5``)
(and names a source after its report's file, ``report``) that a curator replaces by
readable ones. By hand, that means finding every reference
among the data's YAML files. Here, the references are found by the data schema
(:mod:`reformgraph.models`): a value is renamed only where a field holds an entity's id
(``office``, ``involves``, a ``{id: …, mention: …}``, ``indicator``, ``part_of`` …), never
where the same letters are a text, a fact's own id or a source's id. A source's id is
named by its metadata file (``sources/<id>.yaml``), its ``id`` and, when the text file is
named after it, its ``file``, and by each case's ``source``: those change, and the text file
is renamed with its bytes (and so its SHA-256) as they were. Only the id's own characters
change in each file: comments, layout and quoting stay as they were.

The renamed folder is checked before anything is written (a staged copy must load and
resolve), and the files are written all or none (:func:`reformgraph.io.atomic_write_files`):
the old files of renamed ones are moved aside, not deleted, until the new are in place.
"""

from __future__ import annotations

import difflib
import re
import shutil
import tempfile
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, StringConstraints

from reformgraph.errors import DataError, DataErrors, ReformgraphError
from reformgraph.io import (
    Dataset,
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
    Bilingual,
    Case,
    Entity,
    Mention,
    Source,
)
from reformgraph.resolve import article, resolve

__all__ = ["RenameError", "RenameIncomplete", "RenameResult", "rename_id"]

PathKey = tuple[str | int, ...]

#: The fields whose id names a source, not an entity or a case.
_SOURCE_FIELDS = frozenset({"source"})


class RenameError(DataErrors):
    """A rename that cannot be done: the data folder is left as it was."""


class RenameIncomplete(ReformgraphError):
    """A rename whose last step failed on the disk: the message names the file or folder
    left, and what to do with it."""


#: The name of the hidden folder, beside the old files of renamed ones, that they are
#: moved into while the new are written (and removed once they are).
_ASIDE_PREFIX = ".reformgraph-rename-"


@dataclass(frozen=True)
class RenameResult:
    """What :func:`rename_id` changed (or, with ``dry_run``, would change)."""

    kind: Literal["entity", "case", "source"]
    old: str
    new: str
    #: How many values were renamed in each file (the id's definition included), by the
    #: file's path relative to the data folder, in file order.
    references: tuple[tuple[str, int], ...]
    #: A file renamed after its id: a case file (``NN-<old>.yaml`` to ``NN-<new>.yaml``)
    #: or a source's metadata file (``<old>.yaml`` to ``<new>.yaml``).
    moved: tuple[str, str] | None
    written: bool
    #: Whether ``old`` was merged into the entity ``new`` (its entry removed, its labels
    #: made ``new``'s alternative labels).
    merged: bool = False
    #: What the curator should look at: the fields of a merged entity that were not kept,
    #: a renamed source's cases that keep the ids extract made up from its old id.
    notes: tuple[str, ...] = ()
    #: A source's text file renamed after it (``<old>.txt`` to ``<new>.txt``), its bytes
    #: unchanged.
    text_moved: tuple[str, str] | None = None

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


@dataclass(frozen=True)
class _Ref:
    """A scalar that holds an entity's id, and, when it is (or is the ``id`` of) an item
    of a list of references, that item and the list."""

    node: yaml.ScalarNode
    item: yaml.Node | None = None
    seq: yaml.SequenceNode | None = None


def _references(
    tp: Any,
    metadata: tuple[Any, ...],
    node: yaml.Node,
    name: str,
    owner: type | None,
    within: tuple[yaml.Node, yaml.SequenceNode] | None = None,
) -> Iterator[_Ref]:
    """The scalars of ``node`` (the value of field ``name`` of a record of type ``owner``, of
    type ``tp``) that hold an entity's id; ``within``: the item of a list of references
    that ``node`` is, or is inside, and the list."""
    tp, metadata = _unwrap(tp, metadata)
    origin = get_origin(tp)
    if origin is Union or isinstance(tp, types.UnionType):
        members = [a for a in get_args(tp) if a is not type(None)]
        if isinstance(node, yaml.MappingNode):
            kind = next((v.value for k, v in node.value if k.value == "kind" and _scalar(v)), None)
            kinds = [m for m in members if isinstance(m, type) and kind in _kind_of(m)]
            members = kinds or members
        for member in members:  # a node found by two members is changed once (_File)
            yield from _references(member, metadata, node, name, owner, within)
        return
    if origin is list:
        (item,) = get_args(tp)
        if isinstance(node, yaml.SequenceNode):
            for child in node.value:
                yield from _references(item, (), child, name, owner, (child, node))
        elif _one_or_many(metadata):
            yield from _references(item, (), node, name, owner)
        return
    if tp is Mention and _scalar(node):  # an involvement written as a bare id
        yield _Ref(typing.cast(yaml.ScalarNode, node), *(within or ()))
        return
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                info = tp.model_fields.get(key.value) if _scalar(key) else None
                if info is not None:
                    yield from _references(
                        info.annotation,
                        tuple(info.metadata),
                        value,
                        key.value,
                        tp,
                        within if tp is Mention else None,  # a fact is not a reference
                    )
        return
    if tp is str and _slug(metadata) and _scalar(node):
        if name == "id" and owner is not Mention:
            return  # a record's own id: an entity's or a case's definition, or a fact's
        if name in _SOURCE_FIELDS:
            return
        yield _Ref(typing.cast(yaml.ScalarNode, node), *(within or ()))


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
    """A data file and the changes to make in it: (start, end, replacement) each."""

    path: Path
    text: str
    edits: dict[tuple[int, int], str] = field(default_factory=dict)

    def replace(self, node: yaml.Node, new: str) -> None:
        self.edits[(node.start_mark.index, node.end_mark.index)] = new

    def remove_lines(self, start: int, end: int) -> None:
        """Remove the whole lines from the one that holds ``start`` to the one that
        holds ``end - 1``, and the changes planned inside them."""
        start = self.text.rfind("\n", 0, start) + 1
        newline = self.text.find("\n", end - 1)
        end = len(self.text) if newline < 0 else newline + 1
        for span in [sp for sp in self.edits if start <= sp[0] and sp[1] <= end]:
            del self.edits[span]
        self.edits[(start, end)] = ""

    def remove_item(self, item: yaml.Node, seq: yaml.SequenceNode) -> None:
        """Remove ``item`` from the list ``seq`` (its line, or its place between commas)."""
        if not seq.flow_style:
            self.remove_lines(item.start_mark.index, _last_index(item))
            return
        at = next(i for i, child in enumerate(seq.value) if child is item)
        if at > 0:  # ", item" after the one before it
            span = (seq.value[at - 1].end_mark.index, item.end_mark.index)
        else:  # "item, " before the next one (there is one: the kept id)
            span = (item.start_mark.index, seq.value[1].start_mark.index)
        for inside in [sp for sp in self.edits if span[0] <= sp[0] and sp[1] <= span[1]]:
            del self.edits[inside]
        self.edits[span] = ""

    @property
    def changed(self) -> str:
        text = self.text
        for (start, end), new in sorted(self.edits.items(), reverse=True):
            text = text[:start] + new + text[end:]
        return text


def _last_index(node: yaml.Node) -> int:
    """Where the last character of ``node`` ends (a block collection's end mark is where
    the next token starts, after any comment lines)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return max(_last_index(v) for _, v in node.value)
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _last_index(node.value[-1])
    return int(node.end_mark.index)


def _compose(path: Path, display: str) -> tuple[str, yaml.Node | None]:
    text = read_text_file(path, display)
    try:
        return text, yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:  # load_data_folder read it: not expected
        raise RenameError([DataError(display, None, "", f"cannot read it: {exc}")]) from None


def _id_of(node: yaml.Node) -> str | None:
    """The id a list item of references names (``x`` or ``{id: x, …}``)."""
    if _scalar(node):
        return str(node.value)
    found = _key(node, "id")
    return str(found.value) if found is not None and _scalar(found) else None


def _plan_references(file: _File, refs: Iterator[_Ref], old: str, new: str, merge: bool) -> None:
    """Plan each reference to ``old`` to name ``new``; when merging, a list item that
    would name ``new`` a second time is removed instead."""
    for ref in refs:
        if ref.node.value != old:
            continue
        if (
            merge
            and ref.item is not None
            and ref.seq is not None
            and any(_id_of(child) == new for child in ref.seq.value)
        ):
            file.remove_item(ref.item, ref.seq)
        else:
            file.replace(ref.node, new)


def _scan(root: Path, kind: str, old: str, new: str, merge: bool = False) -> list[_File]:
    """Every YAML file of the data folder, with the changes that make its references to
    ``old`` (an entity, or with ``kind`` case or source a case or a source) name ``new``.
    An entity's own entry is renamed, or, when merging, left as it is (see
    :func:`_plan_merge`); a source's ``file``, when it is named after the source
    (``<old>.txt``), is renamed too."""
    files: list[_File] = []
    for path in case_file_paths(root):
        text, node = _compose(path, shown(path, root))
        if node is None:
            continue
        file = _File(path, text)
        if kind in ("case", "source"):
            found = _key(node, "id" if kind == "case" else "source")
            if found is not None and _scalar(found) and found.value == old:
                file.replace(found, new)
        else:
            _plan_references(file, _references(Case, (), node, "", None), old, new, merge)
        files.append(file)
    if kind == "case":
        return files
    for path in source_metadata_paths(root):
        text, node = _compose(path, shown(path, root))
        if node is not None:
            file = _File(path, text)
            if kind == "source":
                source_id = _key(node, "id")
                if source_id is not None and _scalar(source_id) and source_id.value == old:
                    file.replace(source_id, new)
                    text_file = _key(node, "file")
                    if text_file is not None and _scalar(text_file):
                        renamed = _renamed_text_file(str(text_file.value), old, new)
                        if renamed is not None:
                            file.replace(text_file, renamed)
            else:
                _plan_references(file, _references(Source, (), node, "", None), old, new, merge)
            files.append(file)
    if kind == "source":
        return files
    for path in entity_file_paths(root):
        text, node = _compose(path, shown(path, root))
        if node is not None:
            file = _File(path, text)
            for item, id_node in _entity_nodes(node):
                if id_node is not None and _scalar(id_node) and id_node.value == old:
                    if merge:
                        continue  # removed whole by _plan_merge
                    file.replace(id_node, new)
                refs = _references(Entity, (), item, "", None)
                _plan_references(file, refs, old, new, merge)
            files.append(file)
    return files


# ----------------------------------------------------------------------------- the rename


def _refuse(display: str, message: str) -> RenameError:
    return RenameError([DataError(display, None, "", message)])


def _close(word: str, ids: list[str]) -> str:
    close = difflib.get_close_matches(word, ids, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _renamed_text_file(name: str, old: str, new: str) -> str | None:
    """The new name of a source's text file named after its source (``<old>.txt``)."""
    return f"{new}{Path(name).suffix}" if Path(name).stem == old else None


def _moved_case_file(path: Path, old: str, new: str) -> Path | None:
    """The new name of a case file named after its case (``NN-<old>.yaml``)."""
    match = re.fullmatch(rf"(\d+-){re.escape(old)}(\.ya?ml)", path.name)
    return path.with_name(f"{match[1]}{new}{match[2]}") if match else None


def _flow(label: Bilingual) -> str:
    """A bilingual label as the data files write one: ``{zh: …, en: …}``."""
    text = yaml.safe_dump(
        {"zh": label.zh, "en": label.en},
        default_flow_style=True,
        allow_unicode=True,
        width=1_000_000,
        sort_keys=False,
    )
    return text.strip()


def _line_after(text: str, index: int) -> int:
    """Where the line after the one that holds ``index - 1`` starts."""
    newline = text.find("\n", max(index - 1, 0))
    return len(text) if newline < 0 else newline + 1


def _plan_merge(
    files: dict[Path, _File], duplicate: Entity, keep: Entity, display: str
) -> tuple[str, ...]:
    """Plan the removal of ``duplicate``'s entry and the addition of its labels to
    ``keep``'s alternative labels; return the notes on what of it is not kept."""
    if duplicate.type is not keep.type:
        raise _refuse(
            display,
            f"{duplicate.id!r} is {article(duplicate.type.value)} {duplicate.type.value},"
            f" {keep.id!r} {article(keep.type.value)} {keep.type.value}: only two entries of"
            " one kind are merged",
        )
    if keep.id in duplicate.distinct_from or duplicate.id in keep.distinct_from:
        raise _refuse(
            display,
            f"{duplicate.id!r} and {keep.id!r} are marked distinct_from each other: they are"
            " two things; take the mark away first if they are one",
        )
    seen = set(keep.zh_labels)
    labels = []
    for label in (duplicate.label, *duplicate.alt_labels):
        if label.zh not in seen:
            seen.add(label.zh)
            labels.append(_flow(label))
    for file in files.values():
        root = yaml.compose(file.text, Loader=yaml.SafeLoader) if file.text.strip() else None
        if root is None:
            continue
        for item, id_node in _entity_nodes(root):
            if id_node is None or not _scalar(id_node):
                continue
            if id_node.value == duplicate.id:
                file.remove_lines(_comments_above(file.text, item, duplicate.id), _last_index(item))
            elif id_node.value == keep.id and labels:
                _add_alt_labels(file, item, labels)
    dropped = [
        name
        for name in ("definition", "broader", "part_of", "distinct_from", "growth_rate_of")
        if getattr(duplicate, name) and getattr(duplicate, name) != getattr(keep, name)
    ]
    if not dropped:
        return ()
    return (
        f"{duplicate.id}'s {', '.join(dropped)} (in its removed entry) not kept: {keep.id}"
        " keeps its own; add what it lacks by hand",
    )


def _comments_above(text: str, item: yaml.Node, entity_id: str) -> int:
    """Where the entry ``item`` starts, with the comment lines right above it that name
    its id (``# copy of org-x from …``): they go with it."""
    start = text.rfind("\n", 0, item.start_mark.index) + 1
    names = re.compile(rf"^\s*#.*(?<![\w-]){re.escape(entity_id)}(?![\w-])")
    while start > 0:
        above = text.rfind("\n", 0, start - 1) + 1
        if not names.match(text[above : start - 1]):
            break
        start = above
    return start


def _add_alt_labels(file: _File, item: yaml.Node, labels: list[str]) -> None:
    """Plan ``labels`` (flow mappings) as more of the entry ``item``'s ``alt_labels``."""
    alt = _key(item, "alt_labels")
    if isinstance(alt, yaml.SequenceNode) and (alt.flow_style or not alt.value):
        at = alt.end_mark.index - 1  # the closing ]
        file.edits[(at, at)] = (", " if alt.value else "") + ", ".join(labels)
    elif isinstance(alt, yaml.SequenceNode):
        indent = " " * (alt.value[0].start_mark.column - 2)
        at = _line_after(file.text, _last_index(alt))
        file.edits[(at, at)] = "".join(f"{indent}- {label}\n" for label in labels)
    else:
        assert isinstance(item, yaml.MappingNode)
        key, value = next((k, v) for k, v in item.value if k.value == "label")
        at = _line_after(file.text, _last_index(value))
        line = f"{' ' * key.start_mark.column}alt_labels: [{', '.join(labels)}]\n"
        file.edits[(at, at)] = line if at == 0 or file.text[at - 1] == "\n" else "\n" + line


def rename_id(
    data_dir: Path,
    old: str,
    new: str,
    *,
    case: bool = False,
    source: bool = False,
    merge: bool = False,
    dry_run: bool = False,
) -> RenameResult:
    """Rename the entity ``old`` (or, with ``case``, the case ``old``; with ``source``, the
    source ``old``) to ``new`` in every file of the data folder ``data_dir`` that defines
    or refers to it; rename a case file named after its case (``03-old.yaml`` to
    ``03-new.yaml``), a source's metadata file (``old.yaml`` to ``new.yaml``) and its text
    file, when it is named after it (``old.txt`` to ``new.txt``, the bytes unchanged).

    With ``merge``, ``new`` is another entity of the same kind, which ``old`` duplicates:
    every reference to ``old`` names ``new`` instead (a list that then names it twice keeps
    one), ``old``'s labels become ``new``'s alternative labels, and ``old``'s entry is
    removed. The result's ``notes`` name what of ``old``'s entry is not kept.

    Refuses (raising :class:`RenameError`, nothing written) a data folder that does not
    load and resolve as it is, an ``old`` that is no such id, a ``new`` that is not an id or
    is taken (unless merging), and a rename after which the folder would not resolve. With
    ``dry_run``, says what would change and writes nothing."""
    display = str(data_dir)
    kind: Literal["entity", "case", "source"] = "case" if case else "source" if source else "entity"
    if case and source:
        raise _refuse(display, "an id is a case's (--case) or a source's (--source), not both")
    if (case or source) and merge:
        raise _refuse(display, f"only entities are merged, not {kind}s")
    if re.fullmatch(SLUG_PATTERN, new) is None:
        raise _refuse(display, f"{new!r} is not {PATTERN_MEANINGS[SLUG_PATTERN]}")
    data = load_data_folder(data_dir)
    resolve(data)
    ids: dict[str, list[str]] = {
        "entity": list(data.entities),
        "case": [c.record.id for c in data.cases],
        "source": list(data.sources),
    }
    taken = ids[kind]
    if old not in taken:
        other = next((k for k in ids if k != kind and old in ids[k]), None)
        if other == "entity":
            hint = f"; it is an entity's id: rename it without --{kind}"
        elif other is not None:
            hint = f"; it is {article(other)} {other}'s id: rename it with --{other}"
        else:
            hint = _close(old, taken)
        raise _refuse(display, f"no {kind} has the id {old!r}{hint}")
    if new == old:
        raise _refuse(display, f"{old!r} is already the {kind}'s id")
    if merge and new not in taken:
        raise _refuse(display, f"no entity has the id {new!r} to merge into{_close(new, taken)}")
    if new in taken and not merge:
        hint = f": to merge {old!r} into it, give --merge" if kind == "entity" else ""
        raise _refuse(display, f"{new!r} is already the id of another {kind}{hint}")
    files = {f.path: f for f in _scan(data_dir, kind, old, new, merge)}
    notes: tuple[str, ...] = ()
    if merge:
        entity_files = {p: files[p] for p in entity_file_paths(data_dir) if p in files}
        notes = _plan_merge(entity_files, data.entities[old], data.entities[new], display)
    changed = [f for f in files.values() if f.edits]
    moved: tuple[Path, Path] | None = None
    text_moved: tuple[Path, Path] | None = None
    if case:
        (path,) = (f.path for f in changed)  # the case's own file: no other names a case
        target = _moved_case_file(path, old, new)
        if target is not None:
            moved = (path, target)
    if source:
        path = next(p for p in source_metadata_paths(data_dir) if p.stem == old)
        moved = (path, path.with_name(f"{new}{path.suffix}"))
        text_name = data.sources[old].record.file
        renamed = _renamed_text_file(text_name, old, new)
        if renamed is not None:
            text_moved = (path.with_name(text_name), path.with_name(renamed))
        notes = _made_up_case_ids(data, old, new)
    moves = [m for m in (moved, text_moved) if m is not None]
    for _, target in moves:
        if target.exists() or target.is_symlink():
            raise _refuse(shown(target, data_dir), "a file of this name is already there")
    contents = {f.path: f.changed.encode("utf-8") for f in changed}
    _check_staged(data_dir, contents, moves)
    result = RenameResult(
        kind=kind,
        old=old,
        new=new,
        references=tuple((shown(f.path, data_dir), len(f.edits)) for f in changed),
        moved=(shown(moved[0], data_dir), shown(moved[1], data_dir)) if moved else None,
        written=not dry_run,
        merged=merge,
        notes=notes,
        text_moved=(
            (shown(text_moved[0], data_dir), shown(text_moved[1], data_dir)) if text_moved else None
        ),
    )
    if dry_run:
        return result
    for path, target in moves:
        contents[target] = contents.pop(path) if path in contents else path.read_bytes()
    _write(data_dir, contents, moves, result)
    return result


def _write(
    data_dir: Path, contents: dict[Path, bytes], moves: list[tuple[Path, Path]], done: RenameResult
) -> None:
    """Write ``contents`` and take away the old files of ``moves``, all or nothing.

    Nothing is deleted before every new file is in place: the old files are first moved
    aside, into a hidden folder beside them (``cases/.reformgraph-rename-…``, which no
    reader of the data folder reads; beside them, so that moving is renaming, on the same
    disk), then the files are written (:func:`atomic_write_files`). If either fails, the
    files written are taken back and the old ones put back where they were:
    :class:`RenameError`. Only then is the aside folder removed; if that fails, the data
    folder is renamed and the folder is left: :class:`RenameIncomplete` names it (as it
    does old files that could not be put back)."""
    asides: dict[Path, Path] = {}  # a folder of old files: the hidden folder beside them
    put_aside: list[tuple[Path, Path]] = []
    try:
        for path, _ in moves:
            if path.parent not in asides:
                try:
                    made = tempfile.mkdtemp(prefix=_ASIDE_PREFIX, dir=path.parent)
                except OSError as exc:  # the folder it is in, not a hidden one never made
                    exc.filename, exc.filename2 = str(path.parent), None
                    raise
                asides[path.parent] = Path(made)
            kept = asides[path.parent] / path.name
            path.replace(kept)
            put_aside.append((path, kept))
        atomic_write_files(contents)
    except BaseException as exc:  # a Ctrl-C too: the old files go back
        stuck = []
        for path, kept in reversed(put_aside):
            try:
                kept.replace(path)
            except OSError:
                stuck.append((path, kept))
        if stuck:
            why = f"{exc.strerror or exc}" if isinstance(exc, OSError) else type(exc).__name__
            folders = " and ".join(str(aside) for aside in asides.values())
            raise RenameIncomplete(
                f"cannot write {exc.filename if isinstance(exc, OSError) else data_dir} ({why}),"
                " and the old file(s) moved aside could not be put back: "
                + "; ".join(f"move {kept} back to {path}" for path, kept in reversed(stuck))
                + f"; then {data_dir} is as it was (delete {folders})"
            ) from None
        for aside in asides.values():
            _remove_quietly(aside)
        if not isinstance(exc, OSError):
            raise
        raise _refuse(
            str(exc.filename or data_dir),
            f"cannot write it ({exc.strerror or exc}): {data_dir} is as it was",
        ) from None
    for aside in asides.values():
        try:
            _remove(aside)
        except OSError as exc:
            raise RenameIncomplete(
                f"renamed {done.kind} {done.old!r} to {done.new!r}, but the folder its old"
                f" file(s) were moved aside into could not be removed ({exc.strerror or exc}:"
                f" {exc.filename}): delete {aside} (nothing reads it)"
            ) from None


def _remove(folder: Path) -> None:
    """Remove the folder of old files ``folder`` and the files in it."""
    for path in sorted(folder.iterdir()):
        path.unlink()
    folder.rmdir()


def _remove_quietly(folder: Path) -> None:
    """Remove ``folder`` if it can be: the old files are back; an empty hidden folder left
    behind harms nothing."""
    try:
        _remove(folder)
    except OSError:
        pass


def _made_up_case_ids(data: Dataset, old: str, new: str) -> tuple[str, ...]:
    """A note on the cases of the source ``old`` that keep the ids extract made up from
    it (``report-case-01``): once the source is ``new``, nothing tells them apart."""
    made_up = [
        c.record.id
        for c in data.cases
        if c.record.source == old and re.fullmatch(rf"{re.escape(old)}-case-\d+", c.record.id)
    ]
    if not made_up:
        return ()
    shown_ids = ", ".join(made_up[:3]) + (f" \u2026 ({len(made_up)})" if len(made_up) > 3 else "")
    return (
        f"its cases keep the ids extract made up from {old!r} ({shown_ids}): give them"
        f" readable ones too (reformgraph rename {made_up[0]} NEW --case)",
    )


def _check_staged(
    data_dir: Path, contents: dict[Path, bytes], moves: list[tuple[Path, Path]]
) -> None:
    """Raise if the data folder, renamed, would not load and resolve (checked in a copy),
    or if the copy cannot be made (a full temporary folder)."""
    try:
        _check_copy(data_dir, contents, moves)
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        raise _refuse(
            str(data_dir),
            f"cannot check the rename in a temporary copy ({exc.strerror or exc}{where}):"
            f" make room in {tempfile.gettempdir()}, or set TMPDIR to a folder with room",
        ) from None


def _check_copy(
    data_dir: Path, contents: dict[Path, bytes], moves: list[tuple[Path, Path]]
) -> None:
    with tempfile.TemporaryDirectory(prefix="reformgraph-rename-") as work:
        staged = Path(work) / (data_dir.resolve().name or "data")  # `--data .` has no name
        shutil.copytree(data_dir, staged, ignore=shutil.ignore_patterns(".*"))
        for path, blob in contents.items():
            (staged / path.relative_to(data_dir)).write_bytes(blob)
        for path, target in moves:
            (staged / path.relative_to(data_dir)).replace(staged / target.relative_to(data_dir))
        try:
            resolve(load_data_folder(staged))
        except DataErrors as exc:
            # the staged copy's files, gone with it, named as the data folder's (shown)
            own = "" if str(data_dir) == "." else f"{data_dir}/"
            raise RenameError(
                [
                    DataError(
                        "",
                        None,
                        "",
                        "the rename would leave the data unresolved: "
                        + str(e).replace(f"{staged}/", own),
                    )
                    for e in exc.errors
                ]
            ) from None

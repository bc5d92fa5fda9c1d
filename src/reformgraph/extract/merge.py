"""Merging a reviewed draft into a data folder, checked as a whole before it lands."""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from reformgraph.errors import DataError, DataErrors, yaml_path
from reformgraph.extract.draft import _FILE_OF_GROUP, _dump, _entity_records_one, _uncovered
from reformgraph.extract.report import DRAFT_MARKER, MANIFEST, ExtractError, _errors
from reformgraph.io import (
    Dataset,
    LineMap,
    SourceFile,
    atomic_write_files,
    case_file_paths,
    load_case_file,
    load_data_folder,
    read_text_file,
    read_yaml,
    shown,
)
from reformgraph.models import Entity
from reformgraph.resolve import resolve


@dataclass(frozen=True)
class AcceptResult:
    """What ``accept`` merged into the data folder."""

    source_id: str
    source_added: bool
    cases: tuple[str, ...]
    entities_added: tuple[str, ...]
    references: tuple[str, ...]
    written: tuple[Path, ...]
    #: What was accepted but is still missing (a source's unknown issued date or url).
    notes: tuple[str, ...] = ()


_TODO = re.compile(r"TODO:")


def _draft_yaml_files(draft_dir: Path) -> list[Path]:
    """The YAML files of a draft, hidden ones aside, as the data folder's are read (the
    ``._<name>`` files macOS leaves on a USB stick or a network share are not YAML)."""
    return sorted(
        p
        for sub in ("sources", "cases", "entities")
        for p in (draft_dir / sub).glob("*.y*ml")
        if p.is_file() and not p.name.startswith(".")
    )


def _unfinished(path: Path, text: str, display: str, *, allow_todo: bool) -> list[DataError]:
    """The lines of a draft file still marked unreviewed and (unless ``allow_todo``) its
    ``TODO`` placeholders, each with the YAML path of the value it is in (when the file
    reads as YAML; its other problems are named when the draft is read)."""
    problems: list[DataError] = []
    lines: LineMap | None = None
    data: Any = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == DRAFT_MARKER:
            problems.append(
                DataError(
                    display,
                    number,
                    "",
                    "still marked unreviewed: review the file, then delete this line",
                )
            )
        elif (
            not allow_todo
            and not line.lstrip().startswith("#")
            and _TODO.search(line.split(" #", 1)[0])
        ):
            if lines is None:
                try:
                    data, lines = read_yaml(path, display)
                except DataErrors:
                    lines = LineMap(display)
            # The values on the line that hold a TODO: {zh: …, en: 'TODO: translate'} is
            # title.en, not title.zh, whose node starts on the same line.
            paths = [
                key
                for key, start in lines.lines.items()
                if start == number and _holds_todo(_value_at(data, key))
            ] or [lines.path_at(number)]
            problems += [
                DataError(display, number, yaml_path(key), "a TODO placeholder is left: fill it in")
                for key in paths
            ]
    return problems


def _value_at(data: Any, key: Sequence[str | int]) -> Any:
    """The value at a YAML path in ``data``, or None if there is none."""
    for part in key:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def _holds_todo(value: Any) -> bool:
    return isinstance(value, str) and _TODO.search(value) is not None


#: The first comment lines of a draft file that speak to its reviewer, left out on accept.
_INSTRUCTIONS = ("# Draft of case ", "# Check every fact", "# Check title and publisher")


def _without_instructions(data: bytes) -> bytes:
    """A reviewed draft file without the reviewer's instructions at its top."""
    return _instructions_removed(data)[0]


def _instructions_removed(data: bytes) -> tuple[bytes, int]:
    """:func:`_without_instructions`, and how many lines it took away (all above the data:
    a line of the result is that many lines further down in the draft)."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    head = [line for line in lines[:start] if not line.startswith(_INSTRUCTIONS)]
    return "".join(head + lines[start:]).encode("utf-8"), start - len(head)


#: Two case files that hold the same case: the resolver reports it on the later of the two,
#: naming the other first (:meth:`reformgraph.resolve._Resolver.check_positions`).
_CLASH = re.compile(r"^(\S+) has the same [\w ]+ in \S+: two case files cannot hold the same case$")


def _line_at(lines: LineMap, path: str) -> int | None:
    """The line of the node that ``path`` (as an error names it, ``measures[2].id``) names."""
    found = (line for key, line in lines.lines.items() if yaml_path(key) == path)
    return next(found, lines.line(()))


@dataclass(frozen=True)
class _StagedNames:
    """How the problems of the merged folder that ``accept`` stages name its files: by the
    files the user edits, never by the staged copy's. A case or source file of the draft is
    named by the draft's file and line (it is not in the data folder yet), any other by
    the data folder's, both as the user gave the folders."""

    #: The staged copy's folder, below which its files are named (``/tmp/…/data/cases/…``).
    staged: str
    data_dir: Path
    #: The staged files that come from the draft (``cases/…``), as the draft names them.
    from_draft: Mapping[str, str]
    #: How many lines of reviewer's instructions each of those lost at its top.
    removed: Mapping[str, int]
    #: The line maps of the draft's case files (in the draft's files), by staged name.
    draft_lines: Mapping[str, LineMap]

    def _rest(self, file: str) -> str | None:
        """``file`` below the staged folder, or None if it is not one of its files."""
        prefix = f"{self.staged}/"
        return file[len(prefix) :] if file.startswith(prefix) else None

    def file(self, file: str) -> str:
        """How the user knows the staged ``file``."""
        rest = self._rest(file)
        if rest is None:
            return file
        return self.from_draft.get(rest) or shown(self.data_dir / rest, self.data_dir)

    def message(self, text: str) -> str:
        """``text`` with every staged file it names named as :meth:`file` names it."""
        mention = re.compile(
            rf"(?<![^\s(\"'`]){re.escape(self.staged)}/[^\s:,;()\"'`]*[^\s:,;()\"'`.]"
        )
        return mention.sub(lambda m: self.file(m.group(0)), text)

    def error(self, error: DataError) -> DataError:
        """``error`` of the staged copy, named by the file and line the user edits. A clash
        of a curated case file with a draft's is told on the draft's (the one ``accept``
        adds), naming the curated one, whichever of the two the resolver told it on."""
        rest = self._rest(error.file)
        clash = _CLASH.match(error.message)
        if rest is not None and rest not in self.from_draft and clash is not None:
            other = self._rest(clash.group(1))
            if other is not None and other in self.draft_lines:
                lines = self.draft_lines[other]
                message = self.file(error.file) + error.message[clash.end(1) :]
                return DataError(
                    lines.file, _line_at(lines, error.path), error.path, self.message(message)
                )
        line = error.line
        if line is not None and rest is not None and rest in self.from_draft:
            line += self.removed.get(rest, 0)
        return DataError(self.file(error.file), line, error.path, self.message(error.message))


def _differences(draft: Entity, curated: Entity) -> list[str]:
    """The fields in which a draft's entity differs from the curated entity of its id (none:
    the same thing). A draft copy keeps only the look-alikes (``distinct_from``) the draft
    holds, so those need only be among the curated ones."""
    mine = draft.model_dump(mode="json", exclude={"distinct_from"})
    theirs = curated.model_dump(mode="json", exclude={"distinct_from"})
    fields = [key for key in theirs if mine.get(key) != theirs[key]]
    if not set(draft.distinct_from) <= set(curated.distinct_from):
        fields.append("distinct_from")
    return fields


def _copies(draft_dir: Path) -> dict[str, str]:
    """The copies of curated entities the draft's manifest lists (id → curated file)."""
    path = draft_dir / MANIFEST
    display = shown(path, draft_dir)
    manifest, lines = read_yaml(path, display)
    if not isinstance(manifest, dict):
        raise ExtractError(
            display,
            1,
            f"not the manifest extract writes (a {type(manifest).__name__}, not a mapping)",
        )
    copies = manifest.get("copies") or {}
    if not isinstance(copies, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in copies.items()
    ):
        raise DataErrors(
            [lines.error(("copies",), "must map the ids of copied entities to their files")]
        )
    return copies


_UNKNOWN_ID = re.compile(r"^unknown [\w ]+ '([^']+)': no entity has this id$")


def with_curated_hints(errors: Sequence[DataError], draft_dir: Path) -> list[DataError]:
    """``errors`` of a draft folder, where an unknown id is one the curated data has, told
    how to link to it: a draft builds on its own, so the curated entity must be copied in
    (``accept`` turns the copy into a reference)."""
    try:
        manifest = yaml.safe_load((draft_dir / MANIFEST).read_text(encoding="utf-8"))
        curated = Path(str(manifest["curated"]))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, TypeError, KeyError):
        return list(errors)
    if not curated.is_absolute():
        curated = draft_dir / curated
    wanted = {m[1] for e in errors if (m := _UNKNOWN_ID.match(e.message))}
    where: dict[str, str] = {}
    if wanted and (curated / "entities").is_dir():
        for path in sorted((curated / "entities").glob("*.yaml")):
            try:
                records = yaml.safe_load(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            for record in records if isinstance(records, list) else []:
                if isinstance(record, dict) and record.get("id") in wanted:
                    where.setdefault(str(record["id"]), str(path))
    out = []
    copies = shown(draft_dir / "entities" / "copies.yaml", draft_dir)
    for error in errors:
        match = _UNKNOWN_ID.match(error.message)
        if match and match[1] in where:
            message = (
                f"{error.message} in this draft; the curated data has it ({where[match[1]]}):"
                f" copy its entry into {copies} (without the `distinct_from` ids the draft"
                " lacks), and accept makes it a reference"
            )
            error = DataError(error.file, error.line, error.path, message)
        out.append(error)
    return out


def _read_draft(draft_dir: Path, *, allow_todo: bool) -> tuple[Dataset, dict[str, str]]:
    """The draft folder, read and resolved, and its copies of curated entities (see
    :func:`_copies`), if it is one ``extract`` made, reviewed (unless ``allow_todo``, with
    no ``TODO`` left) and without a mistake of its own."""
    if not draft_dir.is_dir():
        what = "no such folder" if not draft_dir.exists() else "a file, not a draft folder"
        raise ExtractError(str(draft_dir), None, f"{what} (give the folder extract wrote)")
    if not (draft_dir / MANIFEST).is_file():
        raise ExtractError(
            str(draft_dir), None, f"not a draft folder made by reformgraph extract (no {MANIFEST})"
        )
    copies = _copies(draft_dir)
    problems: list[DataError] = []
    for path in _draft_yaml_files(draft_dir):
        display = shown(path, draft_dir)
        try:
            text = read_text_file(path, display)
        except DataErrors as exc:  # listed with the others; the reading stops below
            problems += exc.errors
            continue
        problems += _unfinished(path, text, display, allow_todo=allow_todo)
    if problems:
        raise _errors(problems)
    try:
        draft = load_data_folder(draft_dir)
    except DataErrors as exc:
        # The sources and entities stop the reading: list the case files' own problems
        # too, as `check` does, so that one round of fixes can answer them all.
        problems = list(exc.errors)
        for path in case_file_paths(draft_dir):
            problems += load_case_file(path, draft_dir)[1]
        raise _errors(with_curated_hints(problems, draft_dir)) from None
    try:
        resolve(draft)
    except DataErrors as exc:
        raise _errors(with_curated_hints(exc.errors, draft_dir)) from None
    return draft, copies


def _source_problems(
    source: SourceFile, data: Dataset, data_dir: Path
) -> tuple[bool, list[DataError]]:
    """Whether the draft's source is new to the data folder, and why it cannot go in."""
    record = source.record
    problems: list[DataError] = []
    source_added = True
    here = data.sources.get(record.id)
    if here is not None:
        if here.record.sha256 != record.sha256:
            problems.append(
                source.lines.error(
                    ("id",),
                    f"source id {record.id!r} is already used by another text in {data_dir}",
                )
            )
        source_added = False
    for other in data.sources.values():
        if other.record.sha256 == record.sha256 and other.record.id != record.id:
            problems.append(
                source.lines.error(
                    ("sha256",), f"this text is already registered as source {other.record.id!r}"
                )
            )
    return source_added, problems


def _entity_problems(
    draft: Dataset, data: Dataset, data_dir: Path, copies: Mapping[str, str]
) -> tuple[list[str], list[Entity], list[DataError]]:
    """The draft's entities that the data folder has (to become references), those it
    adds, and why some cannot go in."""
    problems: list[DataError] = []
    references: list[str] = []
    added: list[Entity] = []
    for entity_id, entity in draft.entities.items():
        lines, base = draft.entity_lines[entity_id]
        existing = data.entities.get(entity_id)
        if entity_id in copies:
            if existing is None:
                problems.append(
                    lines.error(base, f"{entity_id!r} is a copy, but {data_dir} has no such entity")
                )
            elif differ := _differences(entity, existing):
                problems.append(
                    lines.error(
                        base,
                        f"the copy of {entity_id!r} differs from the curated entity"
                        f" ({existing.type.value} {existing.label.zh}) in {', '.join(differ)}:"
                        f" change it in {data_dir}, not here",
                    )
                )
            references.append(entity_id)
        elif existing is not None:
            if differ := _differences(entity, existing):
                problems.append(
                    lines.error(
                        (*base, "id"),
                        f"id {entity_id!r} is already used in {data_dir} by"
                        f" {existing.type.value} {existing.label.zh!r}, which differs from this"
                        f" one in {', '.join(differ)}: rename this one if it is another thing;"
                        " if it is the same, make it the same as the curated one",
                    )
                )
            else:
                references.append(entity_id)
        else:
            added.append(entity)
    known_cases = {c.record.id for c in data.cases}
    for case in draft.cases:
        if case.record.id in known_cases:
            problems.append(
                case.lines.error(
                    ("id",), f"case id {case.record.id!r} is already used in {data_dir}"
                )
            )
    return references, added, problems


def _merged_files(
    draft_dir: Path,
    data_dir: Path,
    draft: Dataset,
    data: Dataset,
    added: Sequence[Entity],
    *,
    source_added: bool,
) -> tuple[dict[str, bytes], dict[str, int], list[DataError]]:
    """The files accept writes, by their names in the data folder; how many instruction
    lines each lost from the top of its draft file; and why some cannot be written."""
    record = next(iter(draft.sources.values())).record
    problems: list[DataError] = []
    files_: dict[str, bytes] = {}
    removed: dict[str, int] = {}  # instruction lines taken from the top of a draft file
    if source_added:
        files_[f"sources/{record.file}"] = (draft_dir / "sources" / record.file).read_bytes()
        name = f"sources/{record.id}.yaml"
        files_[name], removed[name] = _instructions_removed(
            (draft_dir / "sources" / f"{record.id}.yaml").read_bytes()
        )
    for case in draft.cases:
        name = Path(case.lines.file).name
        target = f"cases/{name}"
        if (data_dir / target).exists():
            problems.append(case.lines.error((), f"{target} already exists in {data_dir}"))
        files_[target], removed[target] = _instructions_removed(
            (draft_dir / "cases" / name).read_bytes()
        )
    present = set(data.entities) | {e.id for e in added}
    appended: dict[str, str] = {}
    for entity in added:
        name = _FILE_OF_GROUP.get(entity.type.group, "entities.yaml")
        appended[name] = appended.get(name, "") + _dump([_entity_records_one(entity, present)])
    for name, text in appended.items():
        path = data_dir / "entities" / name
        before = path.read_text(encoding="utf-8") if path.is_file() else ""
        if before and not before.endswith("\n"):
            before += "\n"
        files_[f"entities/{name}"] = (before + text).encode("utf-8")
    return files_, removed, problems


def _check_staged(
    draft_dir: Path,
    data_dir: Path,
    draft: Dataset,
    files_: Mapping[str, bytes],
    removed: Mapping[str, int],
    verify: Callable[[Path], Sequence[DataError]] | None,
) -> None:
    """Raise with every problem of the data folder as it would be once ``files_`` are
    written, checked in a staged copy, each named by the file the user edits."""
    # The staged copy's files, as messages name them: a case or source file by the draft's
    # file (it is not in the data folder yet), any other by the data folder's, both as the
    # user gave the folders.
    from_draft = {
        name: shown(draft_dir / name, draft_dir)
        for name in files_
        if name.startswith(("cases/", "sources/"))
    }
    draft_lines = {f"cases/{Path(case.lines.file).name}": case.lines for case in draft.cases}

    with tempfile.TemporaryDirectory(prefix="reformgraph-accept-") as work:
        staged = Path(work) / (data_dir.resolve().name or "data")  # `--data .` has no name
        shutil.copytree(data_dir, staged)
        for name, blob in files_.items():
            path = staged / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob)
        names = _StagedNames(str(staged), data_dir, from_draft, removed, draft_lines)
        try:
            merged = resolve(load_data_folder(staged))
        except DataErrors as exc:
            raise _errors([names.error(e) for e in exc.errors]) from None
        uncovered = [replace(u, file=names.file(u.file)) for u in _uncovered(merged)]
        if uncovered:
            raise _errors([DataError(u.file, None, "", str(u)) for u in uncovered])
        if verify is not None and (failed := verify(staged)):
            raise _errors([names.error(e) for e in failed])


#: The ids extract makes up: an entity's kind and a hash of its label (org-e3fe09f0); a
#: case's, its source's id and its position (hunan-2025-reform-cases-case-01).
_MADE_UP_ENTITY_ID = re.compile(r"^[a-z]+-[0-9a-f]{8}$")


def _made_up_ids(
    source_ids: Sequence[str], cases: Sequence[str], entities: Sequence[str]
) -> tuple[str, ...]:
    """Notes on the ids of cases and entities accepted as extract made them up (a case's of
    one of ``source_ids``, its source's ids now and as drafted): an id is part of the IRI
    others link to, and the draft's instructions ask for readable ones."""
    sources = "|".join(re.escape(s) for s in source_ids)
    made_up_cases = [c for c in cases if re.fullmatch(rf"(?:{sources})-case-\d+", c)]
    made_up = [e for e in entities if _MADE_UP_ENTITY_ID.match(e)]
    notes = []
    for what, ids in (("case(s)", made_up_cases), ("new entities", made_up)):
        if ids:
            shown_ids = ", ".join(ids[:5]) + (f" and {len(ids) - 5} more" if len(ids) > 5 else "")
            notes.append(
                f"{len(ids)} {what} keep the id extract made up ({shown_ids}): an id is part"
                " of the IRI others will link to; rename them now (reformgraph rename OLD NEW,"
                " --case for a case) before the data is published"
            )
    return tuple(notes)


def _drafted_source_id(draft_dir: Path) -> str | None:
    """The id extract gave the draft's source (its manifest's ``source``), which the cases'
    made-up ids are made of, even once the source is renamed (``reformgraph rename
    --source``)."""
    try:
        manifest = yaml.safe_load((draft_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    drafted = manifest.get("source") if isinstance(manifest, dict) else None
    return drafted if isinstance(drafted, str) else None


def accept(
    draft_dir: Path,
    data_dir: Path,
    *,
    allow_todo: bool = False,
    verify: Callable[[Path], Sequence[DataError]] | None = None,
) -> AcceptResult:
    """Merge a reviewed draft folder into the data folder ``data_dir``.

    Registers the draft's source (its text and metadata), adds its cases and its new
    entities (appended to the entity file of their kind), and replaces the copies of
    curated entities by references to them. Refuses, with every problem listed and
    ``data_dir`` untouched: a folder that ``extract`` did not make; files still marked
    unreviewed (their ``# reformgraph-draft: unreviewed`` line); ``TODO`` placeholders
    left (unless ``allow_todo``); ids that collide with different things in ``data_dir``;
    a copy that no longer matches the curated entity; and anything that would make the
    merged folder fail to resolve or leave numerals or outcome words uncovered.
    ``verify``, given the merged folder (a staged copy), returns what else is wrong with
    it: :func:`reformgraph.pipeline.accept` checks it against the SHACL shapes. The files
    are written all or none.

    A source whose publication date (``issued``) or ``url`` is unknown (a news item
    seen in print) is accepted, as the data schema allows: the result's ``notes`` say
    so, and every build reports it as a SHACL warning until it is given.
    """
    draft, copies = _read_draft(draft_dir, allow_todo=allow_todo)
    data = load_data_folder(data_dir)
    resolve(data)
    if len(draft.sources) != 1:
        raise ExtractError(str(draft_dir / "sources"), None, "a draft holds exactly one source")
    source = next(iter(draft.sources.values()))
    record = source.record
    # A news item may have no known date or address: the schema lets a source go
    # without them, and every build then warns about them (rgsh:IssuedKnown, UrlKnown).
    notes = tuple(
        f"{source.lines.file}: the source has no {name} ({meaning}); every build will warn"
        " until it is given"
        for name, meaning in (("issued", "publication date"), ("url", "address"))
        if getattr(record, name) is None
    )
    source_added, problems = _source_problems(source, data, data_dir)
    references, added, entity_problems = _entity_problems(draft, data, data_dir, copies)
    if problems := problems + entity_problems:
        raise _errors(problems)
    files_, removed, problems = _merged_files(
        draft_dir, data_dir, draft, data, added, source_added=source_added
    )
    if problems:
        raise _errors(problems)
    _check_staged(draft_dir, data_dir, draft, files_, removed, verify)
    case_names = [case.record.id for case in draft.cases]
    drafted = _drafted_source_id(draft_dir)
    source_ids = [record.id] if drafted in (None, record.id) else [record.id, str(drafted)]
    notes += _made_up_ids(source_ids, case_names, [e.id for e in added])
    order = sorted(files_, key=lambda n: (not n.startswith("sources/"), n))
    written = [data_dir / name for name in order]
    try:
        atomic_write_files({data_dir / name: files_[name] for name in order})
    except OSError as exc:
        where = exc.filename or str(data_dir)
        raise ExtractError(
            str(where),
            None,
            f"cannot write it ({exc.strerror or exc}); nothing was accepted: {data_dir} is as"
            " it was",
        ) from None
    return AcceptResult(
        source_id=record.id,
        source_added=source_added,
        cases=tuple(case_names),
        entities_added=tuple(e.id for e in added),
        references=tuple(sorted(references)),
        written=tuple(written),
        notes=notes,
    )

"""Tie the curated records to their source text and to each other.

Finds every case, measure, quote and figure in the source (recording character offsets),
checks every reference, and checks every figure's value, unit and qualifier, every rank,
every date and every change's direction against its own words. Pure: works on a
:class:`~reformgraph.io.Dataset` already read from disk.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pydantic import BaseModel

from reformgraph.errors import DataError, DataErrors
from reformgraph.io import CaseFile, Dataset, LineMap, SourceFile
from reformgraph.models import (
    MARKER_KINDS,
    Assistance,
    Case,
    Change,
    Claim,
    Coverage,
    DateRef,
    Entity,
    EntityType,
    Facts,
    Figure,
    JointWork,
    Measure,
    Mention,
    Pilot,
    PilotAssignment,
    Quantity,
    Ranking,
    Recognition,
    Relation,
    SubOrganisation,
)
from reformgraph.numerals import (
    NUMERAL_CHARACTERS as NUMERALS,
)
from reformgraph.numerals import (
    VAGUE_BEFORE_CHINESE,
    QuantityParseError,
    adjacent_qualifier,
    date_text_en,
    parse_date_phrase,
    parse_quantity,
    parse_rank,
    qualifier_prefix,
    unit_symbol_index,
    verb_direction,
)

__all__ = [
    "CaseResolver",
    "Located",
    "Resolved",
    "ResolvedCase",
    "ResolvedIntroduction",
    "ResolvedMeasure",
    "Span",
    "article",
    "measure_markers",
    "resolve",
]

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class Span:
    """A stretch of a source text: character offsets (code points, end exclusive)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Located:
    """Where a fact's words are in the source."""

    quote: Span
    text: Span | None = None
    date: Span | None = None
    compared: Span | None = None
    parts: dict[str, Span] = field(default_factory=dict)


@dataclass(frozen=True)
class ResolvedMeasure:
    """A measure found in its case's text.

    ``position``: its place among the case's measures in reading order (1 for the first;
    the graph's ``rg:position`` and IRI). ``parent``: the index in the case's measures of
    the measure it is nested in (a 一是 inside a (一) item inside a 一、 section), or None.
    """

    measure: Measure
    span: Span
    marker: Span
    lead: Span
    position: int = 1
    parent: int | None = None


@dataclass(frozen=True)
class ResolvedCase:
    """A case found in its source: ``span`` is its whole text (title line, office line and
    its paragraphs), ``opening`` the text before its first measure."""

    case: Case
    lines: LineMap
    source: SourceFile
    span: Span
    title: Span
    office: Span
    opening: Span
    start: Span | None
    measures: list[ResolvedMeasure]
    located: dict[PathKey, Located]
    exceptions: list[Span]


@dataclass(frozen=True)
class ResolvedIntroduction:
    source: SourceFile
    span: Span
    located: dict[PathKey, Located]
    exceptions: list[Span]
    credits: Span | None


@dataclass(frozen=True)
class Resolved:
    """A data folder whose every quote is found and every reference checked."""

    dataset: Dataset
    cases: list[ResolvedCase]
    introductions: dict[str, ResolvedIntroduction]
    warnings: list[DataError]

    @property
    def entities(self) -> Mapping[str, Entity]:
        return self.dataset.entities


def article(word: str) -> str:
    """The indefinite article of ``word``, as messages write it (an organisation)."""
    return "an" if word[:1] in "aeiou" else "a"


#: The QUDT unit of counts and other pure numbers.
PURE_NUMBER = "http://qudt.org/vocab/unit/NUM"

ACTOR_TYPES = frozenset(t for t in EntityType if t.is_organisation) | {
    EntityType.ADMINISTRATIVE_AREA
}


@dataclass(frozen=True)
class _TextLines:
    """The lines of a source text as spans, and where each distinct line stands: made
    once per source, so that finding a case's title line does not scan the whole text
    again for every case (a report of thousands of cases)."""

    spans: tuple[Span, ...]
    where: dict[str, list[int]]

    @classmethod
    def of(cls, text: str) -> _TextLines:
        spans = []
        where: dict[str, list[int]] = {}
        start = 0
        for index, line in enumerate(text.split("\n")):
            spans.append(Span(start, start + len(line), line))
            where.setdefault(line, []).append(index)
            start += len(line) + 1
        return cls(tuple(spans), where)


#: The rank of each kind of measure marker: 0 for the outermost (一、 sections).
_RANKS = {kind: rank for rank, kind in enumerate(MARKER_KINDS)}
_INLINE = _RANKS["inline"]
#: A marker that begins a paragraph (not followed by a digit: 1.5万 is no marker).
_LINE_MARKERS = {
    kind: re.compile(f"^(?:{pattern})(?![0-9])")
    for kind, pattern in MARKER_KINDS.items()
    if kind != "inline"
}
#: A 一是 … marker: at the start of a paragraph or after 。 or a semicolon (half- or
#: full-width: U+FF1B).
_INLINE_MARKER = re.compile(f"(?:^|(?<=[。;\uff1b]))({MARKER_KINDS['inline']})")


def measure_markers(paragraphs: Sequence[Span], case_end: int) -> list[tuple[Span, int, int]]:
    """The measure markers of a case's paragraphs in reading order, each with where its
    measure's text ends and the rank of its kind: (marker, end, rank).

    A paragraph-starting marker's text runs to the end of the last paragraph before the
    next marker of its rank or an outer one (or to the end of the case); a 一是 …
    marker's to the next 一是 … marker of its paragraph or the paragraph's end.
    """
    found: list[tuple[Span, int, int]] = []
    for paragraph in paragraphs:
        for kind, pattern in _LINE_MARKERS.items():
            head = pattern.match(paragraph.text)
            if head is not None:
                marker = Span(paragraph.start, paragraph.start + len(head[0]), head[0])
                found.append((marker, paragraph.end, _RANKS[kind]))
                break
        inline = [
            Span(paragraph.start + m.start(1), paragraph.start + m.end(1), m[1])
            for m in _INLINE_MARKER.finditer(paragraph.text)
        ]
        for n, marker in enumerate(inline):
            end = inline[n + 1].start if n + 1 < len(inline) else paragraph.end
            found.append((marker, end, _INLINE))
    out = []
    for i, (marker, end, rank) in enumerate(found):
        if rank != _INLINE:
            stop = next((m.start for m, _, r in found[i + 1 :] if r <= rank), case_end + 1)
            end = max(p.end for p in paragraphs if p.start < stop)
        out.append((marker, end, rank))
    return out


def _blank_out(span: Span, holes: Iterable[Span]) -> Span:
    """``span`` with the text of ``holes`` replaced by NUL characters (offsets kept), so
    that no quote is found in them."""
    chars = list(span.text)
    for hole in holes:
        for pos in range(max(hole.start, span.start), min(hole.end, span.end)):
            chars[pos - span.start] = "\0"
    return Span(span.start, span.end, "".join(chars))


class _Resolver:
    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.entities = dataset.entities
        self.errors: list[DataError] = []
        self.used: set[str] = set()
        #: The whole text of the case (or introduction) being resolved: where implied
        #: participants must be named.
        self.whole = Span(0, 0, "")
        self.text_lines: dict[str, _TextLines] = {}
        self._containers: dict[str, list[tuple[str, int, frozenset[str]]]] | None = None
        self._named: set[str] = set()
        self._subjects: list[tuple[PathKey, str]] = []
        self._ids_of: dict[frozenset[EntityType] | None, list[str]] = {}
        units = {e.id: e.symbols for e in self.entities.values() if e.type is EntityType.UNIT}
        self.unit_words, conflicts = unit_symbol_index(units)
        for word, first, again in conflicts:
            lines, base = dataset.entity_lines[again]
            index = self.entities[again].symbols.index(word)
            self.errors.append(
                lines.error(
                    (*base, "symbols", index),
                    f"unit word {word!r} already belongs to unit {first!r}",
                )
            )

    # ------------------------------------------------------------------ helpers

    def ref(
        self,
        lines: LineMap,
        path: PathKey,
        entity_id: str,
        kinds: Iterable[EntityType] | None,
        what: str,
    ) -> Entity | None:
        entity = self.entities.get(entity_id)
        what = _ROLE_NOUNS.get(what, what)
        if entity is None:
            close = self._close_id(entity_id, kinds)
            hint = f" (did you mean {close}?)" if close else ""
            self.errors.append(
                lines.error(path, f"unknown {what} {entity_id!r}: no entity has this id{hint}")
            )
            return None
        allowed = frozenset(kinds) if kinds is not None else None
        if allowed is not None and entity.type not in allowed:
            names = ", ".join(sorted(k.value for k in allowed))
            self.errors.append(
                lines.error(
                    path,
                    f"{what} {entity_id!r} is {article(entity.type.value)} {entity.type.value},"
                    f" expected {names}",
                )
            )
        self.used.add(entity_id)
        return entity

    def _close_id(self, entity_id: str, kinds: Iterable[EntityType] | None) -> str | None:
        """The id of an entity (of one of ``kinds``, if given) spelt most like
        ``entity_id``, if one is close (see :func:`_close_word`); None otherwise."""
        allowed = frozenset(kinds) if kinds is not None else None
        choices = self._ids_of.get(allowed)
        if choices is None:
            choices = self._ids_of[allowed] = [
                key
                for key, entity in self.entities.items()
                if allowed is None or entity.type in allowed
            ]
        return _close_word(entity_id, choices)

    def find_once(
        self, lines: LineMap, path: PathKey, needle: str, scope: Span, scope_name: str
    ) -> Span | None:
        count = scope.text.count(needle)
        if count == 0:
            what = str(path[-1]) if path and isinstance(path[-1], str) else "quote"
            self.errors.append(
                lines.error(
                    path,
                    f"{what} not found in {scope_name}: {needle!r}" + near_miss(needle, scope.text),
                )
            )
            return None
        if count > 1:
            self.errors.append(
                lines.error(
                    path, f"{needle!r} occurs {count} times in {scope_name}; quote more context"
                )
            )
            return None
        offset = scope.text.index(needle)
        return Span(scope.start + offset, scope.start + offset + len(needle), needle)

    def mentioned(
        self,
        lines: LineMap,
        path: PathKey,
        item: Mention,
        scope: Span,
        scope_name: str,
        kinds: Iterable[EntityType] | None,
        what: str,
    ) -> Span | None:
        """Check that the entity is named in the scope; return where it is first named."""
        entity = self.ref(lines, (*path, "id") if item.mention else path, item.id, kinds, what)
        if entity is None:
            return None
        if item.implied:
            scope, scope_name = self.whole, "the case's text"
        words = [item.mention] if item.mention is not None else entity.zh_labels
        found = [(scope.text.find(w), -len(w), w) for w in words if w in scope.text]
        if not found:
            if item.mention is not None:
                self.errors.append(
                    lines.error(
                        (*path, "mention"), f"mention {item.mention!r} not found in {scope_name}"
                    )
                )
            else:
                self.errors.append(
                    lines.error(
                        path,
                        f"{item.id!r} is not named in {scope_name}"
                        f" (none of {', '.join(entity.zh_labels)});"
                        " give {id, mention} with the words the text uses",
                    )
                )
            return None
        offset, word = self.own_words(scope.text, words, entity.id) or min(found)[::2]
        return Span(scope.start + offset, scope.start + offset + len(word), word)

    def own_words(self, text: str, words: Iterable[str], owner: str) -> tuple[int, str] | None:
        """The first place in ``text`` where one of ``words`` names ``owner`` itself, not
        part of a longer name of another entity: 人大常委会 is not found inside 省人大常委会,
        nor 武汉市 inside 武汉市委改革办. None when every place is inside one."""
        containers = self.containers()
        best: tuple[int, int, str] | None = None
        for word in words:
            start = text.find(word)
            while start >= 0 and (best is None or start <= best[0]):
                inside = any(
                    owner not in owners and at <= start and text.startswith(longer, start - at)
                    for longer, at, owners in containers.get(word, ())
                )
                if not inside:
                    best = min(best or (start, -len(word), word), (start, -len(word), word))
                    break
                start = text.find(word, start + 1)
        return None if best is None else (best[0], best[2])

    def containers(self) -> dict[str, list[tuple[str, int, frozenset[str]]]]:
        """For each Chinese label of the entities the text being resolved refers to, the
        longer labels of those entities that hold it, where, and whose they are (set by
        :meth:`refer_to` for each case and introduction: a national collection's million
        labels are not compared with each other)."""
        return self._containers or {}

    def refer_to(self, record: BaseModel, *also: str | None) -> None:
        """Index the labels of the entities ``record`` refers to (and ``also``), for
        :meth:`own_words`; note what :meth:`subjects` checks (one walk of the record)."""
        ids = {i for i in also if i is not None and i in self.entities}
        named: set[str] = set()
        subjects: list[tuple[PathKey, str]] = []
        entities = self.entities

        def walk(value: object, path: PathKey) -> None:
            if isinstance(value, str):
                if value in entities:
                    ids.add(value)
                    if path and path[-2:-1] in (("involves",), ("places",), ("carried_out_by",)):
                        named.add(value)
            elif isinstance(value, BaseModel):
                if isinstance(value, Mention):
                    named.add(value.id)
                fields = type(value).model_fields
                subject = getattr(value, "subject", None) if "subject" in fields else None
                if isinstance(subject, str):
                    subjects.append(((*path, "subject"), subject))
                for name in fields:
                    walk(getattr(value, name), (*path, name))
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(item, (*path, index))

        walk(record, ())
        self._named, self._subjects = named, subjects
        labels = sorted(
            {(label, entity_id) for entity_id in ids for label in entities[entity_id].zh_labels},
            key=lambda pair: len(pair[0]),
        )
        found: dict[str, list[tuple[str, int, frozenset[str]]]] = {}
        owners: dict[str, set[str]] = {}
        for label, entity_id in labels:
            owners.setdefault(label, set()).add(entity_id)
        words = sorted(owners, key=len)
        for index, part in enumerate(words):
            for longer in words[index + 1 :]:
                if len(longer) == len(part):
                    continue
                at = longer.find(part)
                while at >= 0:
                    found.setdefault(part, []).append((longer, at, frozenset(owners[longer])))
                    at = longer.find(part, at + 1)
        self._containers = found

    def check_quantity(self, lines: LineMap, path: PathKey, quantity: Quantity) -> None:
        unit = self.ref(lines, (*path, "unit"), quantity.unit, [EntityType.UNIT], "unit")
        try:
            parsed = parse_quantity(quantity.text, self.unit_words)
        except QuantityParseError as exc:
            self.errors.append(lines.error((*path, "text"), str(exc)))
            return
        if parsed.value != quantity.value:
            self.errors.append(
                lines.error(
                    (*path, "value"),
                    f"value {quantity.value} does not match its text {quantity.text!r}"
                    f" (which reads as {parsed.value.normalize():f})",
                )
            )
        if parsed.unit_symbol == "":
            # A bare 零 (为零) says nothing of its unit: it is a count, a pure number.
            if unit is not None and unit.qudt != PURE_NUMBER:
                self.errors.append(
                    lines.error(
                        (*path, "unit"),
                        f"{quantity.text!r} has no unit word: it is a count, and its unit must"
                        f" be a pure number (QUDT {PURE_NUMBER}), not {quantity.unit!r}",
                    )
                )
        elif unit is not None and self.unit_words.get(parsed.unit_symbol) != quantity.unit:
            self.errors.append(
                lines.error(
                    (*path, "unit"),
                    f"unit {quantity.unit!r} does not match {parsed.unit_symbol!r}"
                    f" in {quantity.text!r}"
                    f" (which is {self.unit_words.get(parsed.unit_symbol)!r})",
                )
            )
        if unit is not None and unit.qudt == PURE_NUMBER and re.search(r"[万亿]级$", quantity.text):
            self.errors.append(
                lines.error(
                    (*path, "text"),
                    f"{quantity.text!r} names a size class (an order of magnitude), not a"
                    " count: record it as an exception, or give the number the text counts",
                )
            )
        if parsed.qualifier != quantity.qualifier:
            if (*path, "qualifier") in lines.lines:
                message = (
                    f"qualifier {quantity.qualifier.value!r} does not match"
                    f" the text {quantity.text!r}"
                    f" (which says {parsed.qualifier.value!r})"
                )
            else:  # left out: the default, exact, is what the user never wrote
                message = (
                    f"no qualifier is given, so it is 'exact', but the text {quantity.text!r}"
                    f" says {parsed.qualifier.value!r}: add `qualifier:"
                    f" {parsed.qualifier.value}`"
                )
            self.errors.append(lines.error((*path, "qualifier"), message))

    def check_date(self, lines: LineMap, path: PathKey, date: DateRef | None) -> None:
        """Check the date's as_of, year or since against its text, where the text reads
        as a date (:func:`~reformgraph.numerals.parse_date_phrase`); a phrase that does
        not (今年以来, 全年), or a date with none of the three, is not checked."""
        if date is None:
            return
        if date.en is None and date_text_en(date.text) is None:
            self.errors.append(
                lines.error(
                    (*path, "text"),
                    f"{date.text!r} has no English: reformgraph translates a date phrase"
                    " it reads whole (截至2024年底, 2023年9月以来, 今年以来 …), and this is"
                    " not one; give it as en (e.g. {text: …, en: since the reform began in"
                    " 2023})",
                )
            )
        parsed = parse_date_phrase(date.text)
        given = [name for name in ("as_of", "year", "since") if getattr(date, name) is not None]
        if parsed is None or not given:
            return
        name = given[0]
        value = getattr(date, name)
        if name == parsed.field:
            if value != parsed.value:
                self.errors.append(
                    lines.error(
                        (*path, name),
                        f"{value} does not match its text {date.text!r}"
                        f" (which reads as {parsed.value})",
                    )
                )
            return
        kind = {"as_of": "the day", "year": "the year", "since": "the period since"}
        self.errors.append(
            lines.error(
                (*path, name),
                f"{name} {value} does not match its text {date.text!r}"
                f" (which reads as {kind[parsed.field]} {parsed.value}:"
                f" give {parsed.field}, not {name})",
            )
        )

    def check_direction(self, lines: LineMap, path: PathKey, change: Change) -> None:
        """Check a change's direction against the verb of its quote, where the quote
        holds verbs of one direction only (提高, 压缩). A change with both a baseline and
        a result is left to the SHACL shapes, which check the direction against them."""
        if change.baseline is not None and change.result is not None:
            return
        said = verb_direction(change.quote)
        if said is None:
            return
        direction, verb = said
        if direction is not change.direction:
            self.errors.append(
                lines.error(
                    (*path, "direction"),
                    f"direction {change.direction.value!r} does not match its text"
                    f" {change.quote!r} (whose verb {verb} says {direction.value!r})",
                )
            )

    def date(
        self, lines: LineMap, path: PathKey, date: DateRef | None, quote: Span | None
    ) -> Span | None:
        if date is None or quote is None:
            return None
        return self.find_once(lines, (*path, "text"), date.text, quote, "the quote")

    # ------------------------------------------------------------------ facts

    def facts(
        self,
        lines: LineMap,
        base: PathKey,
        facts: Facts,
        scope: Span,
        scope_name: str,
        located: dict[PathKey, Located],
        fact_ids: dict[str, PathKey],
    ) -> None:
        seen: set[str] = set()
        for i, item in enumerate(facts.involves):
            path = (*base, "involves", i)
            if item.id in seen:
                self.errors.append(lines.error(path, f"{item.id!r} is listed twice"))
            seen.add(item.id)
            span = self.mentioned(lines, path, item, scope, scope_name, None, "entity")
            if span is not None:
                located[path] = Located(quote=span)
        for i, figure in enumerate(facts.figures):
            self.figure(lines, (*base, "figures", i), figure, scope, scope_name, located, fact_ids)
        for i, change in enumerate(facts.changes):
            self.change(lines, (*base, "changes", i), change, scope, scope_name, located, fact_ids)
        for i, ranking in enumerate(facts.rankings):
            self.ranking(
                lines, (*base, "rankings", i), ranking, scope, scope_name, located, fact_ids
            )
        for i, relation in enumerate(facts.relations):
            self.relation(lines, (*base, "relations", i), relation, scope, scope_name, located)
        outcomes: tuple[tuple[str, Sequence[Recognition | Claim | Pilot]], ...] = (
            ("recognitions", facts.recognitions),
            ("claims", facts.claims),
            ("pilots", facts.pilots),
        )
        for name, items in outcomes:
            for i, outcome in enumerate(items):
                path = (*base, name, i)
                self.qualitative(lines, path, outcome, scope, scope_name, located, fact_ids)

    def qualitative(
        self,
        lines: LineMap,
        path: PathKey,
        item: Recognition | Claim | Pilot,
        scope: Span,
        scope_name: str,
        located: dict[PathKey, Located],
        fact_ids: dict[str, PathKey],
    ) -> None:
        """A recognition, innovation claim or pilot: its quote, its words, what it names."""
        self.claim_id(lines, (*path, "id"), item.id, fact_ids)
        places = [t for t in EntityType if t.is_place]
        if isinstance(item, Recognition):
            if item.subject is not None:
                self.ref(lines, (*path, "subject"), item.subject, None, "subject")
            if item.via is not None:
                self.ref(lines, (*path, "via"), item.via, None, "via")
        elif isinstance(item, Claim):
            self.ref(lines, (*path, "scope"), item.scope, places, "scope")
            if item.subject is not None:
                self.ref(lines, (*path, "subject"), item.subject, None, "subject")
        elif item.programme is None:
            if item.assigned_by:
                # A pilot assigned by someone is a pilot task, and a task is of a programme.
                self.errors.append(
                    lines.error(
                        (*path, "assigned_by"),
                        "a pilot with assigned_by must name its programme"
                        " (the pilot-programme entity it is a task of)",
                    )
                )
        else:
            self.ref(
                lines,
                (*path, "programme"),
                item.programme,
                [EntityType.PILOT_PROGRAMME],
                "programme",
            )
        quote = self.find_once(lines, (*path, "quote"), item.quote, scope, scope_name)
        if quote is None:
            return
        text = self.find_once(lines, (*path, "text"), item.span_text, quote, "the quote")
        if text is not None:
            self.outcome_words(lines, path, item)
        roles: dict[str, list[Mention]] = {}
        if isinstance(item, Recognition):
            roles = {"by": item.by}
        elif isinstance(item, Pilot):
            roles = {"assigned_by": item.assigned_by, "assigned_to": item.assigned_to}
            if item.batch is not None and item.batch.text not in quote.text:
                self.errors.append(
                    lines.error((*path, "batch", "text"), "batch not found in the quote")
                )
        elif item.what.zh not in quote.text:
            self.errors.append(lines.error((*path, "what", "zh"), "what not found in the quote"))
        for role, participants in roles.items():
            for i, participant in enumerate(participants):
                self.mentioned(
                    lines, (*path, role, i), participant, quote, "the quote", ACTOR_TYPES, role
                )
        if text is not None:
            located[path] = Located(quote=quote, text=text)

    def outcome_words(
        self, lines: LineMap, path: PathKey, item: Recognition | Claim | Pilot
    ) -> None:
        """A recognition's form or level, a claim's kind or a pilot's stage that its words
        contradict: they hold a word of another (吸收为制度性规定 recorded as typical-case,
        获评全国…典型案例 as provincial) and none of its own. Words that say neither are not
        judged."""
        stated = (
            [("form", item.form.value), ("level", item.level.value)]
            if isinstance(item, Recognition)
            else [("kind", item.kind.value)]
            if isinstance(item, Claim)
            else [("stage", item.stage.value)]
        )
        words = item.span_text
        for name, value in stated:
            signals = _OUTCOME_WORDS[name]
            if any(w in words for w in signals.get(value, ())):
                continue
            said = [
                (other, next(w for w in found if w in words))
                for other, found in signals.items()
                if other != value and any(w in words for w in found)
            ]
            if said:
                others = " or ".join(f"{other!r} ({word})" for other, word in said)
                self.errors.append(
                    lines.error(
                        (*path, name),
                        f"{name} {value!r} does not match the words {words!r}, which say {others}",
                    )
                )

    def claim_id(
        self, lines: LineMap, path: PathKey, fact_id: str, fact_ids: dict[str, PathKey]
    ) -> None:
        if fact_id in fact_ids:
            first = fact_ids[fact_id]
            self.errors.append(
                lines.error(
                    path,
                    f"duplicate id {fact_id!r} in this case (first at line {lines.line(first)})",
                )
            )
        fact_ids[fact_id] = path

    def subject_indicator(
        self, lines: LineMap, path: PathKey, fact: Figure | Change | Ranking
    ) -> None:
        self.ref(lines, (*path, "indicator"), fact.indicator, [EntityType.INDICATOR], "indicator")
        if fact.subject is not None:
            self.ref(lines, (*path, "subject"), fact.subject, None, "subject")

    def figure(
        self,
        lines: LineMap,
        path: PathKey,
        figure: Figure,
        scope: Span,
        scope_name: str,
        located: dict[PathKey, Located],
        fact_ids: dict[str, PathKey],
    ) -> None:
        self.claim_id(lines, (*path, "id"), figure.id, fact_ids)
        self.subject_indicator(lines, path, figure)
        self.check_quantity(lines, path, figure)
        self.check_date(lines, (*path, "date"), figure.date)
        quote = self.find_once(lines, (*path, "quote"), figure.quote, scope, scope_name)
        if quote is None:
            return
        text = self.find_once(lines, (*path, "text"), figure.text, quote, "the quote")
        date = self.date(lines, (*path, "date"), figure.date, quote)
        if text is not None:
            self.check_adjacent(lines, (*path, "text"), text, quote)
            located[path] = Located(quote=quote, text=text, date=date)

    def check_adjacent(self, lines: LineMap, path: PathKey, text: Span, quote: Span) -> None:
        """A qualifier right outside a number's text (超过 before 50万件) is part of what the
        source says: a text that leaves it out would make the number exact."""
        before = quote.text[: text.start - quote.start]
        after = quote.text[text.end - quote.start :]
        own = qualifier_prefix(text.text)
        digits = "0123456789零〇一二两三四五六七八九十百千"
        if text.text[:1] in digits and before[-1:] in digits and before[-1:]:
            self.errors.append(
                lines.error(
                    path,
                    f"{text.text!r} starts inside a number of the quote ({before[-1]!r} is"
                    " right before it): the text must hold the whole number",
                )
            )
            return
        if not own and before.endswith(tuple(VAGUE_BEFORE_CHINESE)) and text.text[:1] in NUMERALS:
            self.errors.append(
                lines.error(
                    path,
                    f"{before[-1] + text.text!r} is vague ({before[-1]} before a Chinese"
                    " numeral: 数十, 几百, 上百), not a number: record it as an exception",
                )
            )
            return
        if own:
            # The text's own qualifier must be the whole word the source has there: not 超
            # of 不超3天 (at most), nor of 赶超3家 (overtook 3), 约 of 节约1.2亿元 (saved).
            word = adjacent_qualifier(before + own, "")
            if word != own:
                whole = before[len(before) - len(word) + len(own) :] if word else ""
                self.errors.append(
                    lines.error(
                        path,
                        f"{text.text!r} starts inside a word of the quote"
                        + (
                            f" ({word!r}): the text must hold it ({whole + text.text!r}),"
                            " with the qualifier it gives"
                            if word
                            else f": {own!r} is part of"
                            f" {before[-1:] + own!r}, not a qualifier; leave it out of"
                            " the text, with the qualifier of what follows"
                        ),
                    )
                )
                return
        word = adjacent_qualifier(before, after)
        if own and word is not None and not after.startswith(word):
            word = None  # a prefix before a prefix: the text's own one was checked above
        if word is not None:
            whole = text.text + word if after.startswith(word) else word + text.text
            self.errors.append(
                lines.error(
                    path,
                    f"{word!r} right {'after' if after.startswith(word) else 'before'}"
                    f" {text.text!r} in the quote qualifies the number: the text must hold it"
                    f" ({whole!r}), with the qualifier it gives",
                )
            )

    def change(
        self,
        lines: LineMap,
        path: PathKey,
        change: Change,
        scope: Span,
        scope_name: str,
        located: dict[PathKey, Located],
        fact_ids: dict[str, PathKey],
    ) -> None:
        self.claim_id(lines, (*path, "id"), change.id, fact_ids)
        for role, _ in change.parts():
            self.claim_id(lines, (*path, role), f"{change.id}-{role}", fact_ids)
        self.subject_indicator(lines, path, change)
        for role, quantity in change.parts():
            self.check_quantity(lines, (*path, role), quantity)
        self.check_direction(lines, path, change)
        self.check_date(lines, (*path, "date"), change.date)
        quote = self.find_once(lines, (*path, "quote"), change.quote, scope, scope_name)
        if quote is None:
            return
        parts: dict[str, Span] = {}
        for role, quantity in change.parts():
            span = self.find_once(lines, (*path, role, "text"), quantity.text, quote, "the quote")
            if span is not None:
                self.check_adjacent(lines, (*path, role, "text"), span, quote)
                parts[role] = span
        if (
            "baseline" in parts
            and "result" in parts
            and parts["baseline"].start > parts["result"].start
        ):
            self.errors.append(
                lines.error(path, "the baseline must come before the result in the text")
            )
        compared = None
        if change.compared_with is not None:
            compared = self.find_once(
                lines,
                (*path, "compared_with", "text"),
                change.compared_with.text,
                quote,
                "the quote",
            )
        date = self.date(lines, (*path, "date"), change.date, quote)
        if (
            date is not None
            and compared is not None
            and compared.start <= date.start < compared.end
        ):
            self.errors.append(
                lines.error(
                    (*path, "date"),
                    f"the date's words {date.text!r} are what the change is compared with"
                    f" ({change.compared_with.text if change.compared_with else ''!r}), not"
                    " when it holds: leave the date out (compared_with keeps the year)",
                )
            )
        located[path] = Located(quote=quote, date=date, compared=compared, parts=parts)

    def ranking(
        self,
        lines: LineMap,
        path: PathKey,
        ranking: Ranking,
        scope: Span,
        scope_name: str,
        located: dict[PathKey, Located],
        fact_ids: dict[str, PathKey],
    ) -> None:
        self.claim_id(lines, (*path, "id"), ranking.id, fact_ids)
        self.subject_indicator(lines, path, ranking)
        self.ref(
            lines, (*path, "scope"), ranking.scope, [t for t in EntityType if t.is_place], "scope"
        )
        try:
            rank = parse_rank(ranking.text)
        except QuantityParseError as exc:
            self.errors.append(lines.error((*path, "text"), str(exc)))
        else:
            if rank != ranking.rank:
                self.errors.append(
                    lines.error(
                        (*path, "rank"),
                        f"rank {ranking.rank} does not match its text {ranking.text!r}",
                    )
                )
        self.check_date(lines, (*path, "date"), ranking.date)
        quote = self.find_once(lines, (*path, "quote"), ranking.quote, scope, scope_name)
        if quote is None:
            return
        text = self.find_once(lines, (*path, "text"), ranking.text, quote, "the quote")
        date = self.date(lines, (*path, "date"), ranking.date, quote)
        if text is not None:
            located[path] = Located(quote=quote, text=text, date=date)

    def relation(
        self,
        lines: LineMap,
        path: PathKey,
        relation: Relation,
        scope: Span,
        scope_name: str,
        located: dict[PathKey, Located],
    ) -> None:
        quote = self.find_once(lines, (*path, "quote"), relation.quote, scope, scope_name)
        roles: dict[str, list[Mention]]
        if isinstance(relation, JointWork):
            roles = {"lead": relation.lead, "partners": relation.partners}
        elif isinstance(relation, Assistance):
            roles = {"assistant": relation.assistant, "assisted": relation.assisted}
        elif isinstance(relation, PilotAssignment):
            roles = {"assigned_by": relation.assigned_by, "assigned_to": relation.assigned_to}
        elif isinstance(relation, SubOrganisation):
            roles = {"member": relation.member, "parent": relation.parent}
        for role, items in roles.items():
            for i, item in enumerate(items):
                if quote is None:
                    self.ref(lines, (*path, role, i), item.id, ACTOR_TYPES, role)
                else:
                    self.mentioned(
                        lines, (*path, role, i), item, quote, "the quote", ACTOR_TYPES, role
                    )
        if isinstance(relation, PilotAssignment):
            if quote is None:
                self.ref(
                    lines,
                    (*path, "programme"),
                    relation.programme.id,
                    [EntityType.PILOT_PROGRAMME],
                    "programme",
                )
            else:
                self.mentioned(
                    lines,
                    (*path, "programme"),
                    relation.programme,
                    quote,
                    "the quote",
                    [EntityType.PILOT_PROGRAMME],
                    "programme",
                )
        if quote is None:
            return
        if relation.purpose is not None and relation.purpose.zh not in quote.text:
            self.errors.append(
                lines.error((*path, "purpose", "zh"), "purpose not found in the quote")
            )
        located[path] = Located(quote=quote)

    # ------------------------------------------------------------------ cases

    def exceptions(
        self, lines: LineMap, base: PathKey, items: Sequence[Coverage], scope: Span, scope_name: str
    ) -> list[Span]:
        spans = []
        for i, item in enumerate(items):
            quote = self.find_once(
                lines, (*base, "exceptions", i, "quote"), item.quote, scope, scope_name
            )
            if quote is None:
                continue
            text = self.find_once(
                lines, (*base, "exceptions", i, "text"), item.span_text, quote, "the quote"
            )
            if text is not None:
                spans.append(text)
        return spans

    def case(self, case_file: Case, lines: LineMap) -> ResolvedCase | None:
        case = case_file
        source = self.dataset.sources.get(case.source)
        if source is None:
            close = _close_word(case.source, list(self.dataset.sources))
            hint = f" (did you mean {close}?)" if close else ""
            self.errors.append(
                lines.error(
                    ("source",),
                    f"unknown source {case.source!r}: no file in sources/ has this id{hint}",
                )
            )
            return None
        text = source.text
        office = self.ref(lines, ("office",), case.office, [EntityType.REFORM_OFFICE], "office")
        for i, domain in enumerate(case.domains):
            self.ref(lines, ("domains", i), domain, [EntityType.DOMAIN], "domain")
        found = self.case_lines(case, source, lines)
        if found is None:
            return None
        title, office_span, paragraphs = found
        if office is not None and office_span.text not in office.zh_labels:
            self.errors.append(
                lines.error(
                    ("office",),
                    f"the office line {office_span.text!r} is not a label of"
                    f" {case.office!r} ({office.label.zh})",
                )
            )
        span = Span(title.start, paragraphs[-1].end, text[title.start : paragraphs[-1].end])
        self.whole = span
        self.refer_to(case)

        measures = self.measures(case, lines, text, span, paragraphs)
        opening_end = measures[0].span.start if measures else span.end
        opening = Span(title.start, opening_end, text[title.start : opening_end])
        # The case's own facts are found in its text outside every measure: the opening,
        # and any paragraph after its measures that belongs to none of them.
        own = _blank_out(span, [m.span for m in measures])
        own_name = "the case's text outside its measures" if measures else "the case's text"

        located = self.places_and_actors(case, lines, span)
        fact_ids: dict[str, PathKey] = {}
        start = None
        self.check_date(lines, ("start",), case.start)
        if case.start is not None:
            start = self.find_once(
                lines, ("start", "text"), case.start.text, opening, "the case's opening text"
            )
        self.facts(lines, (), case, own, own_name, located, fact_ids)
        markers = [m.measure.marker for m in measures]
        for resolved in measures:
            marker = resolved.measure.marker
            name = f"the text of measure {marker}"
            if markers.count(marker) > 1:
                name += f" (measure {resolved.position} of the case)"
            self.facts(
                lines,
                ("measures", resolved.position - 1),
                resolved.measure,
                resolved.span,
                name,
                located,
                fact_ids,
            )
        exceptions = self.exceptions(lines, (), case.exceptions, span, "the case's text")
        self.subjects(lines, (), case.office, "this case")
        return ResolvedCase(
            case=case,
            lines=lines,
            source=source,
            span=span,
            title=title,
            office=office_span,
            opening=opening,
            start=start,
            measures=measures,
            located=located,
            exceptions=exceptions,
        )

    def case_lines(
        self, case: Case, source: SourceFile, lines: LineMap
    ) -> tuple[Span, Span, list[Span]] | None:
        """The case's title line, its office line and its paragraphs in the source; None
        (and an error) when the title is not a line of it once, or the lines after it are
        too few."""
        text_lines = self.text_lines.get(case.source)
        if text_lines is None:
            text_lines = self.text_lines[case.source] = _TextLines.of(source.text)
        title_lines = text_lines.where.get(case.title.zh, [])
        if len(title_lines) != 1:
            near = "" if title_lines else near_miss(case.title.zh, source.text)
            self.errors.append(
                lines.error(
                    ("title", "zh"),
                    f"the title must be a whole line of {source.record.file} exactly once"
                    f" (found {len(title_lines)}): {case.title.zh!r}{near}",
                )
            )
            return None
        spans = text_lines.spans
        following = spans[title_lines[0] + 1 : title_lines[0] + 2]
        # The office line follows the title line; the paragraphs are the lines after it
        # that hold text (blank lines between them are skipped).
        paragraphs: list[Span] = []
        for after in range(title_lines[0] + 2, len(spans)):
            if len(paragraphs) == case.paragraphs:
                break
            if spans[after].text.strip():
                paragraphs.append(spans[after])
        if not following or not paragraphs:
            self.errors.append(
                lines.error(
                    ("title",), "the title line must be followed by an office line and a paragraph"
                )
            )
            return None
        if len(paragraphs) < case.paragraphs:
            self.errors.append(
                lines.error(
                    ("paragraphs",),
                    f"the case has {case.paragraphs} paragraphs, but only {len(paragraphs)}"
                    " line(s) of text follow its office line",
                )
            )
            return None
        return spans[title_lines[0]], following[0], paragraphs

    def places_and_actors(self, case: Case, lines: LineMap, span: Span) -> dict[PathKey, Located]:
        """Where the case's text names each of its places and of those who carry it out."""
        located: dict[PathKey, Located] = {}
        places = [t for t in EntityType if t.is_place]
        actors = [t for t in EntityType if t.is_organisation or t is EntityType.ADMINISTRATIVE_AREA]
        for field_name, ids, types, role in (
            ("places", case.places, places, "place"),
            ("carried_out_by", case.carried_out_by, actors, "actor"),
        ):
            for i, ident in enumerate(ids):
                found = self.mentioned(
                    lines, (field_name, i), ident, span, "the case's text", types, role
                )
                if found is not None:
                    located[(field_name, i)] = Located(quote=found)
        return located

    def measures(
        self, case: Case, lines: LineMap, text: str, span: Span, paragraphs: Sequence[Span]
    ) -> list[ResolvedMeasure]:
        """Find the case's measures in its text and check them against the data.

        A 一、 section, a (一) item or a 1. / (1) numbered item begins a paragraph and runs
        to the next marker of its kind or an outer kind (or to the end of the case); a
        一是 … marker begins a paragraph or follows 。 or a semicolon (; or U+FF1B) and
        runs to the next such marker or the end of its paragraph. A measure is nested in
        the nearest measure of an outer kind whose text holds its marker.
        """
        found = measure_markers(paragraphs, span.end)
        expected = [marker.text for marker, _, _ in found]
        given = [m.marker for m in case.measures]
        if given != expected:
            self.errors.append(
                lines.error(
                    ("measures",),
                    "the measures must be, in order, the ones in the text:"
                    f" {' '.join(expected) or 'none'}"
                    f" (the data has {' '.join(given) or 'none'})",
                )
            )
            return []
        resolved = []
        for i, measure in enumerate(case.measures):
            marker, end, rank = found[i]
            body = text[marker.start : end]
            lead_zh = measure.lead.zh
            if not body[len(measure.marker) :].startswith(lead_zh):
                self.errors.append(
                    lines.error(
                        ("measures", i, "lead", "zh"),
                        f"the lead must follow {measure.marker} exactly; the text reads"
                        f" {body[len(measure.marker) : len(measure.marker) + len(lead_zh) + 4]!r}…",
                    )
                )
                continue
            parent = next(
                (
                    j
                    for j in range(i - 1, -1, -1)
                    if found[j][2] < rank and found[j][0].start < marker.start < found[j][1]
                ),
                None,
            )
            resolved.append(
                ResolvedMeasure(
                    measure=measure,
                    span=Span(marker.start, end, body),
                    marker=marker,
                    lead=Span(marker.end, marker.end + len(lead_zh), lead_zh),
                    position=i + 1,
                    parent=parent,
                )
            )
        return resolved

    def introduction(
        self, source: SourceFile, first_case_start: int | None
    ) -> ResolvedIntroduction | None:
        record = source.record
        lines = source.lines
        whole = Span(0, len(source.text), source.text)
        credits = None
        if record.credits_quote is not None:
            credits = self.find_once(
                lines, ("credits_quote",), record.credits_quote, whole, record.file
            )
        intro = record.introduction
        end = first_case_start if first_case_start is not None else len(source.text)
        span = Span(0, end, source.text[:end].rstrip("\n"))
        span = Span(0, len(span.text), span.text)
        self.whole = span
        self.refer_to(record)
        located: dict[PathKey, Located] = {}
        exceptions: list[Span] = []
        if intro is not None:
            self.facts(lines, ("introduction",), intro, span, "the introduction", located, {})
            exceptions = self.exceptions(
                lines, ("introduction",), intro.exceptions, span, "the introduction"
            )
            self.subjects(lines, ("introduction",), None, "the introduction")
        return ResolvedIntroduction(
            source=source, span=span, located=located, exceptions=exceptions, credits=credits
        )

    def subjects(self, lines: LineMap, base: PathKey, office: str | None, where: str) -> None:
        """A fact's ``subject`` (whose number or ranking it is) must be an entity the text
        names: one of the case's places, its involved entities or a relation's participants,
        each of which is found in the text. A subject the text does not name (湖北 for a
        Hunan sentence's 我省) would put the number on the wrong body. (What the record
        names and its subjects were noted by :meth:`refer_to`.)"""
        named = self._named | ({office} if office else set())
        for path, subject in self._subjects:
            if path[: len(base)] != base:
                continue
            if subject not in named and subject in self.entities:
                self.errors.append(
                    lines.error(
                        path,
                        f"subject {subject!r} is not named in {where}: list it in `involves`"
                        " (with `mention` for words such as 我省 or 全市) where the text names it",
                    )
                )

    def cycles(self, field_name: str) -> None:
        """Report each entity that is, through ``broader`` or ``part_of``, inside itself."""
        edges = {
            e.id: [o for o in getattr(e, field_name) if o in self.entities]
            for e in self.entities.values()
        }
        reported: set[frozenset[str]] = set()
        for start in sorted(edges):
            stack = [(start, [start])]
            seen: set[str] = set()
            while stack:
                node, trail = stack.pop()
                for nxt in edges.get(node, []):
                    if nxt == start and len(trail) > 1:
                        cycle = frozenset(trail)
                        if cycle not in reported:
                            reported.add(cycle)
                            lines, base = self.dataset.entity_lines[start]
                            self.errors.append(
                                lines.error(
                                    (*base, field_name),
                                    f"{field_name} goes round in a circle: "
                                    + " → ".join([*trail, start]),
                                )
                            )
                    elif nxt not in seen:
                        seen.add(nxt)
                        stack.append((nxt, [*trail, nxt]))

    def entity_links(self) -> None:
        """The references between entities, and from the sources' metadata (publisher,
        planned_by) to entities: checked before anything is rendered from them."""
        organisations = [t for t in EntityType if t.is_organisation]
        for source in self.dataset.sources.values():
            record = source.record
            self.ref(source.lines, ("publisher",), record.publisher, organisations, "publisher")
            if record.planned_by is not None:
                self.ref(
                    source.lines, ("planned_by",), record.planned_by, organisations, "planned_by"
                )
        self.cycles("broader")
        self.cycles("part_of")
        self.entity_labels()
        for entity in self.entities.values():
            lines, base = self.dataset.entity_lines[entity.id]
            for i, other in enumerate(entity.broader):
                target = self.ref(
                    lines, (*base, "broader", i), other, [entity.type], "broader concept"
                )
                if target is not None and other == entity.id:
                    self.errors.append(
                        lines.error(
                            (*base, "broader", i), "an entity cannot be broader than itself"
                        )
                    )
            for i, other in enumerate(entity.part_of):
                kinds = [
                    t
                    for t in EntityType
                    if (t.is_place if entity.type.is_place else t.is_component)
                ]
                target = self.ref(lines, (*base, "part_of", i), other, kinds, "whole")
                if target is not None and other == entity.id:
                    self.errors.append(
                        lines.error((*base, "part_of", i), "an entity cannot be part of itself")
                    )
            for i, other in enumerate(entity.distinct_from):
                if other == entity.id:
                    self.errors.append(
                        lines.error(
                            (*base, "distinct_from", i), "an entity is not distinct from itself"
                        )
                    )
                elif other not in self.entities:
                    close = self._close_id(other, None)
                    hint = f" (did you mean {close}?)" if close else ""
                    self.errors.append(
                        lines.error(
                            (*base, "distinct_from", i),
                            f"unknown entity {other!r}: no entity has this id{hint}",
                        )
                    )
            if entity.growth_rate_of is not None:
                path = (*base, "growth_rate_of")
                if entity.growth_rate_of == entity.id:
                    self.errors.append(
                        lines.error(path, "an indicator is not the growth rate of itself")
                    )
                else:
                    self.ref(
                        lines, path, entity.growth_rate_of, [EntityType.INDICATOR], "indicator"
                    )
            if entity.conversion is not None:
                self.conversion(entity, lines, (*base, "conversion", "unit"))

    def entity_labels(self) -> None:
        """A platform, policy instrument, event or concept is named by the words of a
        source text (data/README.md, "Labels that are not in the source"): one none of
        whose Chinese labels occurs in any text of the folder is misspelt or invented (长沙
        …服务平合 for 平台, a stray space), even where a case gives the words it uses
        (``{id, mention}``) or no case names it. Only these: indicators, domains and units
        are named by us, and extract names places and national bodies by their standard
        names (湖北省 for the text's 全省's province, 国家发展改革委 for 国家发改委). One
        label found is enough: a curated entity in a draft is named by the draft's text
        with one of its labels, the others by the curated sources."""
        checked = [e for e in self.entities.values() if e.type.group in _LABELS_FROM_THE_TEXT]
        found = occurring(
            {label for entity in checked for label in entity.zh_labels},
            (source.text for source in self.dataset.sources.values()),
        )
        for entity in checked:
            if not any(label in found for label in entity.zh_labels):
                lines, base = self.dataset.entity_lines[entity.id]
                labels = " or ".join(repr(label) for label in entity.zh_labels)
                self.errors.append(
                    lines.error(
                        (*base, "label", "zh"),
                        f"{labels} occurs in no source text: a name is copied from the text"
                        ' exactly (data/README.md, "Labels that are not in the source")',
                    )
                )

    def conversion(self, unit: Entity, lines: LineMap, path: PathKey) -> None:
        """A unit's conversion names another unit, one that is not converted in turn: the
        figures of units with the same base can then be compared in one step."""
        assert unit.conversion is not None
        other = unit.conversion.unit
        if other == unit.id:
            self.errors.append(lines.error(path, "a unit is not converted to itself"))
            return
        target = self.ref(lines, path, other, [EntityType.UNIT], "unit")
        if target is None or target.conversion is None:
            return
        if target.conversion.unit == unit.id:
            message = (
                f"units {unit.id!r} and {other!r} are converted to each other: keep one of"
                " the two conversions"
            )
        else:
            factor = unit.conversion.factor * target.conversion.factor
            message = (
                f"unit {other!r} is itself converted (to {target.conversion.unit!r}):"
                f" convert {unit.id!r} to {target.conversion.unit!r} directly, with the"
                f" factor {format(factor.normalize(), 'f')}"
            )
        self.errors.append(lines.error(path, message))

    def check_positions(self, placed: Iterable[tuple[str, int, int, LineMap]]) -> None:
        """Each source's case positions follow the text: (source, start, position, lines).

        A case that clashes with another (the same title, or the same position) is
        reported once, on the later file, naming the other; the order of the others is
        checked without it, and only the cases out of place are reported (those outside
        a longest run of cases whose positions do follow the text).
        """
        by_source: dict[str, list[tuple[int, int, LineMap]]] = {}
        for source_id, start, position, lines in placed:
            by_source.setdefault(source_id, []).append((start, position, lines))
        for source_id, items in sorted(by_source.items()):
            by_start: dict[int, LineMap] = {}
            by_position: dict[int, LineMap] = {}
            kept: list[tuple[int, LineMap]] = []
            for start, position, lines in sorted(items, key=lambda i: (i[0], i[2].file)):
                first = by_start.get(start) or by_position.get(position)
                if first is not None:
                    same = [
                        *(["title"] if start in by_start else []),
                        *(["position"] if position in by_position else []),
                    ]
                    self.errors.append(
                        lines.error(
                            ("position",),
                            f"{first.file} has the same {' and '.join(same)} in {source_id}:"
                            " two case files cannot hold the same case",
                        )
                    )
                    continue
                by_start[start] = by_position[position] = lines
                kept.append((position, lines))
            in_place = _in_every_longest_increasing([position for position, _ in kept])
            for n, (position, lines) in enumerate(kept):
                if n not in in_place:
                    before = (
                        f"the case before it in the text is {kept[n - 1][1].file}"
                        f" (position {kept[n - 1][0]})"
                        if n
                        else "it is the first case in the text"
                    )
                    self.errors.append(
                        lines.error(
                            ("position",),
                            f"position {position} does not follow the text's order in"
                            f" {source_id}: {before}",
                        )
                    )

    def check_extents(self, placed: Iterable[tuple[str, int, int, LineMap]]) -> list[DataError]:
        """The cases of a source must not run into each other; return warnings for the
        text between (or after) them that no case holds: (source, start, end, lines).

        A case's text runs from its title line to the end of its last paragraph
        (``paragraphs``); it should reach the next case's title line, or the end of the
        source (but for the line that holds the source's ``credits_quote``).
        """
        warnings: list[DataError] = []
        by_source: dict[str, list[tuple[int, int, LineMap]]] = {}
        for source_id, start, end, lines in placed:
            by_source.setdefault(source_id, []).append((start, end, lines))
        for source_id, items in sorted(by_source.items()):
            source = self.dataset.sources.get(source_id)
            if source is None:
                continue
            text = source.text
            credits = source.record.credits_quote
            # A second case at the same title is a clash that check_positions reports.
            ordered: list[tuple[int, int, LineMap]] = []
            for item in sorted(items, key=lambda i: (i[0], i[2].file)):
                if not ordered or ordered[-1][0] != item[0]:
                    ordered.append(item)
            for n, (_start, end, lines) in enumerate(ordered):
                stop = ordered[n + 1][0] if n + 1 < len(ordered) else len(text)
                line = text.count("\n", 0, stop) + 1
                if end > stop:
                    self.errors.append(
                        lines.error(
                            ("paragraphs",),
                            f"the case's text runs into the next case (its title is line {line}"
                            f" of {source.record.file}): give fewer paragraphs",
                        )
                    )
                    continue
                left = [
                    chunk
                    for chunk in text[end:stop].split("\n")
                    if chunk.strip() and not (credits and credits in chunk)
                ]
                if left:
                    where = f"before line {line}" if n + 1 < len(ordered) else "after it"
                    warnings.append(
                        lines.error(
                            ("paragraphs",),
                            f"{len(left)} line(s) of {source.record.file} {where} belong to no"
                            " case, and nothing checks their numbers: if they are this case's,"
                            " count them in its paragraphs; if they are a case of their own,"
                            " give it a case file",
                        )
                    )
        return warnings

    def introductions(self, first_starts: dict[str, int]) -> dict[str, ResolvedIntroduction]:
        out = {}
        for source_id, source in self.dataset.sources.items():
            intro = self.introduction(source, first_starts.get(source_id))
            if intro is not None:
                out[source_id] = intro
        return out

    def unused(self) -> list[DataError]:
        """Warnings for the entities no case uses (nor another entity refers to), units
        aside; the entities are looked at one by one (a national collection's, unpacked
        all at once, took gigabytes)."""
        warnings = []
        referenced = {
            other
            for e in self.entities.values()
            for other in (*e.broader, *e.part_of, *filter(None, [e.growth_rate_of]))
        }
        for entity_id in sorted(self.entities):
            if (
                entity_id not in self.used
                and entity_id not in referenced
                and self.entities[entity_id].type is not EntityType.UNIT
            ):
                lines, base = self.dataset.entity_lines[entity_id]
                warnings.append(lines.error(base, f"entity {entity_id!r} is not used by any case"))
        return warnings

    def run(self) -> Resolved:
        cases: list[ResolvedCase] = []
        for case_file in self.dataset.cases:
            resolved = self.case(case_file.record, case_file.lines)
            if resolved is not None:
                cases.append(resolved)
        self.check_positions((c.case.source, c.span.start, c.case.position, c.lines) for c in cases)
        extents = self.check_extents(
            (c.case.source, c.span.start, c.span.end, c.lines) for c in cases
        )
        first: dict[str, int] = {}
        for c in cases:
            first[c.case.source] = min(first.get(c.case.source, c.title.start), c.title.start)
        introductions = self.introductions(first)
        self.entity_links()
        if self.errors or self.dataset.errors:
            raise DataErrors([*self.dataset.errors, *self.errors])
        cases.sort(key=lambda c: (c.case.source, c.case.position))
        return Resolved(
            dataset=self.dataset,
            cases=cases,
            introductions=introductions,
            warnings=[*extents, *self.placeholders(introductions), *self.unused()],
        )

    def placeholders(self, introductions: Mapping[str, ResolvedIntroduction]) -> list[DataError]:
        found = [
            warning
            for case_file in self.dataset.cases
            for warning in placeholder_exceptions(case_file.lines, (), case_file.record.exceptions)
        ]
        return found + self.introduction_placeholders(introductions)

    def introduction_placeholders(
        self, introductions: Mapping[str, ResolvedIntroduction]
    ) -> list[DataError]:
        found = []
        for source_id in sorted(introductions):
            source = self.dataset.sources[source_id]
            intro = source.record.introduction
            if intro is not None:
                found += placeholder_exceptions(source.lines, ("introduction",), intro.exceptions)
        return found


def near_miss(needle: str, text: str) -> str:
    """Where ``text`` has words like ``needle``, which was not found in it (a quote copied
    with one character changed: a full-width parenthesis or comma for an ASCII one, a
    stray space): the text's words there, and the first character that differs, named
    ("; the text has '中欧班列(长沙)' there, with '(' (LEFT PARENTHESIS) where the quote
    has ... (FULLWIDTH LEFT PARENTHESIS)"). Found from the longest start of ``needle``
    the text holds, else its longest end; "" when neither is a third of it."""
    import unicodedata

    def named(char: str) -> str:
        if char == "\n":
            return "the end of the line"
        return f"{char!r} ({unicodedata.name(char, f'U+{ord(char):04X}')})"

    def longest(found: Callable[[int], bool]) -> int:
        low, high = 0, len(needle) - 1  # the whole needle is not in the text
        while low < high:
            middle = (low + high + 1) // 2
            if found(middle):
                low = middle
            else:
                high = middle - 1
        return low

    least = max(2, len(needle) // 3)
    start = longest(lambda k: needle[:k] in text)
    if start >= least:
        at = text.index(needle[:start])
        there = text[at : at + len(needle)]
        if start < len(there):
            return (
                f"; the text has {there!r} there, with {named(there[start])} where the quote"
                f" has {named(needle[start])}"
            )
        return f"; the text ends with {there!r} there"
    end = longest(lambda k: needle[len(needle) - k :] in text)
    if end >= least:
        tail = needle[len(needle) - end :]
        at = text.index(tail)
        there = text[max(0, at + end - len(needle)) : at + end]
        if at > 0:
            return (
                f"; the text has {there!r} there, with {named(text[at - 1])} where the quote"
                f" has {named(needle[len(needle) - end - 1])}"
            )
        return f"; the text begins with {there!r} there"
    return ""


#: The kinds of entity that only a source's own words name.
_LABELS_FROM_THE_TEXT = frozenset({"platform", "instrument", "event", "concept"})


def occurring(words: AbstractSet[str], texts: Iterable[str]) -> set[str]:
    """The words that occur in at least one of the texts: in one pass over each text
    (Aho-Corasick), where looking each word up in turn grew with the words times the text."""
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for word in words:
        if word:
            automaton.add_word(word, word)
    found: set[str] = set()
    if len(automaton) == 0:
        return found
    automaton.make_automaton()
    for text in texts:
        for _, word in automaton.iter(text):
            found.add(word)
        if len(found) == len(automaton):
            break
    return found


_PLACEHOLDER = re.compile(r"\s*TODO:")


def placeholder_exceptions(
    lines: LineMap, base: PathKey, items: Sequence[Coverage]
) -> list[DataError]:
    """Warnings for the exceptions to number coverage whose reason is still the
    placeholder of ``reformgraph extract`` ("TODO: review: '16万' was not read …"): a
    number nobody has looked at yet, which the graph does not hold (the exceptions are
    not part of it, so no shape can warn about them)."""
    return [
        lines.error(
            (*base, "exceptions", i, "reason"),
            f"{item.quote!r} is still to review (the reason is extract's placeholder):"
            f" {_to_review(item)}, or give the reason it is not one",
        )
        for i, item in enumerate(items)
        if _PLACEHOLDER.match(item.reason)
    ]


def _to_review(item: Coverage) -> str:
    """What a placeholder exception asks of its reviewer, by what extract left unread (its
    placeholder says): an outcome word, a date, or a number."""
    words = item.span_text
    if "recognition, claim or pilot" in item.reason:
        return f"make {words!r} a recognition, claim or pilot"
    if "is not a fact's date" in item.reason:
        return f"make {words!r} the date of the fact it dates"
    return f"make {words!r} a figure"


#: The words that say a recognition's form, a claim's kind and a pilot's stage (see
#: :meth:`_Resolver.outcome_words`): as ``reformgraph extract`` reads them, and the words
#: of the data's own outcomes. A kind's words may hold another's (第一个 holds 第一): words
#: of its own clear a value.
_OUTCOME_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "form": {
        "typical-experience": ("典型经验", "经验做法"),
        "typical-case": ("典型案例", "优秀案例", "示范案例", "最佳实践", "创新案例"),
        "experience-exchange": ("经验交流",),
        "institutional-rule": ("吸收", "制度性规定", "制度"),
        "commendation": ("表扬", "肯定", "激励"),
    },
    "kind": {
        "first-to-do": ("率先", "首创", "第一", "先行"),
        "first-of-its-kind": ("首个", "首部", "首家", "首批", "首次", "首", "第一个"),
        "only-one": ("唯一", "独家"),
        "largest": ("最大",),
        "record-high": ("新高",),
        "record-low": ("新低", "最低"),
    },
    "level": {
        "national": ("全国", "国家", "国务院", "中央", "中共中央"),
        "provincial": ("全省", "省委", "省政府", "省级"),
        "municipal": ("全市", "市委", "市政府", "市级"),
    },
    "stage": {
        "pilot": ("试点",),
        "scaled-up": ("扩大", "拓展"),
        "generalised": ("铺开", "推广", "推开"),
    },
}


#: What the role fields of recognitions, pilots and relations name, for messages
#: ("unknown recognising body 'ccid'", not "unknown by 'ccid'").
_ROLE_NOUNS = {
    "by": "recognising body",
    "assigned_by": "assigning body",
    "assigned_to": "pilot holder",
    "lead": "lead body",
    "partners": "partner",
    "assistant": "assisting body",
    "assisted": "assisted body",
    "member": "member body",
    "parent": "parent body",
}


def _close_word(word: str, choices: Sequence[str]) -> str | None:
    """The choice (an id) spelt most like ``word``, if one is close: one letter wrong,
    left out, added, or two swapped (ccid for ccdi, cuont for count; two such slips in a
    longer id), or most of the letters in order (a word left out). Compared in C++
    (rapidfuzz), so that a data folder of a million entities answers at once."""
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import OSA

    if not choices:
        return None
    slips = 1 if len(word) < 10 else 2
    slipped = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=slips)
    if slipped is not None:
        return str(slipped[0])
    alike = process.extractOne(word, choices, scorer=fuzz.ratio, score_cutoff=85)
    return str(alike[0]) if alike is not None else None


def resolve(dataset: Dataset) -> Resolved:
    """Locate every quote and check every reference; raise :class:`DataErrors` with all problems."""
    return _Resolver(dataset).run()


def _increasing_run_lengths(values: Sequence[int]) -> list[int]:
    """For each index, the length of a longest strictly increasing run of ``values`` that
    ends there."""
    tails: list[int] = []
    lengths = []
    for value in values:
        length = bisect.bisect_left(tails, value)
        if length == len(tails):
            tails.append(value)
        else:
            tails[length] = value
        lengths.append(length + 1)
    return lengths


def _in_every_longest_increasing(values: Sequence[int]) -> set[int]:
    """The indices of ``values`` that lie in every longest strictly increasing
    subsequence: the others are out of place in at least one way of reading the order (of
    two cases whose positions were swapped, either may be the one out of place: both are
    reported)."""
    if not values:
        return set()
    ending = _increasing_run_lengths(values)
    starting = _increasing_run_lengths([-v for v in reversed(values)])[::-1]
    longest = max(ending)
    on_some = [i for i in range(len(values)) if ending[i] + starting[i] - 1 == longest]
    at_length = Counter(ending[i] for i in on_some)
    return {i for i in on_some if at_length[ending[i]] == 1}


class CaseResolver:
    """Resolves a data folder case by case, for builds that stream.

    Create it with the folder's sources and entities; call :meth:`case` for each case
    file (problems are collected, not raised); then :meth:`finish`, which checks what
    spans cases (positions, the introductions, entity links) and raises
    :class:`DataErrors` with every problem found.
    """

    def __init__(self, data: Dataset) -> None:
        self._resolver = _Resolver(data)
        self._placed: list[tuple[str, int, int, LineMap]] = []
        self._extents: list[tuple[str, int, int, LineMap]] = []
        self._first: dict[str, int] = {}
        # The links between entities (broader, part_of, distinct_from) and the unit words
        # are checked first: nothing may be rendered from entities that are not sound.
        self._resolver.entity_links()
        self.entity_errors: list[DataError] = list(self._resolver.errors)
        self._resolver.errors.clear()

    @property
    def entities(self) -> Mapping[str, Entity]:
        return self._resolver.entities

    @property
    def used(self) -> set[str]:
        return self._resolver.used

    def case_and_used(
        self, case_file: CaseFile
    ) -> tuple[ResolvedCase | None, list[DataError], set[str]]:
        """:meth:`case`, and the entities that case used, which are not added to
        :attr:`used` (a worker process resolves tens of thousands of cases: telling one
        case's entities apart by copying everything used so far was quadratic)."""
        saved = self._resolver.used
        self._resolver.used = set()
        try:
            resolved, problems = self.case(case_file)
            return resolved, problems, self._resolver.used
        finally:
            self._resolver.used = saved

    def case(self, case_file: CaseFile) -> tuple[ResolvedCase | None, list[DataError]]:
        """Resolve one case; return it (or None) and the problems it has."""
        before = len(self._resolver.errors)
        resolved = self._resolver.case(case_file.record, case_file.lines)
        errors = self._resolver.errors[before:]
        del self._resolver.errors[before:]
        return resolved, errors

    def place(
        self,
        source: str,
        title_start: int,
        position: int,
        lines: LineMap,
        end: int | None = None,
    ) -> None:
        """Record where a resolved case stands (its title's offset, and the end of its
        text if known), for the checks that span cases."""
        self._placed.append((source, title_start, position, lines))
        if end is not None:
            self._extents.append((source, title_start, end, lines))
        self._first[source] = min(self._first.get(source, title_start), title_start)

    def finish(
        self, errors: Iterable[DataError] = ()
    ) -> tuple[dict[str, ResolvedIntroduction], list[DataError]]:
        """The introductions and the warnings; raise with every problem, the cases' included."""
        resolver = self._resolver
        resolver.check_positions(self._placed)
        extents = resolver.check_extents(self._extents)
        introductions = resolver.introductions(self._first)
        problems = [*resolver.dataset.errors, *self.entity_errors, *errors, *resolver.errors]
        if problems:
            raise DataErrors(problems)
        return introductions, [
            *extents,
            *resolver.introduction_placeholders(introductions),
            *resolver.unused(),
        ]

"""Draft cases from a new report, measure the drafts, and merge reviewed drafts into data/.

``extract`` reads a report (UTF-8 or GB18030), finds its introduction and cases, each
case's measures, figures, changes, rankings, outcomes and named things, and writes a
self-contained *draft data folder*: ``sources/`` (the report as UTF-8 and its metadata),
``cases/NN-….yaml`` in the schema of ``data/cases`` and ``entities/`` (new entities,
marked as drafts, and copies of the curated entities it links to). Every quote it writes
is found by the resolver, every figure passes the resolver's value, unit and qualifier
check, and every numeral and outcome word of a case is covered (by a fact, or by an
exception that says it was not read), so the folder builds on its own.

``evaluate`` runs ``extract`` on a curated source with no curated entities and compares
the draft with the curated cases. ``accept`` merges a reviewed draft into a data folder.

The rules come from the language of such reports (office lines, 一是 … 十是 markers, unit
words, suffixes such as 厅 委 局 平台 机制, 《…》 titles, quoted named mechanisms, 率先
and 首个 …) and from a gazetteer of Chinese administrative divisions shipped as package
data; nothing here names the cases of any particular report.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
import shutil
import tempfile
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from reformgraph.coverage import (
    TRIGGERS,
    Uncovered,
    case_numerals,
    case_triggers,
    introduction_numerals,
    introduction_triggers,
    numeral_labels,
)
from reformgraph.errors import DataError, DataErrors
from reformgraph.io import (
    CaseFile,
    Dataset,
    LineMap,
    SourceFile,
    case_file_paths,
    load_case_file,
    load_data_folder,
    shown,
)
from reformgraph.models import (
    CHINESE_MARKERS,
    Case,
    Claim,
    Entity,
    EntityType,
    Qualifier,
    Recognition,
    Source,
)
from reformgraph.numerals import (
    NUMERAL_CHARACTERS,
    SCALED_UNIT_WORDS,
    QuantityParseError,
    parse_quantity,
    parse_rank,
)
from reformgraph.resolve import PURE_NUMBER, Resolved, Span, measure_markers, resolve

__all__ = [
    "DRAFT_MARKER",
    "MANIFEST",
    "TODO_EN",
    "AcceptResult",
    "Analysis",
    "Evaluation",
    "ExtractError",
    "ExtractResult",
    "KindScore",
    "Report",
    "accept",
    "analyse",
    "evaluate",
    "extract",
    "read_report",
]

#: The English placeholder of every string the extractor cannot translate.
TODO_EN = "TODO: translate"
#: The line that marks a draft file as not yet reviewed; ``accept`` refuses files holding it.
DRAFT_MARKER = "# reformgraph-draft: unreviewed"
#: The file, at the top of a draft folder, that records how the draft was made.
MANIFEST = "extract-manifest.yaml"

Progress = Callable[[str, int, int], None]

#: The kinds the evaluation scores, in table order.
KINDS = (
    "cases",
    "measures",
    "figures",
    "rankings",
    "organisations",
    "platforms",
    "instruments",
    "places",
    "recognitions",
    "claims",
    "pilots",
)
#: Targets on a curated source (F1). The qualitative outcomes are phrases like the named
#: kinds, matched by where their words are and with every attribute right: the same 0.8.
TARGETS = {
    "cases": 1.0,
    "measures": 1.0,
    "figures": 0.95,
    "organisations": 0.8,
    "platforms": 0.8,
    "instruments": 0.8,
    "places": 0.8,
    "recognitions": 0.8,
    "claims": 0.8,
    "pilots": 0.8,
}
#: The qualitative outcomes, scored by overlap (see :func:`evaluate`).
OUTCOME_KINDS = ("recognitions", "claims", "pilots")


# =========================================================================== errors


class ExtractError(DataErrors):
    """The report cannot be drafted (empty, binary, undecodable, no case) or the draft
    cannot be written or accepted. Each problem names its file and, where known, its line.
    Nothing is written when it is raised."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        super().__init__([DataError(file, line, "", message)])

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def _errors(problems: Sequence[DataError]) -> ExtractError:
    first = problems[0]
    error = ExtractError(first.file, first.line, first.message)
    error.errors = sorted(set(problems), key=lambda e: (e.file, e.line or 0, e.path, e.message))
    return error


# =========================================================================== reading


@dataclass(frozen=True)
class Report:
    """A report read from disk: its text (normalised layout) and how it was decoded."""

    path: Path
    text: str
    encoding: str
    raw_sha256: str
    raw_bytes: int
    normalised: tuple[str, ...]


_MAGIC = (
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .zip file)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office document (.doc, .xls)"),
    (b"\x7fELF", "an executable program"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
)


def read_report(path: Path) -> Report:
    """Read a report: UTF-8 (with or without BOM) or GB18030; raise :class:`ExtractError`
    for a file that is missing, empty, binary or in neither encoding.

    The layout is normalised so the build can find lines: line ends become ``\\n``, spaces
    at the start and end of lines and blank lines are removed. The characters of every
    line are kept as they are.
    """
    display = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ExtractError(display, None, f"cannot read: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise ExtractError(display, None, "the file is empty: there is no report to read")
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            raise ExtractError(
                display, 1, f"a binary file ({what}), not a text report: save it as plain text"
            )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractError(display, 1, "the file is UTF-16: save it as UTF-8 or GB18030 plain text")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ExtractError(
            display, line, "a binary file (it contains NUL bytes), not a text report"
        )
    try:
        text = raw.decode("utf-8")
        encoding = "utf-8"
    except UnicodeDecodeError as utf8:
        try:
            text = raw.decode("gb18030")
            encoding = "gb18030"
        except UnicodeDecodeError as gb:
            line = raw[: utf8.start].count(b"\n") + 1
            raise ExtractError(
                display,
                line,
                f"cannot decode the file: not UTF-8 (byte 0x{raw[utf8.start]:02x} at offset"
                f" {utf8.start}) and not GB18030 (byte 0x{raw[gb.start]:02x} at offset"
                f" {gb.start})",
            ) from None
    control = [
        i
        for i, ch in enumerate(text)
        if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    ]
    if len(control) > max(3, len(text) // 200):
        line = text[: control[0]].count("\n") + 1
        raise ExtractError(
            display,
            line,
            f"a binary file ({len(control)} control characters), not a text report",
        )
    if text.startswith("\ufeff"):
        encoding = "utf-8-sig"
    normal, notes = _normalise(text)
    if not normal.strip():
        raise ExtractError(display, None, "the file is empty: there is no report to read")
    return Report(
        path=path,
        text=normal,
        encoding=encoding,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        raw_bytes=len(raw),
        normalised=tuple(notes),
    )


def _normalise(text: str) -> tuple[str, list[str]]:
    notes = []
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.append("byte order mark removed")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("line ends converted to \\n")
    lines = text.split("\n")
    stripped = [line.strip() for line in lines]
    if any(a != b for a, b in zip(lines, stripped, strict=True)):
        notes.append("spaces at the start and end of lines removed")
    trailing = text.endswith("\n")
    body = stripped[:-1] if trailing else stripped
    kept = [line for line in body if line]
    if len(kept) != len(body):
        notes.append("blank lines removed")
    return "\n".join(kept) + ("\n" if trailing and kept else ""), notes


# =========================================================================== lexicon


_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_OPEN_QUOTES = '“「『"'
_CLOSE_QUOTES = '”」』"'
#: Characters that may occur inside a name (besides CJK).
_NAME_EXTRA = 'A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a“”「」『』"()\uff08\uff09+\uff0b\\-·'
_NAME_CHAR = re.compile(f"[{_CJK}{_NAME_EXTRA}]")
_CLAUSE_BREAK = ",\uff0c;\uff1b。!\uff01?\uff1f:\uff1a\n"
_SENTENCE_BREAK = "。!\uff01?\uff1f;\uff1b\n"


@dataclass(frozen=True)
class Place:
    id: str
    kind: str  # country | province | prefecture | county | region
    zh: str
    alts: tuple[str, ...]
    en: str
    parent: str | None
    guard: bool

    @property
    def entity_type(self) -> EntityType:
        return EntityType.REGION if self.kind == "region" else EntityType.ADMINISTRATIVE_AREA

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.zh, *self.alts)


@dataclass(frozen=True)
class Organ:
    zh: str
    type: EntityType
    alts: tuple[str, ...]
    en: str


@dataclass(frozen=True)
class Lexicon:
    """The package data: the gazetteer of places, national bodies and default units."""

    places: dict[str, Place]
    place_names: dict[str, str]
    place_re: re.Pattern[str]
    organs: dict[str, Organ]
    organ_re: re.Pattern[str]
    units: dict[str, dict[str, Any]]


def _package_file(name: str) -> str:
    return (files("reformgraph") / "gazetteer" / name).read_text(encoding="utf-8")


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, longest first, as a trie."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        keys = sorted(k for k in node if k)
        if not keys:
            return ""
        alts = [re.escape(k) + build(node[k]) for k in keys]
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return build(trie) or "(?!)"


@cache
def lexicon() -> Lexicon:
    """Load the gazetteer and the default units shipped with the package (once)."""
    places: dict[str, Place] = {}
    names: dict[str, str] = {}
    for raw in _package_file("places.tsv").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        pid, kind, zh, alts, en, parent, flags = raw.split("\t")
        alt_list = [] if alts == "-" else alts.split("|")
        if "short" in flags.split(","):
            short = re.sub("(?:市|县|区)$", "", zh)
            if len(short) >= 2 and short != zh:
                alt_list.append(short)
        place = Place(
            id=pid,
            kind=kind,
            zh=zh,
            alts=tuple(alt_list),
            en=en,
            parent=None if parent == "-" else parent,
            guard="guard" in flags.split(","),
        )
        places[pid] = place
        for label in place.labels:
            # The first (higher-level) unit keeps a shared short name.
            names.setdefault(label, pid)
    organs: dict[str, Organ] = {}
    for raw in _package_file("organs.tsv").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        zh, etype, alts, en = raw.split("\t")
        organ = Organ(
            zh=zh,
            type=EntityType(etype),
            alts=() if alts == "-" else tuple(alts.split("|")),
            en=en,
        )
        for label in (zh, *organ.alts):
            organs[label] = organ
    units_data = yaml.safe_load(_package_file("units.yaml"))
    units = {item["id"]: item for item in units_data}
    return Lexicon(
        places=places,
        place_names=names,
        place_re=re.compile(_trie_pattern(names)),
        organs=organs,
        organ_re=re.compile(_trie_pattern(organs)),
        units=units,
    )


# =========================================================================== structure


@dataclass(frozen=True)
class Line:
    index: int
    start: int
    end: int
    text: str


def _lines(text: str) -> list[Line]:
    out = []
    start = 0
    for index, part in enumerate(text.split("\n")):
        out.append(Line(index, start, start + len(part), part))
        start += len(part) + 1
    return [line for line in out if line.text]


_OFFICE_END = re.compile(r"(?:改革办|改革办公室|小组办公室|深改办|深改委办公室|改革委员会办公室)$")
_APPLICANT = re.compile(
    r"^(?:申报及实施单位|申报和实施单位|申报单位|实施单位|报送单位|推荐单位|供稿单位|责任单位)"
    r"\s*[:\uff1a]\s*(?P<name>\S.*)$"
)
_SUBTITLE = re.compile(r"^(?:——|—|--|──|\uff0d\uff0d)\s*(?P<name>\S.*)$")
_CREDITS = re.compile(
    r"^(?:策划|组稿|编辑|责任编辑|审核|校对|来源|撰稿|统筹|监制|出品|作者|记者|通讯员|"
    r"本版编辑|文字|图片|制图)\s*[:\uff1a]"
)
_SECTION = re.compile(r"^(?P<marker>[一二三四五六七八九十]{1,3}、)")
_SUBSECTION = re.compile(r"^(?P<marker>[(\uff08][一二三四五六七八九十]{1,3}[)\uff09])")
_ARABIC_ITEM = re.compile(r"^(?P<marker>\d{1,2}[、.\uff0e]|[(\uff08]\d{1,2}[)\uff09])(?!\d)")


_BODY_LINE = re.compile(
    "(?:委员会|人民政府|政府|办公厅|办公室|厅|局|署|委|部|中心|集团|公司|法院|检察院)$"
)


def _office_kind(line: str) -> tuple[str, str] | None:
    """Whether ``line`` names the office responsible for a case: (kind, name) or None."""
    if len(line) > 80:
        return None
    match = _APPLICANT.match(line)
    if match:
        return "applicant", match["name"].strip()
    match = _SUBTITLE.match(line)
    if match:
        return "subtitle", line
    if len(line) <= 40 and _OFFICE_END.search(line) and not re.search("[。\uff0c,;\uff1b]", line):
        return "office", line
    if (
        len(line) <= 30
        and _BODY_LINE.search(line)
        and not re.search("[。\uff0c,;\uff1b:\uff1a、]", line)
        and (
            line.startswith(("中共", "国家", "省", "市", "县", "区"))
            or lexicon().place_re.match(line)
        )
    ):
        return "organisation", line
    return None


def _is_title(line: str) -> bool:
    if not 2 <= len(line) <= 60 or line[-1] in "。\uff0c,;\uff1b:\uff1a、" or "。" in line:
        return False
    if _office_kind(line) or _CREDITS.match(line):
        return False
    if _SECTION.match(line) or _SUBSECTION.match(line) or _ARABIC_ITEM.match(line):
        return False
    return not line.startswith(CHINESE_MARKERS)


@dataclass
class MeasureFound:
    """A measure: its marker, lead clause, where it is, and its place in the nesting
    (``level`` 1 for an outermost measure; ``parent`` the index of the enclosing one)."""

    marker: str
    level: int
    start: int
    marker_end: int
    lead: str
    end: int
    parent: int | None = None


@dataclass
class CaseFound:
    position: int
    title: Line
    office: Line
    office_kind: str
    office_name: str
    body: list[Line]
    #: Its measures, found in its text as the build finds them (so that the data schema
    #: holds every one): 一、 sections, (一) items, 1. (1) numbered items, 一是 … markers.
    measures: list[MeasureFound] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.title.start

    @property
    def end(self) -> int:
        return self.body[-1].end if self.body else self.office.end

    @property
    def first(self) -> Line:
        return self.body[0]

    @property
    def opening_end(self) -> int:
        """Where the opening text ends: at the first measure, or at the end of the case."""
        return self.measures[0].start if self.measures else self.end


@dataclass
class Structure:
    lines: list[Line]
    intro: list[Line]
    cases: list[CaseFound]
    credits: Line | None


def _structure(text: str) -> Structure:
    lines = _lines(text)
    starts = [
        i
        for i in range(len(lines) - 2)
        if _is_title(lines[i].text) and _office_kind(lines[i + 1].text) is not None
    ]
    # A title+office pair directly followed by another pair has no body: skip it.
    starts = [i for i in starts if i + 2 not in starts]
    cases: list[CaseFound] = []
    credits = None
    for n, i in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        body = lines[i + 2 : stop]
        for k, line in enumerate(body):
            if _CREDITS.match(line.text):
                credits = credits or line
                body = body[:k]
                break
        if not body:
            continue
        kind_name = _office_kind(lines[i + 1].text)
        assert kind_name is not None
        case = CaseFound(
            position=len(cases) + 1,
            title=lines[i],
            office=lines[i + 1],
            office_kind=kind_name[0],
            office_name=kind_name[1],
            body=body,
        )
        case.measures = _measures(text, case)
        cases.append(case)
    first = starts[0] if starts else len(lines)
    intro = [line for line in lines[:first] if not _CREDITS.match(line.text)]
    if credits is None:
        credits = next((line for line in lines if _CREDITS.match(line.text)), None)
    return Structure(lines=lines, intro=intro, cases=cases, credits=credits)


def _lead(text: str, start: int, end: int) -> str:
    """A measure's lead clause: its words up to the first full stop, semicolon, colon,
    exclamation or question mark (or the end of its text)."""
    rest = text[start:end].split("\n", 1)[0]
    match = re.search("[。;\uff1b!\uff01?\uff1f:\uff1a]", rest)
    return rest[: match.start()] if match else rest


def _measures(text: str, case: CaseFound) -> list[MeasureFound]:
    """The measures of a case, found with the build's own rules (see
    :func:`reformgraph.resolve.measure_markers`), with their leads and nesting."""
    paragraphs = [Span(line.start, line.end, line.text) for line in case.body]
    found = measure_markers(paragraphs, case.end)
    out: list[MeasureFound] = []
    for i, (marker, end, rank) in enumerate(found):
        parent = next(
            (
                j
                for j in range(i - 1, -1, -1)
                if found[j][2] < rank and found[j][0].start < marker.start < found[j][1]
            ),
            None,
        )
        lead = _lead(text, marker.end, end)
        if not lead.strip():
            lead = text[marker.end : end][:1] or marker.text
        out.append(
            MeasureFound(
                marker=marker.text,
                level=1 if parent is None else out[parent].level + 1,
                start=marker.start,
                marker_end=marker.end,
                lead=lead,
                end=end,
                parent=parent,
            )
        )
    return out


# =========================================================================== facts


@dataclass
class Item:
    """A named thing found in the text: an organisation, platform, instrument, place …"""

    kind: str  # organisation | platform | instrument | place | concept
    etype: EntityType
    start: int
    end: int
    text: str
    label: str
    key: str
    priority: int
    en: str | None = None
    parent: str | None = None


@dataclass
class Qty:
    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    qualifier: Qualifier


@dataclass
class DateFound:
    start: int
    end: int
    text: str
    as_of: dt.date | None = None
    year: int | None = None
    since: str | None = None

    def as_yaml(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text}
        if self.as_of is not None:
            out["as_of"] = self.as_of
        elif self.year is not None:
            out["year"] = self.year
        elif self.since is not None:
            out["since"] = self.since
        return out


@dataclass
class FigureFound:
    qty: Qty
    date: DateFound | None
    cumulative: bool
    indicator: str


@dataclass
class ChangeFound:
    parts: dict[str, Qty]
    direction: str
    indicator: str
    start: int
    end: int
    compared: tuple[int, int] | None = None
    date: DateFound | None = None
    #: The baseline carries its own year (由2021年的3起): the change has no date of its own.
    baseline_dated: bool = False


@dataclass
class RankFound:
    start: int
    end: int
    text: str
    rank: int
    scope: str
    indicator: str
    date: DateFound | None = None


@dataclass
class OutcomeFound:
    family: str  # recognitions | claims | pilots
    start: int
    end: int
    data: dict[str, Any]
    scope: str | None = None
    actors: dict[str, list[Item]] = field(default_factory=dict)
    programme: Item | None = None
    what: tuple[int, int] | None = None
    whole_clause: bool = False


@dataclass
class RelationFound:
    kind: str
    roles: dict[str, list[Item]]
    start: int
    end: int


@dataclass
class Facts:
    items: list[Item] = field(default_factory=list)
    figures: list[FigureFound] = field(default_factory=list)
    changes: list[ChangeFound] = field(default_factory=list)
    rankings: list[RankFound] = field(default_factory=list)
    outcomes: list[OutcomeFound] = field(default_factory=list)
    relations: list[RelationFound] = field(default_factory=list)
    dates: list[DateFound] = field(default_factory=list)
    start: DateFound | None = None


@dataclass(frozen=True)
class Context:
    """What the whole report tells about a stretch of it: whose 全省 and 全市 it is, its
    unit words, and the counties and districts it names that the gazetteer lacks."""

    province: str | None
    city: str | None
    symbols: dict[str, str]
    extra: dict[str, Place] = field(default_factory=dict)
    extra_re: re.Pattern[str] | None = None
    #: The unit of counts (a pure number): what a bare 零 (为零) is read in.
    count_unit: str | None = None


def _span_of(text: str, pos: int, lo: int, hi: int, breaks: str) -> tuple[int, int]:
    start = pos
    while start > lo and text[start - 1] not in breaks:
        start -= 1
    end = pos
    while end < hi and text[end] not in breaks:
        end += 1
    return start, end


def _clause(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    return _span_of(text, pos, lo, hi, _CLAUSE_BREAK)


def _sentence(text: str, pos: int, lo: int, hi: int) -> tuple[int, int]:
    return _span_of(text, pos, lo, hi, _SENTENCE_BREAK)


def _overlaps(start: int, end: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


# --------------------------------------------------------------------------- dates

_DATE_RE = re.compile(
    r"(?P<asof>截至(?P<ay>\d{4})年(?:(?P<am>\d{1,2})月(?:(?P<ad>\d{1,2})日)?)?(?:底|末)?)"
    r"|(?P<since2>自(?P<s2y>\d{4})年(?:(?P<s2m>\d{1,2})月)?[^\uff0c,。;\uff1b\n]{1,12}?以来)"
    r"|(?P<since>自?(?P<sy>\d{4})年(?:(?P<sm>\d{1,2})月份?(?:(?P<sd>\d{1,2})日)?)?(?:以来|起))"
    r"|(?P<end>(?P<ey>\d{4})年(?:底|末))"
    r"|(?P<year>(?P<yy>\d{4})年度?(?P<ypart>上半年|下半年|前三季度|第?[一二三四]季度|全年|"
    r"前\d{1,2}个?月|\d{1,2}[至—-]\d{1,2}月|\d{1,2}月(?:份)?(?:\d{1,2}日)?)?)"
    r"|(?P<vague>截至目前|今年以来|去年以来|今年上半年|今年前三季度|今年|去年|上半年|下半年|全年|"
    r"近年来|近\d{1,2}年来?|近[两二三四五六七八九十]年来?|“十[一二三四五六七八九]五”(?:期间|以来)?|"
    r"党的十[一二三四五六七八九]大以来|新时代以来)"
)


def _last_day(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _dates(text: str, lo: int, hi: int) -> list[DateFound]:
    out = []
    for m in _DATE_RE.finditer(text, lo, hi):
        found = DateFound(m.start(), m.end(), m[0])
        try:
            if m["asof"]:
                year = int(m["ay"])
                if m["ad"]:
                    found.as_of = dt.date(year, int(m["am"]), int(m["ad"]))
                elif m["am"]:
                    found.as_of = _last_day(year, int(m["am"]))
                else:
                    found.as_of = dt.date(year, 12, 31)
            elif m["since2"]:
                found.since = m["s2y"] + (f"-{int(m['s2m']):02d}" if m["s2m"] else "")
            elif m["since"]:
                since = m["sy"]
                if m["sm"]:
                    since += f"-{int(m['sm']):02d}"
                    if m["sd"]:
                        since += f"-{int(m['sd']):02d}"
                        dt.date.fromisoformat(since)
                    elif not 1 <= int(m["sm"]) <= 12:
                        continue
                found.since = since
            elif m["end"]:
                found.as_of = dt.date(int(m["ey"]), 12, 31)
            elif m["year"] and not m["ypart"]:
                found.year = int(m["yy"])
        except ValueError:
            continue
        if (found.year is not None and not 1900 <= found.year <= 2100) or (
            found.as_of is not None and not 1900 <= found.as_of.year <= 2100
        ):
            continue
        out.append(found)
    return out


def _date_before(
    dates: Sequence[DateFound], pos: int, sentence: tuple[int, int]
) -> DateFound | None:
    best = None
    for date in dates:
        if sentence[0] <= date.start and date.end <= pos:
            best = date
    return best


# --------------------------------------------------------------------------- quantities

_PREFIXES = "超过|超|逾|多于|大约|约|近|不足|不到|少于"
_SKIP_BEFORE_CHINESE = set("第统唯同专单初之归逐任某合每万亿")
_VAGUE_ONE = {"个", "次", "批", "级", "体", "起", "项", "种", "名", "位", "人", "家", "件"}


#: Zero as a result, with no unit word: 事故发生数为零, 由3起降至零 (a count of nothing).
_BARE_ZERO = re.compile("(?<=[为至到])零(?=[\uff0c,。;\uff1b、!\uff01?\uff1f\n]|$)")


@cache
def _quantity_re(symbols: tuple[str, ...]) -> re.Pattern[str]:
    units = "|".join(re.escape(s) for s in sorted(symbols, key=len, reverse=True))
    return re.compile(
        rf"(?P<prefix>{_PREFIXES})?"
        r"(?P<number>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
        r"(?P<infix>[多余])?(?P<magnitude>万亿|亿|万)?(?P<after>[多余])?"
        rf"(?P<unit>{units})"
        r"(?P<suffix>以上|左右|以内|以下)?"
    )


def _quantities(
    text: str,
    lo: int,
    hi: int,
    ctx: Context,
    protected: Sequence[tuple[int, int]],
    quoted_texts: Sequence[str],
) -> list[Qty]:
    out: list[Qty] = []
    scaled = (w for w, (base, _) in SCALED_UNIT_WORDS.items() if base in ctx.symbols)
    pattern = _quantity_re((*ctx.symbols, *scaled))
    pos = lo
    while True:
        m = pattern.search(text, pos, hi)
        if m is None:
            break
        pos = m.start() + 1
        number_start = m.start("number")
        before = text[m.start() - 1] if m.start() > lo else ""
        number = m["number"]
        chinese = not number[0].isdigit()
        if before and (
            before.isdigit() or before in ".\uff0e" or (before.isascii() and before.isalpha())
        ):
            continue
        if chinese:
            if not m["prefix"] and before in _SKIP_BEFORE_CHINESE:
                continue
            if number == "一" and m["unit"] in _VAGUE_ONE:
                continue
            tail = text[m.end() : m.end() + 2]
            if len(tail) == 2 and tail[1] == "一" and re.match(f"[{_CJK}]", tail[0]):
                continue  # 一件事一次办: a set phrase
            phrase = text[number_start : m.end() + 2]
            if any(phrase in q for q in quoted_texts):
                continue  # a named term quoted elsewhere (“一套机制”)
        if _overlaps(m.start(), m.end(), protected):
            continue
        try:
            parsed = parse_quantity(m[0], ctx.symbols)
        except QuantityParseError:
            continue
        unit = ctx.symbols.get(parsed.unit_symbol)
        if unit is None:
            continue
        out.append(Qty(m.start(), m.end(), m[0], parsed.value, unit, parsed.qualifier))
        pos = m.end()
    if ctx.count_unit is not None:
        for m in _BARE_ZERO.finditer(text, lo, hi):
            if not _overlaps(m.start(), m.end(), protected) and not _overlaps(
                m.start(), m.end(), [(q.start, q.end) for q in out]
            ):
                out.append(
                    Qty(m.start(), m.end(), m[0], Decimal(0), ctx.count_unit, Qualifier.EXACT)
                )
        out.sort(key=lambda q: q.start)
    return out


# --------------------------------------------------------------------------- indicators

_LEAD_STRIP = re.compile(
    r"^(?:其中|同时|并且|并|且|即|共|已|全省|全市|全县|全区|我省|我市|我县|本省|本市|全国|"
    r"推动|推进|实现|使|让|带动|促进|助力|有效|此外|目前|现已|已经|均|在)+"
)
_TAIL_STRIP = re.compile(
    r"(?:均|分别|都|共|已|达到|达|为|实现|完成|约|近|有|是|突破|居|位居|位列|排名|排在|"
    r"名列|列|在|的|了|累计达|稳定在|保持在|控制在|中|上)+$"
)


def _clean_label(label: str, dates: Sequence[DateFound], offset: int) -> str:
    for date in dates:
        rel = date.start - offset
        if 0 <= rel < len(label):
            label = label[:rel] + label[rel + len(date.text) :]
    label = label.strip("\uff0c,、:\uff1a;\uff1b。 ")
    for _ in range(3):
        label = _LEAD_STRIP.sub("", label)
        label = _TAIL_STRIP.sub("", label)
        label = label.strip("\uff0c,、:\uff1a;\uff1b。 ")
    return label


def _indicator(
    text: str, start: int, end: int, clause: tuple[int, int], dates: Sequence[DateFound]
) -> str:
    """A label for what a number measures, from the words around it in its clause."""
    before = _clean_label(text[clause[0] : start], dates, clause[0])
    after = text[end : clause[1]]
    after = re.split("[\uff0c,、;\uff1b。\uff08(]", after)[0]
    after = _clean_label(after, (), end)
    if before and after and len(after) <= 16:
        label = before + after
    else:
        label = before or after
    if not label:
        label = text[clause[0] : clause[1]]
    return label[:60]


# --------------------------------------------------------------------------- changes

_INC = "提高|提升|增长|增加|上升|扩大|增至|升至|翻番|增|升"
_DEC = "下降|降低|减少|缩短|压缩|压减|缩减|降至|减至|降|减"
_CHANGE_VERB = re.compile(rf"(?<!新)(?P<verb>{_INC}|{_DEC})(?:了)?$")
_RESULT_VERB = re.compile(
    rf"(?<!新)(?P<verb>{_INC}|{_DEC})(?:了)?(?:至|到)$|(?P<verb2>{_INC}|{_DEC})为$"
)
_PAIR_MID = re.compile(
    rf"^[^\uff0c,。;\uff1b、]{{0,12}}?"
    rf"(?:(?:(?P<verb>{_INC}|{_DEC})(?:了)?)?(?:至|到)|(?P<verb2>{_INC}|{_DEC})为)$"
)
#: What opens the baseline of 从A至B, 由A降至B: 从, 由, and what may stand between it and
#: A (平均, 原; the baseline's own year: 由2021年的3起降至零).
_PAIR_OPEN = re.compile(
    "(?:从|由)(?P<year>(?:19|20)[0-9]{2}年(?:底|末|初)?的)?(?:平均|原来的|原)?$"
)
_MERGE_MID = re.compile(
    r"^[^\uff0c,。;\uff1b]{0,24}?(?:整合|合并|压减|精简|缩减|减少|调整|优化|归并|扩大|增加|提升|提高)(?:为|至|到)$"
)
_COMPARED = re.compile(
    rf"(?:比|较)(?![大小高低多少好快慢强弱长短早晚为])(?P<what>[^\uff0c,。;\uff1b]{{1,10}}?)(?=(?:{_INC}|{_DEC}))|(?P<yoy>同比|环比)"
)


def _direction(verb: str) -> str:
    return "increase" if re.fullmatch(_INC, verb) else "decrease"


def _changes(
    text: str,
    lo: int,
    hi: int,
    quantities: list[Qty],
    dates: Sequence[DateFound],
) -> tuple[list[ChangeFound], set[int]]:
    """Changes stated by the numbers (从A至B, 提高X个百分点 …); return them and the ids
    (indices) of the quantities they take."""
    changes: list[ChangeFound] = []
    used: set[int] = set()
    i = 0
    while i < len(quantities):
        q = quantities[i]
        clause = _clause(text, q.start, lo, hi)
        before = text[clause[0] : q.start]
        nxt = quantities[i + 1] if i + 1 < len(quantities) else None
        between = text[q.end : nxt.start] if nxt is not None else ""
        same_clause = nxt is not None and nxt.start < clause[1]
        # 从A(压缩)至B, 由A降至B
        opening = _PAIR_OPEN.search(before) if nxt is not None and same_clause else None
        if nxt is not None and opening is not None:
            mid = _PAIR_MID.match(between)
            if mid and q.unit == nxt.unit and q.value != nxt.value:
                verb = mid["verb"] or mid["verb2"]
                direction = (
                    _direction(verb)
                    if verb
                    else ("decrease" if nxt.value < q.value else "increase")
                )
                label_end = q.start - len(opening[0])
                changes.append(
                    ChangeFound(
                        parts={"baseline": q, "result": nxt},
                        direction=direction,
                        indicator=_clean_label(text[clause[0] : label_end], dates, clause[0])
                        or _indicator(text, q.start, q.end, clause, dates),
                        start=clause[0],
                        end=nxt.end,
                        # 由2021年的3起: the year is the baseline's, not the change's date
                        baseline_dated=opening["year"] is not None,
                    )
                )
                used.update((i, i + 1))
                i += 2
                continue
        # 将…A…整合为B
        if nxt is not None and same_clause and "将" in before:
            mid = _MERGE_MID.match(between)
            if mid and q.unit == nxt.unit and q.value != nxt.value:
                noun = re.split("[\uff0c,、]", text[q.end : nxt.start])[0]
                noun = re.sub(
                    "(?:整合|合并|压减|精简|缩减|减少|调整|优化|归并|扩大|增加|提升|提高)(?:为|至|到)$",
                    "",
                    noun,
                )
                changes.append(
                    ChangeFound(
                        parts={"baseline": q, "result": nxt},
                        direction="decrease" if nxt.value < q.value else "increase",
                        indicator=noun or _indicator(text, q.start, q.end, clause, dates),
                        start=text.rfind("将", clause[0], q.start),
                        end=nxt.end,
                    )
                )
                used.update((i, i + 1))
                i += 2
                continue
        role = None
        verb_match = _RESULT_VERB.search(before)
        if verb_match:
            role = "result"
        else:
            verb_match = _CHANGE_VERB.search(before)
            if verb_match:
                role = "difference"
        if role is not None and verb_match is not None:
            groups = verb_match.groupdict()
            verb = groups.get("verb") or groups.get("verb2") or ""
            verb_start = clause[0] + verb_match.start()
            # The run of values: 分别上升至98.77%、96.81%
            run = [i]
            k = i
            while (
                k + 1 < len(quantities)
                and text[quantities[k].end : quantities[k + 1].start] in ("、", "和", "\uff0c")
                and quantities[k + 1].start < clause[1] + 1
                and quantities[k + 1].unit == q.unit
                and text[quantities[k].end : quantities[k + 1].start] != "\uff0c"
            ):
                k += 1
                run.append(k)
            compared_match = None
            for cm in _COMPARED.finditer(text, clause[0], verb_start + len(verb)):
                compared_match = cm
            compared = None
            label_end = verb_start
            if compared_match is not None:
                group = "yoy" if compared_match["yoy"] else "what"
                compared = (compared_match.start(group), compared_match.end(group))
                label_end = min(label_end, compared_match.start())
            label = _clean_label(text[clause[0] : label_end], dates, clause[0])
            labels = [label] * len(run)
            if len(run) > 1:
                parts = [p for p in re.split("、", label) if p]
                if len(parts) == len(run):
                    labels = parts
            if not label:
                # 分别同比增长13.4%、29.1%: the values the sentence gave before.
                sentence = _sentence(text, q.start, lo, hi)
                earlier = [x for x in quantities[:i] if x.start >= sentence[0]]
                if len(earlier) >= len(run):
                    pairs = earlier[-len(run) :]
                    labels = [
                        _indicator(text, p.start, p.end, _clause(text, p.start, lo, hi), dates)
                        for p in pairs
                    ]
                else:
                    labels = [_indicator(text, q.start, q.end, clause, dates)] * len(run)
            for n, index in enumerate(run):
                changes.append(
                    ChangeFound(
                        parts={role: quantities[index]},
                        direction=_direction(verb),
                        indicator=labels[n],
                        start=clause[0],
                        end=quantities[index].end,
                        compared=compared,
                    )
                )
                used.add(index)
            i = run[-1] + 1
            continue
        i += 1
    for change in changes:
        if change.baseline_dated:
            continue
        first = min(p.start for p in change.parts.values())
        change.date = _date_before(dates, first, _sentence(text, first, lo, hi))
    return changes, used


# --------------------------------------------------------------------------- scopes

_ANAPHORA = {
    "全省": "province",
    "我省": "province",
    "本省": "province",
    "全市": "city",
    "我市": "city",
    "本市": "city",
}
_NATIONAL = ("全国", "国内", "我国", "中国", "全国范围内")


@cache
def _scope_words() -> tuple[str, ...]:
    lex = lexicon()
    words = set(_NATIONAL) | set(_ANAPHORA) | {"全球", "世界", "同类城市"}
    for place in lex.places.values():
        if place.kind in ("region", "country"):
            words.update(place.labels)
    return tuple(sorted(words, key=len, reverse=True))


def _scope_key(word: str, ctx: Context) -> str | None:
    lex = lexicon()
    if word in _NATIONAL:
        return "place:china"
    role = _ANAPHORA.get(word)
    if role == "province":
        return f"place:{ctx.province}" if ctx.province else None
    if role == "city":
        return f"place:{ctx.city}" if ctx.city else None
    place = lex.place_names.get(word)
    if place is not None:
        return f"place:{place}"
    return f"scope:{word}"


# --------------------------------------------------------------------------- rankings

_RANK_VERB = re.compile("(?:位居|位列|排名|排在|名列|居于|居|列|排)")


@cache
def _rank_re() -> re.Pattern[str]:
    scopes = "|".join(map(re.escape, _scope_words()))
    return re.compile(
        rf"(?P<scope>{scopes})?(?P<core>第(?:\d+|[一二三四五六七八九十]{{1,3}})(?:个|位|名|家)?)"
    )


def _rankings(
    text: str,
    lo: int,
    hi: int,
    ctx: Context,
    quantities: Sequence[Qty],
    dates: Sequence[DateFound],
    protected: Sequence[tuple[int, int]],
) -> list[RankFound]:
    out: list[RankFound] = []
    previous: RankFound | None = None
    for m in _rank_re().finditer(text, lo, hi):
        if _overlaps(m.start(), m.end(), protected):
            continue
        scope_word = m["scope"]
        scope: str | None = None
        if scope_word:
            if any(q.end == m.start() for q in quantities):
                continue  # 7个全国第一: a count of firsts, not a rank
            scope = _scope_key(scope_word, ctx)
        elif previous is not None and text[previous.end : m.start()] in ("、", "和", "\uff0c"):
            scope = previous.scope
        if scope is None:
            continue
        try:
            rank = parse_rank(m[0])
        except QuantityParseError:
            continue
        if rank < 1:
            continue
        clause = _clause(text, m.start(), lo, hi)
        sentence = _sentence(text, m.start(), lo, hi)
        if previous is not None and text[previous.end : m.start()] in ("、", "和", "\uff0c"):
            indicator = previous.indicator
        else:
            verbs = list(_RANK_VERB.finditer(text, sentence[0], m.start()))
            if verbs:
                verb = verbs[-1]
                label_clause = _clause(text, verb.start(), lo, hi)
                indicator = _clean_label(
                    text[label_clause[0] : verb.start()], dates, label_clause[0]
                )
                if not indicator and label_clause[0] > sentence[0]:
                    indicator = _clean_label(text[sentence[0] : verb.start()], dates, sentence[0])
            else:
                before = text[clause[0] : m.start()]
                rest = text[m.end() : clause[1]]
                noun = rest.rsplit("的", 1)[-1] if "的" in rest else ""
                indicator = (
                    noun.strip("、")
                    if re.search("(?:作为|是|为|成为)$", before) and noun
                    else _clean_label(before, dates, clause[0])
                )
            indicator = indicator or _indicator(text, m.start(), m.end(), clause, dates)
        found = RankFound(
            start=m.start(),
            end=m.end(),
            text=m[0],
            rank=rank,
            scope=scope,
            indicator=indicator,
            date=_date_before(dates, m.start(), sentence),
        )
        out.append(found)
        previous = found
    return out


# --------------------------------------------------------------------------- named things

#: Words after which a name begins: verbs that take an object, and function words.
_STOP_WORDS = (
    "推进 推动 推行 深化 健全 完善 建立 建成 建设 构建 搭建 打造 "
    "开发 上线 开通 设立 设置 成立 组建 组织 开展 实施 实行 出台 "
    "制定 印发 发布 修改 修订 颁布 起草 编制 用好 用活 发挥 依托 "
    "利用 通过 借助 围绕 聚焦 突出 强化 加强 加快 加大 提升 提高 "
    "优化 创新 探索 落实 形成 实现 完成 达到 覆盖 对接 打通 接通 "
    "贯通 联通 整合 汇聚 集成 接入 融入 纳入 列入 承接 会同 联合 "
    "协助 配合 牵头 督促 指导 支持 引导 带动 鼓励 赋能 注入 划转 "
    "拓展 培育 扩大 推出 启动 运行 申报 获评 入选 获得 取得 畅通 "
    "明确 规范 统筹 召开 举办 参加 系统集成 全面 积极 大力 持续 不断 "
    "着力 进一步 其中 包括 以及 同时 首个 首家 首部 首批 率先 唯一 "
    "最大 第一个 我省 我市 我县 本省 本市 在 于 由 被 向 对 与 和 "
    "及 或 以 将 把 从 为 等 的 了 是 并 且 让 使 给 各级 各"
).split()
_STOP_RE = re.compile("|".join(sorted(map(re.escape, _STOP_WORDS), key=len, reverse=True)))
#: Stops inside the words after a quoted term (“…”创新链条 is a name, “…”注入… is not).
_TAIL_STOP_RE = re.compile(
    "|".join(
        sorted(
            (
                re.escape(w)
                for w in _STOP_WORDS
                if w not in ("创新", "联合", "全面", "统筹", "规范")
            ),
            key=len,
            reverse=True,
        )
    )
)
#: Function words that end a name going left, for document titles (their verbs).
_DOC_VERBS = re.compile(
    "(?:出台|印发|制定|发布|修改|修订|颁布|起草|编制|审议通过|出台了|印发了|制定了|发布了|"
    "修订了|修改了|首部|首个|首批|首家|、|和|及|等)"
)
_GENERIC = (
    "相关 有关 各类 各级 各项 既有 现有 线上 线下 统一 数字化 信息化 "
    "信息 智慧 综合 配套 制度 机制 体制 工作 长效 管理 服务 系列 "
    "一批 若干 重要 重点 主要 本级 全省 全市 全国 省级 市级 县级 "
    "专门 专项 有效 成员 责任 实施 申报 牵头 参与 用人 协调 联动 "
    "保障 政策 数据 平台 系统 网络 公共 领导 该 此 这 其 新 各 "
    "办法 措施 文件 方案 标准 开放"
).split()
_GENERIC_RE = re.compile("|".join(sorted(map(re.escape, _GENERIC), key=len, reverse=True)))


def _generic(stem: str) -> bool:
    rest = _GENERIC_RE.sub("", stem)
    rest = re.sub(f"[^{_CJK}A-Za-z0-9]", "", rest)
    return not rest


def _name_start(
    text: str,
    suffix_start: int,
    lo: int,
    barriers: Sequence[tuple[int, int]],
    stops: re.Pattern[str],
) -> int:
    limit = max(lo, suffix_start - 30)
    i = suffix_start
    while i > limit and _NAME_CHAR.match(text[i - 1]):
        if any(s < i <= e for s, e in barriers):
            break
        i -= 1
    prefix = text[i:suffix_start]
    cut = 0
    for m in stops.finditer(prefix):
        cut = max(cut, m.end())
    start = i + cut
    # Quotes must pair up inside a name.
    name = text[start:suffix_start]
    if name.count("“") != name.count("”"):
        opening = text.rfind("“", lo, suffix_start)
        if opening >= limit and opening < start:
            start = opening
        else:
            while start < suffix_start and text[start] in "”":
                start += 1
    return start


_ORG_SUFFIX = re.compile(
    "(?:专项小组办公室|领导小组办公室|委员会办公室|改革办公室|改革办|深改办|网信办|办公厅|办公室|"
    "纪委监委|常委会|委员会|人民政府|政府|人民法院|法院|人民检察院|检察院|党工委|党委|党组|管委会|"
    "部门|集团|公司|银行|协会|商会|联合会|学会|研究院|研究所|大学|学院|医院|机关|机构|单位|中心|"
    "组成人员|边检站|[厅局署委部])"
)
_ORG_GUARDS: dict[str, tuple[str, tuple[str, ...]]] = {
    # suffix: (characters that must not precede it, words that must not follow it)
    "厅": ("大餐客展门舞", ()),
    "局": ("格布大全结开破僵当骗时变赌饭棋终出入", ("面", "部", "势", "限")),
    "署": ("部签公布联", ()),
    "委": ("", ("员", "托", "派", "屈", "婉", "身", "靡")),
    "部": (
        "全内外局干中东西南北头底顶腹本细总乐基肩胸背面尾上下后前首俱",
        ("署", "分", "件", "位", "长", "队", "落", "门", "委"),
    ),
    "中心": ("为", ("城", "区", "任务", "工作", "环节", "地位", "思想")),
    "机构": ("", ("改革", "编制")),
    "机关": ("", ("事务", "作风")),
    "集团": ("", ("化",)),
    "单位": ("", ()),
    "政府": (
        "",
        (
            "债券",
            "债务",
            "投资",
            "采购",
            "性",
            "信息",
            "工作",
            "职能",
            "购买",
            "引导",
            "治理",
            "专项",
            "改革",
            "建设",
        ),
    ),
}
_ORG_GROUP = re.compile(
    "(?:(?:省属|市属|县属|区属|中央|地方)?(?:国有控股|国有|民营|外资|龙头|骨干)企业|"
    "(?:省属|市属|县属|区属|中央)企业|国企|央企|民企|"
    "(?:[二三四五]级)?(?:全国|省|市|县|区|乡镇|各级)?人大代表|[二三四五]级代表|政协委员|代表小组)"
)
#: A group named by how many levels it spans (五级人大代表: deputies at five levels): the
#: count is also a figure, inside the group's name.
_LEVELS_GROUP = re.compile("^[二三四五]级")
#: Words before a body's suffix that make it a description, not a name (全省首家…公司).
_DESCRIBED = re.compile(r"(?:首|一|第一|多|几|数|这|那|该|\d)[家个所]$")
_PLATFORM_SUFFIX = re.compile(
    "(?:平台|系统|窗口|专网|网络|一张网|APP|App|小程序|公众号|热线|数据库|联络站|工作站|服务站|联系点|服务点|基地)"
)
_PLATFORM_GUARDS: dict[str, tuple[str, ...]] = {
    "系统": ("集成", "推进", "谋划", "梳理", "性", "化", "观念", "思维", "部署", "治理", "重塑"),
    "网络": ("安全", "信息", "理政", "化"),
    "平台": ("经济", "企业", "公司"),
}
_SITE_SUFFIX = re.compile(
    "(?:国际机场|机场|经济区|开发区|高新区|自贸区|自由贸易试验区|综合保税区|保税区|产业园区|产业园|"
    "物流园|示范区|试验区|先行区|新区|海外仓)"
)
_DOC_SUFFIX = re.compile(
    "(?:意见|方案|清单|文件|办法|细则|规程|规划|通知|决定|规定|指引|指南|纲要|标准|条例)"
)
_MECH_SUFFIX = re.compile("(?:工作机制|机制|评价体系|指标体系|考核体系|标准体系|工作法)")
_QUOTE_TAIL = re.compile(
    "^[^\uff0c,。;\uff1b、“”《》\n]{0,10}?(?:机制|体系|制度|链条|通道|原则|工作法|模式|办法|清单|方案|工程|行动|计划)"
)
_QUOTE_PLATFORM_TAIL = re.compile(
    "^[^\uff0c,。;\uff1b、“”《》\n]{0,10}?(?:平台|系统|专网|网络|窗口)"
)
_CATEGORY = re.compile(
    "^等(?P<mod>[^\uff0c,。;\uff1b、\n]{0,10}?)(?P<cat>模式|机制|制度|做法|方式|工作法|渠道|平台|系统|载体|窗口|部门|单位|"
    "机构|办法|文件)"
)
_CATEGORY_KIND = {
    "模式": ("instrument", EntityType.MECHANISM),
    "机制": ("instrument", EntityType.MECHANISM),
    "制度": ("instrument", EntityType.MECHANISM),
    "做法": ("instrument", EntityType.MECHANISM),
    "方式": ("instrument", EntityType.MECHANISM),
    "工作法": ("instrument", EntityType.MECHANISM),
    "办法": ("instrument", EntityType.POLICY_DOCUMENT),
    "文件": ("instrument", EntityType.POLICY_DOCUMENT),
    "渠道": ("platform", EntityType.PLATFORM),
    "平台": ("platform", EntityType.PLATFORM),
    "系统": ("platform", EntityType.PLATFORM),
    "载体": ("platform", EntityType.PLATFORM),
    "窗口": ("platform", EntityType.PLATFORM),
    "部门": ("organisation", EntityType.ORGANISATION_GROUP),
    "单位": ("organisation", EntityType.ORGANISATION_GROUP),
    "机构": ("organisation", EntityType.ORGANISATION_GROUP),
}


def _org_type(name: str) -> EntityType:
    if (
        re.search("(?:改革办|改革办公室|专项小组办公室|领导小组办公室|深改办)$", name)
        and "改革" in name
    ):
        return EntityType.REFORM_OFFICE
    if re.search("(?:人大常委会|人民代表大会|人大)$", name):
        return EntityType.LEGISLATURE
    if re.match("^(?:市县|省市县|市州|县市区|各|相关|全省|全市)", name) or re.search(
        "(?:部门|机关|机构|单位|企业|国企|央企|民企|人大代表|政协委员|代表小组)$", name
    ):
        return EntityType.ORGANISATION_GROUP
    if re.search(
        "(?:省委|市委|县委|区委|州委|党委|党组|党工委|纪委|监委|纪委监委|组织部|宣传部|统战部|政法委)$",
        name,
    ) or name.startswith(("中央", "中共")):
        return EntityType.PARTY_BODY
    if re.search("(?:集团|公司|银行)$", name):
        return EntityType.ENTERPRISE
    if re.search(
        "(?:厅|局|署|委|部|政府|法院|检察院|海关|边检|边检站|管委会|办公厅|办公室|办)$", name
    ):
        return EntityType.GOVERNMENT_BODY
    return EntityType.ORGANISATION


def _doc_type(name: str) -> EntityType:
    if re.search("(?:条例|法|法规)$", name):
        return EntityType.LAW
    if name.endswith("标准"):
        return EntityType.STANDARD
    if name.endswith("试点"):
        return EntityType.PILOT_PROGRAMME
    if re.search(
        "(?:意见|方案|清单|文件|办法|细则|规程|规划|通知|决定|规定|指引|指南|纲要|措施)$", name
    ):
        return EntityType.POLICY_DOCUMENT
    return EntityType.MECHANISM


def _item(
    kind: str, etype: EntityType, text: str, start: int, end: int, priority: int, **kw: Any
) -> Item:
    label = kw.pop("label", text[start:end])
    key = kw.pop("key", f"label:{kind}:{label}")
    return Item(kind, etype, start, end, text[start:end], label, key, priority, **kw)


def _places(text: str, lo: int, hi: int, ctx: Context) -> list[Item]:
    lex = lexicon()
    out = []
    for m in lex.place_re.finditer(text, lo, hi):
        place = lex.places[lex.place_names[m[0]]]
        if place.kind == "country" and re.match(
            "^(?:特色|式|梦|共产党|人民)", text[m.end() : m.end() + 3]
        ):
            continue
        if place.guard:
            before = text[m.start() - 1] if m.start() > lo else "\uff0c"
            after = text[m.end() : m.end() + 2]
            if not (
                before in "\uff0c,、。;\uff1b:\uff1a“在和与及"
                or re.match("^(?:第|地区|省份|六省|崛起|城市|各省)", after)
            ):
                continue
        out.append(
            _item(
                "place",
                place.entity_type,
                text,
                m.start(),
                m.end(),
                40,
                label=place.zh,
                key=f"place:{place.id}",
                en=place.en,
                parent=place.parent,
            )
        )
    if ctx.extra_re is not None:
        for m in ctx.extra_re.finditer(text, lo, hi):
            place = ctx.extra[m[0]]
            out.append(
                _item(
                    "place",
                    EntityType.ADMINISTRATIVE_AREA,
                    text,
                    m.start(),
                    m.end(),
                    40,
                    label=place.zh,
                    key=f"place:{place.id}",
                    parent=place.parent,
                )
            )
    for m in re.finditer("|".join(_ANAPHORA), text[lo:hi]):
        key = _scope_key(m[0], ctx)
        if key is None:
            continue
        anaphor = lex.places.get(key.split(":", 1)[1])
        if anaphor is None:
            continue
        place = anaphor
        start = lo + m.start()
        out.append(
            _item(
                "place",
                place.entity_type,
                text,
                start,
                start + len(m[0]),
                40,
                label=place.zh,
                key=key,
                en=place.en,
                parent=place.parent,
            )
        )
    return out


def _organs(text: str, lo: int, hi: int) -> list[Item]:
    lex = lexicon()
    out = []
    for m in lex.organ_re.finditer(text, lo, hi):
        organ = lex.organs[m[0]]
        out.append(
            _item(
                "organisation",
                organ.type,
                text,
                m.start(),
                m.end(),
                75,
                label=organ.zh,
                key=f"organ:{organ.zh}",
                en=organ.en,
            )
        )
    return out


def _protected(text: str, lo: int, hi: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Quoted terms and book titles: (quotes, titles)."""
    quotes = [
        (m.start(), m.end())
        for m in re.finditer('“[^“”\n]{1,40}”|「[^「」\n]{1,40}」|"[^"\n]{1,40}"', text[lo:hi])
    ]
    titles = [(m.start(), m.end()) for m in re.finditer("《[^《》\n]{1,80}》", text[lo:hi])]
    return [(lo + s, lo + e) for s, e in quotes], [(lo + s, lo + e) for s, e in titles]


def _follows_ok(text: str, end: int, hi: int, banned: Sequence[str]) -> bool:
    return not any(text.startswith(word, end) for word in banned) or end >= hi


def _suffix_orgs(text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]) -> list[Item]:
    out = []
    for m in _ORG_SUFFIX.finditer(text, lo, hi):
        suffix = m[0]
        before_bad, after_bad = _ORG_GUARDS.get(suffix, ("", ()))
        if m.start() > lo and text[m.start() - 1] in before_bad:
            continue
        if not _follows_ok(text, m.end(), hi, after_bad):
            continue
        if suffix in ("委", "部", "厅", "局", "署", "中心") and text.startswith(
            ("员会", "门"), m.end()
        ):
            continue
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        stem = text[start : m.start()]
        if not stem or not re.search(f"[{_CJK}]", stem):
            continue
        if suffix in ("部", "署") and len(stem) > 6:
            continue
        if len(stem) == 1 and stem not in "省市县区州乡镇村":
            continue
        if stem in ("各", "该", "此", "这", "其", "本"):
            continue
        if _DESCRIBED.search(text, max(lo, start - 3), start):
            continue  # 成立全省首家本土国际货运航空公司: a kind of company, not its name
        level = re.match("^(?:全省|全市|全县|全区)(?=[省市县区乡镇]级)", text[start : m.start()])
        if level:
            start += len(level[0])
        name = text[start : m.end()]
        out.append(_item("organisation", _org_type(name), text, start, m.end(), 70))
    for m in _ORG_GROUP.finditer(text, lo, hi):
        out.append(
            _item("organisation", EntityType.ORGANISATION_GROUP, text, m.start(), m.end(), 70)
        )
    return out


_LEVEL_PREFIX = re.compile("(?:全省|全市|全县|全区|省级|市级|县级|统一的)*")
_COUNTED = re.compile(r"(?:超过|超|近|约)?(?:\d|[一二两三四五六七八九十百千]+[个家条项座所套])")


def _suffix_platforms(
    text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]
) -> list[Item]:
    out = []
    for m in _PLATFORM_SUFFIX.finditer(text, lo, hi):
        if not _follows_ok(text, m.end(), hi, _PLATFORM_GUARDS.get(m[0], ())):
            continue
        if _COUNTED.match(text, m.end()):
            continue  # 打通部门系统86个: a kind of thing counted, not a name
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        level = _LEVEL_PREFIX.match(text, start, m.start())
        if level is not None:
            start = level.end()
        stem = text[start : m.start()]
        if len(stem) < 2 or _generic(stem):
            continue
        if m[0] == "网络" and "”" not in stem:
            continue
        name = text[start : m.end()]
        if re.search("(?:国资|融资|投资|投融资)平台$", name):
            out.append(
                _item("organisation", EntityType.ORGANISATION_GROUP, text, start, m.end(), 60)
            )
            continue
        out.append(_item("platform", EntityType.PLATFORM, text, start, m.end(), 60))
    return out


def _suffix_sites(text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]) -> list[Item]:
    out = []
    for m in _SITE_SUFFIX.finditer(text, lo, hi):
        if text.startswith(("储", "库"), m.end()) or _COUNTED.match(text, m.end()):
            continue
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        if start > lo and text[start - 1] == "的":
            continue  # …的专业货运枢纽机场: a description, not a name
        stem = text[start : m.start()]
        if len(stem) < 2 or _generic(stem):
            continue
        out.append(_item("place", EntityType.SITE, text, start, m.end(), 55))
    return out


def _suffix_instruments(
    text: str,
    lo: int,
    hi: int,
    barriers: Sequence[tuple[int, int]],
    org_barriers: Sequence[tuple[int, int]],
) -> list[Item]:
    out = []
    # Documents: named after the verb that issues them (出台…方案, 印发…文件, 修改…条例).
    for m in _DOC_SUFFIX.finditer(text, lo, hi):
        clause = _clause(text, m.start(), lo, hi)
        verbs = list(_DOC_VERBS.finditer(text, clause[0], m.start()))
        if not verbs or not any(v[0] not in ("、", "和", "及", "等") for v in verbs):
            continue
        start = verbs[-1].end()
        if any(s < m.start() and e > start for s, e in barriers):
            start = max(e for s, e in barriers if s < m.start() and e > start)
        stem = text[start : m.start()]
        if len(stem) < 2 or re.search("[\uff0c,。;\uff1b《》]", stem):
            continue
        if _generic(stem) and not (stem in ("实施", "指导") and m[0] in ("意见", "方案", "细则")):
            continue
        if m[0] == "意见" and not stem.endswith(("指导", "实施")) and len(stem) < 4:
            continue
        name = text[start : m.end()]
        out.append(_item("instrument", _doc_type(name), text, start, m.end(), 60))
    # Named mechanisms and evaluation systems.
    for m in _MECH_SUFFIX.finditer(text, lo, hi):
        if text[max(lo, m.start() - 2) : m.start()] == "体制":
            continue
        if not _follows_ok(text, m.end(), hi, ("重构", "创新", "改革", "建设")):
            continue
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        quote = text.find("“", start, m.start())
        if quote != -1:
            start = quote  # named by its quoted words: “两个联系”工作机制
        stem = text[start : m.start()]
        if len(stem) < 2 or _generic(stem):
            continue
        out.append(_item("instrument", EntityType.MECHANISM, text, start, m.end(), 60))
    # Pilot programmes: …试点 followed by 任务, 建设, a city …
    for m in re.finditer("试点", text[lo:hi]):
        s, e = lo + m.start(), lo + m.end()
        if not re.match(
            "^(?:任务|建设|工作|城市|地区|单位|示范|项目|县|省|市|区|的|、|\uff0c|,|。|;|\uff1b|$)",
            text[e : e + 2],
        ):
            continue
        start = _name_start(text, s, lo, [*barriers, *org_barriers], _STOP_RE)
        stem = text[start:s]
        if len(stem) < 4 or _generic(stem):
            continue
        out.append(_item("instrument", EntityType.PILOT_PROGRAMME, text, start, e, 60))
    return out


def _documents(text: str, lo: int, hi: int, titles: Sequence[tuple[int, int]]) -> list[Item]:
    out = []
    for s, e in titles:
        inner = text[s + 1 : e - 1]
        out.append(_item("instrument", _doc_type(inner), text, s + 1, e - 1, 90))
    for m in re.finditer(
        "关于[^\uff0c,。;\uff1b!\uff01?\uff1f\n《》]{2,60}?(?:指导意见|实施意见|意见|通知|方案|办法|决定|规定|若干措施|措施|规划|细则)",
        text[lo:hi],
    ):
        out.append(
            _item("instrument", EntityType.POLICY_DOCUMENT, text, lo + m.start(), lo + m.end(), 90)
        )
    return out


def _quoted_items(
    text: str,
    lo: int,
    hi: int,
    quotes: Sequence[tuple[int, int]],
    barriers: Sequence[tuple[int, int]],
) -> list[Item]:
    """Quoted terms: named mechanisms (“三库”流转机制), platforms (国际贸易“单一窗口”),
    documents (出台…“黄金八条”), pilots (“双智试点”), or else concepts."""
    out: list[Item] = []
    i = 0
    while i < len(quotes):
        # A run of quoted terms: “A”“B”、“C”
        run = [quotes[i]]
        while i + 1 < len(quotes) and text[run[-1][1] : quotes[i + 1][0]] in ("", "、"):
            i += 1
            run.append(quotes[i])
        i += 1
        after = text[run[-1][1] : min(hi, run[-1][1] + 30)]
        category = _CATEGORY.match(after)
        if category and "“" not in category["mod"]:
            kind, etype = _CATEGORY_KIND[category["cat"]]
            for qs, qe in run:
                out.append(_item(kind, etype, text, qs, qe, 80))
            continue
        for n, (qs, qe) in enumerate(run):
            out.append(_quoted_item(text, lo, hi, qs, qe, n == len(run) - 1, barriers))
            if out[-1].kind == "split":
                parts = out.pop()
                pos = qs + 1
                for part in parts.text[1:-1].split("、"):
                    out.append(
                        _item("instrument", EntityType.MECHANISM, text, pos, pos + len(part), 80)
                    )
                    pos += len(part) + 1
    return out


def _quoted_item(
    text: str, lo: int, hi: int, qs: int, qe: int, last: bool, barriers: Sequence[tuple[int, int]]
) -> Item:
    inner = text[qs + 1 : qe - 1]
    after = text[qe : min(hi, qe + 14)]
    parts = inner.split("、")
    if (
        len(parts) >= 3
        and all(0 < len(p) <= 6 for p in parts)
        and re.match("^(?:为|的)?(?:管理|工作|基本)?原则", after)
    ):
        return _item("split", EntityType.MECHANISM, text, qs, qe, 80)
    if re.match("^的[^\uff0c,。;\uff1b、“”]{0,4}?(?:原则|机制|制度|模式|体系)", after):
        return _item("instrument", EntityType.MECHANISM, text, qs, qe, 80)
    if re.search("(?:机制|体系|制度|模式|办法|清单|方案|条例|标准|原则)$", inner):
        return _item("instrument", _doc_type(inner), text, qs, qe, 80)
    if re.search("(?:平台|系统|窗口|专网)$", inner):
        start = _name_start(text, qs, lo, barriers, _STOP_RE)
        return _item("platform", EntityType.PLATFORM, text, min(start, qs), qe, 80)
    if "试点" in inner:
        return _item("instrument", EntityType.PILOT_PROGRAMME, text, qs, qe, 80)
    tail = _QUOTE_TAIL.match(after) if last else None
    ptail = _QUOTE_PLATFORM_TAIL.match(after) if last else None
    for match in (ptail, tail):
        if match is not None and (
            _TAIL_STOP_RE.search(match[0]) or match[0].startswith(("为", "的", "是"))
        ):
            if match is ptail:
                ptail = None
            else:
                tail = None
    if ptail and (not tail or len(ptail[0]) <= len(tail[0])):
        return _item("platform", EntityType.PLATFORM, text, qs, qe + len(ptail[0]), 80)
    if tail:
        end = qe + len(tail[0])
        return _item("instrument", _doc_type(text[qs:end]), text, qs, end, 80)
    clause = _clause(text, qs, lo, hi)
    if re.search("(?:出台|印发|制定|发布)", text[clause[0] : qs]) and (
        qe >= clause[1] or text[qe] in "\uff0c,。;\uff1b、"
    ):
        return _item("instrument", EntityType.POLICY_DOCUMENT, text, qs, qe, 80)
    return _item("concept", EntityType.CONCEPT, text, qs, qe, 30)


def _enumerations(text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]) -> list[Item]:
    """Lists named by what they are: 教育、卫健、信访等部门; “多规合一”、工改系统等既有平台."""
    piece = "(?:“[^”\n]{1,20}”|[^\uff0c,。;\uff1b、“”\n]{1,12})"
    out = []
    for m in re.finditer(f"(?P<list>{piece}(?:、{piece})+)(?=等)", text[lo:hi]):
        end = lo + m.end()
        category = _CATEGORY.match(text[end : min(hi, end + 20)])
        if not category or "“" in category["mod"]:
            continue
        kind, etype = _CATEGORY_KIND[category["cat"]]
        pieces = re.findall(piece, m["list"])
        pos = lo + m.start()
        spans = []
        for n, part in enumerate(pieces):
            s, e = pos, pos + len(part)
            if n == 0 and not part.startswith("“"):
                s = max(_name_start(text, e, lo, barriers, _STOP_RE), pos)
            spans.append((s, e))
            pos = e + 1
        for s, e in spans:
            name = text[s:e]
            if not name or len(name) > 22 or _overlaps(s, e, barriers):
                continue
            out.append(_item(kind, etype, text, s, e, 50))
    return out


def _homogeneous_lists(text: str, lo: int, hi: int, items: list[Item]) -> list[Item]:
    """In a list of short names (海关、边检、安检) where most are organisations, the rest
    are organisations too."""
    out = []
    orgs = [it for it in items if it.kind == "organisation"]
    for m in re.finditer(f"[{_CJK}]{{2,8}}(?:、[{_CJK}]{{2,6}})+", text[lo:hi]):
        start = lo + m.start()
        pieces = []
        pos = start
        for part in m[0].split("、"):
            pieces.append((pos, pos + len(part)))
            pos += len(part) + 1
        first = next(
            (it for it in orgs if it.end == pieces[0][1] and it.start >= pieces[0][0]), None
        )
        if first is not None:
            pieces[0] = (first.start, first.end)
        elif pieces[0][1] - pieces[0][0] > 6:
            pieces = pieces[1:]
        known = [(s, e) for s, e in pieces if any(it.start == s and it.end == e for it in orgs)]
        if len(known) >= 2 and len(known) * 2 >= len(pieces):
            for s, e in pieces:
                if (s, e) not in known and not any(it.start < e and s < it.end for it in items):
                    out.append(_item("organisation", EntityType.ORGANISATION, text, s, e, 45))
    return out


def _resolve_overlaps(items: list[Item]) -> list[Item]:
    """Keep the longest names; drop names inside or across a longer one."""
    ordered = sorted(items, key=lambda it: (-(it.end - it.start), -it.priority, it.start))
    kept: list[Item] = []
    for item in ordered:
        if any(item.start < k.end and k.start < item.end for k in kept):
            continue
        kept.append(item)
    return sorted(kept, key=lambda it: it.start)


# --------------------------------------------------------------------------- outcomes

_FIRST_VERBS = (
    "推行|开展|实施|建立|出台|实现|探索|启动|完成|推出|打造|建成|开通|上线|构建|形成|试点|发布|制定|"
    "设立|成立|创建|落地|开发|应用|引入|提出"
)


@cache
def _outcome_res() -> dict[str, re.Pattern[str]]:
    scopes = "|".join(map(re.escape, _scope_words()))
    return {
        "first-to-do": re.compile(
            rf"(?:在)?(?P<scope>{scopes})?(?:范围内)?(?P<word>率先|首创|首次)(?P<verb>{_FIRST_VERBS})?"
        ),
        "first-of-its-kind": re.compile(
            rf"(?P<scope0>{scopes})(?P<scope>{scopes})?"
            r"(?P<word>首个|首部|首家|首座|首条|首款|首单|首笔|首例|首台|首批|第一个|第一家|第一部|第一座)"
        ),
        "only-one": re.compile(rf"(?P<scope>{scopes})(?P<word>唯一)"),
        "largest": re.compile(rf"(?P<scope>{scopes})(?:规模)?(?P<word>最大)"),
        "firsts": re.compile(rf"(?P<scope>{scopes})(?P<word>第一)(?![个家部座])"),
        "batch": re.compile(
            r"首批(?:“[^”\n]{0,20}?试点[^”\n]{0,8}?”|“[^”\n]{1,20}”试点|[^\uff0c,。;\uff1b、“\n]{0,12}?试点)"
        ),
        "typical": re.compile(
            r"(?:被|获|荣获|入选|获评|成功入选|列入|纳入)[^\uff0c,。;\uff1b\n]{0,40}?"
            r"(?P<word>典型经验|典型案例|优秀案例|示范案例|最佳实践|经验做法|创新案例)"
        ),
        "exchange": re.compile(
            r"(?:在[^\uff0c,。;\uff1b在\n]{0,30}?)?(?:作|做|进行)(?:了)?(?:典型)?经验交流(?:发言)?"
        ),
        "absorbed": re.compile(r"被[^\uff0c,。;\uff1b\n]{0,20}?吸收为[^\uff0c,。;\uff1b\n]{0,15}"),
        "commended": re.compile(
            r"(?:受到|获得|得到|获)[^\uff0c,。;\uff1b\n]{0,25}?(?:通报表扬|表扬|批示肯定|肯定|督查激励)"
        ),
        "undertake": re.compile(r"承接[^\uff0c,。;\uff1b\n]{0,40}?试点(?:任务|工作)?"),
        "scaled": re.compile(r"(?:扩大|拓展)[^\uff0c,。;\uff1b\n]{0,6}?试点(?:范围)?"),
        "rolled": re.compile(
            r"从试点[^\uff0c,。;\uff1b\n]{0,8}?到[^\uff0c,。;\uff1b\n]{0,8}?(?:铺开|推广|推开)"
        ),
        "spread": re.compile(r"推广|铺开|推开"),
    }


def _what(text: str, end: int, clause: tuple[int, int]) -> tuple[int, int]:
    """The thing a claim is about: the rest of the clause after the claim's words."""
    start = end
    rest = text[start : clause[1]]
    if rest.startswith("、") and "的" in rest:
        start += rest.rindex("的") + 1
    elif rest.startswith("的"):
        start += 1
    stop = clause[1]
    title = text.find("《", start, stop)
    if title != -1 and title > start:
        stop = title
    while stop > start and text[stop - 1] in "、的":
        stop -= 1
    if stop <= start:
        return clause
    return start, stop


def _level(words: str) -> str:
    if re.search("国务院|国家|全国|中央|党中央|部|总局|中共", words):
        return "national"
    if "省" in words:
        return "provincial"
    if "市" in words:
        return "municipal"
    return "national"


def _outcomes(
    text: str,
    lo: int,
    hi: int,
    ctx: Context,
    items: Sequence[Item],
    rankings: Sequence[RankFound],
    quantities: Sequence[Qty],
) -> list[OutcomeFound]:
    res = _outcome_res()
    out: list[OutcomeFound] = []
    taken: list[tuple[int, int]] = []

    def add(found: OutcomeFound) -> None:
        if _overlaps(found.start, found.end, taken):
            return
        out.append(found)
        taken.append((found.start, found.end))

    def actors(start: int, end: int) -> list[Item]:
        return [
            it for it in items if start <= it.start and it.end <= end and it.kind == "organisation"
        ]

    def programme(start: int, end: int) -> Item | None:
        return next(
            (
                it
                for it in items
                if start <= it.start and it.end <= end and it.etype is EntityType.PILOT_PROGRAMME
            ),
            None,
        )

    for m in res["rolled"].finditer(text, lo, hi):
        add(OutcomeFound("pilots", m.start(), m.end(), {"stage": "generalised"}))
    for m in res["batch"].finditer(text, lo, hi):
        add(
            OutcomeFound(
                "pilots",
                m.start(),
                m.end(),
                {"stage": "pilot", "batch": {"text": "首批", "en": "first batch"}},
                programme=programme(m.start(), m.end()),
            )
        )
    for m in res["undertake"].finditer(text, lo, hi):
        taker = next(
            (
                it
                for it in items
                if it.end == m.start()
                and (it.kind == "organisation" or it.etype is EntityType.ADMINISTRATIVE_AREA)
            ),
            None,
        )
        givers = actors(m.start(), m.end())
        start = taker.start if taker is not None and givers else m.start()
        add(
            OutcomeFound(
                "pilots",
                start,
                m.end(),
                {"stage": "pilot"},
                actors={"assigned_by": givers, "assigned_to": [taker]}
                if taker is not None and givers
                else {},
                programme=programme(m.start(), m.end()),
            )
        )
    for m in res["scaled"].finditer(text, lo, hi):
        add(OutcomeFound("pilots", m.start(), m.end(), {"stage": "scaled-up"}))
    for m in res["typical"].finditer(text, lo, hi):
        words = m[0]
        form = "typical-experience" if m["word"] in ("典型经验", "经验做法") else "typical-case"
        add(
            OutcomeFound(
                "recognitions",
                m.start(),
                m.end(),
                {"level": _level(words), "form": form},
                actors={"by": actors(m.start(), m.end())},
            )
        )
    for m in res["exchange"].finditer(text, lo, hi):
        add(
            OutcomeFound(
                "recognitions",
                m.start(),
                m.end(),
                {"level": _level(m[0]), "form": "experience-exchange"},
                actors={"by": actors(m.start(), m.end())},
            )
        )
    for m in res["absorbed"].finditer(text, lo, hi):
        add(
            OutcomeFound(
                "recognitions",
                m.start(),
                m.end(),
                {"level": _level(m[0]), "form": "institutional-rule"},
                actors={"by": actors(m.start(), m.end())},
            )
        )
    for m in res["commended"].finditer(text, lo, hi):
        add(
            OutcomeFound(
                "recognitions",
                m.start(),
                m.end(),
                {"level": _level(m[0]), "form": "commendation"},
                actors={"by": actors(m.start(), m.end())},
            )
        )
    # Counts of firsts: 实现…等7个全国第一
    for m in res["firsts"].finditer(text, lo, hi):
        count = next((q for q in quantities if q.end == m.start()), None)
        if count is None:
            continue
        scope = _scope_key(m["scope"], ctx)
        if scope is None:
            continue
        clause = _clause(text, m.start(), lo, hi)
        add(
            OutcomeFound(
                "claims",
                count.start,
                m.end(),
                {"kind": "first-to-do"},
                scope=scope,
                what=clause,
            )
        )
    claim_kinds = (
        ("first-of-its-kind", "first-of-its-kind"),
        ("only-one", "only-one"),
        ("largest", "largest"),
        ("first-to-do", "first-to-do"),
    )
    for name, kind in claim_kinds:
        for m in res[name].finditer(text, lo, hi):
            scope_word = m["scope"] or (
                m.groupdict().get("scope0") if name == "first-of-its-kind" else None
            )
            if not scope_word:
                continue
            if name == "first-of-its-kind" and m["word"] == "首批":
                continue
            scope = _scope_key(scope_word, ctx)
            if scope is None:
                continue
            start = m.start()
            if name == "first-of-its-kind" and m["scope"]:
                scope = _scope_key(m["scope"], ctx) or scope
            clause = _clause(text, m.start(), lo, hi)
            add(
                OutcomeFound(
                    "claims",
                    start,
                    m.end(),
                    {"kind": "first-to-do" if m["word"] in ("首创", "首次") else kind},
                    scope=scope,
                    what=_what(text, m.end(), clause),
                )
            )
    # Pilot programmes named in the text.
    for it in items:
        if it.etype is EntityType.PILOT_PROGRAMME and lo <= it.start and it.end <= hi:
            add(OutcomeFound("pilots", it.start, it.end, {"stage": "pilot"}, programme=it))
    # Spreading: 总结推广, 全面铺开 — the clause says what is spread.
    for m in res["spread"].finditer(text, lo, hi):
        if _overlaps(m.start(), m.end(), taken):
            continue
        clause = _clause(text, m.start(), lo, hi)
        if _overlaps(clause[0], clause[1], taken):
            continue
        add(
            OutcomeFound(
                "pilots", clause[0], clause[1], {"stage": "generalised"}, whole_clause=True
            )
        )
    return out


# --------------------------------------------------------------------------- relations


#: Words that join the names of a list of bodies (省发改委、省财政厅和省国资委).
_JOIN = re.compile("、|以及|和|及|与|同")
#: Verbs of relations between bodies, by the relation they state. Joint work: the bodies
#: before 会同, 联合, 携手 … work with those after it, or those listed before 联合 or 共同
#: work together (省发改委、省财政厅联合印发); 牵头 … 配合, 参与: the first leads. Assistance:
#: 协助, 配合 (the bodies before help those after). Membership: 隶属 (before belongs to
#: after), 下属, 所属, 直属 (after belongs to before).
_RELATION_VERBS = re.compile(
    "(?P<joint>会同|联合|携手|协同|共同|合作)|(?P<assist>协助|配合)|(?P<lead>牵头)"
    "|(?P<member>隶属于|隶属)|(?P<parent>下属的|所属的|直属的|下属|所属|直属)"
)


def _run_before(orgs: Sequence[Item], text: str, pos: int) -> list[Item]:
    """The bodies listed right before ``pos`` (A、B和C), in text order."""
    run: list[Item] = []
    while True:
        last = next((it for it in orgs if it.end == pos), None)
        if last is None:
            break
        run.insert(0, last)
        join = _JOIN.search(text, max(0, last.start - 2), last.start)
        if join is None or join.end() != last.start:
            break
        pos = join.start()
    return run


def _run_after(orgs: Sequence[Item], text: str, pos: int) -> list[Item]:
    """The bodies listed from ``pos`` on (A、B和C), in text order."""
    run: list[Item] = []
    while True:
        nxt = next((it for it in orgs if it.start == pos), None)
        if nxt is None:
            break
        run.append(nxt)
        join = _JOIN.match(text, nxt.end)
        if join is None:
            break
        pos = join.end()
    return run


def _relations(text: str, lo: int, hi: int, items: Sequence[Item]) -> list[RelationFound]:
    """Relations between bodies that the verbs between their names state (see
    :data:`_RELATION_VERBS`); each relation's quote runs from its first name to its last."""
    orgs = sorted((it for it in items if it.kind == "organisation"), key=lambda it: it.start)
    out: list[RelationFound] = []

    def add(kind: str, roles: dict[str, list[Item]]) -> None:
        members = [it for group in roles.values() for it in group]
        if any(not group for group in roles.values()):
            return
        ids = {id(it) for it in members}
        if len(ids) < len(members):
            return
        start = min(it.start for it in members)
        end = max(it.end for it in members)
        if any(r.start <= start and end <= r.end for r in out):
            return
        out.append(RelationFound(kind, roles, start, end))

    for m in _RELATION_VERBS.finditer(text, lo, hi):
        before = _run_before(orgs, text, m.start())
        # 由A牵头,B配合 / A牵头、B参与: the bodies after the clause break take part.
        if m["lead"]:
            after_break = re.match("[\uff0c,、]?", text[m.end() : m.end() + 1])
            gap = m.end() + (len(after_break[0]) if after_break else 0)
            partners = _run_after(orgs, text, gap)
            tail = text[partners[-1].end : partners[-1].end + 2] if partners else ""
            if before and partners and tail.startswith(("配合", "参与", "协同", "共同")):
                add("joint-work", {"lead": before, "partners": partners})
            continue
        after = _run_after(orgs, text, m.end())
        if m["joint"]:
            if after:
                add("joint-work", {"lead": before, "partners": after})
            elif len(before) >= 2 and m["joint"] in ("联合", "共同"):
                add("joint-work", {"lead": before[:1], "partners": before[1:]})
        elif m["assist"]:
            add("assistance", {"assistant": before, "assisted": after})
        elif m["member"]:
            add("sub-organisation", {"member": before, "parent": after})
        elif m["parent"] and before and after:
            add("sub-organisation", {"member": after, "parent": before[-1:]})
    return out


#: A body named inside a longer name: the office, department or bureau of a party
#: committee or government (湖北省委改革办 is the 改革办 of 湖北省委; 市政府办公厅 the 办公厅
#: of 市政府). A party committee or government is named by its level and kind (省委,
#: 市政府), a place before it going into its label (湖北省委); a 党委, 党组 … by its whole
#: name (集团党委). Bodies named as a group (市州党委: every prefecture's) are left out.
_NESTED_BODY = re.compile(
    "^(?P<parent>.*?(?P<body>[省市州县区](?:委|人民政府|政府|人大常委会)|党委|党组|党工委|管委会))"
    "(?P<unit>改革办公室|改革办|深改办|深改委办公室|办公厅|办公室|组织部|宣传部|统战部|政法委|"
    "网信办|编办|研究室|秘书处)$"
)


def _nested_bodies(text: str, items: Sequence[Item]) -> list[RelationFound]:
    """The bodies named inside the names of their offices (湖北省委改革办: 省委), each as
    the parent of a sub-organisation relation."""
    out = []
    for it in items:
        if it.kind != "organisation":
            continue
        m = _NESTED_BODY.match(it.text)
        if m is None or not m["parent"]:
            continue
        label = m["parent"]
        etype = _org_type(label)
        if etype is EntityType.ORGANISATION_GROUP:
            continue
        body = "body" if m["body"][0] in "省市州县区" else "parent"
        start = it.start + m.start(body)
        parent = _item("organisation", etype, text, start, it.start + m.end(body), 70, label=label)
        out.append(
            RelationFound(
                "sub-organisation", {"member": [it], "parent": [parent]}, it.start, it.end
            )
        )
    return out


# --------------------------------------------------------------------------- a stretch of text


def _facts(text: str, lines: Sequence[Line], ctx: Context, extra: Sequence[Item] = ()) -> Facts:
    """Everything found in some lines of the text (a case's lines, or the introduction)."""
    facts = Facts()
    items: list[Item] = list(extra)
    quantities_all: list[Qty] = []
    for line in lines:
        lo, hi = line.start, line.end
        quotes, titles = _protected(text, lo, hi)
        quoted_texts = [text[s:e] for s, e in quotes]
        places = _places(text, lo, hi, ctx)
        organs = _organs(text, lo, hi)
        known = [(it.start, it.end) for it in places + organs]
        dates = _dates(text, lo, hi)
        quantities = _quantities(
            text,
            lo,
            hi,
            ctx,
            [*quotes, *titles, *known, *((d.start, d.end) for d in dates)],
            quoted_texts,
        )
        quantities_all += quantities
        facts.dates += dates
        changes, used = _changes(text, lo, hi, quantities, dates)
        facts.changes += changes
        for index, q in enumerate(quantities):
            if index in used:
                continue
            clause = _clause(text, q.start, lo, hi)
            sentence = _sentence(text, q.start, lo, hi)
            facts.figures.append(
                FigureFound(
                    qty=q,
                    date=_date_before(dates, q.start, sentence),
                    cumulative="累计" in text[clause[0] : q.start],
                    indicator=_indicator(text, q.start, q.end, clause, dates),
                )
            )
        rankings = _rankings(text, lo, hi, ctx, quantities, dates, [*quotes, *titles])
        facts.rankings += rankings
        numbers = [(q.start, q.end) for q in quantities] + [(d.start, d.end) for d in dates]
        numbers += [(r.start, r.end) for r in rankings]
        orgs = organs + _suffix_orgs(text, lo, hi, numbers + [(s, e) for s, e in quotes])
        org_spans = [(it.start, it.end) for it in orgs]
        fences = numbers + titles
        found = (
            orgs
            + _documents(text, lo, hi, titles)
            + _quoted_items(text, lo, hi, quotes, numbers)
            + _suffix_platforms(text, lo, hi, fences)
            + _suffix_sites(text, lo, hi, fences + org_spans)
            + _suffix_instruments(text, lo, hi, fences, org_spans)
            + _enumerations(text, lo, hi, numbers)
        )
        found = [
            it
            for it in found
            if not _overlaps(it.start, it.end, numbers)
            or (it.etype is EntityType.ORGANISATION_GROUP and _LEVELS_GROUP.match(it.text))
        ]
        found += _homogeneous_lists(text, lo, hi, found)
        named = _resolve_overlaps([it for it in items if lo <= it.start < hi] + found)
        # Places count also inside names (鄂州 in 鄂州花湖国际机场), not inside other places.
        places = _resolve_overlaps(
            [it for it in places if not _overlaps(it.start, it.end, numbers)]
        )
        places = [
            p
            for p in places
            if not any(it.start <= p.start and p.end <= it.end for it in named)
            or (
                p.text not in _ANAPHORA
                and p.text not in _NATIONAL
                and not any(
                    it.kind == "place" and it.start <= p.start and p.end <= it.end for it in named
                )
            )
        ]
        line_items = sorted(named + places, key=lambda it: (it.start, -it.end))
        items = [it for it in items if not lo <= it.start < hi] + line_items
        facts.outcomes += _outcomes(text, lo, hi, ctx, line_items, rankings, quantities)
        facts.relations += _relations(text, lo, hi, line_items)
        facts.relations += _nested_bodies(text, line_items)
    facts.items = sorted(items, key=lambda it: it.start)
    return facts


# =========================================================================== analysis


@dataclass
class Analysis:
    """A report taken apart: its introduction and cases with what each states."""

    report: Report
    structure: Structure
    province: str | None
    intro: Facts
    cases: list[tuple[CaseFound, Facts, Context]]
    credits: list[Item]


def _province(text: str) -> str | None:
    lex = lexicon()
    counts: dict[str, int] = {}
    for m in lex.place_re.finditer(text):
        place = lex.places[lex.place_names[m[0]]]
        node: Place | None = place
        while node is not None and node.kind not in ("province",):
            node = lex.places.get(node.parent) if node.parent else None
        if node is not None:
            counts[node.id] = counts.get(node.id, 0) + 1
    if not counts:
        return None
    return max(sorted(counts), key=lambda k: counts[k])


def _city(text: str, lines: Sequence[Line], province: str | None) -> str | None:
    lex = lexicon()
    for line in lines:
        for m in lex.place_re.finditer(text, line.start, line.end):
            place = lex.places[lex.place_names[m[0]]]
            if place.kind == "prefecture" and (province is None or place.parent == province):
                return place.id
            if place.kind == "county" and place.parent in lex.places:
                parent = lex.places[place.parent]
                if parent.kind == "prefecture":
                    return parent.id
    return None


_NOT_A_NAME = "全各本我该辖城市县区省州乡镇村其此这"


def _extra_places(text: str) -> dict[str, Place]:
    """Counties and districts the gazetteer lacks, named after a known city (苏州市姑苏区)
    or before a county body (安吉县委, 海曙区人民政府)."""
    lex = lexicon()
    found: dict[str, Place] = {}
    prefectures = "|".join(
        re.escape(p.zh)
        for p in lex.places.values()
        if p.kind == "prefecture" and p.zh.endswith("市")
    )
    patterns = (
        re.compile(rf"(?P<city>{prefectures})(?P<name>[{_CJK}]{{1,3}}?(?:区|县|市))(?=[{_CJK}])"),
        re.compile(rf"(?P<name>[{_CJK}]{{2}}(?:县|区))(?=委|人民政府|政府|纪委|人大|政协)"),
    )
    for pattern in patterns:
        for m in pattern.finditer(text):
            name = m["name"]
            if name in lex.place_names or name[0] in _NOT_A_NAME or name in found:
                continue
            if _STOP_RE.search(name[:-1]) or text.startswith(("域", "级", "城"), m.end("name")):
                continue  # 组建县域医共体: not a county
            city = m.groupdict().get("city")
            parent = lex.place_names.get(city) if city else None
            found[name] = Place(
                id=_hash_id("place", name),
                kind="county",
                zh=name,
                alts=(),
                en=TODO_EN,
                parent=parent,
                guard=False,
            )
    return found


#: ASCII characters and their full-width forms (U+FF05 for %).
_WIDEN = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}


def _symbols(units: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Each unit word, and the full-width form of one written in ASCII (U+FF05 for %), with
    its unit's id: the build reads both forms as the word (see
    :func:`reformgraph.numerals.parse_quantity`)."""
    out: dict[str, str] = {}
    for unit_id, unit in units.items():
        for symbol in unit.get("symbols", []):
            out.setdefault(symbol, unit_id)
    for symbol, unit_id in list(out.items()):
        out.setdefault(symbol.translate(_WIDEN), unit_id)
    return out


def analyse(report: Report, units: dict[str, dict[str, Any]] | None = None) -> Analysis:
    """Find the introduction, the cases and everything they state (no files written)."""
    text = report.text
    structure = _structure(text)
    province = _province(text)
    unit_records = units if units is not None else lexicon().units
    symbols = _symbols(unit_records)
    count_unit = next(
        (uid for uid, unit in unit_records.items() if unit.get("qudt") == PURE_NUMBER), None
    )
    extra = _extra_places(text)
    extra_re = re.compile(_trie_pattern(extra)) if extra else None
    base = Context(province, None, symbols, extra, extra_re, count_unit)
    intro = _facts(text, structure.intro, base)
    cases = []
    for case in structure.cases:
        own = _province(text[case.start : case.end]) or province
        city = _city(text, [case.office, case.title, *case.body], own)
        ctx = Context(own, city, symbols, extra, extra_re, count_unit)
        office_items: list[Item] = []
        if case.office_kind == "office":
            office_items.append(
                _item(
                    "organisation",
                    EntityType.REFORM_OFFICE,
                    text,
                    case.office.start,
                    case.office.end,
                    100,
                    key=f"office:{case.office.text}",
                )
            )
        elif case.office_kind == "applicant":
            start = case.office.start + case.office.text.index(case.office_name)
            office_items.append(
                _item(
                    "organisation",
                    EntityType.REFORM_OFFICE,
                    text,
                    start,
                    start + len(case.office_name),
                    100,
                    key=f"office:{case.office.text}",
                )
            )
        facts = _facts(text, [case.title, case.office, *case.body], ctx, office_items)
        if case.office_kind == "subtitle":
            facts.items = [
                it for it in facts.items if not case.office.start <= it.start < case.office.end
            ]
        # A title names what the case is about (推进…试点示范); the outcomes it reports
        # are stated in its text. The office line is a byline: it states no relation.
        facts.outcomes = [o for o in facts.outcomes if o.start >= case.first.start]
        facts.relations = [
            r for r in facts.relations if not case.office.start <= r.start < case.office.end
        ]
        first_dates = [d for d in facts.dates if case.first.start <= d.start < case.first.end]
        if first_dates and first_dates[0].since and first_dates[0].start - case.first.start <= 2:
            facts.start = first_dates[0]
        cases.append((case, facts, ctx))
    credits: list[Item] = []
    if structure.credits is not None:
        line = structure.credits
        credits = [
            it
            for it in _suffix_orgs(text, line.start, line.end, [])
            + _organs(text, line.start, line.end)
            if it.kind == "organisation"
        ]
    return Analysis(report, structure, province, intro, cases, credits)


# =========================================================================== entities


_GROUP_PREFIX = {
    "org": "org",
    "platform": "platform",
    "instrument": "instrument",
    "place": "place",
    "event": "event",
    "domain": "domain",
    "concept": "concept",
    "indicator": "indicator",
    "unit": "unit",
}
_FILE_OF_GROUP = {
    "org": "organisations.yaml",
    "platform": "platforms.yaml",
    "instrument": "instruments.yaml",
    "place": "places.yaml",
    "event": "concepts.yaml",
    "domain": "domains.yaml",
    "concept": "concepts.yaml",
    "indicator": "indicators.yaml",
    "unit": "units.yaml",
}


def _norm_label(label: str) -> str:
    table = str.maketrans(
        {"“": "", "”": "", '"': "", "「": "", "」": "", "\uff08": "(", "\uff09": ")", " ": ""}
    )
    return unicodedata.normalize("NFKC", label.translate(table))


def _hash_id(prefix: str, label: str) -> str:
    return f"{prefix}-{hashlib.sha1(label.encode('utf-8')).hexdigest()[:8]}"


class Registry:
    """The entities of a draft: links to curated ones (copied in) and new drafts."""

    def __init__(self, curated: Dataset | None) -> None:
        self.curated: dict[str, Entity] = dict(curated.entities) if curated else {}
        self.curated_files: dict[str, str] = {}
        if curated is not None:
            for entity_id, (lines, _) in curated.entity_lines.items():
                self.curated_files[entity_id] = lines.file
        self.index: dict[str, str] = {}
        for entity in self.curated.values():
            for label in entity.zh_labels:
                self.index.setdefault(_norm_label(label), entity.id)
        self.new: dict[str, dict[str, Any]] = {}
        self.copies: dict[str, Entity] = {}
        self.keys: dict[str, str] = {}
        self.labels_used: dict[str, set[str]] = {}
        self.extra: dict[str, Place] = {}
        self._by_group: dict[str, dict[str, str]] = {}
        #: The province the report is about, and the one the curated data is about.
        self.province: str | None = None
        self.curated_province = (
            _province("\n".join(s.text for s in curated.sources.values())) if curated else None
        )

    # ------------------------------------------------------------ curated

    def copy(self, entity_id: str) -> str:
        """Copy a curated entity, and what it points to, into the draft."""
        stack = [entity_id]
        while stack:
            current = stack.pop()
            if current in self.copies or current not in self.curated:
                continue
            entity = self.curated[current]
            self.copies[current] = entity
            stack += [*entity.part_of, *entity.broader]
        return entity_id

    def _variants(self, label: str) -> list[str]:
        """The label, and the label without the report's province in front of it
        (湖北省发改委 → 省发改委), when the curated data is about the same province."""
        out = [label]
        if self.province is None or self.province != self.curated_province:
            return out
        place = lexicon().places[self.province]
        for name in sorted(place.labels, key=len, reverse=True):
            if label.startswith(name) and len(label) > len(name) + 1:
                rest = label[len(name) :]
                out += [rest] if rest[0] in "省市" else ["省" + rest.lstrip("省")]
                break
        return out

    def _relative(self, label: str) -> bool:
        """Whether a name is relative to the report's place (省发改委, 市委改革办) and the
        curated data is about another province, so that it must not be linked."""
        if self.curated_province is None or self.province == self.curated_province:
            return False
        return bool(re.match("^(?:省|市|县|区|州|全省|全市|我省|我市|本省|本市)(?!份)", label))

    def _curated_for(self, labels: Iterable[str], group: str | None) -> str | None:
        words = [v for label in labels if not self._relative(label) for v in self._variants(label)]
        for word in words:
            found = self.index.get(_norm_label(word))
            if found is not None:
                return found
        if group is None:
            return None
        same = self._group_labels(group)
        for word in words:
            norm = _norm_label(word)
            if len(norm) < 4:
                continue
            close = difflib.get_close_matches(norm, list(same), n=1, cutoff=0.9)
            if close:
                return same[close[0]]
        return None

    def _group_labels(self, group: str) -> dict[str, str]:
        if group not in self._by_group:
            self._by_group[group] = {
                _norm_label(label): e.id
                for e in self.curated.values()
                if e.type.group == group and not e.distinct_from
                for label in e.zh_labels
            }
        return self._by_group[group]

    # ------------------------------------------------------------ new

    def _add(self, entity: dict[str, Any]) -> str:
        entity_id = str(entity["id"])
        while entity_id in self.curated and entity_id not in self.copies:
            entity_id += "-draft"
        entity["id"] = entity_id
        self.new.setdefault(entity_id, entity)
        return entity_id

    def place(self, place_id: str) -> str:
        """The entity of a gazetteer place (and of the places it lies in)."""
        key = f"place:{place_id}"
        if key in self.keys:
            return self.keys[key]
        lex = lexicon()
        place = self.extra.get(place_id) or lex.places[place_id]
        linked = self._curated_for(place.labels, None)
        if linked is not None and self.curated[linked].type.is_place:
            self.keys[key] = self.copy(linked)
            return self.keys[key]
        entity: dict[str, Any] = {
            "id": place.id,
            "type": place.entity_type.value,
            "label": {"zh": place.zh, "en": place.en},
        }
        if place.parent:
            entity["part_of"] = [self.place(place.parent)]
        self.keys[key] = self._add(entity)
        return self.keys[key]

    def scope(self, key: str) -> str:
        if key.startswith("place:"):
            return self.place(key.split(":", 1)[1])
        word = key.split(":", 1)[1]
        if key in self.keys:
            return self.keys[key]
        linked = self._curated_for([word], None)
        if linked is not None and self.curated[linked].type.is_place:
            self.keys[key] = self.copy(linked)
        else:
            self.keys[key] = self._add(
                {
                    "id": _hash_id("place", word),
                    "type": EntityType.REGION.value,
                    "label": {"zh": word, "en": TODO_EN},
                }
            )
        return self.keys[key]

    def item(self, item: Item) -> str:
        """The entity an item refers to: a curated one if it matches, else a new draft."""
        if item.key in self.keys:
            entity_id = self.keys[item.key]
        elif item.key.startswith("place:"):
            entity_id = self.place(item.key.split(":", 1)[1])
        else:
            linked = self._curated_for([item.label, item.text], item.etype.group)
            if linked is not None:
                entity_id = self.copy(linked)
            else:
                entity = {
                    "id": _hash_id(_GROUP_PREFIX[item.etype.group], item.label),
                    "type": item.etype.value,
                    "label": {"zh": item.label, "en": item.en or TODO_EN},
                }
                entity_id = self._add(entity)
            self.keys[item.key] = entity_id
        self.labels_used.setdefault(entity_id, set()).add(item.text)
        return entity_id

    def labels(self, entity_id: str) -> list[str]:
        if entity_id in self.copies:
            return self.copies[entity_id].zh_labels
        entity = self.new[entity_id]
        return [entity["label"]["zh"], *(a["zh"] for a in entity.get("alt_labels", []))]

    def named(
        self, label: str, etype: EntityType, key: str, en: str = TODO_EN, **extra: Any
    ) -> str:
        """An entity known by its label (indicators, domains, offices …)."""
        if key in self.keys:
            return self.keys[key]
        linked = self._curated_for([label], None)
        if linked is not None and self.curated[linked].type is etype:
            self.keys[key] = self.copy(linked)
            return self.keys[key]
        entity = {
            "id": _hash_id(_GROUP_PREFIX[etype.group], f"{etype.value}:{label}"),
            "type": etype.value,
            "label": {"zh": label, "en": en},
            **extra,
        }
        self.keys[key] = self._add(entity)
        return self.keys[key]

    def unit(self, unit_id: str, package_units: dict[str, dict[str, Any]]) -> str:
        if unit_id in self.curated:
            return self.copy(unit_id)
        if unit_id not in self.new:
            self.new[unit_id] = dict(package_units[unit_id])
        return unit_id

    def finish(self) -> None:
        """Add the other spellings the report uses of gazetteer places as labels."""
        lex = lexicon()
        for entity_id, entity in self.new.items():
            place = lex.places.get(entity_id)
            if place is None:
                continue
            used = self.labels_used.get(entity_id, set())
            alts = [a for a in place.alts if a in used and a not in _ANAPHORA]
            if alts:
                entity["alt_labels"] = [{"zh": a, "en": place.en} for a in alts]


# =========================================================================== quotes


def _quote(
    text: str,
    scope: tuple[int, int],
    needles: Sequence[tuple[int, int]],
    pref: tuple[int, int] | None = None,
    limit: int = 60,
    holes: Sequence[tuple[int, int]] = (),
) -> str | None:
    """A stretch of ``text`` around ``needles`` that occurs once in ``scope`` and holds each
    needle's words exactly once (at the needle's place): what the resolver demands.

    ``holes``: stretches of the scope that the resolver does not search (the measures,
    for a case's own facts): the quote must avoid them, and need only be unique outside
    them."""
    lo = min(s for s, _ in needles)
    hi = max(e for _, e in needles)
    if lo < scope[0] or hi > scope[1] or _overlaps(lo, hi, holes):
        return None
    scope_text = text[scope[0] : scope[1]]
    for s, e in holes:
        s, e = max(s, scope[0]), min(e, scope[1])
        if s < e:
            scope_text = scope_text[: s - scope[0]] + "\0" * (e - s) + scope_text[e - scope[0] :]

    def ok(qs: int, qe: int) -> bool:
        if qs < scope[0] or qe > scope[1] or qs > lo or qe < hi:
            return False
        if holes and _overlaps(qs, qe, holes):
            return False
        quote = text[qs:qe]
        if scope_text.count(quote) != 1:
            return False
        for s, e in needles:
            needle = text[s:e]
            if quote.count(needle) != 1 or quote.find(needle) != s - qs:
                return False
        return True

    candidates: list[tuple[int, int]] = []
    if pref is not None:
        candidates.append((min(pref[0], lo), max(pref[1], hi)))
    sentence = _sentence(text, lo, scope[0], scope[1])
    candidates.append((min(sentence[0], lo), max(sentence[1], hi)))
    for qs, qe in candidates:
        if ok(qs, qe):
            return text[qs:qe]
    for k in range(limit):
        for qs, qe in ((lo - k, hi), (lo, hi + k), (lo - k, hi + k)):
            if ok(qs, qe):
                return text[qs:qe]
    return None


# =========================================================================== drafting


@dataclass
class Draft:
    """A draft data folder in memory."""

    source: dict[str, Any]
    text: str
    cases: list[dict[str, Any]]
    registry: Registry
    notes: list[str]
    analysis: Analysis


def _number(value: Decimal) -> int | float:
    if value == value.to_integral_value():
        return int(value)
    return float(str(value.normalize()))


def _quantity_yaml(q: Qty, registry: Registry, units: dict[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "text": q.text,
        "value": _number(q.value),
        "unit": registry.unit(q.unit, units),
    }
    if q.qualifier is not Qualifier.EXACT:
        out["qualifier"] = q.qualifier.value
    return out


#: How far (in characters) a date may stand before the number it dates.
_DATE_REACH = 40


class _Writer:
    """Turns the facts of a stretch of text into YAML records of the data schema."""

    def __init__(self, text: str, registry: Registry, units: dict[str, dict[str, Any]]) -> None:
        self.text = text
        self.registry = registry
        self.units = units
        self.counters: dict[str, int] = {}
        self.notes: list[str] = []
        #: The stretches of the current scope that belong to nested scopes (see facts).
        self.holes: list[tuple[int, int]] = []

    def quote(
        self,
        scope: tuple[int, int],
        needles: Sequence[tuple[int, int]],
        pref: tuple[int, int] | None = None,
    ) -> str | None:
        return _quote(self.text, scope, needles, pref, holes=self.holes)

    def next_id(self, kind: str) -> str:
        self.counters[kind] = self.counters.get(kind, 0) + 1
        return f"{kind}-{self.counters[kind]}"

    def mention(self, item: Item) -> dict[str, str] | str:
        entity_id = self.registry.item(item)
        if item.text in self.registry.labels(entity_id):
            return entity_id
        return {"id": entity_id, "mention": item.text}

    def indicator(self, label: str) -> str:
        return self.registry.named(label, EntityType.INDICATOR, f"indicator:{label}")

    def date(self, date: DateFound | None, needles: list[tuple[int, int]]) -> DateFound | None:
        """Keep a reference date near enough to its number for a readable quote."""
        if date is None or min(s for s, _ in needles) - date.end > _DATE_REACH:
            return None
        needles.append((date.start, date.end))
        return date

    def figure(self, f: FigureFound, scope: tuple[int, int], where: str) -> dict[str, Any] | None:
        q = f.qty
        clause = _clause(self.text, q.start, scope[0], scope[1])
        needles = [(q.start, q.end)]
        date = self.date(f.date, needles)
        quote = self.quote(scope, needles, clause)
        if quote is None and date is not None:
            date, needles = None, [(q.start, q.end)]
            quote = self.quote(scope, needles, clause)
        if quote is None:
            self.notes.append(f"{where}: no unique quote for the figure {q.text!r}")
            return None
        out: dict[str, Any] = {"id": self.next_id("figure"), "quote": quote}
        out.update(_quantity_yaml(q, self.registry, self.units))
        out["indicator"] = self.indicator(f.indicator)
        if f.cumulative:
            out["cumulative"] = True
        if date is not None:
            out["date"] = date.as_yaml()
        return out

    def change(self, c: ChangeFound, scope: tuple[int, int], where: str) -> dict[str, Any] | None:
        needles = [(q.start, q.end) for q in c.parts.values()]
        if c.compared is not None:
            needles.append(c.compared)
        date = self.date(c.date, needles)
        clause = _clause(self.text, min(s for s, _ in needles), scope[0], scope[1])
        pref = (min(clause[0], c.start), max(clause[1], c.end))
        quote = self.quote(scope, needles, pref)
        if quote is None and date is not None:
            needles.remove((date.start, date.end))
            date = None
            quote = self.quote(scope, needles, pref)
        if quote is None:
            texts = ", ".join(q.text for q in c.parts.values())
            self.notes.append(f"{where}: no unique quote for the change {texts!r}")
            return None
        out: dict[str, Any] = {
            "id": self.next_id("change"),
            "quote": quote,
            "indicator": self.indicator(c.indicator),
            "direction": c.direction,
        }
        if c.compared is not None:
            out["compared_with"] = {"text": self.text[c.compared[0] : c.compared[1]], "en": TODO_EN}
        for role in ("baseline", "result", "difference"):
            if role in c.parts:
                out[role] = _quantity_yaml(c.parts[role], self.registry, self.units)
        if date is not None:
            out["date"] = date.as_yaml()
        return out

    def ranking(self, r: RankFound, scope: tuple[int, int], where: str) -> dict[str, Any] | None:
        needles = [(r.start, r.end)]
        date = self.date(r.date, needles)
        clause = _clause(self.text, r.start, scope[0], scope[1])
        quote = self.quote(scope, needles, clause)
        if quote is None and date is not None:
            date, needles = None, [(r.start, r.end)]
            quote = self.quote(scope, needles, clause)
        if quote is None:
            self.notes.append(f"{where}: no unique quote for the ranking {r.text!r}")
            return None
        out: dict[str, Any] = {
            "id": self.next_id("ranking"),
            "quote": quote,
            "text": r.text,
            "rank": r.rank,
            "scope": self.registry.scope(r.scope),
            "indicator": self.indicator(r.indicator),
        }
        if date is not None:
            out["date"] = date.as_yaml()
        return out

    def outcome(self, o: OutcomeFound, scope: tuple[int, int], where: str) -> dict[str, Any] | None:
        clause = _clause(self.text, o.start, scope[0], scope[1])
        if o.whole_clause:
            quote = self.quote(scope, [(o.start, o.end)], (o.start, o.end))
            if quote is None:
                return None
            out: dict[str, Any] = {"id": self.next_id(o.family[:-1]), "quote": quote}
        else:
            needles = [(o.start, o.end)]
            pref = clause
            if o.what is not None:
                pref = (min(clause[0], o.what[0]), max(clause[1], o.what[1]))
            quote = self.quote(scope, needles, pref)
            if quote is None:
                self.notes.append(f"{where}: no unique quote for {self.text[o.start : o.end]!r}")
                return None
            out = {"id": self.next_id(o.family[:-1]), "quote": quote}
            words = self.text[o.start : o.end]
            if words != quote:
                out["text"] = words
        data = dict(o.data)
        if o.family == "claims":
            assert o.scope is not None
            what = self.text[o.what[0] : o.what[1]] if o.what else ""
            if not what or what not in out["quote"]:
                what = out["quote"]
            out["kind"] = data["kind"]
            out["scope"] = self.registry.scope(o.scope)
            out["what"] = {"zh": what, "en": TODO_EN}
        elif o.family == "recognitions":
            by = [self.mention(a) for a in o.actors.get("by", [])]
            out.update(data)
            if by:
                out["by"] = _unique(by)
        else:
            out["stage"] = data["stage"]
            if o.programme is not None:
                out["programme"] = self.registry.item(o.programme)
            assigned = [self.mention(a) for a in o.actors.get("assigned_by", [])]
            takers = [self.mention(a) for a in o.actors.get("assigned_to", [])]
            if assigned and takers:
                out["assigned_by"] = _unique(assigned)
                out["assigned_to"] = _unique(takers)
            if "batch" in data:
                out["batch"] = data["batch"]
        return out

    def relation(
        self, r: RelationFound, scope: tuple[int, int], where: str
    ) -> dict[str, Any] | None:
        quote = self.quote(scope, [(r.start, r.end)], (r.start, r.end))
        if quote is None:
            self.notes.append(f"{where}: no unique quote for a {r.kind} relation")
            return None
        out: dict[str, Any] = {"kind": r.kind, "quote": quote}
        for role, items in r.roles.items():
            out[role] = _unique([self.mention(it) for it in items])
        return out

    def facts(
        self,
        facts: Facts,
        scope: tuple[int, int],
        where: str,
        holes: Sequence[tuple[int, int]] = (),
        *,
        searched: bool = True,
    ) -> dict[str, Any]:
        """The records of the facts whose words lie in ``scope`` but in none of ``holes``:
        the stretches whose facts are written elsewhere (a case's measures, for the case;
        a measure's nested measures, for the measure). ``searched``: whether the build
        searches the holes for this scope's quotes (it does for a measure, whose text holds
        its nested measures; not for a case, whose own text leaves its measures out)."""
        self.holes = [] if searched else list(holes)

        def inside(s: int, e: int) -> bool:
            return scope[0] <= s and e <= scope[1] and not _overlaps(s, e, holes)

        out: dict[str, Any] = {}
        involves = []
        for item in facts.items:
            if not inside(item.start, item.end):
                continue
            involves.append(self.mention(item))
        if involves:
            out["involves"] = _unique(involves)
        sections: list[tuple[str, list[dict[str, Any] | None]]] = [
            (
                "figures",
                [
                    self.figure(f, scope, where)
                    for f in facts.figures
                    if inside(f.qty.start, f.qty.end)
                ],
            ),
            (
                "changes",
                [
                    self.change(c, scope, where)
                    for c in facts.changes
                    if all(inside(q.start, q.end) for q in c.parts.values())
                ],
            ),
            (
                "rankings",
                [self.ranking(r, scope, where) for r in facts.rankings if inside(r.start, r.end)],
            ),
            (
                "relations",
                [self.relation(r, scope, where) for r in facts.relations if inside(r.start, r.end)],
            ),
        ]
        for family in ("recognitions", "claims", "pilots"):
            sections.append(
                (
                    family,
                    [
                        self.outcome(o, scope, where)
                        for o in facts.outcomes
                        if o.family == family and inside(o.start, o.end)
                    ],
                )
            )
        for name, records in sections:
            kept = [r for r in records if r is not None]
            if kept:
                out[name] = kept
        return out


def _unique(items: Sequence[Any]) -> list[Any]:
    seen: set[str] = set()
    out = []
    for item in items:
        key = item if isinstance(item, str) else item["id"]
        if key in seen:
            continue
        seen.add(key)
        out.append(item)
    return out


def _slug(text: str) -> str:
    slug = re.sub("[^a-z0-9]+", "-", text.lower()).strip("-")
    return re.sub("-{2,}", "-", slug)


def _domain(case: CaseFound, registry: Registry) -> str:
    """The reform domain of a case: a curated domain named by its office or title, or a
    draft domain named after the office's field (省经济体制…改革专项小组办公室)."""
    for entity in sorted(registry.curated.values(), key=lambda e: -len(e.label.zh)):
        if entity.type is EntityType.DOMAIN and any(
            label in case.office.text or label in case.title.text for label in entity.zh_labels
        ):
            return registry.copy(entity.id)
    match = re.search(
        "^(?:[省市县区]|.+?[省市县区州])?(?:委)?(?P<field>.{2,30}?)(?:专项小组|领导小组)办公室$",
        case.office.text,
    )
    if match and "改革" in match["field"]:
        label = match["field"]
        return registry.named(label, EntityType.DOMAIN, f"domain:{label}")
    return registry.named(
        "待分类",
        EntityType.DOMAIN,
        "domain:unclassified",
        "TODO: classify",
        definition={"en": "TODO: placeholder domain of draft cases: choose a reform domain."},
    )


def _office(case: CaseFound, registry: Registry) -> str:
    line = case.office.text
    key = f"office:{line}"
    if key in registry.keys:
        return registry.keys[key]
    linked = registry._curated_for([line], None)
    if linked is not None and registry.curated[linked].type is EntityType.REFORM_OFFICE:
        registry.keys[key] = registry.copy(linked)
        return registry.keys[key]
    extra: dict[str, Any] = {}
    label = line
    if case.office_kind == "applicant":
        label = case.office_name
        extra["alt_labels"] = [{"zh": line, "en": TODO_EN}]
    return registry.named(label, EntityType.REFORM_OFFICE, key, **extra)


def _source_meta(
    analysis: Analysis, curated: Dataset | None, registry: Registry
) -> tuple[dict[str, Any], list[str]]:
    report = analysis.report
    text = report.text
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    notes = []
    if curated is not None:
        for source in curated.sources.values():
            if source.record.sha256 == sha:
                record = source.record
                meta: dict[str, Any] = record.model_dump(
                    mode="json", exclude_none=True, exclude={"introduction"}
                )
                registry.copy(record.publisher)
                if record.planned_by:
                    registry.copy(record.planned_by)
                notes.append(f"metadata copied from the curated source {record.id!r}")
                return meta, notes
    source_id = _slug(report.path.stem)
    if not re.fullmatch("[a-z0-9]+(?:-[a-z0-9]+)*", source_id):
        source_id = "report-" + sha[:8]
    intro = analysis.structure.intro
    title = intro[0].text.rstrip("。") if intro and len(intro[0].text) <= 60 else report.path.stem
    issued = None
    for line in [*intro[:3], *analysis.structure.lines[-3:]]:
        m = re.search(r"(\d{4})年(\d{1,2})月(\d{1,2})日", line.text)
        if m:
            try:
                issued = dt.date(int(m[1]), int(m[2]), int(m[3]))
                break
            except ValueError:
                continue
    publisher = registry.named(
        "出版者待定",
        EntityType.ORGANISATION,
        "publisher:unknown",
        "TODO: publisher",
        definition={"en": "TODO: placeholder publisher of a draft source: replace it."},
    )
    meta = {
        "id": source_id,
        "file": f"{source_id}.txt",
        "sha256": sha,
        "title": {"zh": title or source_id, "en": TODO_EN},
        "publisher": publisher,
    }
    if issued is not None:
        meta["issued"] = issued
    meta["language"] = "zh"
    if report.raw_sha256 != sha:
        meta["original_encoding"] = report.encoding
        meta["original_sha256"] = report.raw_sha256
    missing = [name for name in ("issued", "url") if name not in meta]
    notes.append(
        "the publisher is a placeholder"
        + (f" and {' and '.join(missing)} unknown" if missing else "")
        + ": give them in the source's metadata"
    )
    credits = analysis.structure.credits
    if credits is not None:
        meta["credits_quote"] = credits.text
        offices = [it for it in analysis.credits if it.etype is EntityType.REFORM_OFFICE]
        if offices:
            meta["planned_by"] = registry.item(offices[0])
    return meta, notes


def _draft(report: Report, curated: Dataset | None, progress: Progress | None) -> Draft:
    units = dict(lexicon().units)
    if curated is not None:
        curated_units = {
            e.id: e.model_dump(mode="json", exclude_none=True)
            for e in curated.entities.values()
            if e.type is EntityType.UNIT
        }
        taken = {s for u in curated_units.values() for s in u.get("symbols", [])}
        units = {
            **{
                uid: u
                for uid, u in units.items()
                if uid not in curated_units and not set(u["symbols"]) & taken
            },
            **curated_units,
        }
    analysis = analyse(report, units)
    if not analysis.cases:
        raise ExtractError(
            str(report.path),
            None,
            "no case found: a case starts with a title line followed by a line naming the"
            " office (…改革办, …专项小组办公室), a line such as 申报及实施单位:…, or a"
            " ——… subtitle, and then at least one paragraph",
        )
    registry = Registry(curated)
    registry.province = analysis.province
    for _case, _facts_found, ctx in analysis.cases:
        registry.extra.update({p.id: p for p in ctx.extra.values()})
    text = report.text
    meta, notes = _source_meta(analysis, curated, registry)
    source_id = meta["id"]
    writer = _Writer(text, registry, units)
    intro_lines = analysis.structure.intro
    if intro_lines:
        scope = (0, intro_lines[-1].end)
        intro = writer.facts(analysis.intro, scope, "introduction")
        if intro:
            meta["introduction"] = intro
    cases = []
    total = len(analysis.cases)
    for n, (case, facts, _ctx) in enumerate(analysis.cases, start=1):
        if progress is not None:
            progress("extract", n - 1, total)
        case_id = f"{source_id}-case-{case.position:02d}"
        where = f"case {case.position} ({case.title.text})"
        writer.counters = {}
        record: dict[str, Any] = {
            "id": case_id,
            "source": source_id,
            "position": case.position,
            "title": {"zh": case.title.text, "en": TODO_EN},
            "office": _office(case, registry),
            "domains": [_domain(case, registry)],
        }
        places = []
        for item in facts.items:
            if (
                item.kind == "place"
                and item.etype is not EntityType.SITE
                and case.start <= item.start < case.end
            ):
                places.append(writer.mention(item))
        if places:
            record["places"] = _unique(places)
        if facts.start is not None:
            record["start"] = facts.start.as_yaml()
        if len(case.body) > 1:
            record["paragraphs"] = len(case.body)
        # The case's own facts: those outside every measure (the build searches its text
        # with the measures left out); each measure's: those outside its nested measures.
        spans = [(m.start, m.end) for m in case.measures]
        outermost = [span for m, span in zip(case.measures, spans, strict=True) if m.parent is None]
        record.update(writer.facts(facts, (case.start, case.end), where, outermost, searched=False))
        measures = []
        for i, measure in enumerate(case.measures):
            nested = [spans[j] for j, m in enumerate(case.measures) if m.parent == i]
            body = writer.facts(facts, spans[i], f"{where} {measure.marker}", nested)
            measures.append(
                {"marker": measure.marker, "lead": {"zh": measure.lead, "en": TODO_EN}, **body}
            )
        if measures:
            record["measures"] = measures
        cases.append(record)
    if progress is not None:
        progress("extract", total, total)
    notes += writer.notes
    return Draft(meta, text, cases, registry, notes, analysis)


# =========================================================================== checking the draft


_DROPPABLE = {
    "figures",
    "changes",
    "rankings",
    "relations",
    "recognitions",
    "claims",
    "pilots",
    "involves",
    "places",
    "exceptions",
}


def _entity_records(draft: Draft) -> list[dict[str, Any]]:
    copies = [_entity_records_one(e, draft.registry.copies) for e in draft.registry.copies.values()]
    return copies + list(draft.registry.new.values())


def _dataset(draft: Draft, root: Path) -> Dataset:
    source = Source.model_validate(draft.source)
    source_file = SourceFile(
        record=source, text=draft.text, lines=LineMap(f"sources/{source.id}.yaml")
    )
    entities: dict[str, Entity] = {}
    entity_lines: dict[str, tuple[LineMap, tuple[str | int, ...]]] = {}
    for i, record in enumerate(_entity_records(draft)):
        entity = Entity.model_validate(record)
        entities[entity.id] = entity
        entity_lines[entity.id] = (LineMap("entities/drafts.yaml"), (i,))
    cases = [
        CaseFile(record=Case.model_validate(record), lines=LineMap(_case_file(record)))
        for record in draft.cases
    ]
    return Dataset(
        root=root,
        sources={source.id: source_file},
        entities=entities,
        entity_lines=entity_lines,
        cases=cases,
    )


def _case_file(record: dict[str, Any]) -> str:
    return f"cases/{record['position']:02d}-{record['id']}.yaml"


def _path_tokens(path: str) -> list[str | int]:
    return [
        int(index) if index else name for name, index in re.findall(r"([A-Za-z_]+)|\[(\d+)\]", path)
    ]


def _drop(draft: Draft, errors: Sequence[DataError]) -> None:
    """Remove the records the resolver rejects (a bug's symptom, never expected)."""
    removals: dict[int, tuple[list[Any], set[int]]] = {}
    doomed_cases: set[int] = set()
    for error in errors:
        if error.file.startswith("cases/"):
            index = next(
                (i for i, c in enumerate(draft.cases) if _case_file(c) == error.file), None
            )
            if index is None:
                continue
            record: Any = draft.cases[index]
            tokens = _path_tokens(error.path)
        elif error.file.startswith("sources/") and error.path.startswith("introduction"):
            record = draft.source
            tokens = _path_tokens(error.path)
            index = -1
        else:
            raise ExtractError(error.file, error.line, f"internal error in the draft: {error}")
        node = record
        target: tuple[list[Any], int] | None = None
        for n, token in enumerate(tokens):
            if isinstance(token, int) and isinstance(node, list):
                parent_key = tokens[n - 1] if n else None
                if parent_key in _DROPPABLE:
                    target = (node, token)
                if token >= len(node):
                    break
                node = node[token]
            elif isinstance(token, str) and isinstance(node, dict):
                if token not in node:
                    break
                node = node[token]
        if target is not None:
            lst, at = target
            removals.setdefault(id(lst), (lst, set()))[1].add(at)
        elif index >= 0:
            doomed_cases.add(index)
            case = draft.cases[index]
            draft.notes.append(
                f"case {case['position']} ({case['title']['zh']}) is not written: {error.message}"
            )
        else:
            draft.source.pop("introduction", None)
        draft.notes.append(f"dropped after checking: {error}")
    for lst, indices in removals.values():
        for at in sorted(indices, reverse=True):
            if at < len(lst):
                del lst[at]
    for index in sorted(doomed_cases, reverse=True):
        del draft.cases[index]
    _prune(draft)


def _prune(draft: Draft) -> None:
    def clean(record: dict[str, Any]) -> None:
        for key in list(record):
            if key in _DROPPABLE and record[key] == []:
                del record[key]
        for measure in record.get("measures", []):
            clean(measure)

    for case in draft.cases:
        clean(case)
    if "introduction" in draft.source:
        clean(draft.source["introduction"])
        if not draft.source["introduction"]:
            del draft.source["introduction"]


def _numeral_run(text: str, offset: int, scope: tuple[int, int]) -> tuple[int, int]:
    def numeral(ch: str) -> bool:
        return (ch.isascii() and ch.isdigit()) or ch in NUMERAL_CHARACTERS or ch == "."

    start = offset
    while start > scope[0] and numeral(text[start - 1]):
        start -= 1
    end = offset + 1
    while end < scope[1] and numeral(text[end]):
        end += 1
    return start, end


def _cover(draft: Draft, resolved: Resolved) -> int:
    """Add an exception for every numeral and outcome word the draft does not account for."""
    text = draft.text
    scopes: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
    by_id = {c["id"]: c for c in draft.cases}
    for case in resolved.cases:
        scopes[f"case {case.case.id}"] = ((case.span.start, case.span.end), by_id[case.case.id])
    for source_id, intro in resolved.introductions.items():
        record = draft.source.setdefault("introduction", {})
        scopes[f"introduction of {source_id}"] = ((intro.span.start, intro.span.end), record)
    added = 0
    done: set[tuple[str, int, int]] = set()
    for u in _uncovered(resolved):
        scope, record = scopes[u.where]
        if u.character not in TRIGGERS:
            s, e = _numeral_run(text, u.offset, scope)
            reason = (
                f"TODO: review: {text[s:e]!r} was not read as a figure, date or name;"
                " add the fact, or keep this exception and give the reason"
            )
        else:
            s, e = u.offset, u.offset + len(u.character)
            reason = (
                f"TODO: review: {text[s:e]!r} was not read as a recognition, claim or pilot;"
                " add the outcome, or keep this exception and give the reason"
            )
        if (u.where, s, e) in done:
            continue
        done.add((u.where, s, e))
        clause = _clause(text, s, scope[0], scope[1])
        quote = _quote(text, scope, [(s, e)], clause, limit=200)
        if quote is None:
            draft.notes.append(f"{u}: no unique quote for an exception")
            continue
        exception: dict[str, Any] = {"quote": quote}
        if quote != text[s:e]:
            exception["text"] = text[s:e]
        exception["reason"] = reason
        record.setdefault("exceptions", []).append(exception)
        added += 1
    if "introduction" in draft.source and not draft.source["introduction"]:
        del draft.source["introduction"]
    return added


def _uncovered(resolved: Resolved) -> list[Uncovered]:
    """Every numeral and outcome word that nothing in the draft accounts for."""
    labels = numeral_labels(resolved.entities.values())
    out: list[Uncovered] = []
    for case in resolved.cases:
        out += case_numerals(case, labels) + case_triggers(case)
    for source_id, intro in resolved.introductions.items():
        out += introduction_numerals(source_id, intro, labels)
        out += introduction_triggers(source_id, intro)
    return out


def _settle(draft: Draft, root: Path) -> Resolved:
    """Resolve the draft, dropping what the resolver rejects, and cover what is left."""
    for _ in range(6):
        try:
            resolved = resolve(_dataset(draft, root))
        except DataErrors as exc:
            _drop(draft, exc.errors)
            continue
        if _cover(draft, resolved) == 0:
            return resolved
    return resolve(_dataset(draft, root))


# =========================================================================== writing


_BaseDumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc]
    """Plain YAML (libyaml's emitter where there is one): the data folder refuses aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=4096,
        default_flow_style=None,
    )


_HASHED_ID = re.compile(
    r"\b(?:org|platform|instrument|place|concept|indicator|domain|event)-[0-9a-f]{8}\b"
)


def _annotate(yaml_text: str, registry: Registry) -> str:
    """Name the draft ids of each line in a comment, so a reader sees what they are."""
    out = []
    for line in yaml_text.splitlines():
        ids = _HASHED_ID.findall(line)
        names = [registry.new[i]["label"]["zh"] for i in ids if i in registry.new]
        if names and not line.lstrip().startswith("#"):
            line += "  # " + ", ".join(dict.fromkeys(names))
        out.append(line)
    return "\n".join(out) + "\n"


def _case_order(record: dict[str, Any]) -> dict[str, Any]:
    order = [
        "id",
        "source",
        "position",
        "title",
        "office",
        "domains",
        "places",
        "start",
        "paragraphs",
        "involves",
        "figures",
        "changes",
        "rankings",
        "relations",
        "recognitions",
        "claims",
        "pilots",
        "measures",
        "exceptions",
    ]
    return {key: record[key] for key in order if key in record}


def _files(draft: Draft, report: Report, curated: Path | None) -> dict[str, bytes]:
    source = draft.source
    source_id = source["id"]
    out: dict[str, bytes] = {}
    out[f"sources/{source['file']}"] = draft.text.encode("utf-8")
    header = [
        DRAFT_MARKER,
        f"# Draft metadata of {source['file']}, written by reformgraph extract from",
        f"# {report.path.name}: original encoding {report.encoding}, {report.raw_bytes} bytes,",
        f"# original SHA-256 {report.raw_sha256}.",
    ]
    if report.normalised:
        header.append(f"# Layout normalised: {'; '.join(report.normalised)}.")
    header.append(
        "# Check title and publisher, give issued and url if they are known (the build warns"
        " until they are); translate every 'TODO: translate'; then delete the first line."
    )
    out[f"sources/{source_id}.yaml"] = (
        "\n".join(header) + "\n" + _annotate(_dump(source), draft.registry)
    ).encode("utf-8")
    for record in draft.cases:
        lines = [
            DRAFT_MARKER,
            f"# Draft of case {record['position']} of {source_id}, written by reformgraph extract.",
            "# Check every fact against the text, name the indicators, translate every"
            " 'TODO: translate', review every 'TODO: review' exception;"
            " then delete the first line.",
        ]
        body = _annotate(_dump(_case_order(record)), draft.registry)
        out[_case_file(record)] = ("\n".join(lines) + "\n" + body).encode("utf-8")
    registry = draft.registry
    if registry.new:
        lines = [
            DRAFT_MARKER,
            "# New entities found in the report by reformgraph extract (drafts). Check each"
            " type and label,",
            "# merge duplicates, give readable ids, translate every 'TODO: translate'; then"
            " delete the first line.",
        ]
        body = "".join(_dump([entity]) for entity in registry.new.values())
        out["entities/drafts.yaml"] = ("\n".join(lines) + "\n" + body).encode("utf-8")
    if registry.copies:
        lines = [
            "# Copies of curated entities the report refers to, so that this folder builds on"
            " its own.",
            "# Do not edit them here: reformgraph accept replaces them by references.",
        ]
        body = ""
        for entity_id, entity in registry.copies.items():
            where = registry.curated_files.get(entity_id, "curated data")
            body += f"# copy of {entity_id} from {where}\n"
            body += _dump([_entity_records_one(entity, registry.copies)])
        out["entities/copies.yaml"] = ("\n".join(lines) + "\n" + body).encode("utf-8")
    manifest = {
        "tool": "reformgraph extract",
        "report": str(report.path),
        "encoding": report.encoding,
        "raw_sha256": report.raw_sha256,
        "normalised": list(report.normalised),
        "source": source_id,
        "curated": str(curated) if curated is not None else None,
        "cases": [_case_file(r) for r in draft.cases],
        "drafts": sorted(registry.new),
        "copies": {k: registry.curated_files.get(k, "") for k in sorted(registry.copies)},
        "notes": draft.notes,
    }
    out[MANIFEST] = (
        "# How this draft was made; read by reformgraph accept. Not part of the data.\n"
        + _dump(manifest)
    ).encode("utf-8")
    return out


def _entity_records_one(entity: Entity, present: Iterable[str]) -> dict[str, Any]:
    """A curated entity as a record of the draft; look-alikes the draft lacks are left out."""
    record = entity.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    record["type"] = entity.type.value
    kept = [other for other in entity.distinct_from if other in set(present)]
    if kept:
        record["distinct_from"] = kept
    else:
        record.pop("distinct_from", None)
    order = [
        "id",
        "type",
        "code",
        "label",
        "alt_labels",
        "symbols",
        "qudt",
        "definition",
        "broader",
        "part_of",
        "distinct_from",
    ]
    return {key: record[key] for key in order if key in record}


def _check_out_dir(out_dir: Path, curated: Path | None, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExtractError(str(out_dir), None, "the output is a file, not a folder")
    if curated is not None:
        target = out_dir.resolve()
        home = curated.resolve()
        if target == home or home in target.parents or target in home.parents:
            raise ExtractError(
                str(out_dir),
                None,
                f"refusing to write a draft into or around the curated data {curated}",
            )
    if out_dir.is_dir() and any(out_dir.iterdir()) and not overwrite:
        raise ExtractError(
            str(out_dir), None, "the output folder is not empty (give overwrite to replace it)"
        )


def _publish(files_: dict[str, bytes], out_dir: Path) -> list[Path]:
    """Write the files into a new folder beside ``out_dir``, then move it into place."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        for name, data in sorted(files_.items()):
            path = work / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for sub in ("sources", "cases", "entities"):
            (work / sub).mkdir(exist_ok=True)
        umask = os.umask(0)
        os.umask(umask)
        work.chmod(0o777 & ~umask)
        if out_dir.exists():
            if any(out_dir.iterdir()):
                old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old.", dir=out_dir.parent))
                old.rmdir()
                out_dir.rename(old)
                work.rename(out_dir)
                shutil.rmtree(old, ignore_errors=True)
            else:
                out_dir.rmdir()
                work.rename(out_dir)
        else:
            work.rename(out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return [out_dir / name for name in sorted(files_)]


@dataclass(frozen=True)
class ExtractResult:
    """What ``extract`` wrote and found."""

    out_dir: Path
    source_id: str
    encoding: str
    normalised: tuple[str, ...]
    cases: int
    measures: int
    figures: int
    changes: int
    rankings: int
    outcomes: int
    exceptions: int
    new_entities: int
    copied_entities: int
    notes: tuple[str, ...]
    written: tuple[Path, ...]
    report_bytes: int
    seconds: float

    @property
    def bytes_per_second(self) -> float:
        return self.report_bytes / self.seconds if self.seconds > 0 else float("inf")

    def summary(self) -> str:
        return (
            f"{self.cases} case(s), {self.measures} measure(s), {self.figures} figure(s),"
            f" {self.changes} change(s), {self.rankings} ranking(s), {self.outcomes} outcome(s),"
            f" {self.exceptions} exception(s) to review; {self.new_entities} new entities,"
            f" {self.copied_entities} copied; read as {self.encoding}"
        )


def _count(records: Iterable[dict[str, Any]], key: str) -> int:
    total = 0
    for record in records:
        total += len(record.get(key, []))
        total += sum(len(m.get(key, [])) for m in record.get("measures", []))
    return total


def extract(
    report: Path,
    out_dir: Path,
    *,
    curated: Path | None = None,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> ExtractResult:
    """Draft a data folder from ``report`` into ``out_dir``.

    ``curated``: a curated data folder whose entities the draft links to (they are copied
    into the draft and listed as copies); its files are never written. ``progress`` is
    called as ``progress(stage, done, total)``. ``out_dir`` must not exist or be empty,
    unless ``overwrite``; it is written all at once (built beside it, then moved into
    place), and not at all on any error.

    Raises :class:`ExtractError` for a report that cannot be read or holds no case, and
    :class:`DataErrors` for a broken curated folder.
    """
    began = time.perf_counter()
    _check_out_dir(out_dir, curated, overwrite)
    read = read_report(report)
    data = load_data_folder(curated) if curated is not None else None
    draft = _draft(read, data, progress)
    if progress is not None:
        progress("check", 0, 1)
    draft.registry.finish()
    resolved = _settle(draft, out_dir)
    if not draft.cases:
        raise ExtractError(
            str(report),
            None,
            "no case could be written: " + "; ".join(n for n in draft.notes if "case" in n),
        )
    leftover = _uncovered(resolved)
    draft.notes += [f"not covered: {u}" for u in leftover]
    files_ = _files(draft, read, curated)
    if progress is not None:
        progress("check", 1, 1)
    written = _publish(files_, out_dir)
    records = [*draft.cases]
    intro = draft.source.get("introduction", {})
    return ExtractResult(
        out_dir=out_dir,
        source_id=draft.source["id"],
        encoding=read.encoding,
        normalised=read.normalised,
        cases=len(draft.cases),
        measures=sum(len(c.get("measures", [])) for c in draft.cases),
        figures=_count(records, "figures") + len(intro.get("figures", [])),
        changes=_count(records, "changes") + len(intro.get("changes", [])),
        rankings=_count(records, "rankings") + len(intro.get("rankings", [])),
        outcomes=sum(
            _count(records, k) + len(intro.get(k, [])) for k in ("recognitions", "claims", "pilots")
        ),
        exceptions=_count(records, "exceptions") + len(intro.get("exceptions", [])),
        new_entities=len(draft.registry.new),
        copied_entities=len(draft.registry.copies),
        notes=tuple(draft.notes),
        written=tuple(written),
        report_bytes=read.raw_bytes,
        seconds=time.perf_counter() - began,
    )


# =========================================================================== evaluation


@dataclass(frozen=True)
class KindScore:
    """Precision, recall and F1 of one kind of thing found."""

    kind: str
    gold: int
    found: int
    correct: int
    missed: tuple[str, ...] = ()
    spurious: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation:
    """How a draft of a curated source compares with its curated cases."""

    report: Path
    scores: dict[str, KindScore]
    seconds: float
    report_bytes: int

    def table(self) -> str:
        rows = [
            f"{'kind':<14}{'gold':>6}{'found':>7}{'correct':>9}{'precision':>11}"
            f"{'recall':>8}{'F1':>7}{'target':>8}"
        ]
        for kind in KINDS:
            s = self.scores[kind]
            target = TARGETS.get(kind)
            rows.append(
                f"{kind:<14}{s.gold:>6}{s.found:>7}{s.correct:>9}{s.precision:>11.3f}"
                f"{s.recall:>8.3f}{s.f1:>7.3f}{(f'{target:.2f}' if target else '-'):>8}"
            )
        return "\n".join(rows)

    def failures(self) -> list[str]:
        """The kinds below their target."""
        return [
            f"{kind}: F1 {self.scores[kind].f1:.3f} < {target}"
            for kind, target in TARGETS.items()
            if self.scores[kind].f1 + 1e-9 < target
        ]

    def meets_targets(self) -> bool:
        return not self.failures()


_INVOLVEMENT_KEYS = frozenset(
    {
        "places",
        "involves",
        "lead",
        "partners",
        "assistant",
        "assisted",
        "assigned_by",
        "assigned_to",
        "member",
        "parent",
        "by",
    }
)
_REF_KEYS = frozenset({"office", "scope", "subject", "via", "programme"})


def _refs(value: Any) -> Iterator[tuple[str, str | None]]:
    """Every entity a record refers to, with the words given for it (or None)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _INVOLVEMENT_KEYS:
                for ref in item if isinstance(item, list) else [item]:
                    if isinstance(ref, dict) and "id" in ref and not ref.get("implied"):
                        yield ref["id"], ref.get("mention")
            elif key in _REF_KEYS:
                if isinstance(item, str):
                    yield item, None
                elif isinstance(item, dict) and "id" in item:
                    yield item["id"], item.get("mention")
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _named_kind(entity_type: EntityType) -> str | None:
    group = entity_type.group
    return {
        "org": "organisations",
        "platform": "platforms",
        "instrument": "instruments",
        "place": "places",
    }.get(group)


def _surfaces(record: Any, text: str, entities: Mapping[str, Entity]) -> dict[str, set[str]]:
    """The Chinese words by which a case (or introduction) names things, by kind.

    For every entity the record refers to (involvement lists, relation participants,
    ``by``, ``assigned_by``/``assigned_to``, ``office``, ``scope``, ``subject``, ``via``,
    ``programme``; implied participants excepted): its ``mention`` where one is given,
    else each of its Chinese labels (preferred and alternative) that occurs in the text.
    """
    out: dict[str, set[str]] = {
        k: set() for k in ("organisations", "platforms", "instruments", "places")
    }
    dump = record.model_dump(mode="json", exclude_none=True)
    for entity_id, mention in _refs(dump):
        entity = entities.get(entity_id)
        if entity is None:
            continue
        kind = _named_kind(entity.type)
        if kind is None:
            continue
        if mention is not None:
            out[kind].add(mention)
        else:
            out[kind].update(label for label in entity.zh_labels if label in text)
    return out


def _model_at(model: Any, path: Sequence[str | int]) -> Any:
    node = model
    for part in path:
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


def _numbers(resolved_case: Any, model: Any) -> tuple[set[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(figures, rankings) of a resolved case or introduction, keyed by their place in the
    text. The rankings are a list: one phrase may state two (均位列全国第二)."""
    figures: set[tuple[Any, ...]] = set()
    rankings: list[tuple[Any, ...]] = []
    for path, located in resolved_case.located.items():
        if len(path) < 2 or not isinstance(path[-1], int):
            continue
        family = path[-2]
        fact = _model_at(model, path)
        if family == "figures" and located.text is not None:
            figures.add(
                (
                    located.text.start,
                    located.text.end,
                    fact.text,
                    fact.value.normalize(),
                    fact.unit,
                    fact.qualifier.value,
                )
            )
        elif family == "changes":
            for role, quantity in fact.parts():
                span = located.parts.get(role)
                if span is not None:
                    figures.add(
                        (
                            span.start,
                            span.end,
                            quantity.text,
                            quantity.value.normalize(),
                            quantity.unit,
                            quantity.qualifier.value,
                        )
                    )
        elif family == "rankings" and located.text is not None:
            rankings.append(
                (located.text.start, located.text.end, fact.text, fact.rank, fact.scope)
            )
    return figures, rankings


def _numbered(keys: Iterable[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    """Each key with its occurrence number: two facts with the same key (two rankings one
    phrase states) count as two, and a draft that finds one of them misses the other."""
    seen: Counter[tuple[Any, ...]] = Counter()
    out = set()
    for key in keys:
        out.add((*key, seen[key]))
        seen[key] += 1
    return out


def _outcomes_of(
    located: dict[tuple[str | int, ...], Any], model: Any, entities: Mapping[str, Entity]
) -> dict[str, list[tuple[Any, ...]]]:
    """The recognitions, claims and pilots of a resolved case or introduction, each as
    (start, end, attributes, words): where its words are in the source, and what the
    evaluation requires to be right (level and form; kind and the scope's Chinese labels;
    stage)."""
    out: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in OUTCOME_KINDS}
    for path, where in located.items():
        if len(path) < 2 or path[-2] not in OUTCOME_KINDS or where.text is None:
            continue
        item = _model_at(model, path)
        if isinstance(item, Recognition):
            attributes: tuple[Any, ...] = (item.level.value, item.form.value)
        elif isinstance(item, Claim):
            scope = entities.get(item.scope)
            labels = frozenset(scope.zh_labels if scope is not None else [item.scope])
            attributes = (item.kind.value, labels)
        else:
            attributes = (item.stage.value,)
        family = str(path[-2])
        out[family].append((where.text.start, where.text.end, attributes, where.text.text))
    return out


def _same(found: tuple[Any, ...], gold: tuple[Any, ...]) -> bool:
    """Whether two outcomes' attributes agree: equal values, and places (sets of Chinese
    labels: the curated 湖北 is the gazetteer's 湖北省) that share a label."""
    return len(found) == len(gold) and all(
        bool(a & b) if isinstance(a, frozenset) and isinstance(b, frozenset) else a == b
        for a, b in zip(found, gold, strict=True)
    )


def _show_attributes(attributes: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("/".join(sorted(a)) if isinstance(a, frozenset) else str(a) for a in attributes)


def _score_overlapping(
    kind: str, gold: list[tuple[Any, ...]], found: list[tuple[Any, ...]]
) -> KindScore:
    """Score outcomes: (unit, start, end, attributes, words) each; a found one is correct
    when it is paired, one to one, with a curated one of the same case (or introduction)
    whose words overlap its own in the source and whose attributes are the same."""
    taken: set[int] = set()
    correct = 0
    missed = []
    for g_unit, g_start, g_end, g_attributes, g_words in sorted(gold, key=lambda g: g[1]):
        match = next(
            (
                n
                for n, (unit, start, end, attributes, _) in enumerate(found)
                if n not in taken
                and unit == g_unit
                and _same(attributes, g_attributes)
                and start < g_end
                and g_start < end
            ),
            None,
        )
        if match is None:
            missed.append(_show((g_unit, g_words, *_show_attributes(g_attributes))))
        else:
            taken.add(match)
            correct += 1
    spurious = [
        _show((unit, words, *_show_attributes(attributes)))
        for n, (unit, _, _, attributes, words) in enumerate(found)
        if n not in taken
    ]
    return KindScore(
        kind=kind,
        gold=len(gold),
        found=len(found),
        correct=correct,
        missed=tuple(sorted(missed)),
        spurious=tuple(sorted(spurious)),
    )


def _score(kind: str, gold: set[Any], found: set[Any]) -> KindScore:
    return KindScore(
        kind=kind,
        gold=len(gold),
        found=len(found),
        correct=len(gold & found),
        missed=tuple(sorted(map(_show, gold - found))),
        spurious=tuple(sorted(map(_show, found - gold))),
    )


def _show(key: Any) -> str:
    if isinstance(key, tuple):
        return " | ".join(str(k) for k in key)
    return str(key)


def _units(resolved: Resolved) -> dict[str, dict[str, Any]]:
    """Per title (and "" for the introduction): what the evaluation compares."""
    out: dict[str, dict[str, Any]] = {}
    entities = resolved.entities
    for case in resolved.cases:
        figures, rankings = _numbers(case, case.case)
        scope_label = {
            r: (r[0], r[1], r[2], r[3], entities[r[4]].label.zh if r[4] in entities else r[4])
            for r in rankings
        }
        out[case.case.title.zh] = {
            "measures": {(case.case.title.zh, m.marker, m.lead.zh) for m in case.case.measures},
            "figures": {f[:2] + f[3:] for f in figures},
            "rankings": _numbered(scope_label[r][:2] + scope_label[r][3:] for r in rankings),
            **_surfaces(case.case, case.span.text, entities),
            **_outcomes_of(case.located, case.case, entities),
        }
    for intro in resolved.introductions.values():
        record = intro.source.record.introduction
        if record is None:
            continue
        figures, rankings = _numbers(intro, intro.source.record)
        out[""] = {
            "measures": set(),
            "figures": {f[:2] + f[3:] for f in figures},
            "rankings": _numbered((r[0], r[1], r[3], entities[r[4]].label.zh) for r in rankings),
            **_surfaces(record, intro.span.text, entities),
            **_outcomes_of(intro.located, intro.source.record, entities),
        }
    return out


def evaluate(report: Path, curated: Path, *, progress: Progress | None = None) -> Evaluation:
    """Draft ``report`` with no curated entities (only the gazetteer) and compare the draft
    with the curated cases of the same source in ``curated``.

    Per kind, precision = correct / found, recall = correct / gold, F1 their harmonic mean:

    - cases: the title lines;
    - measures: (case title, marker, lead clause in Chinese);
    - figures: every stated quantity (figures, and the baselines, results and differences
      of changes), matched by the character offsets of its words in the source and by its
      value, unit and qualifier, which must all be right;
    - rankings: offsets of the words, rank, and the Chinese label of the scope;
    - organisations, platforms, instruments, places: for each case (and the introduction)
      the set of Chinese words by which it names things of that kind: for each entity
      the case refers to, its ``mention`` if one is given, else each of its labels found
      in the case's text (see :func:`_surfaces`). Two words match when they are equal.
    - recognitions, claims, pilots: the qualitative outcomes of each case (and the
      introduction), paired one to one: a found outcome is correct when a curated one of
      the same case has words (its ``text``, else its quote) that overlap its own in the
      source — where a curator ends the words (with or without the subject, 武汉市承接…)
      is a matter of style, what they say is not — and the same attributes: level and
      form for a recognition; kind and the Chinese label of the scope for a claim; stage
      for a pilot.

    Raises :class:`ExtractError` when ``curated`` holds no source with the report's text.
    """
    began = time.perf_counter()
    read = read_report(report)
    gold_data = load_data_folder(curated)
    gold = resolve(gold_data)
    matching = [s for s in gold_data.sources.values() if s.text == read.text]
    if not matching:
        raise ExtractError(
            str(report), None, f"no source in {curated} has this report's text: nothing to compare"
        )
    source_id = matching[0].record.id
    with tempfile.TemporaryDirectory(prefix="reformgraph-evaluate-") as work:
        out = Path(work) / "draft"
        result = extract(report, out, progress=progress)
        draft = resolve(load_data_folder(out))
    gold_cases = [c for c in gold.cases if c.case.source == source_id]
    gold_units = _units(
        Resolved(
            dataset=gold.dataset,
            cases=gold_cases,
            introductions={k: v for k, v in gold.introductions.items() if k == source_id},
            warnings=[],
        )
    )
    found_units = _units(draft)
    scores = {
        "cases": _score(
            "cases", {c.case.title.zh for c in gold_cases}, {c.case.title.zh for c in draft.cases}
        )
    }
    for kind in OUTCOME_KINDS:
        scores[kind] = _score_overlapping(
            kind,
            [(title, *x) for title, unit in gold_units.items() for x in unit[kind]],
            [(title, *x) for title, unit in found_units.items() for x in unit[kind]],
        )
    for kind in KINDS[1:]:
        if kind in OUTCOME_KINDS:
            continue
        gold_set: set[Any] = set()
        found_set: set[Any] = set()
        for title, unit in gold_units.items():
            gold_set |= {(title, x) if kind in _NAMED else x for x in unit[kind]}
        for title, unit in found_units.items():
            found_set |= {(title, x) if kind in _NAMED else x for x in unit[kind]}
        scores[kind] = _score(kind, gold_set, found_set)
    return Evaluation(
        report=report,
        scores=scores,
        seconds=time.perf_counter() - began,
        report_bytes=result.report_bytes,
    )


_NAMED = frozenset({"organisations", "platforms", "instruments", "places"})


# =========================================================================== accepting


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
    return sorted(
        p
        for sub in ("sources", "cases", "entities")
        for p in (draft_dir / sub).glob("*.y*ml")
        if p.is_file()
    )


#: The first comment lines of a draft file that speak to its reviewer, left out on accept.
_INSTRUCTIONS = ("# Draft of case ", "# Check every fact", "# Check title and publisher")


def _without_instructions(data: bytes) -> bytes:
    """A reviewed draft file without the reviewer's instructions at its top."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    start = 0
    while start < len(lines) and lines[start].startswith("#"):
        start += 1
    head = [line for line in lines[:start] if not line.startswith(_INSTRUCTIONS)]
    return "".join(head + lines[start:]).encode("utf-8")


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


def accept(draft_dir: Path, data_dir: Path, *, allow_todo: bool = False) -> AcceptResult:
    """Merge a reviewed draft folder into the data folder ``data_dir``.

    Registers the draft's source (its text and metadata), adds its cases and its new
    entities (appended to the entity file of their kind), and replaces the copies of
    curated entities by references to them. Refuses, with every problem listed and
    ``data_dir`` untouched: a folder that ``extract`` did not make; files still marked
    unreviewed (their ``# reformgraph-draft: unreviewed`` line); ``TODO`` placeholders
    left (unless ``allow_todo``); ids that collide with different things in ``data_dir``;
    a copy that no longer matches the curated entity; and anything that would make the
    merged folder fail to resolve or leave numerals or outcome words uncovered.

    A source whose publication date (``issued``) or ``url`` is unknown (a news item
    seen in print) is accepted, as the data schema allows: the result's ``notes`` say
    so, and every build reports it as a SHACL warning until it is given.
    """
    if not (draft_dir / MANIFEST).is_file():
        raise ExtractError(
            str(draft_dir), None, f"not a draft folder made by reformgraph extract (no {MANIFEST})"
        )
    manifest = yaml.safe_load((draft_dir / MANIFEST).read_text(encoding="utf-8")) or {}
    copies: dict[str, str] = dict(manifest.get("copies") or {})
    problems: list[DataError] = []
    for path in _draft_yaml_files(draft_dir):
        display = shown(path, draft_dir)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
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
                problems.append(
                    DataError(display, number, "", "a TODO placeholder is left: fill it in")
                )
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
        raise _errors(problems) from None
    resolve(draft)
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
    if problems:
        raise _errors(problems)

    # Stage the merged folder beside nothing the user owns, check it, then write.
    files_: dict[str, bytes] = {}
    if source_added:
        files_[f"sources/{record.file}"] = (draft_dir / "sources" / record.file).read_bytes()
        files_[f"sources/{record.id}.yaml"] = _without_instructions(
            (draft_dir / "sources" / f"{record.id}.yaml").read_bytes()
        )
    case_names = []
    for case in draft.cases:
        name = Path(case.lines.file).name
        target = f"cases/{name}"
        if (data_dir / target).exists():
            problems.append(case.lines.error((), f"{target} already exists in {data_dir}"))
        files_[target] = _without_instructions((draft_dir / "cases" / name).read_bytes())
        case_names.append(case.record.id)
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
    if problems:
        raise _errors(problems)
    # The staged copy's files, as messages name them: a case or source file by the draft's
    # file (it is not in the data folder yet), any other by the data folder's, both as the
    # user gave the folders.
    from_draft = {
        name: shown(draft_dir / name, draft_dir)
        for name in files_
        if name.startswith(("cases/", "sources/"))
    }

    def named(file: str, staged: Path) -> str:
        prefix = f"{staged.name}/"
        if not file.startswith(prefix):
            return file
        rest = file[len(prefix) :]
        return from_draft.get(rest) or shown(data_dir / rest, data_dir)

    with tempfile.TemporaryDirectory(prefix="reformgraph-accept-") as work:
        staged = Path(work) / data_dir.name
        shutil.copytree(data_dir, staged)
        for name, blob in files_.items():
            path = staged / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(blob)
        try:
            merged = resolve(load_data_folder(staged))
        except DataErrors as exc:
            raise _errors(
                [DataError(named(e.file, staged), e.line, e.path, e.message) for e in exc.errors]
            ) from None
        uncovered = [replace(u, file=named(u.file, staged)) for u in _uncovered(merged)]
        if uncovered:
            raise _errors([DataError(u.file, None, "", str(u)) for u in uncovered])
    from reformgraph.io import atomic_write_bytes

    written = []
    for name in sorted(files_, key=lambda n: (not n.startswith("sources/"), n)):
        atomic_write_bytes(data_dir / name, files_[name])
        written.append(data_dir / name)
    return AcceptResult(
        source_id=record.id,
        source_added=source_added,
        cases=tuple(case_names),
        entities_added=tuple(e.id for e in added),
        references=tuple(sorted(references)),
        written=tuple(written),
        notes=notes,
    )

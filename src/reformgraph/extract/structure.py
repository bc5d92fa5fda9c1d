"""A report's structure: introduction, cases (title, office line) and numbered measures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reformgraph.extract.lexicon import lexicon
from reformgraph.models import CHINESE_MARKERS
from reformgraph.resolve import Span, measure_markers


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


def is_title(line: str) -> bool:
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
        if is_title(lines[i].text) and _office_kind(lines[i + 1].text) is not None
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

"""The number-coverage rule: every numeral of a case's text is accounted for.

Every ASCII digit and every one of 零一二两三四五六七八九十百千万亿双 in a case's text (and a
source's introduction) must lie inside a figure's, change's or ranking's text, a date's
text, the case's start, a measure marker, an occurrence of an entity's label, or an
exception that quotes its span with a reason. What is left over is a number the data
has missed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reformgraph.models import Entity
from reformgraph.numerals import numeral_positions
from reformgraph.resolve import Located, Resolved, ResolvedCase, ResolvedIntroduction, Span

__all__ = [
    "TRIGGERS",
    "Uncovered",
    "case_numerals",
    "case_triggers",
    "introduction_numerals",
    "introduction_triggers",
    "numeral_labels",
    "uncovered_numerals",
    "uncovered_triggers",
]


@dataclass(frozen=True)
class Uncovered:
    """A number (its run of numerals, such as 10余万) or an outcome word (率先 …) that
    nothing in the data accounts for; ``character`` holds its text."""

    file: str
    where: str
    offset: int
    character: str
    context: str

    def __str__(self) -> str:
        numeral = self.character not in TRIGGERS
        covers = "a figure, an entity label" if numeral else "a recognition, claim, pilot"
        return (
            f"{self.file}: {self.where}: {self.character!r} at offset {self.offset} is not covered"
            f" by {covers} or an exception: …{self.context}…"
        )


def numeral_labels(entities: Iterable[Entity]) -> list[str]:
    """The Chinese labels that hold a numeral: the only labels that can cover one.

    Work it out once per build and pass it on: it saves scanning every label per case.
    """
    return sorted(
        {label for entity in entities for label in entity.zh_labels if numeral_positions(label)}
    )


def _label_spans(
    text: str, start: int, labels: Iterable[Entity] | Sequence[str]
) -> list[tuple[int, int]]:
    words = [x for x in labels if isinstance(x, str)] or numeral_labels(
        x for x in labels if not isinstance(x, str)
    )
    spans = []
    for label in words:
        begin = text.find(label)
        while begin != -1:
            spans.append((start + begin, start + begin + len(label)))
            begin = text.find(label, begin + 1)
    return spans


def _located_spans(located: Iterable[Located]) -> list[tuple[int, int]]:
    spans = []
    for item in located:
        for span in (item.text, item.date, item.compared, *item.parts.values()):
            if span is not None:
                spans.append((span.start, span.end))
    return spans


def _uncovered(
    file: str, where: str, scope: Span, covered: list[tuple[int, int]], source_text: str
) -> list[Uncovered]:
    marks = bytearray(scope.end - scope.start)
    for begin, end in covered:
        for pos in range(max(begin, scope.start), min(end, scope.end)):
            marks[pos - scope.start] = 1
    # One report per written number: the uncovered numerals of 10余万 or 3.5 are one run.
    runs: list[list[int]] = []
    for pos in numeral_positions(scope.text):
        if marks[pos]:
            continue
        if runs and all(ch in _JOINERS for ch in scope.text[runs[-1][1] : pos]):
            runs[-1][1] = pos + 1
        else:
            runs.append([pos, pos + 1])
    out = []
    for begin, end in runs:
        offset = scope.start + begin
        context = source_text[max(0, offset - 8) : scope.start + end + 8].replace("\n", " ")
        out.append(Uncovered(file, where, offset, scope.text[begin:end], context))
    return out


#: What may stand between the numerals of one written number (10余万, 3.5, 1,000, 三点五).
_JOINERS = frozenset("余多几.,点")


def case_numerals(
    case: ResolvedCase, entities: Iterable[Entity] | Sequence[str]
) -> list[Uncovered]:
    """The numerals of one case's text that the data does not cover.

    ``entities``: every entity, or the result of :func:`numeral_labels` for them.
    """
    covered = _located_spans(case.located.values())
    covered += [(s.start, s.end) for s in case.exceptions]
    covered += [(m.marker.start, m.marker.end) for m in case.measures]
    if case.start is not None:
        covered.append((case.start.start, case.start.end))
    covered += _label_spans(case.span.text, case.span.start, entities)
    return _uncovered(case.lines.file, f"case {case.case.id}", case.span, covered, case.source.text)


def introduction_numerals(
    source_id: str, intro: ResolvedIntroduction, entities: Iterable[Entity] | Sequence[str]
) -> list[Uncovered]:
    """The numerals of a source's introduction that the data does not cover."""
    covered = _located_spans(intro.located.values())
    covered += [(s.start, s.end) for s in intro.exceptions]
    covered += _label_spans(intro.span.text, intro.span.start, entities)
    return _uncovered(
        intro.source.lines.file,
        f"introduction of {source_id}",
        intro.span,
        covered,
        intro.source.text,
    )


def uncovered_numerals(resolved: Resolved) -> list[Uncovered]:
    """Every numeral in the cases' texts and the introductions that the data does not cover."""
    entities = list(resolved.entities.values())
    out: list[Uncovered] = []
    for case in resolved.cases:
        out += case_numerals(case, entities)
    for source_id, intro in resolved.introductions.items():
        out += introduction_numerals(source_id, intro, entities)
    return out


#: Words that announce a qualitative outcome: a recognition, an innovation claim, a pilot.
TRIGGERS = (
    "率先",
    "首",
    "唯一",
    "第一",
    "最大",
    "历史新高",  # not 新高 alone: 新高地 (a new highland), 创新高地 (a highland of innovation)
    "典型经验",
    "典型案例",
    "经验交流",
    "吸收",
    "试点",
    "推广",
    "铺开",
    "表扬",
    "肯定",
    "全国领先",
    "创新举措",
)

_OUTCOMES = ("recognitions", "claims", "pilots")


def _outcome_spans(located: dict[tuple[str | int, ...], Located]) -> list[tuple[int, int]]:
    return [
        (item.text.start, item.text.end)
        for path, item in located.items()
        if item.text is not None
        and any(part in _OUTCOMES for part in path if isinstance(part, str))
    ]


def _uncovered_words(
    file: str, where: str, scope: Span, covered: list[tuple[int, int]], source_text: str
) -> list[Uncovered]:
    out = []
    for word in TRIGGERS:
        start = scope.text.find(word)
        while start != -1:
            begin, end = scope.start + start, scope.start + start + len(word)
            if not any(b <= begin and end <= e for b, e in covered):
                context = source_text[max(0, begin - 8) : end + 8].replace("\n", " ")
                out.append(Uncovered(file, where, begin, word, context))
            start = scope.text.find(word, start + 1)
    return sorted(out, key=lambda u: u.offset)


def case_triggers(case: ResolvedCase) -> list[Uncovered]:
    """Outcome words of one case's text that no recognition, claim, pilot or exception covers."""
    covered = _outcome_spans(case.located) + [(s.start, s.end) for s in case.exceptions]
    return _uncovered_words(
        case.lines.file, f"case {case.case.id}", case.span, covered, case.source.text
    )


def introduction_triggers(source_id: str, intro: ResolvedIntroduction) -> list[Uncovered]:
    covered = _outcome_spans(intro.located) + [(s.start, s.end) for s in intro.exceptions]
    return _uncovered_words(
        intro.source.lines.file,
        f"introduction of {source_id}",
        intro.span,
        covered,
        intro.source.text,
    )


def uncovered_triggers(resolved: Resolved) -> list[Uncovered]:
    """Every trigger word (率先, 首, 典型经验, 试点 …) that no recognition, claim or pilot
    covers, nor an exception with its reason."""
    out: list[Uncovered] = []
    for case in resolved.cases:
        out += case_triggers(case)
    for source_id, intro in resolved.introductions.items():
        out += introduction_triggers(source_id, intro)
    return out

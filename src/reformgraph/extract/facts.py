"""What a stretch of text states: dates, quantities, figures, changes and rankings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from reformgraph.extract.lexicon import _CJK, _CLAUSE_BREAK, _SENTENCE_BREAK, Place, lexicon
from reformgraph.extract.report import TODO_EN
from reformgraph.models import EntityType, Qualifier
from reformgraph.numerals import (
    DECREASE_VERBS,
    HALF_NOT_BEFORE,
    HALF_UNIT_WORDS,
    INCREASE_VERBS,
    MORE_THAN_UNIT_WORDS,
    NOT_QUALIFIERS,
    NUMERAL_CHARACTERS,
    QUALIFIER_PREFIXES,
    SCALED_UNIT_WORDS,
    VAGUE_BEFORE_CHINESE,
    QuantityParseError,
    date_phrases,
    date_text_en,
    parse_quantity,
    parse_rank,
)


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
        if date_text_en(self.text) is None:  # the build gives the English of the others
            out["en"] = TODO_EN
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
    #: The roles the sentence leaves unsaid (会同相关主管部门…: the lead), empty in
    #: ``roles``: the case's subject holds them.
    implied: tuple[str, ...] = ()


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
    #: The units that are a fixed multiple of another: (that one, how many of it).
    conversions: dict[str, tuple[str, Decimal]] = field(default_factory=dict)

    def in_base(self, q: Qty) -> tuple[str, Decimal]:
        """The base unit of a quantity's unit, and its value in that unit."""
        base, factor = self.conversions.get(q.unit, (q.unit, Decimal(1)))
        return base, q.value * factor


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


def _dates(text: str, lo: int, hi: int) -> list[DateFound]:
    """The date phrases in ``text[lo:hi]``, read by :func:`reformgraph.numerals.date_phrases`
    (a phrase with no date keeps only its text)."""
    out = []
    for phrase in date_phrases(text, lo, hi):
        found = DateFound(phrase.start, phrase.end, phrase.text)
        if phrase.date is not None:
            found.as_of = phrase.date.as_of
            found.year = phrase.date.year
            found.since = phrase.date.since
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

#: The qualifying words a number may follow, longest first (不超过 before 超过).
_PREFIXES = "|".join(map(re.escape, QUALIFIER_PREFIXES))
_SKIP_BEFORE_CHINESE = set("第统唯同专单初之归逐任某合每万亿" + VAGUE_BEFORE_CHINESE)
_VAGUE_ONE = {"个", "次", "批", "级", "体", "起", "项", "种", "名", "位", "人", "家", "件"}


#: Zero as a result, with no unit word: 事故发生数为零, 由3起降至零 (a count of nothing).
_BARE_ZERO = re.compile("(?<=[为至到])零(?=[\uff0c,。;\uff1b、!\uff01?\uff1f\n]|$)")
#: A number in 万 or 亿 with no unit word, that ends its clause or opens a change (see
#: :data:`_PAIR_OPEN`): a count written without a measure word (注册用户达到4500万,
#: 从3000万增长到4500万), as Chinese often writes a large one.
_BARE_MAGNITUDE = re.compile(
    rf"(?P<prefix>{_PREFIXES})?(?P<number>\d+(?:\.\d+)?)(?:万亿|亿|万)(?:以上|左右|以内|以下)?"
    "(?P<end>(?=[\uff0c,。;\uff1b、!\uff01?\uff1f\n]|$))?"
)

#: Words of money in a clause: a bare number in 万 or 亿 after them is an amount of money
#: with its currency left out (GDP达到1.2万亿, 营业收入超过500亿), not a count, so it is
#: left to the reviewer, who knows the currency.
_MONEY_WORDS = re.compile(
    "GDP|生产总值|增加值|产值|收入|营收|利润|利税|税收|财政|预算|资金|资产|资本|投资|融资"
    "|贷款|存款|债|金额|[总交易成销售贸营出进口]额|费"
)
#: What ends a clause, before a number: the money words that count are its own clause's.
_CLAUSE_END = re.compile("[\uff0c,。;\uff1b!\uff01?\uff1f\n]")

#: 千亿级, 百万级: a number's order of magnitude as a class, not a count of anything.
_SIZE_CLASS = re.compile(r"[万亿]级")


@cache
def _quantity_re(symbols: tuple[str, ...]) -> re.Pattern[str]:
    units = "|".join(
        # 3天半 is three and a half days; 3天半数以上 is not (半数: half of them)
        re.escape(s) + (f"(?![{HALF_NOT_BEFORE}])" if s.endswith("半") else "")
        for s in sorted(symbols, key=len, reverse=True)
    )
    return re.compile(
        rf"(?P<prefix>{_PREFIXES})?"
        r"(?P<number>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
        r"(?P<infix>[多余])?(?P<magnitude>万亿|亿|万)?(?P<after>[多余])?"
        rf"(?P<unit>{units})"
        r"(?P<suffix>以上|左右|以内|以下)?"
    )


#: A threshold read attributively, 10万元以上的(村): it defines what is counted, and states
#: no fact. A proportion so read (80%以上的企业) states how many there are, and stays.
_THRESHOLD_END = re.compile("(?:以上|以下|以内)$")
_PROPORTION = re.compile("[%\uff05\u2030]|百分点|成")


def is_threshold(text: str, start: int, end: int) -> bool:
    """Whether the quantity ``text[start:end]`` is a threshold that defines a class of
    things (经营收入10万元以上的村占比), not a figure of its own."""
    words = text[start:end]
    return (
        text[end : end + 1] == "的"
        and _THRESHOLD_END.search(words) is not None
        and _PROPORTION.search(words) is None
    )


def threshold_after(text: str, start: int, hi: int) -> tuple[int, int] | None:
    """The threshold (see ``is_threshold``) whose number starts at ``start``, if any."""
    m = re.compile("[^\uff0c,。;\uff1b、的]{0,6}?(?:以上|以下|以内)(?=的)").match(text, start, hi)
    if m is None or not is_threshold(text, start, m.end()):
        return None
    return start, m.end()


#: Words that point back, before a numeral and its measure word (这两个综合监督载体, 上述三项
#:改革): the number counts what the sentence has just named, and states no figure.
BACK_REFERENCES = ("上述", "这", "那", "此")


def back_reference(text: str, start: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The words 这两个 (a back reference, its numeral and its measure word) whose numeral
    starts at ``start``, within ``lo``..``hi``, if a back reference stands before it."""
    word = next((w for w in BACK_REFERENCES if text[max(lo, start - len(w)) : start] == w), None)
    if word is None:
        return None
    end = start
    while end < hi and (text[end].isdigit() or text[end] in NUMERAL_CHARACTERS):
        end += 1
    if end == start:
        return None
    if end < hi and re.match(f"[{_CJK}]", text[end]):
        end += 1  # its measure word (个, 项, 家)
    return start - len(word), end


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
    # 1个多月, 2个多小时: more than a month, two hours (not a count of 1个); read where the
    # unit word without 多 (个月, 个小时) is known.
    more = (w for w, base in MORE_THAN_UNIT_WORDS.items() if base in ctx.symbols)
    # 1个半月: a month and a half (not a count of 1个 either).
    half = (w for w, base in HALF_UNIT_WORDS.items() if base in ctx.symbols)
    pattern = _quantity_re((*ctx.symbols, *scaled, *more, *half))
    pos = lo
    while True:
        m = pattern.search(text, pos, hi)
        if m is None:
            break
        pos = m.start() + 1
        number_start = m.start("number")
        if m["prefix"] and text[max(lo, m.start() - 2) : number_start].endswith(NOT_QUALIFIERS):
            pos = number_start  # 赶超3家 (overtook 3), 历史最低3.1%: the number, unqualified
            continue
        before = text[m.start() - 1] if m.start() > lo else ""
        number = m["number"]
        chinese = not number[0].isdigit()
        if before and (
            before.isdigit() or before in ".\uff0e" or (before.isascii() and before.isalpha())
        ):
            continue
        if not m["prefix"] and back_reference(text, number_start, lo, hi) is not None:
            pos = m.end("number")  # 这两个: it counts a list just named (an exception)
            continue
        if chinese:
            if not m["prefix"] and before in _SKIP_BEFORE_CHINESE:
                pos = m.end("number")  # not 十 of 数十 read again from 十
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
            if chinese:
                pos = m.end("number")  # 二三十 (twenty or thirty): not 三十 of it either
            continue
        unit = ctx.symbols.get(parsed.unit_symbol)
        if unit is None:
            continue
        if unit == ctx.count_unit and (
            _SIZE_CLASS.search(m[0]) or parsed.value != parsed.value.to_integral_value()
        ):
            # 千亿级 is a size class, and 每万人4.5件 a rate: neither counts things. The
            # numeral is left to the reviewer as an exception.
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
        out += _bare_magnitudes(text, lo, hi, ctx.count_unit, protected, out)
        out.sort(key=lambda q: q.start)
    return out


def _bare_magnitudes(
    text: str,
    lo: int,
    hi: int,
    count_unit: str,
    protected: Sequence[tuple[int, int]],
    found: Sequence[Qty],
) -> list[Qty]:
    """The counts written in 万 or 亿 with no measure word (see :data:`_BARE_MAGNITUDE`):
    注册用户达到4500万, is 45000000, unit ``count``; 超过4500万, more than that; the
    baseline of 从3000万增长到4500万. A number whose words another quantity took, that
    runs on from a digit, or that other words follow in its clause, is left."""
    out = []
    taken = [(q.start, q.end) for q in found]
    for m in _BARE_MAGNITUDE.finditer(text, lo, hi):
        start = m.start()
        if m["end"] is None and (
            m["prefix"] or _PAIR_OPEN.search(text, max(lo, start - 12), start) is None
        ):
            continue  # 服务4500万群众: a number in the words of a name
        if m["prefix"] and text[max(lo, start - 2) : m.start("number")].endswith(NOT_QUALIFIERS):
            start = m.start("number")  # 赶超4500万: the number, unqualified
        before = text[start - 1] if start > lo else ""
        if before and (
            before.isdigit() or before in ".\uff0e" or (before.isascii() and before.isalpha())
        ):
            continue
        if _overlaps(start, m.end(), protected) or _overlaps(start, m.end(), taken):
            continue
        clause = text[lo:start]
        ends = [e.end() for e in _CLAUSE_END.finditer(clause)]
        if _MONEY_WORDS.search(clause, ends[-1] if ends else 0):
            continue  # GDP达到1.2万亿: money, its currency unsaid
        try:
            parsed = parse_quantity(text[start : m.end()], ())
        except QuantityParseError:
            continue
        if parsed.unit_symbol or parsed.value != parsed.value.to_integral_value():
            continue
        out.append(
            Qty(start, m.end(), text[start : m.end()], parsed.value, count_unit, parsed.qualifier)
        )
    return out


# --------------------------------------------------------------------------- indicators

_LEAD_STRIP = re.compile(
    r"^(?:其中|同时|并且|并|且|即|共|已|全省|全市|全县|全区|我省|我市|我县|本省|本市|全国|"
    r"推动|推进|实现|使|让|带动|促进|助力|有效|此外|目前|现已|已经|均|在|"
    # 将审批时间从20天压缩至5天: 将 (or 把) brings the object, the indicator, forward;
    # and who the work was done with comes before it (会同市财政局把办理时限…).
    r"(?:(?:会同|联合|协同|携手)[^将把\uff0c,、;\uff1b。]{1,30}?)?(?:将(?!来|近|军)|把(?!握|关))"
    r")+"
)
#: The bodies of a whole area, as the subject of what they did (全省各地各部门化解…,
#: 江西省各地建成…: an introduction's usual subject): not what a figure measures.
_AREA_BODIES = re.compile("^(?:各地区各部门|各地各部门|各级各部门|各地各级|各地区|各地|各部门)")
_TAIL_STRIP = re.compile(
    r"(?:均|分别|都|共|已|达到|达|为|实现|完成|约|近|有|是|突破|居|位居|位列|排名|排在|"
    r"名列|列|在|的|了|累计达|稳定在|保持在|控制在|中|上)+$"
)


def _without_area_bodies(label: str) -> str:
    """``label`` without the bodies of an area it begins with (江西省各地, 各地各部门)."""
    place = lexicon().place_re.match(label)
    rest = label[place.end() :] if place is not None else label
    bodies = _AREA_BODIES.match(rest)
    return rest[bodies.end() :] if bodies is not None else label


def _clean_label(label: str, dates: Sequence[DateFound], offset: int) -> str:
    for date in dates:
        rel = date.start - offset
        if 0 <= rel < len(label):
            label = label[:rel] + label[rel + len(date.text) :]
    label = label.strip("\uff0c,、:\uff1a;\uff1b。 ")
    for _ in range(3):
        label = _LEAD_STRIP.sub("", label)
        label = _without_area_bodies(label)
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

# The verbs that are certain (shared with the build's check of a change's direction),
# then the single characters, which the extractor reads too.
_INC = "|".join((*INCREASE_VERBS, "增", "升"))
_DEC = "|".join((*DECREASE_VERBS, "降", "减"))
_CHANGE_VERB = re.compile(rf"(?<!新)(?P<verb>{_INC}|{_DEC})(?:了)?$")
_RESULT_VERB = re.compile(
    rf"(?<!新)(?P<verb>{_INC}|{_DEC})(?:了)?(?:至|到)$|(?P<verb2>{_INC}|{_DEC})为$"
)
_PAIR_MID = re.compile(
    rf"^[^\uff0c,。;\uff1b、]{{0,12}}?"
    rf"(?:(?:(?P<verb>{_INC}|{_DEC})(?:了)?)?(?:至|到)|(?P<verb2>{_INC}|{_DEC})为)"
    # the result's own year: 由2021年的45%提高到2024年的92%
    "(?P<year>(?:19|20)[0-9]{2}年(?:底|末|初)?的)?$"
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
    ctx: Context,
) -> tuple[list[ChangeFound], set[int]]:
    """Changes stated by the numbers (从A至B, 提高X个百分点 …); return them and the ids
    (indices) of the quantities they take. A baseline and its result are in one unit, or
    in two that ``ctx`` converts to one base unit (从2小时压缩至30分钟), or, when a verb says
    which way it went, in two that cannot be compared (从1个月压缩至20天: a month is not a
    fixed number of days; the build warns that the numbers cannot check the verb)."""
    changes: list[ChangeFound] = []
    used: set[int] = set()
    i = 0
    while i < len(quantities):
        clause = _clause(text, quantities[i].start, lo, hi)
        found = (
            _pair_change(text, quantities, i, clause, dates, ctx)
            or _merged_change(text, quantities, i, clause, dates)
            or _verb_changes(text, lo, hi, quantities, i, clause, dates, changes)
        )
        if found is None:
            i += 1
            continue
        changes += found[0]
        used.update(found[1])
        i = max(found[1]) + 1
    for change in changes:
        if change.baseline_dated:
            continue
        first = min(p.start for p in change.parts.values())
        # 较2021年缩短近4成: 2021年 is what the number is compared with, not when it holds.
        own = [
            d
            for d in dates
            if change.compared is None
            or not (change.compared[0] <= d.start and d.end <= change.compared[1])
        ]
        change.date = _date_before(own, first, _sentence(text, first, lo, hi))
    return changes, used


#: Changes found at a quantity, and the indices of the quantities they take.
_FoundChanges = tuple[list[ChangeFound], list[int]]


def _pair_change(
    text: str,
    quantities: list[Qty],
    i: int,
    clause: tuple[int, int],
    dates: Sequence[DateFound],
    ctx: Context,
) -> _FoundChanges | None:
    """从A(压缩)至B, 由A降至B: quantity ``i`` is the baseline, the next one the result."""
    q = quantities[i]
    nxt = quantities[i + 1] if i + 1 < len(quantities) else None
    if nxt is None or nxt.start >= clause[1]:
        return None
    opening = _PAIR_OPEN.search(text[clause[0] : q.start])
    if opening is None:
        return None
    mid = _PAIR_MID.match(text[q.end : nxt.start])
    (unit, baseline), (other_unit, result) = ctx.in_base(q), ctx.in_base(nxt)
    verb = mid and (mid["verb"] or mid["verb2"])
    comparable = unit == other_unit
    if not (mid and ((comparable and baseline != result) or (not comparable and verb))):
        return None
    direction = _direction(verb) if verb else ("decrease" if result < baseline else "increase")
    label_end = q.start - len(opening[0])
    change = ChangeFound(
        parts={"baseline": q, "result": nxt},
        direction=direction,
        indicator=_clean_label(text[clause[0] : label_end], dates, clause[0])
        or _indicator(text, q.start, q.end, clause, dates),
        start=clause[0],
        end=nxt.end,
        # 由2021年的3起: the year is the baseline's, not the change's date
        baseline_dated=opening["year"] is not None,
    )
    if mid["year"] is not None:
        # 提高到2024年的92%: the result's year is when the change has come to its result.
        year_end = nxt.start - len("的")
        change.date = next((d for d in dates if d.end == year_end), None)
        change.baseline_dated = True
    return [change], [i, i + 1]


def _merged_change(
    text: str,
    quantities: list[Qty],
    i: int,
    clause: tuple[int, int],
    dates: Sequence[DateFound],
) -> _FoundChanges | None:
    """将…A…整合为B: quantity ``i`` is the baseline, the next one (in its unit) the result."""
    q = quantities[i]
    nxt = quantities[i + 1] if i + 1 < len(quantities) else None
    if nxt is None or nxt.start >= clause[1] or "将" not in text[clause[0] : q.start]:
        return None
    mid = _MERGE_MID.match(text[q.end : nxt.start])
    if not (mid and q.unit == nxt.unit and q.value != nxt.value):
        return None
    noun = re.split("[\uff0c,、]", text[q.end : nxt.start])[0]
    noun = re.sub(
        "(?:整合|合并|压减|精简|缩减|减少|调整|优化|归并|扩大|增加|提升|提高)(?:为|至|到)$",
        "",
        noun,
    )
    change = ChangeFound(
        parts={"baseline": q, "result": nxt},
        direction="decrease" if nxt.value < q.value else "increase",
        indicator=noun or _indicator(text, q.start, q.end, clause, dates),
        start=text.rfind("将", clause[0], q.start),
        end=nxt.end,
    )
    return [change], [i, i + 1]


def _verb_changes(
    text: str,
    lo: int,
    hi: int,
    quantities: list[Qty],
    i: int,
    clause: tuple[int, int],
    dates: Sequence[DateFound],
    prior: Sequence[ChangeFound] = (),
) -> _FoundChanges | None:
    """A result (上升至98.77%) or a difference (提高20个百分点) after a verb, for quantity
    ``i`` and the run of values in its unit after it (分别上升至98.77%、96.81%). A verb
    with nothing before it in its clause measures what the sentence measured before: the
    indicator of the change found there (由45%提高到92%,提高47个百分点), or of its values."""
    q = quantities[i]
    before = text[clause[0] : q.start]
    role = "result"
    verb_match = _RESULT_VERB.search(before)
    if verb_match is None:
        role = "difference"
        verb_match = _CHANGE_VERB.search(before)
        if verb_match is None:
            return None
    groups = verb_match.groupdict()
    verb = groups.get("verb") or groups.get("verb2") or ""
    verb_start = clause[0] + verb_match.start()
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
        last = prior[-1] if prior else None
        if (
            len(run) == 1
            and earlier
            and last is not None
            and any(p is earlier[-1] for p in last.parts.values())
        ):
            labels = [last.indicator]
        elif len(earlier) >= len(run):
            labels = [
                _indicator(text, p.start, p.end, _clause(text, p.start, lo, hi), dates)
                for p in earlier[-len(run) :]
            ]
        else:
            labels = [_indicator(text, q.start, q.end, clause, dates)] * len(run)
    changes = [
        ChangeFound(
            parts={role: quantities[index]},
            direction=_direction(verb),
            indicator=labels[n],
            start=clause[0],
            end=quantities[index].end,
            compared=compared,
        )
        for n, index in enumerate(run)
    ]
    return changes, run


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


def _without_trailing_number(label: str, ctx: Context) -> str:
    """A ranking's indicator without the number its clause ends with ("湘易办"注册用户达到
    4500万,居全国第2: 注册用户, not 注册用户达到4500万). In the label, the number would be
    covered as a word of an entity's name, and never recorded or reviewed as a figure."""
    words = "|".join(re.escape(w) for w in sorted(ctx.symbols, key=len, reverse=True))
    found = re.search(rf"[\d.]*\d(?:万亿|万|亿|千|百)?(?:{words})?$", label)
    if found is None or found.start() == 0:
        return label
    return _clean_label(label[: found.start()], (), 0) or label


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
                # 满意度达到99.2%,居全省第2: what the clause before states a number of is
                # ranked, not the words of the sentence up to it.
                stated = [
                    q
                    for q in quantities
                    if sentence[0] <= q.start
                    and _clause(text, q.start, lo, hi)[1] + 1 == label_clause[0]
                ]
                if not indicator and stated:
                    q = stated[-1]
                    indicator = _indicator(
                        text, q.start, q.end, _clause(text, q.start, lo, hi), dates
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
            indicator = _without_trailing_number(indicator, ctx)
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

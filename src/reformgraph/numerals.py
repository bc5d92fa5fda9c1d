"""Reading numbers as Chinese reports write them: 21.8万亿元, 10余万家, 超85%, 三级, 第二;
the dates they give (截至2024年底, 2023年9月以来) and the way a change went (提高, 压缩).

Pure functions, no I/O. Used by the build to check every curated figure, date and
change against its own words, by the number-coverage check to find every numeral in a
text, and by the extractor to find them in a new text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from reformgraph.models import Direction, Qualifier

__all__ = [
    "DECREASE_VERBS",
    "HALF_NOT_BEFORE",
    "HALF_UNIT_WORDS",
    "INCREASE_VERBS",
    "MORE_THAN_UNIT_WORDS",
    "NOT_QUALIFIERS",
    "NUMERAL_CHARACTERS",
    "QUALIFIER_PREFIXES",
    "SCALED_UNIT_WORDS",
    "VAGUE_BEFORE_CHINESE",
    "DatePhrase",
    "ParsedDate",
    "ParsedQuantity",
    "QuantityParseError",
    "adjacent_qualifier",
    "date_phrases",
    "date_text_en",
    "numeral_positions",
    "parse_chinese_integer",
    "parse_date_phrase",
    "parse_quantity",
    "parse_rank",
    "qualifier_prefix",
    "verb_direction",
    "width_folded",
]

#: Characters that the number-coverage rule looks at, besides the digits.
NUMERAL_CHARACTERS = frozenset("零一二两三四五六七八九十百千万亿双")

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_MAGNITUDES = {"万亿": Decimal(10) ** 12, "亿": Decimal(10) ** 8, "万": Decimal(10) ** 4}

#: Words that qualify a number: before it (prefix) or after it (suffix). 多 and 余 right
#: after the number or its magnitude (2000多亿元, 10余万家) say "more than" too. A
#: comparative negated says the opposite bound: 不超过3天 is at most 3 days (not more than
#: 3), 不少于2万家 at least 20,000; the longer word is the one read (不超过, not 超过).
#: A superlative right before the number is a bound too: 最高500万元 is up to 5 million
#: yuan (at most), 最低0.5% and 最少3家 at least. Only right before it: in 最高人民法院
#: (the Supreme People's Court), 最高水平 (the highest level) or 最低工资标准 (the minimum
#: wage) no number follows, and in 最高奖励500万元 (a reward of up to 5 million) the verb
#: stands between, so 500万元 is read alone, exact.
_MORE_THAN_PREFIX = ("超过", "超", "逾", "多于")
_AT_LEAST_PREFIX = ("不少于", "不低于", "至少", "最低", "最少")
_ABOUT_PREFIX = ("约", "近", "大约")
_AT_MOST_PREFIX = ("不超过", "不超", "不多于", "不高于", "至多", "最多", "最高")
_LESS_THAN_PREFIX = ("不足", "不到", "少于")
_AT_LEAST_SUFFIX = ("以上",)
_ABOUT_SUFFIX = ("左右",)
_AT_MOST_SUFFIX = ("以内", "以下")
QUALIFIER_PREFIXES = _PREFIXES = tuple(
    sorted(
        _MORE_THAN_PREFIX + _AT_LEAST_PREFIX + _ABOUT_PREFIX + _AT_MOST_PREFIX + _LESS_THAN_PREFIX,
        key=len,
        reverse=True,
    )
)
_SUFFIXES = _AT_LEAST_SUFFIX + _ABOUT_SUFFIX + _AT_MOST_SUFFIX
#: A one-character prefix that ends a longer word is not a qualifier: 最近 (lately) is not
#: 近 (nearly), 赶超 (overtake) not 超 (more than), 节约 (saved) and 签约 (signed) not 约
#: (about). 接近 and 将近 (close to, nearly) are: they are not here. Nor is a superlative a
#: bound after the time it is a record of: 降至历史最低3.1% is a record low of 3.1%, exactly
#: (not at least 3.1%), as 历史最高, 史上最低, 历年最高, 同期最低 … are.
NOT_QUALIFIERS = (
    *(f"{time}{most}" for time in ("历史", "史上", "历年", "同期") for most in ("最低", "最高")),
    "最近",
    "就近",
    "附近",
    "临近",
    "邻近",
    "赶超",
    "反超",
    "节约",
    "签约",
    "预约",
    "制约",
    "违约",
    "履约",
    "集约",
    "特约",
    "合约",
    "公约",
    "条约",
    "邀约",
)

#: Unit words that are a multiple of a known one: 3成 (three tenths) is 30%. A figure
#: written so has the base word's unit and the scaled value (近3成: about 30, percent).
SCALED_UNIT_WORDS = {"成": ("%", Decimal(10))}

#: Unit words with 多 (more than) inside them. A unit word that begins with the measure
#: word 个 (个月, 个小时, 个工作日, 个百分点) takes 多 after its 个: 1个多月 is more than a
#: month, 2个多小时 more than two hours, 1个多百分点 more than one percentage point, as
#: 20多个百分点 (多 after the number) is more than 20. A figure written so has the unit of
#: the word without 多 (1个多月: value 1, unit 个月, more-than); where the data knows no such
#: word, 个多月 is no unit word at all (1个 of it is not a count).
MORE_THAN_UNIT_WORDS = {
    "个多月": "个月",
    "个多小时": "个小时",
    "个多工作日": "个工作日",
    "个多星期": "个星期",
    "个多百分点": "个百分点",
}

#: Unit words with 半 (a half) after their measure word 个: 1个半月 is one and a half
#: months, 两个半小时 two and a half hours. A figure written so has the unit of the word
#: without 半 and its whole number plus a half (1个半月: value 1.5, unit 个月); where the
#: data knows no such word, 个半月 is no unit word at all (1个 of it is not a count).
HALF_UNIT_WORDS = {
    "个半月": "个月",
    "个半小时": "个小时",
    "个半工作日": "个工作日",
    "个半星期": "个星期",
    # 3天半: three and a half days (a day needs no 个). Not where 半 begins a word of its
    # own (3天半数以上, see HALF_NOT_BEFORE).
    "天半": "天",
}

#: What may not follow a unit word that ends in 半 (天半) for it to be one: 半 is then the
#: first character of another word (半数 half of them, 半年, 半月, 半天, 半小时, 半个 …).
HALF_NOT_BEFORE = "数年月日天个小价径导程岛边夜场"

_ARABIC = r"\d+(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千]+"
_QUANTITY = re.compile(
    rf"^(?P<prefix>{'|'.join(map(re.escape, _PREFIXES))})?"
    rf"(?P<number>{_ARABIC}|{_CHINESE})"
    r"(?P<infix>[多余])?"
    r"(?P<magnitude>万亿|亿|万)?"
    r"(?P<after>[多余])?"
    r"(?P<unit>.*?)"
    rf"(?P<suffix>{'|'.join(map(re.escape, _SUFFIXES))})?$"
)
_RANK = re.compile(rf"第(?P<number>\d+|{_CHINESE})(?:个|位|名)?")


#: Full-width forms of the ASCII characters (U+FF01 … U+FF5E) and their ASCII.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}


def width_folded(text: str) -> str:
    """``text`` with full-width forms of ASCII characters (U+FF05 for %) made ASCII."""
    return text.translate(_FULL_WIDTH)


class QuantityParseError(ValueError):
    """A figure's text is not a number with a known unit."""


@dataclass(frozen=True)
class ParsedQuantity:
    value: Decimal
    unit_symbol: str
    qualifier: Qualifier


#: Two digits side by side, alone (not in a digit string such as 二〇二四): 二三十 is twenty
#: or thirty, 三四百 three or four hundred, 一两个 one or two.
_RANGE = re.compile(
    "(?<![零〇一二两三四五六七八九])[一二两三四五六七八九]{2}(?![零〇一二两三四五六七八九])"
)

#: Characters that make the Chinese numeral after them vague: 数十 (some tens), 几百 (a few
#: hundred), 上百 (up to hundreds). Not 成: 建成三个园区 (built three parks) is a count.
VAGUE_BEFORE_CHINESE = "数几上"


def parse_chinese_integer(text: str) -> int:
    """Read a whole number written in Chinese numerals: 三 → 3, 十二 → 12, 二十 → 20, 零 → 0."""
    if not text or any(ch not in _DIGITS and ch not in _SMALL_UNITS for ch in text):
        raise QuantityParseError(f"{text!r} is not a Chinese numeral")
    if (pair := _RANGE.search(text)) is not None:
        low, high = (_DIGITS[ch] for ch in pair[0])
        if high == low + 1:
            raise QuantityParseError(
                f"{text!r} names a range ({pair[0]}: {low} or {high} of what follows), not"
                " one number: record it as an exception"
            )
    total = 0
    pending: int | None = None
    for ch in text:
        if ch in _DIGITS:
            if pending is not None:
                # Digit strings such as 二〇二四 are read digit by digit.
                pending = pending * 10 + _DIGITS[ch]
            else:
                pending = _DIGITS[ch]
        else:
            unit = _SMALL_UNITS[ch]
            total += (1 if pending is None else pending) * unit
            pending = None
    return total + (pending or 0)


def _number(text: str) -> Decimal:
    if re.fullmatch(_ARABIC, text):
        return Decimal(text)
    return Decimal(parse_chinese_integer(text))


def parse_quantity(text: str, unit_symbols: Iterable[str]) -> ParsedQuantity:
    """Parse a figure's text into its normalised value, unit word and qualifier.

    ``unit_symbols`` are the unit words known to the data (元, 美元, 个百分点 …); the
    longest that matches what follows the number wins. A scaled word
    (:data:`SCALED_UNIT_WORDS`: 3成 is 30%) reads as its base word, the value scaled, and
    a word with 多 inside it (:data:`MORE_THAN_UNIT_WORDS`: 1个多月) as the word without 多,
    more than the number, and one with 半 inside it (:data:`HALF_UNIT_WORDS`: 1个半月) as
    the word without 半, the whole number plus a half. A full-width form of a unit word
    (U+FF05 for %) reads as the word: the ``unit_symbol`` returned is the known word. A
    number with no unit word after it (a bare 零 in 为零, 降至零; 注册用户4500万, a count
    with no measure word) has the ``unit_symbol`` ``""``.
    """
    match = _QUANTITY.match(text.strip())
    if match is None:
        raise QuantityParseError(f"{text!r} does not start with a number")
    value = _number(match["number"])
    if match["magnitude"]:
        value *= _MAGNITUDES[match["magnitude"]]
    unit_text = match["unit"]
    symbols = sorted(set(unit_symbols), key=len, reverse=True)
    unit_symbol = next((s for s in symbols if unit_text == s), None)
    if unit_symbol is None:
        folded = width_folded(unit_text)
        unit_symbol = next((s for s in symbols if width_folded(s) == folded), None)
    if unit_symbol is None and unit_text in SCALED_UNIT_WORDS:
        base, factor = SCALED_UNIT_WORDS[unit_text]
        if base in symbols:
            unit_symbol, value = base, value * factor
    more_inside = False
    if unit_symbol is None and unit_text in MORE_THAN_UNIT_WORDS:
        base_word = MORE_THAN_UNIT_WORDS[unit_text]
        if base_word in symbols:
            unit_symbol, more_inside = base_word, True
    if (
        unit_symbol is None
        and unit_text in HALF_UNIT_WORDS
        and HALF_UNIT_WORDS[unit_text] in symbols
        and value == value.to_integral_value()
        and not (match["infix"] or match["magnitude"] or match["after"])
    ):
        unit_symbol, value = HALF_UNIT_WORDS[unit_text], value + Decimal("0.5")
    if unit_symbol is None and unit_text == "":
        # 为零, 降至零, 注册用户4500万: a number with no unit word; the caller says what it
        # counts (a count with no measure word, as Chinese often writes one)
        unit_symbol = ""
    if unit_symbol is None:
        raise QuantityParseError(
            f"{text!r}: {unit_text!r} after the number is not a known unit word"
            f" (known: {', '.join(sorted(symbols))})"
        )
    qualifier = Qualifier.EXACT
    prefix, suffix = match["prefix"], match["suffix"]
    if match["infix"] or match["after"] or more_inside or prefix in _MORE_THAN_PREFIX:
        qualifier = Qualifier.MORE_THAN
    elif prefix in _AT_LEAST_PREFIX or suffix in _AT_LEAST_SUFFIX:
        qualifier = Qualifier.AT_LEAST
    elif prefix in _ABOUT_PREFIX or suffix in _ABOUT_SUFFIX:
        qualifier = Qualifier.ABOUT
    elif prefix in _LESS_THAN_PREFIX:
        qualifier = Qualifier.LESS_THAN
    elif prefix in _AT_MOST_PREFIX or suffix in _AT_MOST_SUFFIX:
        qualifier = Qualifier.AT_MOST
    return ParsedQuantity(value=value, unit_symbol=unit_symbol, qualifier=qualifier)


def qualifier_prefix(text: str) -> str:
    """The qualifying word a number's text starts with (超过 in 超过50万件), or ""."""
    return next((word for word in _PREFIXES if text.startswith(word)), "")


def adjacent_qualifier(before: str, after: str) -> str | None:
    """The word that qualifies a number right outside its text, if any: ``before`` is the
    text up to the number's text, ``after`` the text after it (超过 before 50万件, 以上 after
    it, 近 before 4成, 不超过 before 3天). 最近 (lately) is not 近 (nearly), nor 赶超
    (overtook) 超."""
    for word in _PREFIXES:  # longest first: 不超过, not 超过
        if before.endswith(word):
            return None if before.endswith(NOT_QUALIFIERS) else word
    for word in _SUFFIXES:
        if after.startswith(word):
            return word
    return None


def parse_rank(text: str) -> int:
    """The rank in a ranking's text: 全国第3 → 3, 位列全国第二 → 2, 全球第四个 → 4."""
    matches = list(_RANK.finditer(text))
    if len(matches) != 1:
        raise QuantityParseError(f"{text!r} must contain exactly one 第N (found {len(matches)})")
    number = matches[0]["number"]
    return int(number) if number.isdigit() else parse_chinese_integer(number)


# --------------------------------------------------------------------------- dates

#: How many months back 近…个月 reaches: 近3个月, 近两个月, 近十二个月 (not 近0个月).
_MONTHS_BACK = r"(?:[1-9]\d?|十[一二]?|[一两二三四五六七八九])"
#: How many years back 近…年 reaches: 近3年, 近一年, 近两年 (not 近0年).
_YEARS_BACK = r"(?:[1-9]\d?|[一两二三四五六七八九十])"
#: The characters that end a clause: a phrase right after one (or at the start of the
#: text) starts its clause.
_CLAUSE_BREAKS = ",\uff0c;\uff1b。!\uff01?\uff1f:\uff1a\n"

#: The date phrases a report writes. The alternatives are tried in this order at each
#: position; the first that matches is the phrase.
#:
#: 近 with a number of years is always a period (近3年, 近两年来: in the past years). With
#: a number of months it is a period where 以来, 来 or 内 follows (近两个月以来, 近3个月来,
#: 近两个月内: in, within the past months) or where it starts its clause (近两个月,全市…);
#: elsewhere it is an amount of time, about that long (办理时间缩短近两个月: shortened by
#: nearly two months), which is a figure, not a date.
_DATE_PHRASE = re.compile(
    r"(?P<asof>截至(?P<ay>\d{4})年(?:(?P<am>\d{1,2})月(?:(?P<ad>\d{1,2})日)?)?(?:底|末)?)"
    # 自2023年实施改革以来; what stands between 年 (or 月) and 以来 does not begin with a
    # digit, so that 自2023年9月以来 is read with its month (by the next alternative).
    r"|(?P<since2>自(?P<s2y>\d{4})年(?:(?P<s2m>\d{1,2})月)?(?!\d)[^\uff0c,。;\uff1b\n]{1,12}?以来)"
    r"|(?P<since>自?(?P<sy>\d{4})年(?:(?P<sm>\d{1,2})月份?(?:(?P<sd>\d{1,2})日)?)?(?:以来|起))"
    r"|(?P<end>(?P<ey>\d{4})年(?:底|末))"
    r"|(?P<year>(?P<yy>\d{4})年度?(?P<ypart>上半年|下半年|前三季度|第?[一二三四]季度|全年|"
    r"前\d{1,2}个?月|\d{1,2}[至—-]\d{1,2}月|\d{1,2}月(?:份)?(?:\d{1,2}日)?)?)"
    r"|(?P<vague>截至目前|今年以来|去年以来|今年上半年|今年前三季度|今年|去年|上半年|下半年|全年|"
    rf"近年来|近{_YEARS_BACK}年(?:以来|来|内)?|"
    rf"近{_MONTHS_BACK}个月(?:以来|来|内)|(?<![^{_CLAUSE_BREAKS}])近{_MONTHS_BACK}个月|"
    r"“十[一二三四五六七八九]五”(?:期间|以来)?|党的十[一二三四五六七八九]大以来|新时代以来)"
)

#: The years a date phrase may name; a phrase naming another is not read as a date.
_YEARS = range(1900, 2101)

DateField = Literal["as_of", "year", "since"]


@dataclass(frozen=True)
class ParsedDate:
    """What a date phrase states, normalised as a :class:`~reformgraph.models.DateRef`
    holds it: exactly one of ``as_of`` (a day), ``year`` (a calendar year as the period)
    and ``since`` (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: the period from then to the
    time of writing)."""

    as_of: dt.date | None = None
    year: int | None = None
    since: str | None = None

    def __post_init__(self) -> None:
        given = [v for v in (self.as_of, self.year, self.since) if v is not None]
        if len(given) != 1:
            raise ValueError("a ParsedDate states exactly one of as_of, year, since")

    @property
    def field(self) -> DateField:
        """The name of the field that is set: as_of, year or since."""
        if self.as_of is not None:
            return "as_of"
        return "year" if self.year is not None else "since"

    @property
    def value(self) -> dt.date | int | str:
        """The value of the field that is set."""
        if self.as_of is not None:
            return self.as_of
        if self.year is not None:
            return self.year
        assert self.since is not None, "a ParsedDate states one of as_of, year, since"
        return self.since


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase found in a text: where it is (``start``, ``end``: offsets in the
    text, end exclusive), its words, and the date they state (None for a phrase the text
    leaves unanchored: 今年以来, 上半年, 2024年9月)."""

    start: int
    end: int
    text: str
    date: ParsedDate | None


def _last_day(year: int, month: int) -> dt.date:
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _read_date(m: re.Match[str]) -> ParsedDate | None:
    """The date a match of :data:`_DATE_PHRASE` states; raise ValueError if it names a
    day or month that does not exist, or a day or year (``as_of``, ``year``) outside
    :data:`_YEARS`."""
    date: ParsedDate | None = None
    if m["asof"]:
        year = int(m["ay"])
        if m["ad"]:
            date = ParsedDate(as_of=dt.date(year, int(m["am"]), int(m["ad"])))
        elif m["am"]:
            date = ParsedDate(as_of=_last_day(year, int(m["am"])))
        else:
            date = ParsedDate(as_of=dt.date(year, 12, 31))
    elif m["since2"]:
        if m["s2m"] and not 1 <= int(m["s2m"]) <= 12:
            raise ValueError(f"no month {m['s2m']}")
        date = ParsedDate(
            since=f"{int(m['s2y']):04d}" + (f"-{int(m['s2m']):02d}" if m["s2m"] else "")
        )
    elif m["since"]:
        since = f"{int(m['sy']):04d}"  # full-width digits as ASCII ones
        if m["sm"]:
            since += f"-{int(m['sm']):02d}"
            if m["sd"]:
                since += f"-{int(m['sd']):02d}"
                dt.date.fromisoformat(since)
            elif not 1 <= int(m["sm"]) <= 12:
                raise ValueError(f"no month {m['sm']}")
        date = ParsedDate(since=since)
    elif m["end"]:
        date = ParsedDate(as_of=dt.date(int(m["ey"]), 12, 31))
    elif m["year"] and not m["ypart"]:
        date = ParsedDate(year=int(m["yy"]))
    if date is not None and (
        (date.year is not None and date.year not in _YEARS)
        or (date.as_of is not None and date.as_of.year not in _YEARS)
    ):
        raise ValueError(f"year out of range: {m[0]}")
    return date


def date_phrases(text: str, start: int = 0, end: int | None = None) -> list[DatePhrase]:
    """Every date phrase in ``text[start:end]``, in reading order (offsets are in ``text``).

    The phrases, and what they state (see :func:`parse_date_phrase`), are read by one
    pattern, left to right. A phrase that names a day or month that does not exist
    (截至2023年2月29日, 2023年13月起), or a day or year outside 1900–2100 (截至2200年底,
    1800年), is left out.
    """
    found = []
    for m in _DATE_PHRASE.finditer(text, start, len(text) if end is None else end):
        try:
            date = _read_date(m)
        except ValueError:
            continue
        found.append(DatePhrase(m.start(), m.end(), m[0], date))
    return found


def parse_date_phrase(text: str) -> ParsedDate | None:
    """The date that the phrase ``text`` states, as a :class:`~reformgraph.models.DateRef`
    gives it, or None if ``text`` is not one date phrase that names a date.

    The forms read (the year always in four digits, month and day in one or two):

    - ``as_of``, a day: 截至2024年底 / 截至2024年末 / 截至2024年 → 2024-12-31;
      截至2024年6月 → 2024-06-30 (the month's last day); 截至2024年6月15日 → 2024-06-15;
      2024年底 / 2024年末 → 2024-12-31.
    - ``year``, a calendar year as the period: 2024年, 2024年度 → 2024.
    - ``since``, from then to the time of writing: 2023年以来, 自2023年以来, 2023年起 →
      2023; 2023年9月以来, 2023年9月份以来, 自2023年9月起 → 2023-09;
      2023年9月1日起 → 2023-09-01; 自2023年实施改革以来 (up to 12 characters between 年
      or 月 and 以来, not beginning with a digit) → 2023, 自2023年9月份启动以来 → 2023-09.

    None for a phrase the parser does not read as a date: a part of a year (2024年上半年,
    2024年前三季度, 2024年1-3月, 2024年9月, 2024年9月1日), a phrase the text leaves
    unanchored (今年以来, 全年, 近年来, 近3年, 近两个月以来, “十四五”以来, 党的十八大以来,
    截至目前), a day or month that does not exist, a day or year outside 1900–2100
    (截至2200年底, 1800年), and any text that is not wholly one phrase (到2024年底前).
    """
    m = _DATE_PHRASE.match(text)
    if m is None or m.end() != len(text):
        return None
    try:
        return _read_date(m)
    except ValueError:
        return None


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}
_CHINESE_DIGITS = "一二三四五六七八九"


def _month(number: str) -> str:
    month = int(number)
    if not 1 <= month <= 12:
        raise ValueError(f"no month {number}")
    return _MONTHS[month - 1]


def _day(year: int, month: str, day: str) -> str:
    on = dt.date(year, int(month), int(day))
    return f"{on.day} {_MONTHS[on.month - 1]} {on.year}"


def _th(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def _year_part(part: str, year: int) -> str:
    """The English of a part of the year ``year`` (上半年, 前三季度, 9月 …)."""
    fixed = {
        "上半年": "in the first half of",
        "下半年": "in the second half of",
        "前三季度": "in the first three quarters of",
        "全年": "in the whole of",
    }
    if part in fixed:
        return f"{fixed[part]} {year}"
    if m := re.fullmatch(r"第?([一二三四])季度", part):
        return f"in the {_ORDINALS[_CHINESE_DIGITS.index(m[1]) + 1]} quarter of {year}"
    if m := re.fullmatch(r"前(\d{1,2})个?月", part):
        months = int(m[1])
        if not 1 <= months <= 12:
            raise ValueError(f"no {months} months in a year")
        return f"in the first {months} month{'s' * (months > 1)} of {year}"
    if m := re.fullmatch(r"(\d{1,2})[至—-](\d{1,2})月", part):
        return f"from {_month(m[1])} to {_month(m[2])} {year}"
    m = re.fullmatch(r"(\d{1,2})月份?(?:(\d{1,2})日)?", part)
    if m is None:  # pragma: no cover - the pattern admits no other part
        raise ValueError(f"not a part of a year: {part}")
    if m[2]:
        return f"on {_day(year, m[1], m[2])}"
    return f"in {_month(m[1])} {year}"


def _vague_en(text: str) -> str | None:
    fixed = {
        "截至目前": "to date",
        "今年以来": "since the start of this year",
        "去年以来": "since the start of last year",
        "今年上半年": "in the first half of this year",
        "今年前三季度": "in the first three quarters of this year",
        "今年": "this year",
        "去年": "last year",
        "上半年": "in the first half of the year",
        "下半年": "in the second half of the year",
        "全年": "for the whole year",
        "近年来": "in recent years",
        "新时代以来": "since the start of the new era",
    }
    if text in fixed:
        return fixed[text]
    if m := re.fullmatch(rf"近({_YEARS_BACK})年(以来|来|内)?", text):
        years = int(m[1]) if m[1].isdigit() else parse_chinese_integer(m[1])
        span = "year" if years == 1 else f"{years} years"
        return f"{'within' if m[2] == '内' else 'in'} the past {span}"
    if m := re.fullmatch(rf"近({_MONTHS_BACK})个月(以来|来|内)?", text):
        months = int(m[1]) if m[1].isdigit() else parse_chinese_integer(m[1])
        span = "month" if months == 1 else f"{months} months"
        return f"{'within' if m[2] == '内' else 'in'} the past {span}"
    if m := re.fullmatch(r"“十([一二三四五六七八九])五”(期间|以来)?", text):
        plan = f"the {_th(10 + _CHINESE_DIGITS.index(m[1]) + 1)} Five-Year Plan"
        return {"期间": f"during {plan} period", "以来": f"since the start of {plan}"}.get(
            m[2] or "", plan
        )
    if m := re.fullmatch(r"党的十([一二三四五六七八九])大以来", text):
        congress = _th(10 + _CHINESE_DIGITS.index(m[1]) + 1)
        return f"since the {congress} National Congress of the Communist Party of China"
    return None  # pragma: no cover - the pattern admits no other phrase


def date_text_en(text: str) -> str | None:
    """The English of a date phrase (see :func:`parse_date_phrase` for the forms): 截至2024年底
    → "as of the end of 2024", 2023年9月以来 → "since September 2023", 2024年 → "in 2024",
    全年 → "for the whole year", 今年以来 → "since the start of this year", 近3年 → "in
    the past 3 years", 近两个月以来 → "in the past 2 months", 近两个月内 → "within the
    past 2 months". None for a text that is not wholly one phrase, for a day or month
    that does not exist, and for 自2023年实施改革以来, whose words between the year and 以来
    are the text's own (their English is the curator's: a date's ``en``)."""
    m = _DATE_PHRASE.match(text)
    if m is None or m.end() != len(text) or m["since2"]:
        return None
    try:
        _read_date(m)
        if m["asof"]:
            year, end = int(m["ay"]), text[-1] in "底末"
            if m["ad"]:
                return f"as of {_day(year, m['am'], m['ad'])}"
            if m["am"]:
                month = f"{_month(m['am'])} {year}"
                return f"as of the end of {month}" if end else f"as of {month}"
            return f"as of the end of {year}" if end else f"as of {year}"
        if m["since"]:
            year = int(m["sy"])
            word = "since" if text.endswith("以来") else "from"
            if m["sd"]:
                return f"{word} {_day(year, m['sm'], m['sd'])}"
            if m["sm"]:
                return f"{word} {_month(m['sm'])} {year}"
            return f"{word} {year}"
        if m["end"]:
            return f"at the end of {int(m['ey'])}"
        if m["year"]:
            year = int(m["yy"])
            if year not in _YEARS:
                return None
            return _year_part(m["ypart"], year) if m["ypart"] else f"in {year}"
        return _vague_en(text)
    except ValueError:
        return None


# --------------------------------------------------------------------------- changes

#: The verbs that say without doubt that a change went up, and down (the extractor
#: reads the single characters 增, 升, 降 and 减 too, which are not certain alone).
INCREASE_VERBS = ("提高", "提升", "增长", "增加", "上升", "扩大", "增至", "升至", "翻番")
DECREASE_VERBS = (
    "负增长",
    "下降",
    "降低",
    "减少",
    "缩短",
    "压缩",
    "压减",
    "缩减",
    "降至",
    "减至",
    "回落",
)

# Not a rise: 新增 ("newly added"), 负增长 (negative growth), 增加值 (value added, a noun).
_NOT_A_RISE = {"增长": "(?<!负)增长", "增加": "增加(?!值)"}
_INCREASE_VERB = re.compile(f"(?<!新)(?:{'|'.join(_NOT_A_RISE.get(v, v) for v in INCREASE_VERBS)})")
_DECREASE_VERB = re.compile(f"(?<!新)(?:{'|'.join(DECREASE_VERBS)})")


def verb_direction(text: str) -> tuple[Direction, str] | None:
    """The way the change that ``text`` states went, by its verbs, and the first such
    verb: increase if ``text`` holds a verb of :data:`INCREASE_VERBS` (提高20多个百分点)
    and none of :data:`DECREASE_VERBS`, decrease the other way round (压缩至3分钟); None
    if it holds both kinds or neither (整合为17个)."""
    up = _INCREASE_VERB.search(text)
    down = _DECREASE_VERB.search(text)
    if up is not None and down is None:
        return Direction.INCREASE, up[0]
    if down is not None and up is None:
        return Direction.DECREASE, down[0]
    return None


def numeral_positions(text: str) -> list[int]:
    """Positions of every ASCII digit and every numeral character in ``text``."""
    return [
        i
        for i, ch in enumerate(text)
        if (ch.isascii() and ch.isdigit()) or ch in NUMERAL_CHARACTERS
    ]


def unit_symbol_index(
    units: Mapping[str, Iterable[str]],
) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Map each unit word to its unit id, and list the words claimed by two units.

    Each conflict is (word, the unit that claimed it first, the unit that claims it again).
    """
    index: dict[str, str] = {}
    conflicts = []
    for unit_id, symbols in units.items():
        for symbol in symbols:
            if symbol in index and index[symbol] != unit_id:
                conflicts.append((symbol, index[symbol], unit_id))
                continue
            index[symbol] = unit_id
    return index, conflicts

"""Reading numbers as Chinese reports write them: 21.8万亿元, 10余万家, 超85%, 三级, 第二.

Pure functions, no I/O. Used by the build to check every curated figure against its
own text, and by the number-coverage check to find every numeral in a text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from reformgraph.models import Qualifier

__all__ = [
    "NUMERAL_CHARACTERS",
    "SCALED_UNIT_WORDS",
    "ParsedQuantity",
    "QuantityParseError",
    "numeral_positions",
    "parse_chinese_integer",
    "parse_quantity",
    "parse_rank",
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

_AT_LEAST_PREFIX = ("超过", "超", "逾", "多于")
_ABOUT_PREFIX = ("约", "近", "大约")
_AT_MOST_PREFIX = ("不足", "不到", "少于")
_AT_LEAST_SUFFIX = ("以上",)
_ABOUT_SUFFIX = ("左右",)
_AT_MOST_SUFFIX = ("以内", "以下")

#: Unit words that are a multiple of a known one: 3成 (three tenths) is 30%. A figure
#: written so has the base word's unit and the scaled value (近3成: about 30, percent).
SCALED_UNIT_WORDS = {"成": ("%", Decimal(10))}

#: Zero written alone, with no unit word (为零, 降至零).
_BARE_ZERO = ("零", "〇")
_ARABIC = r"\d+(?:\.\d+)?"
_CHINESE = r"[零〇一二两三四五六七八九十百千]+"
_QUANTITY = re.compile(
    rf"^(?P<prefix>{'|'.join(map(re.escape, _AT_LEAST_PREFIX + _ABOUT_PREFIX + _AT_MOST_PREFIX))})?"
    rf"(?P<number>{_ARABIC}|{_CHINESE})"
    r"(?P<infix>[多余])?"
    r"(?P<magnitude>万亿|亿|万)?"
    r"(?P<after>[多余])?"
    r"(?P<unit>.*?)"
    rf"(?P<suffix>{'|'.join(map(re.escape, _AT_LEAST_SUFFIX + _ABOUT_SUFFIX + _AT_MOST_SUFFIX))})?$"
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


def parse_chinese_integer(text: str) -> int:
    """Read a whole number written in Chinese numerals: 三 → 3, 十二 → 12, 二十 → 20, 零 → 0."""
    if not text or any(ch not in _DIGITS and ch not in _SMALL_UNITS for ch in text):
        raise QuantityParseError(f"{text!r} is not a Chinese numeral")
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
    (:data:`SCALED_UNIT_WORDS`: 3成 is 30%) reads as its base word, the value scaled. A
    full-width form of a unit word (U+FF05 for %) reads as the word: the ``unit_symbol``
    returned is the known word. A bare
    零 (in 为零, 降至零) is the one number read with no unit word: its ``unit_symbol`` is
    ``""``.
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
    if unit_symbol is None and unit_text == "" and match["number"] in _BARE_ZERO and value == 0:
        unit_symbol = ""  # 为零, 降至零: zero needs no unit word; the caller says what it counts
    if unit_symbol is None:
        raise QuantityParseError(
            f"{text!r}: {unit_text!r} after the number is not a known unit word"
            f" (known: {', '.join(sorted(symbols))})"
        )
    qualifier = Qualifier.EXACT
    prefix, suffix = match["prefix"], match["suffix"]
    if match["infix"] or match["after"] or prefix in _AT_LEAST_PREFIX or suffix in _AT_LEAST_SUFFIX:
        qualifier = Qualifier.AT_LEAST
    elif prefix in _ABOUT_PREFIX or suffix in _ABOUT_SUFFIX:
        qualifier = Qualifier.ABOUT
    elif prefix in _AT_MOST_PREFIX or suffix in _AT_MOST_SUFFIX:
        qualifier = Qualifier.AT_MOST
    return ParsedQuantity(value=value, unit_symbol=unit_symbol, qualifier=qualifier)


def parse_rank(text: str) -> int:
    """The rank in a ranking's text: 全国第3 → 3, 位列全国第二 → 2, 全球第四个 → 4."""
    matches = list(_RANK.finditer(text))
    if len(matches) != 1:
        raise QuantityParseError(f"{text!r} must contain exactly one 第N (found {len(matches)})")
    number = matches[0]["number"]
    return int(number) if number.isdigit() else parse_chinese_integer(number)


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

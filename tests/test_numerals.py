"""Reading numbers as Chinese reports write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reformgraph.models import Qualifier
from reformgraph.numerals import (
    QuantityParseError,
    numeral_positions,
    parse_chinese_integer,
    parse_quantity,
    parse_rank,
)

UNITS = [
    "元",
    "美元",
    "亩",
    "公里",
    "秒",
    "分钟",
    "%",
    "个百分点",
    "个",
    "家",
    "条",
    "件",
    "份",
    "名",
    "级",
    "平方米",
]


@pytest.mark.parametrize(
    ("text", "value", "unit", "qualifier"),
    [
        ("21.8万亿元", "21800000000000", "元", Qualifier.EXACT),
        ("3.31亿美元", "331000000", "美元", Qualifier.EXACT),
        ("超过3.31亿美元", "331000000", "美元", Qualifier.AT_LEAST),
        ("181万亩", "1810000", "亩", Qualifier.EXACT),
        ("4583.59亿元", "458359000000", "元", Qualifier.EXACT),
        ("10余万家", "100000", "家", Qualifier.AT_LEAST),
        ("2000多亿元", "200000000000", "元", Qualifier.AT_LEAST),
        ("20多个百分点", "20", "个百分点", Qualifier.AT_LEAST),
        ("17.92万余平方米", "179200", "平方米", Qualifier.AT_LEAST),
        ("超85%", "85", "%", Qualifier.AT_LEAST),
        ("5%以内", "5", "%", Qualifier.AT_MOST),
        ("不足5%", "5", "%", Qualifier.AT_MOST),
        ("约3分钟", "3", "分钟", Qualifier.ABOUT),
        ("近120秒", "120", "秒", Qualifier.ABOUT),
        ("100家以上", "100", "家", Qualifier.AT_LEAST),
        ("三级", "3", "级", Qualifier.EXACT),
        ("两个", "2", "个", Qualifier.EXACT),
        ("十二条", "12", "条", Qualifier.EXACT),
        ("近3成", "30", "%", Qualifier.ABOUT),  # three tenths
        ("超过两成", "20", "%", Qualifier.AT_LEAST),
    ],
)
def test_a_quantity_reads_to_its_normalised_value_unit_and_qualifier(
    text: str, value: str, unit: str, qualifier: Qualifier
) -> None:
    parsed = parse_quantity(text, UNITS)
    assert (parsed.value, parsed.unit_symbol, parsed.qualifier) == (Decimal(value), unit, qualifier)


@pytest.mark.parametrize("text", ["亿元", "21.8万亿", "21.8万亿吨", "全国第3"])
def test_text_without_a_number_and_a_known_unit_is_rejected(text: str) -> None:
    with pytest.raises(QuantityParseError):
        parse_quantity(text, UNITS)


@pytest.mark.parametrize(
    ("text", "rank"),
    [
        ("全国第3", 3),
        ("中部第1", 1),
        ("全国第二", 2),
        ("全球第四个", 4),
        ("亚洲第一个", 1),
        ("第12名", 12),
    ],
)
def test_a_rank_reads_from_its_ordinal(text: str, rank: int) -> None:
    assert parse_rank(text) == rank


def test_a_rank_needs_exactly_one_ordinal() -> None:
    with pytest.raises(QuantityParseError):
        parse_rank("第3、第2")
    with pytest.raises(QuantityParseError):
        parse_rank("全国")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("一百零五", 105),
        ("零", 0),
        ("两千", 2000),
    ],
)
def test_chinese_integers(text: str, value: int) -> None:
    assert parse_chinese_integer(text) == value


def test_numeral_positions_find_digits_and_chinese_numerals_but_not_words() -> None:
    text = "全省80个县市区,五级代表,双智,统筹"
    assert [text[i] for i in numeral_positions(text)] == ["8", "0", "五", "双"]

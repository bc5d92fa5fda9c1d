"""The YAML reader's fast tag resolution gives the tags PyYAML's own resolver gives."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from reformgraph import io
from reformgraph._unshown import INVISIBLE
from reformgraph.errors import DataError

DOCUMENTS = [
    "a: 1\nb: [yes, no, ~, '', 1.5, 0x1F, 0o17, 1_000, 2024-01-01, '1', .inf, .NaN, -3, +4]\n",
    "c: {d: \"x\", e: 'y', f: z}\ng: [=, <<, '<<', null, Null, NULL, true, False, on, off]\n",
    "- ''\n- \n- null\n- True\n- 12:30:00\n- 1e3\n- -.5\n- 0b101\n- 中文\n- 一是\n",
    "key: |\n  block\n  text\nother: >\n  folded\nempty:\n",
]


def _tags(node: Any) -> list[str]:
    out = [node.tag]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out += _tags(key) + _tags(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            out += _tags(item)
    return out


@pytest.mark.skipif(not getattr(yaml, "__with_libyaml__", False), reason="needs libyaml")
@pytest.mark.parametrize("text", DOCUMENTS)
def test_the_fast_resolver_tags_every_node_as_pyyaml_does(text: str) -> None:
    class Reference(yaml.SafeLoader):
        pass

    Reference.yaml_implicit_resolvers = io._RESOLVERS
    expected = _tags(Reference(text).get_single_node())
    assert _tags(io._LOADER(text).get_single_node()) == expected
    assert len(set(expected)) > 2


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("10", 10),
        ("0", 0),
        ("-3", -3),
        ("1_000", 1000),
        ("1.5", 1.5),
        ("0.5", 0.5),
        # YAML 1.1 reads these in another base (010 is 8, 2:00 is 120, 0x10 is 16) or
        # as text (08): all are kept as the text written, which a number field refuses.
        ("010", "010"),
        ("08", "08"),
        ("0120", "0120"),
        ("2:00", "2:00"),
        ("1:30.5", "1:30.5"),
        ("0x10", "0x10"),
        ("0b101", "0b101"),
        ("08.5", "08.5"),
        ("2024-12-31", "2024-12-31"),
    ],
)
def test_numbers_are_read_in_decimal_only(written: str, read: object) -> None:
    for loader in {io._LOADER, io._Loader}:
        assert yaml.load(f"a: {written}\n", Loader=loader) == {"a": read}


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("010", "write 10, not 010: a number must not begin with 0"),
        ("-007", "write -7, not -007"),
        ("2:00", "not 2:00: a number with colons is a time"),
        ("~", "is empty: write the number in digits"),
        ("0x10", "must be a number, not '0x10'"),
    ],
)
def test_a_number_yaml_1_1_would_misread_is_refused_saying_why(
    tmp_path: Path, written: str, message: str
) -> None:
    from reformgraph.errors import DataErrors
    from reformgraph.models import Quantity

    path = tmp_path / "q.yaml"
    path.write_text(f"text: 120秒\nvalue: {written}\nunit: second\n", encoding="utf-8")
    data, lines = io.read_yaml(path, "q.yaml")
    with pytest.raises(DataErrors) as raised:
        io._validate(Quantity, data, lines)
    [error] = raised.value.errors
    assert (error.line, error.path) == (2, "value")
    assert message in error.message
    assert error.message.count(written if written != "~" else "None") <= 2, error.message


# --------------------------------------------------------------------------- syntax errors


def _yaml_error(tmp_path: Path, text: str) -> tuple[int | None, str]:
    from reformgraph.errors import DataErrors

    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataErrors) as raised:
        io.read_yaml(path, "x.yaml")
    [error] = raised.value.errors
    return error.line, error.message


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a:\n  - x\n\t- y\n", 3, "a tab character at column 1"),
        ("a:\n  - x\n \u00a0- y\n", 3, "a non-breaking space (U+00A0) at column 2"),
        ("a: 1\nb\uff1a 2\nc: [\n", 2, "a full-width colon '\uff1a' (U+FF1A) at column 2"),
        ("a:\n  - x\n  \u2014 y\nb: 1\n", 3, "an em dash"),
        ("a:\u3000x\nb: [\n", 1, "after a key's ':' YAML needs an ordinary space"),
        # on a later item of a list, not only the first (which YAML reads as text)
        ("a:\n  - x\n  -\u00a0y\n  - z\n", 3, "a no-break space (U+00A0) at column 4: after"),
        ("a:\n  - x: 1\n  -\u3000x: 2\n", 3, "(U+3000) at column 4: after a list item's '-'"),
        ("a:\n  - x\n  - y\n  \uff0d z\nb: 1\n", 4, "(U+FF0D) at column 3: a list item"),
        # on the first item, which YAML read with the items below as one text, until a
        # ': ' in one of them failed lines below (in case 02, "a text that holds ': '
        # must be quoted" on line 16 for a no-break space on line 10)
        ("a:\n  -\u00a0x\n  - y\n  - z\n  - {id: c, m: d}\n", 2, "(U+00A0) at column 4: after"),
        ("a:\n  -\u3000x\n  - y\n\n  - {id: c, m: d}\n", 2, "(U+3000) at column 4: after"),
        ("a:\n  \uff0d x\n  - y\n  - z\n  - {id: c, m: d}\n", 2, "(U+FF0D) at column 3: a list"),
        ("a:\n  -\u00a0x\n  # c\n  - y\n  - {id: c, m: d}\n", 2, "(U+00A0) at column 4: after"),
        # inside a flow mapping: a full-width comma before the next key
        ("t: {zh: 湖北\uff0cen: Hubei}\n", 1, "a full-width comma '\uff0c' (U+FF0C) at column 11"),
        ("t: [{id: a\uff0c mention: b}]\n", 1, "(U+FF0C) at column 11: YAML separates the items"),
    ],
)
def test_a_look_alike_character_that_breaks_the_yaml_is_named(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    assert _yaml_error(tmp_path, text)[0] == line
    assert message in _yaml_error(tmp_path, text)[1]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "places:\n  \uff0d ezhou\n",
            "it holds a full-width hyphen '\uff0d' (U+FF0D) at column 3: a list",
        ),
        ("places:\n  \u2014 ezhou\n", "it holds an em dash '\u2014' (U+2014) at column 3: a list"),
        (
            "places:\n  -\u00a0ezhou\n",
            "it holds a no-break space (U+00A0) at column 4: after a list item's '-' YAML needs",
        ),
        ("places:\n  -\u3000ezhou\n", "(U+3000) at column 4: after a list item's '-' YAML needs"),
    ],
    ids=["full-width-hyphen", "em-dash", "no-break-space", "ideographic-space"],
)
def test_a_look_alike_that_turns_an_item_into_text_is_named(
    tmp_path: Path, written: str, said: str
) -> None:
    # YAML read a full-width hyphen and 'ezhou' as the text of places: "must be a list …,
    # not the text …", with nothing said of the character that looks like '-' and is not.
    errors = _case_errors(tmp_path, "places: [ezhou]\n", written)
    assert [(e.line, e.path) for e in errors] == [(8, "places")], errors
    assert "must be a list" in errors[0].message, errors
    assert said in errors[0].message, errors


def _case_errors(tmp_path: Path, old: str, new: str) -> list[DataError]:
    """The errors of a copy of the real data with ``old`` replaced by ``new`` (once) in
    the case file 03-huahu-airport-opening-up.yaml."""
    import shutil

    data = Path(shutil.copytree(Path(__file__).parents[1] / "data", tmp_path / "data"))
    case = data / "cases" / "03-huahu-airport-opening-up.yaml"
    text = case.read_text(encoding="utf-8")
    assert old in text
    case.write_text(text.replace(old, new, 1), encoding="utf-8")
    return io.load_data_folder(data).errors


#: The first what: of case 03, on its line 38 (column 11 is after '{').
WHAT = "what: {zh: 专业货运枢纽机场, en: professional cargo hub airport}"


@pytest.mark.parametrize(
    ("old", "new", "line", "path", "said"),
    [
        # a full-width colon after zh in {..}: YAML read the key 'zh\uff1a 专业货运枢纽机场'
        # with no value, and it said "zh is missing" and "a text with a comma or colon
        # inside {…} must be quoted"
        (
            WHAT,
            WHAT.replace("zh:", "zh\uff1a"),
            38,
            "claims[0].what.zh",
            "a full-width colon '\uff1a' (U+FF1A) at column 14: after a key YAML needs ':'",
        ),
        (
            WHAT,
            WHAT.replace("zh: ", "zh\uff1a"),
            38,
            "claims[0].what.zh",
            "(U+FF1A) at column 14: after a key YAML needs ':' (the ASCII colon) and a space",
        ),
        # on a later item of a list: after mention in {id: china, mention: 全国}, the
        # third of its measure's
        (
            "      - {id: china, mention: 全国}\n      - ezhou\n",
            "      - {id: china, mention\uff1a 全国}\n      - ezhou\n",
            61,
            "measures[0].involves[2].mention",
            "(U+FF1A) at column 28: after a key YAML needs ':'",
        ),
        # a full-width comma in [..]: YAML read one item, "must be an id (got 'ezhou\uff0c
        # hubei')", without a word of the comma
        (
            "places: [ezhou]\n",
            "places: [ezhou\uff0chubei]\n",
            7,
            "places[0].id",
            "it holds a full-width comma '\uff0c' (U+FF0C) at column 15: YAML separates the",
        ),
        (
            "domains: [opening-up]\n",
            "domains: [opening-up, digital-economy\uff0c opening-up]\n",
            6,
            "domains[1]",
            "(U+FF0C) at column 38: YAML separates the items of [a, b]",
        ),
    ],
    ids=[
        "colon-in-a-flow-mapping",
        "colon-in-a-flow-mapping-no-space",
        "colon-on-a-later-list-item",
        "comma-in-a-flow-list",
        "comma-on-a-later-item-of-a-flow-list",
    ],
)
def test_a_look_alike_that_yaml_reads_without_failing_is_named_with_line_and_column(
    tmp_path: Path, old: str, new: str, line: int, path: str, said: str
) -> None:
    errors = _case_errors(tmp_path, old, new)
    assert [(e.line, e.path) for e in errors] == [(line, path)], errors
    assert said in errors[0].message, errors[0].message


@pytest.mark.parametrize(
    ("old", "new", "path"),
    [
        # Chinese text in a flow mapping holds full-width commas and colons: not syntax
        (WHAT, WHAT.replace("专业货运", "专业\uff0c货运\uff1a"), None),
        # quoted, a text is a text: the comma was meant to be in it
        ("places: [ezhou]\n", 'places: ["ezhou\uff0chubei"]\n', "places[0].id"),
        # wrong for another reason: Chinese in an English label
        (WHAT, WHAT.replace("en: professional", "en: 货运\uff0cprofessional"), "claims[0].what.en"),
        # a key of Chinese before a full-width colon is text, not a key
        (WHAT, WHAT.replace("zh: ", "zh: 货运\uff1a"), None),
    ],
    ids=["chinese-text", "quoted", "chinese-in-english", "colon-after-chinese"],
)
def test_full_width_punctuation_of_chinese_text_is_not_taken_for_yaml_syntax(
    tmp_path: Path, old: str, new: str, path: str | None
) -> None:
    errors = _case_errors(tmp_path, old, new)
    assert [e.path for e in errors] == ([] if path is None else [path]), errors
    assert not any("U+FF0C" in e.message or "U+FF1A" in e.message for e in errors), errors


def test_a_full_width_colon_inside_a_text_is_not_blamed_for_another_mistake(
    tmp_path: Path,
) -> None:
    # Chinese text holds full-width colons: only one after a key is the mistake.
    line, message = _yaml_error(tmp_path, "quote: 策划\uff1a湖北省委改革办\nb: [1, 2\n")
    assert line == 3
    assert message.startswith("malformed YAML:")
    assert "U+FF1A" not in message


# --------------------------------------------------------------------------- invisible


@pytest.mark.parametrize(
    ("text", "line", "path", "message"),
    [
        ("a: {zh: 湖北\u200b, en: Hubei}\n", 1, "a.zh", "U+200B ZERO WIDTH SPACE, an invisible"),
        ("a: {zh: 湖北\u200b, en: Hubei}\n", 1, "a.zh", "), at column 11, is not allowed"),
        ("a:\n  - 武\u202e汉\n", 2, "a[0]", "U+202E RIGHT-TO-LEFT OVERRIDE, an invisible control"),
        ("a:\n  label\u2060: x\n", 2, "a", "U+2060 WORD JOINER, an invisible character"),
        ("a:\n  label\u2060: x\n", 2, "a", "it) in a key, at column 8, is not allowed"),
        # a folded text: the line and column of the character, not where the text begins
        ("a: >\n  one two\n  three\u00ad four\n", 3, "a", "U+00AD SOFT HYPHEN"),
        ("a: >\n  one two\n  three\u00ad four\n", 3, "a", "), at column 8, is not allowed"),
        ('a: "x\\U000E0041"\n', 1, "a", "written as the escape \\U000E0041, at column 6"),
        ("a: x\nb: y  # \u2067z\u2069\n", 2, "", "U+2067 RIGHT-TO-LEFT ISOLATE"),
        ("a: x\nb: y  # \u2067z\u2069\n", 2, "", "shows after it) in a comment, at column 9"),
        ("a: x\ufeffy\n", 1, "a", "U+FEFF ZERO WIDTH NO-BREAK SPACE, an invisible character"),
    ],
    ids=[
        "in-a-label",
        "in-a-label-column",
        "in-a-list-item",
        "in-a-key",
        "in-a-key-column",
        "in-a-folded-text",
        "in-a-folded-text-column",
        "written-as-an-escape",
        "in-a-comment",
        "in-a-comment-column",
        "byte-order-mark-inside-a-text",
    ],
)
def test_an_invisible_character_is_named_with_its_line_and_column(
    tmp_path: Path, text: str, line: int, path: str, message: str
) -> None:
    from reformgraph.errors import DataErrors

    file = tmp_path / "x.yaml"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(DataErrors) as raised:
        io.read_yaml(file, "x.yaml")
    [error] = raised.value.errors
    assert (error.line, error.path) == (line, path), error
    assert message in error.message, error.message
    assert "delete" in error.message


def test_the_invisible_characters_are_the_direction_controls_and_those_shown_as_nothing() -> None:
    # the controls of the direction of text, then zero-width and other unshown characters
    refused = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    refused += "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u034f\u3164\ufe0f\U000e0041"
    assert [c for c in refused if not INVISIBLE.match(c)] == []
    # what Chinese and English text holds: letters, spaces, punctuation, full-width forms
    shown = "湖北省 Hubei\u3000\u00a0\uff0c\u3002\u201c\u201d\uff08\uff09\uff1a\u3001\u2026\u00b7"
    assert INVISIBLE.search(shown) is None


def test_a_byte_order_mark_at_the_start_of_a_yaml_file_is_not_part_of_its_text(
    tmp_path: Path,
) -> None:
    file = tmp_path / "x.yaml"
    file.write_bytes("\ufeffa: {zh: 湖北, en: Hubei}\n".encode())
    assert io.read_yaml(file, "x.yaml")[0] == {"a": {"zh": "湖北", "en": "Hubei"}}


# --------------------------------------------------------------------------- source layout

TEXT = "标题\n办公室\n第一段。\n第二段。"


@pytest.mark.parametrize(
    "text",
    [TEXT, TEXT + "\n", "\n" + TEXT, TEXT + "\n\n", "含\u3000空格的段落\n办公室"],
    ids=[
        "as-published",
        "final-lf",
        "leading-blank-line",
        "trailing-blank-lines",
        "inner-space",
    ],
)
def test_a_source_text_in_the_layout_the_build_reads_has_no_layout_errors(text: str) -> None:
    assert io.source_layout_errors(text, "s.txt") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TEXT.replace("\n", "\r\n"), [(1, "has Windows (CRLF) line endings")]),
        (TEXT.replace("\n", "\r"), [(1, "has old Mac (CR) line endings")]),
        ("标题\n办公室\r\n第一段。", [(2, "has Windows (CRLF) line endings")]),
        (TEXT.replace("\n", "\n\u3000\u3000"), [(2, "lines 2, 3, 4 begin with ideographic")]),
        (TEXT.replace("\n", "\t\n"), [(1, "lines 1, 2, 3 end with tabs")]),
        (TEXT.replace("\n", "\n\n"), [(2, "blank lines 2, 4, 6:")]),
        ("标题\n \n办公室", [(2, "blank line 2:")]),
        (
            TEXT.replace("\n", " \r\n\r\n"),
            [
                (1, "has Windows (CRLF) line endings"),
                (1, "lines 1, 3, 5 end with spaces"),
                (2, "blank lines 2, 4, 6:"),
            ],
        ),
        ("", [(None, "the source text is empty")]),
        (" \n\u3000\n", [(None, "the source text is empty")]),
        # a terminal's command (\e[2J clears the screen), which a quote would carry
        ("标题\n办公\x1b[2J室\n", [(2, "holds U+001B, a control character, at column 3")]),
        (
            "标题\x07\r\n办公室\r\n",
            [(1, "holds U+0007, a control character"), (1, "has Windows (CRLF)")],
        ),
        # invisible characters: the text looks the same without them, or shown reordered
        (
            "标题\n办公\u202e室\n",
            [(2, "holds U+202E RIGHT-TO-LEFT OVERRIDE, an invisible control of the direction")],
        ),
        ("标题\n办公\u200b室\n", [(2, "holds U+200B ZERO WIDTH SPACE, an invisible character")]),
        ("标题\ufeff\n办公室\n", [(1, "holds U+FEFF ZERO WIDTH NO-BREAK SPACE")]),
        # a byte-order mark opening the file would be character 0 of every offset
        ("\ufeff" + TEXT, [(1, "starts with a byte-order mark (U+FEFF) at column 1")]),
        ("标题\n办公室\n第一\u00ad段", [(3, "holds U+00AD SOFT HYPHEN, an invisible character")]),
        ("标题\n第一段\u2066。\n", [(2, "U+2066 LEFT-TO-RIGHT ISOLATE")]),
        ("标题\n第一段\u2066。\n", [(2, "shows after it), at column 4: a source text is")]),
    ],
)
def test_a_source_text_laid_out_otherwise_is_one_error_for_each_problem(
    text: str, expected: list[tuple[int | None, str]]
) -> None:
    errors = io.source_layout_errors(text, "s.txt")
    assert len(errors) == len(expected), errors
    for error, (line, message) in zip(errors, expected, strict=True):
        assert (error.file, error.line, error.path) == ("s.txt", line, "")
        assert message in error.message, error.message


# --------------------------------------------------------------------------- English


def test_a_definition_may_quote_chinese_but_an_english_label_may_not() -> None:
    from pydantic import ValidationError

    from reformgraph.models import Entity

    entity = {
        "id": "x",
        "type": "concept",
        "label": {"zh": "支点", "en": "pivot"},
        "definition": {"en": "支点 (pivot) is the province's own word"},
    }
    Entity.model_validate(entity)
    for where in ("label", "alt_labels"):
        bad = dict(entity, **{where: {"zh": "支点", "en": "支点"}})
        if where == "alt_labels":
            bad[where] = [bad[where]]
        with pytest.raises(ValidationError, match="the English holds Chinese"):
            Entity.model_validate(bad)


def test_a_minus_sign_before_a_number_is_not_taken_for_a_list_items_dash(
    tmp_path: Path,
) -> None:
    # value: −37 (U+2212) said "a list item begins with '-' (the ASCII hyphen) and a
    # space": a dash look-alike counts only where a space (or nothing) follows it.
    import shutil

    data = Path(shutil.copytree(Path(__file__).parents[1] / "data", tmp_path / "data"))
    case = data / "cases" / "01-big-fiscal-system.yaml"
    text = case.read_text(encoding="utf-8")
    old = "value: 370800000000\n"
    assert old in text
    case.write_text(text.replace(old, "value: \u2212370800000000\n", 1), encoding="utf-8")
    errors = io.load_data_folder(data).errors
    assert [e.path for e in errors] == ["measures[0].figures[1].value"], errors
    assert "must be a number" in errors[0].message
    assert "list item" not in errors[0].message


@pytest.mark.parametrize(
    ("line", "path"),
    [
        (1, ("title",)),
        (3, ("measures", 0, "id")),
        (4, ("measures", 0, "text")),
        (6, ("measures", 0, "text")),  # inside a multi-line value: the value it is in
        (7, ("measures", 1, "id")),
    ],
)
def test_a_line_is_named_by_the_deepest_value_on_it_or_the_value_it_continues(
    tmp_path: Path, line: int, path: tuple[str | int, ...]
) -> None:
    file = tmp_path / "case.yaml"
    file.write_text(
        "title: t\nmeasures:\n  - id: m1\n    text: >\n      first line\n      second line\n"
        "  - id: m2\n",
        encoding="utf-8",
    )
    assert io.read_yaml(file, "case.yaml")[1].path_at(line) == path


@pytest.mark.parametrize(
    ("data", "hint"),
    [
        ("title: 推进\n".encode("utf-16"), "(it is UTF-16, by its byte-order mark"),
        ("id: x\ntitle: 推进\n".encode("utf-16-le"), "(it looks like UTF-16LE, without a"),
        ("id: x\ntitle: 推进\n".encode("gb18030"), "(it reads as GB18030/GBK Chinese"),
        ("title: 推进\n".encode() + b"\xff\n", None),  # UTF-8, one stray byte
    ],
    ids=["utf-16", "utf-16le-without-its-mark", "gb18030", "utf-8-with-a-stray-byte"],
)
def test_a_file_that_is_not_utf8_is_told_what_it_seems_to_be_written_in(
    tmp_path: Path, data: bytes, hint: str | None
) -> None:
    file = tmp_path / "case.yaml"
    file.write_bytes(data)
    with pytest.raises(io.DataErrors) as caught:
        io.read_text_file(file, "case.yaml")
    (error,) = caught.value.errors
    assert error.message.startswith("not UTF-8: byte 0x"), error
    if hint is None:
        assert "(it " not in error.message, error
    else:
        assert hint in error.message, error


# --------------------------------------------------------------------------- the schema's rules

_UNIT = {"id": "u", "type": "unit", "label": {"zh": "元", "en": "yuan"}, "symbols": ["元"]}
_CHANGE = {"id": "c", "quote": "提高3个", "indicator": "i", "direction": "increase"}


@pytest.mark.parametrize(
    ("model", "valid", "broken", "message"),
    [
        pytest.param(
            "DateRef",
            {"text": "2024年12月以来", "since": "2024-12"},
            {"since": "2024-13"},
            "'since' has no month '13'",
            id="since-in-a-month-that-does-not-exist",
        ),
        pytest.param(
            "Entity",
            {**_UNIT, "code": "CNY"},
            {"code": None},
            "a unit needs 'symbols' (the words that denote it in a figure's text) and a 'code'",
            id="unit-without-a-code",
        ),
        pytest.param(
            "Entity",
            {**_UNIT, "code": "CNY"},
            {"symbols": []},
            "a unit needs 'symbols'",
            id="unit-without-symbols",
        ),
        pytest.param(
            "Entity",
            {"id": "c", "type": "concept", "label": {"zh": "支点", "en": "pivot"}},
            {"part_of": ["hubei"]},
            "'part_of' is only for places, platforms and instruments, not concept",
            id="concept-part-of-another",
        ),
        pytest.param(
            "Entity",
            {"id": "c", "type": "concept", "label": {"zh": "支点", "en": "pivot"}},
            {"conversion": {"unit": "second", "factor": 60}},
            "'symbols', 'code', 'qudt' and 'conversion' are only for units",
            id="concept-converted-to-a-unit",
        ),
        pytest.param(
            "Mention",
            {"id": "hubei", "mention": "湖北"},
            {"implied": True},
            "give either 'mention' or 'implied: true', not both",
            id="mention-both-worded-and-implied",
        ),
        pytest.param(
            "Change",
            {**_CHANGE, "difference": {"text": "3个", "value": 3, "unit": "count"}},
            {"difference": None},
            "a change needs a baseline, a result or a difference",
            id="change-without-a-number",
        ),
    ],
)
def test_a_record_that_breaks_a_rule_of_the_schema_is_refused_saying_which(
    model: str, valid: dict[str, Any], broken: dict[str, Any], message: str
) -> None:
    from pydantic import BaseModel, ValidationError

    from reformgraph import models

    cls = getattr(models, model)
    assert issubclass(cls, BaseModel)
    cls.model_validate(valid)  # the rule alone refuses the broken record
    with pytest.raises(ValidationError, match=re.escape(message)):
        cls.model_validate({**valid, **broken})


def test_a_utf16_file_of_ascii_alone_is_told_it_is_utf16(tmp_path: Path) -> None:
    # Its bytes are valid UTF-8, every other one a NUL.
    file = tmp_path / "case.yaml"
    file.write_bytes("id: x\nsource: y\n".encode("utf-16-le"))
    with pytest.raises(io.DataErrors) as caught:
        io.read_text_file(file, "case.yaml")
    (error,) = caught.value.errors
    assert error.message.startswith("contains NUL characters"), error
    assert "(it looks like UTF-16LE, without a byte-order mark" in error.message, error


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        (
            "figures:\n- id: x\n  value: 8600\n   unit: count\n",
            4,
            "indented 3 spaces, more than line 3 above it (2)",
        ),
        (
            "figures:\n- id: x\n   value: 8600\n",
            3,
            "indented 3 spaces, more than line 2 above it (2)",
        ),
        ("quote: 目标: 完成\n", 1, "a text that holds ': ' (a colon and a space) must be quoted"),
    ],
    ids=["key-indented-deeper", "key-deeper-than-list-item", "unquoted-colon"],
)
def test_a_colon_where_yaml_allows_no_key_is_told_how_to_mend_it(
    tmp_path: Path, text: str, line: int, hint: str
) -> None:
    # PyYAML says only "mapping values are not allowed in this context".
    where, message = _yaml_error(tmp_path, text)
    assert where == line
    assert message.startswith("malformed YAML:")
    assert hint in message, message

"""Everything found in a report: its structure and, case by case, the facts."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reformgraph.extract.facts import (
    _ANAPHORA,
    _NATIONAL,
    Context,
    Facts,
    FigureFound,
    Item,
    Qty,
    _changes,
    _clause,
    _date_before,
    _dates,
    _indicator,
    _overlaps,
    _quantities,
    _rankings,
    _sentence,
    is_threshold,
)
from reformgraph.extract.lexicon import _CJK, Place, _trie_pattern, lexicon
from reformgraph.extract.names import (
    _LEVELS_GROUP,
    _STOP_RE,
    _documents,
    _enumerations,
    _homogeneous_lists,
    _item,
    _organs,
    _place_matches,
    _places,
    _protected,
    _quoted_items,
    _resolve_overlaps,
    _suffix_instruments,
    _suffix_orgs,
    _suffix_platforms,
    _suffix_sites,
)
from reformgraph.extract.outcomes import _outcomes
from reformgraph.extract.relations import _nested_bodies, _relations
from reformgraph.extract.report import TODO_EN, Report
from reformgraph.extract.structure import CaseFound, Line, Structure, _structure
from reformgraph.models import EntityType
from reformgraph.resolve import PURE_NUMBER


def _hash_id(prefix: str, label: str) -> str:
    return f"{prefix}-{hashlib.sha1(label.encode('utf-8')).hexdigest()[:8]}"


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
        changes, used = _changes(text, lo, hi, quantities, dates, ctx)
        facts.changes += changes
        for index, q in enumerate(quantities):
            if index in used:
                continue
            if is_threshold(text, q.start, q.end):
                continue  # 10万元以上的村: it defines the villages; drafted as an exception
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
        facts.outcomes += _outcomes(text, lo, hi, ctx, line_items, quantities)
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
    for m in _place_matches(text, 0, len(text)):
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
        for m in _place_matches(text, line.start, line.end):
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


def _conversions(units: dict[str, dict[str, Any]]) -> dict[str, tuple[str, Decimal]]:
    """The units with a conversion to another that is one of ``units``: (that one, how
    many of it one of the unit is)."""
    out = {}
    for unit_id, unit in units.items():
        conversion = unit.get("conversion")
        if conversion is not None and conversion.get("unit") in units:
            out[unit_id] = (conversion["unit"], Decimal(str(conversion["factor"])))
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
    conversions = _conversions(unit_records)
    extra = _extra_places(text)
    extra_re = re.compile(_trie_pattern(extra)) if extra else None
    base = Context(province, None, symbols, extra, extra_re, count_unit, conversions)
    intro = _facts(text, structure.intro, base)
    cases = []
    for case in structure.cases:
        own = _province(text[case.start : case.end]) or province
        city = _city(text, [case.office, case.title, *case.body], own)
        ctx = Context(own, city, symbols, extra, extra_re, count_unit, conversions)
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

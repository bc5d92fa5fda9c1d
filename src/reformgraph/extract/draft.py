"""A draft data folder from an analysed report: entities, quotes, case files, checks."""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import re
import shutil
import tempfile
import time
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
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
from reformgraph.extract.analysis import Analysis, _hash_id, _province, analyse
from reformgraph.extract.facts import (
    _ANAPHORA,
    ChangeFound,
    Context,
    DateFound,
    Facts,
    FigureFound,
    Item,
    OutcomeFound,
    Qty,
    RankFound,
    RelationFound,
    _clause,
    _overlaps,
    _scope_words,
    _sentence,
    back_reference,
    threshold_after,
)
from reformgraph.extract.lexicon import Place, lexicon
from reformgraph.extract.names import _places
from reformgraph.extract.report import (
    DRAFT_MARKER,
    MANIFEST,
    TODO_EN,
    ExtractError,
    Progress,
    Report,
    read_report,
)
from reformgraph.extract.structure import CaseFound, is_title
from reformgraph.io import (
    CaseFile,
    Dataset,
    LineMap,
    SourceFile,
    StrPath,
    current_umask,
    load_data_folder,
)
from reformgraph.models import Case, Entity, EntityType, Qualifier, Source
from reformgraph.numerals import NUMERAL_CHARACTERS, date_phrases
from reformgraph.project import data_folder_above, is_data_folder
from reformgraph.resolve import Resolved, resolve

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


_FULL_OFFICE_NAME = re.compile("委(?:全面)?深化改革委员会办公室$")

#: Names that begin with 市, 县, 区 or 州 as a word of their own, not the place's level:
#: 市场监管局, 市民服务中心, 区域合作办, 县域经济 … are not a place's 市 …
_NOT_RELATIVE = re.compile(
    "(?:市场|市民|市县|市州|市区|县域|县乡|县区|区域|区块|区县|州市|市政(?!府))"
)

#: A document named by its kind alone (实施意见, 指导意见, 通知): whose it is, the text
#: around it says; as a relative name, it links only within its province.
_GENERIC_DOCUMENT = re.compile(
    "^(?:实施|指导|若干|工作|行动|配套)?(?:意见|通知|方案|办法|规定|措施|细则|计划|规划)$"
)

#: A name relative to the place the text is about: 省发改委, 市委改革办, 全省, 我市, and
#: 各改革专项小组办公室 (each of the place's own).
_RELATIVE_NAME = re.compile("^(?:省|市|县|区|州|全省|全市|我省|我市|本省|本市|各)(?!份)")


def _entity_provinces(curated: Dataset) -> dict[str, set[str]]:
    """For each curated entity, the provinces of the source texts whose cases (or
    introductions, or metadata) name it."""
    from pydantic import BaseModel

    of_source = {sid: _province(source.text) for sid, source in curated.sources.items()}
    ids = set(curated.entities)
    found: dict[str, set[str]] = {}

    def walk(value: object, province: str) -> None:
        if isinstance(value, str):
            if value in ids:
                found.setdefault(value, set()).add(province)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), province)
        elif isinstance(value, list):
            for item in value:
                walk(item, province)

    for case in curated.cases:
        province = of_source.get(case.record.source)
        if province is not None:
            walk(case.record, province)
    for source_id, source in curated.sources.items():
        province = of_source.get(source_id)
        if province is not None:
            walk(source.record, province)
    return found


class Registry:
    """The entities of a draft: links to curated ones (copied in) and new drafts."""

    def __init__(self, curated: Dataset | None) -> None:
        self.curated: dict[str, Entity] = dict(curated.entities) if curated else {}
        self.curated_files: dict[str, str] = {}
        if curated is not None:
            for entity_id, (lines, _) in curated.entity_lines.items():
                self.curated_files[entity_id] = lines.file
        #: Every curated entity of each label (two provinces' offices may share one).
        self.index: dict[str, list[str]] = {}
        for entity in self.curated.values():
            for label in entity.zh_labels:
                ids = self.index.setdefault(_norm_label(label), [])
                if entity.id not in ids:
                    ids.append(entity.id)
        self.new: dict[str, dict[str, Any]] = {}
        self._new_by_label: dict[tuple[str, str], str] = {}
        self.copies: dict[str, Entity] = {}
        self.keys: dict[str, str] = {}
        self.labels_used: dict[str, set[str]] = {}
        self.extra: dict[str, Place] = {}
        self._by_group: dict[str, dict[str, str]] = {}
        #: The province the report is about, and the one the curated data is about.
        self.province: str | None = None
        #: The provinces of the texts that name each curated entity.
        self.provinces = _entity_provinces(curated) if curated else {}
        #: The place of the case being drafted (its office's): 市委改革办 there is its
        #: office, 市财政局 its 宜都市财政局 if the case names that (see :meth:`_local`).
        self.local: str | None = None

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
            stack += [*entity.part_of, *entity.broader, *filter(None, [entity.growth_rate_of])]
            if entity.conversion is not None:
                stack.append(entity.conversion.unit)
        return entity_id

    def _variants(self, label: str) -> list[str]:
        """The label, and the label without the report's province in front of it
        (湖北省发改委 → 省发改委): a name relative to the province, which links only to a
        curated entity of the same province (:meth:`_allowed`)."""
        out = [label]
        # 湖北省委全面深化改革委员会办公室 is 湖北省委改革办 by its full name
        short = _FULL_OFFICE_NAME.sub("委改革办", label)
        if short != label:
            out.append(short)
        if self.province is None:
            return out
        place = lexicon().places[self.province]
        for name in sorted(place.labels, key=len, reverse=True):
            if label.startswith(name) and len(label) > len(name) + 1:
                rest = label[len(name) :]
                out += [rest] if rest[0] in "省市" else ["省" + rest.lstrip("省")]
                break
        return out

    def _allowed(self, entity_id: str, word: str) -> bool:
        """Whether ``word`` of the report may name the curated entity: a name relative to
        the report's place (省发改委, 市委改革办, 省委), a group of bodies named by what they
        are (改革专项小组办公室), or a document named by its kind alone (实施意见), only
        names the bodies or document of the same province, so the
        entity must be named by a curated text about that province. Which province most
        curated texts are about does not matter: a Hunan report's 省发改委 is not Hubei's,
        however many Hunan texts the data holds."""
        # A group of bodies named by what they are (改革专项小组办公室, 相关部门) is the
        # report's own place's, as a name relative to it is, unless named as national.
        group = self.curated[
            entity_id
        ].type is EntityType.ORGANISATION_GROUP and not word.startswith(
            ("国家", "中央", "全国", "国务院", "中共中央", "党中央")
        )
        if not (group or _RELATIVE_NAME.match(word) or _GENERIC_DOCUMENT.match(word)):
            return True
        return self.province is not None and self.province in self.provinces.get(entity_id, ())

    def _curated_for(self, labels: Iterable[str], group: str | None) -> str | None:
        words = [v for label in labels for v in self._variants(label)]
        for word in words:
            for found in self.index.get(_norm_label(word), ()):
                if self._allowed(found, word):
                    return found
        if group is None:
            return None
        same = self._group_labels(group)
        for word in words:
            norm = _norm_label(word)
            if len(norm) < 4:
                continue
            close = difflib.get_close_matches(norm, list(same), n=1, cutoff=0.9)
            if close and self._allowed(same[close[0]], word) and self._nearby(same[close[0]]):
                return same[close[0]]
        return None

    def _nearby(self, entity_id: str) -> bool:
        """Whether a name only like a curated entity's (投资项目绩效评价平台 and Hubei's
        投资项目绩效综合评价平台) may be taken for it: only in a report about a province
        a curated text naming it is about (a Hunan report's look-alike is likely Hunan's
        own), or where either province is not known."""
        known = self.provinces.get(entity_id, set())
        return self.province is None or not known or self.province in known

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
        # One new entity per type and label, however it was found (湖南省委改革办 as the
        # source's planner and as a case's office line were two entities).
        same = (str(entity["type"]), str(entity["label"]["zh"]))
        if same in self._new_by_label:
            return self._new_by_label[same]
        entity_id = str(entity["id"])
        while entity_id in self.curated and entity_id not in self.copies:
            entity_id += "-draft"
        entity["id"] = entity_id
        self.new.setdefault(entity_id, entity)
        self._new_by_label.setdefault(same, entity_id)
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

    def _local(self, item: Item) -> str | None:
        """The body a name relative to the case's place names, if the draft has it by its
        full name: 市委改革办 in a case of 宜都市委改革办 is that office (drafted from the
        office line), 区财政局 in a case of 南康区 is 南康区财政局. Only a city's, county's
        or district's (a province's are :meth:`_variants`'). A body not met yet is drafted
        by its full name, with the words as its mention: the same words in another case are
        another place's (市财政局 of a Nanchang case and of a Ganzhou case were one entity,
        shared by both cases)."""
        if self.local is None or item.etype.group != "org" or len(item.label) < 2:
            return None
        place = self.extra.get(self.local) or lexicon().places.get(self.local)
        level = item.label[0]
        if place is None or level not in "市县区州" or not place.zh.endswith(level):
            return None
        full = place.zh[:-1] + item.label
        linked = self._curated_for([full], None)
        if linked is not None and self.curated[linked].type is item.etype:
            return self.copy(linked)
        known = self._new_by_label.get((item.etype.value, full))
        if (
            known is not None
            or item.etype is EntityType.ORGANISATION_GROUP
            or _NOT_RELATIVE.match(item.label)
        ):
            return known
        return self._add(
            {
                "id": _hash_id(_GROUP_PREFIX[item.etype.group], full),
                "type": item.etype.value,
                "label": {"zh": full, "en": TODO_EN},
            }
        )

    def item(self, item: Item) -> str:
        """The entity an item refers to: a curated one if it matches, else a new draft."""
        local = self._local(item)
        if local is not None:
            self.labels_used.setdefault(local, set()).add(item.text)
            return local
        if item.key in self.keys:
            entity_id = self.keys[item.key]
        elif item.key.startswith("place:"):
            entity_id = self.place(item.key.split(":", 1)[1])
        else:
            linked = self._curated_for([item.label, item.text], item.etype.group)
            drafted = self._drafted_as(item)
            if linked is not None:
                entity_id = self.copy(linked)
            elif drafted is not None:
                entity_id = drafted
                # Another full name is a label of it (a name relative to a place, a mention).
                if item.text[0] not in "省市县区州" and item.text not in self.labels(entity_id):
                    entity = self.new[entity_id]
                    entity["alt_labels"] = [
                        *entity.get("alt_labels", []),
                        {"zh": item.text, "en": TODO_EN},
                    ]
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

    def _drafted_as(self, item: Item) -> str | None:
        """The new entity of the same type the draft has under another name of the body:
        南昌市委改革办 (its office line) for 南昌市委全面深化改革委员会办公室 and the other
        way round; 江西省数据局 for 省数据局, a name relative to the report's province, and
        the other way round."""
        if item.etype.group != "org":
            return None
        names = self._variants(item.label)[1:]
        if item.label.endswith("委改革办"):
            stem = item.label[: -len("改革办")]
            names += [stem + "全面深化改革委员会办公室", stem + "深化改革委员会办公室"]
        if item.label.startswith("省") and self.province is not None:
            province = lexicon().places[self.province].zh
            if province.endswith("省"):
                names.append(province + item.label[1:])
        for name in names:
            found = self._new_by_label.get((item.etype.value, name))
            if found is not None:
                return found
        return None

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
            unit = self.new[unit_id] = dict(package_units[unit_id])
            base = unit.get("conversion", {}).get("unit")
            if base is not None:  # one of the units (see _rebased): it comes with it
                self.unit(base, package_units)
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
        #: Who carries out the case being written (see :func:`_subjects`): the holders of
        #: the roles its sentences leave unsaid. None in an introduction.
        self.subjects: list[Item] = []
        #: Who holds the lead of a relation its sentences leave unsaid: the subjects, or
        #: the place a site that opens the case is named after (see :func:`_site_place`).
        self.leads: list[Item] = []

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
            if takers:  # 襄阳市入选…试点地区: who takes it, if not who gives it
                if assigned:
                    out["assigned_by"] = _unique(assigned)
                out["assigned_to"] = _unique(takers)
            elif data["stage"] == "pilot" and o.programme is not None and self.subjects:
                # 在首批“双智试点”城市综合评估…: the case's subject holds the pilot it names
                out["assigned_to"] = [
                    {"id": self.registry.item(subject), "implied": True}
                    for subject in self.subjects
                ]
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
            if role in r.implied:
                if not self.leads:
                    self.notes.append(
                        f"{where}: a {r.kind} relation whose {role} the sentence leaves"
                        f" unsaid ({quote}), and the case names no subject: add it by hand"
                    )
                    return None
                out[role] = [
                    {"id": self.registry.item(subject), "implied": True} for subject in self.leads
                ]
            else:
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


def _office_place(case: CaseFound) -> str | None:
    """The place whose office the case's office line names (宜都市委改革办: 宜都市)."""
    lex = lexicon()
    found = lex.place_re.match(case.office.text)
    return lex.place_names[found[0]] if found else None


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


def _rebased(
    units: dict[str, dict[str, Any]], package: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """``units`` with each conversion naming one of them: a package unit whose base unit
    was set aside for a curated unit of the same words (秒 under another id) converts to
    that one, if it is not converted itself; else the unit goes without a conversion."""
    owner = {s: uid for uid, u in units.items() for s in u.get("symbols", [])}
    out = {}
    for uid, unit in units.items():
        base = unit.get("conversion", {}).get("unit")
        if base is None or base in units:
            out[uid] = unit
            continue
        words = package.get(base, {}).get("symbols", [])
        other = next((owner[w] for w in words if w in owner), None)
        rest = {k: v for k, v in unit.items() if k != "conversion"}
        if other is not None and "conversion" not in units[other]:
            rest["conversion"] = {**unit["conversion"], "unit": other}
        out[uid] = rest
    return out


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
        units = _rebased(units, lexicon().units)
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
    for n, (case, facts, ctx) in enumerate(analysis.cases, start=1):
        if progress is not None:
            progress("extract", n - 1, total)
        case_id = f"{source_id}-case-{case.position:02d}"
        where = f"case {case.position} ({case.title.text})"
        writer.notes += _untitled_cases(case, where)
        writer.counters = {}
        registry.local = _office_place(case)
        record: dict[str, Any] = {
            "id": case_id,
            "source": source_id,
            "position": case.position,
            "title": {"zh": case.title.text, "en": TODO_EN},
            "office": _office(case, registry),
            "domains": [_domain(case, registry)],
        }
        places = []
        # 全国 of 居全国第2, 入选全国典型案例, 在全国率先: the scope of a ranking or an
        # outcome, not a place where the case is carried out.
        scoped = [(r.start, r.end) for r in facts.rankings]
        scoped += [(o.start, o.end) for o in facts.outcomes]
        for item in facts.items:
            if (
                item.kind == "place"
                and item.etype is not EntityType.SITE
                and case.start <= item.start < case.end
                and not (
                    item.text in _scope_words()
                    and any(s <= item.start and item.end <= e for s, e in scoped)
                )
            ):
                places.append(writer.mention(item))
        if places:
            record["places"] = _unique(places)
        subjects = writer.subjects = _subjects(text, case, facts.items)
        if subjects:
            record["carried_out_by"] = _unique([writer.mention(it) for it in subjects])
        site_place = None if subjects else _site_place(text, case, facts.items, ctx)
        writer.leads = subjects or ([site_place] if site_place is not None else [])
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
        else:
            writer.notes.append(
                f"{where}: no numbered measures (一是…, (一)…) found: its facts are the"
                " case's own; if the text does number measures, mark them by hand"
            )
        cases.append(record)
    if progress is not None:
        progress("extract", total, total)
    notes += writer.notes
    return Draft(meta, text, cases, registry, notes, analysis)


#: A time that may open a case's first sentence (近年来, 2023年9月以来, 今年以来), and its comma.
_TIME_FIRST = (
    r"(?:(?:近|今|去|自|从|多|本|上|[0-9])[^,\uff0c。;\uff1b]{0,11}?"
    r"(?:以来|年来|年|月|底|初|起)[,\uff0c])"
)
#: What the case is done for, that may open its first sentence (为破解企业融资难题,).
_PURPOSE_FIRST = r"(?:为了?[^,\uff0c。;\uff1b:\uff1a]{2,40}?[,\uff0c])"
#: What may come before the subject of a case's first sentence: a time, what the case is
#: done for, or both (为进一步优化营商环境,2023年以来,襄阳市…).
_BEFORE_SUBJECT = re.compile(f"{_TIME_FIRST}?{_PURPOSE_FIRST}?{_TIME_FIRST}?")
#: What may join a scope word to the bodies it qualifies: 全省各级相关部门.
_SCOPE_TO_BODY = re.compile(r"(?:各级|各地|各|有关|相关)?")


#: What joins two bodies that carry a case out together: 省财政厅、省税务局 or 和, 与, 及.
_SUBJECT_JOINT = re.compile("(?:\u3001|和|与|以及|及)")


def _subjects(text: str, case: CaseFound, items: Sequence[Item]) -> list[Item]:
    """Who carries the case out, as its first sentence says: the organisation or the
    administrative area that begins it, after a time or a purpose and its comma
    (武汉市承接…, 2023年以来,安吉县聚焦…, 为破解企业融资难题,襄阳市…), and each body
    joined to it by \u3001, 和, 与 or 及 (省财政厅\u3001省税务局联合…: both). None when
    the sentence begins otherwise (在全国率先实施…, or a site: 鄂州花湖国际机场作为…)."""
    first = case.first
    lead = _BEFORE_SUBJECT.match(text, first.start, first.end)
    at = lead.end() if lead is not None else first.start
    subjects: list[Item] = []
    while (subject := _subject_at(text, at, items)) is not None:
        subjects.append(subject)
        joint = _SUBJECT_JOINT.match(text, subject.end, first.end)
        if joint is None:
            break
        at = joint.end()
    return subjects


def _subject_at(text: str, at: int, items: Sequence[Item]) -> Item | None:
    """The organisation or administrative area that begins at ``at``. A scope word before
    bodies makes one body of them all (全省各级相关部门, not 全省)."""
    starting = [it for it in items if it.start == at]
    if not starting:
        return None
    item = max(starting, key=lambda it: it.end)
    if item.etype is EntityType.ADMINISTRATIVE_AREA and item.text.startswith("全"):
        joint = _SCOPE_TO_BODY.match(text, item.end)
        after = joint.end() if joint is not None else item.end
        bodies = [it for it in items if it.start == after and it.kind == "organisation"]
        if bodies:
            body = max(bodies, key=lambda it: it.end)
            words = text[item.start : body.end]
            return replace(body, start=item.start, text=words, label=words, key=f"scoped:{words}")
    if item.kind == "organisation" or item.etype is EntityType.ADMINISTRATIVE_AREA:
        return item
    return None


def _site_place(text: str, case: CaseFound, items: Sequence[Item], ctx: Context) -> Item | None:
    """The administrative area that begins the name of a site opening a case's first
    sentence (鄂州 of 鄂州花湖国际机场作为…). The site does not carry the case out, but
    the place it is named after does what the case's sentences leave unsaid: the lead of
    ,联合华彬集团成立… is 鄂州, implied. None when the sentence begins otherwise."""
    first = case.first
    lead = _BEFORE_SUBJECT.match(text, first.start, first.end)
    at = lead.end() if lead is not None else first.start
    starting = [it for it in items if it.start == at]
    if not starting:
        return None
    site = max(starting, key=lambda it: it.end)
    if site.etype is not EntityType.SITE:
        return None
    return next(
        (
            place
            for place in _places(text, site.start, site.end, ctx)
            if place.start == site.start
            and place.end < site.end
            and place.etype is EntityType.ADMINISTRATIVE_AREA
        ),
        None,
    )


def _untitled_cases(case: CaseFound, where: str) -> list[str]:
    """Notes for the lines of a case's text that read as the title of another case whose
    office line is missing: the case runs on over it, and its measures and figures go to
    this case's office, unless the reviewer adds the office line or splits the case."""
    return [
        f"{where}: the line {line.text!r} reads as the title of a case, but no office line"
        " follows it, so it is taken as part of this case: if it begins another case, add"
        " that case's office line to the text (or split the case by hand)"
        for line in case.body[:-1]
        if is_title(line.text)
    ]


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
        dated = next((d for d in date_phrases(text, *scope) if d.start <= u.offset < d.end), None)
        if u.character not in TRIGGERS and dated is not None:
            # 自2023年3月起 no fact holds: one exception for the date's words, not one for
            # 2023 and another, quoted 年3, for its month.
            s, e = dated.start, dated.end
            reason = (
                f"TODO: review: the date {text[s:e]!r} is not a fact's date;"
                " give it to the fact it dates (or as the case's start), or keep this"
                " exception and give the reason"
            )
        elif u.character not in TRIGGERS and (
            threshold := threshold_after(text, _numeral_run(text, u.offset, scope)[0], scope[1])
        ):
            s, e = threshold
            reason = (
                f"{text[s:e]} is a threshold ({text[s:e]}的\u2026): it defines what is"
                " counted and states no figure"
            )
        elif u.character not in TRIGGERS and (
            pointer := back_reference(text, _numeral_run(text, u.offset, scope)[0], *scope)
        ):
            s, e = pointer
            reason = (
                f"{text[s:e]} refers back to what the sentence has just named: it counts"
                " that list, and states no figure"
            )
        elif u.character not in TRIGGERS:
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


_SLUG = re.compile(r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+)*(?![\w-])")


def _annotate(yaml_text: str, registry: Registry) -> str:
    """Name the draft ids of each line in a comment, so a reader sees what they are."""
    out = []
    for line in yaml_text.splitlines():
        # Each name where its id stands, so that the names read in the order of the ids.
        found = [
            (m.start(), registry.new[m.group()]["label"]["zh"])
            for m in _HASHED_ID.finditer(line)
            if m.group() in registry.new
        ]
        if not line.lstrip().startswith("#"):
            # a curated entity linked to, by its label: the reviewer checks the link too
            found += [
                (m.start(), f"{registry.copies[m.group()].label.zh} (curated)")
                for m in _SLUG.finditer(line.split(" #", 1)[0])
                if m.group() in registry.copies
                and registry.copies[m.group()].type is not EntityType.UNIT
            ]
        names = [name for _, name in sorted(found)]
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
        "carried_out_by",
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
            "# To link the draft to another curated entity, paste its entry here unchanged"
            " (but for distinct_from ids this draft lacks).",
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
        # Absolute: check and accept read it from wherever they are run (a relative
        # --data named a folder from the working folder of extract, not from the draft).
        "curated": str(curated.resolve()) if curated is not None else None,
        "cases": [_case_file(r) for r in draft.cases],
        "drafts": sorted(registry.new),
        "copies": {k: registry.curated_files.get(k, "") for k in sorted(registry.copies)},
        "notes": draft.notes,
        # What extract wrote, so that --overwrite can tell an untouched draft from one
        # whose review has begun.
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(out.items())},
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
    if entity.conversion is not None:  # a number, not the text JSON makes of a Decimal
        record["conversion"]["factor"] = _number(entity.conversion.factor)
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
        "conversion",
        "definition",
        "broader",
        "part_of",
        "distinct_from",
        "growth_rate_of",
    ]
    ordered = {key: record[key] for key in order if key in record}
    return {**ordered, **{key: value for key, value in record.items() if key not in ordered}}


def _check_out_dir(out_dir: Path, curated: Path | None, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExtractError(str(out_dir), None, "the output is a file, not a folder")
    if curated is not None:
        target = out_dir.resolve()
        home = curated.resolve()
        if target == home or home in target.parents or target in home.parents:
            beside = home.parent / "drafts" / (target.name if target != home else "new")
            raise ExtractError(
                str(out_dir),
                None,
                f"refusing to write a draft into or around the curated data {curated}: a"
                " draft is a data folder of its own, to review before `reformgraph accept`"
                f" merges it; draft beside it (e.g. --out {beside})",
            )
    around = data_folder_above(out_dir)
    if around is not None:
        # Run in a data folder that is not a project's (or a project's data/ lacking one
        # of its subfolders), `--out drafts/new` wrote the draft into it.
        raise ExtractError(
            str(out_dir),
            None,
            f"is inside the data folder {around}: a draft is a data folder of its own, to"
            f" review before `reformgraph accept` merges it; draft beside it (e.g. --out"
            f" {around.parent / 'drafts' / out_dir.name})",
        )
    reviewed = _reviewed_cases(out_dir)
    if reviewed:
        # --overwrite replaced a whole curated data folder (the project's own, run from
        # elsewhere) with a one-case draft
        shown = ", ".join(reviewed[:3]) + (
            f" and {len(reviewed) - 3} more" if len(reviewed) > 3 else ""
        )
        raise ExtractError(
            str(out_dir),
            None,
            f"is a data folder holding {len(reviewed)} reviewed or curated case file(s)"
            f" ({shown}): extract never replaces them, even with --overwrite; draft into"
            " another folder",
        )
    if out_dir.is_dir() and any(not _litter(p.name) for p in out_dir.iterdir()):
        if not overwrite:
            raise ExtractError(
                str(out_dir),
                None,
                "the output folder is not empty: choose another, or replace it (--overwrite;"
                " overwrite=True from Python)",
            )
        touched = _touched_since_drafted(out_dir)
        if touched is not None:
            raise ExtractError(
                str(out_dir),
                None,
                f"{touched}: --overwrite replaces only a draft as extract wrote it; draft into"
                " another folder (or move the folder away yourself)",
            )


#: What file managers leave in the folders they show (macOS Finder, Windows Explorer,
#: KDE Dolphin): not a reviewer's edit, and replaced with the draft.
_LITTER = frozenset({".ds_store", "thumbs.db", "ehthumbs.db", "desktop.ini", ".directory"})


def _litter(name: str) -> bool:
    """Whether a file named ``name`` is a file manager's, not a user's (``._x`` is the
    AppleDouble file macOS writes beside ``x`` on a disk that is not its own)."""
    return name.lower() in _LITTER or name.startswith("._")


def _write_target(out_dir: Path) -> Path:
    """Where a draft for ``out_dir`` is written: ``out_dir``, or, if it is a symbolic
    link, the folder it links to (the link is left as it is, and still leads to it)."""
    return out_dir.resolve() if out_dir.is_symlink() else out_dir


def _touched_since_drafted(folder: Path) -> str | None:
    """Why ``folder`` is not a draft as extract wrote it (not a draft at all, or one whose
    review has begun: files changed, added or deleted), or None if it is one."""
    manifest_path = folder / MANIFEST
    try:
        manifest = yaml.safe_load(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return f"is not a draft folder made by reformgraph extract (it has no {MANIFEST})"
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        manifest = None
    written = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(written, dict):
        return f"is not a draft as this extract writes it ({MANIFEST} lists no files)"
    present = {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if not path.is_dir() and path != manifest_path and not _litter(path.name)
    }
    changed = []
    for name, path in present.items():
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = ""
        if written.get(name) != digest:
            changed.append(f"{name} ({'changed' if name in written else 'added'})")
    changed += [f"{name} (deleted)" for name in written if name not in present]
    if not changed:
        return None
    shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return f"is a draft whose review has begun: {shown} since extract wrote it"


def _reviewed_cases(folder: Path) -> list[str]:
    """The case files of a data folder that are not unreviewed drafts (their first line
    is not extract's marker): curated or reviewed work, which a draft must not replace."""
    if not is_data_folder(folder):
        return []
    reviewed = []
    for path in sorted((folder / "cases").rglob("*")):
        if not path.is_file() or path.suffix not in (".yaml", ".yml") or _litter(path.name):
            continue
        try:
            with path.open(encoding="utf-8", errors="replace") as handle:
                first = handle.readline().rstrip("\r\n")
        except OSError:
            first = ""
        if first != DRAFT_MARKER:
            reviewed.append(str(path.relative_to(folder)))
    return reviewed


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
        work.chmod(0o777 & ~current_umask())
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


#: The numbers a change states, each a figure of the graph as a stated figure is.
_CHANGE_VALUES = ("baseline", "result", "difference")


def _figures(records: Iterable[dict[str, Any]]) -> int:
    """The figures as ``build`` counts them: stated figures and the numbers of changes."""
    total = 0
    for record in records:
        for holder in (record, *record.get("measures", [])):
            total += len(holder.get("figures", []))
            for change in holder.get("changes", []):
                total += sum(key in change for key in _CHANGE_VALUES)
    return total


def extract(
    report: StrPath,
    out_dir: StrPath,
    *,
    curated: StrPath | None = None,
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
    # (text paths, as the rest of the library takes them, failed inside)
    report, out_dir = Path(report), Path(out_dir)
    curated = Path(curated) if curated is not None else None
    target = _write_target(out_dir)
    _check_out_dir(target, curated, overwrite)
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
    written = [out_dir / p.relative_to(target) for p in _publish(files_, target)]
    records = [*draft.cases]
    intro = draft.source.get("introduction", {})
    return ExtractResult(
        out_dir=out_dir,
        source_id=draft.source["id"],
        encoding=read.encoding,
        normalised=read.normalised,
        cases=len(draft.cases),
        measures=sum(len(c.get("measures", [])) for c in draft.cases),
        figures=_figures([*records, intro]),
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

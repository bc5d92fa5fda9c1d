"""The words extraction knows: a gazetteer of places, organs of government, unit words."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from reformgraph.models import EntityType

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

"""Synthetic data folders in reformgraph's YAML schema, for benchmarks and tests.

``synthesize(n, out)`` writes ``n`` cases shaped like the curated ones: sources of ten
cases each (an introduction line, then title, office and paragraph lines), three or four
numbered measures per case, figures with units, magnitudes and qualifiers, changes,
rankings, relations between organisations, and the qualitative outcomes: recognitions by
a higher level, innovation claims (全国首个, 在全国率先) and pilots, at the curated data's
rates per case, stated by the case as a whole or by one of its measures. The optional
fields are filled in the curated data's proportions (``FIELD_RATES``): figures, changes
and rankings say whose they are (全省, the province) and when (截至2024年底, 2024年,
今年以来), some figures are cumulative (累计) or count a narrower indicator (其中…), some
changes are stated by their difference alone (提升30.3%, 提高20多个百分点), relations
state their purpose, some are assistance (协助) or leave a participant unsaid (implied),
recognitions name the inspection or selection they came through (via), cases say when
they began, measures an exception (一批), and entities have definitions, alternative
labels and look-alikes (distinct_from). Everything is quoted from the synthetic text,
and every outcome word (率先, 首, 试点 …) lies in an outcome's words, so that the data
resolves and conforms like real data. Entities are shared across cases with a long tail:
a few hubs (offices, provinces, national bodies) appear in many cases, most entities in
one or two. Everything follows from the seed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import random
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import cast

import yaml

from reformgraph.project import data_folder_above

try:  # libyaml's dumper: the same text as PyYAML's own here (checked on 10,000 and 30,000
    # cases), four times as fast
    from yaml import CSafeDumper as _Dumper
except ImportError:  # a PyYAML built without libyaml
    from yaml import SafeDumper as _Dumper  # type: ignore[assignment]

__all__ = ["MAX_CASES", "SynthStats", "synthesize"]

CASES_PER_SOURCE = 10
#: The most cases ``synthesize`` writes. Every label is unique, made of a few word lists;
#: a case takes about 4.8 new indicator labels, of 1,440,000 that can be made, and past
#: about two thirds of them a new one takes ever more tries (at 300,000 cases they run out).
MAX_CASES = 150_000
#: The stage ``progress`` reports (not "cases", which the CLI calls checking the cases).
STAGE = "writing the synthetic cases"
ENTITIES_PER_FILE = 4000

_REGIONS = [
    "江岚",
    "云泽",
    "青川",
    "临湘",
    "北溪",
    "南屏",
    "东峪",
    "西岭",
    "石桥",
    "柳河",
    "松原",
    "梅岗",
    "桂林坪",
    "兰溪",
    "明湖",
    "金沙",
    "长汀",
    "白鹭",
    "翠屏",
    "凤凰岭",
]
_FIELDS = [
    "数据",
    "产业",
    "政务",
    "民生",
    "营商",
    "生态",
    "科技",
    "金融",
    "农业",
    "交通",
    "教育",
    "医疗",
    "养老",
    "文旅",
    "应急",
    "市场",
    "水利",
    "能源",
    "住房",
    "就业",
    "物流",
    "口岸",
    "税务",
    "社保",
    "城管",
    "园区",
    "供应链",
    "碳排放",
    "知识产权",
    "信用",
]
_ACTIONS = [
    "服务",
    "治理",
    "监管",
    "协同",
    "创新",
    "保障",
    "统筹",
    "评价",
    "共享",
    "联动",
    "整合",
    "调度",
    "审批",
    "监测",
    "预警",
    "流转",
    "赋能",
    "集成",
    "对接",
    "考核",
]
_KINDS = {
    "platform": ["平台", "系统", "专网", "窗口"],
    "mechanism": ["机制", "体系", "制度", "模式"],
    "government-body": ["局", "中心", "委员会", "办公室"],
    "concept": ["格局", "路径", "改革", "工程"],
    "indicator": ["规模", "数量", "率", "总额"],
    "reform-office": ["改革办", "改革专项小组办公室"],
    "pilot-programme": ["试点"],
}
_LEADS = [
    "加强{0}统筹",
    "完善{0}制度",
    "创新{0}模式",
    "推进{0}建设",
    "优化{0}流程",
    "拓展{0}场景",
    "健全{0}机制",
    "提升{0}效能",
]
_UNITS = [  # (unit id, word, magnitudes, value range, decimals)
    ("cny", "元", ["亿", "万亿", "万"], (1, 9000), 2),
    ("count", "家", ["", "万"], (2, 900), 0),
    ("count", "个", ["", "万"], (2, 9000), 0),
    ("count", "条", [""], (2, 900), 0),
    ("percent", "%", [""], (1, 99), 2),
    ("km", "公里", [""], (10, 9000), 0),
    ("mu", "亩", ["万"], (1, 900), 1),
    ("usd", "美元", ["亿"], (1, 90), 2),
]
_MAGNITUDE = {"": 1, "万": 10**4, "亿": 10**8, "万亿": 10**12}
_QUALIFIERS = [("", "exact"), ("超", "more-than"), ("约", "about"), ("近", "about")]
_MARKERS = ["一是", "二是", "三是", "四是"]

#: How often the curated data (data/cases, 8 cases) fills the optional fields of its facts,
#: as (so many, of so many): 27 of its 43 figures name their subject, 7 a date and 7 are
#: cumulative (累计); all 8 rankings name their subject and 4 a date, and 2 rank a growth
#: rate; 5 of 9 changes name their subject and 2 a date, and of the 5 stated by a result 2
#: give a baseline too; 3 of 28 measures state a relation, all 3 with its purpose; 1 case
#: of 8 says when it began (start), 6 name their province as 全省 (a mention); and 13
#: exceptions in 28 measures (一批, 这两个). A ranking of a growth rate shares its sentence, so its
#: date, with the change beside it: those are dated as changes are, and other rankings 5
#: in 8 times, so that half of all rankings are. Of its entities, 14 of 22 platforms, 22
#: of 35 mechanisms and 24 of 53 concepts have a definition, and 10 of the mechanisms are
#: part of another (part_of). Of its 9 changes, 4 are stated by their difference only (提升
#: 30.3%): 2 of them are the growth beside a ranking (同比增长13.4%), so 2 of the other 7,
#: and 1 of those 2 qualifies it (比改革前提高20多个百分点). 2 of 4 recognitions name the
#: inspection or selection they came through (via); of 3 relations 1 is an assistance
#: (协助) and 2 leave a participant unsaid (implied: 会同相关主管部门…, the paragraph's
#: body understood), as does the one pilot of a first batch (首批“双智试点”, Wuhan
#: understood). 2 of 43 figures count a narrower indicator than the figure before them
#: (其中独角兽企业5家, of 企业300余家: skos:broader). All 4 administrative areas have an
#: alternative label (湖北 and 湖北省), as do 1 of 22 platforms, 2 of 53 concepts and 5 of
#: 48 organisations (绩效平台, 国企). 4 of the 110 platforms, mechanisms and concepts and 6
#: of the 48 organisations are distinct_from a look-alike (轴幅式航空货运模式 and
#: “轴辐式”航空货运网络, 国家发改委 and 省发改委): here 2 and 3 pairs, each an entity and the
#: next of its kind, with the same words but the last (数据服务平台, 数据服务系统). Each is
#: dealt from a shuffled deck (:class:`_Deck`), so that a few dozen cases hold them in these
#: proportions, not just 10,000.
FIELD_RATES: dict[str, tuple[int, int]] = {
    "figure subject": (27, 43),
    "figure date": (7, 43),
    "figure cumulative": (7, 43),
    "ranking subject": (8, 8),
    "ranking date": (5, 8),
    "ranking of a growth rate": (1, 4),
    "change subject": (5, 9),
    "change date": (2, 9),
    "change baseline": (2, 5),
    "measure relation": (3, 28),
    "relation purpose": (3, 3),
    "case start": (1, 8),
    "case place mention": (6, 8),
    "measure exception": (13, 28),
    "platform definition": (14, 22),
    "mechanism definition": (22, 35),
    "concept definition": (24, 53),
    "mechanism part": (10, 35),
    "change by its difference": (2, 7),
    "difference qualifier": (1, 2),
    "recognition via": (2, 4),
    "relation assistance": (1, 3),
    "relation implied participant": (2, 3),
    "first-batch pilot implied assignee": (1, 1),
    "figure of a narrower indicator": (2, 43),
    "place alternative label": (4, 4),
    "platform alternative label": (1, 22),
    "concept alternative label": (2, 53),
    "organisation alternative label": (5, 48),
    "platform, mechanism or concept look-alike pair": (2, 110),
    "organisation look-alike pair": (3, 48),
}
#: The deck of FIELD_RATES that gives each kind of entity an alternative label or a
#: look-alike (the organisations: government bodies and reform offices).
_ALT_DECKS = {
    "administrative-area": "place alternative label",
    "platform": "platform alternative label",
    "concept": "concept alternative label",
    "government-body": "organisation alternative label",
    "reform-office": "organisation alternative label",
}
_ALIKE_DECKS = {
    "platform": "platform, mechanism or concept look-alike pair",
    "mechanism": "platform, mechanism or concept look-alike pair",
    "concept": "platform, mechanism or concept look-alike pair",
    "government-body": "organisation look-alike pair",
    "reform-office": "organisation look-alike pair",
}
#: The dates of the curated facts, as (as of a day: 截至2024年底; a year: 2024年; a phrase
#: with neither: 今年以来) in each kind's dates.
_DATE_KINDS = {"figure": (3, 1, 3), "ranking": (1, 3, 0), "change": (1, 1, 0)}
_YEARS = [2022, 2023, 2024, 2025]

#: Outcomes per case in the curated data (data/cases: 4 recognitions, 13 innovation claims
#: and 4 pilots in 8 cases), and the share of each that a case states as a whole rather
#: than in one of its measures (3 of 4, 4 of 13, 3 of 4).
OUTCOME_RATES = {"recognitions": 0.5, "claims": 1.625, "pilots": 0.5}
_CASE_LEVEL = {"recognitions": 0.75, "claims": 0.3, "pilots": 0.75}
#: National bodies, which recognise reforms (all of them) and assign pilots (the
#: ministries and commissions), and the inspections through which the State Council lists
#: typical experience. No outcome word (率先, 首, 试点 …) and no numeral in them.
_MINISTRIES = [
    "国家发展改革委",
    "财政部",
    "工业和信息化部",
    "商务部",
    "交通运输部",
    "国家市场监管总局",
]
_NATIONAL_BODIES = ["国务院", "全国人大常委会", "中央纪委", *_MINISTRIES]
#: The short names of national bodies, their alternative labels (as 国家发改委 in the
#: curated data).
_SHORT_NAMES = {
    "国家发展改革委": "国家发改委",
    "工业和信息化部": "工信部",
    "国家市场监管总局": "市场监管总局",
    "中央纪委": "中纪委",
}
_INSPECTIONS = ["高质量发展综合督查", "营商环境专项督查", "重大政策落实情况督查"]
#: Recognitions: (form, level, weight, the quote's lead with {s} for what is recognised,
#: the words that make it, with {by} for who recognises it and {via} for the inspection
#: or the selection of typical cases of a field (全国数据领域改革典型案例), and who may
#: recognise it: national bodies, or the province when there are none). As many are made
#: with a {via} as without (FIELD_RATES). Each quote begins with a fixed word, so that no
#: quote lies inside another when one subject's label ends with another's.
_RECOGNITIONS: list[tuple[str, str, int, str, str, list[str]]] = [
    ("typical-experience", "national", 3, "推进{s}的做法", "被列入{by}{via}典型经验", ["国务院"]),
    ("typical-case", "national", 3, "建设{s}的经验", "获评{via}", []),
    (
        "experience-exchange",
        "national",
        2,
        "围绕{s}的做法",
        "在{by}相关会议上作经验交流",
        _NATIONAL_BODIES,
    ),
    (
        "institutional-rule",
        "national",
        2,
        "推行{s}的相关做法",
        "被{by}吸收为制度性规定",
        _NATIONAL_BODIES,
    ),
    ("commendation", "national", 1, "推进{s}的工作", "获{by}督查表扬", ["国务院"]),
    ("typical-case", "provincial", 2, "建设{s}的经验", "入选{by}改革典型案例", []),
    ("commendation", "provincial", 1, "推进{s}的工作", "获{by}通报表扬", []),
]
#: Innovation claims: (kind, scope, weight, the quote with {s} for what is claimed and
#: {v} for a verb, the words that make it, what is claimed).
_CLAIMS = [
    ("first-to-do", "china", 6, "在全国率先{v}{s}", "在全国率先{v}", "{v}{s}"),
    ("first-of-its-kind", "china", 4, "建成全国首个{s}", "全国首个", "{s}"),
    ("first-of-its-kind", "province", 1, "建成全省首个{s}", "全省首个", "{s}"),
    ("only-one", "china", 1, "打造全国唯一的{s}", "全国唯一", "{s}"),
    ("largest", "china", 1, "建成全国最大的{s}", "全国最大", "{s}"),
]
_CLAIM_VERBS = [("推行", "introducing"), ("实施", "implementing"), ("探索", "trying out")]
#: Pilots: (stage, weight, the quote, the words that make it), with {s} for what is tried
#: (in every quote), {p} for the province it is assigned to, {by} for who assigns it and
#: {programme} for the pilot programme.
_PILOTS = [
    ("pilot", 4, "{p}依托{s}承接{by}{programme}任务", "承接{by}{programme}任务"),
    ("pilot", 2, "推动{s}入选首批{programme}", "首批{programme}"),
    ("scaled-up", 1, "推动{s}扩大试点范围", "扩大试点范围"),
    ("generalised", 2, "推动{s}从试点先行到全面铺开", "从试点先行到全面铺开"),
]
_UNIT_ENTITIES: list[dict[str, object]] = [
    {
        "id": ident,
        "type": "unit",
        "code": code,
        "label": {"zh": zh, "en": en},
        "symbols": symbols,
        **({"qudt": qudt} if qudt else {}),
    }
    for ident, code, zh, en, symbols, qudt in (
        ("cny", "CNY", "元", "yuan (CNY)", ["元"], "http://qudt.org/vocab/currency/CNY"),
        ("usd", "USD", "美元", "US dollar (USD)", ["美元"], "http://qudt.org/vocab/currency/USD"),
        ("mu", "mu", "亩", "mu", ["亩"], None),
        ("km", "km", "公里", "kilometre", ["公里"], "http://qudt.org/vocab/unit/KiloM"),
        ("second", "s", "秒", "second", ["秒"], "http://qudt.org/vocab/unit/SEC"),
        ("percent", "%", "百分比", "percent", ["%"], "http://qudt.org/vocab/unit/PERCENT"),
        ("percentage-point", "pp", "百分点", "percentage point", ["个百分点", "百分点"], None),
        (
            "count",
            "count",
            "个数",
            "count",
            ["个", "家", "条", "件"],
            "http://qudt.org/vocab/unit/NUM",
        ),
    )
]


@dataclass
class SynthStats:
    """Per-case means of what was written, to compare with the curated data."""

    cases: int = 0
    measures: int = 0
    figures: int = 0
    entities: int = 0
    text: int = 0
    recognitions: int = 0
    claims: int = 0
    pilots: int = 0
    total_entities: int = 0
    uses: dict[str, int] = field(default_factory=dict)

    def means(self) -> dict[str, float]:
        n = max(self.cases, 1)
        return {
            "measures": self.measures / n,
            "figures": self.figures / n,
            "entities": self.entities / n,
            "text": self.text / n,
            "recognitions": self.recognitions / n,
            "claims": self.claims / n,
            "pilots": self.pilots / n,
        }


class _Deck:
    """Yes or no, ``hits`` times in every ``size`` draws, in an order shuffled by the seed:
    a rate held exactly over a few cases, where a coin flipped for each would stray."""

    def __init__(self, rng: random.Random, hits: int, size: int) -> None:
        self.rng, self.hits, self.size = rng, hits, size
        self.cards: list[bool] = []
        self.owed = 0

    def draw_when(self, can: bool) -> bool:
        """A draw for a fact that ``can`` take the field or not: a yes drawn for one that
        cannot is kept for the next that can, so that the rate holds."""
        self.owed += self.draw()
        if can and self.owed:
            self.owed -= 1
            return True
        return False

    def draw(self) -> bool:
        if not self.cards:
            self.cards = [True] * self.hits + [False] * (self.size - self.hits)
            self.rng.shuffle(self.cards)
        return self.cards.pop()


def _date(rng: random.Random, kind: str) -> dict[str, object]:
    """A date as the curated facts of ``kind`` give one: 截至2024年底 (as of a day), 2024年
    (a year) or 今年以来 (unanchored: the build translates it, and normalises nothing)."""
    year = rng.choice(_YEARS)
    form = rng.choices(["as_of", "year", "vague"], weights=_DATE_KINDS[kind])[0]
    if form == "as_of":
        return {"text": f"截至{year}年底", "as_of": dt.date(year, 12, 31)}
    if form == "year":
        return {"text": f"{year}年", "year": year}
    return {"text": "今年以来"}


def _words(kind: str, label: str) -> tuple[str, str] | None:
    """A label :class:`_Names` made for ``kind``, as its words but the last (数据服务 of
    数据服务平台) and the last; None for a label made otherwise (国务院, 江岚省)."""
    suffix = next((s for s in _KINDS.get(kind, ()) if label.endswith(s)), None)
    if suffix is None or label[-len(suffix) - 2 : -len(suffix)] not in _ACTIONS:
        return None
    return label[: -len(suffix)], suffix


def _stem(kind: str, label: str) -> str | None:
    words = _words(kind, label)
    return None if words is None else words[0]


def _alternative_label(
    entity: dict[str, object], kind: str, label: str, used: set[str], deck: _Deck
) -> None:
    """Give ``entity`` an alternative label if ``deck`` says so: a province its name without
    省 (江岚 of 江岚省, as 湖北 of 湖北省), the country 中国 (全国), a national body its short
    name (工信部), others their short form (数据平台 of 数据服务平台), unless another label
    has it or there is none (then the next entity of the deck takes it)."""
    if kind == "administrative-area":
        alt: str | None = "中国" if label == "全国" else label.removesuffix("省")
    else:
        alt = _SHORT_NAMES.get(label) or _short(kind, label)
    if deck.draw_when(alt is not None and alt not in used and alt != label):
        assert alt is not None
        used.add(alt)
        entity["alt_labels"] = [{"zh": alt, "en": f"(synthetic) short name of {entity['id']}"}]


def _short(kind: str, label: str) -> str | None:
    """A short form of a label :class:`_Names` made, without its action (数据平台 of
    数据服务平台), as 绩效平台 is of 投资项目绩效综合评价平台; None for a label made otherwise."""
    words = _words(kind, label)
    return None if words is None else words[0][:-2] + words[1]


class _Names:
    """Unique Chinese labels for entities of each kind: a field, an action and a word of the
    kind; once those grow scarce for a kind, a region before them; then a second field.

    A kind moves on when twenty labels in a row are taken, and stays there: going back to
    the scarce labels for every new one would cost hundreds of tries each at 100,000 cases.
    """

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.tier: dict[str, int] = {}
        #: The label of the kind whose look-alike the next label of the kind is to be.
        self.alike: dict[str, str] = {}

    def make(self, kind: str, alike: bool = True) -> str:
        """A new label of ``kind``; the look-alike of ``self.alike[kind]`` if there is one
        and ``alike`` (a label that names no entity, a measure's lead, makes none)."""
        suffixes = _KINDS[kind]
        other = self.alike.pop(kind, None) if alike else None
        words = _words(kind, other) if other is not None else None
        if words is not None:  # the same words but the last: 数据服务平台, 数据服务系统
            for suffix in self.rng.sample(suffixes, len(suffixes)):
                label = words[0] + suffix
                if label not in self.used:
                    self.used.add(label)
                    return label
        taken = 0
        for _ in range(10_000):
            tier = self.tier.get(kind, 0)
            parts = [self.rng.choice(_FIELDS), self.rng.choice(_ACTIONS), self.rng.choice(suffixes)]
            if tier >= 1:
                parts.insert(0, self.rng.choice(_REGIONS))
            if tier >= 2:
                parts.insert(1, self.rng.choice(_FIELDS))
            label = "".join(parts)
            if label not in self.used:
                self.used.add(label)
                return label
            taken += 1
            if taken == 20 and tier < 2:
                self.tier[kind], taken = tier + 1, 0
        raise RuntimeError(f"ran out of {kind} names")


class _Pool:
    """Shared entities of one kind, drawn with a long tail (Zipf-like weights).

    A pool never grows, so its weights are summed once, into running sums: a draw is then
    a binary search, O(log n). (``random.choices(weights=...)`` sums the whole pool on
    every draw, which made synthesis quadratic: at 100,000 cases, 18,000 were written in
    18 minutes, ever more slowly.) Given the running sums, ``random.choices`` picks the
    same entity from the same random number as given the weights, since the sums are the
    same floats, added in the same order: the files are the same byte for byte.
    """

    def __init__(
        self, kind: str, size: int, names: _Names, rng: random.Random, add: Callable[..., str]
    ) -> None:
        self.ids = [add(kind, names.make(kind)) for _ in range(size)]
        self.cum_weights = list(
            itertools.accumulate(1 / (rank + 1) ** 1.15 for rank in range(size))
        )
        self.rng = rng

    def draw(self, k: int) -> list[str]:
        chosen: list[str] = []
        while len(chosen) < min(k, len(self.ids)):
            pick = self.rng.choices(self.ids, cum_weights=self.cum_weights, k=1)[0]
            if pick not in chosen:
                chosen.append(pick)
        return chosen


@dataclass
class _Outcome:
    """A recognition, innovation claim or pilot: its record, the sentence that states it,
    and the entities it names."""

    record: dict[str, object]
    sentence: str
    names: set[str]


@dataclass
class _Outcomes:
    """Writes recognitions, innovation claims and pilots, each about a subject: the
    national bodies that recognise reforms and assign pilots, the inspections, the pilot
    programmes and the scope of a national claim are shared by all cases."""

    rng: random.Random
    labels: dict[str, str]
    china: str
    bodies: dict[str, str]  # national bodies by label
    inspections: list[str]
    selections: list[str]  # of typical cases, one for each field of work (_FIELDS)
    programmes: _Pool
    decks: dict[str, _Deck]

    def quotas(self, cases: int) -> list[dict[str, int]]:
        """How many of each outcome the next ``cases`` cases state: the curated data's
        rate, rounded up or down at random so that it holds on average, spread over them."""
        quotas: list[dict[str, int]] = [dict.fromkeys(OUTCOME_RATES, 0) for _ in range(cases)]
        for key, rate in OUTCOME_RATES.items():
            whole, part = divmod(rate * cases, 1)
            for _ in range(int(whole) + (self.rng.random() < part)):
                quotas[self.rng.randrange(cases)][key] += 1
        return quotas

    def make(
        self, key: str, number: int, subject: str, province: str, programmes: set[str]
    ) -> _Outcome:
        """One outcome of kind ``key`` about ``subject``; ``programmes``: the pilot
        programmes the case names already (each only once, so that quotes stay unique)."""
        if key == "recognitions":
            return self.recognition(number, subject, province)
        if key == "claims":
            return self.claim(number, subject, province)
        return self.pilot(number, subject, province, programmes)

    def recognition(self, number: int, subject: str, province: str) -> _Outcome:
        through = self.decks["recognition via"].draw()
        kinds = [r for r in _RECOGNITIONS if ("{via}" in r[4]) == through]
        form, level, _, lead, words, bodies = self.rng.choices(
            kinds, weights=[r[2] for r in kinds]
        )[0]
        by = self.bodies[self.rng.choice(bodies)] if bodies else province
        via = None
        if through:
            via = self.rng.choice(self.selections if form == "typical-case" else self.inspections)
        text = words.format(by=self.labels[by], via=self.labels[via] if via else "")
        quote = lead.format(s=self.labels[subject]) + text
        record: dict[str, object] = {"id": f"recognition-{number}", "quote": quote, "text": text}
        named = {subject}
        if "{by}" in words:
            record["by"] = [by]
            named.add(by)
        record |= {"level": level, "form": form}
        if via is not None:
            record["via"] = via
            named.add(via)
        record["subject"] = subject
        return _Outcome(record, quote + "。", named)

    def claim(self, number: int, subject: str, province: str) -> _Outcome:
        kind, scope, _, quote, words, what = self.rng.choices(
            _CLAIMS, weights=[c[2] for c in _CLAIMS]
        )[0]
        verb, verb_en = self.rng.choice(_CLAIM_VERBS)
        label = self.labels[subject]
        where = self.china if scope == "china" else province
        record: dict[str, object] = {
            "id": f"claim-{number}",
            "quote": quote.format(v=verb, s=label),
            "text": words.format(v=verb),
            "kind": kind,
            "scope": where,
            "what": {
                "zh": what.format(v=verb, s=label),
                "en": f"(synthetic) {verb_en + ' ' if '{v}' in what else ''}{subject}",
            },
            "subject": subject,
        }
        return _Outcome(record, f"{record['quote']}。", {subject, where})

    def pilot(self, number: int, subject: str, province: str, programmes: set[str]) -> _Outcome:
        stage, _, quote, words = self.rng.choices(_PILOTS, weights=[p[1] for p in _PILOTS])[0]
        programme = None
        if "{programme}" in words:
            programme = self.programmes.draw(1)[0]
            if programme in programmes:  # a case names a programme in one pilot only:
                stage, _, quote, words = _PILOTS[-1]  # then it is generalised (none named)
                programme = None
        by = self.bodies[self.rng.choice(_MINISTRIES)] if "{by}" in words else None
        fill = {
            "s": self.labels[subject],
            "p": self.labels[province],
            "by": self.labels[by] if by else "",
            "programme": self.labels[programme] if programme else "",
        }
        record: dict[str, object] = {
            "id": f"pilot-{number}",
            "quote": quote.format(**fill),
            "text": words.format(**fill),
            "stage": stage,
        }
        named = set()
        if programme is not None:
            record["programme"] = programme
            programmes.add(programme)
            named.add(programme)
        if by is not None:
            record |= {"assigned_by": [by], "assigned_to": [province]}
            named |= {by, province}
        if "首批" in words:
            record["batch"] = {"text": "首批", "en": "first batch"}
            if self.decks["first-batch pilot implied assignee"].draw():  # the case's province
                record["assigned_to"] = [{"id": province, "implied": True}]
                named.add(province)
        return _Outcome(record, f"{record['quote']}。", named)


class _SynthDumper(_Dumper):
    """The dumper with no aliases: synth never means one object twice (a date shared by
    two facts became ``&id001``/``*id001``, which reformgraph data refuses), and looking
    for them cost a tenth of the time of writing the cases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _yaml(data: object) -> str:
    return yaml.dump(data, Dumper=_SynthDumper, allow_unicode=True, sort_keys=False, width=1000)


def _number(rng: random.Random, low: int, high: int, decimals: int) -> Decimal:
    value = Decimal(rng.randint(low * 10**decimals, high * 10**decimals)) / Decimal(10**decimals)
    return value.normalize() if decimals else value


def _text_number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def synthesize(
    n_cases: int,
    out: Path,
    *,
    seed: int = 0,
    progress: Callable[[str, int, int], None] | None = None,
) -> SynthStats:
    """Write a synthetic data folder of ``n_cases`` cases into ``out``, which must not
    exist or be empty. The folder is written beside ``out`` and renamed into place, so
    ``out`` is never left half-written. ``progress`` is called as ``(STAGE, done, total)``.
    """
    if not 1 <= n_cases <= MAX_CASES:
        raise ValueError(
            f"the number of cases must be from 1 to {MAX_CASES:,} (the synthetic labels run"
            f" short beyond), not {n_cases:,}"
        )
    if seed < 0:
        # random.Random(-3) is random.Random(3): the two seeds wrote the same files
        raise ValueError(f"the seed must be 0 or more, not {seed}")
    if out.is_symlink():
        # A link to an empty folder: the folder is written, where the link leads (removing
        # the link to put the new one in its place said "cannot write: Not a directory")
        out = out.resolve()
    if out.exists() and not out.is_dir():
        raise FileExistsError(f"{out} is a file, not a folder")
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} exists and is not an empty folder")
    around = data_folder_above(out)
    if around is not None:
        # `synth --out data/cases/s` wrote a data folder into the project's: its files were
        # then read as the project's, and refused
        raise ValueError(
            f"{out} is inside the data folder {around}: synthetic data is a data folder of"
            f" its own, to build with --data and --out; write it beside (e.g. --out"
            f" {around.parent / 'synthetic'})"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        stats = _synthesize(n_cases, work, seed, progress)
        if out.exists():
            out.rmdir()
        work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return stats


def _synthesize(
    n_cases: int, out: Path, seed: int, progress: Callable[[str, int, int], None] | None
) -> SynthStats:
    rng = random.Random(seed)
    names = _Names(rng)
    for sub in ("sources", "cases", "entities"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    entities: list[dict[str, object]] = []
    labels: dict[str, str] = {}
    decks = {name: _Deck(rng, hits, size) for name, (hits, size) in FIELD_RATES.items()}
    hubs: dict[str, str] = {}
    # by kind, the entity whose look-alike comes next
    waiting: dict[str, tuple[str, dict[str, object]]] = {}

    def add(kind: str, label: str, **extra: object) -> str:
        ident = base = f"{kind[:4]}-{hashlib.sha1(label.encode()).hexdigest()[:10]}"
        # Ten hex digits collide among the million-odd entities of 100,000 cases.
        again = 1
        while labels.get(ident, label) != label:
            again += 1
            ident = f"{base}-{again}"
        labels[ident] = label
        entities.append(
            {
                "id": ident,
                "type": kind,
                "label": {"zh": label, "en": f"(synthetic) {kind} {ident}"},
                **extra,
            }
        )
        if kind == "mechanism":  # some are part of the first, the most named (六个一's six)
            hub = hubs.setdefault(kind, ident)
            if hub != ident and decks["mechanism part"].draw():
                entities[-1]["part_of"] = [hub]
        if f"{kind} definition" in decks and decks[f"{kind} definition"].draw():
            entities[-1]["definition"] = {
                "en": f"(synthetic) The {kind} {ident}, defined as the curated data defines"
                f" most of its {kind}s: what it is, who runs it and what it is for."
            }
        if kind in _ALT_DECKS:
            _alternative_label(entities[-1], kind, label, names.used, decks[_ALT_DECKS[kind]])
        if kind in _ALIKE_DECKS:  # the look-alike of the last of its kind that wants one
            other, record = waiting.pop(kind, (None, None))
            mine = _words(kind, label)
            if other is not None and mine is not None and mine[0] == _stem(kind, labels[other]):
                entities[-1]["distinct_from"] = [other]
                cast(dict[str, object], record)["distinct_from"] = [ident]
            elif decks[_ALIKE_DECKS[kind]].draw_when(mine is not None):
                waiting[kind] = ident, entities[-1]
                names.alike[kind] = label
        return ident

    entities.extend(_UNIT_ENTITIES)
    china = add("administrative-area", "全国")
    publisher = add("organisation", "综合改革简报社")
    domain = add("domain", "综合改革")
    provinces = [add("administrative-area", f"{r}省", part_of=[china]) for r in _REGIONS]
    scale = max(n_cases, 10)
    # the national bodies before the pools: a look-alike drawn for one (which has none)
    # falls to the next government body
    bodies = {label: add("government-body", label) for label in _NATIONAL_BODIES}
    offices = _Pool("reform-office", max(3, scale // 12), names, rng, add)
    pools = {
        kind: _Pool(kind, max(10, scale // divisor), names, rng, add)
        for kind, divisor in (
            ("platform", 3),
            ("mechanism", 3),
            ("government-body", 6),
            ("concept", 2),
            ("indicator", 2),
        )
    }
    outcomes = _Outcomes(
        rng,
        labels,
        china,
        bodies=bodies,
        inspections=[add("event", label) for label in _INSPECTIONS],
        selections=[add("event", f"全国{field}领域改革典型案例") for field in _FIELDS],
        programmes=_Pool("pilot-programme", max(10, scale // 20), names, rng, add),
        decks=decks,
    )
    growth_rates: dict[str, str] = {}

    def growth_rate(indicator: str) -> str:
        """The indicator that is the growth rate of ``indicator`` (资产总额增速)."""
        if indicator not in growth_rates:
            growth_rates[indicator] = add(
                "indicator", f"{labels[indicator]}增速", growth_rate_of=indicator
            )
        return growth_rates[indicator]

    narrowers: dict[str, str] = {}

    def narrower(indicator: str) -> str:
        """An indicator narrower than ``indicator`` (独角兽企业数 of 企业数): 重点某指标."""
        if indicator not in narrowers:
            narrowers[indicator] = add("indicator", f"重点{labels[indicator]}", broader=[indicator])
        return narrowers[indicator]

    world = _World(
        rng,
        names,
        add,
        labels,
        pools,
        offices,
        provinces,
        china,
        domain,
        outcomes,
        growth_rate,
        narrower,
        decks,
    )
    stats = SynthStats()
    source_id = ""
    source_lines: list[str] = []
    quotas: list[dict[str, int]] = []
    for index in range(n_cases):
        if index % CASES_PER_SOURCE == 0:
            if source_lines:
                _write_source(out, source_id, source_lines, publisher)
            source_id = f"synthetic-{index // CASES_PER_SOURCE:06d}"
            source_lines = ["综合改革案例汇编。"]
            quotas = outcomes.quotas(min(CASES_PER_SOURCE, n_cases - index))
        position = index % CASES_PER_SOURCE + 1
        case, text = _case(world, index, position, source_id, stats, quotas[position - 1])
        source_lines.extend(text)
        if progress is not None and ((index + 1) % 100 == 0 or index + 1 == n_cases):
            progress(STAGE, index + 1, n_cases)
        (out / "cases" / f"{position:02d}-{source_id}-{index:06d}.yaml").write_text(
            _yaml(case), encoding="utf-8"
        )
    if source_lines:
        _write_source(out, source_id, source_lines, publisher)
    # A small folder leaves some entities of the pools and hubs unnamed: leave them out, or
    # the build warns of each. (Units need no case; the sources name the publisher.)
    entities = [
        e for e in entities if e["type"] == "unit" or e["id"] in stats.uses or e["id"] == publisher
    ]
    for entity in entities:  # nor part of one left out, or distinct from one
        for key in ("part_of", "distinct_from", "broader"):
            if key in entity and cast(list[str], entity[key])[0] not in stats.uses:
                del entity[key]
    for start in range(0, len(entities), ENTITIES_PER_FILE):
        chunk = entities[start : start + ENTITIES_PER_FILE]
        (out / "entities" / f"entities-{start // ENTITIES_PER_FILE:04d}.yaml").write_text(
            _yaml(chunk), encoding="utf-8"
        )
    stats.total_entities = len(entities)
    return stats


def _write_source(out: Path, source_id: str, lines: list[str], publisher: str) -> None:
    text = "\n".join(lines)
    data = text.encode("utf-8")
    (out / "sources" / f"{source_id}.txt").write_bytes(data)
    meta = {
        "id": source_id,
        "file": f"{source_id}.txt",
        "sha256": hashlib.sha256(data).hexdigest(),
        "title": {
            "zh": "综合改革典型案例汇编",
            "en": "Compilation of typical reform cases (synthetic)",
        },
        "publisher": publisher,
        "issued": "2026-01-17",
        "url": f"https://example.org/{source_id}",
        "language": "zh",
    }
    (out / "sources" / f"{source_id}.yaml").write_text(_yaml(meta), encoding="utf-8")


@dataclass
class _World:
    """What every synthetic case is written from: the random numbers, the labels, the
    pools of shared entities and the hubs (offices, provinces, the national scope and the
    one domain), and the ways of making an entity (``add``, ``growth_rate``, ``narrower``)."""

    rng: random.Random
    names: _Names
    add: Callable[..., str]
    labels: dict[str, str]
    pools: dict[str, _Pool]
    offices: _Pool
    provinces: list[str]
    china: str
    domain: str
    outcomes: _Outcomes
    growth_rate: Callable[[str], str]
    narrower: Callable[[str], str]
    decks: dict[str, _Deck]

    def has(self, name: str) -> bool:
        """Whether the next fact of its kind fills the field ``name`` (of FIELD_RATES)."""
        return self.decks[name].draw()


@dataclass
class _Measure:
    """A measure being written: its record, its sentences, the entities it names and how
    many numbers it states."""

    record: dict[str, object]
    sentences: list[str]
    used: set[str] = field(default_factory=set)
    figures: int = 0
    exceptions: list[dict[str, object]] = field(default_factory=list)


def _case(
    world: _World,
    index: int,
    position: int,
    source_id: str,
    stats: SynthStats,
    quota: dict[str, int],
) -> tuple[dict[str, object], list[str]]:
    """The case at ``position`` of its source and the lines of text that state it (title,
    office, paragraph); ``stats`` counts what it holds."""
    rng, names, labels = world.rng, world.names, world.labels
    office = world.offices.draw(1)[0]
    province = rng.choice(world.provinces[: 3 + len(world.provinces) * (index % 7) // 7])
    kinds = [rng.choice(["platform", "mechanism", "concept"]) for _ in range(2)]
    own = [world.add(kind, names.make(kind)) for kind in kinds]
    topic = labels[own[0]]
    title = f"推进{topic}改革"
    start = None
    if world.has("case start"):  # 2023年9月以来, as the curated data's one start
        year, month = rng.choice(_YEARS[:-1]), rng.randint(1, 12)
        start = {"text": f"{year}年{month}月以来", "since": f"{year}-{month:02d}"}
    mention = world.has("case place mention")  # the province is 全省 where its places name it
    opening = (
        f"{labels[province]}{start['text'] if start else ''}围绕{topic}深化改革,"
        f"{'全省' if mention else ''}{labels[own[1]]}成效明显。"
    )
    measures = [_measure(world, m, office, province) for m in range(rng.choice([3, 4, 4, 3]))]
    used: set[str] = {office, world.domain, province, *own}
    for measure in measures:
        used |= measure.used
    case: dict[str, object] = {
        "id": f"{source_id}-{position:02d}",
        "source": source_id,
        "position": position,
        "title": {"zh": title, "en": f"(synthetic) case {index}"},
        "office": office,
        "domains": [world.domain],
        "places": [{"id": province, "mention": "全省"} if mention else province],
        # the opening says who carries the reform out: 某省围绕…深化改革
        "carried_out_by": [province],
        **({"start": start} if start else {}),
        "involves": [province, own[0], own[1]],
    }
    opening_sentences = _state_outcomes(world, case, own, measures, province, quota, used, stats)
    case["measures"] = [measure.record for measure in measures]
    exceptions = [exception for measure in measures for exception in measure.exceptions]
    if exceptions:
        case["exceptions"] = exceptions
    paragraph = (
        opening
        + "".join(opening_sentences)
        + "".join("".join(measure.sentences) for measure in measures)
    )
    lines = [title, labels[office], paragraph]
    stats.cases += 1
    stats.measures += len(measures)
    stats.figures += sum(measure.figures for measure in measures)
    stats.entities += len(used)
    stats.text += sum(len(line) for line in lines) + 2
    for ident in used:
        stats.uses[ident] = stats.uses.get(ident, 0) + 1
    return case, lines


def _measure(world: _World, m: int, office: str, province: str) -> _Measure:
    """The ``m``-th measure (from 0) of a case led by ``office`` in ``province``: its lead,
    the entities it involves, its figures, and perhaps a change, a ranking and a relation,
    and an exception (推出一批: a number of, which counts nothing)."""
    rng, names, labels, pools = world.rng, world.names, world.labels, world.pools
    marker = _MARKERS[m]
    lead_word = (
        labels[pools["concept"].draw(1)[0]]
        if rng.random() < 0.5
        else names.make("concept", alike=False)
    )
    lead = rng.choice(_LEADS).format(lead_word)
    batch = world.has("measure exception")
    concepts = pools["concept"].draw(2)
    involved = (
        pools["platform"].draw(2)
        + pools["mechanism"].draw(2)
        + pools["government-body"].draw(1)
        + concepts[:1]
    )
    measure = _Measure(
        {
            "marker": marker,
            "lead": {"zh": lead, "en": f"(synthetic) measure {m + 1}"},
            "involves": involved,
        },
        [
            f"{marker}{lead},推出一批务实举措。" if batch else f"{marker}{lead}。",
            f"{labels[involved[4]]}牵头建设{labels[involved[0]]}和{labels[involved[1]]},完善{labels[involved[2]]}与{labels[involved[3]]},深化{labels[involved[5]]}。",
        ],
        set(involved),
    )
    if batch:
        measure.exceptions.append(
            {
                "quote": f"{marker}{lead},推出一批",
                "text": "一批",
                "reason": '一批 means "a number of"; it counts nothing',
            }
        )
    extra = concepts[1]
    measure.used.add(extra)
    involved.append(extra)
    measure.sentences.append(f"推动{labels[extra]}取得新进展,形成可复制、可借鉴的经验做法。")
    measure.record["figures"] = _figures(world, m, measure, province)
    if not measure.sentences[-1].endswith("。"):
        measure.sentences[-1] = measure.sentences[-1][:-1] + "。"
    if rng.random() < 0.25:
        _add_change(world, m, measure, province)
    if rng.random() < 0.28:
        _add_ranking(world, m, measure, province)
    if world.has("measure relation"):
        _add_relation(world, office, measure)
    return measure


def _figures(world: _World, m: int, measure: _Measure, province: str) -> list[dict[str, object]]:
    """One to three figures of measure ``m``, each stated as 某指标达到<number>; some say
    whose number it is (全省, the province, or a platform the measure names: 全省某指标达到…),
    when (截至2024年底,某指标达到…) or that it is a running total (某指标累计达到…)."""
    rng, labels = world.rng, world.labels
    figures: list[dict[str, object]] = []
    for f in range(rng.choice([1, 1, 2, 2, 2])):
        # the second may count a narrower indicator than the first (其中重点某指标达到…)
        narrow = world.decks["figure of a narrower indicator"].draw_when(f == 1)
        if not narrow:
            unit_id, word, magnitudes, (low, high), decimals = rng.choice(_UNITS)
            magnitude = rng.choice(magnitudes)
        while True:  # a narrower figure's words are not the first's, lest its quote hold it
            number = _number(rng, low, high, decimals if magnitude else 0)
            prefix, qualifier = rng.choice(_QUALIFIERS)
            text = f"{prefix}{_text_number(number)}{magnitude}{word}"
            if not narrow or text != figures[0]["text"]:
                break
        subject, whose, date, cumulative = None, "", None, False
        if narrow:  # whose the first is, as 其中 says
            first = figures[0]
            indicator = world.narrower(cast(str, first["indicator"]))
            subject = cast(str | None, first.get("subject"))
            quote = f"其中{labels[indicator]}达到{text}"
        else:
            indicator = (
                world.pools["indicator"].draw(1)[0]
                if rng.random() < 0.4
                else world.add("indicator", world.names.make("indicator"))
            )
            if world.has("figure subject"):
                if rng.random() < 0.8:
                    subject, whose = province, "全省"
                    involves = cast(list[object], measure.record["involves"])
                    if {"id": province, "mention": "全省"} not in involves:
                        involves.append({"id": province, "mention": "全省"})
                        measure.used.add(province)
                else:
                    subject = cast(list[str], measure.record["involves"])[0]
                    whose = labels[subject]
            date = _date(rng, "figure") if world.has("figure date") else None
            cumulative = world.has("figure cumulative")
            quote = (
                f"{str(date['text']) + ',' if date else ''}{whose}{labels[indicator]}"
                f"{'累计' if cumulative else ''}达到{text}"
            )
        measure.used.add(indicator)
        measure.sentences.append(quote + ("," if f == 0 else "。"))
        value = number * _MAGNITUDE[magnitude]
        figure: dict[str, object] = {
            "id": f"figure-{m + 1}-{f + 1}",
            "quote": quote,
            "text": text,
            "value": int(value) if value == int(value) else float(value),
            "unit": unit_id,
            "qualifier": qualifier,
            "indicator": indicator,
        }
        if subject is not None:
            figure["subject"] = subject
        if cumulative:
            figure["cumulative"] = True
        if date is not None:
            figure["date"] = date
        figures.append(figure)
    measure.figures += len(figures)
    return figures


def _add_change(world: _World, m: int, measure: _Measure, province: str) -> None:
    """A decrease in seconds (某指标从120秒压缩至80秒: two numbers, or 某指标压缩至80秒: its
    result only), or an increase stated by its difference alone (某指标提升30.3%, or
    某指标比改革前提高20多个百分点); some say when (2024年,某指标从…) and whose it is (the
    province's)."""
    rng = world.rng
    indicator = world.add("indicator", world.names.make("indicator"))
    measure.used.add(indicator)
    before, after = rng.randint(60, 200), rng.randint(10, 59)
    while str(before).endswith(str(after)):
        after = rng.randint(10, 59)
    subject = province if world.has("change subject") else None
    date = _date(rng, "change") if world.has("change date") else None
    parts: dict[str, object] = {}  # compared_with, then baseline, result or difference
    if world.has("change by its difference"):
        direction = "increase"
        if world.has("difference qualifier"):
            points = rng.randint(2, 40)
            text = f"{points}多个百分点"
            words = f"比改革前提高{text}"
            parts["compared_with"] = {"text": "改革前", "en": "before the reform"}
            parts["difference"] = {
                "text": text,
                "value": points,
                "unit": "percentage-point",
                "qualifier": "more-than",
            }
        else:
            rise = _number(rng, 1, 60, 1)
            text = f"{_text_number(rise)}%"
            words = f"提升{text}"
            value = int(rise) if rise == int(rise) else float(rise)
            parts["difference"] = {"text": text, "value": value, "unit": "percent"}
    else:
        direction = "decrease"
        baseline = world.has("change baseline")
        words = f"{f'从{before}秒' if baseline else ''}压缩至{after}秒"
        if baseline:
            parts["baseline"] = {"text": f"{before}秒", "value": before, "unit": "second"}
        parts["result"] = {"text": f"{after}秒", "value": after, "unit": "second"}
    quote = f"{str(date['text']) + ',' if date else ''}{world.labels[indicator]}{words}"
    measure.sentences.append(quote + "。")
    change: dict[str, object] = {
        "id": f"change-{m + 1}",
        "quote": quote,
        "indicator": indicator,
        "direction": direction,
        **parts,
    }
    if subject is not None:
        change["subject"] = subject
    if date is not None:
        change["date"] = date
    measure.record["changes"] = [change]
    measure.figures += sum(role in parts for role in ("baseline", "result", "difference"))


def _add_ranking(world: _World, m: int, measure: _Measure, province: str) -> None:
    """A national rank of the province's (某指标居全国第3), in a quarter of them the rank
    of a growth rate stated beside it (营收同比增长29.1%,增速居全国第2); some say when
    (2024年,某指标居全国第3)."""
    rng, labels = world.rng, world.labels
    indicator = world.pools["indicator"].draw(1)[0]
    measure.used.update({indicator, world.china})
    rank = rng.randint(1, 9)
    ranked = indicator
    subject = province if world.has("ranking subject") else None
    of_growth = world.has("ranking of a growth rate")
    dated = world.has("change date" if of_growth else "ranking date")
    date = _date(rng, "change" if of_growth else "ranking") if dated else None
    when = f"{date['text']}," if date else ""
    if of_growth:
        growth = _number(rng, 1, 40, 1)
        ranked = world.growth_rate(indicator)
        measure.used.add(ranked)
        quote = f"{when}{labels[indicator]}同比增长{_text_number(growth)}%,增速居全国第{rank}"
        growth_change: dict[str, object] = {
            "id": f"growth-{m + 1}",
            "quote": quote,
            "indicator": indicator,
            "direction": "increase",
            "compared_with": {"text": "同比", "en": "year on year"},
            "difference": {
                "text": f"{_text_number(growth)}%",
                "value": int(growth) if growth == int(growth) else float(growth),
                "unit": "percent",
            },
        }
        if world.has("change subject"):
            growth_change["subject"] = province
        if date is not None:  # the date of the sentence: of the change and the ranking
            growth_change["date"] = date
        cast(list[object], measure.record.setdefault("changes", [])).append(growth_change)
        measure.figures += 1
    else:
        quote = f"{when}{labels[indicator]}居全国第{rank}"
    measure.sentences.append(quote + "。")
    ranking: dict[str, object] = {
        "id": f"ranking-{m + 1}",
        "quote": quote,
        "text": f"全国第{rank}",
        "rank": rank,
        "scope": world.china,
        "indicator": ranked,
    }
    if subject is not None:
        ranking["subject"] = subject
    if date is not None:
        ranking["date"] = date
    measure.record["rankings"] = [ranking]


def _add_relation(world: _World, office: str, measure: _Measure) -> None:
    """Two government bodies working together (甲会同乙联合推进) or one assisting the other
    (甲协助乙开展…), when the pool has two; the first may be left unsaid (会同乙…: the
    measure's body, named before, is understood: ``implied``)."""
    bodies = world.pools["government-body"]
    involves = cast(list[str], measure.record["involves"])
    kind, first, second = (
        ("assistance", "assistant", "assisted")
        if world.has("relation assistance")
        else ("joint-work", "lead", "partners")
    )
    implied = world.has("relation implied participant")
    pair = bodies.draw(2) if len(bodies.ids) > 1 else [office, office]
    if implied:  # the body that leads the measure (某局牵头建设…)
        pair = [involves[4], next((b for b in pair if b != involves[4]), involves[4])]
    lead_body, partner = pair
    if lead_body == partner:
        return
    verb = "协助" if kind == "assistance" else "会同"
    quote = f"{'' if implied else world.labels[lead_body]}{verb}{world.labels[partner]}"
    relation: dict[str, object] = {
        "kind": kind,
        "quote": quote,
        first: [{"id": lead_body, "implied": True} if implied else lead_body],
        second: [partner],
    }
    joint = "联合" if kind == "joint-work" else ""
    if world.has("relation purpose"):  # 甲会同乙联合开展某工程专项行动
        purpose = f"开展{world.labels[involves[5]]}专项行动"
        relation["quote"] = quote = f"{quote}{joint}{purpose}"
        relation["purpose"] = {"zh": purpose, "en": f"(synthetic) a campaign on {involves[5]}"}
        measure.sentences.append(quote + "。")
    else:
        measure.sentences.append(quote + f"{joint}推进。")
    measure.record["relations"] = [relation]
    measure.used.update({lead_body, partner})


def _state_outcomes(
    world: _World,
    case: dict[str, object],
    own: list[str],
    measures: list[_Measure],
    province: str,
    quota: dict[str, int],
    used: set[str],
    stats: SynthStats,
) -> list[str]:
    """Put the case's share of recognitions, claims and pilots (``quota``) into the case
    or its measures, and return the sentences that the opening gains.

    An outcome is about the case's own entities when the case states it (after its
    opening), about a measure's platforms and mechanisms when a measure does. Each subject
    is the subject of one outcome only, so that every quote is unique."""
    subjects: set[str] = set()
    programmes: set[str] = set()
    opening_sentences: list[str] = []
    nth = 0
    for key, count in quota.items():
        for _ in range(count):
            nth += 1
            if world.rng.random() < _CASE_LEVEL[key]:
                facts, sentences = case, opening_sentences
                candidates = own
            else:
                measure = measures[world.rng.randrange(len(measures))]
                facts, sentences = measure.record, measure.sentences
                candidates = cast(list[str], facts["involves"])[:4]
            subject = next((c for c in candidates if c not in subjects), None)
            if subject is None:  # a platform of its own, named where the outcome is
                subject = world.add("platform", world.names.make("platform"))
                cast(list[str], facts["involves"]).append(subject)
                used.add(subject)
            subjects.add(subject)
            outcome = world.outcomes.make(key, nth, subject, province, programmes)
            cast(list[dict[str, object]], facts.setdefault(key, [])).append(outcome.record)
            sentences.append(outcome.sentence)
            used.update(outcome.names)
            setattr(stats, key, getattr(stats, key) + 1)
    return opening_sentences

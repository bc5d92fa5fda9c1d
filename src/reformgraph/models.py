"""Typed records of the curated data, and the IRIs the graph gives them.

The YAML files under ``data/`` are validated against these models; nothing here reads
files or builds RDF. See ``data/README.md`` for the schema in prose.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from rdflib import Namespace, URIRef
from rdflib.term import Node

__all__ = [
    "CHINESE_MARKERS",
    "DATA",
    "MARKER_KINDS",
    "RG",
    "WORDED",
    "Assistance",
    "Bilingual",
    "CachedNamespace",
    "Case",
    "Change",
    "Claim",
    "ClaimKind",
    "Coverage",
    "DateRef",
    "Direction",
    "Entity",
    "EntityType",
    "Figure",
    "Introduction",
    "JointWork",
    "Level",
    "Measure",
    "Mention",
    "Pilot",
    "PilotAssignment",
    "PilotStage",
    "Qualifier",
    "Quantity",
    "Ranking",
    "Recognition",
    "RecognitionForm",
    "Relation",
    "Source",
    "SubOrganisation",
    "as_node",
    "worded",
]


class CachedNamespace(Namespace):
    """An rdflib Namespace that makes each term once: on a plain Namespace, ``RG.Measure``
    builds and checks a new URIRef at every use (3 µs; a case's triples use several
    hundred)."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


#: The ontology's namespace (classes and properties).
RG = CachedNamespace("https://w3id.org/reformgraph/ontology/")
#: The namespace of everything the data describes.
DATA = CachedNamespace("https://w3id.org/reformgraph/id/")

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
#: A character an IRI may hold: none of those RFC 3987 leaves out (spaces and other
#: controls, ``<>"{}|\^`` and the backtick).
IRI_CHARACTERS = r'[^\x00-\x20<>"{}|\\^`\x7f]'
URL_PATTERN = rf"^https?://{IRI_CHARACTERS}+$"
QUDT_PATTERN = rf"^https?://qudt\.org/{IRI_CHARACTERS}+$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
TEXT_FILE_PATTERN = r"^[A-Za-z0-9._-]+\.txt$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]+)*$"
ENCODING_PATTERN = r"^[A-Za-z0-9._-]+$"
_NOT_IN_AN_IRI = 'no spaces and none of < > " { } | \\ ^ `'
#: What a text held to each pattern must be, in words: the data's errors say this, not
#: the regular expression.
PATTERN_MEANINGS: dict[str, str] = {
    SLUG_PATTERN: "an id: lowercase letters and digits, words joined by single hyphens",
    URL_PATTERN: f"a web address starting with http:// or https://, with {_NOT_IN_AN_IRI}",
    QUDT_PATTERN: f"a QUDT IRI such as http://qudt.org/vocab/unit/SEC, with {_NOT_IN_AN_IRI}",
    SHA256_PATTERN: "a SHA-256 digest: 64 lowercase hexadecimal digits",
    TEXT_FILE_PATTERN: "a file name ending in .txt, of letters, digits, '.', '_' and '-'",
    LANGUAGE_PATTERN: "a language tag such as zh or zh-Hans",
    ENCODING_PATTERN: "an encoding name such as gb18030",
}
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]

#: The type of the errors whose message is already in a curator's words: the reader of
#: the data shows them as they are (see :func:`worded`).
WORDED = "reformgraph"


def worded(message: str) -> PydanticCustomError:
    """A validation error whose message is shown as it is, with nothing added."""
    return PydanticCustomError(WORDED, message)


#: Chinese characters (and the full-width forms and punctuation of Chinese text), which
#: an English string does not hold.
CHINESE = re.compile(
    "[\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\uff00-\uffef\U00020000-\U0003134f]+"
)


def _english(value: str) -> str:
    found = CHINESE.search(value)
    if found is not None:
        raise worded(
            f"the English holds Chinese ({found[0]!r} in {value!r}): write our English"
            " translation here; the Chinese goes in zh"
        )
    return value


#: An English string: our translation, with no Chinese in it.
English = Annotated[str, StringConstraints(min_length=1), AfterValidator(_english)]

#: The 一是 … 十是 markers of measures in running text, in order.
CHINESE_MARKERS = ("一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是")

_CHINESE_NUMBER = (
    "(?:十[一二三四五六七八九]?|[二三四五六七八九]十[一二三四五六七八九]?|[一二三四五六七八九])"
)

#: The kinds of measure marker, outermost first, with what each looks like: 一、 sections
#: and (一) items (half- or full-width parentheses) and numbered items 1. 1、 (1) begin a
#: paragraph; 一是 … follow the start of a paragraph or a full stop or semicolon.
MARKER_KINDS: dict[str, str] = {
    "section": f"{_CHINESE_NUMBER}、",
    "item": f"[(\uff08]{_CHINESE_NUMBER}[)\uff09]",
    "number": "[1-9][0-9]?[、.\uff0e]",
    "number-item": "[(\uff08][1-9][0-9]?[)\uff09]",
    "inline": f"{_CHINESE_NUMBER}是",
}
_MARKER_KIND_RES = {kind: re.compile(f"^{pattern}$") for kind, pattern in MARKER_KINDS.items()}


def marker_kind(marker: str) -> str | None:
    """The kind of a measure marker (a key of :data:`MARKER_KINDS`), or None."""
    return next((k for k, pattern in _MARKER_KIND_RES.items() if pattern.match(marker)), None)


class Record(BaseModel):
    """Base of every record: unknown keys are errors, records are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Record):
    """A string in Chinese with our English translation."""

    zh: Text
    en: English


class Definition(Record):
    """A definition in Chinese, English or both."""

    zh: Text | None = None
    en: Text | None = None

    @model_validator(mode="after")
    def _one_language(self) -> Definition:
        if self.zh is None and self.en is None:
            raise ValueError("a definition needs zh, en or both")
        return self


class EntityType(str, Enum):
    """The kinds of shared entity, each mapped to an ontology class."""

    REFORM_OFFICE = "reform-office"
    PARTY_BODY = "party-body"
    GOVERNMENT_BODY = "government-body"
    LEGISLATURE = "legislature"
    ENTERPRISE = "enterprise"
    ORGANISATION_GROUP = "organisation-group"
    ORGANISATION = "organisation"
    PLATFORM = "platform"
    LAW = "law"
    POLICY_DOCUMENT = "policy-document"
    MECHANISM = "mechanism"
    STANDARD = "standard"
    PILOT_PROGRAMME = "pilot-programme"
    ADMINISTRATIVE_AREA = "administrative-area"
    REGION = "region"
    SITE = "site"
    EVENT = "event"
    DOMAIN = "domain"
    CONCEPT = "concept"
    INDICATOR = "indicator"
    UNIT = "unit"

    @property
    def group(self) -> str:
        """The IRI path segment shared by related types (stable if a type is refined)."""
        return _GROUPS[self]

    @property
    def is_organisation(self) -> bool:
        return self.group == "org"

    @property
    def is_place(self) -> bool:
        return self.group == "place"

    @property
    def is_component(self) -> bool:
        """Platforms and instruments, which may be parts of other platforms and instruments."""
        return self.group in ("platform", "instrument")

    @property
    def is_concept(self) -> bool:
        """SKOS concepts: domains, concepts, indicators (they may have ``broader``)."""
        return self in (EntityType.DOMAIN, EntityType.CONCEPT, EntityType.INDICATOR)


_GROUPS: dict[EntityType, str] = {
    EntityType.REFORM_OFFICE: "org",
    EntityType.PARTY_BODY: "org",
    EntityType.GOVERNMENT_BODY: "org",
    EntityType.LEGISLATURE: "org",
    EntityType.ENTERPRISE: "org",
    EntityType.ORGANISATION_GROUP: "org",
    EntityType.ORGANISATION: "org",
    EntityType.PLATFORM: "platform",
    EntityType.LAW: "instrument",
    EntityType.POLICY_DOCUMENT: "instrument",
    EntityType.MECHANISM: "instrument",
    EntityType.STANDARD: "instrument",
    EntityType.PILOT_PROGRAMME: "instrument",
    EntityType.ADMINISTRATIVE_AREA: "place",
    EntityType.REGION: "place",
    EntityType.SITE: "place",
    EntityType.EVENT: "event",
    EntityType.DOMAIN: "domain",
    EntityType.CONCEPT: "concept",
    EntityType.INDICATOR: "indicator",
    EntityType.UNIT: "unit",
}


class Entity(Record):
    """Something cases share: an organisation, place, platform, instrument, concept …"""

    id: Slug
    type: EntityType
    label: Bilingual
    alt_labels: list[Bilingual] = Field(default_factory=list)
    definition: Definition | None = None
    broader: list[Slug] = Field(default_factory=list)
    part_of: list[Slug] = Field(default_factory=list)
    distinct_from: list[Slug] = Field(default_factory=list)
    #: For an indicator that is the growth rate of another (资产总额增速 of 资产总额): that one.
    growth_rate_of: Slug | None = None
    symbols: list[Text] = Field(default_factory=list)
    code: Annotated[str, StringConstraints(min_length=1, max_length=12)] | None = None
    #: An IRI in QUDT's namespace.
    qudt: Annotated[str, StringConstraints(pattern=QUDT_PATTERN)] | None = None
    #: For a unit that is a fixed multiple of another (a minute is 60 seconds): which, and
    #: how many of it one of this unit is; figures in the two can then be compared.
    conversion: Conversion | None = None

    @model_validator(mode="after")
    def _fields_fit_type(self) -> Entity:
        if self.broader and not self.type.is_concept:
            raise ValueError(
                f"'broader' is only for domains, concepts and indicators, not {self.type.value}"
            )
        if self.part_of and not (self.type.is_place or self.type.is_component):
            raise ValueError(
                f"'part_of' is only for places, platforms and instruments, not {self.type.value}"
            )
        if self.growth_rate_of is not None and self.type is not EntityType.INDICATOR:
            raise ValueError(f"'growth_rate_of' is only for indicators, not {self.type.value}")
        if (
            self.symbols or self.qudt or self.code or self.conversion
        ) and self.type is not EntityType.UNIT:
            raise ValueError("'symbols', 'code', 'qudt' and 'conversion' are only for units")
        if self.type is EntityType.UNIT and not (self.symbols and self.code):
            raise ValueError(
                "a unit needs 'symbols' (the words that denote it in a figure's text) and a 'code'"
            )
        return self

    @property
    def zh_labels(self) -> list[str]:
        """The preferred and alternative Chinese labels, preferred first."""
        return [self.label.zh, *(alt.zh for alt in self.alt_labels)]

    @property
    def iri(self) -> URIRef:
        return entity_iri(self.type, self.id)


def entity_iri(entity_type: EntityType, entity_id: str) -> URIRef:
    return DATA[f"{entity_type.group}/{entity_id}"]


def as_node(value: Node | str) -> Node:
    """A node of the graph as a user may give it: an rdflib term as it is; text in any
    form the tables and DataFrames print or a user copies as the IRI it names: the IRI
    (``https://w3id.org/reformgraph/id/org/hubei-drc``), the IRI in ``<…>``, ``rgd:PATH``
    or the ``PATH`` below the data namespace (``org/hubei-drc``). Anything else is
    returned as it is; None, or anything that is neither text nor a term, raises
    :class:`TypeError` (None would match every node of a pattern: the labels of one node
    and another)."""
    if isinstance(value, Node):
        return value
    if not isinstance(value, str):
        raise TypeError(
            f"a node: give an IRI, an id or an rdflib term, not {type(value).__name__}"
            + (" (a missing value?)" if value is None else "")
        )
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    # what an IRI cannot hold (a title's spaces and quotes), %-escaped: it names no node
    # either way, and rdflib logs a warning for each such IRI it makes
    text = re.sub(r'[\x00-\x20<>"{}|\\^`]', lambda m: f"%{ord(m[0]):02X}", text)
    if text.startswith("rgd:"):
        return DATA[text[len("rgd:") :]]
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text):  # an IRI of any scheme
        return URIRef(text)
    return DATA[text]


def _id_or_mention(value: Any) -> Any:
    if isinstance(value, str):
        return {"id": value}
    return value


class Mention(Record):
    """A reference to an entity, optionally with the exact words the text uses for it.

    ``implied`` marks a participant the sentence leaves unsaid (the subject of a
    paragraph, 会同相关主管部门… with 省纪委监委 understood); it must still be named
    somewhere in the case's text.
    """

    id: Slug
    mention: Text | None = None
    implied: StrictBool = False

    @model_validator(mode="after")
    def _mention_or_implied(self) -> Mention:
        if self.implied and self.mention is not None:
            raise ValueError("give either 'mention' or 'implied: true', not both")
        return self


Involvement = Annotated[Mention, BeforeValidator(_id_or_mention)]


def _one_or_many(value: Any) -> Any:
    if isinstance(value, (str, dict)):
        return [value]
    return value


Participants = Annotated[list[Involvement], BeforeValidator(_one_or_many), Field(min_length=1)]


#: A number YAML 1.1 would read in another base: with a leading 0 (010 is octal 8, 08
#: is text), or with colons (2:00 is 120 in base 60). The reader keeps them as text.
_ZERO_PADDED = re.compile(r"[-+]?0[0-9_]+(?:\.[0-9_]*)?")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")


def _not_a_number(value: Any, what: str) -> PydanticCustomError | None:
    """The error for a value that is not a number written as YAML reads one, if it is
    one we can say more about than "not a number"."""
    if value is None:
        return worded(f"is empty: write the {what} in digits")
    if isinstance(value, str) and _ZERO_PADDED.fullmatch(value.strip()):
        text = value.strip()
        sign = "-" if text.startswith("-") else ""
        digits = text.lstrip("+-").lstrip("0_") or "0"
        if digits.startswith("."):
            digits = "0" + digits
        return worded(
            f"write {sign}{digits}, not {text}: a number must not begin with 0 (YAML would read"
            " 010 as 8, an octal number)"
        )
    if isinstance(value, str) and _SEXAGESIMAL.fullmatch(value.strip()):
        return worded(
            f"write the {what} in digits, not {value.strip()}: a number with colons is a time"
            " (YAML would read 2:00 as 120, a number in base 60)"
        )
    return None


def _strict_number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        refused = _not_a_number(value, "number")
        if refused is not None:
            raise refused
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+", value):
            # YAML 1.1 reads 1.4e11 as text (it wants 1.4e+11): say how to write it.
            raise ValueError(
                f"must be a number, not the text {value!r}: write it in full"
                f" ({format(Decimal(value), 'f')}), as YAML reads this exponent as text"
            )
        raise ValueError(f"must be a number, not {value!r}")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


Number = Annotated[Decimal, BeforeValidator(_strict_number)]


class Conversion(Record):
    """A unit as a fixed multiple of another: ``{unit: second, factor: 60}`` for a minute."""

    #: The other unit (one that is not itself converted to a third).
    unit: Slug
    #: How many of the other unit one of this unit is.
    factor: Number

    @field_validator("factor")
    @classmethod
    def _positive(cls, value: Decimal) -> Decimal:
        if not value.is_finite() or value <= 0:
            raise ValueError(f"must be a number above 0, not {value}")
        return value


def _whole_number(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    refused = _not_a_number(value, "whole number")
    if refused is not None:
        raise refused
    shown = "true or false" if isinstance(value, bool) else repr(value)
    raise worded(f"must be a whole number written in digits, not {shown}")


#: A whole number as YAML reads one in digits: not a boolean, a text or a fraction.
Integer = Annotated[int, BeforeValidator(_whole_number)]


def _day(value: Any, info: ValidationInfo) -> Any:
    """A day written YYYY-MM-DD (the reader keeps dates as text): not a number (which
    pydantic would take as a Unix timestamp), nor a time of day."""
    name = info.field_name or "the date"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            month = int(text[5:7])
            why = (
                f"there is no month {month}"
                if not 1 <= month <= 12
                else (f"{text[:7]} has no day {int(text[8:])}")
            )
            raise worded(f"{name} {text} is not a real day: {why}") from None
    hint = ""
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100:
        hint = f"; for a year use `year: {value}`" if name == "as_of" else ""
    elif isinstance(value, int) and not isinstance(value, bool) and len(str(value)) == 8:
        hint = f"; write {str(value)[:4]}-{str(value)[4:6]}-{str(value)[6:]}"
    elif text is not None and re.match(r"\d{4}-\d{2}-\d{2}[T ]", text):
        hint = f"; give the day alone: {text[:10]}"
    elif text is not None and (parts := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", text)):
        hint = f"; write {parts[1]}-{int(parts[2]):02d}-{int(parts[3]):02d}"
    elif text is not None and re.fullmatch(r"\d{4}-\d{2}", text) and name == "as_of":
        hint = f"; for a month since which something holds use `since: {text}`"
    shown = "nothing" if value is None else value
    raise worded(f"{name} must be a date written YYYY-MM-DD (got {shown}){hint}")


#: A day, written YYYY-MM-DD.
Day = Annotated[dt.date, BeforeValidator(_day)]

_PARTIAL_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


class DateRef(Record):
    """The reference date or period of a fact, as the text gives it. ``en``: its English,
    where reformgraph does not translate the phrase itself
    (:func:`~reformgraph.numerals.date_text_en`: 截至2024年底 → "as of the end of 2024")
    or the curator words it otherwise."""

    text: Text
    en: Text | None = None
    as_of: Day | None = None
    year: Integer | None = Field(default=None, ge=1900, le=2100)
    since: str | None = None

    @field_validator("since", mode="before")
    @classmethod
    def _since_text(cls, value: Any) -> Any:
        if isinstance(value, (int, dt.date)) and not isinstance(value, bool):
            value = str(value) if isinstance(value, int) else value.isoformat()
        if value is not None and (not isinstance(value, str) or not _PARTIAL_DATE.match(value)):
            raise ValueError(f"'since' must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
        if isinstance(value, str) and len(value) == 7 and not 1 <= int(value[5:]) <= 12:
            raise ValueError(f"'since' has no month {value[5:]!r}")
        if isinstance(value, str) and len(value) == 10:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"'since' is not a real day: {value!r}") from None
        return value

    @model_validator(mode="after")
    def _at_most_one(self) -> DateRef:
        given = [name for name in ("as_of", "year", "since") if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(f"give at most one of as_of, year, since (got {', '.join(given)})")
        return self


class Qualifier(str, Enum):
    """How a stated number relates to the true value: 超 (more than) is not 以上 (at
    least), nor 不足 (less than) 以内 (at most); 不超过 (not more than) is at most."""

    EXACT = "exact"
    MORE_THAN = "more-than"
    AT_LEAST = "at-least"
    ABOUT = "about"
    AT_MOST = "at-most"
    LESS_THAN = "less-than"


class Direction(str, Enum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Quantity(Record):
    """A number as written in the text, and its normalised value."""

    text: Text
    value: Number
    unit: Slug
    qualifier: Qualifier = Qualifier.EXACT


class Figure(Quantity):
    """One stated number: a quantity measuring an indicator, with its evidence."""

    id: Slug
    quote: Text
    indicator: Slug
    subject: Slug | None = None
    cumulative: StrictBool = False
    date: DateRef | None = None


class Comparison(Record):
    """What a change compares with (改革前, 同比), as the text says it."""

    text: Text
    en: English


class Change(Record):
    """A change of an indicator: baseline and result, or either with a difference."""

    id: Slug
    quote: Text
    indicator: Slug
    direction: Direction
    compared_with: Comparison | None = None
    baseline: Quantity | None = None
    result: Quantity | None = None
    difference: Quantity | None = None
    subject: Slug | None = None
    date: DateRef | None = None

    @model_validator(mode="after")
    def _has_a_number(self) -> Change:
        if self.baseline is None and self.result is None and self.difference is None:
            raise ValueError("a change needs a baseline, a result or a difference")
        return self

    def parts(self) -> list[tuple[str, Quantity]]:
        """The stated numbers of the change, by role, in reading order."""
        roles = (
            ("baseline", self.baseline),
            ("result", self.result),
            ("difference", self.difference),
        )
        return [(role, quantity) for role, quantity in roles if quantity is not None]


class Ranking(Record):
    """A rank within a scope (居全国第3)."""

    id: Slug
    quote: Text
    text: Text
    rank: Integer = Field(ge=1)
    scope: Slug
    indicator: Slug
    subject: Slug | None = None
    date: DateRef | None = None


class _RelationBase(Record):
    quote: Text
    purpose: Bilingual | None = None


class JointWork(_RelationBase):
    """会同, 联合: a lead body works together with partners (not a hierarchy)."""

    kind: Literal["joint-work"]
    lead: Participants
    partners: Participants


class Assistance(_RelationBase):
    """协助: one body assists another."""

    kind: Literal["assistance"]
    assistant: Participants
    assisted: Participants


class PilotAssignment(_RelationBase):
    """A pilot task assigned by one body to another (承接…试点任务)."""

    kind: Literal["pilot-assignment"]
    assigned_by: Participants
    assigned_to: Participants
    programme: Involvement


class SubOrganisation(_RelationBase):
    """A body belongs to another."""

    kind: Literal["sub-organisation"]
    member: Participants
    parent: Participants


Relation = Annotated[
    JointWork | Assistance | PilotAssignment | SubOrganisation, Field(discriminator="kind")
]


class Coverage(Record):
    """An exception to the number-coverage rule: a numeral that is not a figure."""

    quote: Text
    text: Text | None = None
    reason: Text

    @property
    def span_text(self) -> str:
        return self.text if self.text is not None else self.quote


class Level(str, Enum):
    """The level of government a recognition comes from."""

    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"


class RecognitionForm(str, Enum):
    """How a higher level recognised a reform."""

    TYPICAL_EXPERIENCE = "typical-experience"  # 典型经验
    TYPICAL_CASE = "typical-case"  # 典型案例
    EXPERIENCE_EXCHANGE = "experience-exchange"  # 经验交流
    INSTITUTIONAL_RULE = "institutional-rule"  # 吸收为制度性规定
    COMMENDATION = "commendation"  # 督查表扬


class ClaimKind(str, Enum):
    """What an innovation claim claims."""

    FIRST_TO_DO = "first-to-do"  # 率先, 首创
    FIRST_OF_ITS_KIND = "first-of-its-kind"  # 首个, 首部, 首家, 第一个
    ONLY_ONE = "only-one"  # 唯一
    LARGEST = "largest"  # 最大
    RECORD_HIGH = "record-high"  # 创历史新高
    RECORD_LOW = "record-low"  # 创历史新低, 降至历史最低


class PilotStage(str, Enum):
    """Where a pilot stands: tried, scaled up, generalised."""

    PILOT = "pilot"  # 试点
    SCALED_UP = "scaled-up"  # 扩大试点
    GENERALISED = "generalised"  # 全面铺开, 推广


class _Qualitative(Record):
    id: Slug
    quote: Text
    text: Text | None = None

    @property
    def span_text(self) -> str:
        """The words that make the statement (they must lie in the quote)."""
        return self.text if self.text is not None else self.quote


class Recognition(_Qualitative):
    """Recognition by a higher level (被列入…典型经验, 获评…典型案例, 作经验交流 …)."""

    by: list[Involvement] = Field(default_factory=list)
    level: Level
    form: RecognitionForm
    subject: Slug | None = None
    via: Slug | None = None


class Claim(_Qualitative):
    """An innovation claim: a first, the only one, the largest, a record high, within a
    scope."""

    kind: ClaimKind
    scope: Slug
    what: Bilingual
    subject: Slug | None = None


class Pilot(_Qualitative):
    """A pilot, who assigned it to whom, its batch and its stage."""

    stage: PilotStage
    programme: Slug | None = None
    assigned_by: list[Involvement] = Field(default_factory=list)
    assigned_to: list[Involvement] = Field(default_factory=list)
    batch: Comparison | None = None


class Facts(Record):
    """What a stretch of text states: involved entities, numbers, relations and outcomes."""

    involves: list[Involvement] = Field(default_factory=list)
    figures: list[Figure] = Field(default_factory=list)
    changes: list[Change] = Field(default_factory=list)
    rankings: list[Ranking] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    recognitions: list[Recognition] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    pilots: list[Pilot] = Field(default_factory=list)


class Measure(Facts):
    """A numbered measure of a case: 一是 … in running text, or a 一、 section, a (一) item
    or a 1. (1) numbered item beginning a paragraph. Its position and its place in the
    nesting (a 一是 inside a (一) item inside a 一、 section) follow from the text."""

    marker: Text
    lead: Bilingual

    @field_validator("marker")
    @classmethod
    def _known_marker(cls, value: str) -> str:
        if marker_kind(value) is None:
            raise ValueError(
                f"{value!r} is not a measure marker: use 一是 … 十是, 一、 … 十、,"
                " (一) … (十) (half- or full-width parentheses), 1. or 1、, or (1)"
            )
        return value

    @property
    def kind(self) -> str:
        """The kind of its marker: a key of :data:`MARKER_KINDS`."""
        kind = marker_kind(self.marker)
        assert kind is not None
        return kind


class Case(Facts):
    """A reform case: title, office, domains, places, who carries it out, measures and facts."""

    id: Slug
    source: Slug
    position: Integer = Field(ge=1)
    title: Bilingual
    office: Slug
    domains: list[Slug] = Field(min_length=1)
    places: list[Involvement] = Field(default_factory=list)
    #: Who carries out the reform, as the case's text names them (省发改委…推进…改革), as
    #: against the office that reports it.
    carried_out_by: list[Involvement] = Field(default_factory=list)
    start: DateRef | None = None
    paragraphs: Integer = Field(default=1, ge=1)
    measures: list[Measure] = Field(default_factory=list)
    exceptions: list[Coverage] = Field(default_factory=list)

    @property
    def iri(self) -> URIRef:
        return DATA[f"case/{self.id}"]


class Introduction(Facts):
    """What a source says before its first case."""

    exceptions: list[Coverage] = Field(default_factory=list)


Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]


class Source(Record):
    """A published source text and its metadata.

    ``issued`` and ``url`` may be left out while they are unknown (a draft made by
    ``reformgraph extract``); the graph then fails a warning-level SHACL shape, not the
    build. ``original_encoding`` and ``original_sha256`` record the file the text was
    converted from when it was not UTF-8 byte for byte (a GB18030 report, a layout
    normalised by ``extract``); ``sha256`` is always that of the text as stored.
    """

    id: Slug
    file: Annotated[str, StringConstraints(pattern=TEXT_FILE_PATTERN)]
    sha256: Sha256
    title: Bilingual
    publisher: Slug
    issued: Day | None = None
    url: Annotated[str, StringConstraints(pattern=URL_PATTERN)] | None = None
    language: Annotated[str, StringConstraints(pattern=LANGUAGE_PATTERN)]
    original_encoding: Annotated[str, StringConstraints(pattern=ENCODING_PATTERN)] | None = None
    original_sha256: Sha256 | None = None
    edition: Text | None = None
    planned_by: Slug | None = None
    credits_quote: Text | None = None
    introduction: Introduction | None = None

    @property
    def iri(self) -> URIRef:
        return DATA[f"source/{self.id}"]

"""Valid and invalid examples for every targeted node shape in ``ontology/shapes.ttl``.

Each example is a small Turtle graph validated on its own with the project's validator;
the ontology supplies the class hierarchy (``rg:GovernmentBody`` is an ``org:Organization``).
A valid example must conform. An invalid example is a valid one with a few edits, each
edit shown as the text it replaces; it must fail with a violation on the intended node
whose path or message names the constraint it breaks, and on no other node.

The examples mirror what ``reformgraph.build`` writes (see ``build/reformgraph.ttl``):
bilingual ``zh``/``en`` labels, evidence nodes with a text quote and a text position
selector, ``xsd:positiveInteger`` positions and ranks, ``xsd:decimal`` values.

An invalid example that a shape wrongly accepts carries ``bug=...``: it runs as a strict
xfail, so it starts failing (and the marker must go) once ``shapes.ttl`` is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from reformgraph.engine import add_ontology
from reformgraph.pipeline import load_ontology, load_shapes
from reformgraph.project import ontology_file
from reformgraph.shacl_sparql import compile_shapes, validate_store
from reformgraph.validate import ValidationResult, Violation, validate_graph

EX = "https://w3id.org/reformgraph/id/test/"
RGSH = "https://w3id.org/reformgraph/shapes/"
NAMESPACES = {
    "ex": EX,
    "rg": "https://w3id.org/reformgraph/ontology/",
    "dcterms": "http://purl.org/dc/terms/",
    "oa": "http://www.w3.org/ns/oa#",
    "org": "http://www.w3.org/ns/org#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "http://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "qudt": "http://qudt.org/schema/qudt/",
}
PREFIXES = "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in NAMESPACES.items())


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return NAMESPACES[prefix] + local


# ---------------------------------------------------------------------------- Turtle helpers

#: The text of the one case the examples quote, and where it starts in the source.
CASE_TEXT = (
    "在全国率先实施深化国企功能性改革,营收增速居全国第3。"
    "一是创新实施绩效评价改革。省国资委会同武汉市推进改革,省财政厅协助省国资委。"
    "二是统筹推进“三资”管理改革。累计盘活“三资”2000多亿元,"
    "企业开办时间从120秒压缩至80秒、缩短40秒,武汉市承接国家发改委试点任务,省国资委隶属省政府。"
    "该做法被列入国务院督查典型经验,武汉市入选首批试点。"
)
CASE_START = 1200


def offset(quote: str) -> int:
    """Where ``quote`` (which occurs once in the case) starts in the source."""
    assert CASE_TEXT.count(quote) == 1, quote
    return CASE_START + CASE_TEXT.index(quote)


def evidence(name: str, quote: str, start: int | None = None, cls: str = "rg:Evidence") -> str:
    """Turtle for evidence ``ex:<name>`` quoting ``quote`` of ``ex:source``, as built."""
    if start is None:
        start = offset(quote)
    return f"""
ex:{name} a {cls} ;
    oa:hasSource ex:source ;
    oa:hasSelector ex:{name}-quote , ex:{name}-position .
ex:{name}-quote a oa:TextQuoteSelector ;
    oa:exact "{quote}" .
ex:{name}-position a oa:TextPositionSelector ;
    oa:start "{start}"^^xsd:nonNegativeInteger ;
    oa:end "{start + len(quote)}"^^xsd:nonNegativeInteger .
"""


def entity(name: str, cls: str, zh: str, en: str, extra: str = "") -> str:
    """Turtle for a shared entity ``ex:<name>`` with the labels every entity has."""
    return f"""
ex:{name} a {cls} ;
    skos:prefLabel "{zh}"@zh , "{en}"@en ;
    rdfs:label "{zh}"@zh , "{en}"@en {extra}.
"""


def figure(name: str, value: str, unit: str, stated_as: str, quote: str) -> str:
    """Turtle for a complete figure ``ex:<name>``: the parts of a change."""
    return f"""
ex:{name} a rg:Figure ;
    rdfs:label "{stated_as}"@zh , "{value} {unit}"@en ;
    schema:value {value} ;
    rg:unit ex:{unit} ;
    rg:qualifier rg:exact ;
    rg:statedAs "{stated_as}"@zh ;
    rg:indicator ex:start-up-time ;
    dcterms:source ex:source ;
    rg:evidence ex:{name}-evidence ;
    rg:mention ex:{name}-mention .
{evidence(f"{name}-evidence", quote)}{evidence(f"{name}-mention", stated_as)}"""


# ---------------------------------------------------------------------------- support nodes

#: A source document and its publisher: what every evidence node points to.
DOCUMENT = (
    entity("hubei-daily", "rg:Enterprise", "湖北日报", "Hubei Daily")
    + """
ex:source a rg:SourceDocument ;
    rdfs:label "全面深化改革,奋进支点建设"@zh , "Deepening reform comprehensively"@en ;
    dcterms:title "全面深化改革,奋进支点建设"@zh , "Deepening reform, building the pivot"@en ;
    dcterms:publisher ex:hubei-daily ;
    dcterms:issued "2026-01-17"^^xsd:date ;
    dcterms:language <http://id.loc.gov/vocabulary/iso639-1/zh> ;
    schema:url <https://epaper.hubeidaily.net/pc/content/202601/17/c337889.html> ;
    rg:fileName "hubei-2025-reform-cases.txt" ;
    rg:sha256 "75e9f13f4d3dc386e49fdbb9bb4e77d093dc666d54819cf8060920da7a3cd953" ;
    rg:characterCount "4708"^^xsd:nonNegativeInteger ;
    rg:plannedBy ex:reform-office .
"""
    + entity("reform-office", "rg:ReformOffice", "省委改革办", "Provincial Reform Office")
)

#: A reform case with its office, domain and place (its measures come separately).
CASE = (
    DOCUMENT
    + entity("domains", "skos:ConceptScheme", "改革领域", "reform domains")
    + entity(
        "soe-reform", "rg:ReformDomain", "国资国企改革", "SOE reform", "; skos:inScheme ex:domains "
    )
    + entity("china", "rg:AdministrativeArea", "全国", "China")
    + entity("hubei", "rg:AdministrativeArea", "湖北省", "Hubei", "; rg:locatedIn ex:china ")
    + f"""
ex:case a rg:ReformCase ;
    rdfs:label "深化国有企业功能性改革"@zh , "Functional reform of SOEs"@en ;
    dcterms:title "深化国有企业功能性改革"@zh , "Deepening the functional reform of SOEs"@en ;
    rg:position "6"^^xsd:positiveInteger ;
    rg:responsibleOffice ex:reform-office ;
    rg:reformDomain ex:soe-reform ;
    rg:place ex:hubei ;
    rg:dateText "2023年9月以来"@zh , "since September 2023"@en ;
    rg:since "2023-09"^^xsd:gYearMonth ;
    rg:fullText "{CASE_TEXT}"@zh ;
    dcterms:source ex:source ;
    rg:evidence ex:case-evidence .
{evidence("case-evidence", CASE_TEXT)}"""
)

#: The case's two measures, numbered 1 and 2.
MEASURES = (
    """
ex:measure-1 a rg:Measure ;
    rdfs:label "创新实施绩效评价改革"@zh , "Reforming performance evaluation"@en ;
    rg:partOfCase ex:case ;
    rg:position "1"^^xsd:positiveInteger ;
    rg:marker "一是"@zh ;
    rg:leadClause "创新实施绩效评价改革"@zh , "Reforming performance evaluation"@en ;
    rg:fullText "一是创新实施绩效评价改革。"@zh ;
    dcterms:source ex:source ;
    rg:evidence ex:measure-1-evidence .

ex:measure-2 a rg:Measure ;
    rdfs:label "统筹推进“三资”管理改革"@zh , "Managing state assets as a whole"@en ;
    rg:partOfCase ex:case ;
    rg:position "2"^^xsd:positiveInteger ;
    rg:marker "二是"@zh ;
    rg:leadClause "统筹推进“三资”管理改革"@zh , "Managing state assets as a whole"@en ;
    rg:fullText "二是统筹推进“三资”管理改革。"@zh ;
    dcterms:source ex:source ;
    rg:evidence ex:measure-2-evidence .
"""
    + evidence("measure-1-evidence", "一是创新实施绩效评价改革。")
    + evidence("measure-2-evidence", "二是统筹推进“三资”管理改革。")
)

#: What figures, changes and rankings refer to: the case, indicators, units, places.
STATEMENT_SUPPORT = (
    CASE
    + MEASURES
    + entity("indicators", "skos:ConceptScheme", "指标", "indicators")
    + entity(
        "assets-revitalised",
        "rg:Indicator",
        "盘活“三资”规模",
        "state assets revitalised",
        "; skos:inScheme ex:indicators ",
    )
    + entity(
        "start-up-time",
        "rg:Indicator",
        "企业开办时间",
        "time to start a business",
        "; skos:inScheme ex:indicators ",
    )
    + entity(
        "revenue-growth",
        "rg:Indicator",
        "营收增速",
        "revenue growth",
        "; skos:inScheme ex:indicators ",
    )
    + entity(
        "cny",
        "rg:Unit",
        "元",
        "yuan (CNY)",
        '; rg:symbol "元" ; skos:notation "CNY" ; '
        "skos:exactMatch <http://qudt.org/vocab/unit/CCY_CNY> ",
    )
    + entity(
        "count",
        "rg:Unit",
        "个",
        "count",
        '; rg:symbol "个" ; skos:notation "1" ; skos:exactMatch <http://qudt.org/vocab/unit/NUM> ',
    )
    + entity(
        "second",
        "rg:Unit",
        "秒",
        "second",
        '; rg:symbol "秒" ; skos:notation "s" ; skos:exactMatch <http://qudt.org/vocab/unit/SEC> ',
    )
    + entity(
        "minute",
        "rg:Unit",
        "分钟",
        "minute",
        '; rg:symbol "分钟" ; skos:notation "min" ;'
        " rg:baseUnit ex:second ; rg:conversionFactor 60.0 ",
    )
    + entity("central-china", "rg:Region", "中部", "central China")
)

#: The bodies and places relations link, and things that are neither.
ACTORS = (
    DOCUMENT
    + entity("province-government", "rg:GovernmentBody", "省政府", "Provincial Government")
    + entity("sasac", "rg:GovernmentBody", "省国资委", "Provincial SASAC")
    + entity("finance-department", "rg:GovernmentBody", "省财政厅", "Provincial Finance Department")
    + entity("ndrc", "rg:GovernmentBody", "国家发改委", "NDRC")
    + entity("wuhan", "rg:AdministrativeArea", "武汉市", "Wuhan")
    + entity("central-china", "rg:Region", "中部", "central China")
    + entity("huahu-airport", "rg:Site", "花湖机场", "Huahu Airport")
    + entity("one-network", "rg:Platform", "一网通办", "one-network service")
    + entity("expo", "rg:Event", "博览会", "expo")
    + entity("icv-pilot", "rg:PilotProgramme", "智能网联汽车试点", "ICV pilot")
    + entity("three-libraries", "rg:Mechanism", "“三库”机制", "three-libraries mechanism")
)


# ---------------------------------------------------------------------------- examples


@dataclass(frozen=True)
class Example:
    """A graph for one shape: a base Turtle text with ``(old, new)`` edits applied.

    A valid example has no ``focus``. An invalid one expects a violation on ``ex:<focus>``
    at ``path`` whose message contains ``message`` (and whose value is ``value``), and no
    violation on any node but ``focus`` and ``others``. ``bug`` describes a shape that
    wrongly accepts the example: the test is then a strict xfail.
    """

    shape: str
    test_id: str
    base: str
    edits: tuple[tuple[str, str], ...] = ()
    focus: str = ""
    path: str = ""
    message: str = ""
    value: str = ""
    others: tuple[str, ...] = ()
    bug: str = ""
    #: The shape reports the example as a warning (sh:Warning): it conforms all the same.
    warning: bool = False
    #: Each figure is given the qudt:unit of its rg:unit, as the build gives it (see
    #: :func:`parse`), unless the example gives one itself or this is False.
    qudt_as_built: bool = True

    @property
    def turtle(self) -> str:
        text = self.base
        for old, new in self.edits:
            count = text.count(old)
            assert count == 1, f"edit target occurs {count} times, not once: {old!r}"
            text = text.replace(old, new)
        return PREFIXES + text

    def matches(self, violation: Violation) -> bool:
        return (
            violation.focus == EX + self.focus
            and (not self.path or violation.path == expand(self.path))
            and self.message in violation.message
            and (not self.value or violation.value == self.value)
        )


def conforms(shape: str, test_id: str, base: str, *edits: tuple[str, str]) -> Example:
    return Example(shape, test_id, base, edits)


def rejects(
    shape: str,
    test_id: str,
    base: str,
    *edits: tuple[str, str],
    focus: str,
    path: str = "",
    message: str = "",
    value: str = "",
    others: tuple[str, ...] = (),
    bug: str = "",
    warning: bool = False,
    qudt_as_built: bool = True,
) -> Example:
    assert path or message, "say which constraint the example breaks"
    return Example(
        shape,
        test_id,
        base,
        edits,
        focus,
        path,
        message,
        value,
        others,
        bug,
        warning,
        qudt_as_built,
    )


def remove(text: str) -> tuple[str, str]:
    return text, ""


def set_source(evidence_name: str, source: str = "") -> tuple[str, str]:
    """Point ``dcterms:source`` of the node with evidence ``ex:<evidence_name>`` elsewhere,
    or drop it."""
    rest = f"rg:evidence ex:{evidence_name}"
    new = f"dcterms:source {source} ;\n    {rest}" if source else rest
    return f"dcterms:source ex:source ;\n    {rest}", new


BILINGUAL_LABEL = "needs exactly one rdfs:label in zh and one in en"
BILINGUAL_PREF_LABEL = "needs exactly one skos:prefLabel in zh and one in en"
BILINGUAL_TITLE = "needs exactly one dcterms:title in zh and one in en"
BILINGUAL_LEAD = "needs exactly one rg:leadClause in zh and one in en"
BILINGUAL_CLAIM_WHAT = "needs exactly one rg:claimWhat in zh and one in en"
AT_MOST_ONE_DEFINITION = "has at most one skos:definition in zh and one in en"
AT_MOST_ONE_COMPARED_WITH = "has at most one rg:comparedWith in zh and one in en"
AT_MOST_ONE_PURPOSE = "has at most one rg:purpose in zh and one in en"
AT_MOST_ONE_BATCH = "has at most one rg:batch in zh and one in en"
ALT_LABEL = "alternative labels are zh or en language strings"
CHINESE_FULL_TEXT = "needs exactly one rg:fullText in zh"
NEEDS_EVIDENCE = "needs exactly one rg:evidence"
NEEDS_SOURCE = "needs exactly one dcterms:source"
NEEDS_INDICATOR = "needs exactly one rg:indicator"
NEEDS_MENTION = "needs exactly one rg:mention"
NEEDS_DATE_TEXT = "a normalised date needs the words it comes from"
DATE_TEXT_IN_BOTH = "the words of a date (rg:dateText) need both the Chinese and its English"
ONE_DATE_TEXT_EACH = "has at most one rg:dateText in zh and one in en"
SINCE_IS_A_DATE = "rg:since is one xsd:gYear, xsd:gYearMonth or xsd:date"
NOT_AN_ACTOR = "must be an organisation or an administrative area"
QUDT_MATCH = "matches at most one QUDT unit or currency"

# ---------------------------------------------------------------- documents and provenance

SOURCE_DOCUMENT = DOCUMENT
LANGUAGE_MESSAGE = (
    "needs exactly one dcterms:language, a dcterms:LinguisticSystem: the IRI of its ISO 639-1"
    " code (http://id.loc.gov/vocabulary/iso639-1/zh) or ISO 639-3 code"
    " (http://lexvo.org/id/iso639-3/yue)"
)
SOURCE_DOCUMENT_EXAMPLES = [
    conforms("SourceDocumentShape", "source-document-conforms", SOURCE_DOCUMENT),
    rejects(
        "SourceDocumentShape",
        "source-document-without-english-label-is-rejected",
        SOURCE_DOCUMENT,
        (
            'rdfs:label "全面深化改革,奋进支点建设"@zh , "Deepening reform comprehensively"@en ;',
            'rdfs:label "全面深化改革,奋进支点建设"@zh ;',
        ),
        focus="source",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-with-two-chinese-titles-is-rejected",
        SOURCE_DOCUMENT,
        ('"Deepening reform, building the pivot"@en', '"全面深化改革"@zh'),
        focus="source",
        path="dcterms:title",
        message=BILINGUAL_TITLE,
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-publisher-must-be-an-organisation",
        SOURCE_DOCUMENT,
        ("dcterms:publisher ex:hubei-daily", "dcterms:publisher ex:source"),
        focus="source",
        path="dcterms:publisher",
        value=EX + "source",
        message="needs exactly one dcterms:publisher, an org:Organization",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-without-publisher-is-rejected",
        SOURCE_DOCUMENT,
        remove("dcterms:publisher ex:hubei-daily ;"),
        focus="source",
        path="dcterms:publisher",
        message="needs exactly one dcterms:publisher, an org:Organization",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-issued-must-be-an-xsd-date",
        SOURCE_DOCUMENT,
        ('"2026-01-17"^^xsd:date', '"2026年1月17日"'),
        focus="source",
        path="dcterms:issued",
        message="has at most one dcterms:issued, an xsd:date",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-language-as-a-tag-literal-is-rejected",
        SOURCE_DOCUMENT,
        ("<http://id.loc.gov/vocabulary/iso639-1/zh>", '"zh"^^xsd:language'),
        focus="source",
        path="dcterms:language",
        message=LANGUAGE_MESSAGE,
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-language-of-another-vocabulary-is-rejected",
        SOURCE_DOCUMENT,
        ("<http://id.loc.gov/vocabulary/iso639-1/zh>", "<http://example.org/chinese>"),
        focus="source",
        path="dcterms:language",
        message=LANGUAGE_MESSAGE,
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-url-must-be-http",
        SOURCE_DOCUMENT,
        ("<https://epaper", "<ftp://epaper"),
        focus="source",
        path="schema:url",
        message="has at most one schema:url, the IRI of an http or https address",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-url-as-a-literal-is-rejected",
        SOURCE_DOCUMENT,
        (
            "<https://epaper.hubeidaily.net/pc/content/202601/17/c337889.html>",
            '"https://epaper.hubeidaily.net/pc/content/202601/17/c337889.html"^^xsd:anyURI',
        ),
        focus="source",
        path="schema:url",
        message="has at most one schema:url, the IRI of an http or https address",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-sha256-must-be-64-lowercase-hex-digits",
        SOURCE_DOCUMENT,
        ('"75e9f13f', '"75E9F13F'),
        focus="source",
        path="rg:sha256",
        message="needs exactly one rg:sha256, 64 lower-case hexadecimal digits (xsd:string)",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-character-count-must-be-non-negative",
        SOURCE_DOCUMENT,
        ('rg:characterCount "4708"^^xsd:nonNegativeInteger', "rg:characterCount -1"),
        focus="source",
        path="rg:characterCount",
        message="needs exactly one rg:characterCount, an xsd:nonNegativeInteger",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-without-file-name-is-rejected",
        SOURCE_DOCUMENT,
        remove('rg:fileName "hubei-2025-reform-cases.txt" ;'),
        focus="source",
        path="rg:fileName",
        message="needs exactly one rg:fileName, an xsd:string",
    ),
    rejects(
        "SourceDocumentShape",
        "source-document-planned-by-must-be-an-organisation",
        SOURCE_DOCUMENT,
        ("rg:plannedBy ex:reform-office", "rg:plannedBy ex:source"),
        focus="source",
        path="rg:plannedBy",
        value=EX + "source",
        message="has at most one rg:plannedBy, an org:Organization",
    ),
]

EVIDENCE = (
    DOCUMENT
    + """
ex:evidence a rg:Evidence ;
    oa:hasSource ex:source ;
    oa:hasSelector ex:quote , ex:position .
ex:quote a oa:TextQuoteSelector ;
    oa:exact "一是创新实施绩效评价改革。" .
ex:position a oa:TextPositionSelector ;
    oa:start "1227"^^xsd:nonNegativeInteger ;
    oa:end "1240"^^xsd:nonNegativeInteger .
"""
)
EVIDENCE_EXAMPLES = [
    conforms("EvidenceShape", "evidence-conforms", EVIDENCE),
    conforms(
        "EvidenceShape",
        "evidence-ending-at-the-end-of-its-source-conforms",
        EVIDENCE,
        ('"1227"^^xsd:nonNegativeInteger', '"4695"^^xsd:nonNegativeInteger'),
        ('"1240"^^xsd:nonNegativeInteger', '"4708"^^xsd:nonNegativeInteger'),
    ),
    rejects(
        "EvidenceShape",
        "evidence-quote-length-must-equal-end-minus-start",
        EVIDENCE,
        ('"1240"^^xsd:nonNegativeInteger', '"1241"^^xsd:nonNegativeInteger'),
        focus="evidence",
        message="the quote's length must equal end - start",
        value="一是创新实施绩效评价改革。",
    ),
    rejects(
        "EvidenceShape",
        "evidence-without-source-is-rejected",
        EVIDENCE,
        remove("oa:hasSource ex:source ;"),
        focus="evidence",
        path="oa:hasSource",
        message="needs exactly one oa:hasSource, the rg:SourceDocument it quotes",
    ),
    rejects(
        "EvidenceShape",
        "evidence-source-must-be-a-source-document",
        EVIDENCE,
        ("oa:hasSource ex:source", "oa:hasSource ex:hubei-daily"),
        focus="evidence",
        path="oa:hasSource",
        message="needs exactly one oa:hasSource, the rg:SourceDocument it quotes",
    ),
    rejects(
        "EvidenceShape",
        "evidence-without-position-selector-is-rejected",
        EVIDENCE,
        ("oa:hasSelector ex:quote , ex:position", "oa:hasSelector ex:quote"),
        focus="evidence",
        path="oa:hasSelector",
        message="needs exactly one text position selector",
    ),
    rejects(
        "EvidenceShape",
        "evidence-with-two-quote-selectors-is-rejected",
        EVIDENCE,
        ("oa:hasSelector ex:quote , ex:position", "oa:hasSelector ex:quote , ex:quote-2"),
        (
            "ex:quote a oa:TextQuoteSelector ;",
            'ex:quote-2 a oa:TextQuoteSelector ; oa:exact "一是" .\n'
            "ex:quote a oa:TextQuoteSelector ;",
        ),
        focus="evidence",
        path="oa:hasSelector",
        message="needs exactly one text quote selector",
    ),
    rejects(
        "EvidenceShape",
        "evidence-ending-after-the-end-of-its-source-is-rejected",
        EVIDENCE,
        ('"1227"^^xsd:nonNegativeInteger', '"4700"^^xsd:nonNegativeInteger'),
        ('"1240"^^xsd:nonNegativeInteger', '"4713"^^xsd:nonNegativeInteger'),
        focus="evidence",
        message="the quote ends after the end of its source text",
        value="4713",
    ),
]

ENTITY_MENTION = (
    CASE
    + """
ex:case rg:hasMention ex:china-mention .
ex:china-mention rg:mentionOf ex:china .
"""
    + evidence("china-mention", "全国", offset("在全国率先") + 1, cls="rg:EntityMention")
)
ENTITY_MENTION_EXAMPLES = [
    conforms("EntityMentionShape", "entity-mention-conforms", ENTITY_MENTION),
    rejects(
        "EntityMentionShape",
        "entity-mention-without-entity-is-rejected",
        ENTITY_MENTION,
        remove("ex:china-mention rg:mentionOf ex:china ."),
        focus="china-mention",
        path="rg:mentionOf",
        message="names exactly one entity",
    ),
    rejects(
        "EntityMentionShape",
        "entity-mention-of-a-literal-is-rejected",
        ENTITY_MENTION,
        ("rg:mentionOf ex:china", 'rg:mentionOf "全国"@zh'),
        focus="china-mention",
        path="rg:mentionOf",
        message="names exactly one entity",
    ),
    rejects(
        "EntityMentionShape",
        "entity-mention-of-two-entities-is-rejected",
        ENTITY_MENTION,
        ("rg:mentionOf ex:china", "rg:mentionOf ex:china , ex:hubei"),
        focus="china-mention",
        path="rg:mentionOf",
        message="names exactly one entity",
    ),
    rejects(
        "EntityMentionShape",
        "entity-mention-of-no-case-measure-or-source-is-rejected",
        ENTITY_MENTION,
        remove("ex:case rg:hasMention ex:china-mention ."),
        focus="china-mention",
        message="belongs to the case, measure or source",
    ),
    rejects(
        "EntityMentionShape",
        "entity-mention-is-evidence-whose-length-must-match-its-offsets",
        ENTITY_MENTION,
        ('oa:exact "全国"', 'oa:exact "在全国"'),
        focus="china-mention",
        message="the quote's length must equal end - start",
    ),
]

TEXT_QUOTE_SELECTOR = """
ex:quote a oa:TextQuoteSelector ;
    oa:exact "一是创新实施绩效评价改革。" .
"""
TEXT_QUOTE_SELECTOR_EXAMPLES = [
    conforms("TextQuoteSelectorShape", "text-quote-selector-conforms", TEXT_QUOTE_SELECTOR),
    rejects(
        "TextQuoteSelectorShape",
        "text-quote-selector-with-empty-quote-is-rejected",
        TEXT_QUOTE_SELECTOR,
        ('"一是创新实施绩效评价改革。"', '""'),
        focus="quote",
        path="oa:exact",
        message="needs exactly one oa:exact, a non-empty xsd:string",
    ),
    rejects(
        "TextQuoteSelectorShape",
        "text-quote-selector-without-quote-is-rejected",
        TEXT_QUOTE_SELECTOR,
        ('oa:exact "一是创新实施绩效评价改革。"', 'rdfs:comment "一是"'),
        focus="quote",
        path="oa:exact",
        message="needs exactly one oa:exact, a non-empty xsd:string",
    ),
    rejects(
        "TextQuoteSelectorShape",
        "text-quote-selector-quote-must-be-a-plain-string",
        TEXT_QUOTE_SELECTOR,
        ('"一是创新实施绩效评价改革。"', '"一是创新实施绩效评价改革。"@zh'),
        focus="quote",
        path="oa:exact",
        message="needs exactly one oa:exact, a non-empty xsd:string",
    ),
    rejects(
        "TextQuoteSelectorShape",
        "text-quote-selector-with-two-quotes-is-rejected",
        TEXT_QUOTE_SELECTOR,
        ('。"', '。" , "一是"'),
        focus="quote",
        path="oa:exact",
        message="needs exactly one oa:exact, a non-empty xsd:string",
    ),
]

TEXT_POSITION_SELECTOR = """
ex:position a oa:TextPositionSelector ;
    oa:start "1227"^^xsd:nonNegativeInteger ;
    oa:end "1240"^^xsd:nonNegativeInteger .
"""
TEXT_POSITION_SELECTOR_EXAMPLES = [
    conforms(
        "TextPositionSelectorShape", "text-position-selector-conforms", TEXT_POSITION_SELECTOR
    ),
    rejects(
        "TextPositionSelectorShape",
        "text-position-selector-start-equal-to-end-is-rejected",
        TEXT_POSITION_SELECTOR,
        ('"1240"', '"1227"'),
        focus="position",
        path="oa:start",
        message="needs exactly one oa:start, an xsd:nonNegativeInteger less than its oa:end",
    ),
    rejects(
        "TextPositionSelectorShape",
        "text-position-selector-start-after-end-is-rejected",
        TEXT_POSITION_SELECTOR,
        ('"1227"', '"1250"'),
        focus="position",
        path="oa:start",
        message="needs exactly one oa:start, an xsd:nonNegativeInteger less than its oa:end",
    ),
    rejects(
        "TextPositionSelectorShape",
        "text-position-selector-negative-start-is-rejected",
        TEXT_POSITION_SELECTOR,
        ('"1227"^^xsd:nonNegativeInteger', "-1"),
        focus="position",
        path="oa:start",
        message="needs exactly one oa:start, an xsd:nonNegativeInteger less than its oa:end",
    ),
    rejects(
        "TextPositionSelectorShape",
        "text-position-selector-without-end-is-rejected",
        TEXT_POSITION_SELECTOR,
        (' ;\n    oa:end "1240"^^xsd:nonNegativeInteger', ""),
        focus="position",
        path="oa:end",
        message="needs exactly one oa:end, an xsd:nonNegativeInteger",
    ),
]

# ---------------------------------------------------------------- cases and measures

REFORM_CASE = CASE + MEASURES
REFORM_CASE_EXAMPLES = [
    conforms("ReformCaseShape", "reform-case-conforms", REFORM_CASE),
    conforms(
        "ReformCaseShape",
        "reform-case-carried-out-by-a-place-conforms",
        REFORM_CASE,
        ("rg:place ex:hubei ;", "rg:place ex:hubei ;\n    rg:carriedOutBy ex:hubei ;"),
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-carried-out-by-a-domain-is-rejected",
        REFORM_CASE,
        ("rg:place ex:hubei ;", "rg:place ex:hubei ;\n    rg:carriedOutBy ex:soe-reform ;"),
        focus="case",
        path="rg:carriedOutBy",
        message="must be an organisation or an administrative area",
    ),
    conforms(
        "ReformCaseShape",
        "reform-case-without-measures-or-dates-conforms",
        CASE,
        remove('rg:dateText "2023年9月以来"@zh , "since September 2023"@en ;'),
        remove('rg:since "2023-09"^^xsd:gYearMonth ;'),
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-without-english-label-is-rejected",
        REFORM_CASE,
        (', "Functional reform of SOEs"@en', ""),
        focus="case",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-with-two-chinese-labels-is-rejected",
        REFORM_CASE,
        ('"Functional reform of SOEs"@en', '"国企功能性改革"@zh'),
        focus="case",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-with-a-french-title-is-rejected",
        REFORM_CASE,
        ('"Deepening the functional reform of SOEs"@en', '"Réforme des EPE"@fr'),
        focus="case",
        path="dcterms:title",
        message=BILINGUAL_TITLE,
        value="Réforme des EPE",
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-without-evidence-is-rejected",
        REFORM_CASE,
        remove("rg:evidence ex:case-evidence"),
        focus="case",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-evidence-must-be-an-evidence-node",
        REFORM_CASE,
        ("rg:evidence ex:case-evidence", "rg:evidence ex:source"),
        focus="case",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-without-source-is-rejected",
        REFORM_CASE,
        set_source("case-evidence"),
        focus="case",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-source-must-be-a-source-document",
        REFORM_CASE,
        set_source("case-evidence", "ex:hubei-daily"),
        focus="case",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-position-zero-is-rejected",
        REFORM_CASE,
        ('rg:position "6"^^xsd:positiveInteger', "rg:position 0"),
        focus="case",
        path="rg:position",
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-responsible-office-must-be-a-reform-office",
        REFORM_CASE,
        ("rg:responsibleOffice ex:reform-office", "rg:responsibleOffice ex:hubei-daily"),
        focus="case",
        path="rg:responsibleOffice",
        message="needs exactly one rg:responsibleOffice, an rg:ReformOffice",
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-without-reform-domain-is-rejected",
        REFORM_CASE,
        remove("rg:reformDomain ex:soe-reform ;"),
        focus="case",
        path="rg:reformDomain",
        message="needs at least one rg:reformDomain, each an rg:ReformDomain",
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-place-must-be-a-place",
        REFORM_CASE,
        ("rg:place ex:hubei", "rg:place ex:reform-office"),
        focus="case",
        path="rg:place",
        message="each rg:place must be an rg:Place",
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-full-text-must-be-chinese",
        REFORM_CASE,
        (f'{CASE_TEXT}"@zh', f'{CASE_TEXT}"@en'),
        focus="case",
        path="rg:fullText",
        message=CHINESE_FULL_TEXT,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-since-without-date-text-is-rejected",
        REFORM_CASE,
        remove('rg:dateText "2023年9月以来"@zh , "since September 2023"@en ;'),
        focus="case",
        message=NEEDS_DATE_TEXT,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-since-must-be-a-year-month-or-date",
        REFORM_CASE,
        ('"2023-09"^^xsd:gYearMonth', '"2023年9月"'),
        focus="case",
        path="rg:since",
        message=SINCE_IS_A_DATE,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-with-a-gap-in-measure-positions-is-rejected",
        REFORM_CASE,
        ('rg:position "2"', 'rg:position "3"'),
        focus="case",
        message="measure positions must run 1, 2, 3",
        value="3",
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-with-measures-not-starting-at-one-is-rejected",
        REFORM_CASE,
        ('rg:position "1"', 'rg:position "3"'),
        focus="case",
        message="measure positions must run 1, 2, 3",
        value="2",
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-with-english-and-british-labels-but-no-chinese-is-rejected",
        REFORM_CASE,
        ('rdfs:label "深化国有企业功能性改革"@zh', 'rdfs:label "SOE reform"@en-GB'),
        focus="case",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "ReformCaseShape",
        "reform-case-with-english-and-british-titles-is-rejected",
        REFORM_CASE,
        ('"Deepening the functional reform of SOEs"@en', '"SOE reform"@en , "SOE reform"@en-GB'),
        focus="case",
        path="dcterms:title",
        message=BILINGUAL_TITLE,
    ),
]

MEASURE_POSITIONS_UNIQUE_EXAMPLES = [
    conforms("MeasurePositionsUnique", "measure-positions-unique-conforms", REFORM_CASE),
    rejects(
        "MeasurePositionsUnique",
        "reform-case-with-two-measures-at-the-same-position-is-rejected",
        REFORM_CASE,
        ('rg:position "2"', 'rg:position "1"'),
        focus="case",
        message="two measures of the case have the same position",
        value="1",
    ),
]

MEASURE = REFORM_CASE
NESTED = 'rg:partOfCase ex:case ;\n    rg:position "2"'
MEASURE_EXAMPLES = [
    conforms("MeasureShape", "measure-conforms", MEASURE),
    conforms(
        "MeasureShape",
        "measure-nested-in-a-measure-conforms",
        MEASURE,
        (
            NESTED,
            'rg:partOfCase ex:case ;\n    rg:partOfMeasure ex:measure-1 ;\n    rg:position "2"',
        ),
    ),
    rejects(
        "MeasureShape",
        "measure-nested-in-something-else-is-rejected",
        MEASURE,
        (NESTED, 'rg:partOfCase ex:case ;\n    rg:partOfMeasure ex:case ;\n    rg:position "2"'),
        focus="measure-2",
        path="rg:partOfMeasure",
        message="has at most one rg:partOfMeasure, an rg:Measure",
    ),
    rejects(
        "MeasureShape",
        "measure-without-case-is-rejected",
        MEASURE,
        ('rg:partOfCase ex:case ;\n    rg:position "2"', 'rg:position "2"'),
        focus="measure-2",
        path="rg:partOfCase",
        message="needs exactly one rg:partOfCase, the rg:ReformCase it belongs to",
    ),
    rejects(
        "MeasureShape",
        "measure-part-of-case-must-be-a-case",
        MEASURE,
        (
            'rg:partOfCase ex:case ;\n    rg:position "2"',
            'rg:partOfCase ex:source ;\n    rg:position "2"',
        ),
        focus="measure-2",
        path="rg:partOfCase",
        message="needs exactly one rg:partOfCase, the rg:ReformCase it belongs to",
    ),
    rejects(
        "MeasureShape",
        "measure-position-zero-is-rejected",
        MEASURE,
        ('rg:position "1"^^xsd:positiveInteger', "rg:position 0"),
        focus="measure-1",
        path="rg:position",
        others=("case",),
    ),
    rejects(
        "MeasureShape",
        "measure-position-must-be-an-integer",
        MEASURE,
        ('rg:position "1"^^xsd:positiveInteger', 'rg:position "一"@zh'),
        focus="measure-1",
        path="rg:position",
        others=("case",),
    ),
    rejects(
        "MeasureShape",
        "measure-marker-must-be-chinese",
        MEASURE,
        ('rg:marker "二是"@zh', 'rg:marker "second"@en'),
        focus="measure-2",
        path="rg:marker",
        message="needs exactly one rg:marker, the words that number it in the source",
    ),
    rejects(
        "MeasureShape",
        "measure-without-english-lead-clause-is-rejected",
        MEASURE,
        (
            '管理改革"@zh , "Managing state assets as a whole"@en ;\n    rg:fullText',
            '管理改革"@zh ;\n    rg:fullText',
        ),
        focus="measure-2",
        path="rg:leadClause",
        message=BILINGUAL_LEAD,
    ),
    rejects(
        "MeasureShape",
        "measure-without-english-label-is-rejected",
        MEASURE,
        (
            'rdfs:label "统筹推进“三资”管理改革"@zh , "Managing state assets as a whole"@en',
            'rdfs:label "统筹推进“三资”管理改革"@zh',
        ),
        focus="measure-2",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "MeasureShape",
        "measure-without-evidence-is-rejected",
        MEASURE,
        remove("rg:evidence ex:measure-2-evidence"),
        focus="measure-2",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "MeasureShape",
        "measure-without-source-is-rejected",
        MEASURE,
        set_source("measure-2-evidence"),
        focus="measure-2",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
    rejects(
        "MeasureShape",
        "measure-without-full-text-is-rejected",
        MEASURE,
        remove('rg:fullText "二是统筹推进“三资”管理改革。"@zh ;'),
        focus="measure-2",
        path="rg:fullText",
        message=CHINESE_FULL_TEXT,
    ),
]

# ---------------------------------------------------------------- statements

FIGURE = (
    STATEMENT_SUPPORT
    + """
ex:figure a rg:Figure ;
    rdfs:label "2000多亿元"@zh , "at least 200,000,000,000 yuan (CNY)"@en ;
    schema:value 200000000000.0 ;
    rg:unit ex:cny ;
    rg:qualifier rg:atLeast ;
    rg:statedAs "2000多亿元"@zh ;
    rg:cumulative true ;
    rg:indicator ex:assets-revitalised ;
    rg:subject ex:hubei ;
    rg:dateText "截至2024年底"@zh , "as of the end of 2024"@en ;
    rg:asOf "2024-12-31"^^xsd:date ;
    rg:partOfCase ex:case ;
    rg:partOfMeasure ex:measure-2 ;
    dcterms:source ex:source ;
    rg:evidence ex:figure-evidence ;
    rg:mention ex:figure-mention .
"""
)
FIGURE += evidence("figure-evidence", "累计盘活“三资”2000多亿元")
FIGURE += evidence("figure-mention", "2000多亿元")

FIGURE_EXAMPLES = [
    conforms("FigureShape", "figure-conforms", FIGURE),
    rejects(
        "FigureShape",
        "figure-mention-outside-its-evidence-is-rejected",
        FIGURE,
        (
            evidence("figure-mention", "2000多亿元"),
            evidence("figure-mention", "2000多亿元", start=offset("2000多亿元") + 100),
        ),
        focus="figure",
        message="must lie inside its evidence",
    ),
    conforms(
        "FigureShape",
        "figure-with-a-fraction-of-yuan-conforms",
        FIGURE,
        ("schema:value 200000000000.0", "schema:value 2.5"),
    ),
    conforms(
        "FigureShape",
        "figure-counting-a-whole-number-conforms",
        FIGURE,
        ("rg:unit ex:cny", "rg:unit ex:count"),
        ("schema:value 200000000000.0", "schema:value 15.0"),
    ),
    *(
        conforms(
            "FigureShape",
            f"figure-qualifier-{name}-conforms",
            FIGURE,
            ("rg:qualifier rg:atLeast", f"rg:qualifier rg:{name}"),
        )
        for name in ("exact", "moreThan", "about", "atMost", "lessThan")
    ),
    rejects(
        "FigureShape",
        "figure-negative-value-is-rejected",
        FIGURE,
        ("schema:value 200000000000.0", "schema:value -5.0"),
        focus="figure",
        path="schema:value",
        message="non-negative xsd:decimal",
    ),
    rejects(
        "FigureShape",
        "figure-value-must-be-a-decimal",
        FIGURE,
        ("schema:value 200000000000.0", 'schema:value "2000多亿"'),
        focus="figure",
        path="schema:value",
        message="non-negative xsd:decimal",
    ),
    rejects(
        "FigureShape",
        "figure-with-two-values-is-rejected",
        FIGURE,
        ("schema:value 200000000000.0", "schema:value 200000000000.0 , 2.0"),
        focus="figure",
        path="schema:value",
        message="non-negative xsd:decimal",
    ),
    rejects(
        "FigureShape",
        "figure-count-must-be-a-whole-number",
        FIGURE,
        ("rg:unit ex:cny", "rg:unit ex:count"),
        ("schema:value 200000000000.0", "schema:value 2.5"),
        focus="figure",
        message="a count must be a whole number",
        value="2.5",
    ),
    rejects(
        "FigureShape",
        "figure-qualifier-must-be-one-of-the-four",
        FIGURE,
        ("rg:qualifier rg:atLeast", "rg:qualifier rg:increase"),
        focus="figure",
        path="rg:qualifier",
        value=NAMESPACES["rg"] + "increase",
    ),
    rejects(
        "FigureShape",
        "figure-without-qualifier-is-rejected",
        FIGURE,
        remove("rg:qualifier rg:atLeast ;"),
        focus="figure",
        path="rg:qualifier",
        message="needs exactly one rg:qualifier: rg:exact, rg:moreThan, rg:atLeast",
    ),
    rejects(
        "FigureShape",
        "figure-unit-must-be-a-unit",
        FIGURE,
        ("rg:unit ex:cny", "rg:unit ex:assets-revitalised"),
        focus="figure",
        path="rg:unit",
        message="needs exactly one rg:unit, an rg:Unit",
    ),
    rejects(
        "FigureShape",
        "figure-with-two-units-is-rejected",
        FIGURE,
        ("rg:unit ex:cny", "rg:unit ex:cny , ex:count"),
        focus="figure",
        path="rg:unit",
        message="needs exactly one rg:unit, an rg:Unit",
    ),
    rejects(
        "FigureShape",
        "figure-whose-qudt-unit-is-not-its-unit-s-match-is-rejected",
        FIGURE,
        ("rg:unit ex:cny ;", "rg:unit ex:cny ;\n    qudt:unit <http://qudt.org/vocab/unit/SEC> ;"),
        focus="figure",
        message="qudt:unit must be the QUDT match (skos:exactMatch) of the figure's rg:unit",
    ),
    rejects(
        "FigureShape",
        "figure-without-the-qudt-unit-of-its-unit-is-rejected",
        FIGURE,
        focus="figure",
        message="qudt:unit must be the QUDT match (skos:exactMatch) of the figure's rg:unit",
        value="http://qudt.org/vocab/unit/CCY_CNY",
        qudt_as_built=False,
    ),
    rejects(
        "FigureShape",
        "figure-stated-as-must-be-chinese",
        FIGURE,
        ('rg:statedAs "2000多亿元"@zh', 'rg:statedAs "2000多亿元"'),
        focus="figure",
        path="rg:statedAs",
    ),
    rejects(
        "FigureShape",
        "figure-cumulative-must-be-a-boolean",
        FIGURE,
        ("rg:cumulative true", 'rg:cumulative "累计"@zh'),
        focus="figure",
        path="rg:cumulative",
        message="has at most one rg:cumulative, an xsd:boolean",
    ),
    rejects(
        "FigureShape",
        "figure-without-mention-is-rejected",
        FIGURE,
        remove("rg:mention ex:figure-mention"),
        focus="figure",
        path="rg:mention",
        message="needs exactly one rg:mention, the rg:Evidence of its own words",
    ),
    rejects(
        "FigureShape",
        "figure-without-evidence-is-rejected",
        FIGURE,
        remove("rg:evidence ex:figure-evidence ;"),
        focus="figure",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "FigureShape",
        "figure-without-source-is-rejected",
        FIGURE,
        set_source("figure-evidence"),
        focus="figure",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
    rejects(
        "FigureShape",
        "figure-source-must-be-a-source-document",
        FIGURE,
        set_source("figure-evidence", "ex:case"),
        focus="figure",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
    rejects(
        "FigureShape",
        "figure-as-of-without-date-text-is-rejected",
        FIGURE,
        remove('rg:dateText "截至2024年底"@zh , "as of the end of 2024"@en ;'),
        focus="figure",
        message=NEEDS_DATE_TEXT,
    ),
    rejects(
        "FigureShape",
        "figure-date-text-without-its-english-is-rejected",
        FIGURE,
        (', "as of the end of 2024"@en', ""),
        focus="figure",
        message=DATE_TEXT_IN_BOTH,
    ),
    rejects(
        "FigureShape",
        "figure-date-text-in-english-only-is-rejected",
        FIGURE,
        ('rg:dateText "截至2024年底"@zh , ', "rg:dateText "),
        focus="figure",
        message=DATE_TEXT_IN_BOTH,
    ),
    rejects(
        "FigureShape",
        "figure-with-two-english-date-texts-is-rejected",
        FIGURE,
        ('"as of the end of 2024"@en', '"as of the end of 2024"@en , "at the end of 2024"@en'),
        focus="figure",
        path="rg:dateText",
        message=ONE_DATE_TEXT_EACH,
    ),
    rejects(
        "FigureShape",
        "figure-as-of-must-be-an-xsd-date",
        FIGURE,
        ('"2024-12-31"^^xsd:date', '"2024-12"^^xsd:gYearMonth'),
        focus="figure",
        path="rg:asOf",
        message="has at most one rg:asOf, an xsd:date",
    ),
    rejects(
        "FigureShape",
        "figure-as-of-must-be-a-well-formed-date",
        FIGURE,
        ('"2024-12-31"^^xsd:date', '"2024-13-45"^^xsd:date'),
        focus="figure",
        path="rg:asOf",
        message="has at most one rg:asOf, an xsd:date",
    ),
    rejects(
        "FigureShape",
        "figure-without-indicator-is-rejected",
        FIGURE,
        remove("rg:indicator ex:assets-revitalised ;"),
        focus="figure",
        path="rg:indicator",
        message=NEEDS_INDICATOR,
    ),
    rejects(
        "FigureShape",
        "figure-indicator-must-be-an-indicator",
        FIGURE,
        ("rg:indicator ex:assets-revitalised", "rg:indicator ex:soe-reform"),
        focus="figure",
        path="rg:indicator",
        message=NEEDS_INDICATOR,
        value=EX + "soe-reform",
    ),
    rejects(
        "FigureShape",
        "figure-part-of-measure-must-be-a-measure",
        FIGURE,
        ("rg:partOfMeasure ex:measure-2", "rg:partOfMeasure ex:case"),
        focus="figure",
        path="rg:partOfMeasure",
        message="has at most one rg:partOfMeasure, an rg:Measure",
    ),
    rejects(
        "FigureShape",
        "figure-without-english-label-is-rejected",
        FIGURE,
        (', "at least 200,000,000,000 yuan (CNY)"@en', ""),
        focus="figure",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

CHANGE_QUOTE = "企业开办时间从120秒压缩至80秒"


def _in_minutes(value: int) -> str:
    """A figure's value and unit in minutes, as an edit of the CHANGE example puts it."""
    return f"schema:value {value}.0 ;\n    rg:unit ex:minute"


CHANGE = (
    STATEMENT_SUPPORT
    + figure("start-up-before", "120.0", "second", "120秒", CHANGE_QUOTE)
    + figure("start-up-after", "80.0", "second", "80秒", CHANGE_QUOTE)
    + figure("start-up-saved", "40.0", "second", "40秒", "缩短40秒")
    + """
ex:change a rg:Change ;
    rdfs:label "企业开办时间从120秒压缩至80秒"@zh ,
        "decrease of time to start a business (baseline 120秒, result 80秒)"@en ;
    rg:indicator ex:start-up-time ;
    rg:direction rg:decrease ;
    rg:baseline ex:start-up-before ;
    rg:result ex:start-up-after ;
    rg:comparedWith "改革前"@zh , "before the reform"@en ;
    rg:subject ex:hubei ;
    rg:partOfCase ex:case ;
    rg:partOfMeasure ex:measure-2 ;
    dcterms:source ex:source ;
    rg:evidence ex:change-evidence .
"""
    + evidence("change-evidence", CHANGE_QUOTE)
)
CHANGE_EXAMPLES = [
    conforms("ChangeShape", "change-conforms", CHANGE),
    conforms(
        "ChangeShape",
        "change-with-only-a-result-conforms",
        CHANGE,
        remove("rg:baseline ex:start-up-before ;"),
    ),
    conforms(
        "ChangeShape",
        "change-with-only-a-difference-conforms",
        CHANGE,
        remove("rg:baseline ex:start-up-before ;"),
        ("rg:result ex:start-up-after", "rg:difference ex:start-up-saved"),
    ),
    rejects(
        "ChangeShape",
        "change-without-baseline-result-or-difference-is-rejected",
        CHANGE,
        remove("rg:baseline ex:start-up-before ;"),
        remove("rg:result ex:start-up-after ;"),
        focus="change",
        message="a change needs a baseline, a result or a difference",
    ),
    rejects(
        "ChangeShape",
        "change-direction-contradicting-baseline-and-result-is-rejected",
        CHANGE,
        ("rg:direction rg:decrease", "rg:direction rg:increase"),
        focus="change",
        message="the direction contradicts the baseline and the result",
    ),
    rejects(
        "ChangeShape",
        "change-direction-decrease-with-a-larger-result-is-rejected",
        CHANGE,
        ("rg:baseline ex:start-up-before", "rg:baseline ex:start-up-saved"),
        focus="change",
        message="the direction contradicts the baseline and the result",
    ),
    conforms(
        "ChangeShape",
        "change-from-minutes-to-fewer-seconds-is-a-decrease",
        CHANGE,
        # 1 minute → 40 seconds: the numbers alone (1 < 40) would say an increase
        ("schema:value 120.0 ;\n    rg:unit ex:second", _in_minutes(1)),
        (
            "schema:value 80.0 ;\n    rg:unit ex:second",
            "schema:value 40.0 ;\n    rg:unit ex:second",
        ),
    ),
    rejects(
        "ChangeShape",
        "change-decrease-from-seconds-to-more-minutes-is-rejected",
        CHANGE,
        # 120 seconds → 3 minutes (180 seconds): the numbers alone (120 > 3) would agree
        ("schema:value 80.0 ;\n    rg:unit ex:second", _in_minutes(3)),
        focus="change",
        message="the direction contradicts the baseline and the result",
    ),
    rejects(
        "ChangeShape",
        "change-direction-must-be-increase-or-decrease",
        CHANGE,
        ("rg:direction rg:decrease", "rg:direction rg:atMost"),
        focus="change",
        path="rg:direction",
        value=NAMESPACES["rg"] + "atMost",
    ),
    rejects(
        "ChangeShape",
        "change-without-direction-is-rejected",
        CHANGE,
        remove("rg:direction rg:decrease ;"),
        focus="change",
        path="rg:direction",
        message="needs exactly one rg:direction: rg:increase or rg:decrease",
    ),
    rejects(
        "ChangeShape",
        "change-baseline-must-be-a-figure",
        CHANGE,
        ("rg:baseline ex:start-up-before", "rg:baseline ex:start-up-time"),
        focus="change",
        path="rg:baseline",
        message="has at most one rg:baseline, an rg:Figure",
    ),
    rejects(
        "ChangeShape",
        "change-with-two-results-is-rejected",
        CHANGE,
        ("rg:result ex:start-up-after", "rg:result ex:start-up-after , ex:start-up-before"),
        focus="change",
        path="rg:result",
        message="has at most one rg:result, an rg:Figure",
    ),
    rejects(
        "ChangeShape",
        "change-compared-with-two-chinese-texts-is-rejected",
        CHANGE,
        ('"before the reform"@en', '"同比"@zh'),
        focus="change",
        path="rg:comparedWith",
        message=AT_MOST_ONE_COMPARED_WITH,
    ),
    rejects(
        "ChangeShape",
        "change-since-without-date-text-is-rejected",
        CHANGE,
        ("rg:subject ex:hubei ;", 'rg:subject ex:hubei ;\n    rg:since "2023"^^xsd:gYear ;'),
        focus="change",
        message=NEEDS_DATE_TEXT,
    ),
    rejects(
        "ChangeShape",
        "change-without-indicator-is-rejected",
        CHANGE,
        ("rg:indicator ex:start-up-time ;\n    rg:direction", "rg:direction"),
        focus="change",
        path="rg:indicator",
        message=NEEDS_INDICATOR,
    ),
    rejects(
        "ChangeShape",
        "change-without-evidence-is-rejected",
        CHANGE,
        remove("rg:evidence ex:change-evidence"),
        focus="change",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "ChangeShape",
        "change-without-source-is-rejected",
        CHANGE,
        set_source("change-evidence"),
        focus="change",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
]

RANKING = (
    STATEMENT_SUPPORT
    + """
ex:ranking a rg:Ranking ;
    rdfs:label "全国第3"@zh , "rank 3 in China"@en ;
    rg:rank "3"^^xsd:positiveInteger ;
    rg:rankingScope ex:china ;
    rg:statedAs "全国第3"@zh ;
    rg:indicator ex:revenue-growth ;
    rg:subject ex:hubei ;
    rg:dateText "2024年"@zh , "in 2024"@en ;
    rg:referenceYear "2024"^^xsd:gYear ;
    rg:partOfCase ex:case ;
    dcterms:source ex:source ;
    rg:evidence ex:ranking-evidence ;
    rg:mention ex:ranking-mention .
"""
    + evidence("ranking-evidence", "营收增速居全国第3")
    + evidence("ranking-mention", "全国第3")
)

RANK_IS_POSITIVE = "a rank is one positive integer"
RANKING_EXAMPLES = [
    conforms("RankingShape", "ranking-conforms", RANKING),
    conforms(
        "RankingShape",
        "ranking-first-in-a-region-conforms",
        RANKING,
        ('"3"^^xsd:positiveInteger', '"1"^^xsd:positiveInteger'),
        ("rg:rankingScope ex:china", "rg:rankingScope ex:central-china"),
    ),
    rejects(
        "RankingShape",
        "ranking-rank-zero-is-rejected",
        RANKING,
        ('"3"^^xsd:positiveInteger', '"0"^^xsd:positiveInteger'),
        focus="ranking",
        path="rg:rank",
        message=RANK_IS_POSITIVE,
    ),
    rejects(
        "RankingShape",
        "ranking-rank-integer-zero-is-rejected",
        RANKING,
        ('"3"^^xsd:positiveInteger', "0"),
        focus="ranking",
        path="rg:rank",
        message=RANK_IS_POSITIVE,
    ),
    rejects(
        "RankingShape",
        "ranking-rank-minus-one-is-rejected",
        RANKING,
        ('"3"^^xsd:positiveInteger', "-1"),
        focus="ranking",
        path="rg:rank",
        message=RANK_IS_POSITIVE,
    ),
    rejects(
        "RankingShape",
        "ranking-rank-as-a-string-is-rejected",
        RANKING,
        ('"3"^^xsd:positiveInteger', '"3"^^xsd:string'),
        focus="ranking",
        path="rg:rank",
        message=RANK_IS_POSITIVE,
    ),
    rejects(
        "RankingShape",
        "ranking-rank-as-a-decimal-is-rejected",
        RANKING,
        ('"3"^^xsd:positiveInteger', "3.0"),
        focus="ranking",
        path="rg:rank",
        message=RANK_IS_POSITIVE,
    ),
    rejects(
        "RankingShape",
        "ranking-with-two-ranks-is-rejected",
        RANKING,
        ('"3"^^xsd:positiveInteger', '"3"^^xsd:positiveInteger , "1"^^xsd:positiveInteger'),
        focus="ranking",
        path="rg:rank",
        message=RANK_IS_POSITIVE,
    ),
    rejects(
        "RankingShape",
        "ranking-without-rank-is-rejected",
        RANKING,
        remove('rg:rank "3"^^xsd:positiveInteger ;'),
        focus="ranking",
        path="rg:rank",
        message=RANK_IS_POSITIVE,
    ),
    rejects(
        "RankingShape",
        "ranking-scope-must-be-a-place",
        RANKING,
        ("rg:rankingScope ex:china", "rg:rankingScope ex:reform-office"),
        focus="ranking",
        path="rg:rankingScope",
        message="needs exactly one rg:rankingScope, the rg:Place it ranks within",
    ),
    rejects(
        "RankingShape",
        "ranking-without-scope-is-rejected",
        RANKING,
        remove("rg:rankingScope ex:china ;"),
        focus="ranking",
        path="rg:rankingScope",
        message="needs exactly one rg:rankingScope, the rg:Place it ranks within",
    ),
    rejects(
        "RankingShape",
        "ranking-without-stated-as-is-rejected",
        RANKING,
        remove('rg:statedAs "全国第3"@zh ;'),
        focus="ranking",
        path="rg:statedAs",
        message="needs exactly one rg:statedAs, the number as the source writes it, in zh",
    ),
    rejects(
        "RankingShape",
        "ranking-mention-must-be-evidence",
        RANKING,
        ("rg:mention ex:ranking-mention", "rg:mention ex:source"),
        focus="ranking",
        path="rg:mention",
        message="needs exactly one rg:mention, the rg:Evidence of its own words",
    ),
    rejects(
        "RankingShape",
        "ranking-reference-year-without-date-text-is-rejected",
        RANKING,
        remove('rg:dateText "2024年"@zh , "in 2024"@en ;'),
        focus="ranking",
        message=NEEDS_DATE_TEXT,
    ),
    rejects(
        "RankingShape",
        "ranking-reference-year-must-be-an-xsd-gyear",
        RANKING,
        ('"2024"^^xsd:gYear', "2024"),
        focus="ranking",
        path="rg:referenceYear",
        message="has at most one rg:referenceYear, an xsd:gYear",
    ),
    rejects(
        "RankingShape",
        "ranking-without-evidence-is-rejected",
        RANKING,
        remove("rg:evidence ex:ranking-evidence ;"),
        focus="ranking",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "RankingShape",
        "ranking-without-source-is-rejected",
        RANKING,
        set_source("ranking-evidence"),
        focus="ranking",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
    rejects(
        "RankingShape",
        "ranking-with-two-english-labels-is-rejected",
        RANKING,
        ('rdfs:label "全国第3"@zh', 'rdfs:label "third in China"@en'),
        focus="ranking",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

# ---------------------------------------------------------------- qualitative outcomes

#: What recognitions, innovation claims and pilots refer to, beside the case.
OUTCOME_SUPPORT = (
    STATEMENT_SUPPORT
    + entity("state-council", "rg:GovernmentBody", "国务院", "State Council")
    + entity("inspection", "rg:Event", "国务院督查", "State Council inspection")
    + entity("wuhan", "rg:AdministrativeArea", "武汉市", "Wuhan")
    + entity("ndrc", "rg:GovernmentBody", "国家发改委", "NDRC")
    + entity("icv-pilot", "rg:PilotProgramme", "智能网联汽车试点", "ICV pilot")
    + entity("huahu-airport", "rg:Site", "花湖机场", "Huahu Airport")
    + entity("one-network", "rg:Platform", "一网通办", "one-network service")
)

RECOGNITION = (
    OUTCOME_SUPPORT
    + """
ex:recognition a rg:Recognition ;
    rdfs:label "该做法被列入国务院督查典型经验"@zh ,
        "typical experience (national level), recognised by State Council"@en ;
    rg:recognitionLevel rg:nationalLevel ;
    rg:recognitionForm rg:typicalExperience ;
    rg:recognisedBy ex:state-council ;
    rg:via ex:inspection ;
    rg:subject ex:soe-reform ;
    rg:partOfCase ex:case ;
    dcterms:source ex:source ;
    rg:evidence ex:recognition-evidence ;
    rg:mention ex:recognition-mention .
"""
    + evidence("recognition-evidence", "该做法被列入国务院督查典型经验")
    + evidence("recognition-mention", "国务院督查典型经验")
)
RECOGNITION_EXAMPLES = [
    conforms("RecognitionShape", "recognition-conforms", RECOGNITION),
    conforms(
        "RecognitionShape",
        "recognition-by-an-unnamed-higher-level-conforms",
        RECOGNITION,
        remove("rg:recognisedBy ex:state-council ;"),
        remove("rg:via ex:inspection ;"),
    ),
    conforms(
        "RecognitionShape",
        "recognition-by-a-province-conforms",
        RECOGNITION,
        ("rg:nationalLevel", "rg:provincialLevel"),
        ("rg:recognisedBy ex:state-council", "rg:recognisedBy ex:hubei"),
    ),
    rejects(
        "RecognitionShape",
        "recognition-without-level-is-rejected",
        RECOGNITION,
        remove("rg:recognitionLevel rg:nationalLevel ;"),
        focus="recognition",
        path="rg:recognitionLevel",
        message="needs exactly one level: national, provincial or municipal",
    ),
    rejects(
        "RecognitionShape",
        "recognition-level-must-be-one-of-the-three",
        RECOGNITION,
        ("rg:recognitionLevel rg:nationalLevel", "rg:recognitionLevel rg:typicalCase"),
        focus="recognition",
        path="rg:recognitionLevel",
        message="needs exactly one level: national, provincial or municipal",
        value=NAMESPACES["rg"] + "typicalCase",
    ),
    rejects(
        "RecognitionShape",
        "recognition-at-two-levels-is-rejected",
        RECOGNITION,
        (
            "rg:recognitionLevel rg:nationalLevel",
            "rg:recognitionLevel rg:nationalLevel , rg:provincialLevel",
        ),
        focus="recognition",
        path="rg:recognitionLevel",
        message="needs exactly one level: national, provincial or municipal",
    ),
    rejects(
        "RecognitionShape",
        "recognition-without-form-is-rejected",
        RECOGNITION,
        remove("rg:recognitionForm rg:typicalExperience ;"),
        focus="recognition",
        path="rg:recognitionForm",
        message="needs exactly one form of recognition",
    ),
    rejects(
        "RecognitionShape",
        "recognition-form-must-be-one-of-the-five",
        RECOGNITION,
        ("rg:recognitionForm rg:typicalExperience", "rg:recognitionForm rg:firstToDo"),
        focus="recognition",
        path="rg:recognitionForm",
        message="needs exactly one form of recognition",
        value=NAMESPACES["rg"] + "firstToDo",
    ),
    rejects(
        "RecognitionShape",
        "recognition-by-an-event-is-rejected",
        RECOGNITION,
        ("rg:recognisedBy ex:state-council", "rg:recognisedBy ex:inspection"),
        focus="recognition",
        path="rg:recognisedBy",
        message=NOT_AN_ACTOR,
        value=EX + "inspection",
        others=("inspection",),
    ),
    rejects(
        "RecognitionShape",
        "recognition-via-a-literal-is-rejected",
        RECOGNITION,
        ("rg:via ex:inspection", 'rg:via "国务院督查"@zh'),
        focus="recognition",
        path="rg:via",
        message="has at most one rg:via, an IRI",
    ),
    rejects(
        "RecognitionShape",
        "recognition-without-mention-is-rejected",
        RECOGNITION,
        remove(" ;\n    rg:mention ex:recognition-mention"),
        focus="recognition",
        path="rg:mention",
        message=NEEDS_MENTION,
    ),
    rejects(
        "RecognitionShape",
        "recognition-without-evidence-is-rejected",
        RECOGNITION,
        remove("rg:evidence ex:recognition-evidence ;"),
        focus="recognition",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "RecognitionShape",
        "recognition-part-of-a-measure-that-is-not-one-is-rejected",
        RECOGNITION,
        (
            "rg:subject ex:soe-reform ;",
            "rg:subject ex:soe-reform ;\n    rg:partOfMeasure ex:case ;",
        ),
        focus="recognition",
        path="rg:partOfMeasure",
        message="has at most one rg:partOfMeasure, an rg:Measure",
    ),
    rejects(
        "RecognitionShape",
        "recognition-without-english-label-is-rejected",
        RECOGNITION,
        (
            ' ,\n        "typical experience (national level), recognised by State Council"@en',
            "",
        ),
        focus="recognition",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

INNOVATION_CLAIM = (
    OUTCOME_SUPPORT
    + """
ex:claim a rg:InnovationClaim ;
    rdfs:label "在全国率先"@zh ,
        "first to do it in China: deepening the functional reform of SOEs"@en ;
    rg:claimKind rg:firstToDo ;
    rg:claimScope ex:china ;
    rg:claimWhat "实施深化国企功能性改革"@zh , "deepening the functional reform of SOEs"@en ;
    rg:subject ex:hubei ;
    rg:partOfCase ex:case ;
    dcterms:source ex:source ;
    rg:evidence ex:claim-evidence ;
    rg:mention ex:claim-mention .
"""
    + evidence("claim-evidence", "在全国率先实施深化国企功能性改革")
    + evidence("claim-mention", "在全国率先")
)
INNOVATION_CLAIM_EXAMPLES = [
    conforms("InnovationClaimShape", "innovation-claim-conforms", INNOVATION_CLAIM),
    conforms(
        "InnovationClaimShape",
        "innovation-claim-in-a-region-conforms",
        INNOVATION_CLAIM,
        ("rg:claimKind rg:firstToDo", "rg:claimKind rg:largest"),
        ("rg:claimScope ex:china", "rg:claimScope ex:central-china"),
    ),
    conforms(
        "InnovationClaimShape",
        "innovation-claim-of-a-record-low-conforms",
        INNOVATION_CLAIM,
        ("rg:claimKind rg:firstToDo", "rg:claimKind rg:recordLow"),
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-without-kind-is-rejected",
        INNOVATION_CLAIM,
        remove("rg:claimKind rg:firstToDo ;"),
        focus="claim",
        path="rg:claimKind",
        message="needs exactly one kind: first to do, first of its kind, only one, largest",
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-kind-must-be-one-of-the-four",
        INNOVATION_CLAIM,
        ("rg:claimKind rg:firstToDo", "rg:claimKind rg:stagePilot"),
        focus="claim",
        path="rg:claimKind",
        message="needs exactly one kind: first to do, first of its kind, only one, largest",
        value=NAMESPACES["rg"] + "stagePilot",
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-scope-must-be-a-place",
        INNOVATION_CLAIM,
        ("rg:claimScope ex:china", "rg:claimScope ex:state-council"),
        focus="claim",
        path="rg:claimScope",
        message="needs exactly one scope, a place or region",
        value=EX + "state-council",
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-without-scope-is-rejected",
        INNOVATION_CLAIM,
        remove("rg:claimScope ex:china ;"),
        focus="claim",
        path="rg:claimScope",
        message="needs exactly one scope, a place or region",
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-what-without-english-is-rejected",
        INNOVATION_CLAIM,
        (' , "deepening the functional reform of SOEs"@en ;', " ;"),
        focus="claim",
        path="rg:claimWhat",
        message=BILINGUAL_CLAIM_WHAT,
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-what-in-english-and-british-is-rejected",
        INNOVATION_CLAIM,
        ('"实施深化国企功能性改革"@zh', '"deepening the reform of SOEs"@en-GB'),
        focus="claim",
        path="rg:claimWhat",
        message=BILINGUAL_CLAIM_WHAT,
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-without-mention-is-rejected",
        INNOVATION_CLAIM,
        remove(" ;\n    rg:mention ex:claim-mention"),
        focus="claim",
        path="rg:mention",
        message=NEEDS_MENTION,
    ),
    rejects(
        "InnovationClaimShape",
        "innovation-claim-without-source-is-rejected",
        INNOVATION_CLAIM,
        set_source("claim-evidence"),
        focus="claim",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
]

PILOT = (
    OUTCOME_SUPPORT
    + """
ex:pilot a rg:Pilot ;
    rdfs:label "首批试点"@zh , "pilot: ICV pilot"@en ;
    rg:pilotStage rg:stagePilot ;
    rg:programme ex:icv-pilot ;
    rg:assignedTo ex:wuhan ;
    rg:batch "首批"@zh , "first batch"@en ;
    rg:partOfCase ex:case ;
    dcterms:source ex:source ;
    rg:evidence ex:pilot-evidence ;
    rg:mention ex:pilot-mention .
"""
    + evidence("pilot-evidence", "武汉市入选首批试点")
    + evidence("pilot-mention", "首批试点")
)
PILOT_EXAMPLES = [
    conforms("PilotShape", "pilot-conforms", PILOT),
    conforms(
        "PilotShape",
        "pilot-generalised-without-programme-or-bodies-conforms",
        PILOT,
        ("rg:stagePilot", "rg:stageGeneralised"),
        remove("rg:programme ex:icv-pilot ;"),
        remove("rg:assignedTo ex:wuhan ;"),
        remove('rg:batch "首批"@zh , "first batch"@en ;'),
    ),
    rejects(
        "PilotShape",
        "pilot-without-stage-is-rejected",
        PILOT,
        remove("rg:pilotStage rg:stagePilot ;"),
        focus="pilot",
        path="rg:pilotStage",
        message="needs exactly one stage: pilot, scaled up or generalised",
    ),
    rejects(
        "PilotShape",
        "pilot-stage-must-be-one-of-the-three",
        PILOT,
        ("rg:pilotStage rg:stagePilot", "rg:pilotStage rg:firstToDo"),
        focus="pilot",
        path="rg:pilotStage",
        message="needs exactly one stage: pilot, scaled up or generalised",
        value=NAMESPACES["rg"] + "firstToDo",
    ),
    rejects(
        "PilotShape",
        "pilot-programme-must-be-a-pilot-programme",
        PILOT,
        ("rg:programme ex:icv-pilot", "rg:programme ex:wuhan"),
        focus="pilot",
        path="rg:programme",
        message="has at most one rg:programme, an rg:PilotProgramme",
        value=EX + "wuhan",
    ),
    rejects(
        "PilotShape",
        "pilot-assigned-to-a-site-is-rejected",
        PILOT,
        ("rg:assignedTo ex:wuhan", "rg:assignedTo ex:huahu-airport"),
        focus="pilot",
        path="rg:assignedTo",
        message=NOT_AN_ACTOR,
        value=EX + "huahu-airport",
        others=("huahu-airport",),
    ),
    rejects(
        "PilotShape",
        "pilot-assigned-by-a-platform-is-rejected",
        PILOT,
        (
            "rg:assignedTo ex:wuhan ;",
            "rg:assignedTo ex:wuhan ;\n    rg:assignedBy ex:one-network ;",
        ),
        focus="pilot",
        path="rg:assignedBy",
        message=NOT_AN_ACTOR,
        value=EX + "one-network",
        others=("one-network",),
    ),
    rejects(
        "PilotShape",
        "pilot-with-two-chinese-batches-is-rejected",
        PILOT,
        ('"first batch"@en', '"第一批"@zh'),
        focus="pilot",
        path="rg:batch",
        message=AT_MOST_ONE_BATCH,
    ),
    rejects(
        "PilotShape",
        "pilot-without-evidence-is-rejected",
        PILOT,
        remove("rg:evidence ex:pilot-evidence ;"),
        focus="pilot",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
]

# ---------------------------------------------------------------- relations between organisations

JOINT_WORK = (
    ACTORS
    + """
ex:joint-work a rg:JointWork ;
    rdfs:label "省国资委会同武汉市推进改革"@zh , "Provincial SASAC works together with Wuhan"@en ;
    rg:ledBy ex:sasac ;
    rg:partner ex:wuhan ;
    rg:purpose "推进改革"@zh , "advance the reform"@en ;
    dcterms:source ex:source ;
    rg:evidence ex:joint-work-evidence .
"""
    + evidence("joint-work-evidence", "省国资委会同武汉市推进改革")
)
JOINT_WORK_EXAMPLES = [
    conforms("JointWorkShape", "joint-work-conforms", JOINT_WORK),
    conforms(
        "JointWorkShape",
        "joint-work-with-several-partners-conforms",
        JOINT_WORK,
        ("rg:partner ex:wuhan", "rg:partner ex:wuhan , ex:finance-department"),
    ),
    rejects(
        "JointWorkShape",
        "joint-work-partner-that-is-a-region-is-rejected",
        JOINT_WORK,
        ("rg:partner ex:wuhan", "rg:partner ex:central-china"),
        focus="joint-work",
        path="rg:partner",
        message=NOT_AN_ACTOR,
        value=EX + "central-china",
        others=("central-china",),
    ),
    rejects(
        "JointWorkShape",
        "joint-work-partner-that-is-a-platform-is-rejected",
        JOINT_WORK,
        ("rg:partner ex:wuhan", "rg:partner ex:wuhan , ex:one-network"),
        focus="joint-work",
        path="rg:partner",
        message=NOT_AN_ACTOR,
        value=EX + "one-network",
        others=("one-network",),
    ),
    rejects(
        "JointWorkShape",
        "joint-work-led-by-a-site-is-rejected",
        JOINT_WORK,
        ("rg:ledBy ex:sasac", "rg:ledBy ex:huahu-airport"),
        focus="joint-work",
        path="rg:ledBy",
        message=NOT_AN_ACTOR,
        value=EX + "huahu-airport",
        others=("huahu-airport",),
    ),
    rejects(
        "JointWorkShape",
        "joint-work-without-lead-is-rejected",
        JOINT_WORK,
        remove("rg:ledBy ex:sasac ;"),
        focus="joint-work",
        path="rg:ledBy",
        message="needs at least one rg:ledBy",
    ),
    rejects(
        "JointWorkShape",
        "joint-work-without-partner-is-rejected",
        JOINT_WORK,
        remove("rg:partner ex:wuhan ;"),
        focus="joint-work",
        path="rg:partner",
        message="needs at least one rg:partner",
    ),
    rejects(
        "JointWorkShape",
        "joint-work-purpose-in-english-twice-is-rejected",
        JOINT_WORK,
        ('"推进改革"@zh', '"push the reform"@en'),
        focus="joint-work",
        path="rg:purpose",
        message=AT_MOST_ONE_PURPOSE,
    ),
    rejects(
        "JointWorkShape",
        "joint-work-without-evidence-is-rejected",
        JOINT_WORK,
        remove("rg:evidence ex:joint-work-evidence"),
        focus="joint-work",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "JointWorkShape",
        "joint-work-without-source-is-rejected",
        JOINT_WORK,
        set_source("joint-work-evidence"),
        focus="joint-work",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
    rejects(
        "JointWorkShape",
        "joint-work-without-english-label-is-rejected",
        JOINT_WORK,
        (', "Provincial SASAC works together with Wuhan"@en', ""),
        focus="joint-work",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

ASSISTANCE = (
    ACTORS
    + """
ex:assistance a rg:Assistance ;
    rdfs:label "省财政厅协助省国资委"@zh , "Provincial Finance Department assists SASAC"@en ;
    rg:assistant ex:finance-department ;
    rg:assisted ex:sasac ;
    dcterms:source ex:source ;
    rg:evidence ex:assistance-evidence .
"""
    + evidence("assistance-evidence", "省财政厅协助省国资委")
)
ASSISTANCE_EXAMPLES = [
    conforms("AssistanceShape", "assistance-conforms", ASSISTANCE),
    conforms(
        "AssistanceShape",
        "assistance-to-an-administrative-area-conforms",
        ASSISTANCE,
        ("rg:assisted ex:sasac", "rg:assisted ex:wuhan"),
    ),
    rejects(
        "AssistanceShape",
        "assistance-by-an-event-is-rejected",
        ASSISTANCE,
        ("rg:assistant ex:finance-department", "rg:assistant ex:expo"),
        focus="assistance",
        path="rg:assistant",
        message=NOT_AN_ACTOR,
        value=EX + "expo",
        others=("expo",),
    ),
    rejects(
        "AssistanceShape",
        "assistance-to-an-untyped-node-is-rejected",
        ASSISTANCE,
        ("rg:assisted ex:sasac", "rg:assisted ex:somebody"),
        focus="assistance",
        path="rg:assisted",
        message=NOT_AN_ACTOR,
        value=EX + "somebody",
        others=("somebody",),
    ),
    rejects(
        "AssistanceShape",
        "assistance-without-assisted-body-is-rejected",
        ASSISTANCE,
        remove("rg:assisted ex:sasac ;"),
        focus="assistance",
        path="rg:assisted",
        message="needs at least one rg:assisted",
    ),
    rejects(
        "AssistanceShape",
        "assistance-without-assistant-is-rejected",
        ASSISTANCE,
        remove("rg:assistant ex:finance-department ;"),
        focus="assistance",
        path="rg:assistant",
        message="needs at least one rg:assistant",
    ),
    rejects(
        "AssistanceShape",
        "assistance-without-source-is-rejected",
        ASSISTANCE,
        set_source("assistance-evidence"),
        focus="assistance",
        path="dcterms:source",
        message=NEEDS_SOURCE,
    ),
]

PILOT_ASSIGNMENT = (
    ACTORS
    + """
ex:pilot-assignment a rg:PilotAssignment , rg:Pilot ;
    rdfs:label "武汉市承接国家发改委试点任务"@zh , "NDRC assigns a pilot to Wuhan"@en ;
    rg:pilotStage rg:stagePilot ;
    rg:assignedBy ex:ndrc ;
    rg:assignedTo ex:wuhan ;
    rg:programme ex:icv-pilot ;
    dcterms:source ex:source ;
    rg:evidence ex:pilot-assignment-evidence .
"""
    + evidence("pilot-assignment-evidence", "武汉市承接国家发改委试点任务")
)
PILOT_ASSIGNMENT_EXAMPLES = [
    conforms("PilotAssignmentShape", "pilot-assignment-conforms", PILOT_ASSIGNMENT),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-without-programme-is-rejected",
        PILOT_ASSIGNMENT,
        remove("rg:programme ex:icv-pilot ;"),
        focus="pilot-assignment",
        path="rg:programme",
        message="needs an rg:programme, the rg:PilotProgramme it assigns",
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-programme-must-be-a-pilot-programme",
        PILOT_ASSIGNMENT,
        ("rg:programme ex:icv-pilot", "rg:programme ex:three-libraries"),
        focus="pilot-assignment",
        path="rg:programme",
        message="has at most one rg:programme, an rg:PilotProgramme",
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-with-two-programmes-is-rejected",
        PILOT_ASSIGNMENT,
        ("rg:programme ex:icv-pilot", "rg:programme ex:icv-pilot , ex:pilot-2"),
        ("ex:pilot-assignment a", "ex:pilot-2 a rg:PilotProgramme .\nex:pilot-assignment a"),
        focus="pilot-assignment",
        path="rg:programme",
        message="has at most one rg:programme, an rg:PilotProgramme",
        others=("pilot-2",),
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-to-a-site-is-rejected",
        PILOT_ASSIGNMENT,
        ("rg:assignedTo ex:wuhan", "rg:assignedTo ex:huahu-airport"),
        focus="pilot-assignment",
        path="rg:assignedTo",
        message=NOT_AN_ACTOR,
        value=EX + "huahu-airport",
        others=("huahu-airport",),
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-by-a-platform-is-rejected",
        PILOT_ASSIGNMENT,
        ("rg:assignedBy ex:ndrc", "rg:assignedBy ex:one-network"),
        focus="pilot-assignment",
        path="rg:assignedBy",
        message=NOT_AN_ACTOR,
        value=EX + "one-network",
        others=("one-network",),
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-without-assigning-body-is-rejected",
        PILOT_ASSIGNMENT,
        remove("rg:assignedBy ex:ndrc ;"),
        focus="pilot-assignment",
        path="rg:assignedBy",
        message="needs at least one rg:assignedBy",
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-without-stage-is-rejected",
        PILOT_ASSIGNMENT,
        remove("rg:pilotStage rg:stagePilot ;"),
        focus="pilot-assignment",
        path="rg:pilotStage",
        message="needs exactly one stage: pilot, scaled up or generalised",
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-without-assigned-body-is-rejected",
        PILOT_ASSIGNMENT,
        remove("rg:assignedTo ex:wuhan ;"),
        focus="pilot-assignment",
        path="rg:assignedTo",
        message="needs at least one rg:assignedTo",
    ),
    rejects(
        "PilotAssignmentShape",
        "pilot-assignment-without-evidence-is-rejected",
        PILOT_ASSIGNMENT,
        remove("rg:evidence ex:pilot-assignment-evidence"),
        focus="pilot-assignment",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
]

SUB_ORGANISATION = (
    ACTORS
    + """
ex:sub-organisation a rg:SubOrganisation ;
    rdfs:label "省国资委隶属省政府"@zh , "Provincial SASAC belongs to Provincial Government"@en ;
    rg:member ex:sasac ;
    rg:parent ex:province-government ;
    dcterms:source ex:source ;
    rg:evidence ex:sub-organisation-evidence .
"""
    + evidence("sub-organisation-evidence", "省国资委隶属省政府")
)
SUB_ORGANISATION_EXAMPLES = [
    conforms("SubOrganisationShape", "sub-organisation-conforms", SUB_ORGANISATION),
    rejects(
        "SubOrganisationShape",
        "sub-organisation-of-a-pilot-programme-is-rejected",
        SUB_ORGANISATION,
        ("rg:parent ex:province-government", "rg:parent ex:icv-pilot"),
        focus="sub-organisation",
        path="rg:parent",
        message=NOT_AN_ACTOR,
        value=EX + "icv-pilot",
        others=("icv-pilot",),
    ),
    rejects(
        "SubOrganisationShape",
        "sub-organisation-member-that-is-an-event-is-rejected",
        SUB_ORGANISATION,
        ("rg:member ex:sasac", "rg:member ex:expo"),
        focus="sub-organisation",
        path="rg:member",
        message=NOT_AN_ACTOR,
        value=EX + "expo",
        others=("expo",),
    ),
    rejects(
        "SubOrganisationShape",
        "sub-organisation-without-member-is-rejected",
        SUB_ORGANISATION,
        remove("rg:member ex:sasac ;"),
        focus="sub-organisation",
        path="rg:member",
        message="needs at least one rg:member",
    ),
    rejects(
        "SubOrganisationShape",
        "sub-organisation-without-parent-is-rejected",
        SUB_ORGANISATION,
        remove("rg:parent ex:province-government ;"),
        focus="sub-organisation",
        path="rg:parent",
        message="needs at least one rg:parent",
    ),
    rejects(
        "SubOrganisationShape",
        "sub-organisation-without-evidence-is-rejected",
        SUB_ORGANISATION,
        remove("rg:evidence ex:sub-organisation-evidence"),
        focus="sub-organisation",
        path="rg:evidence",
        message=NEEDS_EVIDENCE,
    ),
    rejects(
        "SubOrganisationShape",
        "sub-organisation-with-two-chinese-labels-is-rejected",
        SUB_ORGANISATION,
        ('"Provincial SASAC belongs to Provincial Government"@en', '"省国资委是省政府直属机构"@zh'),
        focus="sub-organisation",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

# ---------------------------------------------------------------- shared entities

ORGANISATION = (
    entity("province-government", "rg:GovernmentBody", "省政府", "Government")
    + """
ex:sasac a rg:GovernmentBody ;
    skos:prefLabel "省国资委"@zh , "Provincial SASAC"@en ;
    rdfs:label "省国资委"@zh , "Provincial SASAC"@en ;
    skos:altLabel "湖北省国资委"@zh , "国资委"@zh , "Hubei SASAC"@en ;
    skos:definition "省政府直属特设机构。"@zh , "A special body directly under the government."@en ;
    org:subOrganizationOf ex:province-government .
"""
)
ORGANISATION_EXAMPLES = [
    conforms("OrganisationShape", "organisation-conforms", ORGANISATION),
    conforms(
        "OrganisationShape",
        "organisation-typed-org-organization-conforms",
        ORGANISATION,
        ("ex:sasac a rg:GovernmentBody", "ex:sasac a org:Organization"),
    ),
    rejects(
        "OrganisationShape",
        "organisation-without-english-pref-label-is-rejected",
        ORGANISATION,
        ('skos:prefLabel "省国资委"@zh , "Provincial SASAC"@en', 'skos:prefLabel "省国资委"@zh'),
        focus="sasac",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "OrganisationShape",
        "organisation-with-two-chinese-pref-labels-is-rejected",
        ORGANISATION,
        (
            'skos:prefLabel "省国资委"@zh , "Provincial SASAC"@en',
            'skos:prefLabel "省国资委"@zh , "湖北省国资委"@zh',
        ),
        focus="sasac",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "OrganisationShape",
        "organisation-without-rdfs-label-is-rejected",
        ORGANISATION,
        remove('rdfs:label "省国资委"@zh , "Provincial SASAC"@en ;'),
        focus="sasac",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "OrganisationShape",
        "organisation-alt-label-without-language-is-rejected",
        ORGANISATION,
        ('"Hubei SASAC"@en', '"Hubei SASAC"'),
        focus="sasac",
        path="skos:altLabel",
        message=ALT_LABEL,
        value="Hubei SASAC",
    ),
    rejects(
        "OrganisationShape",
        "organisation-alt-label-in-french-is-rejected",
        ORGANISATION,
        ('"Hubei SASAC"@en', '"SASAC du Hubei"@fr'),
        focus="sasac",
        path="skos:altLabel",
        message=ALT_LABEL,
        value="SASAC du Hubei",
    ),
    rejects(
        "OrganisationShape",
        "organisation-with-two-english-definitions-is-rejected",
        ORGANISATION,
        ('"省政府直属特设机构。"@zh', '"A special body."@en'),
        focus="sasac",
        path="skos:definition",
        message=AT_MOST_ONE_DEFINITION,
    ),
    rejects(
        "OrganisationShape",
        "organisation-sub-organization-of-a-place-is-rejected",
        ORGANISATION,
        ("org:subOrganizationOf ex:province-government", "org:subOrganizationOf ex:hubei"),
        (
            "ex:sasac a",
            'ex:hubei a rg:AdministrativeArea ;\n    skos:prefLabel "湖北省"@zh , '
            '"Hubei"@en ;\n    rdfs:label "湖北省"@zh , "Hubei"@en .\nex:sasac a',
        ),
        focus="sasac",
        path="org:subOrganizationOf",
        message="each org:subOrganizationOf must be an org:Organization",
    ),
    rejects(
        "OrganisationShape",
        "organisation-with-chinese-pref-labels-in-two-scripts-is-rejected",
        ORGANISATION,
        (
            'skos:prefLabel "省国资委"@zh , "Provincial SASAC"@en',
            'skos:prefLabel "省国资委"@zh , "省國資委"@zh-Hant',
        ),
        focus="sasac",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "OrganisationShape",
        "organisation-with-chinese-labels-in-two-scripts-and-english-is-rejected",
        ORGANISATION,
        (
            'rdfs:label "省国资委"@zh , "Provincial SASAC"@en',
            'rdfs:label "省国资委"@zh , "省國資委"@zh-Hant , "Provincial SASAC"@en',
        ),
        focus="sasac",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

PLATFORM = """
ex:one-network a rg:Platform ;
    skos:prefLabel "一网通办"@zh , "one-network service"@en ;
    rdfs:label "一网通办"@zh , "one-network service"@en ;
    skos:altLabel "“一网通办”平台"@zh .
"""
PLATFORM_EXAMPLES = [
    conforms("PlatformShape", "platform-conforms", PLATFORM),
    rejects(
        "PlatformShape",
        "platform-without-english-pref-label-is-rejected",
        PLATFORM,
        ('skos:prefLabel "一网通办"@zh , "one-network service"@en', 'skos:prefLabel "一网通办"@zh'),
        focus="one-network",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "PlatformShape",
        "platform-pref-label-without-language-is-rejected",
        PLATFORM,
        (
            'skos:prefLabel "一网通办"@zh , "one-network service"@en',
            'skos:prefLabel "一网通办"@zh , "one-network service"',
        ),
        focus="one-network",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "PlatformShape",
        "platform-with-three-labels-is-rejected",
        PLATFORM,
        (
            'rdfs:label "一网通办"@zh , "one-network service"@en',
            'rdfs:label "一网通办"@zh , "one-network service"@en , "one network"@en',
        ),
        focus="one-network",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

POLICY_INSTRUMENT = """
ex:regulation a rg:Law ;
    skos:prefLabel "湖北省优化营商环境条例"@zh , "Hubei business regulations"@en ;
    rdfs:label "湖北省优化营商环境条例"@zh , "Hubei business regulations"@en ;
    skos:definition "省人大常委会通过的地方性法规。"@zh .
"""
POLICY_INSTRUMENT_EXAMPLES = [
    conforms("PolicyInstrumentShape", "policy-instrument-conforms", POLICY_INSTRUMENT),
    *(
        conforms(
            "PolicyInstrumentShape",
            f"policy-instrument-typed-{cls.lower()}-conforms",
            POLICY_INSTRUMENT,
            ("a rg:Law", f"a rg:{cls}"),
        )
        for cls in ("PolicyInstrument", "PolicyDocument", "Standard", "Mechanism", "PilotProgramme")
    ),
    rejects(
        "PolicyInstrumentShape",
        "policy-instrument-without-chinese-pref-label-is-rejected",
        POLICY_INSTRUMENT,
        ('skos:prefLabel "湖北省优化营商环境条例"@zh , ', "skos:prefLabel "),
        focus="regulation",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "PolicyInstrumentShape",
        "pilot-programme-without-labels-is-rejected",
        POLICY_INSTRUMENT,
        ("a rg:Law", "a rg:PilotProgramme"),
        remove('rdfs:label "湖北省优化营商环境条例"@zh , "Hubei business regulations"@en'),
        focus="regulation",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "PolicyInstrumentShape",
        "policy-instrument-definition-in-three-languages-is-rejected",
        POLICY_INSTRUMENT,
        (
            '"省人大常委会通过的地方性法规。"@zh',
            '"省人大常委会通过的地方性法规。"@zh , "A local regulation."@en , '
            '"Un règlement local."@fr',
        ),
        focus="regulation",
        path="skos:definition",
        message=AT_MOST_ONE_DEFINITION,
        value="Un règlement local.",
    ),
]

PLACE = (
    entity("hubei", "rg:AdministrativeArea", "湖北省", "Hubei")
    + """
ex:wuhan a rg:AdministrativeArea ;
    skos:prefLabel "武汉市"@zh , "Wuhan"@en ;
    rdfs:label "武汉市"@zh , "Wuhan"@en ;
    rg:locatedIn ex:hubei .
"""
)
PLACE_EXAMPLES = [
    conforms("PlaceShape", "place-conforms", PLACE),
    *(
        conforms(
            "PlaceShape",
            f"place-typed-{cls.lower()}-conforms",
            PLACE,
            ("ex:wuhan a rg:AdministrativeArea", f"ex:wuhan a rg:{cls}"),
        )
        for cls in ("Place", "Region", "Site")
    ),
    rejects(
        "PlaceShape",
        "place-located-in-an-organisation-is-rejected",
        PLACE,
        ("ex:hubei a rg:AdministrativeArea", "ex:hubei a rg:GovernmentBody"),
        focus="wuhan",
        path="rg:locatedIn",
        message="each rg:locatedIn must be an rg:Place",
    ),
    rejects(
        "PlaceShape",
        "place-without-english-label-is-rejected",
        PLACE,
        ('rdfs:label "武汉市"@zh , "Wuhan"@en', 'rdfs:label "武汉市"@zh'),
        focus="wuhan",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
    rejects(
        "PlaceShape",
        "site-without-pref-labels-is-rejected",
        PLACE,
        ("ex:wuhan a rg:AdministrativeArea", "ex:wuhan a rg:Site"),
        remove('skos:prefLabel "武汉市"@zh , "Wuhan"@en ;'),
        focus="wuhan",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
]

EVENT = """
ex:expo a rg:Event ;
    skos:prefLabel "中国—东盟博览会"@zh , "China-ASEAN Expo"@en ;
    rdfs:label "中国—东盟博览会"@zh , "China-ASEAN Expo"@en .
"""
EVENT_EXAMPLES = [
    conforms("EventShape", "event-conforms", EVENT),
    rejects(
        "EventShape",
        "event-without-english-pref-label-is-rejected",
        EVENT,
        (
            'skos:prefLabel "中国—东盟博览会"@zh , "China-ASEAN Expo"@en',
            'skos:prefLabel "中国—东盟博览会"@zh',
        ),
        focus="expo",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "EventShape",
        "event-with-two-english-labels-is-rejected",
        EVENT,
        ('rdfs:label "中国—东盟博览会"@zh', 'rdfs:label "The China-ASEAN Expo"@en'),
        focus="expo",
        path="rdfs:label",
        message=BILINGUAL_LABEL,
    ),
]

CONCEPT = (
    entity("domains", "skos:ConceptScheme", "改革领域", "reform domains")
    + entity(
        "economic-reform",
        "rg:ReformDomain",
        "经济体制改革",
        "economic reform",
        "; skos:inScheme ex:domains ",
    )
    + """
ex:soe-reform a rg:ReformDomain ;
    skos:prefLabel "国资国企改革"@zh , "state-owned enterprise reform"@en ;
    rdfs:label "国资国企改革"@zh , "state-owned enterprise reform"@en ;
    skos:inScheme ex:domains ;
    skos:broader ex:economic-reform .
"""
)
CONCEPT_EXAMPLES = [
    conforms("ConceptShape", "concept-conforms", CONCEPT),
    *(
        conforms(
            "ConceptShape",
            f"concept-typed-{cls.lower()}-conforms",
            CONCEPT,
            ("ex:soe-reform a rg:ReformDomain", f"ex:soe-reform a rg:{cls}"),
        )
        for cls in ("ReformConcept", "Indicator")
    ),
    *(
        rejects(
            "ConceptShape",
            f"{name}-without-scheme-is-rejected",
            CONCEPT,
            ("ex:soe-reform a rg:ReformDomain", f"ex:soe-reform a rg:{cls}"),
            ("skos:inScheme ex:domains ;\n    skos:broader", "skos:broader"),
            focus="soe-reform",
            path="skos:inScheme",
            message="needs exactly one skos:inScheme, a skos:ConceptScheme",
        )
        for name, cls in (
            ("domain", "ReformDomain"),
            ("concept", "ReformConcept"),
            ("indicator", "Indicator"),
        )
    ),
    rejects(
        "ConceptShape",
        "concept-in-scheme-must-be-a-concept-scheme",
        CONCEPT,
        (
            "skos:inScheme ex:domains ;\n    skos:broader",
            "skos:inScheme ex:economic-reform ;\n    skos:broader",
        ),
        focus="soe-reform",
        path="skos:inScheme",
        message="needs exactly one skos:inScheme, a skos:ConceptScheme",
    ),
    rejects(
        "ConceptShape",
        "concept-in-two-schemes-is-rejected",
        CONCEPT,
        (
            "skos:inScheme ex:domains ;\n    skos:broader",
            "skos:inScheme ex:domains , ex:indicators ;\n    skos:broader",
        ),
        (
            "ex:soe-reform a",
            'ex:indicators a skos:ConceptScheme ;\n    skos:prefLabel "指标"@zh , '
            '"indicators"@en .\nex:soe-reform a',
        ),
        focus="soe-reform",
        path="skos:inScheme",
        message="needs exactly one skos:inScheme, a skos:ConceptScheme",
    ),
    rejects(
        "ConceptShape",
        "concept-broader-must-be-a-concept",
        CONCEPT,
        ("skos:broader ex:economic-reform", "skos:broader ex:domains"),
        focus="soe-reform",
        path="skos:broader",
        message="each skos:broader must be a skos:Concept",
    ),
    rejects(
        "ConceptShape",
        "concept-without-english-pref-label-is-rejected",
        CONCEPT,
        (', "state-owned enterprise reform"@en ;\n    rdfs:label', " ;\n    rdfs:label"),
        focus="soe-reform",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
]

INDICATOR = (
    entity("indicators", "skos:ConceptScheme", "指标", "indicators")
    + entity(
        "revenue", "rg:Indicator", "营收", "operating revenue", "; skos:inScheme ex:indicators "
    )
    + entity(
        "revenue-growth-rate",
        "rg:Indicator",
        "营收增速",
        "growth rate of operating revenue",
        "; skos:inScheme ex:indicators ;\n    rg:growthRateOf ex:revenue ",
    )
)
INDICATOR_EXAMPLES = [
    conforms("IndicatorShape", "indicator-growth-rate-conforms", INDICATOR),
    rejects(
        "IndicatorShape",
        "indicator-growth-rate-of-two-indicators-is-rejected",
        INDICATOR,
        ("rg:growthRateOf ex:revenue", "rg:growthRateOf ex:revenue , ex:revenue-growth-rate"),
        focus="revenue-growth-rate",
        path="rg:growthRateOf",
        message="is the growth rate of one indicator at most",
    ),
    rejects(
        "IndicatorShape",
        "indicator-growth-rate-of-a-scheme-is-rejected",
        INDICATOR,
        ("rg:growthRateOf ex:revenue", "rg:growthRateOf ex:indicators"),
        focus="revenue-growth-rate",
        path="rg:growthRateOf",
        message="and that one an rg:Indicator",
    ),
]

CONCEPT_SCHEME = """
ex:domains a skos:ConceptScheme ;
    skos:prefLabel "改革领域"@zh , "reform domains"@en ;
    rdfs:label "改革领域"@zh , "reform domains"@en .
"""
CONCEPT_SCHEME_EXAMPLES = [
    conforms("ConceptSchemeShape", "concept-scheme-conforms", CONCEPT_SCHEME),
    rejects(
        "ConceptSchemeShape",
        "concept-scheme-without-english-pref-label-is-rejected",
        CONCEPT_SCHEME,
        ('skos:prefLabel "改革领域"@zh , "reform domains"@en', 'skos:prefLabel "改革领域"@zh'),
        focus="domains",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "ConceptSchemeShape",
        "concept-scheme-with-two-chinese-pref-labels-is-rejected",
        CONCEPT_SCHEME,
        (
            'skos:prefLabel "改革领域"@zh , "reform domains"@en',
            'skos:prefLabel "改革领域"@zh , "改革领域体系"@zh',
        ),
        focus="domains",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
]

CHANGE_UNITS_EXAMPLES = [
    conforms("ChangeUnitsShape", "change-in-one-unit-is-comparable", CHANGE),
    conforms(
        "ChangeUnitsShape",
        "change-in-two-units-of-one-base-is-comparable",
        CHANGE,
        ("schema:value 80.0 ;\n    rg:unit ex:second", "schema:value 1.0 ;\n    rg:unit ex:minute"),
    ),
    rejects(
        "ChangeUnitsShape",
        "change-from-seconds-to-a-count-is-a-warning",
        CHANGE,
        ("schema:value 80.0 ;\n    rg:unit ex:second", "schema:value 80.0 ;\n    rg:unit ex:count"),
        focus="change",
        message="the baseline and the result are in units that cannot be compared",
        value=EX + "count",
        warning=True,
    ),
]

UNIT = """
ex:count a rg:Unit ;
    skos:prefLabel "个"@zh , "count"@en ;
    rdfs:label "个"@zh , "count"@en ;
    rg:symbol "个" , "家" , "项" ;
    skos:notation "1" ;
    skos:exactMatch <http://qudt.org/vocab/unit/NUM> .
"""
CONVERTED_UNITS = """
ex:second a rg:Unit ;
    skos:prefLabel "秒"@zh , "second"@en ;
    rdfs:label "秒"@zh , "second"@en ;
    rg:symbol "秒" ;
    skos:notation "s" .
ex:minute a rg:Unit ;
    skos:prefLabel "分钟"@zh , "minute"@en ;
    rdfs:label "分钟"@zh , "minute"@en ;
    rg:symbol "分钟" ;
    skos:notation "min" ;
    rg:baseUnit ex:second ;
    rg:conversionFactor 60.0 .
"""
CONVERSION_PAIR = "a base unit needs a conversion factor, and a conversion factor a base unit"
CONVERSION_FACTOR = "has at most one conversion factor, a decimal above 0"
BASE_OF_BASE = "a base unit has no base unit of its own"
UNIT_EXAMPLES = [
    conforms("UnitShape", "unit-conforms", UNIT),
    conforms("UnitShape", "unit-with-a-base-unit-and-a-factor-conforms", CONVERTED_UNITS),
    rejects(
        "UnitShape",
        "unit-with-a-base-unit-and-no-factor-is-rejected",
        CONVERTED_UNITS,
        remove(" ;\n    rg:conversionFactor 60.0"),
        focus="minute",
        message=CONVERSION_PAIR,
    ),
    rejects(
        "UnitShape",
        "unit-with-a-factor-and-no-base-unit-is-rejected",
        CONVERTED_UNITS,
        remove("rg:baseUnit ex:second ;\n    "),
        focus="minute",
        message=CONVERSION_PAIR,
    ),
    rejects(
        "UnitShape",
        "unit-with-a-factor-of-zero-is-rejected",
        CONVERTED_UNITS,
        ("rg:conversionFactor 60.0", "rg:conversionFactor 0.0"),
        focus="minute",
        message=CONVERSION_FACTOR,
    ),
    rejects(
        "UnitShape",
        "unit-with-a-negative-factor-is-rejected",
        CONVERTED_UNITS,
        ("rg:conversionFactor 60.0", "rg:conversionFactor -0.5"),
        focus="minute",
        message=CONVERSION_FACTOR,
        value="-0.5",
    ),
    rejects(
        "UnitShape",
        "unit-with-a-factor-that-is-text-is-rejected",
        CONVERTED_UNITS,
        ("rg:conversionFactor 60.0", 'rg:conversionFactor "60"'),
        focus="minute",
        path="rg:conversionFactor",
        message=CONVERSION_FACTOR,
    ),
    rejects(
        "UnitShape",
        "unit-whose-base-unit-has-a-base-unit-is-rejected",
        CONVERTED_UNITS,
        (
            'skos:notation "s" .',
            'skos:notation "s" ;\n    rg:baseUnit ex:count ; rg:conversionFactor 0.5 .',
        ),
        ("ex:minute a rg:Unit", UNIT + "ex:minute a rg:Unit"),
        focus="minute",
        message=BASE_OF_BASE,
        value=EX + "second",
    ),
    rejects(
        "UnitShape",
        "unit-that-is-its-own-base-unit-is-rejected",
        CONVERTED_UNITS,
        ("rg:baseUnit ex:second", "rg:baseUnit ex:minute"),
        focus="minute",
        message=BASE_OF_BASE,
    ),
    rejects(
        "UnitShape",
        "unit-whose-base-unit-is-not-a-unit-is-rejected",
        CONVERTED_UNITS,
        ("rg:baseUnit ex:second", "rg:baseUnit ex:hubei"),
        focus="minute",
        path="rg:baseUnit",
        message="has at most one base unit, an rg:Unit",
    ),
    conforms(
        "UnitShape",
        "unit-matching-a-qudt-currency-conforms",
        UNIT,
        ("<http://qudt.org/vocab/unit/NUM>", "<http://qudt.org/vocab/currency/CNY>"),
    ),
    conforms(
        "UnitShape",
        "unit-without-qudt-match-conforms",
        UNIT,
        remove(" ;\n    skos:exactMatch <http://qudt.org/vocab/unit/NUM>"),
    ),
    rejects(
        "UnitShape",
        "unit-without-symbol-is-rejected",
        UNIT,
        remove('rg:symbol "个" , "家" , "项" ;'),
        focus="count",
        path="rg:symbol",
        message="needs at least one rg:symbol, each a non-empty xsd:string",
    ),
    rejects(
        "UnitShape",
        "unit-with-empty-symbol-is-rejected",
        UNIT,
        ('"个" , "家" , "项"', '""'),
        focus="count",
        path="rg:symbol",
        message="needs at least one rg:symbol, each a non-empty xsd:string",
    ),
    rejects(
        "UnitShape",
        "unit-symbol-must-be-a-plain-string",
        UNIT,
        ('"家"', '"家"@zh'),
        focus="count",
        path="rg:symbol",
        message="needs at least one rg:symbol, each a non-empty xsd:string",
    ),
    rejects(
        "UnitShape",
        "unit-without-notation-is-rejected",
        UNIT,
        remove('skos:notation "1" ;'),
        focus="count",
        path="skos:notation",
        message="needs exactly one skos:notation, an xsd:string",
    ),
    rejects(
        "UnitShape",
        "unit-with-two-notations-is-rejected",
        UNIT,
        ('skos:notation "1"', 'skos:notation "1" , "NUM"'),
        focus="count",
        path="skos:notation",
        message="needs exactly one skos:notation, an xsd:string",
    ),
    rejects(
        "UnitShape",
        "unit-match-over-https-is-rejected",
        UNIT,
        ("<http://qudt.org/vocab/unit/NUM>", "<https://qudt.org/vocab/unit/NUM>"),
        focus="count",
        path="skos:exactMatch",
        message=QUDT_MATCH,
        value="https://qudt.org/vocab/unit/NUM",
    ),
    rejects(
        "UnitShape",
        "unit-match-outside-qudt-is-rejected",
        UNIT,
        ("<http://qudt.org/vocab/unit/NUM>", "<http://www.wikidata.org/entity/Q199>"),
        focus="count",
        path="skos:exactMatch",
        message=QUDT_MATCH,
        value="http://www.wikidata.org/entity/Q199",
    ),
    rejects(
        "UnitShape",
        "unit-match-as-a-literal-is-rejected",
        UNIT,
        ("<http://qudt.org/vocab/unit/NUM>", '"http://qudt.org/vocab/unit/NUM"'),
        focus="count",
        path="skos:exactMatch",
        message=QUDT_MATCH,
    ),
    rejects(
        "UnitShape",
        "unit-with-two-qudt-matches-is-rejected",
        UNIT,
        (
            "<http://qudt.org/vocab/unit/NUM>",
            "<http://qudt.org/vocab/unit/NUM> , <http://qudt.org/vocab/unit/UNITLESS>",
        ),
        focus="count",
        path="skos:exactMatch",
        message=QUDT_MATCH,
    ),
    rejects(
        "UnitShape",
        "unit-without-english-pref-label-is-rejected",
        UNIT,
        ('skos:prefLabel "个"@zh , "count"@en', 'skos:prefLabel "个"@zh'),
        focus="count",
        path="skos:prefLabel",
        message=BILINGUAL_PREF_LABEL,
    ),
    rejects(
        "UnitShape",
        "unit-match-to-a-qudt-quantity-kind-is-rejected",
        UNIT,
        ("<http://qudt.org/vocab/unit/NUM>", "<http://qudt.org/vocab/quantitykind/Count>"),
        focus="count",
        path="skos:exactMatch",
        message=QUDT_MATCH,
        value="http://qudt.org/vocab/quantitykind/Count",
    ),
]

EXAMPLES: list[Example] = [
    *SOURCE_DOCUMENT_EXAMPLES,
    *EVIDENCE_EXAMPLES,
    *ENTITY_MENTION_EXAMPLES,
    *TEXT_QUOTE_SELECTOR_EXAMPLES,
    *TEXT_POSITION_SELECTOR_EXAMPLES,
    *REFORM_CASE_EXAMPLES,
    *MEASURE_POSITIONS_UNIQUE_EXAMPLES,
    *MEASURE_EXAMPLES,
    *FIGURE_EXAMPLES,
    *CHANGE_EXAMPLES,
    *CHANGE_UNITS_EXAMPLES,
    *RANKING_EXAMPLES,
    *RECOGNITION_EXAMPLES,
    *INNOVATION_CLAIM_EXAMPLES,
    *PILOT_EXAMPLES,
    *JOINT_WORK_EXAMPLES,
    *ASSISTANCE_EXAMPLES,
    *PILOT_ASSIGNMENT_EXAMPLES,
    *SUB_ORGANISATION_EXAMPLES,
    *ORGANISATION_EXAMPLES,
    *PLATFORM_EXAMPLES,
    *POLICY_INSTRUMENT_EXAMPLES,
    *PLACE_EXAMPLES,
    *EVENT_EXAMPLES,
    *CONCEPT_EXAMPLES,
    *INDICATOR_EXAMPLES,
    *CONCEPT_SCHEME_EXAMPLES,
    *UNIT_EXAMPLES,
]
VALID = [pytest.param(e, id=e.test_id) for e in EXAMPLES if not e.focus]
INVALID = [
    pytest.param(
        e,
        id=e.test_id,
        marks=[pytest.mark.xfail(strict=True, reason=f"shape bug: {e.bug}")] if e.bug else [],
    )
    for e in EXAMPLES
    if e.focus
]


# ---------------------------------------------------------------------------- tests


@dataclass(frozen=True)
class Validator:
    """One of the two validators, by name."""

    name: str
    run: Callable[[Graph], ValidationResult]

    def __call__(self, data: Graph) -> ValidationResult:
        return self.run(data)


#: The two validators: pySHACL, the reference, and the shapes compiled to SPARQL and run
#: on an Oxigraph store, which is what ``reformgraph build`` uses.
VALIDATORS = ("pyshacl", "compiled")


#: pySHACL's own wording of a generic result, and the compiled validator's for the same
#: constraint component. An example's message is either a shape's sh:message, which both
#: validators report as it is, or one of these.
@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return load_ontology()


def store_of(data: Graph) -> ox.Store:
    """An Oxigraph store holding ``data`` and, as a build's store does, the ontology."""
    store = ox.Store()
    store.load(data.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    add_ontology(store, ontology_file("reformgraph.ttl"))
    return store


def validator(name: str, shapes: Graph, ontology: Graph) -> Validator:
    if name == "pyshacl":
        return Validator(name, lambda data: validate_graph(data, shapes, ontology))
    compiled = compile_shapes(shapes, ontology)
    return Validator(name, lambda data: validate_store(store_of(data), compiled))


@pytest.fixture(scope="module", params=VALIDATORS)
def validate(request: pytest.FixtureRequest, shapes: Graph, ontology: Graph) -> Validator:
    return validator(request.param, shapes, ontology)


def shape_messages(shapes: Graph) -> list[str]:
    return [str(m) for m in shapes.objects(None, SH.message)]


def expected(example: Example, name: str, shapes: Graph) -> Example:
    """``example``, whose message every validator ``name`` gives as it is: each is a
    shape's own (sh:message; every property shape has one, see tests/test_ontology.py),
    never a validator's wording of a constraint, which differs between them."""
    if example.message and not any(example.message in m for m in shape_messages(shapes)):
        raise AssertionError(f"{example.test_id}: {example.message!r} is no shape's message")
    return example


def listing(result: ValidationResult) -> str:
    return "\n".join(str(v) for v in result.violations) or "(no violations)"


QUDT_UNIT = URIRef(NAMESPACES["qudt"] + "unit")


def parse(example: Example) -> Graph:
    graph = Graph().parse(data=example.turtle, format="turtle")
    if example.qudt_as_built:
        # A figure's qudt:unit is its rg:unit's QUDT match, as the build writes it: the
        # examples need not repeat it, and stay valid when an edit changes the unit.
        for figure in set(graph.subjects(RDF.type, URIRef(expand("rg:Figure")))):
            if (figure, QUDT_UNIT, None) in graph:
                continue
            for unit in list(graph.objects(figure, URIRef(expand("rg:unit")))):
                for match in list(graph.objects(unit, URIRef(expand("skos:exactMatch")))):
                    graph.add((figure, QUDT_UNIT, match))
    return graph


@pytest.mark.parametrize("example", VALID)
def test_valid_example_conforms(
    example: Example, validate: Validator, shapes: Graph, ontology: Graph
) -> None:
    data = parse(example)
    classes = {
        subclass
        for target in shapes.objects(URIRef(RGSH + example.shape), SH.targetClass)
        for subclass in ontology.transitive_subjects(RDFS.subClassOf, target)
    }
    assert any(data.subjects(RDF.type, cls) for cls in classes), (
        f"the example has no node that rgsh:{example.shape} targets"
    )
    result = validate(data)
    assert result.conforms, listing(result)
    assert not result.violations, listing(result)
    assert not result.warnings, "\n".join(map(str, result.warnings))


@pytest.mark.parametrize("example", INVALID)
def test_invalid_example_is_rejected(example: Example, validate: Validator, shapes: Graph) -> None:
    example = expected(example, validate.name, shapes)
    result = validate(parse(example))
    if example.warning:
        assert result.conforms, listing(result)
        assert any(example.matches(v) for v in result.warnings), (
            f"expected a warning on ex:{example.focus} saying {example.message!r}; got:\n"
            + "\n".join(map(str, result.warnings))
        )
        return
    assert not result.conforms, "the example conforms but should not"
    wanted = (
        f"a violation on ex:{example.focus}"
        + (f" at {example.path}" if example.path else "")
        + (f" saying {example.message!r}" if example.message else "")
        + (f" for value {example.value}" if example.value else "")
    )
    assert any(example.matches(v) for v in result.violations), (
        f"expected {wanted}; got:\n{listing(result)}"
    )
    allowed = {EX + name for name in (example.focus, *example.others)}
    stray = [v for v in result.violations if v.focus not in allowed]
    assert not stray, "violations on other nodes:\n" + "\n".join(str(v) for v in stray)


def test_every_invalid_example_has_a_message_for_each_validator(shapes: Graph) -> None:
    for example in EXAMPLES:
        if example.focus:
            for name in VALIDATORS:
                expected(example, name, shapes)


def test_every_targeted_shape_has_valid_and_invalid_examples(shapes: Graph) -> None:
    targeted = {
        str(shape).rsplit("/", 1)[-1]
        for shape in shapes.subjects(SH.targetClass, None)
        if isinstance(shape, URIRef)
    }
    assert targeted, "no shape in shapes.ttl has a sh:targetClass"
    valid = {e.shape for e in EXAMPLES if not e.focus}
    invalid = {e.shape for e in EXAMPLES if e.focus and not e.bug}
    assert targeted - valid == set(), "shapes without a valid example"
    assert targeted - invalid == set(), "shapes without an invalid example"
    assert valid | invalid <= targeted, "examples name shapes that do not exist"


#: The messages of the sh:sparql constraints: their queries use rg:, oa:, schema: and skos:.
SPARQL_MESSAGES = (
    "the quote's length must equal end - start",
    "the quote ends after the end of its source text",
    "measure positions must run 1, 2, 3",
    "two measures of the case have the same position",
    "a count must be a whole number",
    "qudt:unit must be the QUDT match",
    "the direction contradicts the baseline and the result",
    "the baseline and the result are in units that cannot be compared",
    CONVERSION_PAIR,
    CONVERSION_FACTOR,
    BASE_OF_BASE,
    NEEDS_DATE_TEXT,
    DATE_TEXT_IN_BOTH,
)
SPARQL_EXAMPLES = [
    pytest.param(e, id=e.test_id)
    for e in EXAMPLES
    if e.focus and any(e.message.startswith(m) for m in SPARQL_MESSAGES)
]


def unbound(graph: Graph) -> Graph:
    """``graph`` without any namespace bindings: every prefix must come from sh:prefixes."""
    return Graph(bind_namespaces="none").parse(data=graph.serialize(format="nt"), format="nt")


def test_every_sparql_constraint_has_an_invalid_example() -> None:
    covered = {m for m in SPARQL_MESSAGES for e in EXAMPLES if e.focus and e.message.startswith(m)}
    assert covered == set(SPARQL_MESSAGES)


@pytest.mark.parametrize("name", VALIDATORS)
@pytest.mark.parametrize("example", SPARQL_EXAMPLES)
def test_sparql_constraints_do_not_rely_on_bound_prefixes(
    example: Example, name: str, shapes: Graph, ontology: Graph
) -> None:
    validate = validator(name, unbound(shapes), unbound(ontology))
    try:
        result = validate(unbound(parse(example)))
    except Exception as exc:
        pytest.fail(f"validation failed: {exc}")
    assert any(example.matches(v) for v in result.violations + result.warnings), listing(result)


#: Invalid examples that break one constraint once. A bug that makes pySHACL's report,
#: as validate_graph reads it, give more than one violation is the reason of an xfail.
ONE_PROBLEM = {
    "measure-without-english-lead-clause-is-rejected": "",
    "figure-without-indicator-is-rejected": "",
    "organisation-without-english-pref-label-is-rejected": "",
    "pilot-assignment-without-assigning-body-is-rejected": "",
    "evidence-ending-after-the-end-of-its-source-is-rejected": "",
    "joint-work-partner-that-is-a-region-is-rejected": "",
    "pilot-assignment-programme-must-be-a-pilot-programme": "",
}


@pytest.mark.parametrize("name", VALIDATORS)
@pytest.mark.parametrize(
    "example", [pytest.param(e, id=e.test_id) for e in EXAMPLES if e.test_id in ONE_PROBLEM]
)
def test_one_problem_gives_one_violation(
    example: Example, name: str, shapes: Graph, ontology: Graph, request: pytest.FixtureRequest
) -> None:
    if name == "pyshacl" and ONE_PROBLEM[example.test_id]:
        request.applymarker(pytest.mark.xfail(strict=True, reason=ONE_PROBLEM[example.test_id]))
    result = validator(name, shapes, ontology)(parse(example))
    assert len(result.violations) == 1, listing(result)
    assert expected(example, name, shapes).matches(result.violations[0]), listing(result)


def test_one_problem_examples_exist() -> None:
    assert set(ONE_PROBLEM) <= {e.test_id for e in EXAMPLES}


@pytest.mark.parametrize(
    ("value", "allowed", "expected"),
    [
        (Literal("改革", lang="zh"), ("zh",), True),
        (Literal("改革", lang="zh-Hans"), ("zh",), True),
        (Literal("改革", lang="ZH-hans"), ("zh",), True),
        (Literal("reform", lang="en"), ("zh",), False),
        (Literal("reform", lang="zhx"), ("zh",), False),
        (Literal("reform", lang="en-GB"), ("zh", "EN"), True),
        (Literal("reform"), ("zh",), False),
        (URIRef("https://example.org/zh"), ("zh",), False),
    ],
)
def test_language_in_matches_a_tag_or_its_subtags_in_any_case(
    value: Node, allowed: tuple[str, ...], expected: bool
) -> None:
    from reformgraph.shapecheck import _language_in

    assert _language_in(value, allowed) is expected
    assert _language_in(value, allowed) is expected  # the kept answer is the same


def test_pyshacl_results_are_reported_in_the_english_of_a_bilingual_message() -> None:
    # The shapes give each message in zh and en, and pySHACL reports both: the build's
    # messages (and the tests') are the English ones, whichever pySHACL lists first.
    from reformgraph.validate import validate_graph

    shapes = Graph().parse(
        data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:shape a sh:NodeShape ; sh:targetNode ex:thing ;
    sh:property [ sh:path ex:name ; sh:minCount 1 ;
                  sh:message "须至少有一个 ex:name"@zh , "needs at least one ex:name"@en ] .
""",
        format="turtle",
    )
    data = Graph().parse(data="<http://example.org/thing> a <http://example.org/T> .", format="ttl")
    result = validate_graph(data, shapes, Graph())
    assert [v.message for v in result.violations] == ["needs at least one ex:name"]


def _shacl_shacl() -> Graph:
    """W3C's SHACL-SHACL (SHACL, appendix C), the shapes graph of well-formed shapes graphs,
    as pySHACL bundles it (what ``pyshacl --metashacl`` checks a shapes graph against)."""
    from pathlib import Path

    import pyshacl

    return Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl")


def _ill_formed(shapes: Graph) -> list[tuple[Node, Node, Node]]:
    """The (focus node, path, value) of each result of SHACL-SHACL on ``shapes``."""
    import pyshacl

    conforms, report, _ = pyshacl.validate(shapes, shacl_graph=_shacl_shacl(), inference="rdfs")
    assert isinstance(report, Graph)
    found = [
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath), report.value(r, SH.value))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    ]
    assert conforms is not bool(found)
    return found


def test_the_shapes_graph_is_well_formed_under_shacl_shacl(shapes: Graph) -> None:
    # Validators disagree on an ill-formed constraint (pySHACL refuses sh:minCount "1",
    # the build's SPARQL validator reads it as 1): SHACL-SHACL says which is well formed.
    assert _ill_formed(shapes) == []


def test_shacl_shacl_finds_an_ill_formed_shape(shapes: Graph) -> None:
    broken = Graph()
    for triple in shapes:
        broken.add(triple)
    shape, count = next(iter(shapes.subject_objects(SH.minCount)))
    broken.set((shape, SH.minCount, Literal("x")))
    assert count != Literal("x")
    assert _ill_formed(broken) == [(shape, SH.minCount, Literal("x"))]

"""Resolved records → an rdflib Graph. No I/O: writing the graph is a separate call.

Every case, measure, statement and relation gets a stable, readable IRI under
``https://w3id.org/reformgraph/id/`` and points back to its source through an evidence
node (a Web Annotation specific resource with a text-quote and a text-position selector).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from reformgraph.io import SourceFile
from reformgraph.models import (
    DATA,
    RG,
    Assistance,
    Bilingual,
    CachedNamespace,
    Case,
    Change,
    Claim,
    ClaimKind,
    DateRef,
    Entity,
    EntityType,
    Facts,
    JointWork,
    Level,
    Mention,
    Pilot,
    PilotAssignment,
    PilotStage,
    Qualifier,
    Quantity,
    Ranking,
    Recognition,
    RecognitionForm,
    Relation,
    Source,
    SubOrganisation,
    entity_iri,
)
from reformgraph.numerals import date_text_en
from reformgraph.resolve import Located, Resolved, ResolvedCase, ResolvedIntroduction, Span
from reformgraph.vocab import NAMESPACES

__all__ = [
    "CASE_LINKS",
    "CASE_LINK_PREDICATES",
    "ENTITY_CLASSES",
    "PREFIXES",
    "Triple",
    "build_graph",
    "case_links",
    "case_triples",
    "introduction_triples",
    "iter_triples",
    "shared_context_triples",
    "shared_triple_groups",
    "shared_triples",
    "shared_types",
]

ORG = CachedNamespace("http://www.w3.org/ns/org#")
OA = CachedNamespace("http://www.w3.org/ns/oa#")
SCHEMA = CachedNamespace("http://schema.org/")
QUDT = CachedNamespace("http://qudt.org/schema/qudt/")

#: The prefixes every serialisation binds.
PREFIXES: dict[str, Namespace] = {prefix: Namespace(ns) for prefix, ns in NAMESPACES.items()}

ENTITY_CLASSES: dict[EntityType, URIRef] = {
    EntityType.REFORM_OFFICE: RG.ReformOffice,
    EntityType.PARTY_BODY: RG.PartyBody,
    EntityType.GOVERNMENT_BODY: RG.GovernmentBody,
    EntityType.LEGISLATURE: RG.LegislativeBody,
    EntityType.ENTERPRISE: RG.Enterprise,
    EntityType.ORGANISATION_GROUP: RG.OrganisationGroup,
    EntityType.ORGANISATION: ORG.Organization,
    EntityType.PLATFORM: RG.Platform,
    EntityType.LAW: RG.Law,
    EntityType.POLICY_DOCUMENT: RG.PolicyDocument,
    EntityType.MECHANISM: RG.Mechanism,
    EntityType.STANDARD: RG.Standard,
    EntityType.PILOT_PROGRAMME: RG.PilotProgramme,
    EntityType.ADMINISTRATIVE_AREA: RG.AdministrativeArea,
    EntityType.REGION: RG.Region,
    EntityType.SITE: RG.Site,
    EntityType.EVENT: RG.Event,
    EntityType.DOMAIN: RG.ReformDomain,
    EntityType.CONCEPT: RG.ReformConcept,
    EntityType.INDICATOR: RG.Indicator,
    EntityType.UNIT: RG.Unit,
}

SCHEMES: dict[EntityType, tuple[str, Bilingual]] = {
    EntityType.DOMAIN: ("domains", Bilingual(zh="改革领域", en="reform domains")),
    EntityType.CONCEPT: ("concepts", Bilingual(zh="改革概念", en="reform concepts")),
    EntityType.INDICATOR: ("indicators", Bilingual(zh="指标", en="indicators")),
}

QUALIFIERS = {
    Qualifier.EXACT: RG.exact,
    Qualifier.MORE_THAN: RG.moreThan,
    Qualifier.AT_LEAST: RG.atLeast,
    Qualifier.ABOUT: RG.about,
    Qualifier.AT_MOST: RG.atMost,
    Qualifier.LESS_THAN: RG.lessThan,
}
QUALIFIER_EN = {
    Qualifier.EXACT: "",
    Qualifier.MORE_THAN: "more than ",
    Qualifier.AT_LEAST: "at least ",
    Qualifier.ABOUT: "about ",
    Qualifier.AT_MOST: "at most ",
    Qualifier.LESS_THAN: "less than ",
}
QUDT_COUNT = "http://qudt.org/vocab/unit/NUM"

LEVELS = {
    Level.NATIONAL: RG.nationalLevel,
    Level.PROVINCIAL: RG.provincialLevel,
    Level.MUNICIPAL: RG.municipalLevel,
}
FORMS = {
    RecognitionForm.TYPICAL_EXPERIENCE: RG.typicalExperience,
    RecognitionForm.TYPICAL_CASE: RG.typicalCase,
    RecognitionForm.EXPERIENCE_EXCHANGE: RG.experienceExchange,
    RecognitionForm.INSTITUTIONAL_RULE: RG.institutionalRule,
    RecognitionForm.COMMENDATION: RG.commendation,
}
FORM_EN = {
    RecognitionForm.TYPICAL_EXPERIENCE: "typical experience",
    RecognitionForm.TYPICAL_CASE: "typical case",
    RecognitionForm.EXPERIENCE_EXCHANGE: "experience shared",
    RecognitionForm.INSTITUTIONAL_RULE: "adopted as an institutional rule",
    RecognitionForm.COMMENDATION: "commendation",
}
CLAIM_KINDS = {
    ClaimKind.FIRST_TO_DO: RG.firstToDo,
    ClaimKind.FIRST_OF_ITS_KIND: RG.firstOfItsKind,
    ClaimKind.ONLY_ONE: RG.onlyOne,
    ClaimKind.LARGEST: RG.largest,
    ClaimKind.RECORD_HIGH: RG.recordHigh,
    ClaimKind.RECORD_LOW: RG.recordLow,
}
CLAIM_EN = {
    ClaimKind.FIRST_TO_DO: "first to do it",
    ClaimKind.FIRST_OF_ITS_KIND: "first of its kind",
    ClaimKind.ONLY_ONE: "the only one",
    ClaimKind.LARGEST: "the largest",
    ClaimKind.RECORD_HIGH: "a record high",
    ClaimKind.RECORD_LOW: "a record low",
}
STAGES = {
    PilotStage.PILOT: RG.stagePilot,
    PilotStage.SCALED_UP: RG.stageScaledUp,
    PilotStage.GENERALISED: RG.stageGeneralised,
}

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def _zh(text: str) -> Literal:
    return Literal(text, lang="zh")


def _en(text: str) -> Literal:
    return Literal(text, lang="en")


def _bilingual(subject: URIRef, predicate: URIRef, value: Bilingual) -> Iterator[Triple]:
    yield subject, predicate, _zh(value.zh)
    yield subject, predicate, _en(value.en)


def _decimal(value: Decimal) -> Literal:
    text = format(value.normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def language_iri(tag: str) -> URIRef:
    """The language of a BCP 47 tag as a dcterms:LinguisticSystem: the Library of Congress's
    ISO 639-1 code for a two-letter language (zh, zh-Hans), Lexvo's ISO 639-3 code for a
    three-letter one (yue). dcterms:language takes a resource, not a literal; the script or
    region subtags say how the text is written, not which language it is in."""
    primary = tag.split("-", 1)[0].lower()
    if len(primary) == 2:
        return URIRef(f"http://id.loc.gov/vocabulary/iso639-1/{primary}")
    return URIRef(f"http://lexvo.org/id/iso639-3/{primary}")


def _format_number(value: Decimal) -> str:
    normalized = value.normalize()
    if normalized == normalized.to_integral_value():
        return f"{int(normalized):,}"
    whole, _, fraction = format(normalized, "f").partition(".")
    return f"{int(whole):,}.{fraction}"


#: How a change's label names its parts, in Chinese: 由120秒至80秒, 幅度20多个百分点. Generated
#: Chinese labels use the source's punctuation: ASCII , : ( ) beside Chinese text.
_PART_ZH = {"baseline": "由", "result": "至", "difference": "幅度"}
_DIRECTION_ZH = {"increase": "上升", "decrease": "下降"}
#: A change's difference is labelled as an amount of change, not as a level: 一次派警精准率
#: 提升30.3% is 一次派警精准率增幅:30.3%, not 一次派警精准率:30.3%.
_DIFFERENCE_ZH = {"increase": "增幅", "decrease": "降幅"}
_STAGE_ZH = {
    PilotStage.PILOT: "试点",
    PilotStage.SCALED_UP: "扩大试点",
    PilotStage.GENERALISED: "全面推广",
}


def _relation_slugs(relations: Sequence[Relation]) -> list[str]:
    """Each relation's name in its case or measure, from what it says, not where it stands
    in the list (``relation/1`` pointed at another relation once one was added before
    it): its kind and first two parties, ``joint-work-hubei-drc-wuhan``; a second relation
    of the same name gets ``-2``."""
    slugs: list[str] = []
    for relation in relations:
        if isinstance(relation, JointWork):
            parties = (relation.lead[0], relation.partners[0])
        elif isinstance(relation, Assistance):
            parties = (relation.assistant[0], relation.assisted[0])
        elif isinstance(relation, PilotAssignment):
            parties = (relation.assigned_by[0], relation.assigned_to[0])
        else:
            parties = (relation.member[0], relation.parent[0])
        base = slug = "-".join((relation.kind, *(p.id for p in parties)))
        again = 1
        while slug in slugs:
            again += 1
            slug = f"{base}-{again}"
        slugs.append(slug)
    return slugs


def _claim_label_zh(claimed: str, what: str) -> str:
    """A claim's Chinese label: its words, then what it claims, without saying twice the
    words they share (在全国率先推行 + 推行“五类牌照制度” is 在全国率先推行“五类牌照制度”)."""
    for size in range(min(len(claimed), len(what)), 0, -1):
        if claimed.endswith(what[:size]):
            return claimed + what[size:]
    return f"{claimed}:{what}"


class _Builder:
    def __init__(self, entities: Mapping[str, Entity]) -> None:
        self.entities = entities

    # ------------------------------------------------------------------ provenance

    def evidence(
        self, node: URIRef, predicate: URIRef, name: str, span: Span, source: URIRef
    ) -> Iterator[Triple]:
        ev = URIRef(f"{node}/{name}")
        yield node, predicate, ev
        yield ev, RDF.type, RG.Evidence
        yield from self.selectors(ev, span, source)

    def selectors(self, ev: URIRef, span: Span, source: URIRef) -> Iterator[Triple]:
        yield ev, OA.hasSource, source
        quote, position = URIRef(f"{ev}/quote"), URIRef(f"{ev}/position")
        yield ev, OA.hasSelector, quote
        yield ev, OA.hasSelector, position
        yield quote, RDF.type, OA.TextQuoteSelector
        yield quote, OA.exact, Literal(span.text)
        yield position, RDF.type, OA.TextPositionSelector
        yield position, OA.start, Literal(span.start, datatype=XSD.nonNegativeInteger)
        yield position, OA.end, Literal(span.end, datatype=XSD.nonNegativeInteger)

    def entity_mention(
        self, container: URIRef, name: str, entity_id: str, span: Span, source: URIRef
    ) -> Iterator[Triple]:
        """Where a case, measure or introduction names an entity (全省 for Hubei)."""
        node = URIRef(f"{container}/{name}/{entity_id}")
        yield container, RG.hasMention, node
        yield node, RDF.type, RG.EntityMention
        yield node, RG.mentionOf, self.ref(entity_id)
        yield from self.selectors(node, span, source)

    def date_text(self, node: URIRef, date: DateRef) -> Iterator[Triple]:
        """The words of a date, and their English: the curator's, else reformgraph's."""
        yield node, RG.dateText, _zh(date.text)
        english = date.en or date_text_en(date.text)
        if english is not None:
            yield node, RG.dateText, Literal(english, lang="en")

    def date(self, node: URIRef, date: DateRef | None) -> Iterator[Triple]:
        if date is None:
            return
        yield from self.date_text(node, date)
        if date.as_of is not None:
            yield node, RG.asOf, Literal(date.as_of.isoformat(), datatype=XSD.date)
        if date.year is not None:
            yield node, RG.referenceYear, Literal(f"{date.year:04d}", datatype=XSD.gYear)
        if date.since is not None:
            datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(date.since)]
            yield node, RG.since, Literal(date.since, datatype=datatype)

    # ------------------------------------------------------------------ entities

    def entity(self, entity: Entity) -> Iterator[Triple]:
        node = entity.iri
        yield node, RDF.type, ENTITY_CLASSES[entity.type]
        yield from _bilingual(node, SKOS.prefLabel, entity.label)
        yield from _bilingual(node, RDFS.label, entity.label)
        for alt in entity.alt_labels:
            # SKOS (S13): a label is never both preferred and alternative in one language.
            # 武汉 / Wuhan as an alternative of 武汉市 / Wuhan keeps only its Chinese.
            if alt.zh != entity.label.zh:
                yield node, SKOS.altLabel, _zh(alt.zh)
            if alt.en != entity.label.en:
                yield node, SKOS.altLabel, _en(alt.en)
        if entity.definition is not None:
            if entity.definition.zh:
                yield node, SKOS.definition, _zh(entity.definition.zh)
            if entity.definition.en:
                yield node, SKOS.definition, _en(entity.definition.en)
        if entity.type in SCHEMES:
            scheme = DATA[f"scheme/{SCHEMES[entity.type][0]}"]
            yield node, SKOS.inScheme, scheme
            if not entity.broader:
                yield node, SKOS.topConceptOf, scheme
            for other in entity.broader:
                yield node, SKOS.broader, self.entities[other].iri
        for other in entity.part_of:
            predicate = RG.locatedIn if entity.type.is_place else DCTERMS.isPartOf
            yield node, predicate, self.entities[other].iri
        for other in entity.distinct_from:
            yield node, OWL.differentFrom, self.entities[other].iri
        if entity.growth_rate_of is not None:
            yield node, RG.growthRateOf, self.entities[entity.growth_rate_of].iri
        if entity.type is EntityType.UNIT:
            for symbol in entity.symbols:
                yield node, RG.symbol, Literal(symbol)
            if entity.code:
                yield node, SKOS.notation, Literal(entity.code)
            if entity.qudt:
                yield node, SKOS.exactMatch, URIRef(entity.qudt)
            if entity.conversion is not None:
                yield node, RG.baseUnit, self.entities[entity.conversion.unit].iri
                yield node, RG.conversionFactor, _decimal(entity.conversion.factor)

    def schemes(self) -> Iterator[Triple]:
        for slug, label in SCHEMES.values():
            scheme = DATA[f"scheme/{slug}"]
            yield scheme, RDF.type, SKOS.ConceptScheme
            yield from _bilingual(scheme, SKOS.prefLabel, label)
            yield from _bilingual(scheme, RDFS.label, label)

    def ref(self, entity_id: str) -> URIRef:
        entity = self.entities[entity_id]
        return entity_iri(entity.type, entity.id)

    # ------------------------------------------------------------------ sources

    def source(self, source: Source, text: str) -> Iterator[Triple]:
        node = source.iri
        yield node, RDF.type, RG.SourceDocument
        yield from _bilingual(node, DCTERMS.title, source.title)
        yield from _bilingual(node, RDFS.label, source.title)
        yield node, DCTERMS.publisher, self.ref(source.publisher)
        if source.issued is not None:
            yield node, DCTERMS.issued, Literal(source.issued.isoformat(), datatype=XSD.date)
        yield node, DCTERMS.language, language_iri(source.language)
        if source.url is not None:
            # an IRI, as schema.org's own JSON-LD context makes schema:url (a web page)
            yield node, SCHEMA.url, URIRef(source.url)
        yield node, RG.fileName, Literal(source.file)
        yield node, RG.sha256, Literal(source.sha256)
        yield node, RG.characterCount, Literal(len(text), datatype=XSD.nonNegativeInteger)
        if source.edition:
            # schema:printEdition is a property of a schema:NewsArticle (the edition of the
            # newspaper's print product it appears in), which such a source is.
            yield node, RDF.type, SCHEMA.NewsArticle
            yield node, SCHEMA.printEdition, Literal(source.edition)
        if source.planned_by:
            yield node, RG.plannedBy, self.ref(source.planned_by)
        publisher = self.entities[source.publisher].label
        issued = f", {source.issued.isoformat()}" if source.issued is not None else ""
        url = f" {source.url}" if source.url is not None else ""
        citation = f"{publisher.zh}{issued}: {source.title.zh}.{url}"
        yield node, DCTERMS.bibliographicCitation, Literal(citation)

    # ------------------------------------------------------------------ cases

    def case(self, rc: ResolvedCase) -> Iterator[Triple]:
        case: Case = rc.case
        node = case.iri
        source = rc.source.record.iri
        yield node, RDF.type, RG.ReformCase
        yield from _bilingual(node, DCTERMS.title, case.title)
        yield from _bilingual(node, RDFS.label, case.title)
        yield node, RG.position, Literal(case.position, datatype=XSD.positiveInteger)
        yield node, RG.responsibleOffice, self.ref(case.office)
        for domain in case.domains:
            yield node, RG.reformDomain, self.ref(domain)
        for i, place in enumerate(case.places):
            yield node, RG.place, self.ref(place.id)
            yield from self.entity_mention(
                node, "place", place.id, rc.located[("places", i)].quote, source
            )
        if case.start is not None:
            yield from self.date_text(node, case.start)
            if case.start.since is not None:
                datatype = {4: XSD.gYear, 7: XSD.gYearMonth, 10: XSD.date}[len(case.start.since)]
                yield node, RG.since, Literal(case.start.since, datatype=datatype)
        yield node, RG.fullText, _zh(rc.span.text)
        yield node, DCTERMS.source, source
        yield from self.evidence(node, RG.evidence, "evidence", rc.span, source)
        for i, actor in enumerate(case.carried_out_by):
            yield node, RG.carriedOutBy, self.ref(actor.id)
            if actor.id not in {p.id for p in case.places}:
                yield from self.entity_mention(
                    node, "mention", actor.id, rc.located[("carried_out_by", i)].quote, source
                )
        # An entity both a place of the case and involved in it is named once: its place's
        # mention (found in the whole text) is the case's mention of it; so is one that
        # carries the case out.
        placed = frozenset(
            [*(place.id for place in case.places), *(a.id for a in case.carried_out_by)]
        )
        yield from self.facts(rc, (), case, node, node, None, named=placed)
        for rm in rc.measures:
            measure = rm.measure
            m_node = URIRef(f"{node}/measure/{rm.position}")
            yield m_node, RDF.type, RG.Measure
            yield m_node, RG.partOfCase, node
            if rm.parent is not None:
                yield m_node, RG.partOfMeasure, URIRef(f"{node}/measure/{rm.parent + 1}")
            yield m_node, RG.position, Literal(rm.position, datatype=XSD.positiveInteger)
            yield m_node, RG.marker, _zh(measure.marker)
            yield from _bilingual(m_node, RG.leadClause, measure.lead)
            yield from _bilingual(m_node, RDFS.label, measure.lead)
            yield m_node, RG.fullText, _zh(rm.span.text)
            yield m_node, DCTERMS.source, source
            yield from self.evidence(m_node, RG.evidence, "evidence", rm.span, source)
            yield from self.facts(rc, ("measures", rm.position - 1), measure, node, m_node, m_node)

    def facts(
        self,
        rc: ResolvedCase | None,
        base: tuple[str | int, ...],
        facts: Facts,
        case_node: URIRef | None,
        container: URIRef,
        measure: URIRef | None,
        source: URIRef | None = None,
        located: dict[tuple[str | int, ...], Located] | None = None,
        named: frozenset[str] = frozenset(),
    ) -> Iterator[Triple]:
        """The facts of a case, measure or introduction (``container``); ``named``: the
        entities it already has a mention of."""
        located = rc.located if rc is not None else (located or {})
        source = rc.source.record.iri if rc is not None else source
        assert source is not None
        prefix = case_node if case_node is not None else container

        def part_of(node: URIRef) -> Iterator[Triple]:
            if case_node is not None:
                yield node, RG.partOfCase, case_node
            if measure is not None:
                yield node, RG.partOfMeasure, measure
            yield node, DCTERMS.source, source

        for i, item in enumerate(facts.involves):
            yield container, RG.involves, self.ref(item.id)
            if item.id in named:
                continue
            key = (*base, "involves", i)
            mention = located[key].quote
            yield from self.entity_mention(container, "mention", item.id, mention, source)
        for i, figure in enumerate(facts.figures):
            path = (*base, "figures", i)
            loc = located[path]
            node = URIRef(f"{prefix}/figure/{figure.id}")
            yield from part_of(node)
            yield from self.figure(
                node,
                figure,
                figure.indicator,
                figure.subject,
                figure.date,
                loc.quote,
                loc.text,
                source,
            )
            if figure.cumulative:
                yield node, RG.cumulative, Literal(True)
        for i, change in enumerate(facts.changes):
            path = (*base, "changes", i)
            loc = located[path]
            yield from self.change(prefix, change, loc, source, part_of)
        for i, ranking in enumerate(facts.rankings):
            path = (*base, "rankings", i)
            loc = located[path]
            yield from self.ranking(prefix, ranking, loc, source, part_of)
        slugs = _relation_slugs(facts.relations)
        for i, relation in enumerate(facts.relations):
            path = (*base, "relations", i)
            loc = located[path]
            node = URIRef(f"{container}/relation/{slugs[i]}")
            yield from part_of(node)
            yield from self.relation(node, relation, loc, source)
        outcomes: list[tuple[str, str, Recognition | Claim | Pilot]] = [
            *(("recognitions", "recognition", r) for r in facts.recognitions),
            *(("claims", "claim", c) for c in facts.claims),
            *(("pilots", "pilot", p) for p in facts.pilots),
        ]
        counters: dict[str, int] = {}
        for name, segment, outcome in outcomes:
            index = counters.get(name, 0)
            counters[name] = index + 1
            path = (*base, name, index)
            loc = located[path]
            node = URIRef(f"{prefix}/{segment}/{outcome.id}")
            yield from part_of(node)
            yield from self.outcome(node, outcome, loc, source)

    def outcome(
        self, node: URIRef, item: Recognition | Claim | Pilot, loc: Located, source: URIRef
    ) -> Iterator[Triple]:
        """A recognition, an innovation claim or a pilot."""
        if isinstance(item, Claim) and item.what.zh not in item.span_text:
            # 全国首个 says what kind of claim, not of what
            yield node, RDFS.label, _zh(_claim_label_zh(item.span_text, item.what.zh))
        elif isinstance(item, Pilot):
            # as the English label: the stage, then the words (国家级智慧口岸试点 alone is
            # also the name of the programme)
            yield node, RDFS.label, _zh(f"{_STAGE_ZH[item.stage]}:{item.span_text}")
        else:
            yield node, RDFS.label, _zh(item.span_text)
        if isinstance(item, Recognition):
            yield node, RDF.type, RG.Recognition
            yield node, RG.recognitionLevel, LEVELS[item.level]
            yield node, RG.recognitionForm, FORMS[item.form]
            for agent in item.by:
                yield node, RG.recognisedBy, self.ref(agent.id)
            if item.via is not None:
                yield node, RG.via, self.ref(item.via)
            if item.subject is not None:
                yield node, RG.subject, self.ref(item.subject)
            by = " and ".join(self.entities[a.id].label.en for a in item.by) or "a higher level"
            english = f"{FORM_EN[item.form]} ({item.level.value} level), recognised by {by}"
            if item.via is not None:  # what the Chinese names too (被列入…督查典型经验)
                english += f", through {self.entities[item.via].label.en}"
        elif isinstance(item, Claim):
            yield node, RDF.type, RG.InnovationClaim
            yield node, RG.claimKind, CLAIM_KINDS[item.kind]
            yield node, RG.claimScope, self.ref(item.scope)
            yield from _bilingual(node, RG.claimWhat, item.what)
            if item.subject is not None:
                yield node, RG.subject, self.ref(item.subject)
            scope = self.entities[item.scope].label.en
            english = f"{CLAIM_EN[item.kind]} in {scope}: {item.what.en}"
        else:
            yield node, RDF.type, RG.Pilot
            if item.assigned_by:
                yield node, RDF.type, RG.PilotAssignment
            yield node, RG.pilotStage, STAGES[item.stage]
            if item.programme is not None:
                yield node, RG.programme, self.ref(item.programme)
            for agent in item.assigned_by:
                yield node, RG.assignedBy, self.ref(agent.id)
            for agent in item.assigned_to:
                yield node, RG.assignedTo, self.ref(agent.id)
            if item.batch is not None:
                yield node, RG.batch, _zh(item.batch.text)
                yield node, RG.batch, _en(item.batch.en)
            what = (
                self.entities[item.programme].label.en
                if item.programme
                else item.id.replace("-", " ")  # the id is English words
            )
            batch = f", {item.batch.en}" if item.batch is not None else ""
            english = f"{item.stage.value.replace('-', ' ')}: {what}{batch}"
            # who gave the task to whom, as the Chinese says (承接国家发改委、工信部…试点任务)
            if item.assigned_by:
                english += ", assigned by " + " and ".join(
                    self.entities[a.id].label.en for a in item.assigned_by
                )
            if item.assigned_to:
                english += (" to " if item.assigned_by else ", assigned to ") + " and ".join(
                    self.entities[a.id].label.en for a in item.assigned_to
                )
        yield node, RDFS.label, _en(english)
        yield from self.evidence(node, RG.evidence, "evidence", loc.quote, source)
        if loc.text is not None:
            yield from self.evidence(node, RG.mention, "mention", loc.text, source)

    def figure(
        self,
        node: URIRef,
        quantity: Quantity,
        indicator: str,
        subject: str | None,
        date: DateRef | None,
        quote: Span,
        text: Span | None,
        source: URIRef,
        difference: str | None = None,
    ) -> Iterator[Triple]:
        """A figure; ``difference`` is the direction of the change whose difference it is."""
        unit = self.entities[quantity.unit]
        yield node, RDF.type, RG.Figure
        yield node, SCHEMA.value, _decimal(quantity.value)
        yield node, RG.unit, unit.iri
        if unit.qudt:  # the QUDT unit itself, for tools that know QUDT but not rg:Unit
            yield node, QUDT.unit, URIRef(unit.qudt)
        yield node, RG.qualifier, QUALIFIERS[quantity.qualifier]
        yield node, RG.indicator, self.ref(indicator)
        yield node, RG.statedAs, _zh(quantity.text)
        # Labels that tell figures apart: what is measured, then the number; a change's
        # difference says it is one (增幅, increase in), lest it read as a level.
        measured = self.entities[indicator].label
        measured_zh = (
            measured.zh if difference is None else measured.zh + _DIFFERENCE_ZH[difference]
        )
        measured_en = measured.en if difference is None else f"{difference} in {measured.en}"
        yield node, RDFS.label, _zh(f"{measured_zh}:{quantity.text}")
        yield node, RDFS.label, _en(f"{measured_en}: {self.quantity_en(quantity)}")
        if subject is not None:
            yield node, RG.subject, self.ref(subject)
        yield from self.date(node, date)
        yield from self.evidence(node, RG.evidence, "evidence", quote, source)
        if text is not None:
            yield from self.evidence(node, RG.mention, "mention", text, source)

    def quantity_en(self, quantity: Quantity) -> str:
        """A quantity as English writes it, with the unit's code: at least 20 pp, 80 s,
        30.3%, 3,708 CNY, 17 (a count)."""
        unit = self.entities[quantity.unit]
        number = f"{QUALIFIER_EN[quantity.qualifier]}{_format_number(quantity.value)}"
        if unit.qudt == QUDT_COUNT:
            return number
        code = unit.code or unit.label.en
        return f"{number}{code}" if code == "%" else f"{number} {code}"

    def change(
        self, prefix: URIRef, change: Change, loc: Located, source: URIRef, part_of: object
    ) -> Iterator[Triple]:
        node = URIRef(f"{prefix}/change/{change.id}")
        yield from part_of(node)  # type: ignore[operator]
        yield node, RDF.type, RG.Change
        yield node, RG.indicator, self.ref(change.indicator)
        yield (
            node,
            RG.direction,
            RG.increase if change.direction.value == "increase" else RG.decrease,
        )
        if change.compared_with is not None:
            yield node, RG.comparedWith, _zh(change.compared_with.text)
            yield node, RG.comparedWith, _en(change.compared_with.en)
        if change.subject is not None:
            yield node, RG.subject, self.ref(change.subject)
        yield from self.date(node, change.date)
        indicator = self.entities[change.indicator].label
        parts: list[str] = []
        parts_zh: list[str] = []
        for role, quantity in change.parts():
            fig = URIRef(f"{prefix}/figure/{change.id}-{role}")
            yield node, RG[role], fig
            yield from part_of(fig)  # type: ignore[operator]
            yield from self.figure(
                fig,
                quantity,
                change.indicator,
                change.subject,
                change.date,
                loc.quote,
                loc.parts.get(role),
                source,
                change.direction.value if role == "difference" else None,
            )
            parts.append(f"{role} {self.quantity_en(quantity)}")
            comma = "," if role == "difference" and parts_zh else ""
            parts_zh.append(f"{comma}{_PART_ZH[role]}{quantity.text}")
        direction = change.direction.value
        zh = f"{indicator.zh}{_DIRECTION_ZH[direction]}({''.join(parts_zh)})"
        yield node, RDFS.label, _zh(zh)
        yield node, RDFS.label, _en(f"{direction} of {indicator.en} ({', '.join(parts)})")
        yield from self.evidence(node, RG.evidence, "evidence", loc.quote, source)

    def ranking(
        self, prefix: URIRef, ranking: Ranking, loc: Located, source: URIRef, part_of: object
    ) -> Iterator[Triple]:
        node = URIRef(f"{prefix}/ranking/{ranking.id}")
        yield from part_of(node)  # type: ignore[operator]
        yield node, RDF.type, RG.Ranking
        yield node, RG.rank, Literal(ranking.rank, datatype=XSD.positiveInteger)
        yield node, RG.rankingScope, self.ref(ranking.scope)
        yield node, RG.indicator, self.ref(ranking.indicator)
        yield node, RG.statedAs, _zh(ranking.text)
        ranked = self.entities[ranking.indicator].label
        yield node, RDFS.label, _zh(f"{ranked.zh}:{self.scoped_zh(ranking, loc.quote.text)}")
        scope = self.entities[ranking.scope].label.en
        yield node, RDFS.label, _en(f"{ranked.en}: rank {ranking.rank} in {scope}")
        if ranking.subject is not None:
            yield node, RG.subject, self.ref(ranking.subject)
        yield from self.date(node, ranking.date)
        yield from self.evidence(node, RG.evidence, "evidence", loc.quote, source)
        if loc.text is not None:
            yield from self.evidence(node, RG.mention, "mention", loc.text, source)

    def scoped_zh(self, ranking: Ranking, quote: str) -> str:
        """A ranking as written, with its scope when the words leave it to an earlier
        one (增速居全国第3、第2: the second is 全国第2), named as the quote names it."""
        names = self.entities[ranking.scope].zh_labels
        if any(name in ranking.text for name in names):
            return ranking.text
        used = [name for name in names if name in quote]
        return (used[0] if used else names[0]) + ranking.text

    def relation(
        self, node: URIRef, relation: Relation, loc: Located, source: URIRef
    ) -> Iterator[Triple]:
        roles: list[tuple[URIRef, list[Mention]]]
        if isinstance(relation, JointWork):
            cls, roles = RG.JointWork, [(RG.ledBy, relation.lead), (RG.partner, relation.partners)]
        elif isinstance(relation, Assistance):
            cls, roles = (
                RG.Assistance,
                [(RG.assistant, relation.assistant), (RG.assisted, relation.assisted)],
            )
        elif isinstance(relation, PilotAssignment):
            cls = RG.PilotAssignment
            roles = [(RG.assignedBy, relation.assigned_by), (RG.assignedTo, relation.assigned_to)]
            yield node, RG.programme, self.ref(relation.programme.id)
            yield node, RDF.type, RG.Pilot
            yield node, RG.pilotStage, STAGES[PilotStage.PILOT]
        else:
            assert isinstance(relation, SubOrganisation)
            cls, roles = (
                RG.SubOrganisation,
                [(RG.member, relation.member), (RG.parent, relation.parent)],
            )
            for member in relation.member:
                for parent in relation.parent:
                    yield self.ref(member.id), ORG.subOrganizationOf, self.ref(parent.id)
        yield node, RDF.type, cls
        names = []
        for predicate, items in roles:
            for item in items:
                yield node, predicate, self.ref(item.id)
            names.append(" and ".join(self.entities[item.id].label.en for item in items))
        names_zh = [
            "、".join(self.entities[item.id].label.zh for item in items) for _, items in roles
        ]
        connector_zh = {
            RG.JointWork: "{0}会同{1}",
            RG.Assistance: "{0}协助{1}",
            RG.PilotAssignment: "{0}向{1}部署试点",
            RG.SubOrganisation: "{0}隶属{1}",
        }[cls]
        # Like the English label, who does what with whom: the quote alone (湖北省委改革办)
        # read as the name of one of them.
        yield node, RDFS.label, _zh(connector_zh.format(*names_zh))
        connector = {
            RG.JointWork: "{0} works together with {1}",
            RG.Assistance: "{0} assists {1}",
            RG.PilotAssignment: "{0} assign a pilot to {1}",
            RG.SubOrganisation: "{0} belongs to {1}",
        }[cls]
        yield node, RDFS.label, _en(connector.format(*names))
        if relation.purpose is not None:
            yield from _bilingual(node, RG.purpose, relation.purpose)
        yield from self.evidence(node, RG.evidence, "evidence", loc.quote, source)

    # ------------------------------------------------------------------ all

    def shared(self, sources: Iterable[SourceFile]) -> Iterator[Triple]:
        """The concept schemes, the entities and the source documents."""
        yield from self.schemes()
        for entity in self.entities.values():
            yield from self.entity(entity)
        for source_file in sources:
            yield from self.source(source_file.record, source_file.text)

    def introduction(
        self, source_file: SourceFile, intro: ResolvedIntroduction
    ) -> Iterator[Triple]:
        if source_file.record.introduction is None:
            return
        yield from self.facts(
            None,
            ("introduction",),
            source_file.record.introduction,
            None,
            source_file.record.iri,
            None,
            source=source_file.record.iri,
            located=intro.located,
        )


def shared_triples(
    entities: Mapping[str, Entity], sources: Iterable[SourceFile]
) -> Iterator[Triple]:
    """The triples every build starts with: concept schemes, entities, source documents."""
    return _Builder(entities).shared(sources)


def shared_triple_groups(
    entities: Mapping[str, Entity], sources: Iterable[SourceFile], size: int = 2000
) -> Iterator[list[Triple]]:
    """:func:`shared_triples` in groups: the concept schemes, then ``size`` entities at a
    time, then the source documents. Every node's triples are in one group, so that each
    group can be rendered and checked on its own (with the others' types as context)."""
    builder = _Builder(entities)
    yield list(builder.schemes())
    group: list[Triple] = []
    count = 0
    for entity in entities.values():
        group.extend(builder.entity(entity))
        count += 1
        if count == size:
            yield group
            group, count = [], 0
    if group:
        yield group
    yield [
        t for source_file in sources for t in builder.source(source_file.record, source_file.text)
    ]


#: The predicates by which a case, or a part of it, names an entity: what links cases
#: through an entity (the ``VALUES`` of ``shared-entity-counts.rq`` and
#: ``shared-entities.rq``; a test keeps them the same). In this order, the order in
#: which :mod:`reformgraph.analysis` reports the links of a case.
CASE_LINK_PREDICATES: tuple[URIRef, ...] = tuple(
    RG[name]
    for name in (
        "responsibleOffice involves place reformDomain subject indicator rankingScope ledBy"
        " partner assistant assisted assignedBy assignedTo programme member parent"
        " recognisedBy via claimScope carriedOutBy"
    ).split()
)
#: :data:`CASE_LINK_PREDICATES` as a set.
CASE_LINKS: frozenset[URIRef] = frozenset(CASE_LINK_PREDICATES)


def case_links(triples: Iterable[Triple], case: URIRef) -> set[URIRef | Literal]:
    """The nodes ``case`` names by a :data:`CASE_LINKS` predicate, itself or through a
    part of it (a node with ``rg:partOfCase`` the case), among some triples (the case's)."""
    parts: set[URIRef | Literal] = {case}
    named: list[tuple[URIRef, URIRef | Literal]] = []
    part_of = str(RG.partOfCase)
    same = str.__eq__  # C code; rdflib's URIRef.__eq__ is Python (a third of the time here)
    for s, p, o in triples:
        if p in CASE_LINKS:
            named.append((s, o))
        elif same(p, part_of) and o == case:
            parts.add(s)
    return {o for s, o in named if s in parts}


def shared_types(
    entities: Mapping[str, Entity], sources: Iterable[SourceFile]
) -> Iterator[tuple[URIRef, URIRef]]:
    """(node, class) for each ``rdf:type`` triple of :func:`shared_triples`, without
    making the other triples (a million entities take a minute to render)."""
    for node, predicate, obj in _Builder(entities).schemes():
        if predicate == RDF.type:
            yield node, obj  # type: ignore[misc]
    for entity in entities.values():
        yield entity_iri(entity.type, entity.id), ENTITY_CLASSES[entity.type]
    for source_file in sources:
        yield source_file.record.iri, RG.SourceDocument
        if source_file.record.edition:
            yield source_file.record.iri, SCHEMA.NewsArticle


def shared_context_triples(
    entities: Mapping[str, Entity], sources: Iterable[SourceFile]
) -> Iterator[Triple]:
    """The triples of the units and the source documents: what the cases' SHACL-SPARQL
    constraints may look up besides a case's own triples."""
    builder = _Builder(entities)
    for entity in entities.values():
        if entity.type is EntityType.UNIT:
            yield from builder.entity(entity)
    for source_file in sources:
        yield from builder.source(source_file.record, source_file.text)


def case_triples(entities: Mapping[str, Entity], case: ResolvedCase) -> Iterator[Triple]:
    """The triples of one case: its measures, statements, outcomes and their evidence."""
    return _Builder(entities).case(case)


def introduction_triples(
    entities: Mapping[str, Entity], source: SourceFile, introduction: ResolvedIntroduction
) -> Iterator[Triple]:
    """The triples of what a source's introduction states."""
    return _Builder(entities).introduction(source, introduction)


def iter_triples(resolved: Resolved) -> Iterator[Triple]:
    """Every triple of the graph, generated from the resolved records (may repeat a triple)."""
    entities = resolved.entities
    sources = resolved.dataset.sources
    yield from shared_triples(entities, sources.values())
    for case in resolved.cases:
        yield from case_triples(entities, case)
    for source_id, intro in resolved.introductions.items():
        yield from introduction_triples(entities, sources[source_id], intro)


def build_graph(resolved: Resolved) -> Graph:
    """The knowledge graph of a resolved data folder, as an rdflib Graph (for small data and
    for library use; builds stream the same triples to files and the store instead)."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in iter_triples(resolved):
        graph.add(triple)
    return graph

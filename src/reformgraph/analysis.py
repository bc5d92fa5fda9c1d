"""Cross-case links and network analysis over the built RDF graph.

- :func:`case_links`: every pair of cases that share an entity, with each case's quote.
- :func:`suggest_links`: pairs of *different* entities that probably denote the same thing
  or are tightly related, scored, with the reasons — for curators.
- :func:`to_networkx`, :func:`case_projection`, :func:`centrality`, :func:`communities`:
  the graph as a typed networkx graph, the case–case network, which entities bridge cases.
- :func:`write_graphml`, :func:`write_gexf`: exports that open in Gephi and Cytoscape.

Every function that takes a node takes it as an rdflib term or as text, resolved by
:func:`graph_node`: a bare id that is the id of two nodes (the case and the concept
``big-fiscal-system``) raises :class:`AmbiguousIdError`, naming both.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar, cast

import networkx as nx
import numpy as np
import pyoxigraph as ox
import rustworkx as rx
from rapidfuzz import process
from rapidfuzz.distance import LCSseq
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from reformgraph.build import CASE_LINK_PREDICATES, OA, ORG
from reformgraph.errors import ReformgraphError, UnknownNodeError, closest, require_progress
from reformgraph.io import StrPath, atomic_writer
from reformgraph.models import DATA, RG, as_node
from reformgraph.queries import QueryResult, QueryStream

__all__ = [
    "LINK_PREDICATES",
    "AmbiguousIdError",
    "CaseLink",
    "Centrality",
    "Suggestion",
    "alternative_label_attributes",
    "alternative_labels",
    "case_entity_links",
    "case_links",
    "case_projection",
    "centrality",
    "centrality_result",
    "communities",
    "entity_kind",
    "evidence_span",
    "graph_node",
    "iter_case_links",
    "labels_zh_en",
    "links_result",
    "links_stream",
    "network_edges",
    "network_kinds",
    "suggest_links",
    "suggestions_result",
    "suggestions_stream",
    "to_networkx",
    "write_gexf",
    "write_graphml",
]

#: The predicates through which a case (or a part of it) links to a shared entity
#: (the build's :data:`~reformgraph.build.CASE_LINK_PREDICATES`).
LINK_PREDICATES: tuple[URIRef, ...] = CASE_LINK_PREDICATES

#: A callback that hears of a long step's progress: (step, done, total).
Progress = Callable[[str, int, int], None]

_KIND_BY_CLASS: dict[URIRef, str] = {
    RG.ReformOffice: "office",
    RG.PartyBody: "organisation",
    RG.GovernmentBody: "organisation",
    RG.LegislativeBody: "organisation",
    RG.Enterprise: "organisation",
    RG.OrganisationGroup: "organisation",
    ORG.Organization: "organisation",
    RG.Platform: "platform",
    RG.Law: "instrument",
    RG.PolicyDocument: "instrument",
    RG.Mechanism: "instrument",
    RG.Standard: "instrument",
    RG.PilotProgramme: "instrument",
    RG.AdministrativeArea: "place",
    RG.Region: "place",
    RG.Site: "place",
    RG.Event: "event",
    RG.ReformDomain: "domain",
    RG.ReformConcept: "concept",
    RG.Indicator: "indicator",
    RG.Unit: "unit",
}

_STATEMENT_CLASSES = {
    RG.Figure: "figure",
    RG.Change: "change",
    RG.Ranking: "ranking",
    RG.JointWork: "relation",
    RG.Assistance: "relation",
    RG.PilotAssignment: "pilot",
    RG.SubOrganisation: "relation",
    RG.Recognition: "recognition",
    RG.InnovationClaim: "claim",
    RG.Pilot: "pilot",
}

_SENTENCE_END = re.compile(r"(?<=[。;;])")


_LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title)


def _label(graph: Graph, node: Node, lang: str) -> str:
    for predicate in _LABEL_PREDICATES:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal) and value.language == lang:
                return str(value)
    return ""


class AmbiguousIdError(ReformgraphError, ValueError):
    """A bare id that is the id of more than one node a function could take: the case
    and the concept ``big-fiscal-system``. ``candidates`` holds them, in IRI order; each
    is named without doubt by its path (``case/big-fiscal-system``), ``rgd:`` and its
    path, or its IRI."""

    def __init__(self, value: str, candidates: Sequence[URIRef]) -> None:
        self.value = value
        self.candidates = tuple(candidates)
        paths = [str(node)[len(DATA) :] for node in self.candidates]
        named = ", ".join(paths[:-1]) + f" and {paths[-1]}"
        super().__init__(
            f"{value!r} is the id of {len(paths)} nodes, {named}: give the one you mean"
            f" by its path ({' or '.join(paths)}), by rgd: and its path"
            f" (rgd:{paths[0]}) or by its full IRI"
        )


_F = TypeVar("_F", bound=Callable[..., Any])


def takes_graph(func: _F) -> _F:
    """Check that the first argument of ``func`` is an rdflib Graph: a build folder or a
    file's name given instead failed deep inside ("'str' object has no attribute
    'subjects'")."""

    @functools.wraps(func)
    def checked(graph: object, *args: Any, **kwargs: Any) -> Any:
        require_graph(graph, func.__name__)
        return func(graph, *args, **kwargs)

    return cast(_F, checked)


def require_graph(graph: object, function: str) -> None:
    """Raise :class:`TypeError` unless ``graph`` is an rdflib Graph, naming ``function``
    and how to get one."""
    if not isinstance(graph, Graph):
        raise TypeError(
            f"{function}: give an rdflib Graph (pipeline.open_graph(BUILD),"
            f" pipeline.load_graph(FILE)), not a {type(graph).__name__}"
        )


def require_network(network: object, function: str) -> None:
    if not isinstance(network, nx.Graph):
        raise TypeError(
            f"{function}: give a networkx graph (to_networkx(graph), case_projection(graph)),"
            f" not a {type(network).__name__}"
        )


def graph_node(graph: Graph, value: Node | str, *, among: Iterable[Node] | None = None) -> Node:
    """A node of ``graph`` as a user may give it: as :func:`~reformgraph.models.as_node`
    reads it (an IRI, ``<IRI>``, ``rgd:PATH``, ``PATH`` below the data namespace), or a
    bare id (``performance-evaluation-platform``) as the one entity or case of the graph
    with that id (``platform/performance-evaluation-platform``).

    This is where every function of this module and :mod:`reformgraph.viz` (and
    ``reformgraph links --entity``, ``viz --case``) resolves an id. ``among`` limits the
    nodes a bare id may name to those the caller takes (the named entities for
    :func:`suggest_links`, the cases for a case view); without it, any entity or case. A
    bare id that is the id of two or more of them (the case and the concept
    ``big-fiscal-system``) raises :class:`AmbiguousIdError`, naming each and how to give
    it; one that is the id of none is returned as :func:`~reformgraph.models.as_node`
    reads it, for the caller to find missing."""
    node = as_node(value)
    if not isinstance(value, str) or isinstance(value, Node):
        return node
    text = value.strip()
    if not text or "/" in text or ":" in text:
        return node
    if among is None:
        if (node, None, None) in graph:
            return node
        among = graph.subjects(RDF.type, None)
    # an entity or a case: GROUP/ID below the data namespace (not a mention, deeper down)
    pattern = re.compile(r"[^/]+/" + re.escape(text))
    found = sorted(
        {
            subject
            for subject in among
            if isinstance(subject, URIRef)
            and str(subject).startswith(DATA)
            and (subject == node or pattern.fullmatch(str(subject)[len(DATA) :]))
        },
        key=str,
    )
    if len(found) > 1:
        raise AmbiguousIdError(text, found)
    return found[0] if found else node


def _bare_id(value: object) -> str | None:
    """``value`` if it is a bare id (text without ``/`` or ``:``), as users misspell them."""
    if isinstance(value, str) and not isinstance(value, Node):
        text = value.strip()
        if text and "/" not in text and ":" not in text:
            return text
    return None


def unknown_node(graph: Graph, value: str, among: Iterable[Node] | None = None) -> UnknownNodeError:
    """The error for a bare id that names no entity or case of the graph (``among``: no
    node of those), with the ids it is like."""
    nodes = among if among is not None else graph.subjects(RDF.type, None)
    ids = (
        str(node).rsplit("/", 1)[-1]
        for node in nodes
        if isinstance(node, URIRef)
        and str(node).startswith(DATA)
        and str(node).count("/") - DATA.count("/") == 1
    )
    close = closest(value, ids)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return UnknownNodeError(f"no entity or case {value!r} in the graph{hint}")


def _nodes_given(nodes: Iterable[Node | str] | Node | str) -> Iterable[Node | str]:
    """The nodes of an argument that takes several: one node given alone (text is iterable,
    and was read as one node per character) is a list of one."""
    return [nodes] if isinstance(nodes, (str, Node)) else nodes


@takes_graph
def labels_zh_en(graph: Graph, node: Node | str) -> tuple[str, str]:
    """A node's Chinese and English labels (skos:prefLabel, else rdfs:label, else
    dcterms:title; "" for none), each property read once for both. ``node`` as a term or
    as text (see :func:`graph_node`), as every function here takes one: a bare id that is
    the id of two nodes raises :class:`AmbiguousIdError`."""
    given = node
    node = graph_node(graph, node)
    bare = _bare_id(given)
    if bare is not None and (node, None, None) not in graph:
        raise unknown_node(graph, bare)
    found: dict[str, str] = {}
    for predicate in _LABEL_PREDICATES:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal) and value.language in ("zh", "en"):
                found.setdefault(value.language, str(value))
        if len(found) == 2:
            break
    return found.get("zh", ""), found.get("en", "")


@takes_graph
def alternative_labels(graph: Graph, node: Node | str, lang: str | None = None) -> str:
    """A node's other names (skos:altLabel: 绩效平台 and performance platform for
    投资项目绩效综合评价平台), sorted and joined with " / "; "" for none. ``lang`` (``zh`` or
    ``en``) keeps only the names in that language: an alternative name recorded as
    Chinese only (省属国有企业 beside 省属企业, whose English is the preferred label's) has
    no English form, and ``lang="en"`` leaves it out."""
    if lang not in (None, "zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    node = graph_node(graph, node)
    names = {
        str(v)
        for v in graph.objects(node, SKOS.altLabel)
        if isinstance(v, Literal) and (lang is None or v.language == lang)
    }
    return " / ".join(sorted(names))


@takes_graph
def alternative_label_attributes(graph: Graph, node: Node | str) -> dict[str, str]:
    """A node's other names as the attributes of a network's node: ``alt_labels`` (both
    languages), ``alt_labels_zh`` and ``alt_labels_en``, each left out when empty (so
    a node with no other name has none of them)."""
    node = graph_node(graph, node)
    found = {
        "alt_labels": alternative_labels(graph, node),
        "alt_labels_zh": alternative_labels(graph, node, "zh"),
        "alt_labels_en": alternative_labels(graph, node, "en"),
    }
    return {name: value for name, value in found.items() if value}


def _labels_zh(graph: Graph, node: Node) -> list[str]:
    out = []
    for predicate in (SKOS.prefLabel, SKOS.altLabel):
        for value in sorted(graph.objects(node, predicate), key=str):
            if isinstance(value, Literal) and value.language == "zh":
                out.append(str(value))
    return out


@takes_graph
def entity_kind(graph: Graph, node: Node | str) -> str | None:
    """The kind of a shared entity (office, organisation, platform …), or None."""
    node = graph_node(graph, node)
    for cls in graph.objects(node, RDF.type):
        if cls in _KIND_BY_CLASS:
            return _KIND_BY_CLASS[cls]  # type: ignore[index]
    return None


def _evidence_text(graph: Graph, node: Node) -> str:
    return evidence_span(graph, node)[0]


def _sentence_with(text: str, labels: Iterable[str]) -> tuple[str, int] | None:
    """The first sentence of ``text`` that holds one of ``labels``, and where it begins."""
    for label in labels:
        index = text.find(label)
        if index != -1:
            return _sentence_at(text, index)
    return None


# --------------------------------------------------------------------------- explicit links


@dataclass(frozen=True, slots=True)
class CaseLink:
    """Two cases that share an entity, with the words each uses for it."""

    case_a: URIRef
    case_b: URIRef
    title_a: str
    title_b: str
    title_a_en: str
    title_b_en: str
    kind: str
    entity: URIRef
    label: str
    label_en: str
    quote_a: str
    quote_b: str


@takes_graph
def evidence_span(graph: Graph, node: Node | str) -> tuple[str, int]:
    """The exact text of a node's evidence (or of the node, if it is evidence), and its start."""
    node = graph_node(graph, node)
    holders = [*graph.objects(node, RG.evidence)] or [node]
    for holder in holders:
        text, start = "", -1
        for selector in graph.objects(holder, OA.hasSelector):
            exact = graph.value(selector, OA.exact)
            if exact is not None:
                text = str(exact)
            offset = graph.value(selector, OA.start)
            if offset is not None:
                start = int(str(offset))
        if text:
            return text, start
    return "", -1


def _sentence_at(text: str, index: int) -> tuple[str, int]:
    """The sentence of ``text`` (ended by 。, ; or a line break) around ``index``, and its start."""
    if not 0 <= index < len(text):
        return "", -1
    begin = max(text.rfind(mark, 0, index) for mark in "。;;\n") + 1
    ends = [i for i in (text.find(mark, index) for mark in "。;;\n") if i != -1]
    end = min(ends) + 1 if ends else len(text)
    sentence = text[begin:end]
    stripped = sentence.strip().rstrip("\n")
    return stripped, begin + sentence.find(stripped[:1]) if stripped else begin


def _mentions(graph: Graph, via: Node) -> dict[Node, tuple[str, int]]:
    out = {}
    for mention in graph.objects(via, RG.hasMention):
        entity = graph.value(mention, RG.mentionOf)
        if entity is not None:
            out[entity] = evidence_span(graph, mention)
    return out


def _source_order(graph: Graph, case: URIRef) -> tuple[str, int, str]:
    """A case's place in source order: its source, its position there, then its IRI (two
    reports each have a case 1; an rdflib Graph and the store list them in other orders)."""
    source = graph.value(case, DCTERMS.source)
    return str(source or ""), int(str(graph.value(case, RG.position) or 0)), str(case)


@dataclass(frozen=True)
class _Link:
    case: URIRef
    entity: URIRef
    via: Node
    quote: str
    rank: int
    predicate: URIRef
    #: Where the quote lies in the source (start, end), when it is a sentence or a statement.
    span: tuple[int, int] | None


def _via_links(
    graph: Graph, only: set[URIRef] | None = None
) -> Iterator[tuple[URIRef, Node, list[tuple[URIRef, URIRef]]]]:
    """For each case in source order, the case itself and then each of its parts (by IRI),
    with the shared entities it links to: (property, entity) in the order of
    ``LINK_PREDICATES``, then by IRI. Units, and nodes of no entity class, are not shared
    entities. No text is read.

    ``only`` (shared entities): just the links to those, found from the entities, and in
    no particular order; the rest of the graph is not read.
    """
    if only is not None:
        yield from _via_links_to(graph, only)
        return
    cases = sorted(
        (c for c in graph.subjects(RDF.type, RG.ReformCase) if isinstance(c, URIRef)),
        key=lambda c: _source_order(graph, c),
    )
    # Each entity's kind read once, and each node's properties in one read (not one per
    # link property): the graph may be a store read triple by triple.
    kinds: dict[URIRef, str | None] = {}
    linking = set(LINK_PREDICATES)
    for case in cases:
        vias: list[Node] = [case, *sorted(graph.subjects(RG.partOfCase, case), key=str)]
        for via in vias:
            linked: dict[Node, list[URIRef]] = defaultdict(list)
            for predicate, value in graph.predicate_objects(via):
                if predicate in linking and isinstance(value, URIRef):
                    linked[predicate].append(value)
            pairs = []
            for predicate in LINK_PREDICATES:
                for entity in sorted(linked.get(predicate, ()), key=str):
                    if entity not in kinds:
                        kinds[entity] = entity_kind(graph, entity)
                    if kinds[entity] not in (None, "unit"):
                        pairs.append((predicate, entity))
            yield case, via, pairs


def _via_links_to(
    graph: Graph, entities: set[URIRef]
) -> Iterator[tuple[URIRef, Node, list[tuple[URIRef, URIRef]]]]:
    """:func:`_via_links` restricted to links to ``entities``: each node that links to
    one of them, if it is a case or a part of one, with those links."""
    linked: dict[Node, list[tuple[URIRef, URIRef]]] = defaultdict(list)
    for predicate in LINK_PREDICATES:
        for entity in sorted(entities, key=str):
            for via in graph.subjects(predicate, entity):
                linked[via].append((predicate, entity))
    for via in sorted(linked, key=str):
        if (via, RDF.type, RG.ReformCase) in graph and isinstance(via, URIRef):
            cases = [via]
        else:
            cases = [
                c
                for c in graph.objects(via, RG.partOfCase)
                if isinstance(c, URIRef) and (c, RDF.type, RG.ReformCase) in graph
            ]
        for case in cases:
            yield case, via, linked[via]


def _counting_cases(
    vias: Iterable[tuple[URIRef, Node, list[tuple[URIRef, URIRef]]]],
    total: int,
    progress: Progress,
) -> Iterator[tuple[URIRef, Node, list[tuple[URIRef, URIRef]]]]:
    """``vias`` (case by case, as :func:`_via_links` gives them), telling ``progress`` of
    each case done, as ("quotes", done, total)."""
    progress("quotes", 0, total)
    done, current = 0, None
    for case, via, pairs in vias:
        if case != current:
            if current is not None:
                done += 1
                progress("quotes", done, total)
            current = case
        yield case, via, pairs
    progress("quotes", total, total)


def _links(
    graph: Graph,
    only: set[URIRef] | None = None,
    *,
    vias: Iterable[tuple[URIRef, Node, list[tuple[URIRef, URIRef]]]] | None = None,
) -> list[_Link]:
    """Every link from a case (or a part of it) to a shared entity, with a quote for it
    (``only``: to those entities, in no particular order; ``vias``: the links of those
    nodes, as :func:`_via_links` gives them).

    A statement's own quote ranks best when it names the entity (it is the evidence of
    the link); then the sentence where the case or measure names the entity (its recorded
    mention, or a label); the first sentence of the linking text is the last resort.
    """
    out = []
    labels_of: dict[URIRef, list[str]] = {}
    for case, via, pairs in _via_links(graph, only) if vias is None else vias:
        if not pairs:
            continue
        via_text, via_start = evidence_span(graph, via)
        mentions = _mentions(graph, via)
        is_statement = graph.value(via, RDF.type) in _STATEMENT_CLASSES
        for predicate, entity in pairs:
            if entity not in labels_of:
                labels_of[entity] = sorted(_labels_zh(graph, entity), key=len, reverse=True)
            labels = labels_of[entity]
            span: tuple[int, int] | None = None
            if predicate == RG.responsibleOffice:
                lines = via_text.split("\n")
                quote, rank = (lines[1] if len(lines) > 1 else via_text), 3
            elif is_statement:
                named = any(label in via_text for label in labels)
                quote, rank = via_text, (3 if named else 1)
                span = (via_start, via_start + len(via_text))
            else:
                if entity in mentions and mentions[entity][1] >= via_start >= 0:
                    found: tuple[str, int] | None = _sentence_at(
                        via_text, mentions[entity][1] - via_start
                    )
                else:
                    found = _sentence_with(via_text, labels)
                if found is not None and found[0]:
                    quote, rank = found[0], 2
                    span = (via_start + found[1], via_start + found[1] + len(found[0]))
                else:
                    quote, rank = _sentence_at(via_text, 0)[0], 1
            out.append(_Link(case, entity, via, quote, rank, predicate, span))
    return out


def _case_entities(graph: Graph) -> dict[URIRef, dict[URIRef, None]]:
    """For each case that links to any, the shared entities it links to: the cases and
    entities of :func:`_case_entity_quotes`, in its order, without reading the text for
    quotes (most of the time of it on a store)."""
    out: dict[URIRef, dict[URIRef, None]] = defaultdict(dict)
    for case, _via, pairs in _via_links(graph):
        for _predicate, entity in pairs:
            out[case].setdefault(entity, None)
    return out


@takes_graph
def case_entity_links(graph: Graph) -> list[tuple[URIRef, URIRef, URIRef, str]]:
    """Every (case, entity, property, quote) by which a case or a part of it names an entity."""
    return [(link.case, link.entity, link.predicate, link.quote) for link in _links(graph)]


def _case_entity_quotes(
    graph: Graph, progress: Progress | None = None
) -> dict[URIRef, dict[URIRef, str]]:
    """For each case, every shared-entity candidate it links to, with the best quote for it.
    ``progress`` hears of the cases read, as ("quotes", done, total)."""
    out: dict[URIRef, dict[URIRef, str]] = defaultdict(dict)
    best: dict[tuple[URIRef, URIRef], tuple[int, int]] = {}
    vias = None
    if progress is not None:
        vias = _counting_cases(
            _via_links(graph), len(set(graph.subjects(RDF.type, RG.ReformCase))), progress
        )
    for link in _links(graph, vias=vias):
        key, score = (link.case, link.entity), (link.rank, -len(link.quote))
        if key not in best or score > best[key]:
            best[key] = score
            out[link.case][link.entity] = link.quote
    return out


class _Terms:
    """Each label and kind read once: the graph may be a store read triple by triple."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self._labels: dict[tuple[Node, str], str] = {}
        self._kinds: dict[Node, str] = {}

    def label(self, node: Node, lang: str) -> str:
        if (node, lang) not in self._labels:
            self._labels[node, lang] = _label(self.graph, node, lang)
        return self._labels[node, lang]

    def kind(self, node: Node) -> str:
        if node not in self._kinds:
            self._kinds[node] = entity_kind(self.graph, node) or ""
        return self._kinds[node]


def _check_count(name: str, value: int | None, least: int, why: str) -> None:
    """``value`` (when given) must be a whole number (not a bool) of at least ``least``."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name}={value!r}: a whole number is needed")
    if value < least:
        raise ValueError(f"{name}={value}: {why}")


def _check_max_cases(max_cases: int | None, max_pairs: int | None = None) -> None:
    _check_count("max_cases", max_cases, 2, "an entity links cases only if 2 or more name it")
    _check_count("max_pairs", max_pairs, 1, "at least one pair is needed")


def _safe_max_cases(holders: Iterable[int], limit: int) -> int | None:
    """The largest ``max_cases`` (2 or more) whose entities pair at most ``limit`` pairs
    of cases, counting each entity's pairs apart (an upper bound of the distinct pairs);
    None if even 2 gives more. ``holders``: the number of cases of each entity."""
    pairs_by_size: dict[int, int] = defaultdict(int)
    for size in holders:
        if size >= 2:
            pairs_by_size[size] += size * (size - 1) // 2
    best, total = None, 0
    for size in sorted(pairs_by_size):
        total += pairs_by_size[size]
        if total > limit:
            break
        best = size
    return best


def _shared_pairs(
    per_case: Mapping[URIRef, Iterable[URIRef]],
    terms: _Terms,
    max_cases: int | None = None,
    max_pairs: int | None = None,
) -> Iterator[tuple[URIRef, URIRef, list[URIRef]]]:
    """(case a, case b, the entities both name by kind and IRI) for every pair of cases that
    share one, pairs in the order of itertools.combinations over the cases. With
    ``max_cases``, an entity that more cases name links none of them. With ``max_pairs``,
    more pairs than that raise :class:`~reformgraph.errors.TooManyPairs` here, not when
    the first pair is read (the pairs are held to be sorted: at 10,000 cases, all 50
    million would take tens of gigabytes)."""
    cases = list(per_case)
    # Only the pairs that share something: each entity's cases, paired (not every pair of
    # cases, most of which share nothing).
    holders: dict[URIRef, list[int]] = {}
    for index, case in enumerate(cases):
        for entity in per_case[case]:
            holders.setdefault(entity, []).append(index)
    shared_by: dict[tuple[int, int], list[URIRef]] = {}
    for entity, indices in holders.items():
        if max_cases is not None and len(indices) > max_cases:
            continue
        combined = itertools.combinations(indices, 2)
        size = len(indices) * (len(indices) - 1) // 2
        if max_pairs is None or len(shared_by) + size <= max_pairs:
            for pair in combined:
                shared_by.setdefault(pair, []).append(entity)
            continue
        for pair in combined:  # may go past the limit: counted pair by pair
            shared_by.setdefault(pair, []).append(entity)
            if len(shared_by) > max_pairs:
                from reformgraph.errors import TooManyPairs

                shared_by.clear()
                sizes = [len(i) for i in holders.values()]
                if max_cases is not None:
                    sizes = [n for n in sizes if n <= max_cases]
                raise TooManyPairs(max_pairs, _safe_max_cases(sizes, max_pairs))

    def pairs() -> Iterator[tuple[URIRef, URIRef, list[URIRef]]]:
        for i, j in sorted(shared_by):
            entities = sorted(shared_by.pop((i, j)), key=lambda e: (terms.kind(e), str(e)))
            yield cases[i], cases[j], entities

    return pairs()


@takes_graph
def case_links(
    graph: Graph, *, max_cases: int | None = None, max_pairs: int | None = None
) -> list[CaseLink]:
    """Every pair of cases that share an entity, in source order, with each case's quote.

    ``max_cases`` leaves out the entities that more than that many cases name. Such an
    entity (a reform domain all cases share) links every pair of its cases, and the links
    grow with the square of their number: 3.9 million on 1,000 synthetic cases.
    ``max_pairs``: more pairs of cases than that raise
    :class:`~reformgraph.errors.TooManyPairs`, which names a ``max_cases`` that fits.
    """
    return list(iter_case_links(graph, max_cases=max_cases, max_pairs=max_pairs))


@takes_graph
def iter_case_links(
    graph: Graph,
    *,
    max_cases: int | None = None,
    max_pairs: int | None = None,
    progress: Progress | None = None,
) -> Iterator[CaseLink]:
    """The links of :func:`case_links`, one by one as they are made: to write millions of
    them without holding them all. The graph is read (and ``max_cases`` and ``max_pairs``
    checked) at once; ``progress`` hears of the cases read, as ("quotes", done, total)."""
    _check_max_cases(max_cases, max_pairs)
    terms = _Terms(graph)
    # The pairs first, from the entities alone: too many are refused before the text of
    # every case is read for its quotes (most of the time, on a store: 500 s of 8 minutes
    # at 10,000 cases went to quotes never used).
    pairs = _shared_pairs(_case_entities(graph), terms, max_cases, max_pairs)
    per_case = _case_entity_quotes(graph, progress)
    return (
        CaseLink(
            case_a=a,
            case_b=b,
            title_a=terms.label(a, "zh"),
            title_b=terms.label(b, "zh"),
            title_a_en=terms.label(a, "en"),
            title_b_en=terms.label(b, "en"),
            kind=terms.kind(entity),
            entity=entity,
            label=terms.label(entity, "zh"),
            label_en=terms.label(entity, "en"),
            quote_a=per_case[a][entity],
            quote_b=per_case[b][entity],
        )
        for a, b, entities in pairs
        for entity in entities
    )


# --------------------------------------------------------------------------- suggestions

_PUNCTUATION = re.compile(r"[“”\"'《》()()、,,。:: \-+]")
#: Heads that make two names the same kind of thing (平台 and 平台, 委 and 委 …).
_HEAD_NOUNS = (
    "平台",
    "系统",
    "专网",
    "窗口",
    "机制",
    "体系",
    "制度",
    "模式",
    "标准",
    "条例",
    "意见",
    "方案",
    "清单",
    "文件",
    "试点",
    "改革",
    "委员会",
    "常委会",
    "委",
    "厅",
    "局",
    "办",
    "部",
    "集团",
    "公司",
    "中心",
    "机场",
    "园",
    "区",
    "站",
    "点",
    "增速",
    "率",
    "数",
    "规模",
    "额",
)
#: Jurisdiction prefixes: two names that differ in them name bodies of different levels.
_LEVELS = (
    "全国",
    "国家",
    "中央",
    "国务院",
    "省级",
    "省",
    "市州",
    "市县",
    "市",
    "县级",
    "县",
    "乡村",
    "村",
)
#: Generic words that stand for a place in Chinese policy texts.
_PLACE_ALIASES = {"全国": "中国", "全省": "省", "全市": "市"}
#: Kinds that may denote the same thing.
_COMPATIBLE = {
    frozenset({"office", "organisation"}),
    frozenset({"platform", "instrument"}),
    frozenset({"concept", "instrument"}),
    frozenset({"concept", "event"}),
}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two different entities that probably denote the same thing, or are tightly related."""

    score: float
    a: URIRef
    b: URIRef
    label_a: str
    label_b: str
    label_a_en: str
    label_b_en: str
    kind_a: str
    kind_b: str
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _clean(label: str) -> str:
    return _PUNCTUATION.sub("", label)


def _lcs(a: str, b: str) -> int:
    """Length of the longest common subsequence: abbreviations keep their characters in order."""
    return int(LCSseq.similarity(a, b))


def _longest_common_substring(a: str, b: str) -> int:
    """Length of the longest run of characters both strings have."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    best = 0
    # From each start, grow the run only past the best so far: a run of best + 1 there
    # exists if and only if its first best + 1 characters are in the other string.
    for i in range(len(short)):
        while i + best < len(short) and short[i : i + best + 1] in long:
            best += 1
    return best


#: Head nouns, longest first (委员会 before 委 …).
_HEADS_LONGEST_FIRST = tuple(sorted(_HEAD_NOUNS, key=len, reverse=True))


def _head(label: str) -> str | None:
    for head in _HEADS_LONGEST_FIRST:
        if label.endswith(head):
            return head
    return None


def _level(label: str) -> str | None:
    for level in _LEVELS:
        if label.startswith(level):
            return level
    return None


def _named_level(label: str, places: tuple[AbstractSet[str], Sequence[int]]) -> str | None:
    """The level of a body whose name may begin with its place (湖南省经济体制改革专项小组
    办公室 is a 省 body, as 省经济体制改革专项小组办公室 is): the level after the place, or
    the place's own (湖南省 → 省, 长沙市 → 市), else the name's first words' (省发改委).
    ``places``: the place names, and their lengths, longest first."""
    names, lengths = places
    for length in lengths:
        place = label[:length]
        if length < len(label) and place in names:
            rest = _level(label[length:])
            if rest is not None:
                return rest
            return next((level for level in ("省", "市", "县") if place.endswith(level)), None)
    return _level(label)


@dataclass(frozen=True)
class _Match:
    score: float
    a: str
    b: str
    contained: bool = False
    abbreviation: bool = False
    alias: bool = False


def _label_similarity(labels_a: list[str], labels_b: list[str]) -> _Match:
    """How much two entities' labels overlap: the best pair of their labels."""
    return _best_overlap(
        labels_a, [_clean(x) for x in labels_a], labels_b, [_clean(y) for y in labels_b]
    )


def _best_overlap(
    labels_a: list[str], cleaned_a: list[str], labels_b: list[str], cleaned_b: list[str]
) -> _Match:
    """:func:`_label_similarity` of labels already cleaned (``cleaned_a[k]`` is
    ``_clean(labels_a[k])``)."""
    best_score = 0.0
    best: tuple[str, str, str, str, float] | None = None
    for x, cx in zip(labels_a, cleaned_a, strict=True):
        for y, cy in zip(labels_b, cleaned_b, strict=True):
            if cx in _PLACE_ALIASES or cy in _PLACE_ALIASES:
                for alias, meaning in _PLACE_ALIASES.items():
                    if (cx == alias and meaning in cy) or (cy == alias and meaning in cx):
                        return _Match(1.0, x, y, alias=True)
            short, long = (cx, cy) if len(cx) <= len(cy) else (cy, cx)
            if not short:
                continue
            subsequence = _lcs(short, long) / len(short)
            substring = _longest_common_substring(short, long) / len(short)
            # An abbreviation keeps its characters in order; reward runs of them, and
            # penalise a long name that adds a great deal to the short one.
            coverage = len(short) / len(long)
            score = 0.55 * subsequence + 0.3 * substring + 0.15 * coverage
            if score > best_score:
                best_score, best = score, (x, y, short, long, subsequence)
    if best is None:
        return _Match(0.0, "", "")
    x, y, short, long, subsequence = best
    return _Match(best_score, x, y, contained=short in long, abbreviation=subsequence == 1.0)


#: The overlap of labels a pair needs to be scored further (see :func:`_label_similarity`).
_LABELS_OVERLAP = 0.3
#: Label pairs compared in one block of :func:`_similar_label_pairs` (about 40 bytes each).
_BLOCK_CELLS = 4_000_000


@dataclass(frozen=True)
class _KindLabels:
    """The cleaned Chinese labels of the entities of one kind, flattened: the label, the
    entity's index, its length, and whether it is a place alias (全国 …)."""

    texts: list[str]
    owners: np.ndarray
    lengths: np.ndarray
    aliases: np.ndarray

    def rows(self, keep: np.ndarray) -> _KindLabels:
        return _KindLabels(
            [t for t, k in zip(self.texts, keep, strict=True) if k],
            self.owners[keep],
            self.lengths[keep],
            self.aliases[keep],
        )

    def blocks(self, columns: int) -> Iterator[_KindLabels]:
        """Runs of rows of about ``_BLOCK_CELLS`` cells against ``columns``, never splitting
        the labels of one entity (so no entity pair comes out of two blocks)."""
        size = max(1, _BLOCK_CELLS // max(columns, 1))
        start = 0
        while start < len(self.texts):
            stop = min(start + size, len(self.texts))
            while stop < len(self.texts) and self.owners[stop] == self.owners[stop - 1]:
                stop += 1
            yield _KindLabels(
                self.texts[start:stop],
                self.owners[start:stop],
                self.lengths[start:stop],
                self.aliases[start:stop],
            )
            start = stop


def _kind_labels(indexes: list[int], cleaned: list[list[str]]) -> _KindLabels:
    texts, owners = [], []
    for i in indexes:
        for label in cleaned[i]:
            if label:  # an empty label overlaps nothing
                texts.append(label)
                owners.append(i)
    return _KindLabels(
        texts,
        np.array(owners, dtype=np.int64),
        np.array([len(t) for t in texts], dtype=np.float64),
        np.array([t in _PLACE_ALIASES for t in texts], dtype=bool),
    )


def _overlapping(rows: _KindLabels, columns: _KindLabels) -> tuple[np.ndarray, np.ndarray]:
    """The entity pairs (row owner, column owner) with a pair of labels that may overlap
    enough: :func:`_label_similarity`'s score with the longest common substring taken as
    long as the longest common subsequence (never shorter) is at least ``_LABELS_OVERLAP``,
    or one label is a place alias. The subsequences are computed by rapidfuzz, in C++,
    on every core."""
    common = process.cdist(
        rows.texts, columns.texts, scorer=LCSseq.similarity, dtype=np.int32, workers=-1
    )
    short = np.minimum(rows.lengths[:, None], columns.lengths[None, :])
    long = np.maximum(rows.lengths[:, None], columns.lengths[None, :])
    subsequence = common / short
    bound = 0.55 * subsequence + 0.3 * subsequence + 0.15 * (short / long)
    keep = (bound >= _LABELS_OVERLAP - 1e-9) | rows.aliases[:, None] | columns.aliases[None, :]
    row, column = np.nonzero(keep)
    return rows.owners[row], columns.owners[column]


def _similar_label_pairs(
    cleaned: list[list[str]],
    kinds: list[str],
    involving: set[int] | None,
    progress: Progress | None = None,
) -> np.ndarray:
    """The pairs of entities (rows ``[i, j]`` of indexes, ``i < j``, in order) whose kinds
    are the same or compatible and whose labels may overlap enough (:func:`_overlapping`):
    a superset of the pairs :func:`_label_similarity` scores at least ``_LABELS_OVERLAP``,
    found without a Python loop over every pair. ``involving``: only the pairs with one of
    those. ``progress`` hears of the labels compared, as ("labels", done, total)."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, kind in enumerate(kinds):
        by_kind[kind].append(i)
    flat = {kind: _kind_labels(indexes, cleaned) for kind, indexes in by_kind.items()}
    wanted = None if involving is None else np.array(sorted(involving), dtype=np.int64)
    # (rows, columns, whether a pair may come out both ways round)
    sides: list[tuple[_KindLabels, _KindLabels, bool]] = []
    for kind_a, kind_b in itertools.combinations_with_replacement(sorted(flat), 2):
        if kind_a != kind_b and frozenset((kind_a, kind_b)) not in _COMPATIBLE:
            continue
        a, b = flat[kind_a], flat[kind_b]
        if wanted is None:
            # Each pair of kinds once; within a kind, each pair of entities once.
            sides.append((a, b, kind_a != kind_b))
        else:
            # The rows: the labels of the wanted entities, on each side.
            sides.append((a.rows(np.isin(a.owners, wanted)), b, True))
            if kind_a != kind_b:
                sides.append((b.rows(np.isin(b.owners, wanted)), a, True))
    total = sum(len(rows.texts) for rows, _, _ in sides)
    done = 0
    found: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
    for rows, columns, both_ways in sides:
        for block in rows.blocks(len(columns.texts)) if columns.texts else ():
            first, second = _overlapping(block, columns)
            low, high = np.minimum(first, second), np.maximum(first, second)
            keep = low != high if both_ways else first < second
            found.append(np.unique(low[keep] * len(kinds) + high[keep]))
            done += len(block.texts)
            if progress is not None:
                progress("labels", done, total)
    codes = np.unique(np.concatenate(found))
    return np.stack(np.divmod(codes, len(kinds)), axis=1)


def _named_entities(graph: Graph) -> tuple[list[URIRef], list[list[str]], list[str]]:
    """The shared entities with a name (units aside), by IRI: those suggestions pair; with
    their Chinese labels (:func:`_labels_zh`) and kinds (:func:`entity_kind`).

    Read in one pass over each kind's class and each label property, not entity by
    entity: over the store, each read is a lookup (10,000 cases name 80,000 entities)."""
    kind_classes: dict[Node, list[URIRef]] = defaultdict(list)
    for cls in _KIND_BY_CLASS:
        for node in graph.subjects(RDF.type, cls):
            kind_classes[node].append(cls)
    preferred: dict[Node, list[str]] = {}
    for node, value in graph.subject_objects(SKOS.prefLabel):
        found = preferred.setdefault(node, [])
        if isinstance(value, Literal) and value.language == "zh":
            found.append(str(value))
    alternative: dict[Node, list[str]] = defaultdict(list)
    for node, value in graph.subject_objects(SKOS.altLabel):
        if isinstance(value, Literal) and value.language == "zh":
            alternative[node].append(str(value))
    entities, labels, kinds = [], [], []
    for node in sorted((n for n in preferred if n in kind_classes), key=str):
        if not isinstance(node, URIRef):
            continue
        classes = kind_classes[node]
        # Of two kind classes, entity_kind takes the first the graph lists.
        kind = _KIND_BY_CLASS[classes[0]] if len(classes) == 1 else entity_kind(graph, node)
        if kind in (None, "unit"):
            continue
        entities.append(node)
        labels.append(sorted(preferred[node]) + sorted(alternative.get(node, ())))
        kinds.append(kind or "")
    return entities, labels, kinds


@dataclass
class _PairEvidence:
    """What the graph says of the entities of the look-alike pairs, beyond their labels,
    by entity number (see :func:`suggest_links`)."""

    #: Pairs (i < j) recorded as part and whole, and recorded as distinct.
    hierarchy: set[tuple[int, int]]
    different: set[tuple[int, int]]
    #: The cases (as numbers) that name each entity, and the reports they come from.
    cases_of: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    sources_of: dict[int, set[Node]] = field(default_factory=lambda: defaultdict(set))
    #: Where the text names each entity (or, for an indicator, states its number), as
    #: (case, start, end): offsets count in the case's source, and two reports share none.
    contexts: dict[int, set[tuple[int, int, int]]] = field(default_factory=lambda: defaultdict(set))
    #: The groups of bodies named by what they are (改革专项小组办公室, 各…): each report's own.
    groups: set[int] = field(default_factory=set)

    def side_by_side(self, i: int, j: int) -> int:
        """In how many places the text names both entities in one sentence."""
        if i not in self.contexts or j not in self.contexts:
            return 0
        return sum(
            1
            for x in self.contexts[i]
            for y in self.contexts[j]
            if x[0] == y[0] and x[1] < y[2] and y[1] < x[2]
        )


def _pairs_of(
    graph: Graph, position: Mapping[Node, int], *predicates: URIRef
) -> set[tuple[int, int]]:
    """The pairs (i < j) of entities one of ``predicates`` links, either way round."""
    found = set()
    for predicate in predicates:
        for s, o in graph.subject_objects(predicate):
            if s in position and o in position and s != o:
                i, j = position[s], position[o]
                found.add((min(i, j), max(i, j)))
    return found


def _involving(
    graph: Graph, involving: Iterable[Node | str], position: Mapping[Node, int]
) -> set[int]:
    """The numbers of the named entities ``involving`` names (see :func:`suggest_links`)."""
    # A bare id names one of the named entities (big-fiscal-system is a case's id
    # too, but a case is never paired): as `reformgraph links --entity` takes it.
    given = list(_nodes_given(involving))
    asked = [graph_node(graph, e, among=position) for e in given]
    for value, node in zip(given, asked, strict=True):
        bare = _bare_id(value)
        if bare is not None and node not in position:
            raise unknown_node(graph, bare, among=position)
    unknown = [str(e) for e in asked if e not in position]
    if unknown:  # a typo would otherwise look like an entity with no look-alike
        raise ValueError(
            f"not a named entity of the graph: {', '.join(sorted(unknown)[:5])}"
            + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        )
    return {position[e] for e in asked}


def _gather_evidence(
    graph: Graph,
    entities: Sequence[URIRef],
    position: Mapping[Node, int],
    candidates: Iterable[tuple[int, int, _Match]] | None,
    wanted: AbstractSet[int] | None,
    step: Callable[[str, int, int], None],
) -> _PairEvidence:
    """Which cases name each entity, and where. For every entity, or, with ``wanted``
    (then ``candidates`` are the candidate pairs, all found), only for those of the
    candidate pairs, found from them without reading every case."""
    evidence = _PairEvidence(
        hierarchy=_pairs_of(
            graph, position, SKOS.broader, RG.locatedIn, DCTERMS.isPartOf, ORG.subOrganizationOf
        ),
        different=_pairs_of(graph, position, OWL.differentFrom),
        groups={
            position[node]
            for node in graph.subjects(RDF.type, RG.OrganisationGroup)
            if node in position
        },
    )
    needed = None
    if wanted is not None and candidates is not None:
        needed = {entities[k] for i, j, _ in candidates for k in (i, j)}
    named = list(_via_links(graph, needed))  # no text read
    case_ids: dict[URIRef, int] = {}
    source_of_case: dict[URIRef, Node | None] = {}
    for case, _via, links in named:
        if case not in source_of_case:
            source_of_case[case] = graph.value(case, DCTERMS.source)
        source = source_of_case[case]
        for _predicate, entity in links:
            if entity in position:
                evidence.cases_of[position[entity]].add(case_ids.setdefault(case, len(case_ids)))
                if source is not None:
                    evidence.sources_of[position[entity]].add(source)
    # A report's introduction names entities too (its groups of bodies, 改革专项小组办公室).
    for report in graph.subjects(RDF.type, RG.SourceDocument):
        for named_entity in graph.objects(report, RG.involves):
            if named_entity in position:
                evidence.sources_of[position[named_entity]].add(report)
    # A sentence lies in one case, and with ``wanted`` every pair has one of those
    # entities: only the text of their cases can name both of a pair in one sentence.
    if wanted is not None:
        around = {entities[k] for k in wanted}
        read = {case for case, _via, links in named if any(e in around for _p, e in links)}
        named = [(case, via, links) for case, via, links in named if case in read]

    def reading() -> Iterator[tuple[URIRef, Node, list[tuple[URIRef, URIRef]]]]:
        for done, via in enumerate(named, 1):
            yield via
            if done % 1000 == 0 or done == len(named):
                step("named", done, len(named))

    step("named", 0, len(named))
    for link in _links(graph, vias=reading()):
        if link.entity not in position or link.span is None:
            continue
        if link.rank >= 2 or link.predicate == RG.indicator:
            evidence.contexts[position[link.entity]].add((case_ids[link.case], *link.span))
    return evidence


#: What a label is: the place names in it, its head noun and its jurisdiction level.
_Described = tuple[frozenset[str], str | None, str | None]


def _english_place_names(
    graph: Graph, entities: Sequence[URIRef], position: Mapping[Node, int]
) -> re.Pattern[str] | None:
    """A pattern that finds the English names of the graph's provinces, cities and other
    places (Hubei, Wuhan) as whole words, longest first; None if it has none. (Country
    and region names are left out: China is in the name of many a national body.)"""
    names = {
        str(label)
        for node in graph.subjects(RDF.type, RG.AdministrativeArea)
        if node in position and graph.value(node, RDF.type) == RG.AdministrativeArea
        for label in graph.objects(node, SKOS.prefLabel)
        if isinstance(label, Literal) and label.language == "en" and len(str(label)) >= 3
    }
    names -= {"China", "the whole country"}
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=lambda n: (-len(n), n)))
    return re.compile(rf"\b(?:{alternatives})\b")


def _score_pair(
    i: int,
    j: int,
    match: _Match,
    described: Callable[[str], _Described],
    same_class: bool,
    evidence: _PairEvidence,
    english_places: Callable[[int], frozenset[str]] = lambda _: frozenset(),
) -> tuple[float, list[str]]:
    """The score of a look-alike pair and its reasons, the labels' overlap first.
    ``english_places`` gives the places an entity's English label names (Hubei in Hubei
    Provincial Party Committee): the place a Chinese name relative to its report (省委)
    leaves unsaid."""
    reasons = [f"labels overlap {match.score:.2f} ({match.a} / {match.b})"]
    score = 0.6 * match.score
    if match.alias:
        reasons.append(f"{match.a if len(match.a) <= len(match.b) else match.b} stands for a place")
    elif match.contained:
        score += 0.15
        reasons.append("one name holds the other whole")
    elif match.abbreviation:
        score += 0.1
        reasons.append("one name abbreviates the other (its characters in order)")
    (places_a, head_a, level_a), (places_b, head_b, level_b) = (
        described(match.a),
        described(match.b),
    )
    if places_a and places_b and not (places_a & places_b):
        score -= 0.35
        places = " / ".join("、".join(sorted(p)) for p in (places_a, places_b))
        reasons.append(f"different places ({places})")
    elif (en_a := english_places(i)) and (en_b := english_places(j)) and not en_a & en_b:
        # 省委 of a Hubei report (Hubei Provincial Party Committee) and 湖南省委
        score -= 0.35
        places = " / ".join(", ".join(sorted(p)) for p in (en_a, en_b))
        reasons.append(f"different places in their English names ({places})")
    if same_class:
        score += 0.15
        reasons.append("same class")
    if head_a is not None and head_a == head_b:
        score += 0.1
        reasons.append(f"same head noun {head_a}")
    elif head_a != head_b and head_a is not None and head_b is not None:
        score -= 0.1
        reasons.append(f"different head nouns {head_a} / {head_b}")
    cases_of, sources_of = evidence.cases_of, evidence.sources_of
    shared_cases = cases_of[i] & cases_of[j]
    if shared_cases:
        union = cases_of[i] | cases_of[j]
        score += 0.05 * len(shared_cases) / len(union)
        reasons.append(f"co-occur in {len(shared_cases)} case(s)")
    if level_a != level_b and not match.alias:
        score -= 0.35
        reasons.append(f"different levels ({level_a or '-'} / {level_b or '-'})")
    elif (
        level_a is not None
        and (relative := [x for x in (match.a, match.b) if _level(_clean(x)) is not None])
        and sources_of.get(i)
        and sources_of.get(j)
        and not sources_of[i] & sources_of[j]
    ):
        # 省发改委 of a Hubei report and 省发改委 (or 湖南省发改委) of a Hunan one: words
        # relative to a report's province, likely two provinces' bodies.
        score -= 0.3
        if len(relative) == 2:
            reasons.append(
                f"named relative to their reports' places ({level_a}…) in different reports"
            )
        else:
            reasons.append(
                f"{relative[0]} is named relative to its report's place, in another report"
            )
    elif (
        i in evidence.groups
        and j in evidence.groups
        and sources_of.get(i)
        and sources_of.get(j)
        and not sources_of[i] & sources_of[j]
    ):
        # 改革专项小组办公室 of a Hubei report and of a Hunan one: each report's own bodies
        score -= 0.3
        reasons.append("groups of bodies named by what they are, in different reports")
    together = evidence.side_by_side(i, j)
    if together:
        # A text rarely names one thing twice, in two spellings, in one sentence.
        score -= 0.3
        reasons.append(f"named side by side in {together} sentence(s)")
    if (i, j) in evidence.hierarchy:
        score -= 0.3
        reasons.append("recorded as part and whole (broader, part of, located in)")
    if (i, j) in evidence.different:
        score -= 0.5
        reasons.append("recorded as distinct (owl:differentFrom)")
    return score, reasons


@takes_graph
def suggest_links(
    graph: Graph,
    *,
    limit: int | None = None,
    minimum: float = 0.35,
    involving: Iterable[Node | str] | None = None,
    progress: Progress | None = None,
) -> list[Suggestion]:
    """Pairs of different entities, best first, that may be one thing or tightly related.

    The score combines the overlap of the Chinese labels (an abbreviation keeps its
    characters in order: 绩效平台 in 投资项目绩效综合评价平台), a shared head noun (平台, 机制,
    体系 …), the same class, and the cases both are linked to. Pairs the data records as
    distinct (owl:differentFrom) and names of different jurisdiction levels (国家发改委 /
    省发改委) are pushed down.

    Only pairs of the same or compatible kinds whose labels overlap enough are scored;
    they are found by comparing every pair's labels in C++ (rapidfuzz, on every core), so
    the time still grows with the square of the number of entities, but slowly, and the
    Python work with the number of look-alike pairs. ``involving`` (named entities of the
    graph, as terms or text: their IRIs, ``rgd:platform/…``, or bare ids, which name only
    named entities, never a case: see :func:`graph_node`; another is a ValueError, a bare
    id of two named entities an :class:`AmbiguousIdError`) compares only the pairs
    with one of those entities: the same suggestions as filtering the whole list, in time
    that grows with the number of entities. ``limit`` keeps only the best so many as it
    goes, in memory that does not grow with the number of suggestions; suggestions that
    score less than ``minimum`` are left out (a score is at most 1.05).

    ``progress`` hears of each step as (step, done, total): ``entities`` (0 of 1, then 1
    of 1), ``labels`` (labels compared), ``named`` (cases and parts read for where they
    name the entities) and ``pairs`` (look-alike pairs scored; with ``involving``, before
    ``named``, which reads only the text those pairs need).
    """

    _check_count("limit", limit, 0, "a limit is a number of suggestions to keep")
    if isinstance(minimum, bool) or not isinstance(minimum, (int, float)):
        # (a text "0.5" failed at the end of the work, in a comparison)
        raise TypeError(f"minimum: a score from 0 to 1, such as 0.5, not {minimum!r}")
    require_progress(progress)

    def step(name: str, done: int, total: int) -> None:
        if progress is not None:
            progress(name, done, total)

    step("entities", 0, 1)
    entities, labels, kinds = _named_entities(graph)
    # Entities, cases and classes as numbers from here on: the pairs are compared millions
    # of times, and rdflib terms compare in Python.
    position: dict[Node, int] = {e: i for i, e in enumerate(entities)}
    cleaned = [[_clean(x) for x in ls] for ls in labels]
    class_ids: dict[Node, int] = {}

    @functools.cache
    def classes(i: int) -> frozenset[int]:
        """The entity's classes, read when a pair needs them."""
        return frozenset(
            class_ids.setdefault(c, len(class_ids)) for c in graph.objects(entities[i], RDF.type)
        )

    places = (RG.AdministrativeArea, RG.Region)
    place_names = {
        _clean(label)
        for cls in places
        for node in graph.subjects(RDF.type, cls)
        if node in position and graph.value(node, RDF.type) in places
        for label in labels[position[node]]
        if len(_clean(label)) >= 2 and _clean(label) not in _PLACE_ALIASES
    }
    wanted = None if involving is None else _involving(graph, involving, position)
    step("entities", 1, 1)
    pairs = _similar_label_pairs(cleaned, kinds, wanted, progress)

    def matches() -> Iterator[tuple[int, int, _Match]]:
        # A chunk of pairs at a time as Python numbers: millions of them on 1,000 cases.
        chunk = 1 << 16
        step("pairs", 0, len(pairs))
        for start in range(0, len(pairs), chunk):
            for i, j in pairs[start : start + chunk].tolist():
                match = _best_overlap(labels[i], cleaned[i], labels[j], cleaned[j])
                if match.score >= _LABELS_OVERLAP:
                    yield i, j, match
            step("pairs", min(start + chunk, len(pairs)), len(pairs))

    # With ``involving``, the pairs first: they say which entities' cases to read.
    candidates: Iterable[tuple[int, int, _Match]]
    candidates = matches() if wanted is None else list(matches())
    evidence = _gather_evidence(
        graph, entities, position, None if wanted is None else candidates, wanted, step
    )

    # What each label is, worked out once: labels recur in many pairs.
    # The place names a label may begin with, looked up by their lengths, longest first
    # (湖南省 before 湖南): a few look-ups a label, however many places there are.
    leading_places = (frozenset(place_names), sorted({len(p) for p in place_names}, reverse=True))

    @functools.cache
    def described(label: str) -> _Described:
        clean = _clean(label)
        places = frozenset(p for p in place_names if p in clean)
        return places, _head(clean), _named_level(clean, leading_places)

    english_names = _english_place_names(graph, entities, position)

    @functools.cache
    def english_places(i: int) -> frozenset[str]:
        if english_names is None:
            return frozenset()
        return frozenset(english_names.findall(name_en(i)))

    @functools.cache
    def name(i: int) -> str:
        return _label(graph, entities[i], "zh")

    @functools.cache
    def name_en(i: int) -> str:
        return _label(graph, entities[i], "en")

    # One copy of each reason but the first (a few hundred kinds among millions of rows).
    reasons_seen: dict[str, str] = {}

    def scored() -> Iterator[Suggestion]:
        for i, j, match in candidates:
            score, reasons = _score_pair(
                i, j, match, described, bool(classes(i) & classes(j)), evidence, english_places
            )
            if score < minimum:
                continue
            yield Suggestion(
                score=round(score, 4),
                a=entities[i],
                b=entities[j],
                label_a=name(i),
                label_b=name(j),
                label_a_en=name_en(i),
                label_b_en=name_en(j),
                kind_a=kinds[i],
                kind_b=kinds[j],
                reasons=(reasons[0], *(reasons_seen.setdefault(r, r) for r in reasons[1:])),
            )

    def order(suggestion: Suggestion) -> tuple[float, str, str]:
        return (-suggestion.score, str(suggestion.a), str(suggestion.b))

    if limit is not None:
        return heapq.nsmallest(limit, scored(), key=order)
    return sorted(scored(), key=order)


# --------------------------------------------------------------------------- networkx

#: Classes whose instances become nodes of the network.
_NETWORK_CLASSES: dict[URIRef, str] = {
    RG.ReformCase: "case",
    RG.Measure: "measure",
    **_STATEMENT_CLASSES,
    **{cls: kind for cls, kind in _KIND_BY_CLASS.items() if kind != "unit"},
}
#: Classes that are provenance or vocabulary plumbing, never nodes.
_SKIP_PREDICATES = {
    RG.evidence,
    RG.mention,
    RDF.type,
    DCTERMS.source,
    RG.unit,
    RG.qualifier,
    RG.direction,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.exactMatch,
}


def _short_class(graph: Graph, node: Node) -> str:
    for cls in sorted(graph.objects(node, RDF.type), key=str):
        if cls in _NETWORK_CLASSES and isinstance(cls, URIRef):
            return str(cls).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return ""


@takes_graph
def network_kinds(graph: Graph, nodes: Iterable[Node | str] | None = None) -> dict[URIRef, str]:
    """The kind (case, measure, figure, office, platform …) of each node of the network.

    Without ``nodes``, every instance of a network class; with ``nodes``, those of them
    that are one (each looked up alone, so a few nodes of a large store cost a few reads).
    A node of several classes takes the first class's kind in ``_NETWORK_CLASSES``'s order,
    except that a reform office is always an office.
    """
    kinds: dict[URIRef, str] = {}
    if nodes is None:
        for cls, kind in _NETWORK_CLASSES.items():
            for node in graph.subjects(RDF.type, cls):
                if isinstance(node, URIRef):
                    kinds[node] = kind if node not in kinds or kind == "office" else kinds[node]
        return kinds
    for node in (graph_node(graph, n) for n in _nodes_given(nodes)):
        if not isinstance(node, URIRef) or node in kinds:
            continue
        classes = set(graph.objects(node, RDF.type))
        found = [kind for cls, kind in _NETWORK_CLASSES.items() if cls in classes]
        if found:
            kinds[node] = "office" if "office" in found else found[0]
    return kinds


#: The names of the edges of OWL's own vocabulary, which no ontology may label (OWL 2 DL
#: reserves it): two entities that are not the same (distinct_from in the data).
_BUILT_IN_LABELS: dict[Node, tuple[str, str]] = {OWL.differentFrom: ("不同于", "different from")}


@takes_graph
def network_edges(
    graph: Graph, node: Node, *, reverse: bool = False
) -> Iterator[tuple[URIRef, Node]]:
    """The properties that could be edges of the network from ``node`` (to it with
    ``reverse``): (property, the node at the other end), provenance and plumbing left out.
    Whether the other end is a node of the network is for the caller to ask."""
    pairs = (
        ((p, s) for s, p in graph.subject_predicates(node))
        if reverse
        else graph.predicate_objects(node)
    )
    for p, other in pairs:
        if isinstance(p, URIRef) and p not in _SKIP_PREDICATES:
            yield p, other


@takes_graph
def to_networkx(graph: Graph, *, nodes: Iterable[Node | str] | None = None) -> nx.MultiDiGraph:
    """The RDF graph as a typed networkx multigraph.

    Nodes are cases, measures, statements (figures, changes, rankings, relations) and
    shared entities, keyed by IRI, with attributes ``type`` (the class), ``kind`` (case,
    measure, figure, office, platform …), ``label_zh``, ``label_en``, ``quote`` and, for a
    node with other names, ``alt_labels`` (both languages; see :func:`alternative_labels`)
    with ``alt_labels_zh`` and ``alt_labels_en`` (each only if the node has other names in
    that language: for English output, use ``alt_labels_en``). Edges follow
    the object properties between them, with ``relation`` (the property's local name) and
    ``label_zh``/``label_en`` from the ontology when it is merged in.

    ``nodes`` keeps only those nodes (the ones among them the network has) and the edges
    between them: the same as the whole network's subgraph, without reading the rest.
    """
    if nodes is not None:
        nodes = list(_nodes_given(nodes))
        for value in nodes:
            bare = _bare_id(value)
            if bare is not None and (graph_node(graph, bare), None, None) not in graph:
                raise unknown_node(graph, bare)
    kinds = network_kinds(graph, nodes)
    network = nx.MultiDiGraph()
    for node in sorted(kinds, key=str):
        quote = _evidence_text(graph, node)
        label_zh, label_en = labels_zh_en(graph, node)
        network.add_node(
            str(node),
            type=_short_class(graph, node),
            kind=kinds[node],
            label_zh=label_zh or str(node).rsplit("/", 1)[-1],
            label_en=label_en or str(node).rsplit("/", 1)[-1],
            quote=quote if kinds[node] not in ("case",) else quote.split("\n", 1)[0],
        )
        network.nodes[str(node)].update(alternative_label_attributes(graph, node))
    # The properties of the network's nodes only, not every triple of the graph (most are
    # text, offsets and labels), then sorted.
    edges = [(s, p, o) for s in kinds for p, o in network_edges(graph, s) if o in kinds]
    # A few properties make all the edges: each one's labels read once.
    property_labels = {
        p: labels_zh_en(graph, p) if p not in _BUILT_IN_LABELS else _BUILT_IN_LABELS[p]
        for p in {p for _, p, _ in edges}
    }
    for s, p, o in sorted(edges, key=lambda t: tuple(str(x) for x in t)):
        name = str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        label_zh, label_en = property_labels[p]
        network.add_edge(
            str(s),
            str(o),
            key=name,
            relation=name,
            label_zh=label_zh or name,
            label_en=label_en or name,
        )
    return network


@takes_graph
def case_projection(
    graph: Graph, *, max_cases: int | None = None, max_pairs: int | None = None
) -> nx.Graph:
    """The case–case network: an edge for every pair of cases that share entities.

    ``weight`` is the sum over shared entities of 1/(number of cases the entity links − 1),
    so that an entity shared by two cases counts fully and a ubiquitous one little;
    ``shared`` is the number of shared entities, ``entities`` their Chinese labels (joined
    with 、) and ``entities_en`` their English labels (joined with "; "), each in the same
    order, the entities without a label in that language left out. Nodes have
    ``label_zh`` and ``label_en``: for English output, read the ``_en`` attributes.
    ``max_cases`` leaves out the entities that more than that many cases name (see
    :func:`case_links`); every case is still a node. ``max_pairs``: more edges than that
    raise :class:`~reformgraph.errors.TooManyPairs` before the network is made (an edge
    takes about 1 kB: 50 million at 10,000 cases that all name one place).
    """
    _check_max_cases(max_cases, max_pairs)
    per_case = _case_entities(graph)
    terms = _Terms(graph)
    degree: dict[URIRef, int] = defaultdict(int)
    for linked in per_case.values():
        for entity in linked:
            degree[entity] += 1
    projection = nx.Graph()
    for case in per_case:
        projection.add_node(
            str(case),
            label_zh=terms.label(case, "zh"),
            label_en=terms.label(case, "en"),
            kind="case",
            type="ReformCase",
        )
    # From the shared entities of each pair, not from case_links: no quote or link record
    # for each of the (many) links, and each pair's edge is made once.
    for a, b, entities in _shared_pairs(per_case, terms, max_cases, max_pairs):
        weight = 0.0
        for entity in entities:  # rounded at each step, as the weights have always been
            weight = round(weight + 1 / (degree[entity] - 1), 6)
        projection.add_edge(
            str(a),
            str(b),
            weight=weight,
            shared=len(entities),
            entities="、".join(filter(None, (terms.label(e, "zh") for e in entities))),
            entities_en="; ".join(filter(None, (terms.label(e, "en") for e in entities))),
        )
    return projection


@dataclass(frozen=True)
class Centrality:
    """An entity's place in the case–entity network: ``node`` (its IRI), its labels,
    ``kind`` (office, platform …), ``cases`` (how many cases name it), ``degree`` (that
    number over the network's other nodes) and ``betweenness`` (normalised, rounded to six
    decimals)."""

    node: str
    label_zh: str
    label_en: str
    kind: str
    cases: int
    degree: float
    betweenness: float


@takes_graph
def centrality(
    graph: Graph, *, top: int | None = None, sample: int | None = None, seed: int = 0
) -> list[Centrality]:
    """Which entities bridge the most cases: degree and betweenness in the case–entity network.

    One row per entity a case names (those that one case names too, with betweenness 0),
    highest betweenness first, then most cases, then IRI; ``top`` keeps the first so many.

    Betweenness is exact unless ``sample`` is given: then it is estimated from that many
    source nodes drawn at random (``seed`` makes the draw repeatable), as networkx's
    ``betweenness_centrality(k=…)`` does after Brandes and Pich (2007). Exact betweenness
    grows with nodes times edges (about 25 minutes on 10,000 synthetic cases); a sample
    grows with its size. A sample as large as the network is the exact value.
    """
    _check_count("sample", sample, 1, "a sample needs at least one source node")
    _check_count("top", top, 1, "at least one entity is ranked")
    per_case = _case_entities(graph)
    # The case–entity network in rustworkx, whose Brandes betweenness runs in Rust on both
    # cores: on 1,000 synthetic cases (9,396 nodes) networkx's took 391 s, this whole
    # function 10 s (benchmarks/ANALYSIS-COSTS.md), with the same values to 1e-15 (tests
    # compare the two). The cores add their sums in any order, so the last bits may vary
    # from run to run; the values are rounded to six decimals.
    bipartite = rx.PyGraph(multigraph=False)
    index: dict[URIRef, int] = {}
    kinds: dict[int, str] = {}
    for case, linked in per_case.items():
        case_index = index[case] = bipartite.add_node(case)
        kinds[case_index] = "case"
        for entity in linked:
            if entity not in index:
                index[entity] = bipartite.add_node(entity)
                kinds[index[entity]] = entity_kind(graph, entity) or ""
            bipartite.add_edge(case_index, index[entity], None)
    others = max(len(index) - 1, 1)
    betweenness: Mapping[int, float]
    if sample is not None and sample < len(index):
        betweenness = _sampled_betweenness(bipartite, sample, seed)
    else:
        betweenness = rx.graph_betweenness_centrality(bipartite, normalized=True)
    rows = [
        Centrality(
            node=str(node),
            label_zh=_label(graph, node, "zh"),
            label_en=_label(graph, node, "en"),
            kind=kinds[i],
            cases=bipartite.degree(i),
            degree=round(bipartite.degree(i) / others, 6),
            betweenness=round(betweenness[i], 6),
        )
        for node, i in index.items()
        if kinds[i] != "case"
    ]
    rows.sort(key=lambda r: (-r.betweenness, -r.cases, r.node))
    return rows[:top] if top is not None else rows


def _sampled_betweenness(network: rx.PyGraph, sample: int, seed: int) -> dict[int, float]:
    """Betweenness of each node of ``network`` estimated from ``sample`` random sources."""
    # Nodes in IRI order, so that the seed draws the same sources whatever order the
    # graph gave the cases in (the build's store and the parsed file differ).
    order = sorted(network.node_indices(), key=lambda i: str(network[i]))
    copy = nx.Graph()
    copy.add_nodes_from(order)
    copy.add_edges_from(network.edge_list())
    values: dict[int, float] = nx.betweenness_centrality(copy, k=sample, normalized=True, seed=seed)
    return values


@takes_graph
def communities(
    graph: Graph, *, max_cases: int | None = None, max_pairs: int | None = None
) -> list[list[str]]:
    """Groups of cases that share more with each other than with the rest (greedy
    modularity on :func:`case_projection`, with its ``max_cases`` and ``max_pairs``)."""
    projection = case_projection(graph, max_cases=max_cases, max_pairs=max_pairs)
    if projection.number_of_edges() == 0:
        return [[n] for n in sorted(projection.nodes)]
    groups = nx.community.greedy_modularity_communities(projection, weight="weight")
    return sorted((sorted(group) for group in groups), key=lambda g: (-len(g), g))


#: What XML 1.0 does not allow in a document: C0 controls but the tab and line breaks,
#: lone surrogates, U+FFFE and U+FFFF (a literal of an RDF file may hold any of them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: object) -> object:
    """A text with each character XML does not allow as U+FFFD (lxml refused the whole
    file for one); any other value as it is."""
    return _NOT_XML.sub("\ufffd", value) if isinstance(value, str) else value


def _for_export(network: nx.Graph | nx.MultiDiGraph) -> nx.Graph | nx.MultiDiGraph:
    """``network`` without the ``None`` values of its nodes and edges (GraphML has no null:
    a missing value), and with each character of a text XML does not allow as U+FFFD: a
    copy only if there is one, as the networks of this module hold none, and a copy of a
    large network costs about as much memory as the network."""

    def clean(value: object) -> bool:
        return value is not None and not (isinstance(value, str) and _NOT_XML.search(value))

    nodes = (data for _, data in network.nodes(data=True))
    edges = (data for *_, data in network.edges(data=True))
    if all(clean(value) for data in itertools.chain(nodes, edges) for value in data.values()):
        return network
    copy = network.copy()
    nodes = (data for _, data in copy.nodes(data=True))
    edges = (data for *_, data in copy.edges(data=True))
    for data in itertools.chain(nodes, edges):
        for key in [key for key, value in data.items() if value is None]:
            del data[key]
        for key, value in data.items():
            data[key] = _xml_text(value)
    return copy


def write_graphml(network: nx.Graph | nx.MultiDiGraph, path: StrPath) -> None:
    """GraphML with every attribute (type, zh and en labels …; a ``None`` value is left out);
    opens in Gephi and Cytoscape. A node with a ``label_zh`` and no ``label`` gets its
    ``label_zh`` as ``label`` too, which Gephi shows as the node's label (as the GEXF's).
    Streamed (networkx's lxml writer: one node or edge in memory at a time, not the whole
    document) through a temporary file: a failure leaves an existing file as it was."""
    require_network(network, "write_graphml")
    with atomic_writer(Path(path)) as handle, _labelled(network):
        nx.write_graphml_lxml(_for_export(network), handle, encoding="utf-8", prettyprint=True)


@contextmanager
def _labelled(network: nx.Graph | nx.MultiDiGraph) -> Iterator[None]:
    """``network`` with ``label`` set to ``label_zh`` on the nodes that have one and no
    ``label``, for the length of the ``with`` only: the network is left as it was, and is
    not copied (a copy of a large network costs as much memory as the network)."""
    added = [
        data
        for _, data in network.nodes(data=True)
        if "label" not in data and data.get("label_zh") is not None
    ]
    for data in added:
        data["label"] = data["label_zh"]
    try:
        yield
    finally:
        for data in added:
            del data["label"]


def write_gexf(network: nx.Graph | nx.MultiDiGraph, path: StrPath) -> None:
    """GEXF 1.2 with node labels (Chinese) and every attribute; opens in Gephi. Streamed
    through a temporary file, as :func:`write_graphml`.

    The file reads back with ``networkx.read_gexf`` as networkx's own ``write_gexf`` output
    does, but networkx builds the whole document in memory first (twice the network's
    size), and stamps it with the day's date: this writer does neither, so the same
    network gives the same bytes on any day."""
    require_network(network, "write_gexf")
    with atomic_writer(Path(path)) as handle:
        _stream_gexf(network, handle)


#: GEXF attribute types of Python values, as networkx writes them (bool before int).
_GEXF_TYPES: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "long"),
    (float, "double"),
    (str, "string"),
)
_GEXF_NS = "http://www.gexf.net/1.2draft"
_XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
#: Edge data that GEXF holds as attributes of the ``edge`` element, as networkx does.
_GEXF_EDGE_FIELDS = ("label", "weight", "type")


def _gexf_type(value: object, where: str) -> str:
    for python_type, name in _GEXF_TYPES:
        if isinstance(value, python_type):
            return name
    raise TypeError(f"{where}: a GEXF attribute cannot hold a {type(value).__name__}")


def _gexf_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    text = str(_xml_text(value))
    if isinstance(value, float):
        return {"inf": "INF", "-inf": "-INF", "nan": "NaN"}.get(text, text)
    return text


def _gexf_edges(network: nx.Graph | nx.MultiDiGraph) -> Iterator[tuple[Any, Any, dict[str, Any]]]:
    """Each edge's ends and data, a multigraph's key as ``networkx_key`` (as networkx)."""
    if network.is_multigraph():
        for u, v, key, data in network.edges(keys=True, data=True):
            yield u, v, {**data, "networkx_key": key}
    else:
        yield from network.edges(data=True)


def _stream_gexf(network: nx.Graph | nx.MultiDiGraph, handle: IO[bytes]) -> None:
    """Write ``network`` as GEXF 1.2 to ``handle``, node by node and edge by edge.

    Two passes: the first finds each attribute's type (from its first value, as networkx),
    as GEXF declares them before the nodes; the second writes. A node's ``label`` is its
    ``label``, else its ``label_zh``, else the node itself (as networkx); a ``None`` value
    is left out (a missing value)."""
    from lxml import etree

    declared: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}
    ids = itertools.count()
    for node, data in network.nodes(data=True):
        for key, value in data.items():
            if key != "label" and str(key) not in declared["node"] and value is not None:
                where = f"node {node!r}, attribute {key!r}"
                declared["node"][str(key)] = (str(next(ids)), _gexf_type(value, where))
    given: set[str] = set()  # edge ids in the data: the others are numbered around them
    for u, v, data in _gexf_edges(network):
        if "id" in data:
            given.add(str(data["id"]))
        for key, value in data.items():
            if key in _GEXF_EDGE_FIELDS or key == "id" or value is None:
                continue
            if str(key) not in declared["edge"]:
                where = f"edge {u!r}-{v!r}, attribute {key!r}"
                declared["edge"][str(key)] = (str(next(ids)), _gexf_type(value, where))

    def write(xf: Any, element: etree._Element, level: int) -> None:
        etree.indent(element, space="  ", level=level)
        xf.write("\n" + "  " * level, element)

    def with_values(element: etree._Element, scope: str, data: Mapping[Any, Any]) -> None:
        values = [
            (declared[scope][str(key)][0], _gexf_value(value))
            for key, value in data.items()
            if str(key) in declared[scope] and key != "label" and value is not None
        ]
        if values:
            parent = etree.SubElement(element, "attvalues")
            for attribute, value in values:
                etree.SubElement(parent, "attvalue", {"for": attribute, "value": value})

    root = {
        "xmlns": _GEXF_NS,
        "xmlns:xsi": _XSI_NS,
        "xsi:schemaLocation": f"{_GEXF_NS} {_GEXF_NS}/gexf.xsd",
        "version": "1.2",
    }
    graph = {
        "defaultedgetype": "directed" if network.is_directed() else "undirected",
        "mode": "static",
        "name": str(network.graph.get("name", "")),
    }
    with etree.xmlfile(handle, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("gexf", root):
            meta = etree.Element("meta")
            etree.SubElement(meta, "creator").text = "reformgraph"
            write(xf, meta, 1)
            xf.write("\n  ")
            with xf.element("graph", graph):
                for scope in ("node", "edge"):
                    if declared[scope]:
                        block = etree.Element("attributes", {"class": scope, "mode": "static"})
                        for title, (attribute, type_name) in declared[scope].items():
                            etree.SubElement(
                                block,
                                "attribute",
                                {"id": attribute, "title": title, "type": type_name},
                            )
                        write(xf, block, 2)
                xf.write("\n    ")
                with xf.element("nodes"):
                    for node, data in network.nodes(data=True):
                        # As networkx: the node's own name when it has no label.
                        label = data.get("label")
                        label = data.get("label_zh") if label is None else label
                        label = node if label is None else label
                        element = etree.Element(
                            "node", {"id": str(node), "label": _gexf_value(label)}
                        )
                        with_values(element, "node", data)
                        write(xf, element, 3)
                    xf.write("\n    ")
                xf.write("\n    ")
                with xf.element("edges"):
                    numbers = itertools.count()
                    for u, v, data in _gexf_edges(network):
                        fields = {"source": str(u), "target": str(v)}
                        if "id" in data:
                            fields["id"] = str(data["id"])
                        else:
                            fields["id"] = next(n for n in map(str, numbers) if n not in given)
                        for name in _GEXF_EDGE_FIELDS:
                            if name in data:
                                fields[name] = _gexf_value(data[name])
                        element = etree.Element("edge", fields)
                        with_values(element, "edge", data)
                        write(xf, element, 3)
                    xf.write("\n    ")
                xf.write("\n  ")
            xf.write("\n")


_LINK_VARIABLES = [
    "caseA",
    "titleA",
    "titleAEn",
    "caseB",
    "titleB",
    "titleBEn",
    "kind",
    "entity",
    "label",
    "labelEn",
    "quoteA",
    "quoteB",
]


def links_stream(links: Iterable[CaseLink]) -> QueryStream:
    """The rows of :func:`links_result` as pyoxigraph terms, each made as it is read (as
    :func:`suggestions_stream`)."""

    def terms(link: CaseLink) -> tuple[ox.NamedNode | ox.Literal, ...]:
        return (
            ox.NamedNode(str(link.case_a)),
            ox.Literal(link.title_a, language="zh"),
            ox.Literal(link.title_a_en, language="en"),
            ox.NamedNode(str(link.case_b)),
            ox.Literal(link.title_b, language="zh"),
            ox.Literal(link.title_b_en, language="en"),
            ox.Literal(link.kind),
            ox.NamedNode(str(link.entity)),
            ox.Literal(link.label, language="zh"),
            ox.Literal(link.label_en, language="en"),
            ox.Literal(link.quote_a, language="zh"),
            ox.Literal(link.quote_b, language="zh"),
        )

    return QueryStream(list(_LINK_VARIABLES), map(terms, links))


def links_result(links: Iterable[CaseLink]) -> QueryResult:
    """Case links as query-like rows, for the same table, CSV and JSON output as queries."""
    variables = list(_LINK_VARIABLES)
    rows: list[tuple[Node | None, ...]] = [
        (
            link.case_a,
            Literal(link.title_a, lang="zh"),
            Literal(link.title_a_en, lang="en"),
            link.case_b,
            Literal(link.title_b, lang="zh"),
            Literal(link.title_b_en, lang="en"),
            Literal(link.kind),
            link.entity,
            Literal(link.label, lang="zh"),
            Literal(link.label_en, lang="en"),
            Literal(link.quote_a, lang="zh"),
            Literal(link.quote_b, lang="zh"),
        )
        for link in links
    ]
    return QueryResult(variables=variables, rows=rows)


_SUGGESTION_VARIABLES = [
    "score",
    "a",
    "labelA",
    "labelAEn",
    "kindA",
    "b",
    "labelB",
    "labelBEn",
    "kindB",
    "reasons",
]


def _suggestion_row(s: Suggestion) -> tuple[Node, ...]:
    return (
        Literal(Decimal(str(s.score))),
        s.a,
        Literal(s.label_a, lang="zh"),
        Literal(s.label_a_en, lang="en"),
        Literal(s.kind_a),
        s.b,
        Literal(s.label_b, lang="zh"),
        Literal(s.label_b_en, lang="en"),
        Literal(s.kind_b),
        Literal("; ".join(s.reasons)),
    )


def suggestions_result(suggestions: Iterable[Suggestion]) -> QueryResult:
    """Suggested links as query-like rows."""
    rows: list[tuple[Node | None, ...]] = [_suggestion_row(s) for s in suggestions]
    return QueryResult(variables=list(_SUGGESTION_VARIABLES), rows=rows)


_XSD_DECIMAL = ox.NamedNode(str(XSD.decimal))


def _suggestion_terms(s: Suggestion) -> tuple[ox.NamedNode | ox.Literal, ...]:
    return (
        ox.Literal(str(Decimal(str(s.score))), datatype=_XSD_DECIMAL),
        ox.NamedNode(str(s.a)),
        ox.Literal(s.label_a, language="zh"),
        ox.Literal(s.label_a_en, language="en"),
        ox.Literal(s.kind_a),
        ox.NamedNode(str(s.b)),
        ox.Literal(s.label_b, language="zh"),
        ox.Literal(s.label_b_en, language="en"),
        ox.Literal(s.kind_b),
        ox.Literal("; ".join(s.reasons)),
    )


def suggestions_stream(suggestions: Iterable[Suggestion]) -> QueryStream:
    """The rows of :func:`suggestions_result` as pyoxigraph terms (as a query stream gives
    them), each made as it is read: to write millions of suggestions as CSV or JSON
    without holding them as rows (and pyoxigraph terms are made ten times faster than
    rdflib's)."""
    return QueryStream(list(_SUGGESTION_VARIABLES), map(_suggestion_terms, suggestions))


def centrality_result(rows: Iterable[Centrality]) -> QueryResult:
    variables = ["entity", "label", "labelEn", "kind", "cases", "degree", "betweenness"]
    out: list[tuple[Node | None, ...]] = [
        (
            URIRef(r.node),
            Literal(r.label_zh, lang="zh"),
            Literal(r.label_en, lang="en"),
            Literal(r.kind),
            Literal(r.cases),
            Literal(Decimal(str(r.degree))),
            Literal(Decimal(str(r.betweenness))),
        )
        for r in rows
    ]
    return QueryResult(variables=variables, rows=out)

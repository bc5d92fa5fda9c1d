"""SHACL shapes compiled to checks that run on one case at a time, in the build's workers.

pySHACL (31 s and 1.9 GB for 10,000 cases) and the shapes compiled to SPARQL on the
whole store (each constraint a scan of its class) grow with the whole graph; this
validator grows with each case. The shapes are compiled once into plain checks —
counts, datatypes (ill-typed literals included), classes, value lists, languages,
patterns, ranges, lengths, lessThan, node kinds, ``sh:node``/``sh:or`` over classes and
datatypes, ``sh:not`` over patterns, classes, datatypes and languages, qualified counts,
a node-level ``sh:or``, each with its severity — and each case's triples are checked
against them with the types of the shared entities as context. SHACL-SPARQL constraints
run on a small in-memory Oxigraph store holding the case and that context. A shape
feature outside this subset is refused when compiling, never skipped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from reformgraph.shacl_sparql import SH, CompiledConstraint, UnsupportedShape, _Compiler
from reformgraph.validate import ValidationResult, Violation
from reformgraph.vocab import prefixed

__all__ = ["ShapeChecker", "compile_checker"]

Triple = tuple[Node, Node, Node]
XSD = "http://www.w3.org/2001/XMLSchema#"
LANG_STRING = str(RDF.langString)

_PROPERTY_KEYS = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.datatype,
    SH["class"],
    SH["in"],
    SH.languageIn,
    SH.pattern,
    SH.flags,
    SH.minInclusive,
    SH.minLength,
    SH.lessThan,
    SH.nodeKind,
    SH.node,
    SH["or"],
    SH["not"],
    SH.qualifiedValueShape,
    SH.qualifiedMinCount,
    SH.qualifiedMaxCount,
    SH.message,
    SH.severity,
    SH.name,
    SH.description,
    RDF.type,
}


def _short(term: object) -> str:
    """A term as the messages name it: ``rg:Unit``, ``xsd:date``; an IRI of another
    vocabulary in angle brackets; a blank node (an anonymous shape) as "the shape"."""
    if not isinstance(term, URIRef):
        return "the shape"
    short = prefixed(str(term))
    return short if short != str(term) else f"<{term}>"


@dataclass(frozen=True)
class _Value:
    """A test on one value: datatypes, classes and languages it may have, a pattern its
    text must match."""

    datatypes: frozenset[str] | None = None
    classes: frozenset[str] | None = None
    languages: tuple[str, ...] | None = None
    pattern: re.Pattern[str] | None = None
    alternatives: tuple[_Value, ...] = ()

    def accepts(self, value: Node, types: Mapping[str, AbstractSet[str]]) -> bool:
        if self.alternatives:
            return any(option.accepts(value, types) for option in self.alternatives)
        if self.datatypes is not None and not any(_has_datatype(value, d) for d in self.datatypes):
            return False
        if self.classes is not None and not (types.get(str(value), set()) & self.classes):
            return False
        if self.pattern is not None and (
            isinstance(value, BNode) or not self.pattern.search(str(value))
        ):
            return False
        return self.languages is None or _language_in(value, self.languages)


@dataclass
class _Property:
    shape: str
    path: str
    inverse: bool
    message: str | None
    severity: str
    min_count: int | None = None
    max_count: int | None = None
    value: _Value | None = None
    value_name: str = ""
    members: frozenset[Node] | None = None
    languages: tuple[str, ...] | None = None
    pattern: re.Pattern[str] | None = None
    min_inclusive: Any = None
    min_length: int | None = None
    less_than: str | None = None
    node_kind: str | None = None
    qualified: list[tuple[_Value, int | None, int | None]] = field(default_factory=list)
    #: Value tests that each value must fail (sh:not).
    negated: list[_Value] = field(default_factory=list)


@dataclass
class _NodeShape:
    name: str
    targets: frozenset[str]
    properties: list[_Property]
    alternatives: list[str]
    message: str
    severity: str
    sparql: list[CompiledConstraint]


class _Types(Mapping[str, AbstractSet[str]]):
    """The classes of a node: those given in the group, else those of the context."""

    def __init__(
        self, local: Mapping[str, set[str]], context: Mapping[str, AbstractSet[str]]
    ) -> None:
        self.local = local
        self.context = context

    def __getitem__(self, key: str) -> AbstractSet[str]:
        found = self.local.get(key)
        if found is None:
            return self.context[key]
        other = self.context.get(key)
        return found | other if other else found

    def __iter__(self) -> Iterator[str]:
        return iter({*self.local, *self.context})

    def __len__(self) -> int:
        return len({*self.local, *self.context})


def _has_datatype(value: Node, datatype: str) -> bool:
    if not isinstance(value, Literal):
        return False
    if datatype == LANG_STRING:
        return bool(value.language)
    if value.language:
        return False
    actual = str(value.datatype) if value.datatype is not None else XSD + "string"
    return actual == datatype and not getattr(value, "ill_typed", False)


def _language_in(value: Node, languages: tuple[str, ...]) -> bool:
    if not isinstance(value, Literal):
        return False
    language = value.language
    return bool(language) and _tag_in(language, languages)


@cache
def _tag_in(language: str, languages: tuple[str, ...]) -> bool:
    """Whether a language tag matches one of ``languages`` (sh:languageIn: the same tag
    or a subtag of it, in any case); a few tags recur, so the answers are kept."""
    tag = language.lower()
    return any(tag == lang.lower() or tag.startswith(lang.lower() + "-") for lang in languages)


def _number(value: Node) -> Decimal | None:
    if not isinstance(value, Literal) or value.datatype is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _regex(pattern: str, flags: Node | None) -> re.Pattern[str]:
    """An sh:pattern as a Python regular expression (sh:flags "i" only)."""
    if flags is not None and set(str(flags)) - {"i"}:
        raise UnsupportedShape(f"unsupported sh:flags {flags!r}")
    return re.compile(pattern, re.IGNORECASE if flags is not None and "i" in str(flags) else 0)


class _Builder(_Compiler):
    """Compiles the shapes into checks (reusing the SPARQL compiler's helpers)."""

    def value_test(self, node: Node) -> _Value:
        fields: dict[str, Any] = {}
        for predicate, obj in self.shapes.predicate_objects(node):
            if predicate == SH.datatype:
                fields["datatypes"] = frozenset({str(obj)})
            elif predicate == SH["class"]:
                fields["classes"] = frozenset(c.strip("<>") for c in self.subclasses(obj))
            elif predicate == SH.languageIn:
                fields["languages"] = tuple(str(x) for x in Collection(self.shapes, obj))
            elif predicate == SH["or"]:
                fields["alternatives"] = tuple(
                    self.value_test(m) for m in Collection(self.shapes, obj)
                )
            elif predicate == SH.pattern:
                fields["pattern"] = _regex(str(obj), self.shapes.value(node, SH.flags))
            elif predicate not in (RDF.type, SH.message, SH.flags):
                raise UnsupportedShape(f"{node}: unsupported value test {predicate}")
        return _Value(**fields)

    def property(self, shape: Node) -> _Property:
        for predicate in self.shapes.predicates(shape):
            if predicate not in _PROPERTY_KEYS:
                raise UnsupportedShape(f"{shape}: unsupported {predicate}")
        path_text, path_name = self.path(shape)
        inverse = path_text.startswith("^")
        message = None
        for text in self.shapes.objects(shape, SH.message):
            if isinstance(text, Literal) and text.language in (None, "en"):
                message = str(text)
        prop = _Property(
            shape=str(shape),
            path=path_name.lstrip("^"),
            inverse=inverse,
            message=message,
            severity=self.severity(shape),
        )
        get = self.shapes.value
        for name, key in (
            ("min_count", SH.minCount),
            ("max_count", SH.maxCount),
            ("min_length", SH.minLength),
        ):
            found = get(shape, key)
            if found is not None:
                setattr(prop, name, int(str(found)))
        if get(shape, SH.datatype) is not None:
            prop.value = _Value(datatypes=frozenset({str(get(shape, SH.datatype))}))
            prop.value_name = f"is not a well-formed {_short(get(shape, SH.datatype))}"
        cls = get(shape, SH["class"])
        if cls is not None:
            classes = frozenset(c.strip("<>") for c in self.subclasses(cls))
            prop.value = _Value(classes=classes)
            prop.value_name = f"is not a {_short(cls)}"
        node = get(shape, SH.node)
        if node is not None:
            prop.value = self.value_test(node)
            prop.value_name = f"does not conform to {_short(node)}"
        alternatives = get(shape, SH["or"])
        if alternatives is not None:
            prop.value = _Value(
                alternatives=tuple(
                    self.value_test(m) for m in Collection(self.shapes, alternatives)
                )
            )
            prop.value_name = "is none of the kinds the shape allows (sh:or)"
        members = get(shape, SH["in"])
        if members is not None:
            prop.members = frozenset(Collection(self.shapes, members))
        languages = get(shape, SH.languageIn)
        if languages is not None:
            prop.languages = tuple(str(x) for x in Collection(self.shapes, languages))
        pattern = get(shape, SH.pattern)
        if pattern is not None:
            prop.pattern = _regex(str(pattern), get(shape, SH.flags))
        for negated in self.shapes.objects(shape, SH["not"]):
            prop.negated.append(self.value_test(negated))
        minimum = get(shape, SH.minInclusive)
        if minimum is not None:
            prop.min_inclusive = _number(minimum)
        less = get(shape, SH.lessThan)
        if less is not None:
            prop.less_than = str(less)
        kind = get(shape, SH.nodeKind)
        if kind is not None:
            if kind not in (SH.IRI, SH.Literal, SH.BlankNode):
                raise UnsupportedShape(f"{shape}: unsupported sh:nodeKind {kind}")
            prop.node_kind = str(kind).rsplit("#", 1)[-1]
        qualified = get(shape, SH.qualifiedValueShape)
        if qualified is not None:
            low = get(shape, SH.qualifiedMinCount)
            high = get(shape, SH.qualifiedMaxCount)
            prop.qualified.append(
                (
                    self.value_test(qualified),
                    int(str(low)) if low is not None else None,
                    int(str(high)) if high is not None else None,
                )
            )
        return prop

    def node_shapes(self) -> list[_NodeShape]:
        out = []
        # A SPARQL constraint shared by several node shapes is compiled once for each
        # (with that shape's targets): keyed by both.
        sparql_queries = {
            (c.node_shape, c.shape): c
            for c in _Compiler(self.shapes, self.ontology).run()
            if c.node_shape
        }
        for node_shape in sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            targets: set[str] = set()
            for cls in self.shapes.objects(node_shape, SH.targetClass):
                targets.update(c.strip("<>") for c in self.subclasses(cls))
            if not targets:
                continue
            alternatives = []
            or_list = self.shapes.value(node_shape, SH["or"])
            if or_list is not None:
                for member in Collection(self.shapes, or_list):
                    _, path_name = self.path(member)
                    alternatives.append(path_name)
            sparql = [
                sparql_queries[str(node_shape), str(c)]
                for c in self.shapes.objects(node_shape, SH.sparql)
                if (str(node_shape), str(c)) in sparql_queries
            ]
            out.append(
                _NodeShape(
                    name=str(node_shape),
                    targets=frozenset(targets),
                    properties=[
                        self.property(p) for p in self.shapes.objects(node_shape, SH.property)
                    ],
                    alternatives=alternatives,
                    message=self.message(node_shape, "conforms to none of the alternatives"),
                    severity=self.severity(node_shape),
                    sparql=sparql,
                )
            )
        return out


class ShapeChecker:
    """Checks groups of triples against compiled shapes, with shared context."""

    def __init__(self, shapes: list[_NodeShape]) -> None:
        self.shapes = shapes
        #: The shapes that target each class (its own and its superclasses' shapes).
        self.by_class: dict[str, list[_NodeShape]] = defaultdict(list)
        for shape in shapes:
            for cls in sorted(shape.targets):
                self.by_class[cls].append(shape)
        #: The predicates some shape follows backwards (``^p``): only these are indexed
        #: by object.
        self.inverse = frozenset(
            prop.path for shape in shapes for prop in shape.properties if prop.inverse
        )
        #: The shapes of a node of some classes, by its classes (few combinations recur).
        self._shapes_of: dict[frozenset[str], list[_NodeShape]] = {}

    def check(
        self,
        triples: Iterable[Triple],
        *,
        context_types: Mapping[str, AbstractSet[str]] | None = None,
        context_ntriples: Mapping[str, str] | None = None,
        ntriples: str | None = None,
    ) -> ValidationResult:
        """Validate one group of triples (a case, the shared entities, an introduction).

        ``context_types`` gives the classes of nodes outside the group (the shared
        entities); ``context_ntriples`` the triples SHACL-SPARQL constraints may need
        besides the group's (source documents, units), as N-Triples by subject: those of
        the nodes the group refers to are added; ``ntriples`` the group itself as
        N-Triples, if already rendered.
        """
        forward: dict[Node, dict[str, list[Node]]] = {}
        backward: dict[Node, dict[str, list[Node]]] = {}
        local_types: dict[str, set[str]] = defaultdict(set)
        local: list[Triple] = triples if isinstance(triples, list) else list(triples)
        own: dict[Node, set[str]] = defaultdict(set)
        rdf_type = str(RDF.type)  # compared as strings: rdflib's __eq__ is Python code
        inverse = self.inverse
        for s, p, o in local:
            key = str(p)
            by_predicate = forward.get(s)
            if by_predicate is None:
                forward[s] = {key: [o]}
            else:
                values = by_predicate.get(key)
                if values is None:
                    by_predicate[key] = [o]
                else:
                    values.append(o)
            if key in inverse:
                backward.setdefault(o, {}).setdefault(key, []).append(s)
            if key == rdf_type:
                local_types[str(s)].add(str(o))
                own[s].add(str(o))
        types = _Types(local_types, context_types or {})
        violations: list[Violation] = []
        needs_sparql: dict[str, CompiledConstraint] = {}
        by_class = self.by_class
        shapes_of = self._shapes_of
        for node, classes in own.items():
            # The group's own nodes: those typed in it (others are only referred to).
            kinds = frozenset(classes)
            shapes = shapes_of.get(kinds)
            if shapes is None:
                merged: dict[str, _NodeShape] = {}
                for cls in sorted(kinds):
                    for shape in by_class.get(cls, ()):
                        merged[shape.name] = shape
                shapes = shapes_of[kinds] = list(merged.values())
            node_forward = forward[node]
            node_backward = backward.get(node, {})
            for shape in shapes:
                for prop in shape.properties:
                    index = node_backward if prop.inverse else node_forward
                    found = index.get(prop.path)
                    values = list(dict.fromkeys(found)) if found else []
                    if values or prop.min_count or prop.qualified:
                        violations.extend(self._property(node, prop, values, forward, types))
                if shape.alternatives and not any(node_forward.get(p) for p in shape.alternatives):
                    violations.append(
                        Violation(shape.severity, str(node), "", shape.message, str(node))
                    )
                for constraint in shape.sparql:
                    needs_sparql.setdefault(constraint.query, constraint)
        if needs_sparql:
            constraints = [needs_sparql[q] for q in sorted(needs_sparql)]
            violations.extend(self._sparql(constraints, local, context_ntriples or {}, ntriples))
        errors = sorted({v for v in violations if v.severity == "Violation"})
        warnings = sorted({v for v in violations if v.severity != "Violation"})
        return ValidationResult(
            conforms=not errors,
            violations=errors,
            warnings=warnings,
            report_text="\n".join(map(str, errors + warnings)) or "Conforms",
        )

    @staticmethod
    def _property(
        node: Node,
        prop: _Property,
        values: list[Node],
        forward: Mapping[Node, Mapping[str, list[Node]]],
        types: Mapping[str, AbstractSet[str]],
    ) -> list[Violation]:
        out = []

        def fail(default: str, value: Node | None = None) -> None:
            out.append(
                Violation(
                    prop.severity,
                    str(node),
                    ("^" if prop.inverse else "") + prop.path,
                    prop.message or default,
                    "" if value is None else str(value),
                )
            )

        if prop.min_count is not None and len(values) < prop.min_count:
            fail(f"Less than {prop.min_count} values on {prop.path}")
        if prop.max_count is not None and len(values) > prop.max_count:
            fail(f"More than {prop.max_count} values on {prop.path}")
        for value in values:
            if prop.value is not None and not prop.value.accepts(value, types):
                fail(f"Value of {prop.path} {prop.value_name}", value)
            if prop.members is not None and value not in prop.members:
                fail(f"Value of {prop.path} is not in the allowed list", value)
            if prop.languages is not None and not _language_in(value, prop.languages):
                fail(f"Language of {prop.path} is not allowed", value)
            if prop.pattern is not None and (
                isinstance(value, BNode) or not prop.pattern.search(str(value))
            ):
                fail(f"Value of {prop.path} does not match the pattern", value)
            if prop.min_inclusive is not None:
                number = _number(value)
                if number is None or number < prop.min_inclusive:
                    fail(f"Value of {prop.path} is below the minimum", value)
            if prop.min_length is not None and (
                isinstance(value, BNode) or len(str(value)) < prop.min_length
            ):
                fail(f"Value of {prop.path} is too short", value)
            if prop.node_kind is not None:
                kind = {"IRI": URIRef, "Literal": Literal, "BlankNode": BNode}[prop.node_kind]
                if not isinstance(value, kind):
                    fail(f"Value of {prop.path} is not a {prop.node_kind}", value)
            for test in prop.negated:
                if test.accepts(value, types):
                    fail(f"Value of {prop.path} conforms to a shape it must not (sh:not)", value)
            if prop.less_than is not None:
                for other in forward[node].get(prop.less_than, []):
                    a, b = _number(value), _number(other)
                    if a is None or b is None or not a < b:
                        fail(f"Value of {prop.path} is not less than {prop.less_than}", value)
        for test, low, high in prop.qualified:
            count = sum(1 for value in values if test.accepts(value, types))
            if (low is not None and count < low) or (high is not None and count > high):
                fail(f"{count} values of {prop.path} conform to the qualified shape")
        return out

    def _sparql(
        self,
        constraints: list[CompiledConstraint],
        triples: list[Triple],
        context: Mapping[str, str],
        ntriples: str | None,
    ) -> list[Violation]:
        import pyoxigraph as ox

        from reformgraph.rdfwrite import render_chunk

        # A fresh small store each time (a store reused with deletes slows down as it
        # grows): the group, and the context nodes it refers to.
        text = ntriples if ntriples is not None else render_chunk(triples).ntriples
        referred = {str(o) for _, _, o in triples if isinstance(o, URIRef)}
        text += "".join(context[node] for node in sorted(referred & context.keys()))
        store = ox.Store()
        # Leniently (without checking IRIs: 40% faster): the text is the build's own
        # rendering, whose IRIs are made of slugs or checked by the data's schema.
        store.load(input=text, format=ox.RdfFormat.N_TRIPLES, lenient=True)
        out = []
        for constraint in constraints:
            solutions = store.query(constraint.query)
            assert isinstance(solutions, ox.QuerySolutions)
            for solution in solutions:
                this = solution["this"]
                try:
                    value = solution["v"]
                except (KeyError, IndexError):
                    value = None
                out.append(
                    Violation(
                        constraint.severity,
                        this.value if this is not None else "",
                        constraint.path,
                        constraint.message,
                        "" if value is None else str(value.value),
                    )
                )
        return out


def shape_parts() -> tuple[type, ...]:
    """The classes a :class:`ShapeChecker` is made of, besides itself (those a cache of
    compiled shapes may hold)."""
    return (_NodeShape, _Property, _Value)


def compile_checker(shapes: Graph, ontology: Graph) -> ShapeChecker:
    """The shapes as checks (raises :class:`UnsupportedShape` for features it lacks)."""
    return ShapeChecker(_Builder(shapes, ontology).node_shapes())

"""SHACL shapes compiled to SPARQL, run on the Oxigraph store.

pySHACL is the reference validator, but it needs the whole graph in rdflib's memory
store (31 s and 1.9 GB for 10,000 cases). This module compiles each constraint of the
shapes into one SPARQL query that selects the focus nodes violating it, and runs them on
a store (:func:`validate_store`): the benchmarks' floor measures it ("constraint checks
as SPARQL", ``benchmarks/run.py``), and the tests require its verdicts to equal
pySHACL's. The build itself checks each case as it is made, with
:mod:`reformgraph.shapecheck`, built on this compiler. ``sh:datatype`` needs the datatype
and, for the types Oxigraph can cast, a well-formed lexical form; an integer-derived type
(xsd:positiveInteger …) also accepts an xsd:integer in its range, as Oxigraph stores
every integer so. The subset compiled is the SHACL Core our shapes use —
targetClass (with the ontology's subclasses), IRI and inverse paths, minCount, maxCount,
datatype, class, in, languageIn, pattern, minInclusive, minLength, lessThan, nodeKind,
node and or over classes and datatypes, not over a pattern (or any value test it
compiles), qualified value shapes over languageIn and class, a node-level or of property
shapes — and SHACL-SPARQL constraints, each with its severity (sh:Violation unless the
shape says sh:Warning or sh:Info; only violations make a graph fail to conform). A shape that uses
anything else is refused when compiling, never silently skipped. A SPARQL constraint's query
gets the prefixes its ``sh:prefixes`` declare (``sh:prefixes/owl:imports*/sh:declare``, SHACL
5.2.1), no others: each declaration needs exactly one ``sh:prefix``, an xsd:string, and one
``sh:namespace``, an xsd:anyURI; a prefix declared with two namespaces, or used by the
query without a declaration, is refused too. The test suite checks
that both validators give the same verdicts on every shape example and bad-input fixture.

Every query takes time linear in the size of the store. Oxigraph plans joins without
statistics and evaluates a ``FILTER (NOT) EXISTS`` pattern anew for each solution, with
no join reordering inside it (a pattern there that does not use the outer variables scans
the whole graph each time: quadratic). So the queries are written as scans joined by
hashing, with the expensive tests on as few rows as can be:

* a property shape used by several node shapes is one query over all their targets (the
  results are the same: a result names the focus node, not the node shape);
* value tests (datatype, in, language, pattern, …) scan the path's triples, filter them,
  and only then check that each offending subject is a focus node;
* sh:class, sh:minCount and a node-level sh:or are anti-joins (``MINUS``), sh:maxCount and
  qualified counts are ``GROUP BY`` over the path's triples, sh:lessThan a hash join;
* in a SHACL-SPARQL constraint, a flat ``FILTER NOT EXISTS { … }`` of the top-level group
  becomes the equivalent ``OPTIONAL { … }`` with a marker that must stay unbound (see
  :func:`_not_exists_as_optional`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from reformgraph.validate import ValidationResult, Violation
from reformgraph.vocab import prefixed

__all__ = ["CompiledConstraint", "UnsupportedShape", "compile_shapes", "validate_store"]

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = str(RDF.langString)

_INTEGER_RANGES: dict[str, tuple[int | None, int | None]] = {
    XSD + "integer": (None, None),
    XSD + "positiveInteger": (1, None),
    XSD + "nonNegativeInteger": (0, None),
    XSD + "negativeInteger": (None, -1),
    XSD + "nonPositiveInteger": (None, 0),
}

_HANDLED = {
    SH.targetClass,
    SH.property,
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
    SH.sparql,
    SH.severity,
    SH.name,
    SH.description,
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.declare,
    SH.prefixes,
}


class UnsupportedShape(ValueError):
    """A shape uses a SHACL feature the SPARQL compiler does not translate, or gives a
    parameter a value SHACL does not allow (``sh:minCount "1"``, a string: SHACL wants an
    xsd:integer, and pySHACL refuses the shape too)."""


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint as a query selecting ``?this`` (and ``?value``) for each violation."""

    shape: str
    path: str
    message: str
    severity: str
    query: str
    #: The node shape whose targets the query selects: a constraint shared by several
    #: node shapes (an ``sh:sparql`` node) is compiled once for each of them.
    node_shape: str = ""


class _Focus(Enum):
    """A place in a query template for the focus nodes (the targets of its node shapes)."""

    #: Binds ``?this`` to every focus node.
    SCAN = "scan"
    #: Keeps a solution only if its ``?this`` is a focus node.
    CHECK = "check"


@dataclass
class _Template:
    """A constraint before its targets are known: those of every node shape using it."""

    shape: str
    path: str
    message: str
    severity: str
    select: str
    body: tuple[str | _Focus, ...]
    trailer: str
    node_shape: str
    #: The PREFIX lines of a SPARQL constraint (those its sh:prefixes declare).
    prefixes: str = ""
    classes: set[str] = field(default_factory=set)

    def key(self) -> tuple[object, ...]:
        return (
            self.path,
            self.message,
            self.severity,
            self.select,
            self.body,
            self.trailer,
            self.node_shape,
            self.prefixes,
        )


_XSD_STRING = XSD + "string"
_XSD_INTEGER = XSD + "integer"
_XSD_ANY_URI = XSD + "anyURI"

#: A prefix as SPARQL writes it before its colon (PN_PREFIX; the empty prefix too).
_PREFIX_NAME = re.compile(r"(?:[^\W\d_](?:[\w.-]*[\w-])?)?")
#: An absolute IRI as SPARQL writes it between < and > (IRIREF, with a scheme).
_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.-]*:[^<>"{}|^`\\\x00-\x20]*')


def _shown(term: Node) -> str:
    """A term of a shape as a message shows it (``"1"``, ``-1``, ``"1.5"^^xsd:decimal``)."""
    if isinstance(term, URIRef):
        shown = prefixed(str(term))
        return shown if shown != str(term) else f"<{term}>"
    if isinstance(term, Literal):
        if term.datatype is not None and str(term.datatype) == _XSD_INTEGER and not term.ill_typed:
            return str(term)
        return _literal(term, _shown)
    return "a blank node"


def _literal(term: Literal, datatype: Callable[[URIRef], str]) -> str:
    """A literal as SPARQL writes it, its datatype IRI written by ``datatype``."""
    text = str(term).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype is not None:
        return f'"{text}"^^{datatype(URIRef(term.datatype))}'
    return f'"{text}"'


def _is_text(term: Node) -> bool:
    """Whether ``term`` is a literal of datatype xsd:string (``"abc"``, not ``"abc"@en``)."""
    return (
        isinstance(term, Literal)
        and not term.language
        and (term.datatype is None or str(term.datatype) == _XSD_STRING)
    )


def _n3(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        return _literal(term, _n3)
    raise UnsupportedShape(f"cannot put {term!r} into a query")


# A SPARQL text as tokens, enough to find groups: strings, IRIs and comments (which may
# hold braces or "#"), braces, words (keywords and prefixed names), variables.
_TOKEN = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<open>\{)|(?P<close>\})"
    r"|(?P<var>[?$]\w+)"
    r"|(?P<word>[A-Za-z_][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)

#: Keywords that make a NOT EXISTS pattern other than triples and filters (BIND would see
#: only the pattern's own variables once the pattern is an OPTIONAL; the others need
#: braces anyway).
_NOT_FLAT = {"BIND", "VALUES", "OPTIONAL", "MINUS", "UNION", "GRAPH", "SERVICE", "SELECT"}


def _not_exists_as_optional(query: str) -> str:
    """``query`` with each flat ``FILTER NOT EXISTS { P }`` of its top-level group
    rewritten as ``OPTIONAL { BIND (true AS ?m) P } FILTER (!BOUND(?m))`` at the end of
    that group.

    Oxigraph evaluates the pattern of a NOT EXISTS once for each solution, as written,
    with no join reordering: ``?other a rg:Measure`` in it reads every measure for every
    measure (quadratic). The OPTIONAL is a hash left join instead, built once.

    They are equivalent where rewritten: P holds only triple patterns and filters (no
    nested group, no BIND), so P's filters become the left join's condition, evaluated on
    the solution joined with P's, as NOT EXISTS evaluates them with the solution's
    bindings. A solution with no compatible match of P keeps ``?m`` unbound and passes
    unchanged; one with a match is dropped with all its matches. A filter applies to the
    whole group wherever it is written, so the OPTIONAL goes at the end, after every other
    pattern of the group. Other NOT EXISTS patterns are left as they are.
    """
    tokens = [
        (m.lastgroup or "", m.group(), m.start(), m.end())
        for m in _TOKEN.finditer(query)
        if m.lastgroup not in ("space", "comment")
    ]
    depth = 0
    seen_group = False
    blocks: list[tuple[int, int, str]] = []  # (start, end, P) of each NOT EXISTS
    group_end = None
    i = 0
    while i < len(tokens):
        kind, text, start, _ = tokens[i]
        if kind == "open":
            depth += 1
            seen_group = True
        elif kind == "close":
            depth -= 1
            if depth == 0 and seen_group:
                group_end = start
                break
        elif (
            kind == "word"
            and depth == 1
            and text.upper() == "FILTER"
            and [t[1].upper() for t in tokens[i + 1 : i + 3]] == ["NOT", "EXISTS"]
            and i + 3 < len(tokens)
            and tokens[i + 3][0] == "open"
        ):
            j = i + 4
            while j < len(tokens) and tokens[j][0] not in ("open", "close"):
                j += 1
            inner = tokens[i + 4 : j]
            if (
                j < len(tokens)
                and tokens[j][0] == "close"
                and not any(t[0] == "word" and t[1].upper() in _NOT_FLAT for t in inner)
            ):
                blocks.append((start, tokens[j][3], query[tokens[i + 3][3] : tokens[j][2]]))
                i = j + 1
                continue
        i += 1
    if not blocks or group_end is None:
        return query
    out = []
    added = []
    position = 0
    for number, (start, end, pattern) in enumerate(blocks, 1):
        marker = f"?absent{number}_"
        while marker in query or "$" + marker[1:] in query:
            marker += "_"
        out.append(query[position:start].rstrip(" \t"))
        position = end
        if query[position:].lstrip(" \t").startswith("\n"):
            position = query.index("\n", position) + 1  # the block's line held no more
        added.append(f"OPTIONAL {{ BIND (true AS {marker}) {pattern.strip()} }}")
        added.append(f"FILTER (!BOUND({marker}))")
    out.append(query[position:group_end])
    rewritten = "".join(out).rstrip() + "".join(f"\n    {line}" for line in added)
    return rewritten + "\n" + query[group_end:]


#: Datatypes whose lexical forms Oxigraph checks by a cast (its constructor functions).
_CASTABLE = frozenset(
    f"{XSD}{name}"
    for name in ("date", "dateTime", "decimal", "double", "float", "boolean", "gYear", "gYearMonth")
)


class _Compiler:
    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self.shapes = shapes
        self.ontology = ontology
        self.templates: dict[tuple[object, ...], _Template] = {}

    def prefixes(self, constraint: Node) -> dict[str, str]:
        """The namespaces of the prefixes of a SPARQL constraint: the declarations its
        ``sh:prefixes`` values make, and those of the ontologies they import (SHACL 5.2.1, the path
        ``sh:prefixes/owl:imports*/sh:declare``), each checked as SHACL wants it."""
        namespaces: dict[str, tuple[str, Node]] = {}
        declarers: list[Node] = []
        for holder in self.shapes.objects(constraint, SH.prefixes):
            if isinstance(holder, Literal):
                raise self.malformed(constraint, SH.prefixes, holder, "an IRI or a blank node")
            declarers.append(holder)
        seen: set[Node] = set()
        while declarers:
            holder = declarers.pop()
            if holder in seen:
                continue
            seen.add(holder)
            declarers.extend(
                o for o in self.shapes.objects(holder, OWL.imports) if not isinstance(o, Literal)
            )
            for declaration in self.shapes.objects(holder, SH.declare):
                prefix, namespace = self.declaration(constraint, holder, declaration)
                known = namespaces.setdefault(prefix, (namespace, holder))
                if known[0] != namespace:
                    raise UnsupportedShape(
                        f"{self.name(constraint)}: sh:prefix {_shown(Literal(prefix))} is"
                        f" declared with two namespaces, <{known[0]}> (sh:declare of"
                        f" {_shown(known[1])}) and <{namespace}> (sh:declare of"
                        f" {_shown(holder)}): SHACL allows one"
                    )
        return {prefix: namespace for prefix, (namespace, _) in sorted(namespaces.items())}

    def undeclared(self, constraint: Node, select: str, prefixes: dict[str, str]) -> None:
        """Refuses a query that uses a prefix neither its ``sh:prefixes`` nor the query
        declares: pySHACL cannot parse it, and Oxigraph would fail on it as it validates."""
        declared = set(prefixes)
        before = ""
        for match in _TOKEN.finditer(select):
            kind, text = match.lastgroup, match.group()
            if kind in ("space", "comment"):
                continue
            if kind == "word" and ":" in text:
                prefix = text.split(":", 1)[0]
                if before.upper() == "PREFIX":
                    declared.add(prefix)
                elif prefix not in declared:
                    raise UnsupportedShape(
                        f"{self.name(constraint)}: sh:select uses the prefix {prefix}:, which"
                        " no sh:declare of its sh:prefixes declares (SHACL 5.2.1)"
                    )
            before = text

    def declaration(self, constraint: Node, holder: Node, declaration: Node) -> tuple[str, str]:
        """The prefix and namespace of a value of ``sh:declare``: an IRI or a blank node
        with exactly one ``sh:prefix``, an xsd:string that SPARQL takes for a prefix, and
        exactly one ``sh:namespace``, an xsd:anyURI that it takes for an IRI."""
        where = f" (sh:declare of {_shown(holder)})"
        if isinstance(declaration, Literal):
            raise self.malformed(
                constraint, SH.declare, declaration, "an IRI or a blank node", where
            )
        found = {}
        for parameter in (SH.prefix, SH.namespace):
            values = sorted(self.shapes.objects(declaration, parameter), key=_shown)
            if len(values) != 1:
                name = f"sh:{parameter.removeprefix(str(SH))}"
                given = (
                    f"{name} {' and '.join(_shown(v) for v in values)} in one declaration"
                    if values
                    else f"a declaration without {name}"
                )
                raise UnsupportedShape(
                    f"{self.name(constraint)}: {given}{where}: SHACL wants exactly one {name}"
                )
            found[parameter] = values[0]
        prefix, namespace = found[SH.prefix], found[SH.namespace]
        if not _is_text(prefix):
            raise self.malformed(
                constraint, SH.prefix, prefix, "a literal of datatype xsd:string", where
            )
        if not _PREFIX_NAME.fullmatch(str(prefix)):
            raise self.malformed(constraint, SH.prefix, prefix, "a SPARQL prefix name", where)
        if not (
            isinstance(namespace, Literal)
            and not namespace.language
            and namespace.datatype is not None
            and str(namespace.datatype) == _XSD_ANY_URI
        ):
            raise self.malformed(
                constraint, SH.namespace, namespace, "a literal of datatype xsd:anyURI", where
            )
        if not _IRI.fullmatch(str(namespace)):
            raise self.malformed(constraint, SH.namespace, namespace, "an absolute IRI", where)
        return str(prefix), str(namespace)

    def subclasses(self, cls: Node) -> list[str]:
        found = {cls}
        frontier = [cls]
        while frontier:
            current = frontier.pop()
            for sub in self.ontology.subjects(RDFS.subClassOf, current):
                if sub not in found and isinstance(sub, URIRef):
                    found.add(sub)
                    frontier.append(sub)
            for equivalent in self.ontology.objects(current, OWL.equivalentClass):
                if isinstance(equivalent, BNode):
                    members = self.ontology.value(equivalent, OWL.unionOf)
                    if members is not None:
                        for member in Collection(self.ontology, members):
                            if member not in found:
                                found.add(member)
                                frontier.append(member)
        return sorted(f"<{c}>" for c in found if isinstance(c, URIRef))

    def name(self, shape: Node) -> str:
        """A shape as a message names it: its IRI, or a blank property shape by its node
        shapes and its path."""
        if not isinstance(shape, BNode):
            return _shown(shape)
        path = self.shapes.value(shape, SH.path)
        owners = sorted(_shown(owner) for owner in self.shapes.subjects(SH.property, shape))
        if path is None:
            holders = sorted(_shown(owner) for owner in self.shapes.subjects(SH.sparql, shape))
            if holders:
                return f"the SPARQL constraint of {', '.join(holders)}"
            for parameter in (SH.node, SH["not"], SH.qualifiedValueShape):
                for holder in self.shapes.subjects(parameter, shape):
                    return f"the sh:{parameter.removeprefix(str(SH))} of {self.name(holder)}"
            for head in self.lists_holding(shape):
                for parameter in (SH["or"], SH["and"], SH.xone):
                    for holder in self.shapes.subjects(parameter, head):
                        name = parameter.removeprefix(str(SH))
                        return f"a member of the sh:{name} of {self.name(holder)}"
            return "a blank shape"
        on = _shown(path) if isinstance(path, URIRef) else "its path"
        of = f" of {', '.join(owners)}" if owners else ""
        return f"the property shape{of} on {on}"

    def lists_holding(self, member: Node) -> list[Node]:
        """The first nodes of the RDF lists ``member`` is in."""
        heads = []
        for cell in self.shapes.subjects(RDF.first, member):
            seen = {cell}
            while (before := self.shapes.value(predicate=RDF.rest, object=cell)) is not None:
                if before in seen:  # a list that loops has no first node
                    break
                seen.add(before)
                cell = before
            heads.append(cell)
        return heads

    def malformed(
        self, shape: Node, parameter: URIRef, value: Node, wanted: str, where: str = ""
    ) -> UnsupportedShape:
        """The error of a parameter whose value SHACL does not allow (pySHACL refuses
        such a shape as it loads it); ``where``, the declaration it is in."""
        return UnsupportedShape(
            f"{self.name(shape)}: sh:{parameter.removeprefix(str(SH))} {_shown(value)}"
            f" is not {wanted}{where}"
        )

    def count(self, shape: Node, parameter: URIRef) -> int | None:
        """The value of a count parameter (sh:minCount, sh:maxCount, sh:minLength,
        sh:qualifiedMinCount, sh:qualifiedMaxCount), if the shape has one: SHACL wants an
        xsd:integer literal, and a count below 0 means nothing."""
        value = self.shapes.value(shape, parameter)
        if value is None:
            return None
        if (
            isinstance(value, Literal)
            and value.datatype is not None
            and str(value.datatype) == _XSD_INTEGER
            and isinstance(value.value, int)
            and value.value >= 0
        ):
            return value.value
        raise self.malformed(shape, parameter, value, "an xsd:integer of 0 or more")

    def text(self, shape: Node, parameter: URIRef, value: Node) -> str:
        """The value of a parameter SHACL wants as an xsd:string literal (sh:pattern,
        sh:flags, a member of sh:languageIn, sh:select)."""
        if not _is_text(value):
            raise self.malformed(shape, parameter, value, "a literal of datatype xsd:string")
        return str(value)

    def iri(self, shape: Node, parameter: URIRef, value: Node) -> str:
        """The value of a parameter SHACL wants as an IRI (sh:datatype, sh:lessThan,
        sh:severity, sh:class, sh:targetClass)."""
        if not isinstance(value, URIRef):
            raise self.malformed(shape, parameter, value, "an IRI")
        return str(value)

    def classes(self, shape: Node, parameter: URIRef, value: Node) -> list[str]:
        """The class a parameter names (sh:class, sh:targetClass), an IRI, with its
        subclasses."""
        return self.subclasses(URIRef(self.iri(shape, parameter, value)))

    def languages(self, shape: Node, languages: Node) -> list[str]:
        """The language tags of an sh:languageIn list (quoted into the queries)."""
        tags = [self.text(shape, SH.languageIn, x) for x in Collection(self.shapes, languages)]
        for tag in tags:
            if not re.fullmatch(r"[A-Za-z0-9*-]+", tag):
                raise self.malformed(shape, SH.languageIn, Literal(tag), "a language tag (BCP 47)")
        return tags

    def flags(self, shape: Node) -> str | None:
        flags = self.shapes.value(shape, SH.flags)
        return None if flags is None else self.text(shape, SH.flags, flags)

    def message(self, node: Node, default: str) -> str:
        for message in self.shapes.objects(node, SH.message):
            if isinstance(message, Literal) and message.language in (None, "en"):
                return str(message)
        return default

    def severity(self, node: Node) -> str:
        value = self.shapes.value(node, SH.severity)
        if value is None:
            return "Violation"
        return self.iri(node, SH.severity, value).rsplit("#", 1)[-1]

    def path(self, shape: Node) -> tuple[str, str]:
        path = self.shapes.value(shape, SH.path)
        if isinstance(path, URIRef):
            return f"<{path}>", str(path)
        if isinstance(path, BNode):
            inverse = self.shapes.value(path, SH.inversePath)
            if isinstance(inverse, URIRef) and len(list(self.shapes.predicate_objects(path))) == 1:
                return f"^<{inverse}>", f"^{inverse}"
        raise UnsupportedShape(f"unsupported sh:path {path!r}")

    def value_condition(self, node: Node, var: str = "?v") -> str | None:
        """A SPARQL condition that holds when ``var`` conforms to a (value) shape."""
        conditions = []
        for predicate, obj in self.shapes.predicate_objects(node):
            if predicate == SH.languageIn:
                langs = self.languages(node, obj)
                # lang() of an IRI is an error: COALESCE makes it false (not in the list).
                conditions.append(
                    "COALESCE("
                    + " || ".join(f'langMatches(lang({var}), "{lang}")' for lang in langs)
                    + ", false)"
                )
            elif predicate == SH["class"]:
                classes = " ".join(self.classes(node, SH["class"], obj))
                conditions.append(f"EXISTS {{ {var} a ?c_ . VALUES ?c_ {{ {classes} }} }}")
            elif predicate == SH.datatype:
                conditions.append(self.datatype_ok(self.iri(node, SH.datatype, obj), var))
            elif predicate == SH.pattern:
                flags = self.flags(node)
                extra = f", {_n3(Literal(flags))}" if flags is not None else ""
                regex = _n3(Literal(self.text(node, SH.pattern, obj)))
                conditions.append(f"(!isBlank({var}) && REGEX(STR({var}), {regex}{extra}))")
            elif predicate == SH["or"]:
                options = [
                    self.value_condition(member, var) for member in Collection(self.shapes, obj)
                ]
                if any(option is None for option in options):
                    raise UnsupportedShape("unsupported member of sh:or")
                conditions.append("(" + " || ".join(o for o in options if o is not None) + ")")
            elif predicate in (RDF.type, SH.message, SH.flags):
                continue
            else:
                return None
        return " && ".join(conditions) if conditions else "true"

    def value_classes(self, node: Node) -> list[str] | None:
        """The classes (with their subclasses) of a value shape that is one sh:class."""
        tests = [p for p in self.shapes.predicates(node) if p not in (RDF.type, SH.message)]
        cls = self.shapes.value(node, SH["class"])
        if tests != [SH["class"]] or cls is None:
            return None
        return self.classes(node, SH["class"], cls)

    @staticmethod
    def datatype_ok(datatype: str, var: str) -> str:
        if datatype == RDF_LANG_STRING:
            return f'(isLiteral({var}) && lang({var}) != "")'
        if datatype in _INTEGER_RANGES:
            # Oxigraph stores every xsd:integer-derived literal as an xsd:integer, so the
            # derived type shows as its range.
            low, high = _INTEGER_RANGES[datatype]
            tests = [f"isLiteral({var})", f"datatype({var}) IN (<{XSD}integer>, <{datatype}>)"]
            if low is not None:
                tests.append(f"{var} >= {low}")
            if high is not None:
                tests.append(f"{var} <= {high}")
            return "(" + " && ".join(tests) + ")"
        test = f"isLiteral({var}) && datatype({var}) = <{datatype}>"
        if datatype in _CASTABLE:
            # SHACL's sh:datatype also needs a well-formed lexical form ("2024-13-45" is
            # not an xsd:date): the cast of an ill-formed one fails, and so the test.
            test += f" && COALESCE(<{datatype}>(STR({var})) = {var}, false)"
        return f"({test})"

    def target(self, node_shape: Node) -> set[str]:
        """The classes whose instances ``node_shape`` targets (with their subclasses)."""
        classes: set[str] = set()
        for cls in self.shapes.objects(node_shape, SH.targetClass):
            classes.update(self.classes(node_shape, SH.targetClass, cls))
        return classes

    def add(
        self,
        shape: Node,
        path: str,
        message: str,
        severity: str,
        body: tuple[str | _Focus, ...],
        classes: set[str],
        *,
        select: str = "DISTINCT ?this ?v",
        trailer: str = "",
        node_shape: Node | None = None,
        prefixes: str = "",
    ) -> None:
        """A query selecting ``?this`` (and ``?v`` when it names a value) for each violation.

        The same constraint met again (a property shape of several node shapes) is one
        query over the targets of all of them.
        """
        template = _Template(
            str(shape),
            path,
            message,
            severity,
            select,
            body,
            trailer,
            str(node_shape) if node_shape is not None else "",
            prefixes,
        )
        template = self.templates.setdefault(template.key(), template)
        template.classes.update(classes)

    def finish(self, template: _Template) -> CompiledConstraint:
        values = f"VALUES ?target_ {{ {' '.join(sorted(template.classes))} }}"
        focus = {
            _Focus.SCAN: f"?this a ?target_ . {values}",
            _Focus.CHECK: f"FILTER EXISTS {{ ?this a ?target_ . {values} }}",
        }
        body = "".join(focus[part] if isinstance(part, _Focus) else part for part in template.body)
        select = f"SELECT {template.select}\nWHERE {{\n{body}\n}}\n{template.trailer}"
        query = f"{template.prefixes}{select}"
        return CompiledConstraint(
            template.shape,
            template.path,
            template.message,
            template.severity,
            query,
            template.node_shape,
        )

    def property_shape(self, classes: set[str], shape: Node) -> None:
        path, path_name = self.path(shape)
        severity = self.severity(shape)
        for predicate in self.shapes.predicates(shape):
            if predicate not in _HANDLED:
                raise UnsupportedShape(f"{shape}: unsupported {predicate}")

        def add(message: str, *body: str | _Focus, select: str = "DISTINCT ?this ?v") -> None:
            self.add(shape, path_name, message, severity, body, classes, select=select)

        def failing(condition: str) -> tuple[str | _Focus, ...]:
            """The values that make ``condition`` true, on focus nodes."""
            return (
                f"{{ SELECT ?this ?v WHERE {{ ?this {path} ?v . FILTER ({condition}) }} }}\n",
                _Focus.CHECK,
            )

        count_min = self.count(shape, SH.minCount)
        count_max = self.count(shape, SH.maxCount)
        if count_min is not None and count_min > 0:
            # Focus nodes minus those with enough values.
            needed = count_min
            enough = (
                f"?this {path} ?v"
                if needed == 1
                else f"SELECT ?this WHERE {{ ?this {path} ?v }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?v) >= {needed})"
            )
            add(
                self.message(shape, f"Less than {count_min} values on {path_name}"),
                _Focus.SCAN,
                f"\nMINUS {{ {enough} }}",
                select="DISTINCT ?this",
            )
        if count_max is not None:
            # The subjects with too many values, then whether they are focus nodes.
            add(
                self.message(shape, f"More than {count_max} values on {path_name}"),
                f"{{ SELECT ?this WHERE {{ ?this {path} ?v }} GROUP BY ?this "
                f"HAVING (COUNT(DISTINCT ?v) > {count_max}) }}\n",
                _Focus.CHECK,
                select="?this",
            )
        for predicate, obj in self.shapes.predicate_objects(shape):
            default = f"Value of {path_name} violates {str(predicate).rsplit('#', 1)[-1]}"
            if predicate == SH.datatype and isinstance(obj, URIRef):
                default = f"Value of {path_name} is not a well-formed {prefixed(str(obj))}"
            elif predicate == SH["class"] and isinstance(obj, URIRef):
                default = f"Value of {path_name} is not a {prefixed(str(obj))}"
            message = self.message(shape, default)
            if predicate == SH.datatype:
                datatype = self.iri(shape, SH.datatype, obj)
                add(message, *failing(f"!{self.datatype_ok(datatype, '?v')}"))
            elif predicate == SH["class"]:
                # The values minus the instances of the class: a hash anti-join.
                classes_in = " ".join(self.classes(shape, SH["class"], obj))
                add(
                    message,
                    f"{{ SELECT ?this ?v WHERE {{ ?this {path} ?v "
                    f"MINUS {{ ?v a ?c_ . VALUES ?c_ {{ {classes_in} }} }} }} }}\n",
                    _Focus.CHECK,
                )
            elif predicate == SH["in"]:
                members = ", ".join(_n3(m) for m in Collection(self.shapes, obj))
                add(message, *failing(f"?v NOT IN ({members})"))
            elif predicate == SH.languageIn:
                add(message, *failing(f"!{self.value_condition_for(shape, obj)}"))
            elif predicate == SH.pattern:
                flags = self.flags(shape)
                regex = _n3(Literal(self.text(shape, SH.pattern, obj)))
                extra = f", {_n3(Literal(flags))}" if flags is not None else ""
                add(message, *failing(f"isBlank(?v) || !REGEX(STR(?v), {regex}{extra})"))
            elif predicate == SH.minInclusive:
                if not isinstance(obj, Literal):
                    raise self.malformed(shape, SH.minInclusive, obj, "a literal")
                # A value that cannot be compared (an error in SPARQL) also fails.
                add(message, *failing(f"!COALESCE(?v >= {_n3(obj)}, false)"))
            elif predicate == SH.minLength:
                shortest = self.count(shape, SH.minLength)
                add(message, *failing(f"isBlank(?v) || STRLEN(STR(?v)) < {shortest}"))
            elif predicate == SH.lessThan:
                other = self.iri(shape, SH.lessThan, obj)
                # Both paths' triples scanned and joined by hashing on ?this.
                add(
                    message,
                    f"{{ SELECT ?this ?v WHERE {{ "
                    f"{{ SELECT ?this ?v WHERE {{ ?this {path} ?v }} }} "
                    f"{{ SELECT ?this ?w WHERE {{ ?this <{other}> ?w }} }} "
                    f"FILTER (!COALESCE(?v < ?w, false)) }} }}\n",
                    _Focus.CHECK,
                )
            elif predicate == SH.nodeKind:
                kinds = {
                    str(SH.IRI): "isIRI(?v)",
                    str(SH.Literal): "isLiteral(?v)",
                    str(SH.BlankNode): "isBlank(?v)",
                }
                if str(obj) not in kinds:
                    raise UnsupportedShape(f"{shape}: unsupported sh:nodeKind {obj}")
                add(message, *failing(f"!{kinds[str(obj)]}"))
            elif predicate in (SH.node, SH["or"]):
                accepts: str | None
                if predicate == SH.node:
                    accepts = self.value_condition(obj)
                else:
                    options = [self.value_condition(m) for m in Collection(self.shapes, obj)]
                    if any(o is None for o in options):
                        raise UnsupportedShape(f"{shape}: unsupported sh:or")
                    accepts = "(" + " || ".join(o for o in options if o is not None) + ")"
                if accepts is None:
                    raise UnsupportedShape(f"{shape}: unsupported value shape")
                add(message, *failing(f"!({accepts})"))
            elif predicate == SH["not"]:
                negated = self.value_condition(obj)
                if negated is None:
                    raise UnsupportedShape(f"{shape}: unsupported shape in sh:not")
                add(message, *failing(negated))
            elif predicate == SH.qualifiedValueShape:
                qualified = self.value_condition(obj)
                if qualified is None:
                    raise UnsupportedShape(f"{shape}: unsupported qualified value shape")
                fewest = self.count(shape, SH.qualifiedMinCount) or 0
                most = self.count(shape, SH.qualifiedMaxCount)
                # The values that conform to the qualified shape, counted for each subject.
                by_class = self.value_classes(obj)
                conforming = (
                    f"?this {path} ?v . ?v a ?c_ . VALUES ?c_ {{ {' '.join(by_class)} }}"
                    if by_class is not None
                    else f"?this {path} ?v . FILTER ({qualified})"
                )
                counted = f"SELECT ?this WHERE {{ {conforming} }} GROUP BY ?this"
                if fewest > 0:
                    # Focus nodes minus those whose count is within the bounds (a focus
                    # node with no conforming value has too few).
                    within = [f"COUNT(DISTINCT ?v) >= {fewest}"]
                    if most is not None:
                        within.append(f"COUNT(DISTINCT ?v) <= {most}")
                    add(
                        message,
                        _Focus.SCAN,
                        f"\nMINUS {{ {counted} HAVING ({' && '.join(within)}) }}",
                        select="DISTINCT ?this",
                    )
                elif most is not None:
                    add(
                        message,
                        f"{{ {counted} HAVING (COUNT(DISTINCT ?v) > {most}) }}\n",
                        _Focus.CHECK,
                        select="?this",
                    )

    def value_condition_for(self, shape: Node, obj: Node) -> str:
        langs = self.languages(shape, obj)
        # lang() of an IRI is an error: COALESCE makes it false (not in the list).
        return (
            "COALESCE("
            + " || ".join(f'langMatches(lang(?v), "{lang}")' for lang in langs)
            + ", false)"
        )

    def node_shape(self, node_shape: Node) -> None:
        classes = self.target(node_shape)
        if not classes:
            return
        for shape in self.shapes.objects(node_shape, SH.property):
            self.property_shape(classes, shape)
        alternatives = self.shapes.value(node_shape, SH["or"])
        if alternatives is not None:
            branches = []
            for member in Collection(self.shapes, alternatives):
                path, _ = self.path(member)
                if (
                    self.count(member, SH.minCount) != 1
                    or len(list(self.shapes.predicates(member))) != 2
                ):
                    raise UnsupportedShape(f"{node_shape}: unsupported sh:or")
                branches.append(f"{{ ?this {path} ?any_ }}")
            # Focus nodes minus those with a value on one of the paths.
            self.add(
                node_shape,
                "",
                self.message(node_shape, "conforms to none of the alternatives"),
                self.severity(node_shape),
                (_Focus.SCAN, f"\nMINUS {{ {' UNION '.join(branches)} }}"),
                classes,
                select="DISTINCT ?this",
            )
        for constraint in self.shapes.objects(node_shape, SH.sparql):
            query = self.shapes.value(constraint, SH.select)
            if query is None:
                raise UnsupportedShape(f"{self.name(constraint)}: an sh:sparql without sh:select")
            select = self.text(constraint, SH.select, query)
            prefixes = self.prefixes(constraint)
            self.undeclared(constraint, select, prefixes)
            inner = re.sub(r"\$this\b", "?this", select)
            if "?value" not in inner.split("WHERE", 1)[0]:
                inner = inner.replace("SELECT ?this", "SELECT ?this (?this AS ?value)", 1)
            self.add(
                constraint,
                "",
                self.message(constraint, "SPARQL constraint not met"),
                # A constraint's results take its shape's severity (SHACL 5.3.3).
                self.severity(node_shape),
                (_Focus.SCAN, f"\n{{ {_not_exists_as_optional(inner)} }}\nBIND (?value AS ?v)"),
                classes,
                node_shape=node_shape,
                prefixes="".join(f"PREFIX {p}: <{n}>\n" for p, n in prefixes.items()),
            )

    def run(self) -> list[CompiledConstraint]:
        for node_shape in sorted(set(self.shapes.subjects(RDF.type, SH.NodeShape)), key=str):
            self.node_shape(node_shape)
        return [self.finish(template) for template in self.templates.values()]


def compile_shapes(shapes: Graph, ontology: Graph) -> list[CompiledConstraint]:
    """Every constraint of ``shapes`` as a SPARQL query (ontology: for class hierarchies)."""
    return _Compiler(shapes, ontology).run()


def validate_store(store: ox.Store, constraints: Iterable[CompiledConstraint]) -> ValidationResult:
    """Run compiled constraints on a store; the same result shape as pySHACL's."""
    violations: list[Violation] = []
    warnings: list[Violation] = []
    for constraint in constraints:
        solutions = store.query(constraint.query)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            this = solution["this"]
            try:
                value = solution["v"]
            except (KeyError, IndexError):
                value = None
            item = Violation(
                severity=constraint.severity,
                focus=this.value if this is not None else "",
                path=constraint.path,
                message=constraint.message,
                value=_value_text(value),
            )
            (violations if item.severity == "Violation" else warnings).append(item)
    violations = sorted(set(violations))
    warnings = sorted(set(warnings))
    report = "\n".join(str(v) for v in violations + warnings)
    return ValidationResult(
        conforms=not violations,
        violations=violations,
        warnings=warnings,
        report_text=report or "Conforms",
    )


def _value_text(term: object) -> str:
    if term is None:
        return ""
    return str(getattr(term, "value", term))

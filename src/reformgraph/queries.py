"""Saved SPARQL queries (package data) and running queries on the graph.

Each saved query is one ``.rq`` file in ``reformgraph/queries/`` with a header::

    # question: Which reform cases are there …?
    # question@zh: 有哪些改革案例……?
    # param case (case): only this case (its id or IRI)
    # column ?case: the case (IRI)

Parameters are bound as RDF terms through the engine's substitutions (rdflib's initial
bindings, pyoxigraph's ``substitutions``); their values are never pasted into the query
as text that could change it. For Oxigraph, which plans its joins before it sees a
substitution, each also opens the WHERE clause as a ``VALUES`` block of the escaped term
(see :func:`_opened_with_values`). A class parameter, which matches the class and its
subclasses, becomes a trailing ``VALUES`` block of those classes' IRIs (checked and
escaped, as for an endpoint): an engine binds one term to a variable. A case parameter
must name a case of the graph. A binding does not reach into a subquery; a line ``# if
bound ?NAME: PATTERN`` of the query puts the parameter's values there (:func:`_placed`).
The module imports neither engine at load time, so that a query starts fast.
"""

from __future__ import annotations

import re
from pathlib import Path

from reformgraph._record import Record
from reformgraph._unshown import (
    CONTROL_CHARACTERS,
    INVISIBLE,
    INVISIBLE_CHARACTERS,
    invisible_named,
)
from reformgraph.engine import (
    EngineResult,
    EngineStream,
    refuse_service,
    run_sparql,
    stream_sparql,
    term_parts,
)
from reformgraph.errors import QueryError, ReformgraphError, closest
from reformgraph.vocab import NAMESPACES

# Not typing's TYPE_CHECKING: a query on the command line imports this module, and with it
# nothing it does not need (typing, dataclasses); see reformgraph.entry.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
    from typing import Any, BinaryIO

    import pyoxigraph as ox
    from rdflib import Graph

__all__ = [
    "FORMULA_STARTS",
    "GRAPH_FORMATS",
    "PARAM_TYPES",
    "Column",
    "Param",
    "QueryResult",
    "QueryStream",
    "SavedQuery",
    "Term",
    "bind_params",
    "check_graph_format",
    "excel_safe_text",
    "format_csv",
    "format_json",
    "load_query",
    "query_form",
    "run_query",
    "run_query_on_store",
    "saved_queries",
    "saved_query",
    "stream_query_on_store",
    "to_dataframe",
    "unknown_prefix",
    "unknown_prefix_error",
    "unknown_terms",
    "with_prefixes",
    "write_csv",
    "write_graph",
    "write_json",
]

#: The types a saved query's parameter may declare.
PARAM_TYPES = ("iri", "class", "case", "string", "zh", "en", "integer", "decimal")

#: A header line that goes on with the line above it: "#" and at least two spaces.
_CONTINUED = re.compile(r"^#\s{2,}(?P<text>\S.*)$")
_HEADER = re.compile(r"^#\s*(?P<key>question(?:@zh)?|param|column)\s*(?P<rest>.*)$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<type>[a-z]+)(?:\s+of\s+(?P<within>[^\s()]+))?\)\s*:\s*(?P<doc>.+)$"
)
_COLUMN = re.compile(r"^\?(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<doc>.+)$")


# The classes below are frozen records (reformgraph._record), as dataclasses would give.


class Param(Record):
    name: str
    type: str
    doc: str
    #: For a class parameter, the class it must be (or be a subclass of): ``(class of
    #: rg:PolicyInstrument)`` in the header; "" for any class.
    within: str

    def __init__(self, name: str, type: str, doc: str, within: str = "") -> None:
        self._fill(name, type, doc, within)


class Column(Record):
    name: str
    doc: str

    def __init__(self, name: str, doc: str) -> None:
        self._fill(name, doc)


class SavedQuery(Record):
    """A query with its documented question, parameters and output columns."""

    name: str
    text: str
    question: str
    question_zh: str
    params: tuple[Param, ...]
    columns: tuple[Column, ...]
    path: str

    def __init__(
        self,
        name: str,
        text: str,
        question: str = "",
        question_zh: str = "",
        params: tuple[Param, ...] = (),
        columns: tuple[Column, ...] = (),
        path: str = "",
    ) -> None:
        self._fill(name, text, question, question_zh, params, columns, path)

    @property
    def has_header(self) -> bool:
        """Whether the query documents itself (``# question``, ``# param``, ``# column``
        lines): then it takes only the parameters it declares; SPARQL without a header
        takes any variable of its SELECT clause, its value read as it is written."""
        return bool(self.question or self.question_zh or self.params or self.columns)

    @property
    def is_violation_check(self) -> bool:
        return self.name.endswith("-violation")


class QueryResult(Record):
    """Rows of a SELECT query (or the triples of a CONSTRUCT), as rdflib or pyoxigraph terms.

    ``graph`` is the CONSTRUCT result as an rdflib Graph when the query ran on rdflib.
    """

    variables: list[str]
    rows: list[tuple[Any, ...]]
    graph: Graph | None
    boolean: bool | None

    def __init__(
        self,
        variables: list[str],
        rows: list[tuple[Any, ...]] | None = None,
        graph: Graph | None = None,
        boolean: bool | None = None,
    ) -> None:
        self._fill(variables, [] if rows is None else rows, graph, boolean)


#: The answer of a query as the store gives it: the variables, then the rows (an iterator
#: of pyoxigraph terms, read once); ``boolean`` for an ASK. From
#: :func:`stream_query_on_store`, reading the rows may raise :class:`QueryError` (the
#: store failed while evaluating).
QueryStream = EngineStream


def _joined(text: str, more: str) -> str:
    """``text`` with the words of its next line: after a space, but not where Chinese
    meets Chinese or punctuation (哪些案例, / 在哪里), which a line breaks without one."""
    if not text:
        return more
    before, after = text[-1], more[0]

    def wide(char: str) -> bool:
        return "\u2e80" <= char <= "\uffef"

    if (wide(before) and not after.isalnum()) or (wide(after) and not before.isalnum()):
        return text + more
    if wide(before) and wide(after):
        return text + more
    return f"{text} {more}"


def parse_header(name: str, text: str, path: str = "") -> SavedQuery:
    """Read the ``# question/param/column`` header of a query file."""
    question = question_zh = ""
    params: list[Param] = []
    columns: list[Column] = []
    last = ""  # the key of the last header line: what an indented line goes on with
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match is None:
            # A line indented under a question, param or column line goes on with it.
            more = _CONTINUED.match(line)
            if more is None or not last:
                last = ""
                continue
            if last == "question":
                question = _joined(question, more["text"])
            elif last == "question@zh":
                question_zh = _joined(question_zh, more["text"])
            elif last == "param":
                p = params[-1]
                params[-1] = Param(p.name, p.type, _joined(p.doc, more["text"]), p.within)
            else:
                c = columns[-1]
                columns[-1] = Column(c.name, _joined(c.doc, more["text"]))
            continue
        last = match["key"]
        key, rest = match["key"], match["rest"].lstrip(":").strip()
        if key == "question":
            question = rest
        elif key == "question@zh":
            question_zh = rest
        elif key == "param":
            param = _PARAM.match(rest)
            if (
                param is None
                or param["type"] not in PARAM_TYPES
                or (param["within"] and param["type"] != "class")
            ):
                raise QueryError(
                    f"{path or name}: line {number}: bad parameter line {line!r}"
                    " (write: # param NAME (TYPE): what it does;"
                    f" TYPE is one of {', '.join(PARAM_TYPES)}; a class may be limited to"
                    " the subclasses of one: (class of rg:PolicyInstrument))"
                )
            params.append(Param(param["name"], param["type"], param["doc"], param["within"] or ""))
        else:
            column_line = _COLUMN.match(rest)
            if column_line is None:
                raise QueryError(
                    f"{path or name}: line {number}: bad column line {line!r}"
                    " (write: # column ?name: meaning)"
                )
            columns.append(Column(column_line["name"], column_line["doc"]))
    if question or question_zh or params or columns:
        # A header declares every parameter the query takes: a line that places one it does
        # not declare (a misspelt ?cas) would never be bound, and its subquery never limited.
        declared = {p.name for p in params}
        for placed in _PLACED.finditer(text):
            if placed["name"] not in declared:
                number = text.count("\n", 0, placed.start()) + 1
                names = ", ".join(sorted(declared)) or "none"
                raise QueryError(
                    f"{path or name}: line {number}: '# if bound ?{placed['name']}:' names no"
                    f" parameter of the query's header (its parameters: {names})"
                )
    return SavedQuery(
        name=name,
        text=text,
        question=question,
        question_zh=question_zh,
        params=tuple(params),
        columns=tuple(columns),
        path=path,
    )


#: Where the saved queries are: package data beside this module. (A path rather than
#: importlib.resources, whose import costs more than a whole query on the command line.)
QUERY_FOLDER = Path(__file__).resolve().parent / "queries"


def saved_queries() -> dict[str, SavedQuery]:
    """Every saved query shipped with reformgraph, by name."""
    folder = QUERY_FOLDER
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            out[name] = parse_header(
                name, entry.read_text(encoding="utf-8"), f"queries/{entry.name}"
            )
    return out


def saved_query(name: str) -> SavedQuery:
    """One saved query by name."""
    path = QUERY_FOLDER / f"{name}.rq"
    if re.fullmatch(r"[a-z0-9-]+", name) and path.is_file():
        return parse_header(name, path.read_text(encoding="utf-8"), f"queries/{path.name}")
    queries = saved_queries()
    if name not in queries:
        hint = _saved_name_hint(name)
        raise QueryError(f"no saved query named {name!r} ({hint}see: reformgraph query --list)")
    return queries[name]


_SPARQL_START = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE
)
#: A SPARQL 1.1 Update: its operation after any comments and prologue.
_SPARQL_UPDATE = re.compile(
    r"^\s*(?:(?:#[^\n]*(?:\n|$)|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


def _refuse_update(text: str, name: str) -> None:
    found = _SPARQL_UPDATE.match(text)
    if found:
        raise QueryError(
            f"{name}: a SPARQL update ({found[1].upper()}), which reformgraph does not run: it"
            " reads the graph and never changes it (to change the data, edit the data folder"
            " and build again)"
        )


def _saved_name_hint(name: str) -> str:
    """ "did you mean NAME? " for the saved query whose name ``name`` is closest to, written
    otherwise (``figurs``, ``Figures``, ``shared_entities``, `` cases``); "" for none."""
    wanted = name.strip().lower().replace("_", "-")
    close = closest(wanted, saved_queries(), n=1, cutoff=0.6)
    return f"did you mean {close[0]}? " if close else ""


def _refuse_invisible(text: str, name: str) -> None:
    """Refuse query text holding an invisible character (a zero-width space, a control of
    the direction of text: :mod:`reformgraph._unshown`), with its line and column: the
    query is not what it looks like (U+202E in a comment shows the line after it
    reversed), and a string holding one matches no text of the data, which holds none."""
    found = INVISIBLE.search(text, 1 if text.startswith("\ufeff") else 0)
    if found is None:
        return
    at = found.start()
    line = text.count("\n", 0, at) + 1
    column = at - (text.rfind("\n", 0, at) + 1) + 1
    code = ord(found[0])
    escape = f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"
    raise QueryError(
        f"{name}: line {line}, column {column}: {invisible_named(found[0])}, is not allowed in"
        f" a query, which would not be what it looks like: delete it (in a string, write it"
        f" as the escape {escape})" + _pointer(text, line, column),
        source=text,
    )


def query_from_text(text: str, where: str) -> SavedQuery:
    """SPARQL text read from elsewhere (standard input), named ``where`` in messages."""
    _refuse_update(text, where)
    _refuse_invisible(text, where)
    return parse_header("(query text)", text, where)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long to be a file's: SPARQL text on one line
        return False


def load_query(spec: str, cwd: Path | None = None) -> SavedQuery:
    """A saved query's name, a path to a ``.rq`` file (or any file there is, as a
    ``.txt``; a relative one from ``cwd``, by default the current folder), or SPARQL
    text. Raises :class:`QueryError` for a name no saved query has, a file that cannot be
    read, or text that is none of these."""
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", spec):
        return saved_query(spec)
    path = Path(spec) if "\n" not in spec and "\x00" not in spec else None
    if path is not None and not path.is_absolute():
        path = (Path.cwd() if cwd is None else cwd) / path
    # a .rq or .sparql name, or any file there is (a query saved as .txt)
    if path is not None and (spec.endswith((".rq", ".sparql")) or _is_file(path)):
        if path.is_dir():
            raise QueryError(f"{spec}: is a folder, not a query file")
        if path.exists() and not path.is_file():  # a pipe or device: reading it may never end
            raise QueryError(f"{spec}: not a regular file (a pipe or a device): give a .rq file")
        try:
            # utf-8-sig: a byte-order mark (as editors on Windows write) is no query text
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            saved = Path(spec).stem
            hint = (
                f" (the saved query is named without .rq: {saved})"
                if "/" not in spec and saved in saved_queries()
                else ""
            )
            raise QueryError(f"{spec}: no such query file{hint}") from None
        except UnicodeDecodeError:
            raise QueryError(f"{spec}: not UTF-8") from None
        except OSError as exc:  # unreadable (permissions …)
            raise QueryError(f"{spec}: cannot be read: {exc.strerror or exc}") from None
        _refuse_update(text, spec)
        _refuse_invisible(text, spec)
        return parse_header(path.stem, text, spec)
    _refuse_update(spec, "the query text")
    _refuse_invisible(spec, "the query text")
    if _SPARQL_START.match(spec):
        return SavedQuery(name="(query text)", text=spec)
    hint = _saved_name_hint(spec)
    raise QueryError(
        f"{spec!r} is not a saved query, a .rq file or SPARQL text ({hint}see: reformgraph"
        " query --list)"
    )


#: The data namespace (as in :mod:`reformgraph.models`, repeated here to keep this module light).
DATA_NS = "https://w3id.org/reformgraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"


class Term(Record):
    """A parameter's value as an RDF term, before it becomes an engine's term."""

    kind: str  # uri | literal
    value: str
    language: str | None
    datatype: str | None
    #: For a class parameter: the classes it matches (itself and its subclasses).
    members: tuple[str, ...]

    def __init__(
        self,
        kind: str,
        value: str,
        language: str | None = None,
        datatype: str | None = None,
        members: tuple[str, ...] = (),
    ) -> None:
        self._fill(kind, value, language, datatype, members)

    def to_oxigraph(self) -> ox.NamedNode | ox.Literal:
        import pyoxigraph as ox

        if self.kind == "uri":
            return ox.NamedNode(self.value)
        if self.language:
            return ox.Literal(self.value, language=self.language)
        if self.datatype:
            return ox.Literal(self.value, datatype=ox.NamedNode(self.datatype))
        return ox.Literal(self.value)

    def to_rdflib(self) -> Any:
        from rdflib import Literal, URIRef

        if self.kind == "uri":
            return URIRef(self.value)
        if self.language:
            return Literal(self.value, lang=self.language)
        return Literal(self.value, datatype=URIRef(self.datatype) if self.datatype else None)


def _expand(text: str) -> str:
    """``rg:Platform`` or ``rgd:case/…`` (the prefixes the tables print) as a full IRI;
    any other text as it is."""
    prefix, colon, local = text.partition(":")
    if colon and prefix in NAMESPACES and not local.startswith("//"):
        return NAMESPACES[prefix] + local
    return text


def _short(iri: str) -> str:
    """An IRI with the prefixes the tables print (rg:Platform), or in full."""
    for prefix, namespace in NAMESPACES.items():
        if iri.startswith(namespace) and "/" not in iri[len(namespace) :]:
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def _convert(param: Param, value: str) -> Term:
    kind = param.type
    if kind == "class":
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", value.strip()):
            # a class's name without its prefix (Platform): the classes so named
            named = sorted(
                _short(iri)
                for iri in _ontology_classes()
                if re.split(r"[/#]", iri)[-1].lower() == value.strip().lower()
            )
            hint = (
                f": did you mean {' or '.join(named)}?"
                if named
                else " (a class is written with its prefix: rg:Platform)"
            )
            raise QueryError(f"parameter {param.name}: {value!r} is not an IRI{hint}")
        term = _convert(Param(param.name, "iri", param.doc), value)
        members = _class_members(param.name, value, term.value)
        if param.within:
            within = _expand(param.within)
            if term.value not in _class_members(param.name, param.within, within):
                raise QueryError(
                    f"parameter {param.name}: {value!r} is not {param.within} nor a subclass"
                    f" of it, which this query's {param.name} must be"
                )
        return Term("uri", term.value, members=members)
    if kind in ("iri", "case"):
        text = value.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        # a case's id, or its path below the data namespace (case/ID), as analysis takes it
        if kind == "case" and (case := re.fullmatch(r"(?:case/)?([a-z0-9]+(?:-[a-z0-9]+)*)", text)):
            return Term("uri", f"{DATA_NS}case/{case[1]}")
        text = _expand(text)
        if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text, re.IGNORECASE) or any(
            c in text for c in '<>"{}|^`\\'
        ):
            if kind == "case":
                if not value.strip():
                    raise QueryError(
                        f"parameter {param.name}: give a case's id (the first column of"
                        " `reformgraph query cases`: big-fiscal-system)"
                    )
                # a case's title, perhaps: the graph's check of the case says whose it is
                from urllib.parse import quote

                return Term("uri", f"{DATA_NS}case/{quote(' '.join(value.split()), safe='')}")
            raise QueryError(f"parameter {param.name}: {value!r} is not an IRI")
        return Term("uri", text)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"parameter {param.name}: {value!r} is not an integer")
        return Term("literal", str(int(value)), datatype=XSD + "integer")
    if kind == "decimal":
        from decimal import Decimal, InvalidOperation

        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            raise QueryError(f"parameter {param.name}: {value!r} is not a number") from None
        return Term("literal", format(number, "f"), datatype=XSD + "decimal")
    if kind in ("zh", "en"):
        return Term("literal", value, language=kind)
    return Term("literal", value)


def _ontology_classes() -> dict[str, set[str]]:
    """Each class of the ontology, and of the vocabularies it names as superclasses, with
    its direct subclasses (read from the packaged ontology once per process)."""
    found = _ONTOLOGY_CLASSES
    if not found:
        import pyoxigraph as ox

        from reformgraph.project import ontology_file

        sub_class_of = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
        owl_class = ox.NamedNode("http://www.w3.org/2002/07/owl#Class")
        a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        path = ontology_file("reformgraph.ttl")
        for quad in ox.parse(path.read_bytes(), ox.RdfFormat.TURTLE, base_iri=path.as_uri()):
            subject, obj = quad.subject, quad.object
            if not isinstance(subject, ox.NamedNode):
                continue
            if quad.predicate == a and obj == owl_class:
                found.setdefault(subject.value, set())
            elif quad.predicate == sub_class_of and isinstance(obj, ox.NamedNode):
                found.setdefault(subject.value, set())
                found.setdefault(obj.value, set()).add(subject.value)
    return found


_ONTOLOGY_CLASSES: dict[str, set[str]] = {}


def _class_members(name: str, given: str, iri: str) -> tuple[str, ...]:
    """The class ``iri`` and its subclasses, by the ontology, sorted; a class the ontology
    does not know is refused, naming the ones nearest to what was given."""
    classes = _ontology_classes()
    if iri not in classes:

        def short(full: str) -> str:
            for prefix, namespace in sorted(NAMESPACES.items()):
                if full.startswith(namespace) and prefix:
                    return f"{prefix}:{full[len(namespace) :]}"
            return full

        names = sorted(short(c) for c in classes)
        near = closest(short(iri), names, cutoff=0.6)
        hint = f" (did you mean {', '.join(near)}?)" if near else ""
        raise QueryError(
            f"parameter {name}: {given!r} is not a class of the reformgraph ontology{hint};"
            f" its classes: {', '.join(names)}"
        )
    members = {iri}
    stack = [iri]
    while stack:
        for sub in classes[stack.pop()]:
            if sub not in members:
                members.add(sub)
                stack.append(sub)
    return tuple(sorted(members))


#: A parameter of SPARQL text written as a term: "text", "text"@zh, "text"^^datatype.
_QUOTED = re.compile(
    r'^"(?P<text>(?:[^"\\]|\\.)*)"(?:@(?P<lang>[A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(?P<type>\S+))?$',
    re.DOTALL,
)


#: Numbers and booleans as Turtle writes them without quotes, with the datatype it gives.
_TURTLE_SHORTHAND = (
    (re.compile(r"[+-]?[0-9]+"), "integer"),
    (re.compile(r"[+-]?[0-9]*\.[0-9]+"), "decimal"),
    (re.compile(r"[+-]?(?:[0-9]+\.[0-9]*|\.?[0-9]+)[eE][+-]?[0-9]+"), "double"),
    (re.compile(r"true|false"), "boolean"),
)


_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_TIMEZONE = r"(?:Z|[+-][0-9]{2}:[0-9]{2})?"
#: The lexical forms of the XML Schema datatypes a parameter is most often written with:
#: ``"abc"^^xsd:integer`` is no integer, and would match nothing.
_LEXICAL_FORMS = {
    **dict.fromkeys(
        (
            "integer",
            "positiveInteger",
            "nonNegativeInteger",
            "negativeInteger",
            "nonPositiveInteger",
            "long",
            "int",
            "short",
            "byte",
        ),
        _INTEGER,
    ),
    "decimal": _DECIMAL,
    **dict.fromkeys(
        ("double", "float"),
        re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN"),
    ),
    "boolean": re.compile(r"true|false|1|0"),
    "date": re.compile(rf"-?[0-9]{{4,}}-[0-9]{{2}}-[0-9]{{2}}{_TIMEZONE}"),
    "gYearMonth": re.compile(rf"-?[0-9]{{4,}}-[0-9]{{2}}{_TIMEZONE}"),
    "gYear": re.compile(rf"-?[0-9]{{4,}}{_TIMEZONE}"),
    "dateTime": re.compile(
        rf"-?[0-9]{{4,}}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(?:\.[0-9]+)?{_TIMEZONE}"
    ),
}


#: The XML Schema datatypes RDF 1.1 uses (its §5.1 table, and anyURI …).
_XSD_DATATYPES = (
    "string boolean decimal integer double float date time dateTime dateTimeStamp gYear"
    " gMonth gDay gYearMonth gMonthDay duration yearMonthDuration dayTimeDuration byte short"
    " int long unsignedByte unsignedShort unsignedInt unsignedLong positiveInteger"
    " nonNegativeInteger negativeInteger nonPositiveInteger hexBinary base64Binary anyURI"
    " language normalizedString token NMTOKEN Name NCName"
).split()
#: IRI schemes a datatype may be written with in full, without <…> (urn:…, tag:…).
_IRI_SCHEMES = frozenset({"http", "https", "urn", "tag", "file", "mailto", "info", "did"})


def _ad_hoc(name: str, value: str) -> Term:
    """A parameter of SPARQL text (which declares no types) from how it is written, as in
    Turtle: ``<IRI>``, a full ``http(s)://`` IRI or ``rg:…``/``rgd:…`` (the prefixes the
    tables print); ``"text"@zh``, ``"text"^^xsd:integer``; ``3`` an integer, ``3.5`` a
    decimal, ``3e2`` a double, ``true`` a boolean; anything else a plain string."""
    text = value.strip()
    for shorthand, datatype in _TURTLE_SHORTHAND:
        if shorthand.fullmatch(text):
            return Term("literal", text, datatype=f"{XSD}{datatype}")
    quoted = _QUOTED.match(text)
    if quoted:
        literal = re.sub(r"\\(.)", r"\1", quoted["text"])
        if quoted["lang"]:
            return Term("literal", literal, language=quoted["lang"].lower())
        if quoted["type"]:
            written = quoted["type"]
            prefix = re.match(r"^([A-Za-z][\w.-]*):(?!//)", written)
            if (
                prefix is not None
                and not written.startswith("<")
                and prefix[1] not in NAMESPACES
                and prefix[1].lower() not in _IRI_SCHEMES
            ):
                raise QueryError(
                    f"parameter {name}: the datatype {written!r} has a prefix, {prefix[1]!r},"
                    " that no query declares here: write its full IRI in <…>, or xsd:…"
                )
            datatype = _convert(Param(name, "iri", ""), written).value
            if datatype.startswith(XSD) and datatype.removeprefix(XSD) not in _XSD_DATATYPES:
                near = closest(datatype.removeprefix(XSD), _XSD_DATATYPES)
                hint = f" (did you mean xsd:{near[0]}?)" if near else ""
                raise QueryError(
                    f"parameter {name}: xsd:{datatype.removeprefix(XSD)} is not an XML Schema"
                    f" datatype{hint}: it would match nothing"
                )
            form = _LEXICAL_FORMS.get(
                datatype.removeprefix(XSD) if datatype.startswith(XSD) else ""
            )
            if form is not None and not form.fullmatch(literal):
                raise QueryError(
                    f"parameter {name}: {literal!r} is not an xsd:{datatype.removeprefix(XSD)}"
                    " (it would match nothing)"
                )
            return Term("literal", literal, datatype=datatype)
        return Term("literal", literal)
    if (text.startswith("<") and text.endswith(">")) or re.match(r"^https?://", text):
        return _convert(Param(name, "iri", ""), text)
    if _expand(text) != text:
        return _convert(Param(name, "iri", ""), text)
    return Term("literal", value)


def parse_params(items: Iterable[str]) -> dict[str, str]:
    """``--param`` values (``NAME=VALUE``, the name with or without ``?``/``$``) as a
    mapping of names to values; a malformed or repeated one is a :class:`QueryError`."""
    params: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise QueryError(f"--param {item!r}: write NAME=VALUE")
        if name in params:
            raise QueryError(
                f"--param: parameter {name} given twice (a query takes one value for each)"
            )
        params[name] = value
    return params


def bind_params(query: SavedQuery, values: Mapping[str, str]) -> dict[str, Term]:
    """Turn ``NAME=VALUE`` strings into RDF terms of the types the query declares (for
    SPARQL text, which declares none, from how each value is written; see :func:`_ad_hoc`).
    A variable of SPARQL text that its SELECT clause does not list cannot be bound."""
    declared = {p.name: p for p in query.params}
    bindings: dict[str, Term] = {}
    for name, value in values.items():
        if not isinstance(value, str):
            raise QueryError(
                f"parameter {name}: give its value as text ({str(value)!r}), not as a"
                f" {type(value).__name__}"
            )
        _refuse_unshown_value(name, value)
        param = declared.get(name)
        if param is not None:
            bindings[name] = _convert(param, value)
        elif query.has_header:
            known = ", ".join(declared) or "none"
            close = closest(name, declared, n=1, cutoff=0.6)
            if close:
                hint = f": did you mean {close[0]}?"
            elif query.path and not query.path.startswith("queries/"):
                hint = _HEADER_HINT
            else:
                hint = ""
            raise QueryError(
                f"query {query.name!r} has no parameter {name!r} (its parameters: {known})" + hint
            )
        else:
            bindings[name] = _ad_hoc(name, value)
    if bindings and not query.has_header:
        _check_projection(query, bindings)
    return bindings


#: A control character (but the tab and the line break) or an invisible one.
_UNSHOWN_VALUE = re.compile(f"[{CONTROL_CHARACTERS}{INVISIBLE_CHARACTERS}]")


def _refuse_unshown_value(name: str, value: str) -> None:
    """Refuse a parameter's value holding a control or an invisible character (a
    zero-width space copied with an id or a title, a control of the direction of text:
    :mod:`reformgraph._unshown`), naming the parameter, the character and where it is: the
    data holds none, so the value would match nothing, though it looks like one that does
    (a saved query's case id or class was refused as no case or class, or as not an IRI;
    a string of SPARQL text gave no rows)."""
    found = _UNSHOWN_VALUE.search(value)
    if found is None:
        return
    char = found[0]
    what = (
        invisible_named(char)
        if INVISIBLE.match(char)
        else f"U+{ord(char):04X}, a control character"
    )
    raise QueryError(
        f"parameter {name}: {what}, at character {found.start() + 1} of its value"
        f" {value!r}, is not allowed in a parameter's value, which would not be what it"
        " looks like (and would match nothing in reformgraph's data, which holds none):"
        " delete it"
    )


#: How a query file with a header declares a parameter (see :func:`parse_header`).
_HEADER_HINT = (
    ": a query file with a header declares its parameters, one line each, such as"
    " `# param office (iri): the office`; a file without a header takes any variable of"
    " its SELECT clause"
)


_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]+(?:-[A-Za-z0-9]+)*$")


def _sparql_term(term: Term) -> str:
    """A term in SPARQL syntax, escaped so that a value can never become query text."""
    if term.kind == "uri":
        if not _IRI.match(term.value):
            raise QueryError(f"{term.value!r} is not an IRI")
        return f"<{term.value}>"
    escaped = (
        term.value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
    literal = f'"{escaped}"'
    if term.language:
        if not _LANGUAGE.match(term.language):
            raise QueryError(f"{term.language!r} is not a language tag")
        return f"{literal}@{term.language}"
    if term.datatype:
        if not _IRI.match(term.datatype):
            raise QueryError(f"{term.datatype!r} is not a datatype IRI")
        return f"{literal}^^<{term.datatype}>"
    return literal


def _alternatives(term: Term) -> list[Term]:
    """The terms a parameter stands for: a class parameter's classes, else the term."""
    if term.members:
        return [Term("uri", member) for member in term.members]
    return [term]


def with_values(text: str, bindings: Mapping[str, Term] | None) -> str:
    """The query with its parameters as a trailing ``VALUES`` block (SPARQL 1.1 §10.2.2).

    A SPARQL endpoint takes query text only, so parameters cannot be bound as terms as
    they are locally; the values travel as escaped RDF terms in inline data instead. That
    restricts the query as a local binding does wherever the variable is bound at the top
    level of the query (the saved queries' parameters are). A class parameter gives a row
    for each class it matches.
    """
    if not bindings:
        return text
    import itertools

    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise QueryError(f"parameter {name!r} is not a variable name")
    variables = " ".join(f"?{name}" for name in names)
    rows = itertools.product(*(_alternatives(bindings[name]) for name in names))
    values = " ".join(f"({' '.join(_sparql_term(term) for term in row)})" for row in rows)
    return f"{text.rstrip()}\nVALUES ({variables}) {{ {values} }}\n"


#: The keyword of a query's form; the first one of a query is its own (a subquery's follow).
_QUERY_FORM = re.compile(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE)
#: A variable a query computes, in its SELECT clause or with BIND: ``… AS ?name``.
_COMPUTED = re.compile(r"\bAS\s*[?$]([A-Za-z_0-9]+)", re.IGNORECASE)


def _where_brace(masked: str) -> int | None:
    """Where the ``{`` that opens the query's WHERE clause is in ``masked`` (the text of
    :func:`_masked`), or None: a DESCRIBE without one, a short CONSTRUCT WHERE (of triple
    patterns only), a text this cannot read."""
    form = _QUERY_FORM.search(masked)
    if form is None:
        return None
    start = masked.find("{", form.end())
    if form[1].upper() == "CONSTRUCT":
        if re.match(r"\s*WHERE\b", masked[form.end() :], re.IGNORECASE):
            return None
        depth = 0
        for index in range(start, len(masked)) if start >= 0 else ():
            depth += {"{": 1, "}": -1}.get(masked[index], 0)
            if depth == 0:
                start = masked.find("{", index + 1)
                break
    return start if start >= 0 else None


def with_values_for_endpoint(text: str, bindings: Mapping[str, Term] | None) -> str:
    """The query with its parameters as inline data, for a SPARQL endpoint (which takes
    query text only). A local engine binds a parameter before it evaluates anything, so
    a FILTER or an expression of the WHERE clause sees its value; a trailing ``VALUES``
    block is joined with the answer after them (a FILTER on ``?min`` found no row). So
    the values open the WHERE clause, as a ``VALUES`` block there; only a variable the
    clause computes (``BIND (… AS ?v)``, or a subquery's ``… AS ?v``), which may not be
    bound before, takes its values from a trailing block (SPARQL 1.1 §10.2.2), which
    restricts it as a local binding does. A variable the SELECT clause computes (``(COUNT
    (?c) AS ?n)``) cannot be bound at an endpoint: SPARQL joins even a trailing block
    before the SELECT clause's expressions, and the endpoint would reject the query; it is
    refused, saying so."""
    if not bindings:
        return text
    text = _placed(text, bindings)
    masked = _masked(text)
    brace = _where_brace(masked)
    if brace is None:
        return with_values(text, bindings)
    form = _QUERY_FORM.search(masked)
    selected = set(_COMPUTED.findall(masked[form.end() : brace])) if form else set()
    for name in bindings:
        if name in selected:
            raise QueryError(
                f"parameter {name}: the query computes ?{name} in its SELECT clause"
                f" (… AS ?{name}), which a SPARQL endpoint cannot bind: it takes parameters"
                " as a VALUES block, which SPARQL joins before the SELECT clause's"
                " expressions; bind a variable of the WHERE clause instead"
                f" ({_instead(masked, name)}), or run the query locally"
            )
    computed = set(_COMPUTED.findall(masked[brace:]))
    inside = {name: term for name, term in bindings.items() if name not in computed}
    after = {name: term for name, term in bindings.items() if name in computed}
    if inside:
        # The WHERE clause takes every value; a group inside it, those of the variables it
        # uses (its own FILTER sees only its own solutions: the WHERE clause's block did
        # not reach it). Written from the last group back, so that places stay right.
        for at, names in reversed(_groups_using(masked, brace, inside)):
            block = with_values("", {name: inside[name] for name in names}).strip()
            text = f"{text[: at + 1]} {block} {text[at + 1 :]}"
    return with_values(text, after)


#: What a ``{`` of inline data follows (``VALUES ?x {``, ``VALUES (?a ?b) {``).
_DATA_BLOCK = re.compile(r"\bVALUES\s*(?:[?$]\w+|\([^)]*\))\s*$", re.IGNORECASE)


def _groups_using(
    masked: str, brace: int, bindings: Mapping[str, Term]
) -> list[tuple[int, list[str]]]:
    """The ``{`` of the WHERE clause at ``brace``, with every bound variable, then of each
    group inside it with the bound variables it uses, in the order of the text. Inline
    data is no group, and a subquery is left alone: its variables are its own."""
    end = _matching_brace(masked, brace)
    found = [(brace, list(bindings))]
    index = brace + 1
    while index < end:
        if masked[index] != "{":
            index += 1
            continue
        close = _matching_brace(masked, index)
        body = masked[index:close]
        if _DATA_BLOCK.search(masked, brace, index) or re.match(r"\{\s*SELECT\b", body, re.I):
            index = close + 1  # inline data, or a subquery
            continue
        used = [name for name in bindings if re.search(rf"[?$]{name}\b", body)]
        if used:
            found.append((index, used))
        index += 1
    return found


def _matching_brace(masked: str, at: int) -> int:
    """Where the ``}`` that closes the ``{`` at ``at`` is (the end of the text if none)."""
    depth = 0
    for index in range(at, len(masked)):
        depth += {"{": 1, "}": -1}.get(masked[index], 0)
        if depth == 0:
            return index
    return len(masked)


#: A query that groups its rows, or aggregates them into one group.
_GROUPS = re.compile(
    r"\bGROUP\s+BY\b|\b(?:COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(", re.IGNORECASE
)


def _instead(masked: str, name: str) -> str:
    """How else to restrict ``?name``, which the SELECT clause computes: with HAVING in a
    query that groups its rows (or aggregates them), else by computing it in the WHERE
    clause, where a parameter binds it (HAVING filters groups: there are none)."""
    if _GROUPS.search(masked):
        return f"filter ?{name} with HAVING"
    return f"compute ?{name} in the WHERE clause with BIND (… AS ?{name})"


def _computed_as_values(text: str, bindings: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """For rdflib's engine: a parameter of a variable the WHERE clause computes (``BIND
    (STRLEN(?title) AS ?len)``) as a trailing ``VALUES`` block, the others left to bind.
    rdflib's BIND replaces an initial binding, where Oxigraph's keeps only the rows it
    equals: ``-p len=9`` gave every title. A variable the SELECT clause computes is refused:
    rdflib gave its computed value (``-p n=2`` a row of ``COUNT … AS ?n`` 3)."""
    masked = _masked(text)
    brace = _where_brace(masked)
    if brace is None:
        return text, dict(bindings)
    form = _QUERY_FORM.search(masked)
    selected = set(_COMPUTED.findall(masked[form.end() : brace])) if form else set()
    for name in bindings:
        if name in selected:  # rdflib gave the computed value, whatever the parameter said
            raise QueryError(
                f"parameter {name}: the query computes ?{name} in its SELECT clause"
                f" (… AS ?{name}), which rdflib's engine (pipeline.load_graph) cannot bind:"
                f" query the build with pipeline.open_graph, or {_instead(masked, name)}"
            )
    computed = set(_COMPUTED.findall(masked[brace:]))
    moved = {n: t for n, t in bindings.items() if n in computed and isinstance(t, Term)}
    if not moved:
        return text, dict(bindings)
    rest = {name: term for name, term in bindings.items() if name not in moved}
    return with_values(text, moved), rest


#: A line of a query that restricts a group by a parameter where the parameter is bound:
#: ``# if bound ?type: ?entity a ?type .`` (see :func:`_placed`).
_PLACED = re.compile(
    r"^(?P<indent>[ \t]*)#[ \t]*if bound \?(?P<name>[A-Za-z_]\w*):(?P<pattern>[^\n]*)$",
    re.MULTILINE,
)


def _placed(text: str, bindings: Mapping[str, Any] | None) -> str:
    """The query with each ``# if bound ?NAME: PATTERN`` line of a bound parameter made
    query text where it stands: the parameter's values as a ``VALUES`` block (escaped
    terms, a class parameter's classes), then the pattern. A binding restricts a query's
    top level; a subquery, which SPARQL evaluates first and on its own, does not see it:
    ``shared-entities -p type=…`` counted the cases of every entity, then kept those of the
    type. The line lets the subquery restrict itself. Unbound, the line stays a comment, so
    the query is as written; the pattern must only repeat what the query requires of the
    parameter elsewhere, so that the rows are the same either way."""
    if not bindings or "if bound" not in text:
        return text

    def line(match: re.Match[str]) -> str:
        term = bindings.get(match["name"])
        if not isinstance(term, Term):
            return match[0]
        try:
            block = with_values("", {match["name"]: term}).strip()
        except QueryError:  # a term SPARQL text cannot hold: the line stays a comment
            return match[0]
        return f"{match['indent']}{block} {match['pattern'].strip()}"

    return _PLACED.sub(line, text)


def _with_classes(text: str, bindings: Mapping[str, Term] | None) -> tuple[str, dict[str, Term]]:
    """A query to run locally: a class parameter matching several classes (a VALUES block
    in the text, since an engine binds one term to a variable), the other parameters left
    to bind as terms. Lines that place a parameter's values (:func:`_placed`) take them."""
    text = _placed(text, bindings)
    bindings = dict(bindings or {})
    classes = {
        name: term
        for name, term in bindings.items()
        if isinstance(term, Term) and len(term.members) > 1
    }
    if not classes:
        return text, bindings
    rest = {name: term for name, term in bindings.items() if name not in classes}
    return with_values(text, classes), rest


def _opened(run: Callable[[str], Any], text: str, bindings: Mapping[str, Any]) -> Any:
    """``run`` of the query :func:`_opened_with_values` gives, or of ``text`` itself where
    that does not parse: a syntax error is the user's, and named where it is in their text."""
    opened = _opened_with_values(text, bindings)
    if opened == text:
        return run(text)
    try:
        return run(opened)
    except SyntaxError:
        return run(text)


def _opened_with_values(text: str, bindings: Mapping[str, Any]) -> str:
    """For Oxigraph: the query with the parameters it binds as terms (``bindings``, left
    to bind as they are) also in a ``VALUES`` block that opens its WHERE clause. Oxigraph
    plans a query's joins before it sees its substitutions, so a bound parameter
    restricted the rows only where its pattern came in the plan: ``figures -p case=…``
    listed every figure of the graph with its quotes and labels first, and took as long as
    the whole query (15 s on 10,000 synthetic cases). The block shows the planner the one
    value, and it starts from there (under 1 s). The substitution still binds the variable
    everywhere, so the block, which joins the same value, changes no row. A variable the
    query computes (``… AS ?v``, in its SELECT or WHERE clause) is left out: SPARQL does not
    allow it to be bound before."""
    terms = {name: term for name, term in bindings.items() if isinstance(term, Term)}
    if not terms:
        return text
    masked = _masked(text)
    brace = _where_brace(masked)
    form = _QUERY_FORM.search(masked)
    if brace is None or form is None:
        return text
    computed = set(_COMPUTED.findall(masked[form.end() :]))
    opening = {
        name: term for name, term in terms.items() if name not in computed and _VARIABLE.match(name)
    }
    if not opening:
        return text
    try:
        block = with_values("", opening).strip()
    except QueryError:  # a term SPARQL text cannot hold: bound as a term alone
        return text
    return f"{text[: brace + 1]} {block} {text[brace + 1 :]}"


_REFORM_CASE = "https://w3id.org/reformgraph/ontology/ReformCase"
#: Every case of the graph, for the ids nearest a case parameter that names none.
#: Every case, with its titles and its position in its report (one row per title): what
#: a case parameter that names no case may have meant.
CASE_IDS = (
    f"SELECT ?case ?title ?position WHERE {{ ?case a <{_REFORM_CASE}> ."
    " OPTIONAL { ?case <http://purl.org/dc/terms/title> ?title }"
    " OPTIONAL { ?case <https://w3id.org/reformgraph/ontology/position> ?position } }"
)


def case_checks(query: SavedQuery, bindings: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """For each case parameter bound: its name, and an ASK query that is true when the
    graph has a case of that IRI."""
    checks = []
    for param in query.params:
        term = (bindings or {}).get(param.name)
        if param.type == "case" and isinstance(term, Term):
            checks.append((param.name, f"ASK {{ {_sparql_term(term)} a <{_REFORM_CASE}> }}"))
    return checks


def no_such_case(
    name: str, bindings: Mapping[str, Any], cases: Iterable[Sequence[Any]]
) -> QueryError:
    """The error for a case parameter that names no case of the graph. ``cases``: the rows
    of :data:`CASE_IDS` (IRI, title, position; any engine's terms, or None). A case's title
    (推进大财政体系建设, copied from a table) or its position (1) is told the id to give;
    else the ids nearest to it are."""
    from urllib.parse import unquote

    prefix = f"{DATA_NS}case/"

    def short(iri: str) -> str:
        return iri[len(prefix) :] if iri.startswith(prefix) else iri

    given = unquote(short(bindings[name].value))
    wanted = _title_key(given)
    ids: dict[str, None] = {}
    titled: dict[str, None] = {}
    partly: dict[str, None] = {}  # a title that holds the words given
    placed: dict[str, None] = {}
    for row in cases:
        case, title, position = (None if t is None else term_parts(t)[1] for t in row)
        if case is None:
            continue
        ids[short(case)] = None
        if title is not None and _title_key(title) == wanted:
            titled[short(case)] = None
        elif title is not None and len(wanted) >= 4 and wanted in _title_key(title):
            partly[short(case)] = None
        if position is not None and position == given.strip().lstrip("0"):
            placed[short(case)] = None
    where = "; the ids are in the first column of the cases query (reformgraph query cases)"
    if titled:
        return QueryError(
            f"parameter {name}: {given!r} is the title of the case {', '.join(titled)}:"
            f" give its id, {name}={next(iter(titled))}{where}"
        )
    if placed:
        return QueryError(
            f"parameter {name}: a case is given by its id, not its position: case {given} of"
            f" its report is {' or '.join(placed)}{where}"
        )
    if partly and len(partly) <= 3:
        return QueryError(
            f"parameter {name}: {given!r} is part of the title of the case"
            f" {' or '.join(partly)}: give its id{where}"
        )
    near = closest(given, ids)
    hint = f" (did you mean {', '.join(near)}?)" if near else ""
    return QueryError(f"parameter {name}: no case has the id {given!r}{hint}{where}")


def _title_key(title: str) -> str:
    """A title as compared with one given: spaces and case, and curly or straight quotes,
    as they come (“big fiscal” and "big fiscal" are one)."""
    plain = title.translate(str.maketrans("\u201c\u201d\u2018\u2019", "\"\"''"))
    return " ".join(plain.split()).casefold()


def _check_cases_on_store(
    store: ox.Store, query: SavedQuery, bindings: Mapping[str, Any] | None, union: bool | None
) -> None:
    for name, ask in case_checks(query, bindings):
        if not run_sparql(store, ask, union=union).boolean:
            rows = run_sparql(store, CASE_IDS, union=union).rows
            raise no_such_case(name, bindings or {}, rows)


def _check_projection(query: SavedQuery, bindings: Mapping[str, Term]) -> None:
    """Oxigraph binds only variables the query returns (a trailing VALUES, as an endpoint
    gets, would not filter by the others either): say so before running anything."""
    import pyoxigraph as ox

    for name, term in bindings.items():
        try:
            ox.Store().query(
                query.text,
                prefixes=NAMESPACES,
                substitutions={ox.Variable(name): term.to_oxigraph()},
            )
        except SyntaxError as exc:
            raise _syntax_error(exc, query.text, query.path) from None
        except RuntimeError as exc:
            if "projection" not in str(exc):
                raise _failed(exc, query.text, query.path) from None
            raise QueryError(
                f"parameter {name}: the query does not return ?{name}; only a variable of its"
                f" SELECT clause can be bound (add ?{name} to it, or use SELECT *)",
                source=query.text,
            ) from None


def _placed_syntax_error(
    exc: Exception, text: str, query: SavedQuery, bindings: Mapping[str, Any] | None
) -> QueryError:
    """:func:`_syntax_error` of ``text``, the query to run, or :func:`placed_line_error`."""
    return placed_line_error(text, query, bindings) or _syntax_error(exc, text, query.path)


def placed_line_error(
    text: str, query: SavedQuery, bindings: Mapping[str, Any] | None
) -> QueryError | None:
    """If the query as written reads and only a ``# if bound ?NAME: PATTERN`` line
    (:func:`_placed`) made ``text`` unreadable (a pattern without its closing ``.``), that
    line, named by its number: the parser stopped on a line after it, where the user's
    text is right."""
    if text == query.text or not _reads(query.text):
        return None
    where = f"{query.path}: " if query.path else ""
    for match in _PLACED.finditer(query.text):
        start, end = match.span()
        one = query.text[:start] + _placed(query.text[start:end], bindings) + query.text[end:]
        if one != query.text and not _reads(one):
            number = query.text.count("\n", 0, start) + 1
            return QueryError(
                f"{where}line {number}: the pattern of '# if bound ?{match['name']}:'"
                f" ({match['pattern'].strip()}) cannot stand there once ?{match['name']} is"
                " bound: the query reads without it, and not with it (a pattern ends with"
                " its '.', as in the query's own lines)",
                source=text,
            )
    return None


def _reads(text: str) -> bool:
    """Whether Oxigraph reads the SPARQL ``text`` (run on an empty store)."""
    import pyoxigraph as ox

    try:
        ox.Store().query(text, prefixes=NAMESPACES)
    except SyntaxError:
        return False
    except Exception:  # read, and failed otherwise: not a syntax error
        return True
    return True


def _syntax_error(exc: Exception, text: str, path: str = "") -> QueryError:
    """A syntax error of Oxigraph or rdflib, with its line and column, the line of the
    query it is on (a caret under the column), and the query's file (``path``, as the
    user named it) if it came from one. A prefix the query neither declares nor may leave
    undeclared is named as the cause, as is a prefixed name with a ``/`` in it (as the
    tables print the IRIs of the data), with its full IRI; an empty query is called
    empty. Oxigraph's lists of the characters it expected are cut short. Oxigraph puts
    many errors at the end of the text, whatever the cause (``FILTER(?c = )``); rdflib's
    parser then names the clause that cannot be read, where it is."""
    where = f"{path}: " if path else ""
    unknown = unknown_prefix_error(text, path)
    if unknown is not None:
        return unknown
    if not _masked(text).strip():
        what = "empty" if not text.strip() else "only comments"
        return QueryError(f"{where}there is no query: the text is {what}", source=text)
    slashed = _slashed_name(text)
    if slashed is not None:
        name, at_line, at_column = slashed
        prefix, _, local = name.partition(":")
        namespace = _declared_namespaces(text).get(prefix, NAMESPACES.get(prefix, "…"))
        # (SPARQL's escape, rgd:case\/…, is not unescaped by rdflib's parser)
        return QueryError(
            f"{where}SPARQL syntax error at line {at_line}, column {at_column}: a prefixed"
            f" name cannot hold '/' ({name}): write the full IRI, <{namespace}{local}>"
            + _pointer(text, at_line, at_column),
            source=text,
        )
    from pyparsing import ParseBaseException

    if isinstance(exc, ParseBaseException):  # rdflib's parser: where it stops, and the word
        stop = _rdflib_stop(text)
        if stop is not None:
            return _cannot_read(where, text, *stop)
        lines = text.rstrip().splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
        return QueryError(
            f"{where}SPARQL syntax error at line {line}, column {column}: the query ends"
            " before it is complete" + _pointer(text, line, column),
            source=text,
        )
    message = str(exc)
    found = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
    if found is None:
        return QueryError(f"{where}SPARQL syntax error: {_readable(message)}", source=text)
    line, column = int(found[1]), int(found[2])
    lines = text.rstrip().splitlines() or [""]
    if (line, column) >= (len(lines), len(lines[-1]) + 1):
        # at (or past) the end: the clause rdflib cannot read, if it stops before
        stop = _rdflib_stop(text)
        if stop is not None and stop[:2] < (line, column):
            return _cannot_read(where, text, *stop)
    return QueryError(
        f"{where}SPARQL syntax error at line {line}, column {column}: {_readable(found[3])}"
        + _missing_dot(text, line, column)
        + _pointer(text, line, column),
        source=text,
    )


def _missing_dot(text: str, line: int, column: int) -> str:
    """A hint when the parser stopped at a term that could begin a triple pattern right
    after one that could end one (``?s a rg:ReformCase`` and, on the next line, ``?s
    dcterms:title ?t``), where Oxigraph names what else it expected ("expected OPTIONAL"):
    a '.' left out between them; "" otherwise."""
    masked = _masked(text)
    lines = masked.splitlines(keepends=True)
    if line > len(lines):
        return ""
    at = sum(len(x) for x in lines[: line - 1]) + column - 1
    before = masked[:at].rstrip()
    starts = re.match(r"[?$<]|[A-Za-z][\w.\-]*:|:", masked[at:])
    ends = re.search(r"(?:[?$]\w+|>|[\w\-]:?[\w\-]*|\]|\))$", before)
    # a term that could begin a triple, after one that ends a pattern: its subject,
    # predicate and object since '{' or '.', its predicate and object since ';', or its
    # object since ','
    if starts and ends:
        pieces = re.split(r"([{.;,])", before)
        separator, last = (pieces[-2] if len(pieces) > 1 else "{"), pieces[-1].split()
        if len(last) >= {"{": 3, ".": 3, ";": 2, ",": 1}[separator]:
            return " (a '.' left out between two triple patterns?)"
    return ""


def _cannot_read(where: str, text: str, line: int, column: int, word: str) -> QueryError:
    return QueryError(
        f"{where}SPARQL syntax error at line {line}, column {column}: what begins with"
        f" {word!r} cannot be read as SPARQL"
        + _missing_dot(text, line, column)
        + _pointer(text, line, column),
        source=text,
    )


def _pointer(text: str, line: int, column: int) -> str:
    """The line ``line`` of ``text`` and a caret under ``column`` (from 1), as two lines to
    follow a message; a position past the end of the text points just after its last
    character. Tabs before the column stay tabs, and a Chinese (wide) character takes two
    spaces, so that the caret stays under it; a control or invisible character is shown
    by its symbol or escape, as a table shows it (printed, \\e[2J cleared the screen)."""
    lines = text.splitlines() or [""]
    if line > len(lines):
        while len(lines) > 1 and not lines[-1].strip():
            lines.pop()
        line, column = len(lines), len(lines[-1]) + 1
    source = lines[line - 1]
    before = _visible(source[: max(column - 1, 0)])
    pad = "".join("\t" if c == "\t" else " " * _width(c) for c in before)
    gutter = f"  {line} | "
    return f"\n{gutter}{_visible(source)}\n{' ' * (len(gutter) - 2)}| {pad}^"


#: A prefixed name whose local part has a ``/`` (the tables print ``rgd:case/…``): SPARQL
#: ends the name at the ``/`` (an escaped ``\/`` is allowed). A ``/`` followed by a
#: prefixed name or ``a`` is a property path (``rdf:type/rdfs:subClassOf``), not this.
_SLASHED_NAME = re.compile(
    r"(?<![\w?$:.\-])((?:[A-Za-z][\w.\-]*)?:(?:[\w.\-]|\\.)*"
    r"(?:(?<!\\)/(?!a\b)[\w.\-]+(?![\w.\-]*:))+)"
)


def _slashed_name(text: str) -> tuple[str, int, int] | None:
    """The first prefixed name of ``text`` with an unescaped ``/`` in it (outside strings,
    IRIs and comments), with its line and column (from 1); None if there is none."""
    masked = _masked(text)
    found = _SLASHED_NAME.search(masked)
    if found is None:
        return None
    line = masked.count("\n", 0, found.start()) + 1
    column = found.start() - (masked.rfind("\n", 0, found.start()) + 1) + 1
    return found[1], line, column


def _declared_namespaces(text: str) -> dict[str, str]:
    """The namespaces ``text`` declares (``PREFIX p: <…>``), by prefix."""
    return {
        m[1]: m[2]
        for m in re.finditer(r"\bPREFIX\s+((?:[A-Za-z][\w.\-]*)?)\s*:\s*<([^<>]*)>", text, re.I)
    }


def _rdflib_stop(text: str) -> tuple[int, int, str] | None:
    """Where rdflib's parser stops reading ``text``, as its line, its column (from 1) and
    the word there; None if it reads the text, or stops at its end."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    # pyparsing counts a tab as the spaces it expands to: a space keeps the positions
    flat = text.replace("\t", " ")
    try:
        prepareQuery(flat, initNs=NAMESPACES)
    except ParseBaseException as exc:
        if exc.loc >= len(flat.rstrip()):
            return None
        word = re.match(r"[^\s{}()]+|.", text[exc.loc :])
        return exc.lineno, exc.col, word[0] if word else text[exc.loc]
    except Exception:  # rdflib's other errors say nothing of where
        return None
    return None


def _readable(message: str) -> str:
    """Oxigraph's "expected one of …" without the character ranges of its grammar (six
    lines of ``'\\u{00C0}'..='\\u{00D6}' | …`` for a name that may come next)."""
    if "[" not in message:
        return " ".join(message.split())
    # a set of one character: that character
    message = re.sub(r"\[\s*'\\?([^'])'\s*\]", r'"\1"', message)
    # ranges of characters: the start or the rest of a name
    message = re.sub(r"\[[^\[\]]*(?:\.\.=|\\u\{)[^\[\]]*\]", "a character of a name", message)
    message = re.sub(r"\[_\]", "", message)  # anything at all
    head, sep, rest = message.partition("expected one of ")
    if sep:
        items = [item.strip() for item in re.findall(r'\s*("[^"]*"|[^,]+)\s*(?:,|$)', rest)]
        rest = ", ".join(dict.fromkeys(item for item in items if item))
        message = head + sep + rest
    return " ".join(message.split())


#: What a query's text is scanned for prefixed names: strings, IRIs and comments are
#: blanked out first (keeping every character's line and column).
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*'
)
_PREFIXED_NAME = re.compile(r"(?<![\w?$:.\-])((?:[A-Za-z][\w.\-]*)?):")
_PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+((?:[A-Za-z][\w.\-]*)?)\s*:", re.IGNORECASE)


def _masked(text: str) -> str:
    """``text`` with its strings, IRIs and comments as spaces (newlines kept)."""
    return _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)


#: A call of a SPARQL function that takes a regular expression, outside strings, IRIs and
#: comments (:func:`_masked`): its pattern is its second argument, its flags its third
#: (REGEX) or fourth (REPLACE).
_PATTERN_CALL = re.compile(r"(?<![\w?$:.\-])(REGEX|REPLACE)\s*\(", re.IGNORECASE)
#: The parts of a function's arguments: a string, an IRI or a comment (whole), a
#: parenthesis or a comma, anything else.
_ARGUMENT_PART = re.compile(r"(?P<opaque>" + _OPAQUE.pattern + r")|(?P<mark>[(),])|[^\"'<#(),]+|.")
_STRING = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
)
#: What SPARQL does with a pattern that is no regular expression.
_SILENT = (
    "; SPARQL takes such an error without a word, for false (a FILTER keeps no row, a BIND"
    " leaves its variable unbound)"
)
#: The flags of XPath's fn:matches, which SPARQL's REGEX and REPLACE take.
_REGEX_FLAGS = "smixq"


def _arguments(text: str, start: int) -> list[tuple[int, int]]:
    """The spans of the arguments of the call whose ``(`` ends at ``start``; [] if it is
    not closed."""
    spans: list[tuple[int, int]] = []
    depth = 0
    begin = start
    for part in _ARGUMENT_PART.finditer(text, start):
        mark = part["mark"]
        if mark == "(":
            depth += 1
        elif mark == ")" and depth:
            depth -= 1
        elif mark in (",", ")") and not depth:
            spans.append((begin, part.start()))
            if mark == ")":
                return spans
            begin = part.end()
    return []


def _pattern_problem(pattern: str, flags: str, *, rdflib: bool) -> tuple[bool, str] | None:
    """What is wrong with the literals ``pattern`` and ``flags`` (as the query writes
    them), if they are not a regular expression that the engine to run them runs: whether
    it is the flags, and the message. rdflib's engine compiles the pattern with Python's
    :mod:`re` (which raises), Oxigraph with Rust's regex crate (whose error SPARQL turns
    into false, or an unbound BIND). With ``rdflib``, the query runs on rdflib's engine,
    which ignores the flags q and x (and so gives other rows than Oxigraph)."""
    import pyoxigraph as ox

    probe = f"SELECT ?p ?f ?ok WHERE {{ BIND ({pattern} AS ?p) BIND ({flags} AS ?f) "
    probe += 'BIND (REGEX("", ?p, ?f) AS ?ok) }'
    try:
        solutions = ox.Store().query(probe)
    except (SyntaxError, ValueError, RuntimeError):  # a bad literal: the query says so
        return None
    assert isinstance(solutions, ox.QuerySolutions)
    solution = next(iter(solutions))
    value, given = solution["p"], solution["f"]
    if not isinstance(value, ox.Literal) or not isinstance(given, ox.Literal):
        return None
    unknown = sorted(set(given.value) - set(_REGEX_FLAGS))
    if unknown:
        return True, (
            f"the flags {_literal_shown(given.value)}: {', '.join(unknown)} is no flag"
            f" (SPARQL's are {', '.join(_REGEX_FLAGS)}){_SILENT}"
        )
    ignored = {"q": "read the pattern as a regular expression, not as text", "x": "keep its spaces"}
    for flag, instead in ignored.items():
        if rdflib and flag in given.value:
            return True, (
                f"the flags {_literal_shown(given.value)}: rdflib's engine (a graph of"
                f" load_graph) ignores the flag {flag}, and would {instead}, giving other rows"
                " than the build's store: query the build (pipeline.open_graph, the command"
                f" line), or write the pattern without {flag}"
            )
    python = 0
    for flag, bit in (("i", re.I), ("s", re.S), ("m", re.M), ("x", re.X)):
        if flag in given.value:
            python |= bit
    shown = f"the pattern {_literal_shown(value.value)}"
    try:
        # with q, the pattern is text: any text is one
        re.compile(re.escape(value.value) if "q" in given.value else value.value, python)
    except re.error as exc:
        python_error: re.error | None = exc
    else:
        python_error = None
    # rdflib's engine runs the pattern with Python's re, Oxigraph with Rust's regex crate:
    # each is judged by its own (Python's message, where it has one, says more)
    if python_error is not None and (rdflib or solution["ok"] is None):
        return False, f"{shown} is not a regular expression: {python_error}{_SILENT}"
    if not rdflib and solution["ok"] is None:
        return False, (
            f"{shown} is not a regular expression Oxigraph can run (it has no look-around,"
            f" no back-references and no \\p{{Is…}} blocks){_SILENT}"
        )
    return None


def _literal_shown(value: str) -> str:
    """A string as SPARQL writes it."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _refuse_bad_pattern(text: str, where: str | None = None, *, rdflib: bool = False) -> None:
    """Refuse SPARQL ``text`` whose REGEX or REPLACE is given a pattern (or flags) in the
    query's own text that is no regular expression, naming its line and column and the
    pattern. SPARQL takes the error of such a pattern, as it evaluates, for false (a
    FILTER keeps nothing, a BIND leaves its variable unbound): Oxigraph answered a typo
    with no rows, while rdflib's engine failed on it, naming neither the query nor the
    pattern. A pattern that the query computes, or binds, is left to the engine.
    ``where`` names the query file in the message; ``rdflib``: the query is to run on
    rdflib's engine."""
    if "regex" not in text.lower() and "replace" not in text.lower():
        return
    for call in _PATTERN_CALL.finditer(_masked(text)):
        arguments = _arguments(text, call.end())
        flags_at = 2 if call[1].upper() == "REGEX" else 3
        if len(arguments) <= 1 or len(arguments) > flags_at + 1:
            continue
        literals = [text[a:b].strip() for a, b in arguments]
        constant = [1] + ([flags_at] if len(arguments) > flags_at else [])
        if not all(_STRING.fullmatch(literals[i]) for i in constant):
            continue
        flags = literals[flags_at] if len(arguments) > flags_at else '""'
        problem = _pattern_problem(literals[1], flags, rdflib=rdflib)
        if problem is None:
            continue
        in_flags, reason = problem
        begin, end = arguments[flags_at if in_flags else 1]
        at = begin + len(text[begin:end]) - len(text[begin:end].lstrip())
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        named = f"{where}: " if where else ""
        raise QueryError(
            f"{named}line {line}, column {column}: {call[1].upper()}: {reason}"
            + _pointer(text, line, column),
            source=text,
        )


_ONTOLOGY_TERMS: set[str] = set()


def _ontology_terms() -> set[str]:
    """Every IRI of the ``rg:`` namespace the packaged ontology names (its classes,
    properties and individuals), read once per process."""
    found = _ONTOLOGY_TERMS
    if not found:
        import pyoxigraph as ox

        from reformgraph.project import ontology_file

        namespace = NAMESPACES["rg"]
        path = ontology_file("reformgraph.ttl")
        for quad in ox.parse(path.read_bytes(), ox.RdfFormat.TURTLE, base_iri=path.as_uri()):
            for term in (quad.subject, quad.predicate, quad.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(namespace):
                    found.add(term.value)
    return found


_RG_NAME = re.compile(r"(?<![\w?$:.\-])rg:((?:[A-Za-z_0-9][\w\-.]*[\w\-])|[A-Za-z_0-9])")


def unknown_terms(text: str) -> list[str]:
    """A warning for each term of the ``rg:`` namespace that ``text`` names (as ``rg:…``
    or as a full IRI) and the ontology does not have, with the nearest ones it has: a
    misspelt class or property (``rg:ReformCas``) matches nothing, and the query answers
    no rows without a word."""
    namespace = NAMESPACES["rg"]
    masked = _masked(text)
    declared = {m[1]: m.end() for m in _PREFIX_DECLARATION.finditer(masked)}
    named: list[str] = []
    if "rg" not in declared or re.match(rf"\s*<{re.escape(namespace)}>", text[declared["rg"] :]):
        named += [m[1] for m in _RG_NAME.finditer(masked) if m.start() not in declared.values()]
    for found in _OPAQUE.finditer(text):
        iri = found[0]
        if iri.startswith(f"<{namespace}") and iri.endswith(">") and len(iri) > len(namespace) + 2:
            named.append(iri[len(namespace) + 1 : -1])
    terms = _ontology_terms()
    if not terms:
        return []
    known = sorted(term[len(namespace) :] for term in terms)
    warnings = []
    for local in dict.fromkeys(named):
        if namespace + local in terms:
            continue
        near = closest(local, known, cutoff=0.6)
        hint = f" (did you mean {', '.join(f'rg:{n}' for n in near)}?)" if near else ""
        warnings.append(f"rg:{local} is not a term of the reformgraph ontology{hint}")
    return warnings


def unknown_prefix(text: str) -> tuple[str, int, int] | None:
    """The first prefix ``text`` uses without declaring it and that is not one of
    :data:`~reformgraph.vocab.NAMESPACES` (which every engine knows), with its line and
    column (from 1); None if there is none."""
    masked = _masked(text)
    declared = {m[1] for m in _PREFIX_DECLARATION.finditer(masked)}
    declarations = {m.start(1) for m in _PREFIX_DECLARATION.finditer(masked)}
    for found in _PREFIXED_NAME.finditer(masked):
        prefix = found[1]
        if found.start(1) in declarations or prefix in declared or prefix in NAMESPACES:
            continue
        line = masked.count("\n", 0, found.start()) + 1
        column = found.start() - (masked.rfind("\n", 0, found.start()) + 1) + 1
        return prefix, line, column
    return None


def unknown_prefix_error(text: str, path: str = "") -> QueryError | None:
    """The error for the first prefix ``text`` uses that it may not leave undeclared."""
    unknown = unknown_prefix(text)
    if unknown is None:
        return None
    prefix, line, column = unknown
    where = f"{path}: " if path else ""
    known = ", ".join(f"{name}:" for name in NAMESPACES)
    return QueryError(
        f"{where}SPARQL syntax error at line {line}, column {column}: unknown prefix"
        f" {prefix}: declare it (PREFIX {prefix}: <…>) before the query; these need no"
        f" declaration: {known}" + _pointer(text, line, column),
        source=text,
    )


def with_prefixes(text: str) -> str:
    """``text`` with a ``PREFIX`` declaration, before it, for each prefix of
    :data:`~reformgraph.vocab.NAMESPACES` it uses without declaring it: for an engine that
    is not told them otherwise (a remote endpoint). The declarations share the text's first
    line, so that an error's line is the line of the text (its column, on the first line,
    is :func:`len` of what was put before it more). Locally, the engines are given the
    prefixes (so that the lines and columns of errors stay those of the text)."""
    masked = _masked(text)
    declared = {m[1] for m in _PREFIX_DECLARATION.finditer(masked)}
    used = {m[1] for m in _PREFIXED_NAME.finditer(masked)}
    missing = [name for name in NAMESPACES if name in used and name not in declared]
    if not missing:
        return text
    return "".join(f"PREFIX {name}: <{NAMESPACES[name]}> " for name in missing) + text


def prepare(text: str, path: str = "") -> object:
    """Parse SPARQL text with rdflib; raise :class:`QueryError` with line and column (and
    ``path``, the file the text came from, if given). The prefixes of
    :data:`~reformgraph.vocab.NAMESPACES` need no declaration, as on the other engines."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    where = f"{path}: " if path else ""
    # rdflib would also take the prefixes it binds itself (brick:, foaf: …), which the
    # other engines do not: refused here as there.
    unknown = unknown_prefix_error(text, path)
    if unknown is not None:
        raise unknown
    try:
        return prepareQuery(text, initNs=NAMESPACES)
    except ParseBaseException as exc:
        raise _syntax_error(exc, text, path) from None
    except Exception as exc:  # rdflib raises plain exceptions for some invalid queries
        raise QueryError(f"{where}invalid SPARQL: {exc}", source=text) from exc


def run_query(
    graph: Graph, query: SavedQuery, bindings: Mapping[str, Any] | None = None
) -> QueryResult:
    """Run a query on an rdflib graph: by rdflib's own SPARQL engine, or by Oxigraph's for
    a graph over an Oxigraph store (:func:`reformgraph.pipeline.open_graph`, or any graph
    of oxrdflib's ``Oxigraph`` store). Either way the rows are rdflib terms, and a failure
    is a :class:`QueryError`."""
    for name, term in (bindings or {}).items():
        if isinstance(term, str) and not hasattr(term, "n3"):  # text, not an RDF term
            raise QueryError(
                f"binding {name}: {term!r} is text, not an RDF term: make the bindings with"
                " bind_params(query, {name: text}), or use pipeline.query, which does"
            )
    refuse_service(query.text, query.path)  # rdflib's engine too would send it away
    _refuse_bad_pattern(query.text, query.path, rdflib=not _on_oxigraph(graph))
    for name, ask in case_checks(query, bindings):
        if not graph.query(ask).askAnswer:
            cases = (tuple(row) for row in graph.query(CASE_IDS))  # type: ignore[arg-type]
            raise no_such_case(name, bindings or {}, cases)
    given = bindings
    text, bindings = _with_classes(query.text, bindings)
    if not _on_oxigraph(graph):
        text, bindings = _computed_as_values(text, bindings)
    initial = {
        name: term.to_rdflib() if isinstance(term, Term) else term
        for name, term in bindings.items()
    }
    try:
        if _on_oxigraph(graph):
            # The text, not rdflib's parse of it: oxrdflib hands text to Oxigraph, and leaves
            # a parsed query to rdflib's engine (which would read the store triple by
            # triple). The prefixes given are all it may leave undeclared, as elsewhere.
            result = _opened(
                lambda opened: graph.query(opened, initNs=NAMESPACES, initBindings=initial),
                text,
                bindings,
            )
        else:
            try:
                prepared = prepare(text, query.path)
            except QueryError:
                placed = placed_line_error(text, query, given)
                if placed is None:
                    raise
                raise placed from None
            result = graph.query(prepared, initBindings=initial)  # type: ignore[arg-type]
        # rdflib evaluates as the rows are read: its errors come from here too.
        return _collected(result)
    except (ReformgraphError, Warning):  # a bad query, a closed graph: said already; a
        raise  # warning the user's filters made an error (BuildChangedWarning) is theirs
    except SyntaxError as exc:
        raise _placed_syntax_error(exc, text, query, given) from None
    except Exception as exc:  # each engine, and what it calls (re, urllib), raises its own
        # chained: an error of reformgraph's own code keeps its traceback as the cause
        raise _failed(exc, text, query.path) from exc


def _collected(result: Any) -> QueryResult:
    """The rows (or the answer, or the triples) of an rdflib query result."""
    from rdflib import Graph

    if result.type == "SELECT":
        variables = [str(v) for v in (result.vars or [])]
        rows = [tuple(row) for row in result]
        return QueryResult(variables=variables, rows=rows)
    if result.type == "ASK":
        return QueryResult(variables=[], boolean=bool(result.askAnswer))
    out = Graph()
    for triple in result:
        out.add(triple)
    return QueryResult(
        variables=["subject", "predicate", "object"],
        graph=out,
        rows=sorted(out, key=lambda t: tuple(str(x) for x in t)),
    )


def _on_oxigraph(graph: Graph) -> bool:
    """Whether ``graph`` lives in an oxrdflib store (which evaluates SPARQL text itself)."""
    import sys

    oxrdflib = sys.modules.get("oxrdflib")  # not imported: no graph can be in its store
    return oxrdflib is not None and isinstance(graph.store, oxrdflib.OxigraphStore)


def run_query_on_store(
    store: ox.Store,
    query: SavedQuery,
    bindings: Mapping[str, Term] | None = None,
    *,
    union: bool | None = None,
) -> QueryResult:
    """Run a query on an Oxigraph store (the fast engine). It sees the data and the
    ontology (``union``: see :func:`reformgraph.engine.run_sparql`)."""
    refuse_service(query.text, query.path)
    _refuse_bad_pattern(query.text, query.path)
    _check_cases_on_store(store, query, bindings, union)
    text, single = _with_classes(query.text, bindings)
    terms = {name: term.to_oxigraph() for name, term in single.items()}
    try:
        result: EngineResult = _opened(
            lambda opened: run_sparql(store, opened, terms, union=union), text, single
        )
    except SyntaxError as exc:
        raise _placed_syntax_error(exc, text, query, bindings) from None
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise _failed(exc, text, query.path) from None
    return QueryResult(variables=result.variables, rows=result.rows, boolean=result.boolean)


def stream_query_on_store(
    store: ox.Store,
    query: SavedQuery,
    bindings: Mapping[str, Term] | None = None,
    *,
    union: bool | None = None,
) -> QueryStream:
    """:func:`run_query_on_store` without holding the answer: the rows come from the store
    as they are read, so that :func:`write_csv` and :func:`write_json` export an answer of
    any size in little memory. Syntax errors are raised here, as :class:`QueryError`."""
    refuse_service(query.text, query.path)
    _refuse_bad_pattern(query.text, query.path)
    _check_cases_on_store(store, query, bindings, union)
    text, single = _with_classes(query.text, bindings)
    terms = {name: term.to_oxigraph() for name, term in single.items()}
    try:
        result = _opened(
            lambda opened: stream_sparql(store, opened, terms, union=union), text, single
        )
    except SyntaxError as exc:
        raise _placed_syntax_error(exc, text, query, bindings) from None
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise _failed(exc, text, query.path) from None
    return QueryStream(result.variables, _checked(result.rows, text, query.path), result.boolean)


def _checked(
    rows: Iterator[tuple[Any, ...]], text: str, where: str | None = None
) -> Iterator[tuple[Any, ...]]:
    """The rows, with the store's failures while evaluating as :class:`QueryError`."""
    try:
        yield from rows
    except (OSError, ValueError, TypeError, RuntimeError) as exc:
        raise _failed(exc, text, where) from None


def _failed(exc: BaseException, text: str, where: str | None) -> QueryError:
    """A query that failed as it ran (an engine's own error), naming its file if it has
    one, as its other errors do."""
    named = f"{where}: " if where else ""
    return QueryError(f"{named}query failed: {exc}", source=text)


# --------------------------------------------------------------------------- output


def term_text(term: Any) -> str:
    """A term as plain text, as the W3C SPARQL 1.1 CSV results format writes it: IRIs in
    full, literals by their lexical form, blank nodes as ``_:label``."""
    if term is None:
        return ""
    kind, value, _language, _datatype = term_parts(term)
    return f"_:{value}" if kind == "bnode" else value


def display_term(term: Any, prefixes: Mapping[str, str]) -> str:
    """A term as a person reads it in a table: IRIs shortened with ``prefixes``,
    decimals without trailing zeros, other literals by their lexical form, with each
    control character but the line break and the tab shown by its symbol, and each
    invisible character by its escape (see :func:`_visible`)."""
    if term is None:
        return ""
    return _visible(_display_term(term, prefixes))


#: The characters a table shows by a symbol or an escape: the control characters, C0 (but
#: the tab and the line break), DEL and C1, and the invisible ones (zero-width, the
#: controls of the direction of text: :mod:`reformgraph._unshown`).
_TABLE_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}{INVISIBLE_CHARACTERS}]")


def _visible(text: str) -> str:
    """``text`` with each control character shown by its symbol (U+241B for the escape,
    U+2421 for DEL; a C1 one as \\u0085 …): a terminal takes one for a command, and the
    literals of an RDF file from someone else (``--graph``) may hold any (\\e]8;; links
    text to an address, \\e[2J clears the screen). Each invisible character is shown as
    its escape (\\u200b, \\u202e): a label holding one looked like another, and a
    direction control (U+202E RIGHT-TO-LEFT OVERRIDE) reordered the row after it."""
    if _TABLE_CONTROL.search(text) is None:
        return text
    text = text.replace("\r\n", "\n")  # a line break, as written on Windows

    def symbol(match: re.Match[str]) -> str:
        code = ord(match[0])
        if code < 0x20:
            return chr(0x2400 + code)
        if code == 0x7F:
            return "\u2421"
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return _TABLE_CONTROL.sub(symbol, text)


def _display_term(term: Any, prefixes: Mapping[str, str]) -> str:
    kind, value, _language, datatype = term_parts(term)
    if kind == "bnode":  # as Turtle and the CSV write it, not to be taken for a string
        return f"_:{value}"
    if kind == "uri":
        for prefix, namespace in prefixes.items():
            if value.startswith(namespace):
                return f"{prefix}:{value[len(namespace) :]}"
        return value
    if datatype == "http://www.w3.org/2001/XMLSchema#decimal":
        from decimal import Decimal, InvalidOperation

        try:
            number = Decimal(value)
        except InvalidOperation:
            return value
        if number == number.to_integral_value():
            return f"{int(number)}"
        return f"{number.normalize():f}"  # 2.50 of another graph as 2.5
    return value


def _width(text: str) -> int:
    """Columns a text takes in a terminal: Chinese (wide) characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def format_table(result: QueryResult, prefixes: Mapping[str, str]) -> str:
    """A plain-text table for files and pipes: one line per row, columns aligned, cells
    on one line (newlines shown as ⏎), then the row count; a yes/no for ASK."""
    if result.boolean is not None:
        return "yes\n" if result.boolean else "no\n"
    cells = [
        [display_term(term, prefixes).replace("\r\n", "⏎").replace("\n", "⏎") for term in row]
        for row in result.rows
    ]
    header = list(result.variables)
    widths = [
        max([_width(name), *(_width(row[i]) for row in cells)]) for i, name in enumerate(header)
    ]

    def line(values: list[str]) -> str:
        padded = [v + " " * (w - _width(v)) for v, w in zip(values, widths, strict=True)]
        return "  ".join(padded).rstrip() + "\n"

    rule = "  ".join("-" * w for w in widths) + "\n"
    body = "".join(line(row) for row in cells)
    return line(header) + rule + body + f"{len(result.rows)} row(s)\n"


#: Rows of CSV or JSON gathered before each write to the output.
_ROWS_PER_WRITE = 1000


def _write_all(out: BinaryIO, data: bytes) -> None:
    """Write all of ``data``: an unbuffered output (``python -u``, ``PYTHONUNBUFFERED``) may
    take part of it, as a pipe whose reader has gone does without an error. The loop's next
    write then raises BrokenPipeError, as the caller expects."""
    view = memoryview(data)
    while view:
        written = out.write(view)
        if written is None:  # a non-blocking output that would block: not ours to wait
            raise BlockingIOError(11, "the output would block")
        if written == 0:
            raise BrokenPipeError(32, "Broken pipe")
        view = view[written:]


#: The answer formats a file's suffix names (a file of another suffix needs one said).
FORMAT_OF_SUFFIX = {
    ".csv": "csv",
    ".json": "json",
    ".srj": "json",
    ".nt": "nt",
    ".ttl": "ttl",
}
#: The formats of a graph, the answer of a CONSTRUCT or DESCRIBE query: N-Triples, Turtle.
GRAPH_FORMATS = ("nt", "ttl")


def query_form(text: str) -> str:
    """The form of a query: ``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE`` (its first
    such keyword outside comments, strings and IRIs; ``SELECT`` if none)."""
    form = _QUERY_FORM.search(_masked(text))
    return form[1].upper() if form is not None else "SELECT"


#: FROM (NAMED) or GRAPH as a keyword: not a variable (?graph), nor part of a prefixed name.
_GRAPH_KEYWORD = re.compile(r"(?<![\w?$:\-])(?:FROM|GRAPH)(?![\w:\-])", re.IGNORECASE)


def names_its_graphs(text: str) -> bool:
    """Whether a query names the graphs it reads, with ``FROM`` or ``GRAPH``, outside its
    comments, strings and IRIs (a comment's "from the node itself" names none)."""
    return _GRAPH_KEYWORD.search(_masked(text)) is not None


def check_graph_format(text: str, output_format: str) -> None:
    """Raise :class:`QueryError` when ``output_format`` is a graph's (nt, ttl) and the
    query is not a CONSTRUCT or DESCRIBE: its answer is rows, not triples."""
    form = query_form(text)
    if output_format in GRAPH_FORMATS and form not in ("CONSTRUCT", "DESCRIBE"):
        raise QueryError(
            f"format {output_format!r} writes the graph a CONSTRUCT or DESCRIBE query answers;"
            f" this is {'an' if form == 'ASK' else 'a'} {form} query, whose answer is"
            f" {'yes or no' if form == 'ASK' else 'rows'}: use table, csv or json"
        )


def write_graph(result: QueryResult | QueryStream, out: BinaryIO, output_format: str) -> int:
    """Write the triples of a CONSTRUCT or DESCRIBE answer as N-Triples (``"nt"``) or as
    Turtle (``"ttl"``, with reformgraph's prefixes), in the answer's order (sorted, so the
    same answer gives the same bytes). Returns the number of triples."""
    import pyoxigraph as ox

    if result.boolean is not None or result.variables != ["subject", "predicate", "object"]:
        raise QueryError(f"{output_format}: the answer is not a graph: use table, csv or json")
    triples = [ox.Triple(*(_oxigraph_term(term) for term in row)) for row in result.rows]
    if any(isinstance(t, ox.BlankNode) for triple in triples for t in (triple[0], triple[2])):
        triples = _canonical_triples(triples)
    if output_format == "nt":
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    else:  # the prefixes of the namespaces the triples use
        iris = {t.value for triple in triples for t in triple if isinstance(t, ox.NamedNode)}
        iris |= {  # a language-tagged literal's rdf:langString is not written
            t.datatype.value
            for triple in triples
            for t in triple
            if isinstance(t, ox.Literal) and t.language is None
        }
        used = {
            prefix: str(namespace)
            for prefix, namespace in NAMESPACES.items()
            if any(iri.startswith(str(namespace)) for iri in iris)
        }
        data = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used)
    _write_all(out, data or b"")
    return len(triples)


def _canonical_triples(triples: list[Any]) -> list[Any]:
    """The triples with their blank nodes named by the graph's shape rather than by the
    engine (each run of a CONSTRUCT makes new ones), sorted again by the new names: the
    same answer gives the same bytes from every engine and every run."""
    import pyoxigraph as ox

    dataset = ox.Dataset(ox.Quad(*triple) for triple in triples)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    canonical = [ox.Triple(quad.subject, quad.predicate, quad.object) for quad in dataset]
    canonical.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return canonical


def _oxigraph_term(term: Any) -> Any:
    """A pyoxigraph term of a pyoxigraph or rdflib one."""
    import pyoxigraph as ox

    kind, value, language, datatype = term_parts(term)
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(value)
    if language is not None:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=None if datatype is None else ox.NamedNode(datatype))


#: What a spreadsheet may take a cell beginning with for a formula: OWASP's "CSV Injection"
#: list (= + - @, the tab, the carriage return and the line feed); the full-width = + - @
#: (U+FF1D, U+FF0B, U+FF0D, U+FF20), which Excel in a Japanese locale (as reported to
#: OWASP) and Apple Numbers take for the ASCII ones (OWASP's testing guide lists them);
#: and the NUL that OWASP ASVS 1.2.10 adds.
FORMULA_STARTS = (
    *("=", "+", "-", "@", "\t", "\r", "\n"),  # OWASP's "CSV Injection"
    *("\uff1d", "\uff0b", "\uff0d", "\uff20"),  # their full-width forms
    "\0",  # OWASP ASVS 1.2.10
)
#: The XML Schema number datatypes, each with the lexical form of its finite numbers: a
#: literal of one that has such a form (-3, -2.5, -1.5E3) is a number to a spreadsheet,
#: not a formula. INF, -INF and NaN are no numbers to a spreadsheet: -INF is quoted.
_NUMBER_FORMS = {
    **dict.fromkeys(
        (
            f"{XSD}{name}"
            for name in (
                "integer long int short byte nonPositiveInteger negativeInteger"
                " nonNegativeInteger positiveInteger unsignedLong unsignedInt unsignedShort"
                " unsignedByte"
            ).split()
        ),
        _INTEGER,
    ),
    f"{XSD}decimal": _DECIMAL,
    **dict.fromkeys(
        (f"{XSD}double", f"{XSD}float"),
        re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
    ),
}


def excel_safe_text(term: Any) -> str:
    """A term as :func:`term_text` writes it, but with a single quote (') before a text
    that begins with a character of :data:`FORMULA_STARTS`, or with spaces and then one
    (LibreOffice, asked to trim spaces on import, runs `` =1+1``), so that a spreadsheet
    shows it as text instead of running it as a formula (OWASP's advice against "CSV
    Injection").
    A number is left as it is: a literal of an XML Schema number datatype (xsd:integer and
    the integer types derived from it, xsd:decimal, xsd:double, xsd:float) whose text is a
    finite number of that datatype's lexical form (-3, -2.5, -1.5E3). The same text in a
    string (``"-3"``, ``"-3"@zh``), and ``-INF``, are quoted.

    A text with a semicolon that begins with one, or with a double quote, is quoted too:
    :func:`write_csv` puts each value of a file for a spreadsheet between double quotes,
    so that a spreadsheet that splits the file at ``;`` (Excel in some locales,
    LibreOffice when asked to) keeps ``a;=1+1`` one cell; it would take the opening quote
    and such a first character for the end of the quoted value."""
    if term is None:
        return ""
    kind, text, _language, datatype = term_parts(term)  # text: as term_text gives it
    if kind == "bnode":
        return f"_:{text}"
    if text.startswith((";", '"')) and ";" in text:
        return "'" + text
    if not text.lstrip(" ").startswith(FORMULA_STARTS):  # LibreOffice may trim spaces
        return text
    form = _NUMBER_FORMS.get(datatype or "")
    if form is not None and form.fullmatch(text):
        return text
    return "'" + text


def write_csv(result: QueryResult | QueryStream, out: BinaryIO, *, excel_safe: bool = False) -> int:
    """Write CSV in UTF-8 with a byte-order mark, so that Excel shows the Chinese intact;
    the rows are written as they come, a thousand at a time. Returns the number of rows.

    Each value is written as the W3C SPARQL 1.1 CSV results format writes it. With
    ``excel_safe``, a value a spreadsheet would run as a formula (one that begins with
    = + - @ or their full-width forms, a tab, a carriage return, a line feed or a NUL, and
    is not a number) begins with a single quote (see :func:`excel_safe_text`), and every
    value is put between double quotes, as OWASP advises: a spreadsheet that splits the
    file at ``;`` instead of ``,`` then keeps a value with a ``;`` one cell, instead of
    making a cell of what follows the ``;`` (``=1+1`` of ``a;=1+1``). For a file to open
    in a spreadsheet, no longer the W3C format (``'=x`` is not the value ``=x``)."""
    import csv
    import io

    cell = excel_safe_text if excel_safe else term_text
    buffer = io.StringIO()
    if excel_safe:
        writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    else:
        writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    if result.boolean is not None:  # ASK: one column, as the JSON's "boolean" member
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
        _write_all(out, buffer.getvalue().encode("utf-8"))
        return 0
    writer.writerow(result.variables)
    count = 0
    for count, row in enumerate(result.rows, 1):
        writer.writerow([cell(term) for term in row])
        if count % _ROWS_PER_WRITE == 0:
            _write_all(out, buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()
    _write_all(out, buffer.getvalue().encode("utf-8"))
    return count


def format_csv(result: QueryResult, *, excel_safe: bool = False) -> bytes:
    """The CSV of :func:`write_csv` (``excel_safe`` as there), as bytes."""
    import io

    buffer = io.BytesIO()
    write_csv(result, buffer, excel_safe=excel_safe)
    return buffer.getvalue()


def _json_term(term: Any) -> dict[str, str]:
    kind, value, language, datatype = term_parts(term)
    out = {"type": kind, "value": value}
    if language:
        out["xml:lang"] = language
    elif datatype:
        out["datatype"] = datatype
    return out


def write_json(result: QueryResult | QueryStream, out: BinaryIO) -> int:
    """Write the W3C SPARQL 1.1 Query Results JSON Format, indented by two spaces; the
    bindings are written as they come, a thousand at a time. The bytes are those of
    ``json.dumps`` of the whole document (UTF-8, not ASCII-escaped), followed by a newline.
    Returns the number of rows."""
    import json

    def dumped(value: object, depth: int) -> str:
        """``value`` as json.dumps writes it nested ``depth`` levels deep."""
        text = json.dumps(value, ensure_ascii=False, indent=2)
        return text.replace("\n", "\n" + "  " * depth)

    if result.boolean is not None:
        document = {"head": {}, "boolean": result.boolean}
        _write_all(out, (dumped(document, 0) + "\n").encode("utf-8"))
        return 0
    variables = result.variables
    parts = ['{\n  "head": {\n    "vars": ', dumped(variables, 2), '\n  },\n  "results": {\n']
    parts.append('    "bindings": [')
    count = 0
    for count, row in enumerate(result.rows, 1):
        binding = {
            var: _json_term(term)
            for var, term in zip(variables, row, strict=False)
            if term is not None
        }
        parts.append(("\n      " if count == 1 else ",\n      ") + dumped(binding, 3))
        if count % _ROWS_PER_WRITE == 0:
            _write_all(out, "".join(parts).encode("utf-8"))
            parts.clear()
    parts.append("\n    ]\n  }\n}\n" if count else "]\n  }\n}\n")
    _write_all(out, "".join(parts).encode("utf-8"))
    return count


def format_json(result: QueryResult) -> bytes:
    """The JSON of :func:`write_json`, as bytes."""
    import io

    buffer = io.BytesIO()
    write_json(result, buffer)
    return buffer.getvalue()


def python_value(term: Any) -> object:
    """A term as a plain Python value: numbers as int or float, everything else as text."""
    if term is None:
        return None
    kind, value, _language, datatype = term_parts(term)
    if kind != "literal" or datatype is None:
        return value
    local = datatype.rsplit("#", 1)[-1]
    if local in ("integer", "int", "long", "positiveInteger", "nonNegativeInteger"):
        return int(value)
    if local == "decimal":
        from decimal import Decimal

        number = Decimal(value)
        return int(number) if number == number.to_integral_value() else float(number)
    if local in ("double", "float"):
        return float(value)
    if local == "boolean":
        return value in ("true", "1")
    return value


def to_dataframe(result: QueryResult) -> Any:
    """The rows of a result as a pandas DataFrame (pandas must be installed): a column
    for each variable, each term as :func:`python_value` gives it (numbers as int or
    float, IRIs and other literals as text, unbound as missing); an ASK's answer as one
    ``boolean`` column, a CONSTRUCT's triples as ``subject``, ``predicate``, ``object``."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise QueryError("to_dataframe needs pandas: pip install pandas") from None
    if result.boolean is not None:  # ASK: one column, as the CSV and JSON give it
        return pd.DataFrame({"boolean": [result.boolean]})
    rows = [[python_value(term) for term in row] for row in result.rows]
    return pd.DataFrame(rows, columns=result.variables)

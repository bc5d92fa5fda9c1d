"""Saved SPARQL queries (package data) and running queries on the graph.

Each saved query is one ``.rq`` file in ``reformgraph/queries/`` with a header::

    # question: Which reform cases are there …?
    # question@zh: 有哪些改革案例……?
    # param case (case): only this case (its id or IRI)
    # column ?case: the case (IRI)

Parameters are bound as RDF terms through the engine's initial bindings; their values
are never pasted into the query text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from pathlib import Path
from typing import Any

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from reformgraph.errors import QueryError
from reformgraph.models import DATA

__all__ = [
    "PARAM_TYPES",
    "Column",
    "Param",
    "QueryResult",
    "SavedQuery",
    "bind_params",
    "format_csv",
    "format_json",
    "load_query",
    "run_query",
    "saved_queries",
    "saved_query",
    "to_dataframe",
]

#: The types a saved query's parameter may declare.
PARAM_TYPES = ("iri", "case", "string", "zh", "en", "integer", "decimal")

_HEADER = re.compile(r"^#\s*(?P<key>question(?:@zh)?|param|column)\s*(?P<rest>.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_]\w*)\s*\((?P<type>[a-z]+)\)\s*:\s*(?P<doc>.+)$")
_COLUMN = re.compile(r"^\?(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<doc>.+)$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    doc: str


@dataclass(frozen=True)
class Column:
    name: str
    doc: str


@dataclass(frozen=True)
class SavedQuery:
    """A query with its documented question, parameters and output columns."""

    name: str
    text: str
    question: str = ""
    question_zh: str = ""
    params: tuple[Param, ...] = ()
    columns: tuple[Column, ...] = ()
    path: str = ""

    @property
    def is_violation_check(self) -> bool:
        return self.name.endswith("-violation")


@dataclass(frozen=True)
class QueryResult:
    """Rows of a SELECT query (or the triples of a CONSTRUCT, as a graph)."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    graph: Graph | None = None
    boolean: bool | None = None


def parse_header(name: str, text: str, path: str = "") -> SavedQuery:
    """Read the ``# question/param/column`` header of a query file."""
    question = question_zh = ""
    params: list[Param] = []
    columns: list[Column] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER.match(line)
        if match is None:
            continue
        key, rest = match["key"], match["rest"].lstrip(":").strip()
        if key == "question":
            question = rest
        elif key == "question@zh":
            question_zh = rest
        elif key == "param":
            param = _PARAM.match(rest)
            if param is None or param["type"] not in PARAM_TYPES:
                raise QueryError(
                    f"{path or name}: bad parameter line {line!r}"
                    " (write: # param NAME (TYPE): what it does;"
                    f" TYPE is one of {', '.join(PARAM_TYPES)})"
                )
            params.append(Param(param["name"], param["type"], param["doc"]))
        else:
            column = _COLUMN.match(rest)
            if column is None:
                raise QueryError(
                    f"{path or name}: bad column line {line!r} (write: # column ?name: meaning)"
                )
            columns.append(Column(column["name"], column["doc"]))
    return SavedQuery(
        name=name,
        text=text,
        question=question,
        question_zh=question_zh,
        params=tuple(params),
        columns=tuple(columns),
        path=path,
    )


def saved_queries() -> dict[str, SavedQuery]:
    """Every saved query shipped with reformgraph, by name."""
    folder = files("reformgraph") / "queries"
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".rq"):
            name = entry.name[: -len(".rq")]
            out[name] = parse_header(
                name, entry.read_text(encoding="utf-8"), f"queries/{entry.name}"
            )
    return out


def saved_query(name: str) -> SavedQuery:
    queries = saved_queries()
    if name not in queries:
        raise QueryError(f"no saved query named {name!r} (see: reformgraph query --list)")
    return queries[name]


_SPARQL_START = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(PREFIX|BASE|SELECT|CONSTRUCT|ASK|DESCRIBE)\b", re.IGNORECASE
)


def load_query(spec: str, cwd: Path) -> SavedQuery:
    """A saved query's name, a path to a ``.rq`` file, or SPARQL text."""
    if re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", spec):
        return saved_query(spec)
    if spec.endswith((".rq", ".sparql")) and "\n" not in spec:
        path = Path(spec)
        if not path.is_absolute():
            path = cwd / path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise QueryError(f"{spec}: no such query file") from None
        except UnicodeDecodeError:
            raise QueryError(f"{spec}: not UTF-8") from None
        return parse_header(path.stem, text, spec)
    if _SPARQL_START.match(spec):
        return SavedQuery(name="(query text)", text=spec)
    raise QueryError(
        f"{spec!r} is not a saved query, a .rq file or SPARQL text (see: reformgraph query --list)"
    )


def _convert(param: Param, value: str) -> Node:
    kind = param.type
    if kind in ("iri", "case"):
        text = value.strip()
        if text.startswith("<") and text.endswith(">"):
            text = text[1:-1]
        if kind == "case" and re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text):
            return DATA[f"case/{text}"]
        if not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", text, re.IGNORECASE) or any(
            c in text for c in '<>"{}|^`\\'
        ):
            raise QueryError(f"parameter {param.name}: {value!r} is not an IRI")
        return URIRef(text)
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"parameter {param.name}: {value!r} is not an integer")
        return Literal(int(value), datatype=XSD.integer)
    if kind == "decimal":
        try:
            return Literal(Decimal(value.strip()), datatype=XSD.decimal)
        except InvalidOperation:
            raise QueryError(f"parameter {param.name}: {value!r} is not a number") from None
    if kind in ("zh", "en"):
        return Literal(value, lang=kind)
    return Literal(value)


def bind_params(query: SavedQuery, values: Mapping[str, str]) -> dict[str, Node]:
    """Turn ``NAME=VALUE`` strings into RDF terms of the types the query declares."""
    declared = {p.name: p for p in query.params}
    bindings: dict[str, Node] = {}
    for name, value in values.items():
        param = declared.get(name)
        if param is None:
            if query.params or query.path:
                known = ", ".join(declared) or "none"
                raise QueryError(
                    f"query {query.name!r} has no parameter {name!r} (its parameters: {known})"
                )
            # Ad-hoc SPARQL text: any variable may be bound, as a plain literal or an IRI.
            param = Param(name, "iri" if re.match(r"^<?https?://", value) else "string", "")
        bindings[name] = _convert(param, value)
    return bindings


def _syntax_error(exc: Exception, text: str) -> QueryError:
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "col", None)
    message = getattr(exc, "msg", None) or str(exc)
    if line is not None and column is not None:
        return QueryError(
            f"SPARQL syntax error at line {line}, column {column}: {message}", source=text
        )
    return QueryError(f"SPARQL syntax error: {message}", source=text)


def prepare(text: str) -> object:
    """Parse SPARQL text; raise :class:`QueryError` with line and column on a syntax error."""
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        return prepareQuery(text)
    except ParseBaseException as exc:
        raise _syntax_error(exc, text) from None
    except Exception as exc:  # rdflib raises plain exceptions for some invalid queries
        raise QueryError(f"invalid SPARQL: {exc}", source=text) from None


def run_query(
    graph: Graph, query: SavedQuery, bindings: Mapping[str, Node] | None = None
) -> QueryResult:
    """Run a query on an rdflib graph."""
    prepared = prepare(query.text)
    try:
        result = graph.query(prepared, initBindings=dict(bindings or {}))  # type: ignore[arg-type]
    except Exception as exc:
        raise QueryError(f"query failed: {exc}", source=query.text) from None
    if result.type == "SELECT":
        variables = [str(v) for v in (result.vars or [])]
        rows = [tuple(row) for row in result]  # type: ignore[arg-type]
        return QueryResult(variables=variables, rows=rows)  # type: ignore[arg-type]
    if result.type == "ASK":
        return QueryResult(variables=[], boolean=bool(result.askAnswer))
    out = Graph()
    for triple in result:
        out.add(triple)  # type: ignore[arg-type]
    return QueryResult(
        variables=["subject", "predicate", "object"],
        graph=out,
        rows=sorted(out, key=lambda t: tuple(str(x) for x in t)),
    )


# --------------------------------------------------------------------------- output


def term_text(term: Node | None) -> str:
    """A term as plain text: IRIs in full, literals by their lexical form."""
    if term is None:
        return ""
    return str(term)


def format_csv(result: QueryResult) -> bytes:
    """CSV in UTF-8 with a byte-order mark, so that Excel shows the Chinese intact."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([term_text(term) for term in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and term.datatype != XSD.string:
        out["datatype"] = str(term.datatype)
    return out


def format_json(result: QueryResult) -> bytes:
    """The W3C SPARQL 1.1 Query Results JSON Format."""
    if result.boolean is not None:
        document: dict[str, object] = {"head": {}, "boolean": result.boolean}
    else:
        bindings = []
        for row in result.rows:
            bindings.append(
                {
                    var: _json_term(term)
                    for var, term in zip(result.variables, row, strict=False)
                    if term is not None
                }
            )
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def python_value(term: Node | None) -> object:
    """A term as a plain Python value: numbers as int or float, dates as text, IRIs as text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool | int | float):
            return value
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
    return str(term)


def to_dataframe(result: QueryResult) -> Any:
    """The rows of a result as a pandas DataFrame (pandas must be installed)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise QueryError("to_dataframe needs pandas: pip install pandas") from None
    rows = [[python_value(term) for term in row] for row in result.rows]
    return pd.DataFrame(rows, columns=result.variables)

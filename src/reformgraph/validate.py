"""SHACL validation of a built graph against the shapes and the ontology."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.term import Node

__all__ = ["ValidationResult", "Violation", "validate_graph"]

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result: which node, which property, what is wrong."""

    severity: str
    focus: str
    path: str
    message: str
    value: str
    #: The data file (and line) the focus node was built from, when the build knows it.
    file: str = ""
    line: int = 0

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        value = f" (value: {self.value})" if self.value and self.value != self.focus else ""
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        where = where or (f"{self.file}: " if self.file else "")
        return f"{where}{self.severity}: <{self.focus}>{path}: {self.message}{value}"


@dataclass(frozen=True)
class ValidationResult:
    conforms: bool
    violations: list[Violation]
    warnings: list[Violation]
    report_text: str


def _text(graph: Graph, node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, URIRef):
        return str(node)
    if isinstance(node, Literal):
        return str(node)
    # A blank-node path: show it in Turtle-ish form.
    return " / ".join(str(o) for o in graph.objects(node, None)) or str(node)


#: A Chinese character: pySHACL drops the language of a SPARQL constraint's messages.
_HAN = re.compile("[\u3400-\u9fff]")


def _english(messages: Iterable[Node]) -> str | None:
    """The English one of a result's messages. A shape gives each message in en and zh, and
    pySHACL reports each: tagged, or, for a SPARQL constraint, untagged, its own before its
    shape's (the first is the one the constraint gives). The first tagged en, else the first
    untagged one without Chinese, else the first."""
    found = list(messages)
    for message in found:
        if isinstance(message, Literal) and message.language == "en":
            return str(message)
    for message in found:
        if isinstance(message, Literal) and not message.language and not _HAN.search(message):
            return str(message)
    return str(found[0]) if found else None


def validate_graph(data: Graph, shapes: Graph, ontology: Graph) -> ValidationResult:
    """Validate ``data`` with pySHACL; the ontology supplies the class hierarchy."""
    from pyshacl import validate

    conforms, report, text = validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    assert isinstance(report, Graph)
    violations: set[Violation] = set()
    warnings: set[Violation] = set()
    # Only the report's own results: those nested under sh:detail explain a result
    # (e.g. why a value fails an sh:node) and are not problems of their own.
    nested = set(report.objects(None, SH.detail))
    for result in report.objects(None, SH.result):
        if result in nested:
            continue
        severity = report.value(result, SH.resultSeverity)
        message = _english(report.objects(result, SH.resultMessage))
        item = Violation(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus=_text(report, report.value(result, SH.focusNode)),
            path=_text(report, report.value(result, SH.resultPath)),
            message=message if message is not None else "constraint not met",
            value=_text(report, report.value(result, SH.value)),
        )
        # A node of two classes (a pilot assignment is a pilot) can meet the same
        # constraint through two shapes: one problem, one result.
        (violations if item.severity == "Violation" else warnings).add(item)
    return ValidationResult(
        conforms=bool(conforms) and not violations,
        violations=sorted(violations),
        warnings=sorted(warnings),
        report_text=str(text),
    )

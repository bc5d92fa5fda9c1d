"""A shape whose parameter has a value SHACL does not allow is refused as it is compiled,
naming the shape, the parameter and the value, as pySHACL refuses it as it loads it.

The compiler read ``sh:minCount "1"`` (a string) as 1, where pySHACL refuses the shape,
and stopped on ``sh:minCount "x"`` with a bare ``ValueError`` from ``int()``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import pytest
from rdflib import Graph

from reformgraph.shacl_sparql import UnsupportedShape, compile_shapes
from reformgraph.shapecheck import compile_checker

EX = "http://example.org/shapes/"
PREFIXES = f"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix ex: <{EX}> .
"""
PROPERTY_SHAPE = f"the property shape of <{EX}S> on <{EX}p>"


@dataclass(frozen=True)
class Case:
    """A shape with a well-formed parameter, the same with it malformed, and what the
    refusal says."""

    good: str
    bad: str
    said: str
    #: Whether pySHACL refuses the malformed shape too (it accepts a few SHACL forbids).
    pyshacl_refuses: bool
    #: The parameter is the node shape's, not its property shape's.
    node_level: bool = False


INTEGER = "is not an xsd:integer of 0 or more"
STRING = "is not a literal of datatype xsd:string"
CASES = {
    "minCount as a string": Case(
        "sh:minCount 1", 'sh:minCount "1"', f'sh:minCount "1" {INTEGER}', True
    ),
    "minCount not a number": Case(
        "sh:minCount 1", 'sh:minCount "x"', f'sh:minCount "x" {INTEGER}', True
    ),
    "minCount below 0": Case("sh:minCount 1", "sh:minCount -1", f"sh:minCount -1 {INTEGER}", True),
    "minCount a decimal": Case(
        "sh:minCount 1", "sh:minCount 1.5", f'sh:minCount "1.5"^^xsd:decimal {INTEGER}', True
    ),
    "minCount an IRI": Case(
        "sh:minCount 1", "sh:minCount ex:one", f"sh:minCount <{EX}one> {INTEGER}", True
    ),
    "maxCount as a string": Case(
        "sh:maxCount 2", 'sh:maxCount "2"', f'sh:maxCount "2" {INTEGER}', True
    ),
    "maxCount below 0": Case("sh:maxCount 2", "sh:maxCount -1", f"sh:maxCount -1 {INTEGER}", True),
    "minLength as a string": Case(
        "sh:minLength 3", 'sh:minLength "3"', f'sh:minLength "3" {INTEGER}', True
    ),
    "minLength below 0": Case(
        "sh:minLength 3", "sh:minLength -2", f"sh:minLength -2 {INTEGER}", True
    ),
    "qualifiedMinCount as a string": Case(
        "sh:qualifiedValueShape [ sh:datatype xsd:string ] ; sh:qualifiedMinCount 1",
        'sh:qualifiedValueShape [ sh:datatype xsd:string ] ; sh:qualifiedMinCount "1"',
        f'sh:qualifiedMinCount "1" {INTEGER}',
        True,
    ),
    "qualifiedMaxCount below 0": Case(
        "sh:qualifiedValueShape [ sh:datatype xsd:string ] ; sh:qualifiedMaxCount 1",
        "sh:qualifiedValueShape [ sh:datatype xsd:string ] ; sh:qualifiedMaxCount -1",
        f"sh:qualifiedMaxCount -1 {INTEGER}",
        False,
    ),
    "pattern an IRI": Case(
        'sh:pattern "^v"', "sh:pattern ex:v", f"sh:pattern <{EX}v> {STRING}", True
    ),
    "pattern a number": Case('sh:pattern "^5"', "sh:pattern 5", f"sh:pattern 5 {STRING}", True),
    "flags a number": Case(
        'sh:pattern "^v" ; sh:flags "i"',
        'sh:pattern "^v" ; sh:flags 1',
        f"sh:flags 1 {STRING}",
        False,
    ),
    "languageIn an IRI": Case(
        'sh:languageIn ( "en" )',
        "sh:languageIn ( ex:en )",
        f"sh:languageIn <{EX}en> {STRING}",
        True,
    ),
    "languageIn a number": Case(
        'sh:languageIn ( "en" )', "sh:languageIn ( 1 )", f"sh:languageIn 1 {STRING}", True
    ),
    "languageIn not a language tag": Case(
        'sh:languageIn ( "en" )',
        'sh:languageIn ( "en\\")" )',
        'sh:languageIn "en\\")" is not a language tag',
        False,
    ),
    "datatype a string": Case(
        "sh:datatype xsd:string",
        'sh:datatype "xsd:string"',
        'sh:datatype "xsd:string" is not an IRI',
        False,
    ),
    "lessThan a string": Case(
        "sh:lessThan ex:q", 'sh:lessThan "ex:q"', 'sh:lessThan "ex:q" is not an IRI', True
    ),
    "class a string": Case(
        "sh:class ex:D", 'sh:class "ex:D"', 'sh:class "ex:D" is not an IRI', False
    ),
    "a value shape's class a string": Case(
        "sh:or ( [ sh:class ex:D ] [ sh:datatype xsd:string ] )",
        'sh:or ( [ sh:class "ex:D" ] [ sh:datatype xsd:string ] )',
        f'a member of the sh:or of {PROPERTY_SHAPE}: sh:class "ex:D" is not an IRI',
        False,
    ),
    "targetClass a string": Case(
        "sh:targetClass ex:D ; sh:property [ sh:path ex:p ; sh:minCount 1 ]",
        'sh:targetClass "ex:D" ; sh:property [ sh:path ex:p ; sh:minCount 1 ]',
        f'<{EX}S>: sh:targetClass "ex:D" is not an IRI',
        False,
        node_level=True,
    ),
    "minInclusive an IRI": Case(
        "sh:minInclusive 1",
        "sh:minInclusive ex:one",
        f"sh:minInclusive <{EX}one> is not a literal",
        True,
    ),
    "severity a string": Case(
        "sh:minCount 1 ; sh:severity sh:Warning",
        'sh:minCount 1 ; sh:severity "Warning"',
        'sh:severity "Warning" is not an IRI',
        False,
    ),
    "a value shape's pattern an IRI": Case(
        'sh:node [ sh:pattern "^v" ]',
        "sh:node [ sh:pattern ex:v ]",
        f"the sh:node of {PROPERTY_SHAPE}: sh:pattern <{EX}v> {STRING}",
        True,
    ),
    "an alternative's minCount as a string": Case(
        "sh:or ( [ sh:path ex:p ; sh:minCount 1 ] [ sh:path ex:q ; sh:minCount 1 ] )",
        'sh:or ( [ sh:path ex:p ; sh:minCount "1" ] [ sh:path ex:q ; sh:minCount 1 ] )',
        f'the property shape on <{EX}p>: sh:minCount "1" {INTEGER}',
        True,
        node_level=True,
    ),
}

#: A SPARQL constraint whose query needs the prefix ex: that ``declarations`` declare.
_SPARQL = (
    "sh:sparql [ sh:prefixes ex:Prefixes ;"
    ' sh:select "SELECT $this WHERE {{ $this ex:p 1 }}" ] .'
    " ex:Prefixes a owl:Ontology ; {declarations}"
)
_DECLARED = 'sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/shapes/"^^xsd:anyURI ]'
_CONSTRAINT = f"the SPARQL constraint of <{EX}S>"
_IN = f"(sh:declare of <{EX}Prefixes>)"


def _declaring(name: str, bad: str, said: str, *, pyshacl_refuses: bool) -> tuple[str, Case]:
    """A case of a SPARQL constraint with a malformed prefix declaration (SHACL 5.2.1)."""
    return name, Case(
        _SPARQL.format(declarations=_DECLARED),
        _SPARQL.format(declarations=bad),
        f"{_CONSTRAINT}: {said}",
        pyshacl_refuses,
        node_level=True,
    )


_NAMESPACE = '"http://example.org/shapes/"^^xsd:anyURI'
CASES.update(
    [
        _declaring(
            "prefix a number",
            f"sh:declare [ sh:prefix 1 ; sh:namespace {_NAMESPACE} ]",
            f"sh:prefix 1 {STRING} {_IN}",
            pyshacl_refuses=True,
        ),
        _declaring(
            "prefix a language-tagged string",
            f'sh:declare [ sh:prefix "ex"@en ; sh:namespace {_NAMESPACE} ]',
            f'sh:prefix "ex"@en {STRING} {_IN}',
            pyshacl_refuses=False,
        ),
        _declaring(
            "prefix not a SPARQL prefix name",
            f'sh:declare [ sh:prefix "e x" ; sh:namespace {_NAMESPACE} ]',
            f'sh:prefix "e x" is not a SPARQL prefix name {_IN}',
            pyshacl_refuses=True,
        ),
        _declaring(
            "namespace a plain string",
            'sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/shapes/" ]',
            f'sh:namespace "http://example.org/shapes/" is not a literal of datatype'
            f" xsd:anyURI {_IN}",
            pyshacl_refuses=False,
        ),
        _declaring(
            "namespace an IRI",
            'sh:declare [ sh:prefix "ex" ; sh:namespace <http://example.org/shapes/> ]',
            "sh:namespace <http://example.org/shapes/> is not a literal of datatype"
            f" xsd:anyURI {_IN}",
            pyshacl_refuses=True,
        ),
        _declaring(
            "namespace not an IRI",
            'sh:declare [ sh:prefix "ex" ; sh:namespace "example> ."^^xsd:anyURI ]',
            f'sh:namespace "example> ."^^xsd:anyURI is not an absolute IRI {_IN}',
            pyshacl_refuses=True,
        ),
        _declaring(
            "declaration without a prefix",
            f"sh:declare [ sh:namespace {_NAMESPACE} ]",
            f"a declaration without sh:prefix {_IN}: SHACL wants exactly one sh:prefix",
            pyshacl_refuses=True,
        ),
        _declaring(
            "declaration with two prefixes",
            f'sh:declare [ sh:prefix "ex", "ey" ; sh:namespace {_NAMESPACE} ]',
            f'sh:prefix "ex" and "ey" in one declaration {_IN}: SHACL wants exactly one sh:prefix',
            pyshacl_refuses=True,
        ),
        _declaring(
            "declaration without a namespace",
            'sh:declare [ sh:prefix "ex" ]',
            f"a declaration without sh:namespace {_IN}: SHACL wants exactly one sh:namespace",
            pyshacl_refuses=True,
        ),
        _declaring(
            "declaration with two namespaces",
            'sh:declare [ sh:prefix "ex" ; sh:namespace'
            f' {_NAMESPACE}, "http://example.org/other/"^^xsd:anyURI ]',
            "sh:namespace"
            ' "http://example.org/other/"^^xsd:anyURI and "http://example.org/shapes/"^^xsd:anyURI'
            f" in one declaration {_IN}: SHACL wants exactly one sh:namespace",
            pyshacl_refuses=True,
        ),
        _declaring(
            "declaration a literal",
            'sh:declare "ex"',
            f'sh:declare "ex" is not an IRI or a blank node {_IN}',
            pyshacl_refuses=True,
        ),
        _declaring(
            "prefix declared with two namespaces",
            f"{_DECLARED} ,"
            ' [ sh:prefix "ex" ; sh:namespace "http://example.org/other/"^^xsd:anyURI ]',
            'sh:prefix "ex" is declared with two namespaces',
            pyshacl_refuses=False,
        ),
        (
            "select a number",
            Case(
                _SPARQL.format(declarations=_DECLARED),
                _SPARQL.format(declarations=_DECLARED).replace(
                    '"SELECT $this WHERE { $this ex:p 1 }"', "5"
                ),
                f"{_CONSTRAINT}: sh:select 5 {STRING}",
                True,
                node_level=True,
            ),
        ),
        (
            "select with a prefix not declared",
            Case(
                _SPARQL.format(declarations=_DECLARED),
                _SPARQL.format(declarations=_DECLARED).replace("sh:prefixes ex:Prefixes ;", ""),
                f"{_CONSTRAINT}: sh:select uses the prefix ex:, which no sh:declare of its"
                " sh:prefixes declares",
                # pySHACL takes the prefix from the data graph's bindings (its Turtle
                # @prefix), which SHACL does not.
                False,
                node_level=True,
            ),
        ),
        (
            "prefixes a literal",
            Case(
                _SPARQL.format(declarations=_DECLARED),
                _SPARQL.format(declarations=_DECLARED).replace(
                    "sh:prefixes ex:Prefixes", 'sh:prefixes "ex:Prefixes"'
                ),
                f'{_CONSTRAINT}: sh:prefixes "ex:Prefixes" is not an IRI or a blank node',
                False,
                node_level=True,
            ),
        ),
    ]
)


def _shapes(parameters: str, case: Case) -> Graph:
    if case.node_level:
        shape = f"ex:S a sh:NodeShape ; sh:targetClass ex:C ; {parameters} ."
    else:
        shape = (
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ;\n"
            f"    sh:property [ sh:path ex:p ; {parameters} ] ."
        )
    return Graph().parse(data=PREFIXES + shape, format="turtle")


@pytest.mark.parametrize("name", CASES)
def test_a_malformed_parameter_is_refused_naming_the_shape_the_parameter_and_the_value(
    name: str,
) -> None:
    case = CASES[name]
    ontology = Graph()
    assert compile_shapes(_shapes(case.good, case), ontology), "the well-formed shape compiles"
    compile_checker(_shapes(case.good, case), ontology)
    bad = _shapes(case.bad, case)
    named = case.said.startswith(("the ", "a ", "<"))  # else the property shape's
    said = case.said if named else f"{PROPERTY_SHAPE}: {case.said}"
    with pytest.raises(UnsupportedShape) as refused:
        compile_shapes(bad, ontology)
    assert str(refused.value).startswith(said), str(refused.value)
    with pytest.raises(UnsupportedShape) as refused_too:
        compile_checker(bad, ontology)
    assert str(refused_too.value) == str(refused.value)


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if case.pyshacl_refuses])
def test_pyshacl_refuses_the_same_malformed_parameters(name: str) -> None:
    from pyshacl import validate

    case = CASES[name]
    data = Graph().parse(data=PREFIXES + 'ex:a a ex:C ; ex:p "v" ; ex:q 1 .', format="turtle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conforms, _, _ = validate(data, shacl_graph=_shapes(case.good, case))
        with pytest.raises(Exception):  # noqa: B017, PT011 - its errors have no common type
            validate(data, shacl_graph=_shapes(case.bad, case))
    assert conforms in (True, False)


@pytest.mark.parametrize("name", [name for name, case in CASES.items() if not case.pyshacl_refuses])
def test_pyshacl_accepts_the_malformed_parameters_it_is_not_said_to_refuse(name: str) -> None:
    from pyshacl import validate

    case = CASES[name]
    data = Graph().parse(data=PREFIXES + 'ex:a a ex:C ; ex:p "v" ; ex:q 1 .', format="turtle")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conforms, _, _ = validate(data, shacl_graph=_shapes(case.bad, case))
    assert conforms in (True, False)


def test_a_constraint_takes_the_prefixes_of_the_ontologies_its_prefixes_import_and_no_others() -> (
    None
):
    # SHACL 5.2.1: the declarations of sh:prefixes/owl:imports*/sh:declare; the same
    # prefix declared twice with one namespace is one declaration.
    shapes = Graph().parse(
        data=PREFIXES
        + f"""
        ex:S a sh:NodeShape ; sh:targetClass ex:C ;
            sh:sparql [ sh:prefixes ex:A ; sh:select "SELECT $this WHERE {{ $this ex:p 1 }}" ] .
        ex:A a owl:Ontology ; owl:imports ex:B ; {_DECLARED} .
        ex:B a owl:Ontology ; owl:imports ex:A ; {_DECLARED} ,
            [ sh:prefix "ey" ; sh:namespace "http://example.org/y/"^^xsd:anyURI ] .
        ex:Elsewhere a owl:Ontology ;
            sh:declare [ sh:prefix "ez" ; sh:namespace "http://example.org/z/"^^xsd:anyURI ] .
        """,
        format="turtle",
    )
    (compiled,) = compile_shapes(shapes, Graph())
    declared = [line for line in compiled.query.splitlines() if line.startswith("PREFIX")]
    assert declared == [
        f"PREFIX ex: <{EX}>",
        "PREFIX ey: <http://example.org/y/>",
    ]

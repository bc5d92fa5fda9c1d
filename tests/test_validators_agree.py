"""The three SHACL validators give the same verdicts.

``reformgraph build`` validates with the shapes compiled to per-case checks
(:mod:`reformgraph.shapecheck`, run on each case as it is built); the same shapes also
run compiled to SPARQL on the whole store (:mod:`reformgraph.shacl_sparql`) and as
pySHACL, the reference (:mod:`reformgraph.validate`). On the bad-input fixtures that
reach SHACL (``tests/fixtures/invalid``, exit code 1; the others are stopped by the data
checks before there is a graph), each finding what its patch expects, and on the real
data, all three must agree: the same verdict, and the same results as (severity, focus
node, path, constraint), where the constraint is the shape's own ``sh:message`` when a
validator reports it and is not compared otherwise (only pySHACL names constraint
components). The per-case checker must also judge every shape example of
``test_shapes.py`` as ``test_shapes.py`` requires of the other two.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.namespace import SH
from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery

from reformgraph.engine import STORE_DIR, open_store
from reformgraph.io import read_graph
from reformgraph.pipeline import BuildResult, load_ontology, load_shapes
from reformgraph.produce import produce
from reformgraph.shacl_sparql import CompiledConstraint, compile_shapes, validate_store
from reformgraph.shapecheck import ShapeChecker, compile_checker
from reformgraph.validate import ValidationResult, Violation, validate_graph

from .paths import DATA
from .test_bad_input import FIXTURE_DIRS, apply_patches, load_patch
from .test_shapes import EX, EXAMPLES, GENERIC_MESSAGES, Example, expand, parse

#: The fixtures whose data passes every data check and fails only the shapes.
SHACL_FIXTURES = [folder for folder in FIXTURE_DIRS if load_patch(folder).exit_code == 1]

# --------------------------------------------------------------------------- the validators


@dataclass(frozen=True)
class Validators:
    shapes: Graph
    ontology: Graph
    compiled: list[CompiledConstraint]
    checker: ShapeChecker
    #: The shapes' own messages (sh:message): every validator reports them as they are.
    messages: frozenset[str]


@pytest.fixture(scope="module")
def validators() -> Validators:
    shapes, ontology = load_shapes(), load_ontology()
    return Validators(
        shapes,
        ontology,
        compile_shapes(shapes, ontology),
        compile_checker(shapes, ontology),
        frozenset(str(m) for m in shapes.objects(None, SH.message)),
    )


@pytest.fixture(scope="module")
def prepared_queries() -> Iterator[None]:
    """pySHACL hands rdflib each SHACL-SPARQL query as text, once per focus node, and
    rdflib parses it every time (15 of the 20 s pySHACL takes on the real data). Parse
    each text once: a prepared query is what rdflib evaluates anyway."""
    original = processor.SPARQLProcessor.query
    cache: dict[tuple[str, str | None, str], Any] = {}

    def query(
        self: processor.SPARQLProcessor,
        strOrQuery: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: str | None = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, repr(sorted((initNs or {}).items())))
            if key not in cache:
                cache[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = cache[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processor.SPARQLProcessor, "query", query)
        yield


@dataclass(frozen=True)
class Verdicts:
    """What each validator says about one built data folder."""

    by_validator: dict[str, ValidationResult]


def verdicts(folder: Path, per_case: ValidationResult, validators: Validators) -> Verdicts:
    """The build's own (per-case) verdict, and those of the other two on its output."""
    store = open_store(folder / STORE_DIR)
    sparql = validate_store(store, validators.compiled)
    del store
    pyshacl = validate_graph(
        read_graph(folder / "reformgraph.nt"), validators.shapes, validators.ontology
    )
    return Verdicts({"per-case": per_case, "SPARQL": sparql, "pySHACL": pyshacl})


def results(result: ValidationResult, messages: frozenset[str]) -> set[tuple[str, str, str, str]]:
    """(severity, focus, path, constraint): the constraint is the shape's sh:message, or
    empty when the validator reports its own wording (not comparable across validators)."""
    return {
        (v.severity, v.focus, v.path, v.message if v.message in messages else "")
        for v in (*result.violations, *result.warnings)
    }


def assert_agree(found: Verdicts, messages: frozenset[str]) -> None:
    reference = found.by_validator["pySHACL"]
    expected = results(reference, messages)
    for name, result in found.by_validator.items():
        assert result.conforms == reference.conforms, (
            f"{name} says conforms={result.conforms}, pySHACL {reference.conforms}"
        )
        got = results(result, messages)
        assert got == expected, (
            f"{name} and pySHACL differ:\nonly {name}:\n"
            + "\n".join(map(str, sorted(got - expected)))
            + "\nonly pySHACL:\n"
            + "\n".join(map(str, sorted(expected - got)))
        )


# --------------------------------------------------------------------------- tests


def test_some_fixtures_reach_shacl() -> None:
    assert len(SHACL_FIXTURES) >= 2


@pytest.mark.usefixtures("prepared_queries")
def test_the_three_validators_reject_the_fixtures_with_the_same_results(
    tmp_path: Path, validators: Validators
) -> None:
    # All of them in one copy of the data (they edit different files): pySHACL takes
    # seconds on a graph of this size, and the verdicts are per node anyway.
    patches = [load_patch(folder) for folder in SHACL_FIXTURES]
    edited = [{edit["file"] for edit in patch.edits} for patch in patches]
    assert len(set().union(*edited)) == sum(map(len, edited)), "each must edit other files"
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    apply_patches(data, patches)
    work = tmp_path / "work"
    work.mkdir()
    produced = produce(data, work)

    found = verdicts(work, produced.validation, validators)

    assert_agree(found, validators.messages)
    listed = "\n".join(map(str, found.by_validator["pySHACL"].violations))
    for patch in patches:
        for expected in patch.expect:
            if not expected.startswith("the graph does not conform"):  # the command's summary
                assert expected in listed, f"{patch.name}: {expected!r} not in:\n{listed}"


@pytest.mark.usefixtures("prepared_queries")
def test_the_three_validators_find_that_the_real_data_conforms(
    built: BuildResult, validators: Validators
) -> None:
    found = verdicts(built.folder, built.check.validation, validators)

    assert found.by_validator["pySHACL"].conforms
    assert_agree(found, validators.messages)


# --------------------------------------------------------------------------- shape examples


def matches(example: Example, violation: Violation) -> bool:
    """``violation`` is the one ``example`` is about: same node, same path, and the same
    message where the example names a shape's own message (the wording of generic
    results differs between validators)."""
    generic = any(example.message.startswith(wording) for wording, _ in GENERIC_MESSAGES)
    own_message = example.message and not generic
    return (
        violation.focus == EX + example.focus
        and (not example.path or violation.path == expand(example.path))
        and (not own_message or example.message in violation.message)
    )


def _examples() -> list[Any]:
    return [pytest.param(example, id=example.test_id) for example in EXAMPLES if not example.bug]


@pytest.mark.parametrize("example", _examples())
def test_the_per_case_checker_judges_each_shape_example_as_the_other_validators_do(
    example: Example, validators: Validators
) -> None:
    result = validators.checker.check(list(parse(example)))
    listing = "\n".join(map(str, result.violations)) or "(no violations)"
    if not example.focus:
        assert result.conforms, listing
        return
    assert not result.conforms, "the per-case checker accepts an example the shapes reject"
    assert any(matches(example, v) for v in result.violations), listing
    allowed = {EX + name for name in (example.focus, *example.others)}
    stray = [v for v in result.violations if v.focus not in allowed]
    assert not stray, "violations on other nodes:\n" + "\n".join(map(str, stray))

"""What a draft cannot know yet is a SHACL warning, not a violation.

``reformgraph extract`` writes ``TODO: …`` placeholders where it cannot know a value (an
English translation, a publisher's name) and leaves out a source's publication date and
URL when the report does not give them. The warning-level shapes of ``ontology/shapes.ttl``
(``sh:severity sh:Warning``) report each such gap, so that a draft folder builds (exit 0)
and the warnings list what a curator must still fill in, while the curated data builds
with no warning at all.

Each warning shape has a valid example (a valid example of ``tests/test_shapes.py``,
which must give no warning at all) and an invalid one (the same with the value replaced
by a placeholder, or left out), run through the three validators: pySHACL, the shapes
compiled to SPARQL on an Oxigraph store, and the per-case checker that ``build`` uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SH
from typer.testing import CliRunner

from reformgraph import pipeline
from reformgraph.cli import app
from reformgraph.extract import TODO_EN, extract
from reformgraph.shacl_sparql import compile_shapes, validate_store
from reformgraph.shapecheck import compile_checker
from reformgraph.validate import ValidationResult, validate_graph

from .test_shapes import EX, EXAMPLES, RGSH, Example, expand, parse, store_of

FIXTURES = Path(__file__).parent / "fixtures" / "extract"

#: The messages of the warning shapes, as ``ontology/shapes.ttl`` gives them.
PLACEHOLDER = "a placeholder left by reformgraph extract (TODO: …)"
NO_DATE = "no publication date: give the date the source was published"
NO_URL = "no URL: give the address the source was published at"


@dataclass(frozen=True)
class Gap:
    """A warning shape, the valid example it is tried on, and the edit that breaks it."""

    shape: str
    example: str
    focus: str
    path: str
    old: str
    new: str
    message: str

    @property
    def valid(self) -> Example:
        return next(e for e in EXAMPLES if e.test_id == self.example)

    @property
    def invalid(self) -> Example:
        return replace(self.valid, edits=(*self.valid.edits, (self.old, self.new)))


def untranslated(
    shape: str, example: str, focus: str, path: str, zh: str, en: str, what: str
) -> Gap:
    """The English of ``path`` (given as ``"zh"@zh , "en"@en``) left as a placeholder."""
    old = f'{path} "{zh}"@zh , "{en}"@en'
    new = f'{path} "{zh}"@zh , "{TODO_EN}"@en'
    return Gap(shape, example, focus, path, old, new, f"{PLACEHOLDER}: {what}")


GAPS = [
    untranslated(
        "TitleFilledIn",
        "source-document-conforms",
        "source",
        "dcterms:title",
        "全面深化改革,奋进支点建设",
        "Deepening reform, building the pivot",
        "translate the title",
    ),
    untranslated(
        "LeadFilledIn",
        "measure-conforms",
        "measure-1",
        "rg:leadClause",
        "创新实施绩效评价改革",
        "Reforming performance evaluation",
        "translate the lead clause",
    ),
    untranslated(
        "PrefLabelFilledIn",
        "organisation-conforms",
        "sasac",
        "skos:prefLabel",
        "省国资委",
        "Provincial SASAC",
        "translate or name it",
    ),
    Gap(
        "AltLabelFilledIn",
        "organisation-conforms",
        "sasac",
        "skos:altLabel",
        '"Hubei SASAC"@en',
        f'"{TODO_EN}"@en',
        f"{PLACEHOLDER}: translate the alternative label",
    ),
    untranslated(
        "DefinitionFilledIn",
        "organisation-conforms",
        "sasac",
        "skos:definition",
        "省政府直属特设机构。",
        "A special body directly under the government.",
        "write the definition",
    ),
    untranslated(
        "ComparedWithFilledIn",
        "change-conforms",
        "change",
        "rg:comparedWith",
        "改革前",
        "before the reform",
        "translate what is compared with",
    ),
    untranslated(
        "ClaimWhatFilledIn",
        "innovation-claim-conforms",
        "claim",
        "rg:claimWhat",
        "实施深化国企功能性改革",
        "deepening the functional reform of SOEs",
        "translate what is claimed",
    ),
    untranslated(
        "BatchFilledIn",
        "pilot-conforms",
        "pilot",
        "rg:batch",
        "首批",
        "first batch",
        "translate the batch",
    ),
    untranslated(
        "DateTextFilledIn",
        "figure-conforms",
        "figure",
        "rg:dateText",
        "截至2024年底",
        "as of the end of 2024",
        "translate the date",
    ),
    untranslated(
        "PurposeFilledIn",
        "joint-work-conforms",
        "joint-work",
        "rg:purpose",
        "推进改革",
        "advance the reform",
        "translate the purpose",
    ),
    Gap(
        "IssuedKnown",
        "source-document-conforms",
        "source",
        "dcterms:issued",
        'dcterms:issued "2026-01-17"^^xsd:date ;',
        "",
        NO_DATE,
    ),
    Gap(
        "UrlKnown",
        "source-document-conforms",
        "source",
        "schema:url",
        "schema:url <https://epaper.hubeidaily.net/pc/content/202601/17/c337889.html> ;",
        "",
        NO_URL,
    ),
]

#: The three validators: pySHACL, the shapes compiled to SPARQL on a store, and the
#: per-case checker of ``build``.
VALIDATORS = ("pyshacl", "compiled", "per-case")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return pipeline.load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return pipeline.load_ontology()


@pytest.fixture(scope="module", params=VALIDATORS)
def validate(
    request: pytest.FixtureRequest, shapes: Graph, ontology: Graph
) -> Callable[[Graph], ValidationResult]:
    if request.param == "pyshacl":
        return lambda data: validate_graph(data, shapes, ontology)
    if request.param == "compiled":
        compiled = compile_shapes(shapes, ontology)
        return lambda data: validate_store(store_of(data), compiled)
    checker = compile_checker(shapes, ontology)
    return lambda data: checker.check(iter(data))


def _listing(result: ValidationResult) -> str:
    return "\n".join(map(str, [*result.violations, *result.warnings])) or "(nothing)"


@pytest.mark.parametrize("gap", [pytest.param(g, id=g.shape) for g in GAPS])
def test_a_filled_in_value_gives_no_warning(
    gap: Gap, validate: Callable[[Graph], ValidationResult]
) -> None:
    result = validate(parse(gap.valid))
    assert result.conforms, _listing(result)
    assert result.violations == [], _listing(result)
    assert result.warnings == [], _listing(result)


@pytest.mark.parametrize("gap", [pytest.param(g, id=g.shape) for g in GAPS])
def test_a_placeholder_or_missing_value_gives_one_warning_and_no_violation(
    gap: Gap, validate: Callable[[Graph], ValidationResult]
) -> None:
    result = validate(parse(gap.invalid))
    assert result.conforms, _listing(result)
    assert result.violations == [], _listing(result)
    [warning] = result.warnings
    assert warning.severity == "Warning"
    assert warning.focus == EX + gap.focus
    assert warning.path == expand(gap.path)
    assert warning.message == gap.message


def test_every_warning_shape_has_a_valid_and_an_invalid_example(shapes: Graph) -> None:
    warning_shapes = {
        str(shape).removeprefix(RGSH)
        for shape in shapes.subjects(SH.severity, SH.Warning)
        if isinstance(shape, URIRef)
    }
    # The placeholders' shapes have their examples here; the others, in test_shapes.
    elsewhere = {e.shape for e in EXAMPLES if e.warning}
    assert elsewhere <= {e.shape for e in EXAMPLES if not e.focus}, "one without a valid example"
    assert warning_shapes == {g.shape for g in GAPS} | elsewhere


# --------------------------------------------------------------------------- drafts


runner = CliRunner()


@pytest.fixture(scope="module")
def sectioned_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The draft of a county report with sections, items, no date and no URL."""
    out = tmp_path_factory.mktemp("draft") / "county"
    extract(FIXTURES / "county-sections.txt", out)
    return out


def test_a_draft_folder_builds_with_exit_0_and_warnings_naming_what_to_fill_in(
    sectioned_draft: Path, tmp_path: Path
) -> None:
    result = runner.invoke(
        app, ["build", "--data", str(sectioned_draft), "--out", str(tmp_path / "build")]
    )
    assert result.exit_code == 0, result.output
    assert "SHACL validation: conforms, with" in result.output
    for path, what in [
        ("dcterms:title", "translate the title"),
        ("rg:leadClause", "translate the lead clause"),
        ("skos:prefLabel", "translate or name it"),
        ("dcterms:issued", NO_DATE),
        ("schema:url", NO_URL),
    ]:
        assert f"{path}: " in result.output, path
        assert what in result.output, what
    assert (tmp_path / "build" / "reformgraph.ttl").is_file()


def test_the_three_validators_give_a_draft_the_same_warnings(
    sectioned_draft: Path, tmp_path: Path, shapes: Graph, ontology: Graph
) -> None:
    built = pipeline.build(sectioned_draft, tmp_path / "build")
    per_case = built.check.validation
    graph = pipeline.load_graph(tmp_path / "build" / "reformgraph.nt")
    reference = validate_graph(graph, shapes, ontology)
    compiled = validate_store(store_of(graph), compile_shapes(shapes, ontology))

    def gaps(result: ValidationResult) -> set[tuple[str, str, str]]:
        assert result.conforms, _listing(result)
        return {(w.focus, w.path, w.message) for w in result.warnings}

    assert gaps(per_case) == gaps(reference) == gaps(compiled)
    paths = {path for _, path, _ in gaps(per_case)}
    assert {expand(p) for p in ("dcterms:issued", "schema:url", "rg:leadClause")} <= paths
    # One warning for the lead clause of each section and item (一、 二、 (一) (二) 三、).
    leads = [w for w in per_case.warnings if w.path == expand("rg:leadClause")]
    assert len(leads) == 5


def test_the_curated_data_builds_with_no_warning_and_no_violation(
    built: pipeline.BuildResult,
) -> None:
    check = built.check
    assert check.validation.conforms
    assert check.validation.violations == []
    assert check.validation.warnings == []
    assert check.warnings == []

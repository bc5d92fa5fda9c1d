"""`reformgraph rename`: an entity's or a case's id, renamed in every file that uses it."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
from collections.abc import Collection
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

from reformgraph import pipeline, rename
from reformgraph.build import build_graph
from reformgraph.cli import app
from reformgraph.errors import DataErrors, ReformgraphError
from reformgraph.io import load_data_folder
from reformgraph.models import DATA as DATA_NS
from reformgraph.resolve import resolve

from .helpers import assert_isomorphic
from .paths import DATA

runner = CliRunner()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def _graph(folder: Path) -> Graph:
    return build_graph(resolve(load_data_folder(folder)))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _renamed_iris(graph: Graph, segment: tuple[str, str], old: str, new: str) -> Graph:
    """``graph`` with ``old`` replaced by ``new`` in the data IRIs where it follows the path
    segment ``segment[0]`` or ``segment[1]`` (``place/hubei``, ``mention/hubei``)."""

    def renamed(term: object) -> object:
        if isinstance(term, URIRef) and term.startswith(str(DATA_NS)):
            parts = term[len(str(DATA_NS)) :].split("/")
            for i in range(1, len(parts)):
                if parts[i] == old and parts[i - 1] in segment:
                    parts[i] = new
            return URIRef(str(DATA_NS) + "/".join(parts))
        return term

    out = Graph()
    for triple in graph:
        out.add(tuple(renamed(t) for t in triple))  # type: ignore[arg-type]
    return out


@pytest.mark.parametrize(
    ("old", "segments"),
    [
        # a place that 7 cases and the source's metadata name, by id and by {id, mention}
        ("hubei", ("place", "mention")),
        # the office that leads three cases (office:)
        ("econ-eco-reform-group-office", ("org", "mention")),
        # a unit (unit: of figures and changes)
        ("percent", ("unit", "mention")),
        # an indicator (indicator: of facts)
        ("first-dispatch-accuracy-rate", ("indicator", "mention")),
    ],
)
def test_a_renamed_entity_gives_the_same_graph_with_only_its_iris_renamed(
    data: Path, old: str, segments: tuple[str, str]
) -> None:
    before = _graph(data)
    result = pipeline.rename(data, old, "renamed-entity-x")
    assert result.written
    assert result.kind == "entity"
    assert result.total > 1
    after = _graph(data)
    assert URIRef(f"{DATA_NS}{segments[0]}/{old}") in before.subjects()
    assert_isomorphic(
        _renamed_iris(before, (*segments, "place", "indicator", "unit"), old, "renamed-entity-x"),
        after,
        f"renaming {old}",
    )


def test_only_the_ids_characters_change_comments_and_layout_stay(data: Path) -> None:
    before = _files(data)
    result = pipeline.rename(data, "hubei", "renamed-entity-x")
    after = _files(data)
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {name.removeprefix(f"{data}/") for name, _ in result.references}
    for name in changed:  # the new id put back gives the file as it was, byte for byte
        assert after[name].replace(b"renamed-entity-x", b"hubei") == before[name], name
    assert f"{data}/entities/places.yaml" in dict(result.references)


def test_texts_facts_own_ids_and_a_case_of_the_same_id_are_not_renamed(data: Path) -> None:
    # big-fiscal-system is the id of a concept and of case 1; a figure of case 1 is given
    # the same id (a fact's id is its own), and the concept's English label reads as it.
    case = data / "cases" / "01-big-fiscal-system.yaml"
    text = case.read_text(encoding="utf-8")
    case.write_text(
        text.replace("- id: three-assets-total\n", "- id: big-fiscal-system\n", 1), encoding="utf-8"
    )
    concepts = data / "entities" / "concepts.yaml"
    concepts_text = concepts.read_text(encoding="utf-8")
    label = 'en: "\\"big fiscal\\" system"}'
    assert label in concepts_text
    concepts.write_text(concepts_text.replace(label, "en: big-fiscal-system}", 1), encoding="utf-8")
    pipeline.rename(data, "big-fiscal-system", "renamed-entity-x")
    graph = _graph(data)
    assert URIRef(f"{DATA_NS}concept/renamed-entity-x") in graph.subjects()
    assert URIRef(f"{DATA_NS}case/big-fiscal-system") in graph.subjects()
    assert "- id: big-fiscal-system\n" in case.read_text(encoding="utf-8")
    assert "id: big-fiscal-system\nsource:" in case.read_text(encoding="utf-8")
    assert "en: big-fiscal-system}" in concepts.read_text(encoding="utf-8")


def test_a_renamed_case_gets_its_new_iri_and_its_file_the_new_name(data: Path) -> None:
    before = _graph(data)
    result = pipeline.rename(data, "big-fiscal-system", "renamed-case-x", case=True)
    assert result.moved == (
        f"{data}/cases/01-big-fiscal-system.yaml",
        f"{data}/cases/01-renamed-case-x.yaml",
    )
    assert not (data / "cases" / "01-big-fiscal-system.yaml").exists()
    assert (data / "cases" / "01-renamed-case-x.yaml").is_file()
    after = _graph(data)
    assert_isomorphic(
        _renamed_iris(before, ("case",), "big-fiscal-system", "renamed-case-x"), after
    )


def test_a_dry_run_says_what_would_change_and_writes_nothing(data: Path) -> None:
    before = _files(data)
    result = pipeline.rename(data, "big-fiscal-system", "x", case=True, dry_run=True)
    assert not result.written
    assert result.moved is not None
    assert result.references == ((f"{data}/cases/01-big-fiscal-system.yaml", 1),)
    assert _files(data) == before


@pytest.mark.parametrize(
    ("old", "new", "case", "message"),
    [
        ("hubie", "x", False, "no entity has the id 'hubie' (did you mean hubei?)"),
        ("hubei", "wuhan", False, "'wuhan' is already the id of another entity: to merge"),
        ("hubei", "Hubei_Province", False, "'Hubei_Province' is not an id: lowercase"),
        ("hubei", "hubei", False, "'hubei' is already the entity's id"),
        ("huahu-airport-opening-up", "x", False, "it is a case's id: rename it with --case"),
        ("hubei", "x", True, "it is an entity's id: rename it without --case"),
        ("big-fiscal-system", "deputies-two-links", True, "already the id of another case"),
    ],
)
def test_a_rename_that_cannot_be_done_is_refused_and_writes_nothing(
    data: Path, old: str, new: str, case: bool, message: str
) -> None:
    before = _files(data)
    with pytest.raises(DataErrors) as caught:
        pipeline.rename(data, old, new, case=case)
    assert any(message in str(e) for e in caught.value.errors), caught.value.errors
    assert _files(data) == before


def test_a_rename_that_would_leave_a_reference_behind_is_refused_and_writes_nothing(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Were a reference missed (here: every case file's), the staged copy does not resolve.
    scan = rename._scan
    monkeypatch.setattr(
        rename,
        "_scan",
        lambda *args: [f for f in scan(*args) if "cases" not in f.path.parts],
    )
    before = _files(data)
    with pytest.raises(DataErrors) as caught:
        pipeline.rename(data, "hubei", "renamed-entity-x")
    assert all("would leave the data unresolved" in str(e) for e in caught.value.errors)
    assert any("unknown" in str(e) and "'hubei'" in str(e) for e in caught.value.errors)
    # each file named as the data folder's, not as the staged copy's, gone with it
    assert all(f": {data}/" in str(e) for e in caught.value.errors), caught.value.errors
    assert not any("reformgraph-rename-" in str(e) for e in caught.value.errors)
    assert _files(data) == before


def test_a_data_folder_with_errors_is_refused_before_anything_is_renamed(data: Path) -> None:
    case = data / "cases" / "02-intelligent-connected-vehicles.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace("office: wuhan-reform-office", "office: nobody"),
        encoding="utf-8",
    )
    before = _files(data)
    with pytest.raises(DataErrors) as caught:
        pipeline.rename(data, "hubei", "renamed-entity-x")
    assert any("nobody" in str(e) for e in caught.value.errors)
    assert _files(data) == before


def test_the_command_renames_and_says_where(data: Path) -> None:
    result = runner.invoke(app, ["rename", "hubei", "hubei-province", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert "renamed entity 'hubei' to 'hubei-province': 32 place(s) in 9 file(s)" in result.stdout
    assert f"  {data}/entities/places.yaml: 3" in result.stdout
    assert "build again" in result.stderr
    assert pipeline.check(data).validation.conforms


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (["hubie", "x"], "no entity has the id 'hubie' (did you mean hubei?)"),
        (["hubei", "x", "--source"], "it is an entity's id: rename it without --source"),
    ],
    ids=["unknown-entity", "entity-as-source"],
)
def test_the_command_refuses_with_the_reason_exit_2_and_no_traceback(
    data: Path, arguments: list[str], reason: str
) -> None:
    result = runner.invoke(app, ["rename", *arguments, "--data", str(data)])
    assert result.exit_code == 2
    assert reason in result.stderr
    assert "nothing was written" in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)


def _draft_of_a_report(tmp_path: Path) -> Path:
    """A draft folder ``extract`` made of a one-case report saved as ``report.txt``."""
    from reformgraph.extract import extract

    report = tmp_path / "report.txt"
    report.write_text(
        "测试改革案例汇编\n襄阳市优化营商环境改革见实效\n襄阳市委改革办\n"
        "襄阳市建立企业服务专班制度,办理时限从20天压缩至5天。\n",
        encoding="utf-8",
    )
    draft = tmp_path / "draft"
    extract(report, draft)
    return draft


def test_a_drafts_made_up_ids_are_renamed_to_readable_ones_and_it_still_checks(
    tmp_path: Path,
) -> None:
    draft = _draft_of_a_report(tmp_path)
    case_id = load_data_folder(draft).cases[0].record.id
    office = load_data_folder(draft).cases[0].record.office
    assert office.startswith("org-")  # made up by extract
    pipeline.rename(draft, office, "xiangyang-reform-office")
    pipeline.rename(draft, case_id, "xiangyang-business-climate", case=True)
    renamed = load_data_folder(draft)
    assert renamed.cases[0].record.office == "xiangyang-reform-office"
    assert renamed.cases[0].record.id == "xiangyang-business-climate"
    assert [p.name for p in (draft / "cases").glob("*.yaml")] == [
        "01-xiangyang-business-climate.yaml"
    ]
    assert pipeline.check(draft).validation.conforms


def _split_platform(data: Path) -> None:
    """Make the performance platform two entries, as a draft could: the full name for case
    1, 绩效平台 (its other name) for case 4, whose third measure names it both ways."""
    platforms = data / "entities" / "platforms.yaml"
    text = platforms.read_text(encoding="utf-8")
    alt = "  alt_labels:\n    - {zh: 绩效平台, en: performance platform}\n"
    assert alt in text
    platforms.write_text(
        text.replace(alt, "")
        + "# drafted twice: performance-platform-dup\n"
        + "- id: performance-platform-dup\n  type: platform\n"
        + "  label: {zh: 绩效平台, en: performance platform}\n"
        + "  definition: {en: The platform of case 4.}\n",
        encoding="utf-8",
    )
    case = data / "cases" / "04-investment-performance-evaluation.yaml"
    text = case.read_text(encoding="utf-8")
    assert text.count("performance-evaluation-platform") == 2
    text = text.replace(
        "      - performance-evaluation-platform\n",
        "      - {id: performance-evaluation-platform, mention: 绩效平台}\n"
        "      - performance-platform-dup\n",
    )
    case.write_text(
        text.replace(
            "subject: performance-evaluation-platform", "subject: performance-platform-dup"
        ),
        encoding="utf-8",
    )


def test_a_merged_duplicate_gives_the_graph_of_one_entry_with_both_names(data: Path) -> None:
    real = _graph(data)
    _split_platform(data)
    split = _graph(data)
    assert URIRef(f"{DATA_NS}platform/performance-platform-dup") in split.subjects()
    result = pipeline.rename(
        data, "performance-platform-dup", "performance-evaluation-platform", merge=True
    )
    assert result.merged
    assert result.notes == (
        "performance-platform-dup's definition (in its removed entry) not kept:"
        " performance-evaluation-platform keeps its own; add what it lacks by hand",
    )
    assert_isomorphic(_graph(data), real, "merged back into one entry")
    platforms = (data / "entities" / "platforms.yaml").read_text(encoding="utf-8")
    assert "performance-platform-dup" not in platforms  # its entry and its comment
    assert "  alt_labels: [{zh: 绩效平台, en: performance platform}]\n" in platforms
    case = (data / "cases" / "04-investment-performance-evaluation.yaml").read_text(
        encoding="utf-8"
    )
    assert "performance-platform-dup" not in case
    assert case.count("{id: performance-evaluation-platform, mention: 绩效平台}") == 1


@pytest.mark.parametrize(
    ("alt_labels", "expected"),
    [
        (
            "  alt_labels: [{zh: 评价平台, en: evaluation platform}]\n",
            "[{zh: 评价平台, en: evaluation platform}, {zh: 绩效平台, en: performance platform}]",
        ),
        (
            "  alt_labels:\n    - {zh: 评价平台, en: evaluation platform}\n",
            "    - {zh: 评价平台, en: evaluation platform}\n"
            "    - {zh: 绩效平台, en: performance platform}\n",
        ),
    ],
)
def test_a_merged_duplicates_labels_join_the_alternative_labels_in_their_style(
    data: Path, alt_labels: str, expected: str
) -> None:
    _split_platform(data)
    platforms = data / "entities" / "platforms.yaml"
    label = (
        "  label: {zh: 投资项目绩效综合评价平台,"
        " en: comprehensive performance evaluation platform for investment projects}\n"
    )
    text = platforms.read_text(encoding="utf-8")
    assert label in text
    platforms.write_text(text.replace(label, label + alt_labels), encoding="utf-8")
    pipeline.rename(data, "performance-platform-dup", "performance-evaluation-platform", merge=True)
    assert expected in platforms.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "hubei",
            "wuhan-reform-office",
            "'hubei' is an administrative-area, 'wuhan-reform-office' a reform-office: only two",
        ),
        ("hubei", "nowhere", "no entity has the id 'nowhere' to merge into"),
    ],
)
def test_a_merge_of_two_different_kinds_or_into_nothing_is_refused(
    data: Path, old: str, new: str, message: str
) -> None:
    before = _files(data)
    with pytest.raises(DataErrors) as caught:
        pipeline.rename(data, old, new, merge=True)
    assert any(message in str(e) for e in caught.value.errors), caught.value.errors
    assert _files(data) == before


def test_the_command_merges_a_duplicate_and_names_what_it_did_not_keep(data: Path) -> None:
    _split_platform(data)
    args = ["rename", "performance-platform-dup", "performance-evaluation-platform", "--merge"]
    result = runner.invoke(app, [*args, "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert (
        "merged entity 'performance-platform-dup' into 'performance-evaluation-platform'"
        in result.stdout
    )
    assert "note: performance-platform-dup's definition (in its removed entry)" in result.stderr
    assert pipeline.check(data).validation.conforms


SOURCE = "hubei-2025-reform-cases"


def _renamed_source(graph: Graph, old: str, new: str) -> Graph:
    """``graph`` with the source ``old``'s IRIs (``source/old``, ``source/old/mention/…``)
    and its text file's name (``old.txt``) those of ``new``."""
    renamed = _renamed_iris(graph, ("source",), old, new)
    out = Graph()
    for triple in renamed:
        out.add(
            tuple(  # type: ignore[arg-type]
                Literal(f"{new}.txt", datatype=t.datatype, lang=t.language)
                if isinstance(t, Literal) and str(t) == f"{old}.txt"
                else t
                for t in triple
            )
        )
    return out


def test_a_renamed_source_gives_the_same_graph_with_only_its_iris_and_file_name_renamed(
    data: Path,
) -> None:
    before = _graph(data)
    text = (data / "sources" / f"{SOURCE}.txt").read_bytes()
    result = pipeline.rename(data, SOURCE, "renamed-source-x", source=True)
    assert result.written
    assert result.kind == "source"
    # its id and file, and the source of each of the 8 cases
    assert result.total == 10
    assert dict(result.references)[f"{data}/sources/{SOURCE}.yaml"] == 2
    assert result.moved == (
        f"{data}/sources/{SOURCE}.yaml",
        f"{data}/sources/renamed-source-x.yaml",
    )
    assert result.text_moved == (
        f"{data}/sources/{SOURCE}.txt",
        f"{data}/sources/renamed-source-x.txt",
    )
    assert sorted(p.name for p in (data / "sources").iterdir()) == [
        "renamed-source-x.txt",
        "renamed-source-x.yaml",
    ]
    assert (data / "sources" / "renamed-source-x.txt").read_bytes() == text  # so its SHA-256
    after = _graph(data)
    assert URIRef(f"{DATA_NS}source/{SOURCE}") in before.subjects()
    assert URIRef(f"{DATA_NS}source/renamed-source-x") in after.subjects()
    assert_isomorphic(
        _renamed_source(before, SOURCE, "renamed-source-x"), after, f"renaming {SOURCE}"
    )


def test_a_source_renamed_and_renamed_back_gives_every_file_byte_for_byte(data: Path) -> None:
    before = _files(data)
    pipeline.rename(data, SOURCE, "renamed-source-x", source=True)
    assert _files(data) != before
    pipeline.rename(data, "renamed-source-x", SOURCE, source=True)
    assert _files(data) == before


def test_a_source_dry_run_says_what_would_change_and_writes_nothing(data: Path) -> None:
    before = _files(data)
    result = pipeline.rename(data, SOURCE, "renamed-source-x", source=True, dry_run=True)
    assert not result.written
    assert result.text_moved == (
        f"{data}/sources/{SOURCE}.txt",
        f"{data}/sources/renamed-source-x.txt",
    )
    assert _files(data) == before


def test_a_source_whose_text_is_not_named_after_it_keeps_its_text_file(data: Path) -> None:
    sources = data / "sources"
    (sources / f"{SOURCE}.txt").rename(sources / "published.txt")
    meta = sources / f"{SOURCE}.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(f"file: {SOURCE}.txt", "file: published.txt"),
        encoding="utf-8",
    )
    result = pipeline.rename(data, SOURCE, "renamed-source-x", source=True)
    assert result.text_moved is None
    assert sorted(p.name for p in sources.iterdir()) == ["published.txt", "renamed-source-x.yaml"]
    assert "file: published.txt\n" in (sources / "renamed-source-x.yaml").read_text(
        encoding="utf-8"
    )
    assert pipeline.check(data).validation.conforms


@pytest.mark.parametrize(
    ("old", "new", "options", "message"),
    [
        (
            "hubei-2025-reform-case",
            "x",
            {"source": True},
            "no source has the id 'hubei-2025-reform-case' (did you mean hubei-2025-reform-cases?)",
        ),
        (SOURCE, "Hunan_2025", {"source": True}, "'Hunan_2025' is not an id: lowercase"),
        (SOURCE, SOURCE, {"source": True}, f"'{SOURCE}' is already the source's id"),
        ("hubei", "x", {"source": True}, "it is an entity's id: rename it without --source"),
        ("deputies-two-links", "x", {"source": True}, "it is a case's id: rename it with --case"),
        (SOURCE, "x", {}, "no entity has the id 'hubei-2025-reform-cases'; it is a source's id:"),
        (SOURCE, "x", {"case": True}, "it is a source's id: rename it with --source"),
        (SOURCE, "x", {"source": True, "case": True}, "a case's (--case) or a source's"),
        (SOURCE, "x", {"source": True, "merge": True}, "only entities are merged, not sources"),
    ],
)
def test_a_source_rename_that_cannot_be_done_is_refused_and_writes_nothing(
    data: Path, old: str, new: str, options: dict[str, bool], message: str
) -> None:
    before = _files(data)
    with pytest.raises(DataErrors) as caught:
        pipeline.rename(data, old, new, **options)
    assert any(message in str(e) for e in caught.value.errors), caught.value.errors
    assert _files(data) == before


def _second_source(data: Path, source_id: str) -> None:
    """Register a second source with no cases: the first's, 湖北 (Hubei) made 湖南 (Hunan)."""
    text = (
        (data / "sources" / f"{SOURCE}.txt").read_bytes().replace("湖北".encode(), "湖南".encode())
    )
    (data / "sources" / f"{source_id}.txt").write_bytes(text)
    meta = (data / "sources" / f"{SOURCE}.yaml").read_text(encoding="utf-8")
    meta = meta.split("introduction:")[0].replace(SOURCE, source_id).replace("湖北", "湖南")
    meta = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(text).hexdigest()}", meta)
    (data / "sources" / f"{source_id}.yaml").write_text(meta, encoding="utf-8")


def test_a_source_id_taken_by_another_source_is_refused_and_writes_nothing(data: Path) -> None:
    _second_source(data, "hunan-2025-reform-cases")
    assert sorted(load_data_folder(data).sources) == [
        "hubei-2025-reform-cases",
        "hunan-2025-reform-cases",
    ]
    before = _files(data)
    with pytest.raises(DataErrors) as caught:
        pipeline.rename(data, SOURCE, "hunan-2025-reform-cases", source=True)
    assert any(
        "'hunan-2025-reform-cases' is already the id of another source" in str(e)
        for e in caught.value.errors
    ), caught.value.errors
    assert _files(data) == before


def test_a_source_rename_onto_another_sources_text_file_is_refused_and_writes_nothing(
    data: Path,
) -> None:
    _second_source(data, "hunan-2025-reform-cases")
    sources = data / "sources"
    (sources / "hunan-2025-reform-cases.txt").rename(sources / "renamed-source-x.txt")
    meta = sources / "hunan-2025-reform-cases.yaml"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(
            "file: hunan-2025-reform-cases.txt", "file: renamed-source-x.txt"
        ),
        encoding="utf-8",
    )
    before = _files(data)
    with pytest.raises(DataErrors) as caught:
        pipeline.rename(data, SOURCE, "renamed-source-x", source=True)
    assert any(
        e.file == f"{data}/sources/renamed-source-x.txt"
        and "a file of this name is already there" in e.message
        for e in caught.value.errors
    ), caught.value.errors
    assert _files(data) == before


def test_the_command_renames_a_source_and_its_files(data: Path) -> None:
    args = ["rename", SOURCE, "hubei-2025-typical-cases", "--source", "--data", str(data)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (
        f"renamed source '{SOURCE}' to 'hubei-2025-typical-cases': 10 place(s) in 9 file(s)"
        in result.stdout
    )
    assert f"  {data}/sources/{SOURCE}.yaml: 2" in result.stdout
    assert f"  {data}/cases/01-big-fiscal-system.yaml: 1" in result.stdout
    assert (
        f"  {data}/sources/{SOURCE}.txt is now {data}/sources/hubei-2025-typical-cases.txt"
        in result.stdout
    )
    assert "build again" in result.stderr
    assert pipeline.check(data).validation.conforms


def test_a_drafts_source_named_after_its_file_is_renamed_and_the_draft_still_checks(
    tmp_path: Path,
) -> None:
    draft = _draft_of_a_report(tmp_path)
    assert list(load_data_folder(draft).sources) == ["report"]  # named after report.txt
    result = pipeline.rename(draft, "report", "xiangyang-2025-reform-cases", source=True)
    renamed = load_data_folder(draft)
    assert list(renamed.sources) == ["xiangyang-2025-reform-cases"]
    assert renamed.sources["xiangyang-2025-reform-cases"].record.file == (
        "xiangyang-2025-reform-cases.txt"
    )
    assert [c.record.source for c in renamed.cases] == ["xiangyang-2025-reform-cases"]
    assert result.notes == (
        "its cases keep the ids extract made up from 'report' (report-case-01): give them"
        " readable ones too (reformgraph rename report-case-01 NEW --case)",
    )
    assert pipeline.check(draft).validation.conforms


def _failing(
    monkeypatch: pytest.MonkeyPatch, data: Path, name: str, at: Collection[int] = ()
) -> list[str]:
    """Make ``os.<name>`` (``replace``, ``unlink``) raise PermissionError at its calls on a
    file of ``data`` numbered ``at`` (1: the first); return the paths of those calls."""
    real = getattr(os, name)
    calls: list[str] = []

    def call(path: str, *args: object, **kwargs: object) -> object:
        if kwargs.get("dir_fd") is None and Path(path).absolute().is_relative_to(data):
            calls.append(str(path))
            if len(calls) in at:  # as os.replace says: both its files
                other = str(args[0]) if name == "replace" else None
                raise PermissionError(errno.EACCES, "Permission denied", str(path), None, other)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, name, call)
    return calls


def _aside(data: Path) -> list[Path]:
    """The hidden folders a rename moves the old files into (beside them)."""
    return sorted(data.glob("*/.reformgraph-rename-*"))


@pytest.mark.parametrize(
    ("old", "new", "options"),
    [
        # one file renamed (01-big-fiscal-system.yaml), with its id changed
        ("big-fiscal-system", "renamed-case-x", {"case": True}),
        # two renamed (its metadata and its text, bytes unchanged) and 8 case files changed
        (SOURCE, "renamed-source-x", {"source": True}),
    ],
    ids=["case", "source"],
)
def test_a_rename_the_disk_fails_at_any_step_leaves_the_data_as_it_was_or_renamed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    old: str,
    new: str,
    options: dict[str, bool],
) -> None:
    renamed_data = tmp_path / "renamed" / "data"
    shutil.copytree(DATA, renamed_data)
    before = _files(renamed_data)
    with monkeypatch.context() as patch:
        steps = {name: _failing(patch, renamed_data, name) for name in ("replace", "unlink")}
        pipeline.rename(renamed_data, old, new, **options)
    renamed = _files(renamed_data)
    assert renamed != before
    assert steps["replace"]
    assert steps["unlink"]  # the old files: put aside, then removed
    for name, calls in steps.items():
        for at in range(1, len(calls) + 1):
            data = tmp_path / f"{name}-{at}" / "data"
            shutil.copytree(DATA, data)
            with monkeypatch.context() as patch:
                _failing(patch, data, name, {at})
                with pytest.raises(ReformgraphError) as caught:
                    pipeline.rename(data, old, new, **options)
            step = f"os.{name} failing at {calls[at - 1]}"
            if name == "replace":  # putting the old files aside, or the new ones in place
                assert isinstance(caught.value, rename.RenameError), step
                assert f"cannot write it (Permission denied): {data} is as it was" in str(
                    caught.value
                ), step
                assert ".tmp" not in str(caught.value), step  # the file, not its hidden copy
                assert _files(data) == before, step
            else:  # removing the old files, once the new ones are in place
                assert isinstance(caught.value, rename.RenameIncomplete), step
                (aside,) = _aside(data)
                message = str(caught.value)
                assert message.startswith(
                    f"renamed {'case' if options.get('case') else 'source'} {old!r} to {new!r},"
                    " but the folder its old file(s) were moved aside into could not be removed"
                    f" (Permission denied: {aside}{os.sep}"
                ), step
                assert message.endswith(f"): delete {aside} (nothing reads it)"), step
                shutil.rmtree(aside)  # as it says
                assert _files(data) == renamed, step


def test_an_old_file_that_cannot_be_put_back_is_named_with_where_to_move_it(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _files(data)
    # 1: the old file moved aside; 2: the new one put in place; 3: the old one put back
    _failing(monkeypatch, data, "replace", {2, 3})
    with pytest.raises(rename.RenameIncomplete) as caught:
        pipeline.rename(data, "big-fiscal-system", "renamed-case-x", case=True)
    monkeypatch.undo()
    (aside,) = _aside(data)
    kept = aside / "01-big-fiscal-system.yaml"
    place = data / "cases" / "01-big-fiscal-system.yaml"
    assert str(caught.value) == (
        f"cannot write {data / 'cases' / '01-renamed-case-x.yaml'} (Permission denied), and"
        f" the old file(s) moved aside could not be put back: move {kept} back to {place};"
        f" then {data} is as it was (delete {aside})"
    )
    kept.replace(place)  # as it says
    shutil.rmtree(aside)
    assert _files(data) == before


def test_the_command_names_the_folder_a_rename_could_not_remove_exit_2_no_traceback(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch, data, "unlink", {1})
    args = ["rename", "big-fiscal-system", "renamed-case-x", "--case", "--data", str(data)]
    result = runner.invoke(app, args)
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    (aside,) = _aside(data)
    assert (
        "renamed case 'big-fiscal-system' to 'renamed-case-x', but the folder its old file(s)"
        " were moved aside into could not be removed" in result.stderr
    )
    assert f"delete {aside} (nothing reads it)" in result.stderr
    assert sorted(p.name for p in (data / "cases").glob("01-*")) == ["01-renamed-case-x.yaml"]


def test_the_command_says_when_the_copy_it_checks_in_cannot_be_made_exit_2_no_traceback(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full temporary folder: an OSError's traceback, exit 1.
    def full(source: Path, target: Path, **options: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(target / "cases"))

    before = _files(data)
    monkeypatch.setattr(shutil, "copytree", full)
    args = ["rename", "big-fiscal-system", "renamed-case-x", "--case", "--data", str(data)]
    result = runner.invoke(app, args)
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    said = result.stderr
    assert f"{data}: cannot check the rename in a temporary copy (No space left on device:" in said
    assert "or set TMPDIR to a folder with room" in said
    assert "nothing was written" in said
    assert _files(data) == before


@pytest.mark.parametrize(
    ("old", "new", "options"),
    [
        ("big-fiscal-system", "renamed-case-x", {"case": True}),
        (SOURCE, "renamed-source-x", {"source": True}),
    ],
    ids=["case", "source"],
)
def test_a_rename_works_when_each_folder_of_the_data_is_on_a_disk_of_its_own(
    data: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, options: dict[str, bool]
) -> None:
    # sources/ a link to another disk: a file moved out of its folder (into one at the top
    # of the data folder) cannot be renamed there, only copied.
    real = os.replace

    def replace(source: str, target: str, **options: object) -> None:
        paths = [Path(p).absolute() for p in (source, target)]
        if (
            all(p.is_relative_to(data) for p in paths)
            and len({p.relative_to(data).parts[0] for p in paths}) > 1
        ):
            raise OSError(errno.EXDEV, "Invalid cross-device link", str(source), None, target)
        real(source, target, **options)

    monkeypatch.setattr(os, "replace", replace)
    result = pipeline.rename(data, old, new, **options)
    monkeypatch.undo()
    assert result.moved is not None
    assert not (data / result.moved[0].removeprefix("data/")).exists()
    assert (data / result.moved[1].removeprefix("data/")).is_file()
    assert _aside(data) == []
    assert pipeline.check(data).validation.conforms


@pytest.mark.parametrize(
    ("name", "old", "new", "options", "named"),
    [
        # no file renamed: the changed files are written beside themselves first
        ("open", "hubei", "hubei-province", {}, "cases/01-big-fiscal-system.yaml"),
        # a case file renamed: its old one is moved aside into a folder made beside it
        ("mkdir", "big-fiscal-system", "renamed-case-x", {"case": True}, "cases"),
    ],
    ids=["file", "aside-folder"],
)
def test_a_folder_no_file_can_be_made_in_is_named_not_the_hidden_file_it_could_not_make(
    data: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    old: str,
    new: str,
    options: dict[str, bool],
    named: str,
) -> None:
    # A read-only (or immutable) folder: the message named the hidden temporary copy or
    # aside folder (cases/.01-big-fiscal-system.yaml.ab12.tmp), which is nowhere to be seen.
    before = _files(data)
    _failing(monkeypatch, data, name, {1})
    result = runner.invoke(
        app, ["rename", old, new, "--data", str(data)] + [f"--{option}" for option in options]
    )
    monkeypatch.undo()
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.stderr.startswith(
        f"{data / named}: cannot write it (Permission denied): {data} is as it was\n"
    ), result.stderr
    assert _files(data) == before
    assert not _aside(data)


def test_the_command_renames_in_the_data_folder_it_runs_in(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `--data .` (or the project's data/, found from inside it) has no name: the check of
    # the rename in a temporary copy said "File exists: /tmp/reformgraph-rename-…".
    monkeypatch.chdir(data)
    for options in (["--data", "."], []):
        result = runner.invoke(app, ["rename", "hubei", "hubei-province", *options])
        assert result.exit_code == 0, result.output
        assert "  entities/places.yaml: 3" in result.stdout
        result = runner.invoke(app, ["rename", "hubei-province", "hubei", *options])
        assert result.exit_code == 0, result.output

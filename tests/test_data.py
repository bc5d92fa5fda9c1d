"""The curated data: each case builds and conforms on its own, and accounts for every numeral."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from reformgraph import pipeline
from reformgraph.coverage import uncovered_numerals
from reformgraph.io import load_data_folder
from reformgraph.models import Entity, EntityType
from reformgraph.resolve import resolve

from .paths import CASE_FILES, DATA


def _only_case(tmp_path: Path, case_file: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA / "sources", folder / "sources")
    shutil.copytree(DATA / "entities", folder / "entities")
    (folder / "cases").mkdir()
    shutil.copy(case_file, folder / "cases" / case_file.name)
    return folder


def test_there_are_eight_cases_in_source_order() -> None:
    positions = [
        yaml.safe_load(path.read_text(encoding="utf-8"))["position"] for path in CASE_FILES
    ]
    assert positions == list(range(1, 9))


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_each_case_builds_alone_and_conforms_to_the_shapes(tmp_path: Path, case_file: Path) -> None:
    result = pipeline.check(_only_case(tmp_path, case_file))
    assert result.validation.conforms, "\n".join(map(str, result.validation.violations))
    assert result.summary.cases == 1
    assert result.summary.measures >= 3


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_numeral_of_each_case_is_a_figure_a_label_or_an_explained_exception(
    tmp_path: Path, case_file: Path
) -> None:
    resolved = resolve(load_data_folder(_only_case(tmp_path, case_file)))
    uncovered = [u for u in uncovered_numerals(resolved) if u.where.startswith("case ")]
    assert not uncovered, "\n".join(map(str, uncovered))


def test_the_introduction_accounts_for_every_numeral() -> None:
    resolved = resolve(load_data_folder(DATA))
    uncovered = [u for u in uncovered_numerals(resolved) if u.where.startswith("introduction")]
    assert not uncovered, "\n".join(map(str, uncovered))


@pytest.mark.parametrize(
    ("figure", "after", "number", "context"),
    [
        ("enterprises-served", "supply-chain-transactions", "10余万", "带动服务10余万家企业"),
        ("three-assets-total", "three-assets-revitalised", "21.8万亿", "总规模达到21.8万亿元"),
    ],
)
def test_coverage_check_finds_a_figure_removed_from_the_data(
    tmp_path: Path, figure: str, after: str, number: str, context: str
) -> None:
    folder = _only_case(tmp_path, DATA / "cases" / "01-big-fiscal-system.yaml")
    path = folder / "cases" / "01-big-fiscal-system.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"      - id: {figure}\n")
    end = text.index(f"      - id: {after}\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    uncovered = uncovered_numerals(resolve(load_data_folder(folder)))
    # One report for the number as written (10余万, 21.8万亿), not one for each of its numerals.
    assert [u.character for u in uncovered] == [number]
    assert context in uncovered[0].context
    assert f"'{number}' at offset" in str(uncovered[0])
    assert "by a figure, an entity label" in str(uncovered[0])


def test_the_source_text_is_the_published_bytes() -> None:
    meta = yaml.safe_load(
        (DATA / "sources" / "hubei-2025-reform-cases.yaml").read_text(encoding="utf-8")
    )
    raw = (DATA / "sources" / meta["file"]).read_bytes()
    assert hashlib.sha256(raw).hexdigest() == meta["sha256"]
    assert not raw.endswith(b"\n"), "the published text has no trailing newline"
    assert raw.decode("utf-8").count("\n") == 26


def test_every_entity_is_used() -> None:
    resolved = resolve(load_data_folder(DATA))
    assert not resolved.warnings, "\n".join(map(str, resolved.warnings))


def test_figure_values_match_their_words_after_normalisation() -> None:
    resolved = resolve(load_data_folder(DATA))
    by_text = {}
    for case in resolved.dataset.cases:
        for facts in (case.record, *case.record.measures):
            for figure in facts.figures:
                by_text[figure.text] = (figure.value, figure.unit, figure.qualifier.value)
    assert by_text["21.8万亿元"] == (21800000000000, "cny", "exact")
    assert by_text["超过3.31亿美元"] == (331000000, "usd", "more-than")
    assert by_text["181万亩"] == (1810000, "mu", "exact")
    assert by_text["5%以内"] == (5, "percent", "at-most")
    assert by_text["10余万家"] == (100000, "count", "more-than")


def test_shared_things_are_one_entity_with_each_spelling_a_label() -> None:
    entities = resolve(load_data_folder(DATA)).entities
    platform = entities["performance-evaluation-platform"]
    assert {"投资项目绩效综合评价平台", "绩效平台"} <= set(platform.zh_labels)
    assert "省发改委" in entities["hubei-drc"].zh_labels
    assert "hubei-drc" in entities["ndrc"].distinct_from


def test_chinese_labels_of_named_things_occur_in_the_source() -> None:
    """Names are copied from the source: every organisation, platform, instrument and place
    label that is not marked as our own composition occurs verbatim in the text."""
    resolved = resolve(load_data_folder(DATA))
    text = next(iter(resolved.dataset.sources.values())).text
    own = {"hubei-daily"}  # named by the source's metadata, not its text
    missing = []
    for entity in resolved.entities.values():
        if entity.type.group in ("org", "platform", "instrument", "place") and entity.id not in own:
            found = [label for label in entity.zh_labels if label in text]
            if not found:
                missing.append(f"{entity.id}: {entity.zh_labels}")
    assert not missing, "\n".join(missing)


def test_english_strings_are_present_and_not_chinese() -> None:
    resolved = resolve(load_data_folder(DATA))
    han = re.compile(r"[\u4e00-\u9fff]")
    bad = [e.id for e in resolved.entities.values() if han.search(e.label.en)]
    bad += [c.case.id for c in resolved.cases if han.search(c.case.title.en)]
    assert not bad


def _english_labels(entity: Entity) -> list[str]:
    return [label.en for label in (entity.label, *entity.alt_labels) if label.en]


#: The names English writes only with the article, as the gazetteer of places does: the
#: build says "rank 4 in the world".
_NAMES_WITH_THE = {"the world", "the Americas"}


def test_english_labels_carry_no_leading_article() -> None:
    """A label names its thing, as a headword does: "three guarantees", not "the three
    guarantees" (data/README, "Translations")."""
    entities = resolve(load_data_folder(DATA)).entities.values()
    bad = [
        f"{entity.id}: {label!r}"
        for entity in entities
        for label in _english_labels(entity)
        if label.lower().startswith(("the ", "a ", "an ")) and label not in _NAMES_WITH_THE
    ]
    assert not bad, "\n".join(bad)


def test_a_city_is_named_in_english_without_city() -> None:
    """Wuhan for 武汉市 and Ezhou for 鄂州市, as the gazetteer names them: "X City" only
    where X alone names another place (Jilin City, Jilin) (data/README, "Translations")."""
    entities = resolve(load_data_folder(DATA)).entities.values()
    places = {entity.id: _english_labels(entity) for entity in entities if entity.type.is_place}
    bad = [
        f"{place}: {label!r}"
        for place, labels in places.items()
        for label in labels
        if label.endswith((" City", " Municipality"))
        and not any(
            label.rsplit(" ", 1)[0] in others for other, others in places.items() if other != place
        )
    ]
    assert not bad, "\n".join(bad)


def test_an_indicator_that_counts_is_a_number_of_things() -> None:
    """数 and 数量 (企业数, 接警台数量) are "number of …", never "count of" or "quantity of"
    (data/README, "Translations")."""
    entities = resolve(load_data_folder(DATA)).entities.values()
    bad = [
        f"{entity.id}: {entity.label.zh} / {entity.label.en!r}"
        for entity in entities
        if entity.type is EntityType.INDICATOR
        and entity.label.zh.endswith(("数", "数量"))
        and not entity.label.en.startswith("number of ")
    ]
    assert not bad, "\n".join(bad)

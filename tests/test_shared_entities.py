"""The shared entities as every build process holds them: packed, read back unchanged,
rendered and checked in groups that give what one group gives."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from pydantic import BaseModel
from rdflib import RDF

from reformgraph import pipeline, produce
from reformgraph.build import (
    CASE_LINKS,
    shared_context_triples,
    shared_triple_groups,
    shared_triples,
    shared_types,
)
from reformgraph.errors import DataErrors
from reformgraph.io import EntityTable, LineMap, load_shared, read_yaml
from reformgraph.models import Bilingual, Conversion, Definition, Entity, EntityType
from reformgraph.produce import _Checks
from reformgraph.queries import saved_query
from reformgraph.rdfwrite import render_chunk

from .paths import DATA


def _real_entities() -> dict[str, Entity]:
    """The curated entities, validated straight from their files (no table)."""
    out: dict[str, Entity] = {}
    for path in sorted((DATA / "entities").glob("*.yaml")):
        data, _ = read_yaml(path, path.name)
        for item in data:
            entity = Entity.model_validate(item)
            out[entity.id] = entity
    return out


def test_every_curated_entity_reads_back_from_the_table_as_it_was_validated() -> None:
    expected = _real_entities()
    table = load_shared(DATA).entities
    assert isinstance(table, EntityTable)
    assert list(table) == list(expected)
    for entity_id, entity in expected.items():
        assert table[entity_id] == entity, entity_id
    assert dict(table.items()) == expected
    assert list(table.values()) == list(expected.values())


def test_an_entity_with_every_field_set_reads_back_unchanged() -> None:
    unit = Entity(
        id="unit-x",
        type=EntityType.UNIT,
        label=Bilingual(zh="万元", en="ten thousand yuan"),
        alt_labels=[Bilingual(zh="万", en="ten thousand"), Bilingual(zh="元", en="yuan")],
        definition=Definition(zh="定义", en="a definition"),
        symbols=["万元", "万"],
        code="10^4 CNY",
        qudt="http://qudt.org/vocab/unit/CNY",
        conversion=Conversion(unit="cny", factor=Decimal(10000)),
    )
    concept = Entity(
        id="concept-x",
        type=EntityType.CONCEPT,
        label=Bilingual(zh="概念", en="concept"),
        definition=Definition(en="only English"),
        broader=["a", "b"],
        distinct_from=["c"],
    )
    platform = Entity(
        id="platform-x",
        type=EntityType.PLATFORM,
        label=Bilingual(zh="平台", en="platform"),
        part_of=["whole"],
    )
    rate = Entity(
        id="rate-x",
        type=EntityType.INDICATOR,
        label=Bilingual(zh="营收增速", en="growth rate of operating revenue"),
        growth_rate_of="revenue",
    )
    examples = (unit, concept, platform, rate)
    set_somewhere = {name for e in examples for name in e.model_fields_set}
    assert set_somewhere == set(Entity.model_fields), "the examples leave a field unset"
    table = EntityTable()
    lines = LineMap("entities/x.yaml", {(0,): 2, (1,): 9, (2,): 15, (3,): 20})
    for index, entity in enumerate(examples):
        table.add(entity, lines, index)
    table.RECENT = 1  # every access but the last unpacks again
    for entity in (*examples, unit):
        assert table[entity.id] == entity
        assert table[entity.id].model_dump() == entity.model_dump()
    assert table.place("concept-x") == (lines, (1,))
    assert "platform-x" in table
    assert "nothing" not in table
    assert len(table) == 4


def test_an_entity_file_s_line_numbers_are_read_again_when_an_error_needs_them() -> None:
    shared = load_shared(DATA)
    entity_id = next(iter(shared.entities))
    lines, path = shared.entity_lines[entity_id]
    assert lines.line((*path, "label")) == 4  # concepts.yaml, item 0's label


def test_the_shared_triples_in_groups_are_the_shared_triples_in_order() -> None:
    shared = load_shared(DATA)
    whole = list(shared_triples(shared.entities, shared.sources.values()))
    groups = list(shared_triple_groups(shared.entities, shared.sources.values(), size=7))
    assert len(groups) > 3
    assert [t for group in groups for t in group] == whole
    rendered = "".join(render_chunk(group).ntriples for group in groups)
    assert rendered == render_chunk(whole).ntriples, "a node's triples were split"


def test_the_shared_types_are_the_types_the_shared_triples_state() -> None:
    shared = load_shared(DATA)
    stated = {
        (s, o)
        for s, p, o in shared_triples(shared.entities, shared.sources.values())
        if p == RDF.type
    }
    assert set(shared_types(shared.entities, shared.sources.values())) == stated


def test_the_context_of_the_checks_is_every_unit_and_source_document() -> None:
    shared = load_shared(DATA)
    context = {s for s, _, _ in shared_context_triples(shared.entities, shared.sources.values())}
    expected = {
        s
        for s, p, o in shared_triples(shared.entities, shared.sources.values())
        if p == RDF.type and str(o).rsplit("/", 1)[-1] in {"Unit", "SourceDocument"}
    }
    assert context == expected
    assert expected


@pytest.mark.parametrize("size", [1, 5, 10_000])
def test_checking_the_shared_triples_in_groups_finds_what_one_check_finds(size: int) -> None:
    shared = load_shared(DATA)
    checks = _Checks.make(shared)
    whole = list(shared_triples(shared.entities, shared.sources.values()))
    expected = checks.check(whole)
    groups = list(shared_triple_groups(shared.entities, shared.sources.values(), size=size))
    found = [v for group in groups for v in checks.check(group).violations]
    assert sorted(set(found)) == expected.violations
    if size == 1:
        # Groups refer to each other's nodes (a broader concept, a publisher): without
        # the types of the other groups as context, the checks would fail them.
        alone = [v for group in groups for v in checks.checker.check(group).violations]
        assert "each rg:locatedIn must be an rg:Place" in {v.message for v in alone}


@pytest.mark.parametrize("name", ["shared-entity-counts", "shared-entities"])
def test_the_link_predicates_are_those_the_shared_entity_queries_follow(name: str) -> None:
    """The build counts shared entities by CASE_LINKS; the queries list the same."""
    text = saved_query(name).text
    lists = re.findall(r"VALUES \?\w+ \{([^}]*)\}", text)
    assert lists, f"{name}.rq has no VALUES list of link predicates"
    rg = "https://w3id.org/reformgraph/ontology/"
    for found in lists:
        assert {rg + term.removeprefix("rg:") for term in found.split()} == set(
            map(str, CASE_LINKS)
        ), name


def _errors(load: Callable[[], object]) -> list[str]:
    with pytest.raises(DataErrors) as caught:
        load()
    return [str(error) for error in caught.value.errors]


@pytest.fixture
def two_readers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Entity files read by the build's two processes, however small they are."""
    monkeypatch.setattr(produce, "PARALLEL_ENTITY_BYTES", 0)
    monkeypatch.setattr(produce.os, "cpu_count", lambda: 2)


@pytest.mark.usefixtures("two_readers")
def test_entity_files_read_by_two_processes_give_the_table_one_process_gives() -> None:
    one, two = load_shared(DATA).entities, produce._load_shared(DATA).entities
    assert isinstance(two, EntityTable)
    assert list(two) == list(one)
    for entity_id in one:
        assert two[entity_id] == one[entity_id], entity_id
        assert two.place(entity_id)[1] == one.place(entity_id)[1], entity_id


@pytest.mark.usefixtures("two_readers")
def test_entity_files_read_by_two_processes_report_the_same_errors_in_order(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    (data / "entities" / "zz-broken.yaml").write_text(
        "- id: new-one\n  type: concept\n  label: {zh: 新概念, en: a new concept}\n"
        "- id: fiscal-system-reform\n  type: nonsense\n  label: {zh: 重复, en: dup}\n"
        "- id: cny\n  type: unit\n  code: CNY\n  label: {zh: 元, en: yuan}\n  symbols: [元]\n"
        "- just a string\n",
        encoding="utf-8",
    )
    (data / "entities" / "zz-not-a-list.yaml").write_text("id: x\n", encoding="utf-8")
    (data / "entities" / "zz-bad-yaml.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    serial = _errors(lambda: load_shared(data))
    assert len(serial) >= 4, serial
    assert any("duplicate id 'cny'" in e and "zz-broken.yaml:7" in e for e in serial), serial
    assert _errors(lambda: produce._load_shared(data)) == serial


def test_an_unpacked_entity_is_what_model_construct_makes_of_its_fields() -> None:
    """Entities are unpacked without pydantic's model_construct (five times as fast):
    the instances must be the same, nested models, fields set and all."""
    from reformgraph.io import _pack, _unpack

    def same(fast: object, slow: object) -> None:
        assert type(fast) is type(slow)
        if isinstance(slow, list):
            assert isinstance(fast, list)
            assert len(fast) == len(slow)
            for a, b in zip(fast, slow, strict=True):
                same(a, b)
        elif isinstance(slow, BaseModel):
            assert list(fast.__dict__) == list(slow.__dict__) == list(type(slow).model_fields)
            assert fast.model_fields_set == slow.model_fields_set  # type: ignore[attr-defined]
            assert fast.__pydantic_extra__ == slow.__pydantic_extra__  # type: ignore[attr-defined]
            assert fast.__pydantic_private__ == slow.__pydantic_private__  # type: ignore[attr-defined]
            for name in slow.__dict__:
                same(fast.__dict__[name], slow.__dict__[name])
        else:
            assert fast == slow

    for entity in _real_entities().values():
        fast = _unpack(_pack(entity))
        slow = Entity.model_construct(
            **{
                name: (
                    type(value).model_construct(**value.__dict__)
                    if isinstance(value, (Bilingual, Definition))
                    else [type(v).model_construct(**v.__dict__) for v in value]
                    if name == "alt_labels"
                    else value
                )
                for name, value in entity.__dict__.items()
            }
        )
        same(fast, slow)
        assert fast == entity


def test_the_unused_entity_warnings_unpack_one_entity_at_a_time(tmp_path: Path) -> None:
    """Finding the entities no case uses must not unpack the whole table at once (a
    national collection's entities, unpacked together, took gigabytes at the end of the
    build)."""
    import tracemalloc

    from reformgraph.resolve import CaseResolver
    from reformgraph.synth import synthesize

    synthesize(300, tmp_path / "data", seed=3)
    shared = load_shared(tmp_path / "data")
    resolver = CaseResolver(shared)
    table = shared.entities
    left_out = sorted(table)[:3]
    resolver.used.update(set(table) - set(left_out))

    resolver._resolver.unused()  # what the first call sets up once is not measured
    tracemalloc.start()
    try:
        warnings = resolver._resolver.unused()
        _, finding = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        unpacked = list(table.values())
        all_at_once = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()

    assert len(unpacked) > 2000
    assert {w.message for w in warnings} <= {
        f"entity {entity_id!r} is not used by any case" for entity_id in left_out
    }
    assert finding < all_at_once / 4, (finding, all_at_once)


def test_a_build_names_its_shared_entities_in_english_as_the_saved_query_does(
    built: pipeline.BuildResult, build_dir: Path
) -> None:
    """The build's summary named the shared entities in Chinese only; the English of
    each is carried beside them, as ``shared-entity-counts`` gives it."""
    from reformgraph.engine import STORE_DIR, open_store

    counted = built.check.summary
    queried = pipeline.summarise_store(open_store(build_dir / STORE_DIR), counted.triples)
    assert counted.shared_labels_en == queried.shared_labels_en
    assert len(counted.shared_labels_en) == len(counted.shared_entities)
    labels = [label for label, *_ in counted.shared_entities]
    english = dict(zip(labels, counted.shared_labels_en, strict=True))
    assert english["湖北"] == "Hubei"
    assert english["投资项目绩效综合评价平台"] == (
        "comprehensive performance evaluation platform for investment projects"
    )


def test_the_english_of_shared_entities_looked_up_is_the_saved_query_s(
    synthetic_build: Path,
) -> None:
    """As a build gives them (Chinese label, class, cases), the English labels are looked
    up in the store: the same as the saved query's, on many entities."""
    from reformgraph.engine import STORE_DIR, open_store
    from reformgraph.queries import run_query_on_store

    store = open_store(synthetic_build / STORE_DIR)
    queried = pipeline.summarise_store(store, 0)
    shared = run_query_on_store(store, saved_query("shared-entity-counts"), union=False)
    seen: dict[str, tuple[str, str, int]] = {}
    for row in shared.rows:
        cell = {name: term.value for name, term in zip(shared.variables, row, strict=True)}
        seen.setdefault(cell["entity"], (cell["label"], cell["type"], int(cell["cases"])))
    given = sorted(seen.values(), key=lambda item: (-item[2], item[0]))
    looked_up = pipeline.summarise_store(store, 0, given)
    assert len(looked_up.shared_labels_en) > 20
    assert all(looked_up.shared_labels_en)
    assert looked_up.shared_labels_en == queried.shared_labels_en

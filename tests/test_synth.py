"""`reformgraph synth`: synthetic data folders, seeded, buildable, and shaped like the real data.

Realism is measured the same way on a build of the synthetic folder and a build of
``data/``: per case, the numbered measures, the figures (a change's baseline and result
included), the entities it names (distinct IRIs outside cases and sources that the case
or any of its parts points to), the length of its text, and its recognitions, innovation
claims and pilots (the case's own and its measures'); and the optional fields of its facts
that the real data fills: the figures that say whose number they are and when, the
cumulative ones, the changes, the changes and rankings with a subject and a date, the
relations with a purpose, the cases that say when they began, the changes stated by their
difference only and those whose difference is qualified (20多个百分点), the recognitions
that name their inspection or selection (via), the assistance relations, the figures of a
narrower indicator (skos:broader), and in the case files the participants left unsaid
(implied). The per-case means must be within 20% of the real data's, and so must the
share of the platforms, mechanisms and concepts with a definition and of the mechanisms
part of another; and, in the entity files of 300 synthetic cases (40 name too few
entities to judge a rate of 4 in 110), of the administrative areas, platforms, concepts
and organisations with an alternative label and of the platforms, mechanisms, concepts
and organisations distinct from a look-alike (distinct_from). The entities shared by two
or more cases must have a long tail, as the real ones do.
"""

from __future__ import annotations

import math
import random
import statistics
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from reformgraph import pipeline
from reformgraph.cli import app
from reformgraph.engine import STORE_DIR, open_store
from reformgraph.queries import run_query_on_store, saved_queries
from reformgraph.synth import (
    _ACTIONS,
    _FIELDS,
    _KINDS,
    _REGIONS,
    MAX_CASES,
    _Names,
    _Pool,
    synthesize,
)

from .paths import DATA

runner = CliRunner()

CASES = 40
LARGER = 300  # cases, for ENTITY_SHARES
SEED = 1
TOLERANCE = 0.20
ID = "https://w3id.org/reformgraph/id/"
PREFIX = (
    "PREFIX rg: <https://w3id.org/reformgraph/ontology/>\n"
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    "PREFIX dcterms: <http://purl.org/dc/terms/>\n"
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
)
#: The qualitative outcomes, by the class of their nodes (a case's or its measures').
OUTCOMES = {"recognitions": "Recognition", "claims": "InnovationClaim", "pilots": "Pilot"}
#: The optional fields of the cases' facts, by what holds one (a case's or its measures').
FIELDS = {
    "figures with a subject": "?x a rg:Figure ; rg:subject ?v",
    "figures with a date": "?x a rg:Figure ; rg:dateText ?v",
    "cumulative figures": "?x a rg:Figure ; rg:cumulative true",
    "changes": "?x a rg:Change",
    "changes with a subject": "?x a rg:Change ; rg:subject ?v",
    "changes with a date": "?x a rg:Change ; rg:dateText ?v",
    "rankings with a subject": "?x a rg:Ranking ; rg:subject ?v",
    "rankings with a date": "?x a rg:Ranking ; rg:dateText ?v",
    "relations with a purpose": "?x rg:purpose ?v",
    "changes stated by their difference only": "FILTER NOT EXISTS { ?x rg:baseline ?b }"
    " FILTER NOT EXISTS { ?x rg:result ?r } ?x a rg:Change ; rg:difference ?v",
    "changes whose difference has a qualifier": "?v rg:qualifier ?q FILTER (?q != rg:exact)"
    " ?x a rg:Change ; rg:difference ?v",
    "recognitions through an inspection or selection": "?x a rg:Recognition ; rg:via ?v",
    "assistance relations": "?x a rg:Assistance",
    "figures of a narrower indicator": "?i skos:broader ?v . ?x a rg:Figure ; rg:indicator ?i",
}
#: The optional fields of entities: (the entities, those of them with the field).
SHARES = {
    "platforms, mechanisms and concepts with a definition": (
        "?x a ?class VALUES ?class { rg:Platform rg:Mechanism rg:ReformConcept }",
        "?x skos:definition ?v",
    ),
    "mechanisms part of another": ("?x a rg:Mechanism", "?x dcterms:isPartOf ?v"),
}


def synth(out: Path, *args: str) -> Result:
    return runner.invoke(app, ["synth", "--out", str(out), *args])


def files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    result = synth(out, "--cases", str(CASES), "--seed", str(SEED))
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def synthetic_build(synthetic: Path) -> pipeline.BuildResult:
    return pipeline.build(synthetic, synthetic.parent / "build")


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True)
class Shape:
    """Per-case means, in how many cases each entity is named, and the shares of entities
    with an optional field."""

    means: dict[str, float]
    cases_per_entity: Counter[str]
    shares: dict[str, float]


def _count(store: object, query: str) -> int:
    solutions = list(store.query(PREFIX + query))  # type: ignore[attr-defined]
    return int(solutions[0]["n"].value) if solutions and solutions[0]["n"] else 0


def shape(build_dir: Path) -> Shape:
    store = open_store(build_dir / STORE_DIR)
    cases = _count(store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rg:ReformCase }")
    measures = _count(store, "SELECT (COUNT(?m) AS ?n) WHERE { ?m a rg:Measure }")
    figures = _count(store, "SELECT (COUNT(?f) AS ?n) WHERE { ?f a rg:Figure }")
    text = _count(
        store,
        "SELECT (SUM(STRLEN(?t)) AS ?n) WHERE { ?c a rg:ReformCase ; rg:fullText ?t }",
    )
    outcomes = {
        name: _count(
            store,
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a rg:{cls} ; rg:partOfCase ?c }}",
        )
        for name, cls in OUTCOMES.items()
    }
    fields = {
        name: _count(
            store,
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} ; rg:partOfCase ?c }}",
        )
        for name, pattern in FIELDS.items()
    }
    fields["cases with a start"] = _count(
        store, "SELECT (COUNT(?c) AS ?n) WHERE { ?c a rg:ReformCase ; rg:dateText ?t }"
    )
    shares = {
        name: _count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {those} . {field} }}")
        / max(_count(store, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {those} }}"), 1)
        for name, (those, field) in SHARES.items()
    }
    named = store.query(
        PREFIX
        + f"""SELECT DISTINCT ?case ?entity WHERE {{
            ?case a rg:ReformCase .
            {{ ?case ?p ?entity }} UNION {{ ?part rg:partOfCase ?case ; ?p ?entity }}
            FILTER (isIRI(?entity) && STRSTARTS(STR(?entity), "{ID}")
                    && !STRSTARTS(STR(?entity), "{ID}case/")
                    && !STRSTARTS(STR(?entity), "{ID}source/"))
        }}"""
    )
    per_entity = Counter(solution["entity"].value for solution in named)  # type: ignore[index,union-attr]
    del store
    assert cases, f"no cases in {build_dir}"
    return Shape(
        means={
            "measures": measures / cases,
            "figures": figures / cases,
            "entities": sum(per_entity.values()) / cases,
            "text length": text / cases,
            **{name: count / cases for name, count in outcomes.items()},
            **{name: count / cases for name, count in fields.items()},
        },
        cases_per_entity=per_entity,
        shares=shares,
    )


def implied(value: object) -> int:
    """How many participants in ``value`` (a case file's record) are left unsaid."""
    if isinstance(value, dict):
        return int(value.get("implied") is True) + sum(implied(v) for v in value.values())
    if isinstance(value, list):
        return sum(implied(item) for item in value)
    return 0


def written_means(folder: Path) -> dict[str, float]:
    """Per-case means of what the case files hold and the graph does not show: exceptions
    to the number-coverage rule, entities named by a mention (全省 for the province), and
    participants of relations and pilots that the sentence leaves unsaid (implied)."""
    cases = [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((folder / "cases").glob("*.yaml"))
    ]
    parts = [[case, *case.get("measures", [])] for case in cases]
    mentions = sum(
        1
        for case_parts in parts
        for part in case_parts
        for key in ("places", "involves")
        for item in part.get(key, [])
        if isinstance(item, dict) and "mention" in item
    )
    return {
        "exceptions": sum(len(case.get("exceptions", [])) for case in cases) / len(cases),
        "mentions": mentions / len(cases),
        "implied participants": implied(cases) / len(cases),
    }


#: The optional fields of entities that a few synthetic cases name too few entities to
#: judge (4 in 110 platforms, mechanisms and concepts are distinct from a look-alike: 40
#: cases name about 130), measured in the entity files of a larger folder: (the types of
#: the entities, the field).
ORGANISATIONS = {
    "reform-office",
    "party-body",
    "government-body",
    "legislature",
    "enterprise",
    "organisation-group",
    "organisation",
}
ENTITY_SHARES = {
    "administrative areas with an alternative label": ({"administrative-area"}, "alt_labels"),
    "platforms and concepts with an alternative label": ({"platform", "concept"}, "alt_labels"),
    "organisations with an alternative label": (ORGANISATIONS, "alt_labels"),
    "platforms, mechanisms and concepts distinct from a look-alike": (
        {"platform", "mechanism", "concept"},
        "distinct_from",
    ),
    "organisations distinct from a look-alike": (ORGANISATIONS, "distinct_from"),
}


def entity_shares(folder: Path) -> dict[str, float]:
    """The shares of ENTITY_SHARES in the entity files of a data folder (synth writes only
    the entities its cases name)."""
    entities = [
        entity
        for path in sorted((folder / "entities").glob("*.yaml"))
        for entity in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]
    shares = {}
    for name, (types, key) in ENTITY_SHARES.items():
        those = [entity for entity in entities if entity["type"] in types]
        shares[name] = sum(1 for entity in those if entity.get(key)) / max(len(those), 1)
    return shares


def rank_frequency_slope(counts: list[int]) -> float:
    """The least-squares slope of log(count) against log(rank), counts sorted descending."""
    points = [
        (math.log(rank), math.log(count))
        for rank, count in enumerate(sorted(counts, reverse=True), 1)
    ]
    mean_x = statistics.fmean(x for x, _ in points)
    mean_y = statistics.fmean(y for _, y in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / sum(
        (x - mean_x) ** 2 for x, _ in points
    )


def long_tail_problems(per_entity: Counter[str]) -> list[str]:
    """What keeps the sharing of entities from being a long tail (empty when it is one)."""
    shared = sorted((n for n in per_entity.values() if n >= 2), reverse=True)
    problems = []
    if len(shared) < 5:
        return [f"only {len(shared)} entities are shared by two or more cases"]
    if sum(1 for n in per_entity.values() if n == 1) <= len(per_entity) / 2:
        problems.append("most entities should be named by one case only")
    if shared[0] < 3 * statistics.median(shared):
        problems.append(
            f"the most shared entity ({shared[0]} cases) should be in at least 3 times as many"
            f" cases as the median shared entity ({statistics.median(shared)})"
        )
    slope = rank_frequency_slope(shared)
    if slope > -0.5:
        problems.append(f"cases per shared entity fall too slowly with rank (slope {slope:.2f})")
    return problems


@pytest.fixture(scope="module")
def real_shape(build_dir: Path) -> Shape:
    return shape(build_dir)


# --------------------------------------------------------------------------- tests


def test_the_same_seed_gives_byte_identical_files(synthetic: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = synth(again, "--cases", str(CASES), "--seed", str(SEED))
    assert result.exit_code == 0, result.output
    assert files(again) == files(synthetic)


def test_another_seed_gives_other_data(synthetic: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    result = synth(other, "--cases", str(CASES), "--seed", str(SEED + 1))
    assert result.exit_code == 0, result.output
    mine, theirs = files(synthetic), files(other)
    assert len(list((other / "cases").iterdir())) == CASES
    assert [name for name in mine if mine[name] != theirs.get(name)], "the seed changes nothing"


def test_the_synthetic_folder_builds_and_conforms(synthetic_build: pipeline.BuildResult) -> None:
    check = synthetic_build.check
    assert check.validation.conforms, "\n".join(map(str, check.validation.violations))
    assert check.summary.cases == CASES
    assert check.uncovered == [], "numerals or outcome words of the synthetic text unaccounted for"
    assert check.warnings == []
    assert check.validation.warnings == []


@pytest.mark.parametrize("query", ["recognitions", "firsts", "pilots", "growth-rankings"])
def test_the_outcome_queries_answer_on_the_synthetic_data(
    synthetic_build: pipeline.BuildResult, query: str
) -> None:
    store = open_store(synthetic_build.folder / STORE_DIR)
    rows = run_query_on_store(store, saved_queries()[query]).rows
    assert rows, f"the {query} query returns nothing on {CASES} synthetic cases"


@pytest.fixture(scope="module")
def synthetic_shape(synthetic_build: pipeline.BuildResult) -> Shape:
    return shape(synthetic_build.folder)


@pytest.mark.parametrize(
    "measure",
    [
        "measures",
        "figures",
        "entities",
        "text length",
        *OUTCOMES,
        *FIELDS,
        "cases with a start",
    ],
)
def test_per_case_means_are_within_20_percent_of_the_real_data(
    synthetic_shape: Shape, real_shape: Shape, measure: str
) -> None:
    synthetic = synthetic_shape.means[measure]
    real = real_shape.means[measure]
    assert real > 0, f"the real data has no {measure}: nothing to compare"
    assert abs(synthetic - real) <= TOLERANCE * real, (
        f"{measure} per case: {synthetic:.2f} synthetic, {real:.2f} real"
        f" ({synthetic / real - 1:+.0%})"
    )


@pytest.mark.parametrize("measure", ["exceptions", "mentions", "implied participants"])
def test_the_case_files_hold_exceptions_mentions_and_unsaid_participants_like_the_real_ones(
    synthetic: Path, measure: str
) -> None:
    synthetic_mean, real = written_means(synthetic)[measure], written_means(DATA)[measure]
    assert real > 0, f"the real data has no {measure}: nothing to compare"
    assert abs(synthetic_mean - real) <= TOLERANCE * real, (
        f"{measure} per case: {synthetic_mean:.2f} synthetic, {real:.2f} real"
    )


@pytest.mark.parametrize("share", SHARES)
def test_entities_fill_their_optional_fields_within_20_percent_of_the_real_share(
    synthetic_shape: Shape, real_shape: Shape, share: str
) -> None:
    synthetic, real = synthetic_shape.shares[share], real_shape.shares[share]
    assert real > 0, f"no {share} in the real data: nothing to compare"
    assert abs(synthetic - real) <= TOLERANCE * real, (
        f"{share}: {synthetic:.0%} synthetic, {real:.0%} real"
    )


@pytest.fixture(scope="module")
def larger_synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "data"
    synthesize(LARGER, out, seed=SEED)
    return out


@pytest.mark.parametrize("share", ENTITY_SHARES)
def test_entities_have_alternative_labels_and_look_alikes_within_20_percent_of_the_real_share(
    larger_synthetic: Path, share: str
) -> None:
    synthetic, real = entity_shares(larger_synthetic)[share], entity_shares(DATA)[share]
    assert real > 0, f"no {share} in the real data: nothing to compare"
    assert abs(synthetic - real) <= TOLERANCE * real, (
        f"{share}: {synthetic:.1%} synthetic ({LARGER} cases), {real:.1%} real"
    )


def test_the_real_data_shares_entities_with_a_long_tail(real_shape: Shape) -> None:
    assert long_tail_problems(real_shape.cases_per_entity) == []


def test_synthetic_cases_share_entities_with_a_long_tail_like_the_real_ones(
    synthetic_shape: Shape,
) -> None:
    assert long_tail_problems(synthetic_shape.cases_per_entity) == []


def test_the_long_tail_check_rejects_entities_shared_evenly() -> None:
    even = Counter({f"e{i}": 5 for i in range(40)} | {f"solo{i}": 1 for i in range(50)})
    assert long_tail_problems(even)


def test_synth_refuses_a_folder_that_is_not_empty_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    before = files(tmp_path)

    result = synth(out, "--cases", "3")

    assert result.exit_code != 0
    assert "exists and is not an empty folder" in result.output
    assert "Traceback" not in result.output
    assert files(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"], "a half-written folder is left"


@pytest.mark.parametrize("inside", ["data/cases/s", "data/s", "data/entities/x/y"])
def test_synth_refuses_to_write_inside_a_data_folder_and_names_one_beside_it(
    tmp_path: Path, inside: str
) -> None:
    # `synth --out data/cases/s` wrote into the project's data; its next build then refused
    # the synthetic files as misplaced case files (extract refused the same --out).
    for sub in ("sources", "cases", "entities"):
        (tmp_path / "data" / sub).mkdir(parents=True)
    before = files(tmp_path)

    result = synth(tmp_path / inside, "--cases", "3")

    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"is inside the data folder {tmp_path / 'data'}" in message
    assert f"write it beside (e.g. --out {tmp_path / 'synthetic'})" in message
    assert files(tmp_path) == before
    assert not (tmp_path / inside).exists()


@pytest.mark.parametrize("where", ["afile", "afile/s"])
def test_synth_names_a_file_where_its_folder_must_be(tmp_path: Path, where: str) -> None:
    # `--out afile` said "exists and is not an empty folder"; `--out afile/s`, "[Errno 17]
    # File exists: 'afile'; choose a new folder".
    (tmp_path / "afile").write_text("mine", encoding="utf-8")

    result = synth(tmp_path / where, "--cases", "3")

    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"{tmp_path / 'afile'} is a file, not a folder" in message, message
    assert "Errno" not in message
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.mark.parametrize("cases", ["0", "-3"])
def test_synth_refuses_fewer_than_one_case_and_writes_nothing(tmp_path: Path, cases: str) -> None:
    out = tmp_path / "data"

    result = synth(out, "--cases", cases)

    assert result.exit_code == 2
    message = " ".join(result.output.replace("│", " ").split())
    assert "Invalid value for '--cases'" in message
    assert "greater than or equal to 1" in message
    assert list(tmp_path.iterdir()) == []


def test_synth_refuses_a_negative_seed_which_would_repeat_another_and_writes_nothing(
    tmp_path: Path,
) -> None:
    # Python's random takes the seed -3 for 3: the two wrote the same files.
    out = tmp_path / "data"

    result = synth(out, "--cases", "1", "--seed", "-3")

    assert result.exit_code == 2
    message = " ".join(result.output.replace("\u2502", " ").split())
    assert "Invalid value for '--seed'" in message
    assert "greater than or equal to 0" in message
    assert list(tmp_path.iterdir()) == []


def test_synth_writes_through_a_link_to_an_empty_folder(tmp_path: Path) -> None:
    # It said "cannot write link: Not a directory".
    folder = tmp_path / "elsewhere" / "data"
    folder.mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(folder, target_is_directory=True)

    result = synth(link, "--cases", "2")

    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert link.resolve() == folder.resolve()
    assert len(list((folder / "cases").iterdir())) == 2
    assert sorted(p.name for p in folder.parent.iterdir()) == ["data"], "nothing left beside"


def test_synth_stopped_midway_says_that_nothing_was_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C or kill ended it with exit code 130 and not a word.
    import reformgraph.synth

    def stopped(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(reformgraph.synth, "_synthesize", stopped)
    out = tmp_path / "data"

    result = synth(out, "--cases", "2")

    assert result.exit_code == 130
    assert f"interrupted: nothing was written to {out}" in " ".join(result.output.split())
    assert list(tmp_path.iterdir()) == []


def test_synthesize_refuses_a_negative_seed(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="the seed must be 0 or more, not -3"):
        synthesize(1, tmp_path / "data", seed=-3)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cases", [0, MAX_CASES + 1])
def test_synthesize_refuses_a_number_of_cases_out_of_range(tmp_path: Path, cases: int) -> None:
    with pytest.raises(ValueError, match=f"from 1 to 150,000 .*, not {cases:,}"):
        synthesize(cases, tmp_path / "data")
    assert list(tmp_path.iterdir()) == []


def test_synth_refuses_more_cases_than_it_can_label_at_once(tmp_path: Path) -> None:
    # -n 3000000 ran out of labels (a RuntimeError traceback) after minutes of work.
    result = synth(tmp_path / "data", "--cases", str(MAX_CASES + 1))
    assert result.exit_code == 2
    assert "less than or equal to 150000" in " ".join(result.output.replace("│", " ").split())
    assert list(tmp_path.iterdir()) == []


def test_the_word_lists_label_the_most_cases_with_room_to_spare(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Labels are drawn at random and must be unique: each kind may use at most two thirds
    # of the labels it can make, at the rate a small collection uses them.
    used: Counter[str] = Counter()
    make = _Names.make

    def counting(self: _Names, kind: str, alike: bool = True) -> str:
        used[kind] += 1
        return make(self, kind, alike)

    monkeypatch.setattr(_Names, "make", counting)
    synthesize(2000, tmp_path / "data", seed=1)
    fields, actions, regions = len(_FIELDS), len(_ACTIONS), len(_REGIONS)
    for kind, count in used.items():
        room = fields * actions * len(_KINDS[kind]) * regions * fields
        assert count / 2000 * MAX_CASES <= room * 2 / 3, kind


def test_entity_ids_stay_unique_when_their_hashes_collide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 100,000 cases the ten hex digits of two labels' hashes collide; force it here.
    import hashlib

    from reformgraph import synth

    class Colliding:
        def __init__(self, data: bytes) -> None:
            self.data = data

        def hexdigest(self) -> str:
            return "0" * 40

    monkeypatch.setattr(synth.hashlib, "sha1", Colliding)
    synthesize(12, tmp_path / "data", seed=3)
    monkeypatch.setattr(synth.hashlib, "sha1", hashlib.sha1)
    result = pipeline.check(tmp_path / "data")
    assert result.validation.conforms


class EndingAlike(random.Random):
    """Draws every change's baseline as 152 (seconds) and its result first as 52: a change
    whose two numbers end alike, as 1 in 141 of the real draws do."""

    alike = False

    def randint(self, a: int, b: int) -> int:
        if (a, b) == (60, 200):
            self.alike = True
            return 152
        if (a, b) == (10, 59) and self.alike:
            self.alike = False
            return 52
        return super().randint(a, b)


def test_a_change_s_result_never_ends_its_baseline_so_its_quote_finds_each_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 从152秒压缩至52秒: '52秒' occurs twice in the quote, and resolve refuses it.
    import yaml

    from reformgraph import synth
    from reformgraph.io import load_data_folder
    from reformgraph.resolve import resolve

    monkeypatch.setattr(synth.random, "Random", EndingAlike)
    synthesize(12, tmp_path / "data", seed=3)
    monkeypatch.undo()
    changes = [
        change
        for path in sorted((tmp_path / "data" / "cases").glob("*.yaml"))
        for measure in yaml.safe_load(path.read_text(encoding="utf-8"))["measures"]
        for change in measure.get("changes", [])
        if "baseline" in change  # not a growth (同比增长13.4%), which has a difference only
    ]
    assert changes, "no change drawn: pick another seed"
    pairs = [(c["baseline"]["text"], c["result"]["text"]) for c in changes]
    assert all(b == "152秒" and not b.endswith(r) for b, r in pairs), pairs
    resolve(load_data_folder(tmp_path / "data"))


# --------------------------------------------------------------------------- drawing entities


class Counted(list[Any]):
    """A list that counts how many of its items are read, one by one or by iterating."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__(items)
        self.reads = 0

    def __getitem__(self, index: Any) -> Any:
        self.reads += len(range(len(self))[index]) if isinstance(index, slice) else 1
        return super().__getitem__(index)

    def __iter__(self) -> Iterator[Any]:
        self.reads += len(self)
        return super().__iter__()


class Labels(_Names):
    """Unique labels, made quickly (a pool of 100,000 would take _Names a while)."""

    def __init__(self) -> None:
        super().__init__(random.Random(0))
        self.made = 0

    def make(self, kind: str) -> str:
        self.made += 1
        return f"{kind}-{self.made}"


def pool_of(size: int, seed: int = 0) -> _Pool:
    return _Pool("platform", size, Labels(), random.Random(seed), lambda _kind, label: label)


@pytest.mark.parametrize("size", [1_000, 100_000])
def test_a_draw_reads_a_logarithmic_number_of_weights(size: int) -> None:
    # Summing the pool's weights on every draw (random.choices(weights=...)) made synthesis
    # quadratic: of 100,000 cases, 18,000 were written in 18 minutes. Count what a draw
    # reads of the pool's lists, after a first draw (which may sum the weights once): a
    # binary search over running sums reads about log2(size) items, a sum reads them all.
    pool = pool_of(size)
    pool.draw(1)
    counted = {
        name: Counted(value)
        for name, value in vars(pool).items()
        if isinstance(value, (list, tuple))
    }
    vars(pool).update(counted)
    draws = 200

    for _ in range(draws):
        pool.draw(1)

    reads = sum(c.reads for c in counted.values())
    assert reads > counted["ids"].reads, "the pool keeps its weights where no reads are counted"
    assert reads / draws <= 2 * math.log2(size) + 10, (
        f"a draw reads {reads / draws:.0f} items of a pool of {size:,}"
        f" ({ {name: c.reads // draws for name, c in counted.items()} })"
    )


def test_a_draw_picks_what_random_choices_with_the_weights_picks() -> None:
    # The running sums give the same picks as the weights: the same seed, the same files.
    size = 5_000
    pool = pool_of(size, seed=7)
    twin = random.Random(7)
    weights = [1 / (rank + 1) ** 1.15 for rank in range(size)]
    picks = [pool.draw(1)[0] for _ in range(2_000)]
    assert picks == [twin.choices(pool.ids, weights=weights, k=1)[0] for _ in range(2_000)]


def test_the_build_counts_the_shared_entities_the_saved_query_counts(
    synthetic: Path, synthetic_build: pipeline.BuildResult
) -> None:
    """The build counts each entity's cases as it goes; shared-entity-counts.rq, run on
    the store, must give the same list (the long tail makes many ties)."""
    counted = synthetic_build.check.summary
    store = open_store(synthetic.parent / "build" / STORE_DIR)
    queried = pipeline.summarise_store(store, counted.triples)
    assert len(queried.shared_entities) > 20
    assert counted.shared_entities == queried.shared_entities

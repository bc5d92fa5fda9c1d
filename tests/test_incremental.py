"""Incremental builds: a rebuild after an edit redoes only what the edit touches, and its
result is the result of a clean build of the edited folder.

Each test copies the real data and a build of it (with its case cache), edits the copy,
rebuilds into the same output folder, and compares with a clean build of the edited
folder in a fresh one: the store (every named graph) and ``reformgraph.nt`` and ``.ttl``
must be isomorphic, and the files byte-identical (which makes them isomorphic). How many
cases were taken from the cache is the build's own report, ``CheckResult.reused``.
"""

from __future__ import annotations

import os
import pickle
import shutil
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from reformgraph import pipeline
from reformgraph.engine import STORE_DIR, open_store, rdf_format
from reformgraph.errors import DataErrors

from .helpers import assert_isomorphic
from .paths import CASE_FILES, DATA
from .test_build import _term

RG = "https://w3id.org/reformgraph/ontology/"
CHINA = "https://w3id.org/reformgraph/id/place/china"


def store_quads(build_dir: Path) -> list[str]:
    """Every quad of a built store, as N-Quads lines, sorted."""
    store = open_store(build_dir / STORE_DIR)
    quads = sorted(str(quad) for quad in store.quads_for_pattern(None, None, None, None))
    del store
    return quads


def store_graphs(build_dir: Path) -> dict[str, Graph]:
    """Every named graph of a built store (and the default graph), as rdflib Graphs."""
    store = open_store(build_dir / STORE_DIR)
    graphs: dict[str, Graph] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        graph = graphs.setdefault(str(quad.graph_name), Graph())
        graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    del store
    return graphs


def file_graph(path: Path) -> Graph:
    """An output file as an rdflib Graph (read by Oxigraph's parser: rdflib's is slow)."""
    graph = Graph()
    for triple in ox.parse(path=path, format=rdf_format(path)):
        graph.add((_term(triple.subject), _term(triple.predicate), _term(triple.object)))
    return graph


def assert_same_build(rebuilt: Path, clean: Path) -> None:
    """``rebuilt`` holds what a clean build made in ``clean``. (The same quads, or the same
    bytes, make the same graphs; only when they differ are the graphs compared.)"""
    if store_quads(rebuilt) != store_quads(clean):
        ours, theirs = store_graphs(rebuilt), store_graphs(clean)
        assert set(ours) == set(theirs), "the stores hold different named graphs"
        for name in theirs:
            assert_isomorphic(
                ours[name], theirs[name], f"store graph {name}: rebuilt (-) and clean (+) differ"
            )
    for file in pipeline.OUTPUT_NAMES:
        if (rebuilt / file).read_bytes() == (clean / file).read_bytes():
            continue  # the same bytes: the same graph
        if file == "reformgraph.jsonld":
            pytest.fail(f"{file} is not byte-identical to a clean build's")
        a, b = file_graph(rebuilt / file), file_graph(clean / file)
        assert_isomorphic(a, b, f"{file}: rebuilt (-) and clean (+) differ")
        pytest.fail(f"{file} is isomorphic to a clean build's but not byte-identical")


@dataclass(frozen=True)
class Project:
    data: Path
    out: Path
    first: pipeline.BuildResult

    def rebuild(self) -> pipeline.BuildResult:
        return pipeline.build(self.data, self.out)

    def clean_build(self) -> Path:
        clean = self.out.parent / "clean"
        pipeline.build(self.data, clean)
        return clean


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pipeline.BuildResult]:
    """The real data built once, cache and all, to copy into each test."""
    out = tmp_path_factory.mktemp("incremental") / "build"
    return out, pipeline.build(DATA, out)


@pytest.fixture
def project(tmp_path: Path, first_build: tuple[Path, pipeline.BuildResult]) -> Project:
    """A copy of the real data and of its build: the next build may use the cache."""
    built, result = first_build
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    out = Path(shutil.copytree(built, tmp_path / "build"))
    return Project(data, out, result)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {path.name} (has the data changed?)"
    path.write_text(text.replace(old, new), encoding="utf-8")


def cases_linked_to(build_dir: Path, entity: str) -> set[str]:
    """The cases that name ``entity``, themselves or in any of their parts."""
    store = open_store(build_dir / STORE_DIR)
    query = (
        f"SELECT DISTINCT ?case WHERE {{ {{ ?case a <{RG}ReformCase> ; ?p <{entity}> }}"
        f" UNION {{ ?part <{RG}partOfCase> ?case ; ?p <{entity}> }} }}"
    )
    found = {solution["case"].value for solution in store.query(query)}
    del store
    return found


# --------------------------------------------------------------------------- tests


def test_an_unchanged_folder_is_rebuilt_entirely_from_the_cache(project: Project) -> None:
    rebuilt = project.rebuild()

    assert project.first.check.reused == 0, "the first build had no cache to use"
    assert rebuilt.check.reused == rebuilt.check.summary.cases == len(CASE_FILES)
    assert_same_build(project.out, project.first.folder)


def test_editing_one_case_redoes_only_that_case_and_equals_a_clean_build(
    project: Project,
) -> None:
    case = project.data / "cases" / "01-big-fiscal-system.yaml"
    edit(
        case,
        'en: Advancing the building of a "big fiscal" system}',
        'en: Building a "big fiscal" system}',
    )
    edit(case, "- id: three-assets-total\n", "- id: three-assets-total-scale\n")

    rebuilt = project.rebuild()

    assert rebuilt.check.summary.cases == len(CASE_FILES)
    assert rebuilt.check.reused == len(CASE_FILES) - 1, "only the edited case is read again"
    clean = project.clean_build()
    nt = (clean / "reformgraph.nt").read_text(encoding="utf-8")
    assert 'Building a \\"big fiscal\\" system"@en' in nt, "the new title is not in the graph"
    assert "/figure/three-assets-total-scale>" in nt, "the renamed figure is not in the graph"
    assert_same_build(project.out, clean)


def test_a_cache_another_user_wrote_is_not_used_and_its_writer_still_uses_it(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A build folder from someone else: its entries, named with their key, are never
    # found with ours (a forged entry would have put its triples into the build unchecked).
    from reformgraph import produce

    mine = os.environ["XDG_CACHE_HOME"]
    key_file = Path(mine) / "reformgraph" / "cache-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    produce.cache_key.cache_clear()
    try:
        theirs = project.rebuild()
        assert theirs.check.reused == 0
        assert theirs.cache_unused
        assert_same_build(project.out, project.first.folder)
        again = project.rebuild()  # their own cache, now
        assert again.check.reused == len(CASE_FILES)
    finally:
        monkeypatch.setenv("XDG_CACHE_HOME", mine)
        produce.cache_key.cache_clear()
    assert project.rebuild().check.reused == 0, "the cache is theirs now, not ours"


def test_a_damaged_cache_entry_is_redone_and_the_rest_reused(project: Project) -> None:
    from reformgraph import produce

    shapes = project.out / ".cache" / f"{produce._shapes_key(produce.cache_key())}.pickle"
    shared = {shared_entry(project), *entity_entries(project).values()}
    entries = sorted(set((project.out / ".cache").iterdir()) - {shapes, *shared})
    assert len(entries) == len(CASE_FILES), (
        "one cache entry per case (and the compiled shapes, the shared entities and each"
        " entity file)"
    )
    entries[3].write_bytes(entries[3].read_bytes()[:100])
    entries[5].write_bytes(b"not a cache entry")

    rebuilt = project.rebuild()

    assert rebuilt.check.reused == len(CASE_FILES) - 2
    assert_same_build(project.out, project.first.folder)
    again = project.rebuild()
    assert again.check.reused == len(CASE_FILES), "the redone entries are cached again"


def shared_entry(project: Project) -> Path:
    """The shared entities' entry in the project's build cache (which must be there)."""
    from reformgraph import produce

    key = produce._shared_key(produce._fingerprint(project.data))
    entry = project.out / ".cache" / f"{key}.pickle"
    assert entry.is_file(), "the build kept the shared entities in its cache"
    return entry


def entity_entries(project: Project) -> dict[str, Path]:
    """Each entity file's entry in the project's build cache (which must be there)."""
    from reformgraph import produce

    entries = produce._EntityEntries(project.out / ".cache", None)
    found = {}
    for path in sorted((project.data / "entities").glob("*.yaml")):
        name = entries._name(path)
        assert name is not None
        found[path.name] = project.out / ".cache" / name
        assert found[path.name].is_file(), f"the build kept what reading {path.name} gave"
    return found


def _leave_a_mark(path: str) -> None:
    """What a hostile cache entry calls as it is read: it leaves a file."""
    Path(path).write_text("ran", encoding="utf-8")


class _Hostile:
    """Pickles to a call of :func:`_leave_a_mark` (``os.system`` in an attack)."""

    def __init__(self, mark: Path) -> None:
        self.mark = mark

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return _leave_a_mark, (str(self.mark),)


def test_a_cache_entry_that_calls_a_function_as_it_is_read_is_redone_without_calling_it(
    project: Project, tmp_path: Path
) -> None:
    # A project folder from someone else, its build's cache and all: a cache entry is
    # read only as the records a build writes there, never calls what it names.
    mark = tmp_path / "mark"
    entries = sorted((project.out / ".cache").iterdir())
    for entry in entries:
        entry.write_bytes(zlib.compress(pickle.dumps(_Hostile(mark)), 1))

    rebuilt = project.rebuild()

    assert not mark.exists(), "reading the cache called a function it names"
    assert rebuilt.check.reused == 0
    assert_same_build(project.out, project.first.folder)


def test_deleting_a_case_file_equals_a_clean_build(project: Project) -> None:
    # The last case, so that the others keep their positions in the source.
    (project.data / "cases" / CASE_FILES[-1].name).unlink()

    rebuilt = project.rebuild()

    assert rebuilt.check.summary.cases == len(CASE_FILES) - 1
    assert rebuilt.check.reused == len(CASE_FILES) - 1, "the other cases come from the cache"
    assert_same_build(project.out, project.clean_build())


def test_editing_a_shared_entity_redoes_the_cases_that_use_it(project: Project) -> None:
    users = cases_linked_to(project.out, CHINA)
    assert len(users) >= 2
    # The English name of a ranking's scope is part of its case's own triples
    # ("rank 3 in China"): a case taken from a stale cache would keep the old one.
    edit(project.data / "entities" / "places.yaml", "en: China}", "en: the PRC}")

    rebuilt = project.rebuild()

    assert rebuilt.check.reused <= len(CASE_FILES) - len(users)
    clean = project.clean_build()
    labels = {str(o) for o in file_graph(clean / "reformgraph.nt").objects(None, None)}
    assert any(label.endswith(" in the PRC") for label in labels), "no case names the scope"
    assert_same_build(project.out, clean)


def test_a_moved_data_folder_reuses_the_cache_and_names_its_own_files(project: Project) -> None:
    moved = project.data.rename(project.data.with_name("moved"))
    # A second file of the first case, under another id: reported on the copy, naming
    # the first case's file as it is now (whose outcome comes from the cache, made when
    # the folder was called data/).
    text = (moved / "cases" / "01-big-fiscal-system.yaml").read_text(encoding="utf-8")
    copy = text.replace("id: big-fiscal-system\n", "id: big-fiscal-system-again\n", 1)
    (moved / "cases" / "01-copy.yaml").write_text(copy, encoding="utf-8")

    with pytest.raises(DataErrors) as caught:
        pipeline.build(moved, project.out)

    assert [str(e) for e in caught.value.errors] == [
        f"{moved}/cases/01-copy.yaml:3 [position]: {moved}/cases/01-big-fiscal-system.yaml has"
        " the same title and position in hubei-2025-reform-cases: two case files cannot hold the"
        " same case"
    ]
    (moved / "cases" / "01-copy.yaml").unlink()
    rebuilt = pipeline.build(moved, project.out)
    assert rebuilt.check.reused == len(CASE_FILES), "a moved folder's cases come from the cache"
    assert all(w.file.startswith("moved/") for w in rebuilt.check.warnings)
    assert all(u.file.startswith("moved/") for u in rebuilt.check.uncovered)
    assert_same_build(project.out, project.first.folder)


def assert_changes_with_the_model(
    key: Callable[[], str], module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``key()`` changes when the ontology, the shapes or the package's code (its file
    ``module``) change, and not when the code is only copied."""
    from reformgraph import produce

    base = key()
    for name in ("reformgraph.ttl", "shapes.ttl"):
        changed = tmp_path / name
        changed.write_bytes(produce.ontology_file(name).read_bytes() + b"\n# changed\n")
        real = produce.ontology_file
        with monkeypatch.context() as patch:
            patch.setattr(
                produce, "ontology_file", lambda n, c=changed, r=real, m=name: c if n == m else r(n)
            )
            assert key() != base, name

    code = tmp_path / "code"
    shutil.copytree(
        Path(produce.__file__).parent, code, ignore=shutil.ignore_patterns("__pycache__")
    )
    with monkeypatch.context() as patch:
        patch.setattr(produce, "files", lambda _: code)
        assert key() == base, "the same code"
        (code / module).write_text("# changed\n", encoding="utf-8")
        assert key() != base, "the package's code"


def test_the_cache_key_changes_with_the_sources_the_ontology_the_shapes_and_the_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A case's cached result depends on all of these besides its own file: a key without
    # one of them would give a stale case after it changed.
    from reformgraph import produce

    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    base = produce._fingerprint(data)

    source = data / "sources" / "hubei-2025-reform-cases.yaml"
    kept = source.read_bytes()
    source.write_bytes(kept.replace(b"the strategic pivot", b"the pivot"))
    assert produce._fingerprint(data) != base, "a source's metadata"
    source.write_bytes(kept)
    assert produce._fingerprint(data) == base

    assert_changes_with_the_model(
        lambda: produce._fingerprint(data), "resolve.py", tmp_path, monkeypatch
    )


def test_editing_a_source_text_redoes_every_case_and_equals_a_clean_build(
    project: Project,
) -> None:
    # Every offset into the text moves: a case taken from the cache would keep stale ones.
    import hashlib

    text_file = project.data / "sources" / "hubei-2025-reform-cases.txt"
    text = b"\n" + text_file.read_bytes()
    text_file.write_bytes(text)
    meta = project.data / "sources" / "hubei-2025-reform-cases.yaml"
    old = hashlib.sha256(text[1:]).hexdigest()
    edit(meta, old, hashlib.sha256(text).hexdigest())

    rebuilt = project.rebuild()

    assert rebuilt.check.reused == 0
    assert_same_build(project.out, project.clean_build())


# --------------------------------------------------------------------------- check


def same_check(cached: pipeline.CheckResult, clean: pipeline.CheckResult) -> None:
    """``cached`` reports what ``clean`` does (all but the time taken and the cases reused)."""
    assert cached.warnings == clean.warnings
    assert cached.uncovered == clean.uncovered
    assert cached.validation == clean.validation
    assert cached.summary == clean.summary


def leave_a_number_uncovered(data: Path) -> None:
    """Delete the figure of '10余万' from the first case (the case still builds)."""
    path = data / "cases" / "01-big-fiscal-system.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("      - id: enterprises-served")
    end = text.index("      - id: supply-chain-transactions")
    path.write_text(text[:start] + text[end:], encoding="utf-8")


def build_folder_state(out: Path) -> dict[str, tuple[int, int, bytes]]:
    """Each file below a build folder, with its inode, modification time and bytes."""
    return {
        str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_check_takes_unchanged_cases_from_the_builds_cache_and_reports_what_a_clean_check_does(
    project: Project,
) -> None:
    # What the cache gives is what a case's outcome holds: a number left uncovered in the
    # first case comes from its cache entry, and must still be reported.
    leave_a_number_uncovered(project.data)
    project.rebuild()
    before = build_folder_state(project.out)

    cached = pipeline.check(project.data, build_dir=project.out)
    clean = pipeline.check(project.data)

    assert cached.reused == len(CASE_FILES), "every case comes from the build's cache"
    assert clean.reused == 0
    assert any(u.character == "10余万" for u in clean.uncovered), clean.uncovered
    same_check(cached, clean)
    assert build_folder_state(project.out) == before, "check wrote into the build"


def test_check_with_a_cache_reports_a_cases_error_as_a_clean_check_does(
    project: Project,
) -> None:
    edit(
        project.data / "cases" / "01-big-fiscal-system.yaml",
        "value: 370800000000",
        "value: 37080000000",
    )

    with pytest.raises(DataErrors) as cached:
        pipeline.check(project.data, build_dir=project.out)
    with pytest.raises(DataErrors) as clean:
        pipeline.check(project.data)

    assert [str(e) for e in cached.value.errors] == [str(e) for e in clean.value.errors]
    assert any("does not match its text '3708亿元'" in str(e) for e in clean.value.errors)


def test_check_reads_again_a_case_changed_since_the_build_and_not_its_stale_entry(
    project: Project,
) -> None:
    # The first case's entry says it covers '10余万'; the case no longer does.
    leave_a_number_uncovered(project.data)

    cached = pipeline.check(project.data, build_dir=project.out)

    assert cached.reused == len(CASE_FILES) - 1, "only the edited case is read again"
    assert any(u.character == "10余万" for u in cached.uncovered), "a stale entry was trusted"
    same_check(cached, pipeline.check(project.data))


def test_check_after_an_entity_changed_takes_no_case_that_depends_on_it_from_the_cache(
    project: Project,
) -> None:
    edit(project.data / "entities" / "places.yaml", "en: China}", "en: the PRC}")

    cached = pipeline.check(project.data, build_dir=project.out)

    assert cached.reused == 0, "every case depends on the entities"
    same_check(cached, pipeline.check(project.data))


def test_check_without_a_cache_key_of_the_users_reads_no_cache_and_makes_no_key(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another user (or one who never built): the build's entries are not theirs, and
    # check, which writes nothing, does not make them a key either.
    home = tmp_path / "someone-else"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))

    cached = pipeline.check(project.data, build_dir=project.out)

    assert cached.reused == 0
    assert not home.exists(), "check made a cache key"


def report(stderr: str) -> str:
    """What a command printed on stderr, but the lines that time its stages, as one line."""
    import re

    timed = re.compile(r".*: \d+/\d+ in [\d.]+ s")
    return " ".join(" ".join(ln for ln in stderr.splitlines() if not timed.fullmatch(ln)).split())


@pytest.mark.parametrize(
    ("state", "exit_code"),
    [("valid", 0), ("a number uncovered", 1), ("an error in a case", 2)],
)
def test_check_on_the_command_line_reads_the_projects_build_and_prints_a_clean_checks_report(
    project: Project, tmp_path: Path, state: str, exit_code: int
) -> None:
    from typer.testing import CliRunner

    from reformgraph.cli import app

    if state == "a number uncovered":
        leave_a_number_uncovered(project.data)
        project.rebuild()
    elif state == "an error in a case":
        edit(
            project.data / "cases" / "01-big-fiscal-system.yaml",
            "value: 370800000000",
            "value: 37080000000",
        )
    runner = CliRunner()
    empty = tmp_path / "no-cache"
    empty.mkdir()

    # data/ of a project: its build/ beside it (what project.out is) by default
    cached = runner.invoke(app, ["check", "--data", str(project.data)])
    clean = runner.invoke(app, ["check", "--data", str(project.data), "--build", str(empty)])
    named = runner.invoke(app, ["check", "--data", str(project.data), "--build", str(project.out)])

    assert cached.exit_code == clean.exit_code == named.exit_code == exit_code, cached.output
    note = (
        f"note: {len(CASE_FILES)} of {len(CASE_FILES)} case(s) unchanged since the build in"
        f" {project.out}, taken from its cache"
    )
    if exit_code != 2:
        assert note in report(cached.stderr)
    assert "note:" not in clean.stderr
    assert cached.stdout == clean.stdout == named.stdout
    assert " ".join(report(cached.stderr).replace(note, "").split()) == report(clean.stderr)
    assert report(named.stderr) == report(cached.stderr)
    if state == "a number uncovered":
        assert "'10余万'" in clean.stderr
    if state == "an error in a case":
        assert "does not match its text '3708亿元'" in report(clean.stderr)


def test_check_refuses_a_build_folder_that_is_not_there(project: Project, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from reformgraph.cli import app

    # (not taken for the folder it is in, which holds what a killed build left)
    (tmp_path / ".reformgraph-build-4206666-abcd1234").mkdir()
    missing = CliRunner().invoke(
        app, ["check", "--data", str(project.data), "--build", str(tmp_path / "nothing")]
    )
    assert missing.exit_code == 2
    assert f"no build in {tmp_path / 'nothing'} (" in missing.stderr


def test_checks_summary_is_the_builds_summary_of_the_real_and_of_synthetic_data(
    first_build: tuple[Path, pipeline.BuildResult], tmp_path: Path
) -> None:
    # A check's store holds only the triples the summary is counted from: the counts per
    # class, the shared entities and their English labels must still be the build's.
    from reformgraph.synth import synthesize

    _, built = first_build
    assert pipeline.check(DATA).summary == built.check.summary
    synthetic = tmp_path / "synth"
    synthesize(70, synthetic, seed=3)
    summary = pipeline.build(synthetic, tmp_path / "build").check.summary
    assert summary.shared_entities, "synthetic cases share entities"
    assert pipeline.check(synthetic).summary == summary


# --------------------------------------------------------------------------- compiled shapes


def test_check_after_a_build_takes_the_compiled_shapes_from_its_cache(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Compiling the shapes took a third of a check of the real cases.
    from reformgraph import produce

    before = build_folder_state(project.out)
    clean = pipeline.check(project.data)

    def compile_checker(*_: object) -> None:
        raise AssertionError("the shapes were compiled again")

    monkeypatch.setattr(produce, "compile_checker", compile_checker)
    cached = pipeline.check(project.data, build_dir=project.out)

    same_check(cached, clean)
    assert build_folder_state(project.out) == before, "check wrote into the build"


def test_a_rebuild_keeps_the_compiled_shapes_in_its_cache(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import produce

    monkeypatch.setattr(produce, "compile_checker", lambda *_: pytest.fail("compiled again"))
    project.rebuild()
    project.rebuild()

    assert_same_build(project.out, project.first.folder)


def stricter_shapes(tmp_path: Path) -> Path:
    """The shapes, and one more: every case must state a property no case has."""
    from reformgraph.project import ontology_file

    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(
        ontology_file("shapes.ttl").read_text(encoding="utf-8")
        + "\nrgsh:TestStricterCaseShape a sh:NodeShape ; sh:targetClass rg:ReformCase ;"
        ' sh:property [ sh:path rg:neverStated ; sh:minCount 1 ; sh:message "no test value" ] .\n',
        encoding="utf-8",
    )
    return shapes


def test_check_compiles_shapes_changed_since_the_build_and_judges_by_them(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The compiled shapes in the build's cache are the old shapes': a check that took
    # them would pass cases the shapes it has now refuse.
    from reformgraph import io, produce

    shapes = stricter_shapes(tmp_path)
    for module in (io, produce):
        real = module.ontology_file
        monkeypatch.setattr(
            module, "ontology_file", lambda n, r=real: shapes if n == "shapes.ttl" else r(n)
        )

    cached = pipeline.check(project.data, build_dir=project.out)
    clean = pipeline.check(project.data)

    assert not clean.validation.conforms
    assert {v.message for v in clean.validation.violations} == {"no test value"}
    same_check(cached, clean)


def test_the_compiled_shapes_key_changes_with_the_ontology_the_shapes_the_code_and_the_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from reformgraph import produce

    key = b"k" * 32
    base = produce._shapes_key(key)
    assert produce._shapes_key(b"u" * 32) != base, "another user's"
    data = Path(shutil.copytree(DATA, tmp_path / "data"))
    assert base != produce._fingerprint(data, key), "a case's key"

    assert_changes_with_the_model(
        lambda: produce._shapes_key(key), "shapecheck.py", tmp_path, monkeypatch
    )


def test_a_damaged_or_hostile_compiled_shapes_entry_is_compiled_again_without_calling_it(
    project: Project, tmp_path: Path
) -> None:
    from reformgraph import produce

    entry = project.out / ".cache" / f"{produce._shapes_key(produce.cache_key())}.pickle"
    assert entry.is_file(), "the build kept its compiled shapes"
    clean = pipeline.check(project.data)
    mark = tmp_path / "mark"
    for damaged in (
        entry.read_bytes()[:100],
        zlib.compress(pickle.dumps(_Hostile(mark)), 1),
        zlib.compress(pickle.dumps(["not", "compiled shapes"]), 1),
    ):
        entry.write_bytes(damaged)
        same_check(pipeline.check(project.data, build_dir=project.out), clean)
    assert not mark.exists(), "reading the cache called a function it names"


# --------------------------------------------------------------------------- shared entities


def no_shared_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, rendering the shared entities fails the test."""
    from reformgraph import produce

    def shared_triple_groups(*_: object) -> None:
        raise AssertionError("the shared entities were rendered and checked again")

    monkeypatch.setattr(produce, "shared_triple_groups", shared_triple_groups)


def leave_an_entity_placeholder(data: Path) -> None:
    """China's English name a placeholder: a SHACL warning on a shared entity."""
    edit(data / "entities" / "places.yaml", "en: China}", 'en: "TODO: name it"}')


def assert_warns_of_the_placeholder(result: pipeline.CheckResult) -> None:
    assert [(w.focus, w.value) for w in result.validation.warnings] == [(CHINA, "TODO: name it")], (
        result.validation.warnings
    )


def test_a_rebuild_takes_the_shared_entities_from_the_cache_and_equals_a_clean_build(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    leave_an_entity_placeholder(project.data)
    project.rebuild()
    no_shared_groups(monkeypatch)

    rebuilt = project.rebuild()

    assert_warns_of_the_placeholder(rebuilt.check)
    monkeypatch.undo()
    assert_same_build(project.out, project.clean_build())


def test_check_takes_the_shared_entities_and_their_verdicts_from_the_builds_cache(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rendering and checking the shared entities took 1.5 of the 7 s of CPU a check of
    # 2,000 synthetic cases took; their verdicts (here a warning) come with them.
    leave_an_entity_placeholder(project.data)
    project.rebuild()
    before = build_folder_state(project.out)
    clean = pipeline.check(project.data)
    no_shared_groups(monkeypatch)

    cached = pipeline.check(project.data, build_dir=project.out)

    assert_warns_of_the_placeholder(clean)
    same_check(cached, clean)
    assert build_folder_state(project.out) == before, "check wrote into the build"


def test_check_after_an_entity_file_changed_renders_and_checks_the_shared_entities_again(
    project: Project,
) -> None:
    # The build's entry holds China as it was: a check that took it would have neither
    # the new name (in the summary) nor its warning.
    leave_an_entity_placeholder(project.data)

    cached = pipeline.check(project.data, build_dir=project.out)
    clean = pipeline.check(project.data)

    assert_warns_of_the_placeholder(clean)
    assert "TODO: name it" in clean.summary.shared_labels_en
    same_check(cached, clean)


def test_a_damaged_or_hostile_shared_entities_entry_is_done_again_without_calling_it(
    project: Project, tmp_path: Path
) -> None:
    import gzip
    import io

    from reformgraph.rdfwrite import Chunk

    def stream(*records: object) -> bytes:
        buffer = io.BytesIO()
        with gzip.GzipFile(fileobj=buffer, mode="wb") as out:
            for record in records:
                pickle.dump(record, out)
        return buffer.getvalue()

    entry = shared_entry(project)
    kept = entry.read_bytes()
    clean = pipeline.check(project.data)
    mark = tmp_path / "mark"
    forged = Chunk("<urn:x> <urn:y> <urn:z> .\n", 1)
    for damaged in (
        kept[: len(kept) // 2],  # cut short
        kept[:-20] + bytes(20),  # its end damaged
        zlib.compress(pickle.dumps(_Hostile(mark)), 1),  # not a gzip stream
        stream((forged, []), _Hostile(mark), None),  # names a function
        stream((forged, ["not a violation"]), None),  # not a group's record
        stream((forged, [])),  # without its end
    ):
        entry.write_bytes(damaged)
        same_check(pipeline.check(project.data, build_dir=project.out), clean)
        rebuilt = project.rebuild()
        same_check(rebuilt.check, clean)
        assert_same_build(project.out, project.first.folder)
        assert entry.read_bytes() != damaged, "the rebuild kept the entry it could not read"
    assert not mark.exists(), "reading the cache called a function it names"


# --------------------------------------------------------------------------- entity files


def entity_files_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the entity files read from now on (in this process)."""
    from reformgraph import io

    read: list[str] = []
    real = io._read_entity_file

    def recorded(path: Path, root: Path) -> object:
        read.append(path.name)
        return real(path, root)

    monkeypatch.setattr(io, "_read_entity_file", recorded)
    return read


def test_check_takes_the_entity_files_read_from_the_builds_cache(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = build_folder_state(project.out)
    clean = pipeline.check(project.data)
    read = entity_files_read(monkeypatch)

    cached = pipeline.check(project.data, build_dir=project.out)

    assert read == [], "entity files unchanged since the build were read again"
    same_check(cached, clean)
    assert build_folder_state(project.out) == before, "check wrote into the build"


def test_check_and_build_read_again_an_entity_file_changed_since_the_build(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    leave_an_entity_placeholder(project.data)
    clean = pipeline.check(project.data)
    read = entity_files_read(monkeypatch)

    cached = pipeline.check(project.data, build_dir=project.out)
    assert read == ["places.yaml"], "only the changed file is read again"
    rebuilt = project.rebuild()

    assert_warns_of_the_placeholder(clean)
    same_check(cached, clean)
    same_check(rebuilt.check, clean)
    monkeypatch.undo()
    assert_same_build(project.out, project.clean_build())


def test_check_reports_an_error_in_an_entity_file_changed_since_the_build(
    project: Project,
) -> None:
    edit(project.data / "entities" / "places.yaml", "en: China}", "en: China, bad: 1}")

    with pytest.raises(DataErrors) as cached:
        pipeline.check(project.data, build_dir=project.out)
    with pytest.raises(DataErrors) as clean:
        pipeline.check(project.data)

    assert [str(e) for e in cached.value.errors] == [str(e) for e in clean.value.errors]
    assert any("places.yaml" in str(e) for e in clean.value.errors), clean.value.errors


def test_a_damaged_or_hostile_entity_file_entry_is_read_again_without_calling_it(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = entity_entries(project)["places.yaml"]
    kept = entry.read_bytes()
    clean = pipeline.check(project.data)
    mark = tmp_path / "mark"
    read = entity_files_read(monkeypatch)
    for damaged in (
        kept[: len(kept) // 2],
        zlib.compress(pickle.dumps(_Hostile(mark)), 1),
        zlib.compress(pickle.dumps(([("china", b"not packed", "0")], None)), 1),
        zlib.compress(pickle.dumps(([], {})), 1),
    ):
        entry.write_bytes(damaged)
        read.clear()
        same_check(pipeline.check(project.data, build_dir=project.out), clean)
        assert read == ["places.yaml"]
    assert not mark.exists(), "reading the cache called a function it names"


# --------------------------------------------------------------------------- check's store


def test_a_small_checks_store_is_held_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    # Creating an on-disk store, and opening it again, took 0.3 to 0.4 s of the 0.8 s a
    # check of the real cases took.
    from reformgraph import produce

    def create_store(*_: object) -> None:
        raise AssertionError("the check made an on-disk store")

    monkeypatch.setattr(produce, "create_store", create_store)
    assert pipeline.check(DATA).summary.cases == len(CASE_FILES)


def test_a_checks_summary_is_the_same_from_an_on_disk_store(
    first_build: tuple[Path, pipeline.BuildResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Above CHECK_IN_MEMORY_BYTES of triples to count, the check's store is on disk.
    from reformgraph import produce

    _, built = first_build
    monkeypatch.setattr(produce, "CHECK_IN_MEMORY_BYTES", 0)
    assert pipeline.check(DATA).summary == built.check.summary

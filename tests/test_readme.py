"""The README's Quick start stays true: two commands, and CI runs the second."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reformgraph import pipeline
from reformgraph.cli import app

from .paths import DATA, ROOT


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the Quick start needs a fenced sh block"
    return [line for line in block[1].splitlines() if line.strip()]


def test_quick_start_is_two_commands_install_and_build_then_install_and_test() -> None:
    first, second = _quick_start()
    assert "pip install ." in first
    assert "reformgraph build" in first
    assert "reformgraph query" in first
    assert 'pip install ".[dev]"' in second
    assert second.rstrip().endswith("pytest")


def test_ci_runs_the_quick_start_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _quick_start()[1] in ci.splitlines()


def _text_block_after(words: str, shows: str) -> list[str]:
    """The lines of the README's first ```text block after ``words``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(words, 1)[1]
    block = re.search(r"```text\n(.*?)```", section, re.DOTALL)
    assert block is not None, f"the Building section shows {shows}"
    return block[1].splitlines()


def _error_example() -> list[str]:
    return _text_block_after("Bad input is reported each error", "the errors of a bad build")


def test_the_readmes_example_of_bad_input_is_what_a_build_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Make the two mistakes the example shows, on the lines it names, and build.
    *errors, summary = _error_example()
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    for error in errors:
        match = re.match(
            r"data/(?P<file>\S+):(?P<line>\d+) \[\S*\.(?P<key>\w+)\]: \w+ (?P<new>\d+)", error
        )
        assert match is not None, error
        path = data / match["file"]
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        number = int(match["line"]) - 1
        key = match["key"]
        assert re.match(rf"\s*{key}: \d+\n", lines[number]), (
            f"the README's example names line {number + 1} of {match['file']} for {key!r},"
            f" which now holds {lines[number]!r}"
        )
        lines[number] = re.sub(r"\d+", match["new"], lines[number])
        path.write_text("".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # in the project, as the README's user
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "b")])  # data/ found
    assert result.exit_code == 2
    assert _without_progress(result.stderr) == [*errors, summary]


def _without_progress(stderr: str) -> list[str]:
    """The lines of a build's stderr but its progress lines, which it prints for a stage
    that took a second or more ("reading the entities: 21/21 in 1.2 s"): on a loaded
    machine, any stage may."""
    from reformgraph.cli import STAGES

    stages = "|".join(map(re.escape, STAGES.values()))
    progress = re.compile(rf"(?:{stages}): (\d+)/\1 in \d+\.\d s")
    return [line for line in stderr.splitlines() if not progress.fullmatch(line)]


def _yaml_blocks(markdown: str, heading: str) -> list[str]:
    section = markdown.split(f"\n## {heading}", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```yaml\n(.*?)```", section, flags=re.S)


def test_the_data_readmes_examples_use_the_schema_fields_and_the_data_ids() -> None:
    # The source example gave publisher as a zh/en pair and the introduction a quote (both
    # refused by the loader); an example named an indicator the data does not have.
    import yaml

    from reformgraph.io import load_data_folder
    from reformgraph.models import Source

    text = (DATA / "README.md").read_text(encoding="utf-8")
    (source,) = _yaml_blocks(text, "Sources")
    example = yaml.safe_load(source)
    assert set(example) <= set(Source.model_fields), set(example) - set(Source.model_fields)
    assert isinstance(example["publisher"], str)
    data = load_data_folder(DATA)
    for block in _yaml_blocks(text, "Entities") + _yaml_blocks(text, "Cases"):
        for key, value in re.findall(
            r"^\s*-?\s*(indicator|unit|id|office): ([a-z0-9-]+)\s", block, re.M
        ):
            if key in ("indicator", "unit", "office") and value not in ("other-id",):
                assert value in data.entities, (key, value)
    platform = data.entities["performance-evaluation-platform"]
    assert f"en: {platform.label.en}}}" in text


def _violation_example() -> list[str]:
    return _text_block_after("A SHACL violation in a case's graph is named by", "a SHACL violation")


def test_the_readmes_example_of_a_shacl_violation_is_what_a_build_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The README's case 07 with 80个 → 17个 desks marked as an increase: the violation is
    # named by its file and the line of the change, then the IRI, and only once.
    violation, summary = _violation_example()
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    case = data / "cases" / "07-police-dispatch-one-city-one-platform.yaml"
    text = case.read_text(encoding="utf-8")
    old = "indicator: call-taking-desks-count\n        direction: decrease"
    assert text.count(old) == 1
    case.write_text(text.replace(old, old.replace("decrease", "increase")), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # in the project, as the README's user
    result = CliRunner().invoke(app, ["build", "--out", str(tmp_path / "b")])  # data/ found
    assert result.exit_code == 1, result.output
    assert _without_progress(result.stderr) == [violation, summary]


@pytest.mark.parametrize(
    ("section", "before", "file", "old", "new"),
    [
        # the colon after zh in case 05's title typed full-width
        (
            "Characters of a Chinese keyboard",
            "a look-alike of YAML syntax",
            "cases/05-grassroots-supervision.yaml",
            "title: {zh: 开展基层监督改革创新,",
            "title: {zh\uff1a开展基层监督改革创新,",
        ),
        # a zero-width space after 湖北 in the province's label
        (
            "Characters that nobody sees",
            "an invisible character",
            "entities/places.yaml",
            "label: {zh: 湖北, en: Hubei}",
            "label: {zh: 湖北\u200b, en: Hubei}",
        ),
    ],
    ids=["full-width-colon", "invisible-character"],
)
def test_the_readmes_example_of_a_character_check_refuses_is_what_it_prints(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    section: str,
    before: str,
    file: str,
    old: str,
    new: str,
) -> None:
    (error,) = _text_block_after(section, before)
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    edited = data / file
    text = edited.read_text(encoding="utf-8")
    assert text.count(old) == 1
    edited.write_text(text.replace(old, new), encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # in the project, as the README's user
    result = CliRunner().invoke(app, ["check"])  # its data/ found
    assert result.exit_code == 2
    assert _without_progress(result.stderr)[0] == error


_PUBLIC_MODULES = ("pipeline", "analysis", "viz", "queries", "io", "errors")


def test_every_function_and_error_the_readme_or_a_docstring_names_is_exported() -> None:
    # `pipeline.accept` (README) and `errors.NoCasesError` (write_networks's docstring)
    # were missing from their modules' __all__, which the notebooks are held to.
    import importlib
    import inspect

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(rf"`(?:reformgraph\.)?({'|'.join(_PUBLIC_MODULES)})\.(\w+)", readme))
    for module_name in _PUBLIC_MODULES:
        module = importlib.import_module(f"reformgraph.{module_name}")
        for name in module.__all__:
            doc = inspect.getdoc(getattr(module, name)) or ""
            named |= set(re.findall(rf"reformgraph\.({'|'.join(_PUBLIC_MODULES)})\.(\w+)", doc))
    assert ("pipeline", "accept") in named
    missing = [
        f"{module}.{name}"
        for module, name in sorted(named)
        if name not in importlib.import_module(f"reformgraph.{module}").__all__
    ]
    assert missing == []


def test_the_readme_lists_every_prefix_a_query_may_use_undeclared() -> None:
    # The README's list left out qudt:, which every engine declares (vocab.NAMESPACES).
    from reformgraph.vocab import NAMESPACES

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sentence = readme.split("SPARQL text may use the prefixes the tables print", 1)[1]
    sentence = sentence.split("(`reformgraph query", 1)[0]
    assert re.findall(r"`([a-z]+):`", sentence) == list(NAMESPACES)


def test_the_readmes_first_row_of_cases_on_a_narrow_terminal_is_what_query_prints(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The README's rule under "1" was 47 cells wide, where a 60-column terminal shows 58.
    import io

    from rich.console import Console

    from reformgraph import cli

    shown = _text_block_after("The first row of `query cases` on a terminal 60", "it")
    assert shown[-1] == "…"
    screen = io.StringIO()
    monkeypatch.setattr(
        cli, "out", Console(file=screen, force_terminal=True, width=60, highlight=False)
    )
    result = CliRunner().invoke(app, ["query", "cases", "--build", str(build_dir)])
    assert result.exit_code == 0, result.output
    lines = [
        line.rstrip() for line in re.sub(r"\x1b\[[0-9;]*m", "", screen.getvalue()).splitlines()
    ]
    assert lines[: len(shown) - 1] == shown[:-1]


def test_the_data_readmes_lists_of_values_are_the_models_values() -> None:
    # The claims example listed the kinds up to record-high: record-low was left out.
    import enum

    from reformgraph import models

    text = (DATA / "README.md").read_text(encoding="utf-8")
    listed = re.findall(
        r"^ *(\w+): ([a-z-]+) +#((?: [a-z-]+(?: \(default\))? \|)+ [a-z-]+)\n"
        r"((?: +# \|(?: [a-z-]+ \|)* [a-z-]+\n)*)",
        text,
        re.M,
    )
    assert len(listed) == 6, listed
    kinds = [
        {member.value for member in kind}
        for kind in vars(models).values()
        if isinstance(kind, type) and issubclass(kind, enum.Enum) and kind is not models.EntityType
    ]
    for key, example, first, more in listed:
        values = set(re.findall(r"[a-z][a-z-]*", (first + more).replace("(default)", "")))
        (kind,) = [kind for kind in kinds if example in kind]
        assert values == kind, (key, sorted(kind - values), sorted(values - kind))


def test_the_readmes_counts_of_the_curated_data_are_what_a_build_counts(
    built: pipeline.BuildResult,
) -> None:
    # "the 8 Hubei cases … — 28 measures, 54 stated numbers (figures), 9 changes, …": each
    # number of the README's first paragraph, against the build of data/.
    from reformgraph.io import load_data_folder

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    stated = re.search(r"the (\d+) Hubei cases of .*? — (.*?) \(organisations, (.*?)\)\.", readme)
    assert stated is not None
    counts = {
        noun: int(number)
        for number, noun in re.findall(r"(\d+) ([a-z ]+?)(?: \(figures\))?(?:,| and |$)", stated[2])
    }
    classes = built.check.summary.classes
    assert {
        "cases": int(stated[1]),
        **counts,
        "domains": int(re.search(r"the (\d+) reform domains", stated[3])[1]),
    } == {
        "cases": classes["rg:ReformCase"],
        "measures": classes["rg:Measure"],
        "stated numbers": classes["rg:Figure"],
        "changes": classes["rg:Change"],
        "rankings": classes["rg:Ranking"],
        "recognitions": classes["rg:Recognition"],
        "innovation claims": classes["rg:InnovationClaim"],
        "pilots": classes["rg:Pilot"],
        "entities": len(load_data_folder(DATA).entities),
        "domains": classes["rg:ReformDomain"],
    }


def test_the_readmes_extraction_scores_are_what_extract_evaluate_scores() -> None:
    # "On our source: cases, measures, figures and the three outcome kinds score F1 1.0;
    # rankings 0.93 …; organisations 0.96, platforms 0.90 …": the --evaluate table, rounded.
    from reformgraph.extract import evaluate

    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    stated = readme.split("On our source: ", 1)[1].split(" Relations between bodies", 1)[0]
    relations = re.search(r"(\d+) of (\d+), F1 (\d\.\d+)", readme)
    assert relations is not None
    said = {kind: float(f1) for kind, f1 in re.findall(r"\b([a-z]+) (\d\.\d+)", stated)}
    assert "cases, measures, figures and the three outcome kinds score F1 1.0" in stated
    said |= dict.fromkeys(["cases", "measures", "figures", "recognitions", "claims", "pilots"], 1.0)
    said["relations"] = float(relations[3])
    scores = evaluate(DATA / "sources" / "hubei-2025-reform-cases.txt", DATA).scores
    assert said == {kind: round(scores[kind].f1, 2) for kind in said}
    stated_count = (int(relations[1]), int(relations[2]))
    assert (scores["relations"].correct, scores["relations"].gold) == stated_count


def test_the_readmes_table_of_exit_codes_lists_every_code_the_command_line_uses() -> None:
    # It left out 130, which a build stopped with Ctrl-C or kill ends with.
    import reformgraph.cli

    doc = " ".join((reformgraph.cli.__doc__ or "").split())
    used = set(re.findall(r"(?:: |; )(\d+) ", doc))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (\d+) \|", readme, re.MULTILINE))
    assert {"0", "2", "130", "141"} <= used, "the docstring lists the exit codes"
    assert listed == used

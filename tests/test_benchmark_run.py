"""``benchmarks/run.py`` runs end to end: every step of a size measures what it should.

The figures themselves are not checked here (speed is the benchmark's business, never a
test's); this proves that the script the results table comes from still works with the
package as it is: a tiny synthetic size, every saved query timed on ours, bare pyoxigraph
and rdflib.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reformgraph.queries import saved_queries

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"


def _run_script(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a benchmark script as a user would; fail with its output if it fails."""
    done = subprocess.run(
        [sys.executable, str(script), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def _load_script(script: Path) -> Any:
    """A benchmark script as a module, to call its main() in this process."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"benchmarks_{script.stem}", script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_benchmark_script_measures_every_step_and_every_saved_query(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [
            sys.executable,
            str(RUN),
            *("--sizes", "12", "--seed", "3", "--repeat", "1", "--skip-real"),
            *("--rdflib-timeout", "5", "--rdflib-timeout-max", "5"),
            *("--work", str(tmp_path / "work"), "--out", str(out)),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    size = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))["sizes"][0]
    assert size["cases"] == 12
    assert "failed" not in size, size["failed"]
    assert size["skipped"] == {}
    assert size["build"]["ok"], size["build"]["error"]
    assert size["bulk_load"]["ok"], size["bulk_load"]["error"]
    assert size["floor"]["ok"], size["floor"]["error"]
    assert size["floor"]["checks"]["conforms"] is True
    assert size["rdflib"]["ok"], size["rdflib"]["error"]
    names = set(saved_queries())
    ours, bare = size["queries"]["ours"], size["queries"]["bare"]
    rdflib = size["rdflib"]["queries"]
    assert set(ours) == set(bare) == set(rdflib) == names
    for name in sorted(names):
        assert ours[name]["runs"], (name, ours[name])
        assert bare[name]["runs"], (name, bare[name])
        assert ours[name]["rows"] == bare[name]["rows"], name
        # rdflib either ran the query or was stopped at its limit (a lower bound)
        assert rdflib[name]["runs"] or rdflib[name]["timeout"], (name, rdflib[name])
        if rdflib[name]["runs"]:
            assert rdflib[name]["rows"] == ours[name]["rows"], name
        assert f"`{name}`" in out.read_text(encoding="utf-8")


ENGINE_COSTS = RUN.with_name("engine_costs.py")


@pytest.mark.slow
def test_engine_costs_script_times_every_saved_query_on_every_engine(
    build_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "costs.md"
    _run_script(ENGINE_COSTS, str(build_dir), "--repeat", "1", "--unoptimized", "--out", str(out))
    table = out.read_text(encoding="utf-8")
    assert (
        "| on disk | in memory | on disk, not optimized | on disk, through rdflib's API |" in table
    )
    for name in saved_queries():
        # one row count for all four engines, then a median for each and the ratio
        assert re.search(
            rf"^\| `{re.escape(name)}` \| [\d,]+ \|( [\d.e+-]+ \|){{4}} [\d.]+x \|$", table, re.M
        ), (name, table)
    assert "scan oa:start, subjects only (IRIs)" in table


def test_engine_costs_script_fails_when_the_engines_disagree(
    build_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import pyoxigraph as ox

    engine_costs = _load_script(ENGINE_COSTS)
    # an "in-memory copy" that lost the data: every query that returns rows disagrees
    monkeypatch.setattr(engine_costs, "memory_copy", lambda ntriples: ox.Store())

    code = engine_costs.main([str(build_dir), "--repeat", "1", "--queries", "cases,offices"])

    assert code == 1
    assert "different row counts for: ['cases', 'offices']" in capsys.readouterr().err


ANALYSIS_COSTS = RUN.with_name("analysis_costs.py")


def test_analysis_costs_script_times_every_function_on_both_graphs(
    build_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "analysis.md"
    _run_script(ANALYSIS_COSTS, str(build_dir), "--reference", "--out", str(out))
    table = out.read_text(encoding="utf-8")
    for name in (
        "case_links",
        "case_projection",
        "centrality",
        "to_networkx",
        "suggest_links",
        "centrality_sample_100",
        "suggest_links_one_entity",
        "case_view",
    ):
        assert re.search(
            rf"^\| `{name}` \| [\d.]+ s \| [\d.]+ s \| [\d.e+-]+x \| [\d,]+ ", table, re.M
        ), (
            name,
            table,
        )
    assert re.search(r"^\| networkx / ours \| [\d.e+-]+x \|$", table, re.M), table
    assert "DISAGREE" not in table


def test_analysis_costs_script_fails_when_store_and_parsed_graph_disagree(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from rdflib import Graph

    module = _load_script(ANALYSIS_COSTS)
    calls: list[Graph] = []

    def links_that_change(graph: Graph) -> list[int]:  # a different result on each call
        calls.append(graph)
        return [len(calls)]

    monkeypatch.setitem(module.FUNCTIONS, "case_links", links_that_change)

    code = module.main([str(build_dir), "--functions", "case_links,centrality"])

    assert code == 1
    assert "DISAGREE (parsed against store): case_links" in capsys.readouterr().out


EXPORT_COSTS = RUN.with_name("export_costs.py")


def test_export_costs_script_compares_the_streamed_export_with_the_whole_answer(
    build_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "export.md"
    _run_script(EXPORT_COSTS, str(build_dir), "--queries", "cases,figures", "--out", str(out))
    table = out.read_text(encoding="utf-8")
    for name in ("cases", "figures"):
        for fmt in ("csv", "json"):
            assert re.search(
                rf"^\| `{name}` \| {fmt} \| [\d,]+ \| [\d.,]+ MB \| [\d.]+ s \| [\d.]+ s"
                r" \| [\d.]+x \| [\d,]+ MB \| [\d,]+ MB \| [\d.]+x \|$",
                table,
                re.M,
            ), (name, fmt, table)
    assert "DIFFERENT OUTPUT" not in table


def test_export_costs_script_fails_when_the_outputs_differ(
    build_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    module = _load_script(EXPORT_COSTS)
    # a "whole" process that writes something else than the command line does
    monkeypatch.setattr(
        module,
        "WHOLE",
        "import sys\nfrom pathlib import Path\nPath(sys.argv[4]).write_bytes(b'x')\nprint(1)\n",
    )

    code = module.main([str(build_dir), "--queries", "cases", "--formats", "csv"])

    assert code == 1
    assert "DIFFERENT OUTPUT (streamed against whole): cases csv" in capsys.readouterr().out


def _machine(cpu: str) -> dict[str, Any]:
    return {
        "cpu": cpu,
        "cores": 2,
        "ram": 25_000_000_000,
        "os": "Linux",
        "python": "3.11.7",
        "pyoxigraph": "0.5.13",
        "rdflib": "7.6.0",
        "reformgraph": "0.1.0",
        "commit": "abc1234",
        "src_modified": 0,
    }


def test_results_give_each_machine_a_column_when_sizes_ran_on_different_ones() -> None:
    module = _load_script(RUN)
    results = {"machine": _machine("AMD EPYC")}
    sizes = [{"cases": 1000}, {"cases": 10000}, {"cases": 100000, "machine": _machine("Xeon")}]

    table = module._machine_table(results, sizes)
    assert table[0] == "|  | 1k, 10k | 100k |"
    assert "| CPU | AMD EPYC | Xeon |" in table

    same = module._machine_table(results, [*sizes[:2], {"cases": 100000, **results}])
    assert same[0] == "|  |  |"
    assert "| CPU | AMD EPYC |" in same


def test_a_resumed_run_keeps_the_machine_its_kept_sizes_ran_on(tmp_path: Path) -> None:
    before = json.loads((RUN.parent / "RESULTS.json").read_text(encoding="utf-8"))
    before["machine"] = _machine("An imaginary CPU")
    resumed = tmp_path / "before.json"
    resumed.write_text(json.dumps(before), encoding="utf-8")
    kept = ",".join(str(size["cases"]) for size in before["sizes"])
    out = tmp_path / "RESULTS.md"

    _run_script(RUN, "--resume", str(resumed), "--sizes", kept, "--skip-real", "--out", str(out))

    after = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    assert after["machine"]["cpu"] == "An imaginary CPU"
    assert "| CPU | An imaginary CPU |" in out.read_text(encoding="utf-8")


def _usage_error(*args: str) -> str:
    """What run.py prints on stderr for bad arguments (it must exit 2, without a traceback)."""
    done = subprocess.run(
        [sys.executable, str(RUN), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done.stderr


def test_a_budget_that_is_not_n_equals_seconds_is_a_usage_error() -> None:
    assert "'50=abc' is not N=SECONDS" in _usage_error("--budget", "50=abc", "--sizes", "50")


def test_a_run_of_some_saved_queries_does_not_judge_the_every_query_targets() -> None:
    """--queries/--rdflib-queries time a few queries: "every saved query …" stays open."""
    module = _load_script(RUN)
    results = json.loads((RUN.parent / "RESULTS.json").read_text(encoding="utf-8"))
    size = next(s for s in results["sizes"] if s["cases"] == 10_000)
    every = sorted(size["queries"]["ours"])
    assert module._bare_target(size)[1] is True
    assert module._rdflib_target({**size, "selected": {"rdflib": ["cases"]}})[1] is True

    some = {**size, "saved_queries": every, "selected": {"queries": every, "rdflib": ["cases"]}}
    text, verdict = module._rdflib_target(some)
    assert verdict is None, text
    assert text.startswith("1 of 1 queries ≥ 20x"), text
    assert f"not judged: {len(every) - 1} saved queries not run (--rdflib-queries)" in text

    some["selected"] = {"queries": ["cases", "offices"], "rdflib": ["cases"]}
    text, verdict = module._bare_target(some)
    assert verdict is None, text
    assert "(--queries)" in text


def test_a_saved_query_name_the_package_does_not_have_is_a_usage_error() -> None:
    stderr = _usage_error("--queries", "cases,nope", "--sizes", "5")
    assert "--queries: no saved query named 'nope'" in stderr


def test_shacl_options_pyshacl_per_case_reports_the_english_message_as_the_build_does() -> None:
    # Since every shape's message is in English and Chinese, the benchmark's per-case
    # pySHACL took whichever came first (rdfs:label \u987b\u4e2d\u6587\u2026): 115 of 290 shape
    # examples "differed" from pySHACL on the whole graph, the reference.
    from rdflib import RDF, Graph, Literal, URIRef

    from reformgraph.models import RG
    from reformgraph.pipeline import load_ontology, load_shapes
    from reformgraph.validate import validate_graph

    options = _load_script(RUN.with_name("shacl_options.py"))
    source = URIRef("https://w3id.org/reformgraph/id/test/source")
    data = Graph()
    data.add((source, RDF.type, RG.SourceDocument))
    data.add(
        (source, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("x", lang="zh"))
    )
    shapes, ontology = load_shapes(), load_ontology()
    whole = validate_graph(data, shapes, ontology)
    per_case = options.pyshacl_group(list(data), {}, {}, shapes, ontology)
    assert whole.violations
    assert [v.message for v in per_case.violations] == [v.message for v in whole.violations]

"""Qualitative outcomes: recognitions, innovation claims and pilots, each with its quote."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph

from reformgraph.coverage import uncovered_triggers
from reformgraph.io import load_data_folder
from reformgraph.queries import run_query, saved_query
from reformgraph.resolve import resolve

from .paths import CASE_FILES, DATA

TITLES = {
    1: "推进大财政体系建设",
    2: "推进智能网联汽车试点示范",
    3: "依托花湖国际机场探索对外开放新模式",
    5: "开展基层监督改革创新",
    6: "深化国有企业功能性改革",
    7: "推行110接处警市级统管“一市一台”改革",
    8: "健全人大代表“两个联系”工作机制",
}


def _rows(graph: Graph, name: str) -> list[dict[str, str]]:
    result = run_query(graph, saved_query(name))
    return [
        {
            var: ("" if term is None else str(term))
            for var, term in zip(result.variables, row, strict=True)
        }
        for row in result.rows
    ]


def _only_case(tmp_path: Path, case_file: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA / "sources", folder / "sources")
    shutil.copytree(DATA / "entities", folder / "entities")
    (folder / "cases").mkdir()
    shutil.copy(case_file, folder / "cases" / case_file.name)
    return folder


@pytest.mark.parametrize("case_file", CASE_FILES, ids=[p.stem for p in CASE_FILES])
def test_every_outcome_word_of_each_case_is_a_recognition_claim_pilot_or_explained(
    tmp_path: Path, case_file: Path
) -> None:
    resolved = resolve(load_data_folder(_only_case(tmp_path, case_file)))
    uncovered = [u for u in uncovered_triggers(resolved) if u.where.startswith("case ")]
    assert not uncovered, "\n".join(map(str, uncovered))


def test_the_introduction_s_outcome_words_are_covered() -> None:
    resolved = resolve(load_data_folder(DATA))
    uncovered = [u for u in uncovered_triggers(resolved) if u.where.startswith("introduction")]
    assert not uncovered, "\n".join(map(str, uncovered))


def test_the_check_finds_a_claim_removed_from_the_data(tmp_path: Path) -> None:
    folder = _only_case(tmp_path, DATA / "cases" / "06-soe-functional-reform.yaml")
    path = folder / "cases" / "06-soe-functional-reform.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("claims:\n")
    end = text.index("measures:\n")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    uncovered = uncovered_triggers(resolve(load_data_folder(folder)))
    assert [u.character for u in uncovered if u.where.startswith("case ")] == ["率先"]


def test_recognitions_are_those_of_cases_1_3_5_and_8_with_quotes(query_graph: Graph) -> None:
    rows = _rows(query_graph, "recognitions")
    assert {r["caseTitle"] for r in rows} == {TITLES[1], TITLES[3], TITLES[5], TITLES[8]}
    by = {r["caseTitle"]: r for r in rows}
    assert by[TITLES[1]]["by"] == "国务院"
    assert by[TITLES[1]]["form"].endswith("typicalExperience")
    assert "典型经验" in by[TITLES[1]]["evidence"]
    assert by[TITLES[5]]["by"] == "中央纪委"
    assert by[TITLES[5]]["form"].endswith("institutionalRule")
    assert by[TITLES[3]]["form"].endswith("typicalCase")
    assert by[TITLES[8]]["form"].endswith("experienceExchange")
    assert all(r["level"].endswith("nationalLevel") for r in rows)


def test_firsts_are_claimed_by_cases_2_3_6_and_7_with_kind_scope_and_quote(
    query_graph: Graph,
) -> None:
    rows = _rows(query_graph, "firsts")
    assert {r["caseTitle"] for r in rows} == {TITLES[2], TITLES[3], TITLES[6], TITLES[7]}
    kinds = {(r["what"], r["kind"].rsplit("/", 1)[-1], r["scope"]) for r in rows}
    assert ("5G车联网专网", "largest", "中国") in kinds
    assert ("专业货运枢纽机场", "onlyOne", "中国") in kinds
    assert ("专业货运枢纽机场", "firstOfItsKind", "亚洲") in kinds
    assert ("本土国际货运航空公司", "firstOfItsKind", "湖北") in kinds
    assert ("关于产业促进的地方性法规", "firstOfItsKind", "副省级城市") in kinds
    # 人民群众安全感、满意度分别上升至98.77%、96.81%,创历史新高 was recorded nowhere
    assert ("人民群众安全感、满意度", "recordHigh", "湖北") in kinds
    assert all(r["what"] in r["evidence"] for r in rows)


def test_pilots_record_who_assigned_them_and_their_stage(query_graph: Graph) -> None:
    rows = _rows(query_graph, "pilots")
    icv = [r for r in rows if "智能网联汽车试点任务" in r["evidence"]]
    assert {r["assignedBy"] for r in icv} == {"国家发改委", "工信部"}
    assert all(r["stage"].endswith("stagePilot") for r in icv)
    rolled_out = [r for r in rows if "全面铺开" in r["evidence"]]
    assert rolled_out[0]["stage"].endswith("stageGeneralised")
    assert rolled_out[0]["caseTitle"] == TITLES[1]
    batch = [r for r in rows if r["batch"]]
    assert batch[0]["batch"] == "首批"
    # The introduction's 总结推广 (the reform office sums up and promotes this compilation's
    # reforms) generalises no pilot: it is an exception, not a pilot.
    assert not [r for r in rows if "总结推广" in r["evidence"]]


_INTRO = "sources/hubei-2025-reform-cases.yaml"
_PROMOTION = "湖北省委改革办会同改革专项小组办公室和市州党委改革办,对相关改革项目进行总结推广"
_INTRO_PILOT = f"""  pilots:
    - id: summing-up-and-promoting
      quote: {_PROMOTION}
      text: 对相关改革项目进行总结推广
      stage: generalised
"""
_PROMOTION_EXCEPTION = """    - quote: 对相关改革项目进行总结推广
      text: 推广
      reason: >-
        The reform office sums up and promotes the reform projects of this compilation
        (the purpose of the feature); no pilot is generalised here.
"""
_RECORD_HIGH_CLAIM = """  - id: security-and-satisfaction-record-high
    quote: 人民群众安全感、满意度分别上升至98.77%、96.81%,创历史新高
    text: 创历史新高
    kind: record-high
    scope: hubei
    what: {zh: 人民群众安全感、满意度, en: "the public's sense of security and satisfaction"}
"""
#: Edits of the data (file, old text, new text) and the outcome words then left uncovered.
OUTCOME_WORD_EDITS = {
    # 总结推广 with neither an exception nor a pilot to account for it is reported: the
    # introduction's exception covers its outcome words, as a case's does.
    "introduction-exception-removed": ([(_INTRO, _PROMOTION_EXCEPTION, "")], ["推广"]),
    # An introduction's pilot covers them too.
    "introduction-exception-made-a-pilot": (
        [
            (_INTRO, _PROMOTION_EXCEPTION, ""),
            (_INTRO, "  exceptions:\n", _INTRO_PILOT + "  exceptions:\n"),
        ],
        [],
    ),
    # 创历史新高 (a record high) with no claim to record it is reported: it was recorded
    # nowhere.
    "record-high-claim-removed": (
        [("cases/07-police-dispatch-one-city-one-platform.yaml", _RECORD_HIGH_CLAIM, "")],
        ["历史新高"],
    ),
    # An outcome whose text holds only part of the word (全面铺 of 全面铺开) does not cover it.
    # (Its stage is then what its words say, pilot: generalised is refused for them.)
    "case-pilot-text-cut-inside-the-word": (
        [
            (
                "cases/01-big-fiscal-system.yaml",
                "    text: 从试点先行到全面铺开\n    stage: generalised\n",
                "    text: 从试点先行到全面铺\n    stage: pilot\n",
            )
        ],
        ["铺开"],
    ),
}


@pytest.mark.parametrize("name", sorted(OUTCOME_WORD_EDITS))
def test_an_outcome_word_is_covered_only_by_an_outcome_or_exception_holding_all_of_it(
    tmp_path: Path, name: str
) -> None:
    edits, expected = OUTCOME_WORD_EDITS[name]
    folder = Path(shutil.copytree(DATA, tmp_path / "data"))
    for file, old, new in edits:
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (file, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    uncovered = uncovered_triggers(resolve(load_data_folder(folder)))
    assert [u.character for u in uncovered] == expected

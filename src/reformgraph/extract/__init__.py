"""Draft cases from a new report, measure the drafts, and merge reviewed drafts into data/.

``extract`` reads a report (UTF-8 or GB18030), finds its introduction and cases, each
case's measures, figures, changes, rankings, outcomes and named things, and writes a
self-contained *draft data folder*: ``sources/`` (the report as UTF-8 and its metadata),
``cases/NN-….yaml`` in the schema of ``data/cases`` and ``entities/`` (new entities,
marked as drafts, and copies of the curated entities it links to). Every quote it writes
is found by the resolver, every figure passes the resolver's value, unit and qualifier
check, and every numeral and outcome word of a case is covered (by a fact, or by an
exception that says it was not read), so the folder builds on its own.

``evaluate`` runs ``extract`` on a curated source with no curated entities and compares
the draft with the curated cases. ``accept`` merges a reviewed draft into a data folder.

The rules come from the language of such reports (office lines, 一是 … 十是 markers, unit
words, suffixes such as 厅 委 局 平台 机制, 《…》 titles, quoted named mechanisms, 率先
and 首个 …) and from a gazetteer of Chinese administrative divisions shipped as package
data; nothing here names the cases of any particular report.

The work is split by step, each module using only those above it: ``report`` (reading the
file), ``lexicon`` (the words it knows), ``structure`` (cases and measures), ``facts``,
``names``, ``outcomes`` and ``relations`` (what a stretch of text states), ``analysis``
(all of it, case by case), ``draft`` (the draft folder), ``scoring`` (``evaluate``) and
``merge`` (``accept``).
"""

from __future__ import annotations

from reformgraph.extract.analysis import Analysis, analyse
from reformgraph.extract.draft import ExtractResult, extract
from reformgraph.extract.merge import AcceptResult, accept
from reformgraph.extract.report import (
    DRAFT_MARKER,
    MANIFEST,
    TODO_EN,
    ExtractError,
    Report,
    read_report,
)
from reformgraph.extract.scoring import Evaluation, KindScore, evaluate

__all__ = [
    "DRAFT_MARKER",
    "MANIFEST",
    "TODO_EN",
    "AcceptResult",
    "Analysis",
    "Evaluation",
    "ExtractError",
    "ExtractResult",
    "KindScore",
    "Report",
    "accept",
    "analyse",
    "evaluate",
    "extract",
    "read_report",
]

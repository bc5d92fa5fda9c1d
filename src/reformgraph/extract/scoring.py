"""How good a draft is: F1 per kind against the curated cases of the same source."""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reformgraph.extract.draft import extract
from reformgraph.extract.report import ExtractError, Progress, read_report
from reformgraph.io import load_data_folder
from reformgraph.models import Claim, Entity, EntityType, Recognition
from reformgraph.resolve import Resolved, resolve

#: The kinds the evaluation scores, in table order.
KINDS = (
    "cases",
    "measures",
    "figures",
    "rankings",
    "organisations",
    "platforms",
    "instruments",
    "places",
    "recognitions",
    "claims",
    "pilots",
    "relations",
    "actors",
)
#: Targets on a curated source (F1). The qualitative outcomes are phrases like the named
#: kinds, matched by where their words are and with every attribute right: the same 0.8.
TARGETS = {
    "cases": 1.0,
    "measures": 1.0,
    "figures": 0.95,
    "rankings": 0.8,
    "organisations": 0.8,
    "platforms": 0.8,
    "instruments": 0.8,
    "places": 0.8,
    "recognitions": 0.8,
    "claims": 0.8,
    "pilots": 0.8,
}
#: The qualitative outcomes, scored by overlap (see :func:`evaluate`).
OUTCOME_KINDS = ("recognitions", "claims", "pilots")
#: The kinds scored by the overlap of their words: the outcomes, and the relations
#: between bodies (which have no target: our source states five, too few to hold the
#: extractor to a figure; the table shows how it does all the same).
OVERLAP_KINDS = (*OUTCOME_KINDS, "relations")
#: The roles of each kind of relation, in the order they are compared.
_RELATION_ROLES = {
    "joint-work": ("lead", "partners"),
    "assistance": ("assistant", "assisted"),
    "pilot-assignment": ("assigned_by", "assigned_to"),
    "sub-organisation": ("member", "parent"),
}

# =========================================================================== evaluation


@dataclass(frozen=True)
class KindScore:
    """Precision, recall and F1 of one kind of thing found."""

    kind: str
    gold: int
    found: int
    correct: int
    missed: tuple[str, ...] = ()
    spurious: tuple[str, ...] = ()

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else (1.0 if not self.gold else 0.0)

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation:
    """How a draft of a curated source compares with its curated cases."""

    report: Path
    scores: dict[str, KindScore]
    seconds: float
    report_bytes: int

    def table(self) -> str:
        rows = [
            f"{'kind':<14}{'gold':>6}{'found':>7}{'correct':>9}{'precision':>11}"
            f"{'recall':>8}{'F1':>7}{'target':>8}"
        ]
        for kind in KINDS:
            s = self.scores[kind]
            target = TARGETS.get(kind)
            rows.append(
                f"{kind:<14}{s.gold:>6}{s.found:>7}{s.correct:>9}{s.precision:>11.3f}"
                f"{s.recall:>8.3f}{s.f1:>7.3f}{(f'{target:.2f}' if target else '-'):>8}"
            )
        return "\n".join(rows)

    def failures(self) -> list[str]:
        """The kinds below their target."""
        return [
            f"{kind}: F1 {self.scores[kind].f1:.3f} < {target}"
            for kind, target in TARGETS.items()
            if self.scores[kind].f1 + 1e-9 < target
        ]

    def meets_targets(self) -> bool:
        return not self.failures()


_INVOLVEMENT_KEYS = frozenset(
    {
        "places",
        "involves",
        "lead",
        "partners",
        "assistant",
        "assisted",
        "assigned_by",
        "assigned_to",
        "member",
        "parent",
        "by",
    }
)
_REF_KEYS = frozenset({"office", "scope", "subject", "via", "programme"})


def _refs(value: Any) -> Iterator[tuple[str, str | None]]:
    """Every entity a record refers to, with the words given for it (or None)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in _INVOLVEMENT_KEYS:
                for ref in item if isinstance(item, list) else [item]:
                    if isinstance(ref, dict) and "id" in ref and not ref.get("implied"):
                        yield ref["id"], ref.get("mention")
            elif key in _REF_KEYS:
                if isinstance(item, str):
                    yield item, None
                elif isinstance(item, dict) and "id" in item:
                    yield item["id"], item.get("mention")
            else:
                yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def _named_kind(entity_type: EntityType) -> str | None:
    group = entity_type.group
    return {
        "org": "organisations",
        "platform": "platforms",
        "instrument": "instruments",
        "place": "places",
    }.get(group)


def _surfaces(record: Any, text: str, entities: Mapping[str, Entity]) -> dict[str, set[str]]:
    """The Chinese words by which a case (or introduction) names things, by kind.

    For every entity the record refers to (involvement lists, relation participants,
    ``by``, ``assigned_by``/``assigned_to``, ``office``, ``scope``, ``subject``, ``via``,
    ``programme``; implied participants excepted): its ``mention`` where one is given,
    else each of its Chinese labels (preferred and alternative) that occurs in the text.
    """
    out: dict[str, set[str]] = {
        k: set() for k in ("organisations", "platforms", "instruments", "places")
    }
    dump = record.model_dump(mode="json", exclude_none=True)
    for entity_id, mention in _refs(dump):
        entity = entities.get(entity_id)
        if entity is None:
            continue
        kind = _named_kind(entity.type)
        if kind is None:
            continue
        if mention is not None:
            out[kind].add(mention)
        else:
            out[kind].update(label for label in entity.zh_labels if label in text)
    return out


def _actors(case: Any, text: str, entities: Mapping[str, Entity]) -> set[str]:
    """The Chinese words by which a case names who carries it out: each ``mention``, or
    each label of the entity found in its text."""
    words: set[str] = set()
    for ref in case.carried_out_by:
        entity = entities.get(ref.id)
        if ref.mention is not None:
            words.add(ref.mention)
        elif entity is not None:
            words.update(label for label in entity.zh_labels if label in text)
    return words


def _model_at(model: Any, path: Sequence[str | int]) -> Any:
    node = model
    for part in path:
        node = node[part] if isinstance(part, int) else getattr(node, part)
    return node


def _numbers(resolved_case: Any, model: Any) -> tuple[set[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(figures, rankings) of a resolved case or introduction, keyed by their place in the
    text. The rankings are a list: one phrase may state two (均位列全国第二)."""
    figures: set[tuple[Any, ...]] = set()
    rankings: list[tuple[Any, ...]] = []
    for path, located in resolved_case.located.items():
        if len(path) < 2 or not isinstance(path[-1], int):
            continue
        family = path[-2]
        fact = _model_at(model, path)
        if family == "figures" and located.text is not None:
            figures.add(
                (
                    located.text.start,
                    located.text.end,
                    fact.text,
                    fact.value.normalize(),
                    fact.unit,
                    fact.qualifier.value,
                )
            )
        elif family == "changes":
            for role, quantity in fact.parts():
                span = located.parts.get(role)
                if span is not None:
                    figures.add(
                        (
                            span.start,
                            span.end,
                            quantity.text,
                            quantity.value.normalize(),
                            quantity.unit,
                            quantity.qualifier.value,
                        )
                    )
        elif family == "rankings" and located.text is not None:
            rankings.append(
                (located.text.start, located.text.end, fact.text, fact.rank, fact.scope)
            )
    return figures, rankings


def _numbered(keys: Iterable[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    """Each key with its occurrence number: two facts with the same key (two rankings one
    phrase states) count as two, and a draft that finds one of them misses the other."""
    seen: Counter[tuple[Any, ...]] = Counter()
    out = set()
    for key in keys:
        out.add((*key, seen[key]))
        seen[key] += 1
    return out


def _outcomes_of(
    located: dict[tuple[str | int, ...], Any], model: Any, entities: Mapping[str, Entity]
) -> dict[str, list[tuple[Any, ...]]]:
    """The recognitions, claims, pilots and relations of a resolved case or introduction,
    each as (start, end, attributes, words): where its words are in the source (a
    relation's: its quote), and what the evaluation requires to be right (level and form;
    kind and the scope's Chinese labels; stage; kind and the Chinese labels of the bodies
    of each role)."""
    out: dict[str, list[tuple[Any, ...]]] = {kind: [] for kind in OVERLAP_KINDS}
    for path, where in located.items():
        if len(path) >= 2 and path[-2] == "relations":
            relation = _model_at(model, path)
            roles = tuple(
                _labels(getattr(relation, role), entities)
                for role in _RELATION_ROLES[relation.kind]
            )
            span = where.quote
            out["relations"].append((span.start, span.end, (relation.kind, *roles), span.text))
            continue
        if len(path) < 2 or path[-2] not in OUTCOME_KINDS or where.text is None:
            continue
        item = _model_at(model, path)
        if isinstance(item, Recognition):
            attributes: tuple[Any, ...] = (item.level.value, item.form.value)
        elif isinstance(item, Claim):
            scope = entities.get(item.scope)
            labels = frozenset(scope.zh_labels if scope is not None else [item.scope])
            attributes = (item.kind.value, labels)
        else:
            attributes = (item.stage.value,)
        family = str(path[-2])
        out[family].append((where.text.start, where.text.end, attributes, where.text.text))
    return out


def _labels(participants: Sequence[Any], entities: Mapping[str, Entity]) -> frozenset[str]:
    """The Chinese labels of the bodies that play a role in a relation (each of their
    labels, so that the draft's 省纪委监委 is the curated 湖北省纪委监委, which has it as
    another name); a body the sentence leaves unsaid (``implied``) is not among them:
    its words are not there to be found."""
    out: set[str] = set()
    for participant in participants:
        if participant.implied:
            continue
        entity = entities.get(participant.id)
        out.update(entity.zh_labels if entity is not None else [participant.id])
        if participant.mention is not None:
            out.add(participant.mention)
    return frozenset(out)


def _same(found: tuple[Any, ...], gold: tuple[Any, ...]) -> bool:
    """Whether two outcomes' attributes agree: equal values, and places or bodies (sets of
    Chinese labels: the curated 湖北 is the gazetteer's 湖北省) that share a label, where
    the curated one names any (a relation's role held only by a body the sentence leaves
    unsaid names none)."""
    return len(found) == len(gold) and all(
        (not b or bool(a & b)) if isinstance(a, frozenset) and isinstance(b, frozenset) else a == b
        for a, b in zip(found, gold, strict=True)
    )


def _show_attributes(attributes: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple("/".join(sorted(a)) if isinstance(a, frozenset) else str(a) for a in attributes)


def _score_overlapping(
    kind: str, gold: list[tuple[Any, ...]], found: list[tuple[Any, ...]]
) -> KindScore:
    """Score outcomes: (unit, start, end, attributes, words) each; a found one is correct
    when it is paired, one to one, with a curated one of the same case (or introduction)
    whose words overlap its own in the source and whose attributes are the same."""
    taken: set[int] = set()
    correct = 0
    missed = []
    for g_unit, g_start, g_end, g_attributes, g_words in sorted(gold, key=lambda g: g[1]):
        match = next(
            (
                n
                for n, (unit, start, end, attributes, _) in enumerate(found)
                if n not in taken
                and unit == g_unit
                and _same(attributes, g_attributes)
                and start < g_end
                and g_start < end
            ),
            None,
        )
        if match is None:
            missed.append(_show((g_unit, g_words, *_show_attributes(g_attributes))))
        else:
            taken.add(match)
            correct += 1
    spurious = [
        _show((unit, words, *_show_attributes(attributes)))
        for n, (unit, _, _, attributes, words) in enumerate(found)
        if n not in taken
    ]
    return KindScore(
        kind=kind,
        gold=len(gold),
        found=len(found),
        correct=correct,
        missed=tuple(sorted(missed)),
        spurious=tuple(sorted(spurious)),
    )


def _score(kind: str, gold: set[Any], found: set[Any]) -> KindScore:
    return KindScore(
        kind=kind,
        gold=len(gold),
        found=len(found),
        correct=len(gold & found),
        missed=tuple(sorted(map(_show, gold - found))),
        spurious=tuple(sorted(map(_show, found - gold))),
    )


def _show(key: Any) -> str:
    if isinstance(key, tuple):
        return " | ".join(str(k) for k in key)
    return str(key)


def _units(resolved: Resolved) -> dict[str, dict[str, Any]]:
    """Per title (and "" for the introduction): what the evaluation compares."""
    out: dict[str, dict[str, Any]] = {}
    entities = resolved.entities
    for case in resolved.cases:
        figures, rankings = _numbers(case, case.case)
        scope_label = {
            r: (r[0], r[1], r[2], r[3], entities[r[4]].label.zh if r[4] in entities else r[4])
            for r in rankings
        }
        out[case.case.title.zh] = {
            "measures": {(case.case.title.zh, m.marker, m.lead.zh) for m in case.case.measures},
            "figures": {f[:2] + f[3:] for f in figures},
            "rankings": _numbered(scope_label[r][:2] + scope_label[r][3:] for r in rankings),
            **_surfaces(case.case, case.span.text, entities),
            **_outcomes_of(case.located, case.case, entities),
            "actors": _actors(case.case, case.span.text, entities),
        }
    for intro in resolved.introductions.values():
        record = intro.source.record.introduction
        if record is None:
            continue
        figures, rankings = _numbers(intro, intro.source.record)
        out[""] = {
            "measures": set(),
            "figures": {f[:2] + f[3:] for f in figures},
            "rankings": _numbered((r[0], r[1], r[3], entities[r[4]].label.zh) for r in rankings),
            **_surfaces(record, intro.span.text, entities),
            **_outcomes_of(intro.located, intro.source.record, entities),
            "actors": set(),
        }
    return out


def evaluate(report: Path, curated: Path, *, progress: Progress | None = None) -> Evaluation:
    """Draft ``report`` with no curated entities (only the gazetteer) and compare the draft
    with the curated cases of the same source in ``curated``.

    Per kind, precision = correct / found, recall = correct / gold, F1 their harmonic mean:

    - cases: the title lines;
    - measures: (case title, marker, lead clause in Chinese);
    - figures: every stated quantity (figures, and the baselines, results and differences
      of changes), matched by the character offsets of its words in the source and by its
      value, unit and qualifier, which must all be right;
    - rankings: offsets of the words, rank, and the Chinese label of the scope;
    - organisations, platforms, instruments, places: for each case (and the introduction)
      the set of Chinese words by which it names things of that kind: for each entity
      the case refers to, its ``mention`` if one is given, else each of its labels found
      in the case's text (see :func:`_surfaces`). Two words match when they are equal.
    - recognitions, claims, pilots: the qualitative outcomes of each case (and the
      introduction), paired one to one: a found outcome is correct when a curated one of
      the same case has words (its ``text``, else its quote) that overlap its own in the
      source — where a curator ends the words (with or without the subject, 武汉市承接…)
      is a matter of style, what they say is not — and the same attributes: level and
      form for a recognition; kind and the Chinese label of the scope for a claim; stage
      for a pilot;
    - relations: the relations between bodies of each case, paired as the outcomes are, by
      the overlap of their quotes, with the same kind and, for each role, a body in common
      (by its Chinese labels; a body the sentence leaves unsaid, ``implied``, is not
      required). They have no target (see :data:`OVERLAP_KINDS`).
    - actors: for each case, the Chinese words by which it names who carries it out
      (``carried_out_by``), as for the named kinds. No target either: six of our cases
      say who.

    Raises :class:`ExtractError` when ``curated`` holds no source with the report's text.
    """
    began = time.perf_counter()
    read = read_report(report)
    gold_data = load_data_folder(curated)
    gold = resolve(gold_data)
    matching = [s for s in gold_data.sources.values() if s.text == read.text]
    if not matching:
        raise ExtractError(
            str(report), None, f"no source in {curated} has this report's text: nothing to compare"
        )
    source_id = matching[0].record.id
    with tempfile.TemporaryDirectory(prefix="reformgraph-evaluate-") as work:
        out = Path(work) / "draft"
        result = extract(report, out, progress=progress)
        draft = resolve(load_data_folder(out))
    gold_cases = [c for c in gold.cases if c.case.source == source_id]
    gold_units = _units(
        Resolved(
            dataset=gold.dataset,
            cases=gold_cases,
            introductions={k: v for k, v in gold.introductions.items() if k == source_id},
            warnings=[],
        )
    )
    found_units = _units(draft)
    scores = {
        "cases": _score(
            "cases", {c.case.title.zh for c in gold_cases}, {c.case.title.zh for c in draft.cases}
        )
    }
    for kind in OVERLAP_KINDS:
        scores[kind] = _score_overlapping(
            kind,
            [(title, *x) for title, unit in gold_units.items() for x in unit[kind]],
            [(title, *x) for title, unit in found_units.items() for x in unit[kind]],
        )
    for kind in KINDS[1:]:
        if kind in OVERLAP_KINDS:
            continue
        gold_set: set[Any] = set()
        found_set: set[Any] = set()
        for title, unit in gold_units.items():
            gold_set |= {(title, x) if kind in _NAMED else x for x in unit[kind]}
        for title, unit in found_units.items():
            found_set |= {(title, x) if kind in _NAMED else x for x in unit[kind]}
        scores[kind] = _score(kind, gold_set, found_set)
    return Evaluation(
        report=report,
        scores=scores,
        seconds=time.perf_counter() - began,
        report_bytes=result.report_bytes,
    )


_NAMED = frozenset({"organisations", "platforms", "instruments", "places", "actors"})

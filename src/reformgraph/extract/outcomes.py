"""Qualitative outcomes: recognitions by a higher level, claims of being first, pilots."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import cache

from reformgraph.extract.facts import (
    Context,
    Item,
    OutcomeFound,
    Qty,
    _clause,
    _overlaps,
    _scope_key,
    _scope_words,
)
from reformgraph.models import EntityType

_FIRST_VERBS = (
    "推行|开展|实施|建立|出台|实现|探索|启动|完成|推出|打造|建成|开通|上线|构建|形成|试点|发布|制定|"
    "设立|成立|创建|落地|开发|应用|引入|提出"
)


@cache
def _outcome_res() -> dict[str, re.Pattern[str]]:
    scopes = "|".join(map(re.escape, _scope_words()))
    return {
        "first-to-do": re.compile(
            rf"(?:在)?(?P<scope>{scopes})?(?:范围内)?(?P<word>率先|首创|首次)(?P<verb>{_FIRST_VERBS})?"
        ),
        "first-of-its-kind": re.compile(
            rf"(?P<scope0>{scopes})(?P<scope>{scopes})?"
            r"(?P<word>首个|首部|首家|首座|首条|首款|首单|首笔|首例|首台|首批|第一个|第一家|第一部|第一座)"
        ),
        "only-one": re.compile(rf"(?P<scope>{scopes})(?P<word>唯一)"),
        "largest": re.compile(rf"(?P<scope>{scopes})(?:规模)?(?P<word>最大)"),
        # not 创新高 alone: 创新高地 is "a highland of innovation"
        "record-high": re.compile(r"创历史新高|历史新高"),
        # 创历史新低; 降至历史最低 (a figure may follow: 降至历史最低3.1%)
        "record-low": re.compile(r"创历史新低|历史新低|历史最低"),
        "firsts": re.compile(rf"(?P<scope>{scopes})(?P<word>第一)(?![个家部座])"),
        "batch": re.compile(
            r"首批(?:“[^”\n]{0,20}?试点[^”\n]{0,8}?”|“[^”\n]{1,20}”试点|[^\uff0c,。;\uff1b、“\n]{0,12}?试点)"
        ),
        "typical": re.compile(
            r"(?:被|获|荣获|入选|获评|成功入选|列入|纳入)[^\uff0c,。;\uff1b\n]{0,40}?"
            r"(?P<word>典型经验|典型案例|优秀案例|示范案例|最佳实践|经验做法|创新案例)"
        ),
        "exchange": re.compile(
            r"(?:在[^\uff0c,。;\uff1b在\n]{0,30}?)?(?:作|做|进行)(?:了)?(?:典型)?经验交流(?:发言)?"
        ),
        "absorbed": re.compile(r"被[^\uff0c,。;\uff1b\n]{0,20}?吸收为[^\uff0c,。;\uff1b\n]{0,15}"),
        "commended": re.compile(
            r"(?:受到|获得|得到|获)[^\uff0c,。;\uff1b\n]{0,25}?(?:通报表扬|表扬|批示肯定|肯定|督查激励)"
        ),
        "undertake": re.compile(r"承接[^\uff0c,。;\uff1b\n]{0,40}?试点(?:任务|工作)?"),
        # 宜都市被国家发展改革委确定为…试点城市, 襄阳市入选首批…试点地区, 长沙市获批…试验区
        "designated": re.compile(
            r"(?:被(?P<by>[^\uff0c,。;\uff1b\n]{0,20}?))?"
            r"(?:确定为|列为|批准为|批复为|认定为|遴选为|入选|获批)"
            r"[^\uff0c,。;\uff1b\n]{0,40}?(?:试点(?:城市|地区|县|市|区|省|单位|企业|项目|园区)?|试验区)"
        ),
        # 遴选试点单位120家, 选取3个县开展试点: pilots the subject chose, not who holds them
        "selected": re.compile(
            r"(?:遴选|选取|选定)(?:了|出)?[^\uff0c,。;\uff1b\n]{0,12}?"
            r"试点(?:单位|企业|城市|地区|县|市|区|项目|园区|学校|医院|村|社区)?"
        ),
        "scaled": re.compile(r"(?:扩大|拓展)[^\uff0c,。;\uff1b\n]{0,6}?试点(?:范围)?"),
        "rolled": re.compile(
            r"从试点[^\uff0c,。;\uff1b\n]{0,8}?到[^\uff0c,。;\uff1b\n]{0,8}?(?:铺开|推广|推开)"
        ),
        "spread": re.compile(r"推广|铺开|推开"),
    }


def _what(text: str, end: int, clause: tuple[int, int]) -> tuple[int, int]:
    """The thing a claim is about: the rest of the clause after the claim's words."""
    start = end
    rest = text[start : clause[1]]
    if rest.startswith("、") and "的" in rest:
        start += rest.rindex("的") + 1
    elif rest.startswith("的"):
        start += 1
    stop = clause[1]
    title = text.find("《", start, stop)
    if title != -1 and title > start:
        stop = title
    while stop > start and text[stop - 1] in "、的":
        stop -= 1
    if stop <= start:
        return clause
    return start, stop


def _level(words: str) -> str:
    if re.search("国务院|国家|全国|中央|党中央|部|总局|中共", words):
        return "national"
    if "省" in words:
        return "provincial"
    if "市" in words:
        return "municipal"
    return "national"


class _Found:
    """The outcomes found so far in ``text[lo:hi]``: one that overlaps an earlier one is
    left out, so the order in which the kinds are looked for decides between them."""

    def __init__(self, text: str, lo: int, hi: int, ctx: Context, items: Sequence[Item]):
        self.text, self.lo, self.hi, self.ctx, self.items = text, lo, hi, ctx, items
        self.out: list[OutcomeFound] = []
        self.taken: list[tuple[int, int]] = []

    def matches(self, name: str) -> Iterator[re.Match[str]]:
        return _outcome_res()[name].finditer(self.text, self.lo, self.hi)

    def add(self, found: OutcomeFound) -> None:
        if _overlaps(found.start, found.end, self.taken):
            return
        self.out.append(found)
        self.taken.append((found.start, found.end))

    def actors(self, start: int, end: int) -> list[Item]:
        """The organisations named in ``text[start:end]``."""
        return [
            it
            for it in self.items
            if start <= it.start and it.end <= end and it.kind == "organisation"
        ]

    def programme(self, start: int, end: int) -> Item | None:
        """The first pilot programme named in ``text[start:end]``."""
        return next(
            (
                it
                for it in self.items
                if start <= it.start and it.end <= end and it.etype is EntityType.PILOT_PROGRAMME
            ),
            None,
        )

    def clause(self, at: int) -> tuple[int, int]:
        return _clause(self.text, at, self.lo, self.hi)


def _outcomes(
    text: str,
    lo: int,
    hi: int,
    ctx: Context,
    items: Sequence[Item],
    quantities: Sequence[Qty],
) -> list[OutcomeFound]:
    """The recognitions, claims and pilots stated in ``text[lo:hi]``, in the order of
    precedence: pilots' stages, recognitions, counted firsts, claims, records, named pilot
    programmes, then spreading (which only takes what nothing else took)."""
    found = _Found(text, lo, hi, ctx, items)
    _pilot_stages(found)
    _recognitions(found)
    _counted_firsts(found, quantities)
    _claims(found)
    _records(found)
    # Pilot programmes named in the text.
    for it in items:
        if it.etype is EntityType.PILOT_PROGRAMME and lo <= it.start and it.end <= hi:
            found.add(OutcomeFound("pilots", it.start, it.end, {"stage": "pilot"}, programme=it))
    _spreading(found)
    return found.out


def _pilot_stages(found: _Found) -> None:
    """Generalised (全面推开), first-batch (首批…试点), undertaken (承担…试点: who was
    assigned it by whom), selected (遴选试点单位: its holders are counted, not named)
    and scaled-up pilots."""
    for m in found.matches("rolled"):
        found.add(OutcomeFound("pilots", m.start(), m.end(), {"stage": "generalised"}))
    for m in found.matches("designated"):
        taker = _holder_before(found, m.start())
        givers = found.actors(*m.span("by")) if m["by"] else []
        fields: dict[str, object] = {"stage": "pilot"}
        if "首批" in m[0]:
            fields["batch"] = {"text": "首批", "en": "first batch"}
        actors = {"assigned_to": [taker]} if taker is not None else {}
        if taker is not None and givers:
            actors["assigned_by"] = givers
        found.add(
            OutcomeFound(
                "pilots",
                taker.start if taker is not None else m.start(),
                m.end(),
                fields,
                actors=actors,
                programme=found.programme(m.start(), m.end()),
            )
        )
    for m in found.matches("batch"):
        found.add(
            OutcomeFound(
                "pilots",
                m.start(),
                m.end(),
                {"stage": "pilot", "batch": {"text": "首批", "en": "first batch"}},
                programme=found.programme(m.start(), m.end()),
            )
        )
    for m in found.matches("undertake"):
        taker = _holder_before(found, m.start())
        givers = found.actors(m.start(), m.end())
        start = taker.start if taker is not None and givers else m.start()
        found.add(
            OutcomeFound(
                "pilots",
                start,
                m.end(),
                {"stage": "pilot"},
                actors={"assigned_by": givers, "assigned_to": [taker]}
                if taker is not None and givers
                else {},
                programme=found.programme(m.start(), m.end()),
            )
        )
    for m in found.matches("selected"):
        found.add(OutcomeFound("pilots", m.start(), m.end(), {"stage": "pilot"}))
    for m in found.matches("scaled"):
        found.add(OutcomeFound("pilots", m.start(), m.end(), {"stage": "scaled-up"}))


def _holder_before(found: _Found, at: int) -> Item | None:
    """The body or administrative area named right before ``at``: who takes a pilot."""
    return next(
        (
            it
            for it in found.items
            if it.end == at
            and (it.kind == "organisation" or it.etype is EntityType.ADMINISTRATIVE_AREA)
        ),
        None,
    )


#: The patterns of recognitions and the form each states (None: typical-experience for
#: 典型经验 and 经验做法, else typical-case).
_RECOGNITION_FORMS: tuple[tuple[str, str | None], ...] = (
    ("typical", None),
    ("exchange", "experience-exchange"),
    ("absorbed", "institutional-rule"),
    ("commended", "commendation"),
)


def _recognitions(found: _Found) -> None:
    """Recognitions by a higher level, with the organisations named in their words."""
    for name, stated in _RECOGNITION_FORMS:
        for m in found.matches(name):
            form = stated or (
                "typical-experience" if m["word"] in ("典型经验", "经验做法") else "typical-case"
            )
            found.add(
                OutcomeFound(
                    "recognitions",
                    m.start(),
                    m.end(),
                    {"level": _level(m[0]), "form": form},
                    actors={"by": found.actors(m.start(), m.end())},
                )
            )


def _counted_firsts(found: _Found, quantities: Sequence[Qty]) -> None:
    """Counts of firsts: 实现…等7个全国第一."""
    for m in found.matches("firsts"):
        count = next((q for q in quantities if q.end == m.start()), None)
        if count is None:
            continue
        scope = _scope_key(m["scope"], found.ctx)
        if scope is None:
            continue
        found.add(
            OutcomeFound(
                "claims",
                count.start,
                m.end(),
                {"kind": "first-to-do"},
                scope=scope,
                what=found.clause(m.start()),
            )
        )


def _claims(found: _Found) -> None:
    """Claims of being first of a kind (全国首个), the only one, the largest, or first to do
    something (在全国率先), in a scope their words name."""
    for kind in ("first-of-its-kind", "only-one", "largest", "first-to-do"):
        for m in found.matches(kind):
            scope_word = m["scope"] or (
                m.groupdict().get("scope0") if kind == "first-of-its-kind" else None
            )
            if not scope_word:
                continue
            if kind == "first-of-its-kind" and m["word"] == "首批":
                continue
            scope = _scope_key(scope_word, found.ctx)
            if scope is None:
                continue
            if kind == "first-of-its-kind" and m["scope"]:
                scope = _scope_key(m["scope"], found.ctx) or scope
            found.add(
                OutcomeFound(
                    "claims",
                    m.start(),
                    m.end(),
                    {"kind": "first-to-do" if m["word"] in ("首创", "首次") else kind},
                    scope=scope,
                    what=_what(found.text, m.end(), found.clause(m.start())),
                )
            )


def _records(found: _Found) -> None:
    """Record highs and lows: 人民群众安全感、满意度分别上升至98.77%、96.81%,创历史新高;
    企业综合融资成本降至历史最低. What is at a record is said before the words (in their
    clause, else in the clause before); the record is taken as the province's the report
    is about, for the reviewer to check."""
    for kind in ("record-high", "record-low"):
        for m in found.matches(kind):
            scope = _scope_key("全省", found.ctx)
            if scope is None:
                continue
            clause = found.clause(m.start())
            if clause[0] < m.start():
                what = (clause[0], m.start())
            elif clause[0] - 2 >= found.lo:
                what = found.clause(clause[0] - 2)
            else:
                continue
            found.add(
                OutcomeFound("claims", m.start(), m.end(), {"kind": kind}, scope=scope, what=what)
            )


def _spreading(found: _Found) -> None:
    """Spreading: 复制推广经验, 全面铺开试点 — the clause says what is spread. Only where the
    sentence speaks of a pilot or an experience: 对相关改革项目进行总结推广 (the reform
    office promotes this compilation's reforms) generalises no pilot; the draft leaves
    its 推广 to the reviewer as an exception."""
    for m in found.matches("spread"):
        if _overlaps(m.start(), m.end(), found.taken):
            continue
        if not _SPREAD_CONTEXT.search(_sentence(found.text, m.start(), found.lo, found.hi)):
            continue
        clause = found.clause(m.start())
        if _overlaps(clause[0], clause[1], found.taken):
            continue
        found.add(
            OutcomeFound(
                "pilots", clause[0], clause[1], {"stage": "generalised"}, whole_clause=True
            )
        )


#: What a spread word (推广, 铺开) must be about, in its sentence, to draft a pilot.
_SPREAD_CONTEXT = re.compile(r"试点|经验|做法|模式")


def _sentence(text: str, at: int, lo: int, hi: int) -> str:
    """The sentence of ``text[lo:hi]`` holding position ``at`` (up to 。, a semicolon, an
    exclamation or question mark, or a line end)."""
    ends = "。;\uff1b!\uff01?\uff1f\n"
    start = max((text.rfind(c, lo, at) for c in ends), default=-1)
    start = max(start + 1, lo)
    stops = [i for i in (text.find(c, at, hi) for c in ends) if i >= 0]
    return text[start : min(stops, default=hi)]

"""Relations between organisations: joint work, assistance, sub-organisations."""

from __future__ import annotations

import re
from collections.abc import Sequence

from reformgraph.extract.facts import Item, RelationFound
from reformgraph.extract.names import _item, _org_type
from reformgraph.models import EntityType

#: Words that join the names of a list of bodies (省发改委、省财政厅和省国资委).
_JOIN = re.compile("、|以及|和|及|与|同")
#: Verbs of relations between bodies, by the relation they state. Joint work: the bodies
#: before 会同, 联合, 携手 … work with those after it, or those listed before 联合 or 共同
#: work together (省发改委、省财政厅联合印发); 牵头 … 配合, 参与: the first leads. Assistance:
#: 协助, 配合 (the bodies before help those after). Membership: 隶属 (before belongs to
#: after), 下属, 所属, 直属 (after belongs to before).
_RELATION_VERBS = re.compile(
    "(?P<joint>会同|联合|携手|协同|共同|合作)|(?P<assist>协助|配合)|(?P<lead>牵头)"
    "|(?P<member>隶属于|隶属)|(?P<parent>下属的|所属的|直属的|下属|所属|直属)"
)


def _run_before(orgs: Sequence[Item], text: str, pos: int) -> list[Item]:
    """The bodies listed right before ``pos`` (A、B和C), in text order."""
    run: list[Item] = []
    while True:
        last = next((it for it in orgs if it.end == pos), None)
        if last is None:
            break
        run.insert(0, last)
        join = _JOIN.search(text, max(0, last.start - 2), last.start)
        if join is None or join.end() != last.start:
            break
        pos = join.start()
    return run


def _run_after(orgs: Sequence[Item], text: str, pos: int) -> list[Item]:
    """The bodies listed from ``pos`` on (A、B和C), in text order."""
    run: list[Item] = []
    while True:
        nxt = next((it for it in orgs if it.start == pos), None)
        if nxt is None:
            break
        run.append(nxt)
        join = _JOIN.match(text, nxt.end)
        if join is None:
            break
        pos = join.end()
    return run


#: The verbs of joint work that may begin a clause whose subject is the paragraph's
#: (二是…。会同相关主管部门组织开展专项监督; …,联合华彬集团成立…).
_IMPLIED_LEAD_VERBS = frozenset({"会同", "联合", "携手"})
#: What may come right before such a verb: a clause break, or a measure's marker.
_CLAUSE_BREAK = re.compile("(?:[\uff0c,。;\uff1b:\uff1a]|[一二三四五六七八九十]是)$")


#: A clause break after 牵头, right before a verb of joint work: the bodies before 牵头
#: lead it (由省发改委牵头,联合省财政厅…).
_LED_BEFORE = re.compile("牵头[\uff0c,]$")


def _begins_clause(text: str, lo: int, at: int, verb: str) -> bool:
    """Whether ``verb`` at ``at`` begins a clause with no subject of its own."""
    return verb in _IMPLIED_LEAD_VERBS and (
        at == lo or _CLAUSE_BREAK.search(text, max(lo, at - 2), at) is not None
    )


def _relations(text: str, lo: int, hi: int, items: Sequence[Item]) -> list[RelationFound]:
    """Relations between bodies that the verbs between their names state (see
    :data:`_RELATION_VERBS`); each relation's quote runs from its first name to its last."""
    orgs = sorted((it for it in items if it.kind == "organisation"), key=lambda it: it.start)
    out: list[RelationFound] = []

    def add(
        kind: str, roles: dict[str, list[Item]], implied: tuple[str, ...] = (), verb_at: int = -1
    ) -> None:
        members = [it for group in roles.values() for it in group]
        if any(not group for role, group in roles.items() if role not in implied):
            return
        ids = {id(it) for it in members}
        if len(ids) < len(members):
            return
        # A relation with an implied role is quoted from its verb on.
        start = min([it.start for it in members] + ([verb_at] if implied else []))
        end = max(it.end for it in members)
        if any(r.start <= start and end <= r.end for r in out):
            return
        out.append(RelationFound(kind, roles, start, end, implied))

    for m in _RELATION_VERBS.finditer(text, lo, hi):
        before = _run_before(orgs, text, m.start())
        # 由A牵头,B配合 / A牵头、B参与: the bodies after the clause break take part.
        if m["lead"]:
            after_break = re.match("[\uff0c,、]?", text[m.end() : m.end() + 1])
            gap = m.end() + (len(after_break[0]) if after_break else 0)
            partners = _run_after(orgs, text, gap)
            tail = text[partners[-1].end : partners[-1].end + 2] if partners else ""
            if before and partners and tail.startswith(("配合", "参与", "协同", "共同")):
                add("joint-work", {"lead": before, "partners": partners})
            continue
        after = _run_after(orgs, text, m.end())
        if m["joint"]:
            led = _LED_BEFORE.search(text, max(lo, m.start() - 3), m.start())
            if after and not before and led is not None:
                # 由省发改委牵头,联合省财政厅…: the lead is the body that leads.
                add("joint-work", {"lead": _run_before(orgs, text, led.start()), "partners": after})
            elif after and not before and _begins_clause(text, lo, m.start(), m["joint"]):
                # 会同相关主管部门组织开展…: the lead is the paragraph's subject.
                add("joint-work", {"lead": [], "partners": after}, ("lead",), m.start())
            elif after:
                add("joint-work", {"lead": before, "partners": after})
            elif len(before) >= 2 and m["joint"] in ("联合", "共同"):
                add("joint-work", {"lead": before[:1], "partners": before[1:]})
        elif m["assist"]:
            add("assistance", {"assistant": before, "assisted": after})
        elif m["member"]:
            add("sub-organisation", {"member": before, "parent": after})
        elif m["parent"] and before and after:
            add("sub-organisation", {"member": after, "parent": before[-1:]})
    return out


#: A body named inside a longer name: the office, department or bureau of a party
#: committee or government (湖北省委改革办 is the 改革办 of 湖北省委; 市政府办公厅 the 办公厅
#: of 市政府). A party committee or government is named by its level and kind (省委,
#: 市政府), a place before it going into its label (湖北省委); a 党委, 党组 … by its whole
#: name (集团党委). Bodies named as a group (市州党委: every prefecture's) are left out.
_NESTED_BODY = re.compile(
    "^(?P<parent>.*?(?P<body>[省市州县区](?:委|人民政府|政府|人大常委会)|党委|党组|党工委|管委会))"
    "(?P<unit>改革办公室|改革办|深改办|深改委办公室|办公厅|办公室|组织部|宣传部|统战部|政法委|"
    "网信办|编办|研究室|秘书处)$"
)


def _nested_bodies(text: str, items: Sequence[Item]) -> list[RelationFound]:
    """The bodies named inside the names of their offices (湖北省委改革办: 省委), each as
    the parent of a sub-organisation relation."""
    out = []
    for it in items:
        if it.kind != "organisation":
            continue
        m = _NESTED_BODY.match(it.text)
        if m is None or not m["parent"]:
            continue
        label = m["parent"]
        etype = _org_type(label)
        if etype is EntityType.ORGANISATION_GROUP:
            continue
        body = "body" if m["body"][0] in "省市州县区" else "parent"
        start = it.start + m.start(body)
        parent = _item("organisation", etype, text, start, it.start + m.end(body), 70, label=label)
        out.append(
            RelationFound(
                "sub-organisation", {"member": [it], "parent": [parent]}, it.start, it.end
            )
        )
    return out

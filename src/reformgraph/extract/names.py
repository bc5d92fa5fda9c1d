"""Named things: organisations, platforms, instruments, places and quoted mechanisms."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reformgraph.extract.facts import _ANAPHORA, Context, Item, _clause, _overlaps, _scope_key
from reformgraph.extract.lexicon import _CJK, _NAME_CHAR, lexicon
from reformgraph.models import EntityType

#: Words after which a name begins: verbs that take an object, and function words.
_STOP_WORDS = (
    "推进 推动 推行 深化 健全 完善 建立 建成 建设 构建 搭建 打造 "
    "开发 上线 开通 设立 设置 成立 组建 组织 开展 实施 实行 出台 "
    "制定 印发 发布 修改 修订 颁布 起草 编制 用好 用活 发挥 依托 "
    "利用 通过 借助 围绕 聚焦 突出 强化 加强 加快 加大 提升 提高 "
    "优化 创新 探索 落实 形成 实现 完成 达到 覆盖 对接 打通 接通 "
    "贯通 联通 整合 汇聚 集成 接入 融入 纳入 列入 承接 会同 联合 "
    "协助 配合 牵头 负责 督促 指导 支持 引导 带动 鼓励 赋能 注入 划转 "
    "拓展 培育 扩大 推出 启动 运行 申报 获评 获批 获准 入选 遴选 获得 取得 畅通 "
    "明确 规范 统筹 召开 举办 参加 系统集成 全面 积极 大力 持续 不断 "
    "着力 进一步 其中 包括 以及 同时 首个 首家 首部 首批 首创 率先 唯一 "
    "最大 第一个 我省 我市 我县 本省 本市 在 于 由 被 向 对 与 和 "
    "及 或 以 将 把 从 为 等 的 了 是 并 且 让 使 给 各级 各"
).split()
_STOP_RE = re.compile("|".join(sorted(map(re.escape, _STOP_WORDS), key=len, reverse=True)))
#: Stops inside the words after a quoted term (“…”创新链条 is a name, “…”注入… is not).
_TAIL_STOP_RE = re.compile(
    "|".join(
        sorted(
            (
                re.escape(w)
                for w in _STOP_WORDS
                if w not in ("创新", "联合", "全面", "统筹", "规范")
            ),
            key=len,
            reverse=True,
        )
    )
)
#: Function words that end a name going left, for document titles (their verbs).
_DOC_VERBS = re.compile(
    "(?:出台|印发|制定|发布|修改|修订|颁布|起草|编制|审议通过|出台了|印发了|制定了|发布了|"
    "修订了|修改了|首部|首个|首批|首家|、|和|及|等)"
)
_GENERIC = (
    "相关 有关 各类 各级 各项 既有 现有 线上 线下 统一 数字化 信息化 "
    "信息 智慧 综合 配套 制度 机制 体制 工作 长效 管理 服务 系列 "
    "一批 若干 重要 重点 主要 本级 全省 全市 全国 省级 市级 县级 "
    "专门 专项 有效 成员 责任 实施 申报 牵头 参与 用人 协调 联动 "
    "保障 政策 数据 平台 系统 网络 公共 领导 该 此 这 其 新 各 "
    "办法 措施 文件 方案 标准 开放 运营"
).split()
_GENERIC_RE = re.compile("|".join(sorted(map(re.escape, _GENERIC), key=len, reverse=True)))


def _generic(stem: str) -> bool:
    rest = _GENERIC_RE.sub("", stem)
    rest = re.sub(f"[^{_CJK}A-Za-z0-9]", "", rest)
    return not rest


#: The paired fields of departments' names, whose 和 joins no two names: 省经济和信息化厅,
#: 省住房和城乡建设厅, 省政务服务和大数据管理局, 市文化广电和旅游局, 县教育和体育局.
_PAIRED_FIELDS = re.compile(
    "经济和信息化|工业和信息化|住房和城乡建设|人力资源和社会保障|文化和旅游|文化广电和旅游|"
    "自然资源和规划|政务服务和大数据|发展和改革|城市管理和综合执法|林业和草原|粮食和物资储备|"
    "教育和体育|卫生和计划生育|水利和湖泊|科学技术和信息化|商务和粮食"
)


#: Stop words that may be part of a name (see :func:`_name_start`).
_NAME_WORDS = frozenset(("运行", "创新", "集成", "系统集成"))


def _name_start(
    text: str,
    suffix_start: int,
    lo: int,
    barriers: Sequence[tuple[int, int]],
    stops: re.Pattern[str],
) -> int:
    limit = max(lo, suffix_start - 30)
    i = suffix_start
    while i > limit and _NAME_CHAR.match(text[i - 1]):
        if any(s < i <= e for s, e in barriers):
            break
        i -= 1
    prefix = text[i:suffix_start]
    fields = [m.span() for m in _PAIRED_FIELDS.finditer(prefix)]
    cuts = [(0, 0)]  # (where the stop word starts, where the name would start)
    for m in stops.finditer(prefix):
        if not any(s <= m.start() and m.end() <= e for s, e in fields):
            cuts.append((m.start(), m.end()))
    # A word that is a verb elsewhere may be a noun inside a name: 武汉市城市运行管理中心,
    # 科技创新中心. Cut after it, only generic words would be left (管理中心, 中心): the name
    # takes it, and the words before it up to the stop before them (建立运行管理中心:
    # 运行管理中心).
    while (
        len(cuts) > 1
        and prefix[cuts[-1][0] : cuts[-1][1]] in _NAME_WORDS
        and _generic(prefix[cuts[-1][1] :])
        and (cuts[-2][1] == cuts[-1][0] or not _generic(prefix[cuts[-2][1] : cuts[-1][0]]))
    ):
        cuts.pop()
    start = i + cuts[-1][1]
    # Quotes must pair up inside a name.
    name = text[start:suffix_start]
    if name.count("“") != name.count("”"):
        opening = text.rfind("“", lo, suffix_start)
        if opening >= limit and opening < start:
            start = opening
        else:
            while start < suffix_start and text[start] in "”":
                start += 1
    return start


_ORG_SUFFIX = re.compile(
    "(?:专项小组办公室|领导小组办公室|委员会办公室|改革办公室|改革办|深改办|网信办|办公厅|办公室|"
    "纪委监委|常委会|委员会|人民政府|政府|人民法院|法院|人民检察院|检察院|党工委|党委|党组|管委会|"
    "部门|集团|公司|银行|协会|商会|联合会|学会|研究院|研究所|大学|学院|医院|机关|机构|单位|中心|"
    "组成人员|边检站|[厅局署委部])"
)
_ORG_GUARDS: dict[str, tuple[str, tuple[str, ...]]] = {
    # suffix: (characters that must not precede it, words that must not follow it)
    "厅": ("大餐客展门舞", ()),
    "局": ("格布大全结开破僵当骗时变赌饭棋终出入", ("面", "部", "势", "限")),
    "署": ("部签公布联", ()),
    "委": ("", ("员", "托", "派", "屈", "婉", "身", "靡")),
    "部": (
        "全内外局干中东西南北头底顶腹本细总乐基肩胸背面尾上下后前首俱",
        ("署", "分", "件", "位", "长", "队", "落", "门", "委"),
    ),
    "中心": ("为", ("城", "区", "任务", "工作", "环节", "地位", "思想")),
    "机构": ("", ("改革", "编制")),
    "机关": ("", ("事务", "作风")),
    "集团": ("", ("化",)),
    "单位": ("", ()),
    "政府": (
        "",
        (
            "债券",
            "债务",
            "投资",
            "采购",
            "性",
            "信息",
            "工作",
            "职能",
            "购买",
            "引导",
            "治理",
            "专项",
            "改革",
            "建设",
        ),
    ),
}
_ORG_GROUP = re.compile(
    "(?:(?:省属|市属|县属|区属|中央|地方)?(?:国有控股|国有|民营|外资|龙头|骨干)企业|"
    "(?:省属|市属|县属|区属|中央)企业|国企|央企|民企|"
    "(?:[二三四五]级)?(?:全国|省|市|县|区|乡镇|各级)?人大代表|[二三四五]级代表|政协委员|代表小组)"
)
#: A group named by how many levels it spans (五级人大代表: deputies at five levels): the
#: count is also a figure, inside the group's name.
_LEVELS_GROUP = re.compile("^[二三四五]级")
#: Words before a body's suffix that make it a description, not a name (全省首家…公司).
_DESCRIBED = re.compile(r"(?:首|一|第一|多|几|数|这|那|该|\d)[家个所]$")
_PLATFORM_SUFFIX = re.compile(
    "(?:平台|系统|窗口|专网|网络|一张网|APP|App|小程序|公众号|热线|数据库|联络站|工作站|服务站|联系点|服务点|基地)"
)
_PLATFORM_GUARDS: dict[str, tuple[str, ...]] = {
    "系统": ("集成", "推进", "谋划", "梳理", "性", "化", "观念", "思维", "部署", "治理", "重塑"),
    "网络": ("安全", "信息", "理政", "化"),
    "平台": ("经济", "企业", "公司"),
}
_SITE_SUFFIX = re.compile(
    "(?:国际机场|机场|经济区|开发区|高新区|自贸区|自由贸易试验区|综合保税区|保税区|产业园区|产业园|"
    "物流园|示范区|试验区|先行区|新区|海外仓)"
)
_DOC_SUFFIX = re.compile(
    "(?:意见|方案|清单|文件|办法|细则|规程|规划|通知|决定|规定|指引|指南|纲要|标准|条例)"
)
_MECH_SUFFIX = re.compile("(?:工作机制|机制|评价体系|指标体系|考核体系|标准体系|工作法)")
_QUOTE_TAIL = re.compile(
    "^[^\uff0c,。;\uff1b、“”《》\n]{0,10}?(?:机制|体系|制度|链条|通道|原则|工作法|模式|办法|清单|方案|工程|行动|计划)"
)
_QUOTE_PLATFORM_TAIL = re.compile(
    "^[^\uff0c,。;\uff1b、“”《》\n]{0,10}?(?:平台|系统|专网|网络|窗口)"
)
_CATEGORY = re.compile(
    "^等(?P<mod>[^\uff0c,。;\uff1b、\n]{0,10}?)(?P<cat>模式|机制|制度|做法|方式|工作法|渠道|平台|系统|载体|窗口|部门|单位|"
    "机构|办法|文件)"
)
_CATEGORY_KIND = {
    "模式": ("instrument", EntityType.MECHANISM),
    "机制": ("instrument", EntityType.MECHANISM),
    "制度": ("instrument", EntityType.MECHANISM),
    "做法": ("instrument", EntityType.MECHANISM),
    "方式": ("instrument", EntityType.MECHANISM),
    "工作法": ("instrument", EntityType.MECHANISM),
    "办法": ("instrument", EntityType.POLICY_DOCUMENT),
    "文件": ("instrument", EntityType.POLICY_DOCUMENT),
    "渠道": ("platform", EntityType.PLATFORM),
    "平台": ("platform", EntityType.PLATFORM),
    "系统": ("platform", EntityType.PLATFORM),
    "载体": ("platform", EntityType.PLATFORM),
    "窗口": ("platform", EntityType.PLATFORM),
    "部门": ("organisation", EntityType.ORGANISATION_GROUP),
    "单位": ("organisation", EntityType.ORGANISATION_GROUP),
    "机构": ("organisation", EntityType.ORGANISATION_GROUP),
}


def _org_type(name: str) -> EntityType:
    if (
        re.search("(?:改革办|改革办公室|专项小组办公室|领导小组办公室|深改办)$", name)
        and "改革" in name
    ):
        return EntityType.REFORM_OFFICE
    if re.search("(?:人大常委会|人民代表大会|人大)$", name):
        return EntityType.LEGISLATURE
    if re.match("^(?:市县|省市县|市州|县市区|各|相关|全省|全市)", name) or re.search(
        "(?:部门|机关|机构|单位|企业|国企|央企|民企|人大代表|政协委员|代表小组)$", name
    ):
        return EntityType.ORGANISATION_GROUP
    if re.search(
        "(?:省委|市委|县委|区委|州委|党委|党组|党工委|纪委|监委|纪委监委|组织部|宣传部|统战部|政法委)$",
        name,
    ) or name.startswith(("中央", "中共")):
        return EntityType.PARTY_BODY
    if re.search("(?:集团|公司|银行)$", name):
        return EntityType.ENTERPRISE
    if re.search(
        "(?:厅|局|署|委|部|政府|法院|检察院|海关|边检|边检站|管委会|办公厅|办公室|办)$", name
    ):
        return EntityType.GOVERNMENT_BODY
    return EntityType.ORGANISATION


def _doc_type(name: str) -> EntityType:
    if re.search("(?:条例|法|法规)$", name):
        return EntityType.LAW
    if name.endswith("标准"):
        return EntityType.STANDARD
    if name.endswith("试点"):
        return EntityType.PILOT_PROGRAMME
    if re.search(
        "(?:意见|方案|清单|文件|办法|细则|规程|规划|通知|决定|规定|指引|指南|纲要|措施)$", name
    ):
        return EntityType.POLICY_DOCUMENT
    return EntityType.MECHANISM


def _item(
    kind: str, etype: EntityType, text: str, start: int, end: int, priority: int, **kw: Any
) -> Item:
    label = kw.pop("label", text[start:end])
    key = kw.pop("key", f"label:{kind}:{label}")
    return Item(kind, etype, start, end, text[start:end], label, key, priority, **kw)


#: The levels of the gazetteer's places, higher first.
_PLACE_LEVELS = {"country": 0, "region": 1, "province": 1, "prefecture": 2, "county": 3}


def _place_matches(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    """The gazetteer's names in ``text[lo:hi]``, left to right, none overlapping.

    A short form that runs into a higher-level place's name is not that place: 美丽江西
    holds 江西, not 丽江 (丽江市 with its 市 left out) across the words 美丽 and 江西.
    """
    lex = lexicon()
    out: list[re.Match[str]] = []
    pos = lo
    while (m := lex.place_re.search(text, pos, hi)) is not None:
        place = lex.places[lex.place_names[m[0]]]
        if m[0] != place.zh:
            for start in range(m.start() + 1, m.end()):
                rival = lex.place_re.match(text, start, hi)
                if rival is None or rival.end() <= m.end():
                    continue
                other = lex.places[lex.place_names[rival[0]]]
                if _PLACE_LEVELS.get(other.kind, 3) < _PLACE_LEVELS.get(place.kind, 3):
                    m = rival
                    break
        out.append(m)
        pos = m.end()
    return out


def _places(text: str, lo: int, hi: int, ctx: Context) -> list[Item]:
    lex = lexicon()
    out = []
    for m in _place_matches(text, lo, hi):
        place = lex.places[lex.place_names[m[0]]]
        if place.kind == "country" and re.match(
            "^(?:特色|式|梦|共产党|人民)", text[m.end() : m.end() + 3]
        ):
            continue
        if place.guard:
            before = text[m.start() - 1] if m.start() > lo else "\uff0c"
            after = text[m.end() : m.end() + 2]
            if not (
                before in "\uff0c,、。;\uff1b:\uff1a“在和与及"
                or re.match("^(?:第|地区|省份|六省|崛起|城市|各省)", after)
            ):
                continue
        out.append(
            _item(
                "place",
                place.entity_type,
                text,
                m.start(),
                m.end(),
                40,
                label=place.zh,
                key=f"place:{place.id}",
                en=place.en,
                parent=place.parent,
            )
        )
    if ctx.extra_re is not None:
        for m in ctx.extra_re.finditer(text, lo, hi):
            place = ctx.extra[m[0]]
            out.append(
                _item(
                    "place",
                    EntityType.ADMINISTRATIVE_AREA,
                    text,
                    m.start(),
                    m.end(),
                    40,
                    label=place.zh,
                    key=f"place:{place.id}",
                    parent=place.parent,
                )
            )
    for m in re.finditer("|".join(_ANAPHORA), text[lo:hi]):
        key = _scope_key(m[0], ctx)
        if key is None:
            continue
        anaphor = lex.places.get(key.split(":", 1)[1])
        if anaphor is None:
            continue
        place = anaphor
        start = lo + m.start()
        out.append(
            _item(
                "place",
                place.entity_type,
                text,
                start,
                start + len(m[0]),
                40,
                label=place.zh,
                key=key,
                en=place.en,
                parent=place.parent,
            )
        )
    return out


def _organs(text: str, lo: int, hi: int) -> list[Item]:
    lex = lexicon()
    out = []
    for m in lex.organ_re.finditer(text, lo, hi):
        organ = lex.organs[m[0]]
        out.append(
            _item(
                "organisation",
                organ.type,
                text,
                m.start(),
                m.end(),
                75,
                label=organ.zh,
                key=f"organ:{organ.zh}",
                en=organ.en,
            )
        )
    return out


def _protected(text: str, lo: int, hi: int) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Quoted terms and book titles: (quotes, titles)."""
    quotes = [
        (m.start(), m.end())
        for m in re.finditer('“[^“”\n]{1,40}”|「[^「」\n]{1,40}」|"[^"\n]{1,40}"', text[lo:hi])
    ]
    titles = [(m.start(), m.end()) for m in re.finditer("《[^《》\n]{1,80}》", text[lo:hi])]
    return [(lo + s, lo + e) for s, e in quotes], [(lo + s, lo + e) for s, e in titles]


def _follows_ok(text: str, end: int, hi: int, banned: Sequence[str]) -> bool:
    return not any(text.startswith(word, end) for word in banned) or end >= hi


#: A reform office by its full name, 湖北省委全面深化改革委员会办公室 (湖北省委改革办): one
#: body, not 湖北省委 and 改革委员会办公室.
_FULL_REFORM_OFFICE = re.compile("[省市州县区]委(?:全面)?深化改革委员会办公室")


#: The start of a body's name by its level or its place (省…, 宜都市…).
_LEVEL_HEAD = re.compile("[省市州县区]")
_ENDS_AS_BODY = re.compile(f"(?:{_ORG_SUFFIX.pattern})$")


def _paired_start(text: str, start: int, lo: int, barriers: Sequence[tuple[int, int]]) -> int:
    """Where a department's name starts whose 和 pairs two fields (县商务和粮食局, of any
    pairing: :data:`_PAIRED_FIELDS` lists the common ones): the words after 和 do not
    start a body of their own (by a level or a place, as 省财政厅 in 省发改委和省财政厅
    does), and those before it start one (县商务) without ending one (省财政厅和税务局
    are two)."""
    if start <= lo or text[start - 1] != "和":
        return start
    if _LEVEL_HEAD.match(text, start) or lexicon().place_re.match(text, start):
        return start
    left = _name_start(text, start - 1, lo, barriers, _STOP_RE)
    head = text[left : start - 1]
    if len(head) < 2 or _ENDS_AS_BODY.search(head):
        return start
    if _LEVEL_HEAD.match(head) or lexicon().place_re.match(head):
        return left
    return start


#: The suffixes that name a kind of body (…单位, …部门), not one.
_GROUP_SUFFIXES = frozenset(("部门", "单位", "机构", "机关"))


def _suffix_orgs(text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]) -> list[Item]:
    out = []
    for m in _FULL_REFORM_OFFICE.finditer(text, lo, hi):
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        out.append(_item("organisation", EntityType.REFORM_OFFICE, text, start, m.end(), 80))
    for m in _ORG_SUFFIX.finditer(text, lo, hi):
        suffix = m[0]
        before_bad, after_bad = _ORG_GUARDS.get(suffix, ("", ()))
        if m.start() > lo and text[m.start() - 1] in before_bad:
            continue
        if not _follows_ok(text, m.end(), hi, after_bad):
            continue
        if suffix in ("委", "部", "厅", "局", "署", "中心") and text.startswith(
            ("员会", "门"), m.end()
        ):
            continue
        if suffix in _GROUP_SUFFIXES and _COUNTED.match(text, m.end()):
            continue  # 遴选试点单位120家: a kind of body counted, not a body
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        stem = text[start : m.start()]
        if not stem or not re.search(f"[{_CJK}]", stem):
            continue
        if suffix in ("部", "署") and len(stem) > 6:
            continue
        if len(stem) == 1 and stem not in "省市县区州乡镇村":
            continue
        if stem in ("各", "该", "此", "这", "其", "本"):
            continue
        if _DESCRIBED.search(text, max(lo, start - 3), start):
            continue  # 成立全省首家本土国际货运航空公司: a kind of company, not its name
        level = re.match("^(?:全省|全市|全县|全区)(?=[省市县区乡镇]级)", text[start : m.start()])
        if level:
            start += len(level[0])
        start = _paired_start(text, start, lo, barriers)
        name = text[start : m.end()]
        out.append(_item("organisation", _org_type(name), text, start, m.end(), 70))
    for m in _ORG_GROUP.finditer(text, lo, hi):
        out.append(
            _item("organisation", EntityType.ORGANISATION_GROUP, text, m.start(), m.end(), 70)
        )
    return out


_LEVEL_PREFIX = re.compile("(?:全省|全市|全县|全区|省级|市级|县级|统一的)*")
_COUNTED = re.compile(r"(?:超过|超|近|约)?(?:\d|[一二两三四五六七八九十百千]+[个家条项座所套])")


def _suffix_platforms(
    text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]
) -> list[Item]:
    out = []
    for m in _PLATFORM_SUFFIX.finditer(text, lo, hi):
        if not _follows_ok(text, m.end(), hi, _PLATFORM_GUARDS.get(m[0], ())):
            continue
        if _COUNTED.match(text, m.end()):
            continue  # 打通部门系统86个: a kind of thing counted, not a name
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        level = _LEVEL_PREFIX.match(text, start, m.start())
        if level is not None:
            start = level.end()
        stem = text[start : m.start()]
        if len(stem) < 2 or _generic(stem):
            continue
        if m[0] == "网络" and "”" not in stem:
            continue
        name = text[start : m.end()]
        if re.search("(?:国资|融资|投资|投融资)平台$", name):
            out.append(
                _item("organisation", EntityType.ORGANISATION_GROUP, text, start, m.end(), 60)
            )
            continue
        out.append(_item("platform", EntityType.PLATFORM, text, start, m.end(), 60))
    return out


#: The words that name a place a pilot (获批国家级改革试验区, 入选…, 被批准设立…).
_DESIGNATION = re.compile(
    "(?:获批|获准|入选|批准为|批复为|批准|批复|列为|确定为|认定为|遴选为)(?:建设|设立|创建)?"
)


def _suffix_sites(text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]) -> list[Item]:
    """Sites named by their kind (…国际机场, …产业园, …试验区). A 试验区 that its clause
    names a pilot (长沙市获批国家级改革试验区, 入选…自由贸易试验区) is a pilot programme,
    named from after the words that designate it, not a site."""
    out = []
    for m in _SITE_SUFFIX.finditer(text, lo, hi):
        if text.startswith(("储", "库"), m.end()) or _COUNTED.match(text, m.end()):
            continue
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        if start > lo and text[start - 1] == "的":
            continue  # …的专业货运枢纽机场: a description, not a name
        etype = EntityType.SITE
        if m[0].endswith("试验区"):
            clause = _clause(text, m.start(), lo, hi)
            designated = [d for d in _DESIGNATION.finditer(text, clause[0], m.start())]
            if designated and designated[-1].end() >= start:
                start, etype = designated[-1].end(), EntityType.PILOT_PROGRAMME
        stem = text[start : m.start()]
        if len(stem) < 2 or _generic(stem):
            continue
        if etype is EntityType.PILOT_PROGRAMME:
            out.append(_item("instrument", etype, text, start, m.end(), 55))
        else:
            out.append(_item("place", etype, text, start, m.end(), 55))
    return out


def _suffix_instruments(
    text: str,
    lo: int,
    hi: int,
    barriers: Sequence[tuple[int, int]],
    org_barriers: Sequence[tuple[int, int]],
) -> list[Item]:
    out = []
    # Documents: named after the verb that issues them (出台…方案, 印发…文件, 修改…条例).
    for m in _DOC_SUFFIX.finditer(text, lo, hi):
        clause = _clause(text, m.start(), lo, hi)
        verbs = list(_DOC_VERBS.finditer(text, clause[0], m.start()))
        if not verbs or not any(v[0] not in ("、", "和", "及", "等") for v in verbs):
            continue
        start = verbs[-1].end()
        if any(s < m.start() and e > start for s, e in barriers):
            start = max(e for s, e in barriers if s < m.start() and e > start)
        stem = text[start : m.start()]
        if len(stem) < 2 or re.search("[\uff0c,。;\uff1b《》]", stem):
            continue
        if _generic(stem) and not (stem in ("实施", "指导") and m[0] in ("意见", "方案", "细则")):
            continue
        if m[0] == "意见" and not stem.endswith(("指导", "实施")) and len(stem) < 4:
            continue
        name = text[start : m.end()]
        out.append(_item("instrument", _doc_type(name), text, start, m.end(), 60))
    # Named mechanisms and evaluation systems.
    for m in _MECH_SUFFIX.finditer(text, lo, hi):
        if text[max(lo, m.start() - 2) : m.start()] == "体制":
            continue
        if not _follows_ok(text, m.end(), hi, ("重构", "创新", "改革", "建设")):
            continue
        start = _name_start(text, m.start(), lo, barriers, _STOP_RE)
        quote = text.find("“", start, m.start())
        if quote != -1:
            start = quote  # named by its quoted words: “两个联系”工作机制
        stem = text[start : m.start()]
        if len(stem) < 2 or _generic(stem):
            continue
        out.append(_item("instrument", EntityType.MECHANISM, text, start, m.end(), 60))
    # Pilot programmes: …试点 followed by 任务, 建设, a city …
    for m in re.finditer("试点", text[lo:hi]):
        s, e = lo + m.start(), lo + m.end()
        if not re.match(
            "^(?:任务|建设|工作|城市|地区|单位|示范|项目|县|省|市|区|的|、|\uff0c|,|。|;|\uff1b|$)",
            text[e : e + 2],
        ):
            continue
        start = _name_start(text, s, lo, [*barriers, *org_barriers], _STOP_RE)
        stem = text[start:s]
        if len(stem) < 4 or _generic(stem):
            continue
        out.append(_item("instrument", EntityType.PILOT_PROGRAMME, text, start, e, 60))
    return out


def _documents(text: str, lo: int, hi: int, titles: Sequence[tuple[int, int]]) -> list[Item]:
    out = []
    for s, e in titles:
        inner = text[s + 1 : e - 1]
        out.append(_item("instrument", _doc_type(inner), text, s + 1, e - 1, 90))
    for m in re.finditer(
        "关于[^\uff0c,。;\uff1b!\uff01?\uff1f\n《》]{2,60}?(?:指导意见|实施意见|意见|通知|方案|办法|决定|规定|若干措施|措施|规划|细则)",
        text[lo:hi],
    ):
        out.append(
            _item("instrument", EntityType.POLICY_DOCUMENT, text, lo + m.start(), lo + m.end(), 90)
        )
    return out


def _quoted_items(
    text: str,
    lo: int,
    hi: int,
    quotes: Sequence[tuple[int, int]],
    barriers: Sequence[tuple[int, int]],
) -> list[Item]:
    """Quoted terms: named mechanisms (“三库”流转机制), platforms (国际贸易“单一窗口”),
    documents (出台…“黄金八条”), pilots (“双智试点”), or else concepts."""
    out: list[Item] = []
    i = 0
    while i < len(quotes):
        # A run of quoted terms: “A”“B”、“C”
        run = [quotes[i]]
        while i + 1 < len(quotes) and text[run[-1][1] : quotes[i + 1][0]] in ("", "、"):
            i += 1
            run.append(quotes[i])
        i += 1
        after = text[run[-1][1] : min(hi, run[-1][1] + 30)]
        category = _CATEGORY.match(after)
        if category and "“" not in category["mod"]:
            kind, etype = _CATEGORY_KIND[category["cat"]]
            for qs, qe in run:
                out.append(_item(kind, etype, text, qs, qe, 80))
            continue
        for n, (qs, qe) in enumerate(run):
            out.append(_quoted_item(text, lo, hi, qs, qe, n == len(run) - 1, barriers))
            if out[-1].kind == "split":
                parts = out.pop()
                pos = qs + 1
                for part in parts.text[1:-1].split("、"):
                    out.append(
                        _item("instrument", EntityType.MECHANISM, text, pos, pos + len(part), 80)
                    )
                    pos += len(part) + 1
    return out


def _quoted_item(
    text: str, lo: int, hi: int, qs: int, qe: int, last: bool, barriers: Sequence[tuple[int, int]]
) -> Item:
    inner = text[qs + 1 : qe - 1]
    after = text[qe : min(hi, qe + 14)]
    parts = inner.split("、")
    if (
        len(parts) >= 3
        and all(0 < len(p) <= 6 for p in parts)
        and re.match("^(?:为|的)?(?:管理|工作|基本)?原则", after)
    ):
        return _item("split", EntityType.MECHANISM, text, qs, qe, 80)
    if re.match("^的[^\uff0c,。;\uff1b、“”]{0,4}?(?:原则|机制|制度|模式|体系)", after):
        return _item("instrument", EntityType.MECHANISM, text, qs, qe, 80)
    if re.search("(?:机制|体系|制度|模式|办法|清单|方案|条例|标准|原则)$", inner):
        return _item("instrument", _doc_type(inner), text, qs, qe, 80)
    if re.search("(?:平台|系统|窗口|专网)$", inner):
        start = _name_start(text, qs, lo, barriers, _STOP_RE)
        return _item("platform", EntityType.PLATFORM, text, min(start, qs), qe, 80)
    if "试点" in inner:
        return _item("instrument", EntityType.PILOT_PROGRAMME, text, qs, qe, 80)
    tail = _QUOTE_TAIL.match(after) if last else None
    ptail = _QUOTE_PLATFORM_TAIL.match(after) if last else None
    for match in (ptail, tail):
        if match is not None and (
            _TAIL_STOP_RE.search(match[0]) or match[0].startswith(("为", "的", "是"))
        ):
            if match is ptail:
                ptail = None
            else:
                tail = None
    if ptail and (not tail or len(ptail[0]) <= len(tail[0])):
        return _item("platform", EntityType.PLATFORM, text, qs, qe + len(ptail[0]), 80)
    if tail:
        end = qe + len(tail[0])
        return _item("instrument", _doc_type(text[qs:end]), text, qs, end, 80)
    clause = _clause(text, qs, lo, hi)
    if re.search("(?:出台|印发|制定|发布)", text[clause[0] : qs]) and (
        qe >= clause[1] or text[qe] in "\uff0c,。;\uff1b、"
    ):
        return _item("instrument", EntityType.POLICY_DOCUMENT, text, qs, qe, 80)
    return _item("concept", EntityType.CONCEPT, text, qs, qe, 30)


def _enumerations(text: str, lo: int, hi: int, barriers: Sequence[tuple[int, int]]) -> list[Item]:
    """Lists named by what they are: 教育、卫健、信访等部门; “多规合一”、工改系统等既有平台."""
    piece = "(?:“[^”\n]{1,20}”|[^\uff0c,。;\uff1b、“”\n]{1,12})"
    out = []
    for m in re.finditer(f"(?P<list>{piece}(?:、{piece})+)(?=等)", text[lo:hi]):
        end = lo + m.end()
        category = _CATEGORY.match(text[end : min(hi, end + 20)])
        if not category or "“" in category["mod"]:
            continue
        kind, etype = _CATEGORY_KIND[category["cat"]]
        pieces = re.findall(piece, m["list"])
        pos = lo + m.start()
        spans = []
        for n, part in enumerate(pieces):
            s, e = pos, pos + len(part)
            if n == 0 and not part.startswith("“"):
                s = max(_name_start(text, e, lo, barriers, _STOP_RE), pos)
            spans.append((s, e))
            pos = e + 1
        for s, e in spans:
            name = text[s:e]
            if not name or len(name) > 22 or _overlaps(s, e, barriers):
                continue
            out.append(_item(kind, etype, text, s, e, 50))
    return out


def _homogeneous_lists(text: str, lo: int, hi: int, items: list[Item]) -> list[Item]:
    """In a list of short names (海关、边检、安检) where most are organisations, the rest
    are organisations too."""
    out = []
    orgs = [it for it in items if it.kind == "organisation"]
    for m in re.finditer(f"[{_CJK}]{{2,8}}(?:、[{_CJK}]{{2,6}})+", text[lo:hi]):
        start = lo + m.start()
        pieces = []
        pos = start
        for part in m[0].split("、"):
            pieces.append((pos, pos + len(part)))
            pos += len(part) + 1
        first = next(
            (it for it in orgs if it.end == pieces[0][1] and it.start >= pieces[0][0]), None
        )
        if first is not None:
            pieces[0] = (first.start, first.end)
        elif pieces[0][1] - pieces[0][0] > 6:
            pieces = pieces[1:]
        known = [(s, e) for s, e in pieces if any(it.start == s and it.end == e for it in orgs)]
        if len(known) >= 2 and len(known) * 2 >= len(pieces):
            for s, e in pieces:
                if (s, e) not in known and not any(it.start < e and s < it.end for it in items):
                    out.append(_item("organisation", EntityType.ORGANISATION, text, s, e, 45))
    return out


def _resolve_overlaps(items: list[Item]) -> list[Item]:
    """Keep the longest names; drop names inside or across a longer one."""
    ordered = sorted(items, key=lambda it: (-(it.end - it.start), -it.priority, it.start))
    kept: list[Item] = []
    for item in ordered:
        if any(item.start < k.end and k.start < item.end for k in kept):
            continue
        kept.append(item)
    return sorted(kept, key=lambda it: it.start)

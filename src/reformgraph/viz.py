"""Interactive graph pages: one self-contained HTML file per view, built with pyvis.

pyvis assembles the nodes, edges and vis-network options; the page itself comes from our
own template, because pyvis 0.3.2's templates load vis-network and Bootstrap from CDNs,
insert the heading unescaped and switch tooltips to ``innerHTML`` when a title contains
"href". Here vis-network's script and style (shipped inside pyvis) are inlined, every
label and tooltip reaches the page as JSON data and is shown with ``textContent``, and
nothing is loaded over the network.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import jinja2
import networkx as nx
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from reformgraph._unshown import escape_invisible
from reformgraph.analysis import (
    alternative_label_attributes,
    case_entity_links,
    graph_node,
    labels_zh_en,
    network_edges,
    network_kinds,
    require_network,
    takes_graph,
    to_networkx,
)
from reformgraph.errors import (
    LargeViewWarning,
    ReformgraphError,
    UnknownCaseError,
    closest,
    user_stacklevel,
)
from reformgraph.models import RG

__all__ = [
    "LARGE_CROSS_CASE",
    "LARGE_VIEW",
    "STYLES",
    "VIEWS",
    "EmptyViewError",
    "render_html",
    "render_svg",
    "select_view",
]

VIEWS = ("full", "cases")

#: Above this many nodes a page still opens, but vis-network's layout takes minutes and
#: the picture is a blur; a warning suggests a smaller view.
LARGE_VIEW = 5_000

#: Above this many nodes or edges the cross-case view is more for searching than for
#: looking at; a warning names a ``max_cases`` that keeps it within them.
LARGE_CROSS_CASE = (1_000, 5_000)

#: Colour and shape of each kind of node, with its legend text. Kinds of one shape differ
#: clearly in colour, and no two kinds share a colour (tests measure the difference).
STYLES: dict[str, tuple[str, str, str, str]] = {
    # kind: (colour, shape, zh, en)
    "case": ("#d62728", "star", "案例", "case"),
    "measure": ("#ff9896", "dot", "举措", "measure"),
    "figure": ("#9467bd", "diamond", "数据", "figure"),
    "change": ("#c49c94", "diamond", "变化", "change"),
    "ranking": ("#8c564b", "triangle", "排名", "ranking"),
    "relation": ("#7f7f7f", "square", "机构关系", "relation"),
    "recognition": ("#ffbf00", "star", "上级认可", "recognition"),
    "claim": ("#e377c2", "star", "创新性表述", "innovation claim"),
    "pilot": ("#2ca02c", "star", "试点", "pilot"),
    "office": ("#1f77b4", "hexagon", "改革办", "reform office"),
    "organisation": ("#aec7e8", "hexagon", "机构", "organisation"),
    "platform": ("#17becf", "box", "平台", "platform"),
    "instrument": ("#98df8a", "box", "政策工具", "instrument"),
    "place": ("#ff7f0e", "triangleDown", "地点", "place"),
    "event": ("#f7b6d2", "ellipse", "活动", "event"),
    "domain": ("#66c2a5", "ellipse", "改革领域", "domain"),
    "concept": ("#bcbd22", "ellipse", "概念", "concept"),
    "indicator": ("#ffbb78", "ellipse", "指标", "indicator"),
}
_DEFAULT_STYLE = ("#cccccc", "dot", "其他", "other")


@takes_graph
def select_view(
    graph: Graph,
    *,
    view: str = "full",
    case: str | None = None,
    construct: Graph | None = None,
    max_cases: int | None = None,
) -> nx.MultiDiGraph:
    """The part of the graph a page shows.

    ``full``: everything; ``cases``: the cases and the entities that link two or more of
    them (with ``max_cases``, only those that at most that many cases name); ``case``:
    one case (its id or IRI) with its measures, statements and the entities they name;
    ``construct``: the nodes and edges of a CONSTRUCT query's result. Only ``full`` reads
    the whole network; the others read what they show, so one case of a large store takes
    a few lookups.

    A ``case`` the graph does not have raises :class:`~reformgraph.errors.UnknownCaseError`
    (a ``KeyError``), an unknown ``view`` a ``ValueError``.
    A view with nothing to draw raises :class:`EmptyViewError`; a cases view of more than
    :data:`LARGE_CROSS_CASE` nodes or edges warns (a
    :class:`~reformgraph.errors.LargeViewWarning` that names a ``max_cases`` that fits).
    """
    if max_cases is not None:
        if construct is not None or case is not None or view != "cases":
            raise ValueError("max_cases chooses the entities of the cases view only")
        if isinstance(max_cases, bool) or not isinstance(max_cases, int):
            raise TypeError(f"max_cases={max_cases!r}: a whole number is needed")
        if max_cases < 2:
            raise ValueError(
                f"max_cases={max_cases}: an entity links cases only if 2 or more name it"
            )
    if view != "full" and (construct is not None or case is not None):
        given = "construct" if construct is not None else "case"
        raise ValueError(f"{given}= draws its own view: leave view={view!r} out")
    if construct is not None:
        network = _from_construct(graph, construct)
    elif case is not None:
        network = _case_neighbourhood(graph, case)
    elif view == "full":
        network = to_networkx(graph)
    elif view == "cases":
        network = _cross_case(graph, max_cases)
    else:
        raise ValueError(f"unknown view {view!r}: use one of {', '.join(VIEWS)}")
    if not network.number_of_nodes():
        raise EmptyViewError(_empty(view, construct, max_cases))
    _add_alternative_labels(graph, network)
    return network


def _add_alternative_labels(graph: Graph, network: nx.MultiDiGraph) -> None:
    """Each node's other names (skos:altLabel: 绩效平台 for 投资项目绩效综合评价平台) as
    ``alt_labels`` (both languages), which a page's search looks in, and by language as
    ``alt_labels_zh`` and ``alt_labels_en``, which its tooltip shows (see
    :func:`~reformgraph.analysis.alternative_label_attributes`)."""
    for node, data in network.nodes(data=True):
        if not any(name in data for name in _ALTERNATIVE_ATTRIBUTES):
            data.update(alternative_label_attributes(graph, URIRef(node)))


_ALTERNATIVE_ATTRIBUTES = ("alt_labels", "alt_labels_zh", "alt_labels_en")

#: Han characters: a name with one is Chinese.
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _alternatives(data: dict[str, object]) -> tuple[str, str]:
    """A node's other names in Chinese and in English, each joined with " / ". From
    ``alt_labels_zh`` and ``alt_labels_en``; a network that has only ``alt_labels`` (a
    GraphML file of an earlier version) is split by script, a name with a Han character
    being Chinese."""
    if "alt_labels_zh" in data or "alt_labels_en" in data:
        return str(data.get("alt_labels_zh", "")), str(data.get("alt_labels_en", ""))
    names = [name for name in str(data.get("alt_labels", "")).split(" / ") if name]
    return (
        " / ".join(name for name in names if _HAN.search(name)),
        " / ".join(name for name in names if not _HAN.search(name)),
    )


def _alternative_tips(data: dict[str, object], lang: str) -> dict[str, str]:
    """The tooltip's lines of other names, those in the page's language first. A Chinese
    page names the Chinese ones (又称: 绩效平台) and, on a line of its own, the English
    ones (英文又称: performance platform); an English page names the English ones (also:
    performance platform) and, on a line of its own, the Chinese ones (also (Chinese):
    绩效平台). A name is never shown as though it were in the other language (an
    alternative name recorded in Chinese only, 省属国有企业, whose English is the preferred
    label's), and a reader can still match a Chinese one to the quote below it, which may
    use that name."""
    chinese, english = _alternatives(data)
    if lang == "zh":
        return {
            "alt": f"又称: {chinese}" if chinese else "",
            "altEn": f"英文又称: {english}" if english else "",
        }
    return {
        "alt": f"also: {english}" if english else "",
        "altZh": f"also (Chinese): {chinese}" if chinese else "",
    }


class EmptyViewError(ReformgraphError):
    """The view asked for holds no node: a page of it would be blank."""


def _empty(view: str, construct: Graph | None, max_cases: int | None) -> str:
    """Why a view holds nothing to draw."""
    if construct is not None:
        if len(construct):
            return (
                f"the CONSTRUCT query's {len(construct):,} triple(s) all have a literal as"
                " object: a view draws resources (IRIs) and the links between them, so"
                " there is nothing to draw"
            )
        return "the CONSTRUCT query returned no triples: there is nothing to draw"
    if view == "cases":
        if max_cases is not None:
            return (
                f"no entity is named by 2 to {max_cases} cases: the cross-case view is empty"
                " (a larger --max-cases keeps more)"
            )
        return "no entity is named by two or more cases: the cross-case view is empty"
    return "the graph holds no nodes: there is nothing to draw"


def _find_case(graph: Graph, case: str) -> URIRef:
    """The case ``case`` names: its IRI (a string or a URIRef), ``<IRI>``,
    ``rgd:case/ID``, ``case/ID`` or its bare id, resolved by
    :func:`~reformgraph.analysis.graph_node` among the cases only (so the case
    ``big-fiscal-system``, never the concept of that id)."""
    cases = set(graph.subjects(RDF.type, RG.ReformCase))
    node = graph_node(graph, case, among=cases)
    kinds = network_kinds(graph, [node]) if node in cases else {}
    if isinstance(node, URIRef) and kinds.get(node) == "case":
        return node
    text = case.strip() if isinstance(case, str) else str(case)
    if isinstance(node, URIRef) and node in cases:
        # a graph of someone else's making: a case that is an office too is drawn as the
        # office (it said "no case …; did you mean" the very id given)
        raise UnknownCaseError(
            f"{text!r} is a case, but the graph also gives it the class of a"
            f" {kinds.get(node, 'node of another kind')}, as which the network draws it:"
            " it has no case view (a graph reformgraph builds gives a case one class)"
        )
    # a case's title, copied from a table (推进大财政体系建设): say whose it is
    wanted = " ".join(text.split()).casefold()
    titled = sorted(
        str(c).rsplit("/", 1)[-1]
        for c in cases
        if any(
            " ".join(str(t).split()).casefold() == wanted for t in graph.objects(c, DCTERMS.title)
        )
    )
    close = closest(text.rsplit("/", 1)[-1], (str(c).rsplit("/", 1)[-1] for c in cases))
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    # its number in its report (1), as `query -p case=1` is told
    placed = sorted(
        str(c).rsplit("/", 1)[-1]
        for c in cases
        if any(str(n) == text for n in graph.objects(c, RG.position))
    )
    if placed:
        hint = (
            f": a case is given by its id, not its position: case {text} of its report is"
            f" {' or '.join(placed)}"
        )
    if titled:
        hint = f": that is the title of the case {', '.join(titled)}, which is its id"
    raise UnknownCaseError(
        f"no case {text!r} in the graph{hint} (give a case's id or IRI; `reformgraph query"
        " cases` lists them)"
    )


def _case_neighbourhood(graph: Graph, case: str) -> nx.MultiDiGraph:
    """The case, the parts that point to it (measures, statements) and the parts that
    point to those, then everything these point to: a subgraph of the network, read
    node by node from ``graph``."""
    root = _find_case(graph, case)

    def parts_of(node: URIRef) -> set[URIRef]:
        pointing = {s for _, s in network_edges(graph, node, reverse=True)}
        kinds = network_kinds(graph, pointing)
        return {n for n, kind in kinds.items() if kind != "case"}

    parts = parts_of(root)
    # Statements in measures point to their measure, not the case; take them too.
    parts |= {n for m in sorted(parts) for n in parts_of(m)}
    keep: set[Node] = {root, *parts}
    keep |= {o for n in list(keep) for _, o in network_edges(graph, n)}
    return to_networkx(graph, nodes=keep)


def _cross_case(graph: Graph, max_cases: int | None = None) -> nx.MultiDiGraph:
    """Cases and the entities that link two or more of them (at most ``max_cases``);
    edges name how each case does, with its words."""
    links = case_entity_links(graph)
    # The entities two or more cases name: those case_links lists, counted without
    # listing every pair of their cases (3.9 million links on 1,000 synthetic cases).
    cases_of: dict[URIRef, set[URIRef]] = {}
    for case, entity, _, _ in links:
        cases_of.setdefault(entity, set()).add(case)
    most = max_cases if max_cases is not None else len({link[0] for link in links})
    shared = [link for link in links if 2 <= len(cases_of[link[1]]) <= most]
    _warn_if_large(shared, cases_of, max_cases)
    network = to_networkx(graph, nodes={n for link in shared for n in link[:2]})
    # A handful of link properties: each one's labels read once.
    labels = {
        (p, lang): _property_label(graph, p, lang)
        for p in {link[2] for link in shared}
        for lang in ("zh", "en")
    }
    view = nx.MultiDiGraph()
    for case, entity, predicate, quote in shared:
        for node in (str(case), str(entity)):
            view.add_node(node, **network.nodes[node])
        name = str(predicate).rsplit("/", 1)[-1]
        if not view.has_edge(str(case), str(entity), key=name):
            view.add_edge(
                str(case),
                str(entity),
                key=name,
                relation=name,
                label_zh=labels[predicate, "zh"] or name,
                label_en=labels[predicate, "en"] or name,
                quote=quote,
            )
    return view


def _warn_if_large(
    shared: list[tuple[URIRef, URIRef, URIRef, str]],
    cases_of: dict[URIRef, set[URIRef]],
    max_cases: int | None,
) -> None:
    """Warn when the cross-case view is more than a picture to look at, naming the
    largest ``max_cases`` that keeps it within :data:`LARGE_CROSS_CASE`."""
    most_nodes, most_edges = LARGE_CROSS_CASE
    edges_of: dict[URIRef, set[tuple[URIRef, str]]] = {}
    for case, entity, predicate, _ in shared:
        edges_of.setdefault(entity, set()).add((case, str(predicate)))
    cases = {case for case, *_ in shared}
    nodes, edges = len(cases) + len(edges_of), sum(map(len, edges_of.values()))
    if nodes <= most_nodes and edges <= most_edges:
        return
    # The view with max_cases N, for each N from 2 up: entities added by how many
    # cases name them, until the view outgrows the limits.
    fits: int | None = None
    seen: set[URIRef] = set()
    count_nodes = count_edges = 0
    by_size = sorted(edges_of, key=lambda e: (len(cases_of[e]), str(e)))
    for i, entity in enumerate(by_size):
        size = len(cases_of[entity])
        new = cases_of[entity] - seen
        seen |= new
        count_nodes += 1 + len(new)
        count_edges += len(edges_of[entity])
        if count_nodes > most_nodes or count_edges > most_edges:
            break
        last = i + 1 == len(by_size) or len(cases_of[by_size[i + 1]]) > size
        if last:
            fits = size

    def text(max_cases_: str, case: str, query: str) -> str:
        advice = (
            f"{max_cases_}{fits} leaves out the entities more than {fits} cases name and"
            " keeps it within those limits"
            if fits is not None
            else f"even {max_cases_}2 leaves more; one case ({case}) or a CONSTRUCT query"
            f" ({query}) shows less"
        )
        return (
            f"the cross-case view shows {nodes:,} nodes and {edges:,} edges"
            f"{'' if max_cases is None else f' with {max_cases_}{max_cases}'}, more than a"
            f" picture can show legibly ({most_nodes:,} nodes or {most_edges:,} edges):"
            f" {advice}"
        )

    warnings.warn(
        LargeViewWarning(
            text("max_cases=", "case=ID", "construct=GRAPH"),
            command_line=text("--max-cases ", "--case ID", "--query FILE.rq"),
        ),
        stacklevel=user_stacklevel(),
    )


def _property_label(graph: Graph, predicate: URIRef, lang: str) -> str:
    for label in graph.objects(predicate, RDFS.label):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return ""


def _from_construct(graph: Graph, construct: Graph) -> nx.MultiDiGraph:
    triples = sorted(
        ((s, p, o) for s, p, o in construct if isinstance(o, URIRef)),
        key=lambda t: tuple(str(x) for x in t),
    )
    network = to_networkx(graph, nodes={n for s, _, o in triples for n in (s, o)})
    view = nx.MultiDiGraph()
    labels: dict[Node, tuple[str, str]] = {}
    for s, p, o in triples:
        for node in (str(s), str(o)):
            if node not in view:
                data = (
                    network.nodes[node]
                    if node in network
                    else {
                        "kind": "",
                        "type": "",
                        "label_zh": node.rsplit("/", 1)[-1],
                        "label_en": node.rsplit("/", 1)[-1],
                        "quote": "",
                    }
                )
                view.add_node(node, **data)
        name = str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]
        if p not in labels:
            labels[p] = _property_labels(graph, p, name)
        label_zh, label_en = labels[p]
        view.add_edge(str(s), str(o), key=name, relation=name, label_zh=label_zh, label_en=label_en)
    return view


def _property_labels(graph: Graph, prop: Node, name: str) -> tuple[str, str]:
    """A property's Chinese and English labels from the ontology (its local name if it
    has none), as the other views label their edges."""
    label_zh, label_en = labels_zh_en(graph, prop)
    return label_zh or name, label_en or name


# --------------------------------------------------------------------------- HTML


@dataclass(frozen=True)
class _Asset:
    script: str
    style: str


def _vis_network() -> _Asset:
    """vis-network's script and style, as shipped inside the pyvis package."""
    folder = files("pyvis") / "lib" / "vis-9.1.2"
    return _Asset(
        script=(folder / "vis-network.min.js").read_text(encoding="utf-8"),
        style=(folder / "vis-network.css").read_text(encoding="utf-8"),
    )


def _json_for_script(value: object) -> str:
    """JSON that is safe inside a <script> element: no <, >, & or line separators."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


def _pyvis_network(
    network: nx.MultiDiGraph, lang: str
) -> tuple[list[dict[str, object]], list[dict[str, object]], dict[str, object]]:
    from pyvis.network import Network

    big = network.number_of_nodes() > _SMALL_VIEW
    net = Network(directed=True, cdn_resources="in_line")
    other = "en" if lang == "zh" else "zh"
    # Filling pyvis's node and edge lists directly: Network.add_edge is quadratic.
    for node, data in sorted(network.nodes(data=True)):
        colour, shape, kind_zh, kind_en = STYLES.get(data.get("kind", ""), _DEFAULT_STYLE)
        net.nodes.append(
            {
                "id": node,
                # Broken into lines here, where a number keeps its unit (3708亿元): the
                # browser's own wrapping broke it anywhere (370 / 8亿元).
                "label": "\n".join(
                    _wrap(
                        data.get(f"label_{lang}") or data.get(f"label_{other}") or node,
                        _WRAP_WIDTH * _LABEL_WIDTH[lang],
                        _HTML_FONT,
                        cut_words=False,
                    )
                ),
                "kind": data.get("kind", ""),
                "names": data.get("alt_labels", ""),
                "color": colour,
                "shape": shape,
                **_INSIDE.get(shape, {}),
                "tip": {
                    # the page's language first: 案例 / case on a Chinese page, case / 案例
                    "type": (f"{kind_zh} / {kind_en}" if lang == "zh" else f"{kind_en} / {kind_zh}")
                    + f" ({data.get('type', '')})",
                    "zh": data.get("label_zh", ""),
                    "en": data.get("label_en", ""),
                    **_alternative_tips(data, lang),
                    # not a case's title again, under its title
                    "quote": ""
                    if data.get("quote") == data.get("label_zh")
                    else data.get("quote", ""),
                    "iri": node,
                },
            }
        )
        net.node_ids.append(node)
    between: dict[frozenset[str], int] = {}  # edges so far between two nodes
    for index, (s, o, key, data) in enumerate(sorted(network.edges(keys=True, data=True))):
        relation = data.get(f"label_{lang}") or key
        quote = data.get("quote", "")
        source = network.nodes[s]
        pair = frozenset((s, o))
        nth = between[pair] = between.get(pair, -1) + 1
        # The second and later edges between two nodes curve, each its own way, so
        # that their labels do not print over each other, and each can be hovered (in a
        # big view too: a few edges, where drawn on top of each other only one could be).
        curve = (
            {
                "smooth": {
                    "enabled": True,
                    "type": "curvedCW" if nth % 2 else "curvedCCW",
                    "roundness": 0.3 * ((nth + 1) // 2),
                }
            }
            if nth
            else {}
        )
        net.edges.append(
            {
                **curve,
                "id": index,
                "from": s,
                "to": o,
                "label": "" if big else relation,
                "arrows": "to",
                # A link of the cross-case view names the case and the words it uses.
                "tip": {
                    "type": relation,
                    **(
                        {
                            "case": source.get(f"label_{lang}")
                            or source.get(f"label_{other}")
                            or s,
                            "quote": quote,
                        }
                        if quote
                        else {}
                    ),
                },
            }
        )
    net.options = {
        "layout": {"improvedLayout": not big, "randomSeed": 7},
        "physics": {
            "enabled": True,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": (
                {"gravitationalConstant": -60, "springLength": 120, "avoidOverlap": 0.2}
                if big
                # Room for the labels of a picture meant to be read.
                else {"gravitationalConstant": -80, "springLength": 100, "avoidOverlap": 1}
            ),
            "stabilization": {
                "enabled": True,
                "iterations": 150 if big else 400,
                "updateInterval": 50,
            },
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "navigationButtons": False,
            # arrows move the view and +/- zoom while the graph has the focus (Tab to it)
            "keyboard": {"enabled": True, "bindToWindow": False},
        },
        "nodes": {
            # Long labels (case titles) wrap; a white outline keeps them legible over edges.
            "font": {
                "size": _HTML_FONT,
                "face": _FONTS,
                "strokeWidth": 3,
                "strokeColor": "#ffffff",
            },
            "size": 14,
            "widthConstraint": {"maximum": _LABEL_WIDTH[lang]},
        },
        "edges": {
            "font": {"size": 10, "align": "middle", "face": _FONTS, "color": "#666666"},
            "smooth": False,
            "color": {"color": "#9a9a9a", "highlight": "#333333"},
        },
    }
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    return nodes, edges, json.loads(options)


#: The widest a node's label is drawn (in pixels at zoom 1) before it wraps.
_LABEL_WIDTH = {"zh": 160, "en": 200}
#: The page's label font size, and how much of the width the lines are broken at (the
#: estimate of a text's width is rough: the browser must not need to break them again).
_HTML_FONT = 14
_WRAP_WIDTH = 0.9

#: Shapes that hold their label: no white outline, which blurs it on the colour.
_INSIDE: dict[str, dict[str, object]] = {
    shape: {"font": {"strokeWidth": 0}} for shape in ("box", "ellipse")
}

#: Views of more nodes are drawn with lighter physics, edge labels only when hovered and
#: labels left where the physics puts them.
_SMALL_VIEW = 300

_FONTS = "'Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif"


def render_html(network: nx.MultiDiGraph, *, title: str, lang: str = "zh") -> str:
    """One self-contained HTML page showing ``network``: no file or address is loaded."""
    require_network(network, "render_html")
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    nodes, edges, options = _pyvis_network(network, lang)
    kinds = sorted(
        {str(n["kind"]) for n in nodes}, key=lambda k: list(STYLES).index(k) if k in STYLES else 99
    )
    legend = []
    for kind in kinds:
        colour, shape, zh, en = STYLES.get(kind, _DEFAULT_STYLE)
        legend.append(
            {"kind": kind, "color": colour, "shape": shape, "text": zh if lang == "zh" else en}
        )
    status = (
        f"{len(nodes)} 个节点, {len(edges)} 条边"
        if lang == "zh"
        else f"{len(nodes)} nodes, {len(edges)} edges"
    )
    # Labels moved apart after the physics: pairs of nodes, so only on pictures to be read.
    spread = {"rounds": 0 if len(nodes) > _SMALL_VIEW else 400, "gap": 8}
    data = {
        "nodes": nodes,
        "edges": edges,
        "options": options,
        "legend": legend,
        "status": status,
        "spread": spread,
    }
    vis = _vis_network()
    page = _template().render(
        script_src=_SCRIPT_HASHES,
        lang="zh-Hans" if lang == "zh" else "en",
        title=escape_invisible(title),
        fonts=_FONTS,
        vis_style=vis.style.replace("</style", "<\\/style"),
        vis_script=vis.script.replace("</script", "<\\/script"),
        data=_json_for_script(_shown(data)),
        search_placeholder="搜索节点…" if lang == "zh" else "Search nodes…",
        details_label="所选节点或边的详情" if lang == "zh" else "Details of what is selected",
        close_label="关闭详情" if lang == "zh" else "Close the details",
    )
    return page.replace(_SCRIPT_HASHES, _script_hashes(page), 1)


#: Where the page's Content-Security-Policy lists its scripts, until they are hashed.
_SCRIPT_HASHES = "'reformgraph-script-hashes'"


def _script_hashes(page: str) -> str:
    """The page's own scripts, by their SHA-256, for its Content-Security-Policy: the
    browser runs those and no other, so that a script that reached the page some other
    way would not run ('unsafe-inline' ran any script element or event handler)."""
    import base64
    import hashlib

    scripts = re.findall(r"<script>(.*?)</script>", page, flags=re.DOTALL)
    return " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode("utf-8")).digest()).decode() + "'"
        for s in scripts
    )


def _template() -> jinja2.Template:
    """The page template; every value is HTML-escaped unless marked safe (JSON, vis-network)."""
    text = (files("reformgraph") / "templates" / "graph.html").read_text(encoding="utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(text)


# --------------------------------------------------------------------------- SVG


#: What XML 1.0 does not allow in a document: C0 controls but the tab and line breaks,
#: lone surrogates, U+FFFE and U+FFFF (a literal of an RDF file may hold any of them).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    """``text`` as the content of an XML element: escaped, each character XML does not
    allow shown as U+FFFD (one was a picture no browser or editor would open), and each
    invisible character as its escape (see :func:`_shown`)."""
    return escape(_NOT_XML.sub("\ufffd", escape_invisible(text)))


def _shown(value: object) -> object:
    """``value`` (the page's data: mappings, lists, texts) with each invisible character of
    its texts written as its escape, ``\\u202e``: a label of an RDF file from someone else
    (``--graph``) may hold one, which the page drew as nothing (hu\\u200bbei as hubei) or,
    a control of the direction of text, reversed what followed it."""
    if isinstance(value, str):
        return escape_invisible(value)
    if isinstance(value, dict):
        return {key: _shown(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shown(item) for item in value]
    return value


#: The still picture's label font size, line height and the width at which labels wrap.
_SVG_FONT = 12
_SVG_LINE = 15
_SVG_LABEL_WIDTH = 170


def render_svg(network: nx.MultiDiGraph, *, title: str, lang: str = "zh", size: int = 1600) -> str:
    """A still picture of ``network`` (a seeded spring layout), for articles and slides:
    nodes shaped and coloured as on the page, with a legend, arrows for the edges and
    labels that wrap. ``size`` is its least width and height in pixels (at least 200);
    the picture grows so that every label stays inside it. On up to
    ``_SMALL_VIEW`` nodes, nodes are moved apart until no two labels overlap."""
    require_network(network, "render_svg")
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}: use zh or en")
    if isinstance(size, bool) or not isinstance(size, int) or size < 200:
        raise ValueError(f"size={size!r}: a picture of at least 200 pixels is needed")
    margin, heading = 30, 50
    other = "en" if lang == "zh" else "zh"
    order = sorted(network.nodes)
    layout = nx.spring_layout(nx.Graph(network), seed=7, iterations=200) if order else {}

    kinds = sorted(
        {network.nodes[n].get("kind", "") for n in order},
        key=lambda k: list(STYLES).index(k) if k in STYLES else len(STYLES),
    )
    legend = []
    for kind in kinds:
        colour, shape, zh, en = STYLES.get(kind, _DEFAULT_STYLE)
        legend.append((colour, shape, zh if lang == "zh" else en))
    legend_width = 40 + max((_text_width(text, 13) for *_, text in legend), default=0)

    # Each node: its label's lines and its box (shape and label) around its centre.
    drawn: list[tuple[str, dict[str, str], float, str, list[str]]] = []
    boxes: list[tuple[float, float, float, float]] = []
    for node in order:
        data = network.nodes[node]
        label = str(data.get(f"label_{lang}") or data.get(f"label_{other}") or node)
        radius = 11.0 if data.get("kind") == "case" else 7.0
        lines = _wrap(label, _SVG_LABEL_WIDTH, _SVG_FONT)
        half = max(1.5 * radius, max(_text_width(line, _SVG_FONT) for line in lines) / 2)
        boxes.append((-half, half, -1.3 * radius, 1.3 * radius + 6 + len(lines) * _SVG_LINE))
        drawn.append((node, data, radius, label, lines))
    side = max(size - 2 * margin - legend_width - _SVG_LABEL_WIDTH, 100)
    xs = [(float(layout[n][0]) + 1) / 2 * side for n in order]
    ys = [(float(layout[n][1]) + 1) / 2 * side for n in order]
    if len(order) <= _SMALL_VIEW:
        _spread(xs, ys, boxes, gap=4, rounds=400)

    left = min((x + b[0] for x, b in zip(xs, boxes, strict=True)), default=0)
    right = max((x + b[1] for x, b in zip(xs, boxes, strict=True)), default=0)
    top = min((y + b[2] for y, b in zip(ys, boxes, strict=True)), default=0)
    bottom = max((y + b[3] for y, b in zip(ys, boxes, strict=True)), default=0)
    legend_height = len(legend) * 22
    width = max(
        size,
        round(margin + (right - left) + 40 + legend_width + margin),
        round(2 * margin + _text_width(title, 22)),
    )
    height = max(size, round(heading + margin + max(bottom - top, legend_height) + margin))
    # The picture in the middle of the room left of the legend.
    room = width - 2 * margin - 40 - legend_width
    dx = margin + (room - (right - left)) / 2 - left
    dy = heading + margin + (height - heading - 2 * margin - (bottom - top)) / 2 - top
    where = {n: (x + dx, y + dy) for n, x, y in zip(order, xs, ys, strict=True)}

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}"'
        f' font-family="{_FONTS.replace(chr(39), "")}">',
        f"<title>{_xml(title)}</title>",
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7"'
        ' markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#999999"/></marker>'
        "</defs>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{margin}" y="{heading - 12}" font-size="22">{_xml(title)}</text>',
    ]
    radius_of = {node: radius for node, _, radius, *_ in drawn}
    relations: dict[tuple[str, str], list[str]] = {}
    for s, o, key, data in sorted(network.edges(keys=True, data=True)):
        if s != o:
            relations.setdefault((s, o), []).append(str(data.get(f"label_{lang}") or key))
    parts.append('<g id="edges" stroke="#bbbbbb" stroke-width="1">')
    for (s, o), names in relations.items():
        (x1, y1), (x2, y2) = where[s], where[o]
        length = ((x2 - x1) ** 2 + (y2 - y1) ** 2) ** 0.5 or 1.0
        cut = (1.3 * radius_of[o] + 2) / length  # the arrow ends at the node's edge
        x2, y2 = x2 - (x2 - x1) * cut, y2 - (y2 - y1) * cut
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"'
            f' marker-end="url(#arrow)"><title>{_xml("; ".join(names))}</title></line>'
        )
    parts.append("</g>")
    parts.append(f'<g id="nodes" font-size="{_SVG_FONT}" text-anchor="middle">')
    for node, data, radius, label, lines in drawn:
        x, y = where[node]
        colour, shape, *_ = STYLES.get(data.get("kind", ""), _DEFAULT_STYLE)
        parts.append(_svg_shape(shape, colour, x, y, radius, tip=label))
        spans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if i == 0 else _SVG_LINE}">{_xml(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        parts.append(f'<text x="{x:.1f}" y="{y + 1.3 * radius + 4 + _SVG_FONT:.1f}">{spans}</text>')
    parts.append("</g>")
    lx, ly = width - margin - legend_width, heading + margin
    parts.append('<g id="legend" font-size="13">')
    for i, (colour, shape, text) in enumerate(legend):
        y = ly + i * 22 + 8
        parts.append(_svg_shape(shape, colour, lx + 10, y, 6.0))
        parts.append(f'<text x="{lx + 28}" y="{y + 4.5:.1f}">{_xml(text)}</text>')
    parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _svg_shape(
    shape: str, colour: str, x: float, y: float, r: float, *, tip: str | None = None
) -> str:
    """A node's shape as vis-network draws it, as one SVG element (with ``tip`` as its
    tooltip)."""

    def ring(count: int, outer: float, inner: float, turn: float) -> list[tuple[float, float]]:
        radii = [inner if inner and i % 2 else outer for i in range(count)]
        angles = [turn + i * 2 * math.pi / count for i in range(count)]
        return [(d * math.cos(a), d * math.sin(a)) for d, a in zip(radii, angles, strict=True)]

    corners: dict[str, Callable[[], list[tuple[float, float]]]] = {
        "star": lambda: ring(10, 1.3 * r, 0.55 * r, -math.pi / 2),
        "diamond": lambda: ring(4, 1.25 * r, 0, -math.pi / 2),
        "hexagon": lambda: ring(6, 1.15 * r, 0, 0),
        "triangle": lambda: [(0, -1.3 * r), (1.15 * r, 0.8 * r), (-1.15 * r, 0.8 * r)],
        "triangleDown": lambda: [(0, 1.3 * r), (1.15 * r, -0.8 * r), (-1.15 * r, -0.8 * r)],
    }
    if shape in corners:
        points = " ".join(f"{x + cx:.1f},{y + cy:.1f}" for cx, cy in corners[shape]())
        tag, where = "polygon", f'points="{points}"'
    elif shape in ("square", "box"):
        half = 1.4 * r if shape == "box" else 0.9 * r
        tag = "rect"
        where = (
            f'x="{x - half:.1f}" y="{y - 0.9 * r:.1f}" width="{2 * half:.1f}"'
            f' height="{1.8 * r:.1f}"' + (' rx="2"' if shape == "box" else "")
        )
    elif shape == "ellipse":
        tag, where = "ellipse", f'cx="{x:.1f}" cy="{y:.1f}" rx="{1.5 * r:.1f}" ry="{r:.1f}"'
    else:
        tag, where = "circle", f'cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'
    opening = f'<{tag} {where} fill={quoteattr(colour)} stroke="#555555" stroke-width="0.6"'
    if tip is None:
        return opening + "/>"
    return f"{opening}><title>{_xml(tip)}</title></{tag}>"


def _text_width(text: str, font: float) -> float:
    """About how wide ``text`` is drawn at ``font`` pixels: a full-width (CJK) character
    takes 1 em, any other at most 0.6 em (a generous average for a sans-serif)."""
    return sum(font if unicodedata.east_asian_width(char) in "WFA" else 0.6 * font for char in text)


#: What a line is not broken inside: spaces; a number with its magnitude and unit
#: characters (3708亿元, 21.8万亿元, 20多个: 个 and 元 as the one character after it); a
#: run of other non-CJK characters; else one character. Opening punctuation stays with
#: what follows it and closing punctuation with what precedes it (no line starts with :).
_TOKENS = re.compile(
    r"\s+|[\uff08\u201c\u2018\u300a\u300c\u300e(\[]*"
    r"(?:[0-9\uff10-\uff19][0-9\uff10-\uff19.,\uff0e%\uff05]*[万亿千百十多余]*[\u2e80-\uffff]?"
    r"|[^\s\u2e80-\uffff]+|\S)"
    r"[\uff1a\uff0c\u3002\u3001\uff1b\uff01\uff1f\uff09\u300d\u300f\u201d\u2019\u300b:,.;!?)\]\u2026]*"
)


def _wrap(text: str, width: float, font: float, *, cut_words: bool = True) -> list[str]:
    """``text`` in lines of at most ``width`` pixels: broken at spaces, between CJK
    characters (not inside a number and its unit), and inside a word only when the word
    alone is wider (unless not ``cut_words``: the word then has a line of its own)."""
    tokens = _TOKENS.findall(text)
    lines: list[str] = []
    line = ""
    for token in tokens:
        if token.isspace():
            if line:
                line += " "
            continue
        if _text_width(line + token, font) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        while cut_words and _text_width(token, font) > width:  # a word wider than a line
            cut = 1
            while cut < len(token) and _text_width(token[: cut + 1], font) <= width:
                cut += 1
            lines.append(token[:cut])
            token = token[cut:]
        line = token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _spread(
    xs: list[float],
    ys: list[float],
    boxes: list[tuple[float, float, float, float]],
    *,
    gap: float,
    rounds: int,
) -> None:
    """Move nodes apart until no two boxes (left, right, top, bottom around each node)
    overlap, as the page does in the browser: pairs in a fixed order, so the same
    picture every time."""
    count = len(xs)
    for _ in range(rounds):
        moved = False
        for i in range(count):
            a = boxes[i]
            for j in range(i + 1, count):
                c = boxes[j]
                dx = min(xs[i] + a[1], xs[j] + c[1]) - max(xs[i] + a[0], xs[j] + c[0]) + gap
                dy = min(ys[i] + a[3], ys[j] + c[3]) - max(ys[i] + a[2], ys[j] + c[2]) + gap
                if dx <= 0 or dy <= 0:
                    continue
                moved = True
                if dx < dy:
                    side = -1 if xs[i] + (a[0] + a[1]) / 2 <= xs[j] + (c[0] + c[1]) / 2 else 1
                    xs[i] += side * (dx / 2 + 0.5)
                    xs[j] -= side * (dx / 2 + 0.5)
                else:
                    side = -1 if ys[i] + (a[2] + a[3]) / 2 <= ys[j] + (c[2] + c[3]) / 2 else 1
                    ys[i] += side * (dy / 2 + 0.5)
                    ys[j] -= side * (dy / 2 + 0.5)
        if not moved:
            return


def default_title(
    view: str, case: str | None, query: Path | None, lang: str, graph: Graph | None = None
) -> str:
    """A page's title: the view's name, the query file's, or the case's title in the
    page's language (read from ``graph``; its id without one)."""
    if query is not None:
        return f"reformgraph: {query.name}"
    if case is not None:
        if graph is not None:
            titles = {
                title.language: str(title)
                for title in graph.objects(_find_case(graph, case), DCTERMS.title)
                if isinstance(title, Literal)
            }
            found = titles.get(lang) or titles.get("zh")
            if found:
                return f"reformgraph — {found}"
        return f"reformgraph: {case}"
    names = {"full": ("全部", "everything"), "cases": ("跨案例关联", "cross-case links")}
    zh, en = names.get(view, (view, view))
    return f"reformgraph — {zh if lang == 'zh' else en}"
